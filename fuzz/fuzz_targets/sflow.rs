#![no_main]
//! sFlow v5 datagrams (`wire::sflow`): the input is the UDP payload (its
//! first eight bytes forced to version 5 with an IPv4 or IPv6 agent so that
//! most inputs get past the header). Walks every field (ranges within the
//! input, values formatted as the sinks do), the title, the summary, the
//! samples, records and sampled headers, and the builder's parse.

use wiresift_wire::sflow::{SflowRepr, SflowView};
use wiresift_wire::Layer;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut b = data.to_vec();
    if b.len() >= 8 {
        let v6 = b[7] & 1;
        b[..8].copy_from_slice(&[0, 0, 0, 5, 0, 0, 0, 1 + v6]);
    }
    let Ok(v) = SflowView::new(&b) else {
        return;
    };
    wiresift_fuzz::walk_fields(&Layer::Sflow(v), b.len());
    let mut s = String::new();
    v.summary(&mut s);
    v.title(&mut s);
    v.samples(&mut |smp| v.records(&smp, &mut |_, _| {}));
    v.sampled_headers(&mut |at, _, h| assert!(at + h.len() <= b.len()));
    let _ = (
        SflowRepr::parse(&v),
        v.header_len(),
        v.payload(),
        v.sequence(),
    );
});
