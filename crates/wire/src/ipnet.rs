//! Solaris ipnet (link type 226): the `dl_ipnetinfo` header that Solaris
//! puts in front of packets captured on IP-layer observability devices.
//!
//! Twenty-four big-endian bytes: version, address family (Solaris numbers:
//! 2 is IPv4, 26 is IPv6), hook type (inbound, outbound, local), the
//! packet's length, the interface and group interface indexes, and the
//! source and destination zone ids. An IP packet follows.

use crate::bytes::{be16, be32, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const VERSION: Range<usize> = 0..1;
    pub const FAMILY: Range<usize> = 1..2;
    pub const HTYPE: Range<usize> = 2..4;
    pub const PKTLEN: Range<usize> = 4..8;
    pub const IFINDEX: Range<usize> = 8..12;
    pub const GRIFINDEX: Range<usize> = 12..16;
    pub const ZSRC: Range<usize> = 16..20;
    pub const ZDST: Range<usize> = 20..24;
    pub const HEADER_LEN: usize = 24;
}

/// pcap's link-layer header type for ipnet.
pub const LINKTYPE_IPNET: u32 = 226;

/// Solaris address families.
pub mod family {
    pub const INET: u8 = 2;
    pub const INET6: u8 = 26;
}

field_table! {
    Version: "ipnet.version", "Header version", Kind::Dec;
    Family: "ipnet.family", "Address family", Kind::Dec;
    Htype: "ipnet.htype", "Hook type", Kind::Dec;
    Pktlen: "ipnet.pktlen", "Data length", Kind::Dec;
    Ifindex: "ipnet.ifindex", "Interface index", Kind::Dec;
    Grifindex: "ipnet.grifindex", "Group interface index", Kind::Dec;
    Zsrc: "ipnet.zsrc", "Source Zone ID", Kind::Dec;
    Zdst: "ipnet.zdst", "Destination Zone ID", Kind::Dec;
}

/// A view over an ipnet header and the packet it carries.
#[derive(Clone, Copy, Debug)]
pub struct IpnetView<'a> {
    bytes: &'a [u8],
}

impl<'a> IpnetView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold the 24-byte header.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(IpnetView { bytes })
    }

    pub fn version(&self) -> u8 {
        u8_at(self.bytes, at::VERSION.start).unwrap_or(0)
    }

    /// Solaris address family (see [`family`]).
    pub fn family(&self) -> u8 {
        u8_at(self.bytes, at::FAMILY.start).unwrap_or(0)
    }

    /// Hook type: 0 inbound, 1 outbound, 2 local.
    pub fn htype(&self) -> u16 {
        be16(self.bytes, at::HTYPE.start).unwrap_or(0)
    }

    pub fn pktlen(&self) -> u32 {
        be32(self.bytes, at::PKTLEN.start).unwrap_or(0)
    }

    pub fn ifindex(&self) -> u32 {
        be32(self.bytes, at::IFINDEX.start).unwrap_or(0)
    }

    pub fn grifindex(&self) -> u32 {
        be32(self.bytes, at::GRIFINDEX.start).unwrap_or(0)
    }

    pub fn zsrc(&self) -> u32 {
        be32(self.bytes, at::ZSRC.start).unwrap_or(0)
    }

    pub fn zdst(&self) -> u32 {
        be32(self.bytes, at::ZDST.start).unwrap_or(0)
    }

    pub fn header_len(&self) -> usize {
        at::HEADER_LEN
    }

    /// Everything after the header (tshark does not clamp it to `pktlen`).
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, at::HEADER_LEN)
    }

    /// IPv4 for family 2, IPv6 for family 26, else data.
    pub fn next_layer(&self) -> NextLayer {
        match self.family() {
            family::INET => NextLayer::Ipv4,
            family::INET6 => NextLayer::Ipv6,
            _ => NextLayer::Data,
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let (v, r) = match f {
            Field::Version => (u64::from(self.version()), at::VERSION),
            Field::Family => (u64::from(self.family()), at::FAMILY),
            Field::Htype => (u64::from(self.htype()), at::HTYPE),
            Field::Pktlen => (u64::from(self.pktlen()), at::PKTLEN),
            Field::Ifindex => (u64::from(self.ifindex()), at::IFINDEX),
            Field::Grifindex => (u64::from(self.grifindex()), at::GRIFINDEX),
            Field::Zsrc => (u64::from(self.zsrc()), at::ZSRC),
            Field::Zdst => (u64::from(self.zdst()), at::ZDST),
        };
        out.value(Value::UInt(v), r);
    }

    /// `Solaris IPNET`.
    pub fn title(&self, out: &mut String) {
        out.push_str("Solaris IPNET");
    }
}

/// The plain values of an ipnet header, for building packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpnetRepr {
    pub version: u8,
    pub family: u8,
    pub htype: u16,
    pub pktlen: u32,
    pub ifindex: u32,
    pub grifindex: u32,
    pub zsrc: u32,
    pub zdst: u32,
}

impl IpnetRepr {
    /// A version 1 inbound header for a packet of `family` and `pktlen` bytes.
    pub fn new(family: u8, pktlen: u32) -> Self {
        IpnetRepr {
            version: 1,
            family,
            htype: 0,
            pktlen,
            ifindex: 0,
            grifindex: 0,
            zsrc: 0,
            zdst: 0,
        }
    }

    pub fn parse(v: &IpnetView) -> Self {
        IpnetRepr {
            version: v.version(),
            family: v.family(),
            htype: v.htype(),
            pktlen: v.pktlen(),
            ifindex: v.ifindex(),
            grifindex: v.grifindex(),
            zsrc: v.zsrc(),
            zdst: v.zdst(),
        }
    }

    /// Append the 24-byte header to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.push(self.version);
        buf.push(self.family);
        buf.extend_from_slice(&self.htype.to_be_bytes());
        for w in [
            self.pktlen,
            self.ifindex,
            self.grifindex,
            self.zsrc,
            self.zdst,
        ] {
            buf.extend_from_slice(&w.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::values;
    use proptest::prelude::*;

    /// The header and IPv4 header of frame 1 of tcpdump__e1000g.pcap (ICMP
    /// echo reply 129.146.106.55 -> 10.5.233.117 on a Solaris e1000g).
    const E1000G_HEAD: [u8; 44] = [
        0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x54, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
        0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x54, 0xe5, 0x8e,
        0x00, 0x00, 0xf9, 0x01, 0xfc, 0xd5, 0x81, 0x92, 0x6a, 0x37, 0x0a, 0x05, 0xe9, 0x75,
    ];

    fn first(v: &IpnetView, f: Field) -> String {
        values(FIELDS[f as usize].kind, |out| v.field(f, out)).concat()
    }

    #[test]
    fn reads_a_real_header_as_tshark() {
        let v = IpnetView::new(&E1000G_HEAD).unwrap();
        let want = [
            (Field::Version, "1"),
            (Field::Family, "2"),
            (Field::Htype, "0"),
            (Field::Pktlen, "84"),
            (Field::Ifindex, "2"),
            (Field::Grifindex, "0"),
            (Field::Zsrc, "4294967295"),
            (Field::Zdst, "0"),
        ];
        for (f, s) in want {
            assert_eq!(first(&v, f), s, "{:?}", f);
        }
        assert_eq!(v.next_layer(), NextLayer::Ipv4);
        assert_eq!(v.payload()[0], 0x45);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Solaris IPNET");
    }

    #[test]
    fn families() {
        let mut b = E1000G_HEAD;
        b[1] = 26;
        assert_eq!(IpnetView::new(&b).unwrap().next_layer(), NextLayer::Ipv6);
        b[1] = 10;
        assert_eq!(IpnetView::new(&b).unwrap().next_layer(), NextLayer::Data);
        assert!(IpnetView::new(&b[..23]).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(version: u8, family: u8, htype: u16, pktlen: u32, ifindex: u32,
                      grifindex: u32, zsrc: u32, zdst: u32) {
            let r = IpnetRepr { version, family, htype, pktlen, ifindex, grifindex, zsrc, zdst };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            prop_assert_eq!(buf.len(), 24);
            let v = IpnetView::new(&buf).unwrap();
            prop_assert_eq!(IpnetRepr::parse(&v), r);
        }
    }
}
