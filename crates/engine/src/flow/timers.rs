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
//! Timers wait in one heap by time. A cancelled one stays there until its
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

use std::cmp::Reverse;
use std::collections::binary_heap::PeekMut;
use std::collections::BinaryHeap;

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
#[derive(Debug)]
pub struct Timers {
    heap: BinaryHeap<Reverse<Due>>,
    seq: u64,
    cap: usize,
    /// Timers not set because [`Timers::cap`] were waiting.
    pub dropped: u64,
}

impl Timers {
    pub fn new(cap: usize) -> Self {
        Timers {
            heap: BinaryHeap::new(),
            seq: 0,
            cap,
            dropped: 0,
        }
    }

    /// Set a timer for `at`.
    pub fn set(&mut self, at: i64, kind: Kind, slot: u32, stream: u32, epoch: u32) {
        if self.heap.len() >= self.cap {
            self.dropped += 1;
            return;
        }
        self.seq += 1;
        self.heap.push(Reverse(Due {
            at,
            seq: self.seq,
            kind,
            slot,
            stream,
            epoch,
        }));
    }

    /// The time of the next timer (perhaps one cancelled).
    pub fn next_at(&self) -> Option<i64> {
        self.heap.peek().map(|Reverse(d)| d.at)
    }

    /// Fire the timers due at `now`, earliest first: `judge` says of each
    /// when it comes back (a check that found its connection going on),
    /// or None. A timer that comes back is moved in place: most checks of
    /// a long connection find it going on.
    pub fn fire(&mut self, now: i64, mut judge: impl FnMut(&Due) -> Option<i64>) {
        while let Some(mut top) = self.heap.peek_mut() {
            if top.0.at > now {
                break;
            }
            // A time that does not move on (capture time at its end,
            // saturated) would come back for ever: the timer is dropped.
            match judge(&top.0).filter(|&at| at > now) {
                Some(at) => {
                    self.seq += 1;
                    top.0.at = at;
                    top.0.seq = self.seq;
                }
                None => {
                    PeekMut::pop(top);
                }
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
}
