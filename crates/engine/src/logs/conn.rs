//! Zeek's conn.log: one record per connection (TCP, UDP or ICMP flow),
//! written when it ends, with Zeek 6's fields and meanings
//! (`scripts/base/protocols/conn/main.zeek`). The connection's course —
//! originator, history, TCP states, sizes, gaps, packet counts — is kept
//! by [`crate::flow::history::History`] as packets pass; this module turns
//! an ended flow into the record.
//!
//! The `uid` is deterministic, unlike Zeek's random one: `C` followed by
//! the base-62 digits of a 96-bit hash of the flow's key (addresses, ports,
//! transport) and the number of its first frame. The same capture gives the
//! same uids on every run, and other logs can name the connection while it
//! is still open ([`uid`]).

use super::{site, Field, Record, Schema, Type, Value};
use crate::flow::history::icmp_counterpart;
use crate::flow::key::{transport, FlowKey, Side};
use crate::flow::{Ended, Flow};
use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub static SCHEMA: Schema = Schema {
    path: "conn",
    fields: &[
        Field {
            name: "ts",
            ty: Type::Time,
        },
        Field {
            name: "uid",
            ty: Type::String,
        },
        Field {
            name: "id.orig_h",
            ty: Type::Addr,
        },
        Field {
            name: "id.orig_p",
            ty: Type::Port,
        },
        Field {
            name: "id.resp_h",
            ty: Type::Addr,
        },
        Field {
            name: "id.resp_p",
            ty: Type::Port,
        },
        Field {
            name: "proto",
            ty: Type::Enum,
        },
        Field {
            name: "service",
            ty: Type::String,
        },
        Field {
            name: "duration",
            ty: Type::Interval,
        },
        Field {
            name: "orig_bytes",
            ty: Type::Count,
        },
        Field {
            name: "resp_bytes",
            ty: Type::Count,
        },
        Field {
            name: "conn_state",
            ty: Type::String,
        },
        Field {
            name: "local_orig",
            ty: Type::Bool,
        },
        Field {
            name: "local_resp",
            ty: Type::Bool,
        },
        Field {
            name: "missed_bytes",
            ty: Type::Count,
        },
        Field {
            name: "history",
            ty: Type::String,
        },
        Field {
            name: "orig_pkts",
            ty: Type::Count,
        },
        Field {
            name: "orig_ip_bytes",
            ty: Type::Count,
        },
        Field {
            name: "resp_pkts",
            ty: Type::Count,
        },
        Field {
            name: "resp_ip_bytes",
            ty: Type::Count,
        },
        Field {
            name: "tunnel_parents",
            ty: Type::StringSet,
        },
    ],
};

/// One conn.log record.
#[derive(Clone, Debug, PartialEq)]
pub struct Conn {
    /// Time of the connection's first packet (ns).
    pub ts_ns: i64,
    pub uid: Uid,
    pub orig_h: IpAddr,
    pub orig_p: u16,
    pub resp_h: IpAddr,
    pub resp_p: u16,
    /// "tcp", "udp" or "icmp".
    pub proto: &'static str,
    /// Confirmed application protocols, joined by commas (unset if none).
    pub service: Option<String>,
    /// Set only when the connection lasted (Zeek leaves duration and the
    /// byte counts unset for a connection of one instant).
    pub duration_ns: Option<i64>,
    pub orig_bytes: Option<u64>,
    pub resp_bytes: Option<u64>,
    pub conn_state: &'static str,
    pub missed_bytes: u64,
    /// Unset when empty.
    pub history: Option<String>,
    pub orig_pkts: u64,
    pub orig_ip_bytes: u64,
    pub resp_pkts: u64,
    pub resp_ip_bytes: u64,
    /// The uids of the tunnel connections that carried it (UDP tunnels
    /// whose connection conn.log lists).
    pub tunnel_parents: Vec<Uid>,
}

/// The digits of Zeek's base 62.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn base62(mut n: u64, out: &mut Uid) {
    let mut digits = [0u8; 11];
    let mut i = digits.len();
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            *d = BASE62.get((n % 62) as usize).copied().unwrap_or(b'0');
        }
        n /= 62;
        if n == 0 || i == 0 {
            break;
        }
    }
    for &d in digits.get(i..).unwrap_or_default() {
        out.push(d);
    }
}

/// The longest uid: `C`, the 11 base-62 digits of a 64-bit word and the 6
/// of a 32-bit one.
const UID_MAX: usize = 18;

/// A connection's uid, held inline: every record of a connection names it,
/// and as a `String` each copy was an allocation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Uid {
    bytes: [u8; UID_MAX],
    len: u8,
}

impl Uid {
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The uid as a log value.
    pub fn value(&self) -> Value<'_> {
        Value::Str(Cow::Borrowed(self.as_bytes()))
    }

    fn push(&mut self, b: u8) {
        if let Some(d) = self.bytes.get_mut(usize::from(self.len)) {
            *d = b;
            self.len += 1;
        }
    }

    /// A uid of the given text (tests name their connections).
    #[cfg(test)]
    pub fn from_text(s: &str) -> Uid {
        let mut u = Uid {
            bytes: [0; UID_MAX],
            len: 0,
        };
        s.bytes().for_each(|b| u.push(b));
        u
    }
}

impl std::fmt::Debug for Uid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// splitmix64's finaliser: spreads every input bit over the output.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The connection's uid: `C` and the base-62 digits of 96 bits hashed from
/// the key and the first frame's number (as Zeek writes its 96-bit uids:
/// one 64-bit word's digits, then the other 32 bits').
pub fn uid(key: &FlowKey, first_frame: u64) -> Uid {
    let a = mix(key.stable_hash() ^ mix(first_frame));
    let b = mix(a ^ 0x9e37_79b9_7f4a_7c15) >> 32;
    let mut s = Uid {
        bytes: [0; UID_MAX],
        len: 0,
    };
    s.push(b'C');
    base62(a, &mut s);
    base62(b, &mut s);
    s
}

fn addr(key: &FlowKey, side: Side) -> IpAddr {
    let b = key.addr(side);
    if key.v6 {
        let mut a = [0u8; 16];
        for (d, s) in a.iter_mut().zip(b) {
            *d = *s;
        }
        IpAddr::V6(Ipv6Addr::from(a))
    } else {
        let mut a = [0u8; 4];
        for (d, s) in a.iter_mut().zip(b) {
            *d = *s;
        }
        IpAddr::V4(Ipv4Addr::from(a))
    }
}

/// A connection's endpoints as Zeek names them, as things stand: its
/// originator (the first packet's sender unless Zeek flipped the roles)
/// and responder, with Zeek's ICMP "ports".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// The side of the key that is the originator.
    pub orig: Side,
    /// The roles are flipped from the first packet's sender.
    pub flipped: bool,
    pub orig_h: IpAddr,
    pub orig_p: u16,
    pub resp_h: IpAddr,
    pub resp_p: u16,
    /// "tcp", "udp" or "icmp".
    pub proto: &'static str,
}

/// The transport's name as Zeek's `proto` field gives it.
pub fn proto_name(key: &FlowKey) -> &'static str {
    match key.proto {
        transport::TCP => "tcp",
        transport::UDP => "udp",
        transport::ICMP | transport::ICMPV6 => "icmp",
        _ => "unknown_transport",
    }
}

/// The endpoints of a flow as Zeek reports them now (TCP flips as its
/// history says; UDP by the likely-server-port rule).
pub fn endpoints(key: &FlowKey, flow: &Flow) -> Endpoints {
    let proto = proto_name(key);
    let flipped = match proto {
        "tcp" => flow.history.flipped(),
        "udp" => crate::flow::udp_flipped(key, flow.orig),
        _ => false,
    };
    orient(key, flow, proto, flipped)
}

fn orient(key: &FlowKey, flow: &Flow, proto: &'static str, flipped: bool) -> Endpoints {
    let (orig, resp) = if flipped {
        (flow.orig.other(), flow.orig)
    } else {
        (flow.orig, flow.orig.other())
    };
    let (orig_p, resp_p) = match (proto, flow.icmp) {
        // Zeek's ICMP "ports": the type, and its counterpart or code.
        ("icmp", Some((kind, code))) => (u16::from(kind), icmp_counterpart(key.v6, kind, code)),
        _ => (key.port(orig), key.port(resp)),
    };
    Endpoints {
        orig,
        flipped,
        orig_h: addr(key, orig),
        orig_p,
        resp_h: addr(key, resp),
        resp_p,
        proto,
    }
}

impl Conn {
    /// The record of a flow that ended.
    pub fn from_ended(e: &Ended) -> Conn {
        Conn::from_flow(&e.key, &e.flow)
    }

    /// The record of a flow, as it stands.
    pub fn from_flow(key: &FlowKey, flow: &Flow) -> Conn {
        let h = &flow.history;
        let proto = proto_name(key);
        let summary = h.summary(proto, crate::flow::udp_flipped(key, flow.orig));
        let ends = orient(key, flow, proto, summary.flipped);
        let (oi, ri) = if summary.flipped { (1, 0) } else { (0, 1) };
        let first_us = super::micros(flow.first_ns);
        let last_us = super::micros(h.last_ns.unwrap_or(flow.first_ns));
        let lasted = last_us > first_us;
        let service =
            (!h.service.is_empty()).then(|| h.service.iter().collect::<Vec<_>>().join(","));
        let history = h.letters(summary.flipped && proto == "udp");
        Conn {
            ts_ns: flow.first_ns,
            uid: h.uid.unwrap_or_else(|| uid(key, flow.first_frame)),
            orig_h: ends.orig_h,
            orig_p: ends.orig_p,
            resp_h: ends.resp_h,
            resp_p: ends.resp_p,
            proto,
            service,
            duration_ns: lasted.then(|| (last_us - first_us).saturating_mul(1000)),
            orig_bytes: lasted.then_some(summary.orig_bytes),
            resp_bytes: lasted.then_some(summary.resp_bytes),
            conn_state: summary.conn_state,
            missed_bytes: h.missed_bytes,
            history: (!history.is_empty()).then_some(history),
            orig_pkts: h.packets[oi],
            orig_ip_bytes: h.ip_bytes[oi],
            resp_pkts: h.packets[ri],
            resp_ip_bytes: h.ip_bytes[ri],
            tunnel_parents: Vec::new(),
        }
    }
}

impl Record for Conn {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        let opt_count = |v: Option<u64>| v.map_or(Value::Unset, Value::Count);
        let opt_str = |v: &'s Option<String>| {
            v.as_deref()
                .map_or(Value::Unset, |s| Value::Str(Cow::Borrowed(s.as_bytes())))
        };
        out.extend([
            Value::Time(self.ts_ns),
            self.uid.value(),
            Value::Addr(self.orig_h),
            Value::Port(self.orig_p),
            Value::Addr(self.resp_h),
            Value::Port(self.resp_p),
            Value::Enum(self.proto),
            opt_str(&self.service),
            self.duration_ns.map_or(Value::Unset, Value::Interval),
            opt_count(self.orig_bytes),
            opt_count(self.resp_bytes),
            Value::str(self.conn_state),
            Value::Bool(site::is_local(self.orig_h)),
            Value::Bool(site::is_local(self.resp_h)),
            Value::Count(self.missed_bytes),
            opt_str(&self.history),
            Value::Count(self.orig_pkts),
            Value::Count(self.orig_ip_bytes),
            Value::Count(self.resp_pkts),
            Value::Count(self.resp_ip_bytes),
            match self.tunnel_parents.as_slice() {
                [] => Value::Unset,
                uids => Value::Strings(uids.iter().map(|u| Cow::Borrowed(u.as_bytes())).collect()),
            },
        ]);
    }
}

#[cfg(test)]
mod tests;
