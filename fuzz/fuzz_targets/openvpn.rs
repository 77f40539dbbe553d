#![no_main]
//! OpenVPN packets (`wire::openvpn`): the input as a UDP datagram's packet
//! and as a TCP message (16-bit length first). Checks the framing (a whole
//! message fits in the input), walks every field (ranges within the input,
//! values formatted as the sinks do), the title, the summary, and that the
//! payload ends the view.

use std::ops::Range;
use wiresift_wire::field::Value;
use wiresift_wire::openvpn::{self, Field, OpenvpnView, FIELDS};
use wiresift_wire::stream::Pdu;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Pdu::Whole(n) = openvpn::pdu_len(data) {
        assert!(n >= 3 && n <= data.len());
    }
    let _ = openvpn::looks_like_tcp(data);
    for v in [OpenvpnView::new(data), OpenvpnView::new_tcp(data)]
        .into_iter()
        .flatten()
    {
        let mut s = String::new();
        for (i, d) in FIELDS.iter().enumerate() {
            let Some(f) = Field::from_index(i) else {
                continue;
            };
            v.field(f, &mut |val: Value, r: Range<usize>| {
                assert!(r.start <= r.end && r.end <= data.len(), "{} {r:?}", d.name);
                s.clear();
                val.write_tshark(d.kind, &mut s);
            });
        }
        s.clear();
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
