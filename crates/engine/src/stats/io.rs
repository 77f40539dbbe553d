//! Frames and bytes over time, in intervals from the first frame of the
//! capture, like tshark's `-z io,stat,INTERVAL`.
//!
//! Frames are counted in buckets of a base width: the chosen interval, or
//! 1 ms when the interval is chosen automatically. The bucket list is
//! bounded by [`MAX_ROWS`]: a frame that falls beyond it makes the width ten
//! times coarser (folding ten buckets into one) until it fits, so a file
//! spanning years costs no more memory than one spanning seconds. Widths
//! are the base times a power of ten, so two accumulators always fold to
//! the coarser of their widths, and the result is the same whatever the
//! split of the packets between them.

use serde::Serialize;

/// Most buckets kept (and rows printed with a fixed interval).
pub const MAX_ROWS: usize = 100_000;
/// An automatic interval aims at no more rows than this.
pub const AUTO_ROWS: u64 = 20;
/// The smallest automatic interval: 1 ms.
pub const AUTO_MIN_NS: u64 = 1_000_000;
/// The base width of an automatic interval's buckets: the smallest
/// automatic interval, of which every larger one is a multiple.
const AUTO_BASE_NS: u64 = AUTO_MIN_NS;

/// How the interval is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interval {
    /// The smallest of 1, 2 or 5 times a power of ten seconds (1 ms at
    /// least) that gives at most [`AUTO_ROWS`] rows.
    Auto,
    /// This many nanoseconds (at least 1).
    Fixed(u64),
}

#[derive(Clone, Debug)]
pub struct Io {
    interval: Interval,
    /// Bucket width in ns.
    width: u64,
    /// Frames and bytes per bucket.
    rows: Vec<[u64; 2]>,
    /// Frames timed before the first frame (a file out of time order).
    before: [u64; 2],
    /// Latest relative time seen, ns.
    last: i64,
}

impl Io {
    pub fn new(interval: Interval) -> Self {
        let width = match interval {
            Interval::Auto => AUTO_BASE_NS,
            Interval::Fixed(ns) => ns.max(1),
        };
        Io {
            interval,
            width,
            rows: Vec::new(),
            before: [0; 2],
            last: 0,
        }
    }

    /// One frame of `len` bytes at `rel` ns after the first frame.
    #[inline]
    pub fn add(&mut self, rel: i64, len: u64) {
        if rel < 0 {
            self.before[0] = self.before[0].saturating_add(1);
            self.before[1] = self.before[1].saturating_add(len);
            return;
        }
        self.last = self.last.max(rel);
        let mut idx = rel as u64 / self.width;
        if idx >= MAX_ROWS as u64 {
            self.coarsen_to(rel as u64);
            idx = rel as u64 / self.width;
        }
        let idx = idx as usize;
        if idx >= self.rows.len() {
            self.rows.resize(idx + 1, [0; 2]);
        }
        let r = &mut self.rows[idx];
        r[0] = r[0].saturating_add(1);
        r[1] = r[1].saturating_add(len);
    }

    /// Make the width coarser (by tens) until `rel` falls in a bucket below
    /// the cap.
    fn coarsen_to(&mut self, rel: u64) {
        let mut w = self.width;
        while rel / w >= MAX_ROWS as u64 {
            w = w.saturating_mul(10);
        }
        self.set_width(w);
    }

    fn set_width(&mut self, w: u64) {
        if w <= self.width {
            return;
        }
        let f = (w / self.width) as usize;
        let mut folded = vec![[0u64; 2]; self.rows.len().div_ceil(f)];
        for (i, r) in self.rows.iter().enumerate() {
            let t = &mut folded[i / f];
            t[0] = t[0].saturating_add(r[0]);
            t[1] = t[1].saturating_add(r[1]);
        }
        self.rows = folded;
        self.width = w;
    }

    pub fn merge(&mut self, other: &Io) {
        let w = self.width.max(other.width);
        self.set_width(w);
        let mut o = other.clone();
        o.set_width(w);
        if o.rows.len() > self.rows.len() {
            self.rows.resize(o.rows.len(), [0; 2]);
        }
        for (t, r) in self.rows.iter_mut().zip(&o.rows) {
            t[0] = t[0].saturating_add(r[0]);
            t[1] = t[1].saturating_add(r[1]);
        }
        for i in 0..2 {
            self.before[i] = self.before[i].saturating_add(other.before[i]);
        }
        self.last = self.last.max(other.last);
    }

    /// The rows at the interval asked for (or chosen), from 0 to the
    /// interval of the last frame.
    pub fn report(&self) -> IoReport {
        let width = match self.interval {
            Interval::Fixed(_) => self.width,
            Interval::Auto => auto_interval(self.width, self.last.max(0) as u64),
        };
        let f = (width / self.width).max(1) as usize;
        let n = if self.rows.is_empty() {
            0
        } else {
            (self.last.max(0) as u64 / width) as usize + 1
        };
        let mut rows: Vec<IoRow> = (0..n)
            .map(|i| IoRow {
                start_ns: (i as u64).saturating_mul(width),
                end_ns: (i as u64 + 1).saturating_mul(width),
                frames: 0,
                bytes: 0,
            })
            .collect();
        for (i, r) in self.rows.iter().enumerate() {
            if let Some(row) = rows.get_mut(i / f) {
                row.frames = row.frames.saturating_add(r[0]);
                row.bytes = row.bytes.saturating_add(r[1]);
            }
        }
        IoReport {
            interval_ns: width,
            coarsened: matches!(self.interval, Interval::Fixed(w) if w != self.width),
            duration_ns: self.last.max(0) as u64,
            before_start: (self.before[0] > 0).then_some(IoCount {
                frames: self.before[0],
                bytes: self.before[1],
            }),
            rows,
        }
    }
}

/// The automatic interval for a capture of `span` ns counted in buckets of
/// `base` ns: 1, 2 or 5 × 10^k ns, a multiple of `base`, at least
/// [`AUTO_MIN_NS`], giving at most [`AUTO_ROWS`] rows.
fn auto_interval(base: u64, span: u64) -> u64 {
    let mut decade = 1u64;
    loop {
        for m in [1u64, 2, 5] {
            let w = decade.saturating_mul(m);
            if w >= base && w >= AUTO_MIN_NS && w % base == 0 && span / w < AUTO_ROWS {
                return w;
            }
        }
        if decade > u64::MAX / 10 {
            return u64::MAX;
        }
        decade *= 10;
    }
}

/// Frames and bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct IoCount {
    pub frames: u64,
    pub bytes: u64,
}

/// One interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct IoRow {
    /// From `start_ns` (inclusive) to `end_ns` after the first frame.
    pub start_ns: u64,
    pub end_ns: u64,
    pub frames: u64,
    pub bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IoReport {
    pub interval_ns: u64,
    /// The interval asked for would have made more than [`MAX_ROWS`] rows:
    /// it was multiplied by ten until they fit.
    pub coarsened: bool,
    /// Time of the last frame after the first.
    pub duration_ns: u64,
    /// Frames timed before the first frame (counted in no row).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before_start: Option<IoCount>,
    pub rows: Vec<IoRow>,
}
