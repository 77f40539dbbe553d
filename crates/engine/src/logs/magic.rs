//! A file's MIME type from its first bytes, as Zeek 6's file signatures
//! give it (`base/frameworks/files/magic/*.sig`): http.log's
//! `*_mime_types` and files.log's `mime_type`.
//!
//! Zeek matches every signature against the file's start and takes the
//! strongest match; between equally strong ones, the type that sorts
//! first. [`SIGNATURES`] is kept in that order (a test checks it), so the
//! first that matches wins. Each matcher is anchored at the file's start,
//! as Zeek's signature patterns are. These are the signatures of the types
//! met on the web, in archives, images, fonts, audio, video, office
//! documents and executables; Zeek's others (the Office Open XML kinds,
//! which need a second zip entry past the bytes kept, and rarer archives
//! and images) are not here, so such a file gets the type of a weaker
//! match or none.

/// A signature: Zeek's strength, the type, and whether the bytes match.
type Signature = (i32, &'static str, fn(&[u8]) -> bool);

/// Strongest first, then by type.
const SIGNATURES: &[Signature] = &[
    (250, "text/x-shellscript", |b| {
        shebang(
            b,
            &[
                b"sh", b"bash", b"tcsh", b"csh", b"zsh", b"fash", b"aesh", b"ksh",
            ],
        )
    }),
    (180, "application/x-msaccess", |b| {
        matches!(b.get(4..19), Some(b"Standard Jet DB" | b"Standard ACE DB"))
            && b.get(19) == Some(&0)
    }),
    (171, "application/x-debian-package", |b| {
        b.starts_with(b"!<arch>\ndebian")
    }),
    (110, "application/vnd.ms-cab-compressed", |b| {
        b.starts_with(b"MSCF\0\0\0\0")
    }),
    (110, "image/png", |b| b.starts_with(b"\x89PNG")),
    (110, "video/x-matroska", |b| ebml_doc_type(b, b"matroska")),
    (100, "application/java-archive", jar),
    (100, "application/vnd.ms-tnef", |b| {
        b.starts_with(b"\x78\x9f\x3e\x22")
    }),
    (100, "application/vnd.tcpdump.pcap", |b| {
        b.starts_with(b"\x0a\x0d\x0d\x0a")
            && matches!(
                b.get(8..12),
                Some(b"\x1a\x2b\x3c\x4d" | b"\x4d\x3c\x2b\x1a")
            )
    }),
    (100, "application/x-gzip", |b| b.starts_with(b"\x1f\x8b")),
    (100, "application/x-java-jnlp-file", |b| {
        b.starts_with(b"<jnlp ")
    }),
    (100, "application/x-mach-o-executable", |b| {
        matches!(b.get(..4), Some(b"\xce\xfa\xed\xfe" | b"\xcf\xfa\xed\xfe"))
            || (b.starts_with(b"\xca\xfe\xba\xbe")
                && b.get(6) == Some(&0)
                && b.get(7).is_some_and(|v| (1..=0x14).contains(v)))
    }),
    (100, "application/x-xar", |b| b.starts_with(b"xar!")),
    (100, "text/html", |b| {
        markup_tag(b).is_some_and(|t| {
            doctype_html(t) || starts_ci(t, b"<html") || {
                let rest = t.strip_prefix(b"<").unwrap_or_default();
                starts_ci(rest, b"meta ")
                    && starts_ci(
                        rest.get(4..).unwrap_or_default().trim_ascii_start(),
                        b"http-equiv",
                    )
            }
        })
    }),
    (90, "application/x-xz", |b| b.starts_with(b"\xfd7zXZ\0")),
    (90, "text/rss", |b| {
        markup_tag(b).is_some_and(|t| starts_ci(t, b"<rss"))
    }),
    (80, "application/pdf", |b| b.starts_with(b"%PDF-")),
    (80, "application/x-font-ttf", |b| {
        b.starts_with(b"\0\x01\0\0\0")
    }),
    (71, "application/ocsp-request", |b| {
        der_oid_at(b, b"\x06\x05\x2b\x0e\x03\x02\x1a")
    }),
    (71, "application/ocsp-response", |b| {
        der_oid_at(b, b"\x06\x09\x2b\x06\x01\x05\x05\x07\x30\x01\x01")
    }),
    (71, "application/x-java-applet", |b| {
        b.starts_with(b"\xca\xfe\xba\xbe") && b.get(7).is_some_and(|v| (0x2d..=0x34).contains(v))
    }),
    (71, "application/x-lzma", |b| b.starts_with(b"\x5d\0\0")),
    (71, "video/mpv", |b| b.starts_with(b"\0\0\x01\xb3")),
    (70, "application/font-woff", |b| b.starts_with(b"wOFF")),
    (70, "application/font-woff2", |b| b.starts_with(b"wOF2")),
    (70, "application/vnd.ms-opentype", |b| {
        b.starts_with(b"OTTO")
    }),
    (70, "application/vnd.tcpdump.pcap", |b| {
        matches!(b.get(..4), Some(b"\xa1\xb2\xc3\xd4" | b"\xd4\xc3\xb2\xa1"))
    }),
    (70, "application/x-rar", |b| b.starts_with(b"Rar!")),
    (70, "audio/m4a", |b| b.get(4..11) == Some(b"ftypm4a")),
    (70, "image/gif", |b| b.starts_with(b"GIF8")),
    (70, "image/tiff", |b| {
        b.starts_with(b"MM\0\x2a")
            || b.starts_with(b"MM\0\x2b")
            || b.starts_with(b"II\x2a\0")
            || b.starts_with(b"II\x2b\0")
    }),
    (70, "image/vnd.adobe.photoshop", |b| b.starts_with(b"8BPS")),
    (70, "image/webp", |b| {
        b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP")
    }),
    (70, "image/x-cursor", |b| b.starts_with(b"\0\0\x02\0")),
    (70, "image/x-icon", |b| b.starts_with(b"\0\0\x01\0")),
    (70, "video/mp4", |b| {
        matches!(b.get(4..12), Some(b"ftypisom" | b"ftypmp41" | b"ftypmp42"))
    }),
    (70, "video/quicktime", |b| {
        matches!(b.get(4..8), Some(b"mdat" | b"moov"))
    }),
    (70, "video/webm", |b| ebml_doc_type(b, b"webm")),
    (70, "video/x-jng", |b| b.starts_with(b"\x8bJNG")),
    (70, "video/x-mng", |b| b.starts_with(b"\x8aMNG")),
    (60, "application/javascript", |b| {
        shebang(b, &[b"node"]) || javascript(b)
    }),
    (60, "application/x-bzip2", |b| b.starts_with(b"BZh")),
    (60, "application/x-shockwave-flash", |b| {
        matches!(b.first(), Some(b'F' | b'C' | b'Z')) && b.get(1..3) == Some(b"WS")
    }),
    (60, "text/x-perl", |b| shebang(b, &[b"perl"])),
    (60, "text/x-php", |b| shebang(b, &[b"php"])),
    (60, "text/x-python", |b| shebang(b, &[b"python"])),
    (60, "text/x-ruby", |b| shebang(b, &[b"ruby"])),
    (60, "video/3gpp", |b| {
        b.get(4..8) == Some(b"ftyp")
            && [
                &b"3ge"[..],
                b"3gg",
                b"3gp",
                b"3gs",
                b"3g2",
                b"avc1",
                b"mmp4",
            ]
            .iter()
            .any(|t| b.get(8..).is_some_and(|r| r.starts_with(t)))
    }),
    (60, "video/x-flv", |b| b.starts_with(b"FLV")),
    (52, "image/jpeg", |b| b.starts_with(b"\xff\xd8")),
    (51, "application/x-dosexec", |b| b.starts_with(b"MZ")),
    (50, "application/msword", |b| {
        b.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    }),
    (50, "application/vnd.ms-fontobject", |b| {
        b.get(34..36) == Some(b"LP")
    }),
    (50, "application/vnd.openxmlformats-officedocument", |b| {
        b.starts_with(b"PK\x03\x04\x14\0\x06\0")
    }),
    (50, "application/x-7z-compressed", |b| {
        b.starts_with(b"7z\xbc\xaf\x27\x1c")
    }),
    (50, "application/x-coredump", |b| elf(b, 4)),
    (50, "application/x-executable", |b| elf(b, 2)),
    (50, "application/x-object", |b| elf(b, 1)),
    (50, "application/x-sharedlib", |b| elf(b, 3)),
    (50, "image/x-ms-bmp", |b| {
        b.starts_with(b"BM")
            && matches!(b.get(14), Some(0x0c | 0x28 | 0x40 | 0x6c | 0x7c | 0x80))
            && b.get(15) == Some(&0)
    }),
    (50, "video/mpeg", |b| {
        b.starts_with(b"\0\0\x01") && b.get(3).is_some_and(|v| (0xb0..=0xbb).contains(v))
    }),
    (49, "application/soap+xml", |b| {
        markup_tag(b).is_some_and(|t| {
            let t = t.get(1..).unwrap_or_default();
            let t = if starts_ci(t, b"soap-env:") {
                t.get(9..)
            } else {
                t.get(5..).filter(|_| starts_ci(t, b"soap:"))
            };
            t.is_some_and(|t| starts_ci(t, b"envelope"))
        })
    }),
    (49, "application/x-ms-shortcut", |b| {
        b.starts_with(b"\x4c\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0\x46")
    }),
    (49, "application/xml-rpc", |b| {
        markup_tag(b).is_some_and(|t| starts_ci(t, b"<methodresponse>"))
    }),
    (49, "text/html", |b| markup_tag(b).is_some_and(doctype_html)),
    (49, "text/x-cross-domain-policy", |b| {
        markup_tag(b).is_some_and(|t| {
            let t = t.get(1..).unwrap_or_default();
            let t = match t.strip_prefix(b"!").filter(|d| starts_ci(d, b"doctype ")) {
                Some(d) => d.get(8..).unwrap_or_default().trim_ascii_start(),
                None => t,
            };
            starts_ci(t, b"cross-domain-policy")
        })
    }),
    (41, "video/h264", |b| {
        b.starts_with(b"\0\0\0\x01")
            && matches!(
                b.get(4),
                Some(0x07 | 0x27 | 0x47 | 0x67 | 0x87 | 0xa7 | 0xc7 | 0xe7)
            )
    }),
    (40, "text/x-php", |b| {
        let line = b.split(|&c| c == b'\n').next().unwrap_or_default();
        memchr::memmem::find(line, b"<?php").is_some()
    }),
    (21, "video/mp2p", |b| {
        b.starts_with(b"\0\0\x01\xba")
            && b.get(4)
                .is_some_and(|v| (0x40..=0x7f).contains(v) || *v >= 0xc0)
    }),
    (20, "audio/mpeg", |b| {
        b.first() == Some(&0xff)
            && matches!(
                b.get(1),
                Some(0xe2 | 0xe3 | 0xf2 | 0xf3 | 0xf6 | 0xf7 | 0xfa | 0xfb | 0xfc | 0xfd)
            )
    }),
    (20, "text/html", |b| {
        markup_tag(b).is_some_and(|t| {
            [&b"<head"[..], b"<html", b"<title", b"<body"]
                .iter()
                .any(|p| starts_ci(t, p))
        })
    }),
    (10, "application/sla", |b| b.starts_with(b"solid ")),
    (10, "application/xml", |b| {
        after_comments(skip_bom(b)).starts_with(b"<?xml ")
    }),
    (10, "application/zip", |b| {
        (b.starts_with(b"PK\x03\x04") && b.len() >= 6) || b.starts_with(b"PK\x07\x08PK\x03\x04")
    }),
    (1, "text/json", json),
    (0, "text/json", |b| {
        let t = skip_bom(b).trim_ascii();
        t == b"[]" || t == b"{}"
    }),
    (-20, "text/plain", plain),
];

/// The MIME type Zeek's signatures give a file starting with `b`.
pub fn mime_type(b: &[u8]) -> Option<&'static str> {
    SIGNATURES.iter().find(|(_, _, m)| m(b)).map(|(_, t, _)| *t)
}

fn starts_ci(b: &[u8], p: &[u8]) -> bool {
    b.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p))
}

fn skip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b)
}

/// Zeek's `[\x0d\x0a[:blank:]]`.
fn is_space(c: u8) -> bool {
    matches!(c, b'\r' | b'\n' | b' ' | b'\t')
}

fn skip_space(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&c| is_space(c)).count();
    b.get(n..).unwrap_or_default()
}

/// Past blanks and `<!-- … -->` comments (each on one line: Zeek's `.`
/// is any byte but a newline).
fn after_comments(mut b: &[u8]) -> &[u8] {
    loop {
        b = skip_space(b);
        let Some(rest) = b.strip_prefix(b"<!--") else {
            return b;
        };
        let line = rest.split(|&c| c == b'\n').next().unwrap_or_default();
        match memchr::memmem::rfind(line, b"-->") {
            Some(i) => b = rest.get(i + 3..).unwrap_or_default(),
            None => return b,
        }
    }
}

/// Where the first tag of a markup document starts: past a byte order
/// mark, blanks, comments and an `<?xml … ?>` declaration, at a `<`.
fn markup_tag(b: &[u8]) -> Option<&[u8]> {
    let mut t = after_comments(skip_bom(b));
    if let Some(decl) = t.strip_prefix(b"<?xml ") {
        let line = decl.split(|&c| c == b'\n').next().unwrap_or_default();
        if let Some(i) = memchr::memmem::rfind(line, b"?>") {
            t = after_comments(decl.get(i + 2..).unwrap_or_default());
        }
    }
    t.starts_with(b"<").then_some(t)
}

/// `<!DOCTYPE html` (any case, one or more spaces).
fn doctype_html(t: &[u8]) -> bool {
    starts_ci(t, b"<!doctype ")
        && starts_ci(t.get(10..).unwrap_or_default().trim_ascii_start(), b"html")
}

/// `#!` and at most 15 bytes of a path to `bin/`, then (past `env`) a
/// program whose name starts with one of `names`.
fn shebang(b: &[u8], names: &[&[u8]]) -> bool {
    let Some(rest) = b.strip_prefix(b"#!") else {
        return false;
    };
    let line = rest.split(|&c| c == b'\n').next().unwrap_or_default();
    (1..=15).any(|n| {
        let Some(prog) = line.get(n..).and_then(|p| p.strip_prefix(b"bin/")) else {
            return false;
        };
        let after_env = prog
            .strip_prefix(b"env")
            .filter(|p| p.first().is_some_and(|c| c.is_ascii_whitespace()))
            .map(|p| p.trim_ascii_start());
        [Some(prog), after_env]
            .into_iter()
            .flatten()
            .any(|p| names.iter().any(|n| p.starts_with(n)))
    })
}

/// A JAR: a zip whose first entry, within 200 bytes, is the manifest.
fn jar(b: &[u8]) -> bool {
    b.starts_with(b"PK\x03\x04")
        && (5..=204).any(|i| {
            b.get(i..i + 2) == Some(b"\x14\0")
                && b.get(i + 4..)
                    .is_some_and(|r| r.starts_with(b"META-INF/MANIFEST.MF"))
        })
}

/// An OCSP message over HTTP: the OID `oid` 11 to 19 bytes in.
fn der_oid_at(b: &[u8], oid: &[u8]) -> bool {
    (11..=19).any(|i| b.get(i..).is_some_and(|r| r.starts_with(oid)))
}

/// An EBML (Matroska) file whose DocType is `doc_type`.
fn ebml_doc_type(b: &[u8], doc_type: &[u8]) -> bool {
    b.starts_with(b"\x1a\x45\xdf\xa3")
        && memchr::memmem::find_iter(b, b"B\x82")
            .any(|i| b.get(i + 3..).is_some_and(|r| r.starts_with(doc_type)))
}

/// An ELF file (32 or 64 bits) of object type `e_type`, in the byte order
/// its header gives.
fn elf(b: &[u8], e_type: u8) -> bool {
    b.starts_with(b"\x7fELF")
        && matches!(b.get(4), Some(1 | 2))
        && match b.get(5) {
            Some(1) => b.get(16..18) == Some(&[e_type, 0]),
            Some(2) => b.get(16..18) == Some(&[0, e_type]),
            _ => false,
        }
}

/// The common JavaScript openings Zeek knows.
fn javascript(b: &[u8]) -> bool {
    let t = skip_space(b);
    if let Some(rest) = t.strip_prefix(b"<").filter(|r| starts_ci(r, b"script")) {
        let rest = rest.get(6..).unwrap_or_default();
        // <script> var|function …
        if let Some(r) = rest.strip_prefix(b">") {
            let r = skip_space(r);
            return r.starts_with(b"var ") || r.starts_with(b"function ");
        }
        // <script type=|language= ['"]? (text/)? javascript
        let n = rest
            .iter()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count();
        if n == 0 {
            return false;
        }
        let r = rest.get(n..).unwrap_or_default();
        let r = if starts_ci(r, b"type=") {
            r.get(5..)
        } else if starts_ci(r, b"language=") {
            r.get(9..)
        } else {
            None
        };
        let Some(r) = r else { return false };
        let r = r.strip_prefix(b"'").or(r.strip_prefix(b"\"")).unwrap_or(r);
        let r = if starts_ci(r, b"text/") {
            r.get(5..).unwrap_or_default()
        } else {
            r
        };
        return starts_ci(r, b"javascript");
    }
    t.starts_with(b"for (;;);")
        || (t.starts_with(b"document.write") && {
            let r = t.get(14..).unwrap_or_default();
            let r = r.strip_prefix(b"ln").unwrap_or(r);
            let r = r.strip_prefix(b" ").or(r.strip_prefix(b"\t")).unwrap_or(r);
            r.starts_with(b"(")
        })
        || (b.starts_with(b"(function()") && {
            let r = b.get(11..).unwrap_or_default();
            let n = r
                .iter()
                .take_while(|&&c| matches!(c, b' ' | b'\t' | b'\n'))
                .count();
            r.get(n) == Some(&b'{')
        })
}

/// A JSON object with a first member, or an array whose first element is
/// a value followed by a comma, an object or an array.
fn json(b: &[u8]) -> bool {
    let t = skip_space(skip_bom(b));
    if let Some(r) = t.strip_prefix(b"{") {
        let r = skip_space(r);
        let key_end = if let Some(q) = r.strip_prefix(b"\"") {
            match memchr::memchr(b'"', q) {
                Some(0) | None => return false,
                Some(i) => q.get(i + 1..),
            }
        } else if r.first().is_some_and(u8::is_ascii_alphabetic) {
            let n = r
                .iter()
                .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'\\' || c == b'_')
                .count();
            r.get(n..)
        } else {
            None
        };
        let Some(r) = key_end.map(skip_space).and_then(|r| r.strip_prefix(b":")) else {
            return false;
        };
        let r = skip_space(r);
        return matches!(r.first(), Some(b'"' | b'[' | b'{' | b'0'..=b'9'))
            || r.starts_with(b"true")
            || r.starts_with(b"false");
    }
    let Some(r) = t.strip_prefix(b"[").map(skip_space) else {
        return false;
    };
    if matches!(r.first(), Some(b'{' | b'[')) {
        return true;
    }
    let after = if let Some(q) = r.strip_prefix(b"\"") {
        match memchr::memchr(b'"', q) {
            Some(0) | None => None,
            Some(i) => q.get(i + 1..),
        }
    } else if r.starts_with(b"true") {
        r.get(4..)
    } else if r.starts_with(b"false") {
        r.get(5..)
    } else {
        let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
        let r2 = r.get(n..).filter(|_| n > 0);
        r2.map(|x| match x.strip_prefix(b".") {
            Some(f) => {
                let m = f.iter().take_while(|c| c.is_ascii_digit()).count();
                if m > 0 {
                    f.get(m..).unwrap_or_default()
                } else {
                    x
                }
            }
            None => x,
        })
    };
    after.map(skip_space).is_some_and(|a| a.starts_with(b","))
}

/// Ten printable ASCII bytes or blanks, after an optional UTF-8, UTF-16
/// or UTF-32 byte order mark.
fn plain(b: &[u8]) -> bool {
    let boms: [&[u8]; 5] = [
        b"\xef\xbb\xbf",
        b"\0\0\xfe\xff",
        b"\xfe\xff",
        b"\xff\xfe\0\0",
        b"\xff\xfe",
    ];
    let starts = std::iter::once(b).chain(boms.iter().filter_map(|m| b.strip_prefix(*m)));
    starts.into_iter().any(|t| {
        t.get(..10).is_some_and(|h| {
            h.iter()
                .all(|&c| (0x20..=0x7e).contains(&c) || (9..=13).contains(&c))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_in_zeeks_order() {
        for w in SIGNATURES.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            assert!(
                a.0 > b.0 || (a.0 == b.0 && a.1 <= b.1),
                "{} before {}",
                a.1,
                b.1
            );
        }
    }

    #[test]
    fn the_strongest_match_wins() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Some("image/png")),
            (b"GIF89a\x01\0", Some("image/gif")),
            (b"\xff\xd8\xff\xe0\0\x10JFIF", Some("image/jpeg")),
            // An HTML document is also ten printable bytes: text/html wins.
            (b"<!DOCTYPE html>\n<html>", Some("text/html")),
            (b"\n  <!-- a comment -->\n<HTML><head>", Some("text/html")),
            (b"<?xml version=\"1.0\"?>\n<html xmlns=", Some("text/html")),
            (b"<?xml version=\"1.0\"?>\n<feedx>", Some("application/xml")),
            (b"<head><title>x</title>", Some("text/html")),
            (b"<rss version=\"2.0\">", Some("text/rss")),
            (b"{\"a\": 1, \"b\": [2]}", Some("text/json")),
            (b"[1.5, 2]", Some("text/json")),
            (b"[{\"a\":1}]", Some("text/json")),
            (b"{}", Some("text/json")),
            (b"body { color: red; }", Some("text/plain")),
            (b"\xef\xbb\xbfhello world, again", Some("text/plain")),
            (b"function f() { return 1; }", Some("text/plain")),
            (
                b"<script type=\"text/javascript\">",
                Some("application/javascript"),
            ),
            (b"(function() {\n", Some("application/javascript")),
            (b"#!/bin/sh\necho", Some("text/x-shellscript")),
            (b"#!/usr/bin/env python3\n", Some("text/x-python")),
            (b"MZ\x90\0\x03\0\0\0", Some("application/x-dosexec")),
            (b"%PDF-1.4\n%", Some("application/pdf")),
            (b"PK\x03\x04\x14\0\x08\0", Some("application/zip")),
            (b"\x1f\x8b\x08\0", Some("application/x-gzip")),
            (
                b"MSCF\0\0\0\0\x8d",
                Some("application/vnd.ms-cab-compressed"),
            ),
            (
                b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0",
                Some("application/x-executable"),
            ),
            (
                b"\x7fELF\x01\x02\x01\0\0\0\0\0\0\0\0\0\0\x03\0\x08",
                Some("application/x-sharedlib"),
            ),
            (b"RIFF\x10\0\0\0WEBPVP8 ", Some("image/webp")),
            (b"\0\0\x01\0\x01\0\x10\x10", Some("image/x-icon")),
            (b"wOF2\0\x01\0\0", Some("application/font-woff2")),
            (b"\0\0\0\x20ftypisom\0\0\x02\0", Some("video/mp4")),
            (
                b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm",
                Some("video/webm"),
            ),
            (
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0",
                Some("application/msword"),
            ),
            (b"\xff\xfb\x90\x64\0\0", Some("audio/mpeg")),
            (b"short", None),
            (b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a", None),
            (b"", None),
        ];
        for (bytes, want) in cases {
            assert_eq!(
                mime_type(bytes),
                *want,
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    /// An OCSP response over HTTP (RFC 6960 `OCSPResponse`, its
    /// `responseType` id-pkix-ocsp-basic 13 bytes in).
    #[test]
    fn ocsp_messages() {
        let resp = b"\x30\x82\x01\xd3\x0a\x01\x00\xa0\x82\x01\xcc\x30\x82\x01\xc8\x06\x09\x2b\x06\x01\x05\x05\x07\x30\x01\x01";
        assert_eq!(mime_type(resp), Some("application/ocsp-response"));
        let req =
            b"\x30\x51\x30\x4f\x30\x4d\x30\x4b\x30\x49\x30\x09\x06\x05\x2b\x0e\x03\x02\x1a\x05\x00";
        assert_eq!(mime_type(req), Some("application/ocsp-request"));
    }
}
