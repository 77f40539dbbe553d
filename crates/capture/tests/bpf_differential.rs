//! Capture filters against libpcap itself: for every dev capture
//! (`../shared/captures/dev`) and every filter in [`FILTERS`], the packets
//! our compiler + interpreter keep must be those `tcpdump -r F -w OUT EXPR`
//! keeps.
//!
//! Running tcpdump 60 times on each of 717 files would take long, so the
//! packets of all files are first merged into one pcap per link type (our
//! own `PcapWriter`), each packet's timestamp replaced by its index in that
//! file (seconds = index): tcpdump's output then names the packets it kept.
//! Files of link types we do not support are skipped and counted, as are
//! packets longer than 262144 bytes (libpcap refuses those records).
//!
//! Where tcpdump says "expression rejects all packets" (e.g. `arp` on raw
//! IP), we must either refuse the filter the same way or keep nothing.
//! Known, explained differences go in [`ALLOWED`].
//!
//! Without tcpdump or the corpus the test says so and passes; with
//! `WIRESIFT_REQUIRE_CORPUS=1` it fails instead.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use wiresift_capture::bpf::{self, Target, SUPPORTED_LINK_TYPES};
use wiresift_capture::{FileReader, PcapWriter};

/// The filters, covering every primitive and operator.
const FILTERS: &[&str] = &[
    // protocols
    "ip",
    "ip6",
    "arp",
    "rarp",
    "tcp",
    "udp",
    "icmp",
    "icmp6",
    "sctp",
    "igmp",
    "ah or esp",
    "pim",
    "vrrp or carp or igrp",
    "ip multicast",
    "ip6 multicast and udp",
    "not ip",
    "!arp && (ip || ip6)",
    // proto numbers
    "proto 17",
    "ip proto 6",
    "ip6 proto 58",
    "ip proto \\tcp",
    "ip6 proto 17 or ip6 proto 6",
    "ether proto 0x0806",
    "ether proto \\ip6",
    // hosts and nets
    "host 192.168.1.1",
    "src host 10.0.0.1",
    "dst host 192.168.0.1",
    "ip host 10.0.0.2",
    "arp host 192.168.1.1",
    "host 192.168.1.1 or 10.0.0.1",
    "src and dst host 127.0.0.1",
    "src or dst host 8.8.8.8",
    "ip6 host ::1",
    "ip6 src host fe80::1",
    "host 2001:db8::1",
    "net 192.168.0.0/16",
    "net 10.0.0.0 mask 255.0.0.0",
    "net 172.16",
    "src net 192.168",
    "dst net 10.0.0.0/8",
    "net 10/8",
    "host 10.1",
    "net 192.168.1",
    "net 224.0.0.0/4",
    "ip6 net fe80::/10",
    "ip6 dst net ff00::/8",
    "net 2001:db8::/32",
    // ports
    "port 80",
    "port 53",
    "tcp port 443",
    "udp port 53",
    "src port 53",
    "dst port 80",
    "port 80 or 443",
    "udp port 53 or 123",
    "sctp port 2905",
    "portrange 1-1023",
    "tcp portrange 8000-9000",
    "udp dst portrange 67-68",
    "src or dst port 53",
    "src and dst port 5060",
    "port http",
    "port domain",
    "udp port domain",
    "port ntp or port https",
    "udp port http",
    "ip port 80",
    "not port 22",
    // ethernet
    "ether broadcast",
    "ether multicast",
    "broadcast",
    "multicast",
    "ether host ff:ff:ff:ff:ff:ff",
    "ether src 00:00:00:00:00:00",
    "ether dst 01:00:5e:00:00:fb",
    "ether[0] & 1 != 0",
    "ether[12:2] = 0x0800",
    // vlan
    "vlan",
    "vlan 3394 and vlan 113",
    "vlan 50 or vlan 16",
    "vlan 3394 and not vlan 113",
    "vlan and ip",
    "vlan and tcp port 80",
    "vlan 100 or arp",
    "not vlan",
    "vlan and vlan",
    // lengths
    "less 100",
    "greater 1000",
    "len > 500",
    "len <= 64",
    // byte offsets and arithmetic
    "tcp[tcpflags] & tcp-syn != 0",
    "tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn",
    "tcp[13] & 7 != 0",
    "tcp[tcpflags] & tcp-rst != 0",
    "tcp[tcpflags] == tcp-ack|tcp-push",
    "tcp[tcpflags] & (tcp-fin|tcp-urg|tcp-ece|tcp-cwr) != 0",
    "ip[0] & 0xf != 5",
    "ip[6:2] & 0x1fff != 0",
    "ip[8] < 64",
    "ip[2:2] > 576",
    "icmp[icmptype] = icmp-echo",
    "icmp[icmptype] == icmp-echoreply or icmp[0] = icmp-unreach",
    "icmp[icmpcode] != 0",
    "udp[0:2] = 53",
    "tcp[2:2] = 80",
    "udp[4:2] > 512",
    "ip6[6] = 17",
    "icmp6[0] = 128",
    "icmp6[icmp6type] >= 133 and icmp6[icmp6type] <= 137",
    "ip[2:2] - ((ip[0]&0xf)<<2) - ((tcp[12]&0xf0)>>2) != 0",
    "len - 14 > 100 * 2",
    "ip[8] % 2 = 1",
    "(ip[1] ^ 0xff) > 200",
    "-ip[8] + 300 > 250",
    "ip[9] / 2 = 3",
    "tcp[ip[0] & 0xf] != 0",
    "arp[6:2] = 1",
    "udp[8:4] != 0 and udp port 53",
    // compound
    "tcp and (port 80 or port 443)",
    "not (tcp or udp)",
    "host 192.168.1.1 or port 53 and udp",
    "tcp port 80 and not src net 10.0.0.0/8",
    "(tcp or udp) and not port 53 and not port 80",
    "ip and not net 192.168.0.0/16 and not net 10.0.0.0/8",
];

/// Filters libpcap refuses on every link type; we must refuse them too.
const REFUSED: &[&str] = &["net 10/8", "udp port http", "ip port 80"];

/// Known differences: (filter, link type, reason). None so far.
const ALLOWED: &[(&str, u32, &str)] = &[];

fn tcpdump_available() -> bool {
    Command::new("tcpdump")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

struct Merged {
    path: PathBuf,
    big_endian: bool,
    /// (captured bytes, wire length) of each packet, by index.
    packets: Vec<(Vec<u8>, u32)>,
}

/// Merge the dev captures into one pcap per supported link type.
fn merge(dev: &Path, out: &Path) -> (BTreeMap<u32, Merged>, usize, BTreeMap<u32, usize>, usize) {
    let mut names: Vec<_> = std::fs::read_dir(dev)
        .expect("dev/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    names.sort();
    let mut merged: BTreeMap<u32, Merged> = BTreeMap::new();
    let mut files_used = 0;
    let mut skipped: BTreeMap<u32, usize> = BTreeMap::new();
    let mut too_long = 0;
    for path in &names {
        let Ok(mut r) = FileReader::open(path) else {
            continue;
        };
        let mut used = false;
        let mut other: Option<u32> = None;
        while let Ok(Some(p)) = r.next_packet() {
            if !SUPPORTED_LINK_TYPES.contains(&p.link_type) {
                other = Some(p.link_type);
                continue;
            }
            if p.data.len() > 262_144 || p.orig_len > 262_144 {
                too_long += 1;
                continue;
            }
            used = true;
            let m = merged.entry(p.link_type).or_insert_with(|| Merged {
                path: out.join(format!("lt{}.pcap", p.link_type)),
                big_endian: false,
                packets: Vec::new(),
            });
            m.packets.push((p.data.to_vec(), p.orig_len));
        }
        if used {
            files_used += 1;
        } else if let Some(lt) = other {
            *skipped.entry(lt).or_default() += 1;
        }
    }
    for (lt, m) in &merged {
        let f = std::fs::File::create(&m.path).expect("create merged pcap");
        let mut w =
            PcapWriter::new(std::io::BufWriter::new(f), *lt, 262_144, false).expect("pcap header");
        for (i, (data, len)) in m.packets.iter().enumerate() {
            w.write_record(i as i64, 0, *len, data).expect("write");
        }
        w.flush().expect("flush");
    }
    (merged, files_used, skipped, too_long)
}

/// What tcpdump keeps: the indices, or None when it refuses the filter
/// (with its message).
fn tcpdump_keeps(input: &Path, out: &Path, expr: &str) -> Result<Vec<usize>, String> {
    let o = Command::new("tcpdump")
        .args(["-r"])
        .arg(input)
        .arg("-w")
        .arg(out)
        .arg("--")
        .arg(expr)
        .output()
        .map_err(|e| e.to_string())?;
    if !o.status.success() {
        return Err(String::from_utf8_lossy(&o.stderr).trim().to_string());
    }
    let mut r = FileReader::open(out).map_err(|e| e.to_string())?;
    let mut v = Vec::new();
    while let Ok(Some(p)) = r.next_packet() {
        v.push(p.ts_secs as usize);
    }
    Ok(v)
}

#[test]
fn capture_filters_match_tcpdump() {
    let require = std::env::var("WIRESIFT_REQUIRE_CORPUS").as_deref() == Ok("1");
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    if !tcpdump_available() {
        assert!(!require, "tcpdump not found and WIRESIFT_REQUIRE_CORPUS=1");
        println!("tcpdump not found: skipping the capture filter differential test");
        return;
    }
    assert!(FILTERS.len() >= 60);
    let t0 = Instant::now();
    let dir = std::env::temp_dir().join(format!("wiresift-bpf-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (merged, files_used, skipped, too_long) = merge(&corpus.join("dev"), &dir);
    println!(
        "merged {files_used} files into {} link types ({:?} packets); skipped files by link type: {skipped:?}; packets over 262144 bytes: {too_long}; {:?}",
        merged.len(),
        merged.iter().map(|(lt, m)| (*lt, m.packets.len())).collect::<Vec<_>>(),
        t0.elapsed()
    );
    let out = dir.join("out.pcap");
    let mut failures = Vec::new();
    let (mut pairs, mut agree, mut both_refuse, mut tcpdump_refuses, mut packets) =
        (0, 0, 0, 0, 0usize);
    let mut kept_total = 0usize;
    let mut allowed_hits = Vec::new();
    let mut per_filter = Vec::new();
    for expr in FILTERS {
        let mut compiled_somewhere = false;
        let mut kept_here = 0usize;
        for (lt, m) in &merged {
            pairs += 1;
            let target = Target {
                link_type: *lt,
                snaplen: 262_144,
                null_big_endian: m.big_endian,
                vlan_in_metadata: false,
            };
            let ours = bpf::compile(expr, &target);
            let theirs = tcpdump_keeps(&m.path, &out, expr);
            let ours = match ours {
                Ok(prog) => {
                    bpf::validate(&prog).unwrap_or_else(|e| panic!("{expr} on {lt}: {e}"));
                    Ok(m.packets
                        .iter()
                        .enumerate()
                        .filter(|(_, (d, len))| bpf::interp::run(&prog, d, *len) != 0)
                        .map(|(i, _)| i)
                        .collect::<Vec<_>>())
                }
                Err(e) => Err(e.msg),
            };
            let ok = match (&ours, &theirs) {
                (Ok(a), Ok(b)) => {
                    packets += m.packets.len();
                    kept_total += b.len();
                    kept_here += b.len();
                    compiled_somewhere = true;
                    a == b
                }
                (Err(_), Err(_)) => {
                    both_refuse += 1;
                    true
                }
                (Ok(a), Err(t)) if t.contains("rejects all packets") => {
                    tcpdump_refuses += 1;
                    a.is_empty()
                }
                _ => false,
            };
            if ok {
                agree += 1;
                continue;
            }
            if let Some((_, _, why)) = ALLOWED.iter().find(|(e, l, _)| e == expr && l == lt) {
                allowed_hits.push(format!("{expr} on {lt}: {why}"));
                continue;
            }
            let detail = match (&ours, &theirs) {
                (Ok(a), Ok(b)) => {
                    let only_ours: Vec<_> = a.iter().filter(|i| !b.contains(i)).take(5).collect();
                    let only_theirs: Vec<_> = b.iter().filter(|i| !a.contains(i)).take(5).collect();
                    format!(
                        "we keep {}, tcpdump {}; only ours (first): {only_ours:?}, only tcpdump's: {only_theirs:?}",
                        a.len(),
                        b.len()
                    )
                }
                (a, b) => format!("ours: {a:?}, tcpdump: {b:?}"),
            };
            failures.push(format!("[{expr}] on link type {lt}: {detail}"));
        }
        if compiled_somewhere == REFUSED.contains(expr) {
            failures.push(format!(
                "[{expr}]: {}",
                if compiled_somewhere {
                    "expected to be refused everywhere"
                } else {
                    "refused on every link type"
                }
            ));
        }
        per_filter.push(format!("{kept_here} {expr}"));
    }
    println!(
        "packets kept (all link types) by each filter:\n  {}",
        per_filter.join("\n  ")
    );
    println!(
        "{} filters x {} link types = {pairs} pairs: {agree} agree ({both_refuse} refused by both, {tcpdump_refuses} refused by tcpdump as rejecting all, we keep none); {packets} packet verdicts compared, {kept_total} packets kept by tcpdump; {:?}",
        FILTERS.len(),
        merged.len(),
        t0.elapsed()
    );
    for a in &allowed_hits {
        println!("allowed: {a}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
