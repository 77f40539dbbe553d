//! `wiresift logs`: Zeek-style logs of a capture in one pass. Every packet
//! goes through the dissector and the flow engine (with Zeek's idle
//! timeouts); its application messages (DNS, DHCP, HTTP, …) go to the
//! application analyzers, which write a record as each transaction ends;
//! after each packet the conversations that ended are written as conn
//! records, then the rest at the end of the capture. Logs go to standard
//! output (one log) or to DIR/<log>.log.
//!
//! On several workers (`--threads`, see `parallel`) each follows the
//! conversations of its shard. Records are written in the order of the
//! frame that ends them (the end of the capture last) and, among the
//! records one frame ends, in the order of their text (so by time, then
//! uid): the same order for any number of workers.

use crate::args::LogsArgs;
use crate::parallel::{self, IcmpErrors, Job, Out, Pieces, Source, END};
use crate::run::report_read_error;
use anyhow::{bail, Context, Result};
use std::cell::RefCell;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::rc::Rc;
use std::time::{SystemTime, UNIX_EPOCH};
use wiresift_engine::defrag::Limits;
use wiresift_engine::flow::{self, FlowOptions};
use wiresift_engine::logs::apps::{self, AppLogs, Wants};
use wiresift_engine::logs::{self, weird, x509, Schema, Writer, Writers};
use wiresift_engine::{Dissection, Dissector, Options};
use wiresift_wire::frame::FrameMeta;

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
    let name = a.read.display().to_string();
    let format = if a.json {
        logs::Format::Json
    } else {
        logs::Format::Tsv
    };
    let open = now_secs();
    // Each log's file, shared by its Writer (header, #close) and by the
    // merge below, which writes the records the workers formatted.
    let mut files: Vec<Rc<RefCell<Box<dyn Write>>>> = Vec::with_capacity(selected.len());
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
        let file = Rc::new(RefCell::new(out));
        writers.push(Writer::new(SharedOut(file.clone()), schema, format, open)?);
        files.push(file);
    }

    let src = Source {
        path: &a.read,
        capture_filter: a.capture_filter.as_deref(),
        count: a.count,
        // Zeek's ICMP conversation is the error's own pair.
        icmp_errors: IcmpErrors::OwnPair,
    };
    let n = parallel::workers(a.threads, &a.read);
    let make = |_| {
        LogsJob::new(
            &selected,
            format,
            Options {
                verify_checksums: !a.no_checksum,
            },
        )
    };
    // x509.log's once-a-day rule and weird.log's rules, applied here,
    // where every worker's records meet in frame order.
    let tag_of = |schema: &Schema| selected.iter().position(|s| std::ptr::eq(*s, schema));
    let (x509_tag, weird_tag) = (tag_of(&x509::SCHEMA), tag_of(&weird::SCHEMA));
    let mut known = x509::Known::default();
    let mut weirds = weird::Written::default();
    let write = |_frame: u64, pieces: &mut Pieces| -> Result<()> {
        pieces.sort_unstable();
        for &(tag, piece) in pieces.iter() {
            let line = if Some(tag as usize) == x509_tag {
                match admit_x509(&mut known, piece) {
                    Some(line) => line,
                    None => continue,
                }
            } else if Some(tag as usize) == weird_tag {
                match admit_weird(&mut weirds, piece) {
                    Some(line) => line,
                    None => continue,
                }
            } else {
                piece
            };
            if let Some(f) = files.get(tag as usize) {
                f.borrow_mut().write_all(line)?;
            }
        }
        Ok(())
    };
    let (jobs, read) = match parallel::run(&src, n, make, write) {
        Ok(r) => r,
        Err(e) => {
            let _ = Writers::new(writers).close(now_secs());
            return Err(e);
        }
    };
    if let Some(e) = &read.error {
        // The records of what came before a damaged tail are kept.
        if let Err(e) = report_read_error(&name, e, read.read) {
            let _ = Writers::new(writers).close(now_secs());
            return Err(e);
        }
    }
    Writers::new(writers).close(now_secs())?;
    for line in limits_reached(&jobs, &known.0.stats, weirds.untracked()) {
        eprintln!("wiresift: note: {name}: {line}");
    }
    if let Some(line) = checksum_offloading(&jobs) {
        eprintln!("wiresift: warning: {name}: {line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Zeek's warning (`base/misc/find-checksum-offloading.zeek`) when more
/// than 5 % of the packets had bad checksums: they were left out of the
/// logs, and most likely the capture was taken on a host whose network
/// card fills in the checksums of what it sends.
fn checksum_offloading(jobs: &[LogsJob]) -> Option<String> {
    let (mut frames, mut bad) = (0u64, 0u64);
    for f in jobs.iter().filter_map(|j| j.dissector.flows.as_ref()) {
        frames += f.stats.frames;
        bad += f.stats.corrupt;
    }
    (bad > 0 && bad.saturating_mul(20) > frames).then(|| {
        format!(
            "{bad} of {frames} packets had bad IP, TCP or UDP checksums and were left out \
             of the logs, as Zeek does; the capture was most likely taken where the \
             network card fills in the checksums of what the host sends (checksum \
             offloading): -C reads them"
        )
    })
}

/// What the bounded tables gave up, summed over the workers, as lines for
/// standard error: every table has a cap, and what reaching it cost is
/// told (nothing when no table was full).
fn limits_reached(
    jobs: &[LogsJob],
    certificates: &logs::once::Stats,
    weirds_untracked: u64,
) -> Vec<String> {
    use wiresift_engine::logs::{
        dhcp, dns, ftp, http, mime, mqtt, quic, smtp, ssh, ssl, websocket,
    };
    let total = |f: fn(&LogsJob) -> u64| jobs.iter().map(f).sum::<u64>();
    fn flows(j: &LogsJob) -> Option<flow::FlowStats> {
        j.dissector.flows.as_ref().map(|f| f.stats)
    }
    fn streams(j: &LogsJob) -> Option<wiresift_engine::stream_apps::AppStats> {
        j.dissector.apps.as_ref().map(|a| a.stats)
    }
    let counts = [
        (
            total(|j| flows(j).map_or(0, |s| s.evicted)),
            "conversations evicted from the full flow table (their conn.log records written then)"
                .to_owned(),
        ),
        (
            total(|j| j.dissector.flows.as_ref().map_or(0, |f| f.timers.dropped)),
            "of Zeek's connection timers not set, the most waiting (those connections ended when idle)"
                .to_owned(),
        ),
        (
            total(|j| j.dissector.defrag.stats.evicted),
            "fragmented datagrams dropped from the full fragment table".to_owned(),
        ),
        (
            total(|j| streams(j).map_or(0, |s| s.over_budget)),
            "unfinished application messages given up (stream memory budget spent)".to_owned(),
        ),
        (
            total(|j| streams(j).map_or(0, |s| s.h2_refused)),
            "HTTP/2 connections whose headers were not decoded (header budget spent)".to_owned(),
        ),
        (
            total(|j| j.apps.stats.dropped),
            "application messages past the most one frame holds".to_owned(),
        ),
        (
            total(|j| j.apps.stats.parents_dropped),
            format!(
                "frames of tunnelled connections whose tunnel_parents were not kept ({} connections held)",
                apps::MAX_TUNNELLED
            ),
        ),
        (
            total(|j| j.apps.dns.stats.overflow),
            format!(
                "DNS messages written unpaired ({} waiting)",
                dns::MAX_PENDING
            ),
        ),
        (
            total(|j| j.apps.dhcp.stats.overflow),
            format!(
                "DHCP exchanges written early ({} open)",
                dhcp::MAX_EXCHANGES
            ),
        ),
        (
            total(|j| j.apps.http.stats.overflow),
            format!(
                "HTTP connections written early ({} with state)",
                http::MAX_CONNS
            ),
        ),
        (
            total(|j| j.apps.ssl.stats.overflow),
            format!(
                "TLS connections written early ({} with state)",
                ssl::MAX_CONNS
            ),
        ),
        (
            total(|j| j.apps.ssl.stats.dtls_dropped),
            format!(
                "DTLS handshake fragments not put together ({} KiB a message, {} MiB in all)",
                ssl::MAX_DTLS_MESSAGE >> 10,
                ssl::MAX_DTLS_BUFFERED >> 20
            ),
        ),
        (
            certificates.untracked,
            format!(
                "certificates logged and not remembered ({} remembered)",
                x509::MAX_KNOWN
            ),
        ),
        (
            weirds_untracked,
            format!(
                "weirds written and not remembered ({} remembered a rule)",
                weird::MAX_KNOWN
            ),
        ),
        (
            total(|j| j.apps.quic.stats.overflow),
            format!(
                "QUIC connections written early ({} with state)",
                quic::MAX_CONNS
            ),
        ),
        (
            total(|j| j.apps.quic.stats.hello_dropped),
            format!(
                "QUIC Initial datagrams not gathered ({} ClientHellos gathering)",
                quic::MAX_GATHERING
            ),
        ),
        (
            total(|j| j.apps.ftp.stats.overflow),
            format!(
                "FTP connections written early ({} with state)",
                ftp::MAX_CONNS
            ),
        ),
        (
            total(|j| j.apps.ftp.stats.expected_dropped),
            format!(
                "FTP data connections not expected ({} expected)",
                ftp::MAX_EXPECTED
            ),
        ),
        (
            total(|j| j.apps.smtp.stats.overflow),
            format!(
                "SMTP connections written early ({} with state)",
                smtp::MAX_CONNS
            ),
        ),
        (
            total(|j| j.apps.ssh.stats.overflow),
            format!(
                "SSH connections written early ({} with state)",
                ssh::MAX_CONNS
            ),
        ),
        (
            total(|j| j.apps.websocket.stats.overflow),
            format!(
                "WebSocket handshakes given up unfinished ({} with state)",
                websocket::MAX_CONNS
            ),
        ),
        (
            total(|j| j.apps.ssh.stats.cut_lists),
            format!(
                "SSH KEXINIT name lists cut at {} bytes",
                ssh::MAX_LIST
            ),
        ),
        (
            total(|j| j.apps.smtp.stats.rcpt_dropped),
            format!(
                "SMTP recipients left out ({} kept a message)",
                smtp::MAX_RCPT
            ),
        ),
        (
            total(|j| j.apps.smtp.stats.entities_dropped),
            format!(
                "MIME entities of mails made no file (at most {} files a mail, nested at most {} deep)",
                mime::MAX_FILES,
                mime::MAX_NESTING
            ),
        ),
        (
            total(|j| j.apps.smtp.stats.long_lines + j.apps.http.stats.long_lines),
            format!(
                "cuts in MIME lines (of mails and HTTP multipart bodies) longer than {} KiB (read in pieces of that length)",
                mime::MAX_LINE >> 10
            ),
        ),
        (
            total(|j| j.apps.http.stats.parts_dropped),
            format!(
                "parts of HTTP multipart bodies made no file (at most {} files a body, nested at most {} deep)",
                mime::MAX_FILES,
                mime::MAX_NESTING
            ),
        ),
        (
            total(|j| j.apps.http.stats.unsplit),
            "HTTP multipart bodies logged as one file (no room in the stream budget to read their parts, or content-coded)".to_owned(),
        ),
        (
            total(|j| j.apps.mqtt.stats.overflow),
            format!(
                "MQTT connections written early ({} with state)",
                mqtt::MAX_CONNS
            ),
        ),
        (
            total(|j| j.apps.mqtt.stats.dropped),
            format!(
                "MQTT publishes or subscriptions not followed ({} waiting)",
                mqtt::MAX_PENDING
            ),
        ),
    ];
    counts
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect()
}

/// A log's output, written by its [`Writer`] and by the merge.
struct SharedOut<W>(Rc<RefCell<W>>);

impl<W: Write> Write for SharedOut<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.borrow_mut().flush()
    }
}

/// One worker: the dissector and flow engine of its shard, the application
/// analyzers, and a writer a log formatting records into pieces of the
/// worker's output (the headers, which it writes nowhere, are the main
/// thread's to write).
struct LogsJob {
    apps: AppLogs,
    dissector: Dissector,
    writers: Vec<Writer<io::Sink>>,
}

impl LogsJob {
    fn new(selected: &[&'static Schema], format: logs::Format, opts: Options) -> Result<Self> {
        let writers = selected
            .iter()
            .map(|s| Writer::new(io::sink(), s, format, 0))
            .collect::<io::Result<Vec<_>>>()?;
        Ok(LogsJob {
            apps: AppLogs::new(Wants::of(selected)),
            // Streams reassembled: an HTTP or TLS message shows whole on
            // the frame that completes it.
            // Bodies past their head are counted, not held: the logs read
            // their length and type.
            dissector: Dissector::new(opts, Limits::default())
                .with_streams(FlowOptions::logs())
                .with_body_heads(),
            writers,
        })
    }

    /// Write what ended at `frame` (the application records and conn
    /// records [`AppLogs::frame`] or [`AppLogs::finish`] give).
    fn records(&mut self, frame: u64, out: &mut Out, end: bool) -> Result<()> {
        let Some(flows) = self.dissector.flows.as_mut() else {
            return Ok(());
        };
        let mut sink = Records {
            writers: &mut self.writers,
            out,
            frame,
            weirds: 0,
        };
        if end {
            self.apps.finish(flows, &mut sink)?;
        } else {
            self.apps.frame(flows, &mut sink)?;
        }
        for key in self.apps.take_stopped() {
            self.dissector.stop_streams(&key);
        }
        for (slot, stream) in self.apps.take_closed() {
            self.dissector.forget_ended(slot, stream);
        }
        Ok(())
    }
}

impl Job for LogsJob {
    /// On the 2M-packet benchmark capture with two workers, `logs all` took
    /// 1.56 s against 1.64 s with 1 MiB windows (medians of 11 alternating
    /// runs), peak memory 204 MB against 201 MB; 16 MiB windows held
    /// 287 MB. (Per-packet output with conversation numbers, whose workers
    /// wait for each other, was slower with 4 MiB: 2.76 s against 2.33 s.)
    const MAPPED_BATCH_BYTES: usize = 4 << 20;

    fn frame(&mut self, meta: FrameMeta, data: &[u8], out: &mut Out) -> Result<()> {
        // Conversations idle past their timeout end at every frame, also
        // one the dissector leaves out (a bad checksum), as in `tick`.
        if let Some(flows) = self.dissector.flows.as_mut() {
            flows.tick(&meta);
        }
        {
            // The dissection borrows the dissector: what the application
            // logs need of it is copied out before it goes.
            let mut d = Dissection::default();
            let flows = self.dissector.dissect(meta, data, &mut d);
            let innermost = flows.and_then(|f| f.innermost_transport());
            self.apps.collect(&d, innermost, flow::time_ns(&meta));
            if let Some(f) = flows {
                self.apps.delivered(f, &d);
            }
        }
        self.records(meta.number, out, false)
    }

    /// Another shard's frame: this shard's conversations idle past their
    /// timeout, and its DNS and DHCP transactions past theirs, end at this
    /// frame, as they do on one worker.
    fn tick(&mut self, meta: &FrameMeta, _data: &[u8], _marked: bool, out: &mut Out) {
        // Most such frames end nothing here: each worker sees every other
        // worker's frames, and this check costs far less than the work.
        if let Some(flows) = self.dissector.flows.as_ref() {
            let now = flow::time_ns(meta);
            if now <= flows.quiet_through().min(self.apps.quiet_through()) {
                return;
            }
        }
        let empty = Dissection::default();
        self.apps.collect(&empty, None, flow::time_ns(meta));
        if let Some(flows) = self.dissector.flows.as_mut() {
            flows.tick(meta);
        }
        // Writing to memory does not fail.
        let _ = self.records(meta.number, out, false);
    }

    fn finish(&mut self, out: &mut Out) -> Result<()> {
        self.records(END, out, true)
    }
}

/// A [`logs::Sink`] that makes each record a piece of the worker's output,
/// tagged with its log.
struct Records<'a> {
    writers: &'a mut [Writer<io::Sink>],
    out: &'a mut Out,
    frame: u64,
    /// weird.log records of the frame so far.
    weirds: u8,
}

impl logs::Sink for Records<'_> {
    fn wants(&self, schema: &'static Schema) -> bool {
        self.writers
            .iter()
            .any(|w| std::ptr::eq(w.schema(), schema))
    }

    fn write(&mut self, schema: &'static Schema, values: &[logs::Value<'_>]) -> io::Result<()> {
        let Some(i) = self
            .writers
            .iter()
            .position(|w| std::ptr::eq(w.schema(), schema))
        else {
            return Ok(());
        };
        if let Some(w) = self.writers.get_mut(i) {
            if std::ptr::eq(schema, &x509::SCHEMA) {
                let key = x509::key(values).map(|(ts, fp, host, client)| {
                    (u8::from(!host) | u8::from(client) << 1, ts, fp)
                });
                put_once_key(key, &mut self.out.buf);
            } else if std::ptr::eq(schema, &weird::SCHEMA) {
                let key = weird::key(values);
                let flags = |rule| weird_flags(self.weirds, rule);
                let key = key
                    .as_ref()
                    .map(|(ts, rule, key)| (flags(*rule), *ts, &key[..]));
                put_once_key(key, &mut self.out.buf);
                self.weirds = self.weirds.saturating_add(1);
            }
            w.format(values, &mut self.out.buf);
        }
        self.out.end(self.frame, i as u32);
        Ok(())
    }
}

/// Ahead of the text of a record that a write-once rule reads (x509.log,
/// weird.log: [`logs::once`]) in the worker's output: a byte of flags,
/// the time, the key's length and the key. The flags: 0x80 when a key
/// follows; for x509.log, in the two low bits, `host_cert` clear and
/// `client_cert` set (the merge orders a frame's pieces by their bytes, so
/// a chain's own certificate comes before the rest of it); for weird.log,
/// its place in the frame and its rule ([`weird_flags`]).
fn put_once_key(key: Option<(u8, i64, &[u8])>, buf: &mut Vec<u8>) {
    let (flags, ts, key) = match key {
        Some((flags, ts, key)) => (0x80 | flags, ts, key),
        None => (0, 0, &[][..]),
    };
    let key = key
        .get(..key.len().min(usize::from(u16::MAX)))
        .unwrap_or_default();
    buf.push(flags);
    buf.extend_from_slice(&ts.to_be_bytes());
    buf.extend_from_slice(&(key.len() as u16).to_be_bytes());
    buf.extend_from_slice(key);
}

/// What [`put_once_key`] put ahead of a piece: flags, time, key, and the
/// record's text.
fn split_once_key(piece: &[u8]) -> Option<(u8, i64, &[u8], &[u8])> {
    let (&flags, rest) = piece.split_first()?;
    let (ts, rest) = rest.split_first_chunk::<8>()?;
    let (len, rest) = rest.split_first_chunk::<2>()?;
    let (key, line) = rest.split_at_checked(usize::from(u16::from_be_bytes(*len)))?;
    Some((flags, i64::from_be_bytes(*ts), key, line))
}

/// An x509.log piece's text if the once-a-day rule logs it; a piece
/// without a key is logged.
fn admit_x509<'p>(known: &mut x509::Known, piece: &'p [u8]) -> Option<&'p [u8]> {
    let (flags, ts, fp, line) = split_once_key(piece)?;
    let logged = flags & 0x80 == 0 || known.admit(ts, fp, flags & 1 == 0, flags & 2 != 0);
    logged.then_some(line)
}

/// The flags ahead of a weird.log record: in bits 2 to 6 which of its
/// frame's weirds it is (up to 31), so that the merge, which orders a
/// frame's pieces by their bytes, keeps the order they were raised in; in
/// the low bits its rule (0 per originator, 1 per address pair, 2 per
/// connection, 3 per connection a day).
fn weird_flags(nth: u8, rule: weird::Rule) -> u8 {
    let rule = match rule {
        weird::Rule::PerOrig => 0,
        weird::Rule::PerPair => 1,
        weird::Rule::PerConn => 2,
        weird::Rule::PerConnDaily => 3,
    };
    nth.min(31) << 2 | rule
}

/// A weird.log piece's text if its rule writes it; a piece without a key
/// is written.
fn admit_weird<'p>(written: &mut weird::Written, piece: &'p [u8]) -> Option<&'p [u8]> {
    let (flags, ts, key, line) = split_once_key(piece)?;
    let rule = match flags & 3 {
        1 => weird::Rule::PerPair,
        2 => weird::Rule::PerConn,
        3 => weird::Rule::PerConnDaily,
        _ => weird::Rule::PerOrig,
    };
    let logged = flags & 0x80 == 0 || written.admit(ts, rule, key.to_vec());
    logged.then_some(line)
}
