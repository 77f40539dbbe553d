//! HTTP/2 (RFC 9113) over cleartext TCP: the connection preface and
//! frames, one per view (tshark shows one "HyperText Transfer Protocol 2"
//! tree per frame, several in a segment).
//!
//! A frame is a 9-byte header (24-bit payload length, type, flags, a
//! reserved bit and a 31-bit stream id) and its payload. Header blocks are
//! HPACK-compressed against a table each direction of a connection keeps
//! ([`hpack`]): a view is made over the frame's bytes alone and, when the
//! engine has decoded the block this frame completes, given the decoded
//! list with [`Http2View::with_headers`] (the list lives in the engine's
//! buffer, the view borrows it). Likewise the frame that ends a stream's
//! body is given the body the engine put together from the stream's DATA
//! frames ([`Http2View::with_body`]), as tshark shows it there.

pub mod hpack;
mod huffman;
mod repr;

pub use repr::{FrameRepr, Http2Repr};

use crate::bytes::{be16, be24, be32, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::stream::Pdu;
use hpack::{Headers, Repr};
use std::fmt::Write as _;
use std::ops::Range;

/// What a client sends first (RFC 9113 §3.4).
pub const PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// The frame header's length.
pub const FRAME_HEADER: usize = 9;

/// Frame types.
pub mod frame_type {
    pub const DATA: u8 = 0;
    pub const HEADERS: u8 = 1;
    pub const PRIORITY: u8 = 2;
    pub const RST_STREAM: u8 = 3;
    pub const SETTINGS: u8 = 4;
    pub const PUSH_PROMISE: u8 = 5;
    pub const PING: u8 = 6;
    pub const GOAWAY: u8 = 7;
    pub const WINDOW_UPDATE: u8 = 8;
    pub const CONTINUATION: u8 = 9;
}

/// Flag bits (their meaning depends on the frame type).
pub mod flag {
    pub const END_STREAM: u8 = 0x01;
    pub const ACK: u8 = 0x01;
    pub const END_HEADERS: u8 = 0x04;
    pub const PADDED: u8 = 0x08;
    pub const PRIORITY: u8 = 0x20;
}

/// SETTINGS_HEADER_TABLE_SIZE.
pub const SETTINGS_HEADER_TABLE_SIZE: u16 = 1;

mod at {
    use std::ops::Range;
    pub const LENGTH: Range<usize> = 0..3;
    pub const TYPE: Range<usize> = 3..4;
    pub const FLAGS: Range<usize> = 4..5;
    pub const STREAM: Range<usize> = 5..9;
}

field_table! {
    Stream: "http2.stream", "Stream", Kind::None;
    Magic: "http2.magic", "Magic", Kind::Str;
    Length: "http2.length", "Length", Kind::Dec;
    Type: "http2.type", "Type", Kind::Dec;
    Flags: "http2.flags", "Flags", Kind::Hex(2);
    FlagsEndStream: "http2.flags.end_stream", "End Stream", Kind::Bool;
    FlagsEh: "http2.flags.eh", "End Headers", Kind::Bool;
    FlagsPadded: "http2.flags.padded", "Padded", Kind::Bool;
    FlagsPriority: "http2.flags.priority", "Priority", Kind::Bool;
    FlagsAckSettings: "http2.flags.ack.settings", "ACK", Kind::Bool;
    FlagsAckPing: "http2.flags.ack.ping", "ACK", Kind::Bool;
    FlagsUnused: "http2.flags.unused", "Unused", Kind::Hex(2);
    FlagsUnusedSettings: "http2.flags.unused_settings", "Unused", Kind::Hex(2);
    FlagsUnusedPing: "http2.flags.unused_ping", "Unused", Kind::Hex(2);
    FlagsUnusedContinuation: "http2.flags.unused_continuation", "Unused", Kind::Hex(2);
    FlagsUnusedPushPromise: "http2.flags.unused_push_promise", "Unused", Kind::Hex(2);
    FlagsUnusedData: "http2.flags.unused_data", "Unused", Kind::Hex(2);
    FlagsUnusedHeaders: "http2.flags.unused_headers", "Unused", Kind::Hex(2);
    R: "http2.r", "Reserved", Kind::Hex(8);
    StreamId: "http2.streamid", "Stream Identifier", Kind::Dec;
    Padding: "http2.padding", "Pad Length", Kind::Hex(2);
    PadLength: "http2.pad_length", "Pad Length", Kind::Dec;
    Exclusive: "http2.exclusive", "Exclusive", Kind::Bool;
    StreamDependency: "http2.stream_dependency", "Stream Dependency", Kind::Dec;
    Weight: "http2.headers.weight", "Weight", Kind::Dec;
    WeightReal: "http2.headers.weight_real", "Weight real", Kind::Dec;
    DataData: "http2.data.data", "Data", Kind::Bytes;
    DataPadding: "http2.data.padding", "Padding", Kind::Bytes;
    BodyFragments: "http2.body.fragments", "Body fragments", Kind::None;
    BodyFragment: "http2.body.fragment", "Body fragment", Kind::Dec;
    BodyFragmentCount: "http2.body.fragment.count", "Body fragment count", Kind::Dec;
    BodyReassembledLength: "http2.body.reassembled.length", "Reassembled body length", Kind::Dec;
    BodyReassembledData: "http2.body.reassembled.data", "Reassembled body data", Kind::Bytes;
    HeaderBlock: "http2.headers", "Header Block Fragment", Kind::Bytes;
    HeadersPadding: "http2.headers.padding", "Padding", Kind::Bytes;
    HeaderLength: "http2.header.length", "Header Length", Kind::Dec;
    HeaderCount: "http2.header.count", "Header Count", Kind::Dec;
    Header: "http2.header", "Header", Kind::None;
    HeaderNameLength: "http2.header.name.length", "Name Length", Kind::Dec;
    HeaderName: "http2.header.name", "Name", Kind::Str;
    HeaderValueLength: "http2.header.value.length", "Value Length", Kind::Dec;
    HeaderValue: "http2.header.value", "Value", Kind::Str;
    HeaderRepr: "http2.header.repr", "Representation", Kind::Str;
    HeaderIndex: "http2.header.index", "Index", Kind::Dec;
    TableSizeUpdate: "http2.header_table_size_update", "Header table size update", Kind::None;
    FullUri: "http2.request.full_uri", "Full request URI", Kind::Str;
    TableSize: "http2.header_table_size_update.header_table_size", "Header table size", Kind::Dec;
    Authority: "http2.headers.authority", ":authority", Kind::Str;
    Status: "http2.headers.status", ":status", Kind::Dec;
    Path: "http2.headers.path", ":path", Kind::Str;
    Method: "http2.headers.method", ":method", Kind::Str;
    Scheme: "http2.headers.scheme", ":scheme", Kind::Str;
    Accept: "http2.headers.accept", "accept", Kind::Str;
    AcceptEncoding: "http2.headers.accept_encoding", "accept-encoding", Kind::Str;
    AcceptLanguage: "http2.headers.accept_language", "accept-language", Kind::Str;
    CacheControl: "http2.headers.cache_control", "cache-control", Kind::Str;
    ContentEncoding: "http2.headers.content_encoding", "content-encoding", Kind::Str;
    ContentLength: "http2.headers.content_length", "content-length", Kind::Dec;
    ContentType: "http2.headers.content_type", "content-type", Kind::Str;
    Cookie: "http2.headers.cookie", "cookie", Kind::Str;
    Date: "http2.headers.date", "date", Kind::Str;
    Location: "http2.headers.location", "location", Kind::Str;
    Referer: "http2.headers.referer", "referer", Kind::Str;
    Server: "http2.headers.server", "server", Kind::Str;
    SetCookie: "http2.headers.set_cookie", "set-cookie", Kind::Str;
    UserAgent: "http2.headers.user_agent", "user-agent", Kind::Str;
    RstStreamError: "http2.rst_stream.error", "Error", Kind::Dec;
    Settings: "http2.settings", "Settings", Kind::None;
    SettingsId: "http2.settings.id", "Settings Identifier", Kind::Dec;
    SettingsHeaderTableSize: "http2.settings.header_table_size", "Header table size", Kind::Dec;
    SettingsEnablePush: "http2.settings.enable_push", "Enable PUSH", Kind::Dec;
    SettingsMaxConcurrentStreams: "http2.settings.max_concurrent_streams", "Max concurrent streams", Kind::Dec;
    SettingsInitialWindowSize: "http2.settings.initial_window_size", "Initial Windows Size", Kind::Dec;
    SettingsMaxFrameSize: "http2.settings.max_frame_size", "Max frame size", Kind::Dec;
    SettingsMaxHeaderListSize: "http2.settings.max_header_list_size", "Max header list size", Kind::Dec;
    SettingsExtendedConnect: "http2.settings.extended_connect", "Extended CONNECT", Kind::Dec;
    SettingsUnknown: "http2.settings.unknown", "Unknown Settings", Kind::Dec;
    PushPromiseR: "http2.push_promise.r", "Reserved", Kind::Hex(8);
    PromisedStreamId: "http2.push_promise.promised_stream_id", "Promised-Stream-ID", Kind::Dec;
    PushPromiseHeader: "http2.push_promise.header", "Header Block Fragment", Kind::Bytes;
    PushPromisePadding: "http2.push_promise.padding", "Padding", Kind::Bytes;
    Ping: "http2.ping", "Ping", Kind::Bytes;
    Pong: "http2.pong", "Pong", Kind::Bytes;
    GoawayR: "http2.goway.r", "Reserved", Kind::Hex(8);
    GoawayLastStreamId: "http2.goaway.last_stream_id", "Last-Stream-ID", Kind::Dec;
    GoawayError: "http2.goaway.error", "Error", Kind::Dec;
    GoawayAddata: "http2.goaway.addata", "Additional Debug Data", Kind::Bytes;
    WindowUpdateR: "http2.window_update.r", "Reserved", Kind::Hex(8);
    WindowSizeIncrement: "http2.window_update.window_size_increment", "Window Size Increment", Kind::Dec;
    ContinuationHeader: "http2.continuation.header", "Continuation Header", Kind::Str;
    Unknown: "http2.unknown", "Unknown", Kind::Bytes;
}

/// tshark's `http2.headers.*` fields for header names it knows.
const NAMED: &[(&[u8], Field)] = &[
    (b":authority", Field::Authority),
    (b":status", Field::Status),
    (b":path", Field::Path),
    (b":method", Field::Method),
    (b":scheme", Field::Scheme),
    (b"accept", Field::Accept),
    (b"accept-encoding", Field::AcceptEncoding),
    (b"accept-language", Field::AcceptLanguage),
    (b"cache-control", Field::CacheControl),
    (b"content-encoding", Field::ContentEncoding),
    (b"content-length", Field::ContentLength),
    (b"content-type", Field::ContentType),
    (b"cookie", Field::Cookie),
    (b"date", Field::Date),
    (b"location", Field::Location),
    (b"referer", Field::Referer),
    (b"server", Field::Server),
    (b"set-cookie", Field::SetCookie),
    (b"user-agent", Field::UserAgent),
];

/// The name tshark gives a frame type (`Unknown type` for others).
pub fn type_name(t: u8) -> &'static str {
    match t {
        frame_type::DATA => "DATA",
        frame_type::HEADERS => "HEADERS",
        frame_type::PRIORITY => "PRIORITY",
        frame_type::RST_STREAM => "RST_STREAM",
        frame_type::SETTINGS => "SETTINGS",
        frame_type::PUSH_PROMISE => "PUSH_PROMISE",
        frame_type::PING => "PING",
        frame_type::GOAWAY => "GOAWAY",
        frame_type::WINDOW_UPDATE => "WINDOW_UPDATE",
        frame_type::CONTINUATION => "CONTINUATION",
        10 => "ALTSVC",
        12 => "ORIGIN",
        16 => "PRIORITY_UPDATE",
        _ => "Unknown type",
    }
}

/// How many bytes the preface or the frame at the start of a stream takes.
pub fn pdu_len(bytes: &[u8]) -> Pdu {
    let n = bytes.len().min(PREFACE.len());
    if n > 0 && PREFACE.get(..n) == bytes.get(..n) {
        return if n == PREFACE.len() {
            Pdu::Whole(PREFACE.len())
        } else {
            Pdu::Need(PREFACE.len())
        };
    }
    if bytes.len() < FRAME_HEADER {
        return Pdu::Need(FRAME_HEADER);
    }
    let total = FRAME_HEADER + be24(bytes, 0).unwrap_or(0) as usize;
    if total <= bytes.len() {
        Pdu::Whole(total)
    } else {
        Pdu::Need(total)
    }
}

/// Does a stream begin with the client's preface (HTTP/2 with prior
/// knowledge)? At least the first four bytes must be there.
pub fn looks_like(bytes: &[u8]) -> bool {
    let n = bytes.len().min(PREFACE.len());
    n >= 4 && PREFACE.get(..n) == bytes.get(..n)
}

/// A stream's entity body as the frame that ends it shows it (tshark's
/// reassembled body), put together by the engine from the DATA frames of
/// one stream and direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Body<'a> {
    /// What `http2.data.data` shows: the body with its content coding
    /// undone when it could be.
    pub data: &'a [u8],
    /// The body as sent (`http2.body.reassembled.data`).
    pub sent: &'a [u8],
    /// The frame number and length of each DATA frame it came in, when
    /// earlier frames hold part of it (tshark then shows them as body
    /// fragments); empty when this frame holds all of it.
    pub fragments: &'a [(u64, u32)],
}

/// A view over the preface or one frame (its payload may be cut short:
/// what is there is shown).
#[derive(Clone, Copy, Debug)]
pub struct Http2View<'a> {
    bytes: &'a [u8],
    magic: bool,
    /// The header block this frame completes, decoded by the engine.
    headers: Option<Headers<'a>>,
    /// The body this frame ends, put together by the engine.
    body: Option<Body<'a>>,
}

impl<'a> Http2View<'a> {
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        if bytes.starts_with(PREFACE) {
            return Ok(Http2View {
                bytes: bytes.get(..PREFACE.len()).unwrap_or(bytes),
                magic: true,
                headers: None,
                body: None,
            });
        }
        need(bytes, FRAME_HEADER)?;
        Ok(Http2View {
            bytes,
            magic: false,
            headers: None,
            body: None,
        })
    }

    /// The same view showing `h`, the decoded list of the header block
    /// this frame ends.
    pub fn with_headers(self, h: Headers<'a>) -> Self {
        Http2View {
            headers: Some(h),
            ..self
        }
    }

    /// The same view showing `b`, the body of the stream this frame ends.
    pub fn with_body(self, b: Body<'a>) -> Self {
        Http2View {
            body: Some(b),
            ..self
        }
    }

    /// The body this frame ends, when the engine gave it.
    pub fn body_shown(&self) -> Option<Body<'a>> {
        self.body
    }

    /// Is this the connection preface rather than a frame?
    pub fn is_magic(&self) -> bool {
        self.magic
    }

    /// The payload length as written.
    pub fn length(&self) -> u32 {
        be24(self.bytes, 0).unwrap_or(0)
    }

    pub fn frame_type(&self) -> u8 {
        u8_at(self.bytes, at::TYPE.start).unwrap_or(0)
    }

    pub fn flags(&self) -> u8 {
        u8_at(self.bytes, at::FLAGS.start).unwrap_or(0)
    }

    fn has(&self, f: u8) -> bool {
        !self.magic && self.flags() & f != 0
    }

    pub fn stream_id(&self) -> u32 {
        be32(self.bytes, at::STREAM.start).unwrap_or(0) & 0x7fff_ffff
    }

    /// The reserved bit before the stream id (0 or 1).
    fn reserved(&self) -> u32 {
        be32(self.bytes, at::STREAM.start).unwrap_or(0) >> 31
    }

    pub fn header_len(&self) -> usize {
        if self.magic {
            PREFACE.len()
        } else {
            FRAME_HEADER
        }
    }

    fn payload_range(&self) -> Range<usize> {
        if self.magic {
            return PREFACE.len()..PREFACE.len();
        }
        let end = FRAME_HEADER
            .saturating_add(self.length() as usize)
            .min(self.bytes.len());
        FRAME_HEADER..end
    }

    /// The frame's payload, clamped to the bytes at hand.
    pub fn payload(&self) -> &'a [u8] {
        self.bytes.get(self.payload_range()).unwrap_or(&[])
    }

    /// Is the whole payload here?
    pub fn is_complete(&self) -> bool {
        self.magic || self.payload_range().len() == self.length() as usize
    }

    pub fn end_stream(&self) -> bool {
        matches!(self.frame_type(), frame_type::DATA | frame_type::HEADERS)
            && self.has(flag::END_STREAM)
    }

    pub fn end_headers(&self) -> bool {
        self.carries_headers() && self.has(flag::END_HEADERS)
    }

    pub fn ack(&self) -> bool {
        matches!(self.frame_type(), frame_type::SETTINGS | frame_type::PING) && self.has(flag::ACK)
    }

    /// Does this frame carry a fragment of a header block?
    pub fn carries_headers(&self) -> bool {
        !self.magic
            && matches!(
                self.frame_type(),
                frame_type::HEADERS | frame_type::PUSH_PROMISE | frame_type::CONTINUATION
            )
    }

    fn paddable(&self) -> bool {
        !self.magic
            && matches!(
                self.frame_type(),
                frame_type::DATA | frame_type::HEADERS | frame_type::PUSH_PROMISE
            )
    }

    /// The Pad Length field, when the PADDED flag says there is one.
    pub fn pad_length(&self) -> Option<u8> {
        if self.paddable() && self.has(flag::PADDED) {
            u8_at(self.bytes, FRAME_HEADER)
        } else {
            None
        }
    }

    fn has_priority(&self) -> bool {
        self.frame_type() == frame_type::HEADERS && self.has(flag::PRIORITY)
    }

    /// Where the frame's main content is (DATA's data, a header block
    /// fragment, …) and where its padding is, after the fixed fields.
    fn body(&self) -> (Range<usize>, Range<usize>) {
        let p = self.payload_range();
        let mut start = p.start;
        if self.pad_length().is_some() {
            start += 1;
        }
        match self.frame_type() {
            frame_type::HEADERS if self.has_priority() => start += 5,
            frame_type::PUSH_PROMISE => start += 4,
            _ => {}
        }
        let start = start.min(p.end);
        // Padding runs to the end of the frame as written; the part at
        // hand is shown.
        let written_end = FRAME_HEADER.saturating_add(self.length() as usize);
        let pad = usize::from(self.pad_length().unwrap_or(0));
        let body_end = written_end.saturating_sub(pad).max(start).min(p.end);
        (start..body_end, body_end..p.end)
    }

    /// The header block fragment of a HEADERS, PUSH_PROMISE or
    /// CONTINUATION frame.
    pub fn header_block(&self) -> Option<&'a [u8]> {
        if self.carries_headers() {
            self.bytes.get(self.body().0)
        } else {
            None
        }
    }

    /// The data of a DATA frame (padding left out).
    pub fn data(&self) -> Option<&'a [u8]> {
        if !self.magic && self.frame_type() == frame_type::DATA {
            self.bytes.get(self.body().0)
        } else {
            None
        }
    }

    /// A SETTINGS frame's parameters: (identifier, value, offset in the
    /// layer).
    pub fn settings(&self) -> impl Iterator<Item = (u16, u32, usize)> + 'a {
        let b = self.bytes;
        let p = if !self.magic && self.frame_type() == frame_type::SETTINGS {
            self.payload_range()
        } else {
            0..0
        };
        p.clone()
            .step_by(6)
            .filter(move |&o| o + 6 <= p.end)
            .filter_map(move |o| Some((be16(b, o)?, be32(b, o + 2)?, o)))
    }

    /// The decoded headers this frame ends, when the engine gave them.
    pub fn headers(&self) -> Option<Headers<'a>> {
        self.headers
    }

    /// The value of the first decoded header named `name`.
    pub fn header(&self, name: &[u8]) -> Option<&'a [u8]> {
        self.headers?.get(name)
    }

    /// The response status (`:status`).
    pub fn status(&self) -> Option<u16> {
        parse_dec(self.header(b":status")?).and_then(|n| u16::try_from(n).ok())
    }

    fn u32_at(&self, off: usize) -> Option<u32> {
        be32(self.bytes, off)
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        if f == Field::Stream {
            return out.value(Value::Present, 0..self.header_len());
        }
        if self.magic {
            if f == Field::Magic {
                out.value(Value::Str(self.bytes), 0..PREFACE.len());
            }
            return;
        }
        let t = self.frame_type();
        let fl = self.flags();
        let flags = at::FLAGS;
        let p = self.payload_range();
        let (body, padding) = self.body();
        let bytes_at = |r: Range<usize>| self.bytes.get(r).unwrap_or(&[]);
        let u32_field = |off: usize, mask: u32, out: &mut dyn FieldSink<'a>| {
            if let Some(v) = self.u32_at(off) {
                out.value(Value::UInt(masked(v.into(), mask.into())), off..off + 4);
            }
        };
        use frame_type as ft;
        match f {
            Field::Length => out.value(Value::UInt(self.length().into()), at::LENGTH),
            Field::Type => out.value(Value::UInt(t.into()), at::TYPE),
            Field::Flags => out.value(Value::UInt(fl.into()), flags),
            Field::FlagsEndStream if matches!(t, ft::DATA | ft::HEADERS) => {
                out.value(Value::Bool(fl & flag::END_STREAM != 0), flags)
            }
            Field::FlagsEh if matches!(t, ft::HEADERS | ft::PUSH_PROMISE | ft::CONTINUATION) => {
                out.value(Value::Bool(fl & flag::END_HEADERS != 0), flags)
            }
            Field::FlagsPadded if self.paddable() => {
                out.value(Value::Bool(fl & flag::PADDED != 0), flags)
            }
            Field::FlagsPriority if t == ft::HEADERS => {
                out.value(Value::Bool(fl & flag::PRIORITY != 0), flags)
            }
            Field::FlagsAckSettings if t == ft::SETTINGS => {
                out.value(Value::Bool(fl & flag::ACK != 0), flags)
            }
            Field::FlagsAckPing if t == ft::PING => {
                out.value(Value::Bool(fl & flag::ACK != 0), flags)
            }
            Field::FlagsUnusedData if t == ft::DATA => {
                out.value(Value::UInt(masked(fl.into(), 0xf6)), flags)
            }
            Field::FlagsUnusedHeaders if t == ft::HEADERS => {
                out.value(Value::UInt(masked(fl.into(), 0xd2)), flags)
            }
            Field::FlagsUnusedSettings if t == ft::SETTINGS => {
                out.value(Value::UInt(masked(fl.into(), 0xfe)), flags)
            }
            Field::FlagsUnusedPing if t == ft::PING => {
                out.value(Value::UInt(masked(fl.into(), 0xfe)), flags)
            }
            Field::FlagsUnusedPushPromise if t == ft::PUSH_PROMISE => {
                out.value(Value::UInt(masked(fl.into(), 0xf3)), flags)
            }
            Field::FlagsUnusedContinuation if t == ft::CONTINUATION => {
                out.value(Value::UInt(masked(fl.into(), 0xfb)), flags)
            }
            Field::FlagsUnused
                if !matches!(
                    t,
                    ft::DATA
                        | ft::HEADERS
                        | ft::SETTINGS
                        | ft::PING
                        | ft::PUSH_PROMISE
                        | ft::CONTINUATION
                ) =>
            {
                out.value(Value::UInt(fl.into()), flags)
            }
            Field::R => out.value(Value::UInt(self.reserved().into()), at::STREAM),
            Field::StreamId => out.value(Value::UInt(self.stream_id().into()), at::STREAM),
            Field::Padding => {
                if let Some(n) = self.pad_length() {
                    out.value(Value::UInt(n.into()), p.start..p.start + 1)
                }
            }
            Field::PadLength if matches!(t, ft::DATA | ft::HEADERS | ft::PUSH_PROMISE) => {
                let n = self.pad_length().unwrap_or(0);
                out.value(Value::UInt(n.into()), p.start..p.start)
            }
            Field::Exclusive | Field::StreamDependency | Field::Weight | Field::WeightReal => {
                let at = match t {
                    ft::HEADERS if self.has_priority() => {
                        p.start + usize::from(self.pad_length().is_some())
                    }
                    ft::PRIORITY => p.start,
                    _ => return,
                };
                let (Some(dep), Some(w)) = (self.u32_at(at), u8_at(self.bytes, at + 4)) else {
                    return;
                };
                match f {
                    Field::Exclusive => out.value(Value::Bool(dep & 0x8000_0000 != 0), at..at + 4),
                    Field::StreamDependency => {
                        out.value(Value::UInt((dep & 0x7fff_ffff).into()), at..at + 4)
                    }
                    Field::Weight => out.value(Value::UInt(w.into()), at + 4..at + 5),
                    _ => out.value(Value::UInt(u64::from(w) + 1), at + 4..at + 5),
                }
            }
            Field::DataData => match self.body {
                Some(b) => out.value(Value::Bytes(b.data), body),
                None if t == ft::DATA && !body.is_empty() => {
                    out.value(Value::Bytes(bytes_at(body.clone())), body)
                }
                None => {}
            },
            Field::BodyFragments
            | Field::BodyFragment
            | Field::BodyFragmentCount
            | Field::BodyReassembledLength
            | Field::BodyReassembledData => {
                // Over the frame's data: the body is not in the packet.
                let Some(b) = self.body.filter(|b| !b.fragments.is_empty()) else {
                    return;
                };
                match f {
                    Field::BodyFragments => out.value(Value::Present, body),
                    Field::BodyFragment => {
                        for (frame, _) in b.fragments {
                            out.value(Value::UInt(*frame), body.clone())
                        }
                    }
                    Field::BodyFragmentCount => {
                        out.value(Value::UInt(b.fragments.len() as u64), body)
                    }
                    Field::BodyReassembledLength => {
                        out.value(Value::UInt(b.sent.len() as u64), body)
                    }
                    _ => out.value(Value::Bytes(b.sent), body),
                }
            }
            Field::DataPadding if t == ft::DATA && !padding.is_empty() => {
                out.value(Value::Bytes(bytes_at(padding.clone())), padding)
            }
            Field::HeaderBlock if t == ft::HEADERS && !body.is_empty() => {
                out.value(Value::Bytes(bytes_at(body.clone())), body)
            }
            Field::HeadersPadding if t == ft::HEADERS && !padding.is_empty() => {
                out.value(Value::Bytes(bytes_at(padding.clone())), padding)
            }
            Field::PushPromiseHeader if t == ft::PUSH_PROMISE && !body.is_empty() => {
                out.value(Value::Bytes(bytes_at(body.clone())), body)
            }
            Field::PushPromisePadding if t == ft::PUSH_PROMISE && !padding.is_empty() => {
                out.value(Value::Bytes(bytes_at(padding.clone())), padding)
            }
            Field::ContinuationHeader if t == ft::CONTINUATION && !body.is_empty() => {
                out.value(Value::Str(bytes_at(body.clone())), body)
            }
            Field::PushPromiseR | Field::PromisedStreamId if t == ft::PUSH_PROMISE => {
                let at = p.start + usize::from(self.pad_length().is_some());
                let mask = if f == Field::PushPromiseR {
                    0x8000_0000
                } else {
                    0x7fff_ffff
                };
                u32_field(at, mask, out)
            }
            Field::RstStreamError if t == ft::RST_STREAM => u32_field(p.start, u32::MAX, out),
            Field::WindowUpdateR if t == ft::WINDOW_UPDATE => u32_field(p.start, 0x8000_0000, out),
            Field::WindowSizeIncrement if t == ft::WINDOW_UPDATE => {
                u32_field(p.start, 0x7fff_ffff, out)
            }
            Field::GoawayR if t == ft::GOAWAY => u32_field(p.start, 0x8000_0000, out),
            Field::GoawayLastStreamId if t == ft::GOAWAY => u32_field(p.start, 0x7fff_ffff, out),
            Field::GoawayError if t == ft::GOAWAY => u32_field(p.start + 4, u32::MAX, out),
            Field::GoawayAddata if t == ft::GOAWAY && p.len() > 8 => {
                let r = p.start + 8..p.end;
                out.value(Value::Bytes(bytes_at(r.clone())), r)
            }
            Field::Ping | Field::Pong if t == ft::PING => {
                if (f == Field::Pong) == (fl & flag::ACK != 0) {
                    out.value(Value::Bytes(bytes_at(p.clone())), p)
                }
            }
            Field::Unknown if t > ft::CONTINUATION && !p.is_empty() => {
                out.value(Value::Bytes(bytes_at(p.clone())), p)
            }
            Field::Settings
            | Field::SettingsId
            | Field::SettingsHeaderTableSize
            | Field::SettingsEnablePush
            | Field::SettingsMaxConcurrentStreams
            | Field::SettingsInitialWindowSize
            | Field::SettingsMaxFrameSize
            | Field::SettingsMaxHeaderListSize
            | Field::SettingsExtendedConnect
            | Field::SettingsUnknown => {
                for (id, v, o) in self.settings() {
                    let which = match id {
                        1 => Field::SettingsHeaderTableSize,
                        2 => Field::SettingsEnablePush,
                        3 => Field::SettingsMaxConcurrentStreams,
                        4 => Field::SettingsInitialWindowSize,
                        5 => Field::SettingsMaxFrameSize,
                        6 => Field::SettingsMaxHeaderListSize,
                        8 => Field::SettingsExtendedConnect,
                        // tshark 4.0 knows SETTINGS_NO_RFC7540_PRIORITIES
                        // (9) by id only.
                        9 => Field::Settings,
                        _ => Field::SettingsUnknown,
                    };
                    match f {
                        Field::Settings => out.value(Value::Present, o..o + 6),
                        Field::SettingsId => out.value(Value::UInt(id.into()), o..o + 2),
                        _ if f == which => out.value(Value::UInt(v.into()), o + 2..o + 6),
                        _ => {}
                    }
                }
            }
            _ => self.header_field(f, body, out),
        }
    }

    /// Fields of the decoded header list (every one over the fragment's
    /// bytes: the list is decompressed, not in the packet).
    fn header_field(&self, f: Field, r: Range<usize>, out: &mut dyn FieldSink<'a>) {
        let Some(h) = self.headers else {
            return;
        };
        match f {
            Field::HeaderCount => out.value(Value::UInt(h.entries().len() as u64), r),
            Field::HeaderLength => {
                // tshark counts each header's name and value and their two
                // 4-byte lengths (nghttp2's form), size updates as nothing.
                let n: usize = h.iter().map(|(_, n, v)| n.len() + v.len() + 8).sum();
                out.value(Value::UInt(n as u64), r)
            }
            Field::FullUri => {
                if let Some(u) = h.full_uri() {
                    out.value(Value::Str(u), r)
                }
            }
            Field::TableSizeUpdate | Field::TableSize => {
                for e in h.entries().iter().filter(|e| e.repr == Repr::SizeUpdate) {
                    let v = if f == Field::TableSize {
                        Value::UInt(e.index.into())
                    } else {
                        Value::Present
                    };
                    out.value(v, r.clone())
                }
            }
            _ => {
                let named = NAMED.iter().find(|(_, nf)| *nf == f).map(|(n, _)| *n);
                for (e, name, value) in h.iter() {
                    let v = match f {
                        Field::Header => Value::Present,
                        Field::HeaderNameLength => Value::UInt(name.len() as u64),
                        Field::HeaderName => Value::Str(name),
                        Field::HeaderValueLength => Value::UInt(value.len() as u64),
                        Field::HeaderValue => Value::Str(value),
                        Field::HeaderRepr => Value::Static(e.repr.text()),
                        Field::HeaderIndex if e.repr.has_index() => Value::UInt(e.index.into()),
                        Field::Status | Field::ContentLength if named == Some(name) => {
                            match parse_dec(value) {
                                Some(n) => Value::UInt(n),
                                None => continue,
                            }
                        }
                        _ if named.is_some() && named == Some(name) => Value::Str(value),
                        _ => continue,
                    };
                    out.value(v, r.clone())
                }
            }
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("HyperText Transfer Protocol 2");
    }

    /// tshark's Info text for this frame: `Magic`, `SETTINGS[0]`,
    /// `HEADERS[1]: GET /`, `HEADERS[1]: 200 OK`.
    pub fn summary(&self, out: &mut String) {
        if self.magic {
            return out.push_str("Magic");
        }
        out.push_str(type_name(self.frame_type()));
        out.push('[');
        let _ = write!(out, "{}", self.stream_id());
        out.push(']');
        if self.frame_type() != frame_type::HEADERS {
            return;
        }
        if let Some(m) = self.header(b":method") {
            out.push_str(": ");
            crate::field::write_escaped(out, m);
            if let Some(p) = self.header(b":path") {
                out.push(' ');
                crate::field::write_escaped(out, p);
            }
        } else if let Some(s) = self.status() {
            out.push_str(": ");
            let _ = write!(out, "{s} ");
            out.push_str(crate::http::status_text(s));
        }
    }
}

/// A field under a bit mask as tshark prints it: the masked bits shifted
/// down to bit 0 (`http2.flags.unused_settings` of flags 0x12 is 0x09).
fn masked(v: u64, mask: u64) -> u64 {
    (v & mask) >> mask.trailing_zeros()
}

/// A decimal number made of ASCII digits only (at most 19 of them).
fn parse_dec(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0u64, |n, &d| n * 10 + u64::from(d - b'0')))
}

#[cfg(test)]
mod tests;
