//! Capture sources and sinks: reading pcap and pcapng files, writing pcap,
//! and live capture from a Linux `AF_PACKET` ring.
//!
//! * [`FileReader`] reads classic pcap (both byte orders, microsecond and
//!   nanosecond, Kuznetzov's modified format) and pcapng (several sections and
//!   interfaces, any timestamp resolution) from a file, standard input or any
//!   [`std::io::Read`], and lends out one [`Packet`] at a time from a reused
//!   buffer.
//! * [`PcapWriter`] writes classic pcap.
//! * [`LiveCapture`] captures from a network interface (Linux only).
//!
//! Nothing here panics on any input: every length read from a file is checked
//! before use, and a damaged file ends in a typed [`ReadError`] after every
//! packet that could be read.
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod bytes;
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
    ByteOrder, FileReader, Format, InterfaceInfo, PcapVariant, TsResolution, MAX_RECORD_LEN,
};
pub use writer::PcapWriter;
