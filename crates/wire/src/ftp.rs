//! FTP control connection (RFC 959, RFC 2428 for EPRT/EPSV) commands and
//! replies, read as tshark 4.0 reads them.
//!
//! A message is one command line from the client or one reply from the
//! server: a line starting with a three-digit code, and when a `-` follows
//! the code, every line up to the one that starts with the same code and no
//! `-` (RFC 959's multi-line reply). As in tshark, only the first line is
//! parsed into fields: the command is its first word and the argument what
//! follows the spaces after it; a reply line gives its code and the text
//! after the fourth character (a line without a code is all argument).
//!
//! The data connection's address is read from `PORT` and `EPRT` commands
//! and from `227` (PASV) and `229` (EPSV) replies the way tshark reads them
//! (the first six comma-separated numbers of the text, wherever they are);
//! [`FtpView::data_endpoint`] gives it so that the flow engine can tie the
//! data connection to this one.

use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::stream::Pdu;
use crate::text::{self, Line};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::Range;

field_table! {
    Response: "ftp.response", "Response", Kind::Bool;
    Request: "ftp.request", "Request", Kind::Bool;
    RequestCommand: "ftp.request.command", "Request command", Kind::Str;
    RequestArg: "ftp.request.arg", "Request arg", Kind::Str;
    ResponseCode: "ftp.response.code", "Response code", Kind::Dec;
    ResponseArg: "ftp.response.arg", "Response arg", Kind::Str;
    PassiveIp: "ftp.passive.ip", "Passive IP address", Kind::Ipv4;
    PassivePort: "ftp.passive.port", "Passive port", Kind::Dec;
    ActiveIp: "ftp.active.cip", "Active IP address", Kind::Ipv4;
    ActivePort: "ftp.active.port", "Active port", Kind::Dec;
    EprtAf: "ftp.eprt.af", "Extended active address family", Kind::Dec;
    EprtIp: "ftp.eprt.ip", "Extended active IP address", Kind::Ipv4;
    EprtIpv6: "ftp.eprt.ipv6", "Extended active IPv6 address", Kind::Ipv6;
    EprtPort: "ftp.eprt.port", "Extended active port", Kind::Dec;
    EpsvPort: "ftp.epsv.port", "Extended passive port", Kind::Dec;
}

/// Commands of RFC 959 and its extensions, for content detection.
const KNOWN_COMMANDS: &[&str] = &[
    "USER", "PASS", "ACCT", "CWD", "CDUP", "SMNT", "QUIT", "REIN", "PORT", "PASV", "TYPE", "STRU",
    "MODE", "RETR", "STOR", "STOU", "APPE", "ALLO", "REST", "RNFR", "RNTO", "ABOR", "DELE", "RMD",
    "MKD", "PWD", "LIST", "NLST", "SITE", "SYST", "STAT", "HELP", "NOOP", "FEAT", "OPTS", "AUTH",
    "PBSZ", "PROT", "CCC", "ADAT", "EPRT", "EPSV", "MDTM", "SIZE", "MLSD", "MLST", "LANG", "CLNT",
    "XCWD", "XMKD", "XPWD", "XRMD", "XCUP", "HOST",
];

/// Where the data connection of a transfer is to be opened, as a command
/// or reply on the control connection announces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataEndpoint {
    /// `PORT h1,h2,h3,h4,p1,p2`: the client listens at this address; the
    /// server connects to it (from its port 20).
    Active { ip: Ipv4Addr, port: u16 },
    /// A `227` reply to PASV: the server listens at this address.
    Passive { ip: Ipv4Addr, port: u16 },
    /// `EPRT |af|address|port|`: the client listens at this address.
    ExtendedActive { ip: IpAddr, port: u16 },
    /// A `229` reply to EPSV (`(|||port|)`): the server listens on this
    /// port of the address the control connection goes to.
    ExtendedPassive { port: u16 },
}

/// A reply continues past its first line when a `-` follows the code.
fn continues(line: &[u8]) -> bool {
    text::code3(line).is_some() && line.get(3) == Some(&b'-')
}

/// How many bytes the FTP message at the start of `bytes` takes: one
/// command line or one whole reply (bounded at 64 KiB); `NotMine` when the
/// bytes do not start a text line (TLS after `AUTH TLS`, binary data).
pub fn pdu_len(bytes: &[u8]) -> Pdu {
    let Some(&first) = bytes.first() else {
        return Pdu::Need(1);
    };
    let text_start = matches!(first, b'\r' | b'\n' | b'\t') || (0x20..0x7f).contains(&first);
    if !text_start {
        return Pdu::NotMine;
    }
    let code = bytes.get(..3).unwrap_or_default();
    text::reply_pdu(bytes, continues, |l| {
        l.get(..3) == Some(code) && l.get(3) != Some(&b'-')
    })
}

/// Do these first bytes of a stream look like FTP? A complete first line
/// that is the server's greeting (`220`, `120` or `421`, then a space, `-`
/// or the line end; one that names SMTP or NNTP is left to them) or one
/// line holding a command of RFC 959 or its extensions in upper case.
/// Stricter than [`pdu_len`]: content detection on any port relies on it
/// (the flow engine asks it about the first payloads of a conversation).
pub fn looks_like(bytes: &[u8]) -> bool {
    if text::code3(bytes).is_none() && !text::is_known(text::first_word(bytes), KNOWN_COMMANDS) {
        return false;
    }
    let Some((line, next)) = text::first_line_is_text(bytes, 1024) else {
        return false;
    };
    if let Some(code) = text::code3(line) {
        let sep_ok = matches!(line.get(3), None | Some(b' ') | Some(b'-'));
        let other_greeting = matches!(code, 200 | 201 | 220)
            && [&b"SMTP"[..], b"MAIL", b"NNTP"]
                .iter()
                .any(|w| crate::smtp::contains_ci(line, w));
        // A conversation starts with the server's greeting; other replies
        // (`200 …`, `211 …`) are shared with NNTP and the like.
        return matches!(code, 120 | 220 | 421) && sep_ok && !other_greeting;
    }
    // A client sends one command at a time: the line is all the bytes.
    // USER and PASS (common words elsewhere) need their argument.
    let Some((w, arg)) = text::known_command(line, KNOWN_COMMANDS) else {
        return false;
    };
    // MODE, STRU and TYPE take a letter (NNTP's `MODE READER` does not).
    let first_arg = line
        .get(5..)
        .unwrap_or_default()
        .split(|&c| c == b' ')
        .next();
    let letter =
        !matches!(w, b"MODE" | b"STRU" | b"TYPE") || first_arg.is_some_and(|a| a.len() == 1);
    next == bytes.len() && letter && (arg || (w != b"USER" && w != b"PASS"))
}

/// Does a command token name `cmd` the way tshark tests it (`tvb_strneql`
/// over the token's length: case-sensitive, a prefix counts)?
fn names(token: &[u8], cmd: &[u8]) -> bool {
    !token.is_empty() && cmd.starts_with(token)
}

/// A decimal number as C's `%d` in `sscanf` reads it: white space, a sign,
/// digits. Returns the value (wrapped to 32 bits) and where it ended.
fn scan_int(s: &[u8], at: usize) -> Option<(i32, usize)> {
    let mut i = at;
    while s.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits_start = i;
    let mut v: i64 = 0;
    while let Some(c) = s.get(i).filter(|c| c.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add(i64::from(c - b'0'));
        i += 1;
    }
    if i == digits_start {
        return None;
    }
    let v = if neg { v.saturating_neg() } else { v };
    // strtol clamps to the long range; the store to an int keeps the low
    // 32 bits.
    Some((v as i32, i))
}

/// Six comma-separated numbers found as tshark's `parse_port_pasv` finds
/// them in `s` (from the first digit on, retrying after each number that
/// does not start six): the IPv4 address, the port and the byte ranges of
/// both within `s`.
fn parse_pasv(s: &[u8]) -> Option<(Ipv4Addr, u16, Range<usize>, Range<usize>)> {
    // A NUL ends the text, as in C.
    let s = s.get(..s.iter().position(|&c| c == 0).unwrap_or(s.len()))?;
    let mut p = 0;
    loop {
        while s.get(p).is_some_and(|c| !c.is_ascii_digit()) {
            p += 1;
        }
        if p >= s.len() {
            return None;
        }
        let mut nums = [0i32; 6];
        let mut at = p;
        let mut ends = [0usize; 6];
        let mut ok = true;
        for (i, n) in nums.iter_mut().enumerate() {
            if i > 0 {
                if s.get(at) != Some(&b',') {
                    ok = false;
                    break;
                }
                at += 1;
            }
            match scan_int(s, at) {
                Some((v, e)) => {
                    *n = v;
                    at = e;
                    ends[i] = e;
                }
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            let [a, b, c, d, p1, p2] = nums.map(|n| n as u32);
            let ip = (a << 24) | (b << 16) | (c << 8) | d;
            let port = (((p1 & 0xff) << 8) | (p2 & 0xff)) as u16;
            let ip_range = p..ends[3];
            let port_range = ends[3] + 1..ends[5];
            return Some((Ipv4Addr::from(ip), port, ip_range, port_range));
        }
        while s.get(p).is_some_and(u8::is_ascii_digit) {
            p += 1;
        }
    }
}

/// RFC 2428's delimiter rule: a graphic character other than hex digits,
/// `.` and `:`.
fn valid_delimiter(c: u8) -> bool {
    c.is_ascii_graphic() && !b"0123456789abcdef.:".contains(&c.to_ascii_lowercase())
}

/// An unsigned decimal as `ws_strtou*` reads it (no sign, digits): value
/// and end, `None` without digits.
fn scan_uint(s: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut i = at;
    while s.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    let start = i;
    let mut v: u64 = 0;
    while let Some(c) = s.get(i).filter(|c| c.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add(u64::from(c - b'0'));
        i += 1;
    }
    (i > start).then_some((v, i))
}

/// The parsed `EPRT |af|address|port|` argument.
struct Eprt {
    af: u32,
    ip: IpAddr,
    port: u16,
    af_range: Range<usize>,
    ip_range: Range<usize>,
    port_range: Range<usize>,
}

/// tshark's `parse_eprt_request` over the argument `s`: one delimiter four
/// times, every field non-empty, family 1 (IPv4) or 2 (IPv6).
fn parse_eprt(s: &[u8]) -> Option<Eprt> {
    let s = s.get(..s.iter().position(|&c| c == 0).unwrap_or(s.len()))?;
    if s.len() < 4 {
        return None;
    }
    let d = *s.first()?;
    if !valid_delimiter(d) || s.iter().filter(|&&c| c == d).count() != 4 {
        return None;
    }
    let mut fields = [0..0, 0..0, 0..0];
    let mut last = 0;
    let mut seen = 0;
    for (n, &c) in s.iter().enumerate().skip(1) {
        if c != d {
            continue;
        }
        if n - last <= 1 {
            return None;
        }
        *fields.get_mut(seen)? = last + 1..n;
        seen += 1;
        last = n;
    }
    let [af_r, ip_r, port_r] = fields;
    let whole_u = |r: &Range<usize>, max: u64| {
        let f = s.get(r.clone())?;
        if f.first().is_some_and(|c| !c.is_ascii_digit()) {
            return None;
        }
        match scan_uint(f, 0) {
            Some((v, e)) if e == f.len() && v <= max => Some(v),
            _ => None,
        }
    };
    let af = whole_u(&af_r, u64::from(u32::MAX))? as u32;
    let ip_text = std::str::from_utf8(s.get(ip_r.clone())?).ok()?;
    let ip = match af {
        1 => IpAddr::V4(ip_text.parse::<Ipv4Addr>().ok()?),
        2 => IpAddr::V6(ip_text.parse::<Ipv6Addr>().ok()?),
        _ => return None,
    };
    let port = whole_u(&port_r, u64::from(u16::MAX))? as u16;
    Some(Eprt {
        af,
        ip,
        port,
        af_range: af_r,
        ip_range: ip_r,
        port_range: port_r,
    })
}

/// tshark's `parse_extended_pasv_response` over the reply text `s`: after
/// the first `(`, up to three equal delimiters, then the port (digits up to
/// a `|` count even when too large, as tshark lets them), and a `)` after.
fn parse_epsv(s: &[u8]) -> Option<(u16, Range<usize>)> {
    let s = s.get(..s.iter().position(|&c| c == 0).unwrap_or(s.len()))?;
    let open = s.iter().position(|&c| c == b'(')?;
    let mut p = open + 1;
    let mut delim = None;
    for _ in 0..3 {
        let Some(&c) = s.get(p) else { break };
        if delim.is_none() && valid_delimiter(c) {
            delim = Some(c);
        }
        if Some(c) != delim {
            break;
        }
        p += 1;
    }
    if p >= s.len() || s.get(p).is_some_and(|c| *c == b'+' || *c == b'-') {
        // A sign is refused; a `|` right there still counts (as port 0).
        if s.get(p) != Some(&b'|') {
            return None;
        }
    }
    let (port, end) = match scan_uint(s, p) {
        Some((v, e)) if v <= u64::from(u16::MAX) => (v as u16, e),
        Some((_, e)) if s.get(e) == Some(&b'|') => (u16::MAX, e),
        Some(_) => return None,
        None if s.get(p) == Some(&b'|') => (0, p),
        None => return None,
    };
    s.get(p..)?.contains(&b')').then_some((port, p..end))
}

/// A view over one FTP control message: a command sent to the server or a
/// reply from it.
#[derive(Clone, Copy, Debug)]
pub struct FtpView<'a> {
    bytes: &'a [u8],
    to_server: bool,
}

impl<'a> FtpView<'a> {
    /// A view over a whole message sent to the server (`to_server`, a
    /// command) or from it (a reply). Fails only on no bytes at all.
    pub fn new(bytes: &'a [u8], to_server: bool) -> Result<Self, Error> {
        need(bytes, 1)?;
        Ok(FtpView { bytes, to_server })
    }

    /// Is this a command (sent to the server)?
    pub fn is_request(&self) -> bool {
        self.to_server
    }

    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    pub fn payload(&self) -> &'a [u8] {
        &[]
    }

    fn first(&self) -> Line {
        text::line_at(self.bytes, 0).unwrap_or(Line {
            start: 0,
            end: 0,
            next: 0,
        })
    }

    /// The first line's text (without its end).
    pub fn first_line(&self) -> &'a [u8] {
        self.first().text(self.bytes)
    }

    /// A command's word and argument ranges (tshark's `get_token_len`).
    fn request_parts(&self) -> Option<(Range<usize>, Range<usize>)> {
        if !self.to_server {
            return None;
        }
        let l = self.first();
        let (tok, next) = text::token_skip_spaces(self.bytes, l.start, l.end);
        Some((tok, next..l.end))
    }

    /// A command's word (`USER`, `PORT`).
    pub fn command(&self) -> Option<&'a [u8]> {
        let (tok, _) = self.request_parts()?;
        self.bytes.get(tok).filter(|t| !t.is_empty())
    }

    /// A command's argument: the rest of the line after the word and the
    /// spaces after it.
    pub fn argument(&self) -> Option<&'a [u8]> {
        let (_, arg) = self.request_parts()?;
        self.bytes.get(arg).filter(|a| !a.is_empty())
    }

    /// A reply's code (its first line's, when it starts with three digits).
    pub fn reply_code(&self) -> Option<u16> {
        if self.to_server {
            return None;
        }
        text::code3(self.first_line())
    }

    /// A reply's text range on its first line (after the code and the
    /// fourth character; the whole line when it has no code).
    fn reply_arg_range(&self) -> Option<Range<usize>> {
        if self.to_server {
            return None;
        }
        let l = self.first();
        let skip = if text::code3(l.text(self.bytes)).is_some() {
            (l.end - l.start).min(4)
        } else {
            0
        };
        Some(l.start + skip..l.end).filter(|r| !r.is_empty())
    }

    /// A reply's text on its first line (after the code and the separator).
    pub fn reply_text(&self) -> Option<&'a [u8]> {
        self.bytes.get(self.reply_arg_range()?)
    }

    /// The lines of a multi-line reply after the first.
    pub fn more_lines(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let b = self.bytes;
        text::lines_from(b, self.first().next).map(move |l| l.text(b))
    }

    /// `AUTH TLS` (or `AUTH SSL`): on a `234` reply the connection turns
    /// to TLS.
    pub fn is_starttls(&self) -> bool {
        self.command()
            .is_some_and(|c| c.eq_ignore_ascii_case(b"AUTH"))
            && self
                .argument()
                .is_some_and(|a| text::is_one_of(a, &["TLS", "SSL", "TLS-C", "TLS-P"]))
    }

    /// The argument's offset in the message (for field ranges).
    fn offset_of(&self, r: &Range<usize>, sub: Range<usize>) -> Range<usize> {
        r.start + sub.start..r.start + sub.end
    }

    fn active(&self) -> Option<(Ipv4Addr, u16, Range<usize>, Range<usize>)> {
        let (tok, arg) = self.request_parts()?;
        if !names(self.bytes.get(tok)?, b"PORT") {
            return None;
        }
        let (ip, port, ir, pr) = parse_pasv(self.bytes.get(arg.clone())?)?;
        Some((ip, port, self.offset_of(&arg, ir), self.offset_of(&arg, pr)))
    }

    fn passive(&self) -> Option<(Ipv4Addr, u16, Range<usize>, Range<usize>)> {
        if self.reply_code()? != 227 {
            return None;
        }
        let arg = self.reply_arg_range()?;
        let (ip, port, ir, pr) = parse_pasv(self.bytes.get(arg.clone())?)?;
        Some((ip, port, self.offset_of(&arg, ir), self.offset_of(&arg, pr)))
    }

    fn eprt(&self) -> Option<(Eprt, usize)> {
        let (tok, arg) = self.request_parts()?;
        if !names(self.bytes.get(tok)?, b"EPRT") {
            return None;
        }
        Some((parse_eprt(self.bytes.get(arg.clone())?)?, arg.start))
    }

    fn epsv(&self) -> Option<(u16, Range<usize>)> {
        if self.reply_code()? != 229 {
            return None;
        }
        let arg = self.reply_arg_range()?;
        let (port, r) = parse_epsv(self.bytes.get(arg.clone())?)?;
        Some((port, self.offset_of(&arg, r)))
    }

    /// Where this command or reply says the data connection is to be
    /// opened (PORT, EPRT, a 227 or a 229 reply), if it says so.
    pub fn data_endpoint(&self) -> Option<DataEndpoint> {
        if let Some((ip, port, ..)) = self.active() {
            return Some(DataEndpoint::Active { ip, port });
        }
        if let Some((e, _)) = self.eprt() {
            return Some(DataEndpoint::ExtendedActive {
                ip: e.ip,
                port: e.port,
            });
        }
        if let Some((ip, port, ..)) = self.passive() {
            return Some(DataEndpoint::Passive { ip, port });
        }
        self.epsv()
            .map(|(port, _)| DataEndpoint::ExtendedPassive { port })
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        let all = 0..b.len();
        match f {
            Field::Request => out.value(Value::Bool(self.to_server), all),
            Field::Response => out.value(Value::Bool(!self.to_server), all),
            Field::RequestCommand => {
                if let Some((tok, _)) = self.request_parts().filter(|(t, _)| !t.is_empty()) {
                    out.value(Value::Str(b.get(tok.clone()).unwrap_or_default()), tok)
                }
            }
            Field::RequestArg => {
                if let Some((_, arg)) = self.request_parts().filter(|(_, a)| !a.is_empty()) {
                    out.value(Value::Str(b.get(arg.clone()).unwrap_or_default()), arg)
                }
            }
            Field::ResponseCode => {
                if let Some(c) = self.reply_code() {
                    out.value(Value::UInt(c.into()), 0..3)
                }
            }
            Field::ResponseArg => {
                if let Some(r) = self.reply_arg_range() {
                    out.value(Value::Str(b.get(r.clone()).unwrap_or_default()), r)
                }
            }
            Field::PassiveIp | Field::PassivePort => {
                if let Some((ip, port, ir, pr)) = self.passive() {
                    match f {
                        Field::PassiveIp => out.value(Value::Ipv4(ip.octets()), ir),
                        _ => out.value(Value::UInt(port.into()), pr),
                    }
                }
            }
            Field::ActiveIp | Field::ActivePort => {
                if let Some((ip, port, ir, pr)) = self.active() {
                    match f {
                        Field::ActiveIp => out.value(Value::Ipv4(ip.octets()), ir),
                        _ => out.value(Value::UInt(port.into()), pr),
                    }
                }
            }
            Field::EprtAf | Field::EprtIp | Field::EprtIpv6 | Field::EprtPort => {
                let Some((e, at)) = self.eprt() else { return };
                let shift = |r: &Range<usize>| at + r.start..at + r.end;
                match (f, e.ip) {
                    (Field::EprtAf, _) => out.value(Value::UInt(e.af.into()), shift(&e.af_range)),
                    (Field::EprtIp, IpAddr::V4(a)) => {
                        out.value(Value::Ipv4(a.octets()), shift(&e.ip_range))
                    }
                    (Field::EprtIpv6, IpAddr::V6(a)) => {
                        out.value(Value::Ipv6(a.octets()), shift(&e.ip_range))
                    }
                    (Field::EprtPort, _) => {
                        out.value(Value::UInt(e.port.into()), shift(&e.port_range))
                    }
                    _ => {}
                }
            }
            Field::EpsvPort => {
                if let Some((port, r)) = self.epsv() {
                    out.value(Value::UInt(port.into()), r)
                }
            }
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("File Transfer Protocol (FTP)");
    }

    /// tshark's Info column: `Request: USER anonymous`, `Response: 220
    /// Welcome` (the first line).
    pub fn summary(&self, out: &mut String) {
        out.push_str(if self.to_server {
            "Request: "
        } else {
            "Response: "
        });
        text::push_text(out, self.first_line());
    }
}

/// The plain values of an FTP control message, for building one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FtpRepr {
    /// `COMMAND[ argument]` CR LF.
    Command {
        command: Vec<u8>,
        argument: Option<Vec<u8>>,
    },
    /// A reply, one text per line (`code-text` for all but the last).
    Reply { code: u16, lines: Vec<Vec<u8>> },
}

impl FtpRepr {
    pub fn parse(v: &FtpView) -> Self {
        if v.is_request() {
            return FtpRepr::Command {
                command: v.command().unwrap_or_default().to_vec(),
                argument: v.argument().map(<[u8]>::to_vec),
            };
        }
        let code = v.reply_code().unwrap_or(0);
        let mut lines: Vec<Vec<u8>> = Vec::new();
        let first = v.first_line();
        if first.len() >= 4 {
            lines.push(first.get(4..).unwrap_or_default().to_vec());
        }
        for l in v.more_lines() {
            lines.push(l.get(4..).unwrap_or_default().to_vec());
        }
        FtpRepr::Reply { code, lines }
    }

    /// A `PORT` command announcing `ip:port`.
    pub fn port(ip: Ipv4Addr, port: u16) -> Self {
        let [a, b, c, d] = ip.octets();
        let arg = format!("{a},{b},{c},{d},{},{}", port >> 8, port & 0xff);
        FtpRepr::Command {
            command: b"PORT".to_vec(),
            argument: Some(arg.into_bytes()),
        }
    }

    /// A `227` reply announcing `ip:port`.
    pub fn passive(ip: Ipv4Addr, port: u16) -> Self {
        let [a, b, c, d] = ip.octets();
        let text = format!(
            "Entering Passive Mode ({a},{b},{c},{d},{},{}).",
            port >> 8,
            port & 0xff
        );
        FtpRepr::Reply {
            code: 227,
            lines: vec![text.into_bytes()],
        }
    }

    pub fn emit(&self, buf: &mut Vec<u8>) {
        match self {
            FtpRepr::Command { command, argument } => {
                buf.extend_from_slice(command);
                if let Some(a) = argument {
                    buf.push(b' ');
                    buf.extend_from_slice(a);
                }
                buf.extend_from_slice(b"\r\n");
            }
            FtpRepr::Reply { code, lines } => crate::smtp::emit_reply(buf, *code, lines),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;
    use proptest::prelude::*;

    fn get(v: &FtpView, f: Field) -> String {
        testing::joined_within(v.bytes.len(), FIELDS[f as usize].kind, |out| {
            v.field(f, out)
        })
    }

    fn summary(v: &FtpView) -> String {
        testing::string_of(|s| v.summary(s))
    }

    /// suricata__ftp-ftp-upload-passive-input.pcap frames 6 and 14.
    #[test]
    fn real_command_and_passive_reply() {
        let v = FtpView::new(b"USER alice\r\n", true).unwrap();
        assert_eq!(get(&v, Field::Request), "1");
        assert_eq!(get(&v, Field::Response), "0");
        assert_eq!(get(&v, Field::RequestCommand), "USER");
        assert_eq!(get(&v, Field::RequestArg), "alice");
        assert_eq!(summary(&v), "Request: USER alice");
        let r = b"227 Entering Passive Mode (172,23,0,2,82,11).\r\n";
        assert_eq!(pdu_len(r), Pdu::Whole(r.len()));
        let v = FtpView::new(r, false).unwrap();
        assert_eq!(get(&v, Field::ResponseCode), "227");
        assert_eq!(
            get(&v, Field::ResponseArg),
            "Entering Passive Mode (172,23,0,2,82,11)."
        );
        assert_eq!(get(&v, Field::PassiveIp), "172.23.0.2");
        assert_eq!(get(&v, Field::PassivePort), "21003");
        assert_eq!(
            v.data_endpoint(),
            Some(DataEndpoint::Passive {
                ip: Ipv4Addr::new(172, 23, 0, 2),
                port: 21003
            })
        );
        assert_eq!(
            summary(&v),
            "Response: 227 Entering Passive Mode (172,23,0,2,82,11)."
        );
    }

    /// suricata__filestore-ftp-active-mode-ftp-active-mode.pcap frame 22.
    #[test]
    fn real_port_command() {
        let v = FtpView::new(b"PORT 127,0,0,1,156,67\r\n", true).unwrap();
        assert_eq!(get(&v, Field::ActiveIp), "127.0.0.1");
        assert_eq!(get(&v, Field::ActivePort), "40003");
        assert_eq!(
            v.data_endpoint(),
            Some(DataEndpoint::Active {
                ip: Ipv4Addr::new(127, 0, 0, 1),
                port: 40003
            })
        );
    }

    /// suricata__filestore-v2.7-stream-depth-input.pcap frame 4: a
    /// multi-line greeting; only its first line is parsed.
    #[test]
    fn real_multi_line_greeting() {
        let g = b"220-#########################################################\r\n220-Please upload your web files to the public_html directory.\r\n220-Note that letters are case sensitive.\r\n220-#########################################################\r\n220 This is a private system - No anonymous login\r\n";
        assert_eq!(pdu_len(g), Pdu::Whole(g.len()));
        assert_eq!(pdu_len(&g[..g.len() - 3]), Pdu::Need(g.len() - 2));
        let v = FtpView::new(g, false).unwrap();
        assert_eq!(get(&v, Field::ResponseCode), "220");
        assert_eq!(
            get(&v, Field::ResponseArg),
            "#########################################################"
        );
        assert_eq!(v.more_lines().count(), 4);
        assert!(looks_like(g));
    }

    /// Forms checked against tshark 4.0 on crafted segments.
    #[test]
    fn odd_lines_as_tshark_reads_them() {
        let v = FtpView::new(b"user  two\r\n", true).unwrap();
        assert_eq!(get(&v, Field::RequestCommand), "user");
        assert_eq!(get(&v, Field::RequestArg), "two");
        let v = FtpView::new(b"PORT 10,0,0,1,4\r\n", true).unwrap();
        assert_eq!(get(&v, Field::ActiveIp), "");
        let v = FtpView::new(b"PORT  10,0,0,1,4,2\r\n", true).unwrap();
        assert_eq!(get(&v, Field::ActivePort), "1026");
        for (line, arg, code) in [
            (&b"220\r\n"[..], "", "220"),
            (b"220-\r\n", "", "220"),
            (b"22\r\n", "22", ""),
            (b"hello world\r\n", "hello world", ""),
            (b"2200 x\r\n", " x", "220"),
            (b"331  x\r\n", " x", "331"),
        ] {
            let v = FtpView::new(line, false).unwrap();
            assert_eq!(get(&v, Field::ResponseArg), arg);
            assert_eq!(get(&v, Field::ResponseCode), code);
        }
        for (line, ip, port) in [
            (&b"227 =192,168,1,2,4,4\r\n"[..], "192.168.1.2", "1028"),
            (
                b"227 Entering Passive Mode 192,168,1,2,4,5\r\n",
                "192.168.1.2",
                "1029",
            ),
            (
                b"227 Entering Passive Mode (300,168,1,2,4,3)\r\n",
                "44.168.1.2",
                "1027",
            ),
            (
                b"227 Entering Passive Mode (1,2,3,4,5,6,7)\r\n",
                "1.2.3.4",
                "1286",
            ),
        ] {
            let v = FtpView::new(line, false).unwrap();
            assert_eq!(get(&v, Field::PassiveIp), ip);
            assert_eq!(get(&v, Field::PassivePort), port);
        }
        let v = FtpView::new(b"229 Entering Extended Passive Mode (|||6446|)\r\n", false).unwrap();
        assert_eq!(get(&v, Field::EpsvPort), "6446");
        assert_eq!(
            v.data_endpoint(),
            Some(DataEndpoint::ExtendedPassive { port: 6446 })
        );
        let v = FtpView::new(b"EPRT |1|132.235.1.2|6275|\r\n", true).unwrap();
        assert_eq!(get(&v, Field::EprtAf), "1");
        assert_eq!(get(&v, Field::EprtIp), "132.235.1.2");
        assert_eq!(get(&v, Field::EprtPort), "6275");
        let v = FtpView::new(b"EPRT |2|::1|6276|\r\n", true).unwrap();
        assert_eq!(get(&v, Field::EprtIpv6), "::1");
        assert_eq!(get(&v, Field::EprtIp), "");
        assert_eq!(
            v.data_endpoint(),
            Some(DataEndpoint::ExtendedActive {
                ip: IpAddr::V6(Ipv6Addr::LOCALHOST),
                port: 6276
            })
        );
        assert!(FtpView::new(b"AUTH TLS\r\n", true).unwrap().is_starttls());
    }

    #[test]
    fn framing_and_detection() {
        assert_eq!(pdu_len(b"USER x\r\nPASS y\r\n"), Pdu::Whole(8));
        assert_eq!(pdu_len(b"USER x"), Pdu::Need(7));
        assert_eq!(pdu_len(b"\x16\x03\x01\x00\x05"), Pdu::NotMine);
        assert_eq!(pdu_len(b"211-a\r\n211 b\r\n"), Pdu::Whole(14));
        // A line with another code does not end the reply.
        assert_eq!(pdu_len(b"211-a\r\n200 x\r\n211 b\r\n"), Pdu::Whole(21));
        assert!(looks_like(b"USER anonymous\r\n"));
        assert!(!looks_like(b"USER anonymous\r\nPASS x\r\n"));
        assert!(!looks_like(b"user\r\n"));
        assert!(!looks_like(b"USER\r\n"));
        assert!(!looks_like(b"200 Leafnode NNTP Daemon\r\n"));
        assert!(!looks_like(
            b"200 Leafnode 1.11.7.rc1, pleased to meet you!\r\n"
        ));
        assert!(!looks_like(b"MODE READER\r\n"));
        assert!(looks_like(b"TYPE I\r\n"));
        assert!(looks_like(b"220 (vsFTPd 3.0.3)\r\n"));
        assert!(!looks_like(b"220 mail.example.com ESMTP\r\n"));
        assert!(!looks_like(b"NICK x\r\n"));
        assert!(!looks_like(b"USER x"));
        // IRC's USER; a directory listing on a data connection.
        assert!(!looks_like(b"USER testuser 0 * :Test User\r\n"));
        assert!(!looks_like(b"645 Jul 27  1988 rfc1059.txt\r\n"));
    }

    #[test]
    fn hostile_inputs() {
        assert!(FtpView::new(b"", false).is_err());
        for b in [
            &b"PORT"[..],
            b"PORT ,,,,,",
            b"PORT 9999999999999999999,1,1,1,1,1",
            b"PORT -1,-1,-1,-1,-1,-1",
            b"EPRT ||||",
            b"EPRT |1|1.2.3.4|99999|",
            b"EPRT |3|x|1|",
            b"P 1,2,3,4,5,6",
            b"229 (",
            b"229 (|||",
            b"229 (|||99999999|)",
            b"229 (||||)",
            b"227 1,2,3,4,5",
            b"\r",
            b"\x00\x00",
        ] {
            for to_server in [true, false] {
                let v = FtpView::new(b, to_server).unwrap();
                for i in 0..FIELDS.len() {
                    let _ = get(&v, Field::from_index(i).unwrap());
                }
                let _ = (summary(&v), v.data_endpoint(), v.is_starttls());
                let mut out = Vec::new();
                FtpRepr::parse(&v).emit(&mut out);
            }
            let _ = (pdu_len(b), looks_like(b));
        }
        // tshark lets a too large EPSV port through as 65535 before a `|`,
        // and an empty one as 0.
        let v = FtpView::new(b"229 (|||99999999|)", false).unwrap();
        assert_eq!(get(&v, Field::EpsvPort), "65535");
        let v = FtpView::new(b"229 (||||)", false).unwrap();
        assert_eq!(get(&v, Field::EpsvPort), "0");
        let v = FtpView::new(b"P 1,2,3,4,5,6", true).unwrap();
        assert_eq!(get(&v, Field::ActivePort), "1286");
    }

    fn text_bytes() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            any::<u8>().prop_filter("no line end", |c| *c != b'\r' && *c != b'\n'),
            0..40,
        )
    }

    proptest! {
        #[test]
        fn build_then_parse_command(
            command in "[A-Za-z]{1,8}",
            argument in proptest::option::of("[!-~][ -~]{0,30}"),
        ) {
            let r = FtpRepr::Command { command: command.into_bytes(), argument: argument.map(String::into_bytes) };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            prop_assert_eq!(pdu_len(&buf), Pdu::Whole(buf.len()));
            let v = FtpView::new(&buf, true).unwrap();
            prop_assert_eq!(FtpRepr::parse(&v), r);
        }

        #[test]
        fn build_then_parse_reply(code in 100u16..1000, lines in proptest::collection::vec(text_bytes(), 1..5)) {
            let r = FtpRepr::Reply { code, lines };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let v = FtpView::new(&buf, false).unwrap();
            prop_assert_eq!(FtpRepr::parse(&v), r);
        }

        #[test]
        fn data_endpoints_round_trip(ip: [u8; 4], port: u16) {
            let ip = Ipv4Addr::from(ip);
            let mut buf = Vec::new();
            FtpRepr::port(ip, port).emit(&mut buf);
            prop_assert_eq!(FtpView::new(&buf, true).unwrap().data_endpoint(), Some(DataEndpoint::Active { ip, port }));
            buf.clear();
            FtpRepr::passive(ip, port).emit(&mut buf);
            prop_assert_eq!(FtpView::new(&buf, false).unwrap().data_endpoint(), Some(DataEndpoint::Passive { ip, port }));
        }

        #[test]
        fn framing_never_overruns(b in proptest::collection::vec(any::<u8>(), 0..300)) {
            match pdu_len(&b) {
                Pdu::Whole(n) => prop_assert!(n >= 1 && n <= b.len()),
                Pdu::Need(n) => prop_assert!(n > b.len()),
                Pdu::NotMine => {}
            }
        }
    }
}
