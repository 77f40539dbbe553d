//! Conversation numbers and TCP sequence analysis against tshark 4.0 on the
//! dev captures: `tcp.stream` against the stored tables, the rest against
//! tshark run now. Agreement is printed per field; each must stay at or
//! above its floor.

mod common;
use common::fieldcmp::{self, Reference, Spec};

#[test]
fn tcp_stream_agrees_with_the_stored_tables() {
    fieldcmp::compare(&Spec {
        fields: &["tcp.stream"],
        floors: &[],
        default_floor: 99.0,
        protocols: &["tcp"],
        reference: Reference::Stored,
        tshark_args: &[],
    });
}

/// Fields the stored tables do not hold.
const ANALYSIS: &[&str] = &["udp.stream", "tcp.seq", "tcp.ack"];

#[test]
fn udp_stream_and_tcp_analysis_agree_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: ANALYSIS,
        floors: &[],
        default_floor: 99.0,
        protocols: &["tcp", "udp"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}
