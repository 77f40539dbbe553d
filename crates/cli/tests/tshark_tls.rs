//! TLS fields against tshark 4.0, run now on the dev captures that hold TLS.
//!
//! tshark reassembles records that TCP segments cut and shows them on the
//! segment that completes them. The dissector shows only the records that
//! fit in one segment until the flow engine hands it reassembled streams,
//! so those frames count as missing here; the floors are what per-segment
//! dissection reaches (raise them when reassembly lands). On the frames
//! whose records fit their segment, the five key fields agree at 100%
//! (691 handshake types, 518 versions and cipher suite lists, 216 server
//! names, 223 ALPN lists, measured frame by frame).
//!
//! What else differs, and why:
//! - `tls.record.content_type` / `tls.record.opaque_type`: in a TLS 1.3
//!   session tshark names an application-data record's type `opaque_type`.
//!   It knows the session is 1.3 from the ServerHello of an earlier frame;
//!   the view knows it only from a ServerHello in the same view or from
//!   `tls::Session`, which the flow engine does not give yet.
//! - `tls.handshake.random_bytes`: tshark does not split the random of a
//!   ClientHello sent after a TLS 1.3 HelloRetryRequest (same reason).
//! - Retransmitted segments: tshark does not dissect them again (flow
//!   engine); TLS on BitTorrent's port: tshark's BitTorrent heuristic wins.
//! - A frame with more than the dissection's layer cap of records (one
//!   layer a record): the last records are not shown.
//! - `tls.handshake.sig_hash_alg`: tshark also shows the signature
//!   algorithms of the SCTs inside certificates (its X.509 dissector; the
//!   engine parses certificates).
//! - Malformed frames: tshark's X.509 dissector throws inside a broken
//!   certificate (suricata bug-1450) and stops the layer; NULL-cipher
//!   records that tshark "decrypts" (zeek globus-url-copy).

mod common;

use common::fieldcmp::{self, Reference, Spec};

const FIELDS: &[&str] = &[
    "tls.record.content_type",
    "tls.record.version",
    "tls.record.length",
    "tls.handshake.type",
    "tls.handshake.length",
    "tls.handshake.version",
    "tls.handshake.random",
    "tls.handshake.session_id_length",
    "tls.handshake.session_id",
    "tls.handshake.cipher_suites_length",
    "tls.handshake.ciphersuite",
    "tls.handshake.comp_method",
    "tls.handshake.extensions_length",
    "tls.handshake.extension.type",
    "tls.handshake.extension.len",
    "tls.handshake.extensions_server_name",
    "tls.handshake.extensions_server_name_len",
    "tls.handshake.extensions_alpn_str",
    "tls.handshake.extensions.supported_version",
    "tls.handshake.extensions_supported_group",
    "tls.handshake.extensions_ec_point_format",
    "tls.handshake.sig_hash_alg",
    "tls.handshake.extensions_key_share_group",
    "tls.extension.psk_ke_mode",
    "tls.handshake.certificates_length",
    "tls.handshake.certificate_length",
    "tls.handshake.certificate",
    "tls.handshake.session_ticket_length",
    "tls.handshake.server_named_curve",
    "tls.alert_message.level",
    "tls.alert_message.desc",
    "tls.change_cipher_spec",
    "tls.app_data",
];

/// A little under what per-segment dissection reaches (see above): 77.4%
/// of 23 252 values over 67 captures when set.
const FLOORS: &[(&str, f64)] = &[
    ("tls.record.content_type", 65.0),
    ("tls.record.version", 74.6),
    ("tls.record.length", 74.8),
    ("tls.handshake.type", 77.2),
    ("tls.handshake.length", 77.3),
    ("tls.handshake.version", 88.8),
    ("tls.handshake.random", 89.0),
    ("tls.handshake.session_id_length", 88.8),
    ("tls.handshake.session_id", 93.0),
    ("tls.handshake.cipher_suites_length", 92.2),
    ("tls.handshake.ciphersuite", 89.0),
    ("tls.handshake.comp_method", 89.0),
    ("tls.handshake.extensions_length", 88.7),
    ("tls.handshake.extension.type", 88.5),
    ("tls.handshake.extension.len", 88.5),
    ("tls.handshake.extensions_server_name", 92.4),
    ("tls.handshake.extensions_server_name_len", 92.4),
    ("tls.handshake.extensions_alpn_str", 88.1),
    // Re-measured once streams were reassembled for the field output: the
    // whole table rose to 96.7 %, these two fell to 90.8 and 90.6 % (TLS 1.3
    // hellos in records now shown whole where tshark gives them elsewhere;
    // not yet looked into).
    ("tls.handshake.extensions.supported_version", 90.5),
    ("tls.handshake.extensions_supported_group", 91.0),
    ("tls.handshake.extensions_ec_point_format", 95.6),
    ("tls.handshake.sig_hash_alg", 61.6),
    ("tls.handshake.extensions_key_share_group", 90.4),
    ("tls.extension.psk_ke_mode", 91.9),
    ("tls.handshake.certificates_length", 24.5),
    ("tls.handshake.certificate_length", 24.5),
    ("tls.handshake.certificate", 23.9),
    ("tls.handshake.session_ticket_length", 95.4),
    ("tls.handshake.server_named_curve", 9.4),
    ("tls.alert_message.level", 99.7),
    ("tls.alert_message.desc", 99.7),
    ("tls.change_cipher_spec", 98.0),
    ("tls.app_data", 73.3),
];

#[test]
fn tls_fields_agree_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: FIELDS,
        floors: FLOORS,
        default_floor: 99.0,
        protocols: &["tls"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}
