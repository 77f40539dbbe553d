//! TCP stream reassembly, one direction at a time: segments go in as they
//! come off the wire, bytes come out in sequence order as soon as they are
//! in order, each retransmitted byte once, with every hole that will never
//! fill reported as a gap rather than waited on.
//!
//! The rules follow what tshark's "Follow TCP stream" does, so that
//! `wiresift follow` prints what it prints, and what an application parser
//! needs (no byte twice, gaps said out loud):
//!
//! - A direction's stream starts at its first segment, with or without
//!   data (a SYN counts one sequence number).
//! - A segment that starts at or before the next expected byte is delivered
//!   at once, less what was already delivered (retransmissions; where the
//!   overlapping bytes differ, the first copy wins and a conflict is
//!   counted). A segment whose bytes were not captured at all is ignored,
//!   as tshark does; one cut short by the snapshot length advances the
//!   stream by its full length and the missing tail becomes the next
//!   chunk's gap.
//! - A segment that starts beyond the next expected byte is held. Held
//!   pieces are delivered, one chunk each, when the hole before them fills;
//!   among several that start at or before the next byte, the one that came
//!   first goes first (tshark's order, which fixes chunk boundaries).
//! - When the peer acknowledges past the start of the first held piece, the
//!   hole before it was received by the peer but not captured: it is
//!   skipped ([`Why::Acked`]).
//! - When the held bytes of a direction pass their cap, or the engine's
//!   budget for all directions is spent, every hole is skipped and what was
//!   held is delivered ([`Why::Overflow`]); the skipped bytes count as
//!   dropped. When the conversation ends, [`Reassembler::flush`] does the
//!   same ([`Why::End`]).
//!
//! Sequence numbers wrap at 2^32: they are turned into 64-bit stream
//! offsets relative to the next expected byte, with wrapping arithmetic.

use std::collections::{BTreeMap, VecDeque};

/// Bounds of one direction, and of all of them together.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Bytes held out of order per direction (each held piece also costs
    /// [`PIECE_COST`], so a flood of tiny segments meets the cap early).
    pub max_held: u64,
    /// Bytes already delivered that are kept to compare with
    /// retransmissions (conflict detection), per direction; released as
    /// the peer acknowledges them.
    pub retain: u64,
    /// Bytes held and retained over every direction of the engine.
    pub budget: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_held: 1 << 20,
            retain: 64 << 10,
            budget: 64 << 20,
        }
    }
}

/// What a held piece costs beyond its bytes (its bookkeeping), so that a
/// stream of one-byte segments cannot hold a million pieces under the cap.
pub const PIECE_COST: u64 = 256;

/// The bytes held or retained by all directions together, against
/// [`Limits::budget`]. The engine owns one and lends it to each call.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    max: u64,
    used: u64,
}

impl Budget {
    pub fn new(max: u64) -> Self {
        Budget { max, used: 0 }
    }

    /// Bytes charged now.
    pub fn used(&self) -> u64 {
        self.used
    }

    fn take(&mut self, n: u64) -> bool {
        match self.used.checked_add(n) {
            Some(u) if u <= self.max => {
                self.used = u;
                true
            }
            _ => false,
        }
    }

    /// Retained bytes (only for conflict checks) may use half the budget:
    /// they must never crowd out bytes held for delivery.
    fn take_for_retain(&mut self, n: u64) -> bool {
        match self.used.checked_add(n) {
            Some(u) if u <= self.max / 2 => {
                self.used = u;
                true
            }
            _ => false,
        }
    }

    fn give(&mut self, n: u64) {
        self.used = self.used.saturating_sub(n);
    }
}

/// Why a chunk is delivered now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Its bytes are next in sequence (the usual case, also when a hole
    /// has just filled).
    InOrder,
    /// The peer acknowledged past a hole before it: the hole's bytes were
    /// sent and received but are not in the capture.
    Acked,
    /// The held bytes passed a cap: holes were skipped.
    Overflow,
    /// The conversation ended with bytes still held: holes were skipped.
    End,
}

/// A run of in-order bytes.
#[derive(Clone, Copy, Debug)]
pub struct Chunk<'a> {
    pub bytes: &'a [u8],
    /// Bytes missing just before these (lost or not captured).
    pub gap_before: u32,
    pub why: Why,
    /// The frame that carried these bytes, and its capture time.
    pub frame: u64,
    pub ts_ns: i64,
    /// The bytes are the payload of the segment being taken, from this
    /// offset (None: bytes held from an earlier segment). A caller that
    /// holds the segment can read them there rather than copy them.
    pub in_segment: Option<usize>,
}

/// Where bytes to deliver come from: the frame that carried them, its
/// capture time, and their offset in the segment being taken (see
/// [`Chunk::in_segment`]).
#[derive(Clone, Copy, Debug)]
struct Origin {
    frame: u64,
    ts_ns: i64,
    in_segment: Option<usize>,
}

/// One segment of a direction.
#[derive(Clone, Copy, Debug)]
pub struct Segment<'a> {
    pub seq: u32,
    pub syn: bool,
    pub fin: bool,
    /// Payload length as sent (`tcp.len`); the captured `payload` may be
    /// shorter.
    pub len: u32,
    pub payload: &'a [u8],
    pub frame: u64,
    pub ts_ns: i64,
}

/// What a direction has counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReassemblyStats {
    /// Bytes delivered.
    pub delivered: u64,
    /// Bytes reported missing in gaps (Zeek's missed bytes).
    pub gap_bytes: u64,
    /// Bytes that came again after they had been delivered or skipped.
    pub retransmitted: u64,
    /// Segments whose bytes overlapping earlier ones differed.
    pub conflicts: u64,
    /// Bytes of holes skipped because of a cap.
    pub dropped: u64,
    /// Times a cap forced holes to be skipped.
    pub overflows: u64,
}

#[derive(Clone, Debug)]
struct Piece {
    bytes: Vec<u8>,
    frame: u64,
    ts_ns: i64,
}

/// One direction's reassembly state.
#[derive(Clone, Debug)]
pub struct Reassembler {
    limits: Limits,
    started: bool,
    /// The next expected byte: its sequence number and stream offset.
    next_seq: u32,
    next_off: u64,
    /// Bytes skipped (cut short by the snapshot length) not yet reported.
    pending_gap: u64,
    /// Pieces held out of order, by stream offset and arrival.
    held: BTreeMap<(u64, u64), Piece>,
    held_charge: u64,
    arrivals: u64,
    /// The last delivered bytes, ending at `recent_end`, for conflict
    /// checks; charged to the budget.
    recent: VecDeque<u8>,
    recent_end: u64,
    /// What `recent`'s allocation is charged to the budget: its capacity,
    /// not its length, so the budget bounds the memory really held.
    charged: u64,
    fin_at: Option<u64>,
    pub stats: ReassemblyStats,
}

impl Reassembler {
    pub fn new(limits: Limits) -> Self {
        Reassembler {
            limits,
            started: false,
            next_seq: 0,
            next_off: 0,
            pending_gap: 0,
            held: BTreeMap::new(),
            held_charge: 0,
            arrivals: 0,
            recent: VecDeque::new(),
            recent_end: 0,
            charged: 0,
            fin_at: None,
            stats: ReassemblyStats::default(),
        }
    }

    /// Bytes held out of order now (without their bookkeeping cost).
    pub fn held_bytes(&self) -> u64 {
        self.held.values().map(|p| p.bytes.len() as u64).sum()
    }

    /// Has every byte up to this direction's FIN been delivered?
    pub fn finished(&self) -> bool {
        self.fin_at.is_some_and(|f| self.next_off >= f)
    }

    /// The stream offset of sequence number `seq` (negative: before the
    /// start of the stream). Within 2^31 of the next expected byte either
    /// way, which is what TCP's windows allow.
    fn offset(&self, seq: u32) -> i64 {
        let d = i64::from(seq.wrapping_sub(self.next_seq) as i32);
        (self.next_off as i64).saturating_add(d)
    }

    /// Take one segment; deliver what is now in order to `out`.
    pub fn segment(&mut self, s: Segment<'_>, budget: &mut Budget, out: &mut impl FnMut(Chunk)) {
        let seq = s.seq.wrapping_add(u32::from(s.syn));
        if !self.started {
            self.started = true;
            self.next_seq = seq;
            self.next_off = 0;
            self.recent_end = 0;
        }
        let payload = s.payload.get(..s.len as usize).unwrap_or(s.payload);
        let off = self.offset(seq);
        if s.fin {
            let end = off.saturating_add(i64::from(s.len));
            if end >= 0 && self.fin_at.is_none() {
                self.fin_at = Some(end as u64);
            }
        }
        // Nothing captured: nothing to place (tshark ignores it too).
        if payload.is_empty() {
            return;
        }
        let next = self.next_off as i64;
        let end = off.saturating_add(i64::from(s.len));
        if end <= next {
            self.stats.retransmitted += u64::from(s.len);
            self.check(off, payload);
            return;
        }
        if off <= next {
            let skip = (next - off) as u64;
            self.stats.retransmitted += skip;
            self.check(off, payload);
            // Only what was captured beyond the next byte counts: a
            // segment with none is ignored, as when nothing was captured.
            let Some(rest) = payload.get(skip as usize..).filter(|r| !r.is_empty()) else {
                return;
            };
            let seq_len = u64::from(s.len).saturating_sub(skip);
            let origin = Origin {
                frame: s.frame,
                ts_ns: s.ts_ns,
                in_segment: Some(skip as usize),
            };
            self.deliver(rest, seq_len, origin, Why::InOrder, budget, out);
            self.drain(Why::InOrder, budget, out);
        } else {
            self.hold(off as u64, payload, (s.frame, s.ts_ns), budget, out);
        }
    }

    /// The peer acknowledged up to `ack`: retained bytes below it are
    /// released, and a hole before a held piece it acknowledges is skipped.
    pub fn ack(&mut self, ack: u32, budget: &mut Budget, out: &mut impl FnMut(Chunk)) {
        if !self.started {
            return;
        }
        let a = self.offset(ack);
        let start = self.recent_end.saturating_sub(self.recent.len() as u64) as i64;
        if a > start {
            let n = ((a - start) as u64).min(self.recent.len() as u64);
            self.recent.drain(..n as usize);
            // All acknowledged: the allocation stays (charged) for the next
            // bytes, as a live stream keeps sending: freeing it here made
            // one allocation and a regrowth per acknowledgment. It goes
            // back when the conversation ends (`flush`).
        }
        while let Some(&(lowest, _)) = self.held.keys().next() {
            if a <= lowest as i64 {
                break;
            }
            self.skip_to(lowest, Why::Acked);
            self.drain(Why::Acked, budget, out);
        }
    }

    /// The conversation is over: deliver whatever is held, holes skipped,
    /// and release everything this direction had charged to the budget.
    pub fn flush(&mut self, budget: &mut Budget, out: &mut impl FnMut(Chunk)) {
        self.skip_all(Why::End, budget, out);
        self.release_recent(budget);
    }

    /// Give `recent`'s memory back.
    fn release_recent(&mut self, budget: &mut Budget) {
        budget.give(self.charged);
        self.charged = 0;
        self.recent = VecDeque::new();
    }

    /// Hold a piece that starts beyond the next expected byte; when a cap
    /// is passed, skip every hole instead of waiting.
    fn hold(
        &mut self,
        off: u64,
        payload: &[u8],
        frame: (u64, i64),
        budget: &mut Budget,
        out: &mut impl FnMut(Chunk),
    ) {
        let cost = payload.len() as u64 + PIECE_COST;
        let fits = self.held_charge.saturating_add(cost) <= self.limits.max_held;
        if fits && budget.take(cost) {
            self.held_charge += cost;
            self.arrivals += 1;
            let piece = Piece {
                bytes: payload.to_vec(),
                frame: frame.0,
                ts_ns: frame.1,
            };
            self.held.insert((off, self.arrivals), piece);
            return;
        }
        // Over a cap: deliver what is held, then this piece, holes skipped.
        self.stats.overflows += 1;
        self.skip_all(Why::Overflow, budget, out);
        self.skip_to(off, Why::Overflow);
        // A held piece may have reached into this one.
        let skip = self.next_off - off;
        self.check(off as i64, payload);
        self.stats.retransmitted += skip.min(payload.len() as u64);
        if let Some(rest) = payload.get(skip as usize..).filter(|r| !r.is_empty()) {
            let origin = Origin {
                frame: frame.0,
                ts_ns: frame.1,
                in_segment: Some(skip as usize),
            };
            self.deliver(rest, rest.len() as u64, origin, Why::Overflow, budget, out);
        }
    }

    /// Deliver every held piece, skipping the holes between them.
    fn skip_all(&mut self, why: Why, budget: &mut Budget, out: &mut impl FnMut(Chunk)) {
        while let Some(&(lowest, _)) = self.held.keys().next() {
            self.skip_to(lowest, why);
            self.drain(why, budget, out);
        }
    }

    /// Move the next expected byte forward to `off`, the hole reported as
    /// the next chunk's gap.
    fn skip_to(&mut self, off: u64, why: Why) {
        let gap = off.saturating_sub(self.next_off);
        if gap == 0 {
            return;
        }
        self.note_gap(gap, why);
        self.next_off = off;
        // A hole is less than 2^31 (offsets come from 32-bit distances).
        self.next_seq = self
            .next_seq
            .wrapping_add((gap & u64::from(u32::MAX)) as u32);
    }

    fn note_gap(&mut self, gap: u64, why: Why) {
        self.pending_gap = self.pending_gap.saturating_add(gap);
        self.stats.gap_bytes = self.stats.gap_bytes.saturating_add(gap);
        if why == Why::Overflow {
            self.stats.dropped = self.stats.dropped.saturating_add(gap);
        }
    }

    /// Deliver held pieces while one starts at or before the next byte.
    fn drain(&mut self, why: Why, budget: &mut Budget, out: &mut impl FnMut(Chunk)) {
        loop {
            // Among the pieces that start at or before the next byte, the
            // one that came first (tshark's order).
            let best = self
                .held
                .range(..=(self.next_off, u64::MAX))
                .map(|(k, _)| *k)
                .min_by_key(|&(_, arrival)| arrival);
            let Some(k) = best else { return };
            let Some(p) = self.held.remove(&k) else {
                return;
            };
            let cost = p.bytes.len() as u64 + PIECE_COST;
            self.held_charge = self.held_charge.saturating_sub(cost);
            budget.give(cost);
            let (off, _) = k;
            let len = p.bytes.len() as u64;
            let skip = self.next_off - off;
            self.check(off as i64, &p.bytes);
            if skip >= len {
                self.stats.retransmitted += len;
                continue;
            }
            self.stats.retransmitted += skip;
            let rest = p.bytes.get(skip as usize..).unwrap_or(&[]);
            let origin = Origin {
                frame: p.frame,
                ts_ns: p.ts_ns,
                in_segment: None,
            };
            self.deliver(rest, len - skip, origin, why, budget, out);
        }
    }

    /// Hand `bytes` (covering `seq_len` sequence numbers: more when the
    /// capture cut the segment short) to `out` as the next bytes.
    fn deliver(
        &mut self,
        bytes: &[u8],
        seq_len: u64,
        origin: Origin,
        why: Why,
        budget: &mut Budget,
        out: &mut impl FnMut(Chunk),
    ) {
        let at = self.next_off;
        if !bytes.is_empty() {
            out(Chunk {
                bytes,
                gap_before: self.pending_gap.min(u64::from(u32::MAX)) as u32,
                why,
                frame: origin.frame,
                ts_ns: origin.ts_ns,
                in_segment: origin.in_segment,
            });
            self.pending_gap = 0;
            self.stats.delivered += bytes.len() as u64;
            self.retain(at, bytes, budget);
        }
        let cut = seq_len.saturating_sub(bytes.len() as u64);
        if cut > 0 {
            self.pending_gap = self.pending_gap.saturating_add(cut);
            self.stats.gap_bytes = self.stats.gap_bytes.saturating_add(cut);
        }
        self.next_off = at.saturating_add(seq_len);
        self.next_seq = self
            .next_seq
            .wrapping_add((seq_len & u64::from(u32::MAX)) as u32);
    }

    /// Keep the tail of what was delivered, to compare retransmissions with.
    fn retain(&mut self, at: u64, bytes: &[u8], budget: &mut Budget) {
        if self.limits.retain == 0 {
            return;
        }
        if at != self.recent_end {
            // Not contiguous with what is kept: start again.
            self.recent.clear();
        }
        let keep = bytes.len().min(self.limits.retain as usize);
        let tail = bytes.get(bytes.len() - keep..).unwrap_or(&[]);
        let over = (self.recent.len() + keep).saturating_sub(self.limits.retain as usize);
        self.recent.drain(..over.min(self.recent.len()));
        self.recent.extend(tail);
        let cap = self.recent.capacity() as u64;
        if cap > self.charged {
            if budget.take_for_retain(cap - self.charged) {
                self.charged = cap;
            } else {
                // No room: stop checking this direction until there is.
                self.release_recent(budget);
            }
        }
        self.recent_end = at.saturating_add(bytes.len() as u64);
    }

    /// Compare bytes at stream offset `off` with what was delivered there,
    /// as far as it is retained; count a conflict where they differ.
    fn check(&mut self, off: i64, bytes: &[u8]) {
        let start = self.recent_end.saturating_sub(self.recent.len() as u64) as i64;
        let end = self.recent_end as i64;
        let from = off.max(start);
        let to = off.saturating_add(bytes.len() as i64).min(end);
        if from >= to {
            return;
        }
        let differs = (from..to).any(|o| {
            let mine = bytes.get((o - off) as usize);
            let kept = self.recent.get((o - start) as usize);
            mine != kept
        });
        if differs {
            self.stats.conflicts += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collected chunks: (bytes, gap_before, why).
    type Got = Vec<(Vec<u8>, u32, Why)>;

    struct Rig {
        r: Reassembler,
        budget: Budget,
        got: Got,
    }

    impl Rig {
        fn new() -> Rig {
            Rig::with(Limits::default())
        }

        fn with(l: Limits) -> Rig {
            Rig {
                r: Reassembler::new(l),
                budget: Budget::new(l.budget),
                got: Vec::new(),
            }
        }

        fn seg(&mut self, seq: u32, data: &[u8]) {
            self.seg_full(seq, false, data.len() as u32, data);
        }

        fn seg_full(&mut self, seq: u32, syn: bool, len: u32, data: &[u8]) {
            let got = &mut self.got;
            let s = Segment {
                seq,
                syn,
                fin: false,
                len,
                payload: data,
                frame: 0,
                ts_ns: 0,
            };
            self.r.segment(s, &mut self.budget, &mut |c: Chunk| {
                got.push((c.bytes.to_vec(), c.gap_before, c.why))
            });
        }

        fn ack(&mut self, ack: u32) {
            let got = &mut self.got;
            self.r.ack(ack, &mut self.budget, &mut |c: Chunk| {
                got.push((c.bytes.to_vec(), c.gap_before, c.why))
            });
        }

        fn flush(&mut self) {
            let got = &mut self.got;
            self.r.flush(&mut self.budget, &mut |c: Chunk| {
                got.push((c.bytes.to_vec(), c.gap_before, c.why))
            });
        }

        fn text(&self) -> Vec<(String, u32)> {
            self.got
                .iter()
                .map(|(b, g, _)| (String::from_utf8_lossy(b).into_owned(), *g))
                .collect()
        }
    }

    fn t(s: &str, g: u32) -> (String, u32) {
        (s.to_owned(), g)
    }

    #[test]
    fn in_order_after_syn() {
        let mut r = Rig::new();
        r.seg_full(1000, true, 0, &[]);
        r.seg(1001, b"hello ");
        r.seg(1007, b"world");
        assert_eq!(r.text(), vec![t("hello ", 0), t("world", 0)]);
        assert_eq!(r.r.stats.delivered, 11);
        // The retained bytes are charged by the memory they take.
        let used = r.budget.used();
        assert!((11..=64).contains(&used), "retained bytes charged: {used}");
    }

    #[test]
    fn out_of_order_waits_for_the_hole() {
        let mut r = Rig::new();
        r.seg(100, b"aa");
        r.seg(104, b"cc");
        r.seg(106, b"dd");
        assert_eq!(r.text(), vec![t("aa", 0)]);
        assert!(r.r.held_bytes() == 4);
        r.seg(102, b"bb");
        assert_eq!(
            r.text(),
            vec![t("aa", 0), t("bb", 0), t("cc", 0), t("dd", 0)]
        );
        assert_eq!(r.r.held_bytes(), 0);
        r.flush();
        assert_eq!(r.budget.used(), 0, "everything released");
    }

    #[test]
    fn retransmission_is_not_delivered_again() {
        let mut r = Rig::new();
        r.seg(1, b"abcdef");
        r.seg(1, b"abcdef");
        r.seg(4, b"defghi");
        assert_eq!(r.text(), vec![t("abcdef", 0), t("ghi", 0)]);
        assert_eq!(r.r.stats.retransmitted, 9);
        assert_eq!(r.r.stats.conflicts, 0);
    }

    #[test]
    fn overlap_with_different_bytes_is_a_conflict_first_copy_wins() {
        let mut r = Rig::new();
        r.seg(1, b"abcdef");
        r.seg(4, b"XYZghi");
        assert_eq!(r.text(), vec![t("abcdef", 0), t("ghi", 0)]);
        assert_eq!(r.r.stats.conflicts, 1);
        // Held pieces: the later copy is trimmed against the delivered one.
        let mut r = Rig::new();
        r.seg(1, b"a");
        r.seg(5, b"5678");
        r.seg(5, b"XXXX9");
        r.seg(2, b"234");
        assert_eq!(
            r.text(),
            vec![t("a", 0), t("234", 0), t("5678", 0), t("9", 0)]
        );
        assert_eq!(r.r.stats.conflicts, 1);
    }

    #[test]
    fn sequence_numbers_wrap() {
        let mut r = Rig::new();
        r.seg(u32::MAX - 2, b"abc");
        r.seg(3, b"ghi"); // beyond the wrap, out of order
        r.seg(0, b"def");
        assert_eq!(r.text(), vec![t("abc", 0), t("def", 0), t("ghi", 0)]);
        r.seg(u32::MAX - 1, b"bcdefg"); // retransmission across the wrap
        r.seg(6, b"j");
        assert_eq!(r.text().last(), Some(&t("j", 0)));
        assert_eq!(r.r.stats.retransmitted, 6);
        // SYN at the very top of the space.
        let mut r = Rig::new();
        r.seg_full(u32::MAX, true, 0, &[]);
        r.seg(0, b"x");
        assert_eq!(r.text(), vec![t("x", 0)]);
    }

    #[test]
    fn hole_never_filled_is_flushed_with_its_gap() {
        let mut r = Rig::new();
        r.seg(10, b"aaaa");
        r.seg(20, b"bb");
        r.seg(30, b"cc");
        r.seg(22, b"bb");
        assert_eq!(r.text(), vec![t("aaaa", 0)]);
        r.flush();
        assert_eq!(
            r.text(),
            vec![t("aaaa", 0), t("bb", 6), t("bb", 0), t("cc", 6)]
        );
        assert!(r.got[1..].iter().all(|c| c.2 == Why::End));
        assert_eq!(r.r.stats.gap_bytes, 12);
        assert_eq!(r.budget.used(), 0);
    }

    #[test]
    fn ack_past_a_held_piece_skips_the_hole() {
        let mut r = Rig::new();
        r.seg(1, b"aa");
        r.seg(5, b"cc");
        r.ack(4); // not past the held piece's start: still waiting
        assert_eq!(r.got.len(), 1);
        r.ack(6);
        assert_eq!(r.text(), vec![t("aa", 0), t("cc", 2)]);
        assert_eq!(r.got[1].2, Why::Acked);
        r.seg(3, b"bb"); // too late
        r.seg(7, b"dd");
        assert_eq!(r.text().last(), Some(&t("dd", 0)));
    }

    #[test]
    fn truncated_segments() {
        let mut r = Rig::new();
        r.seg_full(1, false, 10, b"abcd"); // cut short: 6 bytes not captured
        r.seg(11, b"k");
        assert_eq!(r.text(), vec![t("abcd", 0), t("k", 6)]);
        // Nothing captured: ignored, so what follows waits as out of order.
        let mut r = Rig::new();
        r.seg(1, b"a");
        r.seg_full(2, false, 3, &[]);
        r.seg(5, b"e");
        assert_eq!(r.text(), vec![t("a", 0)]);
        r.ack(6);
        assert_eq!(r.text(), vec![t("a", 0), t("e", 3)]);
    }

    #[test]
    fn per_direction_cap_skips_holes_and_counts() {
        let l = Limits {
            max_held: 1200,
            retain: 0,
            budget: 1 << 20,
        };
        let mut r = Rig::with(l);
        r.seg(0, b"x");
        r.seg(101, &[b'a'; 300]);
        r.seg(501, &[b'b'; 300]);
        assert_eq!(r.got.len(), 1);
        r.seg(901, &[b'c'; 300]); // 3 pieces and their cost pass 1200
        let gaps: Vec<(usize, u32, Why)> = r.got.iter().map(|c| (c.0.len(), c.1, c.2)).collect();
        assert_eq!(
            gaps,
            vec![
                (1, 0, Why::InOrder),
                (300, 100, Why::Overflow),
                (300, 100, Why::Overflow),
                (300, 100, Why::Overflow)
            ]
        );
        assert_eq!(r.r.stats.dropped, 300);
        assert_eq!(r.r.stats.overflows, 1);
        assert_eq!(r.budget.used(), 0);
    }

    #[test]
    fn global_budget_is_shared() {
        let l = Limits {
            max_held: 1 << 20,
            retain: 0,
            budget: 2000,
        };
        let mut budget = Budget::new(l.budget);
        let mut a = Reassembler::new(l);
        let mut b = Reassembler::new(l);
        let mut n = 0;
        let mut out = |_: Chunk| n += 1;
        for r in [&mut a, &mut b] {
            r.segment(seg(0, b"x"), &mut budget, &mut out);
            r.segment(seg(100, &[0; 700]), &mut budget, &mut out);
        }
        assert_eq!(budget.used(), 2 * (700 + PIECE_COST));
        // The third piece does not fit the budget: b skips its holes.
        b.segment(seg(1000, &[0; 700]), &mut budget, &mut out);
        assert_eq!(b.stats.overflows, 1);
        assert_eq!(budget.used(), 700 + PIECE_COST);
        a.flush(&mut budget, &mut out);
        assert_eq!(budget.used(), 0);
        assert_eq!(n, 2 + 2 + 1);
    }

    fn seg(seq: u32, payload: &[u8]) -> Segment<'_> {
        Segment {
            seq,
            syn: false,
            fin: false,
            len: payload.len() as u32,
            payload,
            frame: 0,
            ts_ns: 0,
        }
    }

    #[test]
    fn hostile_flood_of_tiny_out_of_order_segments_stays_within_the_cap() {
        let l = Limits::default();
        let mut budget = Budget::new(l.budget);
        let mut r = Reassembler::new(l);
        let mut delivered = 0u64;
        let mut peak = 0u64;
        let mut out = |c: Chunk| delivered += c.bytes.len() as u64;
        r.segment(seg(0, b"s"), &mut budget, &mut out);
        // 100k one-byte segments, every other byte missing, backwards.
        for i in (0..100_000u32).rev() {
            let one = [i as u8];
            r.segment(seg(2 + 2 * i, &one), &mut budget, &mut out);
            peak = peak.max(budget.used());
        }
        assert!(peak <= l.max_held + l.retain, "peak {peak}");
        assert!(r.stats.overflows > 0);
        assert!(r.stats.dropped > 0);
        r.flush(&mut budget, &mut out);
        assert_eq!(budget.used(), 0);
        // Every byte is either delivered or accounted for as retransmitted
        // (it came after its place had been skipped).
        assert_eq!(delivered + r.stats.retransmitted, 100_001);
    }

    #[test]
    fn fin_marks_the_end() {
        let mut r = Rig::new();
        r.seg(1, b"ab");
        let s = Segment {
            seq: 3,
            syn: false,
            fin: true,
            len: 1,
            payload: b"c",
            frame: 0,
            ts_ns: 0,
        };
        r.r.segment(s, &mut r.budget, &mut |_| {});
        assert!(r.r.finished());
    }
}
