//! Lexer and parser of libpcap's filter language (`pcap-filter(7)`).
//!
//! Precedence follows libpcap: `not` binds tightest; `and` and `or` have the
//! *same* precedence and associate left to right (`a or b and c` is
//! `(a or b) and c`). A bare value after `and`/`or`/`not` takes the
//! qualifiers of the primitive before it (`port 53 or 80`, `host a and not b`).

use super::CompileError;

/// A byte range in the filter text.
pub type Span = (usize, usize);

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Word(String),
    Op(&'static str),
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

const OPS: &[&str] = &[
    "&&", "||", "<<", ">>", ">=", "<=", "==", "!=", "(", ")", "[", "]", ":", "+", "-", "*", "/",
    "%", "&", "|", "^", "<", ">", "=", "!",
];

pub(crate) fn lex(src: &str) -> Result<Vec<Token>, CompileError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut brackets = 0usize;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        // Words: keywords, numbers, addresses (`10.0.0.1`, `fe80::1`,
        // `00:11:22:33:44:55`), names with dashes (`tcp-syn`), port ranges
        // (`1-1023`) — libpcap's ID token. Inside brackets a colon separates
        // offset and size (`ip[2:2]`).
        let word_char = |c: u8, first: bool| {
            c.is_ascii_alphanumeric()
                || c == b'\\'
                || (c == b':' && brackets == 0)
                || (!first && matches!(c, b'.' | b'_' | b'-'))
        };
        if word_char(c, true) {
            let start = i;
            while i < b.len() && word_char(b[i], false) {
                i += 1;
            }
            // libpcap's IDs do not end in '-' or '_' (so `len-1` is one word,
            // as in libpcap, but `ip[0]- 1` is not).
            while i > start + 1 && matches!(b[i - 1], b'-' | b'_') {
                i -= 1;
            }
            out.push(Token {
                tok: Tok::Word(src[start..i].to_string()),
                span: (start, i),
            });
            continue;
        }
        let Some(op) = OPS.iter().find(|o| src[i..].starts_with(**o)) else {
            let ch = src[i..].chars().next().unwrap_or('?');
            return Err(CompileError::new(
                format!("unexpected character '{ch}'"),
                (i, i + ch.len_utf8()),
            ));
        };
        match *op {
            "[" => brackets += 1,
            "]" => brackets = brackets.saturating_sub(1),
            _ => {}
        }
        out.push(Token {
            tok: Tok::Op(op),
            span: (i, i + op.len()),
        });
        i += op.len();
    }
    Ok(out)
}

/// A protocol qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Proto {
    Link,
    Ip,
    Ip6,
    Arp,
    Rarp,
    Tcp,
    Udp,
    Sctp,
    Icmp,
    Icmp6,
    Igmp,
    Ah,
    Esp,
    Pim,
    Vrrp,
    Carp,
    Igrp,
}

impl Proto {
    fn from_word(w: &str) -> Option<Proto> {
        Some(match w {
            "ether" | "link" | "fddi" | "tr" | "wlan" => Proto::Link,
            "ip" => Proto::Ip,
            "ip6" => Proto::Ip6,
            "arp" => Proto::Arp,
            "rarp" => Proto::Rarp,
            "tcp" => Proto::Tcp,
            "udp" => Proto::Udp,
            "sctp" => Proto::Sctp,
            "icmp" => Proto::Icmp,
            "icmp6" => Proto::Icmp6,
            "igmp" => Proto::Igmp,
            "ah" => Proto::Ah,
            "esp" => Proto::Esp,
            "pim" => Proto::Pim,
            "vrrp" => Proto::Vrrp,
            "carp" => Proto::Carp,
            "igrp" => Proto::Igrp,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Proto::Link => "ether",
            Proto::Ip => "ip",
            Proto::Ip6 => "ip6",
            Proto::Arp => "arp",
            Proto::Rarp => "rarp",
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::Sctp => "sctp",
            Proto::Icmp => "icmp",
            Proto::Icmp6 => "icmp6",
            Proto::Igmp => "igmp",
            Proto::Ah => "ah",
            Proto::Esp => "esp",
            Proto::Pim => "pim",
            Proto::Vrrp => "vrrp",
            Proto::Carp => "carp",
            Proto::Igrp => "igrp",
        }
    }

    /// The IP protocol number of a transport protocol.
    pub fn ip_proto(self) -> Option<u8> {
        Some(match self {
            Proto::Tcp => 6,
            Proto::Udp => 17,
            Proto::Sctp => 132,
            Proto::Icmp => 1,
            Proto::Icmp6 => 58,
            Proto::Igmp => 2,
            Proto::Ah => 51,
            Proto::Esp => 50,
            Proto::Pim => 103,
            Proto::Vrrp | Proto::Carp => 112,
            Proto::Igrp => 9,
            _ => return None,
        })
    }
}

/// A direction qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Src,
    Dst,
    /// `src or dst`, and the default.
    Either,
    /// `src and dst`.
    Both,
}

/// A type qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Host,
    Net,
    Port,
    PortRange,
    Proto,
}

/// Qualifiers of a primitive, remembered for the bare values after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quals {
    pub proto: Option<Proto>,
    pub dir: Dir,
    pub kind: Option<Kind>,
}

/// An address or number a primitive names.
#[derive(Debug, Clone, PartialEq)]
pub enum Net {
    V4 { addr: u32, mask: u32 },
    V6 { addr: [u8; 16], prefix: u32 },
}

/// One primitive.
#[derive(Debug, Clone, PartialEq)]
pub enum Prim {
    /// `[ip|ip6|arp|rarp] [dir] host|net ADDR`.
    Net {
        proto: Option<Proto>,
        dir: Dir,
        net: Net,
    },
    /// `ether [dir] host MAC`.
    EtherHost {
        dir: Dir,
        mac: [u8; 6],
    },
    /// `[tcp|udp|sctp] [dir] port N` / `portrange A-B`.
    Port {
        proto: Option<Proto>,
        dir: Dir,
        lo: u16,
        hi: u16,
    },
    /// `ip`, `tcp`, `arp` …
    Proto(Proto),
    /// `[ip|ip6] proto N` (`None` = both).
    IpProto {
        ver: Option<Proto>,
        n: u8,
    },
    /// `ether proto N`.
    EtherProto(u16),
    /// `vlan [ID]`.
    Vlan(Option<u16>),
    /// `less N` (len <= N) and `greater N` (len >= N).
    Less(u32),
    Greater(u32),
    /// `ether broadcast`, `ether multicast`.
    Broadcast,
    Multicast,
    /// `ip multicast` (class D destination), `ip6 multicast` (ff00::/8).
    IpMulticast {
        v6: bool,
    },
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    And,
    Or,
    Xor,
    Shl,
    Shr,
}

/// An arithmetic expression (the sides of a relation).
#[derive(Debug, Clone, PartialEq)]
pub enum Arith {
    Num(u32),
    Len,
    /// `proto[idx : size]`.
    Load {
        proto: Proto,
        idx: Box<Arith>,
        size: u8,
        span: Span,
    },
    Bin(ArOp, Box<Arith>, Box<Arith>),
    Neg(Box<Arith>),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelOp {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Prim(Prim, Span),
    Rel(RelOp, Arith, Arith, Span),
}

/// Every keyword, for suggestions.
pub(crate) const KEYWORDS: &[&str] = &[
    "host",
    "net",
    "mask",
    "port",
    "portrange",
    "src",
    "dst",
    "ether",
    "link",
    "ip",
    "ip6",
    "arp",
    "rarp",
    "tcp",
    "udp",
    "sctp",
    "icmp",
    "icmp6",
    "igmp",
    "proto",
    "vlan",
    "less",
    "greater",
    "and",
    "or",
    "not",
    "len",
    "broadcast",
    "multicast",
    "tcpflags",
    "tcp-fin",
    "tcp-syn",
    "tcp-rst",
    "tcp-push",
    "tcp-ack",
    "tcp-urg",
    "tcp-ece",
    "tcp-cwr",
    "icmptype",
    "icmpcode",
    "icmp-echoreply",
    "icmp-unreach",
    "icmp-sourcequench",
    "icmp-redirect",
    "icmp-echo",
    "icmp-routeradvert",
    "icmp-routersolicit",
    "icmp-timxceed",
    "icmp-paramprob",
    "icmp-tstamp",
    "icmp-tstampreply",
    "icmp-ireq",
    "icmp-ireqreply",
    "icmp-maskreq",
    "icmp-maskreply",
    "icmp6type",
    "icmp6code",
    "ah",
    "esp",
    "pim",
    "vrrp",
    "carp",
    "igrp",
];

/// libpcap keywords wiresift does not support (yet): named in the error.
const UNSUPPORTED: &[&str] = &[
    "gateway",
    "inbound",
    "outbound",
    "ifname",
    "on",
    "rnr",
    "rulenum",
    "reason",
    "rset",
    "srnr",
    "subrulenum",
    "action",
    "mpls",
    "pppoed",
    "pppoes",
    "geneve",
    "vxlan",
    "llc",
    "protochain",
    "decnet",
    "iso",
    "esis",
    "es-is",
    "isis",
    "is-is",
    "clnp",
    "l1",
    "l2",
    "iih",
    "lsp",
    "snp",
    "csnp",
    "psnp",
    "atalk",
    "aarp",
    "ipx",
    "netbeui",
    "stp",
    "lat",
    "sca",
    "moprc",
    "mopdl",
    "type",
    "subtype",
    "ra",
    "ta",
    "addr1",
    "addr2",
    "addr3",
    "addr4",
    "dir",
    "radio",
    "slip",
    "hsls",
    "vpi",
    "vci",
    "lane",
    "oamf4",
    "oamf4ec",
    "oamf4sc",
    "oam",
    "metac",
    "bcc",
    "sc",
    "ilmic",
    "connectmsg",
    "metaconnect",
    "ip6protochain",
    "atm",
];

/// Named constants usable in arithmetic.
fn constant(w: &str) -> Option<u32> {
    Some(match w {
        "tcpflags" => 13,
        "tcp-fin" => 0x01,
        "tcp-syn" => 0x02,
        "tcp-rst" => 0x04,
        "tcp-push" => 0x08,
        "tcp-ack" => 0x10,
        "tcp-urg" => 0x20,
        "tcp-ece" => 0x40,
        "tcp-cwr" => 0x80,
        "icmptype" | "icmp6type" => 0,
        "icmpcode" | "icmp6code" => 1,
        "icmp-echoreply" => 0,
        "icmp-unreach" => 3,
        "icmp-sourcequench" => 4,
        "icmp-redirect" => 5,
        "icmp-echo" => 8,
        "icmp-routeradvert" => 9,
        "icmp-routersolicit" => 10,
        "icmp-timxceed" => 11,
        "icmp-paramprob" => 12,
        "icmp-tstamp" => 13,
        "icmp-tstampreply" => 14,
        "icmp-ireq" => 15,
        "icmp-ireqreply" => 16,
        "icmp-maskreq" => 17,
        "icmp-maskreply" => 18,
        _ => return None,
    })
}

/// Well-known service names and the transport protocol they are listed for
/// (`None`: both tcp and udp), as Debian's /etc/services (netbase) lists
/// them. libpcap reads the host's /etc/services; we do not depend on the
/// host's files. As in libpcap, a name listed for one protocol only limits
/// `port NAME` to it (`port http` is `tcp port 80`).
fn service(w: &str) -> Option<(u16, Option<Proto>)> {
    use Proto::{Tcp, Udp};
    let (n, p) = match w {
        "ftp-data" => (20, Some(Tcp)),
        "ftp" => (21, Some(Tcp)),
        "ssh" => (22, Some(Tcp)),
        "telnet" => (23, Some(Tcp)),
        "smtp" | "mail" => (25, Some(Tcp)),
        "domain" => (53, None),
        "bootps" => (67, Some(Udp)),
        "bootpc" => (68, Some(Udp)),
        "tftp" => (69, Some(Udp)),
        "http" | "www" => (80, Some(Tcp)),
        "pop3" | "pop-3" => (110, Some(Tcp)),
        "sunrpc" | "portmapper" => (111, None),
        "ntp" => (123, Some(Udp)),
        "netbios-ns" => (137, Some(Udp)),
        "netbios-dgm" => (138, Some(Udp)),
        "netbios-ssn" => (139, Some(Tcp)),
        "imap" | "imap2" => (143, Some(Tcp)),
        "snmp" => (161, None),
        "snmp-trap" | "snmptrap" => (162, None),
        "bgp" => (179, Some(Tcp)),
        "ldap" => (389, None),
        "https" => (443, None),
        "microsoft-ds" => (445, Some(Tcp)),
        "isakmp" => (500, Some(Udp)),
        "syslog" => (514, Some(Udp)),
        "submission" => (587, Some(Tcp)),
        "ldaps" => (636, None),
        "imaps" => (993, Some(Tcp)),
        "pop3s" => (995, Some(Tcp)),
        "openvpn" => (1194, None),
        "radius" => (1812, None),
        "nfs" => (2049, None),
        "mysql" => (3306, Some(Tcp)),
        "sip" => (5060, None),
        "postgresql" | "postgres" => (5432, Some(Tcp)),
        _ => return None,
    };
    Some((n, p))
}

/// A number in libpcap's forms: decimal, `0x` hex, leading-zero octal.
pub(crate) fn number(w: &str) -> Option<u32> {
    if let Some(h) = w.strip_prefix("0x").or_else(|| w.strip_prefix("0X")) {
        return u32::from_str_radix(h, 16).ok();
    }
    if w.len() > 1 && w.starts_with('0') {
        return u32::from_str_radix(&w[1..], 8).ok();
    }
    if w.bytes().all(|c| c.is_ascii_digit()) {
        return w.parse().ok();
    }
    None
}

/// An IPv4 address of 1 to 4 parts; returns the address (left-aligned, as
/// libpcap does for `net`) and the number of parts.
fn ipv4_parts(w: &str) -> Option<(u32, u32)> {
    let parts: Vec<&str> = w.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut v: u32 = 0;
    for p in &parts {
        if p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let n: u32 = p.parse().ok()?;
        if n > 255 {
            return None;
        }
        v = (v << 8) | n;
    }
    let n = parts.len() as u32;
    Some((v.checked_shl(8 * (4 - n)).unwrap_or(0), n))
}

fn mac(w: &str) -> Option<[u8; 6]> {
    let parts: Vec<&str> = if w.contains(':') {
        w.split(':').collect()
    } else if w.contains('-') {
        w.split('-').collect()
    } else if w.contains('.') {
        // Cisco form 0011.2233.4455
        let groups: Vec<&str> = w.split('.').collect();
        if groups.len() != 3 || groups.iter().any(|g| g.len() != 4) {
            return None;
        }
        let s: String = groups.concat();
        let mut m = [0u8; 6];
        for (i, b) in m.iter_mut().enumerate() {
            *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        return Some(m);
    } else {
        return None;
    };
    if parts.len() != 6 {
        return None;
    }
    let mut m = [0u8; 6];
    for (b, p) in m.iter_mut().zip(parts) {
        if p.is_empty() || p.len() > 2 {
            return None;
        }
        *b = u8::from_str_radix(p, 16).ok()?;
    }
    Some(m)
}

pub(crate) struct Parser<'a> {
    toks: Vec<Token>,
    pos: usize,
    src: &'a str,
    last: Option<Quals>,
    /// The error of an arithmetic attempt that got furthest.
    best: Option<CompileError>,
    /// How deep the recursive descent is (parentheses, `not`, unary minus).
    depth: usize,
}

/// Limits that keep the recursive parser and code generator within the
/// stack whatever the input: nesting depth, and tokens (a program of at most
/// 4096 instructions cannot hold more primitives than that anyway).
const MAX_DEPTH: usize = 100;
const MAX_TOKENS: usize = 4096;

type R<T> = Result<T, CompileError>;

impl<'a> Parser<'a> {
    pub(crate) fn new(src: &'a str) -> R<Parser<'a>> {
        Ok(Parser {
            toks: lex(src)?,
            pos: 0,
            src,
            last: None,
            best: None,
            depth: 0,
        })
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.pos + n).map(|t| &t.tok)
    }

    fn span(&self) -> Span {
        match self.toks.get(self.pos) {
            Some(t) => t.span,
            None => (self.src.len(), self.src.len()),
        }
    }

    fn prev_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|p| self.toks.get(p))
            .map_or(0, |t| t.span.1)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x == w)
    }

    fn is_op(&self, o: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(x)) if *x == o)
    }

    fn word(&mut self) -> Option<(String, Span)> {
        match self.toks.get(self.pos) {
            Some(Token {
                tok: Tok::Word(w),
                span,
            }) => {
                let r = (w.clone(), *span);
                self.pos += 1;
                Some(r)
            }
            _ => None,
        }
    }

    fn expect_op(&mut self, o: &str) -> R<()> {
        if self.is_op(o) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{o}'")))
        }
    }

    fn unexpected(&self, wanted: &str) -> CompileError {
        match self.toks.get(self.pos) {
            None => CompileError::new(
                format!("expected {wanted}, found the end of the filter"),
                self.span(),
            ),
            Some(t) => {
                let text = &self.src[t.span.0..t.span.1];
                match &t.tok {
                    Tok::Word(w) if !is_value(w) && !KEYWORDS.contains(&w.as_str()) => suggest_for(
                        CompileError::new(format!("unknown keyword '{text}'"), t.span),
                        w,
                    ),
                    _ => CompileError::new(format!("expected {wanted}, found '{text}'"), t.span),
                }
            }
        }
    }

    /// The whole filter.
    pub(crate) fn parse(mut self) -> R<Option<Expr>> {
        if self.toks.is_empty() {
            return Ok(None);
        }
        if let Some(t) = self.toks.get(MAX_TOKENS) {
            return Err(CompileError::new(
                format!("the filter is too long (more than {MAX_TOKENS} words and operators)"),
                (t.span.0, self.src.len()),
            ));
        }
        let r = self.expr().and_then(|e| {
            if self.pos < self.toks.len() {
                Err(self.unexpected("'and', 'or' or the end of the filter"))
            } else {
                Ok(e)
            }
        });
        match (r, self.best.take()) {
            (Err(e), Some(b)) if b.span.0 > e.span.0 => Err(b),
            (r, _) => r.map(Some),
        }
    }

    fn and_or(&self) -> Option<bool> {
        match self.peek() {
            Some(Tok::Word(w)) if w == "and" => Some(true),
            Some(Tok::Word(w)) if w == "or" => Some(false),
            Some(Tok::Op("&&")) => Some(true),
            Some(Tok::Op("||")) => Some(false),
            _ => None,
        }
    }

    /// `term ((and|or) term)*`, left-associative, one precedence level.
    fn expr(&mut self) -> R<Expr> {
        let mut e = self.unary()?;
        while let Some(is_and) = self.and_or() {
            self.pos += 1;
            let r = self.unary()?;
            // Left to right, one level: `a or b and c` is `(a or b) and c`;
            // runs of the same operator become one n-ary node.
            e = match (e, is_and) {
                (Expr::And(mut v), true) => {
                    v.push(r);
                    Expr::And(v)
                }
                (Expr::Or(mut v), false) => {
                    v.push(r);
                    Expr::Or(v)
                }
                (e, true) => Expr::And(vec![e, r]),
                (e, false) => Expr::Or(vec![e, r]),
            };
        }
        Ok(e)
    }

    fn unary(&mut self) -> R<Expr> {
        self.depth += 1;
        let r = self.unary_inner();
        self.depth -= 1;
        r
    }

    fn too_deep(&self) -> R<()> {
        if self.depth > MAX_DEPTH {
            return Err(CompileError::new(
                format!("nested more than {MAX_DEPTH} deep"),
                self.span(),
            ));
        }
        Ok(())
    }

    fn unary_inner(&mut self) -> R<Expr> {
        self.too_deep()?;
        if self.is_word("not") || self.is_op("!") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        // A relation (`ip[0] & 0xf != 5`, `len > 100`, `(tcp[13]) = 2`) is
        // tried first; if what follows is not one, parse a primitive or a
        // parenthesized expression instead. The error reported is the one
        // that got furthest.
        let save = self.pos;
        let last = self.last;
        let rel_err = match self.relation() {
            Ok(e) => return Ok(e),
            Err(e) => e,
        };
        // An arithmetic attempt that got past its first token holds the
        // better message if the primitive parse fails later, or earlier.
        if rel_err.span.0 > self.toks.get(save).map_or(0, |t| t.span.0)
            && self.best.as_ref().is_none_or(|b| rel_err.span.0 > b.span.0)
        {
            self.best = Some(rel_err.clone());
        }
        self.pos = save;
        self.last = last;
        match self.primary() {
            Ok(e) => Ok(e),
            Err(e) => {
                if rel_err.span.0 > e.span.0 {
                    Err(rel_err)
                } else {
                    Err(e)
                }
            }
        }
    }

    fn relation(&mut self) -> R<Expr> {
        let start = self.span().0;
        let first = self.pos;
        let l = self.arith()?;
        let op = match self.peek() {
            Some(Tok::Op(">")) => RelOp::Gt,
            Some(Tok::Op(">=")) => RelOp::Ge,
            Some(Tok::Op("<")) => RelOp::Lt,
            Some(Tok::Op("<=")) => RelOp::Le,
            Some(Tok::Op("=" | "==")) => RelOp::Eq,
            Some(Tok::Op("!=")) => RelOp::Ne,
            _ if self.pos > first + 1 => {
                // An arithmetic expression that is not compared.
                return Err(self.unexpected("a comparison (>, <, >=, <=, =, !=)"));
            }
            _ => {
                // Not a relation: point at the start so that the primitive's
                // error wins.
                return Err(CompileError::new(
                    "expected a comparison (>, <, >=, <=, =, !=)",
                    (start, start),
                ));
            }
        };
        self.pos += 1;
        let r = self.arith()?;
        Ok(Expr::Rel(op, l, r, (start, self.prev_end())))
    }

    // Arithmetic: | lowest, then &, then << >>, then + -, then * / %; as in
    // libpcap's grammar (which gives ^ the precedence of |).
    fn arith(&mut self) -> R<Arith> {
        self.ar_level(0)
    }

    fn ar_level(&mut self, level: usize) -> R<Arith> {
        const LEVELS: &[&[(&str, ArOp)]] = &[
            &[("|", ArOp::Or), ("^", ArOp::Xor)],
            &[("&", ArOp::And)],
            &[("<<", ArOp::Shl), (">>", ArOp::Shr)],
            &[("+", ArOp::Add), ("-", ArOp::Sub)],
            &[("*", ArOp::Mul), ("/", ArOp::Div), ("%", ArOp::Mod)],
        ];
        let Some(ops) = LEVELS.get(level) else {
            return self.ar_unary();
        };
        let mut l = self.ar_level(level + 1)?;
        while let Some(Tok::Op(o)) = self.peek() {
            let Some((_, op)) = ops.iter().find(|(s, _)| s == o) else {
                break;
            };
            let op = *op;
            self.pos += 1;
            let r = self.ar_level(level + 1)?;
            l = Arith::Bin(op, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn ar_unary(&mut self) -> R<Arith> {
        self.depth += 1;
        let r = self.ar_unary_inner();
        self.depth -= 1;
        r
    }

    fn ar_unary_inner(&mut self) -> R<Arith> {
        self.too_deep()?;
        if self.is_op("-") {
            self.pos += 1;
            return Ok(Arith::Neg(Box::new(self.ar_unary()?)));
        }
        if self.is_op("(") {
            self.pos += 1;
            let a = self.arith()?;
            self.expect_op(")")?;
            return Ok(a);
        }
        let sp = self.span();
        let Some((w, _)) = self.word() else {
            return Err(self.unexpected("a number, 'len' or PROTO[OFFSET]"));
        };
        if let Some(n) = number(&w) {
            return Ok(Arith::Num(n));
        }
        if w == "len" {
            return Ok(Arith::Len);
        }
        if let Some(n) = constant(&w) {
            return Ok(Arith::Num(n));
        }
        if let Some(p) = Proto::from_word(&w) {
            if self.is_op("[")
                && matches!(
                    p,
                    Proto::Ah | Proto::Esp | Proto::Pim | Proto::Vrrp | Proto::Carp | Proto::Igrp
                )
            {
                return Err(CompileError::new(
                    format!("loads are not supported on '{w}' (as in libpcap)"),
                    self.span(),
                ));
            }
            if self.is_op("[") {
                self.pos += 1;
                let idx = self.arith()?;
                let mut size = 1;
                if self.is_op(":") {
                    self.pos += 1;
                    let ssp = self.span();
                    let s = self.word().and_then(|(w, _)| number(&w));
                    size = match s {
                        Some(1) => 1,
                        Some(2) => 2,
                        Some(4) => 4,
                        _ => {
                            return Err(CompileError::new(
                                "the size of a load must be 1, 2 or 4",
                                ssp,
                            ))
                        }
                    };
                }
                self.expect_op("]")?;
                return Ok(Arith::Load {
                    proto: p,
                    idx: Box::new(idx),
                    size,
                    span: (sp.0, self.prev_end()),
                });
            }
        }
        self.pos -= 1;
        Err(self.unexpected("a number, 'len' or PROTO[OFFSET]"))
    }

    fn primary(&mut self) -> R<Expr> {
        if self.is_op("(") {
            self.pos += 1;
            let e = self.expr()?;
            self.expect_op(")")?;
            return Ok(e);
        }
        let start = self.span().0;
        let p = self.primitive()?;
        Ok(Expr::Prim(p, (start, self.prev_end())))
    }

    fn dir(&mut self) -> Option<Dir> {
        let d = if self.is_word("src") {
            Dir::Src
        } else if self.is_word("dst") {
            Dir::Dst
        } else {
            return None;
        };
        self.pos += 1;
        // `src or dst`, `src and dst` (only when the other direction follows).
        let other = if d == Dir::Src { "dst" } else { "src" };
        if matches!(self.peek_at(1), Some(Tok::Word(w)) if w == other) {
            if self.is_word("or") {
                self.pos += 2;
                return Some(Dir::Either);
            }
            if self.is_word("and") {
                self.pos += 2;
                return Some(Dir::Both);
            }
        }
        Some(d)
    }

    fn kind(&mut self) -> Option<Kind> {
        let k = match self.peek() {
            Some(Tok::Word(w)) => match w.as_str() {
                "host" => Kind::Host,
                "net" => Kind::Net,
                "port" => Kind::Port,
                "portrange" => Kind::PortRange,
                "proto" => Kind::Proto,
                _ => return None,
            },
            _ => return None,
        };
        self.pos += 1;
        Some(k)
    }

    fn primitive(&mut self) -> R<Prim> {
        let sp = self.span();
        let Some(Tok::Word(w)) = self.peek().cloned() else {
            return Err(self.unexpected("a primitive (host, net, port, tcp, …)"));
        };
        if UNSUPPORTED.contains(&w.as_str()) {
            return Err(CompileError::new(
                format!("'{w}' is a libpcap keyword that wiresift does not support (yet)"),
                sp,
            ));
        }
        match w.as_str() {
            "less" | "greater" => {
                self.pos += 1;
                let nsp = self.span();
                let n = self
                    .word()
                    .and_then(|(w, _)| number(&w))
                    .ok_or_else(|| CompileError::new(format!("'{w}' needs a length"), nsp))?;
                return Ok(if w == "less" {
                    Prim::Less(n)
                } else {
                    Prim::Greater(n)
                });
            }
            "vlan" => {
                self.pos += 1;
                let mut id = None;
                if let Some(Tok::Word(v)) = self.peek() {
                    if let Some(n) = number(v) {
                        if n > 4095 {
                            return Err(CompileError::new(
                                format!("VLAN tag {n} greater than maximum 4095"),
                                self.span(),
                            ));
                        }
                        id = Some(n as u16);
                        self.pos += 1;
                    }
                }
                return Ok(Prim::Vlan(id));
            }
            "broadcast" | "multicast" => {
                self.pos += 1;
                return Ok(if w == "broadcast" {
                    Prim::Broadcast
                } else {
                    Prim::Multicast
                });
            }
            _ => {}
        }
        let mut q = Quals {
            proto: None,
            dir: Dir::Either,
            kind: None,
        };
        let mut any = false;
        if let Some(p) = Proto::from_word(&w) {
            self.pos += 1;
            q.proto = Some(p);
            any = true;
            if matches!(p, Proto::Ip | Proto::Ip6) && self.is_word("multicast") {
                self.pos += 1;
                return Ok(Prim::IpMulticast {
                    v6: p == Proto::Ip6,
                });
            }
            if p == Proto::Ip && self.is_word("broadcast") {
                return Err(CompileError::new(
                    "'ip broadcast' needs the network's mask; wiresift does not support it (yet)",
                    (sp.0, self.span().1),
                ));
            }
            if p == Proto::Link && (self.is_word("broadcast") || self.is_word("multicast")) {
                let b = self.is_word("broadcast");
                self.pos += 1;
                return Ok(if b { Prim::Broadcast } else { Prim::Multicast });
            }
        }
        let dsp = self.span();
        let mut dir_given = false;
        if let Some(d) = self.dir() {
            q.dir = d;
            any = true;
            dir_given = true;
        }
        let ksp = self.span();
        if let Some(k) = self.kind() {
            q.kind = Some(k);
            any = true;
        }
        if !any {
            // A bare value: the qualifiers of the previous primitive, or host.
            return match self.last {
                Some(l) => self.value(l, sp),
                None => self.value(
                    Quals {
                        proto: None,
                        dir: Dir::Either,
                        kind: None,
                    },
                    sp,
                ),
            };
        }
        if q.kind == Some(Kind::Proto) {
            if dir_given {
                return Err(CompileError::new("'proto' takes no direction", dsp));
            }
            return self.proto_value(q.proto, ksp);
        }
        // A protocol alone: `tcp`, `ip`, `arp`.
        if q.kind.is_none() && !dir_given && self.value_follows().is_none() {
            if let Some(p) = q.proto {
                self.last = Some(q);
                return Ok(Prim::Proto(p));
            }
        }
        self.value(q, sp)
    }

    /// Whether a value (not a keyword or operator) comes next.
    fn value_follows(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Word(w)) if is_value(w) => Some(w.as_str()),
            _ => None,
        }
    }

    fn proto_value(&mut self, qual: Option<Proto>, ksp: Span) -> R<Prim> {
        let vsp = self.span();
        let Some((w, _)) = self.word() else {
            return Err(self.unexpected("a protocol number or name"));
        };
        let w = w.trim_start_matches('\\');
        match qual {
            Some(Proto::Link) => {
                let n = match w {
                    "ip" => 0x0800,
                    "ip6" => 0x86dd,
                    "arp" => 0x0806,
                    "rarp" => 0x8035,
                    _ => number(w).filter(|n| *n <= 0xffff).ok_or_else(|| {
                        CompileError::new(format!("'{w}' is not an ethernet type"), vsp)
                    })? as u16,
                };
                self.last = Some(Quals {
                    proto: qual,
                    dir: Dir::Either,
                    kind: Some(Kind::Proto),
                });
                Ok(Prim::EtherProto(n))
            }
            None | Some(Proto::Ip) | Some(Proto::Ip6) => {
                let n = match Proto::from_word(w).and_then(Proto::ip_proto) {
                    Some(n) => u32::from(n),
                    None => number(w).filter(|n| *n <= 255).ok_or_else(|| {
                        CompileError::new(format!("'{w}' is not an IP protocol"), vsp)
                    })?,
                };
                self.last = Some(Quals {
                    proto: qual,
                    dir: Dir::Either,
                    kind: Some(Kind::Proto),
                });
                Ok(Prim::IpProto {
                    ver: qual,
                    n: n as u8,
                })
            }
            Some(p) => Err(CompileError::new(
                format!("'proto' does not apply to '{}'", p.name()),
                ksp,
            )),
        }
    }

    /// The value of a qualified primitive.
    fn value(&mut self, q: Quals, start: Span) -> R<Prim> {
        let vsp = self.span();
        if q.kind == Some(Kind::Proto) {
            return self.proto_value(q.proto, vsp);
        }
        let Some((w, _)) = self.word() else {
            return Err(self.unexpected("an address, a number or a keyword"));
        };
        let _ = start;
        let kind = q.kind.unwrap_or(Kind::Host);
        let p = match kind {
            Kind::Port | Kind::PortRange => {
                if let Some(p) = q.proto {
                    if !matches!(p, Proto::Tcp | Proto::Udp | Proto::Sctp) {
                        return Err(CompileError::new(
                            format!(
                                "illegal qualifier of 'port': '{}' (tcp, udp or sctp)",
                                p.name()
                            ),
                            vsp,
                        ));
                    }
                }
                // A number, or a name with the protocol it is listed for.
                let port = |s: &str| -> Option<(u16, Option<Proto>)> {
                    match number(s) {
                        Some(n) => u16::try_from(n).ok().map(|n| (n, None)),
                        None => service(s),
                    }
                };
                let (lo, hi, named) = if kind == Kind::PortRange {
                    let (a, b) = w.split_once('-').ok_or_else(|| {
                        CompileError::new(format!("'{w}' is not a port range (LOW-HIGH)"), vsp)
                    })?;
                    match (port(a), port(b)) {
                        (Some((a, pa)), Some((b, pb))) => {
                            (a.min(b), a.max(b), if pa == pb { pa } else { None })
                        }
                        _ => {
                            return Err(CompileError::new(
                                format!("'{w}' is not a port range (LOW-HIGH)"),
                                vsp,
                            ))
                        }
                    }
                } else {
                    let (n, p) = port(&w).ok_or_else(|| {
                        let e = CompileError::new(format!("'{w}' is not a port"), vsp);
                        if number(&w).is_some() {
                            e.with_help("ports are 0 to 65535")
                        } else {
                            e.with_help(
                                "give the port number (known names: http, https, domain, ssh, …)",
                            )
                        }
                    })?;
                    (n, n, p)
                };
                let proto = match (q.proto, named) {
                    (Some(a), Some(b)) if a != b => {
                        return Err(CompileError::new(
                            format!("port '{w}' is {}", b.name()),
                            vsp,
                        ))
                    }
                    (Some(a), _) => Some(a),
                    (None, b) => b,
                };
                Prim::Port {
                    proto,
                    dir: q.dir,
                    lo,
                    hi,
                }
            }
            Kind::Host | Kind::Net => {
                if q.proto == Some(Proto::Link) {
                    if kind == Kind::Net {
                        return Err(CompileError::new("'ether net' is not a thing", vsp));
                    }
                    let m = mac(&w).ok_or_else(|| {
                        CompileError::new(format!("'{w}' is not an ethernet address"), vsp)
                    })?;
                    Prim::EtherHost { dir: q.dir, mac: m }
                } else {
                    if let Some(p) = q.proto {
                        if !matches!(p, Proto::Ip | Proto::Ip6 | Proto::Arp | Proto::Rarp) {
                            return Err(CompileError::new(
                                format!(
                                    "'{}' does not apply to '{}'",
                                    if kind == Kind::Host { "host" } else { "net" },
                                    p.name()
                                ),
                                vsp,
                            ));
                        }
                    }
                    let net = self.address(&w, kind, vsp)?;
                    if let (Net::V6 { .. }, Some(Proto::Ip | Proto::Arp | Proto::Rarp))
                    | (Net::V4 { .. }, Some(Proto::Ip6)) = (&net, q.proto)
                    {
                        return Err(CompileError::new(
                            format!(
                                "'{w}' is not an address of '{}'",
                                q.proto.map_or("", Proto::name)
                            ),
                            vsp,
                        ));
                    }
                    Prim::Net {
                        proto: q.proto,
                        dir: q.dir,
                        net,
                    }
                }
            }
            Kind::Proto => unreachable_proto(),
        };
        self.last = Some(q);
        Ok(p)
    }

    fn address(&mut self, w: &str, kind: Kind, vsp: Span) -> R<Net> {
        if w.contains(':') {
            let a: std::net::Ipv6Addr = w
                .parse()
                .map_err(|_| CompileError::new(format!("'{w}' is not an IPv6 address"), vsp))?;
            let mut prefix = 128;
            if kind == Kind::Net && self.is_op("/") {
                self.pos += 1;
                let psp = self.span();
                prefix = self
                    .word()
                    .and_then(|(w, _)| number(&w))
                    .filter(|n| *n <= 128)
                    .ok_or_else(|| CompileError::new("expected a prefix length 0 to 128", psp))?;
            }
            let addr = a.octets();
            let m = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            if u128::from_be_bytes(addr) & !m != 0 {
                return Err(CompileError::new(
                    format!("non-network bits set in '{w}/{prefix}'"),
                    (vsp.0, self.prev_end()),
                ));
            }
            return Ok(Net::V6 { addr, prefix });
        }
        let Some((addr, parts)) = ipv4_parts(w) else {
            if constant(w).is_some() || w == "len" {
                return Err(CompileError::new(
                    format!("'{w}' is a value for comparisons, not a primitive"),
                    vsp,
                )
                .with_help(
                    "e.g. tcp[tcpflags] & tcp-syn != 0, icmp[icmptype] = icmp-echo, len > 100",
                ));
            }
            if w.starts_with(|c: char| c.is_ascii_alphabetic()) {
                let e =
                    CompileError::new(format!("'{w}' is neither a keyword nor an address"), vsp);
                return Err(suggest_for(e, w)
                    .with_help_if_none("host names are not looked up: give the address"));
            }
            return Err(CompileError::new(format!("'{w}' is not an address"), vsp));
        };
        // `net 10`, `net 10.1` (and, as in libpcap, `host 10.1`): the mask
        // covers the parts given.
        let mut mask = u32::MAX.checked_shl(8 * (4 - parts)).unwrap_or(0);
        if kind == Kind::Host {
            return Ok(Net::V4 { addr, mask });
        }
        if parts == 1 && (self.is_word("mask") || self.is_op("/")) {
            // libpcap's grammar wants at least `10.0` before a mask.
            return Err(CompileError::new(
                format!("a network with a mask needs at least two parts (like {w}.0)"),
                vsp,
            ));
        }
        if self.is_word("mask") {
            self.pos += 1;
            let msp = self.span();
            let m = self.word().and_then(|(w, _)| {
                ipv4_parts(&w)
                    .filter(|(_, n)| *n == 4)
                    .map(|(m, _)| m)
                    .or_else(|| number(&w))
            });
            mask = m.ok_or_else(|| CompileError::new("expected a mask like 255.255.0.0", msp))?;
        } else if self.is_op("/") {
            self.pos += 1;
            let psp = self.span();
            let n = self
                .word()
                .and_then(|(w, _)| number(&w))
                .filter(|n| *n <= 32)
                .ok_or_else(|| CompileError::new("expected a prefix length 0 to 32", psp))?;
            mask = u32::MAX.checked_shl(32 - n).unwrap_or(0);
        }
        if addr & !mask != 0 {
            return Err(CompileError::new(
                format!(
                    "non-network bits set in '{}'",
                    &self.src[vsp.0..self.prev_end()]
                ),
                (vsp.0, self.prev_end()),
            ));
        }
        Ok(Net::V4 { addr, mask })
    }
}

fn unreachable_proto() -> Prim {
    // `value` handles Kind::Proto before this match; keep a harmless value.
    Prim::IpProto { ver: None, n: 0 }
}

/// A word that is a value rather than a keyword.
fn is_value(w: &str) -> bool {
    number(w).is_some()
        || ipv4_parts(w).is_some()
        || w.contains(':')
        || mac(w).is_some()
        || (w.contains('-')
            && w.split('-')
                .all(|p| number(p).is_some() || service(p).is_some()))
        || service(w).is_some()
}

fn suggest_for(e: CompileError, w: &str) -> CompileError {
    let dist: Vec<(usize, &str)> = KEYWORDS
        .iter()
        .map(|k| (super::edit_distance(w, k), *k))
        .collect();
    let Some(best) = dist.iter().map(|(d, _)| *d).min() else {
        return e;
    };
    if best == 0 || (best > 2 && !(best <= 3 && w.len() > 6)) {
        return e;
    }
    let near: Vec<&str> = dist
        .iter()
        .filter(|(d, _)| *d == best)
        .map(|(_, k)| *k)
        .collect();
    e.with_help(format!("did you mean {}?", near.join(", ")))
}
