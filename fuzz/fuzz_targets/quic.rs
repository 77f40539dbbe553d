//! The QUIC header view on any bytes (a UDP datagram): every field of the
//! table formatted as the sinks do (each occurrence's range inside the
//! datagram), the summary, the title, the packets' walk (bounded by the
//! bytes), the builder's round trip of a parsed long-header packet, and
//! the Initial packets' decryption for the per-packet views (twice, so that
//! the second pass finds the keys the first remembered; random bytes rarely
//! pass the AEAD tag, the corpus replay feeds real Initials). The
//! contract: no panic, bounded work.
#![no_main]

use wiresift_engine::quic::Initials;
use wiresift_wire::field::Value;
use wiresift_wire::quic::{Field, QuicRepr, QuicView, FIELDS};
use wiresift_wire::tls::{self, TlsView};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut text = String::new();
    // The same bytes as bare handshake messages (TLS in CRYPTO frames).
    if let Ok(t) = TlsView::new_handshakes(data) {
        tls_fields(&t, &mut text);
    }
    let Ok(v) = QuicView::new(data) else {
        return;
    };
    let mut initials = Initials::new();
    let ends = Some((([1; 16], 1234), ([2; 16], 443)));
    for _ in 0..2 {
        if let Some((w, tls)) = initials.datagram(v, ends) {
            fields(&w, data, &mut text);
            w.summary(&mut text);
            if let Some(t) = tls {
                tls_fields(&t, &mut text);
            }
        }
    }
    fields(&v, data, &mut text);
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

/// Every field of the table formatted as the sinks do, each occurrence's
/// range inside the datagram.
fn fields<'a>(v: &QuicView<'a>, data: &[u8], text: &mut String) {
    for (i, def) in FIELDS.iter().enumerate() {
        let Some(f) = Field::from_index(i) else {
            continue;
        };
        v.field(f, &mut |val: Value<'a>, r: std::ops::Range<usize>| {
            assert!(
                r.start <= r.end && r.end <= data.len(),
                "{}: {r:?}",
                def.name
            );
            val.write_tshark(def.kind, text);
        });
    }
}

/// Every TLS field formatted, each range inside the view's bytes.
fn tls_fields(t: &TlsView<'_>, text: &mut String) {
    let len = t.bytes().len();
    t.each_field(&mut |f, val, r| {
        assert!(r.start <= r.end && r.end <= len, "{r:?}");
        if let Some(d) = tls::FIELDS.get(f as usize) {
            val.write_tshark(d.kind, text);
        }
    });
    t.summary(text);
}
