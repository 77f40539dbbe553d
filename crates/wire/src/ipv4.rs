//! Internet Protocol version 4 (RFC 791): the header, its options and the
//! header checksum. tshark calls it `ip`.
//!
//! The view is lenient the way tshark is: the constructor only insists on the
//! 20 fixed bytes and version 4. A bad header length (IHL below 5, or past
//! the captured bytes) or a total length below the header length still gives
//! a view; [`Ipv4View::header_len_field_ok`] and
//! [`Ipv4View::total_len_field_ok`] say so, and [`Ipv4View::field`] then
//! emits only the fields tshark 4.0 emits before it gives up on the header.

use crate::bytes::{array, be16, be32, clamp, tail, u8_at};
use crate::checksum::{self, Status};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::ops::Range;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const VER_IHL: Range<usize> = 0..1;
    pub const DSFIELD: Range<usize> = 1..2;
    pub const LEN: Range<usize> = 2..4;
    pub const ID: Range<usize> = 4..6;
    /// The three flag bits live in the top of this byte.
    pub const FLAGS: Range<usize> = 6..7;
    pub const FLAGS_FRAG: Range<usize> = 6..8;
    pub const TTL: Range<usize> = 8..9;
    pub const PROTO: Range<usize> = 9..10;
    pub const CHECKSUM: Range<usize> = 10..12;
    pub const SRC: Range<usize> = 12..16;
    pub const DST: Range<usize> = 16..20;
    pub const HEADER_LEN: usize = 20;
    /// IHL is four bits: at most 15 words.
    pub const MAX_HEADER_LEN: usize = 60;
}

/// IP protocol numbers (shared by IPv4's protocol and IPv6's next header).
pub mod protocol {
    pub const HOPOPTS: u8 = 0;
    pub const ICMP: u8 = 1;
    pub const IGMP: u8 = 2;
    pub const IPIP: u8 = 4;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const IPV6: u8 = 41;
    pub const ROUTING: u8 = 43;
    pub const FRAGMENT: u8 = 44;
    pub const GRE: u8 = 47;
    pub const ESP: u8 = 50;
    pub const AH: u8 = 51;
    pub const ICMPV6: u8 = 58;
    pub const NO_NEXT: u8 = 59;
    pub const DSTOPTS: u8 = 60;
    pub const MOBILITY: u8 = 135;
    pub const SCTP: u8 = 132;
    pub const UDPLITE: u8 = 136;
}

/// IPv4 option types (the whole type byte: copy flag, class and number).
pub mod option {
    pub const EOL: u8 = 0;
    pub const NOP: u8 = 1;
    pub const RECORD_ROUTE: u8 = 7;
    pub const MTU_PROBE: u8 = 11;
    pub const MTU_REPLY: u8 = 12;
    pub const QUICK_START: u8 = 25;
    pub const TIMESTAMP: u8 = 68;
    pub const TRACEROUTE: u8 = 82;
    pub const SECURITY: u8 = 130;
    pub const LOOSE_SOURCE_ROUTE: u8 = 131;
    pub const EXT_SECURITY: u8 = 133;
    pub const CIPSO: u8 = 134;
    pub const STREAM_ID: u8 = 136;
    pub const STRICT_SOURCE_ROUTE: u8 = 137;
    pub const ROUTER_ALERT: u8 = 148;
    pub const SELECTIVE_BROADCAST: u8 = 149;

    /// Options tshark 4.0 has a dissector for; it shows no fields at all
    /// for any other type (only a line of text in the tree).
    pub fn is_known(kind: u8) -> bool {
        matches!(
            kind,
            EOL | NOP
                | RECORD_ROUTE
                | MTU_PROBE
                | MTU_REPLY
                | QUICK_START
                | TIMESTAMP
                | TRACEROUTE
                | SECURITY
                | LOOSE_SOURCE_ROUTE
                | EXT_SECURITY
                | CIPSO
                | STREAM_ID
                | STRICT_SOURCE_ROUTE
                | ROUTER_ALERT
                | SELECTIVE_BROADCAST
        )
    }
}

field_table! {
    Version: "ip.version", "Version", Kind::Dec;
    HdrLen: "ip.hdr_len", "Header Length", Kind::Dec;
    Dsfield: "ip.dsfield", "Differentiated Services Field", Kind::Hex(2);
    DsfieldDscp: "ip.dsfield.dscp", "Differentiated Services Codepoint", Kind::Dec;
    DsfieldEcn: "ip.dsfield.ecn", "Explicit Congestion Notification", Kind::Dec;
    Len: "ip.len", "Total Length", Kind::Dec;
    Id: "ip.id", "Identification", Kind::Hex(4);
    Flags: "ip.flags", "Flags", Kind::Hex(2);
    FlagsRb: "ip.flags.rb", "Reserved bit", Kind::Bool;
    FlagsDf: "ip.flags.df", "Don't fragment", Kind::Bool;
    FlagsMf: "ip.flags.mf", "More fragments", Kind::Bool;
    FragOffset: "ip.frag_offset", "Fragment Offset", Kind::Dec;
    Ttl: "ip.ttl", "Time to Live", Kind::Dec;
    Proto: "ip.proto", "Protocol", Kind::Dec;
    Checksum: "ip.checksum", "Header Checksum", Kind::Hex(4);
    ChecksumCalculated: "ip.checksum_calculated", "Calculated Checksum", Kind::Hex(4);
    ChecksumStatus: "ip.checksum.status", "Header checksum status", Kind::Dec;
    Src: "ip.src", "Source Address", Kind::Ipv4;
    Dst: "ip.dst", "Destination Address", Kind::Ipv4;
    Addr: "ip.addr", "Source or Destination Address", Kind::Ipv4;
    SrcHost: "ip.src_host", "Source Host", Kind::Str;
    DstHost: "ip.dst_host", "Destination Host", Kind::Str;
    Host: "ip.host", "Source or Destination Host", Kind::Str;
    CurRt: "ip.cur_rt", "Current Route", Kind::Ipv4;
    CurRtHost: "ip.cur_rt_host", "Current Route Host", Kind::Str;
    OptType: "ip.opt.type", "Type", Kind::Dec;
    OptTypeCopy: "ip.opt.type.copy", "Copy on fragmentation", Kind::Bool;
    OptTypeClass: "ip.opt.type.class", "Class", Kind::Dec;
    OptTypeNumber: "ip.opt.type.number", "Number", Kind::Dec;
    OptLen: "ip.opt.len", "Length", Kind::Dec;
    OptPtr: "ip.opt.ptr", "Pointer", Kind::Dec;
    OptSid: "ip.opt.sid", "Stream Identifier", Kind::Dec;
    OptMtu: "ip.opt.mtu", "MTU", Kind::Dec;
    OptIdNumber: "ip.opt.id_number", "ID Number", Kind::Dec;
    OptOhc: "ip.opt.ohc", "Outbound Hop Count", Kind::Dec;
    OptRhc: "ip.opt.rhc", "Return Hop Count", Kind::Dec;
    OptOriginator: "ip.opt.originator", "Originator IP Address", Kind::Ipv4;
    OptRa: "ip.opt.ra", "Router Alert", Kind::Dec;
    OptAddr: "ip.opt.addr", "IP Address", Kind::Ipv4;
    OptPadding: "ip.opt.padding", "Padding", Kind::Bytes;
    OptOverflow: "ip.opt.overflow", "Overflow", Kind::Dec;
    OptFlag: "ip.opt.flag", "Flag", Kind::Hex(2);
    OptTimeStamp: "ip.opt.time_stamp", "Time stamp", Kind::Dec;
    OptTimeStampAddr: "ip.opt.time_stamp_addr", "Address", Kind::Ipv4;
    RecRt: "ip.rec_rt", "Recorded Route", Kind::Ipv4;
    RecRtHost: "ip.rec_rt_host", "Recorded Route Host", Kind::Str;
    SrcRt: "ip.src_rt", "Source Route", Kind::Ipv4;
    SrcRtHost: "ip.src_rt_host", "Source Route Host", Kind::Str;
    EmptyRt: "ip.empty_rt", "Empty Route", Kind::Ipv4;
    EmptyRtHost: "ip.empty_rt_host", "Empty Route Host", Kind::Str;
    CipsoDoi: "ip.cipso.doi", "DOI", Kind::Dec;
    CipsoTagType: "ip.cipso.tag_type", "Tag Type", Kind::Dec;
    CipsoSensitivityLevel: "ip.cipso.sensitivity_level", "Sensitivity Level", Kind::Dec;
    CipsoTagData: "ip.cipso.tag_data", "Tag data", Kind::Bytes;
}

/// One IPv4 option, borrowed from the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv4Option<'a> {
    /// Offset of the option's type byte from the start of the IPv4 header.
    pub offset: usize,
    /// The type byte (copy flag, class and number), see [`option`].
    pub kind: u8,
    /// All of the option's bytes: just the type for EOL and NOP, otherwise
    /// type, length and data (exactly `length` bytes).
    pub bytes: &'a [u8],
}

impl<'a> Ipv4Option<'a> {
    /// The option's length byte (EOL and NOP have none).
    pub fn len_field(&self) -> Option<u8> {
        if self.bytes.len() < 2 {
            return None;
        }
        u8_at(self.bytes, 1)
    }

    /// The option's data after the type and length bytes.
    pub fn data(&self) -> &'a [u8] {
        tail(self.bytes, 2)
    }

    /// Byte range of the whole option, relative to the IPv4 header.
    pub fn range(&self) -> Range<usize> {
        self.offset..self.offset.saturating_add(self.bytes.len())
    }
}

/// Walks the options area the way tshark does: stops after EOL, and at the
/// first option whose length is missing, below 2 or past the end of the
/// options (what was read before that stays valid).
#[derive(Clone, Debug)]
pub struct Ipv4Options<'a> {
    area: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> Iterator for Ipv4Options<'a> {
    type Item = Ipv4Option<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let Some(kind) = u8_at(self.area, self.pos) else {
            self.done = true;
            return None;
        };
        let offset = at::HEADER_LEN.saturating_add(self.pos);
        let len = if kind == option::EOL || kind == option::NOP {
            self.done = kind == option::EOL;
            1
        } else {
            match u8_at(self.area, self.pos.saturating_add(1)) {
                Some(l) if l >= 2 => usize::from(l),
                _ => {
                    self.done = true;
                    return None;
                }
            }
        };
        let end = self.pos.saturating_add(len);
        let Some(bytes) = self.area.get(self.pos..end) else {
            self.done = true;
            return None;
        };
        self.pos = end;
        Some(Ipv4Option {
            offset,
            kind,
            bytes,
        })
    }
}

/// A view over an IPv4 packet (header and whatever follows it).
#[derive(Clone, Copy, Debug)]
pub struct Ipv4View<'a> {
    bytes: &'a [u8],
    /// The datagram's length on the wire, from the IPv4 header on, when the
    /// dissector knows it (the frame may have been cut by the snap length).
    reported_len: Option<usize>,
    /// What the dissector found when it checked the header checksum
    /// (tshark 4.0 does not check it by default: unverified).
    checksum_status: Status,
}

impl<'a> Ipv4View<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold the 20-byte fixed header with
    /// version 4. The header length and total length fields are not checked
    /// here (see [`Self::header_len_field_ok`], [`Self::total_len_field_ok`]).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        let v = Ipv4View {
            bytes,
            reported_len: None,
            checksum_status: Status::Unverified,
        };
        if v.version() != 4 {
            return Err(Error::Malformed("IPv4 version is not 4"));
        }
        Ok(v)
    }

    /// Tell the view how many bytes the datagram had on the wire from its
    /// first header byte (more than captured when the snap length cut it).
    /// Only used when the total length field is 0 (see [`Self::total_len`]).
    pub fn set_reported_len(&mut self, n: usize) {
        self.reported_len = Some(n);
    }

    /// Record the result of [`Self::verify_checksum`] for `ip.checksum.status`
    /// and `ip.checksum_calculated` (left unverified, both print as tshark
    /// 4.0 does by default, with `ip.check_checksum` off).
    pub fn set_checksum_status(&mut self, s: Status) {
        self.checksum_status = s;
    }

    pub fn checksum_status(&self) -> Status {
        self.checksum_status
    }

    fn byte(&self, r: Range<usize>) -> u8 {
        u8_at(self.bytes, r.start).unwrap_or(0)
    }

    pub fn version(&self) -> u8 {
        self.byte(at::VER_IHL) >> 4
    }

    /// The header length field, in 32-bit words.
    pub fn ihl(&self) -> u8 {
        self.byte(at::VER_IHL) & 0x0f
    }

    /// The header length field in bytes (`ihl * 4`), as the packet says.
    pub fn ihl_bytes(&self) -> usize {
        usize::from(self.ihl()) * 4
    }

    /// True when the header length field is at least 20 bytes and the
    /// header it announces was captured whole.
    pub fn header_len_field_ok(&self) -> bool {
        let hl = self.ihl_bytes();
        hl >= at::HEADER_LEN && hl <= self.bytes.len()
    }

    /// True unless the total length field is below the header length
    /// (0 is accepted: see [`Self::total_len`]).
    pub fn total_len_field_ok(&self) -> bool {
        let t = self.total_len_field();
        t == 0 || usize::from(t) >= self.ihl_bytes()
    }

    /// The 8-bit DS field (the old TOS byte).
    pub fn dsfield(&self) -> u8 {
        self.byte(at::DSFIELD)
    }

    pub fn dscp(&self) -> u8 {
        self.dsfield() >> 2
    }

    pub fn ecn(&self) -> u8 {
        self.dsfield() & 0x03
    }

    /// The total length field exactly as in the packet.
    pub fn total_len_field(&self) -> u16 {
        be16(self.bytes, at::LEN.start).unwrap_or(0)
    }

    /// The datagram's total length. A total length field of 0 happens in
    /// captures taken on a host whose NIC does TCP segmentation offload: the
    /// kernel hands down one big segment and never fills the field in.
    /// tshark (whose `ip.tso_support` is on by default) then takes the
    /// length the frame reported ("reported as 0, presumed to be because of
    /// TCP segmentation offload"), and so do we: the reported length if the
    /// dissector gave it, else what was captured.
    pub fn total_len(&self) -> usize {
        match self.total_len_field() {
            0 => self.reported_len.unwrap_or(self.bytes.len()),
            n => usize::from(n),
        }
    }

    pub fn ident(&self) -> u16 {
        be16(self.bytes, at::ID.start).unwrap_or(0)
    }

    fn flags_frag(&self) -> u16 {
        be16(self.bytes, at::FLAGS_FRAG.start).unwrap_or(0)
    }

    /// The three flag bits (reserved, DF, MF) as tshark's `ip.flags` shows
    /// them: shifted down, 0..=7.
    pub fn flags(&self) -> u8 {
        (self.flags_frag() >> 13) as u8
    }

    /// The reserved (evil) bit.
    pub fn rb(&self) -> bool {
        self.flags_frag() & 0x8000 != 0
    }

    pub fn df(&self) -> bool {
        self.flags_frag() & 0x4000 != 0
    }

    pub fn mf(&self) -> bool {
        self.flags_frag() & 0x2000 != 0
    }

    /// The fragment offset field, in 8-byte units (what tshark 4.0's
    /// `-T fields` prints for `ip.frag_offset`).
    pub fn frag_offset(&self) -> u16 {
        self.flags_frag() & 0x1fff
    }

    /// The fragment offset in bytes.
    pub fn frag_byte_offset(&self) -> usize {
        usize::from(self.frag_offset()) * 8
    }

    /// True for any fragment of a fragmented datagram (MF set or offset > 0).
    pub fn is_fragment(&self) -> bool {
        self.mf() || self.frag_offset() != 0
    }

    pub fn ttl(&self) -> u8 {
        self.byte(at::TTL)
    }

    /// The upper-layer protocol number (see [`protocol`]).
    pub fn protocol(&self) -> u8 {
        self.byte(at::PROTO)
    }

    pub fn checksum(&self) -> u16 {
        be16(self.bytes, at::CHECKSUM.start).unwrap_or(0)
    }

    pub fn src(&self) -> [u8; 4] {
        array(self.bytes, at::SRC.start).unwrap_or_default()
    }

    /// The destination address field of the header. With a source route
    /// option, tshark shows this one as the current route (`ip.cur_rt`) and
    /// the route's last address as the destination: see [`Self::final_dst`].
    pub fn dst(&self) -> [u8; 4] {
        array(self.bytes, at::DST.start).unwrap_or_default()
    }

    /// The destination tshark reports: the last address of a loose or strict
    /// source route option whose route is not yet used up, else [`Self::dst`].
    pub fn final_dst(&self) -> [u8; 4] {
        match self.dst_scan() {
            DstScan::Routed(o) => array(self.bytes, o).unwrap_or_else(|| self.dst()),
            _ => self.dst(),
        }
    }

    /// True when a loose or strict source route is still under way (tshark
    /// then shows the header's destination as `ip.cur_rt`).
    pub fn is_source_routed(&self) -> bool {
        matches!(self.dst_scan(), DstScan::Routed(_))
    }

    /// Where the final destination is, walking the options exactly as
    /// tshark's `get_dst_offset` does, bytes it reads past the capture
    /// included (tshark then gives up on the header after the source).
    fn dst_scan(&self) -> DstScan {
        let hl = self.ihl_bytes();
        let b = self.bytes;
        let mut length = hl.saturating_sub(at::HEADER_LEN);
        let mut pos = at::HEADER_LEN;
        while length > 0 {
            let Some(t) = u8_at(b, pos) else {
                return DstScan::Cut;
            };
            length -= 1;
            if t == option::EOL {
                return DstScan::Plain;
            }
            if t == option::NOP {
                pos += 1;
                continue;
            }
            if length == 0 {
                return DstScan::Plain;
            }
            let Some(len) = u8_at(b, pos + 1) else {
                return DstScan::Cut;
            };
            length -= 1;
            let len = usize::from(len);
            if len < 2 || len - 2 > length {
                return DstScan::Plain;
            }
            if t == option::LOOSE_SOURCE_ROUTE || t == option::STRICT_SOURCE_ROUTE {
                let Some(ptr) = u8_at(b, pos + 2) else {
                    return DstScan::Cut;
                };
                let ptr = usize::from(ptr);
                if ptr < 4 || ptr & 3 != 0 || ptr > len {
                    return DstScan::Plain;
                }
                // ptr <= len, so len >= 4: the option's last four bytes.
                let off = pos + len - 4;
                return match array::<4>(b, off) {
                    Some(_) => DstScan::Routed(off),
                    None => DstScan::Cut,
                };
            }
            pos += len;
            length -= len - 2;
        }
        DstScan::Plain
    }

    /// The header's length in bytes: the IHL field, but at least 20 and at
    /// most what was captured.
    pub fn header_len(&self) -> usize {
        self.ihl_bytes().min(self.bytes.len()).max(at::HEADER_LEN)
    }

    /// The option bytes (between the fixed header and [`Self::header_len`]).
    pub fn options_bytes(&self) -> &'a [u8] {
        self.bytes
            .get(at::HEADER_LEN..self.header_len())
            .unwrap_or(&[])
    }

    /// The options, in order (see [`Ipv4Options`] for where it stops).
    /// None at all unless the whole options area was captured: tshark shows
    /// no option of a header cut short.
    pub fn options(&self) -> Ipv4Options<'a> {
        let area = if self.ihl_bytes() <= self.bytes.len() {
            self.options_bytes()
        } else {
            &[]
        };
        Ipv4Options {
            area,
            pos: 0,
            done: false,
        }
    }

    /// The bytes after the header, clamped to the total length (bytes past
    /// it are link-layer padding) and to what was captured. Empty when the
    /// total length is below the header length.
    pub fn payload(&self) -> &'a [u8] {
        let hl = self.header_len();
        let end = self.total_len().min(self.bytes.len());
        clamp(self.bytes, hl, end.saturating_sub(hl))
    }

    /// How many bytes the upper layer had on the wire: total length minus
    /// the header length field (0 when that is negative), even if the capture
    /// cut some of them. A total length of 0 counts as the reported length
    /// (see [`Self::total_len`]).
    pub fn wire_payload_len(&self) -> usize {
        self.total_len()
            .saturating_sub(self.ihl_bytes().max(at::HEADER_LEN))
    }

    /// Bytes captured after the datagram's end (Ethernet pads short frames).
    pub fn trailer_len(&self) -> usize {
        self.bytes.len().saturating_sub(self.total_len())
    }

    /// Check the header checksum. `Unverified` when the header length is
    /// bogus or the header was not captured whole.
    pub fn verify_checksum(&self) -> Status {
        let hl = self.ihl_bytes();
        if hl < at::HEADER_LEN {
            return Status::Unverified;
        }
        let Some(h) = self.bytes.get(..hl) else {
            return Status::Unverified;
        };
        if checksum::finish(checksum::sum(h)) == 0 {
            Status::Good
        } else {
            Status::Bad {
                expected: header_checksum(h),
            }
        }
    }

    /// Which part of the field list tshark gets through (see module docs).
    fn stage(&self) -> Stage {
        if self.ihl_bytes() < at::HEADER_LEN {
            Stage::BadHeaderLen
        } else if !self.total_len_field_ok() {
            Stage::BadTotalLen
        } else {
            Stage::Full
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        use Field::*;
        let stage = self.stage();
        match f {
            Version => out.value(Value::UInt(self.version().into()), at::VER_IHL),
            HdrLen => out.value(Value::UInt(self.ihl_bytes() as u64), at::VER_IHL),
            _ if stage == Stage::BadHeaderLen => {}
            Dsfield => out.value(Value::UInt(self.dsfield().into()), at::DSFIELD),
            DsfieldDscp => out.value(Value::UInt(self.dscp().into()), at::DSFIELD),
            DsfieldEcn => out.value(Value::UInt(self.ecn().into()), at::DSFIELD),
            Len => out.value(Value::UInt(self.total_len() as u64), at::LEN),
            _ if stage == Stage::BadTotalLen => {}
            Id => out.value(Value::UInt(self.ident().into()), at::ID),
            Flags => out.value(Value::UInt(self.flags().into()), at::FLAGS),
            FlagsRb => out.value(Value::Bool(self.rb()), at::FLAGS),
            FlagsDf => out.value(Value::Bool(self.df()), at::FLAGS),
            FlagsMf => out.value(Value::Bool(self.mf()), at::FLAGS),
            FragOffset => out.value(Value::UInt(self.frag_offset().into()), at::FLAGS_FRAG),
            Ttl => out.value(Value::UInt(self.ttl().into()), at::TTL),
            Proto => out.value(Value::UInt(self.protocol().into()), at::PROTO),
            Checksum => out.value(Value::UInt(self.checksum().into()), at::CHECKSUM),
            ChecksumCalculated => match self.checksum_status {
                Status::Good => out.value(Value::UInt(self.checksum().into()), at::CHECKSUM),
                Status::Bad { expected } => out.value(Value::UInt(expected.into()), at::CHECKSUM),
                Status::Unverified => {}
            },
            ChecksumStatus => out.value(Value::UInt(self.checksum_status.code()), at::CHECKSUM),
            Src | SrcHost => out.value(Value::Ipv4(self.src()), at::SRC),
            Addr | Host => {
                out.value(Value::Ipv4(self.src()), at::SRC);
                match self.dst_scan() {
                    DstScan::Plain => out.value(Value::Ipv4(self.dst()), at::DST),
                    DstScan::Routed(_) => self.option_fields(Dst, out),
                    DstScan::Cut => {}
                }
            }
            _ if self.dst_scan() == DstScan::Cut => {}
            Dst | DstHost => {
                if self.is_source_routed() {
                    self.option_fields(Dst, out)
                } else {
                    out.value(Value::Ipv4(self.dst()), at::DST)
                }
            }
            CurRt | CurRtHost => {
                if self.is_source_routed() {
                    out.value(Value::Ipv4(self.dst()), at::DST)
                }
            }
            _ => self.option_fields(f, out),
        }
    }

    /// Emit field `f` from every option that carries it, in option order.
    /// `Field::Dst` here means "the destination inside a source route".
    fn option_fields(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        for o in self.options() {
            if !option::is_known(o.kind) {
                continue;
            }
            let b = o.offset;
            let k = u64::from(o.kind);
            match f {
                Field::OptType => out.value(Value::UInt(k), b..b + 1),
                Field::OptTypeCopy => out.value(Value::Bool(o.kind & 0x80 != 0), b..b + 1),
                Field::OptTypeClass => out.value(Value::UInt((k >> 5) & 3), b..b + 1),
                Field::OptTypeNumber => out.value(Value::UInt(k & 0x1f), b..b + 1),
                Field::OptLen => {
                    if let Some(l) = o.len_field() {
                        out.value(Value::UInt(l.into()), b + 1..b + 2)
                    }
                }
                _ => option_body(&o, f, out),
            }
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("Internet Protocol Version 4");
        if self.stage() != Stage::Full {
            return;
        }
        out.push_str(", Src: ");
        crate::field::write_ipv4(out, self.src());
        if self.dst_scan() == DstScan::Cut {
            return;
        }
        out.push_str(", Dst: ");
        crate::field::write_ipv4(out, self.final_dst());
        if self.is_source_routed() {
            out.push_str(", Via: ");
            crate::field::write_ipv4(out, self.dst());
        }
    }
}

/// What tshark's walk for a source route finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DstScan {
    /// No pending source route: the header's destination is the destination.
    Plain,
    /// A pending source route whose final address is at this offset.
    Routed(usize),
    /// The walk read past the captured bytes: tshark stops after `ip.src`.
    Cut,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// IHL below 5: tshark shows version and header length, then stops.
    BadHeaderLen,
    /// Total length (non-zero) below the header length: tshark stops after it.
    BadTotalLen,
    Full,
}

/// The checksum a header should carry (its own checksum field taken as 0).
fn header_checksum(h: &[u8]) -> u16 {
    let before = h.get(..at::CHECKSUM.start).unwrap_or(&[]);
    let after = h.get(at::CHECKSUM.end..).unwrap_or(&[]);
    checksum::finish(checksum::combine(
        checksum::sum(before),
        checksum::sum(after),
    ))
}

fn ipv4_at(b: &[u8], off: usize) -> Option<[u8; 4]> {
    array(b, off)
}

/// Emit one route address (an address field and its hidden `_host` twin).
fn route_addr<'a>(
    f: Field,
    want: (Field, Field),
    a: [u8; 4],
    r: Range<usize>,
    out: &mut dyn FieldSink<'a>,
) {
    if f == want.0 || f == want.1 {
        out.value(Value::Ipv4(a), r);
    }
}

/// The option-specific fields, as tshark 4.0's option dissectors add them.
fn option_body<'a>(o: &Ipv4Option<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
    let b = o.offset;
    let ob = o.bytes;
    let len = ob.len();
    match o.kind {
        option::RECORD_ROUTE | option::LOOSE_SOURCE_ROUTE | option::STRICT_SOURCE_ROUTE => {
            let Some(ptr) = u8_at(ob, 2) else { return };
            if f == Field::OptPtr {
                out.value(Value::UInt(ptr.into()), b + 2..b + 3);
            }
            let ptr = usize::from(ptr);
            if ptr < 4 || ptr & 3 != 0 {
                return;
            }
            let record = o.kind == option::RECORD_ROUTE;
            let mut off = 3;
            while off + 4 <= len {
                let Some(a) = ipv4_at(ob, off) else { return };
                let r = b + off..b + off + 4;
                let which = if ptr > len {
                    (Field::RecRt, Field::RecRtHost)
                } else if !record && off + 4 == len {
                    // A source route's last address is the destination.
                    (Field::Dst, Field::DstHost)
                } else if off + 1 < ptr {
                    (Field::RecRt, Field::RecRtHost)
                } else if record {
                    (Field::EmptyRt, Field::EmptyRtHost)
                } else {
                    (Field::SrcRt, Field::SrcRtHost)
                };
                route_addr(f, which, a, r, out);
                off += 4;
            }
        }
        option::TIMESTAMP => {
            let (Some(ptr), Some(of)) = (u8_at(ob, 2), u8_at(ob, 3)) else {
                return;
            };
            match f {
                Field::OptPtr => out.value(Value::UInt(ptr.into()), b + 2..b + 3),
                Field::OptOverflow => out.value(Value::UInt((of >> 4).into()), b + 3..b + 4),
                Field::OptFlag => out.value(Value::UInt((of & 0x0f).into()), b + 3..b + 4),
                Field::OptTimeStamp | Field::OptTimeStampAddr => {
                    let with_addr = matches!(of & 0x0f, 1 | 3);
                    let step = if with_addr { 8 } else { 4 };
                    let mut off = 4;
                    while off + step <= len {
                        let ts_off = if with_addr { off + 4 } else { off };
                        if with_addr && f == Field::OptTimeStampAddr {
                            if let Some(a) = ipv4_at(ob, off) {
                                out.value(Value::Ipv4(a), b + off..b + off + 4);
                            }
                        }
                        if f == Field::OptTimeStamp {
                            if let Some(t) = be32(ob, ts_off) {
                                out.value(Value::UInt(t.into()), b + ts_off..b + ts_off + 4);
                            }
                        }
                        off += step;
                    }
                }
                _ => {}
            }
        }
        option::ROUTER_ALERT | option::STREAM_ID | option::MTU_PROBE | option::MTU_REPLY => {
            let want = match o.kind {
                option::ROUTER_ALERT => Field::OptRa,
                option::STREAM_ID => Field::OptSid,
                _ => Field::OptMtu,
            };
            if f == want {
                if let Some(v) = be16(ob, 2) {
                    out.value(Value::UInt(v.into()), b + 2..b + 4);
                }
            }
        }
        option::TRACEROUTE => {
            let at16 =
                |off: usize| be16(ob, off).map(|v| (Value::UInt(v.into()), b + off..b + off + 2));
            let got = match f {
                Field::OptIdNumber => at16(2),
                Field::OptOhc => at16(4),
                Field::OptRhc => at16(6),
                Field::OptOriginator => ipv4_at(ob, 8).map(|a| (Value::Ipv4(a), b + 8..b + 12)),
                _ => None,
            };
            if let Some((v, r)) = got {
                out.value(v, r);
            }
        }
        option::SELECTIVE_BROADCAST => {
            let mut off = 2;
            while off + 4 <= len {
                if f == Field::OptAddr {
                    if let Some(a) = ipv4_at(ob, off) {
                        out.value(Value::Ipv4(a), b + off..b + off + 4);
                    }
                }
                off += 4;
            }
            if off < len && f == Field::OptPadding {
                out.value(Value::Bytes(tail(ob, off)), b + off..b + len);
            }
        }
        option::CIPSO => cipso(o, f, out),
        _ => {}
    }
}

/// CIPSO (FIPS 188): a DOI, then tags. Categories are not decoded.
fn cipso<'a>(o: &Ipv4Option<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
    const TAG_LEN_MAX: usize = 34;
    let b = o.offset;
    let ob = o.bytes;
    let len = ob.len();
    let Some(doi) = be32(ob, 2) else { return };
    if f == Field::CipsoDoi {
        out.value(Value::UInt(doi.into()), b + 2..b + 6);
    }
    let mut off = 6;
    while off < len {
        let Some(tag) = u8_at(ob, off) else { return };
        if f == Field::CipsoTagType {
            out.value(Value::UInt(tag.into()), b + off..b + off + 1);
        }
        let tag_len = if off + 1 < len {
            usize::from(u8_at(ob, off + 1).unwrap_or(1))
        } else {
            1
        };
        let fits = |min: usize| {
            tag_len >= min && tag_len <= TAG_LEN_MAX && off + tag_len <= len.saturating_add(1)
        };
        match tag {
            0 => off += 1,
            1 | 2 | 5 => {
                if !fits(4) {
                    return;
                }
                if f == Field::CipsoSensitivityLevel {
                    if let Some(l) = u8_at(ob, off + 3) {
                        out.value(Value::UInt(l.into()), b + off + 3..b + off + 4);
                    }
                }
                off += tag_len;
            }
            6 | 7 => {
                if !fits(if tag == 6 { 4 } else { 2 }) {
                    return;
                }
                if f == Field::CipsoTagData {
                    let d = clamp(ob, off + 2, tag_len - 2);
                    out.value(Value::Bytes(d), b + off + 2..b + off + 2 + d.len());
                }
                off += tag_len;
            }
            _ => return,
        }
    }
}

/// The plain values of an IPv4 header, for building packets.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Ipv4Repr {
    /// Differentiated services code point (6 bits).
    pub dscp: u8,
    /// Explicit congestion notification (2 bits).
    pub ecn: u8,
    pub ident: u16,
    pub df: bool,
    pub mf: bool,
    /// Fragment offset in 8-byte units (13 bits).
    pub frag_offset: u16,
    pub ttl: u8,
    pub protocol: u8,
    pub src: [u8; 4],
    pub dst: [u8; 4],
    /// Raw option bytes. `emit` pads them with zeros (end of options) to a
    /// multiple of 4 and cuts them at 40 bytes, the most IHL can describe.
    pub options: Vec<u8>,
    /// Bytes that will follow the header (counted in the total length).
    pub payload_len: usize,
}

impl Ipv4Repr {
    pub fn parse(v: &Ipv4View) -> Self {
        Ipv4Repr {
            dscp: v.dscp(),
            ecn: v.ecn(),
            ident: v.ident(),
            df: v.df(),
            mf: v.mf(),
            frag_offset: v.frag_offset(),
            ttl: v.ttl(),
            protocol: v.protocol(),
            src: v.src(),
            dst: v.dst(),
            options: v.options_bytes().to_vec(),
            payload_len: v.wire_payload_len(),
        }
    }

    /// The header length `emit` writes: 20 plus the padded options.
    pub fn header_len(&self) -> usize {
        let max_opts = at::MAX_HEADER_LEN - at::HEADER_LEN;
        at::HEADER_LEN + self.options.len().min(max_opts).next_multiple_of(4)
    }

    /// Append the header to `buf`, with total length (saturated at 65535)
    /// and header checksum filled in.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let start = buf.len();
        let hl = self.header_len();
        let total = u16::try_from(hl.saturating_add(self.payload_len)).unwrap_or(u16::MAX);
        let flags =
            (u16::from(self.df) << 14) | (u16::from(self.mf) << 13) | (self.frag_offset & 0x1fff);
        buf.push(0x40 | (hl / 4) as u8);
        buf.push((self.dscp << 2) | (self.ecn & 0x03));
        buf.extend_from_slice(&total.to_be_bytes());
        buf.extend_from_slice(&self.ident.to_be_bytes());
        buf.extend_from_slice(&flags.to_be_bytes());
        buf.push(self.ttl);
        buf.push(self.protocol);
        buf.extend_from_slice(&[0, 0]);
        buf.extend_from_slice(&self.src);
        buf.extend_from_slice(&self.dst);
        let opts = clamp(&self.options, 0, hl - at::HEADER_LEN);
        buf.extend_from_slice(opts);
        buf.resize(start + hl, 0);
        let sum = header_checksum(tail(buf, start));
        if let Some(c) = buf.get_mut(start + at::CHECKSUM.start..start + at::CHECKSUM.end) {
            c.copy_from_slice(&sum.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, string_of, values};
    use proptest::prelude::*;

    /// Collect every occurrence of a field as tshark's `-T fields` text.
    fn text(v: &Ipv4View, f: Field) -> String {
        values(FIELDS[f as usize].kind, |out| v.field(f, out)).join(",")
    }

    fn title(v: &Ipv4View) -> String {
        string_of(|t| v.title(t))
    }

    /// The second fragment of a TCP SYN, raw IP (suricata
    /// defrag-bug-6887-defrag-ipv4-tcp-syn-frag-ip-tcp-syn.pcap, frame 2).
    const FRAGMENT: [u8; 28] = [
        0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x20, 0x01, 0x40, 0x06, 0x54, 0xd5, 0x01, 0x01, 0x01,
        0x01, 0x02, 0x02, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x60, 0x02, 0x20, 0x00,
    ];

    /// IGMP with a router alert option, then Ethernet padding
    /// (PcapPlusPlus ipv4-options.pcap, frame 3, after the Ethernet header).
    const ROUTER_ALERT: [u8; 46] = [
        0x46, 0x00, 0x00, 0x24, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0xfa, 0x48, 0x0a, 0x00, 0x00,
        0x8a, 0xe0, 0x00, 0x00, 0x01, 0x94, 0x04, 0x00, 0x00, 0x11, 0x0a, 0xec, 0x78, 0x00, 0x00,
        0x00, 0x00, 0x02, 0x7d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00,
    ];

    /// Record route with three addresses recorded, then EOL (PcapPlusPlus
    /// ipv4-options.pcap, frame 4, the 60-byte header only).
    const RECORD_ROUTE: [u8; 60] = [
        0x4f, 0x00, 0x00, 0x50, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0xea, 0xd8, 0x0a, 0x00, 0x00,
        0x8a, 0x0a, 0x00, 0x00, 0x06, 0x07, 0x27, 0x10, 0x01, 0x02, 0x03, 0x04, 0x0a, 0x00, 0x00,
        0x8a, 0x0a, 0x00, 0x00, 0x8a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    /// NOP + loose source route to 0.0.0.0 via 10.0.0.138, ICMP echo
    /// (PcapPlusPlus ipv4-options.pcap, frame 7).
    const LOOSE_ROUTE: [u8; 36] = [
        0x47, 0x00, 0x00, 0x24, 0x47, 0xa3, 0x00, 0x00, 0x40, 0x01, 0x14, 0x20, 0x0a, 0x00, 0x00,
        0x06, 0x0a, 0x00, 0x00, 0x8a, 0x01, 0x83, 0x07, 0x04, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00,
        0x1f, 0x7a, 0xd8, 0x82, 0x00, 0x03,
    ];

    /// Time stamp option with addresses (flag 1), header only
    /// (PcapPlusPlus ipv4-options.pcap, frame 5).
    const TIMESTAMP: [u8; 56] = [
        0x4e, 0x00, 0x00, 0x78, 0x1f, 0x85, 0x00, 0x00, 0x40, 0x01, 0x02, 0xc0, 0x0a, 0x00, 0x00,
        0x8a, 0x0a, 0x00, 0x00, 0x06, 0x44, 0x24, 0x1d, 0x01, 0x0a, 0x00, 0x00, 0x06, 0x04, 0x2c,
        0xb0, 0xa4, 0x0a, 0x00, 0x00, 0x8a, 0x04, 0x9a, 0x7e, 0x36, 0x0a, 0x00, 0x00, 0x8a, 0x04,
        0x9a, 0x7e, 0x36, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    /// CIPSO option, EOL and one byte of padding, header only
    /// (PcapPlusPlus ipv4-options.pcap, frame 1).
    const CIPSO: [u8; 44] = [
        0x4b, 0x00, 0x00, 0x6c, 0x78, 0x37, 0x00, 0x00, 0x40, 0x01, 0x75, 0x2d, 0x7f, 0x00, 0x00,
        0x01, 0x7f, 0x00, 0x00, 0x01, 0x86, 0x16, 0x00, 0x00, 0x00, 0x02, 0x02, 0x10, 0x00, 0x02,
        0x00, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06, 0x00, 0xef, 0x00, 0x00,
    ];

    #[test]
    fn reads_a_real_fragment() {
        let v = Ipv4View::new(&FRAGMENT).unwrap();
        assert_eq!(v.version(), 4);
        assert_eq!(v.header_len(), 20);
        assert!(v.header_len_field_ok() && v.total_len_field_ok());
        assert_eq!(v.total_len(), 28);
        assert_eq!(v.ident(), 1);
        assert!(v.mf() && !v.df() && !v.rb());
        assert_eq!(v.frag_offset(), 1);
        assert_eq!(v.frag_byte_offset(), 8);
        assert!(v.is_fragment());
        assert_eq!(v.ttl(), 64);
        assert_eq!(v.protocol(), protocol::TCP);
        assert_eq!(v.src(), [1, 1, 1, 1]);
        assert_eq!(v.dst(), [2, 2, 2, 2]);
        assert_eq!(v.payload(), &FRAGMENT[20..]);
        assert_eq!(v.wire_payload_len(), 8);
        assert_eq!(v.verify_checksum(), Status::Good);
        assert_eq!(text(&v, Field::ChecksumStatus), "2");
        assert_eq!(text(&v, Field::ChecksumCalculated), "");
        let mut v = v;
        v.set_checksum_status(v.verify_checksum());
        // Values exactly as tshark 4.0 prints them for this frame.
        assert_eq!(text(&v, Field::Id), "0x0001");
        assert_eq!(text(&v, Field::Flags), "0x01");
        assert_eq!(text(&v, Field::FlagsMf), "1");
        assert_eq!(text(&v, Field::FragOffset), "1");
        assert_eq!(text(&v, Field::Checksum), "0x54d5");
        assert_eq!(text(&v, Field::ChecksumStatus), "1");
        assert_eq!(text(&v, Field::Addr), "1.1.1.1,2.2.2.2");
        assert_eq!(text(&v, Field::Host), "1.1.1.1,2.2.2.2");
        assert_eq!(text(&v, Field::CurRt), "");
        assert_eq!(text(&v, Field::OptType), "");
        assert_eq!(
            title(&v),
            "Internet Protocol Version 4, Src: 1.1.1.1, Dst: 2.2.2.2"
        );
    }

    #[test]
    fn router_alert_and_padding() {
        let v = Ipv4View::new(&ROUTER_ALERT).unwrap();
        assert_eq!(v.header_len(), 24);
        assert_eq!(v.total_len(), 36);
        // The 10 bytes after the total length are Ethernet padding.
        assert_eq!(v.payload(), &ROUTER_ALERT[24..36]);
        assert_eq!(v.trailer_len(), 10);
        assert_eq!(v.verify_checksum(), Status::Good);
        let o: Vec<_> = v.options().collect();
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].kind, option::ROUTER_ALERT);
        assert_eq!(o[0].range(), 20..24);
        assert_eq!(text(&v, Field::HdrLen), "24");
        assert_eq!(text(&v, Field::Flags), "0x02");
        assert_eq!(text(&v, Field::OptType), "148");
        assert_eq!(text(&v, Field::OptLen), "4");
        assert_eq!(text(&v, Field::OptRa), "0");
        assert_eq!(text(&v, Field::OptTypeCopy), "1");
        assert_eq!(text(&v, Field::OptTypeClass), "0");
        assert_eq!(text(&v, Field::OptTypeNumber), "20");
    }

    #[test]
    fn record_route() {
        let v = Ipv4View::new(&RECORD_ROUTE).unwrap();
        assert_eq!(text(&v, Field::OptType), "7,0");
        assert_eq!(text(&v, Field::OptLen), "39");
        assert_eq!(text(&v, Field::OptPtr), "16");
        assert_eq!(text(&v, Field::RecRt), "1.2.3.4,10.0.0.138,10.0.0.138");
        assert_eq!(
            text(&v, Field::EmptyRt),
            "0.0.0.0,0.0.0.0,0.0.0.0,0.0.0.0,0.0.0.0,0.0.0.0"
        );
        assert_eq!(text(&v, Field::Dst), "10.0.0.6");
        assert_eq!(text(&v, Field::OptTypeCopy), "0,0");
        // Header only: total length 80 was not all captured.
        assert!(v.payload().is_empty());
        assert_eq!(v.wire_payload_len(), 20);
        assert_eq!(v.verify_checksum(), Status::Good);
    }

    #[test]
    fn loose_source_route_moves_the_destination() {
        let v = Ipv4View::new(&LOOSE_ROUTE).unwrap();
        assert_eq!(v.dst(), [10, 0, 0, 138]);
        assert_eq!(v.final_dst(), [0, 0, 0, 0]);
        assert_eq!(text(&v, Field::OptType), "1,131");
        assert_eq!(text(&v, Field::OptTypeNumber), "1,3");
        assert_eq!(text(&v, Field::OptPtr), "4");
        // As tshark: the header's destination is the current route, and the
        // route's last address is ip.dst.
        assert_eq!(text(&v, Field::CurRt), "10.0.0.138");
        assert_eq!(text(&v, Field::Dst), "0.0.0.0");
        assert_eq!(text(&v, Field::Addr), "10.0.0.6,0.0.0.0");
        assert_eq!(text(&v, Field::DstHost), "0.0.0.0");
        assert_eq!(
            title(&v),
            "Internet Protocol Version 4, Src: 10.0.0.6, Dst: 0.0.0.0, Via: 10.0.0.138"
        );
        assert_eq!(v.payload(), &LOOSE_ROUTE[28..]);
    }

    #[test]
    fn timestamp_with_addresses() {
        let v = Ipv4View::new(&TIMESTAMP).unwrap();
        assert_eq!(text(&v, Field::OptType), "68");
        assert_eq!(text(&v, Field::OptLen), "36");
        assert_eq!(text(&v, Field::OptPtr), "29");
        assert_eq!(text(&v, Field::OptOverflow), "0");
        assert_eq!(text(&v, Field::OptFlag), "0x01");
        assert_eq!(
            text(&v, Field::OptTimeStamp),
            "70037668,77233718,77233718,0"
        );
        assert_eq!(
            text(&v, Field::OptTimeStampAddr),
            "10.0.0.6,10.0.0.138,10.0.0.138,0.0.0.0"
        );
        assert_eq!(text(&v, Field::OptTypeClass), "2");
    }

    #[test]
    fn cipso_then_eol() {
        let v = Ipv4View::new(&CIPSO).unwrap();
        assert_eq!(text(&v, Field::OptType), "134,0");
        assert_eq!(text(&v, Field::OptLen), "22");
        assert_eq!(text(&v, Field::CipsoDoi), "2");
        assert_eq!(text(&v, Field::CipsoTagType), "2");
        assert_eq!(text(&v, Field::CipsoSensitivityLevel), "2");
        assert_eq!(text(&v, Field::OptTypeCopy), "1,0");
        assert_eq!(text(&v, Field::Id), "0x7837");
        assert_eq!(text(&v, Field::Checksum), "0x752d");
    }

    #[test]
    fn bad_checksum_reports_the_expected_value() {
        let mut b = FRAGMENT;
        b[10] = 0;
        b[11] = 0;
        let mut v = Ipv4View::new(&b).unwrap();
        assert_eq!(v.verify_checksum(), Status::Bad { expected: 0x54d5 });
        v.set_checksum_status(v.verify_checksum());
        assert_eq!(text(&v, Field::ChecksumStatus), "0");
        assert_eq!(text(&v, Field::ChecksumCalculated), "0x54d5");
    }

    #[test]
    fn short_or_wrong_version_is_an_error() {
        assert_eq!(
            Ipv4View::new(&FRAGMENT[..19]).unwrap_err(),
            Error::Truncated {
                needed: 20,
                got: 19
            }
        );
        assert!(Ipv4View::new(&[]).is_err());
        let mut b = FRAGMENT;
        b[0] = 0x65;
        assert!(matches!(Ipv4View::new(&b), Err(Error::Malformed(_))));
    }

    #[test]
    fn ihl_below_five_stops_after_the_header_length() {
        let mut b = FRAGMENT;
        b[0] = 0x44;
        let v = Ipv4View::new(&b).unwrap();
        assert!(!v.header_len_field_ok());
        assert_eq!(v.header_len(), 20);
        assert_eq!(text(&v, Field::HdrLen), "16");
        assert_eq!(text(&v, Field::Version), "4");
        assert_eq!(text(&v, Field::Len), "");
        assert_eq!(text(&v, Field::Src), "");
        assert_eq!(v.verify_checksum(), Status::Unverified);
        assert_eq!(title(&v), "Internet Protocol Version 4");
        assert_eq!(v.payload(), &b[20..]);
    }

    #[test]
    fn ihl_past_the_end_clamps() {
        // IHL 15 (60 bytes), total length 100, but only 28 bytes captured.
        let mut b = FRAGMENT;
        b[0] = 0x4f;
        b[3] = 100;
        let mut v = Ipv4View::new(&b).unwrap();
        v.set_checksum_status(v.verify_checksum());
        assert!(!v.header_len_field_ok());
        assert!(v.total_len_field_ok());
        assert_eq!(v.ihl_bytes(), 60);
        assert_eq!(v.header_len(), 28);
        assert!(v.payload().is_empty());
        assert_eq!(v.wire_payload_len(), 40);
        assert_eq!(v.verify_checksum(), Status::Unverified);
        assert_eq!(text(&v, Field::ChecksumStatus), "2");
        assert_eq!(text(&v, Field::ChecksumCalculated), "");
        // tshark shows no option of an options area cut short.
        assert_eq!(v.options().count(), 0);
        assert_eq!(text(&v, Field::OptType), "");
        // Its walk for a source route stops at the EOL at byte 20, in the capture.
        assert_eq!(text(&v, Field::Dst), "2.2.2.2");
        // With total length 28 the header (60) does not fit: tshark stops
        // after ip.len.
        b[3] = 28;
        let v = Ipv4View::new(&b).unwrap();
        assert!(!v.total_len_field_ok());
        assert_eq!(v.wire_payload_len(), 0);
        assert_eq!(text(&v, Field::Len), "28");
        assert_eq!(text(&v, Field::ChecksumStatus), "");
    }

    #[test]
    fn option_walk_past_the_capture_stops_after_the_source() {
        // NOP, NOP, router alert, NOP, EOL: 28-byte header, 25 bytes captured.
        // tshark 4.0 reads past the capture looking for a source route and
        // gives up after ip.src (checked on this packet, crafted).
        let b = [
            0x47, 0x00, 0x00, 0x20, 0x12, 0x34, 0x00, 0x00, 0x40, 0xfd, 0xbb, 0xa5, 0x0a, 0x00,
            0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x01, 0x01, 0x94, 0x04, 0x00,
        ];
        let v = Ipv4View::new(&b).unwrap();
        assert_eq!(text(&v, Field::Src), "10.0.0.1");
        assert_eq!(text(&v, Field::Addr), "10.0.0.1");
        assert_eq!(text(&v, Field::Dst), "");
        assert_eq!(text(&v, Field::OptType), "");
        assert_eq!(title(&v), "Internet Protocol Version 4, Src: 10.0.0.1");
        // The accessors still read what is there.
        assert_eq!(v.dst(), [10, 0, 0, 2]);
        assert_eq!(v.final_dst(), [10, 0, 0, 2]);
    }

    #[test]
    fn total_len_below_header_len() {
        let mut b = FRAGMENT;
        b[2] = 0;
        b[3] = 10;
        let v = Ipv4View::new(&b).unwrap();
        assert!(!v.total_len_field_ok());
        assert!(v.payload().is_empty());
        assert_eq!(v.wire_payload_len(), 0);
        // tshark shows the fields up to the length and stops.
        assert_eq!(text(&v, Field::Len), "10");
        assert_eq!(text(&v, Field::Dsfield), "0x00");
        assert_eq!(text(&v, Field::Id), "");
        assert_eq!(title(&v), "Internet Protocol Version 4");
    }

    #[test]
    fn zero_total_len_is_tso() {
        let mut b = FRAGMENT;
        b[2] = 0;
        b[3] = 0;
        let mut v = Ipv4View::new(&b).unwrap();
        assert!(v.total_len_field_ok());
        assert_eq!(v.payload(), &b[20..]);
        assert_eq!(v.wire_payload_len(), 8);
        assert_eq!(text(&v, Field::Len), "28");
        v.set_reported_len(1500);
        assert_eq!(v.payload(), &b[20..]);
        assert_eq!(v.wire_payload_len(), 1480);
        assert_eq!(text(&v, Field::Len), "1500");
    }

    #[test]
    fn bad_options_stop_the_walk() {
        // NOP, then an option whose length runs past the options area.
        let mut b = ROUTER_ALERT.to_vec();
        b[20..24].copy_from_slice(&[0x01, 0x94, 0x09, 0x00]);
        let v = Ipv4View::new(&b).unwrap();
        assert_eq!(v.options().count(), 1);
        assert_eq!(text(&v, Field::OptType), "1");
        // A length of 0 or 1 stops it as well, and a missing length byte.
        b[20..24].copy_from_slice(&[0x94, 0x01, 0x00, 0x00]);
        assert_eq!(Ipv4View::new(&b).unwrap().options().count(), 0);
        b[20..24].copy_from_slice(&[0x01, 0x01, 0x01, 0x94]);
        assert_eq!(Ipv4View::new(&b).unwrap().options().count(), 3);
        // An option tshark has no dissector for shows no fields.
        b[20..24].copy_from_slice(&[0x99, 0x04, 0x00, 0x00]);
        let v = Ipv4View::new(&b).unwrap();
        assert_eq!(v.options().count(), 1);
        assert_eq!(text(&v, Field::OptType), "");
    }

    #[test]
    fn every_field_on_every_prefix_never_panics() {
        for sample in [
            &FRAGMENT[..],
            &ROUTER_ALERT,
            &RECORD_ROUTE,
            &LOOSE_ROUTE,
            &TIMESTAMP,
            &CIPSO,
        ] {
            for n in 0..=sample.len() {
                let Ok(v) = Ipv4View::new(&sample[..n]) else {
                    continue;
                };
                assert_ranges_within(FIELDS, n, |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                title(&v);
                let _ = (v.payload(), v.verify_checksum(), v.final_dst());
            }
        }
    }

    #[test]
    fn emit_pads_options() {
        let r = Ipv4Repr {
            ttl: 1,
            protocol: protocol::IGMP,
            options: vec![0x94, 0x04, 0x00],
            payload_len: 8,
            ..Default::default()
        };
        let mut buf = vec![0xee];
        r.emit(&mut buf);
        assert_eq!(buf.len(), 1 + 24);
        let v = Ipv4View::new(&buf[1..]).unwrap();
        assert_eq!(v.header_len(), 24);
        assert_eq!(v.options_bytes(), &[0x94, 0x04, 0x00, 0x00]);
        assert_eq!(v.total_len(), 32);
        assert_eq!(v.verify_checksum(), Status::Good);
    }

    #[test]
    fn real_header_round_trips() {
        for sample in [
            &FRAGMENT[..],
            &RECORD_ROUTE,
            &LOOSE_ROUTE,
            &TIMESTAMP,
            &CIPSO,
        ] {
            let v = Ipv4View::new(sample).unwrap();
            let r = Ipv4Repr::parse(&v);
            let mut buf = Vec::new();
            r.emit(&mut buf);
            assert_eq!(&buf[..], &sample[..v.header_len()]);
        }
    }

    proptest! {
        #[test]
        fn build_then_parse(
            dscp in 0u8..64, ecn in 0u8..4, ident: u16, df: bool, mf: bool,
            frag_offset in 0u16..0x2000, ttl: u8, protocol: u8,
            src: [u8; 4], dst: [u8; 4],
            words in 0usize..=10, fill: [u8; 40],
            payload_len in 0usize..2000,
        ) {
            let r = Ipv4Repr {
                dscp, ecn, ident, df, mf, frag_offset, ttl, protocol, src, dst,
                options: fill[..words * 4].to_vec(), payload_len,
            };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.resize(buf.len() + payload_len, 0x5a);
            let v = Ipv4View::new(&buf).unwrap();
            prop_assert_eq!(Ipv4Repr::parse(&v), r.clone());
            prop_assert_eq!(v.verify_checksum(), Status::Good);
            prop_assert_eq!(v.payload().len(), payload_len);
            // etherparse, an independent parser, reads the same header.
            let (e, rest) = etherparse::Ipv4Header::from_slice(&buf).unwrap();
            prop_assert_eq!(e.dscp.value(), dscp);
            prop_assert_eq!(e.ecn.value(), ecn);
            prop_assert_eq!(e.identification, ident);
            prop_assert_eq!(e.dont_fragment, df);
            prop_assert_eq!(e.more_fragments, mf);
            prop_assert_eq!(e.fragment_offset.value(), frag_offset);
            prop_assert_eq!(e.time_to_live, ttl);
            prop_assert_eq!(e.protocol.0, protocol);
            prop_assert_eq!(e.source, src);
            prop_assert_eq!(e.destination, dst);
            prop_assert_eq!(e.options.as_slice(), &r.options[..]);
            prop_assert_eq!(usize::from(e.total_len), r.header_len() + payload_len);
            prop_assert_eq!(e.header_checksum, e.calc_header_checksum());
            prop_assert_eq!(rest.len(), payload_len);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            if let Ok(v) = Ipv4View::new(&bytes) {
                assert_ranges_within(FIELDS, bytes.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                let mut t = String::new();
                v.title(&mut t);
                let _ = (v.payload(), v.verify_checksum(), v.options().count());
            }
        }
    }
}
