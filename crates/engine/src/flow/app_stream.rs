//! One direction of a TCP stream cut into application messages. Bytes come
//! in sequence order from the reassembler; a message cut by segments is
//! held until it is whole, so the frame that completes it shows it whole,
//! as tshark does. After a hole in the stream the framing is lost: bytes are
//! skipped until a message of the protocol starts again.

use crate::app::{self, App};
use crate::h2_streams::BodyHeaders;
use crate::inflate::{self, Inflate};
use crate::logs::mime::{Mail, MailReader};
use std::ops::Range;
use wire::http::HttpView;
use wire::stream::Pdu;
use wiresift_wire as wire;

/// The most bytes one message may take while it is put together; a longer
/// one (a big HTTP body) is given up and the stream re-synchronised.
pub const MAX_MESSAGE: usize = 16 << 20;

/// The most room taken at once for the rest of an unfinished message
/// whose length is known.
const MAX_RESERVE: usize = 1 << 20;

/// Body bytes an HTTP message keeps when bodies are not kept whole
/// ([`Bodies::Heads`]): more than any reader of a body's start needs
/// (http.log's type sniffing reads 64).
pub const BODY_HEAD: usize = 1024;

/// HTTP with [`Bodies::Heads`]: room the budget must have left to read
/// the parts of a multipart body (not byteranges) as it passes; without
/// it the body is counted as one.
pub const PARTS_ROOM: usize = 1 << 20;

/// HTTP: Zeek hands a body to its file analysis in chunks of this many
/// bytes (`http_entity_data_delivery_size`); a file's `ts` in files.log is
/// when the first chunk was whole, or the body's end if it is shorter.
pub const FILE_CHUNK: usize = 1500;

/// HTTP: requests remembered per direction while their responses are
/// awaited (pipelining deeper than this is framed as if the method were
/// GET, and counted).
const MAX_PENDING: u8 = 32;

/// What is kept of HTTP bodies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Bodies {
    /// Every byte: the message shows whole, as tshark shows it.
    #[default]
    Whole,
    /// A body framed by `Content-Length` keeps its first [`BODY_HEAD`]
    /// bytes; the rest is counted, not held (a DNS message, which DoH
    /// reads, is kept whole). The logs read no more of a body, and a
    /// download is then neither copied nor held.
    Heads,
}

/// A message [`AppStream::push`] completes: its range of
/// [`AppStream::bytes`], and the body bytes after it that were counted,
/// not kept ([`Bodies::Heads`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cut {
    pub range: Range<usize>,
    pub elided: u64,
    /// A content-coded body counted past its head: its decoded length.
    pub decoded: Option<u64>,
    /// HTTP with [`Bodies::Heads`]: when the body's first [`FILE_CHUNK`]
    /// bytes were whole, if that was before the frame that completes the
    /// message.
    pub chunk_at: Option<i64>,
    /// An HTTP multipart body counted past its head: its parts, read as
    /// it passed.
    pub parts: Option<Box<Mail>>,
}

/// The unfinished message's body is being counted, not kept: its first
/// `keep` bytes (from the message's start) are held, the next `left` are
/// not. A gzip or deflate body is decoded as it passes, for its decoded
/// length (http.log's, as Zeek counts it).
#[derive(Debug)]
struct Eliding {
    /// The header block's length.
    head: usize,
    keep: usize,
    left: u64,
    elided: u64,
    inflate: Option<Box<Inflate>>,
    /// A multipart body's parts, read as it passes (its lines marked with
    /// the time each came).
    parts: Option<Box<MailReader>>,
}

/// What a body counted past its head leaves when it is over.
struct Ended {
    elided: u64,
    decoded: Option<u64>,
    parts: Option<Box<Mail>>,
}

impl Eliding {
    /// The body is over.
    fn end(self) -> Ended {
        let parts = self.parts.map(|r| {
            let at = r.last_mark();
            Box::new(r.finish(false, at))
        });
        Ended {
            elided: self.elided,
            decoded: self.inflate.map(|i| i.finish().0),
            parts,
        }
    }
}

/// What a request's method says about how its response is framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asked {
    /// The response's headers say where it ends.
    Plain = 0,
    /// A response to HEAD has no body whatever its headers say.
    Head = 1,
    /// A 2xx response to CONNECT ends at its header block.
    Connect = 2,
}

impl Asked {
    /// What a request with this method asks.
    pub fn of(method: &[u8]) -> Self {
        match method {
            b"HEAD" => Asked::Head,
            b"CONNECT" => Asked::Connect,
            _ => Asked::Plain,
        }
    }
}

/// Application framing of one direction of a stream.
#[derive(Debug, Default)]
pub struct AppStream {
    /// Bytes of the current frame's messages and of an unfinished one.
    buf: Vec<u8>,
    /// Bytes at the front of `buf` already shown (dropped at the next frame).
    shown: usize,
    /// A hole, or a message over the limit, broke the framing.
    lost: bool,
    /// The unfinished message needs at least this many bytes held: the
    /// framing is not asked again before (so a message put together from
    /// many segments is not re-read from its start at each one).
    need: usize,
    /// What was given up: messages over the limit, bytes skipped to find
    /// the framing again.
    pub oversized: u64,
    pub skipped: u64,
    /// HTTP: what the other direction's requests asked, oldest first, two
    /// bits each ([`Asked`]), `pending_len` of them; tshark pairs requests
    /// and responses in this order to frame a response to HEAD.
    pending: u64,
    pending_len: u8,
    /// Requests not remembered: more than [`MAX_PENDING`] awaited at once.
    pub unpaired: u64,
    eliding: Option<Eliding>,
    chunk: Chunk,
}

/// HTTP with [`Bodies::Heads`]: how far the unfinished message's body has
/// come, for the time its first [`FILE_CHUNK`] bytes were whole.
#[derive(Debug, Default)]
struct Chunk {
    /// Where its header block ends (from the message's start), once seen.
    head: Option<usize>,
    /// How much of the message was searched for that end.
    searched: usize,
    /// When the body's first chunk was whole.
    at: Option<i64>,
}

impl AppStream {
    /// A new frame: what the last one showed is no longer needed.
    pub fn begin_frame(&mut self) {
        if self.shown > 0 {
            self.buf.drain(..self.shown.min(self.buf.len()));
            self.shown = 0;
            // Memory goes back when nothing is held (the usual case between
            // messages): thousands of idle streams must not each keep the
            // size of their largest message.
            if self.buf.is_empty() {
                self.buf = Vec::new();
            } else if self.buf.capacity() > 4 * self.buf.len() + 4096 {
                self.buf.shrink_to(2 * self.buf.len());
            }
        }
    }

    /// The bytes that `push` and `close` ranges index.
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Bytes held for an unfinished message.
    pub fn held(&self) -> usize {
        self.buf.len().saturating_sub(self.shown)
    }

    /// Memory the direction takes: what it holds, what the current frame
    /// shows, the room reserved for the rest of a message whose length
    /// is known (a claim alone must not take room no budget counts), and a
    /// body decoder.
    pub fn taken(&self) -> usize {
        let e = self.eliding.as_ref();
        let decoding = e.is_some_and(|e| e.inflate.is_some());
        let parts = e
            .and_then(|e| e.parts.as_deref())
            .map_or(0, MailReader::taken);
        self.buf.capacity() + parts + if decoding { inflate::COST } else { 0 }
    }

    /// HTTP: the other direction sent a request; the response this
    /// direction sends to it is framed as `asked` says.
    pub fn expect_response(&mut self, asked: Asked) {
        if self.pending_len >= MAX_PENDING {
            self.unpaired += 1;
            return;
        }
        self.pending |= (asked as u64) << (2 * u32::from(self.pending_len));
        self.pending_len += 1;
    }

    /// What the oldest awaited request asked.
    fn asked(&self) -> Asked {
        match (self.pending_len > 0).then_some(self.pending & 3) {
            Some(1) => Asked::Head,
            Some(2) => Asked::Connect,
            _ => Asked::Plain,
        }
    }

    /// The framing of the message at the start of `rest`: an HTTP response
    /// with what its request asked.
    fn pdu_len(&self, app: App, rest: &[u8]) -> Pdu {
        let method: &[u8] = match (app, self.asked()) {
            (App::Http, Asked::Head) => b"HEAD",
            (App::Http, Asked::Connect) => b"CONNECT",
            _ => return app::pdu_len(app, rest),
        };
        wire::http::pdu_len_response_to(rest, method)
    }

    /// A whole HTTP message went out: unless it was an `interim` (1xx)
    /// response, it answered the oldest awaited request.
    fn answered(&mut self, app: App, interim: bool) {
        if app == App::Http && self.pending_len > 0 && !interim {
            self.pending >>= 2;
            self.pending_len -= 1;
        }
    }

    /// Add in-order bytes that follow `gap` missing ones; each message they
    /// complete is given to `out` ([`Cut`]). Up to `room` bytes may be
    /// taken ahead for the rest of an unfinished message whose length is
    /// known.
    pub fn push(
        &mut self,
        app: App,
        bytes: &[u8],
        gap: u32,
        (room, bodies, now): (usize, Bodies, i64),
        out: &mut impl FnMut(Cut),
    ) {
        self.push_bytes(app, bytes, gap, (room, bodies, now), out);
        if app == App::Http && bodies == Bodies::Heads {
            self.mark_chunk(now);
        }
    }

    /// The unfinished message's framing is lost or given up.
    fn forget(&mut self) {
        self.need = 0;
        self.eliding = None;
        self.chunk = Chunk::default();
    }

    /// [`AppStream::push`], but for the chunk's time.
    fn push_bytes(
        &mut self,
        app: App,
        mut bytes: &[u8],
        gap: u32,
        (room, bodies, now): (usize, Bodies, i64),
        out: &mut impl FnMut(Cut),
    ) {
        if gap > 0 {
            // The unfinished message lost its middle: drop it.
            self.skipped = self.skipped.saturating_add(self.held() as u64);
            self.buf.truncate(self.shown);
            self.lost = true;
            self.forget();
        }
        if let Some(e) = self.eliding.as_mut() {
            // The body's head is held, the rest only counted.
            let head = self
                .shown
                .saturating_add(e.keep)
                .saturating_sub(self.buf.len());
            let (held, rest) = bytes.split_at(head.min(bytes.len()));
            self.buf.extend_from_slice(held);
            let counted = e.left.min(rest.len() as u64);
            e.left -= counted;
            e.elided += counted;
            let body = bytes.get(..held.len().saturating_add(counted as usize));
            if let (Some(i), Some(body)) = (e.inflate.as_deref_mut(), body) {
                i.feed(body);
            }
            if let (Some(r), Some(body)) = (e.parts.as_deref_mut(), body) {
                r.feed(body, now);
            }
            bytes = rest.get(counted as usize..).unwrap_or_default();
            if e.left > 0 {
                return;
            }
            let Some(ended) = self.eliding.take().map(Eliding::end) else {
                return;
            };
            // A body was counted: this is no 1xx, which has none.
            self.answered(app, false);
            let start = self.shown;
            self.shown = self.buf.len();
            out(Cut {
                range: start..self.shown,
                elided: ended.elided,
                decoded: ended.decoded,
                chunk_at: std::mem::take(&mut self.chunk).at,
                parts: ended.parts,
            });
        }
        if bytes.is_empty() {
            return;
        }
        if self.lost {
            // Take up the framing again only where a message starts.
            if matches!(app::pdu_len(app, bytes), Pdu::NotMine) {
                self.skipped = self.skipped.saturating_add(bytes.len() as u64);
                return;
            }
            self.lost = false;
        }
        self.buf.extend_from_slice(bytes);
        if self.held() >= self.need {
            self.cut(app, (room, bodies, now), out);
        }
    }

    /// The stream ended: a protocol whose last message runs to the close
    /// (an HTTP body without a length) has it whole now.
    pub fn close(&mut self, app: App, out: &mut impl FnMut(Cut)) {
        let range = self.shown..self.buf.len();
        let ended = self.eliding.take().map(Eliding::end);
        if !range.is_empty() && !self.lost && app::ends_at_close(app) {
            self.shown = self.buf.len();
            self.need = 0;
            let ended = ended.unwrap_or(Ended {
                elided: 0,
                decoded: None,
                parts: None,
            });
            out(Cut {
                range,
                elided: ended.elided,
                decoded: ended.decoded,
                chunk_at: std::mem::take(&mut self.chunk).at,
                parts: ended.parts,
            });
        }
    }

    /// Give up the unfinished message (a memory budget is spent): its bytes
    /// are dropped and the framing is found again where a message starts.
    pub fn give_up(&mut self) {
        self.oversized += 1;
        self.skipped = self.skipped.saturating_add(self.held() as u64);
        self.buf.truncate(self.shown);
        // Only what this frame shows stays: the budget counts the room.
        self.buf.shrink_to(self.shown);
        self.lost = true;
        self.forget();
    }

    /// HTTP: the unfinished message's body has its first [`FILE_CHUNK`]
    /// bytes by `now`? (Chunk framing is counted as body here.)
    fn mark_chunk(&mut self, now: i64) {
        if self.chunk.at.is_some() {
            return;
        }
        let held = self.buf.get(self.shown..).unwrap_or_default();
        let body = match &self.eliding {
            Some(e) => e
                .elided
                .saturating_add(held.len().saturating_sub(e.head) as u64),
            None if held.is_empty() => return,
            None => {
                let c = &mut self.chunk;
                if c.head.is_none() {
                    // Only what was not searched yet (and the three bytes
                    // before it, where the blank line may start).
                    let from = c.searched.saturating_sub(3);
                    let found = held
                        .get(from..)
                        .and_then(|h| memchr::memmem::find(h, b"\r\n\r\n"));
                    c.head = found.map(|i| from + i + 4);
                    c.searched = held.len();
                }
                c.head.map_or(0, |h| held.len().saturating_sub(h) as u64)
            }
        };
        if body >= FILE_CHUNK as u64 {
            self.chunk.at = Some(now);
        }
    }

    /// Hand out every whole message at the front of what is held.
    fn cut(&mut self, app: App, how: (usize, Bodies, i64), out: &mut impl FnMut(Cut)) {
        let (room, bodies, now) = how;
        loop {
            let rest = self.buf.get(self.shown..).unwrap_or(&[]);
            if rest.is_empty() {
                return;
            }
            match self.pdu_len(app, rest) {
                Pdu::Whole(n) if n > 0 && n <= rest.len() => {
                    self.need = 0;
                    let interim = rest.starts_with(b"HTTP/") && rest.get(9) == Some(&b'1');
                    self.answered(app, interim);
                    let start = self.shown;
                    self.shown += n;
                    out(Cut {
                        range: start..self.shown,
                        elided: 0,
                        decoded: None,
                        chunk_at: std::mem::take(&mut self.chunk).at,
                        parts: None,
                    });
                }
                pdu @ (Pdu::Whole(_) | Pdu::Need(_)) => {
                    let need = match pdu {
                        Pdu::Need(n) | Pdu::Whole(n) => n,
                        Pdu::NotMine => 0,
                    };
                    // (Headers not yet whole ask for one byte more, and a
                    // body that runs to the close for usize::MAX: neither
                    // is parsed for its length.)
                    let counted = need > rest.len().saturating_add(1) && need != usize::MAX;
                    if bodies == Bodies::Heads && app == App::Http && counted {
                        if let Some(e) = elide(rest, need, room, now) {
                            // What is held past the head goes now.
                            let held = rest.len().min(e.keep);
                            self.buf.truncate(self.shown.saturating_add(held));
                            self.eliding = Some(e);
                            self.need = 0;
                            return;
                        }
                    }
                    // A message that runs to the close is held up to the
                    // limit; one that says it is longer is given up now.
                    let claimed_too_long = need > MAX_MESSAGE && need != usize::MAX;
                    if claimed_too_long || rest.len() > MAX_MESSAGE {
                        self.oversized += 1;
                        self.skipped = self.skipped.saturating_add(rest.len() as u64);
                        self.buf.truncate(self.shown);
                        self.lost = true;
                        self.forget();
                    } else {
                        self.need = need.min(MAX_MESSAGE);
                        // Room for the whole message now, so that it is not
                        // copied again at each doubling as it grows; past
                        // `room` (or for a large claim) the allocation
                        // follows the bytes seen.
                        let more = self.need.saturating_sub(rest.len());
                        if more <= MAX_RESERVE.min(room) {
                            self.buf.reserve(more);
                        }
                    }
                    return;
                }
                Pdu::NotMine => {
                    // Not a message where one should start: the framing is
                    // lost until one starts again.
                    self.skipped = self.skipped.saturating_add(rest.len() as u64);
                    self.buf.truncate(self.shown);
                    self.lost = true;
                    self.forget();
                    return;
                }
            }
        }
    }
}

/// How to count, not keep, the body of the unfinished HTTP message
/// `held`, which takes `need` bytes: when its headers are whole, its body
/// is framed by `Content-Length` and runs past [`BODY_HEAD`], and it is no
/// DNS message. A gzip or deflate body is decoded as it passes when the
/// budget has room for a decoder; else its coded bytes are what is
/// counted. The parts of a multipart body (not byteranges, not coded) are
/// read as it passes when the budget has [`PARTS_ROOM`] (http.log makes
/// each a file), its lines marked with the time they came (`now` for
/// what is held).
fn elide(held: &[u8], need: usize, room: usize, now: i64) -> Option<Eliding> {
    let v = HttpView::new(held).ok()?;
    let head = v.header_block_len();
    let framed = v.content_length().and_then(|n| n.checked_add(head as u64));
    let keep = head.saturating_add(BODY_HEAD);
    if !v.head_complete() || v.is_chunked() || framed != Some(need as u64) || need <= keep {
        return None;
    }
    let body = crate::h2_streams::body_headers(&v);
    if body == BodyHeaders::Dns {
        return None;
    }
    let elided = held.len().saturating_sub(keep);
    let may_decode = room >= inflate::COST;
    let inflate = (may_decode && body == BodyHeaders::Coded { zeek: true }).then(|| {
        let mut i = Box::<Inflate>::default();
        i.feed(held.get(head..).unwrap_or_default());
        i
    });
    let parts = (body == BodyHeaders::Multipart && room >= PARTS_ROOM)
        .then(|| crate::logs::http::parts_reader(&v))
        .flatten()
        .map(|mut r| {
            r.feed(held.get(head..).unwrap_or_default(), now);
            Box::new(r)
        });
    Some(Eliding {
        head,
        keep,
        left: need.saturating_sub(keep.max(held.len())) as u64,
        elided: elided as u64,
        inflate,
        parts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An HTTP request whose body is `len` bytes of `fill`.
    fn request(len: usize, fill: u8) -> Vec<u8> {
        let mut r =
            format!("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: {len}\r\n\r\n").into_bytes();
        r.extend(std::iter::repeat_n(fill, len));
        r
    }

    /// One frame's bytes: each message it completes, as its bytes and its
    /// count of body bytes not kept.
    fn feed_with(s: &mut AppStream, bytes: &[u8], gap: u32, b: Bodies) -> Vec<(Vec<u8>, u64)> {
        s.begin_frame();
        let mut got = Vec::new();
        s.push(App::Http, bytes, gap, (usize::MAX, b, 0), &mut |c| {
            got.push(c)
        });
        got.into_iter()
            .map(|c| (s.bytes()[c.range].to_vec(), c.elided))
            .collect()
    }

    fn feed(s: &mut AppStream, bytes: &[u8], gap: u32) -> Vec<Vec<u8>> {
        let got = feed_with(s, bytes, gap, Bodies::Whole);
        got.into_iter().map(|(m, _)| m).collect()
    }

    #[test]
    fn a_message_cut_by_segments_comes_out_whole_on_the_last() {
        let r = request(300, b'a');
        let mut s = AppStream::default();
        assert!(feed(&mut s, &r[..3], 0).is_empty());
        assert!(feed(&mut s, &r[3..200], 0).is_empty());
        let mut tail = r[200..].to_vec();
        let r2 = request(10, b'b');
        tail.extend_from_slice(&r2[..4]);
        assert_eq!(feed(&mut s, &tail, 0), vec![r.clone()]);
        assert_eq!(feed(&mut s, &r2[4..], 0), vec![r2]);
        assert_eq!(s.held(), 0);
    }

    #[test]
    fn several_messages_in_one_segment_each_come_out() {
        let mut both = request(4, b'c');
        both.extend(request(6, b'd'));
        let mut s = AppStream::default();
        assert_eq!(
            feed(&mut s, &both, 0),
            vec![request(4, b'c'), request(6, b'd')]
        );
    }

    #[test]
    fn after_a_hole_framing_resumes_where_a_message_starts() {
        let r = request(100, b'e');
        let mut s = AppStream::default();
        assert!(feed(&mut s, &r[..50], 0).is_empty());
        // The rest of the request is lost; the next bytes are its body's tail.
        assert!(feed(&mut s, &[b'e'; 20], 30).is_empty());
        assert!(s.skipped >= 70);
        assert_eq!(feed(&mut s, &request(2, b'f'), 0), vec![request(2, b'f')]);
    }

    #[test]
    fn a_body_that_runs_to_the_close_comes_out_at_the_close() {
        let resp = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello, until the end";
        let mut s = AppStream::default();
        assert!(feed(&mut s, resp, 0).is_empty());
        s.begin_frame();
        let mut got = Vec::new();
        s.close(App::Http, &mut |c| got.push(c.range));
        assert_eq!(got.len(), 1);
        assert_eq!(&s.bytes()[got[0].clone()], &resp[..]);
    }

    #[test]
    fn a_response_to_head_ends_at_its_headers() {
        // zeek http-methods.pcap frame 611: the answer to `HEAD /` says
        // Content-Length but carries no body; the next response follows.
        let head = b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n";
        let get = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
        let mut s = AppStream::default();
        s.expect_response(Asked::Head);
        s.expect_response(Asked::Plain);
        let mut both = head.to_vec();
        both.extend_from_slice(get);
        assert_eq!(feed(&mut s, &both, 0), vec![head.to_vec(), get.to_vec()]);
        // Nothing awaited: a response is framed by its headers.
        assert!(feed(&mut s, head, 0).is_empty());
    }

    /// Feed with only bodies' heads kept.
    fn feed_heads(s: &mut AppStream, bytes: &[u8], gap: u32) -> Vec<(Vec<u8>, u64)> {
        feed_with(s, bytes, gap, Bodies::Heads)
    }

    fn response(ctype: &str, body: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r
    }

    #[test]
    fn with_heads_kept_a_long_body_is_counted_not_held() {
        let r = response("text/plain", &[b'x'; 50_000]);
        let head = r.len() - 50_000 + BODY_HEAD;
        let mut s = AppStream::default();
        let mut got = Vec::new();
        // In segments, the last carrying the start of the next message.
        let next = request(3, b'n');
        let mut bytes = r.clone();
        bytes.extend_from_slice(&next);
        for piece in bytes.chunks(1460) {
            got.extend(feed_heads(&mut s, piece, 0));
            assert!(s.taken() <= 2 * head + 2 * 1460, "{}", s.taken());
        }
        assert_eq!(
            got,
            vec![(r[..head].to_vec(), 50_000 - BODY_HEAD as u64), (next, 0)]
        );
    }

    #[test]
    fn with_heads_kept_short_chunked_and_dns_bodies_stay_whole() {
        let short = response("text/plain", &[b's'; BODY_HEAD]);
        let dns = response("application/dns-message", &[b'd'; 3000]);
        let mut chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n".to_vec();
        chunked.extend_from_slice(&[b'c'; 0x1000]);
        chunked.extend_from_slice(b"\r\n0\r\n\r\n");
        for r in [short, dns, chunked] {
            let mut s = AppStream::default();
            let mut got = Vec::new();
            for piece in r.chunks(700) {
                got.extend(feed_heads(&mut s, piece, 0));
            }
            assert_eq!(got, vec![(r.clone(), 0)]);
        }
    }

    /// A multipart body counted past its head has its parts read as it
    /// passes (http.log makes each a file), whatever its length, when the
    /// budget has room for the reader; byteranges parts are pieces of one
    /// file, counted as any body. Each part's lines are marked with the
    /// time of the segment that ended them, and the body is not held.
    #[test]
    fn with_heads_kept_a_multipart_body_is_read_as_it_passes() {
        let form = "multipart/form-data; boundary=b";
        // A part of `lines` lines of 100 bytes: its CR LF but the last.
        let body = |lines: usize| {
            let mut b =
                b"--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n\r\n"
                    .to_vec();
            for _ in 0..lines {
                b.extend_from_slice(&[b'f'; 98]);
                b.extend_from_slice(b"\r\n");
            }
            b.extend_from_slice(b"--b\r\n\r\nlast\r\n--b--\r\n");
            b
        };
        let cases = [
            (response(form, &body(60)), usize::MAX, Some(5998)),
            (response(form, &body(60_000)), usize::MAX, Some(5_999_998)),
            (response(form, &body(60)), PARTS_ROOM - 1, None),
            (
                response("multipart/byteranges; boundary=b", &body(60)),
                usize::MAX,
                None,
            ),
        ];
        for (r, room, first) in cases {
            let mut s = AppStream::default();
            let mut got = Vec::new();
            for (i, piece) in r.chunks(1460).enumerate() {
                s.begin_frame();
                s.push(
                    App::Http,
                    piece,
                    0,
                    (room, Bodies::Heads, i as i64),
                    &mut |c| got.push(c),
                );
                // The head, and the reader's held line and state.
                assert!(s.taken() <= 4 * BODY_HEAD + 8192, "{}", s.taken());
            }
            assert_eq!(got.len(), 1, "{room}");
            assert!(got[0].elided > 0);
            let parts = got[0].parts.as_deref();
            assert_eq!(parts.map(|p| p.files[0].seen), first, "{room}");
            if let Some(p) = parts {
                assert_eq!(p.files.len(), 2);
                assert_eq!(p.files[1].head, b"last");
                // "last" ended in the message's last segment.
                let last = ((r.len() - 1) / 1460) as i64;
                assert_eq!((p.files[1].first_at, p.files[1].last_at), (last, last));
                assert!(p.files[0].first_at < p.files[0].last_at);
            }
        }
    }

    #[test]
    fn with_heads_kept_a_hole_in_a_counted_body_loses_the_message() {
        let r = response("text/plain", &[b'x'; 10_000]);
        let mut s = AppStream::default();
        assert!(feed_heads(&mut s, &r[..3000], 0).is_empty());
        // The rest of the body, 100 bytes short; then a new message.
        assert!(feed_heads(&mut s, &r[3100..], 100).is_empty());
        let next = request(2, b'q');
        assert_eq!(feed_heads(&mut s, &next, 0), vec![(next.clone(), 0)]);
        assert!(s.skipped > 0);
    }

    #[test]
    fn with_heads_kept_a_body_cut_by_the_close_shows_what_came() {
        let r = response("text/plain", &[b'x'; 10_000]);
        let mut s = AppStream::default();
        assert!(feed_heads(&mut s, &r[..6000], 0).is_empty());
        s.begin_frame();
        let mut got = Vec::new();
        s.close(App::Http, &mut |c| got.push(c));
        let head = r.len() - 10_000 + BODY_HEAD;
        assert_eq!(
            got,
            vec![Cut {
                range: 0..head,
                elided: 6000 - head as u64,
                decoded: None,
                // (Its first 1500 body bytes came before the close.)
                chunk_at: Some(0),
                parts: None,
            }]
        );
    }

    /// With heads kept, a message tells when its body's first
    /// [`FILE_CHUNK`] bytes were whole, if before the frame that completes
    /// it: a body counted past its head, a chunked one, a short one.
    #[test]
    fn the_time_of_a_body_s_first_chunk_is_kept() {
        let mut s = AppStream::default();
        let mut cuts = Vec::new();
        let mut push = |s: &mut AppStream, bytes: &[u8], now: i64| {
            s.begin_frame();
            s.push(
                App::Http,
                bytes,
                0,
                (usize::MAX, Bodies::Heads, now),
                &mut |c| cuts.push(c.chunk_at),
            );
        };
        let r = response("text/plain", &[b'x'; 5000]);
        let head = r.len() - 5000;
        // Headers and 1000 body bytes, then 499, then 1: whole at 3.
        push(&mut s, &r[..head + 1000], 1);
        push(&mut s, &r[head + 1000..head + 1499], 2);
        push(&mut s, &r[head + 1499..head + 1500], 3);
        push(&mut s, &r[head + 1500..], 4);
        // A chunked body, its head alone first: whole at 6.
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        push(&mut s, chunked, 5);
        let mut body = format!("{:x}\r\n", 1600).into_bytes();
        body.extend([b'y'; 1600]);
        push(&mut s, &body, 6);
        push(&mut s, b"\r\n0\r\n\r\n", 7);
        // A short body: on the frame that completes it.
        let short = response("text/plain", b"hi");
        push(&mut s, &short[..10], 8);
        push(&mut s, &short[10..], 9);
        assert_eq!(cuts, vec![Some(3), Some(6), None]);
    }

    /// A gzip body counted past its head is decoded as it passes, for its
    /// decoded length; with no room in the budget for a decoder, it is
    /// only counted.
    #[test]
    fn with_heads_kept_a_gzip_body_is_decoded_as_it_passes() {
        use std::io::Write;
        let plain: Vec<u8> = (0..300_000u32)
            .map(|i| b"<p>some html</p>\n"[(i % 17) as usize] ^ (i / 4000) as u8)
            .collect();
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&plain).unwrap();
        let gz = e.finish().unwrap();
        assert!(gz.len() > 2 * BODY_HEAD);
        let r = response("text/html\r\nContent-Encoding: gzip", &gz);
        for room in [usize::MAX, inflate::COST - 1] {
            let mut s = AppStream::default();
            let mut got = Vec::new();
            for piece in r.chunks(1460) {
                s.begin_frame();
                s.push(App::Http, piece, 0, (room, Bodies::Heads, 0), &mut |c| {
                    got.push(c)
                });
                assert!(s.taken() < 64 << 10 || room == usize::MAX);
            }
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].elided, (gz.len() - BODY_HEAD) as u64);
            let decoded = (room == usize::MAX).then_some(plain.len() as u64);
            assert_eq!(got[0].decoded, decoded, "room {room}");
        }
    }

    #[test]
    fn a_message_over_the_limit_is_given_up_not_held() {
        let mut s = AppStream::default();
        // An HTTP request announcing a body far over the limit.
        let head = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            MAX_MESSAGE * 2
        );
        s.begin_frame();
        s.push(
            App::Http,
            head.as_bytes(),
            0,
            (usize::MAX, Bodies::Whole, 0),
            &mut |_| panic!("nothing whole"),
        );
        assert_eq!(s.oversized, 1);
        assert_eq!(s.held(), 0);
    }
}
