//! MQTT 3.1, 3.1.1 and 5.0 control packets (one whole packet per view).
//!
//! A packet is a fixed header (type and flags in one byte, then the
//! "remaining length" as a variable-length integer of at most four bytes)
//! and a body whose layout depends on the type and, for 5.0, carries
//! properties. The protocol version is only written in CONNECT: tshark keeps
//! it per conversation. A view knows only its own bytes, so
//! [`MqttView::new`] takes CONNECT's level from CONNECT itself and guesses
//! for the other types from the shape of the body (a 5.0 body has a
//! property block that must parse exactly; see `guess_v5`); a caller that
//! remembers the conversation's CONNECT passes the level to
//! [`MqttView::with_version`] ([`connect_version`] reads it).
//!
//! Everything is read in place: fields are produced by one bounded walk of
//! the packet (`walk`), each item with its byte range, in packet order.

use crate::bytes::{be16, be32, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::stream::Pdu;
use std::fmt::Write as _;
use std::ops::Range;

/// A packet longer than this (fixed header included) is not framed:
/// [`pdu_len`] says `NotMine` (malformed) rather than wait for it.
pub const MAX_PACKET: usize = 16 << 20;

/// Control packet types.
pub mod msg {
    pub const CONNECT: u8 = 1;
    pub const CONNACK: u8 = 2;
    pub const PUBLISH: u8 = 3;
    pub const PUBACK: u8 = 4;
    pub const PUBREC: u8 = 5;
    pub const PUBREL: u8 = 6;
    pub const PUBCOMP: u8 = 7;
    pub const SUBSCRIBE: u8 = 8;
    pub const SUBACK: u8 = 9;
    pub const UNSUBSCRIBE: u8 = 10;
    pub const UNSUBACK: u8 = 11;
    pub const PINGREQ: u8 = 12;
    pub const PINGRESP: u8 = 13;
    pub const DISCONNECT: u8 = 14;
    pub const AUTH: u8 = 15;
}

field_table! {
    HdrFlags: "mqtt.hdrflags", "Header Flags", Kind::Hex(2);
    MsgType: "mqtt.msgtype", "Message Type", Kind::Dec;
    HdrReserved: "mqtt.hdr_reserved", "Reserved", Kind::Dec;
    DupFlag: "mqtt.dupflag", "DUP Flag", Kind::Bool;
    Qos: "mqtt.qos", "QoS Level", Kind::Dec;
    Retain: "mqtt.retain", "Retain", Kind::Bool;
    Len: "mqtt.len", "Msg Len", Kind::Dec;
    ProtoLen: "mqtt.proto_len", "Protocol Name Length", Kind::Dec;
    ProtoName: "mqtt.protoname", "Protocol Name", Kind::Str;
    Ver: "mqtt.ver", "Version", Kind::Dec;
    ConFlags: "mqtt.conflags", "Connect Flags", Kind::Hex(2);
    ConFlagUname: "mqtt.conflag.uname", "User Name Flag", Kind::Bool;
    ConFlagPasswd: "mqtt.conflag.passwd", "Password Flag", Kind::Bool;
    ConFlagRetain: "mqtt.conflag.retain", "Will Retain", Kind::Bool;
    ConFlagQos: "mqtt.conflag.qos", "QoS Level", Kind::Dec;
    ConFlagWillFlag: "mqtt.conflag.willflag", "Will Flag", Kind::Bool;
    ConFlagCleanSess: "mqtt.conflag.cleansess", "Clean Session Flag", Kind::Bool;
    ConFlagReserved: "mqtt.conflag.reserved", "(Reserved)", Kind::Bool;
    KAlive: "mqtt.kalive", "Keep Alive", Kind::Dec;
    ClientIdLen: "mqtt.clientid_len", "Client ID Length", Kind::Dec;
    ClientId: "mqtt.clientid", "Client ID", Kind::Str;
    WillTopicLen: "mqtt.willtopic_len", "Will Topic Length", Kind::Dec;
    WillTopic: "mqtt.willtopic", "Will Topic", Kind::Str;
    WillMsgLen: "mqtt.willmsg_len", "Will Message Length", Kind::Dec;
    WillMsg: "mqtt.willmsg", "Will Message", Kind::Bytes;
    UsernameLen: "mqtt.username_len", "User Name Length", Kind::Dec;
    Username: "mqtt.username", "User Name", Kind::Str;
    PasswdLen: "mqtt.passwd_len", "Password Length", Kind::Dec;
    Passwd: "mqtt.passwd", "Password", Kind::Str;
    ConackFlags: "mqtt.conack.flags", "Acknowledge Flags", Kind::Hex(2);
    ConackFlagsSp: "mqtt.conack.flags.sp", "Session Present", Kind::Bool;
    ConackVal: "mqtt.conack.val", "Return Code", Kind::Dec;
    TopicLen: "mqtt.topic_len", "Topic Length", Kind::Dec;
    Topic: "mqtt.topic", "Topic", Kind::Str;
    MsgId: "mqtt.msgid", "Message Identifier", Kind::Dec;
    Msg: "mqtt.msg", "Message", Kind::Bytes;
    SubQos: "mqtt.sub.qos", "Requested QoS", Kind::Dec;
    SubackQos: "mqtt.suback.qos", "Granted QoS", Kind::Dec;
    SubscriptionOptions: "mqtt.subscription_options", "Subscription Options", Kind::Hex(2);
    SubscriptionOptionsQos: "mqtt.subscription_options_qos", "QoS", Kind::Dec;
    SubscriptionOptionsNl: "mqtt.subscription_options_nl", "No Local", Kind::Bool;
    SubscriptionOptionsRap: "mqtt.subscription_options_rap", "Retain As Published", Kind::Bool;
    SubscriptionOptionsRetain: "mqtt.subscription_options_retain", "Retain Handling", Kind::Dec;
    ConnackReasonCode: "mqtt.connack.reason_code", "Reason Code", Kind::Dec;
    PubackReasonCode: "mqtt.puback.reason_code", "Reason Code", Kind::Dec;
    PubrecReasonCode: "mqtt.pubrec.reason_code", "Reason Code", Kind::Dec;
    PubrelReasonCode: "mqtt.pubrel.reason_code", "Reason Code", Kind::Dec;
    PubcompReasonCode: "mqtt.pubcomp.reason_code", "Reason Code", Kind::Dec;
    SubackReasonCode: "mqtt.suback.reason_code", "Reason Code", Kind::Dec;
    UnsubackReasonCode: "mqtt.unsuback.reason_code", "Reason Code", Kind::Dec;
    DisconnectReasonCode: "mqtt.disconnect.reason_code", "Reason Code", Kind::Dec;
    AuthReasonCode: "mqtt.auth.reason_code", "Reason Code", Kind::Dec;
    Properties: "mqtt.properties", "Properties", Kind::None;
    WillProperties: "mqtt.will_properties", "Will Properties", Kind::None;
    PropertyLen: "mqtt.property_len", "Total Length", Kind::Dec;
    PropertyId: "mqtt.property_id", "ID", Kind::Hex(2);
    PropNumber: "mqtt.prop_number", "Value", Kind::Dec;
    PropertyContentType: "mqtt.property.content_type", "Content Type", Kind::Str;
    PropertyMaxQos: "mqtt.property.max_qos", "Maximum QoS", Kind::Dec;
    PropertyTopicAlias: "mqtt.property.topic_alias", "Topic Alias", Kind::Dec;
    PropStringLen: "mqtt.prop_string_len", "Length", Kind::Dec;
    PropString: "mqtt.prop_string", "Value", Kind::Str;
    PropKeyLen: "mqtt.prop_key_len", "Key Length", Kind::Dec;
    PropKey: "mqtt.prop_key", "Key", Kind::Str;
    PropValueLen: "mqtt.prop_value_len", "Value Length", Kind::Dec;
    PropValue: "mqtt.prop_value", "Value", Kind::Str;
}

/// A variable-length integer at `at`: its value and its length in bytes.
/// `Err(true)`: cut short by the end of `b`; `Err(false)`: longer than four
/// bytes (malformed).
fn varint(b: &[u8], at: usize) -> Result<(u32, usize), bool> {
    let mut v: u32 = 0;
    for i in 0..4 {
        let Some(x) = at.checked_add(i).and_then(|p| u8_at(b, p)) else {
            return Err(true);
        };
        v |= u32::from(x & 0x7f) << (7 * i);
        if x & 0x80 == 0 {
            return Ok((v, i + 1));
        }
    }
    Err(false)
}

/// How one property's value is coded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum PropType {
    Byte,
    U16,
    U32,
    Var,
    Str,
    Bin,
    Pair,
}

fn prop_type(id: u8) -> Option<PropType> {
    use PropType::*;
    Some(match id {
        0x01 | 0x17 | 0x19 | 0x24 | 0x25 | 0x28 | 0x29 | 0x2a => Byte,
        0x13 | 0x21 | 0x22 | 0x23 => U16,
        0x02 | 0x11 | 0x18 | 0x27 => U32,
        0x0b => Var,
        0x03 | 0x08 | 0x12 | 0x15 | 0x1a | 0x1c | 0x1f => Str,
        0x09 | 0x16 => Bin,
        0x26 => Pair,
        _ => return None,
    })
}

/// The property block at `at` in `b` (length varint then properties): the
/// offset after it, when it parses exactly within `b`.
fn props_end(b: &[u8], at: usize) -> Option<usize> {
    let (len, n) = varint(b, at).ok()?;
    let start = at + n;
    let end = start.checked_add(len as usize)?;
    if end > b.len() {
        return None;
    }
    let mut p = start;
    while p < end {
        let id = u8_at(b, p)?;
        p = prop_value_end(b, p + 1, prop_type(id)?)?;
    }
    (p == end).then_some(end)
}

/// Where a property value of type `t` starting at `p` ends (within `b`).
fn prop_value_end(b: &[u8], p: usize, t: PropType) -> Option<usize> {
    let end = match t {
        PropType::Byte => p + 1,
        PropType::U16 => p + 2,
        PropType::U32 => p + 4,
        PropType::Var => p + varint(b, p).ok()?.1,
        PropType::Str | PropType::Bin => p + 2 + usize::from(be16(b, p)?),
        PropType::Pair => {
            let k = p + 2 + usize::from(be16(b, p)?);
            k + 2 + usize::from(be16(b, k)?)
        }
    };
    (end <= b.len()).then_some(end)
}

/// A length-prefixed string at `p`: `(len, text range)`, the text clamped
/// to `b`.
fn string_at(b: &[u8], p: usize) -> Option<(u16, Range<usize>)> {
    let n = be16(b, p)?;
    let s = p + 2;
    let e = s.saturating_add(usize::from(n)).min(b.len());
    Some((n, s..e))
}

/// A view over one MQTT control packet.
#[derive(Clone, Copy, Debug)]
pub struct MqttView<'a> {
    bytes: &'a [u8],
    /// Length of the fixed header (1 + the remaining length's bytes).
    hdr: usize,
    /// The remaining length as written.
    remaining: u32,
    /// Protocol level: 3 (3.1), 4 (3.1.1) or 5.
    version: u8,
}

impl<'a> MqttView<'a> {
    /// A view over a packet whose protocol version is read (CONNECT) or
    /// guessed from the body (everything else).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut v = Self::with_version(bytes, 4)?;
        v.version = if v.msg_type() == msg::CONNECT {
            v.connect_level().unwrap_or(4)
        } else if guess_v5(v.msg_type(), v.flags(), v.body()) {
            5
        } else {
            4
        };
        Ok(v)
    }

    /// A view over a packet of a conversation whose CONNECT gave protocol
    /// level `version` (5 reads properties; anything else does not).
    pub fn with_version(bytes: &'a [u8], version: u8) -> Result<Self, Error> {
        need(bytes, 2)?;
        let (remaining, n) = varint(bytes, 1).map_err(|cut| {
            if cut {
                Error::Truncated {
                    needed: bytes.len() + 1,
                    got: bytes.len(),
                }
            } else {
                Error::Malformed("MQTT remaining length longer than 4 bytes")
            }
        })?;
        Ok(MqttView {
            bytes,
            hdr: 1 + n,
            remaining,
            version,
        })
    }

    pub fn msg_type(&self) -> u8 {
        u8_at(self.bytes, 0).unwrap_or(0) >> 4
    }

    /// The low four bits of the first byte.
    pub fn flags(&self) -> u8 {
        u8_at(self.bytes, 0).unwrap_or(0) & 0x0f
    }

    pub fn qos(&self) -> u8 {
        (self.flags() >> 1) & 3
    }

    pub fn dup(&self) -> bool {
        self.flags() & 8 != 0
    }

    pub fn retain(&self) -> bool {
        self.flags() & 1 != 0
    }

    /// The remaining length as written in the fixed header.
    pub fn remaining_len(&self) -> u32 {
        self.remaining
    }

    /// The protocol level the view reads the packet as (read or guessed).
    pub fn version(&self) -> u8 {
        self.version
    }

    pub fn is_v5(&self) -> bool {
        self.version == 5
    }

    pub fn header_len(&self) -> usize {
        self.hdr
    }

    /// The variable header and payload (clamped to the bytes at hand).
    pub fn body(&self) -> &'a [u8] {
        let end = self
            .hdr
            .saturating_add(self.remaining as usize)
            .min(self.bytes.len());
        self.bytes.get(self.hdr..end).unwrap_or(&[])
    }

    /// Bytes after the packet (none when framed by [`pdu_len`]).
    pub fn payload(&self) -> &'a [u8] {
        let end = self.hdr.saturating_add(self.remaining as usize);
        self.bytes.get(end..).unwrap_or(&[])
    }

    /// Is the whole packet here?
    pub fn is_complete(&self) -> bool {
        self.hdr.saturating_add(self.remaining as usize) <= self.bytes.len()
    }

    /// CONNECT's protocol level.
    pub fn connect_level(&self) -> Option<u8> {
        if self.msg_type() != msg::CONNECT {
            return None;
        }
        let (_, name) = string_at(self.bytes, self.hdr)?;
        u8_at(self.body_bytes(), name.end)
    }

    /// The packet's bytes up to the end of its body (offsets are the
    /// layer's).
    fn body_bytes(&self) -> &'a [u8] {
        let end = self
            .hdr
            .saturating_add(self.remaining as usize)
            .min(self.bytes.len());
        self.bytes.get(..end).unwrap_or(self.bytes)
    }

    /// PUBLISH's topic (or the first topic filter of SUBSCRIBE/UNSUBSCRIBE).
    pub fn topic(&self) -> Option<&'a [u8]> {
        let b = self.body_bytes();
        let at = match self.msg_type() {
            msg::PUBLISH => self.hdr,
            msg::SUBSCRIBE | msg::UNSUBSCRIBE => {
                let p = self.hdr + 2;
                if self.is_v5() {
                    props_end(b, p)?
                } else {
                    p
                }
            }
            _ => return None,
        };
        let (_, r) = string_at(b, at)?;
        b.get(r)
    }

    /// The packet identifier, for the types that carry one.
    pub fn packet_id(&self) -> Option<u16> {
        let b = self.body_bytes();
        match self.msg_type() {
            msg::PUBLISH if self.qos() > 0 => {
                let (_, r) = string_at(b, self.hdr)?;
                be16(b, r.end)
            }
            msg::PUBACK..=msg::UNSUBACK => be16(b, self.hdr),
            _ => None,
        }
    }

    /// PUBLISH's application message.
    pub fn message(&self) -> Option<&'a [u8]> {
        let mut out = None;
        self.walk(&mut |f, v, _| {
            if let (Field::Msg, Value::Bytes(m)) = (f, v) {
                out = Some(m)
            }
        });
        out
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        self.walk(&mut |g, v, r| {
            if g == f {
                out.value(v, r)
            }
        });
    }

    /// Every field of the packet in packet order, each once per occurrence.
    fn walk(&self, e: &mut dyn FnMut(Field, Value<'a>, Range<usize>)) {
        let first = u8_at(self.bytes, 0).unwrap_or(0);
        let t = self.msg_type();
        e(Field::HdrFlags, Value::UInt(first.into()), 0..1);
        e(Field::MsgType, Value::UInt(t.into()), 0..1);
        if t == msg::PUBLISH {
            e(Field::DupFlag, Value::Bool(self.dup()), 0..1);
            e(Field::Qos, Value::UInt(self.qos().into()), 0..1);
            e(Field::Retain, Value::Bool(self.retain()), 0..1);
        } else {
            e(Field::HdrReserved, Value::UInt(self.flags().into()), 0..1);
        }
        e(Field::Len, Value::UInt(self.remaining.into()), 1..self.hdr);
        let b = self.body_bytes();
        let mut w = Walk {
            b,
            p: self.hdr,
            e,
            v5: self.is_v5(),
        };
        let _ = match t {
            msg::CONNECT => w.connect(),
            msg::CONNACK => w.connack(),
            msg::PUBLISH => w.publish(self.qos()),
            msg::PUBACK..=msg::PUBCOMP => w.ack(match t {
                msg::PUBACK => Field::PubackReasonCode,
                msg::PUBREC => Field::PubrecReasonCode,
                msg::PUBREL => Field::PubrelReasonCode,
                _ => Field::PubcompReasonCode,
            }),
            msg::SUBSCRIBE => w.subscribe(true),
            msg::UNSUBSCRIBE => w.subscribe(false),
            msg::SUBACK => w.suback(true),
            msg::UNSUBACK => w.suback(false),
            msg::DISCONNECT => w.reason_props(Field::DisconnectReasonCode),
            msg::AUTH => w.reason_props(Field::AuthReasonCode),
            _ => None,
        };
    }

    /// tshark's tree line.
    pub fn title(&self, out: &mut String) {
        out.push_str("MQ Telemetry Transport Protocol, ");
        out.push_str(type_name(self.msg_type()));
    }

    /// tshark's Info column text (`Publish Message (id=2) [foo]`).
    pub fn summary(&self, out: &mut String) {
        out.push_str(type_name(self.msg_type()));
        if let Some(id) = self.packet_id() {
            let _ = write!(out, " (id={id})");
        }
        if let Some(t) = self.topic() {
            out.push_str(" [");
            crate::field::write_escaped(out, t);
            out.push(']');
        }
    }
}

/// tshark's names of the packet types.
pub fn type_name(t: u8) -> &'static str {
    match t {
        msg::CONNECT => "Connect Command",
        msg::CONNACK => "Connect Ack",
        msg::PUBLISH => "Publish Message",
        msg::PUBACK => "Publish Ack",
        msg::PUBREC => "Publish Received",
        msg::PUBREL => "Publish Release",
        msg::PUBCOMP => "Publish Complete",
        msg::SUBSCRIBE => "Subscribe Request",
        msg::SUBACK => "Subscribe Ack",
        msg::UNSUBSCRIBE => "Unsubscribe Request",
        msg::UNSUBACK => "Unsubscribe Ack",
        msg::PINGREQ => "Ping Request",
        msg::PINGRESP => "Ping Response",
        msg::DISCONNECT => "Disconnect Req",
        msg::AUTH => "Authentication Exchange",
        _ => "Unknown",
    }
}

/// Does a non-CONNECT body look like MQTT 5.0's rather than 3.1.1's?
fn guess_v5(t: u8, flags: u8, body: &[u8]) -> bool {
    let n = body.len();
    match t {
        msg::CONNACK | msg::PUBACK..=msg::PUBCOMP | msg::UNSUBACK => n > 2,
        msg::DISCONNECT => n > 0,
        msg::AUTH => true,
        msg::PUBLISH => {
            let Some((_, r)) = string_at(body, 0) else {
                return false;
            };
            let p = if (flags >> 1) & 3 > 0 {
                r.end + 2
            } else {
                r.end
            };
            p <= n && props_end(body, p).is_some()
        }
        msg::SUBSCRIBE | msg::UNSUBSCRIBE => {
            let with_opts = t == msg::SUBSCRIBE;
            !filters_fit(body, 2, with_opts)
                && props_end(body, 2).is_some_and(|p| filters_fit(body, p, with_opts))
        }
        msg::SUBACK => {
            let v3 = body
                .get(2..)
                .is_some_and(|c| c.iter().all(|&x| matches!(x, 0 | 1 | 2 | 0x80)));
            !v3 && props_end(body, 2).is_some()
        }
        _ => false,
    }
}

/// Do topic filters (with an options byte each when `opts`) fill `b` from
/// `p` exactly?
fn filters_fit(b: &[u8], mut p: usize, opts: bool) -> bool {
    if p >= b.len() {
        return false;
    }
    while p < b.len() {
        let Some(n) = be16(b, p) else { return false };
        p = p + 2 + usize::from(n) + usize::from(opts);
    }
    p == b.len()
}

/// The field walk's cursor over the packet (offsets are the layer's; `b`
/// ends where the packet's body ends).
struct Walk<'a, 'e> {
    b: &'a [u8],
    p: usize,
    e: &'e mut dyn FnMut(Field, Value<'a>, Range<usize>),
    v5: bool,
}

impl<'a> Walk<'a, '_> {
    fn u8(&mut self, f: Field) -> Option<u8> {
        let x = u8_at(self.b, self.p)?;
        (self.e)(f, Value::UInt(x.into()), self.p..self.p + 1);
        self.p += 1;
        Some(x)
    }

    fn u16(&mut self, f: Field) -> Option<u16> {
        let x = be16(self.b, self.p)?;
        (self.e)(f, Value::UInt(x.into()), self.p..self.p + 2);
        self.p += 2;
        Some(x)
    }

    /// A length-prefixed string: its length field then its text (clamped).
    fn string(&mut self, len: Field, text: Field, bytes: bool) -> Option<()> {
        let (n, r) = string_at(self.b, self.p)?;
        (self.e)(len, Value::UInt(n.into()), self.p..self.p + 2);
        let s = self.b.get(r.clone())?;
        let v = if bytes {
            Value::Bytes(s)
        } else {
            Value::Str(s)
        };
        (self.e)(text, v, r.clone());
        self.p = r.end;
        (r.len() == usize::from(n)).then_some(())
    }

    fn properties(&mut self, will: bool) -> Option<()> {
        let start = self.p;
        let (len, n) = varint(self.b, self.p).ok()?;
        let end = self
            .p
            .saturating_add(n)
            .saturating_add(len as usize)
            .min(self.b.len());
        let block = if will {
            Field::WillProperties
        } else {
            Field::Properties
        };
        (self.e)(block, Value::Present, start..end);
        (self.e)(
            Field::PropertyLen,
            Value::UInt(len.into()),
            self.p..self.p + n,
        );
        self.p += n;
        // Each property takes at least one byte: the loop is bounded by
        // the block.
        while self.p < end {
            let id = self.u8(Field::PropertyId)?;
            let t = prop_type(id)?;
            let p = self.p;
            let vend = prop_value_end(self.b, p, t)?;
            match t {
                PropType::Byte | PropType::U16 | PropType::U32 | PropType::Var => {
                    let v = match t {
                        PropType::Byte => u8_at(self.b, p).map(u32::from),
                        PropType::U16 => be16(self.b, p).map(u32::from),
                        PropType::U32 => be32(self.b, p),
                        _ => varint(self.b, p).ok().map(|x| x.0),
                    }?;
                    let f = match id {
                        0x24 => Field::PropertyMaxQos,
                        0x23 => Field::PropertyTopicAlias,
                        _ => Field::PropNumber,
                    };
                    (self.e)(f, Value::UInt(v.into()), p..vend);
                    self.p = vend;
                }
                PropType::Str | PropType::Bin if id == 0x03 => {
                    let s = self.b.get(p + 2..vend)?;
                    (self.e)(Field::PropertyContentType, Value::Str(s), p..vend);
                    self.p = vend;
                }
                PropType::Str | PropType::Bin => {
                    self.string(Field::PropStringLen, Field::PropString, false)?;
                }
                PropType::Pair => {
                    self.string(Field::PropKeyLen, Field::PropKey, false)?;
                    self.string(Field::PropValueLen, Field::PropValue, false)?;
                }
            }
        }
        self.p = end;
        Some(())
    }

    fn connect(&mut self) -> Option<()> {
        self.string(Field::ProtoLen, Field::ProtoName, false)?;
        let ver = self.u8(Field::Ver)?;
        let flags = u8_at(self.b, self.p)?;
        let r = self.p..self.p + 1;
        let e = &mut self.e;
        e(Field::ConFlags, Value::UInt(flags.into()), r.clone());
        e(
            Field::ConFlagUname,
            Value::Bool(flags & 0x80 != 0),
            r.clone(),
        );
        e(
            Field::ConFlagPasswd,
            Value::Bool(flags & 0x40 != 0),
            r.clone(),
        );
        e(
            Field::ConFlagRetain,
            Value::Bool(flags & 0x20 != 0),
            r.clone(),
        );
        e(
            Field::ConFlagQos,
            Value::UInt(((flags >> 3) & 3).into()),
            r.clone(),
        );
        e(
            Field::ConFlagWillFlag,
            Value::Bool(flags & 4 != 0),
            r.clone(),
        );
        e(
            Field::ConFlagCleanSess,
            Value::Bool(flags & 2 != 0),
            r.clone(),
        );
        e(Field::ConFlagReserved, Value::Bool(flags & 1 != 0), r);
        self.p += 1;
        self.u16(Field::KAlive)?;
        let v5 = ver == 5;
        if v5 {
            self.properties(false)?;
        }
        self.string(Field::ClientIdLen, Field::ClientId, false)?;
        if flags & 4 != 0 {
            if v5 {
                self.properties(true)?;
            }
            self.string(Field::WillTopicLen, Field::WillTopic, false)?;
            self.string(Field::WillMsgLen, Field::WillMsg, true)?;
        }
        if flags & 0x80 != 0 {
            self.string(Field::UsernameLen, Field::Username, false)?;
        }
        if flags & 0x40 != 0 {
            self.string(Field::PasswdLen, Field::Passwd, false)?;
        }
        Some(())
    }

    fn connack(&mut self) -> Option<()> {
        let f = u8_at(self.b, self.p)?;
        let r = self.p..self.p + 1;
        (self.e)(Field::ConackFlags, Value::UInt(f.into()), r.clone());
        (self.e)(Field::ConackFlagsSp, Value::Bool(f & 1 != 0), r);
        self.p += 1;
        if self.v5 {
            self.u8(Field::ConnackReasonCode)?;
            self.properties(false)
        } else {
            self.u8(Field::ConackVal).map(|_| ())
        }
    }

    fn publish(&mut self, qos: u8) -> Option<()> {
        self.string(Field::TopicLen, Field::Topic, false)?;
        if qos > 0 {
            self.u16(Field::MsgId)?;
        }
        if self.v5 {
            self.properties(false)?;
        }
        let m = self.b.get(self.p..)?;
        if !m.is_empty() {
            (self.e)(Field::Msg, Value::Bytes(m), self.p..self.b.len());
        }
        Some(())
    }

    /// PUBACK, PUBREC, PUBREL, PUBCOMP: id, then (5.0) an optional reason
    /// code and optional properties.
    fn ack(&mut self, code: Field) -> Option<()> {
        self.u16(Field::MsgId)?;
        if self.v5 && self.p < self.b.len() {
            self.u8(code)?;
            if self.p < self.b.len() {
                self.properties(false)?;
            }
        }
        Some(())
    }

    fn reason_props(&mut self, code: Field) -> Option<()> {
        if self.p < self.b.len() {
            self.u8(code)?;
            if self.p < self.b.len() {
                self.properties(false)?;
            }
        }
        Some(())
    }

    fn subscribe(&mut self, opts: bool) -> Option<()> {
        self.u16(Field::MsgId)?;
        if self.v5 {
            self.properties(false)?;
        }
        // Each filter takes at least two bytes: bounded by the body.
        while self.p < self.b.len() {
            self.string(Field::TopicLen, Field::Topic, false)?;
            if opts {
                if self.v5 {
                    let o = u8_at(self.b, self.p)?;
                    let r = self.p..self.p + 1;
                    let e = &mut self.e;
                    e(Field::SubscriptionOptions, Value::UInt(o.into()), r.clone());
                    e(
                        Field::SubscriptionOptionsQos,
                        Value::UInt((o & 3).into()),
                        r.clone(),
                    );
                    e(
                        Field::SubscriptionOptionsNl,
                        Value::Bool(o & 4 != 0),
                        r.clone(),
                    );
                    e(
                        Field::SubscriptionOptionsRap,
                        Value::Bool(o & 8 != 0),
                        r.clone(),
                    );
                    e(
                        Field::SubscriptionOptionsRetain,
                        Value::UInt(((o >> 4) & 3).into()),
                        r,
                    );
                    self.p += 1;
                } else {
                    self.u8(Field::SubQos)?;
                }
            }
        }
        Some(())
    }

    /// SUBACK (`sub`) and UNSUBACK.
    fn suback(&mut self, sub: bool) -> Option<()> {
        self.u16(Field::MsgId)?;
        if self.v5 {
            self.properties(false)?;
        } else if !sub {
            return Some(());
        }
        let f = match (sub, self.v5) {
            (true, false) => Field::SubackQos,
            (true, true) => Field::SubackReasonCode,
            _ => Field::UnsubackReasonCode,
        };
        while self.p < self.b.len() {
            self.u8(f)?;
        }
        Some(())
    }
}

/// How many bytes the packet at the start of `bytes` takes.
pub fn pdu_len(bytes: &[u8]) -> Pdu {
    if bytes.is_empty() {
        return Pdu::Need(2);
    }
    match varint(bytes, 1) {
        Ok((rem, n)) => {
            let total = 1 + n + rem as usize;
            if total > MAX_PACKET {
                Pdu::NotMine
            } else if total > bytes.len() {
                Pdu::Need(total)
            } else {
                Pdu::Whole(total)
            }
        }
        Err(true) => Pdu::Need(bytes.len() + 1),
        Err(false) => Pdu::NotMine,
    }
}

/// Do these first bytes of a stream look like MQTT? A CONNECT naming the
/// protocol (`MQTT`, or 3.1's `MQIsdp`) with a known level.
pub fn looks_like(bytes: &[u8]) -> bool {
    if u8_at(bytes, 0) != Some(0x10) {
        return false;
    }
    let Ok((_, n)) = varint(bytes, 1) else {
        return false;
    };
    let p = 1 + n;
    let name = |s: &[u8]| {
        be16(bytes, p) == Some(s.len() as u16)
            && bytes.get(p + 2..p + 2 + s.len()) == Some(s)
            && matches!(u8_at(bytes, p + 2 + s.len()), Some(3..=5))
    };
    name(b"MQTT") || name(b"MQIsdp")
}

/// The protocol level of a CONNECT packet (for callers that remember it
/// for the conversation and pass it to [`MqttView::with_version`]).
pub fn connect_version(bytes: &[u8]) -> Option<u8> {
    MqttView::with_version(bytes, 4).ok()?.connect_level()
}

/// The plain values of a packet, for building packets: the first byte and
/// the body (the remaining length is computed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MqttRepr {
    pub msg_type: u8,
    pub flags: u8,
    pub body: Vec<u8>,
}

impl MqttRepr {
    pub fn parse(v: &MqttView) -> Self {
        MqttRepr {
            msg_type: v.msg_type(),
            flags: v.flags(),
            body: v.body().to_vec(),
        }
    }

    /// A PUBLISH (3.1.1 layout, or 5.0 with an empty property block).
    pub fn publish(topic: &[u8], qos: u8, id: u16, v5: bool, message: &[u8]) -> Self {
        let mut body = Vec::new();
        body.extend_from_slice(&(topic.len() as u16).to_be_bytes());
        body.extend_from_slice(topic);
        if qos > 0 {
            body.extend_from_slice(&id.to_be_bytes());
        }
        if v5 {
            body.push(0);
        }
        body.extend_from_slice(message);
        MqttRepr {
            msg_type: msg::PUBLISH,
            flags: (qos & 3) << 1,
            body,
        }
    }

    /// Append the packet to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.push((self.msg_type << 4) | (self.flags & 0x0f));
        let mut n = self.body.len();
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            buf.push(if n > 0 { b | 0x80 } else { b });
            if n == 0 {
                break;
            }
        }
        buf.extend_from_slice(&self.body);
    }
}

#[cfg(test)]
mod tests;
