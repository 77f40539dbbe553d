//! WebSocket frames (RFC 6455), one whole frame per view.
//!
//! A frame is two bytes (FIN, RSV1-3, opcode; MASK, 7-bit length), an
//! extended length of 16 or 64 bits when the 7-bit length says 126 or 127,
//! a 4-byte masking key when MASK is set, and the payload. A stream becomes
//! WebSocket after an HTTP `101 Switching Protocols` (the engine's
//! `app::upgrade`); nothing detects it by content, so [`looks_like`] is
//! false.
//!
//! The view never allocates: masked payloads are read through
//! [`WebsocketView::unmasked`] (an iterator) or copied out by
//! [`WebsocketView::unmask_into`]. Fields that are the payload's text or
//! bytes (`websocket.payload.text`, `.ping`, `.pong`, `.close.reason`, …)
//! borrow packet bytes, so they are given for unmasked frames only (server
//! to client); numbers read from a masked payload (the close status code)
//! are unmasked on the fly.
//!
//! [`accept_for`] computes the `Sec-WebSocket-Accept` answer to a
//! `Sec-WebSocket-Key` (SHA-1 and base64, both small and local here), and
//! [`accept_ok`] checks a handshake's pair.

use crate::bytes::{array, be16, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::stream::Pdu;
use std::ops::Range;

/// A frame longer than this (header included) is malformed: [`pdu_len`]
/// says `NotMine` rather than wait for it.
pub const MAX_FRAME: usize = 16 << 20;

/// Frame opcodes.
pub mod opcode {
    pub const CONTINUATION: u8 = 0;
    pub const TEXT: u8 = 1;
    pub const BINARY: u8 = 2;
    pub const CLOSE: u8 = 8;
    pub const PING: u8 = 9;
    pub const PONG: u8 = 10;
}

field_table! {
    Fin: "websocket.fin", "Fin", Kind::Bool;
    Rsv: "websocket.rsv", "Reserved", Kind::Hex(2);
    Opcode: "websocket.opcode", "Opcode", Kind::Dec;
    Mask: "websocket.mask", "Mask", Kind::Bool;
    PayloadLength: "websocket.payload_length", "Payload length", Kind::Dec;
    PayloadLengthExt16: "websocket.payload_length_ext_16", "Extended Payload length (16 bits)", Kind::Dec;
    PayloadLengthExt64: "websocket.payload_length_ext_64", "Extended Payload length (64 bits)", Kind::Dec;
    MaskingKey: "websocket.masking_key", "Masking-Key", Kind::Bytes;
    Payload: "websocket.payload", "Payload", Kind::None;
    MaskedPayload: "websocket.masked_payload", "Masked payload", Kind::None;
    PayloadContinue: "websocket.payload.continue", "Continue", Kind::Bytes;
    PayloadText: "websocket.payload.text", "Text", Kind::Str;
    PayloadClose: "websocket.payload.close", "Close", Kind::None;
    CloseStatusCode: "websocket.payload.close.status_code", "Status code", Kind::Dec;
    CloseReason: "websocket.payload.close.reason", "Reason", Kind::Str;
    PayloadPing: "websocket.payload.ping", "Ping", Kind::Bytes;
    PayloadPong: "websocket.payload.pong", "Pong", Kind::Bytes;
    PayloadUnknown: "websocket.payload.unknown", "Unknown", Kind::Bytes;
}

/// The frame header's shape from its first bytes: (header length, payload
/// length as written). `Err(None)`: more bytes needed (`Need` total given
/// by the header length known so far); `Err(Some(e))`: malformed.
fn header(b: &[u8]) -> Result<(usize, u64), Option<usize>> {
    let (Some(_), Some(b1)) = (u8_at(b, 0), u8_at(b, 1)) else {
        return Err(Some(2));
    };
    let (ext, len) = match b1 & 0x7f {
        126 => (2, be16(b, 2).map(u64::from)),
        127 => (8, array::<8>(b, 2).map(u64::from_be_bytes)),
        n => (0, Some(u64::from(n))),
    };
    let hdr = 2 + ext + if b1 & 0x80 != 0 { 4 } else { 0 };
    match len {
        Some(l) if hdr <= b.len() => Ok((hdr, l)),
        _ => Err(Some(hdr)),
    }
}

/// A view over one WebSocket frame.
#[derive(Clone, Copy, Debug)]
pub struct WebsocketView<'a> {
    bytes: &'a [u8],
    hdr: usize,
    len: u64,
}

impl<'a> WebsocketView<'a> {
    /// A view over `bytes`, which must hold the whole frame header (the
    /// payload may be cut short: what is here is shown).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        match header(bytes) {
            Ok((hdr, len)) => {
                if len > MAX_FRAME as u64 {
                    return Err(Error::Malformed("WebSocket payload length over 16 MiB"));
                }
                Ok(WebsocketView { bytes, hdr, len })
            }
            Err(n) => {
                need(bytes, n.unwrap_or(2))?;
                Err(Error::Malformed("WebSocket frame header"))
            }
        }
    }

    fn b0(&self) -> u8 {
        u8_at(self.bytes, 0).unwrap_or(0)
    }

    fn b1(&self) -> u8 {
        u8_at(self.bytes, 1).unwrap_or(0)
    }

    pub fn fin(&self) -> bool {
        self.b0() & 0x80 != 0
    }

    /// RSV1-3 as a 3-bit number (tshark's `websocket.rsv`).
    pub fn rsv(&self) -> u8 {
        (self.b0() >> 4) & 7
    }

    pub fn opcode(&self) -> u8 {
        self.b0() & 0x0f
    }

    pub fn masked(&self) -> bool {
        self.b1() & 0x80 != 0
    }

    /// Is this a control frame (close, ping, pong, reserved 11-15)?
    pub fn is_control(&self) -> bool {
        self.opcode() & 8 != 0
    }

    /// A fragment of a message that continues in later frames, or a
    /// continuation frame.
    pub fn is_fragment(&self) -> bool {
        !self.fin() || self.opcode() == opcode::CONTINUATION
    }

    /// The payload length as written (7-bit, 16-bit or 64-bit form).
    pub fn payload_len(&self) -> u64 {
        self.len
    }

    pub fn masking_key(&self) -> Option<[u8; 4]> {
        if self.masked() {
            array(self.bytes, self.hdr - 4)
        } else {
            None
        }
    }

    pub fn header_len(&self) -> usize {
        self.hdr
    }

    /// The payload as it is on the wire (masked when `masked()`), clamped
    /// to the bytes at hand.
    pub fn payload(&self) -> &'a [u8] {
        let end = self
            .hdr
            .saturating_add(usize::try_from(self.len).unwrap_or(usize::MAX))
            .min(self.bytes.len());
        self.bytes.get(self.hdr..end).unwrap_or(&[])
    }

    fn payload_range(&self) -> Range<usize> {
        self.hdr..self.hdr + self.payload().len()
    }

    /// Is the whole payload here?
    pub fn is_complete(&self) -> bool {
        self.payload().len() as u64 == self.len
    }

    /// The payload's bytes unmasked.
    pub fn unmasked(&self) -> impl Iterator<Item = u8> + 'a {
        let key = self.masking_key().unwrap_or([0; 4]);
        self.payload()
            .iter()
            .enumerate()
            .map(move |(i, &b)| b ^ key[i % 4])
    }

    /// The payload byte at `i`, unmasked.
    pub fn unmasked_at(&self, i: usize) -> Option<u8> {
        let k = self.masking_key().map_or(0, |k| k[i % 4]);
        self.payload().get(i).map(|b| b ^ k)
    }

    /// Append the unmasked payload to `out` (for callers that keep it).
    pub fn unmask_into(&self, out: &mut Vec<u8>) {
        out.extend(self.unmasked());
    }

    /// A close frame's status code (unmasked).
    pub fn close_code(&self) -> Option<u16> {
        if self.opcode() != opcode::CLOSE {
            return None;
        }
        let hi = self.unmasked_at(0)?;
        let lo = self.unmasked_at(1)?;
        Some(u16::from_be_bytes([hi, lo]))
    }

    /// A close frame's reason as sent (masked when `masked()`).
    pub fn close_reason_raw(&self) -> Option<&'a [u8]> {
        if self.opcode() != opcode::CLOSE {
            return None;
        }
        self.payload().get(2..)
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b0 = self.b0();
        let b1 = self.b1();
        let p = self.payload();
        let pr = self.payload_range();
        let plain = !self.masked();
        match f {
            Field::Fin => out.value(Value::Bool(b0 & 0x80 != 0), 0..1),
            Field::Rsv => out.value(Value::UInt(self.rsv().into()), 0..1),
            Field::Opcode => out.value(Value::UInt(self.opcode().into()), 0..1),
            Field::Mask => out.value(Value::Bool(self.masked()), 1..2),
            Field::PayloadLength => out.value(Value::UInt((b1 & 0x7f).into()), 1..2),
            Field::PayloadLengthExt16 => {
                if b1 & 0x7f == 126 {
                    out.value(Value::UInt(self.len), 2..4)
                }
            }
            Field::PayloadLengthExt64 => {
                if b1 & 0x7f == 127 {
                    out.value(Value::UInt(self.len), 2..10)
                }
            }
            Field::MaskingKey => {
                if self.masked() {
                    let r = self.hdr - 4..self.hdr;
                    if let Some(k) = self.bytes.get(r.clone()) {
                        out.value(Value::Bytes(k), r)
                    }
                }
            }
            Field::Payload => {
                if !p.is_empty() {
                    out.value(Value::Present, pr)
                }
            }
            Field::MaskedPayload => {
                if self.masked() && !p.is_empty() {
                    out.value(Value::Present, pr)
                }
            }
            Field::PayloadClose => {
                if self.opcode() == opcode::CLOSE && !p.is_empty() {
                    out.value(Value::Present, pr)
                }
            }
            Field::CloseStatusCode => {
                if let Some(c) = self.close_code() {
                    out.value(Value::UInt(c.into()), self.hdr..self.hdr + 2)
                }
            }
            Field::CloseReason => {
                if let (true, Some(r)) = (plain, self.close_reason_raw()) {
                    if !r.is_empty() {
                        out.value(Value::Str(r), self.hdr + 2..pr.end)
                    }
                }
            }
            Field::PayloadText
            | Field::PayloadContinue
            | Field::PayloadPing
            | Field::PayloadPong
            | Field::PayloadUnknown => {
                let own = match self.opcode() {
                    opcode::TEXT => Field::PayloadText,
                    opcode::BINARY | opcode::CLOSE => return,
                    opcode::CONTINUATION => Field::PayloadContinue,
                    opcode::PING => Field::PayloadPing,
                    opcode::PONG => Field::PayloadPong,
                    _ => Field::PayloadUnknown,
                };
                if own == f && plain && !p.is_empty() {
                    let v = if f == Field::PayloadText {
                        Value::Str(p)
                    } else {
                        Value::Bytes(p)
                    };
                    out.value(v, pr)
                }
            }
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("WebSocket");
    }

    /// tshark's Info column after "WebSocket " (`Text [FIN] [MASKED]`).
    pub fn summary(&self, out: &mut String) {
        out.push_str(opcode_name(self.opcode()));
        if self.fin() {
            out.push_str(" [FIN]");
        }
        if self.masked() {
            out.push_str(" [MASKED]");
        }
    }
}

/// tshark's names of the opcodes.
pub fn opcode_name(op: u8) -> &'static str {
    match op {
        opcode::CONTINUATION => "Continuation",
        opcode::TEXT => "Text",
        opcode::BINARY => "Binary",
        opcode::CLOSE => "Connection Close",
        opcode::PING => "Ping",
        opcode::PONG => "Pong",
        _ => "Unknown",
    }
}

/// How many bytes the frame at the start of `bytes` takes.
pub fn pdu_len(bytes: &[u8]) -> Pdu {
    match header(bytes) {
        Ok((hdr, len)) => {
            if len > MAX_FRAME as u64 || hdr as u64 + len > MAX_FRAME as u64 {
                return Pdu::NotMine;
            }
            let total = hdr + len as usize;
            if total > bytes.len() {
                Pdu::Need(total)
            } else {
                Pdu::Whole(total)
            }
        }
        Err(n) => Pdu::Need(n.unwrap_or(2)),
    }
}

/// WebSocket is never recognised by content (only after an HTTP upgrade).
pub fn looks_like(bytes: &[u8]) -> bool {
    let _ = bytes;
    false
}

/// The GUID RFC 6455 appends to the key.
const GUID: &[u8] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key` (the key as
/// sent, surrounding whitespace trimmed by the caller):
/// base64(SHA-1(key + GUID)).
pub fn accept_for(key: &[u8]) -> [u8; 28] {
    let mut h = Sha1::new();
    h.update(key);
    h.update(GUID);
    base64_20(&h.finish())
}

/// Does a handshake's `Sec-WebSocket-Accept` answer its key? (Both header
/// values as in the messages; surrounding spaces and tabs are ignored.)
pub fn accept_ok(key: &[u8], accept: &[u8]) -> bool {
    accept_for(trim(key)) == trim(accept)
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// SHA-1 (FIPS 180-4), enough for the handshake: streaming, no allocation.
struct Sha1 {
    h: [u32; 5],
    block: [u8; 64],
    fill: usize,
    total: u64,
}

impl Sha1 {
    fn new() -> Self {
        Sha1 {
            h: [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0],
            block: [0; 64],
            fill: 0,
            total: 0,
        }
    }

    fn update(&mut self, data: &[u8]) {
        for &b in data {
            self.block[self.fill] = b;
            self.fill += 1;
            self.total = self.total.wrapping_add(1);
            if self.fill == 64 {
                self.compress();
                self.fill = 0;
            }
        }
    }

    fn compress(&mut self) {
        let mut w = [0u32; 80];
        for (i, c) in self.block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = self.h;
        for (i, &wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5a827999),
                20..=39 => (b ^ c ^ d, 0x6ed9eba1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8f1bbcdc),
                _ => (b ^ c ^ d, 0xca62c1d6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (h, x) in self.h.iter_mut().zip([a, b, c, d, e]) {
            *h = h.wrapping_add(x);
        }
    }

    fn finish(mut self) -> [u8; 20] {
        let bits = self.total.wrapping_mul(8);
        self.update(&[0x80]);
        while self.fill != 56 {
            self.update(&[0]);
        }
        self.update(&bits.to_be_bytes());
        let mut out = [0u8; 20];
        for (o, h) in out.chunks_exact_mut(4).zip(self.h) {
            o.copy_from_slice(&h.to_be_bytes());
        }
        out
    }
}

/// Standard base64 (with padding) of 20 bytes: 28 characters.
fn base64_20(d: &[u8; 20]) -> [u8; 28] {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = [b'='; 28];
    for (i, c) in d.chunks(3).enumerate() {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(c.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(c.get(2).copied().unwrap_or(0));
        for j in 0..=c.len() {
            out[i * 4 + j] = A[((n >> (18 - 6 * j)) & 63) as usize];
        }
    }
    out
}

/// The plain values of a frame, for building frames (the payload
/// unmasked; `emit` masks it with `mask` when given and picks the shortest
/// length form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebsocketRepr {
    pub fin: bool,
    pub rsv: u8,
    pub opcode: u8,
    pub mask: Option<[u8; 4]>,
    pub payload: Vec<u8>,
}

impl WebsocketRepr {
    pub fn parse(v: &WebsocketView) -> Self {
        WebsocketRepr {
            fin: v.fin(),
            rsv: v.rsv(),
            opcode: v.opcode(),
            mask: v.masking_key(),
            payload: v.unmasked().collect(),
        }
    }

    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.push(u8::from(self.fin) << 7 | (self.rsv & 7) << 4 | (self.opcode & 0x0f));
        let m = if self.mask.is_some() { 0x80 } else { 0 };
        let n = self.payload.len();
        if n < 126 {
            buf.push(m | n as u8);
        } else if n <= 0xffff {
            buf.push(m | 126);
            buf.extend_from_slice(&(n as u16).to_be_bytes());
        } else {
            buf.push(m | 127);
            buf.extend_from_slice(&(n as u64).to_be_bytes());
        }
        let key = self.mask.unwrap_or([0; 4]);
        if let Some(k) = self.mask {
            buf.extend_from_slice(&k);
        }
        buf.extend(
            self.payload
                .iter()
                .zip(key.iter().cycle())
                .map(|(b, k)| b ^ k),
        );
    }
}

#[cfg(test)]
mod tests;
