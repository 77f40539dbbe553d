//! Tests with bytes from real captures (UDP payloads), tshark 4.0's values
//! for them, and hostile input.

use super::*;
use crate::testing::{assert_ranges_within, hex, string_of, values};
use proptest::prelude::*;

fn text(v: &DtlsView, f: Field) -> String {
    values(FIELDS[f as usize].kind, |out| v.field(f, out)).join(",")
}

fn summary(v: &DtlsView) -> String {
    string_of(|s| v.summary(s))
}

/// arkime__wireshark-dtls0.pcap frame 1: a ClientHello of OpenSSL's
/// pre-RFC DTLS 1.0 (0x0100), no cookie yet.
const CLIENT_HELLO_0100: &str = "1601000000000000000000006a0100005e000000000000005e0100448d75287c77401e8ac822a0a018ff9308caac0a642fc92264bc08a81689193f0000003600390038003500160013000a00330032002f0007006600050004006300620061001500120009006500640060001400110008000600030100";
/// arkime__wireshark-dtls0.pcap frame 2: HelloVerifyRequest, empty cookie.
const HELLO_VERIFY: &str = "1601000000000000000000000f030000030000000000000003010000";
/// ndpi__dtls_session_id_and_coockie_both.pcap frame 3: a DTLS 1.2
/// ClientHello with a 32-byte session id and a 20-byte cookie.
const CLIENT_HELLO_COOKIE: &str = "16fefd0000000000000001006a0100005e000100000000005efefd3fc15b397b7c6648012efa02ef69e2fac74534c631c046fe86fb3fb2ff4bd41d203832002f8393c761e3b64aae0df27f5c9b5716b19e1f7e852712a5a45e6d493e141c0efc217010049e0680531d364ee05eaa42a69e0002c02c0100";
/// zeek__tls-dtls-sequence-number-jumps.pcap frames 1 and 2: the first
/// two of a ClientHello's three fragments (record sequence 0 and 128).
const FRAGMENT_1: &str = "16fefd0000000000000000002701000051000000000000001bfefdf2d120880f75811062381f06abf371f75899aea4af864c6383";
const FRAGMENT_2: &str = "16fefd0000000000000080002701000051000000001b00001b0b9b3ac7a09a710000000a130113021303c02bc02f0100001d002b";
/// arkime__wireshark-dtls0.pcap frame 6: ChangeCipherSpec, then the
/// Finished in epoch 1 (two records in one datagram).
const CCS_FINISHED: &str = "1401000000000000000004000301000416010000010000000000000040096b6bb4cf9feca53560563ca7b14306638480d66dab427fe060a8c27444b57188dad233f2ead83a162fa2ba6802f314499c7987e3c79f0e1553271e4c09492a";

const ALL: &[&str] = &[
    CLIENT_HELLO_0100,
    HELLO_VERIFY,
    CLIENT_HELLO_COOKIE,
    FRAGMENT_1,
    FRAGMENT_2,
    CCS_FINISHED,
];

#[test]
fn client_hello_as_tshark_shows_it() {
    let b = hex(CLIENT_HELLO_0100);
    let v = DtlsView::new(&b).unwrap();
    assert_eq!(summary(&v), "Client Hello");
    assert_eq!(text(&v, Field::ContentType), "22");
    assert_eq!(text(&v, Field::RecordVersion), "0x0100");
    assert_eq!(text(&v, Field::Epoch), "0");
    assert_eq!(text(&v, Field::SequenceNumber), "0");
    assert_eq!(text(&v, Field::RecordLength), "106");
    assert_eq!(text(&v, Field::HsType), "1");
    assert_eq!(text(&v, Field::HsLength), "94");
    assert_eq!(text(&v, Field::MessageSeq), "0");
    assert_eq!(text(&v, Field::FragmentOffset), "0");
    assert_eq!(text(&v, Field::FragmentLength), "94");
    assert_eq!(text(&v, Field::HsVersion), "0x0100");
    assert_eq!(text(&v, Field::SessionIdLength), "0");
    assert_eq!(text(&v, Field::CookieLength), "0");
    assert_eq!(text(&v, Field::Cookie), "");
    assert_eq!(text(&v, Field::CipherSuitesLength), "54");
    assert_eq!(
        values(Kind::Hex(4), |out| v.field(Field::CipherSuite, out)).len(),
        27
    );
    assert!(text(&v, Field::CipherSuite).starts_with("0x0039,0x0038,0x0035,"));
    assert_eq!(text(&v, Field::CompMethod), "0");
    let ch = v.client_hello().unwrap();
    assert!(ch.is_dtls());
    assert!(ch.cookie().is_empty());
    // tshark's JA3 string for it.
    let mut ja3 = String::new();
    ch.write_ja3_full(&mut ja3);
    assert_eq!(
        ja3,
        "256,57-56-53-22-19-10-51-50-47-7-102-5-4-99-98-97-21-18-9-101-100-96-20-17-8-6-3,,,"
    );
}

#[test]
fn client_hello_with_session_id_and_cookie() {
    let b = hex(CLIENT_HELLO_COOKIE);
    let v = DtlsView::new(&b).unwrap();
    assert_eq!(text(&v, Field::RecordVersion), "0xfefd");
    assert_eq!(text(&v, Field::SequenceNumber), "1");
    assert_eq!(text(&v, Field::MessageSeq), "1");
    assert_eq!(text(&v, Field::SessionIdLength), "32");
    assert_eq!(text(&v, Field::CookieLength), "20");
    assert_eq!(
        text(&v, Field::Cookie),
        "1c0efc217010049e0680531d364ee05eaa42a69e"
    );
    assert_eq!(text(&v, Field::CipherSuite), "0xc02c");
    let ch = v.client_hello().unwrap();
    assert_eq!(ch.session_id().len(), 32);
    assert_eq!(ch.cookie().len(), 20);
    assert_eq!(ch.cipher_suites().collect::<Vec<_>>(), [0xc02c]);
    assert_eq!(ch.ja4_parts_for('d').prefix, "dd2i010000");
}

#[test]
fn hello_verify_request() {
    let b = hex(HELLO_VERIFY);
    let v = DtlsView::new(&b).unwrap();
    assert_eq!(summary(&v), "Hello Verify Request");
    assert_eq!(text(&v, Field::HsType), "3");
    assert_eq!(text(&v, Field::HsVersion), "0x0100");
    assert_eq!(text(&v, Field::CookieLength), "0");
}

#[test]
fn fragments_show_their_header_only() {
    for (s, off) in [(FRAGMENT_1, "0"), (FRAGMENT_2, "27")] {
        let b = hex(s);
        let v = DtlsView::new(&b).unwrap();
        assert_eq!(summary(&v), "Client Hello (Fragment)");
        assert_eq!(text(&v, Field::HsLength), "81");
        assert_eq!(text(&v, Field::FragmentOffset), off);
        assert_eq!(text(&v, Field::FragmentLength), "27");
        assert_eq!(text(&v, Field::HsVersion), "");
        let h = v.handshakes().next().unwrap();
        assert!(!h.is_whole());
        assert_eq!(h.body().len(), 27);
        assert!(v.client_hello().is_none());
    }
    let b = hex(FRAGMENT_2);
    assert_eq!(
        text(&DtlsView::new(&b).unwrap(), Field::SequenceNumber),
        "128"
    );
}

#[test]
fn change_cipher_spec_then_encrypted_finished() {
    let b = hex(CCS_FINISHED);
    let v = DtlsView::new(&b).unwrap();
    assert_eq!(
        summary(&v),
        "Change Cipher Spec, Encrypted Handshake Message"
    );
    assert_eq!(text(&v, Field::ContentType), "20,22");
    assert_eq!(text(&v, Field::Epoch), "0,1");
    // OpenSSL's pre-RFC ChangeCipherSpec has 3 bytes.
    assert_eq!(text(&v, Field::RecordLength), "3,64");
    assert_eq!(text(&v, Field::HsType), "");
    assert!(v.has_change_cipher_spec());
    assert_eq!(v.records().count(), 2);
}

#[test]
fn heuristic_is_tsharks() {
    for s in ALL {
        let b = hex(s);
        assert!(looks_like(&b, b.len()), "{s}");
        // The records' lengths must lead to the datagram's end.
        assert!(!looks_like(&b, b.len() + 1), "{s}");
        // Cut by the capture's snap length: the datagram goes on.
        assert!(looks_like(&b[..20], b.len()), "{s}");
    }
    // A TLS record header, a STUN Binding Request (zeek__tls-webrtc-stun
    // frame 1), an empty datagram.
    let tls = hex("16030100050100000100");
    assert!(!looks_like(&tls, tls.len()));
    let stun = hex("000100542112a4425563596e5a4a6f4e4e4b4f34");
    assert!(!looks_like(&stun, 108));
    assert!(!looks_like(&[], 0));
    assert!(DtlsView::new(&tls).is_err());
}

#[test]
fn every_tls_field_but_opaque_type_has_a_dtls_name() {
    for (i, d) in tls::FIELDS.iter().enumerate() {
        let f = tls::Field::from_index(i).unwrap();
        match from_tls(f) {
            Some(g) => assert_eq!(
                FIELDS[g as usize].name.strip_prefix("dtls."),
                d.name.strip_prefix("tls."),
                "{}",
                d.name
            ),
            None => assert_eq!(d.name, "tls.record.opaque_type"),
        }
    }
}

/// Every field and the summary of a view over `bytes`, with ranges inside.
fn exercise(bytes: &[u8]) {
    let _ = looks_like(bytes, bytes.len());
    let Ok(v) = DtlsView::new(bytes) else {
        return;
    };
    assert_ranges_within(FIELDS, bytes.len(), |i, out| {
        if let Some(f) = Field::from_index(i) {
            v.field(f, out)
        }
    });
    let _ = summary(&v);
    let _ = v.client_hello().map(|h| h.ja4_parts_for('d'));
    let _ = v.server_hello();
    let _ = v.alerts().count();
}

#[test]
fn every_cut_of_real_datagrams_is_safe() {
    for s in ALL {
        let b = hex(s);
        for n in 0..=b.len() {
            exercise(&b[..n]);
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_after_a_header_are_safe(
        t in 20u8..=25,
        v in prop::sample::select(vec![0xfeffu16, 0xfefd, 0x0100]),
        rest in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut b = vec![t];
        b.extend_from_slice(&v.to_be_bytes());
        b.extend_from_slice(&rest);
        exercise(&b);
    }
}
