//! Reading packets from a file, standard input or an interface, dissecting
//! them and handing them to the chosen sink (or to a pcap file with `-w`).

use crate::args::{Format, ReadArgs, SampleArgs};
use crate::parallel::{self, IcmpErrors, Job, Out, Pieces, Source};
use crate::sink::{self, Sink};
use crate::stream_numbers::{Marker, Progress, Renumber, StreamNumbers};
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use wiresift_capture::bpf::{self, SockFilter, Target};
use wiresift_capture::clock::FrameClock;
use wiresift_capture::{ByteOrder, FileReader, Packet, PcapWriter, ReadError};
use wiresift_engine::defrag::Limits;
use wiresift_engine::filter::Filter;
use wiresift_engine::flow::FlowOptions;
use wiresift_engine::{fields, Dissection, Dissector, Options};
use wiresift_wire::frame::FrameMeta;

/// Flush the output buffer to stdout once it holds this much.
const FLUSH_AT: usize = 1 << 16;

/// The flow engine of per-packet output: no Zeek history (only the logs
/// read it).
fn packet_flows() -> FlowOptions {
    FlowOptions {
        history: false,
        ..FlowOptions::default()
    }
}

/// The output format the flags ask for.
fn sink_of(a: &ReadArgs) -> Result<Box<dyn Sink + Send>> {
    let format = a.format.unwrap_or(Format::Text);
    if format != Format::Fields && !a.fields.is_empty() {
        bail!("-e FIELD needs -T fields");
    }
    Ok(match (format, a.verbose) {
        (Format::Fields, _) => {
            if a.fields.is_empty() {
                bail!("-T fields needs at least one -e FIELD (see `wiresift fields`)");
            }
            let refs = a
                .fields
                .iter()
                .map(|n| fields::resolve(n))
                .collect::<Result<Vec<_>, _>>()?;
            Box::new(sink::fields::Fields::new(refs, &a.field_opts)?)
        }
        (Format::Json, _) => Box::<sink::json::Json>::default(),
        (Format::Text, true) => Box::<sink::tree::Tree>::default(),
        (Format::Text, false) => Box::<sink::line::Line>::default(),
    })
}

/// Where each packet goes.
enum Output {
    Print {
        sink: Box<dyn Sink + Send>,
        hex: bool,
        buf: Vec<u8>,
        out: std::io::StdoutLock<'static>,
    },
    Write(PcapWriter<std::io::BufWriter<std::fs::File>>),
}

impl Output {
    fn new(a: &ReadArgs, link_type: u32) -> Result<Self> {
        if let Some(path) = &a.write {
            let f = std::fs::File::create(path)
                .with_context(|| format!("{}: cannot create", path.display()))?;
            let w = PcapWriter::new(std::io::BufWriter::new(f), link_type, a.snaplen, true)
                .with_context(|| format!("{}: cannot write", path.display()))?;
            return Ok(Output::Write(w));
        }
        let mut sink = sink_of(a)?;
        let mut buf = Vec::with_capacity(FLUSH_AT * 2);
        sink.start(&mut buf);
        Ok(Output::Print {
            sink,
            hex: a.hex,
            buf,
            out: std::io::stdout().lock(),
        })
    }

    fn packet(&mut self, p: &Packet, d: &Dissection) -> Result<()> {
        match self {
            Output::Print {
                sink,
                hex,
                buf,
                out,
            } => {
                sink.packet(d, buf);
                if *hex {
                    sink::hex::dump(d, buf);
                }
                if buf.len() >= FLUSH_AT {
                    out.write_all(buf)?;
                    buf.clear();
                }
            }
            Output::Write(w) => w.write_packet(p)?,
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        match self {
            Output::Print { buf, out, .. } => {
                out.write_all(buf)?;
                buf.clear();
                out.flush()?;
            }
            Output::Write(w) => w.flush()?,
        }
        Ok(())
    }
}

/// A capture filter (`-f`) on a file: compiled for each link type met (a
/// pcapng file may have several), run by our BPF interpreter on each
/// packet's captured bytes before anything else is done with it.
pub(crate) struct CaptureFilter {
    expr: String,
    pub(crate) null_big_endian: bool,
    programs: Vec<(u32, Vec<SockFilter>)>,
}

impl CaptureFilter {
    /// Check the filter's syntax before anything is read (compiling for
    /// Ethernet, where every primitive exists).
    pub(crate) fn new(expr: &str) -> Result<CaptureFilter> {
        bpf::compile(expr, &Target::new(wiresift_capture::linktype::ETHERNET))
            .map_err(|e| anyhow::anyhow!("capture filter: {e}"))?;
        Ok(CaptureFilter {
            expr: expr.to_string(),
            null_big_endian: false,
            programs: Vec::new(),
        })
    }

    pub(crate) fn matches(&mut self, p: &Packet) -> Result<bool> {
        let i = match self.programs.iter().position(|(lt, _)| *lt == p.link_type) {
            Some(i) => i,
            None => {
                let target = Target {
                    link_type: p.link_type,
                    snaplen: 262_144,
                    null_big_endian: self.null_big_endian,
                    vlan_in_metadata: false,
                };
                let prog = bpf::compile(&self.expr, &target)
                    .map_err(|e| anyhow::anyhow!("capture filter: {e}"))?;
                self.programs.push((p.link_type, prog));
                self.programs.len() - 1
            }
        };
        Ok(bpf::interp::run(&self.programs[i].1, p.data, p.orig_len) != 0)
    }
}

/// The main job: read, dissect, print.
pub fn read(a: &ReadArgs) -> Result<ExitCode> {
    let opts = Options {
        verify_checksums: !a.no_checksum,
    };
    // A filter that does not compile is reported before anything is read.
    let filter = a
        .display_filter
        .as_deref()
        .map(Filter::compile)
        .transpose()?;
    let mut capture_filter = a
        .capture_filter
        .as_deref()
        .map(CaptureFilter::new)
        .transpose()?;
    if let Some(iface) = &a.interface {
        return live(a, iface, opts, filter.as_ref());
    }
    let Some(path) = &a.read else {
        bail!(
            "nothing to read: give -r FILE (or -r - for standard input), or -i IFACE; see --help"
        );
    };
    let n = parallel::workers(a.threads, path);
    // Writing a file (`-w`) is one sequential stream: one thread.
    if n > 1 && a.write.is_none() {
        return read_parallel(a, path, n, opts);
    }
    let name = path.display().to_string();
    let mut reader = match FileReader::open(path) {
        Ok(r) => r,
        Err(e) => return report_read_error(&name, &e, 0),
    };
    if let Some(cf) = capture_filter.as_mut() {
        // BSD loopback headers are in the writer's byte order; libpcap takes
        // the file's.
        cf.null_big_endian = matches!(
            reader.format(),
            wiresift_capture::Format::Pcap {
                byte_order: ByteOrder::Big,
                ..
            } | wiresift_capture::Format::PcapNg {
                byte_order: ByteOrder::Big
            }
        );
    }
    let mut out: Option<Output> = None;
    let mut clock = FrameClock::default();
    let mut dissector = Dissector::new(opts, Limits::default()).with_streams(packet_flows());
    let limit = a.count.unwrap_or(u64::MAX);
    while clock.count() < limit {
        let p = match reader.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                if let Some(o) = out.as_mut() {
                    o.finish()?;
                }
                return report_read_error(&name, &e, clock.count());
            }
        };
        // A capture filter drops packets before they are numbered: the kept
        // ones are frames 1, 2, 3… as in the file `tcpdump -w` would write.
        if let Some(cf) = capture_filter.as_mut() {
            if !cf.matches(&p)? {
                continue;
            }
        }
        let o = match out.as_mut() {
            Some(o) => o,
            None => out.insert(Output::new(a, p.link_type)?),
        };
        let meta = clock.meta(&p);
        let mut d = Dissection::default();
        dissector.dissect(meta, p.data, &mut d);
        // A packet the filter rejects is neither printed nor written; the
        // frames that pass keep their numbers in the file.
        if filter.as_ref().is_some_and(|f| !f.matches(&d)) {
            continue;
        }
        o.packet(&p, &d)?;
    }
    match out.as_mut() {
        Some(o) => o.finish()?,
        // An empty capture still gets its header row (and an empty -w file).
        None => Output::new(a, reader.link_type().unwrap_or(1))?.finish()?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Per-packet output of a file on `n` workers (see `parallel`): each
/// dissects and formats the frames of its shard, the output is merged back
/// into frame order, the same bytes as on one thread.
fn read_parallel(a: &ReadArgs, path: &Path, n: usize, opts: Options) -> Result<ExitCode> {
    // Flags and filters that are wrong fail before anything is read.
    let mut head = Vec::new();
    sink_of(a)?.start(&mut head);
    let filter_text = a.display_filter.as_deref();
    filter_text.map(Filter::compile).transpose()?;
    let src = Source {
        path,
        capture_filter: a.capture_filter.as_deref(),
        count: a.count,
        icmp_errors: IcmpErrors::QuotedPair,
    };
    let shared: Arc<Vec<Progress>> = Arc::new((0..n).map(|_| Progress::default()).collect());
    let make = |i: usize| -> Result<PacketJob> {
        let mut sink = sink_of(a)?;
        let filter = filter_text.map(Filter::compile).transpose()?;
        let numbering = if filter.as_ref().is_some_and(Filter::tests_stream_numbers) {
            Numbering::Wait(StreamNumbers::new(shared.clone(), i))
        } else if n == 1 || !sink.shows_streams() {
            // One worker's numbers are the whole file's.
            Numbering::Own
        } else if sink.mark_streams() {
            Numbering::Marked(Marker::new(i))
        } else {
            Numbering::Wait(StreamNumbers::new(shared.clone(), i))
        };
        Ok(PacketJob {
            dissector: Dissector::new(opts, Limits::default()).with_streams(packet_flows()),
            numbering,
            filter,
            sink,
            hex: a.hex,
        })
    };
    let mut out = std::io::BufWriter::with_capacity(FLUSH_AT, std::io::stdout().lock());
    // The header row waits for a file that opens (an empty capture still
    // gets it).
    let mut head = Some(head);
    let mut renumber = Renumber::default();
    let mut write = |_: u64, pieces: &mut Pieces| -> Result<()> {
        if let Some(h) = head.take() {
            out.write_all(&h)?;
        }
        renumber.write(pieces, &mut out)?;
        Ok(())
    };
    let (_, read) = parallel::run(&src, n, make, &mut write)?;
    write(0, &mut Vec::new())?;
    out.flush()?;
    match &read.error {
        Some(e) => report_read_error(&path.display().to_string(), e, read.frames),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// One worker of per-packet output.
struct PacketJob {
    dissector: Dissector,
    filter: Option<Filter>,
    sink: Box<dyn Sink + Send>,
    hex: bool,
    numbering: Numbering,
}

/// How a worker's conversations get the whole file's numbers (see
/// `stream_numbers`).
enum Numbering {
    /// They do not: the output never shows them.
    Own,
    /// Before the frame is filtered and written: the worker waits for the
    /// others.
    Wait(StreamNumbers),
    /// When the outputs are merged: the sink marks where it wrote them.
    Marked(Marker),
}

impl Job for PacketJob {
    fn frame(&mut self, meta: FrameMeta, data: &[u8], out: &mut Out) -> Result<()> {
        let mut d = Dissection::default();
        if let Numbering::Wait(n) = &self.numbering {
            n.begin(meta.number);
        }
        self.dissector.dissect(meta, data, &mut d);
        if let Numbering::Wait(n) = &mut self.numbering {
            n.number(&mut d, meta.number);
        }
        let pass = self.filter.as_ref().is_none_or(|f| f.matches(&d));
        if pass {
            self.sink.packet(&d, &mut out.buf);
            if self.hex {
                sink::hex::dump(&d, &mut out.buf);
            }
            out.end(meta.number, 0);
        }
        // A frame the filter rejects still begins its conversations.
        if let Numbering::Marked(m) = &mut self.numbering {
            let marks = if pass { self.sink.marks() } else { &[] };
            m.frame(&d, marks, meta.number, out);
        }
        Ok(())
    }

    fn tick(&mut self, meta: &FrameMeta, data: &[u8], marked: bool, _out: &mut Out) {
        let opts = self.dissector.opts;
        if let Some(f) = self.dissector.flows.as_mut().filter(|_| marked) {
            f.glance(*meta, data, opts);
        }
    }

    fn mark(data: &[u8]) -> bool {
        wiresift_engine::flow::announce::may_announce(data)
    }

    fn seen(&mut self, last: u64) {
        if let Numbering::Wait(n) = &self.numbering {
            n.seen(last);
        }
    }
}

/// A file that ends early or has a broken record: every whole packet before
/// it has been printed; say where it broke. A file that is not a capture at
/// all is the user's to fix: fail.
pub(crate) fn report_read_error(name: &str, e: &ReadError, read: u64) -> Result<ExitCode> {
    match e {
        ReadError::NotACapture { .. } => bail!("{name}: {e}"),
        // Cut inside the file header: there is no capture to read.
        ReadError::Truncated { packet: 0, .. } => bail!("{name}: {e}"),
        ReadError::Truncated { .. } | ReadError::Corrupt { .. } => {
            eprintln!("wiresift: warning: {name}: {e} ({read} whole packets read before it)");
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!("{name}: {e}"),
    }
}

/// Live capture until `-c` packets or Ctrl-C, then the capture statistics.
fn live(a: &ReadArgs, iface: &str, opts: Options, filter: Option<&Filter>) -> Result<ExitCode> {
    use wiresift_capture::live::{LiveCapture, LiveOptions};
    let lo = LiveOptions {
        snaplen: a.snaplen,
        promiscuous: !a.no_promisc,
        ..LiveOptions::default()
    };
    let mut cap =
        LiveCapture::open(iface, &lo).with_context(|| format!("{iface}: cannot capture"))?;
    if let Some(expr) = &a.capture_filter {
        let target = Target {
            link_type: cap.link_type(),
            snaplen: cap.snaplen(),
            null_big_endian: cfg!(target_endian = "big"),
            // The kernel has taken the VLAN tag off what the filter sees.
            vlan_in_metadata: true,
        };
        let prog =
            bpf::compile(expr, &target).map_err(|e| anyhow::anyhow!("capture filter: {e}"))?;
        // Packets already in the ring did not go through the filter. As
        // libpcap does, first attach a filter that rejects everything, drain
        // what was queued (a partly filled ring block is handed over after
        // the block timeout, 50 ms), then attach the real one.
        let attach = |cap: &mut LiveCapture, prog: &[SockFilter]| {
            cap.attach_filter(prog)
                .with_context(|| format!("{iface}: cannot attach the capture filter"))
        };
        attach(&mut cap, &bpf::accept_all(0))?;
        while cap
            .next_packet(std::time::Duration::from_millis(150))?
            .is_some()
        {}
        attach(&mut cap, &prog)?;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .context("cannot install the Ctrl-C handler")?;
    let mut out = Output::new(a, cap.link_type())?;
    let mut clock = FrameClock::default();
    let mut dissector = Dissector::new(opts, Limits::default()).with_streams(packet_flows());
    let limit = a.count.unwrap_or(u64::MAX);
    eprintln!("wiresift: capturing on {iface}");
    while clock.count() < limit && !stop.load(Ordering::SeqCst) {
        let Some(p) = cap.next_packet(std::time::Duration::from_millis(200))? else {
            out.finish()?;
            continue;
        };
        let meta = clock.meta(&p);
        let mut d = Dissection::default();
        dissector.dissect(meta, p.data, &mut d);
        if filter.is_some_and(|f| !f.matches(&d)) {
            continue;
        }
        out.packet(&p, &d)?;
        if a.write.is_none() {
            // Live output is for eyes: show each packet as it comes.
            out.finish()?;
        }
    }
    out.finish()?;
    let (received, dropped) = cap.stats()?;
    eprintln!(
        "{}\n{}\n{}",
        plural(clock.count(), "packet captured", "packets captured"),
        plural(
            received,
            "packet received by filter",
            "packets received by filter"
        ),
        plural(
            dropped,
            "packet dropped by kernel",
            "packets dropped by kernel"
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// `1 packet …` / `2 packets …`, as tcpdump says it.
fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Write the sample capture.
pub fn sample(a: &SampleArgs) -> Result<ExitCode> {
    if let Some(dir) = a.output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create directory", dir.display()))?;
    }
    let f = std::fs::File::create(&a.output)
        .with_context(|| format!("{}: cannot create", a.output.display()))?;
    let frames = wiresift_engine::sample::frames();
    let write = || -> std::io::Result<()> {
        let mut w = PcapWriter::new(std::io::BufWriter::new(f), 1, 262_144, false)?;
        for fr in &frames {
            let len = u32::try_from(fr.data.len()).unwrap_or(u32::MAX);
            w.write_record(fr.ts_secs, fr.ts_nanos, len, &fr.data)?;
        }
        w.flush()
    };
    write().with_context(|| format!("{}: cannot write", a.output.display()))?;
    let n = frames.len();
    eprintln!("wrote {n} packets to {}", a.output.display());
    Ok(ExitCode::SUCCESS)
}
