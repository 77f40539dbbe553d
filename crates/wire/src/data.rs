//! Bytes no dissector claimed: tshark's `data` layer.

use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::fmt::Write as _;

field_table! {
    Data: "data.data", "Data", Kind::Bytes;
    Len: "data.len", "Length", Kind::Dec;
}

/// Undissected payload.
#[derive(Clone, Copy, Debug)]
pub struct DataView<'a> {
    bytes: &'a [u8],
}

impl<'a> DataView<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        DataView { bytes }
    }

    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let all = 0..self.bytes.len();
        match f {
            Field::Data => out.value(Value::Bytes(self.bytes), all),
            Field::Len => out.value(Value::UInt(self.bytes.len() as u64), all),
        }
    }

    pub fn title(&self, out: &mut String) {
        let _ = write!(out, "Data ({} bytes)", self.bytes.len());
    }
}
