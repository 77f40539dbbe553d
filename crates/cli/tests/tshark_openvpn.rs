//! OpenVPN fields against tshark 4.0, run now on the dev captures whose
//! stored tshark table shows `openvpn` in frame.protocols (ndpi openvpn:
//! over TCP and UDP; ndpi openvpn-tlscrypt; ndpi gnutella's UDP 1194).
//! Prints the agreement per field and fails below the floors. Opcodes, key
//! ids, session ids, lengths and message packet-ids all agree. What
//! differs, and why:
//! - tls-auth HMAC and replay packet-id (ndpi openvpn-tlscrypt frames 1,
//!   3; ndpi gnutella 3147, 3194): tshark reads 32 bytes of HMAC there, 20
//!   (its default, SHA-1) here.
//! - Fragment bytes of a message that is one piece (17): tshark leaves
//!   them out when the piece is the whole message, except over TCP when
//!   TLS waits for more of a record; they are always shown here.

mod common;
use common::fieldcmp::{self, Reference, Spec};

const FIELDS: &[&str] = &[
    "openvpn.plen",
    "openvpn.type",
    "openvpn.opcode",
    "openvpn.keyid",
    "openvpn.peerid",
    "openvpn.sessionid",
    "openvpn.hmac",
    "openvpn.pid",
    "openvpn.mpidarraylength",
    "openvpn.mpidarrayelement",
    "openvpn.rsessionid",
    "openvpn.mpid",
    "openvpn.data",
    "openvpn.fragment_bytes",
];

/// A little under what was measured (98.2 % of 2 095 values over 3
/// captures); what differs is listed in the module's comment.
const FLOORS: &[(&str, f64)] = &[
    ("openvpn.hmac", 76.0),
    ("openvpn.pid", 79.9),
    ("openvpn.mpidarraylength", 98.4),
    ("openvpn.mpidarrayelement", 97.2),
    ("openvpn.data", 92.8),
    ("openvpn.fragment_bytes", 86.0),
];

#[test]
fn openvpn_fields_agree_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: FIELDS,
        floors: FLOORS,
        default_floor: 99.0,
        protocols: &["openvpn"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}
