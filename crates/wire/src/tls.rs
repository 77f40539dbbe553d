//! TLS 1.0–1.3 (and SSL 3.0) records and the handshake messages they carry.
//!
//! A [`TlsView`] covers one or more whole records, as the engine frames them
//! with [`pdu_len`] (tshark shows such a run in one `tls` layer). Records are
//! walked by [`TlsView::items`]: each record's header, then what it holds —
//! handshake messages (hellos, certificates, …, parsed in
//! [`handshake`](self::Handshake)), a ChangeCipherSpec, an alert, application
//! data (length only: it is encrypted), a heartbeat.
//!
//! Encrypted handshake messages (the Finished after ChangeCipherSpec) look
//! like random bytes. We decide as tshark 4.0 does, record by record: a
//! handshake record of 16 bytes or more is encrypted when it starts with
//! five zero bytes (a TLS 1.2 GCM explicit nonce), when the sender's
//! ChangeCipherSpec was seen in an earlier frame ([`Session::ccs_seen`],
//! which the flow engine knows; a CCS earlier in the same run does not count,
//! as in tshark), when its first message type is unknown, or when that
//! message claims 64 KiB or more.
//!
//! A handshake message cut by the end of its record continues in the next
//! handshake record; within one view the continuation is recognised and its
//! type and length shown as tshark does once reassembled, but the fields of
//! such a message's body are not (they are not contiguous in the packet; the
//! engine can reassemble the bytes and parse them with [`Handshake::new`]).
//!
//! JA3: [`ClientHello::write_ja3_full`] and [`ServerHello::write_ja3s_full`]
//! give tshark's `tls.handshake.ja3_full` / `ja3s_full` strings, and
//! [`ClientHello::ja4_parts`] the JA4 prefix and the two strings JA4 hashes.
//! None of these is in the field table (a computed string has no borrowed
//! [`Value`]); the engine hashes them.

mod emit;
mod handshake;
mod ja;
mod names;
mod repr;
#[cfg(test)]
mod tests;

pub use handshake::DTLS_HEADER_LEN as DTLS_HANDSHAKE_HEADER_LEN;
pub use handshake::{
    Alpn, Certificates, ClientHello, Extension, Extensions, Handshake, KeyShares, NewSessionTicket,
    ServerHello, U16s,
};
pub use ja::Ja4Parts;
pub use names::{
    alert_description_name, alert_level_name, content_type_name, handshake_type_name, version_name,
    InfoList,
};
pub use repr::{
    CertificateRepr, ClientHelloRepr, ExtensionRepr, RecordRepr, ServerHelloRepr, TlsRepr,
};

use crate::bytes::{be16, clamp, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::stream::Pdu;
use std::ops::Range;

/// Byte ranges of the record header.
mod at {
    use std::ops::Range;
    pub const CONTENT_TYPE: Range<usize> = 0..1;
    pub const VERSION: Range<usize> = 1..3;
    pub const LENGTH: Range<usize> = 3..5;
    pub const HEADER_LEN: usize = 5;
}

/// Record content types.
pub mod content_type {
    pub const CHANGE_CIPHER_SPEC: u8 = 20;
    pub const ALERT: u8 = 21;
    pub const HANDSHAKE: u8 = 22;
    pub const APPLICATION_DATA: u8 = 23;
    pub const HEARTBEAT: u8 = 24;
}

/// Handshake message types.
pub mod handshake_type {
    pub const HELLO_REQUEST: u8 = 0;
    pub const CLIENT_HELLO: u8 = 1;
    pub const SERVER_HELLO: u8 = 2;
    pub const HELLO_VERIFY_REQUEST: u8 = 3;
    pub const NEW_SESSION_TICKET: u8 = 4;
    pub const END_OF_EARLY_DATA: u8 = 5;
    pub const HELLO_RETRY_REQUEST: u8 = 6;
    pub const ENCRYPTED_EXTENSIONS: u8 = 8;
    pub const CERTIFICATE: u8 = 11;
    pub const SERVER_KEY_EXCHANGE: u8 = 12;
    pub const CERTIFICATE_REQUEST: u8 = 13;
    pub const SERVER_HELLO_DONE: u8 = 14;
    pub const CERTIFICATE_VERIFY: u8 = 15;
    pub const CLIENT_KEY_EXCHANGE: u8 = 16;
    pub const FINISHED: u8 = 20;
    pub const CERTIFICATE_URL: u8 = 21;
    pub const CERTIFICATE_STATUS: u8 = 22;
    pub const SUPPLEMENTAL_DATA: u8 = 23;
    pub const KEY_UPDATE: u8 = 24;
    pub const COMPRESSED_CERTIFICATE: u8 = 25;
    /// Next Protocol Negotiation's EncryptedExtensions.
    pub const NEXT_PROTOCOL: u8 = 67;
}

/// Hello extension types.
pub mod extension_type {
    pub const SERVER_NAME: u16 = 0;
    pub const MAX_FRAGMENT_LENGTH: u16 = 1;
    pub const STATUS_REQUEST: u16 = 5;
    pub const SUPPORTED_GROUPS: u16 = 10;
    pub const EC_POINT_FORMATS: u16 = 11;
    pub const SIGNATURE_ALGORITHMS: u16 = 13;
    pub const HEARTBEAT: u16 = 15;
    pub const ALPN: u16 = 16;
    pub const SIGNED_CERTIFICATE_TIMESTAMP: u16 = 18;
    pub const PADDING: u16 = 21;
    pub const ENCRYPT_THEN_MAC: u16 = 22;
    pub const EXTENDED_MASTER_SECRET: u16 = 23;
    pub const COMPRESS_CERTIFICATE: u16 = 27;
    pub const RECORD_SIZE_LIMIT: u16 = 28;
    pub const SESSION_TICKET: u16 = 35;
    pub const PRE_SHARED_KEY: u16 = 41;
    pub const EARLY_DATA: u16 = 42;
    pub const SUPPORTED_VERSIONS: u16 = 43;
    pub const COOKIE: u16 = 44;
    pub const PSK_KEY_EXCHANGE_MODES: u16 = 45;
    pub const SIGNATURE_ALGORITHMS_CERT: u16 = 50;
    pub const KEY_SHARE: u16 = 51;
    /// ALPS (application settings, Chrome).
    pub const APPLICATION_SETTINGS: u16 = 17513;
    pub const RENEGOTIATION_INFO: u16 = 0xff01;
}

/// Protocol versions.
pub mod version {
    pub const SSL3: u16 = 0x0300;
    pub const TLS10: u16 = 0x0301;
    pub const TLS11: u16 = 0x0302;
    pub const TLS12: u16 = 0x0303;
    pub const TLS13: u16 = 0x0304;
}

/// The largest record length a plausible record header claims (2^14 of
/// plaintext plus the 2048 bytes of expansion TLS allows ciphertext).
pub const MAX_RECORD_LEN: usize = (1 << 14) + 2048;

/// Is `v` a version tshark takes for TLS 1.3: the final one, an IETF
/// draft (0x7fxx), or Google's and Facebook's experimental ones?
pub fn is_tls13_version(v: u16) -> bool {
    v == version::TLS13 || v & 0xff00 == 0x7f00 || matches!(v, 0x7e01 | 0x7e02 | 0xfb17 | 0xfb1a)
}

/// Is `v` a GREASE value (RFC 8701: 0x0a0a, 0x1a1a, …, 0xfafa)?
pub fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff
}

field_table! {
    Record: "tls.record", "Record Layer", Kind::None;
    ContentType: "tls.record.content_type", "Content Type", Kind::Dec;
    OpaqueType: "tls.record.opaque_type", "Opaque Type", Kind::Dec;
    RecordVersion: "tls.record.version", "Version", Kind::Hex(4);
    RecordLength: "tls.record.length", "Length", Kind::Dec;
    ChangeCipherSpec: "tls.change_cipher_spec", "Change Cipher Spec Message", Kind::None;
    Alert: "tls.alert_message", "Alert Message", Kind::None;
    AlertLevel: "tls.alert_message.level", "Level", Kind::Dec;
    AlertDesc: "tls.alert_message.desc", "Description", Kind::Dec;
    AppData: "tls.app_data", "Encrypted Application Data", Kind::Bytes;
    Heartbeat: "tls.heartbeat_message", "Heartbeat Message", Kind::None;
    HeartbeatType: "tls.heartbeat_message.type", "Type", Kind::Dec;
    HeartbeatPayloadLength: "tls.heartbeat_message.payload_length", "Payload Length", Kind::Dec;
    Handshake: "tls.handshake", "Handshake Protocol", Kind::None;
    HsType: "tls.handshake.type", "Handshake Type", Kind::Dec;
    HsLength: "tls.handshake.length", "Length", Kind::Dec;
    HsVersion: "tls.handshake.version", "Version", Kind::Hex(4);
    Random: "tls.handshake.random", "Random", Kind::Bytes;
    RandomBytes: "tls.handshake.random_bytes", "Random Bytes", Kind::Bytes;
    SessionIdLength: "tls.handshake.session_id_length", "Session ID Length", Kind::Dec;
    SessionId: "tls.handshake.session_id", "Session ID", Kind::Bytes;
    CipherSuitesLength: "tls.handshake.cipher_suites_length", "Cipher Suites Length", Kind::Dec;
    CipherSuites: "tls.handshake.ciphersuites", "Cipher Suites", Kind::None;
    CipherSuite: "tls.handshake.ciphersuite", "Cipher Suite", Kind::Hex(4);
    CompMethodsLength: "tls.handshake.comp_methods_length", "Compression Methods Length", Kind::Dec;
    CompMethods: "tls.handshake.comp_methods", "Compression Methods", Kind::None;
    CompMethod: "tls.handshake.comp_method", "Compression Method", Kind::Dec;
    ExtensionsLength: "tls.handshake.extensions_length", "Extensions Length", Kind::Dec;
    ExtType: "tls.handshake.extension.type", "Type", Kind::Dec;
    ExtLen: "tls.handshake.extension.len", "Length", Kind::Dec;
    ExtData: "tls.handshake.extension.data", "Data", Kind::Bytes;
    ServerNameListLen: "tls.handshake.extensions_server_name_list_len", "Server Name list length", Kind::Dec;
    ServerNameType: "tls.handshake.extensions_server_name_type", "Server Name Type", Kind::Dec;
    ServerNameLen: "tls.handshake.extensions_server_name_len", "Server Name length", Kind::Dec;
    ServerName: "tls.handshake.extensions_server_name", "Server Name", Kind::Str;
    MaxFragmentLength: "tls.handshake.max_fragment_length", "Maximum Fragment Length", Kind::Dec;
    StatusRequestType: "tls.handshake.extensions_status_request_type", "Certificate Status Type", Kind::Dec;
    StatusRequestResponderIdsLen: "tls.handshake.extensions_status_request_responder_ids_len", "Responder ID list Length", Kind::Dec;
    StatusRequestExtsLen: "tls.handshake.extensions_status_request_exts_len", "Request Extensions Length", Kind::Dec;
    StatusRequestListLen: "tls.handshake.extensions_status_request_list_len", "Certificate Status List Length", Kind::Dec;
    StatusRequestLen: "tls.handshake.extensions_status_request_len", "Certificate Status Length", Kind::Dec;
    OcspResponseLen: "tls.handshake.ocsp_response_len", "OCSP Response Length", Kind::Dec;
    SctsLength: "tls.sct.scts_length", "Serialized SCT List Length", Kind::Dec;
    SctLength: "tls.sct.sct_length", "Serialized SCT Length", Kind::Dec;
    SctVersion: "tls.sct.sct_version", "Version", Kind::Dec;
    SctLogId: "tls.sct.sct_logid", "Log ID", Kind::Bytes;
    SctExtensionsLength: "tls.sct.sct_extensions_length", "Extensions length", Kind::Dec;
    SctSignatureLength: "tls.sct.sct_signature_length", "Signature Length", Kind::Dec;
    SctSignature: "tls.sct.sct_signature", "Signature", Kind::Bytes;
    SupportedGroupsLength: "tls.handshake.extensions_supported_groups_length", "Supported Groups List Length", Kind::Dec;
    SupportedGroups: "tls.handshake.extensions_supported_groups", "Supported Groups List", Kind::None;
    SupportedGroup: "tls.handshake.extensions_supported_group", "Supported Group", Kind::Hex(4);
    EcPointFormatsLength: "tls.handshake.extensions_ec_point_formats_length", "EC point formats Length", Kind::Dec;
    EcPointFormats: "tls.handshake.extensions_ec_point_formats", "Elliptic curves point formats", Kind::None;
    EcPointFormat: "tls.handshake.extensions_ec_point_format", "EC point format", Kind::Dec;
    SigHashAlgLen: "tls.handshake.sig_hash_alg_len", "Signature Hash Algorithms Length", Kind::Dec;
    SigHashAlgs: "tls.handshake.sig_hash_algs", "Signature Algorithms", Kind::None;
    SigHashAlg: "tls.handshake.sig_hash_alg", "Signature Algorithm", Kind::Hex(4);
    SigHashHash: "tls.handshake.sig_hash_hash", "Signature Hash Algorithm Hash", Kind::Dec;
    SigHashSig: "tls.handshake.sig_hash_sig", "Signature Hash Algorithm Signature", Kind::Dec;
    HeartbeatMode: "tls.handshake.extension.heartbeat.mode", "Mode", Kind::Dec;
    AlpnLen: "tls.handshake.extensions_alpn_len", "ALPN Extension Length", Kind::Dec;
    AlpnList: "tls.handshake.extensions_alpn_list", "ALPN Protocol", Kind::None;
    AlpnStrLen: "tls.handshake.extensions_alpn_str_len", "ALPN string length", Kind::Dec;
    AlpnStr: "tls.handshake.extensions_alpn_str", "ALPN Next Protocol", Kind::Str;
    PaddingData: "tls.handshake.extensions_padding_data", "Padding Data", Kind::Bytes;
    CompressCertAlgorithmsLength: "tls.compress_certificate.algorithms_length", "Algorithms Length", Kind::Dec;
    CompressCertAlgorithm: "tls.compress_certificate.algorithm", "Algorithm", Kind::Dec;
    RecordSizeLimit: "tls.record_size_limit", "Record Size Limit", Kind::Dec;
    PskIdentitiesLength: "tls.handshake.extensions.psk.identities.length", "Identities Length", Kind::Dec;
    PskIdentityLength: "tls.handshake.extensions.psk.identity.identity_length", "Identity Length", Kind::Dec;
    PskIdentity: "tls.handshake.extensions.psk.identity.identity", "Identity", Kind::Bytes;
    PskObfuscatedTicketAge: "tls.handshake.extensions.psk.identity.obfuscated_ticket_age", "Obfuscated Ticket Age", Kind::Dec;
    PskBindersLen: "tls.handshake.extensions.psk.binders_len", "PSK Binders length", Kind::Dec;
    PskBinders: "tls.handshake.extensions.psk.binders", "PSK Binders", Kind::None;
    PskSelected: "tls.handshake.extensions.psk.identity.selected", "Selected Identity", Kind::Dec;
    SupportedVersionsLen: "tls.handshake.extensions.supported_versions_len", "Supported Versions length", Kind::Dec;
    SupportedVersion: "tls.handshake.extensions.supported_version", "Supported Version", Kind::Hex(4);
    PskKeModesLength: "tls.extension.psk_ke_modes_length", "PSK Key Exchange Modes Length", Kind::Dec;
    PskKeMode: "tls.extension.psk_ke_mode", "PSK Key Exchange Mode", Kind::Dec;
    KeyShareClientLength: "tls.handshake.extensions_key_share_client_length", "Client Key Share Length", Kind::Dec;
    KeyShareGroup: "tls.handshake.extensions_key_share_group", "Group", Kind::Dec;
    KeyShareKeyExchangeLength: "tls.handshake.extensions_key_share_key_exchange_length", "Key Exchange Length", Kind::Dec;
    KeyShareKeyExchange: "tls.handshake.extensions_key_share_key_exchange", "Key Exchange", Kind::Bytes;
    KeyShareSelectedGroup: "tls.handshake.extensions_key_share_selected_group", "Selected Group", Kind::Dec;
    RenegInfoLen: "tls.handshake.extensions_reneg_info_len", "Renegotiation info extension length", Kind::Dec;
    RenegInfo: "tls.handshake.extensions_reneg_info", "Renegotiation info", Kind::Bytes;
    AlpsLen: "tls.handshake.extensions_alps_len", "ALPS Extension Length", Kind::Dec;
    AlpsAlpnList: "tls.handshake.extensions_alps_alpn_list", "Supported ALPN List", Kind::None;
    AlpsAlpnStrLen: "tls.handshake.extensions_alps_alpn_str_len", "Supported ALPN Length", Kind::Dec;
    AlpsAlpnStr: "tls.handshake.extensions_alps_alpn_str", "Supported ALPN", Kind::Str;
    ServerCurveType: "tls.handshake.server_curve_type", "Curve Type", Kind::Hex(2);
    ServerNamedCurve: "tls.handshake.server_named_curve", "Named Curve", Kind::Hex(4);
    ServerPointLen: "tls.handshake.server_point_len", "Pubkey Length", Kind::Dec;
    ServerPoint: "tls.handshake.server_point", "Pubkey", Kind::Bytes;
    PLen: "tls.handshake.p_len", "p Length", Kind::Dec;
    P: "tls.handshake.p", "p", Kind::Bytes;
    GLen: "tls.handshake.g_len", "g Length", Kind::Dec;
    G: "tls.handshake.g", "g", Kind::Bytes;
    YsLen: "tls.handshake.ys_len", "Pubkey Length", Kind::Dec;
    Ys: "tls.handshake.ys", "Pubkey", Kind::Bytes;
    SigLen: "tls.handshake.sig_len", "Signature Length", Kind::Dec;
    Sig: "tls.handshake.sig", "Signature", Kind::Bytes;
    CertVerifySigLen: "tls.handshake.client_cert_vrfy.sig_len", "Signature length", Kind::Dec;
    CertVerifySig: "tls.handshake.client_cert_vrfy.sig", "Signature", Kind::Bytes;
    CertTypesCount: "tls.handshake.cert_types_count", "Certificate types count", Kind::Dec;
    CertTypes: "tls.handshake.cert_types", "Certificate types", Kind::None;
    CertType: "tls.handshake.cert_type", "Certificate type", Kind::Dec;
    DnamesLen: "tls.handshake.dnames_len", "Distinguished Names Length", Kind::Dec;
    Dnames: "tls.handshake.dnames", "Distinguished Names", Kind::None;
    DnameLen: "tls.handshake.dname_len", "Distinguished Name Length", Kind::Dec;
    CertificatesLength: "tls.handshake.certificates_length", "Certificates Length", Kind::Dec;
    Certificates: "tls.handshake.certificates", "Certificates", Kind::None;
    CertificateLength: "tls.handshake.certificate_length", "Certificate Length", Kind::Dec;
    Certificate: "tls.handshake.certificate", "Certificate", Kind::Bytes;
    SessionTicketLifetimeHint: "tls.handshake.session_ticket_lifetime_hint", "Session Ticket Lifetime Hint", Kind::Dec;
    SessionTicketLength: "tls.handshake.session_ticket_length", "Session Ticket Length", Kind::Dec;
    SessionTicket: "tls.handshake.session_ticket", "Session Ticket", Kind::Bytes;
}

/// What the flow engine knows of the TLS session before the records of a
/// view, in the direction they were sent. The default knows nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Session {
    /// The version the ServerHello selected (0 when not known). With TLS 1.3
    /// an application-data record's type is shown as `tls.record.opaque_type`.
    pub version: u16,
    /// The sender's ChangeCipherSpec was seen in an earlier frame: its
    /// handshake records are encrypted.
    pub ccs_seen: bool,
}

/// One record: its header and the body bytes at hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// Offset of the record's first byte in the view.
    pub offset: usize,
    pub content_type: u8,
    pub version: u16,
    /// The length field (the body is shorter when the bytes end first).
    pub length: u16,
    pub body: &'a [u8],
}

/// Where the parts of a record lie in its view: TLS's records and DTLS's
/// differ only in the length of their header (`$header_len`).
macro_rules! record_extent {
    ($header_len:expr) => {
        impl Record<'_> {
            /// Offset of the body in the view.
            pub fn body_offset(&self) -> usize {
                self.offset.saturating_add($header_len)
            }

            /// The bytes the record covers in the view (header and body at hand).
            pub fn range(&self) -> Range<usize> {
                self.offset..self.body_offset().saturating_add(self.body.len())
            }

            /// The body's bytes in the view.
            pub fn body_range(&self) -> Range<usize> {
                self.body_offset()..self.body_offset().saturating_add(self.body.len())
            }

            /// Is the whole body there?
            pub fn is_complete(&self) -> bool {
                self.body.len() == usize::from(self.length)
            }

            /// A range of the header, from the record's first byte.
            fn at(&self, r: Range<usize>) -> Range<usize> {
                self.offset.saturating_add(r.start)..self.offset.saturating_add(r.end)
            }
        }
    };
}
pub(crate) use record_extent;

record_extent!(at::HEADER_LEN);

impl Record<'_> {
    /// Is the content type one of 20..=24 (else tshark shows "Continuation Data")?
    pub fn has_valid_type(&self) -> bool {
        (content_type::CHANGE_CIPHER_SPEC..=content_type::HEARTBEAT).contains(&self.content_type)
    }
}

/// The records of a view, in order. The last one may be cut.
#[derive(Clone, Debug)]
pub struct Records<'a> {
    bytes: &'a [u8],
    off: usize,
}

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        let off = self.off;
        let content_type = u8_at(self.bytes, off)?;
        let version = be16(self.bytes, off.checked_add(1)?)?;
        let length = be16(self.bytes, off.checked_add(3)?)?;
        let body = clamp(self.bytes, off.checked_add(at::HEADER_LEN)?, length.into());
        self.off = off + at::HEADER_LEN + body.len();
        Some(Record {
            offset: off,
            content_type,
            version,
            length,
            body,
        })
    }
}

/// Part of a handshake message that the end of its record cuts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fragment {
    /// The message type, when its first byte is at hand.
    pub msg_type: Option<u8>,
    /// The bytes of the message in this record.
    pub range: Range2,
    /// Whether this part starts the message (else it continues one begun in
    /// an earlier record of the view).
    pub starts: bool,
    /// Whether this part ends the message (a continuation that completes it).
    pub completes: bool,
    /// The message's declared body length, when its 4-byte header is known.
    pub length: Option<u32>,
    /// Where the message's header starts in the view, when the header lies
    /// in one piece there (for the ranges of its type and length).
    pub header_at: Option<usize>,
    /// Is this the first message of its record?
    pub first: bool,
}

/// A `Copy` byte range (`std::ops::Range` is not `Copy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Range2 {
    pub start: usize,
    pub end: usize,
}

impl Range2 {
    pub fn new(start: usize, end: usize) -> Self {
        Range2 { start, end }
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a view holds, record by record: [`Item::Record`] for each record's
/// header, then the record's contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item<'a> {
    /// A record header. `opaque` when the session is TLS 1.3 and the type is
    /// application data (tshark's `tls.record.opaque_type`).
    Record {
        record: Record<'a>,
        opaque: bool,
    },
    ChangeCipherSpec(Record<'a>),
    /// A 2-byte alert in clear.
    Alert(Record<'a>),
    /// An alert record of another length: encrypted.
    EncryptedAlert(Record<'a>),
    ApplicationData(Record<'a>),
    Heartbeat(Record<'a>),
    /// A whole handshake message; `first` when it starts its record,
    /// `tls13` when the session is known to be TLS 1.3 at this message
    /// (after a ServerHello selecting it, this one included).
    Handshake {
        msg: Handshake<'a>,
        first: bool,
        tls13: bool,
    },
    /// Part of a handshake message cut by the end of a record.
    Fragment(Fragment),
    /// A handshake record that looks encrypted.
    EncryptedHandshake(Record<'a>),
    /// A record with an unknown content type (tshark: "Continuation Data").
    Continuation(Record<'a>),
}

/// A handshake message begun in an earlier record of the view.
#[derive(Clone, Copy, Debug)]
struct Pending {
    header: [u8; 4],
    header_got: usize,
    /// Bytes of the message (header included) seen so far.
    got: usize,
    /// Offset of the message's first byte in the view.
    start: usize,
    /// Whether the 4-byte header lies in one piece at `start`.
    header_whole: bool,
}

impl Pending {
    fn total(&self) -> Option<usize> {
        (self.header_got >= 4).then(|| {
            4 + usize::from(self.header[1]) * 65536
                + usize::from(self.header[2]) * 256
                + usize::from(self.header[3])
        })
    }
}

/// The handshake record being walked.
#[derive(Clone, Copy, Debug)]
struct HsWalk<'a> {
    body: &'a [u8],
    base: usize,
    pos: usize,
    first: bool,
}

/// Walks a view's records and their contents; see [`Item`].
#[derive(Clone, Debug)]
pub struct Items<'a> {
    records: Records<'a>,
    session: Session,
    queued: Option<Record<'a>>,
    walk: Option<HsWalk<'a>>,
    pending: Option<Pending>,
    /// A ServerHello in this view selected TLS 1.3.
    tls13: bool,
}

impl<'a> Items<'a> {
    fn new(bytes: &'a [u8], session: Session, bare: bool) -> Self {
        Items {
            records: Records {
                bytes,
                off: if bare { bytes.len() } else { 0 },
            },
            session,
            queued: None,
            // Bare handshake messages: walked as the body of one record
            // without a header.
            walk: bare.then_some(HsWalk {
                body: bytes,
                base: 0,
                pos: 0,
                first: true,
            }),
            pending: None,
            tls13: is_tls13_version(session.version),
        }
    }

    /// Start walking a handshake record; may yield its first item.
    fn start_handshake(&mut self, r: Record<'a>) -> Option<Item<'a>> {
        let base = r.body_offset();
        let mut walk = HsWalk {
            body: r.body,
            base,
            pos: 0,
            first: true,
        };
        if let Some(mut p) = self.pending.take() {
            if r.body.is_empty() {
                self.pending = Some(p);
                return None;
            }
            // The first bytes continue the message of an earlier record.
            let want_hdr = 4usize.saturating_sub(p.header_got).min(r.body.len());
            for (i, b) in r.body.iter().take(want_hdr).enumerate() {
                if let Some(slot) = p.header.get_mut(p.header_got + i) {
                    *slot = *b;
                }
            }
            p.header_got += want_hdr;
            let take = match p.total() {
                Some(t) => t.saturating_sub(p.got).min(r.body.len()),
                None => r.body.len(),
            };
            p.got += take;
            let completes = p.total().is_some_and(|t| p.got >= t);
            let frag = Fragment {
                msg_type: (p.header_got >= 1).then_some(p.header[0]),
                range: Range2::new(base, base + take),
                starts: false,
                completes,
                length: p.total().map(|t| (t - 4) as u32),
                header_at: p.header_whole.then_some(p.start),
                first: true,
            };
            if !completes {
                self.pending = Some(p);
            } else {
                walk.pos = take;
                walk.first = false;
                self.walk = Some(walk);
            }
            return Some(Item::Fragment(frag));
        }
        if is_encrypted(r.body, self.session) {
            return Some(Item::EncryptedHandshake(r));
        }
        self.walk = Some(walk);
        None
    }

    /// The next message of the handshake record being walked.
    fn step(&mut self) -> Option<Item<'a>> {
        loop {
            let w = self.walk.as_mut()?;
            let rem = w.body.len().saturating_sub(w.pos);
            if rem == 0 {
                self.walk = None;
                return None;
            }
            let msg_len = if rem >= 4 {
                crate::bytes::be24(w.body, w.pos + 1).map_or(0, |n| 4 + n as usize)
            } else {
                0
            };
            let at = w.base + w.pos;
            if msg_len == 0 || rem < msg_len {
                // Cut by the end of the record: continues in the next one.
                let mut header = [0u8; 4];
                let piece = clamp(w.body, w.pos, 4);
                header[..piece.len()].copy_from_slice(piece);
                self.pending = Some(Pending {
                    header,
                    header_got: piece.len(),
                    got: rem,
                    start: at,
                    header_whole: piece.len() == 4,
                });
                let frag = Fragment {
                    msg_type: u8_at(w.body, w.pos),
                    range: Range2::new(at, at + rem),
                    starts: true,
                    completes: false,
                    length: (piece.len() == 4).then(|| (msg_len.saturating_sub(4)) as u32),
                    header_at: Some(at),
                    first: w.first,
                };
                self.walk = None;
                return Some(Item::Fragment(frag));
            }
            let first = w.first;
            let bytes = clamp(w.body, w.pos, msg_len);
            w.pos += msg_len;
            w.first = false;
            let msg = Handshake::at(bytes, at);
            if !first && handshake_type_name(msg.msg_type()).is_none() {
                // tshark shows nothing of an unknown message after the first.
                continue;
            }
            if let Some(sh) = msg.server_hello() {
                if is_tls13_version(sh.negotiated_version()) {
                    self.tls13 = true;
                }
            }
            return Some(Item::Handshake {
                msg,
                first,
                tls13: self.tls13,
            });
        }
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        loop {
            if self.walk.is_some() {
                if let Some(it) = self.step() {
                    return Some(it);
                }
            }
            if let Some(r) = self.queued.take() {
                let item = match r.content_type {
                    content_type::CHANGE_CIPHER_SPEC => Item::ChangeCipherSpec(r),
                    content_type::ALERT if r.length == 2 && r.is_complete() => Item::Alert(r),
                    content_type::ALERT => Item::EncryptedAlert(r),
                    content_type::HANDSHAKE => match self.start_handshake(r) {
                        Some(it) => it,
                        None => continue,
                    },
                    content_type::APPLICATION_DATA => Item::ApplicationData(r),
                    _ => Item::Heartbeat(r),
                };
                return Some(item);
            }
            let r = self.records.next()?;
            if !r.has_valid_type() {
                return Some(Item::Continuation(r));
            }
            self.queued = Some(r);
            let opaque = self.tls13 && r.content_type == content_type::APPLICATION_DATA;
            return Some(Item::Record { record: r, opaque });
        }
    }
}

/// Does a handshake record's body look encrypted? (tshark 4.0's test.)
fn is_encrypted(body: &[u8], session: Session) -> bool {
    if body.len() < 16 {
        return false;
    }
    // In TLS 1.3 a ChangeCipherSpec is only for middleboxes (after a
    // HelloRetryRequest the ServerHello follows it in clear) and encrypted
    // handshake messages travel as application data.
    let ccs_counts = session.ccs_seen && session.version != version::TLS13;
    if body.iter().take(5).all(|&b| b == 0) || ccs_counts {
        return true;
    }
    match (u8_at(body, 0), crate::bytes::be24(body, 1)) {
        (Some(t), Some(len)) => handshake_type_name(t).is_none() || len >= 0x1_0000,
        _ => true,
    }
}

/// A view over one or more whole TLS records.
#[derive(Clone, Copy, Debug)]
pub struct TlsView<'a> {
    bytes: &'a [u8],
    session: Session,
    /// Handshake messages without record headers (TLS in QUIC's CRYPTO
    /// frames).
    bare: bool,
}

impl<'a> TlsView<'a> {
    /// A view over `bytes`, which must start with a record header whose
    /// content type is 20..=24 and whose version's major byte is 3.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        if !plausible_start(bytes) {
            return Err(Error::Malformed("not a TLS record header"));
        }
        Ok(TlsView {
            bytes,
            session: Session::default(),
            bare: false,
        })
    }

    /// A view over whole handshake messages that no record carries (QUIC
    /// sends them in CRYPTO frames): shown as tshark shows them there, with
    /// no record fields.
    pub fn new_handshakes(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, 4)?;
        Ok(TlsView {
            bytes,
            session: Session::default(),
            bare: true,
        })
    }

    /// The same view, knowing what the flow engine learnt of the session
    /// from earlier frames (see [`Session`]).
    pub fn with_session(mut self, session: Session) -> Self {
        self.session = session;
        self
    }

    pub fn session(&self) -> Session {
        self.session
    }

    /// All the bytes of the view.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The layer covers every byte it was given.
    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    /// Nothing follows a TLS layer (application data stays encrypted).
    pub fn payload(&self) -> &'a [u8] {
        &[]
    }

    /// The records, in order.
    pub fn records(&self) -> Records<'a> {
        Records {
            bytes: self.bytes,
            off: if self.bare { self.bytes.len() } else { 0 },
        }
    }

    /// The records and what they hold, in order.
    pub fn items(&self) -> Items<'a> {
        Items::new(self.bytes, self.session, self.bare)
    }

    /// The first record's content type.
    pub fn content_type(&self) -> u8 {
        u8_at(self.bytes, at::CONTENT_TYPE.start).unwrap_or(0)
    }

    /// The first record's version.
    pub fn record_version(&self) -> u16 {
        be16(self.bytes, at::VERSION.start).unwrap_or(0)
    }

    /// The first record's length field.
    pub fn record_length(&self) -> u16 {
        be16(self.bytes, at::LENGTH.start).unwrap_or(0)
    }

    /// The whole handshake messages, in order.
    pub fn handshakes(&self) -> impl Iterator<Item = Handshake<'a>> + 'a {
        self.items().filter_map(|it| match it {
            Item::Handshake { msg, .. } => Some(msg),
            _ => None,
        })
    }

    /// The types of the handshake messages (whole, or completed by a
    /// continuation in this view), in order.
    pub fn handshake_types(&self) -> impl Iterator<Item = u8> + 'a {
        self.items().filter_map(|it| match it {
            Item::Handshake { msg, .. } => Some(msg.msg_type()),
            Item::Fragment(f) if f.completes => f.msg_type,
            _ => None,
        })
    }

    /// The first ClientHello.
    pub fn client_hello(&self) -> Option<ClientHello<'a>> {
        self.handshakes().find_map(|h| h.client_hello())
    }

    /// The first ServerHello (a HelloRetryRequest included).
    pub fn server_hello(&self) -> Option<ServerHello<'a>> {
        self.handshakes().find_map(|h| h.server_hello())
    }

    /// The DER bytes of every certificate of every Certificate message.
    pub fn certificates(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.handshakes()
            .filter_map(|h| h.certificates())
            .flat_map(|c| c.map(|(_, der)| der))
    }

    /// The alerts in clear, as (level, description).
    pub fn alerts(&self) -> impl Iterator<Item = (u8, u8)> + 'a {
        self.items().filter_map(|it| match it {
            Item::Alert(r) => Some((u8_at(r.body, 0)?, u8_at(r.body, 1)?)),
            _ => None,
        })
    }

    /// Bytes of application data (encrypted) in the view's records.
    pub fn app_data_len(&self) -> usize {
        self.records()
            .filter(|r| r.content_type == content_type::APPLICATION_DATA)
            .map(|r| r.body.len())
            .sum()
    }

    /// Does the view hold a ChangeCipherSpec?
    pub fn has_change_cipher_spec(&self) -> bool {
        self.records()
            .any(|r| r.content_type == content_type::CHANGE_CIPHER_SPEC)
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let _ = emit::emit(self, &mut |g: Field, v: Value<'a>, r: Range<usize>| {
            if g == f {
                out.value(v, r)
            }
        });
    }

    /// Every field occurrence of the view in packet order (`field` filters
    /// this walk).
    pub fn each_field(&self, out: &mut dyn FnMut(Field, Value<'a>, Range<usize>)) {
        let _ = emit::emit(self, out);
    }

    /// Whether a length prefix that does not fit stops the walk, where
    /// tshark raises "Malformed Packet" (fields after it are not shown).
    pub fn is_malformed(&self) -> bool {
        emit::emit(self, &mut |_, _, _| {}).is_err()
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("Transport Layer Security");
    }

    /// tshark's Info column text for these records, e.g. `Client Hello`,
    /// `Server Hello, Certificate, Server Hello Done`, `Application Data`.
    pub fn summary(&self, out: &mut String) {
        emit::summary(self, out)
    }
}

/// The fields of a whole handshake message's body as TLS names them (for
/// DTLS, which renames them); a DTLS ClientHello's cookie goes to `cookie`
/// with the offset of its length in the body. `Err` where tshark stops the
/// layer.
pub(crate) fn emit_handshake_body<'a>(
    msg: Handshake<'a>,
    first: bool,
    cookie: &mut dyn FnMut(&'a [u8], usize),
    out: &mut dyn FnMut(Field, Value<'a>, Range<usize>),
) -> Result<(), ()> {
    emit::handshake_body(msg, first, false, cookie, out).map_err(|_| ())
}

pub(crate) use emit::{record_body as emit_record_body, Body};

/// Do these bytes start like a record that [`pdu_len`] would frame?
fn plausible_start(bytes: &[u8]) -> bool {
    let typ_ok = u8_at(bytes, 0).is_some_and(|t| (20..=24).contains(&t));
    let major_ok = u8_at(bytes, 1).is_none_or(|m| m == 3);
    typ_ok && major_ok
}

/// How many bytes the record at the start of `bytes` takes: `Whole(5 +
/// length)`, `Need(n)` while cut, `NotMine` when the content type is not
/// 20..=24 or the version's major byte is not 3 (SSLv2 is not framed).
pub fn pdu_len(bytes: &[u8]) -> Pdu {
    if bytes.is_empty() {
        return Pdu::Need(at::HEADER_LEN);
    }
    if !plausible_start(bytes) {
        return Pdu::NotMine;
    }
    let Some(len) = be16(bytes, at::LENGTH.start) else {
        return Pdu::Need(at::HEADER_LEN);
    };
    let total = at::HEADER_LEN + usize::from(len);
    if bytes.len() < total {
        Pdu::Need(total)
    } else {
        Pdu::Whole(total)
    }
}

/// Do these first bytes of a stream look like a TLS record header (type
/// 20–24, version 0x0300–0x0304, length at most 2^14 + 2048)?
pub fn looks_like(bytes: &[u8]) -> bool {
    let (Some(t), Some(v), Some(len)) = (u8_at(bytes, 0), be16(bytes, 1), be16(bytes, 3)) else {
        return false;
    };
    (20..=24).contains(&t)
        && (version::SSL3..=version::TLS13).contains(&v)
        && usize::from(len) <= MAX_RECORD_LEN
}

/// How many bytes the run of whole records at the start of `bytes` takes
/// (0 when the first is cut or not a record): the bytes for one [`TlsView`],
/// as tshark shows all the records of a segment in one `tls` layer.
pub fn whole_records_len(bytes: &[u8]) -> usize {
    let mut n = 0;
    while let Some(rest) = bytes.get(n..) {
        match pdu_len(rest) {
            Pdu::Whole(len) if len <= rest.len() => n += len,
            _ => break,
        }
    }
    n
}
