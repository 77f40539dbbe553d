use super::*;
use proptest::prelude::*;

use crate::testing::hex;

fn values(v: &WebsocketView, f: Field) -> Vec<String> {
    let kind = FIELDS[f as usize].kind;
    let mut out = Vec::new();
    v.field(f, &mut |val: Value, r: Range<usize>| {
        assert!(r.start <= r.end && r.end <= v.bytes.len(), "{f:?} {r:?}");
        let mut s = String::new();
        val.write_tshark(kind, &mut s);
        out.push(s);
    });
    out
}

fn one(v: &WebsocketView, f: Field) -> String {
    values(v, f).join(",")
}

fn info(v: &WebsocketView) -> String {
    let mut s = String::new();
    v.summary(&mut s);
    s
}

// suricata__websocket-ping-input.pcap frames 8 (ping) and 9 (text).
const PING_EMPTY: &str = "8900";
const TEXT_WHO: &str = "81052277686f22";
// zeek__websocket-message-too-big-status.pcap frames 8 (ping "Zeek"),
// 10 (masked close 1009 with a reason) and 11 (close 1000).
const PING_ZEEK: &str = "89045a65656b";
const CLOSE_MASKED: &str =
    "889fbd070557bef66a21d8752524d47d6077d16e683ec9272d639d3925659d657c23d8742c";
const CLOSE_1000: &str = "880203e8";
// zeek__websocket-wstunnel-http.pcap frame 9: a binary frame with a 16-bit length (409).
const BINARY_16_HEAD: &str = "827e0199";

#[test]
fn real_frames() {
    let b = hex(PING_EMPTY);
    let v = WebsocketView::new(&b).unwrap();
    assert_eq!(pdu_len(&b), Pdu::Whole(2));
    assert_eq!(one(&v, Field::Fin), "1");
    assert_eq!(one(&v, Field::Rsv), "0x00");
    assert_eq!(one(&v, Field::Opcode), "9");
    assert_eq!(one(&v, Field::Mask), "0");
    assert_eq!(one(&v, Field::PayloadLength), "0");
    assert!(values(&v, Field::Payload).is_empty());
    assert_eq!(info(&v), "Ping [FIN]");

    let b = hex(TEXT_WHO);
    let v = WebsocketView::new(&b).unwrap();
    assert_eq!(one(&v, Field::Opcode), "1");
    assert_eq!(one(&v, Field::PayloadLength), "5");
    assert_eq!(one(&v, Field::Payload), "1");
    assert_eq!(one(&v, Field::PayloadText), "\"who\"");
    assert_eq!(info(&v), "Text [FIN]");

    let b = hex(PING_ZEEK);
    let v = WebsocketView::new(&b).unwrap();
    assert_eq!(one(&v, Field::PayloadPing), "5a65656b");

    let b = hex(CLOSE_MASKED);
    assert_eq!(pdu_len(&b), Pdu::Whole(b.len()));
    let v = WebsocketView::new(&b).unwrap();
    assert_eq!(one(&v, Field::Mask), "1");
    assert_eq!(one(&v, Field::PayloadLength), "31");
    assert_eq!(one(&v, Field::MaskingKey), "bd070557");
    assert_eq!(one(&v, Field::Payload), "1");
    assert_eq!(one(&v, Field::MaskedPayload), "1");
    assert_eq!(one(&v, Field::CloseStatusCode), "1009");
    assert_eq!(v.close_code(), Some(1009));
    let mut plain = Vec::new();
    v.unmask_into(&mut plain);
    assert_eq!(&plain[..2], &1009u16.to_be_bytes());
    assert_eq!(plain.len(), 31);
    assert!(plain[2..]
        .iter()
        .all(|c| c.is_ascii_graphic() || *c == b' '));
    assert_eq!(info(&v), "Connection Close [FIN] [MASKED]");
    assert_eq!(
        WebsocketRepr::parse(&v).payload,
        v.unmasked().collect::<Vec<_>>()
    );

    let b = hex(CLOSE_1000);
    let v = WebsocketView::new(&b).unwrap();
    assert_eq!(one(&v, Field::CloseStatusCode), "1000");
    assert!(values(&v, Field::CloseReason).is_empty());

    let b = hex(BINARY_16_HEAD);
    assert_eq!(pdu_len(&b), Pdu::Need(4 + 409));
    let v = WebsocketView::new(&b).unwrap();
    assert_eq!(one(&v, Field::PayloadLength), "126");
    assert_eq!(one(&v, Field::PayloadLengthExt16), "409");
    assert!(!v.is_complete());
}

#[test]
fn accept_key_rfc6455_example() {
    assert_eq!(
        &accept_for(b"dGhlIHNhbXBsZSBub25jZQ=="),
        b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );
    assert!(accept_ok(
        b" dGhlIHNhbXBsZSBub25jZQ==",
        b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\t"
    ));
    assert!(!accept_ok(b"dGhlIHNhbXBsZSBub25jZQ==", b"wrong"));
}

#[test]
fn sha1_known_answers() {
    let h = |d: &[u8]| {
        let mut s = Sha1::new();
        s.update(d);
        s.finish()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    assert_eq!(h(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    assert_eq!(h(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    assert_eq!(
        h(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
    );
    assert_eq!(h(&[b'a'; 1000]), "291e9a6c66994949b57ba5e650361e98fc36b1ba");
}

#[test]
fn hostile_lengths() {
    // 64-bit length over the cap, and with the top bit set.
    let big = [0x82, 0x7f, 0, 0, 0, 0, 0x01, 0, 0, 1];
    assert_eq!(pdu_len(&big), Pdu::NotMine);
    assert!(WebsocketView::new(&big).is_err());
    let huge = [0x82, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    assert_eq!(pdu_len(&huge), Pdu::NotMine);
    assert!(WebsocketView::new(&huge).is_err());
    // Just under the cap: wait for it.
    let n = (MAX_FRAME - 10) as u64;
    let mut ok = vec![0x82, 0x7f];
    ok.extend_from_slice(&n.to_be_bytes());
    assert_eq!(pdu_len(&ok), Pdu::Need(MAX_FRAME));
    // Header cut short.
    assert_eq!(pdu_len(&[]), Pdu::Need(2));
    assert_eq!(pdu_len(&[0x81]), Pdu::Need(2));
    assert_eq!(pdu_len(&[0x81, 0xfe, 0]), Pdu::Need(8));
    assert_eq!(pdu_len(&[0x81, 0x85, 1, 2]), Pdu::Need(6));
    assert!(WebsocketView::new(&[0x81, 0x85, 1, 2]).is_err());
    // A length that lies (more than is here): the view shows what is here.
    let v = WebsocketView::new(&[0x81, 0x05, b'h', b'i']).unwrap();
    assert_eq!(one(&v, Field::PayloadText), "hi");
    assert!(!v.is_complete());
    assert!(!looks_like(b"\x81\x05hello"));
}

#[test]
fn long_forms_round_trip() {
    for n in [125usize, 126, 65535, 65536, 70000] {
        let r = WebsocketRepr {
            fin: false,
            rsv: 4,
            opcode: 0,
            mask: Some([1, 2, 3, 4]),
            payload: (0..n).map(|i| i as u8).collect(),
        };
        let mut buf = Vec::new();
        r.emit(&mut buf);
        let v = WebsocketView::new(&buf).unwrap();
        assert_eq!(WebsocketRepr::parse(&v), r);
        assert!(v.is_fragment());
        let ext = if n < 126 {
            0
        } else if n <= 65535 {
            2
        } else {
            8
        };
        assert_eq!(v.header_len(), 2 + ext + 4);
        if n > 65535 {
            assert_eq!(one(&v, Field::PayloadLengthExt64), n.to_string());
        }
    }
}

#[test]
fn every_cut_of_real_frames() {
    for h in [
        TEXT_WHO,
        PING_ZEEK,
        CLOSE_MASKED,
        CLOSE_1000,
        BINARY_16_HEAD,
    ] {
        let b = hex(h);
        for cut in 0..=b.len() {
            let s = &b[..cut];
            let _ = pdu_len(s);
            if let Ok(v) = WebsocketView::new(s) {
                for f in 0..FIELDS.len() {
                    values(&v, Field::from_index(f).unwrap());
                }
                info(&v);
                let _ = (v.close_code(), v.unmasked().count());
            }
        }
    }
}

proptest! {
    #[test]
    fn build_then_parse(fin: bool, rsv in 0u8..8, op in 0u8..16, mask: Option<[u8; 4]>,
                        payload in proptest::collection::vec(any::<u8>(), 0..400)) {
        let r = WebsocketRepr { fin, rsv, opcode: op, mask, payload };
        let mut buf = Vec::new();
        r.emit(&mut buf);
        prop_assert_eq!(pdu_len(&buf), Pdu::Whole(buf.len()));
        let v = WebsocketView::new(&buf).unwrap();
        prop_assert_eq!(WebsocketRepr::parse(&v), r);
    }

    #[test]
    fn arbitrary_bytes(b in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = pdu_len(&b);
        if let Ok(v) = WebsocketView::new(&b) {
            for f in 0..FIELDS.len() {
                values(&v, Field::from_index(f).unwrap());
            }
            info(&v);
        }
    }
}
