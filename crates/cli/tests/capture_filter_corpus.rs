//! `-f` end to end on real files, against tcpdump: for each dev capture of a
//! link type we support (every BSD-loopback file, whose address family is
//! read in the file's byte order, and every fourth of the others, so that
//! the test stays short), `wiresift -r F -f EXPR -w A` must write the same
//! packets, in the same order, as `tcpdump -r F -w B EXPR` (compared by
//! timestamp to the microsecond and bytes). This goes through the reader
//! (pcap and pcapng, several interfaces), the filter and the writer, where
//! `crates/capture/tests/bpf_differential.rs` checks the compiler on many
//! more filters.
//!
//! Where tcpdump refuses a filter for a file's link type (`vlan` on BSD
//! loopback, `arp` on raw IP) we must refuse it too or keep nothing. Files
//! tcpdump cannot read (pcapng whose interfaces differ in link type or
//! snapshot length), or
//! whose link types we do not support, are skipped and counted. Without tcpdump or the corpus the test says so and
//! passes; with WIRESIFT_REQUIRE_CORPUS=1 it fails instead.

mod common;

use common::TempDir;
use std::path::Path;
use std::process::Command;
use wiresift_capture::bpf::SUPPORTED_LINK_TYPES;
use wiresift_capture::FileReader;

const FILTERS: &[&str] = &[
    "ip",
    "tcp port 80 or udp port 53",
    "not arp and greater 100",
    "ip6 or vlan",
    "tcp[tcpflags] & tcp-syn != 0",
];

/// (timestamp in µs, bytes) of each packet, or None if unreadable.
fn packets(path: &Path) -> Option<Vec<(i128, Vec<u8>)>> {
    let mut r = FileReader::open(path).ok()?;
    let mut v = Vec::new();
    while let Ok(Some(p)) = r.next_packet() {
        v.push((
            i128::from(p.ts_secs) * 1_000_000 + i128::from(p.ts_nanos / 1000),
            p.data.to_vec(),
        ));
    }
    Some(v)
}

/// The link types of a file's packets.
fn link_types(path: &Path) -> Vec<u32> {
    let mut v = Vec::new();
    if let Ok(mut r) = FileReader::open(path) {
        while let Ok(Some(p)) = r.next_packet() {
            if !v.contains(&p.link_type) {
                v.push(p.link_type);
            }
        }
    }
    v
}

enum Verdict {
    Same(usize),
    BothRefuse,
    Skipped(String),
    Differ(String),
}

#[test]
fn files_filtered_through_the_cli_match_tcpdump() {
    let Some(shared) = common::shared() else {
        return;
    };
    let have_tcpdump = Command::new("tcpdump")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_tcpdump {
        assert!(
            std::env::var("WIRESIFT_REQUIRE_CORPUS").as_deref() != Ok("1"),
            "tcpdump not found and WIRESIFT_REQUIRE_CORPUS=1"
        );
        println!("tcpdump not found: skipping");
        return;
    }
    let start = std::time::Instant::now();
    let mut files = Vec::new();
    let mut other = 0;
    let mut nth = 0;
    for f in common::dev_captures(&shared) {
        let lts = link_types(&f);
        if lts.is_empty() || !lts.iter().all(|lt| SUPPORTED_LINK_TYPES.contains(lt)) {
            other += 1;
            continue;
        }
        nth += 1;
        if lts.contains(&0) || nth % 4 == 0 {
            files.push(f);
        }
    }
    let dir = TempDir::new("cfc");
    let jobs: Vec<(usize, &Path, &str)> = files
        .iter()
        .enumerate()
        .flat_map(|(i, f)| FILTERS.iter().map(move |e| (i, f.as_path(), *e)))
        .collect();
    let verdicts = common::par_map(&jobs, |(i, f, expr)| {
        let tag = format!("{i}-{}", expr.len());
        let ours = dir.path(&format!("ours-{tag}.pcap"));
        let theirs = dir.path(&format!("theirs-{tag}.pcap"));
        let t = Command::new("tcpdump")
            .arg("-r")
            .arg(f)
            .arg("-w")
            .arg(&theirs)
            .arg("--")
            .arg(expr)
            .output()
            .expect("run tcpdump");
        let o = common::run(&[
            "-r",
            f.to_str().unwrap(),
            "-f",
            expr,
            "-w",
            ours.to_str().unwrap(),
        ]);
        if !t.status.success() {
            let why = String::from_utf8_lossy(&t.stderr);
            let why = why.lines().last().unwrap_or("").to_string();
            // libpcap reads no pcapng file whose interfaces differ in link
            // type or snapshot length (`pcap_loop: an interface has …`); we
            // do.
            if why.contains("pcap_loop: an interface has") {
                return Verdict::Skipped(why);
            }
            // tcpdump refuses the filter for this link type: so must we
            // (or keep nothing).
            return if !o.status.success() || packets(&ours).is_some_and(|p| p.is_empty()) {
                Verdict::BothRefuse
            } else {
                Verdict::Differ(format!(
                    "{}: -f '{expr}': tcpdump refuses ({why}), we do not",
                    f.display()
                ))
            };
        }
        if !o.status.success() {
            return Verdict::Differ(format!(
                "{}: -f '{expr}': wiresift failed: {}",
                f.display(),
                String::from_utf8_lossy(&o.stderr)
            ));
        }
        match (packets(&ours), packets(&theirs)) {
            (Some(a), Some(b)) if a == b => Verdict::Same(a.len()),
            (Some(a), Some(b)) => Verdict::Differ(format!(
                "{}: -f '{expr}': we keep {}, tcpdump {}",
                f.display(),
                a.len(),
                b.len()
            )),
            _ => Verdict::Differ(format!("{}: -f '{expr}': output unreadable", f.display())),
        }
    });
    let (mut same, mut kept, mut refused, mut skipped, mut differ) =
        (0, 0, 0, Vec::new(), Vec::new());
    for v in verdicts {
        match v {
            Verdict::Same(n) => {
                same += 1;
                kept += n;
            }
            Verdict::BothRefuse => refused += 1,
            Verdict::Skipped(why) => skipped.push(why),
            Verdict::Differ(d) => differ.push(d),
        }
    }
    println!(
        "{} files x {} filters: {same} runs agree ({kept} packets kept), {refused} refused by both, {} skipped (pcapng whose interfaces differ, which libpcap cannot read), {} differ; {other} files of other link types; {:?}",
        files.len(),
        FILTERS.len(),
        skipped.len(),
        differ.len(),
        start.elapsed()
    );
    for s in skipped.iter().take(5) {
        println!("skipped: {s}");
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
    assert!(same > 0);
}
