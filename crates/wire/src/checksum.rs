//! The Internet checksum (RFC 1071) and the IPv4/IPv6 pseudo-headers that
//! TCP, UDP and ICMPv6 fold into theirs.

/// One's-complement sum of `data` as big-endian 16-bit words, not yet folded.
/// An odd trailing byte is padded with zero, as RFC 1071 says.
///
/// Adds 32-bit words in the machine's byte order (read 8 bytes at a time,
/// both halves added) into a 64-bit total with no carry to chase (RFC 1071
/// §2(C), "deferred carries"): a plain reduction the compiler turns into
/// vector adds, several words a cycle, where an add-with-carry chain does
/// one. It cannot wrap: that would take 2^32 words, a slice of 16 GiB.
/// Then it folds to 16 bits and swaps into
/// network order: the one's complement sum does not depend on byte order,
/// only its bytes come out swapped (§2(B)), and since 2^16 ≡ 1
/// (mod 2^16 - 1) 32-bit words sum like pairs of 16-bit ones.
pub fn sum(data: &[u8]) -> u32 {
    let mut pairs = data.chunks_exact(8);
    let wide = (&mut pairs).fold(0u64, |acc, w| {
        let w = <[u8; 8]>::try_from(w).map_or(0, u64::from_ne_bytes);
        acc.wrapping_add(w & 0xffff_ffff).wrapping_add(w >> 32)
    });
    let mut words = pairs.remainder().chunks_exact(4);
    let wide = (&mut words).fold(wide, |acc, w| {
        acc.wrapping_add(u64::from(
            <[u8; 4]>::try_from(w).map_or(0, u32::from_ne_bytes),
        ))
    });
    // The last 0 to 3 bytes, in pieces rather than copied out: an odd trailing byte is the high byte
    // of its big-endian 16-bit word, padded with zero.
    let mut tail = words.remainder();
    let mut rest: u64 = 0;
    if let Some((w, after)) = tail.split_first_chunk::<2>() {
        rest += u64::from(u16::from_ne_bytes(*w));
        tail = after;
    }
    if let [last] = tail {
        rest += u64::from(u16::from_ne_bytes([*last, 0]));
    }
    let acc = add_carry(wide, rest);
    // The machine's byte order to network order (a swap on little-endian).
    u32::from((fold16(fold64(acc)) as u16).to_be())
}

/// `a + b` in one's complement: a carry out of the top comes back in at the
/// bottom.
fn add_carry(a: u64, b: u64) -> u64 {
    let (s, carry) = a.overflowing_add(b);
    // Never wraps: after a carry, `s` is at most 2^64 - 2.
    s.wrapping_add(u64::from(carry))
}

fn fold64(mut acc: u64) -> u32 {
    while acc > 0xffff_ffff {
        acc = (acc & 0xffff_ffff) + (acc >> 32);
    }
    acc as u32
}

/// Fold a partial sum into 16 bits with end-around carry.
fn fold16(mut acc: u32) -> u32 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc
}

/// Fold a 32-bit partial sum into 16 bits and complement it: the value that
/// goes into a header's checksum field.
pub fn finish(acc: u32) -> u16 {
    !(fold16(acc) as u16)
}

/// Add two partial sums.
pub fn combine(a: u32, b: u32) -> u32 {
    fold64(u64::from(a) + u64::from(b))
}

/// Partial sum of the pseudo-header of an upper-layer packet (RFC 793, RFC 8200 §8.1).
pub fn pseudo_header(src: &[u8], dst: &[u8], proto: u8, upper_len: u32) -> u32 {
    let mut acc = combine(address_sum(src), address_sum(dst));
    acc = combine(acc, u32::from(proto));
    combine(acc, (upper_len >> 16) + (upper_len & 0xffff))
}

/// [`sum`] of an address: each packet's pseudo-header sums two, and the
/// general loop's set-up and tail cost more than the address itself. An
/// IPv6 address is two 64-bit words added with end-around carry, as in
/// [`sum`]; big-endian words fold like their 16-bit halves (2^16 ≡ 1 mod
/// 2^16 - 1), so the folded result is the same.
fn address_sum(addr: &[u8]) -> u32 {
    if let Ok(v4) = <[u8; 4]>::try_from(addr) {
        fold16(u32::from_be_bytes(v4))
    } else if let Ok(v6) = <[u8; 16]>::try_from(addr) {
        let x = u128::from_be_bytes(v6);
        fold16(fold64(add_carry((x >> 64) as u64, x as u64)))
    } else {
        sum(addr)
    }
}

/// The result of checking a checksum, reported per layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Status {
    /// Not checked: the bytes were cut by the snap length, or the protocol
    /// leaves the checksum optional and it is zero.
    #[default]
    Unverified,
    Good,
    /// Wrong; holds the value that should have been there.
    Bad {
        expected: u16,
    },
}

impl Status {
    /// tshark's `*.checksum.status` numbering: 0 bad, 1 good, 2 unverified.
    pub fn code(self) -> u64 {
        match self {
            Status::Bad { .. } => 0,
            Status::Good => 1,
            Status::Unverified => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // The worked example of RFC 1071 §3: the sum of these words is 0xddf2.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(finish(sum(&data)), !0xddf2);
    }

    #[test]
    fn real_ipv4_header_sums_to_zero() {
        // An IPv4 header from a real capture (192.168.0.1 -> 192.168.0.199, checksum 0xb861).
        let hdr = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(finish(sum(&hdr)), 0);
    }

    #[test]
    fn wide_sum_equals_word_by_word_sum() {
        // The plain RFC 1071 loop, for comparison.
        fn plain(data: &[u8]) -> u16 {
            let mut acc: u64 = 0;
            for c in data.chunks(2) {
                acc += u64::from(u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]));
            }
            while acc > 0xffff {
                acc = (acc & 0xffff) + (acc >> 16);
            }
            !(acc as u16)
        }
        let mut x: u32 = 12345;
        for len in 0..300 {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            assert_eq!(finish(sum(&data)), plain(&data), "length {len}");
        }
        assert_eq!(finish(sum(&[0xff; 65_535])), plain(&[0xff; 65_535]));
    }

    #[test]
    fn address_sum_equals_sum() {
        // Addresses of real captures' pseudo-headers, and odd lengths.
        let cases: [&[u8]; 7] = [
            &[192, 168, 0, 1],
            &[0xff; 4],
            &[0; 4],
            &[
                0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x0c, 0x29, 0xff, 0xfe, 0x3e, 0x7a, 0x9c,
            ],
            &[0xff; 16],
            &[0; 16],
            &[0x12, 0x34, 0x56, 0x78, 0x9a],
        ];
        for c in cases {
            assert_eq!(address_sum(c), sum(c), "{c:02x?}");
        }
    }

    #[test]
    fn odd_length_pads_with_zero() {
        assert_eq!(sum(&[0xab]), 0xab00);
    }
}
