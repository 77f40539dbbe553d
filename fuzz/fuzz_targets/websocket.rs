#![no_main]
//! WebSocket frames (`wire::websocket`): walks every field (ranges within
//! the input, values formatted as the sinks do), the title, the summary,
//! the framing function, the unmasking accessors, and the handshake's
//! accept computation on the same bytes.

use wiresift_wire::stream::Pdu;
use wiresift_wire::websocket::{self, WebsocketView};
use wiresift_wire::Layer;

libfuzzer_sys::fuzz_target!(|b: &[u8]| {
    if let Pdu::Whole(n) = websocket::pdu_len(b) {
        assert!(n >= 2 && n <= b.len());
    }
    let _ = websocket::accept_ok(b, b);
    if let Ok(v) = WebsocketView::new(b) {
        wiresift_fuzz::walk_fields(&Layer::Websocket(v), b.len());
        let mut s = String::new();
        v.summary(&mut s);
        v.title(&mut s);
        assert_eq!(v.unmasked().count(), v.payload().len());
        let _ = (v.close_code(), v.close_reason_raw(), v.masking_key());
        let _ = (v.is_complete(), v.is_fragment(), v.header_len());
    }
});
