//! The layer tree (`-V`): each layer's title, then every field indented
//! under it with its description and value, then what went wrong there.

use super::{Sink, StreamMark};
use wiresift_engine::fields::layer_fields;
use wiresift_engine::Dissection;
use wiresift_wire::field::Value;
use wiresift_wire::Anomaly;

#[derive(Default)]
pub struct Tree {
    s: String,
    /// Where the text holds conversation numbers, when the caller asked.
    marks: Option<Vec<StreamMark>>,
}

impl Sink for Tree {
    fn mark_streams(&mut self) -> bool {
        self.marks = Some(Vec::new());
        true
    }

    fn marks(&self) -> &[StreamMark] {
        self.marks.as_deref().unwrap_or_default()
    }

    fn packet(&mut self, d: &Dissection, out: &mut Vec<u8>) {
        let s = &mut self.s;
        s.clear();
        let mut marks = self.marks.as_mut();
        if let Some(m) = marks.as_deref_mut() {
            m.clear();
        }
        for (i, e) in d.layers.iter().enumerate() {
            if e.quoted && i > 0 && !d.layers[i - 1].quoted {
                s.push_str("    [quoted packet]\n");
            }
            let indent = if e.quoted { "        " } else { "    " };
            s.push_str(&indent[4..]);
            e.layer.title(s);
            s.push('\n');
            layer_fields(&e.layer, &mut |def, v, _| {
                if matches!(v, Value::Present) {
                    return;
                }
                s.push_str(indent);
                s.push_str(def.desc);
                s.push_str(": ");
                let at = s.len();
                v.write_tshark(def.kind, s);
                if let Some(m) = marks.as_deref_mut() {
                    m.extend(StreamMark::of(def.name, &v, at, s.len()));
                }
                s.push_str("  [");
                s.push_str(def.name);
                s.push_str("]\n");
            });
            for a in d.anomalies.iter().filter(|a| owner(d, a) == Some(i)) {
                expert(s, indent, a);
            }
        }
        for a in d.anomalies.iter().filter(|a| owner(d, a).is_none()) {
            expert(s, "", a);
        }
        if d.anomalies_dropped > 0 {
            s.push('[');
            s.push_str(itoa::Buffer::new().format(d.anomalies_dropped));
            s.push_str(" more anomalies not shown]\n");
        }
        s.push('\n');
        out.extend_from_slice(s.as_bytes());
    }
}

/// The layer an anomaly belongs to: the last layer of its protocol that
/// starts at or before it (none when the layer could not be built at all).
fn owner(d: &Dissection, a: &Anomaly) -> Option<usize> {
    d.layers
        .iter()
        .rposition(|e| e.layer.proto() == a.proto && e.offset <= a.range.start)
}

fn expert(s: &mut String, indent: &str, a: &Anomaly) {
    s.push_str(indent);
    s.push_str("[Expert Info (");
    s.push_str(a.kind.name());
    s.push_str("): ");
    s.push_str(a.proto.name());
    s.push_str(": ");
    s.push_str(a.msg);
    s.push_str(", bytes ");
    s.push_str(itoa::Buffer::new().format(a.range.start));
    s.push_str("..");
    s.push_str(itoa::Buffer::new().format(a.range.end));
    s.push_str("]\n");
}
