//! Generic Routing Encapsulation: RFC 2784/2890 (version 0) and PPTP's
//! enhanced GRE (RFC 2637, version 1).
//!
//! Two bytes of flags and version, then the protocol type of the payload
//! (an EtherType: 0x0800 IPv4, 0x86dd IPv6, 0x880b PPP, 0x6558 Ethernet,
//! 0x88be ERSPAN, ...), then optional fields in order as the flags announce
//! them: checksum and offset (C or R), key (K; in enhanced GRE the payload
//! length and call id), sequence number (S), acknowledgment number (A,
//! enhanced GRE only) and the RFC 1701 source route entries (R). WCCPv2
//! adds a 4-byte redirect header and 3GPP2 (CDMA2000 A10) a list of
//! attributes, which tshark counts as part of the GRE header.

use crate::bytes::{be16, be32, tail, u8_at};
use crate::checksum::{self, Status};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::fmt::Write as _;
use std::ops::Range;

/// Byte ranges of the fixed fields.
mod at {
    use std::ops::Range;
    pub const FLAGS: Range<usize> = 0..2;
    pub const PROTO: Range<usize> = 2..4;
    pub const FIXED_LEN: usize = 4;
}

/// Flag bits of the first two bytes.
pub mod flag {
    pub const CHECKSUM: u16 = 0x8000;
    pub const ROUTING: u16 = 0x4000;
    pub const KEY: u16 = 0x2000;
    pub const SEQUENCE: u16 = 0x1000;
    pub const STRICT_SOURCE_ROUTE: u16 = 0x0800;
    pub const RECURSION: u16 = 0x0700;
    /// Enhanced GRE: an acknowledgment number is present.
    pub const ACK: u16 = 0x0080;
    pub const VERSION: u16 = 0x0007;
}

/// Protocol types with special GRE header handling.
pub mod proto {
    pub const PPP: u16 = 0x880b;
    pub const WCCP: u16 = 0x883e;
    pub const CDMA2000_A10_UBS: u16 = 0x8881;
    pub const CDMA2000_3GPP2: u16 = 0x88d2;
}

field_table! {
    FlagsAndVersion: "gre.flags_and_version", "Flags and Version", Kind::Hex(4);
    FlagsChecksum: "gre.flags.checksum", "Checksum Bit", Kind::Bool;
    FlagsRouting: "gre.flags.routing", "Routing Bit", Kind::Bool;
    FlagsKey: "gre.flags.key", "Key Bit", Kind::Bool;
    FlagsSequenceNumber: "gre.flags.sequence_number", "Sequence Number Bit", Kind::Bool;
    FlagsStrictSourceRoute: "gre.flags.strict_source_route", "Strict Source Route Bit", Kind::Bool;
    FlagsRecursionControl: "gre.flags.recursion_control", "Recursion control", Kind::Dec;
    FlagsAck: "gre.flags.ack", "Acknowledgment", Kind::Bool;
    FlagsReserved: "gre.flags.reserved", "Flags (Reserved)", Kind::Dec;
    FlagsVersion: "gre.flags.version", "Version", Kind::Dec;
    Proto: "gre.proto", "Protocol Type", Kind::Hex(4);
    Checksum: "gre.checksum", "Checksum", Kind::Hex(4);
    ChecksumStatus: "gre.checksum.status", "Checksum Status", Kind::Dec;
    Offset: "gre.offset", "Offset", Kind::Dec;
    Key: "gre.key", "Key", Kind::Hex(8);
    KeyPayloadLength: "gre.key.payload_length", "Payload Length", Kind::Dec;
    KeyCallId: "gre.key.call_id", "Call ID", Kind::Dec;
    SequenceNumber: "gre.sequence_number", "Sequence Number", Kind::Dec;
    AckNumber: "gre.ack_number", "Acknowledgment Number", Kind::Dec;
    Routing: "gre.routing", "Routing", Kind::None;
    RoutingAddressFamily: "gre.routing.address_family", "Address Family", Kind::Dec;
    RoutingSreOffset: "gre.routing.sre_offset", "SRE Offset", Kind::Dec;
    RoutingSreLength: "gre.routing.src_length", "SRE Length", Kind::Dec;
    RoutingInformation: "gre.routing.information", "Routing Information", Kind::Bytes;
    WccpRedirectHeader: "gre.wccp.redirect_header", "Redirect Header", Kind::None;
    WccpDynamicService: "gre.wccp.dynamic_service", "Dynamic Service", Kind::Bool;
    WccpAlternativeBucketUsed: "gre.wccp.alternative_bucket_used", "Alternative bucket used", Kind::Bool;
    WccpRedirectHeaderValid: "gre.wccp.redirect_header_valid", "WCCP Redirect header is valid", Kind::Bool;
    WccpServiceId: "gre.wccp.service_id", "Service ID", Kind::Dec;
    WccpAlternativeBucket: "gre.wccp.alternative_bucket", "Alternative Bucket", Kind::Dec;
    WccpPrimaryBucket: "gre.wccp.primary_bucket", "Primary Bucket", Kind::Dec;
}

/// tshark's names for GRE protocol types, as in the layer title.
fn proto_name(p: u16) -> Option<&'static str> {
    Some(match p {
        0x0000 => "Possible GRE keepalive packet",
        0x880b => "PPP",
        0x0800 => "IP",
        0x0806 => "ARP",
        0x00fe => "OSI",
        0x883e => "WCCP",
        0x2000 => "CDP (Cisco)",
        0x2001 => "NHRP",
        0x88be => "ERSPAN",
        0x22eb => "ERSPAN III",
        0x6400 => "MIKROTIK EoIP",
        0xfeae => "AIROHIVE AP AP",
        0x8137 => "IPX",
        0x6558 => "Transparent Ethernet bridging",
        0x6559 => "Frame Relay",
        0x86dd => "IPv6",
        0x8847 => "MPLS label switched packet",
        0x894f => "Network Service Header",
        0x8881 => "CDMA2000 A10 Unstructured byte stream",
        0x88d2 => "CDMA2000 A10 3GPP2 Packet",
        0x8909 => "CiscoMetaData",
        0x8200..=0x8370 if p & 0xf == 0 => "ARUBA WLAN",
        0x9000 => "ARUBA WLAN",
        _ => return None,
    })
}

/// Where the optional parts of a GRE header are (offsets from its start).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Layout {
    checksum: Option<usize>,
    key: Option<usize>,
    seq: Option<usize>,
    ack: Option<usize>,
    /// Start and end of the source route entries.
    routing: Option<(usize, usize)>,
    wccp: Option<usize>,
    /// Start and end of the 3GPP2 attributes.
    attribs: Option<(usize, usize)>,
    len: usize,
}

/// A view over a GRE header and its payload.
#[derive(Clone, Copy, Debug)]
pub struct GreView<'a> {
    bytes: &'a [u8],
    layout: Layout,
    /// The GRE packet's length on the wire (per the IP header), if known.
    wire_len: Option<usize>,
    checksum_status: Option<Status>,
}

impl<'a> GreView<'a> {
    /// A view over `bytes`, which must hold the whole GRE header: the 4 fixed
    /// bytes and every optional field the flags announce.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::FIXED_LEN)?;
        let layout = Self::layout(bytes)?;
        need(bytes, layout.len)?;
        Ok(GreView {
            bytes,
            layout,
            wire_len: None,
            checksum_status: None,
        })
    }

    fn layout(b: &[u8]) -> Result<Layout, Error> {
        let fv = be16(b, 0).unwrap_or(0);
        let ty = be16(b, 2).unwrap_or(0);
        let enhanced = is_enhanced(fv, ty);
        let mut l = Layout::default();
        let mut off = at::FIXED_LEN;
        let mut take = |n: usize| {
            let at = off;
            off += n;
            at
        };
        if fv & (flag::CHECKSUM | flag::ROUTING) != 0 {
            l.checksum = Some(take(4));
        }
        if fv & flag::KEY != 0 {
            l.key = Some(take(4));
        }
        if fv & flag::SEQUENCE != 0 {
            l.seq = Some(take(4));
        }
        if enhanced && fv & flag::ACK != 0 {
            l.ack = Some(take(4));
        }
        if fv & flag::ROUTING != 0 {
            // Source route entries up to the null one (family 0, length 0).
            let start = off;
            loop {
                need(b, off + 4)?;
                let af = be16(b, off).unwrap_or(0);
                let len = usize::from(u8_at(b, off + 3).unwrap_or(0));
                off += 4;
                if af == 0 && len == 0 {
                    break;
                }
                off += len;
            }
            l.routing = Some((start, off));
        }
        if ty == proto::WCCP && u8_at(b, at::FIXED_LEN).is_some_and(|x| x >> 4 != 4) {
            // WCCPv2's redirect header: present unless the byte after the
            // fixed header starts an IPv4 header (tshark's test).
            l.wccp = Some(off);
            off += 4;
        }
        if ty == proto::CDMA2000_3GPP2 {
            let start = off;
            loop {
                need(b, off + 2)?;
                let id = u8_at(b, off).unwrap_or(0);
                off += 2 + usize::from(u8_at(b, off + 1).unwrap_or(0));
                if id & 0x80 != 0 {
                    break;
                }
            }
            l.attribs = Some((start, off));
        }
        l.len = off;
        Ok(l)
    }

    /// Record the GRE packet's length on the wire (from the IP header), so
    /// that a checksum over a capture cut short is left unverified.
    pub fn with_wire_len(mut self, len: usize) -> Self {
        self.wire_len = Some(len);
        self
    }

    pub fn flags_and_version(&self) -> u16 {
        be16(self.bytes, at::FLAGS.start).unwrap_or(0)
    }

    /// 0 for GRE, 1 for enhanced GRE (PPTP).
    pub fn version(&self) -> u8 {
        (self.flags_and_version() & flag::VERSION) as u8
    }

    /// The payload's protocol type (an EtherType).
    pub fn protocol(&self) -> u16 {
        be16(self.bytes, at::PROTO.start).unwrap_or(0)
    }

    /// Enhanced GRE header (tshark: PPP with a non-zero version, or a
    /// CDMA2000 type): the key is payload length and call id, and an
    /// acknowledgment number may follow the sequence number.
    pub fn is_enhanced(&self) -> bool {
        is_enhanced(self.flags_and_version(), self.protocol())
    }

    pub fn has_checksum(&self) -> bool {
        self.flags_and_version() & flag::CHECKSUM != 0
    }

    /// The checksum field (present when the C or R bit is set).
    pub fn checksum(&self) -> Option<u16> {
        be16(self.bytes, self.layout.checksum?)
    }

    /// The RFC 1701 offset field (present with the checksum).
    pub fn offset(&self) -> Option<u16> {
        be16(self.bytes, self.layout.checksum? + 2)
    }

    /// The key (in enhanced GRE: payload length << 16 | call id).
    pub fn key(&self) -> Option<u32> {
        be32(self.bytes, self.layout.key?)
    }

    /// Enhanced GRE splits the key into payload length and call id (except
    /// for CDMA2000 unstructured byte streams).
    pub fn key_is_split(&self) -> bool {
        self.is_enhanced() && self.protocol() != proto::CDMA2000_A10_UBS
    }

    /// Enhanced GRE: the payload length from the key field.
    pub fn payload_length(&self) -> Option<u16> {
        if !self.key_is_split() {
            return None;
        }
        be16(self.bytes, self.layout.key?)
    }

    /// Enhanced GRE: the peer's call id from the key field.
    pub fn call_id(&self) -> Option<u16> {
        if !self.key_is_split() {
            return None;
        }
        be16(self.bytes, self.layout.key? + 2)
    }

    pub fn sequence_number(&self) -> Option<u32> {
        be32(self.bytes, self.layout.seq?)
    }

    /// Enhanced GRE: the acknowledgment number.
    pub fn ack_number(&self) -> Option<u32> {
        be32(self.bytes, self.layout.ack?)
    }

    pub fn header_len(&self) -> usize {
        self.layout.len
    }

    /// Everything after the GRE header.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.layout.len)
    }

    /// Check the checksum (over header and payload) when the C bit is set
    /// and the whole packet was captured; `Unverified` otherwise.
    pub fn verify_checksum(&self) -> Status {
        if self.layout.checksum.is_none()
            || !self.has_checksum()
            || self.wire_len.is_some_and(|n| n > self.bytes.len())
        {
            return Status::Unverified;
        }
        let end = self
            .wire_len
            .unwrap_or(self.bytes.len())
            .min(self.bytes.len());
        let pkt = self.bytes.get(..end).unwrap_or(self.bytes);
        if checksum::finish(checksum::sum(pkt)) == 0 {
            return Status::Good;
        }
        let field = u32::from(self.checksum().unwrap_or(0));
        // The sum without the stored value, folded, is what belongs there.
        let without = checksum::combine(checksum::sum(pkt), 0xffff - field);
        Status::Bad {
            expected: checksum::finish(without),
        }
    }

    /// Remember a verification result so the checksum status field shows it.
    pub fn set_checksum_status(&mut self, st: Status) {
        self.checksum_status = Some(st);
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let fv = self.flags_and_version();
        let fr = at::FLAGS;
        let bit = |m: u16| Value::Bool(fv & m != 0);
        let uint = |n: u64| Value::UInt(n);
        let l = &self.layout;
        let enhanced = self.is_enhanced();
        match f {
            Field::FlagsAndVersion => out.value(uint(fv.into()), fr),
            Field::FlagsChecksum => out.value(bit(flag::CHECKSUM), fr),
            Field::FlagsRouting => out.value(bit(flag::ROUTING), fr),
            Field::FlagsKey => out.value(bit(flag::KEY), fr),
            Field::FlagsSequenceNumber => out.value(bit(flag::SEQUENCE), fr),
            Field::FlagsStrictSourceRoute => out.value(bit(flag::STRICT_SOURCE_ROUTE), fr),
            Field::FlagsRecursionControl => out.value(uint(((fv >> 8) & 7).into()), fr),
            Field::FlagsAck if enhanced => out.value(bit(flag::ACK), fr),
            Field::FlagsReserved => {
                let mask = if enhanced { 0x0078 } else { 0x00f8 };
                out.value(uint(((fv & mask) >> 3).into()), fr)
            }
            Field::FlagsVersion => out.value(uint((fv & 7).into()), fr),
            Field::Proto => out.value(uint(self.protocol().into()), at::PROTO),
            Field::Checksum => {
                if let (Some(o), Some(c)) = (l.checksum, self.checksum()) {
                    out.value(uint(c.into()), o..o + 2)
                }
            }
            Field::ChecksumStatus => {
                if let Some(o) = l.checksum {
                    let st = self.checksum_status.unwrap_or(Status::Unverified);
                    out.value(uint(st.code()), o..o + 2)
                }
            }
            Field::Offset => {
                if let (Some(o), Some(v)) = (l.checksum, self.offset()) {
                    out.value(uint(v.into()), o + 2..o + 4)
                }
            }
            Field::Key if !self.key_is_split() => {
                if let (Some(o), Some(k)) = (l.key, self.key()) {
                    out.value(uint(k.into()), o..o + 4)
                }
            }
            Field::KeyPayloadLength => {
                if let (Some(o), Some(v)) = (l.key, self.payload_length()) {
                    out.value(uint(v.into()), o..o + 2)
                }
            }
            Field::KeyCallId => {
                if let (Some(o), Some(v)) = (l.key, self.call_id()) {
                    out.value(uint(v.into()), o + 2..o + 4)
                }
            }
            Field::SequenceNumber => {
                if let (Some(o), Some(v)) = (l.seq, self.sequence_number()) {
                    out.value(uint(v.into()), o..o + 4)
                }
            }
            Field::AckNumber => {
                if let (Some(o), Some(v)) = (l.ack, self.ack_number()) {
                    out.value(uint(v.into()), o..o + 4)
                }
            }
            Field::Routing
            | Field::RoutingAddressFamily
            | Field::RoutingSreOffset
            | Field::RoutingSreLength
            | Field::RoutingInformation => {
                if let Some((start, end)) = l.routing {
                    self.routing_field(f, start, end, out)
                }
            }
            _ => {
                if let Some(o) = l.wccp {
                    self.wccp_field(f, o, out)
                }
            }
        }
    }

    fn routing_field(&self, f: Field, start: usize, end: usize, out: &mut dyn FieldSink<'a>) {
        let mut off = start;
        while off + 4 <= end {
            let af = be16(self.bytes, off).unwrap_or(0);
            let sre_off = u8_at(self.bytes, off + 2).unwrap_or(0);
            let len = usize::from(u8_at(self.bytes, off + 3).unwrap_or(0));
            let info: Range<usize> = off + 4..(off + 4 + len).min(end);
            match f {
                Field::Routing => out.value(Value::Present, off..info.end),
                Field::RoutingAddressFamily => out.value(Value::UInt(af.into()), off..off + 2),
                Field::RoutingSreOffset => out.value(Value::UInt(sre_off.into()), off + 2..off + 3),
                Field::RoutingSreLength => out.value(Value::UInt(len as u64), off + 3..off + 4),
                Field::RoutingInformation if !(af == 0 && len == 0) => {
                    if let Some(b) = self.bytes.get(info.clone()) {
                        out.value(Value::Bytes(b), info.clone())
                    }
                }
                _ => {}
            }
            off = info.end;
        }
    }

    fn wccp_field(&self, f: Field, o: usize, out: &mut dyn FieldSink<'a>) {
        let b0 = u8_at(self.bytes, o).unwrap_or(0);
        let byte = |i: usize| Value::UInt(u8_at(self.bytes, o + i).unwrap_or(0).into());
        match f {
            Field::WccpRedirectHeader => out.value(Value::Present, o..o + 4),
            Field::WccpDynamicService => out.value(Value::Bool(b0 & 1 != 0), o..o + 1),
            Field::WccpAlternativeBucketUsed => out.value(Value::Bool(b0 & 2 != 0), o..o + 1),
            Field::WccpRedirectHeaderValid => out.value(Value::Bool(b0 & 4 != 0), o..o + 1),
            Field::WccpServiceId => out.value(byte(1), o + 1..o + 2),
            Field::WccpAlternativeBucket => out.value(byte(2), o + 2..o + 3),
            Field::WccpPrimaryBucket => out.value(byte(3), o + 3..o + 4),
            _ => {}
        }
    }

    /// `Generic Routing Encapsulation (IP)`, `(PPP)`, `(0x1234 - unknown)`.
    pub fn title(&self, out: &mut String) {
        let p = self.protocol();
        match proto_name(p) {
            Some(n) => {
                let _ = write!(out, "Generic Routing Encapsulation ({n})");
            }
            None => {
                let _ = write!(out, "Generic Routing Encapsulation (0x{p:04X} - unknown)");
            }
        }
    }
}

fn is_enhanced(fv: u16, ty: u16) -> bool {
    match ty {
        proto::PPP => fv & flag::VERSION != 0,
        proto::CDMA2000_3GPP2 | proto::CDMA2000_A10_UBS => true,
        _ => false,
    }
}

/// The plain values of a GRE header, for building packets. Routing,
/// WCCPv2 and 3GPP2 extensions are not built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GreRepr {
    /// 0 for GRE, 1 for enhanced GRE (PPTP); 3 bits.
    pub version: u8,
    pub protocol: u16,
    /// Set the C bit and fill in the checksum (see [`GreRepr::emit_packet`]).
    pub checksum: bool,
    /// The key; for enhanced GRE, payload length << 16 | call id.
    pub key: Option<u32>,
    pub sequence: Option<u32>,
    /// Enhanced GRE only (version != 0 and protocol PPP).
    pub ack: Option<u32>,
}

impl GreRepr {
    pub fn parse(v: &GreView) -> Self {
        GreRepr {
            version: v.version(),
            protocol: v.protocol(),
            checksum: v.has_checksum(),
            key: v.key(),
            sequence: v.sequence_number(),
            ack: v.ack_number(),
        }
    }

    fn flags(&self) -> u16 {
        let mut f = u16::from(self.version) & flag::VERSION;
        if self.checksum {
            f |= flag::CHECKSUM;
        }
        if self.key.is_some() {
            f |= flag::KEY;
        }
        if self.sequence.is_some() {
            f |= flag::SEQUENCE;
        }
        if self.ack.is_some() && is_enhanced(f, self.protocol) {
            f |= flag::ACK;
        }
        f
    }

    /// The header's length.
    pub fn header_len(&self) -> usize {
        let f = self.flags();
        4 + [flag::CHECKSUM, flag::KEY, flag::SEQUENCE, flag::ACK]
            .iter()
            .filter(|&&m| f & m != 0)
            .count()
            * 4
    }

    /// Append the header to `buf`, with a zero checksum field if any.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let f = self.flags();
        buf.extend_from_slice(&f.to_be_bytes());
        buf.extend_from_slice(&self.protocol.to_be_bytes());
        if f & flag::CHECKSUM != 0 {
            buf.extend_from_slice(&[0; 4]);
        }
        for (m, v) in [
            (flag::KEY, self.key),
            (flag::SEQUENCE, self.sequence),
            (flag::ACK, self.ack),
        ] {
            if f & m != 0 {
                buf.extend_from_slice(&v.unwrap_or(0).to_be_bytes());
            }
        }
    }

    /// Append the header and `payload` to `buf`, with the checksum filled
    /// in when the C bit is set.
    pub fn emit_packet(&self, payload: &[u8], buf: &mut Vec<u8>) {
        let start = buf.len();
        self.emit(buf);
        buf.extend_from_slice(payload);
        if self.checksum {
            let c = checksum::finish(checksum::sum(tail(buf, start)));
            if let Some(field) = buf.get_mut(start + 4..start + 6) {
                field.copy_from_slice(&c.to_be_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, occurrences, string_of};
    use proptest::prelude::*;

    fn all(v: &GreView) -> Vec<(&'static str, String)> {
        occurrences(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    fn get(v: &GreView, name: &str) -> Vec<String> {
        all(v)
            .into_iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, s)| s)
            .collect()
    }

    fn title(v: &GreView) -> String {
        string_of(|t| v.title(t))
    }

    /// arkime 6-4-gre-ppp-udp-4-dns.pcap frame 1, bytes 78..100: PPTP's
    /// enhanced GRE with key, sequence and acknowledgment, then PPP.
    const PPTP: [u8; 22] = [
        0x30, 0x81, 0x88, 0x0b, 0x00, 0x67, 0x17, 0x80, 0x00, 0x06, 0x8f, 0xb1, 0x00, 0x08, 0x3a,
        0x76, 0xff, 0x03, 0x00, 0x21, 0x45, 0x00,
    ];

    #[test]
    fn enhanced_gre() {
        let v = GreView::new(&PPTP).unwrap();
        assert_eq!(title(&v), "Generic Routing Encapsulation (PPP)");
        assert!(v.is_enhanced());
        assert_eq!(v.header_len(), 16);
        assert_eq!(v.protocol(), proto::PPP);
        assert_eq!((v.payload_length(), v.call_id()), (Some(103), Some(6016)));
        assert_eq!(v.payload(), &PPTP[16..]);
        assert_eq!(
            all(&v),
            [
                ("gre.flags_and_version", "0x3081".to_string()),
                ("gre.flags.checksum", "0".into()),
                ("gre.flags.routing", "0".into()),
                ("gre.flags.key", "1".into()),
                ("gre.flags.sequence_number", "1".into()),
                ("gre.flags.strict_source_route", "0".into()),
                ("gre.flags.recursion_control", "0".into()),
                ("gre.flags.ack", "1".into()),
                ("gre.flags.reserved", "0".into()),
                ("gre.flags.version", "1".into()),
                ("gre.proto", "0x880b".into()),
                ("gre.key.payload_length", "103".into()),
                ("gre.key.call_id", "6016".into()),
                ("gre.sequence_number", "430001".into()),
                ("gre.ack_number", "539254".into()),
            ]
        );
        assert_eq!(v.verify_checksum(), Status::Unverified);
    }

    /// tcpdump NHRP_registration.pcap frame 1, bytes 38..48: GRE with a key.
    const NHRP: [u8; 10] = [0x20, 0x00, 0x20, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01];

    #[test]
    fn key() {
        let v = GreView::new(&NHRP).unwrap();
        assert_eq!(title(&v), "Generic Routing Encapsulation (NHRP)");
        assert_eq!(get(&v, "gre.key"), ["0x00000002"]);
        assert!(get(&v, "gre.flags.ack").is_empty());
        assert!(get(&v, "gre.checksum.status").is_empty());
        assert_eq!(v.payload(), &[0x00, 0x01]);
    }

    /// tcpdump erspan-type-ii-1.pcap frame 1, bytes 34..46: a sequence number.
    const ERSPAN: [u8; 12] = [
        0x10, 0x00, 0x88, 0xbe, 0x00, 0x00, 0x00, 0xab, 0x11, 0x56, 0xc2, 0x9a,
    ];

    #[test]
    fn sequence() {
        let v = GreView::new(&ERSPAN).unwrap();
        assert_eq!(title(&v), "Generic Routing Encapsulation (ERSPAN)");
        assert_eq!(v.sequence_number(), Some(171));
        assert_eq!(v.header_len(), 8);
    }

    /// tcpdump wccp_redirect_gre.pcap frame 1, bytes 34..46: a WCCPv2
    /// redirect header inside the GRE header, then IPv4.
    const WCCP: [u8; 12] = [
        0x00, 0x00, 0x88, 0x3e, 0x05, 0x59, 0x00, 0x48, 0x45, 0x00, 0x00, 0xf0,
    ];

    #[test]
    fn wccp_redirect_header() {
        let v = GreView::new(&WCCP).unwrap();
        assert_eq!(v.header_len(), 8);
        assert_eq!(v.payload()[0], 0x45);
        assert_eq!(get(&v, "gre.wccp.dynamic_service"), ["1"]);
        assert_eq!(get(&v, "gre.wccp.redirect_header_valid"), ["1"]);
        assert_eq!(get(&v, "gre.wccp.service_id"), ["89"]);
        assert_eq!(get(&v, "gre.wccp.primary_bucket"), ["72"]);
        // WCCPv1: IPv4 straight after the fixed header.
        let v = GreView::new(&[0x00, 0x00, 0x88, 0x3e, 0x45, 0x00]).unwrap();
        assert_eq!(v.header_len(), 4);
        assert!(get(&v, "gre.wccp.service_id").is_empty());
    }

    #[test]
    fn checksum_good_and_bad() {
        // The NHRP payload start, re-sent with a checksum.
        let r = GreRepr {
            version: 0,
            protocol: 0x0800,
            checksum: true,
            key: None,
            sequence: None,
            ack: None,
        };
        let payload = [0x45, 0x00, 0x00, 0x14, 0x12, 0x34, 0x00, 0x00, 0x40, 0x11];
        let mut b = Vec::new();
        r.emit_packet(&payload, &mut b);
        let mut v = GreView::new(&b).unwrap();
        assert_eq!(v.verify_checksum(), Status::Good);
        v.set_checksum_status(v.verify_checksum());
        assert_eq!(get(&v, "gre.checksum.status"), ["1"]);
        assert_eq!(get(&v, "gre.offset"), ["0"]);
        let good = v.checksum().unwrap();
        b[4] ^= 0x11;
        let v = GreView::new(&b).unwrap();
        assert_eq!(v.verify_checksum(), Status::Bad { expected: good });
        // Cut short: not verified.
        let v = GreView::new(&b[..b.len() - 1])
            .unwrap()
            .with_wire_len(b.len());
        assert_eq!(v.verify_checksum(), Status::Unverified);
        assert_eq!(get(&v, "gre.checksum.status"), ["2"]);
    }

    #[test]
    fn routing_entries() {
        // R bit: checksum/offset, one IPv4 SRE, then the null SRE (as tshark
        // 4.0 shows a crafted packet).
        let b = [
            0x40, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0x08, 0x00, 0x00, 0x04, 10, 0, 0, 5, 0, 0, 0, 0,
            0x45,
        ];
        let v = GreView::new(&b).unwrap();
        assert_eq!(v.header_len(), 20);
        assert_eq!(get(&v, "gre.checksum.status"), ["2"]);
        assert_eq!(get(&v, "gre.routing.address_family"), ["2048", "0"]);
        assert_eq!(get(&v, "gre.routing.src_length"), ["4", "0"]);
        assert_eq!(get(&v, "gre.routing.information"), ["0a000005"]);
        assert_eq!(v.verify_checksum(), Status::Unverified);
        // An SRE running past the end is a truncated header.
        assert!(GreView::new(&b[..14]).is_err());
    }

    #[test]
    fn flags_and_titles() {
        // Every flag but C/R/K/S set, version 2 (checked with tshark 4.0).
        let v = GreView::new(&[0x0f, 0xfa, 0x08, 0x00]).unwrap();
        assert_eq!(get(&v, "gre.flags.strict_source_route"), ["1"]);
        assert_eq!(get(&v, "gre.flags.recursion_control"), ["7"]);
        assert_eq!(get(&v, "gre.flags.reserved"), ["31"]);
        assert_eq!(get(&v, "gre.flags.version"), ["2"]);
        assert_eq!(title(&v), "Generic Routing Encapsulation (IP)");
        let v = GreView::new(&[0, 0, 0x12, 0x34]).unwrap();
        assert_eq!(
            title(&v),
            "Generic Routing Encapsulation (0x1234 - unknown)"
        );
        let v = GreView::new(&[0, 0, 0x82, 0x40]).unwrap();
        assert_eq!(title(&v), "Generic Routing Encapsulation (ARUBA WLAN)");
        // 3GPP2 attributes belong to the header.
        let v =
            GreView::new(&[0, 0, 0x88, 0xd2, 0x01, 0x01, 0x80, 0x84, 0x01, 0x40, 0xff]).unwrap();
        assert_eq!(v.header_len(), 10);
        assert!(GreView::new(&PPTP[..15]).is_err());
    }

    proptest! {
        #[test]
        fn build_then_parse(enhanced: bool, protocol: u16, checksum: bool, key: Option<u32>,
                            sequence: Option<u32>, ack: Option<u32>,
                            payload in proptest::collection::vec(any::<u8>(), 0..32)) {
            let (version, protocol) = if enhanced { (1, proto::PPP) } else { (0, protocol) };
            // Avoid the types whose header grows with the payload.
            prop_assume!(!matches!(protocol, proto::WCCP | proto::CDMA2000_3GPP2 | proto::CDMA2000_A10_UBS));
            let r = GreRepr { version, protocol, checksum, key, sequence, ack: if enhanced { ack } else { None } };
            let mut buf = Vec::new();
            r.emit_packet(&payload, &mut buf);
            let v = GreView::new(&buf).unwrap();
            prop_assert_eq!(GreRepr::parse(&v), r);
            prop_assert_eq!(v.header_len(), r.header_len());
            prop_assert_eq!(v.payload(), &payload[..]);
            prop_assert_eq!(v.verify_checksum(), if checksum { Status::Good } else { Status::Unverified });
        }

        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..48)) {
            if let Ok(mut v) = GreView::new(&b) {
                v.set_checksum_status(v.verify_checksum());
                assert_ranges_within(FIELDS, b.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                let _ = v.payload();
                v.title(&mut String::new());
            }
        }
    }
}
