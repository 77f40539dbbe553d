//! The fields of one certificate as Zeek's X.509 analyzer fills
//! `X509::Certificate`, `X509::SubjectAlternativeName` and
//! `X509::BasicConstraints` with OpenSSL:
//! - `version` is the encoded version plus one;
//! - `serial` is `i2a_ASN1_INTEGER`'s text: upper-case hex of the
//!   integer's magnitude (no sign-padding byte), `-` first when negative,
//!   `00` for an empty one, a `\` and a line break after every 35 bytes;
//! - `subject` and `issuer` as `X509_NAME_print_ex(…, XN_FLAG_RFC2253)`;
//! - `key_alg` (the public key's algorithm) and `sig_alg` (the signature's)
//!   as `i2t_ASN1_OBJECT` names them: OpenSSL's long name, else the dotted
//!   OID;
//! - with a key OpenSSL loads: `key_type` `rsa` (with `exponent` in
//!   decimal), `dsa` or `ec` (with `curve`, OpenSSL's short name of a
//!   named curve), and `key_length` (bits of the RSA modulus, the DSA
//!   prime, the EC group's order); a key of another type (Ed25519, RSA-PSS,
//!   …) has none of these;
//! - the subjectAltName's DNS names, URIs, e-mail addresses (each up to a
//!   NUL byte, as a C string) and IPv4/IPv6 addresses; a list with nothing
//!   in it is unset;
//! - basicConstraints' `ca` and `path_len`.
//!
//! Known differences: a certificate x509-parser rejects and OpenSSL takes
//! (or the reverse) is logged by one and not the other; an EC key's point
//! is not checked to be on its curve (OpenSSL would not load a key whose
//! point is not), and one with explicit curve parameters is left without
//! `key_type`; an RSA exponent longer than [`MAX_EXPONENT`] bytes is not
//! written out.

use super::names::rfc2253;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
use x509_parser::x509::AlgorithmIdentifier;

/// Entries of each subjectAltName list kept.
pub const MAX_SAN: usize = 1024;

/// Longest RSA exponent written in decimal (real ones are 3 or 65537).
pub const MAX_EXPONENT: usize = 64;

/// Host names kept from a subject's common names when there is no DNS name.
const MAX_CNS: usize = 16;

/// A certificate's public key, as OpenSSL loads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// `rsa`, `dsa` or `ec`.
    pub kind: &'static str,
    pub bits: Option<u64>,
    /// An RSA key's public exponent, in decimal.
    pub exponent: Option<String>,
    /// An EC key's named curve.
    pub curve: Option<&'static str>,
}

/// The subjectAltName extension's names Zeek logs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct San {
    pub dns: Vec<String>,
    pub uri: Vec<String>,
    pub email: Vec<String>,
    pub ip: Vec<IpAddr>,
}

/// The basicConstraints extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Basic {
    pub ca: bool,
    pub path_len: Option<u64>,
}

/// What the logs read of one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cert {
    pub version: u64,
    pub serial: String,
    pub subject: String,
    pub issuer: String,
    /// Validity, in seconds since the epoch.
    pub not_before: i64,
    pub not_after: i64,
    pub key_alg: String,
    pub sig_alg: String,
    pub key: Option<Key>,
    pub san: Option<San>,
    pub basic: Option<Basic>,
    /// The names an SNI is matched against: the subjectAltName's DNS
    /// names, else the subject's common names.
    pub host_names: Vec<String>,
}

impl Cert {
    /// The fields of a DER certificate, or None when it does not parse.
    pub fn parse(der: &[u8]) -> Option<Cert> {
        let (_, c) = X509Certificate::from_der(der).ok()?;
        let san = c.subject_alternative_name().ok().flatten().map(|ext| {
            let mut s = San::default();
            for g in &ext.value.general_names {
                let (list, name) = match g {
                    GeneralName::DNSName(n) => (&mut s.dns, n),
                    GeneralName::URI(n) => (&mut s.uri, n),
                    GeneralName::RFC822Name(n) => (&mut s.email, n),
                    GeneralName::IPAddress(b) => {
                        if s.ip.len() < MAX_SAN {
                            s.ip.extend(ip(b));
                        }
                        continue;
                    }
                    _ => continue,
                };
                if list.len() < MAX_SAN {
                    list.push(c_string(name));
                }
            }
            s
        });
        let host_names = match san.as_ref().filter(|s| !s.dns.is_empty()) {
            Some(s) => s.dns.clone(),
            None => c
                .subject()
                .iter_common_name()
                .filter_map(|cn| cn.as_str().ok().map(str::to_owned))
                .take(MAX_CNS)
                .collect(),
        };
        let basic = c.basic_constraints().ok().flatten().map(|b| Basic {
            ca: b.value.ca,
            path_len: b.value.path_len_constraint.map(u64::from),
        });
        let spki = c.public_key();
        Some(Cert {
            version: u64::from(c.version().0) + 1,
            serial: serial_text(c.raw_serial()),
            subject: rfc2253(c.subject()),
            issuer: rfc2253(c.issuer()),
            not_before: c.validity().not_before.timestamp(),
            not_after: c.validity().not_after.timestamp(),
            key_alg: alg_name(&spki.algorithm),
            sig_alg: alg_name(&c.signature_algorithm),
            key: key(&spki.algorithm, &spki.subject_public_key.data),
            san,
            basic,
            host_names,
        })
    }
}

/// A name of the subjectAltName as Zeek takes it: a C string, ending at
/// the first NUL.
fn c_string(s: &str) -> String {
    s.split('\0').next().unwrap_or_default().to_owned()
}

/// An iPAddress name: four or sixteen bytes (others Zeek skips).
fn ip(b: &[u8]) -> Option<IpAddr> {
    if let Ok(v4) = <[u8; 4]>::try_from(b) {
        return Some(IpAddr::V4(Ipv4Addr::from(v4)));
    }
    <[u8; 16]>::try_from(b)
        .ok()
        .map(|v6| IpAddr::V6(Ipv6Addr::from(v6)))
}

/// `i2a_ASN1_INTEGER` of a DER INTEGER's content octets.
fn serial_text(content: &[u8]) -> String {
    let negative = content.first().is_some_and(|&b| b & 0x80 != 0);
    let magnitude = if negative {
        twos_complement(content)
    } else {
        // The sign-padding zero OpenSSL drops (a lone zero is the value 0).
        match content {
            [0, rest @ ..] if !rest.is_empty() => rest.to_vec(),
            _ => content.to_vec(),
        }
    };
    let mut s = String::with_capacity(2 * magnitude.len() + 2);
    if negative {
        s.push('-');
    }
    if magnitude.is_empty() {
        s.push_str("00");
    }
    for (i, b) in magnitude.iter().enumerate() {
        if i > 0 && i % 35 == 0 {
            s.push_str("\\\n");
        }
        s.push_str(&format!("{b:02X}"));
    }
    s
}

/// The magnitude of a negative two's-complement integer, without leading
/// zero bytes.
fn twos_complement(b: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = b.iter().map(|x| !x).collect();
    for x in out.iter_mut().rev() {
        let (v, carry) = x.overflowing_add(1);
        *x = v;
        if !carry {
            break;
        }
    }
    let lead = out.iter().take_while(|&&x| x == 0).count();
    out.split_off(lead)
}

/// OpenSSL's long names of the algorithms certificates use (what
/// `i2t_ASN1_OBJECT` prints); the dotted OID for others.
fn alg_name(a: &AlgorithmIdentifier<'_>) -> String {
    let oid = a.algorithm.to_id_string();
    let name = match oid.as_str() {
        "1.2.840.113549.1.1.1" => "rsaEncryption",
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.3" => "md4WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.3.14.3.2.3" => "md5WithRSA",
        "1.3.14.3.2.29" => "sha1WithRSA",
        "1.2.840.10040.4.1" => "dsaEncryption",
        "1.2.840.10040.4.3" => "dsaWithSHA1",
        "2.16.840.1.101.3.4.3.1" => "dsa_with_SHA224",
        "2.16.840.1.101.3.4.3.2" => "dsa_with_SHA256",
        "1.2.840.10045.2.1" => "id-ecPublicKey",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.110" => "X25519",
        "1.3.101.111" => "X448",
        "1.3.101.112" => "ED25519",
        "1.3.101.113" => "ED448",
        _ => return oid,
    };
    name.to_owned()
}

/// OpenSSL's short name and order bits of the named curves it knows.
fn curve(oid: &str) -> Option<(&'static str, u64)> {
    Some(match oid {
        "1.2.840.10045.3.1.1" => ("prime192v1", 192),
        "1.3.132.0.33" => ("secp224r1", 224),
        "1.2.840.10045.3.1.7" => ("prime256v1", 256),
        "1.3.132.0.34" => ("secp384r1", 384),
        "1.3.132.0.35" => ("secp521r1", 521),
        "1.3.132.0.10" => ("secp256k1", 256),
        "1.3.36.3.3.2.8.1.1.7" => ("brainpoolP256r1", 256),
        "1.3.36.3.3.2.8.1.1.11" => ("brainpoolP384r1", 384),
        "1.3.36.3.3.2.8.1.1.13" => ("brainpoolP512r1", 512),
        _ => return None,
    })
}

/// The key of a SubjectPublicKeyInfo, as Zeek reads it from OpenSSL.
fn key(alg: &AlgorithmIdentifier<'_>, bits: &[u8]) -> Option<Key> {
    match alg.algorithm.to_id_string().as_str() {
        // Zeek reads an RSA key labelled md5WithRSAEncryption (RDP servers
        // send those) as rsaEncryption.
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.4" => {
            // RSAPublicKey: SEQUENCE { modulus, publicExponent }.
            let (seq, _) = der_element(bits, 0x30)?;
            let (n, rest) = der_element(seq, 0x02)?;
            let (e, _) = der_element(rest, 0x02)?;
            Some(Key {
                kind: "rsa",
                bits: Some(bit_length(n)),
                exponent: decimal(e),
                curve: None,
            })
        }
        "1.2.840.10040.4.1" => {
            // Dss-Parms: SEQUENCE { p, q, g }; the key's size is p's.
            let params = alg.parameters.as_ref()?;
            let (p, _) = der_element(params.data, 0x02)?;
            Some(Key {
                kind: "dsa",
                bits: Some(bit_length(p)),
                exponent: None,
                curve: None,
            })
        }
        "1.2.840.10045.2.1" => {
            let named = alg.parameters.as_ref()?.as_oid().ok()?.to_id_string();
            let (name, order_bits) = curve(&named)?;
            Some(Key {
                kind: "ec",
                bits: Some(order_bits),
                exponent: None,
                curve: Some(name),
            })
        }
        _ => None,
    }
}

/// The content of the DER element at the start of `b` if its tag is
/// `tag`, and what follows it.
fn der_element(b: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = b.split_first()?;
    if t != tag {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let len_bytes = rest.get(..n)?;
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, &x| (acc << 8) | usize::from(x));
        (len, rest.get(n..)?)
    };
    Some((rest.get(..len)?, rest.get(len..)?))
}

/// Bits of a non-negative big-endian integer (`BN_num_bits`).
fn bit_length(b: &[u8]) -> u64 {
    let lead = b.iter().take_while(|&&x| x == 0).count();
    match b.get(lead..) {
        Some([first, rest @ ..]) => rest.len() as u64 * 8 + u64::from(8 - first.leading_zeros()),
        _ => 0,
    }
}

/// A non-negative big-endian integer in decimal (`BN_bn2dec`), when it is
/// at most [`MAX_EXPONENT`] bytes.
fn decimal(b: &[u8]) -> Option<String> {
    let lead = b.iter().take_while(|&&x| x == 0).count();
    let mut n: Vec<u8> = b.get(lead..)?.to_vec();
    if n.len() > MAX_EXPONENT {
        return None;
    }
    let mut digits = Vec::new();
    while !n.is_empty() {
        // Divide by ten, most significant byte first.
        let mut rem = 0u32;
        for x in n.iter_mut() {
            let cur = (rem << 8) | u32::from(*x);
            *x = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
        let lead = n.iter().take_while(|&&x| x == 0).count();
        n.drain(..lead);
    }
    if digits.is_empty() {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).ok()
}

#[cfg(test)]
mod tests;
