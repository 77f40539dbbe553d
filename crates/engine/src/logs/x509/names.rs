//! A certificate's subject and issuer as Zeek logs them, as OpenSSL's
//! `X509_NAME_print_ex(…, XN_FLAG_RFC2253)` prints them: RDNs last first,
//! joined by `,`, multi-valued ones by `+`, short attribute names, RFC 2253
//! escapes, bytes above 0x7f of the UTF-8 text as `\XX`, unknown
//! attributes as `OID=#hex`.

use x509_parser::prelude::X509Name;

/// OpenSSL's short names of the attributes certificates use.
fn short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "street",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "title",
        "2.5.4.13" => "description",
        "2.5.4.15" => "businessCategory",
        "2.5.4.17" => "postalCode",
        "2.5.4.41" => "name",
        "2.5.4.42" => "GN",
        "2.5.4.43" => "initials",
        "2.5.4.44" => "generationQualifier",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        "2.5.4.97" => "organizationIdentifier",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "1.2.840.113549.1.9.2" => "unstructuredName",
        "0.9.2342.19200300.100.1.1" => "UID",
        "0.9.2342.19200300.100.1.25" => "DC",
        "1.3.6.1.4.1.311.60.2.1.1" => "jurisdictionL",
        "1.3.6.1.4.1.311.60.2.1.2" => "jurisdictionST",
        "1.3.6.1.4.1.311.60.2.1.3" => "jurisdictionC",
        _ => return None,
    })
}

/// A string value's text (UTF-8), by its ASN.1 type; None for types that
/// are not strings.
fn text(tag: u32, data: &[u8]) -> Option<String> {
    Some(match tag {
        // UTF8String, PrintableString, IA5String, NumericString,
        // VisibleString.
        12 | 18 | 19 | 22 | 26 => String::from_utf8_lossy(data).into_owned(),
        // T61String: OpenSSL reads it as Latin-1.
        20 => data.iter().map(|&b| char::from(b)).collect(),
        // BMPString (UTF-16BE) and UniversalString (UTF-32BE).
        30 => {
            let units: Vec<u16> = data
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        28 => data
            .chunks_exact(4)
            .map(|c| {
                char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                    .unwrap_or(char::REPLACEMENT_CHARACTER)
            })
            .collect(),
        _ => return None,
    })
}

/// A value with RFC 2253's escapes as OpenSSL writes them.
pub(crate) fn escape(s: &str, out: &mut String) {
    let bytes = s.as_bytes();
    let last = bytes.len().saturating_sub(1);
    for (i, &b) in bytes.iter().enumerate() {
        let special = matches!(b, b',' | b'+' | b'"' | b'\\' | b'<' | b'>' | b';')
            || (i == 0 && (b == b'#' || b == b' '))
            || (i == last && b == b' ');
        if !(0x20..0x7f).contains(&b) {
            out.push_str(&format!("\\{b:02X}"));
        } else if special {
            out.push('\\');
            out.push(char::from(b));
        } else {
            out.push(char::from(b));
        }
    }
}

/// The DER of a value (tag, definite length, content), for `#hex`.
fn der_hex(tag: u32, data: &[u8], out: &mut String) {
    out.push('#');
    out.push_str(&format!("{:02X}", tag & 0x1f));
    let n = data.len();
    if n < 0x80 {
        out.push_str(&format!("{n:02X}"));
    } else {
        let be = (n as u64).to_be_bytes();
        let skip = be.iter().take_while(|&&b| b == 0).count();
        out.push_str(&format!("{:02X}", 0x80 | (8 - skip)));
        for b in be.iter().skip(skip) {
            out.push_str(&format!("{b:02X}"));
        }
    }
    for b in data {
        out.push_str(&format!("{b:02X}"));
    }
}

/// A name as OpenSSL prints it with XN_FLAG_RFC2253.
pub fn rfc2253(name: &X509Name<'_>) -> String {
    let mut out = String::new();
    let rdns: Vec<_> = name.iter_rdn().collect();
    for (i, rdn) in rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            let oid = atv.attr_type().to_id_string();
            let value = atv.attr_value();
            let tag = value.tag().0;
            match short_name(&oid) {
                Some(sn) => {
                    out.push_str(sn);
                    out.push('=');
                    match text(tag, value.data) {
                        Some(t) => escape(&t, &mut out),
                        None => der_hex(tag, value.data, &mut out),
                    }
                }
                None => {
                    out.push_str(&oid);
                    out.push('=');
                    der_hex(tag, value.data, &mut out);
                }
            }
        }
    }
    out
}
