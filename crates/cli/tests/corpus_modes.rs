//! Every dev capture, broken ones included, through every output mode: no
//! panic, no hang, and either success or one clear error line.

mod common;
use std::process::Command;
use std::time::{Duration, Instant};

const MODES: &[&[&str]] = &[
    &[],
    &["-V"],
    &["-x"],
    &["-T", "json"],
    &[
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "ip.src",
        "-e",
        "tcp.flags",
        "-e",
        "eth.addr",
        "-E",
        "header=y",
    ],
];

#[test]
fn every_capture_every_mode_without_panic() {
    let Some(shared) = common::shared() else {
        return;
    };
    let caps = common::dev_captures(&shared);
    let failures: Vec<String> = common::par_map(&caps, |cap| {
        let mut bad = Vec::new();
        for mode in MODES {
            let started = Instant::now();
            let out = Command::new(common::bin())
                .arg("-r")
                .arg(cap)
                .args(*mode)
                .output()
                .unwrap();
            let took = started.elapsed();
            let err = String::from_utf8_lossy(&out.stderr);
            let name = cap.file_name().unwrap().to_string_lossy();
            if err.contains("panicked") || out.status.code().is_none() {
                bad.push(format!("{name} {mode:?}: crashed: {err}"));
            } else if !out.status.success() && err.trim().lines().count() != 1 {
                bad.push(format!(
                    "{name} {mode:?}: failed without one clear error line: {err}"
                ));
            }
            if took > Duration::from_secs(20) {
                bad.push(format!("{name} {mode:?}: took {took:?}"));
            }
        }
        bad
    })
    .into_iter()
    .flatten()
    .collect();
    println!("{} captures x {} modes", caps.len(), MODES.len());
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
