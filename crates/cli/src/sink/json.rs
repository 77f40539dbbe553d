//! `-T json`: one JSON object a packet, one per line (NDJSON), for jq and
//! log pipelines. Layers in order, each an object of its fields; a layer that
//! occurs twice (tunnels) or a field that occurs twice becomes an array.
//! Integers are JSON numbers; addresses, hex values and text are strings.
//!
//! Written straight into the output buffer, with no text made per value: a
//! field's values come one after another, so a second one turns the first
//! into an array by putting `[` before it.

use super::{Sink, StreamMark};
use wiresift_engine::fields::layer_fields;
use wiresift_engine::Dissection;
use wiresift_wire::field::{Kind, Value};

#[derive(Default)]
pub struct Json {
    /// A value's text in tshark's form, before it is escaped.
    text: String,
    /// Where the text holds conversation numbers, when the caller asked.
    marks: Option<Vec<StreamMark>>,
}

/// The field whose values are being written: its name, where its first
/// value starts, and whether it has become an array.
struct Open {
    name: &'static str,
    first: usize,
    array: bool,
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
        // Marks count from the start of this packet's text.
        let base = out.len();
        let mut marks = self.marks.as_mut();
        if let Some(m) = marks.as_deref_mut() {
            m.clear();
        }
        out.extend_from_slice(b"{\"layers\":[");
        for (i, e) in d.layers.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"protocol\":");
            string(out, e.layer.proto().name());
            if e.quoted {
                out.extend_from_slice(b",\"quoted\":true");
            }
            out.extend_from_slice(b",\"offset\":");
            out.extend_from_slice(itoa::Buffer::new().format(e.offset).as_bytes());
            out.extend_from_slice(b",\"fields\":{");
            let mut open: Option<Open> = None;
            let text = &mut self.text;
            layer_fields(&e.layer, &mut |def, v, _| {
                match open.as_mut() {
                    Some(o) if o.name == def.name => {
                        if !o.array {
                            o.array = true;
                            out.insert(o.first, b'[');
                            // A mark of the first value moved with it.
                            if let Some(m) = marks.as_deref_mut() {
                                for x in m.iter_mut().filter(|x| base + x.at >= o.first) {
                                    x.at += 1;
                                }
                            }
                        }
                        out.push(b',');
                    }
                    _ => {
                        if let Some(o) = open.take() {
                            if o.array {
                                out.push(b']');
                            }
                            out.push(b',');
                        }
                        string(out, def.name);
                        out.push(b':');
                        open = Some(Open {
                            name: def.name,
                            first: out.len(),
                            array: false,
                        });
                    }
                }
                let at = out.len();
                value(out, text, def.kind, v);
                if let Some(m) = marks.as_deref_mut() {
                    m.extend(StreamMark::of(def.name, &v, at - base, out.len() - base));
                }
            });
            if open.is_some_and(|o| o.array) {
                out.push(b']');
            }
            out.extend_from_slice(b"}}");
        }
        out.push(b']');
        if !d.anomalies.is_empty() {
            out.extend_from_slice(b",\"anomalies\":[");
            for (i, a) in d.anomalies.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"protocol\":");
                string(out, a.proto.name());
                out.extend_from_slice(b",\"kind\":");
                string(out, a.kind.name());
                out.extend_from_slice(b",\"message\":");
                string(out, a.msg);
                out.extend_from_slice(b",\"start\":");
                out.extend_from_slice(itoa::Buffer::new().format(a.range.start).as_bytes());
                out.extend_from_slice(b",\"end\":");
                out.extend_from_slice(itoa::Buffer::new().format(a.range.end).as_bytes());
                out.push(b'}');
            }
            out.push(b']');
        }
        out.extend_from_slice(b"}\n");
    }
}

/// A JSON string literal, escaped by serde_json.
fn string(out: &mut Vec<u8>, text: &str) {
    // Writing a &str to memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// A value: numbers for decimal integers, `true`/`false` for booleans,
/// strings (in tshark's text form, made in `text`) for everything else.
fn value(out: &mut Vec<u8>, text: &mut String, kind: Kind, v: Value) {
    match (kind, v) {
        (Kind::Dec, Value::UInt(n)) => {
            out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes())
        }
        (_, Value::Int(n)) => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
        (Kind::Bool, Value::Bool(b)) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        (Kind::Bool, Value::UInt(n)) => {
            out.extend_from_slice(if n != 0 { b"true" } else { b"false" })
        }
        (_, Value::Present) => out.extend_from_slice(b"true"),
        (k, v) => {
            text.clear();
            v.write_tshark(k, text);
            string(out, text);
        }
    }
}
