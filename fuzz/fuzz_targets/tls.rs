#![no_main]
//! TLS records (`wire::tls`): the first byte sets what the engine would
//! know of the session (bit 0: TLS 1.3 negotiated, bit 1: the sender's
//! ChangeCipherSpec seen in an earlier frame), the rest are the records.
//! Walks every field (ranges within the input, values formatted as the
//! sinks do), the summary, the framing functions and the typed accessors,
//! and parses the bytes as one handshake message too.

use wiresift_wire::tls::{self, Handshake, Session, TlsView};
use wiresift_wire::Layer;

fn hellos(h: &Handshake) {
    let mut s = String::new();
    if let Some(ch) = h.client_hello() {
        ch.write_ja3_full(&mut s);
        let _ = ch.ja4_parts();
        let _ = (ch.server_name(), ch.alpn().count(), ch.max_version());
        let _ = (ch.supported_groups().count(), ch.ec_point_formats().len());
        let _ = (
            ch.signature_algorithms().count(),
            ch.key_share_groups().count(),
        );
        let _ = (
            ch.psk_modes().len(),
            ch.session_ticket(),
            ch.supported_versions().count(),
        );
    }
    if let Some(sh) = h.server_hello() {
        sh.write_ja3s_full(&mut s);
        let _ = (
            sh.selected_version(),
            sh.alpn(),
            sh.cipher_suite(),
            sh.is_tls13(),
        );
    }
    if let Some(c) = h.certificates() {
        let _ = c.count();
    }
    if let Some(t) = h.new_session_ticket() {
        let _ = (t.lifetime_hint(), t.ticket().len());
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&a, b)) = data.split_first() else {
        return;
    };
    let _ = tls::pdu_len(b);
    let _ = tls::looks_like(b);
    assert!(tls::whole_records_len(b) <= b.len());
    if let Ok(v) = TlsView::new(b) {
        let session = Session {
            version: if a & 1 != 0 { tls::version::TLS13 } else { 0 },
            ccs_seen: a & 2 != 0,
        };
        let v = v.with_session(session);
        wiresift_fuzz::walk_fields(&Layer::Tls(v), b.len());
        let mut s = String::new();
        v.summary(&mut s);
        v.title(&mut s);
        let _ = v.is_malformed();
        let _ = (v.handshake_types().count(), v.certificates().count());
        let _ = (v.alerts().count(), v.app_data_len(), v.items().count());
        for h in v.handshakes() {
            hellos(&h);
        }
    }
    if let Ok(h) = Handshake::new(b) {
        hellos(&h);
    }
});
