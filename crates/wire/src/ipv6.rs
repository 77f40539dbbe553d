//! Internet Protocol version 6 (RFC 8200): the fixed 40-byte header.
//! Extension headers are separate layers ([`crate::ipv6_ext`]).
//!
//! Besides the header fields, tshark derives IPv4 addresses and MAC
//! addresses embedded in some IPv6 addresses (6to4, Teredo, ISATAP, SLAAC
//! EUI-64 interface identifiers, the RFC 6052 well-known prefix); the view
//! emits those fields too, under tshark 4.0's names and rules.

use crate::bytes::{array, be16, be32, clamp, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::ops::Range;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const VER: Range<usize> = 0..1;
    /// Version, traffic class and flow label share the first 32 bits.
    pub const VTF: Range<usize> = 0..4;
    pub const TCLASS: Range<usize> = 0..2;
    pub const FLOW: Range<usize> = 1..4;
    pub const PLEN: Range<usize> = 4..6;
    pub const NXT: Range<usize> = 6..7;
    pub const HLIM: Range<usize> = 7..8;
    pub const SRC: Range<usize> = 8..24;
    pub const DST: Range<usize> = 24..40;
    pub const HEADER_LEN: usize = 40;
}

field_table! {
    Version: "ipv6.version", "Version", Kind::Dec;
    // tshark's IPv6 dissector also adds the IPv4 dissector's (hidden) version
    // field, so `ip.version` is 6 on IPv6 packets: a name shared with `ip`.
    IpVersion: "ip.version", "Version", Kind::Dec;
    Tclass: "ipv6.tclass", "Traffic Class", Kind::Hex(8);
    TclassDscp: "ipv6.tclass.dscp", "Differentiated Services Codepoint", Kind::Dec;
    TclassEcn: "ipv6.tclass.ecn", "Explicit Congestion Notification", Kind::Dec;
    Flow: "ipv6.flow", "Flow Label", Kind::Hex(6);
    Plen: "ipv6.plen", "Payload Length", Kind::Dec;
    Nxt: "ipv6.nxt", "Next Header", Kind::Dec;
    Hlim: "ipv6.hlim", "Hop Limit", Kind::Dec;
    Src: "ipv6.src", "Source Address", Kind::Ipv6;
    Dst: "ipv6.dst", "Destination Address", Kind::Ipv6;
    Addr: "ipv6.addr", "Source or Destination Address", Kind::Ipv6;
    SrcHost: "ipv6.src_host", "Source Host", Kind::Str;
    DstHost: "ipv6.dst_host", "Destination Host", Kind::Str;
    Host: "ipv6.host", "Source or Destination Host", Kind::Str;
    SrcSlaacMac: "ipv6.src_slaac_mac", "Source SLAAC MAC", Kind::Ether;
    DstSlaacMac: "ipv6.dst_slaac_mac", "Destination SLAAC MAC", Kind::Ether;
    SlaacMac: "ipv6.slaac_mac", "SLAAC MAC", Kind::Ether;
    SrcIsatapIpv4: "ipv6.src_isatap_ipv4", "Source ISATAP IPv4", Kind::Ipv4;
    DstIsatapIpv4: "ipv6.dst_isatap_ipv4", "Destination ISATAP IPv4", Kind::Ipv4;
    IsatapIpv4: "ipv6.isatap_ipv4", "ISATAP IPv4", Kind::Ipv4;
    Src6to4GwIpv4: "ipv6.src_6to4_gw_ipv4", "Source 6to4 Gateway IPv4", Kind::Ipv4;
    Dst6to4GwIpv4: "ipv6.dst_6to4_gw_ipv4", "Destination 6to4 Gateway IPv4", Kind::Ipv4;
    Gw6to4Ipv4: "ipv6.6to4_gw_ipv4", "6to4 Gateway IPv4", Kind::Ipv4;
    Src6to4SlaId: "ipv6.src_6to4_sla_id", "Source 6to4 SLA ID", Kind::Dec;
    Dst6to4SlaId: "ipv6.dst_6to4_sla_id", "Destination 6to4 SLA ID", Kind::Dec;
    SlaId6to4: "ipv6.6to4_sla_id", "6to4 SLA ID", Kind::Dec;
    SrcTsIpv4: "ipv6.src_ts_ipv4", "Source Teredo Server IPv4", Kind::Ipv4;
    DstTsIpv4: "ipv6.dst_ts_ipv4", "Destination Teredo Server IPv4", Kind::Ipv4;
    TsIpv4: "ipv6.ts_ipv4", "Teredo Server IPv4", Kind::Ipv4;
    SrcTcPort: "ipv6.src_tc_port", "Source Teredo Port", Kind::Dec;
    DstTcPort: "ipv6.dst_tc_port", "Destination Teredo Port", Kind::Dec;
    TcPort: "ipv6.tc_port", "Teredo Port", Kind::Dec;
    SrcTcIpv4: "ipv6.src_tc_ipv4", "Source Teredo Client IPv4", Kind::Ipv4;
    DstTcIpv4: "ipv6.dst_tc_ipv4", "Destination Teredo Client IPv4", Kind::Ipv4;
    TcIpv4: "ipv6.tc_ipv4", "Teredo Client IPv4", Kind::Ipv4;
    SrcEmbedIpv4: "ipv6.src_embed_ipv4", "Source Embedded IPv4", Kind::Ipv4;
    DstEmbedIpv4: "ipv6.dst_embed_ipv4", "Destination Embedded IPv4", Kind::Ipv4;
    EmbedIpv4: "ipv6.embed_ipv4", "Embedded IPv4", Kind::Ipv4;
    EmbedIpv4Prefix: "ipv6.embed_ipv4_prefix", "Embedded IPv4 Prefix", Kind::Bytes;
}

/// An IPv4 or MAC address that tshark finds inside an IPv6 address.
/// Offsets are relative to the start of the 16-byte address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Embedded {
    /// 2002::/16 (RFC 3056): gateway IPv4 at 2..6, SLA ID at 6..8.
    SixToFour { gateway: [u8; 4], sla_id: u16 },
    /// 2001::/32 (RFC 4380): server at 4..8; port (10..12) and client
    /// (12..16) are stored inverted and given here as they are meant.
    Teredo {
        server: [u8; 4],
        port: u16,
        client: [u8; 4],
    },
    /// Interface identifier `::0:5efe:a.b.c.d` (RFC 5214): IPv4 at 12..16.
    Isatap([u8; 4]),
    /// A modified EUI-64 interface identifier (`xx:xx:xxff:fexx:xxxx` with
    /// the universal/local bit set): the MAC it was made from, 8..16.
    SlaacMac([u8; 6]),
    /// 64:ff9b::/96 (RFC 6052): IPv4 at 12..16.
    Rfc6052([u8; 4]),
}

/// Everything tshark 4.0 derives from one address, in the order it shows it.
pub fn embedded(a: &[u8; 16]) -> impl Iterator<Item = Embedded> {
    let mut found: [Option<Embedded>; 4] = [None; 4];
    let v4 = |o: usize| array::<4>(a, o).unwrap_or_default();
    if a[0] == 0x20 && a[1] == 0x02 {
        found[0] = Some(Embedded::SixToFour {
            gateway: v4(2),
            sla_id: be16(a, 6).unwrap_or(0),
        });
    } else if a[..4] == [0x20, 0x01, 0x00, 0x00] {
        let c = v4(12);
        found[0] = Some(Embedded::Teredo {
            server: v4(4),
            port: !be16(a, 10).unwrap_or(0),
            client: [!c[0], !c[1], !c[2], !c[3]],
        });
    }
    if a[8] & 0x02 != 0 && a[11] == 0xff && a[12] == 0xfe {
        found[1] = Some(Embedded::SlaacMac([
            a[8] ^ 0x02,
            a[9],
            a[10],
            a[13],
            a[14],
            a[15],
        ]));
    }
    if a[8] & 0xfc == 0 && a[9..12] == [0x00, 0x5e, 0xfe] {
        found[2] = Some(Embedded::Isatap(v4(12)));
    }
    if a[..12] == RFC6052_PREFIX {
        found[3] = Some(Embedded::Rfc6052(v4(12)));
    }
    found.into_iter().flatten()
}

/// The well-known prefix of RFC 6052, 64:ff9b::/96.
const RFC6052_PREFIX: [u8; 12] = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

/// A view over an IPv6 packet (fixed header and whatever follows it).
#[derive(Clone, Copy, Debug)]
pub struct Ipv6View<'a> {
    bytes: &'a [u8],
}

impl<'a> Ipv6View<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold the 40-byte header with version 6.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        let v = Ipv6View { bytes };
        if v.version() != 6 {
            return Err(Error::Malformed("IPv6 version is not 6"));
        }
        Ok(v)
    }

    fn vtf(&self) -> u32 {
        be32(self.bytes, at::VTF.start).unwrap_or(0)
    }

    pub fn version(&self) -> u8 {
        (self.vtf() >> 28) as u8
    }

    pub fn traffic_class(&self) -> u8 {
        (self.vtf() >> 20) as u8
    }

    pub fn dscp(&self) -> u8 {
        self.traffic_class() >> 2
    }

    pub fn ecn(&self) -> u8 {
        self.traffic_class() & 0x03
    }

    /// The 20-bit flow label.
    pub fn flow_label(&self) -> u32 {
        self.vtf() & 0x000f_ffff
    }

    /// The payload length field (bytes after the 40-byte header, extension
    /// headers included).
    pub fn payload_len(&self) -> u16 {
        be16(self.bytes, at::PLEN.start).unwrap_or(0)
    }

    /// The first header after this one (an extension header or the upper
    /// layer protocol, see [`crate::ipv4::protocol`]).
    pub fn next_header(&self) -> u8 {
        u8_at(self.bytes, at::NXT.start).unwrap_or(0)
    }

    pub fn hop_limit(&self) -> u8 {
        u8_at(self.bytes, at::HLIM.start).unwrap_or(0)
    }

    pub fn src(&self) -> [u8; 16] {
        array(self.bytes, at::SRC.start).unwrap_or_default()
    }

    pub fn dst(&self) -> [u8; 16] {
        array(self.bytes, at::DST.start).unwrap_or_default()
    }

    pub fn header_len(&self) -> usize {
        at::HEADER_LEN
    }

    /// The Jumbo Payload length (RFC 2675) when the payload length field is
    /// 0 and a hop-by-hop header follows carrying that option.
    pub fn jumbo_len(&self) -> Option<u32> {
        if self.payload_len() != 0 || self.next_header() != crate::ipv4::protocol::HOPOPTS {
            return None;
        }
        let hbh = self.bytes.get(at::HEADER_LEN..)?;
        let end = (usize::from(u8_at(hbh, 1)?) + 1) * 8;
        let mut off = 2;
        while off < end {
            let t = u8_at(hbh, off)?;
            if t == 0 {
                off += 1;
                continue;
            }
            let l = usize::from(u8_at(hbh, off + 1)?);
            if t == 0xc2 && l == 4 {
                return be32(hbh, off + 2);
            }
            off += 2 + l;
        }
        None
    }

    /// What the upper layers had on the wire after the fixed header: the
    /// payload length field, or the Jumbo Payload length when that is 0
    /// (with neither, 0: tshark 4.0 does not assume TSO for IPv6).
    pub fn wire_payload_len(&self) -> usize {
        match self.jumbo_len() {
            Some(j) => j as usize,
            None => usize::from(self.payload_len()),
        }
    }

    /// The bytes after the fixed header, clamped to [`Self::wire_payload_len`]
    /// (what follows is link-layer padding) and to what was captured.
    pub fn payload(&self) -> &'a [u8] {
        clamp(self.bytes, at::HEADER_LEN, self.wire_payload_len())
    }

    /// Bytes captured after the datagram's end (Ethernet padding).
    pub fn trailer_len(&self) -> usize {
        self.bytes
            .len()
            .saturating_sub(at::HEADER_LEN.saturating_add(self.wire_payload_len()))
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        use Field::*;
        let (src, dst) = (self.src(), self.dst());
        match f {
            Version | IpVersion => out.value(Value::UInt(self.version().into()), at::VER),
            Tclass => out.value(Value::UInt(self.traffic_class().into()), at::TCLASS),
            TclassDscp => out.value(Value::UInt(self.dscp().into()), at::TCLASS),
            TclassEcn => out.value(Value::UInt(self.ecn().into()), at::TCLASS),
            Flow => out.value(Value::UInt(self.flow_label().into()), at::FLOW),
            Plen => out.value(Value::UInt(self.payload_len().into()), at::PLEN),
            Nxt => out.value(Value::UInt(self.next_header().into()), at::NXT),
            Hlim => out.value(Value::UInt(self.hop_limit().into()), at::HLIM),
            Src | SrcHost => out.value(Value::Ipv6(src), at::SRC),
            Dst | DstHost => out.value(Value::Ipv6(dst), at::DST),
            Addr | Host => {
                out.value(Value::Ipv6(src), at::SRC);
                out.value(Value::Ipv6(dst), at::DST);
            }
            _ => {
                for (a, base, is_src) in [(&src, at::SRC.start, true), (&dst, at::DST.start, false)]
                {
                    for e in embedded(a) {
                        embedded_field(f, e, base, is_src, out);
                    }
                }
            }
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("Internet Protocol Version 6, Src: ");
        crate::field::write_ipv6(out, &self.src());
        out.push_str(", Dst: ");
        crate::field::write_ipv6(out, &self.dst());
    }
}

/// Emit `f` if it is one of the fields embedded address `e` gives.
fn embedded_field<'a>(
    f: Field,
    e: Embedded,
    base: usize,
    is_src: bool,
    out: &mut dyn FieldSink<'a>,
) {
    use Field::*;
    // The field for this direction, and the direction-free twin.
    let pick = |s: Field, d: Field, both: Field| f == both || f == if is_src { s } else { d };
    let r = |o: Range<usize>| base + o.start..base + o.end;
    match e {
        Embedded::SixToFour { gateway, sla_id } => {
            if pick(Src6to4GwIpv4, Dst6to4GwIpv4, Gw6to4Ipv4) {
                out.value(Value::Ipv4(gateway), r(2..6));
            }
            if pick(Src6to4SlaId, Dst6to4SlaId, SlaId6to4) {
                out.value(Value::UInt(sla_id.into()), r(6..8));
            }
        }
        Embedded::Teredo {
            server,
            port,
            client,
        } => {
            if pick(SrcTsIpv4, DstTsIpv4, TsIpv4) {
                out.value(Value::Ipv4(server), r(4..8));
            }
            if pick(SrcTcPort, DstTcPort, TcPort) {
                out.value(Value::UInt(port.into()), r(10..12));
            }
            if pick(SrcTcIpv4, DstTcIpv4, TcIpv4) {
                out.value(Value::Ipv4(client), r(12..16));
            }
        }
        Embedded::SlaacMac(m) => {
            if pick(SrcSlaacMac, DstSlaacMac, SlaacMac) {
                out.value(Value::Ether(m), r(8..16));
            }
        }
        Embedded::Isatap(a) => {
            if pick(SrcIsatapIpv4, DstIsatapIpv4, IsatapIpv4) {
                out.value(Value::Ipv4(a), r(12..16));
            }
        }
        Embedded::Rfc6052(a) => {
            if pick(SrcEmbedIpv4, DstEmbedIpv4, EmbedIpv4) {
                out.value(Value::Ipv4(a), r(12..16));
            }
            if f == EmbedIpv4Prefix {
                out.value(Value::Bytes(&RFC6052_PREFIX), r(0..12));
            }
        }
    }
}

/// The plain values of an IPv6 header, for building packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Ipv6Repr {
    pub traffic_class: u8,
    /// 20 bits; higher bits are dropped by `emit`.
    pub flow_label: u32,
    /// Bytes after the fixed header (extension headers included).
    pub payload_len: u16,
    pub next_header: u8,
    pub hop_limit: u8,
    pub src: [u8; 16],
    pub dst: [u8; 16],
}

impl Ipv6Repr {
    pub fn parse(v: &Ipv6View) -> Self {
        Ipv6Repr {
            traffic_class: v.traffic_class(),
            flow_label: v.flow_label(),
            payload_len: v.payload_len(),
            next_header: v.next_header(),
            hop_limit: v.hop_limit(),
            src: v.src(),
            dst: v.dst(),
        }
    }

    /// Append the 40-byte header to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let vtf =
            (6u32 << 28) | (u32::from(self.traffic_class) << 20) | (self.flow_label & 0xf_ffff);
        buf.extend_from_slice(&vtf.to_be_bytes());
        buf.extend_from_slice(&self.payload_len.to_be_bytes());
        buf.push(self.next_header);
        buf.push(self.hop_limit);
        buf.extend_from_slice(&self.src);
        buf.extend_from_slice(&self.dst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, values};
    use proptest::prelude::*;

    fn text(v: &Ipv6View, f: Field) -> String {
        values(FIELDS[f as usize].kind, |out| v.field(f, out)).join(",")
    }

    /// Hop-by-hop (PadN), routing type 0 with two addresses, then UDP/53
    /// with three bytes of payload (zeek ipv6-hbh-routing0.pcap, frame 1,
    /// after the Ethernet header).
    const HBH_ROUTING: [u8; 99] = [
        0x60, 0x00, 0x00, 0x00, 0x00, 0x3b, 0x00, 0x40, 0x20, 0x01, 0x04, 0xf8, 0x00, 0x04, 0x00,
        0x07, 0x02, 0xe0, 0x81, 0xff, 0xfe, 0x52, 0xff, 0xff, 0x20, 0x01, 0x04, 0xf8, 0x00, 0x04,
        0x00, 0x07, 0x02, 0xe0, 0x81, 0xff, 0xfe, 0x52, 0x9a, 0x6b, 0x2b, 0x00, 0x01, 0x04, 0x00,
        0x00, 0x00, 0x00, 0x11, 0x04, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x00, 0x78,
        0x00, 0x01, 0x00, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x00,
        0x78, 0x00, 0x01, 0x00, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x35,
        0x00, 0x35, 0x00, 0x0b, 0x86, 0x31, 0x58, 0x58, 0x58,
    ];

    /// Traffic class 0x78, flow label 0x9abcd, a segment routing header cut
    /// by the snap length (tcpdump ipv6-srh-tlv-pad1-padn-5-trunc.pcap).
    const SRH_TRUNC: [u8; 71] = [
        0x67, 0x89, 0xab, 0xcd, 0x00, 0x20, 0x2b, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xca, 0xfe, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x3b, 0x03, 0x04, 0x00, 0x00,
        0x00, 0x00, 0x00, 0xca, 0xfe, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x02, 0x00, 0x04, 0x05, 0x00, 0x00, 0x00, 0x00,
    ];

    #[test]
    fn reads_a_real_header() {
        let v = Ipv6View::new(&HBH_ROUTING).unwrap();
        assert_eq!(v.version(), 6);
        assert_eq!(v.traffic_class(), 0);
        assert_eq!(v.flow_label(), 0);
        assert_eq!(v.payload_len(), 59);
        assert_eq!(v.next_header(), crate::ipv4::protocol::HOPOPTS);
        assert_eq!(v.hop_limit(), 64);
        assert_eq!(v.header_len(), 40);
        assert_eq!(v.payload(), &HBH_ROUTING[40..]);
        assert_eq!(v.wire_payload_len(), 59);
        assert_eq!(v.jumbo_len(), None);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "Internet Protocol Version 6, Src: 2001:4f8:4:7:2e0:81ff:fe52:ffff, Dst: 2001:4f8:4:7:2e0:81ff:fe52:9a6b"
        );
        // As tshark 4.0 prints them.
        assert_eq!(text(&v, Field::IpVersion), "6");
        assert_eq!(text(&v, Field::Tclass), "0x00000000");
        assert_eq!(text(&v, Field::Flow), "0x000000");
        assert_eq!(
            text(&v, Field::Addr),
            "2001:4f8:4:7:2e0:81ff:fe52:ffff,2001:4f8:4:7:2e0:81ff:fe52:9a6b"
        );
        assert_eq!(text(&v, Field::SrcSlaacMac), "00:e0:81:52:ff:ff");
        assert_eq!(text(&v, Field::DstSlaacMac), "00:e0:81:52:9a:6b");
        assert_eq!(
            text(&v, Field::SlaacMac),
            "00:e0:81:52:ff:ff,00:e0:81:52:9a:6b"
        );
        assert_eq!(text(&v, Field::Src6to4GwIpv4), "");
    }

    #[test]
    fn traffic_class_and_flow_label() {
        let v = Ipv6View::new(&SRH_TRUNC).unwrap();
        assert_eq!(text(&v, Field::Tclass), "0x00000078");
        assert_eq!(text(&v, Field::TclassDscp), "30");
        assert_eq!(text(&v, Field::TclassEcn), "0");
        assert_eq!(text(&v, Field::Flow), "0x09abcd");
        assert_eq!(text(&v, Field::Plen), "32");
        assert_eq!(text(&v, Field::Nxt), "43");
        assert_eq!(text(&v, Field::Dst), "cafe:1::2");
        // 32 bytes announced, 31 captured.
        assert_eq!(v.payload().len(), 31);
        assert_eq!(v.wire_payload_len(), 32);
    }

    fn addr(s: &str) -> [u8; 16] {
        s.parse::<std::net::Ipv6Addr>().unwrap().octets()
    }

    #[test]
    fn embedded_addresses_as_tshark_finds_them() {
        // Each case checked against tshark 4.0.17.
        let mut hdr = Ipv6Repr {
            src: addr("2002:c000:201:1234::1"),
            dst: addr("2001:0:4136:e378:8000:63bf:3fff:fdd2"),
            next_header: 59,
            ..Default::default()
        };
        let mut b = Vec::new();
        hdr.emit(&mut b);
        let v = Ipv6View::new(&b).unwrap();
        assert_eq!(text(&v, Field::Src6to4GwIpv4), "192.0.2.1");
        assert_eq!(text(&v, Field::Src6to4SlaId), "4660");
        assert_eq!(text(&v, Field::Gw6to4Ipv4), "192.0.2.1");
        assert_eq!(text(&v, Field::DstTsIpv4), "65.54.227.120");
        assert_eq!(text(&v, Field::DstTcPort), "40000");
        assert_eq!(text(&v, Field::DstTcIpv4), "192.0.2.45");
        assert_eq!(text(&v, Field::TcIpv4), "192.0.2.45");
        assert_eq!(text(&v, Field::SrcTsIpv4), "");

        hdr.src = addr("fe80::200:5efe:c000:201");
        hdr.dst = addr("64:ff9b::c000:201");
        b.clear();
        hdr.emit(&mut b);
        let v = Ipv6View::new(&b).unwrap();
        assert_eq!(text(&v, Field::SrcIsatapIpv4), "192.0.2.1");
        assert_eq!(text(&v, Field::SrcSlaacMac), "");
        assert_eq!(text(&v, Field::DstEmbedIpv4), "192.0.2.1");
        assert_eq!(text(&v, Field::EmbedIpv4Prefix), "0064ff9b0000000000000000");

        // SLAAC needs the universal/local bit; ISATAP needs 0:5efe exactly.
        for (a, mac) in [
            ("2001:db8::200:ff:fe00:1", "00:00:00:00:00:01"),
            ("2001:db8::ff:fe00:1", ""),
            ("fe80::2e0:5efe:c000:201", ""),
            ("64:ff9b::2e0:81ff:fe52:9a6b", "00:e0:81:52:9a:6b"),
        ] {
            hdr.src = addr(a);
            b.clear();
            hdr.emit(&mut b);
            let v = Ipv6View::new(&b).unwrap();
            assert_eq!(text(&v, Field::SrcSlaacMac), mac, "{a}");
            assert_eq!(text(&v, Field::SrcIsatapIpv4), "", "{a}");
            assert_eq!(text(&v, Field::SrcEmbedIpv4), "", "{a}");
        }
    }

    #[test]
    fn payload_length_rules() {
        let mut b = HBH_ROUTING.to_vec();
        // Zero length and no jumbo option: tshark takes it at its word.
        b[4] = 0;
        b[5] = 0;
        let v = Ipv6View::new(&b).unwrap();
        assert!(v.payload().is_empty());
        assert_eq!(v.wire_payload_len(), 0);
        // Zero length with a Jumbo Payload option in the hop-by-hop header.
        b[42..48].copy_from_slice(&[0xc2, 0x04, 0x00, 0x01, 0x11, 0x70]);
        let v = Ipv6View::new(&b).unwrap();
        assert_eq!(v.jumbo_len(), Some(70000));
        assert_eq!(v.wire_payload_len(), 70000);
        assert_eq!(v.payload(), &b[40..]);
        // A length past the capture clamps.
        b[4] = 0x10;
        let v = Ipv6View::new(&b).unwrap();
        assert_eq!(v.jumbo_len(), None);
        assert_eq!(v.payload(), &b[40..]);
        // Extra bytes after the payload are a trailer.
        b[4] = 0;
        b[5] = 10;
        let v = Ipv6View::new(&b).unwrap();
        assert_eq!(v.payload(), &b[40..50]);
        assert_eq!(v.trailer_len(), 49);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(
            Ipv6View::new(&HBH_ROUTING[..39]).unwrap_err(),
            Error::Truncated {
                needed: 40,
                got: 39
            }
        );
        let mut b = HBH_ROUTING;
        b[0] = 0x45;
        assert!(matches!(Ipv6View::new(&b), Err(Error::Malformed(_))));
    }

    proptest! {
        #[test]
        fn build_then_parse(
            traffic_class: u8, flow_label in 0u32..0x10_0000, payload_len: u16,
            next_header: u8, hop_limit: u8, src: [u8; 16], dst: [u8; 16],
            extra in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let r = Ipv6Repr { traffic_class, flow_label, payload_len, next_header, hop_limit, src, dst };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&extra);
            let v = Ipv6View::new(&buf).unwrap();
            prop_assert_eq!(Ipv6Repr::parse(&v), r);
            if payload_len != 0 || next_header != 0 {
                prop_assert_eq!(v.payload().len(), extra.len().min(payload_len.into()));
            }
            // etherparse, an independent parser, reads the same header.
            let (e, _) = etherparse::Ipv6Header::from_slice(&buf).unwrap();
            prop_assert_eq!(e.traffic_class, traffic_class);
            prop_assert_eq!(e.flow_label.value(), flow_label);
            prop_assert_eq!(e.payload_length, payload_len);
            prop_assert_eq!(e.next_header.0, next_header);
            prop_assert_eq!(e.hop_limit, hop_limit);
            prop_assert_eq!(e.source, src);
            prop_assert_eq!(e.destination, dst);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
            if let Ok(v) = Ipv6View::new(&bytes) {
                assert_ranges_within(FIELDS, bytes.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                let mut t = String::new();
                v.title(&mut t);
                let _ = (v.payload(), v.jumbo_len(), v.trailer_len());
            }
        }
    }
}
