//! The frame pseudo-layer: what the capture says about a packet (number,
//! time, lengths, interface), exposed as fields like tshark's `frame.*`.

use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::fmt::Write as _;

field_table! {
    Number: "frame.number", "Frame Number", Kind::Dec;
    TimeEpoch: "frame.time_epoch", "Epoch Time", Kind::AbsTime;
    TimeRelative: "frame.time_relative", "Time since reference or first frame", Kind::RelTime;
    TimeDelta: "frame.time_delta", "Time delta from previous captured frame", Kind::RelTime;
    Len: "frame.len", "Frame length on the wire", Kind::Dec;
    CapLen: "frame.cap_len", "Frame length stored into the capture file", Kind::Dec;
    InterfaceId: "frame.interface_id", "Interface id", Kind::Dec;
    LinkType: "frame.link_type", "Link type (DLT)", Kind::Dec;
    Protocols: "frame.protocols", "Protocols in frame", Kind::Str;
}

/// What the capture source knows of a frame, before any dissection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameMeta {
    /// 1-based, in file order.
    pub number: u64,
    pub ts_secs: i64,
    pub ts_nanos: u32,
    /// Time since the first frame.
    pub rel_secs: i64,
    pub rel_nanos: u32,
    /// Time since the previous frame.
    pub delta_secs: i64,
    pub delta_nanos: u32,
    /// Length on the wire.
    pub len: u32,
    /// Bytes captured.
    pub cap_len: u32,
    pub interface_id: u32,
    pub link_type: u32,
    /// False for records that carry no time (pcapng simple packet blocks):
    /// the time fields are then absent, as in tshark.
    pub has_time: bool,
    /// The transport checksum was left to the network card (live capture):
    /// it is reported unverified, not bad.
    pub checksum_offloaded: bool,
}

/// The frame layer: the metadata plus the captured bytes.
#[derive(Clone, Copy, Debug)]
pub struct FrameView<'a> {
    pub meta: FrameMeta,
    pub bytes: &'a [u8],
}

impl<'a> FrameView<'a> {
    pub fn header_len(&self) -> usize {
        0
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let m = &self.meta;
        let all = 0..self.bytes.len();
        let v = match f {
            Field::Number => Value::UInt(m.number),
            Field::TimeEpoch | Field::TimeRelative | Field::TimeDelta if !m.has_time => return,
            Field::TimeEpoch => Value::Time {
                secs: m.ts_secs,
                nanos: m.ts_nanos,
            },
            Field::TimeRelative => Value::Time {
                secs: m.rel_secs,
                nanos: m.rel_nanos,
            },
            Field::TimeDelta => Value::Time {
                secs: m.delta_secs,
                nanos: m.delta_nanos,
            },
            Field::Len => Value::UInt(m.len.into()),
            Field::CapLen => Value::UInt(m.cap_len.into()),
            Field::InterfaceId => Value::UInt(m.interface_id.into()),
            Field::LinkType => Value::UInt(m.link_type.into()),
            // The stack of layers is known only to the dissection, which
            // answers this field itself.
            Field::Protocols => return,
        };
        out.value(v, all);
    }

    pub fn title(&self, out: &mut String) {
        let m = &self.meta;
        let _ = write!(
            out,
            "Frame {}: {} bytes on wire ({} bits), {} bytes captured ({} bits)",
            m.number,
            m.len,
            u64::from(m.len) * 8,
            m.cap_len,
            u64::from(m.cap_len) * 8
        );
        if m.interface_id != 0 {
            let _ = write!(out, " on interface {}", m.interface_id);
        }
    }
}
