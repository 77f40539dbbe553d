//! What can go wrong reading a capture file.

use std::io;

/// An error from [`crate::FileReader`].
///
/// Every variant says where: `packet` is the 1-based number of the packet
/// whose record (or, in pcapng, the block before it) could not be read, 0 for
/// the file header; `offset` is the byte offset in the file of the start of
/// that record or block.
///
/// After any error the reader is finished: `next_packet` returns `Ok(None)`.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The first four bytes are no known pcap or pcapng magic number. The
    /// caller prints it after the file name: `FILE: not a pcap or pcapng file
    /// (first bytes: 0x47455420)`.
    #[error("not a pcap or pcapng file (first bytes: 0x{})", hex(.magic))]
    NotACapture {
        /// The first four bytes of the input.
        magic: [u8; 4],
    },

    /// The input ended in the middle of a record or block (or of the file
    /// header, when `packet` is 0). Every whole packet before it has been
    /// yielded; callers usually warn and finish normally.
    #[error(
        "file cut short {} at byte offset {offset}: needed {needed} bytes, got {got}",
        place(*.packet)
    )]
    Truncated {
        /// Number of the packet that was cut (1-based; 0 = file header).
        packet: u64,
        /// Offset of the start of the cut record or block.
        offset: u64,
        /// Length of the whole record or block (or header) that was expected.
        needed: u64,
        /// Bytes of it that were present.
        got: u64,
    },

    /// A record or block header that cannot be right (a length beyond the
    /// hard limit, a pcapng block length that is not a multiple of 4, an
    /// unknown pcapng version, a reference to a missing interface, …).
    #[error("corrupt capture {} at byte offset {offset}: {what}", place(*.packet))]
    Corrupt {
        /// Number of the packet being read (1-based; 0 = file header).
        packet: u64,
        /// Offset of the start of the damaged record or block.
        offset: u64,
        /// What was found, and what was expected instead.
        what: String,
    },

    /// The operating system reported an error reading the input (or opening
    /// the file, at offset 0).
    #[error("read error at byte offset {offset}: {source}")]
    Io {
        /// Offset of the first byte that could not be read.
        offset: u64,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

impl ReadError {
    /// True for the errors after which a caller should just warn and finish
    /// normally: the input was cut short.
    pub fn is_truncation(&self) -> bool {
        matches!(self, ReadError::Truncated { .. })
    }

    /// The error of a reader that began after `records` records of the
    /// file ([`crate::FileReader::resume_at`]), with its packet numbered
    /// from the file's start.
    pub fn after(mut self, records: u64) -> ReadError {
        if let ReadError::Truncated { packet, .. } | ReadError::Corrupt { packet, .. } = &mut self {
            *packet = packet.saturating_add(records);
        }
        self
    }
}

fn hex(b: &[u8; 4]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn place(packet: u64) -> String {
    if packet == 0 {
        "in the file header".to_string()
    } else {
        format!("in packet {packet}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_strings() {
        let e = ReadError::NotACapture {
            magic: [0x47, 0x45, 0x54, 0x20],
        };
        assert_eq!(
            e.to_string(),
            "not a pcap or pcapng file (first bytes: 0x47455420)"
        );
        let e = ReadError::Truncated {
            packet: 7,
            offset: 1000,
            needed: 80,
            got: 30,
        };
        assert_eq!(
            e.to_string(),
            "file cut short in packet 7 at byte offset 1000: needed 80 bytes, got 30"
        );
        let e = ReadError::Corrupt {
            packet: 0,
            offset: 0,
            what: "x".into(),
        };
        assert_eq!(
            e.to_string(),
            "corrupt capture in the file header at byte offset 0: x"
        );
    }
}
