//! `wiresift follow tcp|udp N` against `tshark -q -z follow,tcp|udp,<mode>,N`
//! byte for byte, in the ascii, hex and raw modes, on dev captures: TCP
//! streams with payload of 40 captures (those with the most retransmitted
//! or out-of-order segments first, the rest spread over the corpus) and UDP
//! streams of 20 more. tshark runs here (it is installed in CI).
//!
//! A stream is looked up by its first frame: where our stream number for
//! that frame is not tshark's, our stream is followed and its `Filter:`
//! line renumbered, so this test measures following, not numbering (which
//! tshark_flows.rs measures). Streams whose frames differ from tshark's
//! (conversation boundaries drawn elsewhere) are reported apart. The
//! agreement over the streams with the same frames must reach TARGET; the
//! overall agreement is printed with every difference and its reason.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const TCP_FILES: usize = 40;
const TCP_STREAMS_PER_FILE: usize = 15;
const UDP_FILES: usize = 20;
const UDP_STREAMS_PER_FILE: usize = 10;
const MODES: &[&str] = &["ascii", "hex", "raw"];

/// Streams identical in every mode over streams compared, among those whose
/// frames agree with tshark's (percent).
const TARGET: f64 = 99.0;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Proto {
    Tcp,
    Udp,
}

impl Proto {
    fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }
}

#[test]
fn follow_tcp_agrees_with_tshark() {
    check(Proto::Tcp);
}

#[test]
fn follow_udp_agrees_with_tshark() {
    check(Proto::Udp);
}

/// How one stream came out.
struct Outcome {
    file: String,
    stream: u32,
    /// Our number for it, when different.
    ours: Option<u32>,
    /// Its frames are tshark's.
    same_frames: bool,
    /// The modes that differ, with the first differing line of each.
    differs: Vec<String>,
    reason: Option<String>,
    /// tshark's output marks bytes missing in the capture.
    gap: bool,
}

fn check(proto: Proto) {
    let Some(shared) = common::shared() else {
        return;
    };
    if !common::fieldcmp::tshark_present() {
        return;
    }
    let files = match proto {
        Proto::Tcp => tcp_files(&shared),
        Proto::Udp => udp_files(&shared),
    };
    assert!(!files.is_empty(), "no capture selected");
    let outcomes: Vec<Outcome> = common::par_map(&files, |f| one_file(proto, f.as_path()))
        .into_iter()
        .flatten()
        .collect();
    let compared = outcomes.len();
    let identical = outcomes.iter().filter(|o| o.differs.is_empty()).count();
    let same: Vec<&Outcome> = outcomes.iter().filter(|o| o.same_frames).collect();
    let same_identical = same.iter().filter(|o| o.differs.is_empty()).count();
    let renumbered = outcomes.iter().filter(|o| o.ours.is_some()).count();
    let gaps = outcomes.iter().filter(|o| o.gap).count();
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "follow {}: {identical}/{compared} streams identical in {} ({:.2}%), from {} captures",
        proto.name(),
        MODES.join(", "),
        pct(identical, compared),
        files.len()
    );
    println!(
        "  with the same frames as tshark: {same_identical}/{} ({:.2}%); numbered differently \
         (followed by their first frame): {renumbered}; with bytes missing in the capture: {gaps}",
        same.len(),
        pct(same_identical, same.len())
    );
    for o in outcomes.iter().filter(|o| !o.differs.is_empty()) {
        let ours = o.ours.map(|m| format!(" (ours {m})")).unwrap_or_default();
        println!(
            "  {} {} {}{ours}: {}",
            o.file,
            proto.name(),
            o.stream,
            o.reason.as_deref().unwrap_or("output differs")
        );
        for d in &o.differs {
            println!("      {d}");
        }
    }
    assert!(
        pct(same_identical, same.len()) >= TARGET,
        "follow {}: {same_identical}/{} streams with tshark's frames identical, below {TARGET}%",
        proto.name(),
        same.len()
    );
}

/// The stored reference table of a capture: its header and rows.
fn reference(shared: &Path, cap: &Path) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let name = cap.file_name()?.to_string_lossy().to_string();
    let text = std::fs::read_to_string(
        shared
            .join("captures/tshark-ref")
            .join(format!("{name}.tsv")),
    )
    .ok()?;
    let mut lines = text.lines();
    let header: Vec<String> = lines.next()?.split('\t').map(str::to_owned).collect();
    let rows = lines
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect();
    Some((header, rows))
}

fn column(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

/// The first value of a field (several occurrences are joined by commas).
fn first(row: &[String], col: usize) -> Option<&str> {
    row.get(col)
        .and_then(|v| v.split(',').next())
        .filter(|v| !v.is_empty())
}

/// Captures with TCP payload, scored by the payload segments that start
/// below the highest sequence number their direction has reached
/// (retransmissions and out-of-order segments: what reassembly is about):
/// the 20 highest, then the others spread over the corpus by name.
fn tcp_files(shared: &Path) -> Vec<PathBuf> {
    let mut scored = Vec::new();
    for cap in common::dev_captures(shared) {
        let Some((h, rows)) = reference(shared, &cap) else {
            continue;
        };
        let (Some(cs), Some(cp), Some(cq), Some(cl)) = (
            column(&h, "tcp.stream"),
            column(&h, "tcp.srcport"),
            column(&h, "tcp.seq_raw"),
            column(&h, "tcp.len"),
        ) else {
            continue;
        };
        let mut top: BTreeMap<(String, String), u32> = BTreeMap::new();
        let mut score = 0u32;
        let mut payload = false;
        for r in &rows {
            let (Some(s), Some(p), Some(q), Some(l)) =
                (first(r, cs), first(r, cp), first(r, cq), first(r, cl))
            else {
                continue;
            };
            let (Ok(q), Ok(l)) = (q.parse::<u32>(), l.parse::<u32>()) else {
                continue;
            };
            if l == 0 {
                continue;
            }
            payload = true;
            let end = q.wrapping_add(l);
            let t = top.entry((s.to_owned(), p.to_owned())).or_insert(end);
            if (q.wrapping_sub(*t) as i32) < 0 {
                score += 1;
            }
            if (end.wrapping_sub(*t) as i32) > 0 {
                *t = end;
            }
        }
        if payload {
            scored.push((score, cap));
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let busy = scored
        .iter()
        .take_while(|(s, _)| *s > 0)
        .take(TCP_FILES / 2)
        .count();
    let mut out: Vec<PathBuf> = scored.drain(..busy).map(|(_, c)| c).collect();
    let mut rest: Vec<PathBuf> = scored.into_iter().map(|(_, c)| c).collect();
    rest.sort();
    out.extend(spread(rest, TCP_FILES - out.len()));
    out
}

/// Captures with UDP payload, spread over the corpus by name.
fn udp_files(shared: &Path) -> Vec<PathBuf> {
    let caps: Vec<PathBuf> = common::dev_captures(shared)
        .into_iter()
        .filter(|cap| {
            let Some((h, rows)) = reference(shared, cap) else {
                return false;
            };
            let Some(c) = column(&h, "udp.length") else {
                return false;
            };
            rows.iter()
                .any(|r| first(r, c).and_then(|v| v.parse::<u32>().ok()) > Some(8))
        })
        .collect();
    spread(caps, UDP_FILES)
}

/// `n` items evenly spaced over `v` (all of them when there are fewer).
fn spread(v: Vec<PathBuf>, n: usize) -> Vec<PathBuf> {
    if v.len() <= n {
        return v;
    }
    let step = v.len() as f64 / n as f64;
    (0..n)
        .filter_map(|i| v.get((i as f64 * step) as usize).cloned())
        .collect()
}

/// The stream numbers of each frame (`-T fields -e frame.number -e
/// <proto>.stream [-e <proto>.len|length]`): per frame, the list of
/// (stream, payload) in layer order.
type Streams = BTreeMap<u64, Vec<(u32, bool)>>;

fn parse_streams(text: &str, proto: Proto) -> Streams {
    let mut out = Streams::new();
    for line in text.lines() {
        let mut cols = line.split('\t');
        let Some(frame) = cols.next().and_then(|f| f.parse::<u64>().ok()) else {
            continue;
        };
        let streams = cols.next().unwrap_or("");
        let lens = cols.next().unwrap_or("");
        let lens: Vec<&str> = lens.split(',').collect();
        let v: Vec<(u32, bool)> = streams
            .split(',')
            .enumerate()
            .filter_map(|(i, s)| {
                let s = s.parse::<u32>().ok()?;
                let len = lens.get(i).and_then(|l| l.parse::<u32>().ok()).unwrap_or(0);
                let payload = match proto {
                    Proto::Tcp => len > 0,
                    Proto::Udp => len > 8,
                };
                Some((s, payload))
            })
            .collect();
        if !v.is_empty() {
            out.insert(frame, v);
        }
    }
    out
}

fn tshark_fields(cap: &Path, proto: Proto) -> Streams {
    let p = proto.name();
    let len = match proto {
        Proto::Tcp => "tcp.len",
        Proto::Udp => "udp.length",
    };
    let o = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(cap)
        .args(["-T", "fields", "-e", "frame.number", "-e"])
        .arg(format!("{p}.stream"))
        .args(["-e", len])
        .output()
        .expect("run tshark");
    parse_streams(&String::from_utf8_lossy(&o.stdout), proto)
}

fn our_fields(cap: &Path, proto: Proto) -> Streams {
    let p = proto.name();
    let o = common::run(&[
        "-r",
        common::arg(cap),
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        &format!("{p}.stream"),
    ]);
    parse_streams(&String::from_utf8_lossy(&o.stdout), proto)
}

const SEPARATOR: &[u8] =
    b"\n===================================================================\nFollow: ";

/// tshark's output of several `-z follow` at once, by (mode, stream).
fn split_sections(out: &[u8], proto: Proto) -> BTreeMap<(String, u32), Vec<u8>> {
    let starts: Vec<usize> = (0..out.len())
        .filter(|&i| out[i..].starts_with(SEPARATOR))
        .collect();
    let mut map = BTreeMap::new();
    for (k, &s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(out.len());
        let sec = &out[s..e];
        let head = String::from_utf8_lossy(&sec[..sec.len().min(200)]);
        let mode = head
            .split("Follow: ")
            .nth(1)
            .and_then(|r| r.split('\n').next())
            .and_then(|r| r.split(',').nth(1))
            .unwrap_or("")
            .to_owned();
        let tag = format!("Filter: {}.stream eq ", proto.name());
        let stream = head
            .split(tag.as_str())
            .nth(1)
            .and_then(|r| r.split('\n').next())
            .and_then(|n| n.parse::<u32>().ok());
        if let Some(n) = stream {
            map.insert((mode, n), sec.to_vec());
        }
    }
    map
}

fn one_file(proto: Proto, cap: &Path) -> Vec<Outcome> {
    let file = cap.file_name().unwrap().to_string_lossy().to_string();
    let theirs = tshark_fields(cap, proto);
    let ours = our_fields(cap, proto);
    let per_file = match proto {
        Proto::Tcp => TCP_STREAMS_PER_FILE,
        Proto::Udp => UDP_STREAMS_PER_FILE,
    };
    // tshark's streams with payload, and each one's frames.
    let mut frames: BTreeMap<u32, BTreeSet<u64>> = BTreeMap::new();
    let mut with_payload = BTreeSet::new();
    for (&f, v) in &theirs {
        for &(s, payload) in v {
            frames.entry(s).or_default().insert(f);
            if payload {
                with_payload.insert(s);
            }
        }
    }
    let streams: Vec<u32> = with_payload.into_iter().take(per_file).collect();
    if streams.is_empty() {
        return Vec::new();
    }
    let mut ours_frames: BTreeMap<u32, BTreeSet<u64>> = BTreeMap::new();
    for (&f, v) in &ours {
        for &(s, _) in v {
            ours_frames.entry(s).or_default().insert(f);
        }
    }
    let mut args: Vec<String> = vec!["-n".into(), "-q".into(), "-r".into()];
    args.push(cap.to_string_lossy().into_owned());
    for s in &streams {
        for m in MODES {
            args.push("-z".into());
            args.push(format!("follow,{},{m},{s}", proto.name()));
        }
    }
    let t = Command::new("tshark")
        .args(&args)
        .output()
        .expect("run tshark");
    let sections = split_sections(&t.stdout, proto);
    let mut out = Vec::new();
    for &n in &streams {
        let tf = frames.get(&n).cloned().unwrap_or_default();
        // Ours: the stream of the same layer (by position) in the first
        // frame of tshark's stream that we number.
        let m = tf.iter().find_map(|f| {
            let pos = theirs.get(f)?.iter().position(|&(s, _)| s == n)?;
            let v = ours.get(f)?;
            v.get(pos).or(v.last()).map(|&(s, _)| s)
        });
        let Some(m) = m else {
            out.push(Outcome {
                file: file.clone(),
                stream: n,
                ours: None,
                same_frames: false,
                differs: vec!["(no stream of ours in its frames)".into()],
                reason: Some("we have no such conversation".into()),
                gap: false,
            });
            continue;
        };
        let of = ours_frames.get(&m).cloned().unwrap_or_default();
        let same_frames = of == tf;
        let mut differs = Vec::new();
        let mut gap = false;
        for mode in MODES {
            let want = sections
                .get(&(mode.to_string(), n))
                .cloned()
                .unwrap_or_default();
            gap |= *mode == "ascii" && contains(&want, b" bytes missing in capture file]");
            let got = common::run(&[
                "follow",
                proto.name(),
                &m.to_string(),
                "-r",
                common::arg(cap),
                "--format",
                mode,
            ]);
            let mut got = got.stdout;
            if m != n {
                let a = format!("Filter: {}.stream eq {m}\n", proto.name());
                let b = format!("Filter: {}.stream eq {n}\n", proto.name());
                got = replace_once(&got, a.as_bytes(), b.as_bytes());
            }
            if got != want {
                differs.push(format!("{mode}: {}", first_difference(&got, &want)));
            }
        }
        let reason = (!differs.is_empty()).then(|| {
            if same_frames {
                "output differs".to_owned()
            } else {
                format!(
                    "frames differ: tshark's stream has {} frames, ours {} ({} in common)",
                    tf.len(),
                    of.len(),
                    tf.intersection(&of).count()
                )
            }
        });
        out.push(Outcome {
            file: file.clone(),
            stream: n,
            ours: (m != n).then_some(m),
            same_frames,
            differs,
            reason,
            gap,
        });
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn replace_once(hay: &[u8], a: &[u8], b: &[u8]) -> Vec<u8> {
    match (0..hay.len()).find(|&i| hay[i..].starts_with(a)) {
        Some(i) => [&hay[..i], b, &hay[i + a.len()..]].concat(),
        None => hay.to_vec(),
    }
}

/// The first line where two outputs part, both sides shown shortened.
fn first_difference(got: &[u8], want: &[u8]) -> String {
    let g: Vec<&[u8]> = got.split(|&b| b == b'\n').collect();
    let w: Vec<&[u8]> = want.split(|&b| b == b'\n').collect();
    let short = |l: Option<&&[u8]>| {
        let s = l.map_or("<end>".into(), |l| String::from_utf8_lossy(l).into_owned());
        s.chars().take(70).collect::<String>()
    };
    for i in 0..g.len().max(w.len()) {
        if g.get(i) != w.get(i) {
            return format!(
                "line {}: ours {:?}, tshark {:?}",
                i + 1,
                short(g.get(i)),
                short(w.get(i))
            );
        }
    }
    "same lines".into()
}
