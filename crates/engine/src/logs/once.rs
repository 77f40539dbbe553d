//! Zeek's rule of writing a thing once, and again only a while (of capture
//! time) after it was written: x509.log's certificates, a day
//! (`X509::relog_known_certificates_after`), and weird.log's weirds
//! (`Weird::did_log`, a day, and `Weird::weird_ignore`, ten minutes).
//!
//! The rule is applied where the records of every conversation meet in
//! frame order (with several workers, where their outputs are merged), so
//! that a log is the same for any number of workers.
//!
//! Bounds: at most `cap` keys are remembered; with that many, one more is
//! written and not remembered (counted in [`Stats::untracked`]), after the
//! remembered ones past their while are forgotten.

use std::collections::HashMap;
use std::hash::Hash;

/// What the rule counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Not written: written within the while before.
    pub repeated: u64,
    /// Written and not remembered: `cap` were.
    pub untracked: u64,
}

/// The keys written in the last while, with when.
#[derive(Debug)]
pub struct Once<K> {
    written: HashMap<K, i64>,
    /// How long a key written is not written again (nanoseconds).
    period_ns: i64,
    /// When the remembered keys were last swept of expired ones.
    swept_ns: Option<i64>,
    cap: usize,
    pub stats: Stats,
}

impl<K: Hash + Eq> Once<K> {
    pub fn new(cap: usize, period_ns: i64) -> Self {
        Once {
            written: HashMap::new(),
            period_ns,
            swept_ns: None,
            cap,
            stats: Stats::default(),
        }
    }

    /// Whether `key`, seen at `ts_ns`, is written: not if it was within
    /// the while before.
    pub fn admit(&mut self, ts_ns: i64, key: K) -> bool {
        match self.written.get_mut(&key) {
            Some(at) if ts_ns.saturating_sub(*at) < self.period_ns => {
                self.stats.repeated += 1;
                return false;
            }
            Some(at) => *at = ts_ns,
            None => {
                if self.written.len() >= self.cap {
                    self.sweep(ts_ns);
                }
                if self.written.len() < self.cap {
                    self.written.insert(key, ts_ns);
                } else {
                    self.stats.untracked += 1;
                }
            }
        }
        true
    }

    /// How many keys are remembered.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.written.len()
    }

    /// Forget the keys written more than a while ago, and those written at
    /// a time after `now` (a capture whose clock goes back): at most once
    /// an hour of capture time, so that a full set costs little. (Kept,
    /// entries stamped far ahead would stay, and every hour of a hostile
    /// capture's clock would scan them all again.)
    fn sweep(&mut self, now: i64) {
        const HOUR_NS: i64 = 3_600 * 1_000_000_000;
        if self
            .swept_ns
            .is_some_and(|t| now.saturating_sub(t) < HOUR_NS)
        {
            return;
        }
        self.swept_ns = Some(now);
        let period = self.period_ns;
        self.written
            .retain(|_, at| (0..period).contains(&now.saturating_sub(*at)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: i64 = 1_000_000_000;
    const DAY: i64 = 86_400 * SEC;
    const CAP: usize = 1000;

    #[test]
    fn written_once_a_day_per_key() {
        let mut k = Once::new(CAP, DAY);
        let day = 86_400 * SEC;
        let admitted: Vec<bool> = [
            (SEC, "aa"),
            // The same key again: not written.
            (2 * SEC, "aa"),
            // Another key: written.
            (3 * SEC, "bb"),
            // A day after it was written: written again, and a day from then.
            (SEC + day, "aa"),
            (SEC + day + 1, "aa"),
        ]
        .iter()
        .map(|&(ts, key)| k.admit(ts, key))
        .collect();
        assert_eq!(admitted, [true, false, true, true, false]);
        assert_eq!(k.stats.repeated, 2);
    }

    #[test]
    fn past_the_cap_written_and_not_remembered() {
        let mut k = Once::new(CAP, DAY);
        for i in 0..CAP {
            assert!(k.admit(SEC, i));
        }
        assert_eq!(k.len(), CAP);
        // Full, and none is a day old: the new one is written each time.
        for _ in 0..2 {
            assert!(k.admit(2 * SEC, CAP));
        }
        assert_eq!(k.stats.untracked, 2);
        assert_eq!(k.len(), CAP);
        // A day later the old ones are forgotten and make room.
        let later = 2 * SEC + 86_400 * SEC;
        assert!(k.admit(later, CAP));
        assert!(!k.admit(later, CAP));
        assert_eq!(k.stats.untracked, 2);
        assert_eq!(k.stats.repeated, 1);
        assert_eq!(k.len(), 1);
    }

    #[test]
    fn keys_stamped_ahead_do_not_stay() {
        let mut k = Once::new(CAP, DAY);
        let year = 365 * 86_400 * SEC;
        // A full set written at a time far ahead of the frames that follow.
        for i in 0..CAP {
            assert!(k.admit(year, i));
        }
        // The clock back at its start: one sweep forgets them all.
        assert!(k.admit(SEC, CAP));
        assert_eq!(k.stats.untracked, 0);
        assert_eq!(k.len(), 1);
    }
}
