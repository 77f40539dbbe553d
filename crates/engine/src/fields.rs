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

/// Resolve a field name, or say which names are near it.
pub fn resolve(name: &str) -> Result<FieldRef, UnknownField> {
    registry::lookup(name).ok_or_else(|| UnknownField {
        name: name.to_string(),
        suggestions: registry::suggest(name, 3),
    })
}

/// Call `f` for every occurrence of field `r` in `d`, in dissection order
/// (outer layers first, quoted packets included, as tshark does), with the
/// field's absolute byte range in the frame.
pub fn each<'a>(
    d: &Dissection<'a>,
    r: FieldRef,
    f: &mut dyn FnMut(&'static FieldDef, Value<'a>, Range<usize>),
) {
    let Some(idx) = r.idx else { return };
    let Some(def) = r.def() else { return };
    for e in d.layers.iter().filter(|e| e.layer.proto() == r.proto) {
        let off = e.offset;
        e.layer
            .field(idx, &mut |v: Value<'a>, range: Range<usize>| {
                f(def, v, off + range.start..off + range.end)
            });
    }
}

/// Is field (or protocol) `r` present in `d`?
pub fn present(d: &Dissection, r: FieldRef) -> bool {
    if r.idx.is_none() || is_protocols(r) {
        return d.layers.iter().any(|e| e.layer.proto() == r.proto);
    }
    let mut any = false;
    each(d, r, &mut |_, _, _| any = true);
    any
}

fn is_protocols(r: FieldRef) -> bool {
    r.proto == Proto::Frame && r.idx == Some(frame::Field::Protocols as usize)
}

/// Append every occurrence of `r` in tshark's text form, joined by `sep`.
/// Returns how many occurrences there were.
pub fn write_text(d: &Dissection, r: FieldRef, sep: &str, out: &mut String) -> usize {
    if is_protocols(r) {
        d.protocols(out);
        return 1;
    }
    let mut n = 0;
    each(d, r, &mut |def, v, _| {
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
