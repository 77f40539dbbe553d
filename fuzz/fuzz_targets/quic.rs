//! The QUIC header view on any bytes (a UDP datagram): every field of the
//! table formatted as the sinks do (each occurrence's range inside the
//! datagram), the summary, the title, the packets' walk (bounded by the
//! bytes) and the builder's round trip of a parsed long-header packet. The
//! contract: no panic, bounded work.
#![no_main]

use wiresift_wire::field::Value;
use wiresift_wire::quic::{Field, QuicRepr, QuicView, FIELDS};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(v) = QuicView::new(data) else {
        return;
    };
    let mut text = String::new();
    for (i, def) in FIELDS.iter().enumerate() {
        let Some(f) = Field::from_index(i) else {
            continue;
        };
        v.field(f, &mut |val: Value<'_>, r: std::ops::Range<usize>| {
            assert!(
                r.start <= r.end && r.end <= data.len(),
                "{}: {r:?}",
                def.name
            );
            val.write_tshark(def.kind, &mut text);
        });
    }
    v.summary(&mut text);
    v.title(&mut text);
    let _ = (v.version(), v.dcid(), v.scid(), v.is_long());
    let mut last = 0;
    for p in v.packets() {
        assert!(p.start >= last && p.end > p.start && p.end <= data.len());
        last = p.end;
    }
    if let Some(r) = QuicRepr::parse(&v) {
        let mut buf = Vec::new();
        r.emit(&mut buf);
        if let Ok(w) = QuicView::new(&buf) {
            assert_eq!(QuicRepr::parse(&w).map(|x| x.body), Some(r.body));
        }
    }
});
