//! Every file of the shared corpus (`../shared/captures/dev`) through
//! `FileReader`, compared with tshark's reference: packet count and, per
//! frame, `frame.len`, `frame.cap_len` and `frame.time_epoch`.
//!
//! Our packets are the records as stored; tshark's frame fields follow a few
//! display conventions, which `as_tshark` applies (the engine's `frame.*`
//! fields must do the same):
//! * SunATM (link type 123): tshark counts the lengths without the 4-byte
//!   pseudo-header;
//! * `frame.len` is at most 2147483647 (tshark holds it in a signed int);
//! * a record without a timestamp has an empty `frame.time_epoch`.
//!
//! Where tshark's own `frame.time_epoch` is not a valid time (a fraction of
//! more than 9 digits, or a negative time in classic pcap, whose seconds are
//! unsigned: both from its 32-bit arithmetic on damaged headers), the time
//! is not compared.

mod common;

use std::collections::HashMap;
use std::fs;

use wiresift_capture::{FileReader, ReadError};

struct Frame {
    len: u64,
    cap_len: u64,
    epoch: String,
}

/// A packet's `frame.len`, `frame.cap_len` and `frame.time_epoch` as tshark
/// shows them.
fn as_tshark(p: &wiresift_capture::Packet<'_>) -> Frame {
    let strip = if p.link_type == wiresift_capture::linktype::SUNATM {
        4
    } else {
        0
    };
    Frame {
        len: u64::from(p.orig_len.min(i32::MAX as u32)).saturating_sub(strip),
        cap_len: u64::from(p.cap_len).saturating_sub(strip),
        epoch: if p.has_timestamp {
            format!("{}.{:09}", p.ts_secs, p.ts_nanos)
        } else {
            String::new()
        },
    }
}

/// Whether tshark's `frame.time_epoch` is a valid time: its nanoseconds out
/// of range print as a fraction of more than nine digits, or negative.
fn valid_epoch(s: &str, classic_pcap: bool) -> bool {
    s.is_empty()
        || (s.split_once('.').is_some_and(|(_, f)| f.len() == 9)
            && !(classic_pcap && s.starts_with('-')))
}

/// Reads a whole file: its frames, the error that ended it, and whether
/// it is classic pcap.
fn read(path: &std::path::Path) -> (Vec<Frame>, Option<ReadError>, bool) {
    let mut r = match FileReader::open(path) {
        Ok(r) => r,
        Err(e) => return (vec![], Some(e), false),
    };
    let classic = matches!(r.format(), wiresift_capture::Format::Pcap { .. });
    let mut frames = vec![];
    loop {
        match r.next_packet() {
            Ok(Some(p)) => frames.push(as_tshark(&p)),
            Ok(None) => return (frames, None, classic),
            Err(e) => return (frames, Some(e), classic),
        }
    }
}

#[test]
fn corpus_matches_tshark() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let refdir = corpus.join("tshark-ref");
    let status: HashMap<String, (i32, String)> = fs::read_to_string(refdir.join("STATUS.tsv"))
        .expect("STATUS.tsv")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut c = l.split('\t');
            let file = c.next()?.to_string();
            let code = c.next()?.parse().ok()?;
            Some((file, (code, c.next().unwrap_or("").to_string())))
        })
        .collect();

    let mut names: Vec<_> = fs::read_dir(corpus.join("dev"))
        .expect("dev/")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .into_string()
                .expect("utf-8 name")
        })
        .collect();
    names.sort();
    assert!(!names.is_empty());

    let mut problems = vec![];
    let (mut files, mut frames_total, mut compared) = (0, 0usize, 0usize);
    for name in &names {
        files += 1;
        let (frames, err, classic) = read(&corpus.join("dev").join(name));
        frames_total += frames.len();
        let Some((code, msg)) = status.get(name) else {
            problems.push(format!("{name}: not in STATUS.tsv"));
            continue;
        };
        let reference = fs::read_to_string(refdir.join(format!("{name}.tsv"))).unwrap_or_default();
        let mut lines = reference.lines();
        let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
        let col = |n: &str| header.iter().position(|h| *h == n);
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();

        let cut_or_corrupt = msg.contains("cut short") || msg.contains("damaged or corrupt");
        if *code == 0 {
            if let Some(e) = &err {
                problems.push(format!("{name}: tshark reads it, we stop with: {e}"));
            }
            if frames.len() != rows.len() {
                problems.push(format!(
                    "{name}: {} frames, tshark {}",
                    frames.len(),
                    rows.len()
                ));
            }
        } else if cut_or_corrupt {
            if frames.len() < rows.len() {
                problems.push(format!(
                    "{name}: {} frames before the damage, tshark {}",
                    frames.len(),
                    rows.len()
                ));
            }
            if !matches!(
                err,
                Some(ReadError::Truncated { .. }) | Some(ReadError::Corrupt { .. })
            ) {
                problems.push(format!(
                    "{name}: tshark says \"{msg}\", we end with {err:?}"
                ));
            }
        } else {
            // tshark cannot dissect the link type; the file itself is fine.
            if let Some(e) = &err {
                problems.push(format!("{name}: {e}"));
            }
            continue;
        }
        let (Some(ct), Some(cl), Some(cc)) = (
            col("frame.time_epoch"),
            col("frame.len"),
            col("frame.cap_len"),
        ) else {
            if !rows.is_empty() {
                problems.push(format!("{name}: reference has no frame columns"));
            }
            continue;
        };
        for (i, (f, row)) in frames.iter().zip(&rows).enumerate() {
            compared += 1;
            let want = (
                row.get(cl).copied().unwrap_or(""),
                row.get(cc).copied().unwrap_or(""),
                row.get(ct).copied().unwrap_or(""),
            );
            let got = (
                f.len.to_string(),
                f.cap_len.to_string(),
                if valid_epoch(want.2, classic) {
                    f.epoch.as_str()
                } else {
                    want.2
                },
            );
            if (want.0, want.1, want.2) != (got.0.as_str(), got.1.as_str(), got.2) {
                problems.push(format!(
                    "{name} frame {}: len/cap_len/epoch {:?}, tshark {:?}",
                    i + 1,
                    got,
                    want
                ));
                break;
            }
        }
    }
    println!(
        "corpus: {files} files, {frames_total} frames read, {compared} compared with tshark, {} problems",
        problems.len()
    );
    for p in problems.iter().take(50) {
        println!("  {p}");
    }
    assert!(
        problems.is_empty(),
        "{} files differ from tshark",
        problems.len()
    );
}
