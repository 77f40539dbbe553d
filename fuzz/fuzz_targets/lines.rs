//! The line-based application protocols (SMTP, POP, IMAP, FTP control, SSH)
//! on any bytes: `looks_like`, `pdu_len` (a message whole in some bytes is
//! the same message in a prefix that holds it and in more bytes, for the
//! text protocols), then the view over the message framing cut (or over all
//! the bytes when framing wants more) in the direction the first byte
//! picks: every field of the table formatted as the sinks do (each
//! occurrence's range inside the message), title, summary, accessors, and
//! the builder's round trip of what was parsed. The contract: no panic,
//! bounded work.
#![no_main]

use std::ops::Range;
use wiresift_wire::field::{FieldDef, FieldSink, Value};
use wiresift_wire::stream::Pdu;
use wiresift_wire::{ftp, imap, pop, smtp, ssh};

/// Format every field of a table through `each(index, sink)`, checking
/// each range against the message length.
fn walk<'a>(fields: &[FieldDef], len: usize, mut each: impl FnMut(usize, &mut dyn FieldSink<'a>)) {
    let mut text = String::new();
    for (i, def) in fields.iter().enumerate() {
        let mut sink = |val: Value<'a>, r: Range<usize>| {
            assert!(r.start <= r.end && r.end <= len, "{}: {r:?}", def.name);
            val.write_tshark(def.kind, &mut text);
        };
        each(i, &mut sink);
    }
}

libfuzzer_sys::fuzz_target!(|input: &[u8]| {
    // The first byte: the protocol (low 3 bits) and the direction (bit 3).
    let Some((&a, data)) = input.split_first() else {
        return;
    };
    let to_server = a & 8 != 0;
    let proto = a % 5;
    let (once, _) = match proto {
        0 => (smtp::pdu_len(data), smtp::looks_like(data)),
        1 => (pop::pdu_len(data), pop::looks_like(data)),
        2 => (imap::pdu_len(data), imap::looks_like(data)),
        3 => (ftp::pdu_len(data), ftp::looks_like(data)),
        _ => (ssh::pdu_len(data), ssh::looks_like(data)),
    };
    let framing = |b: &[u8]| match proto {
        0 => smtp::pdu_len(b),
        1 => pop::pdu_len(b),
        2 => imap::pdu_len(b),
        3 => ftp::pdu_len(b),
        _ => ssh::pdu_len(b),
    };
    match once {
        Pdu::Whole(k) => {
            assert!(k >= 1 && k <= data.len(), "Whole({k}) of {}", data.len());
            // The text protocols frame the same whatever follows (SSH's
            // encrypted bytes are, by design, whatever is at hand); a line
            // that ends with a bare CR needs the next byte to know it is
            // not CR LF.
            if proto != 4 {
                for m in [k, (k + data.len()) / 2] {
                    if m == k && data[k - 1] == b'\r' {
                        continue;
                    }
                    assert_eq!(framing(&data[..m]), Pdu::Whole(k), "prefix of {m}");
                }
            }
        }
        Pdu::Need(n) => assert!(n > data.len(), "Need({n}) of {}", data.len()),
        Pdu::NotMine => {}
    }
    let whole = matches!(once, Pdu::Whole(_));
    let msg = match once {
        Pdu::Whole(k) => &data[..k],
        _ => data,
    };
    let len = msg.len();
    let mut text = String::new();
    match proto {
        0 => {
            let Ok(v) = smtp::SmtpView::new(msg, to_server) else {
                return;
            };
            walk(smtp::FIELDS, len, |i, out| {
                if let Some(f) = smtp::Field::from_index(i) {
                    v.field(f, out)
                }
            });
            v.summary(&mut text);
            v.title(&mut text);
            let _ = (v.command(), v.argument(), v.reply_code(), v.is_starttls());
            assert!(v.reply_lines().count() <= len);
            let r = smtp::SmtpRepr::parse(&v);
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let again = smtp::SmtpView::new(&buf, to_server).map(|w| smtp::SmtpRepr::parse(&w));
            assert_eq!(again.ok(), Some(r));
        }
        1 => {
            let Ok(v) = pop::PopView::new(msg, to_server) else {
                return;
            };
            walk(pop::FIELDS, len, |i, out| {
                if let Some(f) = pop::Field::from_index(i) {
                    v.field(f, out)
                }
            });
            v.summary(&mut text);
            v.title(&mut text);
            let _ = (v.command(), v.parameter(), v.is_ok(), v.description());
            let _ = (v.is_data(), v.is_starttls());
            let r = pop::PopRepr::parse(&v);
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let again = pop::PopView::new(&buf, to_server).map(|w| pop::PopRepr::parse(&w));
            assert_eq!(again.ok(), Some(r));
        }
        2 => {
            let Ok(v) = imap::ImapView::new(msg, to_server) else {
                return;
            };
            walk(imap::FIELDS, len, |i, out| {
                if let Some(f) = imap::Field::from_index(i) {
                    v.field(f, out)
                }
            });
            v.summary(&mut text);
            v.title(&mut text);
            let _ = (
                v.tag(),
                v.command(),
                v.status(),
                v.is_uid(),
                v.is_starttls(),
            );
            // Each fetched mail lies inside the message.
            let span = msg.as_ptr_range();
            v.fetched_mails(|m| {
                let inside = m.as_ptr_range();
                assert!(span.start <= inside.start && inside.end <= span.end);
            });
            let r = imap::ImapRepr::parse(&v);
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let again = imap::ImapView::new(&buf, to_server).map(|w| imap::ImapRepr::parse(&w));
            assert_eq!(again.ok(), Some(r));
        }
        3 => {
            let Ok(v) = ftp::FtpView::new(msg, to_server) else {
                return;
            };
            walk(ftp::FIELDS, len, |i, out| {
                if let Some(f) = ftp::Field::from_index(i) {
                    v.field(f, out)
                }
            });
            v.summary(&mut text);
            v.title(&mut text);
            let _ = (v.command(), v.argument(), v.reply_code(), v.reply_text());
            let _ = (v.data_endpoint(), v.is_starttls());
            assert!(v.more_lines().count() <= len);
            let r = ftp::FtpRepr::parse(&v);
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let again = ftp::FtpView::new(&buf, to_server).map(|w| ftp::FtpRepr::parse(&w));
            assert_eq!(again.ok(), Some(r));
        }
        _ => {
            let Ok(v) = ssh::SshView::new(msg, to_server) else {
                return;
            };
            walk(ssh::FIELDS, len, |i, out| {
                if let Some(f) = ssh::Field::from_index(i) {
                    v.field(f, out)
                }
            });
            v.summary(&mut text);
            v.title(&mut text);
            let _ = (
                v.protocol(),
                v.proto_version(),
                v.software(),
                v.message_code(),
            );
            let _ = (
                v.packet_length(),
                v.padding_length(),
                v.cookie(),
                v.message(),
            );
            let _ = (
                v.name_list(9),
                v.first_kex_packet_follows(),
                v.is_encrypted(),
            );
            // A whole banner or SSH 2 packet builds back into the same.
            if let (true, Some(r)) = (whole, ssh::SshRepr::parse(&v)) {
                let mut buf = Vec::new();
                r.emit(&mut buf);
                let again = ssh::SshView::new(&buf, to_server)
                    .ok()
                    .and_then(|w| ssh::SshRepr::parse(&w));
                assert_eq!(again, Some(r));
            }
        }
    }
});
