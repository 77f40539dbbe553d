//! The Transmission Control Protocol header (RFC 9293) and its options.
//!
//! The view covers the bytes the capture holds (clamped by the dissector to
//! the IP payload); [`TcpView::with_wire_len`] tells it how long the segment
//! was on the wire, which gives `tcp.len` and decides whether the checksum
//! can be verified. Sequence analysis (relative numbers, window scaling) is
//! the flow engine's: it hands its results back with
//! [`TcpView::set_relative`] and [`TcpView::set_window_shift`].
//!
//! tshark is lenient here and so are we: a data offset below 5 stops after
//! the ports, sequence number and header length; an option whose length is
//! below 2 or runs past the header ends the option list
//! ([`TcpView::options_malformed`]).

use crate::bytes::{be16, be32, tail, u8_at};
use crate::checksum::{self, Status};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::OnceLock;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const SRC_PORT: Range<usize> = 0..2;
    pub const DST_PORT: Range<usize> = 2..4;
    pub const SEQ: Range<usize> = 4..8;
    pub const ACK: Range<usize> = 8..12;
    /// Data offset (high nibble of byte 12) and the 12 flag bits.
    pub const OFFSET: Range<usize> = 12..13;
    pub const FLAGS: Range<usize> = 12..14;
    pub const WINDOW: Range<usize> = 14..16;
    pub const CHECKSUM: Range<usize> = 16..18;
    pub const URGENT: Range<usize> = 18..20;
    pub const HEADER_LEN: usize = 20;
}

/// The flag bits of the 16-bit word at offset 12 (the low 12 bits).
pub mod flag {
    pub const FIN: u16 = 0x001;
    pub const SYN: u16 = 0x002;
    pub const RST: u16 = 0x004;
    pub const PSH: u16 = 0x008;
    pub const ACK: u16 = 0x010;
    pub const URG: u16 = 0x020;
    pub const ECE: u16 = 0x040;
    pub const CWR: u16 = 0x080;
    /// Accurate ECN (formerly the ECN nonce, NS).
    pub const AE: u16 = 0x100;
    /// The three reserved bits.
    pub const RES: u16 = 0xe00;
    pub const ALL: u16 = 0xfff;
}

/// TCP option kinds (IANA).
pub mod option {
    pub const EOL: u8 = 0;
    pub const NOP: u8 = 1;
    pub const MSS: u8 = 2;
    pub const WSCALE: u8 = 3;
    pub const SACK_PERM: u8 = 4;
    pub const SACK: u8 = 5;
    pub const TIMESTAMP: u8 = 8;
    pub const MD5: u8 = 19;
    pub const USER_TO: u8 = 28;
    pub const AO: u8 = 29;
    pub const MPTCP: u8 = 30;
    pub const TFO: u8 = 34;
    pub const EXP1: u8 = 253;
    pub const EXP2: u8 = 254;
}

field_table! {
    SrcPort: "tcp.srcport", "Source Port", Kind::Dec;
    DstPort: "tcp.dstport", "Destination Port", Kind::Dec;
    Port: "tcp.port", "Source or Destination Port", Kind::Dec;
    Seq: "tcp.seq", "Sequence Number", Kind::Dec;
    SeqRaw: "tcp.seq_raw", "Sequence Number (raw)", Kind::Dec;
    Ack: "tcp.ack", "Acknowledgment Number", Kind::Dec;
    AckRaw: "tcp.ack_raw", "Acknowledgment number (raw)", Kind::Dec;
    HdrLen: "tcp.hdr_len", "Header Length", Kind::Dec;
    Flags: "tcp.flags", "Flags", Kind::Hex(4);
    FlagsRes: "tcp.flags.res", "Reserved", Kind::Bool;
    FlagsAe: "tcp.flags.ae", "Accurate ECN", Kind::Bool;
    FlagsCwr: "tcp.flags.cwr", "Congestion Window Reduced", Kind::Bool;
    FlagsEce: "tcp.flags.ece", "ECN-Echo", Kind::Bool;
    FlagsUrg: "tcp.flags.urg", "Urgent", Kind::Bool;
    FlagsAck: "tcp.flags.ack", "Acknowledgment", Kind::Bool;
    FlagsPush: "tcp.flags.push", "Push", Kind::Bool;
    FlagsReset: "tcp.flags.reset", "Reset", Kind::Bool;
    FlagsSyn: "tcp.flags.syn", "Syn", Kind::Bool;
    FlagsFin: "tcp.flags.fin", "Fin", Kind::Bool;
    FlagsStr: "tcp.flags.str", "TCP Flags", Kind::Str;
    WindowSizeValue: "tcp.window_size_value", "Window", Kind::Dec;
    WindowSize: "tcp.window_size", "Calculated window size", Kind::Dec;
    Checksum: "tcp.checksum", "Checksum", Kind::Hex(4);
    ChecksumStatus: "tcp.checksum.status", "Checksum Status", Kind::Dec;
    UrgentPointer: "tcp.urgent_pointer", "Urgent Pointer", Kind::Dec;
    Len: "tcp.len", "TCP Segment Len", Kind::Dec;
    Options: "tcp.options", "TCP Options", Kind::Bytes;
    OptionKind: "tcp.option_kind", "Kind", Kind::Dec;
    OptionLen: "tcp.option_len", "Length", Kind::Dec;
    OptNop: "tcp.options.nop", "TCP Option - No-Operation (NOP)", Kind::Bytes;
    OptEol: "tcp.options.eol", "TCP Option - End of Option List (EOL)", Kind::Bytes;
    OptMss: "tcp.options.mss", "TCP Option - Maximum segment size", Kind::Bytes;
    MssVal: "tcp.options.mss_val", "MSS Value", Kind::Dec;
    OptWscale: "tcp.options.wscale", "TCP Option - Window scale", Kind::Bytes;
    WscaleShift: "tcp.options.wscale.shift", "Shift count", Kind::Dec;
    WscaleMultiplier: "tcp.options.wscale.multiplier", "Multiplier", Kind::Dec;
    OptSackPerm: "tcp.options.sack_perm", "TCP Option - SACK permitted", Kind::Bytes;
    OptSack: "tcp.options.sack", "TCP Option - SACK", Kind::Bytes;
    SackLe: "tcp.options.sack_le", "TCP SACK Left Edge", Kind::Dec;
    SackRe: "tcp.options.sack_re", "TCP SACK Right Edge", Kind::Dec;
    SackCount: "tcp.options.sack.count", "TCP SACK Count", Kind::Dec;
    OptTimestamp: "tcp.options.timestamp", "TCP Option - Timestamps", Kind::Bytes;
    TsVal: "tcp.options.timestamp.tsval", "Timestamp value", Kind::Dec;
    TsEcr: "tcp.options.timestamp.tsecr", "Timestamp echo reply", Kind::Dec;
    OptMd5: "tcp.options.md5", "TCP Option - TCP MD5 signature", Kind::Bytes;
    Md5Digest: "tcp.options.md5.digest", "MD5 digest", Kind::Bytes;
    OptTfo: "tcp.options.tfo", "TCP Option - TCP Fast Open", Kind::Bytes;
    TfoCookie: "tcp.options.tfo.cookie", "Fast Open Cookie", Kind::Bytes;
    OptExperimental: "tcp.options.experimental", "TCP Option - Experimental", Kind::Bytes;
    ExperimentalData: "tcp.options.experimental.data", "Data", Kind::Bytes;
    OptUnknown: "tcp.options.unknown", "TCP Option - Unknown", Kind::Bytes;
    UnknownPayload: "tcp.options.unknown.payload", "Payload", Kind::Bytes;
    Payload: "tcp.payload", "TCP payload", Kind::Bytes;
    Stream: "tcp.stream", "Stream index", Kind::Dec;
    Nxtseq: "tcp.nxtseq", "Next Sequence Number", Kind::Dec;
    TimeRelative: "tcp.time_relative", "Time since first frame in this TCP stream", Kind::RelTime;
    TimeDelta: "tcp.time_delta", "Time since previous frame in this TCP stream", Kind::RelTime;
    Analysis: "tcp.analysis", "SEQ/ACK analysis", Kind::None;
    AnalysisFlags: "tcp.analysis.flags", "TCP Analysis Flags", Kind::None;
    Retransmission: "tcp.analysis.retransmission", "This frame is a (suspected) retransmission", Kind::None;
    FastRetransmission: "tcp.analysis.fast_retransmission", "This frame is a (suspected) fast retransmission", Kind::None;
    SpuriousRetransmission: "tcp.analysis.spurious_retransmission", "This frame is a (suspected) spurious retransmission", Kind::None;
    OutOfOrder: "tcp.analysis.out_of_order", "This frame is a (suspected) out-of-order segment", Kind::None;
    ReusedPorts: "tcp.analysis.reused_ports", "A new tcp session is started with the same ports as an earlier session in this trace", Kind::None;
    LostSegment: "tcp.analysis.lost_segment", "Previous segment(s) not captured (common at capture start)", Kind::None;
    AckLostSegment: "tcp.analysis.ack_lost_segment", "ACKed segment that wasn't captured (common at capture start)", Kind::None;
    WindowUpdate: "tcp.analysis.window_update", "Window update", Kind::None;
    WindowFull: "tcp.analysis.window_full", "Window full", Kind::None;
    KeepAlive: "tcp.analysis.keep_alive", "Keep-Alive", Kind::None;
    KeepAliveAck: "tcp.analysis.keep_alive_ack", "Keep-Alive ACK", Kind::None;
    DuplicateAck: "tcp.analysis.duplicate_ack", "Duplicate ACK", Kind::None;
    DuplicateAckNum: "tcp.analysis.duplicate_ack_num", "Duplicate ACK #", Kind::Dec;
    DuplicateAckFrame: "tcp.analysis.duplicate_ack_frame", "Duplicate to the ACK in frame", Kind::Dec;
    ZeroWindowProbe: "tcp.analysis.zero_window_probe", "Zero Window Probe", Kind::None;
    ZeroWindowProbeAck: "tcp.analysis.zero_window_probe_ack", "Zero Window Probe Ack", Kind::None;
    ZeroWindow: "tcp.analysis.zero_window", "Zero Window", Kind::None;
    AcksFrame: "tcp.analysis.acks_frame", "This is an ACK to the segment in frame", Kind::Dec;
    AckRtt: "tcp.analysis.ack_rtt", "The RTT to ACK the segment was", Kind::RelTime;
    InitialRtt: "tcp.analysis.initial_rtt", "iRTT", Kind::RelTime;
    BytesInFlight: "tcp.analysis.bytes_in_flight", "Bytes in flight", Kind::Dec;
    PushBytesSent: "tcp.analysis.push_bytes_sent", "Bytes sent since last PSH flag", Kind::Dec;
}

/// The [SEQ/ACK analysis] flags of a segment (tshark's `tcp.analysis.*`),
/// as bits of [`TcpAnalysis::flags`].
pub mod analysis {
    pub const RETRANSMISSION: u32 = 1 << 0;
    pub const FAST_RETRANSMISSION: u32 = 1 << 1;
    pub const SPURIOUS_RETRANSMISSION: u32 = 1 << 2;
    pub const OUT_OF_ORDER: u32 = 1 << 3;
    pub const REUSED_PORTS: u32 = 1 << 4;
    pub const LOST_SEGMENT: u32 = 1 << 5;
    pub const ACK_LOST_SEGMENT: u32 = 1 << 6;
    pub const WINDOW_UPDATE: u32 = 1 << 7;
    pub const WINDOW_FULL: u32 = 1 << 8;
    pub const KEEP_ALIVE: u32 = 1 << 9;
    pub const KEEP_ALIVE_ACK: u32 = 1 << 10;
    pub const DUPLICATE_ACK: u32 = 1 << 11;
    pub const ZERO_WINDOW_PROBE: u32 = 1 << 12;
    pub const ZERO_WINDOW_PROBE_ACK: u32 = 1 << 13;
    pub const ZERO_WINDOW: u32 = 1 << 14;
}

/// What the flow engine's sequence analysis found for one segment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpAnalysis {
    /// tshark made an analysis record for the segment (`tcp.analysis` is
    /// shown), even if nothing in it is printed.
    pub present: bool,
    /// Bits of [`analysis`].
    pub flags: u32,
    /// For a duplicate ACK: which one (1, 2, …) and the frame it repeats.
    pub dup_ack_num: u32,
    pub dup_ack_frame: u32,
    /// The frame whose data this segment acknowledges (0: none) and how long
    /// after it this came, in nanoseconds.
    pub acks_frame: u32,
    pub ack_rtt_ns: Option<u64>,
    /// The handshake's round-trip time (SYN to the ACK of the SYN-ACK).
    pub initial_rtt_ns: Option<u64>,
    pub bytes_in_flight: Option<u32>,
    pub push_bytes_sent: Option<u32>,
}

/// What the flow engine knows of a segment: its stream, timing and analysis.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpFlowInfo {
    /// tshark's `tcp.stream`: conversations numbered from 0 in order of
    /// first appearance.
    pub stream: u32,
    /// Relative sequence number after this segment, when tshark shows one.
    pub nxtseq: Option<u32>,
    /// Nanoseconds since the stream's first frame and since its previous one.
    pub time_relative_ns: u64,
    pub time_delta_ns: u64,
    pub analysis: TcpAnalysis,
}

/// A field the flow engine supplied. These have no bytes of their own
/// (tshark shows them in brackets): the range is empty.
fn flow_field<'a>(info: &TcpFlowInfo, f: Field, out: &mut dyn FieldSink<'a>) {
    use analysis::*;
    let a = &info.analysis;
    let none = 0..0;
    let flag = |bit: u32, out: &mut dyn FieldSink<'a>| {
        if a.flags & bit != 0 {
            out.value(Value::Present, 0..0)
        }
    };
    let some_u32 = |v: Option<u32>, out: &mut dyn FieldSink<'a>| {
        if let Some(n) = v {
            out.value(Value::UInt(n.into()), 0..0)
        }
    };
    match f {
        Field::Stream => out.value(Value::UInt(info.stream.into()), none),
        Field::Nxtseq => some_u32(info.nxtseq, out),
        Field::TimeRelative => out.value(rel_time(info.time_relative_ns), none),
        Field::TimeDelta => out.value(rel_time(info.time_delta_ns), none),
        Field::Analysis
            if a.present
                || a.flags != 0
                || a.acks_frame != 0
                || a.bytes_in_flight.is_some()
                || a.initial_rtt_ns.is_some() =>
        {
            out.value(Value::Present, none)
        }
        Field::AnalysisFlags if a.flags != 0 => out.value(Value::Present, none),
        Field::Retransmission => flag(RETRANSMISSION, out),
        Field::FastRetransmission => flag(FAST_RETRANSMISSION, out),
        Field::SpuriousRetransmission => flag(SPURIOUS_RETRANSMISSION, out),
        Field::OutOfOrder => flag(OUT_OF_ORDER, out),
        Field::ReusedPorts => flag(REUSED_PORTS, out),
        Field::LostSegment => flag(LOST_SEGMENT, out),
        Field::AckLostSegment => flag(ACK_LOST_SEGMENT, out),
        Field::WindowUpdate => flag(WINDOW_UPDATE, out),
        Field::WindowFull => flag(WINDOW_FULL, out),
        Field::KeepAlive => flag(KEEP_ALIVE, out),
        Field::KeepAliveAck => flag(KEEP_ALIVE_ACK, out),
        // tshark shows the item and, under the same name, its expert info.
        Field::DuplicateAck => {
            flag(DUPLICATE_ACK, out);
            flag(DUPLICATE_ACK, out)
        }
        Field::ZeroWindowProbe => flag(ZERO_WINDOW_PROBE, out),
        Field::ZeroWindowProbeAck => flag(ZERO_WINDOW_PROBE_ACK, out),
        Field::ZeroWindow => flag(ZERO_WINDOW, out),
        Field::DuplicateAckNum if a.flags & DUPLICATE_ACK != 0 => {
            out.value(Value::UInt(a.dup_ack_num.into()), none)
        }
        Field::DuplicateAckFrame if a.flags & DUPLICATE_ACK != 0 => {
            out.value(Value::UInt(a.dup_ack_frame.into()), none)
        }
        Field::AcksFrame if a.acks_frame != 0 => out.value(Value::UInt(a.acks_frame.into()), none),
        Field::AckRtt => {
            if let Some(ns) = a.ack_rtt_ns {
                out.value(rel_time(ns), none)
            }
        }
        Field::InitialRtt => {
            if let Some(ns) = a.initial_rtt_ns {
                out.value(rel_time(ns), none)
            }
        }
        Field::BytesInFlight => some_u32(a.bytes_in_flight, out),
        Field::PushBytesSent => some_u32(a.push_bytes_sent, out),
        _ => {}
    }
}

/// A duration in nanoseconds as a relative-time value.
fn rel_time(ns: u64) -> Value<'static> {
    Value::Time {
        secs: i64::try_from(ns / 1_000_000_000).unwrap_or(i64::MAX),
        nanos: (ns % 1_000_000_000) as u32,
    }
}

/// Sequence-number bases from the flow engine, to print relative numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Relative {
    seq_base: u32,
    ack_base: Option<u32>,
}

/// A view over a TCP segment (header, options and the captured payload).
#[derive(Clone, Copy, Debug)]
pub struct TcpView<'a> {
    bytes: &'a [u8],
    /// Length of the segment on the wire (from the IP header).
    wire_len: usize,
    checksum_status: Status,
    /// Inside an ICMP error: possibly only the first bytes of the header.
    quoted: bool,
    /// Inside an ICMPv6 error, where tshark also shows `tcp.seq_raw`.
    quoted_v6: bool,
    relative: Option<Relative>,
    window_shift: Option<u8>,
    flow: Option<TcpFlowInfo>,
}

impl<'a> TcpView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold at least the 20-byte fixed header.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(Self::make(bytes, false))
    }

    /// A view over the start of a segment quoted in an ICMP error, which
    /// often holds only the ports and sequence number (at least the ports are
    /// needed). Like tshark, it shows `tcp.seq` as the raw number and no
    /// `tcp.len`.
    pub fn new_quoted(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, 4)?;
        Ok(Self::make(bytes, true))
    }

    /// As [`TcpView::new_quoted`], for a segment quoted in an ICMPv6 error:
    /// there tshark 4.0 shows `tcp.seq_raw` as well.
    pub fn new_quoted_v6(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, 4)?;
        Ok(TcpView {
            quoted_v6: true,
            ..Self::make(bytes, true)
        })
    }

    fn make(bytes: &'a [u8], quoted: bool) -> Self {
        TcpView {
            bytes,
            wire_len: bytes.len(),
            checksum_status: Status::Unverified,
            quoted,
            quoted_v6: false,
            relative: None,
            window_shift: None,
            flow: None,
        }
    }

    /// The segment's length on the wire per the IP header (default: the
    /// captured length).
    pub fn with_wire_len(mut self, len: usize) -> Self {
        self.wire_len = len;
        self
    }

    /// Record the result of [`TcpView::verify_checksum`] for `tcp.checksum.status`.
    pub fn set_checksum_status(&mut self, s: Status) {
        self.checksum_status = s;
    }

    pub fn checksum_status(&self) -> Status {
        self.checksum_status
    }

    /// Sequence bases from the flow engine: `tcp.seq` becomes `seq - seq_base`,
    /// and `tcp.ack` and the SACK edges become relative to `ack_base` (the
    /// peer's initial sequence number) when known.
    pub fn set_relative(&mut self, seq_base: u32, ack_base: Option<u32>) {
        self.relative = Some(Relative { seq_base, ack_base });
    }

    /// The window shift the flow engine learnt from the handshake, for
    /// `tcp.window_size` (the raw window otherwise).
    pub fn set_window_shift(&mut self, shift: Option<u8>) {
        self.window_shift = shift;
    }

    /// What the flow engine found: `tcp.stream`, timing and analysis fields.
    pub fn set_flow(&mut self, info: TcpFlowInfo) {
        self.flow = Some(info);
    }

    pub fn flow(&self) -> Option<&TcpFlowInfo> {
        self.flow.as_ref()
    }

    /// Whether this view is of a segment quoted in an ICMP error.
    pub fn is_quoted(&self) -> bool {
        self.quoted
    }

    /// The segment's length on the wire.
    pub fn wire_len(&self) -> usize {
        self.wire_len
    }

    /// Whether the fixed 20-byte header was captured (always, except in quotes).
    fn full(&self) -> bool {
        self.bytes.len() >= at::HEADER_LEN
    }

    pub fn src_port(&self) -> u16 {
        be16(self.bytes, at::SRC_PORT.start).unwrap_or(0)
    }

    pub fn dst_port(&self) -> u16 {
        be16(self.bytes, at::DST_PORT.start).unwrap_or(0)
    }

    /// The raw sequence number.
    pub fn seq(&self) -> u32 {
        be32(self.bytes, at::SEQ.start).unwrap_or(0)
    }

    /// The raw acknowledgment number.
    pub fn ack(&self) -> u32 {
        be32(self.bytes, at::ACK.start).unwrap_or(0)
    }

    /// The data offset field: the header length in 32-bit words.
    pub fn data_offset(&self) -> u8 {
        u8_at(self.bytes, at::OFFSET.start).unwrap_or(0) >> 4
    }

    /// The header length the data offset claims, in bytes (`tcp.hdr_len`).
    pub fn header_len_field(&self) -> usize {
        usize::from(self.data_offset()) * 4
    }

    /// Whether the data offset is at least 5 and the header fits in the
    /// segment as sent (a header cut by the snap length is not malformed).
    pub fn data_offset_ok(&self) -> bool {
        self.data_offset() >= 5 && self.header_len_field() <= self.wire_len
    }

    /// The bytes this layer's header covers: the claimed header length (at
    /// least the fixed 20 bytes), clamped to what was captured.
    pub fn header_len(&self) -> usize {
        self.header_len_field()
            .max(at::HEADER_LEN)
            .min(self.bytes.len())
    }

    /// The 12 flag bits.
    pub fn flags(&self) -> u16 {
        be16(self.bytes, at::FLAGS.start).unwrap_or(0) & flag::ALL
    }

    pub fn fin(&self) -> bool {
        self.flags() & flag::FIN != 0
    }

    pub fn syn(&self) -> bool {
        self.flags() & flag::SYN != 0
    }

    pub fn rst(&self) -> bool {
        self.flags() & flag::RST != 0
    }

    pub fn psh(&self) -> bool {
        self.flags() & flag::PSH != 0
    }

    /// The ACK flag (the acknowledgment number itself is [`TcpView::ack`]).
    pub fn ack_flag(&self) -> bool {
        self.flags() & flag::ACK != 0
    }

    pub fn window(&self) -> u16 {
        be16(self.bytes, at::WINDOW.start).unwrap_or(0)
    }

    pub fn checksum(&self) -> u16 {
        be16(self.bytes, at::CHECKSUM.start).unwrap_or(0)
    }

    pub fn urgent(&self) -> u16 {
        be16(self.bytes, at::URGENT.start).unwrap_or(0)
    }

    /// The segment's payload length as sent (`tcp.len`): wire length less
    /// the header, or `None` when the header does not fit in the segment.
    pub fn segment_len(&self) -> Option<usize> {
        let hl = self.header_len_field();
        (hl <= self.wire_len).then(|| self.wire_len - hl)
    }

    /// The captured bytes after the header; empty when the data offset is
    /// below 5 or past the end of the capture.
    pub fn payload(&self) -> &'a [u8] {
        if self.data_offset() < 5 {
            return &[];
        }
        tail(self.bytes, self.header_len_field())
    }

    /// The captured option bytes (between the fixed header and the data offset).
    pub fn options_bytes(&self) -> &'a [u8] {
        let end = self.header_len_field().min(self.bytes.len());
        self.bytes.get(at::HEADER_LEN..end).unwrap_or(&[])
    }

    /// The options, in order. Stops at the first malformed option (see
    /// [`TcpOptions::malformed`]) or at the end of the captured bytes.
    pub fn options(&self) -> TcpOptions<'a> {
        let end = if self.data_offset() >= 5 {
            self.header_len_field()
        } else {
            at::HEADER_LEN
        };
        TcpOptions {
            bytes: self.bytes,
            pos: at::HEADER_LEN,
            end,
            malformed: false,
        }
    }

    /// Whether an option has a length below 2 or runs past the header.
    pub fn options_malformed(&self) -> bool {
        let mut it = self.options();
        it.by_ref().for_each(drop);
        it.malformed()
    }

    /// Check the checksum against the pseudo-header partial sum from
    /// [`checksum::pseudo_header`]`(src, dst, 6, wire_len)`. `Unverified`
    /// when the capture holds less than the whole segment.
    pub fn verify_checksum(&self, pseudo: u32) -> Status {
        verify(self.bytes, self.wire_len, at::CHECKSUM.start, pseudo)
    }

    fn seq_shown(&self) -> u32 {
        match self.relative {
            Some(r) => self.seq().wrapping_sub(r.seq_base),
            None => self.seq(),
        }
    }

    fn ack_shown(&self) -> u32 {
        match self.relative.and_then(|r| r.ack_base) {
            Some(b) if self.ack_flag() => self.ack().wrapping_sub(b),
            _ => self.ack(),
        }
    }

    fn sack_shown(&self, edge: u32) -> u32 {
        // tshark prints SACK edges relative to the peer's base sequence; the
        // flow engine supplies it through `set_relative`, raw until then.
        match self.relative.and_then(|r| r.ack_base) {
            Some(b) => edge.wrapping_sub(b),
            None => edge,
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let has_seq = self.bytes.len() >= at::SEQ.end;
        // tshark stops after the header length when the data offset is below
        // 5, and shows no more than ports and sequence in a short quote.
        let body = self.full() && (self.quoted || self.data_offset() >= 5);
        let uint = |n: u64| Value::UInt(n);
        match f {
            Field::SrcPort => out.value(uint(self.src_port().into()), at::SRC_PORT),
            Field::DstPort => out.value(uint(self.dst_port().into()), at::DST_PORT),
            Field::Port => {
                out.value(uint(self.src_port().into()), at::SRC_PORT);
                out.value(uint(self.dst_port().into()), at::DST_PORT);
            }
            Field::Seq => {
                if has_seq && (self.quoted || self.relative.is_some()) {
                    out.value(uint(self.seq_shown().into()), at::SEQ)
                }
            }
            Field::SeqRaw => {
                if has_seq && (!self.quoted || self.quoted_v6) {
                    out.value(uint(self.seq().into()), at::SEQ)
                }
            }
            Field::Ack => {
                if body && (self.quoted || self.relative.is_some()) {
                    out.value(uint(self.ack_shown().into()), at::ACK)
                }
            }
            Field::AckRaw => {
                if body {
                    out.value(uint(self.ack().into()), at::ACK)
                }
            }
            Field::HdrLen => {
                if self.full() {
                    out.value(uint(self.header_len_field() as u64), at::OFFSET)
                }
            }
            Field::Flags => {
                if body {
                    out.value(uint(self.flags().into()), at::FLAGS)
                }
            }
            Field::FlagsRes => self.flag_bit(body, flag::RES, out),
            Field::FlagsAe => self.flag_bit(body, flag::AE, out),
            Field::FlagsCwr => self.flag_bit(body, flag::CWR, out),
            Field::FlagsEce => self.flag_bit(body, flag::ECE, out),
            Field::FlagsUrg => self.flag_bit(body, flag::URG, out),
            Field::FlagsAck => self.flag_bit(body, flag::ACK, out),
            Field::FlagsPush => self.flag_bit(body, flag::PSH, out),
            Field::FlagsReset => self.flag_bit(body, flag::RST, out),
            Field::FlagsSyn => self.flag_bit(body, flag::SYN, out),
            Field::FlagsFin => self.flag_bit(body, flag::FIN, out),
            Field::FlagsStr => {
                if body {
                    out.value(Value::Static(flags_str(self.flags())), at::FLAGS)
                }
            }
            Field::WindowSizeValue => {
                if body {
                    out.value(uint(self.window().into()), at::WINDOW)
                }
            }
            Field::WindowSize => {
                if body {
                    let shift = self.window_shift.unwrap_or(0).min(14);
                    out.value(uint(u64::from(self.window()) << shift), at::WINDOW)
                }
            }
            Field::Checksum => {
                if body {
                    out.value(uint(self.checksum().into()), at::CHECKSUM)
                }
            }
            Field::ChecksumStatus => {
                if body {
                    out.value(uint(self.checksum_status.code()), at::CHECKSUM)
                }
            }
            Field::UrgentPointer => {
                if body {
                    out.value(uint(self.urgent().into()), at::URGENT)
                }
            }
            Field::Len => {
                if self.full() && !self.quoted {
                    if let Some(n) = self.segment_len() {
                        out.value(uint(n as u64), at::OFFSET)
                    }
                }
            }
            Field::Options => {
                let o = self.options_bytes();
                if body && !o.is_empty() {
                    out.value(Value::Bytes(o), at::HEADER_LEN..at::HEADER_LEN + o.len())
                }
            }
            Field::Payload => {
                let p = self.payload();
                if body && !p.is_empty() {
                    let start = self.bytes.len() - p.len();
                    out.value(Value::Bytes(p), start..self.bytes.len())
                }
            }
            Field::Stream
            | Field::Nxtseq
            | Field::TimeRelative
            | Field::TimeDelta
            | Field::Analysis
            | Field::AnalysisFlags
            | Field::Retransmission
            | Field::FastRetransmission
            | Field::SpuriousRetransmission
            | Field::OutOfOrder
            | Field::ReusedPorts
            | Field::LostSegment
            | Field::AckLostSegment
            | Field::WindowUpdate
            | Field::WindowFull
            | Field::KeepAlive
            | Field::KeepAliveAck
            | Field::DuplicateAck
            | Field::DuplicateAckNum
            | Field::DuplicateAckFrame
            | Field::ZeroWindowProbe
            | Field::ZeroWindowProbeAck
            | Field::ZeroWindow
            | Field::AcksFrame
            | Field::AckRtt
            | Field::InitialRtt
            | Field::BytesInFlight
            | Field::PushBytesSent => {
                // With a header length below 20 bytes tshark stops after
                // the stream index (and the sequence number).
                let short = self.full() && !self.quoted && self.data_offset() < 5;
                if let Some(info) = &self.flow {
                    if !short || f == Field::Stream {
                        flow_field(info, f, out)
                    }
                }
            }
            _ => {
                if body {
                    self.option_field(f, out)
                }
            }
        }
    }

    fn flag_bit(&self, body: bool, mask: u16, out: &mut dyn FieldSink<'a>) {
        if body {
            out.value(Value::Bool(self.flags() & mask != 0), at::FLAGS)
        }
    }

    /// Fields read from the options, one occurrence per option that has them.
    fn option_field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        for o in self.options() {
            let r = o.range.clone();
            let whole = Value::Bytes(self.bytes.get(r.clone()).unwrap_or(&[]));
            let data_at = r.start.saturating_add(2);
            let d = o.data;
            let n = |v: u64| Value::UInt(v);
            match f {
                Field::OptionKind => out.value(n(o.kind.into()), r.start..r.start + 1),
                Field::OptionLen if o.has_len() => {
                    out.value(n(r.len() as u64), r.start + 1..r.start + 2)
                }
                Field::OptNop if o.kind == option::NOP => out.value(whole, r),
                Field::OptEol if o.kind == option::EOL => out.value(whole, r),
                Field::OptMss if o.kind == option::MSS => out.value(whole, r),
                Field::MssVal if o.kind == option::MSS && d.len() == 2 => {
                    out.value(n(be16(d, 0).unwrap_or(0).into()), data_at..data_at + 2)
                }
                Field::OptWscale if o.kind == option::WSCALE => out.value(whole, r),
                Field::WscaleShift if o.kind == option::WSCALE && d.len() == 1 => {
                    out.value(n(u8_at(d, 0).unwrap_or(0).into()), data_at..data_at + 1)
                }
                Field::WscaleMultiplier if o.kind == option::WSCALE && d.len() == 1 => {
                    let shift = u8_at(d, 0).unwrap_or(0).min(14);
                    out.value(n(1u64 << shift), data_at..data_at + 1)
                }
                Field::OptSackPerm if o.kind == option::SACK_PERM => out.value(whole, r),
                Field::OptSack if o.kind == option::SACK => out.value(whole, r),
                Field::SackLe | Field::SackRe if o.kind == option::SACK => {
                    let right = f == Field::SackRe;
                    for (i, c) in d.chunks_exact(8).enumerate() {
                        let off = if right { 4 } else { 0 };
                        let edge = be32(c, off).unwrap_or(0);
                        let s = data_at + i * 8 + off;
                        out.value(n(self.sack_shown(edge).into()), s..s + 4)
                    }
                }
                Field::SackCount if o.kind == option::SACK && d.len() >= 8 => {
                    out.value(n((d.len() / 8) as u64), r)
                }
                Field::OptTimestamp if o.kind == option::TIMESTAMP => out.value(whole, r),
                Field::TsVal if o.kind == option::TIMESTAMP && d.len() == 8 => {
                    out.value(n(be32(d, 0).unwrap_or(0).into()), data_at..data_at + 4)
                }
                Field::TsEcr if o.kind == option::TIMESTAMP && d.len() == 8 => {
                    out.value(n(be32(d, 4).unwrap_or(0).into()), data_at + 4..data_at + 8)
                }
                Field::OptMd5 if o.kind == option::MD5 => out.value(whole, r),
                Field::Md5Digest if o.kind == option::MD5 && !d.is_empty() => {
                    out.value(Value::Bytes(d), data_at..r.end)
                }
                Field::OptTfo if o.kind == option::TFO => out.value(whole, r),
                Field::TfoCookie if o.kind == option::TFO && !d.is_empty() => {
                    out.value(Value::Bytes(d), data_at..r.end)
                }
                Field::OptExperimental if is_experimental(o.kind) => out.value(whole, r),
                Field::ExperimentalData if is_experimental(o.kind) && !d.is_empty() => {
                    out.value(Value::Bytes(d), data_at..r.end)
                }
                Field::OptUnknown if !known_kind(o.kind) => out.value(whole, r),
                Field::UnknownPayload if !known_kind(o.kind) && !d.is_empty() => {
                    out.value(Value::Bytes(d), data_at..r.end)
                }
                _ => {}
            }
        }
    }

    /// Like tshark's: `Transmission Control Protocol, Src Port: 43958, Dst
    /// Port: 21, Seq: 0, Len: 0` (sequence numbers relative once the flow
    /// engine has set the bases, raw before).
    pub fn title(&self, out: &mut String) {
        let _ = write!(
            out,
            "Transmission Control Protocol, Src Port: {}, Dst Port: {}",
            self.src_port(),
            self.dst_port()
        );
        if !self.full() {
            return;
        }
        let _ = write!(out, ", Seq: {}", self.seq_shown());
        if self.data_offset() < 5 && !self.quoted {
            return;
        }
        if self.ack_flag() {
            let _ = write!(out, ", Ack: {}", self.ack_shown());
        }
        if !self.quoted {
            if let Some(n) = self.segment_len() {
                let _ = write!(out, ", Len: {n}");
            }
        }
    }
}

/// Verify an Internet checksum over `bytes[..wire_len]` plus `pseudo`, with
/// the checksum field at `ck`.
fn verify(bytes: &[u8], wire_len: usize, ck: usize, pseudo: u32) -> Status {
    let Some(seg) = bytes.get(..wire_len) else {
        return Status::Unverified;
    };
    if checksum::finish(checksum::combine(pseudo, checksum::sum(seg))) == 0 {
        return Status::Good;
    }
    let before = seg.get(..ck).unwrap_or(&[]);
    let after = seg.get(ck.saturating_add(2)..).unwrap_or(&[]);
    let partial = checksum::combine(checksum::sum(before), checksum::sum(after));
    Status::Bad {
        expected: checksum::finish(checksum::combine(pseudo, partial)),
    }
}

fn is_experimental(kind: u8) -> bool {
    kind == option::EXP1 || kind == option::EXP2
}

/// Option kinds tshark 4.0 decodes (others are `tcp.options.unknown`).
fn known_kind(kind: u8) -> bool {
    matches!(
        kind,
        0..=8 | 11..=13 | 19..=23 | 27..=30 | 34 | 76 | 78 | 172 | 174 | 253 | 254
    )
}

/// tshark's `tcp.flags.str`: 12 characters from the top bit down, the
/// flag's letter when set and `·` when not.
fn flags_str(flags: u16) -> &'static str {
    static TABLE: OnceLock<Vec<String>> = OnceLock::new();
    let t = TABLE.get_or_init(|| {
        (0..=flag::ALL)
            .map(|f| {
                "RRRACEUAPRSF"
                    .chars()
                    .enumerate()
                    .map(|(i, c)| if f & (0x800 >> i) != 0 { c } else { '·' })
                    .collect()
            })
            .collect()
    });
    t.get(usize::from(flags & flag::ALL))
        .map_or("", String::as_str)
}

/// One TCP option as found in a header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcpOption<'a> {
    pub kind: u8,
    /// The bytes after kind and length (empty for EOL and NOP).
    pub data: &'a [u8],
    /// Where the whole option lies, relative to the start of the TCP header.
    pub range: Range<usize>,
}

impl TcpOption<'_> {
    /// Whether the option has a length byte (all but EOL and NOP).
    pub fn has_len(&self) -> bool {
        self.kind != option::EOL && self.kind != option::NOP
    }
}

/// Iterator over the options of a TCP header. Like tshark, it goes on past
/// an EOL (each following zero byte is another EOL).
#[derive(Clone, Debug)]
pub struct TcpOptions<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// End of the options area per the data offset (may be past the capture).
    end: usize,
    malformed: bool,
}

impl TcpOptions<'_> {
    /// Whether iteration stopped on an option whose length is below 2 or
    /// runs past the header.
    pub fn malformed(&self) -> bool {
        self.malformed
    }
}

impl<'a> Iterator for TcpOptions<'a> {
    type Item = TcpOption<'a>;

    fn next(&mut self) -> Option<TcpOption<'a>> {
        if self.pos >= self.end {
            return None;
        }
        let start = self.pos;
        let kind = u8_at(self.bytes, start)?;
        if kind == option::EOL || kind == option::NOP {
            self.pos = start + 1;
            return Some(TcpOption {
                kind,
                data: &[],
                range: start..start + 1,
            });
        }
        let Some(len) = u8_at(self.bytes, start + 1) else {
            // The length byte is past the header (malformed) or past the capture.
            self.malformed = start + 1 >= self.end;
            self.pos = self.end;
            return None;
        };
        let len = usize::from(len);
        let stop = start.saturating_add(len);
        if len < 2 || stop > self.end {
            self.malformed = true;
            self.pos = self.end;
            return None;
        }
        // A whole option that the snap length cut is not malformed: just stop.
        let data = self.bytes.get(start + 2..stop);
        self.pos = if data.is_some() { stop } else { self.end };
        Some(TcpOption {
            kind,
            data: data?,
            range: start..stop,
        })
    }
}

/// The plain values of a TCP header, for building segments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TcpRepr {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    /// The 12 flag bits ([`flag`]).
    pub flags: u16,
    pub window: u16,
    pub urgent: u16,
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    /// (TSval, TSecr).
    pub timestamp: Option<(u32, u32)>,
    /// SACK blocks (left edge, right edge); as many as fit in 40 bytes of
    /// options with the others are emitted.
    pub sack: Vec<(u32, u32)>,
}

impl TcpRepr {
    /// Read the header and the options we build (MSS, window scale, SACK
    /// permitted, timestamps, SACK); others are ignored.
    pub fn parse(v: &TcpView) -> Self {
        let mut r = TcpRepr {
            src_port: v.src_port(),
            dst_port: v.dst_port(),
            seq: v.seq(),
            ack: v.ack(),
            flags: v.flags(),
            window: v.window(),
            urgent: v.urgent(),
            ..TcpRepr::default()
        };
        for o in v.options() {
            let d = o.data;
            match (o.kind, d.len()) {
                (option::MSS, 2) => r.mss = be16(d, 0),
                (option::WSCALE, 1) => r.window_scale = u8_at(d, 0),
                (option::SACK_PERM, 0) => r.sack_permitted = true,
                (option::TIMESTAMP, 8) => r.timestamp = be32(d, 0).zip(be32(d, 4)),
                (option::SACK, _) => r
                    .sack
                    .extend(d.chunks_exact(8).filter_map(|c| be32(c, 0).zip(be32(c, 4)))),
                _ => {}
            }
        }
        r
    }

    /// The option bytes [`TcpRepr::emit`] writes: each option padded with
    /// NOPs in front to a 4-byte boundary, SACK blocks dropped past 40 bytes.
    pub fn options_bytes(&self) -> Vec<u8> {
        let mut o = Vec::with_capacity(40);
        if let Some(mss) = self.mss {
            o.extend_from_slice(&[option::MSS, 4]);
            o.extend_from_slice(&mss.to_be_bytes());
        }
        if let Some(ws) = self.window_scale {
            o.extend_from_slice(&[option::NOP, option::WSCALE, 3, ws]);
        }
        if self.sack_permitted {
            o.extend_from_slice(&[option::NOP, option::NOP, option::SACK_PERM, 2]);
        }
        if let Some((val, ecr)) = self.timestamp {
            o.extend_from_slice(&[option::NOP, option::NOP, option::TIMESTAMP, 10]);
            o.extend_from_slice(&val.to_be_bytes());
            o.extend_from_slice(&ecr.to_be_bytes());
        }
        let room = 40usize.saturating_sub(o.len()).saturating_sub(4) / 8;
        let n = self.sack.len().min(room);
        if n > 0 {
            o.extend_from_slice(&[option::NOP, option::NOP, option::SACK, (2 + 8 * n) as u8]);
            for (le, re) in self.sack.iter().take(n) {
                o.extend_from_slice(&le.to_be_bytes());
                o.extend_from_slice(&re.to_be_bytes());
            }
        }
        o
    }

    /// Header length with the options [`TcpRepr::emit`] writes.
    pub fn header_len(&self) -> usize {
        at::HEADER_LEN + self.options_bytes().len()
    }

    /// Append the header, options and `payload` to `buf`, with the checksum
    /// over the pseudo-header of `src_addr` and `dst_addr` (4 bytes each for
    /// IPv4, 16 for IPv6).
    pub fn emit(&self, buf: &mut Vec<u8>, payload: &[u8], src_addr: &[u8], dst_addr: &[u8]) {
        let opts = self.options_bytes();
        let hl = at::HEADER_LEN + opts.len();
        let start = buf.len();
        buf.extend_from_slice(&self.src_port.to_be_bytes());
        buf.extend_from_slice(&self.dst_port.to_be_bytes());
        buf.extend_from_slice(&self.seq.to_be_bytes());
        buf.extend_from_slice(&self.ack.to_be_bytes());
        let word = ((hl as u16 / 4) << 12) | (self.flags & flag::ALL);
        buf.extend_from_slice(&word.to_be_bytes());
        buf.extend_from_slice(&self.window.to_be_bytes());
        buf.extend_from_slice(&[0, 0]);
        buf.extend_from_slice(&self.urgent.to_be_bytes());
        buf.extend_from_slice(&opts);
        buf.extend_from_slice(payload);
        let seg = tail(buf, start);
        let len = u32::try_from(seg.len()).unwrap_or(u32::MAX);
        let pseudo = checksum::pseudo_header(src_addr, dst_addr, 6, len);
        let ck = checksum::finish(checksum::combine(pseudo, checksum::sum(seg)));
        if let Some(c) = buf.get_mut(start + 16..start + 18) {
            c.copy_from_slice(&ck.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::values;
    use proptest::prelude::*;

    /// A SYN from a real FTP capture (10.10.30.26:43958 -> 129.21.171.72:21)
    /// with MSS 1460, SACK permitted, timestamps, NOP and window scale 7;
    /// checksum 0xf340.
    const SYN: [u8; 40] = [
        0xab, 0xb6, 0x00, 0x15, 0xdb, 0x5f, 0xa0, 0x8b, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0x72,
        0x10, 0xf3, 0x40, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x17, 0x54,
        0x4f, 0x22, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
    ];
    const SYN_SRC: [u8; 4] = [10, 10, 30, 26];
    const SYN_DST: [u8; 4] = [129, 21, 171, 72];

    /// A bare RST from a real capture (10.5.7.100:58002 -> 10.5.7.1:80, seq 1000).
    const RST: [u8; 20] = [
        0xe2, 0x92, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x50, 0x04, 0x20,
        0x00, 0x86, 0xa7, 0x00, 0x00,
    ];
    const RST_SRC: [u8; 4] = [10, 5, 7, 100];
    const RST_DST: [u8; 4] = [10, 5, 7, 1];

    /// Every occurrence of `f`, in tshark's text form, joined by commas.
    fn text(v: &TcpView, f: Field) -> String {
        values(FIELDS[f as usize].kind, |out| v.field(f, out)).join(",")
    }

    fn every_field(v: &TcpView) {
        for i in 0..FIELDS.len() {
            let f = Field::from_index(i).unwrap();
            v.field(f, &mut |_v: Value, r: Range<usize>| {
                assert!(
                    r.start <= r.end && r.end <= v.bytes.len().max(20),
                    "{f:?} {r:?}"
                );
            });
        }
        let mut t = String::new();
        v.title(&mut t);
    }

    #[test]
    fn reads_a_real_syn() {
        let v = TcpView::new(&SYN).unwrap();
        assert_eq!((v.src_port(), v.dst_port()), (43958, 21));
        assert_eq!(v.seq(), 3680477323);
        assert!(v.syn() && !v.ack_flag() && !v.fin() && !v.rst());
        assert_eq!(v.header_len(), 40);
        assert!(v.data_offset_ok() && !v.options_malformed());
        assert!(v.payload().is_empty());
        assert_eq!(v.segment_len(), Some(0));
        // The values tshark 4.0 prints for this packet (-T fields).
        let want = [
            (Field::Port, "43958,21"),
            (Field::SeqRaw, "3680477323"),
            (Field::AckRaw, "0"),
            (Field::HdrLen, "40"),
            (Field::Flags, "0x0002"),
            (Field::FlagsStr, "··········S·"),
            (Field::FlagsRes, "0"),
            (Field::FlagsAe, "0"),
            (Field::FlagsSyn, "1"),
            (Field::WindowSizeValue, "29200"),
            (Field::Checksum, "0xf340"),
            (Field::ChecksumStatus, "2"),
            (Field::UrgentPointer, "0"),
            (Field::Len, "0"),
            (Field::Options, "020405b40402080a17544f220000000001030307"),
            (Field::OptionKind, "2,4,8,1,3"),
            (Field::OptionLen, "4,2,10,3"),
            (Field::OptMss, "020405b4"),
            (Field::MssVal, "1460"),
            (Field::OptSackPerm, "0402"),
            (Field::OptNop, "01"),
            (Field::OptWscale, "030307"),
            (Field::WscaleShift, "7"),
            (Field::WscaleMultiplier, "128"),
            (Field::TsVal, "391401250"),
            (Field::TsEcr, "0"),
            (Field::OptUnknown, ""),
            (Field::Payload, ""),
            (Field::Seq, ""),
        ];
        for (f, s) in want {
            assert_eq!(text(&v, f), s, "{f:?}");
        }
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "Transmission Control Protocol, Src Port: 43958, Dst Port: 21, Seq: 3680477323, Len: 0"
        );
        let mut v = v;
        v.set_relative(3680477323, None);
        assert_eq!(text(&v, Field::Seq), "0");
        let mut t = String::new();
        v.title(&mut t);
        assert!(t.ends_with("Seq: 0, Len: 0"), "{t}");
    }

    #[test]
    fn real_checksums_verify() {
        let v = TcpView::new(&SYN).unwrap();
        let p = checksum::pseudo_header(&SYN_SRC, &SYN_DST, 6, 40);
        assert_eq!(v.verify_checksum(p), Status::Good);
        let v = TcpView::new(&RST).unwrap();
        let p = checksum::pseudo_header(&RST_SRC, &RST_DST, 6, 20);
        assert_eq!(v.verify_checksum(p), Status::Good);
        // One bit off, and the expected value is what the header held.
        let mut bad = RST;
        bad[17] ^= 1;
        let v = TcpView::new(&bad).unwrap();
        assert_eq!(v.verify_checksum(p), Status::Bad { expected: 0x86a7 });
        // Cut by the snap length: cannot tell.
        let v = TcpView::new(&SYN[..30]).unwrap().with_wire_len(40);
        assert_eq!(v.verify_checksum(p), Status::Unverified);
        let mut v = TcpView::new(&RST).unwrap();
        v.set_checksum_status(Status::Good);
        assert_eq!(text(&v, Field::ChecksumStatus), "1");
    }

    #[test]
    fn reads_a_real_rst() {
        let v = TcpView::new(&RST).unwrap();
        assert!(v.rst() && !v.ack_flag());
        assert_eq!(text(&v, Field::FlagsStr), "·········R··");
        assert_eq!(text(&v, Field::Flags), "0x0004");
        assert_eq!(text(&v, Field::Options), "");
        assert_eq!(text(&v, Field::OptionKind), "");
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "Transmission Control Protocol, Src Port: 58002, Dst Port: 80, Seq: 1000, Len: 0"
        );
    }

    #[test]
    fn flag_strings_match_tshark() {
        // From tshark 4.0 on crafted segments.
        assert_eq!(flags_str(0xfff), "RRRACEUAPRSF");
        assert_eq!(flags_str(0x810), "R······A····");
        assert_eq!(flags_str(0x110), "···A···A····");
        assert_eq!(flags_str(0x012), "·······A··S·");
        assert_eq!(flags_str(0x018), "·······AP···");
    }

    /// A crafted header (ports 1234 -> 80, seq 1000, ack 2000, ACK) with
    /// `opts` and the data offset given.
    fn crafted(doff: u8, opts: &[u8], payload: &[u8]) -> Vec<u8> {
        let mut b = vec![
            0x04,
            0xd2,
            0x00,
            0x50,
            0,
            0,
            0x03,
            0xe8,
            0,
            0,
            0x07,
            0xd0,
            doff << 4,
            0x10,
            0x02,
            0x00,
            0,
            0,
            0,
            0,
        ];
        b.extend_from_slice(opts);
        b.extend_from_slice(payload);
        b
    }

    #[test]
    fn options_after_eol_and_bad_lengths_match_tshark() {
        // NOP NOP TS EOL EOL EOL: tshark lists every byte after EOL as EOL.
        let b = crafted(9, &[1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 6, 1, 0, 0, 0], &[]);
        let v = TcpView::new(&b).unwrap();
        assert_eq!(text(&v, Field::OptionKind), "1,1,8,1,0,0,0");
        assert_eq!(text(&v, Field::OptEol), "00,00,00");
        assert_eq!(text(&v, Field::OptTimestamp), "080a0000000500000006");
        // Option length 0, 1 and 255: nothing decoded, the raw bytes shown.
        for len in [0u8, 1, 255] {
            let b = crafted(6, &[2, len, 0, 0], &[]);
            let v = TcpView::new(&b).unwrap();
            assert!(v.options_malformed(), "len {len}");
            assert_eq!(text(&v, Field::OptionKind), "");
            assert_eq!(text(&v, Field::Options), format!("02{len:02x}0000"));
            every_field(&v);
        }
        // MSS with length 3: kind and length shown, then a NOP, no value.
        let b = crafted(6, &[2, 3, 5, 1], &[]);
        let v = TcpView::new(&b).unwrap();
        assert_eq!(text(&v, Field::OptionKind), "2,1");
        assert_eq!(text(&v, Field::OptMss), "020305");
        assert_eq!(text(&v, Field::MssVal), "");
        assert!(!v.options_malformed());
        // Unknown kind 99 and experimental 253.
        let b = crafted(6, &[0x63, 4, 0xaa, 0xbb], &[]);
        let v = TcpView::new(&b).unwrap();
        assert_eq!(text(&v, Field::OptUnknown), "6304aabb");
        assert_eq!(text(&v, Field::UnknownPayload), "aabb");
        let b = crafted(7, &[0xfd, 6, 0x11, 0x22, 0x33, 0x44, 1, 0], &[]);
        let v = TcpView::new(&b).unwrap();
        assert_eq!(text(&v, Field::OptionKind), "253,1,0");
        assert_eq!(text(&v, Field::OptUnknown), "");
        // SACK with one block and a stray byte (length 11), window shift 15.
        let b = crafted(
            9,
            &[1, 1, 5, 11, 0, 0, 0, 100, 0, 0, 0, 200, 0, 0, 0, 0],
            &[],
        );
        let v = TcpView::new(&b).unwrap();
        assert_eq!(text(&v, Field::SackCount), "1");
        assert_eq!(text(&v, Field::SackLe), "100");
        assert_eq!(text(&v, Field::SackRe), "200");
        let b = crafted(7, &[3, 3, 15, 4, 2, 0, 2, 4], &[5, 0xb4]);
        let v = TcpView::new(&b).unwrap();
        assert_eq!(text(&v, Field::WscaleShift), "15");
        assert_eq!(text(&v, Field::WscaleMultiplier), "16384");
        assert_eq!(text(&v, Field::OptionKind), "3,4,0");
        assert_eq!(text(&v, Field::Payload), "05b4");
        assert_eq!(text(&v, Field::Len), "2");
    }

    #[test]
    fn hostile_data_offsets() {
        // Offset 4: tshark shows ports, sequence, header length and length only.
        let b = crafted(4, &[], &[]);
        let v = TcpView::new(&b).unwrap();
        assert!(!v.data_offset_ok());
        assert_eq!(text(&v, Field::HdrLen), "16");
        assert_eq!(text(&v, Field::Len), "4");
        assert_eq!(text(&v, Field::Flags), "");
        assert_eq!(text(&v, Field::AckRaw), "");
        assert!(v.payload().is_empty());
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "Transmission Control Protocol, Src Port: 1234, Dst Port: 80, Seq: 1000"
        );
        // Offset 15 with 20 bytes: short segment, no length, no options.
        let b = crafted(15, &[], &[]);
        let v = TcpView::new(&b).unwrap();
        assert!(!v.data_offset_ok());
        assert_eq!(text(&v, Field::HdrLen), "60");
        assert_eq!(text(&v, Field::Len), "");
        assert_eq!(text(&v, Field::Flags), "0x0010");
        assert!(v.payload().is_empty());
        assert_eq!(v.header_len(), 20);
        let mut t = String::new();
        v.title(&mut t);
        assert!(t.ends_with("Seq: 1000, Ack: 2000"), "{t}");
        // The same header cut by the snap length is not malformed.
        let v = TcpView::new(&b).unwrap().with_wire_len(60);
        assert!(v.data_offset_ok());
        assert_eq!(text(&v, Field::Len), "0");
        for d in 0..16 {
            for n in [20, 21, 22, 23, 30, 60, 64] {
                let mut b = crafted(d, &[2, 4, 5, 0xb4, 1, 3, 3, 7, 5, 10], &[]);
                b.resize(n, 0xff);
                let v = TcpView::new(&b).unwrap();
                every_field(&v);
                v.options_malformed();
                let _ = TcpRepr::parse(&v);
            }
        }
        assert!(TcpView::new(&SYN[..19]).is_err());
    }

    #[test]
    fn quoted_segment_like_tshark() {
        // The first 8 bytes of a segment quoted in an ICMP error.
        let v = TcpView::new_quoted(&SYN[..8]).unwrap();
        assert_eq!(text(&v, Field::Port), "43958,21");
        assert_eq!(text(&v, Field::Seq), "3680477323");
        assert_eq!(text(&v, Field::SeqRaw), "");
        assert_eq!(text(&v, Field::HdrLen), "");
        assert_eq!(text(&v, Field::Len), "");
        every_field(&v);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "Transmission Control Protocol, Src Port: 43958, Dst Port: 21"
        );
        // A whole header: everything but tcp.len and tcp.seq_raw.
        let v = TcpView::new_quoted(&RST).unwrap().with_wire_len(500);
        assert_eq!(text(&v, Field::Flags), "0x0004");
        assert_eq!(text(&v, Field::Len), "");
        assert!(TcpView::new_quoted(&RST[..3]).is_err());
        // Quoted in ICMPv6, tshark shows the raw number too.
        let v = TcpView::new_quoted_v6(&SYN).unwrap().with_wire_len(40);
        assert_eq!(text(&v, Field::Seq), "3680477323");
        assert_eq!(text(&v, Field::SeqRaw), "3680477323");
        assert_eq!(text(&v, Field::Len), "");
    }

    fn repr_strategy() -> impl Strategy<Value = TcpRepr> {
        (
            (any::<u16>(), any::<u16>(), any::<u32>(), any::<u32>()),
            (0u16..0x1000, any::<u16>(), any::<u16>()),
            (
                proptest::option::of(any::<u16>()),
                proptest::option::of(0u8..15),
                any::<bool>(),
                proptest::option::of((any::<u32>(), any::<u32>())),
                proptest::collection::vec((any::<u32>(), any::<u32>()), 0..5),
            ),
        )
            .prop_map(
                |(
                    (src_port, dst_port, seq, ack),
                    (flags, window, urgent),
                    (mss, ws, sp, ts, sack),
                )| {
                    let mut r = TcpRepr {
                        src_port,
                        dst_port,
                        seq,
                        ack,
                        flags,
                        window,
                        urgent,
                        mss,
                        window_scale: ws,
                        sack_permitted: sp,
                        timestamp: ts,
                        sack,
                    };
                    // Keep only the SACK blocks that fit.
                    let base = TcpRepr {
                        sack: vec![],
                        ..r.clone()
                    }
                    .options_bytes()
                    .len();
                    let fit = (40 - base).saturating_sub(4) / 8;
                    r.sack.truncate(fit);
                    r
                },
            )
    }

    proptest! {
        #[test]
        fn build_then_parse(r in repr_strategy(), payload in proptest::collection::vec(any::<u8>(), 0..64),
                            src: [u8; 4], dst: [u8; 4]) {
            let mut buf = Vec::new();
            r.emit(&mut buf, &payload, &src, &dst);
            let v = TcpView::new(&buf).unwrap();
            prop_assert_eq!(TcpRepr::parse(&v), r.clone());
            prop_assert_eq!(v.payload(), &payload[..]);
            prop_assert!(!v.options_malformed());
            let p = checksum::pseudo_header(&src, &dst, 6, buf.len() as u32);
            prop_assert_eq!(v.verify_checksum(p), Status::Good);
            // etherparse, an independent parser, reads the same header.
            let (e, rest) = etherparse::TcpHeader::from_slice(&buf).unwrap();
            prop_assert_eq!(rest, &payload[..]);
            prop_assert_eq!((e.source_port, e.destination_port), (r.src_port, r.dst_port));
            prop_assert_eq!((e.sequence_number, e.acknowledgment_number), (r.seq, r.ack));
            let bits = [e.fin, e.syn, e.rst, e.psh, e.ack, e.urg, e.ece, e.cwr, e.ns];
            for (i, b) in bits.iter().enumerate() {
                prop_assert_eq!(*b, r.flags & (1 << i) != 0);
            }
            prop_assert_eq!((e.window_size, e.urgent_pointer), (r.window, r.urgent));
            // etherparse drops the reserved bits, so its sum differs when they are set.
            if r.flags & flag::RES == 0 {
                prop_assert_eq!(e.calc_checksum_ipv4_raw(src, dst, &payload).unwrap(), e.checksum);
            }
            use etherparse::TcpOptionElement as O;
            let mut sack = Vec::new();
            for o in e.options_iterator() {
                match o.unwrap() {
                    O::MaximumSegmentSize(m) => prop_assert_eq!(Some(m), r.mss),
                    O::WindowScale(w) => prop_assert_eq!(Some(w), r.window_scale),
                    O::SelectiveAcknowledgementPermitted => prop_assert!(r.sack_permitted),
                    O::Timestamp(a, b) => prop_assert_eq!(Some((a, b)), r.timestamp),
                    O::SelectiveAcknowledgement(first, more) => {
                        sack.push(first);
                        sack.extend(more.iter().flatten());
                    }
                    O::Noop => {}
                }
            }
            prop_assert_eq!(sack, r.sack);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 20..80), wire in 0usize..100) {
            let v = TcpView::new(&bytes).unwrap().with_wire_len(wire);
            every_field(&v);
            let q = TcpView::new_quoted(&bytes[..(wire % 24).max(4).min(bytes.len())]).unwrap();
            every_field(&q);
            v.verify_checksum(0);
        }
    }

    #[test]
    fn ipv6_checksum() {
        let r = TcpRepr {
            src_port: 1,
            dst_port: 2,
            flags: flag::SYN,
            mss: Some(1220),
            ..TcpRepr::default()
        };
        let (s, d) = ([0xfe; 16], [0x20; 16]);
        let mut buf = Vec::new();
        r.emit(&mut buf, b"hi", &s, &d);
        let (e, _) = etherparse::TcpHeader::from_slice(&buf).unwrap();
        assert_eq!(e.calc_checksum_ipv6_raw(s, d, b"hi").unwrap(), e.checksum);
        let v = TcpView::new(&buf).unwrap();
        let p = checksum::pseudo_header(&s, &d, 6, buf.len() as u32);
        assert_eq!(v.verify_checksum(p), Status::Good);
    }
}
