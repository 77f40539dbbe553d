//! The Internet Control Message Protocol for IPv4 (RFC 792).
//!
//! Every message starts with type, code and checksum; the next four bytes
//! depend on the type. Error messages (destination unreachable, source
//! quench, redirect, time exceeded, parameter problem) quote the start of
//! the IP datagram that caused them: [`IcmpView::quoted`] gives those bytes
//! for the dissector to read as an inner IP layer, as tshark does (which is
//! why `ip.src` reads `a,b` for ICMP errors). Echo messages carry data, often
//! starting with the sender's clock; [`IcmpView::with_frame_time`] enables
//! tshark's guess at it (`icmp.data_time`).

use crate::bytes::{be16, be32, le16, le32, tail, u8_at};
use crate::checksum::{self, Status};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const TYPE: Range<usize> = 0..1;
    pub const CODE: Range<usize> = 1..2;
    pub const CHECKSUM: Range<usize> = 2..4;
    /// The "rest of header", read per type.
    pub const IDENT: Range<usize> = 4..6;
    pub const SEQ: Range<usize> = 6..8;
    pub const REST: Range<usize> = 4..8;
    pub const MTU: Range<usize> = 6..8;
    /// RFC 4884 length of the quoted datagram, in 32-bit words.
    pub const LENGTH: Range<usize> = 5..6;
    pub const POINTER: Range<usize> = 4..5;
    pub const ORIGINATE: Range<usize> = 8..12;
    pub const RECEIVE: Range<usize> = 12..16;
    pub const TRANSMIT: Range<usize> = 16..20;
    pub const MASK: Range<usize> = 8..12;
    /// Router advertisement: number of addresses, entry size, lifetime.
    pub const NUM_ADDRS: Range<usize> = 4..5;
    pub const ENTRY_SIZE: Range<usize> = 5..6;
    pub const LIFETIME: Range<usize> = 6..8;
    /// Echo data that may be the sender's clock.
    pub const DATA_TIME: Range<usize> = 8..16;
    pub const MIN_LEN: usize = 4;
    pub const HEADER_LEN: usize = 8;
}

/// ICMP message types.
pub mod kind {
    pub const ECHO_REPLY: u8 = 0;
    pub const DEST_UNREACHABLE: u8 = 3;
    pub const SOURCE_QUENCH: u8 = 4;
    pub const REDIRECT: u8 = 5;
    pub const ECHO_REQUEST: u8 = 8;
    pub const ROUTER_ADVERTISEMENT: u8 = 9;
    pub const ROUTER_SOLICITATION: u8 = 10;
    pub const TIME_EXCEEDED: u8 = 11;
    pub const PARAMETER_PROBLEM: u8 = 12;
    pub const TIMESTAMP_REQUEST: u8 = 13;
    pub const TIMESTAMP_REPLY: u8 = 14;
    pub const INFO_REQUEST: u8 = 15;
    pub const INFO_REPLY: u8 = 16;
    pub const MASK_REQUEST: u8 = 17;
    pub const MASK_REPLY: u8 = 18;
}

/// Destination-unreachable code for "fragmentation needed" (carries the MTU).
pub const CODE_FRAG_NEEDED: u8 = 4;

field_table! {
    Type: "icmp.type", "Type", Kind::Dec;
    Code: "icmp.code", "Code", Kind::Dec;
    Checksum: "icmp.checksum", "Checksum", Kind::Hex(4);
    ChecksumStatus: "icmp.checksum.status", "Checksum Status", Kind::Dec;
    Unused: "icmp.unused", "Unused", Kind::Bytes;
    Ident: "icmp.ident", "Identifier (BE)", Kind::Dec;
    IdentLe: "icmp.ident_le", "Identifier (LE)", Kind::Dec;
    Seq: "icmp.seq", "Sequence Number (BE)", Kind::Dec;
    SeqLe: "icmp.seq_le", "Sequence Number (LE)", Kind::Dec;
    Mtu: "icmp.mtu", "MTU of next hop", Kind::Dec;
    Length: "icmp.length", "Length", Kind::Dec;
    LengthOriginal: "icmp.length.original_datagram", "Length of original datagram", Kind::Dec;
    Pointer: "icmp.pointer", "Pointer", Kind::Dec;
    RedirGw: "icmp.redir_gw", "Gateway Address", Kind::Ipv4;
    NumAddrs: "icmp.num_addrs", "Number of addresses", Kind::Dec;
    AddrEntrySize: "icmp.addr_entry_size", "Address entry size", Kind::Dec;
    Lifetime: "icmp.lifetime", "Lifetime", Kind::Dec;
    RouterAddress: "icmp.router_address", "Router address", Kind::Ipv4;
    PrefLevel: "icmp.pref_level", "Preference level", Kind::Signed;
    OriginateTimestamp: "icmp.originate_timestamp", "Originate timestamp", Kind::Dec;
    ReceiveTimestamp: "icmp.receive_timestamp", "Receive timestamp", Kind::Dec;
    TransmitTimestamp: "icmp.transmit_timestamp", "Transmit timestamp", Kind::Dec;
    AddressMask: "icmp.address_mask", "Address Mask", Kind::Ipv4;
    DataTime: "icmp.data_time", "Timestamp from icmp data", Kind::AbsTime;
    DataTimeRelative: "icmp.data_time_relative", "Timestamp from icmp data (relative)", Kind::RelTime;
}

/// A view over an ICMP message.
#[derive(Clone, Copy, Debug)]
pub struct IcmpView<'a> {
    bytes: &'a [u8],
    /// The message's length on the wire (the IP payload length).
    wire_len: usize,
    checksum_status: Status,
    /// The capture time of the frame (seconds, nanoseconds), for the guess
    /// at a clock in echo data.
    frame_time: Option<(i64, u32)>,
}

impl<'a> IcmpView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold at least type, code and checksum
    /// (fields of the rest of the header show only where captured, as in tshark).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::MIN_LEN)?;
        Ok(IcmpView {
            bytes,
            wire_len: bytes.len(),
            checksum_status: Status::Unverified,
            frame_time: None,
        })
    }

    /// The message's length on the wire per the IP header (default: the
    /// captured length).
    pub fn with_wire_len(mut self, len: usize) -> Self {
        self.wire_len = len;
        self
    }

    /// The frame's capture time: lets echo messages show a clock found at
    /// the start of their data (`icmp.data_time`), as tshark does, in which
    /// case [`IcmpView::payload`] starts after it.
    pub fn with_frame_time(mut self, secs: i64, nanos: u32) -> Self {
        self.frame_time = Some((secs, nanos));
        self
    }

    /// Record the result of [`IcmpView::verify_checksum`] for `icmp.checksum.status`.
    pub fn set_checksum_status(&mut self, s: Status) {
        self.checksum_status = s;
    }

    pub fn checksum_status(&self) -> Status {
        self.checksum_status
    }

    /// The message type.
    pub fn kind(&self) -> u8 {
        u8_at(self.bytes, at::TYPE.start).unwrap_or(0)
    }

    pub fn code(&self) -> u8 {
        u8_at(self.bytes, at::CODE.start).unwrap_or(0)
    }

    pub fn checksum(&self) -> u16 {
        be16(self.bytes, at::CHECKSUM.start).unwrap_or(0)
    }

    /// Echo, timestamp, information and mask messages: identifier (big-endian).
    pub fn ident(&self) -> u16 {
        be16(self.bytes, at::IDENT.start).unwrap_or(0)
    }

    /// Echo, timestamp, information and mask messages: sequence number.
    pub fn seq(&self) -> u16 {
        be16(self.bytes, at::SEQ.start).unwrap_or(0)
    }

    /// Fragmentation needed: the next hop's MTU.
    pub fn mtu(&self) -> u16 {
        be16(self.bytes, at::MTU.start).unwrap_or(0)
    }

    /// Redirect: the gateway to use.
    pub fn gateway(&self) -> [u8; 4] {
        crate::bytes::array(self.bytes, at::REST.start).unwrap_or_default()
    }

    /// Whether the message is an error that quotes a datagram.
    pub fn is_error(&self) -> bool {
        matches!(
            self.kind(),
            kind::DEST_UNREACHABLE
                | kind::SOURCE_QUENCH
                | kind::REDIRECT
                | kind::TIME_EXCEEDED
                | kind::PARAMETER_PROBLEM
        )
    }

    fn is_echo(&self) -> bool {
        matches!(self.kind(), kind::ECHO_REPLY | kind::ECHO_REQUEST)
    }

    /// Whether the type carries an identifier and a sequence number.
    fn has_ident(&self) -> bool {
        matches!(
            self.kind(),
            kind::ECHO_REPLY | kind::ECHO_REQUEST | kind::TIMESTAMP_REQUEST..=kind::MASK_REPLY
        )
    }

    /// RFC 4884: the length of the quoted datagram in 32-bit words (byte 5
    /// of destination unreachable but fragmentation needed, time exceeded
    /// and parameter problem), when not zero.
    fn original_len_words(&self) -> Option<u8> {
        let k = self.kind();
        let applies = (k == kind::DEST_UNREACHABLE && self.code() != CODE_FRAG_NEEDED)
            || k == kind::TIME_EXCEEDED
            || k == kind::PARAMETER_PROBLEM;
        u8_at(self.bytes, at::LENGTH.start).filter(|&n| applies && n > 0)
    }

    /// The datagram quoted by an error message (types 3, 4, 5, 11, 12),
    /// clamped to the RFC 4884 length when one is given; `None` for other
    /// types. May be short or empty: the inner view decides what it can read.
    pub fn quoted(&self) -> Option<&'a [u8]> {
        if !self.is_error() {
            return None;
        }
        let q = tail(self.bytes, at::HEADER_LEN);
        Some(match self.original_len_words() {
            Some(w) => q.get(..usize::from(w) * 4).unwrap_or(q),
            None => q,
        })
    }

    /// The clock guessed at the start of echo data, as tshark 4.0 does: 32-bit
    /// seconds and microseconds, big- then little-endian, taken when within a
    /// day of the frame's time. Needs [`IcmpView::with_frame_time`].
    pub fn data_time(&self) -> Option<(i64, u32)> {
        let (fsecs, _) = self.frame_time?;
        if !self.is_echo() || self.bytes.len() < at::DATA_TIME.end {
            return None;
        }
        let o = at::DATA_TIME.start;
        let plausible = |s: u32, us: u32| {
            let d = s.wrapping_sub(fsecs as u32) as i32;
            d.unsigned_abs() < 86_400 && us < 1_000_000
        };
        let (bs, bu) = (be32(self.bytes, o)?, be32(self.bytes, o + 4)?);
        let (ls, lu) = (le32(self.bytes, o)?, le32(self.bytes, o + 4)?);
        let (s, us) = if plausible(bs, bu) {
            (bs, bu)
        } else {
            (ls, lu)
        };
        plausible(s, us).then(|| (i64::from(s), us * 1000))
    }

    /// The header length: 8 for most types, more where fixed fields follow
    /// (timestamps 20, address mask 12, router advertisement 8 + its list,
    /// echo 16 when its data starts with a clock); clamped to the capture.
    pub fn header_len(&self) -> usize {
        let n = match self.kind() {
            kind::TIMESTAMP_REQUEST | kind::TIMESTAMP_REPLY => at::TRANSMIT.end,
            kind::MASK_REQUEST | kind::MASK_REPLY => at::MASK.end,
            kind::ROUTER_ADVERTISEMENT => {
                let (n, size) = self.router_list();
                at::HEADER_LEN + n * size * 4
            }
            kind::ECHO_REPLY | kind::ECHO_REQUEST if self.data_time().is_some() => {
                at::DATA_TIME.end
            }
            _ => at::HEADER_LEN,
        };
        n.min(self.bytes.len())
    }

    /// Number of router entries and their size in 32-bit words.
    fn router_list(&self) -> (usize, usize) {
        let n = u8_at(self.bytes, at::NUM_ADDRS.start).unwrap_or(0);
        let size = u8_at(self.bytes, at::ENTRY_SIZE.start).unwrap_or(0);
        (usize::from(n), usize::from(size))
    }

    /// What follows the header: echo data (the `data` layer), or for errors
    /// the quoted datagram (see [`IcmpView::quoted`]).
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.header_len())
    }

    /// Check the checksum over the whole message. `Unverified` when the
    /// capture holds less than the message as sent.
    pub fn verify_checksum(&self) -> Status {
        let Some(m) = self.bytes.get(..self.wire_len) else {
            return Status::Unverified;
        };
        if checksum::finish(checksum::sum(m)) == 0 {
            return Status::Good;
        }
        let before = m.get(..at::CHECKSUM.start).unwrap_or(&[]);
        let after = m.get(at::CHECKSUM.end..).unwrap_or(&[]);
        Status::Bad {
            expected: checksum::finish(checksum::combine(
                checksum::sum(before),
                checksum::sum(after),
            )),
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        let uint = |n: u64| Value::UInt(n);
        let k = self.kind();
        let code = self.code();
        let raw = |r: std::ops::Range<usize>| b.get(r.clone()).map(|s| (Value::Bytes(s), r));
        match f {
            Field::Type => out.value(uint(k.into()), at::TYPE),
            Field::Code => out.value(uint(code.into()), at::CODE),
            Field::Checksum => out.value(uint(self.checksum().into()), at::CHECKSUM),
            Field::ChecksumStatus => out.value(uint(self.checksum_status.code()), at::CHECKSUM),
            Field::Unused => {
                let parts: [Option<std::ops::Range<usize>>; 2] = match k {
                    kind::DEST_UNREACHABLE if code == CODE_FRAG_NEEDED => [Some(4..6), None],
                    kind::DEST_UNREACHABLE | kind::TIME_EXCEEDED
                        if self.original_len_words().is_some() =>
                    {
                        [Some(4..5), Some(6..8)]
                    }
                    kind::DEST_UNREACHABLE | kind::TIME_EXCEEDED | kind::SOURCE_QUENCH => {
                        [Some(at::REST), None]
                    }
                    kind::PARAMETER_PROBLEM if self.original_len_words().is_some() => {
                        [Some(6..8), None]
                    }
                    kind::PARAMETER_PROBLEM => [Some(5..8), None],
                    _ => [None, None],
                };
                for (v, r) in parts.into_iter().flatten().filter_map(raw) {
                    out.value(v, r)
                }
            }
            Field::Ident | Field::IdentLe | Field::Seq | Field::SeqLe => {
                if !self.has_ident() {
                    return;
                }
                let r = if matches!(f, Field::Ident | Field::IdentLe) {
                    at::IDENT
                } else {
                    at::SEQ
                };
                let v = if matches!(f, Field::Ident | Field::Seq) {
                    be16(b, r.start)
                } else {
                    le16(b, r.start)
                };
                if let Some(v) = v {
                    out.value(uint(v.into()), r)
                }
            }
            Field::Mtu => {
                if k == kind::DEST_UNREACHABLE && code == CODE_FRAG_NEEDED {
                    if let Some(m) = be16(b, at::MTU.start) {
                        out.value(uint(m.into()), at::MTU)
                    }
                }
            }
            Field::Length | Field::LengthOriginal => {
                if let Some(w) = self.original_len_words() {
                    let n = if f == Field::Length {
                        u64::from(w)
                    } else {
                        u64::from(w) * 4
                    };
                    out.value(uint(n), at::LENGTH)
                }
            }
            Field::Pointer => {
                if k == kind::PARAMETER_PROBLEM {
                    if let Some(p) = u8_at(b, at::POINTER.start) {
                        out.value(uint(p.into()), at::POINTER)
                    }
                }
            }
            Field::RedirGw => {
                if k == kind::REDIRECT && b.len() >= at::REST.end {
                    out.value(Value::Ipv4(self.gateway()), at::REST)
                }
            }
            Field::NumAddrs | Field::AddrEntrySize | Field::Lifetime => {
                if k != kind::ROUTER_ADVERTISEMENT {
                    return;
                }
                let (v, r) = match f {
                    Field::NumAddrs => (u8_at(b, 4).map(u16::from), at::NUM_ADDRS),
                    Field::AddrEntrySize => (u8_at(b, 5).map(u16::from), at::ENTRY_SIZE),
                    _ => (be16(b, at::LIFETIME.start), at::LIFETIME),
                };
                if let Some(v) = v {
                    out.value(uint(v.into()), r)
                }
            }
            Field::RouterAddress | Field::PrefLevel => {
                if k != kind::ROUTER_ADVERTISEMENT {
                    return;
                }
                let (n, size) = self.router_list();
                if size < 2 {
                    return;
                }
                for i in 0..n {
                    let at = at::HEADER_LEN + i * size * 4;
                    if f == Field::RouterAddress {
                        if let Some(a) = crate::bytes::array::<4>(b, at) {
                            out.value(Value::Ipv4(a), at..at + 4)
                        }
                    } else if let Some(p) = be32(b, at + 4) {
                        out.value(Value::Int(i64::from(p as i32)), at + 4..at + 8)
                    }
                }
            }
            Field::OriginateTimestamp | Field::ReceiveTimestamp | Field::TransmitTimestamp => {
                if !matches!(k, kind::TIMESTAMP_REQUEST | kind::TIMESTAMP_REPLY) {
                    return;
                }
                let r = match f {
                    Field::OriginateTimestamp => at::ORIGINATE,
                    Field::ReceiveTimestamp => at::RECEIVE,
                    _ => at::TRANSMIT,
                };
                if let Some(v) = be32(b, r.start) {
                    out.value(uint(v.into()), r)
                }
            }
            Field::AddressMask => {
                if matches!(k, kind::MASK_REQUEST | kind::MASK_REPLY) {
                    if let Some(a) = crate::bytes::array::<4>(b, at::MASK.start) {
                        out.value(Value::Ipv4(a), at::MASK)
                    }
                }
            }
            Field::DataTime => {
                if let Some((secs, nanos)) = self.data_time() {
                    out.value(Value::Time { secs, nanos }, at::DATA_TIME)
                }
            }
            Field::DataTimeRelative => {
                if let (Some((s, n)), Some((fs, fnanos))) = (self.data_time(), self.frame_time) {
                    let (secs, nanos) = time_sub((fs, fnanos), (s, n));
                    out.value(Value::Time { secs, nanos }, at::DATA_TIME)
                }
            }
        }
    }

    /// `Internet Control Message Protocol`, as tshark titles it.
    pub fn title(&self, out: &mut String) {
        out.push_str("Internet Control Message Protocol");
    }
}

/// `a - b` for (seconds, nanoseconds) times; nanoseconds stay in 0..1e9.
fn time_sub(a: (i64, u32), b: (i64, u32)) -> (i64, u32) {
    let mut secs = a.0.saturating_sub(b.0);
    let nanos = if a.1 >= b.1 {
        a.1 - b.1
    } else {
        secs = secs.saturating_sub(1);
        (a.1 + 1_000_000_000).saturating_sub(b.1)
    };
    (secs, nanos)
}

/// The plain values of an ICMP header, for building messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IcmpRepr {
    pub kind: u8,
    pub code: u8,
    /// Bytes 4..8, as a big-endian number (identifier and sequence number
    /// for echo, the gateway for redirects, the MTU for fragmentation needed).
    pub rest: u32,
}

impl IcmpRepr {
    /// An echo request with `ident` and `seq`.
    pub fn echo_request(ident: u16, seq: u16) -> Self {
        IcmpRepr {
            kind: kind::ECHO_REQUEST,
            code: 0,
            rest: (u32::from(ident) << 16) | u32::from(seq),
        }
    }

    /// An echo reply with `ident` and `seq`.
    pub fn echo_reply(ident: u16, seq: u16) -> Self {
        IcmpRepr {
            kind: kind::ECHO_REPLY,
            ..Self::echo_request(ident, seq)
        }
    }

    pub fn parse(v: &IcmpView) -> Self {
        IcmpRepr {
            kind: v.kind(),
            code: v.code(),
            rest: be32(v.bytes, at::REST.start).unwrap_or(0),
        }
    }

    /// Append the header and `payload` (echo data, or the quoted datagram of
    /// an error) to `buf`, with the checksum over both.
    pub fn emit(&self, buf: &mut Vec<u8>, payload: &[u8]) {
        let start = buf.len();
        buf.extend_from_slice(&[self.kind, self.code, 0, 0]);
        buf.extend_from_slice(&self.rest.to_be_bytes());
        buf.extend_from_slice(payload);
        let ck = checksum::finish(checksum::sum(tail(buf, start)));
        if let Some(c) = buf.get_mut(start + at::CHECKSUM.start..start + at::CHECKSUM.end) {
            c.copy_from_slice(&ck.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::values_checked;
    use proptest::prelude::*;

    /// An echo request from a real capture (10.0.0.1 -> 10.0.0.2, ident 3,
    /// seq 0, 72 bytes of data), checksum 0x035c.
    const ECHO: [u8; 80] = [
        0x08, 0x00, 0x03, 0x5c, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2f, 0x7a,
        0xbc, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
        0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab,
        0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
        0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab,
        0xcd, 0xab, 0xcd, 0xab, 0xcd,
    ];

    /// A port unreachable from a real capture (192.168.1.117 -> 192.168.1.1)
    /// quoting a DNS response's IP header and UDP header; checksum 0xfcea.
    const PORT_UNREACHABLE: [u8; 36] = [
        0x03, 0x03, 0xfc, 0xea, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x7e, 0x0f, 0x9a, 0x00,
        0x00, 0x37, 0x11, 0xf0, 0x0e, 0xc0, 0xa8, 0x01, 0x01, 0xc0, 0xa8, 0x01, 0x75, 0x00, 0x35,
        0xff, 0x72, 0x00, 0x6a, 0x00, 0x00,
    ];

    fn text(v: &IcmpView, f: Field) -> String {
        values_checked(
            FIELDS[f as usize].kind,
            |out| v.field(f, out),
            |r| assert!(r.end <= v.bytes.len(), "{f:?} {r:?}"),
        )
        .join(",")
    }

    fn all_fields(v: &IcmpView) {
        for i in 0..FIELDS.len() {
            text(v, Field::from_index(i).unwrap());
        }
        let mut t = String::new();
        v.title(&mut t);
    }

    #[test]
    fn reads_a_real_echo_request() {
        let v = IcmpView::new(&ECHO).unwrap();
        assert_eq!((v.kind(), v.code(), v.ident(), v.seq()), (8, 0, 3, 0));
        assert_eq!(v.quoted(), None);
        assert_eq!(v.header_len(), 8);
        assert_eq!(v.payload(), &ECHO[8..]);
        assert_eq!(v.verify_checksum(), Status::Good);
        // As tshark 4.0 prints them.
        for (f, s) in [
            (Field::Type, "8"),
            (Field::Checksum, "0x035c"),
            (Field::Ident, "3"),
            (Field::IdentLe, "768"),
            (Field::Seq, "0"),
            (Field::SeqLe, "0"),
            (Field::Unused, ""),
            (Field::Mtu, ""),
        ] {
            assert_eq!(text(&v, f), s, "{f:?}");
        }
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Internet Control Message Protocol");
        let mut bad = ECHO;
        bad[3] ^= 0xff;
        let mut v = IcmpView::new(&bad).unwrap();
        assert_eq!(v.verify_checksum(), Status::Bad { expected: 0x035c });
        v.set_checksum_status(v.verify_checksum());
        assert_eq!(text(&v, Field::ChecksumStatus), "0");
        // Cut by the snap length.
        let v = IcmpView::new(&ECHO[..40]).unwrap().with_wire_len(80);
        assert_eq!(v.verify_checksum(), Status::Unverified);
    }

    #[test]
    fn reads_a_real_port_unreachable() {
        let v = IcmpView::new(&PORT_UNREACHABLE).unwrap();
        assert_eq!((v.kind(), v.code()), (3, 3));
        assert_eq!(v.verify_checksum(), Status::Good);
        assert_eq!(v.quoted(), Some(&PORT_UNREACHABLE[8..]));
        assert_eq!(text(&v, Field::Unused), "00000000");
        assert_eq!(text(&v, Field::Ident), "");
        // Short quotes are given as they are, for the inner view to judge.
        let v = IcmpView::new(&PORT_UNREACHABLE[..10]).unwrap();
        assert_eq!(v.quoted(), Some(&PORT_UNREACHABLE[8..10]));
        let v = IcmpView::new(&PORT_UNREACHABLE[..6]).unwrap();
        assert_eq!(v.quoted(), Some(&[][..]));
        assert_eq!(text(&v, Field::Unused), "");
        all_fields(&v);
    }

    /// An ICMP message of type `t`, code `c`, bytes 4..8 `rest`, then `data`.
    fn crafted(t: u8, c: u8, rest: [u8; 4], data: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        IcmpRepr {
            kind: t,
            code: c,
            rest: u32::from_be_bytes(rest),
        }
        .emit(&mut b, data);
        b
    }

    #[test]
    fn type_specific_fields_like_tshark() {
        let inner = &PORT_UNREACHABLE[8..];
        let b1 = crafted(5, 1, [192, 168, 0, 254], inner);
        let v = IcmpView::new(&b1).unwrap();
        assert_eq!(text(&v, Field::RedirGw), "192.168.0.254");
        assert!(v.quoted().is_some());
        let mut ts = vec![];
        for n in [1000u32, 2000, 3000] {
            ts.extend_from_slice(&n.to_be_bytes());
        }
        let b2 = crafted(13, 0, [0, 7, 0, 9], &ts);
        let v = IcmpView::new(&b2).unwrap();
        assert_eq!(text(&v, Field::Ident), "7");
        assert_eq!(text(&v, Field::IdentLe), "1792");
        assert_eq!(text(&v, Field::ReceiveTimestamp), "2000");
        assert_eq!(v.header_len(), 20);
        let b = crafted(12, 0, [5, 0, 0, 0], inner);
        let v = IcmpView::new(&b).unwrap();
        assert_eq!(text(&v, Field::Pointer), "5");
        assert_eq!(text(&v, Field::Unused), "000000");
        let ra = [10, 0, 0, 1, 0, 0, 0, 5, 10, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe];
        let b3 = crafted(9, 0, [2, 2, 0x07, 0x08], &ra);
        let v = IcmpView::new(&b3).unwrap();
        assert_eq!(text(&v, Field::RouterAddress), "10.0.0.1,10.0.0.2");
        assert_eq!(text(&v, Field::PrefLevel), "5,-2");
        assert_eq!(text(&v, Field::Lifetime), "1800");
        let b4 = crafted(17, 0, [0, 7, 0, 9], &[255, 255, 255, 0]);
        let v = IcmpView::new(&b4).unwrap();
        assert_eq!(text(&v, Field::AddressMask), "255.255.255.0");
        // RFC 4884 length in a time exceeded: 7 words, the quote clamped to 28 bytes.
        let mut long = inner.to_vec();
        long.extend_from_slice(&[0xee; 12]);
        let b5 = crafted(11, 0, [0, 7, 0, 0], &long);
        let v = IcmpView::new(&b5).unwrap();
        assert_eq!(text(&v, Field::Unused), "00,0000");
        assert_eq!(text(&v, Field::Length), "7");
        assert_eq!(text(&v, Field::LengthOriginal), "28");
        assert_eq!(v.quoted(), Some(inner));
        let b6 = crafted(3, 4, [0, 0, 5, 0xdc], inner);
        let v = IcmpView::new(&b6).unwrap();
        assert_eq!(text(&v, Field::Mtu), "1500");
        assert_eq!(text(&v, Field::Unused), "0000");
        assert_eq!(text(&v, Field::Length), "");
    }

    #[test]
    fn clock_in_echo_data_like_tshark() {
        // Cases checked against tshark 4.0 on crafted echoes (frame at
        // 1000000.5 + i seconds).
        let f = 1_000_000i64;
        let echo = |clock: &[u8]| crafted(8, 0, [0, 1, 0, 2], &[clock, b"zz"].concat());
        let be = |s: i64, us: u32| [(s as u32).to_be_bytes(), us.to_be_bytes()].concat();
        let le = |s: i64, us: u32| [(s as u32).to_le_bytes(), us.to_le_bytes()].concat();
        let b = echo(&be(f - 1, 999_999));
        let v = IcmpView::new(&b).unwrap().with_frame_time(f, 500_000_000);
        assert_eq!(v.data_time(), Some((f - 1, 999_999_000)));
        assert_eq!(text(&v, Field::DataTimeRelative), "0.500001000");
        assert_eq!(v.payload(), b"zz");
        let b = echo(&be(f + 86400, 0));
        let v = IcmpView::new(&b)
            .unwrap()
            .with_frame_time(f + 2, 500_000_000);
        assert_eq!(text(&v, Field::DataTimeRelative), "-86397.500000000");
        let b = echo(&be(f - 86398, 0));
        let v = IcmpView::new(&b)
            .unwrap()
            .with_frame_time(f + 3, 500_000_000);
        assert_eq!(v.data_time(), None);
        assert_eq!(v.payload().len(), 10);
        let b = echo(&le(f + 2, 7));
        let v = IcmpView::new(&b)
            .unwrap()
            .with_frame_time(f + 5, 500_000_000);
        assert_eq!(text(&v, Field::DataTimeRelative), "3.499993000");
        let b = echo(&be(f + 3, 1_000_000));
        let v = IcmpView::new(&b)
            .unwrap()
            .with_frame_time(f + 6, 500_000_000);
        assert_eq!(v.data_time(), None);
        // Without the frame's time, no guess.
        let v = IcmpView::new(&b).unwrap();
        assert_eq!(v.data_time(), None);
        assert_eq!(text(&v, Field::DataTime), "");
    }

    #[test]
    fn hostile_inputs() {
        assert!(IcmpView::new(&ECHO[..3]).is_err());
        for t in 0..=20u8 {
            for n in 4..24 {
                let mut b = crafted(t, 4, [9, 200, 1, 2], &PORT_UNREACHABLE[8..]);
                b.truncate(n);
                let v = IcmpView::new(&b)
                    .unwrap()
                    .with_wire_len(500)
                    .with_frame_time(0, 0);
                all_fields(&v);
                let _ = (v.quoted(), v.payload(), v.header_len(), v.verify_checksum());
            }
        }
    }

    proptest! {
        #[test]
        fn build_then_parse(ident: u16, seq: u16, reply: bool, payload in proptest::collection::vec(any::<u8>(), 0..64)) {
            let r = if reply { IcmpRepr::echo_reply(ident, seq) } else { IcmpRepr::echo_request(ident, seq) };
            let mut buf = Vec::new();
            r.emit(&mut buf, &payload);
            let v = IcmpView::new(&buf).unwrap();
            prop_assert_eq!(IcmpRepr::parse(&v), r);
            prop_assert_eq!((v.ident(), v.seq()), (ident, seq));
            prop_assert_eq!(v.payload(), &payload[..]);
            prop_assert_eq!(v.verify_checksum(), Status::Good);
            // etherparse, an independent parser, reads the same message.
            let (e, rest) = etherparse::Icmpv4Header::from_slice(&buf).unwrap();
            prop_assert_eq!(rest, &payload[..]);
            let echo = etherparse::IcmpEchoHeader { id: ident, seq };
            let want = if reply { etherparse::Icmpv4Type::EchoReply(echo) } else { etherparse::Icmpv4Type::EchoRequest(echo) };
            prop_assert_eq!(&e.icmp_type, &want);
            prop_assert_eq!(etherparse::Icmpv4Header::with_checksum(want, &payload).checksum, e.checksum);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 4..64), wire in 0usize..80, secs: u32, nanos in 0u32..1_000_000_000) {
            let v = IcmpView::new(&bytes).unwrap().with_wire_len(wire).with_frame_time(i64::from(secs), nanos);
            all_fields(&v);
            let _ = (v.quoted(), v.payload(), v.verify_checksum());
        }
    }
}
