//! Conversations: traffic between two endpoints of one layer (Ethernet,
//! IPv4, IPv6, TCP, UDP), in both directions, like tshark's `-z conv,…`.
//!
//! A conversation is keyed by its two endpoints in a fixed order (the lower
//! first), so both directions meet in one entry; which end is "A" (tshark's
//! left column) is the source of the conversation's first frame, remembered
//! with that frame's number so that a merge of shards picks the same one.

use super::table::{Counted, Table};
use std::hash::Hash;

/// An endpoint of some layer: what a conversation joins.
pub trait Endpoint: Copy + Eq + Hash + Ord + std::fmt::Debug {}
impl<T: Copy + Eq + Hash + Ord + std::fmt::Debug> Endpoint for T {}

/// A MAC address.
pub type Mac = [u8; 6];
/// An IPv4 address.
pub type V4 = [u8; 4];
/// An IPv6 address.
pub type V6 = [u8; 16];
/// An IPv4 address and a port.
pub type Sock4 = ([u8; 4], u16);
/// An IPv6 address and a port.
pub type Sock6 = ([u8; 16], u16);

/// The counts of one conversation, directions in key order: `[0]` from the
/// lower endpoint to the higher, `[1]` back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvCounts {
    pub frames: [u64; 2],
    pub bytes: [u64; 2],
    /// Earliest and latest frame time, nanoseconds relative to the first
    /// frame of the capture.
    pub start: i64,
    pub stop: i64,
    /// Order key of the first frame (frame number and layer position).
    pub first: u64,
    /// The first frame went from the lower endpoint to the higher: the
    /// lower endpoint is "A".
    pub first_forward: bool,
}

impl Counted for ConvCounts {
    fn counts(&self) -> (u64, u64) {
        (
            self.frames[0].saturating_add(self.frames[1]),
            self.bytes[0].saturating_add(self.bytes[1]),
        )
    }

    fn merge(&mut self, o: &Self) {
        for i in 0..2 {
            self.frames[i] = self.frames[i].saturating_add(o.frames[i]);
            self.bytes[i] = self.bytes[i].saturating_add(o.bytes[i]);
        }
        self.start = self.start.min(o.start);
        self.stop = self.stop.max(o.stop);
        if o.first < self.first {
            self.first = o.first;
            self.first_forward = o.first_forward;
        }
    }
}

/// The conversations of one layer, bounded by the table's cap.
#[derive(Clone)]
pub struct Conversations<E: Endpoint> {
    pub table: Table<(E, E), ConvCounts>,
}

impl<E: Endpoint> Conversations<E> {
    pub fn new(cap: usize) -> Self {
        Conversations {
            table: Table::new(cap),
        }
    }

    /// One frame of `len` bytes from `src` to `dst` at `rel` ns, with order
    /// key `order`.
    #[inline]
    pub fn add(&mut self, src: E, dst: E, len: u64, rel: i64, order: u64) {
        let (key, fwd) = if src <= dst {
            ((src, dst), true)
        } else {
            ((dst, src), false)
        };
        let make = || ConvCounts {
            frames: [0; 2],
            bytes: [0; 2],
            start: rel,
            stop: rel,
            first: order,
            first_forward: fwd,
        };
        match self.table.get_or_insert(key, make) {
            Some(c) => {
                let i = usize::from(!fwd);
                c.frames[i] = c.frames[i].saturating_add(1);
                c.bytes[i] = c.bytes[i].saturating_add(len);
                c.start = c.start.min(rel);
                c.stop = c.stop.max(rel);
                if order < c.first {
                    c.first = order;
                    c.first_forward = fwd;
                }
            }
            None => {
                self.table.other.frames = self.table.other.frames.saturating_add(1);
                self.table.other.bytes = self.table.other.bytes.saturating_add(len);
            }
        }
    }

    /// Frames counted elsewhere: `ab` from `a` to `b`, `ba` back, between
    /// `start` and `stop`, the first with order key `first`, sent by `a` if
    /// `first_from_a`. The same as adding the frames one by one.
    #[allow(clippy::too_many_arguments)]
    pub fn add_counts(
        &mut self,
        a: E,
        b: E,
        ab: (u64, u64),
        ba: (u64, u64),
        start: i64,
        stop: i64,
        first: u64,
        first_from_a: bool,
    ) {
        // As `add`: a frame from an end to itself goes "forward".
        let (key, lo_hi, hi_lo, fwd) = match a.cmp(&b) {
            std::cmp::Ordering::Less => ((a, b), ab, ba, first_from_a),
            std::cmp::Ordering::Greater => ((b, a), ba, ab, !first_from_a),
            std::cmp::Ordering::Equal => (
                (a, b),
                (ab.0.saturating_add(ba.0), ab.1.saturating_add(ba.1)),
                (0, 0),
                true,
            ),
        };
        let make = || ConvCounts {
            frames: [0; 2],
            bytes: [0; 2],
            start,
            stop,
            first,
            first_forward: fwd,
        };
        let add = ConvCounts {
            frames: [lo_hi.0, hi_lo.0],
            bytes: [lo_hi.1, hi_lo.1],
            start,
            stop,
            first,
            first_forward: fwd,
        };
        match self.table.get_or_insert(key, make) {
            Some(c) => c.merge(&add),
            None => {
                let (f, b) = add.counts();
                self.table.other.frames = self.table.other.frames.saturating_add(f);
                self.table.other.bytes = self.table.other.bytes.saturating_add(b);
            }
        }
    }

    pub fn merge(&mut self, other: Conversations<E>) {
        self.table.merge(other.table);
    }
}

/// One conversation as the report shows it: "A" is the source of its first
/// frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Oriented<E> {
    pub a: E,
    pub b: E,
    /// Frames and bytes from A to B (tshark's `->` column).
    pub a_to_b: (u64, u64),
    /// Frames and bytes from B to A (tshark's `<-` column).
    pub b_to_a: (u64, u64),
    pub start: i64,
    pub stop: i64,
    pub first: u64,
}

impl<E: Endpoint> Oriented<E> {
    pub fn new(key: &(E, E), c: &ConvCounts) -> Self {
        let lo_hi = (c.frames[0], c.bytes[0]);
        let hi_lo = (c.frames[1], c.bytes[1]);
        let (a, b, a_to_b, b_to_a) = if c.first_forward {
            (key.0, key.1, lo_hi, hi_lo)
        } else {
            (key.1, key.0, hi_lo, lo_hi)
        };
        Oriented {
            a,
            b,
            a_to_b,
            b_to_a,
            start: c.start,
            stop: c.stop,
            first: c.first,
        }
    }

    pub fn frames(&self) -> u64 {
        self.a_to_b.0.saturating_add(self.b_to_a.0)
    }
}

/// The conversations of `t`, oriented, in no order.
pub fn listed<E: Endpoint>(t: &Conversations<E>) -> Vec<Oriented<E>> {
    t.table.iter().map(|(k, c)| Oriented::new(k, c)).collect()
}

/// tshark's order of conversations: most frames first, then first seen
/// first (a total order: no two conversations share a first frame and
/// layer).
pub fn order<E: Endpoint>(x: &Oriented<E>, y: &Oriented<E>) -> std::cmp::Ordering {
    y.frames().cmp(&x.frames()).then(x.first.cmp(&y.first))
}

/// Put the first `top` items of `v` (all if 0) in `cmp`'s order; the rest
/// stay after them, unsorted.
pub fn sort_top<T>(v: &mut [T], top: usize, cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    if top == 0 || top >= v.len() {
        v.sort_unstable_by(cmp);
        return;
    }
    v.select_nth_unstable_by(top, &cmp);
    v[..top].sort_unstable_by(cmp);
}
