//! What Zeek's conn.log says of a connection's course: who the originator
//! is, the history letters, each side's TCP state at the end (for
//! `conn_state`), the sizes, the missed bytes and the packet counts — with
//! Zeek's rules, which differ from tshark's in places (packets with a bad
//! checksum are dropped, a connection's duration stops growing once both
//! sides have closed, sizes come from sequence numbers).
//!
//! The behaviour follows Zeek 6's TCP analyzer (TCPSessionAdapter,
//! TCP_Endpoint, TCP_Reassembler), UDP and ICMP analyzers and
//! `scripts/base/protocols/conn/main.zeek`; the code is our own.
//!
//! Sides are kept *physically*: index 0 is the side that sent the first
//! packet (the flow's `orig`), 1 the other. Zeek's originator is side 0
//! unless Zeek flipped the connection ([`History::flipped`]): for TCP that
//! is decided here (a first packet that is not a bare SYN, sent from a
//! likely server port to a port that is not one; or a SYN answering a
//! SYN-ACK seen first), for UDP by the log writer from the ports and
//! addresses (`udp_flip`).

use crate::dissect::Dissection;
use wire::checksum::Status;
use wire::tcp::TcpView;
use wire::udp::UdpView;
use wire::Layer;
use wiresift_wire as wire;

/// Letters kept per connection; Zeek records most letters once, so real
/// histories are short. What does not fit is counted, not kept.
const MAX_LETTERS: usize = 64;

/// Zeek's `TOO_LARGE_SEQ_DELTA`: sequence jumps past this in a SYN or RST
/// are not believed.
const TOO_LARGE_SEQ_DELTA: i32 = 1_048_576;

/// Zeek's `tcp_max_above_hole_without_any_acks`: bytes held above a hole,
/// with nothing acknowledged, before the reassembler gives up on a side.
const MAX_ABOVE_HOLE_WITHOUT_ACKS: u64 = 16_384;

/// Zeek's `tcp_max_initial_window`: bytes sent with nothing acknowledged
/// after which delivered data is no longer kept for acknowledgement.
const MAX_INITIAL_WINDOW: u64 = 16_384;

/// Zeek's `tcp_excessive_data_without_further_acks`.
const EXCESSIVE_DATA_WITHOUT_ACKS: u64 = 10 * 1024 * 1024;

/// Out-of-order pieces held per side (ranges above the next expected
/// byte); past this the nearest pieces merge, which can only hide a gap.
const MAX_HELD: usize = 16;

/// Ports Zeek treats as likely servers (`likely_server_ports`, filled by the
/// protocol scripts Zeek 6 loads by default), by transport.
pub const LIKELY_TCP_SERVER_PORTS: &[u16] = &[
    21, 22, 25, 53, 80, 81, 88, 110, 135, 139, 143, 389, 443, 445, 502, 563, 585, 587, 614, 631,
    636, 989, 990, 992, 993, 995, 1080, 1434, 2811, 3128, 3268, 3306, 3389, 5222, 5223, 5269, 6666,
    6667, 6668, 6669, 8000, 8080, 8888, 20000,
];
pub const LIKELY_UDP_SERVER_PORTS: &[u16] = &[
    53, 67, 88, 123, 137, 161, 162, 389, 443, 514, 1812, 2123, 2152, 3389, 3544, 4789, 5060, 5072,
    5353, 5355, 6081, 20000,
];

pub fn likely_tcp_server(port: u16) -> bool {
    LIKELY_TCP_SERVER_PORTS.binary_search(&port).is_ok()
}

pub fn likely_udp_server(port: u16) -> bool {
    LIKELY_UDP_SERVER_PORTS.binary_search(&port).is_ok()
}

/// Zeek's "counterpart" of an ICMP type: the reply a request expects (and
/// back), which Zeek uses as the responder's port; one-way messages use
/// their code.
pub fn icmp_counterpart(v6: bool, kind: u8, code: u8) -> u16 {
    let c = if v6 {
        match kind {
            128 => 129,
            129 => 128,
            133 => 134,
            134 => 133,
            135 => 136,
            136 => 135,
            130 => 131,
            131 => 130,
            139 => 140,
            140 => 139,
            144 => 145,
            145 => 144,
            _ => code,
        }
    } else {
        match kind {
            8 => 0,
            0 => 8,
            13 => 14,
            14 => 13,
            15 => 16,
            16 => 15,
            10 => 9,
            9 => 10,
            17 => 18,
            18 => 17,
            _ => code,
        }
    };
    u16::from(c)
}

/// A TCP endpoint's state as Zeek names it (`TCP_ENDPOINT_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TcpState {
    /// Nothing seen from this side.
    #[default]
    Inactive,
    /// A SYN, not yet answered.
    SynSent,
    /// A SYN-ACK, with no SYN seen from the peer.
    SynAckSent,
    /// Data seen but no SYN.
    Partial,
    Established,
    /// A FIN.
    Closed,
    /// A RST.
    Reset,
}

/// Services (application protocols) confirmed on a connection, as Zeek's
/// conn.log `service` lists them. Application analyzers add to it; the
/// conn log prints it joined by commas.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Services {
    names: [Option<&'static str>; 4],
}

impl Services {
    /// Add a service (lower case, Zeek's name: "dns", "http", "ssl", …);
    /// a name already there is not added twice, and past four the rest are
    /// dropped.
    pub fn add(&mut self, name: &'static str) {
        if self.names.iter().flatten().any(|n| *n == name) {
            return;
        }
        if let Some(slot) = self.names.iter_mut().find(|s| s.is_none()) {
            *slot = Some(name);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.names.iter().flatten().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.names.iter().all(Option::is_none)
    }
}

/// Zeek's logarithmic history entries (`c g t w`): the letter is recorded
/// at the 1st, 10th, 100th… event.
#[derive(Clone, Copy, Debug)]
struct Scaled {
    count: u32,
    threshold: u32,
}

impl Default for Scaled {
    fn default() -> Self {
        Scaled {
            count: 0,
            threshold: 1,
        }
    }
}

impl Scaled {
    /// Count one event; true when its letter is to be recorded.
    fn hit(&mut self) -> bool {
        self.count = self.count.wrapping_add(1);
        if self.count != self.threshold {
            return false;
        }
        match self.threshold.checked_mul(10) {
            Some(t) => self.threshold = t,
            // Past u32: start counting again, keep the threshold (Zeek).
            None => self.count = 0,
        }
        true
    }
}

/// Bits of Zeek's `hist_seen`: letters recorded once per role. The
/// responder's bits are these shifted left by 16.
mod seen {
    pub const SYN: u32 = 0x1;
    pub const FIN: u32 = 0x2;
    pub const RST: u32 = 0x4;
    pub const FIN_RST: u32 = 0x8;
    pub const DATA: u32 = 0x10;
    pub const ACK: u32 = 0x20;
    pub const MULTI_FLAG: u32 = 0x40;
}

/// `a - b` in sequence space.
fn seq_delta(a: u32, b: u32) -> i32 {
    a.wrapping_sub(b) as i32
}

/// One side's TCP state: Zeek's TCP_Endpoint and the part of its
/// reassembler that finds content gaps.
#[derive(Clone, Debug, Default)]
struct TcpSide {
    state: TcpState,
    prev_state: TcpState,
    /// Initial sequence number (signed, as Zeek keeps it).
    start_seq: i64,
    /// One past the last sequence number sent.
    last_seq: u32,
    /// Highest acknowledgement received for this side's data.
    ack_seq: u32,
    seq_wraps: u32,
    ack_wraps: u32,
    fin_cnt: u32,
    rst_cnt: u32,
    /// Relative sequence number just past the FIN.
    fin_seq: u64,
    did_close: bool,
    hist_last_syn: u64,
    hist_last_fin: u64,
    hist_last_rst: u64,
    rxmit: Scaled,
    win0: Scaled,
    gap: Scaled,
    chk: Scaled,
    /// Reassembler: next relative sequence number to deliver.
    next: u64,
    /// Acknowledged up to here (relative); older data is dropped.
    trim: u64,
    /// Highest relative sequence number (one past) given to the
    /// reassembler.
    high: u64,
    /// Pieces held above a hole, sorted, not overlapping, all above `next`;
    /// at most [`MAX_HELD`]. Out of line: most connections have no hole,
    /// and the state every packet reads stays in fewer cache lines.
    held: Vec<(u64, u64)>,
    /// The reassembler gave up on this side (Zeek's skip_deliveries).
    skip: bool,
}

impl TcpSide {
    fn new() -> Self {
        TcpSide {
            next: 1,
            trim: 1,
            high: 1,
            ..TcpSide::default()
        }
    }

    fn set_state(&mut self, s: TcpState) {
        if s != self.state {
            self.prev_state = self.state;
            self.state = s;
        }
    }

    fn start_u32(&self) -> u32 {
        self.start_seq as u32
    }

    fn init_seqs(&mut self, start: u32, last: u32) {
        self.start_seq = i64::from(start);
        self.ack_seq = start;
        self.last_seq = last;
    }

    fn full(seq: u32, wraps: u32) -> u64 {
        (u64::from(wraps) << 32) | u64::from(seq)
    }

    fn relative(&self, seq: u32, wraps: u32) -> u64 {
        Self::full(seq, wraps).wrapping_sub(self.start_seq as u64)
    }

    fn update_last_seq(&mut self, seq: u32) {
        if seq < self.last_seq {
            self.seq_wraps = self.seq_wraps.wrapping_add(1);
        }
        self.last_seq = seq;
    }

    fn update_ack_seq(&mut self, seq: u32) {
        if seq < self.ack_seq {
            self.ack_wraps = self.ack_wraps.wrapping_add(1);
        }
        self.ack_seq = seq;
    }

    /// Nothing of this side's data acknowledged (one octet allowed, for
    /// the SYN).
    fn no_data_acked(&self) -> bool {
        let ack = Self::full(self.ack_seq, self.ack_wraps);
        let start = self.start_seq as u64;
        ack == start || ack == start.wrapping_add(1)
    }

    /// Zeek's `get_relative_seq`: `seq` relative to this side's start,
    /// following wraps from `last`; `underflow` when it lies before the
    /// start.
    fn relative_seq(&self, seq: u32, last: u32, mut wraps: u32, underflow: &mut bool) -> u64 {
        let delta = seq_delta(seq, last);
        if delta < 0 {
            if wraps > 0 && seq > last {
                wraps -= 1;
            }
        } else if delta > 0 && seq < last {
            wraps = wraps.wrapping_add(1);
        }
        if wraps == 0 {
            let d = seq_delta(seq, self.start_u32());
            if d < 0 {
                *underflow = true;
            }
            // A negative delta turns into a huge count, as in Zeek.
            return i64::from(d) as u64;
        }
        self.relative(seq, wraps)
    }

    /// Payload bytes sent, from sequence numbers (Zeek's
    /// `TCP_Endpoint::Size`).
    fn size(&self, peer: &TcpSide) -> u64 {
        if self.prev_state == TcpState::SynSent
            && self.state == TcpState::Reset
            && peer.state == TcpState::Inactive
            && !self.no_data_acked()
        {
            return 0;
        }
        let last = Self::full(self.last_seq, self.seq_wraps);
        let ack = Self::full(self.ack_seq, self.ack_wraps);
        // Less the SYN, and the FIN if one was sent (never below zero).
        let mut size = last
            .max(ack)
            .wrapping_sub(self.start_seq as u64)
            .saturating_sub(1);
        if self.fin_cnt > 0 {
            size = size.saturating_sub(1);
        }
        size
    }

    /// Bytes held above the next expected byte.
    fn undelivered(&self) -> u64 {
        self.high.saturating_sub(self.next)
    }

    /// Hold `[lo, hi)` above `next`, merged with the pieces it touches.
    /// When more pieces than fit are held, the two with the narrowest hole
    /// between them merge (that hole can then no longer be reported).
    fn hold(&mut self, lo: u64, hi: u64) {
        let mut all = [(0u64, 0u64); MAX_HELD + 1];
        let mut n = 0usize;
        for piece in self.held.iter().copied().chain([(lo, hi)]) {
            if let Some(slot) = all.get_mut(n) {
                *slot = piece;
                n += 1;
            }
        }
        let pieces = all.get_mut(..n).unwrap_or_default();
        pieces.sort_unstable();
        // Merge overlapping or touching pieces in place.
        let mut m = 0usize;
        for i in 0..pieces.len() {
            let Some(&(a, b)) = pieces.get(i) else { break };
            match m.checked_sub(1).and_then(|j| pieces.get_mut(j)) {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => {
                    if let Some(slot) = pieces.get_mut(m) {
                        *slot = (a, b);
                    }
                    m += 1;
                }
            }
        }
        while m > MAX_HELD {
            // Narrowest hole between neighbours.
            let mut best = 1usize;
            let mut width = u64::MAX;
            for i in 1..m {
                if let (Some(p), Some(q)) = (pieces.get(i - 1), pieces.get(i)) {
                    if q.0.saturating_sub(p.1) < width {
                        width = q.0.saturating_sub(p.1);
                        best = i;
                    }
                }
            }
            let end = pieces.get(best).map_or(0, |q| q.1);
            if let Some(p) = pieces.get_mut(best - 1) {
                p.1 = p.1.max(end);
            }
            for i in best..m - 1 {
                if let Some(&next) = pieces.get(i + 1) {
                    if let Some(slot) = pieces.get_mut(i) {
                        *slot = next;
                    }
                }
            }
            m -= 1;
        }
        self.held.clear();
        self.held
            .extend_from_slice(pieces.get(..m.min(MAX_HELD)).unwrap_or_default());
    }

    /// Deliver held pieces that now start at or before `next`.
    fn deliver_held(&mut self) {
        let mut first = 0usize;
        while let Some(&(a, b)) = self.held.get(first) {
            if a > self.next {
                break;
            }
            self.next = self.next.max(b);
            first += 1;
        }
        self.held.drain(..first);
    }
}

/// Per-connection TCP state: both sides and the connection's flags.
#[derive(Clone, Debug)]
struct Tcp {
    side: [TcpSide; 2],
    /// Zeek's `is_partial`: the connection did not start with a handshake.
    partial: bool,
    /// First packet seen from the originator / responder (by role).
    first_seen: [bool; 2],
}

/// Which of Zeek's connection timers (its `TCPSessionAdapter`'s) a TCP
/// segment started: the flow engine keeps them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Started {
    /// The originator's first SYN: the connection ends after
    /// `tcp_attempt_delay` if it is still only an attempt then.
    pub attempt: bool,
    /// The close is complete (both sides closed, a RST, or a close with
    /// the peer silent): every other timer is cancelled and the connection
    /// ends after `tcp_close_delay`.
    pub closed: bool,
    /// One side closed, the other goes on: one more expiry check every
    /// `tcp_session_timer`.
    pub half_closed: bool,
}

/// The weirds Zeek's TCP analyzer raises as it reads a segment
/// (`TCPAnalyzer::DeliverPacket`, then its session adapter's state
/// machine), in the order it raises them: bit `i` of
/// [`History::tcp_weirds`] is `TCP_WEIRDS[i]`. (Those Zeek's
/// `Weird::actions` ignores are left out: `spontaneous_FIN`,
/// `spontaneous_RST`, `unsolicited_SYN_response`, `FIN_after_reset`.)
pub const TCP_WEIRDS: [&str; 17] = [
    "TCP_seq_underflow_or_misorder",
    "TCP_christmas",
    "baroque_SYN",
    "SYN_with_data",
    "possible_split_routing",
    "TCP_ack_underflow_or_misorder",
    "connection_originator_SYN_ack",
    "bad_SYN_ack",
    "simultaneous_open",
    "repeated_SYN_with_ack",
    "repeated_SYN_reply_wo_ack",
    "inappropriate_FIN",
    "data_before_established",
    "SYN_after_close",
    "FIN_advanced_last_seq",
    "SYN_after_reset",
    "data_after_reset",
];

/// Indexes into [`TCP_WEIRDS`].
mod weird {
    pub const SEQ_UNDERFLOW: u8 = 0;
    pub const CHRISTMAS: u8 = 1;
    pub const BAROQUE_SYN: u8 = 2;
    pub const SYN_WITH_DATA: u8 = 3;
    pub const SPLIT_ROUTING: u8 = 4;
    pub const ACK_UNDERFLOW: u8 = 5;
    pub const ORIGINATOR_SYN_ACK: u8 = 6;
    pub const BAD_SYN_ACK: u8 = 7;
    pub const SIMULTANEOUS_OPEN: u8 = 8;
    pub const REPEATED_SYN_WITH_ACK: u8 = 9;
    pub const REPEATED_SYN_REPLY_WO_ACK: u8 = 10;
    pub const INAPPROPRIATE_FIN: u8 = 11;
    pub const DATA_BEFORE_ESTABLISHED: u8 = 12;
    pub const SYN_AFTER_CLOSE: u8 = 13;
    pub const FIN_ADVANCED_LAST_SEQ: u8 = 14;
    pub const SYN_AFTER_RESET: u8 = 15;
    pub const DATA_AFTER_RESET: u8 = 16;
}

/// The course of one connection, as Zeek's conn.log reports it.
#[derive(Clone, Debug, Default)]
pub struct History {
    letters: Vec<u8>,
    /// Letters that did not fit.
    pub letters_dropped: u32,
    /// Zeek's `hist_seen` (role based).
    seen: u32,
    /// Zeek swapped originator and responder.
    flipped: bool,
    started: bool,
    tcp: Option<Box<Tcp>>,
    /// UDP/ICMP payload bytes per side (Zeek's request/reply length; -1:
    /// nothing valid seen from that side).
    dgram_len: [i64; 2],
    dgram_chk: [Scaled; 2],
    /// Time and IP length of the packet being described ([`History::at`]).
    now_ns: i64,
    ip_len: u64,
    /// Zeek's `last_time`: the last packet that counts for the duration.
    pub last_ns: Option<i64>,
    /// Packets and IP bytes per side, as Zeek's ConnSize analyzer counts
    /// them (packets dropped for a bad checksum left out, except UDP's).
    pub packets: [u64; 2],
    pub ip_bytes: [u64; 2],
    /// Bytes of content gaps (Zeek's `missed_bytes`).
    pub missed_bytes: u64,
    /// Application protocols seen on the connection (conn.log `service`).
    pub service: Services,
    /// The connection's uid, made at the first record that names it: the
    /// logs name it on every frame with a message.
    pub uid: Option<crate::logs::conn::Uid>,
    /// The weirds of the last TCP segment (bits of [`TCP_WEIRDS`]).
    pub tcp_weirds: u32,
    /// A weird was raised on the connection (Zeek's `DidWeird`: then its
    /// TCP analyzer raises no `possible_split_routing`).
    did_weird: bool,
}

/// Zeek's final view of one connection's sides, by role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The originator is the flow's second side (index 1).
    pub flipped: bool,
    /// Payload bytes sent by originator and responder.
    pub orig_bytes: u64,
    pub resp_bytes: u64,
    pub conn_state: &'static str,
}

impl History {
    /// Describe the next packet: its capture time and the length of its IP
    /// datagram. The flow engine calls this before [`History::tcp`],
    /// [`History::udp`] or [`History::datagram`].
    pub fn at(&mut self, now_ns: i64, ip_len: u64) {
        self.now_ns = now_ns;
        self.ip_len = ip_len;
    }

    /// Zeek flipped the connection's direction (TCP; for UDP see
    /// `udp_flip` in [`History::summary`]).
    pub fn flipped(&self) -> bool {
        self.flipped
    }

    /// The history letters as recorded (TCP: final; UDP and ICMP: with the
    /// first sender in upper case — [`History::letters`] applies Zeek's
    /// flip).
    pub fn raw_letters(&self) -> &[u8] {
        &self.letters
    }

    /// The history string Zeek prints. `udp_flip`: Zeek made the second
    /// side the originator of this UDP flow.
    pub fn letters(&self, udp_flip: bool) -> String {
        let mut s = String::with_capacity(self.letters.len() + 1);
        if udp_flip && self.tcp.is_none() {
            s.push('^');
            for &c in &self.letters {
                let c = c as char;
                s.push(if c.is_ascii_uppercase() {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                });
            }
        } else {
            s.extend(self.letters.iter().map(|&c| c as char));
        }
        s
    }

    fn add_letter(&mut self, c: u8) {
        if self.letters.len() < MAX_LETTERS {
            self.letters.push(c);
        } else {
            self.letters_dropped = self.letters_dropped.saturating_add(1);
        }
    }

    /// Zeek's `CheckHistory`: record `code` the first time `mask` is seen
    /// for this role; true if it had been seen before.
    fn check(&mut self, is_orig: bool, mask: u32, code: u8) -> bool {
        let (mask, code) = if is_orig {
            (mask, code.to_ascii_uppercase())
        } else {
            (mask << 16, code.to_ascii_lowercase())
        };
        if self.seen & mask == 0 {
            self.seen |= mask;
            self.add_letter(code);
            false
        } else {
            true
        }
    }

    fn add_role(&mut self, is_orig: bool, code: u8) {
        self.add_letter(if is_orig {
            code.to_ascii_uppercase()
        } else {
            code.to_ascii_lowercase()
        });
    }

    /// Zeek's role of the physical side `phys` (0: first sender).
    fn is_orig(&self, phys: usize) -> bool {
        (phys == 0) != self.flipped
    }

    fn count(&mut self, phys: usize) {
        if let (Some(p), Some(b)) = (self.packets.get_mut(phys), self.ip_bytes.get_mut(phys)) {
            *p = p.saturating_add(1);
            *b = b.saturating_add(self.ip_len);
        }
    }

    /// A TCP segment; `orig` if the flow's first sender sent it. Returns
    /// which of Zeek's timers the segment starts ([`Started`]).
    pub fn tcp(&mut self, orig: bool, t: &TcpView) -> Started {
        let phys = usize::from(!orig);
        self.tcp_weirds = 0;
        if !self.started {
            self.started = true;
            self.tcp = Some(Box::new(Tcp {
                side: [TcpSide::new(), TcpSide::new()],
                partial: false,
                first_seen: [false; 2],
            }));
            // Zeek: a connection that starts with anything but a bare SYN
            // is partial; its responder is guessed from the ports (a SYN-ACK
            // is flipped only when its source alone is a server port).
            let bare_syn = t.syn() && !t.ack_flag();
            if !bare_syn && likely_tcp_server(t.src_port()) {
                let flip = if likely_tcp_server(t.dst_port()) {
                    !t.syn() && t.src_port() < t.dst_port()
                } else {
                    true
                };
                if flip {
                    self.flip();
                }
            }
        }
        let Some(mut tcp) = self.tcp.take() else {
            return Started::default();
        };
        let started = self.tcp_segment(&mut tcp, phys, t);
        self.tcp = Some(tcp);
        started
    }

    /// Raise weird `i` of [`TCP_WEIRDS`] on this segment.
    fn weird(&mut self, i: u8) {
        self.tcp_weirds |= 1 << i;
        self.did_weird = true;
    }

    fn flip(&mut self) {
        self.flipped = !self.flipped;
        if let Some(tcp) = self.tcp.as_deref_mut() {
            tcp.first_seen.swap(0, 1);
            tcp.partial = false;
        }
        self.add_letter(b'^');
    }

    fn tcp_segment(&mut self, tcp: &mut Tcp, phys: usize, t: &TcpView) -> Started {
        let [s0, s1] = &mut tcp.side;
        let (e, p) = if phys == 0 { (s0, s1) } else { (s1, s0) };
        let is_orig = self.is_orig(phys);

        // Zeek drops a segment with a bad checksum after noting it (and
        // raising `bad_TCP_checksum`).
        if matches!(t.checksum_status(), Status::Bad { .. }) {
            if e.chk.hit() {
                self.add_role(is_orig, b'c');
            }
            self.did_weird = true;
            return Started::default();
        }
        self.count(phys);

        let (syn, fin, rst, ack) = (t.syn(), t.fin(), t.rst(), t.ack_flag());
        // Zeek's len: the payload on the wire (IP length less headers).
        let captured = t.payload().len();
        let len = t.segment_len().unwrap_or(captured);
        let len32 = u32::try_from(len).unwrap_or(u32::MAX);

        // SetPartialStatus.
        let role = usize::from(!is_orig);
        if tcp.first_seen.get(role) == Some(&false) {
            if is_orig {
                tcp.partial = !syn || ack;
            } else if !tcp.partial {
                tcp.partial = !syn;
            }
        }

        let mut seg_len = len32;
        if syn {
            seg_len = seg_len.wrapping_add(1);
        }
        if fin {
            seg_len = seg_len.wrapping_add(1);
        }
        if rst {
            seg_len = seg_len.wrapping_sub(len32);
        }
        let base_seq = t.seq();
        let ack_seq = t.ack();
        let one_past = base_seq.wrapping_add(seg_len);

        // init_endpoint
        match e.state {
            TcpState::Inactive => {
                if syn {
                    e.init_seqs(base_seq, one_past);
                } else {
                    // As though a SYN came before it, so that relative
                    // numbers start at 1 (and it is not a retransmission).
                    e.init_seqs(base_seq.wrapping_sub(1), base_seq);
                }
            }
            TcpState::SynSent | TcpState::SynAckSent => {
                if syn && base_seq != e.start_u32() {
                    e.init_seqs(base_seq, one_past);
                }
            }
            TcpState::Established | TcpState::Partial => {
                if syn {
                    e.init_seqs(base_seq, one_past);
                }
            }
            TcpState::Reset => {
                if syn && e.prev_state == TcpState::Inactive {
                    e.init_seqs(base_seq, one_past);
                }
            }
            TcpState::Closed => {}
        }

        let mut underflow = false;
        let rel_seq = e.relative_seq(base_seq, e.last_seq, e.seq_wraps, &mut underflow);
        if underflow && !rst {
            self.weird(weird::SEQ_UNDERFLOW);
        }

        // update_history
        let bits = u8::from(syn) + u8::from(fin) + u8::from(rst);
        if bits > 1 {
            if fin && rst {
                self.check(is_orig, seen::FIN_RST, b'i');
            } else {
                self.check(is_orig, seen::MULTI_FLAG, b'q');
            }
        } else if bits == 1 {
            if syn {
                let code = if ack { b'h' } else { b's' };
                if self.check(is_orig, seen::SYN, code) && rel_seq != e.hist_last_syn {
                    self.add_role(is_orig, code);
                }
                e.hist_last_syn = rel_seq;
            }
            if fin {
                // A FIN's number is the one after its data.
                let at = rel_seq.wrapping_add(len as u64);
                if self.check(is_orig, seen::FIN, b'f') && at != e.hist_last_fin {
                    self.add_role(is_orig, b'f');
                }
                e.hist_last_fin = at;
            }
            if rst {
                if self.check(is_orig, seen::RST, b'r') && rel_seq != e.hist_last_rst {
                    self.add_role(is_orig, b'r');
                }
                e.hist_last_rst = rel_seq;
            }
        } else if len > 0 {
            self.check(is_orig, seen::DATA, b'd');
        } else if ack {
            self.check(is_orig, seen::ACK, b'a');
        }

        // update_window: a zero window is news unless it comes with or
        // after a RST, or after the peer's FIN.
        if t.window() == 0
            && !rst
            && p.state != TcpState::Closed
            && e.state != TcpState::Reset
            && e.win0.hit()
        {
            self.add_role(is_orig, b'w');
        }

        if !(e.did_close && p.did_close) {
            self.last_ns = Some(self.now_ns);
        }

        if syn {
            if rst {
                self.weird(weird::CHRISTMAS);
            }
            if t.flags() & wire::tcp::flag::URG != 0 {
                self.weird(weird::BAROQUE_SYN);
            }
            if len > 0 {
                self.weird(weird::SYN_WITH_DATA);
            }
        }
        if fin {
            e.fin_cnt = e.fin_cnt.saturating_add(1);
            e.fin_seq = rel_seq.wrapping_add(u64::from(seg_len));
        }
        if rst {
            e.rst_cnt = e.rst_cnt.saturating_add(1);
        }

        let mut rel_ack = 0u64;
        if ack {
            if p.state == TcpState::Inactive {
                rel_ack = 1;
                // Zeek's init_peer: this side acks data the peer never
                // sent, though it sent a SYN already.
                if !(syn || fin || rst)
                    && matches!(
                        e.state,
                        TcpState::SynSent | TcpState::SynAckSent | TcpState::Established
                    )
                    && !self.did_weird
                {
                    self.weird(weird::SPLIT_ROUTING);
                }
                // init_peer: number the peer as though its SYN was seen.
                let s = ack_seq.wrapping_sub(1);
                p.init_seqs(s, s);
            } else {
                let mut ack_underflow = false;
                rel_ack = p.relative_seq(ack_seq, p.ack_seq, p.ack_wraps, &mut ack_underflow);
                if ack_underflow {
                    rel_ack = 0;
                    self.weird(weird::ACK_UNDERFLOW);
                } else if !rst {
                    // update_ack_seq (RSTs' acks are not believed).
                    let d = seq_delta(ack_seq, p.ack_seq);
                    if !(ack_seq == 0 && d > TOO_LARGE_SEQ_DELTA) && d > 0 {
                        p.update_ack_seq(ack_seq);
                    }
                }
            }
        }

        // update_last_seq
        let delta_last = seq_delta(one_past, e.last_seq);
        if (syn || rst) && !(-TOO_LARGE_SEQ_DELTA..=TOO_LARGE_SEQ_DELTA).contains(&delta_last) {
            // Not believed.
        } else if fin && e.last_seq == e.start_u32().wrapping_add(1) {
            e.update_last_seq(one_past);
        } else if e.state == TcpState::Reset {
            // Nothing after a RST is believed.
        } else if delta_last > 0 {
            e.update_last_seq(one_past);
        } else if len > 0 && e.rxmit.hit() {
            self.add_role(is_orig, b't');
        }

        // The state machine.
        let flips_before = self.flipped;
        let mut do_close = false;
        let mut started = Started::default();
        match e.state {
            TcpState::Inactive => {
                if syn {
                    if is_orig {
                        started.attempt = true;
                        if ack {
                            self.weird(weird::ORIGINATOR_SYN_ACK);
                        }
                        e.set_state(if ack {
                            TcpState::SynAckSent
                        } else {
                            TcpState::SynSent
                        });
                    } else {
                        if ack {
                            let acked = seq_delta(ack_seq, p.start_u32()) >= 0
                                && seq_delta(ack_seq, p.last_seq) <= 0;
                            if !matches!(p.state, TcpState::Inactive | TcpState::Partial) && !acked
                            {
                                self.weird(weird::BAD_SYN_ACK);
                            }
                        } else if p.state == TcpState::SynAckSent && base_seq == e.start_u32() {
                            // A SYN answering a SYN-ACK seen first: the
                            // roles were the other way round.
                            tcp.partial = false;
                            self.flipped = !self.flipped;
                            tcp.first_seen.swap(0, 1);
                            self.add_letter(b'^');
                            p.set_state(TcpState::Established);
                            if let Some(f) = tcp.first_seen.get_mut(0) {
                                *f = true;
                            }
                        } else {
                            self.weird(weird::SIMULTANEOUS_OPEN);
                        }
                        if p.state == TcpState::SynSent {
                            p.set_state(TcpState::Established);
                        }
                        e.set_state(TcpState::Established);
                    }
                }
                if fin {
                    e.set_state(TcpState::Closed);
                    do_close = true;
                }
                if rst {
                    e.set_state(TcpState::Reset);
                    do_close = true;
                }
                if e.state == TcpState::Inactive {
                    let orig_side = if is_orig { &*e } else { &*p };
                    if !is_orig && len == 0 && orig_side.state == TcpState::SynSent {
                        // An ACK of the SYN before the SYN-ACK: not partial.
                    } else if ack && p.state == TcpState::Established {
                        // The SYN was missed but the SYN-ACK was seen.
                        e.set_state(TcpState::Established);
                        tcp.partial = false;
                        if let Some(f) = tcp.first_seen.get_mut(role) {
                            *f = true;
                        }
                    } else {
                        e.set_state(TcpState::Partial);
                    }
                }
            }
            TcpState::SynSent | TcpState::SynAckSent => {
                if syn {
                    if is_orig {
                        if ack && !fin && !rst && e.state != TcpState::SynAckSent {
                            self.weird(weird::REPEATED_SYN_WITH_ACK);
                        }
                    } else if !ack && e.state != TcpState::SynSent {
                        self.weird(weird::REPEATED_SYN_REPLY_WO_ACK);
                    }
                }
                if fin {
                    if matches!(p.state, TcpState::Inactive | TcpState::SynSent) {
                        self.weird(weird::INAPPROPRIATE_FIN);
                    }
                    e.set_state(TcpState::Closed);
                    do_close = true;
                }
                if rst {
                    e.set_state(TcpState::Reset);
                    do_close = true;
                } else if len > 0 {
                    self.weird(weird::DATA_BEFORE_ESTABLISHED);
                }
            }
            TcpState::Established | TcpState::Partial => {
                if syn && e.state == TcpState::Partial && p.state == TcpState::Inactive && !ack {
                    e.set_state(TcpState::SynSent);
                }
                if fin && !rst {
                    e.set_state(TcpState::Closed);
                    if p.state == TcpState::Reset && p.prev_state == TcpState::Closed {
                        // A FIN then RST from the peer was a normal close.
                        p.set_state(TcpState::Closed);
                    }
                    do_close = true;
                }
                if rst {
                    e.set_state(TcpState::Reset);
                    do_close = true;
                }
            }
            TcpState::Closed => {
                if syn {
                    self.weird(weird::SYN_AFTER_CLOSE);
                }
                if fin && delta_last > 0 {
                    self.weird(weird::FIN_ADVANCED_LAST_SEQ);
                }
                if rst && p.state != TcpState::Closed {
                    e.set_state(TcpState::Reset);
                    if !e.did_close {
                        do_close = true;
                    }
                }
            }
            TcpState::Reset => {
                if syn {
                    self.weird(weird::SYN_AFTER_RESET);
                }
                if len > 0 && !rst {
                    self.weird(weird::DATA_AFTER_RESET);
                }
            }
        }
        let is_orig_now = if self.flipped != flips_before {
            !is_orig
        } else {
            is_orig
        };

        // The ACK may reveal that the peer's data has a hole we never saw.
        if ack {
            let established = established_or_cleanly_closing(p, e);
            let partial = tcp.partial;
            let (gaps, missed) = ack_received(p, rel_ack, partial);
            if established {
                for _ in 0..gaps {
                    if p.gap.hit() {
                        self.add_role(!is_orig_now, b'g');
                    }
                }
                self.missed_bytes = self.missed_bytes.saturating_add(missed);
            }
        }

        // CheckPIA_FirstPacket (with the role the segment came in with).
        if let Some(f) = tcp.first_seen.get_mut(role) {
            if is_orig || !tcp.partial {
                *f = true;
            }
        }

        // DataSent: whole segments only (a segment cut by the snapshot
        // length is never delivered, so its bytes become a gap).
        let rel_data = if syn {
            rel_seq.wrapping_add(1)
        } else {
            rel_seq
        };
        if len > 0 && !rst && !underflow && captured >= len {
            data_sent(e, rel_data, len as u64);
        }

        // ConnectionClosed: news only the first time a side closes.
        if do_close && !e.did_close {
            e.did_close = true;
            if e.state == TcpState::Reset || p.did_close || p.state == TcpState::Inactive {
                started.closed = true;
            } else if e.prev_state != TcpState::Inactive {
                started.half_closed = true;
            }
        }
        started
    }

    /// A UDP datagram; `orig` if the flow's first sender sent it.
    pub fn udp(&mut self, orig: bool, u: &UdpView) {
        let phys = usize::from(!orig);
        if !self.started {
            self.started = true;
            self.dgram_len = [-1, -1];
        }
        // A datagram with a bad checksum goes no further than its history
        // letter: Zeek's UDP analyzer returns before it hands the packet
        // on to the analyzer that counts packets (its vxlan
        // unknown-internal-packet baseline: history `C`, no packets).
        if matches!(u.checksum_status(), Status::Bad { .. }) {
            if self.dgram_chk.get_mut(phys).is_some_and(Scaled::hit) {
                self.add_letter(if phys == 0 { b'C' } else { b'c' });
            }
            return;
        }
        self.count(phys);
        let ulen = i64::from(u.length()) - 8;
        self.udp_letter(phys);
        self.datagram_valid(phys, ulen);
    }

    /// A packet of another transport (ICMP) carrying `payload` bytes, or a
    /// UDP datagram whose view is not at hand.
    pub fn datagram(&mut self, orig: bool, payload: usize) {
        let phys = usize::from(!orig);
        if !self.started {
            self.started = true;
            self.dgram_len = [-1, -1];
        }
        self.count(phys);
        self.datagram_valid(phys, i64::try_from(payload).unwrap_or(i64::MAX));
    }

    /// An ICMP or ICMPv6 message, the innermost outside quotes in `d`;
    /// `orig` if the flow's first sender sent it. Zeek drops a message
    /// with a bad checksum without counting it (true is returned then);
    /// its size is the IP payload less the 8-byte ICMP header.
    pub fn icmp(&mut self, orig: bool, d: &Dissection<'_>) -> bool {
        let phys = usize::from(!orig);
        if !self.started {
            self.started = true;
            self.dgram_len = [-1, -1];
        }
        let mut msg: Option<(usize, bool, bool, i64)> = None;
        let mut len: Option<i64> = None;
        for e in d.layers.iter().rev().filter(|e| !e.quoted) {
            match (&e.layer, msg) {
                (Layer::Icmp(v), None) => {
                    let own = (v.header_len() + v.payload().len()) as i64;
                    let bad = matches!(v.checksum_status(), Status::Bad { .. });
                    msg = Some((e.offset, bad, e.reassembled, own));
                }
                (Layer::Icmpv6(v), None) => {
                    let own = (v.header_len() + v.payload().len()) as i64;
                    let bad = matches!(v.checksum_status(), Status::Bad { .. });
                    msg = Some((e.offset, bad, e.reassembled, own));
                }
                (Layer::Ip(ip), Some((off, _, re, own))) => {
                    len = Some(if re == e.reassembled {
                        (e.offset + ip.total_len()) as i64 - off as i64
                    } else {
                        own
                    });
                    break;
                }
                (Layer::Ipv6(ip), Some((off, _, re, own))) => {
                    len = Some(if re == e.reassembled {
                        (e.offset + 40 + usize::from(ip.payload_len())) as i64 - off as i64
                    } else {
                        own
                    });
                    break;
                }
                _ => {}
            }
        }
        let Some((_, bad, _, own)) = msg else {
            self.datagram(orig, 0);
            return false;
        };
        if bad {
            return true;
        }
        self.count(phys);
        self.datagram_valid(phys, len.unwrap_or(own) - 8);
        false
    }

    fn datagram_valid(&mut self, phys: usize, len: i64) {
        self.last_ns = Some(self.now_ns);
        if let Some(l) = self.dgram_len.get_mut(phys) {
            *l = if *l < 0 { len } else { l.saturating_add(len) };
        }
    }

    /// Record the 'D'/'d' letters of a UDP flow (Zeek records no letters
    /// for ICMP). Called for UDP datagrams with a good checksum.
    fn udp_letter(&mut self, phys: usize) {
        let (mask, code) = if phys == 0 { (0x1, b'D') } else { (0x2, b'd') };
        if self.seen & mask == 0 {
            self.seen |= mask;
            self.add_letter(code);
        }
    }

    /// Zeek's verdict on the connection. `proto`: "tcp", "udp" or "icmp";
    /// `udp_flip`: Zeek made the second side the originator of this UDP
    /// flow.
    pub fn summary(&self, proto: &str, udp_flip: bool) -> Summary {
        match (&self.tcp, proto) {
            (Some(tcp), _) => {
                let (o, r) = if self.flipped {
                    (&tcp.side[1], &tcp.side[0])
                } else {
                    (&tcp.side[0], &tcp.side[1])
                };
                let orig_bytes = o.size(r);
                let resp_bytes = r.size(o);
                Summary {
                    flipped: self.flipped,
                    orig_bytes,
                    resp_bytes,
                    conn_state: tcp_conn_state(o, r, orig_bytes, resp_bytes, &self.letters),
                }
            }
            (None, p) => {
                let flipped = udp_flip && p == "udp";
                let [a, b] = self.dgram_len;
                let (o, r) = if flipped { (b, a) } else { (a, b) };
                let conn_state = if p == "udp" {
                    match (o >= 0, r >= 0) {
                        (true, true) => "SF",
                        (true, false) => "S0",
                        (false, true) => "SHR",
                        (false, false) => "OTH",
                    }
                } else {
                    "OTH"
                };
                Summary {
                    flipped,
                    orig_bytes: o.max(0) as u64,
                    resp_bytes: r.max(0) as u64,
                    conn_state,
                }
            }
        }
    }

    /// Zeek's `AttemptTimer`: the connection is still only an attempt
    /// (the originator sent a SYN, the responder nothing) and ends.
    pub fn attempt_over(&self) -> bool {
        self.roles().is_some_and(|[o, r]| {
            matches!(o.state, TcpState::SynSent | TcpState::SynAckSent)
                && r.state == TcpState::Inactive
        })
    }

    /// Zeek's TCP `ExpireTimer` at `now_ns`: quiet for longer than
    /// `tcp_connection_linger` and over (a close with the other side reset
    /// or silent), or nothing ever happened on it.
    pub fn expire_over(&self, now_ns: i64, first_ns: i64) -> bool {
        let Some([o, r]) = self.roles() else {
            return false;
        };
        let last = self.last_ns.unwrap_or(first_ns);
        if last.saturating_add(super::timers::TCP_CONNECTION_LINGER_NS) >= now_ns {
            return false;
        }
        let inactive = o.state == TcpState::Inactive || r.state == TcpState::Inactive;
        let over = (o.did_close || r.did_close)
            && ((o.did_close && r.did_close)
                || o.state == TcpState::Reset
                || r.state == TcpState::Reset
                || inactive);
        over || (o.state == TcpState::Inactive && r.state == TcpState::Inactive)
    }

    /// Each side's TCP state by role: originator, responder.
    fn roles(&self) -> Option<[&TcpSide; 2]> {
        let [a, b] = &self.tcp.as_deref()?.side;
        Some(if self.flipped { [b, a] } else { [a, b] })
    }

    /// Zeek's `is_partial`: a TCP connection picked up without its
    /// handshake.
    pub fn partial(&self) -> bool {
        self.tcp.as_deref().is_some_and(|t| t.partial)
    }

    /// Each side's TCP state, physically (first sender first).
    pub fn tcp_states(&self) -> Option<[TcpState; 2]> {
        self.tcp
            .as_deref()
            .map(|t| [t.side[0].state, t.side[1].state])
    }
}

/// A side is "clean": established, or closed after being established.
fn is_clean(s: &TcpSide) -> bool {
    s.state == TcpState::Established
        || (s.state == TcpState::Closed && s.prev_state == TcpState::Established)
}

/// Zeek reports content gaps only between two clean sides.
fn established_or_cleanly_closing(a: &TcpSide, b: &TcpSide) -> bool {
    is_clean(a) && is_clean(b)
}

/// The peer acknowledged `s`'s data up to `seq` (relative): what lies
/// between the delivered data and `seq` and was never seen is a gap.
/// Returns how many gaps there were and their bytes.
fn ack_received(s: &mut TcpSide, seq: u64, partial: bool) -> (u32, u64) {
    // The FIN's own sequence number is not data.
    let seq = if s.fin_cnt > 0 && seq >= s.fin_seq {
        s.fin_seq.saturating_sub(1)
    } else {
        seq
    };
    if seq <= s.trim {
        return (0, 0);
    }
    let mut gaps = 0u32;
    let mut missed = 0u64;
    if seq > s.next {
        // Zeek's Undelivered.
        if seq <= 2 && partial {
            // The first ack of a partial connection, whose start was made
            // up: not a gap.
            s.trim = seq;
            return (0, 0);
        }
        if !s.skip {
            for &(a, b) in &s.held {
                if a >= seq {
                    break;
                }
                if a > s.next {
                    gaps += 1;
                    missed = missed.saturating_add(a - s.next);
                }
                s.next = s.next.max(b);
            }
            if seq > s.next {
                gaps += 1;
                missed = missed.saturating_add(seq - s.next);
            }
        }
        s.next = s.next.max(seq);
    }
    s.trim = seq;
    drop_below(s, seq);
    (gaps, missed)
}

/// Forget held pieces wholly below `seq`; deliver what now touches `next`.
fn drop_below(s: &mut TcpSide, seq: u64) {
    let next = s.next;
    s.held.retain_mut(|(a, b)| {
        *a = (*a).max(next);
        *b > seq && *b > next
    });
    s.deliver_held();
}

/// Data `[seq, seq + len)` (relative) reached the reassembler.
fn data_sent(s: &mut TcpSide, seq: u64, len: u64) {
    if s.skip || len == 0 {
        return;
    }
    let ack = s.relative(s.ack_seq, s.ack_wraps);
    let mut lo = seq;
    let hi = seq.saturating_add(len);
    if lo < ack {
        if hi <= ack {
            return; // delivered and acknowledged already
        }
        lo = ack;
    }
    if hi <= s.trim {
        return;
    }
    lo = lo.max(s.trim);
    s.high = s.high.max(hi);
    if lo <= s.next {
        s.next = s.next.max(hi);
        s.deliver_held();
        // Nothing acknowledged after a full initial window: stop keeping
        // delivered data (Zeek trims to what it delivered).
        if s.no_data_acked() && s.size_hint() > MAX_INITIAL_WINDOW {
            s.trim = s.trim.max(s.next);
        }
    } else {
        s.hold(lo, hi);
    }
    if s.no_data_acked() && s.undelivered() > MAX_ABOVE_HOLE_WITHOUT_ACKS {
        s.skip = true;
        s.held = Vec::new();
    }
    if s.high.saturating_sub(s.trim) > EXCESSIVE_DATA_WITHOUT_ACKS {
        s.skip = true;
        s.held = Vec::new();
    }
}

impl TcpSide {
    /// Sequence-space size without the peer's view (for the initial
    /// window check).
    fn size_hint(&self) -> u64 {
        let last = Self::full(self.last_seq, self.seq_wraps);
        let ack = Self::full(self.ack_seq, self.ack_wraps);
        last.max(ack)
            .wrapping_sub(self.start_seq as u64)
            .saturating_sub(1)
    }
}

/// Zeek's `conn_state` for TCP (scripts/base/protocols/conn/main.zeek).
fn tcp_conn_state(
    o: &TcpSide,
    r: &TcpSide,
    orig_bytes: u64,
    resp_bytes: u64,
    history: &[u8],
) -> &'static str {
    use TcpState::*;
    let o_inactive = matches!(o.state, Inactive | Partial);
    let r_inactive = matches!(r.state, Inactive | Partial);
    if r.state == Reset {
        if matches!(o.state, SynSent | SynAckSent)
            || (o.state == Reset && orig_bytes == 0 && resp_bytes == 0)
        {
            "REJ"
        } else if o_inactive {
            "RSTRH"
        } else {
            "RSTR"
        }
    } else if o.state == Reset {
        if r_inactive {
            if rstos0_history(history) {
                "RSTOS0"
            } else {
                "OTH"
            }
        } else {
            "RSTO"
        }
    } else if r.state == Closed && o.state == Closed {
        "SF"
    } else if o.state == Closed {
        if r_inactive {
            "SH"
        } else {
            "S2"
        }
    } else if r.state == Closed {
        if o_inactive {
            "SHR"
        } else {
            "S3"
        }
    } else if o.state == SynSent && r.state == Inactive {
        "S0"
    } else if o.state == Established && r.state == Established {
        "S1"
    } else {
        "OTH"
    }
}

/// Zeek's `/\^?S[^HAFGIQ]*R.*/` over the whole history: an optional flip
/// mark, the originator's SYN, then a RST from the originator before any
/// of its ACKs, data-less handshake letters, FINs, gaps, or odd flags.
fn rstos0_history(h: &[u8]) -> bool {
    let rest = h.strip_prefix(b"^").unwrap_or(h);
    let Some(rest) = rest.strip_prefix(b"S") else {
        return false;
    };
    for &c in rest {
        if c == b'R' {
            return true;
        }
        if b"HAFGIQ".contains(&c) {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests;
