//! Reading named fields out of a dissection: what `-T fields -e`, JSON and
//! (later) filters share. Names are resolved once against the registry; per
//! packet, values are found by protocol and position, never by string.

use crate::dissect::Dissection;
use std::ops::Range;
use wiresift_wire::field::{FieldDef, Kind, Value};
use wiresift_wire::registry::{self, FieldRef};
use wiresift_wire::{frame, Layer, Proto};

/// A field name the registry does not know, with the nearest known names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField {
    pub name: String,
    pub suggestions: Vec<&'static str>,
}

impl std::fmt::Display for UnknownField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown field '{}'", self.name)?;
        if !self.suggestions.is_empty() {
            write!(f, " (did you mean {}?)", self.suggestions.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownField {}

/// A field name resolved against the registry: every declaration of it
/// (usually one; see [`registry::lookup_all`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    refs: Vec<FieldRef>,
}

impl Field {
    /// The name the user wrote.
    pub fn name(&self) -> &'static str {
        self.refs.first().map_or("", |r| r.name())
    }

    /// The declaration (kind, description), `None` for a protocol name.
    pub fn def(&self) -> Option<&'static FieldDef> {
        self.refs.first().and_then(|r| r.def())
    }

    /// Whether the field is a conversation number (`tcp.stream`,
    /// `udp.stream`): numbered in order of first frames of the whole file,
    /// which several workers know only by waiting for each other.
    pub fn is_stream_number(&self) -> bool {
        is_stream_number(self.name())
    }

    /// The declaration of this field in protocol `p`, if `p` declares it.
    fn in_proto(&self, p: Proto) -> Option<FieldRef> {
        self.refs.iter().copied().find(|r| r.proto == p)
    }
}

/// The field or protocol called `name`, if the registry knows it.
pub fn find(name: &str) -> Option<Field> {
    let refs: Vec<FieldRef> = registry::lookup_all(name).collect();
    (!refs.is_empty()).then_some(Field { refs })
}

/// Resolve a field name, or say which names are near it.
pub fn resolve(name: &str) -> Result<Field, UnknownField> {
    let refs: Vec<FieldRef> = registry::lookup_all(name).collect();
    if refs.is_empty() {
        return Err(UnknownField {
            name: name.to_string(),
            suggestions: registry::suggest(name, 3),
        });
    }
    Ok(Field { refs })
}

/// Call `f` for every occurrence of field `field` in `d`, in dissection
/// order (outer layers first, quoted packets included, as tshark does), with
/// the field's absolute byte range in the frame.
pub fn each<'a>(
    d: &Dissection<'a>,
    field: &Field,
    f: &mut dyn FnMut(&'static FieldDef, Value<'a>, Range<usize>),
) {
    for e in &d.layers {
        let Some(r) = field.in_proto(e.layer.proto()) else {
            continue;
        };
        let (Some(idx), Some(def)) = (r.idx, r.def()) else {
            continue;
        };
        let off = e.offset;
        e.layer
            .field(idx, &mut |v: Value<'a>, range: Range<usize>| {
                f(def, v, off + range.start..off + range.end)
            });
    }
}

/// Whether the field called `name` is a conversation number
/// ([`Field::is_stream_number`]).
pub fn is_stream_number(name: &str) -> bool {
    matches!(name, "tcp.stream" | "udp.stream")
}

/// Is field (or protocol) `field` present in `d`?
pub fn present(d: &Dissection, field: &Field) -> bool {
    if field.def().is_none() || is_protocols(field) {
        return d
            .layers
            .iter()
            .any(|e| field.in_proto(e.layer.proto()).is_some());
    }
    let mut any = false;
    each(d, field, &mut |_, _, _| any = true);
    any
}

fn is_protocols(field: &Field) -> bool {
    field
        .refs
        .first()
        .is_some_and(|r| r.proto == Proto::Frame && r.idx == Some(frame::Field::Protocols as usize))
}

/// Append every occurrence of `field` in tshark's text form, joined by
/// `sep`. Returns how many occurrences there were.
pub fn write_text(d: &Dissection, field: &Field, sep: &str, out: &mut String) -> usize {
    if is_protocols(field) {
        d.protocols(out);
        return 1;
    }
    let mut n = 0;
    each(d, field, &mut |def, v, _| {
        if n > 0 {
            out.push_str(sep);
        }
        v.write_tshark(def.kind, out);
        n += 1;
    });
    n
}

/// Every field of one layer with its value, in table order: the layer tree
/// and JSON walk layers this way.
pub fn layer_fields<'a>(
    layer: &Layer<'a>,
    f: &mut dyn FnMut(&'static FieldDef, Value<'a>, Range<usize>),
) {
    for (idx, def) in layer.proto().fields().iter().enumerate() {
        if def.kind == Kind::None {
            continue;
        }
        layer.field(idx, &mut |v: Value<'a>, r: Range<usize>| f(def, v, r));
    }
}
