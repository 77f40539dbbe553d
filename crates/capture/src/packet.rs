//! The packet record every source yields.

/// One captured packet, borrowed from the buffer of the source that read it.
///
/// The borrow ends with the next call to the source's `next_packet`, so a
/// consumer that keeps bytes beyond that copies them itself.
///
/// A pcapng custom block is handed out as a record too (tshark shows it as a
/// frame): its `link_type` is [`crate::linktype::PCAPNG_CUSTOM_BLOCK`], its
/// data the block's custom data, and it has no timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<'a> {
    /// Seconds since the Unix epoch (UTC). May be negative after a negative
    /// pcapng `if_tsoffset`.
    pub ts_secs: i64,
    /// Nanoseconds within the second, always below 1 000 000 000.
    pub ts_nanos: u32,
    /// False for records that carry no time (pcapng simple packet blocks and
    /// custom blocks): then `ts_secs` and `ts_nanos` are 0 and tshark shows
    /// an empty `frame.time_epoch`.
    pub has_timestamp: bool,
    /// The sending host left the transport checksum to its network card
    /// (live capture of outgoing packets): the checksum field holds no real
    /// checksum and must not be judged.
    pub checksum_offloaded: bool,
    /// Number of bytes captured: always `data.len()`.
    pub cap_len: u32,
    /// Length of the packet on the wire (may exceed `cap_len` when the capture
    /// was cut to a snapshot length, or, in damaged files, be smaller).
    pub orig_len: u32,
    /// Link-layer header type of `data` (a `LINKTYPE_*` value, see
    /// [`crate::linktype`]).
    pub link_type: u32,
    /// Capture interface: 0 for classic pcap and live capture; for pcapng the
    /// interface's position among all interface blocks of the file so far
    /// (numbering continues across sections, as tshark's `frame.interface_id`).
    pub interface_id: u32,
    /// The captured bytes, starting with the link-layer header.
    pub data: &'a [u8],
}
