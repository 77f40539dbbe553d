#![no_main]
//! OpenVPN packets (`wire::openvpn`): the input as a UDP datagram's packet
//! and as a TCP message (16-bit length first). Checks the framing (a whole
//! message fits in the input), walks every field (ranges within the input,
//! values formatted as the sinks do), the title, the summary, and that the
//! payload ends the view.

use wiresift_wire::openvpn::{self, OpenvpnView};
use wiresift_wire::stream::Pdu;
use wiresift_wire::Layer;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Pdu::Whole(n) = openvpn::pdu_len(data) {
        assert!(n >= 3 && n <= data.len());
    }
    let _ = openvpn::looks_like_tcp(data);
    for v in [OpenvpnView::new(data), OpenvpnView::new_tcp(data)]
        .into_iter()
        .flatten()
    {
        wiresift_fuzz::walk_fields(&Layer::Openvpn(v), data.len());
        let mut s = String::new();
        v.summary(&mut s);
        v.title(&mut s);
        assert!(v.header_len() + v.payload().len() <= data.len());
        let _ = (
            v.acks().count(),
            v.session_id(),
            v.message_id(),
            v.ends_message(),
        );
    }
});
