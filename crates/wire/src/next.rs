//! What a layer says follows it. Encapsulations (tunnels, link layers)
//! answer with this so the dissector can chain them without knowing each
//! protocol's numbering.

/// The layer that a view's `payload()` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextLayer {
    /// Dispatch on an EtherType (0x0800 IPv4, 0x86dd IPv6, 0x8100 VLAN ...).
    EtherType(u16),
    /// An Ethernet frame.
    Ethernet,
    Ipv4,
    Ipv6,
    /// IPv4 or IPv6 by the version nibble of the first byte.
    IpByVersion,
    /// An 802.2 LLC header (with SNAP when DSAP/SSAP are 0xaa).
    Llc,
    /// A PPP header (protocol field first, possibly with 0xff 0x03).
    Ppp,
    /// An IEEE 802.11 frame.
    Wlan,
    /// Nothing we dissect: show the payload as data.
    Data,
    /// Nothing follows (or the payload is encrypted).
    Done,
}
