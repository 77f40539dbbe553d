//! A bounded table of conversations, least recently seen first: lookups by
//! key, eviction of the oldest when full, expiry of the idle. Everything it
//! evicts or expires is handed back so it can be counted and logged.
//!
//! "Least recently seen" is by capture time, not by the order of touches,
//! so that what expires at a frame is every entry last seen before a time
//! and nothing else — whichever other entries share the table (a capture
//! analysed on several cores splits them between tables).
//!
//! Each entry is filed by a time: in a list in filing order, which is time
//! order while capture time moves forward (O(1)), or, filed at a time
//! before the list's newest, in a heap by time (O(log n), only while times
//! go backwards). A packet only moves its entry's time forward and leaves
//! it where it is filed: moving it would write to its neighbours in the
//! list, which are cold in the cache, at every packet. The filed time is
//! so a bound below the entry's own, and an entry found at the front filed
//! too early is filed again at its time; the first found at its own time
//! is the oldest.

use super::key::FlowKey;
use std::collections::HashMap;

/// Fast, non-cryptographic hashing of fixed-size keys. Keys are packet
/// addresses an attacker may choose, but the table is bounded and a bad
/// spread costs speed only.
type Hasher = foldhash::fast::FixedState;

const NIL: u32 = u32::MAX;

struct Slot<V> {
    key: FlowKey,
    value: Option<V>,
    /// Capture time of the last packet, nanoseconds.
    last_ns: i64,
    /// The time it is filed under in the list or the heap: `last_ns` or
    /// earlier.
    filed_ns: i64,
    prev: u32,
    next: u32,
    /// Position in the heap of late entries; `NIL` while in the list.
    heap: u32,
}

/// Conversations by key, at most `cap` of them.
pub struct Table<V> {
    map: HashMap<FlowKey, u32, Hasher>,
    slots: Vec<Slot<V>>,
    free: Vec<u32>,
    /// Least recently seen.
    head: u32,
    /// Most recently seen.
    tail: u32,
    /// Entries seen at a time before the list's tail: a min-heap by time.
    late: Vec<u32>,
    /// No entry was last seen before this time (a bound, exact after each
    /// look): most frames, nothing is idle, and the oldest entry, which
    /// is cold in the cache, need not be read to know it.
    earliest_ns: i64,
    cap: usize,
}

/// An entry taken out of the table.
pub struct Taken<V> {
    pub key: FlowKey,
    pub value: V,
    /// The slot it held (free now: a later entry may take it).
    pub slot: u32,
}

impl<V> Table<V> {
    pub fn new(cap: usize) -> Self {
        Table {
            map: HashMap::default(),
            slots: Vec::new(),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
            late: Vec::new(),
            earliest_ns: i64::MAX,
            cap: cap.max(1),
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The slot of `key`, if present.
    pub fn find(&self, key: &FlowKey) -> Option<u32> {
        self.map.get(key).copied()
    }

    pub fn get_mut(&mut self, slot: u32) -> Option<&mut V> {
        self.slots.get_mut(slot as usize)?.value.as_mut()
    }

    pub fn get(&self, slot: u32) -> Option<&V> {
        self.slots.get(slot as usize)?.value.as_ref()
    }

    /// The entry at `slot` if it is `key`'s (a slot freed and taken again
    /// holds another).
    pub fn get_mut_keyed(&mut self, slot: u32, key: &FlowKey) -> Option<&mut V> {
        let s = self.slots.get_mut(slot as usize)?;
        if s.key != *key {
            return None;
        }
        s.value.as_mut()
    }

    /// Mark `slot` seen at `now_ns` (its time never goes back).
    pub fn touch(&mut self, slot: u32, now_ns: i64) {
        let Some(s) = self.slots.get_mut(slot as usize) else {
            return;
        };
        s.last_ns = s.last_ns.max(now_ns);
    }

    /// Insert `value` under `key` (which must not be present), seen at
    /// `now_ns`. When the table is full the least recently seen entry makes
    /// room and is returned.
    pub fn insert(&mut self, key: FlowKey, value: V, now_ns: i64) -> (u32, Option<Taken<V>>) {
        let evicted = if self.map.len() >= self.cap {
            self.pop_oldest()
        } else {
            None
        };
        let slot = Slot {
            key,
            value: Some(value),
            last_ns: now_ns,
            filed_ns: now_ns,
            prev: NIL,
            next: NIL,
            heap: NIL,
        };
        let i = match self.free.pop() {
            Some(i) => {
                if let Some(s) = self.slots.get_mut(i as usize) {
                    *s = slot;
                }
                i
            }
            None => {
                self.slots.push(slot);
                (self.slots.len() - 1) as u32
            }
        };
        self.map.insert(key, i);
        // Touches only move times forward: an insert is the one way an
        // earlier time comes in.
        self.earliest_ns = self.earliest_ns.min(now_ns);
        self.place(i);
        (i, evicted)
    }

    /// Take the entry at `slot` out.
    pub fn remove(&mut self, slot: u32) -> Option<Taken<V>> {
        let s = self.slots.get_mut(slot as usize)?;
        let value = s.value.take()?;
        let key = s.key;
        self.map.remove(&key);
        self.detach(slot);
        self.free.push(slot);
        Some(Taken { key, value, slot })
    }

    /// Take out the least recently seen entry if it was last seen before
    /// `before_ns`.
    pub fn pop_idle(&mut self, before_ns: i64) -> Option<Taken<V>> {
        if before_ns <= self.earliest_ns {
            return None;
        }
        let Some(oldest) = self.oldest() else {
            self.earliest_ns = i64::MAX;
            return None;
        };
        let t = self
            .slots
            .get(oldest as usize)
            .map_or(i64::MAX, |s| s.last_ns);
        if t >= before_ns {
            self.earliest_ns = t;
            return None;
        }
        self.remove(oldest)
    }

    /// No entry was last seen before this time (see `earliest_ns`).
    pub fn earliest(&self) -> i64 {
        self.earliest_ns
    }

    /// Take out the least recently seen entry.
    pub fn pop_oldest(&mut self) -> Option<Taken<V>> {
        let oldest = self.oldest()?;
        self.remove(oldest)
    }

    /// The entry last seen longest ago. Entries at the front filed before
    /// their time are filed again until one is at its own: no other is
    /// filed, so none was seen, before it. Each is filed again at most
    /// once per look, so this ends.
    fn oldest(&mut self) -> Option<u32> {
        loop {
            let front = self.front()?;
            let s = self.slots.get(front as usize)?;
            if s.filed_ns == s.last_ns {
                return Some(front);
            }
            self.detach(front);
            if let Some(s) = self.slots.get_mut(front as usize) {
                s.filed_ns = s.last_ns;
            }
            self.place(front);
        }
    }

    /// The entry filed earliest: the list's head or the heap's top.
    fn front(&self) -> Option<u32> {
        match (self.slots.get(self.head as usize), self.late.first()) {
            (Some(h), Some(&l)) if self.filed(l) < h.filed_ns => Some(l),
            (Some(_), _) => Some(self.head),
            (None, l) => l.copied(),
        }
    }

    fn filed(&self, i: u32) -> i64 {
        self.slots.get(i as usize).map_or(i64::MAX, |s| s.filed_ns)
    }

    /// Put `i` (in neither the list nor the heap) at the list's end if it
    /// is filed no earlier than the tail, in the heap otherwise.
    fn place(&mut self, i: u32) {
        let t = self.filed(i);
        if self.tail == NIL || self.filed(self.tail) <= t {
            self.push_back(i);
        } else {
            let at = self.late.len();
            self.late.push(i);
            self.set_pos(i, at);
            self.sift_up(at);
        }
    }

    /// Take `i` out of the list or the heap.
    fn detach(&mut self, i: u32) {
        let Some(at) = self.slots.get(i as usize).map(|s| s.heap) else {
            return;
        };
        if at == NIL {
            self.unlink(i);
            return;
        }
        let at = at as usize;
        let last = self.late.len().saturating_sub(1);
        self.late.swap(at, last);
        self.late.pop();
        self.set_pos_nil(i);
        if let Some(&moved) = self.late.get(at) {
            self.set_pos(moved, at);
            self.sift_down(at);
            self.sift_up(at);
        }
    }

    fn set_pos(&mut self, i: u32, at: usize) {
        if let Some(s) = self.slots.get_mut(i as usize) {
            s.heap = at as u32;
        }
    }

    fn set_pos_nil(&mut self, i: u32) {
        if let Some(s) = self.slots.get_mut(i as usize) {
            s.heap = NIL;
        }
    }

    /// Heap order: by time, then by slot (the same for equal times).
    fn before(&self, x: usize, y: usize) -> bool {
        match (self.late.get(x), self.late.get(y)) {
            (Some(&a), Some(&b)) => (self.filed(a), a) < (self.filed(b), b),
            _ => false,
        }
    }

    fn swap(&mut self, x: usize, y: usize) {
        self.late.swap(x, y);
        for at in [x, y] {
            if let Some(&i) = self.late.get(at) {
                self.set_pos(i, at);
            }
        }
    }

    fn sift_up(&mut self, mut at: usize) {
        while at > 0 {
            let parent = (at - 1) / 2;
            if !self.before(at, parent) {
                break;
            }
            self.swap(at, parent);
            at = parent;
        }
    }

    fn sift_down(&mut self, mut at: usize) {
        loop {
            let (l, r) = (2 * at + 1, 2 * at + 2);
            let mut min = at;
            if self.before(l, min) {
                min = l;
            }
            if self.before(r, min) {
                min = r;
            }
            if min == at {
                break;
            }
            self.swap(at, min);
            at = min;
        }
    }

    fn unlink(&mut self, i: u32) {
        let Some(s) = self.slots.get(i as usize) else {
            return;
        };
        let (prev, next) = (s.prev, s.next);
        match self.slots.get_mut(prev as usize) {
            Some(p) => p.next = next,
            None => {
                if self.head == i {
                    self.head = next
                }
            }
        }
        match self.slots.get_mut(next as usize) {
            Some(n) => n.prev = prev,
            None => {
                if self.tail == i {
                    self.tail = prev
                }
            }
        }
        if let Some(s) = self.slots.get_mut(i as usize) {
            s.prev = NIL;
            s.next = NIL;
        }
    }

    fn push_back(&mut self, i: u32) {
        let tail = self.tail;
        if let Some(s) = self.slots.get_mut(i as usize) {
            s.prev = tail;
            s.next = NIL;
        }
        match self.slots.get_mut(tail as usize) {
            Some(t) => t.next = i,
            None => self.head = i,
        }
        self.tail = i;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> FlowKey {
        FlowKey::new(6, false, [n; 16], 1, [200; 16], 2).0
    }

    #[test]
    fn full_table_evicts_the_least_recently_seen() {
        let mut t: Table<u8> = Table::new(3);
        let (s1, _) = t.insert(key(1), 1, 10);
        t.insert(key(2), 2, 20);
        t.insert(key(3), 3, 30);
        t.touch(s1, 40); // 1 is now the most recent; 2 the oldest
        let (_, ev) = t.insert(key(4), 4, 50);
        let ev = ev.expect("an eviction");
        assert_eq!((ev.key, ev.value), (key(2), 2));
        assert_eq!(t.len(), 3);
        assert!(t.find(&key(2)).is_none());
        assert_eq!(t.find(&key(1)).and_then(|s| t.get(s)), Some(&1));
    }

    #[test]
    fn idle_entries_expire_oldest_first_and_slots_are_reused() {
        let mut t: Table<u8> = Table::new(10);
        for n in 0..5u8 {
            t.insert(key(n), n, i64::from(n) * 10);
        }
        let mut gone = Vec::new();
        while let Some(x) = t.pop_idle(25) {
            gone.push(x.value);
        }
        assert_eq!(gone, vec![0, 1, 2]);
        assert_eq!(t.len(), 2);
        let (s, _) = t.insert(key(9), 9, 60);
        assert!(s < 5, "a freed slot is reused");
        assert_eq!(t.pop_oldest().map(|x| x.value), Some(3));
        assert_eq!(t.pop_oldest().map(|x| x.value), Some(4));
        assert_eq!(t.pop_oldest().map(|x| x.value), Some(9));
        assert!(t.pop_oldest().is_none() && t.is_empty());
    }

    /// The bound that spares most looks at the oldest entry: an entry
    /// inserted at an earlier time after a look still expires on time.
    #[test]
    fn an_earlier_insert_after_a_look_still_expires() {
        let mut t: Table<u8> = Table::new(10);
        let (s0, _) = t.insert(key(0), 0, 100);
        assert!(t.pop_idle(50).is_none());
        t.insert(key(1), 1, 10); // behind the newest, after the look
        assert_eq!(t.pop_idle(60).map(|x| x.value), Some(1));
        assert!(t.pop_idle(60).is_none());
        t.touch(s0, 300);
        assert!(t.pop_idle(200).is_none(), "touched past the limit");
        assert_eq!(t.pop_idle(301).map(|x| x.value), Some(0));
        assert!(t.pop_idle(i64::MAX).is_none() && t.is_empty());
    }

    /// Times that go backwards: what is idle is what was last seen before
    /// the limit, in time order, whatever the order of the touches.
    #[test]
    fn entries_seen_at_earlier_times_expire_by_their_own_time() {
        let mut t: Table<u8> = Table::new(10);
        t.insert(key(0), 0, 100);
        t.insert(key(1), 1, 50); // behind the newest: late
        t.insert(key(2), 2, 10); // later still
        let (s3, _) = t.insert(key(3), 3, 200);
        t.insert(key(4), 4, 30);
        t.touch(s3, 20); // its time stays 200
        let mut gone = Vec::new();
        while let Some(x) = t.pop_idle(60) {
            gone.push(x.value);
        }
        assert_eq!(gone, vec![2, 4, 1]);
        let s1 = t.insert(key(1), 1, 150).0;
        t.touch(s1, 40); // stays 150, late behind 200
        let rest: Vec<u8> = std::iter::from_fn(|| t.pop_oldest().map(|x| x.value)).collect();
        assert_eq!(rest, vec![0, 1, 3]);
    }

    /// Touches leave entries where they are filed: whatever the order of
    /// inserts, touches (times going back included) and looks, the table
    /// gives out exactly what a plain list of last-seen times would.
    #[test]
    fn touched_entries_come_out_in_the_order_of_their_last_time() {
        let mut t: Table<u32> = Table::new(64);
        let mut model: Vec<(u32, i64)> = Vec::new();
        let mut slots = Vec::new();
        let mut x = 12_345u64;
        let mut rand = |n: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (x >> 33) % n
        };
        for step in 0..2_000u32 {
            let now = i64::from(step) * 10 - rand(300) as i64;
            match rand(4) {
                0 if model.len() < 64 => {
                    let (s, _) = t.insert(key_n(step), step, now);
                    slots.push((s, step));
                    model.push((step, now));
                }
                1 => {
                    let cut = now - 500;
                    let mut gone = Vec::new();
                    while let Some(e) = t.pop_idle(cut) {
                        gone.push(e.value);
                    }
                    let mut want: Vec<(i64, u32)> = model
                        .iter()
                        .filter(|m| m.1 < cut)
                        .map(|m| (m.1, m.0))
                        .collect();
                    want.sort_unstable();
                    let mut got = gone.clone();
                    got.sort_unstable();
                    let mut want_ids: Vec<u32> = want.iter().map(|w| w.1).collect();
                    want_ids.sort_unstable();
                    assert_eq!(got, want_ids, "step {step}");
                    let times: Vec<i64> = gone
                        .iter()
                        .filter_map(|v| model.iter().find(|m| m.0 == *v).map(|m| m.1))
                        .collect();
                    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first");
                    model.retain(|m| m.1 >= cut);
                    slots.retain(|s| model.iter().any(|m| m.0 == s.1));
                }
                _ if !slots.is_empty() => {
                    let (s, v) = slots[rand(slots.len() as u64) as usize];
                    t.touch(s, now);
                    if let Some(m) = model.iter_mut().find(|m| m.0 == v) {
                        m.1 = m.1.max(now);
                    }
                }
                _ => {}
            }
        }
        let mut want: Vec<(i64, u32)> = model.iter().map(|m| (m.1, m.0)).collect();
        want.sort_unstable();
        let got: Vec<i64> = std::iter::from_fn(|| t.pop_oldest())
            .filter_map(|e| model.iter().find(|m| m.0 == e.value).map(|m| m.1))
            .collect();
        let want_times: Vec<i64> = want.iter().map(|w| w.0).collect();
        assert_eq!(got, want_times);
    }

    fn key_n(n: u32) -> FlowKey {
        let b = n.to_be_bytes();
        let mut a = [0u8; 16];
        a[..4].copy_from_slice(&b);
        FlowKey::new(6, false, a, 1, [200; 16], 2).0
    }
}
