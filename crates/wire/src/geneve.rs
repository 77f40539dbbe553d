//! Generic Network Virtualization Encapsulation (RFC 8926), UDP port 6081.
//!
//! Eight fixed bytes: a 2-bit version and the 6-bit length of the options
//! in 4-byte words, a flags byte (O: OAM frame, C: critical options
//! present, 6 reserved bits), the protocol type of the payload (an
//! EtherType; 0x6558 is an Ethernet frame), the 24-bit virtual network
//! identifier and a reserved byte. Options follow, each a 16-bit class, a
//! type byte (its top bit marks a critical option), 3 reserved bits and a
//! 5-bit length of the option's data in 4-byte words, then the data.
//!
//! tshark shows the options' total length and each option's length in
//! bytes, both as `geneve.option.length`, and decodes Google's (class
//! 0x0132) options; other options' data is `geneve.option.unknown.data`.

use crate::bytes::{be16, be24, be32, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::fmt::Write as _;
use std::ops::Range;

/// Byte ranges of the fixed header's fields.
mod at {
    use std::ops::Range;
    /// Version (2 bits) and options length (6 bits, 4-byte words).
    pub const VER_OPT_LEN: Range<usize> = 0..1;
    pub const FLAGS: Range<usize> = 1..2;
    pub const PROTO: Range<usize> = 2..4;
    pub const VNI: Range<usize> = 4..7;
    pub const RESERVED: Range<usize> = 7..8;
    pub const FIXED_LEN: usize = 8;
    /// Within an option: class, type, flags and length.
    pub const OPT_HEADER_LEN: usize = 4;
}

/// Flag bits of the flags byte.
pub mod flag {
    /// Operations, administration and management frame.
    pub const OAM: u8 = 0x80;
    /// Critical options present.
    pub const CRITICAL: u8 = 0x40;
    pub const RESERVED: u8 = 0x3f;
}

/// The IANA UDP port.
pub const PORT: u16 = 6081;

/// Google LLC's option class, whose options tshark decodes.
pub const CLASS_GCP: u16 = 0x0132;

field_table! {
    Version: "geneve.version", "Version", Kind::Dec;
    OptionLength: "geneve.option.length", "Length", Kind::Dec;
    Flags: "geneve.flags", "Flags", Kind::Hex(2);
    FlagsOam: "geneve.flags.oam", "Operations, Administration and Management Frame", Kind::Bool;
    FlagsCritical: "geneve.flags.critical", "Critical Options Present", Kind::Bool;
    FlagsReserved: "geneve.flags.reserved", "Reserved", Kind::Bool;
    ProtoType: "geneve.proto_type", "Protocol Type", Kind::Hex(4);
    Vni: "geneve.vni", "Virtual Network Identifier (VNI)", Kind::Hex(6);
    Reserved: "geneve.reserved", "Reserved", Kind::Hex(2);
    Options: "geneve.options", "Geneve Options", Kind::Bytes;
    Option: "geneve.option", "Option", Kind::Bytes;
    OptionClass: "geneve.option.class", "Class", Kind::Hex(4);
    OptionType: "geneve.option.type", "Type", Kind::Hex(2);
    OptionTypeCritical: "geneve.option.type.critical", "Critical Option", Kind::Bool;
    OptionFlags: "geneve.option.flags", "Flags", Kind::Hex(2);
    OptionFlagsReserved: "geneve.option.flags.reserved", "Reserved", Kind::Bool;
    OptionGcpVnid: "geneve.option.gcp.vnid", "GCP Virtual Network ID", Kind::Dec;
    OptionGcpReserved: "geneve.option.gcp.reserved", "GCP Reserved bits", Kind::Bool;
    OptionGcpDirection: "geneve.option.gcp.direction", "GCP Traffic Direction", Kind::Bool;
    OptionGcpEndpoint: "geneve.option.gcp.endpoint", "GCP Endpoint ID", Kind::Bytes;
    OptionGcpProfile: "geneve.option.gcp.profile", "GCP Profile ID", Kind::Dec;
    OptionUnknownData: "geneve.option.unknown.data", "Unknown Option Data", Kind::Bytes;
}

/// One option, as [`GeneveView::options`] yields it. Offsets are from the
/// start of the Geneve header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GeneveOption<'a> {
    pub class: u16,
    /// The type byte (top bit: critical).
    pub typ: u8,
    /// The 3 reserved flag bits.
    pub flags: u8,
    /// The option's data (after its 4-byte header).
    pub data: &'a [u8],
    /// The whole option, header included.
    pub raw: &'a [u8],
    /// Where the option starts.
    pub offset: usize,
}

impl GeneveOption<'_> {
    /// The option's length in bytes, header included.
    pub fn len(&self) -> usize {
        at::OPT_HEADER_LEN + self.data.len()
    }

    /// Never: an option has at least its 4-byte header.
    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn critical(&self) -> bool {
        self.typ & 0x80 != 0
    }

    fn range(&self) -> Range<usize> {
        self.offset..self.offset + self.len()
    }

    fn data_range(&self) -> Range<usize> {
        self.offset + at::OPT_HEADER_LEN..self.offset + self.len()
    }
}

/// The options in order. Stops at the first option whose length runs past
/// the options area (tshark notes it and shows no more).
#[derive(Clone, Debug)]
pub struct GeneveOptions<'a> {
    area: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for GeneveOptions<'a> {
    type Item = GeneveOption<'a>;

    fn next(&mut self) -> Option<GeneveOption<'a>> {
        let class = be16(self.area, self.pos)?;
        let typ = u8_at(self.area, self.pos + 2)?;
        let fl = u8_at(self.area, self.pos + 3)?;
        let len = at::OPT_HEADER_LEN + usize::from(fl & 0x1f) * 4;
        let raw = self.area.get(self.pos..self.pos.checked_add(len)?)?;
        let o = GeneveOption {
            class,
            typ,
            flags: fl >> 5,
            data: tail(raw, at::OPT_HEADER_LEN),
            raw,
            offset: at::FIXED_LEN + self.pos,
        };
        self.pos += len;
        Some(o)
    }
}

/// A view over a Geneve header, its options and the payload.
#[derive(Clone, Copy, Debug)]
pub struct GeneveView<'a> {
    bytes: &'a [u8],
}

impl<'a> GeneveView<'a> {
    pub const FIXED_LEN: usize = at::FIXED_LEN;

    /// A view over `bytes`, which must hold the 8 fixed bytes. Options cut
    /// short are allowed (see [`Self::options_complete`]).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::FIXED_LEN)?;
        Ok(GeneveView { bytes })
    }

    fn byte0(&self) -> u8 {
        u8_at(self.bytes, at::VER_OPT_LEN.start).unwrap_or(0)
    }

    /// The 2-bit version (0 is the only one defined; tshark reads others
    /// the same way and notes them).
    pub fn version(&self) -> u8 {
        self.byte0() >> 6
    }

    /// The options' total length in bytes, as the header claims.
    pub fn options_len(&self) -> usize {
        usize::from(self.byte0() & 0x3f) * 4
    }

    pub fn flags(&self) -> u8 {
        u8_at(self.bytes, at::FLAGS.start).unwrap_or(0)
    }

    pub fn oam(&self) -> bool {
        self.flags() & flag::OAM != 0
    }

    pub fn critical(&self) -> bool {
        self.flags() & flag::CRITICAL != 0
    }

    /// The payload's protocol type, an EtherType (0x6558: Ethernet).
    pub fn protocol(&self) -> u16 {
        be16(self.bytes, at::PROTO.start).unwrap_or(0)
    }

    /// The 24-bit virtual network identifier.
    pub fn vni(&self) -> u32 {
        be24(self.bytes, at::VNI.start).unwrap_or(0)
    }

    pub fn reserved(&self) -> u8 {
        u8_at(self.bytes, at::RESERVED.start).unwrap_or(0)
    }

    /// Whether the captured bytes hold all the options the header claims
    /// (tshark marks the packet malformed and stops otherwise).
    pub fn options_complete(&self) -> bool {
        at::FIXED_LEN + self.options_len() <= self.bytes.len()
    }

    /// The options area (empty when it is cut short).
    pub fn options_bytes(&self) -> &'a [u8] {
        if !self.options_complete() {
            return &[];
        }
        self.bytes
            .get(at::FIXED_LEN..at::FIXED_LEN + self.options_len())
            .unwrap_or(&[])
    }

    pub fn options(&self) -> GeneveOptions<'a> {
        GeneveOptions {
            area: self.options_bytes(),
            pos: 0,
        }
    }

    /// The fixed header and the options, clamped to what was captured.
    pub fn header_len(&self) -> usize {
        (at::FIXED_LEN + self.options_len()).min(self.bytes.len())
    }

    /// The encapsulated packet.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.header_len())
    }

    /// What [`Self::payload`] holds: an Ethernet frame for protocol type
    /// 0x6558, else whatever the EtherType names; nothing when the options
    /// are cut short.
    pub fn next_layer(&self) -> NextLayer {
        if !self.options_complete() {
            return NextLayer::Done;
        }
        match self.protocol() {
            crate::ethernet::ethertype::TRANSPARENT_BRIDGING => NextLayer::Ethernet,
            t => NextLayer::EtherType(t),
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let fl = self.flags();
        let uint = |v: u64| Value::UInt(v);
        match f {
            Field::Version => out.value(uint(self.version().into()), at::VER_OPT_LEN),
            Field::OptionLength => {
                out.value(uint(self.options_len() as u64), at::VER_OPT_LEN);
                for o in self.options() {
                    let r = o.offset + 3..o.offset + 4;
                    out.value(uint(o.len() as u64), r);
                }
            }
            Field::Flags => out.value(uint(fl.into()), at::FLAGS),
            Field::FlagsOam => out.value(Value::Bool(fl & flag::OAM != 0), at::FLAGS),
            Field::FlagsCritical => out.value(Value::Bool(fl & flag::CRITICAL != 0), at::FLAGS),
            Field::FlagsReserved => out.value(Value::Bool(fl & flag::RESERVED != 0), at::FLAGS),
            Field::ProtoType => out.value(uint(self.protocol().into()), at::PROTO),
            Field::Vni => out.value(uint(self.vni().into()), at::VNI),
            Field::Reserved => out.value(uint(self.reserved().into()), at::RESERVED),
            Field::Options => {
                let area = self.options_bytes();
                if !area.is_empty() {
                    out.value(
                        Value::Bytes(area),
                        at::FIXED_LEN..at::FIXED_LEN + area.len(),
                    )
                }
            }
            _ => {
                for o in self.options() {
                    option_field(&o, f, out);
                }
            }
        }
    }

    /// `Generic Network Virtualization Encapsulation, VNI: 0x000064` (and
    /// `, OAM` for an OAM frame).
    pub fn title(&self, out: &mut String) {
        let _ = write!(
            out,
            "Generic Network Virtualization Encapsulation, VNI: 0x{:06x}",
            self.vni()
        );
        if self.oam() {
            out.push_str(", OAM");
        }
    }
}

/// The occurrence of an option field `f` in option `o`.
fn option_field<'a>(o: &GeneveOption<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
    let uint = |v: u64| Value::UInt(v);
    let at = |a: usize, b: usize| o.offset + a..o.offset + b;
    let gcp = o.class == CLASS_GCP;
    let gcp_word = be32(o.data, 0);
    let known_gcp = gcp && (1..=3).contains(&o.typ);
    match f {
        Field::Option => out.value(Value::Bytes(o.raw), o.range()),
        Field::OptionClass => out.value(uint(o.class.into()), at(0, 2)),
        Field::OptionType => out.value(uint(o.typ.into()), at(2, 3)),
        Field::OptionTypeCritical => out.value(Value::Bool(o.critical()), at(2, 3)),
        Field::OptionFlags => out.value(uint(o.flags.into()), at(3, 4)),
        Field::OptionFlagsReserved => out.value(Value::Bool(o.flags != 0), at(3, 4)),
        Field::OptionGcpVnid if gcp && o.typ == 1 => {
            if let Some(w) = gcp_word {
                out.value(uint(u64::from(w >> 4)), at(4, 8))
            }
        }
        Field::OptionGcpReserved if gcp && o.typ == 1 => {
            if let Some(w) = gcp_word {
                out.value(Value::Bool(w & 0xe != 0), at(4, 8))
            }
        }
        Field::OptionGcpDirection if gcp && o.typ == 1 => {
            if let Some(w) = gcp_word {
                out.value(Value::Bool(w & 1 != 0), at(4, 8))
            }
        }
        Field::OptionGcpEndpoint if gcp && o.typ == 2 && !o.data.is_empty() => {
            out.value(Value::Bytes(o.data), o.data_range())
        }
        Field::OptionGcpProfile if gcp && o.typ == 3 => {
            if let Some(p) = o.data.get(..8) {
                let v = p.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
                out.value(uint(v), at(4, 12))
            }
        }
        Field::OptionUnknownData if !(known_gcp || o.data.is_empty()) => {
            out.value(Value::Bytes(o.data), o.data_range())
        }
        _ => {}
    }
}

/// One option's plain values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneveOptionRepr {
    pub class: u16,
    pub typ: u8,
    /// 3 bits.
    pub flags: u8,
    /// A multiple of 4 bytes, at most 124 (padded with zeros when not).
    pub data: Vec<u8>,
}

/// The plain values of a Geneve header, for building packets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneveRepr {
    /// 2 bits.
    pub version: u8,
    /// The whole flags byte ([`flag::OAM`], [`flag::CRITICAL`]).
    pub flags: u8,
    pub protocol: u16,
    /// 24 bits.
    pub vni: u32,
    pub reserved: u8,
    /// At most 252 bytes in all.
    pub options: Vec<GeneveOptionRepr>,
}

impl GeneveRepr {
    /// A plain header for an Ethernet payload on `vni`.
    pub fn ethernet(vni: u32) -> Self {
        GeneveRepr {
            version: 0,
            flags: 0,
            protocol: crate::ethernet::ethertype::TRANSPARENT_BRIDGING,
            vni,
            reserved: 0,
            options: Vec::new(),
        }
    }

    pub fn parse(v: &GeneveView) -> Self {
        GeneveRepr {
            version: v.version(),
            flags: v.flags(),
            protocol: v.protocol(),
            vni: v.vni(),
            reserved: v.reserved(),
            options: v
                .options()
                .map(|o| GeneveOptionRepr {
                    class: o.class,
                    typ: o.typ,
                    flags: o.flags,
                    data: o.data.to_vec(),
                })
                .collect(),
        }
    }

    /// Append the header and options, with the lengths computed.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let padded = |d: &[u8]| d.len().div_ceil(4).min(31) * 4;
        let opt_words: usize = self
            .options
            .iter()
            .map(|o| 1 + padded(&o.data) / 4)
            .sum::<usize>()
            .min(63);
        buf.push((self.version << 6) | opt_words as u8);
        buf.push(self.flags);
        buf.extend_from_slice(&self.protocol.to_be_bytes());
        buf.extend_from_slice(&self.vni.to_be_bytes()[1..]);
        buf.push(self.reserved);
        for o in &self.options {
            let n = padded(&o.data);
            buf.extend_from_slice(&o.class.to_be_bytes());
            buf.push(o.typ);
            buf.push((o.flags << 5) | (n / 4) as u8);
            let d = o.data.get(..n).unwrap_or(&o.data);
            buf.extend_from_slice(d);
            buf.resize(buf.len() + (n - d.len()), 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fields_text;
    use proptest::prelude::*;

    fn all<'a>(v: &GeneveView<'a>) -> Vec<String> {
        fields_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// tcpdump geneve-gcp.pcap frame 1, from byte 42: IPv4 payload, three
    /// Google options (40 bytes), then the inner IPv4 header's first bytes.
    const GCP: [u8; 50] = [
        0x0a, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x32, 0x01, 0x01, 0x80, 0x00, 0x00,
        0xd1, 0x01, 0x32, 0x02, 0x04, 0x08, 0x00, 0x00, 0x0d, 0xc0, 0xa8, 0x64, 0x02, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x32, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x12, 0x34, 0x45, 0x00,
    ];
    /// zeek tunnels/geneve-arp.pcap frame 1, from byte 42: ARP payload, VNI 1.
    const ARP: [u8; 10] = [0x00, 0x00, 0x08, 0x06, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01];
    /// zeek tunnels/geneve-truncated.pcapng frame 1, from byte 42: one
    /// 8-byte option and no payload at all.
    const TRUNCATED: [u8; 16] = [
        0x02, 0x00, 0x65, 0x58, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x0a,
    ];

    #[test]
    fn gcp_options_as_tshark_shows_them() {
        let v = GeneveView::new(&GCP).unwrap();
        assert_eq!(
            all(&v),
            [
                "geneve.version=0",
                "geneve.option.length=40,8,20,12",
                "geneve.flags=0x00",
                "geneve.flags.oam=0",
                "geneve.flags.critical=0",
                "geneve.flags.reserved=0",
                "geneve.proto_type=0x0800",
                "geneve.vni=0x000000",
                "geneve.reserved=0x00",
                "geneve.options=01320101800000d1013202040800000dc0a864020000000000000000013203020000000000001234",
                "geneve.option=01320101800000d1,013202040800000dc0a864020000000000000000,013203020000000000001234",
                "geneve.option.class=0x0132,0x0132,0x0132",
                "geneve.option.type=0x01,0x02,0x03",
                "geneve.option.type.critical=0,0,0",
                "geneve.option.flags=0x00,0x00,0x00",
                "geneve.option.flags.reserved=0,0,0",
                "geneve.option.gcp.vnid=134217741",
                "geneve.option.gcp.reserved=0",
                "geneve.option.gcp.direction=1",
                "geneve.option.gcp.endpoint=0800000dc0a864020000000000000000",
                "geneve.option.gcp.profile=4660",
            ]
        );
        assert_eq!(v.header_len(), 48);
        assert_eq!(v.payload(), &[0x45, 0x00]);
        assert_eq!(v.next_layer(), NextLayer::EtherType(0x0800));
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "Generic Network Virtualization Encapsulation, VNI: 0x000000"
        );
    }

    #[test]
    fn arp_payload_and_ethernet_payload() {
        let v = GeneveView::new(&ARP).unwrap();
        assert_eq!(v.vni(), 1);
        assert_eq!(v.next_layer(), NextLayer::EtherType(0x0806));
        assert!(!all(&v).iter().any(|s| s.starts_with("geneve.options")));
        let v = GeneveView::new(&TRUNCATED).unwrap();
        assert_eq!(v.next_layer(), NextLayer::Ethernet);
        assert!(v.payload().is_empty());
        assert!(all(&v).contains(&"geneve.option.unknown.data=0000000a".to_string()));
    }

    #[test]
    fn odd_flags_and_options() {
        // Crafted: all flags set, one critical option with reserved flag
        // bits (tshark: flags 0x07, reserved 1).
        let b = [
            0x02, 0xff, 0x08, 0x00, 0x00, 0x00, 0x07, 0x09, 0x01, 0x02, 0x85, 0xe1, 0x11, 0x22,
            0x33, 0x44,
        ];
        let v = GeneveView::new(&b).unwrap();
        let got = all(&v);
        for want in [
            "geneve.flags=0xff",
            "geneve.flags.oam=1",
            "geneve.flags.critical=1",
            "geneve.flags.reserved=1",
            "geneve.option.type.critical=1",
            "geneve.option.flags=0x07",
            "geneve.option.flags.reserved=1",
            "geneve.option.unknown.data=11223344",
            "geneve.reserved=0x09",
        ] {
            assert!(got.contains(&want.to_string()), "{want} in {got:?}");
        }
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "Generic Network Virtualization Encapsulation, VNI: 0x000007, OAM"
        );
    }

    #[test]
    fn hostile_lengths() {
        // Options longer than the packet: no option fields, nothing follows.
        let mut b = ARP.to_vec();
        b[0] = 0x3f;
        let v = GeneveView::new(&b).unwrap();
        assert!(!v.options_complete());
        assert_eq!(v.header_len(), b.len());
        assert_eq!(v.next_layer(), NextLayer::Done);
        assert_eq!(v.options().count(), 0);
        assert!(all(&v).contains(&"geneve.option.length=252".to_string()));
        // An option longer than the options area: it and later ones are not
        // shown, but the payload still follows the declared options.
        let b = [
            0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x02, 0x05, 0x03, 0x11, 0x22,
            0x33, 0x44, 0x45,
        ];
        let v = GeneveView::new(&b).unwrap();
        assert_eq!(v.options().count(), 0);
        assert_eq!(v.payload(), &[0x45]);
        assert_eq!(v.next_layer(), NextLayer::EtherType(0x0800));
        assert!(GeneveView::new(&ARP[..7]).is_err());
    }

    fn any_option() -> impl Strategy<Value = GeneveOptionRepr> {
        (any::<u16>(), any::<u8>(), 0u8..8, 0usize..8).prop_flat_map(
            |(class, typ, flags, words)| {
                proptest::collection::vec(any::<u8>(), words * 4).prop_map(move |data| {
                    GeneveOptionRepr {
                        class,
                        typ,
                        flags,
                        data,
                    }
                })
            },
        )
    }

    proptest! {
        #[test]
        fn build_then_parse(version in 0u8..4, flags: u8, protocol: u16, vni in 0u32..0x100_0000, reserved: u8,
                            options in proptest::collection::vec(any_option(), 0..5),
                            payload in proptest::collection::vec(any::<u8>(), 0..16)) {
            let r = GeneveRepr { version, flags, protocol, vni, reserved, options };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let hl = buf.len();
            buf.extend_from_slice(&payload);
            let v = GeneveView::new(&buf).unwrap();
            prop_assert_eq!(v.header_len(), hl);
            prop_assert_eq!(GeneveRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &payload[..]);
        }

        #[test]
        fn hostile_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..80)) {
            if let Ok(v) = GeneveView::new(&b) {
                let _ = all(&v);
                prop_assert!(v.header_len() <= b.len());
                let _ = (v.payload(), v.next_layer());
                let mut t = String::new();
                v.title(&mut t);
            }
        }
    }
}
