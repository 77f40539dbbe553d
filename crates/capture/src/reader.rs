//! [`FileReader`]: packets from a pcap or pcapng file, standard input, or any
//! [`Read`].
//!
//! # Why our own parser, and how the bytes are read
//!
//! The records are parsed here rather than with the `pcap-parser` crate
//! (rusticata, 0.17). Measured on this 2-core VM, files in the page cache,
//! both with a 4 MiB buffer, best of 5 passes counting packets and bytes
//! (a throwaway harness; `benches/walk.rs` repeats our side):
//!
//! | file (gen_capture.py, seed 1)       | pcap-parser         | this reader          |
//! |-------------------------------------|---------------------|----------------------|
//! | 200k packets, pcap, 162 MB          | 8.6 Mpkt/s, 7.0 GB/s | 9.5 Mpkt/s, 7.7 GB/s |
//! | 200k packets, pcapng, 166 MB        | 7.4 Mpkt/s, 6.1 GB/s | 10.0 Mpkt/s, 8.3 GB/s |
//! | 2M packets, pcap, 1.6 GB            | 14.7 Mpkt/s, 12 GB/s | 17.5 Mpkt/s, 14 GB/s |
//! | 5M 60-byte packets, pcap, 380 MB    | 59 Mpkt/s           | 111 Mpkt/s           |
//!
//! The copy out of the page cache dominates for real packet sizes; per
//! record we cost about half of what `pcap-parser` does. (Both sides of
//! each row come from the same run; with the machine shared by other builds
//! all figures drop by up to half, e.g. 5.4 GB/s and 65-90 Mpkt/s for ours.) Speed was not the
//! only reason: `pcap-parser` turns every I/O error into
//! `PcapError::ReadError` (the `io::Error` is lost), reports a record longer
//! than its fixed buffer as `BufferTooSmall` instead of growing, reports a
//! cut record as `UnexpectedEof` without saying where, and leaves the pcapng
//! interface table and timestamp conversion to the caller anyway. The
//! container formats are small; owning them gives exact offsets and errors
//! and no dependency.
//!
//! A regular file (on Linux) is mapped into memory, a window of a few MiB
//! at a time, and records are lent straight out of the mapping: no copy.
//! How much that saves depends on how the kernel holds the file in its page
//! cache. With the 2M-packet benchmark capture (1.6 GB) cached in large
//! folios, `read(2)` copies it in 0.15-0.2 s of system time and the
//! mappings cost 0.07-0.09 s; one worker then gains little (the bytes come
//! from memory instead of a cache the copy just filled: 0.1 s more user
//! time, against which the reader prefetches 8 KiB ahead), but with two
//! workers the reader thread no longer spends its time copying: `stats`
//! took 0.44 s (median of 8, with 16 MiB windows and the workers
//! prefetching, see the CLI's parallel reader) against 0.59 s, and 0.54 s
//! reading with the same prefetching. With the same file cached in
//! 4 KiB pages the mappings cost about what the copy does (0.23-0.31 s
//! either way, measured in an earlier session with 1-4 MiB windows).
//! A file shortened by another program while mapped raises SIGBUS when the
//! missing bytes are touched; the process then says so and exits
//! (status 2) rather than dying unexplained.
//!
//! Standard input, pipes, empty files and files that cannot be mapped are
//! read with `read(2)` into one reused buffer (256 KiB by default) that
//! records are lent out of. The buffer grows only for a record larger
//! than itself, doubling as data actually arrives (so a lying length field in
//! a short file costs no more memory than the file), up to
//! [`MAX_RECORD_LEN`]; a record longer than that is [`ReadError::Corrupt`].
//! A mapped window likewise never extends past the file's size.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::bytes::u32_at;
use crate::error::ReadError;
use crate::packet::Packet;
use crate::{linktype, pcap, pcapng};

pub use crate::pcap::PcapVariant;

/// Longest record or block the reader accepts (256 MiB). Longer ones are
/// taken to be corrupt headers.
pub const MAX_RECORD_LEN: usize = 256 << 20;

/// Default size of the read buffer: small enough that what `read(2)` just
/// copied into it is still in the core's cache when the records are parsed
/// and dissected (4 MiB cost a quarter more user time on a large file than
/// 256 KiB; 64 KiB gained nothing more and makes four times the calls).
pub const DEFAULT_BUFFER_LEN: usize = 256 << 10;

/// Size of each window of a mapped file: few mappings (each costs system
/// time to make and undo), while the pages of the window in use, which
/// count in the resident size, stay a few MiB.
#[cfg(target_os = "linux")]
const MAP_WINDOW: usize = 4 << 20;

/// How far ahead of the record being read a mapped window is prefetched.
#[cfg(target_os = "linux")]
const PREFETCH_AHEAD: usize = 8 << 10;

/// Smallest buffer the reader works with.
const MIN_BUFFER_LEN: usize = 64;

/// Byte order of a file or pcapng section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    /// Least significant byte first.
    Little,
    /// Most significant byte first.
    Big,
}

/// Resolution of the timestamps of a file or pcapng interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsResolution {
    /// Units of 10^-n seconds.
    Decimal(u8),
    /// Units of 2^-n seconds.
    Binary(u8),
}

impl TsResolution {
    /// Microseconds: classic pcap and the pcapng default.
    pub const MICRO: TsResolution = TsResolution::Decimal(6);
    /// Nanoseconds.
    pub const NANO: TsResolution = TsResolution::Decimal(9);

    /// Timestamp units per second, or 0 when that exceeds `u128` (then
    /// every representable timestamp is below one nanosecond).
    pub fn units_per_second(self) -> u128 {
        match self {
            TsResolution::Decimal(n) => 10u128.checked_pow(u32::from(n)).unwrap_or(0),
            TsResolution::Binary(n) => 1u128.checked_shl(u32::from(n)).unwrap_or(0),
        }
    }
}

/// The container format of the input, as detected from its magic number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Classic pcap.
    Pcap {
        /// Byte order of the headers.
        byte_order: ByteOrder,
        /// Record layout and timestamp resolution: standard (magic
        /// 0xa1b2c3d4), nanosecond (0xa1b23c4d), Kuznetzov's modified
        /// (0xa1b2cd34, 8 more bytes a record) or another old variant.
        variant: PcapVariant,
        /// Version from the file header (normally 2.4).
        version: (u16, u16),
    },
    /// pcapng. Each section may have its own byte order; this is the first's.
    PcapNg {
        /// Byte order of the first section.
        byte_order: ByteOrder,
    },
}

/// One capture interface as a pcapng interface description block describes
/// it (classic pcap has one implicit interface).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceInfo {
    /// Link-layer header type of its packets (`LINKTYPE_*`).
    pub link_type: u32,
    /// Snapshot length (0 = none).
    pub snaplen: u32,
    /// Timestamp resolution (`if_tsresol`, default microseconds).
    pub resolution: TsResolution,
    /// Seconds added to every timestamp (`if_tsoffset`, default 0).
    pub ts_offset: i64,
    /// Interface name (`if_name`), if given.
    pub name: Option<String>,
}

/// The record-level state of a pcapng file.
#[derive(Debug, Default)]
struct NgState {
    order: Option<ByteOrder>,
    /// Interfaces of the current section.
    ifaces: Vec<pcapng::Interface>,
    /// Interfaces of all earlier sections: the first global id of this one.
    if_base: u32,
    sections: u32,
}

/// Where a packet's bytes are in the buffer, and what describes them. Kept
/// free of borrows so that the borrow of the buffer is made once, at the end.
#[derive(Debug, Clone, Copy)]
struct Found {
    ts_secs: i64,
    ts_nanos: u32,
    has_timestamp: bool,
    orig_len: u32,
    link_type: u32,
    interface_id: u32,
    start: usize,
    len: usize,
}

/// Reads packets from a pcap or pcapng stream.
///
/// ```no_run
/// use wiresift_capture::{FileReader, ReadError};
/// let mut r = FileReader::open("capture.pcapng")?;
/// let mut bytes = 0u64;
/// loop {
///     match r.next_packet() {
///         Ok(Some(p)) => bytes += u64::from(p.cap_len),
///         Ok(None) => break,
///         Err(e) if e.is_truncation() => { eprintln!("warning: {e}"); break }
///         Err(e) => return Err(e),
///     }
/// }
/// println!("{} packets, {bytes} bytes", r.packets_read());
/// # Ok::<(), ReadError>(())
/// ```
pub struct FileReader<R = Box<dyn Read + Send>> {
    src: R,
    /// A regular file read through mappings of it rather than `read(2)`.
    #[cfg(target_os = "linux")]
    map: Option<File>,
    buf: Buffer,
    /// The buffer's size when not holding an outsized record.
    buf_len: usize,
    /// Next unread byte in `buf`.
    pos: usize,
    /// End of the valid bytes in `buf`.
    end: usize,
    /// File offset of `buf[0]`.
    base: u64,
    eof: bool,
    /// Set after the end or an error: `next_packet` then returns `Ok(None)`.
    done: bool,
    packets: u64,
    format: Format,
    pcap: Option<pcap::PcapHeader>,
    ng: NgState,
    /// Guess among pcap variants that share a magic (not on pipes, where
    /// reading ahead would wait for packets).
    guess: bool,
    /// Hand out pcapng custom blocks as records.
    custom_blocks: bool,
    /// Hand-off mode ([`FileReader::next_handing_off`]): buffers to read
    /// into next, and the one the reader has just finished with.
    spares: Vec<Vec<u8>>,
    finished: Option<Buffer>,
    hand_off: bool,
    /// In a mapped window, the bytes before this are prefetched.
    #[cfg(target_os = "linux")]
    ahead: usize,
}

/// The bytes the reader lends packets out of: its read buffer, or a window
/// of the file mapped into memory. [`FileReader::next_handing_off`] hands
/// them over whole.
#[derive(Default)]
pub struct Buffer {
    owned: Vec<u8>,
    /// When set, the bytes are this window's (and `owned` is empty).
    #[cfg(target_os = "linux")]
    mapped: Option<crate::sys::FileMap>,
}

impl std::ops::Deref for Buffer {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        #[cfg(target_os = "linux")]
        if let Some(m) = &self.mapped {
            return m;
        }
        &self.owned
    }
}

impl Buffer {
    fn owned(v: Vec<u8>) -> Buffer {
        Buffer {
            owned: v,
            #[cfg(target_os = "linux")]
            mapped: None,
        }
    }

    #[cfg(target_os = "linux")]
    fn mapped(m: crate::sys::FileMap) -> Buffer {
        Buffer {
            owned: Vec::new(),
            mapped: Some(m),
        }
    }

    /// The read buffer (a read reader never holds a mapped window).
    fn vec(&mut self) -> &mut Vec<u8> {
        &mut self.owned
    }
}

/// What [`FileReader::next_handing_off`] gives.
pub struct Handed<'a> {
    /// The buffer that the packets returned before this call live in, when
    /// the reader has gone on in another buffer: every packet returned
    /// since the previous finished buffer (or the start) is at the range
    /// [`Handed::next`] gave for it.
    pub finished: Option<Buffer>,
    /// The next packet and where its bytes are in the reader's current
    /// buffer (see [`FileReader::take_buffer`]), as
    /// [`FileReader::next_packet`] gives it.
    pub next: Result<Option<(Packet<'a>, std::ops::Range<usize>)>, ReadError>,
}

impl FileReader {
    /// Opens a file by path, or standard input when the path is `-`, and
    /// reads its header. Standard input is read with `read(2)` on its file
    /// descriptor; when it is a pipe, classic pcap is taken to have the
    /// standard record layout (no read-ahead, as tshark does on pipes).
    ///
    /// Errors: [`ReadError::Io`] at offset 0 when the file cannot be opened,
    /// then as [`FileReader::new`].
    pub fn open(path: impl AsRef<Path>) -> Result<FileReader, ReadError> {
        Self::open_with_len(path.as_ref(), None)
    }

    /// As [`FileReader::open`], with windows (or read buffers) of `len`
    /// bytes.
    #[cfg(test)]
    pub(crate) fn open_with_buffer_len(path: &Path, len: usize) -> Result<FileReader, ReadError> {
        Self::open_with_len(path, Some(len))
    }

    fn open_with_len(path: &Path, len: Option<usize>) -> Result<FileReader, ReadError> {
        let file = if path == Path::new("-") {
            stdin_file()?
        } else {
            File::open(path).map_err(|source| ReadError::Io { offset: 0, source })?
        };
        let meta = file.metadata().ok();
        // A pipe would make the variant guess wait for packets to arrive.
        let regular = meta.as_ref().is_some_and(|m| m.is_file());
        // Mapped when the file can be: the bytes come from the page cache
        // without a copy. (Standard input, which may not be at its start,
        // an empty file and one whose file system cannot be mapped are
        // read.)
        #[cfg(target_os = "linux")]
        if regular
            && path != Path::new("-")
            && meta.as_ref().is_some_and(|m| m.len() > 0)
            && crate::sys::FileMap::new(&file, 0, 1).is_ok()
        {
            if let Ok(map) = file.try_clone() {
                let len = len
                    .unwrap_or(MAP_WINDOW)
                    .clamp(MIN_BUFFER_LEN, MAX_RECORD_LEN);
                return FileReader::start(Box::new(file), Buffer::default(), len, true, Some(map));
            }
        }
        FileReader::build(Box::new(file), len.unwrap_or(DEFAULT_BUFFER_LEN), regular)
    }
}

/// Standard input as a `File`, so that it is read with plain `read(2)` into
/// our buffer rather than through `Stdin`'s own buffer and lock.
#[cfg(unix)]
fn stdin_file() -> Result<File, ReadError> {
    use std::os::fd::AsFd;
    let fd = io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map_err(|source| ReadError::Io { offset: 0, source })?;
    Ok(File::from(fd))
}

impl<R: Read> FileReader<R> {
    /// Reads the header from any reader (a file, a pipe, a byte slice) and
    /// detects the format by its magic number.
    ///
    /// For classic pcap with the standard or modified magic this reads ahead
    /// to the second record, to tell the old record layouts apart as tshark
    /// does ([`PcapVariant`]); on a live pipe that waits for two packets.
    /// [`FileReader::open`] skips the guess when standard input is a pipe.
    ///
    /// Errors: [`ReadError::NotACapture`] for an unknown magic,
    /// [`ReadError::Truncated`] (packet 0) when the input ends inside the
    /// header, [`ReadError::Corrupt`] for an impossible pcapng section header,
    /// [`ReadError::Io`].
    pub fn new(reader: R) -> Result<Self, ReadError> {
        Self::with_buffer_len(reader, DEFAULT_BUFFER_LEN)
    }

    /// As [`FileReader::new`], with a read buffer of `len` bytes (at least
    /// 64; it still grows for a longer record).
    pub fn with_buffer_len(reader: R, len: usize) -> Result<Self, ReadError> {
        Self::build(reader, len, true)
    }

    fn build(reader: R, len: usize, guess: bool) -> Result<Self, ReadError> {
        let len = len.clamp(MIN_BUFFER_LEN, MAX_RECORD_LEN);
        Self::start(
            reader,
            Buffer::owned(vec![0; len]),
            len,
            guess,
            #[cfg(target_os = "linux")]
            None,
        )
    }

    fn start(
        reader: R,
        buf: Buffer,
        len: usize,
        guess: bool,
        #[cfg(target_os = "linux")] map: Option<File>,
    ) -> Result<Self, ReadError> {
        let mut r = FileReader {
            src: reader,
            #[cfg(target_os = "linux")]
            map,
            buf,
            buf_len: len,
            pos: 0,
            end: 0,
            base: 0,
            eof: false,
            done: false,
            packets: 0,
            format: Format::PcapNg {
                byte_order: ByteOrder::Little,
            },
            pcap: None,
            ng: NgState::default(),
            guess,
            custom_blocks: true,
            spares: Vec::new(),
            finished: None,
            hand_off: false,
            #[cfg(target_os = "linux")]
            ahead: 0,
        };
        r.read_file_header()?;
        Ok(r)
    }

    fn read_file_header(&mut self) -> Result<(), ReadError> {
        if !self.fill(4)? {
            return Err(self.truncated(0, 4));
        }
        let magic = [self.buf[0], self.buf[1], self.buf[2], self.buf[3]];
        if magic == pcapng::MAGIC {
            self.section_header()?;
            let byte_order = self.ng.order.unwrap_or(ByteOrder::Little);
            self.format = Format::PcapNg { byte_order };
            return Ok(());
        }
        if pcap::classify_magic(magic).is_none() {
            return Err(ReadError::NotACapture { magic });
        }
        if !self.fill(pcap::FILE_HEADER_LEN)? {
            return Err(self.truncated(0, pcap::FILE_HEADER_LEN));
        }
        let opening = pcap::parse_file_header(&self.buf[..pcap::FILE_HEADER_LEN])
            .map_err(|what| self.corrupt(0, what))?;
        self.pos = pcap::FILE_HEADER_LEN;
        let mut h = opening.header;
        if self.guess && !opening.candidates.is_empty() {
            // Whatever there is of the first two records (a short file is
            // no error here).
            self.fill(16)?;
            let need = pcap::guess_needs(&self.buf[self.pos..self.end], &h);
            self.fill(need)?;
            let v = pcap::guess_variant(&self.buf[self.pos..self.end], &h, opening.candidates);
            h.variant = v;
            h.record_header_len = v.record_header_len();
        }
        self.format = Format::Pcap {
            byte_order: h.order,
            variant: h.variant,
            version: h.version,
        };
        self.pcap = Some(h);
        Ok(())
    }

    /// The next packet, `Ok(None)` at the end of the input, or the error that
    /// stops reading. After `Ok(None)` or an error, every later call returns
    /// `Ok(None)`.
    ///
    /// The packet borrows the reader's buffer until the next call.
    #[inline]
    pub fn next_packet(&mut self) -> Result<Option<Packet<'_>>, ReadError> {
        Ok(self.next_found()?.map(|f| self.packet(&f)))
    }

    #[inline]
    fn next_found(&mut self) -> Result<Option<Found>, ReadError> {
        if self.done {
            return Ok(None);
        }
        let found = if let Some(h) = self.pcap {
            self.next_pcap(&h)
        } else {
            self.next_pcapng()
        };
        match found {
            Ok(Some(f)) => {
                self.packets += 1;
                Ok(Some(f))
            }
            Ok(None) => {
                self.done = true;
                Ok(None)
            }
            Err(e) => {
                self.done = true;
                Err(e)
            }
        }
    }

    #[inline]
    fn packet(&self, f: &Found) -> Packet<'_> {
        Packet {
            ts_secs: f.ts_secs,
            ts_nanos: f.ts_nanos,
            has_timestamp: f.has_timestamp,
            checksum_offloaded: false,
            cap_len: f.len as u32,
            orig_len: f.orig_len,
            link_type: f.link_type,
            interface_id: f.interface_id,
            data: &self.buf[f.start..f.start + f.len],
        }
    }

    /// The next packet, for a caller that works on packets after later
    /// calls (on other threads): the reader never moves or overwrites bytes
    /// of a buffer it has lent packets from. When it needs room it goes on
    /// in another buffer (one given back with [`FileReader::give_back`], or
    /// a new one) and hands the finished buffer over, so no packet is
    /// copied on its way out.
    pub fn next_handing_off(&mut self) -> Handed<'_> {
        self.hand_off = true;
        let found = self.next_found();
        let finished = self.finished.take();
        Handed {
            finished,
            next: found.map(|f| f.map(|f| (self.packet(&f), f.start..f.start + f.len))),
        }
    }

    /// Read into buffers of `len` bytes from the next one on (at least 64;
    /// one still grows for a longer record), or for a mapped file, map
    /// windows of `len` bytes.
    pub fn set_buffer_len(&mut self, len: usize) {
        self.buf_len = len.clamp(MIN_BUFFER_LEN, MAX_RECORD_LEN);
    }

    /// A buffer handed over by [`FileReader::next_handing_off`], to read
    /// into again.
    pub fn give_back(&mut self, buf: Buffer) {
        // Two spares are enough for a reader that gets each back in turn;
        // one grown for an outsized record is let go, a mapping unmapped.
        #[cfg(target_os = "linux")]
        if buf.mapped.is_some() {
            return;
        }
        let cap = buf.owned.capacity();
        if self.spares.len() < 2 && cap > 0 && cap <= self.buf_len {
            self.spares.push(buf.owned);
        }
    }

    /// The current buffer, which holds the packets returned since the last
    /// finished one. Reading ends here: `next_packet` then returns
    /// `Ok(None)`.
    pub fn take_buffer(&mut self) -> Buffer {
        self.done = true;
        self.pos = 0;
        self.end = 0;
        std::mem::take(&mut self.buf)
    }

    /// Whether the file is read through mappings of it, not `read(2)`.
    pub fn is_mapped(&self) -> bool {
        #[cfg(target_os = "linux")]
        return self.map.is_some();
        #[cfg(not(target_os = "linux"))]
        false
    }

    /// Number of packets returned so far.
    pub fn packets_read(&self) -> u64 {
        self.packets
    }

    /// Offset in the input of the first byte not yet consumed: just past the
    /// last packet returned (or past the file header before the first).
    pub fn bytes_offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The detected format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Link type of the file (classic pcap), or of the first interface of
    /// the current pcapng section once it has been read. Each packet carries
    /// its own link type as well.
    pub fn link_type(&self) -> Option<u32> {
        match &self.pcap {
            Some(h) => Some(h.link_type),
            None => self.ng.ifaces.first().map(|i| i.info.link_type),
        }
    }

    /// Snapshot length of the file (classic pcap) or of the first interface
    /// of the current pcapng section.
    pub fn snaplen(&self) -> Option<u32> {
        match &self.pcap {
            Some(h) => Some(h.snaplen),
            None => self.ng.ifaces.first().map(|i| i.info.snaplen),
        }
    }

    /// Interfaces of the current pcapng section read so far (for classic pcap,
    /// empty). A packet's `interface_id` minus [`FileReader::interface_base`]
    /// indexes this list.
    pub fn interfaces(&self) -> impl ExactSizeIterator<Item = &InterfaceInfo> {
        self.ng.ifaces.iter().map(|i| &i.info)
    }

    /// Global id of the first interface of the current pcapng section.
    pub fn interface_base(&self) -> u32 {
        self.ng.if_base
    }

    /// Number of pcapng sections seen so far (0 for classic pcap).
    pub fn sections(&self) -> u32 {
        self.ng.sections
    }

    /// Whether pcapng custom blocks (types 0x00000bad and 0x40000bad) are
    /// handed out as records of link type [`linktype::PCAPNG_CUSTOM_BLOCK`]
    /// (the default, as tshark shows them as frames) or skipped.
    pub fn set_custom_blocks(&mut self, hand_out: bool) {
        self.custom_blocks = hand_out;
    }

    /// Gives back the underlying reader.
    pub fn into_inner(self) -> R {
        self.src
    }

    // ---- classic pcap -------------------------------------------------

    #[inline]
    fn next_pcap(&mut self, h: &pcap::PcapHeader) -> Result<Option<Found>, ReadError> {
        let hlen = h.record_header_len;
        if !self.fill(hlen)? {
            return self.end_or_truncated(hlen);
        }
        let p = self.pos;
        let Ok(rec) = <&[u8; 16]>::try_from(&self.buf[p..p + 16]) else {
            return self.end_or_truncated(hlen);
        };
        let (ts_sec, frac, caplen, orig_len) = pcap::record_fields(rec, h);
        if caplen > h.max_caplen {
            return Err(self.corrupt(
                self.packets + 1,
                format!(
                    "record claims {caplen} captured bytes, more than the maximum {} for \
                     link type {} (file snaplen {})",
                    h.max_caplen, h.link_type, h.snaplen
                ),
            ));
        }
        let caplen = caplen as usize;
        let total = hlen + caplen;
        if !self.fill(total)? {
            return Err(self.truncated(self.packets + 1, total));
        }
        let (ts_secs, ts_nanos) = pcap::timestamp(ts_sec, frac, h.variant.nanoseconds());
        let start = self.pos + hlen;
        self.pos += total;
        #[cfg(target_os = "linux")]
        self.prefetch_ahead();
        Ok(Some(Found {
            ts_secs,
            ts_nanos,
            has_timestamp: true,
            orig_len,
            link_type: h.link_type,
            interface_id: 0,
            start,
            len: caplen,
        }))
    }

    // ---- pcapng -------------------------------------------------------

    fn next_pcapng(&mut self) -> Result<Option<Found>, ReadError> {
        loop {
            if !self.fill(8)? {
                return self.end_or_truncated(12);
            }
            let order = self.ng.order.unwrap_or(ByteOrder::Little);
            let btype = u32_at(&self.buf[self.pos..self.end], 0, order).unwrap_or(0);
            if btype == pcapng::SHB {
                self.section_header()?;
                continue;
            }
            let blen = self.block_len(order, 12, self.packets + 1)?;
            let block = &self.buf[self.pos..self.pos + blen];
            match btype {
                pcapng::EPB | pcapng::SPB | pcapng::PB => {
                    let bp = pcapng::parse_packet_block(btype, block, order, &self.ng.ifaces)
                        .map_err(|what| self.corrupt(self.packets + 1, what))?;
                    // parse_packet_block checked the interface exists.
                    let link_type = self
                        .ng
                        .ifaces
                        .get(bp.local_interface as usize)
                        .map_or(0, |i| i.info.link_type);
                    let start = self.pos + bp.data_off;
                    self.pos += blen;
                    return Ok(Some(Found {
                        ts_secs: bp.ts_secs,
                        ts_nanos: bp.ts_nanos,
                        has_timestamp: btype != pcapng::SPB,
                        orig_len: bp.orig_len,
                        link_type,
                        interface_id: self.ng.if_base.saturating_add(bp.local_interface),
                        start,
                        len: bp.cap_len,
                    }));
                }
                pcapng::IDB => {
                    let iface = pcapng::parse_idb(block, order)
                        .map_err(|what| self.corrupt(self.packets + 1, what))?;
                    if self.ng.ifaces.len() >= pcapng::MAX_INTERFACES {
                        return Err(self.corrupt(
                            self.packets + 1,
                            format!(
                                "more than {} interfaces in one section",
                                pcapng::MAX_INTERFACES
                            ),
                        ));
                    }
                    self.ng.ifaces.push(iface);
                }
                pcapng::CUSTOM | pcapng::CUSTOM_NO_COPY if self.custom_blocks => {
                    if blen < 16 {
                        return Err(self.corrupt(
                            self.packets + 1,
                            format!("custom block of {blen} bytes is shorter than 16"),
                        ));
                    }
                    let start = self.pos + 12;
                    self.pos += blen;
                    return Ok(Some(Found {
                        ts_secs: 0,
                        ts_nanos: 0,
                        has_timestamp: false,
                        orig_len: (blen - 16) as u32,
                        link_type: linktype::PCAPNG_CUSTOM_BLOCK,
                        interface_id: 0,
                        start,
                        len: blen - 16,
                    }));
                }
                // Name resolution, statistics, decryption secrets and
                // unknown blocks: skipped by their length.
                _ => {}
            }
            self.pos += blen;
        }
    }

    /// Reads and checks the length of the block at `pos` (its first 8 bytes
    /// are buffered), checks its trailing copy, and buffers the whole block.
    /// Returns the length.
    fn block_len(&mut self, order: ByteOrder, min: usize, packet: u64) -> Result<usize, ReadError> {
        let blen = u32_at(&self.buf[self.pos..self.end], 4, order).unwrap_or(0) as usize;
        if blen < min {
            return Err(self.corrupt(
                packet,
                format!("block length {blen} is less than the minimum {min}"),
            ));
        }
        if blen % 4 != 0 {
            return Err(self.corrupt(
                packet,
                format!("block length {blen} is not a multiple of 4"),
            ));
        }
        if blen > MAX_RECORD_LEN {
            return Err(self.corrupt(
                packet,
                format!("block length {blen} exceeds the {MAX_RECORD_LEN}-byte limit"),
            ));
        }
        if !self.fill(blen)? {
            return Err(self.truncated(packet, blen));
        }
        let trailer = u32_at(&self.buf[self.pos..self.end], blen - 4, order).unwrap_or(0);
        if trailer as usize != blen {
            return Err(self.corrupt(
                packet,
                format!("block's trailing length {trailer} differs from its leading length {blen}"),
            ));
        }
        Ok(blen)
    }

    /// Reads the section header block at `pos` and starts a new section.
    fn section_header(&mut self) -> Result<(), ReadError> {
        // The first section header is the file header (packet 0).
        let packet = if self.ng.sections == 0 {
            0
        } else {
            self.packets + 1
        };
        if !self.fill(12)? {
            return Err(self.truncated(packet, pcapng::SHB_MIN_LEN));
        }
        let p = self.pos;
        let bom = [
            self.buf[p + 8],
            self.buf[p + 9],
            self.buf[p + 10],
            self.buf[p + 11],
        ];
        let Some(order) = pcapng::section_order(bom) else {
            return Err(self.corrupt(
                packet,
                format!(
                    "section header byte-order magic 0x{:02x}{:02x}{:02x}{:02x} is neither \
                     0x1a2b3c4d nor 0x4d3c2b1a",
                    bom[0], bom[1], bom[2], bom[3]
                ),
            ));
        };
        let blen = self.block_len(order, pcapng::SHB_MIN_LEN, packet)?;
        pcapng::check_version(&self.buf[self.pos..self.pos + blen], order)
            .map_err(|what| self.corrupt(packet, what))?;
        self.ng.order = Some(order);
        self.ng.if_base = self
            .ng
            .if_base
            .saturating_add(u32::try_from(self.ng.ifaces.len()).unwrap_or(u32::MAX));
        self.ng.ifaces.clear();
        self.ng.sections += 1;
        self.pos += blen;
        Ok(())
    }

    // ---- buffer -------------------------------------------------------

    /// Makes `need` bytes available at `buf[pos..]`; `Ok(false)` when the
    /// input ends first (then `buf[pos..end]` holds all that is left).
    #[inline(always)]
    fn fill(&mut self, need: usize) -> Result<bool, ReadError> {
        if self.end - self.pos >= need {
            return Ok(true);
        }
        self.fill_slow(need)
    }

    #[cold]
    #[inline(never)]
    fn fill_slow(&mut self, need: usize) -> Result<bool, ReadError> {
        #[cfg(target_os = "linux")]
        if self.map.is_some() {
            return self.fill_mapped(need);
        }
        if self.buf.len() - self.pos < need && self.pos > 0 {
            if self.hand_off && self.finished.is_none() {
                // Packets were lent from this buffer: the partial record
                // goes on in another, and this one is handed over whole.
                // (Once one is handed over in a call, the next buffer holds
                // nothing lent yet: its bytes may move as usual.)
                let rest = self.end - self.pos;
                let mut next = self.spares.pop().unwrap_or_default();
                next.resize(self.buf_len.max(rest), 0);
                next[..rest].copy_from_slice(&self.buf[self.pos..self.end]);
                self.finished = Some(std::mem::replace(&mut self.buf, Buffer::owned(next)));
            } else {
                // Move the partial record to the front.
                self.buf.vec().copy_within(self.pos..self.end, 0);
            }
            self.base += self.pos as u64;
            self.end -= self.pos;
            self.pos = 0;
            if self.buf.len() > self.buf_len && self.end <= self.buf_len && need <= self.buf_len {
                // An outsized record has gone: give its memory back.
                let buf = self.buf.vec();
                buf.truncate(self.buf_len);
                buf.shrink_to_fit();
            }
        }
        while self.end - self.pos < need {
            if self.eof {
                return Ok(false);
            }
            if self.end == self.buf.len() {
                // Only a record longer than the buffer gets here (pos is 0).
                // Grow by doubling as data arrives, never past `need`.
                let new_len = self.buf.len().saturating_mul(2).min(need);
                self.buf.vec().resize(new_len, 0);
            }
            match self.src.read(&mut self.buf.vec()[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end = (self.end + n).min(self.buf.len()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(ReadError::Io {
                        offset: self.base + self.end as u64,
                        source,
                    })
                }
            }
        }
        Ok(true)
    }

    /// As `fill_slow`, for a mapped file: map the next window, from the
    /// record at `pos` on. The window before goes to `finished` in hand-off
    /// mode when packets were lent from it (as a read buffer does).
    #[cfg(target_os = "linux")]
    fn fill_mapped(&mut self, need: usize) -> Result<bool, ReadError> {
        let Some(file) = self.map.as_ref() else {
            return Ok(false);
        };
        let at = self.base + self.pos as u64;
        // The size now: a file still being written is read to its end so far.
        let size = file
            .metadata()
            .map_err(|source| ReadError::Io { offset: at, source })?
            .len();
        let left = usize::try_from(size.saturating_sub(at)).unwrap_or(usize::MAX);
        let len = left.min(self.buf_len.max(need));
        if len <= self.end - self.pos {
            // Nothing beyond what the window holds: the input ends here.
            return Ok(false);
        }
        let window = crate::sys::FileMap::new(file, at, len)
            .map_err(|source| ReadError::Io { offset: at, source })?;
        let old = std::mem::replace(&mut self.buf, Buffer::mapped(window));
        if self.hand_off && self.finished.is_none() && self.pos > 0 {
            self.finished = Some(old);
        }
        self.base = at;
        self.pos = 0;
        self.end = len;
        self.ahead = 0;
        Ok(len >= need)
    }

    /// In a mapped window, keep the cache lines up to `PREFETCH_AHEAD`
    /// bytes past `pos` on their way in.
    #[cfg(target_os = "linux")]
    #[inline]
    fn prefetch_ahead(&mut self) {
        if self.buf.mapped.is_none() {
            return;
        }
        let to = self.pos.saturating_add(PREFETCH_AHEAD).min(self.end);
        let from = self.ahead.max(self.pos);
        if let Some(b) = self.buf.get(from..to) {
            crate::sys::prefetch(b);
        }
        self.ahead = to.max(self.ahead);
    }

    /// At the end of input: a clean end when nothing is left, otherwise a
    /// record cut short.
    fn end_or_truncated(&self, needed: usize) -> Result<Option<Found>, ReadError> {
        if self.end == self.pos {
            Ok(None)
        } else {
            Err(self.truncated(self.packets + 1, needed))
        }
    }

    fn truncated(&self, packet: u64, needed: usize) -> ReadError {
        ReadError::Truncated {
            packet,
            offset: self.base + self.pos as u64,
            needed: needed as u64,
            got: (self.end - self.pos) as u64,
        }
    }

    fn corrupt(&self, packet: u64, what: String) -> ReadError {
        ReadError::Corrupt {
            packet,
            offset: self.base + self.pos as u64,
            what,
        }
    }
}

impl<R> std::fmt::Debug for FileReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileReader")
            .field("format", &self.format)
            .field("packets_read", &self.packets)
            .field("bytes_offset", &(self.base + self.pos as u64))
            .finish_non_exhaustive()
    }
}

#[cfg(target_os = "linux")]
mod parts;
#[cfg(target_os = "linux")]
pub use parts::Parts;

#[cfg(test)]
mod tests;
