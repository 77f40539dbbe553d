#![no_main]
//! PROXY protocol headers (`wire::proxy`): the framing function, then the
//! view over what it frames. Walks every field (ranges within the header,
//! values formatted as the sinks do), the title, the summary, the
//! addresses, the TLVs, and the builder's round trip.

use wiresift_wire::proxy::{self, ProxyRepr, ProxyView};
use wiresift_wire::stream::Pdu;
use wiresift_wire::Layer;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Pdu::Whole(n) = proxy::pdu_len(data) {
        assert!(n >= 1 && n <= data.len());
    }
    let Ok(v) = ProxyView::new(data) else {
        return;
    };
    assert!(v.header_len() <= data.len());
    wiresift_fuzz::walk_fields(&Layer::Proxy(v), v.header_len());
    let mut s = String::new();
    v.summary(&mut s);
    v.title(&mut s);
    let _ = (v.addresses(), v.tlvs().count(), v.v1_proto(), v.v2_family());
    if let Some(r) = ProxyRepr::parse(&v) {
        let mut buf = Vec::new();
        r.emit(&mut buf);
        assert!(ProxyView::new(&buf).is_ok());
    }
});
