//! STUB: WebSocket frames — being written; replaced by the full module.

use crate::error::Error;
use crate::field::{FieldSink, Kind};
use crate::field_table;

field_table! {
    Placeholder: "websocket.stub", "Stub", Kind::None;
}

/// STUB view.
#[derive(Clone, Copy, Debug)]
pub struct WebsocketView<'a> {
    bytes: &'a [u8],
}

impl<'a> WebsocketView<'a> {
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

/// How many bytes the message at the start of `bytes` takes.
pub fn pdu_len(bytes: &[u8]) -> crate::stream::Pdu {
    let _ = bytes;
    crate::stream::Pdu::NotMine
}

/// Do these first bytes of a stream look like this protocol?
pub fn looks_like(bytes: &[u8]) -> bool {
    let _ = bytes;
    false
}
