//! STUB: QUIC packet headers — being written; replaced by the full module.

use crate::error::Error;
use crate::field::{FieldSink, Kind};
use crate::field_table;

field_table! {
    Placeholder: "quic.stub", "Stub", Kind::None;
}

/// STUB view.
#[derive(Clone, Copy, Debug)]
pub struct QuicView<'a> {
    bytes: &'a [u8],
}

impl<'a> QuicView<'a> {
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        let _ = bytes;
        Err(Error::Malformed("not yet dissected"))
    }

    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let _ = (f, out);
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("STUB");
    }
}
