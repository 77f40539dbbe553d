use super::*;
use crate::logs::apps::testing::{conn, frame, Rows, SEC};
use crate::logs::http::Msg;

fn tcp() -> ConnRef {
    conn(true, 0, ("127.0.0.1", 53654), ("127.0.0.1", 8080))
}

/// The handshake of zeek websocket-wrong-accept-header.pcap (its
/// `Sec-WebSocket-*` headers as sent): the request, then the `101`.
fn request() -> Msg {
    Msg {
        request: true,
        host: Some(b"localhost:8080".to_vec()),
        uri: b"/".to_vec(),
        user_agent: Some(b"Python/3.10 websockets/12.0".to_vec()),
        websocket: vec![
            (Header::Key, b"VMueuJIhu60C0hDKL+vS6g==".to_vec()),
            (
                Header::Extensions,
                b"permessage-deflate; client_max_window_bits".to_vec(),
            ),
            (Header::Protocol, b"v1".to_vec()),
        ],
        ..Msg::default()
    }
}

fn upgrade(accept: &[u8]) -> Msg {
    Msg {
        request: false,
        status: Some(101),
        upgrades_to_websocket: true,
        websocket: vec![
            (Header::Accept, accept.to_vec()),
            (Header::Protocol, b"v1".to_vec()),
        ],
        ..Msg::default()
    }
}

fn run(msgs: &[Msg]) -> Rows {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    for (i, m) in msgs.iter().enumerate() {
        t.message(&frame(&c, (i as i64 + 1) * SEC, m.request), m, &mut rows)
            .expect("sink");
    }
    t.conn_ended(c.id);
    rows
}

/// Zeek's key-accept-wrong baselines: the record (with the request's
/// host, uri and user agent) and the weird naming the accept expected
/// for the key, base64(SHA-1(key + GUID)).
#[test]
fn a_wrong_accept_is_a_weird() {
    let rows = run(&[request(), upgrade(b"N8ntNYkX6Qerw4tK3s/CYzpSZNc=-wrong")]);
    rows.check(
        "websocket",
        0,
        &[
            ("ts", "2.000000"),
            ("host", "localhost:8080"),
            ("uri", "/"),
            ("user_agent", "Python/3.10 websockets/12.0"),
            ("subprotocol", "v1"),
            ("client_protocols", "v1"),
            ("server_extensions", "-"),
            (
                "client_extensions",
                "permessage-deflate; client_max_window_bits",
            ),
        ],
    );
    rows.check(
        "weird",
        0,
        &[
            ("name", "websocket_wrong_accept_header"),
            (
                "addl",
                "expected=N8ntNYkX6Qerw4tK3s/CYzpSZNc=, found=N8ntNYkX6Qerw4tK3s/CYzpSZNc=-wrong",
            ),
            ("source", "WebSocket"),
        ],
    );
    // The right accept: the record alone.
    let rows = run(&[request(), upgrade(b"N8ntNYkX6Qerw4tK3s/CYzpSZNc=")]);
    assert_eq!((rows.count("websocket"), rows.count("weird")), (1, 0));
}

/// Missing and repeated headers are Zeek's weirds; a handshake never
/// upgraded writes nothing; lists split at commas and the spaces around
/// them.
#[test]
fn handshakes_as_zeek_reads_them() {
    let mut twice = request();
    twice.websocket.push((Header::Key, b"again".to_vec()));
    twice
        .websocket
        .push((Header::Protocol, b"chat , superchat,  x ".to_vec()));
    let mut bare = upgrade(b"");
    bare.websocket.clear();
    let rows = run(&[twice, bare]);
    let names: Vec<String> = (0..rows.count("weird"))
        .map(|i| rows.get("weird", i, "name"))
        .collect();
    assert_eq!(
        names,
        [
            "websocket_multiple_key_headers",
            "websocket_missing_accept_header"
        ]
    );
    assert_eq!(
        rows.get("websocket", 0, "client_protocols"),
        "v1,chat,superchat,x "
    );
    assert_eq!(rows.get("websocket", 0, "subprotocol"), "-");
    // No upgrade (the server said 200): nothing.
    let rows = run(&[request(), Msg::default()]);
    assert_eq!((rows.count("websocket"), rows.count("weird")), (0, 0));
    // An upgrade with no handshake headers at all.
    let rows = run(&[Msg::default(), {
        let mut m = upgrade(b"");
        m.websocket.clear();
        m
    }]);
    let names: Vec<String> = (0..rows.count("weird"))
        .map(|i| rows.get("weird", i, "name"))
        .collect();
    assert_eq!(
        names,
        [
            "websocket_established_unexpected",
            "websocket_missing_key_header",
            "websocket_missing_accept_header"
        ]
    );
}
