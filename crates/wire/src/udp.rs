//! The User Datagram Protocol header (RFC 768).
//!
//! The view covers the bytes the capture holds; [`UdpView::with_wire_len`]
//! gives the IP payload length as sent, against which the length field is
//! checked ([`UdpView::length_ok`]). The payload is clamped to the length
//! field. A zero checksum means "none" over IPv4 (tshark: status 3, not
//! present) and is illegal over IPv6 (status 4); tell the view which with
//! [`UdpView::with_ipv6`].

use crate::bytes::{be16, clamp};
use crate::checksum::{self, Status};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::fmt::Write as _;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const SRC_PORT: Range<usize> = 0..2;
    pub const DST_PORT: Range<usize> = 2..4;
    pub const LENGTH: Range<usize> = 4..6;
    pub const CHECKSUM: Range<usize> = 6..8;
    pub const HEADER_LEN: usize = 8;
}

field_table! {
    SrcPort: "udp.srcport", "Source Port", Kind::Dec;
    DstPort: "udp.dstport", "Destination Port", Kind::Dec;
    Port: "udp.port", "Source or Destination Port", Kind::Dec;
    Length: "udp.length", "Length", Kind::Dec;
    LengthBad: "udp.length.bad", "Bad length value", Kind::None;
    Checksum: "udp.checksum", "Checksum", Kind::Hex(4);
    ChecksumStatus: "udp.checksum.status", "Checksum Status", Kind::Dec;
    ChecksumZero: "udp.checksum.zero", "Illegal checksum value (0)", Kind::None;
    Payload: "udp.payload", "Payload", Kind::Bytes;
    Stream: "udp.stream", "Stream index", Kind::Dec;
}

/// tshark's `udp.checksum.status` for a zero checksum over IPv4: not present.
const STATUS_NOT_PRESENT: u64 = 3;
/// ... and over IPv6, where a zero checksum is not allowed: illegal.
const STATUS_ILLEGAL: u64 = 4;

/// A view over a UDP datagram (header and the captured payload).
#[derive(Clone, Copy, Debug)]
pub struct UdpView<'a> {
    bytes: &'a [u8],
    /// The IP payload length as sent.
    wire_len: usize,
    checksum_status: Status,
    ipv6: bool,
    /// Inside an ICMP error (the length field may run past the quote).
    quoted: bool,
    /// tshark's `udp.stream`, from the flow engine.
    stream: Option<u32>,
}

impl<'a> UdpView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold at least the 8-byte header.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(Self::make(bytes, false))
    }

    /// A view over a datagram quoted in an ICMP error: the length field is
    /// not checked against the IP payload, as tshark does not.
    pub fn new_quoted(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(Self::make(bytes, true))
    }

    fn make(bytes: &'a [u8], quoted: bool) -> Self {
        UdpView {
            bytes,
            wire_len: bytes.len(),
            checksum_status: Status::Unverified,
            ipv6: false,
            quoted,
            stream: None,
        }
    }

    /// The IP payload length as sent (default: the captured length).
    pub fn with_wire_len(mut self, len: usize) -> Self {
        self.wire_len = len;
        self
    }

    /// Whether the datagram travels over IPv6 (a zero checksum is illegal there).
    pub fn with_ipv6(mut self, v6: bool) -> Self {
        self.ipv6 = v6;
        self
    }

    /// Record the result of [`UdpView::verify_checksum`] for `udp.checksum.status`.
    pub fn set_checksum_status(&mut self, s: Status) {
        self.checksum_status = s;
    }

    pub fn checksum_status(&self) -> Status {
        self.checksum_status
    }

    pub fn src_port(&self) -> u16 {
        be16(self.bytes, at::SRC_PORT.start).unwrap_or(0)
    }

    pub fn dst_port(&self) -> u16 {
        be16(self.bytes, at::DST_PORT.start).unwrap_or(0)
    }

    /// The length field (header and payload).
    pub fn length(&self) -> u16 {
        be16(self.bytes, at::LENGTH.start).unwrap_or(0)
    }

    pub fn checksum(&self) -> u16 {
        be16(self.bytes, at::CHECKSUM.start).unwrap_or(0)
    }

    /// Whether the length field is at least 8 and within the IP payload.
    pub fn length_ok(&self) -> bool {
        let n = usize::from(self.length());
        n >= at::HEADER_LEN && (self.quoted || n <= self.wire_len)
    }

    pub fn header_len(&self) -> usize {
        at::HEADER_LEN
    }

    /// The captured payload, clamped to the length field; empty when the
    /// length is below 8.
    pub fn payload(&self) -> &'a [u8] {
        let n = usize::from(self.length());
        if n < at::HEADER_LEN {
            return &[];
        }
        clamp(self.bytes, at::HEADER_LEN, n - at::HEADER_LEN)
    }

    /// Check the checksum against the pseudo-header partial sum from
    /// [`checksum::pseudo_header`]`(src, dst, 17, length())`. A zero
    /// checksum is `Unverified` over IPv4 (none sent) and `Bad` over IPv6;
    /// `Unverified` too when the length is bad or the datagram was cut.
    pub fn verify_checksum(&self, pseudo: u32) -> Status {
        let n = usize::from(self.length());
        let (Some(dgram), true) = (self.bytes.get(..n), n >= at::HEADER_LEN) else {
            return Status::Unverified;
        };
        let good = checksum::finish(checksum::combine(pseudo, checksum::sum(dgram))) == 0;
        if self.checksum() == 0 {
            return if self.ipv6 {
                Status::Bad {
                    expected: expected(dgram, pseudo),
                }
            } else {
                Status::Unverified
            };
        }
        if good {
            Status::Good
        } else {
            Status::Bad {
                expected: expected(dgram, pseudo),
            }
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let uint = |n: u64| Value::UInt(n);
        // tshark stops after the length when it is below 8.
        let sane = usize::from(self.length()) >= at::HEADER_LEN;
        match f {
            Field::SrcPort => out.value(uint(self.src_port().into()), at::SRC_PORT),
            Field::DstPort => out.value(uint(self.dst_port().into()), at::DST_PORT),
            Field::Port => {
                out.value(uint(self.src_port().into()), at::SRC_PORT);
                out.value(uint(self.dst_port().into()), at::DST_PORT);
            }
            Field::Length => out.value(uint(self.length().into()), at::LENGTH),
            Field::LengthBad => {
                if !self.length_ok() {
                    out.value(Value::Present, at::LENGTH)
                }
            }
            Field::Checksum => {
                if sane {
                    out.value(uint(self.checksum().into()), at::CHECKSUM)
                }
            }
            Field::ChecksumStatus => {
                if sane {
                    let code = match (self.checksum(), self.ipv6) {
                        (0, false) => STATUS_NOT_PRESENT,
                        (0, true) => STATUS_ILLEGAL,
                        _ => self.checksum_status.code(),
                    };
                    out.value(uint(code), at::CHECKSUM)
                }
            }
            Field::ChecksumZero => {
                if sane && self.ipv6 && self.checksum() == 0 {
                    out.value(Value::Present, at::CHECKSUM)
                }
            }
            Field::Payload => {
                let p = self.payload();
                if !p.is_empty() {
                    out.value(Value::Bytes(p), at::HEADER_LEN..at::HEADER_LEN + p.len())
                }
            }
            Field::Stream => {
                if let Some(n) = self.stream {
                    out.value(uint(n.into()), 0..0)
                }
            }
        }
    }

    /// tshark's `udp.stream` (conversations numbered from 0 in order of first
    /// appearance), from the flow engine.
    pub fn set_stream(&mut self, n: u32) {
        self.stream = Some(n);
    }

    pub fn stream(&self) -> Option<u32> {
        self.stream
    }

    /// `User Datagram Protocol, Src Port: 57766, Dst Port: 53`, as tshark.
    pub fn title(&self, out: &mut String) {
        let _ = write!(
            out,
            "User Datagram Protocol, Src Port: {}, Dst Port: {}",
            self.src_port(),
            self.dst_port()
        );
    }
}

/// The checksum `dgram` should carry (its own checksum field taken as zero).
fn expected(dgram: &[u8], pseudo: u32) -> u16 {
    let before = dgram.get(..at::CHECKSUM.start).unwrap_or(&[]);
    let after = dgram.get(at::CHECKSUM.end..).unwrap_or(&[]);
    let s = checksum::combine(checksum::sum(before), checksum::sum(after));
    match checksum::finish(checksum::combine(pseudo, s)) {
        // A computed zero is sent as 0xffff (RFC 768).
        0 => 0xffff,
        c => c,
    }
}

/// The plain values of a UDP header, for building datagrams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UdpRepr {
    pub src_port: u16,
    pub dst_port: u16,
}

impl UdpRepr {
    pub fn parse(v: &UdpView) -> Self {
        UdpRepr {
            src_port: v.src_port(),
            dst_port: v.dst_port(),
        }
    }

    /// Append the header and `payload` to `buf`, with the length and the
    /// checksum over the pseudo-header of `src_addr` and `dst_addr` (4 bytes
    /// each for IPv4, 16 for IPv6). A computed zero is sent as 0xffff.
    pub fn emit(&self, buf: &mut Vec<u8>, payload: &[u8], src_addr: &[u8], dst_addr: &[u8]) {
        let len = at::HEADER_LEN.saturating_add(payload.len());
        let len16 = u16::try_from(len).unwrap_or(u16::MAX);
        let start = buf.len();
        buf.extend_from_slice(&self.src_port.to_be_bytes());
        buf.extend_from_slice(&self.dst_port.to_be_bytes());
        buf.extend_from_slice(&len16.to_be_bytes());
        buf.extend_from_slice(&[0, 0]);
        buf.extend_from_slice(payload);
        let dgram = crate::bytes::tail(buf, start);
        let pseudo = checksum::pseudo_header(src_addr, dst_addr, 17, u32::from(len16));
        let ck = expected(dgram, pseudo);
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
    use std::ops::Range;

    /// A DNS query from a real capture (109.194.160.4:57766 -> 95.211.92.14:53,
    /// "picslife.ru" A with EDNS), checksum 0xa597.
    const DNS_QUERY: [u8; 48] = [
        0xe1, 0xa6, 0x00, 0x35, 0x00, 0x30, 0xa5, 0x97, 0xf6, 0x18, 0x00, 0x10, 0x00, 0x01, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x70, 0x69, 0x63, 0x73, 0x6c, 0x69, 0x66, 0x65, 0x02,
        0x72, 0x75, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x80,
        0x00, 0x00, 0x00,
    ];
    const SRC: [u8; 4] = [109, 194, 160, 4];
    const DST: [u8; 4] = [95, 211, 92, 14];

    /// The 8 bytes of a DNS response quoted in a real ICMP port unreachable
    /// (192.168.1.1:53 -> 192.168.1.117:65394, length 106, no checksum).
    const QUOTED: [u8; 8] = [0x00, 0x35, 0xff, 0x72, 0x00, 0x6a, 0x00, 0x00];

    fn text(v: &UdpView, f: Field) -> String {
        values_checked(
            FIELDS[f as usize].kind,
            |out| v.field(f, out),
            |r| assert!(r.end <= v.bytes.len()),
        )
        .join(",")
    }

    fn present(v: &UdpView, f: Field) -> bool {
        let mut n = 0;
        v.field(f, &mut |_v: Value, _r: Range<usize>| n += 1);
        n > 0
    }

    #[test]
    fn reads_a_real_dns_query() {
        let v = UdpView::new(&DNS_QUERY).unwrap().with_wire_len(48);
        assert_eq!((v.src_port(), v.dst_port(), v.length()), (57766, 53, 48));
        assert!(v.length_ok());
        assert_eq!(v.payload(), &DNS_QUERY[8..]);
        assert_eq!(text(&v, Field::Port), "57766,53");
        assert_eq!(text(&v, Field::Length), "48");
        assert_eq!(text(&v, Field::Checksum), "0xa597");
        assert_eq!(text(&v, Field::ChecksumStatus), "2");
        assert_eq!(
            text(&v, Field::Payload),
            "f6180010000100000000000108706963736c69666502727500000100010000291000000080000000"
        );
        assert!(!present(&v, Field::LengthBad));
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "User Datagram Protocol, Src Port: 57766, Dst Port: 53");

        let p = checksum::pseudo_header(&SRC, &DST, 17, 48);
        assert_eq!(v.verify_checksum(p), Status::Good);
        let mut bad = DNS_QUERY;
        bad[20] ^= 0x40;
        let mut v = UdpView::new(&bad).unwrap();
        let st = v.verify_checksum(p);
        assert!(matches!(st, Status::Bad { .. }));
        v.set_checksum_status(st);
        assert_eq!(text(&v, Field::ChecksumStatus), "0");
        // Cut by the snap length: not verified.
        let v = UdpView::new(&DNS_QUERY[..40]).unwrap().with_wire_len(48);
        assert_eq!(v.verify_checksum(p), Status::Unverified);
    }

    #[test]
    fn zero_checksum_like_tshark() {
        let v = UdpView::new_quoted(&QUOTED).unwrap().with_wire_len(106);
        assert!(v.length_ok());
        assert_eq!(text(&v, Field::ChecksumStatus), "3");
        assert!(!present(&v, Field::ChecksumZero));
        assert_eq!(v.verify_checksum(0), Status::Unverified);
        assert!(v.payload().is_empty());
        let v6 = v.with_ipv6(true);
        assert_eq!(text(&v6, Field::ChecksumStatus), "4");
        assert!(present(&v6, Field::ChecksumZero));
        // Not quoted, the same header's length runs past the IP payload.
        let v = UdpView::new(&QUOTED).unwrap();
        assert!(!v.length_ok());
        assert!(present(&v, Field::LengthBad));
    }

    #[test]
    fn bad_lengths_like_tshark() {
        let mut b = DNS_QUERY;
        // Length 4: ports and length only, then udp.length.bad.
        b[4..6].copy_from_slice(&4u16.to_be_bytes());
        let v = UdpView::new(&b).unwrap();
        assert!(!v.length_ok());
        assert!(present(&v, Field::LengthBad));
        assert_eq!(text(&v, Field::Checksum), "");
        assert_eq!(text(&v, Field::Payload), "");
        assert_eq!(v.verify_checksum(0), Status::Unverified);
        // Length 12 of 48: the payload is clamped to it.
        b[4..6].copy_from_slice(&12u16.to_be_bytes());
        let v = UdpView::new(&b).unwrap();
        assert!(v.length_ok());
        assert_eq!(v.payload(), &DNS_QUERY[8..12]);
        // Length past the capture: what is there, and unverified.
        b[4..6].copy_from_slice(&0xffffu16.to_be_bytes());
        let v = UdpView::new(&b).unwrap().with_wire_len(48);
        assert!(!v.length_ok());
        assert_eq!(v.payload(), &DNS_QUERY[8..]);
        assert_eq!(v.verify_checksum(0), Status::Unverified);
        assert!(UdpView::new(&b[..7]).is_err());
    }

    proptest! {
        #[test]
        fn build_then_parse(src_port: u16, dst_port: u16, payload in proptest::collection::vec(any::<u8>(), 0..64),
                            src: [u8; 4], dst: [u8; 4]) {
            let r = UdpRepr { src_port, dst_port };
            let mut buf = Vec::new();
            r.emit(&mut buf, &payload, &src, &dst);
            let v = UdpView::new(&buf).unwrap();
            prop_assert_eq!(UdpRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &payload[..]);
            prop_assert!(v.length_ok());
            let p = checksum::pseudo_header(&src, &dst, 17, buf.len() as u32);
            prop_assert_eq!(v.verify_checksum(p), Status::Good);
            // etherparse, an independent parser, reads the same header.
            let (e, rest) = etherparse::UdpHeader::from_slice(&buf).unwrap();
            prop_assert_eq!(rest, &payload[..]);
            prop_assert_eq!((e.source_port, e.destination_port), (src_port, dst_port));
            prop_assert_eq!(usize::from(e.length), buf.len());
            prop_assert_eq!(e.calc_checksum_ipv4_raw(src, dst, &payload).unwrap(), e.checksum);
        }

        #[test]
        fn ipv6_builds_agree(payload in proptest::collection::vec(any::<u8>(), 0..64), src: [u8; 16], dst: [u8; 16]) {
            let mut buf = Vec::new();
            UdpRepr { src_port: 5353, dst_port: 5353 }.emit(&mut buf, &payload, &src, &dst);
            let (e, _) = etherparse::UdpHeader::from_slice(&buf).unwrap();
            prop_assert_eq!(e.calc_checksum_ipv6_raw(src, dst, &payload).unwrap(), e.checksum);
            let v = UdpView::new(&buf).unwrap().with_ipv6(true);
            let p = checksum::pseudo_header(&src, &dst, 17, buf.len() as u32);
            prop_assert_eq!(v.verify_checksum(p), Status::Good);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 8..40), wire in 0usize..80, v6: bool) {
            let v = UdpView::new(&bytes).unwrap().with_wire_len(wire).with_ipv6(v6);
            for i in 0..FIELDS.len() {
                text(&v, Field::from_index(i).unwrap());
            }
            v.verify_checksum(0);
        }
    }
}
