//! Which worker a frame goes to when a capture is analysed on several
//! cores: a hash of the frame's outermost IP address pair that is the same
//! in both directions. Every packet between two hosts — IP fragments
//! included, which carry no ports — goes to one worker, so each worker owns
//! whole conversations and never shares a table.
//!
//! It reads only the link header and the IP addresses (a few loads per
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

/// The shard key of a frame: equal for both directions between two hosts;
/// 0 for frames without IP.
pub fn key(link_type: u32, data: &[u8]) -> u64 {
    ip_at(link_type, data).map_or(0, |off| {
        let ip = data.get(off..).unwrap_or(&[]);
        // DHCP transactions span address pairs (the client has none yet,
        // the server answers to broadcast or to the new address): they
        // all go to one worker, as the frames without IP do.
        if is_dhcp(ip) {
            return 0;
        }
        hash_ip(ip)
    })
}

/// An unfragmented IPv4 UDP datagram between ports 67 and 68.
fn is_dhcp(ip: &[u8]) -> bool {
    let (Some(&vihl), Some(&proto)) = (ip.first(), ip.get(9)) else {
        return false;
    };
    if vihl >> 4 != 4 || proto != 17 || be16(ip, 6).is_none_or(|f| f & 0x3fff != 0) {
        return false;
    }
    let at = usize::from(vihl & 0x0f) * 4;
    let ports = (be16(ip, at), be16(ip, at + 2));
    matches!(ports, (Some(67 | 68), Some(67 | 68)))
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

/// A direction-free hash of the addresses of the IP header at the start of
/// `ip` (0 if it is not IPv4 or IPv6 or is cut short).
fn hash_ip(ip: &[u8]) -> u64 {
    let (a, b) = match ip.first().map(|v| v >> 4) {
        Some(4) => (ip.get(12..16), ip.get(16..20)),
        Some(6) => (ip.get(8..24), ip.get(24..40)),
        _ => return 0,
    };
    let (Some(a), Some(b)) = (a, b) else {
        return 0;
    };
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    // FNV-1a: fixed across runs and machines, so a shard is reproducible.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in lo.iter().chain(hi.iter()) {
        h ^= u64::from(x);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // Mix the high bits down: the worker is chosen by `h % n`.
    h ^ (h >> 29)
}
