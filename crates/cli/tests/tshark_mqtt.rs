//! MQTT and WebSocket fields against tshark 4.0, run now on the dev captures
//! whose stored tshark table shows `mqtt` or `websocket` in frame.protocols.
//! Prints the agreement per field and fails below the floors.

mod common;
use common::fieldcmp::{self, Reference, Spec};

const MQTT_FIELDS: &[&str] = &[
    "mqtt.hdrflags",
    "mqtt.msgtype",
    "mqtt.dupflag",
    "mqtt.qos",
    "mqtt.retain",
    "mqtt.len",
    "mqtt.proto_len",
    "mqtt.protoname",
    "mqtt.ver",
    "mqtt.conflags",
    "mqtt.kalive",
    "mqtt.clientid",
    "mqtt.username",
    "mqtt.passwd",
    "mqtt.conack.flags",
    "mqtt.conack.val",
    "mqtt.connack.reason_code",
    "mqtt.topic_len",
    "mqtt.topic",
    "mqtt.msgid",
    "mqtt.msg",
    "mqtt.sub.qos",
    "mqtt.suback.qos",
    "mqtt.property_len",
    "mqtt.property_id",
];

const WEBSOCKET_FIELDS: &[&str] = &[
    "websocket.fin",
    "websocket.rsv",
    "websocket.opcode",
    "websocket.mask",
    "websocket.payload_length",
    "websocket.payload_length_ext_16",
    "websocket.payload_length_ext_64",
    "websocket.masking_key",
    "websocket.payload.close.status_code",
];

#[test]
fn mqtt_fields_agree_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: MQTT_FIELDS,
        floors: &[("mqtt.msgtype", 99.0), ("mqtt.topic", 99.0)],
        default_floor: 0.0,
        protocols: &["mqtt"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}

#[test]
fn websocket_fields_agree_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: WEBSOCKET_FIELDS,
        floors: &[("websocket.opcode", 99.0)],
        default_floor: 0.0,
        protocols: &["websocket"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}
