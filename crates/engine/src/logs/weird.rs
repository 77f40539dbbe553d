//! Zeek's weird.log (Zeek 6, `base/frameworks/notice/weird.zeek`): the
//! packets Zeek finds wrong. Written so far: the checksum weirds, which
//! tell the packets left out of every other log ([`crate::flow::FlowOptions::drop_corrupt`]):
//! - `bad_TCP_checksum`, `bad_UDP_checksum` and `bad_ICMP_checksum` (ICMP
//!   and ICMPv6) on their connection (uid and `id.*` of conn.log), `source`
//!   `TCP`, `UDP` or `ICMP`;
//! - `bad_IP_checksum` where an IPv4 header's checksum is bad: no
//!   connection is made, and Zeek writes the header's addresses with ports
//!   0 (its flow weird), `source` `IP`. Inside a tunnel (an IP header
//!   before it) the name is `bad_IP_checksum_in_tunnel`.
//!
//! How often, as Zeek's `Weird::actions`: the four checksum weirds are
//! written once per name and originator address, and again only a day
//! after (`ACTION_LOG_PER_ORIG`); `bad_IP_checksum_in_tunnel`, which the
//! table does not name, once per name and address pair every ten minutes
//! (`ACTION_LOG` with `weird_ignore`). The rule ([`Rule`], [`key`]) is
//! applied where the records of every conversation meet in frame order
//! ([`super::once`]).
//!
//! `peer` is Zeek's name for a standalone process, `zeek`; `notice` is
//! always false (no checksum weird becomes a notice); `addl` is unset.
//! Zeek's other weirds are not written yet.

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

/// Weirds remembered by their rule (per rule).
pub const MAX_KNOWN: usize = 100_000;

/// How often a weird is written again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Once per name and originator, again a day after (`did_log`).
    PerOrig,
    /// Once per name and address pair, again ten minutes after
    /// (`weird_ignore`).
    PerPair,
}

impl Rule {
    /// How long a weird written is not written again.
    pub fn period_ns(self) -> i64 {
        match self {
            Rule::PerOrig => 86_400 * 1_000_000_000,
            Rule::PerPair => 600 * 1_000_000_000,
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
    /// The analyzer that found it.
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
        Weird {
            ts_ns,
            uid: Some(c.uid),
            orig_h: c.orig_h,
            orig_p: c.orig_p,
            resp_h: c.resp_h,
            resp_p: c.resp_p,
            name,
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
            source: "IP",
        }
    }

    /// Its rule: the names Zeek's `Weird::actions` logs per originator,
    /// the others (not named there) per address pair.
    pub fn rule(name: &str) -> Rule {
        match name {
            "bad_IP_checksum" | "bad_TCP_checksum" | "bad_UDP_checksum" | "bad_ICMP_checksum" => {
                Rule::PerOrig
            }
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
            Value::Unset,
            Value::Bool(false),
            Value::str("zeek"),
            Value::str(self.source),
        ]);
    }
}

/// What the rule reads of a weird.log record's values (in [`SCHEMA`]'s
/// order): its time, its rule, and the key it is remembered by (the name,
/// then the originator's address, and for [`Rule::PerPair`] the
/// responder's).
pub fn key(values: &[Value<'_>]) -> Option<(i64, Rule, Vec<u8>)> {
    let (Value::Time(ts), Value::Addr(orig), Value::Addr(resp), Value::Str(name)) = (
        values.first()?,
        values.get(2)?,
        values.get(4)?,
        values.get(6)?,
    ) else {
        return None;
    };
    let rule = Weird::rule(std::str::from_utf8(name).ok()?);
    let mut k = name.to_vec();
    k.push(0);
    let mut addr = |a: &IpAddr| match a {
        IpAddr::V4(a) => k.extend_from_slice(&a.octets()),
        IpAddr::V6(a) => k.extend_from_slice(&a.octets()),
    };
    addr(orig);
    if rule == Rule::PerPair {
        addr(resp);
    }
    Some((*ts, rule, k))
}

/// The weirds written, by rule.
#[derive(Debug)]
pub struct Written {
    per_orig: Once<Vec<u8>>,
    per_pair: Once<Vec<u8>>,
}

impl Default for Written {
    fn default() -> Self {
        Written {
            per_orig: Once::new(MAX_KNOWN, Rule::PerOrig.period_ns()),
            per_pair: Once::new(MAX_KNOWN, Rule::PerPair.period_ns()),
        }
    }
}

impl Written {
    /// Whether a weird ([`key`]) seen at `ts_ns` is written.
    pub fn admit(&mut self, ts_ns: i64, rule: Rule, key: Vec<u8>) -> bool {
        match rule {
            Rule::PerOrig => self.per_orig.admit(ts_ns, key),
            Rule::PerPair => self.per_pair.admit(ts_ns, key),
        }
    }

    /// Weirds written and not remembered (the rule's table full).
    pub fn untracked(&self) -> u64 {
        self.per_orig.stats.untracked + self.per_pair.stats.untracked
    }
}

#[cfg(test)]
mod tests;
