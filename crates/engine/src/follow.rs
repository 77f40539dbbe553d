//! Following one conversation's payload, as tshark's
//! `-z follow,tcp|udp,<mode>,N` shows it: the two ends (node 0 and 1), then
//! each piece of payload in the order it became readable. The printing is
//! the caller's; this module says what tshark would print and in what
//! order, on top of the flow engine's delivery ([`FlowEngine::delivered`]).
//!
//! tshark's rules, kept here:
//! - TCP: node 0 sent the conversation's first segment (with a sound
//!   header). Each delivered chunk
//!   is one record (tshark never merges segments). A hole skipped because
//!   the peer acknowledged past it becomes its own record, the text
//!   `[N bytes missing in capture file]` and a NUL byte, from the side of
//!   the hole. Bytes still held out of order when the capture ends are not
//!   shown (tshark never shows them).
//! - UDP: node 0 sent the first datagram with payload; each datagram with
//!   payload is one record; empty ones are not followed at all.

use crate::flow::reassembly::Why;
use crate::flow::key::{FlowKey, Side};
use crate::flow::{FlowEngine, FlowOptions, StreamProto};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One end of the conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    pub addr: IpAddr,
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
            addr,
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

/// The state of following one stream.
#[derive(Clone, Debug)]
pub struct Follow {
    proto: StreamProto,
    stream: u32,
    /// The side of the key that is node 0, once known.
    node0: Option<Side>,
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

    /// The flow engine's options that deliver this stream's bytes (and
    /// only this stream's).
    pub fn flow_options(&self, base: FlowOptions) -> FlowOptions {
        FlowOptions {
            reassemble: true,
            reassemble_only: Some((self.proto, self.stream)),
            ..base
        }
    }

    /// Have the ends been found (the stream exists)?
    pub fn found(&self) -> bool {
        self.node0.is_some()
    }

    /// After the engine has processed frame `frame` (or finished): what to
    /// print of it.
    pub fn frame(&mut self, engine: &FlowEngine, frame: u64, out: &mut impl FnMut(Event<'_>)) {
        if self.proto == StreamProto::Tcp && self.node0.is_none() {
            // Node 0 sent the first segment tshark follows.
            if let Some(c) = engine
                .current()
                .filter(|c| c.proto == self.proto && c.stream == self.stream && c.reassembled)
            {
                self.start(&c.key, c.side, out);
            }
        }
        for d in engine.delivered() {
            if d.proto != self.proto || d.stream != self.stream {
                continue;
            }
            // tshark never shows what was still held at the end.
            if d.why == Why::End {
                continue;
            }
            let node0 = match self.node0 {
                Some(s) => s,
                None => {
                    // UDP: the first datagram with payload; TCP (not reached
                    // when the frame's conversation was seen): the originator.
                    let first = if self.proto == StreamProto::Udp || d.from_orig {
                        d.side
                    } else {
                        d.side.other()
                    };
                    self.start(&d.key, first, out);
                    first
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
                bytes: engine.bytes(d),
            });
        }
    }

    fn start(&mut self, key: &FlowKey, node0: Side, out: &mut impl FnMut(Event<'_>)) {
        self.node0 = Some(node0);
        out(Event::Nodes([
            Node::of(key, node0),
            Node::of(key, node0.other()),
        ]));
    }
}
