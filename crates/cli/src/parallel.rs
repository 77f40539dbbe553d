//! Reading a capture file on several cores. One reader thread reads the
//! file, numbers and times every frame, applies the capture filter and
//! picks each frame's shard — the worker its outermost IP address pair
//! hashes to (`engine::shard`), so each worker owns whole conversations and
//! shares no table. Frames go out in batches that every worker receives: a
//! batch is one buffer of the file reader (or one window of a mapped
//! file), handed over whole when the reader goes on in another (no frame
//! is copied), and given back to it once every worker is done with it (a
//! window is unmapped). A worker works on the frames of its
//! shard and lets the others only move its clock ([`Job::tick`]), so time-driven work (idle
//! timeouts) happens at the same frame whatever the number of workers.
//!
//! What a worker prints for a frame goes to its [`Out`], tagged with the
//! frame's number; the calling thread merges the workers' outputs of each
//! batch back into frame order and hands them, a frame at a time, to the
//! caller's writer. Channels are bounded: a slow writer holds the reader.
//! With one worker everything runs on the calling thread, with no copy.

use crate::run::CaptureFilter;
use anyhow::{bail, Result};
use std::io::IsTerminal;
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use wiresift_capture::clock::FrameClock;
use wiresift_capture::{Buffer, ByteOrder, FileReader, Format, Packet, ReadError};
use wiresift_engine::shard;
pub use wiresift_engine::shard::IcmpErrors;
use wiresift_wire::frame::FrameMeta;

/// The work one worker does.
pub trait Job: Send {
    /// Whether the job writes anything before [`Job::finish`]. One that
    /// does not sends the writer nothing per batch: a wake-up saved for
    /// every batch of every worker.
    const WRITES_PER_FRAME: bool = true;
    /// With several workers, a batch of a mapped file is one mapped window
    /// this long, for a job that writes per frame (one that does not takes
    /// [`QUIET_BATCH_BYTES`]). Each window made and undone costs system
    /// time and a TLB shootdown on every core; bigger windows are resident
    /// longer, and make a worker that waits for the others (conversation
    /// numbers in per-packet output) wait longer.
    const MAPPED_BATCH_BYTES: usize = BATCH_BYTES;
    /// A frame of this worker's shard.
    fn frame(&mut self, meta: FrameMeta, data: &[u8], out: &mut Out) -> Result<()>;
    /// A frame of another shard: its time matters, and what it announces
    /// (conversations announced by SDP are numbered by every worker alike).
    /// `marked` is what [`Job::mark`] said of its bytes.
    fn tick(&mut self, _meta: &FrameMeta, _data: &[u8], _marked: bool, _out: &mut Out) {}
    /// Whether [`Job::tick`] needs to look at these bytes: asked once a
    /// frame by the reader, whose core has the bytes in its cache, rather
    /// than by every worker the frame is not for.
    fn mark(_data: &[u8]) -> bool {
        false
    }
    /// Every frame up to `last` has been through [`Job::frame`] or
    /// [`Job::tick`].
    fn seen(&mut self, _last: u64) {}
    /// The capture has ended.
    fn finish(&mut self, _out: &mut Out) -> Result<()> {
        Ok(())
    }
}

/// The frame number of what a job writes in [`Job::finish`]: after every
/// frame.
pub const END: u64 = u64::MAX;

/// What a worker writes, in pieces tagged with a frame number (in order)
/// and a tag of the caller's (which log, …).
#[derive(Default)]
pub struct Out {
    pub buf: Vec<u8>,
    /// (frame, tag, end of the piece in `buf`).
    marks: Vec<(u64, u32, usize)>,
}

impl Out {
    /// What was written to `buf` since the last piece is one piece.
    pub fn end(&mut self, frame: u64, tag: u32) {
        let start = self.marks.last().map_or(0, |m| m.2);
        if self.buf.len() > start {
            self.marks.push((frame, tag, self.buf.len()));
        }
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.marks.clear();
    }

    fn piece(&self, i: usize) -> &[u8] {
        let start = i
            .checked_sub(1)
            .and_then(|p| self.marks.get(p))
            .map_or(0, |m| m.2);
        let end = self.marks.get(i).map_or(start, |m| m.2);
        self.buf.get(start..end).unwrap_or(&[])
    }
}

/// What to read.
pub struct Source<'a> {
    pub path: &'a Path,
    pub capture_filter: Option<&'a str>,
    /// Stop after this many frames (that pass the capture filter).
    pub count: Option<u64>,
    /// Which worker an ICMP error goes to: per-packet output follows the
    /// headers it quotes into their conversations, the logs do not.
    pub icmp_errors: IcmpErrors,
}

/// What the reading found, beside the jobs' results.
pub struct ReadSummary {
    pub format: Format,
    pub snaplen: Option<u32>,
    /// Records read (before the capture filter).
    pub read: u64,
    /// Frames numbered (after it).
    pub frames: u64,
    pub size: Option<u64>,
    /// Where the file broke, if it did: every whole frame before it has
    /// been worked on and written.
    pub error: Option<ReadError>,
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

/// The pieces of one frame, from every worker that wrote for it (in worker
/// order).
pub type Pieces<'a> = Vec<(u32, &'a [u8])>;

/// Run `make(i)`'s job as worker `i` of `n` over the capture, handing what
/// they write to `write` frame by frame in frame order; the jobs come back
/// in worker order.
pub fn run<J: Job>(
    src: &Source,
    n: usize,
    make: impl Fn(usize) -> Result<J> + Sync,
    mut write: impl FnMut(u64, &mut Pieces) -> Result<()>,
) -> Result<(Vec<J>, ReadSummary)> {
    let n = n.max(1);
    let name = src.path.display().to_string();
    let reader = match FileReader::open(src.path) {
        Ok(r) => r,
        Err(e) => bail!("{name}: {e}"),
    };
    let mut summary = ReadSummary {
        format: reader.format(),
        snaplen: reader.snaplen(),
        read: 0,
        frames: 0,
        size: if src.path.as_os_str() == "-" {
            None
        } else {
            std::fs::metadata(src.path).ok().map(|m| m.len())
        },
        error: None,
    };
    let mut frames = Frames::new(src, reader, Progress::new(summary.size))?;
    if n == 1 {
        let mut job = make(0)?;
        let mut out = Out::default();
        frames.each(|meta, p| {
            job.frame(meta, p.data, &mut out)?;
            if out.marks.len() >= BATCH_FRAMES || out.buf.len() >= BATCH_BYTES {
                merge(std::slice::from_mut(&mut out), &mut write)?;
                out.clear();
            }
            Ok(())
        })?;
        job.finish(&mut out)?;
        merge(std::slice::from_mut(&mut out), &mut write)?;
        frames.done(&mut summary);
        return Ok((vec![job], summary));
    }
    std::thread::scope(|s| {
        let (pool_tx, pool_rx) = sync_channel::<Batch>(QUEUE * 2 + 2);
        let mut batch_txs = Vec::with_capacity(n);
        let mut out_rxs = Vec::with_capacity(n);
        let mut back_txs = Vec::with_capacity(n);
        let mut handles = Vec::with_capacity(n);
        for i in 0..n {
            let (batch_tx, batch_rx) = sync_channel::<Arc<Batch>>(QUEUE);
            let (out_tx, out_rx) = sync_channel::<Out>(QUEUE);
            let (back_tx, back_rx) = sync_channel::<Out>(QUEUE + 2);
            batch_txs.push(batch_tx);
            out_rxs.push(out_rx);
            back_txs.push(back_tx);
            let make = &make;
            let pool_tx = pool_tx.clone();
            handles.push(
                s.spawn(move || work(make(i)?, i as u32, batch_rx, pool_tx, out_tx, back_rx)),
            );
        }
        drop(pool_tx);
        let frames = &mut frames;
        // A batch is one reader buffer, or one window of a mapped file:
        // these many bytes of frames.
        let mapped = frames.reader.is_mapped();
        frames
            .reader
            .set_buffer_len(match (mapped, J::WRITES_PER_FRAME) {
                (true, false) => QUIET_BATCH_BYTES,
                (true, true) => J::MAPPED_BATCH_BYTES,
                (false, _) => BATCH_BYTES,
            });
        let reader = s.spawn(move || read::<J>(frames, n, batch_txs, pool_rx));
        // This thread writes: a batch's output from every worker, merged.
        let mut outs: Vec<Out> = Vec::with_capacity(n);
        let mut failed = Ok(());
        'batches: loop {
            outs.clear();
            for rx in &out_rxs {
                match rx.recv() {
                    Ok(o) => outs.push(o),
                    // The workers end together (after the reader); one
                    // that ends early failed, and says why below.
                    Err(_) => break 'batches,
                }
            }
            if let Err(e) = merge(&mut outs, &mut write) {
                failed = Err(e);
                break;
            }
            for (o, back) in outs.drain(..).zip(&back_txs) {
                let _ = back.try_send(o);
            }
        }
        // Unblock the workers (and through them the reader) if the writer
        // stopped first.
        drop(out_rxs);
        let mut jobs = Vec::with_capacity(n);
        let mut first_err = None;
        for h in handles {
            match h.join() {
                Ok(Ok(j)) => jobs.push(j),
                Ok(Err(e)) => {
                    first_err.get_or_insert(e);
                }
                Err(_) => {
                    first_err.get_or_insert(anyhow::anyhow!("a worker stopped"));
                }
            }
        }
        match reader.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                first_err.get_or_insert(e);
            }
            Err(_) => {
                first_err.get_or_insert(anyhow::anyhow!("the reader stopped"));
            }
        }
        failed?;
        if let Some(e) = first_err {
            return Err(e);
        }
        Ok(jobs)
    })
    .map(|jobs| {
        frames.done(&mut summary);
        (jobs, summary)
    })
}

/// The smallest part [`run_parts`] cuts a file into. (Small enough that
/// test captures are cut too.)
const MIN_PART: u64 = 64 << 10;

/// Parts per worker: a worker done with a part takes the next one left, so
/// none waits long for another at the end. (With one part a worker, the
/// benchmark capture's second half, of fewer and larger packets, was done
/// 20-80 ms before its first.)
const PARTS_PER_WORKER: usize = 16;

/// A job whose results depend neither on which frames it is given nor on
/// their order ([`run_parts`]).
pub trait Parted: Job {
    /// The frames of part `index` of the file follow (part 0 starts the
    /// file).
    fn part(&mut self, index: usize);
}

/// Read a mapped classic pcap file in parts, on `n` workers at once, for a
/// job whose results depend neither on which frames a worker gets nor on
/// their order (the statistics): no reader thread and no shards, each
/// worker reads its parts of the file itself. The file is cut into up to
/// [`PARTS_PER_WORKER`] parts a worker; each worker reads its own stretch
/// of parts (worker 0's starts with part 0) and then helps the others
/// ([`Queue`]). Frames of a later part are
/// numbered after those of the parts before but not by their place in the
/// file (see [`wiresift_capture::Parts`]): a job may use frame numbers only
/// to order. `make(i)` makes worker `i`'s job; the jobs come back in worker
/// order.
///
/// Each part is read up to the start of the next. A part's start is a guess
/// until the reader of the part before lands on it exactly; if one does
/// not (the guess fell inside a record), or the file breaks before its last
/// part, the frames counted are not the file's and this gives None, as it
/// does when the file cannot be cut ([`FileReader::parts`]), when a count of
/// frames is asked (only a reader of the whole file can keep it) or when the
/// job writes per frame: the caller then reads the file by shards
/// ([`run`]). An error in the last part (a file cut short) is the file's,
/// numbered from its start.
pub fn run_parts<J: Parted>(
    src: &Source,
    n: usize,
    make: impl Fn(usize) -> Result<J> + Sync,
) -> Result<Option<(Vec<J>, ReadSummary)>> {
    if n < 2 || src.count.is_some() || J::WRITES_PER_FRAME || src.path.as_os_str() == "-" {
        return Ok(None);
    }
    let name = src.path.display().to_string();
    let open = || FileReader::open(src.path).map_err(|e| anyhow::anyhow!("{name}: {e}"));
    let first = open()?;
    let Some(parts) = first.parts(n * PARTS_PER_WORKER, MIN_PART) else {
        return Ok(None);
    };
    let mut summary = ReadSummary {
        format: first.format(),
        snaplen: first.snaplen(),
        read: 0,
        frames: 0,
        size: std::fs::metadata(src.path).ok().map(|m| m.len()),
        error: None,
    };
    let progress = Progress::new(summary.size);
    // Part k ends where part k + 1 starts; the last at the end.
    let ends: Vec<u64> = parts.starts.iter().copied().chain([u64::MAX]).collect();
    let queue = Queue::new(ends.len(), n);
    let work = |w: usize, reader: FileReader| -> Result<(J, Vec<PartRead>)> {
        let mut job = make(w)?;
        let mut out = Out::default();
        let mut frames = Frames::new(src, reader, progress.clone())?;
        frames.reader.set_buffer_len(QUIET_BATCH_BYTES);
        let mut reads = Vec::new();
        // Worker 0's reader is at the file's first record: part 0 is its.
        let mut next = if w == 0 { Some(0) } else { queue.next(w) };
        while let Some((k, &stop)) = next.and_then(|k| Some((k, ends.get(k)?))) {
            let mut numbered = 0;
            if let Some(&start) = k.checked_sub(1).and_then(|p| parts.starts.get(p)) {
                if !frames.reader.resume_at(start) {
                    bail!("{name}: cannot read from byte offset {start}");
                }
                numbered = parts.records_before_at_most(start);
                frames.clock = FrameClock::resume(numbered, parts.first_time);
                frames.shown = start;
            }
            frames.read = 0;
            frames.stop = stop;
            job.part(k);
            frames.each(|meta, p| job.frame(meta, p.data, &mut out))?;
            reads.push(PartRead {
                index: k,
                read: frames.read,
                frames: frames.clock.count().saturating_sub(numbered),
                error: frames.error.take(),
                end: frames.reader.bytes_offset(),
            });
            next = queue.next(w);
        }
        job.finish(&mut out)?;
        Ok((job, reads))
    };
    let results: Vec<Result<(J, Vec<PartRead>)>> = std::thread::scope(|s| {
        let work = &work;
        let others: Vec<_> = (1..n).map(|w| s.spawn(move || work(w, open()?))).collect();
        let mut all = vec![work(0, first)];
        for h in others {
            all.push(
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a worker stopped"))),
            );
        }
        all
    });
    if let Some(p) = &progress {
        p.finish();
    }
    let mut jobs = Vec::with_capacity(n);
    let mut reads = Vec::with_capacity(ends.len());
    for r in results {
        let (job, part_reads) = r?;
        jobs.push(job);
        reads.extend(part_reads);
    }
    reads.sort_by_key(|r| r.index);
    for (r, end) in reads.into_iter().zip(&ends) {
        let last = *end == u64::MAX;
        if let Some(e) = r.error {
            if !last {
                // The frames of the parts after it are not the file's.
                return Ok(None);
            }
            summary.error = Some(e.after(summary.read));
        } else if r.end != *end && !last {
            // A record ran past the next part's start: that was no start.
            return Ok(None);
        }
        summary.read += r.read;
        summary.frames += r.frames;
    }
    Ok(Some((jobs, summary)))
}

/// The parts not yet read: each worker's own stretch of them, which it
/// takes from the front, and which a worker that has run out of its own
/// takes from the back. So a worker reads mostly one stretch of the file,
/// and its tables hold the conversations of about its share of the file
/// (parts handed out in turn to whichever worker asked raised the peak on
/// the 10-million-packet capture from 231 to 271 MB).
struct Queue {
    /// Per worker, its stretch: first part left << 32 | end.
    spans: Vec<std::sync::atomic::AtomicU64>,
}

impl Queue {
    /// The parts after part 0 (worker 0's first, taken already) of
    /// `parts`, shared by `n` workers.
    fn new(parts: usize, n: usize) -> Queue {
        let n = n.max(1) as u64;
        let later = parts.saturating_sub(1) as u64;
        let spans = (0..n)
            .map(|w| {
                let (front, end) = (1 + later * w / n, 1 + later * (w + 1) / n);
                std::sync::atomic::AtomicU64::new(front << 32 | end)
            })
            .collect();
        Queue { spans }
    }

    /// The next part for worker `w`: its own next, or the last of the
    /// stretch with most left.
    fn next(&self, w: usize) -> Option<usize> {
        if let Some(k) = self.take(w, true) {
            return Some(k);
        }
        loop {
            let (i, left) = self
                .spans
                .iter()
                .map(|s| {
                    let v = s.load(std::sync::atomic::Ordering::Acquire);
                    (v & 0xffff_ffff).saturating_sub(v >> 32)
                })
                .enumerate()
                .max_by_key(|&(_, left)| left)?;
            if left == 0 {
                return None;
            }
            if let Some(k) = self.take(i, false) {
                return Some(k);
            }
        }
    }

    /// Take the first (or last) part left of stretch `i`.
    fn take(&self, i: usize, first: bool) -> Option<usize> {
        use std::sync::atomic::Ordering::{AcqRel, Acquire};
        let span = self.spans.get(i)?;
        let mut v = span.load(Acquire);
        loop {
            let (front, end) = (v >> 32, v & 0xffff_ffff);
            if front >= end {
                return None;
            }
            let (taken, k) = if first {
                ((front + 1) << 32 | end, front)
            } else {
                (front << 32 | (end - 1), end - 1)
            };
            match span.compare_exchange_weak(v, taken, AcqRel, Acquire) {
                Ok(_) => return usize::try_from(k).ok(),
                Err(now) => v = now,
            }
        }
    }
}

/// How the reading of one part ended.
struct PartRead {
    index: usize,
    read: u64,
    frames: u64,
    error: Option<ReadError>,
    /// The offset after its last record.
    end: u64,
}

/// With one worker, what it wrote is handed on after this many frames or
/// bytes; with several, a batch holds this many bytes of the file (when it
/// is mapped, [`Job::MAPPED_BATCH_BYTES`]).
const BATCH_FRAMES: usize = 2048;
const BATCH_BYTES: usize = 1 << 20;
/// A batch of a mapped file for a job that writes nothing per frame: one
/// mapped window this long. Each window made and undone costs system time
/// and, with threads, a TLB shootdown on every core: on the 2M-packet
/// benchmark capture `stats` with two workers took 0.60 s (median of 10)
/// with 1 MiB windows, 0.55 s with 4 MiB and 0.47 s with 16 MiB (32 MiB
/// gained nothing more).
const QUIET_BATCH_BYTES: usize = 16 << 20;
/// Batches waiting for each worker, and outputs waiting for the writer.
const QUEUE: usize = 4;
/// A worker prefetches its frame this many frames ahead. On the 2M-packet
/// benchmark capture, mapped, two workers took 0.57 s (median of 10)
/// without and 0.47 s with; 2 or 8 frames ahead did as well as 4.
const PREFETCH_FRAMES: usize = 4;
/// How much of the frame: its headers and the payload whose checksum is
/// verified (the reader's prefetch warms the reader's core, not the
/// worker's). Against the first 128 bytes only, with two workers: `logs
/// all` 1.49 s to 1.40 s, one line a packet 2.01 s to 1.82 s (medians of
/// 7 alternating runs); the TCP checksum's share of the samples fell from
/// 10.2% to 4.7%.
const PREFETCH_BYTES: usize = 2048;

/// Frames read, and the reader's buffer that holds their bytes.
#[derive(Default)]
struct Batch {
    frames: Vec<Frame>,
    data: Buffer,
}

struct Frame {
    meta: FrameMeta,
    start: usize,
    end: usize,
    shard: u32,
    /// What [`Job::mark`] said of the bytes.
    marked: bool,
}

/// The reader's side: frames out of the file, numbered, timed and past the
/// capture filter.
struct Frames {
    reader: FileReader,
    cf: Option<CaptureFilter>,
    clock: FrameClock,
    limit: u64,
    read: u64,
    error: Option<ReadError>,
    progress: Option<Progress>,
    icmp_errors: IcmpErrors,
    /// A frame read with the buffer that ended the last batch: the first of
    /// the next.
    carry: Option<Frame>,
    /// Reading stops at the first record at or past this offset (the start
    /// of the next part, [`run_parts`]).
    stop: u64,
    /// The offset the progress bar was last moved to.
    shown: u64,
}

impl Frames {
    fn new(src: &Source, reader: FileReader, progress: Option<Progress>) -> Result<Self> {
        let mut cf = src.capture_filter.map(CaptureFilter::new).transpose()?;
        if let Some(cf) = cf.as_mut() {
            // BSD loopback headers are in the writer's byte order; libpcap
            // takes the file's.
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
        Ok(Frames {
            reader,
            cf,
            clock: FrameClock::default(),
            limit: src.count.unwrap_or(u64::MAX),
            read: 0,
            error: None,
            progress,
            icmp_errors: src.icmp_errors,
            carry: None,
            stop: u64::MAX,
            shown: 0,
        })
    }

    /// Hand every frame to `f` until the end of the file, a damaged record
    /// (kept in `error`) or the count.
    fn each(&mut self, mut f: impl FnMut(FrameMeta, &Packet<'_>) -> Result<()>) -> Result<()> {
        while self.clock.count() < self.limit && self.reader.bytes_offset() < self.stop {
            self.show_progress();
            let p = match self.reader.next_packet() {
                Ok(Some(p)) => p,
                Ok(None) => break,
                Err(e) => {
                    self.error = Some(e);
                    break;
                }
            };
            self.read += 1;
            if !passes(&mut self.cf, &p)? {
                continue;
            }
            f(self.clock.meta(&p), &p)?;
        }
        Ok(())
    }

    /// Fill `batch` with the frames of one reader buffer, shard picked for
    /// `n` workers; false once the capture has ended (the batch then holds
    /// the last buffer).
    fn fill<J: Job>(&mut self, batch: &mut Batch, n: usize) -> Result<bool> {
        batch.frames.extend(self.carry.take());
        while self.clock.count() < self.limit {
            self.show_progress();
            let h = self.reader.next_handing_off();
            let (frame, end) = match h.next {
                Ok(Some((p, at))) => {
                    self.read += 1;
                    let frame = passes(&mut self.cf, &p)?.then(|| Frame {
                        meta: self.clock.meta(&p),
                        start: at.start,
                        end: at.end,
                        shard: (shard::key(p.link_type, p.data, self.icmp_errors) % n as u64)
                            as u32,
                        marked: J::mark(p.data),
                    });
                    (frame, false)
                }
                Ok(None) => (None, true),
                Err(e) => {
                    self.error = Some(e);
                    (None, true)
                }
            };
            if let Some(done) = h.finished {
                // The frames so far live in the buffer handed over; this
                // one is in the next.
                batch.data = done;
                self.carry = frame;
                return Ok(true);
            }
            if end {
                break;
            }
            batch.frames.extend(frame);
        }
        batch.data = self.reader.take_buffer();
        Ok(false)
    }

    fn show_progress(&mut self) {
        if let Some(p) = &self.progress {
            if self.read % PROGRESS_EVERY == 0 {
                // By steps: the readers of several parts move one bar.
                let at = self.reader.bytes_offset();
                p.advance(at.saturating_sub(self.shown));
                self.shown = self.shown.max(at);
            }
        }
    }

    fn done(&mut self, s: &mut ReadSummary) {
        if let Some(p) = &self.progress {
            p.finish();
        }
        s.read = self.read;
        s.frames = self.clock.count();
        s.error = self.error.take();
    }
}

/// Does the capture filter, if any, keep `p`?
fn passes(cf: &mut Option<CaptureFilter>, p: &Packet<'_>) -> Result<bool> {
    match cf {
        Some(cf) => cf.matches(p),
        None => Ok(true),
    }
}

/// The reader thread: frames into batches, each batch to every worker.
fn read<J: Job>(
    frames: &mut Frames,
    n: usize,
    txs: Vec<SyncSender<Arc<Batch>>>,
    pool: Receiver<Batch>,
) -> Result<()> {
    loop {
        // A batch every worker is done with: its buffer goes back to the
        // reader.
        let mut batch = pool.try_recv().unwrap_or_default();
        batch.frames.clear();
        frames.reader.give_back(std::mem::take(&mut batch.data));
        let more = frames.fill::<J>(&mut batch, n)?;
        if !batch.frames.is_empty() {
            let b = Arc::new(batch);
            // A worker that is gone has failed (and says why): stop reading.
            if !txs.iter().all(|tx| tx.send(b.clone()).is_ok()) {
                return Ok(());
            }
        }
        if !more {
            return Ok(());
        }
    }
}

/// One worker: its share of each batch, its output sent to the writer.
fn work<J: Job>(
    mut job: J,
    me: u32,
    batches: Receiver<Arc<Batch>>,
    pool: SyncSender<Batch>,
    outs: SyncSender<Out>,
    back: Receiver<Out>,
) -> Result<J> {
    let r = work_on(&mut job, me, batches, pool, outs, back);
    // However it stopped, no other worker waits for this one.
    job.seen(END);
    r.map(|()| job)
}

fn work_on<J: Job>(
    job: &mut J,
    me: u32,
    batches: Receiver<Arc<Batch>>,
    pool: SyncSender<Batch>,
    outs: SyncSender<Out>,
    back: Receiver<Out>,
) -> Result<()> {
    let next_out = || {
        let mut o = back.try_recv().unwrap_or_default();
        o.clear();
        o
    };
    for b in batches {
        let mut out = next_out();
        for (i, f) in b.frames.iter().enumerate() {
            // The headers of a frame a few ahead, on their way into this
            // core's cache while it works on this one: the reader's core,
            // or memory, has them.
            if let Some(n) = b.frames.get(i + PREFETCH_FRAMES).filter(|n| n.shard == me) {
                let head = n.end.min(n.start.saturating_add(PREFETCH_BYTES));
                wiresift_capture::prefetch(b.data.get(n.start..head).unwrap_or(&[]));
            }
            let data = b.data.get(f.start..f.end).unwrap_or(&[]);
            if f.shard == me {
                job.frame(f.meta, data, &mut out)?;
            } else {
                job.tick(&f.meta, data, f.marked, &mut out);
            }
        }
        if let Some(last) = b.frames.last() {
            job.seen(last.meta.number);
        }
        // The last worker done with a batch hands its buffers back.
        if let Some(b) = Arc::into_inner(b) {
            let _ = pool.try_send(b);
        }
        if !J::WRITES_PER_FRAME {
            continue;
        }
        if outs.send(out).is_err() {
            // The writer stopped: it says why.
            return Ok(());
        }
    }
    let mut out = next_out();
    job.finish(&mut out)?;
    let _ = outs.send(out);
    Ok(())
}

/// Hand the pieces of `outs` (each in frame order) to `write` in frame
/// order, a frame's pieces together.
fn merge(outs: &mut [Out], write: &mut impl FnMut(u64, &mut Pieces) -> Result<()>) -> Result<()> {
    let mut at = vec![0usize; outs.len()];
    let mut group: Pieces = Vec::with_capacity(outs.len());
    loop {
        let frame = outs
            .iter()
            .zip(&at)
            .filter_map(|(o, &i)| o.marks.get(i).map(|m| m.0))
            .min();
        let Some(frame) = frame else {
            break;
        };
        group.clear();
        for (o, i) in outs.iter().zip(at.iter_mut()) {
            while let Some(&(f, tag, _)) = o.marks.get(*i) {
                if f != frame {
                    break;
                }
                group.push((tag, o.piece(*i)));
                *i += 1;
            }
        }
        write(frame, &mut group)?;
    }
    Ok(())
}

/// How often (in records) the progress bar moves.
const PROGRESS_EVERY: u64 = 1 << 16;

/// A progress bar on standard error while a file is read, when standard
/// error is a terminal (piped output stays clean).
#[derive(Clone)]
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

    pub(crate) fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }

    pub(crate) fn finish(&self) {
        self.0.finish_and_clear();
    }
}
