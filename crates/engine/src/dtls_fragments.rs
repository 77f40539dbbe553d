//! DTLS handshake messages sent in fragments, put together for the
//! per-packet views as tshark does: the fragments of a message (one
//! direction of a UDP conversation, one message sequence number) are
//! copied in by their offsets, and the frame whose fragment fills the last
//! gap shows the whole message's fields after that fragment ("Client
//! Hello (Reassembled)"). A certificate chain longer than a datagram comes
//! this way.
//!
//! Bounded: a message of up to [`MAX_MESSAGE`] bytes in at most
//! [`MAX_PIECES`] separate pieces, [`MAX_HELD_TOTAL`] held over all,
//! [`MAX_PENDING`] messages waiting for fragments (past that the oldest is
//! let go); what is given up is counted.

use crate::dissect::Dissection;
use crate::quic::{ends, Ends};
use std::collections::HashMap;
use wire::dtls::{self, Item, Reassembled};
use wire::tls::Handshake;
use wire::Layer;
use wiresift_wire as wire;

/// The longest message put together.
pub const MAX_MESSAGE: u32 = 64 * 1024;
/// The bytes held for all messages waiting for fragments.
pub const MAX_HELD_TOTAL: usize = 16 << 20;
/// The messages waiting for fragments.
pub const MAX_PENDING: usize = 1024;
/// The separate pieces a message waiting for fragments holds: each piece
/// added costs a pass over them.
pub const MAX_PIECES: usize = 256;

/// A message some of whose fragments have come.
#[derive(Debug)]
struct Pending {
    msg_type: u8,
    /// The body, `length` bytes.
    body: Vec<u8>,
    /// The byte ranges that have come, merged and in order.
    have: Vec<(u32, u32)>,
    /// When it began, in fragments seen (the oldest goes first).
    born: u64,
}

impl Pending {
    /// Copy in `bytes` at `offset`; whether every byte has come.
    fn add(&mut self, offset: u32, bytes: &[u8]) -> bool {
        let start = offset as usize;
        let Some(to) = start
            .checked_add(bytes.len())
            .and_then(|end| self.body.get_mut(start..end))
        else {
            return false;
        };
        to.copy_from_slice(bytes);
        let end = offset.saturating_add(bytes.len() as u32);
        crate::ranges::add(&mut self.have, (offset, end));
        self.have == [(0, self.body.len() as u32)] || self.body.is_empty()
    }
}

/// The fragments of every direction followed, and the messages the
/// current frame completes.
#[derive(Debug, Default)]
pub struct Fragments {
    pending: HashMap<(Ends, u16), Pending>,
    held: usize,
    fragments_seen: u64,
    /// The messages the current frame completes, one after another.
    shown: Vec<u8>,
    /// Where in the DTLS layer the fragment that completed each lies.
    shown_at: Vec<usize>,
    /// Fragments not put together: of a message too long, past the bytes
    /// held over all, disagreeing with the earlier fragments of their
    /// message on its type or length, or past [`MAX_PIECES`] separate
    /// pieces of it.
    pub dropped: u64,
    /// Messages let go before they were whole, past [`MAX_PENDING`].
    pub evicted: u64,
}

impl Fragments {
    /// Take the handshake fragments of the frame's DTLS layer; the layer is
    /// given the messages they complete.
    pub fn frame<'a>(&'a mut self, d: &mut Dissection<'a>) {
        self.shown.clear();
        self.shown_at.clear();
        let found = d
            .layers
            .iter()
            .enumerate()
            .find_map(|(i, e)| match e.layer {
                Layer::Dtls(v) if !e.quoted => Some((i, v)),
                _ => None,
            });
        let Some((i, v)) = found else {
            return;
        };
        let Some(dir) = ends(d, i) else {
            return;
        };
        for it in v.items() {
            if let Item::Handshake { msg, .. } = it {
                if !msg.is_whole() {
                    self.fragment(dir, msg);
                }
            }
        }
        if self.shown_at.is_empty() {
            return;
        }
        let me: &'a Self = self;
        if let Some(e) = d.layers.get_mut(i) {
            e.layer = Layer::Dtls(v.with_reassembled(Reassembled {
                messages: &me.shown,
                fragments_at: &me.shown_at,
            }));
        }
    }

    /// One fragment; a message it completes goes to `shown`.
    fn fragment(&mut self, dir: Ends, msg: Handshake<'_>) {
        self.fragments_seen += 1;
        let (length, offset, piece) = (msg.length(), msg.fragment_offset(), msg.body());
        if length > MAX_MESSAGE {
            self.dropped += 1;
            return;
        }
        let key = (dir, msg.message_seq());
        if !self.pending.contains_key(&key) {
            if self.held.saturating_add(length as usize) > MAX_HELD_TOTAL {
                self.dropped += 1;
                return;
            }
            if self.pending.len() >= MAX_PENDING {
                self.evict_oldest();
            }
            self.held += length as usize;
            self.pending.insert(
                key,
                Pending {
                    msg_type: msg.msg_type(),
                    body: vec![0; length as usize],
                    have: Vec::new(),
                    born: self.fragments_seen,
                },
            );
        }
        let Some(p) = self.pending.get_mut(&key) else {
            return;
        };
        if p.msg_type != msg.msg_type()
            || p.body.len() != length as usize
            || p.have.len() >= MAX_PIECES
        {
            self.dropped += 1;
            return;
        }
        if !p.add(offset, piece) {
            return;
        }
        if let Some(p) = self.pending.remove(&key) {
            self.held = self.held.saturating_sub(p.body.len());
            if dtls::whole_message(p.msg_type, key.1, &p.body, &mut self.shown).is_some() {
                self.shown_at.push(msg.offset());
            }
        }
    }

    fn evict_oldest(&mut self) {
        let oldest = self
            .pending
            .iter()
            .min_by_key(|(_, p)| p.born)
            .map(|(k, _)| *k);
        if let Some(p) = oldest.and_then(|k| self.pending.remove(&k)) {
            self.held = self.held.saturating_sub(p.body.len());
            self.evicted += 1;
        }
    }
}

#[cfg(test)]
mod tests;
