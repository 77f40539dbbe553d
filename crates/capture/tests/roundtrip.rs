//! PcapWriter → FileReader round trips.

mod common;

use std::io::BufWriter;

use wiresift_capture::{linktype, FileReader, Format, PcapVariant, PcapWriter, ReadError};

/// A few packets of different sizes and times.
fn packets() -> Vec<(i64, u32, u32, Vec<u8>)> {
    (0..50u32)
        .map(|i| {
            let len = (i as usize * 37) % 1600;
            let data: Vec<u8> = (0..len).map(|b| (b as u32 * 7 + i) as u8).collect();
            (
                1_700_000_000 + i64::from(i),
                i * 19_999_999 % 1_000_000_000,
                len as u32 + (i % 3) * 100,
                data,
            )
        })
        .collect()
}

#[test]
fn micro_and_nanosecond_files_read_back() {
    for nanos in [false, true] {
        let mut w = PcapWriter::new(Vec::new(), linktype::ETHERNET, 65535, nanos).unwrap();
        for (s, n, orig, d) in &packets() {
            w.write_record(*s, *n, *orig, d).unwrap();
        }
        assert_eq!(w.packets_written(), 50);
        let bytes = w.finish().unwrap();
        let mut r = FileReader::new(&bytes[..]).unwrap();
        let want_variant = if nanos {
            PcapVariant::Nanosecond
        } else {
            PcapVariant::Standard
        };
        assert!(
            matches!(r.format(), Format::Pcap { variant, version: (2, 4), .. } if variant == want_variant)
        );
        assert_eq!(r.link_type(), Some(linktype::ETHERNET));
        assert_eq!(r.snaplen(), Some(65535));
        for (s, n, orig, d) in packets() {
            let p = r.next_packet().unwrap().unwrap();
            assert_eq!(p.ts_secs, s);
            assert_eq!(p.ts_nanos, if nanos { n } else { n / 1000 * 1000 });
            assert_eq!(p.orig_len, orig);
            assert_eq!(p.data, &d[..]);
            assert!(p.has_timestamp);
        }
        assert!(r.next_packet().unwrap().is_none());
        assert_eq!(r.bytes_offset(), bytes.len() as u64);
    }
}

#[test]
fn snaplen_cuts_records_and_bad_times_are_refused() {
    let mut w = PcapWriter::new(Vec::new(), linktype::RAW, 100, false).unwrap();
    w.write_record(1, 0, 0, &[0xab; 300]).unwrap();
    assert!(w.write_record(-1, 0, 60, &[0; 60]).is_err());
    assert!(w.write_record(1 << 33, 0, 60, &[0; 60]).is_err());
    let bytes = w.finish().unwrap();
    let mut r = FileReader::new(&bytes[..]).unwrap();
    let p = r.next_packet().unwrap().unwrap();
    assert_eq!(
        (p.cap_len, p.orig_len, p.link_type),
        (100, 300, linktype::RAW)
    );
    assert!(r.next_packet().unwrap().is_none());
}

#[test]
fn copying_a_file_through_the_writer_keeps_every_packet() {
    // Every pcap of the corpus with a single link type: read, write, read
    // again, compare.
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let dir = tempdir("copy");
    let mut copied = 0;
    let mut names: Vec<_> = std::fs::read_dir(corpus.join("dev"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names.iter().take(120) {
        let Ok(mut r) = FileReader::open(path) else {
            continue;
        };
        let Some(lt) = r
            .link_type()
            .filter(|_| matches!(r.format(), Format::Pcap { .. }))
        else {
            continue;
        };
        let out = dir.join("copy.pcap");
        let mut w = PcapWriter::new(
            BufWriter::new(std::fs::File::create(&out).unwrap()),
            lt,
            0,
            true,
        )
        .unwrap();
        let mut orig = vec![];
        while let Ok(Some(p)) = r.next_packet() {
            if w.write_packet(&p).is_ok() {
                orig.push((
                    p.ts_secs,
                    p.ts_nanos,
                    p.orig_len.max(p.cap_len),
                    p.data.to_vec(),
                ));
            }
        }
        w.finish().unwrap();
        let mut back = FileReader::open(&out).unwrap();
        for (i, o) in orig.iter().enumerate() {
            let p = back
                .next_packet()
                .unwrap_or_else(|e| panic!("{}: packet {}: {e}", path.display(), i + 1))
                .unwrap();
            assert_eq!(
                (p.ts_secs, p.ts_nanos, p.orig_len, p.data),
                (o.0, o.1, o.2, &o.3[..]),
                "{} packet {}",
                path.display(),
                i + 1
            );
        }
        assert!(matches!(back.next_packet(), Ok(None)));
        copied += 1;
    }
    println!("copied {copied} corpus files through PcapWriter");
    assert!(copied > 50);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn open_reports_missing_files_as_io_errors() {
    match FileReader::open("/nonexistent/wiresift/x.pcap") {
        Err(ReadError::Io { offset: 0, source }) => {
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound)
        }
        other => panic!("{other:?}"),
    }
}

fn tempdir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("wiresift-capture-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `FileReader::open("-")` reads standard input, both a redirected file and
/// a pipe. Runs this test binary again with its standard input set.
#[test]
fn dash_reads_standard_input() {
    const CHILD: &str = "WIRESIFT_STDIN_CHILD";
    if std::env::var(CHILD).is_ok() {
        let mut r = FileReader::open("-").expect("open standard input");
        let mut n = 0;
        while r.next_packet().expect("read standard input").is_some() {
            n += 1;
        }
        println!("STDIN-PACKETS {n}");
        return;
    }
    let mut w = PcapWriter::new(Vec::new(), linktype::ETHERNET, 0, false).unwrap();
    for (s, n, orig, d) in &packets() {
        w.write_record(*s, *n, *orig, d).unwrap();
    }
    let bytes = w.finish().unwrap();
    let dir = tempdir("stdin");
    let path = dir.join("stdin.pcap");
    std::fs::write(&path, &bytes).unwrap();
    let exe = std::env::current_exe().unwrap();
    let run = |stdin: std::process::Stdio, feed: Option<&[u8]>| {
        let mut c = std::process::Command::new(&exe)
            .args(["--exact", "dash_reads_standard_input", "--nocapture"])
            .env(CHILD, "1")
            .stdin(stdin)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(data) = feed {
            use std::io::Write;
            let mut i = c.stdin.take().unwrap();
            i.write_all(data).unwrap();
        }
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let from_file = run(std::fs::File::open(&path).unwrap().into(), None);
    assert!(from_file.contains("STDIN-PACKETS 50"), "{from_file}");
    let from_pipe = run(std::process::Stdio::piped(), Some(&bytes));
    assert!(from_pipe.contains("STDIN-PACKETS 50"), "{from_pipe}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn readers_and_captures_can_move_to_other_threads() {
    fn send<T: Send>() {}
    send::<FileReader>();
    send::<FileReader<&'static [u8]>>();
    send::<wiresift_capture::LiveCapture>();
    send::<PcapWriter<Vec<u8>>>();
}
