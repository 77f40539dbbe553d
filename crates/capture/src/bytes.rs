//! Bounds-checked integer reads in either byte order.

use crate::reader::ByteOrder;

/// Reads a `u16` at `off`, or `None` past the end of `b`.
#[inline]
pub(crate) fn u16_at(b: &[u8], off: usize, order: ByteOrder) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    let a = [s[0], s[1]];
    Some(match order {
        ByteOrder::Little => u16::from_le_bytes(a),
        ByteOrder::Big => u16::from_be_bytes(a),
    })
}

/// Reads a `u32` at `off`, or `None` past the end of `b`.
#[inline]
pub(crate) fn u32_at(b: &[u8], off: usize, order: ByteOrder) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    let a = [s[0], s[1], s[2], s[3]];
    Some(match order {
        ByteOrder::Little => u32::from_le_bytes(a),
        ByteOrder::Big => u32::from_be_bytes(a),
    })
}

/// Reads a `u64` at `off`, or `None` past the end of `b`.
#[inline]
pub(crate) fn u64_at(b: &[u8], off: usize, order: ByteOrder) -> Option<u64> {
    let s = b.get(off..off.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(match order {
        ByteOrder::Little => u64::from_le_bytes(a),
        ByteOrder::Big => u64::from_be_bytes(a),
    })
}

/// Reads a `u32` from a 4-byte array.
#[inline(always)]
pub(crate) fn u32_of(a: [u8; 4], order: ByteOrder) -> u32 {
    match order {
        ByteOrder::Little => u32::from_le_bytes(a),
        ByteOrder::Big => u32::from_be_bytes(a),
    }
}
