//! Zeek's dhcp.log (Zeek 6, `base/protocols/dhcp/main.zeek`): one record
//! per DHCP exchange — the messages that share a transaction id (xid)
//! within a short time, usually DISCOVER, OFFER, REQUEST, ACK — over
//! however many connections they travel (broadcasts and unicasts make
//! several: `uids` lists them).
//!
//! As Zeek does:
//! - Only messages with the magic cookie are taken (BOOTP without it is
//!   not DHCP to Zeek).
//! - A message is the client's when its sender is the connection's
//!   originator and the connection is 0.0.0.0-sourced, from port 68 or to
//!   port 67; the client gives host name, FQDN, requested address, its MAC
//!   (client identifier of hardware type 1, else the chaddr field later),
//!   its address (a unicast source); the server the assigned address
//!   (yiaddr, and its own address when it assigns one), domain, lease.
//!   Option 56 goes to client_message or server_message.
//! - The record is written when the exchange has gone quiet for 5 s or is
//!   30 s old (checked 10 s after it began, then every 5 s, as Zeek's
//!   table expiry does), when it reaches 10 uids or 50 message types, or
//!   at the end of the capture.
//!
//! Bounds: at most [`MAX_EXCHANGES`] exchanges are open at once; past that
//! the oldest is written early ([`Stats::overflow`]).

use super::apps::{Frame, Map};
use super::conn::Uid;
use super::{emit, field, Record, Schema, Sink, Type, Value};
use std::borrow::Cow;
use std::io;
use std::net::{IpAddr, Ipv4Addr};
use wire::dhcp::{opt, DhcpView, OptItem};
use wiresift_wire as wire;

pub static SCHEMA: Schema = Schema {
    path: "dhcp",
    fields: &[
        field("ts", Type::Time),
        field("uids", Type::StringSet),
        field("client_addr", Type::Addr),
        field("server_addr", Type::Addr),
        field("mac", Type::String),
        field("host_name", Type::String),
        field("client_fqdn", Type::String),
        field("domain", Type::String),
        field("requested_addr", Type::Addr),
        field("assigned_addr", Type::Addr),
        field("lease_time", Type::Interval),
        field("client_message", Type::String),
        field("server_message", Type::String),
        field("msg_types", Type::StringVector),
        field("duration", Type::Interval),
    ],
};

/// Exchanges open at once.
pub const MAX_EXCHANGES: usize = 10_000;
/// Zeek's `DHCP::max_uids_per_log_entry` and `max_msg_types_per_log_entry`.
const MAX_UIDS: usize = 10;
const MAX_MSG_TYPES: usize = 50;
const SEC: i64 = 1_000_000_000;
/// Zeek's expiry: first look 10 s after the exchange began, then every 5 s;
/// written once quiet for 5 s or 30 s old (`max_txid_watch_time`).
const FIRST_CHECK_NS: i64 = 10 * SEC;
const RECHECK_NS: i64 = 5 * SEC;
const QUIET_NS: i64 = 5 * SEC;
const WATCH_NS: i64 = 30 * SEC;

/// What dhcp.log needs of one DHCP message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Msg {
    pub xid: u32,
    /// Option 53 (0 when absent).
    pub m_type: u8,
    pub yiaddr: [u8; 4],
    /// The chaddr field as Zeek formats it (empty when not a MAC).
    pub chaddr: String,
    pub message: Option<Vec<u8>>,
    pub host_name: Option<Vec<u8>>,
    pub client_fqdn: Option<Vec<u8>>,
    /// Client identifier: hardware type and the formatted address.
    pub client_id: Option<(u8, String)>,
    pub addr_request: Option<[u8; 4]>,
    pub domain_name: Option<Vec<u8>>,
    pub lease: Option<u32>,
}

/// Zeek's `fmt_mac`: six bytes as a MAC; eight or more as EUI-64 unless
/// bytes 6 and 7 are zero; anything shorter empty.
pub fn fmt_mac(m: &[u8]) -> String {
    let hex = |b: &[u8]| {
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    match m.len() {
        6 => hex(m),
        n if n >= 8 => {
            if m.get(6..8) == Some(&[0, 0][..]) {
                hex(m.get(..6).unwrap_or_default())
            } else {
                hex(m.get(..8).unwrap_or_default())
            }
        }
        _ => String::new(),
    }
}

/// Zeek's domain-name option: up to the last byte that is not NUL — and
/// empty when that is the first byte (its off-by-one, kept).
fn domain_value(v: &[u8]) -> Vec<u8> {
    let last = v.iter().rposition(|&b| b != 0).unwrap_or(0);
    if last == 0 {
        Vec::new()
    } else {
        v.get(..=last).unwrap_or_default().to_vec()
    }
}

impl Msg {
    /// The message as Zeek's DHCP analyzer reports it, or None when Zeek
    /// takes it for something else (no magic cookie).
    pub fn read(v: &DhcpView<'_>) -> Option<Msg> {
        if !v.has_cookie() {
            return None;
        }
        let mut m = Msg {
            xid: v.xid()?,
            m_type: v.message_type().unwrap_or(0),
            yiaddr: v.yiaddr().unwrap_or([0; 4]),
            chaddr: v.chaddr_field().map(|c| fmt_mac(&c)).unwrap_or_default(),
            ..Msg::default()
        };
        // Each option Zeek knows overwrites the one before: the last wins.
        for item in v.options() {
            let OptItem::Opt(o) = item else { continue };
            if !o.complete() {
                continue;
            }
            let val = o.value;
            match o.code {
                opt::MESSAGE => m.message = Some(val.to_vec()),
                opt::HOSTNAME => m.host_name = Some(val.to_vec()),
                opt::CLIENT_FQDN if val.len() >= 3 => {
                    m.client_fqdn = Some(val.get(3..).unwrap_or_default().to_vec())
                }
                opt::CLIENT_ID if !val.is_empty() => {
                    let hw = val.first().copied().unwrap_or(0);
                    m.client_id = Some((hw, fmt_mac(val.get(1..).unwrap_or_default())));
                }
                opt::REQUESTED_IP => {
                    if let Ok(a) = <[u8; 4]>::try_from(val) {
                        m.addr_request = Some(a);
                    }
                }
                opt::DOMAIN_NAME => m.domain_name = Some(domain_value(val)),
                opt::LEASE_TIME => {
                    if let Ok(a) = <[u8; 4]>::try_from(val) {
                        m.lease = Some(u32::from_be_bytes(a));
                    }
                }
                _ => {}
            }
        }
        Some(m)
    }
}

/// Zeek's name of a DHCP message type (`DHCP::message_types`).
pub fn type_name(t: u8) -> Cow<'static, str> {
    const NAMES: [&str; 18] = [
        "DISCOVER",
        "OFFER",
        "REQUEST",
        "DECLINE",
        "ACK",
        "NAK",
        "RELEASE",
        "INFORM",
        "FORCERENEW",
        "LEASEQUERY",
        "LEASEUNASSIGNED",
        "LEASEUNKNOWN",
        "LEASEACTIVE",
        "BULKLEASEQUERY",
        "LEASEQUERYDONE",
        "ACTIVELEASEQUERY",
        "LEASEQUERYSTATUS",
        "TLS",
    ];
    match usize::from(t).checked_sub(1).and_then(|i| NAMES.get(i)) {
        Some(n) => Cow::Borrowed(n),
        None => Cow::Owned(format!("unknown-message-type-{t}")),
    }
}

/// One dhcp.log record (Zeek's `DHCP::Info`).
#[derive(Clone, Debug, PartialEq)]
pub struct Dhcp {
    pub ts_ns: i64,
    pub uids: Vec<Uid>,
    pub client_addr: Option<IpAddr>,
    pub server_addr: Option<IpAddr>,
    pub mac: Option<String>,
    pub host_name: Option<Vec<u8>>,
    pub client_fqdn: Option<Vec<u8>>,
    pub domain: Option<Vec<u8>>,
    pub requested_addr: Option<Ipv4Addr>,
    pub assigned_addr: Option<Ipv4Addr>,
    pub lease_time: Option<u32>,
    pub client_message: Option<Vec<u8>>,
    pub server_message: Option<Vec<u8>>,
    pub msg_types: Vec<Cow<'static, str>>,
    pub duration_ns: i64,
    /// Not logged: the chaddr a client sent, used for `mac` when nothing
    /// better came.
    client_chaddr: Option<String>,
}

impl Dhcp {
    fn new(ts_ns: i64) -> Dhcp {
        Dhcp {
            ts_ns,
            uids: Vec::new(),
            client_addr: None,
            server_addr: None,
            mac: None,
            host_name: None,
            client_fqdn: None,
            domain: None,
            requested_addr: None,
            assigned_addr: None,
            lease_time: None,
            client_message: None,
            server_message: None,
            msg_types: Vec::new(),
            duration_ns: 0,
            client_chaddr: None,
        }
    }

    /// Take one message in, as Zeek's `DHCP::aggregate_msgs` does.
    fn apply(&mut self, f: &Frame<'_>, m: Msg) {
        let c = f.conn;
        let us = super::micros(f.ts_ns) - super::micros(self.ts_ns);
        self.duration_ns = us.saturating_mul(1000);
        if !self.uids.contains(&c.uid) {
            self.uids.push(c.uid);
        }
        self.msg_types.push(type_name(m.m_type));
        let zero = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
        let bcast = IpAddr::V4(Ipv4Addr::BROADCAST);
        let is_client = f.from_orig && (c.orig_h == zero || c.orig_p == 68 || c.resp_p == 67);
        if let Some(msg) = m.message {
            if is_client {
                self.client_message = Some(msg);
            } else {
                self.server_message = Some(msg);
            }
        }
        if is_client {
            if c.orig_h != zero && c.orig_h != bcast {
                self.client_addr = Some(c.orig_h);
            }
            if let Some(h) = m.host_name {
                self.host_name = Some(h);
            }
            if let Some(fq) = m.client_fqdn {
                self.client_fqdn = Some(fq);
            }
            match m.client_id {
                Some((1, hw)) => self.mac = Some(hw),
                _ => self.client_chaddr = Some(m.chaddr),
            }
            if let Some(a) = m.addr_request {
                self.requested_addr = Some(Ipv4Addr::from(a));
            }
        } else {
            if m.yiaddr != [0; 4] {
                self.server_addr = Some(if f.from_orig { c.orig_h } else { c.resp_h });
            }
            if !m.chaddr.is_empty() && self.mac.is_none() {
                self.mac = Some(m.chaddr);
            }
            if m.yiaddr != [0; 4] {
                self.assigned_addr = Some(Ipv4Addr::from(m.yiaddr));
            }
            if self.client_addr.is_none() {
                if let Some(a) = self.assigned_addr {
                    self.client_addr = Some(IpAddr::V4(a));
                }
            }
            if let Some(d) = m.domain_name {
                self.domain = Some(d);
            }
            if let Some(l) = m.lease {
                self.lease_time = Some(l);
            }
        }
    }

    /// Zeek's expiry fills `mac` from the client's chaddr when nothing
    /// better came.
    fn expiring(&mut self) {
        if self.mac.is_none() {
            self.mac = self.client_chaddr.take();
        }
    }
}

impl Record for Dhcp {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        let addr = |a: Option<IpAddr>| a.map_or(Value::Unset, Value::Addr);
        let v4 = |a: Option<Ipv4Addr>| a.map_or(Value::Unset, |a| Value::Addr(IpAddr::V4(a)));
        out.extend([
            Value::Time(self.ts_ns),
            Value::Strings(
                self.uids
                    .iter()
                    .map(|u| Cow::Borrowed(u.as_bytes()))
                    .collect(),
            ),
            addr(self.client_addr),
            addr(self.server_addr),
            self.mac.as_deref().map_or(Value::Unset, Value::str),
            Value::bytes(self.host_name.as_deref()),
            Value::bytes(self.client_fqdn.as_deref()),
            Value::bytes(self.domain.as_deref()),
            v4(self.requested_addr),
            v4(self.assigned_addr),
            self.lease_time.map_or(Value::Unset, |l| {
                Value::Interval(i64::from(l).saturating_mul(SEC))
            }),
            Value::bytes(self.client_message.as_deref()),
            Value::bytes(self.server_message.as_deref()),
            Value::Strings(
                self.msg_types
                    .iter()
                    .map(|t| Cow::Borrowed(t.as_bytes()))
                    .collect(),
            ),
            Value::Interval(self.duration_ns),
        ]);
    }
}

/// What the DHCP analyzer counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub records: u64,
    /// Exchanges written early because [`MAX_EXCHANGES`] were open.
    pub overflow: u64,
}

#[derive(Debug)]
struct Exchange {
    info: Dhcp,
    last_ns: i64,
    next_check_ns: i64,
}

/// DHCP exchanges in progress, by transaction id.
#[derive(Debug, Default)]
pub struct Tracker {
    open: Map<u32, Exchange>,
    last_sweep_ns: i64,
    pub stats: Stats,
}

impl Tracker {
    fn write(&mut self, d: &Dhcp, sink: &mut dyn Sink) -> io::Result<()> {
        self.stats.records += 1;
        emit(d, sink)
    }

    /// One DHCP message.
    pub fn message(&mut self, f: &Frame<'_>, m: Msg, sink: &mut dyn Sink) -> io::Result<()> {
        let xid = m.xid;
        if !self.open.contains_key(&xid) && self.open.len() >= MAX_EXCHANGES {
            // Make room: the oldest exchange is written now.
            let oldest = self
                .open
                .iter()
                .min_by_key(|(x, e)| (e.info.ts_ns, **x))
                .map(|(x, _)| *x);
            if let Some(mut e) = oldest.and_then(|x| self.open.remove(&x)) {
                self.stats.overflow += 1;
                e.info.expiring();
                self.write(&e.info, sink)?;
            }
        }
        let e = self.open.entry(xid).or_insert_with(|| Exchange {
            info: Dhcp::new(f.ts_ns),
            last_ns: f.ts_ns,
            next_check_ns: f.ts_ns.saturating_add(FIRST_CHECK_NS),
        });
        e.info.apply(f, m);
        e.last_ns = f.ts_ns;
        if e.info.uids.len() >= MAX_UIDS || e.info.msg_types.len() >= MAX_MSG_TYPES {
            if let Some(e) = self.open.remove(&xid) {
                self.write(&e.info, sink)?;
            }
        }
        Ok(())
    }

    /// Up to this time (included), [`Tracker::tick`] does nothing.
    pub fn quiet_through(&self) -> i64 {
        self.last_sweep_ns.saturating_add(SEC - 1)
    }

    /// Capture time moved on: exchanges due for Zeek's expiry check are
    /// written if quiet or old (looked at once a second of capture time).
    pub fn tick(&mut self, now_ns: i64, sink: &mut dyn Sink) -> io::Result<()> {
        if now_ns.saturating_sub(self.last_sweep_ns) < SEC {
            return Ok(());
        }
        self.last_sweep_ns = now_ns;
        let mut due: Vec<(i64, u32)> = Vec::new();
        for (xid, e) in self.open.iter_mut() {
            if now_ns < e.next_check_ns {
                continue;
            }
            if now_ns.saturating_sub(e.last_ns) > QUIET_NS
                || now_ns.saturating_sub(e.info.ts_ns) > WATCH_NS
            {
                due.push((e.info.ts_ns, *xid));
            } else {
                e.next_check_ns = now_ns.saturating_add(RECHECK_NS);
            }
        }
        due.sort_unstable();
        for (_, xid) in due {
            if let Some(mut e) = self.open.remove(&xid) {
                e.info.expiring();
                self.write(&e.info, sink)?;
            }
        }
        Ok(())
    }

    /// The capture ended: every open exchange, oldest first.
    pub fn finish(&mut self, sink: &mut dyn Sink) -> io::Result<()> {
        let mut all: Vec<(i64, u32)> = self.open.iter().map(|(x, e)| (e.info.ts_ns, *x)).collect();
        all.sort_unstable();
        for (_, xid) in all {
            if let Some(mut e) = self.open.remove(&xid) {
                e.info.expiring();
                self.write(&e.info, sink)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
