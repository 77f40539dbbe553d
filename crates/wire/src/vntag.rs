//! Cisco VN-Tag (network interface virtualization), EtherType 0x8926.
//!
//! A 32-bit tag (direction, pointer, 14-bit destination virtual interface,
//! looped, a reserved bit, a 2-bit version and the 12-bit source virtual
//! interface), then a type/length field as in an Ethernet header. tshark 4.0
//! dispatches an EtherType (at least 1501) like Ethernet II, and takes a
//! smaller value as an 802.3 length: an LLC header follows (raw IPX when
//! the payload starts with 0xffff), bytes past the length are
//! `vntag.trailer`. After an EtherType, the bytes the upper layer leaves
//! are the trailer too; the dissector reports them with
//! [`VntagView::set_trailer`].

use crate::bytes::{be16, be32, tail};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const TAG: Range<usize> = 0..4;
    pub const TYPE: Range<usize> = 4..6;
    pub const HEADER_LEN: usize = 6;
}

/// The EtherType of a VN-Tag.
pub const ETHERTYPE: u16 = 0x8926;

/// The largest type/length value that is an 802.3 length (tshark's
/// `IEEE_802_3_MAX_LEN`).
const MAX_802_3_LEN: u16 = 1500;

/// Bits of the 32-bit tag.
pub mod bits {
    pub const DIRECTION: u32 = 0x8000_0000;
    pub const POINTER: u32 = 0x4000_0000;
    pub const DESTINATION: u32 = 0x3fff_0000;
    pub const LOOPED: u32 = 0x0000_8000;
    pub const RESERVED: u32 = 0x0000_4000;
    pub const VERSION: u32 = 0x0000_3000;
    pub const SOURCE: u32 = 0x0000_0fff;
}

field_table! {
    Dir: "vntag.dir", "Direction", Kind::Bool;
    Ptr: "vntag.ptr", "Pointer", Kind::Bool;
    Dst: "vntag.dst", "Destination", Kind::Dec;
    Looped: "vntag.looped", "Looped", Kind::Bool;
    R: "vntag.r", "Reserved", Kind::Dec;
    Version: "vntag.version", "Version", Kind::Dec;
    Src: "vntag.src", "Source", Kind::Dec;
    Etype: "vntag.etype", "Type", Kind::Hex(4);
    Len: "vntag.len", "Length", Kind::Dec;
    Trailer: "vntag.trailer", "Trailer", Kind::Bytes;
}

/// A view over a VN-Tag and what it carries.
#[derive(Clone, Copy, Debug)]
pub struct VntagView<'a> {
    bytes: &'a [u8],
    /// Bytes at the end that the upper layer did not use, after an
    /// EtherType (set by the dissector).
    trailer: usize,
}

impl<'a> VntagView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold the 6-byte tag and type.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(VntagView { bytes, trailer: 0 })
    }

    /// The 32-bit tag.
    pub fn tag(&self) -> u32 {
        be32(self.bytes, at::TAG.start).unwrap_or(0)
    }

    /// Set: from the bridge; clear: to the bridge.
    pub fn direction(&self) -> bool {
        self.tag() & bits::DIRECTION != 0
    }

    /// Set: the destination is a vif_list_id; clear: a vif_id.
    pub fn pointer(&self) -> bool {
        self.tag() & bits::POINTER != 0
    }

    /// The destination virtual interface (14 bits).
    pub fn destination(&self) -> u16 {
        ((self.tag() & bits::DESTINATION) >> 16) as u16
    }

    pub fn looped(&self) -> bool {
        self.tag() & bits::LOOPED != 0
    }

    /// The 2-bit version.
    pub fn version(&self) -> u8 {
        ((self.tag() & bits::VERSION) >> 12) as u8
    }

    /// The source virtual interface (12 bits).
    pub fn source(&self) -> u16 {
        (self.tag() & bits::SOURCE) as u16
    }

    /// The raw type/length field.
    pub fn type_or_len(&self) -> u16 {
        be16(self.bytes, at::TYPE.start).unwrap_or(0)
    }

    /// The EtherType, or `None` when the field is an 802.3 length.
    pub fn ethertype(&self) -> Option<u16> {
        let t = self.type_or_len();
        (t > MAX_802_3_LEN).then_some(t)
    }

    pub fn header_len(&self) -> usize {
        at::HEADER_LEN
    }

    /// Everything after the type, or for an 802.3 length that many bytes
    /// (clamped to what was captured).
    pub fn payload(&self) -> &'a [u8] {
        let p = tail(self.bytes, at::HEADER_LEN);
        match self.ethertype() {
            Some(_) => p,
            None => p.get(..usize::from(self.type_or_len())).unwrap_or(p),
        }
    }

    /// Whether an 802.3 length claims more than the frame holds (tshark's
    /// `vntag.len.past_end`).
    pub fn length_past_end(&self) -> bool {
        self.ethertype().is_none()
            && usize::from(self.type_or_len()) > self.bytes.len().saturating_sub(at::HEADER_LEN)
    }

    /// Dispatch on the EtherType; after an 802.3 length an LLC header, or
    /// raw IPX (shown as data here) when the payload starts with 0xffff.
    pub fn next_layer(&self) -> NextLayer {
        match self.ethertype() {
            Some(t) => NextLayer::EtherType(t),
            None if be16(self.bytes, at::HEADER_LEN) == Some(0xffff) => NextLayer::Data,
            None => NextLayer::Llc,
        }
    }

    /// Record that the last `n` bytes are a trailer the upper layer left
    /// (after an EtherType; an 802.3 length sets its own trailer).
    pub fn set_trailer(&mut self, n: usize) {
        self.trailer = n.min(self.bytes.len().saturating_sub(at::HEADER_LEN));
    }

    /// The trailer (`vntag.trailer`) with its offset from the layer start:
    /// the bytes past an 802.3 length, or what [`Self::set_trailer`] said.
    pub fn trailer(&self) -> Option<(&'a [u8], usize)> {
        let n = match self.ethertype() {
            Some(_) => self.trailer,
            None => self
                .bytes
                .len()
                .saturating_sub(at::HEADER_LEN + self.payload().len()),
        };
        let start = self.bytes.len().saturating_sub(n);
        (n > 0).then(|| (tail(self.bytes, start), start))
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let tag = self.tag();
        let uint = |v: u32| Value::UInt(v.into());
        match f {
            Field::Dir => out.value(Value::Bool(tag & bits::DIRECTION != 0), at::TAG),
            Field::Ptr => out.value(Value::Bool(tag & bits::POINTER != 0), at::TAG),
            Field::Dst => out.value(uint(self.destination().into()), at::TAG),
            Field::Looped => out.value(Value::Bool(tag & bits::LOOPED != 0), at::TAG),
            Field::R => out.value(uint((tag & bits::RESERVED) >> 14), at::TAG),
            Field::Version => out.value(uint(self.version().into()), at::TAG),
            Field::Src => out.value(uint(self.source().into()), at::TAG),
            Field::Etype => {
                if let Some(t) = self.ethertype() {
                    out.value(uint(t.into()), at::TYPE)
                }
            }
            Field::Len => {
                if self.ethertype().is_none() {
                    out.value(uint(self.type_or_len().into()), at::TYPE)
                }
            }
            Field::Trailer => {
                if let Some((t, start)) = self.trailer() {
                    out.value(Value::Bytes(t), start..start + t.len())
                }
            }
        }
    }

    /// `VN-Tag`.
    pub fn title(&self, out: &mut String) {
        out.push_str("VN-Tag");
    }
}

/// The plain values of a VN-Tag, for building frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VntagRepr {
    /// The whole 32-bit tag ([`bits`]).
    pub tag: u32,
    /// EtherType (above 1500) or 802.3 length.
    pub ethertype: u16,
}

impl VntagRepr {
    /// A tag from `src` to `dst` (virtual interfaces), direction to the
    /// bridge, version 0.
    pub fn new(dst: u16, src: u16, ethertype: u16) -> Self {
        VntagRepr {
            tag: (u32::from(dst) << 16) & bits::DESTINATION | u32::from(src) & bits::SOURCE,
            ethertype,
        }
    }

    pub fn parse(v: &VntagView) -> Self {
        VntagRepr {
            tag: v.tag(),
            ethertype: v.type_or_len(),
        }
    }

    /// Append the 6-byte tag and type.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.tag.to_be_bytes());
        buf.extend_from_slice(&self.ethertype.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::each_field_text;
    use proptest::prelude::*;

    fn all<'a>(v: &VntagView<'a>) -> Vec<String> {
        each_field_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// zeek vntag.pcap frame 1, from byte 14: an all-zero tag, then an
    /// 802.1Q tag (VLAN 11) and the start of IPv4.
    const ZEEK: [u8; 12] = [
        0x00, 0x00, 0x00, 0x00, 0x81, 0x00, 0x00, 0x0b, 0x08, 0x00, 0x45, 0x00,
    ];

    /// Crafted (checked with tshark 4.0): every bit field set to something,
    /// IPv4 and a 4-byte trailer.
    const BITS: [u8; 6] = [0xc0, 0xa5, 0x8a, 0xbc, 0x08, 0x00];

    #[test]
    fn zeek_tag_as_tshark_shows_it() {
        let v = VntagView::new(&ZEEK).unwrap();
        assert_eq!(
            all(&v),
            [
                "vntag.dir=0",
                "vntag.ptr=0",
                "vntag.dst=0",
                "vntag.looped=0",
                "vntag.r=0",
                "vntag.version=0",
                "vntag.src=0",
                "vntag.etype=0x8100",
            ]
        );
        assert_eq!(v.next_layer(), NextLayer::EtherType(0x8100));
        assert_eq!(v.payload(), &ZEEK[6..]);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "VN-Tag");
    }

    #[test]
    fn bits_and_trailer() {
        let mut f = BITS.to_vec();
        f.extend_from_slice(&[0x45, 0, 0xde, 0xad, 0xbe, 0xef]);
        let mut v = VntagView::new(&f).unwrap();
        v.set_trailer(4);
        assert_eq!(
            all(&v),
            [
                "vntag.dir=1",
                "vntag.ptr=1",
                "vntag.dst=165",
                "vntag.looped=1",
                "vntag.r=0",
                "vntag.version=0",
                "vntag.src=2748",
                "vntag.etype=0x0800",
                "vntag.trailer=deadbeef",
            ]
        );
        assert_eq!(v.trailer(), Some((&f[8..], 8)));
        v.set_trailer(99);
        assert_eq!(v.trailer(), Some((&f[6..], 6)));
    }

    #[test]
    fn ieee_802_3_length() {
        // Length 3 over an LLC header, 2 bytes of trailer (as tshark 4.0).
        let f = [0, 0, 0, 0, 0x00, 0x03, 0xaa, 0xaa, 0x03, 0x01, 0x02];
        let v = VntagView::new(&f).unwrap();
        assert_eq!(v.ethertype(), None);
        assert_eq!(v.next_layer(), NextLayer::Llc);
        assert_eq!(v.payload(), &[0xaa, 0xaa, 0x03]);
        assert!(all(&v).contains(&"vntag.len=3".to_string()));
        assert!(all(&v).contains(&"vntag.trailer=0102".to_string()));
        assert!(!v.length_past_end());
        // Raw IPX, and a length past the end.
        let f = [0, 0, 0, 0, 0x01, 0x00, 0xff, 0xff, 0x00];
        let v = VntagView::new(&f).unwrap();
        assert_eq!(v.next_layer(), NextLayer::Data);
        assert_eq!(v.payload(), &f[6..]);
        assert!(v.length_past_end());
        assert_eq!(v.trailer(), None);
        assert!(VntagView::new(&f[..5]).is_err());
    }

    #[test]
    fn builder() {
        let r = VntagRepr::new(165, 2748, 0x0800);
        let mut b = Vec::new();
        r.emit(&mut b);
        assert_eq!(b, [0x00, 0xa5, 0x0a, 0xbc, 0x08, 0x00]);
        let v = VntagView::new(&b).unwrap();
        assert_eq!((v.destination(), v.source()), (165, 2748));
    }

    proptest! {
        #[test]
        fn build_then_parse(tag: u32, ethertype: u16,
                            payload in proptest::collection::vec(any::<u8>(), 0..32)) {
            let r = VntagRepr { tag, ethertype };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&payload);
            let v = VntagView::new(&buf).unwrap();
            prop_assert_eq!(VntagRepr::parse(&v), r);
            // etherparse reads the 4 bytes after the tag as a VLAN tag's
            // layout: the type lines up.
            let (vl, _) = etherparse::SingleVlanHeader::from_slice(&buf[2..]).unwrap();
            prop_assert_eq!(vl.ether_type.0, ethertype);
        }

        #[test]
        fn hostile_bytes_do_not_panic(b in proptest::collection::vec(any::<u8>(), 0..40), n: usize) {
            if let Ok(mut v) = VntagView::new(&b) {
                v.set_trailer(n);
                let _ = (v.payload(), v.next_layer(), v.trailer(), v.length_past_end());
                let _ = all(&v);
                let mut t = String::new();
                v.title(&mut t);
            }
        }
    }
}
