use super::*;

use crate::testing::hex;

fn decode(d: &mut Decoder, block: &[u8]) -> Vec<(String, String)> {
    let mut l = HeaderList::default();
    d.decode(block, &mut l).unwrap();
    let h = l.headers(0, l.len());
    h.iter()
        .map(|(_, n, v)| {
            (
                String::from_utf8(n.to_vec()).unwrap(),
                String::from_utf8(v.to_vec()).unwrap(),
            )
        })
        .collect()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// RFC 7541 C.3 (plain) and C.4 (Huffman): three requests on one
/// connection, the table growing.
#[test]
fn rfc7541_c3_c4_requests() {
    let blocks = [
        (
            "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
        ),
        (
            "8286 84be 5808 6e6f 2d63 6163 6865",
            "8286 84be 5886 a8eb 1064 9cbf",
        ),
        (
            "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
            "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
        ),
    ];
    let base = [
        (":method", "GET"),
        (":scheme", "http"),
        (":path", "/"),
        (":authority", "www.example.com"),
    ];
    let want = [
        pairs(&base),
        pairs(&[
            (":method", "GET"),
            (":scheme", "http"),
            (":path", "/"),
            (":authority", "www.example.com"),
            ("cache-control", "no-cache"),
        ]),
        pairs(&[
            (":method", "GET"),
            (":scheme", "https"),
            (":path", "/index.html"),
            (":authority", "www.example.com"),
            ("custom-key", "custom-value"),
        ]),
    ];
    let sizes = [(57, 1), (110, 2), (164, 3)];
    for huffman in [false, true] {
        let mut d = Decoder::new();
        for (i, (plain, coded)) in blocks.iter().enumerate() {
            let b = hex(if huffman { coded } else { plain });
            assert_eq!(decode(&mut d, &b), want[i], "huffman {huffman} block {i}");
            assert_eq!(d.table_size(), sizes[i], "huffman {huffman} block {i}");
        }
    }
}

/// RFC 7541 C.5 (plain) and C.6 (Huffman): three responses with a
/// 256-byte table, entries evicted.
#[test]
fn rfc7541_c5_c6_responses_with_eviction() {
    let blocks = [
        (
            "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
        ),
        ("4803 3330 37c1 c0bf", "4883 640e ffc1 c0bf"),
        (
            "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31",
            "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
        ),
    ];
    let d1 = "Mon, 21 Oct 2013 20:13:21 GMT";
    let d2 = "Mon, 21 Oct 2013 20:13:22 GMT";
    let url = "https://www.example.com";
    let cookie = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";
    let want = [
        pairs(&[
            (":status", "302"),
            ("cache-control", "private"),
            ("date", d1),
            ("location", url),
        ]),
        pairs(&[
            (":status", "307"),
            ("cache-control", "private"),
            ("date", d1),
            ("location", url),
        ]),
        pairs(&[
            (":status", "200"),
            ("cache-control", "private"),
            ("date", d2),
            ("location", url),
            ("content-encoding", "gzip"),
            ("set-cookie", cookie),
        ]),
    ];
    let sizes = [(222, 4), (222, 4), (215, 3)];
    for huffman in [false, true] {
        let mut d = Decoder::new();
        d.table.max = 256;
        for (i, (plain, coded)) in blocks.iter().enumerate() {
            let b = hex(if huffman { coded } else { plain });
            assert_eq!(decode(&mut d, &b), want[i], "huffman {huffman} block {i}");
            assert_eq!(d.table_size(), sizes[i], "huffman {huffman} block {i}");
        }
    }
}

#[test]
fn representations_and_indexes_are_kept() {
    // RFC 7541 C.2.1-C.2.4 in one block (literal with indexing, without,
    // never indexed, indexed).
    let b = hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572 040c 2f73 616d 706c 652f 7061 7468 1008 7061 7373 776f 7264 0673 6563 7265 74 82");
    let mut d = Decoder::new();
    let mut l = HeaderList::default();
    d.decode(&b, &mut l).unwrap();
    let h = l.headers(0, l.len());
    let got: Vec<_> = h.entries().iter().map(|e| (e.repr, e.index)).collect();
    assert_eq!(
        got,
        [
            (Repr::IncrementalNewName, 0),
            (Repr::WithoutIndexedName, 4),
            (Repr::NeverNewName, 0),
            (Repr::Indexed, 2)
        ]
    );
    assert_eq!(d.table_size(), (55, 1));
    assert_eq!(h.get(b"password"), Some(&b"secret"[..]));
}

#[test]
fn size_updates_are_bounded_and_first() {
    let mut d = Decoder::new();
    let mut l = HeaderList::default();
    // 3f e1 5f: an update to 12288 (a real server's, in
    // suricata/app-layer-protocol-exact frame 8), then :status 200.
    d.decode(&[0x3f, 0xe1, 0x5f, 0x88], &mut l).unwrap();
    assert_eq!(l.entries[0].repr, Repr::SizeUpdate);
    assert_eq!(l.entries[0].index, 12288);
    // Above 64 KiB: refused, and the decoder says its state is lost.
    let mut big = Vec::new();
    encode_int(MAX_TABLE as u32 + 1, 5, 0x20, &mut big);
    let mut d = Decoder::new();
    assert_eq!(d.decode(&big, &mut l), Err(HpackError::SizeUpdate));
    assert_eq!(d.decode(&[0x82], &mut l), Err(HpackError::Lost));
    // After a header: refused.
    let mut d = Decoder::new();
    assert_eq!(d.decode(&[0x82, 0x20], &mut l), Err(HpackError::SizeUpdate));
    // Given up (a block too large to gather): lost.
    let mut d = Decoder::new();
    d.give_up();
    assert_eq!(d.decode(&[0x82], &mut l), Err(HpackError::Lost));
}

#[test]
fn hostile_blocks_fail_without_panic() {
    let mut l = HeaderList::default();
    let cases: &[(&[u8], HpackError)] = &[
        // Integer continuation past 28 bits.
        (
            &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
            HpackError::Integer,
        ),
        (&[0x80], HpackError::Index),
        (&[0xbe], HpackError::Index),
        (&[0x41, 0x85, 0xff], HpackError::Truncated),
        (&[0x7f], HpackError::Truncated),
        // Huffman: eight bits of padding; EOS.
        (&[0x00, 0x81, 0xff, 0x00], HpackError::Huffman),
        (
            &[0x00, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00],
            HpackError::Huffman,
        ),
    ];
    for (b, e) in cases {
        let mut d = Decoder::new();
        assert_eq!(d.decode(b, &mut l), Err(*e), "{b:02x?}");
    }
}

#[test]
fn lists_are_capped_but_the_table_follows() {
    // 10,000 headers, each inserted: only MAX_HEADERS kept, the table
    // still sees every one.
    let mut b = Vec::new();
    for i in 0..10_000u32 {
        b.push(0x40);
        encode_string(format!("h{i}").as_bytes(), false, &mut b);
        encode_string(b"v", false, &mut b);
    }
    let mut d = Decoder::new();
    let mut l = HeaderList::default();
    d.decode(&b, &mut l).unwrap();
    assert_eq!(l.len(), MAX_HEADERS);
    assert_eq!(l.dropped, 10_000 - MAX_HEADERS as u64);
    let mut l2 = HeaderList::default();
    d.decode(&[0xbe], &mut l2).unwrap();
    assert_eq!(l2.headers(0, 1).get(b"h9999"), Some(&b"v"[..]));
}

#[test]
fn copying_out_of_the_table_is_bounded() {
    // A 4000-byte entry indexed over and over: stopped at MAX_WORK.
    let mut b = vec![0x40];
    encode_string(b"big", false, &mut b);
    encode_string(&[b'x'; 4000], false, &mut b);
    b.extend(std::iter::repeat_n(0xbe, 1000));
    let mut d = Decoder::new();
    let mut l = HeaderList::default();
    assert_eq!(d.decode(&b, &mut l), Err(HpackError::Work));
    assert!(l.buf.len() <= MAX_LIST + 4100);
}

#[test]
fn the_table_never_passes_its_limit() {
    let mut d = Decoder::new();
    let mut l = HeaderList::default();
    let mut b = Vec::new();
    encode_int(MAX_TABLE as u32, 5, 0x20, &mut b);
    for i in 0..100u32 {
        b.push(0x40);
        encode_string(format!("n{i}").as_bytes(), false, &mut b);
        encode_string(&[b'v'; 3000], false, &mut b);
    }
    d.decode(&b, &mut l).unwrap();
    assert!(d.table_size().0 <= MAX_TABLE);
    assert!(d.held() <= 2 * MAX_TABLE);
}

#[test]
fn following_keeps_the_table_without_copying() {
    // C.3's three requests, the first two only followed: the third reads
    // their entries as when all are decoded.
    let blocks = [
        "828684410f7777772e6578616d706c652e636f6d",
        "828684be58086e6f2d6361636865",
        "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
    ];
    let mut d = Decoder::new();
    let mut l = HeaderList::default();
    d.follow(&hex(blocks[0]), &mut l).unwrap();
    d.follow(&hex(blocks[1]), &mut l).unwrap();
    assert!(l.is_empty() && l.bytes() == 0);
    assert_eq!(d.table_size(), (110, 2));
    let got = decode(&mut d, &hex(blocks[2]));
    assert_eq!(got[3], (":authority".into(), "www.example.com".into()));
    // A bad index is still an error.
    assert_eq!(
        Decoder::new().follow(&[0xbe], &mut l),
        Err(HpackError::Index)
    );
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn literals_round_trip(
            hs in proptest::collection::vec((proptest::collection::vec(any::<u8>(), 0..40), proptest::collection::vec(any::<u8>(), 0..200), any::<bool>()), 0..20)
        ) {
            let mut b = Vec::new();
            for (n, v, huff) in &hs {
                encode_literal(n, v, *huff, &mut b);
            }
            let mut d = Decoder::new();
            let mut l = HeaderList::default();
            d.decode(&b, &mut l).unwrap();
            let h = l.headers(0, l.len());
            let got: Vec<(Vec<u8>, Vec<u8>)> = h.iter().map(|(_, n, v)| (n.to_vec(), v.to_vec())).collect();
            let want: Vec<(Vec<u8>, Vec<u8>)> = hs.iter().map(|(n, v, _)| (n.clone(), v.clone())).collect();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn any_block_is_safe(b in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut d = Decoder::new();
            let mut l = HeaderList::default();
            let _ = d.decode(&b, &mut l);
            let _ = d.decode(&b, &mut l);
            prop_assert!(d.table_size().0 <= MAX_TABLE);
        }
    }
}
