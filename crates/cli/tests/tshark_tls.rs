//! TLS fields against tshark 4.0, run now on the dev captures that hold TLS.
//! Records come from the reassembled streams and show on the segment that
//! completes them, as in tshark.
//!
//! Measured (97.9 % overall): handshake type 97.4 %, version and cipher
//! suites 97.2-97.4 %, SNI 98.7 %, ALPN 98.4 %, supported_version 97.6 %,
//! key_share_group 97.6 %. These two had fallen to 90.8 / 90.6 % when
//! reassembly reached the field output: a TLS 1.3 server's ChangeCipherSpec
//! after a HelloRetryRequest (middlebox compatibility) made its ServerHello
//! of a later frame count as encrypted; in a TLS 1.3 session a CCS no longer
//! does (the view's `Session`).
//!
//! What else differs, and why:
//! - TLS carried by protocols not dissected here: OpenVPN (ndpi openvpn),
//!   the PROXY protocol header before a ClientHello (ndpi haproxy), RDP's
//!   UDP transport (zeek rdp-rdpeudp2); and TLS
//!   inside QUIC Initial packets, which tshark decrypts (ndpi quic-28,
//!   quic-v2, quic-mvfst-22, sites, zeek quic-*, arkime synthetic): the
//!   engine opens Initials for its logs but does not show their
//!   ClientHello/ServerHello as a TLS layer yet.
//! - Streams tshark gives to other dissectors by port or heuristic (ndpi
//!   gnutella: its BitTorrent heuristic); here TLS by content.
//! - Out-of-order segments (ndpi android frames 157, 159): tshark 4.0 does
//!   not reassemble out of order by default
//!   (`tcp.reassemble_out_of_order`); here they are put in order.
//! - arkime pppoe frame 4: a ClientHello over PPPoE that tshark reads and
//!   the stream layer shows as data (not yet looked into).
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

/// A little under what was measured over the reassembled streams (97.9 %
/// of 22 545 values over 67 captures); fields not listed must reach 99 %.
const FLOORS: &[(&str, f64)] = &[
    ("tls.record.content_type", 98.1),
    ("tls.record.version", 98.3),
    ("tls.record.length", 98.6),
    ("tls.handshake.type", 97.3),
    ("tls.handshake.length", 97.4),
    ("tls.handshake.version", 97.1),
    ("tls.handshake.random", 97.2),
    ("tls.handshake.session_id_length", 97.1),
    ("tls.handshake.cipher_suites_length", 97.2),
    ("tls.handshake.ciphersuite", 97.2),
    ("tls.handshake.comp_method", 97.2),
    ("tls.handshake.extensions_length", 97.0),
    ("tls.handshake.extension.type", 96.8),
    ("tls.handshake.extension.len", 96.8),
    ("tls.handshake.extensions_server_name", 98.5),
    ("tls.handshake.extensions_server_name_len", 98.5),
    ("tls.handshake.extensions_alpn_str", 98.3),
    ("tls.handshake.extensions.supported_version", 97.5),
    ("tls.handshake.extensions_supported_group", 96.8),
    ("tls.handshake.extensions_ec_point_format", 97.5),
    ("tls.handshake.sig_hash_alg", 83.6),
    ("tls.handshake.extensions_key_share_group", 97.4),
    ("tls.extension.psk_ke_mode", 97.9),
    ("tls.handshake.certificates_length", 96.8),
    ("tls.handshake.certificate_length", 96.8),
    ("tls.handshake.certificate", 96.1),
    ("tls.handshake.session_ticket_length", 95.6),
    ("tls.handshake.server_named_curve", 98.1),
    ("tls.change_cipher_spec", 98.7),
    ("tls.app_data", 98.9),
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
