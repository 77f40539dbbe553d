//! Reading a capture file on several cores. Every worker reads the whole
//! file (from the page cache: cheap next to dissection), numbers every
//! frame, and works only on the frames of its shard — the ones whose
//! outermost IP address pair hashes to it (`engine::shard`). So each worker
//! owns whole conversations and shares nothing; the caller merges what the
//! workers made. The other workers' frames still move each worker's clock
//! ([`Job::tick`]), so time-driven work (idle timeouts) happens at the same
//! frame whatever the number of workers, and results do not depend on it.

use crate::run::{report_read_error, CaptureFilter};
use anyhow::{bail, Result};
use std::io::IsTerminal;
use std::path::Path;
use wiresift_capture::clock::FrameClock;
use wiresift_capture::{ByteOrder, FileReader, Format};
use wiresift_engine::shard;
use wiresift_wire::frame::FrameMeta;

/// The work one worker does.
pub trait Job: Send {
    /// A frame of this worker's shard.
    fn frame(&mut self, meta: FrameMeta, data: &[u8]) -> Result<()>;
    /// A frame of another shard: only its time matters.
    fn tick(&mut self, _meta: &FrameMeta) {}
}

/// What to read.
pub struct Source<'a> {
    pub path: &'a Path,
    pub capture_filter: Option<&'a str>,
    /// Stop after this many frames (that pass the capture filter).
    pub count: Option<u64>,
}

/// What the reading found, beside the jobs' results.
pub struct ReadSummary {
    pub format: Format,
    pub snaplen: Option<u32>,
    /// Records read (before the capture filter).
    pub read: u64,
    pub size: Option<u64>,
}

/// How many workers `--threads N` means: 0 is every core; standard input
/// can be read only once, so it gets one.
pub fn workers(threads: usize, path: &Path) -> usize {
    if path.as_os_str() == "-" {
        return 1;
    }
    match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// Run `make(i)`'s job as worker `i` of `n` over the capture; the jobs come
/// back in worker order.
pub fn run<J: Job>(
    src: &Source,
    n: usize,
    make: impl Fn(usize) -> Result<J> + Sync,
) -> Result<(Vec<J>, ReadSummary)> {
    let n = n.max(1);
    let name = src.path.display().to_string();
    // Open once here so that a file that is no capture fails before any
    // thread starts, with one message.
    let first = match FileReader::open(src.path) {
        Ok(r) => r,
        Err(e) => {
            report_read_error(&name, &e, 0)?;
            bail!("{name}: {e}");
        }
    };
    let (format, snaplen) = (first.format(), first.snaplen());
    let size = if src.path.as_os_str() == "-" {
        None
    } else {
        std::fs::metadata(src.path).ok().map(|m| m.len())
    };
    let results: Vec<Result<(J, u64)>> = std::thread::scope(|s| {
        let mut first = Some(first);
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let reader = first.take();
                let make = &make;
                let name = &name;
                s.spawn(move || -> Result<(J, u64)> {
                    let reader = match reader {
                        Some(r) => r,
                        None => FileReader::open(src.path)?,
                    };
                    let job = make(i)?;
                    let progress = if i == 0 { Progress::new(size) } else { None };
                    work(src, name, reader, i, n, job, progress.as_ref())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| bail!("a worker stopped")))
            .collect()
    });
    let mut jobs = Vec::with_capacity(n);
    let mut read = 0;
    for r in results {
        let (j, r) = r?;
        jobs.push(j);
        read = r;
    }
    Ok((
        jobs,
        ReadSummary {
            format,
            snaplen,
            read,
            size,
        },
    ))
}

/// One worker's pass over the file.
fn work<J: Job>(
    src: &Source,
    name: &str,
    mut reader: FileReader,
    me: usize,
    n: usize,
    mut job: J,
    progress: Option<&Progress>,
) -> Result<(J, u64)> {
    let mut cf = src.capture_filter.map(CaptureFilter::new).transpose()?;
    if let Some(cf) = cf.as_mut() {
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
    let mut clock = FrameClock::default();
    let limit = src.count.unwrap_or(u64::MAX);
    let mut read: u64 = 0;
    while clock.count() < limit {
        if let Some(p) = progress {
            if read % PROGRESS_EVERY == 0 {
                p.set(reader.bytes_offset());
            }
        }
        let p = match reader.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                // Every worker meets the same damage; one says so.
                if me == 0 {
                    if let Some(p) = progress {
                        p.finish();
                    }
                    report_read_error(name, &e, read)?;
                }
                break;
            }
        };
        read += 1;
        if let Some(cf) = cf.as_mut() {
            if !cf.matches(&p)? {
                continue;
            }
        }
        let meta = clock.meta(&p);
        if n == 1 || (shard::key(p.link_type, p.data) % n as u64) as usize == me {
            job.frame(meta, p.data)?;
        } else {
            job.tick(&meta);
        }
    }
    if let Some(p) = progress {
        p.finish();
    }
    Ok((job, read))
}

/// How often (in records) the progress bar moves.
const PROGRESS_EVERY: u64 = 1 << 16;

/// A progress bar on standard error while a file is read, when standard
/// error is a terminal (piped output stays clean).
pub(crate) struct Progress(indicatif::ProgressBar);

impl Progress {
    pub(crate) fn new(size: Option<u64>) -> Option<Progress> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let pb = match size {
            Some(n) => {
                let pb = indicatif::ProgressBar::new(n);
                pb.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                pb
            }
            None => indicatif::ProgressBar::new_spinner(),
        };
        // Nothing shows for a file read in a moment.
        pb.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
        Some(Progress(pb))
    }

    pub(crate) fn set(&self, pos: u64) {
        self.0.set_position(pos);
    }

    pub(crate) fn finish(&self) {
        self.0.finish_and_clear();
    }
}
