//! Zeek's dns.log: one record per DNS transaction — a query and the reply
//! with its transaction id on the same connection — as Zeek 6's DNS
//! analyzer and `base/protocols/dns/main.zeek` make it.
//!
//! What Zeek does, and so this module:
//! - Only standard queries (opcode 0) are followed.
//! - Pairing is per connection by transaction id, first come first served:
//!   a reply takes the oldest pending query with its id, a query the oldest
//!   pending reply (a reply seen first waits for its query). A record is
//!   written when it has both; queries never answered and replies never
//!   asked for are written when the connection ends (Zeek's
//!   `finalize_dns`), or early when a connection holds too many (more than
//!   50 ids pending, or more than 50 messages of one id, each direction).
//! - Names are folded to lower case and printed as their raw labels joined
//!   by dots (no escaping but the log writer's); the root name is empty.
//! - The query, its class and type, RD, TC and Z come from the query; the
//!   rcode from the reply; AA, RA, the rtt (time from the first message to
//!   the reply) and `answers`/`TTLs` from the answer section of the reply
//!   (records of types Zeek summarises: addresses, names, TXT, …, and
//!   `<unknown type=N>` for types it does not parse). A reply without
//!   answers leaves the rtt unset, as Zeek does.
//! - `rejected`: a reply with a non-zero rcode and no question, or one with
//!   a question and no records at all.
//! - Zeek's DNS connections over UDP end after about 10 s without a
//!   message (`dns_session_timeout`, kept by the flow engine's timers):
//!   pending messages of such a connection are written then.
//!
//! Bounds: per connection Zeek's 50/50 rule; over all connections at most
//! [`MAX_PENDING`] messages wait (past that a message is written at once,
//! unpaired, and counted in [`Stats::overflow`]).

use super::apps::{ids_in_order, ConnId, Frame, Map};
use super::conn::Uid;
use super::{emit, field, Record, Schema, Sink, Type, Value};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::io;
use std::net::IpAddr;
use wire::bytes::be16;
use wire::dns::{DnsView, NameRef, Section};
use wire::field::{ipv4_text, ipv6_text};
use wiresift_wire as wire;

pub static SCHEMA: Schema = Schema {
    path: "dns",
    fields: conn_fields![
        field("proto", Type::Enum),
        field("trans_id", Type::Count),
        field("rtt", Type::Interval),
        field("query", Type::String),
        field("qclass", Type::Count),
        field("qclass_name", Type::String),
        field("qtype", Type::Count),
        field("qtype_name", Type::String),
        field("rcode", Type::Count),
        field("rcode_name", Type::String),
        field("AA", Type::Bool),
        field("TC", Type::Bool),
        field("RD", Type::Bool),
        field("RA", Type::Bool),
        field("Z", Type::Count),
        field("answers", Type::StringVector),
        field("TTLs", Type::IntervalVector),
        field("rejected", Type::Bool),
    ],
};

/// Zeek's `dns_max_queries`: a message claiming more questions is not read.
const MAX_QUERIES: u16 = 25;
/// Zeek's `max_pending_query_ids` and `max_pending_msgs`.
const MAX_PENDING_IDS: usize = 50;
const MAX_PENDING_MSGS: usize = 50;
/// Messages waiting for their other half, over all connections.
pub const MAX_PENDING: usize = 100_000;
/// Zeek's name buffer (512 characters).
const MAX_NAME: usize = 512;

/// Answers of a reply given room before they are read, and the text each
/// is given (an IPv4 address is at most 15 bytes, a name often more).
const ANSWERS_RESERVED: usize = 8;
const ANSWER_TEXT_RESERVED: usize = 24;

/// A question as Zeek's `dns_request` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub name: Vec<u8>,
    pub qtype: u16,
    pub qclass: u16,
}

/// Strings kept end to end in one buffer: one allocation for all of a
/// reply's answers, not one each (addresses, most answers, were a third of
/// the allocations of `logs all`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Texts {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Texts {
    /// Add the other's strings after these.
    fn append(&mut self, other: &Texts) {
        let base = self.bytes.len();
        self.bytes.extend_from_slice(&other.bytes);
        self.ends.extend(other.ends.iter().map(|e| e + base));
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(a, b)| self.bytes.get(a..b).unwrap_or_default())
    }
}

/// What dns.log needs of one DNS message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Msg {
    pub id: u16,
    pub qr: bool,
    pub opcode: u8,
    pub rcode: u8,
    pub aa: bool,
    pub tc: bool,
    pub rd: bool,
    pub ra: bool,
    pub z: u8,
    pub qdcount: u16,
    /// The last question of a query (Zeek keeps the last one it reports).
    pub question: Option<Question>,
    /// A reply with a question and no records at all (`dns_rejected`).
    pub rejected: bool,
    /// A reply with at least one answer Zeek's `do_reply` sees.
    pub answered: bool,
    /// The summaries of those answers that have one (an empty summary:
    /// seen, but nothing to add), replies only, and their TTLs in
    /// nanoseconds.
    pub answers: Texts,
    pub ttls: Vec<i64>,
    /// The first answer's owner name: the query of a reply seen without
    /// its query (the others' names are never logged, so not kept).
    pub answer_name: Option<Vec<u8>>,
    /// The questions and answers were read whole (Zeek's protocol
    /// confirmation, which makes the connection's service "dns").
    pub confirmed: bool,
}

/// A name as Zeek's analyzer extracts it: the labels joined by dots,
/// lower-cased, at most [`MAX_NAME`] bytes; the root is empty.
pub fn zeek_name(n: NameRef<'_>) -> Vec<u8> {
    // Room for most names at once, rather than growing label by label.
    let mut out = Vec::with_capacity(64);
    push_zeek_name(n, &mut out);
    out
}

/// [`zeek_name`], appended to `out`.
fn push_zeek_name(n: NameRef<'_>, out: &mut Vec<u8>) {
    let start = out.len();
    for l in n.labels() {
        let len = out.len() - start;
        if len + l.len() + 1 > MAX_NAME {
            break;
        }
        if len > 0 {
            out.push(b'.');
        }
        out.extend_from_slice(l);
    }
    if let Some(name) = out.get_mut(start..) {
        name.make_ascii_lowercase();
    }
}

mod rr {
    pub const A: u16 = 1;
    pub const NS: u16 = 2;
    pub const CNAME: u16 = 5;
    pub const SOA: u16 = 6;
    pub const WKS: u16 = 11;
    pub const PTR: u16 = 12;
    pub const HINFO: u16 = 13;
    pub const MX: u16 = 15;
    pub const TXT: u16 = 16;
    pub const AAAA: u16 = 28;
    pub const LOC: u16 = 29;
    pub const NBS: u16 = 32;
    pub const SRV: u16 = 33;
    pub const A6: u16 = 38;
    pub const EDNS: u16 = 41;
    pub const DS: u16 = 43;
    pub const SSHFP: u16 = 44;
    pub const RRSIG: u16 = 46;
    pub const NSEC: u16 = 47;
    pub const DNSKEY: u16 = 48;
    pub const NSEC3: u16 = 50;
    pub const NSEC3PARAM: u16 = 51;
    pub const SVCB: u16 = 64;
    pub const HTTPS: u16 = 65;
    pub const SPF: u16 = 99;
    pub const TSIG: u16 = 250;
    pub const CAA: u16 = 257;
    pub const BINDS: u16 = 65534;
}

/// How Zeek's analyzer takes one resource record: whether `do_reply`
/// gets a summary (false: no event reaches it), and whether reading goes
/// on after it.
struct Parsed {
    reply: bool,
    ok: bool,
}

/// One answer record as Zeek reads it, its summary (when it has one, and
/// `out` is given: the log is written) appended to `out`. `rest` is the
/// number of message bytes from the record's data to the end (Zeek checks
/// some lengths against it, not against the data length).
fn parse_rr(
    rec: &wire::dns::Record<'_>,
    msg: &[u8],
    resp_p_137: bool,
    out: Option<&mut Vec<u8>>,
) -> Parsed {
    let data = rec.rdata();
    let at = rec.rdata_at();
    let rest = msg.len().saturating_sub(at);
    let name_at = |o: usize, out: &mut Vec<u8>| push_zeek_name(NameRef { msg, at: at + o }, out);
    // The summary is made only when it is wanted (most records are
    // addresses, whose text is most of the cost).
    let some = |make: &dyn Fn(&mut Vec<u8>)| {
        if let Some(out) = out {
            make(out);
        }
        Parsed {
            reply: true,
            ok: true,
        }
    };
    let fail = Parsed {
        reply: false,
        ok: false,
    };
    let silent = Parsed {
        reply: false,
        ok: true,
    };
    match rec.rtype() {
        rr::A => match <[u8; 4]>::try_from(data) {
            Ok(a) => some(&|o| o.extend_from_slice(ipv4_text(a).as_bytes())),
            Err(_) => fail,
        },
        rr::AAAA | rr::A6 => match <[u8; 16]>::try_from(data) {
            Ok(a) => some(&|o| o.extend_from_slice(ipv6_text(&a).as_bytes())),
            Err(_) => fail,
        },
        rr::NS | rr::CNAME | rr::PTR => some(&|o| name_at(0, o)),
        rr::MX => some(&|o| name_at(2, o)),
        rr::SOA => {
            // Two names, then five 32-bit numbers Zeek insists on.
            let m = rec.rdata_view();
            match m {
                wire::dns::Rdata::Soa { mname, .. } => some(&|o| push_zeek_name(mname, o)),
                _ if rest < 22 => fail,
                _ => some(&|o| name_at(0, o)),
            }
        }
        rr::SRV if resp_p_137 => silent,
        rr::SRV => some(&|o| name_at(6, o)),
        rr::WKS => some(&|_| {}),
        rr::HINFO | rr::NBS | rr::EDNS | rr::TSIG | rr::SVCB | rr::HTTPS => silent,
        rr::TXT | rr::SPF => {
            let tag: &[u8] = if rec.rtype() == rr::TXT {
                b"TXT"
            } else {
                b"SPF"
            };
            // Whether the strings read whole decides the reading, whether
            // a summary is made or not.
            let mut text = Vec::new();
            let mut pos = 0usize;
            let mut ok = true;
            while pos < data.len() {
                let n = usize::from(data.get(pos).copied().unwrap_or(0));
                pos += 1;
                let Some(s) = data.get(pos..pos + n) else {
                    ok = false;
                    break;
                };
                if !text.is_empty() {
                    text.push(b' ');
                }
                text.extend_from_slice(tag);
                text.extend_from_slice(format!(" {n} ").as_bytes());
                text.extend_from_slice(s);
                pos += n;
            }
            let p = some(&|o| o.extend_from_slice(&text));
            Parsed { ok, ..p }
        }
        rr::CAA => Parsed {
            reply: false,
            ok: data.len() >= 2 && usize::from(data.get(1).copied().unwrap_or(0)) < data.len() - 2,
        },
        rr::RRSIG => {
            if rest < 18 {
                return fail;
            }
            some(&|o| {
                let covered = be16(data, 0).unwrap_or(0);
                o.extend_from_slice(format!("RRSIG {covered} ").as_bytes());
                let signer = o.len();
                name_at(18, o);
                if o.len() == signer {
                    o.extend_from_slice(b"<Root>");
                }
            })
        }
        rr::DNSKEY if rest < 4 => fail,
        rr::DNSKEY => some(&|o| {
            o.extend_from_slice(format!("DNSKEY {}", data.get(3).copied().unwrap_or(0)).as_bytes())
        }),
        rr::NSEC => some(&|o| {
            o.extend_from_slice(b"NSEC ");
            push_zeek_name(rec.name(), o);
            o.push(b' ');
            name_at(0, o);
        }),
        rr::NSEC3 if rest < 6 => fail,
        rr::NSEC3 => some(&|o| o.extend_from_slice(b"NSEC3")),
        rr::NSEC3PARAM if rest < 5 => fail,
        rr::NSEC3PARAM => some(&|o| o.extend_from_slice(b"NSEC3PARAM")),
        rr::DS if rest < 4 => fail,
        rr::DS => some(&|o| {
            let (a, b) = (data.get(2), data.get(3));
            let (a, b) = (a.copied().unwrap_or(0), b.copied().unwrap_or(0));
            o.extend_from_slice(format!("DS {a} {b}").as_bytes());
        }),
        rr::BINDS if rest < 5 => fail,
        rr::BINDS => some(&|o| o.extend_from_slice(b"BIND9 signing signal")),
        rr::SSHFP if rest < 2 => fail,
        rr::SSHFP => some(&|o| {
            o.extend_from_slice(b"SSHFP: ");
            for b in data.get(2..).unwrap_or_default() {
                o.extend_from_slice(format!("{b:02x}").as_bytes());
            }
        }),
        rr::LOC if rest < 15 => fail,
        rr::LOC => some(&|o| {
            let d = |i: usize| data.get(i).copied().unwrap_or(0);
            o.extend_from_slice(format!("LOC:  {} {} {}", d(1), d(2), d(3)).as_bytes());
        }),
        t => some(&|o| o.extend_from_slice(format!("<unknown type={t}>").as_bytes())),
    }
}

impl Msg {
    /// Read a message as Zeek's DNS analyzer does. `build`: keep the
    /// names and answers (dns.log is written); otherwise only what decides
    /// the service.
    pub fn read(v: &DnsView<'_>, build: bool) -> Msg {
        let flags = v.flags();
        let [qd, an, ns, ar] = v.counts();
        let mut m = Msg {
            id: v.id(),
            qr: v.is_response(),
            opcode: v.opcode(),
            rcode: v.rcode(),
            aa: v.authoritative(),
            tc: v.truncated(),
            rd: v.recursion_desired(),
            ra: v.recursion_available(),
            z: ((flags & 0x0070) >> 4) as u8,
            qdcount: qd,
            ..Msg::default()
        };
        if qd > MAX_QUERIES {
            return m;
        }
        if m.qr && build && an > 0 {
            // Room for the usual answers at once, rather than growing
            // three buffers record by record (a count is the sender's
            // word: capped).
            let n = usize::from(an).min(ANSWERS_RESERVED);
            m.answers.bytes.reserve(n * ANSWER_TEXT_RESERVED);
            m.answers.ends.reserve(n);
            m.ttls.reserve(n);
        }
        let msg = v.message();
        let mut recs = v.records();
        for _ in 0..qd {
            match recs.next() {
                Some(r) if r.section == Section::Question => {
                    if !m.qr {
                        if build {
                            m.question = Some(Question {
                                name: zeek_name(r.name()),
                                qtype: r.rtype(),
                                qclass: r.class(),
                            });
                        }
                    } else if an == 0 && ns == 0 && ar == 0 {
                        m.rejected = true;
                    }
                }
                _ => return m,
            }
        }
        for _ in 0..an {
            let Some(r) = recs
                .next()
                .filter(|r| r.section == Section::Answer && r.is_whole())
            else {
                return m;
            };
            // Only replies' answers reach the log; a query's are still read
            // (they decide the confirmation).
            let keep = m.qr && build;
            let before = m.answers.bytes.len();
            let p = parse_rr(&r, msg, false, keep.then_some(&mut m.answers.bytes));
            if keep && p.reply {
                if !m.answered {
                    m.answered = true;
                    m.answer_name = Some(zeek_name(r.name()));
                }
                if m.answers.bytes.len() > before {
                    m.answers.ends.push(m.answers.bytes.len());
                    let ttl = i64::from(r.ttl().unwrap_or(0));
                    m.ttls.push(ttl.saturating_mul(1_000_000_000));
                }
            }
            if !p.ok {
                return m;
            }
        }
        m.confirmed = true;
        m
    }
}

/// One dns.log record (Zeek's `DNS::Info`).
#[derive(Clone, Debug, PartialEq)]
pub struct Dns {
    pub ts_ns: i64,
    pub uid: Uid,
    pub orig_h: IpAddr,
    pub orig_p: u16,
    pub resp_h: IpAddr,
    pub resp_p: u16,
    pub proto: &'static str,
    pub trans_id: u16,
    pub rtt_ns: Option<i64>,
    pub query: Option<Vec<u8>>,
    pub qclass: Option<u16>,
    pub qtype: Option<u16>,
    pub rcode: Option<u8>,
    pub aa: bool,
    pub tc: bool,
    pub rd: bool,
    pub ra: bool,
    pub z: u8,
    pub answers: Option<Texts>,
    pub ttls: Option<Vec<i64>>,
    pub rejected: bool,
    saw_query: bool,
    saw_reply: bool,
}

impl Dns {
    fn new(f: &Frame<'_>, trans_id: u16) -> Dns {
        let c = f.conn;
        Dns {
            ts_ns: f.ts_ns,
            uid: c.uid,
            orig_h: c.orig_h,
            orig_p: c.orig_p,
            resp_h: c.resp_h,
            resp_p: c.resp_p,
            proto: c.proto,
            trans_id,
            rtt_ns: None,
            query: None,
            qclass: None,
            qtype: None,
            rcode: None,
            aa: false,
            tc: false,
            rd: false,
            ra: false,
            z: 0,
            answers: None,
            ttls: None,
            rejected: false,
            saw_query: false,
            saw_reply: false,
        }
    }

    /// Take one message into the record, as Zeek's handlers do.
    fn apply(&mut self, m: Msg, now_ns: i64) {
        if m.qr {
            self.rcode = Some(m.rcode);
            if m.rcode != 0 && m.qdcount == 0 {
                self.rejected = true;
            }
        } else if let Some(q) = m.question {
            self.rd = m.rd;
            self.tc = m.tc;
            self.qclass = Some(q.qclass);
            self.qtype = Some(q.qtype);
            self.z = m.z;
            self.query = Some(q.name);
        }
        if m.rejected {
            self.rejected = true;
        }
        if m.qr {
            if self.query.is_none() && m.answered {
                self.query = m.answer_name;
            }
            if m.answered {
                self.aa = m.aa;
                self.ra = m.ra;
                if self.rtt_ns.is_none() {
                    // Zeek's times are microseconds; a reply seen alone has
                    // no round trip (zero is left unset).
                    let us = super::micros(now_ns) - super::micros(self.ts_ns);
                    self.rtt_ns = (us != 0).then(|| us.saturating_mul(1000));
                }
            }
            if !m.answers.is_empty() {
                // Most transactions have one reply: its buffers are taken
                // whole.
                match (&mut self.answers, &mut self.ttls) {
                    (Some(a), Some(t)) => {
                        a.append(&m.answers);
                        t.extend_from_slice(&m.ttls);
                    }
                    _ => {
                        self.answers = Some(m.answers);
                        self.ttls = Some(m.ttls);
                    }
                }
            }
            self.saw_reply = true;
        } else {
            self.saw_query = true;
        }
    }
}

/// Zeek's name of a query class.
fn class_name(c: u16) -> Cow<'static, str> {
    Cow::Borrowed(match c {
        1 => "C_INTERNET",
        2 => "C_CSNET",
        3 => "C_CHAOS",
        4 => "C_HESIOD",
        254 => "C_NONE",
        255 => "C_ANY",
        _ => return Cow::Owned(format!("qclass-{c}")),
    })
}

/// Zeek's name of a query type (`DNS::query_types`).
pub fn type_name(t: u16) -> Cow<'static, str> {
    const NAMES: [&str; 66] = [
        "",
        "A",
        "NS",
        "MD",
        "MF",
        "CNAME",
        "SOA",
        "MB",
        "MG",
        "MR",
        "NULL",
        "WKS",
        "PTR",
        "HINFO",
        "MINFO",
        "MX",
        "TXT",
        "RP",
        "AFSDB",
        "X25",
        "ISDN",
        "RT",
        "NSAP",
        "NSAP-PTR",
        "SIG",
        "KEY",
        "PX",
        "GPOS",
        "AAAA",
        "LOC",
        "NXT",
        "EID",
        "NIMLOC",
        "SRV",
        "ATMA",
        "NAPTR",
        "KX",
        "CERT",
        "A6",
        "DNAME",
        "SINK",
        "OPT",
        "APL",
        "DS",
        "SSHFP",
        "IPSECKEY",
        "RRSIG",
        "NSEC",
        "DNSKEY",
        "DHCID",
        "NSEC3",
        "NSEC3PARAM",
        "TLSA",
        "SMIMEA",
        "",
        "HIP",
        "NINFO",
        "RKEY",
        "TALINK",
        "CDS",
        "CDNSKEY",
        "OPENPGPKEY",
        "CSYNC",
        "ZONEMD",
        "SVCB",
        "HTTPS",
    ];
    let named = match t {
        1..=65 => NAMES.get(usize::from(t)).copied().filter(|s| !s.is_empty()),
        99 => Some("SPF"),
        100 => Some("UINFO"),
        101 => Some("UID"),
        102 => Some("GID"),
        103 => Some("UNSPEC"),
        104 => Some("NID"),
        105 => Some("L32"),
        106 => Some("L64"),
        107 => Some("LP"),
        108 => Some("EUI48"),
        109 => Some("EUI64"),
        249 => Some("TKEY"),
        250 => Some("TSIG"),
        251 => Some("IXFR"),
        252 => Some("AXFR"),
        253 => Some("MAILB"),
        254 => Some("MAILA"),
        255 => Some("*"),
        256 => Some("URI"),
        257 => Some("CAA"),
        32768 => Some("TA"),
        32769 => Some("DLV"),
        65281 => Some("WINS"),
        65282 => Some("WINS-R"),
        65422 => Some("XPF"),
        65521 => Some("INTEGRITY"),
        _ => None,
    };
    match named {
        Some(n) => Cow::Borrowed(n),
        None => Cow::Owned(format!("query-{t}")),
    }
}

/// Zeek's name of a reply code (`DNS::base_errors`).
fn rcode_name(r: u8) -> Cow<'static, str> {
    const NAMES: [&str; 24] = [
        "NOERROR",
        "FORMERR",
        "SERVFAIL",
        "NXDOMAIN",
        "NOTIMP",
        "REFUSED",
        "YXDOMAIN",
        "YXRRSET",
        "NXRRSet",
        "NOTAUTH",
        "NOTZONE",
        "unassigned-11",
        "unassigned-12",
        "unassigned-13",
        "unassigned-14",
        "unassigned-15",
        "BADVERS",
        "BADKEY",
        "BADTIME",
        "BADMODE",
        "BADNAME",
        "BADALG",
        "BADTRUNC",
        "BADCOOKIE",
    ];
    match NAMES.get(usize::from(r)) {
        Some(n) => Cow::Borrowed(n),
        None => Cow::Owned(format!("rcode-{r}")),
    }
}

fn cow_str(c: Cow<'static, str>) -> Value<'static> {
    match c {
        Cow::Borrowed(s) => Value::str(s),
        Cow::Owned(s) => Value::string(s),
    }
}

impl Record for Dns {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        let opt_count = |v: Option<u64>| v.map_or(Value::Unset, Value::Count);
        out.extend([
            Value::Time(self.ts_ns),
            self.uid.value(),
            Value::Addr(self.orig_h),
            Value::Port(self.orig_p),
            Value::Addr(self.resp_h),
            Value::Port(self.resp_p),
            Value::Enum(self.proto),
            Value::Count(u64::from(self.trans_id)),
            self.rtt_ns.map_or(Value::Unset, Value::Interval),
            self.query
                .as_deref()
                .map_or(Value::Unset, |q| Value::Str(Cow::Borrowed(q))),
            opt_count(self.qclass.map(u64::from)),
            self.qclass.map_or(Value::Unset, |c| cow_str(class_name(c))),
            opt_count(self.qtype.map(u64::from)),
            self.qtype.map_or(Value::Unset, |t| cow_str(type_name(t))),
            opt_count(self.rcode.map(u64::from)),
            self.rcode.map_or(Value::Unset, |r| cow_str(rcode_name(r))),
            Value::Bool(self.aa),
            Value::Bool(self.tc),
            Value::Bool(self.rd),
            Value::Bool(self.ra),
            Value::Count(u64::from(self.z)),
            self.answers.as_ref().map_or(Value::Unset, |a| {
                Value::Strings(a.iter().map(Cow::Borrowed).collect())
            }),
            self.ttls
                .as_deref()
                .map_or(Value::Unset, |t| Value::Intervals(Cow::Borrowed(t))),
            Value::Bool(self.rejected),
        ]);
    }
}

/// What the DNS analyzer counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub records: u64,
    /// Messages written unpaired because [`MAX_PENDING`] were waiting.
    pub overflow: u64,
    /// Messages written unpaired by Zeek's per-connection rule (too many
    /// ids, or too many messages of one id, waiting).
    pub flushed: u64,
    /// Messages of another opcode than a standard query (not followed).
    pub other_opcode: u64,
}

/// One connection's unpaired queries and replies, oldest first.
#[derive(Debug, Default)]
struct ConnState {
    queries: VecDeque<Dns>,
    replies: VecDeque<Dns>,
}

impl ConnState {
    fn len(&self) -> usize {
        self.queries.len() + self.replies.len()
    }
}

/// DNS transactions in progress, per connection.
#[derive(Debug, Default)]
pub struct Tracker {
    conns: Map<ConnId, ConnState>,
    pending: usize,
    pub stats: Stats,
}

fn take(q: &mut VecDeque<Dns>, id: u16) -> Option<Dns> {
    let i = q.iter().position(|d| d.trans_id == id)?;
    q.remove(i)
}

impl Tracker {
    fn write(&mut self, d: &Dns, sink: &mut dyn Sink) -> io::Result<()> {
        self.stats.records += 1;
        emit(d, sink)
    }

    /// One message of a connection.
    pub fn message(&mut self, f: &Frame<'_>, m: Msg, sink: &mut dyn Sink) -> io::Result<()> {
        if m.opcode != 0 {
            self.stats.other_opcode += 1;
            return Ok(());
        }
        let st = self.conns.entry(f.conn.id).or_default();
        let is_query = !m.qr;
        let found = if is_query {
            take(&mut st.replies, m.id)
        } else {
            take(&mut st.queries, m.id)
        };
        if found.is_some() {
            self.pending = self.pending.saturating_sub(1);
        }
        let mut d = found.unwrap_or_else(|| Dns::new(f, m.id));
        d.apply(m, f.ts_ns);
        if d.saw_query && d.saw_reply {
            // Nothing left waiting: the state goes now, not when the
            // connection ends (most hold one query and its reply).
            if st.len() == 0 {
                self.conns.remove(&f.conn.id);
            }
            return self.write(&d, sink);
        }
        if self.pending >= MAX_PENDING {
            self.stats.overflow += 1;
            return self.write(&d, sink);
        }
        // Zeek's enqueue_new_msg: make room by writing out what it gives up
        // on, then queue.
        let q = if is_query {
            &mut st.queries
        } else {
            &mut st.replies
        };
        let id = d.trans_id;
        let same = q.iter().filter(|x| x.trans_id == id).count();
        let mut out: Vec<Dns> = Vec::new();
        if same == 0 {
            let mut ids: Vec<u16> = Vec::new();
            for x in q.iter() {
                if !ids.contains(&x.trans_id) {
                    ids.push(x.trans_id);
                    if ids.len() > MAX_PENDING_IDS {
                        break;
                    }
                }
            }
            if ids.len() > MAX_PENDING_IDS {
                out.extend(q.drain(..));
            }
        } else if same > MAX_PENDING_MSGS {
            let (give_up, keep): (Vec<Dns>, Vec<Dns>) = q.drain(..).partition(|x| x.trans_id == id);
            q.extend(keep);
            out = give_up;
        }
        q.push_back(d);
        self.pending = self.pending.saturating_sub(out.len()) + 1;
        self.stats.flushed += out.len() as u64;
        for x in &out {
            self.write(x, sink)?;
        }
        Ok(())
    }

    /// Write what a connection left unpaired (it ended).
    fn flush(&mut self, st: ConnState, sink: &mut dyn Sink) -> io::Result<()> {
        self.pending = self.pending.saturating_sub(st.len());
        for d in st.queries.iter().chain(st.replies.iter()) {
            self.write(d, sink)?;
        }
        Ok(())
    }

    /// A connection ended: its unpaired messages are written.
    pub fn conn_ended(&mut self, id: ConnId, sink: &mut dyn Sink) -> io::Result<()> {
        match self.conns.remove(&id) {
            Some(st) => self.flush(st, sink),
            None => Ok(()),
        }
    }

    /// The capture ended: everything still pending, connection by
    /// connection in the order they were numbered.
    pub fn finish(&mut self, sink: &mut dyn Sink) -> io::Result<()> {
        for id in ids_in_order(&self.conns) {
            self.conn_ended(id, sink)?;
        }
        Ok(())
    }

    /// Messages waiting for their other half.
    pub fn pending(&self) -> usize {
        self.pending
    }
}

#[cfg(test)]
mod tests;
