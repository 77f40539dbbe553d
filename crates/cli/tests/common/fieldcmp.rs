//! Our `-T fields` tables against tshark 4.0's, field by field, with the
//! shared comparison tool (`tools/fieldcmp.py`). The reference is either the
//! corpus's stored tables or tshark run now on the same files (for fields
//! the stored tables do not hold).

use super::{bin, dev_captures, par_map, shared};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What one comparison covers.
pub struct Spec<'a> {
    /// Fields to compare (frame.number is added first for row matching).
    pub fields: &'a [&'a str],
    /// Per-field agreement floors in percent; a field without one must
    /// reach `default_floor`.
    pub floors: &'a [(&'a str, f64)],
    pub default_floor: f64,
    /// Only the captures whose stored tshark table names one of these
    /// protocols in frame.protocols (empty: every capture).
    pub protocols: &'a [&'a str],
    /// Where the reference comes from.
    pub reference: Reference,
    /// Extra arguments given to both programs (e.g. `-o` preferences for
    /// tshark must go in `tshark_args`).
    pub tshark_args: &'a [&'a str],
}

/// The reference table of a comparison.
pub enum Reference {
    /// `captures/tshark-ref/<file>.tsv` of the shared corpus.
    Stored,
    /// `tshark -n -r FILE -T fields …` run now (tshark must be installed).
    Tshark,
}

/// Value counts of one field (as fieldcmp.py reports them).
#[derive(Default, Clone, Copy, Debug)]
pub struct Counts {
    pub equal: u64,
    pub different: u64,
    pub missing: u64,
    pub extra: u64,
}

impl Counts {
    pub fn total(&self) -> u64 {
        self.equal + self.different + self.missing + self.extra
    }
    pub fn pct(&self) -> f64 {
        if self.total() == 0 {
            100.0
        } else {
            100.0 * self.equal as f64 / self.total() as f64
        }
    }
    fn add(&mut self, o: &Counts) {
        self.equal += o.equal;
        self.different += o.different;
        self.missing += o.missing;
        self.extra += o.extra;
    }
}

/// Is tshark here? When it is not, skip (or fail under
/// WIRESIFT_REQUIRE_CORPUS=1, where CI has installed it).
pub fn tshark_present() -> bool {
    super::tool_present("tshark", "-v")
}

/// The dev captures whose stored tshark table shows one of `protocols`.
pub fn captures_with(shared: &Path, protocols: &[&str]) -> Vec<PathBuf> {
    let refs = shared.join("captures/tshark-ref");
    dev_captures(shared)
        .into_iter()
        .filter(|cap| {
            if protocols.is_empty() {
                return true;
            }
            let name = cap.file_name().unwrap().to_string_lossy().to_string();
            let text =
                std::fs::read_to_string(refs.join(format!("{name}.tsv"))).unwrap_or_default();
            let mut lines = text.lines();
            let Some(col) = lines
                .next()
                .and_then(|h| h.split('\t').position(|c| c == "frame.protocols"))
            else {
                return false;
            };
            lines.any(|l| {
                l.split('\t')
                    .nth(col)
                    .is_some_and(|p| p.split(':').any(|t| protocols.contains(&t)))
            })
        })
        .collect()
}

/// Compare, print the agreement per field and the worst files, and fail if
/// a field falls below its floor. Returns the totals per field (None when
/// the comparison was skipped).
pub fn compare(spec: &Spec) -> Option<BTreeMap<String, Counts>> {
    compare_per_file(spec, &|_| &[])
}

/// [`compare`], giving tshark `per_file(capture name)` after
/// `spec.tshark_args` (a preference under which tshark reads some captures
/// as we do; the test says which and why).
pub fn compare_per_file(
    spec: &Spec,
    per_file: &(dyn Fn(&str) -> &'static [&'static str] + Sync),
) -> Option<BTreeMap<String, Counts>> {
    let shared = shared()?;
    if matches!(spec.reference, Reference::Tshark) && !tshark_present() {
        return None;
    }
    let tool = shared.join("tools/fieldcmp.py");
    let tmp = std::env::temp_dir().join(format!(
        "wiresift-fieldcmp-{}-{}",
        std::process::id(),
        spec.fields.first().copied().unwrap_or("none")
    ));
    std::fs::create_dir_all(&tmp).unwrap();
    let caps = captures_with(&shared, spec.protocols);
    let mut fields: Vec<&str> = vec!["frame.number"];
    fields.extend(spec.fields.iter().filter(|f| **f != "frame.number"));
    let mut eargs: Vec<String> = vec!["-T".into(), "fields".into(), "-E".into(), "header=y".into()];
    for f in &fields {
        eargs.push("-e".into());
        eargs.push((*f).into());
    }
    let per_file = par_map(&caps, |cap| {
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        let reference = match spec.reference {
            Reference::Tshark => {
                let out = Command::new("tshark")
                    .arg("-n")
                    .arg("-r")
                    .arg(cap)
                    .args(spec.tshark_args)
                    .args(per_file(&name))
                    .args(&eargs)
                    .output()
                    .expect("run tshark");
                let p = tmp.join(format!("{name}.ref.tsv"));
                std::fs::write(&p, &out.stdout).unwrap();
                p
            }
            _ => shared.join(format!("captures/tshark-ref/{name}.tsv")),
        };
        // tshark could not read these at all: its table is empty.
        if std::fs::metadata(&reference).map_or(true, |m| m.len() == 0) {
            return (name, BTreeMap::new(), String::new());
        }
        let ours = tmp.join(format!("{name}.tsv"));
        let mut a = vec!["-r".to_string(), cap.display().to_string()];
        a.extend(eargs.iter().cloned());
        let out = Command::new(bin()).args(&a).output().unwrap();
        assert!(
            out.status.success() || !out.stderr.is_empty(),
            "{name}: failed silently"
        );
        std::fs::write(&ours, &out.stdout).unwrap();
        let cmp = Command::new("python3")
            .arg(&tool)
            .arg(&reference)
            .arg(&ours)
            .arg("--show")
            .arg("3")
            .arg("--fields")
            .arg(fields.join(","))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&cmp.stdout).to_string();
        (name, parse(&text, &fields), text)
    });
    let mut total: BTreeMap<String, Counts> = BTreeMap::new();
    let mut worst: Vec<(u64, &str, &str)> = Vec::new();
    for (name, counts, text) in &per_file {
        let mut bad = 0;
        for (f, c) in counts {
            total.entry(f.clone()).or_default().add(c);
            bad += c.total() - c.equal;
        }
        if bad > 0 {
            worst.push((bad, name, text));
        }
    }
    worst.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    println!("files with the most differing values:");
    for (bad, name, text) in worst.iter().take(15) {
        println!("== {name}: {bad} values differ");
        for line in text.lines().filter(|l| l.starts_with("    frame")).take(6) {
            println!("{line}");
        }
    }
    let mut all = Counts::default();
    println!(
        "\n{:40} {:>8} {:>9} {:>7} {:>8} {:>7}",
        "field", "agree%", "equal", "diff", "missing", "extra"
    );
    for f in &fields[1..] {
        let c = total.get(*f).copied().unwrap_or_default();
        println!(
            "{:40} {:8.3} {:9} {:7} {:8} {:7}",
            f,
            c.pct(),
            c.equal,
            c.different,
            c.missing,
            c.extra
        );
        all.add(&c);
    }
    println!(
        "overall agreement: {:.3}% of {} values over {} captures",
        all.pct(),
        all.total(),
        caps.len()
    );
    let _ = std::fs::remove_dir_all(&tmp);
    let fallen: Vec<String> = fields[1..]
        .iter()
        .filter_map(|f| {
            let floor = spec
                .floors
                .iter()
                .find(|(n, _)| n == f)
                .map_or(spec.default_floor, |(_, p)| *p);
            let pct = total.get(*f).copied().unwrap_or_default().pct();
            (pct < floor).then(|| format!("{f}: {pct:.3}% < {floor}%"))
        })
        .collect();
    assert!(
        fallen.is_empty(),
        "agreement fell below its floor: {fallen:?}"
    );
    Some(total)
}

/// The per-field rows of fieldcmp.py's report.
fn parse(text: &str, fields: &[&str]) -> BTreeMap<String, Counts> {
    let mut m = BTreeMap::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() == 6 && fields.contains(&cols[0]) {
            let n = |i: usize| cols[i].parse::<u64>().unwrap_or(0);
            m.insert(
                cols[0].to_string(),
                Counts {
                    equal: n(2),
                    different: n(3),
                    missing: n(4),
                    extra: n(5),
                },
            );
        }
    }
    m
}
