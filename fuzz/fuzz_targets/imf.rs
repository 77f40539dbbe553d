//! IMF (a mail's headers) and the SMTP session state on any bytes: every
//! field of the IMF table formatted as the sinks do (each occurrence's
//! range inside the mail), the summary, the headers and the builder's
//! parse; the bytes also cut into client units (at each 0xff) read by the
//! SMTP session, with a reply line between units. The contract: no panic,
//! bounded work.
#![no_main]

use std::ops::Range;
use wiresift_wire::field::Value;
use wiresift_wire::imf::{self, ImfRepr, ImfView};
use wiresift_wire::smtp::state::{Session, Unit};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let v = ImfView::new(data);
    let mut text = String::new();
    for (i, def) in imf::FIELDS.iter().enumerate() {
        let Some(f) = imf::Field::from_index(i) else {
            continue;
        };
        v.field(f, &mut |val: Value<'_>, r: Range<usize>| {
            assert!(
                r.start <= r.end && r.end <= data.len(),
                "{}: {r:?}",
                def.name
            );
            val.write_tshark(def.kind, &mut text);
        });
    }
    let before = text.len();
    let body = v.summary_parts(&mut text);
    assert!(before <= body && body <= text.len());
    v.title(&mut text);
    assert!(v.headers().count() <= imf::MAX_HEADERS);
    let _ = ImfRepr::parse(&v);
    let mut s = Session::default();
    for unit in data.split(|&c| c == 0xff) {
        match s.client(unit) {
            Unit::End { content } => assert!(content <= unit.len()),
            _ => {}
        }
        s.reply_line(unit);
    }
});
