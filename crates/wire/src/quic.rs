//! QUIC (RFC 9000, RFC 9369 v2, IETF drafts, mvfst) packet headers as seen
//! without keys: the long header (Initial, 0-RTT, Handshake, Retry), Version
//! Negotiation and the short header, with the packet number still under
//! header protection. One UDP datagram may hold several packets (coalesced):
//! each long-header packet's Length says where the next starts. tshark shows
//! each packet as its own `quic` tree; this view covers the whole datagram and
//! emits each packet's fields in order.
//!
//! A short header's Destination Connection ID has a length only the
//! connection knows, so it is not shown (tshark shows it only once it has
//! seen the handshake).

use crate::bytes::{be32, clamp, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::fmt::Write as _;
use std::ops::Range;

/// Versions with names.
pub mod version {
    pub const NEGOTIATION: u32 = 0;
    pub const V1: u32 = 0x0000_0001;
    pub const V2: u32 = 0x6b33_43cf;
    /// `0xff0000xx`: IETF draft xx.
    pub const DRAFT_PREFIX: u32 = 0xff00_0000;
    /// `0xfaceb00x`: Facebook's mvfst.
    pub const MVFST_PREFIX: u32 = 0xface_b000;
}

/// Largest connection ID in QUIC v1 (Version Negotiation allows 255).
pub const MAX_CID_LEN: usize = 20;

field_table! {
    PacketLength: "quic.packet_length", "Packet Length", Kind::Dec;
    HeaderForm: "quic.header_form", "Header Form", Kind::Dec;
    FixedBit: "quic.fixed_bit", "Fixed Bit", Kind::Bool;
    LongPacketType: "quic.long.packet_type", "Packet Type", Kind::Dec;
    LongPacketTypeV2: "quic.long.packet_type_v2", "Packet Type", Kind::Dec;
    VnUnused: "quic.vn.unused", "Unused", Kind::Hex(2);
    Version: "quic.version", "Version", Kind::Hex(8);
    Dcil: "quic.dcil", "Destination Connection ID Length", Kind::Dec;
    Dcid: "quic.dcid", "Destination Connection ID", Kind::Bytes;
    Scil: "quic.scil", "Source Connection ID Length", Kind::Dec;
    Scid: "quic.scid", "Source Connection ID", Kind::Bytes;
    TokenLength: "quic.token_length", "Token Length", Kind::Dec;
    Token: "quic.token", "Token", Kind::Bytes;
    Length: "quic.length", "Length", Kind::Dec;
    RetryToken: "quic.retry_token", "Retry Token", Kind::Bytes;
    RetryIntegrityTag: "quic.retry_integrity_tag", "Retry Integrity Tag", Kind::Bytes;
    SupportedVersion: "quic.supported_version", "Supported Version", Kind::Hex(8);
    Short: "quic.short", "QUIC Short Header", Kind::None;
    SpinBit: "quic.spin_bit", "Spin Bit", Kind::Bool;
    RemainingPayload: "quic.remaining_payload", "Remaining Payload", Kind::Bytes;
    PacketNumber: "quic.packet_number", "Packet Number", Kind::Dec;
    FrameType: "quic.frame_type", "Frame Type", Kind::Dec;
    PaddingLength: "quic.padding_length", "Padding Length", Kind::Dec;
    AckLargest: "quic.ack.largest_acknowledged", "Largest Acknowledged", Kind::Dec;
    CryptoOffset: "quic.crypto.offset", "Offset", Kind::Dec;
    CryptoLength: "quic.crypto.length", "Length", Kind::Dec;
}

/// A long header packet's type (named the v1 way whatever the version).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PacketType {
    Initial,
    ZeroRtt,
    Handshake,
    Retry,
}

impl PacketType {
    /// From the two type bits of the first byte, per version (v2 rotates them).
    pub fn from_bits(bits: u8, version: u32) -> PacketType {
        let b = if version == version::V2 {
            // v2: Retry 0, Initial 1, 0-RTT 2, Handshake 3.
            (bits & 3).wrapping_add(3) & 3
        } else {
            bits & 3
        };
        match b {
            0 => PacketType::Initial,
            1 => PacketType::ZeroRtt,
            2 => PacketType::Handshake,
            _ => PacketType::Retry,
        }
    }

    /// The two bits in the first byte for `version`.
    pub fn bits(self, version: u32) -> u8 {
        let b = match self {
            PacketType::Initial => 0,
            PacketType::ZeroRtt => 1,
            PacketType::Handshake => 2,
            PacketType::Retry => 3,
        };
        if version == version::V2 {
            (b + 1) & 3
        } else {
            b
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            PacketType::Initial => "Initial",
            PacketType::ZeroRtt => "0-RTT",
            PacketType::Handshake => "Handshake",
            PacketType::Retry => "Retry",
        }
    }
}

/// What kind of packet a [`Packet`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Long(PacketType),
    VersionNegotiation,
    Short,
}

/// One packet of a datagram: offsets into the datagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    pub form: Form,
    /// Where the packet starts and ends in the datagram (end clamped to the bytes).
    pub start: usize,
    pub end: usize,
    pub version: u32,
    /// Connection IDs (empty ranges for a short header).
    pub dcid: Range<usize>,
    pub scid: Range<usize>,
    /// Initial: the token length field and the token.
    pub token_len_field: Range<usize>,
    pub token: Range<usize>,
    /// Initial/0-RTT/Handshake: the Length field and its value.
    pub length_field: Range<usize>,
    pub length: u64,
    /// Where the (protected) packet number starts; for Retry the token; for
    /// Version Negotiation the version list.
    pub pn_offset: usize,
}

/// A QUIC variable-length integer at `off`: (value, its size).
pub fn varint(b: &[u8], off: usize) -> Option<(u64, usize)> {
    let first = u8_at(b, off)?;
    let len = 1usize << (first >> 6);
    let s = b.get(off..off.checked_add(len)?)?;
    let mut v = u64::from(first & 0x3f);
    for &x in s.get(1..)? {
        v = (v << 8) | u64::from(x);
    }
    Some((v, len))
}

/// Append `v` as a QUIC varint (smallest encoding; values ≥ 2^62 are cut).
pub fn emit_varint(v: u64, buf: &mut Vec<u8>) {
    if v < 1 << 6 {
        buf.push(v as u8);
    } else if v < 1 << 14 {
        buf.extend_from_slice(&((v as u16) | 0x4000).to_be_bytes());
    } else if v < 1 << 30 {
        buf.extend_from_slice(&((v as u32) | 0x8000_0000).to_be_bytes());
    } else {
        buf.extend_from_slice(&((v & 0x3fff_ffff_ffff_ffff) | 0xc000_0000_0000_0000).to_be_bytes());
    }
}

/// Whether tshark 4.0 hands this version to its gQUIC dissector (Q046+, T0xx).
fn is_gquic_version(v: u32) -> bool {
    let [a, b, _, _] = v.to_be_bytes();
    (a == b'Q' || a == b'T') && b.is_ascii_digit()
}

/// A version we know how to read.
pub fn is_known_version(v: u32) -> bool {
    v == version::V1
        || v == version::V2
        || v & 0xffff_ff00 == version::DRAFT_PREFIX
        || v & 0xffff_fff0 == version::MVFST_PREFIX
        // Version negotiation grease (0x?a?a?a?a) is not known; other
        // well-known experiments:
        || v == 0x709a_50c4 // quic v2 draft
}

/// Read the packet starting at `start` of `d`. `first_dcid` is the first
/// packet's DCID (None for the first packet): a coalesced packet must carry
/// the same, as tshark checks.
fn read_packet(d: &[u8], start: usize, first_dcid: Option<&[u8]>) -> Option<Packet> {
    let first = u8_at(d, start)?;
    let rest = d.len();
    if first & 0x80 == 0 {
        if first & 0x40 == 0 {
            return None;
        }
        if let Some(fd) = first_dcid {
            if clamp(d, start.checked_add(1)?, fd.len()) != fd {
                return None;
            }
        }
        return Some(Packet {
            form: Form::Short,
            start,
            end: rest,
            version: 0,
            dcid: 0..0,
            scid: 0..0,
            token_len_field: 0..0,
            token: 0..0,
            length_field: 0..0,
            length: 0,
            pn_offset: start + 1,
        });
    }
    let version = be32(d, start + 1)?;
    let dcil = usize::from(u8_at(d, start + 5)?);
    let dcid = start + 6..start + 6 + dcil;
    let scil = usize::from(u8_at(d, dcid.end)?);
    let scid = dcid.end + 1..dcid.end + 1 + scil;
    if scid.end > rest {
        return None;
    }
    if let Some(fd) = first_dcid {
        if d.get(dcid.clone())? != fd {
            return None;
        }
    }
    let mut p = Packet {
        form: Form::VersionNegotiation,
        start,
        end: rest,
        version,
        dcid,
        scid: scid.clone(),
        token_len_field: 0..0,
        token: 0..0,
        length_field: 0..0,
        length: 0,
        pn_offset: scid.end,
    };
    if version == version::NEGOTIATION {
        return Some(p);
    }
    if dcil > MAX_CID_LEN || scil > MAX_CID_LEN {
        return None;
    }
    let ty = PacketType::from_bits(first >> 4, version);
    p.form = Form::Long(ty);
    let mut at = scid.end;
    match ty {
        PacketType::Retry => return Some(p),
        PacketType::Initial => {
            let (tl, n) = varint(d, at)?;
            p.token_len_field = at..at + n;
            let t0 = at + n;
            let tl = usize::try_from(tl).ok()?;
            let t1 = t0.checked_add(tl)?;
            if t1 > rest {
                return None;
            }
            p.token = t0..t1;
            at = t1;
        }
        _ => {}
    }
    let (len, n) = varint(d, at)?;
    p.length_field = at..at + n;
    p.length = len;
    p.pn_offset = at + n;
    p.end = usize::try_from(len)
        .ok()
        .and_then(|l| p.pn_offset.checked_add(l))
        .map_or(rest, |e| e.min(rest));
    Some(p)
}

/// The packets of a datagram, in order.
#[derive(Clone, Debug)]
pub struct Packets<'a> {
    d: &'a [u8],
    at: usize,
    first_dcid: Option<&'a [u8]>,
    done: bool,
}

impl<'a> Iterator for Packets<'a> {
    type Item = Packet;
    fn next(&mut self) -> Option<Packet> {
        if self.done || self.at >= self.d.len() {
            return None;
        }
        let p = match read_packet(self.d, self.at, self.first_dcid) {
            Some(p) if p.end > self.at => p,
            _ => {
                self.done = true;
                return None;
            }
        };
        if self.first_dcid.is_none() {
            self.first_dcid = Some(match p.form {
                Form::Short => &[],
                _ => self.d.get(p.dcid.clone()).unwrap_or(&[]),
            });
        }
        if !matches!(p.form, Form::Long(t) if t != PacketType::Retry) {
            self.done = true;
        }
        self.at = p.end;
        Some(p)
    }
}

/// A frame of an Initial packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A run of PADDING bytes.
    Padding(usize),
    Ping,
    Ack {
        largest: u64,
    },
    Crypto {
        offset: u64,
        data: &'a [u8],
    },
    ConnectionClose {
        error: u64,
    },
}

impl Frame<'_> {
    /// The frame's name in tshark's Info column.
    pub fn short_name(&self) -> &'static str {
        match self {
            Frame::Padding(_) => "PADDING",
            Frame::Ping => "PING",
            Frame::Ack { .. } => "ACK",
            Frame::Crypto { .. } => "CRYPTO",
            Frame::ConnectionClose { .. } => "CC",
        }
    }
}

/// The frames of a decrypted payload with where each starts and its type,
/// in order, until one that cannot be read (or one not allowed in Initial
/// packets). Each step consumes at least a byte.
pub fn frames_at(plain: &[u8]) -> impl Iterator<Item = (usize, u64, Frame<'_>)> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let (ty, n) = varint(plain, at)?;
        let mut p = at.checked_add(n)?;
        let v = |p: &mut usize| -> Option<u64> {
            let (x, n) = varint(plain, *p)?;
            *p = p.checked_add(n)?;
            Some(x)
        };
        let f = match ty {
            0x00 => {
                let run = plain.get(at..)?.iter().take_while(|&&b| b == 0).count();
                p = at.checked_add(run)?;
                Frame::Padding(run)
            }
            0x01 => Frame::Ping,
            0x02 | 0x03 => {
                let largest = v(&mut p)?;
                let _delay = v(&mut p)?;
                let count = v(&mut p)?;
                let _first = v(&mut p)?;
                // Each range takes two bytes at least: bounded by the bytes.
                let mut i = 0u64;
                while i < count {
                    v(&mut p)?;
                    v(&mut p)?;
                    i += 1;
                }
                if ty == 0x03 {
                    for _ in 0..3 {
                        v(&mut p)?;
                    }
                }
                Frame::Ack { largest }
            }
            0x06 => {
                let offset = v(&mut p)?;
                let len = usize::try_from(v(&mut p)?).ok()?;
                let end = p.checked_add(len)?;
                let data = plain.get(p..end)?;
                p = end;
                Frame::Crypto { offset, data }
            }
            0x1c | 0x1d => {
                let error = v(&mut p)?;
                if ty == 0x1c {
                    v(&mut p)?;
                }
                let len = usize::try_from(v(&mut p)?).ok()?;
                p = p.checked_add(len).filter(|&e| e <= plain.len())?;
                Frame::ConnectionClose { error }
            }
            _ => return None,
        };
        let start = at;
        at = p;
        Some((start, ty, f))
    })
}

/// The frames of a decrypted payload, in order (see [`frames_at`]).
pub fn frames(plain: &[u8]) -> impl Iterator<Item = Frame<'_>> {
    frames_at(plain).map(|(_, _, f)| f)
}

/// Size of the header of each record in the buffer of decrypted packets a
/// view is given ([`QuicView::with_opened`]): the packet's offset in the
/// datagram (4 bytes), its packet number (8), the plaintext length (4), all
/// big-endian; the plaintext follows.
pub const OPENED_HEADER_LEN: usize = 16;

/// The header of a record of decrypted packets (see [`OPENED_HEADER_LEN`]).
pub fn opened_header(packet_start: u32, packet_number: u64, plain_len: u32) -> [u8; 16] {
    let mut h = [0u8; OPENED_HEADER_LEN];
    h[..4].copy_from_slice(&packet_start.to_be_bytes());
    h[4..12].copy_from_slice(&packet_number.to_be_bytes());
    h[12..].copy_from_slice(&plain_len.to_be_bytes());
    h
}

/// The decrypted packet of the datagram starting at `start`: its packet
/// number and plaintext.
fn opened_at(opened: &[u8], start: usize) -> Option<(u64, &[u8])> {
    let mut at = 0usize;
    while at < opened.len() {
        let s = usize::try_from(be32(opened, at)?).ok()?;
        let pn = (u64::from(be32(opened, at + 4)?) << 32) | u64::from(be32(opened, at + 8)?);
        let len = usize::try_from(be32(opened, at + 12)?).ok()?;
        let body = at.checked_add(OPENED_HEADER_LEN)?;
        let end = body.checked_add(len)?;
        if s == start {
            return Some((pn, opened.get(body..end)?));
        }
        at = end;
    }
    None
}

/// A view over one UDP datagram of QUIC packets.
#[derive(Clone, Copy, Debug)]
pub struct QuicView<'a> {
    bytes: &'a [u8],
    first: u8,
    /// Decrypted packets (records, see [`OPENED_HEADER_LEN`]).
    opened: &'a [u8],
}

impl<'a> QuicView<'a> {
    /// A view over a datagram whose first packet reads as QUIC: a long header
    /// with a known version (or the fixed bit set, connection IDs of at most
    /// 20 bytes and a Length within reason), Version Negotiation, or a short
    /// header (fixed bit set, at least a few bytes).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, 1)?;
        let first = u8_at(bytes, 0).unwrap_or(0);
        if first & 0x80 == 0 {
            if first & 0x40 == 0 {
                return Err(Error::Malformed("QUIC fixed bit clear"));
            }
            // 1 byte + packet number + AEAD tag at least.
            need(bytes, 1 + 1 + 16)?;
            return Ok(QuicView {
                bytes,
                first,
                opened: &[],
            });
        }
        need(bytes, 7)?;
        let v = be32(bytes, 1).unwrap_or(0);
        if is_gquic_version(v) {
            return Err(Error::Malformed("gQUIC version"));
        }
        if v != version::NEGOTIATION && !is_known_version(v) && first & 0x40 == 0 {
            return Err(Error::Malformed("unknown QUIC version, fixed bit clear"));
        }
        let p = read_packet(bytes, 0, None).ok_or(Error::Malformed("QUIC long header"))?;
        if let Form::Long(t) = p.form {
            if t != PacketType::Retry {
                // The Length must cover at least a packet number and tag,
                // and not run absurdly past the datagram.
                let room = bytes.len().saturating_sub(p.pn_offset) as u64;
                if p.length < 1 + 16 || p.length > room.saturating_add(64 * 1024) {
                    return Err(Error::Malformed("QUIC Length implausible"));
                }
            }
        } else if p.dcid.len() > 255 || (bytes.len() - p.scid.end) % 4 != 0 {
            return Err(Error::Malformed("QUIC version negotiation"));
        }
        Ok(QuicView {
            bytes,
            first,
            opened: &[],
        })
    }

    /// The same view with the plaintext of the packets that could be
    /// decrypted (records written with [`opened_header`] then the
    /// plaintext): their packet numbers and frames are shown.
    pub fn with_opened(mut self, opened: &'a [u8]) -> Self {
        self.opened = opened;
        self
    }

    /// The packet number and frames of the packet starting at `p.start`,
    /// when it was decrypted.
    pub fn opened(&self, p: &Packet) -> Option<(u64, &'a [u8])> {
        opened_at(self.opened, p.start)
    }

    /// The datagram's packets (coalesced ones after the first, as long as
    /// they carry the first one's DCID).
    pub fn packets(&self) -> Packets<'a> {
        Packets {
            d: self.bytes,
            at: 0,
            first_dcid: None,
            done: false,
        }
    }

    /// The first packet (always there once `new` succeeded).
    pub fn first_packet(&self) -> Option<Packet> {
        self.packets().next()
    }

    pub fn is_long(&self) -> bool {
        self.first & 0x80 != 0
    }

    /// The first packet's version (0 for a short header and for Version Negotiation).
    pub fn version(&self) -> u32 {
        self.first_packet().map_or(0, |p| p.version)
    }

    /// The first packet's DCID (empty for a short header).
    pub fn dcid(&self) -> &'a [u8] {
        self.first_packet()
            .and_then(|p| self.bytes.get(p.dcid))
            .unwrap_or(&[])
    }

    pub fn scid(&self) -> &'a [u8] {
        self.first_packet()
            .and_then(|p| self.bytes.get(p.scid))
            .unwrap_or(&[])
    }

    /// The whole datagram.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// A slice of the datagram.
    pub fn slice(&self, r: Range<usize>) -> &'a [u8] {
        self.bytes.get(r).unwrap_or(&[])
    }

    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    /// Nothing is carried above QUIC without keys.
    pub fn payload(&self) -> &'a [u8] {
        &[]
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        let mut last_end = 0;
        for p in self.packets() {
            last_end = p.end;
            let first = u8_at(b, p.start).unwrap_or(0);
            let r0 = p.start..p.start + 1;
            let ver = p.start + 1..p.start + 5;
            let is_long = p.form != Form::Short;
            let is_vn = p.form == Form::VersionNegotiation;
            match f {
                Field::PacketLength => {
                    out.value(Value::UInt((p.end - p.start) as u64), p.start..p.end)
                }
                Field::HeaderForm => out.value(Value::UInt(u64::from(first >> 7)), r0),
                Field::FixedBit if !is_vn => out.value(Value::Bool(first & 0x40 != 0), r0),
                Field::LongPacketType if is_long && !is_vn && p.version != version::V2 => {
                    out.value(Value::UInt(u64::from((first >> 4) & 3)), r0)
                }
                Field::LongPacketTypeV2 if !is_vn && p.version == version::V2 => {
                    out.value(Value::UInt(u64::from((first >> 4) & 3)), r0)
                }
                Field::VnUnused if is_vn => out.value(Value::UInt(u64::from(first & 0x7f)), r0),
                Field::Version if is_long => out.value(Value::UInt(u64::from(p.version)), ver),
                Field::Dcil if is_long => {
                    out.value(Value::UInt(p.dcid.len() as u64), p.start + 5..p.start + 6)
                }
                Field::Dcid if is_long && !p.dcid.is_empty() => {
                    out.value(Value::Bytes(self.slice(p.dcid.clone())), p.dcid.clone())
                }
                Field::Scil if is_long => {
                    out.value(Value::UInt(p.scid.len() as u64), p.dcid.end..p.scid.start)
                }
                Field::Scid if is_long && !p.scid.is_empty() => {
                    out.value(Value::Bytes(self.slice(p.scid.clone())), p.scid.clone())
                }
                Field::TokenLength if p.form == Form::Long(PacketType::Initial) => {
                    out.value(Value::UInt(p.token.len() as u64), p.token_len_field.clone())
                }
                Field::Token
                    if p.form == Form::Long(PacketType::Initial) && !p.token.is_empty() =>
                {
                    out.value(Value::Bytes(self.slice(p.token.clone())), p.token.clone())
                }
                Field::Length if !p.length_field.is_empty() => {
                    out.value(Value::UInt(p.length), p.length_field.clone())
                }
                Field::RetryToken | Field::RetryIntegrityTag
                    if p.form == Form::Long(PacketType::Retry) =>
                {
                    let tag = p.end.saturating_sub(16).max(p.pn_offset);
                    let r = if f == Field::RetryToken {
                        p.pn_offset..tag
                    } else {
                        tag..p.end
                    };
                    if !r.is_empty() {
                        out.value(Value::Bytes(self.slice(r.clone())), r)
                    }
                }
                Field::SupportedVersion if is_vn => {
                    let mut at = p.pn_offset;
                    while let Some(v) = be32(b, at) {
                        out.value(Value::UInt(u64::from(v)), at..at + 4);
                        at += 4;
                    }
                }
                Field::PacketNumber
                | Field::FrameType
                | Field::PaddingLength
                | Field::AckLargest
                | Field::CryptoOffset
                | Field::CryptoLength => self.opened_field(&p, f, out),
                Field::Short if !is_long => out.value(Value::Present, p.start..p.end),
                Field::SpinBit if !is_long => out.value(Value::Bool(first & 0x20 != 0), r0),
                _ => {}
            }
        }
        if f == Field::RemainingPayload && last_end < b.len() {
            out.value(Value::Bytes(tail(b, last_end)), last_end..b.len());
        }
    }

    /// Fields of a decrypted packet. The plaintext is not in the frame:
    /// each value is given the range of the protected payload.
    fn opened_field(&self, p: &Packet, f: Field, out: &mut dyn FieldSink<'a>) {
        let Some((pn, plain)) = self.opened(p) else {
            return;
        };
        let r = p.pn_offset..p.end;
        if f == Field::PacketNumber {
            return out.value(Value::UInt(pn), r);
        }
        for (_, ty, fr) in frames_at(plain) {
            let v = match (f, fr) {
                (Field::FrameType, _) => ty,
                (Field::PaddingLength, Frame::Padding(n)) => n as u64,
                (Field::AckLargest, Frame::Ack { largest }) => largest,
                (Field::CryptoOffset, Frame::Crypto { offset, .. }) => offset,
                (Field::CryptoLength, Frame::Crypto { data, .. }) => data.len() as u64,
                _ => continue,
            };
            out.value(Value::UInt(v), r.clone());
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("QUIC IETF");
    }

    /// tshark's Info text: `Initial, DCID=…, SCID=…`, then for a decrypted
    /// packet `, PKN: n` and its frames (`, CRYPTO, PADDING`); `Version
    /// Negotiation`, `Protected Payload (KP0)`. Of coalesced packets tshark
    /// shows the last one's.
    pub fn summary(&self, out: &mut String) {
        let start = out.len();
        for p in self.packets() {
            out.truncate(start);
            match p.form {
                Form::Short => {
                    let kp = u8_at(self.bytes, p.start).unwrap_or(0) & 4 != 0;
                    let _ = write!(out, "Protected Payload (KP{})", u8::from(kp));
                }
                Form::VersionNegotiation => out.push_str("Version Negotiation"),
                Form::Long(t) => {
                    out.push_str(t.name());
                    if !p.dcid.is_empty() {
                        out.push_str(", DCID=");
                        write_hex(out, self.slice(p.dcid.clone()));
                    }
                    if !p.scid.is_empty() {
                        out.push_str(", SCID=");
                        write_hex(out, self.slice(p.scid.clone()));
                    }
                    if let Some((pn, plain)) = self.opened(&p) {
                        let _ = write!(out, ", PKN: {pn}");
                        for f in frames(plain) {
                            out.push_str(", ");
                            out.push_str(f.short_name());
                        }
                    }
                }
            }
        }
    }
}

fn write_hex(out: &mut String, b: &[u8]) {
    for x in b {
        let _ = write!(out, "{x:02x}");
    }
}

/// The plain values of one long-header packet, for building datagrams.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuicRepr {
    pub packet_type: PacketType,
    pub version: u32,
    pub dcid: Vec<u8>,
    pub scid: Vec<u8>,
    /// Initial only.
    pub token: Vec<u8>,
    /// Everything after the Length field (packet number and payload, protected).
    pub body: Vec<u8>,
}

impl QuicRepr {
    /// The first packet of the view, when it is a long header one.
    pub fn parse(v: &QuicView) -> Option<Self> {
        let p = v.first_packet()?;
        let Form::Long(t) = p.form else { return None };
        Some(QuicRepr {
            packet_type: t,
            version: p.version,
            dcid: v.slice(p.dcid.clone()).to_vec(),
            scid: v.slice(p.scid.clone()).to_vec(),
            token: v.slice(p.token.clone()).to_vec(),
            body: v.slice(p.pn_offset..p.end).to_vec(),
        })
    }

    /// Append the packet (Length written from the body; Retry carries the
    /// body as token and tag).
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.push(0xc0 | (self.packet_type.bits(self.version) << 4));
        buf.extend_from_slice(&self.version.to_be_bytes());
        buf.push(self.dcid.len() as u8);
        buf.extend_from_slice(&self.dcid);
        buf.push(self.scid.len() as u8);
        buf.extend_from_slice(&self.scid);
        if self.packet_type == PacketType::Initial {
            emit_varint(self.token.len() as u64, buf);
            buf.extend_from_slice(&self.token);
        }
        if self.packet_type != PacketType::Retry {
            emit_varint(self.body.len() as u64, buf);
        }
        buf.extend_from_slice(&self.body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn collect(v: &QuicView, f: Field) -> Vec<String> {
        let mut got = Vec::new();
        v.field(f, &mut |val: Value, r: Range<usize>| {
            assert!(r.end <= v.bytes().len(), "{f:?} {r:?}");
            got.push(match val {
                Value::UInt(x) => x.to_string(),
                Value::Bool(b) => u8::from(b).to_string(),
                Value::Bytes(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
                Value::Present => "present".into(),
                other => format!("{other:?}"),
            })
        });
        got
    }

    /// ndpi__quic-mvfst-22.pcap frame 4: a Handshake packet (mvfst
    /// 0xfaceb001), first 40 of its 193 bytes, Length 176.
    const MVFST_HANDSHAKE_HEAD: [u8; 16] = [
        0xe0, 0xfa, 0xce, 0xb0, 0x01, 0x00, 0x08, 0x48, 0x63, 0x03, 0xce, 0x52, 0xf9, 0x2a, 0xd5,
        0x40,
    ];

    #[test]
    fn reads_a_handshake_header() {
        let mut d = MVFST_HANDSHAKE_HEAD.to_vec();
        d.extend_from_slice(&[0xb0]); // Length 0x40b0 = 176
        d.resize(193, 0x5a);
        let v = QuicView::new(&d).unwrap();
        assert_eq!(v.version(), 0xfaceb001);
        assert_eq!(collect(&v, Field::LongPacketType), ["2"]);
        assert_eq!(collect(&v, Field::Dcil), ["0"]);
        assert!(collect(&v, Field::Dcid).is_empty());
        assert_eq!(collect(&v, Field::Scid), ["486303ce52f92ad5"]);
        assert_eq!(collect(&v, Field::Length), ["176"]);
        assert_eq!(collect(&v, Field::PacketLength), ["193"]);
        assert!(collect(&v, Field::TokenLength).is_empty());
        let mut s = String::new();
        v.summary(&mut s);
        assert_eq!(s, "Handshake, SCID=486303ce52f92ad5");
    }

    #[test]
    fn coalesced_packets_are_each_read() {
        let a = QuicRepr {
            packet_type: PacketType::Initial,
            version: 1,
            dcid: vec![1, 2, 3, 4],
            scid: vec![9],
            token: vec![7, 7],
            body: vec![0; 40],
        };
        let b = QuicRepr {
            packet_type: PacketType::Handshake,
            body: vec![1; 30],
            token: vec![],
            ..a.clone()
        };
        let mut d = Vec::new();
        a.emit(&mut d);
        b.emit(&mut d);
        d.extend_from_slice(&[0; 5]); // padding: not a packet
        let v = QuicView::new(&d).unwrap();
        assert_eq!(v.packets().count(), 2);
        assert_eq!(collect(&v, Field::LongPacketType), ["0", "2"]);
        assert_eq!(collect(&v, Field::TokenLength), ["2"]);
        assert_eq!(collect(&v, Field::Length), ["40", "30"]);
        assert_eq!(collect(&v, Field::RemainingPayload), ["0000000000"]);
    }

    #[test]
    fn version_negotiation_and_short() {
        let mut d = vec![0x80, 0, 0, 0, 0, 2, 0xaa, 0xbb, 1, 0xcc];
        d.extend_from_slice(&[0xff, 0, 0, 0x1d, 0, 0, 0, 1]);
        let v = QuicView::new(&d).unwrap();
        assert_eq!(
            collect(&v, Field::SupportedVersion),
            [0xff00001du32.to_string(), "1".into()]
        );
        assert_eq!(collect(&v, Field::Version), ["0"]);
        assert!(collect(&v, Field::FixedBit).is_empty());
        let mut s = vec![0x41];
        s.resize(40, 0x33);
        let v = QuicView::new(&s).unwrap();
        assert_eq!(collect(&v, Field::Short), ["present"]);
        assert_eq!(collect(&v, Field::HeaderForm), ["0"]);
        assert_eq!(collect(&v, Field::PacketLength), ["40"]);
    }

    #[test]
    fn rejects_non_quic() {
        // gQUIC public flags, DNS, a long header with an unknown version and
        // the fixed bit clear, CIDs too long, Length implausible.
        assert!(QuicView::new(&[0x0c; 40]).is_err());
        assert!(QuicView::new(&[0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(QuicView::new(&[0x80, 1, 2, 3, 4, 0, 0, 0, 0, 0]).is_err());
        assert!(QuicView::new(&[0xc0, 0, 0, 0, 1, 21, 0, 0, 0, 0]).is_err());
        let mut d = vec![0xc0, 0, 0, 0, 1, 0, 0, 0, 0x01];
        d.resize(100, 0);
        assert!(QuicView::new(&d).is_err());
        assert!(QuicView::new(&[0xc3, b'Q', b'0', b'4', b'6', 8, 0, 0, 0, 0]).is_err());
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        let a = QuicRepr {
            packet_type: PacketType::Initial,
            version: 1,
            dcid: vec![1; 8],
            scid: vec![2; 8],
            token: vec![3; 20],
            body: vec![4; 60],
        };
        let mut d = Vec::new();
        a.emit(&mut d);
        for n in 0..d.len() {
            for lie in [0u8, 0xff] {
                let mut x = d[..n].to_vec();
                if n > 0 {
                    x[n - 1] = lie;
                }
                if let Ok(v) = QuicView::new(&x) {
                    for i in 0..FIELDS.len() {
                        if let Some(f) = Field::from_index(i) {
                            collect(&v, f);
                        }
                    }
                    v.summary(&mut String::new());
                }
            }
        }
    }

    proptest! {
        #[test]
        fn build_then_parse(ty in 0u8..4, v2: bool, dcid in proptest::collection::vec(any::<u8>(), 0..=20),
                            scid in proptest::collection::vec(any::<u8>(), 0..=20),
                            token in proptest::collection::vec(any::<u8>(), 0..40),
                            body in proptest::collection::vec(any::<u8>(), 17..300)) {
            let version = if v2 { version::V2 } else { version::V1 };
            let packet_type = PacketType::from_bits(ty, 1);
            let r = QuicRepr {
                packet_type, version, dcid, scid,
                token: if packet_type == PacketType::Initial { token } else { vec![] },
                body,
            };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let v = QuicView::new(&buf).unwrap();
            prop_assert_eq!(QuicRepr::parse(&v).unwrap(), r);
        }

        #[test]
        fn varints_round_trip(x in 0u64..(1 << 62)) {
            let mut b = Vec::new();
            emit_varint(x, &mut b);
            prop_assert_eq!(varint(&b, 0), Some((x, b.len())));
        }

        #[test]
        fn any_bytes_are_safe(d in proptest::collection::vec(any::<u8>(), 0..200)) {
            if let Ok(v) = QuicView::new(&d) {
                for i in 0..FIELDS.len() {
                    if let Some(f) = Field::from_index(i) { collect(&v, f); }
                }
            }
        }
    }
}
