//! ARCNET link-layer headers as libpcap delivers them: link type 7 (BSD
//! style) and link type 129 (Linux style, with the two-byte hardware offset
//! field kept).
//!
//! The header is one byte of source address, one byte of destination
//! address, on Linux two bytes of offset, then a protocol id. RFC 1051
//! protocol ids (0xf0 IP, 0xf1 ARP), diagnose (0x80) and BACnet (0xcd) are
//! followed directly by the payload; every other id (the RFC 1201 ones:
//! 0xd4 IP, 0xd5 ARP, 0xd6 RARP, 0xc4 IPv6, ...) by a split flag and a
//! 16-bit sequence number. On BSD an "exception" packet has a split flag
//! of 0xff, two bytes of padding and a second copy of the protocol id
//! before the real split flag and sequence number.
//!
//! A header cut short by the snap length still makes a view; the fields that
//! are not there are simply not emitted (tshark shows what it has) and the
//! payload is empty.

use crate::bytes::{be16, clamp, tail, u8_at};
use crate::error::{need, Error};
use crate::ethernet::ethertype;
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::ops::Range;

/// pcap's link-layer header types for ARCNET.
pub const LINKTYPE_ARCNET_BSD: u32 = 7;
pub const LINKTYPE_ARCNET_LINUX: u32 = 129;

/// ARCNET protocol ids.
pub mod protocol {
    pub const IP_1051: u8 = 0xf0;
    pub const ARP_1051: u8 = 0xf1;
    pub const IP_1201: u8 = 0xd4;
    pub const ARP_1201: u8 = 0xd5;
    pub const RARP_1201: u8 = 0xd6;
    pub const IPV6: u8 = 0xc4;
    pub const IPX: u8 = 0xfa;
    pub const APPLETALK: u8 = 0xdd;
    pub const ETHERNET: u8 = 0xe8;
    pub const DIAGNOSE: u8 = 0x80;
    pub const BACNET: u8 = 0xcd;
}

/// EtherType of IPX (for [`NextLayer::EtherType`]).
const ETHERTYPE_IPX: u16 = 0x8137;
/// EtherType of AppleTalk DDP.
const ETHERTYPE_ATALK: u16 = 0x809b;

field_table! {
    Src: "arcnet.src", "Source", Kind::Hex(2);
    Dst: "arcnet.dst", "Dest", Kind::Hex(2);
    Offset: "arcnet.offset", "Offset", Kind::Bytes;
    ProtId: "arcnet.protID", "Protocol ID", Kind::Hex(2);
    SplitFlag: "arcnet.split_flag", "Split Flag", Kind::Dec;
    ExceptionFlag: "arcnet.exception_flag", "Exception Flag", Kind::Hex(2);
    Sequence: "arcnet.sequence", "Sequence", Kind::Dec;
    Padding: "arcnet.padding", "Padding", Kind::Hex(4);
}

/// Where the variable part of the header lies.
#[derive(Clone, Copy, Debug)]
struct Layout {
    /// Offset of the protocol id.
    prot: usize,
    /// Offset of the exception flag, for BSD exception packets.
    exception: Option<usize>,
    /// Offset of the split flag, for protocol ids that have one.
    split: Option<usize>,
    /// Header length (possibly past the end of a truncated frame).
    len: usize,
}

/// A view over an ARCNET frame (header and payload).
#[derive(Clone, Copy, Debug)]
pub struct ArcnetView<'a> {
    bytes: &'a [u8],
    linux: bool,
    lay: Layout,
}

impl<'a> ArcnetView<'a> {
    /// A view over `bytes`: a Linux-style header (link type 129) when
    /// `linux`, else BSD style (link type 7). The bytes must hold the
    /// addresses and the protocol id (3 bytes, 5 on Linux).
    pub fn new(bytes: &'a [u8], linux: bool) -> Result<Self, Error> {
        let prot = if linux { 4 } else { 2 };
        need(bytes, prot + 1)?;
        let pid = u8_at(bytes, prot).unwrap_or(0);
        let lay = match pid {
            protocol::IP_1051 | protocol::ARP_1051 | protocol::DIAGNOSE | protocol::BACNET => {
                Layout {
                    prot,
                    exception: None,
                    split: None,
                    len: prot + 1,
                }
            }
            _ => {
                let first = prot + 1;
                if !linux && u8_at(bytes, first) == Some(0xff) {
                    // Exception packet: flag, 2 bytes of padding, the
                    // protocol id again, then split flag and sequence.
                    Layout {
                        prot,
                        exception: Some(first),
                        split: Some(first + 4),
                        len: first + 7,
                    }
                } else {
                    Layout {
                        prot,
                        exception: None,
                        split: Some(first),
                        len: first + 3,
                    }
                }
            }
        };
        Ok(ArcnetView { bytes, linux, lay })
    }

    /// Whether this is a Linux-style header (with the offset field).
    pub fn is_linux(&self) -> bool {
        self.linux
    }

    pub fn src(&self) -> u8 {
        u8_at(self.bytes, 0).unwrap_or(0)
    }

    pub fn dst(&self) -> u8 {
        u8_at(self.bytes, 1).unwrap_or(0)
    }

    /// The Linux header's two offset bytes.
    pub fn offset(&self) -> Option<[u8; 2]> {
        if self.linux {
            crate::bytes::array(self.bytes, 2)
        } else {
            None
        }
    }

    /// The protocol id (see [`protocol`]).
    pub fn protocol_id(&self) -> u8 {
        u8_at(self.bytes, self.lay.prot).unwrap_or(0)
    }

    /// The RFC 1201 split flag, where the protocol id has one.
    pub fn split_flag(&self) -> Option<u8> {
        u8_at(self.bytes, self.lay.split?)
    }

    /// The RFC 1201 sequence number, where the protocol id has one.
    pub fn sequence(&self) -> Option<u16> {
        be16(self.bytes, self.lay.split?.checked_add(1)?)
    }

    /// Whether this is a BSD exception packet (split flag 0xff).
    pub fn is_exception(&self) -> bool {
        self.lay.exception.is_some()
    }

    /// The header length, clamped to the bytes there are.
    pub fn header_len(&self) -> usize {
        self.lay.len.min(self.bytes.len())
    }

    /// Everything after the header (empty when the header is cut short).
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.lay.len)
    }

    /// What the payload holds, by protocol id: IPv4 (0xd4, 0xf0), IPv6
    /// (0xc4), ARP (0xd5, 0xf1, and RARP 0xd6, which tshark also gives to its
    /// ARP dissector), IPX and AppleTalk by EtherType, LLC for BACnet (0xcd),
    /// else data.
    pub fn next_layer(&self) -> NextLayer {
        match self.protocol_id() {
            protocol::IP_1201 | protocol::IP_1051 => NextLayer::Ipv4,
            protocol::IPV6 => NextLayer::Ipv6,
            protocol::ARP_1201 | protocol::ARP_1051 | protocol::RARP_1201 => {
                NextLayer::EtherType(ethertype::ARP)
            }
            protocol::IPX => NextLayer::EtherType(ETHERTYPE_IPX),
            protocol::APPLETALK => NextLayer::EtherType(ETHERTYPE_ATALK),
            protocol::BACNET => NextLayer::Llc,
            _ => NextLayer::Data,
        }
    }

    fn range(&self, start: usize, len: usize) -> Option<Range<usize>> {
        let end = start.checked_add(len)?;
        (end <= self.bytes.len()).then_some(start..end)
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let uint = |out: &mut dyn FieldSink<'a>, r: Option<Range<usize>>, v: Option<u64>| {
            if let (Some(r), Some(v)) = (r, v) {
                out.value(Value::UInt(v), r)
            }
        };
        match f {
            Field::Src => out.value(Value::UInt(self.src().into()), 0..1),
            Field::Dst => {
                if let Some(d) = u8_at(self.bytes, 1) {
                    out.value(Value::UInt(d.into()), 1..2)
                }
            }
            Field::Offset => {
                if self.linux {
                    out.value(Value::Bytes(clamp(self.bytes, 2, 2)), 2..4)
                }
            }
            Field::ProtId => {
                let p = self.lay.prot;
                out.value(Value::UInt(self.protocol_id().into()), p..p + 1);
                if let Some(e) = self.lay.exception {
                    let again = e + 3;
                    uint(
                        out,
                        self.range(again, 1),
                        u8_at(self.bytes, again).map(u64::from),
                    );
                }
            }
            Field::ExceptionFlag => {
                if let Some(e) = self.lay.exception {
                    uint(out, self.range(e, 1), u8_at(self.bytes, e).map(u64::from));
                }
            }
            Field::Padding => {
                if let Some(e) = self.lay.exception {
                    let p = e + 1;
                    uint(out, self.range(p, 2), be16(self.bytes, p).map(u64::from));
                }
            }
            Field::SplitFlag => {
                if let Some(s) = self.lay.split {
                    uint(out, self.range(s, 1), self.split_flag().map(u64::from));
                }
            }
            Field::Sequence => {
                if let Some(s) = self.lay.split {
                    uint(out, self.range(s + 1, 2), self.sequence().map(u64::from));
                }
            }
        }
    }

    /// `ARCNET`.
    pub fn title(&self, out: &mut String) {
        out.push_str("ARCNET");
    }
}

/// The plain values of an ARCNET header, for building frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArcnetRepr {
    pub src: u8,
    pub dst: u8,
    /// Linux style (emits the offset field) or BSD style.
    pub linux: bool,
    /// The Linux offset field.
    pub offset: [u8; 2],
    pub protocol_id: u8,
    /// Split flag and sequence, emitted for protocol ids that have them
    /// (everything but RFC 1051, diagnose and BACnet). Exception packets
    /// are not built.
    pub split_flag: u8,
    pub sequence: u16,
}

impl ArcnetRepr {
    /// Whether `protocol_id` is followed by a split flag and sequence.
    pub fn has_split(protocol_id: u8) -> bool {
        !matches!(
            protocol_id,
            protocol::IP_1051 | protocol::ARP_1051 | protocol::DIAGNOSE | protocol::BACNET
        )
    }

    pub fn parse(v: &ArcnetView) -> Self {
        ArcnetRepr {
            src: v.src(),
            dst: v.dst(),
            linux: v.is_linux(),
            offset: v.offset().unwrap_or_default(),
            protocol_id: v.protocol_id(),
            split_flag: v.split_flag().unwrap_or(0),
            sequence: v.sequence().unwrap_or(0),
        }
    }

    /// Append the header to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.push(self.src);
        buf.push(self.dst);
        if self.linux {
            buf.extend_from_slice(&self.offset);
        }
        buf.push(self.protocol_id);
        if Self::has_split(self.protocol_id) {
            // 0xff would read back as an exception packet on BSD.
            let split = if !self.linux && self.split_flag == 0xff {
                0
            } else {
                self.split_flag
            };
            buf.push(split);
            buf.extend_from_slice(&self.sequence.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, values};
    use proptest::prelude::*;

    /// Frame 1 of tcpdump__arcnet-rfc1051-arp-icmp-http.pcap (link type
    /// 129): an RFC 1051 ARP request from 0xbe, broadcast.
    const ARP_1051: [u8; 23] = [
        0xbe, 0x00, 0xed, 0x08, 0xf1, 0x00, 0x07, 0x08, 0x00, 0x01, 0x04, 0x00, 0x01, 0xbe, 0x0a,
        0x50, 0x83, 0x01, 0x00, 0x0a, 0x50, 0x83, 0xfe,
    ];

    /// The head of frame 3 of the same file: RFC 1051 IP, ICMP echo request.
    const IP_1051_HEAD: [u8; 25] = [
        0xbe, 0x50, 0xab, 0x08, 0xf0, 0x45, 0x00, 0x00, 0x54, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01,
        0x1f, 0x0a, 0x0a, 0x50, 0x83, 0x01, 0x0a, 0x50, 0x83, 0xfe,
    ];

    /// tcpdump__heapoverflow-atalk_2.pcap: 12 bytes of a fuzzed Linux frame
    /// with the AppleTalk protocol id (RFC 1201 style fields).
    const ATALK: [u8; 12] = [
        0x30, 0x30, 0x30, 0x30, 0xdd, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
    ];

    fn fields(v: &ArcnetView, f: Field) -> Vec<String> {
        values(FIELDS[f as usize].kind, |out| v.field(f, out))
    }

    #[test]
    fn rfc1051_arp_as_tshark() {
        let v = ArcnetView::new(&ARP_1051, true).unwrap();
        assert_eq!(fields(&v, Field::Src), ["0xbe"]);
        assert_eq!(fields(&v, Field::Dst), ["0x00"]);
        assert_eq!(fields(&v, Field::Offset), ["ed08"]);
        assert_eq!(fields(&v, Field::ProtId), ["0xf1"]);
        assert!(fields(&v, Field::SplitFlag).is_empty());
        assert!(fields(&v, Field::Sequence).is_empty());
        assert_eq!(v.header_len(), 5);
        assert_eq!(v.next_layer(), NextLayer::EtherType(0x0806));
        assert_eq!(&v.payload()[..4], &[0x00, 0x07, 0x08, 0x00]);
    }

    #[test]
    fn rfc1051_ip() {
        let v = ArcnetView::new(&IP_1051_HEAD, true).unwrap();
        assert_eq!(v.next_layer(), NextLayer::Ipv4);
        assert_eq!(v.payload()[0], 0x45);
    }

    #[test]
    fn rfc1201_fields_on_a_fuzzed_frame() {
        let v = ArcnetView::new(&ATALK, true).unwrap();
        assert_eq!(fields(&v, Field::ProtId), ["0xdd"]);
        assert_eq!(fields(&v, Field::SplitFlag), ["48"]);
        assert_eq!(fields(&v, Field::Sequence), ["12336"]);
        assert_eq!(v.header_len(), 8);
        assert_eq!(v.payload().len(), 4);
        assert_eq!(v.next_layer(), NextLayer::EtherType(0x809b));
    }

    #[test]
    fn bsd_headers() {
        // RFC 1201 IP, split flag 0, sequence 0 (tshark: arcnet:ip).
        let b = [0x01, 0x02, 0xd4, 0x00, 0x00, 0x00, 0x45];
        let v = ArcnetView::new(&b, false).unwrap();
        assert_eq!(v.header_len(), 6);
        assert_eq!(v.next_layer(), NextLayer::Ipv4);
        assert_eq!(v.payload(), &[0x45]);
        assert!(fields(&v, Field::Offset).is_empty());
        // Exception packet: tshark shows the protocol id twice.
        let e = [
            0x01, 0x02, 0xd4, 0xff, 0xff, 0xff, 0xd4, 0x00, 0x00, 0x01, 0x45,
        ];
        let v = ArcnetView::new(&e, false).unwrap();
        assert!(v.is_exception());
        assert_eq!(fields(&v, Field::ProtId), ["0xd4", "0xd4"]);
        assert_eq!(fields(&v, Field::ExceptionFlag), ["0xff"]);
        assert_eq!(fields(&v, Field::Padding), ["0xffff"]);
        assert_eq!(fields(&v, Field::SplitFlag), ["0"]);
        assert_eq!(fields(&v, Field::Sequence), ["1"]);
        assert_eq!(v.payload(), &[0x45]);
        // On Linux 0xff is just a split flag.
        let l = [0x01, 0x02, 0, 0, 0xd4, 0xff, 0x00, 0x01, 0x45];
        let v = ArcnetView::new(&l, true).unwrap();
        assert_eq!(fields(&v, Field::SplitFlag), ["255"]);
        assert_eq!(v.payload(), &[0x45]);
        // Cut short after the split flag: no sequence, empty payload.
        let s = [0x01, 0x02, 0xd4, 0x00];
        let v = ArcnetView::new(&s, false).unwrap();
        assert_eq!(fields(&v, Field::SplitFlag), ["0"]);
        assert!(fields(&v, Field::Sequence).is_empty());
        assert!(v.payload().is_empty());
        assert_eq!(v.header_len(), 4);
        // BACnet goes to LLC, IPv6 to IPv6, Ethernet to data.
        for (pid, next) in [
            (0xcd, NextLayer::Llc),
            (0xc4, NextLayer::Ipv6),
            (0xe8, NextLayer::Data),
            (0xd6, NextLayer::EtherType(0x0806)),
        ] {
            let b = [1, 2, pid, 0, 0, 0];
            assert_eq!(ArcnetView::new(&b, false).unwrap().next_layer(), next);
        }
        assert!(ArcnetView::new(&[1, 2], false).is_err());
        assert!(ArcnetView::new(&[1, 2, 0, 0], true).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(src: u8, dst: u8, linux: bool, offset: [u8; 2], protocol_id: u8,
                      split_flag in 0u8..0xff, sequence: u16,
                      body in proptest::collection::vec(any::<u8>(), 0..16)) {
            let mut r = ArcnetRepr { src, dst, linux, offset, protocol_id, split_flag, sequence };
            if !linux { r.offset = [0, 0]; }
            if !ArcnetRepr::has_split(protocol_id) { r.split_flag = 0; r.sequence = 0; }
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let hl = buf.len();
            buf.extend_from_slice(&body);
            let v = ArcnetView::new(&buf, linux).unwrap();
            prop_assert_eq!(v.header_len(), hl);
            prop_assert_eq!(ArcnetRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &body[..]);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..16), linux: bool) {
            if let Ok(v) = ArcnetView::new(&bytes, linux) {
                assert_ranges_within(FIELDS, bytes.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                assert!(v.header_len() <= bytes.len());
                let _ = v.next_layer();
            }
        }
    }
}
