//! Shared by the integration tests: where the test corpus is, and running
//! the built `wiresift` binary.
#![allow(dead_code)]

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
