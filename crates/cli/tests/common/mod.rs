//! Shared by the integration tests: where the test corpus is, and running
//! the built `wiresift` binary.
#![allow(dead_code)]

pub mod fieldcmp;
pub mod netns;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `../shared` beside the project root, if it is there. When it is not, a
/// test skips with a message, unless WIRESIFT_REQUIRE_CORPUS=1 (as in CI),
/// where a missing corpus is a failure.
pub fn shared() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../..")
        .join("shared");
    if root.join("captures/dev").is_dir() {
        return Some(root);
    }
    if std::env::var("WIRESIFT_REQUIRE_CORPUS").as_deref() == Ok("1") {
        panic!(
            "{}: corpus not found and WIRESIFT_REQUIRE_CORPUS=1",
            root.display()
        );
    }
    eprintln!(
        "skipping: {} not found (the shared test corpus is not part of a clone)",
        root.display()
    );
    None
}

/// Every capture in the dev corpus, sorted by name.
pub fn dev_captures(shared: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(shared.join("captures/dev"))
        .expect("read captures/dev")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x != "tsv"))
        .collect();
    v.sort();
    v
}

/// Does `cmd arg` (a version query) run? When it does not, a test skips
/// with a message, or fails under WIRESIFT_REQUIRE_CORPUS=1, where CI has
/// installed the tool.
pub fn tool_present(cmd: &str, arg: &str) -> bool {
    let ok = Command::new(cmd)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("WIRESIFT_REQUIRE_CORPUS").as_deref() == Ok("1") {
            panic!("{cmd} is not installed and WIRESIFT_REQUIRE_CORPUS=1");
        }
        eprintln!("skipping: {cmd} is not installed");
    }
    ok
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_wiresift"))
}

pub fn run(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .output()
        .expect("run wiresift")
}

/// Map `f` over `items` on every core; results in input order.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let n = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = items.len().div_ceil(n).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    })
}

// ---- helpers for cli_errors.rs and live_cli.rs ----

/// A fresh directory under the system temporary directory, removed (with
/// everything in it) on drop, also when the test fails.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("wiresift-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temporary directory");
        TempDir(dir)
    }

    /// `name` inside the directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs wiresift with `input` on its standard input (a pipe).
pub fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(bin())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wiresift");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    // Write from a thread: wiresift may print before it has read everything.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait for wiresift");
    writer.join().expect("stdin writer");
    out
}

/// Standard output as text.
pub fn stdout_of(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The lines of standard error.
pub fn stderr_lines(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// `path` as a `&str` argument (test paths are always UTF-8).
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// The files of a directory: name → bytes (none when it cannot be read).
pub fn dir_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The objects `tshark --export-objects PROTO,DIR` and `wiresift export
/// PROTO DIR` write of `cap`: name → bytes, tshark's then ours.
pub fn exports_of(
    cap: &Path,
    proto: &str,
) -> (
    std::collections::BTreeMap<String, Vec<u8>>,
    std::collections::BTreeMap<String, Vec<u8>>,
) {
    let name = cap.display();
    let tmp = TempDir::new(&format!("export-{proto}"));
    let (theirs, ours) = (tmp.path("tshark"), tmp.path("ours"));
    let t = Command::new("tshark")
        .args(["-n", "-q", "-r", arg(cap), "--export-objects"])
        .arg(format!("{proto},{}", theirs.display()))
        .output()
        .expect("run tshark");
    assert!(t.status.success(), "{name}: tshark failed");
    let o = run(&["export", proto, arg(&ours), "-r", arg(cap)]);
    assert!(
        o.status.success(),
        "{name}: {}",
        stderr_lines(&o).join("\n")
    );
    (dir_files(&theirs), dir_files(&ours))
}

/// The `-T fields` columns [`with_handshake`] reads, in its order.
pub const HANDSHAKE_FIELDS: [&str; 4] = [
    "tcp.stream",
    "tcp.srcport",
    "tcp.flags.syn",
    "tcp.flags.ack",
];

/// The TCP conversations of a capture, given each TCP packet's
/// [`HANDSHAKE_FIELDS`], that are not partial in Zeek's sense: the first
/// packet is a SYN without ACK, and the first packet the other way (if
/// any) a SYN. (Zeek's SSL and SSH analyzers read nothing of the others.)
pub fn with_handshake(rows: &[Vec<String>]) -> std::collections::BTreeSet<String> {
    use std::collections::BTreeMap;
    // Per stream: the first sender's port and whether its first packet was
    // a lone SYN, then whether the other side's first packet was a SYN.
    let mut first: BTreeMap<&str, (&str, bool, Option<bool>)> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.len() == 4) {
        let flag = |v: &str| matches!(v, "1" | "True");
        let (syn, ack) = (flag(&r[2]), flag(&r[3]));
        match first.get_mut(r[0].as_str()) {
            None => {
                first.insert(&r[0], (&r[1], syn && !ack, None));
            }
            Some((port, _, other)) if *port != r[1] && other.is_none() => *other = Some(syn),
            Some(_) => {}
        }
    }
    first
        .into_iter()
        .filter(|(_, (_, lone_syn, other))| *lone_syn && other.unwrap_or(true))
        .map(|(stream, _)| stream.to_owned())
        .collect()
}
