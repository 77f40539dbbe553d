//! A hash map with a cap on its number of keys, whose contents do not depend
//! on the order in which keys arrive or on how the packets were split
//! between workers.
//!
//! Below the cap it is a plain map. At the cap it keeps the `cap` keys of
//! lowest *priority* (a hash of the key under a fixed seed, then the key
//! itself): a new key of lower priority than the highest kept one takes its
//! place, and the counts of the key pushed out, like those of every key
//! refused, go to the `other` counters. A key once refused is refused for
//! good (the threshold only falls), so the keys kept at the end are exactly
//! the `cap` lowest of all keys seen, with all their packets, whatever the
//! order; merging two tables gives the same. Priorities are computed only
//! for keys that meet a full table, never on the common path.

use foldhash::fast::{FixedState, RandomState};
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasher, Hash};

/// What a kept value can give up to the `other` counters.
pub trait Counted {
    /// Frames and bytes this value holds.
    fn counts(&self) -> (u64, u64);
    /// Fold another value for the same key into this one.
    fn merge(&mut self, other: &Self);
}

/// Frames and bytes of the keys a full table did not keep.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Other {
    pub frames: u64,
    pub bytes: u64,
}

impl Other {
    fn add(&mut self, frames: u64, bytes: u64) {
        self.frames = self.frames.saturating_add(frames);
        self.bytes = self.bytes.saturating_add(bytes);
    }
}

/// The seed of the eviction priority: fixed, so every worker ranks keys alike.
const PRIORITY_SEED: u64 = 0x5157_4946_5453_5441;

#[derive(Clone)]
pub struct Table<K, V> {
    map: HashMap<K, V, RandomState>,
    cap: usize,
    /// Built when the table first fills: the kept keys by priority, highest
    /// on top.
    heap: Option<BinaryHeap<(u64, K)>>,
    pub other: Other,
}

impl<K: Copy + Eq + Hash + Ord, V: Counted> Table<K, V> {
    pub fn new(cap: usize) -> Self {
        Table {
            map: HashMap::with_hasher(RandomState::default()),
            cap: cap.max(1),
            heap: None,
            other: Other::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.map.iter()
    }

    /// The kept keys and values, consuming the table.
    pub fn into_entries(self) -> impl Iterator<Item = (K, V)> {
        self.map.into_iter()
    }

    /// The value of `key`, made by `make` if the key is new and the table
    /// takes it; `None` if the table is full and the key ranks too high (the
    /// caller then counts the packet in [`Table::other`]).
    #[inline]
    pub fn get_or_insert(&mut self, key: K, make: impl FnOnce() -> V) -> Option<&mut V> {
        // Below the cap (the common case) this is one look-up.
        if self.map.len() < self.cap || self.map.contains_key(&key) {
            return Some(self.map.entry(key).or_insert_with(make));
        }
        if !self.admit(key) {
            return None;
        }
        self.map.get_mut(&key).map(|v| {
            *v = make();
            v
        })
    }

    /// The value of `key`, made by `make` if the key is new and the table
    /// has room; `None` when it is full (nothing is evicted).
    #[inline]
    pub fn get_or_insert_no_evict(&mut self, key: K, make: impl FnOnce() -> V) -> Option<&mut V> {
        if self.map.len() < self.cap || self.map.contains_key(&key) {
            return Some(self.map.entry(key).or_insert_with(make));
        }
        None
    }

    /// Fold `other` into this table: the same keys kept, the same counts, as
    /// if one table had seen both tables' packets.
    pub fn merge(&mut self, other: Table<K, V>) {
        self.other.add(other.other.frames, other.other.bytes);
        for (k, v) in other.map {
            let full = self.map.len() >= self.cap;
            match self.map.entry(k) {
                Entry::Occupied(mut o) => {
                    o.get_mut().merge(&v);
                    continue;
                }
                Entry::Vacant(e) if !full => {
                    e.insert(v);
                    continue;
                }
                Entry::Vacant(_) => {}
            }
            if self.admit(k) {
                self.map.insert(k, v);
            } else {
                let (f, b) = v.counts();
                self.other.add(f, b);
            }
        }
        // A table that filled while merging ranks what it holds now.
        if self.map.len() >= self.cap && self.heap.is_none() {
            self.build_heap();
        }
    }

    fn priority(key: &K) -> u64 {
        FixedState::with_seed(PRIORITY_SEED).hash_one(key)
    }

    fn build_heap(&mut self) {
        self.heap = Some(self.map.keys().map(|k| (Self::priority(k), *k)).collect());
    }

    /// The table is full and `key` is not in it: make room for `key` if it
    /// ranks below the highest kept key (whose counts go to `other`), and
    /// hold its place with a placeholder the caller overwrites. False if
    /// `key` is refused.
    fn admit(&mut self, key: K) -> bool {
        if self.heap.is_none() {
            self.build_heap();
        }
        let Some(heap) = self.heap.as_mut() else {
            return false;
        };
        let p = (Self::priority(&key), key);
        match heap.peek() {
            Some(top) if p < *top => {}
            _ => return false,
        }
        let Some((_, out)) = heap.pop() else {
            return false;
        };
        heap.push(p);
        if let Some(v) = self.map.remove(&out) {
            let (f, b) = v.counts();
            self.other.add(f, b);
            // Reuse the evicted value's allocation-free slot as the
            // placeholder for the new key.
            self.map.insert(key, v);
        }
        true
    }
}
