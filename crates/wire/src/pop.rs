//! POP3 (RFC 1939) commands and replies, read as tshark 4.0 reads them.
//!
//! tshark takes each segment whole: its first line is the request (from the
//! client) or the response (from the server, when it starts with `+OK` or
//! `-ERR`), every further line is `pop.request.data`/`pop.response.data`,
//! and server text that starts otherwise is a DATA fragment of a message
//! (after RETR or TOP) handed to IMF.
//!
//! Here a message is one line ([`pdu_len`]): a command from the client, or a
//! `+OK`/`-ERR` line from the server. Lines of a multi-line response (a
//! listing, a mail after RETR, up to the `.` line) are not POP messages
//! without per-flow state: a line that starts with neither a command word
//! nor a status indicator is `NotMine`, so they are left as data; one that
//! starts with a word still reads as a command-like line, which the view
//! shows (from the server) as a DATA fragment without fields.

use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::stream::Pdu;
use crate::text::{self, Line};
use std::ops::Range;

field_table! {
    Response: "pop.response", "Response", Kind::Str;
    ResponseIndicator: "pop.response.indicator", "Response indicator", Kind::Str;
    ResponseDescription: "pop.response.description", "Response description", Kind::Str;
    ResponseData: "pop.response.data", "Data", Kind::Str;
    Request: "pop.request", "Request", Kind::Str;
    RequestCommand: "pop.request.command", "Request command", Kind::Str;
    RequestParameter: "pop.request.parameter", "Request parameter", Kind::Str;
    RequestData: "pop.request.data", "Data", Kind::Str;
}

/// Commands of RFC 1939 and its extensions, for content detection.
const KNOWN_COMMANDS: &[&str] = &[
    "USER", "PASS", "APOP", "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "QUIT", "TOP", "UIDL",
    "CAPA", "STLS", "AUTH", "UTF8", "LANG",
];

/// Does the server's line start a response (tshark's test: `+OK` or
/// `-ERR`, case-sensitive, anything after)?
fn is_status(line: &[u8]) -> bool {
    line.starts_with(b"+OK") || line.starts_with(b"-ERR")
}

/// How many bytes the POP message at the start of `bytes` takes: one line
/// (bounded at 64 KiB) that starts with a status indicator or a command-like
/// word (up to eight letters or digits, from a letter); `NotMine` for other
/// lines (the body of a multi-line response) and binary data.
pub fn pdu_len(bytes: &[u8]) -> Pdu {
    let Some(&first) = bytes.first() else {
        return Pdu::Need(1);
    };
    match first {
        b'+' | b'-' => {
            let n = bytes.len().min(4);
            let head = bytes.get(..n).unwrap_or_default();
            let ok = b"+OK".starts_with(head.get(..n.min(3)).unwrap_or_default());
            let err = b"-ERR".starts_with(head);
            if !(ok || err) {
                return Pdu::NotMine;
            }
        }
        c if c.is_ascii_alphabetic() => {
            let word_end = bytes
                .iter()
                .position(|&c| c == b' ' || c == b'\r' || c == b'\n')
                .unwrap_or(bytes.len());
            let word = bytes.get(..word_end).unwrap_or_default();
            if word.len() > 8 || !word.iter().all(u8::is_ascii_alphanumeric) {
                return Pdu::NotMine;
            }
        }
        _ => return Pdu::NotMine,
    }
    text::line_pdu(bytes)
}

/// Do these first bytes of a stream look like POP? A complete first line
/// that is `+OK ` or `-ERR ` and text, or one line holding a POP command
/// in upper case. Stricter than [`pdu_len`]: content detection on any port
/// relies on it.
pub fn looks_like(bytes: &[u8]) -> bool {
    let indicator = bytes.starts_with(b"+OK ") || bytes.starts_with(b"-ERR ");
    if !indicator && !text::is_known(text::first_word(bytes), KNOWN_COMMANDS) {
        return false;
    }
    let Some((line, next)) = text::first_line_is_text(bytes, 1024) else {
        return false;
    };
    // A bare `+OK` is also Redis's answer: a space must follow.
    for ind in [&b"+OK "[..], b"-ERR "] {
        if line.starts_with(ind) {
            return true;
        }
    }
    // A client sends one command at a time: the line is all the bytes.
    match text::known_command(line, KNOWN_COMMANDS) {
        Some((w, arg)) => next == bytes.len() && (arg || (w != b"USER" && w != b"PASS")),
        None => false,
    }
}

/// A view over one POP message: a command sent to the server, or a line
/// (a response, or a DATA fragment) from it.
#[derive(Clone, Copy, Debug)]
pub struct PopView<'a> {
    bytes: &'a [u8],
    to_server: bool,
}

impl<'a> PopView<'a> {
    /// A view over a whole message sent to the server (`to_server`) or
    /// from it. Fails only on no bytes at all.
    pub fn new(bytes: &'a [u8], to_server: bool) -> Result<Self, Error> {
        need(bytes, 1)?;
        Ok(PopView { bytes, to_server })
    }

    /// Is this a command (sent to the server)?
    pub fn is_request(&self) -> bool {
        self.to_server
    }

    /// Is this server text not a response but a DATA fragment (the body of
    /// a multi-line response)?
    pub fn is_data(&self) -> bool {
        !self.to_server && !is_status(self.bytes)
    }

    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    pub fn payload(&self) -> &'a [u8] {
        &[]
    }

    fn first(&self) -> Line {
        text::line_at(self.bytes, 0).unwrap_or(Line {
            start: 0,
            end: 0,
            next: 0,
        })
    }

    /// The first line's text (without its end).
    pub fn first_line(&self) -> &'a [u8] {
        self.first().text(self.bytes)
    }

    /// The first token and the rest of the first line (tshark's
    /// `get_token_len`: the rest starts after the spaces that follow). With
    /// no token (a line that starts with a space), the rest is the line.
    fn parts(&self) -> (Range<usize>, Range<usize>) {
        let l = self.first();
        let (tok, next) = text::token_skip_spaces(self.bytes, l.start, l.end);
        if tok.is_empty() {
            (tok, l.start..l.end)
        } else {
            (tok, next..l.end)
        }
    }

    /// A command's word (`USER`, `RETR`).
    pub fn command(&self) -> Option<&'a [u8]> {
        if !self.to_server {
            return None;
        }
        self.bytes.get(self.parts().0).filter(|c| !c.is_empty())
    }

    /// A command's parameter.
    pub fn parameter(&self) -> Option<&'a [u8]> {
        if !self.to_server {
            return None;
        }
        self.bytes.get(self.parts().1).filter(|p| !p.is_empty())
    }

    /// A response's indicator: `Some(true)` for `+OK`, `Some(false)` for
    /// `-ERR`.
    pub fn is_ok(&self) -> Option<bool> {
        if self.to_server || !is_status(self.bytes) {
            return None;
        }
        Some(self.bytes.starts_with(b"+OK"))
    }

    /// A response's description (after the indicator and spaces).
    pub fn description(&self) -> Option<&'a [u8]> {
        self.is_ok()?;
        self.bytes.get(self.parts().1).filter(|p| !p.is_empty())
    }

    /// `STLS`: on a `+OK` reply the connection turns to TLS.
    pub fn is_starttls(&self) -> bool {
        self.command()
            .is_some_and(|c| c.eq_ignore_ascii_case(b"STLS"))
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        if self.is_data() {
            return;
        }
        let b = self.bytes;
        let l = self.first();
        let (tok, rest) = self.parts();
        let req = self.to_server;
        match (f, req) {
            // tshark gives the line an empty value (its text is the label).
            (Field::Request, true) | (Field::Response, false) => {
                out.value(Value::Str(&[]), l.range())
            }
            (Field::RequestCommand, true) | (Field::ResponseIndicator, false)
                if !tok.is_empty() =>
            {
                out.value(Value::Str(b.get(tok.clone()).unwrap_or_default()), tok)
            }
            (Field::RequestParameter, true) | (Field::ResponseDescription, false)
                if !rest.is_empty() =>
            {
                out.value(Value::Str(b.get(rest.clone()).unwrap_or_default()), rest)
            }
            (Field::RequestData, true) | (Field::ResponseData, false) => {
                for m in text::lines_from(b, l.next) {
                    out.value(Value::Str(&[]), m.range());
                }
            }
            _ => {}
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("Post Office Protocol");
    }

    /// tshark's Info column: `C: USER bob`, `S: +OK ready`, or for server
    /// text that is not a response `S: DATA fragment, 120 bytes`.
    pub fn summary(&self, out: &mut String) {
        if self.is_data() {
            let n = self.bytes.len();
            out.push_str("S: DATA fragment, ");
            out.push_str(&n.to_string());
            out.push_str(if n == 1 { " byte" } else { " bytes" });
            return;
        }
        out.push_str(if self.to_server { "C: " } else { "S: " });
        text::push_text(out, self.first_line());
    }
}

/// The plain values of a POP message, for building one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PopRepr {
    /// `COMMAND[ parameter]` CR LF (with no command, the parameter is
    /// the line).
    Command {
        command: Vec<u8>,
        parameter: Option<Vec<u8>>,
    },
    /// `+OK[ description]` or `-ERR[ description]` CR LF.
    Response {
        ok: bool,
        description: Option<Vec<u8>>,
    },
}

impl PopRepr {
    pub fn parse(v: &PopView) -> Self {
        if v.is_request() {
            PopRepr::Command {
                command: v.command().unwrap_or_default().to_vec(),
                parameter: v.parameter().map(<[u8]>::to_vec),
            }
        } else {
            PopRepr::Response {
                ok: v.is_ok().unwrap_or(false),
                description: v.description().map(<[u8]>::to_vec),
            }
        }
    }

    pub fn emit(&self, buf: &mut Vec<u8>) {
        let (head, tail) = match self {
            PopRepr::Command { command, parameter } => (&command[..], parameter),
            PopRepr::Response { ok, description } => {
                (if *ok { &b"+OK"[..] } else { b"-ERR" }, description)
            }
        };
        buf.extend_from_slice(head);
        if let Some(t) = tail {
            // A line without a command word is all parameter.
            if !head.is_empty() {
                buf.push(b' ');
            }
            buf.extend_from_slice(t);
        }
        buf.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;
    use proptest::prelude::*;

    fn get(v: &PopView, f: Field) -> String {
        testing::joined_within(v.bytes.len(), FIELDS[f as usize].kind, |out| {
            v.field(f, out)
        })
    }

    fn summary(v: &PopView) -> String {
        testing::string_of(|s| v.summary(s))
    }

    /// zeek__pop3-unknown-commands.pcap frames 4 and 6.
    #[test]
    fn real_greeting_and_command() {
        let g = b"+OK example.com POP3-Server\r\n";
        assert_eq!(pdu_len(g), Pdu::Whole(g.len()));
        assert!(looks_like(g));
        let v = PopView::new(g, false).unwrap();
        assert_eq!(get(&v, Field::ResponseIndicator), "+OK");
        assert_eq!(
            get(&v, Field::ResponseDescription),
            "example.com POP3-Server"
        );
        assert_eq!(get(&v, Field::Request), "");
        assert_eq!(get(&v, Field::RequestCommand), "");
        assert_eq!(summary(&v), "S: +OK example.com POP3-Server");
        assert_eq!(v.is_ok(), Some(true));
        let c = b"USER zeek@zeek.org\r\n";
        let v = PopView::new(c, true).unwrap();
        assert_eq!(get(&v, Field::RequestCommand), "USER");
        assert_eq!(get(&v, Field::RequestParameter), "zeek@zeek.org");
        assert_eq!(get(&v, Field::ResponseIndicator), "");
        assert_eq!(summary(&v), "C: USER zeek@zeek.org");
        // pop.request has an empty value in tshark, but it is there.
        let mut n = 0;
        v.field(Field::Request, &mut |_: Value, _: Range<usize>| n += 1);
        assert_eq!(n, 1);
    }

    /// Forms checked against tshark 4.0 on crafted segments.
    #[test]
    fn odd_lines() {
        let v = PopView::new(b"user  x y\r\n", true).unwrap();
        assert_eq!(get(&v, Field::RequestParameter), "x y");
        let v = PopView::new(b"+OKfoo bar\r\n", false).unwrap();
        assert_eq!(get(&v, Field::ResponseIndicator), "+OKfoo");
        assert_eq!(get(&v, Field::ResponseDescription), "bar");
        let v = PopView::new(b"-ERR  two\r\n", false).unwrap();
        assert_eq!(get(&v, Field::ResponseDescription), "two");
        assert_eq!(v.is_ok(), Some(false));
        let v = PopView::new(b"+ok x\r\n", false).unwrap();
        assert!(v.is_data());
        assert_eq!(get(&v, Field::ResponseIndicator), "");
        assert_eq!(summary(&v), "S: DATA fragment, 7 bytes");
        // Later lines of one segment are data of the first.
        let v = PopView::new(b"+OK 2 messages\r\n1 120\r\n.\r\n", false).unwrap();
        assert_eq!(get(&v, Field::ResponseData), ",");
        assert!(PopView::new(b"STLS\r\n", true).unwrap().is_starttls());
    }

    #[test]
    fn framing() {
        assert_eq!(pdu_len(b"STAT\r\nLIST\r\n"), Pdu::Whole(6));
        assert_eq!(pdu_len(b"+OK 2 messages\r\n1 120\r\n"), Pdu::Whole(16));
        assert_eq!(pdu_len(b"1 120\r\n"), Pdu::NotMine);
        assert_eq!(pdu_len(b".\r\n"), Pdu::NotMine);
        assert_eq!(pdu_len(b"From: a@b\r\n"), Pdu::NotMine);
        assert_eq!(pdu_len(b"+ok\r\n"), Pdu::NotMine);
        assert_eq!(pdu_len(b"+O"), Pdu::Need(3));
        assert_eq!(pdu_len(b"-ER"), Pdu::Need(4));
        assert_eq!(pdu_len(b"\x16\x03\x01"), Pdu::NotMine);
        assert!(!looks_like(b"+OKAY\r\n"));
        assert!(!looks_like(b"+OK\r\n"));
        assert!(looks_like(b"+OK \r\n"));
        assert!(!looks_like(b"USER bob 0 * :Bob\r\n"));
        assert!(!looks_like(b"Last login: today\r\n"));
        assert!(looks_like(b"CAPA\r\n"));
        assert!(!looks_like(b"HELO x\r\n"));
    }

    #[test]
    fn hostile_inputs() {
        assert!(PopView::new(b"", true).is_err());
        for b in [&b" x"[..], b"\r\n\r\n", b"+OK", b"-", b"\xff", b"+OK \r"] {
            for to_server in [true, false] {
                let v = PopView::new(b, to_server).unwrap();
                for i in 0..FIELDS.len() {
                    let _ = get(&v, Field::from_index(i).unwrap());
                }
                let _ = summary(&v);
                let mut out = Vec::new();
                PopRepr::parse(&v).emit(&mut out);
            }
            let _ = (pdu_len(b), looks_like(b));
        }
        // A line that starts with a space: all of it is the parameter.
        let v = PopView::new(b" x\r\n", true).unwrap();
        assert_eq!(get(&v, Field::RequestParameter), " x");
    }

    proptest! {
        #[test]
        fn build_then_parse(
            req: bool,
            ok: bool,
            command in "[A-Za-z]{1,8}",
            tail in proptest::option::of("[!-~][ -~]{0,30}"),
        ) {
            let tail = tail.map(String::into_bytes);
            let r = if req {
                PopRepr::Command { command: command.into_bytes(), parameter: tail }
            } else {
                PopRepr::Response { ok, description: tail }
            };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            prop_assert_eq!(pdu_len(&buf), Pdu::Whole(buf.len()));
            let v = PopView::new(&buf, req).unwrap();
            prop_assert_eq!(PopRepr::parse(&v), r);
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
