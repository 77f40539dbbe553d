//! Display filters against tshark 4.0 over every dev capture: for each
//! expression of `data/display_filters.txt`, the frames wiresift keeps must
//! be the frames tshark keeps, file by file. A difference fails the test
//! unless `data/display_filter_allow.txt` explains it.
//!
//! Running tshark 700 × 270 times would take hours, so all captures tshark
//! can read are merged into one pcapng (`mergecap -a`, in file-name order)
//! and tshark ran once per expression on that file. Its answers are kept in
//! `data/display_filter_refs.txt` (frame numbers only; no capture bytes),
//! together with the recipe of the merged file. The test rebuilds the merged
//! file (it needs mergecap and tshark, from Debian's wireshark-common and
//! tshark packages), evaluates every expression in-process on each packet
//! (one dissection, all filters), maps merged frame numbers back to
//! (file, frame), and compares. It also runs the built binary with `-Y` on a
//! few expressions to check the command line gives the same frames.
//!
//! To remake the references (after the corpus changed; about 35 minutes):
//!
//! ```sh
//! WIRESIFT_REGEN_FILTER_REFS=1 cargo test -p wiresift --test display_filter_corpus -- --nocapture
//! ```
//!
//! After adding expressions, `WIRESIFT_REGEN_FILTER_REFS=missing` runs
//! tshark for the new ones only. `WIRESIFT_FILTER_DIFFS=FILE` writes every
//! differing frame (expression, file, frame, who keeps it) to FILE.
//!
//! That also checks that merging does not change tshark's view of a file
//! (reassembly or conversation state crossing file boundaries: two captures
//! of the same TCP connection one after the other): it compares tshark's
//! per-frame fields on each file alone with its fields in the merged file.
//! A file that differs is left out of the merge and run alone ("alone" in
//! the references), by tshark and by us.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use wiresift_capture::FileReader;
use wiresift_engine::defrag::Limits;
use wiresift_engine::filter::Filter;
use wiresift_engine::{Dissection, Dissector, Options};

const EXPRS: &str = include_str!("data/display_filters.txt");
const ALLOW: &str = include_str!("data/display_filter_allow.txt");

/// Fields compared between tshark on each file alone and on the merged file
/// when the references are made (frame-relative fields left out).
const CHECK_FIELDS: &[&str] = &[
    "frame.len",
    "frame.cap_len",
    "frame.time_epoch",
    "frame.protocols",
    "eth.src",
    "eth.dst",
    "eth.type",
    "vlan.id",
    "ip.src",
    "ip.dst",
    "ip.proto",
    "ip.ttl",
    "ip.len",
    "ip.flags",
    "ip.frag_offset",
    "ipv6.src",
    "ipv6.dst",
    "ipv6.nxt",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.seq",
    "tcp.flags",
    "tcp.len",
    "udp.srcport",
    "udp.dstport",
    "udp.length",
    "icmp.type",
    "icmpv6.type",
    "arp.opcode",
    "mpls.label",
];

/// The expressions that are also run through the command line.
const CLI_CHECKS: &[&str] = &[
    "tcp.port == 443",
    "ip.addr == 10.0.0.0/8",
    "eth.src[0:3] == 08-00-27",
];

fn refs_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/display_filter_refs.txt")
}

/// One expression: ours, and tshark's spelling of it.
struct Expr {
    ours: String,
    tshark: String,
}

fn expressions() -> Vec<Expr> {
    EXPRS
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once('\t') {
            Some((a, b)) => Expr {
                ours: a.trim().to_string(),
                tshark: b.trim().to_string(),
            },
            None => Expr {
                ours: l.trim().to_string(),
                tshark: l.trim().to_string(),
            },
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    /// The file goes into the merge as it is.
    Include,
    /// mergecap cannot take it (damaged, or blocks it cannot write): the
    /// packets tshark reads of it, rewritten by `tshark -F pcapng -w`.
    Convert,
    /// tshark reads no packet of it.
    Skip,
}

#[derive(Clone, Debug)]
struct Input {
    kind: Kind,
    file: String,
    /// Frames tshark shows for it.
    frames: u64,
    /// Compared on its own, not in the merged file.
    alone: bool,
    note: String,
}

/// What the references file holds.
#[derive(Default)]
struct Refs {
    tshark_version: String,
    inputs: Vec<Input>,
    /// Frames of the merged file.
    total: u64,
    /// tshark's expression → kept frame numbers of the merged file.
    kept: BTreeMap<String, Vec<u64>>,
    /// (file, tshark's expression) → kept frames of a file run alone.
    alone: BTreeMap<(String, String), Vec<u64>>,
}

/// Frame numbers as run lengths: frames skipped, frames kept, skipped,
/// kept… (`1,2,3,7` → `0,3,3,1`).
fn runs(v: &[u64]) -> String {
    let mut out = String::new();
    let mut next = 1u64;
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j + 1 < v.len() && v[j + 1] == v[j] + 1 {
            j += 1;
        }
        if !out.is_empty() {
            out.push(',');
        }
        let _ = write!(out, "{},{}", v[i] - next, j - i + 1);
        next = v[j] + 1;
        i = j + 1;
    }
    out
}

fn parse_runs(s: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut next = 1u64;
    let nums: Vec<u64> = s
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().expect("run length"))
        .collect();
    for pair in nums.chunks(2) {
        next += pair[0];
        let n = pair.get(1).copied().unwrap_or(0);
        out.extend(next..next + n);
        next += n;
    }
    out
}

fn ranges(v: &[u64]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j + 1 < v.len() && v[j + 1] == v[j] + 1 {
            j += 1;
        }
        if !out.is_empty() {
            out.push(',');
        }
        if i == j {
            let _ = write!(out, "{}", v[i]);
        } else {
            let _ = write!(out, "{}-{}", v[i], v[j]);
        }
        i = j + 1;
    }
    out
}

fn parse_ranges(s: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u64, u64) = (a.parse().expect("range"), b.parse().expect("range"));
                out.extend(a..=b);
            }
            None => out.push(part.parse().expect("frame number")),
        }
    }
    out
}

fn parse_refs(text: &str) -> Refs {
    let mut r = Refs::default();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        let col = |i: usize| f.get(i).copied().unwrap_or("");
        match f[0] {
            "tshark" => r.tshark_version = col(1).to_string(),
            "frames" => r.total = col(1).parse().expect("frames"),
            "input" => r.inputs.push(Input {
                kind: match col(1) {
                    "include" => Kind::Include,
                    "convert" => Kind::Convert,
                    _ => Kind::Skip,
                },
                file: col(2).to_string(),
                frames: col(3).parse().expect("input frames"),
                alone: col(4) == "alone",
                note: col(5).to_string(),
            }),
            "ref" => {
                r.kept.insert(col(1).to_string(), parse_runs(col(2)));
            }
            "alone" => {
                r.alone
                    .insert((col(1).to_string(), col(2).to_string()), parse_runs(col(3)));
            }
            other => panic!("display_filter_refs.txt: unknown line kind {other:?}"),
        }
    }
    r
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(cmd: &mut Command) -> std::process::Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// The converted copy of an input in `tmp`.
fn converted(tmp: &common::TempDir, file: &str) -> PathBuf {
    tmp.path(&format!("conv-{file}.pcapng"))
}

fn convert(dev: &Path, tmp: &common::TempDir, file: &str) -> bool {
    let out = run(Command::new("tshark")
        .arg("-r")
        .arg(dev.join(file))
        .args(["-F", "pcapng", "-w"])
        .arg(converted(tmp, file)));
    // tshark exits 2 on a damaged file after writing what it read.
    out.status.code().is_some_and(|c| c == 0 || c == 2) && converted(tmp, file).exists()
}

/// Build the merged capture of the recipe's inputs.
fn merge(dev: &Path, tmp: &common::TempDir, inputs: &[Input]) -> PathBuf {
    let merged = tmp.path("merged.pcapng");
    let mut cmd = Command::new("mergecap");
    cmd.args(["-a", "-F", "pcapng", "-w"]).arg(&merged);
    for i in inputs.iter().filter(|i| !i.alone) {
        match i.kind {
            Kind::Include => {
                cmd.arg(dev.join(&i.file));
            }
            Kind::Convert => {
                assert!(
                    convert(dev, tmp, &i.file),
                    "{}: tshark cannot rewrite it",
                    i.file
                );
                cmd.arg(converted(tmp, &i.file));
            }
            Kind::Skip => {}
        }
    }
    let out = run(&mut cmd);
    assert!(
        out.status.success(),
        "mergecap failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    merged
}

/// tshark's `-T fields` rows of `file`.
fn tshark_rows(file: &Path, fields: &[&str]) -> Vec<String> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-n").arg("-r").arg(file).args(["-T", "fields"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = run(&mut cmd);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The frames tshark keeps of `file` for `expr`.
fn tshark_kept(file: &Path, expr: &str) -> Vec<u64> {
    let out = run(Command::new("tshark").arg("-n").arg("-r").arg(file).args([
        "-Y",
        expr,
        "-T",
        "fields",
        "-e",
        "frame.number",
    ]));
    let err = String::from_utf8_lossy(&out.stderr);
    // exit 2: a damaged file, read up to the damage
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 2) && !err.contains("was unexpected"),
        "tshark rejects {expr:?}: {err}"
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().parse().expect("frame number"))
        .collect()
}

/// Add the references of expressions that have none yet
/// (WIRESIFT_REGEN_FILTER_REFS=missing), keeping the merge recipe.
fn add_missing(dev: &Path, tmp: &common::TempDir, mut refs: Refs, exprs: &[Expr]) -> Refs {
    let missing: Vec<&Expr> = exprs
        .iter()
        .filter(|e| !refs.kept.contains_key(&e.tshark))
        .collect();
    eprintln!("adding references for {} expressions", missing.len());
    let merged = merge(dev, tmp, &refs.inputs);
    for i in refs
        .inputs
        .iter()
        .filter(|i| i.alone && i.kind == Kind::Convert)
    {
        assert!(convert(dev, tmp, &i.file), "{}: cannot convert", i.file);
    }
    for (e, v) in common::par_map(&missing, |e| {
        (e.tshark.clone(), tshark_kept(&merged, &e.tshark))
    }) {
        refs.kept.insert(e, v);
    }
    let jobs: Vec<(PathBuf, String, String)> = refs
        .inputs
        .iter()
        .filter(|i| i.alone)
        .flat_map(|i| {
            let path = match i.kind {
                Kind::Convert => converted(tmp, &i.file),
                _ => dev.join(&i.file),
            };
            missing
                .iter()
                .map(move |e| (path.clone(), i.file.clone(), e.tshark.clone()))
        })
        .collect();
    for (k, v) in common::par_map(&jobs, |(path, file, e)| {
        ((file.clone(), e.clone()), tshark_kept(path, e))
    }) {
        refs.alone.insert(k, v);
    }
    // References of expressions no longer in the list go.
    let listed: BTreeSet<&str> = exprs.iter().map(|e| e.tshark.as_str()).collect();
    refs.kept.retain(|e, _| listed.contains(e.as_str()));
    refs.alone.retain(|(_, e), _| listed.contains(e.as_str()));
    write_refs(&refs);
    refs
}

/// Make the references with tshark (WIRESIFT_REGEN_FILTER_REFS=1).
fn regenerate(dev: &Path, tmp: &common::TempDir, files: &[String], exprs: &[Expr]) -> Refs {
    let version = String::from_utf8_lossy(&run(Command::new("tshark").arg("-v")).stdout)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    eprintln!("regenerating with {version}: probing {} files", files.len());
    // Which files mergecap takes as they are. Its copy of each file alone
    // (`norm-FILE`) is what tshark is run on to count and check the frames:
    // mergecap leaves out records that are not packets (pcapng custom
    // blocks), which tshark counts as frames in the original.
    let norm = |f: &str| tmp.path(&format!("norm-{f}.pcapng"));
    let mut inputs: Vec<Input> = common::par_map(files, |f| {
        let ok = Command::new("mergecap")
            .args(["-a", "-F", "pcapng", "-w"])
            .arg(norm(f))
            .arg(dev.join(f))
            .output()
            .is_ok_and(|o| o.status.success());
        Input {
            kind: if ok { Kind::Include } else { Kind::Convert },
            file: f.clone(),
            frames: 0,
            alone: false,
            note: String::new(),
        }
    });
    for i in inputs.iter_mut().filter(|i| i.kind == Kind::Convert) {
        let err = run(Command::new("tshark")
            .arg("-r")
            .arg(dev.join(&i.file))
            .args(["-c", "1"]));
        let first = String::from_utf8_lossy(&err.stderr)
            .lines()
            .find(|l| !l.starts_with("Running as"))
            .unwrap_or("")
            .replace(&format!("\"{}\"", dev.join(&i.file).display()), "")
            .replace('\t', " ");
        i.note = first;
        if !convert(dev, tmp, &i.file) {
            i.kind = Kind::Skip;
        }
    }
    // Each input alone: its frame count and fields.
    let alone: Vec<Vec<String>> = common::par_map(&inputs, |i| match i.kind {
        Kind::Include => tshark_rows(&norm(&i.file), CHECK_FIELDS),
        Kind::Convert => tshark_rows(&converted(tmp, &i.file), CHECK_FIELDS),
        Kind::Skip => Vec::new(),
    });
    for (i, rows) in inputs.iter_mut().zip(&alone) {
        i.frames = rows.len() as u64;
        if i.frames == 0 && i.kind == Kind::Convert {
            i.kind = Kind::Skip;
        }
    }
    // Merge; a file tshark sees differently in the merged file than alone
    // is taken out and run alone; until none is left.
    let mut merged;
    let mut round = 0;
    loop {
        round += 1;
        merged = merge(dev, tmp, &inputs);
        let merged_rows = tshark_rows(&merged, CHECK_FIELDS);
        let total: u64 = inputs.iter().filter(|i| !i.alone).map(|i| i.frames).sum();
        assert_eq!(merged_rows.len() as u64, total, "merged frame count");
        let mut at = 0usize;
        let mut moved = Vec::new();
        for (i, rows) in inputs.iter_mut().zip(&alone).filter(|(i, _)| !i.alone) {
            let differ = rows
                .iter()
                .enumerate()
                .filter(|(k, row)| merged_rows[at + k] != **row)
                .count();
            if differ > 0 {
                i.alone = true;
                moved.push(format!("{} ({differ} frames)", i.file));
            }
            at += rows.len();
        }
        eprintln!(
            "merge round {round}: {total} frames; files tshark sees differently in the merged file: {}",
            if moved.is_empty() { "none".to_string() } else { moved.join(", ") }
        );
        if moved.is_empty() {
            break;
        }
        assert!(round < 5, "merging keeps changing tshark's view of files");
    }
    let total: u64 = inputs.iter().filter(|i| !i.alone).map(|i| i.frames).sum();
    // One tshark run per expression on the merged file, and on each file
    // that is run alone.
    let kept: Vec<(String, Vec<u64>)> = common::par_map(exprs, |e| {
        let v = tshark_kept(&merged, &e.tshark);
        eprintln!("  {:>6}  {}", v.len(), e.tshark);
        (e.tshark.clone(), v)
    });
    let jobs: Vec<(PathBuf, String, String)> = inputs
        .iter()
        .filter(|i| i.alone)
        .flat_map(|i| {
            let path = match i.kind {
                Kind::Convert => converted(tmp, &i.file),
                _ => dev.join(&i.file),
            };
            exprs
                .iter()
                .map(move |e| (path.clone(), i.file.clone(), e.tshark.clone()))
        })
        .collect();
    let alone_kept: Vec<((String, String), Vec<u64>)> =
        common::par_map(&jobs, |(path, file, e)| {
            ((file.clone(), e.clone()), tshark_kept(path, e))
        });
    let refs = Refs {
        tshark_version: version,
        inputs,
        total,
        kept: kept.into_iter().collect(),
        alone: alone_kept.into_iter().collect(),
    };
    write_refs(&refs);
    refs
}

/// Write the references file.
fn write_refs(refs: &Refs) {
    let mut text = String::from(
        "# Frames tshark keeps for each display filter of display_filters.txt, on the merged dev corpus.\n\
         # Made by: WIRESIFT_REGEN_FILTER_REFS=1 cargo test -p wiresift --test display_filter_corpus -- --nocapture\n\
         # which runs `mergecap -a -F pcapng -w merged.pcapng INPUTS` over the inputs below that are not alone,\n\
         # in this order (include: the file itself; convert: `tshark -r FILE -F pcapng -w F.pcapng`, the packets\n\
         # tshark reads of a file mergecap cannot take; skip: tshark reads no packet of it), then for each\n\
         # expression `tshark -n -r merged.pcapng -Y EXPR -T fields -e frame.number`; and the same on each file\n\
         # marked alone (tshark sees it differently in the merged file than alone).\n\
         # input KIND FILE FRAMES alone|merged NOTE | frames TOTAL (of the merged file)\n\
         # ref EXPR RUNS (merged file) | alone FILE EXPR RUNS\n\
         # RUNS: frames skipped, frames kept, skipped, kept... (frames 1,2,3,7 are 0,3,3,1).\n",
    );
    let _ = writeln!(text, "tshark\t{}", refs.tshark_version);
    let _ = writeln!(text, "frames\t{}", refs.total);
    for i in &refs.inputs {
        let kind = match i.kind {
            Kind::Include => "include",
            Kind::Convert => "convert",
            Kind::Skip => "skip",
        };
        let place = if i.alone { "alone" } else { "merged" };
        let _ = writeln!(
            text,
            "input\t{kind}\t{}\t{}\t{place}\t{}",
            i.file, i.frames, i.note
        );
    }
    for (e, v) in &refs.kept {
        let _ = writeln!(text, "ref\t{e}\t{}", runs(v));
    }
    for ((f, e), v) in &refs.alone {
        let _ = writeln!(text, "alone\t{f}\t{e}\t{}", runs(v));
    }
    std::fs::write(refs_path(), text).expect("write display_filter_refs.txt");
}

/// Every filter over every packet of `file`, dissected once.
fn ours(file: &Path, filters: &[Filter]) -> (u64, Vec<Vec<u64>>) {
    let mut reader = FileReader::open(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut dissector = Dissector::new(Options::default(), Limits::default());
    let mut clock = wiresift_capture::clock::FrameClock::default();
    let mut kept = vec![Vec::new(); filters.len()];
    // A damaged file ends at the damage, as in tshark.
    while let Ok(Some(p)) = reader.next_packet() {
        let meta = clock.meta(&p);
        let mut d = Dissection::default();
        dissector.dissect(meta, p.data, &mut d);
        for (f, k) in filters.iter().zip(kept.iter_mut()) {
            if f.matches(&d) {
                k.push(meta.number);
            }
        }
    }
    (clock.count(), kept)
}

/// Differences explained in display_filter_allow.txt.
struct Allow {
    /// (file, frame) → reason
    frames: BTreeMap<(String, u64), String>,
    /// (expression, file or "*") → reason
    exprs: BTreeMap<(String, String), String>,
    used: std::cell::RefCell<BTreeSet<String>>,
}

impl Allow {
    fn load() -> Allow {
        let mut a = Allow {
            frames: BTreeMap::new(),
            exprs: BTreeMap::new(),
            used: Default::default(),
        };
        for line in ALLOW
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let f: Vec<&str> = line.split('\t').collect();
            assert!(
                f.len() == 4,
                "display_filter_allow.txt: 4 tab-separated columns: {line:?}"
            );
            match f[0] {
                "frame" => {
                    for n in parse_ranges(f[2]) {
                        a.frames.insert((f[1].to_string(), n), f[3].to_string());
                    }
                }
                "expr" => {
                    a.exprs
                        .insert((f[1].to_string(), f[2].to_string()), f[3].to_string());
                }
                k => panic!("display_filter_allow.txt: unknown kind {k:?}"),
            }
        }
        a
    }

    fn reason(&self, expr: &str, file: &str, frame: u64) -> Option<String> {
        let r = self
            .exprs
            .get(&(expr.to_string(), file.to_string()))
            .or_else(|| self.exprs.get(&(expr.to_string(), "*".to_string())))
            .or_else(|| self.frames.get(&(file.to_string(), frame)))
            .cloned();
        if let Some(r) = &r {
            self.used.borrow_mut().insert(r.clone());
        }
        r
    }
}

#[test]
fn display_filters_agree_with_tshark() {
    let Some(shared) = common::shared() else {
        return;
    };
    let require = std::env::var("WIRESIFT_REQUIRE_CORPUS").as_deref() == Ok("1");
    if !have("mergecap") || !have("tshark") {
        assert!(
            !require,
            "mergecap and tshark are needed (Debian: tshark, wireshark-common)"
        );
        eprintln!("skipping: mergecap or tshark not installed");
        return;
    }
    let dev = shared.join("captures/dev");
    let files: Vec<String> = common::dev_captures(&shared)
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    let exprs = expressions();
    assert!(exprs.len() >= 150, "at least 150 expressions");
    let tmp = common::TempDir::new("dfilter");
    let started = std::time::Instant::now();

    let mode = std::env::var("WIRESIFT_REGEN_FILTER_REFS").unwrap_or_default();
    let refs = if mode == "1" {
        regenerate(&dev, &tmp, &files, &exprs)
    } else {
        let text = std::fs::read_to_string(refs_path()).expect("read display_filter_refs.txt");
        let refs = parse_refs(&text);
        if mode == "missing" {
            add_missing(&dev, &tmp, refs, &exprs)
        } else {
            refs
        }
    };
    let here = String::from_utf8_lossy(&run(Command::new("tshark").arg("-v")).stdout)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    if here != refs.tshark_version {
        eprintln!(
            "note: the references were made with {}, this machine has {here}",
            refs.tshark_version
        );
    }
    let listed: Vec<&str> = refs.inputs.iter().map(|i| i.file.as_str()).collect();
    assert_eq!(
        listed,
        files.iter().map(String::as_str).collect::<Vec<_>>(),
        "the dev corpus is not the one the references were made from: remake them \
         (WIRESIFT_REGEN_FILTER_REFS=1, see the top of this file)"
    );
    for e in &exprs {
        assert!(
            refs.kept.contains_key(&e.tshark),
            "no reference for {:?}: remake the references (WIRESIFT_REGEN_FILTER_REFS=1)",
            e.tshark
        );
    }
    for i in refs.inputs.iter().filter(|i| i.alone) {
        for e in &exprs {
            assert!(
                refs.alone.contains_key(&(i.file.clone(), e.tshark.clone())),
                "no reference for {:?} on {}: remake the references",
                e.tshark,
                i.file
            );
        }
    }
    let merged = if tmp.path("merged.pcapng").exists() {
        tmp.path("merged.pcapng")
    } else {
        merge(&dev, &tmp, &refs.inputs)
    };

    // Our side: every filter compiles, then one pass over the packets of
    // the merged file and of each file run alone.
    let filters: Vec<Filter> = exprs
        .iter()
        .map(|e| Filter::compile(&e.ours).unwrap_or_else(|err| panic!("{}: {err}", e.ours)))
        .collect();
    let t0 = std::time::Instant::now();
    let (total, kept) = ours(&merged, &filters);
    assert_eq!(
        total, refs.total,
        "wiresift reads {total} frames of the merged capture, tshark {}",
        refs.total
    );
    let mut alone_ours: BTreeMap<&str, Vec<Vec<u64>>> = BTreeMap::new();
    for i in refs
        .inputs
        .iter()
        .filter(|i| i.alone && i.kind != Kind::Skip)
    {
        let path = match i.kind {
            Kind::Convert => {
                if !converted(&tmp, &i.file).exists() {
                    assert!(convert(&dev, &tmp, &i.file), "{}: cannot convert", i.file);
                }
                converted(&tmp, &i.file)
            }
            _ => dev.join(&i.file),
        };
        let (n, k) = ours(&path, &filters);
        assert_eq!(
            n, i.frames,
            "{}: wiresift reads {n} frames, tshark {}",
            i.file, i.frames
        );
        alone_ours.insert(i.file.as_str(), k);
    }
    let ours_secs = t0.elapsed().as_secs_f64();

    // Merged frame number → (file, frame in that file).
    let mut starts: Vec<(u64, &Input)> = Vec::new();
    let mut at = 0;
    for i in refs.inputs.iter().filter(|i| !i.alone && i.frames > 0) {
        starts.push((at, i));
        at += i.frames;
    }
    let locate = |n: u64| -> (&str, u64) {
        let k = starts.partition_point(|(s, _)| *s < n) - 1;
        (starts[k].1.file.as_str(), n - starts[k].0)
    };

    let allow = Allow::load();
    let files_compared = starts.len() + alone_ours.len();
    let (mut pairs_exact, mut pairs_explained, mut pairs_failed) = (0usize, 0usize, 0usize);
    let mut unexplained: Vec<String> = Vec::new();
    let mut dump = String::new();
    let mut report = String::new();
    for (x, e) in exprs.iter().enumerate() {
        // Differences by file: (only tshark, only ours, unexplained?).
        let mut by_file: BTreeMap<String, (Vec<u64>, Vec<u64>, bool)> = BTreeMap::new();
        let (mut n_want, mut n_got) = (0, 0);
        let mut diff = |file: &str, local: u64, tshark_only: bool| {
            let entry = by_file.entry(file.to_string()).or_default();
            if tshark_only {
                entry.0.push(local);
            } else {
                entry.1.push(local);
            }
            if allow.reason(&e.ours, file, local).is_none() {
                entry.2 = true;
            }
            let _ = writeln!(
                dump,
                "{}\t{file}\t{local}\t{}",
                e.ours,
                if tshark_only { "tshark" } else { "wiresift" }
            );
        };
        let want: BTreeSet<u64> = refs.kept[&e.tshark].iter().copied().collect();
        let got: BTreeSet<u64> = kept[x].iter().copied().collect();
        n_want += want.len();
        n_got += got.len();
        for &n in want.symmetric_difference(&got) {
            let (file, local) = locate(n);
            diff(file, local, want.contains(&n));
        }
        for (file, k) in &alone_ours {
            let want: BTreeSet<u64> = refs.alone[&(file.to_string(), e.tshark.clone())]
                .iter()
                .copied()
                .collect();
            let got: BTreeSet<u64> = k[x].iter().copied().collect();
            n_want += want.len();
            n_got += got.len();
            for &n in want.symmetric_difference(&got) {
                diff(file, n, want.contains(&n));
            }
        }
        let failed = by_file.values().filter(|v| v.2).count();
        let explained = by_file.len() - failed;
        pairs_exact += files_compared - by_file.len();
        pairs_explained += explained;
        pairs_failed += failed;
        let _ = writeln!(
            report,
            "{n_want:>6} {n_got:>6} {explained:>4} {failed:>4}  {}",
            e.ours
        );
        for (file, (only_t, only_o, bad)) in &by_file {
            if *bad {
                unexplained.push(format!(
                    "{:?} on {file}: tshark only [{}], wiresift only [{}]",
                    e.ours,
                    ranges(only_t),
                    ranges(only_o)
                ));
            }
        }
    }
    if let Ok(path) = std::env::var("WIRESIFT_FILTER_DIFFS") {
        std::fs::write(&path, &dump).expect("write the differences");
    }
    eprintln!("tshark wiresift files(explained, unexplained)  expression\n{report}");
    let pairs = exprs.len() * files_compared;
    eprintln!(
        "{} expressions x {files_compared} files = {pairs} pairs: {pairs_exact} identical, \
         {pairs_explained} differ as explained in display_filter_allow.txt, {pairs_failed} differ \
         unexplained ({:.3}% identical); {} files run alone; our passes over {} frames took {ours_secs:.1}s",
        exprs.len(),
        100.0 * pairs_exact as f64 / pairs as f64,
        alone_ours.len(),
        total + refs.inputs.iter().filter(|i| i.alone).map(|i| i.frames).sum::<u64>(),
    );
    let skipped: Vec<&str> = refs
        .inputs
        .iter()
        .filter(|i| i.frames == 0)
        .map(|i| i.file.as_str())
        .collect();
    eprintln!(
        "files tshark reads no frame of (not compared): {}",
        skipped.join(", ")
    );
    let unused: Vec<String> = allow
        .frames
        .values()
        .chain(allow.exprs.values())
        .filter(|r| !allow.used.borrow().contains(*r))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !unused.is_empty() {
        eprintln!(
            "allow-list reasons no difference needed any more:\n  {}",
            unused.join("\n  ")
        );
    }
    if !unexplained.is_empty() {
        eprintln!("unexplained differences:\n{}", unexplained.join("\n"));
    }

    // The command line gives the same frames as the library.
    for expr in CLI_CHECKS {
        let i = exprs
            .iter()
            .position(|e| e.ours == *expr)
            .expect("a CLI check is in the expression list");
        let out = common::run(&[
            "-r",
            common::arg(&merged),
            "-Y",
            expr,
            "-T",
            "fields",
            "-e",
            "frame.number",
        ]);
        assert!(
            out.status.success(),
            "{expr}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cli: Vec<u64> = common::stdout_of(&out)
            .lines()
            .map(|l| l.parse().expect("frame number"))
            .collect();
        assert_eq!(
            cli, kept[i],
            "wiresift -Y {expr:?} differs from the library"
        );
    }
    eprintln!("took {:.1}s in all", started.elapsed().as_secs_f64());
    assert!(
        unexplained.is_empty(),
        "{} differences with tshark that display_filter_allow.txt does not explain (listed above)",
        unexplained.len()
    );
}
