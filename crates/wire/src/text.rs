//! Lines of the text protocols (SMTP, POP, IMAP, FTP and the SSH banner):
//! where a line ends as tshark's `tvb_find_line_end` sees it (the first CR or
//! LF; CR LF is one end), framing of a line or of a multi-line reply over a
//! stream with a bound, tokens, three-digit reply codes, and tshark's text
//! form for the Info column.
//!
//! Positions are indexes into the message; nothing here allocates, and every
//! read goes through `get`.

use crate::stream::Pdu;
use std::ops::Range;

/// The most bytes a line (or a multi-line reply, in all) may take while we
/// wait for its end; a longer one is taken as a whole, malformed message so
/// that framing and buffering stay bounded.
pub(crate) const MAX_LINE: usize = 64 * 1024;

const CR: u8 = b'\r';
const LF: u8 = b'\n';

/// One line of a message: `start..end` its text, `next` where the line after
/// it starts (past the CR LF, LF or CR that ended it; `end` for a last line
/// without an end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub start: usize,
    pub end: usize,
    pub next: usize,
}

impl Line {
    /// The line's text, without its end.
    pub fn text<'a>(&self, b: &'a [u8]) -> &'a [u8] {
        b.get(self.start..self.end).unwrap_or_default()
    }

    /// The line with its end.
    pub fn whole<'a>(&self, b: &'a [u8]) -> &'a [u8] {
        b.get(self.start..self.next).unwrap_or_default()
    }

    /// The byte range of the line with its end.
    pub fn range(&self) -> Range<usize> {
        self.start..self.next
    }

    /// The byte range of the line's text.
    pub fn text_range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// The index of the first CR or LF in `b`.
fn line_end(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == CR || c == LF)
}

/// The line starting at `start` of a whole message (the last one may have
/// no end), or `None` at the end of the message.
pub(crate) fn line_at(b: &[u8], start: usize) -> Option<Line> {
    let rest = b.get(start..).filter(|r| !r.is_empty())?;
    Some(match line_end(rest) {
        None => Line {
            start,
            end: b.len(),
            next: b.len(),
        },
        Some(i) => {
            let end = start + i;
            let crlf = rest.get(i) == Some(&CR) && rest.get(i + 1) == Some(&LF);
            Line {
                start,
                end,
                next: end + if crlf { 2 } else { 1 },
            }
        }
    })
}

/// The lines of a whole message, in order.
#[derive(Clone, Debug)]
pub(crate) struct Lines<'a> {
    b: &'a [u8],
    at: usize,
}

impl Iterator for Lines<'_> {
    type Item = Line;
    fn next(&mut self) -> Option<Line> {
        let l = line_at(self.b, self.at)?;
        // Every line takes at least one byte, so the walk ends.
        self.at = l.next.max(self.at + 1);
        Some(l)
    }
}

/// Every line of `b` from `start` on.
pub(crate) fn lines_from(b: &[u8], start: usize) -> Lines<'_> {
    Lines { b, at: start }
}

/// Where the line at `start` ends, for framing bytes of a stream that may
/// grow: the line is looked for in `b[start..limit]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cut {
    /// The line and its end are here.
    Line(Line),
    /// The line has not ended yet: at least this many bytes (from the start
    /// of `b`) are needed.
    Need(usize),
    /// No end before `limit`: the line is too long.
    TooLong,
}

pub(crate) fn cut_line(b: &[u8], start: usize, limit: usize) -> Cut {
    let stop = b.len().min(limit);
    let window = b.get(start..stop).unwrap_or_default();
    match line_end(window) {
        Some(i) => {
            let end = start + i;
            let next = match (b.get(end), b.get(end + 1)) {
                (Some(&CR), Some(&LF)) => end + 2,
                // A CR at the very end may be the first half of CR LF.
                (Some(&CR), None) => return Cut::Need(end + 2),
                _ => end + 1,
            };
            Cut::Line(Line { start, end, next })
        }
        None if stop >= limit => Cut::TooLong,
        None => Cut::Need(b.len().saturating_add(1)),
    }
}

/// Framing of one line at the start of `b` (bounded by [`MAX_LINE`]).
pub(crate) fn line_pdu(b: &[u8]) -> Pdu {
    match cut_line(b, 0, MAX_LINE) {
        Cut::Line(l) => Pdu::Whole(l.next),
        Cut::Need(n) => Pdu::Need(n),
        Cut::TooLong => Pdu::Whole(MAX_LINE),
    }
}

/// Framing of a reply whose first line is at the start of `b`: one line,
/// or, when `continues(first line)`, every line up to and including the
/// first later one for which `last(line)` holds. The whole reply is bounded
/// by [`MAX_LINE`]: past it the reply is cut after its last whole line.
pub(crate) fn reply_pdu(
    b: &[u8],
    continues: impl Fn(&[u8]) -> bool,
    last: impl Fn(&[u8]) -> bool,
) -> Pdu {
    let first = match cut_line(b, 0, MAX_LINE) {
        Cut::Line(l) => l,
        Cut::Need(n) => return Pdu::Need(n),
        Cut::TooLong => return Pdu::Whole(MAX_LINE),
    };
    if !continues(first.text(b)) {
        return Pdu::Whole(first.next);
    }
    let mut at = first.next;
    loop {
        if at >= MAX_LINE {
            return Pdu::Whole(at);
        }
        match cut_line(b, at, MAX_LINE) {
            Cut::Line(l) => {
                if last(l.text(b)) {
                    return Pdu::Whole(l.next);
                }
                at = l.next;
            }
            Cut::Need(n) => return Pdu::Need(n),
            Cut::TooLong => return Pdu::Whole(at),
        }
    }
}

/// A token of a line as tshark's `get_token_len` reads it: up to the first
/// space (or the end); the next token starts after every space that follows.
/// Returns the token's range and where the rest starts (both within
/// `from..to`).
pub(crate) fn token_skip_spaces(b: &[u8], from: usize, to: usize) -> (Range<usize>, usize) {
    let (tok, mut next) = token_one_space(b, from, to);
    while next < to && b.get(next) == Some(&b' ') {
        next += 1;
    }
    (tok, next)
}

/// A token as tshark's `tvb_get_token_len` reads it: up to the first space
/// (or the end); the next token starts right after that one space.
pub(crate) fn token_one_space(b: &[u8], from: usize, to: usize) -> (Range<usize>, usize) {
    let s = b.get(from..to).unwrap_or_default();
    match s.iter().position(|&c| c == b' ') {
        Some(i) => (from..from + i, from + i + 1),
        None => (from..from + s.len(), from + s.len()),
    }
}

/// The three-digit code at the start of a line (tshark's reply code).
pub(crate) fn code3(text: &[u8]) -> Option<u16> {
    let d = text.get(..3)?;
    if !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        d.iter()
            .fold(0u16, |n, &c| n * 10 + u16::from(c.wrapping_sub(b'0'))),
    )
}

/// Does `s` start with `prefix`, ignoring ASCII case?
pub(crate) fn starts_with_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// Is `word` (a command word) one of `known`, ignoring ASCII case?
pub(crate) fn is_one_of(word: &[u8], known: &[&str]) -> bool {
    known
        .iter()
        .any(|k| k.as_bytes().eq_ignore_ascii_case(word))
}

/// The longest first word content detection compares: longer than every
/// command word and IMAP tag.
const FIRST_WORD_MAX: usize = 32;

/// The first word of `b`: its bytes up to the first space, CR or LF, cut
/// one byte past [`FIRST_WORD_MAX`] (so a longer word matches nothing).
/// Content detection checks it before it reads a whole line, so that text
/// or binary that is no protocol line fails on its first bytes instead of
/// a scan to its line's end by every text protocol.
pub(crate) fn first_word(b: &[u8]) -> &[u8] {
    let head = b.get(..b.len().min(FIRST_WORD_MAX + 1)).unwrap_or_default();
    let end = head
        .iter()
        .position(|&c| matches!(c, b' ' | CR | LF))
        .unwrap_or(head.len());
    head.get(..end).unwrap_or_default()
}

/// Is the first line of `b` a plausible protocol line for content
/// detection: it ends (CR LF or LF) within `max` bytes and holds no control
/// characters but tabs? Returns its text and where the next line starts.
pub(crate) fn first_line_is_text(b: &[u8], max: usize) -> Option<(&[u8], usize)> {
    let window = b.get(..b.len().min(max)).unwrap_or_default();
    let i = window.iter().position(|&c| c == LF)?;
    let text = window.get(..i)?;
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    text.iter()
        .all(|&c| c == b'\t' || (c >= 0x20 && c != 0x7f))
        .then_some((text, i + 1))
}

/// A client line's command word for content detection: the line up to its
/// first space when it is one of `known` written in upper case (as clients
/// send them: lower-case words are too common in other text protocols),
/// and the line has no ` :` (IRC's trailing parameter, with USER and PASS
/// shared with FTP and POP). Returns the word and whether an argument
/// follows it.
pub(crate) fn known_command<'a>(line: &'a [u8], known: &[&str]) -> Option<(&'a [u8], bool)> {
    if line.windows(2).any(|w| w == b" :") {
        return None;
    }
    let end = line.iter().position(|&c| c == b' ').unwrap_or(line.len());
    let word = line.get(..end)?;
    let arg = line.get(end + 1..).is_some_and(|a| !a.is_empty());
    is_known(word, known).then_some((word, arg))
}

/// Is `word` exactly one of `known` (case matters; every known word starts
/// with a capital letter, so most text fails on its first byte without a
/// comparison with each)?
pub(crate) fn is_known(word: &[u8], known: &[&str]) -> bool {
    word.first().is_some_and(u8::is_ascii_uppercase) && known.iter().any(|k| k.as_bytes() == word)
}

/// Append `s` as tshark's `format_text` shows packet text in the Info
/// column: printable ASCII as is, C escapes (`\r`, `\n`, `\t`, …) or octal
/// `\ooo` for other ASCII controls, valid UTF-8 kept and each invalid
/// sequence as U+FFFD.
pub(crate) fn push_text(out: &mut String, s: &[u8]) {
    for chunk in s.utf8_chunks() {
        for ch in chunk.valid().chars() {
            if !ch.is_ascii() {
                out.push(ch);
                continue;
            }
            let c = ch as u8;
            if (0x20..0x7f).contains(&c) {
                out.push(ch);
                continue;
            }
            out.push('\\');
            match c {
                0x07 => out.push('a'),
                0x08 => out.push('b'),
                0x0c => out.push('f'),
                b'\n' => out.push('n'),
                b'\r' => out.push('r'),
                b'\t' => out.push('t'),
                0x0b => out.push('v'),
                _ => {
                    for shift in [6u8, 3, 0] {
                        out.push(char::from(b'0' + ((c >> shift) & 7)));
                    }
                }
            }
        }
        if !chunk.invalid().is_empty() {
            out.push('\u{fffd}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_as_tshark_finds_them() {
        let b = b"a\r\nb\nc\rd";
        let ls: Vec<_> = lines_from(b, 0).map(|l| l.text(b).to_vec()).collect();
        assert_eq!(ls, [&b"a"[..], b"b", b"c", b"d"]);
        let l = line_at(b, 0).unwrap();
        assert_eq!((l.end, l.next), (1, 3));
        assert_eq!(line_at(b, 8), None);
        assert_eq!(lines_from(b"", 0).count(), 0);
        assert_eq!(lines_from(b"\r\n\r\n", 0).count(), 2);
    }

    #[test]
    fn cutting_a_line_waits_for_its_end() {
        assert_eq!(line_pdu(b"NOOP\r\n"), Pdu::Whole(6));
        assert_eq!(line_pdu(b"NOOP\r\nQUIT\r\n"), Pdu::Whole(6));
        assert_eq!(line_pdu(b"NOOP\n"), Pdu::Whole(5));
        assert_eq!(line_pdu(b"NOOP"), Pdu::Need(5));
        // A CR at the end may be followed by an LF.
        assert_eq!(line_pdu(b"NOOP\r"), Pdu::Need(6));
        assert_eq!(line_pdu(b"NOOP\rX"), Pdu::Whole(5));
        let long = vec![b'a'; MAX_LINE + 10];
        assert_eq!(line_pdu(&long), Pdu::Whole(MAX_LINE));
        assert_eq!(line_pdu(&long[..MAX_LINE - 1]), Pdu::Need(MAX_LINE));
    }

    #[test]
    fn multi_line_replies_end_at_their_last_line() {
        let cont = |t: &[u8]| t.get(3) == Some(&b'-');
        let last = |t: &[u8]| code3(t).is_some() && t.get(3) != Some(&b'-');
        assert_eq!(
            reply_pdu(b"250-a\r\n250-b\r\n250 c\r\nX", cont, last),
            Pdu::Whole(21)
        );
        assert_eq!(reply_pdu(b"250-a\r\n250-b\r\n", cont, last), Pdu::Need(15));
        assert_eq!(reply_pdu(b"250 a\r\n250 b\r\n", cont, last), Pdu::Whole(7));
        // Bounded: a reply that never ends is cut after its last whole line
        // within the limit.
        let mut b = Vec::new();
        while b.len() < MAX_LINE + 100 {
            b.extend_from_slice(b"250-xxxxxxxxxxxxxxxxxxxxxxxx\r\n");
        }
        match reply_pdu(&b, cont, last) {
            Pdu::Whole(n) => assert!(n <= MAX_LINE && n > MAX_LINE - 40),
            p => panic!("{p:?}"),
        }
    }

    #[test]
    fn tokens_and_codes() {
        let b = b"USER  bob x";
        assert_eq!(token_skip_spaces(b, 0, b.len()), (0..4, 6));
        assert_eq!(token_one_space(b, 0, b.len()), (0..4, 5));
        assert_eq!(token_one_space(b, 9, b.len()), (9..9, 10));
        assert_eq!(token_one_space(b, 10, b.len()), (10..11, 11));
        assert_eq!(code3(b"250 ok"), Some(250));
        assert_eq!(code3(b"25"), None);
        assert_eq!(code3(b"2x0"), None);
    }

    #[test]
    fn info_text_form() {
        let mut s = String::new();
        push_text(&mut s, b"a\\b\x00\r\n\x7f\xc3\xa9\xff");
        assert_eq!(s, "a\\b\\000\\r\\n\\177\u{e9}\u{fffd}");
    }
}
