//! HTTP/1.x framing and view on any bytes: `looks_like`, `pdu_len`,
//! `pdu_len_at_end` (and the
//! resumable `Framer` fed the same bytes in pieces: it must agree), then the
//! view over the message framing cut (or over all the bytes when framing
//! wants more): every field of the table formatted as the sinks do (each
//! occurrence's range inside the message), title, summary, accessors,
//! header and chunk iterators, the problem report, and the builder's round
//! trip of what was parsed. The contract: no panic, bounded work.
#![no_main]

use wiresift_wire::field::Value;
use wiresift_wire::http::{self, Field, Framer, HttpRepr, HttpView, FIELDS};
use wiresift_wire::stream::Pdu;

libfuzzer_sys::fuzz_target!(|input: &[u8]| {
    // The first byte picks the piece size the framer is fed in.
    let Some((&a, data)) = input.split_first() else {
        return;
    };
    let _ = http::looks_like(data);
    let once = http::pdu_len(data);
    let step = usize::from(a % 64) + 1;
    let mut framer = Framer::new();
    let mut n = 0;
    let fed = loop {
        n = (n + step).min(data.len());
        let p = framer.feed(&data[..n]);
        if n == data.len() || !matches!(p, Pdu::Need(_)) {
            break p;
        }
    };
    // A message whole in a prefix is the same message in all the bytes; fed
    // everything, the resumed walk answers as the one-shot one.
    if let Pdu::Whole(k) = fed {
        assert_eq!(once, Pdu::Whole(k), "fed in steps of {step}");
    }
    if n == data.len() {
        assert_eq!(once, fed, "fed in steps of {step}");
    }
    let _ = http::pdu_len_response_to(data, b"HEAD");
    // At the end of the stream a whole message stays whole; any other whole
    // one ends within the bytes.
    match (once, http::pdu_len_at_end(data)) {
        (Pdu::Whole(x), end) => assert_eq!(end, Pdu::Whole(x)),
        (_, Pdu::Whole(y)) => assert!(y <= data.len()),
        _ => {}
    }
    let msg = match once {
        Pdu::Whole(k) => data.get(..k).unwrap_or(data),
        _ => data,
    };
    // The start line read alone is the view's.
    let first = http::FirstLine::of(msg);
    let _ = first.map(|f| (f.method(), f.status()));
    let Ok(v) = HttpView::new(msg) else {
        assert!(first.is_none());
        return;
    };
    let first = first.expect("a view has a start line");
    assert_eq!((first.kind, first.text), (v.kind(), v.start_line()));
    let mut text = String::new();
    for (i, def) in FIELDS.iter().enumerate() {
        let Some(f) = Field::from_index(i) else {
            continue;
        };
        v.field(f, &mut |val: Value<'_>, r: std::ops::Range<usize>| {
            assert!(
                r.start <= r.end && r.end <= msg.len(),
                "{}: {r:?}",
                def.name
            );
            val.write_tshark(def.kind, &mut text);
        });
    }
    v.title(&mut text);
    v.summary(&mut text);
    let _ = (v.method(), v.uri(), v.version(), v.status(), v.reason());
    let _ = (v.header(b"host"), v.content_length(), v.is_chunked());
    assert!(v.headers().count() <= http::limits::MAX_HEADERS);
    assert!(v.chunks().count() <= http::limits::MAX_CHUNKS);
    assert!(v.body().len() <= msg.len());
    let _ = v.problem();
    // What was parsed builds into a message that parses back to it.
    let r = HttpRepr::parse(&v);
    let mut built = Vec::new();
    r.emit(&mut built);
    if let Ok(again) = HttpView::new(&built) {
        let _ = HttpRepr::parse(&again);
    }
});
