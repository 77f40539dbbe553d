//! `wiresift export http DIR`: the objects carried over HTTP/1.x written to
//! DIR, like `tshark --export-objects http,DIR` (names, `(N)` suffixes,
//! de-chunked and decompressed bodies: see the engine's `export` module);
//! `wiresift export imf DIR`: the mails, like `tshark --export-objects
//! imf,DIR`.
//! Streams are reassembled as for `wiresift logs`; each object is written
//! when the frame that completes its message is read.

use crate::args::{ExportArgs, ExportProto};
use crate::run::report_read_error;
use anyhow::{bail, Context, Result};
use std::fs::OpenOptions;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wiresift_capture::clock::FrameClock;
use wiresift_capture::FileReader;
use wiresift_engine::defrag::Limits;
use wiresift_engine::export::{self, Decoding, Message, Object, Objects};
use wiresift_engine::flow::key::transport;
use wiresift_engine::flow::{FlowOptions, StreamProto};
use wiresift_engine::{Dissection, Dissector, Options};
use wiresift_wire::Layer;

/// tshark tries this many names for an object (its default
/// `gui.max_export_objects`) before it gives up on finding a free one.
const MAX_TRIES: u32 = 1000;

#[cfg(unix)]
fn os_name(name: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(name))
}

#[cfg(not(unix))]
fn os_name(name: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(name).into_owned())
}

/// What was written and what went wrong, for the closing report.
#[derive(Default)]
struct Counts {
    written: u64,
    bytes: u64,
    partial: u64,
    failed: u64,
    over_limit: u64,
    no_name: u64,
}

/// Write an object under its tshark name, or the first `name(N)` not taken:
/// an existing file is never replaced. The name used, or None when all
/// [`MAX_TRIES`] are taken.
fn write_object(dir: &Path, o: &Object) -> Result<Option<Vec<u8>>> {
    let base = export::file_name(o);
    for n in 0..MAX_TRIES {
        let name = if n == 0 {
            base.clone()
        } else {
            export::numbered(&base, n)
        };
        let path = dir.join(os_name(&name));
        // `.` and `..` name directories: taken, as for tshark.
        if path.exists() {
            continue;
        }
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(&o.data)
                    .with_context(|| format!("{}: cannot write", path.display()))?;
                return Ok(Some(name));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("{}: cannot create", path.display())),
        }
    }
    Ok(None)
}

pub fn run(a: &ExportArgs) -> Result<ExitCode> {
    let name = a.read.display().to_string();
    let mut reader = match FileReader::open(&a.read) {
        Ok(r) => r,
        Err(e) => {
            report_read_error(&name, &e, 0)?;
            bail!("{name}: {e}");
        }
    };
    // After the capture opened: a bad FILE leaves no empty DIR behind.
    let dir = &a.dir;
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "{}: cannot create the export objects directory",
            dir.display()
        )
    })?;
    let limits = export::Limits::default();
    let mut objects = Objects::default();
    let mut counts = Counts::default();
    let mut list = a.list.then(|| BufWriter::new(std::io::stdout().lock()));
    if let Some(out) = list.as_mut() {
        writeln!(out, "Packet\tHostname\tContent Type\tSize\tFilename")?;
    }
    // tshark does not check checksums by default: a segment with a bad one
    // still carries its bytes.
    let mut dissector = Dissector::new(
        Options {
            verify_checksums: false,
        },
        Limits::default(),
    )
    // Conversations that end give their objects' slots back.
    .with_streams(FlowOptions {
        keep_ended: true,
        ..FlowOptions::default()
    });
    let mut clock = FrameClock::default();
    let mut msgs: Vec<Message> = Vec::new();
    let mut mails: Vec<Object> = Vec::new();
    let limit = a.count.unwrap_or(u64::MAX);
    let mut read: u64 = 0;
    while clock.count() < limit {
        let p = match reader.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                // The objects of what came before a damaged tail are kept.
                report_read_error(&name, &e, read)?;
                break;
            }
        };
        read += 1;
        let meta = clock.meta(&p);
        {
            // The dissection borrows the dissector: the messages are
            // copied out before the flow engine is asked which stream
            // they belong to.
            let mut d = Dissection::default();
            dissector.dissect(meta, p.data, &mut d);
            for e in d.layers.iter().filter(|e| !e.quoted) {
                match (&e.layer, a.proto) {
                    (Layer::Http(v), ExportProto::Http) => msgs.push(Message::read(v, &limits)),
                    (Layer::Imf(v), ExportProto::Imf) => {
                        mails.push(export::mail(clock.count(), v));
                    }
                    _ => {}
                }
            }
        }
        let Some(flows) = dissector.flows.as_mut() else {
            break;
        };
        let stream = flows
            .current()
            .filter(|c| c.proto == StreamProto::Tcp)
            .map(|c| c.stream);
        let http = msgs.drain(..).filter_map(|m| {
            let stream = stream?;
            objects.message(stream, clock.count(), m)
        });
        for o in http.chain(mails.drain(..)) {
            match o.decoding {
                Decoding::Partial => counts.partial += 1,
                Decoding::Failed => counts.failed += 1,
                Decoding::OverLimit => counts.over_limit += 1,
                Decoding::None | Decoding::Whole => {}
            }
            let Some(file) = write_object(dir, &o)? else {
                counts.no_name += 1;
                continue;
            };
            counts.written += 1;
            counts.bytes += o.data.len() as u64;
            if let Some(out) = list.as_mut() {
                let text = |b: &Option<Vec<u8>>| {
                    b.as_deref()
                        .map(|b| String::from_utf8_lossy(b).into_owned())
                        .unwrap_or_default()
                };
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    o.frame,
                    text(&o.hostname),
                    text(&o.content_type),
                    o.data.len(),
                    String::from_utf8_lossy(&file)
                )?;
            }
        }
        for e in flows.drain_ended() {
            if e.key.proto == transport::TCP {
                objects.conn_ended(e.flow.stream);
            }
        }
    }
    if let Some(mut out) = list {
        out.flush()?;
    }
    let given_up = dissector.apps.as_ref().map_or(0, |a| a.stats.over_budget);
    report(&counts, objects.overflow, given_up, dir);
    Ok(ExitCode::SUCCESS)
}

fn report(c: &Counts, overflow: u64, given_up: u64, dir: &Path) {
    let mut notes = Vec::new();
    if c.partial > 0 {
        notes.push(format!(
            "{} with a cut or corrupt gzip/deflate body (what decoded was written)",
            c.partial
        ));
    }
    if c.failed > 0 {
        notes.push(format!(
            "{} whose gzip/deflate body did not decode (written as sent)",
            c.failed
        ));
    }
    if c.over_limit > 0 {
        notes.push(format!(
            "{} that would decode past the size or ratio limit (written as sent)",
            c.over_limit
        ));
    }
    if c.no_name > 0 {
        notes.push(format!(
            "{} not written: {MAX_TRIES} names taken",
            c.no_name
        ));
    }
    if overflow > 0 {
        notes.push(format!(
            "connection table full {overflow} times (later objects of those connections unnamed)"
        ));
    }
    if given_up > 0 {
        notes.push(format!(
            "{given_up} unfinished messages given up past the stream reassembly budget (their objects are missing)"
        ));
    }
    let mut line = format!(
        "wiresift: {} objects ({} bytes) written to {}",
        c.written,
        c.bytes,
        dir.display()
    );
    if !notes.is_empty() {
        line.push_str("; ");
        line.push_str(&notes.join("; "));
    }
    eprintln!("{line}");
}
