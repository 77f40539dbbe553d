#![no_main]
//! WebSocket frames (`wire::websocket`): walks every field (ranges within
//! the input, values formatted as the sinks do), the title, the summary,
//! the framing function, the unmasking accessors, and the handshake's
//! accept computation on the same bytes.

use std::ops::Range;
use wiresift_wire::field::Value;
use wiresift_wire::stream::Pdu;
use wiresift_wire::websocket::{self, Field, WebsocketView, FIELDS};

libfuzzer_sys::fuzz_target!(|b: &[u8]| {
    if let Pdu::Whole(n) = websocket::pdu_len(b) {
        assert!(n >= 2 && n <= b.len());
    }
    let _ = websocket::accept_ok(b, b);
    if let Ok(v) = WebsocketView::new(b) {
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
        assert_eq!(v.unmasked().count(), v.payload().len());
        let _ = (v.close_code(), v.close_reason_raw(), v.masking_key());
        let _ = (v.is_complete(), v.is_fragment(), v.header_len());
    }
});
