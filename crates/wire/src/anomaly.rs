//! What was wrong with a packet: each anomaly names the layer, the bytes and
//! what was expected. Dissection records them and goes on where it can.

use crate::proto::Proto;
use std::ops::Range;

/// The kind of problem, from tshark's expert-info vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnomalyKind {
    /// The capture holds fewer bytes than the header says (snap length or cut).
    Truncated,
    /// A field holds a value the protocol does not allow.
    Malformed,
    /// A checksum does not match the bytes.
    BadChecksum,
    /// Something legal but worth a note (an unknown option, a reserved bit).
    Note,
}

impl AnomalyKind {
    pub fn name(self) -> &'static str {
        match self {
            AnomalyKind::Truncated => "truncated",
            AnomalyKind::Malformed => "malformed",
            AnomalyKind::BadChecksum => "bad checksum",
            AnomalyKind::Note => "note",
        }
    }
}

/// One problem found while dissecting, pointing at frame bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anomaly {
    pub proto: Proto,
    pub kind: AnomalyKind,
    /// Bytes of the frame concerned (absolute offsets in the frame).
    pub range: Range<usize>,
    /// What was expected, in a few words.
    pub msg: &'static str,
}
