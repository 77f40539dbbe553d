//! Numbering frames and timing them against the first and the previous
//! frame, as tshark does: what every reader of packets (the command line,
//! tests) turns a [`Packet`] into before dissection.

use crate::packet::Packet;
use wiresift_wire::frame::FrameMeta;

/// Numbers frames and derives their relative and delta times.
#[derive(Debug, Default)]
pub struct FrameClock {
    number: u64,
    first: Option<(i64, u32)>,
    prev: Option<(i64, u32)>,
}

impl FrameClock {
    /// How many frames have been numbered so far.
    pub fn count(&self) -> u64 {
        self.number
    }

    /// A clock for frames that follow `numbered` others, the first of the
    /// capture at `first` (seconds, nanoseconds): a reader of a later part
    /// of a file. (The first frame's delta is 0: the frame before is not
    /// known.)
    pub fn resume(numbered: u64, first: (i64, u32)) -> Self {
        FrameClock {
            number: numbered,
            first: Some(first),
            prev: None,
        }
    }

    /// The frame metadata of the next packet read.
    pub fn meta(&mut self, p: &Packet) -> FrameMeta {
        self.number += 1;
        let now = (p.ts_secs, p.ts_nanos);
        let first = *self.first.get_or_insert(now);
        // As tshark: the delta is to the last frame that had a time (a
        // record without one, a pcapng simple packet block, is skipped),
        // or to the first frame.
        let prev = self.prev.unwrap_or(now);
        if p.has_timestamp || self.prev.is_none() {
            self.prev = Some(now);
        }
        let (rel_secs, rel_nanos) = diff(now, first);
        let (delta_secs, delta_nanos) = diff(now, prev);
        FrameMeta {
            number: self.number,
            ts_secs: p.ts_secs,
            ts_nanos: p.ts_nanos,
            rel_secs,
            rel_nanos,
            delta_secs,
            delta_nanos,
            len: p.orig_len,
            cap_len: p.cap_len,
            interface_id: p.interface_id,
            link_type: p.link_type,
            has_time: p.has_timestamp,
            checksum_offloaded: p.checksum_offloaded,
        }
    }
}

/// `a - b` as (seconds, nanoseconds in 0..1e9). Nanoseconds are below 1e9
/// in both (the readers normalise them), so one borrow is enough: no
/// division on this per-frame path.
fn diff(a: (i64, u32), b: (i64, u32)) -> (i64, u32) {
    let (an, bn) = (a.1.min(999_999_999), b.1.min(999_999_999));
    let secs = a.0.saturating_sub(b.0);
    if an >= bn {
        (secs, an - bn)
    } else {
        (secs.saturating_sub(1), an + 1_000_000_000 - bn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(secs: i64, nanos: u32, has_timestamp: bool) -> Packet<'static> {
        Packet {
            ts_secs: secs,
            ts_nanos: nanos,
            has_timestamp,
            checksum_offloaded: false,
            cap_len: 0,
            orig_len: 0,
            link_type: 1,
            interface_id: 0,
            data: &[],
        }
    }

    #[test]
    fn relative_and_delta_times() {
        let mut c = FrameClock::default();
        let m1 = c.meta(&packet(10, 900_000_000, true));
        let m2 = c.meta(&packet(11, 100_000_000, true));
        assert_eq!((m1.number, m2.number), (1, 2));
        assert_eq!((m2.rel_secs, m2.rel_nanos), (0, 200_000_000));
        assert_eq!((m2.delta_secs, m2.delta_nanos), (0, 200_000_000));
        // Earlier than the previous frame: a negative delta, -0.5 s.
        let m3 = c.meta(&packet(10, 600_000_000, true));
        assert_eq!((m3.delta_secs, m3.delta_nanos), (-1, 500_000_000));
    }

    #[test]
    fn records_without_time_are_skipped_for_the_delta() {
        let mut c = FrameClock::default();
        c.meta(&packet(5, 0, true));
        c.meta(&packet(0, 0, false));
        let m = c.meta(&packet(6, 0, true));
        assert_eq!((m.delta_secs, m.delta_nanos), (1, 0));
    }
}
