//! IPv4 and IPv6 fragment reassembly, bounded.
//!
//! Fragments are keyed like RFC 791 / RFC 8200 say (addresses, protocol and
//! identification). Each datagram in progress keeps the bytes seen so far and
//! the ranges they cover; it completes when the ranges cover everything up to
//! the end given by the last fragment. The first bytes to arrive win an
//! overlap (as BSD and Windows stacks do); an overlap whose bytes differ is
//! reported. The table holds at most `max_datagrams` datagrams and
//! `max_bytes` bytes, drops a datagram not completed within `timeout` of
//! capture time, and counts everything it throws away.

use std::collections::{HashMap, VecDeque};

/// The limits of the table.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Datagrams in progress at once.
    pub max_datagrams: usize,
    /// Bytes held over all datagrams in progress.
    pub max_bytes: usize,
    /// Capture-time seconds a datagram may take to complete.
    pub timeout_secs: i64,
    /// Fragments one datagram may have; a datagram sent in more pieces is
    /// dropped (a real one needs at most 45 at the minimum IPv4 MTU of 68).
    pub max_fragments: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_datagrams: 4096,
            max_bytes: 64 << 20,
            timeout_secs: 60,
            max_fragments: 1024,
        }
    }
}

/// What identifies the fragments of one datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    V4 {
        src: [u8; 4],
        dst: [u8; 4],
        proto: u8,
        id: u16,
    },
    V6 {
        src: [u8; 16],
        dst: [u8; 16],
        id: u32,
    },
}

/// One fragment as the dissector found it.
#[derive(Clone, Copy, Debug)]
pub struct Fragment<'a> {
    pub key: Key,
    /// Byte offset of `data` in the datagram's payload.
    pub offset: usize,
    /// More fragments follow (MF / M flag).
    pub more: bool,
    /// The fragment's payload bytes as captured.
    pub data: &'a [u8],
    /// The payload length the IP header announced (more than `data` when the
    /// capture cut the frame: such a fragment can never complete a datagram).
    pub wire_len: usize,
    /// The upper-layer protocol of the datagram.
    pub proto: u8,
}

/// What adding a fragment did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Stored; the datagram is not complete yet.
    Pending,
    /// The datagram is complete: read it with [`Defrag::completed`].
    Complete { proto: u8, frames: u32 },
    /// Not stored (a table limit, a fragment past 64 KiB, or one cut by the
    /// snap length).
    Dropped,
}

/// Counters of what the table did, for statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub fragments: u64,
    pub completed: u64,
    /// Datagrams thrown away because the table was full.
    pub evicted: u64,
    /// Datagrams thrown away because they did not complete in time.
    pub timed_out: u64,
    /// Fragments that overlapped bytes already held.
    pub overlaps: u64,
    /// ... of which the bytes differed.
    pub conflicts: u64,
    /// Fragments not stored at all.
    pub dropped: u64,
}

struct Pending {
    data: Vec<u8>,
    /// Covered byte ranges, sorted and merged.
    have: Vec<(usize, usize)>,
    /// The datagram's payload length, once the last fragment is seen.
    end: Option<usize>,
    first_ts: i64,
    generation: u64,
    frames: u32,
    proto: u8,
}

/// The fragment table.
pub struct Defrag {
    limits: Limits,
    table: HashMap<Key, Pending>,
    /// Keys in order of first fragment, with the generation they were
    /// inserted with (a re-used key has a newer one), for age-based eviction.
    order: VecDeque<(Key, u64)>,
    generation: u64,
    held: usize,
    done: Vec<u8>,
    pub stats: Stats,
}

/// Largest IPv4/IPv6 (non-jumbo) payload.
const MAX_DATAGRAM: usize = 65_535;

impl Defrag {
    pub fn new(limits: Limits) -> Self {
        Defrag {
            limits,
            table: HashMap::new(),
            order: VecDeque::new(),
            generation: 0,
            held: 0,
            done: Vec::new(),
            stats: Stats::default(),
        }
    }

    /// The datagram completed by the last `add` that returned `Complete`.
    pub fn completed(&self) -> &[u8] {
        &self.done
    }

    /// Datagrams in progress.
    pub fn in_progress(&self) -> usize {
        self.table.len()
    }

    /// Add a fragment seen at capture time `ts_secs`. Returns whether it
    /// completed its datagram, and whether its bytes conflicted with bytes
    /// already held.
    pub fn add(&mut self, f: &Fragment, ts_secs: i64) -> (Outcome, bool) {
        self.stats.fragments += 1;
        self.expire(ts_secs);
        let end = f.offset.saturating_add(f.wire_len);
        if f.data.len() < f.wire_len || end > MAX_DATAGRAM {
            self.stats.dropped += 1;
            return (Outcome::Dropped, false);
        }
        if !self.table.contains_key(&f.key) {
            while self.table.len() >= self.limits.max_datagrams.max(1) {
                if !self.evict_oldest() {
                    break;
                }
            }
            self.generation += 1;
            self.order.push_back((f.key, self.generation));
            self.table.insert(
                f.key,
                Pending {
                    data: Vec::new(),
                    have: Vec::new(),
                    end: None,
                    first_ts: ts_secs,
                    generation: self.generation,
                    frames: 0,
                    proto: f.proto,
                },
            );
        }
        // Make room under the byte limit by evicting other, older datagrams.
        while self.held.saturating_add(f.wire_len) > self.limits.max_bytes {
            let oldest_is_self = self.order.front().is_some_and(|(k, _)| *k == f.key);
            if oldest_is_self || !self.evict_oldest() {
                self.stats.dropped += 1;
                return (Outcome::Dropped, false);
            }
        }
        let Some(p) = self.table.get_mut(&f.key) else {
            self.stats.dropped += 1;
            return (Outcome::Dropped, false);
        };
        p.frames = p.frames.saturating_add(1);
        if p.frames > self.limits.max_fragments {
            // Too many pieces: give the whole datagram up rather than let
            // its coverage list grow.
            self.remove(&f.key);
            self.stats.dropped += 1;
            return (Outcome::Dropped, false);
        }
        if !f.more {
            p.end = Some(end);
        }
        if p.data.len() < end {
            self.held += end - p.data.len();
            p.data.resize(end, 0);
        }
        let conflict = merge(
            p,
            f.offset,
            f.data.get(..f.wire_len).unwrap_or(f.data),
            &mut self.stats,
        );
        let complete = p
            .end
            .is_some_and(|e| p.have.first() == Some(&(0, e)) || (e == 0 && !f.more));
        if !complete {
            return (Outcome::Pending, conflict);
        }
        let Some(mut p) = self.table.remove(&f.key) else {
            return (Outcome::Pending, conflict);
        };
        self.held = self.held.saturating_sub(p.data.len());
        p.data.truncate(p.end.unwrap_or(0));
        std::mem::swap(&mut self.done, &mut p.data);
        self.stats.completed += 1;
        (
            Outcome::Complete {
                proto: p.proto,
                frames: p.frames,
            },
            conflict,
        )
    }

    /// Drop datagrams that have waited longer than the timeout.
    fn expire(&mut self, now: i64) {
        while let Some(&(k, generation)) = self.order.front() {
            match self.table.get(&k) {
                Some(p) if p.generation == generation => {
                    if now.saturating_sub(p.first_ts) <= self.limits.timeout_secs {
                        return;
                    }
                    self.remove(&k);
                    self.stats.timed_out += 1;
                }
                // Completed or replaced since: a stale entry of the queue.
                _ => {}
            }
            self.order.pop_front();
        }
    }

    /// Evict the oldest datagram; false when there is none.
    fn evict_oldest(&mut self) -> bool {
        while let Some((k, generation)) = self.order.pop_front() {
            if self
                .table
                .get(&k)
                .is_some_and(|p| p.generation == generation)
            {
                self.remove(&k);
                self.stats.evicted += 1;
                return true;
            }
        }
        false
    }

    fn remove(&mut self, k: &Key) {
        if let Some(p) = self.table.remove(k) {
            self.held = self.held.saturating_sub(p.data.len());
        }
    }
}

/// Copy `bytes` at `offset` into `p` where no bytes are held yet, record the
/// new coverage, and say whether an overlap disagreed with what was held.
fn merge(p: &mut Pending, offset: usize, bytes: &[u8], stats: &mut Stats) -> bool {
    let (start, end) = (offset, offset + bytes.len());
    if start == end {
        // Covers nothing (a last fragment with no data only sets the end).
        return false;
    }
    let mut conflict = false;
    let mut overlapped = false;
    let mut cursor = start;
    // Fill the gaps between held ranges, compare the overlapping parts.
    for &(hs, he) in p.have.iter().filter(|&&(hs, he)| he > start && hs < end) {
        let (os, oe) = (hs.max(start), he.min(end));
        overlapped = true;
        if p.data.get(os..oe) != bytes.get(os - start..oe - start) {
            conflict = true;
        }
        copy(&mut p.data, cursor, os, bytes, start);
        cursor = oe.max(cursor);
    }
    copy(&mut p.data, cursor, end, bytes, start);
    if overlapped {
        stats.overlaps += 1;
    }
    if conflict {
        stats.conflicts += 1;
    }
    crate::ranges::add(&mut p.have, (start, end));
    conflict
}

/// `data[from..to] = bytes[from - base .. to - base]` where `from < to`.
fn copy(data: &mut [u8], from: usize, to: usize, bytes: &[u8], base: usize) {
    if from < to {
        if let (Some(dst), Some(src)) = (data.get_mut(from..to), bytes.get(from - base..to - base))
        {
            dst.copy_from_slice(src);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: u16) -> Key {
        Key::V4 {
            src: [10, 0, 0, 1],
            dst: [10, 0, 0, 2],
            proto: 17,
            id,
        }
    }

    fn frag(id: u16, offset: usize, more: bool, data: &[u8]) -> Fragment<'_> {
        Fragment {
            key: key(id),
            offset,
            more,
            data,
            wire_len: data.len(),
            proto: 17,
        }
    }

    #[test]
    fn in_order_and_reversed_complete() {
        let whole: Vec<u8> = (0..=255).collect();
        for reversed in [false, true] {
            let mut d = Defrag::new(Limits::default());
            let parts = [
                frag(1, 0, true, &whole[..96]),
                frag(1, 96, true, &whole[96..200]),
                frag(1, 200, false, &whole[200..]),
            ];
            let order: Vec<_> = if reversed {
                parts.iter().rev().collect()
            } else {
                parts.iter().collect()
            };
            let mut last = Outcome::Pending;
            for f in order {
                last = d.add(f, 0).0;
            }
            assert_eq!(
                last,
                Outcome::Complete {
                    proto: 17,
                    frames: 3
                }
            );
            assert_eq!(d.completed(), &whole[..]);
            assert_eq!(d.in_progress(), 0);
        }
    }

    #[test]
    fn first_bytes_win_overlaps_and_conflicts_are_reported() {
        let mut d = Defrag::new(Limits::default());
        assert_eq!(
            d.add(&frag(2, 0, true, &[1; 16]), 0),
            (Outcome::Pending, false)
        );
        // Overlaps 8..16 with different bytes.
        let (o, conflict) = d.add(&frag(2, 8, false, &[2; 16]), 0);
        assert!(conflict);
        assert_eq!(
            o,
            Outcome::Complete {
                proto: 17,
                frames: 2
            }
        );
        let mut want = vec![1u8; 16];
        want.extend_from_slice(&[2; 8]);
        assert_eq!(d.completed(), &want[..]);
        assert_eq!((d.stats.overlaps, d.stats.conflicts), (1, 1));
    }

    #[test]
    fn a_fragment_that_never_completes_times_out() {
        let mut d = Defrag::new(Limits {
            timeout_secs: 30,
            ..Limits::default()
        });
        d.add(&frag(3, 0, true, &[0; 8]), 100);
        assert_eq!(d.in_progress(), 1);
        d.add(&frag(4, 0, true, &[0; 8]), 200);
        assert_eq!(d.in_progress(), 1);
        assert_eq!(d.stats.timed_out, 1);
    }

    #[test]
    fn table_and_bytes_are_capped() {
        let mut d = Defrag::new(Limits {
            max_datagrams: 10,
            max_bytes: 1000,
            ..Limits::default()
        });
        for id in 0..1000u16 {
            d.add(&frag(id, 0, true, &[7; 64]), 0);
            assert!(d.in_progress() <= 10);
            assert!(d.held <= 1000);
        }
        assert!(d.stats.evicted >= 990 - 10);
    }

    #[test]
    fn a_flood_of_tiny_fragments_stays_bounded() {
        let mut d = Defrag::new(Limits {
            max_fragments: 100,
            ..Limits::default()
        });
        // Empty fragments cover nothing; one-byte ones at distinct offsets
        // would grow the coverage list, until the datagram is given up.
        for i in 0..5000usize {
            d.add(&frag(7, i * 8, true, &[]), 0);
            d.add(&frag(8, i * 8, true, &[1]), 0);
        }
        assert!(d.table.values().all(|p| p.have.len() <= 100));
        assert!(d.stats.dropped > 0);
    }

    #[test]
    fn oversized_and_cut_fragments_are_dropped() {
        let mut d = Defrag::new(Limits::default());
        assert_eq!(
            d.add(&frag(5, 65_530, false, &[0; 16]), 0).0,
            Outcome::Dropped
        );
        let cut = Fragment {
            wire_len: 100,
            ..frag(6, 0, true, &[0; 50])
        };
        assert_eq!(d.add(&cut, 0).0, Outcome::Dropped);
        assert_eq!(d.stats.dropped, 2);
    }
}
