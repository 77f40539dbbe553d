//! The flow engine: every packet's conversation, found in a bounded table
//! and followed through its life. It numbers conversations as tshark does
//! (`tcp.stream`, `udp.stream`), runs TCP sequence analysis, keeps the
//! counters and history Zeek's conn.log reports, and hands back each
//! conversation when it ends (closed and idle, evicted to make room, or at
//! the end of the capture).

pub mod announce;
pub mod app_stream;
pub mod history;
pub mod key;
pub mod reassembly;
pub mod table;
pub mod tcp;
#[cfg(test)]
mod tests;
pub mod timers;

use crate::dissect::Dissection;
use announce::{Announcements, Endpoint};
use arrayvec::ArrayVec;
use history::History;
use key::{FlowKey, Side, Transport};
use reassembly::{Budget, Chunk, Reassembler, Segment, Why};
use table::{Table, Taken};
use tcp::{SeqBases, TcpConv};
use timers::{Kind, Timers};
use wire::frame::FrameMeta;
use wire::tcp::{analysis, TcpFlowInfo, TcpView};
use wire::Layer;
use wiresift_wire as wire;

/// Bounds and timeouts.
#[derive(Clone, Copy, Debug)]
pub struct FlowOptions {
    /// Conversations held at once, per transport (TCP, UDP, ICMP); when
    /// full, the least recently seen makes room.
    pub max_flows: usize,
    /// End conversations idle this long (capture time), as Zeek does
    /// (`None`: only when the table is full, as tshark never forgets).
    pub idle: Option<Timeouts>,
    /// Reassemble TCP streams and hand out UDP payloads
    /// ([`FlowEngine::delivered`]). Off by default: per-packet output does
    /// not pay for it.
    pub reassemble: bool,
    /// Which TCP streams are reassembled (following one stream need not
    /// hold the bytes of all the others). UDP payloads, a copy each, are
    /// all delivered.
    pub reassemble_tcp: TcpStreams,
    pub reassembly: reassembly::Limits,
    /// Keep Zeek's history and endpoint states ([`Flow::history`]): the
    /// logs read them, per-packet output does not pay for them.
    pub history: bool,
    /// Follow every TCP or UDP header quoted in an ICMP error into its
    /// conversation, as tshark does; the worker of the quoted pair must
    /// then get the error (`shard::IcmpErrors::QuotedPair`). Off, only
    /// quotes between the error's own two hosts are followed: the logs
    /// shard errors by their own pair, whose ICMP conversation Zeek logs.
    pub all_quotes: bool,
    /// What only per-packet output shows: tshark's TCP sequence analysis,
    /// relative numbers and stream times written into each TcpView, and
    /// UDP conversations numbered by the SDP announcements before them.
    /// Off (the logs read none of it), TCP keeps only the bases reassembly
    /// needs and UDP conversations are numbered in order.
    pub packet_fields: bool,
    /// Keep each conversation that ends until the caller takes it
    /// ([`FlowEngine::drain_ended`]): the logs and the exports read them.
    /// Off, nothing is kept: per-packet output reads none, and a live
    /// capture would pile them up for as long as it runs.
    pub keep_ended: bool,
    /// End conversations by Zeek's connection timers as well as when
    /// idle ([`timers`]): a closed TCP connection 5 s after its close, an
    /// unanswered SYN after 5 s, DNS over UDP after 10 s of quiet. Off,
    /// a conversation lasts until it is idle (tshark's view: one
    /// conversation per addresses and ports for the whole capture).
    pub zeek_timers: bool,
    /// Zeek's rule for a TCP segment or UDP datagram whose checksum is
    /// bad (checksums verified): once noted in the history it goes no
    /// further, neither reassembled nor handed to the applications. Off,
    /// it is reassembled as tshark does.
    pub drop_corrupt: bool,
}

/// The TCP streams reassembled when [`FlowOptions::reassemble`] is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpStreams {
    All,
    /// Only this `tcp.stream`.
    Only(u32),
    None,
}

/// Idle timeouts in seconds of capture time.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    pub tcp: i64,
    pub udp: i64,
    pub icmp: i64,
}

impl Timeouts {
    /// Zeek's defaults: tcp_inactivity_timeout 5 min, udp and icmp 1 min.
    pub const ZEEK: Timeouts = Timeouts {
        tcp: 300,
        udp: 60,
        icmp: 60,
    };
}

impl Default for FlowOptions {
    fn default() -> Self {
        FlowOptions {
            max_flows: 1_000_000,
            idle: None,
            reassemble: false,
            reassemble_tcp: TcpStreams::All,
            reassembly: reassembly::Limits::default(),
            history: true,
            all_quotes: true,
            packet_fields: true,
            keep_ended: false,
            zeek_timers: false,
            drop_corrupt: false,
        }
    }
}

impl FlowOptions {
    /// What the logs follow conversations with (streams reassembled on
    /// top, by `Dissector::with_streams`).
    pub fn logs() -> Self {
        FlowOptions {
            idle: Some(Timeouts::ZEEK),
            // Zeek makes no connection of a quoted header.
            all_quotes: false,
            packet_fields: false,
            keep_ended: true,
            zeek_timers: true,
            drop_corrupt: true,
            // Delivered bytes are kept only to count retransmissions that
            // differ from them, a count no log reports.
            reassembly: reassembly::Limits {
                retain: 0,
                ..reassembly::Limits::default()
            },
            ..FlowOptions::default()
        }
    }
}

/// Is this a checksum found bad?
pub fn bad_checksum(status: wire::checksum::Status) -> bool {
    matches!(status, wire::checksum::Status::Bad { .. })
}

/// Why a conversation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// Idle for longer than its timeout.
    Idle,
    /// Evicted to make room in a full table.
    Evicted,
    /// A new conversation started on the same addresses and ports.
    Reused,
    /// The capture ended.
    CaptureEnd,
    /// One of Zeek's connection timers ended it ([`timers`]).
    Timer,
}

/// One conversation.
#[derive(Clone, Debug)]
pub struct Flow {
    /// Index among conversations of its transport, in order of first
    /// appearance (tshark's `tcp.stream` / `udp.stream`).
    pub stream: u32,
    /// Which side of the key sent the first packet (Zeek's originator).
    pub orig: Side,
    pub first_frame: u64,
    pub first_ns: i64,
    pub last_ns: i64,
    /// The latest frame time that showed the conversation, ICMP errors
    /// quoting it included (tshark's base for `tcp.time_delta`).
    pub shown_ns: i64,
    /// Per side of the key ([`Side::index`]): packets, IP bytes (the IP
    /// header's length), payload bytes above the transport header.
    pub packets: [u64; 2],
    pub ip_bytes: [u64; 2],
    pub payload_bytes: [u64; 2],
    /// ICMP: type and code of the first packet.
    pub icmp: Option<(u8, u8)>,
    /// TCP: where each side's relative numbers count from.
    pub seq_bases: SeqBases,
    /// TCP: tshark's sequence analysis ([`FlowOptions::packet_fields`]).
    pub tcp: Option<Box<TcpConv>>,
    pub history: History,
    /// TCP reassembly of each side of the key ([`Side::index`]), made at
    /// the first segment when reassembly is on.
    pub streams: Option<Box<[Reassembler; 2]>>,
    /// UDP: an announced conversation covered its first datagram, so each
    /// datagram takes the `udp.stream` of the newest announcement of its
    /// source, else its destination ([`announce`]).
    pub announced: bool,
    /// TCP: its bytes are no longer reassembled ([`FlowEngine::stop_streams`]).
    pub streams_stopped: bool,
    /// Zeek's timers of it cancelled so far ([`timers`]).
    pub timer_epoch: u32,
}

impl Flow {
    /// `analysed`: a TCP conversation with tshark's sequence analysis.
    fn new(stream: u32, orig: Side, frame: u64, now: i64, analysed: bool) -> Self {
        Flow {
            stream,
            orig,
            first_frame: frame,
            first_ns: now,
            last_ns: now,
            shown_ns: now,
            packets: [0; 2],
            ip_bytes: [0; 2],
            payload_bytes: [0; 2],
            icmp: None,
            seq_bases: SeqBases::default(),
            tcp: analysed.then(|| Box::new(TcpConv::new())),
            history: History::default(),
            streams: None,
            announced: false,
            streams_stopped: false,
            timer_epoch: 0,
        }
    }
}

/// A conversation that ended, with why.
pub struct Ended {
    pub key: FlowKey,
    /// The slot it held in its transport's table ([`Delivered::slot`]).
    pub slot: u32,
    pub flow: Flow,
    pub why: EndReason,
}

/// What the engine has counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlowStats {
    pub created: u64,
    pub evicted: u64,
    pub expired: u64,
    pub reused: u64,
    /// Ended by Zeek's connection timers ([`FlowOptions::zeek_timers`]).
    pub timed_out: u64,
    /// Most conversations held at once (over all transports).
    pub peak: u64,
    /// Frames processed, and those left out (at an IPv4 header, or a TCP
    /// or UDP header) for a bad checksum ([`FlowOptions::drop_corrupt`]).
    pub frames: u64,
    pub corrupt: u64,
}

/// The transports whose payload is delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamProto {
    Tcp,
    Udp,
}

/// Bytes of one conversation's side handed out for the current frame: a
/// TCP chunk in sequence order, or a UDP datagram's payload.
#[derive(Clone, Copy, Debug)]
pub struct Delivered {
    pub proto: StreamProto,
    /// `tcp.stream` / `udp.stream`.
    pub stream: u32,
    pub key: FlowKey,
    /// The conversation's slot in its transport's table: what keeps state
    /// per conversation beside the engine can index by it instead of
    /// looking the key up. A slot outlives its conversation and is taken
    /// by later ones; the stream number tells them apart.
    pub slot: u32,
    /// The side of the key that sent the bytes.
    pub side: Side,
    /// Sent by the conversation's originator (the first packet's sender).
    pub from_orig: bool,
    /// Bytes missing just before these.
    pub gap_before: u32,
    pub why: Why,
    /// The frame that carried the bytes (an earlier one for bytes held out
    /// of order), and its capture time.
    pub frame: u64,
    pub ts_ns: i64,
    bytes: Bytes,
}

impl Delivered {
    /// How many bytes the delivery holds (without reading them).
    pub fn byte_len(&self) -> usize {
        match self.bytes {
            Bytes::Layer { start, end, .. } | Bytes::Held { start, end } => {
                end.saturating_sub(start)
            }
        }
    }
}

/// Where a delivery's bytes are ([`FlowEngine::bytes`]).
#[derive(Clone, Copy, Debug)]
enum Bytes {
    /// In the payload of the frame's transport layer at this index: the
    /// frame's own bytes, in order, read there rather than copied.
    Layer {
        layer: usize,
        start: usize,
        end: usize,
    },
    /// Copied into the delivery's buffer (bytes held from earlier frames).
    Held { start: usize, end: usize },
}

/// The conversation of the current frame.
#[derive(Clone, Copy, Debug)]
pub struct Current {
    pub proto: StreamProto,
    pub stream: u32,
    pub key: FlowKey,
    /// Its slot in its transport's table ([`Delivered::slot`]).
    pub slot: u32,
    /// Who sent this frame, and who sent the conversation's first packet.
    pub side: Side,
    pub orig: Side,
    /// The frame's payload went through reassembly (TCP: a segment tshark
    /// would follow; UDP: any datagram).
    pub reassembled: bool,
    /// TCP: the sender's bytes have all come, in order, up to its FIN
    /// (reassembled: a FIN after a hole closes nothing).
    pub closed_in_order: bool,
    /// The segment or datagram had a bad checksum and went no further
    /// ([`FlowOptions::drop_corrupt`]).
    pub corrupt: bool,
    /// The weirds Zeek's TCP analyzer raised on the segment (bits of
    /// [`history::TCP_WEIRDS`]; with [`FlowOptions::history`]).
    pub tcp_weirds: u32,
}

/// What reassembly hands out for one frame: the list, its bytes in one
/// buffer reused frame after frame, and the budget of held bytes.
struct Delivery {
    list: Vec<Delivered>,
    bytes: Vec<u8>,
    budget: Budget,
}

/// Who a delivery belongs to.
#[derive(Clone, Copy)]
struct Tag {
    proto: StreamProto,
    stream: u32,
    key: FlowKey,
    slot: u32,
    orig: Side,
}

impl Delivery {
    fn clear(&mut self) {
        self.list.clear();
        self.bytes.clear();
    }
}

/// Add chunk `c` of `side` to the delivery. `layer`: the index of the
/// transport layer whose payload is the segment or datagram being taken,
/// whose own bytes (most) are then not copied.
fn push(
    list: &mut Vec<Delivered>,
    bytes: &mut Vec<u8>,
    (tag, layer): (&Tag, Option<usize>),
    side: Side,
    c: Chunk,
) {
    let found = match (layer, c.in_segment) {
        (Some(layer), Some(start)) => Bytes::Layer {
            layer,
            start,
            end: start.saturating_add(c.bytes.len()),
        },
        _ => {
            let start = bytes.len();
            bytes.extend_from_slice(c.bytes);
            Bytes::Held {
                start,
                end: bytes.len(),
            }
        }
    };
    list.push(Delivered {
        proto: tag.proto,
        stream: tag.stream,
        key: tag.key,
        slot: tag.slot,
        side,
        from_orig: side == tag.orig,
        gap_before: c.gap_before,
        why: c.why,
        frame: c.frame,
        ts_ns: c.ts_ns,
        bytes: found,
    });
}

/// The flow table of each transport, the stream counters and what ended.
pub struct FlowEngine {
    opts: FlowOptions,
    tcp: Table<Flow>,
    udp: Table<Flow>,
    icmp: Table<Flow>,
    next_tcp: u32,
    next_udp: u32,
    next_icmp: u32,
    ended: Vec<Ended>,
    delivery: Delivery,
    current: Option<Current>,
    conversations: ArrayVec<Current, { key::MAX_PER_FRAME }>,
    /// The last frame's conversations as [`key::all`] found them, kept so
    /// that what else reads them (the application logs) need not look
    /// them up again.
    found: ArrayVec<key::Conversation, { key::MAX_PER_FRAME }>,
    /// The last frame's ICMP message had a bad checksum
    /// ([`FlowOptions::drop_corrupt`]): its conversation's key and slot.
    corrupt_icmp: Option<(FlowKey, u32)>,
    /// The time idle conversations were last ended at.
    expired_at: Option<i64>,
    announced: Announcements,
    /// Zeek's connection timers ([`FlowOptions::zeek_timers`]).
    pub timers: Timers,
    pub stats: FlowStats,
}

/// Endpoints announced (SDP) and held at once; more are counted in
/// [`FlowEngine::announcements_dropped`].
const MAX_ANNOUNCED: usize = 65_536;

/// Capture time of a frame in nanoseconds (saturating: a hostile file's
/// times cannot overflow).
pub fn time_ns(meta: &FrameMeta) -> i64 {
    meta.ts_secs
        .saturating_mul(1_000_000_000)
        .saturating_add(i64::from(meta.ts_nanos))
}

impl FlowEngine {
    pub fn new(opts: FlowOptions) -> Self {
        FlowEngine {
            opts,
            tcp: Table::new(opts.max_flows),
            udp: Table::new(opts.max_flows),
            icmp: Table::new(opts.max_flows),
            next_tcp: 0,
            next_udp: 0,
            next_icmp: 0,
            ended: Vec::new(),
            delivery: Delivery {
                list: Vec::new(),
                bytes: Vec::new(),
                budget: Budget::new(opts.reassembly.budget),
            },
            current: None,
            conversations: ArrayVec::new(),
            found: ArrayVec::new(),
            corrupt_icmp: None,
            expired_at: None,
            announced: Announcements::new(MAX_ANNOUNCED),
            // A conversation has a few timers waiting at most, cancelled
            // ones included.
            timers: Timers::new(opts.max_flows.saturating_mul(4)),
            stats: FlowStats::default(),
        }
    }

    /// Read the conversations a frame announces (SDP media endpoints)
    /// without following it: a worker calls this for the frames of other
    /// workers ([`announce::may_announce`] tells which need dissecting), so
    /// every worker numbers announced conversations alike.
    /// [`FlowEngine::process`] does it for the frames it follows.
    pub fn announce(&mut self, d: &Dissection) {
        self.announced.frame(d);
    }

    /// A frame another worker follows: only what it announces is read
    /// (dissected only when it may hold an SDP media line).
    pub fn glance(&mut self, meta: FrameMeta, data: &[u8], opts: crate::dissect::Options) {
        if !announce::may_announce(data) {
            return;
        }
        let mut d = Dissection::default();
        crate::dissect::dissect(meta, data, opts, &mut d);
        self.announced.frame(&d);
    }

    /// Announcements not kept because their table was full.
    pub fn announcements_dropped(&self) -> u64 {
        self.announced.dropped
    }

    /// Conversations held now.
    pub fn active(&self) -> usize {
        self.tcp.len() + self.udp.len() + self.icmp.len()
    }

    /// Up to this time (included), [`FlowEngine::tick`] ends no
    /// conversation: none can have been idle past its timeout. A bound:
    /// a tick after it may still find nothing.
    pub fn quiet_through(&self) -> i64 {
        let Some(t) = self.opts.idle else {
            return i64::MAX;
        };
        let until = |table: &Table<Flow>, s: i64| {
            table
                .earliest()
                .saturating_add(s.saturating_mul(1_000_000_000))
        };
        let timer = self
            .timers
            .next_at()
            .map_or(i64::MAX, |at| at.saturating_sub(1));
        until(&self.tcp, t.tcp)
            .min(until(&self.udp, t.udp))
            .min(until(&self.icmp, t.icmp))
            .min(timer)
    }

    /// Whether anything ended since the last [`FlowEngine::drain_ended`].
    pub fn has_ended(&self) -> bool {
        !self.ended.is_empty()
    }

    /// Take what ended since the last call, oldest first.
    pub fn drain_ended(&mut self) -> std::vec::Drain<'_, Ended> {
        self.ended.drain(..)
    }

    /// The bytes delivered by the last [`FlowEngine::process`] (or
    /// [`FlowEngine::finish`]), in order: the frame's own, bytes held
    /// earlier that it put in order, and those of conversations that ended
    /// meanwhile. Empty unless [`FlowOptions::reassemble`].
    pub fn delivered(&self) -> &[Delivered] {
        &self.delivery.list
    }

    /// The bytes of one delivery; `d` is the dissection of the frame
    /// last processed, whose own bytes are read there.
    pub fn bytes<'s>(&'s self, dl: &Delivered, d: &'s Dissection<'_>) -> &'s [u8] {
        match dl.bytes {
            Bytes::Layer { layer, start, end } => {
                let payload = match d.layers.get(layer).map(|e| &e.layer) {
                    Some(Layer::Tcp(t)) => t.payload(),
                    Some(Layer::Udp(u)) => u.payload(),
                    _ => &[],
                };
                payload.get(start..end).unwrap_or(&[])
            }
            Bytes::Held { start, end } => self.delivery.bytes.get(start..end).unwrap_or(&[]),
        }
    }

    /// Bytes held out of order or kept for checks, over all conversations.
    pub fn reassembly_bytes(&self) -> u64 {
        self.delivery.budget.used()
    }

    /// The TCP or UDP conversation of the last frame processed (its
    /// innermost, when it has several).
    pub fn current(&self) -> Option<&Current> {
        self.current.as_ref()
    }

    /// Every TCP and UDP conversation of the last frame processed,
    /// outermost first (a tunnel's, then the traffic inside it).
    pub fn conversations(&self) -> &[Current] {
        &self.conversations
    }

    /// The transport layer of the last frame's innermost conversation
    /// ([`key::all`]'s last, ICMP quotes included).
    pub fn innermost_transport(&self) -> Option<Transport> {
        self.found.last().map(|c| c.transport)
    }

    /// The flow of the last frame processed, while it is held: the logs
    /// read its first frame and orientation (for the uid and the endpoints
    /// of their records) and mark the services they confirm on it.
    pub fn current_flow_mut(&mut self) -> Option<&mut Flow> {
        let c = self.current?;
        self.flow_mut(&c)
    }

    /// The flow of one of the last frame's conversations
    /// ([`FlowEngine::conversations`]).
    pub fn flow_mut(&mut self, c: &Current) -> Option<&mut Flow> {
        let table = match c.proto {
            StreamProto::Tcp => &mut self.tcp,
            StreamProto::Udp => &mut self.udp,
        };
        table.get_mut_keyed(c.slot, &c.key)
    }

    /// The conversation `key` names, if held (of any transport).
    pub fn flow(&self, key: &FlowKey) -> Option<&Flow> {
        let table = match key.proto {
            key::transport::TCP => &self.tcp,
            key::transport::UDP => &self.udp,
            _ => &self.icmp,
        };
        table.get(table.find(key)?)
    }

    /// The last frame's ICMP conversation, when its message had a bad
    /// checksum ([`FlowOptions::drop_corrupt`]): its key and flow.
    pub fn corrupt_icmp_mut(&mut self) -> Option<(FlowKey, &mut Flow)> {
        let (key, slot) = self.corrupt_icmp?;
        Some((key, self.icmp.get_mut_keyed(slot, &key)?))
    }

    /// Reassemble no more of TCP conversation `key` (its reader wants no
    /// more of its bytes): what its reassembly holds is dropped and given
    /// back to the budget. A new conversation on the same key is
    /// reassembled again.
    /// Gives the conversation's slot and stream number.
    pub fn stop_streams(&mut self, key: &FlowKey) -> Option<(u32, u32)> {
        let slot = self.tcp.find(key)?;
        let flow = self.tcp.get_mut(slot)?;
        flow.streams_stopped = true;
        if let Some(mut streams) = flow.streams.take() {
            for r in streams.iter_mut() {
                r.flush(&mut self.delivery.budget, &mut |_| {});
            }
        }
        Some((slot, flow.stream))
    }

    fn reassembles(&self, proto: StreamProto, stream: u32) -> bool {
        self.opts.reassemble
            && match (proto, self.opts.reassemble_tcp) {
                (StreamProto::Udp, _) | (StreamProto::Tcp, TcpStreams::All) => true,
                (StreamProto::Tcp, TcpStreams::Only(n)) => n == stream,
                (StreamProto::Tcp, TcpStreams::None) => false,
            }
    }

    /// Whether packets with a bad checksum go no further
    /// ([`FlowOptions::drop_corrupt`]).
    pub fn drops_corrupt(&self) -> bool {
        self.opts.drop_corrupt
    }

    /// A frame with no conversation of this engine's (another worker's, or
    /// one left out): what it leaves of the last frame is cleared and the
    /// conversations idle past their timeout at its time end. This is
    /// [`FlowEngine::process`] of an empty dissection, without looking at
    /// one. Gives the frame's time.
    pub fn tick(&mut self, meta: &FrameMeta) -> i64 {
        let now = time_ns(meta);
        self.delivery.clear();
        self.current = None;
        self.conversations.clear();
        self.found.clear();
        self.corrupt_icmp = None;
        self.expire(now);
        now
    }

    /// Follow one dissected frame: find or make its conversation, update
    /// it, and write what it knows (stream, relative numbers, analysis)
    /// into the frame's transport layer.
    pub fn process(&mut self, d: &mut Dissection, meta: &FrameMeta) {
        let now = self.tick(meta);
        self.stats.frames += 1;
        // Each transport layer outside ICMP quotes is a conversation of its
        // own (a tunnel's and the traffic inside it), outermost first, as
        // tshark numbers them and Zeek logs them.
        key::all(d, &mut self.found);
        for i in 0..self.found.len() {
            let Some(&c) = self.found.get(i) else {
                break;
            };
            if c.quoted {
                if self.opts.all_quotes || c.same_hosts {
                    self.quoted(d, meta.number, now, c);
                }
                continue;
            }
            let before = self.current.take();
            self.one(d, meta.number, now, c);
            match self.current {
                Some(cur) => {
                    let _ = self.conversations.try_push(cur);
                }
                None => self.current = before,
            }
        }
        // What the frame announces holds from the next frame on.
        if self.opts.packet_fields {
            self.announced.frame(d);
        }
    }

    /// A TCP or UDP header quoted in an ICMP error: tshark gives it the
    /// stream number of its conversation, making the conversation when
    /// there is none yet (numbered here, so later streams keep tshark's
    /// numbers), and its TCP times. It is not a packet of the conversation:
    /// no counters, no sequence analysis (only what tshark does with a
    /// quoted SYN or SYN-ACK), not the frame's conversation.
    fn quoted(&mut self, d: &mut Dissection, frame: u64, now: i64, c: key::Conversation) {
        let table = match c.transport {
            Transport::Tcp(_) => &mut self.tcp,
            Transport::Udp(_) => &mut self.udp,
            Transport::Icmp { .. } => return,
        };
        let slot = match table.find(&c.key) {
            Some(s) => s,
            None => self.create(c.key, c.side, frame, now, c.transport, None),
        };
        let table = match c.transport {
            Transport::Tcp(_) => &mut self.tcp,
            _ => &mut self.udp,
        };
        let Some(flow) = table.get_mut(slot) else {
            return;
        };
        let prev_ns = flow.shown_ns;
        flow.shown_ns = flow.shown_ns.max(now);
        match c.transport {
            Transport::Tcp(i) => {
                if let Some(v) = key::tcp_at(d, i) {
                    // What tshark does with a quoted SYN or SYN-ACK.
                    let analysis = match flow.tcp.as_deref_mut() {
                        Some(conv) => conv.quoted(&mut flow.seq_bases, c.side, v).analysis,
                        None => Default::default(),
                    };
                    v.set_flow(TcpFlowInfo {
                        stream: flow.stream,
                        nxtseq: None,
                        time_relative_ns: now.saturating_sub(flow.first_ns).max(0) as u64,
                        time_delta_ns: now.saturating_sub(prev_ns).max(0) as u64,
                        analysis,
                    });
                }
            }
            Transport::Udp(i) => {
                if let Some(u) = key::udp_at(d, i) {
                    u.set_stream(flow.stream);
                }
            }
            Transport::Icmp { .. } => {}
        }
    }

    /// Follow one transport layer of a frame.
    fn one(&mut self, d: &mut Dissection, frame: u64, now: i64, c: key::Conversation) {
        let key::Conversation {
            key,
            side,
            transport,
            ip_len,
            ..
        } = c;
        match transport {
            Transport::Tcp(i) => {
                // Borrowed, not copied: the view is a few hundred bytes,
                // and it is written back into only after its last use here.
                let Some(t) = key::tcp_at(d, i).map(|t| &*t) else {
                    return;
                };
                let mut reused = false;
                let slot = match self.tcp.find(&key) {
                    Some(s)
                        if self
                            .tcp
                            .get(s)
                            .is_some_and(|f| f.seq_bases.starts_anew(side, t)) =>
                    {
                        reused = true;
                        self.stats.reused += 1;
                        if let Some(x) = self.tcp.remove(s) {
                            let ended = self.opts.keep_ended.then_some(&mut self.ended);
                            close(&mut self.delivery, ended, x, EndReason::Reused);
                        }
                        self.create(key, side, frame, now, transport, None)
                    }
                    Some(s) => s,
                    None => self.create(key, side, frame, now, transport, None),
                };
                self.tcp.touch(slot, now);
                let reassemble = self.tcp.get(slot).is_some_and(|f| {
                    !f.streams_stopped && self.reassembles(StreamProto::Tcp, f.stream)
                });
                let Some(flow) = self.tcp.get_mut(slot) else {
                    return;
                };
                let corrupt = self.opts.drop_corrupt && bad_checksum(t.checksum_status());
                self.stats.corrupt += u64::from(corrupt);
                let prev_ns = flow.shown_ns;
                account(flow, side, now, ip_len, t.payload().len());
                let orig = side == flow.orig;
                if self.opts.history {
                    flow.history.at(now, ip_len);
                    let started = flow.history.tcp(orig, t);
                    if self.opts.zeek_timers {
                        set_tcp_timers(&mut self.timers, slot, flow, started, now);
                    }
                }
                self.current = Some(Current {
                    proto: StreamProto::Tcp,
                    stream: flow.stream,
                    key,
                    slot,
                    side,
                    orig: flow.orig,
                    reassembled: false,
                    closed_in_order: false,
                    corrupt,
                    tcp_weirds: flow.history.tcp_weirds,
                });
                let (seg, rel) = match flow.tcp.as_deref_mut() {
                    Some(conv) => {
                        let seg = conv.segment(&mut flow.seq_bases, side, t, frame as u32, now);
                        let rel = (seg.seq_base, seg.ack_base);
                        (Some(seg), rel)
                    }
                    // Where its bytes would start is not believed either.
                    None if corrupt => return,
                    None => (None, flow.seq_bases.segment(side, t)),
                };
                if reassemble && !corrupt {
                    // In tshark's relative numbers: where it starts a
                    // direction anew (a SYN after other packets), so does
                    // reassembly.
                    let limits = self.opts.reassembly;
                    let at = (frame, now);
                    let taken = deliver_tcp(
                        &mut self.delivery,
                        limits,
                        (key, slot),
                        flow,
                        side,
                        (i, t),
                        rel,
                        at,
                    );
                    let closed = flow
                        .streams
                        .as_deref()
                        .and_then(|s| s.get(side.index()))
                        .is_some_and(|r| r.finished());
                    if let Some(c) = self.current.as_mut() {
                        c.reassembled = taken;
                        c.closed_in_order = closed;
                    }
                }
                let Some(seg) = seg else {
                    return;
                };
                let mut info = TcpFlowInfo {
                    stream: flow.stream,
                    nxtseq: seg.nxtseq,
                    time_relative_ns: now.saturating_sub(flow.first_ns).max(0) as u64,
                    time_delta_ns: now.saturating_sub(prev_ns).max(0) as u64,
                    analysis: seg.analysis,
                };
                if reused {
                    info.analysis.flags |= analysis::REUSED_PORTS;
                }
                if let Some(v) = key::tcp_at(d, i) {
                    v.set_relative(seg.seq_base, seg.ack_base);
                    v.set_window_shift(seg.window_shift);
                    v.set_flow(info);
                }
            }
            Transport::Udp(i) => {
                let data = key::udp_at(d, i).map_or(&[][..], |u| u.payload());
                let payload = data.len();
                let slot = match self.udp.find(&key) {
                    Some(s) => s,
                    None => {
                        let a = announced(&mut self.announced, &mut self.next_udp, &key, side);
                        let slot = self.create(key, side, frame, now, transport, a);
                        if let Some(f) = self.udp.get_mut(slot) {
                            f.announced = a.is_some();
                        }
                        slot
                    }
                };
                self.udp.touch(slot, now);
                let Some(flow) = self.udp.get_mut(slot) else {
                    return;
                };
                account(flow, side, now, ip_len, payload);
                let orig = side == flow.orig;
                if self.opts.history {
                    flow.history.at(now, ip_len);
                    match key::udp_at(d, i) {
                        Some(u) => flow.history.udp(orig, u),
                        None => flow.history.datagram(orig, payload),
                    }
                }
                let stream = match flow.announced {
                    true => announced(&mut self.announced, &mut self.next_udp, &key, side),
                    false => None,
                }
                .unwrap_or(flow.stream);
                let tag = Tag {
                    proto: StreamProto::Udp,
                    stream,
                    key,
                    slot,
                    orig: flow.orig,
                };
                let corrupt = self.opts.drop_corrupt
                    && key::udp_at(d, i).is_some_and(|u| bad_checksum(u.checksum_status()));
                self.stats.corrupt += u64::from(corrupt);
                self.current = Some(Current {
                    proto: tag.proto,
                    stream,
                    key,
                    slot,
                    side,
                    orig: tag.orig,
                    reassembled: self.reassembles(StreamProto::Udp, stream),
                    closed_in_order: false,
                    corrupt,
                    tcp_weirds: 0,
                });
                if !data.is_empty() && !corrupt && self.reassembles(StreamProto::Udp, stream) {
                    // A datagram is delivered as it is.
                    let c = Chunk {
                        bytes: data,
                        gap_before: 0,
                        why: Why::InOrder,
                        frame,
                        ts_ns: now,
                        in_segment: Some(0),
                    };
                    let Delivery { list, bytes, .. } = &mut self.delivery;
                    push(list, bytes, (&tag, Some(i)), side, c);
                }
                if let Some(u) = key::udp_at(d, i) {
                    u.set_stream(stream);
                }
            }
            Transport::Icmp { kind, code } => {
                let slot = match self.icmp.find(&key) {
                    Some(s) => s,
                    None => self.create(key, side, frame, now, transport, None),
                };
                self.icmp.touch(slot, now);
                let Some(flow) = self.icmp.get_mut(slot) else {
                    return;
                };
                flow.icmp.get_or_insert((kind, code));
                let payload = ip_len.saturating_sub(8) as usize;
                account(flow, side, now, ip_len, payload);
                let orig = side == flow.orig;
                if self.opts.history {
                    flow.history.at(now, ip_len);
                    if flow.history.icmp(orig, d) && self.opts.drop_corrupt {
                        self.corrupt_icmp = Some((key, slot));
                    }
                }
            }
        }
    }

    /// End every conversation still held (the capture is over); what
    /// their reassembly still held is delivered ([`FlowEngine::delivered`]).
    pub fn finish(&mut self) {
        self.finish_some(usize::MAX);
    }

    /// End up to `n` of the conversations still held, in the order
    /// [`FlowEngine::finish`] ends them all (a reader that takes them a
    /// batch at a time need not hold every one at once); what their
    /// reassembly still held is delivered. False once none is left.
    pub fn finish_some(&mut self, n: usize) -> bool {
        self.delivery.clear();
        self.current = None;
        self.conversations.clear();
        self.found.clear();
        self.corrupt_icmp = None;
        let mut left = n;
        for table in [&mut self.tcp, &mut self.udp, &mut self.icmp] {
            // Oldest first, as they would have timed out.
            while left > 0 {
                let Some(x) = table.pop_oldest() else {
                    break;
                };
                left -= 1;
                let ended = self.opts.keep_ended.then_some(&mut self.ended);
                close(&mut self.delivery, ended, x, EndReason::CaptureEnd);
            }
        }
        !(self.tcp.is_empty() && self.udp.is_empty() && self.icmp.is_empty())
    }

    /// A new conversation, numbered `stream` (an announced one's) or the
    /// next number of its transport.
    fn create(
        &mut self,
        key: FlowKey,
        side: Side,
        frame: u64,
        now: i64,
        t: Transport,
        stream: Option<u32>,
    ) -> u32 {
        let (table, counter) = match t {
            Transport::Tcp(_) => (&mut self.tcp, &mut self.next_tcp),
            Transport::Udp(_) => (&mut self.udp, &mut self.next_udp),
            Transport::Icmp { .. } => (&mut self.icmp, &mut self.next_icmp),
        };
        let stream = stream.unwrap_or_else(|| next(counter));
        let analysed = self.opts.packet_fields && matches!(t, Transport::Tcp(_));
        let flow = Flow::new(stream, side, frame, now, analysed);
        let (slot, evicted) = table.insert(key, flow, now);
        self.stats.created += 1;
        if self.opts.zeek_timers {
            match t {
                Transport::Tcp(_) => {
                    let at = now.saturating_add(timers::TCP_SYN_TIMEOUT_NS);
                    self.timers.set(at, Kind::TcpExpire, slot, stream, 0);
                }
                Transport::Udp(_) if zeek_dns_over_udp(&key, side) => {
                    let at = now.saturating_add(timers::DNS_SESSION_TIMEOUT_NS);
                    self.timers.set(at, Kind::DnsExpire, slot, stream, 0);
                }
                _ => {}
            }
        }
        if let Some(x) = evicted {
            self.stats.evicted += 1;
            let ended = self.opts.keep_ended.then_some(&mut self.ended);
            close(&mut self.delivery, ended, x, EndReason::Evicted);
        }
        let active = self.active() as u64;
        self.stats.peak = self.stats.peak.max(active);
        slot
    }

    /// End the conversations last seen more than their timeout before
    /// `now`. Each ends at the first frame whose time passes its own
    /// deadline, and those ending at one frame come oldest first, then by
    /// key: nothing depends on which other conversations share the table,
    /// so a capture split between workers ends them as one table does.
    fn expire(&mut self, now: i64) {
        let Some(t) = self.opts.idle else {
            return;
        };
        // Again at the same time (a frame's `tick`, then its `process`):
        // every entry since was seen at `now`, none is idle.
        if self.expired_at == Some(now) {
            return;
        }
        self.expired_at = Some(now);
        // Most frames end nothing: one bound for all three tables is
        // cheaper than asking each.
        if now <= self.quiet_through() {
            return;
        }
        self.fire_timers(now);
        let secs = |s: i64| now.saturating_sub(s.saturating_mul(1_000_000_000));
        for (table, before) in [
            (&mut self.tcp, secs(t.tcp)),
            (&mut self.udp, secs(t.udp)),
            (&mut self.icmp, secs(t.icmp)),
        ] {
            let from = self.ended.len();
            while let Some(x) = table.pop_idle(before) {
                self.stats.expired += 1;
                let ended = self.opts.keep_ended.then_some(&mut self.ended);
                close(&mut self.delivery, ended, x, EndReason::Idle);
            }
            if let Some(batch) = self.ended.get_mut(from..).filter(|b| b.len() > 1) {
                batch.sort_unstable_by_key(|e| (e.flow.last_ns, e.key));
            }
        }
    }
}

impl FlowEngine {
    /// Zeek's timers due at `now` ([`timers`]): each ends its conversation
    /// or comes back later.
    fn fire_timers(&mut self, now: i64) {
        let (tcp, udp) = (&mut self.tcp, &mut self.udp);
        let (stats, delivery) = (&mut self.stats, &mut self.delivery);
        let mut ended = self.opts.keep_ended.then_some(&mut self.ended);
        self.timers.fire(now, |due| {
            let table = match due.kind {
                Kind::DnsExpire => &mut *udp,
                _ => &mut *tcp,
            };
            let flow = table.get(due.slot)?;
            if flow.stream != due.stream || flow.timer_epoch != due.epoch {
                return None;
            }
            let (over, again) = match due.kind {
                Kind::TcpDelete => (true, None),
                Kind::TcpAttempt => (flow.history.attempt_over(), None),
                Kind::TcpExpire => (
                    flow.history.expire_over(now, flow.first_ns),
                    Some(timers::TCP_SESSION_TIMER_NS),
                ),
                Kind::DnsExpire => {
                    let last = flow.history.last_ns.unwrap_or(flow.first_ns);
                    (
                        now.saturating_sub(last) >= timers::DNS_QUIET_NS,
                        Some(timers::DNS_SESSION_TIMEOUT_NS),
                    )
                }
            };
            if !over {
                return again.map(|every| now.saturating_add(every));
            }
            if let Some(x) = table.remove(due.slot) {
                stats.timed_out += 1;
                close(delivery, ended.as_deref_mut(), x, EndReason::Timer);
            }
            None
        });
    }
}

/// Set the Zeek timers a TCP segment started ([`history::Started`]): a
/// complete close cancels the others and ends the connection after
/// `tcp_close_delay`.
fn set_tcp_timers(
    timers: &mut Timers,
    slot: u32,
    flow: &mut Flow,
    started: history::Started,
    now: i64,
) {
    let last = flow.history.last_ns.unwrap_or(now);
    if started.closed {
        flow.timer_epoch = flow.timer_epoch.wrapping_add(1);
        let at = last.saturating_add(timers::TCP_CLOSE_DELAY_NS);
        timers.set(at, Kind::TcpDelete, slot, flow.stream, flow.timer_epoch);
        return;
    }
    if started.attempt {
        let at = now.saturating_add(timers::TCP_ATTEMPT_DELAY_NS);
        timers.set(at, Kind::TcpAttempt, slot, flow.stream, flow.timer_epoch);
    }
    if started.half_closed {
        let at = last.saturating_add(timers::TCP_SESSION_TIMER_NS);
        timers.set(at, Kind::TcpExpire, slot, flow.stream, flow.timer_epoch);
    }
}

/// Zeek flips a UDP conversation whose first datagram came from a likely
/// server port to a port that is not one (unless to the broadcast
/// address): the receiver of the first datagram is then the originator.
pub fn udp_flipped(key: &FlowKey, first: Side) -> bool {
    let second = first.other();
    key.proto == key::transport::UDP
        && history::likely_udp_server(key.port(first))
        && !history::likely_udp_server(key.port(second))
        && (key.v6 || key.addr(second) != [255u8; 4])
}

/// Zeek gives a UDP conversation its DNS analyzer (and its session
/// timer) when the responder's port is one of DNS's.
fn zeek_dns_over_udp(key: &FlowKey, first: Side) -> bool {
    let resp = if udp_flipped(key, first) {
        first
    } else {
        first.other()
    };
    timers::DNS_UDP_PORTS.contains(&key.port(resp))
}

/// A conversation ends: what its reassembly held is delivered (holes
/// skipped), and it joins the ended list when one is kept.
fn close(dl: &mut Delivery, ended: Option<&mut Vec<Ended>>, mut x: Taken<Flow>, why: EndReason) {
    if let Some(streams) = x.value.streams.as_deref_mut() {
        let tag = Tag {
            proto: StreamProto::Tcp,
            stream: x.value.stream,
            key: x.key,
            slot: x.slot,
            orig: x.value.orig,
        };
        let Delivery {
            list,
            bytes,
            budget,
        } = dl;
        let [a, b] = streams;
        for (r, side) in [(a, Side::A), (b, Side::B)] {
            r.flush(budget, &mut |c| push(list, bytes, (&tag, None), side, c));
        }
    }
    // A conversation only ever quoted in ICMP errors had no packet of its
    // own: Zeek logs none.
    if x.value.packets == [0, 0] {
        return;
    }
    let Some(ended) = ended else {
        return;
    };
    ended.push(Ended {
        key: x.key,
        slot: x.slot,
        flow: x.value,
        why,
    });
}

/// Reassembly of one TCP segment: the peer's acknowledgment first (it may
/// say a hole in this direction's peer stream will never fill), then the
/// segment itself. This is the one place where TCP payload is delivered.
/// False when the segment is not one to reassemble.
#[allow(clippy::too_many_arguments)]
fn deliver_tcp(
    dl: &mut Delivery,
    limits: reassembly::Limits,
    (key, slot): (FlowKey, u32),
    flow: &mut Flow,
    side: Side,
    (layer, t): (usize, &TcpView),
    (seq_base, ack_base): (u32, Option<u32>),
    (frame, ts_ns): (u64, i64),
) -> bool {
    // tshark follows no segment whose header is bogus (shorter than 20
    // bytes, longer than the segment) or not wholly captured (its options
    // cannot be read).
    if !t.data_offset_ok() || t.header_len() < t.header_len_field() {
        return false;
    }
    let Some(len) = t.segment_len() else {
        return false;
    };
    let tag = Tag {
        proto: StreamProto::Tcp,
        stream: flow.stream,
        key,
        slot,
        orig: flow.orig,
    };
    let streams = flow
        .streams
        .get_or_insert_with(|| Box::new([Reassembler::new(limits), Reassembler::new(limits)]));
    let [a, b] = &mut **streams;
    let (mine, theirs) = match side {
        Side::A => (a, b),
        Side::B => (b, a),
    };
    let Delivery {
        list,
        bytes,
        budget,
    } = dl;
    if let Some(base) = ack_base.filter(|_| t.ack_flag()) {
        let peer = side.other();
        let ack = t.ack().wrapping_sub(base);
        theirs.ack(ack, budget, &mut |c| {
            push(list, bytes, (&tag, None), peer, c)
        });
    }
    let seg = Segment {
        seq: t.seq().wrapping_sub(seq_base),
        syn: t.syn(),
        fin: t.fin(),
        len: u32::try_from(len).unwrap_or(u32::MAX),
        payload: t.payload(),
        frame,
        ts_ns,
    };
    mine.segment(seg, budget, &mut |c| {
        push(list, bytes, (&tag, Some(layer)), side, c)
    });
    true
}

/// The next number of a transport's conversations.
fn next(counter: &mut u32) -> u32 {
    let n = *counter;
    *counter = counter.saturating_add(1);
    n
}

/// The `udp.stream` of the conversation announced for a datagram's source
/// (`side` of `key`), else for its destination, as tshark looks them up;
/// numbered at its first datagram.
fn announced(a: &mut Announcements, counter: &mut u32, key: &FlowKey, side: Side) -> Option<u32> {
    [side, side.other()].into_iter().find_map(|s| {
        let e = Endpoint {
            v6: key.v6,
            addr: match s {
                Side::A => key.a,
                Side::B => key.b,
            },
            port: key.port(s),
        };
        a.get_mut(&e)
            .map(|x| *x.stream.get_or_insert_with(|| next(counter)))
    })
}

fn account(flow: &mut Flow, side: Side, now: i64, ip_len: u64, payload: usize) {
    // Made for an ICMP error's quote: the first packet of its own tells
    // who began it.
    if flow.packets == [0, 0] {
        flow.orig = side;
    }
    let i = side.index();
    flow.last_ns = flow.last_ns.max(now);
    flow.shown_ns = flow.shown_ns.max(now);
    flow.packets[i] += 1;
    flow.ip_bytes[i] = flow.ip_bytes[i].saturating_add(ip_len);
    flow.payload_bytes[i] = flow.payload_bytes[i].saturating_add(payload as u64);
}
