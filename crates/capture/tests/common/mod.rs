//! Finding the shared test corpus (`../shared` beside the repository).
#![allow(dead_code)]

use std::path::PathBuf;

/// `shared/` beside the repository: crates/capture/../../../shared.
pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// The corpus of real captures (`shared/captures`), or `None` after
/// printing why the test is skipped. With `WIRESIFT_REQUIRE_CORPUS=1` a
/// missing corpus fails the test instead.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = shared_dir().join("captures");
    if dir.join("dev").is_dir() {
        return Some(dir);
    }
    if std::env::var("WIRESIFT_REQUIRE_CORPUS").as_deref() == Ok("1") {
        panic!(
            "../shared not found at {} and WIRESIFT_REQUIRE_CORPUS=1",
            dir.display()
        );
    }
    println!("../shared not found: skipping corpus test");
    None
}
