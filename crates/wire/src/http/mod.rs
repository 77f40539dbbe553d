//! HTTP/1.0 and HTTP/1.1 messages: a start line, header lines, an empty line
//! and a body framed by `Content-Length`, by chunked coding, or by the end of
//! the connection.
//!
//! The view reads one whole message (as [`pdu_len`] cut it from a stream)
//! the way tshark 4.0 does, leniencies included: a line may end with CRLF, a
//! bare LF or a bare CR; a line without a colon ends the header block (what
//! follows is body, as tshark shows it); a header whose name is not a token
//! is kept as a line (`http.bad_header_name`). It never allocates: header
//! lookups walk the header block, which [`limits`] bounds.
//!
//! Why a scanner of our own rather than `httparse`: every field needs its
//! byte range, and tshark's leniencies (bare CR/LF line ends, bad header
//! names kept, the header block ending at a colon-less line) are errors to a
//! strict parser; the scanner is short and every read is bounds-checked.
//!
//! Framing ([`pdu_len`], [`Framer`]) follows tshark's desegmentation: the
//! header block must end; then `Transfer-Encoding: chunked` (walked chunk by
//! chunk to the last chunk and its trailers), else `Content-Length`, else a
//! request has no body and a response runs until the connection closes
//! (`Need(UNTIL_CLOSE)`); 1xx, 204 and 304 responses end at their headers.

mod frame;
mod repr;
mod status;

pub use frame::{classify, FirstLine, Framer, MessageKind, UNTIL_CLOSE};
pub use repr::{Body, HttpRepr, StartLine};
pub use status::status_text;

use crate::error::Error;
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::stream::Pdu;
use frame::{
    bodiless_status, chunk_size, framing_length, header_value, is_chunked, line_lenient,
    line_strict, skip_leading_crlf, token,
};
use std::ops::Range;

/// Caps that keep the work on one message bounded whatever its bytes say.
pub mod limits {
    /// A header block (start line included) longer than this is malformed:
    /// framing ends the message here, the view stops reading headers here.
    pub const MAX_HEADER_BLOCK: usize = 64 * 1024;
    /// More header lines than this (or trailer lines) make the message
    /// malformed in the same way.
    pub const MAX_HEADERS: usize = 10_000;
    /// Framing and the view walk at most this many chunks of a chunked body;
    /// a body with more ends after them (framing returns `Whole` there).
    pub const MAX_CHUNKS: usize = 100_000;
    /// Framing starts no new chunk once this many body bytes were walked.
    pub const MAX_CHUNKED_BODY: usize = 16 << 20;
}

field_table! {
    // In the order of the tree: start line, headers, body; then what
    // tshark keeps hidden (each header's line, the message kind).
    RequestMethod: "http.request.method", "Request Method", Kind::Str;
    RequestUri: "http.request.uri", "Request URI", Kind::Str;
    RequestUriPath: "http.request.uri.path", "Request URI Path", Kind::Str;
    RequestUriQuery: "http.request.uri.query", "Request URI Query", Kind::Str;
    RequestUriQueryParameter: "http.request.uri.query.parameter", "Request URI Query Parameter", Kind::Str;
    RequestVersion: "http.request.version", "Request Version", Kind::Str;
    ResponseVersion: "http.response.version", "Response Version", Kind::Str;
    ResponseCode: "http.response.code", "Status Code", Kind::Dec;
    ResponseCodeDesc: "http.response.code.desc", "Status Code Description", Kind::Str;
    ResponsePhrase: "http.response.phrase", "Response Phrase", Kind::Str;
    Host: "http.host", "Host", Kind::Str;
    UserAgent: "http.user_agent", "User-Agent", Kind::Str;
    Accept: "http.accept", "Accept", Kind::Str;
    AcceptLanguage: "http.accept_language", "Accept-Language", Kind::Str;
    AcceptEncoding: "http.accept_encoding", "Accept Encoding", Kind::Str;
    Referer: "http.referer", "Referer", Kind::Str;
    Cookie: "http.cookie", "Cookie", Kind::Str;
    CookiePair: "http.cookie_pair", "Cookie pair", Kind::Str;
    Authorization: "http.authorization", "Authorization", Kind::Str;
    ProxyAuthorization: "http.proxy_authorization", "Proxy-Authorization", Kind::Str;
    Connection: "http.connection", "Connection", Kind::Str;
    Upgrade: "http.upgrade", "Upgrade", Kind::Str;
    SecWebsocketKey: "http.sec_websocket_key", "Sec-WebSocket-Key", Kind::Str;
    SecWebsocketVersion: "http.sec_websocket_version", "Sec-WebSocket-Version", Kind::Str;
    SecWebsocketExtensions: "http.sec_websocket_extensions", "Sec-WebSocket-Extensions", Kind::Str;
    SecWebsocketProtocol: "http.sec_websocket_protocol", "Sec-WebSocket-Protocol", Kind::Str;
    SecWebsocketAccept: "http.sec_websocket_accept", "Sec-WebSocket-Accept", Kind::Str;
    Http2Settings: "http.http2_settings", "HTTP2-Settings", Kind::Str;
    Date: "http.date", "Date", Kind::Str;
    Server: "http.server", "Server", Kind::Str;
    Location: "http.location", "Location", Kind::Str;
    SetCookie: "http.set_cookie", "Set-Cookie", Kind::Str;
    CacheControl: "http.cache_control", "Cache-Control", Kind::Str;
    LastModified: "http.last_modified", "Last-Modified", Kind::Str;
    WwwAuthenticate: "http.www_authenticate", "WWW-Authenticate", Kind::Str;
    ProxyAuthenticate: "http.proxy_authenticate", "Proxy-Authenticate", Kind::Str;
    XForwardedFor: "http.x_forwarded_for", "X-Forwarded-For", Kind::Str;
    ContentType: "http.content_type", "Content-Type", Kind::Str;
    ContentLengthHeader: "http.content_length_header", "Content-Length", Kind::Str;
    ContentLength: "http.content_length", "Content length", Kind::Dec;
    ContentEncoding: "http.content_encoding", "Content-Encoding", Kind::Str;
    TransferEncoding: "http.transfer_encoding", "Transfer-Encoding", Kind::Str;
    TeAndLength: "http.te_and_length", "The Content-Length and Transfer-Encoding header must not be set together", Kind::None;
    UnknownHeader: "http.unknown_header", "Unknown header", Kind::Str;
    BadHeaderName: "http.bad_header_name", "Illegal characters found in header name", Kind::None;
    LeadingCrlf: "http.leading_crlf", "Leading CRLF previous message in the stream may have extra CRLF", Kind::None;
    ChunkSize: "http.chunk_size", "Chunk size", Kind::Dec;
    ChunkData: "http.chunk_data", "Chunk data", Kind::Bytes;
    ChunkBoundary: "http.chunk_boundary", "Chunk boundary", Kind::Bytes;
    ChunkedTrailerPart: "http.chunked_trailer_part", "trailer-part", Kind::Str;
    FileData: "http.file_data", "File Data", Kind::Str;
    RequestLine: "http.request.line", "Request line", Kind::Str;
    ResponseLine: "http.response.line", "Response line", Kind::Str;
    Request: "http.request", "Request", Kind::Bool;
    Response: "http.response", "Response", Kind::Bool;
    Notification: "http.notification", "Notification", Kind::Bool;
    Chat: "http.chat", "Formatted text", Kind::None;
}

/// Headers tshark 4.0 gives a field of their own (names compared without
/// regard to case).
const KNOWN_HEADERS: &[(&str, Field)] = &[
    ("authorization", Field::Authorization),
    ("proxy-authorization", Field::ProxyAuthorization),
    ("proxy-authenticate", Field::ProxyAuthenticate),
    ("www-authenticate", Field::WwwAuthenticate),
    ("content-type", Field::ContentType),
    ("content-length", Field::ContentLengthHeader),
    ("content-encoding", Field::ContentEncoding),
    ("transfer-encoding", Field::TransferEncoding),
    ("upgrade", Field::Upgrade),
    ("user-agent", Field::UserAgent),
    ("host", Field::Host),
    ("connection", Field::Connection),
    ("cookie", Field::Cookie),
    ("accept", Field::Accept),
    ("referer", Field::Referer),
    ("accept-language", Field::AcceptLanguage),
    ("accept-encoding", Field::AcceptEncoding),
    ("date", Field::Date),
    ("cache-control", Field::CacheControl),
    ("server", Field::Server),
    ("location", Field::Location),
    ("sec-websocket-accept", Field::SecWebsocketAccept),
    ("sec-websocket-extensions", Field::SecWebsocketExtensions),
    ("sec-websocket-key", Field::SecWebsocketKey),
    ("sec-websocket-protocol", Field::SecWebsocketProtocol),
    ("sec-websocket-version", Field::SecWebsocketVersion),
    ("set-cookie", Field::SetCookie),
    ("last-modified", Field::LastModified),
    ("x-forwarded-for", Field::XForwardedFor),
    ("http2-settings", Field::Http2Settings),
];

/// The field of a known header name.
fn known_header(name: &[u8]) -> Option<Field> {
    KNOWN_HEADERS
        .iter()
        .find(|(n, _)| n.len() == name.len() && n.as_bytes().eq_ignore_ascii_case(name))
        .map(|&(_, f)| f)
}

/// tshark's header-name check: RFC 7230 token characters, as Wireshark
/// spells them (its set has `\` and `:` where the RFC has `'`).
fn valid_header_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || b"!#$%&\\:*+-.^_`|~".contains(&c))
}

/// How many bytes the HTTP message at the start of `bytes` takes: `Need`
/// until the header block has ended, then until the body (by chunked coding
/// or `Content-Length`) is there; `Need(UNTIL_CLOSE)` for a response whose
/// body runs to the end of the connection (at the end of the stream, what is
/// buffered is that message). Bounded: see [`limits`] and [`Framer`], which
/// resumes the walk when called again on a grown buffer.
pub fn pdu_len(bytes: &[u8]) -> Pdu {
    Framer::new().feed(bytes)
}

/// [`pdu_len`] for a response to a request with method `method`: a response
/// to HEAD (and a 2xx response to CONNECT) has no body whatever its headers
/// say. The flow engine, which pairs requests and responses, can use this.
pub fn pdu_len_response_to(bytes: &[u8], method: &[u8]) -> Pdu {
    Framer::for_response_to(method).feed(bytes)
}

/// [`pdu_len`] for bytes after which the stream has no more (a segment
/// with FIN, or one the snap length cut): a message whose header block is
/// complete is whole, its body cut where the bytes end (tshark dissects it
/// so); one whose headers are not complete still needs more.
pub fn pdu_len_at_end(bytes: &[u8]) -> Pdu {
    Framer::new().feed_at_end(bytes)
}

/// Do these first bytes of a stream look like an HTTP/1.x message? A start
/// line begins with a method tshark knows followed by a space, or with
/// `HTTP/1.` (after at most one leading CRLF). Content detection on any port
/// uses this, so it is stricter than the view (which also takes `ICY`
/// responses and start lines without a space).
pub fn looks_like(bytes: &[u8]) -> bool {
    let b = bytes.get(skip_leading_crlf(bytes)..).unwrap_or_default();
    if b.starts_with(b"HTTP/1.") {
        return true;
    }
    let m = b.strip_prefix(b"M-").unwrap_or(b);
    let Some(sp) = m
        .iter()
        .take(17)
        .position(|&c| c == b' ' || c == b'\r' || c == b'\n')
    else {
        return false;
    };
    let method = m.get(..sp).unwrap_or_default();
    if method.starts_with(b"HTTP/") || classify(method).is_none() {
        return false;
    }
    // A whole request line must not end with another protocol's version
    // (SIP/2.0, RTSP/1.0: same methods, not HTTP). A line the segment cut,
    // a bare method or an odd last token (`/HTTP/1.1`) is let through.
    match line_strict(b, 0) {
        Some((end, _)) if m.get(sp) == Some(&b' ') => {
            let line = b.get(..end).unwrap_or_default();
            let last = line.rsplit(|&c| c == b' ').next().unwrap_or_default();
            let name = last.split(|&c| c == b'/').next().unwrap_or_default();
            let other = last.len() > name.len()
                && !name.is_empty()
                && name.iter().all(u8::is_ascii_uppercase)
                && name != b"HTTP";
            !other
        }
        _ => true,
    }
}

/// Why the header block ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HeadEnd {
    /// At the empty line: the normal case.
    Blank,
    /// At a line with no colon (tshark treats the rest as body).
    NoColon,
    /// The bytes ended first.
    Cut,
    /// More than [`limits::MAX_HEADERS`] header lines.
    TooMany,
    /// Longer than [`limits::MAX_HEADER_BLOCK`].
    TooLong,
}

/// Something wrong with a message, for the dissector's anomaly list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The header block has no end (the message was cut).
    HeadersCut,
    /// More header lines than [`limits::MAX_HEADERS`]: the rest is not read.
    TooManyHeaders,
    /// A header block over [`limits::MAX_HEADER_BLOCK`]: the rest is not read.
    HeaderBlockTooLarge,
    /// Fewer body bytes than `Content-Length` says.
    BodyCut,
    /// A chunked body without its last chunk (cut, a bad chunk size, or
    /// more than [`limits::MAX_CHUNKS`] chunks).
    ChunkedBodyCut,
}

impl Problem {
    /// A few words for the anomaly's message.
    pub fn msg(self) -> &'static str {
        match self {
            Problem::HeadersCut => "HTTP header block without its end",
            Problem::TooManyHeaders => "HTTP header block with too many lines",
            Problem::HeaderBlockTooLarge => "HTTP header block too large",
            Problem::BodyCut => "HTTP body shorter than its Content-Length",
            Problem::ChunkedBodyCut => "HTTP chunked body without its last chunk",
        }
    }
}

/// A view over one HTTP/1.x message.
#[derive(Clone, Copy, Debug)]
pub struct HttpView<'a> {
    bytes: &'a [u8],
    kind: MessageKind,
    /// Start of the start line (2 after a leading CRLF).
    start: usize,
    /// End of the start line's text, and start of the next line.
    line_end: usize,
    first_next: usize,
    /// End of the header lines (where the empty line, the colon-less line or
    /// the cut is).
    lines_end: usize,
    /// Start of the body (after the empty line, if any).
    body_start: usize,
    body_end: usize,
    head_end: HeadEnd,
    chunked: bool,
    /// Content-Length as framing reads it (last valid one).
    length: Option<u32>,
    /// The chunked body reached its last chunk.
    last_chunk: bool,
    /// Body bytes after `bytes` that the stream's reader counted and did
    /// not keep ([`HttpView::with_elided`]).
    elided: u64,
    /// The decoded length of a content-coded body whose bytes were not all
    /// kept ([`HttpView::with_decoded`]).
    decoded: Option<u64>,
    /// When the body's first chunk was whole ([`HttpView::with_chunk_at`]).
    chunk_at: Option<i64>,
    /// The parts of a multipart body read as it passed
    /// ([`HttpView::with_parts`]).
    parts: Option<&'a crate::mime::Mail>,
}

impl<'a> HttpView<'a> {
    /// A view over one whole message. Fails only when the bytes do not start
    /// with a request, response or notification line.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        if bytes.is_empty() {
            return Err(Error::Truncated { needed: 1, got: 0 });
        }
        let start = skip_leading_crlf(bytes);
        let (line_end, first_next) = line_lenient(bytes, start);
        let kind = classify(bytes.get(start..line_end).unwrap_or_default())
            .ok_or(Error::Malformed("not an HTTP request or response line"))?;
        let mut v = HttpView {
            bytes,
            kind,
            start,
            line_end,
            first_next,
            lines_end: bytes.len(),
            body_start: bytes.len(),
            body_end: bytes.len(),
            head_end: HeadEnd::Cut,
            chunked: false,
            length: None,
            last_chunk: false,
            elided: 0,
            decoded: None,
            chunk_at: None,
            parts: None,
        };
        v.scan_headers();
        v.find_body();
        Ok(v)
    }

    fn scan_headers(&mut self) {
        let b = self.bytes;
        let mut pos = self.first_next;
        let mut lines = 0usize;
        loop {
            if pos >= b.len() {
                self.lines_end = b.len();
                self.body_start = b.len();
                self.head_end = HeadEnd::Cut;
                return;
            }
            let (end, next) = line_lenient(b, pos);
            if next - self.start > limits::MAX_HEADER_BLOCK {
                self.stop_at(pos, HeadEnd::TooLong);
                return;
            }
            let line = b.get(pos..end).unwrap_or_default();
            if line.is_empty() {
                self.lines_end = pos;
                self.body_start = next;
                self.head_end = HeadEnd::Blank;
                return;
            }
            if memchr::memchr(b':', line).is_none() {
                // tshark throws at a colon-less line the bytes cut short (it
                // may be the start of a header); any other one ends the block.
                let why = if end == b.len() {
                    HeadEnd::Cut
                } else {
                    HeadEnd::NoColon
                };
                self.stop_at(pos, why);
                return;
            }
            if lines >= limits::MAX_HEADERS {
                self.stop_at(pos, HeadEnd::TooMany);
                return;
            }
            lines += 1;
            if let Some(v) = header_value(line, b"content-length") {
                if let Some(n) = framing_length(v) {
                    self.length = Some(n);
                }
            } else if let Some(v) = header_value(line, b"transfer-encoding") {
                self.chunked |= is_chunked(v);
            }
            pos = next;
        }
    }

    fn stop_at(&mut self, pos: usize, why: HeadEnd) {
        self.lines_end = pos;
        self.body_start = pos;
        self.head_end = why;
    }

    fn find_body(&mut self) {
        let len = self.bytes.len();
        self.body_end = len;
        match self.head_end {
            HeadEnd::TooMany | HeadEnd::TooLong => {
                self.body_end = self.body_start;
                return;
            }
            HeadEnd::Cut => {
                self.body_start = len;
                return;
            }
            HeadEnd::Blank | HeadEnd::NoColon => {}
        }
        if self.kind == MessageKind::Response && self.status().is_some_and(bodiless_status) {
            self.body_end = self.body_start;
        } else if self.chunked {
            let mut chunks = self.chunks();
            for c in chunks.by_ref() {
                self.last_chunk |= c.last;
            }
            self.body_end = chunks.end_of_body();
        } else if let Some(n) = self.length {
            self.body_end = self.body_start.saturating_add(n as usize).min(len);
        }
    }

    /// Request, response or notification.
    pub fn kind(&self) -> MessageKind {
        self.kind
    }

    pub fn is_request(&self) -> bool {
        self.kind == MessageKind::Request
    }

    pub fn is_response(&self) -> bool {
        self.kind == MessageKind::Response
    }

    /// The start line, without its line terminator.
    pub fn start_line(&self) -> &'a [u8] {
        self.bytes
            .get(self.start..self.line_end)
            .unwrap_or_default()
    }

    fn first_line_at(&self, r: Range<usize>) -> Range<usize> {
        self.start + r.start..self.start + r.end
    }

    /// Ranges of the method, URI and version in a request or notification
    /// line (relative to the line), as tshark's basic request dissector cuts
    /// them: two spaces after the method mean an empty URI.
    fn request_parts(&self) -> Option<(Range<usize>, Range<usize>, Range<usize>)> {
        if self.kind == MessageKind::Response {
            return None;
        }
        let line = self.start_line();
        let (m_end, mut uri_at) = token(line, 0);
        if m_end == 0 {
            return None;
        }
        if uri_at > 2 && line.get(uri_at - 1) == Some(&b' ') && line.get(uri_at - 2) == Some(&b' ')
        {
            uri_at -= 1;
        }
        let (uri_end, ver_at) = token(line, uri_at);
        Some((0..m_end, uri_at..uri_end, ver_at..line.len()))
    }

    /// The start line's kind and text.
    pub fn first_line(&self) -> FirstLine<'a> {
        FirstLine {
            kind: self.kind,
            text: self.start_line(),
        }
    }

    /// The request method (`GET`, …), for requests and notifications.
    pub fn method(&self) -> Option<&'a [u8]> {
        self.first_line().method()
    }

    /// The request target as written.
    pub fn uri(&self) -> Option<&'a [u8]> {
        let (_, u, _) = self.request_parts()?;
        self.start_line().get(u)
    }

    /// The protocol version (`HTTP/1.1`) of a request or response.
    pub fn version(&self) -> Option<&'a [u8]> {
        let line = self.start_line();
        match self.request_parts() {
            Some((_, _, v)) => line.get(v),
            None => {
                let (end, _) = token(line, 0);
                line.get(..end).filter(|v| !v.is_empty())
            }
        }
    }

    /// Ranges of the status code and the reason phrase of a response line.
    fn response_parts(&self) -> Option<(Range<usize>, Range<usize>)> {
        if self.kind != MessageKind::Response {
            return None;
        }
        let line = self.start_line();
        let (v_end, code_at) = token(line, 0);
        if v_end == 0 {
            return None;
        }
        let (code_end, phrase_at) = token(line, code_at);
        if code_end - code_at < 3 {
            return None;
        }
        Some((code_at..code_at + 3, phrase_at..line.len()))
    }

    /// The status code of a response, as tshark reads it.
    pub fn status(&self) -> Option<u16> {
        self.first_line().status()
    }

    /// The reason phrase of a response (may be empty).
    pub fn reason(&self) -> Option<&'a [u8]> {
        let (_, p) = self.response_parts()?;
        self.start_line().get(p)
    }

    /// The header lines, in order (a line with a bad name included).
    pub fn headers(&self) -> Headers<'a> {
        Headers {
            bytes: self.bytes.get(..self.lines_end).unwrap_or_default(),
            pos: self.first_next,
        }
    }

    /// The value of the first header called `name` (any case).
    pub fn header(&self, name: &[u8]) -> Option<&'a [u8]> {
        self.headers()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value)
    }

    /// Where the header block ends (after its empty line): the body starts here.
    pub fn header_block_len(&self) -> usize {
        self.body_start
    }

    /// Is the body in chunked transfer coding?
    pub fn is_chunked(&self) -> bool {
        self.chunked
    }

    /// `Content-Length` as framing reads it.
    pub fn content_length(&self) -> Option<u64> {
        self.length.map(u64::from)
    }

    /// Did the header block end at its empty line (not cut short, not
    /// over a limit)? Only then does `Content-Length` frame the body.
    pub fn head_complete(&self) -> bool {
        self.head_end == HeadEnd::Blank
    }

    /// The message's body went on for `n` more bytes after these, which
    /// were counted and not kept (a reader that needs a body's length and
    /// first bytes, not all of it).
    pub fn with_elided(mut self, n: u64) -> Self {
        self.elided = n;
        self
    }

    /// Body bytes counted and not kept ([`HttpView::with_elided`]).
    pub fn elided(&self) -> u64 {
        self.elided
    }

    /// The body, not all kept, was decoded as it passed: this is its
    /// decoded length (undoing its gzip or deflate content coding).
    pub fn with_decoded(mut self, n: Option<u64>) -> Self {
        self.decoded = n;
        self
    }

    /// The decoded length of a body not all kept ([`HttpView::with_decoded`]).
    pub fn decoded(&self) -> Option<u64> {
        self.decoded
    }

    /// The stream reader saw the body's first chunk whole (the first 1500
    /// bytes, which Zeek's file analysis starts on) at `ts` nanoseconds,
    /// on a frame before this one.
    pub fn with_chunk_at(mut self, ts: Option<i64>) -> Self {
        self.chunk_at = ts;
        self
    }

    /// The stream reader read the multipart body's parts as it passed
    /// (counted, not kept): what they made.
    pub fn with_parts(mut self, parts: Option<&'a crate::mime::Mail>) -> Self {
        self.parts = parts;
        self
    }

    /// The parts of a multipart body read as it passed
    /// ([`HttpView::with_parts`]).
    pub fn parts(&self) -> Option<&'a crate::mime::Mail> {
        self.parts
    }

    /// When the body's first chunk was whole, if before this frame
    /// ([`HttpView::with_chunk_at`]).
    pub fn chunk_at(&self) -> Option<i64> {
        self.chunk_at
    }

    /// The body as carried (chunk framing included when chunked; content
    /// coding such as gzip is for the caller to undo).
    pub fn body(&self) -> &'a [u8] {
        self.bytes
            .get(self.body_start..self.body_end)
            .unwrap_or_default()
    }

    /// The chunks of a chunked body, as tshark walks them.
    pub fn chunks(&self) -> Chunks<'a> {
        let end = if self.chunked {
            self.bytes.len()
        } else {
            self.body_start
        };
        Chunks {
            bytes: self.bytes.get(..end).unwrap_or_default(),
            pos: self.body_start,
            count: 0,
            done: !self.chunked,
            trailer: None,
        }
    }

    /// The whole message.
    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    /// The body (see [`body`](Self::body)).
    pub fn payload(&self) -> &'a [u8] {
        self.body()
    }

    /// What is wrong with the message, if anything, and where.
    pub fn problem(&self) -> Option<(Problem, Range<usize>)> {
        let end = self.bytes.len();
        match self.head_end {
            HeadEnd::Cut => return Some((Problem::HeadersCut, self.start..end)),
            HeadEnd::TooMany => return Some((Problem::TooManyHeaders, self.lines_end..end)),
            HeadEnd::TooLong => return Some((Problem::HeaderBlockTooLarge, self.lines_end..end)),
            HeadEnd::Blank | HeadEnd::NoColon => {}
        }
        if self.chunked {
            return (!self.last_chunk).then_some((Problem::ChunkedBodyCut, self.body_start..end));
        }
        let bodiless = self.status().is_some_and(bodiless_status);
        if let (Some(n), false) = (self.length, bodiless) {
            let rpc_type = self
                .header(b"content-type")
                .is_some_and(|t| t.starts_with(b"application/rpc"));
            let msg = self.bytes.get(self.start..).unwrap_or_default();
            if frame::rpc_over_http(n, rpc_type, msg) {
                return None;
            }
            if self.body_start.saturating_add(n as usize) > end {
                return Some((Problem::BodyCut, self.body_start..end));
            }
        }
        None
    }

    fn content_encoded(&self) -> bool {
        self.header(b"content-encoding")
            .is_some_and(|v| !frame::trim(v).eq_ignore_ascii_case(b"identity"))
    }

    /// The body's bytes as tshark's `http.file_data` holds them, when that
    /// needs no copy: the body itself, or the data of a body of one chunk.
    fn file_data(&self) -> Option<(&'a [u8], Range<usize>)> {
        if self.body_end <= self.body_start || self.content_encoded() {
            return None;
        }
        if self.chunked {
            let mut data = self.chunks().filter(|c| !c.data.is_empty());
            let one = data.next()?;
            if data.next().is_some() {
                return None;
            }
            let r = one.data;
            return Some((self.bytes.get(r.clone())?, r));
        }
        Some((self.body(), self.body_start..self.body_end))
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        let str_at = |r: Range<usize>| Value::Str(b.get(r).unwrap_or_default());
        let first = self.start..self.first_next;
        match f {
            Field::Notification => {
                if self.kind == MessageKind::Notification {
                    out.value(Value::Bool(true), 0..0)
                }
            }
            Field::Response => {
                if self.kind == MessageKind::Response {
                    out.value(Value::Bool(true), 0..0)
                }
            }
            Field::Request => {
                if self.kind == MessageKind::Request {
                    out.value(Value::Bool(true), 0..0)
                }
            }
            Field::Chat => out.value(Value::Present, first),
            Field::RequestMethod | Field::RequestUri | Field::RequestVersion => {
                if let Some((m, u, v)) = self.request_parts() {
                    let r = match f {
                        Field::RequestMethod => m,
                        Field::RequestUri => u,
                        _ => v,
                    };
                    let r = self.first_line_at(r);
                    out.value(str_at(r.clone()), r)
                }
            }
            Field::RequestUriPath | Field::RequestUriQuery | Field::RequestUriQueryParameter => {
                if let Some((_, u, _)) = self.request_parts() {
                    self.uri_parts(f, self.first_line_at(u), out)
                }
            }
            Field::ResponseVersion => {
                if self.kind == MessageKind::Response {
                    let (end, _) = token(self.start_line(), 0);
                    if end > 0 {
                        let r = self.first_line_at(0..end);
                        out.value(str_at(r.clone()), r)
                    }
                }
            }
            Field::ResponseCode | Field::ResponseCodeDesc => {
                if let (Some((c, _)), Some(code)) = (self.response_parts(), self.status()) {
                    let r = self.first_line_at(c);
                    let v = if f == Field::ResponseCode {
                        Value::UInt(code.into())
                    } else {
                        Value::Static(status_text(code))
                    };
                    out.value(v, r)
                }
            }
            Field::ResponsePhrase => {
                if let Some((_, p)) = self.response_parts() {
                    if !p.is_empty() {
                        let r = self.first_line_at(p);
                        out.value(str_at(r.clone()), r)
                    }
                }
            }
            Field::RequestLine | Field::ResponseLine => {
                let want = if f == Field::RequestLine {
                    MessageKind::Request
                } else {
                    MessageKind::Response
                };
                if self.kind == want {
                    for h in self.headers() {
                        out.value(str_at(h.line()), h.line())
                    }
                }
            }
            Field::UnknownHeader => {
                if self.kind == MessageKind::Notification {
                    for h in self.headers() {
                        if !h.valid_name() || known_header(h.name).is_none() {
                            out.value(str_at(h.line()), h.line())
                        }
                    }
                }
            }
            Field::BadHeaderName => {
                for h in self.headers().filter(|h| !h.valid_name()) {
                    out.value(Value::Present, h.line())
                }
            }
            Field::LeadingCrlf => {
                if self.start == 2 {
                    out.value(Value::Present, 0..2)
                }
            }
            Field::ContentLength => {
                for h in self.headers() {
                    if h.valid_name() && known_header(h.name) == Some(Field::ContentLengthHeader) {
                        if let Some(n) = dissector_length(h.value) {
                            out.value(Value::UInt(n), h.line())
                        }
                    }
                }
            }
            Field::CookiePair => {
                for h in self.headers() {
                    if h.valid_name() && known_header(h.name) == Some(Field::Cookie) {
                        cookie_pairs(h.value, h.value_start, out)
                    }
                }
            }
            Field::TeAndLength => self.te_and_length(out),
            Field::ChunkSize | Field::ChunkData | Field::ChunkBoundary => {
                for c in self.chunks() {
                    match f {
                        Field::ChunkSize => out.value(Value::UInt(c.size.into()), c.size_line),
                        Field::ChunkData if !c.last => out.value(
                            Value::Bytes(b.get(c.data.clone()).unwrap_or_default()),
                            c.data,
                        ),
                        Field::ChunkBoundary => {
                            if let Some(r) = c.boundary {
                                out.value(Value::Bytes(b.get(r.clone()).unwrap_or_default()), r)
                            }
                        }
                        _ => {}
                    }
                }
            }
            Field::ChunkedTrailerPart => {
                let mut chunks = self.chunks();
                chunks.by_ref().for_each(drop);
                if let Some(r) = chunks.trailer {
                    out.value(str_at(r.clone()), r)
                }
            }
            Field::FileData => {
                if let Some((data, r)) = self.file_data() {
                    out.value(Value::Str(data), r)
                }
            }
            _ => {
                // A header with a field of its own.
                for h in self.headers() {
                    if h.valid_name() && known_header(h.name) == Some(f) {
                        out.value(Value::Str(h.value), h.line())
                    }
                }
            }
        }
    }

    /// `http.request.uri.path`, `.query` and `.query.parameter`: tshark 4.0
    /// splits a URI with a `?` and something after it into path and query,
    /// and the query at `&` (empty parameters left out).
    fn uri_parts(&self, f: Field, uri: Range<usize>, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        let Some(u) = b.get(uri.clone()) else {
            return;
        };
        // tshark 4.0 splits only a URI with a non-empty query.
        let Some(q) = u.iter().position(|&c| c == b'?') else {
            return;
        };
        if q + 1 >= u.len() {
            return;
        }
        let q_at = uri.start + q;
        match f {
            Field::RequestUriPath => {
                out.value(Value::Str(u.get(..q).unwrap_or_default()), uri.start..q_at)
            }
            Field::RequestUriQuery => out.value(
                Value::Str(u.get(q + 1..).unwrap_or_default()),
                q_at + 1..uri.end,
            ),
            _ => {
                let mut at = q_at + 1;
                while at < uri.end {
                    let end = b
                        .get(at..uri.end)
                        .unwrap_or_default()
                        .iter()
                        .position(|&c| c == b'&')
                        .map_or(uri.end, |i| at + i);
                    if end > at {
                        out.value(Value::Str(b.get(at..end).unwrap_or_default()), at..end);
                    }
                    at = end + 1;
                }
            }
        }
    }

    /// The expert note tshark adds when a message has both a valid
    /// Content-Length and a Transfer-Encoding, on the later of the two.
    fn te_and_length(&self, out: &mut dyn FieldSink<'a>) {
        let (mut cl, mut te, mut noted) = (false, false, false);
        for h in self.headers().filter(|h| h.valid_name()) {
            match known_header(h.name) {
                Some(Field::ContentLengthHeader) if dissector_length(h.value).is_some() => {
                    if te && !noted {
                        out.value(Value::Present, h.line());
                        noted = true;
                    }
                    cl = true;
                }
                Some(Field::TransferEncoding) => {
                    if cl && !noted {
                        out.value(Value::Present, h.line());
                        noted = true;
                    }
                    te = true;
                }
                _ => {}
            }
        }
    }

    /// The tree's title line.
    pub fn title(&self, out: &mut String) {
        out.push_str("Hypertext Transfer Protocol");
    }

    /// tshark's Info column for this message: the start line and a space,
    /// then ` (media/type)` when there is a body and a Content-Type (what
    /// tshark's media dissectors add; PNG and GIF bodies as their own
    /// dissectors name them).
    pub fn summary(&self, out: &mut String) {
        crate::field::write_escaped(out, self.start_line());
        out.push(' ');
        let Some(ct) = self.header(b"content-type") else {
            return;
        };
        if self.body_end <= self.body_start {
            return;
        }
        let body = self.file_data().map(|(d, _)| d).unwrap_or_default();
        if body.starts_with(b"\x89PNG\r\n\x1a\n") {
            out.push_str(" (PNG)");
            return;
        }
        for gif in [&b"GIF89a"[..], b"GIF87a"] {
            if body.starts_with(gif) {
                out.push_str(if gif == b"GIF89a" {
                    " (GIF89a)"
                } else {
                    " (GIF87a)"
                });
                return;
            }
        }
        out.push_str(" (");
        for &c in ct
            .iter()
            .take_while(|&&c| c != b';' && !c.is_ascii_whitespace())
        {
            crate::field::write_escaped(out, &[c.to_ascii_lowercase()]);
        }
        out.push(')');
    }
}

/// A Content-Length value as tshark's `http.content_length` reads it
/// (`strtoll`: leading white space, a sign, digits, then the end or white
/// space; negative or out of range values are not lengths).
fn dissector_length(value: &[u8]) -> Option<u64> {
    let mut s = value;
    while let [c, rest @ ..] = s {
        if c.is_ascii_whitespace() || *c == 0x0b {
            s = rest;
        } else {
            break;
        }
    }
    let neg = s.first() == Some(&b'-');
    if let [b'+' | b'-', rest @ ..] = s {
        s = rest;
    }
    let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    if let Some(&c) = s.get(digits) {
        if !(c.is_ascii_whitespace() || c == 0x0b || c == 0) {
            return None;
        }
    }
    let mut n: i64 = 0;
    for &c in s.get(..digits).unwrap_or_default() {
        n = n.checked_mul(10)?.checked_add(i64::from(c - b'0'))?;
    }
    if neg && n != 0 {
        return None;
    }
    Some(n as u64)
}

/// tshark's cookie pairs: split at `;`, leading white space and `;` skipped,
/// trailing white space kept.
fn cookie_pairs<'a>(value: &'a [u8], at: usize, out: &mut dyn FieldSink<'a>) {
    let mut i = 0;
    loop {
        let rest = value.get(i..).unwrap_or_default();
        i += rest
            .iter()
            .take_while(|&&c| c == b';' || c.is_ascii_whitespace())
            .count();
        let rest = value.get(i..).unwrap_or_default();
        if rest.is_empty() {
            return;
        }
        let len = rest.iter().position(|&c| c == b';').unwrap_or(rest.len());
        out.value(
            Value::Str(rest.get(..len).unwrap_or_default()),
            at + i..at + i + len,
        );
        i += len;
    }
}

/// One header line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    /// The name, as written (before the colon).
    pub name: &'a [u8],
    /// The value: after the colon and the spaces and tabs that follow, up to
    /// the line's end (trailing white space kept, as tshark shows it).
    pub value: &'a [u8],
    /// Where the line starts in the message.
    pub line_start: usize,
    /// Where the line ends, terminator included.
    pub line_end: usize,
    /// Where the value starts in the message.
    pub value_start: usize,
}

impl Header<'_> {
    /// The line, terminator included (the range tshark gives header fields).
    pub fn line(&self) -> Range<usize> {
        self.line_start..self.line_end
    }

    /// Is the name a token (else tshark notes `http.bad_header_name`)?
    pub fn valid_name(&self) -> bool {
        valid_header_name(self.name)
    }
}

/// Iterator over the header lines of a message.
#[derive(Clone, Debug)]
pub struct Headers<'a> {
    /// The message up to the end of its header lines.
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Headers<'a> {
    type Item = Header<'a>;

    fn next(&mut self) -> Option<Header<'a>> {
        let b = self.bytes;
        if self.pos >= b.len() {
            return None;
        }
        let start = self.pos;
        let (end, next) = line_lenient(b, start);
        self.pos = next.max(start + 1);
        let line = b.get(start..end).unwrap_or_default();
        let colon = memchr::memchr(b':', line).unwrap_or(line.len());
        let after = line.get(colon + 1..).unwrap_or_default();
        let skip = after
            .iter()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count();
        Some(Header {
            name: line.get(..colon).unwrap_or_default(),
            value: after.get(skip..).unwrap_or_default(),
            line_start: start,
            line_end: next,
            value_start: (start + colon + 1 + skip).min(end),
        })
    }
}

/// One chunk of a chunked body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// The size as tshark shows it (clamped to the bytes that follow).
    pub size: u32,
    /// The size line, terminator included.
    pub size_line: Range<usize>,
    /// The chunk's data (empty for the last chunk).
    pub data: Range<usize>,
    /// The CRLF after the data, when there is one.
    pub boundary: Option<Range<usize>>,
    /// This is the last chunk (size 0).
    pub last: bool,
}

/// Iterator over the chunks of a chunked body, the way tshark's chunked
/// decoder walks them: it stops at a missing or empty size line, a size
/// that is not hex counts as 0 (the last chunk), and after the last chunk
/// the trailer lines are read up to the empty line. At most
/// [`limits::MAX_CHUNKS`] chunks.
#[derive(Clone, Debug)]
pub struct Chunks<'a> {
    bytes: &'a [u8],
    pos: usize,
    count: usize,
    done: bool,
    /// The trailer lines, once the last chunk was read.
    trailer: Option<Range<usize>>,
}

impl Chunks<'_> {
    /// Where the walk ended: the end of the chunked body as far as it went.
    pub fn end_of_body(&self) -> usize {
        self.pos.min(self.bytes.len())
    }

    /// The trailer lines after the last chunk (not the final empty line).
    pub fn trailer(&self) -> Option<Range<usize>> {
        self.trailer.clone()
    }

    fn trailers(&mut self) {
        let b = self.bytes;
        let from = self.pos;
        let mut pos = from;
        let mut lines = 0;
        loop {
            match line_strict(b, pos) {
                Some((end, next)) if end == pos => {
                    if pos > from {
                        self.trailer = Some(from..pos);
                    }
                    self.pos = next;
                    return;
                }
                Some((_, next)) if lines < limits::MAX_HEADERS => {
                    lines += 1;
                    pos = next;
                }
                _ => {
                    if pos > from {
                        self.trailer = Some(from..pos);
                    }
                    self.pos = pos;
                    return;
                }
            }
        }
    }
}

impl Iterator for Chunks<'_> {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        let b = self.bytes;
        if self.done || self.count >= limits::MAX_CHUNKS || self.pos >= b.len() {
            self.done = true;
            return None;
        }
        let at = self.pos;
        let (end, next) = match line_strict(b, at) {
            Some((end, next)) if end > at => (end, next),
            _ => {
                self.done = true;
                return None;
            }
        };
        // As C's strtol then a cast to 32 bits; a size larger than the rest
        // is clamped to it (measured from the size line, as tshark does).
        let size = match chunk_size(b.get(at..end).unwrap_or_default()) {
            None => 0,
            Some(u64::MAX) => u32::MAX,
            Some(n) => n as u32,
        };
        let size = size.min(u32::try_from(b.len() - at).unwrap_or(u32::MAX));
        self.count += 1;
        let data_end = next.saturating_add(size as usize).min(b.len());
        if size == 0 {
            self.done = true;
            self.pos = next;
            self.trailers();
            return Some(Chunk {
                size,
                size_line: at..next,
                data: next..next,
                boundary: None,
                last: true,
            });
        }
        let after = data_end.saturating_add(2).min(b.len());
        self.pos = next.saturating_add(size as usize).saturating_add(2);
        Some(Chunk {
            size,
            size_line: at..next,
            data: next..data_end,
            boundary: (after > data_end).then_some(data_end..after),
            last: false,
        })
    }
}

#[cfg(test)]
mod tests;
