//! Zeek's websocket.log (Zeek 7, `base/protocols/websocket/main.zeek`): one
//! record per WebSocket connection, written when the server's `101`
//! reply upgrades an HTTP connection to WebSocket.
//!
//! As Zeek does:
//! - The `Sec-WebSocket-*` headers of the connection's HTTP messages are
//!   gathered as they come: from the client the key, the protocols and
//!   the extensions it asks for (lists split at commas), from the server
//!   the protocol it selects (`subprotocol`), its extensions and its
//!   accept value. A second key, accept or selected protocol is a weird
//!   (`websocket_multiple_key_headers`, …) and the later value wins.
//! - A response `101` whose `Upgrade` header names `websocket` establishes
//!   the connection: the record is written then, with the `host`, `uri`
//!   and `user_agent` of the request it answers, and conn.log's service
//!   gets `websocket`. A missing key or accept is a weird; an accept that
//!   is not base64(SHA-1(key + RFC 6455's GUID)) is
//!   `websocket_wrong_accept_header`, its `addl` the expected and the
//!   found value.
//! - Later messages of the connection are not read: its bytes are
//!   WebSocket frames.
//!
//! Bounds: at most [`MAX_CONNS`] connections with state (past that the
//! oldest is dropped, [`Stats::overflow`]); each value kept is cut at
//! [`MAX_VALUE`] bytes, and a list of protocols or extensions takes items
//! while they add up to no more.

use super::apps::{to_evict, ConnId, ConnRef, Frame, Map};
use super::http::Msg;
use super::weird::Weird;
use super::{emit, field, Record, Schema, Sink, Type, Value};
use std::borrow::Cow;
use std::io;
use wiresift_wire as wire;

pub static SCHEMA: Schema = Schema {
    path: "websocket",
    fields: conn_fields![
        field("host", Type::String),
        field("uri", Type::String),
        field("user_agent", Type::String),
        field("subprotocol", Type::String),
        field("client_protocols", Type::StringVector),
        field("server_extensions", Type::StringVector),
        field("client_extensions", Type::StringVector),
    ],
};

/// Connections with WebSocket headers held at once.
pub const MAX_CONNS: usize = 10_000;
/// Bytes kept of one value, and of one list's items together (a
/// connection holds at most nine such).
pub const MAX_VALUE: usize = 1024;

/// A `Sec-WebSocket-*` header Zeek's script reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Header {
    Key,
    Accept,
    Protocol,
    Extensions,
}

impl Header {
    /// The header an upper-cased name is, if one of those.
    pub fn of(upper_name: &[u8]) -> Option<Header> {
        match upper_name {
            b"SEC-WEBSOCKET-KEY" => Some(Header::Key),
            b"SEC-WEBSOCKET-ACCEPT" => Some(Header::Accept),
            b"SEC-WEBSOCKET-PROTOCOL" => Some(Header::Protocol),
            b"SEC-WEBSOCKET-EXTENSIONS" => Some(Header::Extensions),
            _ => None,
        }
    }
}

/// One websocket.log record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WebSocket {
    pub host: Option<Vec<u8>>,
    pub uri: Option<Vec<u8>>,
    pub user_agent: Option<Vec<u8>>,
    pub subprotocol: Option<Vec<u8>>,
    pub client_protocols: Option<Vec<Vec<u8>>>,
    pub server_extensions: Option<Vec<Vec<u8>>>,
    pub client_extensions: Option<Vec<Vec<u8>>>,
}

/// A record with its connection and time, as written.
struct Written<'a> {
    ts_ns: i64,
    conn: &'a ConnRef,
    ws: &'a WebSocket,
}

impl Record for Written<'_> {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        let list = |v: &'s Option<Vec<Vec<u8>>>| match v {
            Some(items) => {
                Value::Strings(items.iter().map(|s| Cow::Borrowed(s.as_slice())).collect())
            }
            None => Value::Unset,
        };
        let w = self.ws;
        out.extend(self.conn.head_values(self.ts_ns));
        out.extend([
            Value::bytes(w.host.as_deref()),
            Value::bytes(w.uri.as_deref()),
            Value::bytes(w.user_agent.as_deref()),
            Value::bytes(w.subprotocol.as_deref()),
            list(&w.client_protocols),
            list(&w.server_extensions),
            list(&w.client_extensions),
        ]);
    }
}

/// What the WebSocket script counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub records: u64,
    /// Connections whose state was dropped because [`MAX_CONNS`] had one.
    pub overflow: u64,
}

#[derive(Debug)]
struct ConnState {
    ws: WebSocket,
    key: Option<Vec<u8>>,
    accept: Option<Vec<u8>>,
    /// Any `Sec-WebSocket-*` header came (Zeek's `c$websocket` is set).
    headers_seen: bool,
    /// Upgraded and written: nothing more is read.
    established: bool,
    since_ns: i64,
}

/// WebSocket handshakes in progress, per connection.
#[derive(Debug, Default)]
pub struct Tracker {
    conns: Map<ConnId, ConnState>,
    pub stats: Stats,
}

/// A header value as kept: cut at [`MAX_VALUE`].
fn kept(v: &[u8]) -> Vec<u8> {
    v.get(..v.len().min(MAX_VALUE)).unwrap_or_default().to_vec()
}

/// Zeek's `split_string(value, / *, */)`: the value cut at each comma
/// and the spaces around it, onto `list` (while its items add up to no
/// more than [`MAX_VALUE`] bytes).
fn split_into(list: &mut Option<Vec<Vec<u8>>>, value: &[u8]) {
    let list = list.get_or_insert_with(Vec::new);
    let mut held: usize = list.iter().map(Vec::len).sum();
    let n = value.iter().filter(|&&b| b == b',').count();
    for (i, mut item) in value.split(|&b| b == b',').enumerate() {
        if i > 0 {
            while let [b' ', rest @ ..] = item {
                item = rest;
            }
        }
        if i < n {
            while let [rest @ .., b' '] = item {
                item = rest;
            }
        }
        held = held.saturating_add(item.len());
        if held > MAX_VALUE {
            break;
        }
        list.push(item.to_vec());
    }
}

impl Tracker {
    /// One HTTP message of connection `f.conn`.
    pub fn message(&mut self, f: &Frame<'_>, m: &Msg, sink: &mut dyn Sink) -> io::Result<()> {
        let id = f.conn.id;
        // Zeek's `c$websocket` is made at the first `Sec-WebSocket-*`
        // header (or at the upgrade).
        if m.websocket.is_empty() && !m.upgrades_to_websocket && !self.conns.contains_key(&id) {
            return Ok(());
        }
        if !self.conns.contains_key(&id) {
            if let Some(old) = to_evict(&self.conns, id, MAX_CONNS, |s| s.since_ns) {
                self.stats.overflow += 1;
                self.conns.remove(&old);
            }
        }
        let st = self.conns.entry(id).or_insert_with(|| ConnState {
            ws: WebSocket::default(),
            key: None,
            accept: None,
            headers_seen: false,
            established: false,
            since_ns: f.ts_ns,
        });
        if st.established {
            return Ok(());
        }
        let mut weirds: Vec<(&'static str, Option<String>)> = Vec::new();
        for (h, v) in &m.websocket {
            st.headers_seen = true;
            match (m.request, h) {
                (true, Header::Protocol) => split_into(&mut st.ws.client_protocols, v),
                (true, Header::Extensions) => split_into(&mut st.ws.client_extensions, v),
                (true, Header::Key) => {
                    if st.key.is_some() {
                        weirds.push(("websocket_multiple_key_headers", None));
                    }
                    st.key = Some(kept(v));
                }
                (false, Header::Protocol) => {
                    if st.ws.subprotocol.is_some() {
                        weirds.push(("websocket_multiple_protocol_headers", None));
                    }
                    st.ws.subprotocol = Some(kept(v));
                }
                (false, Header::Extensions) => split_into(&mut st.ws.server_extensions, v),
                (false, Header::Accept) => {
                    if st.accept.is_some() {
                        weirds.push(("websocket_multiple_accept_headers", None));
                    }
                    st.accept = Some(kept(v));
                }
                // Zeek's script reads neither from the other side.
                (true, Header::Accept) | (false, Header::Key) => {}
            }
        }
        if m.request {
            // Zeek copies these from the HTTP transaction the upgrade
            // answers: its request's.
            st.ws.host = m.host.as_deref().map(kept);
            st.ws.uri = Some(kept(&m.uri));
            st.ws.user_agent = m.user_agent.as_deref().map(kept);
        }
        if m.upgrades_to_websocket {
            st.established = true;
            if !st.headers_seen {
                weirds.push(("websocket_established_unexpected", None));
            }
            match (&st.key, &st.accept) {
                (None, _) => weirds.push(("websocket_missing_key_header", None)),
                (Some(_), None) => {}
                (Some(key), Some(accept)) => {
                    let expected = wire::websocket::accept_for(key);
                    if expected.as_slice() != accept.as_slice() {
                        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                        weirds.push((
                            "websocket_wrong_accept_header",
                            Some(format!(
                                "expected={}, found={}",
                                text(&expected),
                                text(accept)
                            )),
                        ));
                    }
                }
            }
            if st.accept.is_none() {
                weirds.push(("websocket_missing_accept_header", None));
            }
        }
        for (name, addl) in weirds {
            let mut w = Weird::of_conn(f.ts_ns, f.conn, name, "WebSocket");
            w.addl = addl;
            emit(&w, sink)?;
        }
        if m.upgrades_to_websocket {
            self.stats.records += 1;
            let rec = Written {
                ts_ns: f.ts_ns,
                conn: f.conn,
                ws: &st.ws,
            };
            emit(&rec, sink)?;
        }
        Ok(())
    }

    /// A connection ended: its state goes (a handshake never upgraded
    /// writes nothing, as in Zeek).
    pub fn conn_ended(&mut self, id: ConnId) {
        self.conns.remove(&id);
    }
}

#[cfg(test)]
mod tests;
