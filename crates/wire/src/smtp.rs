//! SMTP (RFC 5321) commands and replies, read as tshark 4.0 reads them.
//!
//! A message is one command line from the client, or one reply from the
//! server: a line that starts with a three-digit code and, when its fourth
//! character is `-`, the lines after it up to the first coded line without
//! one (`250-…` … `250 …`). tshark's forms are kept: the command is the
//! line's first four characters and the parameter what follows the fifth
//! (`STARTTLS` reads as `STAR` + `TLS`, as in tshark), a reply shows its
//! first line and code once and a parameter per coded line.
//!
//! What the client's bytes are depends on the session: commands, the lines
//! of an AUTH exchange (user name, password), or mail content after `DATA`
//! (tshark's "DATA fragment"s, the last one ending with the `.` line).
//! [`state::Session`] follows a session as tshark does and says which
//! ([`Part`]); a view is made [`SmtpView::with_part`]. Without the session
//! (a stream cut at a hole), [`pdu_len`] takes a client line for a command
//! only when its first word is one (a known command in any case,
//! `STARTTLS`, `X-EXPS`, `X-LINK2STATE`, `XEXCH50`, or four upper-case
//! letters: tshark takes any four letters), so content lines are not SMTP
//! ([`Pdu::NotMine`]).

pub mod state;

use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::stream::Pdu;
use crate::text::{self, Line};
use std::fmt::Write as _;

field_table! {
    Req: "smtp.req", "Request", Kind::Bool;
    Rsp: "smtp.rsp", "Response", Kind::Bool;
    CommandLine: "smtp.command_line", "Command Line", Kind::Str;
    ReqCommand: "smtp.req.command", "Command", Kind::Str;
    ReqParameter: "smtp.req.parameter", "Request parameter", Kind::Str;
    Response: "smtp.response", "Response", Kind::Str;
    ResponseCode: "smtp.response.code", "Response code", Kind::Dec;
    RspParameter: "smtp.rsp.parameter", "Response parameter", Kind::Str;
    AuthUsername: "smtp.auth.username", "Username", Kind::Str;
    AuthPassword: "smtp.auth.password", "Password", Kind::Str;
    AuthUsernamePassword: "smtp.auth.username_password", "Username/Password", Kind::Str;
    Eom: "smtp.eom", "EOM", Kind::None;
    DataFragment: "smtp.data.fragment", "DATA fragment", Kind::Dec;
    DataFragmentCount: "smtp.data.fragment.count", "DATA fragment count", Kind::Dec;
    DataReassembledLength: "smtp.data.reassembled.length", "Reassembled DATA length", Kind::Dec;
}

/// What a message from the client is, as the session tells (tshark's
/// per-frame PDU type and AUTH frames).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part<'a> {
    /// Command lines.
    Commands,
    /// AUTH LOGIN: the user name line(s), as sent (base64).
    Username,
    /// AUTH LOGIN: the password line(s), as sent.
    Password,
    /// AUTH PLAIN: the credentials line(s), as sent.
    UsernamePassword,
    /// Mail content that does not end the message (a "DATA fragment").
    DataFragment,
    /// The `.` line that ends the mail: the frames its content came in
    /// (as many as were kept) and the content's length; the message
    /// starts with the mail's last `content` bytes.
    Eom {
        fragments: &'a [u64],
        length: u64,
        content: usize,
    },
}

/// Command words that are not four letters, which tshark also takes as
/// commands.
pub(crate) const LONG_COMMANDS: &[&str] = &["STARTTLS", "X-EXPS", "X-LINK2STATE", "XEXCH50"];

/// Commands of RFC 5321 and its extensions, for content detection.
const KNOWN_COMMANDS: &[&str] = &[
    "HELO",
    "EHLO",
    "MAIL",
    "RCPT",
    "DATA",
    "RSET",
    "VRFY",
    "EXPN",
    "HELP",
    "NOOP",
    "QUIT",
    "AUTH",
    "BDAT",
    "ETRN",
    "TURN",
    "ATRN",
    "SEND",
    "SOML",
    "SAML",
    "VERB",
    "ONEX",
    "XCLIENT",
    "XFORWARD",
    "STARTTLS",
    "X-EXPS",
    "X-LINK2STATE",
    "XEXCH50",
];

/// Is `word` (a line up to its first space) a command word? tshark's
/// `line_is_smtp_command` takes any four letters; a known command is taken
/// in any case, an unknown one only in upper case, so that mail content
/// after DATA (`This is…`, `port for…`) is not read as commands.
fn is_command_word(word: &[u8]) -> bool {
    text::is_one_of(word, KNOWN_COMMANDS)
        || text::is_one_of(word, LONG_COMMANDS)
        || (word.len() == 4 && word.iter().all(u8::is_ascii_uppercase))
}

/// A reply line continues the reply when its fourth character is `-`.
fn continues(line: &[u8]) -> bool {
    line.get(3) == Some(&b'-')
}

/// The last line of a multi-line reply: coded, without the `-`.
fn ends_reply(line: &[u8]) -> bool {
    text::code3(line).is_some() && !continues(line)
}

/// How many bytes the SMTP message at the start of `bytes` takes: one
/// command line, or one whole reply (bounded at 64 KiB); `NotMine` for a
/// line that is neither (mail content, an AUTH line, binary data).
pub fn pdu_len(bytes: &[u8]) -> Pdu {
    let Some(&first) = bytes.first() else {
        return Pdu::Need(1);
    };
    if first.is_ascii_digit() {
        let head = bytes.get(..3).unwrap_or(bytes);
        if !head.iter().all(u8::is_ascii_digit) {
            return Pdu::NotMine;
        }
        return text::reply_pdu(bytes, continues, ends_reply);
    }
    if !first.is_ascii_alphabetic() {
        return Pdu::NotMine;
    }
    // The command word, as far as it is here: letters, digits and `-`,
    // at most as long as the longest command.
    let word_end = bytes
        .iter()
        .position(|&c| c == b' ' || c == b'\r' || c == b'\n')
        .unwrap_or(bytes.len());
    let word = bytes.get(..word_end).unwrap_or_default();
    if word.len() > 12 || !word.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-') {
        return Pdu::NotMine;
    }
    if word_end < bytes.len() && !is_command_word(word) {
        return Pdu::NotMine;
    }
    text::line_pdu(bytes)
}

/// Do these first bytes of a stream look like SMTP? A complete first line
/// that is the server's greeting (`220`, `421` or `554`, then a space, `-`
/// or the line end; a `220` that names FTP and not SMTP is left to FTP) or
/// a command of RFC 5321 or its extensions in upper case. Stricter than
/// [`pdu_len`]: content detection on any port relies on it (the flow
/// engine asks it about the first payloads of a conversation).
pub fn looks_like(bytes: &[u8]) -> bool {
    if text::code3(bytes).is_none() && !text::is_known(text::first_word(bytes), KNOWN_COMMANDS) {
        return false;
    }
    let Some((line, _)) = text::first_line_is_text(bytes, 1024) else {
        return false;
    };
    if let Some(code) = text::code3(line) {
        let sep_ok = matches!(line.get(3), None | Some(b' ') | Some(b'-'));
        let ftp_greeting = code == 220
            && contains_ci(line, b"FTP")
            && !contains_ci(line, b"SMTP")
            && !contains_ci(line, b"MAIL");
        // A conversation starts with the server's greeting; other replies
        // (`250 …`, `500 …`) are shared with FTP, NNTP and the like.
        return matches!(code, 220 | 421 | 554) && sep_ok && !ftp_greeting;
    }
    text::known_command(line, KNOWN_COMMANDS).is_some()
}

/// Does `hay` contain `needle`, ignoring ASCII case?
pub(crate) fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// A view over one SMTP message: a command line (or lines) sent to the
/// server, or a reply from it.
#[derive(Clone, Copy, Debug)]
pub struct SmtpView<'a> {
    bytes: &'a [u8],
    to_server: bool,
    part: Part<'a>,
    gap: u64,
}

impl<'a> SmtpView<'a> {
    /// A view over a whole message sent to the server (`to_server`, a
    /// command) or from it (a reply). Fails only on no bytes at all.
    pub fn new(bytes: &'a [u8], to_server: bool) -> Result<Self, Error> {
        need(bytes, 1)?;
        Ok(SmtpView {
            bytes,
            to_server,
            part: Part::Commands,
            gap: 0,
        })
    }

    /// The same bytes sent by the client, read as `part` says (a reply
    /// stays a reply).
    pub fn with_part(self, part: Part<'a>) -> Self {
        SmtpView { part, ..self }
    }

    /// What the message is, when sent by the client.
    pub fn part(&self) -> Part<'a> {
        self.part
    }

    /// Mail content that came after a gap of `gap` bytes in the mail
    /// (bytes never captured; the first gap, if several).
    pub fn with_gap_before(self, gap: u64) -> Self {
        SmtpView { gap, ..self }
    }

    /// The bytes of the mail's first gap before this content, 0 when
    /// none ([`SmtpView::with_gap_before`]).
    pub fn gap_before(&self) -> u64 {
        self.gap
    }

    /// Command lines (not AUTH credentials nor mail content)?
    fn is_commands(&self) -> bool {
        self.to_server && self.part == Part::Commands
    }

    /// Is this a command (sent to the server)?
    pub fn is_request(&self) -> bool {
        self.to_server
    }

    /// The message that ends a mail ([`Part::Eom`]): was the line before
    /// the `.` line empty? tshark leaves such a line out of the mail (it
    /// takes CR LF `.` CR LF as the end), though it is the mail's.
    pub fn eom_after_blank_line(&self) -> bool {
        // (Other messages are not looked at: mail content is long.)
        if !matches!(self.part, Part::Eom { .. }) {
            return false;
        }
        for l in self.lines() {
            let rest = self.bytes.get(l.start..).unwrap_or_default();
            if rest.starts_with(b"\r\n.\r\n") {
                return true;
            }
            if rest.starts_with(b".\r\n") {
                return false;
            }
        }
        false
    }

    /// The message as sent.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The message is all text: header and message are the same bytes.
    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    pub fn payload(&self) -> &'a [u8] {
        &[]
    }

    fn lines(&self) -> text::Lines<'a> {
        text::lines_from(self.bytes, 0)
    }

    fn first(&self) -> Option<Line> {
        text::line_at(self.bytes, 0)
    }

    /// The first line's text (without its end).
    pub fn first_line(&self) -> &'a [u8] {
        self.first().map(|l| l.text(self.bytes)).unwrap_or_default()
    }

    /// A command's word: the first line up to its first space (`MAIL`,
    /// `STARTTLS`).
    pub fn command(&self) -> Option<&'a [u8]> {
        if !self.is_commands() {
            return None;
        }
        let line = self.first_line();
        let end = line.iter().position(|&c| c == b' ').unwrap_or(line.len());
        line.get(..end).filter(|w| !w.is_empty())
    }

    /// A command's argument: what follows its word and one space
    /// (`FROM:<a@example.com>`), if there is a space.
    pub fn argument(&self) -> Option<&'a [u8]> {
        if !self.is_commands() {
            return None;
        }
        let line = self.first_line();
        let sp = line.iter().position(|&c| c == b' ')?;
        line.get(sp + 1..)
    }

    /// A reply's code (its first line's).
    pub fn reply_code(&self) -> Option<u16> {
        if self.to_server {
            return None;
        }
        text::code3(self.first_line())
    }

    /// The text of each coded line of a reply, after the code and the
    /// separator (`SIZE 52428800`, `PIPELINING`, …).
    pub fn reply_lines(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let b = self.bytes;
        let reply = !self.to_server;
        text::lines_from(b, 0)
            .filter(move |l| reply && l.end - l.start >= 4 && text::code3(l.text(b)).is_some())
            .map(move |l| l.text(b).get(4..).unwrap_or_default())
    }

    /// Is this the `STARTTLS` command (after which, on a `220` reply, the
    /// connection turns to TLS)?
    pub fn is_starttls(&self) -> bool {
        self.is_commands() && self.first_line().eq_ignore_ascii_case(b"STARTTLS")
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        if self.to_server {
            self.client_field(f, out);
            return;
        }
        if f == Field::Rsp {
            out.value(Value::Bool(true), 0..b.len());
            return;
        }
        // tshark's walk over a reply's lines: a coded line that does not
        // continue a multi-line reply starts a new response.
        let mut in_reply = false;
        for l in self.lines() {
            let t = l.text(b);
            let Some(code) = text::code3(t) else {
                continue;
            };
            let fresh = !in_reply;
            in_reply = continues(t);
            match f {
                Field::Response if fresh => out.value(Value::Str(l.whole(b)), l.range()),
                Field::ResponseCode if fresh => {
                    out.value(Value::UInt(code.into()), l.start..l.start + 3)
                }
                Field::RspParameter if t.len() >= 4 => out.value(
                    Value::Str(t.get(4..).unwrap_or_default()),
                    l.start + 4..l.end,
                ),
                _ => {}
            }
        }
    }

    /// A client message's fields, as tshark shows each [`Part`].
    fn client_field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        let whole = 0..b.len();
        let auth = match self.part {
            Part::Commands => None,
            Part::Username => Some(Field::AuthUsername),
            Part::Password => Some(Field::AuthPassword),
            Part::UsernamePassword => Some(Field::AuthUsernamePassword),
            Part::DataFragment => return,
            Part::Eom {
                fragments, length, ..
            } => {
                match f {
                    Field::Eom => out.value(Value::Present, whole),
                    Field::DataFragment => {
                        for &n in fragments {
                            out.value(Value::UInt(n), whole.clone());
                        }
                    }
                    Field::DataFragmentCount => {
                        out.value(Value::UInt(fragments.len() as u64), whole)
                    }
                    Field::DataReassembledLength => out.value(Value::UInt(length), whole),
                    _ => {}
                }
                return;
            }
        };
        for l in self.lines() {
            let t = l.text(b);
            if f == Field::Req {
                out.value(Value::Bool(true), l.range());
                continue;
            }
            if let Some(a) = auth {
                if f == a {
                    out.value(Value::Str(t), l.text_range());
                }
                continue;
            }
            match f {
                Field::CommandLine => out.value(Value::Str(l.whole(b)), l.range()),
                Field::ReqCommand => {
                    let n = t.len().min(4);
                    out.value(
                        Value::Str(t.get(..n).unwrap_or_default()),
                        l.start..l.start + n,
                    )
                }
                Field::ReqParameter if t.len() > 5 => out.value(
                    Value::Str(t.get(5..).unwrap_or_default()),
                    l.start + 5..l.end,
                ),
                Field::AuthUsername | Field::AuthUsernamePassword => {
                    if let Some((which, cred)) = inline_credentials(t) {
                        if which == f {
                            out.value(Value::Str(cred), l.start + 11..l.end);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("Simple Mail Transfer Protocol");
    }

    /// tshark's Info column: `C: EHLO example.com` (lines joined by ` | `),
    /// `S: 250-first line | SIZE 52428800 | …` (a continuation line shows
    /// its text after the code).
    pub fn summary(&self, out: &mut String) {
        let b = self.bytes;
        let prefix = match self.part {
            _ if !self.to_server => "",
            Part::Commands | Part::UsernamePassword => "",
            Part::Username => "User: ",
            Part::Password => "Pass: ",
            Part::DataFragment => {
                let n = b.len();
                let unit = if n == 1 { "byte" } else { "bytes" };
                let _ = write!(out, "C: DATA fragment, {n} {unit}");
                return;
            }
            // The frame's Info is the mail's (IMF's), as in tshark.
            Part::Eom { .. } => return,
        };
        out.push_str(if self.to_server { "C: " } else { "S: " });
        let mut in_reply = false;
        for (i, l) in self.lines().enumerate() {
            if i > 0 {
                out.push_str(" | ");
            }
            let t = l.text(b);
            if self.to_server {
                out.push_str(prefix);
                match inline_credentials(t) {
                    Some((Field::AuthUsername, cred)) if self.part == Part::Commands => {
                        text::push_text(out, t.get(..11).unwrap_or_default());
                        out.push_str("User: ");
                        text::push_text(out, cred);
                    }
                    _ => text::push_text(out, t),
                }
                continue;
            }
            if text::code3(t).is_none() {
                continue;
            }
            if in_reply {
                text::push_text(out, t.get(4..).unwrap_or_default());
            } else {
                text::push_text(out, t);
            }
            in_reply = continues(t);
        }
    }
}

/// `AUTH LOGIN <user>` and `AUTH PLAIN <credentials>` carry credentials
/// after their first 11 characters: which field they are, and the text.
fn inline_credentials(line: &[u8]) -> Option<(Field, &[u8])> {
    let cred = line.get(11..).filter(|c| !c.is_empty())?;
    if text::starts_with_ci(line, b"AUTH LOGIN") {
        Some((Field::AuthUsername, cred))
    } else if text::starts_with_ci(line, b"AUTH PLAIN") {
        Some((Field::AuthUsernamePassword, cred))
    } else {
        None
    }
}

/// The plain values of an SMTP message, for building one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmtpRepr {
    /// `COMMAND[ argument]` CR LF.
    Command {
        command: Vec<u8>,
        argument: Option<Vec<u8>>,
    },
    /// A reply: one line per text (`code-text` for all but the last,
    /// `code text` for the last); no text at all is the bare code.
    Reply { code: u16, lines: Vec<Vec<u8>> },
}

impl SmtpRepr {
    pub fn parse(v: &SmtpView) -> Self {
        if v.is_request() {
            SmtpRepr::Command {
                command: v.command().unwrap_or_default().to_vec(),
                argument: v.argument().map(<[u8]>::to_vec),
            }
        } else {
            SmtpRepr::Reply {
                code: v.reply_code().unwrap_or(0),
                lines: v.reply_lines().map(<[u8]>::to_vec).collect(),
            }
        }
    }

    /// Is this message sent to the server?
    pub fn to_server(&self) -> bool {
        matches!(self, SmtpRepr::Command { .. })
    }

    /// Append the message's bytes (CR LF line ends).
    pub fn emit(&self, buf: &mut Vec<u8>) {
        match self {
            SmtpRepr::Command { command, argument } => {
                buf.extend_from_slice(command);
                if let Some(a) = argument {
                    buf.push(b' ');
                    buf.extend_from_slice(a);
                }
                buf.extend_from_slice(b"\r\n");
            }
            SmtpRepr::Reply { code, lines } => emit_reply(buf, *code, lines),
        }
    }
}

/// Append a reply in the `code-text` … `code text` form (shared with FTP).
pub(crate) fn emit_reply(buf: &mut Vec<u8>, code: u16, lines: &[Vec<u8>]) {
    let digits = [
        b'0' + (code / 100 % 10) as u8,
        b'0' + (code / 10 % 10) as u8,
        b'0' + (code % 10) as u8,
    ];
    if lines.is_empty() {
        buf.extend_from_slice(&digits);
        buf.extend_from_slice(b"\r\n");
    }
    for (i, l) in lines.iter().enumerate() {
        buf.extend_from_slice(&digits);
        buf.push(if i + 1 == lines.len() { b' ' } else { b'-' });
        buf.extend_from_slice(l);
        buf.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;
    use proptest::prelude::*;

    /// Every value of field `f` in tshark's `-T fields` form, joined by `,`.
    fn get(v: &SmtpView, f: Field) -> String {
        testing::joined_within(v.bytes.len(), FIELDS[f as usize].kind, |out| {
            v.field(f, out)
        })
    }

    fn summary(v: &SmtpView) -> String {
        testing::string_of(|s| v.summary(s))
    }

    /// zeek__smtp.pcap frame 6: the server's greeting, three lines.
    const GREETING: &[u8] = b"220-xc90.websitewelcome.com ESMTP Exim 4.69 #1 Mon, 05 Oct 2009 01:05:54 -0500 \r\n220-We do not authorize the use of this system to transport unsolicited, \r\n220 and/or bulk e-mail.\r\n";

    /// zeek__smtp.pcap frame 45 ends its mail with an empty line, then
    /// `.`; a mail whose last line has text ends without one.
    #[test]
    fn the_blank_line_before_the_end_of_a_mail_is_told() {
        let eom = |b: &'static [u8]| {
            let v = SmtpView::new(b, true).unwrap().with_part(Part::Eom {
                fragments: &[],
                length: 0,
                content: 0,
            });
            v.eom_after_blank_line()
        };
        assert!(eom(
            b"------=_NextPart_000_0004_01CA45B0.095693F0--\r\n\r\n.\r\n"
        ));
        assert!(!eom(b"Subject: x\r\n\r\nhi\r\n.\r\nQUIT\r\n"));
        assert!(!eom(b".\r\n"));
        // Only the message that ends the mail is looked at.
        let content = SmtpView::new(b"x\r\n\r\n.\r\n", true)
            .unwrap()
            .with_part(Part::DataFragment);
        assert!(!content.eom_after_blank_line());
    }

    #[test]
    fn multi_line_greeting_as_tshark_shows_it() {
        assert_eq!(pdu_len(GREETING), Pdu::Whole(GREETING.len()));
        let v = SmtpView::new(GREETING, false).unwrap();
        assert_eq!(get(&v, Field::Rsp), "1");
        assert_eq!(get(&v, Field::Req), "");
        assert_eq!(
            get(&v, Field::Response),
            "220-xc90.websitewelcome.com ESMTP Exim 4.69 #1 Mon, 05 Oct 2009 01:05:54 -0500 \\r\\n"
        );
        assert_eq!(get(&v, Field::ResponseCode), "220");
        assert_eq!(
            get(&v, Field::RspParameter),
            "xc90.websitewelcome.com ESMTP Exim 4.69 #1 Mon, 05 Oct 2009 01:05:54 -0500 ,We do not authorize the use of this system to transport unsolicited, ,and/or bulk e-mail."
        );
        assert_eq!(
            summary(&v),
            "S: 220-xc90.websitewelcome.com ESMTP Exim 4.69 #1 Mon, 05 Oct 2009 01:05:54 -0500  | We do not authorize the use of this system to transport unsolicited,  | and/or bulk e-mail."
        );
        assert_eq!(v.reply_code(), Some(220));
        assert_eq!(v.reply_lines().count(), 3);
        assert!(looks_like(GREETING));
    }

    /// zeek__smtp.pcap frames 7 and 16.
    #[test]
    fn commands_as_tshark_shows_them() {
        let v = SmtpView::new(b"EHLO GP\r\n", true).unwrap();
        assert_eq!(get(&v, Field::Req), "1");
        assert_eq!(get(&v, Field::Rsp), "");
        assert_eq!(get(&v, Field::CommandLine), "EHLO GP\\r\\n");
        assert_eq!(get(&v, Field::ReqCommand), "EHLO");
        assert_eq!(get(&v, Field::ReqParameter), "GP");
        assert_eq!(summary(&v), "C: EHLO GP");
        let m = b"MAIL FROM: <gurpartap@patriots.in>\r\n";
        assert_eq!(pdu_len(m), Pdu::Whole(m.len()));
        let v = SmtpView::new(m, true).unwrap();
        assert_eq!(
            get(&v, Field::ReqParameter),
            "FROM: <gurpartap@patriots.in>"
        );
        assert_eq!(v.command(), Some(&b"MAIL"[..]));
        assert_eq!(v.argument(), Some(&b"FROM: <gurpartap@patriots.in>"[..]));
        // tshark cuts every command at four characters.
        let v = SmtpView::new(b"STARTTLS\r\n", true).unwrap();
        assert_eq!(get(&v, Field::ReqCommand), "STAR");
        assert_eq!(get(&v, Field::ReqParameter), "TLS");
        assert!(v.is_starttls());
        assert_eq!(v.command(), Some(&b"STARTTLS"[..]));
        let v = SmtpView::new(b"DATA\r\n", true).unwrap();
        assert_eq!(get(&v, Field::ReqParameter), "");
        assert!(!v.is_starttls());
    }

    #[test]
    fn reply_lines_without_codes_and_new_replies() {
        // Checked against tshark 4.0 on crafted segments.
        let v = SmtpView::new(b"250-a\r\nfoo\r\n250 c\r\n", false).unwrap();
        assert_eq!(get(&v, Field::Response), "250-a\\r\\n");
        assert_eq!(get(&v, Field::RspParameter), "a,c");
        assert_eq!(summary(&v), "S: 250-a |  | c");
        let v = SmtpView::new(b"250 ok\r\n251 two\r\n", false).unwrap();
        assert_eq!(get(&v, Field::Response), "250 ok\\r\\n,251 two\\r\\n");
        assert_eq!(get(&v, Field::ResponseCode), "250,251");
        assert_eq!(summary(&v), "S: 250 ok | 251 two");
        let v = SmtpView::new(b"250-\r\n250 \r\n", false).unwrap();
        assert_eq!(get(&v, Field::RspParameter), ",");
        assert_eq!(summary(&v), "S: 250- | ");
        let v = SmtpView::new(b"250\r\n", false).unwrap();
        assert_eq!(get(&v, Field::RspParameter), "");
        assert_eq!(get(&v, Field::ResponseCode), "250");
        let v = SmtpView::new(b"25\r\n", false).unwrap();
        assert_eq!(get(&v, Field::Response), "");
        assert_eq!(get(&v, Field::Rsp), "1");
        assert_eq!(summary(&v), "S: ");
    }

    #[test]
    fn framing() {
        assert_eq!(pdu_len(b"RCPT TO:<a@b>\r\nDATA\r\n"), Pdu::Whole(15));
        assert_eq!(pdu_len(b"250-a\r\n250-b\r\n"), Pdu::Need(15));
        assert_eq!(pdu_len(b"250 a\r\n250 b\r\n"), Pdu::Whole(7));
        assert_eq!(pdu_len(b"25"), Pdu::Need(3));
        assert_eq!(pdu_len(b"EHL"), Pdu::Need(4));
        assert_eq!(pdu_len(b""), Pdu::Need(1));
        // Mail content and AUTH lines are not commands.
        assert_eq!(pdu_len(b"From: a@b\r\n"), Pdu::NotMine);
        assert_eq!(pdu_len(b"Hello world\r\n"), Pdu::NotMine);
        assert_eq!(pdu_len(b"This is a test\r\n"), Pdu::NotMine);
        assert_eq!(pdu_len(b"port for the '::' operator\r\n"), Pdu::NotMine);
        assert_eq!(pdu_len(b"ehlo x\r\n"), Pdu::Whole(8));
        assert_eq!(pdu_len(b"XUSR x\r\n"), Pdu::Whole(8));
        assert_eq!(pdu_len(b"Z2FsdW50\r\n"), Pdu::NotMine);
        assert_eq!(pdu_len(b".\r\n"), Pdu::NotMine);
        assert_eq!(pdu_len(b"\r\n"), Pdu::NotMine);
        assert_eq!(pdu_len(b"\x16\x03\x01\x02\x00"), Pdu::NotMine);
        assert_eq!(pdu_len(b"2x0 ok\r\n"), Pdu::NotMine);
        assert_eq!(pdu_len(b"X-LINK2STATE LAST\r\n"), Pdu::Whole(19));
    }

    #[test]
    fn content_detection() {
        assert!(looks_like(b"EHLO client.example.com\r\n"));
        assert!(!looks_like(b"250 OK\r\n"));
        assert!(looks_like(b"220 mail.example.com ESMTP Postfix\r\n"));
        assert!(!looks_like(b"220 ProFTPD Server (Debian)\r\n"));
        assert!(!looks_like(b"PING\r\n"));
        assert!(!looks_like(b"EHLO without end"));
        assert!(!looks_like(b"From: x\r\n"));
        assert!(!looks_like(b"150 ok\r\n"));
        assert!(!looks_like(b"250\x01ok\r\n"));
    }

    #[test]
    fn hostile_inputs() {
        assert!(SmtpView::new(b"", true).is_err());
        for b in [
            &b"\r"[..],
            b"\n\n\n",
            b"250-",
            b"2",
            b"\xff\xfe",
            b"250-a\r250 b\n\r\n",
        ] {
            for to_server in [true, false] {
                let v = SmtpView::new(b, to_server).unwrap();
                for i in 0..FIELDS.len() {
                    let _ = get(&v, Field::from_index(i).unwrap());
                }
                let _ = summary(&v);
                let r = SmtpRepr::parse(&v);
                let mut out = Vec::new();
                r.emit(&mut out);
            }
            let _ = pdu_len(b);
            let _ = looks_like(b);
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
        fn build_then_parse_command(
            command in "[A-Za-z][A-Za-z0-9-]{0,11}",
            argument in proptest::option::of(text_bytes()),
        ) {
            let r = SmtpRepr::Command { command: command.into_bytes(), argument };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let v = SmtpView::new(&buf, true).unwrap();
            prop_assert_eq!(SmtpRepr::parse(&v), r);
        }

        #[test]
        fn build_then_parse_reply(code in 0u16..1000, lines in proptest::collection::vec(text_bytes(), 0..5)) {
            let r = SmtpRepr::Reply { code, lines };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            prop_assert_eq!(pdu_len(&buf), Pdu::Whole(buf.len()));
            let v = SmtpView::new(&buf, false).unwrap();
            prop_assert_eq!(SmtpRepr::parse(&v), r);
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
