//! Handshake messages: the 4-byte header, and the inner structure of the
//! hellos (vectors, extensions), Certificate and NewSessionTicket.
//!
//! Every vector is read as tshark reads it: the length prefix is shown, and
//! when the length is out of its allowed range or runs past the end of what
//! encloses it, nothing after it in the message is read. Offsets given out
//! are relative to the layer (the view), for the fields' byte ranges.

use super::{extension_type as ext, handshake_type, is_grease};
use crate::bytes::{be16, be24, be32, clamp, u8_at};
use crate::error::{need, Error};

/// The value of the random of a HelloRetryRequest (SHA-256 of
/// "HelloRetryRequest", RFC 8446 section 4.1.3).
pub const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// A length-prefixed vector inside some bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Vector {
    /// Offset of the length prefix.
    pub at: usize,
    /// Size of the prefix (1, 2 or 3 bytes).
    pub size: usize,
    /// The declared length.
    pub len: usize,
    /// The data fits in the bytes.
    pub ok: bool,
}

impl Vector {
    /// The vector whose `size`-byte prefix is at `at` in `b`; `None` when
    /// the prefix itself is not there. (tshark only flags a length outside
    /// the field's range; it stops at one that runs past the end.)
    pub fn read(b: &[u8], at: usize, size: usize) -> Option<Vector> {
        let len = match size {
            1 => usize::from(u8_at(b, at)?),
            2 => usize::from(be16(b, at)?),
            _ => be24(b, at)? as usize,
        };
        let start = at.checked_add(size)?;
        let fits = start.checked_add(len).is_some_and(|e| e <= b.len());
        Some(Vector {
            at,
            size,
            len,
            ok: fits,
        })
    }

    pub fn start(&self) -> usize {
        self.at.saturating_add(self.size)
    }

    /// The end of the data (meaningful when `ok`).
    pub fn end(&self) -> usize {
        self.start().saturating_add(self.len)
    }

    /// The data, empty unless `ok`.
    pub fn data<'a>(&self, b: &'a [u8]) -> &'a [u8] {
        if self.ok {
            b.get(self.start()..self.end()).unwrap_or(&[])
        } else {
            &[]
        }
    }

    /// The prefix's range, shifted by `base`.
    pub fn len_range(&self, base: usize) -> std::ops::Range<usize> {
        base + self.at..base + self.start()
    }

    /// The data's range, shifted by `base`.
    pub fn data_range(&self, base: usize) -> std::ops::Range<usize> {
        base + self.start()..base + self.end()
    }

    /// The vector after this one, if this one is good.
    pub(crate) fn next(&self, b: &[u8], size: usize) -> Option<Vector> {
        if self.ok {
            Vector::read(b, self.end(), size)
        } else {
            None
        }
    }
}

/// One handshake message: the 4-byte header (12 bytes in DTLS) and its
/// body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handshake<'a> {
    /// Header and body (the body clamped to what is at hand).
    bytes: &'a [u8],
    /// Offset of the message in the layer.
    offset: usize,
    /// DTLS: the header adds message_seq, fragment_offset and
    /// fragment_length, and a ClientHello carries a cookie.
    dtls: bool,
}

/// Length of a DTLS handshake header: type(1) length(3) message_seq(2)
/// fragment_offset(3) fragment_length(3).
pub const DTLS_HEADER_LEN: usize = 12;

impl<'a> Handshake<'a> {
    /// A message over `bytes` (header first), for instance one the engine
    /// reassembled from several records; offsets are then relative to it.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, 4)?;
        Ok(Handshake {
            bytes,
            offset: 0,
            dtls: false,
        })
    }

    /// A DTLS message over `bytes` (12-byte header first). Its body is the
    /// fragment the header describes; a whole message has fragment offset 0
    /// and fragment length equal to its length (see [`Handshake::is_whole`]).
    pub fn new_dtls(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, DTLS_HEADER_LEN)?;
        Ok(Handshake {
            bytes,
            offset: 0,
            dtls: true,
        })
    }

    pub(crate) fn at(bytes: &'a [u8], offset: usize) -> Self {
        Handshake {
            bytes,
            offset,
            dtls: false,
        }
    }

    pub(crate) fn at_dtls(bytes: &'a [u8], offset: usize) -> Self {
        Handshake {
            bytes,
            offset,
            dtls: true,
        }
    }

    /// Is this a DTLS message (12-byte header)?
    pub fn is_dtls(&self) -> bool {
        self.dtls
    }

    fn header_len(&self) -> usize {
        if self.dtls {
            DTLS_HEADER_LEN
        } else {
            4
        }
    }

    /// DTLS: the message sequence number (0 in TLS).
    pub fn message_seq(&self) -> u16 {
        if self.dtls {
            be16(self.bytes, 4).unwrap_or(0)
        } else {
            0
        }
    }

    /// DTLS: where this fragment starts in the message (0 in TLS).
    pub fn fragment_offset(&self) -> u32 {
        if self.dtls {
            be24(self.bytes, 6).unwrap_or(0)
        } else {
            0
        }
    }

    /// DTLS: the fragment's length (the message's length in TLS).
    pub fn fragment_length(&self) -> u32 {
        if self.dtls {
            be24(self.bytes, 9).unwrap_or(0)
        } else {
            self.length()
        }
    }

    /// Does this message hold its whole body (always in TLS; in DTLS, a
    /// fragment at offset 0 as long as the message)?
    pub fn is_whole(&self) -> bool {
        self.fragment_offset() == 0 && self.fragment_length() == self.length()
    }

    pub fn msg_type(&self) -> u8 {
        u8_at(self.bytes, 0).unwrap_or(0)
    }

    /// The declared body length.
    pub fn length(&self) -> u32 {
        be24(self.bytes, 1).unwrap_or(0)
    }

    /// tshark's name of the type, if it knows it.
    pub fn name(&self) -> Option<&'static str> {
        super::handshake_type_name(self.msg_type())
    }

    /// Offset of the message in the layer.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Header and body.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The body, clamped to the declared length and to what is at hand
    /// (in DTLS, the fragment's bytes).
    pub fn body(&self) -> &'a [u8] {
        clamp(
            self.bytes,
            self.header_len(),
            self.fragment_length() as usize,
        )
    }

    /// Offset of the body in the layer.
    pub fn body_offset(&self) -> usize {
        self.offset.saturating_add(self.header_len())
    }

    /// The ClientHello (in DTLS only a whole one).
    pub fn client_hello(&self) -> Option<ClientHello<'a>> {
        (self.msg_type() == handshake_type::CLIENT_HELLO && self.is_whole()).then(|| {
            if self.dtls {
                ClientHello::new_dtls(self.body(), self.body_offset())
            } else {
                ClientHello::new(self.body(), self.body_offset())
            }
        })
    }

    /// The ServerHello (a TLS 1.3 HelloRetryRequest is one too).
    pub fn server_hello(&self) -> Option<ServerHello<'a>> {
        (self.msg_type() == handshake_type::SERVER_HELLO && self.is_whole())
            .then(|| ServerHello::new(self.body(), self.body_offset()))
    }

    /// Is this a ServerHello with the HelloRetryRequest random?
    pub fn is_hello_retry_request(&self) -> bool {
        self.server_hello()
            .is_some_and(|s| s.is_hello_retry_request())
    }

    /// The certificates of a Certificate message (TLS 1.2 and earlier form).
    pub fn certificates(&self) -> Option<Certificates<'a>> {
        (self.msg_type() == handshake_type::CERTIFICATE && self.is_whole())
            .then(|| Certificates::new(self.body(), self.body_offset()))
    }

    /// A NewSessionTicket (TLS 1.2 and earlier form: in clear).
    pub fn new_session_ticket(&self) -> Option<NewSessionTicket<'a>> {
        (self.msg_type() == handshake_type::NEW_SESSION_TICKET).then(|| NewSessionTicket {
            body: self.body(),
            base: self.body_offset(),
        })
    }
}

/// Big-endian 16-bit values packed in some bytes (cipher suites, groups,
/// signature algorithms, versions); an odd last byte is left out.
#[derive(Clone, Debug)]
pub struct U16s<'a> {
    bytes: &'a [u8],
    /// Layer offset of `bytes`.
    base: usize,
    pos: usize,
}

impl<'a> U16s<'a> {
    pub(crate) fn new(bytes: &'a [u8], base: usize) -> Self {
        U16s {
            bytes,
            base,
            pos: 0,
        }
    }

    pub(crate) fn empty() -> Self {
        U16s::new(&[], 0)
    }

    /// The next value with its offset in the layer.
    pub fn next_at(&mut self) -> Option<(u16, usize)> {
        let v = be16(self.bytes, self.pos)?;
        let at = self.base + self.pos;
        self.pos += 2;
        Some((v, at))
    }
}

impl Iterator for U16s<'_> {
    type Item = u16;
    fn next(&mut self) -> Option<u16> {
        self.next_at().map(|(v, _)| v)
    }
}

/// The first extension of type `t` in `exts`.
fn find_ext<'a>(mut exts: Extensions<'a>, t: u16) -> Option<Extension<'a>> {
    exts.find(|e| e.typ == t && e.ok)
}

/// A ClientHello body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientHello<'a> {
    body: &'a [u8],
    base: usize,
    pub(crate) sid: Option<Vector>,
    /// DTLS: the cookie after the session id.
    pub(crate) cookie: Option<Vector>,
    pub(crate) suites: Option<Vector>,
    pub(crate) comp: Option<Vector>,
    pub(crate) exts: Option<Vector>,
}

impl<'a> ClientHello<'a> {
    /// A ClientHello over the message body `body`, which starts at offset
    /// `base` of the layer.
    pub fn new(body: &'a [u8], base: usize) -> Self {
        let sid = Vector::read(body, 34, 1);
        Self::after_sid(body, base, sid, None, sid)
    }

    /// A DTLS ClientHello: a cookie (1-byte length) follows the session id.
    pub fn new_dtls(body: &'a [u8], base: usize) -> Self {
        let sid = Vector::read(body, 34, 1);
        let cookie = sid.and_then(|v| v.next(body, 1));
        Self::after_sid(body, base, sid, cookie, cookie)
    }

    fn after_sid(
        body: &'a [u8],
        base: usize,
        sid: Option<Vector>,
        cookie: Option<Vector>,
        before_suites: Option<Vector>,
    ) -> Self {
        let suites = before_suites.and_then(|v| v.next(body, 2));
        let comp = suites.and_then(|v| v.next(body, 1));
        let exts = comp.and_then(|v| v.next(body, 2));
        ClientHello {
            body,
            base,
            sid,
            cookie,
            suites,
            comp,
            exts,
        }
    }

    /// DTLS: the cookie (empty in TLS or when absent).
    pub fn cookie(&self) -> &'a [u8] {
        self.cookie.map_or(&[], |v| v.data(self.body))
    }

    /// Is this a DTLS ClientHello (with a cookie field)?
    pub fn is_dtls(&self) -> bool {
        self.cookie.is_some()
    }

    pub(crate) fn body(&self) -> &'a [u8] {
        self.body
    }

    pub(crate) fn base(&self) -> usize {
        self.base
    }

    /// The (legacy) version field.
    pub fn version(&self) -> u16 {
        be16(self.body, 0).unwrap_or(0)
    }

    /// The 32-byte random, when whole.
    pub fn random(&self) -> Option<&'a [u8]> {
        self.body.get(2..34)
    }

    pub fn session_id(&self) -> &'a [u8] {
        self.sid.map_or(&[], |v| v.data(self.body))
    }

    /// The offered cipher suites, in order (GREASE included).
    pub fn cipher_suites(&self) -> U16s<'a> {
        match self.suites {
            Some(v) if v.ok => U16s::new(v.data(self.body), self.base + v.start()),
            _ => U16s::empty(),
        }
    }

    pub fn compression_methods(&self) -> &'a [u8] {
        self.comp.map_or(&[], |v| v.data(self.body))
    }

    /// Whether the hello has an extensions block.
    pub fn has_extensions(&self) -> bool {
        self.exts.is_some()
    }

    pub fn extensions(&self) -> Extensions<'a> {
        match self.exts {
            Some(v) if v.ok => Extensions::new(v.data(self.body), self.base + v.start()),
            _ => Extensions::new(&[], 0),
        }
    }

    /// The first extension of type `t` (whose length fits).
    pub fn extension(&self, t: u16) -> Option<Extension<'a>> {
        find_ext(self.extensions(), t)
    }

    /// The first host name of the server_name extension (SNI).
    pub fn server_name(&self) -> Option<&'a [u8]> {
        let e = self.extension(ext::SERVER_NAME)?;
        let list = Vector::read(e.data, 0, 2)?;
        let names = list.data(e.data);
        let mut pos = 0;
        while let (Some(t), Some(n)) = (u8_at(names, pos), Vector::read(names, pos + 1, 2)) {
            if !n.ok {
                return None;
            }
            if t == 0 {
                return Some(n.data(names));
            }
            pos = n.end();
        }
        None
    }

    /// The protocols of the ALPN extension, in order.
    pub fn alpn(&self) -> Alpn<'a> {
        alpn_of(self.extension(ext::ALPN))
    }

    /// The supported_versions extension's list (GREASE included).
    pub fn supported_versions(&self) -> U16s<'a> {
        match self.extension(ext::SUPPORTED_VERSIONS) {
            Some(e) => match Vector::read(e.data, 0, 1) {
                Some(v) if v.ok => U16s::new(v.data(e.data), e.data_offset() + 1),
                _ => U16s::empty(),
            },
            None => U16s::empty(),
        }
    }

    /// The highest version offered: in supported_versions (GREASE left
    /// out) if present, else the version field.
    pub fn max_version(&self) -> u16 {
        // DTLS versions count down (0xfeff 1.0, 0xfefd 1.2, 0xfefc 1.3).
        let rank = |v: &u16| {
            if v >> 8 == 0xfe {
                0x1_0000 + u32::from(0xff - (v & 0xff))
            } else {
                u32::from(*v)
            }
        };
        self.supported_versions()
            .filter(|v| !is_grease(*v))
            .max_by_key(rank)
            .unwrap_or_else(|| self.version())
    }

    /// The supported_groups extension's list (GREASE included).
    pub fn supported_groups(&self) -> U16s<'a> {
        list16(self.extension(ext::SUPPORTED_GROUPS))
    }

    /// The ec_point_formats extension's list.
    pub fn ec_point_formats(&self) -> &'a [u8] {
        match self.extension(ext::EC_POINT_FORMATS) {
            Some(e) => Vector::read(e.data, 0, 1).map_or(&[], |v| v.data(e.data)),
            None => &[],
        }
    }

    /// The signature_algorithms extension's list.
    pub fn signature_algorithms(&self) -> U16s<'a> {
        list16(self.extension(ext::SIGNATURE_ALGORITHMS))
    }

    /// The groups of the key_share extension's entries.
    pub fn key_share_groups(&self) -> KeyShares<'a> {
        match self.extension(ext::KEY_SHARE) {
            Some(e) => match Vector::read(e.data, 0, 2) {
                Some(v) if v.ok => KeyShares::new(v.data(e.data), e.data_offset() + 2),
                _ => KeyShares::new(&[], 0),
            },
            None => KeyShares::new(&[], 0),
        }
    }

    /// The psk_key_exchange_modes extension's list.
    pub fn psk_modes(&self) -> &'a [u8] {
        match self.extension(ext::PSK_KEY_EXCHANGE_MODES) {
            Some(e) => Vector::read(e.data, 0, 1).map_or(&[], |v| v.data(e.data)),
            None => &[],
        }
    }

    /// The session_ticket extension's data (empty when asking for a new one).
    pub fn session_ticket(&self) -> Option<&'a [u8]> {
        self.extension(ext::SESSION_TICKET).map(|e| e.data)
    }
}

fn list16(e: Option<Extension>) -> U16s {
    match e {
        Some(e) => match Vector::read(e.data, 0, 2) {
            Some(v) if v.ok => U16s::new(v.data(e.data), e.data_offset() + 2),
            _ => U16s::empty(),
        },
        None => U16s::empty(),
    }
}

fn alpn_of(e: Option<Extension>) -> Alpn {
    match e {
        Some(e) => match Vector::read(e.data, 0, 2) {
            Some(v) if v.ok => Alpn {
                bytes: v.data(e.data),
                pos: 0,
            },
            _ => Alpn::default(),
        },
        None => Alpn::default(),
    }
}

/// The protocol names of an ALPN list.
#[derive(Clone, Debug, Default)]
pub struct Alpn<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Alpn<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let v = Vector::read(self.bytes, self.pos, 1)?;
        if !v.ok {
            self.pos = self.bytes.len();
            return None;
        }
        self.pos = v.end();
        Some(v.data(self.bytes))
    }
}

/// The (group, key exchange) entries of a ClientHello's key_share.
#[derive(Clone, Debug)]
pub struct KeyShares<'a> {
    bytes: &'a [u8],
    base: usize,
    pos: usize,
}

impl<'a> KeyShares<'a> {
    fn new(bytes: &'a [u8], base: usize) -> Self {
        KeyShares {
            bytes,
            base,
            pos: 0,
        }
    }

    /// The next entry: its group, its key exchange vector, and the entry's
    /// offset in the layer.
    pub(crate) fn next_entry(&mut self) -> Option<(u16, &'a [u8], usize, Option<Vector>)> {
        let g = be16(self.bytes, self.pos)?;
        let at = self.pos;
        let v = Vector::read(self.bytes, self.pos + 2, 2);
        let key = v.map_or(&[][..], |v| v.data(self.bytes));
        match v {
            Some(v) if v.ok => self.pos = v.end(),
            _ => self.pos = self.bytes.len(),
        }
        Some((g, key, self.base + at, v))
    }
}

impl<'a> Iterator for KeyShares<'a> {
    /// (group, key exchange bytes)
    type Item = (u16, &'a [u8]);
    fn next(&mut self) -> Option<(u16, &'a [u8])> {
        self.next_entry().map(|(g, k, _, _)| (g, k))
    }
}

/// A ServerHello body (also a HelloRetryRequest's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerHello<'a> {
    body: &'a [u8],
    base: usize,
    pub(crate) sid: Option<Vector>,
    pub(crate) exts: Option<Vector>,
}

impl<'a> ServerHello<'a> {
    pub fn new(body: &'a [u8], base: usize) -> Self {
        let sid = Vector::read(body, 34, 1);
        // cipher suite (2) and compression method (1) follow the session id.
        let exts = sid
            .filter(|v| v.ok && v.end() + 3 < body.len())
            .and_then(|v| Vector::read(body, v.end() + 3, 2));
        ServerHello {
            body,
            base,
            sid,
            exts,
        }
    }

    pub(crate) fn body(&self) -> &'a [u8] {
        self.body
    }

    pub(crate) fn base(&self) -> usize {
        self.base
    }

    pub fn version(&self) -> u16 {
        be16(self.body, 0).unwrap_or(0)
    }

    pub fn random(&self) -> Option<&'a [u8]> {
        self.body.get(2..34)
    }

    pub fn is_hello_retry_request(&self) -> bool {
        self.random() == Some(&HRR_RANDOM[..])
    }

    pub fn session_id(&self) -> &'a [u8] {
        self.sid.map_or(&[], |v| v.data(self.body))
    }

    /// Offset of the cipher suite in the body.
    pub(crate) fn suite_at(&self) -> Option<usize> {
        self.sid.filter(|v| v.ok).map(|v| v.end())
    }

    /// The selected cipher suite.
    pub fn cipher_suite(&self) -> Option<u16> {
        be16(self.body, self.suite_at()?)
    }

    pub fn compression_method(&self) -> Option<u8> {
        u8_at(self.body, self.suite_at()? + 2)
    }

    pub fn extensions(&self) -> Extensions<'a> {
        match self.exts {
            Some(v) if v.ok => Extensions::new(v.data(self.body), self.base + v.start()),
            _ => Extensions::new(&[], 0),
        }
    }

    pub fn extension(&self, t: u16) -> Option<Extension<'a>> {
        find_ext(self.extensions(), t)
    }

    /// The version the supported_versions extension selects (TLS 1.3).
    pub fn selected_version(&self) -> Option<u16> {
        self.extension(ext::SUPPORTED_VERSIONS)
            .and_then(|e| be16(e.data, 0))
    }

    /// The negotiated version: the selected one, else the version field.
    pub fn negotiated_version(&self) -> u16 {
        self.selected_version().unwrap_or_else(|| self.version())
    }

    /// The protocol the ALPN extension selects.
    pub fn alpn(&self) -> Option<&'a [u8]> {
        alpn_of(self.extension(ext::ALPN)).next()
    }

    /// Whether the negotiated version is TLS 1.3 (records after this are
    /// encrypted).
    pub fn is_tls13(&self) -> bool {
        super::is_tls13_version(self.negotiated_version())
    }
}

/// One hello extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extension<'a> {
    pub typ: u16,
    /// The declared length.
    pub len: u16,
    /// The data (empty unless `ok`).
    pub data: &'a [u8],
    /// Offset of the type field in the layer.
    pub offset: usize,
    /// The declared length fits in the extensions block.
    pub ok: bool,
    /// The bytes from the data to the end of the extensions block (tshark
    /// reads a fixed-size value there even when the length says less).
    pub(crate) tail: &'a [u8],
}

impl Extension<'_> {
    /// Offset of the data in the layer.
    pub fn data_offset(&self) -> usize {
        self.offset.saturating_add(4)
    }
}

/// The extensions of a hello. Like tshark, stops after an extension whose
/// length runs past the block (that one is yielded, not `ok`).
#[derive(Clone, Debug)]
pub struct Extensions<'a> {
    block: &'a [u8],
    base: usize,
    pos: usize,
}

impl<'a> Extensions<'a> {
    pub(crate) fn new(block: &'a [u8], base: usize) -> Self {
        Extensions {
            block,
            base,
            pos: 0,
        }
    }
}

impl<'a> Iterator for Extensions<'a> {
    type Item = Extension<'a>;
    fn next(&mut self) -> Option<Extension<'a>> {
        if self.block.len().saturating_sub(self.pos) < 4 {
            return None;
        }
        let typ = be16(self.block, self.pos)?;
        let v = Vector::read(self.block, self.pos + 2, 2)?;
        let e = Extension {
            typ,
            len: v.len as u16,
            data: v.data(self.block),
            offset: self.base + self.pos,
            ok: v.ok,
            tail: self.block.get(v.start()..).unwrap_or(&[]),
        };
        self.pos = if v.ok { v.end() } else { self.block.len() };
        Some(e)
    }
}

/// The certificates of a Certificate message: (offset of the DER in the
/// layer, DER bytes). Stops at a length that runs past the list.
#[derive(Clone, Debug)]
pub struct Certificates<'a> {
    body: &'a [u8],
    base: usize,
    pub(crate) list: Option<Vector>,
    pos: usize,
}

impl<'a> Certificates<'a> {
    fn new(body: &'a [u8], base: usize) -> Self {
        let list = Vector::read(body, 0, 3);
        Certificates {
            body,
            base,
            list,
            pos: 0,
        }
    }

    /// The next certificate's length vector (offsets in the list's data).
    pub(crate) fn next_vector(&mut self) -> Option<(Vector, usize)> {
        let list = self.list.filter(|v| v.ok)?;
        let data = list.data(self.body);
        let v = Vector::read(data, self.pos, 3)?;
        self.pos = if v.ok { v.end() } else { data.len() };
        Some((v, self.base + list.start()))
    }
}

impl<'a> Iterator for Certificates<'a> {
    type Item = (usize, &'a [u8]);
    fn next(&mut self) -> Option<(usize, &'a [u8])> {
        let list = self.list.filter(|v| v.ok)?;
        let data = list.data(self.body);
        let (v, base) = self.next_vector()?;
        if !v.ok {
            return None;
        }
        Some((base + v.start(), v.data(data)))
    }
}

/// A NewSessionTicket (TLS 1.2 and earlier: lifetime hint and ticket).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewSessionTicket<'a> {
    body: &'a [u8],
    base: usize,
}

impl<'a> NewSessionTicket<'a> {
    pub fn lifetime_hint(&self) -> Option<u32> {
        be32(self.body, 0)
    }

    pub(crate) fn ticket_vector(&self) -> Option<Vector> {
        Vector::read(self.body, 4, 2)
    }

    pub fn ticket(&self) -> &'a [u8] {
        self.ticket_vector().map_or(&[], |v| v.data(self.body))
    }
}
