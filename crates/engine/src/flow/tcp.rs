//! One TCP conversation's sequence state, as tshark keeps it: where each
//! direction's numbers start (for relative numbers), window scaling, and
//! the per-segment analysis (retransmissions, duplicate ACKs, windows, RTT).
//!
//! STUB: the first cut keeps only the bases; the analysis is being written.

use super::key::Side;
use wire::tcp::{TcpAnalysis, TcpView};
use wiresift_wire as wire;

/// What the analysis says of one segment.
#[derive(Clone, Copy, Debug, Default)]
pub struct SegmentInfo {
    /// Base of this direction's sequence numbers and of the acknowledged
    /// (peer's) numbers, for relative numbering.
    pub seq_base: u32,
    pub ack_base: Option<u32>,
    /// The window shift in force, when both ends offered scaling.
    pub window_shift: Option<u8>,
    /// Relative next sequence number, when tshark shows it.
    pub nxtseq: Option<u32>,
    pub analysis: TcpAnalysis,
}

/// Sequence state of one conversation, per direction (indexed by [`Side`]).
#[derive(Clone, Debug, Default)]
pub struct TcpConv {
    base: [Option<u32>; 2],
}

impl TcpConv {
    pub fn new() -> Self {
        TcpConv::default()
    }

    /// Does this segment open a new conversation on the same addresses and
    /// ports (tshark's "reused ports": a SYN whose sequence number is not
    /// the one this direction started with)?
    pub fn starts_anew(&self, side: Side, t: &TcpView) -> bool {
        let syn_only = t.syn() && !t.ack_flag();
        syn_only && self.base[side.index()].is_some_and(|b| b != t.seq())
    }

    /// Analyse a segment sent by `side` in frame `frame` at `ts_ns`.
    pub fn segment(&mut self, side: Side, t: &TcpView, frame: u32, ts_ns: i64) -> SegmentInfo {
        let _ = (frame, ts_ns);
        let i = side.index();
        let base = *self.base[i].get_or_insert(if t.syn() {
            t.seq()
        } else {
            t.seq().wrapping_sub(1)
        });
        SegmentInfo {
            seq_base: base,
            ack_base: self.base[1 - i],
            ..SegmentInfo::default()
        }
    }
}
