//! Virtual eXtensible Local Area Network (RFC 7348), UDP port 4789, with
//! the Group Based Policy extension's fields as tshark 4.0 shows them.
//!
//! Eight bytes: 16 bits of flags (I: a VNI is present; G, D, A: group
//! policy), a 16-bit group policy id (reserved in plain VXLAN), the 24-bit
//! VXLAN network identifier and a reserved byte. An Ethernet frame follows.
//! (VXLAN-GPE on port 4790 has another layout and is not read here.)

use crate::bytes::{be16, be24, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const FLAGS: Range<usize> = 0..2;
    pub const GBP: Range<usize> = 2..4;
    pub const VNI: Range<usize> = 4..7;
    pub const RESERVED: Range<usize> = 7..8;
    pub const HEADER_LEN: usize = 8;
}

/// Flag bits.
pub mod flag {
    /// Group Based Policy extension.
    pub const G: u16 = 0x8000;
    /// The VNI is valid.
    pub const I: u16 = 0x0800;
    /// Don't learn.
    pub const D: u16 = 0x0040;
    /// Policy applied.
    pub const A: u16 = 0x0008;
    /// What tshark calls reserved.
    pub const RESERVED: u16 = 0x77b7;
}

/// The IANA UDP port.
pub const PORT: u16 = 4789;

field_table! {
    Flags: "vxlan.flags", "Flags", Kind::Hex(4);
    FlagG: "vxlan.flag_g", "GBP Extension", Kind::Bool;
    FlagI: "vxlan.flag_i", "VXLAN Network ID (VNI)", Kind::Bool;
    FlagD: "vxlan.flag_d", "Don't Learn", Kind::Bool;
    FlagA: "vxlan.flag_a", "Policy Applied", Kind::Bool;
    FlagsReserved: "vxlan.flags_reserved", "Reserved(R)", Kind::Hex(4);
    Gbp: "vxlan.gbp", "Group Policy ID", Kind::Dec;
    Vni: "vxlan.vni", "VXLAN Network Identifier (VNI)", Kind::Dec;
    Reserved8: "vxlan.reserved8", "Reserved", Kind::Dec;
}

/// A view over a VXLAN header and the Ethernet frame it carries.
#[derive(Clone, Copy, Debug)]
pub struct VxlanView<'a> {
    bytes: &'a [u8],
}

impl<'a> VxlanView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold the 8-byte header.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(VxlanView { bytes })
    }

    pub fn flags(&self) -> u16 {
        be16(self.bytes, at::FLAGS.start).unwrap_or(0)
    }

    /// The I flag: the VNI is valid.
    pub fn vni_valid(&self) -> bool {
        self.flags() & flag::I != 0
    }

    /// The group policy id (GBP extension; reserved otherwise).
    pub fn gbp(&self) -> u16 {
        be16(self.bytes, at::GBP.start).unwrap_or(0)
    }

    /// The 24-bit VXLAN network identifier.
    pub fn vni(&self) -> u32 {
        be24(self.bytes, at::VNI.start).unwrap_or(0)
    }

    pub fn reserved(&self) -> u8 {
        u8_at(self.bytes, at::RESERVED.start).unwrap_or(0)
    }

    pub fn header_len(&self) -> usize {
        at::HEADER_LEN
    }

    /// The encapsulated Ethernet frame.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, at::HEADER_LEN)
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let fl = self.flags();
        let bit = |m: u16| Value::Bool(fl & m != 0);
        match f {
            Field::Flags => out.value(Value::UInt(fl.into()), at::FLAGS),
            Field::FlagG => out.value(bit(flag::G), at::FLAGS),
            Field::FlagI => out.value(bit(flag::I), at::FLAGS),
            Field::FlagD => out.value(bit(flag::D), at::FLAGS),
            Field::FlagA => out.value(bit(flag::A), at::FLAGS),
            Field::FlagsReserved => out.value(Value::UInt((fl & flag::RESERVED).into()), at::FLAGS),
            Field::Gbp => out.value(Value::UInt(self.gbp().into()), at::GBP),
            Field::Vni => out.value(Value::UInt(self.vni().into()), at::VNI),
            Field::Reserved8 => out.value(Value::UInt(self.reserved().into()), at::RESERVED),
        }
    }

    /// `Virtual eXtensible Local Area Network`.
    pub fn title(&self, out: &mut String) {
        out.push_str("Virtual eXtensible Local Area Network");
    }
}

/// The plain values of a VXLAN header, for building packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VxlanRepr {
    /// Flags; [`VxlanRepr::new`] sets just I.
    pub flags: u16,
    pub gbp: u16,
    /// 24 bits (higher bits are dropped).
    pub vni: u32,
    pub reserved: u8,
}

impl VxlanRepr {
    /// A plain RFC 7348 header for `vni`.
    pub fn new(vni: u32) -> Self {
        VxlanRepr {
            flags: flag::I,
            gbp: 0,
            vni,
            reserved: 0,
        }
    }

    pub fn parse(v: &VxlanView) -> Self {
        VxlanRepr {
            flags: v.flags(),
            gbp: v.gbp(),
            vni: v.vni(),
            reserved: v.reserved(),
        }
    }

    /// Append the 8-byte header to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.flags.to_be_bytes());
        buf.extend_from_slice(&self.gbp.to_be_bytes());
        buf.extend_from_slice(&self.vni.to_be_bytes()[1..]);
        buf.push(self.reserved);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::each_field_text;
    use proptest::prelude::*;

    fn all(v: &VxlanView) -> Vec<String> {
        each_field_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// pcpp Vxlan2.pcap frame 1, bytes 42..52: I and A set, policy 32639, VNI 300.
    const GBP: [u8; 10] = [0x08, 0x08, 0x7f, 0x7f, 0x00, 0x01, 0x2c, 0x00, 0x00, 0x30];
    /// zeek tunnels-vxlan-triple-v2.pcap frame 1, bytes 42..52: a reserved
    /// flag bit set, VNI 1.
    const RESERVED_BIT: [u8; 10] = [0x0c, 0x00, 0x00, 0x03, 0x00, 0x00, 0x01, 0x00, 0x7a, 0x8a];

    #[test]
    fn real_headers() {
        let v = VxlanView::new(&GBP).unwrap();
        assert_eq!(
            all(&v),
            [
                "vxlan.flags=0x0808",
                "vxlan.flag_g=0",
                "vxlan.flag_i=1",
                "vxlan.flag_d=0",
                "vxlan.flag_a=1",
                "vxlan.flags_reserved=0x0000",
                "vxlan.gbp=32639",
                "vxlan.vni=300",
                "vxlan.reserved8=0",
            ]
        );
        assert_eq!(v.payload(), &[0x00, 0x30]);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Virtual eXtensible Local Area Network");
        let v = VxlanView::new(&RESERVED_BIT).unwrap();
        assert!(all(&v).contains(&"vxlan.flags_reserved=0x0400".to_string()));
        assert_eq!((v.vni(), v.gbp()), (1, 3));
        assert!(VxlanView::new(&GBP[..7]).is_err());
    }

    proptest! {
        #[test]
        fn build_then_parse(flags: u16, gbp: u16, vni in 0u32..0x100_0000, reserved: u8,
                            payload in proptest::collection::vec(any::<u8>(), 0..16)) {
            let r = VxlanRepr { flags, gbp, vni, reserved };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&payload);
            let v = VxlanView::new(&buf).unwrap();
            prop_assert_eq!(VxlanRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &payload[..]);
        }
    }
}
