//! The PROXY protocol header (HAProxy's spec, versions 1 and 2): a load
//! balancer tells the server who the client was in a header before the
//! client's own bytes (a TLS ClientHello, an HTTP request). tshark 4.0
//! calls the layer `proxy` and goes on with the stream after it.
//!
//! Version 1 is one text line (`PROXY TCP4 1.2.3.4 5.6.7.8 1000 443\r\n`,
//! at most 107 bytes); version 2 a 12-byte signature, a version/command
//! byte, a family/protocol byte, a 16-bit length, then the addresses and
//! TLVs. The view covers one whole header ([`pdu_len`] frames it).

use crate::bytes::{array, be16, u8_at};
use crate::error::Error;
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::stream::Pdu;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// The version 2 signature.
pub const V2_MAGIC: [u8; 12] = *b"\r\n\r\n\0\r\nQUIT\n";
/// The version 1 line's start.
const V1_START: &[u8] = b"PROXY ";
/// The longest version 1 line, CRLF included (the spec's bound).
pub const V1_MAX: usize = 107;
/// The version 2 fixed header: signature, version/command, family, length.
const V2_FIXED: usize = 16;

mod at {
    use std::ops::Range;
    pub const MAGIC: Range<usize> = 0..12;
    pub const VER_CMD: usize = 12;
    pub const FAMILY: usize = 13;
    pub const LEN: Range<usize> = 14..16;
}

/// Version 2 address families (high nibble of byte 13).
pub mod family {
    pub const INET: u8 = 1;
    pub const INET6: u8 = 2;
    pub const UNIX: u8 = 3;
}

field_table! {
    V1Magic: "proxy.v1.magic", "PROXY v1 magic", Kind::None;
    V1Proto: "proxy.v1.proto", "Protocol", Kind::Str;
    V1Unknown: "proxy.v1.unknown", "Unknown data", Kind::Str;
    V2Magic: "proxy.v2.magic", "Magic", Kind::Bytes;
    V2Version: "proxy.v2.version", "Version", Kind::Dec;
    V2Cmd: "proxy.v2.cmd", "Command", Kind::Dec;
    V2AddrFamilyProtocol: "proxy.v2.addr_family_protocol", "Address Family Protocol", Kind::Hex(2);
    V2AddrFamily: "proxy.v2.addr_family", "Address Family", Kind::Hex(2);
    V2Protocol: "proxy.v2.protocol", "Protocol", Kind::Hex(2);
    V2Length: "proxy.v2.length", "Length", Kind::Dec;
    SrcIpv4: "proxy.src.ipv4", "Source Address", Kind::Ipv4;
    DstIpv4: "proxy.dst.ipv4", "Destination Address", Kind::Ipv4;
    SrcIpv6: "proxy.src.ipv6", "Source Address", Kind::Ipv6;
    DstIpv6: "proxy.dst.ipv6", "Destination Address", Kind::Ipv6;
    Srcport: "proxy.srcport", "Source Port", Kind::Dec;
    Dstport: "proxy.dstport", "Destination Port", Kind::Dec;
    V2SrcUnix: "proxy.v2.src.unix", "Source Address", Kind::Bytes;
    V2DstUnix: "proxy.v2.dst.unix", "Destination Address", Kind::Bytes;
    V2TlvType: "proxy.v2.tlv.type", "Type", Kind::Hex(2);
    V2TlvLength: "proxy.v2.tlv.length", "Length", Kind::Dec;
    V2TlvValue: "proxy.v2.tlv.value", "Value", Kind::Bytes;
}

/// How many bytes the PROXY header at the start of a stream takes:
/// `NotMine` unless the bytes open with a version 1 line (`PROXY `) or the
/// version 2 signature; a version 1 line without its CRLF within
/// [`V1_MAX`] bytes is not one.
pub fn pdu_len(bytes: &[u8]) -> Pdu {
    if bytes.starts_with(V1_START) {
        let window = &bytes[..bytes.len().min(V1_MAX)];
        return match window.windows(2).position(|w| w == b"\r\n") {
            Some(i) => Pdu::Whole(i + 2),
            None if bytes.len() < V1_MAX => Pdu::Need(bytes.len() + 1),
            None => Pdu::NotMine,
        };
    }
    if bytes.starts_with(&V2_MAGIC) {
        return match be16(bytes, at::LEN.start) {
            Some(n) => {
                let total = V2_FIXED + usize::from(n);
                if total <= bytes.len() {
                    Pdu::Whole(total)
                } else {
                    Pdu::Need(total)
                }
            }
            None => Pdu::Need(V2_FIXED),
        };
    }
    Pdu::NotMine
}

/// The length of the whole PROXY header `bytes` open with, if they do.
pub fn header_len(bytes: &[u8]) -> Option<usize> {
    match pdu_len(bytes) {
        Pdu::Whole(n) => Some(n),
        _ => None,
    }
}

/// A view over one whole PROXY header.
#[derive(Clone, Copy, Debug)]
pub struct ProxyView<'a> {
    bytes: &'a [u8],
}

/// A token of a version 1 line: its text and where it is.
type Token<'a> = (&'a [u8], Range<usize>);

impl<'a> ProxyView<'a> {
    /// A view over `bytes`, which must open with a whole PROXY header (the
    /// view covers only the header).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        match pdu_len(bytes) {
            Pdu::Whole(n) => Ok(ProxyView {
                bytes: bytes.get(..n).unwrap_or(bytes),
            }),
            Pdu::Need(n) => Err(Error::Truncated {
                needed: n,
                got: bytes.len(),
            }),
            Pdu::NotMine => Err(Error::Malformed("not a PROXY protocol header")),
        }
    }

    /// 1 (text line) or 2 (binary).
    pub fn version(&self) -> u8 {
        if self.bytes.starts_with(V1_START) {
            1
        } else {
            2
        }
    }

    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    /// Nothing: the client's bytes after the header are the stream's.
    pub fn payload(&self) -> &'a [u8] {
        &[]
    }

    /// The space-separated tokens of a version 1 line (CRLF left out), at
    /// most six.
    fn v1_tokens(&self) -> impl Iterator<Item = Token<'a>> {
        let line = self.bytes.strip_suffix(b"\r\n").unwrap_or(self.bytes);
        let mut at = 0usize;
        line.split(|&b| b == b' ').take(6).map(move |t| {
            let r = at..at + t.len();
            at = r.end + 1;
            (t, r)
        })
    }

    /// The version 1 protocol (`TCP4`, `TCP6`, `UNKNOWN`).
    pub fn v1_proto(&self) -> Option<&'a [u8]> {
        self.v1_token(1).map(|t| t.0)
    }

    /// Token `i` of a version 1 line.
    fn v1_token(&self, i: usize) -> Option<Token<'a>> {
        (self.version() == 1).then(|| self.v1_tokens().nth(i))?
    }

    /// The version 2 address family and transport ([`family`]; 1 stream,
    /// 2 datagram).
    pub fn v2_family(&self) -> Option<(u8, u8)> {
        let b = u8_at(self.bytes, at::FAMILY).filter(|_| self.version() == 2)?;
        Some((b >> 4, b & 0x0f))
    }

    /// The addresses and ports the header tells, as a source and a
    /// destination, when they are IP ones.
    pub fn addresses(&self) -> Option<(IpAddrPort, IpAddrPort)> {
        let mut a = Addrs::default();
        self.each_addr(&mut |f, v, _| a.take(f, v));
        Some((IpAddrPort(a.src?, a.sport?), IpAddrPort(a.dst?, a.dport?)))
    }

    /// Every address and port field, with its byte range.
    fn each_addr(&self, out: &mut dyn FnMut(Field, Value<'a>, Range<usize>)) {
        if self.version() == 1 {
            if !matches!(self.v1_proto(), Some(b"TCP4" | b"TCP6")) {
                return;
            }
            for (i, (t, r)) in self.v1_tokens().enumerate().skip(2) {
                let text = std::str::from_utf8(t).unwrap_or("");
                match i {
                    2 | 3 => {
                        let src = i == 2;
                        if let Ok(a) = text.parse::<Ipv4Addr>() {
                            let f = if src { Field::SrcIpv4 } else { Field::DstIpv4 };
                            out(f, Value::Ipv4(a.octets()), r.clone());
                        } else if let Ok(a) = text.parse::<Ipv6Addr>() {
                            let f = if src { Field::SrcIpv6 } else { Field::DstIpv6 };
                            out(f, Value::Ipv6(a.octets()), r.clone());
                        }
                    }
                    _ => {
                        if let Ok(p) = text.parse::<u16>() {
                            let f = if i == 4 {
                                Field::Srcport
                            } else {
                                Field::Dstport
                            };
                            out(f, Value::UInt(u64::from(p)), r.clone());
                        }
                    }
                }
            }
            return;
        }
        let b = self.bytes;
        let o = V2_FIXED;
        match self.v2_family().map(|f| f.0) {
            Some(family::INET) => {
                if let (Some(s), Some(d)) = (array::<4>(b, o), array::<4>(b, o + 4)) {
                    out(Field::SrcIpv4, Value::Ipv4(s), o..o + 4);
                    out(Field::DstIpv4, Value::Ipv4(d), o + 4..o + 8);
                }
                self.ports(o + 8, out);
            }
            Some(family::INET6) => {
                if let (Some(s), Some(d)) = (array::<16>(b, o), array::<16>(b, o + 16)) {
                    out(Field::SrcIpv6, Value::Ipv6(s), o..o + 16);
                    out(Field::DstIpv6, Value::Ipv6(d), o + 16..o + 32);
                }
                self.ports(o + 32, out);
            }
            Some(family::UNIX) => {
                if let (Some(s), Some(d)) = (b.get(o..o + 108), b.get(o + 108..o + 216)) {
                    out(Field::V2SrcUnix, Value::Bytes(s), o..o + 108);
                    out(Field::V2DstUnix, Value::Bytes(d), o + 108..o + 216);
                }
            }
            _ => {}
        }
    }

    fn ports(&self, o: usize, out: &mut dyn FnMut(Field, Value<'a>, Range<usize>)) {
        if let (Some(s), Some(d)) = (be16(self.bytes, o), be16(self.bytes, o + 2)) {
            out(Field::Srcport, Value::UInt(u64::from(s)), o..o + 2);
            out(Field::Dstport, Value::UInt(u64::from(d)), o + 2..o + 4);
        }
    }

    /// Where a version 2 header's TLVs start: after the addresses of its
    /// family.
    fn tlv_start(&self) -> usize {
        let addrs = match self.v2_family().map(|f| f.0) {
            Some(family::INET) => 12,
            Some(family::INET6) => 36,
            Some(family::UNIX) => 216,
            _ => 0,
        };
        V2_FIXED + addrs
    }

    /// A version 2 header's TLVs: type, the value's range.
    pub fn tlvs(&self) -> impl Iterator<Item = (u8, Range<usize>)> + 'a {
        let b = self.bytes;
        let mut at = if self.version() == 2 {
            self.tlv_start()
        } else {
            usize::MAX
        };
        std::iter::from_fn(move || {
            let t = u8_at(b, at)?;
            let n = usize::from(be16(b, at.checked_add(1)?)?);
            let start = at.checked_add(3)?;
            let end = start.checked_add(n).filter(|&e| e <= b.len())?;
            at = end;
            Some((t, start..end))
        })
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        match f {
            Field::V1Magic if self.version() == 1 => out.value(Value::Present, 0..5),
            Field::V1Proto | Field::V1Unknown if self.version() == 1 => {
                match (f, self.v1_token(1)) {
                    (Field::V1Proto, Some((t, r))) => out.value(Value::Str(t), r),
                    (Field::V1Unknown, Some((b"UNKNOWN", r))) => {
                        let end = self.bytes.len().saturating_sub(2);
                        if let Some(rest) = b.get(r.end + 1..end) {
                            out.value(Value::Str(rest), r.end + 1..end);
                        }
                    }
                    _ => {}
                }
            }
            Field::V2Magic if self.version() == 2 => {
                if let Some(m) = b.get(at::MAGIC) {
                    out.value(Value::Bytes(m), at::MAGIC);
                }
            }
            Field::V2Version | Field::V2Cmd if self.version() == 2 => {
                if let Some(v) = u8_at(b, at::VER_CMD) {
                    let n = if f == Field::V2Version {
                        v >> 4
                    } else {
                        v & 0x0f
                    };
                    out.value(Value::UInt(u64::from(n)), at::VER_CMD..at::VER_CMD + 1);
                }
            }
            Field::V2AddrFamilyProtocol | Field::V2AddrFamily | Field::V2Protocol => {
                if let (Some(v), Some((fam, proto))) = (u8_at(b, at::FAMILY), self.v2_family()) {
                    let n = match f {
                        Field::V2AddrFamily => fam,
                        Field::V2Protocol => proto,
                        _ => v,
                    };
                    out.value(Value::UInt(u64::from(n)), at::FAMILY..at::FAMILY + 1);
                }
            }
            Field::V2Length if self.version() == 2 => {
                if let Some(n) = be16(b, at::LEN.start) {
                    out.value(Value::UInt(u64::from(n)), at::LEN);
                }
            }
            Field::SrcIpv4
            | Field::DstIpv4
            | Field::SrcIpv6
            | Field::DstIpv6
            | Field::Srcport
            | Field::Dstport
            | Field::V2SrcUnix
            | Field::V2DstUnix => self.each_addr(&mut |g, v, r| {
                if g == f {
                    out.value(v, r)
                }
            }),
            Field::V2TlvType | Field::V2TlvLength | Field::V2TlvValue => {
                for (t, r) in self.tlvs() {
                    let head = r.start.saturating_sub(3);
                    match f {
                        Field::V2TlvType => out.value(Value::UInt(u64::from(t)), head..head + 1),
                        Field::V2TlvLength => {
                            out.value(Value::UInt(r.len() as u64), head + 1..head + 3)
                        }
                        _ => out.value(Value::Bytes(b.get(r.clone()).unwrap_or(&[])), r),
                    }
                }
            }
            _ => {}
        }
    }

    /// The tree title, as tshark's.
    pub fn title(&self, out: &mut String) {
        out.push_str("PROXY Protocol");
    }

    /// The one-line summary: `PROXY v1 TCP4 1.2.3.4:1000 > 5.6.7.8:443`.
    pub fn summary(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(out, "PROXY v{}", self.version());
        if let Some(p) = self.v1_proto() {
            out.push(' ');
            out.push_str(&String::from_utf8_lossy(p));
        }
        if let Some((s, d)) = self.addresses() {
            let _ = write!(out, " {s} > {d}");
        }
    }
}

/// An address and port the header tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpAddrPort(pub std::net::IpAddr, pub u16);

impl std::fmt::Display for IpAddrPort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::net::SocketAddr::new(self.0, self.1).fmt(f)
    }
}

#[derive(Default)]
struct Addrs {
    src: Option<std::net::IpAddr>,
    dst: Option<std::net::IpAddr>,
    sport: Option<u16>,
    dport: Option<u16>,
}

impl Addrs {
    fn take(&mut self, f: Field, v: Value<'_>) {
        match (f, v) {
            (Field::SrcIpv4, Value::Ipv4(a)) => self.src = Some(a.into()),
            (Field::DstIpv4, Value::Ipv4(a)) => self.dst = Some(a.into()),
            (Field::SrcIpv6, Value::Ipv6(a)) => self.src = Some(a.into()),
            (Field::DstIpv6, Value::Ipv6(a)) => self.dst = Some(a.into()),
            (Field::Srcport, Value::UInt(p)) => self.sport = u16::try_from(p).ok(),
            (Field::Dstport, Value::UInt(p)) => self.dport = u16::try_from(p).ok(),
            _ => {}
        }
    }
}

/// A PROXY header to build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProxyRepr {
    /// A version 1 line for TCP over IPv4 or IPv6.
    V1 { src: IpAddrPort, dst: IpAddrPort },
    /// A version 2 PROXY command (stream transport) with TLVs.
    V2 {
        src: IpAddrPort,
        dst: IpAddrPort,
        tlvs: Vec<(u8, Vec<u8>)>,
    },
}

impl ProxyRepr {
    /// The header a view shows, when its addresses are IP ones of one
    /// family.
    pub fn parse(v: &ProxyView) -> Option<Self> {
        let (src, dst) = v.addresses()?;
        if v.version() == 1 {
            return Some(ProxyRepr::V1 { src, dst });
        }
        let b = v.bytes;
        let tlvs = v
            .tlvs()
            .map(|(t, r)| (t, b.get(r).unwrap_or(&[]).to_vec()))
            .collect();
        Some(ProxyRepr::V2 { src, dst, tlvs })
    }

    /// Append the header to `buf` (lengths written from what it holds).
    pub fn emit(&self, buf: &mut Vec<u8>) {
        use std::net::IpAddr;
        match self {
            ProxyRepr::V1 { src, dst } => {
                let fam = if src.0.is_ipv4() { "TCP4" } else { "TCP6" };
                let line = format!("PROXY {fam} {} {} {} {}\r\n", src.0, dst.0, src.1, dst.1);
                buf.extend_from_slice(line.as_bytes());
            }
            ProxyRepr::V2 { src, dst, tlvs } => {
                let mut body = Vec::new();
                let fam = match (src.0, dst.0) {
                    (IpAddr::V4(s), IpAddr::V4(d)) => {
                        body.extend_from_slice(&s.octets());
                        body.extend_from_slice(&d.octets());
                        family::INET
                    }
                    (s, d) => {
                        let six = |a: IpAddr| match a {
                            IpAddr::V4(a) => a.to_ipv6_mapped().octets(),
                            IpAddr::V6(a) => a.octets(),
                        };
                        body.extend_from_slice(&six(s));
                        body.extend_from_slice(&six(d));
                        family::INET6
                    }
                };
                body.extend_from_slice(&src.1.to_be_bytes());
                body.extend_from_slice(&dst.1.to_be_bytes());
                for (t, v) in tlvs {
                    let n = v.len().min(usize::from(u16::MAX));
                    body.push(*t);
                    body.extend_from_slice(&(n as u16).to_be_bytes());
                    body.extend_from_slice(v.get(..n).unwrap_or(v));
                }
                buf.extend_from_slice(&V2_MAGIC);
                buf.push(0x21);
                buf.push((fam << 4) | 1);
                let n = body.len().min(usize::from(u16::MAX));
                buf.extend_from_slice(&(n as u16).to_be_bytes());
                buf.extend_from_slice(body.get(..n).unwrap_or(&body));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// ndpi__haproxy.pcap frame 1: the PROXY v1 line before a TLS
    /// ClientHello (first bytes of the record kept). tshark: proto TCP4,
    /// 11.111.11.111:52176 > 222.222.222.22:443.
    const HAPROXY_FRAME1: &[u8] =
        b"PROXY TCP4 11.111.11.111 222.222.222.22 52176 443\r\n\x16\x03\x01\x00\xfd\x01\x00";

    fn values(v: &ProxyView, f: Field) -> Vec<String> {
        let mut out = Vec::new();
        v.field(f, &mut |x: Value<'_>, r: Range<usize>| {
            assert!(r.end <= v.header_len());
            let mut s = String::new();
            x.write_tshark(FIELDS[f as usize].kind, &mut s);
            out.push(s)
        });
        out
    }

    #[test]
    fn v1_line_from_a_real_capture() {
        assert_eq!(pdu_len(HAPROXY_FRAME1), Pdu::Whole(51));
        let v = ProxyView::new(HAPROXY_FRAME1).unwrap();
        assert_eq!(v.header_len(), 51);
        assert_eq!(v.version(), 1);
        assert_eq!(values(&v, Field::V1Magic), ["1"]);
        assert_eq!(values(&v, Field::V1Proto), ["TCP4"]);
        assert_eq!(values(&v, Field::SrcIpv4), ["11.111.11.111"]);
        assert_eq!(values(&v, Field::DstIpv4), ["222.222.222.22"]);
        assert_eq!(values(&v, Field::Srcport), ["52176"]);
        assert_eq!(values(&v, Field::Dstport), ["443"]);
        assert!(values(&v, Field::V2Magic).is_empty());
        let mut s = String::new();
        v.summary(&mut s);
        assert_eq!(s, "PROXY v1 TCP4 11.111.11.111:52176 > 222.222.222.22:443");
        let r = ProxyRepr::parse(&v).unwrap();
        let mut buf = Vec::new();
        r.emit(&mut buf);
        assert_eq!(buf, &HAPROXY_FRAME1[..51]);
    }

    #[test]
    fn v2_header_with_tlvs() {
        let r = ProxyRepr::V2 {
            src: IpAddrPort("192.0.2.1".parse().unwrap(), 40000),
            dst: IpAddrPort("198.51.100.2".parse().unwrap(), 443),
            tlvs: vec![(0x01, b"h2".to_vec()), (0x04, vec![])],
        };
        let mut buf = Vec::new();
        r.emit(&mut buf);
        buf.extend_from_slice(b"\x16\x03\x01");
        assert_eq!(pdu_len(&buf), Pdu::Whole(16 + 12 + 5 + 3));
        let v = ProxyView::new(&buf).unwrap();
        assert_eq!(values(&v, Field::V2Version), ["2"]);
        assert_eq!(values(&v, Field::V2Cmd), ["1"]);
        assert_eq!(values(&v, Field::V2AddrFamilyProtocol), ["0x11"]);
        assert_eq!(values(&v, Field::V2Length), ["20"]);
        assert_eq!(values(&v, Field::SrcIpv4), ["192.0.2.1"]);
        assert_eq!(values(&v, Field::Dstport), ["443"]);
        assert_eq!(values(&v, Field::V2TlvType), ["0x01", "0x04"]);
        assert_eq!(values(&v, Field::V2TlvValue), ["6832", ""]);
        assert_eq!(ProxyRepr::parse(&v), Some(r));
    }

    #[test]
    fn not_proxy_and_short_input() {
        assert_eq!(pdu_len(b"GET / HTTP/1.1\r\n"), Pdu::NotMine);
        assert_eq!(pdu_len(b"PROXY TCP4 1.2"), Pdu::Need(15));
        assert_eq!(pdu_len(&[b'P'; 200]), Pdu::NotMine);
        let mut long = b"PROXY ".to_vec();
        long.resize(300, b'x');
        assert_eq!(pdu_len(&long), Pdu::NotMine);
        assert_eq!(pdu_len(&V2_MAGIC), Pdu::Need(16));
        assert!(ProxyView::new(b"\x16\x03\x01").is_err());
        // Every cut and every byte flipped of a real header: no panic.
        let mut buf = Vec::new();
        ProxyRepr::V2 {
            src: IpAddrPort("2001:db8::1".parse().unwrap(), 1),
            dst: IpAddrPort("2001:db8::2".parse().unwrap(), 2),
            tlvs: vec![(0x20, vec![1, 2, 3])],
        }
        .emit(&mut buf);
        for b in [&buf[..], HAPROXY_FRAME1] {
            for n in 0..=b.len() {
                if let Ok(v) = ProxyView::new(&b[..n]) {
                    for f in FIELDS.iter().enumerate() {
                        let _ = values(&v, Field::from_index(f.0).unwrap());
                    }
                }
            }
            let mut e = b.to_vec();
            for i in 0..e.len() {
                e[i] ^= 0xa5;
                if let Ok(v) = ProxyView::new(&e) {
                    let _ = v.addresses();
                    let _ = v.tlvs().count();
                }
            }
        }
    }

    proptest! {
        #[test]
        fn round_trip(v6 in any::<bool>(), two in any::<bool>(), s in any::<u128>(), d in any::<u128>(),
                      sp in any::<u16>(), dp in any::<u16>(),
                      tlvs in proptest::collection::vec((any::<u8>(), proptest::collection::vec(any::<u8>(), 0..40)), 0..4)) {
            let ip = |x: u128| -> std::net::IpAddr {
                if v6 { std::net::Ipv6Addr::from(x).into() } else { std::net::Ipv4Addr::from(x as u32).into() }
            };
            let (src, dst) = (IpAddrPort(ip(s), sp), IpAddrPort(ip(d), dp));
            let r = if two { ProxyRepr::V2 { src, dst, tlvs } } else { ProxyRepr::V1 { src, dst } };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let v = ProxyView::new(&buf).unwrap();
            prop_assert_eq!(v.header_len(), buf.len());
            prop_assert_eq!(ProxyRepr::parse(&v), Some(r));
        }
    }
}
