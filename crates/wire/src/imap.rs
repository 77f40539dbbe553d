//! IMAP4 (RFC 3501) commands and responses, read as tshark 4.0 reads them.
//!
//! A message here is one logical line ([`pdu_len`]): a line, and when it
//! ends with a literal `{n}` (or `{n+}`), the `n` bytes after it and the
//! rest of the line that follows them, and so on. The view walks it the way
//! tshark walks a PDU: line by line; a line that starts with `*` (untagged)
//! is only an `imap.line`, except that in a `* … FETCH (… {n}` line the
//! literal is skipped (tshark hands it to IMF: [`ImapView::fetched_mails`]
//! gives it for the same), so the text after it (often
//! just `)`) reads as a line of its own, tag and all, as in tshark. Any
//! other line gives its first token as the tag, its second as the request's
//! command (the third after `UID`) or the response's status, and a
//! response's third as `imap.response.command`.
//!
//! tshark gives `imap.isrequest` once per segment; here each message gives
//! it, so a segment of several lines shows it once per line.

use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::stream::Pdu;
use crate::text::{self, Cut, Line};
use std::ops::Range;

field_table! {
    IsRequest: "imap.isrequest", "Request", Kind::Bool;
    Line: "imap.line", "Line", Kind::Str;
    Request: "imap.request", "Request", Kind::Str;
    RequestTag: "imap.request_tag", "Request Tag", Kind::Str;
    Response: "imap.response", "Response", Kind::Str;
    ResponseTag: "imap.response_tag", "Response Tag", Kind::Str;
    RequestCommand: "imap.request.command", "Request Command", Kind::Str;
    ResponseCommand: "imap.response.command", "Response Command", Kind::Str;
    ResponseStatus: "imap.response.status", "Response Status", Kind::Str;
    Tag: "imap.tag", "Tag", Kind::Str;
    Command: "imap.command", "Command", Kind::Str;
    RequestFolder: "imap.request.folder", "Request Folder", Kind::Str;
    RequestUid: "imap.request.command.uid", "Request isUID", Kind::Bool;
}

/// The most bytes one message (its lines and literals) may take; a literal
/// that would pass it is not waited for (the line is taken alone).
pub const MAX_MESSAGE: usize = 16 << 20;

/// Commands of RFC 3501 and its extensions, for content detection.
const KNOWN_COMMANDS: &[&str] = &[
    "CAPABILITY",
    "NOOP",
    "LOGOUT",
    "STARTTLS",
    "AUTHENTICATE",
    "LOGIN",
    "SELECT",
    "EXAMINE",
    "CREATE",
    "DELETE",
    "RENAME",
    "SUBSCRIBE",
    "UNSUBSCRIBE",
    "LIST",
    "LSUB",
    "STATUS",
    "APPEND",
    "CHECK",
    "CLOSE",
    "EXPUNGE",
    "SEARCH",
    "FETCH",
    "STORE",
    "COPY",
    "MOVE",
    "UID",
    "IDLE",
    "NAMESPACE",
    "ID",
    "ENABLE",
    "UNSELECT",
    "XLIST",
    "COMPRESS",
    "GETQUOTA",
    "GETQUOTAROOT",
    "SETQUOTA",
    "GETACL",
    "SETACL",
    "MYRIGHTS",
    "LISTRIGHTS",
    "GETMETADATA",
    "SETMETADATA",
];

/// Untagged response words, for content detection (`* OK`, `* 3 EXISTS`).
const UNTAGGED: &[&str] = &[
    "OK",
    "NO",
    "BAD",
    "PREAUTH",
    "BYE",
    "CAPABILITY",
    "LIST",
    "LSUB",
    "STATUS",
    "SEARCH",
    "FLAGS",
    "ID",
    "ENABLED",
    "NAMESPACE",
    "QUOTA",
    "QUOTAROOT",
];

/// Commands whose first argument tshark shows as `imap.request.folder`
/// (compared as tshark does: the command, lowercased, is a prefix).
const FOLDER_COMMANDS: &[&[u8]] = &[
    b"select",
    b"examine",
    b"create",
    b"delete",
    b"rename",
    b"subscribe",
    b"unsubscribe",
    b"status",
    b"append",
    b"search",
];

/// The literal announced at the end of a line's text: `{n}` or `{n+}`.
fn literal_len(line: &[u8]) -> Option<usize> {
    let body = line.strip_suffix(b"}")?;
    let open = body.iter().rposition(|&c| c == b'{')?;
    let digits = body.get(open + 1..)?;
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    digits.iter().try_fold(0usize, |n, &c| {
        n.checked_mul(10)?.checked_add(usize::from(c - b'0'))
    })
}

/// How many bytes the IMAP message at the start of `bytes` takes: a line
/// with its literals (a line may take 64 KiB; the message, literals
/// included, 16 MiB); `NotMine` where no line can start (binary data, TLS
/// after STARTTLS).
pub fn pdu_len(bytes: &[u8]) -> Pdu {
    let Some(&first) = bytes.first() else {
        return Pdu::Need(1);
    };
    if !first.is_ascii_graphic() {
        return Pdu::NotMine;
    }
    let mut at = 0usize;
    loop {
        let limit = at.saturating_add(text::MAX_LINE).min(MAX_MESSAGE);
        let l = match text::cut_line(bytes, at, limit) {
            Cut::Line(l) => l,
            Cut::Need(n) => return Pdu::Need(n),
            Cut::TooLong => return Pdu::Whole(if at == 0 { limit } else { at }),
        };
        let Some(n) = literal_len(l.text(bytes)) else {
            return Pdu::Whole(l.next);
        };
        let after = match l.next.checked_add(n) {
            Some(a) if a < MAX_MESSAGE => a,
            _ => return Pdu::Whole(l.next),
        };
        if after >= bytes.len() {
            // The literal and at least one byte of what follows it.
            return Pdu::Need(after + 1);
        }
        at = after;
    }
}

/// Is `tag` a plausible IMAP tag for content detection? Clients number
/// their commands (`a001`, `A1`, `C7`): letters, digits, `.`, `-`, `_`, at
/// least one digit, at most 32 characters.
fn is_tag(tag: &[u8]) -> bool {
    (1..=32).contains(&tag.len())
        && tag.iter().any(u8::is_ascii_digit)
        && tag
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || b".-_".contains(&c))
}

/// Do these first bytes of a stream look like IMAP? A complete first line
/// that is an untagged response (`* OK …`, `* 3 EXISTS`), a continuation
/// request (`+ …`), a tagged status (`a1 OK …`) or a tagged command of
/// RFC 3501 or its extensions (upper case; a tag with a digit). Stricter
/// than [`pdu_len`]: content detection on any port relies on it.
pub fn looks_like(bytes: &[u8]) -> bool {
    let w1 = text::first_word(bytes);
    if !(w1 == b"*" || w1 == b"+" || is_tag(w1)) {
        return false;
    }
    let Some((line, _)) = text::first_line_is_text(bytes, 8192) else {
        return false;
    };
    let mut words = line.split(|&c| c == b' ');
    let (Some(w1), w2) = (words.next(), words.next()) else {
        return false;
    };
    let w2 = w2.unwrap_or_default();
    match w1 {
        b"*" => {
            let w = if !w2.is_empty() && w2.iter().all(u8::is_ascii_digit) {
                words.next().unwrap_or_default()
            } else {
                w2
            };
            UNTAGGED.iter().any(|u| u.as_bytes() == w)
                || [&b"EXISTS"[..], b"RECENT", b"EXPUNGE", b"FETCH"].contains(&w)
        }
        b"+" => true,
        tag if is_tag(tag) => {
            [&b"OK"[..], b"NO", b"BAD"].contains(&w2)
                || KNOWN_COMMANDS.iter().any(|c| c.as_bytes() == w2)
        }
        _ => false,
    }
}

/// The tokens of a tagged line, as tshark reads them.
struct Tagged {
    line: Line,
    tag: Range<usize>,
    /// Second token (command or status).
    second: Range<usize>,
    /// `UID` before the command: the token and the command after it.
    uid: Option<(Range<usize>, Range<usize>)>,
    /// A response's third token.
    third: Range<usize>,
    folder: Option<Range<usize>>,
}

/// A view over one IMAP message (a logical line, literals included) sent to
/// the server (a command) or from it (a response).
#[derive(Clone, Copy, Debug)]
pub struct ImapView<'a> {
    bytes: &'a [u8],
    to_server: bool,
}

impl<'a> ImapView<'a> {
    /// A view over a whole message sent to the server (`to_server`) or
    /// from it. Fails only on no bytes at all.
    pub fn new(bytes: &'a [u8], to_server: bool) -> Result<Self, Error> {
        need(bytes, 1)?;
        Ok(ImapView { bytes, to_server })
    }

    /// Is this a command (sent to the server)?
    pub fn is_request(&self) -> bool {
        self.to_server
    }

    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    pub fn payload(&self) -> &'a [u8] {
        &[]
    }

    /// The lines as tshark walks them, each with whether it starts with `*`
    /// (untagged), skipping FETCH literals as tshark does.
    fn walk(&self, f: &mut dyn FnMut(Line, bool)) {
        let b = self.bytes;
        let mut at = 0;
        while let Some(l) = text::line_at(b, at) {
            let t = l.text(b);
            if t.first() == Some(&b'*') {
                let next = self.fetch_literal(l).map_or(l.next, |r| r.end);
                f(l, true);
                at = next.max(l.next);
            } else {
                if !t.is_empty() {
                    f(l, false);
                }
                at = l.next;
            }
        }
    }

    /// The mails that untagged `FETCH` responses carry in literals, in
    /// order: tshark hands each to IMF.
    pub fn fetched_mails(&self, mut f: impl FnMut(&'a [u8])) {
        let b = self.bytes;
        self.walk(&mut |l, untagged| {
            if let Some(mail) = untagged.then(|| self.fetch_literal(l)).flatten() {
                f(b.get(mail).unwrap_or_default());
            }
        });
    }

    /// For an untagged `FETCH` line with a literal, the literal's `n` bytes
    /// after the line, which tshark skips as IMF (only when bytes follow
    /// the literal and a `)` is among them, else it would wait).
    fn fetch_literal(&self, l: Line) -> Option<Range<usize>> {
        let b = self.bytes;
        // Up to three tokens after the `*`, split on white space (a last
        // piece with no white space after it is not one).
        let mut tokens: [Range<usize>; 3] = [0..0, 0..0, 0..0];
        let mut count = 0;
        let mut ws = l.start;
        while count < 3 {
            let start = ws + 1;
            let piece = b.get(start..l.next).unwrap_or_default();
            let Some(i) = piece
                .iter()
                .position(|&c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
            else {
                break;
            };
            ws = start + i;
            if i > 0 {
                *tokens.get_mut(count)? = start..ws;
                count += 1;
            }
        }
        if count < 2 {
            return None;
        }
        // tshark compares each token's length of "FETCH": a prefix counts.
        let fetch = tokens.iter().take(count).find(|r| {
            let t = b.get((*r).clone()).unwrap_or_default();
            t.len() <= 5 && t.eq_ignore_ascii_case(&b"FETCH"[..t.len()])
        })?;
        let paren = fetch.end + b.get(fetch.end..)?.iter().position(|&c| c == b'(')?;
        let open = paren + b.get(paren..)?.iter().position(|&c| c == b'{')?;
        let close = open + b.get(open..)?.iter().position(|&c| c == b'}')?;
        let digits = b.get(open + 1..close)?;
        if digits.is_empty() || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let size = digits.iter().try_fold(0usize, |n, &c| {
            n.checked_mul(10)?.checked_add(usize::from(c - b'0'))
        })?;
        if size > u32::MAX as usize {
            return None;
        }
        // Bytes after the literal, and a `)` among them.
        let from = close.checked_add(size)?;
        b.get(from..)?.iter().position(|&c| c == b')')?;
        Some(l.next..l.next.saturating_add(size).min(b.len()))
    }

    fn tagged(&self, l: Line) -> Tagged {
        let b = self.bytes;
        let (tag, next) = text::token_one_space(b, l.start, l.end);
        let (second, next2) = text::token_one_space(b, next, l.end);
        let mut uid = None;
        let mut third = next2..next2;
        let mut folder = None;
        if self.to_server && !second.is_empty() {
            let tok = b.get(second.clone()).unwrap_or_default();
            let is_uid = tok.len() <= 3 && tok.eq_ignore_ascii_case(&b"UID"[..tok.len()]);
            let (cmd, after_cmd) = if is_uid {
                let (c, n) = text::token_one_space(b, next2, l.end);
                uid = Some((second.clone(), c.clone()));
                (c, n)
            } else {
                (second.clone(), next2)
            };
            let cmd_text = b.get(cmd.clone()).unwrap_or_default();
            if !cmd_text.is_empty() {
                let is = |name: &[u8]| {
                    cmd_text.len() <= name.len()
                        && cmd_text.eq_ignore_ascii_case(&name[..cmd_text.len()])
                };
                // The first argument (one space after the command, as
                // tshark's tvb_get_token_len reads tokens).
                let (arg1, after1) = text::token_one_space(b, after_cmd, l.end);
                if FOLDER_COMMANDS.iter().any(|n| is(n)) {
                    folder = Some(arg1).filter(|r| !r.is_empty());
                } else if is(b"copy") && after1 <= l.end {
                    let (arg2, _) = text::token_one_space(b, after1, l.end);
                    folder = Some(arg2).filter(|r| !r.is_empty());
                }
            }
        } else if !self.to_server && !second.is_empty() {
            third = text::token_one_space(b, next2, l.end).0;
        }
        Tagged {
            line: l,
            tag,
            second,
            uid,
            third,
            folder,
        }
    }

    /// The first line that is not untagged (tshark's summary line), or the
    /// first line.
    fn main_line(&self) -> Option<Line> {
        let mut first = None;
        let mut main = None;
        self.walk(&mut |l, untagged| {
            first.get_or_insert(l);
            if !untagged && main.is_none() {
                main = Some(l);
            }
        });
        main.or(first).or_else(|| text::line_at(self.bytes, 0))
    }

    /// The first line's text (without its end).
    pub fn first_line(&self) -> &'a [u8] {
        text::line_at(self.bytes, 0)
            .map(|l| l.text(self.bytes))
            .unwrap_or_default()
    }

    /// The tag of the first line (`a001`, or `*` for an untagged response,
    /// `+` for a continuation request).
    pub fn tag(&self) -> Option<&'a [u8]> {
        let l = text::line_at(self.bytes, 0)?;
        let (t, _) = text::token_one_space(self.bytes, l.start, l.end);
        self.bytes.get(t).filter(|t| !t.is_empty())
    }

    /// Is the first line untagged (`* …`)?
    pub fn is_untagged(&self) -> bool {
        self.bytes.first() == Some(&b'*')
    }

    /// A command's name (`LOGIN`, `FETCH`; the command after `UID`).
    pub fn command(&self) -> Option<&'a [u8]> {
        if !self.to_server || self.is_untagged() {
            return None;
        }
        let t = self.tagged(text::line_at(self.bytes, 0)?);
        let r = t.uid.map(|(_, c)| c).unwrap_or(t.second);
        self.bytes.get(r).filter(|c| !c.is_empty())
    }

    /// Is the command a `UID` one (`a1 UID FETCH …`)?
    pub fn is_uid(&self) -> bool {
        self.to_server
            && !self.is_untagged()
            && text::line_at(self.bytes, 0).is_some_and(|l| self.tagged(l).uid.is_some())
    }

    /// A tagged response's status (`OK`, `NO`, `BAD`), or an untagged
    /// one's second word (`OK`, `CAPABILITY`, a number).
    pub fn status(&self) -> Option<&'a [u8]> {
        if self.to_server {
            return None;
        }
        let l = text::line_at(self.bytes, 0)?;
        let (_, next) = text::token_one_space(self.bytes, l.start, l.end);
        let (s, _) = text::token_one_space(self.bytes, next, l.end);
        self.bytes.get(s).filter(|s| !s.is_empty())
    }

    /// `STARTTLS`: on an `OK` reply the connection turns to TLS.
    pub fn is_starttls(&self) -> bool {
        self.command()
            .is_some_and(|c| c.eq_ignore_ascii_case(b"STARTTLS"))
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        if f == Field::IsRequest {
            out.value(Value::Bool(self.to_server), 0..0);
            return;
        }
        let req = self.to_server;
        let str_at = |r: Range<usize>, out: &mut dyn FieldSink<'a>| {
            out.value(Value::Str(b.get(r.clone()).unwrap_or_default()), r)
        };
        self.walk(&mut |l, untagged| {
            if f == Field::Line {
                str_at(l.range(), out);
                return;
            }
            if untagged {
                return;
            }
            let t = self.tagged(l);
            match f {
                Field::Request if req => str_at(t.line.text_range(), out),
                Field::Response if !req => str_at(t.line.text_range(), out),
                Field::RequestTag if req && !t.tag.is_empty() => str_at(t.tag.clone(), out),
                Field::ResponseTag if !req && !t.tag.is_empty() => str_at(t.tag.clone(), out),
                Field::Tag if !t.tag.is_empty() => str_at(t.tag.clone(), out),
                Field::RequestCommand if req && !t.second.is_empty() => {
                    let r = t.uid.map(|(_, c)| c).unwrap_or(t.second.clone());
                    str_at(r, out)
                }
                Field::RequestUid if req => {
                    if let Some((u, _)) = t.uid {
                        out.value(Value::Bool(true), u)
                    }
                }
                Field::ResponseStatus if !req && !t.second.is_empty() => {
                    str_at(t.second.clone(), out)
                }
                Field::ResponseCommand if !req && !t.third.is_empty() => {
                    str_at(t.third.clone(), out)
                }
                // The hidden `imap.command`: a request's second token (the
                // `UID` itself when there is one), a response's third.
                Field::Command if req && !t.second.is_empty() => str_at(t.second.clone(), out),
                Field::Command if !req && !t.third.is_empty() => str_at(t.third.clone(), out),
                Field::RequestFolder if req => {
                    if let Some(r) = t.folder.clone() {
                        str_at(r, out)
                    }
                }
                _ => {}
            }
        });
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("Internet Message Access Protocol");
    }

    /// tshark's Info column: `Request: a1 LOGIN bob x`, `Response: a1 OK
    /// done` (the first line that is not untagged, else the first line).
    pub fn summary(&self, out: &mut String) {
        out.push_str(if self.to_server {
            "Request: "
        } else {
            "Response: "
        });
        if let Some(l) = self.main_line() {
            text::push_text(out, l.text(self.bytes));
        }
    }
}

/// The plain values of an IMAP line, for building one: `tag[ word[
/// rest]]` CR LF (a command: tag, command, arguments; a response: tag,
/// status, text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImapRepr {
    pub tag: Vec<u8>,
    pub word: Option<Vec<u8>>,
    pub rest: Option<Vec<u8>>,
}

impl ImapRepr {
    pub fn parse(v: &ImapView) -> Self {
        let line = v.first_line();
        let mut parts = line.splitn(3, |&c| c == b' ');
        ImapRepr {
            tag: parts.next().unwrap_or_default().to_vec(),
            word: parts.next().map(<[u8]>::to_vec),
            rest: parts.next().map(<[u8]>::to_vec),
        }
    }

    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.tag);
        if let Some(w) = &self.word {
            buf.push(b' ');
            buf.extend_from_slice(w);
            if let Some(r) = &self.rest {
                buf.push(b' ');
                buf.extend_from_slice(r);
            }
        }
        buf.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;
    use proptest::prelude::*;

    fn get(v: &ImapView, f: Field) -> String {
        testing::joined_within(v.bytes.len(), FIELDS[f as usize].kind, |out| {
            v.field(f, out)
        })
    }

    fn summary(v: &ImapView) -> String {
        testing::string_of(|s| v.summary(s))
    }

    /// arkime__imap.pcap frames 4, 6, 9 and 13 (one line of 13).
    #[test]
    fn real_lines() {
        let g =
            b"* OK Microsoft Exchange IMAP4rev1 server version 5.5.2650.23 (umr-mail02) ready\r\n";
        assert!(looks_like(g));
        assert_eq!(pdu_len(g), Pdu::Whole(g.len()));
        let v = ImapView::new(g, false).unwrap();
        assert_eq!(get(&v, Field::IsRequest), "0");
        assert_eq!(
            get(&v, Field::Line),
            "* OK Microsoft Exchange IMAP4rev1 server version 5.5.2650.23 (umr-mail02) ready\\r\\n"
        );
        assert_eq!(get(&v, Field::Response), "");
        assert_eq!(get(&v, Field::ResponseTag), "");
        assert_eq!(
            summary(&v),
            "Response: * OK Microsoft Exchange IMAP4rev1 server version 5.5.2650.23 (umr-mail02) ready"
        );
        let c = b"a0000 CAPABILITY\r\n";
        let v = ImapView::new(c, true).unwrap();
        assert_eq!(get(&v, Field::RequestTag), "a0000");
        assert_eq!(get(&v, Field::RequestCommand), "CAPABILITY");
        assert_eq!(get(&v, Field::Request), "a0000 CAPABILITY");
        assert_eq!(get(&v, Field::Tag), "a0000");
        assert_eq!(get(&v, Field::Command), "CAPABILITY");
        assert_eq!(summary(&v), "Request: a0000 CAPABILITY");
        let r = b"a0001 OK LOGIN completed.\r\n";
        let v = ImapView::new(r, false).unwrap();
        assert_eq!(get(&v, Field::ResponseTag), "a0001");
        assert_eq!(get(&v, Field::ResponseStatus), "OK");
        assert_eq!(get(&v, Field::ResponseCommand), "LOGIN");
        assert_eq!(get(&v, Field::Response), "a0001 OK LOGIN completed.");
        let r = b"a0003 OK [READ-WRITE] SELECT completed.\r\n";
        let v = ImapView::new(r, false).unwrap();
        assert_eq!(get(&v, Field::ResponseCommand), "[READ-WRITE]");
        let v = ImapView::new(b"a0003 SELECT \"INBOX\"\r\n", true).unwrap();
        assert_eq!(get(&v, Field::RequestFolder), "\"INBOX\"");
    }

    /// arkime__imap.pcap frame 22's first response: a FETCH with a literal
    /// of 303 bytes; tshark skips the literal and reads `)` as a line.
    #[test]
    fn fetch_literal_then_paren_line() {
        let mut m = b"* 1 FETCH (FLAGS (\\Seen \\Recent) RFC822.SIZE 2059 BODY[HEADER.FIELDS (DATE FROM)] {5}\r\n".to_vec();
        m.extend_from_slice(b"ab\r\nc");
        m.extend_from_slice(b")\r\n");
        assert_eq!(pdu_len(&m), Pdu::Whole(m.len()));
        assert_eq!(pdu_len(&m[..m.len() - 5]), Pdu::Need(m.len() - 2));
        let v = ImapView::new(&m, false).unwrap();
        assert_eq!(get(&v, Field::Line).matches("\\r\\n").count(), 2);
        assert_eq!(get(&v, Field::ResponseTag), ")");
        assert_eq!(get(&v, Field::Response), ")");
        assert_eq!(get(&v, Field::ResponseStatus), "");
        let mut mails = vec![];
        v.fetched_mails(|m| mails.push(m));
        assert_eq!(mails, [&b"ab\r\nc"[..]]);
        // Without a `)` after the literal tshark waits: no mail yet.
        let cut = &m[..m.len() - 3];
        let v = ImapView::new(cut, false).unwrap();
        let mut mails = vec![];
        v.fetched_mails(|m| mails.push(m));
        assert!(mails.is_empty());
    }

    /// Forms checked against tshark 4.0 on crafted segments.
    #[test]
    fn odd_lines() {
        let v = ImapView::new(b"a1 UID FETCH 1:* FLAGS\r\n", true).unwrap();
        assert_eq!(get(&v, Field::RequestCommand), "FETCH");
        assert_eq!(get(&v, Field::Command), "UID");
        assert_eq!(get(&v, Field::RequestUid), "1");
        assert!(v.is_uid());
        assert_eq!(v.command(), Some(&b"FETCH"[..]));
        let v = ImapView::new(b"a2 U x\r\n", true).unwrap();
        assert_eq!(get(&v, Field::RequestCommand), "x");
        let v = ImapView::new(b"a3\r\n", true).unwrap();
        assert_eq!(get(&v, Field::RequestTag), "a3");
        assert_eq!(get(&v, Field::RequestCommand), "");
        assert_eq!(get(&v, Field::Request), "a3");
        let v = ImapView::new(b"a4 select INBOX\r\n", true).unwrap();
        assert_eq!(get(&v, Field::RequestFolder), "INBOX");
        let v = ImapView::new(b"a5  LOGIN  x\r\n", true).unwrap();
        assert_eq!(get(&v, Field::RequestCommand), "");
        let v = ImapView::new(b"+ go ahead\r\n", false).unwrap();
        assert_eq!(get(&v, Field::ResponseTag), "+");
        assert_eq!(get(&v, Field::ResponseStatus), "go");
        assert_eq!(get(&v, Field::ResponseCommand), "ahead");
        let v = ImapView::new(b"b3 BAD\tx\r\n", false).unwrap();
        assert_eq!(get(&v, Field::ResponseStatus), "BAD\\tx");
        let v = ImapView::new(b"\r\n", true).unwrap();
        assert_eq!(get(&v, Field::Line), "");
        assert_eq!(get(&v, Field::IsRequest), "1");
        let v = ImapView::new(b"c1 COPY 1:2 Trash\r\n", true).unwrap();
        assert_eq!(get(&v, Field::RequestFolder), "Trash");
        let v = ImapView::new(b"c2 STARTTLS\r\n", true).unwrap();
        assert!(v.is_starttls());
    }

    #[test]
    fn framing() {
        assert_eq!(pdu_len(b"a1 NOOP\r\na2 NOOP\r\n"), Pdu::Whole(9));
        assert_eq!(
            pdu_len(b"a1 LOGIN {3}\r\nbob {1+}\r\nx\r\n"),
            Pdu::Whole(27)
        );
        assert_eq!(pdu_len(b"a1 LOGIN {3}\r\nbo"), Pdu::Need(18));
        assert_eq!(pdu_len(b"a1 LOGIN {99999999999}\r\n"), Pdu::Whole(24));
        assert_eq!(pdu_len(b"\x16\x03\x01"), Pdu::NotMine);
        assert_eq!(pdu_len(b" x\r\n"), Pdu::NotMine);
        assert!(looks_like(b"* 3 EXISTS\r\n"));
        assert!(looks_like(b"a001 LOGIN bob x\r\n"));
        assert!(looks_like(b"A1 OK done\r\n"));
        assert!(!looks_like(b"USER bob\r\n"));
        assert!(!looks_like(b"GET / HTTP/1.1\r\n"));
        assert!(!looks_like(b"Warning: no Kerberos tickets issued.\r\n"));
        assert!(!looks_like(b"!0 ENABLE GPS lat,lon\n"));
        assert!(!looks_like(b"@RSYNCD: OK\n"));
    }

    #[test]
    fn hostile_inputs() {
        assert!(ImapView::new(b"", false).is_err());
        for b in [
            &b"*"[..],
            b"* FETCH",
            b"* 1 FETCH ({",
            b"* 1 FETCH ({99999999999999999999})",
            b"* 1 FETCH ({4294967295}\r\n)",
            b"* 1 FETCH (x {2}\r\nab)\r\n* 2 FETCH ({0}\r\n)",
            b"\r\r\r",
            b"a UID",
            b"a UID ",
            b"a c",
            b"{5}",
        ] {
            for to_server in [true, false] {
                let v = ImapView::new(b, to_server).unwrap();
                for i in 0..FIELDS.len() {
                    let _ = get(&v, Field::from_index(i).unwrap());
                }
                let _ = (summary(&v), v.command(), v.status(), v.tag(), v.is_uid());
                let mut out = Vec::new();
                ImapRepr::parse(&v).emit(&mut out);
            }
            let _ = (pdu_len(b), looks_like(b));
        }
        // A literal larger than the message bound is not waited for.
        let big = format!("a1 APPEND x {{{}}}\r\n", MAX_MESSAGE);
        assert_eq!(pdu_len(big.as_bytes()), Pdu::Whole(big.len()));
    }

    proptest! {
        #[test]
        fn build_then_parse(
            req: bool,
            tag in "[A-Za-z0-9.]{1,8}",
            word in proptest::option::of("[A-Za-z]{1,10}"),
            rest in proptest::option::of("[ -z|~]{0,30}"),
        ) {
            let rest = if word.is_some() { rest.map(String::into_bytes) } else { None };
            let r = ImapRepr { tag: tag.into_bytes(), word: word.map(String::into_bytes), rest };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            prop_assert_eq!(pdu_len(&buf), Pdu::Whole(buf.len()));
            let v = ImapView::new(&buf, req).unwrap();
            prop_assert_eq!(ImapRepr::parse(&v), r);
        }

        #[test]
        fn framing_never_overruns(b in proptest::collection::vec(any::<u8>(), 0..300)) {
            match pdu_len(&b) {
                Pdu::Whole(n) => prop_assert!(n >= 1 && n <= b.len()),
                Pdu::Need(n) => prop_assert!(n > b.len()),
                Pdu::NotMine => {}
            }
        }
    }
}
