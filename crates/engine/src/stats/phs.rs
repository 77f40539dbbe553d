//! Protocol hierarchy: a trie of protocol sequences (`eth` → `ip` → `tcp`),
//! each node with the frames whose stack passes through it and their bytes,
//! like tshark's `-z io,phs`.
//!
//! The stack is the frame's layers as tshark's tree shows them at the top
//! level: without the frame itself, without packets quoted inside ICMP
//! errors and without IPv6 extension headers (tshark shows those inside the
//! IPv6 layer). Children keep the order in which they were first seen.

use serde::Serialize;
use wiresift_wire::Proto;

/// Nodes the trie may hold; a frame whose stack would need more stops at the
/// deepest node it has (and is counted in [`Phs::truncated`]).
pub const MAX_NODES: usize = 16_384;

/// Protocols there are: each node has a slot per protocol for its child.
const PROTOS: usize = Proto::ALL.len();

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Node {
    proto: Proto,
    first_child: u32,
    next_sibling: u32,
    /// Frames whose stack ends at this node, and their bytes (a node's
    /// total, its subtree's sum, is made for the report: one increment a
    /// frame instead of one a layer).
    frames: u64,
    bytes: u64,
    /// The first frame (by number) that passed through this node: the one
    /// that made it, as each worker sees its frames in file order.
    first: u64,
}

pub struct Phs {
    /// `nodes[0]` is the root (no protocol of its own).
    nodes: Vec<Node>,
    /// `kids[n * PROTOS + p]`: the child of node `n` for protocol `p`, so a
    /// step down is one load (the sibling links keep the order first seen).
    kids: Vec<u32>,
    /// Frames whose stack went deeper than the node cap allowed.
    pub truncated: u64,
}

impl Default for Phs {
    fn default() -> Self {
        Phs {
            nodes: vec![Node {
                proto: Proto::Frame,
                first_child: NONE,
                next_sibling: NONE,
                frames: 0,
                bytes: 0,
                first: u64::MAX,
            }],
            kids: vec![NONE; PROTOS],
            truncated: 0,
        }
    }
}

/// Where a frame's walk down the trie is.
#[derive(Clone, Copy, Debug)]
pub struct Cursor(u32);

impl Phs {
    pub const ROOT: Cursor = Cursor(0);

    /// Is this layer part of the hierarchy's path?
    #[inline]
    pub fn counts_layer(p: Proto) -> bool {
        !matches!(p, Proto::Frame | Proto::Ipv6Ext)
    }

    /// Go from `at` down to its child `proto` (made if new, by frame
    /// `frame`). `None` when the node cap is reached.
    #[inline]
    pub fn step(&mut self, at: Cursor, proto: Proto, frame: u64) -> Option<Cursor> {
        self.child(at.0, proto, frame).map(Cursor)
    }

    /// Count a frame of `len` bytes whose stack ends at `at`.
    #[inline]
    pub fn end(&mut self, at: Cursor, len: u64) {
        if let Some(n) = self.nodes.get_mut(at.0 as usize) {
            n.frames = n.frames.saturating_add(1);
            n.bytes = n.bytes.saturating_add(len);
        }
    }

    /// The child of `parent` for `proto`, made if new (appended to the
    /// siblings).
    #[inline]
    fn child(&mut self, parent: u32, proto: Proto, first: u64) -> Option<u32> {
        let slot = (parent as usize)
            .checked_mul(PROTOS)?
            .checked_add(proto as usize)?;
        match self.kids.get(slot) {
            Some(&c) if c != NONE => {
                // Frames may come out of order (parts of a file, frames
                // kept for the end): the first is the least number.
                if let Some(n) = self.nodes.get_mut(c as usize) {
                    n.first = n.first.min(first);
                }
                return Some(c);
            }
            Some(_) => {}
            None => return None,
        }
        if self.nodes.len() >= MAX_NODES {
            return None;
        }
        let i = self.nodes.len() as u32;
        self.nodes.push(Node {
            proto,
            first_child: NONE,
            next_sibling: NONE,
            frames: 0,
            bytes: 0,
            first,
        });
        self.kids.resize(self.nodes.len() * PROTOS, NONE);
        self.kids[slot] = i;
        // Append to the siblings, keeping the order first seen.
        let mut c = self.nodes[parent as usize].first_child;
        if c == NONE {
            self.nodes[parent as usize].first_child = i;
        } else {
            while self.nodes[c as usize].next_sibling != NONE {
                c = self.nodes[c as usize].next_sibling;
            }
            self.nodes[c as usize].next_sibling = i;
        }
        Some(i)
    }

    /// A frame whose stack did not fit.
    pub fn note_truncated(&mut self) {
        self.truncated = self.truncated.saturating_add(1);
    }

    pub fn merge(&mut self, other: &Phs) {
        self.truncated = self.truncated.saturating_add(other.truncated);
        // (node in other, node in self)
        let mut stack = vec![(0u32, 0u32)];
        while let Some((o, s)) = stack.pop() {
            let on = other.nodes[o as usize];
            let n = &mut self.nodes[s as usize];
            n.frames = n.frames.saturating_add(on.frames);
            n.bytes = n.bytes.saturating_add(on.bytes);
            n.first = n.first.min(on.first);
            let mut c = on.first_child;
            while c != NONE {
                let oc = &other.nodes[c as usize];
                match self.child(s, oc.proto, oc.first) {
                    Some(m) => stack.push((c, m)),
                    // Out of nodes: this subtree's frames end at `s`.
                    None => {
                        let (f, b) = other.subtree(c);
                        let n = &mut self.nodes[s as usize];
                        n.frames = n.frames.saturating_add(f);
                        n.bytes = n.bytes.saturating_add(b);
                        self.truncated = self.truncated.saturating_add(f);
                    }
                }
                c = oc.next_sibling;
            }
        }
    }

    /// Frames and bytes ending in the subtree of `at`.
    fn subtree(&self, at: u32) -> (u64, u64) {
        let mut sum = (0u64, 0u64);
        let mut stack = vec![at];
        while let Some(i) = stack.pop() {
            let n = &self.nodes[i as usize];
            sum.0 = sum.0.saturating_add(n.frames);
            sum.1 = sum.1.saturating_add(n.bytes);
            let mut c = n.first_child;
            while c != NONE {
                stack.push(c);
                c = self.nodes[c as usize].next_sibling;
            }
        }
        sum
    }

    /// The hierarchy, children in the order first seen.
    pub fn report(&self) -> Vec<PhsNode> {
        self.children(0)
    }

    fn children(&self, parent: u32) -> Vec<PhsNode> {
        let mut v = Vec::new();
        let mut c = self.nodes[parent as usize].first_child;
        while c != NONE {
            let n = &self.nodes[c as usize];
            let children = self.children(c);
            let (mut frames, mut bytes) = (n.frames, n.bytes);
            for k in &children {
                frames = frames.saturating_add(k.frames);
                bytes = bytes.saturating_add(k.bytes);
            }
            v.push((
                n.first,
                PhsNode {
                    protocol: n.proto.name(),
                    frames,
                    bytes,
                    children,
                },
            ));
            c = n.next_sibling;
        }
        // After a merge, siblings are in merge order: put them back in the
        // order first seen (two siblings are never first seen in one frame,
        // whose stack has one layer a level; the name only makes the order
        // total).
        v.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.protocol.cmp(b.1.protocol)));
        v.into_iter().map(|(_, n)| n).collect()
    }
}

/// One protocol of the hierarchy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhsNode {
    pub protocol: &'static str,
    pub frames: u64,
    pub bytes: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<PhsNode>,
}
