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
/// Linux USB (usbmon).
pub const USB_LINUX: u32 = 189;
/// Linux USB, memory-mapped usbmon.
pub const USB_LINUX_MMAPPED: u32 = 220;
/// D-Bus messages.
pub const DBUS: u32 = 231;
/// Windows USBPcap.
pub const USBPCAP: u32 = 249;
/// macOS USB.
pub const USB_DARWIN: u32 = 266;
/// Elektrobit high-speed capture and replay.
pub const EBHSCR: u32 = 279;
/// FreeBSD USB.
pub const USB_FREEBSD: u32 = 186;
/// SunATM: a 4-byte pseudo-header (flags, VPI, VCI) before the ATM data.
/// tshark counts its `frame.len` and `frame.cap_len` without those 4 bytes.
pub const SUNATM: u32 = 123;

/// Not a `LINKTYPE_*`: a pcapng custom block (type 0x00000bad or
/// 0x40000bad) handed out as a record of its own, as tshark shows one as a
/// frame of `data`. Its bytes are the block's custom data after the Private
/// Enterprise Number; it has no timestamp. Outside the 16-bit range of real
/// link types, so it can never collide with one.
pub const PCAPNG_CUSTOM_BLOCK: u32 = 0x0001_0bad;

/// The longest captured length a record of this link type may claim, as
/// Wireshark and libpcap bound it: 262144 bytes, more for the few link types
/// whose packets are legitimately bigger (D-Bus, USB, EBHSCR). A record
/// claiming more is taken to be a damaged header.
pub fn max_caplen(link_type: u32) -> u32 {
    match link_type {
        DBUS | USBPCAP | USB_LINUX | USB_LINUX_MMAPPED | USB_DARWIN | USB_FREEBSD => 128 << 20,
        EBHSCR => 32 << 20,
        _ => 262_144,
    }
}
