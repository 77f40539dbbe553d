//! Encapsulated Remote Switch Port ANalyzer (Cisco ERSPAN), carried in GRE.
//!
//! Three layouts, chosen as tshark 4.0 chooses them:
//! - **Type I**: GRE protocol 0x88be *without* a GRE sequence number. There
//!   is no ERSPAN header at all; an Ethernet frame follows the GRE header.
//! - Otherwise the first 4 bits are the version: **1 = type II**, an 8-byte
//!   header (version, VLAN, CoS, encapsulation, truncated bit, session id,
//!   reserved bits and a 20-bit index); **2 = type III**, a 12-byte header
//!   (version, VLAN, CoS, BSO, truncated bit, session id, 32-bit timestamp,
//!   security group tag, P bit, frame type, hardware id, direction,
//!   granularity, O bit) and, when O is set, an 8-byte platform-specific
//!   subheader whose layout depends on its 6-bit platform id. Any other
//!   version is shown as unknown and nothing after it is dissected. (The GRE
//!   protocol type, 0x88be or 0x22eb, does not decide between II and III.)
//!
//! Type II, and type III with frame type 0, carry an Ethernet frame; a type
//! III frame of another frame type is shown as data.

use crate::bytes::{be16, be32, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::ops::Range;

/// Byte ranges of the header's fields (types II and III share the first 4).
mod at {
    use std::ops::Range;
    /// Version and VLAN.
    pub const VER_VLAN: Range<usize> = 0..2;
    /// CoS, encapsulation/BSO, truncated bit and session id.
    pub const COS_SPAN: Range<usize> = 2..4;
    /// Type II: reserved bits and index.
    pub const II_INDEX: Range<usize> = 4..8;
    pub const II_LEN: usize = 8;
    /// Type III: timestamp.
    pub const III_TIMESTAMP: Range<usize> = 4..8;
    pub const III_SGT: Range<usize> = 8..10;
    /// P, frame type, hardware id, direction, granularity, O.
    pub const III_FLAGS: Range<usize> = 10..12;
    pub const III_LEN: usize = 12;
    /// The optional platform-specific subheader (two 32-bit words).
    pub const SUB_HI: Range<usize> = 12..16;
    pub const SUB_LO: Range<usize> = 16..20;
    pub const III_SUB_LEN: usize = 20;
}

/// GRE protocol types that carry ERSPAN.
pub mod gre_proto {
    /// Types I and II (and III in practice).
    pub const ERSPAN: u16 = 0x88be;
    /// Type III.
    pub const ERSPAN_III: u16 = 0x22eb;
}

field_table! {
    Version: "erspan.version", "Version", Kind::Dec;
    Vlan: "erspan.vlan", "Vlan", Kind::Dec;
    Cos: "erspan.cos", "COS", Kind::Dec;
    Encap: "erspan.encap", "Encap", Kind::Dec;
    Bso: "erspan.bso", "Bad/Short/Oversized", Kind::Dec;
    Truncated: "erspan.truncated", "Truncated", Kind::Dec;
    Spanid: "erspan.spanid", "SpanID", Kind::Dec;
    Reserved: "erspan.reserved", "Reserved", Kind::Dec;
    Index: "erspan.index", "Index", Kind::Dec;
    Timestamp: "erspan.timestamp", "Timestamp", Kind::Dec;
    Sgt: "erspan.sgt", "Security Group Tag", Kind::Dec;
    P: "erspan.p", "Has Ethernet PDU", Kind::Dec;
    Ft: "erspan.ft", "Frame Type", Kind::Dec;
    Hw: "erspan.hw", "Hardware ID", Kind::Dec;
    Direction: "erspan.direction", "Direction", Kind::Bool;
    Gra: "erspan.gra", "Timestamp granularity", Kind::Dec;
    O: "erspan.o", "Optional Sub headers", Kind::Dec;
    Platid: "erspan.platid", "Platform ID", Kind::Dec;
    Pid1Rsvd1: "erspan.pid1.rsvd1", "Reserved", Kind::Dec;
    Pid1Vsmid: "erspan.pid1.vsmid", "VSM Domain ID", Kind::Dec;
    Pid1PortIndex: "erspan.pid1.port_index", "Port ID/Index", Kind::Dec;
    Pid3Rsvd1: "erspan.pid3.rsvd1", "Reserved", Kind::Dec;
    Pid3PortIndex: "erspan.pid3.port_index", "Port ID/Index", Kind::Dec;
    Pid3Timestamp: "erspan.pid3.timestamp", "Upper 32-bit Timestamp", Kind::Dec;
    Pid4Rsvd1: "erspan.pid4.rsvd1", "Reserved", Kind::Dec;
    Pid4Rsvd2: "erspan.pid4.rsvd2", "Reserved", Kind::Dec;
    Pid4Rsvd3: "erspan.pid4.rsvd3", "Reserved", Kind::Dec;
    Pid5Switchid: "erspan.pid5.switchid", "Switch ID", Kind::Dec;
    Pid5PortIndex: "erspan.pid5.port_index", "Port ID/Index", Kind::Dec;
    Pid5Timestamp: "erspan.pid5.timestamp", "Timestamp (seconds)", Kind::Dec;
    Pid7Rsvd1: "erspan.pid7.rsvd1", "Reserved", Kind::Dec;
    Pid7SourceIndex: "erspan.pid7.source_index", "Source Index", Kind::Dec;
    Pid7Timestamp: "erspan.pid7.timestamp", "Upper 32-bit Timestamp", Kind::Dec;
    PidRsvd: "erspan.pid.rsvd", "Reserved", Kind::Dec;
}

/// Which ERSPAN layout a view holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErspanType {
    /// No header (GRE 0x88be without a sequence number).
    I,
    /// Version 1, 8-byte header.
    II,
    /// Version 2, 12-byte header (20 with the platform subheader).
    III,
    /// Another version number: tshark stops after it.
    Unknown(u8),
}

/// How tshark lays out the platform-specific subheader, by platform id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Platform {
    P1,
    P3,
    P4,
    /// Platforms 5 and 6.
    P5,
    /// Platforms 0 and 7.
    P7,
    /// Any other id: 64 reserved bits (tshark masks them to the low 26).
    Other,
}

fn platform(id: u8) -> Platform {
    match id {
        1 => Platform::P1,
        3 => Platform::P3,
        4 => Platform::P4,
        5 | 6 => Platform::P5,
        0 | 7 => Platform::P7,
        _ => Platform::Other,
    }
}

/// A view over an ERSPAN header (possibly empty, for type I) and the frame
/// it carries.
#[derive(Clone, Copy, Debug)]
pub struct ErspanView<'a> {
    bytes: &'a [u8],
    ty: ErspanType,
}

impl<'a> ErspanView<'a> {
    /// A view over the GRE payload `bytes`, given the GRE protocol type and
    /// whether the GRE header had a sequence number (tshark's test for type
    /// I). Fails when the header the version announces is cut short.
    pub fn new(bytes: &'a [u8], gre_proto: u16, gre_has_seq: bool) -> Result<Self, Error> {
        if gre_proto == gre_proto::ERSPAN && !gre_has_seq {
            return Ok(ErspanView {
                bytes,
                ty: ErspanType::I,
            });
        }
        need(bytes, 2)?;
        let version = u8_at(bytes, 0).unwrap_or(0) >> 4;
        let ty = match version {
            1 => {
                need(bytes, at::II_LEN)?;
                ErspanType::II
            }
            2 => {
                need(bytes, at::III_LEN)?;
                if be16(bytes, at::III_FLAGS.start).unwrap_or(0) & 1 != 0 {
                    need(bytes, at::III_SUB_LEN)?;
                }
                ErspanType::III
            }
            v => ErspanType::Unknown(v),
        };
        Ok(ErspanView { bytes, ty })
    }

    pub fn erspan_type(&self) -> ErspanType {
        self.ty
    }

    fn w16(&self, r: Range<usize>) -> u16 {
        be16(self.bytes, r.start).unwrap_or(0)
    }

    fn w32(&self, r: Range<usize>) -> u32 {
        be32(self.bytes, r.start).unwrap_or(0)
    }

    /// The 4-bit version (1 for type II, 2 for type III); 0 for type I,
    /// which has no header.
    pub fn version(&self) -> u8 {
        match self.ty {
            ErspanType::I => 0,
            _ => (self.w16(at::VER_VLAN) >> 12) as u8,
        }
    }

    /// The original VLAN (12 bits).
    pub fn vlan(&self) -> u16 {
        self.w16(at::VER_VLAN) & 0x0fff
    }

    /// Class of service (3 bits).
    pub fn cos(&self) -> u8 {
        (self.w16(at::COS_SPAN) >> 13) as u8
    }

    /// Type II: how the frame was encapsulated; type III: the
    /// bad/short/oversized bits (2 bits either way).
    pub fn encap(&self) -> u8 {
        ((self.w16(at::COS_SPAN) >> 11) & 3) as u8
    }

    /// The truncated bit.
    pub fn truncated(&self) -> bool {
        self.w16(at::COS_SPAN) & 0x0400 != 0
    }

    /// The session id (10 bits).
    pub fn span_id(&self) -> u16 {
        self.w16(at::COS_SPAN) & 0x03ff
    }

    /// Type II: the 12 reserved bits before the index.
    pub fn reserved(&self) -> u16 {
        (self.w32(at::II_INDEX) >> 20) as u16
    }

    /// Type II: the port index (20 bits).
    pub fn index(&self) -> u32 {
        self.w32(at::II_INDEX) & 0x000f_ffff
    }

    /// Type III: the timestamp (low 32 bits).
    pub fn timestamp(&self) -> u32 {
        self.w32(at::III_TIMESTAMP)
    }

    /// Type III: the security group tag.
    pub fn sgt(&self) -> u16 {
        self.w16(at::III_SGT)
    }

    /// Type III: the 16 bits of P, frame type, hardware id, direction,
    /// granularity and O.
    pub fn flags(&self) -> u16 {
        self.w16(at::III_FLAGS)
    }

    /// Type III: the P bit.
    pub fn p(&self) -> bool {
        self.flags() & 0x8000 != 0
    }

    /// Type III: the frame type (0 Ethernet, 2 IP; 5 bits).
    pub fn frame_type(&self) -> u8 {
        ((self.flags() >> 10) & 0x1f) as u8
    }

    /// Type III: the hardware id (6 bits).
    pub fn hw_id(&self) -> u8 {
        ((self.flags() >> 4) & 0x3f) as u8
    }

    /// Type III: the direction bit (set for egress).
    pub fn direction(&self) -> bool {
        self.flags() & 0x0008 != 0
    }

    /// Type III: the timestamp granularity (2 bits).
    pub fn granularity(&self) -> u8 {
        ((self.flags() >> 1) & 3) as u8
    }

    /// Type III: whether the platform-specific subheader is present.
    pub fn has_subheader(&self) -> bool {
        self.ty == ErspanType::III && self.flags() & 1 != 0
    }

    /// Type III with O set: the 8-byte platform-specific subheader.
    pub fn subheader(&self) -> Option<u64> {
        if !self.has_subheader() {
            return None;
        }
        let hi = u64::from(be32(self.bytes, at::SUB_HI.start)?);
        let lo = u64::from(be32(self.bytes, at::SUB_LO.start)?);
        Some(hi << 32 | lo)
    }

    /// The subheader's platform id (its top 6 bits).
    pub fn platform_id(&self) -> Option<u8> {
        self.subheader().map(|s| (s >> 58) as u8)
    }

    pub fn header_len(&self) -> usize {
        match self.ty {
            ErspanType::I => 0,
            ErspanType::II => at::II_LEN,
            ErspanType::III if self.has_subheader() => at::III_SUB_LEN,
            ErspanType::III => at::III_LEN,
            ErspanType::Unknown(_) => at::VER_VLAN.end,
        }
    }

    /// The mirrored frame (for an unknown version, the undissected rest).
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.header_len())
    }

    /// What [`Self::payload`] holds: an Ethernet frame for types I and II
    /// and for type III with frame type 0; data for other type III frame
    /// types; nothing tshark dissects after an unknown version.
    pub fn next_layer(&self) -> NextLayer {
        match self.ty {
            ErspanType::I | ErspanType::II => NextLayer::Ethernet,
            ErspanType::III if self.frame_type() == 0 => NextLayer::Ethernet,
            ErspanType::III => NextLayer::Data,
            ErspanType::Unknown(_) => NextLayer::Done,
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        if let Some((v, r)) = self.field_value(f) {
            out.value(v, r)
        }
    }

    /// The one occurrence of `f`, if this header has it.
    fn field_value(&self, f: Field) -> Option<(Value<'a>, Range<usize>)> {
        let ty = self.ty;
        let (ii, iii) = (ty == ErspanType::II, ty == ErspanType::III);
        let uint = |v: u64| Value::UInt(v);
        let sub = self.subheader();
        let plat = self.platform_id().map(platform);
        let (hi, lo) = sub.map_or((0, 0), |s| (s >> 32, s & 0xffff_ffff));
        let on =
            |want: Platform, v: u64, r: Range<usize>| (plat == Some(want)).then(|| (uint(v), r));
        let when = |c: bool, v: u64, r: Range<usize>| c.then(|| (uint(v), r));
        match f {
            Field::Version => when(ty != ErspanType::I, self.version().into(), at::VER_VLAN),
            Field::Vlan => when(ii || iii, self.vlan().into(), at::VER_VLAN),
            Field::Cos => when(ii || iii, self.cos().into(), at::COS_SPAN),
            Field::Encap => when(ii, self.encap().into(), at::COS_SPAN),
            Field::Bso => when(iii, self.encap().into(), at::COS_SPAN),
            Field::Truncated => when(ii || iii, self.truncated().into(), at::COS_SPAN),
            Field::Spanid => when(ii || iii, self.span_id().into(), at::COS_SPAN),
            Field::Reserved => when(ii, self.reserved().into(), at::II_INDEX),
            Field::Index => when(ii, self.index().into(), at::II_INDEX),
            Field::Timestamp => when(iii, self.timestamp().into(), at::III_TIMESTAMP),
            Field::Sgt => when(iii, self.sgt().into(), at::III_SGT),
            Field::P => when(iii, self.p().into(), at::III_FLAGS),
            Field::Ft => when(iii, self.frame_type().into(), at::III_FLAGS),
            Field::Hw => when(iii, self.hw_id().into(), at::III_FLAGS),
            Field::Direction => iii.then(|| (Value::Bool(self.direction()), at::III_FLAGS)),
            Field::Gra => when(iii, self.granularity().into(), at::III_FLAGS),
            Field::O => when(iii, self.has_subheader().into(), at::III_FLAGS),
            Field::Platid => when(sub.is_some(), hi >> 26, at::SUB_HI),
            Field::Pid1Rsvd1 => on(Platform::P1, (hi & 0x03ff_f000) >> 12, at::SUB_HI),
            Field::Pid1Vsmid => on(Platform::P1, hi & 0xfff, at::SUB_HI),
            Field::Pid1PortIndex => on(Platform::P1, lo, at::SUB_LO),
            Field::Pid3Rsvd1 => on(Platform::P3, (hi & 0x03ff_c000) >> 14, at::SUB_HI),
            Field::Pid3PortIndex => on(Platform::P3, hi & 0x3fff, at::SUB_HI),
            Field::Pid3Timestamp => on(Platform::P3, lo, at::SUB_LO),
            Field::Pid4Rsvd1 => on(Platform::P4, (hi & 0x03ff_c000) >> 14, at::SUB_HI),
            Field::Pid4Rsvd2 => on(Platform::P4, hi & 0x3fff, at::SUB_HI),
            Field::Pid4Rsvd3 => on(Platform::P4, lo, at::SUB_LO),
            Field::Pid5Switchid => on(Platform::P5, (hi & 0x03ff_0000) >> 16, at::SUB_HI),
            Field::Pid5PortIndex => on(Platform::P5, hi & 0xffff, at::SUB_HI),
            Field::Pid5Timestamp => on(Platform::P5, lo, at::SUB_LO),
            Field::Pid7Rsvd1 => on(Platform::P7, (hi & 0x03f0_0000) >> 20, at::SUB_HI),
            Field::Pid7SourceIndex => on(Platform::P7, hi & 0x000f_ffff, at::SUB_HI),
            Field::Pid7Timestamp => on(Platform::P7, lo, at::SUB_LO),
            // tshark's mask for the 64 reserved bits keeps only the low 26.
            Field::PidRsvd => on(
                Platform::Other,
                sub.unwrap_or(0) & 0x03ff_ffff,
                at::SUB_HI.start..at::SUB_LO.end,
            ),
        }
    }

    /// `Encapsulated Remote Switch Packet ANalysis Type II` (as tshark spells it).
    pub fn title(&self, out: &mut String) {
        out.push_str("Encapsulated Remote Switch Packet ANalysis ");
        out.push_str(match self.ty {
            ErspanType::I => "Type I",
            ErspanType::II => "Type II",
            ErspanType::III => "Type III",
            ErspanType::Unknown(_) => "Unknown",
        });
    }
}

/// Type II header values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ErspanIIRepr {
    /// 12 bits.
    pub vlan: u16,
    /// 3 bits.
    pub cos: u8,
    /// 2 bits.
    pub encap: u8,
    pub truncated: bool,
    /// 10 bits.
    pub span_id: u16,
    /// 12 bits.
    pub reserved: u16,
    /// 20 bits.
    pub index: u32,
}

/// Type III header values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ErspanIIIRepr {
    /// 12 bits.
    pub vlan: u16,
    /// 3 bits.
    pub cos: u8,
    /// Bad/short/oversized, 2 bits.
    pub bso: u8,
    pub truncated: bool,
    /// 10 bits.
    pub span_id: u16,
    pub timestamp: u32,
    pub sgt: u16,
    pub p: bool,
    /// 5 bits; 0 (Ethernet) makes the payload an Ethernet frame.
    pub frame_type: u8,
    /// 6 bits.
    pub hw_id: u8,
    pub direction: bool,
    /// 2 bits.
    pub granularity: u8,
    /// The platform-specific subheader; its presence sets the O bit.
    pub subheader: Option<u64>,
}

/// The plain values of an ERSPAN header, for building packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErspanRepr {
    /// No header: send with GRE protocol 0x88be and no sequence number.
    I,
    II(ErspanIIRepr),
    III(ErspanIIIRepr),
}

impl ErspanRepr {
    /// `None` for an unknown version.
    pub fn parse(v: &ErspanView) -> Option<Self> {
        Some(match v.erspan_type() {
            ErspanType::I => ErspanRepr::I,
            ErspanType::II => ErspanRepr::II(ErspanIIRepr {
                vlan: v.vlan(),
                cos: v.cos(),
                encap: v.encap(),
                truncated: v.truncated(),
                span_id: v.span_id(),
                reserved: v.reserved(),
                index: v.index(),
            }),
            ErspanType::III => ErspanRepr::III(ErspanIIIRepr {
                vlan: v.vlan(),
                cos: v.cos(),
                bso: v.encap(),
                truncated: v.truncated(),
                span_id: v.span_id(),
                timestamp: v.timestamp(),
                sgt: v.sgt(),
                p: v.p(),
                frame_type: v.frame_type(),
                hw_id: v.hw_id(),
                direction: v.direction(),
                granularity: v.granularity(),
                subheader: v.subheader(),
            }),
            ErspanType::Unknown(_) => return None,
        })
    }

    /// The GRE protocol type to send this with.
    pub fn gre_proto(&self) -> u16 {
        match self {
            ErspanRepr::III(_) => gre_proto::ERSPAN_III,
            _ => gre_proto::ERSPAN,
        }
    }

    /// Whether the GRE header must carry a sequence number (types II and
    /// III; type I must not).
    pub fn gre_has_seq(&self) -> bool {
        !matches!(self, ErspanRepr::I)
    }

    /// Append the header (nothing for type I). Fields wider than their bits
    /// are cut to size.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let word = |ver: u16, vlan: u16| (ver << 12) | (vlan & 0x0fff);
        let cos_span = |cos: u8, enc: u8, t: bool, span: u16| {
            (u16::from(cos & 7) << 13)
                | (u16::from(enc & 3) << 11)
                | (u16::from(t) << 10)
                | (span & 0x03ff)
        };
        match self {
            ErspanRepr::I => {}
            ErspanRepr::II(r) => {
                buf.extend_from_slice(&word(1, r.vlan).to_be_bytes());
                buf.extend_from_slice(
                    &cos_span(r.cos, r.encap, r.truncated, r.span_id).to_be_bytes(),
                );
                let w = (u32::from(r.reserved & 0x0fff) << 20) | (r.index & 0x000f_ffff);
                buf.extend_from_slice(&w.to_be_bytes());
            }
            ErspanRepr::III(r) => {
                buf.extend_from_slice(&word(2, r.vlan).to_be_bytes());
                buf.extend_from_slice(
                    &cos_span(r.cos, r.bso, r.truncated, r.span_id).to_be_bytes(),
                );
                buf.extend_from_slice(&r.timestamp.to_be_bytes());
                buf.extend_from_slice(&r.sgt.to_be_bytes());
                let flags = (u16::from(r.p) << 15)
                    | (u16::from(r.frame_type & 0x1f) << 10)
                    | (u16::from(r.hw_id & 0x3f) << 4)
                    | (u16::from(r.direction) << 3)
                    | (u16::from(r.granularity & 3) << 1)
                    | u16::from(r.subheader.is_some());
                buf.extend_from_slice(&flags.to_be_bytes());
                if let Some(s) = r.subheader {
                    buf.extend_from_slice(&s.to_be_bytes());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::each_field_text;
    use proptest::prelude::*;

    fn all<'a>(v: &ErspanView<'a>) -> Vec<String> {
        each_field_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// tcpdump erspan-type-ii-1.pcap frame 1, from byte 42 (after the GRE
    /// header with its sequence number): the type II header and the start
    /// of the mirrored frame.
    const TYPE_II: [u8; 22] = [
        0x11, 0x56, 0xc2, 0x9a, 0x00, 0x00, 0x7f, 0xf8, 0x01, 0x00, 0x5e, 0x00, 0x00, 0x0d, 0x00,
        0x1f, 0x9e, 0xd2, 0xa9, 0x80, 0x08, 0x00,
    ];
    /// zeek tunnels/gre-erspan3-dot1q.pcap frame 1, from byte 38 (GRE
    /// 0x22eb without a sequence number): type III with platform 3's
    /// subheader, then a VLAN-tagged frame.
    const TYPE_III: [u8; 36] = [
        0x20, 0x0a, 0x00, 0x00, 0x70, 0x50, 0x7e, 0x55, 0x00, 0x00, 0x00, 0x07, 0x0c, 0x00, 0x00,
        0x03, 0x15, 0xf7, 0x42, 0xe8, 0x00, 0x50, 0x56, 0x8b, 0x6d, 0xc7, 0x00, 0xae, 0xcd, 0x00,
        0x0c, 0xf1, 0x81, 0x00, 0x00, 0x0a,
    ];
    /// zeek erspanI.pcap frame 1, from byte 38 (GRE 0x88be, no sequence
    /// number): an Ethernet header right away.
    const TYPE_I: [u8; 14] = [
        0xa6, 0x83, 0xe7, 0x0c, 0x90, 0x64, 0x00, 0x0c, 0x29, 0xcf, 0x30, 0x15, 0x08, 0x00,
    ];

    #[test]
    fn type_ii_as_tshark_shows_it() {
        let v = ErspanView::new(&TYPE_II, gre_proto::ERSPAN, true).unwrap();
        assert_eq!(v.erspan_type(), ErspanType::II);
        assert_eq!(
            all(&v),
            [
                "erspan.version=1",
                "erspan.vlan=342",
                "erspan.cos=6",
                "erspan.encap=0",
                "erspan.truncated=0",
                "erspan.spanid=666",
                "erspan.reserved=0",
                "erspan.index=32760",
            ]
        );
        assert_eq!(v.header_len(), 8);
        assert_eq!(v.payload(), &TYPE_II[8..]);
        assert_eq!(v.next_layer(), NextLayer::Ethernet);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Encapsulated Remote Switch Packet ANalysis Type II");
    }

    #[test]
    fn type_iii_with_platform_subheader() {
        let v = ErspanView::new(&TYPE_III, gre_proto::ERSPAN_III, false).unwrap();
        assert_eq!(v.erspan_type(), ErspanType::III);
        assert_eq!(
            all(&v),
            [
                "erspan.version=2",
                "erspan.vlan=10",
                "erspan.cos=0",
                "erspan.bso=0",
                "erspan.truncated=0",
                "erspan.spanid=0",
                "erspan.timestamp=1884323413",
                "erspan.sgt=0",
                "erspan.p=0",
                "erspan.ft=0",
                "erspan.hw=0",
                "erspan.direction=0",
                "erspan.gra=3",
                "erspan.o=1",
                "erspan.platid=3",
                "erspan.pid3.rsvd1=0",
                "erspan.pid3.port_index=3",
                "erspan.pid3.timestamp=368526056",
            ]
        );
        assert_eq!(v.header_len(), 20);
        assert_eq!(v.payload(), &TYPE_III[20..]);
        assert_eq!(v.next_layer(), NextLayer::Ethernet);
    }

    #[test]
    fn type_i_has_no_header() {
        let v = ErspanView::new(&TYPE_I, gre_proto::ERSPAN, false).unwrap();
        assert_eq!(v.erspan_type(), ErspanType::I);
        assert!(all(&v).is_empty());
        assert_eq!(v.header_len(), 0);
        assert_eq!(v.payload(), &TYPE_I);
        assert_eq!(v.next_layer(), NextLayer::Ethernet);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Encapsulated Remote Switch Packet ANalysis Type I");
        // Even an empty GRE payload makes a type I view.
        assert!(ErspanView::new(&[], gre_proto::ERSPAN, false).is_ok());
    }

    #[test]
    fn version_not_gre_type_decides() {
        // Version 1 under 0x22eb is type II; version 2 under 0x88be is III.
        let v = ErspanView::new(&TYPE_II, gre_proto::ERSPAN_III, false).unwrap();
        assert_eq!(v.erspan_type(), ErspanType::II);
        let v = ErspanView::new(&TYPE_III, gre_proto::ERSPAN, true).unwrap();
        assert_eq!(v.erspan_type(), ErspanType::III);
        // Version 0 with a sequence number, or under 0x22eb: unknown.
        let v = ErspanView::new(&TYPE_I, gre_proto::ERSPAN, true).unwrap();
        assert_eq!(v.erspan_type(), ErspanType::Unknown(10));
        let z = [0u8; 12];
        let v = ErspanView::new(&z, gre_proto::ERSPAN_III, false).unwrap();
        assert_eq!(v.erspan_type(), ErspanType::Unknown(0));
        assert_eq!(all(&v), ["erspan.version=0"]);
        assert_eq!(v.next_layer(), NextLayer::Done);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Encapsulated Remote Switch Packet ANalysis Unknown");
    }

    #[test]
    fn frame_type_other_than_ethernet_is_data() {
        let mut b = TYPE_III;
        b[10] = 0x08; // frame type 2 (IP)
        let v = ErspanView::new(&b, gre_proto::ERSPAN_III, true).unwrap();
        assert_eq!(v.frame_type(), 2);
        assert_eq!(v.next_layer(), NextLayer::Data);
    }

    #[test]
    fn platform_layouts() {
        // (platform id, fields tshark shows for hi=…0123, lo=0x55)
        let cases: &[(u8, &[&str])] = &[
            (
                1,
                &[
                    "erspan.pid1.rsvd1=0",
                    "erspan.pid1.vsmid=291",
                    "erspan.pid1.port_index=85",
                ],
            ),
            (
                5,
                &[
                    "erspan.pid5.switchid=0",
                    "erspan.pid5.port_index=291",
                    "erspan.pid5.timestamp=85",
                ],
            ),
            (
                6,
                &[
                    "erspan.pid5.switchid=0",
                    "erspan.pid5.port_index=291",
                    "erspan.pid5.timestamp=85",
                ],
            ),
            (
                4,
                &[
                    "erspan.pid4.rsvd1=0",
                    "erspan.pid4.rsvd2=291",
                    "erspan.pid4.rsvd3=85",
                ],
            ),
            (
                0,
                &[
                    "erspan.pid7.rsvd1=0",
                    "erspan.pid7.source_index=291",
                    "erspan.pid7.timestamp=85",
                ],
            ),
            (
                7,
                &[
                    "erspan.pid7.rsvd1=0",
                    "erspan.pid7.source_index=291",
                    "erspan.pid7.timestamp=85",
                ],
            ),
            (2, &["erspan.pid.rsvd=85"]),
            (63, &["erspan.pid.rsvd=85"]),
        ];
        for (id, want) in cases {
            let mut b = TYPE_III[..12].to_vec();
            b.extend_from_slice(&((u32::from(*id) << 26) | 0x123).to_be_bytes());
            b.extend_from_slice(&0x55u32.to_be_bytes());
            let v = ErspanView::new(&b, gre_proto::ERSPAN_III, true).unwrap();
            let got: Vec<String> = all(&v)
                .into_iter()
                .filter(|s| s.starts_with("erspan.pid"))
                .collect();
            assert_eq!(&got, want, "platform {id}");
        }
    }

    #[test]
    fn short_headers_are_errors() {
        assert!(ErspanView::new(&TYPE_II[..7], gre_proto::ERSPAN, true).is_err());
        assert!(ErspanView::new(&TYPE_III[..11], gre_proto::ERSPAN_III, true).is_err());
        // O set but the subheader is cut.
        assert!(ErspanView::new(&TYPE_III[..19], gre_proto::ERSPAN_III, true).is_err());
        assert!(ErspanView::new(&[0x10], gre_proto::ERSPAN, true).is_err());
    }

    fn any_repr() -> impl Strategy<Value = ErspanRepr> {
        let ii = (
            0u16..0x1000,
            0u8..8,
            0u8..4,
            any::<bool>(),
            0u16..0x400,
            0u16..0x1000,
            0u32..0x10_0000,
        )
            .prop_map(|(vlan, cos, encap, truncated, span_id, reserved, index)| {
                ErspanRepr::II(ErspanIIRepr {
                    vlan,
                    cos,
                    encap,
                    truncated,
                    span_id,
                    reserved,
                    index,
                })
            });
        let iii = (
            (
                0u16..0x1000,
                0u8..8,
                0u8..4,
                any::<bool>(),
                0u16..0x400,
                any::<u32>(),
                any::<u16>(),
            ),
            (
                any::<bool>(),
                0u8..32,
                0u8..64,
                any::<bool>(),
                0u8..4,
                proptest::option::of(any::<u64>()),
            ),
        )
            .prop_map(
                |(
                    (vlan, cos, bso, truncated, span_id, timestamp, sgt),
                    (p, frame_type, hw_id, direction, granularity, subheader),
                )| {
                    ErspanRepr::III(ErspanIIIRepr {
                        vlan,
                        cos,
                        bso,
                        truncated,
                        span_id,
                        timestamp,
                        sgt,
                        p,
                        frame_type,
                        hw_id,
                        direction,
                        granularity,
                        subheader,
                    })
                },
            );
        prop_oneof![Just(ErspanRepr::I), ii, iii]
    }

    proptest! {
        #[test]
        fn build_then_parse(r in any_repr(), payload in proptest::collection::vec(any::<u8>(), 0..32)) {
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let hl = buf.len();
            buf.extend_from_slice(&payload);
            let v = ErspanView::new(&buf, r.gre_proto(), r.gre_has_seq()).unwrap();
            prop_assert_eq!(ErspanRepr::parse(&v), Some(r));
            prop_assert_eq!(v.header_len(), hl);
            prop_assert_eq!(v.payload(), &payload[..]);
        }

        #[test]
        fn hostile_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..40), proto: u16, seq: bool) {
            if let Ok(v) = ErspanView::new(&b, proto, seq) {
                let _ = all(&v);
                let _ = (v.payload(), v.next_layer(), v.header_len());
                prop_assert!(v.header_len() <= b.len());
                let mut t = String::new();
                v.title(&mut t);
            }
        }
    }
}
