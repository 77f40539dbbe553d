//! Zeek's quic.log (`base/protocols/quic/main.zeek`, with the history
//! letters of current Zeek): one record per QUIC session of a UDP
//! connection.
//!
//! As Zeek does:
//! - The record starts at the first long-header packet (Initial,
//!   Handshake, 0-RTT, Retry): `version` is that packet's, named as Zeek's
//!   `QUIC::version_strings` names it; `client_initial_dcid` is the
//!   client's first non-empty Destination Connection ID, `client_scid` and
//!   `server_scid` the latest Source Connection IDs of each side.
//! - The client's Initial packets are opened (RFC 9001 keys from that
//!   DCID) and their CRYPTO frames gathered until the ClientHello is whole
//!   (over several datagrams if need be): `server_name` is its first SNI
//!   name, `client_protocol` its first ALPN protocol. The server's Initial
//!   is opened with the server keys to see its ServerHello.
//! - `history` has a letter per packet — `I` Initial, `H` Handshake, `Z`
//!   0-RTT, `R` Retry, `S` ClientHello/ServerHello, `C` CONNECTION_CLOSE in
//!   an Initial — upper case from the client, at most 100. As Zeek's parser
//!   walks a datagram: a short-header packet takes the rest of it, and
//!   each side's count of them is noted (`O`) when it reaches 1, 2, 4, 8,
//!   …; bytes whose fixed bit is clear (padding after the packets) are
//!   discarded, noted (`X`) once an Initial of the connection was opened,
//!   at most [`MAX_DISCARDED`] times. Neither starts a record.
//! - A Retry or a CONNECTION_CLOSE writes the record and a later packet
//!   starts a new one; otherwise it is written when the connection ends.
//! - A decoded ClientHello confirms the connection as `quic` (conn.log's
//!   `service`).
//!
//! Known differences: Zeek 6 opens QUIC v1 and v2 only and logs other
//! versions at once with a `U`; here every version whose Initial salt is
//! known (drafts 22–34, mvfst) is opened too.
//!
//! Bounds: at most [`MAX_CONNS`] connections with QUIC state (past that the
//! oldest is written early, [`Stats::overflow`]); a ClientHello is gathered
//! up to [`crate::quic::MAX_HELLO`] bytes, for at most [`MAX_GATHERING`]
//! connections at once ([`Stats::hello_dropped`]).

use super::apps::{ids_in_order, to_evict, ConnId, ConnRef, Frame, Map};
use super::{emit, field, hex, Record, Schema, Sink, Type, Value};
use crate::quic::{self as initial, HelloAssembler};
use std::borrow::Cow;
use std::io;
use wire::quic::{Form, PacketType, QuicView};
use wiresift_wire as wire;

pub static SCHEMA: Schema = Schema {
    path: "quic",
    fields: conn_fields![
        field("version", Type::String),
        field("client_initial_dcid", Type::String),
        field("client_scid", Type::String),
        field("server_scid", Type::String),
        field("server_name", Type::String),
        field("client_protocol", Type::String),
        field("history", Type::String),
    ],
};

/// Connections with QUIC state at once.
pub const MAX_CONNS: usize = 50_000;
/// ClientHellos being gathered at once (each holds up to
/// [`crate::quic::MAX_HELLO`] bytes).
pub const MAX_GATHERING: usize = 1_000;
/// Zeek's `QUIC::max_history_length`.
const MAX_HISTORY: usize = 100;
/// Long-header packets taken from one datagram (coalesced packets are a
/// handful; the rest are ignored).
const MAX_PACKETS: usize = 8;

/// Discarded packets noted in a connection's history at most (Zeek's
/// `QUIC::max_discarded_packet_events`).
const MAX_DISCARDED: u64 = 100;

/// Zeek's `QUIC::version_strings` (its `0xff00001f` is "draft-30" there,
/// kept).
pub fn version_string(v: u32) -> Cow<'static, str> {
    let s = match v {
        0x0000_0001 => "1",
        0x6b33_43cf => "quicv2",
        0xff00_0016 => "draft-22",
        0xff00_0017 => "draft-23",
        0xff00_0018 => "draft-24",
        0xff00_0019 => "draft-25",
        0xff00_001a => "draft-26",
        0xff00_001b => "draft-27",
        0xff00_001c => "draft-28",
        0xff00_001d => "draft-29",
        0xff00_001e | 0xff00_001f => "draft-30",
        0xff00_0020 => "draft-32",
        0xff00_0021 => "draft-33",
        0xff00_0022 => "draft-34",
        0xface_b001 => "mvfst (faceb001)",
        0xface_b002 => "mvfst (faceb002)",
        0xface_b00e => "mvfst (faceb00e)",
        0xface_b011 => "mvfst (faceb011)",
        0xface_b012 => "mvfst (faceb012)",
        0xface_b013 => "mvfst (faceb013)",
        _ => return Cow::Owned(format!("unknown-{v:x}")),
    };
    Cow::Borrowed(s)
}

/// One long-header packet of a datagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    pub kind: PacketType,
    pub version: u32,
    pub dcid: Vec<u8>,
    pub scid: Vec<u8>,
}

/// What quic.log needs of one datagram: its long-header packets and, when
/// one is an Initial, the datagram's bytes (to open it); whether it ends
/// with a short-header packet, or with bytes whose fixed bit is clear
/// (Zeek's parser discards those, as it walks a datagram packet by
/// packet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg {
    pub packets: Vec<Packet>,
    pub initial: Option<Vec<u8>>,
    pub short: bool,
    pub discarded: bool,
}

impl Msg {
    /// None for a datagram with nothing for the log.
    pub fn read(v: &QuicView<'_>) -> Option<Msg> {
        let mut packets = Vec::new();
        let (mut end, mut short) = (0, false);
        for p in v.packets().take(MAX_PACKETS) {
            end = p.end;
            match p.form {
                Form::Long(kind) => packets.push(Packet {
                    kind,
                    version: p.version,
                    dcid: v.slice(p.dcid.clone()).to_vec(),
                    scid: v.slice(p.scid.clone()).to_vec(),
                }),
                Form::Short => short = true,
                Form::VersionNegotiation => {}
            }
        }
        // Where the packets the view reads stop, Zeek's parser reads on:
        // a short header (one whose connection ID is not the first
        // packet's) takes the rest, as do bytes with the fixed bit clear
        // (padding after the packets), which it discards.
        let (mut discarded, rest) = (false, v.bytes().get(end..).unwrap_or_default());
        if let Some(&b) = rest.first().filter(|_| !short) {
            discarded = b & 0x40 == 0;
            short = !discarded && b & 0x80 == 0;
        }
        if packets.is_empty() && !short && !discarded {
            return None;
        }
        let initial = packets
            .iter()
            .any(|p| p.kind == PacketType::Initial)
            .then(|| v.bytes().to_vec());
        Some(Msg {
            packets,
            initial,
            short,
            discarded,
        })
    }
}

/// One quic.log record (Zeek's `QUIC::Info`).
#[derive(Clone, Debug, PartialEq)]
pub struct Quic {
    pub ts_ns: i64,
    pub conn: ConnRef,
    pub version: Cow<'static, str>,
    pub client_initial_dcid: Option<Vec<u8>>,
    pub client_scid: Option<Vec<u8>>,
    pub server_scid: Option<Vec<u8>>,
    pub server_name: Option<String>,
    pub client_protocol: Option<String>,
    pub history: String,
}

impl Quic {
    fn add_history(&mut self, orig: bool, c: u8) {
        if self.history.len() < MAX_HISTORY {
            let c = if orig {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            self.history.push(char::from(c));
        }
    }
}

impl Record for Quic {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        let s = |v: &'s Option<String>| v.as_deref().map_or(Value::Unset, Value::str);
        let id = |v: &Option<Vec<u8>>| v.as_deref().map_or(Value::Unset, |b| Value::string(hex(b)));
        out.extend(self.conn.head_values(self.ts_ns));
        out.extend([
            Value::str(&self.version),
            id(&self.client_initial_dcid),
            id(&self.client_scid),
            id(&self.server_scid),
            s(&self.server_name),
            s(&self.client_protocol),
            Value::str(&self.history),
        ]);
    }
}

/// What the QUIC analyzer counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub records: u64,
    /// Connections written early because [`MAX_CONNS`] had QUIC state.
    pub overflow: u64,
    /// Client Initial datagrams not gathered because ClientHellos of
    /// [`MAX_GATHERING`] other connections were being gathered.
    pub hello_dropped: u64,
}

/// One connection's QUIC state.
#[derive(Debug)]
struct ConnState {
    rec: Option<Quic>,
    /// The client's ClientHello being gathered (from its first Initial
    /// until decoded).
    hello: Option<Box<HelloAssembler>>,
    client_hello: bool,
    server_hello: bool,
    /// Initial packets opened so far.
    decrypted: u64,
    /// Datagrams ending with discarded bytes so far.
    discarded: u64,
    /// Short-header packets per side (the originator's first), and the
    /// count at which the next is written into the history.
    short: [u64; 2],
    short_next: [u64; 2],
    since_ns: i64,
}

/// QUIC sessions in progress, per connection.
#[derive(Debug, Default)]
pub struct Tracker {
    conns: Map<ConnId, ConnState>,
    /// Connections holding a [`HelloAssembler`].
    gathering: usize,
    pub stats: Stats,
}

/// Open the Initial `p` of `datagram` (the `server` side's keys, from the
/// client's first `dcid`): the type of the handshake message at CRYPTO
/// offset 0, and whether it holds a CONNECTION_CLOSE; None if it does not
/// open.
fn open_initial(
    datagram: &[u8],
    p: &wire::quic::Packet,
    dcid: &[u8],
    server: bool,
) -> Option<(Option<u8>, bool)> {
    let keys = initial::initial_keys(p.version, dcid, server)?;
    let o = initial::open(datagram, p, &keys)?;
    let (mut hs, mut close) = (None, false);
    for f in initial::frames(&o.plaintext) {
        match f {
            initial::Frame::Crypto { offset: 0, data } => hs = data.first().copied(),
            initial::Frame::ConnectionClose { .. } => close = true,
            _ => {}
        }
    }
    Some((hs, close))
}

impl Tracker {
    fn write(&mut self, q: &Quic, sink: &mut dyn Sink) -> io::Result<()> {
        self.stats.records += 1;
        emit(q, sink)
    }

    /// One datagram's long-header packets; true when the connection is
    /// confirmed QUIC (its ClientHello decoded).
    pub fn message(&mut self, f: &Frame<'_>, m: Msg, sink: &mut dyn Sink) -> io::Result<bool> {
        if let Some(id) = to_evict(&self.conns, f.conn.id, MAX_CONNS, |s| s.since_ns) {
            self.stats.overflow += 1;
            self.conn_ended(id, sink)?;
        }
        let orig = f.from_orig;
        let st = self.conns.entry(f.conn.id).or_insert_with(|| ConnState {
            rec: None,
            hello: None,
            client_hello: false,
            server_hello: false,
            decrypted: 0,
            discarded: 0,
            short: [0; 2],
            short_next: [1; 2],
            since_ns: f.ts_ns,
        });
        let mut out: Vec<Quic> = Vec::new();
        let mut hello_fed = false;
        for p in &m.packets {
            // set_session
            let rec = st.rec.get_or_insert_with(|| Quic {
                ts_ns: f.ts_ns,
                conn: f.conn.clone(),
                version: version_string(p.version),
                client_initial_dcid: None,
                client_scid: None,
                server_scid: None,
                server_name: None,
                client_protocol: None,
                history: String::new(),
            });
            if orig && !p.dcid.is_empty() && rec.client_initial_dcid.is_none() {
                rec.client_initial_dcid = Some(p.dcid.clone());
            }
            if orig {
                rec.client_scid = Some(p.scid.clone());
            } else {
                rec.server_scid = Some(p.scid.clone());
            }
            let letter = match p.kind {
                PacketType::Initial => b'I',
                PacketType::Handshake => b'H',
                PacketType::ZeroRtt => b'Z',
                PacketType::Retry => b'R',
            };
            rec.add_history(orig, letter);
            match p.kind {
                PacketType::Retry => {
                    if let Some(r) = st.rec.take() {
                        out.push(r);
                    }
                    continue;
                }
                PacketType::Initial => {}
                _ => continue,
            }
            let Some(datagram) = m.initial.as_deref() else {
                continue;
            };
            let mut close = false;
            if orig && !st.client_hello && !hello_fed {
                // The assembler takes every Initial of the datagram at once.
                hello_fed = true;
                if st.hello.is_none() {
                    if self.gathering < MAX_GATHERING {
                        self.gathering += 1;
                        st.hello = Some(Box::default());
                    } else {
                        self.stats.hello_dropped += 1;
                    }
                }
                if let Some(h) = st.hello.as_mut().and_then(|a| a.push(datagram)) {
                    st.client_hello = true;
                    st.hello = None;
                    self.gathering = self.gathering.saturating_sub(1);
                    rec.server_name = h.sni;
                    rec.client_protocol = h.alpn.into_iter().next();
                    rec.add_history(true, b'S');
                }
            }
            let first = QuicView::new(datagram).ok().and_then(|v| {
                v.packets()
                    .take(MAX_PACKETS)
                    .find(|x| x.form == Form::Long(PacketType::Initial))
            });
            if let (Some(dcid), Some(wp)) = (rec.client_initial_dcid.as_deref(), first) {
                let Some((hs, c)) = open_initial(datagram, &wp, dcid, !orig) else {
                    continue;
                };
                st.decrypted += 1;
                close = c;
                // A ServerHello (handshake type 2) from the server.
                if hs == Some(2) && !orig && !st.server_hello {
                    st.server_hello = true;
                    rec.add_history(false, b'S');
                }
            }
            if close {
                rec.add_history(orig, b'C');
                if let Some(r) = st.rec.take() {
                    out.push(r);
                }
            }
        }
        // The packets after the long ones: Zeek counts short-header packets
        // per side and notes each count that is a power of two (`O`); and
        // notes bytes it discards once an Initial was opened (`X`, at most
        // Zeek's 100 times). Neither starts a record.
        let side = usize::from(!orig);
        if let (true, Some(n), Some(next)) =
            (m.short, st.short.get_mut(side), st.short_next.get_mut(side))
        {
            *n += 1;
            if *n == *next {
                *next = next.saturating_mul(2);
                if let Some(rec) = st.rec.as_mut() {
                    rec.add_history(orig, b'O');
                }
            }
        }
        if m.discarded {
            st.discarded += 1;
            if st.decrypted > 0 && st.discarded <= MAX_DISCARDED {
                if let Some(rec) = st.rec.as_mut() {
                    rec.add_history(orig, b'X');
                }
            }
        }
        let confirmed = st.client_hello;
        for q in &out {
            self.write(q, sink)?;
        }
        Ok(confirmed)
    }

    /// A connection ended: its open record is written.
    pub fn conn_ended(&mut self, id: ConnId, sink: &mut dyn Sink) -> io::Result<()> {
        let Some(st) = self.conns.remove(&id) else {
            return Ok(());
        };
        if st.hello.is_some() {
            self.gathering = self.gathering.saturating_sub(1);
        }
        if let Some(q) = st.rec {
            self.write(&q, sink)?;
        }
        Ok(())
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
