//! QUIC header fields against tshark 4.0, run now on the dev captures whose
//! stored tshark table shows `quic` in frame.protocols. Prints the agreement
//! per field and fails below the floors.

mod common;
use common::fieldcmp::{self, Reference, Spec};

const FIELDS: &[&str] = &[
    "quic.header_form",
    "quic.fixed_bit",
    "quic.long.packet_type",
    "quic.long.packet_type_v2",
    "quic.version",
    "quic.dcil",
    "quic.dcid",
    "quic.scil",
    "quic.scid",
    "quic.token_length",
    "quic.token",
    "quic.length",
    "quic.packet_length",
    "quic.supported_version",
    "quic.spin_bit",
    "quic.packet_number",
    "quic.frame_type",
    "quic.padding_length",
    "quic.ack.largest_acknowledged",
    "quic.crypto.offset",
    "quic.crypto.length",
    "tls.handshake.type",
    "tls.handshake.extensions_server_name",
    "tls.handshake.extensions_alpn_str",
    "tls.handshake.ciphersuite",
    "tls.handshake.version",
    "tls.handshake.extensions.supported_version",
];

/// A little under the measured agreement (release build, 9 captures, 7030
/// values: 85.5 % overall, quic.version 51 of 51; the decrypted fields
/// agree on every Initial packet but those named below); fields not
/// listed agree fully.
const FLOORS: &[(&str, f64)] = &[
    ("quic.header_form", 98.5),
    ("quic.fixed_bit", 98.5),
    ("quic.dcid", 4.2),
    ("quic.packet_length", 98.5),
    ("quic.spin_bit", 98.4),
    ("quic.packet_number", 58.5),
    ("quic.frame_type", 56.5),
    ("quic.padding_length", 49.5),
    ("quic.ack.largest_acknowledged", 52.0),
    ("quic.crypto.offset", 90.5),
    ("quic.crypto.length", 90.5),
    ("tls.handshake.type", 98.9),
    ("tls.handshake.extensions_alpn_str", 98.7),
];

// What differs, and why:
// - ndpi__quic-v2.pcapng: the server listens on UDP 4443; QUIC is found
//   there by tshark's heuristic (a long header of a known version), as
//   here. tshark then takes the whole conversation as QUIC, so its
//   short-header packets, which also clear the fixed bit (RFC 9287
//   greasing), are QUIC to it (16 header_form/fixed_bit/packet_length
//   values); without connection state they are data here.
// - quic.dcid (871 missing): a short header's DCID has a length only the
//   connection knows; tshark shows it once it has seen the handshake, the
//   stateless view does not.
// - Decrypted packets (quic.packet_number, frame_type, padding, ack,
//   crypto): ndpi__quic-v2.pcapng carries its TLS secrets in the capture
//   file, so tshark decrypts its 0-RTT, Handshake and 1-RTT packets too
//   (all the missing values, and its first two frames, where tshark lists
//   the packet numbers and frames of the coalesced 0-RTT and 1-RTT packets
//   after the Initial's); only Initial packets are opened here.
// - tls.handshake.type and ALPN (ndpi__quic-v2.pcapng frames 2 and 4): the
//   server's EncryptedExtensions, Certificate and Finished are in Handshake
//   packets tshark opens with the capture's TLS secrets. A ClientHello over
//   two datagrams (arkime__arkime_synthetic.pcap frames 624-625) shows on
//   the second, and one sent anew after Version Negotiation
//   (ndpi__quic-28.pcap frame 3) not again, as in tshark.
// - ndpi__sites.pcapng frame 482: a third coalesced packet tshark reads by
//   the connection's state (short header after two long ones).

#[test]
fn quic_fields_agree_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: FIELDS,
        floors: FLOORS,
        default_floor: 99.9,
        protocols: &["quic"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}
