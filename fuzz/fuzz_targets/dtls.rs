#![no_main]
//! DTLS records of one datagram (`wire::dtls`): the heuristic, every field
//! (ranges within the input, values formatted as the sinks do), the
//! summary and the typed accessors; the bytes parsed as one DTLS handshake
//! message too (as the engine parses a message put together from
//! fragments); and the view given, for each fragment, a whole message of
//! its type and sequence number whose body is the input (as the engine
//! gives a view the messages its fragments complete).

use wiresift_wire::dtls::{self, DtlsView};
use wiresift_wire::tls::Handshake;
use wiresift_wire::Layer;

fn message(h: &Handshake) {
    let mut s = String::new();
    let _ = (h.message_seq(), h.fragment_offset(), h.fragment_length());
    let _ = (h.is_whole(), h.body().len());
    if let Some(ch) = h.client_hello() {
        ch.write_ja3_full(&mut s);
        let _ = ch.ja4_parts_for('d');
        let _ = (ch.cookie().len(), ch.server_name(), ch.max_version());
    }
    if let Some(sh) = h.server_hello() {
        sh.write_ja3s_full(&mut s);
        let _ = (sh.cipher_suite(), sh.selected_version());
    }
    if let Some(c) = h.certificates() {
        let _ = c.count();
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = dtls::looks_like(data, data.len());
    let _ = dtls::looks_like(data, data.len().saturating_add(7));
    if let Ok(v) = DtlsView::new(data) {
        wiresift_fuzz::walk_fields(&Layer::Dtls(v), data.len());
        let mut s = String::new();
        v.summary(&mut s);
        v.title(&mut s);
        let _ = (v.items().count(), v.records().count(), v.alerts().count());
        let _ = (v.has_change_cipher_spec(), v.record_version());
        for h in v.handshakes() {
            message(&h);
        }
        let (mut messages, mut fragments_at) = (Vec::new(), Vec::new());
        for h in v.handshakes().filter(|h| !h.is_whole()) {
            if dtls::whole_message(h.msg_type(), h.message_seq(), data, &mut messages).is_some() {
                fragments_at.push(h.offset());
            }
        }
        let r = v.with_reassembled(dtls::Reassembled {
            messages: &messages,
            fragments_at: &fragments_at,
        });
        wiresift_fuzz::walk_fields(&Layer::Dtls(r), data.len());
        r.summary(&mut s);
        for h in r.handshakes() {
            message(&h);
        }
    }
    if let Ok(h) = Handshake::new_dtls(data) {
        message(&h);
    }
});
