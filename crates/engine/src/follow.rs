//! Following one conversation's payload, as tshark's
//! `-z follow,tcp|udp,<mode>,N` shows it: the two ends (node 0 and 1), then
//! each piece of payload in the order it became readable. The printing is
//! the caller's; this module says what tshark would print and in what
//! order, on top of the flow engine's delivery ([`FlowEngine::delivered`]).
//!
//! tshark's rules, kept here:
//! - TCP: node 0 sent the conversation's first segment (with a sound
//!   header). Each delivered chunk is one record (tshark never merges
//!   segments). A hole skipped because the peer acknowledged past it
//!   becomes its own record, the text `[N bytes missing in capture file]`
//!   and a NUL byte, from the side of the hole. Bytes still held out of
//!   order when the capture ends are not shown (tshark never shows them).
//! - UDP: tshark's tap takes the payload of every UDP layer of a frame in
//!   which any UDP layer is stream N (a tunnel's and the datagram inside
//!   it), empty ones left out, and tells the ends apart by the frame's
//!   innermost addresses and ports (what its packet info holds once the
//!   whole frame is dissected): node 0 is the source of the first such
//!   frame, a record is node 0's when its frame has the same source.

use crate::dissect::Dissection;
use crate::flow::key::{FlowKey, Side};
use crate::flow::reassembly::Why;
use crate::flow::{FlowEngine, FlowOptions, StreamProto, TcpStreams};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use wiresift_wire::Layer;

/// An address as tshark's packet info holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Address {
    Ip(IpAddr),
    Mac([u8; 6]),
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Address::Ip(a) => a.fmt(f),
            Address::Mac(m) => write!(
                f,
                "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                m[0], m[1], m[2], m[3], m[4], m[5]
            ),
        }
    }
}

/// One end of the conversation (no address: the stream was not found).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    pub addr: Option<Address>,
    pub port: u16,
}

impl Node {
    fn of(key: &FlowKey, side: Side) -> Node {
        let raw = key.addr(side);
        let addr = if let Ok(v4) = <[u8; 4]>::try_from(raw) {
            IpAddr::V4(Ipv4Addr::from(v4))
        } else if let Ok(v6) = <[u8; 16]>::try_from(raw) {
            IpAddr::V6(Ipv6Addr::from(v6))
        } else {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        };
        Node {
            addr: Some(Address::Ip(addr)),
            port: key.port(side),
        }
    }
}

/// What to print, in order.
#[derive(Clone, Copy, Debug)]
pub enum Event<'a> {
    /// The two ends, node 0 first (once, before any record).
    Nodes([Node; 2]),
    /// One record of payload.
    Record {
        /// 0 or 1: who sent it.
        node: u8,
        /// The frame that carried it and its capture time (for a
        /// missing-bytes note, the frame whose acknowledgment revealed the
        /// hole, and time 0 as tshark gives it).
        frame: u64,
        ts_ns: i64,
        bytes: &'a [u8],
    },
}

/// The innermost addresses and ports of a frame outside ICMP quotes: what
/// tshark's packet info holds when its taps run, after the whole frame
/// (an Ethernet frame inside a tunnel gives its MAC addresses; an IPv6
/// routing header of type 0 or 2 its final destination, a home address
/// option its source).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameEnds {
    pub src: Option<Address>,
    pub dst: Option<Address>,
    pub sport: u16,
    pub dport: u16,
}

const ROUTING: u8 = 43;
const DEST_OPTIONS: u8 = 60;
const HOME_ADDRESS: u8 = 0xc9;

impl FrameEnds {
    pub fn of(d: &Dissection) -> FrameEnds {
        let v6 = |b: &[u8]| {
            <[u8; 16]>::try_from(b)
                .ok()
                .map(|a| Address::Ip(IpAddr::V6(Ipv6Addr::from(a))))
        };
        let mut e = FrameEnds::default();
        for x in d.layers.iter().filter(|x| !x.quoted) {
            match &x.layer {
                Layer::Eth(eth) => {
                    e.src = Some(Address::Mac(eth.src()));
                    e.dst = Some(Address::Mac(eth.dst()));
                }
                Layer::Ip(ip) => {
                    e.src = Some(Address::Ip(IpAddr::V4(Ipv4Addr::from(ip.src()))));
                    e.dst = Some(Address::Ip(IpAddr::V4(Ipv4Addr::from(ip.dst()))));
                }
                Layer::Ipv6(ip) => {
                    e.src = Some(Address::Ip(IpAddr::V6(Ipv6Addr::from(ip.src()))));
                    e.dst = Some(Address::Ip(IpAddr::V6(Ipv6Addr::from(ip.dst()))));
                }
                Layer::Ipv6Ext(h)
                    if h.kind() == ROUTING
                        && matches!(h.routing_type(), 0 | 2)
                        && h.segments_left() > 0 =>
                {
                    let last = h.header().get(8..).and_then(|a| a.chunks_exact(16).last());
                    if let Some(a) = last.and_then(v6) {
                        e.dst = Some(a);
                    }
                }
                Layer::Ipv6Ext(h) if h.kind() == DEST_OPTIONS => {
                    let home = h.options().find(|o| o.kind == HOME_ADDRESS);
                    if let Some(a) = home.and_then(|o| v6(o.data)) {
                        e.src = Some(a);
                    }
                }
                Layer::Tcp(t) if !t.is_quoted() => {
                    (e.sport, e.dport) = (t.src_port(), t.dst_port())
                }
                Layer::Udp(u) => (e.sport, e.dport) = (u.src_port(), u.dst_port()),
                _ => {}
            }
        }
        e
    }

    fn source(&self) -> (Option<Address>, u16) {
        (self.src, self.sport)
    }
}

/// Which end node 0 is.
#[derive(Clone, Copy, Debug)]
enum Node0 {
    /// TCP: a side of the conversation's key.
    Side(Side),
    /// UDP: the source address and port of frames from node 0.
    Source(Option<Address>, u16),
}

/// The state of following one stream.
#[derive(Clone, Debug)]
pub struct Follow {
    proto: StreamProto,
    stream: u32,
    node0: Option<Node0>,
    note: Vec<u8>,
}

impl Follow {
    /// Follow `tcp.stream` / `udp.stream` number `stream`.
    pub fn new(proto: StreamProto, stream: u32) -> Follow {
        Follow {
            proto,
            stream,
            node0: None,
            note: Vec::new(),
        }
    }

    /// The flow engine's options that deliver what following needs: this
    /// TCP stream's bytes and no other TCP stream's, or UDP payloads.
    pub fn flow_options(&self, base: FlowOptions) -> FlowOptions {
        FlowOptions {
            reassemble: true,
            reassemble_tcp: match self.proto {
                StreamProto::Tcp => TcpStreams::Only(self.stream),
                StreamProto::Udp => TcpStreams::None,
            },
            ..base
        }
    }

    /// Have the ends been found (the stream exists)?
    pub fn found(&self) -> bool {
        self.node0.is_some()
    }

    /// After the engine has processed frame `frame` (its dissection, whose
    /// ends are `ends`), or finished: what to print of it.
    pub fn frame(
        &mut self,
        engine: (&FlowEngine, &Dissection),
        ends: &FrameEnds,
        frame: u64,
        out: &mut impl FnMut(Event<'_>),
    ) {
        match self.proto {
            StreamProto::Tcp => self.tcp(engine, frame, out),
            StreamProto::Udp => self.udp(engine, ends, out),
        }
    }

    fn tcp(
        &mut self,
        (engine, dis): (&FlowEngine, &Dissection),
        frame: u64,
        out: &mut impl FnMut(Event<'_>),
    ) {
        if self.node0.is_none() {
            // Node 0 sent the first segment tshark follows.
            let first = engine
                .conversations()
                .iter()
                .find(|c| c.proto == StreamProto::Tcp && c.stream == self.stream && c.reassembled);
            if let Some(c) = first {
                self.start_tcp(&c.key, c.side, out);
            }
        }
        for d in engine.delivered() {
            if d.proto != StreamProto::Tcp || d.stream != self.stream {
                continue;
            }
            // tshark never shows what was still held at the end.
            if d.why == Why::End {
                continue;
            }
            let node0 = match self.node0 {
                Some(Node0::Side(s)) => s,
                _ => {
                    // Not reached while the frame's own conversation is
                    // seen first; the originator is the best guess.
                    let s = if d.from_orig { d.side } else { d.side.other() };
                    self.start_tcp(&d.key, s, out);
                    s
                }
            };
            let node = u8::from(d.side != node0);
            if d.gap_before > 0 && d.why != Why::InOrder {
                self.note.clear();
                self.note.extend_from_slice(
                    format!("[{} bytes missing in capture file]\0", d.gap_before).as_bytes(),
                );
                out(Event::Record {
                    node,
                    frame,
                    ts_ns: 0,
                    bytes: &self.note,
                });
            }
            out(Event::Record {
                node,
                frame: d.frame,
                ts_ns: d.ts_ns,
                bytes: engine.bytes(d, dis),
            });
        }
    }

    fn udp(
        &mut self,
        (engine, dis): (&FlowEngine, &Dissection),
        ends: &FrameEnds,
        out: &mut impl FnMut(Event<'_>),
    ) {
        let ours = engine
            .conversations()
            .iter()
            .any(|c| c.proto == StreamProto::Udp && c.stream == self.stream);
        if !ours {
            return;
        }
        for d in engine.delivered() {
            if d.proto != StreamProto::Udp {
                continue;
            }
            let bytes = engine.bytes(d, dis);
            if bytes.is_empty() {
                continue;
            }
            let source = match self.node0 {
                Some(Node0::Source(a, p)) => (a, p),
                _ => {
                    self.node0 = Some(Node0::Source(ends.src, ends.sport));
                    out(Event::Nodes([
                        Node {
                            addr: ends.src,
                            port: ends.sport,
                        },
                        Node {
                            addr: ends.dst,
                            port: ends.dport,
                        },
                    ]));
                    ends.source()
                }
            };
            out(Event::Record {
                node: u8::from(ends.source() != source),
                frame: d.frame,
                ts_ns: d.ts_ns,
                bytes,
            });
        }
    }

    fn start_tcp(&mut self, key: &FlowKey, node0: Side, out: &mut impl FnMut(Event<'_>)) {
        self.node0 = Some(Node0::Side(node0));
        out(Event::Nodes([
            Node::of(key, node0),
            Node::of(key, node0.other()),
        ]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::craft;
    use crate::defrag::Limits;
    use crate::{Dissection, Dissector, Options};
    use wiresift_wire::tcp::flag;

    /// A segment from the client (`up`) or the server (port 80).
    fn seg(up: bool, seq: u32, ack: u32, flags: u16, data: &[u8]) -> Vec<u8> {
        craft::client_server_segment(up, 80, seq, ack, flags, data)
    }

    /// Follow stream 0 over `frames`: (node, text) of each record.
    fn follow(frames: &[Vec<u8>]) -> (Vec<Node>, Vec<(u8, String)>) {
        let mut f = Follow::new(StreamProto::Tcp, 0);
        let mut dis = Dissector::new(Options::default(), Limits::default())
            .with_flows(f.flow_options(FlowOptions::default()));
        let mut nodes = Vec::new();
        let mut recs = Vec::new();
        let mut take = |ev: Event<'_>| match ev {
            Event::Nodes(n) => nodes.extend(n),
            Event::Record { node, bytes, .. } => {
                recs.push((node, String::from_utf8_lossy(bytes).into_owned()))
            }
        };
        for (i, data) in frames.iter().enumerate() {
            let meta = craft::nth_frame_meta(i, data);
            let mut d = Dissection::default();
            let e = dis.dissect(meta, data, &mut d);
            let ends = FrameEnds::of(&d);
            if let Some(e) = e {
                f.frame((e, &d), &ends, meta.number, &mut take);
            }
        }
        if let Some(e) = dis.flows.as_mut() {
            e.finish();
            let none = Dissection::default();
            f.frame((e, &none), &FrameEnds::default(), 99, &mut take);
        }
        (nodes, recs)
    }

    #[test]
    fn in_order_out_of_order_retransmitted_and_lost() {
        let (a, s) = (100u32, 5000u32);
        let ack = flag::ACK;
        let frames = vec![
            seg(true, a, 0, flag::SYN, b""),
            seg(false, s, a + 1, flag::SYN | ack, b""),
            seg(true, a + 1, s + 1, ack, b"GET "),
            seg(true, a + 9, s + 1, ack, b"HTTP"), // ahead of "/x  "
            seg(true, a + 5, s + 1, ack, b"/x  "), // fills the hole
            seg(true, a + 1, s + 1, ack, b"GET /x  "), // retransmission
            seg(false, s + 1, a + 13, ack, b"OK"),
            seg(false, s + 9, a + 13, ack, b"late"), // 6 bytes lost before it
            seg(true, a + 13, s + 20, ack, b""),     // acknowledges past the hole
            seg(false, s + 30, a + 13, ack, b"held"), // never in order
        ];
        let (nodes, recs) = follow(&frames);
        assert_eq!(nodes.len(), 2);
        assert_eq!(nodes[0].port, 40000);
        assert_eq!(nodes[1].port, 80);
        let want: Vec<(u8, String)> = vec![
            (0, "GET ".into()),
            (0, "/x  ".into()),
            (0, "HTTP".into()),
            (1, "OK".into()),
            (1, "[6 bytes missing in capture file]\0".into()),
            (1, "late".into()),
        ];
        assert_eq!(recs, want);
    }

    #[test]
    fn a_stream_not_in_the_capture_has_no_ends() {
        let (nodes, recs) = follow(&[]);
        assert!(nodes.is_empty() && recs.is_empty());
    }
}
