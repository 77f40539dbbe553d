//! Reading a classic pcap file in parts at once, for work whose results do
//! not depend on how the frames are split (statistics): where records
//! begin near even cuts of the file, and readers that start there.
//!
//! Classic pcap records do not say where they are: the only sure way to a
//! record is through every record before it. A part's start is found
//! instead by a run of plausible record headers after its cut
//! ([`pcap::plausible_records`]). That is a guess, which the reader of the
//! part before proves by landing on it exactly, record by record; when it
//! does not, the guess was wrong, and that reader reads on (its caller
//! drops the parts after). pcapng is not cut: what a block means depends on
//! the interface blocks before it.

use super::FileReader;
use crate::pcap;
use std::os::unix::fs::FileExt;

/// Record headers in a row that make a start.
const RUN: usize = 8;
/// Bytes after a cut searched for a start: a little first (records are
/// rarely longer), then more.
const SEARCH: [u64; 2] = [64 << 10, 4 << 20];

/// Where a file's parts start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parts {
    /// Offsets of the records that begin the second and later parts, in
    /// order (the first part begins with the file's first record).
    pub starts: Vec<u64>,
    /// The first record's time (seconds, nanoseconds): frame times are
    /// relative to it in every part.
    pub first_time: (i64, u32),
    record_header_len: usize,
}

impl Parts {
    /// At least the number of records before `start`: each takes its
    /// header at least. Frames of a part numbered from here come after
    /// those of the parts before, in order, though not by their number in
    /// the file.
    pub fn records_before_at_most(&self, start: u64) -> u64 {
        start.saturating_sub(pcap::FILE_HEADER_LEN as u64) / self.record_header_len.max(1) as u64
    }
}

impl FileReader {
    /// Where a mapped classic pcap file may be cut into up to `parts`
    /// parts of at least `min_part` bytes: the first record at or after
    /// each even cut. None for a file that cannot be cut (pcapng, standard
    /// input, a file read with `read(2)`, a file too short, or one where no
    /// start is found).
    pub fn parts(&self, parts: usize, min_part: u64) -> Option<Parts> {
        let file = self.map.as_ref()?;
        let h = self.pcap?;
        let size = file.metadata().ok()?.len();
        let first_at = pcap::FILE_HEADER_LEN as u64;
        let mut head = [0u8; 16];
        file.read_exact_at(&mut head, first_at).ok()?;
        let (first_secs, frac, _, _) = pcap::record_fields(&head, &h);
        let mut starts: Vec<u64> = Vec::new();
        let mut window = Vec::new();
        // A search reads no further than the next cut, or 1 MiB: however
        // the bytes look, finding every start reads the file at most once,
        // or 1 MiB a part.
        let span = size / parts as u64;
        let reach = span.max(1 << 20);
        for k in 1..parts as u64 {
            let cut = span * k;
            let from = starts.last().copied().unwrap_or(first_at);
            if cut < from.saturating_add(min_part) || size.saturating_sub(cut) < min_part {
                continue;
            }
            for search in SEARCH {
                let len = search.min(size - cut).min(reach);
                window.resize(len as usize, 0);
                file.read_exact_at(&mut window, cut).ok()?;
                let at_end = cut + len == size;
                // No larger window to look in next.
                let last = at_end || len < search || search == SEARCH[SEARCH.len() - 1];
                // The first offset that starts a run, unless one before it
                // needs more bytes to tell (then a larger window).
                let found = (0..window.len())
                    .map(|i| {
                        let rest = window.get(i..).unwrap_or(&[]);
                        (i, pcap::plausible_records(rest, &h, RUN, at_end))
                    })
                    .find(|(_, p)| *p != Some(false) && (*p == Some(true) || !last));
                match found {
                    Some((i, Some(true))) => {
                        starts.push(cut + i as u64);
                        break;
                    }
                    Some(_) => continue,
                    None => break,
                }
            }
        }
        if starts.is_empty() {
            return None;
        }
        Some(Parts {
            starts,
            first_time: pcap::timestamp(first_secs, frac, h.variant.nanoseconds()),
            record_header_len: h.record_header_len,
        })
    }

    /// Go on from the record at `offset` (a start [`FileReader::parts`]
    /// gave), packets counted afresh from there. False, and nothing
    /// changed, for a reader that [`FileReader::parts`] would not cut.
    pub fn resume_at(&mut self, offset: u64) -> bool {
        if self.map.is_none() || self.pcap.is_none() {
            return false;
        }
        self.buf = super::Buffer::default();
        self.finished = None;
        self.base = offset;
        self.pos = 0;
        self.end = 0;
        self.ahead = 0;
        self.eof = false;
        self.done = false;
        self.packets = 0;
        true
    }
}
