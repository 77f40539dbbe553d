//! The `wiresift` command on bad, partial and unusual input, and the
//! everyday flags around it: captures cut short or damaged in the middle of a
//! record, files that are no capture, missing files, standard input, `-c`,
//! unknown field names, a closed output pipe, `-T fields` headers, `--help`,
//! JSON output, `-w` round trips and `wiresift fields`.
//!
//! Every capture here is made by `wiresift sample` (or derived from it in the
//! test), so nothing needs root or the shared corpus.

mod common;

use common::{arg, run, run_stdin, stderr_lines, stdout_of, TempDir};
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A temporary directory holding the sample capture.
struct Sample {
    dir: TempDir,
    pcap: PathBuf,
    bytes: Vec<u8>,
}

fn sample() -> Sample {
    let dir = TempDir::new("errors");
    let pcap = dir.path("sample.pcap");
    let out = run(&["sample", arg(&pcap)]);
    assert!(
        out.status.success(),
        "wiresift sample failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&pcap).expect("read the sample");
    Sample { dir, pcap, bytes }
}

impl Sample {
    /// Writes `bytes` to a new file `name` in the directory.
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path(name);
        std::fs::write(&p, bytes).expect("write test file");
        p
    }
}

/// A pcap record: where it starts, its captured and original lengths.
#[derive(Debug, Clone, Copy)]
struct Rec {
    off: usize,
    incl: usize,
    orig: usize,
    ts_secs: u32,
    ts_frac: u32,
}

impl Rec {
    fn end(&self) -> usize {
        self.off + 16 + self.incl
    }
}

/// The records of a classic pcap file (either byte order), read here
/// independently of wiresift.
fn records(b: &[u8]) -> Vec<Rec> {
    let big = match b[0..4] {
        [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1] => false,
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d] => true,
        _ => panic!("not a classic pcap: {:02x?}", &b[0..4]),
    };
    let u32_at = |o: usize| {
        let w = [b[o], b[o + 1], b[o + 2], b[o + 3]];
        if big {
            u32::from_be_bytes(w)
        } else {
            u32::from_le_bytes(w)
        }
    };
    let mut v = vec![];
    let mut off = 24;
    while off < b.len() {
        let r = Rec {
            off,
            ts_secs: u32_at(off),
            ts_frac: u32_at(off + 4),
            incl: u32_at(off + 8) as usize,
            orig: u32_at(off + 12) as usize,
        };
        assert!(r.end() <= b.len(), "sample record {} cut", v.len() + 1);
        off = r.end();
        v.push(r);
    }
    v
}

/// The first `n` lines of `text`, each with its newline.
fn first_lines(text: &str, n: usize) -> String {
    text.split_inclusive('\n').take(n).collect()
}

/// The number written right after `word` in `line`, if any.
fn number_after(line: &str, word: &str) -> Option<u64> {
    let at = line.find(word)? + word.len();
    let digits: String = line[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Runs wiresift and returns (stdout, stderr lines, exit code).
fn wiresift(args: &[&str]) -> (String, Vec<String>, Option<i32>) {
    let out = run(args);
    (stdout_of(&out), stderr_lines(&out), out.status.code())
}

/// The one-line output of a whole file, checked to be a clean success.
fn clean(args: &[&str]) -> String {
    let (out, err, code) = wiresift(args);
    assert_eq!(code, Some(0), "{args:?} failed: {err:?}");
    assert!(err.is_empty(), "{args:?}: unexpected stderr {err:?}");
    out
}

// ---- (a) cut in the middle of a record ---------------------------------

/// Cuts the sample inside several records (in the record header, at its
/// first data byte, at its last byte) and at record boundaries: the whole
/// packets before the cut are printed exactly as in the full output, then
/// one warning names the file, the packet and the record's byte offset; the
/// exit status is 0. A cut at a boundary is a clean end.
#[test]
fn cut_in_a_record_prints_the_whole_packets_then_one_warning() {
    let s = sample();
    let recs = records(&s.bytes);
    assert!(recs.len() >= 20, "sample has {} packets", recs.len());
    let n = recs.len();
    let modes: &[&[&str]] = &[
        &[],
        &["-T", "json"],
        &["-T", "fields", "-e", "frame.number", "-e", "ip.src"],
        &["-V"],
    ];
    let full: Vec<String> = modes
        .iter()
        .map(|m| clean(&[&["-r", arg(&s.pcap)], *m].concat()))
        .collect();
    assert_eq!(full[0].lines().count(), n, "one line a packet");

    let mut checked = 0;
    for k in [1, 2, 3, n / 2, n - 1, n] {
        let r = recs[k - 1];
        let cuts = [
            r.off + 1,
            r.off + 15,
            r.off + 16,
            r.off + 16 + r.incl / 2,
            r.end() - 1,
        ];
        for (ci, &cut) in cuts.iter().enumerate() {
            let name = format!("cut-{k}-{cut}.pcap");
            let path = s.file(&name, &s.bytes[..cut]);
            // Every mode for one cut a record, the one-line mode for all.
            let mode_list: &[usize] = if ci == 3 { &[0, 1, 2, 3] } else { &[0] };
            for &mi in mode_list {
                let args = [&["-r", arg(&path)], modes[mi]].concat();
                let (out, err, code) = wiresift(&args);
                assert_eq!(code, Some(0), "{args:?}: exit status, stderr {err:?}");
                let want = if mi == 3 {
                    // The tree has several lines a packet: the packets are
                    // separated by blank lines; compare packet by packet.
                    let packets: Vec<&str> = full[3].split_inclusive("\n\n").collect();
                    packets[..k - 1].concat()
                } else {
                    first_lines(&full[mi], k - 1)
                };
                assert_eq!(out, want, "{args:?}: the {} whole packets", k - 1);
                assert_eq!(err.len(), 1, "{args:?}: one warning line, got {err:?}");
                let w = &err[0];
                assert!(w.contains("warning"), "{args:?}: {w}");
                assert!(w.contains(&name), "{args:?}: names the file: {w}");
                assert_eq!(
                    number_after(w, "packet "),
                    Some(k as u64),
                    "{args:?}: names packet {k}: {w}"
                );
                assert_eq!(
                    number_after(w, "byte offset "),
                    Some(r.off as u64),
                    "{args:?}: names the record's offset {}: {w}",
                    r.off
                );
                checked += 1;
            }
        }
        // Cut exactly before record k: a clean end after k - 1 packets.
        let path = s.file(&format!("end-{k}.pcap"), &s.bytes[..r.off]);
        let out = clean(&["-r", arg(&path)]);
        assert_eq!(out, first_lines(&full[0], k - 1), "clean end before {k}");
    }
    println!("{checked} cut files checked");
}

/// The same through standard input, with the warning naming `-`, and with
/// `-w`: the packets before the cut land in the output file.
#[test]
fn cut_capture_on_stdin_and_with_w() {
    let s = sample();
    let recs = records(&s.bytes);
    let full = clean(&["-r", arg(&s.pcap)]);
    let k = 5;
    let r = recs[k - 1];
    let cut = &s.bytes[..r.off + 20];

    let out = run_stdin(&["-r", "-"], cut);
    let err = stderr_lines(&out);
    assert_eq!(out.status.code(), Some(0), "{err:?}");
    assert_eq!(stdout_of(&out), first_lines(&full, k - 1));
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(
        err[0].contains("warning: -:"),
        "names standard input: {}",
        err[0]
    );
    assert_eq!(
        number_after(&err[0], "packet "),
        Some(k as u64),
        "{}",
        err[0]
    );
    assert_eq!(number_after(&err[0], "byte offset "), Some(r.off as u64));

    let cut_path = s.file("cut.pcap", cut);
    let written = s.dir.path("written.pcap");
    let (out, err, code) = wiresift(&["-r", arg(&cut_path), "-w", arg(&written)]);
    assert_eq!(code, Some(0), "{err:?}");
    assert!(out.is_empty(), "-w prints no packets: {out}");
    assert_eq!(err.len(), 1, "one warning: {err:?}");
    assert_eq!(
        number_after(&err[0], "packet "),
        Some(k as u64),
        "{}",
        err[0]
    );
    assert_eq!(
        clean(&["-r", arg(&written)]),
        first_lines(&full, k - 1),
        "-w keeps the whole packets before the cut"
    );
}

/// A record header claiming an impossible length: the packets before it,
/// then one warning naming the packet and its offset; exit 0.
#[test]
fn damaged_record_header_prints_the_packets_before_it() {
    let s = sample();
    let recs = records(&s.bytes);
    let full = clean(&["-r", arg(&s.pcap)]);
    for k in [1, 4, recs.len()] {
        let r = recs[k - 1];
        let mut b = s.bytes.clone();
        let little = b[0] == 0xd4;
        let huge = 0x7fff_fff0u32;
        b[r.off + 8..r.off + 12].copy_from_slice(&if little {
            huge.to_le_bytes()
        } else {
            huge.to_be_bytes()
        });
        let name = format!("damaged-{k}.pcap");
        let path = s.file(&name, &b);
        let (out, err, code) = wiresift(&["-r", arg(&path)]);
        assert_eq!(code, Some(0), "{err:?}");
        assert_eq!(out, first_lines(&full, k - 1), "packets before {k}");
        assert_eq!(err.len(), 1, "{err:?}");
        assert!(err[0].contains(&name), "{}", err[0]);
        assert_eq!(
            number_after(&err[0], "packet "),
            Some(k as u64),
            "{}",
            err[0]
        );
        assert_eq!(number_after(&err[0], "byte offset "), Some(r.off as u64));
    }
}

/// The sample rewritten as pcapng (section header, one interface, enhanced
/// packet blocks): the same output, and a cut inside a block is reported at
/// the block's offset.
#[test]
fn pcapng_copy_reads_the_same_and_cuts_are_reported() {
    let s = sample();
    let recs = records(&s.bytes);
    let snaplen = u32::from_le_bytes(s.bytes[16..20].try_into().unwrap());
    let mut ng = vec![];
    let block = |ng: &mut Vec<u8>, kind: u32, body: &[u8]| {
        let len = (12 + body.len().div_ceil(4) * 4) as u32;
        ng.extend_from_slice(&kind.to_le_bytes());
        ng.extend_from_slice(&len.to_le_bytes());
        ng.extend_from_slice(body);
        ng.resize(ng.len() + (4 - body.len() % 4) % 4, 0);
        ng.extend_from_slice(&len.to_le_bytes());
    };
    // Section header: byte-order magic, version 1.0, unknown section length.
    let mut shb = vec![];
    shb.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&u64::MAX.to_le_bytes());
    block(&mut ng, 0x0a0d_0d0a, &shb);
    // Interface: Ethernet, default microsecond resolution.
    let mut idb = vec![];
    idb.extend_from_slice(&1u16.to_le_bytes());
    idb.extend_from_slice(&0u16.to_le_bytes());
    idb.extend_from_slice(&snaplen.to_le_bytes());
    block(&mut ng, 1, &idb);
    let micro = matches!(
        s.bytes[0..4],
        [0xd4, 0xc3, 0xb2, 0xa1] | [0xa1, 0xb2, 0xc3, 0xd4]
    );
    assert!(micro, "the sample is a microsecond pcap");
    let mut offsets = vec![];
    for r in &recs {
        offsets.push(ng.len());
        let ts = u64::from(r.ts_secs) * 1_000_000 + u64::from(r.ts_frac);
        let mut epb = vec![];
        epb.extend_from_slice(&0u32.to_le_bytes());
        epb.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(ts as u32).to_le_bytes());
        epb.extend_from_slice(&(r.incl as u32).to_le_bytes());
        epb.extend_from_slice(&(r.orig as u32).to_le_bytes());
        epb.extend_from_slice(&s.bytes[r.off + 16..r.end()]);
        block(&mut ng, 6, &epb);
    }
    let ng_path = s.file("sample.pcapng", &ng);
    for mode in [&[][..], &["-T", "json"][..]] {
        assert_eq!(
            clean(&[&["-r", arg(&ng_path)], mode].concat()),
            clean(&[&["-r", arg(&s.pcap)], mode].concat()),
            "pcapng and pcap read the same, mode {mode:?}"
        );
    }
    let full = clean(&["-r", arg(&ng_path)]);
    for k in [1, 7, recs.len()] {
        let off = offsets[k - 1];
        let end = offsets.get(k).copied().unwrap_or(ng.len());
        for cut in [off + 3, off + 30, end - 1] {
            let path = s.file(&format!("ng-cut-{cut}.pcapng"), &ng[..cut]);
            let (out, err, code) = wiresift(&["-r", arg(&path)]);
            assert_eq!(code, Some(0), "cut at {cut}: {err:?}");
            assert_eq!(out, first_lines(&full, k - 1), "cut at {cut}");
            assert_eq!(err.len(), 1, "cut at {cut}: {err:?}");
            assert_eq!(
                number_after(&err[0], "packet "),
                Some(k as u64),
                "{}",
                err[0]
            );
            assert_eq!(
                number_after(&err[0], "byte offset "),
                Some(off as u64),
                "{}",
                err[0]
            );
        }
    }
}

// ---- (b) not a capture ------------------------------------------------

/// Asserts: exit status 1, nothing on stdout, exactly `want` on stderr.
fn fails_with(args: &[&str], want: &str) {
    let (out, err, code) = wiresift(args);
    assert_eq!(code, Some(1), "{args:?}: exit status; stderr {err:?}");
    assert!(out.is_empty(), "{args:?}: stdout {out:?}");
    assert_eq!(err, vec![want.to_string()], "{args:?}");
}

#[test]
fn garbage_and_text_are_not_captures() {
    let s = sample();
    // Deterministic garbage (a small LCG), first bytes 0x5e03b053.
    let mut x = 0x5e03_b053u32;
    let mut garbage = x.to_be_bytes().to_vec();
    for _ in 0..4096 {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        garbage.push((x >> 24) as u8);
    }
    let g = s.file("garbage.bin", &garbage);
    fails_with(
        &["-r", arg(&g)],
        &format!(
            "wiresift: {}: not a pcap or pcapng file (first bytes: 0x5e03b053)",
            g.display()
        ),
    );
    let t = s.file(
        "request.txt",
        b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\nand some more text to read\n",
    );
    let want = format!(
        "wiresift: {}: not a pcap or pcapng file (first bytes: 0x47455420)",
        t.display()
    );
    fails_with(&["-r", arg(&t)], &want);
    // Every output mode fails the same way, before printing anything.
    fails_with(&["-r", arg(&t), "-V"], &want);
    fails_with(&["-r", arg(&t), "-T", "json"], &want);
    fails_with(
        &[
            "-r",
            arg(&t),
            "-T",
            "fields",
            "-E",
            "header=y",
            "-e",
            "ip.src",
        ],
        &want,
    );
    // -w creates no output file for a file that is no capture.
    let w = s.dir.path("never.pcap");
    fails_with(&["-r", arg(&t), "-w", arg(&w)], &want);
    assert!(!w.exists(), "-w wrote a file for a non-capture");
    // Text on standard input.
    let out = run_stdin(&["-r", "-"], b"hello, this is not a capture\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr_lines(&out),
        vec!["wiresift: -: not a pcap or pcapng file (first bytes: 0x68656c6c)".to_string()]
    );
}

/// What the command says about an empty file today: one line naming the
/// file (that it was cut short in the file header), nothing on stdout, no
/// crash. The exit status is checked by `empty_file_fails` below.
#[test]
fn empty_file_one_line_naming_it() {
    let s = sample();
    let e = s.file("empty.pcap", b"");
    for extra in [&[][..], &["-T", "json"][..], &["-V"][..]] {
        let (out, err, code) = wiresift(&[&["-r", arg(&e)], extra].concat());
        assert!(code.is_some(), "killed by a signal");
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(err.len(), 1, "{err:?}");
        assert!(err[0].contains(&e.display().to_string()), "{}", err[0]);
        assert!(
            err[0].contains("file header") || err[0].contains("not a pcap or pcapng file"),
            "{}",
            err[0]
        );
    }
    let out = run_stdin(&["-r", "-"], b"");
    assert!(out.stdout.is_empty());
    assert_eq!(stderr_lines(&out).len(), 1, "{:?}", stderr_lines(&out));
}

/// An empty file, or one too short to hold even a magic number, has no
/// packet to salvage and is no capture: it should fail like any other
/// non-capture (tcpdump and tshark both exit non-zero), not pass as a
/// "capture cut short" with status 0.
#[test]
fn empty_and_tiny_files_fail() {
    let s = sample();
    for (name, bytes) in [("empty.pcap", &b""[..]), ("hi.txt", &b"hi\n"[..])] {
        let p = s.file(name, bytes);
        let (out, err, code) = wiresift(&["-r", arg(&p)]);
        assert!(out.is_empty());
        assert_eq!(err.len(), 1, "{err:?}");
        assert!(err[0].contains(name), "{}", err[0]);
        assert_eq!(code, Some(1), "{name}: {}", err[0]);
    }
}

// ---- (c) a missing file -----------------------------------------------

#[test]
fn missing_file_fails_naming_the_path() {
    let s = sample();
    let missing = s.dir.path("no-such-capture.pcap");
    for extra in [&[][..], &["-T", "json"][..], &["-c", "1"][..]] {
        let (out, err, code) = wiresift(&[&["-r", arg(&missing)], extra].concat());
        assert_eq!(code, Some(1), "{err:?}");
        assert!(out.is_empty());
        assert_eq!(err.len(), 1, "{err:?}");
        assert!(err[0].contains(arg(&missing)), "names the path: {}", err[0]);
        assert!(err[0].contains("No such file"), "says why: {}", err[0]);
    }
    // A directory is no capture either.
    let (_, err, code) = wiresift(&["-r", arg(&s.dir.path(""))]);
    assert_eq!(code, Some(1));
    assert_eq!(err.len(), 1, "{err:?}");
}

// ---- (d) standard input -----------------------------------------------

#[test]
fn stdin_reads_the_same_as_the_file() {
    let s = sample();
    for mode in [
        &[][..],
        &["-V"][..],
        &["-x"][..],
        &["-T", "json"][..],
        &[
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            "frame.time_delta",
            "-e",
            "tcp.seq",
        ][..],
    ] {
        let want = clean(&[&["-r", arg(&s.pcap)], mode].concat());
        // A pipe.
        let out = run_stdin(&[&["-r", "-"], mode].concat(), &s.bytes);
        assert_eq!(out.status.code(), Some(0), "{:?}", stderr_lines(&out));
        assert!(out.stderr.is_empty(), "{:?}", stderr_lines(&out));
        assert_eq!(stdout_of(&out), want, "-r - (pipe) {mode:?}");
        // A redirected file.
        let out = Command::new(common::bin())
            .args(["-r", "-"])
            .args(mode)
            .stdin(std::fs::File::open(&s.pcap).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(stdout_of(&out), want, "-r - (file) {mode:?}");
    }
}

// ---- (e) -c -------------------------------------------------------------

#[test]
fn count_limits_the_packets() {
    let s = sample();
    let full = clean(&["-r", arg(&s.pcap)]);
    let n = full.lines().count();
    let three = clean(&["-r", arg(&s.pcap), "-c", "3"]);
    assert_eq!(three.lines().count(), 3);
    assert_eq!(three, first_lines(&full, 3));
    assert_eq!(
        clean(&[
            "-r",
            arg(&s.pcap),
            "-c",
            "3",
            "-T",
            "fields",
            "-e",
            "frame.number"
        ]),
        "1\n2\n3\n"
    );
    let json = clean(&["-r", arg(&s.pcap), "-c", "3", "-T", "json"]);
    assert_eq!(json.lines().count(), 3);
    assert_eq!(
        clean(&["-r", arg(&s.pcap), "-c", "1"]),
        first_lines(&full, 1)
    );
    assert_eq!(
        clean(&["-r", arg(&s.pcap), "-c", &(n + 100).to_string()]),
        full
    );
    // From standard input too.
    let out = run_stdin(&["-r", "-", "-c", "3"], &s.bytes);
    assert_eq!(stdout_of(&out), first_lines(&full, 3));
    // And into a file.
    let w = s.dir.path("three.pcap");
    clean(&["-r", arg(&s.pcap), "-c", "3", "-w", arg(&w)]);
    assert_eq!(clean(&["-r", arg(&w)]), first_lines(&full, 3));
    // A count that is no number: clap's error, non-zero.
    let (_, err, code) = wiresift(&["-r", arg(&s.pcap), "-c", "three"]);
    assert_eq!(code, Some(2), "{err:?}");
    assert!(err.iter().any(|l| l.contains("three")), "{err:?}");
}

// ---- (f) unknown field names ------------------------------------------

/// One error line for an unknown field, a non-zero status, no output; a
/// typo gets the nearest names, best first, and every suggestion is a real
/// field.
#[test]
fn unknown_fields_fail_with_suggestions() {
    let s = sample();
    let names = clean(&["fields"]);
    let known: std::collections::HashSet<&str> =
        names.lines().filter_map(|l| l.split('\t').next()).collect();
    let protocols = clean(&["fields", "--protocols"]);
    let protos: std::collections::HashSet<&str> = protocols
        .lines()
        .filter_map(|l| l.split('\t').next())
        .collect();
    for (typo, nearest) in [
        ("nonexist.field", None),
        ("ip.scr", Some("ip.src")),
        ("tcp.dstprt", Some("tcp.dstport")),
        ("udp.dstpot", Some("udp.dstport")),
        ("eth.tpye", Some("eth.type")),
        ("frame.numbr", Some("frame.number")),
    ] {
        let (out, err, code) = wiresift(&[
            "-r",
            arg(&s.pcap),
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            typo,
        ]);
        assert_eq!(code, Some(1), "{typo}: {err:?}");
        assert!(out.is_empty(), "{typo}: printed {out:?}");
        assert_eq!(err.len(), 1, "{typo}: {err:?}");
        let line = &err[0];
        assert!(
            line.contains(&format!("'{typo}'")),
            "names the field: {line}"
        );
        let suggested: Vec<&str> = line
            .split_once("did you mean ")
            .map(|(_, rest)| rest.trim_end_matches("?)").split(", ").collect())
            .unwrap_or_default();
        for name in &suggested {
            assert!(
                known.contains(name) || protos.contains(name),
                "{typo}: suggests unknown name {name:?}: {line}"
            );
        }
        if let Some(n) = nearest {
            assert_eq!(suggested.first(), Some(&n), "{typo}: {line}");
        }
    }
    // The same check before any packet is read: an empty capture fails too.
    let empty = s.file("header-only.pcap", &s.bytes[..24]);
    let (_, err, code) = wiresift(&["-r", arg(&empty), "-T", "fields", "-e", "ip.scr"]);
    assert_eq!(code, Some(1));
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(err[0].contains("ip.src"), "{}", err[0]);
}

/// `-e` without `-T fields`, `-T fields` without `-e`, a bad `-E`: one line
/// each, non-zero.
#[test]
fn field_flag_misuse_is_one_line() {
    let s = sample();
    for args in [
        &["-e", "ip.src"][..],
        &["-T", "fields"][..],
        &["-T", "fields", "-e", "ip.src", "-E", "header=maybe"][..],
        &["-T", "fields", "-e", "ip.src", "-E", "bogus=1"][..],
        &["-T", "json", "-e", "ip.src"][..],
    ] {
        let (out, err, code) = wiresift(&[&["-r", arg(&s.pcap)], args].concat());
        assert_eq!(code, Some(1), "{args:?}: {err:?}");
        assert!(out.is_empty(), "{args:?}: {out:?}");
        assert_eq!(err.len(), 1, "{args:?}: {err:?}");
    }
    // Nothing to read at all.
    let (_, err, code) = wiresift(&[]);
    assert_eq!(code, Some(1));
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(err[0].contains("-r FILE"), "{}", err[0]);
}

// ---- (g) a closed output pipe ------------------------------------------

/// Output far larger than a pipe buffer, read one line and closed: the
/// command stops quietly with status 0, whatever the output mode.
#[test]
fn closed_pipe_is_success() {
    let s = sample();
    // The sample's records 400 times over: about 10 000 packets.
    let mut big = s.bytes[..24].to_vec();
    for _ in 0..400 {
        big.extend_from_slice(&s.bytes[24..]);
    }
    let big_path = s.file("big.pcap", &big);
    let first = clean(&["-r", arg(&s.pcap), "-c", "1"]);
    for mode in [
        &[][..],
        &["-V"][..],
        &["-x"][..],
        &["-T", "json"][..],
        &["-T", "fields", "-e", "frame.number", "-e", "ip.src"][..],
    ] {
        let mut child = Command::new(common::bin())
            .args(["-r", arg(&big_path)])
            .args(mode)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        // The reader is dropped here: the pipe is closed.
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(
            status.code(),
            Some(0),
            "{mode:?}: {status:?}, stderr {err:?}"
        );
        assert!(err.is_empty(), "{mode:?}: says {err:?}");
        if mode.is_empty() {
            assert_eq!(line, first);
        }
    }
    // Through a shell pipeline, as a user types it.
    let script = format!(
        "'{}' -r '{}' | head -1; echo \"status ${{PIPESTATUS[0]}}\"",
        common::bin().display(),
        big_path.display()
    );
    let out = Command::new("bash").args(["-c", &script]).output();
    if let Ok(out) = out {
        assert_eq!(stdout_of(&out), format!("{first}status 0\n"));
        assert!(out.stderr.is_empty(), "{:?}", stderr_lines(&out));
    }
}

// ---- (h) -T fields with a header and a separator -----------------------

#[test]
fn fields_header_and_separator() {
    let s = sample();
    let out = clean(&[
        "-r",
        arg(&s.pcap),
        "-T",
        "fields",
        "-E",
        "header=y",
        "-E",
        "separator=,",
        "-e",
        "frame.number",
        "-e",
        "ip.src",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    let n = records(&s.bytes).len();
    assert_eq!(lines.len(), n + 1, "{out}");
    assert_eq!(lines[0], "frame.number,ip.src");
    // The one-line output says which packets are IPv4 and from where.
    let full = clean(&["-r", arg(&s.pcap)]);
    for (i, (row, text)) in lines[1..].iter().zip(full.lines()).enumerate() {
        let (num, srcs) = row.split_once(',').expect("two columns");
        // An ICMP error quotes a packet: its ip.src comes second, joined by
        // the aggregator (also a comma).
        let src = srcs.split(',').next().unwrap();
        assert_eq!(num, (i + 1).to_string(), "{row}");
        let body = &text[16..];
        if let Some(rest) = body.strip_prefix("IP ") {
            let from = rest.split(' ').next().unwrap();
            assert!(
                from == src || from.starts_with(&format!("{src}.")),
                "row {row} vs {text}"
            );
        } else {
            assert_eq!(src, "", "not IPv4: {text}");
        }
    }
    assert_eq!(lines[1], "1,");
    assert_eq!(lines[3], "3,192.168.1.10");
    // Without the header, the same rows; the default separator is a tab.
    let tabbed = clean(&[
        "-r",
        arg(&s.pcap),
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "ip.src",
    ]);
    assert_eq!(tabbed.replace('\t', ","), lines[1..].join("\n") + "\n");
    // An empty capture still gets its header row.
    let empty = s.file("header-only.pcap", &s.bytes[..24]);
    assert_eq!(
        clean(&[
            "-r",
            arg(&empty),
            "-T",
            "fields",
            "-E",
            "header=y",
            "-E",
            "separator=,",
            "-e",
            "frame.number",
            "-e",
            "ip.src"
        ]),
        "frame.number,ip.src\n"
    );
}

// ---- (i) help ------------------------------------------------------------

#[test]
fn help_has_examples() {
    let main = clean(&["--help"]);
    assert!(main.contains("Example"), "{main}");
    assert!(
        main.contains("wiresift -r "),
        "an example of the main command: {main}"
    );
    for flag in ["-r", "-i", "-w", "-c", "-V", "-x", "-T", "-e", "-E"] {
        assert!(
            main.lines().any(|l| {
                let l = l.trim_start();
                l == flag
                    || l.starts_with(&format!("{flag} "))
                    || l.starts_with(&format!("{flag},"))
            }),
            "--help lists {flag}"
        );
    }
    let short = clean(&["-h"]);
    assert!(short.contains("Example"), "-h shows the examples too");
    for sub in ["fields", "sample"] {
        let h = clean(&[sub, "--help"]);
        assert!(h.contains("Example"), "{sub} --help: {h}");
        assert!(h.contains(&format!("wiresift {sub}")), "{sub} --help: {h}");
    }
}

/// `logs --help` names every log the command knows (the list its error
/// for an unknown name gives).
#[test]
fn logs_help_names_every_log() {
    let s = sample();
    let out = run(&["logs", "nosuch", "-r", arg(&s.pcap)]);
    assert!(!out.status.success());
    let err = stderr_lines(&out).join("\n");
    let known = err
        .split("known logs are ")
        .nth(1)
        .unwrap_or_else(|| panic!("{err}"))
        .trim_end_matches(", or all");
    let help = clean(&["logs", "--help"]);
    for name in known.split(", ") {
        assert!(help.contains(name), "logs --help lacks {name}: {help}");
    }
    assert!(known.split(", ").any(|n| n == "files"), "{known}");
}

// ---- (j) JSON ------------------------------------------------------------

#[test]
fn json_lines_parse_and_have_layers() {
    let s = sample();
    let out = clean(&["-r", arg(&s.pcap), "-T", "json"]);
    let n = records(&s.bytes).len();
    assert_eq!(out.lines().count(), n);
    for (i, line) in out.lines().enumerate() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("packet {}: {e}: {line}", i + 1));
        let layers = v["layers"]
            .as_array()
            .unwrap_or_else(|| panic!("packet {}: no layers array: {line}", i + 1));
        assert!(!layers.is_empty());
        for l in layers {
            assert!(l["protocol"].is_string(), "{l}");
            assert!(l["offset"].is_u64(), "{l}");
            assert!(l["fields"].is_object(), "{l}");
        }
        let frame = layers
            .iter()
            .find(|l| l["protocol"] == "frame")
            .expect("frame layer");
        assert_eq!(frame["fields"]["frame.number"], (i + 1) as u64);
    }
    // The third packet: a DNS query over UDP from 192.168.1.10 to port 53.
    let third: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    let layer = |p: &str| {
        third["layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["protocol"] == p)
            .unwrap_or_else(|| panic!("no {p} layer: {third}"))
            .clone()
    };
    assert_eq!(layer("ip")["fields"]["ip.src"], "192.168.1.10");
    assert_eq!(layer("udp")["fields"]["udp.dstport"], 53);
    assert_eq!(layer("eth")["fields"]["eth.type"], "0x0800");
    // A field that occurs twice in a layer is an array of its values.
    assert_eq!(
        layer("ip")["fields"]["ip.addr"],
        serde_json::json!(["192.168.1.10", "192.168.1.1"])
    );
}

/// JSON on two workers carries each packet's `tcp.stream` and `udp.stream`
/// as `-T fields` on one worker (the flow engine's own numbers) prints them.
#[test]
fn json_on_two_workers_has_the_stream_numbers_of_one() {
    let s = sample();
    let json = clean(&["-r", arg(&s.pcap), "-T", "json", "--threads", "2"]);
    let fields = clean(&[
        "-r",
        arg(&s.pcap),
        "-T",
        "fields",
        "-e",
        "tcp.stream",
        "-e",
        "udp.stream",
        "--threads",
        "1",
    ]);
    let mut numbered = 0;
    for (line, row) in json.lines().zip(fields.lines()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let of = |name: &str| -> String {
            let vals: Vec<String> = v["layers"]
                .as_array()
                .expect("layers")
                .iter()
                .filter_map(|l| l["fields"][name].as_u64())
                .map(|n| n.to_string())
                .collect();
            vals.join(",")
        };
        let got = format!("{}\t{}", of("tcp.stream"), of("udp.stream"));
        assert_eq!(got, row, "{line}");
        numbered += usize::from(got != "\t");
    }
    assert_eq!(json.lines().count(), fields.lines().count());
    assert!(numbered > 10, "{numbered} packets with a stream number");
}

// ---- (k) -w then -r ------------------------------------------------------

#[test]
fn write_then_read_is_the_same() {
    let s = sample();
    let w = s.dir.path("copy.pcap");
    let (out, err, code) = wiresift(&["-r", arg(&s.pcap), "-w", arg(&w)]);
    assert_eq!(code, Some(0), "{err:?}");
    assert!(out.is_empty() && err.is_empty(), "{out:?} {err:?}");
    let copy = std::fs::read(&w).unwrap();
    // wiresift writes nanosecond pcap.
    assert!(
        matches!(
            copy[0..4],
            [0x4d, 0x3c, 0xb2, 0xa1] | [0xa1, 0xb2, 0x3c, 0x4d]
        ),
        "nanosecond magic: {:02x?}",
        &copy[0..4]
    );
    for mode in [
        &[][..],
        &["-T", "json"][..],
        &[
            "-T",
            "fields",
            "-e",
            "frame.time_epoch",
            "-e",
            "frame.len",
            "-e",
            "frame.cap_len",
        ][..],
    ] {
        assert_eq!(
            clean(&[&["-r", arg(&w)], mode].concat()),
            clean(&[&["-r", arg(&s.pcap)], mode].concat()),
            "{mode:?}"
        );
    }
    // The packet bytes are the same, record by record.
    let (a, b) = (records(&s.bytes), records(&copy));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(&s.bytes[x.off + 16..x.end()], &copy[y.off + 16..y.end()]);
        assert_eq!(x.orig, y.orig);
    }
    // From standard input.
    let w2 = s.dir.path("from-stdin.pcap");
    let out = run_stdin(&["-r", "-", "-w", arg(&w2)], &s.bytes);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read(&w2).unwrap(), copy);
    // Into a directory that does not exist: one line naming the path.
    let bad = s.dir.path("no/such/dir/out.pcap");
    let (_, err, code) = wiresift(&["-r", arg(&s.pcap), "-w", arg(&bad)]);
    assert_eq!(code, Some(1));
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(err[0].contains(arg(&bad)), "{}", err[0]);
}

// ---- (l) wiresift fields -------------------------------------------------

#[test]
fn fields_lists_names_types_protocols() {
    let out = clean(&["fields"]);
    let mut seen = std::collections::HashSet::new();
    for line in out.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "name, type, protocol, description: {line:?}");
        assert!(seen.insert(cols[0]), "{} listed twice", cols[0]);
    }
    let row = |name: &str| {
        out.lines()
            .find(|l| l.split('\t').next() == Some(name))
            .unwrap_or_else(|| panic!("{name} not listed"))
            .split('\t')
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let ip_src = row("ip.src");
    assert_eq!(&ip_src[1..3], ["ipv4", "ip"], "{ip_src:?}");
    assert_eq!(&row("ipv6.src")[1], "ipv6");
    assert_eq!(&row("eth.src")[1], "ether");
    assert_eq!(&row("tcp.dstport")[1], "uint");
    assert_eq!(&row("frame.number")[1..3], ["uint", "frame"]);
    // Every listed field is accepted by -e.
    let s = sample();
    let names: Vec<&str> = out.lines().filter_map(|l| l.split('\t').next()).collect();
    let mut args = vec!["-r", arg(&s.pcap), "-c", "1", "-T", "fields"];
    for n in &names {
        args.push("-e");
        args.push(n);
    }
    let (row1, err, code) = wiresift(&args);
    assert_eq!(code, Some(0), "{err:?}");
    assert_eq!(row1.matches('\t').count(), names.len() - 1);
    let protocols = clean(&["fields", "--protocols"]);
    assert!(
        protocols.lines().any(|l| l.starts_with("ip\t")),
        "{protocols}"
    );
    assert!(
        protocols.lines().any(|l| l.starts_with("tcp\t")),
        "{protocols}"
    );
}
