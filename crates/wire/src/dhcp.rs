//! DHCP and BOOTP (RFC 951, RFC 2131, options of RFC 2132). tshark calls
//! both `dhcp`.
//!
//! A message is a 236-byte BOOTP header (op, hardware type and length, hops,
//! transaction id, seconds, flags, four addresses, the client hardware
//! address, server name and boot file), the magic cookie 99.130.83.99, and
//! options: a code byte and, except for pad (0) and end (255), a length
//! byte and that many value bytes. Without the cookie (plain BOOTP) the 64
//! bytes after the header are vendor data and tshark reads options only
//! after them; this view does the same. The options walk is bounded by the
//! bytes: every step advances at least one byte.
//!
//! The view follows tshark 4.0's reading, quirks included, so its fields
//! print as tshark's do:
//! * a header field is shown only when all its bytes were captured;
//! * an option whose value runs past the end shows its code and length, no
//!   value, and ends the walk (tshark: malformed); so do a message-type
//!   option without a value and a client identifier of type 255 too short
//!   for its DUID;
//! * pad bytes are shown as one option of type 0 per run, the end option
//!   as type 0 with `dhcp.option.end` 255, and bytes after the end option
//!   as `dhcp.option.padding`;
//! * `dhcp.secs` is read little-endian when that gives 1..=255 (Windows
//!   clients send it so);
//! * with option 52 (overload) the options held in the server-name and
//!   boot-file fields are walked right after it, and those fields are then
//!   not shown as text;
//! * when the capture cut the message before its end option, tshark shows
//!   no field at all (its first walk, over the length as sent, fails); the
//!   view does too once told that length ([`DhcpView::with_wire_len`]).
//!
//! A message is shown with what could be read: the constructor refuses
//! only an empty datagram.

use crate::bytes::{array, be16, be32, clamp, u8_at};
use crate::error::{need, Error};
use crate::field::{write_hex_bytes, write_mac, FieldSink, Kind, Value};
use crate::field_table;
use std::fmt::Write as _;
use std::ops::Range;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const OP: Range<usize> = 0..1;
    pub const HTYPE: Range<usize> = 1..2;
    pub const HLEN: Range<usize> = 2..3;
    pub const HOPS: Range<usize> = 3..4;
    pub const XID: Range<usize> = 4..8;
    pub const SECS: Range<usize> = 8..10;
    pub const FLAGS: Range<usize> = 10..12;
    pub const CIADDR: Range<usize> = 12..16;
    pub const YIADDR: Range<usize> = 16..20;
    pub const SIADDR: Range<usize> = 20..24;
    pub const GIADDR: Range<usize> = 24..28;
    pub const CHADDR: Range<usize> = 28..44;
    pub const SNAME: Range<usize> = 44..108;
    pub const FILE: Range<usize> = 108..236;
    pub const HEADER_LEN: usize = 236;
    pub const COOKIE: Range<usize> = 236..240;
    /// BOOTP vendor data, where there is no cookie.
    pub const VENDOR: Range<usize> = 236..300;
}

/// The magic cookie that starts the options (99.130.83.99).
pub const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];

/// BOOTP op codes (`dhcp.type`).
pub mod op {
    pub const BOOT_REQUEST: u8 = 1;
    pub const BOOT_REPLY: u8 = 2;
}

/// DHCP message types (option 53).
pub mod msg {
    pub const DISCOVER: u8 = 1;
    pub const OFFER: u8 = 2;
    pub const REQUEST: u8 = 3;
    pub const DECLINE: u8 = 4;
    pub const ACK: u8 = 5;
    pub const NAK: u8 = 6;
    pub const RELEASE: u8 = 7;
    pub const INFORM: u8 = 8;
}

/// Option codes this module decodes.
pub mod opt {
    pub const PAD: u8 = 0;
    pub const SUBNET_MASK: u8 = 1;
    pub const ROUTER: u8 = 3;
    pub const DNS_SERVERS: u8 = 6;
    pub const HOSTNAME: u8 = 12;
    pub const DOMAIN_NAME: u8 = 15;
    pub const REQUESTED_IP: u8 = 50;
    pub const LEASE_TIME: u8 = 51;
    pub const OVERLOAD: u8 = 52;
    pub const MESSAGE_TYPE: u8 = 53;
    pub const SERVER_ID: u8 = 54;
    pub const PARAMETER_LIST: u8 = 55;
    pub const MESSAGE: u8 = 56;
    pub const MAX_MESSAGE_SIZE: u8 = 57;
    pub const RENEWAL_TIME: u8 = 58;
    pub const REBINDING_TIME: u8 = 59;
    pub const VENDOR_CLASS: u8 = 60;
    pub const CLIENT_ID: u8 = 61;
    pub const CLIENT_FQDN: u8 = 81;
    pub const RELAY_AGENT: u8 = 82;
    pub const END: u8 = 255;
}

/// How many option-52 occurrences have the name fields walked for them.
const MAX_OVERLOAD_WALKS: usize = 4;

/// ARP hardware types whose 6-byte addresses tshark shows as MACs.
const HW_ETHER: u8 = 1;
const HW_IEEE802: u8 = 6;

field_table! {
    Type: "dhcp.type", "Message type", Kind::Dec;
    HwType: "dhcp.hw.type", "Hardware type", Kind::Hex(2);
    HwLen: "dhcp.hw.len", "Hardware address length", Kind::Dec;
    Hops: "dhcp.hops", "Hops", Kind::Dec;
    Id: "dhcp.id", "Transaction ID", Kind::Hex(8);
    Secs: "dhcp.secs", "Seconds elapsed", Kind::Dec;
    Flags: "dhcp.flags", "Bootp flags", Kind::Hex(4);
    FlagsBc: "dhcp.flags.bc", "Broadcast flag", Kind::Bool;
    FlagsReserved: "dhcp.flags.reserved", "Reserved flags", Kind::Hex(4);
    IpClient: "dhcp.ip.client", "Client IP address", Kind::Ipv4;
    IpYour: "dhcp.ip.your", "Your (client) IP address", Kind::Ipv4;
    IpServer: "dhcp.ip.server", "Next server IP address", Kind::Ipv4;
    IpRelay: "dhcp.ip.relay", "Relay agent IP address", Kind::Ipv4;
    HwMacAddr: "dhcp.hw.mac_addr", "Client MAC address", Kind::Ether;
    HwAddr: "dhcp.hw.addr", "Client hardware address", Kind::Bytes;
    HwAddrPadding: "dhcp.hw.addr_padding", "Client hardware address padding", Kind::Bytes;
    Server: "dhcp.server", "Server host name", Kind::Str;
    File: "dhcp.file", "Boot file name", Kind::Str;
    Cookie: "dhcp.cookie", "Magic cookie", Kind::Ipv4;
    VendorSpecificOptions: "dhcp.vendor_specific_options", "Bootp vendor specific options", Kind::Bytes;
    Bootp: "dhcp.bootp", "Frame is BOOTP", Kind::Bool;
    OptionType: "dhcp.option.type", "Option", Kind::Dec;
    OptionLength: "dhcp.option.length", "Length", Kind::Dec;
    OptionValue: "dhcp.option.value", "Value", Kind::Bytes;
    OptionPadding: "dhcp.option.padding", "Padding", Kind::Bytes;
    OptionEnd: "dhcp.option.end", "Option End", Kind::Dec;
    SubnetMask: "dhcp.option.subnet_mask", "Subnet Mask", Kind::Ipv4;
    TimeOffset: "dhcp.option.time_offset", "Time Offset", Kind::Signed;
    Router: "dhcp.option.router", "Router", Kind::Ipv4;
    TimeServer: "dhcp.option.time_server", "Time Server", Kind::Ipv4;
    NameServer: "dhcp.option.name_server", "Name Server", Kind::Ipv4;
    DomainNameServer: "dhcp.option.domain_name_server", "Domain Name Server", Kind::Ipv4;
    LogServer: "dhcp.option.log_server", "Log Server", Kind::Ipv4;
    Hostname: "dhcp.option.hostname", "Host Name", Kind::Str;
    DomainName: "dhcp.option.domain_name", "Domain Name", Kind::Str;
    RootPath: "dhcp.option.root_path", "Root Path", Kind::Str;
    DefaultIpTtl: "dhcp.option.default_ip_ttl", "Default IP Time-to-Live", Kind::Dec;
    InterfaceMtu: "dhcp.option.interface_mtu", "Interface MTU", Kind::Dec;
    BroadcastAddress: "dhcp.option.broadcast_address", "Broadcast Address", Kind::Ipv4;
    NtpServer: "dhcp.option.ntp_server", "Network Time Protocol Server", Kind::Ipv4;
    NetbiosNameServer: "dhcp.option.netbios_over_tcpip_name_server", "NetBIOS over TCP/IP Name Server", Kind::Ipv4;
    NetbiosNodeType: "dhcp.option.netbios_over_tcpip_node_type", "NetBIOS over TCP/IP Node Type", Kind::Dec;
    RequestedIpAddress: "dhcp.option.requested_ip_address", "Requested IP Address", Kind::Ipv4;
    LeaseTime: "dhcp.option.ip_address_lease_time", "IP Address Lease Time", Kind::Dec;
    OptionOverload: "dhcp.option.option_overload", "Option Overload", Kind::Dec;
    Dhcp: "dhcp.option.dhcp", "DHCP", Kind::Dec;
    ServerId: "dhcp.option.dhcp_server_id", "DHCP Server Identifier", Kind::Ipv4;
    RequestListItem: "dhcp.option.request_list_item", "Parameter Request List Item", Kind::Dec;
    Message: "dhcp.option.message", "Message", Kind::Str;
    MaxMessageSize: "dhcp.option.dhcp_max_message_size", "Maximum DHCP Message Size", Kind::Dec;
    RenewalTime: "dhcp.option.renewal_time_value", "Renewal Time Value", Kind::Dec;
    RebindingTime: "dhcp.option.rebinding_time_value", "Rebinding Time Value", Kind::Dec;
    VendorClassId: "dhcp.option.vendor_class_id", "Vendor class identifier", Kind::Str;
    ClientIdType: "dhcp.client_id.type", "Type", Kind::Dec;
    ClientIdUndef: "dhcp.client_id.undef", "Client Identifier", Kind::Str;
    ClientHardwareAddress: "dhcp.client_hardware_address", "Client hardware address", Kind::Str;
    TftpServerName: "dhcp.option.tftp_server_name", "TFTP Server Name", Kind::Str;
    BootfileName: "dhcp.option.bootfile_name", "Bootfile name", Kind::Str;
    FqdnFlags: "dhcp.fqdn.flags", "Flags", Kind::Hex(2);
    FqdnMbz: "dhcp.fqdn.mbz", "Reserved flags", Kind::Hex(2);
    FqdnN: "dhcp.fqdn.n", "Server DDNS", Kind::Bool;
    FqdnE: "dhcp.fqdn.e", "Encoding", Kind::Bool;
    FqdnO: "dhcp.fqdn.o", "Server overrides", Kind::Bool;
    FqdnS: "dhcp.fqdn.s", "Server", Kind::Bool;
    FqdnRcode1: "dhcp.fqdn.rcode1", "A-RR result", Kind::Dec;
    FqdnRcode2: "dhcp.fqdn.rcode2", "PTR-RR result", Kind::Dec;
    FqdnName: "dhcp.fqdn.name", "Client name", Kind::Str;
    AgentSuboption: "dhcp.option.agent_information_option.suboption", "Option 82 Suboption", Kind::Dec;
    AgentValue: "dhcp.option.agent_information_option.value", "Value", Kind::Bytes;
    AgentCircuitId: "dhcp.option.agent_information_option.agent_circuit_id", "Agent Circuit ID", Kind::Bytes;
    AgentRemoteId: "dhcp.option.agent_information_option.agent_remote_id", "Agent Remote ID", Kind::Bytes;
    AutoConfiguration: "dhcp.option.dhcp_auto_configuration", "DHCP Auto-Configuration", Kind::Dec;
}

/// How tshark reads the value of a "basic" option into its field.
#[derive(Clone, Copy)]
enum Basic {
    /// One IPv4 address; the length must be 4.
    Ip,
    /// IPv4 addresses, one per whole 4 bytes.
    IpList,
    /// Text up to the first NUL.
    Str,
    /// Unsigned integers whose length must be 1, 2 or 4.
    U8,
    U16,
    U32,
    /// A signed 32-bit integer (length 4).
    I32,
}

/// The field and reading of the basic options this module names.
fn basic(code: u8) -> Option<(Field, Basic)> {
    Some(match code {
        1 => (Field::SubnetMask, Basic::Ip),
        2 => (Field::TimeOffset, Basic::I32),
        3 => (Field::Router, Basic::IpList),
        4 => (Field::TimeServer, Basic::IpList),
        5 => (Field::NameServer, Basic::IpList),
        6 => (Field::DomainNameServer, Basic::IpList),
        7 => (Field::LogServer, Basic::IpList),
        12 => (Field::Hostname, Basic::Str),
        15 => (Field::DomainName, Basic::Str),
        17 => (Field::RootPath, Basic::Str),
        23 => (Field::DefaultIpTtl, Basic::U8),
        26 => (Field::InterfaceMtu, Basic::U16),
        28 => (Field::BroadcastAddress, Basic::Ip),
        42 => (Field::NtpServer, Basic::IpList),
        44 => (Field::NetbiosNameServer, Basic::IpList),
        46 => (Field::NetbiosNodeType, Basic::U8),
        50 => (Field::RequestedIpAddress, Basic::Ip),
        51 => (Field::LeaseTime, Basic::U32),
        54 => (Field::ServerId, Basic::Ip),
        56 => (Field::Message, Basic::Str),
        57 => (Field::MaxMessageSize, Basic::U16),
        58 => (Field::RenewalTime, Basic::U32),
        59 => (Field::RebindingTime, Basic::U32),
        60 => (Field::VendorClassId, Basic::Str),
        66 => (Field::TftpServerName, Basic::Str),
        67 => (Field::BootfileName, Basic::Str),
        116 => (Field::AutoConfiguration, Basic::U8),
        _ => return None,
    })
}

/// tshark's name of a DHCP message type (option 53), if it has one.
pub fn message_type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        1 => "Discover",
        2 => "Offer",
        3 => "Request",
        4 => "Decline",
        5 => "ACK",
        6 => "NAK",
        7 => "Release",
        8 => "Inform",
        9 => "Force Renew",
        10 => "Lease query",
        11 => "Lease Unassigned",
        12 => "Lease Unknown",
        13 => "Lease Active",
        14 => "Bulk Lease Query",
        15 => "Lease Query Done",
        16 => "Active LeaseQuery",
        17 => "Lease Query Status",
        18 => "TLS",
        _ => return None,
    })
}

/// The message type's name, or tshark's text for an unknown one.
fn write_message_type(out: &mut String, t: u8) {
    match message_type_name(t) {
        Some(n) => out.push_str(n),
        None => {
            let _ = write!(out, "Unknown Message Type (0x{t:02x})");
        }
    }
}

/// One option with a length byte. Its `value` holds the bytes that were
/// captured, fewer than `len` when the message is cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DhcpOption<'a> {
    pub code: u8,
    /// Offset of the code byte in the message.
    pub at: usize,
    /// The length byte.
    pub len: u8,
    pub value: &'a [u8],
}

impl<'a> DhcpOption<'a> {
    /// Whether all `len` value bytes are there.
    pub fn complete(&self) -> bool {
        self.value.len() == usize::from(self.len)
    }

    /// Offset of the first value byte in the message.
    pub fn value_at(&self) -> usize {
        self.at.saturating_add(2)
    }

    /// The option's bytes (code, length, value) in the message.
    fn range(&self) -> Range<usize> {
        self.at..self.value_at().saturating_add(self.value.len())
    }

    /// The byte range of `n` value bytes from value offset `off`.
    fn sub(&self, off: usize, n: usize) -> Range<usize> {
        let s = self.value_at().saturating_add(off);
        s..s.saturating_add(n)
    }
}

/// One step of the options walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptItem<'a> {
    /// A run of pad bytes (code 0) at `at`, `len` bytes long.
    Pad { at: usize, len: usize },
    /// An option with a length byte.
    Opt(DhcpOption<'a>),
    /// The end option (code 255).
    End { at: usize },
    /// Bytes after the end option (tshark shows them as padding).
    Trailer { at: usize, len: usize },
}

/// The options of one area of a message, in order. Each step advances at
/// least one byte; the walk ends at the end option, at the end of the
/// area, at an option cut by the end of the bytes, and where tshark's
/// dissection of an option fails (see the module documentation).
#[derive(Clone, Debug)]
pub struct Options<'a> {
    bytes: &'a [u8],
    pos: usize,
    end: usize,
    /// Report bytes after the end option (the main area only).
    trailer: bool,
    state: Walk,
}

#[derive(Clone, Copy, Debug)]
enum Walk {
    Options,
    /// The end option was seen; bytes from here to the end follow it.
    Trailer(usize),
    Done,
}

impl<'a> Options<'a> {
    fn new(bytes: &'a [u8], start: usize, end: usize, trailer: bool) -> Self {
        Options {
            bytes,
            pos: start,
            end: end.min(bytes.len()),
            trailer,
            state: Walk::Options,
        }
    }
}

/// Whether tshark's dissection of this complete option throws, which ends
/// its walk (the option's own fields up to its value are still shown).
fn option_fails(o: &DhcpOption) -> bool {
    match o.code {
        // The message type is read from the value's first byte.
        opt::MESSAGE_TYPE => o.value.is_empty(),
        // Type 255: an IAID, then a DUID whose fixed part is read whole.
        opt::CLIENT_ID if o.value.first() == Some(&255) => {
            let n = o.value.len();
            if n < 7 {
                return true;
            }
            match be16(o.value, 5) {
                Some(1) => n < 13,
                Some(2) => n < 11,
                Some(3) => n < 9,
                _ => false,
            }
        }
        _ => false,
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = OptItem<'a>;

    fn next(&mut self) -> Option<OptItem<'a>> {
        match self.state {
            Walk::Done => return None,
            Walk::Trailer(at) => {
                self.state = Walk::Done;
                return Some(OptItem::Trailer {
                    at,
                    len: self.end.saturating_sub(at),
                });
            }
            Walk::Options => {}
        }
        let at = self.pos;
        let Some(code) = u8_at(self.bytes, at).filter(|_| at < self.end) else {
            self.state = Walk::Done;
            return None;
        };
        match code {
            opt::PAD => {
                let run = self
                    .bytes
                    .get(at..self.end)
                    .map_or(1, |s| s.iter().take_while(|&&b| b == 0).count())
                    .max(1);
                self.pos = at.saturating_add(run);
                Some(OptItem::Pad { at, len: run })
            }
            opt::END => {
                self.state = if self.trailer && at + 1 < self.end {
                    Walk::Trailer(at + 1)
                } else {
                    Walk::Done
                };
                Some(OptItem::End { at })
            }
            _ => {
                let Some(len) = u8_at(self.bytes, at + 1) else {
                    // No length byte: tshark fails reading it.
                    self.state = Walk::Done;
                    return None;
                };
                let o = DhcpOption {
                    code,
                    at,
                    len,
                    value: clamp(self.bytes, at + 2, usize::from(len)),
                };
                if !o.complete() || option_fails(&o) {
                    self.state = Walk::Done;
                }
                self.pos = at + 2 + usize::from(len);
                Some(OptItem::Opt(o))
            }
        }
    }
}

/// What tshark's first pass over the options finds: the message type (the
/// last option 53, read from the byte after its length) and the overload
/// value (the last option 52).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct FirstPass {
    msg_type: Option<u8>,
    overload: u8,
    /// The walk reached the end of the captured bytes inside the message
    /// as sent (see [`DhcpView::with_wire_len`]).
    cut: bool,
}

/// A view over a DHCP or BOOTP message (one UDP datagram's payload).
#[derive(Clone, Copy, Debug)]
pub struct DhcpView<'a> {
    bytes: &'a [u8],
    /// The message's length as sent (at least the bytes captured).
    wire_len: usize,
}

impl<'a> DhcpView<'a> {
    /// The fixed BOOTP header's length (options, if any, follow it).
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which may be cut anywhere: fields are shown
    /// where their bytes are. Only an empty datagram is refused.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, 1)?;
        Ok(DhcpView {
            bytes,
            wire_len: bytes.len(),
        })
    }

    /// The message's length as sent (the UDP length field minus 8, at
    /// most the IP payload as sent minus 8), when the capture cut it.
    /// tshark walks the options twice, the first time up to this length
    /// to find the message type; when that walk runs past the captured
    /// bytes it gives up before any field, and so does [`DhcpView::field`]
    /// (the accessors still read what was captured).
    pub fn with_wire_len(mut self, len: usize) -> Self {
        self.wire_len = len.max(self.bytes.len());
        self
    }

    /// Whether the capture cut the message where tshark shows no field
    /// at all (see [`DhcpView::with_wire_len`]).
    pub fn is_cut_before_fields(&self) -> bool {
        self.first_pass().cut
    }

    fn u8(&self, r: Range<usize>) -> Option<u8> {
        u8_at(self.bytes, r.start)
    }

    fn addr(&self, r: Range<usize>) -> Option<[u8; 4]> {
        array(self.bytes, r.start)
    }

    /// Whether the bytes reach `end`.
    fn has(&self, end: usize) -> bool {
        self.bytes.len() >= end
    }

    /// The op code (1 request, 2 reply; `dhcp.type`).
    pub fn op(&self) -> Option<u8> {
        self.u8(at::OP)
    }

    /// The hardware type (1 Ethernet).
    pub fn htype(&self) -> Option<u8> {
        self.u8(at::HTYPE)
    }

    /// The hardware address length.
    pub fn hlen(&self) -> Option<u8> {
        self.u8(at::HLEN)
    }

    pub fn hops(&self) -> Option<u8> {
        self.u8(at::HOPS)
    }

    /// The transaction id.
    pub fn xid(&self) -> Option<u32> {
        be32(self.bytes, at::XID.start)
    }

    /// The seconds field as sent (big-endian; see [`DhcpView::secs_shown`]).
    pub fn secs(&self) -> Option<u16> {
        be16(self.bytes, at::SECS.start)
    }

    /// The seconds as tshark shows them: read little-endian when that
    /// gives 1..=255 (Windows sends it so), big-endian otherwise.
    pub fn secs_shown(&self) -> Option<u16> {
        let s = array::<2>(self.bytes, at::SECS.start)?;
        let le = u16::from_le_bytes(s);
        Some(if (1..=0xff).contains(&le) {
            le
        } else {
            u16::from_be_bytes(s)
        })
    }

    pub fn flags(&self) -> Option<u16> {
        be16(self.bytes, at::FLAGS.start)
    }

    /// The broadcast flag (the top bit of the flags).
    pub fn broadcast(&self) -> bool {
        self.flags().is_some_and(|f| f & 0x8000 != 0)
    }

    /// The client's address (`ciaddr`).
    pub fn ciaddr(&self) -> Option<[u8; 4]> {
        self.addr(at::CIADDR)
    }

    /// The address given to the client (`yiaddr`).
    pub fn yiaddr(&self) -> Option<[u8; 4]> {
        self.addr(at::YIADDR)
    }

    /// The next server's address (`siaddr`).
    pub fn siaddr(&self) -> Option<[u8; 4]> {
        self.addr(at::SIADDR)
    }

    /// The relay agent's address (`giaddr`).
    pub fn giaddr(&self) -> Option<[u8; 4]> {
        self.addr(at::GIADDR)
    }

    /// The whole 16-byte client hardware address field.
    pub fn chaddr_field(&self) -> Option<[u8; 16]> {
        array(self.bytes, at::CHADDR.start)
    }

    /// The client hardware address: its first `hlen` bytes (at most 16).
    pub fn chaddr(&self) -> Option<&'a [u8]> {
        let n = usize::from(self.hlen()?).min(16);
        self.bytes.get(at::CHADDR.start..at::CHADDR.start + n)
    }

    /// The client's MAC address, where the hardware is Ethernet (or IEEE
    /// 802) with 6-byte addresses.
    pub fn client_mac(&self) -> Option<[u8; 6]> {
        if self.mac_shaped() {
            array(self.bytes, at::CHADDR.start)
        } else {
            None
        }
    }

    fn mac_shaped(&self) -> bool {
        matches!(self.htype(), Some(HW_ETHER | HW_IEEE802)) && self.hlen() == Some(6)
    }

    /// The server host name, up to its first NUL (None when not captured).
    pub fn sname(&self) -> Option<&'a [u8]> {
        self.bytes.get(at::SNAME).map(until_nul)
    }

    /// The boot file name, up to its first NUL (None when not captured).
    pub fn file(&self) -> Option<&'a [u8]> {
        self.bytes.get(at::FILE).map(until_nul)
    }

    /// Whether the magic cookie follows the header (DHCP, or BOOTP with
    /// RFC 1497 vendor extensions).
    pub fn has_cookie(&self) -> bool {
        self.bytes.get(at::COOKIE) == Some(&MAGIC_COOKIE[..])
    }

    /// Where the options start: after the cookie, or (without one) after
    /// the 64 bytes of BOOTP vendor data, as tshark reads them.
    pub fn options_start(&self) -> usize {
        if self.has_cookie() {
            at::COOKIE.end
        } else {
            at::VENDOR.end
        }
    }

    /// The options after the header, in order (pad runs, options, the end
    /// option and any bytes after it). Options held in the server-name and
    /// boot-file fields (overload) are not included: see
    /// [`DhcpView::overload_options`].
    pub fn options(&self) -> Options<'a> {
        Options::new(self.bytes, self.options_start(), self.bytes.len(), true)
    }

    /// The options held in the server-name (`sname`) or boot-file field
    /// when option 52 says so.
    pub fn overload_options(&self, sname: bool) -> Options<'a> {
        let r = if sname { at::SNAME } else { at::FILE };
        Options::new(self.bytes, r.start, r.end, false)
    }

    /// tshark's first pass: the last message type and overload options of
    /// the main area, read where their value bytes are there.
    fn first_pass(&self) -> FirstPass {
        let mut fp = FirstPass::default();
        let (mut pos, end) = (self.options_start(), self.wire_len.max(self.bytes.len()));
        while pos < end {
            let Some(code) = u8_at(self.bytes, pos) else {
                // The walk runs past the bytes captured, not past the
                // message as sent: tshark's first pass fails here.
                fp.cut = true;
                break;
            };
            match code {
                opt::PAD => pos += 1,
                opt::END => break,
                _ => {
                    let Some(len) = u8_at(self.bytes, pos + 1) else {
                        break;
                    };
                    let len = usize::from(len);
                    if self.has(pos + 2 + len) {
                        // Read even from an empty value (the next byte), as tshark does.
                        let first = u8_at(self.bytes, pos + 2);
                        match (code, first) {
                            (opt::MESSAGE_TYPE, Some(t)) => fp.msg_type = Some(t),
                            (opt::OVERLOAD, Some(o)) => fp.overload = o,
                            _ => {}
                        }
                    }
                    pos += 2 + len;
                }
            }
        }
        fp
    }

    /// Every step of the options walk in tshark's tree order: the main
    /// area, with the overloaded fields' options right after option 52.
    pub fn visit(&self, f: &mut dyn FnMut(OptItem<'a>)) {
        let overload = self.first_pass().overload;
        // Each option 52 walks the name fields again (192 bytes); a few
        // are plenty for a real message and keep the work linear.
        let mut walks_left = MAX_OVERLOAD_WALKS;
        for item in self.options() {
            f(item);
            if let OptItem::Opt(o) = item {
                if o.code == opt::OVERLOAD
                    && o.complete()
                    && (1..=3).contains(&overload)
                    && walks_left > 0
                {
                    walks_left -= 1;
                    let b = o.value.first().copied().unwrap_or(0);
                    if b & 2 != 0 {
                        self.overload_options(true).for_each(&mut *f);
                    }
                    if b & 1 != 0 {
                        self.overload_options(false).for_each(&mut *f);
                    }
                }
            }
        }
    }

    /// The first complete option with `code` (in tree order).
    pub fn option(&self, code: u8) -> Option<DhcpOption<'a>> {
        let mut got = None;
        self.visit(&mut |item| {
            if let OptItem::Opt(o) = item {
                if got.is_none() && o.code == code && o.complete() {
                    got = Some(o);
                }
            }
        });
        got
    }

    /// The value of the first complete option with `code`.
    fn value(&self, code: u8) -> Option<&'a [u8]> {
        self.option(code).map(|o| o.value)
    }

    fn value_addr(&self, code: u8) -> Option<[u8; 4]> {
        self.value(code).and_then(|v| v.try_into().ok())
    }

    fn value_u32(&self, code: u8) -> Option<u32> {
        self.value(code)
            .filter(|v| v.len() == 4)
            .and_then(|v| be32(v, 0))
    }

    /// The DHCP message type (option 53), as tshark's summary takes it:
    /// the last such option of the main area. None for plain BOOTP.
    pub fn message_type(&self) -> Option<u8> {
        self.first_pass().msg_type
    }

    /// Whether this is DHCP (a message type option is there) rather than
    /// plain BOOTP.
    pub fn is_dhcp(&self) -> bool {
        self.message_type().is_some()
    }

    /// The address the client asks for (option 50).
    pub fn requested_addr(&self) -> Option<[u8; 4]> {
        self.value_addr(opt::REQUESTED_IP)
    }

    /// The address the server assigns (`yiaddr`, when not 0.0.0.0).
    pub fn assigned_addr(&self) -> Option<[u8; 4]> {
        self.yiaddr().filter(|a| *a != [0; 4])
    }

    /// The server identifier (option 54).
    pub fn server_id(&self) -> Option<[u8; 4]> {
        self.value_addr(opt::SERVER_ID)
    }

    /// The subnet mask (option 1).
    pub fn subnet_mask(&self) -> Option<[u8; 4]> {
        self.value_addr(opt::SUBNET_MASK)
    }

    /// The lease time in seconds (option 51).
    pub fn lease_time(&self) -> Option<u32> {
        self.value_u32(opt::LEASE_TIME)
    }

    /// The renewal (T1) time in seconds (option 58).
    pub fn renewal_time(&self) -> Option<u32> {
        self.value_u32(opt::RENEWAL_TIME)
    }

    /// The rebinding (T2) time in seconds (option 59).
    pub fn rebinding_time(&self) -> Option<u32> {
        self.value_u32(opt::REBINDING_TIME)
    }

    /// The maximum message size the client accepts (option 57).
    pub fn max_message_size(&self) -> Option<u16> {
        self.value(opt::MAX_MESSAGE_SIZE)
            .filter(|v| v.len() == 2)
            .and_then(|v| be16(v, 0))
    }

    /// The host name (option 12), up to its first NUL.
    pub fn hostname(&self) -> Option<&'a [u8]> {
        self.value(opt::HOSTNAME).map(until_nul)
    }

    /// The domain name (option 15), up to its first NUL.
    pub fn domain_name(&self) -> Option<&'a [u8]> {
        self.value(opt::DOMAIN_NAME).map(until_nul)
    }

    /// The vendor class identifier (option 60), up to its first NUL.
    pub fn vendor_class(&self) -> Option<&'a [u8]> {
        self.value(opt::VENDOR_CLASS).map(until_nul)
    }

    /// The message text (option 56), up to its first NUL.
    pub fn message(&self) -> Option<&'a [u8]> {
        self.value(opt::MESSAGE).map(until_nul)
    }

    /// The client identifier's raw bytes (option 61: a type byte, then the
    /// identifier).
    pub fn client_id(&self) -> Option<&'a [u8]> {
        self.value(opt::CLIENT_ID)
    }

    /// The parameter request list (option 55), one option code a byte.
    pub fn param_list(&self) -> Option<&'a [u8]> {
        self.value(opt::PARAMETER_LIST)
    }

    /// The client FQDN option's raw bytes (option 81: flags, two result
    /// codes, the name).
    pub fn client_fqdn(&self) -> Option<&'a [u8]> {
        self.value(opt::CLIENT_FQDN)
    }

    /// The relay agent information option's raw bytes (option 82).
    pub fn relay_agent_info(&self) -> Option<&'a [u8]> {
        self.value(opt::RELAY_AGENT)
    }

    /// The routers (option 3).
    pub fn routers(&self) -> impl Iterator<Item = [u8; 4]> + 'a {
        addrs(self.value(opt::ROUTER).unwrap_or(&[]))
    }

    /// The DNS servers (option 6).
    pub fn dns_servers(&self) -> impl Iterator<Item = [u8; 4]> + 'a {
        addrs(self.value(opt::DNS_SERVERS).unwrap_or(&[]))
    }

    /// The whole message: DHCP has no payload of its own.
    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    /// Nothing follows a DHCP message.
    pub fn payload(&self) -> &'a [u8] {
        &[]
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        if self.is_cut_before_fields() {
            return;
        }
        let b = self.bytes;
        let uint = |n: u64| Value::UInt(n);
        let ip = |a: [u8; 4]| Value::Ipv4(a);
        match f {
            Field::Type => {
                if let Some(v) = self.op() {
                    out.value(uint(v.into()), at::OP)
                }
            }
            Field::HwType => {
                if let Some(v) = self.htype() {
                    out.value(uint(v.into()), at::HTYPE)
                }
                self.option_fields(f, out)
            }
            Field::HwLen => {
                if let Some(v) = self.hlen() {
                    out.value(uint(v.into()), at::HLEN)
                }
            }
            Field::Hops => {
                if let Some(v) = self.hops() {
                    out.value(uint(v.into()), at::HOPS)
                }
            }
            Field::Id => {
                if let Some(v) = self.xid() {
                    out.value(uint(v.into()), at::XID)
                }
            }
            Field::Secs => {
                if let Some(v) = self.secs_shown() {
                    out.value(uint(v.into()), at::SECS)
                }
            }
            Field::Flags | Field::FlagsBc | Field::FlagsReserved => {
                if let Some(v) = self.flags() {
                    let v = match f {
                        Field::Flags => uint(v.into()),
                        Field::FlagsBc => Value::Bool(v & 0x8000 != 0),
                        _ => uint((v & 0x7fff).into()),
                    };
                    out.value(v, at::FLAGS)
                }
            }
            Field::IpClient => {
                if let Some(a) = self.ciaddr() {
                    out.value(ip(a), at::CIADDR)
                }
            }
            Field::IpYour => {
                if let Some(a) = self.yiaddr() {
                    out.value(ip(a), at::YIADDR)
                }
            }
            Field::IpServer => {
                if let Some(a) = self.siaddr() {
                    out.value(ip(a), at::SIADDR)
                }
            }
            Field::IpRelay => {
                if let Some(a) = self.giaddr() {
                    out.value(ip(a), at::GIADDR)
                }
            }
            Field::HwMacAddr => {
                if let Some(m) = self.client_mac() {
                    out.value(Value::Ether(m), 28..34)
                }
                self.option_fields(f, out)
            }
            Field::HwAddr => {
                let hlen = self.hlen().unwrap_or(0);
                if (1..=16).contains(&hlen) && !self.mac_shaped() {
                    if let Some(a) = b.get(at::CHADDR) {
                        out.value(Value::Bytes(a), at::CHADDR)
                    }
                }
            }
            Field::HwAddrPadding => {
                let hlen = usize::from(self.hlen().unwrap_or(0));
                if (1..16).contains(&hlen) && self.has(at::CHADDR.end) {
                    let r = at::CHADDR.start + hlen..at::CHADDR.end;
                    if let Some(p) = b.get(r.clone()) {
                        out.value(Value::Bytes(p), r)
                    }
                }
            }
            Field::Server => {
                if self.first_pass().overload & 2 == 0 {
                    if let Some(s) = self.sname() {
                        out.value(Value::Str(s), at::SNAME)
                    }
                }
            }
            Field::File => {
                if self.first_pass().overload & 1 == 0 {
                    if let Some(s) = self.file() {
                        out.value(Value::Str(s), at::FILE)
                    }
                }
            }
            Field::Cookie => {
                if self.has_cookie() {
                    out.value(ip(MAGIC_COOKIE), at::COOKIE)
                }
            }
            Field::VendorSpecificOptions => {
                if !self.has_cookie() {
                    if let Some(v) = b.get(at::VENDOR) {
                        out.value(Value::Bytes(v), at::VENDOR)
                    }
                }
            }
            Field::Bootp => {
                if self.has(at::HEADER_LEN) && !self.is_dhcp() {
                    out.value(Value::Bool(true), 0..0)
                }
            }
            _ => self.option_fields(f, out),
        }
    }

    /// The occurrences of an option field, in tree order.
    fn option_fields(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        self.visit(&mut |item| match item {
            OptItem::Pad { at, len } => match f {
                Field::OptionType => out.value(Value::UInt(0), at..at + len),
                Field::OptionPadding => {
                    if let Some(p) = b.get(at..at + len) {
                        out.value(Value::Bytes(p), at..at + len)
                    }
                }
                _ => {}
            },
            OptItem::End { at } => match f {
                // tshark 4.0 gives the end option the type value 0.
                Field::OptionType => out.value(Value::UInt(0), at..at + 1),
                Field::OptionEnd => out.value(Value::UInt(255), at..at + 1),
                _ => {}
            },
            OptItem::Trailer { at, len } => {
                if f == Field::OptionPadding {
                    if let Some(p) = b.get(at..at + len) {
                        out.value(Value::Bytes(p), at..at + len)
                    }
                }
            }
            OptItem::Opt(o) => option_field(&o, f, out),
        });
    }

    /// `Dynamic Host Configuration Protocol (Discover)`, as tshark: the
    /// name of each message type option in parentheses.
    pub fn title(&self, out: &mut String) {
        out.push_str("Dynamic Host Configuration Protocol");
        if self.is_cut_before_fields() {
            return;
        }
        self.visit(&mut |item| {
            if let OptItem::Opt(o) = item {
                if o.code == opt::MESSAGE_TYPE {
                    if let (true, Some(&t)) = (o.complete(), o.value.first()) {
                        out.push_str(" (");
                        write_message_type(out, t);
                        out.push(')');
                    }
                }
            }
        });
    }

    /// tshark's Info column (with `-n`): `DHCP Discover - Transaction ID
    /// 0x1234abcd`, or for BOOTP `Boot Request from 00:11:22:33:44:55
    /// (00:11:22:33:44:55)`, `Boot Reply`.
    pub fn summary(&self, out: &mut String) {
        if let Some(t) = self.message_type() {
            let start = out.len();
            out.push_str("DHCP ");
            write_message_type(out, t);
            // The type is padded to 8 characters (printf "%-8s").
            let width = out.len() - start - 5;
            for _ in width..8 {
                out.push(' ');
            }
            let _ = write!(out, " - Transaction ID 0x{:x}", self.xid().unwrap_or(0));
            return;
        }
        match self.op() {
            Some(op::BOOT_REQUEST) => {
                out.push_str("Boot Request from ");
                if let Some(m) = self.client_mac() {
                    write_mac(out, m);
                    out.push_str(" (");
                    write_mac(out, m);
                    out.push(')');
                } else {
                    match self.hlen() {
                        Some(0) | None => out.push_str("<No address>"),
                        Some(n) => write_hex_bytes(
                            out,
                            clamp(self.bytes, at::CHADDR.start, usize::from(n)),
                            None,
                        ),
                    }
                }
            }
            Some(op::BOOT_REPLY) => out.push_str("Boot Reply"),
            Some(n) => {
                let _ = write!(out, "Unknown BOOTP message type ({n})");
            }
            None => {}
        }
    }
}

/// The occurrences of field `f` in option `o`, as tshark shows them.
fn option_field<'a>(o: &DhcpOption<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
    let v = o.value;
    match f {
        Field::OptionType => return out.value(Value::UInt(o.code.into()), o.range()),
        Field::OptionLength => return out.value(Value::UInt(o.len.into()), o.at + 1..o.at + 2),
        _ => {}
    }
    if !o.complete() {
        return;
    }
    if f == Field::OptionValue {
        return out.value(bytes_or_missing(v), o.sub(0, v.len()));
    }
    if let Some((field, how)) = basic(o.code) {
        if field == f {
            basic_values(o, how, out);
        }
        return;
    }
    match (o.code, f) {
        (opt::MESSAGE_TYPE, Field::Dhcp) | (opt::OVERLOAD, Field::OptionOverload) => {
            if let Some(&t) = v.first() {
                out.value(Value::UInt(t.into()), o.sub(0, 1))
            }
        }
        (opt::PARAMETER_LIST, Field::RequestListItem) => {
            for (i, &c) in v.iter().enumerate() {
                out.value(Value::UInt(c.into()), o.sub(i, 1))
            }
        }
        (opt::CLIENT_ID, _) => client_id_field(o, f, out),
        (opt::CLIENT_FQDN, _) => fqdn_field(o, f, out),
        (opt::RELAY_AGENT, _) => agent_field(o, f, out),
        _ => {}
    }
}

/// A basic option's values into its field, as tshark's basic-type reader.
fn basic_values<'a>(o: &DhcpOption<'a>, how: Basic, out: &mut dyn FieldSink<'a>) {
    let v = o.value;
    match how {
        Basic::Ip => {
            if let Ok(a) = <[u8; 4]>::try_from(v) {
                out.value(Value::Ipv4(a), o.sub(0, 4))
            }
        }
        Basic::IpList => {
            for (i, a) in addrs(v).enumerate() {
                out.value(Value::Ipv4(a), o.sub(i * 4, 4))
            }
        }
        Basic::Str => out.value(Value::Str(until_nul(v)), o.sub(0, v.len())),
        Basic::U8 => {
            if let [n] = v {
                out.value(Value::UInt((*n).into()), o.sub(0, 1))
            }
        }
        Basic::U16 => {
            if let (2, Some(n)) = (v.len(), be16(v, 0)) {
                out.value(Value::UInt(n.into()), o.sub(0, 2))
            }
        }
        Basic::U32 => {
            if let (4, Some(n)) = (v.len(), be32(v, 0)) {
                out.value(Value::UInt(n.into()), o.sub(0, 4))
            }
        }
        Basic::I32 => {
            if let (4, Some(n)) = (v.len(), be32(v, 0)) {
                out.value(Value::Int((n as i32).into()), o.sub(0, 4))
            }
        }
    }
}

/// Option 61: a 7-byte hardware address (type 1..=47), or type 0 and text.
fn client_id_field<'a>(o: &DhcpOption<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
    let v = o.value;
    let Some(&kind) = v.first() else {
        return;
    };
    if v.len() == 7 && (1..48).contains(&kind) {
        let addr = &v[1..];
        match f {
            Field::HwType => out.value(Value::UInt(kind.into()), o.sub(0, 1)),
            Field::HwMacAddr if kind == HW_ETHER || kind == HW_IEEE802 => {
                if let Ok(m) = <[u8; 6]>::try_from(addr) {
                    out.value(Value::Ether(m), o.sub(1, 6))
                }
            }
            // Printed as hex without separators, as tshark's string.
            Field::ClientHardwareAddress if kind != HW_ETHER && kind != HW_IEEE802 => {
                out.value(Value::Bytes(addr), o.sub(1, 6))
            }
            _ => {}
        }
    } else if kind == 0 && v.len() > 1 && v.len() != 17 {
        match f {
            Field::ClientIdType => out.value(Value::UInt(0), o.sub(0, 1)),
            Field::ClientIdUndef => {
                out.value(Value::Str(until_nul(&v[1..])), o.sub(1, v.len() - 1))
            }
            _ => {}
        }
    }
}

/// Option 81: flags, two result codes, then the name (DNS wire format
/// when the E flag is set, text otherwise).
fn fqdn_field<'a>(o: &DhcpOption<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
    let v = o.value;
    let [flags, rcode1, rcode2, ..] = *v else {
        return;
    };
    let bit = |m: u8| Value::Bool(flags & m != 0);
    match f {
        Field::FqdnFlags => out.value(Value::UInt(flags.into()), o.sub(0, 1)),
        Field::FqdnMbz => out.value(Value::UInt((flags & 0xf0).into()), o.sub(0, 1)),
        Field::FqdnN => out.value(bit(0x08), o.sub(0, 1)),
        Field::FqdnE => out.value(bit(0x04), o.sub(0, 1)),
        Field::FqdnO => out.value(bit(0x02), o.sub(0, 1)),
        Field::FqdnS => out.value(bit(0x01), o.sub(0, 1)),
        Field::FqdnRcode1 => out.value(Value::UInt(rcode1.into()), o.sub(1, 1)),
        Field::FqdnRcode2 => out.value(Value::UInt(rcode2.into()), o.sub(2, 1)),
        Field::FqdnName if v.len() > 3 => {
            let r = o.sub(3, v.len() - 3);
            if flags & 0x04 != 0 {
                out.value(Value::DnsName { msg: v, at: 3 }, r)
            } else {
                out.value(Value::Str(until_nul(&v[3..])), r)
            }
        }
        _ => {}
    }
}

/// Option 82: suboptions (code, length, value); a suboption cut by the
/// option's end shows its code only and ends the list.
fn agent_field<'a>(o: &DhcpOption<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
    let v = o.value;
    let mut pos = 0usize;
    while pos < v.len() {
        let Some(&code) = v.get(pos) else { break };
        let Some(&len) = v.get(pos + 1) else { break };
        let len = usize::from(len);
        if f == Field::AgentSuboption {
            let n = (2 + len).min(v.len() - pos);
            out.value(Value::UInt(code.into()), o.sub(pos, n))
        }
        let Some(data) = v.get(pos + 2..pos + 2 + len) else {
            break;
        };
        let r = o.sub(pos + 2, len);
        match (f, code) {
            (Field::AgentValue, _) => out.value(bytes_or_missing(data), r),
            (Field::AgentCircuitId, 1) | (Field::AgentRemoteId, 2) => {
                out.value(bytes_or_missing(data), r)
            }
            _ => {}
        }
        pos += 2 + len;
    }
}

/// Raw bytes, or tshark 4.0's `<MISSING>` for none.
fn bytes_or_missing(b: &[u8]) -> Value<'_> {
    if b.is_empty() {
        Value::Static("<MISSING>")
    } else {
        Value::Bytes(b)
    }
}

/// The bytes before the first NUL.
fn until_nul(b: &[u8]) -> &[u8] {
    let n = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    &b[..n]
}

/// IPv4 addresses, one per whole 4 bytes of `v`.
fn addrs(v: &[u8]) -> impl Iterator<Item = [u8; 4]> + '_ {
    v.chunks_exact(4).map(|c| [c[0], c[1], c[2], c[3]])
}

/// One option of a [`DhcpRepr`]: its code (1..=254) and value (at most
/// 255 bytes are sent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionRepr {
    pub code: u8,
    pub data: Vec<u8>,
}

/// The plain values of a DHCP or BOOTP message, for building messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DhcpRepr {
    pub op: u8,
    pub htype: u8,
    pub hlen: u8,
    pub hops: u8,
    pub xid: u32,
    /// As sent (big-endian).
    pub secs: u16,
    pub flags: u16,
    pub ciaddr: [u8; 4],
    pub yiaddr: [u8; 4],
    pub siaddr: [u8; 4],
    pub giaddr: [u8; 4],
    pub chaddr: [u8; 16],
    /// The server host name (at most 64 bytes are sent, NUL-padded).
    pub sname: Vec<u8>,
    /// The boot file name (at most 128 bytes are sent, NUL-padded).
    pub file: Vec<u8>,
    /// Send the magic cookie before the options. Without it, 64 zero
    /// bytes of BOOTP vendor data go first.
    pub cookie: bool,
    /// The options in order, without pad and end (emit adds the end).
    pub options: Vec<OptionRepr>,
}

impl DhcpRepr {
    /// A DHCP message of type `msg_type` from the client with MAC `mac`
    /// (Ethernet hardware, cookie, option 53 first).
    pub fn dhcp(op: u8, msg_type: u8, xid: u32, mac: [u8; 6]) -> Self {
        let mut chaddr = [0; 16];
        chaddr[..6].copy_from_slice(&mac);
        DhcpRepr {
            op,
            htype: HW_ETHER,
            hlen: 6,
            hops: 0,
            xid,
            secs: 0,
            flags: 0,
            ciaddr: [0; 4],
            yiaddr: [0; 4],
            siaddr: [0; 4],
            giaddr: [0; 4],
            chaddr,
            sname: Vec::new(),
            file: Vec::new(),
            cookie: true,
            options: vec![OptionRepr {
                code: opt::MESSAGE_TYPE,
                data: vec![msg_type],
            }],
        }
    }

    /// The header fields and the main area's complete options of `v`.
    pub fn parse(v: &DhcpView) -> Self {
        let options = v
            .options()
            .filter_map(|item| match item {
                OptItem::Opt(o) if o.complete() => Some(OptionRepr {
                    code: o.code,
                    data: o.value.to_vec(),
                }),
                _ => None,
            })
            .collect();
        DhcpRepr {
            op: v.op().unwrap_or(0),
            htype: v.htype().unwrap_or(0),
            hlen: v.hlen().unwrap_or(0),
            hops: v.hops().unwrap_or(0),
            xid: v.xid().unwrap_or(0),
            secs: v.secs().unwrap_or(0),
            flags: v.flags().unwrap_or(0),
            ciaddr: v.ciaddr().unwrap_or_default(),
            yiaddr: v.yiaddr().unwrap_or_default(),
            siaddr: v.siaddr().unwrap_or_default(),
            giaddr: v.giaddr().unwrap_or_default(),
            chaddr: v.chaddr_field().unwrap_or_default(),
            sname: v.sname().unwrap_or_default().to_vec(),
            file: v.file().unwrap_or_default().to_vec(),
            cookie: v.has_cookie(),
            options,
        }
    }

    /// Append the message: header, cookie (or vendor data), options, end.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&[self.op, self.htype, self.hlen, self.hops]);
        buf.extend_from_slice(&self.xid.to_be_bytes());
        buf.extend_from_slice(&self.secs.to_be_bytes());
        buf.extend_from_slice(&self.flags.to_be_bytes());
        for a in [self.ciaddr, self.yiaddr, self.siaddr, self.giaddr] {
            buf.extend_from_slice(&a);
        }
        buf.extend_from_slice(&self.chaddr);
        for (text, width) in [(&self.sname, at::SNAME.len()), (&self.file, at::FILE.len())] {
            let n = text.len().min(width);
            buf.extend_from_slice(&text[..n]);
            buf.resize(buf.len() + width - n, 0);
        }
        if self.cookie {
            buf.extend_from_slice(&MAGIC_COOKIE);
        } else {
            buf.resize(buf.len() + at::VENDOR.len(), 0);
        }
        for o in &self.options {
            let n = o.data.len().min(255);
            buf.push(o.code);
            buf.push(n as u8);
            buf.extend_from_slice(&o.data[..n]);
        }
        buf.push(opt::END);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, fields_text, string_of, values};
    use proptest::prelude::*;

    /// The message from a 44-byte head (through chaddr), empty server and
    /// file names, then `tail` (cookie and options), zero-padded to `len`.
    fn message(head: &[u8], tail: &[u8], len: usize) -> Vec<u8> {
        let mut m = head.to_vec();
        m.resize(at::HEADER_LEN, 0);
        m.extend_from_slice(tail);
        m.resize(len.max(m.len()), 0);
        m
    }

    /// pcpp Packet++Test/PacketExamples/Dhcp1.pcap frame 1: a relayed
    /// Offer (376 bytes) with TFTP, SIP, client id, authentication and
    /// relay agent options.
    const OFFER_HEAD: [u8; 44] = [
        0x02, 0x01, 0x06, 0x01, 0x77, 0x71, 0xcf, 0x85, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x0a, 0x0a, 0x08, 0xeb, 0xac, 0x16, 0xb2, 0xea, 0x0a, 0x0a, 0x08, 0xf0, 0x00, 0x0e,
        0x86, 0x11, 0xc0, 0x75, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];
    const OFFER_TAIL: [u8; 140] = [
        0x63, 0x82, 0x53, 0x63, 0x35, 0x01, 0x02, 0x01, 0x04, 0xff, 0xff, 0xff, 0x00, 0x36, 0x04,
        0xac, 0x16, 0xb2, 0xea, 0x33, 0x04, 0x00, 0x00, 0xa8, 0xc0, 0x03, 0x04, 0x0a, 0x0a, 0x08,
        0xfe, 0x06, 0x08, 0x8f, 0xd1, 0x04, 0x01, 0x8f, 0xd1, 0x05, 0x01, 0x42, 0x0e, 0x31, 0x37,
        0x32, 0x2e, 0x32, 0x32, 0x2e, 0x31, 0x37, 0x38, 0x2e, 0x32, 0x33, 0x34, 0x78, 0x05, 0x01,
        0xac, 0x16, 0xb2, 0xea, 0x3d, 0x10, 0x00, 0x6e, 0x61, 0x74, 0x68, 0x61, 0x6e, 0x31, 0x63,
        0x6c, 0x69, 0x65, 0x6e, 0x74, 0x69, 0x64, 0x5a, 0x1f, 0x01, 0x01, 0x00, 0xc8, 0x78, 0xc4,
        0x52, 0x56, 0x40, 0x20, 0x81, 0x31, 0x32, 0x33, 0x34, 0x8f, 0xe0, 0xcc, 0xe2, 0xee, 0x85,
        0x96, 0xab, 0xb2, 0x58, 0x17, 0xc4, 0x80, 0xb2, 0xfd, 0x30, 0x52, 0x16, 0x01, 0x14, 0x20,
        0x50, 0x4f, 0x4e, 0x20, 0x31, 0x2f, 0x31, 0x2f, 0x30, 0x37, 0x2f, 0x30, 0x31, 0x3a, 0x31,
        0x2e, 0x30, 0x2e, 0x31, 0xff,
    ];

    /// pcpp Packet++Test/PacketExamples/Dhcp3.pcap frame 1: an ACK (548
    /// bytes, 223 zero bytes after the end option) with a V-I vendor
    /// option and a domain name.
    const ACK_HEAD: [u8; 44] = [
        0x02, 0x01, 0x06, 0x00, 0xe7, 0x28, 0xc4, 0x63, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x02,
        0x14, 0xc0, 0xa8, 0x02, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xcb,
        0x38, 0x42, 0xdb, 0x58, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];
    const ACK_TAIL: [u8; 89] = [
        0x63, 0x82, 0x53, 0x63, 0x35, 0x01, 0x05, 0x36, 0x04, 0xc0, 0xa8, 0x02, 0x01, 0x33, 0x04,
        0x00, 0x00, 0xa8, 0xc0, 0x7d, 0x29, 0x00, 0x00, 0x0d, 0xe9, 0x24, 0x04, 0x06, 0x30, 0x30,
        0x32, 0x36, 0x38, 0x32, 0x05, 0x10, 0x57, 0x45, 0x43, 0x4f, 0x31, 0x30, 0x4b, 0x48, 0x30,
        0x35, 0x30, 0x30, 0x35, 0x36, 0x39, 0x35, 0x06, 0x08, 0x56, 0x44, 0x53, 0x4c, 0x32, 0x43,
        0x50, 0x45, 0x01, 0x04, 0xff, 0xff, 0xff, 0x00, 0x03, 0x04, 0xc0, 0xa8, 0x02, 0x01, 0x06,
        0x04, 0xc0, 0xa8, 0x02, 0x01, 0x0f, 0x06, 0x61, 0x74, 0x68, 0x6f, 0x6d, 0x65, 0xff,
    ];

    /// zeek testing/btest/Traces/dhcp/dhcp_flood.pcap frame 1: an Inform
    /// (247 bytes, no padding).
    const INFORM_HEAD: [u8; 44] = [
        0x01, 0x01, 0x06, 0x00, 0xa4, 0x2c, 0xec, 0x51, 0x00, 0x00, 0x00, 0x00, 0x80, 0x02, 0x06,
        0x7a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x90, 0xb1,
        0x1c, 0x99, 0x49, 0x29, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];
    const INFORM_TAIL: [u8; 11] = [
        0x63, 0x82, 0x53, 0x63, 0x35, 0x01, 0x08, 0x37, 0x01, 0x01, 0xff,
    ];

    /// gopacket pcapgo/tests/le/test006.pcapng frame 1: a Boot Request
    /// cut to 54 bytes by the snap length.
    const CUT_REQUEST: [u8; 54] = [
        0x01, 0x01, 0x06, 0x00, 0x00, 0x00, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
        0x82, 0x01, 0xfc, 0x42, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    /// pcpp Packet++Test/PacketExamples/Dhcp2.pcap frame 1: a Discover
    /// whose option 52 puts options in the server name and boot file.
    const OVERLOAD_DISCOVER: [u8; 282] = [
        0x01, 0x01, 0x06, 0x00, 0xac, 0x2e, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x6c, 0x82, 0xdc, 0x4e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x38,
        0x14, 0x73, 0x6e, 0x61, 0x6d, 0x65, 0x20, 0x66, 0x69, 0x65, 0x6c, 0x64, 0x20, 0x6f, 0x76,
        0x65, 0x72, 0x6c, 0x6f, 0x61, 0x64, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x38, 0x18, 0x66, 0x69, 0x6c, 0x65, 0x20, 0x6e, 0x61, 0x6d, 0x65, 0x20,
        0x66, 0x69, 0x65, 0x6c, 0x64, 0x20, 0x6f, 0x76, 0x65, 0x72, 0x6c, 0x6f, 0x61, 0x64, 0xff,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0x82, 0x53, 0x63,
        0x35, 0x01, 0x01, 0x39, 0x02, 0x02, 0x4e, 0x37, 0x04, 0x01, 0x1c, 0x03, 0x2b, 0x33, 0x04,
        0x00, 0x00, 0x0e, 0x10, 0x34, 0x01, 0x03, 0x38, 0x07, 0x50, 0x61, 0x64, 0x64, 0x69, 0x6e,
        0x67, 0x00, 0x3d, 0x07, 0x01, 0x00, 0x00, 0x6c, 0x82, 0xdc, 0x4e, 0xff,
    ];

    /// Every field with a value, `name=v1,v2`, as `tshark -T fields -E
    /// occurrence=a` prints them (an empty text is no value there).
    fn tshark_fields(b: &[u8]) -> Vec<String> {
        let v = DhcpView::new(b).unwrap();
        assert_ranges_within(FIELDS, b.len(), |i, out| {
            v.field(Field::from_index(i).unwrap(), out)
        });
        fields_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
            .into_iter()
            .filter(|s| !s.ends_with('='))
            .collect()
    }

    fn field(b: &[u8], f: Field) -> Vec<String> {
        let v = DhcpView::new(b).unwrap();
        values(FIELDS[f as usize].kind, |out| v.field(f, out))
    }

    fn summary(b: &[u8]) -> String {
        string_of(|s| DhcpView::new(b).unwrap().summary(s))
    }

    fn title(b: &[u8]) -> String {
        string_of(|s| DhcpView::new(b).unwrap().title(s))
    }

    #[test]
    fn relayed_offer_reads_as_tshark() {
        let m = message(&OFFER_HEAD, &OFFER_TAIL, 376);
        assert_eq!(
            tshark_fields(&m),
            [
                "dhcp.type=2",
                "dhcp.hw.type=0x01",
                "dhcp.hw.len=6",
                "dhcp.hops=1",
                "dhcp.id=0x7771cf85",
                "dhcp.secs=10",
                "dhcp.flags=0x0000",
                "dhcp.flags.bc=0",
                "dhcp.flags.reserved=0x0000",
                "dhcp.ip.client=0.0.0.0",
                "dhcp.ip.your=10.10.8.235",
                "dhcp.ip.server=172.22.178.234",
                "dhcp.ip.relay=10.10.8.240",
                "dhcp.hw.mac_addr=00:0e:86:11:c0:75",
                "dhcp.hw.addr_padding=00000000000000000000",
                "dhcp.cookie=99.130.83.99",
                "dhcp.option.type=53,1,54,51,3,6,66,120,61,90,82,0",
                "dhcp.option.length=1,4,4,4,4,8,14,5,16,31,22",
                "dhcp.option.value=02,ffffff00,ac16b2ea,0000a8c0,0a0a08fe,8fd104018fd10501,\
                 3137322e32322e3137382e323334,01ac16b2ea,006e617468616e31636c69656e746964,\
                 010100c878c45256402081313233348fe0cce2ee8596abb25817c480b2fd30,\
                 011420504f4e20312f312f30372f30313a312e302e31",
                "dhcp.option.end=255",
                "dhcp.option.subnet_mask=255.255.255.0",
                "dhcp.option.router=10.10.8.254",
                "dhcp.option.domain_name_server=143.209.4.1,143.209.5.1",
                "dhcp.option.ip_address_lease_time=43200",
                "dhcp.option.dhcp=2",
                "dhcp.option.dhcp_server_id=172.22.178.234",
                "dhcp.client_id.type=0",
                "dhcp.client_id.undef=nathan1clientid",
                "dhcp.option.tftp_server_name=172.22.178.234",
                "dhcp.option.agent_information_option.suboption=1",
                "dhcp.option.agent_information_option.value=20504f4e20312f312f30372f30313a312e302e31",
                "dhcp.option.agent_information_option.agent_circuit_id=\
                 20504f4e20312f312f30372f30313a312e302e31",
            ]
        );
        assert_eq!(summary(&m), "DHCP Offer    - Transaction ID 0x7771cf85");
        assert_eq!(title(&m), "Dynamic Host Configuration Protocol (Offer)");
        let v = DhcpView::new(&m).unwrap();
        assert_eq!(v.message_type(), Some(msg::OFFER));
        assert_eq!(v.xid(), Some(0x7771cf85));
        assert_eq!(v.client_mac(), Some([0x00, 0x0e, 0x86, 0x11, 0xc0, 0x75]));
        assert_eq!(v.assigned_addr(), Some([10, 10, 8, 235]));
        assert_eq!(v.server_id(), Some([172, 22, 178, 234]));
        assert_eq!(v.subnet_mask(), Some([255, 255, 255, 0]));
        assert_eq!(v.lease_time(), Some(43200));
        assert_eq!(v.routers().collect::<Vec<_>>(), [[10, 10, 8, 254]]);
        assert_eq!(
            v.dns_servers().collect::<Vec<_>>(),
            [[143, 209, 4, 1], [143, 209, 5, 1]]
        );
        assert_eq!(v.client_id(), Some(&b"\0nathan1clientid"[..]));
        assert_eq!(v.relay_agent_info().map(|r| r.len()), Some(22));
        assert_eq!(v.hostname(), None);
        assert_eq!(v.secs(), Some(10));
    }

    #[test]
    fn ack_with_trailing_padding_reads_as_tshark() {
        let m = message(&ACK_HEAD, &ACK_TAIL, 548);
        let got = tshark_fields(&m);
        let padding = format!("dhcp.option.padding={}", "00".repeat(223));
        for want in [
            "dhcp.ip.client=192.168.2.20",
            "dhcp.ip.your=192.168.2.20",
            "dhcp.hw.mac_addr=c0:cb:38:42:db:58",
            "dhcp.option.type=53,54,51,125,1,3,6,15,0",
            "dhcp.option.length=1,4,4,41,4,4,4,6",
            "dhcp.option.value=05,c0a80201,0000a8c0,00000de92404063030323638320510574543\
             4f31304b48303530303536393506085644534c32435045,ffffff00,c0a80201,c0a80201,\
             6174686f6d65",
            &padding,
            "dhcp.option.end=255",
            "dhcp.option.domain_name=athome",
            "dhcp.option.dhcp=5",
        ] {
            assert!(got.iter().any(|g| g == want), "{want} not in {got:#?}");
        }
        assert_eq!(summary(&m), "DHCP ACK      - Transaction ID 0xe728c463");
        let v = DhcpView::new(&m).unwrap();
        assert_eq!(v.domain_name(), Some(&b"athome"[..]));
        assert_eq!(
            v.options().last(),
            Some(OptItem::Trailer { at: 325, len: 223 })
        );
    }

    #[test]
    fn inform_reads_as_tshark() {
        let m = message(&INFORM_HEAD, &INFORM_TAIL, 0);
        assert_eq!(m.len(), 247);
        let got = tshark_fields(&m);
        for want in [
            "dhcp.ip.client=128.2.6.122",
            "dhcp.option.type=53,55,0",
            "dhcp.option.length=1,1",
            "dhcp.option.value=08,01",
            "dhcp.option.request_list_item=1",
        ] {
            assert!(got.iter().any(|g| g == want), "{want} not in {got:#?}");
        }
        assert!(!got.iter().any(|g| g.starts_with("dhcp.option.padding")));
        assert_eq!(summary(&m), "DHCP Inform   - Transaction ID 0xa42cec51");
        assert_eq!(DhcpView::new(&m).unwrap().param_list(), Some(&[1u8][..]));
    }

    #[test]
    fn cut_request_shows_what_was_captured() {
        assert_eq!(
            tshark_fields(&CUT_REQUEST),
            [
                "dhcp.type=1",
                "dhcp.hw.type=0x01",
                "dhcp.hw.len=6",
                "dhcp.hops=0",
                "dhcp.id=0x00003d1d",
                "dhcp.secs=0",
                "dhcp.flags=0x0000",
                "dhcp.flags.bc=0",
                "dhcp.flags.reserved=0x0000",
                "dhcp.ip.client=0.0.0.0",
                "dhcp.ip.your=0.0.0.0",
                "dhcp.ip.server=0.0.0.0",
                "dhcp.ip.relay=0.0.0.0",
                "dhcp.hw.mac_addr=00:0b:82:01:fc:42",
                "dhcp.hw.addr_padding=00000000000000000000",
            ]
        );
        assert_eq!(
            summary(&CUT_REQUEST),
            "Boot Request from 00:0b:82:01:fc:42 (00:0b:82:01:fc:42)"
        );
        let v = DhcpView::new(&CUT_REQUEST).unwrap();
        assert_eq!(v.sname(), None);
        assert_eq!(v.options().count(), 0);
        assert_eq!(v.message_type(), None);
    }

    #[test]
    fn options_cut_by_the_capture_hide_every_field() {
        // tcpdump tests/rx_serviceid_oobr.pcap frame 1: 29 bytes captured
        // of a datagram whose UDP length says 8093 (port 68).
        const RX: [u8; 29] = [
            0x00, 0x01, 0x5b, 0x04, 0xd8, 0xda, 0xda, 0x0d, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff,
            0x00, 0xff, 0xff, 0x80, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00,
        ];
        let v = DhcpView::new(&RX).unwrap();
        assert_eq!(field(&RX, Field::Id), ["0xd8dada0d"]);
        let v = v.with_wire_len(8085);
        assert!(v.is_cut_before_fields());
        let mut n = 0;
        for i in 0..FIELDS.len() {
            v.field(
                Field::from_index(i).unwrap(),
                &mut |_: Value, _: Range<usize>| n += 1,
            );
        }
        assert_eq!(n, 0);
        assert_eq!(v.xid(), Some(0xd8dada0d));
        assert_eq!(
            string_of(|s| v.title(s)),
            "Dynamic Host Configuration Protocol"
        );
        // A full header whose options end at the bytes captured, as sent.
        let m = discover_with(&[255]);
        let v = DhcpView::new(&m).unwrap().with_wire_len(m.len());
        assert!(!v.is_cut_before_fields());
        // Options cut before the end option, the rest not captured.
        let v = DhcpView::new(&m[..m.len() - 1])
            .unwrap()
            .with_wire_len(m.len());
        assert!(v.is_cut_before_fields());
        // ... but the end option there: the rest does not matter.
        let v = DhcpView::new(&m).unwrap().with_wire_len(m.len() + 100);
        assert!(!v.is_cut_before_fields());
    }

    #[test]
    fn overloaded_fields_are_walked_after_option_52() {
        let got = tshark_fields(&OVERLOAD_DISCOVER);
        for want in [
            "dhcp.hw.type=0x01,0x01",
            "dhcp.hw.mac_addr=00:00:6c:82:dc:4e,00:00:6c:82:dc:4e",
            "dhcp.option.type=53,57,55,51,52,56,0,56,0,56,0,61,0",
            "dhcp.option.length=1,2,4,4,1,20,24,7,7",
            "dhcp.option.padding=00",
            "dhcp.option.end=255,255,255",
            "dhcp.option.option_overload=3",
            "dhcp.option.request_list_item=1,28,3,43",
            "dhcp.option.message=sname field overload,file name field overload,Padding",
            "dhcp.option.dhcp_max_message_size=590",
        ] {
            assert!(got.iter().any(|g| g == want), "{want} not in {got:#?}");
        }
        assert!(!got.iter().any(|g| g.starts_with("dhcp.server")));
        let v = DhcpView::new(&OVERLOAD_DISCOVER).unwrap();
        assert!(field(&OVERLOAD_DISCOVER, Field::Server).is_empty());
        assert!(field(&OVERLOAD_DISCOVER, Field::File).is_empty());
        assert_eq!(v.message(), Some(&b"sname field overload"[..]));
        assert_eq!(v.max_message_size(), Some(590));
        assert_eq!(
            summary(&OVERLOAD_DISCOVER),
            "DHCP Discover - Transaction ID 0xac2effff"
        );
    }

    /// A Discover from `DhcpRepr::dhcp` with extra `options` bytes (they
    /// replace the end option).
    fn discover_with(options: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        DhcpRepr::dhcp(
            op::BOOT_REQUEST,
            msg::DISCOVER,
            0x12345678,
            [0, 0x11, 0x22, 0x33, 0x44, 0x55],
        )
        .emit(&mut m);
        m.pop();
        m.extend_from_slice(options);
        m
    }

    #[test]
    fn option_past_the_end_shows_code_and_length_then_stops() {
        // Host name of length 10 with 3 bytes left.
        let m = discover_with(&[12, 10, b'a', b'b', b'c']);
        assert_eq!(field(&m, Field::OptionType), ["53", "12"]);
        assert_eq!(field(&m, Field::OptionLength), ["1", "10"]);
        assert_eq!(field(&m, Field::OptionValue), ["01"]);
        assert!(field(&m, Field::Hostname).is_empty());
        let v = DhcpView::new(&m).unwrap();
        assert_eq!(v.hostname(), None);
        assert_eq!(v.message_type(), Some(msg::DISCOVER));
        // A code with no length byte is not shown.
        let m = discover_with(&[12]);
        assert_eq!(field(&m, Field::OptionType), ["53"]);
    }

    #[test]
    fn no_end_option_and_zero_length_values() {
        let m = discover_with(&[50, 4, 1, 2, 3, 4]);
        assert_eq!(field(&m, Field::OptionType), ["53", "50"]);
        assert_eq!(field(&m, Field::RequestedIpAddress), ["1.2.3.4"]);
        assert!(field(&m, Field::OptionEnd).is_empty());
        assert_eq!(
            DhcpView::new(&m).unwrap().requested_addr(),
            Some([1, 2, 3, 4])
        );
        // Empty values: tshark 4.0 prints <MISSING>.
        let m = discover_with(&[80, 0, 12, 0, 55, 0, 255]);
        assert_eq!(field(&m, Field::OptionType), ["53", "80", "12", "55", "0"]);
        assert_eq!(
            field(&m, Field::OptionValue),
            ["01", "<MISSING>", "<MISSING>", "<MISSING>"]
        );
        // An empty message type fails tshark's dissection: the walk stops.
        let mut m = discover_with(&[]);
        m.truncate(240);
        m.extend_from_slice(&[53, 0, 12, 4, b'h', b'o', b's', b't', 255]);
        assert_eq!(field(&m, Field::OptionType), ["53"]);
        assert_eq!(field(&m, Field::OptionValue), ["<MISSING>"]);
        assert!(field(&m, Field::Dhcp).is_empty());
    }

    #[test]
    fn pad_runs_end_and_trailer() {
        let mut m = discover_with(&[]);
        m.truncate(240);
        m.extend_from_slice(&[0, 0, 0, 53, 1, 8, 0, 255, 0, 0, 0, 0]);
        assert_eq!(field(&m, Field::OptionType), ["0", "53", "0", "0"]);
        assert_eq!(
            field(&m, Field::OptionPadding),
            ["000000", "00", "00000000"]
        );
        assert_eq!(field(&m, Field::OptionEnd), ["255"]);
        assert_eq!(summary(&m), "DHCP Inform   - Transaction ID 0x12345678");
    }

    #[test]
    fn bootp_without_cookie() {
        let mut r = DhcpRepr::dhcp(op::BOOT_REPLY, 0, 1, [0; 6]);
        r.cookie = false;
        r.options.clear();
        let mut m = Vec::new();
        r.emit(&mut m);
        m.pop();
        assert_eq!(m.len(), 300);
        assert_eq!(field(&m, Field::VendorSpecificOptions), ["00".repeat(64)]);
        assert_eq!(field(&m, Field::Bootp), ["1"]);
        assert!(field(&m, Field::Cookie).is_empty());
        assert_eq!(summary(&m), "Boot Reply");
        assert_eq!(title(&m), "Dynamic Host Configuration Protocol");
        // Too short for the vendor data: not shown.
        assert!(field(&m[..250], Field::VendorSpecificOptions).is_empty());
        assert_eq!(field(&m[..250], Field::Bootp), ["1"]);
    }

    #[test]
    fn secs_as_windows_sends_them() {
        let mut m = discover_with(&[255]);
        m[8..10].copy_from_slice(&[0x0a, 0x00]);
        assert_eq!(field(&m, Field::Secs), ["10"]);
        m[8..10].copy_from_slice(&[0x00, 0x0a]);
        assert_eq!(field(&m, Field::Secs), ["10"]);
        m[8..10].copy_from_slice(&[0x01, 0x02]);
        assert_eq!(field(&m, Field::Secs), ["258"]);
    }

    #[test]
    fn hardware_addresses_other_than_ethernet() {
        let mut m = discover_with(&[255]);
        m[1] = 2;
        m[2] = 3;
        assert_eq!(
            field(&m, Field::HwAddr),
            ["00112233445500000000000000000000"]
        );
        assert_eq!(
            field(&m, Field::HwAddrPadding),
            ["33445500000000000000000000"]
        );
        assert!(field(&m, Field::HwMacAddr).is_empty());
        m[2] = 0;
        assert!(field(&m, Field::HwAddr).is_empty());
        assert!(field(&m, Field::HwAddrPadding).is_empty());
    }

    #[test]
    fn client_identifiers() {
        let m = discover_with(&[
            61, 7, 1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, //
            61, 7, 2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, //
            61, 4, 0, b'a', b'b', b'c', //
            61, 1, 5, 255,
        ]);
        assert_eq!(field(&m, Field::HwType), ["0x01", "0x01", "0x02"]);
        assert_eq!(
            field(&m, Field::HwMacAddr),
            ["00:11:22:33:44:55", "aa:bb:cc:dd:ee:ff"]
        );
        assert_eq!(field(&m, Field::ClientHardwareAddress), ["aabbccddeeff"]);
        assert_eq!(field(&m, Field::ClientIdType), ["0"]);
        assert_eq!(field(&m, Field::ClientIdUndef), ["abc"]);
        // Type 255 too short for its DUID stops the walk.
        let m = discover_with(&[61, 2, 255, 1, 12, 1, b'x', 255]);
        assert_eq!(field(&m, Field::OptionType), ["53", "61"]);
    }

    #[test]
    fn fqdn_and_relay_agent() {
        let m = discover_with(&[
            81, 7, 0, 0, 0, b'h', b'o', b's', b't', //
            82, 15, 1, 3, b'a', b'b', b'c', 2, 2, b'x', b'y', 5, 4, 1, 2, 3, 4, //
            255,
        ]);
        assert_eq!(field(&m, Field::FqdnFlags), ["0x00"]);
        assert_eq!(field(&m, Field::FqdnName), ["host"]);
        assert_eq!(field(&m, Field::AgentSuboption), ["1", "2", "5"]);
        assert_eq!(field(&m, Field::AgentValue), ["616263", "7879", "01020304"]);
        assert_eq!(field(&m, Field::AgentCircuitId), ["616263"]);
        assert_eq!(field(&m, Field::AgentRemoteId), ["7879"]);
        // A suboption running past the option shows its code only.
        let m = discover_with(&[82, 5, 1, 9, b'a', b'b', b'c', 255]);
        assert_eq!(field(&m, Field::AgentSuboption), ["1"]);
        assert!(field(&m, Field::AgentValue).is_empty());
        assert_eq!(field(&m, Field::OptionEnd), ["255"]);
    }

    #[test]
    fn basic_options_follow_their_length_rules() {
        let m = discover_with(&[
            3, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, // two routers and a stray byte
            1, 3, 255, 255, 255, // mask of the wrong length: not shown
            51, 4, 0xff, 0xff, 0xff, 0xff, //
            2, 4, 0xff, 0xff, 0xff, 0xf0, // time offset -16
            12, 5, b'a', b'b', 0, b'c', b'd', // host name up to its NUL
            255,
        ]);
        assert_eq!(field(&m, Field::Router), ["1.2.3.4", "5.6.7.8"]);
        assert!(field(&m, Field::SubnetMask).is_empty());
        assert_eq!(field(&m, Field::LeaseTime), ["4294967295"]);
        assert_eq!(field(&m, Field::TimeOffset), ["-16"]);
        assert_eq!(field(&m, Field::Hostname), ["ab"]);
        let v = DhcpView::new(&m).unwrap();
        assert_eq!(v.hostname(), Some(&b"ab"[..]));
        assert_eq!(v.subnet_mask(), None);
    }

    #[test]
    fn message_type_names_and_unknown_ops() {
        let mut m = discover_with(&[53, 1, 9, 255]);
        assert_eq!(summary(&m), "DHCP Force Renew - Transaction ID 0x12345678");
        assert_eq!(
            title(&m),
            "Dynamic Host Configuration Protocol (Discover) (Force Renew)"
        );
        let n = m.len();
        m[n - 2] = 0x13;
        assert_eq!(
            summary(&m),
            "DHCP Unknown Message Type (0x13) - Transaction ID 0x12345678"
        );
        let mut r = DhcpRepr::dhcp(3, 0, 1, [0; 6]);
        r.options.clear();
        let mut m = Vec::new();
        r.emit(&mut m);
        assert_eq!(summary(&m), "Unknown BOOTP message type (3)");
        m[0] = 1;
        m[1] = 2;
        m[2] = 3;
        assert_eq!(summary(&m), "Boot Request from 000000");
        m[2] = 0;
        assert_eq!(summary(&m), "Boot Request from <No address>");
    }

    #[test]
    fn empty_is_refused_and_any_cut_is_shown() {
        assert!(DhcpView::new(&[]).is_err());
        let full = message(&OFFER_HEAD, &OFFER_TAIL, 376);
        for n in 1..=full.len() {
            let b = &full[..n];
            let v = DhcpView::new(b).unwrap();
            tshark_fields(b);
            string_of(|s| v.summary(s));
            string_of(|s| v.title(s));
            let _ = (v.hostname(), v.client_id(), v.routers().count());
            assert_eq!(field(b, Field::Id).is_empty(), n < 8);
            assert_eq!(field(b, Field::Cookie).is_empty(), n < 240);
        }
    }

    #[test]
    fn hostile_walks_are_bounded() {
        // All pad, all ends, all zero-length options, a 64 KiB message.
        for fill in [0u8, 255, 1] {
            let mut m = discover_with(&[]);
            m.truncate(240);
            m.resize(65536, fill);
            let v = DhcpView::new(&m).unwrap();
            assert!(v.options().count() <= 65536);
            tshark_fields(&m);
        }
        // Option 52 pointing into cut or garbage name fields.
        let mut m = discover_with(&[52, 1, 3, 255]);
        m[44..108].fill(0x38);
        m[108..236].fill(0x01);
        tshark_fields(&m);
        for n in 1..m.len() {
            tshark_fields(&m[..n]);
        }
    }

    fn option_repr() -> impl Strategy<Value = OptionRepr> {
        (
            (1u8..=254).prop_filter("handled apart", |c| {
                ![opt::MESSAGE_TYPE, opt::CLIENT_ID, opt::OVERLOAD].contains(c)
            }),
            proptest::collection::vec(any::<u8>(), 0..40),
        )
            .prop_map(|(code, data)| OptionRepr { code, data })
    }

    fn name(max: usize) -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(1u8..=255, 0..max)
    }

    prop_compose! {
        fn repr()(
            op in 1u8..=2, htype: u8, hlen: u8, hops: u8, xid: u32, secs: u16, flags: u16,
            addrs: [[u8; 4]; 4], chaddr: [u8; 16], sname in name(64), file in name(128),
            cookie: bool, msg_type in proptest::option::of(1u8..=18),
            options in proptest::collection::vec(option_repr(), 0..12),
        ) -> DhcpRepr {
            let mut all: Vec<OptionRepr> = msg_type
                .map(|t| OptionRepr { code: opt::MESSAGE_TYPE, data: vec![t] })
                .into_iter()
                .collect();
            all.extend(options);
            DhcpRepr {
                op, htype, hlen, hops, xid, secs, flags,
                ciaddr: addrs[0], yiaddr: addrs[1], siaddr: addrs[2], giaddr: addrs[3],
                chaddr, sname, file, cookie, options: all,
            }
        }
    }

    proptest! {
        #[test]
        fn build_then_parse(r in repr()) {
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let v = DhcpView::new(&buf).unwrap();
            prop_assert_eq!(DhcpRepr::parse(&v), r.clone());
            prop_assert_eq!(v.xid(), Some(r.xid));
            prop_assert_eq!(
                v.message_type(),
                r.options.iter().rev().find(|o| o.code == opt::MESSAGE_TYPE).map(|o| o.data[0])
            );
            prop_assert_eq!(v.has_cookie(), r.cookie);
            prop_assert_eq!(v.options().last(), Some(OptItem::End { at: buf.len() - 1 }));
            let types = field(&buf, Field::OptionType);
            prop_assert_eq!(types.len(), r.options.len() + 1);
            assert_ranges_within(FIELDS, buf.len(), |i, out| {
                v.field(Field::from_index(i).unwrap(), out)
            });
        }

        #[test]
        fn any_bytes_are_safe(b in proptest::collection::vec(any::<u8>(), 1..600)) {
            let v = DhcpView::new(&b).unwrap();
            tshark_fields(&b);
            string_of(|s| v.summary(s));
            string_of(|s| v.title(s));
        }
    }
}
