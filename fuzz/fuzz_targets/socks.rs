#![no_main]
//! SOCKS handshake messages (`wire::socks`): the first byte picks the
//! message the view is made as, the rest is the message. Checks the
//! framing (a whole message fits in the input), walks every field (ranges
//! within the input, values formatted as the sinks do), the title, the
//! summary and what follows the message.

use wiresift_wire::socks::{self, Msg, SocksView};
use wiresift_wire::stream::Pdu;
use wiresift_wire::Layer;

const MSGS: [Msg; 8] = [
    Msg::V4Request,
    Msg::V4Reply,
    Msg::Greeting,
    Msg::MethodChoice,
    Msg::UserPass,
    Msg::UserPassReply,
    Msg::Request,
    Msg::Reply,
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&a, b)) = data.split_first() else {
        return;
    };
    let m = MSGS[usize::from(a) % MSGS.len()];
    if let Pdu::Whole(n) = socks::pdu_len(m, b) {
        assert!(n >= 1 && n <= b.len());
    }
    let _ = (socks::looks_like(b), Msg::first(b), m.after(b));
    if let Ok(v) = SocksView::new(b, m) {
        wiresift_fuzz::walk_fields(&Layer::Socks(v), b.len());
        let mut s = String::new();
        v.summary(&mut s);
        v.title(&mut s);
        let _ = (v.msg(), v.version(), v.header_len(), v.payload());
    }
});
