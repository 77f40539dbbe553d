//! Stream numbers of conversations tshark makes before their first packet
//! (SDP announcements) or from headers quoted in ICMP errors, on packet
//! sequences taken from the dev captures (addresses, ports and order as
//! there; the bytes are built).

use crate::craft::{ipproto, ipv4, ipv4_packet, nth_frame_meta, tcp_segment, udp_datagram, Link};
use crate::defrag::Limits;
use crate::dissect::{Dissection, Dissector, Options};
use crate::flow::{EndReason, FlowOptions, FlowStats};
use wire::ethernet::ethertype;
use wire::icmp::IcmpRepr;
use wire::tcp::{flag, TcpRepr};
use wire::Layer;
use wiresift_wire as wire;

const LINK: Link = Link {
    src: [2, 0, 0, 0, 0, 1],
    dst: [2, 0, 0, 0, 0, 2],
    vlan: None,
};

fn udp(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, payload: &[u8]) -> Vec<u8> {
    let u = udp_datagram(sport, dport, payload, &src, &dst);
    LINK.frame(
        ethertype::IPV4,
        &ipv4_packet(ipv4(src, dst, 1, 64), ipproto::UDP, &u),
    )
}

fn tcp_ip(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, flags: u16) -> Vec<u8> {
    let t = TcpRepr {
        src_port: sport,
        dst_port: dport,
        seq: 1000,
        ack: 0,
        flags,
        window: 1000,
        ..TcpRepr::default()
    };
    ipv4_packet(
        ipv4(src, dst, 1, 64),
        ipproto::TCP,
        &tcp_segment(&t, &[], &src, &dst),
    )
}

/// An ICMP port unreachable from `from` quoting `ip` (its first 28 bytes
/// or all of it).
fn icmp_error(from: [u8; 4], to: [u8; 4], ip: &[u8]) -> Vec<u8> {
    let mut m = Vec::new();
    IcmpRepr {
        kind: 3,
        code: 3,
        rest: 0,
    }
    .emit(&mut m, ip);
    LINK.frame(
        ethertype::IPV4,
        &ipv4_packet(ipv4(from, to, 2, 64), ipproto::ICMP, &m),
    )
}

/// `udp.stream` and `tcp.stream` values of each frame (several layers: all).
fn streams(frames: &[Vec<u8>]) -> Vec<Vec<(char, u32)>> {
    streams_with(frames, FlowOptions::default())
}

fn streams_with(frames: &[Vec<u8>], o: FlowOptions) -> Vec<Vec<(char, u32)>> {
    let mut dis = Dissector::new(Options::default(), Limits::default()).with_flows(o);
    frames
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut d = Dissection::default();
            dis.dissect(nth_frame_meta(i, f), f, &mut d);
            d.layers
                .iter()
                .filter_map(|e| match &e.layer {
                    Layer::Udp(u) => u.stream().map(|s| ('u', s)),
                    Layer::Tcp(t) => t.flow().map(|x| ('t', x.stream)),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

const MGW: [u8; 4] = [10, 23, 1, 52];
const SBC: [u8; 4] = [10, 35, 60, 100];
const MGC: [u8; 4] = [10, 35, 40, 22];
const MG: [u8; 4] = [10, 23, 1, 42];

fn sdp(addr: &str, port: u16, media: &str) -> Vec<u8> {
    format!(
        "SIP/2.0 200 OK\r\nContent-Type: application/sdp\r\n\r\nv=0\r\nc=IN IP4 {addr}\r\nm={media} {port} RTP/AVP 8\r\n"
    )
    .into_bytes()
}

/// ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap: the media gateway's port is
/// announced (frame 22), RTP flows to it (45: udp.stream 4), the other
/// side's port is announced (49) and its next datagram is a new stream
/// (59: 5) while the other direction keeps the first (its source's
/// announcement); both re-announced (176, 179), each direction is one more
/// (178: 6, 184: 7) and datagrams alternate between them. A conversation whose
/// 5-tuple came before any announcement keeps its number.
#[test]
fn sdp_announcements_number_like_tshark() {
    let rtp = |up: bool| match up {
        true => udp(SBC, 15580, MGW, 16756, b"\x80\x08rtp"),
        false => udp(MGW, 16756, SBC, 15580, b"\x80\x08rtp"),
    };
    let frames = vec![
        udp([10, 0, 0, 1], 5000, [10, 0, 0, 2], 5002, b"early"),
        udp(MG, 2944, MGC, 2944, &sdp("10.23.1.52", 16756, "audio")),
        rtp(true),
        udp(
            SBC,
            5060,
            [10, 35, 60, 72],
            5060,
            &sdp("10.35.60.100", 15580, "audio"),
        ),
        rtp(true),
        rtp(false),
        udp(
            SBC,
            5060,
            [10, 35, 60, 72],
            5060,
            &sdp("10.35.60.100", 15580, "audio"),
        ),
        udp(
            [10, 35, 60, 72],
            5060,
            SBC,
            5060,
            &sdp("10.23.1.52", 16756, "audio"),
        ),
        rtp(true),
        rtp(false),
        rtp(true),
        // Announced after its conversation began: no change.
        udp(MG, 2944, MGC, 2944, &sdp("10.0.0.1", 5000, "audio")),
        udp([10, 0, 0, 1], 5000, [10, 0, 0, 2], 5002, b"late"),
    ];
    let s: Vec<u32> = streams(&frames).iter().map(|v| v[0].1).collect();
    assert_eq!(s, vec![0, 1, 2, 3, 4, 2, 3, 3, 5, 6, 5, 1, 0]);
}

/// A worker that only glances at the frame announcing a conversation
/// numbers it as the one that followed that frame.
#[test]
fn a_glance_announces_too() {
    let announce = udp(MG, 2944, MGC, 2944, &sdp("10.23.1.52", 16756, "audio"));
    let rtp = udp(SBC, 15580, MGW, 16756, b"\x80\x08rtp");
    let mut dis =
        Dissector::new(Options::default(), Limits::default()).with_flows(FlowOptions::default());
    if let Some(f) = dis.flows.as_mut() {
        f.glance(nth_frame_meta(0, &announce), &announce, Options::default());
    }
    let first = {
        let mut d = Dissection::default();
        dis.dissect(nth_frame_meta(1, &rtp), &rtp, &mut d);
        d.layers.iter().find_map(|e| match &e.layer {
            Layer::Udp(u) => u.stream(),
            _ => None,
        })
    };
    assert_eq!(first, Some(0));
    let flow = dis.flows.as_mut().and_then(|f| f.current_flow_mut());
    assert!(flow.is_some_and(|f| f.announced));
}

/// ndpi__nintendo.pcap: a host's port unreachable quoting a datagram of
/// an existing conversation shows its stream; a quote of a conversation
/// not seen yet makes its stream, which its first packet then has, and
/// later streams keep tshark's numbers. A router's error (another pair of
/// hosts, as in zeek__smtp.pcap frame 26) is followed too, as tshark does;
/// unless only quotes between the error's own hosts are asked for (the
/// logs: their workers get errors by the errors' own pairs).
#[test]
fn quoted_tcp_headers_take_their_stream() {
    let client = [10, 10, 1, 4];
    let server = [74, 53, 140, 153];
    let router = [192, 168, 1, 1];
    let seg = |sport, flags| tcp_ip(client, sport, server, 25, flags);
    let frames = vec![
        LINK.frame(ethertype::IPV4, &seg(1470, flag::SYN)),
        icmp_error(server, client, &seg(1470, flag::ACK)),
        icmp_error(server, client, &seg(1471, flag::ACK)),
        // Eight bytes quoted: too short for a conversation.
        icmp_error(server, client, seg(1472, flag::ACK).get(..28).unwrap()),
        icmp_error(router, client, &seg(1474, flag::ACK)),
        LINK.frame(ethertype::IPV4, &seg(1473, flag::SYN)),
        LINK.frame(ethertype::IPV4, &seg(1471, flag::SYN)),
    ];
    let t = |s| vec![('t', s)];
    assert_eq!(
        streams(&frames),
        vec![t(0), t(0), t(1), vec![], t(2), t(3), t(1)]
    );
    let own = FlowOptions {
        all_quotes: false,
        ..FlowOptions::default()
    };
    assert_eq!(
        streams_with(&frames, own),
        vec![t(0), t(0), t(1), vec![], vec![], t(2), t(1)]
    );
}

/// A TCP segment from `src` to `dst` with `payload`.
#[allow(clippy::too_many_arguments)]
fn segment(
    src: [u8; 4],
    sport: u16,
    dst: [u8; 4],
    dport: u16,
    seq: u32,
    ack: u32,
    flags: u16,
    payload: &[u8],
) -> Vec<u8> {
    let t = TcpRepr {
        src_port: sport,
        dst_port: dport,
        seq,
        ack,
        flags,
        window: 1000,
        ..TcpRepr::default()
    };
    LINK.frame(
        ethertype::IPV4,
        &ipv4_packet(
            ipv4(src, dst, 1, 64),
            ipproto::TCP,
            &tcp_segment(&t, payload, &src, &dst),
        ),
    )
}

/// Client and server of the stream tests.
const C: [u8; 4] = [10, 0, 0, 1];
const S: [u8; 4] = [10, 0, 0, 2];

/// SYN and SYN-ACK of a connection from `C`:`sport` to `S`:80 with these
/// initial sequence numbers.
fn opening(sport: u16, client_isn: u32, server_isn: u32) -> [Vec<u8>; 2] {
    [
        segment(C, sport, S, 80, client_isn, 0, flag::SYN, b""),
        segment(
            S,
            80,
            C,
            sport,
            server_isn,
            client_isn + 1,
            flag::SYN | flag::ACK,
            b"",
        ),
    ]
}

#[test]
fn a_stopped_stream_delivers_nothing_and_gives_back_what_it_held() {
    let ack = flag::ACK;
    let [syn, syn_ack] = opening(40000, 100, 500);
    let frames = [
        syn,
        syn_ack,
        segment(C, 40000, S, 80, 101, 501, ack, b""),
        // Half a request: held by the message framing.
        segment(C, 40000, S, 80, 101, 501, ack, b"GET / HTTP/1.1\r\n"),
        // Past a hole: held by reassembly.
        segment(C, 40000, S, 80, 200, 501, ack, b"later bytes"),
    ];
    let mut dis =
        Dissector::new(Options::default(), Limits::default()).with_streams(FlowOptions::logs());
    let mut key = None;
    for (i, f) in frames.iter().enumerate() {
        let mut d = Dissection::default();
        let flows = dis.dissect(nth_frame_meta(i, f), f, &mut d);
        key = flows.and_then(|x| x.current()).map(|c| c.key);
    }
    let key = key.expect("a TCP conversation");
    let held = |dis: &Dissector| {
        let flows = dis.flows.as_ref().map_or(0, |f| f.reassembly_bytes());
        let apps = dis.apps.as_ref().map_or(0, |a| a.held());
        (flows, apps)
    };
    let (r, a) = held(&dis);
    assert!(
        r > 0 && a > 0,
        "bytes held before: {r} reassembly, {a} messages"
    );

    dis.stop_streams(&key);
    assert_eq!(held(&dis), (0, 0));
    let delivered = |dis: &mut Dissector, i: usize, f: &[u8]| {
        let mut d = Dissection::default();
        let flows = dis.dissect(nth_frame_meta(i, f), f, &mut d);
        flows.map_or(0, |x| x.delivered().len())
    };
    let more = segment(C, 40000, S, 80, 117, 501, ack, b"Host: a\r\n\r\n");
    assert_eq!(delivered(&mut dis, 5, &more), 0);

    // The same ports again with a new handshake: a new conversation,
    // reassembled again.
    let [syn, syn_ack] = opening(40000, 9000, 7000);
    let again = [
        syn,
        syn_ack,
        segment(C, 40000, S, 80, 9001, 7001, ack, b"GET / HTTP/1.1\r\n\r\n"),
    ];
    let got: Vec<usize> = again
        .iter()
        .enumerate()
        .map(|(i, f)| delivered(&mut dis, 6 + i, f))
        .collect();
    assert_eq!(got.last(), Some(&1), "deliveries per frame: {got:?}");
}

/// The application state is kept by the conversation's slot in the flow
/// table: a conversation that takes the slot of an evicted one starts
/// afresh, nothing of the other's half-read message carried over, and what
/// the other held is given back.
#[test]
fn a_slot_taken_by_a_later_conversation_starts_afresh() {
    let ack = flag::ACK;
    let [syn, syn_ack] = opening(40000, 100, 500);
    // A table of one: the next conversation evicts the first.
    let [next_syn, next_syn_ack] = opening(40001, 900, 300);
    let frames = [
        syn,
        syn_ack,
        segment(C, 40000, S, 80, 101, 501, ack, b"GET /first HTTP/1.1\r\nHo"),
        next_syn,
        next_syn_ack,
        segment(
            C,
            40001,
            S,
            80,
            901,
            301,
            ack,
            b"GET /second HTTP/1.1\r\n\r\n",
        ),
        segment(S, 80, C, 40001, 301, 927, ack, b""),
    ];
    let o = FlowOptions {
        max_flows: 1,
        ..FlowOptions::logs()
    };
    let mut dis = Dissector::new(Options::default(), Limits::default()).with_streams(o);
    let mut held = Vec::new();
    let mut uris = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        let mut d = Dissection::default();
        let flows = dis.dissect(nth_frame_meta(i, f), f, &mut d);
        let evicted = flows.map_or(0, |x| x.stats.evicted);
        for e in &d.layers {
            if let Layer::Http(h) = &e.layer {
                uris.push(h.uri().map(<[u8]>::to_vec));
            }
        }
        drop(d);
        held.push((evicted, dis.apps.as_ref().map_or(0, |a| a.held())));
    }
    assert_eq!(uris, vec![Some(b"/second".to_vec())]);
    assert!(
        held[2].0 == 0 && held[2].1 > 0,
        "the first's half request is held: {held:?}"
    );
    assert_eq!(held[6], (1, 0), "one eviction, nothing left held: {held:?}");
}

/// Whether the FIN of a response that runs to the close shows it (an HTTP
/// layer), the response's bytes coming as `body` segments.
fn shown_at_fin(o: FlowOptions, lose_one: bool) -> bool {
    let ack = flag::ACK;
    let req = b"GET / HTTP/1.0\r\n\r\n";
    let head = b"HTTP/1.0 200 OK\r\n\r\n";
    let [syn, syn_ack] = opening(40000, 100, 500);
    let mut frames = vec![
        syn,
        syn_ack,
        segment(C, 40000, S, 80, 101, 501, ack, b""),
        segment(C, 40000, S, 80, 101, 501, ack | flag::PSH, req),
        segment(S, 80, C, 40000, 501, 119, ack, head),
    ];
    let body_at = 501 + head.len() as u32;
    if !lose_one {
        frames.push(segment(S, 80, C, 40000, body_at, 119, ack, b"part one "));
    }
    frames.push(segment(
        S,
        80,
        C,
        40000,
        body_at + 9,
        119,
        ack | flag::FIN,
        b"part two",
    ));
    let mut dis = Dissector::new(Options::default(), Limits::default()).with_streams(o);
    let mut shown = false;
    for (i, f) in frames.iter().enumerate() {
        let mut d = Dissection::default();
        dis.dissect(nth_frame_meta(i, f), f, &mut d);
        shown = d.layers.iter().any(|e| matches!(e.layer, Layer::Http(_)));
    }
    shown
}

#[test]
fn a_fin_after_a_lost_segment_closes_no_message_with_or_without_the_analysis() {
    for o in [FlowOptions::default(), FlowOptions::logs()] {
        let what = if o.packet_fields { "packets" } else { "logs" };
        assert!(
            shown_at_fin(o, false),
            "{what}: the whole response at its FIN"
        );
        assert!(
            !shown_at_fin(o, true),
            "{what}: nothing after a lost segment"
        );
    }
}

/// A SYN with a new initial sequence number on a key in use starts a new
/// conversation (tshark's and Zeek's port reuse) and ends the old one.
/// What ended is kept only for a reader that takes it (the logs): per-packet
/// output, live for days, must not pile up every reused conversation.
#[test]
fn ended_conversations_are_kept_only_when_asked() {
    let (client, server) = ([10, 0, 0, 1], [10, 0, 0, 2]);
    let syn = |seq| {
        let t = TcpRepr {
            src_port: 1234,
            dst_port: 80,
            seq,
            flags: flag::SYN,
            window: 1000,
            ..TcpRepr::default()
        };
        let seg = tcp_segment(&t, &[], &client, &server);
        LINK.frame(
            ethertype::IPV4,
            &ipv4_packet(ipv4(client, server, 1, 64), ipproto::TCP, &seg),
        )
    };
    let frames: Vec<Vec<u8>> = (0..5u32).map(|i| syn(1000 + i * 77_777)).collect();
    for (o, kept) in [(FlowOptions::default(), 0), (FlowOptions::logs(), 4)] {
        let mut dis = Dissector::new(Options::default(), Limits::default()).with_flows(o);
        for (i, f) in frames.iter().enumerate() {
            let mut d = Dissection::default();
            dis.dissect(nth_frame_meta(i, f), f, &mut d);
        }
        let Some(flows) = dis.flows.as_mut() else {
            panic!("no flow engine");
        };
        assert_eq!(flows.stats.reused, 4);
        assert_eq!(
            flows.drain_ended().count(),
            kept,
            "keep_ended {}",
            o.keep_ended
        );
    }
}

/// The end of a capture taken a batch at a time ends the conversations in
/// the order ending them all at once does.
#[test]
fn finishing_by_batches_keeps_the_order() {
    let server = [10, 0, 0, 2];
    let frames: Vec<Vec<u8>> = (0..5u8)
        .map(|i| {
            LINK.frame(
                ethertype::IPV4,
                &tcp_ip([10, 0, 0, 10 + i], 1000, server, 80, flag::SYN),
            )
        })
        .collect();
    let run = |batch: usize| {
        let mut dis =
            Dissector::new(Options::default(), Limits::default()).with_flows(FlowOptions::logs());
        for (i, f) in frames.iter().enumerate() {
            let mut d = Dissection::default();
            dis.dissect(nth_frame_meta(i, f), f, &mut d);
        }
        let Some(flows) = dis.flows.as_mut() else {
            panic!("no flow engine");
        };
        let mut order = Vec::new();
        let mut sizes = Vec::new();
        loop {
            let more = flows.finish_some(batch);
            let got: Vec<u32> = flows.drain_ended().map(|e| e.flow.stream).collect();
            sizes.push(got.len());
            order.extend(got);
            if !more {
                break;
            }
        }
        (order, sizes)
    };
    let (all, _) = run(usize::MAX);
    assert_eq!(all, vec![0, 1, 2, 3, 4]);
    let (batched, sizes) = run(2);
    assert_eq!(batched, all);
    assert_eq!(sizes, vec![2, 2, 1]);
}

#[test]
fn conversations_are_those_of_the_layers_kept() {
    // An ICMP error (its own ICMP conversation) quoting a TCP header.
    let (client, server) = ([10, 10, 1, 4], [74, 53, 140, 153]);
    let frame = icmp_error(server, client, &tcp_ip(client, 1470, server, 25, flag::ACK));
    let mut d = Dissection::default();
    crate::dissect::dissect(
        nth_frame_meta(0, &frame),
        &frame,
        Options::default(),
        &mut d,
    );
    let kinds = |d: &Dissection| {
        let mut found = arrayvec::ArrayVec::new();
        crate::flow::key::all(d, &mut found);
        found
            .iter()
            .map(|c| (c.key.proto, c.quoted))
            .collect::<Vec<_>>()
    };
    let marked = |d: &Dissection| d.flow_layers().collect::<Vec<_>>();
    assert_eq!(kinds(&d), [(1, false), (6, true)]);
    // Frame, Ethernet, IP, ICMP, then the quoted IP and TCP.
    assert_eq!(marked(&d), [(2, false), (3, false), (4, true), (5, true)]);
    // The quote dropped: the error's own conversation is left.
    d.truncate_after(3);
    assert_eq!(kinds(&d), [(1, false)]);
    assert_eq!(marked(&d), [(2, false), (3, false)]);
    // The ICMP layer dropped: none.
    d.pop();
    assert_eq!(kinds(&d), []);
    assert_eq!(marked(&d), [(2, false)]);
}

/// Feed `frames` (time in milliseconds, bytes) to a flow engine with `o`;
/// the frame numbers (from 1) at which conversations ended, with the
/// server-side port of each (the higher-numbered side's port is not
/// needed: every test names its conversations by one port) and why.
fn ends(frames: &[(i64, Vec<u8>)], o: FlowOptions) -> (Vec<(u64, u16, EndReason)>, FlowStats) {
    let mut dis = Dissector::new(Options::default(), Limits::default()).with_flows(o);
    let mut got = Vec::new();
    for (i, (ms, f)) in frames.iter().enumerate() {
        let meta = wire::frame::FrameMeta {
            number: i as u64 + 1,
            ts_secs: ms.div_euclid(1000),
            ts_nanos: (ms.rem_euclid(1000) * 1_000_000) as u32,
            len: f.len() as u32,
            cap_len: f.len() as u32,
            link_type: 1,
            ..Default::default()
        };
        {
            let mut d = Dissection::default();
            dis.dissect(meta, f, &mut d);
        }
        let Some(flows) = dis.flows.as_mut() else {
            panic!("no flow engine");
        };
        for e in flows.drain_ended() {
            got.push((meta.number, e.key.port_a.min(e.key.port_b), e.why));
        }
    }
    let stats = dis.flows.as_ref().map(|f| f.stats).unwrap_or_default();
    (got, stats)
}

/// A datagram of a conversation no test looks at: it moves the clock.
fn tick() -> Vec<u8> {
    udp([10, 9, 9, 9], 40001, [10, 9, 9, 8], 40002, b"x")
}

#[test]
fn a_closed_connection_ends_five_seconds_after_its_close() {
    let a = flag::ACK;
    let [syn, syn_ack] = opening(40000, 100, 500);
    let frames = vec![
        (0, syn),
        (100, syn_ack),
        (200, segment(C, 40000, S, 80, 101, 501, a, b"")),
        // The client closes at 1 s; the server at 1.1 s completes it.
        (1000, segment(C, 40000, S, 80, 101, 501, a | flag::FIN, b"")),
        (1100, segment(S, 80, C, 40000, 501, 102, a | flag::FIN, b"")),
        (1200, segment(C, 40000, S, 80, 102, 502, a, b"")),
        (6099, tick()),
        // Zeek's tcp_close_delay after the complete close.
        (6100, tick()),
        // The same ports again: a new connection, not the old one reused.
        (7000, segment(C, 40000, S, 80, 9000, 0, flag::SYN, b"")),
    ];
    let (got, stats) = ends(&frames, FlowOptions::logs());
    assert_eq!(got, [(8, 80, EndReason::Timer)]);
    assert_eq!((stats.created, stats.reused, stats.timed_out), (3, 0, 1));
    // Without Zeek's timers (tshark's view) the conversation lives on, and
    // the SYN starts it anew on the same ports.
    let o = FlowOptions {
        zeek_timers: false,
        ..FlowOptions::logs()
    };
    let (got, stats) = ends(&frames, o);
    assert_eq!(got, [(9, 80, EndReason::Reused)]);
    assert_eq!(stats.timed_out, 0);
}

#[test]
fn an_unanswered_syn_ends_after_five_seconds() {
    let syn = || segment(C, 40000, S, 80, 100, 0, flag::SYN, b"");
    // Retransmitted at 3 s (no new timer: the client is no longer silent),
    // then at 7 s, after the attempt ended: a second connection.
    let frames = vec![
        (0, syn()),
        (3000, syn()),
        (4999, tick()),
        (5000, tick()),
        (7000, syn()),
        (12000, tick()),
    ];
    let (got, _) = ends(&frames, FlowOptions::logs());
    assert_eq!(got, [(4, 80, EndReason::Timer), (6, 80, EndReason::Timer)]);
}

#[test]
fn an_open_or_half_closed_connection_waits_for_the_inactivity_timeout() {
    let a = flag::ACK;
    let [syn, syn_ack] = opening(40000, 100, 500);
    let [syn2, syn_ack2] = opening(40001, 100, 500);
    let frames = vec![
        (0, syn),
        (100, syn_ack),
        (200, segment(C, 40000, S, 80, 101, 501, a, b"")),
        (0, syn2),
        (100, syn_ack2),
        (200, segment(C, 40001, S, 80, 101, 501, a, b"")),
        // Only the client of the second closes: its server still talks.
        (1000, segment(C, 40001, S, 80, 101, 501, a | flag::FIN, b"")),
        (200_000, tick()),
        // Zeek's tcp_inactivity_timeout (5 min) ends both.
        (301_000, tick()),
    ];
    let (got, _) = ends(&frames, FlowOptions::logs());
    let when: Vec<u64> = got.iter().map(|g| g.0).collect();
    assert_eq!(when, [9, 9]);
    assert!(got.iter().all(|g| g.2 == EndReason::Idle));
}

#[test]
fn dns_over_udp_ends_after_nine_quiet_seconds_at_a_ten_second_check() {
    let frames = vec![
        (0, udp(C, 40000, S, 53, b"query")),
        (500, udp(S, 53, C, 40000, b"reply")),
        // Not DNS to Zeek: only the 1 min UDP timeout ends it.
        (0, udp(C, 40003, S, 9999, b"other")),
        (9999, tick()),
        // The check at 10 s finds it quiet for 9.5 s.
        (10_000, tick()),
        (59_000, tick()),
        (61_000, tick()),
    ];
    let (got, _) = ends(&frames, FlowOptions::logs());
    assert_eq!(got, [(5, 53, EndReason::Timer), (7, 9999, EndReason::Idle)]);
    // A reply seen first (from port 53): Zeek flips the roles, the
    // responder's port is 53 all the same.
    let frames = vec![(0, udp(S, 53, C, 40000, b"reply")), (10_000, tick())];
    assert_eq!(
        ends(&frames, FlowOptions::logs()).0,
        [(2, 53, EndReason::Timer)]
    );
}

/// Zeek's rule in the logs: a segment with a bad checksum is neither
/// reassembled nor delivered (its bytes are a hole until sent again), and
/// it is counted; per-packet output, like tshark, reassembles it.
#[test]
fn corrupt_segments_are_left_out_of_the_logs_streams() {
    let ack = flag::ACK;
    let [syn, syn_ack] = opening(40000, 100, 500);
    let mut bad = segment(C, 40000, S, 80, 101, 501, ack, b"GET / HTTP/1.1\r\n");
    // Ethernet, IPv4, then the TCP checksum at 16.
    bad[14 + 20 + 16] ^= 0xff;
    let good = segment(C, 40000, S, 80, 101, 501, ack, b"GET / HTTP/1.1\r\n");
    let frames = [syn, syn_ack, bad, good];
    for (opts, dropped) in [(FlowOptions::logs(), true), (FlowOptions::default(), false)] {
        let mut dis = Dissector::new(Options::default(), Limits::default()).with_streams(opts);
        let delivered: Vec<usize> = frames
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mut d = Dissection::default();
                let flows = dis.dissect(nth_frame_meta(i, f), f, &mut d);
                flows.map_or(0, |x| x.delivered().len())
            })
            .collect();
        let stats = dis.flows.as_ref().map(|f| f.stats).expect("flows");
        if dropped {
            // The retransmission brings the bytes.
            assert_eq!(delivered, [0, 0, 0, 1]);
            assert_eq!((stats.frames, stats.corrupt), (4, 1));
        } else {
            assert_eq!(delivered, [0, 0, 1, 0]);
            assert_eq!((stats.frames, stats.corrupt), (4, 0));
        }
    }
}

/// Zeek drops a packet at an IPv4 header with a bad checksum: in the logs
/// it makes no conversation; per-packet output, like tshark, follows it.
#[test]
fn a_bad_ip_checksum_makes_no_conversation_in_the_logs() {
    let mut syn = segment(C, 40000, S, 80, 100, 0, flag::SYN, b"");
    // Ethernet, then the IPv4 header's checksum at 10.
    syn[14 + 10] ^= 0xff;
    for (opts, made) in [(FlowOptions::logs(), 0), (FlowOptions::default(), 1)] {
        let mut dis = Dissector::new(Options::default(), Limits::default()).with_streams(opts);
        let mut d = Dissection::default();
        let flows = dis.dissect(nth_frame_meta(0, &syn), &syn, &mut d);
        let stats = flows.map(|f| f.stats).expect("flows");
        assert_eq!(stats.created, made);
        assert_eq!(stats.corrupt, 1 - made);
    }
}
