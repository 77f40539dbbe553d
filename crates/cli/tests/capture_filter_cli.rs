//! Capture filters (`-f`) through the `wiresift` command, on a capture made
//! with wiresift's own packet builders (`engine::craft`): which packets are
//! kept, how they are numbered, `-f` with `-Y`, `-c` and `-w`, the errors,
//! and `wiresift filter --bpf`.

mod common;

use common::{run, stdout_of, TempDir};
use std::path::Path;
use wiresift_capture::{FileReader, PcapWriter};
use wiresift_engine::craft::{self, ipproto, Link};
use wiresift_wire::ethernet::ethertype;
use wiresift_wire::tcp::{flag, TcpRepr};

const C: [u8; 4] = [10, 1, 0, 5];
const S: [u8; 4] = [192, 0, 2, 80];
const C6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5];
const S6: [u8; 16] = [
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53,
];

fn tcp(sport: u16, dport: u16, flags: u16) -> TcpRepr {
    let ack = if flags & flag::ACK != 0 { 2000 } else { 0 };
    craft::tcp(sport, dport, 1000, ack, flags)
}

/// The frames, in order (the comment is each one's 1-based number):
fn frames() -> Vec<Vec<u8>> {
    let lan = Link {
        src: [2, 0, 0, 0, 0, 1],
        dst: [2, 0, 0, 0, 0, 2],
        vlan: None,
    };
    let tagged = Link {
        vlan: Some(42),
        ..lan
    };
    let v4tcp = |l: &Link, sport, dport, flags| {
        let seg = craft::tcp_segment(&tcp(sport, dport, flags), b"", &C, &S);
        l.frame(
            ethertype::IPV4,
            &craft::ipv4_packet(craft::ipv4(C, S, 1, 64), ipproto::TCP, &seg),
        )
    };
    let v4udp = |l: &Link, sport, dport, payload: &[u8]| {
        let d = craft::udp_datagram(sport, dport, payload, &C, &S);
        l.frame(
            ethertype::IPV4,
            &craft::ipv4_packet(craft::ipv4(C, S, 2, 64), ipproto::UDP, &d),
        )
    };
    let v6udp = |sport, dport| {
        let d = craft::udp_datagram(sport, dport, b"q", &C6, &S6);
        lan.frame(
            ethertype::IPV6,
            &craft::ipv6_packet(C6, S6, ipproto::UDP, &d),
        )
    };
    vec![
        v4tcp(&lan, 40_000, 80, flag::SYN),                     // 1
        v4tcp(&lan.reply(), 80, 40_000, flag::SYN | flag::ACK), // 2 (addresses as built)
        v4udp(&lan, 5353, 53, b"query"),                        // 3
        v6udp(5353, 53),                                        // 4
        v4tcp(&tagged, 40_001, 443, flag::ACK),                 // 5: VLAN 42
        v4udp(&lan, 1000, 2000, &[0u8; 400]),                   // 6: a long one
        v6udp(6000, 7000),                                      // 7
    ]
}

fn write_capture(path: &Path) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = PcapWriter::new(std::io::BufWriter::new(f), 1, 262_144, false).unwrap();
    for (i, fr) in frames().iter().enumerate() {
        w.write_record(1_700_000_000 + i as i64, 0, fr.len() as u32, fr)
            .unwrap();
    }
    w.flush().unwrap();
}

/// `frame.number` and `frame.len` of the kept packets.
fn kept(file: &Path, expr: &str, extra: &[&str]) -> Vec<(u64, usize)> {
    let f = file.to_str().unwrap();
    let mut args = vec![
        "-r",
        f,
        "-f",
        expr,
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "frame.len",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(
        o.status.success(),
        "{expr}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout_of(&o)
        .lines()
        .map(|l| {
            let (n, len) = l.split_once('\t').unwrap();
            (n.parse().unwrap(), len.parse().unwrap())
        })
        .collect()
}

#[test]
fn kept_packets_are_renumbered_from_one() {
    let dir = TempDir::new("cf");
    let file = dir.path("crafted.pcap");
    write_capture(&file);
    let lens: Vec<usize> = frames().iter().map(Vec::len).collect();
    let expect = |idx: &[usize]| -> Vec<(u64, usize)> {
        idx.iter()
            .enumerate()
            .map(|(n, i)| (n as u64 + 1, lens[i - 1]))
            .collect()
    };
    let cases: &[(&str, &[usize])] = &[
        ("", &[1, 2, 3, 4, 5, 6, 7]),
        ("tcp", &[1, 2]),
        ("vlan and tcp", &[5]),
        ("vlan 42 and tcp port 443", &[5]),
        ("udp port 53", &[3, 4]),
        ("ip6", &[4, 7]),
        ("ip6 and udp dst port 7000", &[7]),
        ("tcp[tcpflags] & tcp-syn != 0", &[1, 2]),
        ("tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn", &[1]),
        ("host 10.1.0.5 and not port 80", &[3, 6]),
        ("net 2001:db8::/32 and src port 6000", &[7]),
        ("greater 300", &[6]),
        ("ether src 02:00:00:00:00:01 and not vlan", &[1, 3, 4, 6, 7]),
        ("udp or tcp and port 53", &[3, 4]),
        ("arp", &[]),
    ];
    for (expr, idx) in cases {
        assert_eq!(kept(&file, expr, &[]), expect(idx), "-f '{expr}'");
    }
    // With a display filter too: -f first, then -Y on what is left (frame
    // numbers are those after -f).
    assert_eq!(
        kept(&file, "udp", &["-Y", "ipv6"]),
        vec![(2, lens[3]), (4, lens[6])]
    );
    // -c counts kept packets.
    assert_eq!(kept(&file, "udp", &["-c", "2"]), expect(&[3, 4]));
}

#[test]
fn written_file_holds_only_kept_packets() {
    let dir = TempDir::new("cfw");
    let file = dir.path("crafted.pcap");
    write_capture(&file);
    let out = dir.path("out.pcap");
    let o = run(&[
        "-r",
        file.to_str().unwrap(),
        "-f",
        "udp",
        "-w",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let all = frames();
    let mut r = FileReader::open(&out).unwrap();
    let mut got = Vec::new();
    while let Some(p) = r.next_packet().unwrap() {
        got.push((p.ts_secs, p.data.to_vec()));
    }
    let want: Vec<(i64, Vec<u8>)> = [3usize, 4, 6, 7]
        .iter()
        .map(|i| (1_700_000_000 + *i as i64 - 1, all[i - 1].clone()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn bad_filters_fail_before_reading_with_a_caret() {
    let dir = TempDir::new("cfe");
    let file = dir.path("crafted.pcap");
    write_capture(&file);
    let f = file.to_str().unwrap();
    let o = run(&["-r", f, "-f", "tcp prot 80"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err,
        "wiresift: capture filter: unknown keyword 'prot'\n    tcp prot 80\n        ^~~~\n    did you mean port, proto?\n"
    );
    // A file that does not exist is not even opened when the filter is bad.
    let o = run(&["-r", "/nonexistent.pcap", "-f", "port 70000"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("'70000' is not a port"));
}

#[test]
fn unsupported_link_types_are_named() {
    let dir = TempDir::new("cfl");
    let file = dir.path("radiotap.pcap");
    let f = std::fs::File::create(&file).unwrap();
    let mut w = PcapWriter::new(f, 127, 65_535, false).unwrap();
    w.write_record(1, 0, 8, &[0, 0, 8, 0, 0, 0, 0, 0]).unwrap();
    w.flush().unwrap();
    drop(w);
    let o = run(&["-r", file.to_str().unwrap(), "-f", "tcp"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not supported on link type 127 (802.11 radiotap)"),
        "{err}"
    );
    // Without a filter the file reads fine.
    assert!(run(&["-r", file.to_str().unwrap()]).status.success());
}

#[test]
fn filter_bpf_prints_the_program() {
    let o = run(&["filter", "--bpf", "ip"]);
    assert!(o.status.success());
    assert_eq!(
        stdout_of(&o),
        "(000) ldh      [12]\n(001) jeq      #0x800           jt 2\tjf 3\n(002) ret      #262144\n(003) ret      #0\n"
    );
    let o = run(&["filter", "--bpf", "tcp port 80", "--linktype", "113"]);
    assert!(o.status.success());
    let s = stdout_of(&o);
    assert!(s.starts_with("(000) ldh      [14]\n"), "{s}");
    assert!(s.contains("ldxb     4*([16]&0xf)"), "{s}");
    let o = run(&["filter", "--bpf", "vlan", "--linktype", "113"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("VLAN tags are not supported on link type 113")
    );
    let o = run(&["filter", "--bpf", "hots 1.2.3.4"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean host?"));
    // --linktype only with --bpf; --bpf and --explain not together.
    assert!(!run(&["filter", "--explain", "ip", "--linktype", "1"])
        .status
        .success());
    assert!(!run(&["filter", "--explain", "ip", "--bpf", "ip"])
        .status
        .success());
    // The display filter side is unchanged.
    assert!(run(&["filter", "--explain", "ip"]).status.success());
}
