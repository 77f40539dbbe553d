//! DTLS 1.0 and 1.2 (RFC 4347, RFC 6347) records and the handshake messages
//! they carry, over one UDP datagram.
//!
//! DTLS is TLS made for datagrams: its record header (13 bytes) adds an
//! epoch and a 48-bit sequence number, its handshake header (12 bytes) a
//! message sequence number and the fragment's offset and length, and its
//! ClientHello a cookie after the session id. The bodies of the handshake
//! messages are TLS's: a [`DtlsView`] walks the records and reads each
//! whole message through the TLS code ([`crate::tls::Handshake`] in its
//! DTLS form), its fields given DTLS's names (`dtls.handshake.ciphersuite`
//! for `tls.handshake.ciphersuite`: [`from_tls`]).
//!
//! A message cut in fragments (offset > 0 or a fragment shorter than the
//! message) shows its header only; the engine puts fragments together for
//! the logs ([`Handshake::new_dtls`] over the reassembled bytes). Handshake
//! records of a later epoch than 0 are encrypted (the Finished after a
//! ChangeCipherSpec).

use crate::bytes::{be16, be24, clamp, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::tls::{
    self, content_type, handshake_type, handshake_type_name, Body, Handshake, InfoList,
};
use std::cell::RefCell;
use std::ops::Range;

/// Byte ranges of the record header.
mod at {
    use std::ops::Range;
    pub const CONTENT_TYPE: Range<usize> = 0..1;
    pub const VERSION: Range<usize> = 1..3;
    pub const EPOCH: Range<usize> = 3..5;
    pub const SEQUENCE_NUMBER: Range<usize> = 5..11;
    pub const LENGTH: Range<usize> = 11..13;
    pub const HEADER_LEN: usize = 13;
}

/// Byte ranges of a handshake message's header.
mod hs_at {
    use std::ops::Range;
    pub const TYPE: Range<usize> = 0..1;
    pub const LENGTH: Range<usize> = 1..4;
    pub const MESSAGE_SEQ: Range<usize> = 4..6;
    pub const FRAGMENT_OFFSET: Range<usize> = 6..9;
    pub const FRAGMENT_LENGTH: Range<usize> = 9..12;
}

/// Length of a record header.
pub const HEADER_LEN: usize = at::HEADER_LEN;

/// Length of a handshake message's header.
pub const HANDSHAKE_HEADER_LEN: usize = tls::DTLS_HANDSHAKE_HEADER_LEN;

/// Protocol versions.
pub mod version {
    pub const DTLS10: u16 = 0xfeff;
    pub const DTLS12: u16 = 0xfefd;
    /// DTLS 1.0 as OpenSSL sent it before 0.9.8f.
    pub const DTLS10_OPENSSL_PRE: u16 = 0x0100;
}

/// The content type of a DTLS 1.2 record with a connection id (RFC 9146).
pub const CONTENT_TYPE_TLS12_CID: u8 = 25;

/// Is `v` a DTLS version tshark's heuristic accepts?
pub fn is_version(v: u16) -> bool {
    matches!(
        v,
        version::DTLS10 | version::DTLS12 | version::DTLS10_OPENSSL_PRE
    )
}

/// Zeek's name of a DTLS version (`DTLSv10`, `DTLSv12`).
pub fn version_name(v: u16) -> Option<&'static str> {
    match v {
        version::DTLS10 | version::DTLS10_OPENSSL_PRE => Some("DTLSv10"),
        version::DTLS12 => Some("DTLSv12"),
        0xfefc => Some("DTLSv13"),
        _ => None,
    }
}

field_table! {
    Record: "dtls.record", "Record Layer", Kind::None;
    ContentType: "dtls.record.content_type", "Content Type", Kind::Dec;
    RecordVersion: "dtls.record.version", "Version", Kind::Hex(4);
    Epoch: "dtls.record.epoch", "Epoch", Kind::Dec;
    SequenceNumber: "dtls.record.sequence_number", "Sequence Number", Kind::Dec;
    RecordLength: "dtls.record.length", "Length", Kind::Dec;
    ChangeCipherSpec: "dtls.change_cipher_spec", "Change Cipher Spec Message", Kind::None;
    Alert: "dtls.alert_message", "Alert Message", Kind::None;
    AlertLevel: "dtls.alert_message.level", "Level", Kind::Dec;
    AlertDesc: "dtls.alert_message.desc", "Description", Kind::Dec;
    AppData: "dtls.app_data", "Encrypted Application Data", Kind::Bytes;
    Heartbeat: "dtls.heartbeat_message", "Heartbeat Message", Kind::None;
    HeartbeatType: "dtls.heartbeat_message.type", "Type", Kind::Dec;
    HeartbeatPayloadLength: "dtls.heartbeat_message.payload_length", "Payload Length", Kind::Dec;
    Handshake: "dtls.handshake", "Handshake Protocol", Kind::None;
    HsType: "dtls.handshake.type", "Handshake Type", Kind::Dec;
    HsLength: "dtls.handshake.length", "Length", Kind::Dec;
    MessageSeq: "dtls.handshake.message_seq", "Message Sequence", Kind::Dec;
    FragmentOffset: "dtls.handshake.fragment_offset", "Fragment Offset", Kind::Dec;
    FragmentLength: "dtls.handshake.fragment_length", "Fragment Length", Kind::Dec;
    HsVersion: "dtls.handshake.version", "Version", Kind::Hex(4);
    Random: "dtls.handshake.random", "Random", Kind::Bytes;
    RandomBytes: "dtls.handshake.random_bytes", "Random Bytes", Kind::Bytes;
    SessionIdLength: "dtls.handshake.session_id_length", "Session ID Length", Kind::Dec;
    SessionId: "dtls.handshake.session_id", "Session ID", Kind::Bytes;
    CookieLength: "dtls.handshake.cookie_length", "Cookie Length", Kind::Dec;
    Cookie: "dtls.handshake.cookie", "Cookie", Kind::Bytes;
    CipherSuitesLength: "dtls.handshake.cipher_suites_length", "Cipher Suites Length", Kind::Dec;
    CipherSuites: "dtls.handshake.ciphersuites", "Cipher Suites", Kind::None;
    CipherSuite: "dtls.handshake.ciphersuite", "Cipher Suite", Kind::Hex(4);
    CompMethodsLength: "dtls.handshake.comp_methods_length", "Compression Methods Length", Kind::Dec;
    CompMethods: "dtls.handshake.comp_methods", "Compression Methods", Kind::None;
    CompMethod: "dtls.handshake.comp_method", "Compression Method", Kind::Dec;
    ExtensionsLength: "dtls.handshake.extensions_length", "Extensions Length", Kind::Dec;
    ExtType: "dtls.handshake.extension.type", "Type", Kind::Dec;
    ExtLen: "dtls.handshake.extension.len", "Length", Kind::Dec;
    ExtData: "dtls.handshake.extension.data", "Data", Kind::Bytes;
    ServerNameListLen: "dtls.handshake.extensions_server_name_list_len", "Server Name list length", Kind::Dec;
    ServerNameType: "dtls.handshake.extensions_server_name_type", "Server Name Type", Kind::Dec;
    ServerNameLen: "dtls.handshake.extensions_server_name_len", "Server Name length", Kind::Dec;
    ServerName: "dtls.handshake.extensions_server_name", "Server Name", Kind::Str;
    MaxFragmentLength: "dtls.handshake.max_fragment_length", "Maximum Fragment Length", Kind::Dec;
    StatusRequestType: "dtls.handshake.extensions_status_request_type", "Certificate Status Type", Kind::Dec;
    StatusRequestResponderIdsLen: "dtls.handshake.extensions_status_request_responder_ids_len", "Responder ID list Length", Kind::Dec;
    StatusRequestExtsLen: "dtls.handshake.extensions_status_request_exts_len", "Request Extensions Length", Kind::Dec;
    StatusRequestListLen: "dtls.handshake.extensions_status_request_list_len", "Certificate Status List Length", Kind::Dec;
    StatusRequestLen: "dtls.handshake.extensions_status_request_len", "Certificate Status Length", Kind::Dec;
    OcspResponseLen: "dtls.handshake.ocsp_response_len", "OCSP Response Length", Kind::Dec;
    SctsLength: "dtls.sct.scts_length", "Serialized SCT List Length", Kind::Dec;
    SctLength: "dtls.sct.sct_length", "Serialized SCT Length", Kind::Dec;
    SctVersion: "dtls.sct.sct_version", "Version", Kind::Dec;
    SctLogId: "dtls.sct.sct_logid", "Log ID", Kind::Bytes;
    SctExtensionsLength: "dtls.sct.sct_extensions_length", "Extensions length", Kind::Dec;
    SctSignatureLength: "dtls.sct.sct_signature_length", "Signature Length", Kind::Dec;
    SctSignature: "dtls.sct.sct_signature", "Signature", Kind::Bytes;
    SupportedGroupsLength: "dtls.handshake.extensions_supported_groups_length", "Supported Groups List Length", Kind::Dec;
    SupportedGroups: "dtls.handshake.extensions_supported_groups", "Supported Groups List", Kind::None;
    SupportedGroup: "dtls.handshake.extensions_supported_group", "Supported Group", Kind::Hex(4);
    EcPointFormatsLength: "dtls.handshake.extensions_ec_point_formats_length", "EC point formats Length", Kind::Dec;
    EcPointFormats: "dtls.handshake.extensions_ec_point_formats", "Elliptic curves point formats", Kind::None;
    EcPointFormat: "dtls.handshake.extensions_ec_point_format", "EC point format", Kind::Dec;
    SigHashAlgLen: "dtls.handshake.sig_hash_alg_len", "Signature Hash Algorithms Length", Kind::Dec;
    SigHashAlgs: "dtls.handshake.sig_hash_algs", "Signature Algorithms", Kind::None;
    SigHashAlg: "dtls.handshake.sig_hash_alg", "Signature Algorithm", Kind::Hex(4);
    SigHashHash: "dtls.handshake.sig_hash_hash", "Signature Hash Algorithm Hash", Kind::Dec;
    SigHashSig: "dtls.handshake.sig_hash_sig", "Signature Hash Algorithm Signature", Kind::Dec;
    HeartbeatMode: "dtls.handshake.extension.heartbeat.mode", "Mode", Kind::Dec;
    AlpnLen: "dtls.handshake.extensions_alpn_len", "ALPN Extension Length", Kind::Dec;
    AlpnList: "dtls.handshake.extensions_alpn_list", "ALPN Protocol", Kind::None;
    AlpnStrLen: "dtls.handshake.extensions_alpn_str_len", "ALPN string length", Kind::Dec;
    AlpnStr: "dtls.handshake.extensions_alpn_str", "ALPN Next Protocol", Kind::Str;
    PaddingData: "dtls.handshake.extensions_padding_data", "Padding Data", Kind::Bytes;
    CompressCertAlgorithmsLength: "dtls.compress_certificate.algorithms_length", "Algorithms Length", Kind::Dec;
    CompressCertAlgorithm: "dtls.compress_certificate.algorithm", "Algorithm", Kind::Dec;
    RecordSizeLimit: "dtls.record_size_limit", "Record Size Limit", Kind::Dec;
    PskIdentitiesLength: "dtls.handshake.extensions.psk.identities.length", "Identities Length", Kind::Dec;
    PskIdentityLength: "dtls.handshake.extensions.psk.identity.identity_length", "Identity Length", Kind::Dec;
    PskIdentity: "dtls.handshake.extensions.psk.identity.identity", "Identity", Kind::Bytes;
    PskObfuscatedTicketAge: "dtls.handshake.extensions.psk.identity.obfuscated_ticket_age", "Obfuscated Ticket Age", Kind::Dec;
    PskBindersLen: "dtls.handshake.extensions.psk.binders_len", "PSK Binders length", Kind::Dec;
    PskBinders: "dtls.handshake.extensions.psk.binders", "PSK Binders", Kind::None;
    PskSelected: "dtls.handshake.extensions.psk.identity.selected", "Selected Identity", Kind::Dec;
    SupportedVersionsLen: "dtls.handshake.extensions.supported_versions_len", "Supported Versions length", Kind::Dec;
    SupportedVersion: "dtls.handshake.extensions.supported_version", "Supported Version", Kind::Hex(4);
    PskKeModesLength: "dtls.extension.psk_ke_modes_length", "PSK Key Exchange Modes Length", Kind::Dec;
    PskKeMode: "dtls.extension.psk_ke_mode", "PSK Key Exchange Mode", Kind::Dec;
    KeyShareClientLength: "dtls.handshake.extensions_key_share_client_length", "Client Key Share Length", Kind::Dec;
    KeyShareGroup: "dtls.handshake.extensions_key_share_group", "Group", Kind::Dec;
    KeyShareKeyExchangeLength: "dtls.handshake.extensions_key_share_key_exchange_length", "Key Exchange Length", Kind::Dec;
    KeyShareKeyExchange: "dtls.handshake.extensions_key_share_key_exchange", "Key Exchange", Kind::Bytes;
    KeyShareSelectedGroup: "dtls.handshake.extensions_key_share_selected_group", "Selected Group", Kind::Dec;
    RenegInfoLen: "dtls.handshake.extensions_reneg_info_len", "Renegotiation info extension length", Kind::Dec;
    RenegInfo: "dtls.handshake.extensions_reneg_info", "Renegotiation info", Kind::Bytes;
    AlpsLen: "dtls.handshake.extensions_alps_len", "ALPS Extension Length", Kind::Dec;
    AlpsAlpnList: "dtls.handshake.extensions_alps_alpn_list", "Supported ALPN List", Kind::None;
    AlpsAlpnStrLen: "dtls.handshake.extensions_alps_alpn_str_len", "Supported ALPN Length", Kind::Dec;
    AlpsAlpnStr: "dtls.handshake.extensions_alps_alpn_str", "Supported ALPN", Kind::Str;
    ServerCurveType: "dtls.handshake.server_curve_type", "Curve Type", Kind::Hex(2);
    ServerNamedCurve: "dtls.handshake.server_named_curve", "Named Curve", Kind::Hex(4);
    ServerPointLen: "dtls.handshake.server_point_len", "Pubkey Length", Kind::Dec;
    ServerPoint: "dtls.handshake.server_point", "Pubkey", Kind::Bytes;
    PLen: "dtls.handshake.p_len", "p Length", Kind::Dec;
    P: "dtls.handshake.p", "p", Kind::Bytes;
    GLen: "dtls.handshake.g_len", "g Length", Kind::Dec;
    G: "dtls.handshake.g", "g", Kind::Bytes;
    YsLen: "dtls.handshake.ys_len", "Pubkey Length", Kind::Dec;
    Ys: "dtls.handshake.ys", "Pubkey", Kind::Bytes;
    SigLen: "dtls.handshake.sig_len", "Signature Length", Kind::Dec;
    Sig: "dtls.handshake.sig", "Signature", Kind::Bytes;
    CertVerifySigLen: "dtls.handshake.client_cert_vrfy.sig_len", "Signature length", Kind::Dec;
    CertVerifySig: "dtls.handshake.client_cert_vrfy.sig", "Signature", Kind::Bytes;
    CertTypesCount: "dtls.handshake.cert_types_count", "Certificate types count", Kind::Dec;
    CertTypes: "dtls.handshake.cert_types", "Certificate types", Kind::None;
    CertType: "dtls.handshake.cert_type", "Certificate type", Kind::Dec;
    DnamesLen: "dtls.handshake.dnames_len", "Distinguished Names Length", Kind::Dec;
    Dnames: "dtls.handshake.dnames", "Distinguished Names", Kind::None;
    DnameLen: "dtls.handshake.dname_len", "Distinguished Name Length", Kind::Dec;
    CertificatesLength: "dtls.handshake.certificates_length", "Certificates Length", Kind::Dec;
    Certificates: "dtls.handshake.certificates", "Certificates", Kind::None;
    CertificateLength: "dtls.handshake.certificate_length", "Certificate Length", Kind::Dec;
    Certificate: "dtls.handshake.certificate", "Certificate", Kind::Bytes;
    SessionTicketLifetimeHint: "dtls.handshake.session_ticket_lifetime_hint", "Session Ticket Lifetime Hint", Kind::Dec;
    SessionTicketLength: "dtls.handshake.session_ticket_length", "Session Ticket Length", Kind::Dec;
    SessionTicket: "dtls.handshake.session_ticket", "Session Ticket", Kind::Bytes;
}

/// The DTLS field that names what the TLS field `f` names (every TLS field
/// but `tls.record.opaque_type`, which DTLS does not have).
pub fn from_tls(f: tls::Field) -> Option<Field> {
    use tls::Field as T;
    use Field as F;
    Some(match f {
        T::Record => F::Record,
        T::ContentType => F::ContentType,
        T::RecordVersion => F::RecordVersion,
        T::RecordLength => F::RecordLength,
        T::ChangeCipherSpec => F::ChangeCipherSpec,
        T::Alert => F::Alert,
        T::AlertLevel => F::AlertLevel,
        T::AlertDesc => F::AlertDesc,
        T::AppData => F::AppData,
        T::Heartbeat => F::Heartbeat,
        T::HeartbeatType => F::HeartbeatType,
        T::HeartbeatPayloadLength => F::HeartbeatPayloadLength,
        T::Handshake => F::Handshake,
        T::HsType => F::HsType,
        T::HsLength => F::HsLength,
        T::HsVersion => F::HsVersion,
        T::Random => F::Random,
        T::RandomBytes => F::RandomBytes,
        T::SessionIdLength => F::SessionIdLength,
        T::SessionId => F::SessionId,
        T::CipherSuitesLength => F::CipherSuitesLength,
        T::CipherSuites => F::CipherSuites,
        T::CipherSuite => F::CipherSuite,
        T::CompMethodsLength => F::CompMethodsLength,
        T::CompMethods => F::CompMethods,
        T::CompMethod => F::CompMethod,
        T::ExtensionsLength => F::ExtensionsLength,
        T::ExtType => F::ExtType,
        T::ExtLen => F::ExtLen,
        T::ExtData => F::ExtData,
        T::ServerNameListLen => F::ServerNameListLen,
        T::ServerNameType => F::ServerNameType,
        T::ServerNameLen => F::ServerNameLen,
        T::ServerName => F::ServerName,
        T::MaxFragmentLength => F::MaxFragmentLength,
        T::StatusRequestType => F::StatusRequestType,
        T::StatusRequestResponderIdsLen => F::StatusRequestResponderIdsLen,
        T::StatusRequestExtsLen => F::StatusRequestExtsLen,
        T::StatusRequestListLen => F::StatusRequestListLen,
        T::StatusRequestLen => F::StatusRequestLen,
        T::OcspResponseLen => F::OcspResponseLen,
        T::SctsLength => F::SctsLength,
        T::SctLength => F::SctLength,
        T::SctVersion => F::SctVersion,
        T::SctLogId => F::SctLogId,
        T::SctExtensionsLength => F::SctExtensionsLength,
        T::SctSignatureLength => F::SctSignatureLength,
        T::SctSignature => F::SctSignature,
        T::SupportedGroupsLength => F::SupportedGroupsLength,
        T::SupportedGroups => F::SupportedGroups,
        T::SupportedGroup => F::SupportedGroup,
        T::EcPointFormatsLength => F::EcPointFormatsLength,
        T::EcPointFormats => F::EcPointFormats,
        T::EcPointFormat => F::EcPointFormat,
        T::SigHashAlgLen => F::SigHashAlgLen,
        T::SigHashAlgs => F::SigHashAlgs,
        T::SigHashAlg => F::SigHashAlg,
        T::SigHashHash => F::SigHashHash,
        T::SigHashSig => F::SigHashSig,
        T::HeartbeatMode => F::HeartbeatMode,
        T::AlpnLen => F::AlpnLen,
        T::AlpnList => F::AlpnList,
        T::AlpnStrLen => F::AlpnStrLen,
        T::AlpnStr => F::AlpnStr,
        T::PaddingData => F::PaddingData,
        T::CompressCertAlgorithmsLength => F::CompressCertAlgorithmsLength,
        T::CompressCertAlgorithm => F::CompressCertAlgorithm,
        T::RecordSizeLimit => F::RecordSizeLimit,
        T::PskIdentitiesLength => F::PskIdentitiesLength,
        T::PskIdentityLength => F::PskIdentityLength,
        T::PskIdentity => F::PskIdentity,
        T::PskObfuscatedTicketAge => F::PskObfuscatedTicketAge,
        T::PskBindersLen => F::PskBindersLen,
        T::PskBinders => F::PskBinders,
        T::PskSelected => F::PskSelected,
        T::SupportedVersionsLen => F::SupportedVersionsLen,
        T::SupportedVersion => F::SupportedVersion,
        T::PskKeModesLength => F::PskKeModesLength,
        T::PskKeMode => F::PskKeMode,
        T::KeyShareClientLength => F::KeyShareClientLength,
        T::KeyShareGroup => F::KeyShareGroup,
        T::KeyShareKeyExchangeLength => F::KeyShareKeyExchangeLength,
        T::KeyShareKeyExchange => F::KeyShareKeyExchange,
        T::KeyShareSelectedGroup => F::KeyShareSelectedGroup,
        T::RenegInfoLen => F::RenegInfoLen,
        T::RenegInfo => F::RenegInfo,
        T::AlpsLen => F::AlpsLen,
        T::AlpsAlpnList => F::AlpsAlpnList,
        T::AlpsAlpnStrLen => F::AlpsAlpnStrLen,
        T::AlpsAlpnStr => F::AlpsAlpnStr,
        T::ServerCurveType => F::ServerCurveType,
        T::ServerNamedCurve => F::ServerNamedCurve,
        T::ServerPointLen => F::ServerPointLen,
        T::ServerPoint => F::ServerPoint,
        T::PLen => F::PLen,
        T::P => F::P,
        T::GLen => F::GLen,
        T::G => F::G,
        T::YsLen => F::YsLen,
        T::Ys => F::Ys,
        T::SigLen => F::SigLen,
        T::Sig => F::Sig,
        T::CertVerifySigLen => F::CertVerifySigLen,
        T::CertVerifySig => F::CertVerifySig,
        T::CertTypesCount => F::CertTypesCount,
        T::CertTypes => F::CertTypes,
        T::CertType => F::CertType,
        T::DnamesLen => F::DnamesLen,
        T::Dnames => F::Dnames,
        T::DnameLen => F::DnameLen,
        T::CertificatesLength => F::CertificatesLength,
        T::Certificates => F::Certificates,
        T::CertificateLength => F::CertificateLength,
        T::Certificate => F::Certificate,
        T::SessionTicketLifetimeHint => F::SessionTicketLifetimeHint,
        T::SessionTicketLength => F::SessionTicketLength,
        T::SessionTicket => F::SessionTicket,
        T::OpaqueType => return None,
    })
}

/// One record: its header and the body bytes at hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// Offset of the record's first byte in the view.
    pub offset: usize,
    pub content_type: u8,
    pub version: u16,
    pub epoch: u16,
    /// The 48-bit sequence number.
    pub sequence_number: u64,
    /// The length field (the body is shorter when the bytes end first).
    pub length: u16,
    pub body: &'a [u8],
}

tls::record_extent!(at::HEADER_LEN);

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
        let hdr = self.bytes.get(off..off.checked_add(at::HEADER_LEN)?)?;
        let content_type = u8_at(hdr, 0)?;
        let version = be16(hdr, 1)?;
        let epoch = be16(hdr, 3)?;
        let seq_hi = be16(hdr, 5)?;
        let seq_lo = crate::bytes::be32(hdr, 7)?;
        let length = be16(hdr, 11)?;
        let body = clamp(self.bytes, off + at::HEADER_LEN, length.into());
        self.off = off + at::HEADER_LEN + body.len();
        Some(Record {
            offset: off,
            content_type,
            version,
            epoch,
            sequence_number: (u64::from(seq_hi) << 32) | u64::from(seq_lo),
            length,
            body,
        })
    }
}

/// What a view holds, record by record: [`Item::Record`] for each record's
/// header, then the record's contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item<'a> {
    Record(Record<'a>),
    ChangeCipherSpec(Record<'a>),
    /// A 2-byte alert in clear.
    Alert(Record<'a>),
    /// An alert of another length, or of a later epoch: encrypted.
    EncryptedAlert(Record<'a>),
    ApplicationData(Record<'a>),
    Heartbeat(Record<'a>),
    /// A handshake message or fragment (see [`Handshake::is_whole`]);
    /// `first` when it starts its record; `whole`, the message a fragment
    /// completes when the view was given it ([`DtlsView::with_reassembled`]).
    Handshake {
        msg: Handshake<'a>,
        first: bool,
        whole: Option<Handshake<'a>>,
    },
    /// A handshake record of a later epoch: encrypted.
    EncryptedHandshake(Record<'a>),
    /// A record of another content type (a connection-id record, 25).
    Other(Record<'a>),
}

/// Walks a view's records and their contents; see [`Item`].
#[derive(Clone, Debug)]
pub struct Items<'a> {
    records: Records<'a>,
    queued: Option<Record<'a>>,
    /// The handshake record being walked: body, its offset, position.
    walk: Option<(&'a [u8], usize, usize)>,
    reassembled: Option<Reassembled<'a>>,
}

impl<'a> Items<'a> {
    /// The next message of the handshake record being walked.
    fn step(&mut self) -> Option<Item<'a>> {
        let (body, base, pos) = self.walk?;
        let rest = body.get(pos..).unwrap_or(&[]);
        if rest.len() < tls::DTLS_HANDSHAKE_HEADER_LEN {
            // Nothing, or a header cut short: tshark reads no further.
            self.walk = None;
            return None;
        }
        let frag_len = be24(rest, hs_at::FRAGMENT_LENGTH.start).unwrap_or(0) as usize;
        let len = tls::DTLS_HANDSHAKE_HEADER_LEN.saturating_add(frag_len);
        let bytes = clamp(rest, 0, len);
        let next = pos.saturating_add(bytes.len());
        self.walk = (next < body.len()).then_some((body, base, next));
        let msg = Handshake::at_dtls(bytes, base.saturating_add(pos));
        let whole = self
            .reassembled
            .and_then(|r| r.completed_at(msg.offset()))
            .map(|m| Handshake::at_dtls(m, msg.offset()))
            .filter(|w| {
                w.is_whole()
                    && w.msg_type() == msg.msg_type()
                    && w.message_seq() == msg.message_seq()
            });
        Some(Item::Handshake {
            msg,
            first: pos == 0,
            whole,
        })
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
                    content_type::ALERT if r.epoch == 0 && r.length == 2 && r.is_complete() => {
                        Item::Alert(r)
                    }
                    content_type::ALERT => Item::EncryptedAlert(r),
                    content_type::HANDSHAKE if r.epoch == 0 => {
                        self.walk = Some((r.body, r.body_offset(), 0));
                        continue;
                    }
                    content_type::HANDSHAKE => Item::EncryptedHandshake(r),
                    content_type::APPLICATION_DATA => Item::ApplicationData(r),
                    content_type::HEARTBEAT => Item::Heartbeat(r),
                    _ => Item::Other(r),
                };
                return Some(item);
            }
            let r = self.records.next()?;
            self.queued = Some(r);
            return Some(Item::Record(r));
        }
    }
}

/// The handshake messages that fragments of a view complete, put together
/// by a caller that follows the datagrams: each is shown after the
/// fragment that completed it (tshark's "(Reassembled)").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reassembled<'a> {
    /// The whole messages one after another, as [`whole_message`] writes
    /// them.
    pub messages: &'a [u8],
    /// For each message, the offset in the view of the fragment that
    /// completed it.
    pub fragments_at: &'a [usize],
}

impl<'a> Reassembled<'a> {
    /// The message completed by the fragment at `fragment_at` of the view.
    fn completed_at(&self, fragment_at: usize) -> Option<&'a [u8]> {
        let k = self.fragments_at.iter().position(|a| *a == fragment_at)?;
        let mut rest = self.messages;
        for _ in 0..k {
            rest = rest.get(message_len(rest)?..)?;
        }
        rest.get(..message_len(rest)?)
    }
}

/// The length of the whole message at the start of `bytes`.
fn message_len(bytes: &[u8]) -> Option<usize> {
    let n = be24(bytes, hs_at::LENGTH.start)?;
    tls::DTLS_HANDSHAKE_HEADER_LEN.checked_add(usize::try_from(n).ok()?)
}

/// Append a whole handshake message to `out`: its header (fragment offset
/// 0, fragment length the message's length) and `body`. `None`, with
/// nothing written, for a body longer than a length field holds.
pub fn whole_message(msg_type: u8, message_seq: u16, body: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let len = u32::try_from(body.len()).ok().filter(|n| *n < 1 << 24)?;
    let len = len.to_be_bytes();
    let len24 = len.get(1..4).unwrap_or_default();
    out.push(msg_type);
    out.extend_from_slice(len24);
    out.extend_from_slice(&message_seq.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0]);
    out.extend_from_slice(len24);
    out.extend_from_slice(body);
    Some(())
}

/// A view over the DTLS records of one UDP datagram.
#[derive(Clone, Copy, Debug)]
pub struct DtlsView<'a> {
    bytes: &'a [u8],
    reassembled: Option<Reassembled<'a>>,
}

impl<'a> DtlsView<'a> {
    /// A view over `bytes`, which must start with a record header of a
    /// content type 20..=25 and a DTLS version.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        let t = u8_at(bytes, 0).unwrap_or(0);
        let v = be16(bytes, 1).unwrap_or(0);
        if !(content_type::CHANGE_CIPHER_SPEC..=CONTENT_TYPE_TLS12_CID).contains(&t)
            || !is_version(v)
        {
            return Err(Error::Malformed("not a DTLS record header"));
        }
        Ok(DtlsView {
            bytes,
            reassembled: None,
        })
    }

    /// The view with the message that a fragment of it completes.
    pub fn with_reassembled(mut self, r: Reassembled<'a>) -> Self {
        self.reassembled = Some(r);
        self
    }

    /// All the bytes of the view.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The layer covers the datagram's payload.
    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    /// Nothing follows a DTLS layer.
    pub fn payload(&self) -> &'a [u8] {
        &[]
    }

    /// The records, in order.
    pub fn records(&self) -> Records<'a> {
        Records {
            bytes: self.bytes,
            off: 0,
        }
    }

    /// The records and what they hold, in order.
    pub fn items(&self) -> Items<'a> {
        Items {
            records: self.records(),
            queued: None,
            walk: None,
            reassembled: self.reassembled,
        }
    }

    /// The first record's version.
    pub fn record_version(&self) -> u16 {
        be16(self.bytes, at::VERSION.start).unwrap_or(0)
    }

    /// The handshake messages and fragments in clear, in order; a message
    /// put together stands in for the fragment that completed it.
    pub fn handshakes(&self) -> impl Iterator<Item = Handshake<'a>> + 'a {
        self.items().filter_map(|it| match it {
            Item::Handshake { msg, whole, .. } => Some(whole.unwrap_or(msg)),
            _ => None,
        })
    }

    /// The first whole ClientHello.
    pub fn client_hello(&self) -> Option<tls::ClientHello<'a>> {
        self.handshakes().find_map(|h| h.client_hello())
    }

    /// The first whole ServerHello.
    pub fn server_hello(&self) -> Option<tls::ServerHello<'a>> {
        self.handshakes().find_map(|h| h.server_hello())
    }

    /// Does the view hold a ChangeCipherSpec?
    pub fn has_change_cipher_spec(&self) -> bool {
        self.records()
            .any(|r| r.content_type == content_type::CHANGE_CIPHER_SPEC)
    }

    /// The alerts in clear, as (level, description).
    pub fn alerts(&self) -> impl Iterator<Item = (u8, u8)> + 'a {
        self.items().filter_map(|it| match it {
            Item::Alert(r) => Some((u8_at(r.body, 0)?, u8_at(r.body, 1)?)),
            _ => None,
        })
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        self.each_field(&mut |g: Field, v: Value<'a>, r: Range<usize>| {
            if g == f {
                out.value(v, r)
            }
        });
    }

    /// Every field occurrence of the view in packet order (`field` filters
    /// this walk).
    pub fn each_field(&self, out: &mut dyn FnMut(Field, Value<'a>, Range<usize>)) {
        for it in self.items() {
            if item(it, out).is_err() {
                return;
            }
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("Datagram Transport Layer Security");
    }

    /// tshark's Info column text for these records, e.g. `Client Hello`,
    /// `Server Hello, Certificate, Server Hello Done`, `Client Hello
    /// (Fragment)`, `Application Data`.
    pub fn summary(&self, out: &mut String) {
        let mut list = InfoList::new(out);
        for it in self.items() {
            match it {
                Item::Record(_) => {}
                Item::ChangeCipherSpec(_) => list.put("Change Cipher Spec"),
                Item::Alert(rec) => list.alert(rec.body),
                Item::EncryptedAlert(_) => list.put("Encrypted Alert"),
                Item::ApplicationData(_) => list.put("Application Data"),
                Item::Heartbeat(_) => list.put("Heartbeat"),
                Item::Handshake { msg, whole, .. } => {
                    list.put(msg.name().unwrap_or("Unknown Handshake Message"));
                    if whole.is_some() {
                        list.more(" (Reassembled)");
                    } else if !msg.is_whole() {
                        list.more(" (Fragment)");
                    }
                }
                Item::EncryptedHandshake(_) => list.put("Encrypted Handshake Message"),
                Item::Other(_) => list.put("Continuation Data"),
            }
        }
    }
}

fn uint<'a>(n: impl Into<u64>) -> Value<'a> {
    Value::UInt(n.into())
}

fn r(start: usize, len: usize) -> Range<usize> {
    start..start.saturating_add(len)
}

/// A body TLS shows alike, its fields renamed.
fn body<'a>(kind: Body, rec: Record<'a>, out: &mut dyn FnMut(Field, Value<'a>, Range<usize>)) {
    tls::emit_record_body(kind, rec.body, rec.body_offset(), &mut |f, v, rg| {
        if let Some(g) = from_tls(f) {
            out(g, v, rg)
        }
    });
}

/// The fields of one item; `Err` where tshark stops the layer (a hello
/// too short for its fixed fields).
fn item<'a>(it: Item<'a>, out: &mut dyn FnMut(Field, Value<'a>, Range<usize>)) -> Result<(), ()> {
    match it {
        Item::Record(rec) => {
            out(Field::Record, Value::Present, rec.range());
            out(
                Field::ContentType,
                uint(rec.content_type),
                rec.at(at::CONTENT_TYPE),
            );
            out(Field::RecordVersion, uint(rec.version), rec.at(at::VERSION));
            out(Field::Epoch, uint(rec.epoch), rec.at(at::EPOCH));
            out(
                Field::SequenceNumber,
                uint(rec.sequence_number),
                rec.at(at::SEQUENCE_NUMBER),
            );
            out(Field::RecordLength, uint(rec.length), rec.at(at::LENGTH));
        }
        Item::ChangeCipherSpec(rec) => body(Body::ChangeCipherSpec, rec, out),
        Item::Alert(rec) => body(Body::Alert, rec, out),
        Item::EncryptedAlert(rec) => body(Body::EncryptedAlert, rec, out),
        Item::ApplicationData(rec) => body(Body::ApplicationData, rec, out),
        Item::Heartbeat(rec) => out(Field::Heartbeat, Value::Present, rec.body_range()),
        Item::Handshake { msg, first, whole } => return handshake(msg, first, whole, out),
        Item::EncryptedHandshake(rec) => body(Body::EncryptedHandshake, rec, out),
        Item::Other(_) => {}
    }
    Ok(())
}

fn handshake<'a>(
    msg: Handshake<'a>,
    first: bool,
    whole: Option<Handshake<'a>>,
    out: &mut dyn FnMut(Field, Value<'a>, Range<usize>),
) -> Result<(), ()> {
    let o = msg.offset();
    let at = |x: Range<usize>| o.saturating_add(x.start)..o.saturating_add(x.end);
    let t = msg.msg_type();
    out(Field::Handshake, Value::Present, r(o, msg.bytes().len()));
    if handshake_type_name(t).is_none() {
        return Ok(());
    }
    out(Field::HsType, uint(t), at(hs_at::TYPE));
    out(Field::HsLength, uint(msg.length()), at(hs_at::LENGTH));
    out(
        Field::MessageSeq,
        uint(msg.message_seq()),
        at(hs_at::MESSAGE_SEQ),
    );
    out(
        Field::FragmentOffset,
        uint(msg.fragment_offset()),
        at(hs_at::FRAGMENT_OFFSET),
    );
    out(
        Field::FragmentLength,
        uint(msg.fragment_length()),
        at(hs_at::FRAGMENT_LENGTH),
    );
    if msg.is_whole() {
        return handshake_body(msg, first, out);
    }
    // A fragment: the body is shown once the message is put together, after
    // the fragment that completes it. Its bytes are not the frame's: each
    // field points at that fragment.
    match whole {
        Some(w) => {
            let frag = r(o, msg.bytes().len());
            handshake_body(w, first, &mut |f, v, _| out(f, v, frag.clone()))
        }
        None => Ok(()),
    }
}

/// The fields of a whole handshake message's body.
fn handshake_body<'a>(
    msg: Handshake<'a>,
    first: bool,
    out: &mut dyn FnMut(Field, Value<'a>, Range<usize>),
) -> Result<(), ()> {
    let t = msg.msg_type();
    let (body, base) = (msg.body(), msg.body_offset());
    if t == handshake_type::HELLO_VERIFY_REQUEST {
        let Some(v) = be16(body, 0) else {
            return Err(());
        };
        out(Field::HsVersion, uint(v), r(base, 2));
        cookie(body, base, 2, out);
        return Ok(());
    }
    // The TLS code reads the body; its fields are renamed, and the
    // ClientHello's cookie (no TLS field) comes back here, in order.
    let out = RefCell::new(out);
    let res = tls::emit_handshake_body(
        msg,
        first,
        &mut |b: &'a [u8], at: usize| {
            if let Ok(mut o) = out.try_borrow_mut() {
                cookie(b, base, at, &mut **o);
            }
        },
        &mut |f: tls::Field, v: Value<'a>, rg: Range<usize>| {
            if let (Some(g), Ok(mut o)) = (from_tls(f), out.try_borrow_mut()) {
                o(g, v, rg)
            }
        },
    );
    res.map_err(|_| ())
}

/// A cookie's length and bytes, the length at `at` of `body` (which starts
/// at `base` of the layer).
fn cookie<'a>(
    body: &'a [u8],
    base: usize,
    at: usize,
    out: &mut dyn FnMut(Field, Value<'a>, Range<usize>),
) {
    let Some(n) = u8_at(body, at) else {
        return;
    };
    out(Field::CookieLength, uint(n), r(base.saturating_add(at), 1));
    let start = at.saturating_add(1);
    if n > 0 {
        if let Some(c) = body.get(start..start.saturating_add(usize::from(n))) {
            out(
                Field::Cookie,
                Value::Bytes(c),
                r(base.saturating_add(start), c.len()),
            );
        }
    }
}

/// tshark's DTLS heuristic over a UDP payload: the first record is of a
/// content type 20..=25 and a DTLS version (0xfeff, 0xfefd, or OpenSSL's
/// pre-RFC 0x0100), and the records' lengths, each after a 13-byte header,
/// lead to the end of the datagram (`wire_len`: its length on the wire;
/// the bytes at hand may stop earlier).
pub fn looks_like(payload: &[u8], wire_len: usize) -> bool {
    let (Some(t), Some(v)) = (u8_at(payload, 0), be16(payload, 1)) else {
        return false;
    };
    if !(content_type::CHANGE_CIPHER_SPEC..=CONTENT_TYPE_TLS12_CID).contains(&t) || !is_version(v) {
        return false;
    }
    let mut off = 0usize;
    loop {
        let Some(len) = off
            .checked_add(at::LENGTH.start)
            .and_then(|l| be16(payload, l))
        else {
            // The bytes at hand stop before the next header is whole: fine
            // if the capture cut the datagram there (not at a record's end,
            // where the rest of the datagram would be something else).
            return off > 0 && payload.len() < wire_len && off != payload.len();
        };
        let t = u8_at(payload, off).unwrap_or(0);
        let v = be16(payload, off + 1).unwrap_or(0);
        if !(content_type::CHANGE_CIPHER_SPEC..=CONTENT_TYPE_TLS12_CID).contains(&t)
            || !is_version(v)
        {
            return false;
        }
        off = off.saturating_add(at::HEADER_LEN + usize::from(len));
        if off == wire_len {
            return true;
        }
        if off > wire_len {
            return false;
        }
    }
}

#[cfg(test)]
mod tests;
