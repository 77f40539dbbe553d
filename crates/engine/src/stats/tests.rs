//! Each accumulator on crafted frames, and merge: any split of the packets,
//! merged, reports what one pass reports.

use super::table::{Counted, Table};
use super::*;
use crate::craft::{self, ipproto, Link};
use crate::{Dissector, Options};
use wiresift_capture::clock::FrameClock;
use wiresift_capture::Packet;
use wiresift_wire::ethernet::ethertype;
use wiresift_wire::frame::FrameMeta;
use wiresift_wire::tcp::TcpRepr;

const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
const MAC_B: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];
const A: [u8; 4] = [10, 0, 0, 1];
const B: [u8; 4] = [10, 0, 0, 2];
const C: [u8; 4] = [10, 0, 0, 3];

/// A frame and its time in µs from an epoch second.
struct Pkt {
    us: u64,
    data: Vec<u8>,
}

impl Pkt {
    /// The frame as a reader gives it, `us` microseconds into the capture.
    fn packet(&self) -> Packet<'_> {
        Packet {
            ts_secs: 1_700_000_000 + (self.us / 1_000_000) as i64,
            ts_nanos: (self.us % 1_000_000) as u32 * 1000,
            has_timestamp: true,
            checksum_offloaded: false,
            cap_len: self.data.len() as u32,
            orig_len: self.data.len() as u32,
            link_type: 1,
            interface_id: 0,
            data: &self.data,
        }
    }
}

fn link(src: [u8; 6], dst: [u8; 6]) -> Link {
    Link {
        src,
        dst,
        vlan: None,
    }
}

fn tcp4(l: Link, s: [u8; 4], d: [u8; 4], sp: u16, dp: u16, payload: &[u8]) -> Vec<u8> {
    let t = TcpRepr {
        src_port: sp,
        dst_port: dp,
        window: 1000,
        ..TcpRepr::default()
    };
    let seg = craft::tcp_segment(&t, payload, &s, &d);
    l.frame(
        ethertype::IPV4,
        &craft::ipv4_packet(craft::ipv4(s, d, 1, 64), ipproto::TCP, &seg),
    )
}

fn udp4(l: Link, s: [u8; 4], d: [u8; 4], sp: u16, dp: u16, payload: &[u8]) -> Vec<u8> {
    let u = craft::udp_datagram(sp, dp, payload, &s, &d);
    l.frame(
        ethertype::IPV4,
        &craft::ipv4_packet(craft::ipv4(s, d, 1, 64), ipproto::UDP, &u),
    )
}

fn v6(last: u8) -> [u8; 16] {
    let mut a = [0u8; 16];
    a[0] = 0x20;
    a[1] = 0x01;
    a[2] = 0x0d;
    a[3] = 0xb8;
    a[15] = last;
    a
}

fn tcp6(l: Link, s: [u8; 16], d: [u8; 16], sp: u16, dp: u16, payload: &[u8]) -> Vec<u8> {
    let t = TcpRepr {
        src_port: sp,
        dst_port: dp,
        window: 1000,
        ..TcpRepr::default()
    };
    let seg = craft::tcp_segment(&t, payload, &s, &d);
    l.frame(
        ethertype::IPV6,
        &craft::ipv6_packet(s, d, ipproto::TCP, &seg),
    )
}

/// Count `pkts` (numbered and timed as a file would be) into one Stats per
/// group: `group(i)` says which of `n` gets frame i. The frames are
/// dissected in file order, each group seeing only its own.
fn run_split(
    pkts: &[Pkt],
    opts: StatsOptions,
    n: usize,
    group: impl Fn(usize) -> usize,
) -> Vec<Stats> {
    let mut stats: Vec<Stats> = (0..n).map(|_| Stats::new(opts)).collect();
    let mut clock = FrameClock::default();
    let mut dissector = Dissector::new(
        Options {
            verify_checksums: false,
        },
        Default::default(),
    );
    for (i, p) in pkts.iter().enumerate() {
        let packet = p.packet();
        let meta = clock.meta(&packet);
        let mut d = Dissection::default();
        dissector.dissect(meta, &p.data, &mut d);
        stats[group(i)].add(&d);
    }
    stats
}

fn one_pass(pkts: &[Pkt], opts: StatsOptions) -> Report {
    run_split(pkts, opts, 1, |_| 0).remove(0).report()
}

fn merged(mut parts: Vec<Stats>) -> Report {
    let mut first = parts.remove(0);
    for p in parts {
        first.merge(p);
    }
    first.report()
}

fn all(top: usize) -> StatsOptions {
    StatsOptions {
        top,
        ..StatsOptions::default()
    }
}

/// A small mixed capture: a TCP exchange A→B, UDP A↔C, IPv6 TCP, ARP.
fn mixed() -> Vec<Pkt> {
    let ab = link(MAC_A, MAC_B);
    let ba = link(MAC_B, MAC_A);
    let mut v = vec![
        Pkt {
            us: 0,
            data: tcp4(ab, A, B, 40000, 80, b""),
        },
        Pkt {
            us: 1000,
            data: tcp4(ba, B, A, 80, 40000, b""),
        },
        Pkt {
            us: 2000,
            data: tcp4(ab, A, B, 40000, 80, b"GET / HTTP/1.0\r\n\r\n"),
        },
        Pkt {
            us: 1_500_000,
            data: udp4(ab, A, C, 5000, 53, b"query"),
        },
        Pkt {
            us: 1_600_000,
            data: udp4(ba, C, A, 53, 5000, b"answer!!"),
        },
        Pkt {
            us: 2_000_000,
            data: tcp6(ab, v6(1), v6(2), 41000, 443, b"hello"),
        },
        Pkt {
            us: 2_100_000,
            data: tcp6(ba, v6(2), v6(1), 443, 41000, b""),
        },
        Pkt {
            us: 3_250_000,
            data: tcp4(ba, B, A, 80, 40000, b"HTTP/1.0 200 OK\r\n\r\n"),
        },
    ];
    // ARP request (no IP): only the Ethernet table and phs see it.
    let mut arp = Vec::new();
    wiresift_wire::arp::ArpRepr {
        opcode: 1,
        sender_mac: MAC_A,
        sender_ip: A,
        target_mac: [0; 6],
        target_ip: B,
    }
    .emit(&mut arp);
    v.push(Pkt {
        us: 3_500_000,
        data: link(MAC_A, [0xff; 6]).frame(ethertype::ARP, &arp),
    });
    v
}

#[test]
fn summary_counts_times_and_link_types() {
    let pkts = mixed();
    let r = one_pass(&pkts, all(0));
    let s = r.summary.unwrap();
    let bytes: u64 = pkts.iter().map(|p| p.data.len() as u64).sum();
    assert_eq!(s.packets, 9);
    assert_eq!(s.bytes, bytes);
    assert_eq!(s.captured_bytes, bytes);
    assert_eq!(s.duration, 3.5);
    assert_eq!(s.first_time.as_deref(), Some("2023-11-14 22:13:20.000000"));
    assert_eq!(s.last_time.as_deref(), Some("2023-11-14 22:13:23.500000"));
    assert_eq!(s.link_types.len(), 1);
    assert_eq!(s.link_types[0].name, "Ethernet");
    assert_eq!(s.link_types[0].packets, 9);
    assert_eq!(s.average_size, Some(bytes as f64 / 9.0));
    assert_eq!(s.byte_rate, Some(bytes as f64 / 3.5));
    assert_eq!(s.packet_rate, Some(9.0 / 3.5));
    assert_eq!(s.min_size, pkts.iter().map(|p| p.data.len() as u32).min());
}

#[test]
fn time_text_is_utc_civil_time() {
    assert_eq!(
        summary::time_text((0, 0), false),
        "1970-01-01 00:00:00.000000"
    );
    assert_eq!(
        summary::time_text((951_782_400, 5), true),
        "2000-02-29 00:00:00.000000005"
    );
    assert_eq!(
        summary::time_text((-1, 0), false),
        "1969-12-31 23:59:59.000000"
    );
}

#[test]
fn phs_is_a_trie_in_first_seen_order() {
    let r = one_pass(&mixed(), all(0));
    let phs = r.phs.unwrap();
    assert_eq!(phs.truncated_frames, 0);
    let eth = &phs.nodes[0];
    assert_eq!((eth.protocol, eth.frames), ("eth", 9));
    assert_eq!(phs.nodes.len(), 1);
    let names: Vec<_> = eth
        .children
        .iter()
        .map(|c| (c.protocol, c.frames))
        .collect();
    assert_eq!(names, [("ip", 6), ("ipv6", 2), ("arp", 1)]);
    let ip = &eth.children[0];
    let under_ip: Vec<_> = ip.children.iter().map(|c| (c.protocol, c.frames)).collect();
    assert_eq!(under_ip, [("tcp", 4), ("udp", 2)]);
    // Bytes of a node are the frame lengths of its frames.
    let udp_bytes: u64 = mixed()[3..5].iter().map(|p| p.data.len() as u64).sum();
    assert_eq!(ip.children[1].bytes, udp_bytes);
}

#[test]
fn phs_skips_icmp_quotes_and_ipv6_extension_headers() {
    // The sample capture has a port-unreachable quoting a UDP datagram:
    // its quoted ip/udp are not a path of their own.
    let pkts: Vec<Pkt> = crate::sample::frames()
        .into_iter()
        .map(|f| Pkt {
            us: (f.ts_secs - 1_700_000_000) as u64 * 1_000_000 + u64::from(f.ts_nanos / 1000),
            data: f.data,
        })
        .collect();
    let r = one_pass(&pkts, all(0));
    fn walk(n: &[PhsNode], path: &mut Vec<&'static str>, out: &mut Vec<String>) {
        for c in n {
            path.push(c.protocol);
            out.push(path.join(":"));
            walk(&c.children, path, out);
            path.pop();
        }
    }
    let mut paths = Vec::new();
    walk(&r.phs.unwrap().nodes, &mut Vec::new(), &mut paths);
    assert!(paths.contains(&"eth:ip:icmp".to_string()), "{paths:?}");
    assert!(
        !paths.iter().any(|p| p.starts_with("eth:ip:icmp:ip")),
        "{paths:?}"
    );
    assert!(!paths.iter().any(|p| p.contains("ipv6.ext")), "{paths:?}");
}

#[test]
fn conversations_orient_from_the_first_frame() {
    let r = one_pass(&mixed(), all(0));
    let convs = r.conversations.unwrap();
    let by = |k: &str| convs.iter().find(|t| t.kind == k).unwrap();
    let tcp = by("tcp");
    assert_eq!(tcp.total, 2);
    // IPv4 TCP has 4 frames, IPv6 TCP 2: most frames first, both families.
    let t = &tcp.rows[0];
    assert_eq!(
        (t.a.as_str(), t.port_a, t.b.as_str(), t.port_b),
        ("10.0.0.1", Some(40000), "10.0.0.2", Some(80))
    );
    assert_eq!((t.frames_a_to_b, t.frames_b_to_a, t.frames), (2, 2, 4));
    assert_eq!(t.rel_start, 0.0);
    assert_eq!(t.duration, 3.25);
    let t6 = &tcp.rows[1];
    assert_eq!((t6.a.as_str(), t6.port_a), ("2001:db8::1", Some(41000)));
    assert_eq!(t6.rel_start, 2.0);
    assert!((t6.duration - 0.1).abs() < 1e-9);
    // UDP: C's port (53) is lower than A's, A still is "A": it sent first.
    let u = &by("udp").rows[0];
    assert_eq!(
        (u.a.as_str(), u.port_a, u.b.as_str()),
        ("10.0.0.1", Some(5000), "10.0.0.3")
    );
    let mixed = mixed();
    assert_eq!(u.bytes_a_to_b, mixed[3].data.len() as u64);
    assert_eq!(u.bytes_b_to_a, mixed[4].data.len() as u64);
    // Ethernet: A↔B carries everything but the broadcast ARP.
    let e = by("eth");
    assert_eq!(e.total, 2);
    assert_eq!(
        (e.rows[0].a.as_str(), e.rows[0].frames),
        ("02:00:00:00:00:0a", 8)
    );
    assert_eq!(
        (e.rows[1].b.as_str(), e.rows[1].frames),
        ("ff:ff:ff:ff:ff:ff", 1)
    );
    // IPv4: A↔B (4 frames) before A↔C (2).
    let ip = by("ip");
    assert_eq!(ip.rows.iter().map(|r| r.frames).collect::<Vec<_>>(), [4, 2]);
    assert_eq!(by("ipv6").rows[0].frames, 2);
}

#[test]
fn ties_keep_first_seen_order_and_top_cuts() {
    // Three UDP conversations of one frame each, in order C, B, A of ports.
    let ab = link(MAC_A, MAC_B);
    let pkts: Vec<Pkt> = [3000u16, 2000, 1000]
        .iter()
        .enumerate()
        .map(|(i, &p)| Pkt {
            us: i as u64,
            data: udp4(ab, A, B, p, 9, b"x"),
        })
        .collect();
    let r = one_pass(&pkts, all(2));
    let udp = &r.conversations.unwrap()[4];
    assert_eq!(udp.total, 3);
    assert_eq!(
        udp.rows
            .iter()
            .map(|r| r.port_a.unwrap())
            .collect::<Vec<_>>(),
        [3000, 2000]
    );
}

#[test]
fn endpoints_come_from_conversations() {
    let pkts = mixed();
    let r = one_pass(&pkts, all(0));
    let eps = r.endpoints.unwrap();
    let ip = &eps[1];
    assert_eq!(ip.kind, "ip");
    // A is in every IPv4 frame; then B (first seen before C).
    let rows: Vec<_> = ip
        .rows
        .iter()
        .map(|r| (r.address.as_str(), r.frames, r.tx_frames, r.rx_frames))
        .collect();
    assert_eq!(
        rows,
        [
            ("10.0.0.1", 6, 3, 3),
            ("10.0.0.2", 4, 2, 2),
            ("10.0.0.3", 2, 1, 1)
        ]
    );
    let a = &ip.rows[0];
    let sent: u64 = [0usize, 2, 3]
        .iter()
        .map(|&i| pkts[i].data.len() as u64)
        .sum();
    assert_eq!(a.tx_bytes, sent);
    let tcp = &eps[3];
    assert_eq!(tcp.total, 4);
    assert_eq!(
        (tcp.rows[0].address.as_str(), tcp.rows[0].port),
        ("10.0.0.1", Some(40000))
    );
    // Ethernet: the broadcast address only receives.
    let bc = eps[0]
        .rows
        .iter()
        .find(|r| r.address == "ff:ff:ff:ff:ff:ff")
        .unwrap();
    assert_eq!((bc.tx_frames, bc.rx_frames), (0, 1));
}

#[test]
fn endpoint_talking_to_itself_counts_both_ways() {
    let l = link(MAC_A, MAC_A);
    let pkts = vec![Pkt {
        us: 0,
        data: udp4(l, A, A, 1, 2, b""),
    }];
    let r = one_pass(&pkts, all(0));
    let ip = &r.endpoints.unwrap()[1];
    assert_eq!(
        (
            ip.rows[0].tx_frames,
            ip.rows[0].rx_frames,
            ip.rows[0].frames
        ),
        (1, 1, 2)
    );
}

#[test]
fn talkers_rank_hosts_by_bytes() {
    let r = one_pass(&mixed(), all(0));
    let t = r.talkers.unwrap();
    assert_eq!(t.total, 5);
    assert_eq!(t.rows[0].address, "10.0.0.1");
    // 10.0.0.1 is in every IPv4 frame, none of the IPv6 ones.
    let pkts = mixed();
    let len = |i: usize| pkts[i].data.len() as u64;
    let v4: u64 = [0, 1, 2, 3, 4, 7].iter().map(|&i| len(i)).sum();
    let v6 = len(5) + len(6);
    assert_eq!(t.ip_bytes, v4 + v6);
    assert_eq!(t.rows[0].bytes, v4);
    assert!((t.rows[0].share - v4 as f64 * 100.0 / (v4 + v6) as f64).abs() < 1e-9);
    let shares: f64 = t.rows.iter().map(|r| r.share).sum();
    assert!((shares - 200.0).abs() < 1e-6, "every byte has two ends");
}

#[test]
fn io_fixed_interval_rows() {
    let opts = StatsOptions {
        interval: Interval::Fixed(1_000_000_000),
        ..all(0)
    };
    let io = one_pass(&mixed(), opts).io.unwrap();
    assert_eq!(io.interval_ns, 1_000_000_000);
    assert!(!io.coarsened);
    assert_eq!(io.duration_ns, 3_500_000_000);
    let frames: Vec<u64> = io.rows.iter().map(|r| r.frames).collect();
    assert_eq!(frames, [3, 2, 2, 2]);
    assert_eq!(io.rows[3].start_ns, 3_000_000_000);
}

#[test]
fn io_auto_interval_aims_at_twenty_rows() {
    let io = one_pass(&mixed(), all(0)).io.unwrap();
    // 3.5 s: 200 ms gives 18 rows.
    assert_eq!(io.interval_ns, 200_000_000);
    assert_eq!(io.rows.len(), 18);
    assert_eq!(io.rows.iter().map(|r| r.frames).sum::<u64>(), 9);
}

#[test]
fn io_coarsens_past_the_row_cap() {
    let mut io = io::Io::new(Interval::Fixed(1_000));
    io.add(0, 10);
    // 1 s at 1 µs would need a million rows: ×10 until under the cap.
    io.add(1_000_000_000, 20);
    io.add(-5, 7);
    let r = io.report();
    assert!(r.coarsened);
    assert_eq!(r.interval_ns, 100_000);
    assert!(r.rows.len() <= io::MAX_ROWS);
    assert_eq!(r.rows.first().map(|x| x.bytes), Some(10));
    assert_eq!(r.rows.last().map(|x| x.bytes), Some(20));
    assert_eq!(r.before_start.map(|b| b.frames), Some(1));
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct N(u64);
impl Counted for N {
    fn counts(&self) -> (u64, u64) {
        (self.0, self.0)
    }
    fn merge(&mut self, o: &Self) {
        self.0 += o.0;
    }
}

fn kept(t: &Table<u32, N>) -> Vec<(u32, u64)> {
    let mut v: Vec<(u32, u64)> = t.iter().map(|(k, v)| (*k, v.0)).collect();
    v.sort();
    v
}

#[test]
fn full_table_keeps_the_same_keys_whatever_the_order() {
    // 200 keys, each seen (key % 3 + 1) times, into tables of 50.
    let mut seq: Vec<u32> = (0..200u32)
        .flat_map(|k| std::iter::repeat_n(k, k as usize % 3 + 1))
        .collect();
    let total: u64 = seq.len() as u64;
    let feed = |t: &mut Table<u32, N>, keys: &[u32]| {
        for &k in keys {
            match t.get_or_insert(k, || N(0)) {
                Some(v) => v.0 += 1,
                None => {
                    t.other.frames += 1;
                    t.other.bytes += 1;
                }
            }
        }
    };
    let mut one = Table::new(50);
    feed(&mut one, &seq);
    assert_eq!(one.len(), 50);
    let kept_one = kept(&one);
    let sum: u64 = kept_one.iter().map(|k| k.1).sum();
    assert_eq!(sum + one.other.frames, total);
    // Reversed, and split in three then merged: the same keys and counts.
    seq.reverse();
    let mut rev = Table::new(50);
    feed(&mut rev, &seq);
    assert_eq!(kept(&rev), kept_one);
    assert_eq!(rev.other, one.other);
    let mut parts: Vec<Table<u32, N>> = (0..3).map(|_| Table::new(50)).collect();
    for (i, &k) in seq.iter().enumerate() {
        feed(&mut parts[(k as usize + i) % 3], &[k]);
    }
    let mut m = parts.remove(0);
    for p in parts {
        m.merge(p);
    }
    assert_eq!(kept(&m), kept_one);
    assert_eq!(m.other, one.other);
}

#[test]
fn full_conversation_table_counts_the_rest_as_unattributed() {
    let ab = link(MAC_A, MAC_B);
    let pkts: Vec<Pkt> = (0..20u16)
        .map(|p| Pkt {
            us: u64::from(p),
            data: udp4(ab, A, B, 1000 + p, 53, b"q"),
        })
        .collect();
    let opts = StatsOptions {
        max_conversations: 5,
        ..all(0)
    };
    let r = one_pass(&pkts, opts);
    let udp = &r.conversations.as_ref().unwrap()[4];
    assert_eq!(udp.total, 5);
    assert_eq!(udp.unattributed.frames, 15);
    let kept: u64 = udp.rows.iter().map(|r| r.frames).sum();
    assert_eq!(kept, 5);
    assert_eq!(r.endpoints.unwrap()[4].unattributed.frames, 15);
}

/// Packets enough to exercise ties and both families, from the sample and
/// the mixed capture, in time order.
fn corpus() -> Vec<Pkt> {
    let mut v: Vec<Pkt> = crate::sample::frames()
        .into_iter()
        .map(|f| Pkt {
            us: (f.ts_secs - 1_767_261_600) as u64 * 1_000_000 + u64::from(f.ts_nanos / 1000),
            data: f.data,
        })
        .collect();
    let base = v.last().map_or(0, |p| p.us) + 10;
    v.extend(mixed().into_iter().map(|p| Pkt {
        us: base + p.us,
        ..p
    }));
    v
}

#[test]
fn merge_of_any_split_equals_one_pass() {
    let pkts = corpus();
    for opts in [
        all(0),
        all(3),
        StatsOptions {
            interval: Interval::Fixed(7_000_000),
            ..all(0)
        },
        StatsOptions {
            max_conversations: 2,
            ..all(0)
        },
    ] {
        let want = one_pass(&pkts, opts);
        // Halves, alternate frames, and by a hash of the frame number into 3.
        let halves = run_split(&pkts, opts, 2, |i| usize::from(i >= pkts.len() / 2));
        assert_eq!(merged(halves), want);
        let alternate = run_split(&pkts, opts, 2, |i| i % 2);
        assert_eq!(merged(alternate), want);
        let scattered = run_split(&pkts, opts, 3, |i| (i * 7 + 3) % 5 % 3);
        assert_eq!(merged(scattered), want);
        // Merging the other way round too.
        let mut parts = run_split(&pkts, opts, 2, |i| i % 2);
        parts.reverse();
        assert_eq!(merged(parts), want);
    }
}

/// Frames counted in any order (parts of a file read out of order, frames
/// kept for the end) report as in file order: what was "first seen" is the
/// least frame number, not the first counted.
#[test]
fn frames_counted_out_of_order_report_as_in_order() {
    let pkts = corpus();
    let mut clock = FrameClock::default();
    let metas: Vec<FrameMeta> = pkts.iter().map(|p| clock.meta(&p.packet())).collect();
    let count = |order: &mut dyn Iterator<Item = usize>| {
        let mut s = Stats::new(all(0));
        for i in order {
            let mut d = Dissection::default();
            crate::dissect::dissect(metas[i], &pkts[i].data, Options::default(), &mut d);
            s.add(&d);
        }
        s.report()
    };
    let forward = count(&mut (0..pkts.len()));
    assert_eq!(count(&mut (0..pkts.len()).rev()), forward);
    let half = pkts.len() / 2;
    assert_eq!(count(&mut (half..pkts.len()).chain(0..half)), forward);
}

#[test]
fn sections_left_out_are_absent() {
    let mut s = Sections::NONE;
    assert!(s.enable("io"));
    assert!(!s.enable("bogus"));
    let r = one_pass(
        &mixed(),
        StatsOptions {
            sections: s,
            ..all(0)
        },
    );
    assert!(r.io.is_some());
    assert!(r.summary.is_none() && r.phs.is_none() && r.conversations.is_none());
    assert!(r.endpoints.is_none() && r.talkers.is_none());
}

#[test]
fn tuple_path_rolls_up_to_the_per_layer_counts() {
    // The same frames counted per layer only, and by the default path
    // (whole tuples for the common stack): the same report.
    let pkts = corpus();
    let opts = all(0);
    let want = one_pass(&pkts, opts);
    let mut per_layer = Stats::new(opts);
    let mut clock = FrameClock::default();
    let mut dissector = Dissector::new(
        Options {
            verify_checksums: false,
        },
        Default::default(),
    );
    for p in &pkts {
        let packet = p.packet();
        let meta = clock.meta(&packet);
        let mut d = Dissection::default();
        dissector.dissect(meta, &p.data, &mut d);
        let mut summary_etc = Stats::new(StatsOptions {
            sections: Sections {
                conv: false,
                endpoints: false,
                talkers: false,
                ..Sections::ALL
            },
            ..opts
        });
        summary_etc.add(&d);
        per_layer.summary.merge(&summary_etc.summary);
        per_layer.phs.merge(&summary_etc.phs);
        per_layer.io.merge(&summary_etc.io);
        let rel = meta.rel_secs * 1_000_000_000 + i64::from(meta.rel_nanos);
        per_layer.add_per_layer(&d, u64::from(meta.len), rel, meta.number);
    }
    assert!(per_layer.tuples4.table.is_empty() && per_layer.tuples6.table.is_empty());
    assert_eq!(per_layer.report(), want);
}
