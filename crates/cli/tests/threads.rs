//! The output does not depend on the number of workers: every dev capture
//! with `--threads 1` (one thread, the reference) and `--threads 4`, byte
//! for byte, in one-line, `-T fields` (stream numbers, TCP analysis, DNS
//! and HTTP names; without stream numbers; stream numbers under a filter
//! that tests them; quoted), `-T json` and `logs all`.

mod common;
use common::{arg, TempDir};
use std::path::Path;
use std::process::Command;

/// The output forms compared, each as its flags separated by spaces.
const MODES: &[&str] = &[
    // One line a packet.
    "",
    // Stream numbers, TCP analysis, DNS and HTTP names.
    "-T fields -e frame.number -e tcp.stream -e udp.stream -e tcp.analysis.flags -e tcp.seq \
     -e dns.qry.name -e http.host",
    // No stream numbers, under a display filter: the workers do not wait
    // for each other.
    "-T fields -e frame.number -e tcp.analysis.flags -e tcp.seq -e dns.qry.name -Y tcp||udp",
    // Stream numbers under a filter that tests them (each worker knows
    // them before filtering), in quoted cells.
    "-T fields -e frame.number -e tcp.stream -e udp.stream -E quote=d -Y tcp.stream!=1",
    // Stream numbers set right when the outputs are merged, in quoted
    // cells, the last of several (tunnels).
    "-T fields -e udp.stream -e tcp.stream -E quote=s -E occurrence=l",
    "-T json",
];

/// Standard output, exit code and standard error of wiresift.
fn run(args: &[&str]) -> (Option<i32>, Vec<u8>, String) {
    let o = Command::new(common::bin()).args(args).output().unwrap();
    (
        o.status.code(),
        o.stdout,
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every log file of a directory, by name, with the `#open`/`#close` lines
/// (wall-clock times) left out.
fn logs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let text = std::fs::read(&p).unwrap();
            let kept: Vec<u8> = text
                .split_inclusive(|&b| b == b'\n')
                .filter(|l| !l.starts_with(b"#open") && !l.starts_with(b"#close"))
                .flatten()
                .copied()
                .collect();
            (p.file_name().unwrap().to_string_lossy().into_owned(), kept)
        })
        .collect();
    out.sort();
    out
}

fn compare(cap: &Path, tmp: &TempDir) -> Vec<String> {
    let name = cap.file_name().unwrap().to_string_lossy().into_owned();
    let mut bad = Vec::new();
    for mode in MODES {
        let with = |threads: &str| {
            let mut a = vec!["-r", arg(cap), "--threads", threads];
            a.extend(mode.split_whitespace());
            run(&a)
        };
        let (one, four) = (with("1"), with("4"));
        if one != four {
            bad.push(format!(
                "{name} {mode:?}: 1 and 4 workers differ (exit {:?} / {:?})",
                one.0, four.0
            ));
        }
    }
    let dirs: Vec<_> = ["1", "4"]
        .iter()
        .map(|t| {
            let dir = tmp.path(&format!("{name}.{t}"));
            let o = run(&[
                "logs",
                "all",
                "-r",
                arg(cap),
                "-o",
                arg(&dir),
                "--threads",
                t,
            ]);
            (o.0, o.2, logs(&dir))
        })
        .collect();
    if dirs[0] != dirs[1] {
        bad.push(format!("{name} logs all: 1 and 4 workers differ"));
    }
    bad
}

#[test]
fn one_and_four_workers_write_the_same() {
    let Some(shared) = common::shared() else {
        return;
    };
    let tmp = TempDir::new("threads");
    let caps = common::dev_captures(&shared);
    let bad: Vec<String> = common::par_map(&caps, |c| compare(c, &tmp))
        .into_iter()
        .flatten()
        .collect();
    println!("{} captures x {} forms", caps.len(), MODES.len() + 1);
    assert!(
        bad.is_empty(),
        "{} differences:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// A file cut inside a record: with 4 workers as with 1, every whole frame
/// before the cut is printed, then the same warning and exit code.
#[test]
fn a_cut_file_ends_the_same_on_four_workers() {
    let Some(shared) = common::shared() else {
        return;
    };
    let tmp = TempDir::new("threads-cut");
    let caps = common::dev_captures(&shared);
    let Some(big) = caps
        .iter()
        .filter(|c| c.extension().is_some_and(|e| e == "pcap"))
        .max_by_key(|c| std::fs::metadata(c).map_or(0, |m| m.len()))
    else {
        return;
    };
    let bytes = std::fs::read(big).unwrap();
    let cut = tmp.path("cut.pcap");
    std::fs::write(&cut, &bytes[..bytes.len() - 7]).unwrap();
    let with = |threads: &str| run(&["-r", arg(&cut), "--threads", threads]);
    let (one, four) = (with("1"), with("4"));
    assert!(one.2.contains("whole packets read before it"), "{}", one.2);
    assert!(!one.1.is_empty());
    assert_eq!(one, four);
    let logs_with = |threads: &str| {
        let o = run(&["logs", "conn", "-r", arg(&cut), "--threads", threads]);
        let body: Vec<u8> =
            o.1.split_inclusive(|&b| b == b'\n')
                .filter(|l| !l.starts_with(b"#open") && !l.starts_with(b"#close"))
                .flatten()
                .copied()
                .collect();
        (o.0, body, o.2)
    };
    assert_eq!(logs_with("1"), logs_with("4"));
}
