//! The Internet Control Message Protocol for IPv6 (RFC 4443), with
//! Neighbor Discovery (RFC 4861) and Multicast Listener Discovery (RFC 2710,
//! RFC 3810).
//!
//! Every message starts with type, code and checksum; the body depends on
//! the type. Error messages (types 1 to 4) quote the packet that caused them:
//! [`Icmpv6View::quoted`] gives those bytes for the dissector to read as an
//! inner IPv6 layer, as tshark does. Neighbor Discovery messages end in
//! options ([`Icmpv6View::options`]). The checksum covers the IPv6
//! pseudo-header ([`Icmpv6View::verify_checksum`]).

use crate::bytes::{array, be16, be32, tail, u8_at};
use crate::checksum::{self, Status};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::ops::Range;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const TYPE: Range<usize> = 0..1;
    pub const CODE: Range<usize> = 1..2;
    pub const CHECKSUM: Range<usize> = 2..4;
    /// Bytes 4..8: reserved, MTU, pointer, echo identifier and sequence, ...
    pub const WORD: Range<usize> = 4..8;
    pub const ECHO_ID: Range<usize> = 4..6;
    pub const ECHO_SEQ: Range<usize> = 6..8;
    /// Neighbor solicitation/advertisement and redirect target.
    pub const TARGET: Range<usize> = 8..24;
    /// Redirect destination.
    pub const DESTINATION: Range<usize> = 24..40;
    /// Router advertisement.
    pub const CUR_HOP_LIMIT: Range<usize> = 4..5;
    pub const RA_FLAGS: Range<usize> = 5..6;
    pub const ROUTER_LIFETIME: Range<usize> = 6..8;
    pub const REACHABLE: Range<usize> = 8..12;
    pub const RETRANS: Range<usize> = 12..16;
    /// Multicast listener query and report.
    pub const MLD_DELAY: Range<usize> = 4..6;
    pub const MLD_RESERVED: Range<usize> = 6..8;
    pub const MLD_ADDR: Range<usize> = 8..24;
    pub const MLD_FLAGS: Range<usize> = 24..25;
    pub const MLD_QQIC: Range<usize> = 25..26;
    pub const MLD_NB_SOURCES: Range<usize> = 26..28;
    pub const MLD_SOURCES: usize = 28;
    /// MLDv2 report.
    pub const MLDR_RESERVED: Range<usize> = 4..6;
    pub const MLDR_NB_RECORDS: Range<usize> = 6..8;
    pub const MLDR_RECORDS: usize = 8;
    pub const MIN_LEN: usize = 4;
    pub const HEADER_LEN: usize = 8;
}

/// ICMPv6 message types.
pub mod kind {
    pub const DEST_UNREACHABLE: u8 = 1;
    pub const PACKET_TOO_BIG: u8 = 2;
    pub const TIME_EXCEEDED: u8 = 3;
    pub const PARAMETER_PROBLEM: u8 = 4;
    pub const ECHO_REQUEST: u8 = 128;
    pub const ECHO_REPLY: u8 = 129;
    pub const MLD_QUERY: u8 = 130;
    pub const MLD_REPORT: u8 = 131;
    pub const MLD_DONE: u8 = 132;
    pub const ROUTER_SOLICIT: u8 = 133;
    pub const ROUTER_ADVERT: u8 = 134;
    pub const NEIGHBOR_SOLICIT: u8 = 135;
    pub const NEIGHBOR_ADVERT: u8 = 136;
    pub const REDIRECT: u8 = 137;
    pub const MLDV2_REPORT: u8 = 143;
    /// Mobile IPv6 home agent address discovery.
    pub const HAAD_REQUEST: u8 = 144;
    pub const HAAD_REPLY: u8 = 145;
}

/// Neighbor Discovery option types.
pub mod opt {
    pub const SOURCE_LLADDR: u8 = 1;
    pub const TARGET_LLADDR: u8 = 2;
    pub const PREFIX_INFO: u8 = 3;
    pub const REDIRECTED_HEADER: u8 = 4;
    pub const MTU: u8 = 5;
    pub const RDNSS: u8 = 25;
}

/// Neighbor advertisement flag bits (of the 32-bit word at offset 4).
pub mod na_flag {
    pub const ROUTER: u32 = 0x8000_0000;
    pub const SOLICITED: u32 = 0x4000_0000;
    pub const OVERRIDE: u32 = 0x2000_0000;
    pub const RESERVED: u32 = 0x1fff_ffff;
}

field_table! {
    Type: "icmpv6.type", "Type", Kind::Dec;
    Code: "icmpv6.code", "Code", Kind::Dec;
    Checksum: "icmpv6.checksum", "Checksum", Kind::Hex(4);
    ChecksumStatus: "icmpv6.checksum.status", "Checksum Status", Kind::Dec;
    Reserved: "icmpv6.reserved", "Reserved", Kind::Bytes;
    Data: "icmpv6.data", "Data", Kind::Bytes;
    Mtu: "icmpv6.mtu", "MTU", Kind::Dec;
    Pointer: "icmpv6.pointer", "Pointer", Kind::Dec;
    EchoId: "icmpv6.echo.identifier", "Identifier", Kind::Hex(4);
    EchoSeq: "icmpv6.echo.sequence_number", "Sequence", Kind::Dec;
    RaCurHopLimit: "icmpv6.nd.ra.cur_hop_limit", "Cur hop limit", Kind::Dec;
    RaFlag: "icmpv6.nd.ra.flag", "Flags", Kind::Hex(2);
    RaFlagM: "icmpv6.nd.ra.flag.m", "Managed address configuration", Kind::Bool;
    RaFlagO: "icmpv6.nd.ra.flag.o", "Other configuration", Kind::Bool;
    RaFlagH: "icmpv6.nd.ra.flag.h", "Home Agent", Kind::Bool;
    RaFlagPrf: "icmpv6.nd.ra.flag.prf", "Prf (Default Router Preference)", Kind::Dec;
    RaFlagP: "icmpv6.nd.ra.flag.p", "Proxy", Kind::Bool;
    RaFlagRsv: "icmpv6.nd.ra.flag.rsv", "Reserved", Kind::Dec;
    RaRouterLifetime: "icmpv6.nd.ra.router_lifetime", "Router lifetime (s)", Kind::Dec;
    RaReachableTime: "icmpv6.nd.ra.reachable_time", "Reachable time (ms)", Kind::Dec;
    RaRetransTimer: "icmpv6.nd.ra.retrans_timer", "Retrans timer (ms)", Kind::Dec;
    NsTarget: "icmpv6.nd.ns.target_address", "Target Address", Kind::Ipv6;
    NaFlag: "icmpv6.nd.na.flag", "Flags", Kind::Hex(8);
    NaFlagR: "icmpv6.nd.na.flag.r", "Router", Kind::Bool;
    NaFlagS: "icmpv6.nd.na.flag.s", "Solicited", Kind::Bool;
    NaFlagO: "icmpv6.nd.na.flag.o", "Override", Kind::Bool;
    NaFlagRsv: "icmpv6.nd.na.flag.rsv", "Reserved", Kind::Dec;
    NaTarget: "icmpv6.nd.na.target_address", "Target Address", Kind::Ipv6;
    RdTarget: "icmpv6.nd.rd.target_address", "Target Address", Kind::Ipv6;
    RdDestination: "icmpv6.rd.na.destination_address", "Destination Address", Kind::Ipv6;
    Opt: "icmpv6.opt", "ICMPv6 Option", Kind::None;
    OptType: "icmpv6.opt.type", "Type", Kind::Dec;
    OptLength: "icmpv6.opt.length", "Length", Kind::Dec;
    OptInvalidLength: "icmpv6.invalid_option_length", "Invalid option length", Kind::None;
    OptReserved: "icmpv6.opt.reserved", "Reserved", Kind::None;
    OptLinkaddr: "icmpv6.opt.linkaddr", "Link-layer address", Kind::Ether;
    OptSrcLinkaddr: "icmpv6.opt.src_linkaddr", "Source Link-layer address", Kind::Ether;
    OptTargetLinkaddr: "icmpv6.opt.target_linkaddr", "Target Link-layer address", Kind::Ether;
    OptPrefixLength: "icmpv6.opt.prefix.length", "Prefix Length", Kind::Dec;
    OptPrefixFlag: "icmpv6.opt.prefix.flag", "Flag", Kind::Hex(2);
    OptPrefixFlagL: "icmpv6.opt.prefix.flag.l", "On-link flag(L)", Kind::Bool;
    OptPrefixFlagA: "icmpv6.opt.prefix.flag.a", "Autonomous address-configuration flag(A)", Kind::Bool;
    OptPrefixFlagR: "icmpv6.opt.prefix.flag.r", "Router address flag(R)", Kind::Bool;
    OptPrefixFlagReserved: "icmpv6.opt.prefix.flag.reserved", "Reserved", Kind::Dec;
    OptPrefixValidLifetime: "icmpv6.opt.prefix.valid_lifetime", "Valid Lifetime", Kind::Dec;
    OptPrefixPreferredLifetime: "icmpv6.opt.prefix.preferred_lifetime", "Preferred Lifetime", Kind::Dec;
    OptPrefix: "icmpv6.opt.prefix", "Prefix", Kind::Ipv6;
    OptRedirectedPacket: "icmpv6.opt.redirected_packet", "Redirected Packet", Kind::None;
    OptMtu: "icmpv6.opt.mtu", "MTU", Kind::Dec;
    OptRdnssLifetime: "icmpv6.opt.rdnss.lifetime", "Lifetime", Kind::Dec;
    OptRdnss: "icmpv6.opt.rdnss", "Recursive DNS Servers", Kind::Ipv6;
    MldMaxResponseDelay: "icmpv6.mld.maximum_response_delay", "Maximum Response Delay [ms]", Kind::Dec;
    MldMaxResponseCode: "icmpv6.mld.maximum_response_code", "Maximum Response Code", Kind::Dec;
    MldMulticastAddress: "icmpv6.mld.multicast_address", "Multicast Address", Kind::Ipv6;
    MldFlag: "icmpv6.mld.flag", "Flags", Kind::Hex(2);
    MldFlagS: "icmpv6.mld.flag.s", "Suppress Router-Side Processing", Kind::Bool;
    MldFlagQrv: "icmpv6.mld.flag.qrv", "QRV (Querier's Robustness Variable)", Kind::Dec;
    MldQqi: "icmpv6.mld.qqi", "QQIC (Querier's Query Interval Code)", Kind::Dec;
    MldNbSources: "icmpv6.mld.nb_sources", "Number of Sources", Kind::Dec;
    MldSourceAddress: "icmpv6.mld.source_address", "Source Address", Kind::Ipv6;
    MldrNbRecords: "icmpv6.mldr.nb_mcast_records", "Number of Multicast Address Records", Kind::Dec;
    MldrMar: "icmpv6.mldr.mar", "Multicast Address Record", Kind::None;
    MldrRecordType: "icmpv6.mldr.mar.record_type", "Record Type", Kind::Dec;
    MldrAuxDataLen: "icmpv6.mldr.mar.aux_data_len", "Aux Data Len", Kind::Dec;
    MldrNbSources: "icmpv6.mldr.mar.nb_sources", "Number of Sources", Kind::Dec;
    MldrMulticastAddress: "icmpv6.mldr.mar.multicast_address", "Multicast Address", Kind::Ipv6;
    MldrSourceAddress: "icmpv6.mldr.mar.source_address", "Source Address", Kind::Ipv6;
    MldrAuxData: "icmpv6.mldr.mar.auxiliary_data", "Aux Data", Kind::Bytes;
}

/// A view over an ICMPv6 message.
#[derive(Clone, Copy, Debug)]
pub struct Icmpv6View<'a> {
    bytes: &'a [u8],
    /// The message's length on the wire (the IPv6 payload length).
    wire_len: usize,
    checksum_status: Status,
}

impl<'a> Icmpv6View<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold at least type, code and checksum
    /// (the body's fields show only where captured, as in tshark).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::MIN_LEN)?;
        Ok(Icmpv6View {
            bytes,
            wire_len: bytes.len(),
            checksum_status: Status::Unverified,
        })
    }

    /// The message's length on the wire per the IPv6 header (default: the
    /// captured length).
    pub fn with_wire_len(mut self, len: usize) -> Self {
        self.wire_len = len;
        self
    }

    /// Record the result of [`Icmpv6View::verify_checksum`] for `icmpv6.checksum.status`.
    pub fn set_checksum_status(&mut self, s: Status) {
        self.checksum_status = s;
    }

    pub fn checksum_status(&self) -> Status {
        self.checksum_status
    }

    /// The message type.
    pub fn kind(&self) -> u8 {
        u8_at(self.bytes, at::TYPE.start).unwrap_or(0)
    }

    pub fn code(&self) -> u8 {
        u8_at(self.bytes, at::CODE.start).unwrap_or(0)
    }

    pub fn checksum(&self) -> u16 {
        be16(self.bytes, at::CHECKSUM.start).unwrap_or(0)
    }

    /// Bytes 4..8 as a big-endian number (MTU of packet too big, pointer of
    /// parameter problem, flags of neighbor advertisement).
    pub fn word(&self) -> u32 {
        be32(self.bytes, at::WORD.start).unwrap_or(0)
    }

    /// Echo identifier.
    pub fn echo_ident(&self) -> u16 {
        be16(self.bytes, at::ECHO_ID.start).unwrap_or(0)
    }

    /// Echo sequence number.
    pub fn echo_seq(&self) -> u16 {
        be16(self.bytes, at::ECHO_SEQ.start).unwrap_or(0)
    }

    /// Target address of a neighbor solicitation, advertisement or redirect.
    pub fn target(&self) -> Option<[u8; 16]> {
        match self.kind() {
            kind::NEIGHBOR_SOLICIT | kind::NEIGHBOR_ADVERT | kind::REDIRECT => {
                array(self.bytes, at::TARGET.start)
            }
            _ => None,
        }
    }

    /// Whether the message is an error that quotes a packet (types 1 to 4).
    pub fn is_error(&self) -> bool {
        (kind::DEST_UNREACHABLE..=kind::PARAMETER_PROBLEM).contains(&self.kind())
    }

    fn is_echo(&self) -> bool {
        matches!(self.kind(), kind::ECHO_REQUEST | kind::ECHO_REPLY)
    }

    /// The packet quoted by an error message (types 1 to 4), as captured;
    /// `None` for other types. May be short: the inner view decides.
    pub fn quoted(&self) -> Option<&'a [u8]> {
        self.is_error().then(|| tail(self.bytes, at::HEADER_LEN))
    }

    /// The bytes this layer covers: 8 for errors and echo (the quote and
    /// the echo data follow), the whole message for the other types.
    pub fn header_len(&self) -> usize {
        if self.is_error() || self.is_echo() {
            at::HEADER_LEN.min(self.bytes.len())
        } else {
            self.bytes.len()
        }
    }

    /// Echo data (the `data` layer) or the quoted packet of an error; empty
    /// for the other types, whose body this view reads itself.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.header_len())
    }

    /// Where Neighbor Discovery options start, for the types that have them.
    fn options_start(&self) -> Option<usize> {
        match self.kind() {
            kind::ROUTER_SOLICIT => Some(8),
            kind::ROUTER_ADVERT => Some(16),
            kind::NEIGHBOR_SOLICIT | kind::NEIGHBOR_ADVERT => Some(24),
            kind::REDIRECT => Some(40),
            _ => None,
        }
    }

    /// The Neighbor Discovery options (router solicitation and advertisement,
    /// neighbor solicitation and advertisement, redirect); empty for others.
    pub fn options(&self) -> NdOptions<'a> {
        let start = self.options_start();
        NdOptions {
            bytes: self.bytes,
            pos: start.unwrap_or(usize::MAX),
            wire_len: self.wire_len,
            malformed: false,
        }
    }

    /// Whether an option has length zero or runs past the message.
    pub fn options_malformed(&self) -> bool {
        let mut it = self.options();
        it.by_ref().for_each(drop);
        it.malformed()
    }

    /// The link-layer address in a source (or, for neighbor advertisements
    /// and redirects, target) link-layer address option.
    pub fn lladdr(&self) -> Option<[u8; 6]> {
        self.options()
            .find(|o| o.valid && matches!(o.kind, opt::SOURCE_LLADDR | opt::TARGET_LLADDR))
            .and_then(|o| array(o.data, 0).filter(|_| o.data.len() == 6))
    }

    /// Whether a multicast listener query is MLDv2 (at least 28 bytes).
    fn mldv2_query(&self) -> bool {
        self.kind() == kind::MLD_QUERY && self.wire_len >= at::MLD_SOURCES
    }

    /// Check the checksum against the pseudo-header partial sum from
    /// [`checksum::pseudo_header`]`(src, dst, 58, wire_len)`. `Unverified`
    /// when the capture holds less than the whole message.
    pub fn verify_checksum(&self, pseudo: u32) -> Status {
        let Some(m) = self.bytes.get(..self.wire_len) else {
            return Status::Unverified;
        };
        if checksum::finish(checksum::combine(pseudo, checksum::sum(m))) == 0 {
            return Status::Good;
        }
        let before = m.get(..at::CHECKSUM.start).unwrap_or(&[]);
        let after = m.get(at::CHECKSUM.end..).unwrap_or(&[]);
        let s = checksum::combine(checksum::sum(before), checksum::sum(after));
        Status::Bad {
            expected: checksum::finish(checksum::combine(pseudo, s)),
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        let k = self.kind();
        let uint = |n: u64| Value::UInt(n);
        // Emit `v` read at `r` when the bytes are there.
        let mut put = |v: Option<Value<'a>>, r: Range<usize>| {
            if let Some(v) = v {
                out.value(v, r)
            }
        };
        let u8v = |r: &Range<usize>| u8_at(b, r.start).map(|n| uint(n.into()));
        let u16v = |r: &Range<usize>| be16(b, r.start).map(|n| uint(n.into()));
        let u32v = |r: &Range<usize>| be32(b, r.start).map(|n| uint(n.into()));
        let ip6 = |r: &Range<usize>| array::<16>(b, r.start).map(Value::Ipv6);
        let raw = |r: &Range<usize>| b.get(r.clone()).map(Value::Bytes);
        let ra = k == kind::ROUTER_ADVERT;
        let na = k == kind::NEIGHBOR_ADVERT;
        let mldv1 = matches!(k, kind::MLD_REPORT | kind::MLD_DONE)
            || (k == kind::MLD_QUERY && !self.mldv2_query());
        let ra_flag = |mask: u8| u8_at(b, at::RA_FLAGS.start).map(|x| x & mask);
        let na_flag = |mask: u32| be32(b, at::WORD.start).map(|x| x & mask);
        match f {
            Field::Type => put(u8v(&at::TYPE), at::TYPE),
            Field::Code => put(u8v(&at::CODE), at::CODE),
            Field::Checksum => put(u16v(&at::CHECKSUM), at::CHECKSUM),
            Field::ChecksumStatus => put(Some(uint(self.checksum_status.code())), at::CHECKSUM),
            Field::Reserved => {
                let r = match k {
                    kind::DEST_UNREACHABLE
                    | kind::TIME_EXCEEDED
                    | kind::ROUTER_SOLICIT
                    | kind::NEIGHBOR_SOLICIT
                    | kind::REDIRECT => at::WORD,
                    kind::MLD_QUERY | kind::MLD_REPORT | kind::MLD_DONE => at::MLD_RESERVED,
                    kind::MLDV2_REPORT => at::MLDR_RESERVED,
                    kind::HAAD_REQUEST | kind::HAAD_REPLY => at::MLD_RESERVED,
                    _ => return,
                };
                put(raw(&r), r)
            }
            Field::Data => {
                // The body of a type tshark does not decode.
                if !type_known(k) && b.len() > at::WORD.start {
                    put(raw(&(at::WORD.start..b.len())), at::WORD.start..b.len())
                }
                // The contents of options tshark does not decode.
                for o in self.options().filter(|o| o.valid && !option_known(o.kind)) {
                    if !o.data.is_empty() {
                        put(Some(Value::Bytes(o.data)), o.range.start + 2..o.range.end)
                    }
                }
            }
            Field::Mtu if k == kind::PACKET_TOO_BIG => put(u32v(&at::WORD), at::WORD),
            Field::Pointer if k == kind::PARAMETER_PROBLEM => put(u32v(&at::WORD), at::WORD),
            Field::EchoId if self.is_echo() => put(u16v(&at::ECHO_ID), at::ECHO_ID),
            Field::EchoSeq if self.is_echo() => put(u16v(&at::ECHO_SEQ), at::ECHO_SEQ),
            Field::RaCurHopLimit if ra => put(u8v(&at::CUR_HOP_LIMIT), at::CUR_HOP_LIMIT),
            Field::RaFlag if ra => put(u8v(&at::RA_FLAGS), at::RA_FLAGS),
            Field::RaFlagM if ra => put(ra_flag(0x80).map(|x| Value::Bool(x != 0)), at::RA_FLAGS),
            Field::RaFlagO if ra => put(ra_flag(0x40).map(|x| Value::Bool(x != 0)), at::RA_FLAGS),
            Field::RaFlagH if ra => put(ra_flag(0x20).map(|x| Value::Bool(x != 0)), at::RA_FLAGS),
            Field::RaFlagPrf if ra => {
                put(ra_flag(0x18).map(|x| uint((x >> 3).into())), at::RA_FLAGS)
            }
            Field::RaFlagP if ra => put(ra_flag(0x04).map(|x| Value::Bool(x != 0)), at::RA_FLAGS),
            Field::RaFlagRsv if ra => put(ra_flag(0x03).map(|x| uint(x.into())), at::RA_FLAGS),
            Field::RaRouterLifetime if ra => put(u16v(&at::ROUTER_LIFETIME), at::ROUTER_LIFETIME),
            Field::RaReachableTime if ra => put(u32v(&at::REACHABLE), at::REACHABLE),
            Field::RaRetransTimer if ra => put(u32v(&at::RETRANS), at::RETRANS),
            Field::NsTarget if k == kind::NEIGHBOR_SOLICIT => put(ip6(&at::TARGET), at::TARGET),
            Field::NaFlag if na => put(u32v(&at::WORD), at::WORD),
            Field::NaFlagR if na => put(
                na_flag(na_flag::ROUTER).map(|x| Value::Bool(x != 0)),
                at::WORD,
            ),
            Field::NaFlagS if na => put(
                na_flag(na_flag::SOLICITED).map(|x| Value::Bool(x != 0)),
                at::WORD,
            ),
            Field::NaFlagO if na => put(
                na_flag(na_flag::OVERRIDE).map(|x| Value::Bool(x != 0)),
                at::WORD,
            ),
            Field::NaFlagRsv if na => {
                put(na_flag(na_flag::RESERVED).map(|x| uint(x.into())), at::WORD)
            }
            Field::NaTarget if na => put(ip6(&at::TARGET), at::TARGET),
            Field::RdTarget if k == kind::REDIRECT => put(ip6(&at::TARGET), at::TARGET),
            Field::RdDestination if k == kind::REDIRECT => {
                put(ip6(&at::DESTINATION), at::DESTINATION)
            }
            Field::MldMaxResponseDelay if mldv1 => put(u16v(&at::MLD_DELAY), at::MLD_DELAY),
            Field::MldMaxResponseCode if self.mldv2_query() => {
                put(u16v(&at::MLD_DELAY), at::MLD_DELAY)
            }
            Field::MldMulticastAddress if mldv1 || self.mldv2_query() => {
                put(ip6(&at::MLD_ADDR), at::MLD_ADDR)
            }
            Field::MldFlag | Field::MldFlagS | Field::MldFlagQrv if self.mldv2_query() => {
                let v = u8_at(b, at::MLD_FLAGS.start).map(|x| match f {
                    Field::MldFlag => uint(x.into()),
                    Field::MldFlagS => Value::Bool(x & 0x08 != 0),
                    _ => uint((x & 0x07).into()),
                });
                put(v, at::MLD_FLAGS)
            }
            Field::MldQqi if self.mldv2_query() => put(u8v(&at::MLD_QQIC), at::MLD_QQIC),
            Field::MldNbSources if self.mldv2_query() => {
                put(u16v(&at::MLD_NB_SOURCES), at::MLD_NB_SOURCES)
            }
            Field::MldSourceAddress if self.mldv2_query() => {
                let n = usize::from(be16(b, at::MLD_NB_SOURCES.start).unwrap_or(0));
                for i in 0..n {
                    let s = at::MLD_SOURCES + i * 16;
                    if let Some(a) = array::<16>(b, s) {
                        out.value(Value::Ipv6(a), s..s + 16)
                    } else {
                        break;
                    }
                }
            }
            Field::MldrNbRecords if k == kind::MLDV2_REPORT => {
                put(u16v(&at::MLDR_NB_RECORDS), at::MLDR_NB_RECORDS)
            }
            Field::MldrMar
            | Field::MldrRecordType
            | Field::MldrAuxDataLen
            | Field::MldrNbSources
            | Field::MldrMulticastAddress
            | Field::MldrSourceAddress
            | Field::MldrAuxData
                if k == kind::MLDV2_REPORT =>
            {
                self.mld_records(f, out)
            }
            _ => {
                if self.options_start().is_some() {
                    self.option_field(f, out)
                }
            }
        }
    }

    /// Fields of the MLDv2 report's multicast address records.
    fn mld_records(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        let n = be16(b, at::MLDR_NB_RECORDS.start).unwrap_or(0);
        let mut pos = at::MLDR_RECORDS;
        for _ in 0..n {
            let (Some(rtype), Some(aux), Some(nsrc)) =
                (u8_at(b, pos), u8_at(b, pos + 1), be16(b, pos + 2))
            else {
                return;
            };
            let srcs = pos + 20;
            let aux_at = srcs.saturating_add(usize::from(nsrc) * 16);
            let end = aux_at.saturating_add(usize::from(aux) * 4);
            let uint = |n: u64| Value::UInt(n);
            match f {
                Field::MldrMar => out.value(Value::Present, pos..end.min(b.len())),
                Field::MldrRecordType => out.value(uint(rtype.into()), pos..pos + 1),
                Field::MldrAuxDataLen => out.value(uint(aux.into()), pos + 1..pos + 2),
                Field::MldrNbSources => out.value(uint(nsrc.into()), pos + 2..pos + 4),
                Field::MldrMulticastAddress => {
                    if let Some(a) = array::<16>(b, pos + 4) {
                        out.value(Value::Ipv6(a), pos + 4..pos + 20)
                    }
                }
                Field::MldrSourceAddress => {
                    for i in 0..usize::from(nsrc) {
                        let s = srcs + i * 16;
                        match array::<16>(b, s) {
                            Some(a) => out.value(Value::Ipv6(a), s..s + 16),
                            None => break,
                        }
                    }
                }
                Field::MldrAuxData if aux > 0 => {
                    if let Some(d) = b.get(aux_at..end) {
                        out.value(Value::Bytes(d), aux_at..end)
                    }
                }
                _ => {}
            }
            pos = end;
        }
    }

    /// Fields read from the Neighbor Discovery options, one occurrence per
    /// option that has them.
    fn option_field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let uint = |n: u64| Value::UInt(n);
        for o in self.options() {
            let s = o.range.start;
            let d = o.data;
            // Offsets inside the option (from its type byte).
            let at_ = |off: usize, len: usize| s + off..s + off + len;
            let dv8 = |off: usize| u8_at(d, off - 2);
            let dv32 = |off: usize| be32(d, off - 2);
            match f {
                Field::Opt => out.value(Value::Present, o.range.clone()),
                Field::OptType => out.value(uint(o.kind.into()), at_(0, 1)),
                Field::OptLength => out.value(uint(o.len_units.into()), at_(1, 1)),
                Field::OptInvalidLength if o.len_units == 0 => out.value(Value::Present, at_(1, 1)),
                _ if !o.valid => {}
                Field::OptLinkaddr | Field::OptSrcLinkaddr | Field::OptTargetLinkaddr
                    if matches!(o.kind, opt::SOURCE_LLADDR | opt::TARGET_LLADDR) =>
                {
                    let wanted = match f {
                        Field::OptSrcLinkaddr => o.kind == opt::SOURCE_LLADDR,
                        Field::OptTargetLinkaddr => o.kind == opt::TARGET_LLADDR,
                        _ => true,
                    };
                    if wanted {
                        let v = match array::<6>(d, 0) {
                            Some(m) if d.len() == 6 => Value::Ether(m),
                            _ => Value::Bytes(d),
                        };
                        out.value(v, s + 2..o.range.end)
                    }
                }
                Field::OptReserved => {
                    let r = match o.kind {
                        opt::PREFIX_INFO => Some(at_(12, 4)),
                        opt::REDIRECTED_HEADER => Some(at_(2, 6)),
                        opt::MTU | opt::RDNSS => Some(at_(2, 2)),
                        _ => None,
                    };
                    if let Some(r) = r.filter(|r| r.end <= o.range.end) {
                        out.value(Value::Present, r)
                    }
                }
                Field::OptRedirectedPacket if o.kind == opt::REDIRECTED_HEADER && d.len() > 6 => {
                    out.value(Value::Present, s + 8..o.range.end)
                }
                Field::OptMtu if o.kind == opt::MTU => {
                    if let Some(m) = dv32(4) {
                        out.value(uint(m.into()), at_(4, 4))
                    }
                }
                Field::OptPrefixLength if o.kind == opt::PREFIX_INFO => {
                    if let Some(n) = dv8(2) {
                        out.value(uint(n.into()), at_(2, 1))
                    }
                }
                Field::OptPrefixFlag
                | Field::OptPrefixFlagL
                | Field::OptPrefixFlagA
                | Field::OptPrefixFlagR
                | Field::OptPrefixFlagReserved
                    if o.kind == opt::PREFIX_INFO =>
                {
                    if let Some(x) = dv8(3) {
                        let v = match f {
                            Field::OptPrefixFlag => uint(x.into()),
                            Field::OptPrefixFlagL => Value::Bool(x & 0x80 != 0),
                            Field::OptPrefixFlagA => Value::Bool(x & 0x40 != 0),
                            Field::OptPrefixFlagR => Value::Bool(x & 0x20 != 0),
                            _ => uint((x & 0x1f).into()),
                        };
                        out.value(v, at_(3, 1))
                    }
                }
                Field::OptPrefixValidLifetime if o.kind == opt::PREFIX_INFO => {
                    if let Some(n) = dv32(4) {
                        out.value(uint(n.into()), at_(4, 4))
                    }
                }
                Field::OptPrefixPreferredLifetime if o.kind == opt::PREFIX_INFO => {
                    if let Some(n) = dv32(8) {
                        out.value(uint(n.into()), at_(8, 4))
                    }
                }
                Field::OptPrefix if o.kind == opt::PREFIX_INFO => {
                    if let Some(a) = array::<16>(d, 14) {
                        out.value(Value::Ipv6(a), at_(16, 16))
                    }
                }
                Field::OptRdnssLifetime if o.kind == opt::RDNSS => {
                    if let Some(n) = dv32(4) {
                        out.value(uint(n.into()), at_(4, 4))
                    }
                }
                Field::OptRdnss if o.kind == opt::RDNSS => {
                    for (i, c) in tail(d, 6).chunks_exact(16).enumerate() {
                        if let Some(a) = array::<16>(c, 0) {
                            out.value(Value::Ipv6(a), at_(8 + i * 16, 16))
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// `Internet Control Message Protocol v6`, as tshark titles it.
    pub fn title(&self, out: &mut String) {
        out.push_str("Internet Control Message Protocol v6");
    }
}

/// Message types tshark 4.0 decodes (the body of others shows as `icmpv6.data`).
fn type_known(kind: u8) -> bool {
    matches!(kind, 1..=4 | 128..=161)
}

/// Option types tshark 4.0 decodes (others show as `icmpv6.data`).
fn option_known(kind: u8) -> bool {
    (1..=40).contains(&kind)
}

/// One Neighbor Discovery option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NdOption<'a> {
    pub kind: u8,
    /// The length field, in units of 8 bytes.
    pub len_units: u8,
    /// The bytes after type and length (empty when not `valid`).
    pub data: &'a [u8],
    /// Where the option lies relative to the start of the message (only
    /// type and length when not `valid`).
    pub range: Range<usize>,
    /// False for an option of length zero or running past the message or
    /// the capture; iteration stops after it.
    pub valid: bool,
}

/// Iterator over Neighbor Discovery options.
#[derive(Clone, Debug)]
pub struct NdOptions<'a> {
    bytes: &'a [u8],
    pos: usize,
    wire_len: usize,
    malformed: bool,
}

impl NdOptions<'_> {
    /// Whether iteration stopped on an option of length zero or one that
    /// runs past the message as sent.
    pub fn malformed(&self) -> bool {
        self.malformed
    }
}

impl<'a> Iterator for NdOptions<'a> {
    type Item = NdOption<'a>;

    fn next(&mut self) -> Option<NdOption<'a>> {
        let start = self.pos;
        let kind = u8_at(self.bytes, start)?;
        let Some(len_units) = u8_at(self.bytes, start + 1) else {
            self.malformed = start + 1 >= self.wire_len;
            self.pos = usize::MAX;
            return None;
        };
        let end = start + usize::from(len_units) * 8;
        let data = self.bytes.get(start + 2..end);
        let valid = len_units > 0 && data.is_some();
        if !valid {
            self.malformed = len_units == 0 || end > self.wire_len;
            self.pos = usize::MAX;
            return Some(NdOption {
                kind,
                len_units,
                data: &[],
                range: start..start + 2,
                valid,
            });
        }
        self.pos = end;
        Some(NdOption {
            kind,
            len_units,
            data: data.unwrap_or(&[]),
            range: start..end,
            valid,
        })
    }
}

/// The plain values of the ICMPv6 messages we build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icmpv6Repr {
    EchoRequest {
        ident: u16,
        seq: u16,
    },
    EchoReply {
        ident: u16,
        seq: u16,
    },
    NeighborSolicit {
        target: [u8; 16],
        /// A source link-layer address option.
        source_lladdr: Option<[u8; 6]>,
    },
    NeighborAdvert {
        /// Router, solicited and override bits ([`na_flag`]).
        flags: u32,
        target: [u8; 16],
        /// A target link-layer address option.
        target_lladdr: Option<[u8; 6]>,
    },
}

impl Icmpv6Repr {
    /// The message the view holds, if it is one we build.
    pub fn parse(v: &Icmpv6View) -> Option<Self> {
        let lladdr = |want: u8| {
            v.options()
                .find(|o| o.valid && o.kind == want)
                .and_then(|o| array::<6>(o.data, 0))
        };
        match v.kind() {
            kind::ECHO_REQUEST => Some(Icmpv6Repr::EchoRequest {
                ident: v.echo_ident(),
                seq: v.echo_seq(),
            }),
            kind::ECHO_REPLY => Some(Icmpv6Repr::EchoReply {
                ident: v.echo_ident(),
                seq: v.echo_seq(),
            }),
            kind::NEIGHBOR_SOLICIT => Some(Icmpv6Repr::NeighborSolicit {
                target: v.target()?,
                source_lladdr: lladdr(opt::SOURCE_LLADDR),
            }),
            kind::NEIGHBOR_ADVERT => Some(Icmpv6Repr::NeighborAdvert {
                flags: v.word() & !na_flag::RESERVED,
                target: v.target()?,
                target_lladdr: lladdr(opt::TARGET_LLADDR),
            }),
            _ => None,
        }
    }

    /// Append the message and `payload` (echo data; nothing else takes one)
    /// to `buf`, with the checksum over the pseudo-header of `src_addr` and
    /// `dst_addr` (16 bytes each).
    pub fn emit(&self, buf: &mut Vec<u8>, payload: &[u8], src_addr: &[u8], dst_addr: &[u8]) {
        let start = buf.len();
        let lladdr = |buf: &mut Vec<u8>, t: u8, a: &Option<[u8; 6]>| {
            if let Some(m) = a {
                buf.extend_from_slice(&[t, 1]);
                buf.extend_from_slice(m);
            }
        };
        match self {
            Icmpv6Repr::EchoRequest { ident, seq } | Icmpv6Repr::EchoReply { ident, seq } => {
                let t = if matches!(self, Icmpv6Repr::EchoRequest { .. }) {
                    kind::ECHO_REQUEST
                } else {
                    kind::ECHO_REPLY
                };
                buf.extend_from_slice(&[t, 0, 0, 0]);
                buf.extend_from_slice(&ident.to_be_bytes());
                buf.extend_from_slice(&seq.to_be_bytes());
                buf.extend_from_slice(payload);
            }
            Icmpv6Repr::NeighborSolicit {
                target,
                source_lladdr,
            } => {
                buf.extend_from_slice(&[kind::NEIGHBOR_SOLICIT, 0, 0, 0, 0, 0, 0, 0]);
                buf.extend_from_slice(target);
                lladdr(buf, opt::SOURCE_LLADDR, source_lladdr);
            }
            Icmpv6Repr::NeighborAdvert {
                flags,
                target,
                target_lladdr,
            } => {
                buf.extend_from_slice(&[kind::NEIGHBOR_ADVERT, 0, 0, 0]);
                buf.extend_from_slice(&(flags & !na_flag::RESERVED).to_be_bytes());
                buf.extend_from_slice(target);
                lladdr(buf, opt::TARGET_LLADDR, target_lladdr);
            }
        }
        let msg = tail(buf, start);
        let len = u32::try_from(msg.len()).unwrap_or(u32::MAX);
        let pseudo = checksum::pseudo_header(src_addr, dst_addr, 58, len);
        let ck = checksum::finish(checksum::combine(pseudo, checksum::sum(msg)));
        if let Some(c) = buf.get_mut(start + at::CHECKSUM.start..start + at::CHECKSUM.end) {
            c.copy_from_slice(&ck.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::values_checked;
    use proptest::prelude::*;

    fn v6(s: &str) -> [u8; 16] {
        s.parse::<std::net::Ipv6Addr>().unwrap().octets()
    }

    /// From a real capture: fe80::200:86ff:fe05:80da asks for
    /// fe80::260:97ff:fe07:69ea (unicast), with its link-layer address.
    const NS: [u8; 32] = [
        0x87, 0x00, 0x68, 0xbd, 0x00, 0x00, 0x00, 0x00, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x02, 0x60, 0x97, 0xff, 0xfe, 0x07, 0x69, 0xea, 0x01, 0x01, 0x00, 0x00, 0x86, 0x05,
        0x80, 0xda,
    ];
    /// The answer (router, solicited), fe80::260:97ff:fe07:69ea -> fe80::200:86ff:fe05:80da.
    const NA: [u8; 24] = [
        0x88, 0x00, 0xaf, 0xa5, 0xc0, 0x00, 0x00, 0x00, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x02, 0x60, 0x97, 0xff, 0xfe, 0x07, 0x69, 0xea,
    ];
    /// A router advertisement from the same capture
    /// (fe80::260:97ff:fe07:69ea -> ff02::1): link-layer address, MTU 1500,
    /// prefix 3ffe:507:0:1::/64.
    const RA: [u8; 64] = [
        0x86, 0x00, 0x46, 0x25, 0x40, 0x00, 0x07, 0x08, 0x00, 0x00, 0x75, 0x30, 0x00, 0x00, 0x03,
        0xe8, 0x01, 0x01, 0x00, 0x60, 0x97, 0x07, 0x69, 0xea, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x05, 0xdc, 0x03, 0x04, 0x40, 0xc0, 0x00, 0x36, 0xee, 0x80, 0x00, 0x36, 0xee, 0x80, 0x00,
        0x00, 0x00, 0x00, 0x3f, 0xfe, 0x05, 0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
    ];
    /// An echo request (3ffe:507:0:1:200:86ff:fe05:80da -> 3ffe:501:0:1001::2).
    const ECHO: [u8; 16] = [
        0x80, 0x00, 0xa5, 0x72, 0x76, 0x20, 0x00, 0x00, 0x01, 0xc9, 0xe7, 0x36, 0xd3, 0x39, 0x06,
        0x00,
    ];
    /// A time exceeded (3ffe:507:0:1:260:97ff:fe07:69ea -> 3ffe:507:0:1:200:86ff:fe05:80da)
    /// quoting a traceroute probe (IPv6 + UDP + 12 bytes).
    const TIME_EXCEEDED: [u8; 68] = [
        0x03, 0x00, 0xf7, 0x52, 0x00, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00, 0x00, 0x14, 0x11,
        0x01, 0x3f, 0xfe, 0x05, 0x07, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x86, 0xff, 0xfe, 0x05,
        0x80, 0xda, 0x3f, 0xfe, 0x05, 0x01, 0x04, 0x10, 0x00, 0x00, 0x02, 0xc0, 0xdf, 0xff, 0xfe,
        0x47, 0x03, 0x3e, 0xa0, 0x75, 0x82, 0x9b, 0x00, 0x14, 0x82, 0x8b, 0x01, 0x01, 0x00, 0x00,
        0xf9, 0xc8, 0xe7, 0x36, 0xf5, 0xed, 0x08, 0x00,
    ];
    /// An MLDv2 report from a real capture (fe80::f16d:891:6486 -> ff02::16),
    /// four records.
    const MLDV2_REPORT: [u8; 152] = [
        0x8f, 0x00, 0xbd, 0x8c, 0x00, 0x00, 0x00, 0x04, 0x01, 0x00, 0x00, 0x02, 0xff, 0x02, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x48, 0x0e, 0x41, 0x3c, 0xfe, 0x80,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf1, 0x6d, 0x08, 0x91, 0x64, 0x86, 0xfe,
        0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x79, 0x4d, 0x73, 0x7e, 0x85, 0x32,
        0x02, 0x00, 0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0xe7, 0x85, 0x33, 0xce, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xf1, 0x6d, 0x08, 0x91, 0x64, 0x86, 0x03, 0x00, 0x00, 0x00, 0xff, 0x02, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3c, 0x05, 0xcd, 0x57, 0x04, 0x00, 0x00, 0x01,
        0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa8, 0xc9, 0x5e,
        0x9c, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x79, 0x4d, 0x73, 0x7e,
        0x85, 0x32,
    ];

    fn text(v: &Icmpv6View, f: Field) -> String {
        values_checked(
            FIELDS[f as usize].kind,
            |out| v.field(f, out),
            |r| assert!(r.start <= r.end && r.end <= v.bytes.len(), "{f:?} {r:?}"),
        )
        .join(",")
    }

    fn all_fields(v: &Icmpv6View) {
        for i in 0..FIELDS.len() {
            text(v, Field::from_index(i).unwrap());
        }
    }

    fn check(v: &Icmpv6View, want: &[(Field, &str)]) {
        for (f, s) in want {
            assert_eq!(text(v, *f), *s, "{f:?}");
        }
    }

    #[test]
    fn reads_real_neighbor_discovery() {
        use Field::*;
        let src = v6("fe80::200:86ff:fe05:80da");
        let dst = v6("fe80::260:97ff:fe07:69ea");
        let v = Icmpv6View::new(&NS).unwrap();
        assert_eq!(
            v.verify_checksum(checksum::pseudo_header(&src, &dst, 58, 32)),
            Status::Good
        );
        assert_eq!(v.target(), Some(dst));
        assert_eq!(v.lladdr(), Some([0x00, 0x00, 0x86, 0x05, 0x80, 0xda]));
        assert_eq!((v.quoted(), v.payload()), (None, &[][..]));
        // The values tshark 4.0 prints (-T fields).
        check(
            &v,
            &[
                (Type, "135"),
                (Checksum, "0x68bd"),
                (Reserved, "00000000"),
                (NsTarget, "fe80::260:97ff:fe07:69ea"),
                (Opt, "1"),
                (OptType, "1"),
                (OptLength, "1"),
                (OptLinkaddr, "00:00:86:05:80:da"),
                (OptSrcLinkaddr, "00:00:86:05:80:da"),
                (OptTargetLinkaddr, ""),
                (NaFlag, ""),
                (Data, ""),
            ],
        );
        let v = Icmpv6View::new(&NA).unwrap();
        assert_eq!(
            v.verify_checksum(checksum::pseudo_header(&dst, &src, 58, 24)),
            Status::Good
        );
        check(
            &v,
            &[
                (NaFlag, "0xc0000000"),
                (NaFlagR, "1"),
                (NaFlagS, "1"),
                (NaFlagO, "0"),
                (NaFlagRsv, "0"),
                (NaTarget, "fe80::260:97ff:fe07:69ea"),
                (Reserved, ""),
                (Opt, ""),
            ],
        );
        let v = Icmpv6View::new(&RA).unwrap();
        let all = v6("ff02::1");
        assert_eq!(
            v.verify_checksum(checksum::pseudo_header(&dst, &all, 58, 64)),
            Status::Good
        );
        check(
            &v,
            &[
                (RaCurHopLimit, "64"),
                (RaFlag, "0x00"),
                (RaFlagM, "0"),
                (RaFlagPrf, "0"),
                (RaFlagRsv, "0"),
                (RaRouterLifetime, "1800"),
                (RaReachableTime, "30000"),
                (RaRetransTimer, "1000"),
                (Opt, "1,1,1"),
                (OptType, "1,5,3"),
                (OptLength, "1,1,4"),
                (OptLinkaddr, "00:60:97:07:69:ea"),
                (OptSrcLinkaddr, "00:60:97:07:69:ea"),
                (OptReserved, "1,1"),
                (OptMtu, "1500"),
                (OptPrefixLength, "64"),
                (OptPrefixFlag, "0xc0"),
                (OptPrefixFlagL, "1"),
                (OptPrefixFlagReserved, "0"),
                (OptPrefixValidLifetime, "3600000"),
                (OptPrefix, "3ffe:507:0:1::"),
                (Reserved, ""),
            ],
        );
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Internet Control Message Protocol v6");
    }

    #[test]
    fn reads_real_echo_error_and_mld() {
        use Field::*;
        let v = Icmpv6View::new(&ECHO).unwrap();
        let (s, d) = (
            v6("3ffe:507:0:1:200:86ff:fe05:80da"),
            v6("3ffe:501:0:1001::2"),
        );
        assert_eq!(
            v.verify_checksum(checksum::pseudo_header(&s, &d, 58, 16)),
            Status::Good
        );
        check(
            &v,
            &[
                (EchoId, "0x7620"),
                (EchoSeq, "0"),
                (Reserved, ""),
                (Data, ""),
            ],
        );
        assert_eq!(v.payload(), &ECHO[8..]);
        assert_eq!(v.quoted(), None);

        let v = Icmpv6View::new(&TIME_EXCEEDED).unwrap();
        let (s, d) = (
            v6("3ffe:507:0:1:260:97ff:fe07:69ea"),
            v6("3ffe:507:0:1:200:86ff:fe05:80da"),
        );
        assert_eq!(
            v.verify_checksum(checksum::pseudo_header(&s, &d, 58, 68)),
            Status::Good
        );
        check(&v, &[(Reserved, "00000000"), (Mtu, "")]);
        assert_eq!(v.quoted(), Some(&TIME_EXCEEDED[8..]));
        assert_eq!(v.header_len(), 8);
        // A bad sum names the value that should be there.
        let mut bad = TIME_EXCEEDED;
        bad[2] = 0;
        let v = Icmpv6View::new(&bad).unwrap();
        assert_eq!(
            v.verify_checksum(checksum::pseudo_header(&s, &d, 58, 68)),
            Status::Bad { expected: 0xf752 }
        );
        let v = Icmpv6View::new(&TIME_EXCEEDED[..30])
            .unwrap()
            .with_wire_len(68);
        assert_eq!(v.verify_checksum(0), Status::Unverified);

        let v = Icmpv6View::new(&MLDV2_REPORT).unwrap();
        let (s, d) = (v6("fe80::f16d:891:6486"), v6("ff02::16"));
        assert_eq!(
            v.verify_checksum(checksum::pseudo_header(&s, &d, 58, 152)),
            Status::Good
        );
        check(
            &v,
            &[
                (Reserved, "0000"),
                (MldrNbRecords, "4"),
                (MldrMar, "1,1,1,1"),
                (MldrRecordType, "1,2,3,4"),
                (MldrNbSources, "2,1,0,1"),
                (
                    MldrMulticastAddress,
                    "ff02::480e:413c,ff02::e785:33ce,ff02::3c05:cd57,ff02::a8c9:5e9c",
                ),
                (
                    MldrSourceAddress,
                    "fe80::f16d:891:6486,fe80::794d:737e:8532,fe80::f16d:891:6486,fe80::794d:737e:8532",
                ),
                (MldrAuxDataLen, "0,0,0,0"),
            ],
        );
    }

    /// `body` after type, code and a zero checksum.
    fn msg(t: u8, c: u8, body: &[u8]) -> Vec<u8> {
        [&[t, c, 0, 0][..], body].concat()
    }

    #[test]
    fn crafted_types_like_tshark() {
        use Field::*;
        // Checked against tshark 4.0 on the same messages.
        let inner = &TIME_EXCEEDED[8..];
        let b = msg(2, 0, &[&1280u32.to_be_bytes()[..], inner].concat());
        check(
            &Icmpv6View::new(&b).unwrap(),
            &[(Mtu, "1280"), (Reserved, "")],
        );
        let b = msg(4, 1, &[&40u32.to_be_bytes()[..], inner].concat());
        check(&Icmpv6View::new(&b).unwrap(), &[(Pointer, "40")]);
        let t = v6("2001:db8::42");
        let d = v6("ff02::1");
        let mac = [0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f];
        let redirect = [
            &[0u8; 4][..],
            &t,
            &d,
            &[2, 1],
            &mac,
            &[4, 2, 0, 0, 0, 0, 0, 0],
            &inner[..8],
        ]
        .concat();
        let b = msg(137, 0, &redirect);
        check(
            &Icmpv6View::new(&b).unwrap(),
            &[
                (Reserved, "00000000"),
                (RdTarget, "2001:db8::42"),
                (RdDestination, "ff02::1"),
                (OptType, "2,4"),
                (OptLength, "1,2"),
                (OptTargetLinkaddr, "0a:0b:0c:0d:0e:0f"),
                (OptLinkaddr, "0a:0b:0c:0d:0e:0f"),
                (OptReserved, "1"),
                (OptRedirectedPacket, "1"),
            ],
        );
        let b = msg(130, 0, &[&1000u16.to_be_bytes()[..], &[0, 0], &d].concat());
        check(
            &Icmpv6View::new(&b).unwrap(),
            &[
                (Reserved, "0000"),
                (MldMaxResponseDelay, "1000"),
                (MldMulticastAddress, "ff02::1"),
                (MldMaxResponseCode, ""),
            ],
        );
        let src = v6("fe80::1");
        let q2 = [
            &1000u16.to_be_bytes()[..],
            &[0, 0],
            &d,
            &[0x0a, 125, 0, 2],
            &src,
            &t,
        ]
        .concat();
        let b = msg(130, 0, &q2);
        check(
            &Icmpv6View::new(&b).unwrap(),
            &[
                (MldMaxResponseCode, "1000"),
                (MldMaxResponseDelay, ""),
                (MldFlag, "0x0a"),
                (MldFlagS, "1"),
                (MldFlagQrv, "2"),
                (MldQqi, "125"),
                (MldNbSources, "2"),
                (MldSourceAddress, "fe80::1,2001:db8::42"),
            ],
        );
        // Unknown option 99 in a router solicitation, unknown type 200.
        let b = msg(
            133,
            0,
            &[&[0u8; 4][..], &[1, 1], &mac, &[99, 1], b"abcdef"].concat(),
        );
        check(
            &Icmpv6View::new(&b).unwrap(),
            &[(OptType, "1,99"), (Data, "616263646566"), (Opt, "1,1")],
        );
        let b = msg(144, 0, &[0x12, 0x34, 0, 0]);
        check(
            &Icmpv6View::new(&b).unwrap(),
            &[(Data, ""), (Reserved, "0000")],
        );
        let b = msg(200, 0, &[1, 2, 3, 4, 5]);
        check(&Icmpv6View::new(&b).unwrap(), &[(Data, "0102030405")]);
        // Option length 0, and one that runs past the end: type and length, then stop.
        for (len, bad) in [(0u8, "1"), (2, "")] {
            let b = msg(135, 0, &[&[0u8; 4][..], &t, &[1, len], &mac].concat());
            let v = Icmpv6View::new(&b).unwrap();
            assert!(v.options_malformed());
            check(
                &v,
                &[
                    (OptType, "1"),
                    (OptLength, &len.to_string()),
                    (OptInvalidLength, bad),
                    (OptLinkaddr, ""),
                    (Opt, "1"),
                ],
            );
        }
        // RDNSS in a router advertisement.
        let ra = [
            &[64u8, 0xda, 0, 0][..],
            &[0; 8],
            &[25, 3, 0, 0],
            &600u32.to_be_bytes(),
            &t,
        ]
        .concat();
        let b = msg(134, 0, &ra);
        check(
            &Icmpv6View::new(&b).unwrap(),
            &[
                (OptRdnss, "2001:db8::42"),
                (OptRdnssLifetime, "600"),
                (RaFlagPrf, "3"),
                (RaFlagO, "1"),
                (OptReserved, "1"),
            ],
        );
    }

    #[test]
    fn hostile_inputs() {
        assert!(Icmpv6View::new(&NS[..3]).is_err());
        let samples: [&[u8]; 5] = [&NS, &NA, &RA, &MLDV2_REPORT, &TIME_EXCEEDED];
        for s in samples {
            for n in 4..s.len() {
                let v = Icmpv6View::new(&s[..n]).unwrap().with_wire_len(s.len());
                all_fields(&v);
                let _ = (
                    v.quoted(),
                    v.payload(),
                    v.options_malformed(),
                    Icmpv6Repr::parse(&v),
                );
            }
        }
        // Types 1-4 with short quotes are handed over as they are.
        let v = Icmpv6View::new(&TIME_EXCEEDED[..12]).unwrap();
        assert_eq!(v.quoted(), Some(&TIME_EXCEEDED[8..12]));
        let v = Icmpv6View::new(&TIME_EXCEEDED[..6]).unwrap();
        assert_eq!(v.quoted(), Some(&[][..]));
    }

    fn repr_strategy() -> impl Strategy<Value = Icmpv6Repr> {
        prop_oneof![
            (any::<u16>(), any::<u16>())
                .prop_map(|(ident, seq)| Icmpv6Repr::EchoRequest { ident, seq }),
            (any::<u16>(), any::<u16>())
                .prop_map(|(ident, seq)| Icmpv6Repr::EchoReply { ident, seq }),
            (any::<[u8; 16]>(), proptest::option::of(any::<[u8; 6]>())).prop_map(
                |(target, source_lladdr)| {
                    Icmpv6Repr::NeighborSolicit {
                        target,
                        source_lladdr,
                    }
                }
            ),
            (
                0u32..8,
                any::<[u8; 16]>(),
                proptest::option::of(any::<[u8; 6]>())
            )
                .prop_map(|(f, target, target_lladdr)| {
                    Icmpv6Repr::NeighborAdvert {
                        flags: f << 29,
                        target,
                        target_lladdr,
                    }
                }),
        ]
    }

    proptest! {
        #[test]
        fn build_then_parse(r in repr_strategy(), data in proptest::collection::vec(any::<u8>(), 0..32),
                            src: [u8; 16], dst: [u8; 16]) {
            let payload: &[u8] = match r {
                Icmpv6Repr::EchoRequest { .. } | Icmpv6Repr::EchoReply { .. } => &data,
                _ => &[],
            };
            let mut buf = Vec::new();
            r.emit(&mut buf, payload, &src, &dst);
            let v = Icmpv6View::new(&buf).unwrap();
            prop_assert_eq!(Icmpv6Repr::parse(&v), Some(r));
            prop_assert!(!v.options_malformed());
            let p = checksum::pseudo_header(&src, &dst, 58, buf.len() as u32);
            prop_assert_eq!(v.verify_checksum(p), Status::Good);
            // etherparse, an independent parser, reads the same message.
            use etherparse::{IcmpEchoHeader, Icmpv6Type as T};
            let (e, rest) = etherparse::Icmpv6Header::from_slice(&buf).unwrap();
            let want = match r {
                Icmpv6Repr::EchoRequest { ident, seq } => T::EchoRequest(IcmpEchoHeader { id: ident, seq }),
                Icmpv6Repr::EchoReply { ident, seq } => T::EchoReply(IcmpEchoHeader { id: ident, seq }),
                Icmpv6Repr::NeighborSolicit { .. } => T::NeighborSolicitation,
                Icmpv6Repr::NeighborAdvert { flags, .. } => T::NeighborAdvertisement(
                    etherparse::icmpv6::NeighborAdvertisementHeader {
                        router: flags & na_flag::ROUTER != 0,
                        solicited: flags & na_flag::SOLICITED != 0,
                        r#override: flags & na_flag::OVERRIDE != 0,
                    },
                ),
            };
            prop_assert_eq!(&e.icmp_type, &want);
            let e2 = etherparse::Icmpv6Header::with_checksum(want, src, dst, rest).unwrap();
            prop_assert_eq!(e2.checksum, e.checksum);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 4..96), wire in 0usize..120, t in prop_oneof![1u8..5, 128u8..144]) {
            let mut bytes = bytes;
            bytes[0] = t;
            let v = Icmpv6View::new(&bytes).unwrap().with_wire_len(wire);
            all_fields(&v);
            let _ = (v.quoted(), v.payload(), v.options_malformed(), v.lladdr(), Icmpv6Repr::parse(&v));
            v.verify_checksum(0);
        }
    }
}
