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
    let dir = tempdir();
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

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("wiresift-capture-rt-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
