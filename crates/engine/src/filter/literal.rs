//! Literal text to values, as Wireshark reads them: integers in decimal,
//! hex (`0x`), octal (leading `0`) and binary (`0b`); IPv4 and IPv6
//! addresses with an optional prefix length; byte strings with `:`, `-` or
//! `.` between bytes, or none; times in seconds with up to nine decimals.

/// An unsigned or signed integer in any of Wireshark's notations.
pub fn int(t: &str) -> Option<i128> {
    let (digits, radix) = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (h, 16)
    } else if let Some(b) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
        (b, 2)
    } else if t.len() > 1 && t.starts_with('0') {
        (&t[1..], 8)
    } else {
        (t, 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = u64::from_str_radix(digits, radix).ok()?;
    Some(i128::from(v))
}

/// `a.b.c.d` or `a.b.c.d/bits`: the address and its mask.
pub fn ipv4(t: &str) -> Result<(u32, u32), String> {
    let (addr, bits) = match t.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (t, None),
    };
    let a: std::net::Ipv4Addr = addr
        .parse()
        .map_err(|_| format!("'{t}' is not a valid IPv4 address"))?;
    let mask = match bits {
        None => u32::MAX,
        Some(b) => {
            let n: u32 = b
                .parse()
                .map_err(|_| format!("'{b}' is not a valid prefix length"))?;
            if n > 32 {
                return Err(format!(
                    "the prefix length of an IPv4 address is at most 32, not {n}"
                ));
            }
            if n == 0 {
                0
            } else {
                u32::MAX << (32 - n)
            }
        }
    };
    Ok((u32::from(a), mask))
}

/// An IPv6 address with an optional `/bits`.
pub fn ipv6(t: &str) -> Result<([u8; 16], u8), String> {
    let (addr, bits) = match t.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (t, None),
    };
    let a: std::net::Ipv6Addr = addr
        .parse()
        .map_err(|_| format!("'{t}' is not a valid IPv6 address"))?;
    let prefix = match bits {
        None => 128,
        Some(b) => {
            let n: u8 = b
                .parse()
                .map_err(|_| format!("'{b}' is not a valid prefix length"))?;
            if n > 128 {
                return Err(format!(
                    "the prefix length of an IPv6 address is at most 128, not {n}"
                ));
            }
            n
        }
    };
    Ok((a.octets(), prefix))
}

/// A byte string: `aa:bb:cc`, `aa-bb-cc`, `aa.bb.cc`, `aabb.ccdd`, `aabbcc`
/// or a single hex digit or two (`5`, `0a`).
pub fn bytes(t: &str) -> Option<Vec<u8>> {
    if t.is_empty() {
        return None;
    }
    let hex = |s: &str| -> Option<Vec<u8>> {
        if !s.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        match s.len() {
            0 => None,
            1 => u8::from_str_radix(s, 16).ok().map(|b| vec![b]),
            n if n % 2 == 0 => (0..n)
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
                .collect(),
            _ => None,
        }
    };
    if !t.contains([':', '-', '.']) {
        return hex(t);
    }
    let mut out = Vec::new();
    for part in t.split([':', '-', '.']) {
        // Between separators a byte is one or two digits; Cisco's dotted
        // form groups two bytes (`001f.5bff.51cb`).
        if part.len() > 2 && part.len() != 4 {
            return None;
        }
        out.extend(hex(part)?);
    }
    Some(out)
}

/// Seconds with an optional fraction (`1`, `1.5`, `0.000001`) as
/// nanoseconds. Digits past the ninth decimal are dropped.
pub fn seconds(t: &str) -> Option<i128> {
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t, ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !all_digits(whole) || !all_digits(frac) {
        return None;
    }
    let w: i128 = if whole.is_empty() {
        0
    } else {
        whole.parse::<u64>().ok()?.into()
    };
    let mut nanos: i128 = 0;
    for (i, c) in frac.chars().take(9).enumerate() {
        let d = i128::from(c.to_digit(10)?);
        nanos += d * 10i128.pow(8 - i as u32);
    }
    Some(w * 1_000_000_000 + nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(int("10"), Some(10));
        assert_eq!(int("012"), Some(10));
        assert_eq!(int("0xa"), Some(10));
        assert_eq!(int("0b1010"), Some(10));
        assert_eq!(int("0"), Some(0));
        assert_eq!(int("18446744073709551615"), Some(u64::MAX.into()));
        assert_eq!(int("18446744073709551616"), None);
        assert_eq!(int("09"), None);
        assert_eq!(int("1.5"), None);
        assert_eq!(int("0x"), None);
        assert_eq!(int("abc"), None);
    }

    #[test]
    fn addresses() {
        assert_eq!(ipv4("10.1.2.3"), Ok((0x0a01_0203, u32::MAX)));
        assert_eq!(ipv4("10.0.0.0/8"), Ok((0x0a00_0000, 0xff00_0000)));
        assert_eq!(ipv4("1.2.3.4/0"), Ok((0x0102_0304, 0)));
        assert!(ipv4("1.2.3.4/33").unwrap_err().contains("at most 32"));
        assert!(ipv4("1.2.3").is_err());
        assert!(ipv4("1.2.3.256").is_err());
        let (a, p) = ipv6("2001:db8::/32").unwrap();
        assert_eq!((a[0], a[1], a[2], a[3], p), (0x20, 0x01, 0x0d, 0xb8, 32));
        assert_eq!(ipv6("::1").unwrap().1, 128);
        assert!(ipv6("::1/129").is_err());
        assert!(ipv6("1:2").is_err());
    }

    #[test]
    fn byte_strings() {
        let want = Some(vec![0x00, 0x1f, 0x5b, 0xff, 0x51, 0xcb]);
        assert_eq!(bytes("00:1f:5b:ff:51:cb"), want);
        assert_eq!(bytes("00-1f-5b-ff-51-cb"), want);
        assert_eq!(bytes("00.1f.5b.ff.51.cb"), want);
        assert_eq!(bytes("001f.5bff.51cb"), want);
        assert_eq!(bytes("001f5bff51cb"), want);
        assert_eq!(bytes("5"), Some(vec![5]));
        assert_eq!(bytes("a:b"), Some(vec![0xa, 0xb]));
        assert_eq!(bytes("abc"), None);
        assert_eq!(bytes("0x05"), None);
        assert_eq!(bytes("zz"), None);
        assert_eq!(bytes("aa::bb"), None);
    }

    #[test]
    fn times() {
        assert_eq!(seconds("1.5"), Some(1_500_000_000));
        assert_eq!(seconds("2"), Some(2_000_000_000));
        assert_eq!(seconds(".25"), Some(250_000_000));
        assert_eq!(seconds("0.0000000019"), Some(1));
        assert_eq!(seconds("1e3"), None);
        assert_eq!(seconds("."), None);
    }
}
