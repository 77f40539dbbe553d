//! Zeek's ssl.log: one record per TLS connection (Zeek 6,
//! `base/protocols/ssl/main.zeek` and `files.zeek`), with the fields of
//! the common JA3 package (`ja3`, `ja3s`) and a `ja4`.
//!
//! As Zeek does:
//! - The record starts at the connection's first TLS message. The hellos
//!   give `server_name` (the client's first SNI name), `version` (the
//!   ServerHello's, or the one its supported_versions extension selects),
//!   `cipher`, `next_protocol` (the server's ALPN choice), `curve` (the
//!   ECDHE group of the ServerKeyExchange or of the ServerHello's
//!   key_share), `resumed` (the client's session id echoed by a pre-1.3
//!   server, a session ticket sent with an empty id and no key exchange
//!   before the client's ChangeCipherSpec, or a pre-shared key the server
//!   accepts).
//! - `ssl_history` has a letter per handshake message, ChangeCipherSpec
//!   (`i`), alert (`l`) and heartbeat (`b`) in clear, upper case from the
//!   client, at most 100; `^` where the first ClientHello came from the
//!   responder (the client is then the responder).
//! - A direction's records after its ChangeCipherSpec are ciphertext; the
//!   first ciphertext record once both directions changed cipher makes the
//!   connection `established`, and the record is written then. A
//!   connection that never gets there is written when it ends.
//! - Certificates (in clear, so up to TLS 1.2): `cert_chain_fps` and
//!   `client_cert_chain_fps` are the SHA-256 fingerprints of the server's
//!   and client's chains (both start at the first certificate seen, so a
//!   side that sent none then has an empty list); `subject`/`issuer` (and the client's) are the
//!   first certificate's names as OpenSSL prints them with RFC 2253 flags;
//!   `sni_matches_cert` says whether the SNI name matches the server
//!   certificate's DNS names (or its CN when it has none), wildcards
//!   included.
//! - `ja3`/`ja3s` are the MD5 of the JA3/JA3S strings, `ja4` FoxIO's JA4 of
//!   the ClientHello.
//! - A TCP connection picked up without its handshake (Zeek's partial
//!   connection, [`crate::flow::history::History::partial`]) is not read:
//!   the caller gives this tracker none of its messages
//!   ([`super::apps::AppLogs`]). After a gap in either direction nothing
//!   more is read ([`Tracker::gap`]); the record keeps what came before.
//!
//! DTLS (over UDP, [`Msg::read_dtls`]) is followed the same way, its
//! version `DTLSv10`/`DTLSv12` and conn.log's service `dtls`. A handshake
//! message sent in fragments is put together per direction as Zeek's DTLS
//! analyzer does: one message at a time (a fragment of another message
//! starts anew), the fragments' record sequence numbers within a window of
//! [`DTLS_WINDOW`] from the first one's; a fragment outside it is Zeek's
//! protocol violation, after which the connection is not followed (no
//! ssl.log record, no service).
//!
//! Known differences: `validation_status` stays unset (no trust store);
//! SSLv2 is not followed.
//!
//! Bounds: per connection one record; at most [`MAX_CONNS`] connections
//! with TLS state (past that the oldest is written early, counted in
//! [`Stats::overflow`]); at most [`MAX_CERTS`] certificates of a chain are
//! fingerprinted. A DTLS message being put together is at most
//! [`MAX_DTLS_MESSAGE`] bytes, one per direction, and all of them at most
//! [`MAX_DTLS_BUFFERED`] bytes; fragments refused are counted in
//! [`Stats::dtls_dropped`].

mod ciphers;

use super::apps::{ids_in_order, to_evict, ConnId, Frame, Map};
use super::conn::Uid;
use super::x509::{Cache as CertCache, Cert, X509};
use super::{emit, field, hex, Record, Schema, Sink, Type, Value};
use md5::{Digest as _, Md5};
use sha2::Sha256;
use std::borrow::Cow;
use std::io;
use std::net::IpAddr;
use wire::dtls::{DtlsView, Item as DtlsItem};
use wire::tls::{content_type as ct, extension_type as ext, handshake_type as hs, Item, TlsView};
use wiresift_wire as wire;

pub static SCHEMA: Schema = Schema {
    path: "ssl",
    fields: conn_fields![
        field("version", Type::String),
        field("cipher", Type::String),
        field("curve", Type::String),
        field("server_name", Type::String),
        field("resumed", Type::Bool),
        field("last_alert", Type::String),
        field("next_protocol", Type::String),
        field("established", Type::Bool),
        field("ssl_history", Type::String),
        field("cert_chain_fps", Type::StringVector),
        field("client_cert_chain_fps", Type::StringVector),
        field("subject", Type::String),
        field("issuer", Type::String),
        field("client_subject", Type::String),
        field("client_issuer", Type::String),
        field("sni_matches_cert", Type::Bool),
        field("validation_status", Type::String),
        field("ja3", Type::String),
        field("ja3s", Type::String),
        field("ja4", Type::String),
    ],
};

/// Connections with TLS state at once.
pub const MAX_CONNS: usize = 100_000;
/// Certificates of one chain that are fingerprinted.
pub const MAX_CERTS: usize = 16;
/// The largest DTLS handshake message put together from fragments.
pub const MAX_DTLS_MESSAGE: usize = 64 * 1024;
/// Bytes of DTLS messages being put together, over all connections.
pub const MAX_DTLS_BUFFERED: usize = 16 * 1024 * 1024;
/// How far past the first fragment's record sequence number a fragment of
/// the same message may be (Zeek keeps a bitmap of 32 records).
pub const DTLS_WINDOW: u64 = 32;
/// Zeek's `max_ssl_history_length`.
const MAX_HISTORY: usize = 100;
/// Events kept from one TLS layer (a layer holds a few records).
const MAX_EVENTS: usize = 256;

/// What ssl.log needs of a ClientHello.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientHello {
    pub session_id: Vec<u8>,
    pub server_name: Option<Vec<u8>>,
    /// A session ticket extension with data.
    pub ticket: bool,
    /// A pre_shared_key extension.
    pub psk: bool,
    pub ja3: String,
    pub ja4: String,
}

/// What ssl.log needs of a ServerHello.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerHello {
    pub version: u16,
    /// The supported_versions extension's one version.
    pub selected: Option<u16>,
    pub session_id: Vec<u8>,
    pub cipher: Option<u16>,
    pub hrr: bool,
    pub key_share: Option<u16>,
    pub alpn: Option<Vec<u8>>,
    pub psk: bool,
    pub ja3s: String,
}

/// What ssl.log keeps of a Certificate message: the fingerprints of the
/// chain and the first certificate's names; and for x509.log, when it is
/// written, each certificate's fields (None where one does not parse).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Certs {
    pub fps: Vec<String>,
    pub subject: Option<String>,
    pub issuer: Option<String>,
    /// DNS names (SAN, else the CN) for the SNI check.
    pub names: Vec<String>,
    pub certs: Vec<Option<Cert>>,
}

/// One thing a TLS layer holds, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ev {
    /// A record begins (its content type).
    Record(u8),
    ClientHello(Box<ClientHello>),
    ServerHello(Box<ServerHello>),
    Certificate(Box<Certs>),
    /// The named curve of an ECDHE ServerKeyExchange.
    ServerKeyExchange(Option<u16>),
    /// Another handshake message (its type).
    Handshake(u8),
    ChangeCipherSpec,
    Alert(u8),
    Heartbeat,
    /// A fragment of a DTLS handshake message (put together per
    /// connection by the tracker).
    DtlsFragment(Box<DtlsFragment>),
}

/// A fragment of a DTLS handshake message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DtlsFragment {
    pub msg_type: u8,
    pub length: u32,
    pub message_seq: u16,
    pub offset: u32,
    /// The sequence number of the record that carried it.
    pub record_seq: u64,
    pub bytes: Vec<u8>,
    /// x509.log is written: read each certificate's fields.
    pub x509: bool,
}

/// What ssl.log needs of one TLS layer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Msg {
    pub evs: Vec<Ev>,
    /// The records were DTLS.
    pub dtls: bool,
}

/// JA4's hash of one part: the first 12 hex digits of its SHA-256, or
/// zeros for an empty part.
fn ja4_hash(s: &str) -> String {
    if s.is_empty() {
        return "000000000000".to_owned();
    }
    // 12 hex digits: the first 6 bytes.
    hex(Sha256::digest(s.as_bytes()).get(..6).unwrap_or_default())
}

fn client_hello(h: &wire::tls::ClientHello<'_>) -> ClientHello {
    let mut ja3 = String::new();
    h.write_ja3_full(&mut ja3);
    // JA4's first letter: `d` for DTLS, `t` for TLS over TCP.
    let p = h.ja4_parts_for(if h.is_dtls() { 'd' } else { 't' });
    ClientHello {
        session_id: h.session_id().to_vec(),
        server_name: h.server_name().map(<[u8]>::to_vec),
        ticket: h
            .extension(ext::SESSION_TICKET)
            .is_some_and(|e| !e.data.is_empty()),
        psk: h.extension(ext::PRE_SHARED_KEY).is_some(),
        ja3: hex(&Md5::digest(ja3.as_bytes())),
        ja4: format!(
            "{}_{}_{}",
            p.prefix,
            ja4_hash(&p.ciphers),
            ja4_hash(&p.extensions)
        ),
    }
}

fn server_hello(h: &wire::tls::ServerHello<'_>) -> ServerHello {
    let mut ja3s = String::new();
    h.write_ja3s_full(&mut ja3s);
    let two = |t: u16| {
        h.extension(t)
            .and_then(|e| e.data.get(..2).map(|b| u16::from_be_bytes([b[0], b[1]])))
    };
    ServerHello {
        version: h.version(),
        selected: h.selected_version(),
        session_id: h.session_id().to_vec(),
        cipher: h.cipher_suite(),
        hrr: h.is_hello_retry_request(),
        key_share: two(ext::KEY_SHARE),
        alpn: h.alpn().map(<[u8]>::to_vec),
        psk: h.extension(ext::PRE_SHARED_KEY).is_some(),
        ja3s: hex(&Md5::digest(ja3s.as_bytes())),
    }
}

/// A Certificate message's chain; each certificate's fields too when
/// `x509` (x509.log is written).
fn certs<'a>(
    list: impl Iterator<Item = (usize, &'a [u8])>,
    x509: bool,
    cache: &mut CertCache,
) -> Certs {
    let mut c = Certs::default();
    for (i, (_, der)) in list.take(MAX_CERTS).enumerate() {
        let (fp, parsed) = cache.read(der, i == 0 || x509);
        c.fps.push(fp);
        if i > 0 && !x509 {
            continue;
        }
        if let (0, Some(p)) = (i, &parsed) {
            c.subject = Some(p.subject.clone());
            c.issuer = Some(p.issuer.clone());
            c.names = p.host_names.clone();
        }
        if x509 {
            c.certs.push(parsed);
        }
    }
    c
}

impl Msg {
    /// The events of one TLS layer, in order; with each certificate's
    /// fields when `x509`. `cache`: the certificates read before.
    pub fn read(v: &TlsView<'_>, x509: bool, cache: &mut CertCache) -> Msg {
        let mut evs = Vec::new();
        for it in v.items() {
            if evs.len() >= MAX_EVENTS {
                break;
            }
            let e = match it {
                Item::Record { record, .. } => Ev::Record(record.content_type),
                Item::ChangeCipherSpec(_) => Ev::ChangeCipherSpec,
                Item::Alert(r) => Ev::Alert(r.body.get(1).copied().unwrap_or(0)),
                Item::Heartbeat(_) => Ev::Heartbeat,
                Item::Handshake { msg, .. } => handshake_ev(msg, x509, cache),
                _ => continue,
            };
            evs.push(e);
        }
        Msg { evs, dtls: false }
    }

    /// The events of one DTLS layer, in order; fragments of handshake
    /// messages as [`Ev::DtlsFragment`] (copied: the tracker puts them
    /// together).
    pub fn read_dtls(v: &DtlsView<'_>, x509: bool, cache: &mut CertCache) -> Msg {
        let mut evs = Vec::new();
        let mut record_seq = 0;
        for it in v.items() {
            if evs.len() >= MAX_EVENTS {
                break;
            }
            let e = match it {
                DtlsItem::Record(r) => {
                    record_seq = r.sequence_number;
                    Ev::Record(r.content_type)
                }
                DtlsItem::ChangeCipherSpec(_) => Ev::ChangeCipherSpec,
                DtlsItem::Alert(r) => Ev::Alert(r.body.get(1).copied().unwrap_or(0)),
                DtlsItem::Heartbeat(_) => Ev::Heartbeat,
                DtlsItem::Handshake { msg, .. } if msg.is_whole() => handshake_ev(msg, x509, cache),
                DtlsItem::Handshake { msg, .. } => Ev::DtlsFragment(Box::new(DtlsFragment {
                    msg_type: msg.msg_type(),
                    length: msg.length(),
                    message_seq: msg.message_seq(),
                    offset: msg.fragment_offset(),
                    record_seq,
                    bytes: msg.body().to_vec(),
                    x509,
                })),
                _ => continue,
            };
            evs.push(e);
        }
        Msg { evs, dtls: true }
    }
}

/// The event of one whole handshake message.
fn handshake_ev(msg: wire::tls::Handshake<'_>, x509: bool, cache: &mut CertCache) -> Ev {
    match msg.msg_type() {
        hs::CLIENT_HELLO => match msg.client_hello() {
            Some(h) => Ev::ClientHello(Box::new(client_hello(&h))),
            None => Ev::Handshake(hs::CLIENT_HELLO),
        },
        hs::SERVER_HELLO => match msg.server_hello() {
            Some(h) => Ev::ServerHello(Box::new(server_hello(&h))),
            None => Ev::Handshake(hs::SERVER_HELLO),
        },
        hs::CERTIFICATE => match msg.certificates() {
            Some(list) => Ev::Certificate(Box::new(certs(list, x509, cache))),
            None => Ev::Handshake(hs::CERTIFICATE),
        },
        hs::SERVER_KEY_EXCHANGE => {
            // ECParameters: curve_type 3 (named_curve), then the
            // group.
            let b = msg.body();
            let curve = (b.first() == Some(&3))
                .then(|| b.get(1..3).map(|g| u16::from_be_bytes([g[0], g[1]])))
                .flatten();
            Ev::ServerKeyExchange(curve)
        }
        t => Ev::Handshake(t),
    }
}

/// A DTLS handshake message being put together in one direction.
#[derive(Debug, Default)]
struct Reassembly {
    message_seq: u16,
    length: u32,
    /// The least and greatest record sequence numbers of its fragments.
    first_record_seq: u64,
    last_record_seq: u64,
    /// The message's body so far (`length` bytes once started).
    buf: Vec<u8>,
    /// The byte ranges received, at most [`DTLS_WINDOW`] of them.
    have: Vec<(u32, u32)>,
}

impl Reassembly {
    /// Is every byte of the message here?
    fn complete(&self) -> bool {
        let mut ranges = self.have.clone();
        ranges.sort_unstable();
        let mut end = 0u32;
        for (s, e) in ranges {
            if s > end {
                return false;
            }
            end = end.max(e);
        }
        end >= self.length
    }
}

/// What a DTLS fragment did.
enum FragOutcome {
    /// The message is whole: its event.
    Whole(Ev),
    /// Kept (or dropped for a bound, counted).
    Pending,
    /// Zeek's protocol violation: the connection is not followed further.
    Violation,
}

/// Zeek's name of a version (`SSL::version_strings`).
pub fn version_name(v: u16) -> String {
    match v {
        0x0002 => "SSLv2".into(),
        0x0300 => "SSLv3".into(),
        0x0301 => "TLSv10".into(),
        0x0302 => "TLSv11".into(),
        0x0303 => "TLSv12".into(),
        0x0304 => "TLSv13".into(),
        0xfeff => "DTLSv10".into(),
        0xfefd => "DTLSv12".into(),
        0xfefc => "DTLSv13".into(),
        v if v / 0xff == 0x7f => format!("TLSv13-draft{}", v % 0x7f),
        v => format!("unknown-{v}"),
    }
}

/// Zeek's name of a cipher suite (IANA's).
pub fn cipher_name(c: u16) -> String {
    match ciphers::CIPHERS.binary_search_by_key(&c, |(k, _)| *k) {
        Ok(i) => ciphers::CIPHERS
            .get(i)
            .map_or_else(|| format!("unknown-{c}"), |(_, n)| (*n).to_owned()),
        Err(_) => format!("unknown-{c}"),
    }
}

/// Zeek's name of a group (`SSL::ec_curves`).
pub fn curve_name(g: u16) -> String {
    const SECT: [&str; 41] = [
        "sect163k1",
        "sect163r1",
        "sect163r2",
        "sect193r1",
        "sect193r2",
        "sect233k1",
        "sect233r1",
        "sect239k1",
        "sect283k1",
        "sect283r1",
        "sect409k1",
        "sect409r1",
        "sect571k1",
        "sect571r1",
        "secp160k1",
        "secp160r1",
        "secp160r2",
        "secp192k1",
        "secp192r1",
        "secp224k1",
        "secp224r1",
        "secp256k1",
        "secp256r1",
        "secp384r1",
        "secp521r1",
        "brainpoolP256r1",
        "brainpoolP384r1",
        "brainpoolP512r1",
        "x25519",
        "x448",
        "brainpoolP256r1tls13",
        "brainpoolP384r1tls13",
        "brainpoolP512r1tls13",
        "GC256A",
        "GC256B",
        "GC256C",
        "GC256D",
        "GC512A",
        "GC512B",
        "GC512C",
        "curveSM2",
    ];
    let named = match g {
        1..=41 => SECT.get(usize::from(g) - 1).copied(),
        256 => Some("ffdhe2048"),
        257 => Some("ffdhe3072"),
        258 => Some("ffdhe4096"),
        259 => Some("ffdhe6144"),
        260 => Some("ffdhe8192"),
        512 => Some("MLKEM512"),
        513 => Some("MLKEM768"),
        514 => Some("MLKEM1024"),
        4587 => Some("SecP256r1MLKEM768"),
        4588 => Some("X25519MLKEM768"),
        4589 => Some("SecP384r1MLKEM1024"),
        16696 => Some("CECPQ2"),
        25497 => Some("X25519Kyber768Draft00"),
        25498 => Some("SecP256r1Kyber768Draft00"),
        0xff01 => Some("arbitrary_explicit_prime_curves"),
        0xff02 => Some("arbitrary_explicit_char2_curves"),
        g if wire::tls::is_grease(g) => return format!("grease_0x{g:04X}"),
        _ => None,
    };
    named.map_or_else(|| format!("unknown-{g}"), str::to_owned)
}

/// Zeek's name of an alert description (`SSL::alert_descriptions`).
pub fn alert_name(d: u8) -> String {
    let n = match d {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        21 => "decryption_failed",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        60 => "export_restriction",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        110 => "unsupported_extension",
        111 => "certificate_unobtainable",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        114 => "bad_certificate_hash_value",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        117 => "general_error",
        120 => "no_application_protocol",
        121 => "ech_required",
        d => return format!("unknown-{d}"),
    };
    n.to_owned()
}

/// The history letter of a handshake message type.
fn letter(t: u8) -> u8 {
    match t {
        hs::HELLO_REQUEST => b'h',
        hs::CLIENT_HELLO => b'c',
        hs::SERVER_HELLO => b's',
        hs::HELLO_VERIFY_REQUEST => b'v',
        hs::NEW_SESSION_TICKET => b't',
        hs::END_OF_EARLY_DATA => b'e',
        hs::HELLO_RETRY_REQUEST => b'j',
        hs::ENCRYPTED_EXTENSIONS => b'o',
        hs::CERTIFICATE => b'x',
        hs::SERVER_KEY_EXCHANGE => b'k',
        hs::CERTIFICATE_REQUEST => b'r',
        hs::SERVER_HELLO_DONE => b'n',
        hs::CERTIFICATE_VERIFY => b'y',
        hs::CLIENT_KEY_EXCHANGE => b'g',
        hs::FINISHED => b'f',
        hs::CERTIFICATE_URL => b'w',
        hs::CERTIFICATE_STATUS => b'u',
        hs::SUPPLEMENTAL_DATA => b'a',
        hs::KEY_UPDATE => b'p',
        254 => b'm',
        _ => b'z',
    }
}

/// Does `host` match a certificate name (`*.` matches one left-most
/// label)?
pub fn host_matches(name: &str, host: &str) -> bool {
    let (name, host) = (name.to_ascii_lowercase(), host.to_ascii_lowercase());
    let host = host.trim_end_matches('.');
    match name.strip_prefix("*.") {
        Some(rest) => host
            .split_once('.')
            .is_some_and(|(first, tail)| !first.is_empty() && tail == rest),
        None => name.trim_end_matches('.') == host,
    }
}

/// One ssl.log record (Zeek's `SSL::Info` and the JA3 package's fields).
#[derive(Clone, Debug, PartialEq)]
pub struct Ssl {
    pub ts_ns: i64,
    pub uid: Uid,
    pub orig_h: IpAddr,
    pub orig_p: u16,
    pub resp_h: IpAddr,
    pub resp_p: u16,
    pub version: Option<String>,
    pub cipher: Option<String>,
    pub curve: Option<String>,
    pub server_name: Option<Vec<u8>>,
    pub resumed: bool,
    pub last_alert: Option<String>,
    pub next_protocol: Option<Vec<u8>>,
    pub established: bool,
    pub history: String,
    pub cert_chain_fps: Option<Vec<String>>,
    pub client_cert_chain_fps: Option<Vec<String>>,
    pub subject: Option<String>,
    pub issuer: Option<String>,
    pub client_subject: Option<String>,
    pub client_issuer: Option<String>,
    pub sni_matches_cert: Option<bool>,
    pub ja3: Option<String>,
    pub ja3s: Option<String>,
    pub ja4: Option<String>,
}

impl Record for Ssl {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        let s = |v: &'s Option<String>| v.as_deref().map_or(Value::Unset, Value::str);
        let fps = |v: &'s Option<Vec<String>>| {
            v.as_ref().map_or(Value::Unset, |l| {
                Value::Strings(l.iter().map(|x| Cow::Borrowed(x.as_bytes())).collect())
            })
        };
        out.extend([
            Value::Time(self.ts_ns),
            self.uid.value(),
            Value::Addr(self.orig_h),
            Value::Port(self.orig_p),
            Value::Addr(self.resp_h),
            Value::Port(self.resp_p),
            s(&self.version),
            s(&self.cipher),
            s(&self.curve),
            Value::bytes(self.server_name.as_deref()),
            Value::Bool(self.resumed),
            s(&self.last_alert),
            Value::bytes(self.next_protocol.as_deref()),
            Value::Bool(self.established),
            Value::str(&self.history),
            fps(&self.cert_chain_fps),
            fps(&self.client_cert_chain_fps),
            s(&self.subject),
            s(&self.issuer),
            s(&self.client_subject),
            s(&self.client_issuer),
            self.sni_matches_cert.map_or(Value::Unset, Value::Bool),
            // No trust store: never validated.
            Value::Unset,
            s(&self.ja3),
            s(&self.ja3s),
            s(&self.ja4),
        ]);
    }
}

/// One connection's TLS state.
#[derive(Debug)]
struct ConnState {
    info: Ssl,
    /// The first ClientHello came from the responder.
    flipped: bool,
    hello_seen: bool,
    /// Each side (client, server) sent its ChangeCipherSpec.
    encrypted: [bool; 2],
    session_id: Option<Vec<u8>>,
    ticket_empty_session: bool,
    client_key_exchange: bool,
    client_psk: bool,
    hrr_seen: bool,
    version_num: Option<u16>,
    server_names: Vec<String>,
    /// Written (established): later messages are not looked at, as Zeek
    /// then takes its analyzer off the connection.
    logged: bool,
    /// DTLS: the message being put together from each side (originator,
    /// responder).
    frags: [Reassembly; 2],
    /// DTLS: a protocol violation ended the analysis (nothing is written).
    violated: bool,
    /// TCP: bytes went missing in either direction; Zeek's analyzer reads
    /// nothing after a gap (`had_gap`).
    gap: bool,
}

impl ConnState {
    fn new(f: &Frame<'_>) -> ConnState {
        let c = f.conn;
        ConnState {
            info: Ssl {
                ts_ns: f.ts_ns,
                uid: c.uid,
                orig_h: c.orig_h,
                orig_p: c.orig_p,
                resp_h: c.resp_h,
                resp_p: c.resp_p,
                version: None,
                cipher: None,
                curve: None,
                server_name: None,
                resumed: false,
                last_alert: None,
                next_protocol: None,
                established: false,
                history: String::new(),
                cert_chain_fps: None,
                client_cert_chain_fps: None,
                subject: None,
                issuer: None,
                client_subject: None,
                client_issuer: None,
                sni_matches_cert: None,
                ja3: None,
                ja3s: None,
                ja4: None,
            },
            flipped: false,
            hello_seen: false,
            encrypted: [false; 2],
            session_id: None,
            ticket_empty_session: false,
            client_key_exchange: false,
            client_psk: false,
            hrr_seen: false,
            version_num: None,
            server_names: Vec::new(),
            logged: false,
            frags: Default::default(),
            violated: false,
            gap: false,
        }
    }

    fn add(&mut self, client: bool, c: u8) {
        if self.info.history.len() >= MAX_HISTORY {
            return;
        }
        let c = if client {
            c.to_ascii_uppercase()
        } else {
            c.to_ascii_lowercase()
        };
        self.info.history.push(char::from(c));
    }

    fn sni_check(&mut self) {
        if let (Some(sni), false) = (&self.info.server_name, self.server_names.is_empty()) {
            let sni = String::from_utf8_lossy(sni);
            self.info.sni_matches_cert =
                Some(self.server_names.iter().any(|n| host_matches(n, &sni)));
        }
    }

    /// Take one layer's events; true when the connection became
    /// established (the record is to be written). The certificates seen in
    /// clear go to `seen`, with whether the client sent them.
    fn apply(&mut self, from_orig: bool, m: Msg, seen: &mut Vec<(bool, Certs)>) -> bool {
        let mut cipher_rec = false;
        let dtls = m.dtls;
        for e in m.evs {
            let client = from_orig != self.flipped;
            if let Ev::Record(t) = e {
                let side = usize::from(!client);
                cipher_rec = self.encrypted.get(side).copied().unwrap_or(false);
                if cipher_rec && t != ct::CHANGE_CIPHER_SPEC && self.encrypted == [true, true] {
                    self.info.established = true;
                    return true;
                }
                continue;
            }
            if cipher_rec {
                // Ciphertext: Zeek does not look inside.
                continue;
            }
            match e {
                Ev::Record(_) | Ev::DtlsFragment(_) => {}
                Ev::ClientHello(h) => {
                    if !self.hello_seen && !from_orig {
                        // The client is the responder.
                        self.flipped = true;
                        self.info.history.push('^');
                    }
                    self.hello_seen = true;
                    let client = from_orig != self.flipped;
                    if h.ticket {
                        self.ticket_empty_session = true;
                    }
                    if h.psk {
                        self.client_psk = true;
                    }
                    if let Some(n) = &h.server_name {
                        self.info.server_name = Some(n.clone());
                    }
                    if !h.session_id.is_empty() && h.session_id.iter().any(|&b| b != 0) {
                        self.session_id = Some(h.session_id.clone());
                        self.ticket_empty_session = false;
                    }
                    self.info.ja3 = Some(h.ja3.clone());
                    self.info.ja4 = Some(h.ja4.clone());
                    self.add(client, b'c');
                }
                Ev::ServerHello(h) => {
                    // Extensions first, as Zeek raises their events first.
                    if let Some(v) = h.selected {
                        self.version_num = Some(v);
                        self.info.version = Some(version_name(v));
                    }
                    if let Some(g) = h.key_share {
                        self.info.curve = Some(curve_name(g));
                    }
                    if let Some(p) = &h.alpn {
                        self.info.next_protocol = Some(p.clone());
                    }
                    if h.psk && self.client_psk {
                        self.info.resumed = true;
                    }
                    if self.version_num.is_none() {
                        self.version_num = Some(h.version);
                        self.info.version = Some(version_name(h.version));
                    }
                    self.info.cipher = h.cipher.map(cipher_name);
                    if h.hrr {
                        self.hrr_seen = true;
                    }
                    let v = self.version_num.unwrap_or(0);
                    if self.session_id.as_deref() == Some(h.session_id.as_slice())
                        && v / 0xff != 0x7f
                        && v != 0x0304
                    {
                        self.info.resumed = true;
                    }
                    self.info.ja3s = Some(h.ja3s.clone());
                    if self.hrr_seen {
                        self.hrr_seen = false;
                        self.add(client, b'j');
                    } else {
                        self.add(client, b's');
                    }
                }
                Ev::Certificate(mut c) => {
                    // Zeek's DTLS files a chain by the direction it came
                    // from (the originator's is the client's), also when
                    // the responder sent the ClientHello.
                    let by = if dtls { from_orig } else { client };
                    // Zeek's ssl/files.zeek starts both lists at the first
                    // certificate it sees (so a side that sent none has an
                    // empty one) and adds each certificate to its side's.
                    if !c.fps.is_empty() {
                        let server = self.info.cert_chain_fps.get_or_insert_with(Vec::new);
                        let client = self.info.client_cert_chain_fps.get_or_insert_with(Vec::new);
                        let fps = if by { client } else { server };
                        fps.extend(c.fps.iter().cloned());
                    }
                    if by {
                        self.info.client_subject = c.subject.take();
                        self.info.client_issuer = c.issuer.take();
                    } else {
                        self.info.subject = c.subject.take();
                        self.info.issuer = c.issuer.take();
                        self.server_names = std::mem::take(&mut c.names);
                        self.sni_check();
                    }
                    if !c.certs.is_empty() {
                        seen.push((by, *c));
                    }
                    self.add(client, b'x');
                }
                Ev::ServerKeyExchange(curve) => {
                    if let Some(g) = curve {
                        self.info.curve = Some(curve_name(g));
                    }
                    self.add(client, b'k');
                }
                Ev::Handshake(t) => {
                    if client && t == hs::CLIENT_KEY_EXCHANGE {
                        self.client_key_exchange = true;
                    }
                    self.add(client, letter(t));
                }
                Ev::ChangeCipherSpec => {
                    self.add(client, b'i');
                    if client && self.ticket_empty_session && !self.client_key_exchange {
                        self.info.resumed = true;
                    }
                    if let Some(s) = self.encrypted.get_mut(usize::from(!client)) {
                        *s = true;
                    }
                }
                Ev::Alert(d) => {
                    self.add(client, b'l');
                    self.info.last_alert = Some(alert_name(d));
                }
                Ev::Heartbeat => self.add(client, b'b'),
            }
        }
        false
    }
}

/// What the TLS analyzer counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub records: u64,
    /// Connections written early because [`MAX_CONNS`] had TLS state.
    pub overflow: u64,
    /// DTLS handshake fragments not kept: their message past
    /// [`MAX_DTLS_MESSAGE`], all messages past [`MAX_DTLS_BUFFERED`], or a
    /// message in more than [`DTLS_WINDOW`] pieces.
    pub dtls_dropped: u64,
    /// DTLS connections given up on a protocol violation.
    pub dtls_violations: u64,
}

/// TLS connections in progress.
#[derive(Debug, Default)]
pub struct Tracker {
    conns: Map<ConnId, ConnState>,
    /// The certificates of one frame, in order, reused.
    seen: Vec<(bool, Certs)>,
    /// Certificates read before ([`Msg::read`]).
    pub certs: CertCache,
    /// Bytes of DTLS messages being put together.
    dtls_buffered: usize,
    pub stats: Stats,
}

/// Take one DTLS fragment into its direction's reassembly.
fn dtls_fragment(
    r: &mut Reassembly,
    fr: DtlsFragment,
    buffered: &mut usize,
    stats: &mut Stats,
    certs: &mut CertCache,
) -> FragOutcome {
    let len = fr.length as usize;
    let Some(end) = (fr.offset as usize).checked_add(fr.bytes.len()) else {
        return FragOutcome::Violation;
    };
    if end > len {
        // Zeek: a fragment writing past the end of its message.
        return FragOutcome::Violation;
    }
    if len > MAX_DTLS_MESSAGE {
        stats.dtls_dropped += 1;
        return FragOutcome::Pending;
    }
    if r.buf.is_empty() || r.message_seq != fr.message_seq || r.length != fr.length {
        // Another message: what was kept of the last one is given up.
        *buffered = buffered.saturating_sub(r.buf.len());
        *r = Reassembly::default();
        if buffered.saturating_add(len) > MAX_DTLS_BUFFERED {
            stats.dtls_dropped += 1;
            return FragOutcome::Pending;
        }
        *r = Reassembly {
            message_seq: fr.message_seq,
            length: fr.length,
            first_record_seq: fr.record_seq,
            last_record_seq: fr.record_seq,
            buf: vec![0; len],
            have: Vec::new(),
        };
        *buffered += len;
    }
    let first = r.first_record_seq.min(fr.record_seq);
    let last = r.last_record_seq.max(fr.record_seq);
    if last.saturating_sub(first) >= DTLS_WINDOW {
        // Zeek: a fragment's sequence number outside the reassembly window.
        *buffered = buffered.saturating_sub(r.buf.len());
        *r = Reassembly::default();
        return FragOutcome::Violation;
    }
    r.first_record_seq = first;
    r.last_record_seq = last;
    if r.have.len() >= DTLS_WINDOW as usize {
        stats.dtls_dropped += 1;
        return FragOutcome::Pending;
    }
    if let Some(dst) = r.buf.get_mut(fr.offset as usize..end) {
        dst.copy_from_slice(&fr.bytes);
    }
    r.have.push((fr.offset, end as u32));
    if !r.complete() {
        return FragOutcome::Pending;
    }
    // The whole message, behind a DTLS header that says so.
    let mut whole = Vec::with_capacity(wire::dtls::HANDSHAKE_HEADER_LEN + len);
    let l = fr.length.to_be_bytes();
    let (l1, l2, l3) = (l.get(1), l.get(2), l.get(3));
    let len3 = [
        l1.copied().unwrap_or(0),
        l2.copied().unwrap_or(0),
        l3.copied().unwrap_or(0),
    ];
    whole.push(fr.msg_type);
    whole.extend_from_slice(&len3);
    whole.extend_from_slice(&fr.message_seq.to_be_bytes());
    whole.extend_from_slice(&[0, 0, 0]);
    whole.extend_from_slice(&len3);
    whole.extend_from_slice(&r.buf);
    *buffered = buffered.saturating_sub(r.buf.len());
    *r = Reassembly::default();
    match wire::tls::Handshake::new_dtls(&whole) {
        Ok(msg) => FragOutcome::Whole(handshake_ev(msg, fr.x509, certs)),
        Err(_) => FragOutcome::Pending,
    }
}

impl Tracker {
    fn write(&mut self, s: &Ssl, sink: &mut dyn Sink) -> io::Result<()> {
        self.stats.records += 1;
        emit(s, sink)
    }

    /// One TLS layer of a connection.
    /// Take one frame's TLS records. True once the connection's record is
    /// written: nothing it sends later changes it.
    pub fn message(&mut self, f: &Frame<'_>, m: Msg, sink: &mut dyn Sink) -> io::Result<bool> {
        if m.evs.is_empty() {
            return Ok(false);
        }
        if let Some(id) = to_evict(&self.conns, f.conn.id, MAX_CONNS, |s| s.info.ts_ns) {
            self.stats.overflow += 1;
            self.conn_ended(id, sink)?;
        }
        let st = self
            .conns
            .entry(f.conn.id)
            .or_insert_with(|| ConnState::new(f));
        if st.logged || st.gap {
            return Ok(true);
        }
        let mut m = m;
        if m.evs.iter().any(|e| matches!(e, Ev::DtlsFragment(_))) {
            let side = usize::from(!f.from_orig);
            let mut evs = Vec::with_capacity(m.evs.len());
            for e in std::mem::take(&mut m.evs) {
                let Ev::DtlsFragment(fr) = e else {
                    evs.push(e);
                    continue;
                };
                let Some(r) = st.frags.get_mut(side) else {
                    continue;
                };
                match dtls_fragment(
                    r,
                    *fr,
                    &mut self.dtls_buffered,
                    &mut self.stats,
                    &mut self.certs,
                ) {
                    FragOutcome::Whole(ev) => evs.push(ev),
                    FragOutcome::Pending => {}
                    FragOutcome::Violation => {
                        // Zeek takes its DTLS analyzer off the connection.
                        self.stats.dtls_violations += 1;
                        for r in &mut st.frags {
                            self.dtls_buffered = self.dtls_buffered.saturating_sub(r.buf.len());
                            *r = Reassembly::default();
                        }
                        st.violated = true;
                        st.logged = true;
                        return Ok(true);
                    }
                }
            }
            m.evs = evs;
        }
        let established = st.apply(f.from_orig, m, &mut self.seen);
        let info = established.then(|| {
            st.logged = true;
            st.info.clone()
        });
        for (client, c) in self.seen.drain(..) {
            for (i, (fp, cert)) in c.fps.into_iter().zip(c.certs).enumerate() {
                if let Some(cert) = cert {
                    let rec = X509 {
                        ts_ns: f.ts_ns,
                        fingerprint: fp,
                        cert,
                        host_cert: i == 0,
                        client_cert: client,
                    };
                    emit(&rec, sink)?;
                }
            }
        }
        match info {
            Some(info) => {
                self.write(&info, sink)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Is the connection's protocol confirmed, as Zeek names a service: a
    /// hello seen and, for DTLS, no protocol violation.
    pub fn confirmed(&self, id: ConnId) -> bool {
        self.conns
            .get(&id)
            .is_some_and(|st| (st.hello_seen || st.info.version.is_some()) && !st.violated)
    }

    /// A connection ended: its record, if not written yet.
    /// Any connection followed?
    pub fn any(&self) -> bool {
        !self.conns.is_empty()
    }

    /// Bytes of connection `id` went missing: nothing more of it is read.
    pub fn gap(&mut self, id: ConnId) {
        if let Some(st) = self.conns.get_mut(&id) {
            st.gap = true;
        }
    }

    pub fn conn_ended(&mut self, id: ConnId, sink: &mut dyn Sink) -> io::Result<()> {
        match self.conns.remove(&id) {
            Some(st) => {
                for r in &st.frags {
                    self.dtls_buffered = self.dtls_buffered.saturating_sub(r.buf.len());
                }
                if st.logged {
                    Ok(())
                } else {
                    self.write(&st.info, sink)
                }
            }
            None => Ok(()),
        }
    }

    /// The capture ended: what is left (connections end first, so normally
    /// nothing).
    pub fn finish(&mut self, sink: &mut dyn Sink) -> io::Result<()> {
        for id in ids_in_order(&self.conns) {
            self.conn_ended(id, sink)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
