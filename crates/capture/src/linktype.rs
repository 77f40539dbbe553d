//! A few `LINKTYPE_*` values (the numbers stored in pcap and pcapng files;
//! see the tcpdump.org link-layer header types list).

/// BSD loopback: a 4-byte address family in host byte order.
pub const NULL: u32 = 0;
/// Ethernet II / IEEE 802.3.
pub const ETHERNET: u32 = 1;
/// PPP.
pub const PPP: u32 = 9;
/// Raw IP (IPv4 or IPv6, by the version nibble).
pub const RAW: u32 = 101;
/// IEEE 802.11 without radio header.
pub const IEEE802_11: u32 = 105;
/// OpenBSD loopback: a 4-byte address family in network byte order.
pub const LOOP: u32 = 108;
/// Linux "cooked" capture, version 1.
pub const LINUX_SLL: u32 = 113;
/// IEEE 802.11 with a Prism header.
pub const IEEE802_11_PRISM: u32 = 119;
/// IEEE 802.11 with a radiotap header.
pub const IEEE802_11_RADIOTAP: u32 = 127;
/// Linux SocketCAN.
pub const CAN_SOCKETCAN: u32 = 227;
/// Raw IPv4.
pub const IPV4: u32 = 228;
/// Raw IPv6.
pub const IPV6: u32 = 229;
/// Linux netlink.
pub const NETLINK: u32 = 253;
/// Linux "cooked" capture, version 2.
pub const LINUX_SLL2: u32 = 276;
