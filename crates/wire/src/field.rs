//! The field model: one declaration per field, shared by every consumer that
//! names a field (`-T fields`, JSON, the layer tree, filters).
//!
//! Each protocol module declares its fields once with [`field_table!`], which
//! makes a `Field` enum and a `FIELDS` table in the same order. The protocol's
//! view then answers "give me every occurrence of field F" through
//! [`FieldSink`]. Values are printed in tshark's `-T fields` form by
//! [`Value::write_tshark`], so scripts written against tshark keep working.

use std::fmt::Write as _;
use std::ops::Range;

/// How a field's value is typed and printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Unsigned integer printed in decimal.
    Dec,
    /// Unsigned integer printed as `0x` and this many hex digits (tshark pads
    /// to the width of the field's type: 2 for 8 bits, 4 for 16, 8 for 32).
    Hex(u8),
    /// Signed integer printed in decimal.
    Signed,
    /// Printed `1`/`0` (tshark 4.0's `-T fields` form for booleans).
    Bool,
    Ipv4,
    Ipv6,
    /// MAC address, `aa:bb:cc:dd:ee:ff`.
    Ether,
    /// Raw bytes printed as lowercase hex with no separator.
    Bytes,
    /// Text from the packet (escaped where not printable).
    Str,
    /// Seconds since the epoch with nine decimals.
    AbsTime,
    /// Relative seconds with nine decimals.
    RelTime,
    /// Floating point.
    Float,
    /// A protocol or a label that has no value of its own (only presence).
    None,
}

/// A field's declaration: its Wireshark name, a human description and its kind.
#[derive(Clone, Copy, Debug)]
pub struct FieldDef {
    pub name: &'static str,
    pub desc: &'static str,
    pub kind: Kind,
}

/// One occurrence of a field's value, borrowing packet bytes where it can.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    UInt(u64),
    Int(i64),
    Bool(bool),
    Ipv4([u8; 4]),
    Ipv6([u8; 16]),
    Ether([u8; 6]),
    Bytes(&'a [u8]),
    /// Text from the packet; not necessarily UTF-8.
    Str(&'a [u8]),
    /// Text of our own (names of enumerations and the like).
    Static(&'static str),
    /// Seconds and nanoseconds (absolute or relative, per the field's kind).
    Time {
        secs: i64,
        nanos: u32,
    },
    Float(f64),
    /// A DNS name in a message (labels, possibly compressed): `msg` is the
    /// whole DNS message, `at` the name's offset in it. Printed dotted.
    DnsName {
        msg: &'a [u8],
        at: usize,
    },
    /// Presence only.
    Present,
}

/// Receives each occurrence of a field together with the byte range it was
/// read from (relative to the start of the layer).
pub trait FieldSink<'a> {
    fn value(&mut self, v: Value<'a>, range: Range<usize>);
}

impl<'a, F: FnMut(Value<'a>, Range<usize>)> FieldSink<'a> for F {
    #[inline]
    fn value(&mut self, v: Value<'a>, range: Range<usize>) {
        self(v, range)
    }
}

impl Value<'_> {
    /// Append the value in tshark's `-T fields` text form for a field of `kind`.
    pub fn write_tshark(&self, kind: Kind, out: &mut String) {
        match *self {
            Value::UInt(n) => match kind {
                Kind::Hex(w) => write_hex(out, n, w),
                Kind::Bool => out.push(if n != 0 { '1' } else { '0' }),
                _ => push_u64(out, n),
            },
            Value::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Bool(b) => out.push(if b { '1' } else { '0' }),
            Value::Ipv4(a) => write_ipv4(out, a),
            Value::Ipv6(a) => write_ipv6(out, &a),
            Value::Ether(m) => write_mac(out, m),
            Value::Bytes(b) => write_hex_bytes(out, b, None),
            Value::Str(s) => write_escaped(out, s),
            Value::Static(s) => out.push_str(s),
            Value::DnsName { msg, at } => crate::dns::write_name(msg, at, out),
            Value::Time { secs, nanos } => write_time(out, secs, nanos),
            Value::Float(f) => {
                let _ = write!(out, "{f}");
            }
            // tshark prints a field that has no value of its own as 1.
            Value::Present => out.push('1'),
        }
    }

    /// The value as an unsigned integer, where it is one.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::UInt(n) => Some(n),
            Value::Bool(b) => Some(u64::from(b)),
            _ => None,
        }
    }
}

/// Decimal digits of `n`, pushed as ASCII characters (the hot path of
/// `-T fields`; the wire crate has no dependencies to do it for us).
pub fn push_u64(out: &mut String, mut n: u64) {
    let mut b = [0u8; 20];
    let mut i = b.len();
    loop {
        i -= 1;
        b[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.reserve(b.len() - i);
    for &c in &b[i..] {
        out.push(char::from(c));
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Exactly four lowercase hex digits of `n` (no `0x`).
pub fn push_hex4(out: &mut String, n: u16) {
    for shift in [12, 8, 4, 0] {
        out.push(char::from(HEX[usize::from((n >> shift) & 0xf)]));
    }
}

/// `0x` then at least `width` lowercase hex digits.
pub fn write_hex(out: &mut String, n: u64, width: u8) {
    out.push_str("0x");
    let digits = (64 - n.leading_zeros()).div_ceil(4).max(1) as u8;
    for _ in digits..width {
        out.push('0');
    }
    for i in (0..digits).rev() {
        out.push(HEX[((n >> (u32::from(i) * 4)) & 0xf) as usize] as char);
    }
}

/// An address's text, put together on the stack (pushing it to a
/// `String` a character at a time checks capacity and encodes UTF-8 for
/// each; the logs write it to bytes).
pub struct AddrText {
    /// Room past the longest text (45), for [`AddrText::put`]'s four bytes.
    b: [u8; 48],
    n: usize,
}

/// Each byte's decimal text: its digits (up to three), then their count.
static DECIMAL: [[u8; 4]; 256] = decimal_table();

const fn decimal_table() -> [[u8; 4]; 256] {
    let mut t = [[0u8; 4]; 256];
    let mut i = 0;
    while i < 256 {
        let n = i as u8;
        t[i] = if n >= 100 {
            [b'0' + n / 100, b'0' + n / 10 % 10, b'0' + n % 10, 3]
        } else if n >= 10 {
            [b'0' + n / 10, b'0' + n % 10, 0, 2]
        } else {
            [b'0' + n, 0, 0, 1]
        };
        i += 1;
    }
    t
}

impl AddrText {
    fn new() -> Self {
        AddrText { b: [0; 48], n: 0 }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The text's bytes (ASCII), for a writer of bytes: no UTF-8 check.
    pub fn as_bytes(&self) -> &[u8] {
        self.b.get(..self.n).unwrap_or(&[])
    }

    fn push(&mut self, c: u8) {
        if let Some(x) = self.b.get_mut(self.n) {
            *x = c;
            self.n += 1;
        }
    }

    /// Append the first `len` of `w`'s bytes: all four are stored at once
    /// (one store, where a byte at a time was most of an address's cost),
    /// and what follows overwrites the rest.
    fn put(&mut self, w: [u8; 4], len: usize) {
        if let Some(d) = self.b.get_mut(self.n..self.n + 4) {
            d.copy_from_slice(&w);
            self.n += len.min(4);
        }
    }

    fn hex16(&mut self, x: u16) {
        let digits = (16 - x.leading_zeros()).div_ceil(4).max(1);
        let hex = |shift: u16| HEX[usize::from((x >> shift) & 0xf)];
        // The four digits, shifted so that the significant ones lead.
        let all = u32::from_be_bytes([hex(12), hex(8), hex(4), hex(0)]);
        let lead = all << (8 * (4 - digits));
        self.put(lead.to_be_bytes(), digits as usize);
    }

    fn ipv4(&mut self, a: [u8; 4]) {
        for (i, &o) in a.iter().enumerate() {
            if i > 0 {
                self.push(b'.');
            }
            let d = DECIMAL.get(usize::from(o)).copied().unwrap_or_default();
            let [.., len] = d;
            self.put(d, usize::from(len));
        }
    }

    fn groups(&mut self, gs: &[u16]) {
        for (i, &x) in gs.iter().enumerate() {
            if i > 0 {
                self.push(b':');
            }
            self.hex16(x);
        }
    }
}

/// Dotted-quad text of an IPv4 address.
pub fn ipv4_text(a: [u8; 4]) -> AddrText {
    let mut t = AddrText::new();
    t.ipv4(a);
    t
}

/// RFC 5952 text form (what tshark prints), as the standard library's
/// `Display` writes it (the longest run of two or more zero groups, the
/// first of equal runs, becomes `::`; IPv4-mapped addresses end in dotted
/// form), without its formatting machinery: per-packet output writes two
/// addresses a packet.
pub fn ipv6_text(a: &[u8; 16]) -> AddrText {
    let mut g = [0u16; 8];
    for (x, b) in g.iter_mut().zip(a.chunks_exact(2)) {
        *x = u16::from_be_bytes([b[0], b[1]]);
    }
    let mut t = AddrText::new();
    if g[..5] == [0; 5] && g[5] == 0xffff {
        for &c in b"::ffff:" {
            t.push(c);
        }
        t.ipv4([a[12], a[13], a[14], a[15]]);
        return t;
    }
    // The longest run of zero groups (the first when runs tie).
    let (mut best, mut best_len, mut run) = (0, 0, 0);
    for (i, &x) in g.iter().enumerate() {
        run = if x == 0 { run + 1 } else { 0 };
        if run > best_len {
            best_len = run;
            best = i + 1 - run;
        }
    }
    if best_len > 1 {
        t.groups(&g[..best]);
        t.push(b':');
        t.push(b':');
        t.groups(&g[best + best_len..]);
    } else {
        t.groups(&g);
    }
    t
}

pub fn write_ipv4(out: &mut String, a: [u8; 4]) {
    out.push_str(ipv4_text(a).as_str());
}

pub fn write_ipv6(out: &mut String, a: &[u8; 16]) {
    out.push_str(ipv6_text(a).as_str());
}

pub fn write_mac(out: &mut String, m: [u8; 6]) {
    write_hex_bytes(out, &m, Some(':'));
}

/// Lowercase hex of `b`, with `sep` between bytes if given.
pub fn write_hex_bytes(out: &mut String, b: &[u8], sep: Option<char>) {
    for (i, x) in b.iter().enumerate() {
        if i > 0 {
            if let Some(c) = sep {
                out.push(c);
            }
        }
        out.push(HEX[usize::from(x >> 4)] as char);
        out.push(HEX[usize::from(x & 0xf)] as char);
    }
}

/// Packet text: printable ASCII as is, the rest as `\xNN` (tshark escapes
/// likewise, so columns never break on control bytes). A backslash stays
/// as it is, as tshark 4.0 prints it (ndpi__WebattackRCE.pcap frame 516:
/// `GET /forumdisplay.php?GLOBALS\[\]=1…`).
pub fn write_escaped(out: &mut String, s: &[u8]) {
    for &c in s {
        match c {
            0x20..=0x7e => out.push(c as char),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ => {
                out.push_str("\\x");
                out.push(HEX[usize::from(c >> 4)] as char);
                out.push(HEX[usize::from(c & 0xf)] as char);
            }
        }
    }
}

/// `secs.nnnnnnnnn`, with the sign in front for negative times.
pub fn write_time(out: &mut String, secs: i64, nanos: u32) {
    if secs < 0 && nanos > 0 {
        // -1.5 s is stored as secs=-2, nanos=500_000_000.
        let _ = write!(out, "-{}.{:09}", -(secs + 1), 1_000_000_000 - nanos);
    } else {
        let _ = write!(out, "{secs}.{nanos:09}");
    }
}

/// Declares a protocol's fields once: makes `pub enum Field` and `pub static
/// FIELDS: &[FieldDef]` in the same order, so `FIELDS[f as usize]` is `f`'s
/// declaration.
#[macro_export]
macro_rules! field_table {
    ($( $id:ident : $name:literal, $desc:literal, $kind:expr; )*) => {
        /// This protocol's fields, in the order of [`FIELDS`].
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Field { $($id),* }

        /// Declarations of this protocol's fields, indexed by [`Field`].
        pub static FIELDS: &[$crate::field::FieldDef] = &[
            $( $crate::field::FieldDef { name: $name, desc: $desc, kind: $kind } ),*
        ];

        impl Field {
            const ALL: &'static [Field] = &[$(Field::$id),*];
            /// The field at position `i` of [`FIELDS`].
            pub fn from_index(i: usize) -> Option<Field> {
                Self::ALL.get(i).copied()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_text_is_the_standard_librarys() {
        for o in 0..=255u8 {
            for a in [[o, 0, 0, 0], [1, o, 22, o], [o, o, o, o], [255, 9, o, 100]] {
                let want = std::net::Ipv4Addr::from(a).to_string();
                assert_eq!(ipv4_text(a).as_str(), want);
                let mut s = String::from("x");
                write_ipv4(&mut s, a);
                assert_eq!(s, format!("x{want}"));
            }
        }
    }

    #[test]
    fn ipv6_text_is_the_standard_librarys() {
        let mut addrs: Vec<[u8; 16]> = vec![
            [0; 16],
            std::net::Ipv6Addr::LOCALHOST.octets(),
            "::ffff:192.0.2.1"
                .parse::<std::net::Ipv6Addr>()
                .unwrap()
                .octets(),
            "::192.0.2.1"
                .parse::<std::net::Ipv6Addr>()
                .unwrap()
                .octets(),
            "2001:db8::1:0:0:1"
                .parse::<std::net::Ipv6Addr>()
                .unwrap()
                .octets(),
            "2001:0:0:1::1"
                .parse::<std::net::Ipv6Addr>()
                .unwrap()
                .octets(),
            "fe80::1:0:0:0"
                .parse::<std::net::Ipv6Addr>()
                .unwrap()
                .octets(),
            "1:0:2:0:3:0:4:0"
                .parse::<std::net::Ipv6Addr>()
                .unwrap()
                .octets(),
        ];
        // Every pattern of zero and non-zero groups, with values of each
        // digit count.
        let values = [0x1, 0x2a, 0xabc, 0xffff, 0xf00];
        for mask in 0u32..256 {
            let mut a = [0u8; 16];
            for g in 0..8 {
                if mask & (1 << g) != 0 {
                    let v: u16 = values[(g + mask as usize) % values.len()];
                    a[2 * g..2 * g + 2].copy_from_slice(&v.to_be_bytes());
                }
            }
            addrs.push(a);
        }
        for a in addrs {
            let mut s = String::new();
            write_ipv6(&mut s, &a);
            assert_eq!(s, std::net::Ipv6Addr::from(a).to_string());
        }
    }

    fn fmt(v: Value, k: Kind) -> String {
        let mut s = String::new();
        v.write_tshark(k, &mut s);
        s
    }

    #[test]
    fn tshark_forms() {
        assert_eq!(fmt(Value::UInt(0x800), Kind::Hex(4)), "0x0800");
        assert_eq!(fmt(Value::UInt(0x12), Kind::Hex(4)), "0x0012");
        assert_eq!(fmt(Value::UInt(0), Kind::Hex(2)), "0x00");
        assert_eq!(fmt(Value::UInt(0x1_0000), Kind::Hex(4)), "0x10000");
        assert_eq!(fmt(Value::UInt(4238697178), Kind::Dec), "4238697178");
        assert_eq!(fmt(Value::Bool(true), Kind::Bool), "1");
        assert_eq!(fmt(Value::Ipv4([192, 0, 2, 1]), Kind::Ipv4), "192.0.2.1");
        assert_eq!(
            fmt(Value::Ipv4([0, 10, 100, 255]), Kind::Ipv4),
            "0.10.100.255"
        );
        assert_eq!(
            fmt(Value::UInt(u64::MAX), Kind::Dec),
            "18446744073709551615"
        );
        assert_eq!(
            fmt(Value::Ether([0, 0x1b, 0x21, 0xaa, 0xbb, 0x0c]), Kind::Ether),
            "00:1b:21:aa:bb:0c"
        );
        assert_eq!(
            fmt(
                Value::Time {
                    secs: 1763505596,
                    nanos: 868016000
                },
                Kind::AbsTime
            ),
            "1763505596.868016000"
        );
        assert_eq!(fmt(Value::Str(b"a\tb\x01"), Kind::Str), "a\\tb\\x01");
        assert_eq!(fmt(Value::Str(b"c:\\win"), Kind::Str), "c:\\win");
    }

    #[test]
    fn ipv6_text_form() {
        let cases: &[(&str, [u8; 16])] = &[
            ("::", [0; 16]),
            ("::1", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
            (
                "fe80::2c0:9fff:fe50:e00d",
                [
                    0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0xc0, 0x9f, 0xff, 0xfe, 0x50, 0xe0, 0x0d,
                ],
            ),
            (
                "2001:db8:0:1:1:1:1:1",
                [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1],
            ),
            (
                "2001:db8::1:0:0:1",
                [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1],
            ),
            (
                "ff02::1:ff00:1",
                [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 1],
            ),
        ];
        for (want, a) in cases {
            let mut s = String::new();
            write_ipv6(&mut s, a);
            assert_eq!(&s, want);
        }
    }
}
