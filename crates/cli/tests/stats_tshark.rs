//! `wiresift stats` against tshark 4.0's `-z` statistics and capinfos on
//! dev captures: the numbers, not the whitespace. Conversations and
//! endpoints of every layer (rows, directions, frames, bytes, relative start,
//! duration, and tshark's order), the protocol hierarchy on the protocols
//! both dissect, frames and bytes per interval (ours chosen automatically,
//! given to tshark), and capinfos' packet count and data size.
//!
//! `WIRESIFT_STATS_ALL=1` runs the comparison over the whole dev corpus and
//! prints the agreement per file instead of asserting (differences there
//! come from protocols tshark dissects and we do not yet).

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Captures whose every table tshark and wiresift agree on: Ethernet,
/// VLAN and QinQ, IPv4 and IPv6, TCP and UDP, ICMP, tunnels (GRE, IP in
/// IP), MPLS, Linux cooked capture, ties in the sort order.
const CAPTURES: &[&str] = &[
    "arkime__socks-http-example.pcap",
    "arkime__dns-mx.pcap",
    "arkime__6-4-gre-ppp-udp-4-dns.pcap",
    "arkime__mpls-basic.pcap",
    "pcpp__Pcap++Test-PcapExamples-VlanPackets.pcap",
    "pcpp__Packet++Test-PacketExamples-IPv6UdpPacket.pcap",
    "pcpp__Packet++Test-PacketExamples-SllPacket.pcap",
    "ndpi__wechat.pcap",
    "arkime__imap.pcap",
    "zeek__http-bro.org.pcap",
];

fn tshark() -> bool {
    if Command::new("tshark").arg("--version").output().is_ok() {
        return true;
    }
    if std::env::var("WIRESIFT_REQUIRE_CORPUS").as_deref() == Ok("1") {
        panic!("tshark is not installed and WIRESIFT_REQUIRE_CORPUS=1");
    }
    eprintln!("skipping: tshark is not installed");
    false
}

/// A byte count as tshark 4.0 prints it in conversation tables ("833
/// bytes", "61 kB", "2 MB"): the value and how far from it ours may be.
fn size(num: &str, unit: &str) -> (u64, u64) {
    let n: u64 = num.parse().unwrap_or(u64::MAX);
    match unit {
        "bytes" => (n, 0),
        "kB" => (n * 1000, 1000),
        "MB" => (n * 1_000_000, 1_000_000),
        "GB" => (n * 1_000_000_000, 1_000_000_000),
        _ => (u64::MAX, 0),
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Conv {
    a: String,
    b: String,
    /// tshark's `<-` (B to A) and `->` (A to B) frames; bytes with the
    /// tolerance of tshark's rounding.
    ba_frames: u64,
    ba_bytes: (u64, u64),
    ab_frames: u64,
    ab_bytes: (u64, u64),
    start: f64,
    duration: f64,
}

#[derive(Debug, Clone, PartialEq)]
struct Ep {
    addr: String,
    frames: u64,
    bytes: u64,
    tx: (u64, u64),
    rx: (u64, u64),
}

#[derive(Debug, Default)]
struct Tshark {
    convs: BTreeMap<String, Vec<Conv>>,
    endpoints: BTreeMap<String, Vec<Ep>>,
    /// Paths (`eth:ip:tcp`) with frames and bytes.
    phs: Vec<(String, u64, u64)>,
    io: Vec<(u64, u64)>,
}

const TITLES: &[(&str, &str)] = &[
    ("Ethernet", "eth"),
    ("IPv4", "ip"),
    ("IPv6", "ipv6"),
    ("TCP", "tcp"),
    ("UDP", "udp"),
];

fn kind_of(title: &str) -> Option<&'static str> {
    TITLES.iter().find(|t| t.0 == title).map(|t| t.1)
}

/// tshark's statistics of `file`, io rows `interval` seconds wide.
fn run_tshark(file: &Path, interval: &str) -> Tshark {
    let mut args: Vec<String> = vec!["-n".into(), "-q".into(), "-r".into()];
    args.push(file.display().to_string());
    for k in ["eth", "ip", "ipv6", "tcp", "udp"] {
        args.push("-z".into());
        args.push(format!("conv,{k}"));
        args.push("-z".into());
        args.push(format!("endpoints,{k}"));
    }
    args.extend(["-z", "io,phs", "-z"].map(String::from));
    args.push(format!("io,stat,{interval}"));
    let out = Command::new("tshark").args(&args).output().expect("tshark");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut t = Tshark::default();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(title) = line.strip_suffix(" Conversations") {
            let Some(kind) = kind_of(title) else { continue };
            let rows = t.convs.entry(kind.into()).or_default();
            for l in lines.by_ref() {
                if l.starts_with("====") {
                    break;
                }
                let f: Vec<&str> = l.split_whitespace().collect();
                if f.len() != 14 || f[1] != "<->" {
                    continue;
                }
                rows.push(Conv {
                    a: f[0].into(),
                    b: f[2].into(),
                    ba_frames: f[3].parse().unwrap(),
                    ba_bytes: size(f[4], f[5]),
                    ab_frames: f[6].parse().unwrap(),
                    ab_bytes: size(f[7], f[8]),
                    start: f[12].parse().unwrap(),
                    duration: f[13].parse().unwrap(),
                });
            }
        } else if let Some(title) = line.strip_suffix(" Endpoints") {
            let Some(kind) = kind_of(title) else { continue };
            let ports = matches!(kind, "tcp" | "udp");
            let rows = t.endpoints.entry(kind.into()).or_default();
            for l in lines.by_ref() {
                if l.starts_with("====") {
                    break;
                }
                let f: Vec<&str> = l.split_whitespace().collect();
                let n = if ports { 8 } else { 7 };
                if f.len() != n || l.starts_with(' ') {
                    continue;
                }
                let (addr, rest) = if ports {
                    (format!("{}:{}", f[0], f[1]), &f[2..])
                } else {
                    (f[0].to_string(), &f[1..])
                };
                let v: Vec<u64> = rest.iter().map(|x| x.parse().unwrap()).collect();
                rows.push(Ep {
                    addr,
                    frames: v[0],
                    bytes: v[1],
                    tx: (v[2], v[3]),
                    rx: (v[4], v[5]),
                });
            }
        } else if line == "Protocol Hierarchy Statistics" {
            let mut path: Vec<String> = Vec::new();
            for l in lines.by_ref() {
                if l.starts_with("====") {
                    break;
                }
                let Some(fr) = l.find("frames:") else {
                    continue;
                };
                let name_part = &l[..fr];
                let depth = (name_part.len() - name_part.trim_start().len()) / 2;
                let name = name_part.trim().to_string();
                let nums: Vec<u64> = l[fr..]
                    .split_whitespace()
                    .filter_map(|x| x.split(':').nth(1).and_then(|n| n.parse().ok()))
                    .collect();
                path.truncate(depth);
                path.push(name);
                t.phs.push((path.join(":"), nums[0], nums[1]));
            }
        } else if line.contains("| Interval") && line.contains("Frames") {
            lines.next();
            for l in lines.by_ref() {
                if l.starts_with("====") {
                    break;
                }
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                if cells.len() >= 4 {
                    t.io.push((cells[2].parse().unwrap(), cells[3].parse().unwrap()));
                }
            }
        }
    }
    t
}

fn ours(file: &Path) -> Value {
    let out = common::run(&[
        "stats",
        "-r",
        file.to_str().unwrap(),
        "--json",
        "--top",
        "0",
    ]);
    assert!(
        out.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

fn end(addr: &Value, port: &Value) -> String {
    match port.as_u64() {
        Some(p) => format!("{}:{p}", addr.as_str().unwrap()),
        None => addr.as_str().unwrap().to_string(),
    }
}

/// Protocols whose place in the hierarchy both dissectors agree on; a
/// tshark node under anything else is not compared.
const CORE: &[&str] = &[
    "eth", "vlan", "ip", "ipv6", "tcp", "udp", "icmp", "icmpv6", "arp", "sll", "gre", "ppp",
    "mpls", "pppoes", "llc", "null",
];

/// Every difference between tshark's numbers and ours for one file.
fn compare(file: &Path) -> Vec<String> {
    // Our automatic interval (at most 20 rows) keeps tshark's io table
    // short even for a capture whose times span years.
    let o = ours(file);
    let interval_ns = o["io"]["interval_ns"].as_u64().unwrap();
    let interval = format!("{}", interval_ns as f64 / 1e9);
    let t = run_tshark(file, &interval);
    let mut bad = Vec::new();
    for table in o["conversations"].as_array().unwrap() {
        let kind = table["kind"].as_str().unwrap();
        let theirs = t.convs.get(kind).cloned().unwrap_or_default();
        let mine: Vec<Conv> = table["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let n = |k: &str| r[k].as_u64().unwrap();
                Conv {
                    a: end(&r["a"], &r["port_a"]),
                    b: end(&r["b"], &r["port_b"]),
                    ba_frames: n("frames_b_to_a"),
                    ba_bytes: (n("bytes_b_to_a"), 0),
                    ab_frames: n("frames_a_to_b"),
                    ab_bytes: (n("bytes_a_to_b"), 0),
                    start: r["rel_start"].as_f64().unwrap(),
                    duration: r["duration"].as_f64().unwrap(),
                }
            })
            .collect();
        if theirs.len() != mine.len() {
            bad.push(format!(
                "conv,{kind}: tshark has {} rows, we have {}",
                theirs.len(),
                mine.len()
            ));
            continue;
        }
        for (i, (x, y)) in theirs.iter().zip(&mine).enumerate() {
            let close = |t: (u64, u64), m: u64| t.0.abs_diff(m) <= t.1;
            let ok = x.a == y.a
                && x.b == y.b
                && x.ba_frames == y.ba_frames
                && x.ab_frames == y.ab_frames
                && close(x.ba_bytes, y.ba_bytes.0)
                && close(x.ab_bytes, y.ab_bytes.0)
                && (x.start - y.start).abs() < 1e-6
                && (x.duration - y.duration).abs() < 1.01e-4;
            if !ok {
                bad.push(format!("conv,{kind} row {i}: tshark {x:?}\n  ours {y:?}"));
                break;
            }
        }
    }
    for table in o["endpoints"].as_array().unwrap() {
        let kind = table["kind"].as_str().unwrap();
        let theirs = t.endpoints.get(kind).cloned().unwrap_or_default();
        let mine: Vec<Ep> = table["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let n = |k: &str| r[k].as_u64().unwrap();
                Ep {
                    addr: end(&r["address"], &r["port"]),
                    frames: n("frames"),
                    bytes: n("bytes"),
                    tx: (n("tx_frames"), n("tx_bytes")),
                    rx: (n("rx_frames"), n("rx_bytes")),
                }
            })
            .collect();
        if theirs != mine {
            let i = theirs.iter().zip(&mine).position(|(a, b)| a != b);
            bad.push(format!(
                "endpoints,{kind}: {} rows vs our {}; first difference at {i:?}: {:?} / {:?}",
                theirs.len(),
                mine.len(),
                i.and_then(|i| theirs.get(i)),
                i.and_then(|i| mine.get(i))
            ));
        }
    }
    // The hierarchy: every tshark node whose path is of core protocols.
    let mut our_phs = BTreeMap::new();
    fn walk(n: &Value, path: &str, out: &mut BTreeMap<String, (u64, u64)>) {
        for c in n.as_array().into_iter().flatten() {
            let p = if path.is_empty() {
                c["protocol"].as_str().unwrap().to_string()
            } else {
                format!("{path}:{}", c["protocol"].as_str().unwrap())
            };
            out.insert(
                p.clone(),
                (c["frames"].as_u64().unwrap(), c["bytes"].as_u64().unwrap()),
            );
            walk(&c["children"], &p, out);
        }
    }
    walk(&o["phs"]["nodes"], "", &mut our_phs);
    for (path, frames, bytes) in &t.phs {
        if !path.split(':').all(|p| CORE.contains(&p)) {
            continue;
        }
        if our_phs.get(path) != Some(&(*frames, *bytes)) {
            bad.push(format!(
                "phs {path}: tshark frames:{frames} bytes:{bytes}, ours {:?}",
                our_phs.get(path)
            ));
        }
    }
    // Frames and bytes a second.
    let rows: Vec<(u64, u64)> = o["io"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["frames"].as_u64().unwrap(), r["bytes"].as_u64().unwrap()))
        .collect();
    // tshark prints no row at all for a capture that lasts 0 s; we print
    // the one interval its frames are in.
    let instant = t.io.is_empty() && o["io"]["duration_ns"].as_u64() == Some(0);
    if rows != t.io && !instant {
        bad.push(format!(
            "io,stat,{interval}: tshark {:?}\n  ours {rows:?}",
            t.io
        ));
    }
    // capinfos: packets and data size.
    let ci = Command::new("capinfos")
        .args(["-c", "-d", "-M"])
        .arg(file)
        .output();
    if let Ok(ci) = ci {
        let text = String::from_utf8_lossy(&ci.stdout);
        let num = |key: &str| {
            text.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().find_map(|w| w.parse::<u64>().ok()))
        };
        let s = &o["summary"];
        if let Some(n) = num("Number of packets") {
            if s["packets"].as_u64() != Some(n) {
                bad.push(format!("capinfos packets {n}, ours {}", s["packets"]));
            }
        }
        if let Some(n) = num("Data size") {
            if s["bytes"].as_u64() != Some(n) {
                bad.push(format!("capinfos data size {n}, ours {}", s["bytes"]));
            }
        }
    }
    bad
}

#[test]
fn stats_agree_with_tshark_on_dev_captures() {
    let Some(shared) = common::shared() else {
        return;
    };
    if !tshark() {
        return;
    }
    let dev = shared.join("captures/dev");
    if std::env::var("WIRESIFT_STATS_ALL").as_deref() == Ok("1") {
        let files = common::dev_captures(&shared);
        let results = common::par_map(&files, |f| {
            std::panic::catch_unwind(|| compare(f)).unwrap_or_else(|_| {
                vec!["the comparison itself failed (see the panic above)".into()]
            })
        });
        let mut agree = 0;
        for (f, bad) in files.iter().zip(&results) {
            if bad.is_empty() {
                agree += 1;
            } else {
                eprintln!("{}:\n  {}", f.display(), bad.join("\n  "));
            }
        }
        eprintln!(
            "stats agree with tshark on {agree} of {} files",
            files.len()
        );
        return;
    }
    let files: Vec<_> = CAPTURES.iter().map(|c| dev.join(c)).collect();
    let results = common::par_map(&files, |f| compare(f));
    let mut failures = Vec::new();
    for (f, bad) in files.iter().zip(results) {
        eprintln!(
            "{}: {}",
            f.display(),
            if bad.is_empty() { "agrees" } else { "DIFFERS" }
        );
        if !bad.is_empty() {
            failures.push(format!("{}:\n  {}", f.display(), bad.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
