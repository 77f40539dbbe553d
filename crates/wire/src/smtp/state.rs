//! An SMTP session followed as tshark 4.0's SMTP dissector follows it, to
//! tell what each piece of the client's bytes is: commands, the lines of an
//! AUTH exchange, or mail content (after `DATA`, or a `BDAT` chunk) up to
//! the `.` line that ends it.
//!
//! tshark decides per client segment (one "unit": the segment's bytes, with
//! a first line held from earlier segments when it had no end): it walks
//! the unit's lines through the state machine, and the state after the last
//! line it walked says what the whole unit is. So a segment holding `RCPT`,
//! `DATA` and the start of the mail is all mail content, and the commands
//! after a `.` line in the same segment are not read. The server's replies
//! move the AUTH state (`334` asks for the next credential, then `235` or a
//! failure ends the exchange). User names and passwords are shown as sent
//! (tshark does not decode base64 unless asked to).
//!
//! The state is a few words; the buffers (the held first line, the mail
//! put together) belong to the caller.

use crate::text;

/// What a unit of the client's bytes is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Command lines.
    Commands,
    /// Command lines, the last `BDAT 0 LAST`: the mail ends here.
    CommandsEnd,
    /// AUTH LOGIN's user name (after the server's first `334`).
    Username,
    /// AUTH LOGIN's password (after the second `334`).
    Password,
    /// AUTH PLAIN's credentials (after a `334`).
    UsernamePassword,
    /// Mail content: all of the unit goes to the mail; `ends` when it is a
    /// `BDAT … LAST` chunk's last bytes.
    Content { ends: bool },
    /// The `.` line: the first `content` bytes of the unit end the mail
    /// (what follows the line is not read).
    End { content: usize },
}

/// Where an AUTH exchange stands (tshark's `smtp_auth_state_t`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Auth {
    #[default]
    None,
    Start,
    UsernameReq,
    UsernameRsp,
    PasswordReq,
    PasswordRsp,
    PlainStartReq,
    PlainReq,
    PlainRsp,
    PlainCredReq,
    NtlmReq,
    NtlmChallenge,
    NtlmRsp,
    Success,
    Failed,
}

/// One SMTP session's state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Session {
    /// Reading mail content.
    data: bool,
    auth: Auth,
    /// The last unit read in the content state ended with CR LF (a `.`
    /// line at the start of the next one ends the mail).
    crlf_seen: bool,
    /// A DATA or BDAT command was seen: from then on a line that is not a
    /// command is mail content.
    data_seen: bool,
    /// BDAT: bytes announced and bytes read (tshark's running totals).
    bdat_total: u64,
    bdat_read: u64,
    bdat_last: bool,
}

/// tshark's `line_is_smtp_command`: four letters, or one of the longer
/// commands it knows.
fn is_command(word: &[u8]) -> bool {
    (word.len() == 4 && word.iter().all(u8::is_ascii_alphabetic))
        || text::is_one_of(word, super::LONG_COMMANDS)
}

/// The leading decimal digits of `b` as a number (C's `strtoul`, which
/// skips leading blanks; saturating).
fn leading_number(b: &[u8]) -> u64 {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    b.get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .fold(0u64, |n, &c| {
            n.saturating_mul(10).saturating_add(u64::from(c - b'0'))
        })
}

impl Session {
    /// Is the session reading mail content?
    pub fn in_data(&self) -> bool {
        self.data
    }

    /// Must `unit` wait for more bytes before it is read? tshark holds a
    /// client segment whose first line has no end yet (up to `max` bytes).
    /// Only its last `new` bytes are looked at: what was held before them
    /// had no line end (a line one byte a segment is not scanned again and
    /// again).
    pub fn wants_more(unit: &[u8], new: usize, max: usize) -> bool {
        let added = unit.get(unit.len().saturating_sub(new)..).unwrap_or(unit);
        unit.len() < max && memchr::memchr2(b'\r', b'\n', added).is_none()
    }

    /// Read one unit of the client's bytes (see the module's comment).
    pub fn client(&mut self, unit: &[u8]) -> Unit {
        let mut kind = Unit::Commands;
        let mut cred = None;
        let ends_crlf = unit.ends_with(b"\r\n");
        for l in text::lines_from(unit, 0) {
            let line = l.text(unit);
            let at = l.start;
            if self.data {
                let rest = unit.get(at..).unwrap_or_default();
                let eom = (self.crlf_seen && rest.starts_with(b".\r\n"))
                    || rest.starts_with(b"\r\n.\r\n");
                self.crlf_seen = ends_crlf;
                if eom {
                    self.data = false;
                    return Unit::End { content: at };
                }
                kind = Unit::Content { ends: false };
                if self.bdat_total > 0 {
                    // tshark adds what is left of the unit at each line.
                    let left = unit.len().saturating_sub(at) as u64;
                    self.bdat_read = self.bdat_read.saturating_add(left);
                    if self.bdat_read == self.bdat_total {
                        self.data = false;
                        return Unit::Content {
                            ends: self.bdat_last,
                        };
                    }
                }
                continue;
            }
            let word = line.split(|&c| c == b' ').next().unwrap_or_default();
            if is_command(word) {
                kind = if self.command(line) {
                    Unit::CommandsEnd
                } else {
                    Unit::Commands
                };
                continue;
            }
            self.auth = match self.auth {
                Auth::UsernameReq => {
                    cred = Some(Unit::Username);
                    Auth::UsernameRsp
                }
                Auth::PasswordReq => {
                    cred = Some(Unit::Password);
                    Auth::PasswordRsp
                }
                Auth::PlainReq => {
                    cred = Some(Unit::UsernamePassword);
                    Auth::PlainRsp
                }
                Auth::NtlmChallenge => Auth::NtlmRsp,
                other => {
                    kind = if self.data_seen {
                        Unit::Content { ends: false }
                    } else {
                        Unit::Commands
                    };
                    other
                }
            };
        }
        match (kind, cred) {
            (Unit::Commands, Some(c)) => c,
            _ => kind,
        }
    }

    /// A command line of the client (its first word is a command); true
    /// when it ends the mail (`BDAT 0 LAST`).
    fn command(&mut self, line: &[u8]) -> bool {
        let long = line.len() > 11;
        if text::starts_with_ci(line, b"DATA") {
            self.data = true;
            self.data_seen = true;
        } else if text::starts_with_ci(line, b"BDAT") {
            let n = leading_number(line.get(5..).unwrap_or_default());
            self.data_seen = true;
            self.bdat_total = self.bdat_total.saturating_add(n);
            self.data = n != 0;
            let tail = line.get(line.len().saturating_sub(4)..).unwrap_or_default();
            self.bdat_last = tail.eq_ignore_ascii_case(b"LAST");
            return n == 0 && self.bdat_last;
        } else if text::starts_with_ci(line, b"AUTH LOGIN") {
            self.auth = if long { Auth::UsernameRsp } else { Auth::Start };
        } else if text::starts_with_ci(line, b"AUTH PLAIN") {
            self.auth = if long {
                Auth::PlainCredReq
            } else {
                Auth::PlainStartReq
            };
        } else if text::starts_with_ci(line, b"AUTH NTLM") && line.len() > 10 {
            self.auth = Auth::NtlmReq;
        }
        false
    }

    /// A reply line of the server (its code moves the AUTH exchange).
    pub fn reply_line(&mut self, line: &[u8]) {
        let Some(code) = text::code3(line) else {
            return;
        };
        self.auth = match (code, self.auth) {
            (334, Auth::Start) => Auth::UsernameReq,
            (334, Auth::UsernameRsp) => Auth::PasswordReq,
            (334, Auth::PlainReq) => Auth::PlainRsp,
            (334, Auth::PlainStartReq) => Auth::PlainReq,
            (334, Auth::NtlmReq) => Auth::NtlmChallenge,
            (334, a) => a,
            (235, Auth::PasswordRsp | Auth::PlainRsp | Auth::NtlmRsp | Auth::PlainCredReq) => {
                Auth::Success
            }
            (_, Auth::PasswordRsp | Auth::PlainRsp | Auth::NtlmRsp | Auth::PlainCredReq) => {
                Auth::Failed
            }
            (_, a) => a,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// zeek smtp.pcap, frames 10-22: AUTH LOGIN, the two 334 challenges,
    /// the user name and password lines, then DATA and the first segment
    /// of the mail (tshark 4.0: "C: User: …", "C: Pass: …", "C: DATA
    /// fragment, 1460 bytes").
    #[test]
    fn auth_login_then_data() {
        let mut s = Session::default();
        assert_eq!(s.client(b"AUTH LOGIN\r\n"), Unit::Commands);
        s.reply_line(b"334 VXNlcm5hbWU6");
        assert_eq!(
            s.client(b"Z3VycGFydGFwQHBhdHJpb3RzLmlu\r\n"),
            Unit::Username
        );
        s.reply_line(b"334 UGFzc3dvcmQ6");
        assert_eq!(s.client(b"cHVuamFiQDEyMw==\r\n"), Unit::Password);
        s.reply_line(b"235 Authentication succeeded");
        assert_eq!(
            s.client(b"MAIL FROM: <gurpartap@patriots.in>\r\n"),
            Unit::Commands
        );
        assert_eq!(s.client(b"DATA\r\n"), Unit::Commands);
        assert!(s.in_data());
        s.reply_line(b"354 Enter message, ending with \".\" on a line by itself");
        assert_eq!(s.client(b"From: \"Gurpartap Singh\" <gurpartap@patriots.in>\r\nTo: <raj_deol2002in@yahoo.co.in>\r\n"), Unit::Content { ends: false });
        // zeek smtp.pcap frame 45: the mail's last segment.
        assert_eq!(
            s.client(b"------=_NextPart_000_0004_01CA45B0.095693F0--\r\n\r\n.\r\n"),
            Unit::End { content: 47 }
        );
        assert!(!s.in_data());
        assert_eq!(s.client(b"QUIT\r\n"), Unit::Commands);
    }

    /// suricata smtp-bug-5989-input.pcap frames 7-11: the server's 334
    /// replies are retransmissions tshark does not read, so the base64
    /// lines stay commands (`Z2Fs`, `VjF2`).
    #[test]
    fn credentials_need_the_challenge() {
        let mut s = Session::default();
        assert_eq!(s.client(b"AUTH LOGIN\r\n"), Unit::Commands);
        assert_eq!(s.client(b"Z2FsdW50\r\n"), Unit::Commands);
        assert_eq!(s.client(b"VjF2MXRyMG4=\r\n"), Unit::Commands);
        // AUTH PLAIN with its credentials on the line, then after a 334.
        let mut s = Session::default();
        assert_eq!(s.client(b"AUTH PLAIN\r\n"), Unit::Commands);
        s.reply_line(b"334 ");
        assert_eq!(s.client(b"AGEAYg==\r\n"), Unit::UsernamePassword);
    }

    /// arkime smtp-subject-multi-nospace.pcap frame 4: EHLO, MAIL, RCPT,
    /// DATA and the mail in one segment are all "DATA fragment" to tshark.
    #[test]
    fn a_segment_that_runs_into_the_mail_is_content() {
        let mut s = Session::default();
        let seg = b"EHLO x.example.com\r\nMAIL FROM:<a@b.net>\r\nRCPT TO:<a@b.net>\r\nDATA\r\nFrom: a@b.net\r\n\r\nlove love love\r\n.\n\n";
        assert_eq!(s.client(seg), Unit::Content { ends: false });
        assert!(s.in_data());
        // The same ending with the `.` line: what follows it is not read.
        let mut s = Session::default();
        let seg = b"RCPT TO:<a@b>\r\nDATA\r\nSubject: x\r\n\r\nhi\r\n.\r\nQUIT\r\n";
        assert_eq!(s.client(seg), Unit::End { content: 39 });
        // A `.` at the start of a segment ends the mail only when the last
        // one ended with CR LF.
        let mut s = Session::default();
        s.client(b"DATA\r\n");
        assert_eq!(s.client(b"abc"), Unit::Content { ends: false });
        assert_eq!(s.client(b".\r\n"), Unit::Content { ends: false });
        assert_eq!(s.client(b".\r\n"), Unit::End { content: 0 });
    }

    #[test]
    fn bdat_chunks() {
        let mut s = Session::default();
        assert_eq!(s.client(b"BDAT 5\r\n"), Unit::Commands);
        assert_eq!(s.client(b"hello"), Unit::Content { ends: false });
        assert_eq!(s.client(b"BDAT 0 LAST\r\n"), Unit::CommandsEnd);
        let mut s = Session::default();
        s.client(b"BDAT 3 LAST\r\n");
        assert_eq!(s.client(b"abc"), Unit::Content { ends: true });
        assert!(!s.in_data());
        assert_eq!(leading_number(b" 18446744073709551616999 LAST"), u64::MAX);
    }

    #[test]
    fn wants_more_until_the_first_line_ends() {
        assert!(Session::wants_more(b"MAIL FROM:<a", 12, 100));
        assert!(!Session::wants_more(b"MAIL\r\nRCPT", 10, 100));
        // Only the bytes just added are looked at.
        assert!(Session::wants_more(b"MAIL\r\nRCPT", 4, 100));
        assert!(!Session::wants_more(&[b'a'; 100], 100, 100));
    }
}
