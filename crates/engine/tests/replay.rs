//! The fuzz targets' bodies (`fuzz/src/lib.rs`, included below) under plain
//! `cargo test` on the stable toolchain, over:
//!
//! * every packet of every capture in `../shared/captures/dev` (`dissect`,
//!   every layer's `view_*`, each file through `file_reader` and
//!   `file_parts` and its packets
//!   in order through `dissector_defrag` and `conversations`, the display filters of
//!   `FILTER_SEEDS` and capture filters of `BPF_SEEDS` on some of them);
//! * every file in `fuzz/regressions/<target>/`: crashes the fuzzer found,
//!   replayed through the target their folder names;
//! * 200 000 deterministic mutations of corpus packets (bit flips, bytes
//!   set to edge values, truncations, length fields smashed, bytes inserted
//!   and removed; runs of packets through the defragmenter and the logs'
//!   conversations; display filters, capture filters and compiled BPF
//!   programs mutated too), each numbered so that a failure can be replayed alone
//!   (`WIRESIFT_MUTATION=<n>`).
//!
//! Each input runs under `catch_unwind`; a panic is reported with the file,
//! packet number, mutation number and the input as hex, and fails the test
//! after all inputs have run.
//!
//! Without `../shared` the corpus parts print "skipping: ../shared not
//! found" and the mutations start from the engine's sample capture instead;
//! with `WIRESIFT_REQUIRE_CORPUS=1` a missing corpus fails the test.
//! `WIRESIFT_MUTATIONS=<n>` changes the number of mutations.

#[path = "../../../fuzz/src/lib.rs"]
mod bodies;

use std::cell::{Cell, RefCell};
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once, OnceLock};
use std::time::{Duration, Instant};
use std::{env, fs};

use wiresift_capture::{bpf, FileReader};
use wiresift_engine::dissect::{self, Dissection, Options};
use wiresift_wire::frame::FrameMeta;
use wiresift_wire::{Layer, Proto};

/// Mutations run by default.
const MUTATIONS: u64 = 200_000;
/// The mutations stop here even if not all have run (a slow machine).
const MUTATION_DEADLINE: Duration = Duration::from_secs(120);
/// Failures listed in full; the rest are counted.
const MAX_REPORTED: usize = 20;

// ------------------------------------------------------------ panics

thread_local! {
    /// Set while an input runs: the panic hook records instead of printing.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                LAST_PANIC.with(|p| *p.borrow_mut() = info.to_string());
            } else {
                default(info);
            }
        }));
    });
}

/// Run `body` on `input`; the panic message (with its location) if it panicked.
fn run(body: fn(&[u8]), input: &[u8]) -> Option<String> {
    CATCHING.with(|c| c.set(true));
    let r = panic::catch_unwind(AssertUnwindSafe(|| body(input)));
    CATCHING.with(|c| c.set(false));
    r.err()
        .map(|_| LAST_PANIC.with(|p| std::mem::take(&mut *p.borrow_mut())))
}

/// Failures of one test, reported together at its end.
#[derive(Default)]
struct Failures {
    list: Vec<String>,
    count: usize,
}

impl Failures {
    fn check(
        &mut self,
        target: &str,
        body: fn(&[u8]),
        input: &[u8],
        what: impl FnOnce() -> String,
    ) {
        if let Some(msg) = run(body, input) {
            self.count += 1;
            if self.list.len() < MAX_REPORTED {
                self.list.push(format!(
                    "{target} panicked on {}\n  {msg}\n  input ({} bytes): {}",
                    what(),
                    input.len(),
                    hex(input)
                ));
            }
        }
    }

    fn assert_none(self, what: &str) {
        if self.count > 0 {
            let mut s = format!("{} of the {what} panicked:\n", self.count);
            for f in &self.list {
                s.push_str(f);
                s.push('\n');
            }
            if self.count > self.list.len() {
                let _ = writeln!(s, "... and {} more", self.count - self.list.len());
            }
            panic!("{s}");
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .fold(String::with_capacity(b.len() * 2), |mut s, x| {
            let _ = write!(s, "{x:02x}");
            s
        })
}

// ------------------------------------------------------------ corpus

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One packet of a capture, as the fuzz targets take it.
struct Packet {
    file: usize,
    /// 1-based, in file order.
    number: u64,
    ts_secs: i64,
    /// The `dissect` input: 2-byte prefix, then the frame.
    input: Vec<u8>,
}

struct Corpus {
    /// File names, and the first bytes of each file (`file_reader` bases).
    files: Vec<(String, Vec<u8>)>,
    packets: Vec<Packet>,
    /// Whether this is the shared corpus (else the engine's sample capture).
    shared: bool,
}

fn corpus() -> &'static Corpus {
    static C: OnceLock<Corpus> = OnceLock::new();
    C.get_or_init(load)
}

/// The shared corpus, or None (with the skip message) when it is missing.
fn shared_dir() -> Option<PathBuf> {
    let dir = repo().join("../shared/captures/dev");
    if dir.is_dir() {
        return Some(dir);
    }
    if env::var("WIRESIFT_REQUIRE_CORPUS").as_deref() == Ok("1") {
        panic!("WIRESIFT_REQUIRE_CORPUS=1 but {} is missing", dir.display());
    }
    None
}

fn load() -> Corpus {
    let Some(dir) = shared_dir() else {
        return sample_corpus();
    };
    let mut names: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("read the capture directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    names.sort();
    let mut c = Corpus {
        files: Vec::new(),
        packets: Vec::new(),
        shared: true,
    };
    for path in names {
        let bytes = fs::read(&path).expect("read a capture");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let file = c.files.len();
        if let Ok(mut r) = FileReader::new(&bytes[..]) {
            let mut number = 0;
            while let Ok(Some(p)) = r.next_packet() {
                number += 1;
                let mut input = bodies::prefix_for(p.link_type, p.data.len(), p.orig_len).to_vec();
                input.extend_from_slice(p.data);
                c.packets.push(Packet {
                    file,
                    number,
                    ts_secs: p.ts_secs,
                    input,
                });
            }
        }
        c.files.push((name, bytes));
    }
    c
}

fn sample_corpus() -> Corpus {
    let frames = wiresift_engine::sample::frames();
    let packets = frames
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let mut input = bodies::prefix_for(1, f.data.len(), f.data.len() as u32).to_vec();
            input.extend_from_slice(&f.data);
            Packet {
                file: 0,
                number: i as u64 + 1,
                ts_secs: f.ts_secs,
                input,
            }
        })
        .collect();
    Corpus {
        files: vec![("engine sample".into(), Vec::new())],
        packets,
        shared: false,
    }
}

/// The `dissector_defrag` input for consecutive packets of one file.
fn defrag_input(packets: &[&Packet]) -> Vec<u8> {
    let mut out = packets[0].input[..2].to_vec();
    out.extend_from_slice(&[0, 0]);
    let mut last = packets[0].ts_secs;
    for p in packets {
        let frame = &p.input[2..];
        let frame = &frame[..frame.len().min(usize::from(u16::MAX))];
        out.extend_from_slice(&(frame.len() as u16).to_be_bytes());
        out.push(p.ts_secs.saturating_sub(last).clamp(-128, 127) as i8 as u8);
        last = p.ts_secs;
        out.extend_from_slice(frame);
    }
    out
}

/// The `view_*` inputs for the layers of one `dissect` input: (index in
/// `VIEW_TARGETS`, input with argument byte 0).
fn view_inputs(input: &[u8]) -> Vec<(usize, Vec<u8>)> {
    let prefix = u16::from_be_bytes([input[0], input[1]]);
    let frame = &input[2..];
    let meta = FrameMeta {
        number: 1,
        link_type: bodies::link_type(prefix),
        len: bodies::wire_len(prefix, frame.len()),
        cap_len: frame.len() as u32,
        ..FrameMeta::default()
    };
    let mut d = Dissection::default();
    dissect::dissect(meta, frame, Options::default(), &mut d);
    let mut out = Vec::new();
    for e in d.layers.iter().filter(|e| !e.reassembled) {
        if matches!(e.layer, Layer::Frame(_)) {
            continue;
        }
        let Some(i) = bodies::VIEW_PROTOS
            .iter()
            .position(|&p| p == e.layer.proto())
        else {
            continue;
        };
        let mut v = vec![0u8];
        v.extend_from_slice(frame.get(e.offset..).unwrap_or_default());
        out.push((i, v));
    }
    out
}

/// The `bpf_compile` input for capture filter `src` on a `dissect` input.
fn bpf_input(src: &[u8], packet: &[u8]) -> Vec<u8> {
    let lt = u32::from(u16::from_be_bytes([packet[0], packet[1]]) & 0x3ff);
    let sel = bpf::SUPPORTED_LINK_TYPES
        .iter()
        .position(|&l| l == lt)
        .unwrap_or(1);
    let mut v = vec![sel as u8];
    v.extend_from_slice(src);
    v.retain(|&b| b != 0);
    v.push(0);
    v.extend_from_slice(&packet[2..]);
    v
}

/// The `bpf_interp` input for capture filter `src` compiled for Ethernet,
/// on a packet (None if it does not compile or is too long).
fn bpf_program_input(src: &str, packet: &[u8]) -> Option<Vec<u8>> {
    let prog = bpf::compile(src, &bpf::Target::new(1)).ok()?;
    if prog.len() > 255 {
        return None;
    }
    let mut v = vec![prog.len() as u8];
    for ins in &prog {
        v.extend_from_slice(&ins.code.to_le_bytes());
        v.extend_from_slice(&[ins.jt, ins.jf]);
        v.extend_from_slice(&ins.k.to_le_bytes());
    }
    v.extend_from_slice(packet);
    Some(v)
}

// ------------------------------------------------------------ (a) corpus

#[test]
fn corpus_replays_without_panic() {
    install_hook();
    let c = corpus();
    if !c.shared {
        eprintln!("skipping: ../shared not found");
        return;
    }
    let start = Instant::now();
    let mut f = Failures::default();
    let mut views = 0usize;
    for (name, bytes) in &c.files {
        f.check("file_reader", bodies::file_reader, bytes, || {
            format!("{name} (whole file)")
        });
        // In three parts, as several cores read it for statistics.
        let mut parts = vec![1u8];
        parts.extend_from_slice(bytes);
        f.check("file_parts", bodies::file_parts, &parts, || {
            format!("{name} (in parts)")
        });
    }
    for p in &c.packets {
        let name = &c.files[p.file].0;
        f.check("dissect", bodies::dissect, &p.input, || {
            format!("{name} packet {}", p.number)
        });
        for (i, v) in view_inputs(&p.input) {
            let (target, body) = bodies::VIEW_TARGETS[i];
            views += 1;
            f.check(target, body, &v, || {
                format!("{name} packet {} (its {target} layer)", p.number)
            });
        }
    }
    // Every filter seed against the first packet of every 100th file.
    let mut filters = 0usize;
    for (k, file) in c
        .packets
        .chunk_by(|a, b| a.file == b.file)
        .enumerate()
        .filter(|(k, _)| k % 100 == 0)
    {
        let p = &file[0];
        for src in bodies::FILTER_SEEDS {
            let mut input = src.as_bytes().to_vec();
            input.push(0);
            input.extend_from_slice(&p.input);
            filters += 1;
            f.check("filter", bodies::filter, &input, || {
                format!(
                    "filter {src:?} on {} packet {} (file #{k})",
                    c.files[p.file].0, p.number
                )
            });
        }
    }
    for file in c.packets.chunk_by(|a, b| a.file == b.file) {
        let name = &c.files[file[0].file].0;
        for (k, run) in file.chunks(512).enumerate() {
            let input = defrag_input(&run.iter().collect::<Vec<_>>());
            f.check("dissector_defrag", bodies::dissector_defrag, &input, || {
                format!("{name} packets {}..={}", k * 512 + 1, k * 512 + run.len())
            });
            f.check("conversations", bodies::conversations, &input, || {
                format!("{name} packets {}..={}", k * 512 + 1, k * 512 + run.len())
            });
        }
    }
    eprintln!(
        "replay: {} files, {} packets, {views} views, {filters} filters, {} panics in {:.1?}",
        c.files.len(),
        c.packets.len(),
        f.count,
        start.elapsed()
    );
    f.assert_none("corpus inputs");
}

// ------------------------------------------------------------ (b) regressions

#[test]
fn regressions_replay_without_panic() {
    install_hook();
    let dir = repo().join("fuzz/regressions");
    let Ok(targets) = fs::read_dir(&dir) else {
        eprintln!("no {}: nothing to replay", dir.display());
        return;
    };
    let mut f = Failures::default();
    let mut n = 0;
    let mut targets: Vec<PathBuf> = targets.filter_map(|e| e.ok().map(|e| e.path())).collect();
    targets.sort();
    for t in targets.iter().filter(|t| t.is_dir()) {
        let name = t.file_name().unwrap().to_string_lossy().into_owned();
        let body = bodies::target(&name)
            .unwrap_or_else(|| panic!("fuzz/regressions/{name}: no fuzz target of that name"));
        let mut files: Vec<PathBuf> = fs::read_dir(t)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for file in files {
            let input = fs::read(&file).unwrap();
            n += 1;
            f.check(&name, body, &input, || {
                format!(
                    "fuzz/regressions/{name}/{}",
                    file.file_name().unwrap().to_string_lossy()
                )
            });
        }
    }
    eprintln!("regressions: {n} inputs, {} panics", f.count);
    f.assert_none("regression inputs");
}

// ------------------------------------------------------------ (c) mutations

/// splitmix64: the mutation's own generator, seeded by its number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Values that break length arithmetic.
const EDGES: [u32; 14] = [
    0, 1, 2, 3, 4, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
];

/// Change `b` in place, `skip` first bytes (the prefix) excepted most of
/// the time.
fn mutate(rng: &mut Rng, b: &mut Vec<u8>, skip: usize) {
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let lo = if rng.below(16) == 0 {
            0
        } else {
            skip.min(b.len())
        };
        // Headers are at the front: aim there most of the time.
        let span = (b.len() - lo).max(1);
        let near = lo + rng.below(span.min(96));
        let pos = if rng.below(4) == 0 {
            lo + rng.below(span)
        } else {
            near
        };
        match rng.below(10) {
            // Flip 1 to 8 bits.
            0 | 1 => {
                for _ in 0..1 + rng.below(8) {
                    let i = lo + rng.below(span);
                    if let Some(x) = b.get_mut(i) {
                        *x ^= 1 << rng.below(8);
                    }
                }
            }
            // A byte to an edge value.
            2 => {
                if let Some(x) = b.get_mut(pos) {
                    *x = EDGES[rng.below(EDGES.len())] as u8
                        | if rng.below(2) == 0 { 0 } else { 0x80 };
                }
            }
            // A nibble (IHL, data offset, version) to an extreme.
            3 => {
                if let Some(x) = b.get_mut(pos) {
                    let v = [0u8, 1, 4, 5, 6, 15][rng.below(6)];
                    *x = if rng.below(2) == 0 {
                        (*x & 0xf0) | v
                    } else {
                        (*x & 0x0f) | (v << 4)
                    };
                }
            }
            // Smash a 16- or 32-bit length field, either byte order; the
            // value an edge or the input's own length give or take a bit.
            4..=6 => {
                let len = b.len() as u32;
                let v = match rng.below(3) {
                    0 => EDGES[rng.below(EDGES.len())],
                    1 => len.wrapping_add(rng.below(9) as u32).wrapping_sub(4),
                    _ => u32::MAX - rng.below(4) as u32,
                };
                let wide = rng.below(3) == 0;
                let bytes: Vec<u8> = match (wide, rng.below(2) == 0) {
                    (true, true) => v.to_be_bytes().to_vec(),
                    (true, false) => v.to_le_bytes().to_vec(),
                    (false, true) => (v as u16).to_be_bytes().to_vec(),
                    (false, false) => (v as u16).to_le_bytes().to_vec(),
                };
                for (k, x) in bytes.into_iter().enumerate() {
                    if let Some(y) = b.get_mut(pos + k) {
                        *y = x;
                    }
                }
            }
            // Truncate.
            7 => {
                let keep = lo + rng.below(span + 1);
                b.truncate(keep.max(lo));
            }
            // Insert bytes.
            8 => {
                let n = 1 + rng.below(8);
                let at = pos.min(b.len());
                let fill = rng.next() as u8;
                b.splice(at..at, std::iter::repeat_n(fill, n));
            }
            // Remove bytes.
            _ => {
                let at = pos.min(b.len());
                let n = (1 + rng.below(8)).min(b.len() - at);
                b.drain(at..at + n);
            }
        }
    }
}

/// Up to `n` packets from packet `at` on, all of its file.
fn run_from(c: &Corpus, at: usize, n: usize) -> Vec<&Packet> {
    let end = (at + n).min(c.packets.len());
    let file = c.packets[at].file;
    c.packets[at..end]
        .iter()
        .take_while(|p| p.file == file)
        .collect()
}

/// Mutation `i`: which target, its input, and where the input came from.
fn mutation(c: &Corpus, i: u64) -> (&'static str, fn(&[u8]), Vec<u8>, String) {
    let mut rng = Rng(0x5eed_0000_0000_0000 ^ i);
    let at = rng.below(c.packets.len());
    let base = &c.packets[at];
    let name = &c.files[base.file].0;
    let from = format!("{name} packet {}", base.number);
    match rng.below(20) {
        // A layer of the packet through its view.
        0..=3 => {
            let views = view_inputs(&base.input);
            if !views.is_empty() {
                let (k, mut v) = views[rng.below(views.len())].clone();
                v[0] = rng.next() as u8;
                mutate(&mut rng, &mut v, 1);
                let (target, body) = bodies::VIEW_TARGETS[k];
                return (target, body, v, format!("{from}, its {target} layer"));
            }
        }
        // The start of the file through the reader.
        4 if !c.files[base.file].1.is_empty() => {
            let file = &c.files[base.file].1;
            let mut v = file[..file.len().min(64 + rng.below(2048))].to_vec();
            mutate(&mut rng, &mut v, 0);
            if rng.below(2) == 0 {
                // Read in parts: a byte for how many first.
                v.insert(0, rng.next() as u8);
                let from = format!("{name} (start of file, in parts)");
                return ("file_parts", bodies::file_parts, v, from);
            }
            return (
                "file_reader",
                bodies::file_reader,
                v,
                format!("{name} (start of file)"),
            );
        }
        // A few packets of the file from this one on, through the defragmenter.
        5 => {
            let run = run_from(c, at, 2 + rng.below(7));
            let mut v = defrag_input(&run);
            mutate(&mut rng, &mut v, 4);
            let from = format!("{from} and the {} after it", run.len() - 1);
            return ("dissector_defrag", bodies::dissector_defrag, v, from);
        }
        // A few packets of the file from this one on, through the logs'
        // conversations, with limits small or as the logs have them.
        9 => {
            let run = run_from(c, at, 2 + rng.below(15));
            let mut v = defrag_input(&run);
            v[2] = if rng.below(2) == 0 {
                0
            } else {
                rng.next() as u8
            };
            mutate(&mut rng, &mut v, 4);
            let from = format!("{from} and the {} after it", run.len() - 1);
            return ("conversations", bodies::conversations, v, from);
        }
        // A display filter, evaluated on the packet.
        6 => {
            let src = bodies::FILTER_SEEDS[rng.below(bodies::FILTER_SEEDS.len())];
            let mut v = src.as_bytes().to_vec();
            mutate(&mut rng, &mut v, 0);
            v.retain(|&b| b != 0);
            v.push(0);
            v.extend_from_slice(&base.input);
            return (
                "filter",
                bodies::filter,
                v,
                format!("filter {src:?} on {from}"),
            );
        }
        // A capture filter, compiled and run on the packet.
        7 => {
            let src = bodies::BPF_SEEDS[rng.below(bodies::BPF_SEEDS.len())];
            let mut text = src.as_bytes().to_vec();
            mutate(&mut rng, &mut text, 0);
            let v = bpf_input(&text, &base.input);
            return (
                "bpf_compile",
                bodies::bpf_compile,
                v,
                format!("capture filter {src:?} on {from}"),
            );
        }
        // A compiled capture filter, mutated, run on the packet.
        8 => {
            let src = bodies::BPF_SEEDS[rng.below(bodies::BPF_SEEDS.len())];
            if let Some(mut v) = bpf_program_input(src, &base.input[2..]) {
                mutate(&mut rng, &mut v, 1);
                return (
                    "bpf_interp",
                    bodies::bpf_interp,
                    v,
                    format!("program of {src:?} on {from}"),
                );
            }
        }
        _ => {}
    }
    let mut v = base.input.clone();
    mutate(&mut rng, &mut v, 2);
    ("dissect", bodies::dissect, v, from)
}

#[test]
fn mutations_do_not_panic() {
    install_hook();
    let c = corpus();
    if !c.shared {
        eprintln!("skipping: ../shared not found (mutating the engine's sample capture instead)");
    }
    let total: u64 = env::var("WIRESIFT_MUTATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(MUTATIONS);
    let only: Option<u64> = env::var("WIRESIFT_MUTATION")
        .ok()
        .and_then(|s| s.parse().ok());
    let start = Instant::now();
    let f = Mutex::new(Failures::default());
    let mut done = 0u64;
    let range = match only {
        Some(i) => i..i + 1,
        None => 0..total,
    };
    for i in range {
        if only.is_none() && start.elapsed() > MUTATION_DEADLINE {
            eprintln!("mutations: deadline reached after {done} of {total}");
            break;
        }
        let (target, body, input, from) = mutation(c, i);
        f.lock().unwrap().check(target, body, &input, || {
            format!("mutation {i} (WIRESIFT_MUTATION={i}) of {from}")
        });
        done += 1;
    }
    let f = f.into_inner().unwrap();
    eprintln!(
        "mutations: {done} inputs from {} packets, {} panics in {:.1?}",
        c.packets.len(),
        f.count,
        start.elapsed()
    );
    f.assert_none("mutated inputs");
}

/// A protocol the fuzz bodies cannot build a view of is a parser without a
/// fuzz target: say so (not a failure, so that adding a protocol to `wire`
/// does not break this test before its view line is added).
#[test]
fn every_protocol_has_a_view_body() {
    let missing: Vec<Proto> = bodies::protos_without_view();
    if !missing.is_empty() {
        eprintln!(
            "note: no view_* fuzz body for {missing:?}: add them to views! in fuzz/src/lib.rs"
        );
    }
}
