//! Internet Message Format (RFC 5322): the headers of a mail, read as
//! tshark 4.0's IMF dissector reads the content an SMTP `DATA` carries.
//!
//! A header is a name up to the first `:` and a value up to the CR LF that
//! is not followed by a blank or a tab (folded lines stay in the value, as
//! tshark shows them); blanks before the value are skipped, and a blank
//! line ends the headers. Each header tshark knows has its field (named
//! after it: the field's description is the header's name, compared
//! without case); any other is an `imf.extension`. The one-line summary is
//! tshark's Info: `from: …, subject: …, ` and then the media type of each
//! part of the body (` (text/plain)`), or the body's lines when the mail
//! has no Content-Type.
//!
//! Bounds: at most [`MAX_HEADERS`] headers are read (the rest of a longer
//! header section is not shown) and at most [`MAX_PARTS`] MIME parts,
//! [`MAX_DEPTH`] deep, named in the summary. Nothing is allocated.

use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::text;
use std::ops::Range;

field_table! {
    Date: "imf.date", "Date", Kind::Str;
    From: "imf.from", "From", Kind::Str;
    Sender: "imf.sender", "Sender", Kind::Str;
    ReplyTo: "imf.reply_to", "Reply-To", Kind::Str;
    To: "imf.to", "To", Kind::Str;
    Cc: "imf.cc", "Cc", Kind::Str;
    Bcc: "imf.bcc", "Bcc", Kind::Str;
    MessageId: "imf.message_id", "Message-ID", Kind::Str;
    InReplyTo: "imf.in_reply_to", "In-Reply-To", Kind::Str;
    References: "imf.references", "References", Kind::Str;
    Subject: "imf.subject", "Subject", Kind::Str;
    Comments: "imf.comments", "Comments", Kind::Str;
    UserAgent: "imf.user_agent", "User-Agent", Kind::Str;
    Keywords: "imf.keywords", "Keywords", Kind::Str;
    ResentDate: "imf.resent.date", "Resent-Date", Kind::Str;
    ResentFrom: "imf.resent.from", "Resent-From", Kind::Str;
    ResentSender: "imf.resent.sender", "Resent-Sender", Kind::Str;
    ResentTo: "imf.resent.to", "Resent-To", Kind::Str;
    ResentCc: "imf.resent.cc", "Resent-Cc", Kind::Str;
    ResentBcc: "imf.resent.bcc", "Resent-Bcc", Kind::Str;
    ResentMessageId: "imf.resent.message_id", "Resent-Message-ID", Kind::Str;
    ReturnPath: "imf.return_path", "Return-Path", Kind::Str;
    Received: "imf.received", "Received", Kind::Str;
    ContentType: "imf.content.type", "Content-Type", Kind::Str;
    ContentDescription: "imf.content.description", "Content-Description", Kind::Str;
    ContentId: "imf.content.id", "Content-ID", Kind::Str;
    ContentTransferEncoding: "imf.content.transfer_encoding", "Content-Transfer-Encoding", Kind::Str;
    MimeVersion: "imf.mime_version", "MIME-Version", Kind::Str;
    Autoforwarded: "imf.autoforwarded", "Autoforwarded", Kind::Str;
    Autosubmitted: "imf.autosubmitted", "Autosubmitted", Kind::Str;
    X400ContentIdentifier: "imf.x400_content_identifier", "X400-Content-Identifier", Kind::Str;
    ContentLanguage: "imf.content_language", "Content-Language", Kind::Str;
    Conversion: "imf.conversion", "Conversion", Kind::Str;
    ConversionWithLoss: "imf.conversion_with_loss", "Conversion-With-Loss", Kind::Str;
    DeliveryDate: "imf.delivery_date", "Delivery-Date", Kind::Str;
    DiscardedX400IpmsExtensions: "imf.discarded_x400_ipms_extensions", "Discarded-X400-IPMS-Extensions", Kind::Str;
    DiscardedX400MtsExtensions: "imf.discarded_x400_mts_extensions", "Discarded-X400-MTS-Extensions", Kind::Str;
    DlExpansionHistory: "imf.dl_expansion_history", "DL-Expansion-History", Kind::Str;
    DeferredDelivery: "imf.deferred_delivery", "Deferred-Delivery", Kind::Str;
    Expires: "imf.expires", "Expires", Kind::Str;
    Importance: "imf.importance", "Importance", Kind::Str;
    IncompleteCopy: "imf.incomplete_copy", "Incomplete-Copy", Kind::Str;
    LatestDeliveryTime: "imf.latest_delivery_time", "Latest-Delivery-Time", Kind::Str;
    MessageType: "imf.message_type", "Message-Type", Kind::Str;
    OriginalEncodedInformationTypes: "imf.original_encoded_information_types", "Original-Encoded-Information-Types", Kind::Str;
    OriginatorReturnAddress: "imf.originator_return_address", "Originator-Return-Address", Kind::Str;
    Priority: "imf.priority", "Priority", Kind::Str;
    ReplyBy: "imf.reply_by", "Reply-By", Kind::Str;
    Sensitivity: "imf.sensitivity", "Sensitivity", Kind::Str;
    Supersedes: "imf.supersedes", "Supersedes", Kind::Str;
    X400ContentType: "imf.x400_content_type", "X400-Content-Type", Kind::Str;
    X400MtsIdentifier: "imf.x400_mts_identifier", "X400-MTS-Identifier", Kind::Str;
    X400Originator: "imf.x400_originator", "X400-Originator", Kind::Str;
    X400Received: "imf.x400_received", "X400-Received", Kind::Str;
    X400Recipients: "imf.x400_recipients", "X400-Recipients", Kind::Str;
    DeliveredTo: "imf.delivered_to", "Delivered-To", Kind::Str;
    XMailer: "imf.ext.mailer", "X-Mailer", Kind::Str;
    XMimeOle: "imf.ext.mimeole", "X-MimeOLE", Kind::Str;
    ExpiryDate: "imf.ext.expiry-date", "Expiry-Date", Kind::Str;
    XMsTnefCorrelator: "imf.ext.tnef-correlator", "X-MS-TNEF-Correlator", Kind::Str;
    XUidl: "imf.ext.uidl", "X-UIDL", Kind::Str;
    XAuthenticationWarning: "imf.ext.authentication_warning", "X-Authentication-Warning", Kind::Str;
    XVirusScanned: "imf.ext.virus_scanned", "X-Virus-Scanned", Kind::Str;
    XOriginalTo: "imf.ext.original-to", "X-Original-To", Kind::Str;
    ThreadIndex: "imf.thread-index", "Thread-Index", Kind::Str;
    Lines: "imf.lines", "Lines", Kind::Str;
    Precedence: "imf.precedence", "Precedence", Kind::Str;
    // Fields that are not one header (keep these after the headers: the
    // headers are the fields before `ContentTypeType`).
    ContentTypeType: "imf.content.type.type", "Type", Kind::Str;
    ContentTypeParameters: "imf.content.type.parameters", "Parameters", Kind::Str;
    Extension: "imf.extension", "Unknown-Extension", Kind::Str;
    ExtensionType: "imf.extension.type", "Type", Kind::Str;
    ExtensionValue: "imf.extension.value", "Value", Kind::Str;
}

/// Headers read from one mail; past these the header section is not shown.
pub const MAX_HEADERS: usize = 1000;
/// MIME parts named in the summary.
pub const MAX_PARTS: usize = 64;
/// Nested multiparts followed for the summary.
pub const MAX_DEPTH: usize = 4;

/// The field a header's name is (one of the header fields), if tshark
/// knows the header.
fn known(name: &[u8]) -> Option<Field> {
    let headers = FIELDS.get(..Field::ContentTypeType as usize)?;
    let i = headers
        .iter()
        .position(|d| d.desc.as_bytes().eq_ignore_ascii_case(name))?;
    Field::from_index(i)
}

/// One header of a mail: byte ranges in the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The name, as written (up to the colon).
    pub name: Range<usize>,
    /// The value: after the colon and the blanks that follow it, up to the
    /// CR LF that ends the header (folded lines included).
    pub value: Range<usize>,
    /// From the colon's next byte to the value's end (an empty value is
    /// shown as this).
    raw: Range<usize>,
}

/// The headers of a mail in order, and where its body starts once they
/// are all read.
#[derive(Clone, Debug)]
pub struct Headers<'a> {
    b: &'a [u8],
    at: usize,
    count: usize,
    done: bool,
    /// Where the body starts (after the blank line), once it is found.
    pub body: Option<usize>,
}

/// Where the CR LF is that ends the header whose value starts at `from`,
/// and where the next header (or the body) starts; `None` when no CR LF
/// ends it. `last`: the blank line that ends the headers follows.
fn field_end(b: &[u8], from: usize) -> Option<(usize, usize, bool)> {
    let mut at = from;
    loop {
        let cr = at + b.get(at..)?.iter().position(|&c| c == b'\r')?;
        at = cr + 1;
        if b.get(at) != Some(&b'\n') {
            continue;
        }
        let next = cr + 2;
        match b.get(next) {
            Some(b' ' | b'\t') => at = next,
            Some(b'\r') => {
                let body = if b.get(next + 1) == Some(&b'\n') {
                    next + 2
                } else {
                    next + 1
                };
                return Some((cr, body, true));
            }
            _ => return Some((cr, next, false)),
        }
    }
}

impl Iterator for Headers<'_> {
    type Item = Header;

    fn next(&mut self) -> Option<Header> {
        if self.done || self.count >= MAX_HEADERS {
            return None;
        }
        let b = self.b;
        let Some(colon) = b
            .get(self.at..)
            .and_then(|r| r.iter().position(|&c| c == b':'))
            .map(|i| self.at + i)
        else {
            self.done = true;
            return None;
        };
        let Some((end, next, last)) = field_end(b, colon + 1) else {
            self.done = true;
            return None;
        };
        let vstart = b
            .get(colon + 1..end)
            .and_then(|v| v.iter().position(|c| !c.is_ascii_whitespace()))
            .map_or(colon + 1, |i| colon + 1 + i);
        let h = Header {
            name: self.at..colon,
            value: vstart..end,
            raw: colon + 1..end,
        };
        self.count += 1;
        self.at = next;
        if last {
            self.done = true;
            self.body = Some(next);
        }
        Some(h)
    }
}

/// A view over one whole mail (headers and body).
#[derive(Clone, Copy, Debug)]
pub struct ImfView<'a> {
    bytes: &'a [u8],
}

impl<'a> ImfView<'a> {
    /// Any bytes are a mail (an empty one shows nothing).
    pub fn new(bytes: &'a [u8]) -> Self {
        ImfView { bytes }
    }

    /// The whole mail is the layer.
    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    pub fn payload(&self) -> &'a [u8] {
        &[]
    }

    /// The mail's bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The headers, in order (at most [`MAX_HEADERS`]).
    pub fn headers(&self) -> Headers<'a> {
        Headers {
            b: self.bytes,
            at: 0,
            count: 0,
            done: false,
            body: None,
        }
    }

    /// The bytes of a range of the mail.
    pub fn text(&self, r: Range<usize>) -> &'a [u8] {
        self.bytes.get(r).unwrap_or_default()
    }

    /// The value of every header named `name` (any case), in order.
    pub fn values(&self, name: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
        let v = *self;
        self.headers()
            .filter(move |h| v.text(h.name.clone()).eq_ignore_ascii_case(name))
            .map(move |h| v.text(h.value))
    }

    /// The first header named `name`'s value.
    pub fn value(&self, name: &'a [u8]) -> Option<&'a [u8]> {
        self.values(name).next()
    }

    /// The value tshark shows: an empty value shows what follows the colon.
    fn shown(&self, h: &Header) -> Range<usize> {
        if h.value.is_empty() {
            h.raw.clone()
        } else {
            h.value.clone()
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        for h in self.headers() {
            let name = self.text(h.name.clone());
            let shown = self.shown(&h);
            match known(name) {
                Some(k) if k == f => out.value(Value::Str(self.text(shown.clone())), shown),
                Some(Field::ContentType)
                    if matches!(f, Field::ContentTypeType | Field::ContentTypeParameters) =>
                {
                    // The type up to the first `;`, and the parameters after
                    // it (folded lines included).
                    let v = h.value.clone();
                    let Some(semi) = self.text(v.clone()).iter().position(|&c| c == b';') else {
                        continue;
                    };
                    let semi = v.start + semi;
                    let r = if f == Field::ContentTypeType {
                        v.start..semi
                    } else {
                        semi + 1..v.end
                    };
                    out.value(Value::Str(self.text(r.clone())), r);
                }
                Some(_) => {}
                None => {
                    let r = match f {
                        Field::Extension => h.name.start..h.raw.end,
                        Field::ExtensionType => h.name.clone(),
                        Field::ExtensionValue => shown.clone(),
                        _ => continue,
                    };
                    out.value(Value::Str(self.text(r.clone())), r);
                }
            }
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("Internet Message Format");
    }

    /// tshark's Info column for a mail: `from: …, subject: …, ` (as the
    /// headers come), then ` (type)` for each MIME part of the body (the
    /// body's own type when it is not multipart), or the body's lines
    /// joined by `, ` when the mail has no Content-Type.
    pub fn summary(&self, out: &mut String) {
        self.summary_parts(out);
    }

    /// [`ImfView::summary`], returning where the words about the body
    /// start: tshark fences the column after the headers' words, so the
    /// next mail of the frame clears the body's words but not them.
    pub fn summary_parts(&self, out: &mut String) -> usize {
        let start = out.len();
        let mut hs = self.headers();
        let mut ctype = None;
        for h in hs.by_ref() {
            let name = self.text(h.name.clone());
            match known(name) {
                Some(Field::From) | Some(Field::Subject) => {
                    name.iter()
                        .for_each(|c| out.push(char::from(c.to_ascii_lowercase())));
                    out.push_str(": ");
                    text::push_text(out, self.text(self.shown(&h)));
                    out.push_str(", ");
                }
                Some(Field::ContentType) => ctype = Some(h.value),
                _ => {}
            }
        }
        let body = hs.body.unwrap_or(self.bytes.len());
        let body_words = out.len();
        match ctype {
            Some(ct) => {
                let mut parts = 0;
                self.media(self.text(ct), body..self.bytes.len(), 0, &mut parts, out);
            }
            None => {
                let mut first = out.len() == start;
                for l in text::lines_from(self.bytes, body) {
                    if !first {
                        out.push_str(", ");
                    }
                    first = false;
                    text::push_text(out, l.text(self.bytes));
                }
            }
        }
        body_words
    }

    /// Name the media of a body of content type `ct` (the header's value)
    /// in `out`: its parts' when it is multipart, else its own.
    fn media(
        &self,
        ct: &[u8],
        body: Range<usize>,
        depth: usize,
        parts: &mut usize,
        out: &mut String,
    ) {
        let ty = media_type(ct);
        let boundary = param(ct, b"boundary");
        match boundary {
            Some(bd) if text::starts_with_ci(ty, b"multipart/") && depth < MAX_DEPTH => {
                for part in mime_parts(self.bytes, body, bd) {
                    if *parts >= MAX_PARTS {
                        return;
                    }
                    let sub = ImfView::new(self.text(part.clone()));
                    let mut hs = sub.headers();
                    let ct = hs
                        .by_ref()
                        .find(|h| {
                            sub.text(h.name.clone())
                                .eq_ignore_ascii_case(b"content-type")
                        })
                        .map(|h| sub.text(h.value));
                    // The part's body: after its headers (a part without
                    // headers starts with the blank line).
                    let start = if sub.bytes.starts_with(b"\r\n") {
                        2
                    } else {
                        hs.by_ref().for_each(drop);
                        hs.body.unwrap_or(sub.bytes.len())
                    };
                    let inner = part.start.saturating_add(start).min(part.end)..part.end;
                    self.media(ct.unwrap_or(b"text/plain"), inner, depth + 1, parts, out);
                }
            }
            _ => {
                *parts += 1;
                out.push_str(" (");
                ty.iter()
                    .for_each(|c| out.push(char::from(c.to_ascii_lowercase())));
                out.push(')');
            }
        }
    }
}

/// A content type's media type: the value up to `;`, without blanks.
fn media_type(ct: &[u8]) -> &[u8] {
    let ty = ct.split(|&c| c == b';').next().unwrap_or_default();
    trim(ty)
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    b.get(start..end).unwrap_or_default()
}

/// The value of parameter `name` of a content type (quotes taken off).
fn param<'a>(ct: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    ct.split(|&c| c == b';').skip(1).find_map(|p| {
        let p = trim(p);
        let eq = p.iter().position(|&c| c == b'=')?;
        if !trim(p.get(..eq)?).eq_ignore_ascii_case(name) {
            return None;
        }
        let v = trim(p.get(eq + 1..)?);
        Some(
            v.strip_prefix(b"\"")
                .and_then(|v| v.strip_suffix(b"\""))
                .unwrap_or(v),
        )
    })
}

/// The parts of a multipart body in `b[body]`: what lies between the lines
/// `--boundary`, up to `--boundary--`.
fn mime_parts<'a>(
    b: &'a [u8],
    body: Range<usize>,
    boundary: &'a [u8],
) -> impl Iterator<Item = Range<usize>> + 'a {
    // Each delimiter line's start and end.
    let delims = text::lines_from(b, body.start)
        .take_while(move |l| l.start < body.end)
        .filter(move |l| {
            let t = l.text(b);
            t.strip_prefix(b"--").is_some_and(|r| {
                r.strip_prefix(boundary)
                    .is_some_and(|r| trim(r).is_empty() || r.starts_with(b"--"))
            })
        })
        .map(move |l| (l.start, l.next, l.text(b).ends_with(b"--")));
    let mut prev: Option<usize> = None;
    let mut closed = false;
    delims.filter_map(move |(start, next, close)| {
        if closed {
            return None;
        }
        let part = prev.map(|p| p..start.saturating_sub(2).max(p));
        prev = Some(next);
        closed = close;
        part
    })
}

/// The plain values of a mail, for building one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImfRepr {
    /// Each header's name and value (a value may hold folded lines).
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl ImfRepr {
    pub fn parse(v: &ImfView) -> Self {
        let mut hs = v.headers();
        let headers = hs
            .by_ref()
            .map(|h| (v.text(h.name).to_vec(), v.text(h.value).to_vec()))
            .collect();
        let body = hs
            .body
            .and_then(|at| v.bytes.get(at..))
            .unwrap_or_default()
            .to_vec();
        ImfRepr { headers, body }
    }

    /// Append the mail: `Name: value` CR LF per header, a blank line, the
    /// body.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        for (n, v) in &self.headers {
            buf.extend_from_slice(n);
            buf.extend_from_slice(b": ");
            buf.extend_from_slice(v);
            buf.extend_from_slice(b"\r\n");
        }
        buf.extend_from_slice(b"\r\n");
        buf.extend_from_slice(&self.body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;
    use proptest::prelude::*;

    fn get(v: &ImfView, f: Field) -> String {
        testing::joined_within(v.bytes.len(), FIELDS[f as usize].kind, |out| {
            v.field(f, out)
        })
    }

    fn summary(v: &ImfView) -> String {
        testing::string_of(|s| v.summary(s))
    }

    /// suricata mime-mime-dec-parse-full-msg-test01-input.pcap frame 13:
    /// the mail of the DATA (tshark 4.0's values in the comments).
    const MIME: &[u8] = b"Date: Fri, 21 Apr 2023 05:10:36 +0000\r\nFrom: toto <toto@gmail.com>\r\nTo: 172.16.92.2@linuxbox\r\nSubject: This is a test email\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"+JkeulXSMdZ4oEDQ\"\r\nContent-Disposition: inline\r\n\r\n\r\n--+JkeulXSMdZ4oEDQ\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: inline\r\n\r\nThis is a test email\r\n\r\n--+JkeulXSMdZ4oEDQ\r\nFrom: Sender1\r\nTo: Recipient1\r\nContent-Type: text/plain\r\n\r\nLine 1\r\nLine 2\r\nLine 3\r\n\r\n--+JkeulXSMdZ4oEDQ--\r\n\r\n";

    #[test]
    fn a_mime_mail_as_tshark_shows_it() {
        let v = ImfView::new(MIME);
        assert_eq!(get(&v, Field::Date), "Fri, 21 Apr 2023 05:10:36 +0000");
        assert_eq!(get(&v, Field::From), "toto <toto@gmail.com>");
        assert_eq!(get(&v, Field::To), "172.16.92.2@linuxbox");
        assert_eq!(get(&v, Field::Subject), "This is a test email");
        assert_eq!(get(&v, Field::MimeVersion), "1.0");
        assert_eq!(
            get(&v, Field::ContentType),
            "multipart/mixed; boundary=\"+JkeulXSMdZ4oEDQ\""
        );
        assert_eq!(get(&v, Field::ContentTypeType), "multipart/mixed");
        assert_eq!(
            get(&v, Field::ContentTypeParameters),
            " boundary=\"+JkeulXSMdZ4oEDQ\""
        );
        assert_eq!(get(&v, Field::Extension), "Content-Disposition: inline");
        assert_eq!(get(&v, Field::ExtensionType), "Content-Disposition");
        assert_eq!(get(&v, Field::ExtensionValue), "inline");
        assert_eq!(get(&v, Field::Cc), "");
        assert_eq!(
            summary(&v),
            "from: toto <toto@gmail.com>, subject: This is a test email,  (text/plain) (text/plain)"
        );
        // The headers' words end where the body's begin.
        let mut s = String::new();
        let body = v.summary_parts(&mut s);
        assert_eq!(&s[body..], " (text/plain) (text/plain)");
        let mut hs = v.headers();
        assert_eq!(hs.by_ref().count(), 7);
        assert_eq!(&MIME[hs.body.unwrap()..][..4], b"\r\n--");
    }

    /// zeek smtp.pcap frame 45 (its first headers): folded values keep
    /// their CR LF and tab, as in tshark's `multipart/mixed;\r\n\tboundary=…`.
    #[test]
    fn folded_values_and_extensions() {
        let m = b"From: \"Gurpartap Singh\" <gurpartap@patriots.in>\r\nTo: <raj_deol2002in@yahoo.co.in>\r\nSubject: SMTP\r\nDate: Mon, 5 Oct 2009 11:36:07 +0530\r\nMessage-ID: <000301ca4581$ef9e57f0$cedb07d0$@in>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n\tboundary=\"----=_NextPart_000_0004_01CA45B0.095693F0\"\r\nX-Mailer: Microsoft Office Outlook 12.0\r\nThread-Index: AcpFgem9BvjjZEDeR1Kh8i+hUyVo0A==\r\nContent-Language: en-us\r\nx-cr-hashedpuzzle: SeA= AAR2 ADaH\r\n\r\nbody\r\n";
        let v = ImfView::new(m);
        assert_eq!(
            get(&v, Field::ContentType),
            "multipart/mixed;\\r\\n\\tboundary=\"----=_NextPart_000_0004_01CA45B0.095693F0\""
        );
        assert_eq!(
            get(&v, Field::ContentTypeParameters),
            "\\r\\n\\tboundary=\"----=_NextPart_000_0004_01CA45B0.095693F0\""
        );
        assert_eq!(get(&v, Field::XMailer), "Microsoft Office Outlook 12.0");
        assert_eq!(
            get(&v, Field::MessageId),
            "<000301ca4581$ef9e57f0$cedb07d0$@in>"
        );
        assert_eq!(get(&v, Field::ExtensionType), "x-cr-hashedpuzzle");
        assert_eq!(get(&v, Field::ContentLanguage), "en-us");
        assert_eq!(v.value(b"subject"), Some(&b"SMTP"[..]));
    }

    #[test]
    fn no_content_type_shows_the_body_lines() {
        // arkime_synthetic.pcap frame 759 (an IMAP FETCH of the headers):
        // tshark's Info is the headers' then the lines after the blank one.
        let v = ImfView::new(b"From: alice@crsplit.test\r\nSubject: CrSplitCheck\r\n\r\nTo: should-not-parse@after-blank.test\r\n");
        assert_eq!(get(&v, Field::To), "");
        assert_eq!(
            summary(&v),
            "from: alice@crsplit.test, subject: CrSplitCheck, , To: should-not-parse@after-blank.test"
        );
        assert_eq!(get(&v, Field::Subject), "CrSplitCheck");
    }

    #[test]
    fn hostile_inputs() {
        // 10,000 headers: at most MAX_HEADERS are read.
        let mut m = Vec::new();
        for i in 0..10_000 {
            m.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
        }
        let v = ImfView::new(&m);
        assert_eq!(v.headers().count(), MAX_HEADERS);
        assert_eq!(
            get(&v, Field::ExtensionType).split(',').count(),
            MAX_HEADERS
        );
        // A folded value that never ends, a header without CR LF, nested
        // multiparts past the depth bound, no bytes at all.
        let mut folded = b"Subject: a".to_vec();
        for _ in 0..100_000 {
            folded.extend_from_slice(b"\r\n b");
        }
        folded.extend_from_slice(b"\r\n\r\n");
        assert_eq!(
            get(&ImfView::new(&folded), Field::Subject).len(),
            100_001 * 6 - 5
        );
        let mut nested = Vec::new();
        for _ in 0..20 {
            nested.extend_from_slice(b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n");
        }
        for b in [
            &b"Subject: no end"[..],
            b":",
            b"\r\n\r\n",
            b"",
            b"::\r\n\r",
            &nested,
        ] {
            let v = ImfView::new(b);
            for i in 0..FIELDS.len() {
                let _ = get(&v, Field::from_index(i).unwrap());
            }
            let _ = summary(&v);
            let _ = ImfRepr::parse(&v);
        }
    }

    fn text_bytes() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            any::<u8>().prop_filter("no line end", |c| *c != b'\r' && *c != b'\n'),
            0..40,
        )
    }

    proptest! {
        #[test]
        fn build_then_parse(
            headers in proptest::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,20}", "[!-~][ -~]{0,30}"), 0..8),
            body in text_bytes(),
        ) {
            // Values start with a non-blank (blanks after the colon are not
            // part of the value) and end with one, as written.
            let headers: Vec<(Vec<u8>, Vec<u8>)> = headers
                .into_iter()
                .map(|(n, v)| (n.into_bytes(), v.trim_end().as_bytes().to_vec()))
                .collect();
            let r = ImfRepr { headers, body };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let v = ImfView::new(&buf);
            let got = ImfRepr::parse(&v);
            if r.headers.is_empty() {
                prop_assert!(got.headers.len() <= 1);
            } else {
                prop_assert_eq!(got, r);
            }
        }

        #[test]
        fn any_bytes_stay_in_bounds(b in proptest::collection::vec(any::<u8>(), 0..400)) {
            let v = ImfView::new(&b);
            for i in 0..FIELDS.len() {
                let _ = get(&v, Field::from_index(i).unwrap());
            }
            let _ = summary(&v);
        }
    }
}
