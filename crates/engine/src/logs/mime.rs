//! The files of a mail, as Zeek 6's MIME analyzer
//! (`analyzer/protocol/mime`) hands them to file analysis: each leaf
//! entity that yields at least one byte of content is a file. The parts of
//! an HTTP multipart body are read the same way ([`walk_body`]), with
//! HTTP's line ends.
//!
//! The mail is read as Zeek's SMTP analyzer delivers it: line by line, the
//! line end and trailing CRs taken off and one leading `.` removed. Then,
//! as Zeek's `MIME_Entity`:
//! - every entity (the top level, each part of a multipart, the message
//!   of a `message/*`) counts in the connection's `mime_depth`, containers
//!   and empty parts too; a file's depth is its entity's count;
//! - a multipart entity checks each line for its boundary (`--b` starts a
//!   part, `--b--` ends the last) before its open part sees it; lines
//!   before the first boundary and after the last are dropped; a multipart
//!   without a boundary is a leaf;
//! - a part with no `Content-Transfer-Encoding` takes its parent's; the
//!   content is decoded: base64 (bytes outside the alphabet skipped, an
//!   incomplete last group padded), quoted-printable (CR LF after each
//!   line that does not end in a soft break), else as sent with CR LF
//!   between lines — and after the last one too, unless the parent is a
//!   multipart (that CR LF belongs to the boundary);
//! - a file's name is the `filename` of Content-Disposition or the `name`
//!   of Content-Type, whichever header came last ([`filename`]).
//!
//! Zeek's base64 decoder tells, as the weird `base64_illegal_encoding`,
//! its first stray byte or group after padding, and an incomplete last
//! group ([`Mail::weirds`]).
//!
//! Zeek hands a file its content a line at a time (after each line that
//! decoded to something): a file starts at the end of its first such line
//! and was last active at the end of its last. Where a line ended is the
//! caller's mark: the time its end came for a mail read as it comes
//! ([`MailReader`]), an offset in the body for an HTTP body
//! ([`walk_body`]).
//!
//! Bounds: entities nest at most [`MAX_NESTING`] deep (a deeper one is not
//! begun: its lines are dropped, and it is counted); at most
//! [`MAX_FILES`] files and [`MAX_WEIRDS`] weirds a mail; a header's
//! unfolded value is cut at [`MAX_HEADER`] bytes; a mail line is held at
//! most [`MAX_LINE`] bytes while its end has not come (a longer one is read
//! in pieces of that length, and counted). What a mail holds does not grow
//! with its length: a file keeps its first bytes (for its type) and a count.

use super::http::unescape_uri;
use wiresift_wire as wire;

/// Entities open at once, the top level included.
pub const MAX_NESTING: usize = 100;
/// Files listed of one mail; more are counted in [`Mail::files_dropped`].
pub const MAX_FILES: usize = 1000;
/// Bytes kept of a header's unfolded value.
pub const MAX_HEADER: usize = 16 << 10;
/// Weirds kept of one mail.
pub const MAX_WEIRDS: usize = 100;
/// Bytes of a mail line held while its end has not come.
pub const MAX_LINE: usize = 64 << 10;
/// Bytes of a file kept from its start for its type.
const HEAD: usize = crate::inflate::HEAD;

pub use wire::mime::{File, Mail};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    /// 7bit, 8bit, binary or anything unknown: as sent.
    AsSent,
    QuotedPrintable,
    Base64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Leaf,
    Multipart { boundary: Option<Vec<u8>> },
    Message,
}

#[derive(Debug)]
struct Entity {
    index: u64,
    in_header: bool,
    /// The header being read (folded lines joined).
    header: Vec<u8>,
    kind: Kind,
    encoding: Encoding,
    parent_multipart: bool,
    filename: Option<Vec<u8>>,
    /// Its file in [`Mail::files`], once it gave content.
    file: Option<usize>,
    /// A CR LF owed before the next line (as sent, in a multipart).
    crlf_owed: bool,
    /// Base64: sextets of the group so far, how many, `=` in the group,
    /// and whether a group with padding was seen (later ones are ignored).
    group: [u8; 4],
    in_group: usize,
    padding: usize,
    padded: bool,
    /// The closing boundary was seen (a multipart): later lines dropped.
    closed: bool,
    /// Base64: a stray byte or a group after padding was told (Zeek's
    /// decoder tells the first only).
    errored: bool,
    /// Weirds of the line being decoded.
    weirds: Vec<String>,
}

impl Entity {
    fn new(index: u64, parent: Option<&Entity>) -> Entity {
        Entity {
            index,
            in_header: true,
            header: Vec::new(),
            kind: Kind::Leaf,
            encoding: parent.map_or(Encoding::AsSent, |p| p.encoding),
            parent_multipart: parent.is_some_and(|p| matches!(p.kind, Kind::Multipart { .. })),
            filename: None,
            file: None,
            crlf_owed: false,
            group: [0; 4],
            in_group: 0,
            padding: 0,
            padded: false,
            closed: false,
            errored: false,
            weirds: Vec::new(),
        }
    }

    /// Content is decoded here, not split into entities.
    fn is_leaf(&self) -> bool {
        matches!(self.kind, Kind::Leaf | Kind::Multipart { boundary: None })
    }

    /// One header, folded lines joined.
    fn header(&mut self, h: &[u8]) {
        let Some(colon) = h.iter().position(|&c| c == b':') else {
            return;
        };
        let name = h.get(..colon).unwrap_or_default().trim_ascii();
        let value = h.get(colon + 1..).unwrap_or_default().trim_ascii_start();
        if name.eq_ignore_ascii_case(b"content-type") {
            self.content_type(value);
            if has_param(value, b"name", false) {
                self.filename = Some(filename(value));
            }
        } else if name.eq_ignore_ascii_case(b"content-disposition") {
            if has_param(value, b"filename", true) {
                self.filename = Some(filename(value));
            }
        } else if name.eq_ignore_ascii_case(b"content-transfer-encoding") {
            let token = value
                .split(|&c| c == b';' || c.is_ascii_whitespace())
                .next()
                .unwrap_or_default();
            self.encoding = if token.eq_ignore_ascii_case(b"quoted-printable") {
                Encoding::QuotedPrintable
            } else if token.eq_ignore_ascii_case(b"base64") {
                Encoding::Base64
            } else {
                Encoding::AsSent
            };
        }
    }

    fn content_type(&mut self, value: &[u8]) {
        let Some(slash) = value.iter().position(|&c| c == b'/') else {
            return;
        };
        let ty = value.get(..slash).unwrap_or_default().trim_ascii();
        self.kind = if ty.eq_ignore_ascii_case(b"multipart") {
            Kind::Multipart {
                boundary: param(value, b"boundary"),
            }
        } else if ty.eq_ignore_ascii_case(b"message") {
            Kind::Message
        } else {
            Kind::Leaf
        };
    }
}

/// Whether a header value holds `name`, blanks, (`*` if `star`) and `=`
/// (Zeek's tests before it takes a file name).
pub fn has_param(v: &[u8], name: &[u8], star: bool) -> bool {
    name_ends(v, name, star).is_some()
}

/// Where the value of the last `name[ \t]*\*?=[ \t]*` in `v` starts.
fn name_ends(v: &[u8], name: &[u8], star: bool) -> Option<usize> {
    let blank = |c: u8| c == b' ' || c == b'\t';
    (0..v.len()).rev().find_map(|at| {
        let w = v.get(at..at.checked_add(name.len())?)?;
        if !w.eq_ignore_ascii_case(name) {
            return None;
        }
        let mut i = at + name.len();
        while v.get(i).copied().is_some_and(blank) {
            i += 1;
        }
        if star && v.get(i) == Some(&b'*') {
            i += 1;
        }
        if v.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        while v.get(i).copied().is_some_and(blank) {
            i += 1;
        }
        Some(i)
    })
}

/// A file name from a Content-Disposition or Content-Type value, as
/// Zeek's `extract_filename_from_content_disposition`: what follows the
/// last `name=` (or `name*=`), up to the closing quote if quoted, else to
/// the end; an RFC 2231 `charset'language'` prefix taken off; `%XX`
/// escapes decoded.
pub fn filename(v: &[u8]) -> Vec<u8> {
    let rest = name_ends(v, b"name", true)
        .and_then(|at| v.get(at..))
        .unwrap_or(v);
    let name = match rest.strip_prefix(b"\"") {
        Some(q) => q.split(|&c| c == b'"').next().unwrap_or_default(),
        None => rest,
    };
    // Zeek's class: `[a-zA-Z0-9\!#$%&+-^_`{}~]`, where `+-^` is a range.
    let token = |c: u8| {
        c.is_ascii_alphanumeric() || b"!#$%&_`{}~".contains(&c) || (b'+'..=b'^').contains(&c)
    };
    let charset = name.iter().position(|&c| !token(c));
    let name = match charset {
        Some(q) if q > 0 && name.get(q) == Some(&b'\'') => {
            let lang = name.get(q + 1..).unwrap_or_default();
            match lang.iter().position(|&c| !token(c)) {
                Some(e) if lang.get(e) == Some(&b'\'') => lang.get(e + 1..).unwrap_or_default(),
                _ => name,
            }
        }
        _ => name,
    };
    unescape_uri(name)
}

/// A parameter's value (`attr=token` or `attr="quoted"`), the attribute's
/// name matched without case.
fn param(v: &[u8], attr: &[u8]) -> Option<Vec<u8>> {
    for p in v.split(|&c| c == b';').skip(1) {
        let Some(eq) = p.iter().position(|&c| c == b'=') else {
            continue;
        };
        if !p.get(..eq)?.trim_ascii().eq_ignore_ascii_case(attr) {
            continue;
        }
        let val = p.get(eq + 1..)?.trim_ascii();
        let val = match val.strip_prefix(b"\"") {
            Some(q) => q.split(|&c| c == b'"').next().unwrap_or_default(),
            None => val,
        };
        return Some(val.to_vec());
    }
    None
}

/// Where a line goes, at one entity.
enum Step {
    /// To the entity's open part or message.
    Deeper,
    Drop,
    Header,
    /// A boundary: a new part.
    Part,
    /// The closing boundary.
    Closing,
    /// Decoded as the entity's content.
    Delivered,
}

/// What a multipart's boundary makes of a line.
enum Boundary {
    None,
    Part,
    Closing,
}

fn boundary(line: &[u8], b: &[u8]) -> Boundary {
    match line.strip_prefix(b"--").and_then(|r| r.strip_prefix(b)) {
        Some(r) if r.starts_with(b"--") => Boundary::Closing,
        Some(_) => Boundary::Part,
        None => Boundary::None,
    }
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        // Counts as padding, and as a zero sextet.
        b'=' => Some(0),
        _ => None,
    }
}

/// Reads a mail's lines into its entities.
#[derive(Debug)]
struct Walker {
    stack: Vec<Entity>,
    mail: Mail,
    /// Decoded bytes of the current line.
    out: Vec<u8>,
}

impl Walker {
    /// Entity `i` (the innermost) gave `self.out`, on the line ending at
    /// `at`.
    fn deliver(&mut self, i: usize, at: i64) {
        let Some(e) = self.stack.get_mut(i) else {
            return;
        };
        for w in e.weirds.drain(..) {
            if self.mail.weirds.len() < MAX_WEIRDS {
                self.mail.weirds.push((at, w));
            }
        }
        if self.out.is_empty() {
            return;
        }
        let files = &mut self.mail.files;
        let file = match e.file {
            Some(f) => files.get_mut(f),
            None if files.len() >= MAX_FILES => {
                self.mail.files_dropped += 1;
                // Counted once: later lines find it taken.
                e.file = Some(usize::MAX);
                None
            }
            None => {
                e.file = Some(files.len());
                files.push(File {
                    entity: e.index,
                    filename: e.filename.clone(),
                    first_at: at,
                    ..File::default()
                });
                files.last_mut()
            }
        };
        if let Some(f) = file {
            f.seen = f.seen.saturating_add(self.out.len() as u64);
            let room = HEAD.saturating_sub(f.head.len()).min(self.out.len());
            f.head
                .extend_from_slice(self.out.get(..room).unwrap_or_default());
            f.last_at = at;
        }
        self.out.clear();
    }

    fn begin(&mut self, parent: usize) {
        self.mail.entities += 1;
        if self.stack.len() >= MAX_NESTING {
            self.mail.too_deep += 1;
            return;
        }
        self.stack.truncate(parent + 1);
        let e = Entity::new(self.mail.entities, self.stack.get(parent));
        self.stack.push(e);
    }

    /// Entities deeper than `keep` end (at the line ending at `at`).
    fn end_below(&mut self, keep: usize, at: i64) {
        while self.stack.len() > keep + 1 {
            let i = self.stack.len() - 1;
            self.finish(i, at);
            self.stack.pop();
        }
    }

    /// Entity `i` ends: a header not yet taken, a base64 group left.
    fn finish(&mut self, i: usize, at: i64) {
        let Some(e) = self.stack.get_mut(i) else {
            return;
        };
        if e.in_header {
            let h = std::mem::take(&mut e.header);
            e.header(&h);
        }
        if e.encoding == Encoding::Base64 && e.in_group > 0 && e.is_leaf() {
            // Zeek pads an incomplete group with `=`.
            e.weirds.push(format!(
                "incomplete base64 group, padding with {} bits of 0",
                (4 - e.in_group.min(4)) * 6
            ));
            while let Some(slot) = e.group.get_mut(e.in_group) {
                *slot = 0;
                e.in_group += 1;
                e.padding += 1;
            }
            group(e, &mut self.out);
        }
        self.deliver(i, at);
    }

    fn line(&mut self, line: &[u8], at: i64) {
        let depth = self.stack.len();
        // Only a line starting `--` can be a boundary of an outer entity;
        // any other goes to the innermost (the entities above it pass it
        // down, and only the innermost reads headers or is closed), so a
        // deeply nested mail costs no walk from the top at each line.
        let mut i = if line.starts_with(b"--") {
            0
        } else {
            depth.saturating_sub(1)
        };
        while let Some(e) = self.stack.get_mut(i) {
            let innermost = depth == i + 1;
            let step = if e.closed {
                Step::Drop
            } else if e.in_header {
                Step::Header
            } else {
                match &e.kind {
                    Kind::Multipart { boundary: Some(b) } => match boundary(line, b) {
                        Boundary::Part => Step::Part,
                        Boundary::Closing => Step::Closing,
                        // Before the first part: dropped.
                        Boundary::None if innermost => Step::Drop,
                        Boundary::None => Step::Deeper,
                    },
                    Kind::Message if innermost => Step::Drop,
                    Kind::Message => Step::Deeper,
                    Kind::Leaf | Kind::Multipart { boundary: None } => {
                        decode(e, line, &mut self.out);
                        Step::Delivered
                    }
                }
            };
            match step {
                Step::Deeper => {
                    i += 1;
                    continue;
                }
                Step::Drop => {}
                Step::Header => self.header_line(i, line),
                Step::Part => {
                    self.end_below(i, at);
                    self.begin(i);
                }
                Step::Closing => {
                    self.end_below(i, at);
                    if let Some(e) = self.stack.get_mut(i) {
                        e.closed = true;
                    }
                }
                Step::Delivered => self.deliver(i, at),
            }
            return;
        }
    }

    fn header_line(&mut self, i: usize, line: &[u8]) {
        let Some(e) = self.stack.get_mut(i) else {
            return;
        };
        if line.is_empty() {
            let h = std::mem::take(&mut e.header);
            e.header(&h);
            e.in_header = false;
            if e.kind == Kind::Message {
                self.begin(i);
            }
            return;
        }
        if line.first().is_some_and(|c| *c == b' ' || *c == b'\t') {
            // A folded line: joined without its line end.
            let room = MAX_HEADER.saturating_sub(e.header.len()).min(line.len());
            e.header
                .extend_from_slice(line.get(..room).unwrap_or_default());
            return;
        }
        let h = std::mem::take(&mut e.header);
        e.header(&h);
        let keep = line.len().min(MAX_HEADER);
        e.header
            .extend_from_slice(line.get(..keep).unwrap_or_default());
    }
}

/// Decode one line of a leaf's content into `out`.
fn decode(e: &mut Entity, line: &[u8], out: &mut Vec<u8>) {
    match e.encoding {
        Encoding::AsSent => {
            if std::mem::take(&mut e.crlf_owed) {
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(line);
            if e.parent_multipart {
                e.crlf_owed = true;
            } else {
                out.extend_from_slice(b"\r\n");
            }
        }
        Encoding::QuotedPrintable => {
            let end = line
                .iter()
                .rposition(|&c| c != b' ' && c != b'\t')
                .map_or(0, |p| p + 1);
            let mut soft = false;
            let mut i = 0;
            while i < end {
                let c = line.get(i).copied().unwrap_or(0);
                if c == b'=' {
                    if i + 1 == end {
                        soft = true;
                    } else if let (Some(a), Some(b)) = (
                        line.get(i + 1).copied().and_then(hex),
                        line.get(i + 2).copied().and_then(hex),
                    ) {
                        out.push((a << 4) | b);
                        i += 2;
                    } else {
                        // Kept as written, as mail readers do.
                        out.push(c);
                    }
                } else {
                    out.push(c);
                }
                i += 1;
            }
            if !soft {
                out.extend_from_slice(b"\r\n");
            }
        }
        Encoding::Base64 => {
            for &c in line {
                let Some(s) = sextet(c) else {
                    if !std::mem::replace(&mut e.errored, true) {
                        // (Zeek prints the byte as a signed char.)
                        e.weirds
                            .push(format!("character {} ignored by Base64 decoding", c as i8));
                    }
                    continue;
                };
                if let Some(slot) = e.group.get_mut(e.in_group) {
                    *slot = s;
                }
                e.in_group += 1;
                if c == b'=' {
                    e.padding += 1;
                }
                if e.in_group == 4 {
                    group(e, out);
                }
            }
        }
    }
}

/// A whole base64 group: its three bytes less one per `=` in it (none
/// for three), unless a group with padding came before (Zeek's decoder).
fn group(e: &mut Entity, out: &mut Vec<u8>) {
    let [a, b, c, d] = e.group;
    if e.padded && !std::mem::replace(&mut e.errored, true) {
        e.weirds
            .push("extra base64 groups after '=' padding are ignored".to_owned());
    }
    if !e.padded {
        let bytes = [(a << 2) | (b >> 4), (b << 4) | (c >> 2), (c << 6) | d];
        let n = 3usize.saturating_sub(e.padding);
        out.extend_from_slice(bytes.get(..n).unwrap_or_default());
        e.padded = e.padding > 0;
    }
    e.in_group = 0;
    e.padding = 0;
}

impl Walker {
    fn new() -> Walker {
        let mut w = Walker {
            stack: Vec::new(),
            mail: Mail::default(),
            out: Vec::new(),
        };
        w.begin(0);
        w
    }

    /// A line of a mail as SMTP delivers it: its line end and trailing
    /// CRs taken off, and one leading `.` (the dot-stuffing).
    fn mail_line(&mut self, mut line: &[u8], at: i64) {
        while let Some(l) = line
            .strip_suffix(b"\n")
            .or_else(|| line.strip_suffix(b"\r"))
        {
            line = l;
        }
        let line = line.strip_prefix(b".").unwrap_or(line);
        self.line(line, at);
    }

    /// The text ended at `at`: every entity still open ends.
    fn end(mut self, at: i64) -> Mail {
        self.end_below(0, at);
        self.finish(0, at);
        self.mail
    }
}

/// How a reader's text is cut into lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lines {
    /// As SMTP delivers a mail: a line ends at LF; its line end and
    /// trailing CRs are taken off, and one leading `.` (the dot-stuffing).
    Mail,
    /// As Zeek's HTTP analyzer reads a multipart body (its
    /// `ContentLine_Analyzer` with both CR and LF as line ends): a line
    /// ends at CR LF, or at a CR or an LF alone.
    Http,
}

/// The files of a mail, or of an HTTP multipart body, read piece by piece
/// as it comes, so one of any length is read whole in bounded memory.
#[derive(Debug)]
pub struct MailReader {
    walker: Walker,
    lines: Lines,
    /// The start of a line whose end has not come ([`MAX_LINE`]); with
    /// HTTP's lines, a CR at its end waits for the byte after it.
    held: Vec<u8>,
    /// The mark of the last bytes fed.
    last: i64,
}

impl Default for MailReader {
    /// A mail's content as SMTP delivers it (dot-stuffed, up to the `.`
    /// line).
    fn default() -> Self {
        MailReader {
            walker: Walker::new(),
            lines: Lines::Mail,
            held: Vec::new(),
            last: 0,
        }
    }
}

impl MailReader {
    /// The body of an HTTP message, an entity whose MIME headers
    /// (`Content-Type: multipart/form-data; boundary=…`, …) are `headers`:
    /// the parts of a multipart, as Zeek's HTTP analyzer hands such a body
    /// to its MIME entities (so a part's content as sent has each lone CR
    /// or LF made a CR LF, as in Zeek).
    pub fn http_body(headers: &[&[u8]]) -> MailReader {
        let mut r = MailReader {
            lines: Lines::Http,
            ..MailReader::default()
        };
        for h in headers {
            r.walker.line(h, 0);
        }
        r.walker.line(b"", 0);
        r
    }

    /// Where the first line of `b` ends: its length without the line end,
    /// and with it; None when it has no end yet.
    fn line_end(&self, b: &[u8]) -> Option<(usize, usize)> {
        match self.lines {
            Lines::Mail => memchr::memchr(b'\n', b).map(|p| (p + 1, p + 1)),
            Lines::Http => {
                let p = memchr::memchr2(b'\r', b'\n', b)?;
                match (b.get(p), b.get(p + 1)) {
                    (Some(b'\r'), Some(b'\n')) => Some((p, p + 2)),
                    // A CR last: the next bytes tell whether an LF follows.
                    (Some(b'\r'), None) => None,
                    _ => Some((p, p + 1)),
                }
            }
        }
    }

    /// One whole line (with its line end for a mail).
    fn line(&mut self, line: &[u8], at: i64) {
        match self.lines {
            Lines::Mail => self.walker.mail_line(line, at),
            Lines::Http => self.walker.line(line, at),
        }
    }

    /// The next `bytes`, which came at `at` (the mark of each line they
    /// end).
    pub fn feed(&mut self, mut bytes: &[u8], at: i64) {
        self.last = at;
        if self.lines == Lines::Http && self.held.last() == Some(&b'\r') {
            // A CR held for the byte after it: a CR LF, or a CR alone.
            self.held.pop();
            if bytes.first() == Some(&b'\n') {
                bytes = bytes.get(1..).unwrap_or_default();
            }
            self.held_line(b"", at);
        }
        while !bytes.is_empty() {
            // Always at least 1: a line is read once it holds MAX_LINE.
            let room = MAX_LINE.saturating_sub(self.held.len());
            let (piece, rest) = match self.line_end(bytes) {
                Some((len, used)) if used <= room => (
                    bytes.get(..len).unwrap_or_default(),
                    bytes.get(used..).unwrap_or_default(),
                ),
                None if bytes.len() < room => {
                    self.held.extend_from_slice(bytes);
                    return;
                }
                _ => {
                    self.walker.mail.long_lines += 1;
                    let (l, r) = bytes.split_at_checked(room).unwrap_or((bytes, &[]));
                    (l, r)
                }
            };
            bytes = rest;
            if self.held.is_empty() {
                self.line(piece, at);
            } else {
                self.held_line(piece, at);
            }
        }
    }

    /// The held start of a line and `rest`, its end, read as one line (the
    /// held buffer kept for the next).
    fn held_line(&mut self, rest: &[u8], at: i64) {
        self.held.extend_from_slice(rest);
        let held = std::mem::take(&mut self.held);
        self.line(&held, at);
        self.held = held;
        self.held.clear();
    }

    /// Memory the reader takes (its held line, headers and files).
    pub fn taken(&self) -> usize {
        let headers: usize = self.walker.stack.iter().map(|e| e.header.capacity()).sum();
        let files = self.walker.mail.files.len() * (HEAD + std::mem::size_of::<File>());
        self.held.capacity() + self.walker.out.capacity() + headers + files
    }

    /// A gap of `gap` bytes in the mail's content: as Zeek's SMTP
    /// analyzer does, the mail ends there. A line cut by the gap is not
    /// read; the file being read counts the gap's bytes as missing.
    pub fn cut(mut self, gap: u64) -> Mail {
        self.held.clear();
        let open = self.walker.stack.last().and_then(|e| e.file);
        if let Some(f) = open.and_then(|i| self.walker.mail.files.get_mut(i)) {
            f.missing = f.missing.saturating_add(gap);
        }
        let at = self.last;
        self.finish(false, at)
    }

    /// The mark of the last bytes fed: where a mail whose end never came
    /// ends.
    pub fn last_mark(&self) -> i64 {
        self.last
    }

    /// The text ended at `at`; `blank_line`: an empty last line was left
    /// out of what was fed. A last line without its end is read, and every
    /// entity still open ends.
    pub fn finish(mut self, blank_line: bool, at: i64) -> Mail {
        if self.lines == Lines::Http && self.held.last() == Some(&b'\r') {
            // A CR last ends the line before it.
            self.held.pop();
            self.walker.line(&self.held, at);
        } else if !self.held.is_empty() {
            let held = std::mem::take(&mut self.held);
            self.line(&held, at);
        }
        if blank_line {
            self.walker.line(b"", at);
        }
        self.walker.end(at)
    }
}

/// The files of a whole HTTP message `body` ([`MailReader::http_body`]),
/// its lines marked `at`.
pub fn walk_body(headers: &[&[u8]], body: &[u8], at: i64) -> Mail {
    let mut r = MailReader::http_body(headers);
    r.feed(body, at);
    r.finish(false, at)
}

#[cfg(test)]
mod tests;
