//! tshark's conversation numbers (`tcp.stream`, `udp.stream`) when
//! several workers write per-packet output. tshark numbers conversations in
//! the order of their first frames in the whole file, but each worker's flow
//! engine numbers only its own. Two ways to the whole file's numbers:
//!
//! - [`StreamNumbers`]: a worker waits, at each frame that begins a
//!   conversation, for the others to pass it. Needed when a display filter
//!   tests the numbers (the worker must know them to filter).
//! - [`Marker`] and [`Renumber`]: a sink that can say where it wrote each
//!   number ([`StreamMark`]) writes the worker's own; the worker sends, with
//!   the frame's text, which conversations began at the frame and where
//!   the numbers are; the calling thread, which merges the outputs in frame
//!   order, numbers the conversations as they begin and writes the whole
//!   file's numbers in place. No worker waits.

use crate::parallel::{Out, Pieces};
use crate::sink::StreamMark;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use wiresift_engine::Dissection;
use wiresift_wire::Layer;

const TCP: usize = 0;
const UDP: usize = 1;

/// Where one worker is, for the others: every frame up to `done` has been
/// worked on, and the frames at which its TCP and UDP conversations began.
#[derive(Default)]
pub(crate) struct Progress {
    done: AtomicU64,
    began: [Mutex<Vec<u64>>; 2],
}

/// tshark numbers TCP and UDP conversations (`tcp.stream`, `udp.stream`)
/// in the order of their first frames in the whole file, but each worker's
/// flow engine numbers only its own. A conversation's number is its own
/// number on its worker plus the conversations the other workers began
/// before its first frame — which a worker knows once every other one has
/// passed that frame. So at a frame that begins a conversation, a worker
/// waits for the others to reach it (they are working on the same batch);
/// the frames of conversations already numbered need no waiting.
pub(crate) struct StreamNumbers {
    shared: Arc<Vec<Progress>>,
    me: usize,
    /// The whole file's number of each of this worker's conversations.
    global: [Vec<u32>; 2],
}

impl StreamNumbers {
    /// Every frame before `frame` has been worked on.
    pub(crate) fn begin(&self, frame: u64) {
        self.seen(frame.saturating_sub(1));
    }

    pub(crate) fn seen(&self, last: u64) {
        if let Some(p) = self.shared.get(self.me) {
            p.done.store(last, Ordering::Release);
        }
    }

    /// Give the TCP and UDP conversations of `d`, frame `frame`, the whole
    /// file's numbers.
    pub(crate) fn number(&mut self, d: &mut Dissection, frame: u64) {
        for e in d.layers.iter_mut() {
            match &mut e.layer {
                Layer::Tcp(v) => {
                    if let Some(mut info) = v.flow().copied() {
                        info.stream = self.global(TCP, info.stream, frame);
                        v.set_flow(info);
                    }
                }
                Layer::Udp(v) => {
                    if let Some(s) = v.stream() {
                        v.set_stream(self.global(UDP, s, frame));
                    }
                }
                _ => {}
            }
        }
    }

    /// The whole file's number of this worker's conversation `local` of a
    /// transport, seen in `frame`.
    fn global(&mut self, t: usize, local: u32, frame: u64) -> u32 {
        let Some(known) = self.global.get_mut(t) else {
            return local;
        };
        // Conversations are numbered as they begin, outermost first: one
        // not known yet begins at this frame.
        while known.len() <= local as usize {
            if let Some(p) = self.shared.get(self.me) {
                if let Ok(mut b) = p.began[t].lock() {
                    b.push(frame);
                }
            }
            let mut before = 0u32;
            for (i, p) in self.shared.iter().enumerate() {
                if i == self.me {
                    continue;
                }
                wait_until(&p.done, frame.saturating_sub(1));
                if let Ok(b) = p.began[t].lock() {
                    before = before.saturating_add(b.partition_point(|&f| f < frame) as u32);
                }
            }
            known.push((known.len() as u32).saturating_add(before));
        }
        known.get(local as usize).copied().unwrap_or(local)
    }
}

/// Wait for another worker to have worked on every frame up to `frame`:
/// spin briefly (it is on the same batch), then give the core away.
fn wait_until(done: &AtomicU64, frame: u64) {
    let mut spins = 0u32;
    while done.load(Ordering::Acquire) < frame {
        spins = spins.saturating_add(1);
        if spins < 64 {
            std::hint::spin_loop();
        } else if spins < 1024 {
            std::thread::yield_now();
        } else {
            std::thread::sleep(std::time::Duration::from_micros(50));
        }
    }
}

impl StreamNumbers {
    pub(crate) fn new(shared: Arc<Vec<Progress>>, me: usize) -> Self {
        StreamNumbers {
            shared,
            me,
            global: [Vec::new(), Vec::new()],
        }
    }
}

/// The tag of the pieces that carry a frame's numbering (the text's is 0).
pub(crate) const NUMBERING: u32 = 1;

/// One entry of a numbering piece: a conversation that began at the frame
/// (`at` and `len` unused), or a number written in the frame's text.
const ENTRY: usize = 14;
const BEGAN: u8 = 0;
const WRITTEN: u8 = 1;

/// A worker's side of the numbering by marks: which of its conversations
/// began at each frame.
pub(crate) struct Marker {
    me: u32,
    /// The next conversation of each transport this worker will begin.
    next: [u32; 2],
}

impl Marker {
    pub(crate) fn new(me: usize) -> Self {
        Marker {
            me: u32::try_from(me).unwrap_or(u32::MAX),
            next: [0, 0],
        }
    }

    /// After the frame's text (if any): the conversations `d` began, as
    /// [`StreamNumbers::number`] counts them (outermost first, every number
    /// the flow engine gave out up to the one seen), and where `marks` says
    /// the text holds numbers.
    pub(crate) fn frame(
        &mut self,
        d: &Dissection,
        marks: &[StreamMark],
        frame: u64,
        out: &mut Out,
    ) {
        let start = out.buf.len();
        out.buf.extend_from_slice(&self.me.to_le_bytes());
        for e in &d.layers {
            let (t, local) = match &e.layer {
                Layer::Tcp(v) => match v.flow() {
                    Some(info) => (TCP, info.stream),
                    None => continue,
                },
                Layer::Udp(v) => match v.stream() {
                    Some(s) => (UDP, s),
                    None => continue,
                },
                _ => continue,
            };
            let Some(next) = self.next.get_mut(t) else {
                continue;
            };
            while *next <= local {
                entry(&mut out.buf, BEGAN, t, *next, 0, 0);
                *next += 1;
            }
        }
        for m in marks {
            entry(
                &mut out.buf,
                WRITTEN,
                usize::from(m.udp),
                m.local,
                m.at,
                m.len,
            );
        }
        if out.buf.len() > start + 4 {
            out.end(frame, NUMBERING);
        } else {
            out.buf.truncate(start);
        }
    }
}

fn entry(buf: &mut Vec<u8>, kind: u8, t: usize, local: u32, at: usize, len: usize) {
    let t = u8::try_from(t).unwrap_or(u8::MAX);
    let as32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    buf.push(kind);
    buf.push(t);
    buf.extend_from_slice(&local.to_le_bytes());
    buf.extend_from_slice(&as32(at).to_le_bytes());
    buf.extend_from_slice(&as32(len).to_le_bytes());
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .and_then(|x| <[u8; 4]>::try_from(x).ok())
        .map_or(0, u32::from_le_bytes)
}

/// The merging side of the numbering by marks: each worker's conversations
/// get the whole file's numbers in the order they began, and the text's
/// numbers are written over.
#[derive(Default)]
pub(crate) struct Renumber {
    /// Per worker and transport: the whole file's number of each of its
    /// conversations.
    own: Vec<[Vec<u32>; 2]>,
    /// The next number of each transport.
    next: [u32; 2],
    /// The current frame's numbers in its text: (at, len, number).
    written: Vec<(usize, usize, u32)>,
}

impl Renumber {
    /// Write one frame's pieces: number what began there, then the text
    /// with the whole file's numbers in place of the worker's.
    pub(crate) fn write(&mut self, pieces: &Pieces, out: &mut impl Write) -> std::io::Result<()> {
        self.written.clear();
        for (_, p) in pieces.iter().filter(|(tag, _)| *tag == NUMBERING) {
            self.read(p);
        }
        for (_, p) in pieces.iter().filter(|(tag, _)| *tag != NUMBERING) {
            let mut from = 0;
            for &(at, len, n) in &self.written {
                // Marks come in order, each inside the text.
                let end = at.saturating_add(len);
                let (Some(before), true) = (p.get(from..at), end <= p.len()) else {
                    continue;
                };
                out.write_all(before)?;
                out.write_all(itoa::Buffer::new().format(n).as_bytes())?;
                from = end;
            }
            out.write_all(p.get(from..).unwrap_or_default())?;
        }
        Ok(())
    }

    fn read(&mut self, p: &[u8]) {
        let me = u32_at(p, 0) as usize;
        if self.own.len() <= me {
            self.own.resize_with(me + 1, Default::default);
        }
        let Some(own) = self.own.get_mut(me) else {
            return;
        };
        for e in p.get(4..).unwrap_or_default().chunks_exact(ENTRY) {
            let (kind, t) = (
                e.first().copied(),
                usize::from(e.get(1).copied().unwrap_or(0)),
            );
            let local = u32_at(e, 2);
            let (Some(known), Some(next)) = (own.get_mut(t), self.next.get_mut(t)) else {
                continue;
            };
            match kind {
                Some(BEGAN) => {
                    known.push(*next);
                    *next = next.saturating_add(1);
                }
                Some(WRITTEN) => {
                    let n = known.get(local as usize).copied().unwrap_or(local);
                    let (at, len) = (u32_at(e, 6) as usize, u32_at(e, 10) as usize);
                    self.written.push((at, len, n));
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A numbering piece of worker `me`: conversations begun, then numbers
    /// written (transport, local, at, len).
    fn piece(me: u32, began: &[(usize, u32)], written: &[(usize, u32, usize, usize)]) -> Vec<u8> {
        let mut b = me.to_le_bytes().to_vec();
        for &(t, local) in began {
            entry(&mut b, BEGAN, t, local, 0, 0);
        }
        for &(t, local, at, len) in written {
            entry(&mut b, WRITTEN, t, local, at, len);
        }
        b
    }

    fn write(r: &mut Renumber, text: &[u8], numbering: &[u8]) -> String {
        let pieces: Pieces = vec![(0, text), (NUMBERING, numbering)];
        let mut out = Vec::new();
        r.write(&pieces, &mut out).expect("to memory");
        String::from_utf8(out).expect("text")
    }

    #[test]
    fn conversations_are_numbered_in_the_order_they_began_in_the_file() {
        let mut r = Renumber::default();
        // Frame 1, worker 0: its TCP conversation 0 begins.
        let p = piece(0, &[(TCP, 0)], &[(TCP, 0, 2, 1)]);
        assert_eq!(write(&mut r, b"1\t0\t\n", &p), "1\t0\t\n");
        // Frame 2, worker 1: its TCP 0 and UDP 0 begin (a tunnel).
        let p = piece(1, &[(TCP, 0), (UDP, 0)], &[(UDP, 0, 2, 1), (TCP, 0, 4, 1)]);
        assert_eq!(write(&mut r, b"2\t0\t0\n", &p), "2\t0\t1\n");
        // Frame 3, worker 0: TCP 1 begins, TCP 0 shows again, quoted.
        let p = piece(0, &[(TCP, 1)], &[(TCP, 1, 3, 1), (TCP, 0, 7, 1)]);
        assert_eq!(write(&mut r, b"3\t\"1\"\t\"0\"\n", &p), "3\t\"2\"\t\"0\"\n");
        // Frame 4, worker 1: its TCP 0 again.
        let p = piece(1, &[], &[(TCP, 0, 2, 1)]);
        assert_eq!(write(&mut r, b"4\t0\n", &p), "4\t1\n");
    }

    #[test]
    fn a_frame_left_out_still_numbers_what_began_there() {
        let mut r = Renumber::default();
        // Frame 1 (filtered out) began worker 0's TCP 0: only numbering.
        let p = piece(0, &[(TCP, 0)], &[]);
        let pieces: Pieces = vec![(NUMBERING, &p)];
        let mut out = Vec::new();
        r.write(&pieces, &mut out).expect("to memory");
        assert!(out.is_empty());
        let p = piece(1, &[(TCP, 0)], &[(TCP, 0, 0, 1)]);
        assert_eq!(write(&mut r, b"0\n", &p), "1\n");
    }

    #[test]
    fn marks_out_of_the_text_or_cut_entries_do_not_panic() {
        let mut r = Renumber::default();
        let mut p = piece(0, &[(TCP, 0)], &[(TCP, 0, 50, 3), (TCP, 0, 0, 99)]);
        p.extend_from_slice(&[WRITTEN, 9, 1]);
        assert_eq!(write(&mut r, b"7\n", &p), "7\n");
        assert_eq!(write(&mut r, b"x", &[1, 2]), "x");
    }
}
