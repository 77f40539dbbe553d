//! Lines, start lines and message framing for HTTP/1.x: pure functions over
//! bytes, shared by the view and by [`pdu_len`](super::pdu_len).
//!
//! The rules follow tshark 4.0 (`packet-http.c`, `req_resp_hdrs.c`) where it
//! matters for agreeing with it: a line ends at CRLF, a bare LF or a bare CR;
//! the header block ends at an empty line; `Content-Length` frames the body
//! unless the message is chunked; a response with neither runs until the
//! connection closes; 1xx, 204 and 304 responses have no body. Every walk is
//! bounded by the caps in [`limits`](super::limits).

use super::limits::{MAX_CHUNKED_BODY, MAX_CHUNKS, MAX_HEADERS, MAX_HEADER_BLOCK};
use crate::stream::Pdu;

/// `Need(UNTIL_CLOSE)`: the message (a response with neither
/// `Content-Length` nor chunked coding) runs until the connection closes.
pub const UNTIL_CLOSE: usize = usize::MAX;

/// Where the first CR or LF of `b` is. (memchr reads a word at a time:
/// header blocks are scanned on every message.)
pub(crate) fn line_end(b: &[u8]) -> Option<usize> {
    memchr::memchr2(b'\r', b'\n', b)
}

/// The end of the line starting at `from` and the start of the next one,
/// when the line's terminator is there. A CR that is the last byte may be
/// the first half of a CRLF, so it does not end a line yet.
pub(crate) fn line_strict(b: &[u8], from: usize) -> Option<(usize, usize)> {
    let rest = b.get(from..)?;
    let i = line_end(rest)?;
    let end = from + i;
    match (rest.get(i), rest.get(i + 1)) {
        (Some(b'\r'), Some(b'\n')) => Some((end, end + 2)),
        (Some(b'\r'), None) => None,
        _ => Some((end, end + 1)),
    }
}

/// Like [`line_strict`], for bytes known to be all there is: a line without
/// terminator runs to the end.
pub(crate) fn line_lenient(b: &[u8], from: usize) -> (usize, usize) {
    let from = from.min(b.len());
    let rest = b.get(from..).unwrap_or_default();
    match line_end(rest) {
        None => (b.len(), b.len()),
        Some(i) => {
            let end = from + i;
            let crlf = rest.get(i) == Some(&b'\r') && rest.get(i + 1) == Some(&b'\n');
            (end, if crlf { end + 2 } else { end + 1 })
        }
    }
}

/// Where the start line begins: tshark skips one leading CRLF (left over
/// from a previous message) when more than 3 bytes are there.
pub(crate) fn skip_leading_crlf(b: &[u8]) -> usize {
    if b.len() > 3 && b.starts_with(b"\r\n") {
        2
    } else {
        0
    }
}

/// What a start line makes of the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    Request,
    Response,
    /// NOTIFY, SUBSCRIBE, UNSUBSCRIBE (UPnP GENA): tshark's "notification".
    Notification,
}

/// Request methods tshark 4.0 recognizes, and whether each is a notification.
const METHODS: &[(&[u8], bool)] = &[
    (b"GET", false),
    (b"PUT", false),
    (b"COPY", false),
    (b"HEAD", false),
    (b"LOCK", false),
    (b"MOVE", false),
    (b"POLL", false),
    (b"POST", false),
    (b"BCOPY", false),
    (b"BMOVE", false),
    (b"MKCOL", false),
    (b"TRACE", false),
    (b"PATCH", false),
    (b"LABEL", false),
    (b"MERGE", false),
    (b"DELETE", false),
    (b"SEARCH", false),
    (b"UNLOCK", false),
    (b"REPORT", false),
    (b"UPDATE", false),
    (b"NOTIFY", true),
    (b"BDELETE", false),
    (b"CONNECT", false),
    (b"OPTIONS", false),
    (b"CHECKIN", false),
    (b"PROPFIND", false),
    (b"CHECKOUT", false),
    (b"CCM_POST", false),
    (b"SUBSCRIBE", true),
    (b"PROPPATCH", false),
    (b"BPROPFIND", false),
    (b"BPROPPATCH", false),
    (b"UNCHECKOUT", false),
    (b"MKACTIVITY", false),
    (b"MKWORKSPACE", false),
    (b"RPC_CONNECT", false),
    (b"RPC_IN_DATA", false),
    (b"UNSUBSCRIBE", true),
    (b"RPC_OUT_DATA", false),
    (b"VERSION-CONTROL", false),
    (b"BASELINE-CONTROL", false),
    (b"SSTP_DUPLEX_POST", false),
];

/// Is `line` (without terminator) a request, response or notification line?
/// tshark's test: `HTTP/` or `ICY` at the start is a response; otherwise the
/// text up to the first space (after an optional RFC 2774 `M-` prefix) must
/// be a known method.
pub fn classify(line: &[u8]) -> Option<MessageKind> {
    let line = line.strip_prefix(b"M-").unwrap_or(line);
    if line.starts_with(b"HTTP/") || line.starts_with(b"ICY") {
        return Some(MessageKind::Response);
    }
    let token = line.split(|&c| c == b' ').next().unwrap_or(line);
    // Every method starts with a capital letter: most text that is no
    // start line fails here, before a comparison with each method.
    if !token.first().is_some_and(u8::is_ascii_uppercase) {
        return None;
    }
    METHODS
        .iter()
        .find(|(m, _)| *m == token)
        .map(|&(_, notif)| {
            if notif {
                MessageKind::Notification
            } else {
                MessageKind::Request
            }
        })
}

/// Could these bytes, with no line end yet, still become a start line?
fn could_start(p: &[u8]) -> bool {
    let p = match p.strip_prefix(b"M-") {
        Some(rest) => rest,
        None if b"M-".starts_with(p) => return true,
        None => p,
    };
    if p.starts_with(b"HTTP/") || b"HTTP/".starts_with(p) || p.starts_with(b"ICY") {
        return true;
    }
    match p.iter().position(|&c| c == b' ') {
        Some(sp) => METHODS.iter().any(|(m, _)| Some(*m) == p.get(..sp)),
        None => METHODS.iter().any(|(m, _)| m.starts_with(p)),
    }
}

/// The first token of `line` from `at`: its end, and where the next token
/// starts (after the spaces that follow). tshark's `get_token_len`.
pub(crate) fn token(line: &[u8], at: usize) -> (usize, usize) {
    let at = at.min(line.len());
    let end = line
        .get(at..)
        .unwrap_or_default()
        .iter()
        .position(|&c| c == b' ' || c == b'\r' || c == b'\n')
        .map_or(line.len(), |i| at + i);
    let next = line
        .get(end..)
        .unwrap_or_default()
        .iter()
        .position(|&c| c != b' ')
        .map_or(line.len(), |i| end + i);
    (end, next)
}

/// The status code of a response line as tshark reads it: the second token
/// must have at least 3 characters, of which the first 3 are read as a
/// decimal number (leading digits only, so `2x0` is 2).
pub(crate) fn status_code(line: &[u8]) -> Option<u16> {
    let (_, code_at) = token(line, 0);
    let (code_end, _) = token(line, code_at);
    if code_end.saturating_sub(code_at) < 3 {
        return None;
    }
    let digits = line.get(code_at..code_at + 3)?;
    let digits = digits.strip_prefix(b"+").unwrap_or(digits);
    let mut n = 0u16;
    for &c in digits.iter().take_while(|c| c.is_ascii_digit()) {
        n = n * 10 + u16::from(c - b'0');
    }
    Some(n)
}

/// A message's start line read alone, without its headers: what stream
/// framing asks of every message it cuts (the method a response answers,
/// whether a response switches protocols), where parsing the headers too
/// cost as much again as the framing.
#[derive(Clone, Copy, Debug)]
pub struct FirstLine<'a> {
    pub kind: MessageKind,
    /// The line, without its terminator.
    pub text: &'a [u8],
}

impl<'a> FirstLine<'a> {
    /// The start line of a message's bytes, if it is a request, response
    /// or notification line.
    pub fn of(bytes: &'a [u8]) -> Option<Self> {
        let start = skip_leading_crlf(bytes);
        let (end, _) = line_lenient(bytes, start);
        let text = bytes.get(start..end)?;
        Some(FirstLine {
            kind: classify(text)?,
            text,
        })
    }

    /// The method of a request or notification.
    pub fn method(&self) -> Option<&'a [u8]> {
        if self.kind == MessageKind::Response {
            return None;
        }
        let (end, _) = token(self.text, 0);
        self.text.get(..end).filter(|m| !m.is_empty())
    }

    /// The status code of a response, as tshark reads it.
    pub fn status(&self) -> Option<u16> {
        if self.kind != MessageKind::Response {
            return None;
        }
        status_code(self.text)
    }
}

/// Does a response with this status code never carry a body (RFC 9112 6.3)?
pub(crate) fn bodiless_status(code: u16) -> bool {
    code / 100 == 1 || code == 204 || code == 304
}

pub(crate) fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() || *first == 0x0b {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() || *last == 0x0b {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// A Content-Length value as framing reads it (tshark's `ws_strtoi32` on the
/// trimmed value): an optional sign then decimal digits and nothing else,
/// from 0 to 2^31-1.
pub(crate) fn framing_length(value: &[u8]) -> Option<u32> {
    let v = trim(value);
    let (neg, digits) = match v {
        [b'+', rest @ ..] => (false, rest),
        [b'-', rest @ ..] => (true, rest),
        _ => (false, v),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: u32 = 0;
    for &c in digits {
        n = n.checked_mul(10)?.checked_add(u32::from(c - b'0'))?;
        if n > i32::MAX as u32 {
            return None;
        }
    }
    if neg && n != 0 {
        return None;
    }
    Some(n)
}

/// Does a Transfer-Encoding value name the chunked coding? (Any of its
/// comma-separated codings starts with `chunked`, in any case.)
pub(crate) fn is_chunked(value: &[u8]) -> bool {
    value.split(|&c| c == b',').any(|coding| {
        let c = trim(coding);
        c.get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"chunked"))
    })
}

/// A chunk-size line's value, read like C's `strtol(s, NULL, 16)` on the text
/// before any `;` extension: leading white space, an optional sign and `0x`,
/// then hex digits (at least one, else `None`). Saturates at `u64::MAX`; a
/// negative size is `u64::MAX` too (it cannot be a length).
pub(crate) fn chunk_size(line: &[u8]) -> Option<u64> {
    let text = line.split(|&c| c == b';').next().unwrap_or(line);
    let mut s = text;
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
    if let [b'0', b'x' | b'X', d, ..] = s {
        if d.is_ascii_hexdigit() {
            s = s.get(2..).unwrap_or_default();
        }
    }
    let mut n: u64 = 0;
    let mut any = false;
    for &c in s {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => break,
        };
        any = true;
        n = n.saturating_mul(16).saturating_add(u64::from(d));
    }
    match (any, neg) {
        (false, _) => None,
        (true, true) if n != 0 => Some(u64::MAX),
        (true, _) => Some(n),
    }
}

/// The largest chunk size framing accepts (tshark: "unreasonable" above 2^31).
const MAX_CHUNK_SIZE: u64 = 1 << 31;

/// Incremental framing of one HTTP message at the start of a stream.
///
/// `pdu_len(bytes)` is `Framer::new().feed(bytes)`. A caller that buffers a
/// stream and asks again each time more bytes arrive can keep one `Framer`
/// per message and call [`feed`](Framer::feed) with the grown buffer (always
/// starting at the message's first byte): the walk resumes where it stopped,
/// including inside a line whose end has not come yet, so framing a message
/// costs time linear in its length however finely it arrives. After a
/// `Whole`, a `NotMine` or a `Need(UNTIL_CLOSE)`, `feed` keeps returning it.
#[derive(Clone, Copy, Debug)]
pub struct Framer {
    state: State,
    /// What is known of the request a response answers.
    request: RequestHint,
    /// Where to go on looking for the end of the line being read: the bytes
    /// before it hold no line end (all positions only grow).
    hint: usize,
}

/// What the caller knows of the request a response answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RequestHint {
    Unknown,
    Head,
    Connect,
}

#[derive(Clone, Copy, Debug)]
enum State {
    /// Waiting for the start line.
    Start,
    /// In the header block: next line at `pos`.
    Headers(Head),
    /// The message ends here (by Content-Length).
    Length(usize),
    /// In a chunked body: next chunk-size line at `pos` (which may be past
    /// the bytes seen: the previous chunk's data is not all there yet).
    Chunks {
        pos: usize,
        body: usize,
        chunks: usize,
    },
    /// After the last chunk: next trailer line at `pos`.
    Trailers {
        from: usize,
        pos: usize,
        lines: usize,
    },
    Done(Pdu),
}

#[derive(Clone, Copy, Debug)]
struct Head {
    start: usize,
    pos: usize,
    lines: usize,
    kind: MessageKind,
    no_body: bool,
    length: Option<u32>,
    chunked: bool,
    /// The Content-Type names MS-RPCH's `application/rpc`.
    rpc_type: bool,
}

/// A line or its absence: `Err` is what to answer until it is complete.
type Line = Result<(usize, usize), Pdu>;

impl Default for Framer {
    fn default() -> Self {
        Self::new()
    }
}

impl Framer {
    pub fn new() -> Self {
        Framer {
            state: State::Start,
            request: RequestHint::Unknown,
            hint: 0,
        }
    }

    /// A framer for a response to a request with this method: the answer to
    /// HEAD, and a 2xx answer to CONNECT, end at their header block (tshark
    /// knows the method from the conversation; bytes alone cannot tell).
    pub fn for_response_to(method: &[u8]) -> Self {
        let request = if method == b"HEAD" {
            RequestHint::Head
        } else if method == b"CONNECT" {
            RequestHint::Connect
        } else {
            RequestHint::Unknown
        };
        Framer {
            request,
            ..Framer::new()
        }
    }

    /// How many bytes the message at the start of `b` takes, as far as `b`
    /// tells. `b` must start at the message's first byte and, between calls,
    /// only grow.
    pub fn feed(&mut self, b: &[u8]) -> Pdu {
        let pdu = self.run(b);
        if let Pdu::Whole(_) | Pdu::NotMine = pdu {
            self.state = State::Done(pdu);
        }
        pdu
    }

    /// [`feed`](Self::feed) for bytes after which no more will come (the
    /// segment carried FIN, or the snap length cut it): once the header
    /// block is complete the message is whole, its body cut where the bytes
    /// end, as tshark stops waiting for a body at the end of a stream.
    pub fn feed_at_end(&mut self, b: &[u8]) -> Pdu {
        match self.feed(b) {
            Pdu::Need(_) if self.headers_done() => {
                self.state = State::Done(Pdu::Whole(b.len()));
                Pdu::Whole(b.len())
            }
            p => p,
        }
    }

    fn headers_done(&self) -> bool {
        matches!(
            self.state,
            State::Length(_)
                | State::Chunks { .. }
                | State::Trailers { .. }
                | State::Done(Pdu::Need(_))
        )
    }

    /// The line starting at `from`, searching for its end from where the
    /// last call stopped. A line not ended within `cap` bytes of `block`
    /// (where its block began) ends the message at `stop`.
    fn line(&mut self, b: &[u8], from: usize, block: usize, stop: usize) -> Line {
        let at = self.hint.max(from);
        let found = b.get(at..).and_then(line_end).map(|i| at + i);
        let over = |end: usize| end.saturating_sub(block) >= MAX_HEADER_BLOCK;
        match found {
            Some(i) => {
                self.hint = i;
                let next = match (b.get(i), b.get(i + 1)) {
                    (Some(b'\r'), Some(b'\n')) => i + 2,
                    (Some(b'\r'), None) if !over(b.len()) => return Err(Pdu::Need(b.len() + 1)),
                    _ => i + 1,
                };
                if over(next.saturating_sub(1)) {
                    return Err(Pdu::Whole(stop));
                }
                Ok((i, next))
            }
            None => {
                self.hint = b.len().max(from);
                if over(b.len()) {
                    Err(Pdu::Whole(stop))
                } else {
                    Err(Pdu::Need(b.len().saturating_add(1)))
                }
            }
        }
    }

    fn run(&mut self, b: &[u8]) -> Pdu {
        loop {
            let next = match self.state {
                State::Done(p) => return p,
                State::Length(total) if total <= b.len() => return Pdu::Whole(total),
                State::Length(total) => return Pdu::Need(total),
                State::Start => self.start_line(b),
                State::Headers(h) => self.headers(b, h),
                State::Chunks { pos, body, chunks } => self.chunks(b, pos, body, chunks),
                State::Trailers { from, pos, lines } => self.trailers(b, from, pos, lines),
            };
            match next {
                Ok(s) => self.state = s,
                Err(p) => return p,
            }
        }
    }

    fn start_line(&mut self, b: &[u8]) -> Result<State, Pdu> {
        if b.is_empty() {
            return Err(Pdu::Need(1));
        }
        // Up to 3 bytes of CRLF: wait to see whether tshark would skip it.
        if b.len() <= 3 && (b == b"\r" || b.starts_with(b"\r\n")) {
            return Err(Pdu::Need(4));
        }
        let start = skip_leading_crlf(b);
        let (end, next) = match self.line(b, start, start, start + MAX_HEADER_BLOCK) {
            Ok(l) => l,
            Err(p) => {
                let partial = b.get(start..).unwrap_or_default();
                let partial = partial.strip_suffix(b"\r").unwrap_or(partial);
                let partial = partial.get(..MAX_HEADER_BLOCK).unwrap_or(partial);
                return Err(if could_start(partial) {
                    p
                } else {
                    Pdu::NotMine
                });
            }
        };
        let line = b.get(start..end).unwrap_or_default();
        let kind = classify(line).ok_or(Pdu::NotMine)?;
        let no_body = match kind {
            MessageKind::Response => {
                let code = status_code(line);
                code.is_some_and(bodiless_status)
                    || self.request == RequestHint::Head
                    || (self.request == RequestHint::Connect && code.is_some_and(|c| c / 100 == 2))
            }
            _ => false,
        };
        Ok(State::Headers(Head {
            start,
            pos: next,
            lines: 0,
            kind,
            no_body,
            length: None,
            chunked: false,
            rpc_type: false,
        }))
    }

    /// Walk header lines up to the empty line; then the body's framing.
    fn headers(&mut self, b: &[u8], mut h: Head) -> Result<State, Pdu> {
        loop {
            let line = self.line(b, h.pos, h.start, h.start + MAX_HEADER_BLOCK);
            let (end, next) = match line {
                Ok(l) => l,
                Err(p) => {
                    self.state = State::Headers(h);
                    return Err(p);
                }
            };
            let text = b.get(h.pos..end).unwrap_or_default();
            if text.is_empty() {
                h.pos = next;
                break;
            }
            if h.lines >= MAX_HEADERS {
                return Err(Pdu::Whole(h.pos));
            }
            h.pos = next;
            h.lines += 1;
            if let Some(v) = header_value(text, b"content-length") {
                if let Some(n) = framing_length(v) {
                    h.length = Some(n);
                }
            } else if let Some(v) = header_value(text, b"transfer-encoding") {
                h.chunked |= is_chunked(v);
            } else if let Some(v) = header_value(text, b"content-type") {
                h.rpc_type = v.starts_with(b"application/rpc");
            }
        }
        let end = h.pos;
        if h.no_body {
            return Ok(State::Done(Pdu::Whole(end)));
        }
        if h.chunked {
            return Ok(State::Chunks {
                pos: end,
                body: end,
                chunks: 0,
            });
        }
        Ok(match (h.length, h.kind) {
            (Some(n), _) if rpc_over_http(n, h.rpc_type, b) => State::Done(Pdu::Whole(end)),
            (Some(n), _) => State::Length(end.saturating_add(n as usize)),
            (None, MessageKind::Response) => State::Done(Pdu::Need(UNTIL_CLOSE)),
            (None, _) => State::Done(Pdu::Whole(end)),
        })
    }

    /// Walk chunks from the size line at `pos`; then the trailers.
    fn chunks(
        &mut self,
        b: &[u8],
        mut pos: usize,
        body: usize,
        mut chunks: usize,
    ) -> Result<State, Pdu> {
        loop {
            self.state = State::Chunks { pos, body, chunks };
            if pos > b.len() {
                // The previous chunk's data is not all there.
                return Err(Pdu::Need(pos));
            }
            if chunks >= MAX_CHUNKS || pos - body >= MAX_CHUNKED_BODY {
                return Err(Pdu::Whole(pos));
            }
            // A size line not ended within the header cap ends the message.
            let (end, next) = self.line(b, pos, pos, pos)?;
            let size = match chunk_size(b.get(pos..end).unwrap_or_default()) {
                Some(n) if n <= MAX_CHUNK_SIZE => n as usize,
                // Not a size, or an unreasonable one: the message ends here.
                _ => return Err(Pdu::Whole(pos)),
            };
            chunks += 1;
            if size == 0 {
                return Ok(State::Trailers {
                    from: next,
                    pos: next,
                    lines: 0,
                });
            }
            // The data and its CRLF (not checked, as tshark).
            pos = next.saturating_add(size).saturating_add(2);
        }
    }

    /// Walk trailer lines after the last chunk up to the empty line.
    fn trailers(
        &mut self,
        b: &[u8],
        from: usize,
        mut pos: usize,
        mut lines: usize,
    ) -> Result<State, Pdu> {
        loop {
            self.state = State::Trailers { from, pos, lines };
            // Trailers past the header cap end the message where they began.
            let (end, next) = self.line(b, pos, from, from)?;
            if end == pos {
                return Err(Pdu::Whole(next));
            }
            if lines >= MAX_HEADERS {
                return Err(Pdu::Whole(from));
            }
            lines += 1;
            pos = next;
        }
    }
}

/// MS-RPCH (RPC over HTTP): RPC_IN_DATA and RPC_OUT_DATA carry a
/// Content-Length of 128 KiB to 2 GiB that bounds a whole connection's worth
/// of RPC traffic, not one body. tshark does not wait for such a body; the
/// message ends at its headers.
pub(crate) fn rpc_over_http(length: u32, rpc_type: bool, msg: &[u8]) -> bool {
    length >= 128 * 1024
        && (rpc_type || msg.starts_with(b"RPC_IN_DATA") || msg.starts_with(b"RPC_OUT_DATA"))
}

/// The value of a header line if its name (up to its first colon) is
/// `name` (lowercase, without a colon), with the white space after the
/// colon skipped. The name is compared in place: no search for the colon,
/// which is where the name ends when it matches.
pub(crate) fn header_value<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let (n, rest) = line.split_at_checked(name.len())?;
    let v = rest.strip_prefix(b":")?;
    if !n.eq_ignore_ascii_case(name) {
        return None;
    }
    let skip = v.iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    v.get(skip..)
}

/// The request methods (not the notification ones), for tests that build messages.
#[cfg(test)]
pub(crate) fn tests_methods() -> Vec<&'static [u8]> {
    METHODS
        .iter()
        .filter(|(_, notif)| !notif)
        .map(|&(m, _)| m)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_like_tshark() {
        assert_eq!(line_strict(b"ab\r\ncd", 0), Some((2, 4)));
        assert_eq!(line_strict(b"ab\ncd", 0), Some((2, 3)));
        assert_eq!(line_strict(b"ab\rcd", 0), Some((2, 3)));
        assert_eq!(line_strict(b"ab\r", 0), None);
        assert_eq!(line_strict(b"ab", 0), None);
        assert_eq!(line_strict(b"ab", 9), None);
        assert_eq!(line_lenient(b"ab\r", 0), (2, 3));
        assert_eq!(line_lenient(b"ab", 0), (2, 2));
        assert_eq!(line_lenient(b"ab", 7), (2, 2));
    }

    #[test]
    fn start_lines() {
        assert_eq!(classify(b"GET / HTTP/1.1"), Some(MessageKind::Request));
        assert_eq!(classify(b"GET"), Some(MessageKind::Request));
        assert_eq!(classify(b"M-SEARCH * HTTP/1.1"), Some(MessageKind::Request));
        assert_eq!(
            classify(b"NOTIFY * HTTP/1.1"),
            Some(MessageKind::Notification)
        );
        assert_eq!(classify(b"HTTP/1.0 200 OK"), Some(MessageKind::Response));
        assert_eq!(classify(b"ICY 200 OK"), Some(MessageKind::Response));
        assert_eq!(classify(b"GETX / HTTP/1.1"), None);
        assert_eq!(classify(b"get / HTTP/1.1"), None);
        assert_eq!(classify(b""), None);
        assert!(could_start(b"GE"));
        assert!(could_start(b"GET /very/long"));
        assert!(could_start(b"HTT"));
        assert!(!could_start(b"GETX"));
        assert!(!could_start(b"\x16\x03\x01"));
    }

    #[test]
    fn status_codes_as_tshark_reads_them() {
        assert_eq!(status_code(b"HTTP/1.1 200 OK"), Some(200));
        assert_eq!(status_code(b"HTTP/1.1 2x0 OK"), Some(2));
        assert_eq!(status_code(b"HTTP/1.1 2000 OK"), Some(200));
        assert_eq!(status_code(b"HTTP/1.1 20 OK"), None);
        assert_eq!(status_code(b"HTTP/1.1"), None);
        assert_eq!(status_code(b"HTTP/1.1   404"), Some(404));
    }

    #[test]
    fn numbers() {
        assert_eq!(framing_length(b"12"), Some(12));
        assert_eq!(framing_length(b" +12 "), Some(12));
        assert_eq!(framing_length(b"-0"), Some(0));
        assert_eq!(framing_length(b"-1"), None);
        assert_eq!(framing_length(b"12x"), None);
        assert_eq!(framing_length(b""), None);
        assert_eq!(framing_length(b"2147483647"), Some(i32::MAX as u32));
        assert_eq!(framing_length(b"2147483648"), None);
        assert_eq!(framing_length(b"99999999999999999999999"), None);
        assert_eq!(chunk_size(b"1a"), Some(26));
        assert_eq!(chunk_size(b"1A;ext=1"), Some(26));
        assert_eq!(chunk_size(b" 0x10 "), Some(16));
        assert_eq!(chunk_size(b"ffffffffffffffffffff"), Some(u64::MAX));
        assert_eq!(chunk_size(b"-5"), Some(u64::MAX));
        assert_eq!(chunk_size(b"zz"), None);
        assert_eq!(chunk_size(b""), None);
        assert!(is_chunked(b"chunked"));
        assert!(is_chunked(b"gzip, Chunked"));
        assert!(!is_chunked(b"gzip"));
    }
}
