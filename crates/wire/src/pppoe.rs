//! PPP over Ethernet (RFC 2516): the session stage (EtherType 0x8864) and
//! the discovery stage (0x8863).
//!
//! Both start with the same 6 bytes: version and type (4 bits each, both
//! 1), a code (0 for session data; PADI, PADO, PADR, PADS, PADT for
//! discovery), the session id and the payload length. A session packet
//! carries a PPP frame starting at its protocol field (no address and
//! control bytes); a discovery packet carries tags, each a 16-bit type, a
//! 16-bit length and a value. tshark names the header fields `pppoe.*` in
//! both (its layers are `pppoes` and `pppoed`) and shows each tag by its own
//! field (`pppoed.tags.service_name`, …); tags of length 0 are not shown,
//! and End-Of-List ends the list. Which stage a packet is comes from the
//! EtherType, not the code.

use crate::bytes::{be16, be32, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::ops::Range;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    /// Version (high nibble) and type (low nibble).
    pub const VER_TYPE: Range<usize> = 0..1;
    pub const CODE: Range<usize> = 1..2;
    pub const SESSION_ID: Range<usize> = 2..4;
    pub const LENGTH: Range<usize> = 4..6;
    pub const HEADER_LEN: usize = 6;
}

/// The EtherTypes.
pub mod ethertype {
    pub const DISCOVERY: u16 = 0x8863;
    pub const SESSION: u16 = 0x8864;
}

/// Codes.
pub mod code {
    pub const SESSION_DATA: u8 = 0x00;
    pub const PADO: u8 = 0x07;
    pub const PADI: u8 = 0x09;
    pub const PADR: u8 = 0x19;
    pub const PADS: u8 = 0x65;
    pub const PADT: u8 = 0xa7;
}

/// Discovery tag types.
pub mod tag {
    pub const END_OF_LIST: u16 = 0x0000;
    pub const SERVICE_NAME: u16 = 0x0101;
    pub const AC_NAME: u16 = 0x0102;
    pub const HOST_UNIQ: u16 = 0x0103;
    pub const AC_COOKIE: u16 = 0x0104;
    pub const VENDOR_SPECIFIC: u16 = 0x0105;
    pub const CREDITS: u16 = 0x0106;
    pub const METRICS: u16 = 0x0107;
    pub const SEQUENCE_NUMBER: u16 = 0x0108;
    pub const CREDIT_SCALE: u16 = 0x0109;
    pub const RELAY_SESSION_ID: u16 = 0x0110;
    pub const HURL: u16 = 0x0111;
    pub const MOTM: u16 = 0x0112;
    pub const PPP_MAX_PAYLOAD: u16 = 0x0120;
    pub const IP_ROUTE_ADD: u16 = 0x0121;
    pub const SERVICE_NAME_ERROR: u16 = 0x0201;
    pub const AC_SYSTEM_ERROR: u16 = 0x0202;
    pub const GENERIC_ERROR: u16 = 0x0203;
}

/// The Broadband Forum's (ADSL Forum's) enterprise number, whose
/// vendor-specific sub-tags tshark decodes.
pub const VENDOR_BBF: u32 = 3561;

field_table! {
    Version: "pppoe.version", "Version", Kind::Dec;
    Type: "pppoe.type", "Type", Kind::Dec;
    Code: "pppoe.code", "Code", Kind::Hex(2);
    SessionId: "pppoe.session_id", "Session ID", Kind::Hex(4);
    PayloadLength: "pppoe.payload_length", "Payload Length", Kind::Dec;
    Tags: "pppoed.tags", "PPPoE Tags", Kind::None;
    Tag: "pppoed.tag", "Tag", Kind::Hex(4);
    TagLength: "pppoed.tag_length", "Tag Length", Kind::Dec;
    TagLength8: "pppoed.tag_length_8", "Tag Length", Kind::Dec;
    TagUnknownData: "pppoed.tag.unknown_data", "Unknown Data", Kind::Bytes;
    ServiceName: "pppoed.tags.service_name", "Service-Name", Kind::Str;
    AcName: "pppoed.tags.ac_name", "AC-Name", Kind::Str;
    HostUniq: "pppoed.tags.host_uniq", "Host-Uniq", Kind::Bytes;
    AcCookie: "pppoed.tags.ac_cookie", "AC-Cookie", Kind::Bytes;
    VendorId: "pppoed.tags.vendor_id", "Vendor id", Kind::Dec;
    VendorUnspecified: "pppoed.tags.vendor_unspecified", "Vendor unspecified", Kind::Bytes;
    VendorSpecificTags: "pppoed.tags.vendorspecific.tags", "Vendor Specific PPPoE Tags", Kind::None;
    CircuitId: "pppoed.tags.circuit_id", "Circuit ID", Kind::Str;
    RemoteId: "pppoed.tags.remote_id", "Remote ID", Kind::Str;
    ActDataRateUp: "pppoed.tags.act_data_rate_up", "Actual Data Rate Upstream", Kind::Dec;
    ActDataRateDown: "pppoed.tags.act_data_rate_down", "Actual Data Rate Downstream", Kind::Dec;
    MinDataRateUp: "pppoed.tags.min_data_rate_up", "Minimum Data Rate Upstream", Kind::Dec;
    MinDataRateDown: "pppoed.tags.min_data_rate_down", "Minimum Data Rate Downstream", Kind::Dec;
    AttainableDataRateUp: "pppoed.tags.attainable_data_rate_up", "Attainable DataRate Upstream", Kind::Dec;
    AttainableDataRateDown: "pppoed.tags.attainable_data_rate_down", "Attainable DataRate Downstream", Kind::Dec;
    MaxDataRateUp: "pppoed.tags.max_data_rate_up", "Maximum Data Rate Upstream", Kind::Dec;
    MaxDataRateDown: "pppoed.tags.max_data_rate_down", "Maximum Data Rate Downstream", Kind::Dec;
    MinDataRateUpLp: "pppoed.tags.min_data_rate_up_lp", "Min DataRate Upstream in low power state", Kind::Dec;
    MinDataRateDownLp: "pppoed.tags.min_data_rate_down_lp", "Minimum Data Rate Downstream in low power state", Kind::Dec;
    MaxIntDelayUp: "pppoed.tags.max_int_delay_up", "Max Interleaving Delay Upstream", Kind::Dec;
    ActIntDelayUp: "pppoed.tags.act_int_delay_up", "Actual Interleaving Delay Upstream", Kind::Dec;
    MaxIntDelayDown: "pppoed.tags.max_int_delay_down", "Maximum Interleaving Delay Downstream", Kind::Dec;
    ActIntDelayDown: "pppoed.tags.act_int_delay_down", "Actual Interleaving Delay Downstream", Kind::Dec;
    AccessLoopEncap: "pppoed.tags.access_loop_encap", "Access-Loop-Encapsulation", Kind::None;
    AccessLoopEncapDataLink: "pppoed.tags.access_loop_encap.data_link", "Data link", Kind::Hex(2);
    AccessLoopEncapEncap1: "pppoed.tags.access_loop_encap.encap_1", "Encaps 1", Kind::Hex(2);
    AccessLoopEncapEncap2: "pppoed.tags.access_loop_encap.encap_2", "Encaps 2", Kind::Hex(2);
    CreditsFcn: "pppoed.tags.credits.fcn", "FCN", Kind::Dec;
    CreditsBcn: "pppoed.tags.credits.bcn", "BCN", Kind::Dec;
    MetricsMdrUnits: "pppoed.tags.metrics.mdr_units", "MDR Units", Kind::Hex(4);
    MetricsCdrUnits: "pppoed.tags.metrics.cdr_units", "CDR Units", Kind::Hex(4);
    MetricsR: "pppoed.tags.metrics.r", "Receive Only", Kind::Bool;
    MetricsRlq: "pppoed.tags.metrics.rlq", "Relative Link Quality", Kind::Dec;
    MetricsResource: "pppoed.tags.metrics.resource", "Resource", Kind::Dec;
    MetricsLatency: "pppoed.tags.metrics.latency", "Latency", Kind::Dec;
    MetricsCurrDrate: "pppoed.tags.metrics.curr_drate", "Curr. datarate", Kind::Dec;
    MetricsMaxDrate: "pppoed.tags.metrics.max_drate", "Max. datarate", Kind::Dec;
    SeqNum: "pppoed.tags.seq_num", "Sequence Number", Kind::Hex(4);
    CreditScale: "pppoed.tags.credit_scale", "Credit Scale Factor", Kind::Dec;
    RelaySessionId: "pppoed.tags.relay_session_id", "Relay-Session-Id", Kind::Bytes;
    Hurl: "pppoed.tags.hurl", "HURL", Kind::Bytes;
    Motm: "pppoed.tags.motm", "MOTM", Kind::Bytes;
    MaxPayload: "pppoed.tags.max_payload", "PPP-Max-Payload", Kind::Bytes;
    IpRouteAdd: "pppoed.tags.ip_route_add", "IP Route Add", Kind::Bytes;
    ServiceNameError: "pppoed.tags.service_name_error", "Service-Name-Error", Kind::Str;
    AcSystemError: "pppoed.tags.ac_system_error", "AC-System-Error", Kind::Str;
    GenericError: "pppoed.tags.generic_error", "Generic-Error", Kind::Str;
}

/// One tag (or vendor sub-tag). Offsets are from the start of the PPPoE
/// header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PppoeTag<'a> {
    pub typ: u16,
    pub value: &'a [u8],
    /// Where the tag's type field starts.
    pub offset: usize,
    /// The size of the type and length fields (4 for tags, 2 for sub-tags).
    pub head: usize,
}

impl PppoeTag<'_> {
    fn value_range(&self) -> Range<usize> {
        let s = self.offset + self.head;
        s..s + self.value.len()
    }
}

/// The discovery tags in order, as tshark walks them: while the offset is
/// below the payload length, stopping at End-Of-List or at a tag cut short.
#[derive(Clone, Debug)]
pub struct PppoeTags<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Where the walk ends (the payload length, from the tags' start).
    end: usize,
    /// Where the area starts in the PPPoE header (for offsets).
    base: usize,
    /// Sub-tags have 1-byte type and length fields.
    small: bool,
}

impl<'a> Iterator for PppoeTags<'a> {
    type Item = PppoeTag<'a>;

    fn next(&mut self) -> Option<PppoeTag<'a>> {
        if self.pos >= self.end {
            return None;
        }
        let (typ, len, head) = if self.small {
            let t = u8_at(self.bytes, self.pos)?;
            let l = u8_at(self.bytes, self.pos + 1)?;
            (u16::from(t), usize::from(l), 2)
        } else {
            let t = be16(self.bytes, self.pos)?;
            let l = be16(self.bytes, self.pos + 2)?;
            (t, usize::from(l), 4)
        };
        if !self.small && typ == tag::END_OF_LIST {
            self.pos = self.end;
            return None;
        }
        let start = self.pos + head;
        let value = self.bytes.get(start..start + len)?;
        let t = PppoeTag {
            typ,
            value,
            offset: self.base + self.pos,
            head,
        };
        self.pos = start + len;
        Some(t)
    }
}

/// A view over a PPPoE header and its payload.
#[derive(Clone, Copy, Debug)]
pub struct PppoeView<'a> {
    bytes: &'a [u8],
    discovery: bool,
}

impl<'a> PppoeView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes` (6 header bytes at least): the discovery stage
    /// when `discovery` (EtherType 0x8863), else the session stage (0x8864).
    pub fn new(bytes: &'a [u8], discovery: bool) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(PppoeView { bytes, discovery })
    }

    pub fn is_discovery(&self) -> bool {
        self.discovery
    }

    /// The version (high nibble of the first byte; 1).
    pub fn version(&self) -> u8 {
        u8_at(self.bytes, at::VER_TYPE.start).unwrap_or(0) >> 4
    }

    /// The type (low nibble of the first byte; 1).
    pub fn typ(&self) -> u8 {
        u8_at(self.bytes, at::VER_TYPE.start).unwrap_or(0) & 0xf
    }

    pub fn code(&self) -> u8 {
        u8_at(self.bytes, at::CODE.start).unwrap_or(0)
    }

    pub fn session_id(&self) -> u16 {
        be16(self.bytes, at::SESSION_ID.start).unwrap_or(0)
    }

    /// The payload length field.
    pub fn payload_length(&self) -> u16 {
        be16(self.bytes, at::LENGTH.start).unwrap_or(0)
    }

    pub fn header_len(&self) -> usize {
        at::HEADER_LEN
    }

    /// The PPP frame (session) or the tags (discovery), clamped to the
    /// length field and to what was captured.
    pub fn payload(&self) -> &'a [u8] {
        let p = tail(self.bytes, at::HEADER_LEN);
        p.get(..usize::from(self.payload_length())).unwrap_or(p)
    }

    /// Session: a PPP frame starting at its protocol field
    /// ([`NextLayer::Ppp`]); discovery: nothing ([`NextLayer::Done`]).
    pub fn next_layer(&self) -> NextLayer {
        if self.discovery {
            NextLayer::Done
        } else {
            NextLayer::Ppp
        }
    }

    /// The discovery tags (none for a session packet).
    pub fn tags(&self) -> PppoeTags<'a> {
        PppoeTags {
            bytes: tail(self.bytes, at::HEADER_LEN),
            pos: 0,
            end: if self.discovery {
                usize::from(self.payload_length())
            } else {
                0
            },
            base: at::HEADER_LEN,
            small: false,
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let uint = |v: u64| Value::UInt(v);
        match f {
            Field::Version => out.value(uint(self.version().into()), at::VER_TYPE),
            Field::Type => out.value(uint(self.typ().into()), at::VER_TYPE),
            Field::Code => out.value(uint(self.code().into()), at::CODE),
            Field::SessionId => out.value(uint(self.session_id().into()), at::SESSION_ID),
            Field::PayloadLength => out.value(uint(self.payload_length().into()), at::LENGTH),
            Field::Tags => {
                if self.discovery && self.payload_length() > 0 {
                    let end = at::HEADER_LEN + usize::from(self.payload_length());
                    out.value(Value::Present, at::HEADER_LEN..end.min(self.bytes.len()))
                }
            }
            _ => {
                for t in self.tags() {
                    if !t.value.is_empty() {
                        tag_field(&t, f, out);
                    }
                }
            }
        }
    }

    /// `PPP-over-Ethernet Session` or `PPP-over-Ethernet Discovery`.
    pub fn title(&self, out: &mut String) {
        out.push_str(if self.discovery {
            "PPP-over-Ethernet Discovery"
        } else {
            "PPP-over-Ethernet Session"
        });
    }
}

/// The occurrences of field `f` in tag `t` (sub-tags included).
fn tag_field<'a>(t: &PppoeTag<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
    let v = t.value;
    let r = t.value_range();
    let uint = |x: u64| Value::UInt(x);
    let sub = |a: usize, n: usize| r.start + a..r.start + a + n;
    let want = match t.typ {
        tag::SERVICE_NAME => Field::ServiceName,
        tag::AC_NAME => Field::AcName,
        tag::HOST_UNIQ => Field::HostUniq,
        tag::AC_COOKIE => Field::AcCookie,
        tag::RELAY_SESSION_ID => Field::RelaySessionId,
        tag::HURL => Field::Hurl,
        tag::MOTM => Field::Motm,
        tag::PPP_MAX_PAYLOAD => Field::MaxPayload,
        tag::IP_ROUTE_ADD => Field::IpRouteAdd,
        tag::SERVICE_NAME_ERROR => Field::ServiceNameError,
        tag::AC_SYSTEM_ERROR => Field::AcSystemError,
        tag::GENERIC_ERROR => Field::GenericError,
        tag::VENDOR_SPECIFIC => return vendor_field(t, f, out),
        tag::CREDITS => {
            let (x, a) = match f {
                Field::CreditsFcn => (be16(v, 0), 0),
                Field::CreditsBcn => (be16(v, 2), 2),
                _ => return,
            };
            if let Some(x) = x {
                out.value(uint(x.into()), sub(a, 2))
            }
            return;
        }
        tag::METRICS => {
            let flags = be16(v, 0);
            let got = match f {
                Field::MetricsMdrUnits => flags.map(|x| (uint(((x & 0x18) >> 3).into()), 0, 2)),
                Field::MetricsCdrUnits => flags.map(|x| (uint(((x & 6) >> 1).into()), 0, 2)),
                Field::MetricsR => flags.map(|x| (Value::Bool(x & 1 != 0), 0, 2)),
                Field::MetricsRlq => u8_at(v, 2).map(|x| (uint(x.into()), 2, 1)),
                Field::MetricsResource => u8_at(v, 3).map(|x| (uint(x.into()), 3, 1)),
                Field::MetricsLatency => be16(v, 4).map(|x| (uint(x.into()), 4, 2)),
                Field::MetricsCurrDrate => be16(v, 6).map(|x| (uint(x.into()), 6, 2)),
                Field::MetricsMaxDrate => be16(v, 8).map(|x| (uint(x.into()), 8, 2)),
                _ => None,
            };
            if let Some((x, a, n)) = got {
                out.value(x, sub(a, n))
            }
            return;
        }
        tag::SEQUENCE_NUMBER | tag::CREDIT_SCALE => {
            let want = match t.typ {
                tag::SEQUENCE_NUMBER => Field::SeqNum,
                _ => Field::CreditScale,
            };
            if f == want {
                if let Some(x) = be16(v, 0) {
                    out.value(uint(x.into()), sub(0, 2))
                }
            }
            return;
        }
        _ => {
            match f {
                Field::Tag => out.value(uint(t.typ.into()), t.offset..t.offset + 2),
                Field::TagLength => out.value(uint(v.len() as u64), t.offset + 2..t.offset + 4),
                Field::TagUnknownData => out.value(Value::Bytes(v), r),
                _ => {}
            }
            return;
        }
    };
    if f == want {
        let val = match FIELDS.get(f as usize).map(|d| d.kind) {
            Some(Kind::Str) => Value::Str(v),
            _ => Value::Bytes(v),
        };
        out.value(val, r)
    }
}

/// The occurrences of field `f` in a vendor-specific tag.
fn vendor_field<'a>(t: &PppoeTag<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
    let v = t.value;
    let r = t.value_range();
    let Some(vendor) = be32(v, 0) else {
        return;
    };
    match f {
        Field::VendorId => return out.value(Value::UInt(vendor.into()), r.start..r.start + 4),
        Field::VendorUnspecified if vendor != VENDOR_BBF => {
            if v.len() > 4 {
                out.value(Value::Bytes(tail(v, 4)), r.start + 4..r.end)
            }
            return;
        }
        Field::VendorSpecificTags if vendor == VENDOR_BBF => {
            return out.value(Value::Present, r.start + 4..r.end)
        }
        _ if vendor != VENDOR_BBF => return,
        _ => {}
    }
    let subs = PppoeTags {
        bytes: v,
        pos: 4,
        end: v.len(),
        base: r.start,
        small: true,
    };
    for s in subs {
        sub_tag_field(&s, f, out);
    }
}

/// The occurrences of field `f` in a Broadband Forum sub-tag.
fn sub_tag_field<'a>(s: &PppoeTag<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
    let v = s.value;
    let r = s.value_range();
    let u32_field = match s.typ {
        0x81 => Some(Field::ActDataRateUp),
        0x82 => Some(Field::ActDataRateDown),
        0x83 => Some(Field::MinDataRateUp),
        0x84 => Some(Field::MinDataRateDown),
        0x85 => Some(Field::AttainableDataRateUp),
        0x86 => Some(Field::AttainableDataRateDown),
        0x87 => Some(Field::MaxDataRateUp),
        0x88 => Some(Field::MaxDataRateDown),
        0x89 => Some(Field::MinDataRateUpLp),
        0x8a => Some(Field::MinDataRateDownLp),
        0x8b => Some(Field::MaxIntDelayUp),
        0x8c => Some(Field::ActIntDelayUp),
        0x8d => Some(Field::MaxIntDelayDown),
        0x8e => Some(Field::ActIntDelayDown),
        _ => None,
    };
    match (s.typ, f) {
        (0x01, Field::CircuitId) | (0x02, Field::RemoteId) => out.value(Value::Str(v), r),
        (0x01 | 0x02, _) => {}
        (0x81..=0x8e, _) if u32_field == Some(f) => {
            if let Some(x) = be32(v, 0) {
                out.value(Value::UInt(x.into()), r.start..r.start + 4)
            }
        }
        (0x81..=0x8e, _) => {}
        (0x90, Field::AccessLoopEncap) => out.value(Value::Present, r),
        (0x90, Field::AccessLoopEncapDataLink) => byte_field(v, 0, r.start, out),
        (0x90, Field::AccessLoopEncapEncap1) => byte_field(v, 1, r.start, out),
        (0x90, Field::AccessLoopEncapEncap2) => byte_field(v, 2, r.start, out),
        (0x90, _) => {}
        (_, Field::Tag) => out.value(Value::UInt(s.typ.into()), s.offset..s.offset + 1),
        (_, Field::TagLength8) => {
            out.value(Value::UInt(v.len() as u64), s.offset + 1..s.offset + 2)
        }
        (_, Field::TagUnknownData) => out.value(Value::Bytes(v), r),
        _ => {}
    }
}

fn byte_field<'a>(v: &[u8], i: usize, base: usize, out: &mut dyn FieldSink<'a>) {
    if let Some(x) = u8_at(v, i) {
        out.value(Value::UInt(x.into()), base + i..base + i + 1)
    }
}

/// The plain values of a PPPoE header, for building packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PppoeRepr {
    /// 4 bits (1).
    pub version: u8,
    /// 4 bits (1).
    pub typ: u8,
    pub code: u8,
    pub session_id: u16,
}

impl PppoeRepr {
    /// A session-data header for `session_id`.
    pub fn session(session_id: u16) -> Self {
        PppoeRepr {
            version: 1,
            typ: 1,
            code: code::SESSION_DATA,
            session_id,
        }
    }

    pub fn parse(v: &PppoeView) -> Self {
        PppoeRepr {
            version: v.version(),
            typ: v.typ(),
            code: v.code(),
            session_id: v.session_id(),
        }
    }

    /// Append the header and `payload` (a PPP frame from its protocol
    /// field, or tags built with [`emit_tag`]); the length field is the
    /// payload's length.
    pub fn emit(&self, buf: &mut Vec<u8>, payload: &[u8]) {
        buf.push((self.version << 4) | (self.typ & 0xf));
        buf.push(self.code);
        buf.extend_from_slice(&self.session_id.to_be_bytes());
        let len = payload.len().min(usize::from(u16::MAX)) as u16;
        buf.extend_from_slice(&len.to_be_bytes());
        buf.extend_from_slice(payload);
    }
}

/// Append one discovery tag (values longer than 65535 bytes are cut).
pub fn emit_tag(buf: &mut Vec<u8>, typ: u16, value: &[u8]) {
    let v = value.get(..usize::from(u16::MAX)).unwrap_or(value);
    buf.extend_from_slice(&typ.to_be_bytes());
    buf.extend_from_slice(&(v.len() as u16).to_be_bytes());
    buf.extend_from_slice(v);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fields_text;
    use proptest::prelude::*;

    fn all<'a>(v: &PppoeView<'a>) -> Vec<String> {
        fields_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// arkime pppoe.pcap frame 1, from byte 14: session 0x069d, 50 bytes of
    /// PPP (IPv4, protocol 0x0021).
    const SESSION: [u8; 16] = [
        0x11, 0x00, 0x06, 0x9d, 0x00, 0x32, 0x00, 0x21, 0x45, 0x00, 0x00, 0x30, 0x01, 0x37, 0x40,
        0x00,
    ];
    /// tcpdump pppoe.pcap frame 1, from byte 14: a PADI with an empty
    /// Service-Name, PPP-Max-Payload and Host-Uniq.
    const PADI: [u8; 24] = [
        0x11, 0x09, 0x00, 0x00, 0x00, 0x12, 0x01, 0x01, 0x00, 0x00, 0x01, 0x20, 0x00, 0x02, 0x05,
        0xdc, 0x01, 0x03, 0x00, 0x04, 0x16, 0x37, 0x2c, 0x16,
    ];
    /// zeek pppoe.pcap frame 2, from byte 14: a PADO.
    const PADO: [u8; 46] = [
        0x11, 0x07, 0x00, 0x00, 0x00, 0x28, 0x01, 0x01, 0x00, 0x00, 0x01, 0x03, 0x00, 0x04, 0x64,
        0x13, 0x85, 0x18, 0x01, 0x02, 0x00, 0x04, 0x42, 0x52, 0x41, 0x53, 0x01, 0x04, 0x00, 0x10,
        0x3d, 0x0f, 0x05, 0x87, 0x06, 0x24, 0x84, 0xf2, 0xdf, 0x32, 0xb9, 0xdd, 0xfd, 0x77, 0xbd,
        0x5b,
    ];

    #[test]
    fn session_header() {
        let v = PppoeView::new(&SESSION, false).unwrap();
        assert_eq!(
            all(&v),
            [
                "pppoe.version=1",
                "pppoe.type=1",
                "pppoe.code=0x00",
                "pppoe.session_id=0x069d",
                "pppoe.payload_length=50",
            ]
        );
        assert_eq!(v.payload(), &SESSION[6..]);
        assert_eq!(v.next_layer(), NextLayer::Ppp);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "PPP-over-Ethernet Session");
        // The length field clamps the payload (Ethernet padding is not PPP).
        let mut b = SESSION.to_vec();
        b[5] = 3;
        assert_eq!(
            PppoeView::new(&b, false).unwrap().payload(),
            &[0x00, 0x21, 0x45]
        );
        assert!(PppoeView::new(&SESSION[..5], false).is_err());
    }

    #[test]
    fn discovery_tags() {
        let v = PppoeView::new(&PADI, true).unwrap();
        assert_eq!(
            all(&v),
            [
                "pppoe.version=1",
                "pppoe.type=1",
                "pppoe.code=0x09",
                "pppoe.session_id=0x0000",
                "pppoe.payload_length=18",
                "pppoed.tags=1",
                "pppoed.tags.host_uniq=16372c16",
                "pppoed.tags.max_payload=05dc",
            ]
        );
        assert_eq!(v.next_layer(), NextLayer::Done);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "PPP-over-Ethernet Discovery");
        let v = PppoeView::new(&PADO, true).unwrap();
        let got = all(&v);
        for want in [
            "pppoed.tags.host_uniq=64138518",
            "pppoed.tags.ac_name=BRAS",
            "pppoed.tags.ac_cookie=3d0f0587062484f2df32b9ddfd77bd5b",
        ] {
            assert!(got.contains(&want.to_string()), "{want}");
        }
        assert_eq!(v.tags().count(), 4);
    }

    fn padi(tags: &[u8], plen: Option<u16>) -> Vec<u8> {
        let mut b = vec![0x11, 0x09, 0, 0];
        b.extend_from_slice(&plen.unwrap_or(tags.len() as u16).to_be_bytes());
        b.extend_from_slice(tags);
        b
    }

    #[test]
    fn odd_tag_lists() {
        // As tshark 4.0 showed these crafted PADIs.
        let mut t = Vec::new();
        emit_tag(&mut t, tag::SERVICE_NAME, b"");
        emit_tag(&mut t, tag::HOST_UNIQ, &[1, 2]);
        emit_tag(&mut t, tag::END_OF_LIST, b"");
        emit_tag(&mut t, tag::AC_NAME, b"XX");
        let b = padi(&t, None);
        let got = all(&PppoeView::new(&b, true).unwrap());
        assert!(got.contains(&"pppoed.tags.host_uniq=0102".to_string()));
        assert!(!got.iter().any(|s| s.contains("ac_name")));

        let mut t = Vec::new();
        emit_tag(&mut t, tag::SERVICE_NAME, b"svc");
        emit_tag(&mut t, 0x0999, &[0, 3, 1]);
        emit_tag(&mut t, tag::VENDOR_SPECIFIC, b"\x00\x00\x0d\xe9\x01\x02abc");
        emit_tag(
            &mut t,
            tag::VENDOR_SPECIFIC,
            b"\x00\x00\x00\x09\x01\x02\x03",
        );
        emit_tag(&mut t, tag::GENERIC_ERROR, b"gen");
        let b = padi(&t, None);
        let got = all(&PppoeView::new(&b, true).unwrap());
        for want in [
            "pppoed.tag=0x0999",
            "pppoed.tag_length=3",
            "pppoed.tag.unknown_data=000301",
            "pppoed.tags.service_name=svc",
            "pppoed.tags.vendor_id=3561,9",
            "pppoed.tags.vendor_unspecified=010203",
            "pppoed.tags.circuit_id=ab",
            "pppoed.tags.generic_error=gen",
        ] {
            assert!(got.contains(&want.to_string()), "{want} in {got:?}");
        }

        // A payload length below the tags: the walk stops at it; a tag cut
        // by the capture is not shown.
        let mut t = Vec::new();
        emit_tag(&mut t, tag::SERVICE_NAME, b"svc");
        emit_tag(&mut t, tag::AC_NAME, b"AC");
        let b = padi(&t, Some(4));
        let got = all(&PppoeView::new(&b, true).unwrap());
        assert!(got.contains(&"pppoed.tags.service_name=svc".to_string()));
        assert!(!got.iter().any(|s| s.contains("ac_name")));
        let mut t = Vec::new();
        emit_tag(&mut t, tag::SERVICE_NAME, b"svc");
        t.extend_from_slice(&[0x01, 0x02, 0x00, 0x32, b'a']);
        let b = padi(&t, None);
        let v = PppoeView::new(&b, true).unwrap();
        assert_eq!(v.tags().count(), 1);
    }

    #[test]
    fn broadband_forum_sub_tags() {
        let mut sub = b"\x00\x00\x0d\xe9".to_vec();
        sub.extend_from_slice(b"\x01\x03abc\x02\x03abc");
        for t in 0x81u8..=0x8e {
            sub.extend_from_slice(&[t, 4]);
            sub.extend_from_slice(&(u32::from(t) * 1000).to_be_bytes());
        }
        sub.extend_from_slice(&[0x90, 3, 1, 2, 3, 0x91, 4, 0, 2, 0x36, 0x68]);
        let mut t = Vec::new();
        emit_tag(&mut t, tag::VENDOR_SPECIFIC, &sub);
        let b = padi(&t, None);
        let got = all(&PppoeView::new(&b, true).unwrap());
        for want in [
            "pppoed.tags.vendorspecific.tags=1",
            "pppoed.tags.circuit_id=abc",
            "pppoed.tags.remote_id=abc",
            "pppoed.tags.act_data_rate_up=129000",
            "pppoed.tags.act_int_delay_down=142000",
            "pppoed.tags.access_loop_encap=1",
            "pppoed.tags.access_loop_encap.data_link=0x01",
            "pppoed.tags.access_loop_encap.encap_1=0x02",
            "pppoed.tags.access_loop_encap.encap_2=0x03",
            "pppoed.tag=0x0091",
            "pppoed.tag_length_8=4",
            "pppoed.tag.unknown_data=00023668",
        ] {
            assert!(got.contains(&want.to_string()), "{want} in {got:?}");
        }
    }

    #[test]
    fn credits_metrics_and_the_rest() {
        let mut t = Vec::new();
        emit_tag(&mut t, tag::CREDITS, &[0, 5, 0, 7]);
        emit_tag(&mut t, tag::METRICS, &[0, 0x1f, 5, 6, 0, 7, 0, 8, 0, 9]);
        emit_tag(&mut t, tag::SEQUENCE_NUMBER, &[0x12, 0x34]);
        emit_tag(&mut t, tag::CREDIT_SCALE, &[0, 2]);
        emit_tag(&mut t, tag::HURL, b"hurl");
        emit_tag(&mut t, tag::MOTM, b"motm");
        emit_tag(&mut t, tag::IP_ROUTE_ADD, &[1, 2]);
        let b = padi(&t, None);
        let got = all(&PppoeView::new(&b, true).unwrap());
        // As tshark 4.0 showed the same tags.
        for want in [
            "pppoed.tags.credits.fcn=5",
            "pppoed.tags.credits.bcn=7",
            "pppoed.tags.metrics.mdr_units=0x0003",
            "pppoed.tags.metrics.cdr_units=0x0003",
            "pppoed.tags.metrics.r=1",
            "pppoed.tags.metrics.rlq=5",
            "pppoed.tags.metrics.resource=6",
            "pppoed.tags.metrics.latency=7",
            "pppoed.tags.metrics.curr_drate=8",
            "pppoed.tags.metrics.max_drate=9",
            "pppoed.tags.seq_num=0x1234",
            "pppoed.tags.credit_scale=2",
            "pppoed.tags.hurl=6875726c",
            "pppoed.tags.motm=6d6f746d",
            "pppoed.tags.ip_route_add=0102",
        ] {
            assert!(got.contains(&want.to_string()), "{want} in {got:?}");
        }
    }

    proptest! {
        #[test]
        fn build_then_parse(version in 0u8..16, typ in 0u8..16, code: u8, session_id: u16,
                            payload in proptest::collection::vec(any::<u8>(), 0..40), discovery: bool) {
            let r = PppoeRepr { version, typ, code, session_id };
            let mut buf = Vec::new();
            r.emit(&mut buf, &payload);
            buf.extend_from_slice(&[0; 4]); // link-layer padding
            let v = PppoeView::new(&buf, discovery).unwrap();
            prop_assert_eq!(PppoeRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &payload[..]);
        }

        #[test]
        fn tags_round_trip(tags in proptest::collection::vec((0x0101u16..0x0300, proptest::collection::vec(any::<u8>(), 0..12)), 0..6)) {
            let mut t = Vec::new();
            for (ty, val) in &tags {
                emit_tag(&mut t, *ty, val);
            }
            let mut buf = Vec::new();
            PppoeRepr { version: 1, typ: 1, code: code::PADI, session_id: 0 }.emit(&mut buf, &t);
            let v = PppoeView::new(&buf, true).unwrap();
            let got: Vec<(u16, Vec<u8>)> = v.tags().map(|x| (x.typ, x.value.to_vec())).collect();
            prop_assert_eq!(got, tags);
        }

        #[test]
        fn hostile_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..80), discovery: bool) {
            if let Ok(v) = PppoeView::new(&b, discovery) {
                let _ = all(&v);
                let _ = (v.payload(), v.next_layer(), v.tags().count());
            }
        }
    }
}
