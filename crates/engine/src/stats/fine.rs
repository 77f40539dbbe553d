//! One hash look-up a packet for the common stack.
//!
//! Most frames are Ethernet (or no link header), one IPv4 or IPv6 header,
//! and one TCP or UDP header. Counting such a frame in the Ethernet, IP and
//! transport conversation tables costs three look-ups, each a likely cache
//! miss. Instead it is counted once, under the whole tuple (MAC pair, IP
//! pair, ports, TCP or UDP), and the tuples are rolled up into the layer
//! tables when the report is made. Frames of any other shape (tunnels, no
//! transport, ARP…) go to the layer tables directly.
//!
//! The rolled-up tables hold exactly what per-packet counting would have
//! put there: each layer conversation gets the same frames, bytes, earliest
//! and latest time and first frame (with the position of its layer in that
//! frame), and the layer tables' caps decide the same way whatever the
//! order in which keys reach them (see [`super::table`]). When this table is
//! full it refuses new tuples, whose frames then take the per-layer path.

use super::conv::{Conversations, Endpoint};
use super::table::{Counted, Table};
use super::{Mac, Tables, V4, V6};
use std::hash::{Hash, Hasher};

/// A tuple, oriented so that `(ip[0], port[0]) <= (ip[1], port[1])`; `mac`
/// is the pair as frames from end 0 to end 1 carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tuple<A> {
    pub mac: Option<(Mac, Mac)>,
    pub ip: [A; 2],
    pub port: [u16; 2],
    pub udp: bool,
}

/// Hashed as a few whole words, not field by field (this is the one hash
/// of every frame), and without the MAC pair: the frames of one address and
/// port pair nearly always carry the same one, and equality still tells
/// tuples that differ only there apart.
impl<A: IpVersion> Hash for Tuple<A> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u64(
            u64::from(self.port[0]) << 32 | u64::from(self.port[1]) << 16 | u64::from(self.udp),
        );
        A::hash_pair(&self.ip, h);
    }
}

/// Counts of one tuple; `[0]` from end 0 to end 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TupleCounts {
    pub frames: [u64; 2],
    pub bytes: [u64; 2],
    pub start: i64,
    pub stop: i64,
    /// The first frame's number, direction, and where its Ethernet, IP and
    /// transport layers sat.
    pub first: u64,
    pub first_from_0: bool,
    pub at: [u8; 3],
}

impl Counted for TupleCounts {
    fn counts(&self) -> (u64, u64) {
        (
            self.frames[0].saturating_add(self.frames[1]),
            self.bytes[0].saturating_add(self.bytes[1]),
        )
    }

    fn merge(&mut self, o: &Self) {
        for i in 0..2 {
            self.frames[i] = self.frames[i].saturating_add(o.frames[i]);
            self.bytes[i] = self.bytes[i].saturating_add(o.bytes[i]);
        }
        self.start = self.start.min(o.start);
        self.stop = self.stop.max(o.stop);
        if o.first < self.first {
            self.first = o.first;
            self.first_from_0 = o.first_from_0;
            self.at = o.at;
        }
    }
}

/// One frame of the common stack, as [`super::Stats::add`] found it.
#[derive(Clone, Copy, Debug)]
pub struct Frame<A> {
    pub mac: Option<(Mac, Mac)>,
    pub src: (A, u16),
    pub dst: (A, u16),
    pub udp: bool,
    /// Layer positions of Ethernet, IP, transport.
    pub at: [u8; 3],
}

pub struct Tuples<A: IpVersion> {
    pub table: Table<Tuple<A>, TupleCounts>,
}

impl<A: IpVersion> Tuples<A> {
    pub fn new(cap: usize) -> Self {
        Tuples {
            table: Table::new(cap),
        }
    }

    /// Count a frame; false if the table is full and does not hold its
    /// tuple (the caller then counts it per layer).
    #[inline]
    pub fn add(&mut self, f: &Frame<A>, len: u64, rel: i64, frame: u64) -> bool {
        let from_0 = f.src <= f.dst;
        let (e0, e1) = if from_0 {
            (f.src, f.dst)
        } else {
            (f.dst, f.src)
        };
        let key = Tuple {
            mac: f.mac.map(|(s, d)| if from_0 { (s, d) } else { (d, s) }),
            ip: [e0.0, e1.0],
            port: [e0.1, e1.1],
            udp: f.udp,
        };
        let make = || TupleCounts {
            frames: [0; 2],
            bytes: [0; 2],
            start: rel,
            stop: rel,
            first: frame,
            first_from_0: from_0,
            at: f.at,
        };
        let Some(c) = self.table.get_or_insert_no_evict(key, make) else {
            return false;
        };
        let i = usize::from(!from_0);
        c.frames[i] = c.frames[i].saturating_add(1);
        c.bytes[i] = c.bytes[i].saturating_add(len);
        c.start = c.start.min(rel);
        c.stop = c.stop.max(rel);
        if frame < c.first {
            c.first = frame;
            c.first_from_0 = from_0;
            c.at = f.at;
        }
        true
    }
}

/// What a tuple's counts give one of its layers, ends in tuple order.
fn project<E: Endpoint>(
    t: &mut Conversations<E>,
    e0: E,
    e1: E,
    c: &TupleCounts,
    frame_key: u64,
    at: u8,
) {
    t.add_counts(
        e0,
        e1,
        (c.frames[0], c.bytes[0]),
        (c.frames[1], c.bytes[1]),
        c.start,
        c.stop,
        frame_key | u64::from(at),
        c.first_from_0,
    );
}

/// The layer tables of one IP version.
pub trait IpVersion: Endpoint {
    /// Hash two addresses as whole words.
    fn hash_pair<H: Hasher>(a: &[Self; 2], h: &mut H);
    fn ip(t: &mut Tables) -> &mut Conversations<Self>;
    fn tcp(t: &mut Tables) -> &mut Conversations<(Self, u16)>;
    fn udp(t: &mut Tables) -> &mut Conversations<(Self, u16)>;
}

impl IpVersion for V4 {
    fn hash_pair<H: Hasher>(a: &[Self; 2], h: &mut H) {
        h.write_u64(
            u64::from(u32::from_le_bytes(a[0])) << 32 | u64::from(u32::from_le_bytes(a[1])),
        );
    }
    fn ip(t: &mut Tables) -> &mut Conversations<Self> {
        &mut t.ip
    }
    fn tcp(t: &mut Tables) -> &mut Conversations<(Self, u16)> {
        &mut t.tcp4
    }
    fn udp(t: &mut Tables) -> &mut Conversations<(Self, u16)> {
        &mut t.udp4
    }
}

impl IpVersion for V6 {
    fn hash_pair<H: Hasher>(a: &[Self; 2], h: &mut H) {
        h.write_u128(u128::from_le_bytes(a[0]));
        h.write_u128(u128::from_le_bytes(a[1]));
    }
    fn ip(t: &mut Tables) -> &mut Conversations<Self> {
        &mut t.ipv6
    }
    fn tcp(t: &mut Tables) -> &mut Conversations<(Self, u16)> {
        &mut t.tcp6
    }
    fn udp(t: &mut Tables) -> &mut Conversations<(Self, u16)> {
        &mut t.udp6
    }
}

/// Count one tuple's frames in the layer tables.
fn roll_one<A: IpVersion>(k: &Tuple<A>, c: &TupleCounts, t: &mut Tables) {
    let fk = super::order_frame(c.first);
    if let Some((m0, m1)) = k.mac {
        project(&mut t.eth, m0, m1, c, fk, c.at[0]);
    }
    project(A::ip(t), k.ip[0], k.ip[1], c, fk, c.at[1]);
    let (s0, s1) = ((k.ip[0], k.port[0]), (k.ip[1], k.port[1]));
    let tr = if k.udp { A::udp(t) } else { A::tcp(t) };
    project(tr, s0, s1, c, fk, c.at[2]);
}

impl<A: IpVersion> Tuples<A> {
    /// Roll every tuple into the layer tables `t`.
    pub fn roll_up(&self, t: &mut Tables) {
        for (k, c) in self.table.iter() {
            roll_one(k, c, t);
        }
    }
}
