//! pcapng blocks: section header, interface description, and the three packet
//! blocks (enhanced, simple, obsolete). All other blocks are skipped by their
//! length.
//!
//! Every block is `type u32, total_length u32, body, total_length u32`, in the
//! byte order of its section (set by the section header's byte-order magic).
//! Functions here receive one whole block whose lengths the reader has
//! already checked, and read it with bounds checks: they never panic.

use crate::bytes::{u16_at, u32_at, u64_at};
use crate::linktype;
use crate::reader::{ByteOrder, InterfaceInfo, TsResolution};

/// Block types.
pub(crate) const SHB: u32 = 0x0a0d_0d0a;
pub(crate) const IDB: u32 = 1;
pub(crate) const PB: u32 = 2;
pub(crate) const SPB: u32 = 3;
pub(crate) const EPB: u32 = 6;
pub(crate) const CUSTOM: u32 = 0x0000_0bad;
pub(crate) const CUSTOM_NO_COPY: u32 = 0x4000_0bad;

/// The first four bytes of a pcapng file.
pub(crate) const MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// Smallest possible section header block (no options).
pub(crate) const SHB_MIN_LEN: usize = 28;

/// Most interfaces one section may define; beyond this the file is taken to
/// be corrupt (each costs memory and nothing real has this many).
pub(crate) const MAX_INTERFACES: usize = 1 << 16;

/// Byte order from the section header's byte-order magic (bytes 8..12).
pub(crate) fn section_order(bom: [u8; 4]) -> Option<ByteOrder> {
    match bom {
        [0x4d, 0x3c, 0x2b, 0x1a] => Some(ByteOrder::Little),
        [0x1a, 0x2b, 0x3c, 0x4d] => Some(ByteOrder::Big),
        _ => None,
    }
}

/// Checks the version in a whole section header block. Wireshark reads 1.0
/// and 1.2 (1.2 is written by some tools and means the same).
pub(crate) fn check_version(block: &[u8], order: ByteOrder) -> Result<(), String> {
    let major = u16_at(block, 12, order).ok_or("section header too short")?;
    let minor = u16_at(block, 14, order).ok_or("section header too short")?;
    if major == 1 && (minor == 0 || minor == 2) {
        Ok(())
    } else {
        Err(format!(
            "unknown pcapng version {major}.{minor} (expected 1.0 or 1.2)"
        ))
    }
}

/// One interface of the current section, with its timestamp conversion ready.
#[derive(Debug, Clone)]
pub(crate) struct Interface {
    pub info: InterfaceInfo,
    /// Timestamp units per second; 0 when that does not fit in a `u128`
    /// (every timestamp is then below a nanosecond: 0).
    pub units: u128,
}

/// Parses a whole interface description block.
pub(crate) fn parse_idb(block: &[u8], order: ByteOrder) -> Result<Interface, String> {
    let short = || format!("interface block of {} bytes is too short", block.len());
    if block.len() < 20 {
        return Err(short());
    }
    let link_type = u16_at(block, 8, order).ok_or_else(short)?;
    let snaplen = u32_at(block, 12, order).ok_or_else(short)?;
    let mut info = InterfaceInfo {
        link_type: u32::from(link_type),
        snaplen,
        resolution: TsResolution::MICRO,
        ts_offset: 0,
        name: None,
    };
    // Options: code u16, length u16, value padded to 4, up to the trailer.
    let end = block.len() - 4;
    let mut off = 16usize;
    let mut seen_resol = false;
    let mut seen_offset = false;
    while off + 4 <= end {
        let (Some(code), Some(len)) = (u16_at(block, off, order), u16_at(block, off + 2, order))
        else {
            break;
        };
        let len = usize::from(len);
        let vstart = off + 4;
        let Some(value) = block
            .get(vstart..vstart + len)
            .filter(|_| vstart + len <= end)
        else {
            // An option running past the block: keep what was read so far
            // (Wireshark is as lenient).
            break;
        };
        match code {
            0 => break,
            2 if info.name.is_none() => {
                let v = value.split(|&b| b == 0).next().unwrap_or(value);
                info.name = Some(String::from_utf8_lossy(v).into_owned());
            }
            9 if !seen_resol && len >= 1 => {
                seen_resol = true;
                let r = value[0];
                info.resolution = if r & 0x80 != 0 {
                    TsResolution::Binary(r & 0x7f)
                } else {
                    TsResolution::Decimal(r)
                };
            }
            14 if !seen_offset && len >= 8 => {
                seen_offset = true;
                info.ts_offset = u64_at(value, 0, order).map(|v| v as i64).unwrap_or(0);
            }
            _ => {}
        }
        off = vstart + len.next_multiple_of(4);
    }
    Ok(Interface {
        units: info.resolution.units_per_second(),
        info,
    })
}

/// Converts a raw pcapng timestamp (in units of `1/units` s) plus the
/// interface's offset in seconds to (seconds, nanoseconds), exactly
/// (truncating below the nanosecond), in integer arithmetic.
#[inline]
pub(crate) fn timestamp(ts: u64, units: u128, offset: i64) -> (i64, u32) {
    let (secs, nanos) = match units {
        1_000_000 => (ts / 1_000_000, (ts % 1_000_000) as u32 * 1000),
        1_000_000_000 => (ts / 1_000_000_000, (ts % 1_000_000_000) as u32),
        0 => (0, 0),
        u => {
            let t = u128::from(ts);
            // secs <= ts < 2^64; (t % u) < 2^64 so the product fits in u128,
            // and the quotient is below 10^9.
            ((t / u) as u64, ((t % u) * 1_000_000_000 / u) as u32)
        }
    };
    let s = i128::from(secs) + i128::from(offset);
    let s = s.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
    (s, nanos)
}

/// A packet found in a block: where its bytes are inside the block, and what
/// describes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BlockPacket {
    pub local_interface: u32,
    pub ts_secs: i64,
    pub ts_nanos: u32,
    pub orig_len: u32,
    pub data_off: usize,
    pub cap_len: usize,
}

/// Parses an enhanced (6), simple (3) or obsolete packet block (2).
pub(crate) fn parse_packet_block(
    btype: u32,
    block: &[u8],
    order: ByteOrder,
    ifaces: &[Interface],
) -> Result<BlockPacket, String> {
    let blen = block.len();
    let missing = |id: u32| {
        format!(
            "packet refers to interface {id} but the section defines {}",
            ifaces.len()
        )
    };
    match btype {
        EPB | PB => {
            let name = if btype == EPB { "enhanced" } else { "obsolete" };
            if blen < 32 {
                return Err(format!(
                    "{name} packet block of {blen} bytes is shorter than 32"
                ));
            }
            let rd = |o| u32_at(block, o, order).unwrap_or(0);
            let id = if btype == EPB {
                rd(8)
            } else {
                u32::from(u16_at(block, 8, order).unwrap_or(0))
            };
            let ts = (u64::from(rd(12)) << 32) | u64::from(rd(16));
            let caplen = rd(20);
            let orig_len = rd(24);
            let room = blen - 32;
            if caplen as usize > room {
                return Err(format!(
                    "{name} packet block has {caplen} captured bytes but room for {room}"
                ));
            }
            let iface = ifaces.get(id as usize).ok_or_else(|| missing(id))?;
            let max = linktype::max_caplen(iface.info.link_type);
            if caplen > max {
                return Err(format!(
                    "{name} packet block claims {caplen} captured bytes, more than the \
                     maximum {max} for link type {}",
                    iface.info.link_type
                ));
            }
            let (ts_secs, ts_nanos) = timestamp(ts, iface.units, iface.info.ts_offset);
            Ok(BlockPacket {
                local_interface: id,
                ts_secs,
                ts_nanos,
                orig_len,
                data_off: 28,
                cap_len: caplen as usize,
            })
        }
        SPB => {
            if blen < 16 {
                return Err(format!(
                    "simple packet block of {blen} bytes is shorter than 16"
                ));
            }
            let orig_len = u32_at(block, 8, order).unwrap_or(0);
            let iface = ifaces.first().ok_or_else(|| missing(0))?;
            let mut cap = orig_len as usize;
            if iface.info.snaplen != 0 {
                cap = cap.min(iface.info.snaplen as usize);
            }
            // Lenient: a block shorter than the packet yields what it holds.
            cap = cap.min(blen - 16);
            Ok(BlockPacket {
                local_interface: 0,
                ts_secs: 0,
                ts_nanos: 0,
                orig_len,
                data_off: 12,
                cap_len: cap,
            })
        }
        _ => Err(format!("block type {btype} is not a packet block")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_any_resolution() {
        let us = TsResolution::MICRO.units_per_second();
        assert_eq!(timestamp(1_500_000_123, us, 0), (1500, 123_000));
        let ns = TsResolution::NANO.units_per_second();
        assert_eq!(timestamp(1_500_000_000_123, ns, -1000), (500, 123));
        // milliseconds
        let ms = TsResolution::Decimal(3).units_per_second();
        assert_eq!(timestamp(12_345, ms, 0), (12, 345_000_000));
        // 2^-10 s: 1.5 s = 1536 units; 1 unit = 976562.5 ns truncated
        let b10 = TsResolution::Binary(10).units_per_second();
        assert_eq!(timestamp(1536, b10, 0), (1, 500_000_000));
        assert_eq!(timestamp(1, b10, 0), (0, 976_562));
        // picoseconds
        let ps = TsResolution::Decimal(12).units_per_second();
        assert_eq!(timestamp(2_000_000_001_999, ps, 0), (2, 1));
        // seconds, with u64::MAX
        let s = TsResolution::Decimal(0).units_per_second();
        assert_eq!(timestamp(u64::MAX, s, 0), (i64::MAX, 0));
        assert_eq!(timestamp(u64::MAX, s, i64::MIN), (i64::MAX, 0));
        // absurd resolutions do not panic
        for r in [
            TsResolution::Decimal(127),
            TsResolution::Binary(127),
            TsResolution::Decimal(38),
            TsResolution::Binary(64),
        ] {
            let u = r.units_per_second();
            let (_, n) = timestamp(u64::MAX, u, i64::MAX);
            assert!(n < 1_000_000_000);
        }
        // 2^-64: u64::MAX units is just under one second
        let b64 = TsResolution::Binary(64).units_per_second();
        assert_eq!(timestamp(u64::MAX, b64, 0), (0, 999_999_999));
    }

    #[test]
    fn idb_options() {
        // IDB, LE: linktype 101, snaplen 128, if_name "eth0", if_tsresol 9, if_tsoffset -5
        let mut b = vec![];
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes()); // length, fixed below
        b.extend_from_slice(&101u16.to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes());
        b.extend_from_slice(&128u32.to_le_bytes());
        b.extend_from_slice(&[2, 0, 4, 0, b'e', b't', b'h', b'0']);
        b.extend_from_slice(&[9, 0, 1, 0, 9, 0, 0, 0]);
        b.extend_from_slice(&[14, 0, 8, 0]);
        b.extend_from_slice(&(-5i64).to_le_bytes());
        b.extend_from_slice(&[0, 0, 0, 0]);
        let len = (b.len() + 4) as u32;
        b[4..8].copy_from_slice(&len.to_le_bytes());
        b.extend_from_slice(&len.to_le_bytes());
        let i = parse_idb(&b, ByteOrder::Little).unwrap();
        assert_eq!(i.info.link_type, 101);
        assert_eq!(i.info.snaplen, 128);
        assert_eq!(i.info.name.as_deref(), Some("eth0"));
        assert_eq!(i.info.resolution, TsResolution::NANO);
        assert_eq!(i.info.ts_offset, -5);
        assert_eq!(i.units, 1_000_000_000);
        // An option whose length runs past the block is ignored, no panic.
        let mut c = b.clone();
        c[18] = 0xff;
        let i = parse_idb(&c, ByteOrder::Little).unwrap();
        assert_eq!(i.info.name, None);
        assert!(parse_idb(&b[..16], ByteOrder::Little).is_err());
    }
}
