//! Network Service Header (RFC 8300): EtherType 0x894f, GRE protocol
//! 0x894f, VXLAN-GPE next protocol 4 and NSH next protocol 4.
//!
//! The base header: a 2-bit version, the O (OAM) and C (critical metadata)
//! bits, a 6-bit TTL, the 6-bit length of the whole NSH in 4-byte words,
//! the MD type and the next protocol (1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH,
//! 5 MPLS). The service path header: the 24-bit service path identifier
//! and the service index. Then the context headers: for MD type 1 four
//! fixed 4-byte headers, for MD type 2 variable-length metadata TLVs
//! (16-bit class, type byte, an unassigned bit and a 7-bit length in bytes,
//! the data padded to 4 bytes).
//!
//! As tshark 4.0 reads it: MD type 1 always takes 24 bytes whatever the
//! length says, MD type 2 at least 8, other types at least 4; the payload
//! starts there and goes to the end.

use crate::bytes::{be16, be24, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::ops::Range;

/// Byte ranges of the fixed fields.
mod at {
    use std::ops::Range;
    /// Version, O, C, TTL and length.
    pub const BASE: Range<usize> = 0..2;
    pub const MD_TYPE: Range<usize> = 2..3;
    pub const NEXT_PROTO: Range<usize> = 3..4;
    pub const SPI: Range<usize> = 4..7;
    pub const SI: Range<usize> = 7..8;
    pub const FIXED_LEN: usize = 8;
    /// MD type 1: base, service path and four context headers.
    pub const MD1_LEN: usize = 24;
    pub const TLV_HEADER_LEN: usize = 4;
}

/// The EtherType (and GRE protocol type) of NSH.
pub const ETHERTYPE: u16 = 0x894f;

/// Next protocol numbers.
pub mod next_proto {
    pub const IPV4: u8 = 1;
    pub const IPV6: u8 = 2;
    pub const ETHERNET: u8 = 3;
    pub const NSH: u8 = 4;
    pub const MPLS: u8 = 5;
}

/// Metadata types.
pub mod md_type {
    pub const FIXED: u8 = 1;
    pub const VARIABLE: u8 = 2;
}

field_table! {
    Version: "nsh.version", "Version", Kind::Dec;
    Obit: "nsh.Obit", "O Bit", Kind::Dec;
    CBit: "nsh.CBit", "C Bit", Kind::Dec;
    Ttl: "nsh.ttl", "Time to live", Kind::Hex(4);
    Length: "nsh.length", "Length", Kind::Dec;
    Mdtype: "nsh.mdtype", "MD Type", Kind::Dec;
    Nextproto: "nsh.nextproto", "Next Protocol", Kind::Dec;
    Spi: "nsh.spi", "SPI", Kind::Dec;
    Si: "nsh.si", "SI", Kind::Dec;
    Contextheader: "nsh.contextheader", "Context Header", Kind::Bytes;
    Metadataclass: "nsh.metadataclass", "TLV Class", Kind::Dec;
    Metadatatype: "nsh.metadatatype", "Type", Kind::Dec;
    Metadataunassignedbit: "nsh.metadataunassignedbit", "Unassigned Bit", Kind::Hex(2);
    Metadatalen: "nsh.metadatalen", "Length", Kind::Hex(2);
    Metadata: "nsh.metadata", "Variable Metadata", Kind::Bytes;
}

/// One MD type 2 context header, as [`NshView::tlvs`] yields it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NshTlv<'a> {
    pub class: u16,
    pub typ: u8,
    /// The unassigned bit and the 7-bit length.
    pub len_byte: u8,
    /// The metadata (`len` bytes, without padding); `None` when the
    /// capture ends inside it.
    pub data: Option<&'a [u8]>,
    /// Where the TLV starts, from the start of the NSH.
    pub offset: usize,
}

impl NshTlv<'_> {
    /// The metadata length in bytes.
    pub fn len(&self) -> usize {
        usize::from(self.len_byte & 0x7f)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn at(&self, a: usize, b: usize) -> Range<usize> {
        self.offset + a..self.offset + b
    }
}

/// The MD type 2 context headers in order, as tshark walks them: while
/// the offset is inside the length the header claims, stopping where the
/// capture ends.
#[derive(Clone, Debug)]
pub struct NshTlvs<'a> {
    bytes: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> Iterator for NshTlvs<'a> {
    type Item = NshTlv<'a>;

    fn next(&mut self) -> Option<NshTlv<'a>> {
        if self.pos >= self.end {
            return None;
        }
        let class = be16(self.bytes, self.pos)?;
        let typ = u8_at(self.bytes, self.pos + 2)?;
        let len_byte = u8_at(self.bytes, self.pos + 3)?;
        let len = usize::from(len_byte & 0x7f);
        let start = self.pos + at::TLV_HEADER_LEN;
        let data = self.bytes.get(start..start + len);
        let t = NshTlv {
            class,
            typ,
            len_byte,
            data,
            offset: self.pos,
        };
        self.pos = if data.is_some() {
            start + len.next_multiple_of(4)
        } else {
            usize::MAX
        };
        Some(t)
    }
}

/// A view over a Network Service Header and its payload.
#[derive(Clone, Copy, Debug)]
pub struct NshView<'a> {
    bytes: &'a [u8],
}

impl<'a> NshView<'a> {
    pub const FIXED_LEN: usize = at::FIXED_LEN;

    /// A view over `bytes`, which must hold the base and service path
    /// headers (8 bytes). Context headers cut short are allowed (see
    /// [`Self::header_complete`]).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::FIXED_LEN)?;
        Ok(NshView { bytes })
    }

    fn base(&self) -> u16 {
        be16(self.bytes, at::BASE.start).unwrap_or(0)
    }

    /// The 2-bit version.
    pub fn version(&self) -> u8 {
        (self.base() >> 14) as u8
    }

    /// The O bit: an OAM packet.
    pub fn oam(&self) -> bool {
        self.base() & 0x2000 != 0
    }

    /// The C bit: critical metadata present.
    pub fn critical(&self) -> bool {
        self.base() & 0x1000 != 0
    }

    /// The 6-bit TTL.
    pub fn ttl(&self) -> u8 {
        ((self.base() >> 6) & 0x3f) as u8
    }

    /// The length field: the NSH's length in 4-byte words, as sent.
    pub fn length_words(&self) -> u8 {
        (self.base() & 0x3f) as u8
    }

    pub fn md_type(&self) -> u8 {
        u8_at(self.bytes, at::MD_TYPE.start).unwrap_or(0)
    }

    pub fn next_protocol(&self) -> u8 {
        u8_at(self.bytes, at::NEXT_PROTO.start).unwrap_or(0)
    }

    /// The 24-bit service path identifier.
    pub fn spi(&self) -> u32 {
        be24(self.bytes, at::SPI.start).unwrap_or(0)
    }

    /// The service index.
    pub fn si(&self) -> u8 {
        u8_at(self.bytes, at::SI.start).unwrap_or(0)
    }

    /// The NSH's length as tshark takes it: 24 bytes for MD type 1, the
    /// length field's (at least 8) for MD type 2, at least 4 otherwise.
    pub fn nsh_len(&self) -> usize {
        let declared = usize::from(self.length_words()) * 4;
        match self.md_type() {
            md_type::FIXED => at::MD1_LEN,
            md_type::VARIABLE => declared.max(at::FIXED_LEN),
            _ => declared.max(4),
        }
    }

    /// MD type 1: the four context headers, as many as were captured
    /// (with their offsets).
    pub fn context_headers(&self) -> impl Iterator<Item = (&'a [u8], usize)> + 'a {
        let b = self.bytes;
        let md1 = self.md_type() == md_type::FIXED;
        (0..4)
            .map(|i| at::FIXED_LEN + 4 * i)
            .filter(move |_| md1)
            .map_while(move |o| b.get(o..o + 4).map(|h| (h, o)))
    }

    /// MD type 2: the metadata TLVs.
    pub fn tlvs(&self) -> NshTlvs<'a> {
        let md2 = self.md_type() == md_type::VARIABLE;
        NshTlvs {
            bytes: self.bytes,
            pos: at::FIXED_LEN,
            end: if md2 { self.nsh_len() } else { 0 },
        }
    }

    /// Whether the context headers tshark reads were all captured (it
    /// stops, malformed, and shows no payload otherwise).
    pub fn header_complete(&self) -> bool {
        match self.md_type() {
            md_type::FIXED => self.bytes.len() >= at::MD1_LEN,
            md_type::VARIABLE => {
                let (mut pos, end) = (at::FIXED_LEN, self.nsh_len());
                while pos < end {
                    let Some(len_byte) = u8_at(self.bytes, pos + 3) else {
                        return false;
                    };
                    let len = usize::from(len_byte & 0x7f);
                    if pos + at::TLV_HEADER_LEN + len > self.bytes.len() {
                        return false;
                    }
                    pos += at::TLV_HEADER_LEN + len.next_multiple_of(4);
                }
                true
            }
            _ => true,
        }
    }

    /// The NSH, clamped to what was captured.
    pub fn header_len(&self) -> usize {
        self.nsh_len().min(self.bytes.len())
    }

    /// What follows the NSH (empty when the context headers were cut).
    pub fn payload(&self) -> &'a [u8] {
        if !self.header_complete() {
            return &[];
        }
        tail(self.bytes, self.nsh_len())
    }

    /// What [`Self::payload`] holds, by the next protocol: 1 IPv4 (tshark's
    /// "ip", which goes by the version nibble), 2 IPv6, 3 Ethernet, 4 NSH
    /// and 5 MPLS (as their EtherTypes), anything else data. Nothing when
    /// the payload is empty.
    pub fn next_layer(&self) -> NextLayer {
        if self.payload().is_empty() {
            return NextLayer::Done;
        }
        match self.next_protocol() {
            next_proto::IPV4 => NextLayer::IpByVersion,
            next_proto::IPV6 => NextLayer::Ipv6,
            next_proto::ETHERNET => NextLayer::Ethernet,
            next_proto::NSH => NextLayer::EtherType(ETHERTYPE),
            next_proto::MPLS => NextLayer::EtherType(crate::ethernet::ethertype::MPLS_UNICAST),
            _ => NextLayer::Data,
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let base = u64::from(self.base());
        let uint = Value::UInt;
        match f {
            Field::Version => out.value(uint(base >> 14), at::BASE),
            Field::Obit => out.value(uint((base >> 13) & 1), at::BASE),
            Field::CBit => out.value(uint((base >> 12) & 1), at::BASE),
            Field::Ttl => out.value(uint((base >> 6) & 0x3f), at::BASE),
            Field::Length => out.value(uint(base & 0x3f), at::BASE),
            Field::Mdtype => out.value(uint(self.md_type().into()), at::MD_TYPE),
            Field::Nextproto => out.value(uint(self.next_protocol().into()), at::NEXT_PROTO),
            Field::Spi => out.value(uint(self.spi().into()), at::SPI),
            Field::Si => out.value(uint(self.si().into()), at::SI),
            Field::Contextheader => {
                for (h, o) in self.context_headers() {
                    out.value(Value::Bytes(h), o..o + 4)
                }
            }
            _ => {
                for t in self.tlvs() {
                    tlv_field(&t, f, out);
                }
            }
        }
    }

    /// `Network Service Header`.
    pub fn title(&self, out: &mut String) {
        out.push_str("Network Service Header");
    }
}

/// The occurrence of a TLV field `f` in `t`.
fn tlv_field<'a>(t: &NshTlv<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
    let uint = |v: u64| Value::UInt(v);
    match f {
        Field::Metadataclass => out.value(uint(t.class.into()), t.at(0, 2)),
        Field::Metadatatype => out.value(uint(t.typ.into()), t.at(2, 3)),
        Field::Metadataunassignedbit => out.value(uint(u64::from(t.len_byte >> 7)), t.at(3, 4)),
        Field::Metadatalen => out.value(uint(t.len() as u64), t.at(3, 4)),
        Field::Metadata => {
            if let Some(d) = t.data.filter(|d| !d.is_empty()) {
                out.value(Value::Bytes(d), t.at(4, 4 + d.len()))
            }
        }
        _ => {}
    }
}

/// One MD type 2 context header's plain values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NshTlvRepr {
    pub class: u16,
    pub typ: u8,
    /// At most 127 bytes; padded to 4 bytes when emitted.
    pub data: Vec<u8>,
}

/// The plain values of an NSH, for building packets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NshRepr {
    /// 2 bits.
    pub version: u8,
    pub oam: bool,
    pub critical: bool,
    /// 6 bits.
    pub ttl: u8,
    pub md_type: u8,
    pub next_protocol: u8,
    /// 24 bits.
    pub spi: u32,
    pub si: u8,
    /// The context headers as bytes, a multiple of 4 (16 for MD type 1;
    /// see [`NshRepr::encode_tlvs`] for MD type 2). The length field is
    /// computed from it.
    pub context: Vec<u8>,
}

impl NshRepr {
    /// An MD type 1 header with zero context, TTL 63.
    pub fn md1(spi: u32, si: u8, next_protocol: u8) -> Self {
        NshRepr {
            version: 0,
            oam: false,
            critical: false,
            ttl: 63,
            md_type: md_type::FIXED,
            next_protocol,
            spi,
            si,
            context: vec![0; 16],
        }
    }

    /// MD type 2 context headers as bytes (each padded to 4 bytes).
    pub fn encode_tlvs(tlvs: &[NshTlvRepr]) -> Vec<u8> {
        let mut b = Vec::new();
        for t in tlvs {
            let len = t.data.len().min(0x7f);
            b.extend_from_slice(&t.class.to_be_bytes());
            b.push(t.typ);
            b.push(len as u8);
            b.extend_from_slice(t.data.get(..len).unwrap_or(&[]));
            b.resize(b.len().next_multiple_of(4), 0);
        }
        b
    }

    pub fn parse(v: &NshView) -> Self {
        NshRepr {
            version: v.version(),
            oam: v.oam(),
            critical: v.critical(),
            ttl: v.ttl(),
            md_type: v.md_type(),
            next_protocol: v.next_protocol(),
            spi: v.spi(),
            si: v.si(),
            context: v
                .bytes
                .get(at::FIXED_LEN..v.header_len())
                .unwrap_or(&[])
                .to_vec(),
        }
    }

    /// Append the header. The length field counts the 8 fixed bytes and
    /// the context (padded to 4 bytes, at most 63 words in all).
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let ctx = self.context.len().next_multiple_of(4).min(63 * 4 - 8);
        let words = ((at::FIXED_LEN + ctx) / 4) as u16;
        let base = u16::from(self.version & 3) << 14
            | u16::from(self.oam) << 13
            | u16::from(self.critical) << 12
            | u16::from(self.ttl & 0x3f) << 6
            | words;
        buf.extend_from_slice(&base.to_be_bytes());
        buf.push(self.md_type);
        buf.push(self.next_protocol);
        buf.extend_from_slice(&(self.spi << 8 | u32::from(self.si)).to_be_bytes());
        let start = buf.len();
        buf.extend_from_slice(self.context.get(..ctx).unwrap_or(&self.context));
        buf.resize(start + ctx, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::each_field_text;
    use proptest::prelude::*;

    fn all<'a>(v: &NshView<'a>) -> Vec<String> {
        each_field_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// tcpdump nsh.pcap frame 1, from byte 14: MD type 1, SPI 777, SI 7,
    /// context headers 1..4, then IPv4 + UDP.
    const TCPDUMP: [u8; 58] = [
        0x00, 0x06, 0x01, 0x01, 0x00, 0x03, 0x09, 0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x45, 0x00, 0x00, 0x22, 0x28, 0x44,
        0x40, 0x00, 0x40, 0x11, 0xe9, 0x6a, 0x0a, 0x00, 0x08, 0x03, 0x0a, 0x0d, 0x0d, 0x0d, 0xcc,
        0x05, 0x1f, 0x40, 0x00, 0x0e, 0x00, 0x00, 0x62, 0x65, 0x67, 0x69, 0x6e, 0x0a,
    ];

    /// arkime arkime_synthetic.pcap frame 307, bytes 14..38: TTL 63.
    const ARKIME: [u8; 24] = [
        0x0f, 0xc6, 0x01, 0x01, 0x00, 0x45, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    /// Crafted (checked with tshark 4.0): MD type 2, length 7, two TLVs
    /// (5 bytes of metadata padded to 8; the unassigned bit and 4 bytes).
    const MD2: [u8; 28] = [
        0x0f, 0xc7, 0x02, 0x01, 0x00, 0x00, 0x4d, 0x03, 0x01, 0x01, 0x82, 0x05, 0xaa, 0xbb, 0xcc,
        0xdd, 0xee, 0x00, 0x00, 0x00, 0x02, 0x02, 0x03, 0x84, 0xa1, 0xa2, 0xa3, 0xa4,
    ];

    #[test]
    fn md1_as_tshark_shows_it() {
        let v = NshView::new(&TCPDUMP).unwrap();
        assert_eq!(
            all(&v),
            [
                "nsh.version=0",
                "nsh.Obit=0",
                "nsh.CBit=0",
                "nsh.ttl=0x0000",
                "nsh.length=6",
                "nsh.mdtype=1",
                "nsh.nextproto=1",
                "nsh.spi=777",
                "nsh.si=7",
                "nsh.contextheader=00000001",
                "nsh.contextheader=00000002",
                "nsh.contextheader=00000003",
                "nsh.contextheader=00000004",
            ]
        );
        assert_eq!(v.header_len(), 24);
        assert_eq!(v.payload(), &TCPDUMP[24..]);
        assert_eq!(v.next_layer(), NextLayer::IpByVersion);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Network Service Header");
        let v = NshView::new(&ARKIME).unwrap();
        assert_eq!((v.ttl(), v.spi(), v.si()), (63, 17664, 28));
        assert!(all(&v).contains(&"nsh.ttl=0x003f".to_string()));
        // The whole header but no payload.
        assert_eq!(v.next_layer(), NextLayer::Done);
    }

    #[test]
    fn md2_tlvs() {
        let mut f = MD2.to_vec();
        f.extend_from_slice(&[0x45, 0x00]);
        let v = NshView::new(&f).unwrap();
        let got = all(&v);
        assert_eq!(
            got[9..],
            [
                "nsh.metadataclass=257",
                "nsh.metadataclass=514",
                "nsh.metadatatype=130",
                "nsh.metadatatype=3",
                "nsh.metadataunassignedbit=0x00",
                "nsh.metadataunassignedbit=0x01",
                "nsh.metadatalen=0x05",
                "nsh.metadatalen=0x04",
                "nsh.metadata=aabbccddee",
                "nsh.metadata=a1a2a3a4",
            ]
        );
        assert_eq!(v.header_len(), 28);
        assert_eq!(v.payload(), &[0x45, 0x00]);
        // A TLV cut by the capture: no payload.
        let v = NshView::new(&MD2[..26]).unwrap();
        assert!(!v.header_complete());
        assert_eq!(v.next_layer(), NextLayer::Done);
        assert_eq!(v.tlvs().count(), 2);
    }

    #[test]
    fn lengths_as_tshark_takes_them() {
        // MD type 1 with length 3 still takes 24 bytes.
        let mut b = TCPDUMP;
        b[1] = 0x03;
        assert_eq!(NshView::new(&b).unwrap().header_len(), 24);
        // MD type 2 with length 1 takes 8.
        let b = [0x00, 0x01, 0x02, 0x02, 0, 0, 1, 2, 0x60];
        let v = NshView::new(&b).unwrap();
        assert_eq!((v.header_len(), v.next_layer()), (8, NextLayer::Ipv6));
        // Unknown MD type with length 1: the payload starts at byte 4.
        let b = [0x00, 0x01, 0x03, 0x01, 0, 0, 7, 8, 0x45];
        let v = NshView::new(&b).unwrap();
        assert_eq!(v.payload(), &[0, 0, 7, 8, 0x45]);
        // MD type 1 cut inside the context headers.
        let v = NshView::new(&TCPDUMP[..18]).unwrap();
        assert_eq!(v.context_headers().count(), 2);
        assert_eq!(v.next_layer(), NextLayer::Done);
        assert!(NshView::new(&TCPDUMP[..7]).is_err());
    }

    #[test]
    fn next_protocols() {
        let mut b = TCPDUMP;
        for (p, want) in [
            (2, NextLayer::Ipv6),
            (3, NextLayer::Ethernet),
            (4, NextLayer::EtherType(0x894f)),
            (5, NextLayer::EtherType(0x8847)),
            (9, NextLayer::Data),
        ] {
            b[3] = p;
            assert_eq!(NshView::new(&b).unwrap().next_layer(), want);
        }
    }

    #[test]
    fn builder() {
        let mut r = NshRepr::md1(777, 7, next_proto::IPV4);
        r.ttl = 0;
        r.context = vec![0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4];
        let mut b = Vec::new();
        r.emit(&mut b);
        assert_eq!(b, TCPDUMP[..24]);
        let r = NshRepr {
            version: 0,
            oam: false,
            critical: false,
            ttl: 63,
            md_type: md_type::VARIABLE,
            next_protocol: 1,
            spi: 77,
            si: 3,
            context: NshRepr::encode_tlvs(&[
                NshTlvRepr {
                    class: 0x0101,
                    typ: 0x82,
                    data: vec![0xaa, 0xbb, 0xcc, 0xdd, 0xee],
                },
                NshTlvRepr {
                    class: 0x0202,
                    typ: 3,
                    data: vec![0xa1, 0xa2, 0xa3, 0xa4],
                },
            ]),
        };
        let mut b = Vec::new();
        r.emit(&mut b);
        // As MD2 but without the unassigned bit.
        let mut want = MD2;
        want[23] = 0x04;
        assert_eq!(b, want);
    }

    proptest! {
        #[test]
        fn build_then_parse(version in 0u8..4, oam: bool, critical: bool, ttl in 0u8..64,
                            md in 0u8..4, next_protocol: u8, spi in 0u32..0x100_0000, si: u8,
                            words in 0usize..20,
                            tlvs in proptest::collection::vec((any::<u16>(), any::<u8>(),
                                proptest::collection::vec(any::<u8>(), 0..12)), 0..4),
                            payload in proptest::collection::vec(any::<u8>(), 0..16)) {
            let context = match md {
                md_type::FIXED => vec![0x5a; 16],
                md_type::VARIABLE => NshRepr::encode_tlvs(&tlvs.into_iter()
                    .map(|(class, typ, data)| NshTlvRepr { class, typ, data }).collect::<Vec<_>>()),
                _ => vec![0xa5; words * 4],
            };
            let r = NshRepr { version, oam, critical, ttl, md_type: md, next_protocol, spi, si, context };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let hl = buf.len();
            buf.extend_from_slice(&payload);
            let v = NshView::new(&buf).unwrap();
            prop_assert_eq!(NshRepr::parse(&v), r);
            prop_assert!(v.header_complete());
            prop_assert_eq!(v.payload(), &buf[hl..]);
        }

        #[test]
        fn hostile_bytes_do_not_panic(b in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(v) = NshView::new(&b) {
                let _ = (v.payload(), v.next_layer(), v.header_len(), v.header_complete());
                let _ = v.tlvs().count();
                let _ = all(&v);
                let mut t = String::new();
                v.title(&mut t);
            }
        }
    }
}
