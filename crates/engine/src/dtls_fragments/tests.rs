use super::*;
use crate::craft::{hex, ipproto, ipv4, ipv4_packet, nth_frame_meta, udp_datagram, Link};
use crate::defrag::Limits;
use crate::dissect::{Dissector, Options};
use wire::dtls::Field;
use wire::ethernet::ethertype;
use wire::field::Value;

/// zeek__tls-dtls-sequence-number-jumps.pcap frames 1-3 (UDP 10.0.0.1:50000
/// to 10.0.0.2:4433): a DTLS 1.2 ClientHello of 81 bytes in three
/// fragments of 27. tshark shows "Client Hello (Fragment)" twice, then
/// "Client Hello (Reassembled)" with the hello's fields: cipher suites
/// 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f; extensions 43, 10, 13.
const FRAGMENTS: [&str; 3] = [
    "16fefd0000000000000000002701000051000000000000001bfefdf2d120880f75811062381f06abf371f75899aea4af864c6383",
    "16fefd0000000000000080002701000051000000001b00001b0b9b3ac7a09a710000000a130113021303c02bc02f0100001d002b",
    "16fefd0000000000000100002701000051000000003600001b000504fefcfefd000a00060004001d0017000d0006000408040403",
];

const LINK: Link = Link {
    src: [2, 0, 0, 0, 0, 1],
    dst: [2, 0, 0, 0, 0, 2],
    vlan: None,
};

fn frame(payload: &[u8], up: bool) -> Vec<u8> {
    let (c, s) = ([10, 0, 0, 1], [10, 0, 0, 2]);
    let (src, dst, sp, dp) = if up {
        (c, s, 50000, 4433)
    } else {
        (s, c, 4433, 50000)
    };
    let udp = udp_datagram(sp, dp, payload, &src, &dst);
    LINK.frame(
        ethertype::IPV4,
        &ipv4_packet(ipv4(src, dst, 1, 64), ipproto::UDP, &udp),
    )
}

/// Each frame's DTLS summary and its cipher suites and extension types.
fn shown(frames: &[Vec<u8>]) -> Vec<(String, Vec<u64>, Vec<u64>)> {
    let mut dis = Dissector::new(Options::default(), Limits::default());
    frames
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut d = Dissection::default();
            dis.dissect(nth_frame_meta(i, f), f, &mut d);
            let v = d
                .layers
                .iter()
                .find_map(|e| match e.layer {
                    Layer::Dtls(v) => Some(v),
                    _ => None,
                })
                .expect("a DTLS layer");
            let mut s = String::new();
            v.summary(&mut s);
            let (mut suites, mut exts) = (Vec::new(), Vec::new());
            v.each_field(&mut |g, val, _| match (g, val) {
                (Field::CipherSuite, Value::UInt(n)) => suites.push(n),
                (Field::ExtType, Value::UInt(n)) => exts.push(n),
                _ => {}
            });
            (s, suites, exts)
        })
        .collect()
}

fn fragments() -> Vec<Vec<u8>> {
    FRAGMENTS.iter().map(|h| frame(&hex(h), true)).collect()
}

const SUITES: [u64; 5] = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f];

#[test]
fn the_last_fragment_shows_the_whole_hello() {
    let got = shown(&fragments());
    assert_eq!(got[0].0, "Client Hello (Fragment)");
    assert_eq!(got[1].0, "Client Hello (Fragment)");
    assert!(got[0].1.is_empty() && got[1].1.is_empty());
    assert_eq!(got[2].0, "Client Hello (Reassembled)");
    assert_eq!(got[2].1, SUITES);
    assert_eq!(got[2].2, [43, 10, 13]);
}

#[test]
fn out_of_order_fragments_complete_on_the_one_that_fills_the_gap() {
    let f = fragments();
    let got = shown(&[f[2].clone(), f[0].clone(), f[1].clone()]);
    let said: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
    assert_eq!(
        said,
        [
            "Client Hello (Fragment)",
            "Client Hello (Fragment)",
            "Client Hello (Reassembled)"
        ]
    );
    assert_eq!(got[2].1, SUITES);
}

#[test]
fn directions_are_kept_apart() {
    let f = fragments();
    // The middle piece comes from the other side: nothing is whole.
    let other = frame(&hex(FRAGMENTS[1]), false);
    let got = shown(&[f[0].clone(), other, f[2].clone()]);
    assert!(got.iter().all(|g| g.0 == "Client Hello (Fragment)"));
}

#[test]
fn retransmitted_fragments_start_afresh() {
    let f = fragments();
    let all: Vec<Vec<u8>> = f.iter().chain(f.iter()).cloned().collect();
    let got = shown(&all);
    assert_eq!(got[2].0, "Client Hello (Reassembled)");
    assert_eq!(got[5].0, "Client Hello (Reassembled)");
    assert_eq!(got[5].1, SUITES);
}

fn fragment_of(seq: u16, length: u32, offset: u32, body: &[u8]) -> Vec<u8> {
    let mut hs = vec![1];
    hs.extend_from_slice(&length.to_be_bytes()[1..]);
    hs.extend_from_slice(&seq.to_be_bytes());
    hs.extend_from_slice(&offset.to_be_bytes()[1..]);
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(body);
    let mut rec = vec![0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0];
    rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    rec.extend_from_slice(&hs);
    rec
}

fn fragments_taken(f: &mut Fragments, frames: &[Vec<u8>]) {
    for (i, b) in frames.iter().enumerate() {
        let mut d = Dissection::default();
        crate::dissect::dissect(nth_frame_meta(i, b), b, Options::default(), &mut d);
        f.frame(&mut d);
    }
}

#[test]
fn bounded() {
    let mut f = Fragments::default();
    // A message longer than the cap: dropped, counted, nothing held.
    let long = frame(&fragment_of(0, MAX_MESSAGE + 1, 0, &[0; 8]), true);
    fragments_taken(&mut f, &[long]);
    assert_eq!((f.dropped, f.pending.len(), f.held), (1, 0, 0));
    // More messages waiting than the cap: the oldest are let go.
    let many: Vec<Vec<u8>> = (0..MAX_PENDING as u16 + 3)
        .map(|seq| frame(&fragment_of(seq, 100, 0, &[0; 10]), true))
        .collect();
    fragments_taken(&mut f, &many);
    assert_eq!(f.evicted, 3);
    assert_eq!(f.pending.len(), MAX_PENDING);
    assert_eq!(f.held, MAX_PENDING * 100);
    // A fragment disagreeing with its message's length: dropped.
    let wrong = frame(&fragment_of(5, 99, 10, &[0; 10]), true);
    fragments_taken(&mut f, &[wrong]);
    assert_eq!(f.dropped, 2);
}

#[test]
fn a_message_in_too_many_separate_pieces_is_not_followed_further() {
    let mut f = Fragments::default();
    // One-byte pieces with a gap after each: every one stays separate.
    let frames: Vec<Vec<u8>> = (0..MAX_PIECES as u32 + 5)
        .map(|k| frame(&fragment_of(7, 4096, 2 * k, &[1]), true))
        .collect();
    fragments_taken(&mut f, &frames);
    assert_eq!(f.dropped, 5);
    let p = f.pending.values().next().expect("the message waits");
    assert_eq!(p.have.len(), MAX_PIECES);
}

#[test]
fn hostile_fragments_do_not_panic() {
    // Offsets and lengths at and past the message's end, empty pieces,
    // cut records.
    let mut f = Fragments::default();
    let cases = [
        fragment_of(1, 10, 10, &[]),
        fragment_of(1, 10, 9, &[1, 2]),
        fragment_of(1, 10, u32::MAX >> 8, &[1]),
        fragment_of(2, 0, 5, &[1]),
        fragment_of(3, 4, 0, &[1, 2, 3, 4, 5]),
    ];
    let mut frames: Vec<Vec<u8>> = cases.iter().map(|c| frame(c, true)).collect();
    for c in &cases {
        for cut in 0..c.len() {
            frames.push(frame(&c[..cut], true));
        }
    }
    fragments_taken(&mut f, &frames);
    assert!(f.held <= MAX_HELD_TOTAL);
}
