use super::*;
use crate::logs::apps::testing::{conn, frame, hex, Rows, SEC};
use crate::logs::apps::ConnRef;

/// suricata mqtt311-pub-userpass-input.pcap, frames 4 (CONNECT), 6
/// (CONNACK), 8 (PUBLISH QoS 0 to topicX).
const CONNECT_PKT: &str =
    "102b00044d51545404c2003c00136d79766f69636569736d7970617373706f7274000475736572000470617373";
const CONNACK_PKT: &str = "20020000";
const PUBLISH_PKT: &str = "30180006746f70696358626161626161626c61636b7368656570";
/// suricata mqtt-limit-2-input.pcap, frames 8 (SUBSCRIBE foo, QoS 0) and 9
/// (SUBACK granting 0).
const SUBSCRIBE_PKT: &str = "820800010003666f6f00";
const SUBACK_PKT: &str = "9003000100";

fn tcp() -> ConnRef {
    conn(true, 2, ("::1", 38458), ("::1", 1883))
}

fn feed(t: &mut Tracker, rows: &mut Rows, c: &ConnRef, ts: i64, orig: bool, h: &str) {
    let b = hex(h);
    let m = Msg::read(&MqttView::new(&b).expect("MQTT")).expect("logged type");
    let f = frame(c, ts, orig);
    t.message(&f, m, rows).expect("sink");
}

#[test]
fn connect_publish_subscribe() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    feed(&mut t, &mut rows, &c, SEC, true, CONNECT_PKT);
    assert_eq!(rows.count("mqtt_connect"), 0, "written at the CONNACK");
    feed(&mut t, &mut rows, &c, 2 * SEC, false, CONNACK_PKT);
    feed(&mut t, &mut rows, &c, 3 * SEC, true, PUBLISH_PKT);
    feed(&mut t, &mut rows, &c, 4 * SEC, true, SUBSCRIBE_PKT);
    feed(&mut t, &mut rows, &c, 5 * SEC, false, SUBACK_PKT);
    rows.check(
        "mqtt_connect",
        0,
        &[
            ("ts", "1.000000"),
            ("proto_name", "MQTT"),
            ("proto_version", "3.1.1"),
            ("client_id", "myvoiceismypassport"),
            ("connect_status", "Connection Accepted"),
            ("will_topic", "-"),
        ],
    );
    rows.check(
        "mqtt_publish",
        0,
        &[
            ("from_client", "T"),
            ("retain", "F"),
            ("qos", "at most once"),
            ("status", "ok"),
            ("topic", "topicX"),
            ("payload", "baabaablacksheep"),
            ("payload_len", "16"),
        ],
    );
    rows.check(
        "mqtt_subscribe",
        0,
        &[
            ("action", "MQTT::SUBSCRIBE"),
            ("topics", "foo"),
            ("qos_levels", "0"),
            ("granted_qos_level", "0"),
            ("ack", "T"),
        ],
    );
}

#[test]
fn unacknowledged_publish_is_incomplete() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    // A QoS 1 PUBLISH (id 7) built with the wire crate's builder.
    let mut b = Vec::new();
    wire::mqtt::MqttRepr::publish(b"t/1", 1, 7, false, b"hi").emit(&mut b);
    let hexed: String = b.iter().map(|x| format!("{x:02x}")).collect();
    feed(&mut t, &mut rows, &c, SEC, true, &hexed);
    assert_eq!(rows.count("mqtt_publish"), 0);
    // Another packet 6 s later: Zeek's 5 s expiry wrote it.
    feed(&mut t, &mut rows, &c, 7 * SEC, true, PUBLISH_PKT);
    assert_eq!(rows.count("mqtt_publish"), 2);
    rows.check(
        "mqtt_publish",
        0,
        &[
            ("status", "incomplete_qos"),
            ("qos", "at least once"),
            ("topic", "t/1"),
        ],
    );
}

#[test]
fn cut_packets_are_harmless() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    let b = hex(CONNECT_PKT);
    for n in 1..b.len() {
        if let Ok(v) = MqttView::new(&b[..n]) {
            if let Some(m) = Msg::read(&v) {
                let f = frame(&c, 0, true);
                t.message(&f, m, &mut rows).expect("sink");
            }
        }
    }
    t.finish(&mut rows).expect("sink");
}
