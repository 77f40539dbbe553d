//! Capture sources and sinks: reading pcap and pcapng files, writing pcap,
//! and live capture from a Linux `AF_PACKET` ring.
//!
//! * [`FileReader`] reads classic pcap (both byte orders, microsecond and
//!   nanosecond, Kuznetzov's modified format and the other old variants
//!   tshark knows) and pcapng (several sections and interfaces, any timestamp
//!   resolution and offset) from a file, standard input or any
//!   [`std::io::Read`], and lends out one [`Packet`] at a time from a reused
//!   buffer.
//! * [`PcapWriter`] writes classic pcap.
//! * [`LiveCapture`] captures from a network interface (Linux only), with an
//!   optional classic BPF filter ([`SockFilter`]).
//!
//! Nothing here panics on any input: every length read from a file is checked
//! before use, and a damaged file ends in a typed [`ReadError`] after every
//! packet that could be read.
//!
//! # Reading a file
//!
//! ```no_run
//! use wiresift_capture::{FileReader, ReadError};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let name = "capture.pcapng"; // or "-" for standard input
//! let mut reader = match FileReader::open(name) {
//!     Ok(r) => r,
//!     // "capture.pcapng: not a pcap or pcapng file (first bytes: 0x47455420)"
//!     Err(e) => return Err(format!("{name}: {e}").into()),
//! };
//! loop {
//!     match reader.next_packet() {
//!         Ok(Some(p)) => { /* dissect p.data as p.link_type */ }
//!         Ok(None) => break,
//!         // Cut short or damaged: every whole packet has been yielded;
//!         // warn and finish normally.
//!         Err(e @ (ReadError::Truncated { .. } | ReadError::Corrupt { .. })) => {
//!             eprintln!("warning: {name}: {e}");
//!             break;
//!         }
//!         Err(e) => return Err(format!("{name}: {e}").into()),
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # Frame fields as tshark shows them
//!
//! A [`Packet`] is the record as stored. tshark's `frame.*` fields differ in
//! a few documented ways that a consumer printing them must copy (the corpus
//! test in `tests/corpus.rs` checks these against tshark's output):
//! * `frame.len` is at most 2147483647;
//! * for SunATM ([`linktype::SUNATM`]) both lengths exclude the 4-byte
//!   pseudo-header;
//! * a record with `has_timestamp == false` (pcapng simple packet blocks,
//!   custom blocks) has an empty `frame.time_epoch`;
//! * pcapng custom blocks are frames of their own, of link type
//!   [`linktype::PCAPNG_CUSTOM_BLOCK`], dissected as plain data.
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod bytes;
pub mod clock;
pub mod error;
pub mod linktype;
pub mod packet;
mod pcap;
mod pcapng;
pub mod reader;
pub mod writer;

pub mod bpf;
#[cfg(target_os = "linux")]
pub mod live;
#[cfg(target_os = "linux")]
mod sys;

pub use bpf::SockFilter;
pub use error::ReadError;
#[cfg(target_os = "linux")]
pub use live::{LiveCapture, LiveError, LiveOptions};
pub use packet::Packet;
pub use reader::{
    Buffer, ByteOrder, FileReader, Format, Handed, InterfaceInfo, PcapVariant, TsResolution,
    MAX_RECORD_LEN,
};
pub use writer::PcapWriter;

/// Ask the CPU to bring `bytes` into its cache ahead of use (a hint: does
/// nothing where there is no prefetch instruction).
#[inline]
pub fn prefetch(bytes: &[u8]) {
    #[cfg(target_os = "linux")]
    sys::prefetch(bytes);
    #[cfg(not(target_os = "linux"))]
    let _ = bytes;
}

/// Have every thread allocate from one heap. Workers that build large
/// tables living to the end of a run (the statistics') otherwise each get
/// glibc's per-thread heap, whose memory freed by table growth is kept
/// apart: two workers peaked 25 MB above one on a 10M-packet capture.
/// Does nothing where the C library is not glibc.
pub fn one_heap_for_all_threads() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    sys::one_heap_for_all_threads();
}
