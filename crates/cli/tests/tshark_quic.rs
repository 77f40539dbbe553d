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
];

/// A little under the measured agreement (release build, 9 captures, 6091
/// values: 84.5 % overall, quic.version 51 of 51); fields not listed agree
/// fully.
const FLOORS: &[(&str, f64)] = &[
    ("quic.header_form", 98.5),
    ("quic.fixed_bit", 98.5),
    ("quic.dcid", 4.2),
    ("quic.packet_length", 98.5),
    ("quic.spin_bit", 98.4),
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
