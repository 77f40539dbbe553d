//! The identity of a conversation: its two endpoints (address and port) and
//! transport protocol, the same whichever way a packet goes.

use crate::dissect::Dissection;
use arrayvec::ArrayVec;
use wire::tcp::TcpView;
use wire::udp::UdpView;
use wire::Layer;
use wiresift_wire as wire;

/// IP protocol numbers of the transports we follow.
pub mod transport {
    pub const ICMP: u8 = 1;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const ICMPV6: u8 = 58;
}

/// A conversation's key: endpoints in a fixed order (`a` is the lesser of
/// the two by address, then port), so both directions find the same entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowKey {
    pub proto: u8,
    pub v6: bool,
    pub a: [u8; 16],
    pub b: [u8; 16],
    pub port_a: u16,
    pub port_b: u16,
}

/// Which endpoint of its key sent a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    A,
    B,
}

impl Side {
    /// 0 for A, 1 for B: an index into per-direction state.
    pub fn index(self) -> usize {
        match self {
            Side::A => 0,
            Side::B => 1,
        }
    }

    pub fn other(self) -> Side {
        match self {
            Side::A => Side::B,
            Side::B => Side::A,
        }
    }
}

impl FlowKey {
    /// The key of a packet from `src`:`sport` to `dst`:`dport`, and which
    /// side of it sent the packet.
    pub fn new(
        proto: u8,
        v6: bool,
        src: [u8; 16],
        sport: u16,
        dst: [u8; 16],
        dport: u16,
    ) -> (FlowKey, Side) {
        // Big-endian numbers order as their bytes do, compared at once.
        if (u128::from_be_bytes(src), sport) <= (u128::from_be_bytes(dst), dport) {
            let k = FlowKey {
                proto,
                v6,
                a: src,
                b: dst,
                port_a: sport,
                port_b: dport,
            };
            (k, Side::A)
        } else {
            let k = FlowKey {
                proto,
                v6,
                a: dst,
                b: src,
                port_a: dport,
                port_b: sport,
            };
            (k, Side::B)
        }
    }

    /// Address of endpoint `s` as the bytes that matter (4 for IPv4).
    pub fn addr(&self, s: Side) -> &[u8] {
        let a = match s {
            Side::A => &self.a,
            Side::B => &self.b,
        };
        if self.v6 {
            a
        } else {
            &a[..4]
        }
    }

    pub fn port(&self, s: Side) -> u16 {
        match s {
            Side::A => self.port_a,
            Side::B => self.port_b,
        }
    }

    /// A hash of the key that does not depend on the process (for uids and
    /// for sharding): FNV-1a over the fields.
    pub fn stable_hash(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |b: u8| {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        };
        eat(self.proto);
        eat(u8::from(self.v6));
        self.a.iter().chain(self.b.iter()).for_each(|&b| eat(b));
        self.port_a
            .to_be_bytes()
            .iter()
            .chain(self.port_b.to_be_bytes().iter())
            .for_each(|&b| eat(b));
        h
    }
}

/// The transport layer of a frame that a conversation is made of.
#[derive(Clone, Copy, Debug)]
pub enum Transport {
    /// Index of the TCP layer in the dissection.
    Tcp(usize),
    Udp(usize),
    /// ICMP or ICMPv6: type and code.
    Icmp {
        kind: u8,
        code: u8,
    },
}

/// One transport layer of a frame and the conversation it belongs to.
#[derive(Clone, Copy, Debug)]
pub struct Conversation {
    pub key: FlowKey,
    pub side: Side,
    pub transport: Transport,
    /// The carrying IP datagram's length (Zeek's IP bytes).
    pub ip_len: u64,
    /// A TCP or UDP header quoted in an ICMP error: tshark shows it in its
    /// conversation (making one when there is none), but it is not traffic
    /// of that conversation.
    pub quoted: bool,
    /// A quoted header between the ICMP error's own two hosts: with
    /// several workers sharded by the errors' own pairs, the only quotes
    /// whose conversations the error's worker holds.
    pub same_hosts: bool,
}

/// tshark reads a quoted TCP header's conversation once it has read the
/// header up to the window (16 bytes); a shorter quote has none.
const QUOTED_TCP_MIN: usize = 16;

/// Whether the quoted datagram goes between the same two hosts as the ICMP
/// error that quotes it (a host's port unreachable, not a router's time
/// exceeded); `outer` is the error's IP layer. Out of line: quotes are
/// rare, and inlined, the compiler compared the addresses for every layer
/// of every frame.
#[inline(never)]
fn same_hosts(outer: Option<&Layer>, src: [u8; 16], dst: [u8; 16]) -> bool {
    outer
        .and_then(hosts)
        .is_some_and(|(_, a, b, _)| (a, b) == (src, dst) || (a, b) == (dst, src))
}

/// An IP layer's addresses as a key holds them (IPv4's in the first four
/// bytes) and its datagram's length (Zeek's IP bytes).
fn hosts(layer: &Layer) -> Option<(bool, [u8; 16], [u8; 16], u64)> {
    match layer {
        Layer::Ip(v) => {
            let mut s = [0u8; 16];
            let mut x = [0u8; 16];
            s[..4].copy_from_slice(&v.src());
            x[..4].copy_from_slice(&v.dst());
            Some((false, s, x, v.total_len() as u64))
        }
        Layer::Ipv6(v) => Some((true, v.src(), v.dst(), 40 + u64::from(v.payload_len()))),
        _ => None,
    }
}

/// The most transport layers of one frame we follow (tunnels in tunnels).
pub const MAX_PER_FRAME: usize = 4;

/// The conversations of a dissected frame into `out` (cleared first): each
/// TCP, UDP or ICMP layer with the IP layer that carries it, outermost
/// first; inside an ICMP error, the quoted TCP or UDP header. Filled in
/// place: the list is a few hundred bytes, copied twice when returned.
pub fn all(d: &Dissection, out: &mut ArrayVec<Conversation, MAX_PER_FRAME>) {
    out.clear();
    // The IP layer that carries the next transport layer, and the last one
    // outside quotes: their addresses are read only for a conversation
    // (most layers are neither, and copying them at each cost more).
    let mut ip: Option<&Layer> = None;
    let mut outer: Option<&Layer> = None;
    // Only the layers conversations are made of. Quoted layers count
    // inside ICMP errors only: quoted layers after anything else are
    // sampled packets (sFlow), which tshark gives no conversation of the
    // file.
    for (i, in_error) in d.flow_layers() {
        let Some(e) = d.layers.get(i) else {
            break;
        };
        if e.quoted && !in_error {
            continue;
        }
        let t = match &e.layer {
            Layer::Ip(_) | Layer::Ipv6(_) => {
                ip = Some(&e.layer);
                if !e.quoted {
                    outer = Some(&e.layer);
                }
                continue;
            }
            Layer::Tcp(t) if !e.quoted || t.header_len() >= QUOTED_TCP_MIN => (
                transport::TCP,
                t.src_port(),
                t.dst_port(),
                Transport::Tcp(i),
            ),
            Layer::Udp(u) => (
                transport::UDP,
                u.src_port(),
                u.dst_port(),
                Transport::Udp(i),
            ),
            Layer::Icmp(v) if !e.quoted => icmp(false, v.kind(), v.code()),
            Layer::Icmpv6(v) if !e.quoted => icmp(true, v.kind(), v.code()),
            _ => continue,
        };
        let Some((v6, src, dst, ip_len)) = ip.and_then(hosts) else {
            continue;
        };
        let (proto, sport, dport, transport) = t;
        let (key, side) = FlowKey::new(proto, v6, src, sport, dst, dport);
        if out
            .try_push(Conversation {
                key,
                side,
                transport,
                ip_len,
                quoted: e.quoted,
                same_hosts: e.quoted && same_hosts(outer, src, dst),
            })
            .is_err()
        {
            break;
        }
    }
}

/// ICMP has no ports; as Zeek does, a message's type stands for the
/// sender's port and the type of the expected answer (or the code of a
/// one-way message) for the receiver's, so a request and its reply share a
/// conversation.
fn icmp(v6: bool, kind: u8, code: u8) -> (u8, u16, u16, Transport) {
    let p = if v6 {
        transport::ICMPV6
    } else {
        transport::ICMP
    };
    let back = super::history::icmp_counterpart(v6, kind, code);
    (p, u16::from(kind), back, Transport::Icmp { kind, code })
}

/// The UDP view at `i`, if that is what it is.
pub fn udp_at<'a, 'd>(d: &'d mut Dissection<'a>, i: usize) -> Option<&'d mut UdpView<'a>> {
    match d.layers.get_mut(i).map(|e| &mut e.layer) {
        Some(Layer::Udp(u)) => Some(u),
        _ => None,
    }
}

/// The TCP view at `i`, if that is what it is.
pub fn tcp_at<'a, 'd>(d: &'d mut Dissection<'a>, i: usize) -> Option<&'d mut TcpView<'a>> {
    match d.layers.get_mut(i).map(|e| &mut e.layer) {
        Some(Layer::Tcp(t)) => Some(t),
        _ => None,
    }
}
