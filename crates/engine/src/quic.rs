//! QUIC Initial packets opened (RFC 9001 §5.2): the keys come from the
//! client's first Destination Connection ID and a version's public salt, so
//! anyone on the path can read the Initial packets, and with them the TLS
//! ClientHello (SNI, ALPN, versions, cipher suites).
//!
//! Supported: QUIC v1, v2 (RFC 9369), IETF drafts 22 to 34 and mvfst
//! (0xfaceb00x) with the salts their drafts used. Only AES-128-GCM applies
//! to Initial packets, so only it is here.
//!
//! CRYPTO frames are put together by offset (bounded), in
//! any order, within a datagram and across the datagrams of one direction
//! of a connection: a ClientHello with post-quantum key shares takes more
//! than one. The per-packet views ([`Initials`]) show its handshake
//! messages on the datagram that completes them, as tshark does; the logs
//! take the ClientHello's summary ([`HelloAssembler`], [`initial_client_hello`]).

use crate::dissect::Dissection;
use aes::cipher::{BlockEncrypt, KeyInit};
use aes::Aes128;
use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes128Gcm, Nonce};
use arrayvec::ArrayVec;
use hkdf::Hkdf;
use sha2::Sha256;
use std::collections::HashMap;
use wiresift_wire::layer::Layer;
use wiresift_wire::quic::{self, Form, PacketType, QuicView};
pub use wiresift_wire::quic::{frames, Frame};
use wiresift_wire::tls::TlsView;

/// The largest ClientHello gathered (bytes of CRYPTO data from offset 0).
pub const MAX_HELLO: usize = 16 * 1024;
/// Bounds on what a [`QuicHello`] keeps.
const MAX_SNI: usize = 255;
const MAX_LIST: usize = 32;

/// One direction's Initial keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keys {
    pub key: [u8; 16],
    pub iv: [u8; 12],
    pub hp: [u8; 16],
}

/// The Initial salt of `version`, and whether its labels are v2's.
fn salt(version: u32) -> Option<(&'static [u8; 20], bool)> {
    const V1: [u8; 20] = hex20("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
    const V2: [u8; 20] = hex20("0dede3def700a6db819381be6e269dcbf9bd2ed9");
    const D29: [u8; 20] = hex20("afbfec289993d24c9e9786f19c6111e04390a899");
    const D23: [u8; 20] = hex20("c3eef712c72ebb5a11a7d2432bb46365bef9f502");
    const D22: [u8; 20] = hex20("7fbcdb0e7c66bbe9193a96cd21519ebd7a02644a");
    match version {
        quic::version::V1 => Some((&V1, false)),
        quic::version::V2 => Some((&V2, true)),
        0xff00_001d..=0xff00_0022 => Some((&D29, false)),
        0xff00_0017..=0xff00_001c => Some((&D23, false)),
        0xff00_0015..=0xff00_0016 => Some((&D22, false)),
        // mvfst: 0xfaceb001 is draft 22, 0xfaceb002 draft 27, 0xfaceb00e draft 29.
        0xface_b001 => Some((&D22, false)),
        0xface_b002 => Some((&D23, false)),
        0xface_b00e => Some((&D29, false)),
        _ => None,
    }
}

const fn hex20(s: &str) -> [u8; 20] {
    let b = s.as_bytes();
    let mut out = [0u8; 20];
    let mut i = 0;
    while i < 20 {
        out[i] = (nib(b[2 * i]) << 4) | nib(b[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nib(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => c - b'a' + 10,
    }
}

/// TLS 1.3's HKDF-Expand-Label with an empty context.
fn expand_label(secret: &[u8], label: &str, out: &mut [u8]) -> Option<()> {
    let hk = Hkdf::<Sha256>::from_prk(secret).ok()?;
    let full_len = 6 + label.len();
    let mut info = Vec::with_capacity(4 + full_len);
    info.extend_from_slice(&(out.len() as u16).to_be_bytes());
    info.push(u8::try_from(full_len).ok()?);
    info.extend_from_slice(b"tls13 ");
    info.extend_from_slice(label.as_bytes());
    info.push(0);
    hk.expand(&info, out).ok()
}

/// The Initial keys of the client (`server == false`) or the server for a
/// connection whose client chose `dcid` as its first Destination Connection ID.
pub fn initial_keys(version: u32, dcid: &[u8], server: bool) -> Option<Keys> {
    let (salt, v2) = salt(version)?;
    let (initial, _) = Hkdf::<Sha256>::extract(Some(salt), dcid);
    let mut secret = [0u8; 32];
    expand_label(
        &initial,
        if server { "server in" } else { "client in" },
        &mut secret,
    )?;
    let (lk, li, lh) = if v2 {
        ("quicv2 key", "quicv2 iv", "quicv2 hp")
    } else {
        ("quic key", "quic iv", "quic hp")
    };
    let mut k = Keys {
        key: [0; 16],
        iv: [0; 12],
        hp: [0; 16],
    };
    expand_label(&secret, lk, &mut k.key)?;
    expand_label(&secret, li, &mut k.iv)?;
    expand_label(&secret, lh, &mut k.hp)?;
    Some(k)
}

/// A decrypted packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    pub packet_number: u64,
    /// The frames.
    pub plaintext: Vec<u8>,
}

/// Remove header protection and open the long-header packet `p` of
/// `datagram` with `keys`. The packet number is taken as sent (no earlier
/// packet to expand it from: right for a connection's first packets).
pub fn open(datagram: &[u8], p: &quic::Packet, keys: &Keys) -> Option<Opened> {
    let mut buf = Vec::new();
    let packet_number = open_into(datagram, p, keys, &mut buf)?;
    let plaintext = buf.get(quic::OPENED_HEADER_LEN..)?.to_vec();
    Some(Opened {
        packet_number,
        plaintext,
    })
}

/// [`open`] into `buf`: appends a record for [`QuicView::with_opened`]
/// (header, then the plaintext) and returns the packet number; `buf` is
/// left as it was when the packet does not open. Allocates only when `buf`
/// must grow.
pub fn open_into(datagram: &[u8], p: &quic::Packet, keys: &Keys, buf: &mut Vec<u8>) -> Option<u64> {
    open_or_number(datagram, p, keys, buf).ok()
}

/// [`open_into`]; when the payload does not open, the packet number that
/// removing header protection with `keys` gave, if any (tshark shows it).
fn open_or_number(
    datagram: &[u8],
    p: &quic::Packet,
    keys: &Keys,
    buf: &mut Vec<u8>,
) -> Result<u64, Option<u64>> {
    let mark = buf.len();
    let mut number = None;
    match open_at(datagram, p, keys, buf, mark, &mut number) {
        Some(pn) => Ok(pn),
        None => {
            buf.truncate(mark);
            Err(number)
        }
    }
}

fn open_at(
    datagram: &[u8],
    p: &quic::Packet,
    keys: &Keys,
    buf: &mut Vec<u8>,
    mark: usize,
    number: &mut Option<u64>,
) -> Option<u64> {
    let pkt = datagram.get(p.start..p.end)?;
    let pn_off = p.pn_offset.checked_sub(p.start)?;
    let sample: [u8; 16] = pkt
        .get(pn_off.checked_add(4)?..pn_off.checked_add(20)?)?
        .try_into()
        .ok()?;
    let mut mask = aes::Block::from(sample);
    Aes128::new(&keys.hp.into()).encrypt_block(&mut mask);
    let first = pkt.first()? ^ (mask[0] & 0x0f);
    let pn_len = usize::from(first & 3) + 1;
    let hdr_len = pn_off.checked_add(pn_len)?;
    // The tag follows the ciphertext.
    let tag_at = pkt.len().checked_sub(16).filter(|&t| t >= hdr_len)?;
    // The unprotected header (the AEAD's associated data) goes where the
    // plaintext will be, after the record header, and is replaced by it.
    buf.extend_from_slice(&[0; quic::OPENED_HEADER_LEN]);
    let body = buf.len();
    buf.extend_from_slice(pkt.get(..tag_at)?);
    let mut pn = 0u64;
    {
        let h = buf.get_mut(body..body + hdr_len)?;
        *h.first_mut()? = first;
        for i in 0..pn_len {
            let b = h.get_mut(pn_off + i)?;
            *b ^= mask[1 + i];
            pn = (pn << 8) | u64::from(*b);
        }
    }
    *number = Some(pn);
    let mut nonce = keys.iv;
    for (n, b) in nonce[4..].iter_mut().zip(pn.to_be_bytes()) {
        *n ^= b;
    }
    let tag = aes_gcm::Tag::from_slice(pkt.get(tag_at..)?);
    let (aad, msg) = buf.get_mut(body..)?.split_at_mut(hdr_len);
    let ok = Aes128Gcm::new(&keys.key.into())
        .decrypt_in_place_detached(Nonce::from_slice(&nonce), aad, msg, tag)
        .is_ok();
    let plain_len = tag_at - hdr_len;
    let (Ok(start), Ok(len), true) = (u32::try_from(p.start), u32::try_from(plain_len), ok) else {
        return None;
    };
    // Drop the header, keep the plaintext.
    buf.copy_within(body + hdr_len.., body);
    buf.truncate(body + plain_len);
    buf.get_mut(mark..body)?
        .copy_from_slice(&quic::opened_header(start, pn, len));
    Some(pn)
}

/// Most connection IDs whose Initial keys are remembered; past it the
/// table starts afresh (counted in [`Initials::forgotten`]).
pub const MAX_CIDS: usize = 4096;
/// Most CRYPTO frames of one datagram put together.
const MAX_CRYPTO_FRAMES: usize = 64;
/// Most CRYPTO bytes held over all the connections' directions (each holds
/// at most [`MAX_HELLO`]); past it they start afresh (counted in
/// [`Initials::crypto_forgotten`]).
pub const MAX_CRYPTO_BYTES: usize = 4 << 20;

/// The Initial keys for packets sent to a connection ID, and for the
/// answers.
#[derive(Clone, Debug)]
struct CidKeys {
    version: u32,
    to: Keys,
    reply: Keys,
    /// The CRYPTO streams of the two directions (keys of [`Initials::streams`]).
    to_stream: u64,
    reply_stream: u64,
}

/// The CRYPTO data of one direction of a connection, and how much of it
/// the views have shown as handshake messages.
#[derive(Debug, Default)]
struct Stream {
    data: CryptoBuf,
    shown: usize,
}

/// Who packets are sent to: a connection ID, or, when the receiver chose
/// an empty one, its address and port with the sender's (IPv4 in the first
/// four bytes of each address).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum To {
    Cid(ArrayVec<u8, { quic::MAX_CID_LEN }>),
    Addr([u8; 16], u16, [u8; 16], u16),
}

/// The UDP endpoints of a datagram: (source address, port), (destination
/// address, port).
pub type Ends = (([u8; 16], u16), ([u8; 16], u16));

impl To {
    /// Packets to `cid`, or when it is empty, sent from `from` to `to`.
    fn new(cid: &[u8], ends: Option<Ends>) -> Option<To> {
        if !cid.is_empty() {
            return ArrayVec::try_from(cid).ok().map(To::Cid);
        }
        let ((sa, sp), (da, dp)) = ends?;
        Some(To::Addr(da, dp, sa, sp))
    }
}

/// The UDP endpoints of the layers before `i`.
pub(crate) fn ends(d: &Dissection, i: usize) -> Option<Ends> {
    let mut ip = None;
    let mut ports = None;
    for e in d.layers.iter().take(i) {
        match &e.layer {
            Layer::Ip(v) => {
                let (mut s, mut t) = ([0u8; 16], [0u8; 16]);
                s[..4].copy_from_slice(&v.src());
                t[..4].copy_from_slice(&v.dst());
                ip = Some((s, t));
            }
            Layer::Ipv6(v) => ip = Some((v.src(), v.dst())),
            Layer::Udp(u) => ports = Some((u.src_port(), u.dst_port())),
            _ => {}
        }
    }
    let ((s, t), (sp, dp)) = (ip?, ports?);
    Some(((s, sp), (t, dp)))
}

/// Decryption of the Initial packets of the frames dissected, for the
/// per-packet views: the keys of every connection seen (both derive from
/// the client's first Destination Connection ID, which only its first
/// packets carry, so each connection ID the peers choose in their Initial
/// packets is remembered with them), and one frame's plaintext and CRYPTO
/// data, in buffers reused from frame to frame.
#[derive(Debug, Default)]
pub struct Initials {
    cids: HashMap<To, CidKeys>,
    /// The decrypted packets of the current frame (see [`QuicView::with_opened`]).
    opened: Vec<u8>,
    /// The handshake messages the current frame completes.
    crypto: Vec<u8>,
    /// Each connection direction's CRYPTO data, by the ids of [`CidKeys`].
    streams: HashMap<u64, Stream>,
    next_stream: u64,
    /// Bytes the streams hold (bounded by [`MAX_CRYPTO_BYTES`]).
    stream_bytes: usize,
    /// Connection IDs forgotten when the table was full.
    pub forgotten: u64,
    /// CRYPTO streams forgotten when their bytes reached [`MAX_CRYPTO_BYTES`].
    pub crypto_forgotten: u64,
}

impl Initials {
    pub fn new() -> Self {
        Self::default()
    }

    /// Decrypt the Initial packets of the frame's QUIC layer: the layer
    /// shows their packet numbers and frames, and a TLS layer the handshake
    /// messages (ClientHello, ServerHello) its CRYPTO frames complete.
    pub fn frame<'a>(&'a mut self, d: &mut Dissection<'a>) {
        let Some((i, v)) = d
            .layers
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, e)| match e.layer {
                Layer::Quic(v) if !e.quoted && v.is_long() => Some((i, v)),
                _ => None,
            })
        else {
            return;
        };
        let ends = ends(d, i);
        let me: &'a mut Self = self;
        let Some((v, tls)) = me.datagram(v, ends) else {
            return;
        };
        if let Some(e) = d.layers.get_mut(i) {
            e.layer = Layer::Quic(v);
        }
        if let Some(t) = tls {
            d.push_reassembled(Layer::Tls(t));
        }
    }

    /// Decrypt the Initial packets of the datagram `v` (sent between
    /// `ends`, when known): the view with their packet numbers and frames,
    /// and a TLS view over the handshake messages their CRYPTO data
    /// completes (with what earlier datagrams of the same direction of the
    /// connection brought; shown once). None when no Initial packet could
    /// be read.
    pub fn datagram<'a>(
        &'a mut self,
        v: QuicView<'a>,
        ends: Option<Ends>,
    ) -> Option<(QuicView<'a>, Option<TlsView<'a>>)> {
        self.opened.clear();
        self.crypto.clear();
        let datagram = v.bytes();
        let mut stream = None;
        for p in v.packets() {
            if p.form == Form::Long(PacketType::Initial) {
                let s = self.open_initial(datagram, &p, ends);
                stream = stream.or(s);
            }
        }
        if self.opened.is_empty() {
            return None;
        }
        if let Some(s) = stream {
            self.gather_crypto(s);
        }
        let me: &'a Self = self;
        let tls = (!me.crypto.is_empty())
            .then(|| TlsView::new_handshakes(&me.crypto).ok())
            .flatten();
        Some((v.with_opened(&me.opened), tls))
    }

    /// Open an Initial packet with the keys known for its DCID, else as a
    /// client's first packet (keys from its own DCID); remember the keys of
    /// the connection IDs it tells. Returns the CRYPTO stream of the
    /// packet's direction when it opened.
    fn open_initial(
        &mut self,
        datagram: &[u8],
        p: &quic::Packet,
        ends: Option<Ends>,
    ) -> Option<u64> {
        let dcid = datagram.get(p.dcid.clone()).unwrap_or(&[]);
        let scid = datagram.get(p.scid.clone()).unwrap_or(&[]);
        let prior = To::new(dcid, ends).and_then(|t| self.cids.get(&t)).cloned();
        // A version negotiated after the first packet keeps its keys'
        // connection IDs but needs its own salt: known keys are for one
        // version. The connection, and its CRYPTO streams, go on (tshark
        // shows no TLS again for a ClientHello sent anew).
        let (known, streams) = match prior {
            Some(k) if k.version == p.version => (Some(k), None),
            Some(k) => (None, Some((k.to_stream, k.reply_stream))),
            None => (None, None),
        };
        let keys = match known {
            Some(k) if open_into(datagram, p, &k.to, &mut self.opened).is_some() => k,
            _ => {
                let (Some(client), Some(server)) = (
                    initial_keys(p.version, dcid, false),
                    initial_keys(p.version, dcid, true),
                ) else {
                    return None;
                };
                match open_or_number(datagram, p, &client, &mut self.opened) {
                    Ok(_) => {}
                    Err(pn) => {
                        // tshark still shows the packet number, and no frames.
                        if let (Some(pn), Ok(start)) = (pn, u32::try_from(p.start)) {
                            let h = quic::opened_header(start, pn, 0);
                            self.opened.extend_from_slice(&h);
                        }
                        return None;
                    }
                }
                let (to_stream, reply_stream) = streams.unwrap_or_else(|| {
                    let first = self.next_stream;
                    self.next_stream = first.wrapping_add(2);
                    (first, first.wrapping_add(1))
                });
                let k = CidKeys {
                    version: p.version,
                    to: client,
                    reply: server,
                    to_stream,
                    reply_stream,
                };
                self.remember(To::new(dcid, ends), k.clone());
                k
            }
        };
        // Packets to the sender of this one carry its SCID (or come back
        // between the same ports).
        let back = ends.map(|(s, t)| (t, s));
        self.remember(
            To::new(scid, back),
            CidKeys {
                version: keys.version,
                to: keys.reply,
                reply: keys.to,
                to_stream: keys.reply_stream,
                reply_stream: keys.to_stream,
            },
        );
        Some(keys.to_stream)
    }

    fn remember(&mut self, to: Option<To>, keys: CidKeys) {
        let Some(to) = to else { return };
        if self.cids.len() >= MAX_CIDS && !self.cids.contains_key(&to) {
            self.forgotten = self.forgotten.saturating_add(self.cids.len() as u64);
            self.cids.clear();
        }
        self.cids.insert(to, keys);
    }

    /// Add the CRYPTO frames of the decrypted packets to `stream` (frames
    /// come in any order: some clients shuffle them) and take the whole
    /// handshake messages its data from offset 0 now completes into
    /// `crypto`.
    fn gather_crypto(&mut self, stream: u64) {
        let mut pieces: ArrayVec<(u64, &[u8]), MAX_CRYPTO_FRAMES> = ArrayVec::new();
        let mut at = 0usize;
        while let Some(body) = self.opened.get(at + quic::OPENED_HEADER_LEN..) {
            let len = self
                .opened
                .get(at + 12..at + 16)
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map_or(0, |b| u32::from_be_bytes(b) as usize);
            let plain = body.get(..len).unwrap_or(body);
            for f in frames(plain) {
                if let Frame::Crypto { offset, data } = f {
                    if pieces.try_push((offset, data)).is_err() {
                        break;
                    }
                }
            }
            at = at + quic::OPENED_HEADER_LEN + plain.len();
        }
        if pieces.is_empty() {
            return;
        }
        let s = self.streams.entry(stream).or_default();
        let before = s.data.held();
        for (off, data) in pieces {
            s.data.add(off, data);
        }
        let grown = s.data.held().saturating_sub(before);
        let done = s.data.contiguous();
        let new = done.get(s.shown..).unwrap_or(&[]);
        let n = whole_messages_len(new);
        self.crypto.extend_from_slice(new.get(..n).unwrap_or(&[]));
        s.shown = s.shown.saturating_add(n);
        self.stream_bytes = self.stream_bytes.saturating_add(grown);
        if self.stream_bytes > MAX_CRYPTO_BYTES {
            self.crypto_forgotten = self
                .crypto_forgotten
                .saturating_add(self.streams.len() as u64);
            self.streams.clear();
            self.stream_bytes = 0;
        }
    }
}

/// How many bytes the whole handshake messages at the start of `b` take.
fn whole_messages_len(b: &[u8]) -> usize {
    let mut n = 0usize;
    while let Some(&[x, y, z]) = b.get(n + 1..n + 4) {
        let total = 4 + ((usize::from(x) << 16) | (usize::from(y) << 8) | usize::from(z));
        match n.checked_add(total) {
            Some(end) if end <= b.len() => n = end,
            _ => break,
        }
    }
    n
}

/// What a client's Initial tells about the connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuicHello {
    pub version: u32,
    pub dcid: Vec<u8>,
    pub scid: Vec<u8>,
    /// Server Name Indication (lossy UTF-8, at most 255 bytes).
    pub sni: Option<String>,
    /// ALPN protocols (at most 32, lossy UTF-8).
    pub alpn: Vec<String>,
    /// The ClientHello's legacy version.
    pub tls_version: u16,
    /// supported_versions (at most 32, GREASE included).
    pub supported_versions: Vec<u16>,
    /// Cipher suites (at most 32).
    pub ciphers: Vec<u16>,
}

/// CRYPTO data of one direction put together by offset, in any order,
/// up to [`MAX_HELLO`] bytes (what lies past it is dropped).
#[derive(Clone, Debug, Default)]
struct CryptoBuf {
    buf: Vec<u8>,
    /// Which bytes of `buf` are filled (one flag a byte).
    have: Vec<bool>,
}

impl CryptoBuf {
    /// Put `data`, found at stream offset `offset`, in its place (what is
    /// already there is overwritten: a retransmission carries the same).
    fn add(&mut self, offset: u64, data: &[u8]) {
        let Ok(off) = usize::try_from(offset) else {
            return;
        };
        if off >= MAX_HELLO {
            return;
        }
        let end = off.saturating_add(data.len()).min(MAX_HELLO);
        if self.buf.len() < end {
            self.buf.resize(end, 0);
            self.have.resize(end, false);
        }
        if let (Some(to), Some(have)) = (self.buf.get_mut(off..end), self.have.get_mut(off..end)) {
            for (t, d) in to.iter_mut().zip(data) {
                *t = *d;
            }
            have.iter_mut().for_each(|h| *h = true);
        }
    }

    /// The bytes from offset 0 up to the first hole.
    fn contiguous(&self) -> &[u8] {
        let filled = self.have.iter().take_while(|&&h| h).count();
        self.buf.get(..filled).unwrap_or(&[])
    }

    /// The bytes held (filled or not), for memory bounds.
    fn held(&self) -> usize {
        self.buf.len()
    }
}

/// A client's CRYPTO data gathered until its ClientHello is whole.
#[derive(Clone, Debug, Default)]
pub struct HelloAssembler {
    data: CryptoBuf,
    version: u32,
    dcid: Vec<u8>,
    scid: Vec<u8>,
    done: bool,
}

impl HelloAssembler {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a client datagram; returns the ClientHello once it is whole
    /// (once only). Keys come from each packet's own DCID, which is the
    /// client's first one until the server answers.
    pub fn push(&mut self, datagram: &[u8]) -> Option<QuicHello> {
        if self.done {
            return None;
        }
        let view = QuicView::new(datagram).ok()?;
        for p in view.packets() {
            if p.form != Form::Long(PacketType::Initial) {
                continue;
            }
            let dcid = view.slice(p.dcid.clone());
            let Some(keys) = initial_keys(p.version, dcid, false) else {
                continue;
            };
            let Some(opened) = open(datagram, &p, &keys) else {
                continue;
            };
            if self.dcid.is_empty() && self.scid.is_empty() {
                self.version = p.version;
                self.dcid = dcid.to_vec();
                self.scid = view.slice(p.scid.clone()).to_vec();
            }
            for f in frames(&opened.plaintext) {
                if let Frame::Crypto { offset, data } = f {
                    self.data.add(offset, data);
                }
            }
        }
        let hello = self.hello()?;
        self.done = true;
        Some(hello)
    }

    /// The ClientHello when the bytes from 0 cover its whole message.
    fn hello(&self) -> Option<QuicHello> {
        let bytes = self.data.contiguous();
        if bytes.len() < 4 || bytes.first() != Some(&1) {
            return None;
        }
        let len = u32::from_be_bytes([0, bytes[1], bytes[2], bytes[3]]) as usize;
        let msg = bytes.get(..len.checked_add(4)?)?;
        let hs = wiresift_wire::tls::Handshake::new(msg).ok()?;
        let ch = hs.client_hello()?;
        let text =
            |b: &[u8], max: usize| String::from_utf8_lossy(&b[..b.len().min(max)]).into_owned();
        Some(QuicHello {
            version: self.version,
            dcid: self.dcid.clone(),
            scid: self.scid.clone(),
            sni: ch.server_name().map(|s| text(s, MAX_SNI)),
            alpn: ch.alpn().take(MAX_LIST).map(|a| text(a, MAX_SNI)).collect(),
            tls_version: ch.version(),
            supported_versions: ch.supported_versions().take(MAX_LIST).collect(),
            ciphers: ch.cipher_suites().take(MAX_LIST).collect(),
        })
    }
}

/// The ClientHello of a client's Initial datagram, when the datagram holds
/// all of it (CRYPTO frames from offset 0, in any order).
pub fn initial_client_hello(datagram: &[u8]) -> Option<QuicHello> {
    HelloAssembler::new().push(datagram)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes_gcm::aead::{Aead, Payload};
    use wiresift_wire::field::Value;

    fn num(v: Value<'_>) -> u64 {
        match v {
            Value::UInt(n) => n,
            _ => u64::MAX,
        }
    }

    fn unhex(s: &str) -> Vec<u8> {
        let s: Vec<u8> = s.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
        s.chunks(2)
            .map(|c| u8::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap())
            .collect()
    }

    const RFC_DCID: &str = "8394c8f03e515708";

    #[test]
    fn rfc9001_appendix_a1_keys() {
        let dcid = unhex(RFC_DCID);
        let c = initial_keys(1, &dcid, false).unwrap();
        assert_eq!(c.key.to_vec(), unhex("1f369613dd76d5467730efcbe3b1a22d"));
        assert_eq!(c.iv.to_vec(), unhex("fa044b2f42a3fd3b46fb255c"));
        assert_eq!(c.hp.to_vec(), unhex("9f50449e04a0e810283a1e9933adedd2"));
        let s = initial_keys(1, &dcid, true).unwrap();
        assert_eq!(s.key.to_vec(), unhex("cf3a5331653c364c88f0f379b6067e37"));
        assert_eq!(s.iv.to_vec(), unhex("0ac1493ca1905853b0bba03e"));
        assert_eq!(s.hp.to_vec(), unhex("c206b8d9b9f0f37644430b490eeaa314"));
    }

    /// RFC 9001 A.3: the server's Initial (short enough to paste whole).
    #[test]
    fn rfc9001_appendix_a3_server_initial() {
        let pkt = unhex(
            "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a
             5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3
             dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84
             022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4
             2158407dd074ee",
        );
        let v = QuicView::new(&pkt).unwrap();
        let p = v.packets().next().unwrap();
        assert_eq!(p.form, Form::Long(PacketType::Initial));
        let keys = initial_keys(1, &unhex(RFC_DCID), true).unwrap();
        let o = open(&pkt, &p, &keys).unwrap();
        assert_eq!(o.packet_number, 1);
        assert_eq!(
            o.plaintext,
            unhex(
                "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739
                 88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c94
                 0d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00
                 020304"
            )
        );
        let fr: Vec<_> = frames(&o.plaintext).collect();
        assert_eq!(fr[0], Frame::Ack { largest: 0 });
        assert!(matches!(fr[1], Frame::Crypto { offset: 0, data } if data.len() == 90));
    }

    /// RFC 9001 A.2's client Initial built from its plaintext (the CRYPTO
    /// frame and padding to 1162 bytes) and protected by hand here; opening
    /// it gives back the plaintext and the ClientHello.
    fn rfc9001_client_initial() -> (Vec<u8>, Vec<u8>, Keys) {
        let crypto = unhex(
            "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868
             04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578
             616d706c652e636f6dff01000100000a00080006001d00170018001000070005
             04616c706e000500050100000000003300260024001d00209370b2c9caa47fba
             baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400
             0d0010000e0403050306030203080408050806002d00020101001c0002400100
             3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000
             75300901100f088394c8f03e51570806048000ffff",
        );
        let mut plain = crypto.clone();
        plain.resize(1162, 0);
        let header = unhex("c300000001088394c8f03e5157080000449e00000002");
        let keys = initial_keys(1, &unhex(RFC_DCID), false).unwrap();
        // Protect: AEAD then header protection (RFC 9001 §5.3, §5.4).
        let mut nonce = keys.iv;
        nonce[11] ^= 2;
        let ct = Aes128Gcm::new(&keys.key.into())
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: &header,
                },
            )
            .unwrap();
        let mut pkt = header.clone();
        pkt.extend_from_slice(&ct);
        let pn_off = header.len() - 4;
        let mut block = aes::Block::clone_from_slice(&pkt[pn_off + 4..pn_off + 20]);
        Aes128::new(&keys.hp.into()).encrypt_block(&mut block);
        // RFC 9001 A.2: sample d1b1c98dd7689fb8ec11d242b123dc9b, mask 437b9aec36.
        assert_eq!(block[..5].to_vec(), unhex("437b9aec36"));
        pkt[0] ^= block[0] & 0x0f;
        for i in 0..4 {
            pkt[pn_off + i] ^= block[1 + i];
        }
        assert_eq!(
            pkt[..pn_off + 4].to_vec(),
            unhex("c000000001088394c8f03e5157080000449e7b9aec34")
        );
        assert_eq!(pkt.len(), 1200);
        (pkt, plain, keys)
    }

    #[test]
    fn rfc9001_appendix_a2_client_initial() {
        let (pkt, plain, keys) = rfc9001_client_initial();
        let v = QuicView::new(&pkt).unwrap();
        let p = v.packets().next().unwrap();
        let o = open(&pkt, &p, &keys).unwrap();
        assert_eq!(o.packet_number, 2);
        assert_eq!(o.plaintext, plain);
        let h = initial_client_hello(&pkt).unwrap();
        assert_eq!(h.sni.as_deref(), Some("example.com"));
        assert_eq!(h.alpn, ["alpn"]);
        assert_eq!(h.dcid, unhex(RFC_DCID));
        assert_eq!(h.ciphers, [0x1301, 0x1302]);
        assert_eq!(h.supported_versions, [0x0304]);
    }

    #[test]
    fn hostile_bytes_are_refused_quietly() {
        let keys = initial_keys(1, b"12345678", false).unwrap();
        let mut d = vec![0xc0, 0, 0, 0, 1, 8];
        d.extend_from_slice(b"12345678");
        d.extend_from_slice(&[0, 0, 0x40, 0x40]);
        d.resize(80, 0x11);
        let v = QuicView::new(&d).unwrap();
        let p = v.packets().next().unwrap();
        assert!(open(&d, &p, &keys).is_none());
        assert!(initial_client_hello(&d).is_none());
        for n in 0..d.len() {
            let _ = initial_client_hello(&d[..n]);
        }
        // Frames over junk: every step consumes bytes.
        let junk = [0x02, 0x00, 0x00, 0xff, 0x06, 0x00, 0x3f, 0x1c];
        assert!(frames(&junk).count() <= junk.len());
    }

    /// The RFC 9001 A.3 server Initial, whose empty DCID says nothing: its
    /// keys are found by the addresses of the client Initial (A.2) it
    /// answers.
    const RFC_SERVER_INITIAL: &str =
        "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a
             5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3
             dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84
             022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4
             2158407dd074ee";

    #[test]
    fn initials_open_both_sides_for_the_views() {
        let (client, _, _) = rfc9001_client_initial();
        let server = unhex(RFC_SERVER_INITIAL);
        let c = ([10u8; 16], 50000u16);
        let s = ([20u8; 16], 443u16);
        let mut ini = Initials::new();
        {
            let v = QuicView::new(&client).unwrap();
            let (v, tls) = ini.datagram(v, Some((c, s))).unwrap();
            let mut sum = String::new();
            v.summary(&mut sum);
            assert_eq!(
                sum,
                "Initial, DCID=8394c8f03e515708, PKN: 2, CRYPTO, PADDING"
            );
            let tls = tls.unwrap();
            let ch = tls.client_hello().unwrap();
            assert_eq!(ch.server_name(), Some(&b"example.com"[..]));
            let mut sum = String::new();
            tls.summary(&mut sum);
            assert_eq!(sum, "Client Hello");
        }
        // The server's answer: no DCID, known by its ports.
        let v = QuicView::new(&server).unwrap();
        assert!(Initials::new()
            .datagram(v, Some((s, c)))
            .map(|(_, t)| t.is_none())
            .unwrap());
        let (v, tls) = ini.datagram(v, Some((s, c))).unwrap();
        let mut sum = String::new();
        v.summary(&mut sum);
        assert_eq!(sum, "Initial, SCID=f067a5502a4262b5, PKN: 1, ACK, CRYPTO");
        let mut types = Vec::new();
        v.field(quic::Field::FrameType, &mut |x: Value<'_>, _| {
            types.push(num(x))
        });
        assert_eq!(types, [2, 6]);
        let tls = tls.unwrap();
        assert_eq!(
            tls.server_hello().map(|h| h.cipher_suite()),
            Some(Some(0x1301))
        );
    }

    /// arkime__arkime_synthetic.pcap frame 316: an Initial whose payload
    /// does not open (tshark: "Decryption (checktag) failed") still shows
    /// its packet number, as tshark's Info does: `PKN: 64007`.
    #[test]
    fn a_packet_that_does_not_open_keeps_its_number() {
        let mut d = vec![
            0xc0, 0, 0, 0, 1, 8, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0x44, 0xa0,
        ];
        d.resize(1202, 0);
        let v = QuicView::new(&d).unwrap();
        let mut ini = Initials::new();
        let (v, tls) = ini.datagram(v, None).unwrap();
        assert!(tls.is_none());
        let mut pn = Vec::new();
        v.field(quic::Field::PacketNumber, &mut |x: Value<'_>, _| {
            pn.push(num(x))
        });
        assert_eq!(pn.len(), 1);
        let mut sum = String::new();
        v.summary(&mut sum);
        assert!(
            sum.starts_with("Initial, DCID=0101010101010101, PKN: "),
            "{sum}"
        );
    }

    /// arkime__quicietf.pcap frame 1: a client Initial (v1) whose ClientHello
    /// tshark shows with SNI ssl.gstatic.com and ALPN h3 (UDP payload).
    const QUICIETF_FRAME1: &[&str] = &[
            "c700000001083233ff7a63cd9d380037004f4b86abfb112e86fe490976c43797825b8cb06b5654d1473c0279b561e4a5",
            "ac15c8fbdecfbd939c4824d32a948deb8108e26335938044e958044d172918803bc05f5b2cbe9484a904eec9c1c3c0e3",
            "7f835460f4d0422387b145391c62c7e72ef4a5ffc0e121c27308d58a327cbdf40e1638746f06a06391e3cfeff02bff57",
            "79eceed4890fec27820d352cbc889952571d24d25cd77fb76798efb6b2be3759ae151bf9f42cb16e1304e437b2100ffb",
            "8cb21e850e54b0745a788eb46f48416094a4dfb642085709fe987e412d1eed620ec5eae1f772b0dab002df36c99792d6",
            "4f7f01aced4de076ee1bb258373663189026d2bca4322771b36d4e8869f48e0e7fab53334c3285b0cae96d29e6941c9a",
            "ff6cb73124d6ef3f45d01823d9b4da7e2169a7dfbc1d22c928854c308f629805aa651586c99bcf4fd48fa0fd85421230",
            "c060dbb0f8c4404131c1eed65f0ffc5e9ee56dc6aba18d76f5fdc6a386d6082082a82e1a6ea74c57b9fb190a27a2e670",
            "0e7af69657edab249db71eb3bc027fad2ef68040bf11e20f0892a35342068d6ab5a723af148e2ae78a05618f09137f78",
            "7ae9a4aa50cbefbc04704bab671cb0581e1663554c165f44f66236b3c3caec82b4ddaa732aa2983d1cc4a364d5856386",
            "868320f60d5709db273859842fb11e4e6367723695e0986285d54747cc5803ca74586ddaaf72b066b2a89babdf67aeb6",
            "869d025cc439ca2beb179622fae6bac9b53413cadeb408b5a4f6699b703a7d72de6de066c285c19a5e8bea3c777bec73",
            "82fb2b86487bb00adb42ab59d782611ad03d69016718d19c42274aed74110ac74a142904907b63d034bcb7e5425ec0c8",
            "915dea09a84c003e463a4bd7cf17d841cd6e7e1f8e50e8119b6474ec73c8144b5ed385a348c536e344b8711778fdf872",
            "78f24c228985c2a5569efc1048a8c93274db976b310bdd06f2c588776581073ad2d34a08824c2a315d348736249754c0",
            "ed1254a9bb6e297197594cc3f33e7789d84689399864968163559ec11264697e98cb98d6e446f2ccc65af9a1172e80e4",
            "e53092e0f31b12086d9ef21c75b907a6341dfed534f18af19b9e14aa20f36b78f5295b8dcdee51a3f77ea0d85894d2a3",
            "d76c857037aee7f409465d228e85fc0336886701cf471d486649cadd0fab7d4e8ff7e712bc28fe570e14bd6d07bfbefc",
            "f37a88aa1f4dd15242603f7096afa250e332952d70f445b947865a395cdfa14f4d628e36081d0654389b2cff73fccab2",
            "4b19df5e268ca916b5d11b8f8e61c4770e11a9f7891080654eeb1195aff45f29c7b16e9fd110b25d83cef56bbd5daef2",
            "828e380cd981d25d4ff32f50e386d9d584ed21edd5223dcdee1f06f3982b0eaba52836e28c44c34d07a78cc65a0d643e",
            "cc6b848f1b2f799243de430fbc56847781b101ad620c65cd00f0c64eb84e6dc83fe65f84b2ccbfca939f9e2ff8309592",
            "02c2b8969453cb61e758f2e951c1df6e64f11a80996ea6292a3da57189420358c202ba302ed385b89e722f7ad84e9991",
            "08316823579d86120004a99277abb908d62bb5cdc97f22856dae4b79d45726ee5c9c5c2ab779d23b17b6116d042106d4",
            "1251887a7121da4350def794c1b56c15f256a34b851f0ce4f308d53b1ae113d7e4da6037d4118457fde3a5622c772a9a",
            "a0be9d3fa081d742d1e17a53165afbdbb89dbf947f38b8885be6aff73f27012d132d6364eb89c8905a06b4e1b6ebfe3c",
            "5916ffbb73b64bc7a9a976a763833b78b516bc1f50541af72984ac73bfe9b32be3eaa7bc7780821d935ade518e41522a",
            "ba6fee9c6828499a2d92c6d78a4f86116cd5893c3e732085ffa75e6fcadd04a5cef1",
    ];

    /// ndpi__quic-v2.pcapng frame 1: a client Initial of QUIC v2 (RFC 9369
    /// salt and labels); tshark: SNI "test", ALPN h3.
    const QUIC_V2_FRAME1: &[&str] = &[
            "d66b3343cf080726272642fc2eb20811fffdea452422b832a196c2fa15ec4a99b399b9116eb2c5ef233065423a33ac16",
            "db1be7c47541e1dbc9337bc0326b173b40bfcb11d25b647d0e8141c89fd5d4fe0ae06a3a4962392c9e91c2e1b3920ae3",
            "f12a7128aed5573623691908c9962a936cabe187e5acf4e4047e6fe88834c87e48cab6336dcf659934dffc133e0b4672",
            "e74e81a0d801d41fd6abdb6e04c27d9c831771e2c8fe0e025fe22818a653f609bbf7f500392b83579bdb2ef50507795f",
            "7bf7a63c939e9c6b8292d9fafbfd0daff19350ccb31c473981ddcff35e2d44465427a3ce8f5f91da78c35e9479bf6d37",
            "2b5ac20129844c77052541040d4f2f1567dddd86ebe0b18efcde66d1098ee7a330ec771df5edc99baaa853ef72b0a49b",
            "685d976f83600e5bbed12fb1c123e189b90a7585bf3e3bc42ef017d060cb4638a4e693cc9e04916be5ea6bf5f0b46aaa",
            "166619dc465a0ddb25b89226216b70dc49014284ee512ca3ba354cdd26fdc3a36e5e41693069e7fa89fb45d8c687802c",
            "8362440d78ab2c727e7827af5663be939dd4888ace2214195d0e8861f7dfbcc0c3c886c03ee2424d960192010158c016",
            "737b5a6edaf09f13f65d830e476c41a07c7e6badfc1ff2e2a70b0f1ad551ef429e0ef6b0d85b0834c08ffdef70af1745",
            "ad61b83381339680ae39b9c92e5cdb8475f5efd7b76b3f7877126431960b60a5a61b3a12ee1e5f1eea7958b16d0c4859",
            "9bf4f6bee36b3343cf080726272642fc2eb20811fffdea452422b842a36e46d441f8c3f756c608d417943fb77a8fdc13",
            "b99403e5bb94d6a809d67cdfbffe00d687862536d8dcbb9a0d94a3aa080c8fe40379d52d3f982a521af9900d8034fb0a",
            "e504b28073dc59a189c126ab9fe636588d1034f9dc00ebb01e8729d663404e00f0e38e902af72e2b92387dcab96bea2b",
            "445b8f3f6c2bafb3fc01aa152bf874c8d4b3b46bfbf5b6167a139ca4cda71a917762b3013a7b6e7bcb9fe6fc13b32136",
            "36dd97389174e56d63302a1fde2f20938e20c7bc6bdfe8890528b53c72f1f346d5a8d964a46f2f49ea554eb3754a8788",
            "caeed7fc6e49acd25302f3f8e53b1173264a443e665bc09d3a73f183ed3deb90974a6c993cd0aa6fae24e23fef2e4934",
            "16d858f981dda4632e306b7544ec9fb65c144baeb456c895baf6e310f611537be8e07e4ebddec383c455fe882539b08f",
            "a0073a7e66cc5ee81f836dfec3ef43d77dc30b260ebe17f1c13eb609897cba3648ebe0a7dae509fddfddf290e69d7a25",
            "ac5db1920dd5806c6165fe4905fccdd96355636883c977d68d987672c1d96c6efae19bfa7494f89b66d61e0980847448",
            "463834485b07515833ed34ae181adfb4ec769836a626d4efa240c6f1f010a1f142c9f948edde0a0840b66c9e248698f4",
            "56397ed4dc6c3e3ec5bac71812ad41e36531e8ba62faf269cbbce55ae5e3201d443f3504ea9727787ad20ff0b8e73eda",
            "0d7c522fd467beec602f7a536da1c248262305d26efe21f17ddb9b5409fe19145aa3df1629d5a381c83035284fc94941",
            "0a7c1d66e727cd2e96b0c2664754dfa7c7c465be6555e462bf83b9404a4f266b0df00373f8de23b90c28c92a9c33e7a6",
            "5aa6258cb1d5b26ec1f74c05430d67c0122e19c0f5b066e16727145c0047e77b8113d41e73456795f5c6db66d4caaab7",
            "d25c18a72a163d75b9ec4569146cb20de5ac44b365b03452be4c05734b28603c",
    ];

    /// The per-packet views of arkime__quicietf.pcap frame 1, as tshark
    /// shows them: `Initial, DCID=3233ff7a63cd9d38, PKN: 1, CRYPTO, PADDING`,
    /// quic.frame_type 6,0, quic.crypto.offset 0, length 644, and the
    /// ClientHello (SNI ssl.gstatic.com, ALPN h3) as a TLS layer.
    #[test]
    fn real_client_initial_in_a_dissection() {
        let d = unhex(&QUICIETF_FRAME1.concat());
        let mut ini = Initials::new();
        let mut dis = Dissection::default();
        dis.push_reassembled(Layer::Quic(QuicView::new(&d).unwrap()));
        ini.frame(&mut dis);
        let Some(Layer::Quic(v)) = dis.layers.first().map(|e| e.layer) else {
            panic!("no QUIC layer");
        };
        let mut sum = String::new();
        v.summary(&mut sum);
        assert_eq!(
            sum,
            "Initial, DCID=3233ff7a63cd9d38, PKN: 1, CRYPTO, PADDING"
        );
        let mut vals = Vec::new();
        for f in [
            quic::Field::PacketNumber,
            quic::Field::FrameType,
            quic::Field::CryptoOffset,
            quic::Field::CryptoLength,
        ] {
            v.field(f, &mut |x: Value<'_>, r: std::ops::Range<usize>| {
                assert!(r.end <= d.len());
                vals.push(num(x))
            });
        }
        assert_eq!(vals, [1, 6, 0, 0, 644]);
        let Some(Layer::Tls(t)) = dis.layers.get(1).map(|e| e.layer) else {
            panic!("no TLS layer");
        };
        let ch = t.client_hello().unwrap();
        assert_eq!(ch.server_name(), Some(&b"ssl.gstatic.com"[..]));
        assert_eq!(ch.alpn().collect::<Vec<_>>(), [&b"h3"[..]]);
        // Cut anywhere, or bytes flipped: no panic.
        let mut ini = Initials::new();
        for n in (0..d.len()).step_by(5) {
            if let Ok(v) = QuicView::new(&d[..n]) {
                let _ = ini.datagram(v, None);
            }
        }
        let mut e = d.clone();
        for i in (0..e.len()).step_by(3) {
            e[i] ^= 0x5a;
            if let Ok(v) = QuicView::new(&e) {
                let _ = ini.datagram(v, None);
            }
        }
    }

    #[test]
    fn real_client_initials() {
        let d = unhex(&QUICIETF_FRAME1.concat());
        let h = initial_client_hello(&d).unwrap();
        assert_eq!(h.version, 1);
        assert_eq!(h.sni.as_deref(), Some("ssl.gstatic.com"));
        assert_eq!(h.alpn, ["h3"]);
        let d = unhex(&QUIC_V2_FRAME1.concat());
        let h = initial_client_hello(&d).unwrap();
        assert_eq!(h.version, quic::version::V2);
        assert_eq!(h.sni.as_deref(), Some("test"));
        assert_eq!(h.alpn, ["h3"]);
        // Cut anywhere: no hello, no panic.
        for n in (0..d.len()).step_by(7) {
            let _ = initial_client_hello(&d[..n]);
        }
    }

    /// arkime__arkime_synthetic.pcap frames 624 and 625 (UDP payloads,
    /// 10.99.99.10:10000 to 10.99.99.20:443): a ClientHello with a
    /// post-quantum key share in shuffled CRYPTO frames over two Initial
    /// datagrams. tshark shows no TLS on 624 and the ClientHello (SNI
    /// config.edge.skype.com, ALPN h3, cipher suites 0x1301-0x1303) on 625.
    const SYNTHETIC_FRAME624: &[&str] = &[
        "cf00000001085354c48bc75080b2000044d022b5e3e5568d474a63f9993393f0cbda03277d89308b46569d5330ec1ae2",
        "f900951391467ab88a1748960f26b39621da3edbc9fe8eea20267c8ad386b19132388da212a031ebbf0d3456a5b38746",
        "2ed5f5df8be0851edea6093b8775f4e6561995211151959470d05d5ace50bb6daabee9fcaa0b2bd3bd77d9b0a7db5a01",
        "92e845ab9f08504305fddf600e15643aa5047a2a898584e5e63743b3d7b9602f244864093dde61123576bd99e451e6a0",
        "506f9914e938626bad4b7657a73ad9bc9dbc15b9769421be9a7aa088c5c424eb9dbcaba1484e00d93619a9578aeac5e0",
        "5266931f1cda04055955613a44d16fa6f611a793b493fc5c65bce4980c6abf948b9ea2ef0253a63a0f296a7d0b94c934",
        "8ad348dd213c42a19bbf885444b4920414e1c204d887eca23bb65d7caeaa801b054183f9f4b2019cacbb9561fc156afa",
        "886180888ec15d124b3cd91d606c26c1f748a1a6c352db3c03a6c9869fe7e7300ea432071862b76a3c7493f430171ac8",
        "ec747eacb48a90a96d1df081d3fd1f16b5717006047d516d96300cdb472d481ea9d177161e11eb0c6ca55e1f15ef27c3",
        "c9e2c60baa24a7bc4c0863f90e93f8a1457bf88995176fb09e7c462511f6c661bfb7a98dbfe4ba8d7e30671ee8a68ce7",
        "47d7d853abd8b29914cb4d164e65db0dd7366dac9bff1f24bcfb955d7324d3300b36d5087d0fb53feb3d78df65cfb62c",
        "0fd4d55f578fcaf5d8897f0aed09e08ea019ada136fffaf23a81a610f0c83323e7488ad913458429b15ea477785c96ec",
        "46f3b22527d24f7a517fb172bc29154978be5e77166a0f42e596eb9c122641436096542782aa45aeec8560287ab3d05c",
        "e8b8ae9e8b6aa94d2247023d12699ee0e9466eba037f693b46d5c06c220e103eb3cd41efc4767d080eeea533675ff12e",
        "6d2e14ccea7754e5abe2455d3b261058b3cae97f1d44cba6ff814a9ffa8b90a4f73005544bdb1ac9f1e30337583df9b4",
        "301715fa5a06d3bb5098ed6aa582deb903501aa51b6477e1a759a004ca26cc0ad532c21e2f088a36dce810fb0daeda37",
        "fce2238f879e13124190115e8eeff83135827f5d6aabbe11082e49d99fd7817bde04a1fa372010287bf4a75b88f6e4f1",
        "cf7cd0b9b190813b4f18ebc0fcaa044e9b9b76e6be45d658dad130ee55fec72edd08feecca2b4d163e0412a6c1e96336",
        "dc9aaeb74404531205c53324558f4d02ececa202793356be095f3fcb419c57a95a1f979c1b037dbf0361583bb12a067f",
        "7d81366e03ae17cbfd715151f1a211b64ad64f95f910c359a57237ad942615a4827cd79bce4580055eb15e9dbe2c16f3",
        "babeae09bf48381ec0b47b3d104141a640d28de34ab3b51b673615121142908734de829235b564bb55dbee40e08487ec",
        "0480584e2b4c8f2628b334d58757a68465f196a78ab91a88f1078ec0825d213b40b625f351461bc1e6a4950815faa06b",
        "5d6b20326361501893d1448d85364a28542224338ed7befcd4bc3bf1ec8e364aa7e33f834c8ab67793c2a137557090f4",
        "cc710b3c0e1a5e83737ebe3d97b4574c32f5c6a82ae007213b3903a27a70cc5a2a4e3b7679315e768d9b64cd761296dd",
        "ee90d02c17a705aef6aefe6ef43084ee8bae0aad48f50665aa31b92f63a31b007b0da22577889fe351dce185ca5558a6",
        "060fe79f54dda0121cc4b613a41eccb55067780b8511967fd6c931ed589e90cbe7280bc2fb5846adb3a31024468a237c",
        "4607",
    ];

    const SYNTHETIC_FRAME625: &[&str] = &[
        "c400000001085354c48bc75080b2000044d0ea25c43f9f63439a8caa4f9b885404cfcd17bcd2b8c04dbd630b1b078d34",
        "67f0da2701943f82ac9da42ab6ddd2939cdef82fb439976f40d70a39d0f2f7559d596d0c6a63a713ffb99cd10441fcd4",
        "d7e6b146a1e7620061cd78de1f5f09b11a85f3e73be3233d664062d58e596296ce9923d16e8c0570e7bbf696f845cd19",
        "716109b6dcbe6fb10d3bbef6c84fe0082240a91ec18645a2cdef86f3023843ccf9f432376bff4812e2ff74facd3fff6d",
        "8a0976b5b47ad7f23965f63b4981babde00430559964c1dee2a5ced5f4c952af311e00eee7b042394139451e0a128afc",
        "9737cf44d42738b88264625d4f87dcf11e477fa6fe77b582156a88d4ea99562019591712c1366058b147e7f12bc2879a",
        "61eb03043d70c30b3cd456879ee6c1199f2af9c879c4dac2e9c61bb4ad3eba73a742c0d696f328f79a167a58a06a3871",
        "c33d14cf42f61fd7347d5a23bd095c6fc8dca1fb1afc1aad833ffd823102c1a0a23ba912d7711ea009d9ce6c138853ed",
        "070e0a12ae3e10dcfe79ded7c47aa3a03a4ba1a8535599c1ad49f17b27eff2943f980db9307283899ec4daa0c5b8d148",
        "1da65dbb95560296347148b1b461e2363ea737e0c65ab3f2013a026f8e9133a278200eb282e0c8c59a2e9f003a4b2a95",
        "c0a80f48674e39c79964ec171041b5423e75f77ede6322f7d0599c3206f6d97998081022fb2a74d8d04c370f5ea2a1d5",
        "e13401874197c2f71a5d695d9b66393b1536ce26d6e1a3cafa3fca428b7f85c4bbec39778bbf14e2aef005361ba002aa",
        "affa19a79046ddf4d56138a81c98654b49a8627356112bc3a6214c38400265bd9920e3b7e63ff1e40bbb45c7d2c9e06d",
        "d9f6a759d7b03e3e5613af32ba23ed3e264390fde74300dfe5773f1df1fd32c3c71b27847c5666eb051111e3b9af9ce8",
        "40b47e3dc583caa9824f929dcc0e46d9c4c6154ec8f00ec8808c496f48310ebfe5ef432662cd9103129afcab3cd2c25a",
        "10f470362ab45800cd1e6af69ed7894fb151a8518dd68ff8c1b1284e2a34ae8acb6abe6b057e1d6201142596c1513896",
        "44a9cdd396d653998ce85dbff20a752c2bd78eeefbc0906d197f0fbff50478f141d9ef436047258cd3aafbd046a88224",
        "93190f4ea7b6e5907f7df544dd097a4972aee9c971e9a686a807dbce8eb2e22d2b159562b79c38ef06421f8927b64225",
        "c4da9f71b67ceecb8c3528ff67deba2c203e76eabaf28df0f528525d06787ea5ee07c0eb684e87e6c307046a8083d46c",
        "26db791c7d0407ea3eb1145b21248ed91233ec0b7ea97d3758c914f1e4ae736be849717ca06d225b817fb621588970cf",
        "805355d988cf2d35eba338523e4bebb0c555329ac0c409d5bb5d49cfc1deb32f0bd106ff445d4ddd9a6dff33434af321",
        "7a9b17fb74f522773589397a089c7df22341e805a5581610514b54c5fd289b87e65bbf90f135394b9204e9897b58b83c",
        "aab4fa96ec87662ffcd6cf12ea8f4d90b8d2aeca4743eb2c354f6e263702cd1b14caf30415fc346aa440e78d770f4e57",
        "71aad60c0c71d6bb5f3f8b900dd4ae1b2abe9b9fd2aaf930f30013c44dea244dc5b679dbe6776c968b90d6d6909967c9",
        "d33485c89ca1d60d4bc4be75783d4c7317215322f3920959b93e0aa022513088e2e8b4b8a7e94698e7a5e8f33cd79983",
        "cb33dd656b94d615053e75d8107d23ec0131bb57a5ea3731d7df0537254185975f8320b95b558e4f70363a86a16cfcbd",
        "12ee",
    ];

    #[test]
    fn a_client_hello_over_two_datagrams_shows_on_the_one_that_completes_it() {
        let a = unhex(&SYNTHETIC_FRAME624.concat());
        let b = unhex(&SYNTHETIC_FRAME625.concat());
        let c = ([10u8; 16], 10000u16);
        let s = ([20u8; 16], 443u16);
        let mut ini = Initials::new();
        let (_, tls) = ini
            .datagram(QuicView::new(&a).unwrap(), Some((c, s)))
            .unwrap();
        assert!(tls.is_none());
        let (_, tls) = ini
            .datagram(QuicView::new(&b).unwrap(), Some((c, s)))
            .unwrap();
        let ch = tls.unwrap().client_hello().unwrap();
        assert_eq!(ch.server_name(), Some(&b"config.edge.skype.com"[..]));
        assert_eq!(ch.alpn().collect::<Vec<_>>(), [&b"h3"[..]]);
        assert_eq!(
            ch.cipher_suites().collect::<Vec<_>>(),
            [0x1301, 0x1302, 0x1303]
        );
        // Sent again: the messages were shown already (tshark: no TLS).
        let (_, tls) = ini
            .datagram(QuicView::new(&b).unwrap(), Some((c, s)))
            .unwrap();
        assert!(tls.is_none());
        // The second alone holds no whole message.
        let mut fresh = Initials::new();
        assert!(fresh
            .datagram(QuicView::new(&b).unwrap(), Some((c, s)))
            .unwrap()
            .1
            .is_none());
        // The logs' assembler puts the same bytes together.
        let mut h = HelloAssembler::new();
        assert!(h.push(&a).is_none());
        let hello = h.push(&b).unwrap();
        assert_eq!(hello.sni.as_deref(), Some("config.edge.skype.com"));
        assert_eq!(hello.alpn, ["h3"]);
    }

    /// A v1 client Initial to `dcid` carrying `plain`, protected (RFC 9001
    /// §5.3, §5.4) with the keys anyone derives from `dcid`.
    fn seal(dcid: &[u8], plain: &[u8]) -> Vec<u8> {
        let mut header = vec![0xc3, 0, 0, 0, 1, dcid.len() as u8];
        header.extend_from_slice(dcid);
        header.extend_from_slice(&[0, 0]);
        let len = 4 + plain.len() + 16;
        header.extend_from_slice(&(0x4000 | len as u16).to_be_bytes());
        header.extend_from_slice(&[0, 0, 0, 0]);
        let keys = initial_keys(1, dcid, false).unwrap();
        let ct = Aes128Gcm::new(&keys.key.into())
            .encrypt(
                Nonce::from_slice(&keys.iv),
                Payload {
                    msg: plain,
                    aad: &header,
                },
            )
            .unwrap();
        let pn_off = header.len() - 4;
        let mut pkt = header;
        pkt.extend_from_slice(&ct);
        let mut block = aes::Block::clone_from_slice(&pkt[pn_off + 4..pn_off + 20]);
        Aes128::new(&keys.hp.into()).encrypt_block(&mut block);
        pkt[0] ^= block[0] & 0x0f;
        for i in 0..4 {
            pkt[pn_off + i] ^= block[1 + i];
        }
        pkt
    }

    /// Connections that each leave a hole in their CRYPTO data hold their
    /// bytes until the budget is spent; then the streams start afresh,
    /// counted, and what is held stays under the bound.
    #[test]
    fn crypto_held_over_connections_is_bounded() {
        // CRYPTO at offset 1000, 1000 bytes: nothing to show, 2000 held.
        let mut plain = vec![0x06, 0x43, 0xe8, 0x43, 0xe8];
        plain.resize(5 + 1000, 0x16);
        let mut ini = Initials::new();
        let n = MAX_CRYPTO_BYTES / 2000 + 10;
        for i in 0..n as u32 {
            let pkt = seal(&i.to_be_bytes(), &plain);
            let (_, tls) = ini.datagram(QuicView::new(&pkt).unwrap(), None).unwrap();
            assert!(tls.is_none());
            assert!(ini.stream_bytes <= MAX_CRYPTO_BYTES);
        }
        assert!(ini.crypto_forgotten > 0);
        // A frame past the largest hello is dropped, not held.
        let mut far = vec![0x06, 0x80, 0x01, 0x00, 0x00, 0x40, 0x10];
        far.resize(7 + 16, 0x16);
        let pkt = seal(b"far", &far);
        let before = ini.stream_bytes;
        ini.datagram(QuicView::new(&pkt).unwrap(), None).unwrap();
        assert_eq!(ini.stream_bytes, before);
    }
}
