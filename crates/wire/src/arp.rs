//! The Address Resolution Protocol (RFC 826) and its relatives that share
//! its layout (RARP, DRARP, Inverse ARP).
//!
//! Eight fixed bytes (hardware type, protocol type, the two address sizes,
//! opcode) are followed by the sender's and the target's hardware and
//! protocol addresses, of the stated sizes. tshark calls addresses of an
//! Ethernet-like hardware type and size 6 `*.hw_mac` and IPv4 ones of size 4
//! `*.proto_ipv4`; any other size is shown as raw bytes (`*.hw`, `*.proto`).
//! ATM ARP (hardware type 19) has another layout: only its first fields are
//! read here.

use crate::bytes::{array, be16, clamp, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::fmt::Write as _;
use std::ops::Range;

/// Byte ranges of the fixed fields.
mod at {
    use std::ops::Range;
    pub const HW_TYPE: Range<usize> = 0..2;
    pub const PROTO_TYPE: Range<usize> = 2..4;
    pub const HW_SIZE: Range<usize> = 4..5;
    pub const PROTO_SIZE: Range<usize> = 5..6;
    pub const OPCODE: Range<usize> = 6..8;
    pub const FIXED_LEN: usize = 8;
}

/// Opcodes.
pub mod op {
    pub const REQUEST: u16 = 1;
    pub const REPLY: u16 = 2;
    pub const RREQUEST: u16 = 3;
    pub const RREPLY: u16 = 4;
    pub const DRARP_ERROR: u16 = 7;
    pub const IREQUEST: u16 = 8;
    pub const IREPLY: u16 = 9;
}

/// Hardware types of note.
pub mod hw {
    pub const ETHER: u16 = 1;
    pub const AX25: u16 = 3;
    pub const IEEE802: u16 = 6;
    pub const ARCNET: u16 = 7;
    /// ATM ARP (RFC 2225): a different layout.
    pub const ATM2225: u16 = 19;
}

field_table! {
    HwType: "arp.hw.type", "Hardware type", Kind::Dec;
    ProtoType: "arp.proto.type", "Protocol type", Kind::Hex(4);
    HwSize: "arp.hw.size", "Hardware size", Kind::Dec;
    ProtoSize: "arp.proto.size", "Protocol size", Kind::Dec;
    Opcode: "arp.opcode", "Opcode", Kind::Dec;
    IsGratuitous: "arp.isgratuitous", "Is gratuitous", Kind::Bool;
    IsProbe: "arp.isprobe", "Is probe", Kind::Bool;
    IsAnnouncement: "arp.isannouncement", "Is announcement", Kind::Bool;
    SrcHwMac: "arp.src.hw_mac", "Sender MAC address", Kind::Ether;
    SrcHw: "arp.src.hw", "Sender hardware address", Kind::Bytes;
    SrcProtoIpv4: "arp.src.proto_ipv4", "Sender IP address", Kind::Ipv4;
    SrcProto: "arp.src.proto", "Sender protocol address", Kind::Bytes;
    DstHwMac: "arp.dst.hw_mac", "Target MAC address", Kind::Ether;
    DstHw: "arp.dst.hw", "Target hardware address", Kind::Bytes;
    DstProtoIpv4: "arp.dst.proto_ipv4", "Target IP address", Kind::Ipv4;
    DstProto: "arp.dst.proto", "Target protocol address", Kind::Bytes;
    DrarpErrorStatus: "arp.dst.drarp_error_status", "DRARP error status", Kind::Dec;
}

/// tshark's names for opcodes, as in the layer title.
fn op_name(op: u16) -> Option<&'static str> {
    Some(match op {
        0 | 65535 => "reserved",
        1 => "request",
        2 => "reply",
        3 => "reverse request",
        4 => "reverse reply",
        5 => "drarp request",
        6 => "drarp reply",
        7 => "drarp error",
        8 => "inverse request",
        9 => "inverse reply",
        10 => "arp nak",
        11 => "mars request",
        12 => "mars multi",
        13 => "mars mserv",
        14 => "mars join",
        15 => "mars leave",
        16 => "mars nak",
        17 => "mars unserv",
        18 => "mars sjoin",
        19 => "mars sleave",
        20 => "mars grouplist request",
        // Sic: tshark's spelling.
        21 => "mars gruoplist reply",
        22 => "mars redirect map",
        23 => "mapos unarp",
        24 => "experimental 1",
        25 => "experimental 2",
        _ => return None,
    })
}

/// A view over an ARP packet; what follows it is padding.
#[derive(Clone, Copy, Debug)]
pub struct ArpView<'a> {
    bytes: &'a [u8],
}

impl<'a> ArpView<'a> {
    /// A view over `bytes`, which must hold the 8 fixed bytes. When the
    /// addresses are cut short (see [`is_complete`](Self::is_complete)),
    /// only the fixed fields are shown, as tshark 4.0 does.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::FIXED_LEN)?;
        Ok(ArpView { bytes })
    }

    pub fn hw_type(&self) -> u16 {
        be16(self.bytes, at::HW_TYPE.start).unwrap_or(0)
    }

    /// The protocol address type, an EtherType (0x0800 for IPv4).
    pub fn proto_type(&self) -> u16 {
        be16(self.bytes, at::PROTO_TYPE.start).unwrap_or(0)
    }

    pub fn hw_size(&self) -> u8 {
        u8_at(self.bytes, at::HW_SIZE.start).unwrap_or(0)
    }

    pub fn proto_size(&self) -> u8 {
        u8_at(self.bytes, at::PROTO_SIZE.start).unwrap_or(0)
    }

    pub fn opcode(&self) -> u16 {
        be16(self.bytes, at::OPCODE.start).unwrap_or(0)
    }

    /// ATM ARP: tshark reads it with another layout; only the hardware
    /// type, protocol type and opcode are shown here (nothing when cut short).
    pub fn is_atmarp(&self) -> bool {
        self.hw_type() == hw::ATM2225
    }

    /// Hardware addresses are MAC addresses (Ethernet or IEEE 802, size 6).
    pub fn hw_is_ether(&self) -> bool {
        matches!(self.hw_type(), hw::ETHER | hw::IEEE802) && self.hw_size() == 6
    }

    /// Protocol addresses are IPv4 addresses (type IPv4 or AX.25's IP, size 4).
    pub fn proto_is_ipv4(&self) -> bool {
        matches!(self.proto_type(), 0x0800 | 0x00cc) && self.proto_size() == 4
    }

    fn ranges(&self) -> [Range<usize>; 4] {
        let h = usize::from(self.hw_size());
        let p = usize::from(self.proto_size());
        let sha = at::FIXED_LEN;
        let spa = sha + h;
        let tha = spa + p;
        let tpa = tha + h;
        [sha..spa, spa..tha, tha..tpa, tpa..tpa + p]
    }

    /// The sender hardware address (cut short if the capture was).
    pub fn sender_hw(&self) -> &'a [u8] {
        self.addr(0)
    }

    pub fn sender_proto(&self) -> &'a [u8] {
        self.addr(1)
    }

    pub fn target_hw(&self) -> &'a [u8] {
        self.addr(2)
    }

    pub fn target_proto(&self) -> &'a [u8] {
        self.addr(3)
    }

    fn addr(&self, i: usize) -> &'a [u8] {
        let r = self.ranges()[i].clone();
        clamp(self.bytes, r.start, r.len())
    }

    /// The sender MAC address, for Ethernet-like hardware.
    pub fn sender_mac(&self) -> Option<[u8; 6]> {
        self.hw_is_ether()
            .then(|| array(self.bytes, at::FIXED_LEN))?
    }

    pub fn target_mac(&self) -> Option<[u8; 6]> {
        self.hw_is_ether()
            .then(|| array(self.bytes, self.ranges()[2].start))?
    }

    pub fn sender_ipv4(&self) -> Option<[u8; 4]> {
        self.proto_is_ipv4()
            .then(|| array(self.bytes, self.ranges()[1].start))?
    }

    pub fn target_ipv4(&self) -> Option<[u8; 4]> {
        self.proto_is_ipv4()
            .then(|| array(self.bytes, self.ranges()[3].start))?
    }

    /// The length the header says the packet has: 8 + 2 x (sizes); for ATM
    /// ARP, 12 + the six address lengths.
    pub fn wire_len(&self) -> usize {
        if self.is_atmarp() {
            // shtl, sstl at 4 and 5; spln, thtl, tstl, tpln at 8..12. The
            // type/length bytes carry the length in their low 6 bits.
            let b = |i: usize| usize::from(u8_at(self.bytes, i).unwrap_or(0));
            return 12
                + (b(4) & 0x3f)
                + (b(5) & 0x3f)
                + b(8)
                + (b(9) & 0x3f)
                + (b(10) & 0x3f)
                + b(11);
        }
        at::FIXED_LEN + 2 * usize::from(self.hw_size()) + 2 * usize::from(self.proto_size())
    }

    /// All the addresses the sizes announce were captured. tshark 4.0 shows
    /// none of them (nor the opcode in the title) otherwise, and marks the
    /// packet malformed.
    pub fn is_complete(&self) -> bool {
        self.bytes.len() >= self.wire_len()
    }

    /// A request or reply whose sender and target protocol addresses match.
    pub fn is_gratuitous(&self) -> bool {
        let [_, spa, _, tpa] = self.ranges();
        self.is_complete()
            && matches!(self.opcode(), op::REQUEST | op::REPLY)
            && matches!(
                (self.bytes.get(spa), self.bytes.get(tpa)),
                (Some(s), Some(t)) if s == t
            )
    }

    fn target_hw6_is_zero(&self) -> bool {
        array::<6>(self.bytes, self.ranges()[2].start) == Some([0; 6])
    }

    /// A gratuitous request with an all-zero target MAC (RFC 5227).
    pub fn is_announcement(&self) -> bool {
        self.opcode() == op::REQUEST && self.is_gratuitous() && self.target_hw6_is_zero()
    }

    /// A request from 0.0.0.0 with an all-zero target MAC (RFC 5227).
    pub fn is_probe(&self) -> bool {
        self.is_complete()
            && self.opcode() == op::REQUEST
            && !self.is_gratuitous()
            && self.target_hw6_is_zero()
            && array::<4>(self.bytes, self.ranges()[1].start) == Some([0; 4])
    }

    /// The ARP packet's length (clamped to what was captured).
    pub fn header_len(&self) -> usize {
        self.wire_len().min(self.bytes.len())
    }

    /// The bytes after the ARP packet: link-layer padding or trailer.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.header_len())
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let uint = |n: u64| Value::UInt(n);
        let [sha, spa, tha, tpa] = self.ranges();
        let atm = self.is_atmarp();
        let (h, p) = (self.hw_size() != 0, self.proto_size() != 0);
        let (mac, ip) = (self.hw_is_ether(), self.proto_is_ipv4());
        let bytes = |r: Range<usize>, out: &mut dyn FieldSink<'a>| {
            if let Some(b) = self.bytes.get(r.clone()) {
                out.value(Value::Bytes(b), r)
            }
        };
        match f {
            // tshark shows nothing of an ATM ARP packet cut short.
            _ if atm && !self.is_complete() => {}
            Field::HwType => out.value(uint(self.hw_type().into()), at::HW_TYPE),
            Field::ProtoType => out.value(uint(self.proto_type().into()), at::PROTO_TYPE),
            Field::Opcode => out.value(uint(self.opcode().into()), at::OPCODE),
            _ if atm => {}
            Field::HwSize => out.value(uint(self.hw_size().into()), at::HW_SIZE),
            Field::ProtoSize => out.value(uint(self.proto_size().into()), at::PROTO_SIZE),
            _ if !self.is_complete() => {}
            Field::IsGratuitous if self.is_gratuitous() => out.value(Value::Bool(true), 0..0),
            Field::IsProbe if self.is_probe() => out.value(Value::Bool(true), 0..0),
            Field::IsAnnouncement if self.is_announcement() => out.value(Value::Bool(true), 0..0),
            Field::SrcHwMac if mac => {
                if let Some(a) = self.sender_mac() {
                    out.value(Value::Ether(a), sha)
                }
            }
            Field::DstHwMac if mac => {
                if let Some(a) = self.target_mac() {
                    out.value(Value::Ether(a), tha)
                }
            }
            Field::SrcProtoIpv4 if ip => {
                if let Some(a) = self.sender_ipv4() {
                    out.value(Value::Ipv4(a), spa)
                }
            }
            Field::DstProtoIpv4 if ip && self.opcode() != op::DRARP_ERROR => {
                if let Some(a) = self.target_ipv4() {
                    out.value(Value::Ipv4(a), tpa)
                }
            }
            Field::SrcHw if h && !mac => bytes(sha, out),
            Field::DstHw if h && !mac => bytes(tha, out),
            Field::SrcProto if p && !ip => bytes(spa, out),
            Field::DstProto if p && !ip && self.opcode() != op::DRARP_ERROR => bytes(tpa, out),
            Field::DrarpErrorStatus if p && self.opcode() == op::DRARP_ERROR => {
                if let Some(b) = u8_at(self.bytes, tpa.start) {
                    out.value(uint(b.into()), tpa.start..tpa.start + 1)
                }
            }
            _ => {}
        }
    }

    /// `Address Resolution Protocol (request)`, `(reply/gratuitous ARP)`,
    /// `(ARP Probe)`, `(ARP Announcement)`, `(opcode 0x0063)` ..., and just
    /// `Address Resolution Protocol` when the addresses are cut short.
    pub fn title(&self, out: &mut String) {
        let op = self.opcode();
        if !self.is_complete() {
            out.push_str(if self.is_atmarp() {
                "ATM Address Resolution Protocol"
            } else {
                "Address Resolution Protocol"
            });
            return;
        }
        match op_name(op) {
            Some(name) if !self.is_atmarp() => {
                let name = if self.is_announcement() {
                    "ARP Announcement"
                } else if self.is_probe() {
                    "ARP Probe"
                } else if self.is_gratuitous() && op == op::REQUEST {
                    "request/gratuitous ARP"
                } else if self.is_gratuitous() && op == op::REPLY {
                    "reply/gratuitous ARP"
                } else {
                    name
                };
                let _ = write!(out, "Address Resolution Protocol ({name})");
            }
            Some(name) => {
                let _ = write!(out, "ATM Address Resolution Protocol ({name})");
            }
            None => {
                let _ = write!(out, "Address Resolution Protocol (opcode 0x{op:04x})");
            }
        }
    }
}

/// An Ethernet/IPv4 ARP packet's values, for building frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArpRepr {
    pub opcode: u16,
    pub sender_mac: [u8; 6],
    pub sender_ip: [u8; 4],
    pub target_mac: [u8; 6],
    pub target_ip: [u8; 4],
}

impl ArpRepr {
    /// The values of an Ethernet/IPv4 ARP packet; `None` for other hardware
    /// or protocol types and sizes, or when the addresses were cut short.
    pub fn parse(v: &ArpView) -> Option<Self> {
        if v.hw_type() != hw::ETHER || v.proto_type() != 0x0800 {
            return None;
        }
        Some(ArpRepr {
            opcode: v.opcode(),
            sender_mac: v.sender_mac()?,
            sender_ip: v.sender_ipv4()?,
            target_mac: v.target_mac()?,
            target_ip: v.target_ipv4()?,
        })
    }

    /// Append the 28-byte packet to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&hw::ETHER.to_be_bytes());
        buf.extend_from_slice(&0x0800u16.to_be_bytes());
        buf.extend_from_slice(&[6, 4]);
        buf.extend_from_slice(&self.opcode.to_be_bytes());
        buf.extend_from_slice(&self.sender_mac);
        buf.extend_from_slice(&self.sender_ip);
        buf.extend_from_slice(&self.target_mac);
        buf.extend_from_slice(&self.target_ip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, occurrences, string_of};
    use proptest::prelude::*;

    fn all(v: &ArpView) -> Vec<(&'static str, String)> {
        occurrences(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    fn title(v: &ArpView) -> String {
        string_of(|t| v.title(t))
    }

    /// arkime cloudshark-arp.pcap frame 2, bytes 14..42: a reply.
    const REPLY: [u8; 28] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x00, 0x1d, 0x09, 0xf0, 0x92, 0xab, 0x0a,
        0x0a, 0x0a, 0x01, 0x00, 0x1a, 0x6b, 0x6c, 0x0c, 0xcc, 0x0a, 0x0a, 0x0a, 0x02,
    ];

    #[test]
    fn ethernet_ipv4_reply() {
        let v = ArpView::new(&REPLY).unwrap();
        assert_eq!(title(&v), "Address Resolution Protocol (reply)");
        assert_eq!(v.header_len(), 28);
        assert!(v.payload().is_empty());
        assert_eq!(
            all(&v),
            [
                ("arp.hw.type", "1".to_string()),
                ("arp.proto.type", "0x0800".into()),
                ("arp.hw.size", "6".into()),
                ("arp.proto.size", "4".into()),
                ("arp.opcode", "2".into()),
                ("arp.src.hw_mac", "00:1d:09:f0:92:ab".into()),
                ("arp.src.proto_ipv4", "10.10.10.1".into()),
                ("arp.dst.hw_mac", "00:1a:6b:6c:0c:cc".into()),
                ("arp.dst.proto_ipv4", "10.10.10.2".into()),
            ]
        );
        let r = ArpRepr::parse(&v).unwrap();
        assert_eq!(r.sender_ip, [10, 10, 10, 1]);
        let mut b = Vec::new();
        r.emit(&mut b);
        assert_eq!(b, REPLY);
    }

    /// ndpi fix2.pcap frame 1, bytes 14..60: an ARP announcement and the
    /// Ethernet padding after it.
    const ANNOUNCEMENT: [u8; 46] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x95, 0xc6, 0xf7, 0x93, 0x4b, 0x0a,
        0x65, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x65, 0x00, 0x02, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00,
    ];

    #[test]
    fn announcement_and_padding() {
        let v = ArpView::new(&ANNOUNCEMENT).unwrap();
        assert_eq!(title(&v), "Address Resolution Protocol (ARP Announcement)");
        assert!(v.is_gratuitous() && v.is_announcement() && !v.is_probe());
        let f = all(&v);
        assert!(f.contains(&("arp.isgratuitous", "1".into())));
        assert!(f.contains(&("arp.isannouncement", "1".into())));
        assert!(!f.iter().any(|(n, _)| *n == "arp.isprobe"));
        assert_eq!(v.header_len(), 28);
        assert_eq!(v.payload().len(), 18);
    }

    /// ndpi gnutella.pcap frame 30, bytes 14..42: an ARP probe.
    const PROBE: [u8; 28] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x08, 0x00, 0x27, 0xe6, 0xe5, 0x59, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x02, 0x0f,
    ];

    #[test]
    fn probe() {
        let v = ArpView::new(&PROBE).unwrap();
        assert_eq!(title(&v), "Address Resolution Protocol (ARP Probe)");
        assert!(all(&v).contains(&("arp.isprobe", "1".into())));
        assert!(!v.is_gratuitous());
    }

    /// tcpdump arcnet-rfc1051-arp-icmp-http.pcap frame 1, bytes 5..23: ARCNET
    /// hardware with 1-byte addresses.
    const ARCNET: [u8; 18] = [
        0x00, 0x07, 0x08, 0x00, 0x01, 0x04, 0x00, 0x01, 0xbe, 0x0a, 0x50, 0x83, 0x01, 0x00, 0x0a,
        0x50, 0x83, 0xfe,
    ];

    #[test]
    fn short_hardware_addresses_are_bytes() {
        let v = ArpView::new(&ARCNET).unwrap();
        assert_eq!(title(&v), "Address Resolution Protocol (request)");
        assert_eq!(v.header_len(), 18);
        let f = all(&v);
        assert!(f.contains(&("arp.src.hw", "be".into())));
        assert!(f.contains(&("arp.dst.hw", "00".into())));
        assert!(f.contains(&("arp.src.proto_ipv4", "10.80.131.1".into())));
        assert!(f.contains(&("arp.dst.proto_ipv4", "10.80.131.254".into())));
        assert!(ArpRepr::parse(&v).is_none());
        // Cut one byte short: tshark 4.0 shows the fixed fields only.
        let v = ArpView::new(&ARCNET[..17]).unwrap();
        assert_eq!((v.wire_len(), v.header_len()), (18, 17));
        assert!(!v.is_complete());
        assert_eq!(
            all(&v).iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            [
                "arp.hw.type",
                "arp.proto.type",
                "arp.hw.size",
                "arp.proto.size",
                "arp.opcode"
            ]
        );
        assert_eq!(title(&v), "Address Resolution Protocol");
    }

    /// tcpdump arp-oobr.pcap frame 40, bytes 14..42: hardware type 37 and
    /// protocol type 0: raw bytes for every address.
    const HFI: [u8; 28] = [
        0x00, 0x25, 0x00, 0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x1f, 0x29, 0xda, 0x2d, 0x79, 0x98,
        0xa8, 0x01, 0x68, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x01,
    ];

    #[test]
    fn unknown_types_show_raw_addresses() {
        let v = ArpView::new(&HFI).unwrap();
        let f = all(&v);
        assert!(f.contains(&("arp.src.hw", "001f29da2d79".into())));
        assert!(f.contains(&("arp.src.proto", "98a80168".into())));
        assert!(f.contains(&("arp.dst.hw", "000000000000".into())));
        assert!(f.contains(&("arp.dst.proto", "c0a80101".into())));
        assert_eq!(title(&v), "Address Resolution Protocol (request)");
    }

    #[test]
    fn gratuitous_request_and_odd_opcodes() {
        // tcpdump arp-too-long-tha.pcap: hardware size 14, same sender and
        // target IP, non-zero target hardware address.
        let mut b = vec![0x30, 0x30, 0x08, 0x00, 0x0e, 0x04, 0x00, 0x01];
        b.extend_from_slice(&[0x30; 36]);
        let v = ArpView::new(&b).unwrap();
        assert_eq!(
            title(&v),
            "Address Resolution Protocol (request/gratuitous ARP)"
        );
        assert!(all(&v).contains(&("arp.src.hw", "3030303030303030303030303030".into())));
        let mut r = REPLY;
        r[7] = 0x63;
        assert_eq!(
            title(&ArpView::new(&r).unwrap()),
            "Address Resolution Protocol (opcode 0x0063)"
        );
        assert!(ArpView::new(&REPLY[..7]).is_err());
    }

    #[test]
    fn atm_arp_cut_short_shows_nothing() {
        // tcpdump arp-oobr.pcap frame 1166, bytes 14..30: hardware type 19
        // (ATM ARP) whose address lengths run far past the frame.
        let b = [
            0x00, 0x13, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x1f, 0x29, 0xda, 0x2d, 0x79,
            0xc0, 0xa8,
        ];
        let v = ArpView::new(&b).unwrap();
        assert!(v.is_atmarp() && !v.is_complete());
        assert!(all(&v).is_empty());
        assert_eq!(title(&v), "ATM Address Resolution Protocol");
        // A complete one (all lengths zero) shows the common fields.
        let v = ArpView::new(&[0x00, 0x13, 0x08, 0x00, 0, 0, 0, 1, 0, 0, 0, 0]).unwrap();
        assert_eq!(all(&v).len(), 3);
        assert_eq!(title(&v), "ATM Address Resolution Protocol (request)");
    }

    proptest! {
        #[test]
        fn build_then_parse(opcode: u16, sender_mac: [u8; 6], sender_ip: [u8; 4],
                            target_mac: [u8; 6], target_ip: [u8; 4]) {
            let r = ArpRepr { opcode, sender_mac, sender_ip, target_mac, target_ip };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let v = ArpView::new(&buf).unwrap();
            prop_assert_eq!(ArpRepr::parse(&v), Some(r));
            // etherparse reads the same packet.
            let e = etherparse::ArpPacket::from_slice(&buf).unwrap().try_eth_ipv4().unwrap();
            prop_assert_eq!(e.operation.0, opcode);
            prop_assert_eq!(e.sender_mac, sender_mac);
            prop_assert_eq!(e.sender_ipv4, sender_ip);
            prop_assert_eq!(e.target_mac, target_mac);
            prop_assert_eq!(e.target_ipv4, target_ip);
        }

        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(v) = ArpView::new(&b) {
                assert_ranges_within(FIELDS, b.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                let _ = (v.payload(), v.sender_hw(), v.target_proto());
                v.title(&mut String::new());
            }
        }
    }
}
