use super::*;
use proptest::prelude::*;

use crate::testing::hex;

/// Every value of field `f`, in tshark's text form.
fn values(v: &MqttView, f: Field) -> Vec<String> {
    let kind = FIELDS[f as usize].kind;
    let mut out = Vec::new();
    v.field(f, &mut |val: Value, r: Range<usize>| {
        assert!(r.end <= v.bytes.len() && r.start <= r.end, "{f:?} {r:?}");
        let mut s = String::new();
        val.write_tshark(kind, &mut s);
        out.push(s);
    });
    out
}

fn one(v: &MqttView, f: Field) -> String {
    values(v, f).join(",")
}

fn info(v: &MqttView) -> String {
    let mut s = String::new();
    v.summary(&mut s);
    s
}

// suricata__mqtt311-pub-userpass-input.pcap frames 4, 6, 8, 9 (TCP payloads).
const V311_CONNECT: &str =
    "102b00044d51545404c2003c00136d79766f69636569736d7970617373706f7274000475736572000470617373";
const V311_CONNACK: &str = "20020000";
const V311_PUBLISH: &str = "30180006746f70696358626161626161626c61636b7368656570";
const V311_DISCONNECT: &str = "e000";
// suricata__mqtt-frames-truncated-input.pcap frames 4 and 6 (MQTT 5.0).
const V5_CONNECT: &str = "101c00044d51545405c2003c032100140000000475736572000470617373";
const V5_CONNACK: &str = "203500003222000a1200296175746f2d31373233363339332d423533322d303346322d363532362d463731313135423841344245210014";
// suricata__mqtt-limit-2-input.pcap frames 8 and 9 (3.1.1 SUBSCRIBE, SUBACK) and 18 (PUBACK).
const V311_SUBSCRIBE: &str = "820800010003666f6f00";
const V311_SUBACK: &str = "9003000100";
const V311_PUBACK: &str = "40020002";

#[test]
fn v311_connect() {
    let b = hex(V311_CONNECT);
    assert_eq!(pdu_len(&b), Pdu::Whole(b.len()));
    assert!(looks_like(&b));
    let v = MqttView::new(&b).unwrap();
    assert_eq!(v.version(), 4);
    assert_eq!(one(&v, Field::HdrFlags), "0x10");
    assert_eq!(one(&v, Field::MsgType), "1");
    assert_eq!(one(&v, Field::Len), "43");
    assert_eq!(one(&v, Field::ProtoName), "MQTT");
    assert_eq!(one(&v, Field::Ver), "4");
    assert_eq!(one(&v, Field::ConFlags), "0xc2");
    assert_eq!(one(&v, Field::KAlive), "60");
    assert_eq!(one(&v, Field::ClientId), "myvoiceismypassport");
    assert_eq!(one(&v, Field::Username), "user");
    assert_eq!(one(&v, Field::Passwd), "pass");
    assert!(values(&v, Field::PropertyLen).is_empty());
    assert_eq!(info(&v), "Connect Command");
    let mut t = String::new();
    v.title(&mut t);
    assert_eq!(t, "MQ Telemetry Transport Protocol, Connect Command");
}

#[test]
fn v311_others() {
    let b = hex(V311_CONNACK);
    let v = MqttView::new(&b).unwrap();
    assert!(!v.is_v5());
    assert_eq!(one(&v, Field::ConackFlags), "0x00");
    assert_eq!(one(&v, Field::ConackVal), "0");
    assert_eq!(info(&v), "Connect Ack");

    let b = hex(V311_PUBLISH);
    let v = MqttView::new(&b).unwrap();
    assert!(!v.is_v5());
    assert_eq!(one(&v, Field::Topic), "topicX");
    assert_eq!(one(&v, Field::Msg), "626161626161626c61636b7368656570");
    assert!(values(&v, Field::MsgId).is_empty());
    assert_eq!(info(&v), "Publish Message [topicX]");

    let b = hex(V311_DISCONNECT);
    let v = MqttView::new(&b).unwrap();
    assert_eq!(one(&v, Field::MsgType), "14");
    assert_eq!(info(&v), "Disconnect Req");

    let b = hex(V311_SUBSCRIBE);
    let v = MqttView::new(&b).unwrap();
    assert!(!v.is_v5());
    assert_eq!(one(&v, Field::MsgId), "1");
    assert_eq!(one(&v, Field::Topic), "foo");
    assert_eq!(one(&v, Field::SubQos), "0");
    assert_eq!(info(&v), "Subscribe Request (id=1) [foo]");

    let b = hex(V311_SUBACK);
    let v = MqttView::new(&b).unwrap();
    assert!(!v.is_v5());
    assert_eq!(one(&v, Field::SubackQos), "0");
    assert_eq!(info(&v), "Subscribe Ack (id=1)");

    let b = hex(V311_PUBACK);
    let v = MqttView::new(&b).unwrap();
    assert!(!v.is_v5());
    assert_eq!(info(&v), "Publish Ack (id=2)");
}

#[test]
fn v5_connect_and_connack() {
    let b = hex(V5_CONNECT);
    let v = MqttView::new(&b).unwrap();
    assert_eq!(v.version(), 5);
    assert_eq!(connect_version(&b), Some(5));
    assert_eq!(one(&v, Field::PropertyLen), "3");
    assert_eq!(one(&v, Field::PropertyId), "0x21");
    assert_eq!(one(&v, Field::PropNumber), "20");
    assert_eq!(one(&v, Field::ClientId), "");
    assert_eq!(one(&v, Field::Username), "user");

    let b = hex(V5_CONNACK);
    let v = MqttView::new(&b).unwrap();
    assert!(v.is_v5());
    assert_eq!(one(&v, Field::ConnackReasonCode), "0");
    assert!(values(&v, Field::ConackVal).is_empty());
    assert_eq!(one(&v, Field::PropertyLen), "50");
    assert_eq!(one(&v, Field::PropertyId), "0x22,0x12,0x21");
    assert_eq!(one(&v, Field::PropNumber), "10,20");
    assert_eq!(
        one(&v, Field::PropString),
        "auto-17236393-B532-03F2-6526-F71115B8A4BE"
    );
}

#[test]
fn framing() {
    assert_eq!(pdu_len(&[]), Pdu::Need(2));
    assert_eq!(pdu_len(&[0x30]), Pdu::Need(2));
    assert_eq!(pdu_len(&[0x30, 0x80]), Pdu::Need(3));
    assert_eq!(pdu_len(&[0x30, 0x05, 0]), Pdu::Need(7));
    assert_eq!(pdu_len(&[0xc0, 0x00, 0xd0]), Pdu::Whole(2));
    // Five length bytes: malformed.
    assert_eq!(pdu_len(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), Pdu::NotMine);
    assert!(MqttView::new(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01]).is_err());
    // 268,435,455 bytes (the largest MQTT length) is over the cap.
    assert_eq!(pdu_len(&[0x30, 0xff, 0xff, 0xff, 0x7f]), Pdu::NotMine);
    // 16 MiB - 5 fits.
    let n = MAX_PACKET - 5;
    let l = [
        (n & 0x7f) as u8 | 0x80,
        ((n >> 7) & 0x7f) as u8 | 0x80,
        ((n >> 14) & 0x7f) as u8 | 0x80,
        (n >> 21) as u8,
    ];
    assert_eq!(
        pdu_len(&[0x30, l[0], l[1], l[2], l[3]]),
        Pdu::Need(MAX_PACKET)
    );
    assert!(!looks_like(&hex(V311_PUBLISH)));
    assert!(!looks_like(b"GET / HTTP/1.1\r\n"));
}

#[test]
fn hostile_inputs_do_not_panic() {
    let all = [
        V311_CONNECT,
        V311_CONNACK,
        V311_PUBLISH,
        V5_CONNECT,
        V5_CONNACK,
        V311_SUBSCRIBE,
        V311_SUBACK,
    ];
    for h in all {
        let b = hex(h);
        for cut in 0..b.len() {
            let s = &b[..cut];
            let _ = pdu_len(s);
            let _ = looks_like(s);
            if let Ok(v) = MqttView::new(s) {
                for f in 0..FIELDS.len() {
                    values(&v, Field::from_index(f).unwrap());
                }
                info(&v);
            }
        }
        // Lengths that lie: every byte set to 0xff in turn.
        for i in 0..b.len() {
            let mut m = b.clone();
            m[i] = 0xff;
            if let Ok(v) = MqttView::new(&m) {
                for f in 0..FIELDS.len() {
                    values(&v, Field::from_index(f).unwrap());
                }
                info(&v);
            }
        }
    }
    // A property block claiming more than the packet.
    let b = hex("3009000174ffff7f2100");
    let v = MqttView::with_version(&b, 5).unwrap();
    assert_eq!(one(&v, Field::Topic), "t");
    values(&v, Field::PropertyId);
}

proptest! {
    #[test]
    fn build_then_parse(topic in proptest::collection::vec(any::<u8>(), 0..40),
                        qos in 0u8..3, id: u16, v5: bool,
                        message in proptest::collection::vec(any::<u8>(), 0..300)) {
        let r = MqttRepr::publish(&topic, qos, id, v5, &message);
        let mut buf = Vec::new();
        r.emit(&mut buf);
        prop_assert_eq!(pdu_len(&buf), Pdu::Whole(buf.len()));
        let v = MqttView::with_version(&buf, if v5 { 5 } else { 4 }).unwrap();
        prop_assert_eq!(MqttRepr::parse(&v), r);
        prop_assert_eq!(v.topic(), Some(&topic[..]));
        prop_assert_eq!(v.packet_id(), (qos > 0).then_some(id));
        prop_assert_eq!(v.message().unwrap_or(&[]), &message[..]);
    }

    #[test]
    fn arbitrary_bytes(b in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = pdu_len(&b);
        if let Ok(v) = MqttView::new(&b) {
            for f in 0..FIELDS.len() {
                values(&v, Field::from_index(f).unwrap());
            }
            info(&v);
        }
    }
}
