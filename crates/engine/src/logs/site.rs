//! Which addresses are local, as Zeek 6 decides by default.
//!
//! Zeek 6 copies `Site::private_address_space` into `Site::local_nets`
//! (`Site::private_address_space_is_local`, true by default;
//! `base/utils/site.zeek`), so with no site configured an address is local
//! when it is in one of IANA's special-purpose blocks below. conn.log's
//! `local_orig`/`local_resp` and files.log's `local_orig` come from it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `Site::private_address_space` (Zeek 6): IPv4 blocks as (network, prefix
/// length).
const V4: [([u8; 4], u8); 14] = [
    ([0, 0, 0, 0], 8),          // "this network", RFC 791
    ([10, 0, 0, 0], 8),         // private use, RFC 1918
    ([100, 64, 0, 0], 10),      // shared address space, RFC 6598
    ([127, 0, 0, 0], 8),        // loopback, RFC 1122
    ([169, 254, 0, 0], 16),     // link local, RFC 3927
    ([172, 16, 0, 0], 12),      // private use, RFC 1918
    ([192, 0, 0, 0], 24),       // IETF protocol assignments, RFC 6890
    ([192, 0, 2, 0], 24),       // TEST-NET-1, RFC 5737
    ([192, 168, 0, 0], 16),     // private use, RFC 1918
    ([198, 18, 0, 0], 15),      // benchmarking, RFC 2544
    ([198, 51, 100, 0], 24),    // TEST-NET-2, RFC 5737
    ([203, 0, 113, 0], 24),     // TEST-NET-3, RFC 5737
    ([240, 0, 0, 0], 4),        // reserved, RFC 1112
    ([255, 255, 255, 255], 32), // limited broadcast, RFC 919
];

/// IPv6's own blocks (the IPv4 ones are listed again as 6to4 addresses,
/// `in_v6`).
const V6: [(u128, u8); 9] = [
    (0, 128),                          // unspecified, RFC 4291
    (1, 128),                          // loopback, RFC 4291
    (0x0064_ff9b_0001_u128 << 80, 48), // IPv4-IPv6 translation, RFC 8215
    (0x0100_u128 << 112, 64),          // discard-only, RFC 6666
    (0x2001_u128 << 112, 23),          // IETF protocol assignments, RFC 2928
    (0x2001_0002_u128 << 96, 48),      // benchmarking, RFC 5180
    (0x2001_0db8_u128 << 96, 32),      // documentation, RFC 3849
    (0xfc00_u128 << 112, 7),           // unique local, RFC 4193
    (0xfe80_u128 << 112, 10),          // link-local unicast, RFC 4291
];

fn in_v4(a: Ipv4Addr) -> bool {
    let a = u32::from(a);
    V4.iter().any(|&(net, len)| {
        let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
        a & mask == u32::from_be_bytes(net) & mask
    })
}

fn in_v6(a: Ipv6Addr) -> bool {
    let a = u128::from(a);
    let within = |net: u128, len: u8| {
        let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
        a & mask == net & mask
    };
    if V6.iter().any(|&(net, len)| within(net, len)) {
        return true;
    }
    // A 6to4 address (2002::/16, RFC 3056) of an IPv4 block: Zeek lists
    // each block again as `2002:<block>::/(16 + its length)`, which holds
    // exactly the 6to4 addresses whose IPv4 address is in the block.
    if a >> 112 == 0x2002 {
        let v4 = Ipv4Addr::from(((a >> 80) & 0xffff_ffff) as u32);
        return in_v4(v4);
    }
    false
}

/// Whether Zeek 6 takes `a` as local by default.
pub fn is_local(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(v4) => in_v4(v4),
        // Zeek holds an IPv4 address as an IPv4-mapped IPv6 one: both
        // forms are the same address to it.
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => in_v4(v4),
            None => in_v6(v6),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> bool {
        is_local(s.parse().expect("test address"))
    }

    #[test]
    fn private_and_special_ipv4_blocks_are_local() {
        for a in [
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.56.1",
            "127.0.0.1",
            "169.254.128.18",
            "100.64.0.1",
            "0.1.2.3",
            "192.0.2.7",
            "198.19.0.1",
            "255.255.255.255",
            "240.0.0.1",
        ] {
            assert!(local(a), "{a}");
        }
        // Zeek 6's baseline for core.pppoe-over-qinq: 1.1.1.1 -> 2.2.2.2
        // has local_orig and local_resp F.
        for a in [
            "1.1.1.1",
            "2.2.2.2",
            "172.32.0.1",
            "192.169.0.1",
            "8.8.8.8",
            "100.128.0.1",
        ] {
            assert!(!local(a), "{a}");
        }
    }

    #[test]
    fn ipv6_blocks_and_6to4_forms_are_local() {
        for a in [
            "fe80::1",
            "fd00::1",
            "::1",
            "::",
            "2001:db8::1",
            "2001:1ff::1",
            "64:ff9b:1::1",
            "100::1",
            "2002:c0a8:0101::1", // 192.168.1.1 as 6to4
            "2002:0a00:0001::1", // 10.0.0.1
            "2002:ffff:ffff::1", // the broadcast address
            "::ffff:10.0.0.1",   // IPv4-mapped
        ] {
            assert!(local(a), "{a}");
        }
        for a in [
            "2a00:1450::1",
            "2001:200::1",
            "2002:0808:0808::1",
            "64:ff9b::1",
            "::ffff:8.8.8.8",
        ] {
            assert!(!local(a), "{a}");
        }
    }
}
