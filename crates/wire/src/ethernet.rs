//! Ethernet II and IEEE 802.3 frame headers.
//!
//! The two share a layout; the 16 bits after the source address are an
//! EtherType when at least 0x0600 (Ethernet II) and a payload length when at
//! most 1500 (802.3, followed by an LLC header). tshark calls both `eth`.

use crate::bytes::{array, be16, tail};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::fmt::Write as _;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const DST: Range<usize> = 0..6;
    pub const SRC: Range<usize> = 6..12;
    pub const TYPE: Range<usize> = 12..14;
    pub const HEADER_LEN: usize = 14;
}

/// Well-known EtherTypes.
pub mod ethertype {
    pub const IPV4: u16 = 0x0800;
    pub const ARP: u16 = 0x0806;
    pub const VLAN: u16 = 0x8100;
    pub const QINQ: u16 = 0x88a8;
    /// Pre-standard stacked VLAN tag, still seen in captures.
    pub const QINQ_OLD: u16 = 0x9100;
    pub const IPV6: u16 = 0x86dd;
    pub const MPLS_UNICAST: u16 = 0x8847;
    pub const MPLS_MULTICAST: u16 = 0x8848;
    /// Ethernet inside GRE (NVGRE, transparent bridging).
    pub const TRANSPARENT_BRIDGING: u16 = 0x6558;
    /// PPP inside GRE (PPTP).
    pub const PPP: u16 = 0x880b;
    pub const PPPOE_DISCOVERY: u16 = 0x8863;
    pub const PPPOE_SESSION: u16 = 0x8864;
}

field_table! {
    Dst: "eth.dst", "Destination", Kind::Ether;
    Src: "eth.src", "Source", Kind::Ether;
    Addr: "eth.addr", "Source or Destination Address", Kind::Ether;
    Type: "eth.type", "Type", Kind::Hex(4);
    Len: "eth.len", "Length", Kind::Dec;
    DstIg: "eth.dst.ig", "IG bit (destination)", Kind::Bool;
    DstLg: "eth.dst.lg", "LG bit (destination)", Kind::Bool;
    SrcIg: "eth.src.ig", "IG bit (source)", Kind::Bool;
    SrcLg: "eth.src.lg", "LG bit (source)", Kind::Bool;
    Padding: "eth.padding", "Padding", Kind::Bytes;
}

/// A view over an Ethernet frame (header and payload).
#[derive(Clone, Copy, Debug)]
pub struct EthernetView<'a> {
    bytes: &'a [u8],
    /// Bytes after the payload that the upper layer said it did not use
    /// (set by the dissector once it knows; tshark shows them as padding).
    padding: usize,
}

impl<'a> EthernetView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold at least the 14-byte header.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(EthernetView { bytes, padding: 0 })
    }

    pub fn dst(&self) -> [u8; 6] {
        array(self.bytes, at::DST.start).unwrap_or_default()
    }

    pub fn src(&self) -> [u8; 6] {
        array(self.bytes, at::SRC.start).unwrap_or_default()
    }

    /// The raw type/length field.
    pub fn type_or_len(&self) -> u16 {
        be16(self.bytes, at::TYPE.start).unwrap_or(0)
    }

    /// The EtherType, or `None` for an 802.3 frame (the field is a length).
    pub fn ethertype(&self) -> Option<u16> {
        let t = self.type_or_len();
        (t >= 0x0600).then_some(t)
    }

    pub fn header_len(&self) -> usize {
        at::HEADER_LEN
    }

    /// Everything after the header. For 802.3 frames, clamped to the length field.
    pub fn payload(&self) -> &'a [u8] {
        let p = tail(self.bytes, at::HEADER_LEN);
        match self.ethertype() {
            Some(_) => p,
            None => p.get(..usize::from(self.type_or_len())).unwrap_or(p),
        }
    }

    /// Record that the last `n` bytes of the frame are padding.
    pub fn set_padding(&mut self, n: usize) {
        self.padding = n;
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let (dst, src) = (self.dst(), self.src());
        match f {
            Field::Dst => out.value(Value::Ether(dst), at::DST),
            Field::Src => out.value(Value::Ether(src), at::SRC),
            Field::Addr => {
                out.value(Value::Ether(dst), at::DST);
                out.value(Value::Ether(src), at::SRC);
            }
            Field::Type => {
                if let Some(t) = self.ethertype() {
                    out.value(Value::UInt(t.into()), at::TYPE)
                }
            }
            Field::Len => {
                if self.ethertype().is_none() {
                    out.value(Value::UInt(self.type_or_len().into()), at::TYPE)
                }
            }
            Field::DstIg => out.value(Value::Bool(dst[0] & 1 != 0), at::DST),
            Field::DstLg => out.value(Value::Bool(dst[0] & 2 != 0), at::DST),
            Field::SrcIg => out.value(Value::Bool(src[0] & 1 != 0), at::SRC),
            Field::SrcLg => out.value(Value::Bool(src[0] & 2 != 0), at::SRC),
            Field::Padding => {
                if self.padding > 0 {
                    let start = self.bytes.len().saturating_sub(self.padding);
                    out.value(
                        Value::Bytes(tail(self.bytes, start)),
                        start..self.bytes.len(),
                    )
                }
            }
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str(if self.ethertype().is_some() {
            "Ethernet II"
        } else {
            "IEEE 802.3 Ethernet"
        });
        out.push_str(", Src: ");
        crate::field::write_mac(out, self.src());
        out.push_str(", Dst: ");
        crate::field::write_mac(out, self.dst());
        if self.ethertype().is_none() {
            let _ = write!(out, ", Length: {}", self.type_or_len());
        }
    }
}

/// The plain values of an Ethernet header, for building frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EthernetRepr {
    pub dst: [u8; 6],
    pub src: [u8; 6],
    /// EtherType (>= 0x0600) or 802.3 length.
    pub ethertype: u16,
}

impl EthernetRepr {
    pub fn parse(v: &EthernetView) -> Self {
        EthernetRepr {
            dst: v.dst(),
            src: v.src(),
            ethertype: v.type_or_len(),
        }
    }

    /// Append the 14-byte header to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.dst);
        buf.extend_from_slice(&self.src);
        buf.extend_from_slice(&self.ethertype.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The first 14 bytes of an ARP request from a real capture (broadcast).
    const ARP_FRAME_HEAD: [u8; 14] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x07, 0x0d, 0xaf, 0xf4, 0x54, 0x08, 0x06,
    ];

    #[test]
    fn reads_a_real_header() {
        let v = EthernetView::new(&ARP_FRAME_HEAD).unwrap();
        assert_eq!(v.dst(), [0xff; 6]);
        assert_eq!(v.src(), [0x00, 0x07, 0x0d, 0xaf, 0xf4, 0x54]);
        assert_eq!(v.ethertype(), Some(ethertype::ARP));
        assert!(v.payload().is_empty());
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "Ethernet II, Src: 00:07:0d:af:f4:54, Dst: ff:ff:ff:ff:ff:ff"
        );
    }

    #[test]
    fn ieee_802_3_length_clamps_payload() {
        let mut f = ARP_FRAME_HEAD.to_vec();
        f[12..14].copy_from_slice(&3u16.to_be_bytes());
        f.extend_from_slice(&[0x42, 0x42, 0x03, 0, 0, 0]);
        let v = EthernetView::new(&f).unwrap();
        assert_eq!(v.ethertype(), None);
        assert_eq!(v.payload(), &[0x42, 0x42, 0x03]);
    }

    #[test]
    fn short_input_is_an_error() {
        assert_eq!(
            EthernetView::new(&ARP_FRAME_HEAD[..13]).unwrap_err(),
            Error::Truncated {
                needed: 14,
                got: 13
            }
        );
    }

    proptest! {
        #[test]
        fn build_then_parse(dst: [u8; 6], src: [u8; 6], ethertype: u16, payload in proptest::collection::vec(any::<u8>(), 0..64)) {
            let r = EthernetRepr { dst, src, ethertype };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&payload);
            let v = EthernetView::new(&buf).unwrap();
            prop_assert_eq!(EthernetRepr::parse(&v), r);
            // etherparse, an independent parser, reads the same header.
            let (e, _) = etherparse::Ethernet2Header::from_slice(&buf).unwrap();
            prop_assert_eq!(e.destination, dst);
            prop_assert_eq!(e.source, src);
            prop_assert_eq!(e.ether_type.0, ethertype);
        }
    }
}
