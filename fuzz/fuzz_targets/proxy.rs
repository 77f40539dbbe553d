#![no_main]
//! PROXY protocol headers (`wire::proxy`): the framing function, then the
//! view over what it frames. Walks every field (ranges within the header,
//! values formatted as the sinks do), the title, the summary, the
//! addresses, the TLVs, and the builder's round trip.

use std::ops::Range;
use wiresift_wire::field::Value;
use wiresift_wire::proxy::{self, Field, ProxyRepr, ProxyView, FIELDS};
use wiresift_wire::stream::Pdu;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Pdu::Whole(n) = proxy::pdu_len(data) {
        assert!(n >= 1 && n <= data.len());
    }
    let Ok(v) = ProxyView::new(data) else {
        return;
    };
    assert!(v.header_len() <= data.len());
    let mut s = String::new();
    for (i, d) in FIELDS.iter().enumerate() {
        let Some(f) = Field::from_index(i) else {
            continue;
        };
        v.field(f, &mut |val: Value, r: Range<usize>| {
            assert!(r.start <= r.end && r.end <= v.header_len(), "{} {r:?}", d.name);
            s.clear();
            val.write_tshark(d.kind, &mut s);
        });
    }
    s.clear();
    v.summary(&mut s);
    v.title(&mut s);
    let _ = (v.addresses(), v.tlvs().count(), v.v1_proto(), v.v2_family());
    if let Some(r) = ProxyRepr::parse(&v) {
        let mut buf = Vec::new();
        r.emit(&mut buf);
        assert!(ProxyView::new(&buf).is_ok());
    }
});
