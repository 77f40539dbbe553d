//! Live capture from a Linux network interface.
//!
//! An `AF_PACKET`, `SOCK_RAW` socket bound to one interface for every
//! protocol, with a `PACKET_RX_RING` of `TPACKET_V3` blocks mapped into our
//! memory: the kernel fills a block with many packets and hands it over; we
//! lend each packet straight out of the block (no copy, no system call per
//! packet) and hand the block back when its last packet has been read. Only
//! a packet whose VLAN tag the kernel took off is copied, to put the tag back
//! where tcpdump and tshark show it.
//!
//! The system calls themselves are in the crate's `sys` module; this module
//! is safe code that reads the ring's headers with bounds checks.

use std::cell::Cell;
use std::io;
use std::time::{Duration, Instant};

use crate::bpf::{self, SockFilter};
use crate::linktype;
use crate::packet::Packet;
use crate::sys::{self, PacketSocket, Readiness, Ring};

/// Why live capture could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// Opening a packet socket needs privileges.
    #[error("permission denied: live capture needs root or CAP_NET_RAW")]
    PermissionDenied,
    /// No interface of that name in this network namespace.
    #[error("no such interface: {0}")]
    NoSuchInterface(String),
    /// The interface's hardware type has no link type we know.
    #[error("interface {iface}: unsupported hardware type (ARPHRD {arphrd})")]
    UnsupportedHardware {
        /// Interface name.
        iface: String,
        /// Its `ARPHRD_*` type.
        arphrd: u16,
    },
    /// Any other system error, with the step that failed.
    #[error("interface {iface}: {what}: {source}")]
    Io {
        /// Interface name.
        iface: String,
        /// What we were doing.
        what: &'static str,
        /// The system's error.
        #[source]
        source: io::Error,
    },
}

/// How to open a live capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveOptions {
    /// Bytes kept of each packet (tcpdump's `-s`); default 262144.
    pub snaplen: u32,
    /// Put the interface in promiscuous mode while capturing (default true,
    /// as tcpdump; its `-p` turns it off).
    pub promiscuous: bool,
    /// Size of the kernel ring in bytes (default 16 MiB; tcpdump's `-B`).
    /// Rounded to whole blocks of 1 MiB, at least 2.
    pub buffer_size: usize,
    /// The kernel hands over a partly filled block after this long, which
    /// bounds the delay before a packet is seen on a quiet link (default
    /// 50 ms).
    pub block_timeout: Duration,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            snaplen: 262_144,
            promiscuous: true,
            buffer_size: 16 << 20,
            block_timeout: Duration::from_millis(50),
        }
    }
}

const BLOCK_SIZE: u32 = 1 << 20;
const FRAME_SIZE: u32 = 2048;

/// `ARPHRD_*` values the kernel reports (`<linux/if_arp.h>`).
mod arphrd {
    pub const ETHER: u16 = 1;
    pub const IEEE802: u16 = 6;
    pub const PPP: u16 = 512;
    pub const RAWIP: u16 = 519;
    pub const TUNNEL: u16 = 768;
    pub const TUNNEL6: u16 = 769;
    pub const LOOPBACK: u16 = 772;
    pub const SIT: u16 = 776;
    pub const IEEE80211: u16 = 801;
    pub const IEEE80211_PRISM: u16 = 802;
    pub const IEEE80211_RADIOTAP: u16 = 803;
    pub const NETLINK: u16 = 824;
    pub const CAN: u16 = 280;
    pub const NONE: u16 = 0xfffe;
}

/// The link type of packets read with `SOCK_RAW` from an interface of
/// hardware type `hatype`, if we know it.
pub fn link_type_for_arphrd(hatype: u16) -> Option<u32> {
    Some(match hatype {
        // Linux loopback frames carry an Ethernet header (zero addresses).
        arphrd::ETHER | arphrd::IEEE802 | arphrd::LOOPBACK => linktype::ETHERNET,
        // No link header: the packet starts with the IP header (tun, WireGuard,
        // IP-in-IP and SIT tunnels, PPP with SOCK_RAW).
        arphrd::NONE
        | arphrd::RAWIP
        | arphrd::TUNNEL
        | arphrd::TUNNEL6
        | arphrd::SIT
        | arphrd::PPP => linktype::RAW,
        arphrd::IEEE80211 => linktype::IEEE802_11,
        arphrd::IEEE80211_PRISM => linktype::IEEE802_11_PRISM,
        arphrd::IEEE80211_RADIOTAP => linktype::IEEE802_11_RADIOTAP,
        arphrd::CAN => linktype::CAN_SOCKETCAN,
        arphrd::NETLINK => linktype::NETLINK,
        _ => return None,
    })
}

/// What one step through the ring came to.
enum Step {
    Packet(Found),
    Again,
    Idle,
}

/// Position inside the block we are reading.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    block: usize,
    offset: usize,
    left: u32,
}

/// Where the next packet is, free of borrows.
#[derive(Debug, Clone, Copy)]
struct Found {
    ts_secs: i64,
    ts_nanos: u32,
    orig_len: u32,
    block: usize,
    start: usize,
    len: usize,
    /// A VLAN tag (TPID, TCI) the kernel took off, to put back.
    vlan: Option<(u16, u16)>,
    /// The kernel left the transport checksum to the network card.
    csum_not_ready: bool,
}

// Offsets in `struct tpacket_block_desc` and `struct tpacket3_hdr`.
const BD_NUM_PKTS: usize = 12;
const BD_FIRST_PKT: usize = 16;
const H_NEXT: usize = 0;
const H_SEC: usize = 4;
const H_NSEC: usize = 8;
const H_SNAPLEN: usize = 12;
const H_LEN: usize = 16;
const H_STATUS: usize = 20;
const H_MAC: usize = 24;
const H_VLAN_TCI: usize = 32;
const H_VLAN_TPID: usize = 36;
/// `sockaddr_ll` follows the header at TPACKET_ALIGN(48); `sll_pkttype` is
/// its byte 10.
const H_PKTTYPE: usize = 48 + 10;
const H_MIN: usize = 48 + 20;
/// The packet leaves through a card that computes the checksum itself:
/// what the ring holds is only the pseudo-header sum.
const TP_STATUS_CSUMNOTREADY: u32 = 1 << 3;
const TP_STATUS_VLAN_VALID: u32 = 1 << 4;
const TP_STATUS_VLAN_TPID_VALID: u32 = 1 << 6;
const PACKET_OUTGOING: u8 = 4;

fn ne32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off + 4)?;
    Some(u32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
}

fn ne16(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off + 2)?;
    Some(u16::from_ne_bytes([s[0], s[1]]))
}

/// A live capture on one interface.
///
/// ```no_run
/// use std::time::Duration;
/// use wiresift_capture::{LiveCapture, LiveOptions};
/// let mut cap = LiveCapture::open("eth0", &LiveOptions::default())?;
/// let mut n = 0;
/// while n < 10 {
///     // Ok(None) on timeout: a chance to check a Ctrl-C flag.
///     if let Some(p) = cap.next_packet(Duration::from_millis(200))? {
///         println!("{} bytes", p.cap_len);
///         n += 1;
///     }
/// }
/// let (received, dropped) = cap.stats()?;
/// # Ok::<(), wiresift_capture::LiveError>(())
/// ```
#[derive(Debug)]
pub struct LiveCapture {
    // The ring is declared first so that it is unmapped before the socket
    // closes (either order is valid; this one is tidy).
    ring: Ring,
    sock: PacketSocket,
    iface: String,
    hatype: u16,
    link_type: u32,
    snaplen: u32,
    cursor: Option<Cursor>,
    /// The block we expect the kernel to hand over next.
    next_block: usize,
    /// Packets whose VLAN tag is put back are assembled here.
    scratch: Vec<u8>,
    received: Cell<u64>,
    dropped: Cell<u64>,
}

impl LiveCapture {
    /// Opens interface `iface` (in the calling thread's network namespace).
    pub fn open(iface: &str, opts: &LiveOptions) -> Result<LiveCapture, LiveError> {
        let io_err = |what: &'static str| {
            let iface = iface.to_string();
            move |source: io::Error| LiveError::Io {
                iface,
                what,
                source,
            }
        };
        let ifindex =
            sys::if_nametoindex(iface).ok_or_else(|| LiveError::NoSuchInterface(iface.into()))?;
        let sock = PacketSocket::new().map_err(|e| match e.kind() {
            io::ErrorKind::PermissionDenied => LiveError::PermissionDenied,
            _ => io_err("opening a packet socket")(e),
        })?;
        sock.set_tpacket_v3()
            .map_err(io_err("selecting TPACKET_V3"))?;
        let snaplen = opts.snaplen.clamp(1, 262_144);
        // Cut packets in the kernel, before they take ring space; a filter
        // attached later returns its own lengths (and we cut again).
        if snaplen < 262_144 {
            sock.attach_filter(&bpf::accept_all(snaplen))
                .map_err(io_err("setting the snapshot length"))?;
        }
        let blocks = (opts.buffer_size / BLOCK_SIZE as usize).clamp(2, 4096) as u32;
        let tov = u32::try_from(opts.block_timeout.as_millis())
            .unwrap_or(u32::MAX)
            .max(1);
        let ring = Ring::new(&sock, BLOCK_SIZE, blocks, FRAME_SIZE, tov)
            .map_err(io_err("mapping the receive ring"))?;
        sock.bind_all(ifindex).map_err(|e| match e.raw_os_error() {
            Some(libc::ENODEV) => LiveError::NoSuchInterface(iface.into()),
            _ => io_err("binding the socket")(e),
        })?;
        let hatype = sock
            .hardware_type()
            .map_err(io_err("reading the hardware type"))?;
        let link_type =
            link_type_for_arphrd(hatype).ok_or_else(|| LiveError::UnsupportedHardware {
                iface: iface.into(),
                arphrd: hatype,
            })?;
        if opts.promiscuous {
            sock.add_promiscuous(ifindex)
                .map_err(io_err("entering promiscuous mode"))?;
        }
        Ok(LiveCapture {
            ring,
            sock,
            iface: iface.to_string(),
            hatype,
            link_type,
            snaplen,
            cursor: None,
            next_block: 0,
            scratch: Vec::new(),
            received: Cell::new(0),
            dropped: Cell::new(0),
        })
    }

    /// Link type of the packets (`LINKTYPE_*`), from the interface's hardware
    /// type: Ethernet and loopback 1, tun and other headerless 101 (raw IP),
    /// radiotap 127, …
    pub fn link_type(&self) -> u32 {
        self.link_type
    }

    /// The interface's `ARPHRD_*` hardware type.
    pub fn hardware_type(&self) -> u16 {
        self.hatype
    }

    /// Interface name.
    pub fn interface(&self) -> &str {
        &self.iface
    }

    /// Snapshot length in force.
    pub fn snaplen(&self) -> u32 {
        self.snaplen
    }

    /// Attaches a classic BPF filter in the kernel (replacing any earlier
    /// one, including the snapshot-length filter: the program's return
    /// value is the number of bytes kept). Packets already in the ring
    /// when it is attached are still delivered.
    pub fn attach_filter(&mut self, program: &[SockFilter]) -> Result<(), LiveError> {
        self.sock
            .attach_filter(program)
            .map_err(|source| LiveError::Io {
                iface: self.iface.clone(),
                what: "attaching the filter",
                source,
            })
    }

    /// Packets received (including dropped ones) and dropped for want of
    /// ring space since the capture opened, from `PACKET_STATISTICS`.
    pub fn stats(&self) -> Result<(u64, u64), LiveError> {
        let (r, d) = self
            .sock
            .take_statistics()
            .map_err(|source| LiveError::Io {
                iface: self.iface.clone(),
                what: "reading statistics",
                source,
            })?;
        self.received.set(self.received.get() + u64::from(r));
        self.dropped.set(self.dropped.get() + u64::from(d));
        Ok((self.received.get(), self.dropped.get()))
    }

    /// The next packet, waiting at most `timeout` for one. `Ok(None)` when
    /// the time is up or a signal interrupted the wait, so the caller can
    /// check a stop flag and call again.
    pub fn next_packet(&mut self, timeout: Duration) -> Result<Option<Packet<'_>>, LiveError> {
        let deadline = Instant::now().checked_add(timeout);
        let found = loop {
            match self.step() {
                Step::Packet(f) => break f,
                Step::Again => continue,
                Step::Idle => {}
            }
            // No block of ours: wait for the kernel to hand one over.
            let now = Instant::now();
            let left = match deadline {
                Some(d) if d <= now => return Ok(None),
                Some(d) => d - now,
                None => timeout,
            };
            match self.sock.wait(left).map_err(|source| LiveError::Io {
                iface: self.iface.clone(),
                what: "waiting for packets",
                source,
            })? {
                Readiness::Readable => {}
                Readiness::Timeout | Readiness::Interrupted => {
                    // A block may have arrived just as we gave up.
                    if self.ring.block(self.next_block).is_none() {
                        return Ok(None);
                    }
                }
                Readiness::Error => {
                    if let Some(source) = self.sock.take_error().ok().flatten() {
                        return Err(LiveError::Io {
                            iface: self.iface.clone(),
                            what: "capturing",
                            source,
                        });
                    }
                }
            }
        };
        let Some(block) = self.ring.block(found.block) else {
            return Ok(None);
        };
        let data = &block[found.start..found.start + found.len];
        let (cap_len, orig_len, data) = match found.vlan {
            None => (found.len, found.orig_len, data),
            Some((tpid, tci)) => {
                self.scratch.clear();
                self.scratch.extend_from_slice(&data[..12]);
                self.scratch.extend_from_slice(&tpid.to_be_bytes());
                self.scratch.extend_from_slice(&tci.to_be_bytes());
                self.scratch.extend_from_slice(&data[12..]);
                self.scratch.truncate(self.snaplen as usize);
                (
                    self.scratch.len(),
                    found.orig_len.saturating_add(4),
                    &self.scratch[..],
                )
            }
        };
        Ok(Some(Packet {
            ts_secs: found.ts_secs,
            ts_nanos: found.ts_nanos,
            has_timestamp: true,
            checksum_offloaded: found.csum_not_ready,
            cap_len: cap_len as u32,
            orig_len,
            link_type: self.link_type,
            interface_id: 0,
            data,
        }))
    }

    /// One step through the ring: the next packet of the current block,
    /// or some progress (a block taken or handed back, a packet skipped), or
    /// nothing to do until the kernel hands over the next block.
    fn step(&mut self) -> Step {
        let Some(mut c) = self.cursor else {
            let Some(block) = self.ring.block(self.next_block) else {
                return Step::Idle;
            };
            let left = ne32(block, BD_NUM_PKTS).unwrap_or(0);
            let offset = ne32(block, BD_FIRST_PKT).unwrap_or(0) as usize;
            self.cursor = Some(Cursor {
                block: self.next_block,
                offset,
                left,
            });
            return Step::Again;
        };
        if c.left == 0 {
            self.ring.release(c.block);
            self.cursor = None;
            self.next_block = (c.block + 1) % self.ring.blocks();
            return Step::Again;
        }
        let Some(block) = self.ring.block(c.block) else {
            self.cursor = None;
            return Step::Again;
        };
        let h = c.offset;
        let parsed = (|| {
            let hdr = block.get(h..h.checked_add(H_MIN)?)?;
            let next = ne32(hdr, H_NEXT)? as usize;
            let snap = ne32(hdr, H_SNAPLEN)? as usize;
            let mac = usize::from(ne16(hdr, H_MAC)?);
            let start = h.checked_add(mac)?;
            let end = start.checked_add(snap)?;
            if end > block.len() {
                return None;
            }
            Some((next, start, snap, hdr))
        })();
        let Some((next, start, snap, hdr)) = parsed else {
            // Inconsistent header: give up on the rest of this block.
            c.left = 0;
            self.cursor = Some(c);
            return Step::Again;
        };
        c.left -= 1;
        if next == 0 {
            c.left = 0;
        }
        c.offset = h.saturating_add(next);
        self.cursor = Some(c);

        let pkttype = hdr[H_PKTTYPE];
        if self.hatype == arphrd::LOOPBACK && pkttype == PACKET_OUTGOING {
            // Loopback shows each packet leaving and arriving; keep one.
            return Step::Again;
        }
        let len = snap.min(self.snaplen as usize);
        let status = ne32(hdr, H_STATUS).unwrap_or(0);
        let tci = ne32(hdr, H_VLAN_TCI).unwrap_or(0) as u16;
        let vlan = if self.link_type == linktype::ETHERNET
            && (tci != 0 || status & TP_STATUS_VLAN_VALID != 0)
            && len >= 12
        {
            let tpid = if status & TP_STATUS_VLAN_TPID_VALID != 0 {
                ne16(hdr, H_VLAN_TPID).unwrap_or(0x8100)
            } else {
                0x8100
            };
            Some((tpid, tci))
        } else {
            None
        };
        Step::Packet(Found {
            ts_secs: i64::from(ne32(hdr, H_SEC).unwrap_or(0)),
            ts_nanos: ne32(hdr, H_NSEC).unwrap_or(0).min(999_999_999),
            orig_len: ne32(hdr, H_LEN).unwrap_or(0),
            block: c.block,
            start,
            len,
            vlan,
            csum_not_ready: status & TP_STATUS_CSUMNOTREADY != 0,
        })
    }
}
