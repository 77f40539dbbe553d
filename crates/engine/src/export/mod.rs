//! HTTP objects as `tshark --export-objects http` (4.0) gives them: every
//! HTTP/1.x message with an entity body — responses and request bodies
//! (POST, PUT) alike — one object each, in the order of the frames that
//! complete the messages.
//!
//! What tshark does, and so what is done here:
//! - the body is de-chunked (the view's chunk walker, as tshark walks
//!   chunks), cut at Content-Length, and its Content-Encoding undone when it
//!   is `gzip`, `x-gzip`, `deflate` or `x-deflate` (the data decides between
//!   gzip, zlib and raw deflate, as tshark's zlib call does) or `br`
//!   (brotli); a message with no body bytes (or only a last chunk) gives no
//!   object;
//! - the object's name comes from the URI of the last request seen on the
//!   same connection (tshark keeps one per conversation: a response gets
//!   the latest request's URI, not the one it answers when requests are
//!   pipelined), the host from that request's Host header; a message on a
//!   connection where no request was seen has no name, and is written as
//!   `object<frame>` followed by `.` and its content type;
//! - the content type is the media type of the last Content-Type header,
//!   lower case, without parameters;
//! - HTTP/2 streams give no object (tshark 4.0 exports none: only the
//!   `PRI *` preface, read as an HTTP/1.x request, which is no object here).
//!
//! Mails (`tshark --export-objects imf`): each mail the dissection shows as
//! IMF (the content of an SMTP DATA, a mail an IMAP FETCH returned) is an
//! object named after its Subject header as sent (folded lines and all,
//! bytes past 0x7f as U+FFFD as tshark reads it as ASCII; none for a mail
//! without one), with `.eml`;
//! its content type is tshark's `EML file` ([`mail`]).
//!
//! Deliberate differences: a decompression that yields nothing (not gzip
//! or deflate data at all), or that runs past [`Limits`], keeps the coded
//! body (tshark drops the object when decompression fails and has no
//! limit); data tshark shows as "Continuation" (bytes on an HTTP port that
//! do not start with a message) is no object here.

use crate::logs::apps::Map;
use std::borrow::Cow;
use std::io::Read;
use wire::http::HttpView;
use wiresift_wire as wire;

/// Bounds on what one object may become.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Decoded bytes an object may have.
    pub max_object: usize,
    /// Past [`Self::ratio_floor`] decoded bytes, at most this many decoded
    /// bytes per coded byte (a decompression bomb stops here).
    pub max_ratio: usize,
    pub ratio_floor: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_object: 64 << 20,
            // Text and markup compress 5 to 20 times; deflate cannot do
            // better than about 1032 to 1, which only repeated bytes reach.
            max_ratio: 200,
            ratio_floor: 1 << 20,
        }
    }
}

/// How a body's content coding was undone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decoding {
    /// No content coding (or one that is not decoded): the body as sent.
    None,
    /// Decoded to the end.
    Whole,
    /// The coded data ends early or is corrupt: what could be decoded
    /// before that (tshark writes this too).
    Partial,
    /// Nothing could be decoded: the coded body is kept.
    Failed,
    /// Decoding would pass [`Limits`]: the coded body is kept.
    OverLimit,
}

/// A body with its content coding undone as far as [`Limits`] allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded<'a> {
    pub data: Cow<'a, [u8]>,
    pub decoding: Decoding,
}

/// A content coding that is undone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    /// gzip, zlib or raw deflate: the data says which.
    Zlib,
    Brotli,
}

impl Coding {
    /// An HTTP/1.x Content-Encoding value as tshark's http dissector reads
    /// it: `gzip`, `x-gzip`, `deflate`, `x-deflate` or `br`, in any case.
    pub fn of_http1(value: &[u8]) -> Option<Coding> {
        let v = value.trim_ascii();
        let is = |names: &[&[u8]]| names.iter().any(|c| v.eq_ignore_ascii_case(c));
        if is(&[b"gzip", b"x-gzip", b"deflate", b"x-deflate"]) {
            Some(Coding::Zlib)
        } else if is(&[b"br"]) {
            Some(Coding::Brotli)
        } else {
            None
        }
    }

    /// An HTTP/2 content-encoding value as tshark's http2 dissector reads
    /// it: one that begins with `gzip`, `deflate` or `br`, in that case
    /// only (`DeFlate` is left alone).
    pub fn of_http2(value: &[u8]) -> Option<Coding> {
        if value.starts_with(b"gzip") || value.starts_with(b"deflate") {
            Some(Coding::Zlib)
        } else if value.starts_with(b"br") {
            Some(Coding::Brotli)
        } else {
            None
        }
    }
}

/// Read a decoder to its end or to `cap` bytes: the bytes, whether the
/// cap stopped it, and whether it ended in an error.
fn drain(mut r: impl Read, cap: usize) -> (Vec<u8>, bool, bool) {
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match r.read(&mut buf) {
            Ok(0) => return (out, false, false),
            Ok(n) => {
                if out.len().saturating_add(n) > cap {
                    return (out, true, false);
                }
                out.extend_from_slice(buf.get(..n).unwrap_or_default());
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return (out, false, true),
        }
    }
}

/// Undo an HTTP/1.x message's content coding (see [`Coding::of_http1`]
/// and [`decode_as`]).
pub fn decode<'b>(content_encoding: Option<&[u8]>, body: &'b [u8], limits: &Limits) -> Decoded<'b> {
    decode_as(content_encoding.and_then(Coding::of_http1), body, limits)
}

/// Undo a content coding the way tshark does: for `gzip`/`deflate` a gzip
/// or zlib header is recognised from the data, data with neither is read
/// as raw deflate (some servers send `deflate` so), and output that decoded
/// before an error or the end of the bytes is kept; a brotli stream that
/// does not decode to its end is kept as sent (tshark's brotli call gives
/// all or nothing).
pub fn decode_as<'b>(coding: Option<Coding>, body: &'b [u8], limits: &Limits) -> Decoded<'b> {
    let plain = |decoding| Decoded {
        data: Cow::Borrowed(body),
        decoding,
    };
    let Some(coding) = coding else {
        return plain(Decoding::None);
    };
    let cap = limits.max_object.min(
        body.len()
            .saturating_mul(limits.max_ratio)
            .max(limits.ratio_floor),
    );
    let (data, capped, err) = match coding {
        Coding::Brotli => drain(brotli_decompressor::Decompressor::new(body, 4096), cap),
        Coding::Zlib if body.starts_with(b"\x1f\x8b") => {
            drain(flate2::read::GzDecoder::new(body), cap)
        }
        Coding::Zlib => match drain(flate2::read::ZlibDecoder::new(body), cap) {
            (d, false, true) if d.is_empty() => drain(flate2::read::DeflateDecoder::new(body), cap),
            r => r,
        },
    };
    if capped {
        return plain(Decoding::OverLimit);
    }
    if (data.is_empty() && (err || !body.is_empty())) || (err && coding == Coding::Brotli) {
        return plain(Decoding::Failed);
    }
    Decoded {
        data: Cow::Owned(data),
        decoding: if err {
            Decoding::Partial
        } else {
            Decoding::Whole
        },
    }
}

/// The last value of header `name` (tshark keeps the last one).
fn last_header<'a>(v: &HttpView<'a>, name: &[u8]) -> Option<&'a [u8]> {
    v.headers()
        .filter(|h| h.name.eq_ignore_ascii_case(name))
        .last()
        .map(|h| h.value)
}

/// The entity body's bytes in order, without transfer coding: each
/// chunk's data (the view's chunk walker, as tshark walks chunks), or the
/// body up to Content-Length. http.log counts these; the export joins them.
pub fn body_pieces<'a>(v: &HttpView<'a>) -> impl Iterator<Item = &'a [u8]> {
    let body = v.body();
    let base = v.header_block_len();
    // Chunk ranges count from the message's start, the body from its own.
    let chunks = v.chunks().map(move |c| {
        body.get(c.data.start.saturating_sub(base)..c.data.end.saturating_sub(base))
            .unwrap_or_default()
    });
    (!v.is_chunked()).then_some(body).into_iter().chain(chunks)
}

/// The entity body of a message without transfer coding (see
/// [`body_pieces`]); None when it has no bytes.
pub fn entity<'a>(v: &HttpView<'a>) -> Option<Cow<'a, [u8]>> {
    let data: Cow<'a, [u8]> = if v.is_chunked() {
        Cow::Owned(body_pieces(v).flatten().copied().collect())
    } else {
        Cow::Borrowed(v.body())
    };
    (!data.is_empty()).then_some(data)
}

/// What one message gives the export, copied out of the dissection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// A request's target and Host header (they name the connection's
    /// next objects).
    pub request: Option<(Vec<u8>, Option<Vec<u8>>)>,
    pub content_type: Option<Vec<u8>>,
    /// The decoded body, when there is one.
    pub body: Option<(Vec<u8>, Decoding)>,
}

impl Message {
    pub fn read(v: &HttpView<'_>, limits: &Limits) -> Message {
        // Requests and notifications (NOTIFY, SUBSCRIBE, …): tshark reads
        // both with its request line dissector, which keeps the URI.
        let request = v.uri().map(|u| {
            (
                u.to_vec(),
                last_header(v, b"host").map(|h| h.trim_ascii().to_vec()),
            )
        });
        let content_type = last_header(v, b"content-type").map(|t| {
            t.iter()
                .take_while(|&&c| c != b';' && !c.is_ascii_whitespace())
                .map(u8::to_ascii_lowercase)
                .collect()
        });
        let body = entity(v).map(|e| {
            let d = decode(last_header(v, b"content-encoding"), &e, limits);
            (d.data.into_owned(), d.decoding)
        });
        Message {
            request,
            content_type,
            body,
        }
    }
}

/// One exported object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    /// The frame that completed the message.
    pub frame: u64,
    pub hostname: Option<Vec<u8>>,
    pub content_type: Option<Vec<u8>>,
    /// The last path segment of the URI it is named after (tshark's
    /// basename), when the connection had a request.
    pub filename: Option<Vec<u8>>,
    pub data: Vec<u8>,
    pub decoding: Decoding,
}

/// Connections whose last request is remembered; past this the table is
/// emptied (counted) and later responses on those connections go unnamed.
pub const MAX_CONNS: usize = 100_000;

/// The last request of each connection (tshark's per-conversation
/// `request_uri` and `http_host`).
#[derive(Debug, Default)]
pub struct Objects {
    last: Map<u32, (Vec<u8>, Option<Vec<u8>>)>,
    /// Times the table was full and emptied.
    pub overflow: u64,
}

impl Objects {
    /// A message of TCP stream `stream`, completed by frame `frame`: its
    /// object, if it has a body.
    pub fn message(&mut self, stream: u32, frame: u64, m: Message) -> Option<Object> {
        if let Some(req) = m.request {
            if !self.last.contains_key(&stream) && self.last.len() >= MAX_CONNS {
                self.last.clear();
                self.overflow += 1;
            }
            self.last.insert(stream, req);
        }
        let (data, decoding) = m.body?;
        let named = self.last.get(&stream);
        Some(Object {
            frame,
            hostname: named.and_then(|(_, h)| h.clone()),
            content_type: m.content_type,
            filename: named.map(|(u, _)| basename(u).to_vec()),
            data,
            decoding,
        })
    }

    /// A connection ended: its last request is forgotten.
    pub fn conn_ended(&mut self, stream: u32) {
        self.last.remove(&stream);
    }
}

/// A mail shown as IMF on frame `frame`, as tshark's IMF export makes it.
pub fn mail(frame: u64, v: &wire::imf::ImfView<'_>) -> Object {
    let mut name = match v.value(b"subject") {
        Some(s) => s
            .iter()
            .fold(Vec::with_capacity(s.len() + 4), |mut out, &c| {
                if c.is_ascii() {
                    out.push(c);
                } else {
                    out.extend_from_slice("\u{fffd}".as_bytes());
                }
                out
            }),
        None => Vec::new(),
    };
    name.extend_from_slice(b".eml");
    Object {
        frame,
        hostname: None,
        content_type: Some(b"EML file".to_vec()),
        filename: Some(name),
        data: v.bytes().to_vec(),
        decoding: Decoding::None,
    }
}

/// GLib's `g_path_get_basename`, which tshark applies to the URI: the part
/// after the last `/` once trailing slashes are gone; `/` for slashes only,
/// `.` for nothing. The query is part of the URI, so a `/` in it counts.
pub fn basename(uri: &[u8]) -> &[u8] {
    // tshark's strings end at a NUL.
    let uri = uri.split(|&c| c == 0).next().unwrap_or_default();
    if uri.is_empty() {
        return b".";
    }
    let trimmed = uri.len() - uri.iter().rev().take_while(|&&c| c == b'/').count();
    if trimmed == 0 {
        return b"/";
    }
    let s = uri.get(..trimmed).unwrap_or_default();
    let start = s.iter().rposition(|&c| c == b'/').map_or(0, |i| i + 1);
    s.get(start..).unwrap_or_default()
}

/// tshark's longest file name.
pub const MAX_FILE_NAME: usize = 255;

/// The name tshark gives an object before any `(N)`: the basename, or
/// `object<frame>.<content type>` for an unnamed one, with the characters
/// Windows forbids and control characters as `%xx`, cut to
/// [`MAX_FILE_NAME`] bytes keeping the extension.
pub fn file_name(o: &Object) -> Vec<u8> {
    let raw: Cow<'_, [u8]> = match &o.filename {
        Some(f) => Cow::Borrowed(f),
        None => {
            let mut s = format!("object{}", o.frame).into_bytes();
            if let Some(ct) = &o.content_type {
                s.push(b'.');
                s.extend_from_slice(ct);
            }
            // tshark formats this into a buffer of the longest name.
            s.truncate(MAX_FILE_NAME);
            Cow::Owned(s)
        }
    };
    let raw = raw.split(|&c| c == 0).next().unwrap_or_default();
    let mut out = Vec::with_capacity(raw.len());
    for &c in raw {
        if (1..0x20).contains(&c) || b"<>:\"/\\|?*".contains(&c) {
            out.extend_from_slice(format!("%{c:02x}").as_bytes());
        } else {
            out.push(c);
        }
    }
    if out.len() > MAX_FILE_NAME {
        // The extension is kept when it fits (tshark cuts plainly when it
        // does not: its length arithmetic leaves the name whole, then cut).
        match out
            .iter()
            .rposition(|&c| c == b'.')
            .filter(|&dot| out.len() - dot < MAX_FILE_NAME)
        {
            Some(dot) => {
                let ext = out.split_off(dot);
                out.truncate(MAX_FILE_NAME.saturating_sub(ext.len()));
                out.extend_from_slice(&ext);
            }
            None => out.truncate(MAX_FILE_NAME),
        }
    }
    out
}

/// The `n`th other name of `name` when that one is taken, as tshark makes
/// it: `(n)` before the extension (the part from the last `.`).
pub fn numbered(name: &[u8], n: u32) -> Vec<u8> {
    let tag = format!("({n})").into_bytes();
    let (mut stem, ext) = match name.iter().rposition(|&c| c == b'.') {
        Some(dot) => (
            name.get(..dot).unwrap_or_default().to_vec(),
            name.get(dot..).unwrap_or_default(),
        ),
        None => (name.to_vec(), &b""[..]),
    };
    let room = MAX_FILE_NAME.saturating_sub(tag.len() + ext.len());
    stem.truncate(room);
    stem.extend_from_slice(&tag);
    stem.extend_from_slice(ext);
    stem
}

#[cfg(test)]
mod tests;
