//! Application messages over reassembled TCP streams: after the flow
//! engine has put a frame's bytes in sequence order, each conversation's
//! protocol is chosen (by port, by content), each direction is cut into
//! messages, and the frame that completes a message shows it — as tshark
//! shows a PDU on the segment that completes it.

use crate::app::{self, App};
use crate::dissect::Dissection;
use crate::flow::app_stream::{AppStream, Asked, Bodies, Cut};
use crate::flow::key::{FlowKey, Side};
use crate::flow::{FlowEngine, StreamProto};
use crate::h2_streams;
use crate::logs::mime::Mail;
use crate::openvpn::Gathered;
use crate::smtp_session::SmtpConv;
use std::ops::Range;
use wire::http::FirstLine;
use wire::http2::hpack::{self, HeaderList, HpackError};
use wire::http2::{self, Http2View};
use wire::imf::ImfView;
use wire::openvpn;
use wire::socks;
use wire::tls::{self, Session};
use wire::Layer;
use wiresift_wire as wire;

/// Memory taken for unfinished messages over all conversations (room
/// reserved for a message's announced length included, which may take
/// half of it): past this, a stream that would take more gives its message
/// up (counted).
pub const MAX_HELD_TOTAL: u64 = 64 << 20;

/// HTTP/2: the largest header block gathered from HEADERS and CONTINUATION
/// frames; a larger one is not decoded (and its direction's HPACK state is
/// lost).
const MAX_H2_BLOCK: usize = 64 << 10;

/// HTTP/2: decoded headers kept for one frame's layers; blocks past this
/// are still decoded (for the table) but not shown.
const MAX_FRAME_HEADERS: usize = 1 << 20;

/// HTTP/2 state charged per conversation: two HPACK tables and two
/// gathered blocks at their caps.
const H2_CHARGE: u64 = 2 * (hpack::MAX_TABLE as u64 + MAX_H2_BLOCK as u64);

/// HTTP/2 state over all conversations: past this, a new HTTP/2
/// conversation's header blocks are not decoded (counted).
pub const MAX_H2_TOTAL: u64 = 64 << 20;

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
    /// HTTP/2: HPACK state, made on the first frame (charged against
    /// [`MAX_H2_TOTAL`]); `h2_refused` when the budget was spent then.
    h2: Option<Box<H2Conv>>,
    h2_refused: bool,
    /// SMTP: the client's side as the session cuts it (made on the first
    /// message either way).
    smtp: Option<Box<SmtpConv>>,
    /// A SOCKS proxy granted the connection: the protocol inside is found
    /// by content, not by the proxy's port.
    tunnel: bool,
    /// OpenVPN: the TLS session of its control channel (made on the first
    /// control message).
    openvpn: Option<Box<OpenvpnTls>>,
}

/// The TLS records OpenVPN's control messages carry, per side of the key
/// (see [`crate::openvpn`]).
#[derive(Debug, Default)]
struct OpenvpnTls {
    gathered: [Gathered; 2],
    /// The records the side's current frame completed.
    shown: [Vec<u8>; 2],
}

impl OpenvpnTls {
    fn held(&self) -> usize {
        let g: usize = self.gathered.iter().map(Gathered::held).sum();
        g + self.shown.iter().map(Vec::len).sum::<usize>()
    }
}

impl AppConv {
    /// Memory taken for unfinished messages.
    fn held(&self) -> u64 {
        let sides = self.sides.iter().map(|x| x.taken() as u64).sum::<u64>();
        let openvpn = self.openvpn.as_ref().map_or(0, |o| o.held() as u64);
        sides + openvpn + self.smtp.as_ref().map_or(0, |s| s.held() as u64)
    }
}

/// What one TLS record `rec` sent by side `i` tells of the session (`tls`
/// per side): a ChangeCipherSpec (`ccs_now`: it counts from the next
/// frame), the version a ServerHello chose.
fn note_tls_record(tls: &mut [Session; 2], ccs_now: &mut [bool; 2], i: usize, rec: &[u8]) {
    let ccs_seen = tls.get(i).is_some_and(|s| s.ccs_seen);
    match rec.first() {
        Some(&tls::content_type::CHANGE_CIPHER_SPEC) => {
            if let Some(c) = ccs_now.get_mut(i) {
                *c = true;
            }
        }
        Some(&tls::content_type::HANDSHAKE) if !ccs_seen => {
            let sh = tls::TlsView::new(rec)
                .ok()
                .and_then(|v| v.server_hello())
                .map(|h| h.negotiated_version());
            if let Some(v) = sh {
                tls[0].version = v;
                tls[1].version = v;
            }
        }
        _ => {}
    }
}

/// One HTTP/2 conversation's header decoding, per side of the key, and
/// its streams' bodies.
#[derive(Debug, Default)]
struct H2Conv {
    hpack: [hpack::Decoder; 2],
    /// A header block gathered until its END_HEADERS frame.
    pending: [Vec<u8>; 2],
    bodies: h2_streams::Conn,
}

/// The header list an HTTP/2 frame completes: its marks in
/// `StreamApps::headers`, and why decoding stopped, if it did.
#[derive(Clone, Debug)]
struct Decoded {
    marks: (usize, usize),
    error: Option<HpackError>,
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
    /// HTTP/2: the header list the frame completes.
    headers: Option<Decoded>,
    /// HTTP/2: the body the frame ends.
    body: Option<h2_streams::Marks>,
    /// TLS records from OpenVPN's control channel (`range` is in its
    /// gathered records, not in the stream).
    openvpn: bool,
    /// HTTP: body bytes after `range`, counted and not kept.
    elided: u64,
    /// HTTP: the decoded length of such a body, when content-coded.
    decoded: Option<u64>,
    /// HTTP: when the body's first chunk was whole, if before this frame.
    chunk_at: Option<i64>,
    /// HTTP: the parts of a multipart body counted past its head
    /// ([`Cut::parts`]).
    parts: Option<Box<Mail>>,
}

/// What the stream application layer counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AppStats {
    pub messages: u64,
    /// Unfinished messages given up because the budget was spent.
    pub over_budget: u64,
    /// HTTP/2 conversations whose headers are not decoded: the HPACK
    /// budget was spent.
    pub h2_refused: u64,
    /// HTTP/2 header blocks that could not be decoded (malformed, too
    /// large, or after such a block in the same direction).
    pub hpack_errors: u64,
    pub h2_bodies: h2_streams::BodyStats,
    /// OpenVPN control channel bytes dropped: more than
    /// [`crate::openvpn::MAX_GATHERED`] gathered without ending on a whole
    /// TLS record.
    pub openvpn_dropped: u64,
}

/// Application state of every TCP conversation.
pub struct StreamApps {
    /// By the conversation's slot in the flow engine's TCP table (so as
    /// many as it holds), which each delivery names: no look-up per
    /// delivery. A slot's next conversation starts afresh: its stream
    /// number differs.
    convs: Vec<AppConv>,
    /// The most slots there are (the flow table's bound).
    max_slots: usize,
    /// The current frame's messages: where they are and what they are.
    shown: Vec<Shown>,
    /// Reused for the messages one delivery completes.
    scratch: Vec<Cut>,
    /// What is kept of HTTP bodies.
    pub keep: Bodies,
    /// The current frame's TCP conversation: key and sender, and its slot
    /// and stream number.
    current: Option<(FlowKey, Side)>,
    current_slot: Option<(u32, u32)>,
    /// The directions whose buffers hold messages this frame shows: their
    /// bytes go at the start of the next frame, not at their direction's
    /// next segment (which may never come), so no idle direction keeps
    /// the last message it completed. (Slot, stream number, side): the
    /// stream number tells whether the slot still holds that conversation.
    showing: Vec<(u32, u32, Side)>,
    frame: u64,
    /// Memory taken for unfinished messages, all conversations together.
    held: u64,
    /// HTTP/2 state charged, all conversations together.
    h2_held: u64,
    /// The header lists of the current frame's HTTP/2 frames.
    headers: HeaderList,
    /// HTTP/2 bodies: what all conversations hold, and the current frame's.
    h2_bodies: h2_streams::Budget,
    bodies: h2_streams::Shown,
    pub stats: AppStats,
}

impl StreamApps {
    pub fn new(max_flows: usize) -> Self {
        StreamApps {
            convs: Vec::new(),
            max_slots: max_flows,
            shown: Vec::new(),
            scratch: Vec::new(),
            keep: Bodies::Whole,
            current: None,
            current_slot: None,
            showing: Vec::new(),
            frame: 0,
            held: 0,
            h2_held: 0,
            headers: HeaderList::default(),
            h2_bodies: h2_streams::Budget::default(),
            bodies: h2_streams::Shown::default(),
            stats: AppStats::default(),
        }
    }

    /// Frame what the flow engine delivered for frame `frame`, captured at
    /// `ts_ns`; remember the messages of the frame's own conversation.
    /// `fin` says the frame closes its sender's direction (a body that runs
    /// to the close ends).
    pub fn frame(
        &mut self,
        (flows, d): (&FlowEngine, &Dissection),
        (frame, ts_ns): (u64, i64),
        fin: bool,
    ) {
        self.forget_shown();
        self.shown.clear();
        self.headers.clear();
        self.bodies.clear();
        self.frame = frame;
        let current = flows.current().filter(|c| c.proto == StreamProto::Tcp);
        self.current = current.map(|c| (c.key, c.side));
        self.current_slot = current.map(|c| (c.slot, c.stream));
        for dl in flows.delivered() {
            if dl.proto != StreamProto::Tcp {
                continue;
            }
            let bytes = flows.bytes(dl, d);
            let slot = dl.slot;
            let at = slot as usize;
            if at >= self.convs.len() && at < self.max_slots {
                self.convs.resize_with(at + 1, AppConv::default);
            }
            let Some(conv) = self.convs.get_mut(at) else {
                continue;
            };
            if conv.stream != dl.stream {
                let was = conv.held();
                self.held = self.held.saturating_sub(was);
                if let Some(h2) = &conv.h2 {
                    self.h2_held = self.h2_held.saturating_sub(H2_CHARGE);
                    self.h2_bodies.release(&h2.bodies);
                }
                *conv = AppConv {
                    stream: dl.stream,
                    ..AppConv::default()
                };
            }
            if conv.app.is_none() && !bytes.is_empty() && conv.tries < TRIES {
                conv.tries += 1;
                let (src, dst) = (dl.key.port(dl.side), dl.key.port(dl.side.other()));
                conv.app = if conv.tunnel {
                    app::by_content(bytes)
                } else {
                    app::tcp(src, dst, bytes)
                };
            }
            let Some(a) = conv.app else {
                continue;
            };
            let i = dl.side.index();
            // What the conversation holds is charged to the budget by how
            // much this delivery changed it, whatever part changed.
            let before = conv.held();
            if conv.began[i] != frame {
                conv.began[i] = frame;
                conv.sides[i].begin_frame();
                if std::mem::take(&mut conv.ccs_now[i]) {
                    conv.tls[i].ccs_seen = true;
                }
                if let Some(s) = conv.openvpn.as_deref_mut().and_then(|o| o.shown.get_mut(i)) {
                    s.clear();
                }
            }
            let mine = self.current == Some((dl.key, dl.side));
            let to_server = app::to_server(a, dl.key.port(dl.side), dl.key.port(dl.side.other()));
            let mut got = std::mem::take(&mut self.scratch);
            got.clear();
            if a == App::Smtp && to_server {
                // What the client's bytes are depends on the session.
                let s = conv.smtp.get_or_insert_with(Box::default);
                s.client(bytes, dl.gap_before, frame, &mut |range| {
                    got.push(Cut {
                        range,
                        elided: 0,
                        decoded: None,
                        chunk_at: None,
                        parts: None,
                    })
                });
            } else {
                // Room taken ahead of the bytes is charged like bytes: it
                // may take half the budget, the rest is for bytes seen.
                let room = (MAX_HELD_TOTAL / 2).saturating_sub(self.held) as usize;
                let how = (room, self.keep, ts_ns);
                conv.sides[i].push(a, bytes, dl.gap_before, how, &mut |c| got.push(c));
            }
            if !got.is_empty() {
                self.showing.push((slot, dl.stream, dl.side));
            }
            let after = conv.held();
            if self.held.saturating_sub(before).saturating_add(after) > MAX_HELD_TOTAL && after > 0
            {
                conv.sides[i].give_up();
                if let Some(s) = conv.smtp.as_deref_mut() {
                    s.give_up();
                }
                conv.openvpn = None;
                self.stats.over_budget += 1;
            }
            for Cut {
                range: r,
                elided,
                decoded,
                chunk_at,
                parts,
            } in got.drain(..)
            {
                self.stats.messages += 1;
                // A 101 Switching Protocols turns the rest of the stream
                // (both ways) into the new protocol.
                let session = conv.tls[i];
                if a == App::Smtp && !to_server {
                    let msg = conv.sides[i].bytes().get(r.clone()).unwrap_or(&[]);
                    conv.smtp.get_or_insert_with(Box::default).reply(msg);
                }
                if a == App::Tls {
                    let msg = conv.sides[i].bytes().get(r.clone()).unwrap_or(&[]);
                    note_tls_record(&mut conv.tls, &mut conv.ccs_now, i, msg);
                }
                // OpenVPN: the TLS records its control messages complete.
                let mut openvpn_tls = None;
                if a == App::Openvpn {
                    let msg = conv.sides[i].bytes().get(r.clone()).unwrap_or(&[]);
                    let v = openvpn::OpenvpnView::new_tcp(msg)
                        .ok()
                        .filter(|v| v.is_control());
                    if let Some(v) = v {
                        let o = conv.openvpn.get_or_insert_with(Box::default);
                        let dropped = &mut self.stats.openvpn_dropped;
                        if let (Some(g), Some(shown)) = (o.gathered.get_mut(i), o.shown.get_mut(i))
                        {
                            openvpn_tls =
                                g.push(v.payload(), v.ends_message(), false, shown, dropped);
                        }
                    }
                    // Each record noted as a TLS stream's would be.
                    let o = conv.openvpn.as_deref();
                    let recs = openvpn_tls.clone().and_then(|tr| o?.shown.get(i)?.get(tr));
                    if let Some(v) = recs.and_then(|b| Some((b, tls::TlsView::new(b).ok()?))) {
                        for r in v.1.records() {
                            let rec = v.0.get(r.range()).unwrap_or(&[]);
                            note_tls_record(&mut conv.tls, &mut conv.ccs_now, i, rec);
                        }
                    }
                }
                if a == App::Http {
                    // The start line says all but a 101's new protocol.
                    let msg = conv.sides[i].bytes().get(r.clone()).unwrap_or(&[]);
                    let first = FirstLine::of(msg);
                    // A request: the other side's response to it is framed
                    // by its method (HEAD: no body).
                    let asked = first.and_then(|f| f.method()).map(Asked::of);
                    if first.and_then(|f| f.status()) == Some(101) {
                        let layer = app::message(a, msg, to_server).ok();
                        if let Some(next) = layer.and_then(|l| app::upgrade(a, &l)) {
                            conv.app = Some(next);
                        }
                    }
                    if let Some(asked) = asked {
                        conv.sides[dl.side.other().index()].expect_response(asked);
                    }
                }
                if let App::Socks(m) = a {
                    // The handshake's next message, or the tunnelled
                    // protocol once the proxy granted the connection.
                    let msg = conv.sides[i].bytes().get(r.clone()).unwrap_or(&[]);
                    match m.after(msg) {
                        socks::After::Next(n) => conv.app = Some(App::Socks(n)),
                        socks::After::Tunnel => {
                            (conv.app, conv.tries, conv.tunnel) = (None, 0, true);
                        }
                        socks::After::Over => (conv.app, conv.tries) = (None, TRIES),
                    }
                }
                let (mut headers, mut body) = (None, None);
                if a == App::Http2 {
                    if conv.h2.is_none() && !conv.h2_refused {
                        if self.h2_held.saturating_add(H2_CHARGE) <= MAX_H2_TOTAL {
                            conv.h2 = Some(Box::default());
                            self.h2_held += H2_CHARGE;
                        } else {
                            conv.h2_refused = true;
                            self.stats.h2_refused += 1;
                        }
                    }
                    if let Some(h2) = conv.h2.as_deref_mut() {
                        let msg = conv.sides[i].bytes().get(r.clone()).unwrap_or(&[]);
                        let errors = &mut self.stats.hpack_errors;
                        // Headers are decoded for the body's content type
                        // and coding too: those of a frame not shown are
                        // dropped once read.
                        let mark = self.headers.mark();
                        headers = h2_frame(h2, i, msg, &mut self.headers, errors);
                        if let Ok(v) = Http2View::new(msg) {
                            let list = headers
                                .as_ref()
                                .map(|h| self.headers.headers(h.marks.0, h.marks.1));
                            let show = mine.then_some(&mut self.bodies);
                            let budget = &mut self.h2_bodies;
                            body = h2.bodies.frame(&v, i, frame, list.as_ref(), budget, show);
                            self.stats.h2_bodies = budget.stats;
                        }
                        if !mine {
                            self.headers.truncate(mark);
                            headers = None;
                        }
                    }
                }
                if mine {
                    // A PROXY header before the stream's protocol is its
                    // own layer (never merged with TLS records).
                    let msg = conv.sides[i].bytes().get(r.clone()).unwrap_or(&[]);
                    let proxy = wire::proxy::header_len(msg).is_some();
                    self.shown.push(Shown {
                        side: dl.side,
                        range: r,
                        app: if proxy { App::Proxy } else { a },
                        to_server,
                        tls: session,
                        headers,
                        body,
                        openvpn: false,
                        elided,
                        decoded,
                        chunk_at,
                        parts,
                    });
                    if let Some(range) = openvpn_tls {
                        self.shown.push(Shown {
                            side: dl.side,
                            range,
                            app: App::Tls,
                            to_server,
                            tls: session,
                            headers: None,
                            body: None,
                            openvpn: true,
                            elided: 0,
                            decoded: None,
                            chunk_at: None,
                            parts: None,
                        });
                    }
                }
            }
            // OpenVPN's control channel grew while its messages were read.
            self.held = self.held.saturating_sub(before).saturating_add(conv.held());
            self.scratch = got;
        }
        // The sender closed its direction: a message that runs to the close
        // is whole.
        if let (true, Some((key, side)), Some((slot, stream))) =
            (fin, self.current, self.current_slot)
        {
            let i = side.index();
            let conv = self.convs.get_mut(slot as usize);
            if let Some(conv) = conv.filter(|c| c.stream == stream) {
                if let Some(a) = conv.app {
                    let held = conv.held();
                    if conv.began[i] != frame {
                        conv.began[i] = frame;
                        conv.sides[i].begin_frame();
                    }
                    let to_server = app::to_server(a, key.port(side), key.port(side.other()));
                    let shown = &mut self.shown;
                    let was_shown = shown.len();
                    conv.sides[i].close(a, &mut |c: Cut| {
                        shown.push(Shown {
                            side,
                            range: c.range,
                            app: a,
                            to_server,
                            tls: Session::default(),
                            headers: None,
                            body: None,
                            openvpn: false,
                            elided: c.elided,
                            decoded: c.decoded,
                            chunk_at: c.chunk_at,
                            parts: c.parts,
                        })
                    });
                    if self.shown.len() > was_shown {
                        self.showing.push((slot, conv.stream, side));
                    }
                    self.held = self.held.saturating_sub(held).saturating_add(conv.held());
                }
            }
        }
    }

    /// The messages the last frame showed are no longer needed: their
    /// bytes go, and what is left is counted again.
    fn forget_shown(&mut self) {
        for (slot, stream, side) in self.showing.drain(..) {
            let conv = self.convs.get_mut(slot as usize);
            let conv = conv.filter(|c| c.stream == stream);
            if let Some(conv) = conv {
                let held = conv.held();
                conv.sides[side.index()].begin_frame();
                self.held = self.held.saturating_sub(held).saturating_add(conv.held());
            }
        }
    }

    /// Forget TCP conversation `stream` at `slot` (no more of its bytes
    /// will come, or it ended): what it held is given back. A later
    /// conversation that took the slot stays.
    pub fn forget(&mut self, slot: u32, stream: u32) {
        let Some(conv) = self.convs.get_mut(slot as usize) else {
            return;
        };
        if conv.stream != stream {
            return;
        }
        let gone = std::mem::replace(
            conv,
            AppConv {
                stream,
                ..AppConv::default()
            },
        );
        self.release(&gone);
    }

    /// A conversation leaves: what it held is no longer counted.
    fn release(&mut self, c: &AppConv) {
        let was = c.held();
        self.held = self.held.saturating_sub(was);
        if let Some(h2) = &c.h2 {
            self.h2_held = self.h2_held.saturating_sub(H2_CHARGE);
            self.h2_bodies.release(&h2.bodies);
        }
    }

    /// Bytes held for unfinished messages, all conversations together.
    pub fn held(&self) -> u64 {
        self.held
    }

    /// Put the current frame's messages in `d` after its TCP layer (the
    /// last one), in place of what the stateless dissection put there: a
    /// segment that only carries part of a message shows no layer above
    /// TCP, as in tshark.
    pub fn layers<'a>(&'a self, d: &mut Dissection<'a>) {
        let Some((slot, stream)) = self.current_slot else {
            return;
        };
        let Some(tcp) = d
            .layers
            .iter()
            .rposition(|e| !e.quoted && matches!(e.layer, Layer::Tcp(_)))
        else {
            return;
        };
        // Nothing to show and nothing to take away (most frames: bare
        // acknowledgements), known without looking the conversation up.
        if self.shown.is_empty() && tcp + 1 == d.layers.len() {
            return;
        }
        let conv = self.convs.get(slot as usize);
        let Some(conv) = conv.filter(|c| c.stream == stream) else {
            return;
        };
        // (A conversation whose protocol just ended, a SOCKS handshake,
        // still shows its last messages.)
        if conv.app.is_none() && self.shown.is_empty() {
            return;
        }
        d.truncate_after(tcp);
        let mut i = 0;
        while let Some(m) = self.shown.get(i) {
            if m.app == App::Smtp && m.to_server {
                // The client's SMTP messages are the session's.
                i += 1;
                match conv.smtp.as_deref() {
                    Some(s) if !s.push_layers(m.range.clone(), d) => return,
                    _ => continue,
                }
            }
            let bytes = if m.openvpn {
                let o = conv.openvpn.as_deref();
                o.and_then(|o| o.shown.get(m.side.index()))
                    .map_or(&[][..], |s| &s[..])
            } else {
                conv.sides[m.side.index()].bytes()
            };
            // TLS records that follow each other make one layer, as tshark
            // shows one TLS layer with several records.
            let mut end = m.range.end;
            i += 1;
            while let Some(n) = self.shown.get(i) {
                if m.app != App::Tls
                    || n.app != App::Tls
                    || n.side != m.side
                    || n.openvpn != m.openvpn
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
            let body = m.body.as_ref().map(|b| (self.bodies.body(b), b.dns));
            let made = match m.app {
                App::Tls => tls::TlsView::new(msg).map(|v| Layer::Tls(v.with_session(m.tls))),
                App::Http2 => Http2View::new(msg).map(|mut v| {
                    if let Some(h) = &m.headers {
                        v = v.with_headers(self.headers.headers(h.marks.0, h.marks.1));
                    }
                    if let Some((b, _)) = body {
                        v = v.with_body(b);
                    }
                    Layer::Http2(v)
                }),
                a => app::message(a, msg, m.to_server).map(|l| match l {
                    Layer::Http(v) => Layer::Http(
                        v.with_elided(m.elided)
                            .with_decoded(m.decoded)
                            .with_chunk_at(m.chunk_at)
                            .with_parts(m.parts.as_deref()),
                    ),
                    l => l,
                }),
            };
            let http1_dns = match &made {
                Ok(Layer::Http(v)) => h2_streams::http1_dns_body(v),
                _ => None,
            };
            let imap = match &made {
                Ok(Layer::Imap(v)) => Some(*v),
                _ => None,
            };
            match made {
                Ok(l) => {
                    if !d.push_reassembled(l) {
                        return;
                    }
                }
                Err(e) => d.note_error(app::proto(m.app), e, msg.len()),
            }
            // Mail fetched over IMAP shows as IMF after the response, as
            // tshark shows it.
            if let Some(v) = imap {
                let mut room = true;
                v.fetched_mails(|mail| {
                    room = room && d.push_reassembled(Layer::Imf(ImfView::new(mail)));
                });
                if !room {
                    return;
                }
            }
            if let Some(e) = m.headers.as_ref().and_then(|h| h.error) {
                d.note_error(
                    wire::Proto::Http2,
                    wire::Error::Malformed(e.msg()),
                    msg.len(),
                );
            }
            // DNS over HTTPS (HTTP/2 or HTTP/1.x): the body is a DNS
            // message, shown after the message or frame that ends it, as
            // tshark's media type table does.
            let doh = body.filter(|b| b.1).map(|b| b.0.data).or(http1_dns);
            if let Some(msg) = doh {
                match wire::dns::DnsView::new(msg) {
                    Ok(v) => {
                        if !d.push_reassembled(Layer::Dns(v)) {
                            return;
                        }
                    }
                    Err(e) => d.note_error(wire::Proto::Dns, e, msg.len()),
                }
            }
        }
    }
}

/// Follow one HTTP/2 frame sent by side `i`: a header block fragment is
/// gathered until the frame with END_HEADERS, whose block is then decoded
/// with that side's HPACK state (every block, in order, shown or not: the
/// table depends on all of them) into `list` (past its cap, followed for
/// the table only); blocks that fail are counted in `errors`.
fn h2_frame(
    h2: &mut H2Conv,
    i: usize,
    msg: &[u8],
    list: &mut HeaderList,
    errors: &mut u64,
) -> Option<Decoded> {
    let v = Http2View::new(msg).ok()?;
    let frag = v.header_block()?;
    let (Some(pending), Some(dec)) = (h2.pending.get_mut(i), h2.hpack.get_mut(i)) else {
        return None;
    };
    if v.frame_type() != http2::frame_type::CONTINUATION {
        pending.clear();
    }
    if dec.is_lost() {
        // A side whose table is lost gathers nothing: each of its blocks
        // fails once, on its last frame.
        if !v.end_headers() {
            return None;
        }
        *errors += 1;
        let at = list.len();
        return Some(Decoded {
            marks: (at, at),
            error: Some(HpackError::Lost),
        });
    }
    let gathered = !pending.is_empty() || !v.end_headers();
    if gathered {
        if pending.len().saturating_add(frag.len()) > MAX_H2_BLOCK {
            // A CONTINUATION flood: the block is lost and so is the table.
            *pending = Vec::new();
            dec.give_up();
            *errors += 1;
            return None;
        }
        pending.extend_from_slice(frag);
        if !v.end_headers() {
            return None;
        }
    }
    let keep = list.bytes() < MAX_FRAME_HEADERS;
    let from = list.len();
    let block: &[u8] = if gathered { pending } else { frag };
    let error = if keep {
        dec.decode(block, list)
    } else {
        dec.follow(block, list)
    }
    .err();
    pending.clear();
    if error.is_some() {
        *errors += 1;
    }
    if !keep {
        return None;
    }
    Some(Decoded {
        marks: (from, list.len()),
        error,
    })
}

#[cfg(test)]
mod tests {
    use crate::craft;
    use crate::defrag::Limits;
    use crate::flow::FlowOptions;
    use crate::{Dissection, Dissector, Options};
    use wire::http2::hpack::{encode_literal, encode_string};
    use wire::http2::{flag, frame_type, FrameRepr, Http2Repr};
    use wire::Layer;
    use wiresift_wire as wire;

    fn frame(t: u8, flags: u8, stream_id: u32, payload: Vec<u8>) -> Vec<u8> {
        let mut b = Vec::new();
        Http2Repr::Frame(FrameRepr {
            frame_type: t,
            flags,
            stream_id,
            payload,
        })
        .emit(&mut b);
        b
    }

    /// A conversation of (client?, bytes) segments: each frame's HTTP/2
    /// summaries, and the dissector's counters at the end.
    fn run(segs: &[(bool, Vec<u8>)]) -> (Vec<String>, super::AppStats) {
        let mut dis = Dissector::new(Options::default(), Limits::default())
            .with_streams(FlowOptions::default());
        let segs: Vec<(bool, &[u8])> = segs.iter().map(|(up, d)| (*up, d.as_slice())).collect();
        let frames = craft::connection(8080, &segs);
        let mut out = Vec::new();
        for (i, data) in frames.iter().enumerate() {
            let meta = craft::nth_frame_meta(i, data);
            let mut d = Dissection::default();
            dis.dissect(meta, data, &mut d);
            let mut s = String::new();
            for e in &d.layers {
                if let Layer::Http2(v) = &e.layer {
                    if !s.is_empty() {
                        s.push_str(", ");
                    }
                    v.summary(&mut s);
                }
            }
            out.push(s);
        }
        let stats = dis.apps.as_ref().map(|a| a.stats).unwrap_or_default();
        (out, stats)
    }

    #[test]
    fn prior_knowledge_headers_over_continuation_and_the_table() {
        // Request 1: a literal with incremental indexing (x-id: 7) split
        // over HEADERS and CONTINUATION; request 3 reads it back by index
        // (62) and the server answers 200 to both.
        let mut block1 = vec![0x82, 0x86, 0x84]; // GET, http, /
        encode_literal(b":authority", b"h2.example", false, &mut block1);
        block1.push(0x40);
        encode_string(b"x-id", true, &mut block1);
        encode_string(b"7", false, &mut block1);
        let (a, b) = block1.split_at(5);
        let mut client = wire::http2::PREFACE.to_vec();
        client.extend(frame(frame_type::SETTINGS, 0, 0, vec![]));
        client.extend(frame(frame_type::HEADERS, flag::END_STREAM, 1, a.to_vec()));
        let cont = frame(frame_type::CONTINUATION, flag::END_HEADERS, 1, b.to_vec());
        let mut block3 = vec![0x82, 0x86, 0x04];
        encode_string(b"/again", false, &mut block3);
        block3.push(0xbe); // x-id: 7 from the dynamic table
        let req3 = frame(
            frame_type::HEADERS,
            flag::END_HEADERS | flag::END_STREAM,
            3,
            block3,
        );
        let resp = |sid| frame(frame_type::HEADERS, flag::END_HEADERS, sid, vec![0x88]);
        let (got, stats) = run(&[
            (true, client),
            (true, cont),
            (false, resp(1)),
            (true, req3),
            (false, resp(3)),
        ]);
        assert_eq!(
            got[2..],
            [
                "Magic, SETTINGS[0], HEADERS[1]",
                "CONTINUATION[1]",
                "HEADERS[1]: 200 OK",
                "HEADERS[3]: GET /again",
                "HEADERS[3]: 200 OK",
            ]
        );
        assert_eq!(stats.hpack_errors, 0);
    }

    #[test]
    fn a_continuation_flood_is_bounded() {
        let mut client = wire::http2::PREFACE.to_vec();
        client.extend(frame(frame_type::HEADERS, 0, 1, vec![0x82]));
        let mut segs = vec![(true, client)];
        // 80 CONTINUATION frames of 1000 bytes: past the 64 KiB a block
        // may gather.
        for _ in 0..80 {
            segs.push((
                true,
                frame(frame_type::CONTINUATION, 0, 1, vec![0x82; 1000]),
            ));
        }
        segs.push((
            true,
            frame(frame_type::CONTINUATION, flag::END_HEADERS, 1, vec![0x82]),
        ));
        // The rest of the block and the next block of that side cannot be
        // read (its table is lost: three errors in all); the other side's
        // still can.
        segs.push((
            true,
            frame(frame_type::HEADERS, flag::END_HEADERS, 3, vec![0x82, 0x84]),
        ));
        segs.push((
            false,
            frame(frame_type::HEADERS, flag::END_HEADERS, 1, vec![0x88]),
        ));
        let (got, stats) = run(&segs);
        let n = got.len();
        assert_eq!(got[n - 3], "CONTINUATION[1]");
        assert_eq!(got[n - 2], "HEADERS[3]");
        assert_eq!(got[n - 1], "HEADERS[1]: 200 OK");
        assert_eq!(stats.hpack_errors, 3);
    }

    /// Requests that announce a body of about 1 MB and send 10 bytes of
    /// it: the room taken ahead for each body is charged, and stops at half
    /// the budget (the later bodies take room as their bytes come).
    #[test]
    fn announced_lengths_are_charged_to_the_budget() {
        let mut dis = Dissector::new(Options::default(), Limits::default())
            .with_streams(FlowOptions::default());
        let head = b"POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n0123456789";
        let mut n = 0;
        for port in 8000..8100 {
            for data in craft::connection(port, &[(true, head)]) {
                let mut d = Dissection::default();
                dis.dissect(craft::nth_frame_meta(n, &data), &data, &mut d);
                n += 1;
            }
        }
        let apps = dis.apps.as_ref().expect("stream applications on");
        let half = super::MAX_HELD_TOTAL / 2;
        // 33 rooms of a million bytes fit in half the budget, not 34; the
        // other 67 requests hold their few bytes.
        let (low, high) = (33 * 1_000_000, half + 67 * 4096);
        assert!((low..=high).contains(&apps.held()), "{}", apps.held());
        assert_eq!(apps.stats.over_budget, 0);
    }

    /// A hundred conversations each send one whole 100 kB request and
    /// fall silent: what each showed goes at the next frame, so what is
    /// taken at the end is the last frame's request alone.
    #[test]
    fn idle_directions_do_not_keep_their_last_message() {
        let mut dis = Dissector::new(Options::default(), Limits::default())
            .with_streams(FlowOptions::default());
        let mut req = b"POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n".to_vec();
        req.resize(req.len() + 100_000, b'x');
        let mut n = 0;
        for port in 8000..8100 {
            // After the handshake, segments of 2000 bytes.
            let segs: Vec<(bool, &[u8])> = req.chunks(2000).map(|c| (true, c)).collect();
            for data in craft::connection(port, &segs) {
                let mut d = Dissection::default();
                dis.dissect(craft::nth_frame_meta(n, &data), &data, &mut d);
                n += 1;
            }
        }
        let apps = dis.apps.as_ref().expect("stream applications on");
        assert!(apps.held() <= 2 * req.len() as u64, "{}", apps.held());
        assert_eq!(apps.stats.messages, 100);
    }

    /// arkime__socks-http-example.pcap frames 4, 6 and 8: a SOCKS 4
    /// connect, its grant, then HTTP through the proxy (port 1080), and a
    /// SOCKS 5 greeting refused (arkime__socks-http-pass.pcap frames 4, 6)
    /// after which nothing is read as SOCKS.
    #[test]
    fn socks_handshake_then_the_tunnelled_protocol() {
        fn names(segs: &[(bool, &[u8])]) -> Vec<String> {
            let mut dis = Dissector::new(Options::default(), Limits::default())
                .with_streams(FlowOptions::default());
            let frames = craft::connection(1080, segs);
            let mut out = Vec::new();
            for (i, data) in frames.iter().enumerate().skip(2) {
                let mut d = Dissection::default();
                dis.dissect(craft::nth_frame_meta(i, data), data, &mut d);
                let top = d.layers.last().map(|e| e.layer.proto().name());
                out.push(top.unwrap_or("").to_string());
            }
            out
        }
        let v4 = names(&[
            (true, &[4, 1, 0, 0x50, 0x5d, 0xb8, 0xd8, 0x77, 0]),
            (false, &[0, 0x5a, 0xdf, 0xb2, 0x0a, 0xb4, 0x9c, 0xf9]),
            (true, b"GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n"),
        ]);
        assert_eq!(v4, ["socks", "socks", "http"]);
        let refused = names(&[
            (true, &[5, 2, 0, 1]),
            (false, &[5, 0xff]),
            (true, &[5, 2, 0, 1]),
        ]);
        assert_eq!(refused, ["socks", "socks", "data"]);
    }
}
