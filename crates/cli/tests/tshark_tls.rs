//! TLS fields against tshark 4.0, run now on the dev captures that hold TLS.
//! Records come from the reassembled streams and show on the segment that
//! completes them, as in tshark; the ClientHello/ServerHello of QUIC
//! Initial packets (put together over several datagrams) as a `tls` layer.
//!
//! Measured against tshark's defaults (99.2 % of 22 468 values over 67
//! captures): handshake type 99.3 %, version 99.5 %, cipher suites 99.7 %,
//! SNI 100 % (before the TLS inside OpenVPN and BitTorrent's ports: 98.1,
//! 98.3, 98.4 %; before QUIC CRYPTO over datagrams and the PROXY protocol:
//! 97.8, 97.7, 97.9, 98.7 %). A TLS 1.3 server's
//! ChangeCipherSpec after a HelloRetryRequest (middlebox compatibility)
//! does not make its later ServerHello count as encrypted (the view's
//! `Session`).
//!
//! What else differs, and why (values of those five fields each costs):
//! - OpenVPN's control channel: agrees (ndpi openvpn, TCP and UDP). TLS
//!   on BitTorrent's ports (6881–6889) is BitTorrent to tshark and not
//!   read by content here either (ndpi gnutella).
//! - Out-of-order segments (ndpi android frames 157, 159; 5): tshark 4.0
//!   does not reassemble them by default, the engine puts them in order.
//!   `tls_handshake_with_out_of_order_reassembly` compares the handshake
//!   fields with tshark told to (`tcp.reassemble_out_of_order`), where they
//!   agree; the record fields are not compared so, as tshark then leaves
//!   application data records of other captures out (ndpi wechat,
//!   tls-appdata, instagram).
//! - ndpi quic-v2 (3): the capture carries its TLS secrets and tshark opens
//!   the Handshake packets too; only Initial packets are opened here.
//! - TLS over RDP's UDP transport (zeek rdp-rdpeudp2, 3): not dissected.
//! - arkime pppoe frame 4 (2): an SSLv2-format ClientHello, which the TLS
//!   view does not read.
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

/// A little under what was measured against tshark's defaults; fields
/// not listed must reach 99 %.
const FLOORS: &[(&str, f64)] = &[
    ("tls.handshake.sig_hash_alg", 85.2),
    ("tls.handshake.certificates_length", 98.7),
    ("tls.handshake.certificate_length", 98.7),
    ("tls.handshake.certificate", 98.1),
    ("tls.handshake.session_ticket_length", 97.8),
];

/// The handshake fields against tshark with out-of-order reassembly on: a
/// little under what was measured (type 99.5 %, version 99.7 %, cipher
/// suites 99.8 %, SNI 100 %).
const OUT_OF_ORDER_FLOORS: &[(&str, f64)] = &[
    ("tls.handshake.sig_hash_alg", 85.2),
    ("tls.handshake.certificate", 98.7),
    ("tls.handshake.session_ticket_length", 97.8),
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

/// tshark 4.0 leaves out-of-order segments out of its reassembly unless
/// told (`tcp.reassemble_out_of_order`); the engine puts them in order, as
/// tshark does with the preference on: the handshake fields against that.
#[test]
fn tls_handshake_with_out_of_order_reassembly() {
    let fields: Vec<&str> = FIELDS
        .iter()
        .copied()
        .filter(|f| f.starts_with("tls.handshake."))
        .collect();
    fieldcmp::compare(&Spec {
        fields: &fields,
        floors: OUT_OF_ORDER_FLOORS,
        default_floor: 99.0,
        protocols: &["tls"],
        reference: Reference::Tshark,
        tshark_args: &["-o", "tcp.reassemble_out_of_order:TRUE"],
    });
}
