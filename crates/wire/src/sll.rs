//! Linux "cooked" capture headers: SLL (link type 113, 16 bytes) and SLL2
//! (link type 276, 20 bytes), which libpcap writes for the `any` device and
//! for links without a usable header of their own.
//!
//! Both carry the packet type (to us, broadcast, sent by us, ...), the ARPHRD
//! hardware type, up to 8 bytes of source link-layer address, and a protocol:
//! an EtherType when above 1536, else a Linux `ETH_P_*` value (0x0004: 802.2
//! LLC follows; 0x0001: raw 802.3; 0x000c/0x000d: CAN). SLL2 adds the
//! interface index. tshark calls both `sll`.

use crate::bytes::{array, be16, be32, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::ops::Range;

/// Byte offsets of the fields, per version.
mod at {
    pub mod v1 {
        pub const PKTTYPE: usize = 0;
        pub const HATYPE: usize = 2;
        pub const HALEN: usize = 4;
        pub const ADDR: usize = 6;
        pub const PROTOCOL: usize = 14;
        pub const HEADER_LEN: usize = 16;
    }
    pub mod v2 {
        pub const PROTOCOL: usize = 0;
        pub const IFINDEX: usize = 4;
        pub const HATYPE: usize = 8;
        pub const PKTTYPE: usize = 10;
        pub const HALEN: usize = 11;
        pub const ADDR: usize = 12;
        pub const HEADER_LEN: usize = 20;
    }
    /// Room for the source address in both versions.
    pub const ADDR_LEN: usize = 8;
}

/// Packet types (`PACKET_*` in `linux/if_packet.h`).
pub mod pkttype {
    pub const HOST: u16 = 0;
    pub const BROADCAST: u16 = 1;
    pub const MULTICAST: u16 = 2;
    pub const OTHERHOST: u16 = 3;
    pub const OUTGOING: u16 = 4;
}

/// Linux protocol values below 1537 (`ETH_P_*`): what follows is not named
/// by an EtherType.
pub mod ltype {
    /// Raw 802.3 frame payload (Novell IPX without LLC).
    pub const RAW_802_3: u16 = 0x0001;
    /// An Ethernet header follows.
    pub const ETHERNET: u16 = 0x0003;
    /// An 802.2 LLC header follows.
    pub const LLC: u16 = 0x0004;
    /// PPP in HDLC-like framing follows.
    pub const PPP_HDLC: u16 = 0x0007;
    pub const CAN: u16 = 0x000c;
    pub const CANFD: u16 = 0x000d;
}

/// Hardware types (`ARPHRD_*`) that change how tshark reads the header.
pub mod hatype {
    pub const ETHER: u16 = 1;
    /// GRE tunnel: the protocol is a GRE protocol type (`sll.gretype`).
    pub const IPGRE: u16 = 778;
    /// Netlink: tshark hands the whole frame, header included, to netlink.
    pub const NETLINK: u16 = 824;
}

field_table! {
    Pkttype: "sll.pkttype", "Packet type", Kind::Dec;
    Hatype: "sll.hatype", "Link-layer address type", Kind::Dec;
    Halen: "sll.halen", "Link-layer address length", Kind::Dec;
    SrcEth: "sll.src.eth", "Source", Kind::Ether;
    SrcIpv4: "sll.src.ipv4", "Source", Kind::Ipv4;
    SrcOther: "sll.src.other", "Source", Kind::Bytes;
    Unused: "sll.unused", "Unused", Kind::Bytes;
    Ltype: "sll.ltype", "Protocol", Kind::Hex(4);
    Gretype: "sll.gretype", "Protocol", Kind::Hex(4);
    Etype: "sll.etype", "Protocol", Kind::Hex(4);
    Trailer: "sll.trailer", "Trailer", Kind::Bytes;
    Ifindex: "sll.ifindex", "Interface index", Kind::Dec;
}

/// A view over a Linux cooked-capture header (v1 or v2) and its payload.
#[derive(Clone, Copy, Debug)]
pub struct SllView<'a> {
    bytes: &'a [u8],
    v2: bool,
    /// Bytes at the end that the upper layer did not use (set by the dissector).
    trailer: usize,
}

impl<'a> SllView<'a> {
    /// A view over an SLL (v1, link type 113) header: at least 16 bytes.
    pub fn new_v1(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::v1::HEADER_LEN)?;
        Ok(SllView {
            bytes,
            v2: false,
            trailer: 0,
        })
    }

    /// A view over an SLL2 (link type 276) header: at least 20 bytes.
    pub fn new_v2(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::v2::HEADER_LEN)?;
        Ok(SllView {
            bytes,
            v2: true,
            trailer: 0,
        })
    }

    /// 1 or 2.
    pub fn version(&self) -> u8 {
        if self.v2 {
            2
        } else {
            1
        }
    }

    fn pkttype_range(&self) -> Range<usize> {
        if self.v2 {
            at::v2::PKTTYPE..at::v2::PKTTYPE + 1
        } else {
            at::v1::PKTTYPE..at::v1::PKTTYPE + 2
        }
    }

    fn halen_range(&self) -> Range<usize> {
        if self.v2 {
            at::v2::HALEN..at::v2::HALEN + 1
        } else {
            at::v1::HALEN..at::v1::HALEN + 2
        }
    }

    fn hatype_at(&self) -> usize {
        if self.v2 {
            at::v2::HATYPE
        } else {
            at::v1::HATYPE
        }
    }

    fn protocol_at(&self) -> usize {
        if self.v2 {
            at::v2::PROTOCOL
        } else {
            at::v1::PROTOCOL
        }
    }

    fn addr_at(&self) -> usize {
        if self.v2 {
            at::v2::ADDR
        } else {
            at::v1::ADDR
        }
    }

    /// Who the packet was for: see [`pkttype`].
    pub fn pkttype(&self) -> u16 {
        if self.v2 {
            u8_at(self.bytes, at::v2::PKTTYPE).map_or(0, u16::from)
        } else {
            be16(self.bytes, at::v1::PKTTYPE).unwrap_or(0)
        }
    }

    /// The ARPHRD hardware type: see [`hatype`].
    pub fn hatype(&self) -> u16 {
        be16(self.bytes, self.hatype_at()).unwrap_or(0)
    }

    /// The length of the source address as the header states it (may exceed 8).
    pub fn halen(&self) -> u16 {
        if self.v2 {
            u8_at(self.bytes, at::v2::HALEN).map_or(0, u16::from)
        } else {
            be16(self.bytes, at::v1::HALEN).unwrap_or(0)
        }
    }

    /// The source link-layer address (at most the 8 bytes there is room for).
    pub fn src_addr(&self) -> &'a [u8] {
        let n = usize::from(self.halen()).min(at::ADDR_LEN);
        self.bytes
            .get(self.addr_at()..self.addr_at() + n)
            .unwrap_or(&[])
    }

    /// The protocol field: an EtherType when above 1536 (see
    /// [`is_ethertype`](Self::is_ethertype)), else a Linux value ([`ltype`]).
    pub fn protocol(&self) -> u16 {
        be16(self.bytes, self.protocol_at()).unwrap_or(0)
    }

    /// The protocol is an EtherType (Linux's own rule: above 1536). For a
    /// GRE device ([`hatype::IPGRE`]) it is a GRE protocol type, which uses
    /// the same numbers.
    pub fn is_ethertype(&self) -> bool {
        self.protocol() > 1536
    }

    /// tshark gives netlink frames (hatype 824) whole to its netlink
    /// dissector instead of reading them as SLL.
    pub fn is_netlink(&self) -> bool {
        self.hatype() == hatype::NETLINK
    }

    /// The interface index (SLL2 only).
    pub fn ifindex(&self) -> Option<u32> {
        if self.v2 {
            be32(self.bytes, at::v2::IFINDEX)
        } else {
            None
        }
    }

    pub fn header_len(&self) -> usize {
        if self.v2 {
            at::v2::HEADER_LEN
        } else {
            at::v1::HEADER_LEN
        }
    }

    /// Everything after the header.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.header_len())
    }

    /// Record that the last `n` bytes of the frame are a trailer (after what
    /// the upper layer says it used).
    pub fn set_trailer(&mut self, n: usize) {
        self.trailer = n.min(self.payload().len());
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let uint = |n: u64| Value::UInt(n);
        let addr = self.addr_at();
        let halen = usize::from(self.halen());
        let proto = self.protocol();
        let pr = self.protocol_at()..self.protocol_at() + 2;
        match f {
            Field::Pkttype => out.value(uint(self.pkttype().into()), self.pkttype_range()),
            Field::Hatype => {
                let h = self.hatype_at();
                out.value(uint(self.hatype().into()), h..h + 2)
            }
            Field::Halen => out.value(uint(halen as u64), self.halen_range()),
            Field::SrcEth if halen == 6 => {
                if let Some(a) = array(self.bytes, addr) {
                    out.value(Value::Ether(a), addr..addr + 6)
                }
            }
            Field::SrcIpv4 if halen == 4 => {
                if let Some(a) = array(self.bytes, addr) {
                    out.value(Value::Ipv4(a), addr..addr + 4)
                }
            }
            Field::SrcOther if !matches!(halen, 0 | 4 | 6) => {
                let a = self.src_addr();
                out.value(Value::Bytes(a), addr..addr + a.len())
            }
            Field::Unused if halen < at::ADDR_LEN => {
                let r = addr + halen..addr + at::ADDR_LEN;
                if let Some(b) = self.bytes.get(r.clone()) {
                    out.value(Value::Bytes(b), r)
                }
            }
            Field::Ltype if proto <= 1536 => out.value(uint(proto.into()), pr),
            Field::Gretype if proto > 1536 && self.hatype() == hatype::IPGRE => {
                out.value(uint(proto.into()), pr)
            }
            Field::Etype if proto > 1536 && self.hatype() != hatype::IPGRE => {
                out.value(uint(proto.into()), pr)
            }
            Field::Trailer if self.trailer > 0 => {
                let start = self.bytes.len().saturating_sub(self.trailer);
                out.value(
                    Value::Bytes(tail(self.bytes, start)),
                    start..self.bytes.len(),
                )
            }
            Field::Ifindex => {
                if let Some(i) = self.ifindex() {
                    out.value(uint(i.into()), at::v2::IFINDEX..at::v2::IFINDEX + 4)
                }
            }
            _ => {}
        }
    }

    /// `Linux cooked capture v1` or `Linux cooked capture v2`.
    pub fn title(&self, out: &mut String) {
        out.push_str(if self.v2 {
            "Linux cooked capture v2"
        } else {
            "Linux cooked capture v1"
        });
    }
}

/// The plain values of an SLL or SLL2 header, for building frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SllRepr {
    /// SLL2 (20 bytes) rather than SLL (16 bytes).
    pub v2: bool,
    /// One byte in SLL2 (the high byte is dropped).
    pub pkttype: u16,
    pub hatype: u16,
    /// One byte in SLL2 (the high byte is dropped).
    pub halen: u16,
    pub addr: [u8; 8],
    pub protocol: u16,
    /// SLL2 only; ignored for SLL.
    pub ifindex: u32,
}

impl SllRepr {
    pub fn parse(v: &SllView) -> Self {
        let mut addr = [0u8; 8];
        if let Some(a) = v.bytes.get(v.addr_at()..v.addr_at() + at::ADDR_LEN) {
            addr.copy_from_slice(a);
        }
        SllRepr {
            v2: v.v2,
            pkttype: v.pkttype(),
            hatype: v.hatype(),
            halen: v.halen(),
            addr,
            protocol: v.protocol(),
            ifindex: v.ifindex().unwrap_or(0),
        }
    }

    /// Append the header to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        if self.v2 {
            buf.extend_from_slice(&self.protocol.to_be_bytes());
            buf.extend_from_slice(&[0, 0]);
            buf.extend_from_slice(&self.ifindex.to_be_bytes());
            buf.extend_from_slice(&self.hatype.to_be_bytes());
            buf.push(self.pkttype as u8);
            buf.push(self.halen as u8);
            buf.extend_from_slice(&self.addr);
        } else {
            buf.extend_from_slice(&self.pkttype.to_be_bytes());
            buf.extend_from_slice(&self.hatype.to_be_bytes());
            buf.extend_from_slice(&self.halen.to_be_bytes());
            buf.extend_from_slice(&self.addr);
            buf.extend_from_slice(&self.protocol.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, occurrences, string_of};
    use proptest::prelude::*;

    fn all(v: &SllView) -> Vec<(&'static str, String)> {
        occurrences(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    fn title(v: &SllView) -> String {
        string_of(|t| v.title(t))
    }

    /// pcpp SllPacket.pcap frame 1, first 18 bytes: SLL v1, IPv6.
    const V1_IPV6: [u8; 18] = [
        0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x12, 0x44, 0x1e, 0x74, 0x00, 0xf6, 0x7f, 0x86,
        0xdd, 0x60, 0x00,
    ];

    #[test]
    fn v1_ethertype() {
        let v = SllView::new_v1(&V1_IPV6).unwrap();
        assert_eq!(v.protocol(), 0x86dd);
        assert!(v.is_ethertype());
        assert_eq!(v.payload(), &[0x60, 0x00]);
        assert_eq!(title(&v), "Linux cooked capture v1");
        assert_eq!(
            all(&v),
            [
                ("sll.pkttype", "0".to_string()),
                ("sll.hatype", "1".into()),
                ("sll.halen", "6".into()),
                ("sll.src.eth", "00:12:44:1e:74:00".into()),
                ("sll.unused", "f67f".into()),
                ("sll.etype", "0x86dd".into()),
            ]
        );
    }

    /// pcpp Sll2Packet.pcap frame 1, first 21 bytes: SLL2, IPv4, ifindex 20.
    const V2_IPV4: [u8; 21] = [
        0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x01, 0x04, 0x06, 0xd2, 0xcf, 0xc2,
        0x50, 0x15, 0xea, 0x00, 0x00, 0x45,
    ];

    #[test]
    fn v2_ethertype() {
        let v = SllView::new_v2(&V2_IPV4).unwrap();
        assert_eq!(title(&v), "Linux cooked capture v2");
        assert_eq!(v.ifindex(), Some(20));
        assert_eq!(v.pkttype(), pkttype::OUTGOING);
        assert_eq!(v.payload(), &[0x45]);
        assert_eq!(
            all(&v),
            [
                ("sll.pkttype", "4".to_string()),
                ("sll.hatype", "1".into()),
                ("sll.halen", "6".into()),
                ("sll.src.eth", "d2:cf:c2:50:15:ea".into()),
                ("sll.unused", "0000".into()),
                ("sll.etype", "0x0800".into()),
                ("sll.ifindex", "20".into()),
            ]
        );
    }

    /// pcpp Sll2PacketLLC.pcap frame 1, first 20 bytes: SLL2 with Linux
    /// protocol 0x0004 (802.2 LLC follows).
    const V2_LLC: [u8; 20] = [
        0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x01, 0x02, 0x06, 0xe0, 0x1c, 0xfc,
        0xd3, 0xb1, 0xe1, 0x00, 0x00,
    ];

    #[test]
    fn v2_linux_protocol() {
        let v = SllView::new_v2(&V2_LLC).unwrap();
        assert_eq!(v.protocol(), ltype::LLC);
        assert!(!v.is_ethertype());
        let f = all(&v);
        assert!(f.contains(&("sll.ltype", "0x0004".into())));
        assert!(!f.iter().any(|(n, _)| *n == "sll.etype"));
    }

    /// scapy canfd.pcap frame 1, first 16 bytes: SLL v1, CAN FD, no address.
    const V1_CANFD: [u8; 16] = [
        0x00, 0x04, 0x01, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x0d,
    ];

    #[test]
    fn v1_no_address() {
        let v = SllView::new_v1(&V1_CANFD).unwrap();
        assert_eq!(v.hatype(), 280);
        assert!(v.src_addr().is_empty());
        assert_eq!(
            all(&v),
            [
                ("sll.pkttype", "4".to_string()),
                ("sll.hatype", "280".into()),
                ("sll.halen", "0".into()),
                ("sll.unused", "0000000000000000".into()),
                ("sll.ltype", "0x000d".into()),
            ]
        );
    }

    #[test]
    fn other_address_lengths_and_gre() {
        let mut b = V1_IPV6;
        b[5] = 4; // halen 4: an IPv4 address
        b[2..4].copy_from_slice(&hatype::IPGRE.to_be_bytes());
        let f = all(&SllView::new_v1(&b).unwrap());
        assert!(f.contains(&("sll.src.ipv4", "0.18.68.30".into())));
        assert!(f.contains(&("sll.unused", "7400f67f".into())));
        assert!(f.contains(&("sll.gretype", "0x86dd".into())));
        b[5] = 20; // longer than the room there is: 8 bytes shown, no unused
        let f = all(&SllView::new_v1(&b).unwrap());
        assert!(f.contains(&("sll.src.other", "0012441e7400f67f".into())));
        assert!(!f.iter().any(|(n, _)| *n == "sll.unused"));
    }

    #[test]
    fn trailer_and_truncation() {
        let mut v = SllView::new_v1(&V1_IPV6).unwrap();
        v.set_trailer(1);
        assert!(all(&v).contains(&("sll.trailer", "00".into())));
        assert!(SllView::new_v1(&V1_IPV6[..15]).is_err());
        assert!(SllView::new_v2(&V2_IPV4[..19]).is_err());
    }

    proptest! {
        #[test]
        fn build_then_parse(v2: bool, pkttype in 0u16..5,
                            hatype in prop_oneof![Just(hatype::ETHER), Just(772u16), any::<u16>()], halen in 0u16..256,
                            addr: [u8; 8], protocol: u16, ifindex: u32,
                            payload in proptest::collection::vec(any::<u8>(), 0..16)) {
            let r = SllRepr { v2, pkttype, hatype, halen, addr, protocol, ifindex: if v2 { ifindex } else { 0 } };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&payload);
            let v = if v2 { SllView::new_v2(&buf) } else { SllView::new_v1(&buf) }.unwrap();
            prop_assert_eq!(SllRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &payload[..]);
            if !v2 {
                // etherparse reads the same SLL v1 header (where it knows the
                // hardware type and protocol combination).
                if let Ok((e, _)) = etherparse::LinuxSllHeader::from_slice(&buf) {
                prop_assert_eq!(u16::from(e.packet_type), pkttype);
                prop_assert_eq!(e.arp_hrd_type.0, hatype);
                prop_assert_eq!(e.sender_address_valid_length, halen);
                prop_assert_eq!(e.sender_address, addr);
                } else {
                    prop_assert!(hatype != hatype::ETHER);
                }
            }
        }

        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..24), v2: bool, n: usize) {
            if let Ok(mut v) = if v2 { SllView::new_v2(&b) } else { SllView::new_v1(&b) } {
                v.set_trailer(n);
                assert_ranges_within(FIELDS, b.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                let _ = (v.payload(), v.protocol(), v.src_addr());
            }
        }
    }
}
