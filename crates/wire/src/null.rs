//! BSD loopback encapsulation: DLT_NULL (link type 0) and DLT_LOOP (108).
//!
//! A 4-byte header holds the protocol family (`AF_*`) of the packet: in the
//! capturing host's byte order for DLT_NULL, in network order for DLT_LOOP.
//! Like tshark, DLT_NULL headers are read either way round (and in the
//! 2+2-byte IRIX form); a value above 1500 is an EtherType (old Linux
//! captures), and a frame starting `ff 03` is PPP in HDLC framing with no
//! loopback header at all. tshark calls the layer `null`.

use crate::bytes::{be16, be32, le32, tail};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const FAMILY: Range<usize> = 0..4;
    pub const HEADER_LEN: usize = 4;
}

/// BSD address families as they appear in loopback headers.
pub mod family {
    pub const INET: u32 = 2;
    pub const ISO: u32 = 7;
    pub const APPLETALK: u32 = 16;
    /// Novell IPX on the BSDs (AF_INET6 on Windows, which tshark ignores).
    pub const IPX: u32 = 23;
    /// IPv6 on NetBSD, OpenBSD and BSD/OS.
    pub const INET6_BSD: u32 = 24;
    /// IPv6 on FreeBSD and DragonFly.
    pub const INET6_FREEBSD: u32 = 28;
    /// IPv6 on Darwin (macOS, iOS).
    pub const INET6_DARWIN: u32 = 30;
}

field_table! {
    Type: "null.type", "Type", Kind::Hex(4);
    Family: "null.family", "Family", Kind::Dec;
}

/// What the 4-byte header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Header {
    /// A BSD address family (see [`family`]).
    Family(u32),
    /// An EtherType (a value above 1500, written by old Linux libpcap).
    EtherType(u16),
    /// The frame starts `ff 03`: PPP in HDLC framing, no loopback header.
    PppHdlc,
}

/// A view over a loopback header and its payload.
#[derive(Clone, Copy, Debug)]
pub struct NullView<'a> {
    bytes: &'a [u8],
    /// DLT_LOOP: the family is in network byte order, no guessing.
    loop_: bool,
}

impl<'a> NullView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold the 4-byte header.
    /// `big_endian_only` is true for DLT_LOOP (link type 108).
    pub fn new(bytes: &'a [u8], big_endian_only: bool) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(NullView {
            bytes,
            loop_: big_endian_only,
        })
    }

    /// The header, decoded as tshark 4.0 does.
    pub fn header(&self) -> Header {
        if self.loop_ {
            return Header::Family(be32(self.bytes, 0).unwrap_or(0));
        }
        if be16(self.bytes, 0) == Some(0xff03) {
            return Header::PppHdlc;
        }
        // Read in the byte order of the host tshark runs on (little-endian)
        // and undo the other orders by the shape of the value: AF values
        // fit in 8 bits, EtherTypes are at least 0x0600.
        let mut h = le32(self.bytes, 0).unwrap_or(0);
        if h & 0xffff_0000 != 0 {
            if h & 0xff00_0000 == 0 && h & 0x00ff_0000 < 0x0006_0000 {
                // IRIX/UNICOS 2-byte family, big-endian, then 2 zero bytes.
                h >>= 16;
            } else {
                h = h.swap_bytes();
            }
        } else if h & 0xff == 0 && h & 0xff00 < 0x0600 {
            // The IRIX form read the other way round.
            h = u32::from((h as u16).swap_bytes());
        }
        if h > 1500 {
            Header::EtherType(h as u16)
        } else {
            Header::Family(h)
        }
    }

    /// The address family, or (for the rare EtherType or PPP forms) the
    /// header's decoded value, or 0.
    pub fn family(&self) -> u32 {
        match self.header() {
            Header::Family(f) => f,
            Header::EtherType(t) => t.into(),
            Header::PppHdlc => 0,
        }
    }

    /// The frame is PPP in HDLC framing rather than a loopback frame.
    pub fn is_ppp_hdlc(&self) -> bool {
        self.header() == Header::PppHdlc
    }

    /// The EtherType that names the payload, as tshark maps it: AF_INET to
    /// IPv4, the BSD AF_INET6 values (24, 28, 30) to IPv6, 23 to IPX, an
    /// EtherType header to itself, and PPP framing to 0x880b (PPP).
    pub fn payload_ethertype(&self) -> Option<u16> {
        match self.header() {
            Header::Family(family::INET) => Some(0x0800),
            Header::Family(family::INET6_BSD | family::INET6_FREEBSD | family::INET6_DARWIN) => {
                Some(0x86dd)
            }
            Header::Family(family::IPX) => Some(0x8137),
            Header::Family(_) => None,
            Header::EtherType(t) => Some(t),
            Header::PppHdlc => Some(0x880b),
        }
    }

    /// 4, or 0 for PPP framing (the PPP header starts the frame).
    pub fn header_len(&self) -> usize {
        if self.is_ppp_hdlc() {
            0
        } else {
            at::HEADER_LEN
        }
    }

    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.header_len())
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        match (f, self.header()) {
            (Field::Type, Header::EtherType(t)) => out.value(Value::UInt(t.into()), at::FAMILY),
            (Field::Family, Header::Family(n)) => out.value(Value::UInt(n.into()), at::FAMILY),
            _ => {}
        }
    }

    /// `Null/Loopback`.
    pub fn title(&self, out: &mut String) {
        out.push_str("Null/Loopback");
    }
}

/// The plain values of a loopback header, for building frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NullRepr {
    pub family: u32,
    /// Network byte order (always so for DLT_LOOP); else little-endian.
    pub big_endian: bool,
}

impl NullRepr {
    /// Reads the family; `big_endian` is whether the bytes hold it in
    /// network order.
    pub fn parse(v: &NullView) -> Self {
        let family = v.family();
        NullRepr {
            family,
            big_endian: v.loop_ || be32(v.bytes, 0) == Some(family),
        }
    }

    /// Append the 4-byte header to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&if self.big_endian {
            self.family.to_be_bytes()
        } else {
            self.family.to_le_bytes()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::occurrences;
    use proptest::prelude::*;

    fn all(v: &NullView) -> Vec<(&'static str, String)> {
        occurrences(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// arkime smtp-html.pcap frame 1, first 6 bytes: AF_INET, little-endian.
    const LE_INET: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0x45, 0x00];
    /// arkime tls-alpn-h2.pcap frame 1, first 6 bytes: Darwin AF_INET6 (30).
    const DARWIN_INET6: [u8; 6] = [0x1e, 0x00, 0x00, 0x00, 0x60, 0x02];
    /// ndpi openwire.pcapng frame 1, first 6 bytes: BSD AF_INET6 (24).
    const BSD_INET6: [u8; 6] = [0x18, 0x00, 0x00, 0x00, 0x60, 0x0b];

    #[test]
    fn real_headers() {
        let v = NullView::new(&LE_INET, false).unwrap();
        assert_eq!(v.family(), 2);
        assert_eq!(v.payload_ethertype(), Some(0x0800));
        assert_eq!(v.payload(), &[0x45, 0x00]);
        assert_eq!(all(&v), [("null.family", "2".to_string())]);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Null/Loopback");
        let v = NullView::new(&DARWIN_INET6, false).unwrap();
        assert_eq!(all(&v), [("null.family", "30".to_string())]);
        assert_eq!(v.payload_ethertype(), Some(0x86dd));
        let v = NullView::new(&BSD_INET6, false).unwrap();
        assert_eq!(v.payload_ethertype(), Some(0x86dd));
    }

    #[test]
    fn byte_orders_as_tshark_reads_them() {
        // Each checked against tshark 4.0 on a crafted DLT_NULL capture.
        let cases: &[([u8; 4], Header)] = &[
            ([0, 0, 0, 2], Header::Family(2)),
            ([0, 2, 0, 0], Header::Family(2)),
            ([0, 0, 2, 0], Header::Family(2)),
            ([8, 0, 0, 0], Header::Family(8)),
            ([0, 0, 8, 0], Header::EtherType(0x0800)),
            ([0x0a, 0, 0, 0], Header::Family(10)),
            ([0xff, 0x03, 0x00, 0x21], Header::PppHdlc),
        ];
        for (b, want) in cases {
            assert_eq!(NullView::new(b, false).unwrap().header(), *want, "{b:?}");
        }
        let v = NullView::new(&[0, 0, 8, 0], false).unwrap();
        assert_eq!(all(&v), [("null.type", "0x0800".to_string())]);
        // Linux's AF_INET6 (10) is not an IPv6 family for tshark.
        assert_eq!(
            NullView::new(&[0x0a, 0, 0, 0], false)
                .unwrap()
                .payload_ethertype(),
            None
        );
    }

    #[test]
    fn ppp_framing_has_no_header() {
        let b = [0xff, 0x03, 0x00, 0x21, 0x45];
        let v = NullView::new(&b, false).unwrap();
        assert_eq!(v.header_len(), 0);
        assert_eq!(v.payload(), &b);
        assert_eq!(v.payload_ethertype(), Some(0x880b));
        assert!(all(&v).is_empty());
    }

    #[test]
    fn dlt_loop_is_network_order_only() {
        let v = NullView::new(&[0, 0, 0, 2], true).unwrap();
        assert_eq!(v.family(), 2);
        // tshark shows 02 00 00 00 on DLT_LOOP as family 33554432.
        let v = NullView::new(&LE_INET, true).unwrap();
        assert_eq!(all(&v), [("null.family", "33554432".to_string())]);
        assert_eq!(v.payload_ethertype(), None);
        // No EtherType reading either.
        let v = NullView::new(&[0, 0, 8, 0], true).unwrap();
        assert_eq!(v.family(), 2048);
        assert!(NullView::new(&LE_INET[..3], true).is_err());
    }

    proptest! {
        #[test]
        fn build_then_parse(family in 1u32..=255, big_endian: bool,
                            payload in proptest::collection::vec(any::<u8>(), 0..16)) {
            let r = NullRepr { family, big_endian };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&payload);
            let v = NullView::new(&buf, false).unwrap();
            prop_assert_eq!(NullRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &payload[..]);
        }

        #[test]
        fn loop_build_then_parse(family: u32) {
            let r = NullRepr { family, big_endian: true };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            prop_assert_eq!(NullRepr::parse(&NullView::new(&buf, true).unwrap()), r);
        }

        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..8), lp: bool) {
            if let Ok(v) = NullView::new(&b, lp) {
                let _ = (all(&v), v.payload(), v.payload_ethertype());
            }
        }
    }
}
