//! Zeek's connection timers, which end a connection before it has been
//! idle for the inactivity timeout ([`FlowOptions::zeek_timers`], for the
//! logs). After Zeek 6's `TCPSessionAdapter` and DNS analyzer:
//! - TCP: 5 s after its close is complete (`tcp_close_delay`; both sides
//!   closed, a RST, or a close while the peer never sent anything); 5 s
//!   after the originator's first SYN if the responder has still sent
//!   nothing (`tcp_attempt_delay`); or at an expiry check that finds it
//!   quiet for more than 5 s (`tcp_connection_linger`) and over (one side
//!   closed and the other reset or silent), or with nothing ever seen from
//!   either side. The checks come 5 s after it began (`tcp_SYN_timeout`)
//!   and every 6 s after (`tcp_session_timer`); each half close (one side
//!   closed, the other still open) starts one more such series.
//! - UDP that Zeek gives its DNS analyzer (responder port 53, 137, 5353 or
//!   5355): at a check every 10 s from its start (`dns_session_timeout`)
//!   that finds it quiet for 9 s or more.
//!
//! A packet after its connection ended starts a new one, with a new
//! conn.log record, as in Zeek.
//!
//! A timer fires at the first frame at or after its time and is judged at
//! that frame's time, as Zeek's timer manager dispatches it. (Zeek fires at
//! most `max_timer_expires`, 300, per packet and leaves the rest to the
//! next; here every timer due fires.)
//!
//! Timers wait in order of time ([`Timers`]). A cancelled one stays there until its
//! time and is skipped then: a conversation counts its cancellations
//! ([`Flow::timer_epoch`]) and a timer carries the count it was set under
//! and the conversation's number (a slot taken by a later conversation
//! holds another number). Bounds: the engine lets four timers wait for
//! each conversation its tables hold (a conversation has a few at once,
//! cancelled ones included); past that a timer is not set (its
//! connection then ends when idle, as without Zeek's timers), and counted.
//!
//! [`FlowOptions::zeek_timers`]: super::FlowOptions::zeek_timers
//! [`Flow::timer_epoch`]: super::Flow::timer_epoch

use std::collections::BTreeMap;

const SEC: i64 = 1_000_000_000;
/// `tcp_SYN_timeout`: the first expiry check of a TCP connection.
pub const TCP_SYN_TIMEOUT_NS: i64 = 5 * SEC;
/// `tcp_session_timer`: expiry checks after the first.
pub const TCP_SESSION_TIMER_NS: i64 = 6 * SEC;
/// `tcp_attempt_delay`.
pub const TCP_ATTEMPT_DELAY_NS: i64 = 5 * SEC;
/// `tcp_close_delay`.
pub const TCP_CLOSE_DELAY_NS: i64 = 5 * SEC;
/// `tcp_connection_linger`: quiet this long, an expiry check may end it.
pub const TCP_CONNECTION_LINGER_NS: i64 = 5 * SEC;
/// `dns_session_timeout`: the DNS analyzer's checks over UDP.
pub const DNS_SESSION_TIMEOUT_NS: i64 = 10 * SEC;
/// Quiet this long, a DNS check ends the connection (Zeek allows a second
/// for the usual query and reply).
pub const DNS_QUIET_NS: i64 = DNS_SESSION_TIMEOUT_NS - SEC;
/// The UDP responder ports of Zeek's DNS analyzer (`DNS::ports`).
pub const DNS_UDP_PORTS: [u16; 4] = [53, 137, 5353, 5355];

/// Which of Zeek's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `TCPSessionAdapter::ExpireTimer`.
    TcpExpire,
    /// `TCPSessionAdapter::AttemptTimer`.
    TcpAttempt,
    /// `ConnDeleteTimer`: the close is complete.
    TcpDelete,
    /// `DNS_Analyzer::ExpireTimer` (UDP).
    DnsExpire,
}

/// A timer that came due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Due {
    pub at: i64,
    /// Order of setting, among timers of the same time.
    seq: u64,
    pub kind: Kind,
    /// The conversation's slot in its table, its number there and its
    /// count of cancellations when the timer was set.
    pub slot: u32,
    pub stream: u32,
    pub epoch: u32,
}

/// Every conversation's timers, by time.
///
/// They wait in spans of [`SPAN_BITS`] of time, each span a vector: a new
/// timer is pushed onto the end of its span, and a span is sorted once,
/// when it becomes the first. A binary heap of all of them did the same
/// in order but moved a timer through a level of the heap per doubling of
/// their number, a cache miss at each of the lower levels, and most timers
/// are set again every few seconds. The first span stays sorted (latest
/// first, so the next due is its last): a timer set into it, rare since
/// timers are set seconds ahead, takes its place there.
#[derive(Debug)]
pub struct Timers {
    spans: BTreeMap<i64, Vec<Due>>,
    len: usize,
    seq: u64,
    cap: usize,
    /// Timers not set because [`Timers::cap`] were waiting.
    pub dropped: u64,
}

/// A span is 2^28 ns (about a quarter of a second): timers are set 5 to
/// 10 s ahead, so a few dozen spans wait, each sorted in one go.
const SPAN_BITS: u32 = 28;

impl Timers {
    pub fn new(cap: usize) -> Self {
        Timers {
            spans: BTreeMap::new(),
            len: 0,
            seq: 0,
            cap,
            dropped: 0,
        }
    }

    /// Set a timer for `at`.
    pub fn set(&mut self, at: i64, kind: Kind, slot: u32, stream: u32, epoch: u32) {
        if self.len >= self.cap {
            self.dropped += 1;
            return;
        }
        self.seq += 1;
        self.insert(Due {
            at,
            seq: self.seq,
            kind,
            slot,
            stream,
            epoch,
        });
    }

    fn insert(&mut self, due: Due) {
        let span = due.at >> SPAN_BITS;
        let first = self.spans.first_key_value().map(|(&k, _)| k);
        let list = self.spans.entry(span).or_default();
        if first.is_none_or(|f| span <= f) {
            // The first span (or a new one before it, which a lone timer
            // keeps sorted).
            let i = list.partition_point(|d| *d > due);
            list.insert(i, due);
        } else {
            list.push(due);
        }
        self.len += 1;
    }

    /// The time of the next timer (perhaps one cancelled).
    pub fn next_at(&self) -> Option<i64> {
        let (_, first) = self.spans.first_key_value()?;
        first.last().map(|d| d.at)
    }

    /// Fire the timers due at `now`, earliest first (by time, then order
    /// of setting): `judge` says of each when it comes back (a check that
    /// found its connection going on), or None.
    pub fn fire(&mut self, now: i64, mut judge: impl FnMut(&Due) -> Option<i64>) {
        while let Some(mut first) = self.spans.first_entry() {
            let list = first.get_mut();
            let Some(due) = list.last().copied().filter(|d| d.at <= now) else {
                break;
            };
            list.pop();
            if list.is_empty() {
                first.remove();
                // The next span becomes the first: sorted, latest first.
                if let Some(mut next) = self.spans.first_entry() {
                    next.get_mut().sort_unstable_by(|a, b| b.cmp(a));
                }
            }
            self.len -= 1;
            // A time that does not move on (capture time at its end,
            // saturated) would come back for ever: the timer is dropped.
            if let Some(at) = judge(&due).filter(|&at| at > now) {
                self.seq += 1;
                self.insert(Due {
                    at,
                    seq: self.seq,
                    ..due
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fire what is due at `now`, none coming back: (kind, slot) of each.
    fn fired(t: &mut Timers, now: i64) -> Vec<(Kind, u32)> {
        let mut got = Vec::new();
        t.fire(now, |d| {
            got.push((d.kind, d.slot));
            None
        });
        got
    }

    #[test]
    fn timers_come_due_in_time_then_setting_order() {
        let mut t = Timers::new(10);
        t.set(30, Kind::TcpExpire, 1, 1, 0);
        t.set(10, Kind::TcpAttempt, 2, 2, 0);
        t.set(10, Kind::DnsExpire, 3, 3, 0);
        assert_eq!(t.next_at(), Some(10));
        assert!(fired(&mut t, 9).is_empty());
        assert_eq!(
            fired(&mut t, 29),
            [(Kind::TcpAttempt, 2), (Kind::DnsExpire, 3)]
        );
        assert_eq!(fired(&mut t, 30), [(Kind::TcpExpire, 1)]);
        assert!(fired(&mut t, i64::MAX).is_empty());
    }

    #[test]
    fn a_timer_that_comes_back_waits_for_its_new_time() {
        let mut t = Timers::new(10);
        t.set(10, Kind::TcpExpire, 1, 1, 0);
        t.set(15, Kind::TcpExpire, 2, 2, 0);
        let mut seen = Vec::new();
        // Slot 1 comes back at 20, after slot 2's 15.
        t.fire(16, |d| {
            seen.push(d.slot);
            (d.slot == 1).then_some(20)
        });
        assert_eq!(seen, [1, 2]);
        assert_eq!(t.next_at(), Some(20));
        assert_eq!(fired(&mut t, 20), [(Kind::TcpExpire, 1)]);
        assert_eq!(t.next_at(), None);
    }

    #[test]
    fn at_the_end_of_time_a_timer_that_would_come_back_is_dropped() {
        let mut t = Timers::new(10);
        t.set(i64::MAX, Kind::TcpExpire, 1, 1, 0);
        let mut n = 0;
        t.fire(i64::MAX, |_| {
            n += 1;
            Some(i64::MAX.saturating_add(6))
        });
        assert_eq!((n, t.next_at()), (1, None));
    }

    #[test]
    fn past_the_cap_a_timer_is_counted_not_set() {
        let mut t = Timers::new(2);
        for i in 0..5 {
            t.set(i, Kind::TcpDelete, 0, 0, 0);
        }
        assert_eq!(t.dropped, 3);
        assert_eq!(fired(&mut t, 100).len(), 2);
    }

    /// The spans fire in the order one sorted list would, whatever the
    /// order of setting, with times across many spans, negative ones,
    /// times going back, and timers that come back into the span being
    /// fired.
    #[test]
    fn timers_fire_in_the_order_of_one_sorted_list() {
        proptest::proptest!(|(ops in proptest::collection::vec(
            (0u8..4, -(4i64 << SPAN_BITS)..(40i64 << SPAN_BITS)), 1..300))| {
            let mut t = Timers::new(10_000);
            // The model: (at, order of setting), fired by a linear search.
            let mut model: Vec<(i64, u64, u32)> = Vec::new();
            let mut seq = 0;
            let mut slot = 0u32;
            for (op, x) in ops {
                if op == 0 {
                    // Fire at `x`, bringing a timer back 1/16 of a span on
                    // when its slot is odd.
                    let mut got = Vec::new();
                    t.fire(x, |d| {
                        got.push(d.slot);
                        (d.slot % 2 == 1).then_some(x + (1 << (SPAN_BITS - 4)))
                    });
                    let mut want = Vec::new();
                    while let Some(i) = model
                        .iter()
                        .enumerate()
                        .filter(|(_, m)| m.0 <= x)
                        .min_by_key(|(_, m)| (m.0, m.1))
                        .map(|(i, _)| i)
                    {
                        let (_, _, s) = model.swap_remove(i);
                        want.push(s);
                        if s % 2 == 1 {
                            seq += 1;
                            model.push((x + (1 << (SPAN_BITS - 4)), seq, s));
                        }
                    }
                    proptest::prop_assert_eq!(got, want);
                } else {
                    slot += 1;
                    seq += 1;
                    t.set(x, Kind::TcpExpire, slot, 0, 0);
                    model.push((x, seq, slot));
                }
                proptest::prop_assert_eq!(t.next_at(), model.iter().map(|m| m.0).min());
            }
        });
    }
}
