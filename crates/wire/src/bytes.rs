//! Bounds-checked big-endian reads over packet bytes.
//!
//! Every accessor in the views goes through these helpers, so a short buffer
//! yields `None` instead of a panic. Offsets come from our own code, but the
//! buffers come from the wire: never index them directly.

#[inline]
pub fn u8_at(b: &[u8], off: usize) -> Option<u8> {
    b.get(off).copied()
}

#[inline]
pub fn be16(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

#[inline]
pub fn be24(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(3)?)?;
    Some(u32::from_be_bytes([0, s[0], s[1], s[2]]))
}

#[inline]
pub fn be32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

#[inline]
pub fn le16(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

#[inline]
pub fn le32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// A fixed-size array copied out of `b` at `off`, or `None` when it does not fit.
#[inline]
pub fn array<const N: usize>(b: &[u8], off: usize) -> Option<[u8; N]> {
    b.get(off..off.checked_add(N)?)?.try_into().ok()
}

/// The sub-slice `b[off..off+len]`, clamped to what is there.
#[inline]
pub fn clamp(b: &[u8], off: usize, len: usize) -> &[u8] {
    let start = off.min(b.len());
    let end = off.saturating_add(len).min(b.len());
    &b[start..end]
}

/// The tail `b[off..]`, empty when `off` is past the end.
#[inline]
pub fn tail(b: &[u8], off: usize) -> &[u8] {
    b.get(off..).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_at_the_end() {
        let b = [0x12, 0x34, 0x56];
        assert_eq!(be16(&b, 0), Some(0x1234));
        assert_eq!(be16(&b, 2), None);
        assert_eq!(be16(&b, usize::MAX), None);
        assert_eq!(be24(&b, 0), Some(0x123456));
        assert_eq!(be32(&b, 0), None);
        assert_eq!(clamp(&b, 1, 10), &[0x34, 0x56]);
        assert_eq!(clamp(&b, 9, 10), &[] as &[u8]);
        assert_eq!(tail(&b, 4), &[] as &[u8]);
        assert_eq!(array::<2>(&b, 1), Some([0x34, 0x56]));
    }
}
