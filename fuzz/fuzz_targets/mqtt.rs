#![no_main]
//! MQTT control packets (`wire::mqtt`): the first byte picks the version the
//! view is made with (0: guessed by `MqttView::new`, else 3/4/5), the rest
//! is the packet. Walks every field (ranges within the input, values
//! formatted as the sinks do), the title, the summary, the framing
//! functions and the typed accessors.

use wiresift_wire::mqtt::{self, MqttView};
use wiresift_wire::stream::Pdu;
use wiresift_wire::Layer;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&a, b)) = data.split_first() else {
        return;
    };
    if let Pdu::Whole(n) = mqtt::pdu_len(b) {
        assert!(n >= 2 && n <= b.len());
    }
    let _ = mqtt::looks_like(b);
    let _ = mqtt::connect_version(b);
    let v = match a % 4 {
        0 => MqttView::new(b),
        n => MqttView::with_version(b, n + 2),
    };
    if let Ok(v) = v {
        wiresift_fuzz::walk_fields(&Layer::Mqtt(v), b.len());
        let mut s = String::new();
        v.summary(&mut s);
        v.title(&mut s);
        let _ = (v.topic(), v.packet_id(), v.message(), v.body(), v.payload());
        let _ = (v.is_complete(), v.connect_level(), v.header_len());
    }
});
