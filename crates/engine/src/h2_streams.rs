//! HTTP/2 entity bodies, as tshark 4.0 shows them: the DATA frames of one
//! stream and direction put together, and the frame that ends the stream
//! (END_STREAM on a DATA frame, or on trailing HEADERS) showing the whole
//! body with its content coding undone; a body of type
//! `application/dns-message` is a DNS message (DNS over HTTPS, RFC 8484)
//! shown as a `dns` layer after that frame.
//!
//! tshark's rules, followed here: a direction's body is put together only
//! when that direction's first header block carried `:status` or
//! `:method`, and not when it named a `transfer-encoding` or the stream is
//! a CONNECT tunnel; otherwise each DATA frame shows its own bytes. A DATA
//! frame that ends a body begun in no earlier frame shows the rest of its
//! payload (padding included, as tshark takes it); a body of several
//! fragments is shown with its fragment list. The content type and coding
//! are those of the direction's first header block; a coding whose value
//! begins with `gzip` or `deflate` (zlib, gzip or raw deflate) or `br`
//! (brotli), in that case, is undone unless the status is 206; a body that
//! does not decode is shown as sent.
//!
//! Bounds: a body, a connection and all connections together hold at most
//! [`MAX_BODY`], [`MAX_CONN`] and [`MAX_TOTAL`] bytes, a body at most
//! [`MAX_FRAGMENTS`] DATA frames; a body past one of them is given up
//! (counted: its frames then show their own bytes). A connection keeps at
//! most [`MAX_STREAMS`] streams: a new one past that evicts the one begun
//! first (counted).

use crate::export::{self, Coding, Decoding, Limits};
use std::ops::Range;
use wire::http2::hpack::Headers;
use wire::http2::{frame_type, Body, Http2View};
use wiresift_wire as wire;

/// Bytes one body may gather.
pub const MAX_BODY: usize = 4 << 20;

/// DATA frames one body may gather (empty ones cost a fragment each).
pub const MAX_FRAGMENTS: usize = 16 << 10;

/// Body bytes one connection may hold.
pub const MAX_CONN: usize = 16 << 20;

/// Body bytes all connections together may hold.
pub const MAX_TOTAL: u64 = 64 << 20;

/// Streams one connection keeps state for.
pub const MAX_STREAMS: usize = 128;

/// Bytes the bodies one frame shows may take, decoded ones included;
/// a body past this is ended but not shown (counted).
pub const MAX_SHOWN: usize = 32 << 20;

/// How far a shown body is decoded (a compression bomb stops here and the
/// body is shown as sent).
const DECODE: Limits = Limits {
    max_object: 16 << 20,
    max_ratio: 200,
    ratio_floor: 1 << 20,
};

/// DoH's media type (RFC 8484), as tshark's DNS dissector registers it.
const DNS_MESSAGE: &[u8] = b"application/dns-message";

/// DNS over HTTPS carried by HTTP/1.x: the body of a message whose
/// Content-Type is `application/dns-message`, as tshark's media type table
/// hands it to DNS (a chunked or content-coded body is not read).
pub fn http1_dns_body<'a>(v: &wire::http::HttpView<'a>) -> Option<&'a [u8]> {
    // Most messages end here, before the headers are read: requests
    // without a body, and bodies counted and not kept (never a DNS
    // message's: the stream keeps those whole).
    if v.is_chunked() || v.body().is_empty() || v.elided() > 0 {
        return None;
    }
    carries_dns(v).then(|| v.body())
}

/// Do the message's headers say its body is a DNS message (Content-Type
/// `application/dns-message`, no content coding)?
pub fn carries_dns(v: &wire::http::HttpView<'_>) -> bool {
    body_headers(v) == BodyHeaders::Dns
}

/// What a message's headers say of its body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyHeaders {
    /// A DNS message ([`carries_dns`]).
    Dns,
    /// Content-coded; `zeek`: in a coding Zeek's http.log undoes
    /// ([`crate::inflate::zeek_coding`]).
    Coded {
        zeek: bool,
    },
    /// A multipart other than `multipart/byteranges` (whose parts are
    /// pieces of one file): each part is a file to Zeek.
    Multipart,
    Other,
}

/// [`BodyHeaders`] of a message, in one walk over its headers (each walk
/// reads the head's lines again).
pub fn body_headers(v: &wire::http::HttpView<'_>) -> BodyHeaders {
    let mut coded = None;
    let mut media = BodyHeaders::Other;
    for h in v.headers() {
        if h.name.eq_ignore_ascii_case(b"content-encoding") {
            let zeek = crate::inflate::zeek_coding(h.value);
            coded = Some(zeek || coded == Some(true));
        } else if h.name.eq_ignore_ascii_case(b"content-type") {
            media = match media_type(h.value) {
                Some(m) if m.eq_ignore_ascii_case(DNS_MESSAGE) => BodyHeaders::Dns,
                Some(m) if is_multipart(m) => BodyHeaders::Multipart,
                _ => BodyHeaders::Other,
            };
        }
    }
    match coded {
        Some(zeek) => BodyHeaders::Coded { zeek },
        None => media,
    }
}

/// The media type of a Content-Type value (`type/subtype`, no parameters).
pub fn media_type(value: &[u8]) -> Option<&[u8]> {
    value
        .trim_ascii()
        .split(|c| *c == b';')
        .next()
        .map(<[u8]>::trim_ascii)
}

/// A multipart media type whose parts are files of their own: any but
/// `multipart/byteranges`, the pieces of one file.
pub fn is_multipart(media: &[u8]) -> bool {
    media
        .get(..10)
        .is_some_and(|t| t.eq_ignore_ascii_case(b"multipart/"))
        && !media.eq_ignore_ascii_case(b"multipart/byteranges")
}

/// What HTTP/2 bodies count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BodyStats {
    /// Bodies shown on the frame that ends them.
    pub shown: u64,
    /// Bodies given up: past [`MAX_BODY`], [`MAX_FRAGMENTS`], [`MAX_CONN`]
    /// or [`MAX_TOTAL`], or past [`MAX_SHOWN`] in their frame.
    pub given_up: u64,
    /// Streams forgotten to make room for a new one ([`MAX_STREAMS`]).
    pub evicted: u64,
}

/// The bytes all connections' bodies hold, and the counters.
#[derive(Debug, Default)]
pub struct Budget {
    held: u64,
    pub stats: BodyStats,
}

impl Budget {
    /// Body bytes held, all connections together.
    pub fn held(&self) -> u64 {
        self.held
    }

    /// A connection leaves: what it held is no longer counted.
    pub fn release(&mut self, c: &Conn) {
        self.held = self.held.saturating_sub(c.held as u64);
    }
}

/// One direction of a stream.
#[derive(Debug, Default)]
struct Dir {
    /// The direction's first header block was read (later ones are
    /// trailers, which tshark does not read for the body).
    headed: bool,
    /// That block had `:status` or `:method` (tshark's data_initiated_in).
    initiated: bool,
    /// It named a transfer-encoding (tshark does not put such bodies
    /// together).
    transfer_coded: bool,
    /// `:status 206`: a part of a coded body, not decoded.
    partial_content: bool,
    /// The first content-type: is it DoH's? (None: no content-type yet.)
    dns: Option<bool>,
    /// The first content-encoding, as a coding undone (None: none yet).
    coding: Option<Option<Coding>>,
    data: Vec<u8>,
    /// (frame number, length) of each DATA frame of the body so far.
    fragments: Vec<(u64, u32)>,
    /// Past a bound: the rest of this body is not put together.
    given_up: bool,
    /// END_STREAM was seen.
    ended: bool,
}

impl Dir {
    fn read_headers(&mut self, h: &Headers<'_>, connect: &mut bool) {
        self.headed = true;
        for (_, name, value) in h.iter() {
            match name {
                b":status" => {
                    self.initiated = true;
                    self.partial_content |= value == b"206";
                }
                b":method" => {
                    self.initiated = true;
                    *connect |= value == b"CONNECT";
                }
                b"transfer-encoding" => self.transfer_coded = true,
                b"content-encoding" if self.coding.is_none() => {
                    self.coding = Some(Coding::of_http2(value));
                }
                b"content-type" if self.dns.is_none() => {
                    // tshark's media type: up to `;` or white space, in
                    // lower case.
                    let media = value
                        .split(|c| *c == b';' || c.is_ascii_whitespace())
                        .next()
                        .unwrap_or_default();
                    self.dns = Some(media.eq_ignore_ascii_case(DNS_MESSAGE));
                }
                _ => {}
            }
        }
    }
}

/// One stream's two directions (by [`crate::flow::key::Side::index`]).
#[derive(Debug, Default)]
struct Stream {
    id: u32,
    /// A CONNECT tunnel: its DATA is not a body.
    connect: bool,
    dirs: [Dir; 2],
}

impl Stream {
    fn reassembles(&self, i: usize) -> bool {
        self.dirs.get(i).is_some_and(|d| {
            d.initiated && !d.transfer_coded && !self.connect && !d.given_up && !d.ended
        })
    }

    fn held(&self) -> usize {
        self.dirs.iter().map(|d| d.data.len()).sum()
    }
}

/// One HTTP/2 connection's streams.
#[derive(Debug, Default)]
pub struct Conn {
    /// In the order they began.
    streams: Vec<Stream>,
    /// Per side: the header block being gathered began with HEADERS (not
    /// PUSH_PROMISE, whose block describes another stream's request).
    in_headers: [bool; 2],
    /// Body bytes held.
    held: usize,
}

/// Where one shown body is in [`Shown`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marks {
    sent: Range<usize>,
    data: Range<usize>,
    fragments: Range<usize>,
    /// The body is a DNS message (DoH).
    pub dns: bool,
}

/// The bodies the current frame shows, one buffer for all (the views
/// borrow it).
#[derive(Debug, Default)]
pub struct Shown {
    bytes: Vec<u8>,
    fragments: Vec<(u64, u32)>,
}

impl Shown {
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.fragments.clear();
    }

    /// The body at `m`.
    pub fn body(&self, m: &Marks) -> Body<'_> {
        Body {
            data: self.bytes.get(m.data.clone()).unwrap_or_default(),
            sent: self.bytes.get(m.sent.clone()).unwrap_or_default(),
            fragments: self.fragments.get(m.fragments.clone()).unwrap_or_default(),
        }
    }

    /// Keep a body: as sent, decoded, and its fragments.
    fn push(&mut self, sent: &[u8], fragments: &[(u64, u32)], dir: &Dir) -> Option<Marks> {
        let coding = if dir.partial_content {
            None
        } else {
            dir.coding.flatten()
        };
        let decoded = export::decode_as(coding, sent, &DECODE);
        let decoded = match decoded.decoding {
            Decoding::Whole | Decoding::Partial => Some(decoded.data),
            _ => None,
        };
        let need = sent.len() + decoded.as_ref().map_or(0, |d| d.len());
        if self.bytes.len().saturating_add(need) > MAX_SHOWN {
            return None;
        }
        let at = self.bytes.len();
        self.bytes.extend_from_slice(sent);
        let sent_r = at..self.bytes.len();
        let data = match decoded {
            Some(d) => {
                let at = self.bytes.len();
                self.bytes.extend_from_slice(&d);
                at..self.bytes.len()
            }
            None => sent_r.clone(),
        };
        let f = self.fragments.len();
        self.fragments.extend_from_slice(fragments);
        Some(Marks {
            sent: sent_r,
            data,
            fragments: f..self.fragments.len(),
            dns: dir.dns == Some(true),
        })
    }
}

impl Conn {
    /// Body bytes this connection holds.
    pub fn held(&self) -> usize {
        self.held
    }

    fn find(&self, id: u32) -> Option<usize> {
        self.streams.iter().position(|s| s.id == id)
    }

    /// The stream `id`, made if new (the one begun first leaves to make
    /// room, counted).
    fn stream(&mut self, id: u32, budget: &mut Budget) -> usize {
        if let Some(at) = self.find(id) {
            return at;
        }
        if self.streams.len() >= MAX_STREAMS {
            let old = self.streams.remove(0);
            self.drop_bytes(old.held(), budget);
            budget.stats.evicted += 1;
        }
        self.streams.push(Stream {
            id,
            ..Stream::default()
        });
        self.streams.len() - 1
    }

    fn drop_bytes(&mut self, n: usize, budget: &mut Budget) {
        self.held = self.held.saturating_sub(n);
        budget.held = budget.held.saturating_sub(n as u64);
    }

    /// Follow HTTP/2 frame `v`, sent by side `i` and completed in capture
    /// frame `frame`; `headers` is the decoded list of the header block it
    /// ends, if it ends one. When it ends a body, the body is kept in
    /// `show` (when given: the frame is shown) and its marks returned.
    pub fn frame(
        &mut self,
        v: &Http2View<'_>,
        i: usize,
        frame: u64,
        headers: Option<&Headers<'_>>,
        budget: &mut Budget,
        show: Option<&mut Shown>,
    ) -> Option<Marks> {
        if v.is_magic() || i > 1 {
            return None;
        }
        let t = v.frame_type();
        let id = v.stream_id();
        if t == frame_type::HEADERS || t == frame_type::PUSH_PROMISE {
            if let Some(f) = self.in_headers.get_mut(i) {
                *f = t == frame_type::HEADERS;
            }
        }
        if let Some(h) = headers.filter(|_| self.in_headers.get(i) == Some(&true)) {
            let at = self.stream(id, budget);
            let s = self.streams.get_mut(at)?;
            let d = s.dirs.get_mut(i)?;
            if !d.headed {
                d.read_headers(h, &mut s.connect);
            }
        }
        match t {
            frame_type::RST_STREAM => {
                if let Some(at) = self.find(id) {
                    let s = self.streams.remove(at);
                    self.drop_bytes(s.held(), budget);
                }
                None
            }
            frame_type::DATA => self.data(v, i, frame, budget, show),
            // Trailers end a body that DATA frames began.
            frame_type::HEADERS if v.end_stream() => {
                let at = self.find(id)?;
                let s = self.streams.get(at)?;
                let d = s.dirs.get(i)?;
                let body = s.reassembles(i) && !d.fragments.is_empty();
                self.end(at, i, body.then_some(&[][..]), budget, show)
            }
            _ => None,
        }
    }

    fn data(
        &mut self,
        v: &Http2View<'_>,
        i: usize,
        frame: u64,
        budget: &mut Budget,
        show: Option<&mut Shown>,
    ) -> Option<Marks> {
        let at = self.find(v.stream_id())?;
        let data = v.data().unwrap_or_default();
        let end = v.end_stream();
        let s = self.streams.get_mut(at)?;
        if !s.reassembles(i) {
            if end {
                return self.end(at, i, None, budget, show);
            }
            return None;
        }
        let d = s.dirs.get_mut(i)?;
        if end && d.fragments.is_empty() {
            if data.is_empty() {
                // Nothing to show (tshark has no fragment either).
                return self.end(at, i, None, budget, show);
            }
            // The whole body in this frame: the payload from the data on,
            // padding included, as tshark takes it.
            let skip = usize::from(v.pad_length().is_some());
            let rest = v.payload().get(skip..).unwrap_or_default();
            return self.end(at, i, Some(rest), budget, show);
        }
        if !data.is_empty() || !end {
            let n = data.len();
            let over = d.data.len().saturating_add(n) > MAX_BODY
                || d.fragments.len() >= MAX_FRAGMENTS
                || self.held.saturating_add(n) > MAX_CONN
                || budget.held.saturating_add(n as u64) > MAX_TOTAL;
            if over {
                let was = d.data.len();
                d.data = Vec::new();
                d.fragments = Vec::new();
                d.given_up = true;
                d.ended = end;
                budget.stats.given_up += 1;
                self.drop_bytes(was, budget);
                return None;
            }
            d.data.extend_from_slice(data);
            d.fragments
                .push((frame, u32::try_from(n).unwrap_or(u32::MAX)));
            self.held += n;
            budget.held += n as u64;
        }
        if end {
            return self.end(at, i, Some(&[]), budget, show);
        }
        None
    }

    /// Stream `at`'s direction `i` ends. `body`: None when nothing is
    /// shown; Some(rest) when a body is: `rest` alone when no fragment was
    /// gathered, else the gathered body (and `rest` is empty).
    fn end(
        &mut self,
        at: usize,
        i: usize,
        body: Option<&[u8]>,
        budget: &mut Budget,
        show: Option<&mut Shown>,
    ) -> Option<Marks> {
        let s = self.streams.get_mut(at)?;
        let d = s.dirs.get_mut(i)?;
        d.ended = true;
        let data = std::mem::take(&mut d.data);
        let fragments = std::mem::take(&mut d.fragments);
        let mut marks = None;
        if let (Some(rest), Some(show)) = (body, show) {
            let sent = if fragments.is_empty() { rest } else { &data };
            marks = show.push(sent, &fragments, d);
            match marks {
                Some(_) => budget.stats.shown += 1,
                None => budget.stats.given_up += 1,
            }
        }
        let both = s.dirs.iter().all(|d| d.ended);
        if both {
            self.streams.remove(at);
        }
        self.drop_bytes(data.len(), budget);
        marks
    }
}

#[cfg(test)]
mod tests;
