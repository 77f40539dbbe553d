//! STUB: to be written (view, field table, builder, tests).

use crate::error::Error;
use crate::field::{FieldSink, Kind};
use crate::field_table;

field_table! {
    Placeholder: "teredo.placeholder", "Placeholder", Kind::None;
}

#[derive(Clone, Copy, Debug)]
pub struct TeredoView<'a> {
    bytes: &'a [u8],
}

impl<'a> TeredoView<'a> {
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        Ok(Self { bytes })
    }
    pub fn header_len(&self) -> usize {
        0
    }
    pub fn payload(&self) -> &'a [u8] {
        self.bytes
    }
    pub fn field(&self, _f: Field, _out: &mut dyn FieldSink<'a>) {}
    pub fn title(&self, out: &mut String) {
        out.push_str("teredo");
    }
}
