//! STUB: DNS (also mDNS and LLMNR) — being written; replaced by the full module.

use crate::error::Error;
use crate::field::{FieldSink, Kind};
use crate::field_table;

field_table! {
    Placeholder: "dns.stub", "Stub", Kind::None;
}

/// STUB view.
#[derive(Clone, Copy, Debug)]
pub struct DnsView<'a> {
    bytes: &'a [u8],
}

impl<'a> DnsView<'a> {
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

/// Append the dotted text of the name at `at` in `msg`.
pub fn write_name(msg: &[u8], at: usize, out: &mut String) {
    let _ = (msg, at, out);
}

/// How many bytes the DNS-over-TCP message (2-byte length prefix) at the
/// start of `bytes` takes.
pub fn pdu_len_tcp(bytes: &[u8]) -> crate::stream::Pdu {
    let _ = bytes;
    crate::stream::Pdu::NotMine
}

impl<'a> DnsView<'a> {
    /// A DNS-over-TCP message, its 2-byte length prefix included.
    pub fn new_tcp(bytes: &'a [u8]) -> Result<Self, Error> {
        let _ = bytes;
        Err(Error::Malformed("not yet dissected"))
    }
}
