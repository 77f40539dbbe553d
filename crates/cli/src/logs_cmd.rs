//! `wiresift logs`: Zeek-style logs of a capture in one pass. Every packet
//! goes through the dissector and the flow engine (with Zeek's idle
//! timeouts); its application messages (DNS, DHCP, HTTP, …) go to the
//! application analyzers, which write a record as each transaction ends;
//! after each packet the conversations that ended are written as conn
//! records, then the rest at the end of the capture — the order in which
//! they end. Logs go to standard output (one log) or to DIR/<log>.log.

use crate::args::LogsArgs;
use crate::run::{report_read_error, CaptureFilter};
use anyhow::{bail, Context, Result};
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};
use wiresift_capture::clock::FrameClock;
use wiresift_capture::{ByteOrder, FileReader, Format};
use wiresift_engine::defrag::Limits;
use wiresift_engine::flow::{FlowOptions, Timeouts};
use wiresift_engine::logs::apps::{AppLogs, Wants};
use wiresift_engine::logs::{self, Schema, Writer, Writers};
use wiresift_engine::{Dissection, Dissector, Options};

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub fn run(a: &LogsArgs) -> Result<ExitCode> {
    let selected: Vec<&'static Schema> = match a.log.as_str() {
        "all" => {
            if a.output.is_none() {
                bail!("logs all writes one file per log: give -o DIR");
            }
            logs::ALL.to_vec()
        }
        name => match logs::schema(name) {
            Some(s) => vec![s],
            None => {
                let known: Vec<&str> = logs::ALL.iter().map(|s| s.path).collect();
                bail!(
                    "no log called {name:?}: known logs are {}, or all",
                    known.join(", ")
                );
            }
        },
    };
    let mut capture_filter = a
        .capture_filter
        .as_deref()
        .map(CaptureFilter::new)
        .transpose()?;
    let name = a.read.display().to_string();
    let mut reader = match FileReader::open(&a.read) {
        Ok(r) => r,
        Err(e) => {
            report_read_error(&name, &e, 0)?;
            bail!("{name}: {e}");
        }
    };
    if let Some(cf) = capture_filter.as_mut() {
        cf.null_big_endian = matches!(
            reader.format(),
            Format::Pcap {
                byte_order: ByteOrder::Big,
                ..
            } | Format::PcapNg {
                byte_order: ByteOrder::Big
            }
        );
    }

    let format = if a.json {
        logs::Format::Json
    } else {
        logs::Format::Tsv
    };
    let open = now_secs();
    let mut writers = Vec::with_capacity(selected.len());
    for schema in &selected {
        let out: Box<dyn Write> = match &a.output {
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("{}: cannot create", dir.display()))?;
                let path = dir.join(format!("{}.log", schema.path));
                let f = std::fs::File::create(&path)
                    .with_context(|| format!("{}: cannot create", path.display()))?;
                Box::new(BufWriter::with_capacity(1 << 16, f))
            }
            None => Box::new(BufWriter::with_capacity(1 << 16, std::io::stdout().lock())),
        };
        writers.push(Writer::new(out, schema, format, open)?);
    }
    let mut sink = Writers::new(writers);

    let mut apps = AppLogs::new(Wants::of(&selected));
    let mut clock = FrameClock::default();
    let mut dissector = Dissector::new(
        Options {
            verify_checksums: !a.no_checksum,
        },
        Limits::default(),
    )
    // Streams reassembled: an HTTP or TLS message shows whole on the frame
    // that completes it.
    .with_streams(FlowOptions {
        idle: Some(Timeouts::ZEEK),
        ..FlowOptions::default()
    });
    let limit = a.count.unwrap_or(u64::MAX);
    let mut read: u64 = 0;
    while clock.count() < limit {
        let p = match reader.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                // The records of what came before a damaged tail are kept.
                report_read_error(&name, &e, read)?;
                break;
            }
        };
        read += 1;
        if let Some(cf) = capture_filter.as_mut() {
            if !cf.matches(&p)? {
                continue;
            }
        }
        let meta = clock.meta(&p);
        {
            // The dissection borrows the dissector: what the application
            // logs need of it is copied out before it goes.
            let mut d = Dissection::default();
            dissector.dissect(meta, p.data, &mut d);
            apps.collect(&d, wiresift_engine::flow::time_ns(&meta));
        }
        if let Some(flows) = dissector.flows.as_mut() {
            apps.frame(flows, &mut sink)?;
        }
    }
    if let Some(flows) = dissector.flows.as_mut() {
        apps.finish(flows, &mut sink)?;
    }
    sink.close(now_secs())?;
    Ok(ExitCode::SUCCESS)
}
