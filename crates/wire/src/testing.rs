//! Helpers shared by the protocol modules' tests: a view's fields printed
//! in tshark's `-T fields` text form.
//!
//! A view answers one field at a time through [`FieldSink`]; these collect
//! the answers. `emit` is the view's `field` call, e.g.
//! `|out| v.field(f, out)` for one field or
//! `|i, out| v.field(Field::from_index(i).unwrap(), out)` for a whole table.

use std::ops::Range;

use crate::field::{FieldDef, FieldSink, Kind, Value};

/// Every occurrence of one field of `kind`, in tshark's text form.
pub(crate) fn values<'a>(kind: Kind, emit: impl FnOnce(&mut dyn FieldSink<'a>)) -> Vec<String> {
    values_checked(kind, emit, |_| {})
}

/// As [`values`], handing each occurrence's byte range to `check` first
/// (to assert it lies within the layer).
pub(crate) fn values_checked<'a>(
    kind: Kind,
    emit: impl FnOnce(&mut dyn FieldSink<'a>),
    mut check: impl FnMut(Range<usize>),
) -> Vec<String> {
    let mut got = Vec::new();
    emit(&mut |val: Value<'a>, r: Range<usize>| {
        check(r);
        let mut s = String::new();
        val.write_tshark(kind, &mut s);
        got.push(s);
    });
    got
}

/// Every occurrence of one field of `kind`, joined by `,` as tshark joins
/// them, each one's byte range asserted to lie within a layer of `len`
/// bytes.
pub(crate) fn joined_within<'a>(
    len: usize,
    kind: Kind,
    emit: impl FnOnce(&mut dyn FieldSink<'a>),
) -> String {
    values_checked(kind, emit, |r| {
        assert!(r.start <= r.end && r.end <= len, "{r:?}")
    })
    .join(",")
}

/// Every occurrence of every field of `table`, in table order, as
/// `(name, text)`; `emit(i, out)` reports the field at index `i`.
pub(crate) fn occurrences<'a>(
    table: &'static [FieldDef],
    emit: impl Fn(usize, &mut dyn FieldSink<'a>),
) -> Vec<(&'static str, String)> {
    let mut got = Vec::new();
    for (i, d) in table.iter().enumerate() {
        for s in values(d.kind, |out| emit(i, out)) {
            got.push((d.name, s));
        }
    }
    got
}

/// As [`occurrences`], each as `"name=text"` (a field seen twice gives two
/// entries).
pub(crate) fn each_field_text<'a>(
    table: &'static [FieldDef],
    emit: impl Fn(usize, &mut dyn FieldSink<'a>),
) -> Vec<String> {
    occurrences(table, emit)
        .into_iter()
        .map(|(name, s)| format!("{name}={s}"))
        .collect()
}

/// One `"name=v1,v2"` entry per field of `table` that has any value, in
/// table order; `emit(i, out)` reports the field at index `i`.
pub(crate) fn fields_text<'a>(
    table: &'static [FieldDef],
    emit: impl Fn(usize, &mut dyn FieldSink<'a>),
) -> Vec<String> {
    let mut got = Vec::new();
    for (i, d) in table.iter().enumerate() {
        let vals = values(d.kind, |out| emit(i, out));
        if !vals.is_empty() {
            got.push(format!("{}={}", d.name, vals.join(",")));
        }
    }
    got
}

/// Asserts that every occurrence of every field of `table` was read from
/// within the first `len` bytes; `emit(i, out)` reports the field at index
/// `i`.
pub(crate) fn assert_ranges_within<'a>(
    table: &'static [FieldDef],
    len: usize,
    emit: impl Fn(usize, &mut dyn FieldSink<'a>),
) {
    for (i, d) in table.iter().enumerate() {
        emit(i, &mut |_v: Value<'a>, r: Range<usize>| {
            assert!(r.end <= len, "{} range {r:?} past {len}", d.name);
        });
    }
}

/// The text a `write(&mut String)` method appends to an empty string (a
/// view's `title`, say).
pub(crate) fn string_of(write: impl FnOnce(&mut String)) -> String {
    let mut s = String::new();
    write(&mut s);
    s
}

/// Bytes from hex text (anything but hex digits ignored): the tests'
/// captured bytes.
pub(crate) fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        // ok: test-only (cfg(test)); the digits were filtered to ASCII hex.
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}
