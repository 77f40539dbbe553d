//! SOCKS 4, 4a and 5 handshakes (RFC 1928, RFC 1929 and the SOCKS 4
//! protocol notes), as tshark 4.0's `socks` dissector reads them.
//!
//! A handshake message cannot be told apart from the next by its bytes alone
//! (a SOCKS 5 greeting and a request both start with 5), so the stream layer
//! keeps which message comes next ([`Msg`]) and moves it on with
//! [`Msg::after`]; once the proxy grants the connection, the rest of the
//! stream is the tunnelled protocol.

use crate::bytes::{array, be16, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::stream::Pdu;
use std::fmt::Write as _;
use std::ops::Range;

/// tshark's SOCKS port.
pub const PORT: u16 = 1080;

/// The longest user id or domain name of a SOCKS 4/4a request we wait for:
/// past it the bytes are not SOCKS.
const MAX_V4_STRING: usize = 255;

field_table! {
    Version: "socks.version", "Version", Kind::Dec;
    Command: "socks.command", "Command", Kind::Dec;
    Results: "socks.results", "Results", Kind::Dec;
    Dstport: "socks.dstport", "Remote Port", Kind::Dec;
    Dst: "socks.dst", "Remote Address", Kind::Ipv4;
    DstV6: "socks.dstV6", "Remote Address(ipv6)", Kind::Ipv6;
    AuthMethodCount: "socks.auth_method_count", "Authentication Method Count", Kind::Dec;
    AuthMethod: "socks.auth_method", "Method", Kind::Dec;
    AuthAcceptedMethod: "socks.auth_accepted_method", "Accepted Auth Method", Kind::Dec;
    SubnegotiationVersion: "socks.subnegotiation_version", "Subnegotiation Version", Kind::Dec;
    Username: "socks.username", "User name", Kind::Str;
    Password: "socks.password", "Password", Kind::Str;
    AuthStatus: "socks.auth_status", "Status", Kind::Dec;
    V4aDnsName: "socks.v4a_dns_name", "SOCKS v4a Remote Domain Name", Kind::Str;
    Reserved: "socks.reserved", "Reserved", Kind::Dec;
    AddressType: "socks.address_type", "Address Type", Kind::Dec;
    RemoteName: "socks.remote_name", "Remote name", Kind::Str;
    Port: "socks.port", "Port", Kind::Dec;
}

/// SOCKS 5 address types.
pub mod atyp {
    pub const IPV4: u8 = 1;
    pub const DOMAIN: u8 = 3;
    pub const IPV6: u8 = 4;
}

/// SOCKS 5 authentication methods this reader follows.
pub mod method {
    pub const NONE: u8 = 0;
    pub const USER_PASS: u8 = 2;
}

/// The SOCKS 4 reply that grants a request.
pub const V4_GRANTED: u8 = 90;

/// A handshake message: which one the stream expects next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// SOCKS 4/4a request: version, command, port, address, user id (and a
    /// domain name after a 0.0.0.x address).
    V4Request,
    /// SOCKS 4 reply: version 0, result, port, address.
    V4Reply,
    /// SOCKS 5 greeting: version and the methods the client offers.
    Greeting,
    /// SOCKS 5 method choice of the server.
    MethodChoice,
    /// RFC 1929 user name and password.
    UserPass,
    /// RFC 1929 status.
    UserPassReply,
    /// SOCKS 5 request: command and the address to reach.
    Request,
    /// SOCKS 5 reply: result and the bound address.
    Reply,
}

/// What follows a handshake message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    /// The next handshake message.
    Next(Msg),
    /// The proxy granted the request: the stream now carries the
    /// tunnelled protocol.
    Tunnel,
    /// The handshake failed or went where this reader does not follow
    /// (GSSAPI): nothing more is read as SOCKS.
    Over,
}

impl Msg {
    /// The message a client opens a SOCKS connection with, by its first
    /// byte (the version).
    pub fn first(bytes: &[u8]) -> Option<Msg> {
        match u8_at(bytes, 0)? {
            4 => Some(Msg::V4Request),
            5 => Some(Msg::Greeting),
            _ => None,
        }
    }

    /// What comes after this message, whole in `bytes`.
    pub fn after(self, bytes: &[u8]) -> After {
        let b1 = u8_at(bytes, 1);
        match self {
            Msg::V4Request => After::Next(Msg::V4Reply),
            Msg::V4Reply if b1 == Some(V4_GRANTED) => After::Tunnel,
            Msg::Greeting => After::Next(Msg::MethodChoice),
            Msg::MethodChoice => match b1 {
                Some(method::NONE) => After::Next(Msg::Request),
                Some(method::USER_PASS) => After::Next(Msg::UserPass),
                _ => After::Over,
            },
            Msg::UserPass => After::Next(Msg::UserPassReply),
            Msg::UserPassReply if b1 == Some(0) => After::Next(Msg::Request),
            Msg::Request => After::Next(Msg::Reply),
            Msg::Reply if b1 == Some(0) => After::Tunnel,
            Msg::V4Reply | Msg::UserPassReply | Msg::Reply => After::Over,
        }
    }
}

/// Does a stream on the SOCKS port open with a SOCKS request or greeting?
/// (A 4 or 5, a known command or a sane method count.)
pub fn looks_like(bytes: &[u8]) -> bool {
    match (Msg::first(bytes), u8_at(bytes, 1)) {
        (Some(Msg::V4Request), Some(cmd)) => matches!(cmd, 1 | 2),
        (Some(Msg::Greeting), Some(n)) => n > 0,
        _ => false,
    }
}

/// Length of a NUL-terminated string at `off` (without the NUL), if the NUL
/// is within [`MAX_V4_STRING`] bytes.
fn cstr_len(bytes: &[u8], off: usize) -> Result<usize, Pdu> {
    let s = tail(bytes, off);
    match s.iter().take(MAX_V4_STRING + 1).position(|&b| b == 0) {
        Some(n) => Ok(n),
        None if s.len() > MAX_V4_STRING => Err(Pdu::NotMine),
        None => Err(Pdu::Need(bytes.len().saturating_add(1))),
    }
}

/// The byte ranges of a SOCKS 5 address (of type `at` at `off`): the
/// address (a domain name without its length byte) and the port after it.
fn v5_address(bytes: &[u8], off: usize) -> Option<(u8, Range<usize>, Range<usize>)> {
    let at = u8_at(bytes, off)?;
    let start = off.checked_add(1)?;
    let addr = match at {
        atyp::IPV4 => start..start.checked_add(4)?,
        atyp::IPV6 => start..start.checked_add(16)?,
        atyp::DOMAIN => {
            let n = usize::from(u8_at(bytes, start)?);
            start.checked_add(1)?..start.checked_add(1 + n)?
        }
        _ => return None,
    };
    let port = addr.end..addr.end.checked_add(2)?;
    Some((at, addr, port))
}

/// How many bytes message `msg` at the start of `bytes` takes.
pub fn pdu_len(msg: Msg, bytes: &[u8]) -> Pdu {
    let Some(&v) = bytes.first() else {
        return Pdu::Need(1);
    };
    let whole = |n: usize| {
        if n <= bytes.len() {
            Pdu::Whole(n)
        } else {
            Pdu::Need(n)
        }
    };
    match msg {
        Msg::V4Request => {
            if v != 4 {
                return Pdu::NotMine;
            }
            if bytes.len() < 8 {
                return Pdu::Need(8);
            }
            let user = match cstr_len(bytes, 8) {
                Ok(n) => n,
                Err(p) => return p,
            };
            let end = 8 + user + 1;
            // SOCKS 4a: an address 0.0.0.x (x > 0) says a domain name follows.
            let v4a = array::<4>(bytes, 4).is_some_and(|a| a[..3] == [0, 0, 0] && a[3] != 0);
            if !v4a {
                return Pdu::Whole(end);
            }
            match cstr_len(bytes, end) {
                Ok(n) => Pdu::Whole(end + n + 1),
                Err(p) => p,
            }
        }
        // Version 0 as the protocol says; some servers answer 4.
        Msg::V4Reply if v == 0 || v == 4 => whole(8),
        Msg::Greeting if v == 5 => match u8_at(bytes, 1) {
            Some(0) => Pdu::NotMine,
            Some(n) => whole(2 + usize::from(n)),
            None => Pdu::Need(2),
        },
        Msg::MethodChoice if v == 5 => whole(2),
        Msg::UserPass if v == 1 => {
            let Some(ulen) = u8_at(bytes, 1) else {
                return Pdu::Need(2);
            };
            let at = 2 + usize::from(ulen);
            match u8_at(bytes, at) {
                Some(plen) => whole(at + 1 + usize::from(plen)),
                None => Pdu::Need(at + 1),
            }
        }
        Msg::UserPassReply if v == 1 => whole(2),
        Msg::Request | Msg::Reply if v == 5 => {
            if bytes.len() < 5 {
                return Pdu::Need(5);
            }
            match v5_address(bytes, 3) {
                Some((_, _, port)) => whole(port.end),
                None => Pdu::NotMine,
            }
        }
        _ => Pdu::NotMine,
    }
}

/// A view over one whole SOCKS handshake message.
#[derive(Clone, Copy, Debug)]
pub struct SocksView<'a> {
    bytes: &'a [u8],
    msg: Msg,
}

impl<'a> SocksView<'a> {
    /// A view of `bytes` as message `msg`; the message's fixed part must be
    /// there (a SOCKS 5 address must be whole).
    pub fn new(bytes: &'a [u8], msg: Msg) -> Result<Self, Error> {
        let fixed = match msg {
            Msg::V4Request | Msg::V4Reply => 8,
            Msg::Greeting | Msg::MethodChoice | Msg::UserPass | Msg::UserPassReply => 2,
            Msg::Request | Msg::Reply => 5,
        };
        need(bytes, fixed)?;
        let v = SocksView { bytes, msg };
        if matches!(msg, Msg::Request | Msg::Reply) {
            let (_, _, port) =
                v5_address(bytes, 3).ok_or(Error::Malformed("SOCKS address type"))?;
            need(bytes, port.end)?;
        }
        Ok(v)
    }

    /// Which handshake message this is.
    pub fn msg(&self) -> Msg {
        self.msg
    }

    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    pub fn payload(&self) -> &'a [u8] {
        &[]
    }

    fn byte(&self, off: usize) -> u8 {
        u8_at(self.bytes, off).unwrap_or(0)
    }

    /// The SOCKS version: the first byte, but 5 for the RFC 1929
    /// sub-negotiation (as tshark shows the conversation's version there).
    pub fn version(&self) -> u8 {
        match self.msg {
            Msg::UserPass | Msg::UserPassReply => 5,
            _ => self.byte(0),
        }
    }

    /// SOCKS 4/4a: the user id and, after a 0.0.0.x address, the domain
    /// name (ranges of the strings without their NULs).
    fn v4_strings(&self) -> (Range<usize>, Option<Range<usize>>) {
        let end_of = |off: usize| {
            let s = tail(self.bytes, off);
            off + s.iter().position(|&b| b == 0).unwrap_or(s.len())
        };
        let user = 8..end_of(8);
        let a = array::<4>(self.bytes, 4).unwrap_or_default();
        let name = (a[..3] == [0, 0, 0] && a[3] != 0 && user.end < self.bytes.len()).then(|| {
            let start = user.end + 1;
            start..end_of(start)
        });
        (user, name)
    }

    /// SOCKS 5 request or reply: the address and port.
    fn v5_addr(&self) -> Option<(u8, Range<usize>, Range<usize>)> {
        matches!(self.msg, Msg::Request | Msg::Reply)
            .then(|| v5_address(self.bytes, 3))
            .flatten()
    }

    /// RFC 1929: the user name and password ranges.
    fn user_pass(&self) -> (Range<usize>, Range<usize>) {
        let ulen = usize::from(self.byte(1));
        let user = 2..(2 + ulen).min(self.bytes.len());
        let plen = usize::from(self.byte(user.end));
        let start = (user.end + 1).min(self.bytes.len());
        let pass = start..start.saturating_add(plen).min(self.bytes.len());
        (user, pass)
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        let uint = |out: &mut dyn FieldSink<'a>, off: usize| {
            if let Some(v) = u8_at(b, off) {
                out.value(Value::UInt(v.into()), off..off + 1)
            }
        };
        let str_at = |out: &mut dyn FieldSink<'a>, r: Range<usize>| {
            if let Some(s) = b.get(r.clone()) {
                out.value(Value::Str(s), r)
            }
        };
        let v4 = matches!(self.msg, Msg::V4Request | Msg::V4Reply);
        match (f, self.msg) {
            (Field::Version, Msg::UserPass | Msg::UserPassReply) => out.value(Value::UInt(5), 0..0),
            (Field::Version, _) => uint(out, 0),
            (Field::Command, Msg::V4Request | Msg::Request) => uint(out, 1),
            (Field::Results, Msg::V4Reply | Msg::Reply) => uint(out, 1),
            (Field::Dstport, _) if v4 => {
                if let Some(p) = be16(b, 2) {
                    out.value(Value::UInt(p.into()), 2..4)
                }
            }
            (Field::Dst, _) if v4 => {
                if let Some(a) = array(b, 4) {
                    out.value(Value::Ipv4(a), 4..8)
                }
            }
            (Field::Dst | Field::DstV6 | Field::RemoteName, _) => {
                let Some((at, addr, _)) = self.v5_addr() else {
                    return;
                };
                match (f, at) {
                    (Field::Dst, atyp::IPV4) => {
                        if let Some(a) = array(b, addr.start) {
                            out.value(Value::Ipv4(a), addr)
                        }
                    }
                    (Field::DstV6, atyp::IPV6) => {
                        if let Some(a) = array(b, addr.start) {
                            out.value(Value::Ipv6(a), addr)
                        }
                    }
                    (Field::RemoteName, atyp::DOMAIN) => str_at(out, addr),
                    _ => {}
                }
            }
            (Field::AuthMethodCount, Msg::Greeting) => uint(out, 1),
            (Field::AuthMethod, Msg::Greeting) => {
                let n = usize::from(self.byte(1));
                for off in 2..(2 + n).min(b.len()) {
                    uint(out, off);
                }
            }
            (Field::AuthAcceptedMethod, Msg::MethodChoice) => uint(out, 1),
            (Field::SubnegotiationVersion, Msg::UserPass | Msg::UserPassReply) => uint(out, 0),
            (Field::Username, Msg::V4Request) => str_at(out, self.v4_strings().0),
            (Field::Username, Msg::UserPass) => str_at(out, self.user_pass().0),
            (Field::Password, Msg::UserPass) => str_at(out, self.user_pass().1),
            (Field::AuthStatus, Msg::UserPassReply) => uint(out, 1),
            (Field::V4aDnsName, Msg::V4Request) => {
                if let Some(r) = self.v4_strings().1 {
                    str_at(out, r)
                }
            }
            (Field::Reserved, Msg::Request | Msg::Reply) => uint(out, 2),
            (Field::AddressType, Msg::Request | Msg::Reply) => uint(out, 3),
            (Field::Port, Msg::Request | Msg::Reply) => {
                if let Some((_, _, port)) = self.v5_addr() {
                    if let Some(p) = be16(b, port.start) {
                        out.value(Value::UInt(p.into()), port)
                    }
                }
            }
            _ => {}
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("Socks Protocol");
    }

    /// tshark's Info column for the message.
    pub fn summary(&self, out: &mut String) {
        let _ = write!(out, "Version: {}", self.version());
        let command = |c: u8| match c {
            1 => "Connect",
            2 => "Bind",
            3 => "UdpAssociate",
            _ => "Unknown",
        };
        match self.msg {
            Msg::V4Request => out.push_str(" Connect to server request"),
            Msg::V4Reply => out.push_str(" Connect Response"),
            Msg::Greeting => out.push_str(" Connect to server request"),
            Msg::MethodChoice => out.push_str(" Connect to server response"),
            Msg::Request => {
                let _ = write!(out, " Command Request - {}", command(self.byte(1)));
            }
            Msg::Reply => out.push_str(" Command Response"),
            Msg::UserPass | Msg::UserPassReply => {}
        }
    }
}

/// A SOCKS handshake message's plain values, for building.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SocksRepr {
    V4Request {
        command: u8,
        port: u16,
        addr: [u8; 4],
        user: Vec<u8>,
        /// SOCKS 4a: the domain name (the address should be 0.0.0.x).
        domain: Option<Vec<u8>>,
    },
    V4Reply {
        result: u8,
        port: u16,
        addr: [u8; 4],
    },
    Greeting {
        methods: Vec<u8>,
    },
    MethodChoice {
        method: u8,
    },
    UserPass {
        user: Vec<u8>,
        pass: Vec<u8>,
    },
    UserPassReply {
        status: u8,
    },
    /// A SOCKS 5 request (`reply` false) or reply; `addr` holds the
    /// address bytes of `atyp` (a domain name without its length).
    V5 {
        reply: bool,
        code: u8,
        atyp: u8,
        addr: Vec<u8>,
        port: u16,
    },
}

impl SocksRepr {
    pub fn parse(v: &SocksView) -> Option<Self> {
        let b = v.bytes;
        let bytes_of = |r: Range<usize>| b.get(r).map(<[u8]>::to_vec);
        Some(match v.msg {
            Msg::V4Request => {
                let (user, name) = v.v4_strings();
                SocksRepr::V4Request {
                    command: v.byte(1),
                    port: be16(b, 2)?,
                    addr: array(b, 4)?,
                    user: bytes_of(user)?,
                    domain: match name {
                        Some(r) => Some(bytes_of(r)?),
                        None => None,
                    },
                }
            }
            Msg::V4Reply => SocksRepr::V4Reply {
                result: v.byte(1),
                port: be16(b, 2)?,
                addr: array(b, 4)?,
            },
            Msg::Greeting => SocksRepr::Greeting {
                methods: bytes_of(2..2 + usize::from(v.byte(1)))?,
            },
            Msg::MethodChoice => SocksRepr::MethodChoice { method: v.byte(1) },
            Msg::UserPass => {
                let (user, pass) = v.user_pass();
                SocksRepr::UserPass {
                    user: bytes_of(user)?,
                    pass: bytes_of(pass)?,
                }
            }
            Msg::UserPassReply => SocksRepr::UserPassReply { status: v.byte(1) },
            Msg::Request | Msg::Reply => {
                let (atyp, addr, port) = v.v5_addr()?;
                SocksRepr::V5 {
                    reply: v.msg == Msg::Reply,
                    code: v.byte(1),
                    atyp,
                    addr: bytes_of(addr)?,
                    port: be16(b, port.start)?,
                }
            }
        })
    }

    /// Which message this is.
    pub fn msg(&self) -> Msg {
        match self {
            SocksRepr::V4Request { .. } => Msg::V4Request,
            SocksRepr::V4Reply { .. } => Msg::V4Reply,
            SocksRepr::Greeting { .. } => Msg::Greeting,
            SocksRepr::MethodChoice { .. } => Msg::MethodChoice,
            SocksRepr::UserPass { .. } => Msg::UserPass,
            SocksRepr::UserPassReply { .. } => Msg::UserPassReply,
            SocksRepr::V5 { reply: false, .. } => Msg::Request,
            SocksRepr::V5 { reply: true, .. } => Msg::Reply,
        }
    }

    /// Append the message; lengths written from the strings and lists
    /// (each at most 255 bytes: longer ones are cut).
    pub fn emit(&self, buf: &mut Vec<u8>) {
        fn short(s: &[u8]) -> &[u8] {
            s.get(..255).unwrap_or(s)
        }
        let counted = |buf: &mut Vec<u8>, s: &[u8]| {
            let s = short(s);
            buf.push(s.len() as u8);
            buf.extend_from_slice(s);
        };
        match self {
            SocksRepr::V4Request {
                command,
                port,
                addr,
                user,
                domain,
            } => {
                buf.extend_from_slice(&[4, *command]);
                buf.extend_from_slice(&port.to_be_bytes());
                buf.extend_from_slice(addr);
                buf.extend_from_slice(short(user));
                buf.push(0);
                if let Some(d) = domain {
                    buf.extend_from_slice(short(d));
                    buf.push(0);
                }
            }
            SocksRepr::V4Reply { result, port, addr } => {
                buf.extend_from_slice(&[0, *result]);
                buf.extend_from_slice(&port.to_be_bytes());
                buf.extend_from_slice(addr);
            }
            SocksRepr::Greeting { methods } => {
                buf.push(5);
                counted(buf, methods);
            }
            SocksRepr::MethodChoice { method } => buf.extend_from_slice(&[5, *method]),
            SocksRepr::UserPass { user, pass } => {
                buf.push(1);
                counted(buf, user);
                counted(buf, pass);
            }
            SocksRepr::UserPassReply { status } => buf.extend_from_slice(&[1, *status]),
            SocksRepr::V5 {
                code,
                atyp,
                addr,
                port,
                ..
            } => {
                buf.extend_from_slice(&[5, *code, 0, *atyp]);
                if *atyp == atyp::DOMAIN {
                    counted(buf, addr);
                } else {
                    buf.extend_from_slice(addr);
                }
                buf.extend_from_slice(&port.to_be_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;
    use proptest::prelude::*;

    use crate::testing::hex;

    /// Every field with a value, as `name=v1,v2`, ranges checked.
    fn fields<'a>(v: &SocksView<'a>) -> Vec<String> {
        let emit =
            |i: usize, out: &mut dyn FieldSink<'a>| v.field(Field::from_index(i).unwrap(), out);
        testing::assert_ranges_within(FIELDS, v.bytes.len(), emit);
        testing::fields_text(FIELDS, emit)
    }

    fn read(msg: Msg, b: &[u8]) -> (Vec<String>, String) {
        assert_eq!(pdu_len(msg, b), Pdu::Whole(b.len()), "{msg:?}");
        let v = SocksView::new(b, msg).unwrap();
        (fields(&v), testing::string_of(|s| v.summary(s)))
    }

    /// arkime__socks-http-example.pcap frames 4 and 6: a SOCKS 4 connect
    /// and its grant.
    #[test]
    fn real_v4() {
        let req = hex("040100505db8d87700");
        assert!(looks_like(&req));
        assert_eq!(Msg::first(&req), Some(Msg::V4Request));
        let (f, s) = read(Msg::V4Request, &req);
        assert_eq!(
            f,
            [
                "socks.version=4",
                "socks.command=1",
                "socks.dstport=80",
                "socks.dst=93.184.216.119",
                "socks.username="
            ]
        );
        assert_eq!(s, "Version: 4 Connect to server request");
        assert_eq!(Msg::V4Request.after(&req), After::Next(Msg::V4Reply));
        let rep = hex("005adfb20ab49cf9");
        let (f, _) = read(Msg::V4Reply, &rep);
        assert_eq!(
            f,
            [
                "socks.version=0",
                "socks.results=90",
                "socks.dstport=57266",
                "socks.dst=10.180.156.249"
            ]
        );
        assert_eq!(Msg::V4Reply.after(&rep), After::Tunnel);
        assert_eq!(Msg::V4Reply.after(&hex("005bdfb20ab49cf9")), After::Over);
    }

    /// arkime__socks-http-example.pcap frame 18: SOCKS 4a with a name.
    #[test]
    fn real_v4a() {
        let req = hex("0401005000000001007777772e6578616d706c652e636f6d00");
        assert_eq!(pdu_len(Msg::V4Request, &req[..12]), Pdu::Need(13));
        let (f, _) = read(Msg::V4Request, &req);
        assert_eq!(f[3], "socks.dst=0.0.0.1");
        assert_eq!(f[5], "socks.v4a_dns_name=www.example.com");
        let v = SocksView::new(&req, Msg::V4Request).unwrap();
        let r = SocksRepr::parse(&v).unwrap();
        let mut b = Vec::new();
        r.emit(&mut b);
        assert_eq!(b, req);
    }

    /// arkime__socks-http-example.pcap frames 33, 35, 37, 38: SOCKS 5
    /// without authentication.
    #[test]
    fn real_v5() {
        let greet = hex("05020001");
        let (f, s) = read(Msg::Greeting, &greet);
        assert_eq!(
            f,
            [
                "socks.version=5",
                "socks.auth_method_count=2",
                "socks.auth_method=0,1"
            ]
        );
        assert_eq!(s, "Version: 5 Connect to server request");
        let choice = hex("0500");
        let (f, _) = read(Msg::MethodChoice, &choice);
        assert_eq!(f, ["socks.version=5", "socks.auth_accepted_method=0"]);
        assert_eq!(Msg::MethodChoice.after(&choice), After::Next(Msg::Request));
        let req = hex("050100015db8d8770050");
        let (f, s) = read(Msg::Request, &req);
        assert_eq!(
            f,
            [
                "socks.version=5",
                "socks.command=1",
                "socks.dst=93.184.216.119",
                "socks.reserved=0",
                "socks.address_type=1",
                "socks.port=80"
            ]
        );
        assert_eq!(s, "Version: 5 Command Request - Connect");
        let rep = hex("050000010ab49cf9dfb4");
        let (f, _) = read(Msg::Reply, &rep);
        assert_eq!(f[1], "socks.results=0");
        assert_eq!(f[5], "socks.port=57268");
        assert_eq!(Msg::Reply.after(&rep), After::Tunnel);
    }

    /// arkime__socks-http-pass.pcap frames 15, 17, 19, 20: user name and
    /// password, refused.
    #[test]
    fn real_user_pass() {
        let choice = hex("0502");
        assert_eq!(Msg::MethodChoice.after(&choice), After::Next(Msg::UserPass));
        let up = hex("01087465737475736572087465737470617373");
        assert_eq!(pdu_len(Msg::UserPass, &up[..5]), Pdu::Need(11));
        let (f, _) = read(Msg::UserPass, &up);
        assert_eq!(
            f,
            [
                "socks.version=5",
                "socks.subnegotiation_version=1",
                "socks.username=testuser",
                "socks.password=testpass"
            ]
        );
        let no = hex("01ff");
        let (f, _) = read(Msg::UserPassReply, &no);
        assert_eq!(
            f,
            [
                "socks.version=5",
                "socks.subnegotiation_version=1",
                "socks.auth_status=255"
            ]
        );
        assert_eq!(Msg::UserPassReply.after(&no), After::Over);
        assert_eq!(
            Msg::UserPassReply.after(&hex("0100")),
            After::Next(Msg::Request)
        );
    }

    #[test]
    fn domain_and_ipv6_addresses() {
        let mut b = Vec::new();
        SocksRepr::V5 {
            reply: false,
            code: 1,
            atyp: atyp::DOMAIN,
            addr: b"example.com".to_vec(),
            port: 443,
        }
        .emit(&mut b);
        let (f, _) = read(Msg::Request, &b);
        assert!(f.contains(&"socks.remote_name=example.com".to_string()));
        assert!(f.contains(&"socks.port=443".to_string()));
        let mut b = Vec::new();
        SocksRepr::V5 {
            reply: true,
            code: 0,
            atyp: atyp::IPV6,
            addr: vec![0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            port: 80,
        }
        .emit(&mut b);
        let (f, _) = read(Msg::Reply, &b);
        assert!(f.contains(&"socks.dstV6=2001:db8::1".to_string()));
    }

    #[test]
    fn hostile_inputs() {
        // Wrong versions, unknown address types, endless user ids.
        assert_eq!(pdu_len(Msg::Greeting, &[4, 1]), Pdu::NotMine);
        assert_eq!(pdu_len(Msg::Greeting, &[5, 0]), Pdu::NotMine);
        assert_eq!(pdu_len(Msg::Request, &[5, 1, 0, 9, 0]), Pdu::NotMine);
        assert!(SocksView::new(&[5, 1, 0, 9, 0, 0, 0], Msg::Request).is_err());
        assert!(SocksView::new(&[5, 1, 0, 3, 200, 0], Msg::Request).is_err());
        let mut long = vec![4, 1, 0, 80, 1, 2, 3, 4];
        long.extend(std::iter::repeat_n(b'a', 300));
        assert_eq!(pdu_len(Msg::V4Request, &long), Pdu::NotMine);
        assert_eq!(pdu_len(Msg::V4Request, &long[..100]), Pdu::Need(101));
        assert!(!looks_like(b"GET / HTTP/1.1\r\n"));
        assert!(!looks_like(&[5]));
        // A cut user name / password reads what is there.
        let v = SocksView::new(&[1, 200, b'a'], Msg::UserPass).unwrap();
        let f = fields(&v);
        assert!(f.contains(&"socks.username=a".to_string()));
    }

    fn repr() -> impl Strategy<Value = SocksRepr> {
        let s = || proptest::collection::vec(1u8..=255, 0..40);
        prop_oneof![
            (any::<u8>(), any::<u16>(), any::<[u8; 4]>(), s()).prop_map(|(c, p, a, u)| {
                // An address 0.0.0.x is SOCKS 4a: it needs its name.
                let a = if a[..3] == [0, 0, 0] { [1, 0, 0, 0] } else { a };
                SocksRepr::V4Request {
                    command: c,
                    port: p,
                    addr: a,
                    user: u,
                    domain: None,
                }
            }),
            (any::<u8>(), s(), s()).prop_map(|(x, u, d)| SocksRepr::V4Request {
                command: 1,
                port: 80,
                addr: [0, 0, 0, x.max(1)],
                user: u,
                domain: Some(d),
            }),
            (any::<u8>(), any::<u16>(), any::<[u8; 4]>())
                .prop_map(|(result, port, addr)| SocksRepr::V4Reply { result, port, addr }),
            proptest::collection::vec(any::<u8>(), 1..10)
                .prop_map(|methods| SocksRepr::Greeting { methods }),
            any::<u8>().prop_map(|method| SocksRepr::MethodChoice { method }),
            (s(), s()).prop_map(|(user, pass)| SocksRepr::UserPass { user, pass }),
            any::<u8>().prop_map(|status| SocksRepr::UserPassReply { status }),
            (
                any::<bool>(),
                any::<u8>(),
                any::<[u8; 16]>(),
                s(),
                any::<u16>(),
                0..3usize
            )
                .prop_map(|(reply, code, a6, name, port, k)| {
                    let (atyp, addr) = match k {
                        0 => (atyp::IPV4, a6[..4].to_vec()),
                        1 => (atyp::IPV6, a6.to_vec()),
                        _ => (atyp::DOMAIN, name),
                    };
                    SocksRepr::V5 {
                        reply,
                        code,
                        atyp,
                        addr,
                        port,
                    }
                }),
        ]
    }

    proptest! {
        #[test]
        fn round_trip(r in repr()) {
            let mut b = Vec::new();
            r.emit(&mut b);
            let msg = r.msg();
            prop_assert_eq!(pdu_len(msg, &b), Pdu::Whole(b.len()));
            let v = SocksView::new(&b, msg).unwrap();
            prop_assert_eq!(SocksRepr::parse(&v), Some(r));
        }

        #[test]
        fn any_bytes_are_safe(b in proptest::collection::vec(any::<u8>(), 0..64), k in 0..8usize) {
            let msg = [Msg::V4Request, Msg::V4Reply, Msg::Greeting, Msg::MethodChoice,
                Msg::UserPass, Msg::UserPassReply, Msg::Request, Msg::Reply][k];
            let _ = pdu_len(msg, &b);
            let _ = msg.after(&b);
            if let Ok(v) = SocksView::new(&b, msg) {
                fields(&v);
                let _ = SocksRepr::parse(&v);
            }
        }
    }
}
