//! Zeek's MQTT logs (Zeek 6, `policy/protocols/mqtt/main.zeek`):
//! mqtt_connect.log (a CONNECT and the server's CONNACK), mqtt_publish.log
//! (a PUBLISH and the acknowledgements its QoS asks for) and
//! mqtt_subscribe.log (a SUBSCRIBE or UNSUBSCRIBE and its acknowledgement).
//!
//! As Zeek does:
//! - A connect record is written at the CONNACK (`connect_status` is its
//!   return code's text), with the CONNECT's protocol name and version,
//!   client id and will topic and message.
//! - A PUBLISH of QoS 0 is written at once (`status` `ok`); QoS 1 at its
//!   PUBACK, QoS 2 once PUBREC, PUBREL and PUBCOMP were seen; one not
//!   acknowledged is written with `incomplete_qos` 5 s after it was sent
//!   (Zeek's table expiry), or when the connection ends. `payload` keeps
//!   the first 100 bytes (`MQTT::max_payload_size`), `payload_len` the
//!   length.
//! - A SUBSCRIBE is written at its SUBACK (`granted_qos_level` the first
//!   code granted, `ack` T), an UNSUBSCRIBE at its UNSUBACK; unanswered
//!   ones like publishes.
//!
//! Bounds: at most [`MAX_CONNS`] connections with MQTT state (past that
//! the oldest is written early, [`Stats::overflow`]), at most
//! [`MAX_PENDING`] publishes and subscriptions waiting per connection
//! ([`Stats::dropped`]); topics and client ids are cut at 4096 bytes, at
//! most 64 topics per subscription.

use super::apps::{ids_in_order, to_evict, ConnId, ConnRef, Frame, Map};
use super::{emit, field, Record, Schema, Sink, Type, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io;
use wire::field::Value as Wv;
use wire::mqtt::{msg, Field, MqttView};
use wiresift_wire as wire;

pub static CONNECT: Schema = Schema {
    path: "mqtt_connect",
    fields: conn_fields![
        field("proto_name", Type::String),
        field("proto_version", Type::String),
        field("client_id", Type::String),
        field("connect_status", Type::String),
        field("will_topic", Type::String),
        field("will_payload", Type::String),
    ],
};

pub static PUBLISH: Schema = Schema {
    path: "mqtt_publish",
    fields: conn_fields![
        field("from_client", Type::Bool),
        field("retain", Type::Bool),
        field("qos", Type::String),
        field("status", Type::String),
        field("topic", Type::String),
        field("payload", Type::String),
        field("payload_len", Type::Count),
    ],
};

pub static SUBSCRIBE: Schema = Schema {
    path: "mqtt_subscribe",
    fields: conn_fields![
        field("action", Type::Enum),
        field("topics", Type::StringVector),
        field("qos_levels", Type::CountVector),
        field("granted_qos_level", Type::Count),
        field("ack", Type::Bool),
    ],
};

/// Connections with MQTT state at once.
pub const MAX_CONNS: usize = 50_000;
/// Publishes or subscriptions waiting for acknowledgement, per connection.
pub const MAX_PENDING: usize = 1000;
/// Zeek's `MQTT::max_payload_size`.
const MAX_PAYLOAD: usize = 100;
const MAX_TEXT: usize = 4096;
const MAX_TOPICS: usize = 64;
/// Zeek's `&write_expire=5secs` on waiting publishes and subscriptions.
const EXPIRE_NS: i64 = 5 * 1_000_000_000;

/// Zeek's `MQTT::versions`.
fn version_name(v: u8) -> Cow<'static, str> {
    match v {
        3 => Cow::Borrowed("3.1"),
        4 => Cow::Borrowed("3.1.1"),
        5 => Cow::Borrowed("5.0"),
        _ => Cow::Owned(format!("unknown-version-{v}")),
    }
}

/// Zeek's `MQTT::qos_levels`.
fn qos_name(q: u8) -> Cow<'static, str> {
    match q {
        0 => Cow::Borrowed("at most once"),
        1 => Cow::Borrowed("at least once"),
        2 => Cow::Borrowed("exactly once"),
        _ => Cow::Owned(format!("unknown-qos-level-{q}")),
    }
}

/// Zeek's `MQTT::return_codes`.
fn return_code_name(c: u64) -> Cow<'static, str> {
    let s = match c {
        0 => "Connection Accepted",
        1 => "Refused: unacceptable protocol version",
        2 => "Refused: identifier rejected",
        3 => "Refused: server unavailable",
        4 => "Refused: bad user name or password",
        5 => "Refused: not authorized",
        _ => return Cow::Owned(format!("unknown-return-code-{c}")),
    };
    Cow::Borrowed(s)
}

fn cut(b: &[u8], max: usize) -> Vec<u8> {
    b.get(..b.len().min(max)).unwrap_or_default().to_vec()
}

/// The values of field `f` of `v`, in packet order.
fn each<'a>(v: &MqttView<'a>, f: Field, mut g: impl FnMut(Wv<'a>)) {
    v.field(f, &mut |x: Wv<'a>, _| g(x));
}

fn first_bytes(v: &MqttView<'_>, f: Field) -> Option<Vec<u8>> {
    let mut out = None;
    each(v, f, |x| {
        if let (None, Wv::Str(b) | Wv::Bytes(b)) = (&out, x) {
            out = Some(cut(b, MAX_TEXT));
        }
    });
    out
}

fn first_uint(v: &MqttView<'_>, fs: &[Field]) -> Option<u64> {
    let mut out = None;
    for &f in fs {
        each(v, f, |x| {
            if let (None, Wv::UInt(n)) = (&out, x) {
                out = Some(n);
            }
        });
    }
    out
}

fn uints(v: &MqttView<'_>, fs: &[Field]) -> Vec<u64> {
    let mut out = Vec::new();
    for &f in fs {
        each(v, f, |x| {
            if let Wv::UInt(n) = x {
                if out.len() < MAX_TOPICS {
                    out.push(n);
                }
            }
        });
    }
    out
}

/// What the MQTT logs need of one control packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    Connect {
        proto_name: Option<Vec<u8>>,
        version: Option<u8>,
        client_id: Option<Vec<u8>>,
        will_topic: Option<Vec<u8>>,
        will_payload: Option<Vec<u8>>,
    },
    ConnAck {
        code: Option<u64>,
    },
    Publish {
        id: u16,
        qos: u8,
        retain: bool,
        topic: Vec<u8>,
        payload: Vec<u8>,
        payload_len: u64,
    },
    /// PUBACK, PUBREC, PUBREL, PUBCOMP.
    PubAck {
        kind: u8,
        id: u16,
    },
    Subscribe {
        unsubscribe: bool,
        id: u16,
        topics: Vec<Vec<u8>>,
        qos: Vec<u64>,
    },
    SubAck {
        unsubscribe: bool,
        id: u16,
        granted: Option<u64>,
    },
}

impl Msg {
    /// None for packets the logs do not use (PING, DISCONNECT, AUTH).
    pub fn read(v: &MqttView<'_>) -> Option<Msg> {
        let id = || v.packet_id().unwrap_or(0);
        Some(match v.msg_type() {
            msg::CONNECT => Msg::Connect {
                proto_name: first_bytes(v, Field::ProtoName),
                version: v.connect_level(),
                client_id: first_bytes(v, Field::ClientId),
                will_topic: first_bytes(v, Field::WillTopic),
                will_payload: first_bytes(v, Field::WillMsg).map(|mut p| {
                    p.truncate(MAX_PAYLOAD);
                    p
                }),
            },
            msg::CONNACK => Msg::ConnAck {
                code: first_uint(v, &[Field::ConackVal, Field::ConnackReasonCode]),
            },
            msg::PUBLISH => {
                let payload = v.message().unwrap_or_default();
                Msg::Publish {
                    id: id(),
                    qos: v.qos(),
                    retain: v.retain(),
                    topic: cut(v.topic().unwrap_or_default(), MAX_TEXT),
                    payload: cut(payload, MAX_PAYLOAD),
                    payload_len: payload.len() as u64,
                }
            }
            t @ (msg::PUBACK | msg::PUBREC | msg::PUBREL | msg::PUBCOMP) => {
                Msg::PubAck { kind: t, id: id() }
            }
            t @ (msg::SUBSCRIBE | msg::UNSUBSCRIBE) => {
                let mut topics = Vec::new();
                each(v, Field::Topic, |x| {
                    if let Wv::Str(b) = x {
                        if topics.len() < MAX_TOPICS {
                            topics.push(cut(b, MAX_TEXT));
                        }
                    }
                });
                Msg::Subscribe {
                    unsubscribe: t == msg::UNSUBSCRIBE,
                    id: id(),
                    topics,
                    qos: uints(v, &[Field::SubQos, Field::SubscriptionOptionsQos]),
                }
            }
            t @ (msg::SUBACK | msg::UNSUBACK) => Msg::SubAck {
                unsubscribe: t == msg::UNSUBACK,
                id: id(),
                granted: first_uint(v, &[Field::SubackQos, Field::SubackReasonCode]),
            },
            _ => return None,
        })
    }
}

/// One mqtt_connect.log record.
#[derive(Clone, Debug, PartialEq)]
pub struct Connect {
    pub ts_ns: i64,
    pub conn: ConnRef,
    pub proto_name: Option<Vec<u8>>,
    pub proto_version: Option<Cow<'static, str>>,
    pub client_id: Option<Vec<u8>>,
    pub connect_status: Option<Cow<'static, str>>,
    pub will_topic: Option<Vec<u8>>,
    pub will_payload: Option<Vec<u8>>,
}

/// One mqtt_publish.log record.
#[derive(Clone, Debug, PartialEq)]
pub struct Publish {
    pub ts_ns: i64,
    pub conn: ConnRef,
    pub from_client: bool,
    pub retain: bool,
    pub qos: u8,
    pub ok: bool,
    pub topic: Vec<u8>,
    pub payload: Vec<u8>,
    pub payload_len: u64,
    /// Not logged: the acknowledgements seen (PUBREC, PUBREL, PUBCOMP).
    rec: bool,
    rel: bool,
}

/// One mqtt_subscribe.log record.
#[derive(Clone, Debug, PartialEq)]
pub struct Subscribe {
    pub ts_ns: i64,
    pub conn: ConnRef,
    pub unsubscribe: bool,
    pub topics: Vec<Vec<u8>>,
    pub qos_levels: Option<Vec<u64>>,
    pub granted: Option<u64>,
    pub ack: bool,
}

impl Record for Connect {
    fn schema(&self) -> &'static Schema {
        &CONNECT
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        let name = |v: &'s Option<Cow<'static, str>>| v.as_deref().map_or(Value::Unset, Value::str);
        out.extend(self.conn.head_values(self.ts_ns));
        out.extend([
            Value::bytes(self.proto_name.as_deref()),
            name(&self.proto_version),
            Value::bytes(self.client_id.as_deref()),
            name(&self.connect_status),
            Value::bytes(self.will_topic.as_deref()),
            Value::bytes(self.will_payload.as_deref()),
        ]);
    }
}

impl Record for Publish {
    fn schema(&self) -> &'static Schema {
        &PUBLISH
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        out.extend(self.conn.head_values(self.ts_ns));
        out.extend([
            Value::Bool(self.from_client),
            Value::Bool(self.retain),
            match qos_name(self.qos) {
                Cow::Borrowed(s) => Value::str(s),
                Cow::Owned(s) => Value::string(s),
            },
            Value::str(if self.ok { "ok" } else { "incomplete_qos" }),
            Value::Str(Cow::Borrowed(&self.topic)),
            Value::Str(Cow::Borrowed(&self.payload)),
            Value::Count(self.payload_len),
        ]);
    }
}

impl Record for Subscribe {
    fn schema(&self) -> &'static Schema {
        &SUBSCRIBE
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        out.extend(self.conn.head_values(self.ts_ns));
        out.extend([
            Value::Enum(if self.unsubscribe {
                "MQTT::UNSUBSCRIBE"
            } else {
                "MQTT::SUBSCRIBE"
            }),
            Value::Strings(
                self.topics
                    .iter()
                    .map(|t| Cow::Borrowed(t.as_slice()))
                    .collect(),
            ),
            self.qos_levels
                .as_ref()
                .map_or(Value::Unset, |q| Value::Counts(Cow::Borrowed(q))),
            self.granted.map_or(Value::Unset, Value::Count),
            Value::Bool(self.ack),
        ]);
    }
}

/// What the MQTT analyzer counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub connects: u64,
    pub publishes: u64,
    pub subscribes: u64,
    /// Connections written early because [`MAX_CONNS`] had state.
    pub overflow: u64,
    /// Publishes or subscriptions past [`MAX_PENDING`] waiting ones.
    pub dropped: u64,
}

/// One connection's MQTT state.
#[derive(Debug, Default)]
struct ConnState {
    connect: Option<Connect>,
    /// Boxed: a map's node holds room for eleven values, and a connection
    /// keeps its node once the map is empty again.
    publish: BTreeMap<u16, Box<Publish>>,
    subscribe: BTreeMap<u16, Box<Subscribe>>,
    since_ns: i64,
}

/// What one message leaves to write.
#[derive(Default)]
struct Out {
    connect: Vec<Connect>,
    publish: Vec<Publish>,
    subscribe: Vec<Subscribe>,
}

impl ConnState {
    /// Waiting publishes and subscriptions older than Zeek's 5 s (all of
    /// them when `all`).
    fn expire(&mut self, now: i64, all: bool, out: &mut Out) {
        let old = |ts: i64| all || now.saturating_sub(ts) >= EXPIRE_NS;
        let gone: Vec<u16> = self
            .publish
            .iter()
            .filter(|(_, p)| old(p.ts_ns))
            .map(|(k, _)| *k)
            .collect();
        out.publish.extend(
            gone.iter()
                .filter_map(|k| self.publish.remove(k).map(|p| *p)),
        );
        let gone: Vec<u16> = self
            .subscribe
            .iter()
            .filter(|(_, s)| old(s.ts_ns))
            .map(|(k, _)| *k)
            .collect();
        out.subscribe.extend(
            gone.iter()
                .filter_map(|k| self.subscribe.remove(k).map(|s| *s)),
        );
    }
}

/// MQTT exchanges in progress, per connection.
#[derive(Debug, Default)]
pub struct Tracker {
    conns: Map<ConnId, ConnState>,
    pub stats: Stats,
}

impl Tracker {
    fn write(&mut self, out: Out, sink: &mut dyn Sink) -> io::Result<()> {
        for r in &out.connect {
            self.stats.connects += 1;
            emit(r, sink)?;
        }
        for r in &out.publish {
            self.stats.publishes += 1;
            emit(r, sink)?;
        }
        for r in &out.subscribe {
            self.stats.subscribes += 1;
            emit(r, sink)?;
        }
        Ok(())
    }

    /// One control packet of a connection.
    pub fn message(&mut self, f: &Frame<'_>, m: Msg, sink: &mut dyn Sink) -> io::Result<()> {
        if let Some(id) = to_evict(&self.conns, f.conn.id, MAX_CONNS, |s| s.since_ns) {
            self.stats.overflow += 1;
            self.conn_ended(id, sink)?;
        }
        let st = self.conns.entry(f.conn.id).or_insert_with(|| ConnState {
            since_ns: f.ts_ns,
            ..ConnState::default()
        });
        let mut out = Out::default();
        let mut dropped = 0u64;
        st.expire(f.ts_ns, false, &mut out);
        let new_connect = |f: &Frame<'_>| Connect {
            ts_ns: f.ts_ns,
            conn: f.conn.clone(),
            proto_name: None,
            proto_version: None,
            client_id: None,
            connect_status: None,
            will_topic: None,
            will_payload: None,
        };
        match m {
            Msg::Connect {
                proto_name,
                version,
                client_id,
                will_topic,
                will_payload,
            } => {
                let c = st.connect.get_or_insert_with(|| new_connect(f));
                c.proto_name = proto_name;
                c.proto_version = version.map(version_name);
                c.client_id = client_id;
                c.will_topic = will_topic;
                c.will_payload = will_payload;
            }
            Msg::ConnAck { code } => {
                let mut c = st.connect.clone().unwrap_or_else(|| new_connect(f));
                c.connect_status = code.map(return_code_name);
                st.connect = Some(c.clone());
                out.connect.push(c);
            }
            Msg::Publish {
                id,
                qos,
                retain,
                topic,
                payload,
                payload_len,
            } => {
                let p = Publish {
                    ts_ns: f.ts_ns,
                    conn: f.conn.clone(),
                    from_client: f.from_orig,
                    retain,
                    qos,
                    ok: qos == 0,
                    topic,
                    payload,
                    payload_len,
                    rec: false,
                    rel: false,
                };
                if qos == 0 {
                    out.publish.push(p);
                } else if st.publish.len() < MAX_PENDING || st.publish.contains_key(&id) {
                    // A reused id replaces the waiting one, as Zeek's table.
                    st.publish.insert(id, Box::new(p));
                } else {
                    dropped += 1;
                }
            }
            Msg::PubAck { kind, id } => {
                if let Some(p) = st.publish.get_mut(&id) {
                    match kind {
                        msg::PUBACK => p.ok |= p.qos == 1,
                        msg::PUBREC => p.rec = true,
                        msg::PUBREL => p.rel = true,
                        _ => p.ok |= p.qos == 2 && p.rec && p.rel,
                    }
                    let done = p.ok && matches!(kind, msg::PUBACK | msg::PUBCOMP);
                    if done {
                        out.publish.extend(st.publish.remove(&id).map(|p| *p));
                    }
                }
            }
            Msg::Subscribe {
                unsubscribe,
                id,
                topics,
                qos,
            } => {
                let s = Subscribe {
                    ts_ns: f.ts_ns,
                    conn: f.conn.clone(),
                    unsubscribe,
                    topics,
                    qos_levels: (!unsubscribe).then_some(qos),
                    granted: None,
                    ack: false,
                };
                if st.subscribe.len() < MAX_PENDING || st.subscribe.contains_key(&id) {
                    st.subscribe.insert(id, Box::new(s));
                } else {
                    dropped += 1;
                }
            }
            Msg::SubAck {
                unsubscribe,
                id,
                granted,
            } => {
                if let Some(mut s) = st.subscribe.remove(&id) {
                    if !unsubscribe {
                        s.granted = granted;
                    }
                    s.ack = true;
                    out.subscribe.push(*s);
                }
            }
        }
        self.stats.dropped += dropped;
        self.write(out, sink)
    }

    /// A connection ended: what still waits for acknowledgement is
    /// written, incomplete.
    pub fn conn_ended(&mut self, id: ConnId, sink: &mut dyn Sink) -> io::Result<()> {
        let Some(mut st) = self.conns.remove(&id) else {
            return Ok(());
        };
        let mut out = Out::default();
        st.expire(0, true, &mut out);
        self.write(out, sink)
    }

    /// The capture ended: whatever is still open.
    pub fn finish(&mut self, sink: &mut dyn Sink) -> io::Result<()> {
        for id in ids_in_order(&self.conns) {
            self.conn_ended(id, sink)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
