use super::hpack::{Decoder, HeaderList};
use super::*;

use crate::testing::hex;

/// The client's first segment of suricata/app-layer-protocol-exact-input
/// (frame 4): the preface, SETTINGS, WINDOW_UPDATE and two HEADERS (DNS
/// over HTTP/2 GET requests, streams 1 and 3, with priority).
const CLIENT: &str = "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a00001e0400000000000001000100000002000000000003000003e800040060000000060004000000000408000000000000ef00010000c5012500000001800000009282418792a42f31cf35058704ff0f624a90b76b4b67aff24a910430c3761861bb0c30c30c30dd85991993c495119db3c98a8e908b4f78f6430c3b21bb0c30d7821861861861870ec86fc3776430c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c353901d75d0620d263d4c495216a4a840e62f51012a7a85bd3d87a4bf50863485a9264faf00009d012500000003800000019282c28704ff0f624a90b76b4b67aff24a910430c3761861bb0c30c30c30dd85991993c495119db3c98a8e908b4f78f6430c3b21bb0c30d7821861861861870ec86fc3776430c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c3c1c0bfbe";

/// The server's HEADERS of the same capture (frame 8): a table size update
/// to 12288, then `:status 200` and twelve more headers.
const RESPONSE: &str = "00015e0104000000013fe15f884090f2b10f524b52564faacab1eb498f523f85a8e8a8d2cb78a0a47e561cc58190b6cb80003ed43544a2d90bbad8ef9e919aa47da95d85a0e39354012a0f1296df697e9413aa5f2914100425041b8272e05e53168dff6496df697e9413aa5f2914100425041b8272e05e53168dff588faec3771a4bf4a523f2b0e62c0c801f5f901d75d0620d263d4c495216a4a840e62f7692c7bf7eb5105b3b96c53fab6aeb51fc55fdff5c03343638408cf2b794216aec3a4a4498f57f0130408bf2b4b60e92ac7ad263d48f89dd0e8c1ab6e4c5934f40851d09591dc9ff019d983f9b8d34cff3f6a523804dbe20001f53b2b09f83f9b8d34cff3f6a523804dbe20001f53b2b6c036083f9b8d34cff3f6a523804dbe20001f53b2b6c034e41fcdc69a67f9fb5291c026df10000fa9d95b601a660fe6e34d33fcfda948e0136f880007d76b4c483f9b8d34cff3f6a523804dbe20001f6a7783f969cfa699fe7";

/// Cut a stream into its preface and frames with `pdu_len`.
fn frames(b: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = b;
    while !rest.is_empty() {
        let Pdu::Whole(n) = pdu_len(rest) else {
            panic!("not whole: {:?}", pdu_len(rest));
        };
        out.push(&rest[..n]);
        rest = &rest[n..];
    }
    out
}

fn values(v: &Http2View, f: Field) -> String {
    crate::testing::values(FIELDS[f as usize].kind, |out| v.field(f, out)).join(",")
}

fn summary(v: &Http2View) -> String {
    let mut s = String::new();
    v.summary(&mut s);
    s
}

#[test]
fn a_real_client_segment() {
    let b = hex(CLIENT);
    let fs = frames(&b);
    assert_eq!(fs.len(), 5);
    let views: Vec<_> = fs.iter().map(|f| Http2View::new(f).unwrap()).collect();
    // tshark: Magic, SETTINGS[0], WINDOW_UPDATE[0], HEADERS[1]: GET …
    assert!(views[0].is_magic());
    assert_eq!(
        values(&views[0], Field::Magic),
        "PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n"
    );
    assert_eq!(values(&views[0], Field::Length), "");
    assert_eq!(summary(&views[1]), "SETTINGS[0]");
    assert_eq!(values(&views[1], Field::Length), "30");
    assert_eq!(values(&views[1], Field::SettingsId), "1,2,3,4,6");
    assert_eq!(values(&views[1], Field::SettingsHeaderTableSize), "65536");
    assert_eq!(
        values(&views[1], Field::SettingsInitialWindowSize),
        "6291456"
    );
    assert_eq!(values(&views[1], Field::Settings), "1,1,1,1,1");
    assert_eq!(values(&views[1], Field::FlagsAckSettings), "0");
    assert_eq!(values(&views[1], Field::FlagsUnusedSettings), "0x00");
    assert_eq!(values(&views[2], Field::WindowSizeIncrement), "15663105");
    assert_eq!(values(&views[2], Field::WindowUpdateR), "0x00000000");
    assert_eq!(values(&views[2], Field::FlagsUnused), "0x00");
    let h = &views[3];
    assert_eq!(values(h, Field::Flags), "0x25");
    assert_eq!(values(h, Field::FlagsPriority), "1");
    assert_eq!(values(h, Field::FlagsEndStream), "1");
    assert_eq!(values(h, Field::FlagsEh), "1");
    assert_eq!(values(h, Field::PadLength), "0");
    assert_eq!(values(h, Field::Padding), "");
    assert_eq!(values(h, Field::Exclusive), "1");
    assert_eq!(values(h, Field::StreamDependency), "0");
    assert_eq!(values(h, Field::Weight), "146");
    assert_eq!(values(h, Field::WeightReal), "147");
    assert!(values(h, Field::HeaderBlock).starts_with("82418792a42f31cf"));
    // Without the connection's HPACK state: frame fields only.
    assert_eq!(summary(h), "HEADERS[1]");
    assert_eq!(values(h, Field::Method), "");

    // Decoded in order with one decoder, as the engine does.
    let mut d = Decoder::new();
    let mut l = HeaderList::default();
    let mut marks = vec![];
    for v in &views[3..] {
        let from = l.len();
        d.decode(v.header_block().unwrap(), &mut l).unwrap();
        marks.push((from, l.len()));
    }
    let h1 = views[3].with_headers(l.headers(marks[0].0, marks[0].1));
    let h3 = views[4].with_headers(l.headers(marks[1].0, marks[1].1));
    let path = "/dns-query?dns=AAABAAABAAAAAAABA3d3dwdnc3RhdGljA2NvbQAAAQABAAApEAAAAAAAAFQADABQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    assert_eq!(summary(&h1), format!("HEADERS[1]: GET {path}"));
    for v in [&h1, &h3] {
        assert_eq!(values(v, Field::Method), "GET");
        assert_eq!(values(v, Field::Authority), "dns.google");
        assert_eq!(values(v, Field::Scheme), "https");
        assert_eq!(values(v, Field::Path), path);
        assert_eq!(values(v, Field::HeaderCount), "8");
        assert_eq!(values(v, Field::HeaderLength), "381");
        assert_eq!(values(v, Field::HeaderNameLength), "7,10,7,5,6,15,10,15");
        assert_eq!(values(v, Field::UserAgent), "Chrome");
        assert_eq!(
            values(v, Field::FullUri),
            format!("https://dns.google{path}")
        );
    }
    // tshark's indexes: the second request reads the first one's entries.
    assert_eq!(values(&h1, Field::HeaderIndex), "2,1,7,4,19,17,58,16");
    assert_eq!(values(&h3, Field::HeaderIndex), "2,66,7,4,65,64,63,62");
    assert_eq!(
        values(&h1, Field::HeaderRepr).split(',').nth(1),
        Some("Literal Header Field with Incremental Indexing - Indexed Name")
    );
}

#[test]
fn a_real_response_with_a_size_update() {
    let b = hex(RESPONSE);
    let v = Http2View::new(&b).unwrap();
    assert_eq!(pdu_len(&b), Pdu::Whole(b.len()));
    let mut d = Decoder::new();
    let mut l = HeaderList::default();
    d.decode(v.header_block().unwrap(), &mut l).unwrap();
    let v = v.with_headers(l.headers(0, l.len()));
    // As tshark 4.0 shows frame 8.
    assert_eq!(summary(&v), "HEADERS[1]: 200 OK");
    assert_eq!(values(&v, Field::Status), "200");
    assert_eq!(values(&v, Field::HeaderCount), "14");
    assert_eq!(values(&v, Field::HeaderLength), "632");
    assert_eq!(values(&v, Field::TableSize), "12288");
    assert_eq!(values(&v, Field::ContentLength), "468");
    assert_eq!(values(&v, Field::FullUri), "");
    assert_eq!(values(&v, Field::ContentType), "application/dns-message");
    assert_eq!(values(&v, Field::HeaderIndex), "8,56,20,33,36,24,31,54,28");
    assert_eq!(values(&v, Field::FlagsEndStream), "0");
    assert_eq!(values(&v, Field::FlagsPriority), "0");
    assert_eq!(values(&v, Field::Exclusive), "");
}

#[test]
fn pdu_len_preface_and_frames() {
    assert_eq!(pdu_len(b"PRI * HTTP/2.0\r\n"), Pdu::Need(24));
    assert_eq!(pdu_len(PREFACE), Pdu::Whole(24));
    assert_eq!(pdu_len(&[0, 0]), Pdu::Need(9));
    assert_eq!(pdu_len(&[0xff, 0xff, 0xff, 0, 0]), Pdu::Need(9));
    assert_eq!(
        pdu_len(&[0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0]),
        Pdu::Need(9 + 0xff_ffff)
    );
    assert_eq!(pdu_len(&[0, 0, 1, 0, 0, 0, 0, 0, 0]), Pdu::Need(10));
    assert_eq!(pdu_len(&[0, 0, 1, 0, 0, 0, 0, 0, 0, 7, 7]), Pdu::Whole(10));
    assert!(looks_like(b"PRI * HTTP/2.0\r\n\r\nSM"));
    assert!(looks_like(b"PRI "));
    assert!(!looks_like(b"PRI"));
    assert!(!looks_like(b"POST / HTTP/1.1\r\n"));
    assert!(Http2View::new(&[0, 0, 0, 4]).is_err());
}

#[test]
fn padding_ping_goaway_rst_and_unknown() {
    let mut b = Vec::new();
    // DATA, padded: pad length 3, "hi", three zero bytes.
    FrameRepr {
        frame_type: frame_type::DATA,
        flags: flag::PADDED | flag::END_STREAM,
        stream_id: 5,
        payload: vec![3, b'h', b'i', 0, 0, 0],
    }
    .emit(&mut b);
    let v = Http2View::new(&b).unwrap();
    assert_eq!(v.data(), Some(&b"hi"[..]));
    assert_eq!(values(&v, Field::DataData), "6869");
    assert_eq!(values(&v, Field::DataPadding), "000000");
    assert_eq!(values(&v, Field::Padding), "0x03");
    assert_eq!(values(&v, Field::PadLength), "3");
    assert_eq!(summary(&v), "DATA[5]");
    // A pad length past the end: no data, padding what is there.
    let mut b = Vec::new();
    FrameRepr {
        frame_type: 0,
        flags: flag::PADDED,
        stream_id: 1,
        payload: vec![200, 1, 2],
    }
    .emit(&mut b);
    let v = Http2View::new(&b).unwrap();
    assert_eq!(v.data(), Some(&[][..]));
    let mut b = Vec::new();
    FrameRepr {
        frame_type: frame_type::PING,
        flags: flag::ACK,
        stream_id: 0,
        payload: vec![1; 8],
    }
    .emit(&mut b);
    let v = Http2View::new(&b).unwrap();
    assert_eq!(values(&v, Field::Pong), "0101010101010101");
    assert_eq!(values(&v, Field::Ping), "");
    let mut b = Vec::new();
    FrameRepr {
        frame_type: frame_type::GOAWAY,
        flags: 0,
        stream_id: 0,
        payload: vec![0, 0, 0, 7, 0, 0, 0, 2, b'x'],
    }
    .emit(&mut b);
    let v = Http2View::new(&b).unwrap();
    assert_eq!(values(&v, Field::GoawayLastStreamId), "7");
    assert_eq!(values(&v, Field::GoawayError), "2");
    assert_eq!(values(&v, Field::GoawayAddata), "78");
    let mut b = Vec::new();
    FrameRepr {
        frame_type: frame_type::RST_STREAM,
        flags: 0,
        stream_id: 1,
        payload: vec![0, 0, 0, 8],
    }
    .emit(&mut b);
    let v = Http2View::new(&b).unwrap();
    assert_eq!(values(&v, Field::RstStreamError), "8");
    assert_eq!(summary(&v), "RST_STREAM[1]");
    let mut b = Vec::new();
    FrameRepr {
        frame_type: 0x42,
        flags: 0,
        stream_id: 0,
        payload: vec![9],
    }
    .emit(&mut b);
    let v = Http2View::new(&b).unwrap();
    assert_eq!(values(&v, Field::Unknown), "09");
    assert_eq!(summary(&v), "Unknown type[0]");
}

#[test]
fn cut_frames_show_what_is_there() {
    let b = hex(CLIENT);
    for n in 0..b.len() {
        let cut = &b[..n];
        if let Ok(v) = Http2View::new(cut) {
            for f in 0..FIELDS.len() {
                let f = Field::from_index(f).unwrap();
                v.field(f, &mut |_v: Value, r: std::ops::Range<usize>| {
                    assert!(r.end <= cut.len().max(24))
                });
            }
            let _ = summary(&v);
        }
    }
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn frames_round_trip(t in any::<u8>(), flags in any::<u8>(), sid in 0u32..0x8000_0000, payload in proptest::collection::vec(any::<u8>(), 0..300)) {
            let r = Http2Repr::Frame(FrameRepr { frame_type: t, flags, stream_id: sid, payload });
            let mut b = Vec::new();
            r.emit(&mut b);
            prop_assert_eq!(pdu_len(&b), Pdu::Whole(b.len()));
            let v = Http2View::new(&b).unwrap();
            prop_assert_eq!(Http2Repr::parse(&v), r);
            for i in 0..FIELDS.len() {
                v.field(Field::from_index(i).unwrap(), &mut |_v: Value, r: std::ops::Range<usize>| assert!(r.end <= b.len()));
            }
        }

        #[test]
        fn any_bytes_are_safe(b in proptest::collection::vec(any::<u8>(), 0..200)) {
            if let Ok(v) = Http2View::new(&b) {
                for i in 0..FIELDS.len() {
                    v.field(Field::from_index(i).unwrap(), &mut |_v: Value, _r: std::ops::Range<usize>| {});
                }
                let mut s = String::new();
                v.summary(&mut s);
            }
        }
    }
}

#[test]
fn masked_fields_print_shifted_as_tshark() {
    // suricata/drop-protocol-change-input frame 4: a SETTINGS frame with
    // flags 0x12 on stream 65536 (tshark: unused_settings 0x09).
    let b = hex("000012041200010000000000001d64000440000000000200000000");
    let v = Http2View::new(&b).unwrap();
    assert_eq!(values(&v, Field::FlagsUnusedSettings), "0x09");
    assert_eq!(values(&v, Field::FlagsAckSettings), "0");
    assert_eq!(values(&v, Field::StreamId), "65536");
    assert_eq!(values(&v, Field::R), "0x00000000");
    assert_eq!(summary(&v), "SETTINGS[65536]");
    // The reserved bit set: 0x00000001, as tshark shows a masked field.
    let mut b = b.clone();
    b[5] |= 0x80;
    let v = Http2View::new(&b).unwrap();
    assert_eq!(values(&v, Field::R), "0x00000001");
    assert_eq!(values(&v, Field::StreamId), "65536");
}
