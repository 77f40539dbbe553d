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

/// Every dev capture: no failure, and the same report and warnings from one
/// worker as from two or three (each reading a part of the file, or, for
/// pcapng, counting its share of host pairs; merged): the merge is exact on
/// real traffic, tunnels, fragments, QUIC and damaged files included.
#[test]
fn corpus_reports_do_not_depend_on_the_number_of_workers() {
    let Some(shared) = common::shared() else {
        return;
    };
    let files = common::dev_captures(&shared);
    let bad: Vec<String> = common::par_map(&files, |f| {
        let one = report(f, "1");
        let two = report(f, "2");
        let three = report(f, "3");
        match (one.0, one == two && one == three) {
            (Some(0), true) => None,
            (code, same) => Some(format!(
                "{}: exit {code:?}, same report with 1, 2 and 3 workers: {same}",
                f.display()
            )),
        }
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The records of a classic little-endian pcap file: (seconds,
/// microseconds, original length, bytes).
fn records(file: &[u8]) -> Vec<(u32, u32, u32, Vec<u8>)> {
    let nanos = match file[..4] {
        [0xd4, 0xc3, 0xb2, 0xa1] => false,
        [0x4d, 0x3c, 0xb2, 0xa1] => true,
        _ => panic!("not a little-endian classic pcap file"),
    };
    let word = |at: usize| u32::from_le_bytes(file[at..at + 4].try_into().unwrap());
    let mut out = vec![];
    let mut at = 24;
    while at < file.len() {
        let len = word(at + 8) as usize;
        out.push((
            word(at),
            if nanos {
                word(at + 4) / 1000
            } else {
                word(at + 4)
            },
            word(at + 12),
            file[at + 16..at + 16 + len].to_vec(),
        ));
        at += 16 + len;
    }
    out
}

fn pcap(records: &[(u32, u32, u32, Vec<u8>)]) -> Vec<u8> {
    let mut v = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
    v.extend_from_slice(&[0; 8]);
    v.extend_from_slice(&65535u32.to_le_bytes());
    v.extend_from_slice(&1u32.to_le_bytes());
    for (secs, frac, orig, data) in records {
        for w in [*secs, *frac, data.len() as u32, *orig] {
            v.extend_from_slice(&w.to_le_bytes());
        }
        v.extend_from_slice(data);
    }
    v
}

/// The JSON report, exit code and standard error with `threads` workers.
fn report(file: &std::path::Path, threads: &str) -> (Option<i32>, Vec<u8>, Vec<String>) {
    let out = run(&[
        "stats",
        "-r",
        arg(file),
        "--json",
        "--top",
        "0",
        "--threads",
        threads,
    ]);
    (out.status.code(), out.stdout.clone(), stderr_lines(&out))
}

/// The sample's records, once for each second of `secs` (its times moved
/// on by that many seconds).
fn sample_copies(dir: &TempDir, secs: std::ops::Range<u32>) -> Vec<(u32, u32, u32, Vec<u8>)> {
    let one = records(&std::fs::read(sample(dir)).unwrap());
    secs.flat_map(|i| {
        one.iter()
            .map(move |(s, f, o, d)| (s + i, *f, *o, d.clone()))
    })
    .collect()
}

/// Several workers read a file in parts at once; a fragmented datagram cut
/// in two by the parts is put together as one reader would, and a file
/// cut short says the same, numbered from the file's start.
#[test]
fn a_file_read_in_parts_reports_as_if_read_whole() {
    let dir = TempDir::new("stats-parts");
    // The sample 300 times over, cut between the two fragments of a
    // datagram in the middle.
    let recs = sample_copies(&dir, 0..300);
    let second_fragment = (recs.len() / 2..recs.len())
        .find(|&i| recs[i - 1].3.len() > 1400)
        .unwrap();
    let (bytes, start) = cut_before(&recs, second_fragment);
    let recs = records(&bytes);
    let file = dir.path("parts.pcap");
    std::fs::write(&file, &bytes).unwrap();
    assert_cut_at(&file, start, "between fragments");
    let whole = report(&file, "1");
    assert_eq!(whole.0, Some(0), "{:?}", whole.2);
    let v: Value = serde_json::from_slice(&whole.1).unwrap();
    assert_eq!(v["summary"]["packets"], recs.len());
    for threads in ["2", "3", "5"] {
        assert!(report(&file, threads) == whole, "{threads} workers");
    }
    // Cut short: every whole record, then the warning, alike.
    let bytes = std::fs::read(&file).unwrap();
    let cut = dir.path("cut.pcap");
    std::fs::write(&cut, &bytes[..bytes.len() - 7]).unwrap();
    let whole = report(&cut, "1");
    assert!(
        whole.2.iter().any(|l| l.contains("cut short")),
        "{:?}",
        whole.2
    );
    for threads in ["2", "3"] {
        assert!(
            report(&cut, threads) == whole,
            "cut file, {threads} workers"
        );
    }
}

/// Bytes inside a frame that look like pcap records at the file's middle:
/// the second worker starts there, the first reads past it, and the
/// report is still that of one reader.
#[test]
fn a_wrong_guess_of_where_a_part_starts_changes_nothing() {
    let dir = TempDir::new("stats-guess");
    let one = records(&std::fs::read(sample(&dir)).unwrap());
    let mut fake = vec![];
    for i in 0..10u32 {
        for w in [one[0].0 + i, 0, 20, 20] {
            fake.extend_from_slice(&w.to_le_bytes());
        }
        fake.extend_from_slice(&[0x55; 20]);
    }
    let mut frame = vec![0xff; 12];
    frame.extend_from_slice(&[0x88, 0xb5]);
    while frame.len() < 60_000 {
        frame.extend_from_slice(&fake);
    }
    // Enough frames around it that the file is cut in parts, one cut in
    // the long frame.
    let mut recs = sample_copies(&dir, 0..20);
    let at = 24 + recs.iter().map(|r| 16 + r.3.len() as u64).sum::<u64>();
    recs.push((one[0].0 + 20, 0, frame.len() as u32, frame));
    recs.extend(sample_copies(&dir, 21..41));
    let file = dir.path("guess.pcap");
    std::fs::write(&file, pcap(&recs)).unwrap();
    // A start is guessed inside the long frame.
    let inside = at + 16..at + 16 + 60_000;
    let parts = wiresift_capture::FileReader::open(&file)
        .unwrap()
        .parts(CUTS_FOR_TWO, MIN_PART)
        .unwrap();
    assert!(parts.starts.iter().any(|s| inside.contains(s)));
    let whole = report(&file, "1");
    assert_eq!(whole.0, Some(0), "{:?}", whole.2);
    assert!(report(&file, "2") == whole);
}

/// How `wiresift stats --threads 2` cuts a file: 16 parts a worker, 64 KiB
/// at least (`parallel::run_parts`).
const CUTS_FOR_TWO: usize = 32;
const MIN_PART: u64 = 64 << 10;

/// `recs` between padding frames (of the first record's time) sized so
/// that the middle cut of `CUTS_FOR_TWO` (each part at least 128 KiB, so no
/// cut is skipped) starts a part at record `j`: the file, and the offset of
/// record `j` in it.
fn cut_before(recs: &[(u32, u32, u32, Vec<u8>)], j: usize) -> (Vec<u8>, u64) {
    let len = |r: &(u32, u32, u32, Vec<u8>)| 16 + r.3.len() as u64;
    let size = 24 + recs.iter().map(len).sum::<u64>();
    let start = 24 + recs[..j].iter().map(len).sum::<u64>();
    // Before: enough for parts of 128 KiB, and record j at a multiple of
    // 16, so that the file's length, twice that offset, divides into the
    // cuts evenly; after: as much more as puts record j at the middle.
    let mut before = (CUTS_FOR_TWO as u64 * (128 << 10)) / 2 + size;
    before += (16 - (before + start) % 16) % 16;
    let after = before + 2 * start - size;
    let pad = |mut total: u64| {
        let mut out = vec![];
        while total > 0 {
            let data = (total - 16).min(60_000);
            let data = if total - 16 - data < 64 && total - 16 > data {
                data - 64
            } else {
                data
            };
            out.push((recs[0].0, 0, data as u32, vec![0xff; data as usize]));
            total -= 16 + data;
        }
        out
    };
    let mut all = pad(before);
    all.extend(recs.iter().cloned());
    all.extend(pad(after));
    let file = pcap(&all);
    assert_eq!(file.len() as u64 % CUTS_FOR_TWO as u64, 0);
    (file, before + start)
}

/// The file `bytes` (written to `file`) is cut where [`cut_before`] meant.
fn assert_cut_at(file: &std::path::Path, start: u64, what: &str) {
    let parts = wiresift_capture::FileReader::open(file)
        .unwrap()
        .parts(CUTS_FOR_TWO, MIN_PART)
        .expect("cut");
    assert_eq!(parts.starts.len(), CUTS_FOR_TWO - 1, "{what}");
    assert!(parts.starts.contains(&start), "{what}");
}

/// Real captures cut in two right before each frame that may need the
/// frames before it (an IP fragment, a QUIC long-header packet, an OpenVPN
/// message): the second part's
/// worker keeps that frame for the first part's, and the report is still
/// that of one reader.
#[test]
fn parts_starting_at_fragments_and_quic_handshakes_report_as_one() {
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = TempDir::new("stats-cut-before");
    // Little-endian classic pcap as they are; pcapng written as pcap by
    // wiresift (those of one link type).
    let caps: Vec<_> = common::dev_captures(&shared)
        .into_iter()
        .filter(|c| {
            let name = c.file_name().unwrap().to_string_lossy();
            ["quic", "frag", "openvpn"].iter().any(|p| name.contains(p))
                && std::fs::metadata(c).unwrap().len() < 1 << 20
        })
        .filter_map(|c| {
            if std::fs::read(&c)
                .unwrap()
                .starts_with(&[0xd4, 0xc3, 0xb2, 0xa1])
            {
                return Some(c);
            }
            let name = c.file_name().unwrap().to_string_lossy().into_owned();
            let pcap = dir.path(&format!("{name}.as.pcap"));
            run(&["-r", arg(&c), "-w", arg(&pcap)])
                .status
                .success()
                .then_some(pcap)
        })
        .collect();
    let mut cuts = 0;
    for cap in &caps {
        let fields = run(&[
            "-r",
            arg(cap),
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            "quic.long.packet_type",
            "-e",
            "ip.flags.mf",
            "-e",
            "ip.frag_offset",
            "-e",
            "openvpn.opcode",
        ]);
        let needing: Vec<usize> = stdout_of(&fields)
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                let frag =
                    f.get(2) == Some(&"1") || f.get(3).is_some_and(|o| !o.is_empty() && *o != "0");
                let quic = f.get(1).is_some_and(|t| !t.is_empty());
                let openvpn = f.get(4).is_some_and(|t| !t.is_empty());
                (frag || quic || openvpn)
                    .then(|| f[0].parse::<usize>().ok())
                    .flatten()
            })
            .filter(|&n| n > 1)
            .take(40)
            .collect();
        let recs = records(&std::fs::read(cap).unwrap());
        let name = cap.file_name().unwrap().to_string_lossy().into_owned();
        for n in needing {
            let (bytes, start) = cut_before(&recs, n - 1);
            let file = dir.path(&format!("{name}.{n}.pcap"));
            std::fs::write(&file, &bytes).unwrap();
            assert_cut_at(&file, start, &format!("{name} before frame {n}"));
            let whole = report(&file, "1");
            assert!(report(&file, "2") == whole, "{name} cut before frame {n}");
            std::fs::remove_file(&file).unwrap();
            cuts += 1;
        }
    }
    println!("{} captures, {cuts} cuts", caps.len());
    assert!(cuts >= 20, "{cuts} cuts");
}
