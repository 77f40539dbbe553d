//! Dissection: a pure function of a frame's bytes and link type to a stack of
//! typed layer views plus the anomalies found on the way.
//!
//! Each step makes the view of one layer, records it, and decides what comes
//! next from the layer's own type field (EtherType, IP protocol, port). A
//! view that cannot be made (too few bytes, impossible length) becomes an
//! anomaly and dissection stops there with what it has. Nothing here
//! allocates: the layers and anomalies live in fixed-capacity arrays that the
//! caller reuses.

use crate::app;
use crate::defrag::{Defrag, Fragment, Key, Limits, Outcome};
use crate::flow::app_stream::Bodies;
use crate::flow::key::FlowKey;
use crate::flow::{FlowEngine, FlowOptions};
use crate::stream_apps::StreamApps;
use arrayvec::ArrayVec;
use wire::anomaly::{Anomaly, AnomalyKind};
use wire::checksum::{self, Status};
use wire::ethernet::{ethertype, EthernetView};
use wire::frame::{FrameMeta, FrameView};
use wire::next::NextLayer;
use wire::stream::Pdu;
use wire::{Layer, Proto};
use wiresift_wire as wire;

/// Make an encapsulation's view, record it, and follow what it says comes
/// next; a view that cannot be made is an anomaly and the end.
macro_rules! encap {
    ($w:ident, $made:expr, $variant:ident) => {
        match $made {
            Ok(v) => {
                if !$w.push(Layer::$variant(v)) {
                    return Next::Done;
                }
                $w.advance(v.header_len(), v.payload());
                $w.follow(v.next_layer())
            }
            Err(e) => $w.fail(Proto::$variant, e),
        }
    };
}

/// The deepest stack we build; more is a crafted loop (tunnels in tunnels).
pub const MAX_LAYERS: usize = 32;
/// Anomalies kept per frame; more are counted in `anomalies_dropped`.
pub const MAX_ANOMALIES: usize = 8;

/// Link-layer header types (tcpdump.org/linktypes.html) that we dissect.
pub mod linktype {
    pub const NULL: u32 = 0;
    pub const ETHERNET: u32 = 1;
    pub const PPP: u32 = 9;
    /// DLT_RAW as some BSDs number it in pcap files.
    pub const RAW_BSD12: u32 = 12;
    pub const RAW_BSD14: u32 = 14;
    pub const PPP_HDLC: u32 = 50;
    pub const C_HDLC: u32 = 104;
    pub const ARCNET_BSD: u32 = 7;
    pub const FDDI: u32 = 10;
    pub const ARCNET_LINUX: u32 = 129;
    pub const PPI: u32 = 192;
    pub const IPNET: u32 = 226;
    pub const NFLOG: u32 = 239;
    pub const FRELAY: u32 = 107;
    pub const IEEE802_11: u32 = 105;
    pub const IEEE802_11_RADIOTAP: u32 = 127;
    pub const RAW: u32 = 101;
    pub const LOOP: u32 = 108;
    pub const LINUX_SLL: u32 = 113;
    pub const IPV4: u32 = 228;
    pub const IPV6: u32 = 229;
    pub const LINUX_SLL2: u32 = 276;
}

/// One layer and where its header starts in the frame.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub offset: usize,
    pub layer: Layer<'a>,
    /// Inside an ICMP error: a quoted packet, not traffic of its own.
    pub quoted: bool,
    /// Dissected from a reassembled datagram: `offset` counts from the start
    /// of the datagram's payload, not of the frame.
    pub reassembled: bool,
}

/// The result of dissecting one frame.
#[derive(Debug, Default)]
pub struct Dissection<'a> {
    pub layers: ArrayVec<Entry<'a>, MAX_LAYERS>,
    pub anomalies: ArrayVec<Anomaly, MAX_ANOMALIES>,
    pub anomalies_dropped: u32,
    /// The IP fragment this frame carries (outside ICMP quotes), for the
    /// defragmenter.
    pub fragment: Option<Fragment<'a>>,
    /// A QUIC, OpenVPN or DTLS layer is among `layers`: the dissector has
    /// work across frames to do for it (most frames have none).
    across_datagrams: bool,
    /// Which layers conversations are made of (bit i for `layers[i]`): the
    /// flow engine looks at these, not at every layer of every frame.
    /// Kept as layers are added or dropped here (`layers` is written
    /// nowhere else but in place).
    flow_layers: u32,
    /// Which quoted layers follow an ICMP error: the last layer outside
    /// quotes before them is ICMP or ICMPv6 (bit i for `layers[i]`).
    quoted_by_icmp: u32,
    /// The last layer added outside quotes is ICMP or ICMPv6.
    last_is_icmp: bool,
    /// The IPv4 header with a bad checksum the frame was cut at (the logs:
    /// [`Dissection::cut_at_bad_ipv4`]), for weird.log.
    pub bad_ipv4: Option<BadIpv4>,
}

/// An IPv4 header with a bad checksum, where Zeek stops reading a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadIpv4 {
    pub src: std::net::Ipv4Addr,
    pub dst: std::net::Ipv4Addr,
    /// Inside a tunnel: an IP header comes before it.
    pub in_tunnel: bool,
}

// One bit a layer.
const _: () = assert!(MAX_LAYERS <= u32::BITS as usize);

/// An ICMP or ICMPv6 layer: what follows it inside quotes is the packet an
/// error quotes.
fn is_icmp(l: &Layer<'_>) -> bool {
    matches!(l, Layer::Icmp(_) | Layer::Icmpv6(_))
}

/// The bit of `layers[i]` in a mask of layers (none past the last).
fn layer_bit(i: usize) -> u32 {
    u32::try_from(i)
        .ok()
        .and_then(|i| 1u32.checked_shl(i))
        .unwrap_or(0)
}

/// What the dissector does beyond reading headers.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Verify IP, TCP, UDP and ICMP checksums (a sum over the payload).
    pub verify_checksums: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            verify_checksums: true,
        }
    }
}

impl<'a> Dissection<'a> {
    pub fn clear(&mut self) {
        self.layers.clear();
        self.anomalies.clear();
        self.anomalies_dropped = 0;
        self.fragment = None;
        self.across_datagrams = false;
        self.flow_layers = 0;
        self.quoted_by_icmp = 0;
        self.last_is_icmp = false;
        self.bad_ipv4 = None;
    }

    /// The indexes of the IP, IPv6, TCP, UDP, ICMP and ICMPv6 layers, in
    /// order, each with whether it is a quoted layer that follows an ICMP
    /// error.
    pub(crate) fn flow_layers(&self) -> impl Iterator<Item = (usize, bool)> + '_ {
        let mut bits = self.flow_layers;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            Some((i, self.quoted_by_icmp & layer_bit(i) != 0))
        })
    }

    /// Whether the [`Dissector`] would add to this frame what earlier
    /// frames brought (or keep some of it for later frames): it carries an
    /// IP fragment, a QUIC long-header packet (Initials are decrypted with
    /// the CRYPTO data of the connection's earlier datagrams) or an
    /// OpenVPN control message. Every other frame is dissected from its
    /// own bytes alone, by [`dissect`] as by the dissector.
    pub fn needs_history(&self) -> bool {
        self.fragment.is_some()
            || (self.across_datagrams
                && self.layers.iter().any(|e| {
                    !e.quoted
                        && match e.layer {
                            Layer::Quic(v) => v.is_long(),
                            Layer::Openvpn(v) => v.is_control(),
                            _ => false,
                        }
                }))
    }

    /// The frame pseudo-layer (always the first entry after `dissect`).
    pub fn frame(&self) -> Option<&FrameView<'a>> {
        match self.layers.first().map(|e| &e.layer) {
            Some(Layer::Frame(f)) => Some(f),
            _ => None,
        }
    }

    /// The first layer of protocol `p`, outside quoted packets.
    pub fn first(&self, p: Proto) -> Option<&Entry<'a>> {
        self.layers
            .iter()
            .find(|e| !e.quoted && e.layer.proto() == p)
    }

    /// tshark-style protocol stack (`eth:ip:tcp`), without the frame layer.
    pub fn protocols(&self, out: &mut String) {
        for (i, e) in self.layers.iter().skip(1).enumerate() {
            if i > 0 {
                out.push(':');
            }
            out.push_str(e.layer.proto().name());
        }
    }

    /// Drop the layers after the one at `i` (what a stateless look at one
    /// segment made of bytes the stream engine knows better).
    pub(crate) fn truncate_after(&mut self, i: usize) {
        self.layers.truncate(i.saturating_add(1));
        self.forget_dropped();
    }

    /// Drop the last layer.
    pub(crate) fn pop(&mut self) {
        self.layers.pop();
        self.forget_dropped();
    }

    /// Zeek's rule (the logs): a packet goes no further than an IPv4
    /// header with a bad checksum. The layers from that header on go (and
    /// the IP fragment, of the last IP header); those before it stay (a
    /// tunnel's outer conversation).
    fn cut_at_bad_ipv4(&mut self) -> bool {
        let cut = self.layers.iter().position(|e| {
            !e.quoted
                && matches!(&e.layer, Layer::Ip(v) if crate::flow::bad_checksum(v.checksum_status()))
        });
        let Some(cut) = cut else {
            return false;
        };
        if let Some(Layer::Ip(v)) = self.layers.get(cut).map(|e| &e.layer) {
            let in_tunnel = self
                .layers
                .iter()
                .take(cut)
                .any(|e| !e.quoted && matches!(e.layer, Layer::Ip(_) | Layer::Ipv6(_)));
            self.bad_ipv4 = Some(BadIpv4 {
                src: v.src().into(),
                dst: v.dst().into(),
                in_tunnel,
            });
        }
        self.layers.truncate(cut);
        self.forget_dropped();
        self.fragment = None;
        true
    }

    /// What was noted of layers no longer there goes.
    fn forget_dropped(&mut self) {
        // (All 32 kept: the bit past the last is none, less one is all.)
        let kept = layer_bit(self.layers.len()).wrapping_sub(1);
        self.flow_layers &= kept;
        self.quoted_by_icmp &= kept;
        self.last_is_icmp = self
            .layers
            .iter()
            .rev()
            .find(|e| !e.quoted)
            .is_some_and(|e| is_icmp(&e.layer));
    }

    /// Add a layer made from reassembled bytes (its offsets count from the
    /// start of its message, not of the frame).
    pub(crate) fn push_reassembled(&mut self, layer: Layer<'a>) -> bool {
        self.push(0, layer, false, true)
    }

    /// A message of `proto` that could not be read.
    pub(crate) fn note_error(&mut self, proto: Proto, e: wire::Error, len: usize) {
        let (kind, msg) = match e {
            wire::Error::Truncated { .. } => (AnomalyKind::Truncated, "message cut short"),
            wire::Error::Malformed(m) => (AnomalyKind::Malformed, m),
        };
        self.note(proto, kind, 0..len, msg);
    }

    // Always inlined: each layer is then made in place in the list (out of
    // line, each was built and copied, a few hundred bytes a layer).
    #[inline(always)]
    fn push(&mut self, offset: usize, layer: Layer<'a>, quoted: bool, reassembled: bool) -> bool {
        let bit = layer_bit(self.layers.len());
        if self
            .layers
            .try_push(Entry {
                offset,
                layer,
                quoted,
                reassembled,
            })
            .is_err()
        {
            return false;
        }
        if let Some(e) = self.layers.last() {
            if matches!(
                e.layer,
                Layer::Ip(_)
                    | Layer::Ipv6(_)
                    | Layer::Tcp(_)
                    | Layer::Udp(_)
                    | Layer::Icmp(_)
                    | Layer::Icmpv6(_)
            ) {
                self.flow_layers |= bit;
            }
            if !quoted {
                self.last_is_icmp = is_icmp(&e.layer);
            } else if self.last_is_icmp {
                self.quoted_by_icmp |= bit;
            }
        }
        true
    }

    fn note(
        &mut self,
        proto: Proto,
        kind: AnomalyKind,
        range: std::ops::Range<usize>,
        msg: &'static str,
    ) {
        if self
            .anomalies
            .try_push(Anomaly {
                proto,
                kind,
                range,
                msg,
            })
            .is_err()
        {
            self.anomalies_dropped = self.anomalies_dropped.saturating_add(1);
        }
    }
}

/// What to dissect next.
#[derive(Clone, Copy, Debug)]
enum Next {
    Link(u32),
    Ether(u16),
    Ethernet,
    Ip(u8),
    Ipv4,
    Ipv6,
    Ppp,
    Mpls,
    Llc,
    Wlan,
    Data,
    Done,
}

/// The addresses of the IP layer that carries a transport header, for the
/// pseudo-header of its checksum.
#[derive(Clone, Copy)]
struct IpCtx {
    v6: bool,
    src: [u8; 16],
    dst: [u8; 16],
}

impl IpCtx {
    fn pseudo(&self, proto: u8, len: usize) -> u32 {
        let n = if self.v6 { 16 } else { 4 };
        checksum::pseudo_header(&self.src[..n], &self.dst[..n], proto, len as u32)
    }
}

/// Dissect one frame into `d` (cleared first).
pub fn dissect<'a>(meta: FrameMeta, data: &'a [u8], opts: Options, d: &mut Dissection<'a>) {
    dissect_frame(meta, data, opts, d, true);
}

/// [`dissect`]; `segment_apps`: read application messages out of each TCP
/// segment on its own (off when the stream layer reads them from the
/// reassembled stream instead).
fn dissect_frame<'a>(
    meta: FrameMeta,
    data: &'a [u8],
    opts: Options,
    d: &mut Dissection<'a>,
    segment_apps: bool,
) {
    d.clear();
    d.push(
        0,
        Layer::Frame(FrameView { meta, bytes: data }),
        false,
        false,
    );
    let mut w = Walker {
        d,
        opts,
        off: 0,
        rest: data,
        ip: None,
        quoted: false,
        reassembled: false,
        wlan_opts: (false, false, false),
        wire_len: data.len(),
        link_idx: None,
        segment_apps,
        sampled: false,
    };
    w.run(Next::Link(meta.link_type));
}

/// Dissection with memory across frames: IP fragments are collected and,
/// on the frame that completes a datagram, the reassembled payload is
/// dissected after that frame's own layers (as tshark shows it); then the
/// flow engine (when there is one) follows the frame's conversation.
pub struct Dissector {
    pub opts: Options,
    pub defrag: Defrag,
    pub flows: Option<FlowEngine>,
    /// Application messages over reassembled TCP streams (needs `flows`
    /// with reassembly on).
    pub apps: Option<StreamApps>,
    /// QUIC Initial packets decrypted for the per-packet views.
    pub quic: crate::quic::Initials,
    /// OpenVPN over UDP: its control channel's TLS records.
    pub openvpn: crate::openvpn::Datagrams,
    /// DTLS handshake messages sent in fragments.
    pub dtls: crate::dtls_fragments::Fragments,
}

impl Dissector {
    pub fn new(opts: Options, limits: Limits) -> Self {
        Dissector {
            opts,
            defrag: Defrag::new(limits),
            flows: None,
            apps: None,
            quic: crate::quic::Initials::new(),
            openvpn: crate::openvpn::Datagrams::default(),
            dtls: crate::dtls_fragments::Fragments::default(),
        }
    }

    /// Follow conversations too (stream numbers, TCP analysis).
    pub fn with_flows(mut self, o: FlowOptions) -> Self {
        self.flows = Some(FlowEngine::new(o));
        self
    }

    /// Follow conversations, reassemble TCP streams and show application
    /// messages on the frame that completes them, as tshark does.
    pub fn with_streams(mut self, o: FlowOptions) -> Self {
        self.flows = Some(FlowEngine::new(FlowOptions {
            reassemble: true,
            ..o
        }));
        self.apps = Some(StreamApps::new(o.max_flows));
        self
    }

    /// Keep only the head of each HTTP body framed by its length, counting
    /// the rest ([`Bodies::Heads`]): for readers of a body's length and
    /// type, not of its bytes (the logs).
    pub fn with_body_heads(mut self) -> Self {
        if let Some(a) = self.apps.as_mut() {
            a.keep = Bodies::Heads;
        }
        self
    }

    /// The application layer of TCP conversation `key` is no longer wanted
    /// (the logs have all they need of it): its bytes are neither
    /// reassembled nor cut into messages any more, and what was held for
    /// them is given back.
    pub fn stop_streams(&mut self, key: &FlowKey) {
        let stopped = self.flows.as_mut().and_then(|f| f.stop_streams(key));
        if let (Some(a), Some((slot, stream))) = (self.apps.as_mut(), stopped) {
            a.forget(slot, stream);
        }
    }

    /// TCP conversation `stream` that held `slot` in the flow table ended:
    /// its application state goes (unless a newer conversation took the
    /// slot), rather than waiting for the slot to be taken again.
    pub fn forget_ended(&mut self, slot: u32, stream: u32) {
        if let Some(a) = self.apps.as_mut() {
            a.forget(slot, stream);
        }
    }

    /// Dissect one frame into `d`, reassembling IP fragments and following
    /// its conversation. The flow engine comes back for reading while `d`
    /// (which borrows the dissector) lives.
    pub fn dissect<'a>(
        &'a mut self,
        meta: FrameMeta,
        data: &'a [u8],
        d: &mut Dissection<'a>,
    ) -> Option<&'a FlowEngine> {
        let Dissector {
            opts,
            defrag,
            flows,
            apps,
            quic,
            openvpn,
            dtls,
        } = self;
        dissect_frame(meta, data, *opts, d, apps.is_none());
        if let Some(f) = flows.as_mut().filter(|f| f.drops_corrupt()) {
            if d.cut_at_bad_ipv4() {
                f.stats.corrupt += 1;
            }
        }
        defragment(*opts, defrag, meta, d);
        if d.across_datagrams {
            quic.frame(d);
            openvpn.frame(d);
            dtls.frame(d);
        }
        let Some(f) = flows else {
            return None;
        };
        f.process(d, &meta);
        if let Some(a) = apps {
            let fin = d
                .layers
                .iter()
                .rev()
                .find_map(|e| match &e.layer {
                    // A FIN after bytes the capture lacks does not end a
                    // message that runs to the close: its tail is missing
                    // (tshark does not show it either). Without the
                    // sequence analysis (the logs), reassembly tells.
                    Layer::Tcp(t) if !e.quoted => Some(
                        t.fin()
                            && match t.flow() {
                                Some(i) => {
                                    i.analysis.flags & wire::tcp::analysis::LOST_SEGMENT == 0
                                }
                                None => f.current().is_some_and(|c| c.closed_in_order),
                            },
                    ),
                    _ => None,
                })
                .unwrap_or(false);
            a.frame((f, d), (meta.number, crate::flow::time_ns(&meta)), fin);
            let a: &'a StreamApps = a;
            a.layers(d);
        }
        Some(f)
    }
}

/// Give the frame's IP fragment to the defragmenter; on the fragment that
/// completes a datagram, dissect the datagram's payload after the frame's
/// own layers.
fn defragment<'a>(opts: Options, defrag: &'a mut Defrag, meta: FrameMeta, d: &mut Dissection<'a>) {
    let Some(frag) = d.fragment else { return };
    let (outcome, conflict) = defrag.add(&frag, meta.ts_secs);
    if conflict {
        let at = d.layers.last().map_or(0, |e| e.offset);
        d.note(
            Proto::Data,
            AnomalyKind::Malformed,
            at..at + frag.data.len(),
            "fragment overlaps earlier bytes with different data",
        );
    }
    let Outcome::Complete { proto, .. } = outcome else {
        return;
    };
    // The defragmenter is not touched again for this frame: lend its
    // buffer to the dissection for as long as the dissection lives.
    let defrag: &'a Defrag = defrag;
    let datagram = defrag.completed();
    let src_dst = match frag.key {
        Key::V4 { src, dst, .. } => {
            let (mut s, mut t) = ([0u8; 16], [0u8; 16]);
            s[..4].copy_from_slice(&src);
            t[..4].copy_from_slice(&dst);
            IpCtx {
                v6: false,
                src: s,
                dst: t,
            }
        }
        Key::V6 { src, dst, .. } => IpCtx { v6: true, src, dst },
    };
    // Drop the Data layer that stood for this fragment's bytes.
    if matches!(d.layers.last().map(|e| &e.layer), Some(Layer::Data(_))) {
        d.pop();
    }
    let mut w = Walker {
        d,
        opts,
        off: 0,
        rest: datagram,
        ip: Some(src_dst),
        quoted: false,
        reassembled: true,
        wlan_opts: (false, false, false),
        wire_len: datagram.len(),
        link_idx: None,
        segment_apps: true,
        sampled: false,
    };
    w.run(Next::Ip(proto));
}

struct Walker<'a, 'd> {
    d: &'d mut Dissection<'a>,
    opts: Options,
    /// Offset of `rest` in the frame.
    off: usize,
    rest: &'a [u8],
    ip: Option<IpCtx>,
    quoted: bool,
    reassembled: bool,
    /// What the layer before an 802.11 frame said of it: (FCS at the end,
    /// header padded to 32 bits, frame control bytes swapped).
    wlan_opts: (bool, bool, bool),
    /// On-the-wire length of the upper-layer packet, per the IP header.
    wire_len: usize,
    /// Index of the Ethernet layer whose trailer an IP length reveals.
    link_idx: Option<usize>,
    /// Look for application messages in each TCP segment (see
    /// [`dissect_frame`]).
    segment_apps: bool,
    /// Inside a packet header an sFlow agent sampled: not traffic of its
    /// own (its layers are marked `quoted`), but read to the application
    /// layer segment by segment, as tshark reads it.
    sampled: bool,
}

impl<'a> Walker<'a, '_> {
    fn run(&mut self, mut next: Next) {
        for _ in 0..MAX_LAYERS {
            next = match next {
                Next::Done => return,
                Next::Data => {
                    if !self.rest.is_empty() {
                        self.push(Layer::Data(wire::data::DataView::new(self.rest)));
                    }
                    return;
                }
                Next::Link(lt) => self.link(lt),
                Next::Ether(t) => self.ether(t),
                Next::Ethernet => self.ethernet(),
                Next::Ip(p) => self.ip_proto(p),
                Next::Ipv4 => self.ipv4(),
                Next::Ipv6 => self.ipv6(),
                Next::Ppp => self.ppp(),
                Next::Llc => self.llc(),
                Next::Wlan => self.wlan(),
                Next::Mpls => self.mpls(),
            };
        }
        self.d.note(
            Proto::Data,
            AnomalyKind::Malformed,
            self.off..self.off + self.rest.len(),
            "too many nested layers",
        );
    }

    #[inline(always)]
    fn push(&mut self, layer: Layer<'a>) -> bool {
        self.d.across_datagrams |=
            matches!(layer, Layer::Quic(_) | Layer::Openvpn(_) | Layer::Dtls(_));
        let quoted = self.quoted || self.sampled;
        let ok = self.d.push(self.off, layer, quoted, self.reassembled);
        if !ok {
            self.d.note(
                layer.proto(),
                AnomalyKind::Malformed,
                self.off..self.off,
                "too many nested layers",
            );
        }
        ok
    }

    /// Record that a view could not be made and stop.
    fn fail(&mut self, proto: Proto, e: wire::Error) -> Next {
        let (kind, msg) = match e {
            wire::Error::Truncated { .. } => (AnomalyKind::Truncated, "header cut short"),
            wire::Error::Malformed(m) => (AnomalyKind::Malformed, m),
        };
        let end = self.off + self.rest.len();
        self.d.note(proto, kind, self.off..end, msg);
        Next::Done
    }

    /// Move past a header of `hdr` bytes to `payload`.
    fn advance(&mut self, hdr: usize, payload: &'a [u8]) {
        self.off = self.off.saturating_add(hdr);
        self.rest = payload;
    }

    fn link(&mut self, lt: u32) -> Next {
        use linktype::*;
        match lt {
            ETHERNET => Next::Ethernet,
            RAW | RAW_BSD12 | RAW_BSD14 => match self.rest.first().map(|b| b >> 4) {
                Some(4) => Next::Ipv4,
                Some(6) => Next::Ipv6,
                _ => Next::Data,
            },
            IPV4 => Next::Ipv4,
            IPV6 => Next::Ipv6,
            NULL | LOOP => match wire::null::NullView::new(self.rest, lt == LOOP) {
                Ok(v) => {
                    self.push(Layer::Null(v));
                    self.advance(v.header_len(), v.payload());
                    v.payload_ethertype().map_or(Next::Data, Next::Ether)
                }
                Err(e) => self.fail(Proto::Null, e),
            },
            LINUX_SLL | LINUX_SLL2 => {
                let r = if lt == LINUX_SLL {
                    wire::sll::SllView::new_v1(self.rest)
                } else {
                    wire::sll::SllView::new_v2(self.rest)
                };
                match r {
                    Ok(v) => {
                        self.push(Layer::Sll(v));
                        self.advance(v.header_len(), v.payload());
                        match (v.is_ethertype(), v.protocol()) {
                            (true, t) => Next::Ether(t),
                            // Linux's ETH_P_802_2: an LLC header follows.
                            (false, 0x0004) => self.llc(),
                            _ => Next::Data,
                        }
                    }
                    Err(e) => self.fail(Proto::Sll, e),
                }
            }
            PPP | PPP_HDLC => Next::Ppp,
            FDDI => encap!(self, wire::fddi::FddiView::new(self.rest, true), Fddi),
            ARCNET_BSD | ARCNET_LINUX => {
                encap!(
                    self,
                    wire::arcnet::ArcnetView::new(self.rest, lt == ARCNET_LINUX),
                    Arcnet
                )
            }
            IPNET => encap!(self, wire::ipnet::IpnetView::new(self.rest), Ipnet),
            FRELAY => encap!(self, wire::frame_relay::FrameRelayView::new(self.rest), Fr),
            IEEE802_11 => Next::Wlan,
            IEEE802_11_RADIOTAP => match wire::radiotap::RadiotapView::new(self.rest) {
                Ok(v) => {
                    if !self.push(Layer::Radiotap(v)) {
                        return Next::Done;
                    }
                    self.wlan_opts = (v.has_fcs(), v.data_pad(), false);
                    self.advance(v.header_len(), v.payload());
                    self.follow(v.next_layer())
                }
                Err(e) => self.fail(Proto::Radiotap, e),
            },
            NFLOG => encap!(self, wire::nflog::NflogView::new(self.rest), Nflog),
            PPI => match wire::ppi::PpiView::new(self.rest) {
                Ok(v) => {
                    if !self.push(Layer::Ppi(v)) {
                        return Next::Done;
                    }
                    self.advance(v.header_len(), v.payload());
                    self.wlan_opts = (v.fcs_present().unwrap_or(false), false, false);
                    match v.next_layer() {
                        // Another link type inside: dissect by its number.
                        NextLayer::Data if v.dlt() != PPI => Next::Link(v.dlt()),
                        n => self.follow(n),
                    }
                }
                Err(e) => self.fail(Proto::Ppi, e),
            },
            C_HDLC => match wire::chdlc::ChdlcView::new(self.rest) {
                Ok(v) => {
                    self.push(Layer::Chdlc(v));
                    self.advance(v.header_len(), v.payload());
                    Next::Ether(v.protocol())
                }
                Err(e) => self.fail(Proto::Chdlc, e),
            },
            _ => Next::Data,
        }
    }

    fn ethernet(&mut self) -> Next {
        // Cisco FabricPath has its own outer addresses: tshark tries it
        // before reading an Ethernet header.
        if wire::cfp::header_len_of(self.rest).is_some() {
            return encap!(self, wire::cfp::CfpView::new(self.rest), Cfp);
        }
        match EthernetView::new(self.rest) {
            Ok(v) => {
                self.link_idx = Some(self.d.layers.len());
                self.push(Layer::Eth(v));
                self.advance(v.header_len(), v.payload());
                match v.ethertype() {
                    Some(t) => Next::Ether(t),
                    None => self.llc(),
                }
            }
            Err(e) => self.fail(Proto::Eth, e),
        }
    }

    fn llc(&mut self) -> Next {
        match wire::llc::LlcView::new(self.rest) {
            Ok(v) => {
                self.push(Layer::Llc(v));
                self.advance(v.header_len(), v.payload());
                v.snap_pid().map_or(Next::Data, Next::Ether)
            }
            Err(e) => self.fail(Proto::Llc, e),
        }
    }

    fn vlan(&mut self, tpid: u16) -> Next {
        match wire::vlan::VlanView::new(self.rest, tpid) {
            Ok(v) => {
                self.push(Layer::Vlan(v));
                self.advance(v.header_len(), v.payload());
                match v.ethertype() {
                    Some(t) => Next::Ether(t),
                    None => self.llc(),
                }
            }
            Err(e) => self.fail(Proto::Vlan, e),
        }
    }

    fn ether(&mut self, t: u16) -> Next {
        match t {
            ethertype::IPV4 => Next::Ipv4,
            ethertype::IPV6 => Next::Ipv6,
            ethertype::VLAN | ethertype::QINQ | ethertype::QINQ_OLD => self.vlan(t),
            ethertype::ARP => match wire::arp::ArpView::new(self.rest) {
                Ok(v) => {
                    self.push(Layer::Arp(v));
                    self.advance(v.header_len(), v.payload());
                    Next::Done
                }
                Err(e) => self.fail(Proto::Arp, e),
            },
            ethertype::MPLS_UNICAST | ethertype::MPLS_MULTICAST => Next::Mpls,
            ethertype::TRANSPARENT_BRIDGING => Next::Ethernet,
            ethertype::PPP => Next::Ppp,
            ethertype::PPPOE_DISCOVERY | ethertype::PPPOE_SESSION => {
                let made = wire::pppoe::PppoeView::new(self.rest, t == ethertype::PPPOE_DISCOVERY);
                encap!(self, made, Pppoe)
            }
            wire::pbb::ETHERTYPE => encap!(self, wire::pbb::PbbView::new(self.rest), Pbb),
            wire::vntag::ETHERTYPE => encap!(self, wire::vntag::VntagView::new(self.rest), Vntag),
            wire::etag::ETHERTYPE => encap!(self, wire::etag::EtagView::new(self.rest), Etag),
            wire::macsec::ETHERTYPE => {
                encap!(self, wire::macsec::MacsecView::new(self.rest), Macsec)
            }
            wire::nsh::ETHERTYPE => encap!(self, wire::nsh::NshView::new(self.rest), Nsh),
            wire::avsp::ETHERTYPE => encap!(self, wire::avsp::AvspView::new(self.rest), Avsp),
            _ => Next::Data,
        }
    }

    fn ipv4(&mut self) -> Next {
        let v = match wire::ipv4::Ipv4View::new(self.rest) {
            Ok(v) => v,
            Err(e) => return self.fail(Proto::Ip, e),
        };
        let start = self.off;
        let hl = v.header_len();
        if !v.header_len_field_ok() {
            self.d.note(
                Proto::Ip,
                AnomalyKind::Malformed,
                start..start + hl,
                "IPv4 header length below 20 or past the end",
            );
        }
        let mut v = v;
        if self.opts.verify_checksums {
            let st = v.verify_checksum();
            v.set_checksum_status(st);
            if matches!(st, Status::Bad { .. }) {
                self.d.note(
                    Proto::Ip,
                    AnomalyKind::BadChecksum,
                    start + 10..start + 12,
                    "IPv4 header checksum",
                );
            }
        }
        self.trailer(hl.saturating_add(v.wire_payload_len()));
        if !self.push(Layer::Ip(v)) {
            return Next::Done;
        }
        let mut src = [0u8; 16];
        let mut dst = [0u8; 16];
        src[..4].copy_from_slice(&v.src());
        dst[..4].copy_from_slice(&v.dst());
        self.ip = Some(IpCtx {
            v6: false,
            src,
            dst,
        });
        self.advance(hl, v.payload());
        let wire = self.reported(v.wire_payload_len(), Proto::Ip);
        // A first fragment cut by the snap length can never be reassembled:
        // tshark then dissects what there is of its upper layer.
        let unreassemblable_first = v.frag_offset() == 0 && self.rest.len() < wire;
        if v.is_fragment() && !unreassemblable_first {
            // A fragment shows as data; the defragmenter may complete the
            // datagram (tshark likewise dissects the upper layer only on
            // the fragment that completes it).
            if !self.quoted && !self.reassembled && !self.sampled {
                self.d.fragment = Some(Fragment {
                    key: Key::V4 {
                        src: v.src(),
                        dst: v.dst(),
                        proto: v.protocol(),
                        id: v.ident(),
                    },
                    offset: v.frag_byte_offset(),
                    more: v.mf(),
                    data: self.rest,
                    wire_len: v.wire_payload_len(),
                    proto: v.protocol(),
                });
            }
            return Next::Data;
        }
        self.wire_len = wire;
        Next::Ip(v.protocol())
    }

    fn ipv6(&mut self) -> Next {
        let v = match wire::ipv6::Ipv6View::new(self.rest) {
            Ok(v) => v,
            Err(e) => return self.fail(Proto::Ipv6, e),
        };
        self.trailer(40usize.saturating_add(usize::from(v.payload_len())));
        if !self.push(Layer::Ipv6(v)) {
            return Next::Done;
        }
        self.ip = Some(IpCtx {
            v6: true,
            src: v.src(),
            dst: v.dst(),
        });
        self.advance(40, v.payload());
        self.wire_len = self.reported(v.wire_payload_len(), Proto::Ipv6);
        Next::Ip(v.next_header())
    }

    /// The sender left TCP/UDP checksums to its network card: the field
    /// holds no checksum, so it is not judged.
    fn offloaded(&self) -> bool {
        self.d.frame().is_some_and(|f| f.meta.checksum_offloaded)
    }

    /// The upper layer's length on the wire: what the IP header claims, but
    /// no more than the frame had on the wire after this point (a length
    /// past the frame is malformed; a capture cut by the snap length is
    /// not, and keeps the claimed length).
    fn reported(&mut self, claimed: usize, proto: Proto) -> usize {
        if self.quoted || self.reassembled || self.sampled {
            return claimed;
        }
        let frame_len = self.d.frame().map_or(0, |f| f.meta.len as usize);
        // FabricPath's FCS ends the frame: what it carries ends before it.
        let fcs = self
            .d
            .layers
            .iter()
            .filter(|e| matches!(e.layer, Layer::Cfp(_)))
            .count()
            .saturating_mul(wire::cfp::FCS_LEN);
        let left = frame_len.saturating_sub(fcs).saturating_sub(self.off);
        if claimed > left {
            self.d.note(
                proto,
                AnomalyKind::Malformed,
                self.off..self.off + self.rest.len(),
                "IP payload length exceeds the frame",
            );
            return left;
        }
        claimed
    }

    /// Bytes after an IP datagram of `ip_len` bytes at the current offset are
    /// link-layer padding or trailer: tell the Ethernet layer.
    fn trailer(&mut self, ip_len: usize) {
        if self.quoted {
            return;
        }
        let extra = self.rest.len().saturating_sub(ip_len);
        if let Some(Entry {
            layer: Layer::Eth(e),
            ..
        }) = self.link_idx.and_then(|i| self.d.layers.get_mut(i))
        {
            e.set_padding(extra);
        }
        self.link_idx = None;
    }

    fn ip_proto(&mut self, p: u8) -> Next {
        use wire::ipv6_ext::Ipv6ExtView;
        match p {
            ipproto::TCP => self.tcp(),
            ipproto::UDP => self.udp(),
            ipproto::ICMP => self.icmp(),
            ipproto::ICMPV6 => self.icmpv6(),
            ipproto::IPIP => Next::Ipv4,
            ipproto::IPV6 => Next::Ipv6,
            ipproto::GRE => match wire::gre::GreView::new(self.rest) {
                Ok(v) => {
                    self.push(Layer::Gre(v));
                    self.advance(v.header_len(), v.payload());
                    match v.protocol() {
                        gre_proto::ERSPAN_II | gre_proto::ERSPAN_III => {
                            let made = wire::erspan::ErspanView::new(
                                self.rest,
                                v.protocol(),
                                v.sequence_number().is_some(),
                            );
                            encap!(self, made, Erspan)
                        }
                        // WCCP redirects: IP (after a redirect header GRE skips).
                        gre_proto::WCCP => self.follow(NextLayer::IpByVersion),
                        // Aruba access points tunnel raw 802.11 frames.
                        gre_proto::ARUBA_FIRST..=gre_proto::ARUBA_LAST => Next::Wlan,
                        t => Next::Ether(t),
                    }
                }
                Err(e) => self.fail(Proto::Gre, e),
            },
            ipproto::HOPOPTS | ipproto::ROUTING | ipproto::FRAGMENT | ipproto::DSTOPTS
                if self.ip.is_some_and(|c| c.v6) =>
            {
                match Ipv6ExtView::new(self.rest, p) {
                    Ok(v) => {
                        self.push(Layer::Ipv6Ext(v));
                        // The upper layer's checksum covers the addresses
                        // the packet ends at and comes from.
                        if let Some(ip) = self.ip.as_mut() {
                            if let Some(a) = v.final_destination() {
                                ip.dst = a;
                            }
                            if let Some(a) = v.home_address() {
                                ip.src = a;
                            }
                        }
                        let hl = v.header_len();
                        self.wire_len = self.wire_len.saturating_sub(hl);
                        self.advance(hl, v.payload());
                        if p == ipproto::FRAGMENT
                            && (v.more_fragments() || v.frag_offset_bytes() > 0)
                        {
                            if let (Some(ip), false, false) =
                                (self.ip, self.quoted, self.reassembled)
                            {
                                self.d.fragment = Some(Fragment {
                                    key: Key::V6 {
                                        src: ip.src,
                                        dst: ip.dst,
                                        id: v.ident(),
                                    },
                                    offset: v.frag_offset_bytes(),
                                    more: v.more_fragments(),
                                    data: self.rest,
                                    wire_len: self.wire_len,
                                    proto: v.next_header(),
                                });
                            }
                            return Next::Data;
                        }
                        Next::Ip(v.next_header())
                    }
                    Err(e) => self.fail(Proto::Ipv6Ext, e),
                }
            }
            ipproto::AH => match wire::ah::AhView::new(self.rest) {
                Ok(v) => {
                    self.push(Layer::Ah(v));
                    let hl = v.header_len();
                    self.wire_len = self.wire_len.saturating_sub(hl);
                    self.advance(hl, v.payload());
                    Next::Ip(v.next_header())
                }
                Err(e) => self.fail(Proto::Ah, e),
            },
            ipproto::ESP => match wire::esp::EspView::new(self.rest) {
                Ok(v) => {
                    self.push(Layer::Esp(v));
                    Next::Done
                }
                Err(e) => self.fail(Proto::Esp, e),
            },
            _ => Next::Data,
        }
    }

    fn tcp(&mut self) -> Next {
        let made = match (self.quoted, self.ip.is_some_and(|c| c.v6)) {
            // An ICMP error quotes at least 8 bytes of the segment: the ports
            // and the sequence number are worth showing.
            (true, false) => wire::tcp::TcpView::new_quoted(self.rest),
            (true, true) => wire::tcp::TcpView::new_quoted_v6(self.rest),
            (false, _) => wire::tcp::TcpView::new(self.rest),
        };
        let mut v = match made {
            Ok(v) => v.with_wire_len(self.wire_len),
            Err(e) => return self.fail(Proto::Tcp, e),
        };
        if self.opts.verify_checksums && !self.quoted && !self.sampled && !self.offloaded() {
            if let Some(ip) = self.ip {
                let st = v.verify_checksum(ip.pseudo(ipproto::TCP, self.wire_len));
                v.set_checksum_status(st);
                if matches!(st, Status::Bad { .. }) {
                    self.d.note(
                        Proto::Tcp,
                        AnomalyKind::BadChecksum,
                        self.off + 16..self.off + 18,
                        "TCP checksum",
                    );
                }
            }
        }
        if !v.data_offset_ok() {
            self.d.note(
                Proto::Tcp,
                AnomalyKind::Malformed,
                self.off + 12..self.off + 13,
                "TCP header length below 20 or past the end",
            );
        }
        self.push(Layer::Tcp(v));
        self.advance(v.header_len(), v.payload());
        if self.quoted || self.rest.is_empty() || !(self.segment_apps || self.sampled) {
            return Next::Data;
        }
        let found = if self.sampled {
            app::tcp_on_port(v.src_port(), v.dst_port(), self.rest)
        } else {
            app::tcp(v.src_port(), v.dst_port(), self.rest)
        };
        match found {
            Some(a) => self.messages(a, app::to_server(a, v.src_port(), v.dst_port())),
            None => Next::Data,
        }
    }

    /// The whole messages of `app` at the start of this segment's payload,
    /// each a layer; what is left is data. (The flow engine, which sees the
    /// stream, reassembles messages that segments cut.)
    fn messages(&mut self, a: app::App, to_server: bool) -> Next {
        while !self.rest.is_empty() {
            let n = match app::pdu_len(a, self.rest) {
                // The TLS records that follow each other make one layer.
                Pdu::Whole(_) if a == app::App::Tls => wire::tls::whole_records_len(self.rest),
                Pdu::Whole(n) if n <= self.rest.len() => n,
                // A sampled header ends where the agent cut it: what there
                // is of the message is read (tshark shows cut headers).
                Pdu::Need(_) if self.sampled => self.rest.len(),
                _ => return Next::Data,
            };
            if n == 0 {
                return Next::Data;
            }
            let (msg, tail) = self.rest.split_at(n);
            match app::message(a, msg, to_server) {
                Ok(l) => {
                    if !self.push(l) {
                        return Next::Done;
                    }
                }
                Err(e) => {
                    self.rest = msg;
                    return self.fail(app::proto(a), e);
                }
            }
            self.advance(n, tail);
        }
        Next::Done
    }

    fn udp(&mut self) -> Next {
        let made = if self.quoted {
            wire::udp::UdpView::new_quoted(self.rest)
        } else {
            wire::udp::UdpView::new(self.rest)
        };
        let v6 = self.ip.is_some_and(|c| c.v6);
        let mut v = match made {
            Ok(v) => v.with_wire_len(self.wire_len).with_ipv6(v6),
            Err(e) => return self.fail(Proto::Udp, e),
        };
        if self.opts.verify_checksums && !self.quoted && !self.sampled && !self.offloaded() {
            if let Some(ip) = self.ip {
                let st = v.verify_checksum(ip.pseudo(ipproto::UDP, usize::from(v.length())));
                v.set_checksum_status(st);
                if matches!(st, Status::Bad { .. }) {
                    self.d.note(
                        Proto::Udp,
                        AnomalyKind::BadChecksum,
                        self.off + 6..self.off + 8,
                        "UDP checksum",
                    );
                }
            }
        }
        if !v.length_ok() {
            self.d.note(
                Proto::Udp,
                AnomalyKind::Malformed,
                self.off + 4..self.off + 6,
                "UDP length below 8 or past the IP payload",
            );
        }
        self.push(Layer::Udp(v));
        self.advance(8, v.payload());
        // The payload as sent: the UDP length, within the IP payload.
        let payload_len = usize::from(v.length()).min(self.wire_len).saturating_sub(8);
        if self.quoted {
            // tshark reads the application message an ICMP error quotes
            // (a DNS query that met an unreachable port), as far as the
            // quote goes; tunnels and unknown bytes it quotes stay unread.
            return match self.udp_app(v.src_port(), v.dst_port(), payload_len) {
                Next::Data => Next::Done,
                n => n,
            };
        }
        self.udp_payload(v.src_port(), v.dst_port(), payload_len)
    }

    /// Tunnels and encapsulations that UDP ports announce.
    fn udp_payload(&mut self, src: u16, dst: u16, payload_len: usize) -> Next {
        let either = |p: u16| src == p || dst == p;
        if either(port::VXLAN) {
            return match wire::vxlan::VxlanView::new(self.rest) {
                Ok(x) => {
                    self.push(Layer::Vxlan(x));
                    self.advance(x.header_len(), x.payload());
                    Next::Ethernet
                }
                Err(_) => Next::Data,
            };
        }
        if either(wire::vxlan_gpe::PORT) {
            return encap!(
                self,
                wire::vxlan_gpe::VxlanGpeView::new(self.rest),
                VxlanGpe
            );
        }
        if either(wire::geneve::PORT) {
            return encap!(self, wire::geneve::GeneveView::new(self.rest), Geneve);
        }
        if wire::capwap::CapwapView::is_capwap_port(src, dst) {
            return match wire::capwap::CapwapView::for_udp(self.rest, src, dst) {
                Ok(v) => {
                    if !self.push(Layer::Capwap(v)) {
                        return Next::Done;
                    }
                    self.wlan_opts = (false, false, v.wlan_fc_swapped());
                    self.advance(v.header_len(), v.payload());
                    self.follow(v.next_layer())
                }
                Err(e) => self.fail(Proto::Capwap, e),
            };
        }
        // tshark decodes this port as Teredo whatever it holds (its
        // content heuristic is off by default); so do we.
        if either(wire::teredo::PORT) {
            return encap!(self, wire::teredo::TeredoView::new(self.rest), Teredo);
        }
        if either(port::GTP_U) || either(port::GTP_C) {
            return encap!(self, wire::gtp::GtpView::new(self.rest), Gtp);
        }
        if either(wire::sflow::PORT) {
            return match wire::sflow::SflowView::new(self.rest) {
                Ok(v) => self.sflow(v),
                Err(_) => Next::Data,
            };
        }
        if either(port::GTP_PRIME) {
            return encap!(self, wire::gtp::GtpView::new_prime(self.rest), Gtp);
        }
        self.udp_app(src, dst, payload_len)
    }

    /// An sFlow datagram, then each packet header it samples, dissected as
    /// a frame of its own (Ethernet, IPv4 or IPv6) after it.
    fn sflow(&mut self, v: wire::sflow::SflowView<'a>) -> Next {
        use wire::sflow::header_protocol;
        if !self.push(Layer::Sflow(v)) {
            return Next::Done;
        }
        let base = self.off;
        v.sampled_headers(&mut |at, proto, hdr| {
            let next = match proto {
                header_protocol::ETHERNET => Next::Ethernet,
                header_protocol::IPV4 => Next::Ipv4,
                header_protocol::IPV6 => Next::Ipv6,
                _ => return,
            };
            if self.d.layers.is_full() {
                return;
            }
            self.off = base.saturating_add(at);
            self.rest = hdr;
            self.ip = None;
            self.sampled = true;
            self.wire_len = hdr.len();
            self.link_idx = None;
            self.run(next);
        });
        Next::Done
    }

    /// The application protocol of a UDP payload, by port or by content.
    fn udp_app(&mut self, src: u16, dst: u16, payload_len: usize) -> Next {
        match app::udp(src, dst, self.rest, payload_len) {
            Some(a) => match app::datagram(a, self.rest, payload_len) {
                Ok(l) => {
                    self.push(l);
                    Next::Done
                }
                // Not this protocol after all (a stub, or bytes that only
                // share the port): show them as data, as tshark would.
                Err(_) => Next::Data,
            },
            None => Next::Data,
        }
    }

    /// Where an encapsulation's payload goes.
    fn follow(&mut self, n: NextLayer) -> Next {
        match n {
            NextLayer::EtherType(t) => Next::Ether(t),
            NextLayer::Ethernet => Next::Ethernet,
            NextLayer::Ipv4 => Next::Ipv4,
            NextLayer::Ipv6 => Next::Ipv6,
            NextLayer::IpByVersion => match self.rest.first().map(|b| b >> 4) {
                Some(4) => Next::Ipv4,
                Some(6) => Next::Ipv6,
                _ => Next::Data,
            },
            NextLayer::Llc => Next::Llc,
            NextLayer::Ppp => Next::Ppp,
            NextLayer::Wlan => Next::Wlan,
            NextLayer::Data => Next::Data,
            NextLayer::Done => Next::Done,
        }
    }

    fn icmp(&mut self) -> Next {
        let (secs, nanos) = self
            .d
            .frame()
            .map_or((0, 0), |f| (f.meta.ts_secs, f.meta.ts_nanos));
        let mut v = match wire::icmp::IcmpView::new(self.rest) {
            Ok(v) => v.with_wire_len(self.wire_len).with_frame_time(secs, nanos),
            Err(e) => return self.fail(Proto::Icmp, e),
        };
        if self.opts.verify_checksums && !self.quoted {
            let st = v.verify_checksum();
            v.set_checksum_status(st);
            if matches!(st, Status::Bad { .. }) {
                self.d.note(
                    Proto::Icmp,
                    AnomalyKind::BadChecksum,
                    self.off + 2..self.off + 4,
                    "ICMP checksum",
                );
            }
        }
        self.push(Layer::Icmp(v));
        self.quote(v.header_len(), v.quoted(), v.payload(), Next::Ipv4)
    }

    fn icmpv6(&mut self) -> Next {
        let mut v = match wire::icmpv6::Icmpv6View::new(self.rest) {
            Ok(v) => v.with_wire_len(self.wire_len),
            Err(e) => return self.fail(Proto::Icmpv6, e),
        };
        if self.opts.verify_checksums && !self.quoted {
            if let Some(ip) = self.ip {
                let st = v.verify_checksum(ip.pseudo(ipproto::ICMPV6, self.wire_len));
                v.set_checksum_status(st);
                if matches!(st, Status::Bad { .. }) {
                    self.d.note(
                        Proto::Icmpv6,
                        AnomalyKind::BadChecksum,
                        self.off + 2..self.off + 4,
                        "ICMPv6 checksum",
                    );
                }
            }
        }
        self.push(Layer::Icmpv6(v));
        self.quote(v.header_len(), v.quoted(), v.payload(), Next::Ipv6)
    }

    /// Go on into the packet an ICMP error quotes (once: not into a quote
    /// inside a quote), marking its layers as quoted.
    fn quote(
        &mut self,
        hdr: usize,
        quoted: Option<&'a [u8]>,
        payload: &'a [u8],
        next: Next,
    ) -> Next {
        match quoted {
            Some(q) if !self.quoted && !q.is_empty() => {
                self.quoted = true;
                self.advance(hdr, q);
                next
            }
            Some(_) => Next::Done,
            // Echo and other messages carry data of their own.
            None => {
                self.advance(hdr, payload);
                Next::Data
            }
        }
    }

    /// An 802.11 frame, with what the encapsulation said of it.
    fn wlan(&mut self) -> Next {
        let (fcs, pad, swapped) = std::mem::take(&mut self.wlan_opts);
        // A frame cut by the snap length has lost its FCS.
        let whole = self.d.frame().is_some_and(|f| f.meta.cap_len >= f.meta.len);
        let made = wire::wlan::WlanView::new(self.rest, fcs && whole)
            .map(|v| v.with_data_pad(pad).with_swapped_fc(swapped));
        encap!(self, made, Wlan)
    }

    fn ppp(&mut self) -> Next {
        match wire::ppp::PppView::new(self.rest) {
            Ok(v) => {
                self.push(Layer::Ppp(v));
                self.advance(v.header_len(), v.payload());
                wire::ppp::ethertype_for(v.protocol()).map_or(Next::Data, Next::Ether)
            }
            Err(e) => self.fail(Proto::Ppp, e),
        }
    }

    fn mpls(&mut self) -> Next {
        use wire::mpls::{guess_payload, MplsView, Payload};
        loop {
            let v = match MplsView::new(self.rest) {
                Ok(v) => v,
                Err(e) => return self.fail(Proto::Mpls, e),
            };
            if !self.push(Layer::Mpls(v)) {
                return Next::Done;
            }
            self.advance(v.header_len(), v.payload());
            if v.bottom_of_stack() {
                break;
            }
        }
        match guess_payload(self.rest) {
            Payload::Ipv4 => Next::Ipv4,
            Payload::Ipv6 => Next::Ipv6,
            Payload::Ethernet(skip) => {
                self.advance(skip, wire::bytes::tail(self.rest, skip));
                Next::Ethernet
            }
            Payload::Unknown => Next::Data,
        }
    }
}

/// IP protocol numbers (IANA).
mod ipproto {
    pub const HOPOPTS: u8 = 0;
    pub const ICMP: u8 = 1;
    pub const IPIP: u8 = 4;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const IPV6: u8 = 41;
    pub const ROUTING: u8 = 43;
    pub const FRAGMENT: u8 = 44;
    pub const GRE: u8 = 47;
    pub const ESP: u8 = 50;
    pub const AH: u8 = 51;
    pub const ICMPV6: u8 = 58;
    pub const DSTOPTS: u8 = 60;
}

/// Ports that announce a layer we dissect.
mod port {
    pub const VXLAN: u16 = 4789;
    pub const GTP_C: u16 = 2123;
    pub const GTP_U: u16 = 2152;
    pub const GTP_PRIME: u16 = 3386;
}

/// GRE protocol types that are not EtherTypes of a layer we chain by type.
mod gre_proto {
    pub const ERSPAN_II: u16 = 0x88be;
    pub const ERSPAN_III: u16 = 0x22eb;
    pub const WCCP: u16 = 0x883e;
    pub const ARUBA_FIRST: u16 = 0x8200;
    pub const ARUBA_LAST: u16 = 0x82ff;
}
