//! `-T json`: one JSON object a packet, one per line (NDJSON), for jq and
//! log pipelines. Layers in order, each an object of its fields; a layer that
//! occurs twice (tunnels) or a field that occurs twice becomes an array.
//! Integers are JSON numbers; addresses, hex values and text are strings.

use super::{Sink, StreamMark};
use wiresift_engine::fields::layer_fields;
use wiresift_engine::Dissection;
use wiresift_wire::field::{Kind, Value};

/// A value's JSON text, with its mark if it is a conversation number.
type Rendered = (String, Option<StreamMark>);

#[derive(Default)]
pub struct Json {
    s: String,
    /// (field name, rendered values) of the layer being written.
    pending: Vec<(&'static str, Vec<Rendered>)>,
    /// Where the text holds conversation numbers, when the caller asked.
    marks: Option<Vec<StreamMark>>,
}

impl Sink for Json {
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
        if let Some(m) = self.marks.as_mut() {
            m.clear();
        }
        s.push_str("{\"layers\":[");
        for (i, e) in d.layers.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str("{\"protocol\":");
            string(s, e.layer.proto().name());
            if e.quoted {
                s.push_str(",\"quoted\":true");
            }
            s.push_str(",\"offset\":");
            s.push_str(itoa::Buffer::new().format(e.offset));
            s.push_str(",\"fields\":{");
            self.pending.clear();
            let pending = &mut self.pending;
            let marking = self.marks.is_some();
            layer_fields(&e.layer, &mut |def, v, _| {
                let mut text = String::new();
                value(&mut text, def.kind, v);
                let mark = marking
                    .then(|| StreamMark::of(def.name, &v, 0, text.len()))
                    .flatten();
                match pending.last_mut() {
                    Some((name, vals)) if *name == def.name => vals.push((text, mark)),
                    _ => pending.push((def.name, vec![(text, mark)])),
                }
            });
            for (j, (name, vals)) in self.pending.iter().enumerate() {
                if j > 0 {
                    s.push(',');
                }
                string(s, name);
                s.push(':');
                let many = vals.len() != 1;
                if many {
                    s.push('[');
                }
                for (k, (text, mark)) in vals.iter().enumerate() {
                    if k > 0 {
                        s.push(',');
                    }
                    if let (Some(m), Some(marks)) = (mark, self.marks.as_mut()) {
                        marks.push(StreamMark {
                            at: s.len() + m.at,
                            ..*m
                        });
                    }
                    s.push_str(text);
                }
                if many {
                    s.push(']');
                }
            }
            s.push_str("}}");
        }
        s.push(']');
        if !d.anomalies.is_empty() {
            s.push_str(",\"anomalies\":[");
            for (i, a) in d.anomalies.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str("{\"protocol\":");
                string(s, a.proto.name());
                s.push_str(",\"kind\":");
                string(s, a.kind.name());
                s.push_str(",\"message\":");
                string(s, a.msg);
                s.push_str(",\"start\":");
                s.push_str(itoa::Buffer::new().format(a.range.start));
                s.push_str(",\"end\":");
                s.push_str(itoa::Buffer::new().format(a.range.end));
                s.push('}');
            }
            s.push(']');
        }
        s.push_str("}\n");
        out.extend_from_slice(s.as_bytes());
    }
}

/// A JSON string literal, escaped by serde_json.
fn string(s: &mut String, text: &str) {
    // Serializing a &str cannot fail.
    if let Ok(j) = serde_json::to_string(text) {
        s.push_str(&j);
    }
}

/// A value: numbers for decimal integers, `true`/`false` for booleans,
/// strings (in tshark's text form) for everything else.
fn value(s: &mut String, kind: Kind, v: Value) {
    match (kind, v) {
        (Kind::Dec, Value::UInt(n)) => s.push_str(itoa::Buffer::new().format(n)),
        (_, Value::Int(n)) => s.push_str(itoa::Buffer::new().format(n)),
        (Kind::Bool, Value::Bool(b)) => s.push_str(if b { "true" } else { "false" }),
        (Kind::Bool, Value::UInt(n)) => s.push_str(if n != 0 { "true" } else { "false" }),
        (_, Value::Present) => s.push_str("true"),
        (k, v) => {
            let mut t = String::new();
            v.write_tshark(k, &mut t);
            string(s, &t);
        }
    }
}
