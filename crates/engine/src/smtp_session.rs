//! The client side of one SMTP conversation, cut as tshark 4.0 cuts it:
//! each segment (with a first line held from earlier segments while it has
//! no end) is one unit that `wire::smtp::state::Session` reads as command
//! lines, AUTH credentials or mail content; the content is put together
//! until the `.` line, and the frame that ends it shows the mail (an `imf`
//! layer after the SMTP one), with the frames the content came in.
//!
//! Mail content after a gap in the client's bytes is marked with the
//! gap's length (as Zeek ends the mail's reading at a content gap), on
//! every unit of the mail that follows it.
//!
//! Bounds: a held first line at most [`MAX_LINE`] bytes; of a mail, the
//! first [`MAX_MAIL`] bytes are kept (the rest is counted, not kept: the
//! headers are at the start) and at most [`MAX_FRAGMENTS`] frame numbers.
//! What is held is charged by the caller against its stream budget.

use crate::dissect::Dissection;
use std::ops::Range;
use wire::imf::ImfView;
use wire::smtp::state::{Session, Unit};
use wire::smtp::{Part, SmtpView};
use wire::Layer;
use wiresift_wire as wire;

/// The longest first line held while it has no end.
pub const MAX_LINE: usize = 64 << 10;
/// Mail bytes kept for the IMF layer.
pub const MAX_MAIL: usize = 4 << 20;
/// Frame numbers kept for `smtp.data.fragment`.
pub const MAX_FRAGMENTS: usize = 4096;

/// One SMTP conversation's client-side state.
#[derive(Debug, Default)]
pub struct SmtpConv {
    session: Session,
    /// The current frame's units (shown), then a unit held for more bytes.
    unit: Vec<u8>,
    /// Bytes of `unit` that belong to the current frame's shown units.
    shown: usize,
    frame: u64,
    /// What each shown range is: the range's start, its unit, and for
    /// mail content after a gap, the gap's bytes.
    kinds: Vec<(usize, Unit, u64)>,
    /// Bytes of gaps since the last unit was read.
    gap_seen: u64,
    /// The first gap of the mail being put together (0: none).
    mail_gap: u64,
    /// The mail being put together (its first [`MAX_MAIL`] bytes), its
    /// length and the frames it came in.
    mail: Vec<u8>,
    mail_len: u64,
    frames: Vec<u64>,
    /// The current frame ended the mail, at the unit starting here.
    done_at: Option<usize>,
    /// Mail bytes past [`MAX_MAIL`] and frame numbers past
    /// [`MAX_FRAGMENTS`] that were not kept.
    pub mail_dropped: u64,
    pub frames_dropped: u64,
}

impl SmtpConv {
    /// Bytes held (charged against the stream budget).
    pub fn held(&self) -> usize {
        self.unit.len().saturating_add(self.mail.len())
    }

    /// A reply from the server (its lines move the AUTH exchange).
    pub fn reply(&mut self, msg: &[u8]) {
        for line in msg.split(|&c| c == b'\n') {
            self.session.reply_line(line);
        }
    }

    /// Give up what is held (the budget is spent): the held line and the
    /// mail so far.
    pub fn give_up(&mut self) {
        self.unit.truncate(self.shown);
        self.mail = Vec::new();
        self.frames = Vec::new();
        self.mail_len = 0;
    }

    /// Bytes the client sent in frame `frame`, after `gap` missing ones;
    /// each range of [`SmtpConv::push_layers`] to show goes to `out`.
    pub fn client(
        &mut self,
        bytes: &[u8],
        gap: u32,
        frame: u64,
        out: &mut impl FnMut(Range<usize>),
    ) {
        if frame != self.frame {
            // What the last frame showed is done with; a held line stays.
            self.unit.drain(..self.shown.min(self.unit.len()));
            self.shown = 0;
            self.kinds.clear();
            self.frame = frame;
            if self.done_at.take().is_some() {
                self.mail.clear();
                self.frames.clear();
                self.mail_len = 0;
                self.mail_gap = 0;
            }
            if self.unit.is_empty() && self.unit.capacity() > 4096 {
                self.unit = Vec::new();
            }
        }
        if gap > 0 {
            self.unit.truncate(self.shown);
            self.gap_seen = self.gap_seen.saturating_add(u64::from(gap));
        }
        self.unit.extend_from_slice(bytes);
        let start = self.shown;
        let cur = self.unit.get(start..).unwrap_or_default();
        // What was held before `bytes` has no line end: only they are looked at.
        if cur.is_empty() || Session::wants_more(cur, bytes.len(), MAX_LINE) {
            return;
        }
        let unit = self.session.client(cur);
        let end = self.unit.len();
        let content = matches!(unit, Unit::Content { .. } | Unit::End { .. });
        let gap = std::mem::take(&mut self.gap_seen);
        if content && self.mail_gap == 0 {
            self.mail_gap = gap;
        }
        match unit {
            Unit::Content { ends } => {
                self.add_mail(start..end, frame);
                if ends {
                    self.done_at = Some(start);
                }
            }
            Unit::End { content } => {
                if content > 0 {
                    self.add_mail(start..start.saturating_add(content).min(end), frame);
                }
                self.done_at = Some(start);
            }
            Unit::CommandsEnd => self.done_at = Some(start),
            _ => {}
        }
        let gap = if content { self.mail_gap } else { 0 };
        self.kinds.push((start, unit, gap));
        self.shown = end;
        match unit {
            // Each command (or credential) line is a message of its own.
            Unit::Commands
            | Unit::CommandsEnd
            | Unit::Username
            | Unit::Password
            | Unit::UsernamePassword => {
                let b = &self.unit;
                let mut at = start;
                while at < end {
                    let next = line_next(b, at, end);
                    out(at..next);
                    at = next;
                }
            }
            Unit::Content { .. } | Unit::End { .. } => out(start..end),
        }
    }

    fn add_mail(&mut self, r: Range<usize>, frame: u64) {
        let piece = self.unit.get(r).unwrap_or_default();
        let room = MAX_MAIL.saturating_sub(self.mail.len());
        let keep = piece.len().min(room);
        self.mail
            .extend_from_slice(piece.get(..keep).unwrap_or_default());
        self.mail_dropped = self
            .mail_dropped
            .saturating_add((piece.len() - keep) as u64);
        self.mail_len = self.mail_len.saturating_add(piece.len() as u64);
        if self.frames.len() < MAX_FRAGMENTS {
            self.frames.push(frame);
        } else {
            self.frames_dropped += 1;
        }
    }

    /// Push the layers of the shown range `r` into `d`: the SMTP message,
    /// and the mail after the unit that ended it. False when `d` is full.
    pub fn push_layers<'a>(&'a self, r: Range<usize>, d: &mut Dissection<'a>) -> bool {
        let Some(msg) = self.unit.get(r.clone()) else {
            return true;
        };
        let (ustart, unit, gap) = self
            .kinds
            .iter()
            .rev()
            .find(|(at, ..)| *at <= r.start)
            .copied()
            .unwrap_or((0, Unit::Commands, 0));
        let part = match unit {
            Unit::Commands | Unit::CommandsEnd => Part::Commands,
            Unit::Username => Part::Username,
            Unit::Password => Part::Password,
            Unit::UsernamePassword => Part::UsernamePassword,
            Unit::Content { .. } => Part::DataFragment,
            Unit::End { content } => Part::Eom {
                fragments: &self.frames,
                length: self.mail_len,
                content,
            },
        };
        let Ok(v) = SmtpView::new(msg, true) else {
            return true;
        };
        let v = v.with_part(part).with_gap_before(gap);
        if !d.push_reassembled(Layer::Smtp(v)) {
            return false;
        }
        // The mail goes after the last message of the unit that ended it.
        let unit_end = self
            .kinds
            .iter()
            .find(|(at, ..)| *at > ustart)
            .map_or(self.shown, |k| k.0);
        if self.done_at == Some(ustart) && r.end == unit_end {
            return d.push_reassembled(Layer::Imf(ImfView::new(&self.mail)));
        }
        true
    }
}

/// Where the line at `at` of `b[..end]` ends, its end (CR LF, LF or CR)
/// included, as tshark finds a line's end.
fn line_next(b: &[u8], at: usize, end: usize) -> usize {
    let rest = b.get(at..end).unwrap_or_default();
    match rest.iter().position(|&c| c == b'\r' || c == b'\n') {
        None => end,
        Some(i) => {
            let crlf = rest.get(i) == Some(&b'\r') && rest.get(i + 1) == Some(&b'\n');
            at + i + if crlf { 2 } else { 1 }
        }
    }
}
