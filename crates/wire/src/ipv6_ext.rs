//! IPv6 extension headers (RFC 8200 §4): hop-by-hop options (0), routing
//! (43), fragment (44), destination options (60), and the mobility header
//! (135, RFC 6275), each one layer.
//!
//! tshark 4.0 dissects these as separate protocols (`ipv6.hopopts`,
//! `ipv6.routing`, `ipv6.fraghdr`, `ipv6.dstopts`, `mip6`), with the options
//! of the two option headers under `ipv6.opt.*`. Here they share one view
//! and one field table: each field is emitted only by the kind of header it
//! belongs to.

use crate::bytes::{array, be16, be32, clamp, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::ipv4::protocol::{DSTOPTS, FRAGMENT, HOPOPTS, MOBILITY, ROUTING};
use std::fmt::Write as _;
use std::ops::Range;

/// Byte ranges of the fields every kind starts with.
mod at {
    use std::ops::Range;
    pub const NXT: Range<usize> = 0..1;
    pub const LEN: Range<usize> = 1..2;
    /// Routing header.
    pub const RT_TYPE: Range<usize> = 2..3;
    pub const RT_SEGLEFT: Range<usize> = 3..4;
    pub const RT_DATA: usize = 4;
    /// Fragment header.
    pub const FRAG_RESERVED: Range<usize> = 1..2;
    pub const FRAG_OFFSET: Range<usize> = 2..4;
    pub const FRAG_IDENT: Range<usize> = 4..8;
    /// Mobility header.
    pub const MH_TYPE: Range<usize> = 2..3;
    pub const MH_RESERVED: Range<usize> = 3..4;
    pub const MH_CSUM: Range<usize> = 4..6;
    /// Options start after next header and length.
    pub const OPTIONS: usize = 2;
    /// Every extension header is at least 8 bytes.
    pub const MIN_LEN: usize = 8;
}

/// Option types of hop-by-hop and destination options headers.
pub mod option {
    pub const PAD1: u8 = 0x00;
    pub const PADN: u8 = 0x01;
    pub const TUNNEL_ENCAP_LIMIT: u8 = 0x04;
    pub const ROUTER_ALERT: u8 = 0x05;
    pub const JUMBO: u8 = 0xc2;
    pub const HOME_ADDRESS: u8 = 0xc9;

    /// RFC 4727 experimental types (0x1e, 0x3e, ... 0xfe).
    pub fn is_experimental(t: u8) -> bool {
        t & 0x1f == 0x1e
    }

    /// Types tshark 4.0 has a dissector for. Any other type's data is
    /// `ipv6.opt.unknown`.
    pub fn is_known(t: u8) -> bool {
        is_experimental(t)
            || matches!(
                t,
                PAD1 | PADN
                    | TUNNEL_ENCAP_LIMIT
                    | ROUTER_ALERT
                    | 0x07 // CALIPSO
                    | 0x08 // SMF_DPD
                    | 0x0f // PDM
                    | 0x26 // Quick-Start
                    | 0x30 // IOAM
                    | 0x31 // IOAM
                    | 0x41 // MPL (old)
                    | 0x63 // RPL
                    | 0x6d // MPL
                    | 0x8b // ILNP nonce
                    | 0x8c // line identification
                    | JUMBO
                    | HOME_ADDRESS
                    | 0xee // IP_DFF
            )
    }
}

/// Routing header types.
pub mod routing {
    pub const SOURCE_ROUTE: u8 = 0;
    pub const NIMROD: u8 = 1;
    pub const TYPE2: u8 = 2;
    pub const RPL: u8 = 3;
    pub const SEGMENT_ROUTING: u8 = 4;
    pub const CRH16: u8 = 5;
    pub const CRH32: u8 = 6;

    /// The name tshark 4.0 puts in the layer title, if it knows the type.
    pub fn name(t: u8) -> Option<&'static str> {
        Some(match t {
            SOURCE_ROUTE => "Source Route",
            NIMROD => "Nimrod",
            TYPE2 => "Type 2 Routing",
            RPL => "RPL Source Route",
            SEGMENT_ROUTING => "Segment Routing",
            CRH16 => "Compact Routing Header 16",
            CRH32 => "Compact Routing Header 32",
            253 => "Experiment 1",
            254 => "Experiment 2",
            _ => return None,
        })
    }
}

field_table! {
    HopoptsNxt: "ipv6.hopopts.nxt", "Next Header", Kind::Dec;
    HopoptsLen: "ipv6.hopopts.len", "Length", Kind::Dec;
    HopoptsLenOct: "ipv6.hopopts.len_oct", "Length", Kind::Dec;
    DstoptsNxt: "ipv6.dstopts.nxt", "Next Header", Kind::Dec;
    DstoptsLen: "ipv6.dstopts.len", "Length", Kind::Dec;
    DstoptsLenOct: "ipv6.dstopts.len_oct", "Length", Kind::Dec;
    OptType: "ipv6.opt.type", "Type", Kind::Hex(2);
    OptTypeAction: "ipv6.opt.type.action", "Action", Kind::Dec;
    OptTypeChange: "ipv6.opt.type.change", "May Change", Kind::Bool;
    OptTypeRest: "ipv6.opt.type.rest", "Low-Order Bits", Kind::Hex(2);
    OptLength: "ipv6.opt.length", "Length", Kind::Dec;
    OptPad1: "ipv6.opt.pad1", "Pad1", Kind::None;
    OptPadn: "ipv6.opt.padn", "PadN", Kind::Bytes;
    OptRouterAlert: "ipv6.opt.router_alert", "Router Alert", Kind::Dec;
    OptTel: "ipv6.opt.tel", "Tunnel Encapsulation Limit", Kind::Dec;
    OptJumbo: "ipv6.opt.jumbo", "Payload Length", Kind::Dec;
    OptMipv6HomeAddress: "ipv6.opt.mipv6.home_address", "MIPv6 Home Address", Kind::Ipv6;
    OptExperimental: "ipv6.opt.experimental", "Experimental Option", Kind::Bytes;
    OptUnknown: "ipv6.opt.unknown", "Unknown Option Payload", Kind::Bytes;
    RoutingNxt: "ipv6.routing.nxt", "Next Header", Kind::Dec;
    RoutingLen: "ipv6.routing.len", "Length", Kind::Dec;
    RoutingLenOct: "ipv6.routing.len_oct", "Length", Kind::Dec;
    RoutingType: "ipv6.routing.type", "Type", Kind::Dec;
    RoutingSegleft: "ipv6.routing.segleft", "Segments Left", Kind::Dec;
    RoutingUnknownData: "ipv6.routing.unknown_data", "Type-Specific Data", Kind::Bytes;
    RoutingSrcReserved: "ipv6.routing.src.reserved", "Reserved", Kind::Bytes;
    RoutingSrcAddr: "ipv6.routing.src.addr", "Address", Kind::Ipv6;
    RoutingMipv6Reserved: "ipv6.routing.mipv6.reserved", "Reserved", Kind::Bytes;
    RoutingMipv6HomeAddress: "ipv6.routing.mipv6.home_address", "Home Address", Kind::Ipv6;
    RoutingSrhLastEntry: "ipv6.routing.srh.last_entry", "Last Entry", Kind::Dec;
    RoutingSrhFlags: "ipv6.routing.srh.flags", "Flags", Kind::Hex(2);
    RoutingSrhTag: "ipv6.routing.srh.tag", "Tag", Kind::Bytes;
    RoutingSrhAddr: "ipv6.routing.srh.addr", "Address", Kind::Ipv6;
    FraghdrNxt: "ipv6.fraghdr.nxt", "Next header", Kind::Dec;
    FraghdrReservedOctet: "ipv6.fraghdr.reserved_octet", "Reserved octet", Kind::Hex(2);
    FraghdrOffset: "ipv6.fraghdr.offset", "Offset", Kind::Dec;
    FraghdrReservedBits: "ipv6.fraghdr.reserved_bits", "Reserved bits", Kind::Dec;
    FraghdrMore: "ipv6.fraghdr.more", "More Fragments", Kind::Bool;
    FraghdrIdent: "ipv6.fraghdr.ident", "Identification", Kind::Hex(8);
    Mip6Proto: "mip6.proto", "Payload protocol", Kind::Dec;
    Mip6Hlen: "mip6.hlen", "Header length", Kind::Dec;
    Mip6Mhtype: "mip6.mhtype", "Mobility Header Type", Kind::Dec;
    Mip6Reserved: "mip6.reserved", "Reserved", Kind::Hex(2);
    Mip6Csum: "mip6.csum", "Checksum", Kind::Hex(4);
}

/// One option of a hop-by-hop or destination options header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv6Option<'a> {
    /// Offset of the option's type byte from the start of the extension header.
    pub offset: usize,
    pub kind: u8,
    /// The length byte (none for Pad1).
    pub len: Option<u8>,
    /// The option's data, cut short if the header ends first.
    pub data: &'a [u8],
}

impl Ipv6Option<'_> {
    /// False when the header (or the capture) ends inside the option.
    pub fn is_complete(&self) -> bool {
        self.data.len() == self.len.map_or(0, usize::from)
    }

    /// Byte range of the whole option, relative to the extension header.
    pub fn range(&self) -> Range<usize> {
        let n = match self.len {
            None => 1,
            Some(_) => 2 + self.data.len(),
        };
        self.offset..self.offset + n
    }
}

/// Walks the options of a hop-by-hop or destination options header. An
/// option cut short by the end of the header is yielded (incomplete) and
/// ends the walk, as tshark stops there.
#[derive(Clone, Debug)]
pub struct Ipv6Options<'a> {
    hdr: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Ipv6Options<'a> {
    type Item = Ipv6Option<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        let offset = self.pos;
        let kind = u8_at(self.hdr, offset)?;
        if kind == option::PAD1 {
            self.pos = offset + 1;
            return Some(Ipv6Option {
                offset,
                kind,
                len: None,
                data: &[],
            });
        }
        let Some(len) = u8_at(self.hdr, offset + 1) else {
            self.pos = self.hdr.len();
            return None;
        };
        let data = clamp(self.hdr, offset + 2, usize::from(len));
        let o = Ipv6Option {
            offset,
            kind,
            len: Some(len),
            data,
        };
        self.pos = if o.is_complete() {
            offset + 2 + data.len()
        } else {
            self.hdr.len()
        };
        Some(o)
    }
}

/// A view over one IPv6 extension header and what follows it.
#[derive(Clone, Copy, Debug)]
pub struct Ipv6ExtView<'a> {
    bytes: &'a [u8],
    kind: u8,
}

impl<'a> Ipv6ExtView<'a> {
    /// A view over `bytes` as extension header `kind` (the next-header value
    /// that announced it: 0, 43, 44, 60 or 135). `bytes` must hold the
    /// 8-byte minimum; a length field that runs past the capture is clamped
    /// (see [`Self::is_truncated`]).
    pub fn new(bytes: &'a [u8], kind: u8) -> Result<Self, Error> {
        if !matches!(kind, HOPOPTS | ROUTING | FRAGMENT | DSTOPTS | MOBILITY) {
            return Err(Error::Malformed("not an IPv6 extension header"));
        }
        need(bytes, at::MIN_LEN)?;
        Ok(Ipv6ExtView { bytes, kind })
    }

    /// Which extension header this is (its protocol number).
    pub fn kind(&self) -> u8 {
        self.kind
    }

    /// The header after this one (for the mobility header, its payload
    /// protocol field, normally 59).
    pub fn next_header(&self) -> u8 {
        u8_at(self.bytes, at::NXT.start).unwrap_or(0)
    }

    /// The raw length field (8-octet units not counting the first 8; the
    /// fragment header has a reserved byte there instead).
    pub fn len_field(&self) -> u8 {
        u8_at(self.bytes, at::LEN.start).unwrap_or(0)
    }

    /// The header's length as the packet says: `(len + 1) * 8`, or 8 for the
    /// fragment header.
    pub fn header_len_field(&self) -> usize {
        if self.kind == FRAGMENT {
            at::MIN_LEN
        } else {
            (usize::from(self.len_field()) + 1) * 8
        }
    }

    /// The header's length, clamped to what was captured.
    pub fn header_len(&self) -> usize {
        self.header_len_field().min(self.bytes.len())
    }

    /// True when the length field runs past the captured bytes.
    pub fn is_truncated(&self) -> bool {
        self.header_len_field() > self.bytes.len()
    }

    /// Everything after this header.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.header_len())
    }

    /// The header's own bytes (clamped to what was captured).
    pub fn header(&self) -> &'a [u8] {
        clamp(self.bytes, 0, self.header_len())
    }

    /// The options of a hop-by-hop or destination options header (empty for
    /// other kinds).
    pub fn options(&self) -> Ipv6Options<'a> {
        let hdr = if matches!(self.kind, HOPOPTS | DSTOPTS) {
            self.header()
        } else {
            &[]
        };
        Ipv6Options {
            hdr,
            pos: at::OPTIONS,
        }
    }

    /// The Jumbo Payload length, if a hop-by-hop header carries the option.
    pub fn jumbo_len(&self) -> Option<u32> {
        if self.kind != HOPOPTS {
            return None;
        }
        self.options()
            .find(|o| o.kind == option::JUMBO && o.len == Some(4))
            .and_then(|o| be32(o.data, 0))
    }

    /// The routing type (0 unless this is a routing header).
    pub fn routing_type(&self) -> u8 {
        if self.kind != ROUTING {
            return 0;
        }
        u8_at(self.bytes, at::RT_TYPE.start).unwrap_or(0)
    }

    /// Segments left (0 unless this is a routing header).
    pub fn segments_left(&self) -> u8 {
        if self.kind != ROUTING {
            return 0;
        }
        u8_at(self.bytes, at::RT_SEGLEFT.start).unwrap_or(0)
    }

    /// The final destination a routing header names while segments are
    /// left (RFC 8200 8.1: the destination of the upper layer's checksum
    /// pseudo-header): the last address of a type 0 header, the home
    /// address of a type 2 one, Segment List[0] of a segment routing one.
    pub fn final_destination(&self) -> Option<[u8; 16]> {
        if self.segments_left() == 0 {
            return None;
        }
        let h = self.header();
        let at = match self.routing_type() {
            routing::SOURCE_ROUTE => {
                let n = h.len().saturating_sub(8) / 16;
                n.checked_sub(1)?.saturating_mul(16).saturating_add(8)
            }
            routing::TYPE2 | routing::SEGMENT_ROUTING => 8,
            _ => return None,
        };
        array::<16>(h, at)
    }

    /// The home address of a destination options header (RFC 6275 6.3:
    /// the source of the upper layer's checksum pseudo-header).
    pub fn home_address(&self) -> Option<[u8; 16]> {
        if self.kind != DSTOPTS {
            return None;
        }
        self.options()
            .find(|o| o.kind == option::HOME_ADDRESS && o.len == Some(16))
            .and_then(|o| o.data.try_into().ok())
    }

    fn frag_word(&self) -> u16 {
        if self.kind != FRAGMENT {
            return 0;
        }
        be16(self.bytes, at::FRAG_OFFSET.start).unwrap_or(0)
    }

    /// The fragment offset in 8-byte units (what tshark 4.0 prints for
    /// `ipv6.fraghdr.offset`); 0 unless this is a fragment header.
    pub fn frag_offset(&self) -> u16 {
        self.frag_word() >> 3
    }

    /// The fragment offset in bytes.
    pub fn frag_offset_bytes(&self) -> usize {
        usize::from(self.frag_offset()) * 8
    }

    pub fn more_fragments(&self) -> bool {
        self.frag_word() & 1 != 0
    }

    /// True for any fragment but a whole datagram in one "atomic" fragment.
    pub fn is_fragment(&self) -> bool {
        self.more_fragments() || self.frag_offset() != 0
    }

    /// The fragment identification (0 unless this is a fragment header).
    pub fn ident(&self) -> u32 {
        if self.kind != FRAGMENT {
            return 0;
        }
        be32(self.bytes, at::FRAG_IDENT.start).unwrap_or(0)
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        use Field::*;
        let u = |n: u64| Value::UInt(n);
        let nxt = u64::from(self.next_header());
        let len = u64::from(self.len_field());
        let len_oct = self.header_len_field() as u64;
        match (self.kind, f) {
            (HOPOPTS, HopoptsNxt) | (DSTOPTS, DstoptsNxt) | (ROUTING, RoutingNxt) => {
                out.value(u(nxt), at::NXT)
            }
            (HOPOPTS, HopoptsLen) | (DSTOPTS, DstoptsLen) | (ROUTING, RoutingLen) => {
                out.value(u(len), at::LEN)
            }
            (HOPOPTS, HopoptsLenOct) | (DSTOPTS, DstoptsLenOct) | (ROUTING, RoutingLenOct) => {
                out.value(u(len_oct), at::LEN)
            }
            (
                HOPOPTS | DSTOPTS,
                OptType | OptTypeAction | OptTypeChange | OptTypeRest | OptLength | OptPad1
                | OptPadn | OptRouterAlert | OptTel | OptJumbo | OptMipv6HomeAddress
                | OptExperimental | OptUnknown,
            ) => {
                for o in self.options() {
                    option_field(&o, f, out);
                }
            }
            (ROUTING, RoutingType) => out.value(u(self.routing_type().into()), at::RT_TYPE),
            (ROUTING, RoutingSegleft) => out.value(u(self.segments_left().into()), at::RT_SEGLEFT),
            (ROUTING, _) => self.routing_field(f, out),
            (FRAGMENT, FraghdrNxt) => out.value(u(nxt), at::NXT),
            (FRAGMENT, FraghdrReservedOctet) => out.value(u(len), at::FRAG_RESERVED),
            (FRAGMENT, FraghdrOffset) => out.value(u(self.frag_offset().into()), at::FRAG_OFFSET),
            (FRAGMENT, FraghdrReservedBits) => {
                out.value(u(((self.frag_word() >> 1) & 3).into()), at::FRAG_OFFSET)
            }
            (FRAGMENT, FraghdrMore) => {
                out.value(Value::Bool(self.more_fragments()), at::FRAG_OFFSET)
            }
            (FRAGMENT, FraghdrIdent) => out.value(u(self.ident().into()), at::FRAG_IDENT),
            (MOBILITY, Mip6Proto) => out.value(u(nxt), at::NXT),
            (MOBILITY, Mip6Hlen) => out.value(u(len), at::LEN),
            (MOBILITY, Mip6Mhtype) => out.value(
                u(u8_at(self.bytes, at::MH_TYPE.start).unwrap_or(0).into()),
                at::MH_TYPE,
            ),
            (MOBILITY, Mip6Reserved) => out.value(
                u(u8_at(self.bytes, at::MH_RESERVED.start).unwrap_or(0).into()),
                at::MH_RESERVED,
            ),
            (MOBILITY, Mip6Csum) => out.value(
                u(be16(self.bytes, at::MH_CSUM.start).unwrap_or(0).into()),
                at::MH_CSUM,
            ),
            _ => {}
        }
    }

    /// The type-specific fields of a routing header.
    fn routing_field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        use Field::*;
        let h = self.header();
        let end = h.len();
        let addrs = |from: usize, max: usize, out: &mut dyn FieldSink<'a>| {
            let mut off = from;
            let mut n = 0;
            while n < max {
                let Some(a) = array::<16>(h, off) else { break };
                out.value(Value::Ipv6(a), off..off + 16);
                off += 16;
                n += 1;
            }
        };
        let bytes = |r: Range<usize>, out: &mut dyn FieldSink<'a>| {
            let b = clamp(h, r.start, r.end.saturating_sub(r.start));
            out.value(Value::Bytes(b), r.start..r.start + b.len());
        };
        match (self.routing_type(), f) {
            (routing::SOURCE_ROUTE, RoutingSrcReserved)
            | (routing::TYPE2, RoutingMipv6Reserved) => bytes(4..8, out),
            (routing::SOURCE_ROUTE, RoutingSrcAddr) => addrs(8, usize::MAX, out),
            (routing::TYPE2, RoutingMipv6HomeAddress) => addrs(8, 1, out),
            (routing::SEGMENT_ROUTING, RoutingSrhLastEntry) => {
                if let Some(v) = u8_at(h, 4) {
                    out.value(Value::UInt(v.into()), 4..5)
                }
            }
            (routing::SEGMENT_ROUTING, RoutingSrhFlags) => {
                if let Some(v) = u8_at(h, 5) {
                    out.value(Value::UInt(v.into()), 5..6)
                }
            }
            (routing::SEGMENT_ROUTING, RoutingSrhTag) => bytes(6..8, out),
            (routing::SEGMENT_ROUTING, RoutingSrhAddr) => {
                let n = usize::from(u8_at(h, 4).unwrap_or(0)) + 1;
                addrs(8, n, out)
            }
            (t, RoutingUnknownData)
                if !matches!(
                    t,
                    routing::SOURCE_ROUTE
                        | routing::TYPE2
                        | routing::RPL
                        | routing::SEGMENT_ROUTING
                        | routing::CRH16
                        | routing::CRH32
                ) =>
            {
                bytes(at::RT_DATA..end, out)
            }
            _ => {}
        }
    }

    pub fn title(&self, out: &mut String) {
        match self.kind {
            HOPOPTS => out.push_str("IPv6 Hop-by-Hop Option"),
            DSTOPTS => out.push_str("Destination Options for IPv6"),
            FRAGMENT => out.push_str("Fragment Header for IPv6"),
            MOBILITY => out.push_str("Mobile IPv6"),
            _ => {
                let t = self.routing_type();
                match routing::name(t) {
                    Some(n) => {
                        let _ = write!(out, "Routing Header for IPv6 ({n})");
                    }
                    None => {
                        let _ = write!(out, "Routing Header for IPv6 (Unknown type {t})");
                    }
                }
            }
        }
    }
}

/// Emit field `f` for one option, as tshark 4.0 does: Pad1 has only its
/// type; others their type bits and length, then their data if complete.
fn option_field<'a>(o: &Ipv6Option<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
    use Field::*;
    let b = o.offset;
    let t = o.kind;
    let Some(len) = o.len else {
        match f {
            OptType => out.value(Value::UInt(t.into()), b..b + 1),
            OptPad1 => out.value(Value::Present, b..b + 1),
            _ => {}
        }
        return;
    };
    let data_r = b + 2..b + 2 + o.data.len();
    match f {
        OptType => out.value(Value::UInt(t.into()), b..b + 1),
        OptTypeAction => out.value(Value::UInt((t >> 6).into()), b..b + 1),
        OptTypeChange => out.value(Value::Bool(t & 0x20 != 0), b..b + 1),
        OptTypeRest => out.value(Value::UInt((t & 0x1f).into()), b..b + 1),
        OptLength => out.value(Value::UInt(len.into()), b + 1..b + 2),
        _ if !o.is_complete() => {}
        OptPadn if t == option::PADN => out.value(bytes_or(o.data, "<none>"), data_r),
        OptRouterAlert if t == option::ROUTER_ALERT => {
            if let Some(v) = be16(o.data, 0) {
                out.value(Value::UInt(v.into()), b + 2..b + 4)
            }
        }
        OptTel if t == option::TUNNEL_ENCAP_LIMIT => {
            if let Some(v) = u8_at(o.data, 0) {
                out.value(Value::UInt(v.into()), b + 2..b + 3)
            }
        }
        OptJumbo if t == option::JUMBO => {
            if let Some(v) = be32(o.data, 0) {
                out.value(Value::UInt(v.into()), b + 2..b + 6)
            }
        }
        OptMipv6HomeAddress if t == option::HOME_ADDRESS => {
            if let Some(a) = array::<16>(o.data, 0) {
                out.value(Value::Ipv6(a), b + 2..b + 18)
            }
        }
        OptExperimental if option::is_experimental(t) => {
            out.value(bytes_or(o.data, "<MISSING>"), data_r)
        }
        OptUnknown if !option::is_known(t) => out.value(bytes_or(o.data, "<MISSING>"), data_r),
        _ => {}
    }
}

/// Option data as a value; tshark 4.0 prints an empty PadN as `<none>` and
/// other empty option data as `<MISSING>`, so those print the same here.
fn bytes_or<'a>(b: &'a [u8], empty: &'static str) -> Value<'a> {
    if b.is_empty() {
        Value::Static(empty)
    } else {
        Value::Bytes(b)
    }
}

/// The plain values of an extension header, for building packets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ipv6ExtRepr {
    /// Hop-by-hop (0) or destination options (60): raw option bytes, which
    /// `emit` pads with Pad1/PadN to a multiple of 8 (with the 2-byte head).
    Options {
        kind: u8,
        next_header: u8,
        options: Vec<u8>,
    },
    /// Routing header: the bytes after type and segments left, zero-padded
    /// by `emit` to a multiple of 8 (with the 4-byte head).
    Routing {
        next_header: u8,
        routing_type: u8,
        segments_left: u8,
        data: Vec<u8>,
    },
    Fragment {
        next_header: u8,
        /// In 8-byte units (13 bits).
        frag_offset: u16,
        more: bool,
        ident: u32,
    },
    /// Any other header of the `(len + 1) * 8` shape (the mobility header):
    /// the bytes after the first two, zero-padded by `emit`.
    Other {
        kind: u8,
        next_header: u8,
        body: Vec<u8>,
    },
}

/// The most bytes an 8-bit length in 8-octet units can cover.
const MAX_EXT_LEN: usize = 256 * 8;

impl Ipv6ExtRepr {
    pub fn parse(v: &Ipv6ExtView) -> Self {
        let h = v.header();
        let next_header = v.next_header();
        match v.kind() {
            HOPOPTS | DSTOPTS => Ipv6ExtRepr::Options {
                kind: v.kind(),
                next_header,
                options: tail(h, at::OPTIONS).to_vec(),
            },
            ROUTING => Ipv6ExtRepr::Routing {
                next_header,
                routing_type: v.routing_type(),
                segments_left: v.segments_left(),
                data: tail(h, at::RT_DATA).to_vec(),
            },
            FRAGMENT => Ipv6ExtRepr::Fragment {
                next_header,
                frag_offset: v.frag_offset(),
                more: v.more_fragments(),
                ident: v.ident(),
            },
            kind => Ipv6ExtRepr::Other {
                kind,
                next_header,
                body: tail(h, at::OPTIONS).to_vec(),
            },
        }
    }

    /// Append the header to `buf`, with its length field filled in. Data
    /// beyond the 2048 bytes a length field can describe is cut.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        match self {
            Ipv6ExtRepr::Fragment {
                next_header,
                frag_offset,
                more,
                ident,
            } => {
                buf.push(*next_header);
                buf.push(0);
                let w = ((frag_offset & 0x1fff) << 3) | u16::from(*more);
                buf.extend_from_slice(&w.to_be_bytes());
                buf.extend_from_slice(&ident.to_be_bytes());
            }
            Ipv6ExtRepr::Options {
                next_header,
                options,
                ..
            } => {
                let body = clamp(options, 0, MAX_EXT_LEN - 2);
                let total = (body.len() + 2).next_multiple_of(8);
                push_head(buf, *next_header, total);
                buf.extend_from_slice(body);
                match total - 2 - body.len() {
                    0 => {}
                    1 => buf.push(option::PAD1),
                    n => {
                        buf.push(option::PADN);
                        buf.push((n - 2) as u8);
                        buf.resize(buf.len() + n - 2, 0);
                    }
                }
            }
            Ipv6ExtRepr::Routing {
                next_header,
                routing_type,
                segments_left,
                data,
            } => {
                let body = clamp(data, 0, MAX_EXT_LEN - 4);
                let total = (body.len() + 4).next_multiple_of(8);
                let start = buf.len();
                push_head(buf, *next_header, total);
                buf.push(*routing_type);
                buf.push(*segments_left);
                buf.extend_from_slice(body);
                buf.resize(start + total, 0);
            }
            Ipv6ExtRepr::Other {
                next_header, body, ..
            } => {
                let body = clamp(body, 0, MAX_EXT_LEN - 2);
                let total = (body.len() + 2).next_multiple_of(8).max(at::MIN_LEN);
                let start = buf.len();
                push_head(buf, *next_header, total);
                buf.extend_from_slice(body);
                buf.resize(start + total, 0);
            }
        }
    }
}

/// Next header and the length byte for a header of `total` bytes (8..=2048).
fn push_head(buf: &mut Vec<u8>, next_header: u8, total: usize) {
    buf.push(next_header);
    buf.push((total / 8).saturating_sub(1) as u8);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, string_of, values};
    use proptest::prelude::*;

    fn text(v: &Ipv6ExtView, f: Field) -> String {
        values(FIELDS[f as usize].kind, |out| v.field(f, out)).join(",")
    }

    fn title(v: &Ipv6ExtView) -> String {
        string_of(|t| v.title(t))
    }

    /// Hop-by-hop with PadN(4), routing type 0 with two addresses, UDP
    /// (zeek ipv6-hbh-routing0.pcap, frame 1, after the IPv6 header).
    const HBH_ROUTING: [u8; 59] = [
        0x2b, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x11, 0x04, 0x00, 0x02, 0x00, 0x00, 0x00,
        0x00, 0x20, 0x01, 0x00, 0x78, 0x00, 0x01, 0x00, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x01, 0x20, 0x01, 0x00, 0x78, 0x00, 0x01, 0x00, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x02, 0x00, 0x35, 0x00, 0x35, 0x00, 0x0b, 0x86, 0x31, 0x58, 0x58, 0x58,
    ];

    /// Hop-by-hop with router alert (MLD) and an empty PadN, before ICMPv6
    /// (nDPI android.pcap, frame 65).
    const HBH_RA: [u8; 8] = [0x3a, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00];

    /// Destination options: PadN(2) and a home address option, before TCP
    /// (zeek chksums-ip6-hoa-tcp-good-chksum.pcap, frame 1).
    const DST_HOA: [u8; 24] = [
        0x06, 0x02, 0x01, 0x02, 0x00, 0x00, 0xc9, 0x10, 0x20, 0x01, 0x00, 0x78, 0x00, 0x01, 0x00,
        0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    ];

    /// A middle fragment (offset 55 units, more fragments) and its first
    /// four data bytes (suricata defrag-bug-6887 eth-vlan-ipv6-tcp, frame 2).
    const FRAG: [u8; 12] = [
        0x06, 0x00, 0x01, 0xb9, 0xa5, 0xd3, 0x3a, 0x2d, 0x41, 0x41, 0x41, 0x41,
    ];

    /// Type 2 routing header (mobile IPv6) before UDP
    /// (zeek mobile-ipv6-ipv6-mobile-routing.pcap, frame 1).
    const RT_TYPE2: [u8; 36] = [
        0x11, 0x02, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x00, 0x78, 0x00, 0x01, 0x00,
        0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x75, 0x30, 0x32, 0xc8, 0x00, 0x0c,
        0xde, 0x49, 0x58, 0x58, 0x58, 0x58,
    ];

    /// Segment routing header, 32 bytes announced, 31 captured
    /// (tcpdump ipv6-srh-tlv-pad1-padn-5-trunc.pcap).
    const SRH_TRUNC: [u8; 31] = [
        0x3b, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xca, 0xfe, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x04, 0x05, 0x00, 0x00, 0x00,
        0x00,
    ];

    /// Mobility header, binding update (zeek mobile-ipv6-mip6_bu.pcap).
    const MIP6_BU: [u8; 16] = [
        0x3b, 0x01, 0x05, 0x00, 0x03, 0x64, 0x00, 0x25, 0xd0, 0x00, 0x00, 0x03, 0x01, 0x02, 0x00,
        0x00,
    ];

    #[test]
    fn hop_by_hop_then_routing() {
        let h = Ipv6ExtView::new(&HBH_ROUTING, HOPOPTS).unwrap();
        assert_eq!(h.next_header(), ROUTING);
        assert_eq!(h.header_len(), 8);
        assert_eq!(title(&h), "IPv6 Hop-by-Hop Option");
        assert_eq!(text(&h, Field::HopoptsNxt), "43");
        assert_eq!(text(&h, Field::HopoptsLen), "0");
        assert_eq!(text(&h, Field::HopoptsLenOct), "8");
        assert_eq!(text(&h, Field::OptType), "0x01");
        assert_eq!(text(&h, Field::OptTypeAction), "0");
        assert_eq!(text(&h, Field::OptTypeChange), "0");
        assert_eq!(text(&h, Field::OptTypeRest), "0x01");
        assert_eq!(text(&h, Field::OptLength), "4");
        assert_eq!(text(&h, Field::OptPadn), "00000000");
        // Fields of other kinds stay quiet.
        assert_eq!(text(&h, Field::DstoptsNxt), "");
        assert_eq!(text(&h, Field::RoutingNxt), "");

        let r = Ipv6ExtView::new(h.payload(), h.next_header()).unwrap();
        assert_eq!(r.header_len(), 40);
        assert_eq!(r.next_header(), 17);
        assert_eq!(r.routing_type(), 0);
        assert_eq!(r.segments_left(), 2);
        assert_eq!(r.payload(), &HBH_ROUTING[48..]);
        assert_eq!(title(&r), "Routing Header for IPv6 (Source Route)");
        assert_eq!(text(&r, Field::RoutingNxt), "17");
        assert_eq!(text(&r, Field::RoutingLen), "4");
        assert_eq!(text(&r, Field::RoutingLenOct), "40");
        assert_eq!(text(&r, Field::RoutingType), "0");
        assert_eq!(text(&r, Field::RoutingSegleft), "2");
        assert_eq!(text(&r, Field::RoutingSrcReserved), "00000000");
        assert_eq!(
            text(&r, Field::RoutingSrcAddr),
            "2001:78:1:32::1,2001:78:1:32::2"
        );
        assert_eq!(text(&r, Field::RoutingUnknownData), "");
        assert_eq!(text(&r, Field::OptType), "");
        // Two segments left: the checksum's destination is the last one.
        let last = "2001:78:1:32::2".parse::<std::net::Ipv6Addr>().unwrap();
        assert_eq!(r.final_destination(), Some(last.octets()));
        assert_eq!(h.final_destination(), None);
        assert_eq!(h.home_address(), None);
    }

    #[test]
    fn router_alert_and_empty_padn() {
        let v = Ipv6ExtView::new(&HBH_RA, HOPOPTS).unwrap();
        assert_eq!(v.next_header(), 58);
        assert!(v.payload().is_empty());
        assert_eq!(text(&v, Field::OptType), "0x05,0x01");
        assert_eq!(text(&v, Field::OptLength), "2,0");
        assert_eq!(text(&v, Field::OptRouterAlert), "0");
        // tshark 4.0's text for an empty PadN.
        assert_eq!(text(&v, Field::OptPadn), "<none>");
        assert_eq!(v.options().count(), 2);
        assert!(v.options().all(|o| o.is_complete()));
        assert_eq!(v.jumbo_len(), None);
    }

    #[test]
    fn destination_options_with_home_address() {
        let v = Ipv6ExtView::new(&DST_HOA, DSTOPTS).unwrap();
        assert_eq!(v.header_len(), 24);
        assert_eq!(title(&v), "Destination Options for IPv6");
        assert_eq!(text(&v, Field::DstoptsNxt), "6");
        assert_eq!(text(&v, Field::DstoptsLen), "2");
        assert_eq!(text(&v, Field::DstoptsLenOct), "24");
        assert_eq!(text(&v, Field::OptType), "0x01,0xc9");
        assert_eq!(text(&v, Field::OptTypeAction), "0,3");
        assert_eq!(text(&v, Field::OptTypeRest), "0x01,0x09");
        assert_eq!(text(&v, Field::OptLength), "2,16");
        assert_eq!(text(&v, Field::OptPadn), "0000");
        assert_eq!(text(&v, Field::OptMipv6HomeAddress), "2001:78:1:32::1");
        assert_eq!(text(&v, Field::HopoptsNxt), "");
        let home = "2001:78:1:32::1".parse::<std::net::Ipv6Addr>().unwrap();
        assert_eq!(v.home_address(), Some(home.octets()));
        assert_eq!(v.final_destination(), None);
    }

    #[test]
    fn fragment_header() {
        let v = Ipv6ExtView::new(&FRAG, FRAGMENT).unwrap();
        assert_eq!(v.header_len(), 8);
        assert_eq!(v.next_header(), 6);
        assert_eq!(v.frag_offset(), 55);
        assert_eq!(v.frag_offset_bytes(), 440);
        assert!(v.more_fragments());
        assert!(v.is_fragment());
        assert_eq!(v.ident(), 0xa5d33a2d);
        assert_eq!(v.payload(), &[0x41; 4]);
        assert_eq!(title(&v), "Fragment Header for IPv6");
        // As tshark 4.0 prints them: the offset in 8-byte units.
        assert_eq!(text(&v, Field::FraghdrNxt), "6");
        assert_eq!(text(&v, Field::FraghdrReservedOctet), "0x00");
        assert_eq!(text(&v, Field::FraghdrOffset), "55");
        assert_eq!(text(&v, Field::FraghdrReservedBits), "0");
        assert_eq!(text(&v, Field::FraghdrMore), "1");
        assert_eq!(text(&v, Field::FraghdrIdent), "0xa5d33a2d");
        assert_eq!(text(&v, Field::OptType), "");
    }

    #[test]
    fn type2_routing() {
        let v = Ipv6ExtView::new(&RT_TYPE2, ROUTING).unwrap();
        assert_eq!(title(&v), "Routing Header for IPv6 (Type 2 Routing)");
        assert_eq!(text(&v, Field::RoutingLenOct), "24");
        assert_eq!(text(&v, Field::RoutingSegleft), "1");
        assert_eq!(text(&v, Field::RoutingMipv6Reserved), "00000000");
        assert_eq!(text(&v, Field::RoutingMipv6HomeAddress), "2001:78:1:32::1");
        assert_eq!(v.payload().len(), 12);
        let home = "2001:78:1:32::1".parse::<std::net::Ipv6Addr>().unwrap();
        assert_eq!(v.final_destination(), Some(home.octets()));
    }

    #[test]
    fn truncated_segment_routing_header_clamps() {
        let v = Ipv6ExtView::new(&SRH_TRUNC, ROUTING).unwrap();
        assert!(v.is_truncated());
        assert_eq!(v.header_len_field(), 32);
        assert_eq!(v.header_len(), 31);
        assert!(v.payload().is_empty());
        assert_eq!(title(&v), "Routing Header for IPv6 (Segment Routing)");
        assert_eq!(text(&v, Field::RoutingSrhLastEntry), "0");
        assert_eq!(text(&v, Field::RoutingSrhFlags), "0x00");
        assert_eq!(text(&v, Field::RoutingSrhTag), "0000");
        assert_eq!(text(&v, Field::RoutingSrhAddr), "cafe:1::2");
        // No segment left: the header's destination stands.
        assert_eq!(v.final_destination(), None);
    }

    #[test]
    fn mobility_header() {
        let v = Ipv6ExtView::new(&MIP6_BU, MOBILITY).unwrap();
        assert_eq!(v.header_len(), 16);
        assert_eq!(title(&v), "Mobile IPv6");
        assert_eq!(text(&v, Field::Mip6Proto), "59");
        assert_eq!(text(&v, Field::Mip6Hlen), "1");
        assert_eq!(text(&v, Field::Mip6Mhtype), "5");
        assert_eq!(text(&v, Field::Mip6Reserved), "0x00");
        assert_eq!(text(&v, Field::Mip6Csum), "0x0364");
    }

    #[test]
    fn options_as_tshark_shows_them() {
        // Pad1, PadN(0), PadN(2), RA, TEL, experimental 0x3e, unknown 0x11,
        // jumbo: each checked against tshark 4.0.17 on a crafted packet.
        let opts = [
            0x00, 0x01, 0x00, 0x01, 0x02, 0x00, 0x00, 0x05, 0x02, 0x00, 0x00, 0x04, 0x01, 0x07,
            0x3e, 0x02, 0xab, 0xcd, 0x11, 0x02, 0x01, 0x02, 0xc2, 0x04, 0x00, 0x01, 0x86, 0xa0,
        ];
        let mut b = Vec::new();
        Ipv6ExtRepr::Options {
            kind: HOPOPTS,
            next_header: 59,
            options: opts.to_vec(),
        }
        .emit(&mut b);
        assert_eq!(b.len(), 32);
        let v = Ipv6ExtView::new(&b, HOPOPTS).unwrap();
        assert_eq!(
            text(&v, Field::OptType),
            "0x00,0x01,0x01,0x05,0x04,0x3e,0x11,0xc2,0x01"
        );
        assert_eq!(text(&v, Field::OptTypeAction), "0,0,0,0,0,0,3,0");
        assert_eq!(text(&v, Field::OptTypeChange), "0,0,0,0,1,0,0,0");
        assert_eq!(text(&v, Field::OptLength), "0,2,2,1,2,2,4,0");
        assert_eq!(text(&v, Field::OptTel), "7");
        assert_eq!(text(&v, Field::OptExperimental), "abcd");
        assert_eq!(text(&v, Field::OptUnknown), "0102");
        assert_eq!(text(&v, Field::OptJumbo), "100000");
        assert_eq!(v.jumbo_len(), Some(100000));
        let mut n = 0;
        v.field(Field::OptPad1, &mut |_v: Value, r: Range<usize>| {
            assert_eq!(r, 2..3);
            n += 1;
        });
        assert_eq!(n, 1);
    }

    #[test]
    fn empty_option_data_prints_as_tshark() {
        // Experimental 0x1e, unknown 0x11 and PadN, all with length 0.
        let b = [59, 0, 0x1e, 0, 0x11, 0, 0x01, 0];
        let v = Ipv6ExtView::new(&b, HOPOPTS).unwrap();
        assert_eq!(text(&v, Field::OptType), "0x1e,0x11,0x01");
        assert_eq!(text(&v, Field::OptExperimental), "<MISSING>");
        assert_eq!(text(&v, Field::OptUnknown), "<MISSING>");
        assert_eq!(text(&v, Field::OptPadn), "<none>");
    }

    #[test]
    fn option_past_the_end_stops_after_its_length() {
        // PadN claiming 9 bytes in an 8-byte header: tshark shows its type
        // and length, then reports the packet malformed.
        let b = [59, 0, 0x01, 0x09, 0, 0, 0, 0];
        let v = Ipv6ExtView::new(&b, HOPOPTS).unwrap();
        assert_eq!(text(&v, Field::OptType), "0x01");
        assert_eq!(text(&v, Field::OptLength), "9");
        assert_eq!(text(&v, Field::OptPadn), "");
        let o: Vec<_> = v.options().collect();
        assert_eq!(o.len(), 1);
        assert!(!o[0].is_complete());
        assert_eq!(o[0].range(), 2..8);
    }

    #[test]
    fn bad_inputs() {
        assert_eq!(
            Ipv6ExtView::new(&FRAG[..7], FRAGMENT).unwrap_err(),
            Error::Truncated { needed: 8, got: 7 }
        );
        assert!(matches!(
            Ipv6ExtView::new(&FRAG, 6),
            Err(Error::Malformed(_))
        ));
        // A length of 255 (2048 bytes) on 12 bytes: clamped, never read past.
        let mut b = HBH_RA.to_vec();
        b[1] = 255;
        let v = Ipv6ExtView::new(&b, DSTOPTS).unwrap();
        assert_eq!(v.header_len_field(), 2048);
        assert_eq!(v.header_len(), 8);
        assert!(v.is_truncated());
        assert!(v.payload().is_empty());
    }

    #[test]
    fn real_headers_round_trip() {
        for (b, k) in [
            (&HBH_ROUTING[..8], HOPOPTS),
            (&HBH_ROUTING[8..48], ROUTING),
            (&HBH_RA[..], HOPOPTS),
            (&DST_HOA[..], DSTOPTS),
            (&FRAG[..8], FRAGMENT),
            (&RT_TYPE2[..24], ROUTING),
            (&MIP6_BU[..], MOBILITY),
        ] {
            let v = Ipv6ExtView::new(b, k).unwrap();
            let mut out = Vec::new();
            Ipv6ExtRepr::parse(&v).emit(&mut out);
            assert_eq!(&out[..], b, "kind {k}");
        }
    }

    #[test]
    fn emit_pads() {
        for (n, pad) in [
            (0usize, vec![1u8, 4, 0, 0, 0, 0]),
            (5, vec![0]),
            (6, vec![]),
        ] {
            let mut b = Vec::new();
            Ipv6ExtRepr::Options {
                kind: DSTOPTS,
                next_header: 6,
                options: vec![0x1e; n],
            }
            .emit(&mut b);
            assert_eq!(b.len() % 8, 0);
            assert_eq!(&b[2 + n..], &pad[..]);
        }
    }

    proptest! {
        #[test]
        fn build_then_parse_options(
            dst: bool, next_header: u8, words in 0usize..8,
            fill in proptest::collection::vec(any::<u8>(), 62),
        ) {
            let kind = if dst { DSTOPTS } else { HOPOPTS };
            let r = Ipv6ExtRepr::Options { kind, next_header, options: fill[..words * 8 + 6].to_vec() };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(b"payload");
            let v = Ipv6ExtView::new(&buf, kind).unwrap();
            prop_assert_eq!(Ipv6ExtRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), b"payload");
            let (e, rest) = etherparse::Ipv6RawExtHeader::from_slice(&buf).unwrap();
            prop_assert_eq!(e.next_header.0, next_header);
            prop_assert_eq!(e.payload(), &buf[2..v.header_len()]);
            prop_assert_eq!(rest, b"payload");
        }

        #[test]
        fn build_then_parse_routing(
            next_header: u8, routing_type: u8, segments_left: u8, words in 0usize..8,
            fill in proptest::collection::vec(any::<u8>(), 60),
        ) {
            let r = Ipv6ExtRepr::Routing {
                next_header, routing_type, segments_left, data: fill[..words * 8 + 4].to_vec(),
            };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let v = Ipv6ExtView::new(&buf, ROUTING).unwrap();
            prop_assert_eq!(Ipv6ExtRepr::parse(&v), r);
            let (e, rest) = etherparse::Ipv6RawExtHeader::from_slice(&buf).unwrap();
            prop_assert_eq!(e.next_header.0, next_header);
            prop_assert_eq!(e.payload(), &buf[2..]);
            prop_assert!(rest.is_empty());
        }

        #[test]
        fn build_then_parse_fragment(next_header: u8, frag_offset in 0u16..0x2000, more: bool, ident: u32) {
            let r = Ipv6ExtRepr::Fragment { next_header, frag_offset, more, ident };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let v = Ipv6ExtView::new(&buf, FRAGMENT).unwrap();
            prop_assert_eq!(Ipv6ExtRepr::parse(&v), r);
            let (e, _) = etherparse::Ipv6FragmentHeader::from_slice(&buf).unwrap();
            prop_assert_eq!(e.next_header.0, next_header);
            prop_assert_eq!(e.fragment_offset.value(), frag_offset);
            prop_assert_eq!(e.more_fragments, more);
            prop_assert_eq!(e.identification, ident);
        }

        #[test]
        fn arbitrary_bytes_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..80),
            k in prop::sample::select(vec![HOPOPTS, ROUTING, FRAGMENT, DSTOPTS, MOBILITY]),
        ) {
            if let Ok(v) = Ipv6ExtView::new(&bytes, k) {
                assert_ranges_within(FIELDS, bytes.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                let mut t = String::new();
                v.title(&mut t);
                let _ = (v.payload(), v.jumbo_len(), v.options().count());
            }
        }
    }
}
