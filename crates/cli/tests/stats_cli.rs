//! `wiresift stats` on the sample capture (made by `wiresift sample`, so no
//! corpus is needed): sections, flags, filters, errors, clean output when
//! piped.

mod common;

use common::{arg, run, run_stdin, stderr_lines, stdout_of, TempDir};
use serde_json::Value;

fn sample(dir: &TempDir) -> std::path::PathBuf {
    let p = dir.path("sample.pcap");
    let out = run(&["sample", arg(&p)]);
    assert!(out.status.success(), "{:?}", stderr_lines(&out));
    p
}

fn json(args: &[&str]) -> Value {
    let out = run(args);
    assert!(out.status.success(), "{:?}", stderr_lines(&out));
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

#[test]
fn text_has_every_section_and_stderr_stays_clean() {
    let dir = TempDir::new("stats-text");
    let p = sample(&dir);
    let out = run(&["stats", "-r", arg(&p)]);
    assert!(out.status.success());
    // Piped: no progress bar, nothing on stderr.
    assert!(out.stderr.is_empty(), "{:?}", stderr_lines(&out));
    let text = stdout_of(&out);
    for want in [
        "Number of packets:",
        "Data size:",
        "Protocol Hierarchy Statistics",
        "eth                                      frames:",
        "Ethernet Conversations",
        "IPv4 Conversations",
        "TCP Conversations",
        "UDP Conversations",
        "IPv4 Endpoints",
        "Top Talkers",
        "IO Statistics",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

#[test]
fn json_is_one_document_with_the_same_numbers_as_text() {
    let dir = TempDir::new("stats-json");
    let p = sample(&dir);
    let j = json(&["stats", "-r", arg(&p), "--json"]);
    let n = j["summary"]["packets"].as_u64().unwrap();
    let text = stdout_of(&run(&["stats", "-r", arg(&p), "--section", "summary"]));
    assert!(
        text.contains(&format!("Number of packets:   {n}\n")),
        "{text}"
    );
    // The hierarchy's top node holds every Ethernet frame.
    assert_eq!(j["phs"]["nodes"][0]["protocol"], "eth");
    assert_eq!(j["phs"]["nodes"][0]["frames"].as_u64(), Some(n));
    let kinds: Vec<&str> = j["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["eth", "ip", "ipv6", "tcp", "udp"]);
    let io_frames: u64 = j["io"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["frames"].as_u64().unwrap())
        .sum();
    assert_eq!(io_frames, n);
}

#[test]
fn sections_top_and_interval() {
    let dir = TempDir::new("stats-flags");
    let p = sample(&dir);
    let j = json(&[
        "stats",
        "-r",
        arg(&p),
        "--json",
        "--section",
        "io,summary",
        "--interval",
        "0.5",
    ]);
    let keys: Vec<&String> = j.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["io", "summary"]);
    assert_eq!(j["io"]["interval_ns"].as_u64(), Some(500_000_000));
    let j = json(&[
        "stats",
        "-r",
        arg(&p),
        "--json",
        "--section",
        "conv",
        "--top",
        "1",
    ]);
    for t in j["conversations"].as_array().unwrap() {
        assert!(t["rows"].as_array().unwrap().len() <= 1);
    }
    let text = stdout_of(&run(&[
        "stats",
        "-r",
        arg(&p),
        "--section",
        "conv",
        "--top",
        "1",
    ]));
    assert!(text.contains("more not shown; --top 0 shows all"), "{text}");
}

#[test]
fn filters_count_only_what_they_keep() {
    let dir = TempDir::new("stats-filter");
    let p = sample(&dir);
    let all = json(&["stats", "-r", arg(&p), "--json", "--section", "summary"]);
    let total = all["summary"]["packets"].as_u64().unwrap();
    let udp = json(&["stats", "-r", arg(&p), "--json", "-Y", "udp"]);
    let kept = udp["summary"]["packets"].as_u64().unwrap();
    assert!(kept > 0 && kept < total);
    assert_eq!(udp["summary"]["packets_read"].as_u64(), Some(total));
    // Only UDP conversations are left at the transport layer.
    assert_eq!(udp["conversations"][3]["total"].as_u64(), Some(0));
    // tcpdump's `udp` sees first fragments only; tshark's `udp` the
    // reassembled datagram too.
    let bpf = json(&["stats", "-r", arg(&p), "--json", "-f", "udp"]);
    let kept_bpf = bpf["summary"]["packets"].as_u64().unwrap();
    assert!(kept_bpf > 0 && kept_bpf < total);
    assert_eq!(bpf["summary"]["packets_read"].as_u64(), Some(total));
    let c = json(&[
        "stats",
        "-r",
        arg(&p),
        "--json",
        "-c",
        "3",
        "--section",
        "summary",
    ]);
    assert_eq!(c["summary"]["packets"].as_u64(), Some(3));
}

#[test]
fn standard_input_works() {
    let dir = TempDir::new("stats-stdin");
    let p = sample(&dir);
    let bytes = std::fs::read(&p).unwrap();
    let out = run_stdin(
        &["stats", "-r", "-", "--json", "--section", "summary"],
        &bytes,
    );
    assert!(out.status.success());
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(j["summary"]["packets"].as_u64().unwrap() > 0);
}

#[test]
fn bad_flags_and_files_are_one_line_errors() {
    let dir = TempDir::new("stats-errors");
    let p = sample(&dir);
    for (args, want) in [
        (vec!["--section", "bogus"], "unknown section 'bogus'"),
        (vec!["--interval", "0"], "--interval"),
        (vec!["--interval", "soon"], "--interval"),
        (vec!["--max-conversations", "0"], "--max-conversations"),
        (vec!["-Y", "tcp.prot == 1"], "unknown field"),
    ] {
        let mut a = vec!["stats", "-r", arg(&p)];
        a.extend(args);
        let out = run(&a);
        assert_eq!(out.status.code(), Some(1), "{a:?}");
        let err = stderr_lines(&out).join("\n");
        assert!(err.contains(want), "{a:?}: {err}");
    }
    let junk = dir.path("junk.pcap");
    std::fs::write(&junk, b"not a capture at all").unwrap();
    let out = run(&["stats", "-r", arg(&junk)]);
    assert_eq!(out.status.code(), Some(1));
    // A capture cut short: a warning, and the statistics of what was read.
    let bytes = std::fs::read(&p).unwrap();
    let cut = dir.path("cut.pcap");
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    let out = run(&["stats", "-r", arg(&cut), "--json", "--section", "summary"]);
    assert!(out.status.success());
    assert!(stderr_lines(&out).iter().any(|l| l.contains("warning")));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(j["summary"]["packets"].as_u64().unwrap() > 0);
}

#[test]
fn help_has_examples() {
    let out = run(&["stats", "--help"]);
    let text = stdout_of(&out);
    assert!(text.contains("wiresift stats -r capture.pcap"), "{text}");
    assert!(text.contains("--interval"));
}

/// Every dev capture: no failure, and the same report from one worker as
/// from three (each counting its share of host pairs, merged): the merge
/// is exact on real traffic, tunnels and damaged files included.
#[test]
fn corpus_reports_do_not_depend_on_the_number_of_workers() {
    let Some(shared) = common::shared() else {
        return;
    };
    let files = common::dev_captures(&shared);
    let bad: Vec<String> = common::par_map(&files, |f| {
        let report = |threads: &str| {
            let out = run(&[
                "stats",
                "-r",
                arg(f),
                "--json",
                "--top",
                "0",
                "--threads",
                threads,
            ]);
            (out.status.code(), out.stdout)
        };
        let one = report("1");
        let three = report("3");
        match (one.0, one == three) {
            (Some(0), true) => None,
            (code, same) => Some(format!(
                "{}: exit {code:?}, same report with 1 and 3 workers: {same}",
                f.display()
            )),
        }
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
