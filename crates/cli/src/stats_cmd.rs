//! `wiresift stats`: read a capture once, feed every packet to the engine's
//! statistics, and print the report as text (tshark's and capinfos' forms)
//! or as one JSON document. A progress bar on standard error while a long
//! file is read, when standard error is a terminal.

use crate::args::StatsArgs;
use crate::parallel::{self, IcmpErrors, Job, Out, Source};
use crate::run::report_read_error;
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::io::Write;
use std::ops::Range;
use std::process::ExitCode;
use wiresift_capture::{Format, PcapVariant};
use wiresift_engine::defrag::Limits;
use wiresift_engine::filter::Filter;
use wiresift_engine::stats::{
    ConvTable, EndpointTable, FileInfo, Interval, IoReport, PhsNode, Report, Sections, Stats,
    StatsOptions, SummaryReport, TalkersTable,
};
use wiresift_engine::{Dissection, Dissector, Options};
use wiresift_wire::frame::FrameMeta;

pub fn run(a: &StatsArgs) -> Result<ExitCode> {
    let opts = options(a)?;
    let filter = a
        .display_filter
        .as_deref()
        .map(Filter::compile)
        .transpose()?;
    let name = a.read.display().to_string();
    let src = Source {
        path: &a.read,
        capture_filter: a.capture_filter.as_deref(),
        count: a.count,
        icmp_errors: IcmpErrors::OwnPair,
    };
    let n = parallel::workers(a.threads, &a.read);
    // The workers' tables grow to the end of the run: one heap keeps their
    // peak at one worker's (memory freed by growth is not kept per thread).
    wiresift_capture::one_heap_for_all_threads();
    let make = || {
        Ok(StatsJob {
            stats: Stats::new(opts),
            // Statistics never look at checksums: do not spend time on them.
            dissector: Dissector::new(
                Options {
                    verify_checksums: false,
                },
                Limits::default(),
            ),
            filter: a
                .display_filter
                .as_deref()
                .map(Filter::compile)
                .transpose()?,
            part: 0,
            in_order: true,
            next_in_order: 0,
            deferred: Deferred::new(n),
        })
    };
    // Statistics are sums, minima and maxima, and orders by frame number,
    // so a file can be read in parts at once. Not with a display filter:
    // it may test a frame's number or its time since the previous one.
    let parted = match filter {
        None => parallel::run_parts(&src, n, |_| make())?,
        Some(_) => None,
    };
    let parted = parted.filter(|(jobs, _)| jobs.iter().all(|j| !j.deferred.over));
    // Otherwise by shards. Statistics write nothing until the end.
    let (jobs, read) = match parted {
        Some(p) => p,
        None => parallel::run(&src, n, |_| make(), |_, _| Ok(()))?,
    };
    if let Some(e) = &read.error {
        // The statistics of what came before a damaged tail are kept.
        report_read_error(&name, e, read.read)?;
    }
    let mut jobs = jobs.into_iter();
    let Some(mut first) = jobs.next() else {
        bail!("{name}: no worker ran");
    };
    let mut rest: Vec<StatsJob> = jobs.collect();
    // The frames the later parts kept go, in file order, through the
    // dissector of part 0's job (the first worker's): it has seen every
    // frame of the parts it read in order from part 0, and these come
    // after.
    let kept: Vec<Deferred> = std::iter::once(&mut first)
        .chain(rest.iter_mut())
        .map(|j| std::mem::take(&mut j.deferred))
        .collect();
    let mut frames: Vec<_> = kept.iter().flat_map(Deferred::frames).collect();
    frames.sort_by_key(|f| f.0);
    first.in_order = true;
    let mut out = Out::default();
    for (_, meta, data) in frames {
        first.frame(*meta, data, &mut out)?;
    }
    let mut stats = first.stats;
    for j in rest {
        stats.merge(j.stats);
    }
    let (format, size) = (read.format, read.size);
    let read_count = read.read;
    let mut report = stats.report();
    if let Some(s) = report.summary.as_mut() {
        s.file = Some(FileInfo {
            name: name.clone(),
            format: format_name(format),
            size,
            snaplen: read.snaplen.filter(|&n| n > 0),
        });
        if filter.is_some() || a.capture_filter.is_some() {
            s.packets_read = Some(read_count);
        }
    }
    let mut out = String::with_capacity(1 << 14);
    if a.json {
        out = serde_json::to_string_pretty(&report)?;
        out.push('\n');
    } else {
        let filter_text = match (&a.capture_filter, &a.display_filter) {
            (None, None) => None,
            (Some(f), None) => Some(format!("-f {f}")),
            (None, Some(y)) => Some(y.clone()),
            (Some(f), Some(y)) => Some(format!("-f {f} -Y {y}")),
        };
        text(&report, filter_text.as_deref(), &mut out);
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The engine's options from the flags.
fn options(a: &StatsArgs) -> Result<StatsOptions> {
    let sections = if a.section.is_empty() {
        Sections::ALL
    } else {
        let mut s = Sections::NONE;
        for name in &a.section {
            let name = name.trim();
            if !s.enable(name) {
                bail!(
                    "--section: unknown section '{name}' (sections: {})",
                    Sections::NAMES.join(", ")
                );
            }
        }
        s
    };
    let interval = match a.interval.trim() {
        "auto" => Interval::Auto,
        t => {
            let secs: f64 = t
                .parse()
                .ok()
                .filter(|s: &f64| s.is_finite() && *s > 0.0)
                .with_context(|| {
                    format!("--interval: '{t}' is neither 'auto' nor a number of seconds above 0")
                })?;
            let ns = (secs * 1e9).round();
            if !(1.0..=1e18).contains(&ns) {
                bail!("--interval: {t} seconds is out of range (1 ns to about 31 years)");
            }
            Interval::Fixed(ns as u64)
        }
    };
    if a.max_conversations == 0 {
        bail!("--max-conversations must be at least 1");
    }
    Ok(StatsOptions {
        sections,
        interval,
        max_conversations: a.max_conversations,
        top: a.top,
    })
}

fn format_name(f: Format) -> String {
    match f {
        Format::Pcap {
            variant: PcapVariant::Nanosecond,
            ..
        } => "pcap (nanosecond timestamps)".into(),
        Format::Pcap { .. } => "pcap".into(),
        Format::PcapNg { .. } => "pcapng".into(),
    }
}

/// One worker's statistics.
struct StatsJob {
    stats: Stats,
    dissector: Dissector,
    filter: Option<Filter>,
    /// The part of the file the frames are of ([`parallel::run_parts`]; 0
    /// when read by shards).
    part: usize,
    /// This job read parts 0 to this one one after another: its
    /// dissector has seen every frame before, as one reader's would.
    /// (Always when read by shards.)
    in_order: bool,
    /// The part that would keep them in order.
    next_in_order: usize,
    /// Frames of later parts that need what earlier frames brought: kept,
    /// not counted.
    deferred: Deferred,
}

/// The frames of parts of a file ([`parallel::run_parts`]) not read in
/// order from part 0 whose dissection needs what earlier frames brought
/// ([`Dissection::needs_history`]: IP fragments, QUIC Initials, OpenVPN
/// control messages), kept to be dissected and counted at the end, in file
/// order, by part 0's job. Few frames are: on the benchmark capture, the
/// 0.3 % that are fragments, of the second half of the file.
#[derive(Default)]
struct Deferred {
    /// (Part, frame, its bytes in `bytes`), in file order within a part.
    frames: Vec<(usize, FrameMeta, Range<usize>)>,
    bytes: Vec<u8>,
    /// The most bytes this job keeps (its share of [`MAX_DEFERRED`]).
    cap: usize,
    /// More were to be kept: the parts cannot be used (the file is read
    /// again by shards).
    over: bool,
}

/// Bytes of frames all jobs together may keep.
const MAX_DEFERRED: usize = 64 << 20;

impl Deferred {
    /// A job's keep, one of `workers`.
    fn new(workers: usize) -> Self {
        Deferred {
            cap: MAX_DEFERRED / workers.max(1),
            ..Deferred::default()
        }
    }

    fn keep(&mut self, part: usize, meta: FrameMeta, data: &[u8]) {
        if self.over || self.bytes.len().saturating_add(data.len()) > self.cap {
            self.over = true;
            return;
        }
        let start = self.bytes.len();
        self.bytes.extend_from_slice(data);
        self.frames.push((part, meta, start..self.bytes.len()));
    }

    /// The kept frames: part, frame, bytes.
    fn frames(&self) -> impl Iterator<Item = (usize, &FrameMeta, &[u8])> {
        self.frames
            .iter()
            .map(|(part, meta, r)| (*part, meta, self.bytes.get(r.clone()).unwrap_or(&[])))
    }
}

impl parallel::Parted for StatsJob {
    fn part(&mut self, index: usize) {
        self.part = index;
        self.in_order = self.in_order && index == self.next_in_order;
        self.next_in_order = index.saturating_add(1);
    }
}

impl Job for StatsJob {
    const WRITES_PER_FRAME: bool = false;

    fn frame(&mut self, meta: FrameMeta, data: &[u8], _out: &mut Out) -> Result<()> {
        let mut d = Dissection::default();
        if self.in_order {
            self.dissector.dissect(meta, data, &mut d);
        } else {
            wiresift_engine::dissect(meta, data, self.dissector.opts, &mut d);
            if d.needs_history() {
                self.deferred.keep(self.part, meta, data);
                return Ok(());
            }
        }
        if self.filter.as_ref().is_some_and(|f| !f.matches(&d)) {
            return Ok(());
        }
        self.stats.add(&d);
        Ok(())
    }

    fn finish(&mut self, _out: &mut Out) -> Result<()> {
        // On the worker's thread: workers roll up at once.
        self.stats.roll_up();
        Ok(())
    }
}

const RULE: &str =
    "================================================================================";
const PHS_RULE: &str = "===================================================================";

/// The report in text: capinfos' summary, then tshark's `-z` tables.
pub fn text(r: &Report, filter: Option<&str>, out: &mut String) {
    if let Some(s) = &r.summary {
        summary(s, out);
    }
    if let Some(p) = &r.phs {
        out.push('\n');
        out.push_str(PHS_RULE);
        out.push_str("\nProtocol Hierarchy Statistics\n");
        let _ = writeln!(out, "Filter: {}\n", filter.unwrap_or(""));
        phs(&p.nodes, 0, out);
        if p.truncated_frames > 0 {
            let _ = writeln!(
                out,
                "({} frames had more distinct protocol stacks than the hierarchy keeps)",
                p.truncated_frames
            );
        }
        out.push_str(PHS_RULE);
        out.push('\n');
    }
    let no_filter = filter.unwrap_or("<No Filter>");
    for t in r.conversations.iter().flatten() {
        conversations(t, no_filter, out);
    }
    for t in r.endpoints.iter().flatten() {
        endpoints(t, no_filter, out);
    }
    if let Some(t) = &r.talkers {
        talkers(t, no_filter, out);
    }
    if let Some(io) = &r.io {
        io_stat(io, no_filter, out);
    }
}

fn summary(s: &SummaryReport, out: &mut String) {
    let mut line = |k: &str, v: &str| {
        let _ = writeln!(out, "{:<21}{v}", format!("{k}:"));
    };
    if let Some(f) = &s.file {
        line("File name", &f.name);
        line("File type", &f.format);
    }
    let encap = match s.link_types.as_slice() {
        [] => "none".to_string(),
        [one] => format!("{} ({})", one.name, one.link_type),
        many => {
            let each: Vec<String> = many
                .iter()
                .map(|l| format!("{} ({}): {} packets", l.name, l.link_type, l.packets))
                .collect();
            format!("per packet: {}", each.join(", "))
        }
    };
    line("File encapsulation", &encap);
    if let Some(n) = s.file.as_ref().and_then(|f| f.snaplen) {
        line("Packet size limit", &format!("file hdr: {n} bytes"));
    }
    if let Some(n) = s.packets_read {
        line("Packets read", &n.to_string());
    }
    line("Number of packets", &s.packets.to_string());
    if let Some(n) = s.file.as_ref().and_then(|f| f.size) {
        line("File size", &format!("{n} bytes"));
    }
    line("Data size", &format!("{} bytes", s.bytes));
    if s.captured_bytes != s.bytes {
        line("Captured data size", &format!("{} bytes", s.captured_bytes));
    }
    let digits = s.time_digits as usize;
    line(
        "Capture duration",
        &format!("{:.*} seconds", digits, s.duration),
    );
    line(
        "First packet time",
        &s.first_time
            .as_deref()
            .map_or("n/a".to_string(), |t| format!("{t} UTC")),
    );
    line(
        "Last packet time",
        &s.last_time
            .as_deref()
            .map_or("n/a".to_string(), |t| format!("{t} UTC")),
    );
    let rate =
        |r: Option<f64>, unit: &str| r.map_or("n/a".to_string(), |r| format!("{r:.2} {unit}"));
    line("Data byte rate", &rate(s.byte_rate, "bytes/s"));
    line("Data bit rate", &rate(s.bit_rate, "bits/s"));
    line("Average packet size", &rate(s.average_size, "bytes"));
    if let (Some(lo), Some(hi)) = (s.min_size, s.max_size) {
        line("Packet size range", &format!("{lo} to {hi} bytes"));
    }
    line("Average packet rate", &rate(s.packet_rate, "packets/s"));
    if s.timeless_packets > 0 {
        line("Packets without time", &s.timeless_packets.to_string());
    }
}

/// tshark's layout: two spaces a level, the name padded to 40 columns.
fn phs(nodes: &[PhsNode], depth: usize, out: &mut String) {
    for n in nodes {
        let mut name = String::new();
        for i in 0..depth {
            if i > 15 {
                name.push_str("...");
                break;
            }
            name.push_str("  ");
        }
        name.push_str(n.protocol);
        let _ = writeln!(out, "{name:<40} frames:{} bytes:{}", n.frames, n.bytes);
        phs(&n.children, depth + 1, out);
    }
}

fn more_rows(out: &mut String, shown: usize, total: usize) {
    if total > shown {
        let _ = writeln!(out, "({} more not shown; --top 0 shows all)", total - shown);
    }
}

fn unattributed(out: &mut String, frames: u64, bytes: u64) {
    if frames > 0 {
        let _ = writeln!(
            out,
            "({frames} frames, {bytes} bytes in conversations past the table's cap; see --max-conversations)"
        );
    }
}

/// `-z conv,…`: tshark 4.0's columns, with exact byte counts (tshark's
/// machine-readable form).
fn conversations(t: &ConvTable, filter: &str, out: &mut String) {
    if t.rows.is_empty() && t.unattributed.frames == 0 {
        return;
    }
    let pad = if t.ports { "            " } else { "" };
    out.push_str(RULE);
    let _ = writeln!(out, "\n{} Conversations\nFilter:{filter}", t.title);
    let _ = writeln!(out, "{pad}                                               |       <-      | |       ->      | |     Total     |    Relative    |   Duration   |");
    let _ = writeln!(out, "{pad}                                               | Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |");
    for c in &t.rows {
        if t.ports {
            let a = format!("{}:{}", c.a, c.port_a.unwrap_or(0));
            let b = format!("{}:{}", c.b, c.port_b.unwrap_or(0));
            let _ = write!(out, "{a:<26} <-> {b:<26}");
        } else {
            let _ = write!(out, "{:<20} <-> {:<20}", c.a, c.b);
        }
        let _ = writeln!(
            out,
            "  {:>6} {:>9}  {:>6} {:>9}  {:>6} {:>9}  {:>14.9}   {:>12.4}",
            c.frames_b_to_a,
            c.bytes_b_to_a,
            c.frames_a_to_b,
            c.bytes_a_to_b,
            c.frames,
            c.bytes,
            c.rel_start,
            c.duration
        );
    }
    more_rows(out, t.rows.len(), t.total);
    unattributed(out, t.unattributed.frames, t.unattributed.bytes);
    out.push_str(RULE);
    out.push('\n');
}

/// `-z endpoints,…` in tshark 4.0's columns.
fn endpoints(t: &EndpointTable, filter: &str, out: &mut String) {
    if t.rows.is_empty() && t.unattributed.frames == 0 {
        return;
    }
    out.push_str(RULE);
    let _ = writeln!(out, "\n{} Endpoints\nFilter:{filter}", t.title);
    let _ = writeln!(
        out,
        "                       |  {}Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |",
        if t.ports { "Port  ||  " } else { "" }
    );
    for e in &t.rows {
        let _ = write!(out, "{:<20}      ", e.address);
        if let Some(p) = e.port {
            let _ = write!(out, "{p:>5}     ");
        }
        let _ = writeln!(
            out,
            "{:>6}     {:>9}     {:>6}       {:>9}      {:>6}       {:>9}   ",
            e.frames, e.bytes, e.tx_frames, e.tx_bytes, e.rx_frames, e.rx_bytes
        );
    }
    more_rows(out, t.rows.len(), t.total);
    unattributed(out, t.unattributed.frames, t.unattributed.bytes);
    out.push_str(RULE);
    out.push('\n');
}

fn talkers(t: &TalkersTable, filter: &str, out: &mut String) {
    if t.rows.is_empty() {
        return;
    }
    out.push_str(RULE);
    let _ = writeln!(
        out,
        "\nTop Talkers (IPv4 and IPv6 hosts by bytes)\nFilter:{filter}"
    );
    let _ = writeln!(
        out,
        "{:<40} {:>10} {:>14} {:>14} {:>14} {:>7}",
        "Address", "Packets", "Bytes", "Tx Bytes", "Rx Bytes", "Share"
    );
    for r in &t.rows {
        let _ = writeln!(
            out,
            "{:<40} {:>10} {:>14} {:>14} {:>14} {:>6.2}%",
            r.address, r.frames, r.bytes, r.tx_bytes, r.rx_bytes, r.share
        );
    }
    more_rows(out, t.rows.len(), t.total);
    unattributed(out, t.unattributed.frames, t.unattributed.bytes);
    out.push_str(RULE);
    out.push('\n');
}

/// Seconds from nanoseconds, with no more decimals than `interval` needs.
fn secs(ns: u64, decimals: usize) -> String {
    format!("{:.*}", decimals, ns as f64 / 1e9)
}

/// Decimals to show times that are multiples of `interval_ns`.
fn decimals(interval_ns: u64) -> usize {
    let mut d = 0;
    let mut unit = 1_000_000_000u64;
    while d < 9 && interval_ns % unit != 0 {
        d += 1;
        unit /= 10;
    }
    d
}

/// `-z io,stat,INTERVAL`: one row an interval, the last one ending at the
/// last frame ("Dur").
fn io_stat(io: &IoReport, filter: &str, out: &mut String) {
    let d = decimals(io.interval_ns);
    let dur = io.duration_ns;
    let labels: Vec<String> = io
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let end = if i + 1 == io.rows.len() {
                "Dur".to_string()
            } else {
                secs(r.end_ns, d)
            };
            format!("{} <> {end}", secs(r.start_ns, d))
        })
        .collect();
    let lw = labels.iter().map(String::len).max().unwrap_or(8).max(8);
    let fw = io
        .rows
        .iter()
        .map(|r| r.frames.to_string().len())
        .max()
        .unwrap_or(0)
        .max(6);
    let bw = io
        .rows
        .iter()
        .map(|r| r.bytes.to_string().len())
        .max()
        .unwrap_or(0)
        .max(5);
    let width = lw + fw + bw + 10;
    let bar = "=".repeat(width);
    let dash = format!("|{}|", "-".repeat(width - 2));
    let boxed = |s: String| format!("| {s:<w$} |", w = width - 4);
    let _ = writeln!(out, "\n{bar}");
    let _ = writeln!(out, "{}", boxed("IO Statistics".into()));
    let _ = writeln!(out, "{}", boxed(format!("Filter: {filter}")));
    let _ = writeln!(out, "{}", boxed(format!("Duration: {} secs", secs(dur, 6))));
    let _ = writeln!(
        out,
        "{}",
        boxed(format!(
            "Interval: {} secs{}",
            secs(io.interval_ns, d),
            if io.coarsened {
                " (coarsened to fit)"
            } else {
                ""
            }
        ))
    );
    let _ = writeln!(out, "{dash}");
    let _ = writeln!(
        out,
        "| {:<lw$} | {:>fw$} | {:>bw$} |",
        "Interval", "Frames", "Bytes"
    );
    let _ = writeln!(out, "{dash}");
    for (l, r) in labels.iter().zip(&io.rows) {
        let _ = writeln!(out, "| {l:<lw$} | {:>fw$} | {:>bw$} |", r.frames, r.bytes);
    }
    if let Some(b) = io.before_start {
        let _ = writeln!(
            out,
            "| {:<lw$} | {:>fw$} | {:>bw$} |",
            "before 0", b.frames, b.bytes
        );
    }
    let _ = writeln!(out, "{bar}");
}
