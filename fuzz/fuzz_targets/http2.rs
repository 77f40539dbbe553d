#![no_main]
//! HTTP/2 (`wire::http2`): the framing function, every field of the view
//! over the input (ranges within it, values formatted as the sinks do),
//! title and summary; then the input as a header block through one HPACK
//! decoder twice (the second time against the table the first left), the
//! decoded list shown by the view; the block followed for the table only,
//! against decoding it; and the input cut into frames, each header block
//! decoded, through the engine's per-stream bodies (`h2_streams`), whose
//! bounds must hold.

use std::ops::Range;
use wiresift_engine::h2_streams::{self, Budget, Conn, Shown};
use wiresift_wire::field::Value;
use wiresift_wire::http2::hpack::{self, Decoder, HeaderList};
use wiresift_wire::http2::{self, Body, Field, Http2View, FIELDS};
use wiresift_wire::stream::Pdu;

libfuzzer_sys::fuzz_target!(|b: &[u8]| {
    if let Pdu::Whole(n) = http2::pdu_len(b) {
        assert!(n >= 9.min(b.len()) && n <= b.len());
    }
    let mut d = Decoder::new();
    let mut l = HeaderList::default();
    let _ = d.decode(b, &mut l);
    let mark = l.len();
    let _ = d.decode(b, &mut l);
    assert!(d.table_size().0 <= hpack::MAX_TABLE);
    // Following a block (for the table only) ends as decoding it does,
    // keeping nothing; it copies less, so it never fails where decoding
    // succeeds.
    let mut a = Decoder::new();
    let decoded = a.decode(b, &mut HeaderList::default());
    let mut f = Decoder::new();
    let kept = (l.len(), l.bytes());
    let followed = f.follow(b, &mut l);
    assert_eq!(kept, (l.len(), l.bytes()));
    if decoded.is_ok() {
        assert!(followed.is_ok());
        assert_eq!(a.table_size(), f.table_size());
    }
    assert!(l.len() - mark <= hpack::MAX_HEADERS);
    let Ok(v) = Http2View::new(b) else {
        return;
    };
    let body = Body {
        data: b,
        sent: b,
        fragments: &[(1, 0), (2, 5)],
    };
    for v in [v, v.with_headers(l.headers(mark, l.len())).with_body(body)] {
        let mut s = String::new();
        for (i, def) in FIELDS.iter().enumerate() {
            let Some(f) = Field::from_index(i) else {
                continue;
            };
            v.field(f, &mut |val: Value, r: Range<usize>| {
                assert!(r.start <= r.end && r.end <= b.len(), "{} {r:?}", def.name);
                s.clear();
                val.write_tshark(def.kind, &mut s);
            });
        }
        s.clear();
        v.summary(&mut s);
        v.title(&mut s);
        let _ = (v.header_block(), v.data(), v.settings().count(), v.status());
        let _ = (v.is_complete(), v.end_stream(), v.end_headers(), v.ack());
    }
    bodies(b);
});

/// The input as a stream of frames, each sent by the side its stream id's
/// reserved bit picks.
fn bodies(b: &[u8]) {
    let (mut conn, mut budget, mut shown) = (Conn::default(), Budget::default(), Shown::default());
    let mut dec = [Decoder::new(), Decoder::new()];
    let mut rest = b;
    let mut frame = 0;
    while let Pdu::Whole(n) = http2::pdu_len(rest) {
        let (f, tail) = rest.split_at(n.max(1).min(rest.len()));
        rest = tail;
        frame += 1;
        let Ok(v) = Http2View::new(f) else { break };
        let side = usize::from(f.get(5).is_some_and(|x| x & 0x80 != 0));
        let mut list = HeaderList::default();
        let h = v
            .header_block()
            .filter(|_| v.end_headers())
            .and_then(|blk| dec[side].decode(blk, &mut list).ok())
            .map(|_| list.headers(0, list.len()));
        shown.clear();
        if let Some(m) = conn.frame(&v, side, frame, h.as_ref(), &mut budget, Some(&mut shown)) {
            let _ = shown.body(&m);
        }
        assert!(conn.held() <= h2_streams::MAX_CONN);
        assert!(budget.held() <= h2_streams::MAX_TOTAL);
        if rest.is_empty() {
            break;
        }
    }
}
