//! The view's fields in packet order, and its Info text, as tshark 4.0
//! shows them.
//!
//! tshark reads each length-prefixed vector with one routine: a length out
//! of its range is only flagged; a length with no room, or data running
//! past what encloses it, ends that part (the rest of the view is still
//! read). A fixed field read past the end of the bytes raises an exception
//! that ends the whole layer ("Malformed Packet"): [`Abort`] here, for a
//! hello too short for its version, random, cipher suite or compression.

use super::handshake::{ClientHello, Extension, ServerHello, Vector};
use super::{
    extension_type as ext, handshake_type, handshake_type_name, Field, Handshake, InfoList, Item,
    TlsView,
};
use crate::bytes::{be16, be32, u8_at};
use crate::field::Value;
use std::ops::Range;

pub(crate) type Out<'o, 'a> = &'o mut dyn FnMut(Field, Value<'a>, Range<usize>);

/// tshark's exception: the rest of the layer is not shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Abort;

pub(crate) type R = Result<(), Abort>;

/// Bytes, or tshark's `<MISSING>` for an empty byte field.
pub(crate) fn bytes_or(b: &[u8]) -> Value<'_> {
    if b.is_empty() {
        Value::Static("<MISSING>")
    } else {
        Value::Bytes(b)
    }
}

fn uint<'a>(n: impl Into<u64>) -> Value<'a> {
    Value::UInt(n.into())
}

fn r(start: usize, len: usize) -> Range<usize> {
    start..start.saturating_add(len)
}

/// Emit a vector's length; `Ok(Some(v))` when its data can be read.
/// Without room for the length, tshark flags it and reads no further here
/// (`Ok(None)`, nothing shown).
pub(crate) fn vec_len<'a>(
    b: &[u8],
    base: usize,
    at: usize,
    size: usize,
    f: Field,
    out: Out<'_, 'a>,
) -> Result<Option<Vector>, Abort> {
    let Some(v) = Vector::read(b, at, size) else {
        return Ok(None);
    };
    out(f, uint(v.len as u64), v.len_range(base));
    Ok(v.ok.then_some(v))
}

/// Which hello an extension is in (tshark reads some differently).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Client,
    Server,
    RetryRequest,
}

/// Every field occurrence of `v`, in packet order. `Err` when the walk
/// stopped as tshark's does on a malformed message.
pub(super) fn emit<'a>(v: &TlsView<'a>, out: Out<'_, 'a>) -> R {
    for it in v.items() {
        item(it, out)?;
    }
    Ok(())
}

fn item<'a>(it: Item<'a>, out: Out<'_, 'a>) -> R {
    match it {
        Item::Record {
            record: rec,
            opaque,
        } => {
            out(Field::Record, Value::Present, rec.range());
            let ct = if opaque {
                Field::OpaqueType
            } else {
                Field::ContentType
            };
            out(ct, uint(rec.content_type), rec.at(super::at::CONTENT_TYPE));
            out(
                Field::RecordVersion,
                uint(rec.version),
                rec.at(super::at::VERSION),
            );
            out(
                Field::RecordLength,
                uint(rec.length),
                rec.at(super::at::LENGTH),
            );
        }
        Item::ChangeCipherSpec(rec) => {
            record_body(Body::ChangeCipherSpec, rec.body, rec.body_offset(), out)
        }
        Item::Alert(rec) => record_body(Body::Alert, rec.body, rec.body_offset(), out),
        Item::EncryptedAlert(rec) => {
            record_body(Body::EncryptedAlert, rec.body, rec.body_offset(), out)
        }
        Item::ApplicationData(rec) => {
            record_body(Body::ApplicationData, rec.body, rec.body_offset(), out)
        }
        Item::Heartbeat(rec) => {
            out(Field::Heartbeat, Value::Present, rec.body_range());
            if let Some((t, n)) = heartbeat_plain(rec.body) {
                let at = rec.body_offset();
                out(Field::HeartbeatType, uint(t), r(at, 1));
                out(Field::HeartbeatPayloadLength, uint(n), r(at + 1, 2));
            }
        }
        Item::Handshake { msg, first, tls13 } => handshake(msg, first, tls13, out)?,
        Item::Fragment(f) => {
            out(Field::Handshake, Value::Present, f.range.range());
            if f.completes {
                // tshark shows the reassembled message after its last piece.
                let (tr, lr) = match f.header_at {
                    Some(h) => (r(h, 1), r(h + 1, 3)),
                    None => (f.range.range(), f.range.range()),
                };
                out(Field::Handshake, Value::Present, f.range.range());
                if let Some(t) = f.msg_type.filter(|t| handshake_type_name(*t).is_some()) {
                    out(Field::HsType, uint(t), tr);
                    if let Some(n) = f.length {
                        out(Field::HsLength, uint(n), lr);
                    }
                }
            }
        }
        Item::EncryptedHandshake(rec) => {
            record_body(Body::EncryptedHandshake, rec.body, rec.body_offset(), out)
        }
        Item::Continuation(_) => {}
    }
    Ok(())
}

/// A record body that TLS and DTLS show alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Body {
    ChangeCipherSpec,
    /// In the clear: its level and description are shown.
    Alert,
    EncryptedAlert,
    ApplicationData,
    EncryptedHandshake,
}

/// The fields of a record body of `kind`, `body` lying at `at` in the view.
pub(crate) fn record_body<'a>(kind: Body, body: &'a [u8], at: usize, out: Out<'_, 'a>) {
    let whole = r(at, body.len());
    match kind {
        Body::ChangeCipherSpec => out(Field::ChangeCipherSpec, Value::Present, whole),
        Body::Alert => {
            out(Field::Alert, Value::Present, whole);
            if let (Some(l), Some(d)) = (u8_at(body, 0), u8_at(body, 1)) {
                out(Field::AlertLevel, uint(l), r(at, 1));
                out(Field::AlertDesc, uint(d), r(at + 1, 1));
            }
        }
        Body::EncryptedAlert => out(Field::Alert, Value::Present, whole),
        Body::ApplicationData => out(Field::AppData, bytes_or(body), whole),
        Body::EncryptedHandshake => out(Field::Handshake, Value::Present, whole),
    }
}

/// A heartbeat's (type, payload length) when tshark takes it as plaintext.
fn heartbeat_plain(body: &[u8]) -> Option<(u8, u16)> {
    let t = u8_at(body, 0).filter(|t| *t == 1 || *t == 2)?;
    let n = be16(body, 1)?;
    let len = body.len();
    (len <= 19 || 3 + usize::from(n) + 16 <= len).then_some((t, n))
}

fn handshake<'a>(msg: Handshake<'a>, first: bool, tls13: bool, out: Out<'_, 'a>) -> R {
    let o = msg.offset();
    let t = msg.msg_type();
    out(Field::Handshake, Value::Present, r(o, msg.bytes().len()));
    if handshake_type_name(t).is_none() {
        return Ok(());
    }
    out(Field::HsType, uint(t), r(o, 1));
    out(Field::HsLength, uint(msg.length()), r(o + 1, 3));
    handshake_body(msg, first, tls13, &mut |_, _| {}, out)
}

/// A DTLS ClientHello's cookie, which no TLS field names: the caller emits
/// it, given the body and the offset of the cookie's length in it.
pub(crate) type CookieFn<'f, 'a> = &'f mut dyn FnMut(&'a [u8], usize);

/// The fields of a handshake message's body (after its header), shared by
/// TLS and DTLS (whose ClientHello cookie goes to `cookie`).
pub(crate) fn handshake_body<'a>(
    msg: Handshake<'a>,
    first: bool,
    tls13: bool,
    cookie: CookieFn<'_, 'a>,
    out: Out<'_, 'a>,
) -> R {
    let t = msg.msg_type();
    let (body, base) = (msg.body(), msg.body_offset());
    match t {
        handshake_type::CLIENT_HELLO => {
            if let Some(ch) = msg.client_hello() {
                client_hello(&ch, tls13, cookie, out)?
            }
        }
        handshake_type::SERVER_HELLO => {
            if let Some(sh) = msg.server_hello() {
                let side = if first && sh.is_hello_retry_request() {
                    Side::RetryRequest
                } else {
                    Side::Server
                };
                server_hello(&sh, side, tls13, out)?
            }
        }
        handshake_type::CERTIFICATE => certificate(body, base, out)?,
        handshake_type::NEW_SESSION_TICKET => {
            if let Some(h) = be32(body, 0) {
                out(Field::SessionTicketLifetimeHint, uint(h), r(base, 4));
                let f = Field::SessionTicketLength;
                if let Some(v) = vec_len(body, base, 4, 2, f, out)? {
                    out(
                        Field::SessionTicket,
                        bytes_or(v.data(body)),
                        v.data_range(base),
                    );
                }
            }
        }
        handshake_type::SERVER_KEY_EXCHANGE => server_key_exchange(body, base, out),
        handshake_type::CERTIFICATE_REQUEST => certificate_request(body, base, out)?,
        handshake_type::CERTIFICATE_STATUS => {
            if let Some(t) = u8_at(body, 0) {
                out(Field::StatusRequestType, uint(t), r(base, 1));
                if t == 1 {
                    vec_len(body, base, 1, 3, Field::OcspResponseLen, out)?;
                }
            }
        }
        handshake_type::CERTIFICATE_VERIFY => {
            signature(
                body,
                base,
                Field::CertVerifySigLen,
                Field::CertVerifySig,
                out,
            );
        }
        _ => {}
    }
    Ok(())
}

fn certificate<'a>(body: &'a [u8], base: usize, out: Out<'_, 'a>) -> R {
    let f = Field::CertificatesLength;
    let Some(list) = vec_len(body, base, 0, 3, f, out)? else {
        return Ok(());
    };
    out(Field::Certificates, Value::Present, list.data_range(base));
    let data = list.data(body);
    let start = base + list.start();
    let mut pos = 0;
    while pos < data.len() {
        let f = Field::CertificateLength;
        let Some(c) = vec_len(data, start, pos, 3, f, out)? else {
            return Ok(());
        };
        out(
            Field::Certificate,
            bytes_or(c.data(data)),
            c.data_range(start),
        );
        pos = c.end();
    }
    Ok(())
}

/// Version, random and session id: the start of both hellos. tshark splits
/// the random into time and bytes unless the session is TLS 1.3.
fn hello_start<'a>(
    body: &'a [u8],
    base: usize,
    tls13: bool,
    out: Out<'_, 'a>,
) -> Result<Option<Vector>, Abort> {
    let v = be16(body, 0).ok_or(Abort)?;
    out(Field::HsVersion, uint(v), r(base, 2));
    let rand = body.get(2..34).ok_or(Abort)?;
    out(Field::Random, Value::Bytes(rand), r(base + 2, 32));
    if !tls13 {
        let bytes = rand.get(4..).unwrap_or(&[]);
        out(Field::RandomBytes, Value::Bytes(bytes), r(base + 6, 28));
    }
    let sid = vec_len(body, base, 34, 1, Field::SessionIdLength, out)?;
    if let Some(sid) = sid.filter(|v| v.len > 0) {
        out(
            Field::SessionId,
            Value::Bytes(sid.data(body)),
            sid.data_range(base),
        );
    }
    Ok(sid)
}

fn client_hello<'a>(
    ch: &ClientHello<'a>,
    tls13: bool,
    cookie: CookieFn<'_, 'a>,
    out: Out<'_, 'a>,
) -> R {
    let (body, base) = (ch.body(), ch.base());
    let Some(sid) = hello_start(body, base, tls13, out)? else {
        return Ok(());
    };
    let mut before_suites = sid;
    if ch.is_dtls() {
        let Some(c) = sid.next(body, 1) else {
            return Ok(());
        };
        cookie(body, c.at);
        if !c.ok {
            return Ok(());
        }
        before_suites = c;
    }
    let f = Field::CipherSuitesLength;
    let Some(v) = vec_len(body, base, before_suites.end(), 2, f, out)? else {
        return Ok(());
    };
    out(Field::CipherSuites, Value::Present, v.data_range(base));
    let mut it = ch.cipher_suites();
    while let Some((s, at)) = it.next_at() {
        out(Field::CipherSuite, uint(s), r(at, 2));
    }
    let f = Field::CompMethodsLength;
    let Some(v) = vec_len(body, base, v.end(), 1, f, out)? else {
        return Ok(());
    };
    out(Field::CompMethods, Value::Present, v.data_range(base));
    let start = base + v.start();
    for (i, m) in v.data(body).iter().enumerate() {
        out(Field::CompMethod, uint(*m), r(start + i, 1));
    }
    if v.end() < body.len() {
        extensions(body, base, v.end(), ch.extensions(), Side::Client, out)?;
    }
    Ok(())
}

fn server_hello<'a>(sh: &ServerHello<'a>, side: Side, tls13: bool, out: Out<'_, 'a>) -> R {
    let (body, base) = (sh.body(), sh.base());
    let Some(sid) = hello_start(body, base, tls13, out)? else {
        return Ok(());
    };
    let at = sid.end();
    let s = be16(body, at).ok_or(Abort)?;
    out(Field::CipherSuite, uint(s), r(base + at, 2));
    let m = u8_at(body, at + 2).ok_or(Abort)?;
    out(Field::CompMethod, uint(m), r(base + at + 2, 1));
    if at + 3 < body.len() {
        extensions(body, base, at + 3, sh.extensions(), side, out)?;
    }
    Ok(())
}

/// The extensions block of a hello at `at` of its body.
fn extensions<'a>(
    body: &'a [u8],
    base: usize,
    at: usize,
    exts: super::Extensions<'a>,
    side: Side,
    out: Out<'_, 'a>,
) -> R {
    if vec_len(body, base, at, 2, Field::ExtensionsLength, out)?.is_some() {
        for e in exts {
            extension(&e, side, out)?;
        }
    }
    Ok(())
}

/// Extension types tshark 4.0 dissects (the others show their data as
/// `tls.handshake.extension.data`).
fn dissected(t: u16) -> bool {
    matches!(
        t,
        0 | 1
            | 5
            | 9..=23
            | 27
            | 28
            | 34
            | 40..=51
            | 53
            | 54
            | 57
            | 13172
            | 17513
            | 65281
            | 65445
            | 65486
    )
}

/// What a list item emits: its bytes and their offset in the layer.
type ItemFn<'f, 'a> = &'f mut dyn FnMut(&'a [u8], usize, Out<'_, 'a>);

/// A list of `size`-byte items after a `len_size`-byte length: the length,
/// the list (as `list_f`, if given), and each item through `item`.
#[allow(clippy::too_many_arguments)]
fn list<'a>(
    d: &'a [u8],
    base: usize,
    len_size: usize,
    len_f: Field,
    list_f: Option<Field>,
    size: usize,
    out: Out<'_, 'a>,
    item: ItemFn<'_, 'a>,
) -> R {
    let Some(v) = vec_len(d, base, 0, len_size, len_f, out)? else {
        return Ok(());
    };
    if let Some(f) = list_f {
        out(f, Value::Present, v.data_range(base));
    }
    let data = v.data(d);
    let start = base + v.start();
    let mut pos = 0;
    while let Some(x) = data.get(pos..pos + size) {
        item(x, start + pos, out);
        pos += size;
    }
    Ok(())
}

fn sig_alg<'a>(x: &'a [u8], at: usize, out: Out<'_, 'a>) {
    out(Field::SigHashAlg, uint(be16(x, 0).unwrap_or(0)), r(at, 2));
    out(Field::SigHashHash, uint(u8_at(x, 0).unwrap_or(0)), r(at, 1));
    out(
        Field::SigHashSig,
        uint(u8_at(x, 1).unwrap_or(0)),
        r(at + 1, 1),
    );
}

/// A signature algorithms list (length, list, each algorithm).
fn sig_algs<'a>(d: &'a [u8], base: usize, out: Out<'_, 'a>) -> R {
    list(
        d,
        base,
        2,
        Field::SigHashAlgLen,
        Some(Field::SigHashAlgs),
        2,
        out,
        &mut |x, at, out| sig_alg(x, at, out),
    )
}

/// Strings each after a 1-byte length (ALPN, ALPS): the list's length, the
/// list, and each string's length and text.
fn strings<'a>(d: &'a [u8], base: usize, fs: [Field; 4], out: Out<'_, 'a>) -> R {
    let [len_f, list_f, str_len_f, str_f] = fs;
    let Some(v) = vec_len(d, base, 0, 2, len_f, out)? else {
        return Ok(());
    };
    out(list_f, Value::Present, v.data_range(base));
    let data = v.data(d);
    let start = base + v.start();
    let mut pos = 0;
    while pos < data.len() {
        let Some(s) = vec_len(data, start, pos, 1, str_len_f, out)? else {
            return Ok(());
        };
        out(str_f, Value::Str(s.data(data)), s.data_range(start));
        pos = s.end();
    }
    Ok(())
}

fn extension<'a>(e: &Extension<'a>, side: Side, out: Out<'_, 'a>) -> R {
    out(Field::ExtType, uint(e.typ), r(e.offset, 2));
    out(Field::ExtLen, uint(e.len), r(e.offset + 2, 2));
    if !e.ok {
        return Ok(());
    }
    let (d, b) = (e.data, e.data_offset());
    if !dissected(e.typ) {
        out(Field::ExtData, bytes_or(d), r(b, d.len()));
        return Ok(());
    }
    // A fixed-size value: tshark reads it even past a too-short extension.
    let tail = e.tail;
    let fixed8 = |f: Field, out: Out<'_, 'a>| {
        if let Some(x) = u8_at(tail, 0) {
            out(f, uint(x), r(b, 1))
        }
    };
    let fixed16 = |f: Field, out: Out<'_, 'a>| {
        if let Some(x) = be16(tail, 0) {
            out(f, uint(x), r(b, 2))
        }
    };
    let u16_item = |f: Field| {
        move |x: &'a [u8], at: usize, out: Out<'_, 'a>| {
            out(f, uint(be16(x, 0).unwrap_or(0)), r(at, 2))
        }
    };
    let u8_item = |f: Field| {
        move |x: &'a [u8], at: usize, out: Out<'_, 'a>| {
            out(f, uint(u8_at(x, 0).unwrap_or(0)), r(at, 1))
        }
    };
    match e.typ {
        ext::SERVER_NAME if !d.is_empty() => server_name(d, b, out)?,
        ext::MAX_FRAGMENT_LENGTH => fixed8(Field::MaxFragmentLength, out),
        ext::STATUS_REQUEST if side == Side::Client && !d.is_empty() => {
            let t = u8_at(d, 0).unwrap_or(0);
            out(Field::StatusRequestType, uint(t), r(b, 1));
            if t == 1 {
                let f = Field::StatusRequestResponderIdsLen;
                if let Some(ids) = vec_len(d, b, 1, 2, f, out)? {
                    let f = Field::StatusRequestExtsLen;
                    vec_len(d, b, ids.end(), 2, f, out)?;
                }
            }
        }
        17 if side == Side::Client => status_request_v2(d, b, out)?,
        ext::SIGNED_CERTIFICATE_TIMESTAMP if side != Side::Client => sct_list(d, b, out)?,
        ext::SUPPORTED_GROUPS => list(
            d,
            b,
            2,
            Field::SupportedGroupsLength,
            Some(Field::SupportedGroups),
            2,
            out,
            &mut u16_item(Field::SupportedGroup),
        )?,
        ext::EC_POINT_FORMATS => list(
            d,
            b,
            1,
            Field::EcPointFormatsLength,
            Some(Field::EcPointFormats),
            1,
            out,
            &mut u8_item(Field::EcPointFormat),
        )?,
        ext::SIGNATURE_ALGORITHMS | ext::SIGNATURE_ALGORITHMS_CERT => sig_algs(d, b, out)?,
        // delegated_credential: a ClientHello lists signature algorithms.
        34 if side == Side::Client => sig_algs(d, b, out)?,
        ext::HEARTBEAT => fixed8(Field::HeartbeatMode, out),
        ext::ALPN => strings(
            d,
            b,
            [
                Field::AlpnLen,
                Field::AlpnList,
                Field::AlpnStrLen,
                Field::AlpnStr,
            ],
            out,
        )?,
        ext::APPLICATION_SETTINGS if side == Side::Client => strings(
            d,
            b,
            [
                Field::AlpsLen,
                Field::AlpsAlpnList,
                Field::AlpsAlpnStrLen,
                Field::AlpsAlpnStr,
            ],
            out,
        )?,
        ext::PADDING => out(Field::PaddingData, bytes_or(d), r(b, d.len())),
        ext::COMPRESS_CERTIFICATE => list(
            d,
            b,
            1,
            Field::CompressCertAlgorithmsLength,
            None,
            2,
            out,
            &mut u16_item(Field::CompressCertAlgorithm),
        )?,
        ext::RECORD_SIZE_LIMIT => fixed16(Field::RecordSizeLimit, out),
        ext::PRE_SHARED_KEY => match side {
            Side::Client => pre_shared_key(d, b, out)?,
            _ => fixed16(Field::PskSelected, out),
        },
        ext::SUPPORTED_VERSIONS => match side {
            Side::Client => list(
                d,
                b,
                1,
                Field::SupportedVersionsLen,
                None,
                2,
                out,
                &mut u16_item(Field::SupportedVersion),
            )?,
            _ => fixed16(Field::SupportedVersion, out),
        },
        ext::PSK_KEY_EXCHANGE_MODES => list(
            d,
            b,
            1,
            Field::PskKeModesLength,
            None,
            1,
            out,
            &mut u8_item(Field::PskKeMode),
        )?,
        ext::KEY_SHARE => match side {
            Side::Client => {
                let f = Field::KeyShareClientLength;
                if let Some(v) = vec_len(d, b, 0, 2, f, out)? {
                    key_shares(v.data(d), b + 2, out)?;
                }
            }
            Side::Server => key_shares(d, b, out)?,
            Side::RetryRequest => fixed16(Field::KeyShareSelectedGroup, out),
        },
        ext::RENEGOTIATION_INFO => {
            if let Some(v) = vec_len(d, b, 0, 1, Field::RenegInfoLen, out)? {
                if v.len > 0 {
                    out(Field::RenegInfo, Value::Bytes(v.data(d)), v.data_range(b));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// status_request_v2 in a ClientHello: the list, then each request's type,
/// length, responder ids length and extensions length.
fn status_request_v2<'a>(d: &'a [u8], b: usize, out: Out<'_, 'a>) -> R {
    let Some(list) = vec_len(d, b, 0, 2, Field::StatusRequestListLen, out)? else {
        return Ok(());
    };
    let data = list.data(d);
    let start = b + 2;
    let mut pos = 0;
    while let Some(t) = u8_at(data, pos) {
        out(Field::StatusRequestType, uint(t), r(start + pos, 1));
        let Some(req) = vec_len(data, start, pos + 1, 2, Field::StatusRequestLen, out)? else {
            return Ok(());
        };
        if t == 1 || t == 2 {
            let f = Field::StatusRequestResponderIdsLen;
            if let Some(ids) = vec_len(data, start, req.start(), 2, f, out)? {
                vec_len(data, start, ids.end(), 2, Field::StatusRequestExtsLen, out)?;
            }
        }
        pos = req.end();
    }
    Ok(())
}

/// signed_certificate_timestamp in a ServerHello: the SCTs (RFC 6962),
/// each with its version, log id, extensions and signature.
fn sct_list<'a>(d: &'a [u8], b: usize, out: Out<'_, 'a>) -> R {
    let Some(list) = vec_len(d, b, 0, 2, Field::SctsLength, out)? else {
        return Ok(());
    };
    let data = list.data(d);
    let start = b + 2;
    let mut pos = 0;
    while pos < data.len() {
        let Some(sct) = vec_len(data, start, pos, 2, Field::SctLength, out)? else {
            return Ok(());
        };
        let (s, sb) = (sct.data(data), start + sct.start());
        if let Some(v) = u8_at(s, 0) {
            out(Field::SctVersion, uint(v), r(sb, 1));
        }
        if let Some(id) = s.get(1..33) {
            out(Field::SctLogId, Value::Bytes(id), r(sb + 1, 32));
        }
        // A 64-bit timestamp, then the extensions.
        if let Some(x) = vec_len(s, sb, 41, 2, Field::SctExtensionsLength, out)? {
            let rest = s.get(x.end()..).unwrap_or(&[]);
            let (f, g) = (Field::SctSignatureLength, Field::SctSignature);
            if let Some(alg) = rest.get(0..2) {
                sig_alg(alg, sb + x.end(), out);
                if let Some(v) = vec_len(rest, sb + x.end(), 2, 2, f, out)? {
                    out(g, bytes_or(v.data(rest)), v.data_range(sb + x.end()));
                }
            }
        }
        pos = sct.end();
    }
    Ok(())
}

/// server_name: the list's length, then each name's type, length and text.
fn server_name<'a>(d: &'a [u8], b: usize, out: Out<'_, 'a>) -> R {
    let Some(v) = vec_len(d, b, 0, 2, Field::ServerNameListLen, out)? else {
        return Ok(());
    };
    let data = v.data(d);
    let start = b + 2;
    let mut pos = 0;
    while let Some(t) = u8_at(data, pos) {
        out(Field::ServerNameType, uint(t), r(start + pos, 1));
        let f = Field::ServerNameLen;
        let Some(n) = vec_len(data, start, pos + 1, 2, f, out)? else {
            return Ok(());
        };
        out(
            Field::ServerName,
            Value::Str(n.data(data)),
            n.data_range(start),
        );
        pos = n.end();
    }
    Ok(())
}

/// key_share entries: group, key exchange length and bytes.
fn key_shares<'a>(d: &'a [u8], b: usize, out: Out<'_, 'a>) -> R {
    let mut pos = 0;
    while pos < d.len() {
        let Some(g) = be16(d, pos) else {
            return Ok(());
        };
        out(Field::KeyShareGroup, uint(g), r(b + pos, 2));
        let f = Field::KeyShareKeyExchangeLength;
        let Some(v) = vec_len(d, b, pos + 2, 2, f, out)? else {
            return Ok(());
        };
        out(
            Field::KeyShareKeyExchange,
            Value::Bytes(v.data(d)),
            v.data_range(b),
        );
        pos = v.end();
    }
    Ok(())
}

/// pre_shared_key in a ClientHello: identities (length, identity, ticket
/// age) then binders.
fn pre_shared_key<'a>(d: &'a [u8], b: usize, out: Out<'_, 'a>) -> R {
    let Some(ids) = vec_len(d, b, 0, 2, Field::PskIdentitiesLength, out)? else {
        return Ok(());
    };
    let data = ids.data(d);
    let start = b + 2;
    let mut pos = 0;
    while pos < data.len() {
        let f = Field::PskIdentityLength;
        let Some(id) = vec_len(data, start, pos, 2, f, out)? else {
            return Ok(());
        };
        out(
            Field::PskIdentity,
            Value::Bytes(id.data(data)),
            id.data_range(start),
        );
        let Some(age) = be32(data, id.end()) else {
            return Ok(());
        };
        out(
            Field::PskObfuscatedTicketAge,
            uint(age),
            r(start + id.end(), 4),
        );
        pos = id.end() + 4;
    }
    if let Some(v) = vec_len(d, b, ids.end(), 2, Field::PskBindersLen, out)? {
        out(Field::PskBinders, Value::Present, v.data_range(b));
    }
    Ok(())
}

/// A digitally-signed value filling `d`: TLS 1.2's (algorithm, length,
/// signature) or the earlier (length, signature), whichever fills the bytes
/// exactly (tshark picks by the session's version).
fn signature<'a>(d: &'a [u8], b: usize, len_f: Field, sig_f: Field, out: Out<'_, 'a>) -> bool {
    let fills = |v: &Vector| v.ok && v.end() == d.len();
    if let Some(v) = Vector::read(d, 2, 2).filter(fills) {
        sig_alg(d.get(0..2).unwrap_or(&[]), b, out);
        out(len_f, uint(v.len as u64), v.len_range(b));
        out(sig_f, bytes_or(v.data(d)), v.data_range(b));
        return true;
    }
    if let Some(v) = Vector::read(d, 0, 2).filter(fills) {
        out(len_f, uint(v.len as u64), v.len_range(b));
        out(sig_f, bytes_or(v.data(d)), v.data_range(b));
        return true;
    }
    false
}

/// Does a signature fill `d` exactly (or is `d` empty: anonymous)?
fn signature_fits(d: &[u8]) -> bool {
    d.is_empty() || signature(d, 0, Field::SigLen, Field::Sig, &mut |_, _, _| {})
}

/// ServerKeyExchange: tshark reads it by the negotiated key exchange; here
/// the layout that fills the message exactly decides (named-curve ECDHE,
/// else DHE), so a message of another kind shows only type and length.
fn server_key_exchange<'a>(d: &'a [u8], b: usize, out: Out<'_, 'a>) {
    let ecdhe = (u8_at(d, 0) == Some(3))
        .then(|| Vector::read(d, 3, 1))
        .flatten()
        .filter(|p| p.ok && signature_fits(d.get(p.end()..).unwrap_or(&[])));
    if let Some(p) = ecdhe {
        out(Field::ServerCurveType, uint(3u8), r(b, 1));
        out(
            Field::ServerNamedCurve,
            uint(be16(d, 1).unwrap_or(0)),
            r(b + 1, 2),
        );
        out(Field::ServerPointLen, uint(p.len as u64), p.len_range(b));
        out(Field::ServerPoint, bytes_or(p.data(d)), p.data_range(b));
        let rest = d.get(p.end()..).unwrap_or(&[]);
        signature(rest, b + p.end(), Field::SigLen, Field::Sig, out);
        return;
    }
    let p = Vector::read(d, 0, 2).filter(|v| v.ok);
    let g = p.and_then(|p| p.next(d, 2)).filter(|v| v.ok);
    let ys = g.and_then(|g| g.next(d, 2)).filter(|v| v.ok);
    if let (Some(p), Some(g), Some(ys)) = (p, g, ys) {
        let rest = d.get(ys.end()..).unwrap_or(&[]);
        if !signature_fits(rest) {
            return;
        }
        for (v, lf, f) in [
            (p, Field::PLen, Field::P),
            (g, Field::GLen, Field::G),
            (ys, Field::YsLen, Field::Ys),
        ] {
            out(lf, uint(v.len as u64), v.len_range(b));
            out(f, bytes_or(v.data(d)), v.data_range(b));
        }
        signature(rest, b + ys.end(), Field::SigLen, Field::Sig, out);
    }
}

/// CertificateRequest: certificate types, (TLS 1.2) signature algorithms,
/// distinguished names; the layout that fills the message decides.
fn certificate_request<'a>(d: &'a [u8], b: usize, out: Out<'_, 'a>) -> R {
    let Some(types) = vec_len(d, b, 0, 1, Field::CertTypesCount, out)? else {
        return Ok(());
    };
    out(Field::CertTypes, Value::Present, types.data_range(b));
    for (i, t) in types.data(d).iter().enumerate() {
        out(Field::CertType, uint(*t), r(b + types.start() + i, 1));
    }
    let fills = |v: &Vector| v.ok && v.end() == d.len();
    let algs = types.next(d, 2).filter(|v| v.ok);
    let mut at = types.end();
    if let Some(a) = algs.filter(|a| a.next(d, 2).is_some_and(|n| fills(&n))) {
        let list_d = d.get(a.at..).unwrap_or(&[]);
        sig_algs(list_d, b + a.at, out)?;
        at = a.end();
    }
    let Some(names) = vec_len(d, b, at, 2, Field::DnamesLen, out)? else {
        return Ok(());
    };
    if names.len == 0 {
        return Ok(());
    }
    out(Field::Dnames, Value::Present, names.data_range(b));
    let data = names.data(d);
    let start = b + names.start();
    let mut pos = 0;
    while pos < data.len() {
        let f = Field::DnameLen;
        let Some(n) = vec_len(data, start, pos, 2, f, out)? else {
            return Ok(());
        };
        pos = n.end();
    }
    Ok(())
}

/// tshark's Info column for the view's records; stops where the fields do.
pub(super) fn summary(v: &TlsView, out: &mut String) {
    let mut list = InfoList::new(out);
    for it in v.items() {
        match it {
            Item::Record { .. } => {}
            Item::ChangeCipherSpec(_) => list.put("Change Cipher Spec"),
            Item::Alert(rec) => list.alert(rec.body),
            Item::EncryptedAlert(_) => list.put("Encrypted Alert"),
            Item::ApplicationData(_) => list.put("Application Data"),
            Item::Heartbeat(rec) => match heartbeat_plain(rec.body) {
                Some((1, _)) => list.put("Heartbeat Request"),
                Some(_) => list.put("Heartbeat Response"),
                None => list.put("Encrypted Heartbeat"),
            },
            Item::Handshake { msg, first, .. } => {
                let name = if first && msg.is_hello_retry_request() {
                    "Hello Retry Request"
                } else {
                    msg.name().unwrap_or("Encrypted Handshake Message")
                };
                list.put(name);
            }
            Item::Fragment(f) => {
                let name = f
                    .msg_type
                    .and_then(handshake_type_name)
                    .unwrap_or("Encrypted Handshake Message");
                if f.completes {
                    list.put(name);
                } else if f.starts && f.first {
                    list.put("[");
                    list.more(name);
                    list.more(" Fragment]");
                }
            }
            Item::EncryptedHandshake(_) => list.put("Encrypted Handshake Message"),
            Item::Continuation(_) => list.put("Continuation Data"),
        }
        if item(it, &mut |_, _, _| {}).is_err() {
            return;
        }
    }
}
