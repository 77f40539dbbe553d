//! Zeek's weird.log (Zeek 6, `base/frameworks/notice/weird.zeek`): the
//! packets Zeek finds wrong. Written so far: the checksum weirds, which
//! tell the packets left out of every other log ([`crate::flow::FlowOptions::drop_corrupt`]),
//! and those its TCP analyzer raises as it reads a segment
//! ([`crate::flow::history::TCP_WEIRDS`]: a sequence or acknowledgement
//! number before the connection's start, a SYN with RST, URG or data, an
//! ACK for data of a peer that sent nothing while this side sent a SYN,
//! then its state machine's), `source` `TCP`. The checksum weirds:
//! - `bad_TCP_checksum`, `bad_UDP_checksum` and `bad_ICMP_checksum` (ICMP
//!   and ICMPv6) on their connection (uid and `id.*` of conn.log), `source`
//!   `TCP`, `UDP` or `ICMP`;
//! - `bad_IP_checksum` where an IPv4 header's checksum is bad: no
//!   connection is made, and Zeek writes the header's addresses with ports
//!   0 (its flow weird), `source` `IP`. Inside a tunnel (an IP header
//!   before it) the name is `bad_IP_checksum_in_tunnel`.
//!
//! How often, as Zeek's `Weird::actions`: the four checksum weirds,
//! `SYN_with_data` and `connection_originator_SYN_ack` are written once per
//! name and originator address, and again only a day after
//! (`ACTION_LOG_PER_ORIG`); `simultaneous_open` once per connection a day
//! (`ACTION_LOG_PER_CONN`); the others once per
//! name and connection (its addresses and ports), or per address pair for
//! `bad_IP_checksum_in_tunnel`, every ten minutes (`ACTION_LOG` with
//! `weird_ignore`). The rule ([`Rule`], [`key`]) is applied where the
//! records of every conversation meet in frame order ([`super::once`]).
//!
//! And `base64_illegal_encoding` of a mail's base64 part (its MIME
//! decoder's first stray byte or group after padding, and an incomplete
//! last group; [`super::mime`]), with Zeek's text in `addl` and no
//! `source`, once per connection every ten minutes.
//!
//! `peer` is Zeek's name for a standalone process, `zeek`; `notice` is
//! always false (none of these weirds becomes a notice); `addl` is unset
//! but for the base64 weird. Zeek's other weirds are not written yet.

use super::conn::Uid;
use super::once::Once;
use super::{field, Record, Schema, Type, Value};
use std::net::IpAddr;

pub static SCHEMA: Schema = Schema {
    path: "weird",
    fields: conn_fields![
        field("name", Type::String),
        field("addl", Type::String),
        field("notice", Type::Bool),
        field("peer", Type::String),
        field("source", Type::String),
    ],
};

/// Weirds remembered (in each of [`Written`]'s tables).
pub const MAX_KNOWN: usize = 100_000;

/// How often a weird is written again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Once per name and originator, again a day after (`did_log`).
    PerOrig,
    /// Once per name and address pair, again ten minutes after
    /// (`weird_ignore` of a flow weird).
    PerPair,
    /// Once per name and connection, again ten minutes after
    /// (`weird_ignore` of a connection's weird).
    PerConn,
    /// Once per name and connection, again a day after (`did_log` of
    /// `ACTION_LOG_PER_CONN`).
    PerConnDaily,
}

impl Rule {
    /// How long a weird written is not written again.
    pub fn period_ns(self) -> i64 {
        match self {
            Rule::PerOrig | Rule::PerConnDaily => 86_400 * 1_000_000_000,
            Rule::PerPair | Rule::PerConn => 600 * 1_000_000_000,
        }
    }
}

/// One weird.log record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Weird {
    pub ts_ns: i64,
    /// The connection's uid: unset for a weird without one.
    pub uid: Option<Uid>,
    pub orig_h: IpAddr,
    pub orig_p: u16,
    pub resp_h: IpAddr,
    pub resp_p: u16,
    pub name: &'static str,
    /// What more the analyzer said.
    pub addl: Option<String>,
    /// The analyzer that found it (none: empty).
    pub source: &'static str,
}

impl Weird {
    /// A bad checksum of a connection's TCP segment, UDP datagram or
    /// ICMP message.
    pub fn bad_checksum(ts_ns: i64, c: &super::apps::ConnRef) -> Weird {
        let (name, source) = match c.proto {
            "udp" => ("bad_UDP_checksum", "UDP"),
            "icmp" => ("bad_ICMP_checksum", "ICMP"),
            _ => ("bad_TCP_checksum", "TCP"),
        };
        Weird::of_conn(ts_ns, c, name, source)
    }

    /// Weird `name` of connection `c`, raised by analyzer `source`.
    pub fn of_conn(
        ts_ns: i64,
        c: &super::apps::ConnRef,
        name: &'static str,
        source: &'static str,
    ) -> Weird {
        Weird {
            ts_ns,
            uid: Some(c.uid),
            orig_h: c.orig_h,
            orig_p: c.orig_p,
            resp_h: c.resp_h,
            resp_p: c.resp_p,
            name,
            addl: None,
            source,
        }
    }

    /// An IPv4 header with a bad checksum.
    pub fn bad_ip_checksum(ts_ns: i64, bad: &crate::dissect::BadIpv4) -> Weird {
        Weird {
            ts_ns,
            uid: None,
            orig_h: IpAddr::V4(bad.src),
            orig_p: 0,
            resp_h: IpAddr::V4(bad.dst),
            resp_p: 0,
            name: if bad.in_tunnel {
                "bad_IP_checksum_in_tunnel"
            } else {
                "bad_IP_checksum"
            },
            addl: None,
            source: "IP",
        }
    }

    /// Its rule: the names Zeek's `Weird::actions` logs per originator,
    /// the others per connection, or per address pair for a weird without
    /// one.
    pub fn rule(name: &str, of_conn: bool) -> Rule {
        match name {
            "bad_IP_checksum"
            | "bad_TCP_checksum"
            | "bad_UDP_checksum"
            | "bad_ICMP_checksum"
            | "SYN_with_data"
            | "connection_originator_SYN_ack" => Rule::PerOrig,
            "simultaneous_open" => Rule::PerConnDaily,
            _ if of_conn => Rule::PerConn,
            _ => Rule::PerPair,
        }
    }
}

impl Record for Weird {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        out.extend([
            Value::Time(self.ts_ns),
            self.uid.as_ref().map_or(Value::Unset, Uid::value),
            Value::Addr(self.orig_h),
            Value::Port(self.orig_p),
            Value::Addr(self.resp_h),
            Value::Port(self.resp_p),
            Value::str(self.name),
            self.addl.as_deref().map_or(Value::Unset, Value::str),
            Value::Bool(false),
            Value::str("zeek"),
            if self.source.is_empty() {
                Value::Unset
            } else {
                Value::str(self.source)
            },
        ]);
    }
}

/// What the rule reads of a weird.log record's values (in [`SCHEMA`]'s
/// order): its time, its rule, and the key it is remembered by (the name,
/// then the originator's address, for [`Rule::PerPair`] the responder's,
/// and for [`Rule::PerConn`] both with their ports).
pub fn key(values: &[Value<'_>]) -> Option<(i64, Rule, Vec<u8>)> {
    let (
        Value::Time(ts),
        uid,
        Value::Addr(orig),
        Value::Port(orig_p),
        Value::Addr(resp),
        Value::Port(resp_p),
        Value::Str(name),
    ) = (
        values.first()?,
        values.get(1)?,
        values.get(2)?,
        values.get(3)?,
        values.get(4)?,
        values.get(5)?,
        values.get(6)?,
    )
    else {
        return None;
    };
    let of_conn = !matches!(uid, Value::Unset);
    let rule = Weird::rule(std::str::from_utf8(name).ok()?, of_conn);
    let mut k = name.to_vec();
    k.push(0);
    let mut addr = |a: &IpAddr, port: Option<u16>| {
        match a {
            IpAddr::V4(a) => k.extend_from_slice(&a.octets()),
            IpAddr::V6(a) => k.extend_from_slice(&a.octets()),
        }
        if let Some(p) = port {
            k.extend_from_slice(&p.to_be_bytes());
        }
    };
    match rule {
        Rule::PerOrig => addr(orig, None),
        Rule::PerPair => {
            addr(orig, None);
            addr(resp, None);
        }
        Rule::PerConn | Rule::PerConnDaily => {
            addr(orig, Some(*orig_p));
            addr(resp, Some(*resp_p));
        }
    }
    Some((*ts, rule, k))
}

/// The weirds written, by rule.
#[derive(Debug)]
pub struct Written {
    /// Remembered for a day (a name with its originator or its
    /// connection).
    per_orig: Once<Vec<u8>>,
    /// Remembered for ten minutes (a name with its address pair or its
    /// connection: the keys differ in length).
    ignored: Once<Vec<u8>>,
}

impl Default for Written {
    fn default() -> Self {
        Written {
            per_orig: Once::new(MAX_KNOWN, Rule::PerOrig.period_ns()),
            ignored: Once::new(MAX_KNOWN, Rule::PerConn.period_ns()),
        }
    }
}

impl Written {
    /// Whether a weird ([`key`]) seen at `ts_ns` is written.
    pub fn admit(&mut self, ts_ns: i64, rule: Rule, key: Vec<u8>) -> bool {
        match rule {
            Rule::PerOrig | Rule::PerConnDaily => self.per_orig.admit(ts_ns, key),
            Rule::PerPair | Rule::PerConn => self.ignored.admit(ts_ns, key),
        }
    }

    /// Weirds written and not remembered (the rule's table full).
    pub fn untracked(&self) -> u64 {
        self.per_orig.stats.untracked + self.ignored.stats.untracked
    }
}

#[cfg(test)]
mod tests;
