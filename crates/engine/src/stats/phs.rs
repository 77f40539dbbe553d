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
pub const MAX_NODES: usize = 65_536;

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Node {
    proto: Proto,
    first_child: u32,
    next_sibling: u32,
    frames: u64,
    bytes: u64,
    /// The first frame (by number) that passed through this node.
    first: u64,
}

pub struct Phs {
    /// `nodes[0]` is the root (no protocol of its own).
    nodes: Vec<Node>,
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

    /// Go from `at` down to its child `proto` (made if new), counting the
    /// frame there. `None` when the node cap is reached.
    #[inline]
    pub fn step(&mut self, at: Cursor, proto: Proto, len: u64, frame: u64) -> Option<Cursor> {
        let i = self.child(at.0, proto, frame)?;
        let n = &mut self.nodes[i as usize];
        n.frames = n.frames.saturating_add(1);
        n.bytes = n.bytes.saturating_add(len);
        n.first = n.first.min(frame);
        Some(Cursor(i))
    }

    /// The child of `parent` for `proto`, made if new (appended to the
    /// siblings).
    fn child(&mut self, parent: u32, proto: Proto, first: u64) -> Option<u32> {
        let mut last = NONE;
        let mut c = self.nodes.get(parent as usize)?.first_child;
        while c != NONE {
            let n = &self.nodes[c as usize];
            if n.proto == proto {
                return Some(c);
            }
            last = c;
            c = n.next_sibling;
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
        if last == NONE {
            self.nodes[parent as usize].first_child = i;
        } else {
            self.nodes[last as usize].next_sibling = i;
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
            let mut c = other.nodes[o as usize].first_child;
            while c != NONE {
                let on = other.nodes[c as usize];
                match self.child(s, on.proto, on.first) {
                    Some(m) => {
                        let n = &mut self.nodes[m as usize];
                        n.frames = n.frames.saturating_add(on.frames);
                        n.bytes = n.bytes.saturating_add(on.bytes);
                        n.first = n.first.min(on.first);
                        stack.push((c, m));
                    }
                    // Out of nodes: these frames (and so all below) stop
                    // at the parent.
                    None => self.truncated = self.truncated.saturating_add(on.frames),
                }
                c = on.next_sibling;
            }
        }
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
            v.push((
                n.first,
                PhsNode {
                    protocol: n.proto.name(),
                    frames: n.frames,
                    bytes: n.bytes,
                    children: self.children(c),
                },
            ));
            c = n.next_sibling;
        }
        // After a merge, siblings are in merge order: put them back in the
        // order first seen (protocol name breaks a tie between shards that
        // each saw a node first in the same frame, which cannot happen in
        // one frame's stack).
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
