//! SSH: the protocol version line (`SSH-2.0-OpenSSH_9.2`), the binary
//! packets of SSH 2 (RFC 4253) before encryption starts (KEXINIT and the key
//! exchange), SSH 1 packets, and what follows encrypted, read as tshark 4.0
//! shows them.
//!
//! tshark keeps the session's state (the version from the banners, when
//! NEWKEYS was sent); without it, a message is recognised by its shape:
//! - a line starting with `SSH-` is the version banner (up to its LF);
//! - an SSH 2 packet in the clear has a length with `length + 4` a multiple
//!   of 8, a padding of at least 4 bytes that fits, a message code after it;
//! - an SSH 1 packet has a length of at most 256 KiB and `8 - length % 8`
//!   bytes of padding before the type; its CRC-32 tells whether it is in
//!   the clear (the message code is then shown) or encrypted;
//! - anything else is encrypted data: the bytes at hand are one message
//!   (after NEWKEYS the packets cannot be framed without the keys).
//!
//! [`looks_like`] is stricter (a banner, a clear SSH 2 transport message,
//! or bytes that are exactly a chain of SSH 1 packets), since content
//! detection on any port relies on it.

use crate::bytes::{be32, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::stream::Pdu;
use crate::text;
use std::ops::Range;

field_table! {
    Protocol: "ssh.protocol", "Protocol", Kind::Str;
    PacketLength: "ssh.packet_length", "Packet Length", Kind::Dec;
    PacketLengthEncrypted: "ssh.packet_length_encrypted", "Packet Length (encrypted)", Kind::Bytes;
    PaddingLength: "ssh.padding_length", "Padding Length", Kind::Dec;
    MessageCode: "ssh.message_code", "Message Code", Kind::Dec;
    Cookie: "ssh.cookie", "Cookie", Kind::Bytes;
    KexAlgorithmsLength: "ssh.kex_algorithms_length", "kex_algorithms length", Kind::Dec;
    KexAlgorithms: "ssh.kex_algorithms", "kex_algorithms string", Kind::Str;
    ServerHostKeyAlgorithmsLength: "ssh.server_host_key_algorithms_length", "server_host_key_algorithms length", Kind::Dec;
    ServerHostKeyAlgorithms: "ssh.server_host_key_algorithms", "server_host_key_algorithms string", Kind::Str;
    EncryptionAlgorithmsClientToServerLength: "ssh.encryption_algorithms_client_to_server_length", "encryption_algorithms_client_to_server length", Kind::Dec;
    EncryptionAlgorithmsClientToServer: "ssh.encryption_algorithms_client_to_server", "encryption_algorithms_client_to_server string", Kind::Str;
    EncryptionAlgorithmsServerToClientLength: "ssh.encryption_algorithms_server_to_client_length", "encryption_algorithms_server_to_client length", Kind::Dec;
    EncryptionAlgorithmsServerToClient: "ssh.encryption_algorithms_server_to_client", "encryption_algorithms_server_to_client string", Kind::Str;
    MacAlgorithmsClientToServerLength: "ssh.mac_algorithms_client_to_server_length", "mac_algorithms_client_to_server length", Kind::Dec;
    MacAlgorithmsClientToServer: "ssh.mac_algorithms_client_to_server", "mac_algorithms_client_to_server string", Kind::Str;
    MacAlgorithmsServerToClientLength: "ssh.mac_algorithms_server_to_client_length", "mac_algorithms_server_to_client length", Kind::Dec;
    MacAlgorithmsServerToClient: "ssh.mac_algorithms_server_to_client", "mac_algorithms_server_to_client string", Kind::Str;
    CompressionAlgorithmsClientToServerLength: "ssh.compression_algorithms_client_to_server_length", "compression_algorithms_client_to_server length", Kind::Dec;
    CompressionAlgorithmsClientToServer: "ssh.compression_algorithms_client_to_server", "compression_algorithms_client_to_server string", Kind::Str;
    CompressionAlgorithmsServerToClientLength: "ssh.compression_algorithms_server_to_client_length", "compression_algorithms_server_to_client length", Kind::Dec;
    CompressionAlgorithmsServerToClient: "ssh.compression_algorithms_server_to_client", "compression_algorithms_server_to_client string", Kind::Str;
    LanguagesClientToServerLength: "ssh.languages_client_to_server_length", "languages_client_to_server length", Kind::Dec;
    LanguagesClientToServer: "ssh.languages_client_to_server", "languages_client_to_server string", Kind::Str;
    LanguagesServerToClientLength: "ssh.languages_server_to_client_length", "languages_server_to_client length", Kind::Dec;
    LanguagesServerToClient: "ssh.languages_server_to_client", "languages_server_to_client string", Kind::Str;
    FirstKexPacketFollows: "ssh.first_kex_packet_follows", "First KEX Packet Follows", Kind::Dec;
    KexReserved: "ssh.kex.reserved", "Reserved", Kind::Bytes;
    PaddingString: "ssh.padding_string", "Padding String", Kind::Bytes;
    EncryptedPacket: "ssh.encrypted_packet", "Encrypted Packet", Kind::Bytes;
    Direction: "ssh.direction", "Direction", Kind::Bool;
}

/// Message numbers (RFC 4250).
pub mod msg {
    pub const DISCONNECT: u8 = 1;
    pub const IGNORE: u8 = 2;
    pub const KEXINIT: u8 = 20;
    pub const NEWKEYS: u8 = 21;
    pub const KEXDH_INIT: u8 = 30;
    pub const KEXDH_REPLY: u8 = 31;
}

/// The largest packet we frame (OpenSSH's limit for SSH 2, SSH 1's
/// maximum).
const MAX_PACKET: u32 = 256 * 1024;

/// Is `body` what a key exchange message (30 to 34) carries after its code:
/// the 4 or 12 bytes of a group-exchange request, or one to three strings
/// (public keys, signatures, mpints) that fill it exactly?
fn kex_body(body: &[u8]) -> bool {
    if body.len() == 4 || body.len() == 12 {
        return true;
    }
    let mut at = 0usize;
    for _ in 0..3 {
        let Some(n) = be32(body, at) else {
            return false;
        };
        at = match at.checked_add(4 + n as usize) {
            Some(a) if a <= body.len() => a,
            _ => return false,
        };
        if at == body.len() {
            return true;
        }
    }
    false
}

/// The ten name-lists of KEXINIT, in order, with their fields.
const NAME_LISTS: [(Field, Field); 10] = [
    (Field::KexAlgorithmsLength, Field::KexAlgorithms),
    (
        Field::ServerHostKeyAlgorithmsLength,
        Field::ServerHostKeyAlgorithms,
    ),
    (
        Field::EncryptionAlgorithmsClientToServerLength,
        Field::EncryptionAlgorithmsClientToServer,
    ),
    (
        Field::EncryptionAlgorithmsServerToClientLength,
        Field::EncryptionAlgorithmsServerToClient,
    ),
    (
        Field::MacAlgorithmsClientToServerLength,
        Field::MacAlgorithmsClientToServer,
    ),
    (
        Field::MacAlgorithmsServerToClientLength,
        Field::MacAlgorithmsServerToClient,
    ),
    (
        Field::CompressionAlgorithmsClientToServerLength,
        Field::CompressionAlgorithmsClientToServer,
    ),
    (
        Field::CompressionAlgorithmsServerToClientLength,
        Field::CompressionAlgorithmsServerToClient,
    ),
    (
        Field::LanguagesClientToServerLength,
        Field::LanguagesClientToServer,
    ),
    (
        Field::LanguagesServerToClientLength,
        Field::LanguagesServerToClient,
    ),
];

/// The CRC-32 of SSH 1 packets (the IEEE polynomial, reflected, starting
/// from 0 with no final inversion).
fn ssh1_crc32(b: &[u8]) -> u32 {
    let mut crc = 0u32;
    for &x in b {
        crc ^= u32::from(x);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    crc
}

/// What a message is, by its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// The version line: its text ends at `text_end` (before CR LF).
    Banner { text_end: usize },
    /// An SSH 2 packet in the clear.
    V2 { len: u32, pad: u8 },
    /// An SSH 1 packet; `clear` when its CRC-32 holds.
    V1 { len: u32, pad: u8, clear: bool },
    /// Encrypted bytes that cannot be framed.
    Encrypted,
}

/// An SSH 2 packet header at the start of `b` that fits the clear form
/// (a padding of at least 4 bytes that leaves room for a message code),
/// and whether its size is a multiple of 8 as RFC 4253 requires.
fn v2_header(b: &[u8]) -> Option<(u32, u8, bool)> {
    let len = be32(b, 0)?;
    let pad = u8_at(b, 4)?;
    let ok = len <= MAX_PACKET && pad >= 4 && u32::from(pad) + 1 < len;
    ok.then_some((len, pad, len % 8 == 4))
}

/// Does the SSH 2 packet at the start of `b` (whole) hold a KEXINIT whose
/// name-lists all fit?
fn is_whole_kexinit(b: &[u8], len: u32, pad: u8) -> bool {
    let Some(p) = b.get(..4 + len as usize) else {
        return false;
    };
    let v = SshView {
        bytes: p,
        to_server: true,
        shape: Shape::V2 { len, pad },
    };
    v.message_code() == Some(msg::KEXINIT) && v.kexinit_end().is_some()
}

/// An SSH 1 packet length at the start of `b`: its padding and total size.
fn v1_header(b: &[u8]) -> Option<(u32, u8, usize)> {
    let len = be32(b, 0)?;
    if !(5..=MAX_PACKET).contains(&len) {
        return None;
    }
    let pad = 8 - (len % 8) as u8;
    Some((len, pad, 4 + usize::from(pad) + len as usize))
}

/// Does the SSH 1 packet of `total` bytes at the start of `b` carry a
/// valid CRC-32 (that is, is it in the clear)?
fn v1_clear(b: &[u8], total: usize) -> bool {
    let (Some(body), Some(crc)) = (
        b.get(4..total.saturating_sub(4)),
        be32(b, total.saturating_sub(4)),
    ) else {
        return false;
    };
    total >= 8 && ssh1_crc32(body) == crc
}

/// The shape of the message at the start of `b` and how many bytes it
/// takes.
fn classify(b: &[u8]) -> (Shape, Pdu) {
    if b.is_empty() {
        return (Shape::Encrypted, Pdu::Need(1));
    }
    if b.len() < 4 && text::starts_with_ci(b"SSH-", b) {
        return (Shape::Encrypted, Pdu::Need(5));
    }
    if text::starts_with_ci(b, b"SSH-") {
        let window = b.get(..b.len().min(text::MAX_LINE)).unwrap_or(b);
        return match window.iter().position(|&c| c == b'\n') {
            Some(i) => {
                let text_end = if i > 0 && b.get(i - 1) == Some(&b'\r') {
                    i - 1
                } else {
                    i
                };
                (Shape::Banner { text_end }, Pdu::Whole(i + 1))
            }
            None if window.len() >= text::MAX_LINE => (
                Shape::Banner {
                    text_end: text::MAX_LINE,
                },
                Pdu::Whole(text::MAX_LINE),
            ),
            None => (Shape::Banner { text_end: b.len() }, Pdu::Need(b.len() + 1)),
        };
    }
    if b.len() < 6 {
        // Too short to tell a packet from encrypted data yet, unless the
        // length already rules a packet out.
        let plausible = b.len() < 4 || be32(b, 0).is_some_and(|l| l <= MAX_PACKET);
        return if plausible {
            (Shape::Encrypted, Pdu::Need(6))
        } else {
            (Shape::Encrypted, Pdu::Whole(b.len()))
        };
    }
    let v2 = v2_header(b);
    let v2_pdu = |len: u32| {
        let total = 4 + len as usize;
        if total <= b.len() {
            Pdu::Whole(total)
        } else {
            Pdu::Need(total)
        }
    };
    if let Some((len, pad, true)) = v2 {
        return (Shape::V2 { len, pad }, v2_pdu(len));
    }
    let v1 = v1_header(b);
    if let Some((len, pad, total)) = v1 {
        if total <= b.len() && v1_clear(b, total) {
            return (
                Shape::V1 {
                    len,
                    pad,
                    clear: true,
                },
                Pdu::Whole(total),
            );
        }
    }
    // A packet whose size is not a multiple of 8 (some implementations and
    // crafted captures): taken as SSH 2 when it fills the bytes exactly or
    // is a KEXINIT whose lists fit, else as SSH 1 (an encrypted one, whose
    // padding byte can look like anything).
    if let Some((len, pad, false)) = v2 {
        if 4 + len as usize == b.len() || is_whole_kexinit(b, len, pad) {
            return (Shape::V2 { len, pad }, v2_pdu(len));
        }
    }
    if let Some((len, pad, total)) = v1 {
        let clear = false;
        let pdu = if total <= b.len() {
            Pdu::Whole(total)
        } else {
            Pdu::Need(total)
        };
        return (Shape::V1 { len, pad, clear }, pdu);
    }
    (Shape::Encrypted, Pdu::Whole(b.len()))
}

/// How many bytes the SSH message at the start of `bytes` takes: the
/// version line, one packet (SSH 2 in the clear, or SSH 1), or the
/// encrypted bytes at hand.
pub fn pdu_len(bytes: &[u8]) -> Pdu {
    classify(bytes).1
}

/// Do these first bytes of a stream look like SSH? A version line
/// (`SSH-` and a digit), a whole SSH 2 key exchange message in the clear
/// (a KEXINIT whose name-lists fit, a NEWKEYS, a message 30 to 34 whose
/// strings fill it), or bytes that are exactly one to eight SSH 1 packets.
pub fn looks_like(bytes: &[u8]) -> bool {
    if text::starts_with_ci(bytes, b"SSH-") {
        return bytes.get(4).is_some_and(u8::is_ascii_digit);
    }
    if let Some((len, pad, aligned)) = v2_header(bytes) {
        if let Some(p) = bytes.get(..4 + len as usize) {
            let v = SshView {
                bytes: p,
                to_server: true,
                shape: Shape::V2 { len, pad },
            };
            let body = v.message().and_then(|m| m.get(1..)).unwrap_or_default();
            let ok = match v.message_code() {
                Some(msg::KEXINIT) => v.kexinit_end().is_some(),
                Some(msg::NEWKEYS) => aligned && body.is_empty(),
                Some(30..=34) => aligned && kex_body(body),
                _ => false,
            };
            if ok {
                return true;
            }
        }
    }
    // Exactly a chain of SSH 1 packets (other protocols with a length
    // prefix count no padding). No CRC here: this runs on any payload.
    let mut n = 0usize;
    for _ in 0..8 {
        match v1_header(bytes.get(n..).unwrap_or_default()) {
            Some((_, _, total)) if n + total <= bytes.len() => n += total,
            _ => return false,
        }
        if n == bytes.len() {
            return true;
        }
    }
    false
}

/// A view over one SSH message: the version line, a packet, or encrypted
/// bytes, sent by the client (`to_server`) or by the server.
#[derive(Clone, Copy, Debug)]
pub struct SshView<'a> {
    bytes: &'a [u8],
    to_server: bool,
    shape: Shape,
}

impl<'a> SshView<'a> {
    /// A view over a whole message (as [`pdu_len`] cut it). Fails only on
    /// no bytes at all.
    pub fn new(bytes: &'a [u8], to_server: bool) -> Result<Self, Error> {
        need(bytes, 1)?;
        let shape = classify(bytes).0;
        Ok(SshView {
            bytes,
            to_server,
            shape,
        })
    }

    /// Sent by the client?
    pub fn is_client(&self) -> bool {
        self.to_server
    }

    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    pub fn payload(&self) -> &'a [u8] {
        &[]
    }

    /// The version line without its line end (`SSH-2.0-OpenSSH_9.2p1`).
    pub fn protocol(&self) -> Option<&'a [u8]> {
        match self.shape {
            Shape::Banner { text_end } => self.bytes.get(..text_end),
            _ => None,
        }
    }

    /// The protocol version of a version line (`2.0`, `1.99`).
    pub fn proto_version(&self) -> Option<&'a [u8]> {
        let p = self.protocol()?.get(4..)?;
        p.split(|&c| c == b'-').next()
    }

    /// The software version of a version line (`OpenSSH_9.2p1 Debian-2`).
    pub fn software(&self) -> Option<&'a [u8]> {
        let p = self.protocol()?.get(4..)?;
        let dash = p.iter().position(|&c| c == b'-')?;
        p.get(dash + 1..)
    }

    /// Is this an SSH 2 packet in the clear?
    pub fn is_v2_packet(&self) -> bool {
        matches!(self.shape, Shape::V2 { .. })
    }

    /// Is this an SSH 1 packet?
    pub fn is_v1_packet(&self) -> bool {
        matches!(self.shape, Shape::V1 { .. })
    }

    /// Encrypted bytes (or an SSH 1 packet that is encrypted)?
    pub fn is_encrypted(&self) -> bool {
        matches!(
            self.shape,
            Shape::Encrypted | Shape::V1 { clear: false, .. }
        )
    }

    /// A packet's length field.
    pub fn packet_length(&self) -> Option<u32> {
        match self.shape {
            Shape::V2 { len, .. } | Shape::V1 { len, .. } => Some(len),
            _ => None,
        }
    }

    /// A packet's padding length.
    pub fn padding_length(&self) -> Option<u8> {
        match self.shape {
            Shape::V2 { pad, .. } | Shape::V1 { pad, .. } => Some(pad),
            _ => None,
        }
    }

    /// Where the message code is, for a packet in the clear.
    fn code_at(&self) -> Option<usize> {
        match self.shape {
            Shape::V2 { .. } => Some(5),
            Shape::V1 {
                pad, clear: true, ..
            } => Some(4 + usize::from(pad)),
            _ => None,
        }
    }

    /// The message code of a packet in the clear (20 for KEXINIT).
    pub fn message_code(&self) -> Option<u8> {
        u8_at(self.bytes, self.code_at()?)
    }

    /// An SSH 2 packet's payload range (message code included) and its
    /// padding's range, clamped to the bytes.
    fn v2_parts(&self) -> Option<(Range<usize>, Range<usize>)> {
        let Shape::V2 { len, pad } = self.shape else {
            return None;
        };
        let end = (4 + len as usize).min(self.bytes.len());
        let pad_start = (4 + len as usize - usize::from(pad)).min(end);
        Some((5..pad_start, pad_start..end))
    }

    /// The message (code and body) of an SSH 2 packet in the clear.
    pub fn message(&self) -> Option<&'a [u8]> {
        self.bytes.get(self.v2_parts()?.0)
    }

    /// Walk a KEXINIT's name-lists: `f(i, length field range, list range)`
    /// for each of the ten that fits; returns where the lists end.
    fn walk_kexinit(&self, f: &mut dyn FnMut(usize, Range<usize>, Range<usize>)) -> Option<usize> {
        if self.message_code()? != msg::KEXINIT || !self.is_v2_packet() {
            return None;
        }
        let (payload, _) = self.v2_parts()?;
        let mut at = payload.start + 1 + 16;
        for i in 0..NAME_LISTS.len() {
            let n = be32(self.bytes, at)? as usize;
            let start = at + 4;
            let end = start.checked_add(n)?;
            if end > payload.end {
                return None;
            }
            f(i, at..start, start..end);
            at = end;
        }
        Some(at)
    }

    /// Where a KEXINIT's ten name-lists end, when they all fit.
    fn kexinit_end(&self) -> Option<usize> {
        self.walk_kexinit(&mut |_, _, _| {})
    }

    /// A KEXINIT's 16-byte cookie.
    pub fn cookie(&self) -> Option<&'a [u8]> {
        if self.message_code()? != msg::KEXINIT || !self.is_v2_packet() {
            return None;
        }
        let (payload, _) = self.v2_parts()?;
        self.bytes.get(6..22).filter(|_| payload.end >= 22)
    }

    /// Name-list `i` of a KEXINIT (0 kex_algorithms, 1 host key
    /// algorithms, 2/3 encryption client→server/server→client, 4/5 MAC,
    /// 6/7 compression, 8/9 languages).
    pub fn name_list(&self, i: usize) -> Option<&'a [u8]> {
        let mut got = None;
        self.walk_kexinit(&mut |j, _, r| {
            if i == j {
                got = Some(r)
            }
        });
        self.bytes.get(got?)
    }

    /// A KEXINIT's `first_kex_packet_follows`.
    pub fn first_kex_packet_follows(&self) -> Option<bool> {
        let end = self.kexinit_end()?;
        u8_at(self.bytes, end).map(|b| b != 0)
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        if f == Field::Direction {
            out.value(Value::Bool(!self.to_server), 0..0);
            return;
        }
        match self.shape {
            Shape::Banner { text_end } => {
                if f == Field::Protocol {
                    let text = b.get(..text_end).unwrap_or_default();
                    // A string field ends at a NUL, as in tshark.
                    let shown = text
                        .iter()
                        .position(|&c| c == 0)
                        .map_or(text, |n| text.get(..n).unwrap_or_default());
                    out.value(Value::Str(shown), 0..text_end)
                }
            }
            // tshark, which follows the session, shows nothing of an
            // encrypted packet it cannot decrypt (only a capture that
            // starts mid-session gets `ssh.packet_length_encrypted` and
            // `ssh.encrypted_packet`); a stream we know as SSH began with
            // its banners, so nothing is shown either.
            Shape::Encrypted => {}
            Shape::V1 { len, pad, .. } => match f {
                Field::PacketLength => out.value(Value::UInt(len.into()), 0..4),
                Field::PaddingLength => out.value(
                    Value::UInt(pad.into()),
                    4..(4 + usize::from(pad)).min(b.len()),
                ),
                Field::MessageCode => {
                    if let (Some(c), Some(at)) = (self.message_code(), self.code_at()) {
                        out.value(Value::UInt(c.into()), at..at + 1)
                    }
                }
                _ => {}
            },
            Shape::V2 { len, pad } => self.v2_field(f, len, pad, out),
        }
    }

    fn v2_field(&self, f: Field, len: u32, pad: u8, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        let Some((payload, padding)) = self.v2_parts() else {
            return;
        };
        match f {
            Field::PacketLength => out.value(Value::UInt(len.into()), 0..4),
            Field::PaddingLength => out.value(Value::UInt(pad.into()), 4..5),
            Field::MessageCode => {
                if let Some(c) = self.message_code() {
                    out.value(Value::UInt(c.into()), 5..6)
                }
            }
            Field::PaddingString => out.value(
                Value::Bytes(b.get(padding.clone()).unwrap_or_default()),
                padding,
            ),
            Field::Cookie => {
                if let Some(c) = self.cookie() {
                    out.value(Value::Bytes(c), 6..22)
                }
            }
            Field::FirstKexPacketFollows | Field::KexReserved => {
                let Some(end) = self.kexinit_end() else {
                    return;
                };
                if f == Field::FirstKexPacketFollows {
                    if let Some(v) = u8_at(b, end).filter(|_| end < payload.end) {
                        out.value(Value::UInt(v.into()), end..end + 1)
                    }
                } else if end + 5 <= payload.end {
                    if let Some(r) = b.get(end + 1..end + 5) {
                        out.value(Value::Bytes(r), end + 1..end + 5)
                    }
                }
            }
            _ => {
                let Some(i) = NAME_LISTS.iter().position(|&(l, s)| l == f || s == f) else {
                    return;
                };
                let is_len = NAME_LISTS.get(i).is_some_and(|&(l, _)| l == f);
                self.walk_kexinit(&mut |j, lr, sr| {
                    if i != j {
                        return;
                    }
                    if is_len {
                        let n = be32(b, lr.start).unwrap_or(0);
                        out.value(Value::UInt(n.into()), lr)
                    } else {
                        out.value(Value::Str(b.get(sr.clone()).unwrap_or_default()), sr)
                    }
                });
            }
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("SSH Protocol");
    }

    /// tshark's Info column: `Client: Protocol (SSH-2.0-OpenSSH_9.2p1)`,
    /// `Server: Key Exchange Init`, `Client: Encrypted packet (len=904)`.
    pub fn summary(&self, out: &mut String) {
        out.push_str(if self.to_server {
            "Client: "
        } else {
            "Server: "
        });
        match self.shape {
            Shape::Banner { text_end } => {
                out.push_str("Protocol (");
                text::push_text(out, self.bytes.get(..text_end).unwrap_or_default());
                out.push(')');
            }
            Shape::V2 { .. } => match self.message_code() {
                Some(c) => push_name(out, v2_name(c), c),
                None => out.push_str("Unknown"),
            },
            Shape::V1 { clear: true, .. } => {
                let c = self.message_code().unwrap_or(0);
                push_name(out, v1_name(c), c)
            }
            Shape::V1 { len, .. } => {
                out.push_str("Encrypted packet (len=");
                out.push_str(&len.to_string());
                out.push(')');
            }
            Shape::Encrypted => {
                out.push_str("Encrypted packet (len=");
                out.push_str(&self.bytes.len().to_string());
                out.push(')');
            }
        }
    }
}

fn push_name(out: &mut String, name: Option<&str>, code: u8) {
    match name {
        Some(n) => out.push_str(n),
        None => {
            out.push_str("Unknown (");
            out.push_str(&code.to_string());
            out.push(')');
        }
    }
}

/// tshark's names of SSH 2 messages (30 and 31 as plain Diffie-Hellman:
/// without the negotiated method they cannot be told from ECDH or GEX).
fn v2_name(c: u8) -> Option<&'static str> {
    Some(match c {
        1 => "Disconnect",
        2 => "Ignore",
        3 => "Unimplemented",
        4 => "Debug",
        5 => "Service Request",
        6 => "Service Accept",
        20 => "Key Exchange Init",
        21 => "New Keys",
        30 => "Diffie-Hellman Key Exchange Init",
        31 => "Diffie-Hellman Key Exchange Reply",
        32 => "Diffie-Hellman Group Exchange Init",
        33 => "Diffie-Hellman Group Exchange Reply",
        34 => "Diffie-Hellman Group Exchange Request",
        50 => "User Authentication Request",
        51 => "User Authentication Failure",
        52 => "User Authentication Success",
        53 => "User Authentication Banner",
        80 => "Global Request",
        81 => "Request Success",
        82 => "Request Failure",
        90 => "Channel Open",
        91 => "Channel Open Confirmation",
        92 => "Channel Open Failure",
        93 => "Window Adjust",
        94 => "Channel Data",
        95 => "Channel Extended Data",
        96 => "Channel EOF",
        97 => "Channel Close",
        98 => "Channel Request",
        99 => "Channel Success",
        100 => "Channel Failure",
        _ => return None,
    })
}

/// tshark's names of SSH 1 messages.
fn v1_name(c: u8) -> Option<&'static str> {
    Some(match c {
        0 => "No Message",
        1 => "Disconnect",
        2 => "Public Key",
        3 => "Session Key",
        4 => "User",
        _ => return None,
    })
}

/// The plain values of an SSH message, for building one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SshRepr {
    /// The version line (without its CR LF).
    Banner(Vec<u8>),
    /// An SSH 2 packet in the clear: the message (code first) and the
    /// padding (at least 4 bytes, making the packet a multiple of 8).
    Packet { message: Vec<u8>, padding: Vec<u8> },
}

impl SshRepr {
    /// What `v` holds, when it is a version line or an SSH 2 packet in the
    /// clear (`None` for SSH 1 and encrypted bytes).
    pub fn parse(v: &SshView) -> Option<Self> {
        if let Some(p) = v.protocol() {
            return Some(SshRepr::Banner(p.to_vec()));
        }
        let (m, p) = v.v2_parts()?;
        Some(SshRepr::Packet {
            message: v.bytes.get(m)?.to_vec(),
            padding: v.bytes.get(p)?.to_vec(),
        })
    }

    /// A packet for `message`, padded with zeros to a multiple of 8 bytes
    /// (at least 4 of padding).
    pub fn packet(message: Vec<u8>) -> Self {
        let mut pad = 8 - (4 + 1 + message.len()) % 8;
        if pad < 4 {
            pad += 8;
        }
        SshRepr::Packet {
            message,
            padding: vec![0; pad],
        }
    }

    /// A KEXINIT packet with this cookie and these ten name-lists.
    pub fn kexinit(cookie: [u8; 16], lists: &[&[u8]; 10], first_kex_follows: bool) -> Self {
        let mut m = vec![msg::KEXINIT];
        m.extend_from_slice(&cookie);
        for l in lists {
            m.extend_from_slice(&(l.len() as u32).to_be_bytes());
            m.extend_from_slice(l);
        }
        m.push(u8::from(first_kex_follows));
        m.extend_from_slice(&[0; 4]);
        SshRepr::packet(m)
    }

    pub fn emit(&self, buf: &mut Vec<u8>) {
        match self {
            SshRepr::Banner(p) => {
                buf.extend_from_slice(p);
                buf.extend_from_slice(b"\r\n");
            }
            SshRepr::Packet { message, padding } => {
                let len = 1 + message.len() + padding.len();
                buf.extend_from_slice(&(len as u32).to_be_bytes());
                buf.push(padding.len() as u8);
                buf.extend_from_slice(message);
                buf.extend_from_slice(padding);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;
    use proptest::prelude::*;

    fn get(v: &SshView, f: Field) -> String {
        testing::joined_within(v.bytes.len(), FIELDS[f as usize].kind, |out| {
            v.field(f, out)
        })
    }

    fn summary(v: &SshView) -> String {
        testing::string_of(|s| v.summary(s))
    }

    use crate::testing::hex;

    /// scapy__ssh_ed25519.pcap frame 4.
    #[test]
    fn real_banner() {
        let b = b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u1\r\n";
        assert!(looks_like(b));
        assert_eq!(pdu_len(b), Pdu::Whole(b.len()));
        assert_eq!(pdu_len(&b[..10]), Pdu::Need(11));
        let v = SshView::new(b, true).unwrap();
        assert_eq!(
            get(&v, Field::Protocol),
            "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u1"
        );
        assert_eq!(get(&v, Field::Direction), "0");
        assert_eq!(get(&v, Field::PacketLength), "");
        assert_eq!(
            summary(&v),
            "Client: Protocol (SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u1)"
        );
        assert_eq!(v.proto_version(), Some(&b"2.0"[..]));
        assert_eq!(v.software(), Some(&b"OpenSSH_9.2p1 Debian-2+deb12u1"[..]));
    }

    /// suricata__bug-4903-bug-4903-01-input.pcap frame 4: NULs before the
    /// LF; the field stops at the first one.
    #[test]
    fn banner_with_nuls() {
        let mut b = b"SSH-1.99-Cisco_server-1.24 ".to_vec();
        b.extend_from_slice(&[0; 5]);
        b.push(b'\n');
        let v = SshView::new(&b, false).unwrap();
        assert_eq!(get(&v, Field::Protocol), "SSH-1.99-Cisco_server-1.24 ");
        assert_eq!(
            summary(&v),
            "Server: Protocol (SSH-1.99-Cisco_server-1.24 \\000\\000\\000\\000\\000)"
        );
    }

    /// scapy__ssh_ed25519.pcap frame 13: the client's NEWKEYS.
    #[test]
    fn real_newkeys() {
        let b = hex("0000000c0a1500000000000000000000");
        assert!(looks_like(&b));
        assert_eq!(pdu_len(&b), Pdu::Whole(16));
        let v = SshView::new(&b, true).unwrap();
        assert_eq!(get(&v, Field::PacketLength), "12");
        assert_eq!(get(&v, Field::PaddingLength), "10");
        assert_eq!(get(&v, Field::MessageCode), "21");
        assert_eq!(get(&v, Field::PaddingString), "00000000000000000000");
        assert_eq!(summary(&v), "Client: New Keys");
    }

    /// A KEXINIT built with the builder reads back list by list.
    #[test]
    fn kexinit_fields() {
        let lists: [&[u8]; 10] = [
            b"curve25519-sha256,ext-info-c",
            b"ssh-ed25519",
            b"aes128-ctr",
            b"aes128-ctr",
            b"hmac-sha2-256",
            b"hmac-sha2-256",
            b"none",
            b"none",
            b"",
            b"",
        ];
        let r = SshRepr::kexinit([0x2d; 16], &lists, false);
        let mut b = Vec::new();
        r.emit(&mut b);
        assert_eq!(b.len() % 8, 0);
        assert!(looks_like(&b));
        let v = SshView::new(&b, true).unwrap();
        assert_eq!(get(&v, Field::MessageCode), "20");
        assert_eq!(get(&v, Field::Cookie), "2d".repeat(16));
        assert_eq!(
            get(&v, Field::KexAlgorithms),
            "curve25519-sha256,ext-info-c"
        );
        assert_eq!(get(&v, Field::KexAlgorithmsLength), "28");
        assert_eq!(get(&v, Field::LanguagesServerToClient), "");
        assert_eq!(get(&v, Field::LanguagesServerToClientLength), "0");
        assert_eq!(get(&v, Field::FirstKexPacketFollows), "0");
        assert_eq!(get(&v, Field::KexReserved), "00000000");
        assert_eq!(v.name_list(1), Some(&b"ssh-ed25519"[..]));
        assert_eq!(v.first_kex_packet_follows(), Some(false));
        assert_eq!(summary(&v), "Client: Key Exchange Init");
        assert_eq!(SshRepr::parse(&v), Some(r));
        // Cut anywhere: no panic, and the lists that fit are not shown
        // unless all fit.
        for n in 1..b.len() {
            let v = SshView::new(&b[..n], true).unwrap();
            for i in 0..FIELDS.len() {
                let _ = get(&v, Field::from_index(i).unwrap());
            }
            let _ = summary(&v);
            assert!(matches!(pdu_len(&b[..n]), Pdu::Need(_)));
        }
    }

    /// arkime__v6.pcap frames 21 (the server's SSH 1 public key, in the
    /// clear) and 24 (an encrypted SSH 1 packet).
    #[test]
    fn real_ssh1_packets() {
        let pk = hex("0000010b000000000002073b2faeee750c71000003000006230300ce17973ae5866c52b45beef716826b8459e50bb0782a29a0045ac3985b8a32245004fa08bbce5b757066a15c4c5818cbeb4fcdbb23f30445d6daaa15ef5e47cbb0a43b9e17d4bb0137cece8d7232e002a88f4bb38c561637b0a7e770f6f74351000004000006250400c8fb96dd8b8b00762f6fdaad2fbadc9dc848cf09bf1d999cded3f0c77b0b48d7f359c311421f30259a4eb87dd7d26cacb8a00b9aad39f8a4acad6086bf05eaa144287c137ca8ca97de9be781060f560409537b78c7d921fa9d6554bd6670c5baed8fc997751b5d2b1f3f4fd02896de228caccec1243f99970ae31b69273d60b7000000020000004a0000001c1a6d987a");
        assert_eq!(pdu_len(&pk), Pdu::Whole(pk.len()));
        assert!(looks_like(&pk));
        let v = SshView::new(&pk, false).unwrap();
        assert_eq!(get(&v, Field::PacketLength), "267");
        assert_eq!(get(&v, Field::PaddingLength), "5");
        assert_eq!(get(&v, Field::MessageCode), "2");
        assert_eq!(summary(&v), "Server: Public Key");
        let enc = hex("0000000520cfa3bdd0240496");
        assert_eq!(pdu_len(&enc), Pdu::Whole(12));
        assert!(looks_like(&enc));
        let v = SshView::new(&enc, false).unwrap();
        assert_eq!(get(&v, Field::PacketLength), "5");
        assert_eq!(get(&v, Field::PaddingLength), "3");
        assert_eq!(get(&v, Field::MessageCode), "");
        assert!(v.is_encrypted());
        assert_eq!(summary(&v), "Server: Encrypted packet (len=5)");
        // Two packets in one segment are still SSH 1; one and a bit, or
        // one with garbage after it, is not.
        let mut two = enc.clone();
        two.extend_from_slice(&enc);
        assert!(looks_like(&two));
        assert!(!looks_like(&two[..20]));
        let mut bad = enc.clone();
        bad.extend_from_slice(b"\xff\xff\xff\xff\xff\xff");
        assert!(!looks_like(&bad));
    }

    #[test]
    fn encrypted_bytes_and_detection() {
        // pcpp__Packet++Test-PacketExamples-ssh_packets.pcap frame 2 (start).
        let b = hex("0000038404140e7b9a0807ea71e0945dd1fdbfa41929");
        assert_eq!(pdu_len(&b), Pdu::Need(904));
        let junk = b"\xde\xad\xbe\xef\x00\x01\x02\x03\x04\x05";
        assert_eq!(pdu_len(junk), Pdu::Whole(junk.len()));
        let v = SshView::new(junk, true).unwrap();
        assert_eq!(get(&v, Field::PacketLengthEncrypted), "");
        assert_eq!(get(&v, Field::Direction), "0");
        assert_eq!(summary(&v), "Client: Encrypted packet (len=10)");
        assert!(!looks_like(junk));
        assert!(!looks_like(b"GET / HTTP/1.1\r\n\r\n"));
        // A NetBIOS session header (length of what follows, no padding).
        assert!(!looks_like(b"\x00\x00\x00\x08abcdefgh"));
        assert!(!looks_like(b"SSH-x"));
        assert_eq!(pdu_len(b"SS"), Pdu::Need(5));
    }

    #[test]
    fn hostile_inputs() {
        assert!(SshView::new(b"", true).is_err());
        for b in [
            &b"\x00\x00\x00\x0c\x0a\x14"[..],
            b"\x00\x00\x00\x0c\x0a",
            b"\x00\x00\x00\x10\x04\x14\x00\x00\x00\xff\xff\xff\xff",
            b"\xff\xff\xff\xff\xff\xff",
            b"\x00\x04\x00\x00\x00\x00\x00",
            b"SSH-",
            b"ssh-2.0-x\n",
        ] {
            for to_server in [true, false] {
                let v = SshView::new(b, to_server).unwrap();
                for i in 0..FIELDS.len() {
                    let _ = get(&v, Field::from_index(i).unwrap());
                }
                let _ = (
                    summary(&v),
                    v.cookie(),
                    v.name_list(3),
                    v.first_kex_packet_follows(),
                );
                if let Some(r) = SshRepr::parse(&v) {
                    let mut out = Vec::new();
                    r.emit(&mut out);
                }
            }
            let _ = (pdu_len(b), looks_like(b));
        }
    }

    proptest! {
        #[test]
        fn build_then_parse_packet(message in proptest::collection::vec(any::<u8>(), 1..100), extra in 0usize..3) {
            let SshRepr::Packet { message, mut padding } = SshRepr::packet(message) else { unreachable!() };
            padding.extend(std::iter::repeat_n(0x5a, 8 * extra));
            let r = SshRepr::Packet { message, padding };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            prop_assert_eq!(pdu_len(&buf), Pdu::Whole(buf.len()));
            let v = SshView::new(&buf, false).unwrap();
            prop_assert_eq!(SshRepr::parse(&v), Some(r));
        }

        #[test]
        fn build_then_parse_banner(soft in "[!-~]{1,40}") {
            let r = SshRepr::Banner(format!("SSH-2.0-{soft}").into_bytes());
            let mut buf = Vec::new();
            r.emit(&mut buf);
            prop_assert_eq!(pdu_len(&buf), Pdu::Whole(buf.len()));
            let v = SshView::new(&buf, true).unwrap();
            prop_assert_eq!(SshRepr::parse(&v), Some(r));
        }

        #[test]
        fn framing_never_overruns(b in proptest::collection::vec(any::<u8>(), 0..300)) {
            match pdu_len(&b) {
                Pdu::Whole(n) => prop_assert!(n >= 1 && n <= b.len()),
                Pdu::Need(n) => prop_assert!(n > b.len()),
                Pdu::NotMine => {}
            }
        }
    }
}
