//! Zeek's http.log (Zeek 6, `base/protocols/http/main.zeek` with the
//! files fields of `http/files.zeek`): one record per request/response
//! pair on a connection, pipelined requests answered in order, counted by
//! `trans_depth`.
//!
//! Messages arrive whole (the dissection shows an HTTP message on the
//! frame that completes it). As Zeek does:
//! - a request opens the next transaction (after the last answered one if
//!   responses ran ahead of requests), a response closes the oldest open
//!   one — except a 1xx, which is noted (`info_code`, `info_msg`) and waits
//!   for the final response on the same record;
//! - the record is written when its final response ends; transactions still
//!   open are written when the connection ends; more than 100 requests
//!   waiting for their responses are written out at the next request
//!   (Zeek's `max_pending_requests`);
//! - the URI is logged with its `%XX` escapes decoded (Zeek's
//!   `unescape_URI`), `version` is the response's, Host, Referer,
//!   User-Agent and Origin come from the request's headers (the last of
//!   each), `proxied` lists the proxy headers as `NAME -> value`, and a
//!   Basic Authorization gives `username` (the password is not captured,
//!   Zeek's default);
//! - body lengths are the bodies' lengths without chunk framing.
//!
//! Files: a message with a body gets a file id (`orig_fuids` /
//! `resp_fuids`; deterministic, `F` and base-62 digits hashed from the
//! connection's uid, the transaction and the direction — Zeek's are
//! random), the file name a Content-Disposition `filename` or a
//! Content-Type `name` gives (the later header; [`super::mime::filename`]),
//! and the MIME
//! type Zeek's file signatures give the body's first bytes
//! ([`super::magic`]); files.log has a record of each body
//! ([`super::files`]).
//!
//! A body whose `Content-Encoding` is gzip or deflate is counted and
//! sniffed decoded, as Zeek does ([`crate::inflate`]; a body counted past
//! its head is decoded as it passes). Known differences: a body of another
//! coding has no MIME type; a coded body counted past its head while the
//! stream budget has no room for a decoder is counted coded.
//!
//! A multipart body (not byteranges: those are pieces of one file) is a
//! file a part with content, as Zeek's MIME entities make them (read by
//! the stream reader as it passed, [`HttpView::parts`], or here when kept
//! whole, [`mime::walk_body`]); at most [`MAX_LISTED_FILES`] are listed a
//! direction, as Zeek lists them. One content-coded, or counted with no
//! room for a reader, is one file.

use super::apps::{ids_in_order, to_evict, ConnId, Frame, Map};
use super::conn::Uid;
use super::{emit, field, files, magic, mime, websocket, Record, Schema, Sink, Type, Value};
use crate::flow::app_stream::BODY_HEAD;
use crate::h2_streams;
use crate::inflate::{self, Inflate};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io;
use std::net::IpAddr;
use wire::http::HttpView;
use wiresift_wire as wire;

pub static SCHEMA: Schema = Schema {
    path: "http",
    fields: conn_fields![
        field("trans_depth", Type::Count),
        field("method", Type::String),
        field("host", Type::String),
        field("uri", Type::String),
        field("referrer", Type::String),
        field("version", Type::String),
        field("user_agent", Type::String),
        field("origin", Type::String),
        field("request_body_len", Type::Count),
        field("response_body_len", Type::Count),
        field("status_code", Type::Count),
        field("status_msg", Type::String),
        field("info_code", Type::Count),
        field("info_msg", Type::String),
        field("tags", Type::EnumSet),
        field("username", Type::String),
        field("password", Type::String),
        field("proxied", Type::StringSet),
        field("orig_fuids", Type::StringVector),
        field("orig_filenames", Type::StringVector),
        field("orig_mime_types", Type::StringVector),
        field("resp_fuids", Type::StringVector),
        field("resp_filenames", Type::StringVector),
        field("resp_mime_types", Type::StringVector),
    ],
};

/// Zeek's `HTTP::max_pending_requests`.
const MAX_PENDING_REQUESTS: usize = 100;
/// Connections with HTTP state at once; past that the oldest one's open
/// transactions are written early ([`Stats::overflow`]).
pub const MAX_CONNS: usize = 100_000;
/// Body bytes kept to recognise the body's type (as many as a decoded
/// body gives).
const SNIFF: usize = inflate::HEAD;
/// Longer than any header name [`Msg::read`] looks for.
const MAX_NAME_LOOKED_FOR: usize = 32;

/// Zeek's `HTTP::proxy_headers`.
const PROXY_HEADERS: &[&[u8]] = &[
    b"FORWARDED",
    b"X-FORWARDED-FOR",
    b"X-FORWARDED-FROM",
    b"CLIENT-IP",
    b"VIA",
    b"XROXY-CONNECTION",
    b"PROXY-CONNECTION",
];

/// What http.log needs of one message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Msg {
    pub request: bool,
    /// A request that may hand the connection over to another protocol:
    /// CONNECT (a tunnel), or one with an `Upgrade` header.
    pub may_switch: bool,
    pub method: Vec<u8>,
    /// The request target, `%XX` escapes decoded.
    pub uri: Vec<u8>,
    /// A response's status code, reason phrase and version (`1.1`).
    pub status: Option<u16>,
    pub reason: Vec<u8>,
    pub version: Option<Vec<u8>>,
    pub host: Option<Vec<u8>>,
    pub referrer: Option<Vec<u8>>,
    pub user_agent: Option<Vec<u8>>,
    pub origin: Option<Vec<u8>>,
    pub proxied: Vec<Vec<u8>>,
    pub username: Option<Vec<u8>>,
    pub filename: Option<Vec<u8>>,
    pub body_len: u64,
    /// The body's first bytes (without chunk framing), or nothing when it
    /// is content-coded.
    pub body_head: Vec<u8>,
    /// The length of the whole file the body is (files.log's
    /// `total_bytes`): its `Content-Length`, or the instance length of a
    /// 206 response's `Content-Range`; none for a chunked body or one Zeek
    /// decodes.
    pub total: Option<u64>,
    /// A 206 response's part starts past the file's first byte.
    pub partial: bool,
    /// When the body's first chunk was whole, before the message's frame
    /// ([`HttpView::chunk_at`]).
    pub chunk_at: Option<i64>,
    /// A multipart body (not byteranges) read whole: its parts with
    /// content, each a file of its own ([`mime::walk_body`]).
    pub parts: Option<Vec<mime::File>>,
    /// Parts that made no file: past [`mime::MAX_FILES`] a body, or
    /// nested past [`mime::MAX_NESTING`].
    pub parts_dropped: u64,
    /// Lines of its parts longer than [`mime::MAX_LINE`], read in pieces.
    pub long_lines: u64,
    /// A multipart body logged as one file: counted past its head with no
    /// room in the stream budget to read its parts
    /// ([`crate::flow::app_stream::PARTS_ROOM`]), or content-coded.
    pub unsplit: bool,
    /// Its `Sec-WebSocket-*` headers Zeek's WebSocket script reads, in
    /// order (at most [`MAX_WS_HEADERS`]).
    pub websocket: Vec<(websocket::Header, Vec<u8>)>,
    /// A `101` response whose `Upgrade` header names `websocket`: the
    /// connection is WebSocket from here on.
    pub upgrades_to_websocket: bool,
}

/// `Sec-WebSocket-*` headers kept of one message.
pub const MAX_WS_HEADERS: usize = 16;

/// Does `v`, a `101` response, upgrade its connection to WebSocket (an
/// `Upgrade` header naming it, as Zeek's `HTTP::upgrade_analyzers` has
/// it)?
fn upgrades_to_websocket(v: &HttpView<'_>) -> bool {
    v.status() == Some(101)
        && v.headers().any(|h| {
            h.name.eq_ignore_ascii_case(b"upgrade")
                && h.value.trim_ascii().eq_ignore_ascii_case(b"websocket")
        })
}

/// Files listed per direction of a transaction (Zeek's
/// `HTTP::max_files_orig` and `max_files_resp`); files.log has the rest.
pub const MAX_LISTED_FILES: usize = 15;

/// Zeek's `unescape_URI`: `%XX` decoded, `%uXXXX` (IIS) decoded to one or
/// two bytes, a doubled `%` taken as one, anything else kept as written.
pub fn unescape_uri(u: &[u8]) -> Vec<u8> {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(u.len());
    let mut i = 0usize;
    while i < u.len() {
        let c = u.get(i).copied().unwrap_or(0);
        if c != b'%' {
            out.push(c);
            i += 1;
            continue;
        }
        let rest = u.get(i + 1..).unwrap_or_default();
        match rest {
            [] => {
                out.push(b'%');
                break;
            }
            [x] => {
                out.push(b'%');
                out.push(*x);
                break;
            }
            [b'%', ..] => {
                // "%%": the first is dropped, the second starts an escape.
                i += 1;
            }
            [a, b, ..] if hex(*a).is_some() && hex(*b).is_some() => {
                out.push((hex(*a).unwrap_or(0) << 4) | hex(*b).unwrap_or(0));
                i += 3;
            }
            [b'u', a, b, c2, d, ..] if [a, b, c2, d].iter().all(|x| hex(**x).is_some()) => {
                let hi = (hex(*a).unwrap_or(0) << 4) | hex(*b).unwrap_or(0);
                let lo = (hex(*c2).unwrap_or(0) << 4) | hex(*d).unwrap_or(0);
                if hi != 0 {
                    out.push(hi);
                }
                out.push(lo);
                i += 6;
            }
            [x, ..] => {
                out.push(b'%');
                out.push(*x);
                i += 2;
            }
        }
    }
    out
}

/// Standard base64, white space skipped; None at any other stray byte.
fn base64(s: &[u8]) -> Option<Vec<u8>> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s {
        if c == b'=' {
            break;
        }
        if c.is_ascii_whitespace() {
            continue;
        }
        acc = (acc << 6) | u32::from(val(c)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The user name of a Basic Authorization value, as Zeek logs it.
fn basic_user(value: &[u8]) -> Option<Vec<u8>> {
    let scheme = value.get(..6)?;
    if !scheme.eq_ignore_ascii_case(b"basic ") {
        return None;
    }
    let rest = value.get(6..).unwrap_or_default();
    let creds = rest
        .get(
            rest.iter()
                .take_while(|c| **c == b' ' || **c == b'\t')
                .count()..,
        )
        .unwrap_or_default();
    let decoded = base64(creds).unwrap_or_default();
    Some(match decoded.iter().position(|&c| c == b':') {
        Some(i) => decoded.get(..i).unwrap_or_default().to_vec(),
        None => {
            let mut s = b"<problem-decoding> (".to_vec();
            s.extend_from_slice(value);
            s.push(b')');
            s
        }
    })
}

impl Msg {
    /// What the log needs of a message. `build`: keep the texts (http.log
    /// is written); otherwise nothing is kept.
    /// `ts_ns`: the time of the frame that shows it.
    pub fn read(v: &HttpView<'_>, build: bool, ts_ns: i64) -> Msg {
        let mut m = Msg {
            request: !v.is_response(),
            ..Msg::default()
        };
        let connect = m.request && v.method() == Some(b"CONNECT".as_slice());
        m.upgrades_to_websocket = !m.request && upgrades_to_websocket(v);
        if !build {
            m.may_switch = connect
                || (m.request && v.headers().any(|h| h.name.eq_ignore_ascii_case(b"upgrade")));
            return m;
        }
        // (An `Upgrade` header sets it too, in the walk below.)
        m.may_switch = connect;
        if m.request {
            m.method = v.method().unwrap_or_default().to_vec();
            m.uri = unescape_uri(v.uri().unwrap_or_default());
        } else {
            m.status = v.status();
            m.reason = v.reason().unwrap_or_default().to_vec();
            m.version = v
                .version()
                .map(|x| x.strip_prefix(b"HTTP/").unwrap_or(x).to_vec());
        }
        let mut coded = false;
        let mut decodes = false;
        let mut multipart = None;
        let mut transfer_coding = None;
        // Each name upper-cased on the stack, not in a new allocation.
        let mut upper = [0u8; MAX_NAME_LOOKED_FOR];
        for h in v.headers() {
            // A longer name is none of those looked for.
            let Some(name) = upper.get_mut(..h.name.len()) else {
                continue;
            };
            name.copy_from_slice(h.name);
            name.make_ascii_uppercase();
            let name = &*name;
            let val = h.value;
            // (Zeek's `http_header` handler: the later header wins.)
            if name == b"CONTENT-TYPE" {
                multipart = h2_streams::media_type(val)
                    .is_some_and(h2_streams::is_multipart)
                    .then_some(val);
            } else if name == b"CONTENT-TRANSFER-ENCODING" {
                transfer_coding = Some(val);
            }
            if (name == b"CONTENT-DISPOSITION" && mime::has_param(val, b"filename", true))
                || (name == b"CONTENT-TYPE" && mime::has_param(val, b"name", false))
            {
                m.filename = Some(mime::filename(val));
            } else if name == b"CONTENT-ENCODING" {
                let t = val.trim_ascii();
                coded = !(t.is_empty() || t.eq_ignore_ascii_case(b"identity"));
                decodes |= inflate::zeek_coding(val);
            }
            if let Some(h) = websocket::Header::of(name) {
                if m.websocket.len() < MAX_WS_HEADERS {
                    m.websocket.push((h, val.to_vec()));
                }
            }
            if !m.request {
                continue;
            }
            match name {
                b"UPGRADE" => m.may_switch = true,
                b"REFERER" => m.referrer = Some(val.to_vec()),
                b"HOST" => m.host = Some(val.to_vec()),
                b"ORIGIN" => m.origin = Some(val.to_vec()),
                b"USER-AGENT" => m.user_agent = Some(val.to_vec()),
                n if PROXY_HEADERS.contains(&n) => {
                    let mut s = name.to_vec();
                    s.extend_from_slice(b" -> ");
                    s.extend_from_slice(val);
                    if !m.proxied.contains(&s) {
                        m.proxied.push(s);
                    }
                }
                b"AUTHORIZATION" | b"PROXY-AUTHORIZATION" => {
                    if let Some(u) = basic_user(val) {
                        m.username = Some(u);
                    }
                }
                _ => {}
            }
        }
        // A body the stream reader only counted past its head.
        m.body_len = v.elided();
        // Zeek counts and sniffs a gzip or deflate body decoded.
        let mut decoder = decodes.then(Inflate::default);
        for piece in crate::export::body_pieces(v) {
            m.body_len = m.body_len.saturating_add(piece.len() as u64);
            if let Some(d) = decoder.as_mut() {
                d.feed(piece);
                continue;
            }
            let room = SNIFF.saturating_sub(m.body_head.len());
            m.body_head
                .extend_from_slice(piece.get(..room.min(piece.len())).unwrap_or_default());
        }
        if let Some(d) = decoder {
            let (len, head) = d.finish();
            m.body_head = head;
            // The stream reader decoded what it did not keep; a body it
            // counted without decoding (no room for a decoder) keeps its
            // coded length.
            m.body_len = match (v.decoded(), v.elided()) {
                (Some(n), _) => n,
                (None, 0) => len,
                (None, _) => m.body_len,
            };
        } else if coded {
            m.body_head.clear();
        }
        m.chunk_at = v.chunk_at();
        // A multipart body's parts: read by the stream reader as it
        // passed, or here when it was held whole (one counted past its
        // head without them, or content-coded, stays one file).
        m.unsplit = multipart.is_some() && (coded || v.elided() > 0) && v.parts().is_none();
        let walked = match (v.parts(), multipart.filter(|_| !m.unsplit)) {
            (Some(parts), _) => Some(parts.clone()),
            (None, Some(ct)) => {
                let head = mime_head(ct, transfer_coding);
                let head: Vec<&[u8]> = head.iter().map(Vec::as_slice).collect();
                let body = crate::export::entity(v).unwrap_or_default();
                Some(mime::walk_body(&head, &body, ts_ns))
            }
            (None, None) => None,
        };
        if let Some(w) = walked {
            m.parts_dropped = w.files_dropped.saturating_add(w.too_deep);
            m.long_lines = w.long_lines;
            m.parts = Some(w.files);
        }
        // A 206 response's range is in its headers, or in those of the
        // first part of a multipart/byteranges body (the parts are pieces
        // of one file to Zeek).
        let range = (m.status == Some(206))
            .then(|| {
                let part = || {
                    let head = v.body().get(..BODY_HEAD).unwrap_or(v.body());
                    head.split(|&c| c == b'\n')
                        .take_while(|l| l.len() < MAX_PART_LINE)
                        .find_map(|l| {
                            let (name, value) = l.split_at(l.iter().position(|&c| c == b':')?);
                            name.trim_ascii()
                                .eq_ignore_ascii_case(b"content-range")
                                .then(|| value.get(1..))?
                        })
                };
                v.header(b"content-range")
                    .or_else(part)
                    .and_then(content_range)
            })
            .flatten();
        m.partial = range.is_some_and(|(start, _)| start > 0);
        m.total = match range {
            Some((_, whole)) => whole,
            None if decodes || v.is_chunked() => None,
            None => v.content_length().filter(|&n| n > 0),
        };
        m
    }
}

/// A line of a multipart/byteranges body read for its `Content-Range`
/// (longer ones are part data).
const MAX_PART_LINE: usize = 256;

/// A `Content-Range: bytes FIRST-LAST/LENGTH` value: its first byte and
/// the whole length (none for `*`).
fn content_range(v: &[u8]) -> Option<(u64, Option<u64>)> {
    let num = |b: &[u8]| {
        std::str::from_utf8(b.trim_ascii())
            .ok()?
            .parse::<u64>()
            .ok()
    };
    let rest = v.trim_ascii().strip_prefix(b"bytes")?;
    let (range, whole) = rest.split_at(rest.iter().position(|&c| c == b'/')?);
    let first = range.split(|&c| c == b'-').next().and_then(num)?;
    Some((first, whole.get(1..).and_then(num).filter(|&n| n > 0)))
}

/// One http.log record (Zeek's `HTTP::Info` with the files fields).
#[derive(Clone, Debug, PartialEq)]
pub struct Http {
    pub ts_ns: i64,
    pub uid: Uid,
    pub orig_h: IpAddr,
    pub orig_p: u16,
    pub resp_h: IpAddr,
    pub resp_p: u16,
    pub trans_depth: u64,
    pub method: Option<Vec<u8>>,
    pub host: Option<Vec<u8>>,
    pub uri: Option<Vec<u8>>,
    pub referrer: Option<Vec<u8>>,
    pub version: Option<Vec<u8>>,
    pub user_agent: Option<Vec<u8>>,
    pub origin: Option<Vec<u8>>,
    pub request_body_len: u64,
    pub response_body_len: u64,
    pub status_code: Option<u16>,
    pub status_msg: Option<Vec<u8>>,
    pub info_code: Option<u16>,
    pub info_msg: Option<Vec<u8>>,
    pub username: Option<Vec<u8>>,
    pub proxied: Option<Vec<Vec<u8>>>,
    pub orig_files: Files,
    pub resp_files: Files,
}

/// The files of one direction of a transaction.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Files {
    pub fuids: Vec<String>,
    pub filenames: Vec<Vec<u8>>,
    pub mime_types: Vec<&'static str>,
    /// Files made, listed or not: the next one's place (in its fuid).
    made: usize,
}

impl Http {
    fn new(f: &Frame<'_>, trans_depth: u64) -> Http {
        let c = f.conn;
        Http {
            ts_ns: f.ts_ns,
            uid: c.uid,
            orig_h: c.orig_h,
            orig_p: c.orig_p,
            resp_h: c.resp_h,
            resp_p: c.resp_p,
            trans_depth,
            method: None,
            host: None,
            uri: None,
            referrer: None,
            version: None,
            user_agent: None,
            origin: None,
            request_body_len: 0,
            response_body_len: 0,
            status_code: None,
            status_msg: None,
            info_code: None,
            info_msg: None,
            username: None,
            proxied: None,
            orig_files: Files::default(),
            resp_files: Files::default(),
        }
    }

    /// The files of `m`'s body: the body, or each part of a multipart
    /// with content. Each gets a fuid; the first [`MAX_LISTED_FILES`] of
    /// a direction are listed here, and each is written to files.log.
    fn files(&mut self, f: &Frame<'_>, orig: bool, m: &Msg, sink: &mut dyn Sink) -> io::Result<()> {
        match &m.parts {
            Some(parts) => {
                for p in parts {
                    let body = Body {
                        filename: p.filename.as_deref(),
                        mime: magic::mime_type(&p.head),
                        seen: p.seen,
                        total: None,
                        chunk_at: None,
                        span: Some((p.first_at, p.last_at)),
                    };
                    self.file(f, orig, body, sink)?;
                }
                Ok(())
            }
            None if m.body_len > 0 => {
                let body = Body {
                    filename: m.filename.as_deref(),
                    // Zeek sniffs a file only from its first byte.
                    mime: if m.partial {
                        None
                    } else {
                        magic::mime_type(&m.body_head)
                    },
                    seen: m.body_len,
                    total: m.total,
                    chunk_at: m.chunk_at,
                    span: None,
                };
                self.file(f, orig, body, sink)
            }
            None => Ok(()),
        }
    }

    /// One file of a body, ended on `f`'s frame.
    fn file(
        &mut self,
        f: &Frame<'_>,
        orig: bool,
        b: Body<'_>,
        sink: &mut dyn Sink,
    ) -> io::Result<()> {
        let depth = self.trans_depth;
        let uid = self.uid;
        let files = if orig {
            &mut self.orig_files
        } else {
            &mut self.resp_files
        };
        let fuid = files::fuid("HTTP", uid.as_str(), depth, orig, files.made);
        files.made += 1;
        // (Zeek's `file_over_new_connection` lists the id and name while
        // fewer than the most are listed; `file_sniff` the type while
        // fewer types are.)
        if files.mime_types.len() < MAX_LISTED_FILES {
            files.mime_types.extend(b.mime);
        }
        let mut unlisted = None;
        if files.fuids.len() < MAX_LISTED_FILES {
            files.fuids.push(fuid);
            files.filenames.extend(b.filename.map(<[u8]>::to_vec));
        } else {
            unlisted = Some(fuid);
        }
        if !sink.wants(&files::SCHEMA) {
            return Ok(());
        }
        let fuid = match &unlisted {
            Some(u) => u.as_str(),
            None => files.fuids.last().map_or("", String::as_str),
        };
        let mut file = files::File::http(f, fuid, b.chunk_at);
        file.mime_type = b.mime;
        file.filename = b.filename;
        file.seen_bytes = b.seen;
        file.total_bytes = b.total;
        if let Some((first, last)) = b.span {
            file.ts_ns = first;
            file.duration_ns = last.saturating_sub(first);
        }
        emit(&file, sink)
    }
}

/// One file of a message's body (see [`Http::files`]).
struct Body<'m> {
    filename: Option<&'m [u8]>,
    mime: Option<&'static str>,
    seen: u64,
    /// files.log's `total_bytes`.
    total: Option<u64>,
    /// When its first chunk was whole, before the message's frame.
    chunk_at: Option<i64>,
    /// A part of a multipart body: when its first and last lines with
    /// content came (Zeek hands a part's content on a line at a time).
    span: Option<(i64, i64)>,
}

/// The MIME header lines of a multipart body's top entity, from the
/// message's `Content-Type` and `Content-Transfer-Encoding` values.
fn mime_head(content_type: &[u8], transfer_coding: Option<&[u8]>) -> Vec<Vec<u8>> {
    let line = |name: &[u8], value: &[u8]| [name, b": ", value].concat();
    let mut head = vec![line(b"Content-Type", content_type)];
    head.extend(transfer_coding.map(|t| line(b"Content-Transfer-Encoding", t)));
    head
}

/// A reader of the parts of `v`'s body, when it is a multipart one
/// (not byteranges) that is not content-coded: for the stream reader,
/// which reads such a body as it passes.
pub(crate) fn parts_reader(v: &HttpView<'_>) -> Option<mime::MailReader> {
    // (The later header wins, as in Zeek and `Msg::read`.)
    let last = |name: &[u8]| {
        v.headers()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .last()
            .map(|h| h.value)
    };
    let ct = last(b"content-type")?;
    let media = h2_streams::media_type(ct)?;
    let coded = last(b"content-encoding")
        .map(<[u8]>::trim_ascii)
        .is_some_and(|t| !(t.is_empty() || t.eq_ignore_ascii_case(b"identity")));
    if !h2_streams::is_multipart(media) || coded {
        return None;
    }
    let head = mime_head(ct, last(b"content-transfer-encoding"));
    let head: Vec<&[u8]> = head.iter().map(Vec::as_slice).collect();
    Some(mime::MailReader::http_body(&head))
}

fn strings<'s, I: IntoIterator<Item = &'s [u8]>>(items: I, empty_unset: bool) -> Value<'s> {
    let v: Vec<Cow<'s, [u8]>> = items.into_iter().map(Cow::Borrowed).collect();
    if v.is_empty() && empty_unset {
        Value::Unset
    } else {
        Value::Strings(v)
    }
}

impl Record for Http {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        let files = |f: &'s Files| {
            [
                strings(f.fuids.iter().map(|s| s.as_bytes()), true),
                strings(f.filenames.iter().map(|s| s.as_slice()), true),
                strings(f.mime_types.iter().map(|s| s.as_bytes()), true),
            ]
        };
        out.extend([
            Value::Time(self.ts_ns),
            self.uid.value(),
            Value::Addr(self.orig_h),
            Value::Port(self.orig_p),
            Value::Addr(self.resp_h),
            Value::Port(self.resp_p),
            Value::Count(self.trans_depth),
            Value::bytes(self.method.as_deref()),
            Value::bytes(self.host.as_deref()),
            Value::bytes(self.uri.as_deref()),
            Value::bytes(self.referrer.as_deref()),
            Value::bytes(self.version.as_deref()),
            Value::bytes(self.user_agent.as_deref()),
            Value::bytes(self.origin.as_deref()),
            Value::Count(self.request_body_len),
            Value::Count(self.response_body_len),
            self.status_code
                .map_or(Value::Unset, |c| Value::Count(u64::from(c))),
            Value::bytes(self.status_msg.as_deref()),
            self.info_code
                .map_or(Value::Unset, |c| Value::Count(u64::from(c))),
            Value::bytes(self.info_msg.as_deref()),
            // No tag is defined in base Zeek: always the empty set.
            Value::Strings(Vec::new()),
            Value::bytes(self.username.as_deref()),
            // Zeek's default is not to capture passwords.
            Value::Unset,
            self.proxied.as_ref().map_or(Value::Unset, |p| {
                strings(p.iter().map(|s| s.as_slice()), false)
            }),
        ]);
        out.extend(files(&self.orig_files));
        out.extend(files(&self.resp_files));
    }
}

/// What the HTTP analyzer counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub records: u64,
    /// Transactions written before their response by Zeek's pipelining
    /// bound.
    pub flushed: u64,
    /// Connections whose open transactions were written early because
    /// [`MAX_CONNS`] had HTTP state.
    pub overflow: u64,
    /// Parts of multipart bodies that made no file ([`Msg::parts_dropped`]).
    pub parts_dropped: u64,
    /// Lines of parts read in pieces ([`Msg::long_lines`]).
    pub long_lines: u64,
    /// Multipart bodies logged as one file ([`Msg::unsplit`]).
    pub unsplit: u64,
}

/// One connection's transactions (Zeek's `HTTP::State`).
#[derive(Debug, Default)]
struct ConnState {
    /// Boxed: a map's node holds room for eleven values, and a
    /// keep-alive connection idle between requests keeps its node.
    pending: BTreeMap<u64, Box<Http>>,
    current_request: u64,
    current_response: u64,
    trans_depth: u64,
    /// When the connection got HTTP state (to pick the oldest on overflow).
    since_ns: i64,
}

impl ConnState {
    /// Zeek's `set_state`: the record of the current request or response,
    /// made if missing.
    fn current(&mut self, f: &Frame<'_>, orig: bool) -> &mut Http {
        let k = if orig {
            self.current_request
        } else {
            self.current_response
        };
        let depth = &mut self.trans_depth;
        self.pending.entry(k).or_insert_with(|| {
            *depth += 1;
            Box::new(Http::new(f, *depth))
        })
    }
}

/// HTTP transactions in progress, per connection.
#[derive(Debug, Default)]
pub struct Tracker {
    conns: Map<ConnId, ConnState>,
    pub stats: Stats,
}

impl Tracker {
    fn write(&mut self, h: &Http, sink: &mut dyn Sink) -> io::Result<()> {
        self.stats.records += 1;
        emit(h, sink)
    }

    /// One whole message of a connection.
    pub fn message(&mut self, f: &Frame<'_>, mut m: Msg, sink: &mut dyn Sink) -> io::Result<()> {
        if let Some(id) = to_evict(&self.conns, f.conn.id, MAX_CONNS, |s| s.since_ns) {
            self.stats.overflow += 1;
            self.conn_ended(id, sink)?;
        }
        self.stats.parts_dropped = self.stats.parts_dropped.saturating_add(m.parts_dropped);
        self.stats.long_lines = self.stats.long_lines.saturating_add(m.long_lines);
        self.stats.unsplit += u64::from(m.unsplit);
        let mut out: Vec<Box<Http>> = Vec::new();
        let st = self.conns.entry(f.conn.id).or_insert_with(|| ConnState {
            since_ns: f.ts_ns,
            ..ConnState::default()
        });
        if m.request {
            // http_request
            if st.current_request < st.current_response {
                st.current_request = st.current_response;
            }
            if st.pending.len() > MAX_PENDING_REQUESTS {
                if st.current_response == 0 {
                    st.current_response += 1;
                }
                while st.current_response < st.current_request {
                    if let Some(h) = st.pending.remove(&st.current_response) {
                        out.push(h);
                    }
                    st.current_response += 1;
                }
            }
            st.current_request += 1;
            let h = st.current(f, true);
            // The message's texts move into the record (the message is
            // not read again for them).
            h.method = Some(std::mem::take(&mut m.method));
            h.uri = Some(std::mem::take(&mut m.uri));
            // http_header (client side)
            if m.referrer.is_some() {
                h.referrer = m.referrer.take();
            }
            if m.host.is_some() {
                h.host = m.host.take();
            }
            if m.origin.is_some() {
                h.origin = m.origin.take();
            }
            if m.user_agent.is_some() {
                h.user_agent = m.user_agent.take();
            }
            if !m.proxied.is_empty() {
                let p = h.proxied.get_or_insert_with(Vec::new);
                for x in &m.proxied {
                    if !p.contains(x) {
                        p.push(x.clone());
                    }
                }
            }
            if m.username.is_some() {
                h.username = m.username.take();
            }
            // http_message_done
            h.request_body_len = m.body_len;
            h.files(f, true, &m, sink)?;
            self.stats.flushed += out.len() as u64;
        } else {
            // http_reply
            let informational = |c: Option<u16>| c.is_some_and(|c| (100..=199).contains(&c));
            let advance = match st.pending.get(&st.current_response) {
                None => true,
                Some(h) => h.status_code.is_some() && !informational(h.status_code),
            };
            if advance {
                st.current_response += 1;
            }
            let key = st.current_response;
            let h = st.current(f, false);
            h.status_code = m.status;
            h.version = m.version.take();
            if informational(m.status) {
                h.info_code = m.status;
                h.info_msg = Some(m.reason.clone());
            }
            h.status_msg = Some(std::mem::take(&mut m.reason));
            // http_message_done: the response is over.
            h.response_body_len = m.body_len;
            h.files(f, false, &m, sink)?;
            if !informational(h.status_code) {
                if let Some(h) = st.pending.remove(&key) {
                    out.push(h);
                }
            }
        }
        for h in &out {
            self.write(h, sink)?;
        }
        Ok(())
    }

    /// A connection ended: its open transactions are written, in order.
    pub fn conn_ended(&mut self, id: ConnId, sink: &mut dyn Sink) -> io::Result<()> {
        let Some(st) = self.conns.remove(&id) else {
            return Ok(());
        };
        for (k, h) in &st.pending {
            // Zeek keeps nothing at index 0 worth logging.
            if *k != 0 {
                self.write(h, sink)?;
            }
        }
        Ok(())
    }

    /// The capture ended: whatever is still open (connections end first,
    /// so normally nothing).
    pub fn finish(&mut self, sink: &mut dyn Sink) -> io::Result<()> {
        for id in ids_in_order(&self.conns) {
            self.conn_ended(id, sink)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
