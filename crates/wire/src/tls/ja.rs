//! Fingerprint strings of the hellos: JA3 / JA3S as tshark 4.0 builds them
//! (`tls.handshake.ja3_full`, `ja3s_full`; the MD5 is the engine's), and the
//! raw inputs of JA4 (FoxIO's spec; the SHA-256 is the engine's).

use super::handshake::{ClientHello, ServerHello};
use super::{extension_type as ext, is_grease};
use crate::field::{push_hex4, push_u64};

/// Append `vals` joined by `-`, GREASE values left out when `skip_grease`.
fn dashed(out: &mut String, vals: impl Iterator<Item = u16>, skip_grease: bool) {
    let mut first = true;
    for v in vals.filter(|v| !(skip_grease && is_grease(*v))) {
        if !first {
            out.push('-');
        }
        first = false;
        push_u64(out, u64::from(v));
    }
}

impl ClientHello<'_> {
    /// tshark's `tls.handshake.ja3_full`: version, cipher suites, extension
    /// types, supported groups and EC point formats, each list joined by `-`
    /// and GREASE left out, the five parts joined by `,`.
    pub fn write_ja3_full(&self, out: &mut String) {
        push_u64(out, u64::from(self.version()));
        out.push(',');
        dashed(out, self.cipher_suites(), true);
        out.push(',');
        dashed(out, self.extensions().map(|e| e.typ), true);
        out.push(',');
        dashed(out, self.supported_groups(), true);
        out.push(',');
        dashed(
            out,
            self.ec_point_formats().iter().map(|&f| u16::from(f)),
            false,
        );
    }

    /// The JA4 prefix and the two strings JA4 hashes, for TLS over TCP.
    pub fn ja4_parts(&self) -> Ja4Parts {
        self.ja4_parts_for('t')
    }

    /// As [`ja4_parts`](Self::ja4_parts) for another transport: `q` for QUIC,
    /// `d` for DTLS.
    pub fn ja4_parts_for(&self, transport: char) -> Ja4Parts {
        let mut prefix = String::with_capacity(10);
        prefix.push(transport);
        prefix.push_str(ja4_version(self.max_version()));
        prefix.push(if self.extension(ext::SERVER_NAME).is_some() {
            'd'
        } else {
            'i'
        });
        let ciphers: Vec<u16> = self.cipher_suites().filter(|c| !is_grease(*c)).collect();
        let exts: Vec<u16> = self
            .extensions()
            .map(|e| e.typ)
            .filter(|t| !is_grease(*t))
            .collect();
        for n in [ciphers.len(), exts.len()] {
            let n = n.min(99) as u8;
            prefix.push(char::from(b'0' + n / 10));
            prefix.push(char::from(b'0' + n % 10));
        }
        push_alpn_chars(&mut prefix, self.alpn().next());

        let mut sorted = ciphers;
        sorted.sort_unstable();
        let mut cipher_str = String::with_capacity(sorted.len() * 5);
        hex_list(&mut cipher_str, sorted.iter().copied());

        let mut ext_sorted: Vec<u16> = exts
            .into_iter()
            .filter(|t| *t != ext::SERVER_NAME && *t != ext::ALPN)
            .collect();
        ext_sorted.sort_unstable();
        let mut ext_str = String::with_capacity(ext_sorted.len() * 5 + 64);
        hex_list(&mut ext_str, ext_sorted.iter().copied());
        let mut sigs = self
            .signature_algorithms()
            .filter(|s| !is_grease(*s))
            .peekable();
        if sigs.peek().is_some() {
            ext_str.push('_');
            hex_list(&mut ext_str, sigs);
        }
        Ja4Parts {
            prefix,
            ciphers: cipher_str,
            extensions: ext_str,
        }
    }
}

impl ServerHello<'_> {
    /// tshark's `tls.handshake.ja3s_full`: version, cipher suite, extension
    /// types joined by `-`.
    pub fn write_ja3s_full(&self, out: &mut String) {
        push_u64(out, u64::from(self.version()));
        out.push(',');
        push_u64(out, u64::from(self.cipher_suite().unwrap_or(0)));
        out.push(',');
        dashed(out, self.extensions().map(|e| e.typ), true);
    }
}

/// JA4's inputs: `prefix` (e.g. `t13d1516h2`), and the strings whose
/// SHA-256 (first 12 hex digits) make its second and third parts:
/// `ja4 = prefix _ sha256_12(ciphers) _ sha256_12(extensions)`, where an
/// empty string hashes to `000000000000`. `prefix_ciphers_extensions` is
/// JA4's raw form (`ja4_r`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ja4Parts {
    pub prefix: String,
    /// Cipher suites as 4 hex digits, sorted, joined by `,` (GREASE left out).
    pub ciphers: String,
    /// Extension types as 4 hex digits, sorted, without SNI and ALPN (and
    /// GREASE), joined by `,`; then `_` and the signature algorithms in
    /// their order, when there are any.
    pub extensions: String,
}

/// JA4's two characters for a version.
fn ja4_version(v: u16) -> &'static str {
    match v {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        0x0002 => "s2",
        0xfeff => "d1",
        0xfefd => "d2",
        0xfefc => "d3",
        _ => "00",
    }
}

/// JA4's two ALPN characters: the first and last of the first protocol
/// when both are ASCII alphanumerics, else the first and last hex digits of
/// its bytes; `00` without ALPN.
fn push_alpn_chars(out: &mut String, first: Option<&[u8]>) {
    let Some(p) = first.filter(|p| !p.is_empty()) else {
        out.push_str("00");
        return;
    };
    let (a, z) = (
        p.first().copied().unwrap_or(0),
        p.last().copied().unwrap_or(0),
    );
    if a.is_ascii_alphanumeric() && z.is_ascii_alphanumeric() {
        out.push(char::from(a));
        out.push(char::from(z));
    } else {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        out.push(char::from(HEX[usize::from(a >> 4)]));
        out.push(char::from(HEX[usize::from(z & 0xf)]));
    }
}

fn hex_list(out: &mut String, vals: impl Iterator<Item = u16>) {
    for (i, v) in vals.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_hex4(out, v);
    }
}
