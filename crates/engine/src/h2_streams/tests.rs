//! HTTP/2 bodies: a real DNS-over-HTTP/2 exchange through the dissector,
//! then hostile streams against each bound.

use super::*;
use crate::craft;
use crate::defrag::Limits as DefragLimits;
use crate::flow::FlowOptions;
use crate::logs::apps::testing::hex;
use crate::{Dissection, Dissector, Options};
use std::io::Write;
use wire::http2::hpack::{encode_literal, Decoder, HeaderList};
use wire::http2::{flag, FrameRepr, Http2Repr};
use wire::Layer;

// TCP payloads of suricata's app-layer-protocol-exact-input.pcap (DNS over
// HTTP/2 in clear, port 80): the client's frame 4 (preface, SETTINGS,
// WINDOW_UPDATE, HEADERS of streams 1 and 3), the server's frames 5
// (SETTINGS), 8 (HEADERS of stream 1: 200, application/dns-message), 9
// (DATA of 468 bytes, an empty DATA with END_STREAM, PING), 10 (HEADERS
// and DATA of 468 bytes of stream 3) and 11 (the empty DATA that ends
// stream 3).
const CLIENT_4: &str = concat!(
    "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a00001e040000000000000100010000000200000000000300",
    "0003e800040060000000060004000000000408000000000000ef00010000c5012500000001800000009282418792a42f",
    "31cf35058704ff0f624a90b76b4b67aff24a910430c3761861bb0c30c30c30dd85991993c495119db3c98a8e908b4f78",
    "f6430c3b21bb0c30d7821861861861870ec86fc3776430c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c3",
    "0c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c3",
    "0c30c30c30c353901d75d0620d263d4c495216a4a840e62f51012a7a85bd3d87a4bf50863485a9264faf00009d012500",
    "000003800000019282c28704ff0f624a90b76b4b67aff24a910430c3761861bb0c30c30c30dd85991993c495119db3c9",
    "8a8e908b4f78f6430c3b21bb0c30d7821861861861870ec86fc3776430c30c30c30c30c30c30c30c30c30c30c30c30c3",
    "0c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c30c3",
    "0c30c30c30c30c30c30c30c3c1c0bfbe"
);
const SERVER_5: &str =
    "000012040000000000000300000064000400100000000600010000000004080000000000000f0001";
const SERVER_8: &str = concat!(
    "00015e0104000000013fe15f884090f2b10f524b52564faacab1eb498f523f85a8e8a8d2cb78a0a47e561cc58190b6cb",
    "80003ed43544a2d90bbad8ef9e919aa47da95d85a0e39354012a0f1296df697e9413aa5f2914100425041b8272e05e53",
    "168dff6496df697e9413aa5f2914100425041b8272e05e53168dff588faec3771a4bf4a523f2b0e62c0c801f5f901d75",
    "d0620d263d4c495216a4a840e62f7692c7bf7eb5105b3b96c53fab6aeb51fc55fdff5c03343638408cf2b794216aec3a",
    "4a4498f57f0130408bf2b4b60e92ac7ad263d48f89dd0e8c1ab6e4c5934f40851d09591dc9ff019d983f9b8d34cff3f6",
    "a523804dbe20001f53b2b09f83f9b8d34cff3f6a523804dbe20001f53b2b6c036083f9b8d34cff3f6a523804dbe20001",
    "f53b2b6c034e41fcdc69a67f9fb5291c026df10000fa9d95b601a660fe6e34d33fcfda948e0136f880007d76b4c483f9",
    "b8d34cff3f6a523804dbe20001f6a7783f969cfa699fe7"
);
const SERVER_9: &str = concat!(
    "0001d400000000000100008180000100010000000103777777076773746174696303636f6d0000010001c00c00010001",
    "0000012c00048efab9e30000290200000000000198000c01940000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "0001000000010000080600000000000000000000000000"
);
const SERVER_10: &str = concat!(
    "00002501040000000388c8c7c60f1296df697e9413aa5f2914100425041b8272e05e53168dffc5c4c3c2c1c0bfbe0001",
    "d400000000000300008180000100010000000103777777076773746174696303636f6d0000010001c00c000100010000",
    "012c00048efab9e30000290200000000000198000c019400000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
);
const SERVER_11: &str = "000000000100000003";

/// What one frame showed: per HTTP/2 layer its stream and body (data,
/// fragment frames), and the A records of its DNS layers.
#[derive(Debug, Default)]
struct Seen {
    bodies: Vec<(u32, Option<(Vec<u8>, Vec<u64>)>)>,
    dns: usize,
    dns_a: Vec<[u8; 4]>,
}

/// A conversation on port 80 of (client?, bytes) segments after the
/// handshake: what each frame showed, and the counters.
fn run(segs: &[(bool, Vec<u8>)]) -> (Vec<Seen>, crate::stream_apps::AppStats) {
    let mut dis = Dissector::new(Options::default(), DefragLimits::default())
        .with_streams(FlowOptions::default());
    let segs: Vec<(bool, &[u8])> = segs.iter().map(|(up, d)| (*up, d.as_slice())).collect();
    let frames = craft::connection(80, &segs);
    let mut out = Vec::new();
    for (i, data) in frames.iter().enumerate() {
        let meta = craft::nth_frame_meta(i, data);
        let mut d = Dissection::default();
        dis.dissect(meta, data, &mut d);
        let mut seen = Seen::default();
        for e in &d.layers {
            match &e.layer {
                Layer::Http2(v) if !v.is_magic() => seen.bodies.push((
                    v.stream_id(),
                    v.body_shown()
                        .map(|b| (b.data.to_vec(), b.fragments.iter().map(|f| f.0).collect())),
                )),
                Layer::Dns(v) => {
                    seen.dns += 1;
                    seen.dns_a.extend(
                        v.answers()
                            .filter(|r| r.rtype() == 1)
                            .filter_map(|r| <[u8; 4]>::try_from(r.rdata()).ok()),
                    );
                }
                _ => {}
            }
        }
        out.push(seen);
    }
    let stats = dis.apps.as_ref().map(|a| a.stats).unwrap_or_default();
    (out, stats)
}

#[test]
fn dns_over_http2_from_a_capture() {
    let (seen, stats) = run(&[
        (true, hex(CLIENT_4)),
        (false, hex(SERVER_5)),
        (false, hex(SERVER_8)),
        (false, hex(SERVER_9)),
        (false, hex(SERVER_10)),
        (false, hex(SERVER_11)),
    ]);
    // Frames: 1-2 handshake, 3 = capture frame 4, …, 8 = capture frame 11.
    let (f9, f10, f11) = (&seen[5], &seen[6], &seen[7]);
    // Frame 9: the partial DATA shows its own bytes (no body), the empty
    // END_STREAM DATA the 468-byte body gathered in this same frame, with
    // its one fragment, as tshark shows it; then the DNS answer.
    assert_eq!(f9.bodies.len(), 3);
    assert_eq!(f9.bodies[0], (1, None));
    let (data, frags) = f9.bodies[1].1.clone().unwrap();
    assert_eq!((data.len(), frags), (468, vec![6]));
    assert_eq!(&data[..4], &[0x00, 0x00, 0x81, 0x80]);
    assert_eq!((f9.dns, &f9.dns_a[..]), (1, &[[142, 250, 185, 227]][..]));
    // Frame 10: stream 3's HEADERS and partial DATA; frame 11 ends it.
    assert!(f10.bodies.iter().all(|b| b.1.is_none()));
    assert!(f10.dns_a.is_empty());
    let (data, frags) = f11.bodies[0].1.clone().unwrap();
    assert_eq!((data.len(), frags), (468, vec![7]));
    assert_eq!(f11.dns_a, vec![[142, 250, 185, 227]]);
    assert_eq!(stats.h2_bodies.shown, 2);
    assert_eq!(stats.h2_bodies.given_up, 0);
}

/// A frame's bytes.
fn frame(t: u8, flags: u8, stream_id: u32, payload: Vec<u8>) -> Vec<u8> {
    let mut b = Vec::new();
    Http2Repr::Frame(FrameRepr {
        frame_type: t,
        flags,
        stream_id,
        payload,
    })
    .emit(&mut b);
    b
}

/// One side's frames fed to a [`Conn`] directly, with an HPACK decoder for
/// its header blocks.
struct Side {
    conn: Conn,
    budget: Budget,
    dec: Decoder,
    shown: Shown,
}

impl Side {
    fn new() -> Side {
        Side {
            conn: Conn::default(),
            budget: Budget::default(),
            dec: Decoder::new(),
            shown: Shown::default(),
        }
    }

    /// A response's HEADERS (one block) on stream `id`.
    fn headers(&mut self, id: u32, pairs: &[(&[u8], &[u8])], end: bool) {
        let mut block = Vec::new();
        for (n, v) in pairs {
            encode_literal(n, v, false, &mut block);
        }
        let mut list = HeaderList::default();
        self.dec.decode(&block, &mut list).unwrap();
        let h = list.headers(0, list.len());
        let flags = flag::END_HEADERS | if end { flag::END_STREAM } else { 0 };
        let b = frame(frame_type::HEADERS, flags, id, block);
        let v = Http2View::new(&b).unwrap();
        self.conn
            .frame(&v, 0, 1, Some(&h), &mut self.budget, Some(&mut self.shown));
    }

    /// A DATA frame: the body it ends, if it ends one.
    fn data(&mut self, id: u32, data: &[u8], end: bool) -> Option<(Vec<u8>, usize)> {
        self.shown.clear();
        let flags = if end { flag::END_STREAM } else { 0 };
        let b = frame(frame_type::DATA, flags, id, data.to_vec());
        let v = Http2View::new(&b).unwrap();
        let m = self
            .conn
            .frame(&v, 0, 2, None, &mut self.budget, Some(&mut self.shown))?;
        let body = self.shown.body(&m);
        Some((body.data.to_vec(), body.fragments.len()))
    }
}

const OK: &[(&[u8], &[u8])] = &[(b":status", b"200")];

#[test]
fn endless_data_is_given_up_at_the_body_cap() {
    let mut s = Side::new();
    s.headers(1, OK, false);
    let chunk = vec![b'x'; 16 << 10];
    for _ in 0..(MAX_BODY / chunk.len() + 10) {
        assert_eq!(s.data(1, &chunk, false), None);
        assert!(s.conn.held() <= MAX_BODY);
    }
    assert_eq!(s.budget.stats.given_up, 1);
    assert_eq!(s.conn.held(), 0);
    assert_eq!(s.budget.held(), 0);
    // The end shows no body (its frame shows its own bytes).
    assert_eq!(s.data(1, b"end", true), None);
    // Empty DATA frames cost a fragment each: bounded too.
    s.headers(3, OK, false);
    for _ in 0..MAX_FRAGMENTS + 5 {
        s.data(3, &[], false);
    }
    assert_eq!(s.budget.stats.given_up, 2);
    assert_eq!(s.data(3, &[], true), None);
}

#[test]
fn ten_thousand_open_streams_keep_the_newest() {
    let mut s = Side::new();
    for id in 0..10_000u32 {
        s.headers(2 * id + 1, OK, false);
        s.data(2 * id + 1, b"part", false);
    }
    assert_eq!(s.conn.streams.len(), MAX_STREAMS);
    assert_eq!(s.budget.stats.evicted, 10_000 - MAX_STREAMS as u64);
    assert_eq!(s.conn.held(), 4 * MAX_STREAMS);
    assert_eq!(s.budget.held(), 4 * MAX_STREAMS as u64);
    // The newest still ends with its body; an evicted one shows none.
    assert_eq!(s.data(19_999, b"!", true), Some((b"part!".to_vec(), 2)));
    assert_eq!(s.data(1, b"!", true), None);
    // A reset stream leaves with its bytes.
    s.conn.frame(
        &Http2View::new(&frame(frame_type::RST_STREAM, 0, 19_997, vec![0; 4])).unwrap(),
        0,
        3,
        None,
        &mut s.budget,
        None,
    );
    assert_eq!(s.conn.held(), 4 * (MAX_STREAMS - 2));
}

#[test]
fn coded_bodies_decoded_and_bombs_shown_as_sent() {
    let text = b"hello, decoded body ".repeat(20);
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&text).unwrap();
    let gz = z.finish().unwrap();
    let mut s = Side::new();
    s.headers(
        1,
        &[(b":status", b"200"), (b"content-encoding", b"gzip")],
        false,
    );
    let (a, b) = gz.split_at(10);
    s.data(1, a, false);
    assert_eq!(s.data(1, b, true), Some((text.clone(), 2)));
    // `GZIP` is not undone (tshark compares the case), nor is a 206.
    s.headers(
        3,
        &[(b":status", b"200"), (b"content-encoding", b"GZIP")],
        false,
    );
    assert_eq!(s.data(3, &gz, true), Some((gz.clone(), 0)));
    s.headers(
        5,
        &[(b":status", b"206"), (b"content-encoding", b"gzip")],
        false,
    );
    assert_eq!(s.data(5, &gz, true), Some((gz.clone(), 0)));
    // A bomb: 64 MiB of zeros in about 64 KiB decode past the display cap;
    // the body is shown as sent.
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        z.write_all(&zeros).unwrap();
    }
    let bomb = z.finish().unwrap();
    s.headers(
        7,
        &[(b":status", b"200"), (b"content-encoding", b"gzip")],
        false,
    );
    assert_eq!(s.data(7, &bomb, true), Some((bomb.clone(), 0)));
}

#[test]
fn what_tshark_does_not_put_together() {
    let mut s = Side::new();
    // No :status/:method in the first block, a transfer-encoding, a
    // CONNECT tunnel: each DATA frame shows its own bytes.
    s.headers(1, &[(b"x-a", b"1")], false);
    s.headers(
        3,
        &[(b":status", b"200"), (b"transfer-encoding", b"gzip")],
        false,
    );
    s.headers(5, &[(b":method", b"CONNECT")], false);
    for id in [1, 3, 5] {
        assert_eq!(s.data(id, b"ab", false), None);
        assert_eq!(s.data(id, b"cd", true), None);
    }
    // Trailers end a body that DATA frames began.
    s.headers(7, OK, false);
    s.data(7, b"body", false);
    s.shown.clear();
    let block = {
        let mut b = Vec::new();
        encode_literal(b"grpc-status", b"0", false, &mut b);
        b
    };
    let mut list = HeaderList::default();
    s.dec.decode(&block, &mut list).unwrap();
    let h = list.headers(0, list.len());
    let b = frame(
        frame_type::HEADERS,
        flag::END_HEADERS | flag::END_STREAM,
        7,
        block.clone(),
    );
    let m = s
        .conn
        .frame(
            &Http2View::new(&b).unwrap(),
            0,
            3,
            Some(&h),
            &mut s.budget,
            Some(&mut s.shown),
        )
        .unwrap();
    assert_eq!(s.shown.body(&m).data, b"body");
    assert_eq!(s.conn.held(), 0);
}

/// DNS over HTTPS over HTTP/1.1: a POST and its response, both
/// `application/dns-message` (crafted: no capture of the corpus has one;
/// tshark 4.0 shows a `dns` layer after `http` on both, with the answer
/// 93.184.216.34).
#[test]
fn dns_over_http1() {
    let query = hex("00000100000100000000000003777777076578616d706c6503636f6d0000010001");
    let answer = hex(concat!(
        "00008180000100010000000003777777076578616d706c6503636f6d0000010001",
        "c00c000100010000012c00045db8d822"
    ));
    let msg = |head: &str, body: &[u8]| {
        let mut m = format!("{head}Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        m.extend_from_slice(body);
        m
    };
    let post = msg(
        "POST /dns-query HTTP/1.1\r\nHost: dns.example\r\nContent-Type: application/dns-message\r\n",
        &query,
    );
    let ok = msg(
        "HTTP/1.1 200 OK\r\nContent-Type: Application/DNS-Message; x=1\r\n",
        &answer,
    );
    let (seen, _) = run(&[(true, post), (false, ok)]);
    assert_eq!((seen[2].dns, seen[2].dns_a.len()), (1, 0));
    assert_eq!(
        (seen[3].dns, &seen[3].dns_a[..]),
        (1, &[[93, 184, 216, 34]][..])
    );
    // Another type, a content coding, or a chunked body: no DNS.
    for head in [
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: application/dns-message\r\nContent-Encoding: gzip\r\n",
    ] {
        let m = msg(head, &answer);
        let v = wire::http::HttpView::new(&m).unwrap();
        assert_eq!(http1_dns_body(&v), None);
    }
    let chunked = b"HTTP/1.1 200 OK\r\nContent-Type: application/dns-message\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n";
    let v = wire::http::HttpView::new(chunked).unwrap();
    assert_eq!(http1_dns_body(&v), None);
}
