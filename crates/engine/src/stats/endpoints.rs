//! Endpoints: each address (or address and port) with what it sent and
//! received, like tshark's `-z endpoints,…`.
//!
//! They are not counted per packet: every frame of a conversation is a frame
//! sent by one of its ends and received by the other, so the endpoint table
//! is the conversation table folded by end, made once at report time. This
//! saves two hash look-ups a layer per packet. It is exact while the
//! conversation table stays under its cap; frames of conversations a full
//! table did not keep are reported as not attributed.

use super::conv::{Endpoint, Oriented};
use foldhash::fast::RandomState;
use std::collections::HashMap;

/// What one endpoint sent and received.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EndpointCounts {
    pub tx_frames: u64,
    pub tx_bytes: u64,
    pub rx_frames: u64,
    pub rx_bytes: u64,
    /// Order key of the first frame it appeared in (frame number, layer
    /// position, source before destination), tshark's order of insertion.
    pub first: u64,
}

impl EndpointCounts {
    pub fn frames(&self) -> u64 {
        self.tx_frames.saturating_add(self.rx_frames)
    }

    pub fn bytes(&self) -> u64 {
        self.tx_bytes.saturating_add(self.rx_bytes)
    }
}

/// Fold conversations into their endpoints (added to `out`).
pub fn fold<E: Endpoint, K: Copy + Eq + std::hash::Hash>(
    convs: &[Oriented<E>],
    key: impl Fn(E) -> K,
    out: &mut HashMap<K, EndpointCounts, RandomState>,
) {
    for c in convs {
        // The first frame's source was seen before its destination.
        for (end, sent, got, role) in [(c.a, c.a_to_b, c.b_to_a, 0), (c.b, c.b_to_a, c.a_to_b, 1)] {
            let e = out.entry(key(end)).or_insert(EndpointCounts {
                first: u64::MAX,
                ..EndpointCounts::default()
            });
            e.tx_frames = e.tx_frames.saturating_add(sent.0);
            e.tx_bytes = e.tx_bytes.saturating_add(sent.1);
            e.rx_frames = e.rx_frames.saturating_add(got.0);
            e.rx_bytes = e.rx_bytes.saturating_add(got.1);
            e.first = e.first.min(c.first.saturating_mul(2) | role);
        }
    }
}

/// Endpoints in tshark's order, most frames first, then first seen first:
/// the first `top` of them (all if 0), the rest after them unsorted.
pub fn sorted<K: Copy>(
    m: &HashMap<K, EndpointCounts, RandomState>,
    top: usize,
) -> Vec<(K, EndpointCounts)> {
    let mut v: Vec<(K, EndpointCounts)> = m.iter().map(|(k, c)| (*k, *c)).collect();
    super::conv::sort_top(&mut v, top, |x, y| {
        y.1.frames()
            .cmp(&x.1.frames())
            .then(x.1.first.cmp(&y.1.first))
    });
    v
}
