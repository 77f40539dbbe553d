//! The application logs' side of a pass over a capture: the application
//! messages each frame's dissection holds (DNS, DHCP, HTTP, TLS, QUIC, SMTP,
//! FTP, MQTT) go to the
//! analyzer of their log, which pairs them into transactions (a query and
//! its reply, a DHCP exchange, a request and its response, a handshake)
//! and writes a record when a transaction ends. Every record names its
//! connection by the uid conn.log gives it, and what the analyzers confirm
//! becomes the connection's `service` in conn.log.
//!
//! Driving it, per frame: [`AppLogs::collect`] while the dissection lives
//! (it keeps owned copies of what the logs need, since the dissection
//! borrows the dissector), then [`AppLogs::frame`] once the flow engine has
//! followed the frame (conversations that ended first — their pending
//! records, then their conn record — then this frame's messages). At the
//! end, [`AppLogs::finish`].

use super::weird::{self, Weird};
use super::{
    conn, dhcp, dns, files, ftp, http, mqtt, quic, smtp, ssh, ssl, websocket, x509, Schema, Sink,
};
use crate::dissect::{BadIpv4, Dissection};
use crate::flow::history::TCP_WEIRDS;
use crate::flow::key::{self, transport, FlowKey, Transport};
use crate::flow::{Ended, FlowEngine, StreamProto};
use arrayvec::ArrayVec;
use std::io;
use std::net::IpAddr;
use wire::Layer;
use wiresift_wire as wire;

/// The maps of the analyzers: a fixed hasher (nothing depends on the
/// iteration order: whatever is written from a map is sorted first).
pub(crate) type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// The connection an analyzer holding at most `max` connections writes out
/// early so that `id` fits: none while `id` is held or there is room, else
/// the one held longest (`since` gives when it was first seen; ties go by
/// id, so the choice does not depend on the map's order).
pub(crate) fn to_evict<V>(
    conns: &Map<ConnId, V>,
    id: ConnId,
    max: usize,
    since: impl Fn(&V) -> i64,
) -> Option<ConnId> {
    if conns.contains_key(&id) || conns.len() < max {
        return None;
    }
    conns
        .iter()
        .min_by_key(|(k, s)| (since(s), **k))
        .map(|(k, _)| *k)
}

/// The connections held, in the order they were numbered (what is still
/// open at the end of a capture is written in this order).
pub(crate) fn ids_in_order<V>(conns: &Map<ConnId, V>) -> Vec<ConnId> {
    let mut ids: Vec<ConnId> = conns.keys().copied().collect();
    ids.sort_unstable();
    ids
}

/// A connection's identity while it is held: its transport, stream number
/// and first frame. The stream number alone names one connection of the
/// capture even after its addresses are reused, with one exception: UDP
/// conversations to an endpoint SDP announced share the number the
/// announcement made (as in tshark). The first frame tells those apart, so
/// no analyzer pairs a query of one with a reply of another. Ordered as
/// the connections were numbered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId {
    pub proto: u8,
    pub stream: u32,
    pub first_frame: u64,
}

impl ConnId {
    pub fn of_ended(e: &Ended) -> ConnId {
        ConnId {
            proto: e.key.proto,
            stream: e.flow.stream,
            first_frame: e.flow.first_frame,
        }
    }
}

/// A connection as the application logs name it: uid and endpoints (as
/// they stood when the message was seen, as Zeek's `c$id` does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnRef {
    pub id: ConnId,
    pub uid: conn::Uid,
    pub orig_h: IpAddr,
    pub orig_p: u16,
    pub resp_h: IpAddr,
    pub resp_p: u16,
    /// "tcp" or "udp".
    pub proto: &'static str,
}

impl ConnRef {
    /// Conversation `key` numbered `stream` (its endpoints `ends`, its
    /// first frame), with its uid: made at the first call and kept with
    /// the conversation.
    pub fn of(
        key: &FlowKey,
        stream: u32,
        ends: &conn::Endpoints,
        first_frame: u64,
        uid: &mut Option<conn::Uid>,
    ) -> ConnRef {
        ConnRef {
            id: ConnId {
                proto: key.proto,
                stream,
                first_frame,
            },
            uid: *uid.get_or_insert_with(|| conn::uid(key, first_frame)),
            orig_h: ends.orig_h,
            orig_p: ends.orig_p,
            resp_h: ends.resp_h,
            resp_p: ends.resp_p,
            proto: ends.proto,
        }
    }

    /// The values every application record starts with: `ts` (when its
    /// message was seen), the uid and the `id.*` fields.
    pub fn head_values(&self, ts_ns: i64) -> [super::Value<'_>; 6] {
        use super::Value;
        [
            Value::Time(ts_ns),
            self.uid.value(),
            Value::Addr(self.orig_h),
            Value::Port(self.orig_p),
            Value::Addr(self.resp_h),
            Value::Port(self.resp_p),
        ]
    }
}

/// Where and when a message was seen.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'c> {
    pub ts_ns: i64,
    pub conn: &'c ConnRef,
    /// Sent by the connection's originator.
    pub from_orig: bool,
}

/// One application message of the current frame, as the logs need it.
/// Held inline, not boxed: the frame's list is reused, and a box was an
/// allocation for each message.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Msg {
    Dns(dns::Msg),
    Dhcp(dhcp::Msg),
    Http(http::Msg),
    Ssl(ssl::Msg),
    Quic(quic::Msg),
    Ftp(ftp::Msg),
    Smtp(smtp::Msg),
    Mqtt(mqtt::Msg),
    Ssh(ssh::Msg),
    /// A protocol without a log of its own: only conn.log's `service`.
    Service(&'static str),
}

/// Which application logs are written (the others' messages are only
/// looked at for conn.log's `service`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Wants {
    pub dns: bool,
    pub dhcp: bool,
    pub http: bool,
    pub ssl: bool,
    /// x509.log: read from the TLS handshakes ssl.log reads.
    pub x509: bool,
    pub smtp: bool,
    /// Any of the three MQTT logs.
    pub mqtt: bool,
    pub ssh: bool,
    pub weird: bool,
    /// files.log: also read from what FTP data connections carry.
    pub files: bool,
    /// ftp.log (whose records name the files of data connections).
    pub ftp: bool,
    /// websocket.log, or the weirds of WebSocket handshakes.
    pub websocket: bool,
}

impl Wants {
    pub fn of(selected: &[&'static Schema]) -> Wants {
        let has = |s: &'static Schema| selected.iter().any(|x| std::ptr::eq(*x, s));
        Wants {
            dns: has(&dns::SCHEMA),
            dhcp: has(&dhcp::SCHEMA),
            // files.log's files are http.log's bodies.
            http: has(&http::SCHEMA) || has(&files::SCHEMA),
            ssl: has(&ssl::SCHEMA),
            x509: has(&x509::SCHEMA),
            // files.log's files are also mails' parts, and weird.log has
            // the weirds of their decoding.
            smtp: has(&smtp::SCHEMA) || has(&files::SCHEMA) || has(&weird::SCHEMA),
            mqtt: has(&mqtt::CONNECT) || has(&mqtt::PUBLISH) || has(&mqtt::SUBSCRIBE),
            ssh: has(&ssh::SCHEMA),
            weird: has(&weird::SCHEMA),
            files: has(&files::SCHEMA),
            ftp: has(&ftp::SCHEMA),
            // weird.log has the weirds of its handshakes.
            websocket: has(&websocket::SCHEMA) || has(&weird::SCHEMA),
        }
    }
}

/// The service Zeek names a UDP connection by when a datagram of it
/// carries `layer`, a tunnel its analyzers read and confirm at once
/// (VXLAN, Geneve, GTPv1; Teredo waits for both directions by default,
/// `Tunnel::delay_teredo_confirmation`, and is not named here).
fn tunnel_service(layer: &Layer<'_>) -> Option<&'static str> {
    match layer {
        Layer::Vxlan(_) => Some("vxlan"),
        Layer::Geneve(_) => Some("geneve"),
        Layer::Gtp(g) if g.version() == 1 => Some("gtpv1"),
        _ => None,
    }
}

/// Stream deliveries of one frame looked at for ssh.log (a frame delivers
/// its own bytes and what it let through of bytes held before it).
const SSH_SEGMENTS: usize = 16;

/// Messages kept for one frame; more are counted and dropped (a frame holds
/// at most [`crate::dissect::MAX_LAYERS`] layers, so this never binds).
const MAX_MSGS: usize = 64;

/// What the application logs counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Application messages seen on a conversation the flow engine does not
    /// hold (no TCP/UDP flow for the frame): not logged.
    pub orphaned: u64,
    /// Messages past [`MAX_MSGS`] in one frame.
    pub dropped: u64,
    /// Frames of tunnelled connections whose parent was not kept:
    /// [`MAX_TUNNELLED`] connections already had theirs.
    pub parents_dropped: u64,
}

/// Connections held with the tunnels that carried them, at most; past
/// that a new one's parent is counted ([`Stats::parents_dropped`]), not
/// kept.
pub const MAX_TUNNELLED: usize = 100_000;

/// Parents kept per tunnelled connection (Zeek's set of them grows when a
/// connection moves from one tunnel to another).
const MAX_PARENTS: usize = 4;

/// Conversations ended at a time when the capture is over.
const FINISH_BATCH: usize = 4096;

/// The application analyzers of one pass.
pub struct AppLogs {
    wants: Wants,
    msgs: Vec<Msg>,
    ts_ns: i64,
    /// Counts the frames collected: tells one frame from the next.
    frame: u64,
    /// Conversations whose streams the logs need no more.
    stopped: Vec<FlowKey>,
    /// TCP conversations that ended (slot in the flow table and stream
    /// number).
    closed: Vec<(u32, u32)>,
    /// The frame was cut at an IPv4 header with a bad checksum.
    bad_ipv4: Option<BadIpv4>,
    /// The frame's UDP conversations that carry a tunnel, with the
    /// tunnel's service ([`tunnel_service`]).
    tunnels: ArrayVec<(FlowKey, &'static str), { key::MAX_PER_FRAME }>,
    /// The frame's conversations carried right inside one of those, with
    /// it: (child, parent).
    nested: ArrayVec<(FlowKey, FlowKey), { key::MAX_PER_FRAME }>,
    /// conn.log's `tunnel_parents` of the connections held: the uids of
    /// the tunnel connections that carried them.
    parents: Map<ConnId, ArrayVec<conn::Uid, MAX_PARENTS>>,
    pub dns: dns::Tracker,
    pub dhcp: dhcp::Tracker,
    pub http: http::Tracker,
    pub ssl: ssl::Tracker,
    pub quic: quic::Tracker,
    pub ftp: ftp::Tracker,
    /// files.log's files of FTP data connections.
    pub ftp_files: files::DataConns,
    pub smtp: smtp::Tracker,
    pub mqtt: mqtt::Tracker,
    pub ssh: ssh::Tracker,
    pub websocket: websocket::Tracker,
    pub stats: Stats,
}

impl AppLogs {
    pub fn new(wants: Wants) -> Self {
        AppLogs {
            wants,
            msgs: Vec::new(),
            ts_ns: 0,
            frame: 0,
            stopped: Vec::new(),
            closed: Vec::new(),
            bad_ipv4: None,
            tunnels: ArrayVec::new(),
            nested: ArrayVec::new(),
            parents: Map::default(),
            dns: dns::Tracker::default(),
            dhcp: dhcp::Tracker::default(),
            http: http::Tracker::default(),
            ssl: ssl::Tracker::default(),
            quic: quic::Tracker::default(),
            ftp: ftp::Tracker::default(),
            ftp_files: files::DataConns::default(),
            smtp: smtp::Tracker::default(),
            mqtt: mqtt::Tracker::default(),
            ssh: ssh::Tracker::default(),
            websocket: websocket::Tracker::default(),
            stats: Stats::default(),
        }
    }

    /// Take this frame's application messages from its dissection: the
    /// layers above its innermost conversation's transport (TCP or UDP
    /// outside ICMP quotes) — single datagrams, segments' whole messages, or
    /// messages reassembled from the stream. `innermost` is that
    /// conversation's transport as the flow engine found it
    /// ([`FlowEngine::innermost_transport`]: the one it reports as current,
    /// since it follows them outermost first).
    pub fn collect(&mut self, d: &Dissection<'_>, innermost: Option<Transport>, ts_ns: i64) {
        self.msgs.clear();
        self.ts_ns = ts_ns;
        self.frame = self.frame.wrapping_add(1);
        self.bad_ipv4 = d.bad_ipv4;
        self.tunnels.clear();
        self.nested.clear();
        if d.layers.iter().any(|e| tunnel_service(&e.layer).is_some()) {
            self.tunnels_of(d);
        }
        let from = match innermost {
            Some(Transport::Tcp(i) | Transport::Udp(i)) => i,
            _ => return,
        };
        // Zeek drops a datagram with a bad checksum before any analyzer
        // reads it (the flow engine does not reassemble such a TCP
        // segment: nothing of it reaches the layers).
        if let Some(Layer::Udp(u)) = d.layers.get(from).map(|e| &e.layer) {
            if crate::flow::bad_checksum(u.checksum_status()) {
                return;
            }
        }
        // Whether the layer before was SMTP: IMF after it is the mail of a
        // DATA; after IMAP it is a fetched mail, which smtp.log leaves out.
        // (And of the SMTP layer that ended a mail: whether the line before
        // its `.` was empty.)
        let mut after_smtp = None;
        for e in d.layers.iter().skip(from.saturating_add(1)) {
            if e.quoted {
                continue;
            }
            let this_smtp = match &e.layer {
                Layer::Smtp(v) => Some(self.wants.smtp && v.eom_after_blank_line()),
                _ => None,
            };
            let smtp_before = std::mem::replace(&mut after_smtp, this_smtp);
            let m = match &e.layer {
                Layer::Dns(v) | Layer::Mdns(v) | Layer::Llmnr(v) => {
                    Msg::Dns(dns::Msg::read(v, self.wants.dns))
                }
                Layer::Dhcp(v) => match dhcp::Msg::read(v) {
                    Some(m) => Msg::Dhcp(m),
                    None => continue,
                },
                Layer::Http(v) => {
                    let build = self.wants.http || self.wants.websocket;
                    Msg::Http(http::Msg::read(v, build, ts_ns))
                }
                // The service needs no reading: a TLS layer is confirmed
                // TLS (its records parsed).
                Layer::Tls(v) if self.wants.ssl || self.wants.x509 => {
                    Msg::Ssl(ssl::Msg::read(v, self.wants.x509, &mut self.ssl.certs))
                }
                Layer::Tls(_) => Msg::Service("ssl"),
                // Always read: as Zeek names the service once its analyzer
                // confirms the protocol, a hello (whole, perhaps put
                // together from fragments) confirms DTLS.
                Layer::Dtls(v) => {
                    Msg::Ssl(ssl::Msg::read_dtls(v, self.wants.x509, &mut self.ssl.certs))
                }
                // Always read: the ClientHello confirms the service.
                Layer::Quic(v) => match quic::Msg::read(v) {
                    Some(m) => Msg::Quic(m),
                    None => continue,
                },
                Layer::Ssh(v) if self.wants.ssh => Msg::Ssh(ssh::Msg::read(v)),
                Layer::Ssh(_) => Msg::Service("ssh"),
                Layer::Smtp(v) if self.wants.smtp => match smtp::Msg::read(v) {
                    Some(m) => Msg::Smtp(m),
                    None => Msg::Service("smtp"),
                },
                Layer::Smtp(_) => Msg::Service("smtp"),
                // The mail of an SMTP DATA, on the frame of its `.` line.
                Layer::Imf(v) if self.wants.smtp && smtp_before.is_some() => Msg::Smtp(
                    smtp::Msg::Mail(Box::new(smtp::Mail::read(v, smtp_before == Some(true)))),
                ),
                Layer::Mqtt(v) if self.wants.mqtt => match mqtt::Msg::read(v) {
                    Some(m) => Msg::Mqtt(m),
                    None => Msg::Service("mqtt"),
                },
                Layer::Mqtt(_) => Msg::Service("mqtt"),
                Layer::Ftp(v) => match ftp::Msg::read(v) {
                    Some(m) => Msg::Ftp(m),
                    None => Msg::Service("ftp"),
                },
                Layer::Pop(_) => Msg::Service("pop3"),
                Layer::Imap(_) => Msg::Service("imap"),
                _ => continue,
            };
            if self.msgs.len() < MAX_MSGS {
                self.msgs.push(m);
            } else {
                self.stats.dropped += 1;
            }
        }
    }

    /// Up to this time (included), a frame without messages ends nothing
    /// here but what the flow engine ends ([`FlowEngine::quiet_through`]).
    pub fn quiet_through(&self) -> i64 {
        self.dhcp.quiet_through()
    }

    /// After the flow engine followed the frame: write what the
    /// conversations that ended leave (pending application records, then
    /// their conn record), then take this frame's messages.
    pub fn frame(&mut self, flows: &mut FlowEngine, sink: &mut dyn Sink) -> io::Result<()> {
        let now = self.ts_ns;
        // Timers first, as Zeek runs those due before the packet's events.
        // Each is asked here whether it has anything to do: most frames end
        // nothing, and the calls cost more than the questions.
        if flows.has_ended() {
            self.ended(flows, sink)?;
        }
        if now > self.dhcp.quiet_through() {
            self.dhcp.tick(now, sink)?;
        }
        if self.ftp.expecting() {
            self.ftp_data(flows);
        }
        if self.wants.weird {
            self.weirds(flows, sink)?;
        }
        if !self.tunnels.is_empty() {
            self.tunnel_services(flows);
            self.tunnel_parents(flows);
        }
        if self.ssl.any() {
            self.ssl_gaps(flows);
        }
        if !self.msgs.is_empty() {
            self.messages(flows, sink)?;
        }
        if self.ssh.is_live() {
            self.ssh_segments(flows, sink)?;
        }
        Ok(())
    }

    /// The UDP conversations of `d` whose datagram carries a tunnel Zeek
    /// reads (and whose checksum is good: Zeek reads no further then), and
    /// the conversations right inside each.
    fn tunnels_of(&mut self, d: &Dissection<'_>) {
        let mut found = ArrayVec::new();
        key::all(d, &mut found);
        let at = |i: usize| d.layers.get(i).map(|e| &e.layer);
        // The tunnels' UDP layers, outermost first.
        let mut carriers: ArrayVec<(usize, FlowKey), { key::MAX_PER_FRAME }> = ArrayVec::new();
        for c in found.iter().filter(|c| !c.quoted) {
            let Transport::Udp(i) = c.transport else {
                continue;
            };
            let (Some(Layer::Udp(u)), Some(next)) = (at(i), at(i.saturating_add(1))) else {
                continue;
            };
            if let (false, Some(s)) = (
                crate::flow::bad_checksum(u.checksum_status()),
                tunnel_service(next),
            ) {
                let _ = self.tunnels.try_push((c.key, s));
                let _ = carriers.try_push((i, c.key));
            }
        }
        // A conversation's parent is the innermost tunnel before its
        // transport layer (an ICMP one is the frame's last) with one IP
        // header between them: with more, a tunnel of another kind (IP in
        // IP, GRE) is its parent, which conn.log does not list.
        for c in found.iter().filter(|c| !c.quoted) {
            let pos = match c.transport {
                Transport::Tcp(i) | Transport::Udp(i) => i,
                Transport::Icmp { .. } => d.layers.len(),
            };
            let Some(&(i, parent)) = carriers.iter().rev().find(|(i, _)| *i < pos) else {
                continue;
            };
            let ips = d
                .layers
                .get(i.saturating_add(1)..pos)
                .unwrap_or_default()
                .iter()
                .filter(|e| !e.quoted && matches!(e.layer, Layer::Ip(_) | Layer::Ipv6(_)))
                .count();
            if ips == 1 {
                let _ = self.nested.try_push((c.key, parent));
            }
        }
    }

    /// The tunnel parents of the frame's conversations, kept for their
    /// conn.log records (Zeek adds the innermost tunnel's uid, as each
    /// packet comes, to the connection's `tunnel_parents`).
    fn tunnel_parents(&mut self, flows: &FlowEngine) {
        for &(child, parent) in &self.nested {
            let (Some(c), Some(p)) = (flows.flow(&child), flows.flow(&parent)) else {
                continue;
            };
            let id = ConnId {
                proto: child.proto,
                stream: c.stream,
                first_frame: c.first_frame,
            };
            if self.parents.len() >= MAX_TUNNELLED && !self.parents.contains_key(&id) {
                self.stats.parents_dropped += 1;
                continue;
            }
            let uid = conn::uid(&parent, p.first_frame);
            let list = self.parents.entry(id).or_default();
            if !list.contains(&uid) {
                let _ = list.try_push(uid);
            }
        }
    }

    /// The services of the frame's tunnels, on the conversations that
    /// carry them (Zeek's tunnel analyzers confirm themselves, which
    /// names the outer connection's service).
    fn tunnel_services(&mut self, flows: &mut FlowEngine) {
        for i in 0..flows.conversations().len() {
            let Some(cur) = flows.conversations().get(i).copied() else {
                break;
            };
            let Some(&(_, s)) = self.tunnels.iter().find(|(k, _)| *k == cur.key) else {
                continue;
            };
            if let Some(flow) = flows.flow_mut(&cur) {
                flow.history.service.add(s);
            }
        }
    }

    /// The TLS connections whose bytes went missing in the frame: Zeek's
    /// SSL analyzer reads nothing of them after a gap in either direction.
    fn ssl_gaps(&mut self, flows: &FlowEngine) {
        for dl in flows.delivered() {
            if dl.gap_before == 0 || dl.proto != StreamProto::Tcp {
                continue;
            }
            if let Some(f) = flows.flow(&dl.key) {
                self.ssl.gap(ConnId {
                    proto: dl.key.proto,
                    stream: dl.stream,
                    first_frame: f.first_frame,
                });
            }
        }
    }

    /// The frame's weirds: its IPv4 header's bad checksum; each of its
    /// conversations' whose segment, datagram or ICMP message had a bad
    /// checksum, or whose TCP segment Zeek's TCP analyzer finds weird.
    fn weirds(&mut self, flows: &mut FlowEngine, sink: &mut dyn Sink) -> io::Result<()> {
        if let Some(bad) = self.bad_ipv4.take() {
            super::emit(&Weird::bad_ip_checksum(self.ts_ns, &bad), sink)?;
        }
        if let Some((key, flow)) = flows.corrupt_icmp_mut() {
            let ends = conn::endpoints(&key, flow);
            let c = ConnRef::of(
                &key,
                flow.stream,
                &ends,
                flow.first_frame,
                &mut flow.history.uid,
            );
            super::emit(&Weird::bad_checksum(self.ts_ns, &c), sink)?;
        }
        for i in 0..flows.conversations().len() {
            let Some(cur) = flows.conversations().get(i).copied() else {
                break;
            };
            if !cur.corrupt && cur.tcp_weirds == 0 {
                continue;
            }
            let Some(flow) = flows.flow_mut(&cur) else {
                continue;
            };
            let ends = conn::endpoints(&cur.key, flow);
            let c = ConnRef::of(
                &cur.key,
                cur.stream,
                &ends,
                flow.first_frame,
                &mut flow.history.uid,
            );
            if cur.corrupt {
                super::emit(&Weird::bad_checksum(self.ts_ns, &c), sink)?;
            }
            for (i, name) in TCP_WEIRDS.iter().enumerate() {
                if cur.tcp_weirds & 1 << i != 0 {
                    super::emit(&Weird::of_conn(self.ts_ns, &c, name, "TCP"), sink)?;
                }
            }
        }
        Ok(())
    }

    /// The current frame's stream bytes, for an SSH connection whose
    /// authentication outcome ssh.log still waits for (the sizes of its
    /// encrypted segments tell it).
    fn ssh_segments(&mut self, flows: &mut FlowEngine, sink: &mut dyn Sink) -> io::Result<()> {
        let Some(cur) = flows.current().copied() else {
            return Ok(());
        };
        if cur.proto != StreamProto::Tcp {
            return Ok(());
        }
        let Some(first_frame) = flows.current_flow_mut().map(|f| f.first_frame) else {
            return Ok(());
        };
        let id = ConnId {
            proto: transport::TCP,
            stream: cur.stream,
            first_frame,
        };
        if self.ssh.following(id) {
            let mut segs: ArrayVec<ssh::Segment, SSH_SEGMENTS> = ArrayVec::new();
            for dl in flows.delivered() {
                if dl.proto == StreamProto::Tcp && dl.stream == cur.stream && dl.key == cur.key {
                    let seg = ssh::Segment {
                        from_orig: dl.from_orig,
                        len: dl.byte_len(),
                        gap: dl.gap_before > 0,
                    };
                    if segs.try_push(seg).is_err() {
                        break;
                    }
                }
            }
            self.ssh.segments(id, self.frame, &segs, sink)?;
        }
        if self.ssh.take_stop(id) {
            self.stopped.push(cur.key);
        }
        Ok(())
    }

    /// The capture ended: end every conversation, then write everything
    /// still pending.
    pub fn finish(&mut self, flows: &mut FlowEngine, sink: &mut dyn Sink) -> io::Result<()> {
        self.msgs.clear();
        // A batch at a time: the records of what ended are written before
        // the next batch ends, not all held at once.
        while flows.finish_some(FINISH_BATCH) {
            self.ended(flows, sink)?;
        }
        self.ended(flows, sink)?;
        self.dns.finish(sink)?;
        self.dhcp.finish(sink)?;
        self.http.finish(sink)?;
        self.ssl.finish(sink)?;
        self.quic.finish(sink)?;
        self.ftp.finish(sink)?;
        self.smtp.finish(sink)?;
        self.mqtt.finish(sink)?;
        self.ssh.finish(sink)
    }

    /// Is the frame's TCP connection one an FTP control connection
    /// announced? Then its service is `ftp-data`.
    fn ftp_data(&mut self, flows: &mut FlowEngine) {
        let Some(cur) = flows.current().copied() else {
            return;
        };
        if cur.proto != StreamProto::Tcp {
            return;
        }
        let Some(flow) = flows.current_flow_mut() else {
            return;
        };
        if flow.history.service.iter().any(|s| s == "ftp-data") {
            return;
        }
        let e = conn::endpoints(&cur.key, flow);
        let Some(control) = self
            .ftp
            .is_data_conn(self.ts_ns, e.orig_h, e.resp_h, e.resp_p)
        else {
            return;
        };
        flow.history.service.add("ftp-data");
        // The data's files are followed for files.log, and for the fuid
        // and type ftp.log gives them.
        if self.wants.files || self.wants.ftp {
            let uid = &mut flow.history.uid;
            let c = ConnRef::of(&cur.key, cur.stream, &e, flow.first_frame, uid);
            self.ftp_files
                .follow(cur.key, cur.stream, c, e.orig, control);
        }
    }

    /// The stream bytes the flow engine delivered for the frame `d` (while
    /// it lives): what FTP data connections carried, for files.log.
    pub fn delivered(&mut self, flows: &FlowEngine, d: &Dissection<'_>) {
        if !self.ftp_files.any() {
            return;
        }
        let ftp = &mut self.ftp;
        let tell = &mut |t| ftp.told(t);
        for dl in flows.delivered() {
            if dl.proto == StreamProto::Tcp {
                self.ftp_files.delivered(dl, flows.bytes(dl, d), tell);
            }
        }
        // A direction's end is its file's end: sniffed now if not yet.
        if let Some(cur) = flows.current().filter(|c| c.closed_in_order) {
            self.ftp_files.closed(&cur.key, cur.stream, cur.side, tell);
        }
    }

    fn ended(&mut self, flows: &mut FlowEngine, sink: &mut dyn Sink) -> io::Result<()> {
        let want_conn = sink.wants(&conn::SCHEMA);
        for e in flows.drain_ended() {
            let id = ConnId::of_ended(&e);
            if id.proto == transport::TCP {
                self.closed.push((e.slot, e.flow.stream));
                let ftp = &mut self.ftp;
                self.ftp_files
                    .ended(&e.key, e.flow.stream, sink, &mut |t| ftp.told(t))?;
            }
            if id.proto == transport::TCP || id.proto == transport::UDP {
                self.dns.conn_ended(id, sink)?;
                self.http.conn_ended(id, sink)?;
                self.ssl.conn_ended(id, sink)?;
                self.quic.conn_ended(id, sink)?;
                self.ftp.conn_ended(id, sink)?;
                self.smtp.conn_ended(id, sink)?;
                self.mqtt.conn_ended(id, sink)?;
                self.ssh.conn_ended(id, sink)?;
                self.websocket.conn_ended(id);
            }
            let parents = self.parents.remove(&id);
            if want_conn {
                let mut c = conn::Conn::from_ended(&e);
                c.tunnel_parents = parents.map(|p| p.into_iter().collect()).unwrap_or_default();
                super::emit(&c, sink)?;
            }
        }
        Ok(())
    }

    fn messages(&mut self, flows: &mut FlowEngine, sink: &mut dyn Sink) -> io::Result<()> {
        let Some(cur) = flows.current().copied() else {
            self.stats.orphaned += self.msgs.len() as u64;
            self.msgs.clear();
            return Ok(());
        };
        let Some(flow) = flows.current_flow_mut() else {
            self.stats.orphaned += self.msgs.len() as u64;
            self.msgs.clear();
            return Ok(());
        };
        let ends = conn::endpoints(&cur.key, flow);
        let first_frame = flow.first_frame;
        let partial = flow.history.partial();
        // The connection as the analyzers name it, made at the first message
        // one of them reads (conn.log alone only takes the services: no uid).
        let uid = &mut flow.history.uid;
        let make = || ConnRef::of(&cur.key, cur.stream, &ends, first_frame, uid);
        let mut f = Lazy {
            conn: None,
            make,
            ts_ns: self.ts_ns,
            from_orig: cur.side == ends.orig,
        };
        let mut done = false;
        let mut websocket = false;
        for m in self.msgs.drain(..) {
            let service = match m {
                Msg::Dns(m) => {
                    let confirmed = m.confirmed;
                    if self.wants.dns {
                        self.dns.message(&f.frame(), m, sink)?;
                    }
                    confirmed.then_some("dns")
                }
                Msg::Dhcp(m) => {
                    if self.wants.dhcp {
                        self.dhcp.message(&f.frame(), m, sink)?;
                    }
                    Some("dhcp")
                }
                Msg::Http(m) => {
                    // Zeek names the service once its WebSocket analyzer
                    // takes the upgraded connection over.
                    websocket |= m.upgrades_to_websocket;
                    if self.wants.websocket {
                        self.websocket.message(&f.frame(), &m, sink)?;
                    }
                    if self.wants.http {
                        self.http.message(&f.frame(), m, sink)?;
                    } else if !self.wants.dns {
                        // conn.log has its service now: past a request
                        // that keeps to HTTP (no CONNECT, no Upgrade), no
                        // selected log reads the connection's bytes
                        // (dns.log would: later bodies may carry DNS).
                        done |= m.request && !m.may_switch;
                    }
                    Some("http")
                }
                Msg::Ssl(m) if m.dtls => {
                    let frame = f.frame();
                    let id = frame.conn.id;
                    done |= self.ssl.message(&frame, m, sink)?;
                    // Zeek names the service once the analyzer confirms
                    // the protocol: not on fragments alone, nor after a
                    // protocol violation.
                    self.ssl.confirmed(id).then_some("dtls")
                }
                // Zeek's SSL analyzer reads nothing of a TCP connection
                // picked up without its handshake (`IsPartial`): no
                // record and no service; its bytes are needed no more.
                Msg::Ssl(_) if partial => {
                    done = true;
                    None
                }
                Msg::Ssl(m) => {
                    done |= self.ssl.message(&f.frame(), m, sink)?;
                    Some("ssl")
                }
                Msg::Ftp(m) => {
                    // Always followed: the data connections it announces
                    // are conn.log's `ftp-data`.
                    self.ftp.message(&f.frame(), m, sink)?;
                    Some("ftp")
                }
                Msg::Smtp(m) => {
                    self.smtp.message(&f.frame(), m, sink)?;
                    Some("smtp")
                }
                Msg::Mqtt(m) => {
                    self.mqtt.message(&f.frame(), m, sink)?;
                    Some("mqtt")
                }
                Msg::Quic(m) => self.quic.message(&f.frame(), m, sink)?.then_some("quic"),
                Msg::Ssh(m) => {
                    // Followed until the outcome of authentication is
                    // known ([`AppLogs::ssh_segments`] stops the stream);
                    // Zeek's analyzer confirms no partial connection.
                    self.ssh.message(&f.frame(), self.frame, partial, m, sink)?;
                    (!partial).then_some("ssh")
                }
                Msg::Service(s) => {
                    // TLS that no log reads, or SSH (no log reads it):
                    // what follows is ciphertext. Neither analyzer reads
                    // a partial connection.
                    let encrypted = s == "ssl" || s == "ssh";
                    done |= encrypted;
                    (!(encrypted && partial)).then_some(s)
                }
            };
            if let Some(s) = service {
                flow.history.service.add(s);
            }
        }
        if websocket {
            flow.history.service.add("websocket");
        }
        if done && cur.proto == StreamProto::Tcp {
            self.stopped.push(cur.key);
        }
        Ok(())
    }

    /// The TCP conversations whose bytes the logs need no more (their TLS
    /// is past what ssl.log and conn.log read, they are SSH, or they are
    /// HTTP past a first plain request that no http.log or dns.log
    /// reads), since the last call: the caller stops their streams
    /// ([`crate::Dissector::stop_streams`]).
    pub fn take_stopped(&mut self) -> std::vec::Drain<'_, FlowKey> {
        self.stopped.drain(..)
    }

    /// The TCP conversations that ended since the last call (slot and
    /// stream number): the caller lets their application state go
    /// ([`crate::Dissector::forget_ended`]).
    pub fn take_closed(&mut self) -> std::vec::Drain<'_, (u32, u32)> {
        self.closed.drain(..)
    }
}

/// Where and when the current frame's messages were seen, with the
/// connection made at its first use.
struct Lazy<F> {
    conn: Option<ConnRef>,
    make: F,
    ts_ns: i64,
    from_orig: bool,
}

impl<F: FnMut() -> ConnRef> Lazy<F> {
    fn frame(&mut self) -> Frame<'_> {
        Frame {
            ts_ns: self.ts_ns,
            conn: self.conn.get_or_insert_with(&mut self.make),
            from_orig: self.from_orig,
        }
    }
}

/// Helpers for the analyzers' tests: a sink that keeps rows as TSV texts,
/// and a connection to hang messages on.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::logs::Value;

    /// Every record written, as (log, field texts in TSV form).
    #[derive(Default)]
    pub struct Rows {
        pub rows: Vec<(&'static str, Vec<String>)>,
    }

    impl Rows {
        /// The value of field `name` in row `i` of log `path`.
        pub fn get(&self, path: &str, i: usize, name: &str) -> String {
            let (schema, row) = self
                .rows
                .iter()
                .filter(|(p, _)| *p == path)
                .nth(i)
                .map(|(p, r)| (crate::logs::schema(p), r))
                .unwrap_or_else(|| panic!("no row {i} of {path}"));
            let k = schema
                .and_then(|s| s.fields.iter().position(|f| f.name == name))
                .unwrap_or_else(|| panic!("no field {name}"));
            row[k].clone()
        }

        /// Asserts the fields of row `i` of log `path`: (name, value as
        /// text) pairs.
        pub fn check(&self, path: &str, i: usize, want: &[(&str, &str)]) {
            for (name, value) in want {
                assert_eq!(self.get(path, i, name), *value, "{path} row {i}: {name}");
            }
        }

        pub fn count(&self, path: &str) -> usize {
            self.rows.iter().filter(|(p, _)| *p == path).count()
        }
    }

    impl Sink for Rows {
        fn wants(&self, _: &'static Schema) -> bool {
            true
        }

        fn write(&mut self, schema: &'static Schema, values: &[Value<'_>]) -> io::Result<()> {
            assert_eq!(values.len(), schema.fields.len(), "{}", schema.path);
            let row = values
                .iter()
                .map(|v| {
                    let mut b = Vec::new();
                    crate::logs::tsv_value(v, &mut b);
                    String::from_utf8_lossy(&b).into_owned()
                })
                .collect();
            self.rows.push((schema.path, row));
            Ok(())
        }
    }

    /// A xorshift generator of `seed` (not zero), for the tests that damage
    /// messages at random but the same way every run.
    pub fn xorshift(mut seed: u32) -> impl FnMut() -> u32 {
        move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        }
    }

    /// One second of capture time, in nanoseconds.
    pub const SEC: i64 = 1_000_000_000;

    /// A message of `conn` seen at `ts_ns`, sent by its originator or not.
    pub fn frame(conn: &ConnRef, ts_ns: i64, from_orig: bool) -> Frame<'_> {
        Frame {
            ts_ns,
            conn,
            from_orig,
        }
    }

    /// A UDP or TCP connection from `orig` to `resp` (addresses and ports
    /// as text), numbered `stream`.
    pub fn conn(tcp: bool, stream: u32, orig: (&str, u16), resp: (&str, u16)) -> ConnRef {
        ConnRef {
            id: ConnId {
                proto: if tcp { transport::TCP } else { transport::UDP },
                stream,
                first_frame: u64::from(stream),
            },
            uid: conn::Uid::from_text(&format!("Ctest{stream}")),
            orig_h: orig.0.parse().expect("address"),
            orig_p: orig.1,
            resp_h: resp.0.parse().expect("address"),
            resp_p: resp.1,
            proto: if tcp { "tcp" } else { "udp" },
        }
    }

    /// Bytes from hex text.
    pub(crate) use crate::craft::hex;
}
