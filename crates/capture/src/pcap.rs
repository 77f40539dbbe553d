//! Classic pcap: the 24-byte file header and the record header.
//!
//! Layout (all fields in the byte order given by the magic):
//! file header `magic u32, version_major u16, version_minor u16, thiszone i32,
//! sigfigs u32, snaplen u32, network u32`; record header `ts_sec u32,
//! ts_frac u32, caplen u32, orig_len u32` and, in Kuznetzov's modified format
//! (magic 0xa1b2cd34), 8 more bytes `ifindex u32, protocol u16, pkt_type u8,
//! pad u8` which we skip.

use crate::bytes::{u16_at, u32_at};
use crate::reader::{ByteOrder, TsResolution};

/// Length of the classic pcap file header.
pub(crate) const FILE_HEADER_LEN: usize = 24;

/// The magics, as the first four bytes of the file.
pub(crate) const MAGIC_US_LE: [u8; 4] = [0xd4, 0xc3, 0xb2, 0xa1];
pub(crate) const MAGIC_US_BE: [u8; 4] = [0xa1, 0xb2, 0xc3, 0xd4];
pub(crate) const MAGIC_NS_LE: [u8; 4] = [0x4d, 0x3c, 0xb2, 0xa1];
pub(crate) const MAGIC_NS_BE: [u8; 4] = [0xa1, 0xb2, 0x3c, 0x4d];
pub(crate) const MAGIC_MOD_LE: [u8; 4] = [0x34, 0xcd, 0xb2, 0xa1];
pub(crate) const MAGIC_MOD_BE: [u8; 4] = [0xa1, 0xb2, 0xcd, 0x34];

/// What the file header says, plus what the magic implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PcapHeader {
    pub order: ByteOrder,
    pub resolution: TsResolution,
    /// Kuznetzov's modified format: 24-byte record headers.
    pub modified: bool,
    pub version: (u16, u16),
    pub snaplen: u32,
    /// Link type: the low 16 bits of the header's `network` field (the upper
    /// bits may carry an FCS length, as libpcap defines).
    pub link_type: u32,
    /// Length of each record header: 16, or 24 in the modified format.
    pub record_header_len: usize,
}

/// Recognises a classic pcap magic: (byte order, resolution, modified).
pub(crate) fn classify_magic(m: [u8; 4]) -> Option<(ByteOrder, TsResolution, bool)> {
    use ByteOrder::*;
    Some(match m {
        MAGIC_US_LE => (Little, TsResolution::MICRO, false),
        MAGIC_US_BE => (Big, TsResolution::MICRO, false),
        MAGIC_NS_LE => (Little, TsResolution::NANO, false),
        MAGIC_NS_BE => (Big, TsResolution::NANO, false),
        MAGIC_MOD_LE => (Little, TsResolution::MICRO, true),
        MAGIC_MOD_BE => (Big, TsResolution::MICRO, true),
        _ => return None,
    })
}

/// Parses the 24-byte file header whose magic `classify_magic` accepted.
pub(crate) fn parse_file_header(h: &[u8]) -> Option<PcapHeader> {
    let magic = [*h.first()?, *h.get(1)?, *h.get(2)?, *h.get(3)?];
    let (order, resolution, modified) = classify_magic(magic)?;
    Some(PcapHeader {
        order,
        resolution,
        modified,
        version: (u16_at(h, 4, order)?, u16_at(h, 6, order)?),
        snaplen: u32_at(h, 16, order)?,
        link_type: u32_at(h, 20, order)? & 0xffff,
        record_header_len: if modified { 24 } else { 16 },
    })
}

/// Converts a record's (seconds, fraction) to (seconds, nanoseconds),
/// carrying a fraction of a whole second or more into the seconds rather
/// than producing an out-of-range nanosecond value.
#[inline]
pub(crate) fn timestamp(ts_sec: u32, frac: u32, nanos: bool) -> (i64, u32) {
    // Seconds are unsigned in pcap (as Wireshark reads them): files from
    // after 2038 keep working.
    let secs = i64::from(ts_sec);
    if nanos {
        if frac < 1_000_000_000 {
            (secs, frac)
        } else {
            (secs + i64::from(frac / 1_000_000_000), frac % 1_000_000_000)
        }
    } else if frac < 1_000_000 {
        (secs, frac * 1000)
    } else {
        (
            secs + i64::from(frac / 1_000_000),
            (frac % 1_000_000) * 1000,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magics() {
        assert_eq!(
            classify_magic(MAGIC_NS_BE),
            Some((ByteOrder::Big, TsResolution::NANO, false))
        );
        assert_eq!(
            classify_magic(MAGIC_MOD_LE),
            Some((ByteOrder::Little, TsResolution::MICRO, true))
        );
        assert_eq!(classify_magic([0x0a, 0x0d, 0x0d, 0x0a]), None);
    }

    #[test]
    fn timestamps_normalise() {
        assert_eq!(timestamp(5, 999_999, false), (5, 999_999_000));
        assert_eq!(timestamp(5, 2_500_000, false), (7, 500_000_000));
        assert_eq!(timestamp(5, 999_999_999, true), (5, 999_999_999));
        assert_eq!(
            timestamp(u32::MAX, u32::MAX, true),
            (4294967299, 294_967_295)
        );
        assert_eq!(
            timestamp(u32::MAX, u32::MAX, false),
            (4_294_971_589, 967_295_000)
        );
    }

    #[test]
    fn header_link_type_drops_fcs_bits() {
        let mut h = [0u8; 24];
        h[..4].copy_from_slice(&MAGIC_US_LE);
        h[4] = 2;
        h[6] = 4;
        h[16..20].copy_from_slice(&65535u32.to_le_bytes());
        h[20..24].copy_from_slice(&0x3000_0084u32.to_le_bytes());
        let p = parse_file_header(&h).unwrap();
        assert_eq!(p.link_type, 0x84);
        assert_eq!(p.version, (2, 4));
        assert_eq!(p.snaplen, 65535);
        assert_eq!(p.record_header_len, 16);
        assert!(parse_file_header(&h[..20]).is_none());
    }
}
