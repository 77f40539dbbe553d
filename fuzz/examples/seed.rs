//! Fills `fuzz/corpus/<target>/` from a directory of captures, in the input
//! format of each target (see `src/lib.rs`), with our own reader and
//! dissector. Run by `fuzz/seed.sh`:
//!
//! ```text
//! cargo run --release --example seed -- CAPTURES_DIR CORPUS_DIR
//! ```
//!
//! Seeds are deduplicated by content; per target only a few inputs are
//! kept of each kind (same protocol stack, same layer), so that the corpus
//! stays small and varied.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::{env, fs};

use wiresift_capture::bpf;
use wiresift_capture::FileReader;
use wiresift_engine::dissect::{self, Dissection, Options};
use wiresift_fuzz::{prefix_for, BPF_SEEDS, FILTER_SEEDS, VIEW_PROTOS, VIEW_TARGETS};
use wiresift_wire::frame::FrameMeta;
use wiresift_wire::{tls, Layer, Proto};

/// Bytes of a capture file kept as a `file_reader` seed.
const MAX_FILE_SEED: usize = 64 << 10;
/// `dissect` seeds per distinct (link type, protocol stack, anomalies).
const PER_STACK: usize = 3;
/// `view_*` seeds per target, and per target and file.
const PER_VIEW: usize = 300;
const PER_VIEW_FILE: usize = 4;
/// `views` seeds per view.
const PER_VIEWS: usize = 40;
/// Packets of one file in a `dissector_defrag` seed.
const DEFRAG_FRAMES: usize = 16;
/// Bytes of fragments of one file in a `dissector_defrag` seed.
const DEFRAG_FRAGMENT_BYTES: usize = 16 << 10;

struct Corpus {
    root: PathBuf,
    written: HashMap<String, usize>,
    seen: HashSet<u64>,
}

impl Corpus {
    fn put(&mut self, target: &str, data: &[u8]) -> bool {
        let mut h = DefaultHasher::new();
        (target, data).hash(&mut h);
        let key = h.finish();
        if !self.seen.insert(key) {
            return false;
        }
        let dir = self.root.join(target);
        fs::create_dir_all(&dir).expect("create corpus directory");
        fs::write(dir.join(format!("{key:016x}")), data).expect("write seed");
        *self.written.entry(target.to_string()).or_default() += 1;
        true
    }

    fn count(&self, target: &str) -> usize {
        self.written.get(target).copied().unwrap_or(0)
    }
}

/// The argument byte a `view_*` body needs to build `layer` as the
/// dissector did (see the `views!` table in `src/lib.rs`); `outer` is the
/// layer before it.
fn view_arg(
    layer: &Layer<'_>,
    outer: Option<&Layer<'_>>,
    lt: u32,
    quoted_v6: bool,
    quoted: bool,
) -> u8 {
    match layer {
        Layer::Arcnet(_) => u8::from(lt == 129),
        Layer::Fddi(v) => u8::from(v.bitswapped()),
        Layer::Capwap(v) => u8::from(v.is_control()),
        Layer::Pppoe(v) => u8::from(v.is_discovery()),
        Layer::Erspan(_) => match outer {
            Some(Layer::Gre(g)) => {
                let seq = if g.sequence_number().is_some() { 4 } else { 0 };
                match g.protocol() {
                    0x88be => seq,
                    0x22eb => 1 | seq,
                    _ => 2 | seq,
                }
            }
            _ => 4,
        },
        Layer::Vlan(v) => match v.tpid() {
            0x88a8 => 1,
            0x9100 => 2,
            0x9200 => 3,
            _ => 0,
        },
        Layer::Sll(_) => u8::from(lt == 276),
        Layer::Null(_) => u8::from(lt == 108),
        Layer::Ipv6Ext(v) => [0u8, 43, 44, 60, 135, 59]
            .iter()
            .position(|&k| k == v.kind())
            .unwrap_or(0) as u8,
        Layer::Tcp(_) if quoted => {
            if quoted_v6 {
                2
            } else {
                1
            }
        }
        Layer::Udp(_) => u8::from(quoted),
        _ => 0,
    }
}

fn frame_meta(lt: u32, cap: usize, orig: u32) -> FrameMeta {
    FrameMeta {
        number: 1,
        ts_secs: 1_700_000_000,
        len: orig,
        cap_len: cap as u32,
        link_type: lt,
        ..FrameMeta::default()
    }
}

fn seed_file(
    c: &mut Corpus,
    path: &Path,
    stacks: &mut HashMap<String, usize>,
    samples: &mut Vec<Vec<u8>>,
) {
    let Ok(bytes) = fs::read(path) else { return };
    c.put("file_reader", &bytes[..bytes.len().min(MAX_FILE_SEED)]);
    // The same start of the file, read in three parts.
    let mut parts = vec![1u8];
    parts.extend_from_slice(&bytes[..bytes.len().min(MAX_FILE_SEED)]);
    c.put("file_parts", &parts);
    let Ok(mut r) = FileReader::new(&bytes[..]) else {
        return;
    };
    let mut defrag_all = Vec::new();
    let mut defrag_frags = Vec::new();
    let mut frames = 0usize;
    let mut per_view_file: HashMap<usize, usize> = HashMap::new();
    let mut last_ts: Option<i64> = None;
    let mut first_lt = None;
    while let Ok(Some(p)) = r.next_packet() {
        let lt = p.link_type;
        if p.data.len() > usize::from(u16::MAX) {
            continue;
        }
        // A defragmenter input has one link type: the file's first.
        let same_lt = *first_lt.get_or_insert(lt) == lt;
        let prefix = prefix_for(lt, p.data.len(), p.orig_len);
        let mut d = Dissection::default();
        dissect::dissect(
            frame_meta(lt, p.data.len(), p.orig_len),
            p.data,
            Options::default(),
            &mut d,
        );

        // dissect: a few packets per protocol stack and anomaly set.
        let mut stack = format!("{lt}:");
        d.protocols(&mut stack);
        for a in &d.anomalies {
            stack.push_str(a.msg);
        }
        let n = stacks.entry(stack).or_default();
        if *n < PER_STACK {
            let mut input = prefix.to_vec();
            input.extend_from_slice(p.data);
            if *n == 0 && samples.len() < 256 {
                samples.push(input.clone());
            }
            if c.put("dissect", &input) {
                *n += 1;
            }
        }

        // dissector_defrag: the file's first frames, and its fragments.
        let dt = last_ts.map_or(0, |t| (p.ts_secs - t).clamp(-128, 127)) as i8;
        last_ts = Some(p.ts_secs);
        let mut rec = (p.data.len() as u16).to_be_bytes().to_vec();
        rec.push(dt as u8);
        rec.extend_from_slice(p.data);
        frames += usize::from(same_lt);
        if same_lt && frames <= DEFRAG_FRAMES {
            defrag_all.extend_from_slice(&rec);
        }
        if same_lt && d.fragment.is_some() && defrag_frags.len() < DEFRAG_FRAGMENT_BYTES {
            defrag_frags.extend_from_slice(&rec);
        }

        // view_*: each layer's bytes (outside reassembled datagrams).
        let quoted_v6 = d
            .layers
            .iter()
            .any(|e| e.quoted && e.layer.proto() == Proto::Ipv6);
        for (j, e) in d.layers.iter().enumerate().filter(|(_, e)| !e.reassembled) {
            let outer = j.checked_sub(1).map(|k| &d.layers[k].layer);
            let Some(i) = VIEW_PROTOS.iter().position(|&q| q == e.layer.proto()) else {
                continue;
            };
            let name = VIEW_TARGETS[i].0;
            let k = per_view_file.entry(i).or_default();
            if *k >= PER_VIEW_FILE || c.count(name) >= PER_VIEW {
                continue;
            }
            let mut input = vec![view_arg(&e.layer, outer, lt, quoted_v6, e.quoted)];
            if e.layer.proto() == Proto::Frame {
                input.extend_from_slice(&p.ts_secs.to_be_bytes());
            }
            input.extend_from_slice(p.data.get(e.offset..).unwrap_or_default());
            if c.put(name, &input) {
                *k += 1;
                if c.count("views") < PER_VIEWS * VIEW_TARGETS.len() && *k == 1 {
                    let mut all = vec![i as u8];
                    all.extend_from_slice(&input);
                    c.put("views", &all);
                }
            }
        }

        // x509: the certificates of the packet's TLS handshakes.
        for e in &d.layers {
            let Layer::Tls(v) = &e.layer else { continue };
            for item in v.items() {
                if let tls::Item::Handshake { msg, .. } = item {
                    for (_, der) in msg.certificates().into_iter().flatten() {
                        c.put("x509", der);
                    }
                }
            }
        }
    }
    if let Some(lt) = first_lt {
        for body in [defrag_all, defrag_frags] {
            if !body.is_empty() {
                let mut input = prefix_for(lt, 0, 0).to_vec();
                input.extend_from_slice(&[0, 0]);
                input.extend_from_slice(&body);
                c.put("dissector_defrag", &input);
                c.put("conversations", &input);
            }
        }
    }
}

fn main() {
    let args: Vec<String> = env::args().collect();
    let (Some(captures), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: seed CAPTURES_DIR CORPUS_DIR");
        std::process::exit(2);
    };
    let mut files: Vec<PathBuf> = match fs::read_dir(captures) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            eprintln!("seed: {captures}: {e}");
            std::process::exit(1);
        }
    };
    files.sort();
    let mut c = Corpus {
        root: PathBuf::from(out),
        written: HashMap::new(),
        seen: HashSet::new(),
    };
    let mut stacks = HashMap::new();
    let mut samples = Vec::new();
    for f in files.iter().filter(|f| f.is_file()) {
        seed_file(&mut c, f, &mut stacks, &mut samples);
    }
    // filter: each expression with a few packets of different stacks.
    for (i, f) in FILTER_SEEDS.iter().enumerate() {
        for k in 0..3 {
            let mut input = f.as_bytes().to_vec();
            input.push(0);
            if !samples.is_empty() {
                input.extend_from_slice(&samples[(i * 7 + k * 31) % samples.len()]);
            }
            c.put("filter", &input);
        }
    }
    // bpf_compile: each capture filter for each supported link type, with
    // a packet; bpf_interp: the programs that compile, with the packet.
    for (i, f) in BPF_SEEDS.iter().enumerate() {
        for (k, &lt) in bpf::SUPPORTED_LINK_TYPES.iter().enumerate() {
            let packet = samples
                .iter()
                .filter(|s| u32::from(u16::from_be_bytes([s[0], s[1]]) & 0x3ff) == lt)
                .nth(i % 3)
                .map_or(&[][..], |s| &s[2..]);
            let mut input = vec![k as u8];
            input.extend_from_slice(f.as_bytes());
            input.push(0);
            input.extend_from_slice(packet);
            c.put("bpf_compile", &input);
            if let Ok(prog) = bpf::compile(f, &bpf::Target::new(lt)) {
                if prog.len() <= 255 {
                    let mut input = vec![prog.len() as u8];
                    for ins in &prog {
                        input.extend_from_slice(&ins.code.to_le_bytes());
                        input.extend_from_slice(&[ins.jt, ins.jf]);
                        input.extend_from_slice(&ins.k.to_le_bytes());
                    }
                    input.extend_from_slice(packet);
                    c.put("bpf_interp", &input);
                }
            }
        }
    }
    let mut names: Vec<_> = c.written.iter().collect();
    names.sort();
    for (name, n) in names {
        println!("{n:6} {name}");
    }
}
