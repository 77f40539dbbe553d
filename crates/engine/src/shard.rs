//! Which worker a frame goes to when a capture is analysed on several
//! cores: a hash of the IP address pair that owns the frame's
//! conversations, the same in both directions. Every packet between two
//! hosts — IP fragments included, which carry no ports — goes to one worker,
//! so each worker owns whole conversations and never shares a table.
//!
//! Which pair owns them, for tunnels:
//! - IP in IP (IPv4 or IPv6 in IPv4 or IPv6, protocols 4 and 41) and GRE
//!   carrying IP or Ethernet: the outer header has no conversation of its
//!   own (the flow engine follows TCP, UDP and ICMP), and one inner
//!   conversation may travel between several pairs of outer addresses (a
//!   6in4 tunnel's two directions through different relays), so the
//!   innermost pair decides. Only an unfragmented outer packet is opened: a
//!   fragment's inner header may be missing, and it stays with its outer
//!   pair.
//! - UDP tunnels (VXLAN, Geneve, GTP…): the outer UDP conversation is one of
//!   the flow engine's, and the inner conversations ride on it, so the
//!   outer pair decides. Teredo is the exception: its server's exchanges
//!   (the only traffic on port 3544) carry the same link-local inner
//!   conversation (a router solicitation from fe80::ffff:ffff:fffe to
//!   ff02::2) from every client, so all of one server's traffic goes to one
//!   worker, by the address on the port-3544 side alone.
//! - ICMP errors, for per-packet output: the pair of the datagram quoted,
//!   whose conversation the error shows (see [`IcmpErrors`]).
//!
//! It reads only the link header and the IP headers (a few loads per
//! frame): every worker runs it on every frame to skip the others'.

use crate::dissect::linktype;
use wire::bytes::be16;
use wiresift_wire as wire;

const VLAN: u16 = 0x8100;
const QINQ: u16 = 0x88a8;
const QINQ_OLD: u16 = 0x9100;
const IPV4: u16 = 0x0800;
const IPV6: u16 = 0x86dd;
const MPLS: u16 = 0x8847;
const PPPOE_SESSION: u16 = 0x8864;
/// GRE's protocol type for Ethernet frames (transparent bridging).
const TEB: u16 = 0x6558;
const IPPROTO_ICMP: u8 = 1;
const IPPROTO_IPIP: u8 = 4;
const IPPROTO_UDP: u8 = 17;
const IPPROTO_IPV6: u8 = 41;
const IPPROTO_GRE: u8 = 47;
const IPPROTO_ICMPV6: u8 = 58;

/// Which pair an ICMP error goes by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IcmpErrors {
    /// The error's own pair (the router's and the host's): the ICMP
    /// conversation of Zeek's conn.log is theirs.
    OwnPair,
    /// The pair of the datagram it quotes: tshark shows a quoted TCP or UDP
    /// header in its conversation (`tcp.stream`), which that pair's worker
    /// holds.
    QuotedPair,
}

/// The shard key of a frame: equal for both directions between two hosts;
/// 0 for frames without IP.
pub fn key(link_type: u32, data: &[u8], errors: IcmpErrors) -> u64 {
    let Some(mut ip) = ip_at(link_type, data).and_then(|off| data.get(off..)) else {
        return 0;
    };
    let mut follow_quote = errors == IcmpErrors::QuotedPair;
    // One look at each IP header's payload; bounded: a stack of tunnels
    // (and one quote) ends after a few headers.
    for _ in 0..8 {
        let Some((proto, at)) = payload(ip) else {
            break;
        };
        let next = match proto {
            IPPROTO_IPIP | IPPROTO_IPV6 | IPPROTO_GRE => tunnelled(ip, proto, at),
            IPPROTO_ICMP | IPPROTO_ICMPV6 if follow_quote => {
                follow_quote = false;
                icmp_quote(ip, proto, at)
            }
            IPPROTO_UDP => return udp_key(ip, at),
            _ => None,
        };
        match next {
            Some(inner) => ip = inner,
            None => break,
        }
    }
    match addresses(ip) {
        Some((a, b)) => hash(a.min(b), a.max(b)),
        None => 0,
    }
}

/// The key of a UDP datagram whose IP header is `ip`, its UDP header at
/// `at`.
fn udp_key(ip: &[u8], at: usize) -> u64 {
    let ports = (be16(ip, at), be16(ip, at + 2));
    // DHCP transactions span address pairs (the client has none yet, the
    // server answers to broadcast or to the new address): they all go to
    // one worker, as the frames without IP do.
    let v4 = ip.first().is_some_and(|v| v >> 4 == 4);
    if v4 && matches!(ports, (Some(67 | 68), Some(67 | 68))) {
        return 0;
    }
    let Some((a, b)) = addresses(ip) else {
        return 0;
    };
    // A Teredo server (the port-3544 side, when only one side uses it)
    // goes by its address alone.
    let teredo = Some(wire::teredo::PORT);
    match (ports.0 == teredo, ports.1 == teredo) {
        (true, false) if ports.1.is_some() => hash(a, 0),
        (false, true) if ports.0.is_some() => hash(b, 0),
        _ => hash(a.min(b), a.max(b)),
    }
}

/// The IP header an ICMP or ICMPv6 error quotes (after the 8-byte ICMP
/// header at `at`), when its addresses are there.
fn icmp_quote(ip: &[u8], proto: u8, at: usize) -> Option<&[u8]> {
    let kind = *ip.get(at)?;
    let error = match proto {
        IPPROTO_ICMP => matches!(kind, 3 | 4 | 5 | 11 | 12),
        _ => (1..=4).contains(&kind),
    };
    let quote = ip.get(at.checked_add(8)?..)?;
    (error && addresses(quote).is_some()).then_some(quote)
}

/// The source and destination addresses of the IPv4 or IPv6 header at the
/// start of `ip`, as numbers (compared and hashed as whole words: the
/// reader does it for every frame of the file).
fn addresses(ip: &[u8]) -> Option<(u128, u128)> {
    let word = |r: std::ops::Range<usize>| -> Option<u128> {
        let b = ip.get(r)?;
        let mut w = [0u8; 16];
        w.get_mut(16usize.checked_sub(b.len())?..)?
            .copy_from_slice(b);
        Some(u128::from_be_bytes(w))
    };
    match ip.first()? >> 4 {
        4 => Some((word(12..16)?, word(16..20)?)),
        6 => Some((word(8..24)?, word(24..40)?)),
        _ => None,
    }
}

/// The protocol an unfragmented IP packet carries and where its payload
/// starts (IPv6: the next header right after the fixed one).
fn payload(ip: &[u8]) -> Option<(u8, usize)> {
    match ip.first()? >> 4 {
        4 => {
            let ihl = usize::from(ip.first()? & 0x0f) * 4;
            let fragmented = be16(ip, 6)? & 0x3fff != 0;
            (ihl >= 20 && !fragmented).then_some((*ip.get(9)?, ihl))
        }
        6 => Some((*ip.get(6)?, 40)),
        _ => None,
    }
}

/// The IP header inside an IP-in-IP or GRE tunnel: `ip`'s payload of
/// protocol `proto` at `at`.
fn tunnelled(ip: &[u8], proto: u8, at: usize) -> Option<&[u8]> {
    let rest = ip.get(at..)?;
    let inner = match proto {
        IPPROTO_GRE => {
            let gre = wire::gre::GreView::new(rest).ok()?;
            if gre.version() != 0 {
                return None;
            }
            let body = gre.payload();
            match gre.protocol() {
                IPV4 | IPV6 => body,
                TEB => body.get(ether(body, 12)?..)?,
                _ => return None,
            }
        }
        _ => rest,
    };
    // Only a whole inner header is followed.
    addresses(inner).map(|_| inner)
}

/// Where the first IP header starts, if the link layer says there is one.
fn ip_at(link_type: u32, data: &[u8]) -> Option<usize> {
    use linktype::*;
    match link_type {
        // Cisco FabricPath carries the Ethernet frame after its own header
        // (the dissector tries it first, as tshark does).
        ETHERNET => match wire::cfp::header_len_of(data) {
            Some(h) => ether(data, h.checked_add(12)?),
            None => ether(data, 12),
        },
        RAW | RAW_BSD12 | RAW_BSD14 | IPV4 | IPV6 => Some(0),
        NULL | LOOP => Some(4),
        LINUX_SLL => after_type(data, be16(data, 14)?, 16),
        LINUX_SLL2 => after_type(data, be16(data, 0)?, 20),
        _ => None,
    }
}

/// Follow EtherTypes from the type field at `at` through VLAN tags, MPLS
/// labels and PPPoE to IP.
fn ether(data: &[u8], mut at: usize) -> Option<usize> {
    // Bounded: a frame of stacked tags ends at its last byte.
    for _ in 0..8 {
        let t = be16(data, at)?;
        match t {
            VLAN | QINQ | QINQ_OLD => at += 4,
            _ => return after_type(data, t, at + 2),
        }
    }
    None
}

fn after_type(data: &[u8], t: u16, off: usize) -> Option<usize> {
    match t {
        IPV4 | IPV6 => Some(off),
        MPLS => {
            // Labels until the bottom of the stack, then IP by version.
            let mut o = off;
            for _ in 0..16 {
                let label = data.get(o..o + 4)?;
                o += 4;
                if label.get(2).is_some_and(|b| b & 1 == 1) {
                    return Some(o);
                }
            }
            None
        }
        // PPPoE session header (6 bytes), then the PPP protocol (IPv4 0x21,
        // IPv6 0x57).
        PPPOE_SESSION => match be16(data, off + 6)? {
            0x0021 | 0x0057 => Some(off + 8),
            _ => None,
        },
        _ => None,
    }
}

/// A multiply-xorshift mix of `a` then `b`, a word at a time: fixed across
/// runs and machines, so a shard is reproducible.
fn hash(a: u128, b: u128) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for w in [a as u64, (a >> 64) as u64, b as u64, (b >> 64) as u64] {
        h = (h ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^= h >> 32;
    }
    // Mix the high bits down: the worker is chosen by `h % n`.
    h ^ (h >> 29)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::craft::hex;

    fn key_of(frame: &[u8]) -> u64 {
        key(linktype::ETHERNET, frame, IcmpErrors::OwnPair)
    }

    /// ndpi__instagram.pcap frame 341 (Ethernet, IPv4, ICMP, the quoted
    /// IPv4 and TCP headers): a port unreachable from 192.168.0.103 to
    /// itself, quoting its own SYN to 173.194.40.20 port 443, which tshark
    /// shows in that conversation (tcp.stream 10). By its own pair it goes
    /// to the host's worker; by the quoted pair, to the conversation's.
    #[test]
    fn an_icmp_error_goes_by_the_quoted_pair_when_asked() {
        let f = hex(
            "000000000000000000000000080045c0 0058bd17000040013aafc0a80067c0a8
             00670303134f000000004500003c59b9 400040064a1dc0a80067adc22814c0f8
             01bbf8cbb7c200000000a00239089714 0000",
        );
        let host = u128::from(u32::from_be_bytes([192, 168, 0, 103]));
        let server = u128::from(u32::from_be_bytes([173, 194, 40, 20]));
        assert_eq!(key_of(&f), hash(host, host));
        assert_eq!(
            key(linktype::ETHERNET, &f, IcmpErrors::QuotedPair),
            hash(host.min(server), host.max(server))
        );
        // Cut inside the quoted addresses: the error's own pair.
        let cut = f.get(..14 + 20 + 8 + 16).unwrap();
        assert_eq!(
            key(linktype::ETHERNET, cut, IcmpErrors::QuotedPair),
            hash(host, host)
        );
    }

    /// ndpi__syslog.pcap frames 26 and 27 (Ethernet, IPv4, IPv6 and the
    /// UDP ports): one syslog conversation over 6in4, sent through two
    /// different pairs of outer addresses; both go to the inner pair's
    /// worker.
    #[test]
    fn six_in_four_goes_by_the_inner_pair() {
        let a = hex(
            "0010dbff10000021591ff10c08004500 01d277ad00008029ee7dc118e30ad842
             5672600000000196114020010470006c 00a10000000000000002200104707 65b
             0000000000000b150022950f0202",
        );
        let b = hex(
            "0014699e11400010dbff100008004500 01d2aa044000fb290778d842501ec118
             e30c600000000196113b20010470006c 00a10000000000000002200104707 65b
             0000000000000b150022950f0202",
        );
        let (ka, kb) = (key_of(&a), key_of(&b));
        assert_eq!(ka, kb);
        // The inner pair's hash, not the outer one's.
        let inner = a.get(34..).unwrap();
        let (x, y) = addresses(inner).unwrap();
        assert_eq!(ka, hash(x.min(y), x.max(y)));
    }

    /// ndpi__teredo.pcap frames 1, 2 and 3 (Ethernet, IPv4 and the UDP
    /// ports): two clients' router solicitations to one Teredo server (the
    /// same inner conversation) and the server's answer: one worker.
    #[test]
    fn teredo_goes_by_the_server() {
        let f1 = hex(
            "6c416a8c8089001b1700011508004500 005959ba00007e11e92b0a70106ac288
             1c4ccd210dd8",
        );
        let f2 = hex(
            "001b170001156c416a8c808908004500 008931be000072111cf8c2881c4c0a70
             106a0dd8cd21",
        );
        let f3 = hex(
            "6c416a8c8089001b1700011508004500 005928580000 7e111a9f0a701059c288
             1c4cebdd0dd8",
        );
        let k = key_of(&f1);
        assert_eq!(k, key_of(&f2));
        assert_eq!(k, key_of(&f3));
        assert_eq!(
            k,
            hash(u128::from(u32::from_be_bytes([194, 136, 28, 76])), 0)
        );
    }
}
