//! IEEE 802.1BR E-Tag (bridge port extension), EtherType 0x893f.
//!
//! Six bytes of tag control information: E-PCP (3 bits), E-DEI, the 12-bit
//! Ingress_E-CID_base; 2 reserved bits, GRP (2 bits), the 12-bit
//! E-CID_base; then the Ingress_E-CID_ext and E-CID_ext bytes. The
//! customer frame's EtherType follows, dispatched as tshark's ethertype
//! dissector does; the bytes the upper layer leaves are `etag.trailer`
//! (the dissector reports them with [`EtagView::set_trailer`]).

use crate::bytes::{array, be16, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::fmt::Write as _;

/// Byte ranges of the tag's fields.
mod at {
    use std::ops::Range;
    /// E-PCP, E-DEI, Ingress_E-CID_base.
    pub const WORD1: Range<usize> = 0..2;
    /// Reserved, GRP, E-CID_base.
    pub const WORD2: Range<usize> = 2..4;
    pub const IECID_EXT: Range<usize> = 4..5;
    pub const ECID_EXT: Range<usize> = 5..6;
    pub const TCI: Range<usize> = 0..6;
    pub const TYPE: Range<usize> = 6..8;
    pub const HEADER_LEN: usize = 8;
}

/// The EtherType of an E-Tag.
pub const ETHERTYPE: u16 = 0x893f;

field_table! {
    Pcp: "etag.pcp", "E-PCP", Kind::Dec;
    Dei: "etag.dei", "E-DEI", Kind::Dec;
    IecidBase: "etag.iecid_base", "Ingress_E-CID_base", Kind::Hex(4);
    Resv: "etag.resv", "Reserved", Kind::Dec;
    Group: "etag.group", "GRP", Kind::Dec;
    EcidBase: "etag.ecid_base", "E-CID_base", Kind::Hex(4);
    IecidExt: "etag.iecid_ext", "Ingress_E-CID_ext", Kind::Hex(2);
    EcidExt: "etag.ecid_ext", "E-CID_ext", Kind::Hex(2);
    Etype: "etag.etype", "Type", Kind::Hex(4);
    Trailer: "etag.trailer", "Trailer", Kind::Bytes;
}

/// A view over an E-Tag and the customer frame's payload.
#[derive(Clone, Copy, Debug)]
pub struct EtagView<'a> {
    bytes: &'a [u8],
    /// Bytes at the end the upper layer did not use (set by the dissector).
    trailer: usize,
}

impl<'a> EtagView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold the 6-byte tag and the type.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(EtagView { bytes, trailer: 0 })
    }

    fn word1(&self) -> u16 {
        be16(self.bytes, at::WORD1.start).unwrap_or(0)
    }

    fn word2(&self) -> u16 {
        be16(self.bytes, at::WORD2.start).unwrap_or(0)
    }

    /// The 48-bit tag control information.
    pub fn tci(&self) -> u64 {
        let b: [u8; 6] = array(self.bytes, at::TCI.start).unwrap_or_default();
        b.iter().fold(0u64, |acc, x| acc << 8 | u64::from(*x))
    }

    /// E-PCP, the priority (3 bits).
    pub fn pcp(&self) -> u8 {
        (self.word1() >> 13) as u8
    }

    /// E-DEI, drop eligible.
    pub fn dei(&self) -> bool {
        self.word1() & 0x1000 != 0
    }

    /// GRP (2 bits): 0 point-to-point, else point-to-multipoint.
    pub fn group(&self) -> u8 {
        ((self.word2() >> 12) & 3) as u8
    }

    pub fn ingress_ecid_base(&self) -> u16 {
        self.word1() & 0x0fff
    }

    pub fn ecid_base(&self) -> u16 {
        self.word2() & 0x0fff
    }

    pub fn ingress_ecid_ext(&self) -> u8 {
        u8_at(self.bytes, at::IECID_EXT.start).unwrap_or(0)
    }

    pub fn ecid_ext(&self) -> u8 {
        u8_at(self.bytes, at::ECID_EXT.start).unwrap_or(0)
    }

    /// The 20-bit Ingress_E-CID (ext << 12 | base).
    pub fn ingress_ecid(&self) -> u32 {
        u32::from(self.ingress_ecid_ext()) << 12 | u32::from(self.ingress_ecid_base())
    }

    /// The 20-bit E-CID (ext << 12 | base).
    pub fn ecid(&self) -> u32 {
        u32::from(self.ecid_ext()) << 12 | u32::from(self.ecid_base())
    }

    /// The customer frame's EtherType.
    pub fn ethertype(&self) -> u16 {
        be16(self.bytes, at::TYPE.start).unwrap_or(0)
    }

    pub fn header_len(&self) -> usize {
        at::HEADER_LEN
    }

    /// The customer frame's payload.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, at::HEADER_LEN)
    }

    /// Dispatch on the customer EtherType.
    pub fn next_layer(&self) -> NextLayer {
        NextLayer::EtherType(self.ethertype())
    }

    /// Record that the last `n` bytes are a trailer the upper layer left.
    pub fn set_trailer(&mut self, n: usize) {
        self.trailer = n.min(self.payload().len());
    }

    /// The trailer recorded by [`Self::set_trailer`], with its offset.
    pub fn trailer(&self) -> Option<(&'a [u8], usize)> {
        let start = self.bytes.len().saturating_sub(self.trailer);
        (self.trailer > 0).then(|| (tail(self.bytes, start), start))
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let (w1, w2) = (u64::from(self.word1()), u64::from(self.word2()));
        let uint = Value::UInt;
        match f {
            Field::Pcp => out.value(uint(w1 >> 13), at::WORD1),
            Field::Dei => out.value(uint((w1 >> 12) & 1), at::WORD1),
            Field::IecidBase => out.value(uint(w1 & 0x0fff), at::WORD1),
            Field::Resv => out.value(uint(w2 >> 14), at::WORD2),
            Field::Group => out.value(uint((w2 >> 12) & 3), at::WORD2),
            Field::EcidBase => out.value(uint(w2 & 0x0fff), at::WORD2),
            Field::IecidExt => out.value(uint(self.ingress_ecid_ext().into()), at::IECID_EXT),
            Field::EcidExt => out.value(uint(self.ecid_ext().into()), at::ECID_EXT),
            Field::Etype => out.value(uint(self.ethertype().into()), at::TYPE),
            Field::Trailer => {
                if let Some((t, start)) = self.trailer() {
                    out.value(Value::Bytes(t), start..start + t.len())
                }
            }
        }
    }

    /// `802.1BR E-Tag, TCI: 0x100000d30000 Ingress_E-CID: 0 E-CID: 211`.
    pub fn title(&self, out: &mut String) {
        let _ = write!(
            out,
            "802.1BR E-Tag, TCI: 0x{:x} Ingress_E-CID: {} E-CID: {}",
            self.tci(),
            self.ingress_ecid(),
            self.ecid()
        );
    }
}

/// The plain values of an E-Tag, for building frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EtagRepr {
    /// E-PCP, E-DEI, Ingress_E-CID_base.
    pub word1: u16,
    /// Reserved, GRP, E-CID_base.
    pub word2: u16,
    pub ingress_ecid_ext: u8,
    pub ecid_ext: u8,
    pub ethertype: u16,
}

impl EtagRepr {
    /// A point-to-point tag for E-CID `ecid` (20 bits), from Ingress_E-CID
    /// `ingress` (20 bits), priority 0.
    pub fn new(ingress: u32, ecid: u32, ethertype: u16) -> Self {
        EtagRepr {
            word1: (ingress & 0x0fff) as u16,
            word2: (ecid & 0x0fff) as u16,
            ingress_ecid_ext: (ingress >> 12) as u8,
            ecid_ext: (ecid >> 12) as u8,
            ethertype,
        }
    }

    pub fn parse(v: &EtagView) -> Self {
        EtagRepr {
            word1: v.word1(),
            word2: v.word2(),
            ingress_ecid_ext: v.ingress_ecid_ext(),
            ecid_ext: v.ecid_ext(),
            ethertype: v.ethertype(),
        }
    }

    /// Append the 8-byte tag and type.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.word1.to_be_bytes());
        buf.extend_from_slice(&self.word2.to_be_bytes());
        buf.push(self.ingress_ecid_ext);
        buf.push(self.ecid_ext);
        buf.extend_from_slice(&self.ethertype.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::each_field_text;
    use proptest::prelude::*;

    fn all<'a>(v: &EtagView<'a>) -> Vec<String> {
        each_field_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// suricata decode-etag-01-input.pcap frame 1, from byte 14: the E-Tag,
    /// IPv4 + TCP (40 bytes) and a 6-byte trailer.
    const SURICATA: [u8; 54] = [
        0x10, 0x00, 0x00, 0xd3, 0x00, 0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x28, 0x61, 0xcb, 0x40,
        0x00, 0x71, 0x06, 0x35, 0x52, 0x34, 0x72, 0x7c, 0x6a, 0xc0, 0xa8, 0x01, 0x2e, 0x01, 0xbb,
        0xcd, 0x56, 0xc0, 0xf7, 0xe9, 0xed, 0x2b, 0x08, 0xed, 0x53, 0x50, 0x10, 0x04, 0x02, 0xa6,
        0xcc, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    #[test]
    fn suricata_tag_as_tshark_shows_it() {
        let mut v = EtagView::new(&SURICATA).unwrap();
        v.set_trailer(6);
        assert_eq!(
            all(&v),
            [
                "etag.pcp=0",
                "etag.dei=1",
                "etag.iecid_base=0x0000",
                "etag.resv=0",
                "etag.group=0",
                "etag.ecid_base=0x00d3",
                "etag.iecid_ext=0x00",
                "etag.ecid_ext=0x00",
                "etag.etype=0x0800",
                "etag.trailer=000000000000",
            ]
        );
        assert_eq!(v.next_layer(), NextLayer::EtherType(0x0800));
        assert_eq!(v.payload(), &SURICATA[8..]);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "802.1BR E-Tag, TCI: 0x100000d30000 Ingress_E-CID: 0 E-CID: 211"
        );
    }

    #[test]
    fn every_bit_field() {
        // Crafted, checked with tshark 4.0.
        let b = [0xf5, 0xa4, 0xc1, 0x23, 0xab, 0xcd, 0x08, 0x00];
        let v = EtagView::new(&b).unwrap();
        assert_eq!(
            all(&v),
            [
                "etag.pcp=7",
                "etag.dei=1",
                "etag.iecid_base=0x05a4",
                "etag.resv=3",
                "etag.group=0",
                "etag.ecid_base=0x0123",
                "etag.iecid_ext=0xab",
                "etag.ecid_ext=0xcd",
                "etag.etype=0x0800",
            ]
        );
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "802.1BR E-Tag, TCI: 0xf5a4c123abcd Ingress_E-CID: 701860 E-CID: 839971"
        );
        assert!(EtagView::new(&b[..7]).is_err());
    }

    #[test]
    fn builder() {
        let r = EtagRepr::new(701860, 839971, 0x0800);
        let mut b = Vec::new();
        r.emit(&mut b);
        let v = EtagView::new(&b).unwrap();
        assert_eq!((v.ingress_ecid(), v.ecid()), (701860, 839971));
        assert_eq!(EtagRepr::parse(&v), r);
    }

    proptest! {
        #[test]
        fn build_then_parse(word1: u16, word2: u16, ingress_ecid_ext: u8, ecid_ext: u8, ethertype: u16,
                            payload in proptest::collection::vec(any::<u8>(), 0..32)) {
            let r = EtagRepr { word1, word2, ingress_ecid_ext, ecid_ext, ethertype };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&payload);
            let v = EtagView::new(&buf).unwrap();
            prop_assert_eq!(EtagRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &payload[..]);
        }

        #[test]
        fn hostile_bytes_do_not_panic(b in proptest::collection::vec(any::<u8>(), 0..24), n: usize) {
            if let Ok(mut v) = EtagView::new(&b) {
                v.set_trailer(n);
                let _ = (v.payload(), v.next_layer(), v.trailer());
                let _ = all(&v);
                let mut t = String::new();
                v.title(&mut t);
            }
        }
    }
}
