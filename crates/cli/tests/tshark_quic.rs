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
/// values: 84.0% overall).
const FLOORS: &[(&str, f64)] = &[
    ("quic.header_form", 98.0),
    ("quic.fixed_bit", 98.0),
    ("quic.long.packet_type", 99.9),
    ("quic.long.packet_type_v2", 0.0),
    ("quic.version", 94.0),
    ("quic.dcil", 94.0),
    ("quic.dcid", 4.0),
    ("quic.scil", 94.0),
    ("quic.scid", 92.0),
    ("quic.token_length", 93.0),
    ("quic.token", 50.0),
    ("quic.length", 93.9),
    ("quic.packet_length", 98.0),
    ("quic.supported_version", 99.9),
    ("quic.spin_bit", 98.0),
];

// What differs, and why:
// - ndpi__quic-v2.pcapng (every field's missing values but quic.dcid's):
//   the server listens on UDP 4443; tshark finds QUIC there by its
//   heuristic, the engine picks QUIC on port 443 only, so the frames show
//   as data. Short-header packets there also clear the fixed bit (RFC 9287
//   greasing), which only a connection's state can accept.
// - quic.dcid (874 missing): a short header's DCID has a length only the
//   connection knows; tshark shows it once it has seen the handshake, the
//   stateless view does not.
// - ndpi__sites.pcapng frame 482: a third coalesced packet tshark reads by
//   the connection's state (short header after two long ones).

#[test]
fn quic_fields_agree_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: FIELDS,
        floors: FLOORS,
        default_floor: 0.0,
        protocols: &["quic"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}
