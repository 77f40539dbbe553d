//! sFlow version 5 datagrams (sflow.org, "sFlow Version 5"): the datagram
//! header, flow and counters samples (compact and expanded), their records —
//! raw packet headers, extended switch data, generic interface and Ethernet
//! counters — under tshark 4.0's names (`sflow_245.*`, `sflow_5.*`,
//! `sflow.*`).
//!
//! A raw packet header record holds the first bytes of a sampled frame;
//! [`SflowView::sampled_headers`] hands them to the dissector, which reads
//! them as a frame of their own, as tshark does.
//!
//! Everything is counted against the bytes: a sample or record whose length
//! runs past the datagram ends the walk, and at most [`MAX_SAMPLES`]
//! samples and [`MAX_RECORDS`] records a sample are read whatever the
//! counts say.

use crate::bytes::{array, be32, tail};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::fmt::Write as _;
use std::ops::Range;

/// sFlow's UDP port.
pub const PORT: u16 = 6343;

/// Samples read from one datagram at most.
pub const MAX_SAMPLES: usize = 256;
/// Records read from one sample at most.
pub const MAX_RECORDS: usize = 256;

/// Sample formats (enterprise 0).
pub mod sample {
    pub const FLOW: u32 = 1;
    pub const COUNTERS: u32 = 2;
    pub const FLOW_EXPANDED: u32 = 3;
    pub const COUNTERS_EXPANDED: u32 = 4;
}

/// Flow record formats (enterprise 0).
pub mod flow_record {
    pub const RAW_HEADER: u32 = 1;
    pub const EXTENDED_SWITCH: u32 = 1001;
}

/// Counters record formats (enterprise 0).
pub mod counters_record {
    pub const GENERIC_INTERFACE: u32 = 1;
    pub const ETHERNET: u32 = 2;
}

/// Header protocols of a raw packet header record.
pub mod header_protocol {
    pub const ETHERNET: u32 = 1;
    pub const IPV4: u32 = 11;
    pub const IPV6: u32 = 12;
}

field_table! {
    Version: "sflow_245.version", "Datagram version", Kind::Dec;
    AgentType: "sflow_245.agenttype", "Agent address type", Kind::Dec;
    Agent: "sflow_245.agent", "Agent address", Kind::Ipv4;
    AgentV6: "sflow_245.agent.v6", "Agent address", Kind::Ipv6;
    SubAgentId: "sflow_245.sub_agent_id", "Sub-agent ID", Kind::Dec;
    SequenceNumber: "sflow_245.sequence_number", "Sequence number", Kind::Dec;
    SysUptime: "sflow_245.sysuptime", "SysUptime", Kind::Dec;
    NumSamples: "sflow_245.numsamples", "NumSamples", Kind::Dec;
    Enterprise: "sflow.enterprise", "Enterprise", Kind::Dec;
    SampleType: "sflow_245.sampletype", "sFlow sample type", Kind::Dec;
    SampleLength: "sflow_5.sample_length", "Sample length (byte)", Kind::Dec;
    FlowSeq: "sflow.flow_sample.sequence_number", "Sequence number", Kind::Dec;
    FlowSourceIdClass: "sflow.flow_sample.source_id_class", "Source ID class", Kind::Dec;
    FlowIndex: "sflow.flow_sample.index", "Index", Kind::Dec;
    FlowSourceIdType: "sflow.flow_sample.source_id_type", "Source ID type", Kind::Dec;
    FlowSourceIdIndex: "sflow.flow_sample.source_id_index", "Source ID index", Kind::Dec;
    SamplingRate: "sflow.flow_sample.sampling_rate", "Sampling rate", Kind::Dec;
    SamplePool: "sflow.flow_sample.sample_pool", "Sample pool", Kind::Dec;
    DroppedPackets: "sflow.flow_sample.dropped_packets", "Dropped packets", Kind::Dec;
    InputInterface: "sflow.flow_sample.input_interface", "Input interface (ifIndex)", Kind::Dec;
    InputInterfaceFormat: "sflow.flow_sample.input_interface_format", "Input interface format", Kind::Dec;
    InputInterfaceValue: "sflow.flow_sample.input_interface_value", "Input interface value", Kind::Dec;
    OutputInterface: "sflow.flow_sample.output_interface", "Output interface", Kind::Hex(8);
    OutputInterfaceFormat: "sflow.flow_sample.output_interface_format", "Output interface format", Kind::Dec;
    OutputInterfaceValue: "sflow.flow_sample.output_interface_value", "Output interface value", Kind::Dec;
    FlowRecords: "sflow.flow_sample.flow_record", "Flow record", Kind::Dec;
    CountersSeq: "sflow.counters_sample.sequence_number", "Sequence number", Kind::Dec;
    CountersSourceIdType: "sflow.counters_sample.source_id_type", "Source ID type", Kind::Dec;
    CountersSourceIdIndex: "sflow.counters_sample.source_id_index", "Source ID index", Kind::Dec;
    CountersRecords: "sflow.counters_sample.counters_records", "Counters records", Kind::Dec;
    FlowRecordFormat: "sflow_245.flow_record_format", "Format", Kind::Dec;
    CountersRecordFormat: "sflow_245.counters_record_format", "Format", Kind::Dec;
    RecordLength: "sflow_5.flow_data_length", "Flow data length (byte)", Kind::Dec;
    HeaderProtocol: "sflow_245.header_protocol", "Header protocol", Kind::Dec;
    FrameLength: "sflow_245.header.frame_length", "Frame Length", Kind::Dec;
    PayloadStripped: "sflow_245.header.payload_stripped", "Payload stripped", Kind::Dec;
    SampledHeaderLength: "sflow_245.header.sampled_header_length", "Sampled header length", Kind::Dec;
    Header: "sflow_245.header", "Header of sampled packet", Kind::Bytes;
    VlanIn: "sflow_245.vlan.in", "Incoming 802.1Q VLAN", Kind::Dec;
    PriIn: "sflow_245.pri.in", "Incoming 802.1p priority", Kind::Dec;
    VlanOut: "sflow_245.vlan.out", "Outgoing 802.1Q VLAN", Kind::Dec;
    PriOut: "sflow_245.pri.out", "Outgoing 802.1p priority", Kind::Dec;
    IfIndex: "sflow_245.ifindex", "Interface index", Kind::Dec;
    IfType: "sflow_245.iftype", "Interface Type", Kind::Dec;
    IfSpeed: "sflow_245.ifspeed", "Interface Speed", Kind::Dec;
    IfDirection: "sflow_245.ifdirection", "Interface Direction", Kind::Dec;
    IfAdminStatus: "sflow_245.ifadmin_status", "IfAdminStatus", Kind::Bool;
    IfOperStatus: "sflow_245.ifoper_status", "IfOperStatus", Kind::Bool;
    IfInOct: "sflow_245.ifinoct", "Input Octets", Kind::Dec;
    IfInPkt: "sflow_245.ifinpkt", "Input Packets", Kind::Dec;
    IfInMcast: "sflow_245.ifinmcast", "Input Multicast Packets", Kind::Dec;
    IfInBcast: "sflow_245.ifinbcast", "Input Broadcast Packets", Kind::Dec;
    IfInDisc: "sflow_245.ifindisc", "Input Discarded Packets", Kind::Dec;
    IfInErr: "sflow_245.ifinerr", "Input Errors", Kind::Dec;
    IfInUnk: "sflow_245.ifinunk", "Input Unknown Protocol Packets", Kind::Dec;
    IfOutOct: "sflow_245.ifoutoct", "Output Octets", Kind::Dec;
    IfOutPkt: "sflow_245.ifoutpkt", "Output Packets", Kind::Dec;
    IfOutMcast: "sflow_245.ifoutmcast", "Output Multicast Packets", Kind::Dec;
    IfOutBcast: "sflow_245.ifoutbcast", "Output Broadcast Packets", Kind::Dec;
    IfOutDisc: "sflow_245.ifoutdisc", "Output Discarded Packets", Kind::Dec;
    IfOutErr: "sflow_245.ifouterr", "Output Errors", Kind::Dec;
    IfPromisc: "sflow_245.ifpromisc", "Promiscuous Mode", Kind::Dec;
    Dot3AlignmentErrors: "sflow_245.dot3StatsAlignmentErrors", "Alignment Errors", Kind::Dec;
    Dot3FcsErrors: "sflow_245.dot3StatsFCSErrors", "FCS Errors", Kind::Dec;
    Dot3SingleCollisionFrames: "sflow_245.dot3StatsSingleCollisionFrames", "Single Collision Frames", Kind::Dec;
    Dot3MultipleCollisionFrames: "sflow_245.dot3StatsMultipleCollisionFrames", "Multiple Collision Frames", Kind::Dec;
    Dot3SqeTestErrors: "sflow_245.dot3StatsSQETestErrors", "SQE Test Errors", Kind::Dec;
    Dot3DeferredTransmissions: "sflow_245.dot3StatsDeferredTransmissions", "Deferred Transmissions", Kind::Dec;
    Dot3LateCollisions: "sflow_245.dot3StatsLateCollisions", "Late Collisions", Kind::Dec;
    Dot3ExcessiveCollisions: "sflow_245.dot3StatsExcessiveCollisions", "Excessive Collisions", Kind::Dec;
    Dot3InternalMacTransmitErrors: "sflow_245.dot3StatsInternalMacTransmitErrors", "Internal Mac Transmit Errors", Kind::Dec;
    Dot3CarrierSenseErrors: "sflow_245.dot3StatsCarrierSenseErrors", "Carrier Sense Errors", Kind::Dec;
    Dot3FrameTooLongs: "sflow_245.dot3StatsFrameTooLongs", "Frame Too Longs", Kind::Dec;
    Dot3InternalMacReceiveErrors: "sflow_245.dot3StatsInternalMacReceiveErrors", "Internal Mac Receive Errors", Kind::Dec;
    Dot3SymbolErrors: "sflow_245.dot3StatsSymbolErrors", "Symbol Errors", Kind::Dec;
}

/// Where each 32-bit (or 64-bit, `true`) counter of a generic interface
/// counters record is, in the record's data.
const GENERIC_COUNTERS: &[(Field, usize, bool)] = &[
    (Field::IfIndex, 0, false),
    (Field::IfType, 4, false),
    (Field::IfSpeed, 8, true),
    (Field::IfDirection, 16, false),
    (Field::IfInOct, 24, true),
    (Field::IfInPkt, 32, false),
    (Field::IfInMcast, 36, false),
    (Field::IfInBcast, 40, false),
    (Field::IfInDisc, 44, false),
    (Field::IfInErr, 48, false),
    (Field::IfInUnk, 52, false),
    (Field::IfOutOct, 56, true),
    (Field::IfOutPkt, 64, false),
    (Field::IfOutMcast, 68, false),
    (Field::IfOutBcast, 72, false),
    (Field::IfOutDisc, 76, false),
    (Field::IfOutErr, 80, false),
    (Field::IfPromisc, 84, false),
];

/// The Ethernet counters record's fields, one 32-bit counter each.
const ETHERNET_COUNTERS: &[Field] = &[
    Field::Dot3AlignmentErrors,
    Field::Dot3FcsErrors,
    Field::Dot3SingleCollisionFrames,
    Field::Dot3MultipleCollisionFrames,
    Field::Dot3SqeTestErrors,
    Field::Dot3DeferredTransmissions,
    Field::Dot3LateCollisions,
    Field::Dot3ExcessiveCollisions,
    Field::Dot3InternalMacTransmitErrors,
    Field::Dot3CarrierSenseErrors,
    Field::Dot3FrameTooLongs,
    Field::Dot3InternalMacReceiveErrors,
    Field::Dot3SymbolErrors,
];

/// The four-byte-padded length of `n` bytes of opaque data.
fn padded(n: usize) -> usize {
    n.saturating_add(3) & !3
}

/// A sample or a record: its enterprise/format word, where it starts and
/// where its data lies (within the datagram).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    /// Offset of the enterprise/format word.
    pub at: usize,
    pub enterprise: u32,
    pub format: u32,
    /// The data as the length says (clamped to the datagram).
    pub data: (usize, usize),
}

impl Item {
    fn range(&self) -> Range<usize> {
        self.data.0..self.data.1
    }
}

/// A view over an sFlow v5 datagram.
#[derive(Clone, Copy, Debug)]
pub struct SflowView<'a> {
    bytes: &'a [u8],
}

impl<'a> SflowView<'a> {
    /// A view of `bytes`: version 5 with its whole header (agent address
    /// of type 1 or 2).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, 8)?;
        let v = SflowView { bytes };
        if v.version() != 5 {
            return Err(Error::Malformed("sFlow version is not 5"));
        }
        let hdr = match v.agent_type() {
            1 => 28,
            2 => 40,
            _ => return Err(Error::Malformed("sFlow agent address type")),
        };
        need(bytes, hdr)?;
        Ok(v)
    }

    fn u32_at(&self, off: usize) -> u32 {
        be32(self.bytes, off).unwrap_or(0)
    }

    pub fn version(&self) -> u32 {
        self.u32_at(0)
    }

    /// 1: IPv4, 2: IPv6.
    pub fn agent_type(&self) -> u32 {
        self.u32_at(4)
    }

    fn addr_len(&self) -> usize {
        if self.agent_type() == 2 {
            16
        } else {
            4
        }
    }

    pub fn header_len(&self) -> usize {
        8 + self.addr_len() + 16
    }

    /// What follows the datagram header: the samples.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.header_len())
    }

    pub fn sequence(&self) -> u32 {
        self.u32_at(8 + self.addr_len() + 4)
    }

    pub fn num_samples(&self) -> u32 {
        self.u32_at(8 + self.addr_len() + 12)
    }

    /// Items (samples or records) from `at`: `count` of them at most, each
    /// an enterprise/format word, a length and that much data, as long as
    /// the bytes hold their headers. `end` bounds them (a sample's data).
    fn items(&self, mut at: usize, end: usize, count: u32, cap: usize, f: &mut dyn FnMut(Item)) {
        let end = end.min(self.bytes.len());
        for _ in 0..(count as usize).min(cap) {
            let (Some(word), Some(len)) = (be32(self.bytes, at), be32(self.bytes, at + 4)) else {
                return;
            };
            if at + 8 > end {
                return;
            }
            let start = at + 8;
            let stop = start.saturating_add(len as usize);
            f(Item {
                at,
                enterprise: word >> 12,
                format: word & 0xfff,
                data: (start, stop.min(end)),
            });
            if stop > end {
                return;
            }
            at = start.saturating_add(padded(len as usize));
        }
    }

    /// Every sample, in order.
    pub fn samples(&self, f: &mut dyn FnMut(Item)) {
        let n = self.num_samples();
        self.items(self.header_len(), self.bytes.len(), n, MAX_SAMPLES, f)
    }

    /// The records of sample `s` (flow or counters, compact or expanded),
    /// with whether they are flow records.
    pub fn records(&self, s: &Item, f: &mut dyn FnMut(Item, bool)) {
        if s.enterprise != 0 {
            return;
        }
        let (count_at, flow) = match s.format {
            sample::FLOW => (28, true),
            sample::FLOW_EXPANDED => (40, true),
            sample::COUNTERS => (8, false),
            sample::COUNTERS_EXPANDED => (12, false),
            _ => return,
        };
        let Some(n) = be32(self.bytes, s.data.0 + count_at) else {
            return;
        };
        if s.data.0 + count_at + 4 > s.data.1 {
            return;
        }
        self.items(
            s.data.0 + count_at + 4,
            s.data.1,
            n,
            MAX_RECORDS,
            &mut |r| f(r, flow),
        );
    }

    /// Each raw packet header record's sampled bytes, with their offset in
    /// the datagram and their header protocol ([`header_protocol`]).
    pub fn sampled_headers(&self, f: &mut dyn FnMut(usize, u32, &'a [u8])) {
        let b = self.bytes;
        self.samples(&mut |s| {
            self.records(&s, &mut |r, flow| {
                if flow && r.enterprise == 0 && r.format == flow_record::RAW_HEADER {
                    let d = r.data.0;
                    let len = be32(b, d + 12).unwrap_or(0) as usize;
                    let start = d + 16;
                    let end = start.saturating_add(len).min(r.data.1);
                    if let Some(h) = b.get(start..end) {
                        f(start, be32(b, d).unwrap_or(0), h);
                    }
                }
            })
        });
    }

    fn dec(&self, off: usize, out: &mut dyn FieldSink<'a>) {
        if let Some(v) = be32(self.bytes, off) {
            out.value(Value::UInt(v.into()), off..off + 4)
        }
    }

    fn dec64(&self, off: usize, out: &mut dyn FieldSink<'a>) {
        if let Some(v) = array::<8>(self.bytes, off) {
            out.value(Value::UInt(u64::from_be_bytes(v)), off..off + 8)
        }
    }

    /// Field `f` of one sample (its header words and fixed fields).
    fn sample_field(&self, s: &Item, f: Field, out: &mut dyn FieldSink<'a>) {
        let (at, d) = (s.at, s.data.0);
        let word =
            |out: &mut dyn FieldSink<'a>, v: u32| out.value(Value::UInt(v.into()), at..at + 4);
        match f {
            Field::Enterprise => word(out, s.enterprise),
            Field::SampleType => word(out, s.format),
            Field::SampleLength => self.dec(at + 4, out),
            _ => {}
        }
        if s.enterprise != 0 || s.data.1 < d {
            return;
        }
        let part = |off: usize, v: u32, out: &mut dyn FieldSink<'a>| {
            if d + off + 4 <= s.data.1 {
                out.value(Value::UInt(v.into()), d + off..d + off + 4)
            }
        };
        let within = |off: usize| d + off + 4 <= s.data.1;
        let word_at = |off: usize| self.u32_at(d + off);
        match (s.format, f) {
            (sample::FLOW | sample::FLOW_EXPANDED, Field::FlowSeq) if within(0) => self.dec(d, out),
            (sample::FLOW, Field::FlowSourceIdClass) => part(4, word_at(4) >> 24, out),
            (sample::FLOW, Field::FlowIndex) => part(4, word_at(4) & 0xff_ffff, out),
            (sample::FLOW, Field::SamplingRate) if within(8) => self.dec(d + 8, out),
            (sample::FLOW, Field::SamplePool) if within(12) => self.dec(d + 12, out),
            (sample::FLOW, Field::DroppedPackets) if within(16) => self.dec(d + 16, out),
            (sample::FLOW, Field::InputInterface) if within(20) => self.dec(d + 20, out),
            (sample::FLOW, Field::OutputInterface) if within(24) => self.dec(d + 24, out),
            (sample::FLOW, Field::OutputInterfaceFormat) if word_at(24) >> 31 == 1 => {
                part(24, word_at(24) >> 30, out)
            }
            (sample::FLOW, Field::OutputInterfaceValue) if word_at(24) >> 31 == 1 => {
                part(24, word_at(24) & 0x3fff_ffff, out)
            }
            (sample::FLOW, Field::FlowRecords) if within(28) => self.dec(d + 28, out),
            (sample::FLOW_EXPANDED, Field::FlowSourceIdType) if within(4) => self.dec(d + 4, out),
            (sample::FLOW_EXPANDED, Field::FlowSourceIdIndex) if within(8) => self.dec(d + 8, out),
            (sample::FLOW_EXPANDED, Field::SamplingRate) if within(12) => self.dec(d + 12, out),
            (sample::FLOW_EXPANDED, Field::SamplePool) if within(16) => self.dec(d + 16, out),
            (sample::FLOW_EXPANDED, Field::DroppedPackets) if within(20) => self.dec(d + 20, out),
            (sample::FLOW_EXPANDED, Field::InputInterfaceFormat) if within(24) => {
                self.dec(d + 24, out)
            }
            (sample::FLOW_EXPANDED, Field::InputInterfaceValue) if within(28) => {
                self.dec(d + 28, out)
            }
            (sample::FLOW_EXPANDED, Field::OutputInterfaceFormat) if within(32) => {
                self.dec(d + 32, out)
            }
            (sample::FLOW_EXPANDED, Field::OutputInterfaceValue) if within(36) => {
                self.dec(d + 36, out)
            }
            (sample::FLOW_EXPANDED, Field::FlowRecords) if within(40) => self.dec(d + 40, out),
            (sample::COUNTERS | sample::COUNTERS_EXPANDED, Field::CountersSeq) if within(0) => {
                self.dec(d, out)
            }
            (sample::COUNTERS, Field::CountersSourceIdType) => part(4, word_at(4) >> 24, out),
            (sample::COUNTERS, Field::CountersSourceIdIndex) => {
                part(4, word_at(4) & 0xff_ffff, out)
            }
            (sample::COUNTERS, Field::CountersRecords) if within(8) => self.dec(d + 8, out),
            (sample::COUNTERS_EXPANDED, Field::CountersSourceIdType) if within(4) => {
                self.dec(d + 4, out)
            }
            (sample::COUNTERS_EXPANDED, Field::CountersSourceIdIndex) if within(8) => {
                self.dec(d + 8, out)
            }
            (sample::COUNTERS_EXPANDED, Field::CountersRecords) if within(12) => {
                self.dec(d + 12, out)
            }
            _ => {}
        }
    }

    /// Field `f` of one record.
    fn record_field(&self, r: &Item, flow: bool, f: Field, out: &mut dyn FieldSink<'a>) {
        let (at, d) = (r.at, r.data.0);
        match f {
            Field::Enterprise => out.value(Value::UInt(r.enterprise.into()), at..at + 4),
            Field::FlowRecordFormat if flow => out.value(Value::UInt(r.format.into()), at..at + 4),
            Field::CountersRecordFormat if !flow => {
                out.value(Value::UInt(r.format.into()), at..at + 4)
            }
            Field::RecordLength => self.dec(at + 4, out),
            _ => {}
        }
        if r.enterprise != 0 {
            return;
        }
        let within = |off: usize, n: usize| d + off + n <= r.data.1;
        match (flow, r.format, f) {
            (true, flow_record::RAW_HEADER, Field::HeaderProtocol) if within(0, 4) => {
                self.dec(d, out)
            }
            (true, flow_record::RAW_HEADER, Field::FrameLength) if within(4, 4) => {
                self.dec(d + 4, out)
            }
            (true, flow_record::RAW_HEADER, Field::PayloadStripped) if within(8, 4) => {
                self.dec(d + 8, out)
            }
            (true, flow_record::RAW_HEADER, Field::SampledHeaderLength) if within(12, 4) => {
                self.dec(d + 12, out)
            }
            (true, flow_record::RAW_HEADER, Field::Header) if within(12, 4) => {
                let len = self.u32_at(d + 12) as usize;
                let end = (d + 16).saturating_add(len).min(r.data.1);
                if let Some(h) = self.bytes.get(d + 16..end) {
                    out.value(Value::Bytes(h), d + 16..end)
                }
            }
            (true, flow_record::EXTENDED_SWITCH, _) => {
                let off = match f {
                    Field::VlanIn => 0,
                    Field::PriIn => 4,
                    Field::VlanOut => 8,
                    Field::PriOut => 12,
                    _ => return,
                };
                if within(off, 4) {
                    self.dec(d + off, out)
                }
            }
            (false, counters_record::GENERIC_INTERFACE, _) => {
                if matches!(f, Field::IfAdminStatus | Field::IfOperStatus) && within(20, 4) {
                    let bit = if f == Field::IfAdminStatus { 1 } else { 2 };
                    out.value(Value::Bool(self.u32_at(d + 20) & bit != 0), d + 20..d + 24);
                    return;
                }
                for &(g, off, wide) in GENERIC_COUNTERS {
                    if g == f && within(off, if wide { 8 } else { 4 }) {
                        if wide {
                            self.dec64(d + off, out)
                        } else {
                            self.dec(d + off, out)
                        }
                    }
                }
            }
            (false, counters_record::ETHERNET, _) => {
                if let Some(i) = ETHERNET_COUNTERS.iter().position(|&g| g == f) {
                    if within(4 * i, 4) {
                        self.dec(d + 4 * i, out)
                    }
                }
            }
            _ => {}
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let a = self.addr_len();
        match f {
            Field::Version => return self.dec(0, out),
            Field::AgentType => return self.dec(4, out),
            Field::Agent if a == 4 => {
                if let Some(x) = array(self.bytes, 8) {
                    out.value(Value::Ipv4(x), 8..12)
                }
                return;
            }
            Field::AgentV6 if a == 16 => {
                if let Some(x) = array(self.bytes, 8) {
                    out.value(Value::Ipv6(x), 8..24)
                }
                return;
            }
            Field::Agent | Field::AgentV6 => return,
            Field::SubAgentId => return self.dec(8 + a, out),
            Field::SequenceNumber => return self.dec(12 + a, out),
            Field::SysUptime => return self.dec(16 + a, out),
            Field::NumSamples => return self.dec(20 + a, out),
            _ => {}
        }
        // Per sample and per record, in the tree's order.
        self.samples(&mut |s| {
            self.sample_field(&s, f, out);
            self.records(&s, &mut |r, flow| self.record_field(&r, flow, f, out));
        });
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("InMon sFlow");
    }

    /// tshark's Info column: `V5, agent 192.0.2.1, sub-agent ID 0, seq 7, 2 samples`.
    pub fn summary(&self, out: &mut String) {
        let _ = write!(out, "V{}, agent ", self.version());
        if self.addr_len() == 4 {
            crate::field::write_ipv4(out, array(self.bytes, 8).unwrap_or_default());
        } else {
            crate::field::write_ipv6(out, &array(self.bytes, 8).unwrap_or([0; 16]));
        }
        let a = self.addr_len();
        let _ = write!(
            out,
            ", sub-agent ID {}, seq {}, {} samples",
            self.u32_at(8 + a),
            self.sequence(),
            self.num_samples()
        );
    }
}

/// An sFlow v5 datagram's plain values, for building: the header and each
/// sample as its enterprise/format word and its data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SflowRepr {
    /// 4 bytes (IPv4) or 16 (IPv6).
    pub agent: Vec<u8>,
    pub sub_agent_id: u32,
    pub sequence: u32,
    pub uptime: u32,
    /// (enterprise << 12 | format, data) of each sample.
    pub samples: Vec<(u32, Vec<u8>)>,
}

impl SflowRepr {
    pub fn parse(v: &SflowView) -> Self {
        let a = v.addr_len();
        let mut samples = Vec::new();
        v.samples(&mut |s| {
            let data = v.bytes.get(s.range()).unwrap_or_default().to_vec();
            samples.push((s.enterprise << 12 | s.format, data));
        });
        SflowRepr {
            agent: v.bytes.get(8..8 + a).unwrap_or_default().to_vec(),
            sub_agent_id: v.u32_at(8 + a),
            sequence: v.sequence(),
            uptime: v.u32_at(16 + a),
            samples,
        }
    }

    /// Append the datagram (sample data padded to four bytes).
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let v6 = self.agent.len() == 16;
        buf.extend_from_slice(&5u32.to_be_bytes());
        buf.extend_from_slice(&(if v6 { 2u32 } else { 1 }).to_be_bytes());
        let mut agent = self.agent.clone();
        agent.resize(if v6 { 16 } else { 4 }, 0);
        buf.extend_from_slice(&agent);
        for w in [self.sub_agent_id, self.sequence, self.uptime] {
            buf.extend_from_slice(&w.to_be_bytes());
        }
        buf.extend_from_slice(&(self.samples.len() as u32).to_be_bytes());
        for (word, data) in &self.samples {
            buf.extend_from_slice(&word.to_be_bytes());
            buf.extend_from_slice(&(data.len() as u32).to_be_bytes());
            buf.extend_from_slice(data);
            buf.resize(buf.len() + padded(data.len()) - data.len(), 0);
        }
    }

    /// The data of a compact flow sample whose one record is a raw
    /// Ethernet packet header (`frame_len` bytes on the wire, `header`
    /// sampled).
    pub fn flow_sample(seq: u32, rate: u32, frame_len: u32, header: &[u8]) -> Vec<u8> {
        let mut d = Vec::new();
        for w in [seq, 13, rate, rate.saturating_mul(seq), 0, 13, 2, 1] {
            d.extend_from_slice(&w.to_be_bytes());
        }
        let rec_len = 16 + padded(header.len());
        for w in [
            flow_record::RAW_HEADER,
            rec_len as u32,
            header_protocol::ETHERNET,
            frame_len,
            4,
            header.len() as u32,
        ] {
            d.extend_from_slice(&w.to_be_bytes());
        }
        d.extend_from_slice(header);
        d.resize(d.len() + padded(header.len()) - header.len(), 0);
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;
    use proptest::prelude::*;

    use crate::testing::hex;

    fn get(v: &SflowView, f: Field) -> String {
        testing::values(FIELDS[f as usize].kind, |out| v.field(f, out)).join(",")
    }

    fn check_ranges(v: &SflowView) {
        testing::assert_ranges_within(FIELDS, v.bytes.len(), |i, out| {
            v.field(Field::from_index(i).unwrap(), out)
        });
    }

    /// suricata__filestore-5408-input.pcap frame 116, the UDP payload up
    /// to the end of its first sample (the datagram says 7 samples; the
    /// others are left out here): a flow sample with the first 128 bytes
    /// of an HTTP response.
    const FRAME_116: &str = concat!(
        "0000000500000001c0a89602000000000004451511149e140000000700000001",
        "000000b8001cf5430000000d0000003c12e0d825000be2270000000d80000002",
        "00000001000000010000009000000001000005d00000000400000080d4bed94b",
        "247900907f3e02d00800452005be389e000036063c37adc22b3cac1085360050",
        "fbdba3846388a1fca9ca501003eaf3770000485454502f312e3120323030204f",
        "4b0d0a5033503a20706f6c6963797265663d22687474703a2f2f676f6f676c65",
        "6164732e672e646f75626c65636c69636b2e6e65742f706167656164",
    );

    #[test]
    fn real_flow_sample() {
        let b = hex(FRAME_116);
        let v = SflowView::new(&b).unwrap();
        check_ranges(&v);
        assert_eq!(get(&v, Field::Agent), "192.168.150.2");
        assert_eq!(get(&v, Field::NumSamples), "7");
        assert_eq!(get(&v, Field::SampleLength), "184");
        assert_eq!(get(&v, Field::FlowSourceIdClass), "0");
        assert_eq!(get(&v, Field::FlowIndex), "13");
        assert_eq!(get(&v, Field::SamplingRate), "60");
        assert_eq!(get(&v, Field::OutputInterface), "0x80000002");
        assert_eq!(get(&v, Field::OutputInterfaceFormat), "2");
        assert_eq!(get(&v, Field::OutputInterfaceValue), "2");
        assert_eq!(get(&v, Field::Enterprise), "0,0");
        assert_eq!(get(&v, Field::FlowRecordFormat), "1");
        assert_eq!(get(&v, Field::FrameLength), "1488");
        assert_eq!(get(&v, Field::SampledHeaderLength), "128");
        let mut seen = Vec::new();
        v.sampled_headers(&mut |at, proto, h| seen.push((at, proto, h.len())));
        assert_eq!(seen, [(92, 1, 128)]);
        assert_eq!(b.len(), 220);
        assert!(b[92..].starts_with(&hex("d4bed94b247900907f3e02d00800")));
        let s = testing::string_of(|s| v.summary(s));
        assert_eq!(
            s,
            "V5, agent 192.168.150.2, sub-agent ID 0, seq 279829, 7 samples"
        );
    }

    #[test]
    fn counters_records() {
        let mut generic = Vec::new();
        for w in [7u32, 6, 0, 1_000_000_000, 1, 3] {
            generic.extend_from_slice(&w.to_be_bytes());
        }
        generic.extend_from_slice(&500u64.to_be_bytes());
        generic.resize(88, 0);
        let mut sample = Vec::new();
        for w in [9u32, 23001, 2, 1, 88] {
            sample.extend_from_slice(&w.to_be_bytes());
        }
        sample.extend_from_slice(&generic);
        sample.extend_from_slice(&[0, 0, 0, 2, 0, 0, 0, 52]);
        sample.extend_from_slice(&[0; 52]);
        let r = SflowRepr {
            agent: vec![0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            sub_agent_id: 0,
            sequence: 109,
            uptime: 5,
            samples: vec![(sample::COUNTERS, sample)],
        };
        let mut b = Vec::new();
        r.emit(&mut b);
        let v = SflowView::new(&b).unwrap();
        check_ranges(&v);
        assert_eq!(get(&v, Field::AgentV6), "2001:db8::1");
        assert_eq!(get(&v, Field::Agent), "");
        assert_eq!(get(&v, Field::CountersSourceIdIndex), "23001");
        assert_eq!(get(&v, Field::CountersRecordFormat), "1,2");
        assert_eq!(get(&v, Field::IfSpeed), "1000000000");
        assert_eq!(get(&v, Field::IfAdminStatus), "1");
        assert_eq!(get(&v, Field::IfOperStatus), "1");
        assert_eq!(get(&v, Field::IfInOct), "500");
        assert_eq!(get(&v, Field::Dot3SymbolErrors), "0");
        assert_eq!(SflowRepr::parse(&v), r);
    }

    #[test]
    fn hostile_inputs() {
        assert!(SflowView::new(&hex("00000004000000010a0a9602")).is_err());
        assert!(SflowView::new(&hex("0000000500000009")).is_err());
        // A sample count of four billion with no samples, and a sample
        // whose length runs past the end: read what is there.
        let mut b = hex("00000005000000010a0a9602000000000000000100000002ffffffff");
        let v = SflowView::new(&b).unwrap();
        assert_eq!(get(&v, Field::SampleType), "");
        b.extend_from_slice(&hex("00000001ffffff000000000100000002"));
        let v = SflowView::new(&b).unwrap();
        check_ranges(&v);
        assert_eq!(get(&v, Field::SampleLength), "4294967040");
        assert_eq!(get(&v, Field::FlowSeq), "1");
        let mut n = 0;
        v.sampled_headers(&mut |_, _, _| n += 1);
        assert_eq!(n, 0);
    }

    proptest! {
        #[test]
        fn round_trip(
            v6 in any::<bool>(),
            seq in any::<u32>(),
            headers in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..90), 0..5),
        ) {
            let samples: Vec<(u32, Vec<u8>)> = headers
                .iter()
                .enumerate()
                .map(|(i, h)| (sample::FLOW, SflowRepr::flow_sample(i as u32, 64, 1500, h)))
                .collect();
            let r = SflowRepr {
                agent: if v6 { vec![7; 16] } else { vec![192, 0, 2, 9] },
                sub_agent_id: 1,
                sequence: seq,
                uptime: 2,
                samples,
            };
            let mut b = Vec::new();
            r.emit(&mut b);
            let v = SflowView::new(&b).unwrap();
            prop_assert_eq!(SflowRepr::parse(&v), r);
            let mut got = Vec::new();
            v.sampled_headers(&mut |_, p, h| got.push((p, h.to_vec())));
            let want: Vec<(u32, Vec<u8>)> = headers.into_iter().map(|h| (1, h)).collect();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn any_bytes_are_safe(b in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut b = b;
            if b.len() >= 8 {
                b[..8].copy_from_slice(&[0, 0, 0, 5, 0, 0, 0, 1]);
            }
            if let Ok(v) = SflowView::new(&b) {
                check_ranges(&v);
                v.sampled_headers(&mut |_, _, _| {});
                let _ = SflowRepr::parse(&v);
            }
        }
    }
}
