//! The identity of a conversation: its two endpoints (address and port) and
//! transport protocol, the same whichever way a packet goes.

use crate::dissect::Dissection;
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
        if (src, sport) <= (dst, dport) {
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

/// The conversation a dissected frame belongs to: the innermost TCP, UDP or
/// ICMP layer outside ICMP quotes and the IP layer that carries it.
pub fn of(d: &Dissection) -> Option<(FlowKey, Side, Transport)> {
    let mut transport = None;
    for (i, e) in d.layers.iter().enumerate().rev() {
        if e.quoted {
            continue;
        }
        match (&e.layer, transport) {
            (Layer::Tcp(t), None) if is_full_tcp(t) => transport = Some((i, 0u16, 0u16)),
            (Layer::Udp(_), None) => transport = Some((i, 0, 0)),
            (Layer::Icmp(v), None) => {
                transport = Some((i, u16::from(v.kind()), u16::from(v.code())))
            }
            (Layer::Icmpv6(v), None) => {
                transport = Some((i, u16::from(v.kind()), u16::from(v.code())))
            }
            (Layer::Ip(ip), Some(t)) => {
                let mut s = [0u8; 16];
                let mut x = [0u8; 16];
                s[..4].copy_from_slice(&ip.src());
                x[..4].copy_from_slice(&ip.dst());
                return make(d, t, false, s, x);
            }
            (Layer::Ipv6(ip), Some(t)) => return make(d, t, true, ip.src(), ip.dst()),
            _ => {}
        }
    }
    None
}

fn is_full_tcp(t: &TcpView) -> bool {
    !t.is_quoted()
}

fn make(
    d: &Dissection,
    (i, kind, code): (usize, u16, u16),
    v6: bool,
    src: [u8; 16],
    dst: [u8; 16],
) -> Option<(FlowKey, Side, Transport)> {
    let layer = &d.layers.get(i)?.layer;
    let (proto, sport, dport, t) = match layer {
        Layer::Tcp(t) => (
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
        _ => {
            let p = if v6 {
                transport::ICMPV6
            } else {
                transport::ICMP
            };
            // ICMP has no ports; as Zeek does, a message's type stands for
            // the sender's port and the type of the expected answer (or the
            // code of a one-way message) for the receiver's, so a request
            // and its reply share a conversation.
            let t = Transport::Icmp {
                kind: kind as u8,
                code: code as u8,
            };
            let back = super::history::icmp_counterpart(v6, kind as u8, code as u8);
            (p, kind, back, t)
        }
    };
    let (k, s) = FlowKey::new(proto, v6, src, sport, dst, dport);
    Some((k, s, t))
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
