//! VXLAN Generic Protocol Extension (draft-ietf-nvo3-vxlan-gpe), UDP port
//! 4790.
//!
//! Eight bytes: a flags byte (2 reserved bits, a 2-bit version, I: the VNI
//! is valid, P: the next protocol is set, a reserved bit, O: OAM), 16
//! reserved bits, the next protocol (1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH,
//! 5 MPLS), the 24-bit VNI and a reserved byte.
//!
//! tshark 4.0 decodes it with its VXLAN dissector: the tree shows a
//! `vxlan` layer ("Virtual eXtensible Local Area Network") and the fields
//! are `vxlan.*`, but the layer is left out of `frame.protocols` (its
//! `vxlan_gpe` protocol is registered in name only). Two names are shared
//! with plain VXLAN but typed differently there: `vxlan.flags` is one byte
//! here (`0x0c`) and `vxlan.flags_reserved` decimal; this view emits them
//! as text so that they print as tshark prints them. It dispatches on the
//! next protocol whatever the P bit says.

use crate::bytes::{be16, be24, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const FLAGS: Range<usize> = 0..1;
    pub const RESERVED: Range<usize> = 1..3;
    pub const NEXT_PROTO: Range<usize> = 3..4;
    pub const VNI: Range<usize> = 4..7;
    pub const RESERVED8: Range<usize> = 7..8;
    pub const HEADER_LEN: usize = 8;
}

/// The IANA UDP port.
pub const PORT: u16 = 4790;

/// Flag bits.
pub mod flag {
    pub const VERSION: u8 = 0x30;
    /// The VNI is valid.
    pub const I: u8 = 0x08;
    /// The next protocol field is set.
    pub const P: u8 = 0x04;
    /// OAM packet.
    pub const O: u8 = 0x01;
    pub const RESERVED: u8 = 0xc2;
}

/// Next protocol numbers.
pub mod next_proto {
    pub const IPV4: u8 = 1;
    pub const IPV6: u8 = 2;
    pub const ETHERNET: u8 = 3;
    pub const NSH: u8 = 4;
    pub const MPLS: u8 = 5;
}

// `vxlan.flags`, `vxlan.flags_reserved`, `vxlan.vni` and `vxlan.reserved8`
// are declared by plain VXLAN too, with the same kinds.
field_table! {
    Flags: "vxlan.flags", "Flags", Kind::Hex(4);
    Ver: "vxlan.ver", "Version", Kind::Dec;
    IBit: "vxlan.i_bit", "Instance", Kind::Dec;
    PBit: "vxlan.p_bit", "Next Protocol Bit", Kind::Dec;
    OBit: "vxlan.o_bit", "OAM bit", Kind::Dec;
    FlagsReserved: "vxlan.flags_reserved", "Reserved(R)", Kind::Hex(4);
    Reserved16: "vxlan.reserved_16", "Reserved", Kind::Dec;
    NextProto: "vxlan.next_proto", "Next Protocol", Kind::Dec;
    Vni: "vxlan.vni", "VXLAN Network Identifier (VNI)", Kind::Dec;
    Reserved8: "vxlan.reserved8", "Reserved", Kind::Dec;
}

/// `0x00` .. `0xff`, four bytes each: the one-byte flags as tshark prints
/// them, for a field whose shared declaration is 16 bits wide.
static HEX2: [u8; 1024] = {
    let digits = b"0123456789abcdef";
    let mut t = [0u8; 1024];
    let mut i = 0;
    while i < 256 {
        t[i * 4] = b'0';
        t[i * 4 + 1] = b'x';
        t[i * 4 + 2] = digits[i >> 4];
        t[i * 4 + 3] = digits[i & 15];
        i += 1;
    }
    t
};

fn hex2(b: u8) -> &'static str {
    let i = usize::from(b) * 4;
    HEX2.get(i..i + 4)
        .and_then(|s| std::str::from_utf8(s).ok())
        .unwrap_or("")
}

/// The reserved flag bits (mask 0xc2, shifted) in decimal, as tshark 4.0
/// prints this one-byte field.
fn reserved_text(flags: u8) -> &'static str {
    match (flags & flag::RESERVED) >> 1 {
        0x00 => "0",
        0x01 => "1",
        0x20 => "32",
        0x21 => "33",
        0x40 => "64",
        0x41 => "65",
        0x60 => "96",
        _ => "97",
    }
}

/// A view over a VXLAN-GPE header and what it carries.
#[derive(Clone, Copy, Debug)]
pub struct VxlanGpeView<'a> {
    bytes: &'a [u8],
}

impl<'a> VxlanGpeView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold the 8-byte header.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(VxlanGpeView { bytes })
    }

    pub fn flags(&self) -> u8 {
        u8_at(self.bytes, at::FLAGS.start).unwrap_or(0)
    }

    /// The 2-bit version.
    pub fn version(&self) -> u8 {
        (self.flags() & flag::VERSION) >> 4
    }

    /// The I flag: the VNI is valid.
    pub fn vni_valid(&self) -> bool {
        self.flags() & flag::I != 0
    }

    /// The P flag: the next protocol is set.
    pub fn next_protocol_set(&self) -> bool {
        self.flags() & flag::P != 0
    }

    /// The O flag: an OAM packet.
    pub fn oam(&self) -> bool {
        self.flags() & flag::O != 0
    }

    /// The 16 reserved bits after the flags.
    pub fn reserved(&self) -> u16 {
        be16(self.bytes, at::RESERVED.start).unwrap_or(0)
    }

    pub fn next_protocol(&self) -> u8 {
        u8_at(self.bytes, at::NEXT_PROTO.start).unwrap_or(0)
    }

    /// The 24-bit VXLAN network identifier.
    pub fn vni(&self) -> u32 {
        be24(self.bytes, at::VNI.start).unwrap_or(0)
    }

    pub fn reserved8(&self) -> u8 {
        u8_at(self.bytes, at::RESERVED8.start).unwrap_or(0)
    }

    pub fn header_len(&self) -> usize {
        at::HEADER_LEN
    }

    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, at::HEADER_LEN)
    }

    /// By the next protocol: 1 IPv4 (tshark's "ip", which goes by the
    /// version nibble), 2 IPv6, 3 Ethernet (without FCS), 4 NSH and 5 MPLS
    /// (as their EtherTypes), anything else data.
    pub fn next_layer(&self) -> NextLayer {
        match self.next_protocol() {
            next_proto::IPV4 => NextLayer::IpByVersion,
            next_proto::IPV6 => NextLayer::Ipv6,
            next_proto::ETHERNET => NextLayer::Ethernet,
            next_proto::NSH => NextLayer::EtherType(crate::nsh::ETHERTYPE),
            next_proto::MPLS => NextLayer::EtherType(crate::ethernet::ethertype::MPLS_UNICAST),
            _ => NextLayer::Data,
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let fl = self.flags();
        let uint = |v: u8| Value::UInt(v.into());
        match f {
            Field::Flags => out.value(Value::Static(hex2(fl)), at::FLAGS),
            Field::Ver => out.value(uint(self.version()), at::FLAGS),
            Field::IBit => out.value(uint((fl & flag::I) >> 3), at::FLAGS),
            Field::PBit => out.value(uint((fl & flag::P) >> 2), at::FLAGS),
            Field::OBit => out.value(uint(fl & flag::O), at::FLAGS),
            Field::FlagsReserved => out.value(Value::Static(reserved_text(fl)), at::FLAGS),
            Field::Reserved16 => out.value(Value::UInt(self.reserved().into()), at::RESERVED),
            Field::NextProto => out.value(uint(self.next_protocol()), at::NEXT_PROTO),
            Field::Vni => out.value(Value::UInt(self.vni().into()), at::VNI),
            Field::Reserved8 => out.value(uint(self.reserved8()), at::RESERVED8),
        }
    }

    /// `Virtual eXtensible Local Area Network` (tshark's title for both
    /// forms).
    pub fn title(&self, out: &mut String) {
        out.push_str("Virtual eXtensible Local Area Network");
    }
}

/// The plain values of a VXLAN-GPE header, for building packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VxlanGpeRepr {
    /// The whole flags byte ([`flag`]).
    pub flags: u8,
    pub reserved: u16,
    pub next_protocol: u8,
    /// 24 bits.
    pub vni: u32,
    pub reserved8: u8,
}

impl VxlanGpeRepr {
    /// A header with I and P set for `next_protocol` on `vni`.
    pub fn new(vni: u32, next_protocol: u8) -> Self {
        VxlanGpeRepr {
            flags: flag::I | flag::P,
            reserved: 0,
            next_protocol,
            vni,
            reserved8: 0,
        }
    }

    pub fn parse(v: &VxlanGpeView) -> Self {
        VxlanGpeRepr {
            flags: v.flags(),
            reserved: v.reserved(),
            next_protocol: v.next_protocol(),
            vni: v.vni(),
            reserved8: v.reserved8(),
        }
    }

    /// Append the 8-byte header.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.push(self.flags);
        buf.extend_from_slice(&self.reserved.to_be_bytes());
        buf.push(self.next_protocol);
        buf.extend_from_slice(&self.vni.to_be_bytes()[1..]);
        buf.push(self.reserved8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::each_field_text;
    use proptest::prelude::*;

    fn all<'a>(v: &VxlanGpeView<'a>) -> Vec<String> {
        each_field_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// arkime arkime_synthetic.pcap frame 618, bytes 42..54: VNI 54321,
    /// next protocol IPv4, and the start of the inner IPv4 header.
    const ARKIME: [u8; 12] = [
        0x08, 0x00, 0x00, 0x01, 0x00, 0xd4, 0x31, 0x00, 0x45, 0x00, 0x00, 0x28,
    ];

    #[test]
    fn arkime_header_as_tshark_shows_it() {
        let v = VxlanGpeView::new(&ARKIME).unwrap();
        assert_eq!(
            all(&v),
            [
                "vxlan.flags=0x08",
                "vxlan.ver=0",
                "vxlan.i_bit=1",
                "vxlan.p_bit=0",
                "vxlan.o_bit=0",
                "vxlan.flags_reserved=0",
                "vxlan.reserved_16=0",
                "vxlan.next_proto=1",
                "vxlan.vni=54321",
                "vxlan.reserved8=0",
            ]
        );
        assert_eq!(v.next_layer(), NextLayer::IpByVersion);
        assert_eq!(v.payload(), &ARKIME[8..]);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Virtual eXtensible Local Area Network");
    }

    #[test]
    fn every_flag_and_next_protocols() {
        // Crafted (checked with tshark 4.0): flags 0xff, NSH, reserved8 1.
        let b = [0xff, 0x00, 0x00, 0x04, 0x00, 0x12, 0x34, 0x01];
        let v = VxlanGpeView::new(&b).unwrap();
        assert_eq!(
            all(&v),
            [
                "vxlan.flags=0xff",
                "vxlan.ver=3",
                "vxlan.i_bit=1",
                "vxlan.p_bit=1",
                "vxlan.o_bit=1",
                "vxlan.flags_reserved=97",
                "vxlan.reserved_16=0",
                "vxlan.next_proto=4",
                "vxlan.vni=4660",
                "vxlan.reserved8=1",
            ]
        );
        assert_eq!(v.next_layer(), NextLayer::EtherType(0x894f));
        let mut b = b;
        for (p, want) in [
            (2, NextLayer::Ipv6),
            (3, NextLayer::Ethernet),
            (5, NextLayer::EtherType(0x8847)),
            (9, NextLayer::Data),
        ] {
            b[3] = p;
            assert_eq!(VxlanGpeView::new(&b).unwrap().next_layer(), want);
        }
        assert!(VxlanGpeView::new(&b[..7]).is_err());
    }

    #[test]
    fn text_tables() {
        assert_eq!(hex2(0x0c), "0x0c");
        assert_eq!(hex2(0xa0), "0xa0");
        for f in 0..=255u8 {
            let want = u8::from_str_radix(&hex2(f)[2..], 16).unwrap();
            assert_eq!(want, f);
            assert_eq!(reserved_text(f), ((f & 0xc2) >> 1).to_string());
        }
    }

    #[test]
    fn builder() {
        let mut b = Vec::new();
        VxlanGpeRepr::new(54321, next_proto::IPV4).emit(&mut b);
        assert_eq!(b, [0x0c, 0x00, 0x00, 0x01, 0x00, 0xd4, 0x31, 0x00]);
    }

    proptest! {
        #[test]
        fn build_then_parse(flags: u8, reserved: u16, next_protocol: u8, vni in 0u32..0x100_0000,
                            reserved8: u8, payload in proptest::collection::vec(any::<u8>(), 0..16)) {
            let r = VxlanGpeRepr { flags, reserved, next_protocol, vni, reserved8 };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&payload);
            let v = VxlanGpeView::new(&buf).unwrap();
            prop_assert_eq!(VxlanGpeRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &payload[..]);
        }

        #[test]
        fn hostile_bytes_do_not_panic(b in proptest::collection::vec(any::<u8>(), 0..16)) {
            if let Ok(v) = VxlanGpeView::new(&b) {
                let _ = (v.payload(), v.next_layer());
                let _ = all(&v);
                let mut t = String::new();
                v.title(&mut t);
            }
        }
    }
}
