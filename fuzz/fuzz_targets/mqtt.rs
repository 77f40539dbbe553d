#![no_main]
//! MQTT control packets (`wire::mqtt`): the first byte picks the version the
//! view is made with (0: guessed by `MqttView::new`, else 3/4/5), the rest
//! is the packet. Walks every field (ranges within the input, values
//! formatted as the sinks do), the title, the summary, the framing
//! functions and the typed accessors.

use std::ops::Range;
use wiresift_wire::field::Value;
use wiresift_wire::mqtt::{self, Field, MqttView, FIELDS};
use wiresift_wire::stream::Pdu;

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
        let mut s = String::new();
        for (i, d) in FIELDS.iter().enumerate() {
            let Some(f) = Field::from_index(i) else {
                continue;
            };
            v.field(f, &mut |val: Value, r: Range<usize>| {
                assert!(r.start <= r.end && r.end <= b.len(), "{} {r:?}", d.name);
                s.clear();
                val.write_tshark(d.kind, &mut s);
            });
        }
        s.clear();
        v.summary(&mut s);
        v.title(&mut s);
        let _ = (v.topic(), v.packet_id(), v.message(), v.body(), v.payload());
        let _ = (v.is_complete(), v.connect_level(), v.header_len());
    }
});
