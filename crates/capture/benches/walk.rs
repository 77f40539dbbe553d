//! Walks capture files and reports packets/s and GB/s.
//!
//! ```text
//! python3 ../shared/bench/gen_capture.py --packets 200000 --flows 2000 --seed 1 \
//!     --format pcap -o /tmp/small.pcap
//! cargo bench -p wiresift-capture --bench walk -- /tmp/small.pcap [more files]
//! ```
//!
//! For each file: one warm-up pass (to bring it into the page cache), then
//! the best of a few timed passes that count packets and captured bytes
//! (`count`), and of passes that also read every packet's first and last
//! byte (`touch`, so the bytes really travel to the CPU). Set
//! `WALK_BUFFER=<bytes>` to try another read-buffer size, `WALK_PASSES=<n>`
//! for more timed passes (best of n; default 5) on a busy machine.

use std::time::Instant;

use wiresift_capture::FileReader;

fn pass(path: &str, buffer: usize, touch: bool) -> (u64, u64, u64, f64) {
    let file = std::fs::File::open(path).expect("open");
    let mut r = FileReader::with_buffer_len(file, buffer).expect("capture header");
    let t = Instant::now();
    let (mut n, mut bytes, mut sum) = (0u64, 0u64, 0u64);
    loop {
        match r.next_packet() {
            Ok(Some(p)) => {
                n += 1;
                bytes += u64::from(p.cap_len);
                if touch {
                    if let (Some(a), Some(b)) = (p.data.first(), p.data.last()) {
                        sum += u64::from(*a) + u64::from(*b);
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                eprintln!("{path}: {e}");
                break;
            }
        }
    }
    (n, bytes, sum, t.elapsed().as_secs_f64())
}

fn main() {
    let files: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if files.is_empty() {
        eprintln!("usage: cargo bench -p wiresift-capture --bench walk -- FILE...");
        return;
    }
    let buffer = std::env::var("WALK_BUFFER")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(wiresift_capture::reader::DEFAULT_BUFFER_LEN);
    let passes: usize = std::env::var("WALK_PASSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    for f in &files {
        let size = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        pass(f, buffer, false);
        for touch in [false, true] {
            let mut best = f64::MAX;
            let mut last = (0, 0, 0);
            for _ in 0..passes.max(1) {
                let (n, b, s, t) = pass(f, buffer, touch);
                best = best.min(t);
                last = (n, b, s);
            }
            println!(
                "{f} [{}] buffer {} KiB: {} packets, {} captured bytes, best {:.3} s: {:.2} M packets/s, {:.2} GB/s of file{}",
                if touch { "touch" } else { "count" },
                buffer / 1024,
                last.0,
                last.1,
                best,
                last.0 as f64 / best / 1e6,
                size as f64 / best / 1e9,
                if touch { format!(" (checksum {})", last.2) } else { String::new() },
            );
        }
    }
}
