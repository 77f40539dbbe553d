//! Tests with bytes from real captures, tshark's values for them, built
//! messages, and hostile input.

use super::*;
use crate::testing::{assert_ranges_within, string_of, values};
use proptest::prelude::*;

fn text(v: &TlsView, f: Field) -> String {
    values(FIELDS[f as usize].kind, |out| v.field(f, out)).join(",")
}

fn summary(v: &TlsView) -> String {
    string_of(|s| v.summary(s))
}

/// Everything a sink would do with a view: every field of the table, the
/// summary, the title and the typed accessors. Ranges must lie in the view.
fn exercise(bytes: &[u8]) {
    let Ok(v) = TlsView::new(bytes) else {
        return;
    };
    assert_ranges_within(FIELDS, bytes.len(), |i, out| {
        if let Some(f) = Field::from_index(i) {
            v.field(f, out)
        }
    });
    for (i, d) in FIELDS.iter().enumerate() {
        let _ = values(d.kind, |out| v.field(Field::from_index(i).unwrap(), out));
    }
    let _ = summary(&v);
    let _ = v.is_malformed();
    let _ = v.handshake_types().count();
    let _ = v.certificates().count();
    let _ = v.alerts().count();
    let _ = v.app_data_len();
    if let Some(ch) = v.client_hello() {
        let mut s = String::new();
        ch.write_ja3_full(&mut s);
        let _ = ch.ja4_parts();
        let _ = (ch.server_name(), ch.alpn().count(), ch.max_version());
        let _ = (ch.supported_groups().count(), ch.ec_point_formats());
        let _ = (
            ch.signature_algorithms().count(),
            ch.key_share_groups().count(),
        );
        let _ = (ch.psk_modes(), ch.session_ticket());
        let _ = ClientHelloRepr::parse(&ch);
    }
    if let Some(sh) = v.server_hello() {
        let mut s = String::new();
        sh.write_ja3s_full(&mut s);
        let _ = (sh.selected_version(), sh.alpn(), sh.cipher_suite());
        let _ = ServerHelloRepr::parse(&sh);
    }
}

/// TLS 1.2 ClientHello, SNI www.cloudflare.com, ALPN h2 and http/1.1 (arkime__tls-alpn-h2.pcap, frame 4: the TCP payload, 237 bytes).
const CLIENT_HELLO_ALPN: [u8; 237] = [
    0x16, 0x03, 0x01, 0x00, 0xe8, 0x01, 0x00, 0x00, 0xe4, 0x03, 0x03, 0x85, 0x82, 0x26, 0xc0, 0x4f,
    0xba, 0xed, 0xde, 0xf4, 0x24, 0x60, 0x93, 0xb4, 0xcf, 0xda, 0xb3, 0x8f, 0x9d, 0xcf, 0xef, 0x14,
    0x53, 0x60, 0xe4, 0x17, 0x68, 0x65, 0x75, 0xca, 0xc4, 0x9c, 0x70, 0x00, 0x00, 0x5c, 0xc0, 0x30,
    0xc0, 0x2c, 0xc0, 0x28, 0xc0, 0x24, 0xc0, 0x14, 0xc0, 0x0a, 0x00, 0x9f, 0x00, 0x6b, 0x00, 0x39,
    0xcc, 0xa9, 0xcc, 0xa8, 0xcc, 0xaa, 0xff, 0x85, 0x00, 0xc4, 0x00, 0x88, 0x00, 0x81, 0x00, 0x9d,
    0x00, 0x3d, 0x00, 0x35, 0x00, 0xc0, 0x00, 0x84, 0xc0, 0x2f, 0xc0, 0x2b, 0xc0, 0x27, 0xc0, 0x23,
    0xc0, 0x13, 0xc0, 0x09, 0x00, 0x9e, 0x00, 0x67, 0x00, 0x33, 0x00, 0xbe, 0x00, 0x45, 0x00, 0x9c,
    0x00, 0x3c, 0x00, 0x2f, 0x00, 0xba, 0x00, 0x41, 0xc0, 0x11, 0xc0, 0x07, 0x00, 0x05, 0x00, 0x04,
    0xc0, 0x12, 0xc0, 0x08, 0x00, 0x16, 0x00, 0x0a, 0x00, 0xff, 0x01, 0x00, 0x00, 0x5f, 0x00, 0x00,
    0x00, 0x17, 0x00, 0x15, 0x00, 0x00, 0x12, 0x77, 0x77, 0x77, 0x2e, 0x63, 0x6c, 0x6f, 0x75, 0x64,
    0x66, 0x6c, 0x61, 0x72, 0x65, 0x2e, 0x63, 0x6f, 0x6d, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, 0x00,
    0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x0d, 0x00, 0x1c, 0x00,
    0x1a, 0x06, 0x01, 0x06, 0x03, 0xef, 0xef, 0x05, 0x01, 0x05, 0x03, 0x04, 0x01, 0x04, 0x03, 0xee,
    0xee, 0xed, 0xed, 0x03, 0x01, 0x03, 0x03, 0x02, 0x01, 0x02, 0x03, 0x00, 0x10, 0x00, 0x0e, 0x00,
    0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74, 0x74, 0x70, 0x2f, 0x31, 0x2e, 0x31,
];
/// TLS 1.2 ServerHello selecting h2 (its record; a Certificate record, cut, follows) (arkime__tls-alpn-h2.pcap, frame 6: the first 105 bytes of the TCP payload).
const SERVER_HELLO_ALPN: [u8; 105] = [
    0x16, 0x03, 0x03, 0x00, 0x64, 0x02, 0x00, 0x00, 0x60, 0x03, 0x03, 0x5f, 0x02, 0x36, 0xc0, 0x7f,
    0x47, 0xbf, 0xb1, 0x2d, 0xc2, 0xda, 0x70, 0x6e, 0xcb, 0x3f, 0xe7, 0xf9, 0xee, 0xac, 0x99, 0x68,
    0xcc, 0x2d, 0xdf, 0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01, 0x20, 0xb8, 0x9f, 0xf1, 0xab,
    0x69, 0x52, 0x78, 0xc6, 0x9b, 0x8a, 0x73, 0xf7, 0x62, 0x42, 0xef, 0x75, 0x5e, 0x0b, 0x13, 0xdc,
    0x6d, 0x45, 0x9a, 0xaa, 0xa7, 0x84, 0xfe, 0xc9, 0xc2, 0xdf, 0xce, 0x34, 0xcc, 0xa9, 0x00, 0x00,
    0x18, 0x00, 0x00, 0x00, 0x00, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
    0x00, 0x10, 0x00, 0x05, 0x00, 0x03, 0x02, 0x68, 0x32,
];
/// A fatal protocol_version alert in clear (pcpp__Packet++Test-PacketExamples-SSL-AlertClear.pcap, frame 1: the TCP payload).
const ALERT_CLEAR: [u8; 7] = [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46];
/// An encrypted alert (pcpp__Packet++Test-PacketExamples-SSL-AlertEnc.pcap, frame 1: the TCP payload).
const ALERT_ENCRYPTED: [u8; 31] = [
    0x15, 0x03, 0x03, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x94, 0x20, 0x7e,
    0x8f, 0x62, 0x61, 0x47, 0xea, 0x8b, 0xc2, 0xe6, 0x61, 0xff, 0x6d, 0x5a, 0xf6, 0xb1, 0x05,
];
/// ClientKeyExchange, ChangeCipherSpec, encrypted Finished (ndpi__nintendo.pcap, frame 102: the TCP payload).
const CKE_CCS_FINISHED: [u8; 126] = [
    0x16, 0x03, 0x03, 0x00, 0x46, 0x10, 0x00, 0x00, 0x42, 0x41, 0x04, 0x79, 0xa3, 0x6f, 0x55, 0x16,
    0x3f, 0xa7, 0xec, 0xc1, 0x69, 0xf3, 0x85, 0xa9, 0xf7, 0x7f, 0x44, 0x3e, 0x46, 0x41, 0x3a, 0xd4,
    0xb4, 0x5d, 0x73, 0xb3, 0x03, 0x6b, 0xf4, 0xf9, 0x2f, 0x44, 0xeb, 0x83, 0x7d, 0xb0, 0x0a, 0x8e,
    0x19, 0xc1, 0xdf, 0x3d, 0x1f, 0x55, 0x1d, 0xd9, 0xe2, 0x5d, 0xc7, 0x4a, 0xf2, 0x77, 0x06, 0xa7,
    0x67, 0x93, 0xb4, 0x4a, 0x51, 0x2b, 0xa2, 0x5d, 0x64, 0xa2, 0x32, 0x14, 0x03, 0x03, 0x00, 0x01,
    0x01, 0x16, 0x03, 0x03, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xb1, 0xc4,
    0x53, 0x35, 0xbf, 0xf1, 0x6a, 0xd5, 0xeb, 0x98, 0x3a, 0x7a, 0x80, 0xff, 0x9d, 0x5e, 0x35, 0xad,
    0x51, 0xad, 0xc7, 0xa8, 0xe0, 0x2f, 0xa0, 0x8d, 0x65, 0x15, 0xe9, 0xdf, 0xd4, 0xa8,
];
/// TLS 1.3 HelloRetryRequest and a ChangeCipherSpec (ndpi__steam.pcapng, frame 22: the TCP payload).
const HRR_CCS: [u8; 99] = [
    0x16, 0x03, 0x03, 0x00, 0x58, 0x02, 0x00, 0x00, 0x54, 0x03, 0x03, 0xcf, 0x21, 0xad, 0x74, 0xe5,
    0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a,
    0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c, 0x20, 0xd4, 0xc7, 0x1c, 0x87,
    0x7b, 0x1c, 0x51, 0xa6, 0x9b, 0xcf, 0x2d, 0x25, 0xea, 0xdb, 0x4b, 0x73, 0x77, 0x0b, 0xc0, 0x1c,
    0xc6, 0xec, 0x54, 0xf2, 0x00, 0x7b, 0xe8, 0x8c, 0xe7, 0xc2, 0x65, 0x39, 0x13, 0x02, 0x00, 0x00,
    0x0c, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02, 0x00, 0x17, 0x14, 0x03, 0x03,
    0x00, 0x01, 0x01,
];
/// Chrome TLS 1.3 ClientHello with GREASE, SNI www.pinterest.fr (ndpi__pinterest.pcap, frame 8: the TCP payload).
const CLIENT_HELLO_13: [u8; 517] = [
    0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0xec, 0x81, 0x1e, 0x2c, 0xbf,
    0xe5, 0xf3, 0xe2, 0x75, 0xee, 0xbe, 0xe0, 0x51, 0x6b, 0x23, 0xbd, 0xdb, 0x55, 0xe5, 0x3b, 0x4b,
    0x77, 0x38, 0x82, 0x98, 0x83, 0xfa, 0x1a, 0xe2, 0x23, 0xa2, 0xfe, 0x20, 0x7b, 0x48, 0xfa, 0x70,
    0x16, 0xa5, 0xed, 0x79, 0x6c, 0x21, 0x6f, 0xbb, 0x52, 0xea, 0x49, 0x5a, 0x19, 0xce, 0x60, 0x78,
    0x49, 0x4b, 0x79, 0xf2, 0x8e, 0xc7, 0x9c, 0x11, 0xdf, 0x97, 0x83, 0xf8, 0x00, 0x20, 0x2a, 0x2a,
    0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2b, 0xc0, 0x2f, 0xc0, 0x2c, 0xc0, 0x30, 0xcc, 0xa9,
    0xcc, 0xa8, 0xc0, 0x13, 0xc0, 0x14, 0x00, 0x9c, 0x00, 0x9d, 0x00, 0x2f, 0x00, 0x35, 0x01, 0x00,
    0x01, 0x93, 0xda, 0xda, 0x00, 0x00, 0x00, 0x00, 0x00, 0x15, 0x00, 0x13, 0x00, 0x00, 0x10, 0x77,
    0x77, 0x77, 0x2e, 0x70, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x65, 0x73, 0x74, 0x2e, 0x66, 0x72, 0x00,
    0x17, 0x00, 0x00, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x0a, 0x00, 0x08, 0xba, 0xba,
    0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, 0x00, 0x23, 0x00, 0x00,
    0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74, 0x74, 0x70, 0x2f, 0x31,
    0x2e, 0x31, 0x00, 0x05, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x12, 0x00,
    0x10, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05, 0x03, 0x08, 0x05, 0x05, 0x01, 0x08, 0x06, 0x06,
    0x01, 0x00, 0x12, 0x00, 0x00, 0x00, 0x33, 0x00, 0x2b, 0x00, 0x29, 0xba, 0xba, 0x00, 0x01, 0x00,
    0x00, 0x1d, 0x00, 0x20, 0x07, 0x99, 0xee, 0x3b, 0xbd, 0x84, 0x00, 0x69, 0x41, 0x4f, 0xa6, 0xdd,
    0xda, 0xe9, 0x5a, 0x88, 0xb8, 0x62, 0x7a, 0xbb, 0xd4, 0x5a, 0x3c, 0x14, 0x9e, 0xc8, 0xcc, 0xf9,
    0xb0, 0x89, 0x53, 0x04, 0x00, 0x2d, 0x00, 0x02, 0x01, 0x01, 0x00, 0x2b, 0x00, 0x0b, 0x0a, 0x4a,
    0x4a, 0x03, 0x04, 0x03, 0x03, 0x03, 0x02, 0x03, 0x01, 0x00, 0x1b, 0x00, 0x03, 0x02, 0x00, 0x02,
    0xea, 0xea, 0x00, 0x01, 0x00, 0x00, 0x15, 0x00, 0xcc, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00,
];

#[test]
fn client_hello_tls12_as_tshark_shows_it() {
    let v = TlsView::new(&CLIENT_HELLO_ALPN).unwrap();
    assert_eq!(summary(&v), "Client Hello");
    assert_eq!(string_of(|s| v.title(s)), "Transport Layer Security");
    assert_eq!(text(&v, Field::Record), "1");
    assert_eq!(text(&v, Field::ContentType), "22");
    assert_eq!(text(&v, Field::RecordVersion), "0x0301");
    assert_eq!(text(&v, Field::RecordLength), "232");
    assert_eq!(text(&v, Field::HsType), "1");
    assert_eq!(text(&v, Field::HsLength), "228");
    assert_eq!(text(&v, Field::HsVersion), "0x0303");
    assert_eq!(text(&v, Field::SessionIdLength), "0");
    assert_eq!(text(&v, Field::SessionId), "");
    assert_eq!(text(&v, Field::CipherSuitesLength), "92");
    assert_eq!(text(&v, Field::ServerName), "www.cloudflare.com");
    assert_eq!(text(&v, Field::ServerNameLen), "18");
    assert_eq!(text(&v, Field::AlpnStr), "h2,http/1.1");
    assert_eq!(text(&v, Field::ExtType), "0,11,10,13,16");
    assert_eq!(text(&v, Field::SupportedGroup), "0x001d,0x0017,0x0018");
    assert_eq!(text(&v, Field::EcPointFormat), "0");
    assert_eq!(text(&v, Field::CompMethod), "0");
    assert!(text(&v, Field::SigHashAlg).starts_with("0x0601,0x0603,0xefef,"));
    let ch = v.client_hello().unwrap();
    assert_eq!(ch.server_name(), Some(&b"www.cloudflare.com"[..]));
    assert_eq!(ch.alpn().collect::<Vec<_>>(), [&b"h2"[..], b"http/1.1"]);
    assert_eq!(ch.cipher_suites().count(), 46);
    assert_eq!(ch.max_version(), version::TLS12);
    let mut ja3 = String::new();
    ch.write_ja3_full(&mut ja3);
    assert_eq!(
        ja3,
        "771,49200-49196-49192-49188-49172-49162-159-107-57-52393-52392-52394-65413-196-136-\
         129-157-61-53-192-132-49199-49195-49191-49187-49171-49161-158-103-51-190-69-156-60-\
         47-186-65-49169-49159-5-4-49170-49160-22-10-255,0-11-10-13-16,29-23-24,0"
    );
    assert!(!v.is_malformed());
    exercise(&CLIENT_HELLO_ALPN);
}

#[test]
fn server_hello_tls12() {
    let v = TlsView::new(&SERVER_HELLO_ALPN).unwrap();
    assert_eq!(summary(&v), "Server Hello");
    assert_eq!(text(&v, Field::HsType), "2");
    assert_eq!(text(&v, Field::CipherSuite), "0xcca9");
    assert_eq!(text(&v, Field::AlpnStr), "h2");
    assert_eq!(text(&v, Field::SessionIdLength), "32");
    assert_eq!(text(&v, Field::ExtType), "0,65281,11,16");
    assert_eq!(text(&v, Field::RenegInfoLen), "0");
    // No comp_methods_length in a ServerHello, as in tshark.
    assert_eq!(text(&v, Field::CompMethodsLength), "");
    let sh = v.server_hello().unwrap();
    assert_eq!(sh.alpn(), Some(&b"h2"[..]));
    assert_eq!(sh.negotiated_version(), version::TLS12);
    let mut ja3s = String::new();
    sh.write_ja3s_full(&mut ja3s);
    assert_eq!(ja3s, "771,52393,0-65281-11-16");
}

#[test]
fn client_hello_tls13_with_grease() {
    let v = TlsView::new(&CLIENT_HELLO_13).unwrap();
    assert_eq!(summary(&v), "Client Hello");
    assert_eq!(text(&v, Field::ServerName), "www.pinterest.fr");
    assert_eq!(
        text(&v, Field::SupportedVersion),
        "0x4a4a,0x0304,0x0303,0x0302,0x0301"
    );
    assert_eq!(
        text(&v, Field::ExtType),
        "56026,0,23,65281,10,11,35,16,5,13,18,51,45,43,27,60138,21"
    );
    // GREASE and session_ticket extensions show their (empty) data.
    assert_eq!(text(&v, Field::ExtData), "<MISSING>,<MISSING>,00");
    assert_eq!(
        text(&v, Field::SigHashAlg),
        "0x0403,0x0804,0x0401,0x0503,0x0805,0x0501,0x0806,0x0601"
    );
    let ch = v.client_hello().unwrap();
    assert_eq!(ch.max_version(), version::TLS13);
    let mut ja3 = String::new();
    ch.write_ja3_full(&mut ja3);
    assert_eq!(
        ja3,
        "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,\
         0-23-65281-10-11-35-16-5-13-18-51-45-43-27-21,29-23-24,0"
    );
    let ja4 = ch.ja4_parts();
    assert_eq!(ja4.prefix, "t13d1515h2");
    assert_eq!(
        ja4.ciphers,
        "002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9"
    );
    assert_eq!(
        ja4.extensions,
        "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,ff01_\
         0403,0804,0401,0503,0805,0501,0806,0601"
    );
    assert_eq!(
        ch.key_share_groups().map(|(g, _)| g).collect::<Vec<_>>(),
        [0xbaba, 0x001d]
    );
    assert_eq!(ch.psk_modes(), [1]);
    exercise(&CLIENT_HELLO_13);
}

#[test]
fn hello_retry_request_and_ccs() {
    let v = TlsView::new(&HRR_CCS).unwrap();
    assert_eq!(summary(&v), "Hello Retry Request, Change Cipher Spec");
    assert_eq!(text(&v, Field::ContentType), "22,20");
    assert_eq!(text(&v, Field::HsType), "2");
    assert_eq!(text(&v, Field::SupportedVersion), "0x0304");
    assert_eq!(text(&v, Field::KeyShareSelectedGroup), "23");
    assert_eq!(text(&v, Field::KeyShareGroup), "");
    assert_eq!(text(&v, Field::ChangeCipherSpec), "1");
    // TLS 1.3: tshark does not split the random.
    assert_eq!(text(&v, Field::RandomBytes), "");
    let sh = v.server_hello().unwrap();
    assert!(sh.is_hello_retry_request());
    let mut ja3s = String::new();
    sh.write_ja3s_full(&mut ja3s);
    assert_eq!(ja3s, "771,4866,43-51");
}

#[test]
fn alerts_clear_and_encrypted() {
    let v = TlsView::new(&ALERT_CLEAR).unwrap();
    assert_eq!(
        summary(&v),
        "Alert (Level: Fatal, Description: Protocol Version)"
    );
    assert_eq!(text(&v, Field::AlertLevel), "2");
    assert_eq!(text(&v, Field::AlertDesc), "70");
    assert_eq!(v.alerts().collect::<Vec<_>>(), [(2, 70)]);
    let v = TlsView::new(&ALERT_ENCRYPTED).unwrap();
    assert_eq!(summary(&v), "Encrypted Alert");
    assert_eq!(text(&v, Field::Alert), "1");
    assert_eq!(text(&v, Field::AlertLevel), "");
    assert_eq!(v.alerts().count(), 0);
}

#[test]
fn encrypted_finished_after_ccs() {
    let v = TlsView::new(&CKE_CCS_FINISHED).unwrap();
    assert_eq!(
        summary(&v),
        "Client Key Exchange, Change Cipher Spec, Encrypted Handshake Message"
    );
    assert_eq!(text(&v, Field::ContentType), "22,20,22");
    assert_eq!(text(&v, Field::RecordLength), "70,1,40");
    assert_eq!(text(&v, Field::HsType), "16");
    assert_eq!(text(&v, Field::Handshake), "1,1");
    assert!(v.has_change_cipher_spec());
    // The engine knows the sender's CCS came in an earlier frame: the
    // first record is then taken as encrypted too.
    let s = Session {
        version: 0,
        ccs_seen: true,
    };
    let v = TlsView::new(&CKE_CCS_FINISHED).unwrap().with_session(s);
    assert_eq!(
        summary(&v),
        "Encrypted Handshake Message, Change Cipher Spec, Encrypted Handshake Message"
    );
}

#[test]
fn tls13_session_shows_opaque_type() {
    let mut b = Vec::new();
    RecordRepr {
        content_type: content_type::APPLICATION_DATA,
        version: version::TLS12,
        body: vec![0xaa; 20],
    }
    .emit(&mut b);
    let v = TlsView::new(&b).unwrap();
    assert_eq!(text(&v, Field::ContentType), "23");
    assert_eq!(text(&v, Field::OpaqueType), "");
    assert_eq!(summary(&v), "Application Data");
    assert_eq!(text(&v, Field::AppData), "aa".repeat(20));
    let v = v.with_session(Session {
        version: version::TLS13,
        ccs_seen: false,
    });
    assert_eq!(text(&v, Field::ContentType), "");
    assert_eq!(text(&v, Field::OpaqueType), "23");
}

/// A Certificate message cut over two records of one view: tshark shows
/// the first piece as a fragment and the message at its last piece
/// (checked against tshark 4.0 on a crafted capture).
#[test]
fn handshake_message_over_two_records() {
    let cert = CertificateRepr {
        certificates: vec![vec![0x30, 0x82, 0x00, 0x10], (0..16).collect()],
    };
    let mut msg = Vec::new();
    cert.emit(&mut msg);
    for cut in [2, 10] {
        let (a, b) = msg.split_at(cut);
        let mut bytes = Vec::new();
        RecordRepr::handshake(version::TLS12, a.to_vec()).emit(&mut bytes);
        RecordRepr::handshake(version::TLS12, b.to_vec()).emit(&mut bytes);
        RecordRepr::handshake(version::TLS12, vec![14, 0, 0, 0]).emit(&mut bytes);
        let v = TlsView::new(&bytes).unwrap();
        assert_eq!(
            summary(&v),
            "[Certificate Fragment], Certificate, Server Hello Done"
        );
        assert_eq!(text(&v, Field::Handshake), "1,1,1,1");
        assert_eq!(text(&v, Field::HsType), "11,14");
        assert_eq!(text(&v, Field::HsLength), format!("{},0", msg.len() - 4));
        assert_eq!(v.handshake_types().collect::<Vec<_>>(), [11, 14]);
        exercise(&bytes);
    }
}

#[test]
fn certificates_are_der_slices() {
    let der1 = vec![0x30, 0x03, 0x02, 0x01, 0x05];
    let der2 = vec![0x30, 0x00];
    let mut msgs = Vec::new();
    CertificateRepr {
        certificates: vec![der1.clone(), der2.clone()],
    }
    .emit(&mut msgs);
    let mut bytes = Vec::new();
    RecordRepr::handshake(version::TLS12, msgs).emit(&mut bytes);
    let v = TlsView::new(&bytes).unwrap();
    assert_eq!(v.certificates().collect::<Vec<_>>(), [&der1[..], &der2[..]]);
    assert_eq!(text(&v, Field::CertificatesLength), "13");
    assert_eq!(text(&v, Field::CertificateLength), "5,2");
    assert_eq!(text(&v, Field::Certificate), "3003020105,3000");
    assert_eq!(summary(&v), "Certificate");
}

#[test]
fn framing() {
    assert_eq!(pdu_len(&CLIENT_HELLO_ALPN), Pdu::Whole(237));
    assert_eq!(pdu_len(&CLIENT_HELLO_ALPN[..100]), Pdu::Need(237));
    assert_eq!(pdu_len(&CLIENT_HELLO_ALPN[..3]), Pdu::Need(5));
    assert_eq!(pdu_len(&[]), Pdu::Need(5));
    assert_eq!(pdu_len(&[0x17]), Pdu::Need(5));
    assert_eq!(pdu_len(b"GET / HTTP/1.1\r\n"), Pdu::NotMine);
    assert_eq!(pdu_len(&[0x16, 0x02, 0x00, 0x00, 0x01]), Pdu::NotMine);
    assert!(looks_like(&CLIENT_HELLO_ALPN));
    assert!(looks_like(&ALERT_CLEAR));
    assert!(!looks_like(&[0x16, 0x03, 0x05, 0x00, 0x10]));
    assert!(!looks_like(&[0x16, 0x03, 0x01, 0xff, 0xff]));
    assert!(!looks_like(&[0x16, 0x03, 0x01]));
    assert!(!looks_like(b"\x80\x2e\x01\x03\x01"));
    assert_eq!(whole_records_len(&CKE_CCS_FINISHED), 126);
    assert_eq!(whole_records_len(&CKE_CCS_FINISHED[..120]), 81);
    assert_eq!(whole_records_len(&HRR_CCS), 99);
    assert_eq!(
        TlsView::new(&CLIENT_HELLO_ALPN[..4]).unwrap_err(),
        Error::Truncated { needed: 5, got: 4 }
    );
    assert!(TlsView::new(b"HTTP/1.1 200 OK").is_err());
}

#[test]
fn grease() {
    assert!(is_grease(0x0a0a) && is_grease(0xfafa) && is_grease(0x4a4a));
    assert!(!is_grease(0x0a1a) && !is_grease(0x1301) && !is_grease(0));
}

/// A ClientHello body with these extensions (already emitted).
fn hello_with_raw_extensions(exts: &[u8], ext_len: usize) -> Vec<u8> {
    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&[7; 32]);
    body.push(0);
    body.extend_from_slice(&[0, 2, 0x13, 0x01, 1, 0]);
    body.extend_from_slice(&(ext_len as u16).to_be_bytes());
    body.extend_from_slice(exts);
    let mut msg = Vec::new();
    repr::emit_handshake(&mut msg, handshake_type::CLIENT_HELLO, &body);
    let mut bytes = Vec::new();
    RecordRepr::handshake(version::TLS12, msg).emit(&mut bytes);
    bytes
}

#[test]
fn hostile_record_length_past_the_end() {
    let b = [22, 3, 3, 0xff, 0xff, 1, 0, 0];
    let v = TlsView::new(&b).unwrap();
    assert_eq!(text(&v, Field::RecordLength), "65535");
    assert_eq!(summary(&v), "[Client Hello Fragment]");
    assert_eq!(pdu_len(&b), Pdu::Need(65540));
    exercise(&b);
}

#[test]
fn hostile_handshake_length_past_the_record() {
    let b = [22, 3, 1, 0, 8, 1, 0, 0xff, 0xff, 3, 3, 0, 0];
    let v = TlsView::new(&b).unwrap();
    assert_eq!(summary(&v), "[Client Hello Fragment]");
    assert_eq!(text(&v, Field::HsType), "");
    assert_eq!(v.client_hello(), None);
    exercise(&b);
}

#[test]
fn hostile_extension_lengths_lie() {
    // Extension block claims more than the message has: no extensions.
    let ext = [0, 0, 0, 3, 0, 1, 0];
    let v_bytes = hello_with_raw_extensions(&ext, 200);
    let v = TlsView::new(&v_bytes).unwrap();
    assert_eq!(text(&v, Field::ExtensionsLength), "200");
    assert_eq!(text(&v, Field::ExtType), "");
    exercise(&v_bytes);
    // One extension claims more than the block: its type and length, then
    // nothing.
    let ext = [0, 16, 0, 50, 0, 3, 2, b'h', b'2', 0, 23, 0, 0];
    let v_bytes = hello_with_raw_extensions(&ext, ext.len());
    let v = TlsView::new(&v_bytes).unwrap();
    assert_eq!(text(&v, Field::ExtType), "16");
    assert_eq!(text(&v, Field::ExtLen), "50");
    assert_eq!(text(&v, Field::AlpnStr), "");
    exercise(&v_bytes);
    // The ALPN list claims more than its extension.
    let ext = [0, 16, 0, 5, 0, 9, 2, b'h', b'2', 0, 23, 0, 0];
    let v_bytes = hello_with_raw_extensions(&ext, ext.len());
    let v = TlsView::new(&v_bytes).unwrap();
    assert_eq!(text(&v, Field::ExtType), "16,23");
    assert_eq!(text(&v, Field::AlpnLen), "9");
    assert_eq!(text(&v, Field::AlpnStr), "");
    assert_eq!(v.client_hello().unwrap().alpn().count(), 0);
    exercise(&v_bytes);
    // A name longer than its list.
    let ext = [0, 0, 0, 7, 0, 5, 0, 0, 9, b'a', b'b'];
    let v_bytes = hello_with_raw_extensions(&ext, ext.len());
    let v = TlsView::new(&v_bytes).unwrap();
    assert_eq!(text(&v, Field::ServerNameLen), "9");
    assert_eq!(text(&v, Field::ServerName), "");
    assert_eq!(v.client_hello().unwrap().server_name(), None);
    exercise(&v_bytes);
}

#[test]
fn hostile_ten_thousand_tiny_extensions() {
    let mut exts = Vec::new();
    for i in 0..10_000u16 {
        exts.extend_from_slice(&(0x7000 + (i % 8)).to_be_bytes());
        exts.extend_from_slice(&[0, 0]);
    }
    let bytes = hello_with_raw_extensions(&exts, exts.len());
    let v = TlsView::new(&bytes).unwrap();
    let ch = v.client_hello().unwrap();
    assert_eq!(ch.extensions().count(), 10_000);
    assert_eq!(
        values(Kind::Dec, |out| v.field(Field::ExtType, out)).len(),
        10_000
    );
    assert_eq!(ch.ja4_parts().prefix, "t12i019900");
    let mut ja3 = String::new();
    ch.write_ja3_full(&mut ja3);
    assert!(ja3.len() > 50_000);
    exercise(&bytes);
}

#[test]
fn hostile_zero_lengths() {
    for b in [
        &[22, 3, 3, 0, 0][..],
        &[20, 3, 3, 0, 0],
        &[21, 3, 3, 0, 0],
        &[23, 3, 3, 0, 0],
        &[24, 3, 3, 0, 0],
        &[22, 3, 3, 0, 4, 1, 0, 0, 0],
        &[22, 3, 3, 0, 4, 2, 0, 0, 0],
        &[22, 3, 3, 0, 4, 11, 0, 0, 0],
        &[22, 3, 3, 0, 4, 4, 0, 0, 0],
        &[22, 3, 3, 0, 4, 12, 0, 0, 0],
        &[22, 3, 3, 0, 4, 13, 0, 0, 0],
        &[22, 3, 3, 0, 4, 15, 0, 0, 0],
    ] {
        exercise(b);
    }
    let v = TlsView::new(&[23, 3, 3, 0, 0]).unwrap();
    assert_eq!(text(&v, Field::AppData), "<MISSING>");
    // An empty ClientHello: tshark's exception (too short for a version).
    let v = TlsView::new(&[22, 3, 3, 0, 4, 1, 0, 0, 0]).unwrap();
    assert_eq!(summary(&v), "Client Hello");
    assert!(v.is_malformed());
    // A hello whose vectors are all empty.
    let ch = ClientHelloRepr {
        version: version::TLS12,
        random: [0; 32],
        session_id: vec![],
        cipher_suites: vec![],
        compression_methods: vec![],
        extensions: Some(vec![]),
    };
    let mut msg = Vec::new();
    ch.emit(&mut msg);
    let mut b = Vec::new();
    RecordRepr::handshake(version::TLS12, msg).emit(&mut b);
    let v = TlsView::new(&b).unwrap();
    assert_eq!(text(&v, Field::CipherSuitesLength), "0");
    assert_eq!(text(&v, Field::ExtensionsLength), "0");
    assert_eq!(ClientHelloRepr::parse(&v.client_hello().unwrap()), ch);
    exercise(&b);
}

#[test]
fn truncated_everywhere() {
    for lit in [
        &CLIENT_HELLO_ALPN[..],
        &SERVER_HELLO_ALPN,
        &CLIENT_HELLO_13,
        &HRR_CCS,
        &CKE_CCS_FINISHED,
        &ALERT_CLEAR,
    ] {
        for n in 0..=lit.len() {
            exercise(&lit[..n]);
            // A record whose length was patched to what is left.
            if n >= 5 {
                let mut b = lit[..n].to_vec();
                let len = ((n - 5) as u16).to_be_bytes();
                b[3] = len[0];
                b[4] = len[1];
                exercise(&b);
            }
        }
    }
}

fn ext_strategy() -> impl Strategy<Value = ExtensionRepr> {
    prop_oneof![
        (any::<u16>(), proptest::collection::vec(any::<u8>(), 0..20))
            .prop_map(|(typ, data)| ExtensionRepr { typ, data }),
        "[a-z.]{1,20}".prop_map(|h| ExtensionRepr::server_name(h.as_bytes())),
        proptest::collection::vec("[a-z0-9/.]{1,8}", 1..4).prop_map(|ps| {
            let ps: Vec<&[u8]> = ps.iter().map(|p| p.as_bytes()).collect();
            ExtensionRepr::alpn(&ps)
        }),
        proptest::collection::vec(any::<u16>(), 1..5)
            .prop_map(|v| ExtensionRepr::supported_versions(&v)),
        proptest::collection::vec(any::<u16>(), 1..5)
            .prop_map(|v| ExtensionRepr::list16(extension_type::SUPPORTED_GROUPS, &v)),
    ]
}

fn client_hello_strategy() -> impl Strategy<Value = ClientHelloRepr> {
    (
        any::<u16>(),
        any::<[u8; 32]>(),
        proptest::collection::vec(any::<u8>(), 0..=32),
        proptest::collection::vec(any::<u16>(), 1..40),
        proptest::collection::vec(any::<u8>(), 1..4),
        proptest::option::of(proptest::collection::vec(ext_strategy(), 0..8)),
    )
        .prop_map(
            |(version, random, session_id, cipher_suites, compression_methods, extensions)| {
                ClientHelloRepr {
                    version,
                    random,
                    session_id,
                    cipher_suites,
                    compression_methods,
                    extensions,
                }
            },
        )
}

proptest! {
    #[test]
    fn client_hello_round_trip(ch in client_hello_strategy()) {
        let mut msg = Vec::new();
        ch.emit(&mut msg);
        let mut b = Vec::new();
        RecordRepr::handshake(version::TLS12, msg).emit(&mut b);
        let v = TlsView::new(&b).unwrap();
        let got = v.client_hello().unwrap();
        prop_assert_eq!(ClientHelloRepr::parse(&got), ch.clone());
        prop_assert_eq!(summary(&v), "Client Hello");
        let sni = ch.extensions.iter().flatten().find(|e| e.typ == 0).map(|e| e.data.clone());
        if let (Some(d), Some(name)) = (sni, got.server_name()) {
            prop_assert!(d.ends_with(name));
        }
        prop_assert!(!v.is_malformed());
        exercise(&b);
    }

    #[test]
    fn server_hello_round_trip(
        version in any::<u16>(),
        random in any::<[u8; 32]>(),
        session_id in proptest::collection::vec(any::<u8>(), 0..=32),
        cipher_suite in any::<u16>(),
        compression_method in any::<u8>(),
        extensions in proptest::option::of(proptest::collection::vec(ext_strategy(), 0..6)),
    ) {
        let sh = ServerHelloRepr { version, random, session_id, cipher_suite, compression_method, extensions };
        let mut msg = Vec::new();
        sh.emit(&mut msg);
        let mut b = Vec::new();
        RecordRepr::handshake(version::TLS12, msg).emit(&mut b);
        let v = TlsView::new(&b).unwrap();
        prop_assert_eq!(ServerHelloRepr::parse(&v.server_hello().unwrap()), sh);
        exercise(&b);
    }

    #[test]
    fn records_round_trip(records in proptest::collection::vec(
        (20u8..=24, 0x0300u16..=0x0304, proptest::collection::vec(any::<u8>(), 0..300)), 1..6)
    ) {
        let t = TlsRepr {
            records: records.into_iter().map(|(content_type, version, body)| RecordRepr { content_type, version, body }).collect(),
        };
        let mut b = Vec::new();
        t.emit(&mut b);
        prop_assert_eq!(whole_records_len(&b), b.len());
        let v = TlsView::new(&b).unwrap();
        prop_assert_eq!(TlsRepr::parse(&v), t.clone());
        prop_assert_eq!(values(Kind::Dec, |out| v.field(Field::RecordLength, out)).len(), t.records.len());
        exercise(&b);
    }

    #[test]
    fn certificates_round_trip(certs in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..200), 0..5)) {
        let c = CertificateRepr { certificates: certs };
        let mut msg = Vec::new();
        c.emit(&mut msg);
        let mut b = Vec::new();
        RecordRepr::handshake(version::TLS12, msg).emit(&mut b);
        let v = TlsView::new(&b).unwrap();
        let got: Vec<Vec<u8>> = v.certificates().map(|d| d.to_vec()).collect();
        prop_assert_eq!(got, c.certificates);
    }

    #[test]
    fn any_bytes_no_panic(mut b in proptest::collection::vec(any::<u8>(), 0..600), t in 20u8..=24) {
        if !b.is_empty() {
            b[0] = t;
        }
        if b.len() > 1 {
            b[1] = 3;
        }
        exercise(&b);
        let _ = pdu_len(&b);
        let _ = looks_like(&b);
        let _ = whole_records_len(&b);
    }

    #[test]
    fn handshake_records_no_panic(body in proptest::collection::vec(any::<u8>(), 0..400), split in 0usize..400) {
        // Random handshake bodies, whole or split over two records.
        let split = split.min(body.len());
        let mut b = Vec::new();
        RecordRepr::handshake(version::TLS12, body[..split].to_vec()).emit(&mut b);
        RecordRepr::handshake(version::TLS12, body[split..].to_vec()).emit(&mut b);
        exercise(&b);
    }
}

/// ndpi steam.pcapng frame 26: the ServerHello (TLS 1.3, key share secp256r1)
/// that follows a HelloRetryRequest and a ChangeCipherSpec (frame 22) of
/// the same server.
const SERVER_HELLO_AFTER_HRR: [u8; 160] = [
    0x16, 0x03, 0x03, 0x00, 0x9b, 0x02, 0x00, 0x00, 0x97, 0x03, 0x03, 0xee, 0xdb, 0x81, 0xcf, 0x13,
    0xfc, 0xbf, 0x9d, 0x87, 0x33, 0xe4, 0xcd, 0xb1, 0x62, 0x35, 0xf9, 0xa2, 0x9b, 0x7e, 0xb5, 0xb6,
    0xa6, 0x3b, 0xd6, 0x78, 0xdb, 0x60, 0x39, 0xfe, 0xde, 0x74, 0xfe, 0x20, 0xd4, 0xc7, 0x1c, 0x87,
    0x7b, 0x1c, 0x51, 0xa6, 0x9b, 0xcf, 0x2d, 0x25, 0xea, 0xdb, 0x4b, 0x73, 0x77, 0x0b, 0xc0, 0x1c,
    0xc6, 0xec, 0x54, 0xf2, 0x00, 0x7b, 0xe8, 0x8c, 0xe7, 0xc2, 0x65, 0x39, 0x13, 0x02, 0x00, 0x00,
    0x4f, 0x00, 0x33, 0x00, 0x45, 0x00, 0x17, 0x00, 0x41, 0x04, 0x21, 0x81, 0x80, 0x2a, 0xa8, 0x93,
    0xf8, 0x58, 0xa6, 0x0d, 0xe6, 0xe8, 0x94, 0x50, 0x88, 0xfe, 0x39, 0xe0, 0x72, 0x20, 0x06, 0xdc,
    0xd9, 0x8d, 0x60, 0xe6, 0x96, 0x10, 0xe9, 0xc9, 0x58, 0x91, 0xcb, 0x5c, 0xcc, 0xfb, 0xb4, 0x68,
    0xc8, 0x1b, 0x64, 0x71, 0xfc, 0x58, 0x56, 0x30, 0x56, 0xe8, 0x64, 0xb8, 0xaa, 0x12, 0x1a, 0xd3,
    0x9e, 0x22, 0xeb, 0x10, 0x26, 0x51, 0xd3, 0x39, 0x77, 0x69, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
];

#[test]
fn tls13_server_hello_after_ccs_is_clear() {
    // The server's CCS came in an earlier frame, but the session is TLS 1.3
    // (the HelloRetryRequest chose it): tshark reads the ServerHello.
    let s = Session {
        version: version::TLS13,
        ccs_seen: true,
    };
    let v = TlsView::new(&SERVER_HELLO_AFTER_HRR)
        .unwrap()
        .with_session(s);
    assert_eq!(summary(&v), "Server Hello");
    assert_eq!(text(&v, Field::HsType), "2");
    assert_eq!(text(&v, Field::SupportedVersion), "0x0304");
    assert_eq!(text(&v, Field::KeyShareGroup), "23");
}
