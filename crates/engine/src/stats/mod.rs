//! Statistics over a capture in one pass: the summary (capinfos), the
//! protocol hierarchy (`tshark -z io,phs`), conversations and endpoints of
//! Ethernet, IPv4, IPv6, TCP and UDP (`-z conv,…`, `-z endpoints,…`), top
//! talkers, and frames and bytes over time (`-z io,stat,…`).
//!
//! [`Stats::add`] takes one dissection and does no allocation, formatting
//! or name look-up on the common path: counters, a trie walk and one hash
//! look-up with a fixed-size key (see [`fine`]; a frame of any other shape
//! takes one look-up per addressed layer). Every table is bounded (see
//! [`table`], [`io`], [`phs::MAX_NODES`]). [`Stats::merge`] folds the
//! statistics of another worker in; the report is the same whatever the
//! split of the packets, because everything is a sum, a min/max, or ordered
//! by frame number. [`Stats::report`] makes the printable [`Report`].

pub mod conv;
pub mod endpoints;
pub mod fine;
pub mod io;
pub mod phs;
pub mod summary;
pub mod table;

use crate::dissect::Dissection;
use conv::{Conversations, Endpoint, Mac, Oriented, Sock4, Sock6, V4, V6};
use foldhash::fast::RandomState;
use serde::Serialize;
use std::collections::HashMap;
use wiresift_wire::field::{write_ipv4, write_ipv6, write_mac};
use wiresift_wire::Layer;

pub use io::{Interval, IoReport};
pub use phs::PhsNode;
pub use summary::{FileInfo, SummaryReport};

/// Default cap of each conversation table.
pub const DEFAULT_MAX_CONVERSATIONS: usize = 1_000_000;

/// The parts of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sections {
    pub summary: bool,
    pub phs: bool,
    pub conv: bool,
    pub endpoints: bool,
    pub talkers: bool,
    pub io: bool,
}

impl Sections {
    pub const ALL: Sections = Sections {
        summary: true,
        phs: true,
        conv: true,
        endpoints: true,
        talkers: true,
        io: true,
    };
    pub const NONE: Sections = Sections {
        summary: false,
        phs: false,
        conv: false,
        endpoints: false,
        talkers: false,
        io: false,
    };

    /// The section names, as `--section` takes them.
    pub const NAMES: &'static [&'static str] =
        &["summary", "phs", "conv", "endpoints", "talkers", "io"];

    /// Turn on the section called `name`; false if there is none.
    pub fn enable(&mut self, name: &str) -> bool {
        let f = match name {
            "summary" => &mut self.summary,
            "phs" => &mut self.phs,
            "conv" => &mut self.conv,
            "endpoints" => &mut self.endpoints,
            "talkers" => &mut self.talkers,
            "io" => &mut self.io,
            _ => return false,
        };
        *f = true;
        true
    }

    /// Conversation tables are needed (endpoints and talkers are made from
    /// them).
    fn tables(&self) -> bool {
        self.conv || self.endpoints || self.talkers
    }
}

/// What to count and how to report it.
#[derive(Clone, Copy, Debug)]
pub struct StatsOptions {
    pub sections: Sections,
    pub interval: Interval,
    /// Cap of each conversation table (TCP and UDP over IPv4 and over IPv6
    /// are separate tables).
    pub max_conversations: usize,
    /// Rows per table in the report; 0 for all.
    pub top: usize,
}

impl Default for StatsOptions {
    fn default() -> Self {
        StatsOptions {
            sections: Sections::ALL,
            interval: Interval::Auto,
            max_conversations: DEFAULT_MAX_CONVERSATIONS,
            top: 10,
        }
    }
}

/// The conversation tables of every layer.
#[derive(Clone)]
pub struct Tables {
    eth: Conversations<Mac>,
    ip: Conversations<V4>,
    ipv6: Conversations<V6>,
    tcp4: Conversations<Sock4>,
    tcp6: Conversations<Sock6>,
    udp4: Conversations<Sock4>,
    udp6: Conversations<Sock6>,
}

impl Tables {
    fn new(cap: usize) -> Self {
        Tables {
            eth: Conversations::new(cap),
            ip: Conversations::new(cap),
            ipv6: Conversations::new(cap),
            tcp4: Conversations::new(cap),
            tcp6: Conversations::new(cap),
            udp4: Conversations::new(cap),
            udp6: Conversations::new(cap),
        }
    }

    fn merge(&mut self, o: Tables) {
        // UDP's tables, the largest (a conversation per DNS query), are
        // merged on a thread of their own: the merge and the report are the
        // serial end of a run on several cores.
        let Tables {
            eth,
            ip,
            ipv6,
            tcp4,
            tcp6,
            udp4,
            udp6,
        } = self;
        std::thread::scope(|s| {
            s.spawn(|| {
                udp4.merge(o.udp4);
                udp6.merge(o.udp6);
            });
            eth.merge(o.eth);
            ip.merge(o.ip);
            ipv6.merge(o.ipv6);
            tcp4.merge(o.tcp4);
            tcp6.merge(o.tcp6);
        });
    }
}

/// What [`Stats::add`] notes of a frame's addressed layers on its way down.
#[derive(Default)]
struct Common {
    eth: Option<(u8, Mac, Mac)>,
    ip: Option<(u8, IpAddrs)>,
    transport: Option<(u8, u16, u16, bool)>,
    /// A second addressed layer of some kind, or one out of order: not the
    /// common stack.
    other: bool,
}

enum CommonFrame {
    V4(fine::Frame<V4>),
    V6(fine::Frame<V6>),
}

impl Common {
    #[inline]
    fn see(&mut self, i: usize, l: &Layer) {
        let at = i as u8;
        match l {
            Layer::Eth(v) => {
                self.other |= self.eth.is_some() || self.ip.is_some();
                self.eth = Some((at, v.src(), v.dst()));
            }
            Layer::Ip(v) => {
                self.other |= self.ip.is_some();
                self.ip = Some((at, IpAddrs::V4(v.src(), v.dst())));
            }
            Layer::Ipv6(v) => {
                self.other |= self.ip.is_some();
                self.ip = Some((at, IpAddrs::V6(v.src(), v.dst())));
            }
            Layer::Tcp(v) => {
                self.other |= self.transport.is_some() || self.ip.is_none();
                self.transport = Some((at, v.src_port(), v.dst_port(), false));
            }
            Layer::Udp(v) => {
                self.other |= self.transport.is_some() || self.ip.is_none();
                self.transport = Some((at, v.src_port(), v.dst_port(), true));
            }
            _ => {}
        }
    }

    #[inline]
    fn frame(&self) -> Option<CommonFrame> {
        if self.other {
            return None;
        }
        let (ip_at, ip) = self.ip?;
        let (tr_at, sp, dp, udp) = self.transport?;
        let (eth_at, mac) = match self.eth {
            Some((at, s, d)) => (at, Some((s, d))),
            None => (0, None),
        };
        let at = [eth_at, ip_at, tr_at];
        Some(match ip {
            IpAddrs::V4(s, d) => CommonFrame::V4(fine::Frame {
                mac,
                src: (s, sp),
                dst: (d, dp),
                udp,
                at,
            }),
            IpAddrs::V6(s, d) => CommonFrame::V6(fine::Frame {
                mac,
                src: (s, sp),
                dst: (d, dp),
                udp,
                at,
            }),
            IpAddrs::None => return None,
        })
    }
}

/// The addresses of the IP layer a transport header rides on.
#[derive(Clone, Copy, Default)]
enum IpAddrs {
    #[default]
    None,
    V4(V4, V4),
    V6(V6, V6),
}

/// Statistics of a capture, or of one worker's share of it.
pub struct Stats {
    opts: StatsOptions,
    summary: summary::Summary,
    phs: phs::Phs,
    /// Frames of the common stack, by whole tuple (see [`fine`]).
    tuples4: fine::Tuples<V4>,
    tuples6: fine::Tuples<V6>,
    /// Frames of every other shape, per layer.
    tables: Tables,
    io: io::Io,
}

/// The order key of a layer at position `at` of frame `number`: frames in
/// file order, then layers outer first.
#[inline]
pub(crate) fn order_frame(number: u64) -> u64 {
    number.min(MAX_ORDER_FRAME) << 6
}

/// Frame numbers above this share an order key (2^54 frames is beyond any
/// file).
const MAX_ORDER_FRAME: u64 = (1 << 54) - 1;

impl Stats {
    pub fn new(opts: StatsOptions) -> Self {
        Stats {
            opts,
            summary: summary::Summary::default(),
            phs: phs::Phs::default(),
            tuples4: fine::Tuples::new(opts.max_conversations),
            tuples6: fine::Tuples::new(opts.max_conversations),
            tables: Tables::new(opts.max_conversations),
            io: io::Io::new(opts.interval),
        }
    }

    pub fn options(&self) -> &StatsOptions {
        &self.opts
    }

    /// Count one dissected frame.
    #[inline]
    pub fn add(&mut self, d: &Dissection) {
        let Some(f) = d.frame() else { return };
        let m = &f.meta;
        let len = u64::from(m.len);
        let rel = m
            .rel_secs
            .saturating_mul(1_000_000_000)
            .saturating_add(i64::from(m.rel_nanos));
        let want = self.opts.sections;
        if want.summary {
            self.summary.add(m);
        }
        if want.io {
            self.io.add(rel, len);
        }
        let tables = want.tables();
        if !want.phs && !tables {
            return;
        }
        let mut node = Some(phs::Phs::ROOT).filter(|_| want.phs);
        // The common stack, found on the way: [Ethernet] IP TCP|UDP, one
        // of each.
        let mut common = Common::default();
        for (i, e) in d.layers.iter().enumerate().skip(1) {
            if e.quoted {
                continue;
            }
            if let Some(at) = node {
                let p = e.layer.proto();
                if phs::Phs::counts_layer(p) {
                    match self.phs.step(at, p, m.number) {
                        Some(next) => node = Some(next),
                        None => {
                            // Out of nodes: the frame ends where it got to.
                            self.phs.note_truncated();
                            self.phs.end(at, len);
                            node = None;
                        }
                    }
                }
            }
            if tables {
                common.see(i, &e.layer);
            }
        }
        if let Some(at) = node {
            self.phs.end(at, len);
        }
        if !tables {
            return;
        }
        let counted = match common.frame() {
            Some(CommonFrame::V4(f)) => self.tuples4.add(&f, len, rel, m.number),
            Some(CommonFrame::V6(f)) => self.tuples6.add(&f, len, rel, m.number),
            None => false,
        };
        if !counted {
            self.add_per_layer(d, len, rel, m.number);
        }
    }

    /// Count a frame in each layer's table.
    fn add_per_layer(&mut self, d: &Dissection, len: u64, rel: i64, number: u64) {
        let frame_key = order_frame(number);
        let mut ip = IpAddrs::None;
        for (i, e) in d.layers.iter().enumerate().skip(1) {
            if e.quoted {
                continue;
            }
            let order = frame_key | i as u64;
            let t = &mut self.tables;
            match &e.layer {
                Layer::Eth(v) => t.eth.add(v.src(), v.dst(), len, rel, order),
                Layer::Ip(v) => {
                    let (s, d) = (v.src(), v.dst());
                    t.ip.add(s, d, len, rel, order);
                    ip = IpAddrs::V4(s, d);
                }
                Layer::Ipv6(v) => {
                    let (s, d) = (v.src(), v.dst());
                    t.ipv6.add(s, d, len, rel, order);
                    ip = IpAddrs::V6(s, d);
                }
                Layer::Tcp(v) => match ip {
                    IpAddrs::V4(s, d) => {
                        t.tcp4
                            .add((s, v.src_port()), (d, v.dst_port()), len, rel, order)
                    }
                    IpAddrs::V6(s, d) => {
                        t.tcp6
                            .add((s, v.src_port()), (d, v.dst_port()), len, rel, order)
                    }
                    IpAddrs::None => {}
                },
                Layer::Udp(v) => match ip {
                    IpAddrs::V4(s, d) => {
                        t.udp4
                            .add((s, v.src_port()), (d, v.dst_port()), len, rel, order)
                    }
                    IpAddrs::V6(s, d) => {
                        t.udp6
                            .add((s, v.src_port()), (d, v.dst_port()), len, rel, order)
                    }
                    IpAddrs::None => {}
                },
                _ => {}
            }
        }
    }

    /// Count the tuples' frames in the layer tables and drop the tuples.
    /// A worker does this at the end of its share, so that workers roll up
    /// at once and the report only merges layer tables.
    pub fn roll_up(&mut self) {
        let cap = self.opts.max_conversations;
        let t4 = std::mem::replace(&mut self.tuples4, fine::Tuples::new(cap));
        t4.roll_up(&mut self.tables);
        drop(t4);
        let t6 = std::mem::replace(&mut self.tuples6, fine::Tuples::new(cap));
        t6.roll_up(&mut self.tables);
    }

    /// Fold another worker's statistics (made with the same options) into
    /// these.
    pub fn merge(&mut self, mut other: Stats) {
        self.summary.merge(&other.summary);
        self.phs.merge(&other.phs);
        self.io.merge(&other.io);
        self.roll_up();
        other.roll_up();
        self.tables.merge(other.tables);
    }

    /// The report of the sections chosen.
    pub fn report(&mut self) -> Report {
        let want = self.opts.sections;
        let top = self.opts.top;
        let mut r = Report {
            summary: want.summary.then(|| self.summary.report()),
            phs: want.phs.then(|| PhsReport {
                nodes: self.phs.report(),
                truncated_frames: self.phs.truncated,
            }),
            conversations: None,
            endpoints: None,
            talkers: None,
            io: want.io.then(|| self.io.report()),
        };
        if !want.tables() {
            return r;
        }
        self.roll_up();
        let t = &self.tables;
        let other = |a: &[&table::Other]| Unattributed {
            frames: a.iter().map(|o| o.frames).sum(),
            bytes: a.iter().map(|o| o.bytes).sum(),
        };
        let o_eth = other(&[&t.eth.table.other]);
        let o_ip = other(&[&t.ip.table.other]);
        let o_ipv6 = other(&[&t.ipv6.table.other]);
        let o_tcp = other(&[&t.tcp4.table.other, &t.tcp6.table.other]);
        let o_udp = other(&[&t.udp4.table.other, &t.udp6.table.other]);
        // UDP's tables are made on a thread of their own while this one
        // makes the others (see `Tables::merge`). Only the rows shown are
        // sorted (all with --top 0).
        std::thread::scope(|s| {
            let udp = s.spawn(|| {
                let mut udp = both(conv::listed(&t.udp4), conv::listed(&t.udp6));
                conv::sort_top(&mut udp, top, conv::order);
                let c = want.conv.then(|| conv_table(Kind::Udp, &udp, top, o_udp));
                let e = want
                    .endpoints
                    .then(|| endpoint_table(Kind::Udp, &fold(&udp), top, o_udp));
                (c, e)
            });
            let mut eth = conv::listed(&t.eth);
            let mut ip = conv::listed(&t.ip);
            let mut ipv6 = conv::listed(&t.ipv6);
            let mut tcp = both(conv::listed(&t.tcp4), conv::listed(&t.tcp6));
            conv::sort_top(&mut eth, top, conv::order);
            conv::sort_top(&mut ip, top, conv::order);
            conv::sort_top(&mut ipv6, top, conv::order);
            conv::sort_top(&mut tcp, top, conv::order);
            if want.conv {
                r.conversations = Some(vec![
                    conv_table(Kind::Eth, &eth, top, o_eth),
                    conv_table(Kind::Ip, &ip, top, o_ip),
                    conv_table(Kind::Ipv6, &ipv6, top, o_ipv6),
                    conv_table(Kind::Tcp, &tcp, top, o_tcp),
                ]);
            }
            // IP endpoints make the talkers too.
            if want.endpoints || want.talkers {
                let (ip_ep, ipv6_ep) = (fold(&ip), fold(&ipv6));
                if want.endpoints {
                    r.endpoints = Some(vec![
                        endpoint_table(Kind::Eth, &fold(&eth), top, o_eth),
                        endpoint_table(Kind::Ip, &ip_ep, top, o_ip),
                        endpoint_table(Kind::Ipv6, &ipv6_ep, top, o_ipv6),
                        endpoint_table(Kind::Tcp, &fold(&tcp), top, o_tcp),
                    ]);
                }
                if want.talkers {
                    r.talkers = Some(talkers(&ip_ep, &ipv6_ep, top, o_ip, o_ipv6));
                }
            }
            let (udp_conv, udp_ep) = udp.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            if let Some(v) = r.conversations.as_mut() {
                v.extend(udp_conv);
            }
            if let Some(v) = r.endpoints.as_mut() {
                v.extend(udp_ep);
            }
        });
        r
    }
}

/// A conversation of either IP version, for the tables that show both
/// (TCP, UDP) and for endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Addr {
    Mac(Mac),
    V4(V4),
    V6(V6),
    Sock4(Sock4),
    Sock6(Sock6),
}

impl Addr {
    fn text(&self) -> (String, Option<u16>) {
        let mut s = String::new();
        let port = match *self {
            Addr::Mac(m) => {
                write_mac(&mut s, m);
                None
            }
            Addr::V4(a) => {
                write_ipv4(&mut s, a);
                None
            }
            Addr::V6(a) => {
                write_ipv6(&mut s, &a);
                None
            }
            Addr::Sock4((a, p)) => {
                write_ipv4(&mut s, a);
                Some(p)
            }
            Addr::Sock6((a, p)) => {
                write_ipv6(&mut s, &a);
                Some(p)
            }
        };
        (s, port)
    }
}

trait IntoAddr: Endpoint {
    fn addr(self) -> Addr;
}
impl IntoAddr for Addr {
    fn addr(self) -> Addr {
        self
    }
}
impl IntoAddr for Mac {
    fn addr(self) -> Addr {
        Addr::Mac(self)
    }
}
impl IntoAddr for V4 {
    fn addr(self) -> Addr {
        Addr::V4(self)
    }
}
impl IntoAddr for V6 {
    fn addr(self) -> Addr {
        Addr::V6(self)
    }
}
impl IntoAddr for Sock4 {
    fn addr(self) -> Addr {
        Addr::Sock4(self)
    }
}
impl IntoAddr for Sock6 {
    fn addr(self) -> Addr {
        Addr::Sock6(self)
    }
}

fn to_addr<E: IntoAddr>(v: Vec<Oriented<E>>) -> Vec<Oriented<Addr>> {
    v.into_iter()
        .map(|c| Oriented {
            a: c.a.addr(),
            b: c.b.addr(),
            a_to_b: c.a_to_b,
            b_to_a: c.b_to_a,
            start: c.start,
            stop: c.stop,
            first: c.first,
        })
        .collect()
}

/// The conversations over IPv4 and over IPv6 as one list.
fn both<A: IntoAddr, B: IntoAddr>(a: Vec<Oriented<A>>, b: Vec<Oriented<B>>) -> Vec<Oriented<Addr>> {
    let mut v = to_addr(a);
    v.extend(to_addr(b));
    v
}

fn fold<E: IntoAddr>(
    convs: &[Oriented<E>],
) -> HashMap<Addr, endpoints::EndpointCounts, RandomState> {
    let mut m = HashMap::with_hasher(RandomState::default());
    endpoints::fold(convs, |e| e.addr(), &mut m);
    m
}

/// Which layer a table is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Eth,
    Ip,
    Ipv6,
    Tcp,
    Udp,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Eth => "eth",
            Kind::Ip => "ip",
            Kind::Ipv6 => "ipv6",
            Kind::Tcp => "tcp",
            Kind::Udp => "udp",
        }
    }

    /// tshark's title of the table.
    fn title(self) -> &'static str {
        match self {
            Kind::Eth => "Ethernet",
            Kind::Ip => "IPv4",
            Kind::Ipv6 => "IPv6",
            Kind::Tcp => "TCP",
            Kind::Udp => "UDP",
        }
    }

    fn ports(self) -> bool {
        matches!(self, Kind::Tcp | Kind::Udp)
    }
}

fn take(n: usize, top: usize) -> usize {
    if top == 0 {
        n
    } else {
        n.min(top)
    }
}

fn seconds(ns: i64) -> f64 {
    ns as f64 / 1e9
}

fn conv_table<E: IntoAddr>(
    kind: Kind,
    v: &[Oriented<E>],
    top: usize,
    other: Unattributed,
) -> ConvTable {
    let rows = v[..take(v.len(), top)]
        .iter()
        .map(|c| {
            let (a, port_a) = c.a.addr().text();
            let (b, port_b) = c.b.addr().text();
            ConvRow {
                a,
                port_a,
                b,
                port_b,
                frames_a_to_b: c.a_to_b.0,
                bytes_a_to_b: c.a_to_b.1,
                frames_b_to_a: c.b_to_a.0,
                bytes_b_to_a: c.b_to_a.1,
                frames: c.frames(),
                bytes: c.a_to_b.1.saturating_add(c.b_to_a.1),
                rel_start: seconds(c.start),
                duration: seconds(c.stop.saturating_sub(c.start)),
            }
        })
        .collect();
    ConvTable {
        kind: kind.name(),
        title: kind.title(),
        ports: kind.ports(),
        total: v.len(),
        rows,
        unattributed: other,
    }
}

fn endpoint_table(
    kind: Kind,
    m: &HashMap<Addr, endpoints::EndpointCounts, RandomState>,
    top: usize,
    other: Unattributed,
) -> EndpointTable {
    let v = endpoints::sorted(m, top);
    let rows = v[..take(v.len(), top)]
        .iter()
        .map(|(k, c)| {
            let (address, port) = k.text();
            EndpointRow {
                address,
                port,
                frames: c.frames(),
                bytes: c.bytes(),
                tx_frames: c.tx_frames,
                tx_bytes: c.tx_bytes,
                rx_frames: c.rx_frames,
                rx_bytes: c.rx_bytes,
            }
        })
        .collect();
    EndpointTable {
        kind: kind.name(),
        title: kind.title(),
        ports: kind.ports(),
        total: v.len(),
        rows,
        unattributed: other,
    }
}

/// IP hosts by bytes sent and received, IPv4 and IPv6 together.
fn talkers(
    ip: &HashMap<Addr, endpoints::EndpointCounts, RandomState>,
    ipv6: &HashMap<Addr, endpoints::EndpointCounts, RandomState>,
    top: usize,
    o4: Unattributed,
    o6: Unattributed,
) -> TalkersTable {
    let mut v: Vec<(Addr, endpoints::EndpointCounts)> = ip
        .iter()
        .chain(ipv6.iter())
        .map(|(k, c)| (*k, *c))
        .collect();
    conv::sort_top(&mut v, top, |x, y| {
        y.1.bytes()
            .cmp(&x.1.bytes())
            .then(x.1.first.cmp(&y.1.first))
    });
    // Each frame between two IP hosts counts for both: shares are of the
    // bytes of all IP conversations, so a host that is in all of them has
    // 100 %.
    let total: u64 = v.iter().map(|(_, c)| c.tx_bytes).sum();
    let rows = v[..take(v.len(), top)]
        .iter()
        .map(|(k, c)| TalkerRow {
            address: k.text().0,
            frames: c.frames(),
            bytes: c.bytes(),
            tx_bytes: c.tx_bytes,
            rx_bytes: c.rx_bytes,
            share: if total > 0 {
                c.bytes() as f64 * 100.0 / total as f64
            } else {
                0.0
            },
        })
        .collect();
    TalkersTable {
        total: v.len(),
        ip_bytes: total,
        rows,
        unattributed: Unattributed {
            frames: o4.frames.saturating_add(o6.frames),
            bytes: o4.bytes.saturating_add(o6.bytes),
        },
    }
}

/// The whole report; a section not asked for is absent.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<SummaryReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phs: Option<PhsReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversations: Option<Vec<ConvTable>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<EndpointTable>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub talkers: Option<TalkersTable>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub io: Option<IoReport>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhsReport {
    pub nodes: Vec<PhsNode>,
    /// Frames whose stack went past the node cap (counted only down to it).
    pub truncated_frames: u64,
}

/// Frames and bytes of conversations a full table did not keep.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Unattributed {
    pub frames: u64,
    pub bytes: u64,
}

/// One conversation: A is the source of its first frame.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConvRow {
    pub a: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_a: Option<u16>,
    pub b: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_b: Option<u16>,
    /// tshark's `->` columns.
    pub frames_a_to_b: u64,
    pub bytes_a_to_b: u64,
    /// tshark's `<-` columns.
    pub frames_b_to_a: u64,
    pub bytes_b_to_a: u64,
    pub frames: u64,
    pub bytes: u64,
    /// Seconds from the first frame of the capture to the conversation's
    /// earliest frame.
    pub rel_start: f64,
    /// Seconds from its earliest frame to its latest.
    pub duration: f64,
}

/// The conversations of one layer, most frames first (ties: first seen
/// first), at most `--top` rows of `total`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConvTable {
    /// `eth`, `ip`, `ipv6`, `tcp`, `udp`.
    pub kind: &'static str,
    /// tshark's title (`Ethernet`, `IPv4`, …).
    pub title: &'static str,
    /// Rows have ports.
    pub ports: bool,
    pub total: usize,
    pub rows: Vec<ConvRow>,
    pub unattributed: Unattributed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EndpointRow {
    pub address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    pub frames: u64,
    pub bytes: u64,
    pub tx_frames: u64,
    pub tx_bytes: u64,
    pub rx_frames: u64,
    pub rx_bytes: u64,
}

/// The endpoints of one layer, most frames first (ties: first seen first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EndpointTable {
    pub kind: &'static str,
    pub title: &'static str,
    pub ports: bool,
    pub total: usize,
    pub rows: Vec<EndpointRow>,
    /// Frames of conversations the table did not keep, not attributed to
    /// any endpoint.
    pub unattributed: Unattributed,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TalkerRow {
    pub address: String,
    pub frames: u64,
    pub bytes: u64,
    pub tx_bytes: u64,
    pub rx_bytes: u64,
    /// Percent of all IP bytes this host sent or received.
    pub share: f64,
}

/// IP hosts (v4 and v6) by bytes sent and received.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TalkersTable {
    pub total: usize,
    /// Bytes of all IP frames (each counted once).
    pub ip_bytes: u64,
    pub rows: Vec<TalkerRow>,
    pub unattributed: Unattributed,
}

#[cfg(test)]
mod tests;
