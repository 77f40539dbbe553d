//! Application messages over reassembled TCP streams: after the flow
//! engine has put a frame's bytes in sequence order, each conversation's
//! protocol is chosen (by port, by content), each direction is cut into
//! messages, and the frame that completes a message shows it — as tshark
//! shows a PDU on the segment that completes it.

use crate::app::{self, App};
use crate::dissect::Dissection;
use crate::flow::app_stream::AppStream;
use crate::flow::key::{FlowKey, Side};
use crate::flow::table::Table;
use crate::flow::{FlowEngine, StreamProto};
use std::ops::Range;
use wire::tls::{self, Session};
use wire::Layer;
use wiresift_wire as wire;

/// Bytes held for unfinished messages over all conversations: past this, a
/// stream that would hold more gives its message up (counted).
pub const MAX_HELD_TOTAL: u64 = 64 << 20;

/// Conversations whose protocol is looked for this many times (the first
/// payloads of each side) before it is given up.
const TRIES: u8 = 4;

/// One conversation's application state.
#[derive(Debug, Default)]
struct AppConv {
    /// The conversation's stream number: a new one on the same key (ports
    /// reused) starts afresh.
    stream: u32,
    app: Option<App>,
    tries: u8,
    /// Framing of each side of the key ([`Side::index`]).
    sides: [AppStream; 2],
    /// The frame each side last began (its shown bytes are dropped once a
    /// frame).
    began: [u64; 2],
    /// TLS: what each side's records need to be read right (the version
    /// the server chose; a ChangeCipherSpec sent in an earlier frame).
    tls: [Session; 2],
    /// A ChangeCipherSpec sent in the current frame (it counts from the
    /// next one, as in tshark).
    ccs_now: [bool; 2],
}

/// A message the current frame completes.
#[derive(Clone, Debug)]
struct Shown {
    side: Side,
    range: Range<usize>,
    app: App,
    to_server: bool,
    /// TLS session state the message is read with.
    tls: Session,
}

/// What the stream application layer counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AppStats {
    pub messages: u64,
    /// Unfinished messages given up because the budget was spent.
    pub over_budget: u64,
    pub evicted: u64,
}

/// Application state of every TCP conversation, bounded like the flows.
pub struct StreamApps {
    table: Table<AppConv>,
    /// The current frame's messages: where they are and what they are.
    shown: Vec<Shown>,
    /// Reused for the ranges one delivery completes.
    scratch: Vec<Range<usize>>,
    current: Option<(FlowKey, Side)>,
    frame: u64,
    /// Bytes held for unfinished messages, all conversations together.
    held: u64,
    pub stats: AppStats,
}

impl StreamApps {
    pub fn new(max_flows: usize) -> Self {
        StreamApps {
            table: Table::new(max_flows),
            shown: Vec::new(),
            scratch: Vec::new(),
            current: None,
            frame: 0,
            held: 0,
            stats: AppStats::default(),
        }
    }

    /// Frame what the flow engine delivered for frame `frame`; remember the
    /// messages of the frame's own conversation. `fin` says the frame
    /// closes its sender's direction (a body that runs to the close ends).
    pub fn frame(&mut self, flows: &FlowEngine, frame: u64, now_ns: i64, fin: bool) {
        self.shown.clear();
        self.frame = frame;
        self.current = flows
            .current()
            .filter(|c| c.proto == StreamProto::Tcp)
            .map(|c| (c.key, c.side));
        for dl in flows.delivered() {
            if dl.proto != StreamProto::Tcp {
                continue;
            }
            let bytes = flows.bytes(dl);
            let slot = match self.table.find(&dl.key) {
                Some(s) => s,
                None => {
                    let (s, evicted) = self.table.insert(dl.key, AppConv::default(), now_ns);
                    if let Some(x) = evicted {
                        self.stats.evicted += 1;
                        self.release(&x.value);
                    }
                    s
                }
            };
            self.table.touch(slot, now_ns);
            let Some(conv) = self.table.get_mut(slot) else {
                continue;
            };
            if conv.stream != dl.stream {
                let was = conv.sides.iter().map(|x| x.held() as u64).sum::<u64>();
                self.held = self.held.saturating_sub(was);
                *conv = AppConv {
                    stream: dl.stream,
                    ..AppConv::default()
                };
            }
            if conv.app.is_none() && !bytes.is_empty() && conv.tries < TRIES {
                conv.tries += 1;
                let (src, dst) = (dl.key.port(dl.side), dl.key.port(dl.side.other()));
                conv.app = app::tcp(src, dst, bytes);
            }
            let Some(a) = conv.app else {
                continue;
            };
            let i = dl.side.index();
            if conv.began[i] != frame {
                conv.began[i] = frame;
                conv.sides[i].begin_frame();
                if std::mem::take(&mut conv.ccs_now[i]) {
                    conv.tls[i].ccs_seen = true;
                }
            }
            let mine = self.current == Some((dl.key, dl.side));
            let to_server = app::to_server(a, dl.key.port(dl.side), dl.key.port(dl.side.other()));
            let mut got = std::mem::take(&mut self.scratch);
            got.clear();
            let before = conv.sides[i].held() as u64;
            conv.sides[i].push(a, bytes, dl.gap_before, &mut |r| got.push(r));
            let after = conv.sides[i].held() as u64;
            self.held = self.held.saturating_sub(before).saturating_add(after);
            if self.held > MAX_HELD_TOTAL && after > 0 {
                conv.sides[i].give_up();
                self.held = self.held.saturating_sub(after);
                self.stats.over_budget += 1;
            }
            for r in got.drain(..) {
                self.stats.messages += 1;
                // A 101 Switching Protocols turns the rest of the stream
                // (both ways) into the new protocol.
                let session = conv.tls[i];
                if a == App::Tls {
                    let msg = conv.sides[i].bytes().get(r.clone()).unwrap_or(&[]);
                    match msg.first() {
                        Some(&tls::content_type::CHANGE_CIPHER_SPEC) => conv.ccs_now[i] = true,
                        Some(&tls::content_type::HANDSHAKE) if !session.ccs_seen => {
                            let sh = tls::TlsView::new(msg)
                                .ok()
                                .and_then(|v| v.server_hello())
                                .map(|h| h.negotiated_version());
                            if let Some(v) = sh {
                                conv.tls[0].version = v;
                                conv.tls[1].version = v;
                            }
                        }
                        _ => {}
                    }
                }
                if a == App::Http {
                    let msg = conv.sides[i].bytes().get(r.clone()).unwrap_or(&[]);
                    if let Some(next) = app::message(a, msg, to_server)
                        .ok()
                        .and_then(|l| app::upgrade(a, &l))
                    {
                        conv.app = Some(next);
                    }
                }
                if mine {
                    self.shown.push(Shown {
                        side: dl.side,
                        range: r,
                        app: a,
                        to_server,
                        tls: session,
                    });
                }
            }
            self.scratch = got;
        }
        // The sender closed its direction: a message that runs to the close
        // is whole.
        if let (true, Some((key, side))) = (fin, self.current) {
            let i = side.index();
            if let Some(conv) = self.table.find(&key).and_then(|s| self.table.get_mut(s)) {
                if let Some(a) = conv.app {
                    if conv.began[i] != frame {
                        conv.began[i] = frame;
                        conv.sides[i].begin_frame();
                    }
                    let to_server = app::to_server(a, key.port(side), key.port(side.other()));
                    let shown = &mut self.shown;
                    conv.sides[i].close(a, &mut |range| {
                        shown.push(Shown {
                            side,
                            range,
                            app: a,
                            to_server,
                            tls: Session::default(),
                        })
                    });
                }
            }
        }
    }

    /// A conversation leaves: what it held is no longer counted.
    fn release(&mut self, c: &AppConv) {
        let was = c.sides.iter().map(|x| x.held() as u64).sum::<u64>();
        self.held = self.held.saturating_sub(was);
    }

    /// Bytes held for unfinished messages, all conversations together.
    pub fn held(&self) -> u64 {
        self.held
    }

    /// The protocol of the current frame's conversation, once known.
    pub fn current_app(&self) -> Option<App> {
        let (key, _) = self.current?;
        self.table.find(&key).and_then(|s| self.table.get(s))?.app
    }

    /// Put the current frame's messages in `d` after its TCP layer (the
    /// last one), in place of what the stateless dissection put there: a
    /// segment that only carries part of a message shows no layer above
    /// TCP, as in tshark.
    pub fn layers<'a>(&'a self, d: &mut Dissection<'a>) {
        let Some((key, _)) = self.current else {
            return;
        };
        let Some(conv) = self.table.find(&key).and_then(|s| self.table.get(s)) else {
            return;
        };
        if conv.app.is_none() {
            return;
        }
        let Some(tcp) = d
            .layers
            .iter()
            .rposition(|e| !e.quoted && matches!(e.layer, Layer::Tcp(_)))
        else {
            return;
        };
        d.truncate_after(tcp);
        let mut i = 0;
        while let Some(m) = self.shown.get(i) {
            let bytes = conv.sides[m.side.index()].bytes();
            // TLS records that follow each other make one layer, as tshark
            // shows one TLS layer with several records.
            let mut end = m.range.end;
            i += 1;
            while let Some(n) = self.shown.get(i) {
                if m.app != App::Tls
                    || n.app != App::Tls
                    || n.side != m.side
                    || n.range.start != end
                {
                    break;
                }
                end = n.range.end;
                i += 1;
            }
            let Some(msg) = bytes.get(m.range.start..end) else {
                continue;
            };
            let made = match m.app {
                App::Tls => tls::TlsView::new(msg).map(|v| Layer::Tls(v.with_session(m.tls))),
                a => app::message(a, msg, m.to_server),
            };
            match made {
                Ok(l) => {
                    if !d.push_reassembled(l) {
                        return;
                    }
                }
                Err(e) => d.note_error(app::proto(m.app), e, msg.len()),
            }
        }
    }
}
