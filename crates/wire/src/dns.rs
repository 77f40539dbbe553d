//! The Domain Name System message (RFC 1035), also carried by Multicast DNS
//! (RFC 6762, port 5353) and LLMNR (RFC 4795, port 5355), over UDP or over
//! TCP behind a 2-byte length prefix.
//!
//! The view checks the 12-byte header once; everything after it is read on
//! demand by walking the sections ([`DnsView::records`]). The walk is bounded
//! by the bytes, not by the counts: it stops at the first record that does
//! not fit, where tshark stops with "Malformed Packet", and keeps what was
//! read before ([`DnsView::malformed_at`] says where).
//!
//! Names are read in place and printed by [`write_name`] as tshark prints
//! them: dotted, `<Root>` for the root, its `format_text` escapes for odd
//! bytes, and tshark's placeholder texts for names that are too long or
//! whose pointers loop. Decompression is bounded: at most
//! [`MAX_NAME_TEXT`] characters of text and [`MAX_POINTER_JUMPS`] pointers,
//! and every pointer must point strictly before the part of the name that
//! led to it (so no loop can form and no forward reference is followed).
//!
//! mDNS and LLMNR reuse the view and tshark's `dns.*` fields; tell the view
//! which it is with [`DnsView::with_flavor`] (it changes which flag bits
//! are named, the class's top bit, and the titles).

use crate::bytes::{array, be16, be32, clamp, u8_at};
use crate::error::{need, Error};
use crate::field::{write_ipv4, write_ipv6, FieldSink, Kind, Value};
use crate::field_table;
use std::fmt::{self, Write as _};
use std::ops::Range;

/// Byte ranges of the header's fields (in the message, after any TCP
/// length prefix).
mod at {
    use std::ops::Range;
    pub const ID: Range<usize> = 0..2;
    pub const FLAGS: Range<usize> = 2..4;
    pub const QDCOUNT: Range<usize> = 4..6;
    pub const ANCOUNT: Range<usize> = 6..8;
    pub const NSCOUNT: Range<usize> = 8..10;
    pub const ARCOUNT: Range<usize> = 10..12;
    pub const HEADER_LEN: usize = 12;
    /// The length prefix of DNS over TCP.
    pub const TCP_LEN: Range<usize> = 0..2;
}

/// Flag bits of the 16-bit flags word.
pub mod flag {
    pub const RESPONSE: u16 = 0x8000;
    pub const OPCODE: u16 = 0x7800;
    pub const AUTHORITATIVE: u16 = 0x0400;
    /// LLMNR's name for bit 0x0400.
    pub const CONFLICT: u16 = 0x0400;
    pub const TRUNCATED: u16 = 0x0200;
    pub const RECDESIRED: u16 = 0x0100;
    /// LLMNR's name for bit 0x0100.
    pub const TENTATIVE: u16 = 0x0100;
    pub const RECAVAIL: u16 = 0x0080;
    pub const Z: u16 = 0x0040;
    pub const AUTHENTICATED: u16 = 0x0020;
    pub const CHECKDISABLE: u16 = 0x0010;
    pub const RCODE: u16 = 0x000f;
}

/// Record types the view decodes.
pub mod rtype {
    pub const A: u16 = 1;
    pub const NS: u16 = 2;
    pub const MD: u16 = 3;
    pub const MF: u16 = 4;
    pub const CNAME: u16 = 5;
    pub const SOA: u16 = 6;
    pub const MB: u16 = 7;
    pub const MG: u16 = 8;
    pub const MR: u16 = 9;
    pub const NULL: u16 = 10;
    pub const PTR: u16 = 12;
    pub const HINFO: u16 = 13;
    pub const MX: u16 = 15;
    pub const TXT: u16 = 16;
    pub const AAAA: u16 = 28;
    pub const SRV: u16 = 33;
    pub const DNAME: u16 = 39;
    pub const OPT: u16 = 41;
    pub const DS: u16 = 43;
    pub const RRSIG: u16 = 46;
    pub const NSEC: u16 = 47;
    pub const DNSKEY: u16 = 48;
    pub const NSEC3: u16 = 50;
    pub const SVCB: u16 = 64;
    pub const HTTPS: u16 = 65;
    pub const SPF: u16 = 99;
    pub const ANY: u16 = 255;
    pub const CAA: u16 = 257;
}

/// Opcodes with a meaning of their own here.
pub mod opcode {
    pub const QUERY: u8 = 0;
    pub const NOTIFY: u8 = 4;
    pub const UPDATE: u8 = 5;
}

/// Most characters of name text (dots included) before tshark shows
/// `<Name too long>` (its buffer of 255 bytes, less the terminator and one).
pub const MAX_NAME_TEXT: usize = 253;
/// Most compression pointers followed in one name.
pub const MAX_POINTER_JUMPS: usize = 128;

const ROOT: &str = "<Root>";
const TOO_LONG: &str = "<Name too long>";
const LOOPS: &str = "<Name contains a pointer that loops>";
const FORWARD: &str = "<Name contains a forward pointer>";

field_table! {
    Length: "dns.length", "Length", Kind::Dec;
    Id: "dns.id", "Transaction ID", Kind::Hex(4);
    Flags: "dns.flags", "Flags", Kind::Hex(4);
    FlagsResponse: "dns.flags.response", "Response", Kind::Bool;
    FlagsOpcode: "dns.flags.opcode", "Opcode", Kind::Dec;
    FlagsAuthoritative: "dns.flags.authoritative", "Authoritative", Kind::Bool;
    FlagsConflict: "dns.flags.conflict", "Conflict", Kind::Bool;
    FlagsTruncated: "dns.flags.truncated", "Truncated", Kind::Bool;
    FlagsRecdesired: "dns.flags.recdesired", "Recursion desired", Kind::Bool;
    FlagsTentative: "dns.flags.tentative", "Tentative", Kind::Bool;
    FlagsRecavail: "dns.flags.recavail", "Recursion available", Kind::Bool;
    FlagsZ: "dns.flags.z", "Z", Kind::Bool;
    FlagsAuthenticated: "dns.flags.authenticated", "Answer authenticated", Kind::Bool;
    FlagsCheckdisable: "dns.flags.checkdisable", "Non-authenticated data", Kind::Bool;
    FlagsRcode: "dns.flags.rcode", "Reply code", Kind::Dec;
    CountQueries: "dns.count.queries", "Questions", Kind::Dec;
    CountZones: "dns.count.zones", "Zones", Kind::Dec;
    CountAnswers: "dns.count.answers", "Answer RRs", Kind::Dec;
    CountPrerequisites: "dns.count.prerequisites", "Prerequisites", Kind::Dec;
    CountAuthRr: "dns.count.auth_rr", "Authority RRs", Kind::Dec;
    CountUpdates: "dns.count.updates", "Updates", Kind::Dec;
    CountAddRr: "dns.count.add_rr", "Additional RRs", Kind::Dec;
    QryName: "dns.qry.name", "Name", Kind::Str;
    QryNameLen: "dns.qry.name.len", "Name Length", Kind::Dec;
    CountLabels: "dns.count.labels", "Label Count", Kind::Dec;
    QryType: "dns.qry.type", "Type", Kind::Dec;
    QryClass: "dns.qry.class", "Class", Kind::Hex(4);
    QryQu: "dns.qry.qu", "\"QU\" question", Kind::Bool;
    RespName: "dns.resp.name", "Name", Kind::Str;
    RespType: "dns.resp.type", "Type", Kind::Dec;
    RespClass: "dns.resp.class", "Class", Kind::Hex(4);
    RespCacheFlush: "dns.resp.cache_flush", "Cache flush", Kind::Bool;
    RespTtl: "dns.resp.ttl", "Time to live", Kind::Dec;
    RespLen: "dns.resp.len", "Data length", Kind::Dec;
    A: "dns.a", "Address", Kind::Ipv4;
    Aaaa: "dns.aaaa", "AAAA Address", Kind::Ipv6;
    Cname: "dns.cname", "CNAME", Kind::Str;
    Ns: "dns.ns", "Name Server", Kind::Str;
    PtrDomainName: "dns.ptr.domain_name", "Domain Name", Kind::Str;
    Dname: "dns.dname", "Dname", Kind::Str;
    MxPreference: "dns.mx.preference", "Preference", Kind::Dec;
    MxMailExchange: "dns.mx.mail_exchange", "Mail Exchange", Kind::Str;
    TxtLength: "dns.txt.length", "TXT Length", Kind::Dec;
    Txt: "dns.txt", "TXT", Kind::Str;
    SpfLength: "dns.spf.length", "SPF Length", Kind::Dec;
    Spf: "dns.spf", "SPF", Kind::Str;
    HinfoCpuLength: "dns.hinfo.cpu_length", "CPU Length", Kind::Dec;
    HinfoCpu: "dns.hinfo.cpu", "CPU", Kind::Str;
    HinfoOsLength: "dns.hinfo.os_length", "OS Length", Kind::Dec;
    HinfoOs: "dns.hinfo.os", "OS", Kind::Str;
    Null: "dns.null", "Null (data)", Kind::Bytes;
    SoaMname: "dns.soa.mname", "Primary name server", Kind::Str;
    SoaRname: "dns.soa.rname", "Responsible authority's mailbox", Kind::Str;
    SoaSerialNumber: "dns.soa.serial_number", "Serial Number", Kind::Dec;
    SoaRefreshInterval: "dns.soa.refresh_interval", "Refresh Interval", Kind::Dec;
    SoaRetryInterval: "dns.soa.retry_interval", "Retry Interval", Kind::Dec;
    SoaExpireLimit: "dns.soa.expire_limit", "Expire limit", Kind::Dec;
    SoaMinimumTtl: "dns.soa.minimum_ttl", "Minimum TTL", Kind::Dec;
    SrvService: "dns.srv.service", "Service", Kind::Str;
    SrvProto: "dns.srv.proto", "Protocol", Kind::Str;
    SrvName: "dns.srv.name", "Name", Kind::Str;
    SrvPriority: "dns.srv.priority", "Priority", Kind::Dec;
    SrvWeight: "dns.srv.weight", "Weight", Kind::Dec;
    SrvPort: "dns.srv.port", "Port", Kind::Dec;
    SrvTarget: "dns.srv.target", "Target", Kind::Str;
    NsecNextDomainName: "dns.nsec.next_domain_name", "Next Domain Name", Kind::Str;
    CaaFlags: "dns.caa.flags", "CAA Flags", Kind::Hex(2);
    CaaIssuerCritical: "dns.caa.flags.issuer_critical", "Issuer Critical", Kind::Bool;
    CaaTagLength: "dns.caa.tag_length", "Tag length", Kind::Dec;
    CaaTag: "dns.caa.tag", "Tag", Kind::Str;
    CaaValue: "dns.caa.value", "Value", Kind::Str;
    DsKeyId: "dns.ds.key_id", "Key id", Kind::Dec;
    DsAlgorithm: "dns.ds.algorithm", "Algorithm", Kind::Dec;
    DsDigestType: "dns.ds.digest_type", "Digest Type", Kind::Dec;
    DsDigest: "dns.ds.digest", "Digest", Kind::Bytes;
    RrsigTypeCovered: "dns.rrsig.type_covered", "Type Covered", Kind::Dec;
    RrsigAlgorithm: "dns.rrsig.algorithm", "Algorithm", Kind::Dec;
    RrsigLabels: "dns.rrsig.labels", "Labels", Kind::Dec;
    RrsigOriginalTtl: "dns.rrsig.original_ttl", "Original TTL", Kind::Dec;
    RrsigKeyTag: "dns.rrsig.key_tag", "Key Tag", Kind::Dec;
    RrsigSignersName: "dns.rrsig.signers_name", "Signer's name", Kind::Str;
    RrsigSignature: "dns.rrsig.signature", "Signature", Kind::Bytes;
    DnskeyFlags: "dns.dnskey.flags", "Flags", Kind::Hex(4);
    DnskeyProtocol: "dns.dnskey.protocol", "Protocol", Kind::Dec;
    DnskeyAlgorithm: "dns.dnskey.algorithm", "Algorithm", Kind::Dec;
    DnskeyPublicKey: "dns.dnskey.public_key", "Public Key", Kind::Bytes;
    RrUdpPayloadSize: "dns.rr.udp_payload_size", "UDP payload size", Kind::Dec;
    RespExtRcode: "dns.resp.ext_rcode", "Higher bits in extended RCODE", Kind::Hex(2);
    RespEdns0Version: "dns.resp.edns0_version", "EDNS0 version", Kind::Dec;
    RespZ: "dns.resp.z", "Z", Kind::Hex(4);
    RespZDo: "dns.resp.z.do", "DO bit", Kind::Bool;
    RespZReserved: "dns.resp.z.reserved", "Reserved", Kind::Hex(4);
    Opt: "dns.opt", "Option", Kind::None;
    OptCode: "dns.opt.code", "Option Code", Kind::Dec;
    OptLen: "dns.opt.len", "Option Length", Kind::Dec;
    OptData: "dns.opt.data", "Option Data", Kind::Bytes;
    OptClientFamily: "dns.opt.client.family", "Family", Kind::Dec;
    OptClientNetmask: "dns.opt.client.netmask", "Source Netmask", Kind::Dec;
    OptClientScope: "dns.opt.client.scope", "Scope Netmask", Kind::Dec;
    OptClientAddr4: "dns.opt.client.addr4", "Client Subnet", Kind::Ipv4;
    OptClientAddr6: "dns.opt.client.addr6", "Client Subnet", Kind::Ipv6;
    OptCookieClient: "dns.opt.cookie.client", "Client Cookie", Kind::Bytes;
    OptCookieServer: "dns.opt.cookie.server", "Server Cookie", Kind::Bytes;
    SvcbSvcpriority: "dns.svcb.svcpriority", "SvcPriority", Kind::Dec;
    SvcbTargetname: "dns.svcb.targetname", "TargetName", Kind::Str;
    SvcbSvcparam: "dns.svcb.svcparam", "SvcParam", Kind::None;
    SvcbSvcparamKey: "dns.svcb.svcparam.key", "SvcParamKey", Kind::Dec;
    SvcbSvcparamValueLength: "dns.svcb.svcparam.value.length", "SvcParamValue length", Kind::Dec;
    SvcbSvcparamValue: "dns.svcb.svcparam.value", "SvcParamValue", Kind::Bytes;
    SvcbSvcparamMandatoryKey: "dns.svcb.svcparam.mandatory.key", "Mandatory key", Kind::Dec;
    SvcbSvcparamAlpnLength: "dns.svcb.svcparam.alpn.length", "ALPN length", Kind::Dec;
    SvcbSvcparamAlpn: "dns.svcb.svcparam.alpn", "ALPN", Kind::Str;
    SvcbSvcparamPort: "dns.svcb.svcparam.port", "Port", Kind::Dec;
    SvcbSvcparamIpv4hintIp: "dns.svcb.svcparam.ipv4hint.ip", "IP", Kind::Ipv4;
    SvcbSvcparamEchconfig: "dns.svcb.svcparam.echconfig", "ECHConfig", Kind::Bytes;
    SvcbSvcparamIpv6hintIp: "dns.svcb.svcparam.ipv6hint.ip", "IP", Kind::Ipv6;
    SvcbSvcparamOdohconfig: "dns.svcb.svcparam.odohconfig", "ODoHConfig", Kind::Bytes;
    Data: "dns.data", "Data", Kind::Bytes;
}

/// Which protocol the message travels as: the same format, a few names and
/// bits read differently (tshark's `dns`, `mdns` and `llmnr`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Flavor {
    #[default]
    Dns,
    /// Multicast DNS: the class's top bit is "unicast response wanted" in
    /// questions and "cache flush" in records.
    Mdns,
    /// LLMNR: flag bits 0x0400 and 0x0100 are "conflict" and "tentative".
    Llmnr,
}

impl Flavor {
    /// The protocol's long name, as tshark titles the layer.
    pub fn title(self) -> &'static str {
        match self {
            Flavor::Dns => "Domain Name System",
            Flavor::Mdns => "Multicast Domain Name System",
            Flavor::Llmnr => "Link-local Multicast Name Resolution",
        }
    }
}

/// A view over one DNS message (and its TCP length prefix, if any).
#[derive(Clone, Copy, Debug)]
pub struct DnsView<'a> {
    /// The DNS message: offsets in compression pointers count from here.
    msg: &'a [u8],
    /// Bytes before the message in the layer (2 for the TCP length prefix).
    base: usize,
    /// The TCP length prefix.
    tcp_len: Option<u16>,
    flavor: Flavor,
}

impl<'a> DnsView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over a DNS message carried alone (a UDP payload), which must
    /// hold at least the 12-byte header.
    pub fn new(msg: &'a [u8]) -> Result<Self, Error> {
        need(msg, at::HEADER_LEN)?;
        Ok(DnsView {
            msg,
            base: 0,
            tcp_len: None,
            flavor: Flavor::Dns,
        })
    }

    /// A DNS-over-TCP message, its 2-byte length prefix included (tshark
    /// field `dns.length`). The message is clamped to the prefix's length.
    pub fn new_tcp(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::TCP_LEN.end + at::HEADER_LEN)?;
        let len = be16(bytes, at::TCP_LEN.start).unwrap_or(0);
        let msg = clamp(bytes, at::TCP_LEN.end, usize::from(len));
        need(msg, at::HEADER_LEN)?;
        Ok(DnsView {
            msg,
            base: at::TCP_LEN.end,
            tcp_len: Some(len),
            flavor: Flavor::Dns,
        })
    }

    /// The same view read as mDNS or LLMNR.
    pub fn with_flavor(mut self, flavor: Flavor) -> Self {
        self.flavor = flavor;
        self
    }

    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// The DNS message (without the TCP length prefix).
    pub fn message(&self) -> &'a [u8] {
        self.msg
    }

    /// The TCP length prefix, when the message came from a stream.
    pub fn tcp_length(&self) -> Option<u16> {
        self.tcp_len
    }

    /// The bytes the layer covers: the prefix and the whole message.
    pub fn header_len(&self) -> usize {
        self.base + self.msg.len()
    }

    /// Nothing follows a DNS message in its layer.
    pub fn payload(&self) -> &'a [u8] {
        &[]
    }

    fn u16_at(&self, r: Range<usize>) -> u16 {
        be16(self.msg, r.start).unwrap_or(0)
    }

    pub fn id(&self) -> u16 {
        self.u16_at(at::ID)
    }

    /// The whole flags word.
    pub fn flags(&self) -> u16 {
        self.u16_at(at::FLAGS)
    }

    pub fn is_response(&self) -> bool {
        self.flags() & flag::RESPONSE != 0
    }

    pub fn opcode(&self) -> u8 {
        ((self.flags() & flag::OPCODE) >> 11) as u8
    }

    /// The 4-bit reply code of the header (see [`Edns::ext_rcode`] for the
    /// high bits an OPT record adds).
    pub fn rcode(&self) -> u8 {
        (self.flags() & flag::RCODE) as u8
    }

    pub fn authoritative(&self) -> bool {
        self.flags() & flag::AUTHORITATIVE != 0
    }

    pub fn truncated(&self) -> bool {
        self.flags() & flag::TRUNCATED != 0
    }

    pub fn recursion_desired(&self) -> bool {
        self.flags() & flag::RECDESIRED != 0
    }

    pub fn recursion_available(&self) -> bool {
        self.flags() & flag::RECAVAIL != 0
    }

    /// The four section counts as the header gives them (questions,
    /// answers, authority, additional).
    pub fn counts(&self) -> [u16; 4] {
        [
            self.u16_at(at::QDCOUNT),
            self.u16_at(at::ANCOUNT),
            self.u16_at(at::NSCOUNT),
            self.u16_at(at::ARCOUNT),
        ]
    }

    /// Every question and record that fits, in message order.
    pub fn records(&self) -> Records<'a> {
        Records {
            msg: self.msg,
            pos: at::HEADER_LEN,
            section: 0,
            left: self.counts()[0],
            counts: self.counts(),
            done: false,
        }
    }

    /// The questions that fit.
    pub fn questions(&self) -> impl Iterator<Item = Record<'a>> {
        self.records()
            .take_while(|r| r.section == Section::Question)
    }

    /// The first question, if there is one.
    pub fn question(&self) -> Option<Record<'a>> {
        self.questions().next()
    }

    /// The answer records that fit.
    pub fn answers(&self) -> impl Iterator<Item = Record<'a>> {
        self.records()
            .skip_while(|r| r.section == Section::Question)
            .take_while(|r| r.section == Section::Answer)
    }

    /// The resource records (answer, authority and additional) that fit.
    pub fn resource_records(&self) -> impl Iterator<Item = Record<'a>> {
        self.records().filter(|r| r.section != Section::Question)
    }

    /// The EDNS information of the first OPT record, if any.
    pub fn edns(&self) -> Option<Edns<'a>> {
        self.resource_records()
            .find(|r| r.rtype() == rtype::OPT)
            .map(|r| Edns { rec: r })
    }

    /// Where the walk of the sections stopped short of the counts (a record
    /// cut or a name that cannot be read), as an offset in the layer; `None`
    /// when every counted record was read whole.
    pub fn malformed_at(&self) -> Option<usize> {
        let mut it = self.records();
        let mut last_end = at::HEADER_LEN;
        for r in it.by_ref() {
            match r.end() {
                Some(e) => last_end = e,
                None => return Some(self.base + r.name_at),
            }
        }
        if it.stopped_early() {
            Some(self.base + last_end)
        } else {
            None
        }
    }

    fn r(&self, r: Range<usize>) -> Range<usize> {
        self.base + r.start..self.base + r.end
    }

    fn name_value(&self, at: usize, out: &mut dyn FieldSink<'a>, info: &NameInfo) {
        out.value(Value::DnsName { msg: self.msg, at }, self.r(at..info.end));
    }

    fn is_update(&self) -> bool {
        self.opcode() == opcode::UPDATE
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let flags = self.flags();
        let resp = flags & flag::RESPONSE != 0;
        let llmnr = self.flavor == Flavor::Llmnr;
        let bit = |out: &mut dyn FieldSink<'a>, mask: u16| {
            out.value(Value::Bool(flags & mask != 0), self.r(at::FLAGS))
        };
        let count = |out: &mut dyn FieldSink<'a>, r: Range<usize>| {
            out.value(Value::UInt(self.u16_at(r.clone()).into()), self.r(r))
        };
        match f {
            Field::Length => {
                if let Some(n) = self.tcp_len {
                    out.value(Value::UInt(n.into()), at::TCP_LEN)
                }
            }
            Field::Id => count(out, at::ID),
            Field::Flags => count(out, at::FLAGS),
            Field::FlagsResponse => bit(out, flag::RESPONSE),
            Field::FlagsOpcode => out.value(Value::UInt(self.opcode().into()), self.r(at::FLAGS)),
            Field::FlagsAuthoritative => {
                if resp && !llmnr {
                    bit(out, flag::AUTHORITATIVE)
                }
            }
            Field::FlagsConflict => {
                if llmnr {
                    bit(out, flag::CONFLICT)
                }
            }
            Field::FlagsTruncated => bit(out, flag::TRUNCATED),
            Field::FlagsRecdesired => {
                if !llmnr {
                    bit(out, flag::RECDESIRED)
                }
            }
            Field::FlagsTentative => {
                if llmnr {
                    bit(out, flag::TENTATIVE)
                }
            }
            Field::FlagsRecavail => {
                if resp && !llmnr {
                    bit(out, flag::RECAVAIL)
                }
            }
            Field::FlagsZ => {
                if !llmnr {
                    bit(out, flag::Z)
                }
            }
            // tshark names the AD bit in a query only when it is set.
            Field::FlagsAuthenticated => {
                if !llmnr && (resp || flags & flag::AUTHENTICATED != 0) {
                    bit(out, flag::AUTHENTICATED)
                }
            }
            Field::FlagsCheckdisable => {
                if !llmnr {
                    bit(out, flag::CHECKDISABLE)
                }
            }
            Field::FlagsRcode => {
                if resp {
                    out.value(Value::UInt(self.rcode().into()), self.r(at::FLAGS))
                }
            }
            Field::CountQueries => {
                if !self.is_update() {
                    count(out, at::QDCOUNT)
                }
            }
            Field::CountZones => {
                if self.is_update() {
                    count(out, at::QDCOUNT)
                }
            }
            Field::CountAnswers => {
                if !self.is_update() {
                    count(out, at::ANCOUNT)
                }
            }
            Field::CountPrerequisites => {
                if self.is_update() {
                    count(out, at::ANCOUNT)
                }
            }
            Field::CountAuthRr => {
                if !self.is_update() {
                    count(out, at::NSCOUNT)
                }
            }
            Field::CountUpdates => {
                if self.is_update() {
                    count(out, at::NSCOUNT)
                }
            }
            Field::CountAddRr => count(out, at::ARCOUNT),
            Field::QryName
            | Field::QryNameLen
            | Field::CountLabels
            | Field::QryType
            | Field::QryClass
            | Field::QryQu => {
                for q in self.questions() {
                    self.question_field(&q, f, out);
                }
            }
            // tshark shows a record only when all of it is there.
            _ => {
                for rec in self.resource_records().take_while(Record::is_whole) {
                    self.record_field(&rec, f, out);
                }
            }
        }
    }

    fn question_field(&self, q: &Record<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
        let fixed = q.fixed;
        let mdns = self.flavor == Flavor::Mdns;
        let name_r = self.r(q.name_at..q.name.end);
        match f {
            Field::QryName => self.name_value(q.name_at, out, &q.name),
            Field::QryNameLen => {
                let n = q.name.shown_len();
                out.value(Value::UInt(if n > 1 { n as u64 } else { 0 }), name_r)
            }
            Field::CountLabels => out.value(Value::UInt(q.name.shown_labels() as u64), name_r),
            Field::QryType => out.value(Value::UInt(q.rtype().into()), self.r(fixed..fixed + 2)),
            Field::QryClass => {
                let c = q.class();
                let c = if mdns { c & 0x7fff } else { c };
                out.value(Value::UInt(c.into()), self.r(fixed + 2..fixed + 4))
            }
            Field::QryQu if mdns => out.value(
                Value::Bool(q.class() & 0x8000 != 0),
                self.r(fixed + 2..fixed + 4),
            ),
            _ => {}
        }
    }

    fn record_field(&self, rec: &Record<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
        let fixed = rec.fixed;
        let mdns = self.flavor == Flavor::Mdns;
        let t = rec.rtype();
        let opt = t == rtype::OPT;
        let class_r = self.r(fixed + 2..fixed + 4);
        let ttl_r = self.r(fixed + 4..fixed + 8);
        match f {
            // tshark splits an SRV record's owner into service, protocol
            // and name instead.
            Field::RespName if t != rtype::SRV => {
                return self.name_value(rec.name_at, out, &rec.name)
            }
            Field::SrvService | Field::SrvProto | Field::SrvName if t == rtype::SRV => {
                return self.srv_owner(rec, f, out)
            }
            Field::RespType => {
                out.value(Value::UInt(t.into()), self.r(fixed..fixed + 2));
                // And the types of an NSEC or NSEC3 bit map, as types.
                let bitmap_at = match t {
                    rtype::NSEC => scan_name(self.msg, rec.rdata_at()).map(|n| n.end),
                    rtype::NSEC3 => nsec3_bitmap_at(rec.rdata()).map(|o| rec.rdata_at() + o),
                    _ => None,
                };
                if let (Some(b), true) = (bitmap_at, rec.is_whole()) {
                    let end = rec.rdata_at() + rec.rdata().len();
                    let map = self.msg.get(b..end).unwrap_or(&[]);
                    for (o, ty) in TypeBitmap::new(map) {
                        out.value(Value::UInt(ty.into()), self.r(b + o..b + o + 1));
                    }
                }
                return;
            }
            Field::RespClass => {
                if !opt {
                    let c = rec.class();
                    let c = if mdns { c & 0x7fff } else { c };
                    out.value(Value::UInt(c.into()), class_r)
                }
                return;
            }
            Field::RespCacheFlush => {
                if mdns {
                    out.value(Value::Bool(rec.class() & 0x8000 != 0), class_r)
                }
                return;
            }
            Field::RespTtl => {
                if let (false, Some(ttl)) = (opt, rec.ttl()) {
                    out.value(Value::UInt(ttl.into()), ttl_r)
                }
                return;
            }
            Field::RespLen => {
                if let Some(n) = rec.rdlen() {
                    out.value(Value::UInt(n.into()), self.r(fixed + 8..fixed + 10))
                }
                return;
            }
            _ => {}
        }
        if rec.rdlen().is_none() {
            return;
        }
        if opt {
            return self.opt_field(rec, f, out);
        }
        let rd = rec.rdata();
        let start = rec.rdata_at();
        // Offsets inside the rdata, as ranges of the layer.
        let span = |a: usize, b: usize| self.r(start + a..start + b);
        let u16v = |o: usize| be16(rd, o).map(|n| Value::UInt(n.into()));
        let u32v = |o: usize| be32(rd, o).map(|n| Value::UInt(n.into()));
        let u8v = |o: usize| u8_at(rd, o).map(|n| Value::UInt(n.into()));
        let mut put = |v: Option<Value<'a>>, a: usize, b: usize| {
            if let Some(v) = v {
                out.value(v, span(a, b))
            }
        };
        match (t, f) {
            (rtype::A, Field::A) => put(array(rd, 0).map(Value::Ipv4), 0, 4),
            (rtype::AAAA, Field::Aaaa) => put(array(rd, 0).map(Value::Ipv6), 0, 16),
            (rtype::CNAME, Field::Cname)
            | (rtype::NS, Field::Ns)
            | (rtype::PTR, Field::PtrDomainName)
            | (rtype::DNAME, Field::Dname) => self.rdata_name(start, out),
            (rtype::MX, Field::MxPreference) => put(u16v(0), 0, 2),
            (rtype::MX, Field::MxMailExchange) if rd.len() >= 2 => self.rdata_name(start + 2, out),
            (rtype::TXT, Field::Txt | Field::TxtLength)
            | (rtype::SPF, Field::Spf | Field::SpfLength) => {
                let text = matches!(f, Field::Txt | Field::Spf);
                for (o, s) in CharStrings::new(rd) {
                    if text {
                        put(Some(Value::Str(cstr(s))), o + 1, o + 1 + s.len());
                    } else {
                        put(Some(Value::UInt(s.len() as u64)), o, o + 1);
                    }
                }
            }
            (
                rtype::HINFO,
                Field::HinfoCpu | Field::HinfoCpuLength | Field::HinfoOs | Field::HinfoOsLength,
            ) => {
                let want = matches!(f, Field::HinfoOs | Field::HinfoOsLength) as usize;
                let text = matches!(f, Field::HinfoCpu | Field::HinfoOs);
                if let Some((o, s)) = CharStrings::new(rd).nth(want) {
                    if text {
                        put(Some(Value::Str(cstr(s))), o + 1, o + 1 + s.len());
                    } else {
                        put(Some(Value::UInt(s.len() as u64)), o, o + 1);
                    }
                }
            }
            (rtype::NULL, Field::Null) if !rd.is_empty() => {
                put(Some(Value::Bytes(rd)), 0, rd.len())
            }
            (rtype::SOA, _) => self.soa_field(start, rd, f, out),
            (rtype::SRV, Field::SrvPriority) => put(u16v(0), 0, 2),
            (rtype::SRV, Field::SrvWeight) => put(u16v(2), 2, 4),
            (rtype::SRV, Field::SrvPort) => put(u16v(4), 4, 6),
            (rtype::SRV, Field::SrvTarget) if rd.len() >= 6 => self.rdata_name(start + 6, out),
            (rtype::NSEC, Field::NsecNextDomainName) => self.rdata_name(start, out),
            (rtype::CAA, Field::CaaFlags) => put(u8v(0), 0, 1),
            (rtype::CAA, Field::CaaIssuerCritical) => {
                put(u8_at(rd, 0).map(|b| Value::Bool(b & 0x80 != 0)), 0, 1)
            }
            (rtype::CAA, Field::CaaTagLength) => put(u8v(1), 1, 2),
            (rtype::CAA, Field::CaaTag | Field::CaaValue) => {
                let n = usize::from(u8_at(rd, 1).unwrap_or(0));
                let (Some(tag), true) = (rd.get(2..2 + n), n > 0) else {
                    return;
                };
                if f == Field::CaaTag {
                    put(Some(Value::Str(cstr(tag))), 2, 2 + n)
                } else {
                    let v = rd.get(2 + n..).unwrap_or(&[]);
                    put(Some(Value::Str(cstr(v))), 2 + n, rd.len())
                }
            }
            (rtype::DS, Field::DsKeyId) => put(u16v(0), 0, 2),
            (rtype::DS, Field::DsAlgorithm) => put(u8v(2), 2, 3),
            (rtype::DS, Field::DsDigestType) => put(u8v(3), 3, 4),
            (rtype::DS, Field::DsDigest) => {
                if let Some(d) = rd.get(4..).filter(|d| !d.is_empty()) {
                    put(Some(Value::Bytes(d)), 4, rd.len())
                }
            }
            (rtype::RRSIG, Field::RrsigTypeCovered) => put(u16v(0), 0, 2),
            (rtype::RRSIG, Field::RrsigAlgorithm) => put(u8v(2), 2, 3),
            (rtype::RRSIG, Field::RrsigLabels) => put(u8v(3), 3, 4),
            (rtype::RRSIG, Field::RrsigOriginalTtl) => put(u32v(4), 4, 8),
            (rtype::RRSIG, Field::RrsigKeyTag) => put(u16v(16), 16, 18),
            (rtype::RRSIG, Field::RrsigSignersName) if rd.len() >= 18 => {
                self.rdata_name(start + 18, out)
            }
            (rtype::RRSIG, Field::RrsigSignature) => {
                if rd.len() < 18 {
                    return;
                }
                if let Some(info) = scan_name(self.msg, start + 18) {
                    let o = info.end.saturating_sub(start);
                    if let Some(sig) = rd.get(o..).filter(|s| !s.is_empty()) {
                        put(Some(Value::Bytes(sig)), o, rd.len())
                    }
                }
            }
            (rtype::DNSKEY, Field::DnskeyFlags) => put(u16v(0), 0, 2),
            (rtype::DNSKEY, Field::DnskeyProtocol) => put(u8v(2), 2, 3),
            (rtype::DNSKEY, Field::DnskeyAlgorithm) => put(u8v(3), 3, 4),
            (rtype::DNSKEY, Field::DnskeyPublicKey) => {
                if let Some(k) = rd.get(4..).filter(|k| !k.is_empty()) {
                    put(Some(Value::Bytes(k)), 4, rd.len())
                }
            }
            (rtype::SVCB | rtype::HTTPS, _) => self.svcb_field(start, rd, f, out),
            (_, Field::Data) if !tshark_decodes(t) && !rd.is_empty() => {
                put(Some(Value::Bytes(rd)), 0, rd.len())
            }
            _ => {}
        }
    }

    /// `dns.srv.service`, `.proto` and `.name`: the first label of an SRV
    /// record's owner, the second, and the rest.
    fn srv_owner(&self, rec: &Record<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
        if rec.name.placeholder().is_some() {
            return;
        }
        let want = match f {
            Field::SrvService => 0,
            Field::SrvProto => 1,
            _ => 2,
        };
        let mut w = NameWalk::new(self.msg, rec.name_at);
        for i in 0..=want {
            let Some(Step::Label(at, l)) = w.step() else {
                return;
            };
            if i < want {
                continue;
            }
            let r = self.r(rec.name_at..rec.name.end);
            // One label: the message cut after it prints just that label;
            // the rest of the name is the name that starts at its label.
            let msg = match want {
                2 => self.msg,
                _ => self.msg.get(..at + 1 + l.len()).unwrap_or(self.msg),
            };
            out.value(Value::DnsName { msg, at }, r)
        }
    }

    /// The name at `at` inside some rdata, when it can be read.
    fn rdata_name(&self, at: usize, out: &mut dyn FieldSink<'a>) {
        if let Some(info) = scan_name(self.msg, at) {
            self.name_value(at, out, &info)
        }
    }

    fn soa_field(&self, start: usize, rd: &'a [u8], f: Field, out: &mut dyn FieldSink<'a>) {
        let Some(m) = scan_name(self.msg, start) else {
            return;
        };
        if f == Field::SoaMname {
            return self.name_value(start, out, &m);
        }
        let Some(r) = scan_name(self.msg, m.end) else {
            return;
        };
        if f == Field::SoaRname {
            return self.name_value(m.end, out, &r);
        }
        let k = match f {
            Field::SoaSerialNumber => 0,
            Field::SoaRefreshInterval => 1,
            Field::SoaRetryInterval => 2,
            Field::SoaExpireLimit => 3,
            Field::SoaMinimumTtl => 4,
            _ => return,
        };
        let o = r.end.saturating_add(4 * k);
        // Within the record's rdata as captured.
        if o.saturating_add(4) > start.saturating_add(rd.len()) {
            return;
        }
        if let Some(n) = be32(self.msg, o) {
            out.value(Value::UInt(n.into()), self.r(o..o + 4))
        }
    }

    fn svcb_field(&self, start: usize, rd: &'a [u8], f: Field, out: &mut dyn FieldSink<'a>) {
        match f {
            Field::SvcbSvcpriority => {
                if let Some(p) = be16(rd, 0) {
                    out.value(Value::UInt(p.into()), self.r(start..start + 2))
                }
                return;
            }
            Field::SvcbTargetname => {
                if rd.len() >= 2 {
                    self.rdata_name(start + 2, out)
                }
                return;
            }
            _ => {}
        }
        if rd.len() < 2 {
            return;
        }
        let Some(target) = scan_name(self.msg, start + 2) else {
            return;
        };
        let params = target.end.saturating_sub(start);
        for p in SvcParams::new(rd, params) {
            let span = |a: usize, b: usize| self.r(start + a..start + b);
            let v = p.value_at;
            match f {
                Field::SvcbSvcparam => out.value(Value::Present, span(p.at, v + p.value.len())),
                Field::SvcbSvcparamKey => {
                    out.value(Value::UInt(p.key.into()), span(p.at, p.at + 2))
                }
                Field::SvcbSvcparamValueLength => {
                    out.value(Value::UInt(p.len.into()), span(p.at + 2, p.at + 4))
                }
                _ => {}
            }
            if !p.whole {
                continue;
            }
            let val = p.value;
            match (p.key, f) {
                (0, Field::SvcbSvcparamMandatoryKey) => {
                    for (i, c) in val.chunks_exact(2).enumerate() {
                        let k = be16(c, 0).unwrap_or(0);
                        out.value(Value::UInt(k.into()), span(v + 2 * i, v + 2 * i + 2));
                    }
                }
                (1, Field::SvcbSvcparamAlpn | Field::SvcbSvcparamAlpnLength) => {
                    for (o, s) in CharStrings::new(val) {
                        if f == Field::SvcbSvcparamAlpn {
                            out.value(Value::Str(cstr(s)), span(v + o + 1, v + o + 1 + s.len()));
                        } else {
                            out.value(Value::UInt(s.len() as u64), span(v + o, v + o + 1));
                        }
                    }
                }
                (3, Field::SvcbSvcparamPort) => {
                    if let Some(n) = be16(val, 0) {
                        out.value(Value::UInt(n.into()), span(v, v + 2))
                    }
                }
                (4, Field::SvcbSvcparamIpv4hintIp) => {
                    for (i, c) in val.chunks_exact(4).enumerate() {
                        if let Some(a) = array(c, 0) {
                            out.value(Value::Ipv4(a), span(v + 4 * i, v + 4 * i + 4));
                        }
                    }
                }
                (5, Field::SvcbSvcparamEchconfig) | (32769, Field::SvcbSvcparamOdohconfig)
                    if !val.is_empty() =>
                {
                    out.value(Value::Bytes(val), span(v, v + val.len()))
                }
                (6, Field::SvcbSvcparamIpv6hintIp) => {
                    for (i, c) in val.chunks_exact(16).enumerate() {
                        if let Some(a) = array(c, 0) {
                            out.value(Value::Ipv6(a), span(v + 16 * i, v + 16 * i + 16));
                        }
                    }
                }
                (k, Field::SvcbSvcparamValue) if !matches!(k, 0..=6 | 32769) && !val.is_empty() => {
                    out.value(Value::Bytes(val), span(v, v + val.len()))
                }
                _ => {}
            }
        }
    }

    fn opt_field(&self, rec: &Record<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
        let fixed = rec.fixed;
        let mdns = self.flavor == Flavor::Mdns;
        let class = rec.class();
        let ttl = rec.ttl().unwrap_or(0);
        let class_r = self.r(fixed + 2..fixed + 4);
        match f {
            Field::RrUdpPayloadSize => {
                let size = if mdns { class & 0x7fff } else { class };
                return out.value(Value::UInt(size.into()), class_r);
            }
            Field::RespExtRcode => {
                return out.value(
                    Value::UInt((ttl >> 24).into()),
                    self.r(fixed + 4..fixed + 5),
                )
            }
            Field::RespEdns0Version => {
                return out.value(
                    Value::UInt(((ttl >> 16) & 0xff).into()),
                    self.r(fixed + 5..fixed + 6),
                )
            }
            Field::RespZ => {
                return out.value(
                    Value::UInt((ttl & 0xffff).into()),
                    self.r(fixed + 6..fixed + 8),
                )
            }
            Field::RespZDo => {
                return out.value(Value::Bool(ttl & 0x8000 != 0), self.r(fixed + 6..fixed + 8))
            }
            Field::RespZReserved => {
                return out.value(
                    Value::UInt((ttl & 0x7fff).into()),
                    self.r(fixed + 6..fixed + 8),
                )
            }
            _ => {}
        }
        let start = rec.rdata_at();
        let span = |a: usize, b: usize| self.r(start + a..start + b);
        for o in EdnsOptions::new(rec.rdata()) {
            let d = o.at + 4;
            match f {
                Field::Opt => out.value(Value::Present, span(o.at, d + o.data.len())),
                Field::OptCode => out.value(Value::UInt(o.code.into()), span(o.at, o.at + 2)),
                Field::OptLen => out.value(Value::UInt(o.len.into()), span(o.at + 2, d)),
                Field::OptData if o.whole && !o.data.is_empty() => {
                    out.value(Value::Bytes(o.data), span(d, d + o.data.len()))
                }
                _ => {}
            }
            if !o.whole {
                continue;
            }
            let data = o.data;
            match (o.code, f) {
                (8, Field::OptClientFamily) => {
                    if let Some(n) = be16(data, 0) {
                        out.value(Value::UInt(n.into()), span(d, d + 2))
                    }
                }
                (8, Field::OptClientNetmask) => {
                    if let Some(n) = u8_at(data, 2) {
                        out.value(Value::UInt(n.into()), span(d + 2, d + 3))
                    }
                }
                (8, Field::OptClientScope) => {
                    if let Some(n) = u8_at(data, 3) {
                        out.value(Value::UInt(n.into()), span(d + 3, d + 4))
                    }
                }
                (8, Field::OptClientAddr4 | Field::OptClientAddr6) => {
                    let family = be16(data, 0).unwrap_or(0);
                    let addr = data.get(4..).unwrap_or(&[]);
                    let r = span(d + 4, d + 4 + addr.len());
                    match (family, f) {
                        (1, Field::OptClientAddr4) if addr.len() <= 4 => {
                            let mut a = [0u8; 4];
                            if let Some(s) = a.get_mut(..addr.len()) {
                                s.copy_from_slice(addr)
                            }
                            out.value(Value::Ipv4(a), r)
                        }
                        (2, Field::OptClientAddr6) if addr.len() <= 16 => {
                            let mut a = [0u8; 16];
                            if let Some(s) = a.get_mut(..addr.len()) {
                                s.copy_from_slice(addr)
                            }
                            out.value(Value::Ipv6(a), r)
                        }
                        _ => {}
                    }
                }
                (10, Field::OptCookieClient) => {
                    if let Some(c) = data.get(..8) {
                        out.value(Value::Bytes(c), span(d, d + 8))
                    }
                }
                (10, Field::OptCookieServer) => {
                    if let Some(s) = data.get(8..).filter(|s| !s.is_empty()) {
                        out.value(Value::Bytes(s), span(d + 8, d + data.len()))
                    }
                }
                _ => {}
            }
        }
    }

    /// `Domain Name System (query)` or `(response)`, as tshark titles it.
    pub fn title(&self, out: &mut String) {
        out.push_str(self.flavor.title());
        out.push_str(if self.is_response() {
            " (response)"
        } else {
            " (query)"
        });
    }

    /// tshark's Info column for the message: `Standard query 0x1a2b A
    /// example.com`, `Standard query response 0x1a2b A example.com A
    /// 93.184.216.34`, with the reply code when it is not 0, every question
    /// (`TYPE name`) and every record (`TYPE` and its data in short).
    pub fn summary(&self, out: &mut String) {
        let mdns = self.flavor == Flavor::Mdns;
        match opcode_name(self.opcode()) {
            Some(s) => out.push_str(s),
            None => {
                let _ = write!(out, "Unknown operation ({})", self.opcode());
            }
        }
        if self.is_response() {
            out.push_str(" response");
        }
        let _ = write!(out, " 0x{:04x}", self.id());
        if self.is_response() && self.rcode() != 0 {
            out.push(' ');
            match rcode_name(self.rcode()) {
                Some(s) => out.push_str(s),
                None => {
                    let _ = write!(out, "Unknown error ({})", self.rcode());
                }
            }
        }
        for rec in self.records() {
            // A record whose TTL or data length is cut is not named.
            if rec.section != Section::Question && rec.rdlen().is_none() {
                break;
            }
            out.push(' ');
            write_type(out, rec.rtype());
            if rec.section == Section::Question {
                out.push(' ');
                let _ = rec.name().write_to(out);
                if mdns {
                    out.push_str(if rec.class() & 0x8000 != 0 {
                        ", \"QU\" question"
                    } else {
                        ", \"QM\" question"
                    });
                }
                continue;
            }
            if mdns && rec.class() & 0x8000 != 0 {
                out.push_str(", cache flush");
            }
            if rec.is_whole() {
                let _ = rec.rdata_view().write_summary(&rec, out);
            }
        }
    }
}

/// Whether tshark 4.0 decodes type `t`'s data into fields of its own; it
/// shows the others as `dns.data` (so do we; of the types tshark decodes,
/// those this view does not are shown by their record fields alone).
fn tshark_decodes(t: u16) -> bool {
    matches!(
        t,
        1..=30
            | 33
            | 35..=39
            | 41..=52
            | 55
            | 59..=65
            | 99
            | 104..=109
            | 249
            | 250
            | 257
            | 32769
            | 65281
            | 65282
            | 65422
    )
}

// ------------------------------------------------------------------ records

/// The section a record belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Questions (zones, for an UPDATE).
    Question,
    /// Answers (prerequisites, for an UPDATE).
    Answer,
    /// Authority records (updates, for an UPDATE).
    Authority,
    Additional,
}

const SECTIONS: [Section; 4] = [
    Section::Question,
    Section::Answer,
    Section::Authority,
    Section::Additional,
];

/// One question or resource record of a message. A record is only made
/// when its owner name can be read and its type and class are there; the
/// rest (TTL, data length, data) may be cut.
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    msg: &'a [u8],
    pub section: Section,
    /// Offset of the owner name in the message.
    pub name_at: usize,
    name: NameInfo,
    /// Offset of the type field (right after the owner name).
    fixed: usize,
}

impl<'a> Record<'a> {
    /// The owner name.
    pub fn name(&self) -> NameRef<'a> {
        NameRef {
            msg: self.msg,
            at: self.name_at,
        }
    }

    pub fn rtype(&self) -> u16 {
        be16(self.msg, self.fixed).unwrap_or(0)
    }

    /// The class field, all 16 bits (mDNS uses the top bit as a flag).
    pub fn class(&self) -> u16 {
        be16(self.msg, self.fixed + 2).unwrap_or(0)
    }

    /// The TTL (not for questions, nor when cut).
    pub fn ttl(&self) -> Option<u32> {
        if self.section == Section::Question {
            return None;
        }
        be32(self.msg, self.fixed + 4)
    }

    /// The data length (not for questions, nor when cut).
    pub fn rdlen(&self) -> Option<u16> {
        if self.section == Section::Question {
            return None;
        }
        be16(self.msg, self.fixed + 8)
    }

    /// Offset of the record's data in the message.
    pub fn rdata_at(&self) -> usize {
        self.fixed + 10
    }

    /// The record's data, clamped to what the message holds.
    pub fn rdata(&self) -> &'a [u8] {
        match self.rdlen() {
            Some(n) => clamp(self.msg, self.rdata_at(), usize::from(n)),
            None => &[],
        }
    }

    /// Whether the whole record (its data included) is in the message.
    pub fn is_whole(&self) -> bool {
        self.end().is_some()
    }

    /// Where the next record starts, when this one is whole.
    fn end(&self) -> Option<usize> {
        if self.section == Section::Question {
            let e = self.fixed + 4;
            return (e <= self.msg.len()).then_some(e);
        }
        let e = self.rdata_at().checked_add(usize::from(self.rdlen()?))?;
        (e <= self.msg.len()).then_some(e)
    }

    /// The data, decoded for the common types.
    pub fn rdata_view(&self) -> Rdata<'a> {
        Rdata::parse(self.msg, self.rtype(), self.rdata_at(), self.rdata())
    }
}

/// Iterator over the questions and records of a message, in order. It
/// stops at the first that does not fit, so it never runs longer than the
/// bytes allow, whatever the counts say.
#[derive(Clone, Debug)]
pub struct Records<'a> {
    msg: &'a [u8],
    pos: usize,
    section: usize,
    left: u16,
    counts: [u16; 4],
    done: bool,
}

impl Records<'_> {
    /// Whether the walk ended before every counted record was read.
    fn stopped_early(&self) -> bool {
        self.left > 0
            || self
                .counts
                .get(self.section + 1..)
                .is_some_and(|c| c.iter().any(|&n| n > 0))
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        while !self.done {
            if self.left == 0 {
                self.section += 1;
                match self.counts.get(self.section) {
                    Some(&n) => self.left = n,
                    None => {
                        self.done = true;
                        self.section = SECTIONS.len() - 1;
                    }
                }
                continue;
            }
            let Some(name) = scan_name(self.msg, self.pos) else {
                self.done = true;
                break;
            };
            let fixed = name.end;
            if fixed + 4 > self.msg.len() {
                self.done = true;
                break;
            }
            self.left -= 1;
            let rec = Record {
                msg: self.msg,
                section: SECTIONS
                    .get(self.section)
                    .copied()
                    .unwrap_or(Section::Additional),
                name_at: self.pos,
                name,
                fixed,
            };
            match rec.end() {
                Some(e) => self.pos = e,
                None => self.done = true,
            }
            return Some(rec);
        }
        None
    }
}

// -------------------------------------------------------------------- names

/// How a name reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameStatus {
    /// Labels (or the root).
    Ok,
    /// More than [`MAX_NAME_TEXT`] characters: shown as `<Name too long>`.
    TooLong,
    /// A pointer to itself, into the part of the name that led to it, or
    /// one jump too many: `<Name contains a pointer that loops>`.
    Loops,
    /// A pointer forward in the message (not followed):
    /// `<Name contains a forward pointer>`.
    Forward,
}

/// What scanning a name found, without copying it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NameInfo {
    /// Offset just after the name's bytes in place (its first pointer or
    /// its terminating zero).
    end: usize,
    /// Characters of text (dots between labels included), before escaping.
    text_len: usize,
    /// Dots in that text (between labels and inside labels).
    dots: usize,
    status: NameStatus,
}

impl NameInfo {
    /// The text tshark shows instead of the labels, if any.
    fn placeholder(&self) -> Option<&'static str> {
        match self.status {
            NameStatus::Ok if self.text_len == 0 => Some(ROOT),
            NameStatus::Ok => None,
            NameStatus::TooLong => Some(TOO_LONG),
            NameStatus::Loops => Some(LOOPS),
            NameStatus::Forward => Some(FORWARD),
        }
    }

    /// tshark's name length: of the raw text, or of the placeholder.
    fn shown_len(&self) -> usize {
        self.placeholder().map_or(self.text_len, str::len)
    }

    /// tshark's label count: dots plus one, 0 for a 1-character name.
    fn shown_labels(&self) -> usize {
        if self.shown_len() <= 1 {
            return 0;
        }
        match self.placeholder() {
            Some(_) => 1,
            None => self.dots + 1,
        }
    }
}

/// One step of reading a name: a label, or the end.
enum Step<'a> {
    /// A label and the offset of its length byte.
    Label(usize, &'a [u8]),
    End(NameStatus),
}

/// Reads a name label by label, following pointers under the rules in the
/// module documentation.
struct NameWalk<'a> {
    msg: &'a [u8],
    /// Where the name starts.
    start: usize,
    pos: usize,
    /// Where the current run of labels began (the name itself or the last
    /// pointer's target): the next pointer must point before it.
    run_start: usize,
    jumps: usize,
    /// Offset after the name in place, once known.
    end: Option<usize>,
    finished: bool,
}

impl<'a> NameWalk<'a> {
    fn new(msg: &'a [u8], at: usize) -> Self {
        NameWalk {
            msg,
            start: at,
            pos: at,
            run_start: at,
            jumps: 0,
            end: None,
            finished: false,
        }
    }

    /// The next label; `None` when the name cannot be read (cut, or a
    /// reserved label type), which tshark reports as a malformed packet.
    fn step(&mut self) -> Option<Step<'a>> {
        if self.finished {
            return Some(Step::End(NameStatus::Ok));
        }
        loop {
            let len = u8_at(self.msg, self.pos)?;
            match len & 0xc0 {
                0x00 if len == 0 => {
                    self.end.get_or_insert(self.pos + 1);
                    self.finished = true;
                    return Some(Step::End(NameStatus::Ok));
                }
                0x00 => {
                    let start = self.pos + 1;
                    let label = self.msg.get(start..start + usize::from(len))?;
                    self.pos = start + label.len();
                    return Some(Step::Label(start - 1, label));
                }
                0xc0 => {
                    let lo = u8_at(self.msg, self.pos + 1)?;
                    let target = usize::from(len & 0x3f) << 8 | usize::from(lo);
                    // Past the end: tshark reads there and fails.
                    if target >= self.msg.len() {
                        return None;
                    }
                    let end = *self.end.get_or_insert(self.pos + 2);
                    self.jumps += 1;
                    let status = if target >= self.run_start {
                        // Into the bytes read in this run, or into the
                        // name's own bytes: a loop.
                        if target <= self.pos || (self.start..end).contains(&target) {
                            NameStatus::Loops
                        } else {
                            NameStatus::Forward
                        }
                    } else if self.jumps > MAX_POINTER_JUMPS {
                        NameStatus::Loops
                    } else {
                        self.pos = target;
                        self.run_start = target;
                        continue;
                    };
                    self.finished = true;
                    return Some(Step::End(status));
                }
                // 0x40 (extended labels, RFC 6891 deprecated them) and 0x80
                // (reserved): tshark cannot go on either.
                _ => return None,
            }
        }
    }
}

/// Scan the name at `at`: its extent in place and how it reads. `None`
/// when it cannot be read.
fn scan_name(msg: &[u8], at: usize) -> Option<NameInfo> {
    let mut w = NameWalk::new(msg, at);
    let mut text_len = 0usize;
    let mut dots = 0usize;
    let mut labels = 0usize;
    let status = loop {
        match w.step()? {
            Step::Label(_, l) => {
                if labels > 0 {
                    text_len += 1;
                    dots += 1;
                }
                labels += 1;
                text_len += l.len();
                dots += l.iter().filter(|&&c| c == b'.').count();
                // Past the limit and past the bytes in place: the rest
                // cannot change what is shown.
                if text_len > MAX_NAME_TEXT && w.end.is_some() {
                    break NameStatus::TooLong;
                }
            }
            Step::End(s) => break s,
        }
    };
    let status = match status {
        NameStatus::Ok if text_len > MAX_NAME_TEXT => NameStatus::TooLong,
        s => s,
    };
    Some(NameInfo {
        end: w.end?,
        text_len,
        dots,
        status,
    })
}

/// Append the dotted text of the name at `at` in `msg`, as tshark shows it
/// (`<Root>` for the root name, `format_text` escapes for odd characters,
/// a placeholder for a name too long or looping). Of a name that cannot be
/// read whole (cut, or a reserved label type), the labels that can.
pub fn write_name(msg: &[u8], at: usize, out: &mut String) {
    let _ = render_name(msg, at, out);
}

fn render_name<W: fmt::Write>(msg: &[u8], at: usize, out: &mut W) -> fmt::Result {
    // A name that cannot be read whole prints the labels that can.
    if let Some(p) = scan_name(msg, at).and_then(|i| i.placeholder()) {
        return out.write_str(p);
    }
    let mut w = NameWalk::new(msg, at);
    let mut first = true;
    while let Some(Step::Label(_, l)) = w.step() {
        if !first {
            out.write_char('.')?;
        }
        first = false;
        format_text(l, out)?;
    }
    Ok(())
}

/// A name in a message, printed on demand (it may be compressed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameRef<'a> {
    pub msg: &'a [u8],
    pub at: usize,
}

impl NameRef<'_> {
    /// Append the name as tshark shows it.
    pub fn write_to(&self, out: &mut String) -> fmt::Result {
        render_name(self.msg, self.at, out)
    }

    /// How the name reads (`None` when it cannot be read at all).
    pub fn status(&self) -> Option<NameStatus> {
        scan_name(self.msg, self.at).map(|i| i.status)
    }

    /// The raw labels, pointers followed (at most [`MAX_POINTER_JUMPS`],
    /// always backwards), for callers that compare names.
    pub fn labels(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let mut w = NameWalk::new(self.msg, self.at);
        std::iter::from_fn(move || match w.step()? {
            Step::Label(_, l) => Some(l),
            Step::End(_) => None,
        })
    }
}

impl fmt::Display for NameRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render_name(self.msg, self.at, f)
    }
}

/// The Unicode replacement character tshark puts for bytes that are not
/// UTF-8.
const REPLACEMENT: char = '\u{fffd}';

/// tshark 4.0's `format_text`: printable ASCII as is; other ASCII as C
/// escapes (`\t`, `\n`, ..., octal `\001`); UTF-8 sequences decoded (leniently:
/// overlong forms are accepted), printable characters as themselves,
/// others as `\uXXXX` / `\UXXXXXXXX`; what is not UTF-8 as U+FFFD.
fn format_text<W: fmt::Write>(s: &[u8], out: &mut W) -> fmt::Result {
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        i += 1;
        if (0x20..0x7f).contains(&c) {
            out.write_char(char::from(c))?;
            continue;
        }
        if c < 0x80 {
            let e = match c {
                0x07 => "\\a",
                0x08 => "\\b",
                0x0c => "\\f",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x0b => "\\v",
                _ => {
                    write!(out, "\\{c:03o}")?;
                    continue;
                }
            };
            out.write_str(e)?;
            continue;
        }
        let (mut more, mut uc) = match c {
            0xc0..=0xdf => (1, u32::from(c & 0x1f)),
            0xe0..=0xef => (2, u32::from(c & 0x0f)),
            0xf0..=0xf7 => (3, u32::from(c & 0x07)),
            0xf8..=0xfb => (4, u32::from(c & 0x03)),
            0xfc..=0xfd => (5, u32::from(c & 0x01)),
            _ => {
                out.write_char(REPLACEMENT)?;
                continue;
            }
        };
        while more > 0 {
            match s.get(i) {
                Some(&b) if b & 0xc0 == 0x80 => {
                    uc = uc << 6 | u32::from(b & 0x3f);
                    i += 1;
                    more -= 1;
                }
                _ => break,
            }
        }
        if more > 0 {
            out.write_char(REPLACEMENT)?;
            continue;
        }
        match char::from_u32(uc) {
            None => out.write_char(REPLACEMENT)?,
            Some(ch) if printable(ch) => out.write_char(ch)?,
            Some(ch) if u32::from(ch) <= 0xffff => write!(out, "\\u{:04X}", u32::from(ch))?,
            Some(ch) => write!(out, "\\U{:08X}", u32::from(ch))?,
        }
    }
    Ok(())
}

/// GLib's `g_unichar_isprint` (what `format_text` asks): not a control,
/// format, surrogate or unassigned character. Unassigned is approximated
/// by the noncharacters and the unassigned planes.
fn printable(ch: char) -> bool {
    let c = u32::from(ch);
    let control = c < 0x20 || (0x7f..=0x9f).contains(&c);
    let format = matches!(
        c,
        0xad | 0x600..=0x605
            | 0x61c
            | 0x6dd
            | 0x70f
            | 0x890..=0x891
            | 0x8e2
            | 0x180e
            | 0x200b..=0x200f
            | 0x202a..=0x202e
            | 0x2060..=0x2064
            | 0x2066..=0x206f
            | 0xfeff
            | 0xfff9..=0xfffb
            | 0x110bd
            | 0x110cd
            | 0x13430..=0x1343f
            | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a
            | 0xe0001
            | 0xe0020..=0xe007f
    );
    let unassigned = (0xfdd0..=0xfdef).contains(&c)
        || c & 0xfffe == 0xfffe
        || (0x40000..=0xdffff).contains(&c)
        || ((0xe0000..=0xeffff).contains(&c)
            && !matches!(c, 0xe0001 | 0xe0020..=0xe007f | 0xe0100..=0xe01ef));
    !(control || format || unassigned)
}

// -------------------------------------------------------- pieces of rdata

/// Text as tshark shows a string field: up to its first NUL.
fn cstr(s: &[u8]) -> &[u8] {
    s.iter()
        .position(|&c| c == 0)
        .and_then(|n| s.get(..n))
        .unwrap_or(s)
}

/// `<character-string>`s (a length byte, then that many bytes) one after
/// another, each with its offset; stops at the first that is cut.
struct CharStrings<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> CharStrings<'a> {
    fn new(b: &'a [u8]) -> Self {
        CharStrings { b, pos: 0 }
    }
}

impl<'a> Iterator for CharStrings<'a> {
    type Item = (usize, &'a [u8]);
    fn next(&mut self) -> Option<(usize, &'a [u8])> {
        let at = self.pos;
        let n = usize::from(u8_at(self.b, at)?);
        let s = self.b.get(at + 1..at + 1 + n)?;
        self.pos = at + 1 + n;
        Some((at, s))
    }
}

/// The types of an NSEC/NSEC3 type bit map (RFC 4034 4.1.2), each with
/// the offset of the byte that holds its bit; stops at a block that is cut.
struct TypeBitmap<'a> {
    b: &'a [u8],
    /// The current window block: its offset, number and length.
    block: usize,
    bit: usize,
}

impl<'a> TypeBitmap<'a> {
    fn new(b: &'a [u8]) -> Self {
        TypeBitmap {
            b,
            block: 0,
            bit: 0,
        }
    }
}

impl Iterator for TypeBitmap<'_> {
    type Item = (usize, u16);
    fn next(&mut self) -> Option<(usize, u16)> {
        loop {
            let window = u8_at(self.b, self.block)?;
            let len = usize::from(u8_at(self.b, self.block + 1)?);
            let bits = self.b.get(self.block + 2..self.block + 2 + len)?;
            while self.bit < len * 8 {
                let i = self.bit;
                self.bit += 1;
                if bits.get(i / 8).is_some_and(|&x| x & (0x80 >> (i % 8)) != 0) {
                    let ty = u16::from(window) << 8 | i as u16;
                    return Some((self.block + 2 + i / 8, ty));
                }
            }
            self.block += 2 + len;
            self.bit = 0;
        }
    }
}

/// Where the type bit map of NSEC3 data starts (after the salt and the
/// hash).
fn nsec3_bitmap_at(rd: &[u8]) -> Option<usize> {
    let salt = usize::from(u8_at(rd, 4)?);
    let hash = usize::from(u8_at(rd, 5 + salt)?);
    Some(6 + salt + hash)
}

/// One EDNS option (RFC 6891).
#[derive(Clone, Copy, Debug)]
pub struct EdnsOption<'a> {
    /// Offset in the OPT record's data.
    pub at: usize,
    pub code: u16,
    pub len: u16,
    /// The data, clamped to what is there.
    pub data: &'a [u8],
    /// Whether all `len` bytes of data are there.
    pub whole: bool,
}

/// The options of an OPT record; stops after one that is cut.
#[derive(Clone, Debug)]
pub struct EdnsOptions<'a> {
    b: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> EdnsOptions<'a> {
    pub fn new(rdata: &'a [u8]) -> Self {
        EdnsOptions {
            b: rdata,
            pos: 0,
            done: false,
        }
    }
}

impl<'a> Iterator for EdnsOptions<'a> {
    type Item = EdnsOption<'a>;
    fn next(&mut self) -> Option<EdnsOption<'a>> {
        if self.done {
            return None;
        }
        let at = self.pos;
        let (Some(code), Some(len)) = (be16(self.b, at), be16(self.b, at + 2)) else {
            self.done = true;
            return None;
        };
        let data = clamp(self.b, at + 4, usize::from(len));
        let whole = data.len() == usize::from(len);
        self.done = !whole;
        self.pos = at + 4 + data.len();
        Some(EdnsOption {
            at,
            code,
            len,
            data,
            whole,
        })
    }
}

/// One SvcParam of an SVCB or HTTPS record (RFC 9460).
#[derive(Clone, Copy, Debug)]
pub struct SvcParam<'a> {
    /// Offset in the record's data.
    pub at: usize,
    pub key: u16,
    pub len: u16,
    /// Offset of the value in the record's data.
    pub value_at: usize,
    /// The value, clamped to what is there.
    pub value: &'a [u8],
    pub whole: bool,
}

/// The SvcParams of an SVCB or HTTPS record; stops after one that is cut.
#[derive(Clone, Debug)]
pub struct SvcParams<'a> {
    b: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> SvcParams<'a> {
    /// The params of `rdata`, starting at offset `from` (after the target).
    pub fn new(rdata: &'a [u8], from: usize) -> Self {
        SvcParams {
            b: rdata,
            pos: from,
            done: false,
        }
    }
}

impl<'a> Iterator for SvcParams<'a> {
    type Item = SvcParam<'a>;
    fn next(&mut self) -> Option<SvcParam<'a>> {
        if self.done {
            return None;
        }
        let at = self.pos;
        let (Some(key), Some(len)) = (be16(self.b, at), be16(self.b, at + 2)) else {
            self.done = true;
            return None;
        };
        let value = clamp(self.b, at + 4, usize::from(len));
        let whole = value.len() == usize::from(len);
        self.done = !whole;
        self.pos = at + 4 + value.len();
        Some(SvcParam {
            at,
            key,
            len,
            value_at: at + 4,
            value,
            whole,
        })
    }
}

/// The EDNS pseudo-record (OPT) of a message.
#[derive(Clone, Copy, Debug)]
pub struct Edns<'a> {
    rec: Record<'a>,
}

impl<'a> Edns<'a> {
    /// The requester's UDP payload size (the OPT record's class).
    pub fn udp_payload_size(&self) -> u16 {
        self.rec.class()
    }
    /// The high 8 bits of the extended reply code.
    pub fn ext_rcode(&self) -> u8 {
        (self.rec.ttl().unwrap_or(0) >> 24) as u8
    }
    pub fn version(&self) -> u8 {
        (self.rec.ttl().unwrap_or(0) >> 16) as u8
    }
    /// The DNSSEC OK bit.
    pub fn dnssec_ok(&self) -> bool {
        self.rec.ttl().unwrap_or(0) & 0x8000 != 0
    }
    pub fn options(&self) -> EdnsOptions<'a> {
        EdnsOptions::new(self.rec.rdata())
    }
}

/// A record's data, decoded for the common types.
#[derive(Clone, Copy, Debug)]
pub enum Rdata<'a> {
    A([u8; 4]),
    Aaaa([u8; 16]),
    /// CNAME, NS, PTR, DNAME and the other types whose data is one name.
    Name(NameRef<'a>),
    Mx {
        preference: u16,
        exchange: NameRef<'a>,
    },
    /// TXT and SPF: the data, a sequence of `<character-string>`s
    /// ([`Rdata::strings`]).
    Txt(&'a [u8]),
    Soa {
        mname: NameRef<'a>,
        rname: NameRef<'a>,
        serial: u32,
        refresh: u32,
        retry: u32,
        expire: u32,
        minimum: u32,
    },
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: NameRef<'a>,
    },
    /// SVCB and HTTPS: the params start at `params` in the data.
    Svcb {
        priority: u16,
        target: NameRef<'a>,
        data: &'a [u8],
        params: usize,
    },
    Nsec {
        next: NameRef<'a>,
    },
    Hinfo {
        cpu: &'a [u8],
        os: &'a [u8],
    },
    /// OPT: the options ([`EdnsOptions`]).
    Opt(&'a [u8]),
    /// Any other type, or data too short for its type.
    Other(&'a [u8]),
}

impl<'a> Rdata<'a> {
    /// Decode `data` (at offset `at` in `msg`) as type `t`.
    pub fn parse(msg: &'a [u8], t: u16, at: usize, data: &'a [u8]) -> Rdata<'a> {
        let name = |o: usize| {
            let r = NameRef { msg, at: at + o };
            (o <= data.len() && scan_name(msg, at + o).is_some()).then_some(r)
        };
        let made = match t {
            rtype::A => array(data, 0).map(Rdata::A),
            rtype::AAAA => array(data, 0).map(Rdata::Aaaa),
            rtype::CNAME
            | rtype::NS
            | rtype::PTR
            | rtype::DNAME
            | rtype::MD
            | rtype::MF
            | rtype::MB
            | rtype::MG
            | rtype::MR => name(0).map(Rdata::Name),
            rtype::MX => be16(data, 0)
                .zip(name(2))
                .map(|(preference, exchange)| Rdata::Mx {
                    preference,
                    exchange,
                }),
            rtype::TXT | rtype::SPF => Some(Rdata::Txt(data)),
            rtype::SOA => (|| {
                let m = scan_name(msg, at)?;
                let r = scan_name(msg, m.end)?;
                let n = |k: usize| {
                    let o = r.end + 4 * k;
                    (o + 4 <= at + data.len()).then(|| be32(msg, o)).flatten()
                };
                Some(Rdata::Soa {
                    mname: NameRef { msg, at },
                    rname: NameRef { msg, at: m.end },
                    serial: n(0)?,
                    refresh: n(1)?,
                    retry: n(2)?,
                    expire: n(3)?,
                    minimum: n(4)?,
                })
            })(),
            rtype::SRV => (|| {
                Some(Rdata::Srv {
                    priority: be16(data, 0)?,
                    weight: be16(data, 2)?,
                    port: be16(data, 4)?,
                    target: name(6)?,
                })
            })(),
            rtype::SVCB | rtype::HTTPS => (|| {
                let priority = be16(data, 0)?;
                let target = name(2)?;
                let end = scan_name(msg, at + 2)?.end;
                Some(Rdata::Svcb {
                    priority,
                    target,
                    data,
                    params: end.saturating_sub(at),
                })
            })(),
            rtype::NSEC => name(0).map(|next| Rdata::Nsec { next }),
            rtype::HINFO => {
                let mut s = CharStrings::new(data);
                s.next()
                    .zip(s.next())
                    .map(|((_, cpu), (_, os))| Rdata::Hinfo { cpu, os })
            }
            rtype::OPT => Some(Rdata::Opt(data)),
            _ => None,
        };
        made.unwrap_or(Rdata::Other(data))
    }

    /// The `<character-string>`s of TXT data (empty for other types).
    pub fn strings(&self) -> impl Iterator<Item = &'a [u8]> {
        let b = match *self {
            Rdata::Txt(b) => b,
            _ => &[],
        };
        CharStrings::new(b).map(|(_, s)| s)
    }

    /// The SvcParams of SVCB/HTTPS data (empty for other types).
    pub fn svc_params(&self) -> SvcParams<'a> {
        match *self {
            Rdata::Svcb { data, params, .. } => SvcParams::new(data, params),
            _ => SvcParams::new(&[], 0),
        }
    }

    /// The short text tshark's Info column gives a record after its type
    /// (with its leading space; nothing for most types).
    fn write_summary(&self, rec: &Record<'a>, out: &mut String) -> fmt::Result {
        match *self {
            Rdata::A(a) => {
                out.push(' ');
                write_ipv4(out, a);
            }
            Rdata::Aaaa(a) => {
                out.push(' ');
                write_ipv6(out, &a);
            }
            Rdata::Name(n) => {
                out.push(' ');
                n.write_to(out)?;
            }
            Rdata::Mx {
                preference,
                exchange,
            } => {
                write!(out, " {preference} ")?;
                exchange.write_to(out)?;
            }
            Rdata::Soa { mname, .. } => {
                out.push(' ');
                mname.write_to(out)?;
            }
            Rdata::Srv {
                priority,
                weight,
                port,
                target,
            } => {
                write!(out, " {priority} {weight} {port} ")?;
                target.write_to(out)?;
            }
            Rdata::Nsec { next } => {
                out.push(' ');
                next.write_to(out)?;
            }
            Rdata::Hinfo { cpu, os } => {
                out.push(' ');
                crate::field::write_escaped(out, cpu);
                out.push(' ');
                crate::field::write_escaped(out, os);
            }
            // tshark names the owner of a NULL record.
            Rdata::Other(_) if rec.rtype() == rtype::NULL => {
                out.push(' ');
                rec.name().write_to(out)?;
            }
            _ => {}
        }
        Ok(())
    }
}

// ---------------------------------------------------------- names of values

/// tshark's short name of a record type (`A`, `AAAA`, `Unknown (1234)`).
pub fn write_type(out: &mut String, t: u16) {
    match type_name(t) {
        Some(s) => out.push_str(s),
        None => {
            let _ = write!(out, "Unknown ({t})");
        }
    }
}

/// tshark 4.0's short names of record types.
pub fn type_name(t: u16) -> Option<&'static str> {
    Some(match t {
        0 => "Unused",
        1 => "A",
        2 => "NS",
        3 => "MD",
        4 => "MF",
        5 => "CNAME",
        6 => "SOA",
        7 => "MB",
        8 => "MG",
        9 => "MR",
        10 => "NULL",
        11 => "WKS",
        12 => "PTR",
        13 => "HINFO",
        14 => "MINFO",
        15 => "MX",
        16 => "TXT",
        17 => "RP",
        18 => "AFSDB",
        19 => "X25",
        20 => "ISDN",
        21 => "RT",
        22 => "NSAP",
        23 => "NSAP-PTR",
        24 => "SIG",
        25 => "KEY",
        26 => "PX",
        27 => "GPOS",
        28 => "AAAA",
        29 => "LOC",
        30 => "NXT",
        31 => "EID",
        32 => "NIMLOC",
        33 => "SRV",
        34 => "ATMA",
        35 => "NAPTR",
        36 => "KX",
        37 => "CERT",
        38 => "A6",
        39 => "DNAME",
        40 => "SINK",
        41 => "OPT",
        42 => "APL",
        43 => "DS",
        44 => "SSHFP",
        45 => "IPSECKEY",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        49 => "DHCID",
        50 => "NSEC3",
        51 => "NSEC3PARAM",
        52 => "TLSA",
        55 => "HIP",
        57 => "RKEY",
        58 => "TALINK",
        59 => "CDS",
        60 => "CDNSKEY",
        61 => "OPENPGPKEY",
        62 => "CSYNC",
        63 => "ZONEMD",
        64 => "SVCB",
        65 => "HTTPS",
        99 => "SPF",
        100 => "UINFO",
        101 => "UID",
        102 => "GID",
        103 => "UNSPEC",
        104 => "NID",
        105 => "L32",
        106 => "L64",
        107 => "LP",
        108 => "EUI48",
        109 => "EUI64",
        249 => "TKEY",
        250 => "TSIG",
        251 => "IXFR",
        252 => "AXFR",
        253 => "MAILB",
        254 => "MAILA",
        255 => "ANY",
        256 => "URI",
        257 => "CAA",
        32768 => "TA",
        32769 => "DLV",
        65281 => "WINS",
        65282 => "WINS-R",
        65422 => "XPF",
        _ => return None,
    })
}

/// tshark's names of opcodes (`Standard query`, ...).
pub fn opcode_name(op: u8) -> Option<&'static str> {
    Some(match op {
        0 => "Standard query",
        1 => "Inverse query",
        2 => "Server status request",
        4 => "Zone change notification",
        5 => "Dynamic update",
        6 => "DNS Stateful operations (DSO)",
        _ => return None,
    })
}

/// tshark's names of reply codes (`No such name`, ...).
pub fn rcode_name(rc: u8) -> Option<&'static str> {
    Some(match rc {
        0 => "No error",
        1 => "Format error",
        2 => "Server failure",
        3 => "No such name",
        4 => "Not implemented",
        5 => "Refused",
        6 => "Name exists",
        7 => "RRset exists",
        8 => "RRset does not exist",
        9 => "Not authoritative",
        10 => "Name out of zone",
        11 => "DSO-Type not implemented",
        _ => return None,
    })
}

// ------------------------------------------------------------------ framing

/// tshark 4.0's DNS heuristic for a UDP payload on a port no dissector
/// claims: more than a header, opcode 0, and counts a DNS message would
/// have (a query: 1 question, no answer or authority record, at most 10
/// additional; a response: at most 1 question, 100 answers, 10 authority
/// and 10 additional records). The records themselves are not checked.
pub fn looks_like(msg: &[u8]) -> bool {
    if msg.len() <= at::HEADER_LEN {
        return false;
    }
    let w = |o: usize| be16(msg, o).unwrap_or(0);
    let (flags, qd, an, ns, ar) = (w(2), w(4), w(6), w(8), w(10));
    if flags & flag::OPCODE != 0 || ar > 10 {
        return false;
    }
    if flags & flag::RESPONSE == 0 {
        qd == 1 && an == 0 && ns == 0
    } else {
        qd <= 1 && an <= 100 && ns <= 10
    }
}

/// How many bytes the DNS-over-TCP message (2-byte length prefix) at the
/// start of `bytes` takes. A length below the 12-byte header cannot be DNS.
pub fn pdu_len_tcp(bytes: &[u8]) -> crate::stream::Pdu {
    use crate::stream::Pdu;
    let Some(len) = be16(bytes, 0) else {
        return Pdu::Need(2);
    };
    let len = usize::from(len);
    if len < at::HEADER_LEN {
        return Pdu::NotMine;
    }
    let total = len + 2;
    if bytes.len() >= total {
        Pdu::Whole(total)
    } else {
        Pdu::Need(total)
    }
}

// ------------------------------------------------------------------ builder

/// A question, for building messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionRepr {
    /// Dotted name, written uncompressed (`""` or `"."` is the root).
    pub name: String,
    pub qtype: u16,
    pub qclass: u16,
}

/// A resource record, for building messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordRepr {
    pub name: String,
    pub rtype: u16,
    pub class: u16,
    pub ttl: u32,
    /// The data as written (names in it are not compressed by the builder).
    pub rdata: Vec<u8>,
}

/// The plain values of a DNS message, for building one.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DnsRepr {
    pub id: u16,
    pub flags: u16,
    pub questions: Vec<QuestionRepr>,
    pub answers: Vec<RecordRepr>,
    pub authority: Vec<RecordRepr>,
    pub additional: Vec<RecordRepr>,
}

impl DnsRepr {
    /// Read a whole message back. Names are rendered as tshark shows them
    /// (labels with plain characters round-trip). Records that do not fit
    /// are left out.
    pub fn parse(v: &DnsView) -> Self {
        let name = |n: NameRef| {
            if n.status() == Some(NameStatus::Ok) && n.labels().next().is_none() {
                return String::new();
            }
            n.to_string()
        };
        let mut r = DnsRepr {
            id: v.id(),
            flags: v.flags(),
            ..Default::default()
        };
        for rec in v.records() {
            if rec.section == Section::Question {
                r.questions.push(QuestionRepr {
                    name: name(rec.name()),
                    qtype: rec.rtype(),
                    qclass: rec.class(),
                });
                continue;
            }
            let rr = RecordRepr {
                name: name(rec.name()),
                rtype: rec.rtype(),
                class: rec.class(),
                ttl: rec.ttl().unwrap_or(0),
                rdata: rec.rdata().to_vec(),
            };
            match rec.section {
                Section::Answer => r.answers.push(rr),
                Section::Authority => r.authority.push(rr),
                _ => r.additional.push(rr),
            }
        }
        r
    }

    /// Append the message to `buf` (counts from the lists; names
    /// uncompressed; labels longer than 63 bytes are cut to 63).
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let n = |l: usize| u16::try_from(l).unwrap_or(u16::MAX);
        buf.extend_from_slice(&self.id.to_be_bytes());
        buf.extend_from_slice(&self.flags.to_be_bytes());
        for c in [
            self.questions.len(),
            self.answers.len(),
            self.authority.len(),
            self.additional.len(),
        ] {
            buf.extend_from_slice(&n(c).to_be_bytes());
        }
        for q in &self.questions {
            emit_name(buf, &q.name);
            buf.extend_from_slice(&q.qtype.to_be_bytes());
            buf.extend_from_slice(&q.qclass.to_be_bytes());
        }
        for rr in self
            .answers
            .iter()
            .chain(&self.authority)
            .chain(&self.additional)
        {
            emit_name(buf, &rr.name);
            buf.extend_from_slice(&rr.rtype.to_be_bytes());
            buf.extend_from_slice(&rr.class.to_be_bytes());
            buf.extend_from_slice(&rr.ttl.to_be_bytes());
            let data = rr.rdata.get(..usize::from(u16::MAX)).unwrap_or(&rr.rdata);
            buf.extend_from_slice(&n(data.len()).to_be_bytes());
            buf.extend_from_slice(data);
        }
    }

    /// Append the message with its DNS-over-TCP length prefix.
    pub fn emit_tcp(&self, buf: &mut Vec<u8>) {
        let mut m = Vec::new();
        self.emit(&mut m);
        let len = u16::try_from(m.len()).unwrap_or(u16::MAX);
        buf.extend_from_slice(&len.to_be_bytes());
        buf.extend_from_slice(m.get(..usize::from(len)).unwrap_or(&m));
    }
}

/// Append `name` (dotted) in wire form, uncompressed.
pub fn emit_name(buf: &mut Vec<u8>, name: &str) {
    for label in name.split('.').filter(|l| !l.is_empty()) {
        let l = label.as_bytes();
        let l = l.get(..63).unwrap_or(l);
        buf.push(l.len() as u8);
        buf.extend_from_slice(l);
    }
    buf.push(0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::Pdu;
    use crate::testing::values_checked;
    use proptest::prelude::*;

    /// A query from a real capture (arkime dns-mx.pcap frame 1):
    /// `Standard query 0x4c17 MX mx.com`.
    const MX_QUERY: [u8; 24] = [
        0x4c, 0x17, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x6d, 0x78,
        0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x0f, 0x00, 0x01,
    ];

    /// Its answer (frame 2): 2 MX, 2 NS in authority, 2 A in additional,
    /// every name compressed.
    const MX_RESPONSE: [u8; 174] = [
        0x4c, 0x17, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x02, 0x00, 0x02, 0x02, 0x6d, 0x78,
        0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x0f, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01,
        0x00, 0x00, 0x0e, 0x10, 0x00, 0x1c, 0x00, 0x0a, 0x08, 0x63, 0x6c, 0x75, 0x73, 0x74, 0x65,
        0x72, 0x35, 0x02, 0x75, 0x73, 0x0b, 0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x6c, 0x61,
        0x62, 0x73, 0xc0, 0x0f, 0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00,
        0x0e, 0x00, 0x14, 0x09, 0x63, 0x6c, 0x75, 0x73, 0x74, 0x65, 0x72, 0x35, 0x61, 0xc0, 0x2f,
        0xc0, 0x0c, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x15, 0x04, 0x64, 0x6e,
        0x73, 0x32, 0x0d, 0x73, 0x74, 0x61, 0x62, 0x6c, 0x65, 0x74, 0x72, 0x61, 0x6e, 0x73, 0x69,
        0x74, 0xc0, 0x0f, 0xc0, 0x0c, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x07,
        0x04, 0x64, 0x6e, 0x73, 0x31, 0xc0, 0x6b, 0xc0, 0x66, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
        0x05, 0x16, 0x00, 0x04, 0x41, 0x3d, 0xbc, 0x04, 0xc0, 0x87, 0x00, 0x01, 0x00, 0x01, 0x00,
        0x00, 0x0d, 0xe7, 0x00, 0x04, 0x45, 0x14, 0x5f, 0x04,
    ];

    /// An HTTPS record (arkime dns-https.pcap frame 2): alpn h3,h2, v4 and
    /// v6 hints, target the root.
    const HTTPS_RESPONSE: [u8; 105] = [
        0xd7, 0x5c, 0x81, 0xa0, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x63, 0x6c,
        0x6f, 0x75, 0x64, 0x66, 0x6c, 0x61, 0x72, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x41,
        0x00, 0x01, 0xc0, 0x0c, 0x00, 0x41, 0x00, 0x01, 0x00, 0x00, 0x01, 0x17, 0x00, 0x3d, 0x00,
        0x01, 0x00, 0x00, 0x01, 0x00, 0x06, 0x02, 0x68, 0x33, 0x02, 0x68, 0x32, 0x00, 0x04, 0x00,
        0x08, 0x68, 0x10, 0x84, 0xe5, 0x68, 0x10, 0x85, 0xe5, 0x00, 0x06, 0x00, 0x20, 0x26, 0x06,
        0x47, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x68, 0x10, 0x84, 0xe5, 0x26,
        0x06, 0x47, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x68, 0x10, 0x85, 0xe5,
    ];

    /// An mDNS response (nDPI telegram.pcap frame 9): PTRs, two with the
    /// cache-flush bit, NSEC records with a type bit map, an OPT record.
    const MDNS_RESPONSE: [u8; 266] = [
        0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03, 0x09, 0x5f, 0x73,
        0x65, 0x72, 0x76, 0x69, 0x63, 0x65, 0x73, 0x07, 0x5f, 0x64, 0x6e, 0x73, 0x2d, 0x73, 0x64,
        0x04, 0x5f, 0x75, 0x64, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x0c, 0x00,
        0x01, 0x00, 0x00, 0x11, 0x94, 0x00, 0x0d, 0x05, 0x5f, 0x64, 0x61, 0x63, 0x70, 0x04, 0x5f,
        0x74, 0x63, 0x70, 0xc0, 0x23, 0x01, 0x38, 0x01, 0x31, 0x01, 0x33, 0x01, 0x45, 0x01, 0x37,
        0x01, 0x31, 0x01, 0x38, 0x01, 0x37, 0x01, 0x41, 0x01, 0x31, 0x01, 0x39, 0x01, 0x30, 0x01,
        0x41, 0x01, 0x42, 0x01, 0x34, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30,
        0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01,
        0x30, 0x01, 0x30, 0x01, 0x38, 0x01, 0x45, 0x01, 0x46, 0x03, 0x69, 0x70, 0x36, 0x04, 0x61,
        0x72, 0x70, 0x61, 0x00, 0x00, 0x0c, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x11, 0x0e,
        0x47, 0x61, 0x62, 0x72, 0x69, 0x65, 0x6c, 0x65, 0x73, 0x2d, 0x69, 0x50, 0x61, 0x64, 0xc0,
        0x23, 0x02, 0x37, 0x35, 0x01, 0x31, 0x03, 0x31, 0x36, 0x38, 0x03, 0x31, 0x39, 0x32, 0x07,
        0x69, 0x6e, 0x2d, 0x61, 0x64, 0x64, 0x72, 0xc0, 0x85, 0x00, 0x0c, 0x80, 0x01, 0x00, 0x00,
        0x00, 0x78, 0x00, 0x02, 0xc0, 0x95, 0xc0, 0x41, 0x00, 0x2f, 0x80, 0x01, 0x00, 0x00, 0x00,
        0x78, 0x00, 0x06, 0xc0, 0x41, 0x00, 0x02, 0x00, 0x08, 0xc0, 0xa6, 0x00, 0x2f, 0x80, 0x01,
        0x00, 0x00, 0x00, 0x78, 0x00, 0x06, 0xc0, 0xa6, 0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x29,
        0x05, 0xa0, 0x00, 0x00, 0x11, 0x94, 0x00, 0x12, 0x00, 0x04, 0x00, 0x0e, 0x00, 0xda, 0xae,
        0xfe, 0x57, 0x23, 0x37, 0xe4, 0x8c, 0xfe, 0x57, 0x23, 0x37, 0xe4,
    ];

    /// An LLMNR answer (suricata llmnr-authority-additional frame 2):
    /// flags 0x8503, conflict and tentative set, "No such name".
    const LLMNR_RESPONSE: [u8; 32] = [
        0x04, 0xd2, 0x85, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x74, 0x65,
        0x73, 0x74, 0x68, 0x6f, 0x73, 0x74, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x01,
        0x00, 0x01,
    ];

    /// DNS over TCP with its length prefix (PcapPlusPlus dns_over_tcp.pcapng
    /// frame 1): github.com A 192.30.255.113, names uncompressed.
    const TCP_RESPONSE: [u8; 56] = [
        0x00, 0x36, 0x00, 0x38, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x06,
        0x67, 0x69, 0x74, 0x68, 0x75, 0x62, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
        0x06, 0x67, 0x69, 0x74, 0x68, 0x75, 0x62, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x20, 0x00, 0x04, 0xc0, 0x1e, 0xff, 0x71,
    ];

    /// Every occurrence of `f`, joined with ',' as tshark does; each
    /// occurrence's range must lie within the layer.
    fn text(v: &DnsView, f: Field) -> String {
        values_checked(
            FIELDS[f as usize].kind,
            |out| v.field(f, out),
            |r| assert!(r.start <= r.end && r.end <= v.header_len(), "{f:?} {r:?}"),
        )
        .join(",")
    }

    fn summary(v: &DnsView) -> String {
        let mut s = String::new();
        v.summary(&mut s);
        s
    }

    fn title(v: &DnsView) -> String {
        let mut s = String::new();
        v.title(&mut s);
        s
    }

    fn name(msg: &[u8], at: usize) -> String {
        let mut s = String::new();
        write_name(msg, at, &mut s);
        s
    }

    /// Walk everything a sink reads, as the fuzz target does.
    fn touch_all(v: &DnsView) {
        for i in 0..FIELDS.len() {
            text(v, Field::from_index(i).unwrap());
        }
        summary(v);
        title(v);
        for r in v.records() {
            let _ = (
                r.name().to_string(),
                r.ttl(),
                r.rdlen(),
                r.rdata(),
                r.is_whole(),
            );
            let d = r.rdata_view();
            let _ = (d.strings().count(), d.svc_params().count());
        }
        if let Some(e) = v.edns() {
            let _ = (
                e.udp_payload_size(),
                e.ext_rcode(),
                e.version(),
                e.dnssec_ok(),
            );
            let _ = e.options().count();
        }
        let _ = (v.malformed_at(), v.question().map(|q| q.rtype()));
    }

    /// Message builders for the hostile cases.
    fn header(flags: u16, counts: [u16; 4]) -> Vec<u8> {
        let mut m = vec![0x12, 0x34];
        m.extend_from_slice(&flags.to_be_bytes());
        for c in counts {
            m.extend_from_slice(&c.to_be_bytes());
        }
        m
    }

    fn labels(ls: &[&[u8]]) -> Vec<u8> {
        let mut b = Vec::new();
        for l in ls {
            b.push(l.len() as u8);
            b.extend_from_slice(l);
        }
        b.push(0);
        b
    }

    #[test]
    fn reads_a_real_query() {
        let v = DnsView::new(&MX_QUERY).unwrap();
        assert_eq!(
            (v.id(), v.flags(), v.is_response()),
            (0x4c17, 0x0100, false)
        );
        assert_eq!(v.counts(), [1, 0, 0, 0]);
        assert_eq!(text(&v, Field::Id), "0x4c17");
        assert_eq!(text(&v, Field::Flags), "0x0100");
        assert_eq!(text(&v, Field::FlagsResponse), "0");
        assert_eq!(text(&v, Field::FlagsRecdesired), "1");
        // A query names neither these bits nor the reply code.
        for f in [
            Field::FlagsAuthoritative,
            Field::FlagsRecavail,
            Field::FlagsRcode,
        ] {
            assert_eq!(text(&v, f), "", "{f:?}");
        }
        assert_eq!(text(&v, Field::FlagsAuthenticated), "");
        assert_eq!(text(&v, Field::QryName), "mx.com");
        assert_eq!(text(&v, Field::QryNameLen), "6");
        assert_eq!(text(&v, Field::CountLabels), "2");
        assert_eq!(text(&v, Field::QryType), "15");
        assert_eq!(text(&v, Field::QryClass), "0x0001");
        assert_eq!(text(&v, Field::QryQu), "");
        assert_eq!(text(&v, Field::Length), "");
        assert_eq!(summary(&v), "Standard query 0x4c17 MX mx.com");
        assert_eq!(title(&v), "Domain Name System (query)");
        assert_eq!(v.malformed_at(), None);
        assert_eq!(v.header_len(), MX_QUERY.len());
        let q = v.question().unwrap();
        assert_eq!(
            (q.name().to_string(), q.rtype(), q.class()),
            ("mx.com".into(), 15, 1)
        );
    }

    #[test]
    fn reads_a_real_response_with_compression() {
        let v = DnsView::new(&MX_RESPONSE).unwrap();
        assert_eq!(text(&v, Field::FlagsRcode), "0");
        assert_eq!(text(&v, Field::FlagsRecavail), "1");
        assert_eq!(text(&v, Field::FlagsAuthoritative), "0");
        assert_eq!(text(&v, Field::FlagsAuthenticated), "0");
        // tshark 4.0's values for this frame.
        assert_eq!(
            text(&v, Field::RespName),
            "mx.com,mx.com,mx.com,mx.com,dns2.stabletransit.com,dns1.stabletransit.com"
        );
        assert_eq!(text(&v, Field::RespType), "15,15,2,2,1,1");
        assert_eq!(text(&v, Field::RespTtl), "3600,3600,3600,3600,1302,3559");
        assert_eq!(text(&v, Field::RespLen), "28,14,21,7,4,4");
        assert_eq!(text(&v, Field::MxPreference), "10,20");
        assert_eq!(
            text(&v, Field::MxMailExchange),
            "cluster5.us.messagelabs.com,cluster5a.us.messagelabs.com"
        );
        assert_eq!(
            text(&v, Field::Ns),
            "dns2.stabletransit.com,dns1.stabletransit.com"
        );
        assert_eq!(text(&v, Field::A), "65.61.188.4,69.20.95.4");
        assert_eq!(text(&v, Field::Data), "");
        assert_eq!(
            summary(&v),
            "Standard query response 0x4c17 MX mx.com MX 10 cluster5.us.messagelabs.com \
             MX 20 cluster5a.us.messagelabs.com NS dns2.stabletransit.com \
             NS dns1.stabletransit.com A 65.61.188.4 A 69.20.95.4"
        );
        assert_eq!(title(&v), "Domain Name System (response)");
        // The accessors the log writer uses.
        let answers: Vec<_> = v.answers().collect();
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0].name().to_string(), "mx.com");
        assert_eq!(answers[0].ttl(), Some(3600));
        match answers[1].rdata_view() {
            Rdata::Mx {
                preference,
                exchange,
            } => {
                assert_eq!(preference, 20);
                assert_eq!(exchange.to_string(), "cluster5a.us.messagelabs.com");
            }
            other => panic!("{other:?}"),
        }
        let a: Vec<_> = v
            .resource_records()
            .filter_map(|r| match r.rdata_view() {
                Rdata::A(a) => Some(a),
                _ => None,
            })
            .collect();
        assert_eq!(a, [[65, 61, 188, 4], [69, 20, 95, 4]]);
        assert!(v.edns().is_none());
        // Every range lies in the layer (checked by `text`).
        touch_all(&v);
    }

    #[test]
    fn reads_a_real_https_record() {
        let v = DnsView::new(&HTTPS_RESPONSE).unwrap();
        assert_eq!(text(&v, Field::FlagsAuthenticated), "1");
        assert_eq!(text(&v, Field::SvcbSvcpriority), "1");
        assert_eq!(text(&v, Field::SvcbTargetname), "<Root>");
        assert_eq!(text(&v, Field::SvcbSvcparamKey), "1,4,6");
        assert_eq!(text(&v, Field::SvcbSvcparamValueLength), "6,8,32");
        assert_eq!(text(&v, Field::SvcbSvcparam), "1,1,1");
        assert_eq!(text(&v, Field::SvcbSvcparamAlpnLength), "2,2");
        assert_eq!(text(&v, Field::SvcbSvcparamAlpn), "h3,h2");
        assert_eq!(
            text(&v, Field::SvcbSvcparamIpv4hintIp),
            "104.16.132.229,104.16.133.229"
        );
        assert_eq!(
            text(&v, Field::SvcbSvcparamIpv6hintIp),
            "2606:4700::6810:84e5,2606:4700::6810:85e5"
        );
        assert_eq!(text(&v, Field::SvcbSvcparamValue), "");
        assert_eq!(
            summary(&v),
            "Standard query response 0xd75c HTTPS cloudflare.com HTTPS"
        );
        let rec = v.answers().next().unwrap();
        let keys: Vec<u16> = rec.rdata_view().svc_params().map(|p| p.key).collect();
        assert_eq!(keys, [1, 4, 6]);
    }

    #[test]
    fn reads_a_real_mdns_response() {
        let v = DnsView::new(&MDNS_RESPONSE)
            .unwrap()
            .with_flavor(Flavor::Mdns);
        assert_eq!(title(&v), "Multicast Domain Name System (response)");
        assert_eq!(
            text(&v, Field::RespName),
            "_services._dns-sd._udp.local,8.1.3.E.7.1.8.7.A.1.9.0.A.B.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.E.F.ip6.arpa,\
             75.1.168.192.in-addr.arpa,8.1.3.E.7.1.8.7.A.1.9.0.A.B.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.E.F.ip6.arpa,\
             75.1.168.192.in-addr.arpa,<Root>"
        );
        // The NSEC bit maps' types follow each NSEC's own type, as in tshark.
        assert_eq!(text(&v, Field::RespType), "12,12,12,47,12,47,12,41");
        assert_eq!(
            text(&v, Field::RespClass),
            "0x0001,0x0001,0x0001,0x0001,0x0001"
        );
        assert_eq!(text(&v, Field::RespCacheFlush), "0,1,1,1,1,0");
        assert_eq!(text(&v, Field::RespTtl), "4500,120,120,120,120");
        assert_eq!(text(&v, Field::RespLen), "13,17,2,6,6,18");
        assert_eq!(
            text(&v, Field::PtrDomainName),
            "_dacp._tcp.local,Gabrieles-iPad.local,Gabrieles-iPad.local"
        );
        assert_eq!(
            text(&v, Field::NsecNextDomainName),
            "8.1.3.E.7.1.8.7.A.1.9.0.A.B.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.E.F.ip6.arpa,75.1.168.192.in-addr.arpa"
        );
        // tshark prints the mDNS payload size in hex (0x05a0); see the
        // module's report.
        assert_eq!(text(&v, Field::RrUdpPayloadSize), "1440");
        assert_eq!(text(&v, Field::RespZ), "0x1194");
        assert_eq!(text(&v, Field::RespZDo), "0");
        assert_eq!(text(&v, Field::RespZReserved), "0x1194");
        assert_eq!(text(&v, Field::RespExtRcode), "0x00");
        assert_eq!(text(&v, Field::RespEdns0Version), "0");
        assert_eq!(text(&v, Field::Opt), "1");
        assert_eq!(text(&v, Field::OptCode), "4");
        assert_eq!(text(&v, Field::OptLen), "14");
        assert_eq!(text(&v, Field::OptData), "00daaefe572337e48cfe572337e4");
        assert_eq!(
            summary(&v),
            "Standard query response 0x0000 PTR _dacp._tcp.local PTR, cache flush Gabrieles-iPad.local \
             PTR, cache flush Gabrieles-iPad.local NSEC, cache flush \
             8.1.3.E.7.1.8.7.A.1.9.0.A.B.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.E.F.ip6.arpa \
             NSEC, cache flush 75.1.168.192.in-addr.arpa OPT"
        );
        let e = v.edns().unwrap();
        assert_eq!(
            (e.udp_payload_size(), e.version(), e.dnssec_ok()),
            (1440, 0, false)
        );
        assert_eq!(e.options().map(|o| o.code).collect::<Vec<_>>(), [4]);
        // Read as plain DNS, the class keeps its top bit and no flag is named.
        let d = DnsView::new(&MDNS_RESPONSE).unwrap();
        assert_eq!(text(&d, Field::RespCacheFlush), "");
        assert_eq!(
            text(&d, Field::RespClass),
            "0x0001,0x8001,0x8001,0x8001,0x8001"
        );
        touch_all(&v);
    }

    #[test]
    fn reads_a_real_llmnr_response() {
        let v = DnsView::new(&LLMNR_RESPONSE)
            .unwrap()
            .with_flavor(Flavor::Llmnr);
        assert_eq!(title(&v), "Link-local Multicast Name Resolution (response)");
        assert_eq!(text(&v, Field::FlagsConflict), "1");
        assert_eq!(text(&v, Field::FlagsTentative), "1");
        assert_eq!(text(&v, Field::FlagsRcode), "3");
        for f in [
            Field::FlagsAuthoritative,
            Field::FlagsRecdesired,
            Field::FlagsRecavail,
            Field::FlagsZ,
            Field::FlagsAuthenticated,
            Field::FlagsCheckdisable,
        ] {
            assert_eq!(text(&v, f), "", "{f:?}");
        }
        assert_eq!(
            summary(&v),
            "Standard query response 0x04d2 No such name A testhost.local"
        );
        assert_eq!(v.rcode(), 3);
    }

    #[test]
    fn reads_a_real_tcp_message() {
        assert_eq!(pdu_len_tcp(&TCP_RESPONSE), Pdu::Whole(56));
        assert_eq!(pdu_len_tcp(&TCP_RESPONSE[..30]), Pdu::Need(56));
        assert_eq!(pdu_len_tcp(&TCP_RESPONSE[..1]), Pdu::Need(2));
        assert_eq!(pdu_len_tcp(&[0, 5, 1, 2, 3, 4, 5]), Pdu::NotMine);
        let v = DnsView::new_tcp(&TCP_RESPONSE).unwrap();
        assert_eq!(v.tcp_length(), Some(54));
        assert_eq!(text(&v, Field::Length), "54");
        assert_eq!(text(&v, Field::Id), "0x0038");
        assert_eq!(text(&v, Field::A), "192.30.255.113");
        assert_eq!(
            summary(&v),
            "Standard query response 0x0038 A github.com A 192.30.255.113"
        );
        // Ranges count from the length prefix.
        let mut ranges = Vec::new();
        v.field(Field::A, &mut |_v: Value, r: Range<usize>| ranges.push(r));
        assert_eq!(ranges, vec![52..56usize]);
        v.field(Field::Id, &mut |_v: Value, r: Range<usize>| {
            assert_eq!(r, 2..4)
        });
        assert_eq!(v.header_len(), 56);
        // A prefix longer than the bytes: the message is what is there.
        let v = DnsView::new_tcp(&TCP_RESPONSE[..40]).unwrap();
        assert_eq!(v.message().len(), 38);
        assert_eq!(text(&v, Field::QryName), "github.com");
        assert_eq!(text(&v, Field::RespName), "");
        assert!(v.malformed_at().is_some());
        assert!(DnsView::new_tcp(&TCP_RESPONSE[..13]).is_err());
    }

    #[test]
    fn names_print_like_tshark() {
        let mut m = header(0, [1, 0, 0, 0]);
        m.push(0);
        assert_eq!(name(&m, 12), "<Root>");
        // Odd bytes: tshark 4.0's format_text (checked against tshark).
        let cases: &[(&[u8], &str)] = &[
            (b"a.b", "a.b"),
            (b"a b", "a b"),
            (b"a\\b", "a\\b"),
            (b"a\x01b", "a\\001b"),
            (b"a\tb\x7f", "a\\tb\\177"),
            (b"a\nb\r\x00", "a\\nb\\r\\000"),
            (b"\x07\x08\x0b\x0c\x1b", "\\a\\b\\v\\f\\033"),
            (b"a\xffb", "a\u{fffd}b"),
            (b"\x80", "\u{fffd}"),
            ("Luca\u{2019}s".as_bytes(), "Luca\u{2019}s"),
            (b"\xc2\x85x", "\\u0085x"),
            (b"\xe2\x80\x8bx", "\\u200Bx"),
            ("\u{e0001}x".as_bytes(), "\\U000E0001x"),
            (b"\xc0\xaf", "/"),
            (b"\xc0\x80x", "\\u0000x"),
            (b"\xe2\x80", "\u{fffd}"),
            (b"\xc3(", "\u{fffd}("),
            (b"\xed\xa0\x80", "\u{fffd}"),
            (b"\xf8\x88\x80\x80\x80x", "\u{fffd}x"),
            ("\u{e000}x".as_bytes(), "\u{e000}x"),
            (b"\xef\xbf\xbex", "\\uFFFEx"),
        ];
        for (label, want) in cases {
            let mut m = header(0, [1, 0, 0, 0]);
            m.extend(labels(&[label, b"c"]));
            assert_eq!(name(&m, 12), format!("{want}.c"), "{label:?}");
        }
        // Length and label count as tshark gives them: a 1-character name
        // counts 0 for both.
        let mut m = header(0, [1, 0, 0, 0]);
        m.extend(labels(&[b"a"]));
        m.extend([0, 1, 0, 1]);
        let v = DnsView::new(&m).unwrap();
        assert_eq!(text(&v, Field::QryName), "a");
        assert_eq!(text(&v, Field::QryNameLen), "0");
        assert_eq!(text(&v, Field::CountLabels), "0");
        let mut m = header(0, [1, 0, 0, 0]);
        m.extend([0, 0, 1, 0, 1]);
        let v = DnsView::new(&m).unwrap();
        assert_eq!(text(&v, Field::QryName), "<Root>");
        assert_eq!(text(&v, Field::QryNameLen), "6");
        assert_eq!(text(&v, Field::CountLabels), "1");
        assert_eq!(summary(&v), "Standard query 0x1234 A <Root>");
    }

    #[test]
    fn name_length_limit() {
        // 253 characters of text are shown; 254 are "too long" (tshark).
        for (n, long) in [(253, false), (254, true)] {
            let mut ls: Vec<Vec<u8>> = Vec::new();
            let mut left: usize = n;
            while left > 0 {
                let l = left.min(63);
                ls.push(vec![b'a'; l]);
                left = left.saturating_sub(l + 1);
            }
            let total = |ls: &Vec<Vec<u8>>| ls.iter().map(Vec::len).sum::<usize>() + ls.len() - 1;
            while total(&ls) < n {
                ls.last_mut().unwrap().push(b'a');
            }
            let refs: Vec<&[u8]> = ls.iter().map(Vec::as_slice).collect();
            let mut m = header(0, [1, 0, 0, 0]);
            m.extend(labels(&refs));
            m.extend([0, 1, 0, 1]);
            let v = DnsView::new(&m).unwrap();
            let shown = text(&v, Field::QryName);
            if long {
                assert_eq!(shown, "<Name too long>");
                assert_eq!(text(&v, Field::QryNameLen), "15");
                assert_eq!(text(&v, Field::CountLabels), "1");
            } else {
                assert_eq!(shown.len(), n);
            }
            // The record after the name is still read.
            assert_eq!(text(&v, Field::QryType), "1");
        }
    }

    #[test]
    fn hostile_pointers() {
        // A pointer to itself.
        let mut m = header(0, [1, 0, 0, 0]);
        m.extend([0xc0, 12, 0, 1, 0, 1]);
        let v = DnsView::new(&m).unwrap();
        assert_eq!(
            text(&v, Field::QryName),
            "<Name contains a pointer that loops>"
        );
        assert_eq!(text(&v, Field::QryNameLen), "36");
        assert_eq!(text(&v, Field::QryType), "1");
        assert_eq!(
            v.question().unwrap().name().status(),
            Some(NameStatus::Loops)
        );
        // A label, then a pointer back to that label: a loop.
        let mut m = header(0, [1, 0, 0, 0]);
        m.extend([1, b'a', 0xc0, 12, 0, 1, 0, 1]);
        assert_eq!(name(&m, 12), "<Name contains a pointer that loops>");
        // A two-pointer loop (the first pointer points forward).
        let mut m = header(0, [1, 0, 0, 0]);
        m.extend([1, b'a', 0xc0, 16, 0xc0, 12, 0, 1, 0, 1]);
        assert_eq!(name(&m, 12), "<Name contains a forward pointer>");
        assert_eq!(name(&m, 16), "<Name contains a pointer that loops>");
        // A forward pointer to a good name is not followed either.
        let mut m = header(0, [1, 0, 0, 0]);
        m.extend([0xc0, 18, 0, 1, 0, 1]);
        m.extend(labels(&[b"fwd", b"x"]));
        let v = DnsView::new(&m).unwrap();
        assert_eq!(
            text(&v, Field::QryName),
            "<Name contains a forward pointer>"
        );
        assert_eq!(text(&v, Field::QryType), "1");
        // A pointer past the end cannot be read: no question.
        let mut m = header(0, [1, 0, 0, 0]);
        m.extend([0xcf, 0xff, 0, 1, 0, 1]);
        let v = DnsView::new(&m).unwrap();
        assert_eq!(text(&v, Field::QryName), "");
        assert_eq!(v.malformed_at(), Some(12));
        // Extended (0x40) and reserved (0x80) label types cannot be read.
        for b in [0x41, 0x81] {
            let mut m = header(0, [1, 0, 0, 0]);
            m.extend([b, 0, 0, 1, 0, 1]);
            let v = DnsView::new(&m).unwrap();
            assert_eq!(v.records().count(), 0);
            assert_eq!(summary(&v), "Standard query 0x1234");
        }
        // A chain of backward pointers: 128 jumps are followed, 129 are a loop.
        for (jumps, ok) in [(128usize, true), (129, false)] {
            let mut m = header(0, [1, 0, 0, 0]);
            let first = m.len();
            m.extend(labels(&[b"x"]));
            let mut prev = first;
            for _ in 1..jumps {
                let here = m.len();
                m.extend([0xc0 | (prev >> 8) as u8, prev as u8]);
                prev = here;
            }
            let q = m.len();
            m.extend([0xc0 | (prev >> 8) as u8, prev as u8, 0, 1, 0, 1]);
            let want = if ok {
                "x"
            } else {
                "<Name contains a pointer that loops>"
            };
            assert_eq!(name(&m, q), want, "{jumps}");
        }
    }

    #[test]
    fn hostile_counts_and_lengths() {
        // 0 bytes, or less than a header: not a DNS view.
        assert_eq!(
            DnsView::new(&[]).unwrap_err(),
            Error::Truncated { needed: 12, got: 0 }
        );
        assert!(DnsView::new(&MX_QUERY[..11]).is_err());
        assert!(DnsView::new_tcp(&[]).is_err());
        // Counts far larger than the message: the walk stops with the bytes.
        let mut m = header(0x8180, [0xffff; 4]);
        m.extend(labels(&[b"x", b"com"]));
        m.extend([0, 1, 0, 1]);
        let v = DnsView::new(&m).unwrap();
        assert_eq!(v.records().count(), 1);
        assert_eq!(text(&v, Field::QryName), "x.com");
        assert_eq!(text(&v, Field::CountQueries), "65535");
        assert!(v.malformed_at().is_some());
        touch_all(&v);
        // A huge count of questions that all point at one name: bounded by
        // the bytes (each question takes 6).
        let mut m = header(0, [0xffff, 0, 0, 0]);
        m.extend(labels(&[b"x"]));
        m.extend([0, 1, 0, 1]);
        for _ in 0..1000 {
            m.extend([0xc0, 12, 0, 1, 0, 1]);
        }
        let v = DnsView::new(&m).unwrap();
        assert_eq!(v.records().count(), 1001);
        // A record whose data runs past the end is not shown, but its type
        // is named in the summary, as tshark does.
        let mut m = header(0x8180, [1, 1, 0, 0]);
        m.extend(labels(&[b"x"]));
        m.extend([0, 16, 0, 1]);
        m.extend([0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 5, 0, 9, 3, b'a', b'b']);
        let v = DnsView::new(&m).unwrap();
        assert_eq!(text(&v, Field::RespName), "");
        assert_eq!(text(&v, Field::Txt), "");
        assert_eq!(summary(&v), "Standard query response 0x1234 TXT x TXT");
        assert!(!v.answers().next().unwrap().is_whole());
        // Every cut of the real messages: no panic, ranges in bounds.
        for msg in [
            &MX_RESPONSE[..],
            &HTTPS_RESPONSE,
            &MDNS_RESPONSE,
            &TCP_RESPONSE[2..],
        ] {
            for n in 12..msg.len() {
                let v = DnsView::new(&msg[..n]).unwrap();
                touch_all(&v);
                touch_all(&v.with_flavor(Flavor::Mdns));
                touch_all(&v.with_flavor(Flavor::Llmnr));
            }
        }
        for n in 0..TCP_RESPONSE.len() {
            if let Ok(v) = DnsView::new_tcp(&TCP_RESPONSE[..n]) {
                touch_all(&v);
            }
            let _ = pdu_len_tcp(&TCP_RESPONSE[..n]);
        }
    }

    #[test]
    fn header_variants_like_tshark() {
        // Values checked against tshark 4.0 on crafted messages.
        let q = |flags: u16, counts: [u16; 4]| {
            let mut m = header(flags, counts);
            m.extend(labels(&[b"x", b"com"]));
            m.extend([0, 6, 0, 1]);
            m
        };
        let m = q(0x8183, [1, 0, 0, 0]);
        let v = DnsView::new(&m).unwrap();
        assert_eq!(
            summary(&v),
            "Standard query response 0x1234 No such name SOA x.com"
        );
        let m = q(0x800c, [1, 0, 0, 0]);
        let v = DnsView::new(&m).unwrap();
        assert_eq!(
            summary(&v),
            "Standard query response 0x1234 Unknown error (12) SOA x.com"
        );
        let m = q(0x2800, [1, 0, 0, 0]);
        let v = DnsView::new(&m).unwrap();
        assert_eq!(summary(&v), "Dynamic update 0x1234 SOA x.com");
        assert_eq!(text(&v, Field::CountZones), "1");
        assert_eq!(text(&v, Field::CountQueries), "");
        assert_eq!(text(&v, Field::CountPrerequisites), "0");
        let m = q(0xa800, [1, 0, 0, 0]);
        assert_eq!(
            summary(&DnsView::new(&m).unwrap()),
            "Dynamic update response 0x1234 SOA x.com"
        );
        let m = q(0x4000, [1, 0, 0, 0]);
        assert_eq!(
            summary(&DnsView::new(&m).unwrap()),
            "Unknown operation (8) 0x1234 SOA x.com"
        );
        let m = q(0x0120, [1, 0, 0, 0]);
        let v = DnsView::new(&m).unwrap();
        assert_eq!(text(&v, Field::FlagsAuthenticated), "1");
        // mDNS questions: the QU bit.
        let mut m = header(0, [2, 0, 0, 0]);
        m.extend(labels(&[b"_ipp", b"_tcp", b"local"]));
        m.extend([0, 12, 0x80, 1, 0xc0, 12, 0, 12, 0, 1]);
        let v = DnsView::new(&m).unwrap().with_flavor(Flavor::Mdns);
        assert_eq!(text(&v, Field::QryClass), "0x0001,0x0001");
        assert_eq!(text(&v, Field::QryQu), "1,0");
        assert_eq!(
            summary(&v),
            "Standard query 0x0000 PTR _ipp._tcp.local, \"QU\" question PTR _ipp._tcp.local, \"QM\" question"
                .replace("0x0000", "0x1234")
        );
    }

    #[test]
    fn record_types_like_tshark() {
        // One response with many types; values as tshark 4.0 shows them.
        let rr = |m: &mut Vec<u8>, t: u16, data: &[u8]| {
            m.extend([0xc0, 12]);
            m.extend(t.to_be_bytes());
            m.extend([0, 1, 0, 0, 0, 1]);
            m.extend((data.len() as u16).to_be_bytes());
            m.extend(data);
        };
        let mut m = header(0x8180, [1, 9, 0, 1]);
        m.extend(labels(&[b"_sip", b"_udp", b"x", b"com"]));
        m.extend([0, 255, 0, 1]);
        let mut soa = labels(&[b"ns1", b"x"]);
        soa.extend(labels(&[b"h", b"x"]));
        for n in [1u32, 2, 3, 4, 5] {
            soa.extend(n.to_be_bytes());
        }
        rr(&mut m, rtype::SOA, &soa);
        let mut srv = vec![0, 1, 0, 2, 0, 3];
        srv.extend(labels(&[b"t", b"x"]));
        rr(&mut m, rtype::SRV, &srv);
        rr(&mut m, rtype::TXT, b"\x05DNSC\x00\x03abc");
        rr(&mut m, rtype::NULL, &[1, 2]);
        rr(&mut m, rtype::HINFO, b"\x03CPU\x02OS");
        rr(&mut m, 1234, &[0xde, 0xad]);
        rr(&mut m, rtype::CNAME, &labels(&[b"c", b"x"]));
        rr(
            &mut m,
            rtype::AAAA,
            &[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        );
        rr(&mut m, rtype::CAA, b"\x80\x05issueca.example");
        // OPT: payload 1232, ext rcode 1, DO, a cookie and a client subnet.
        m.extend([0, 0, 41, 0x04, 0xd0, 0x01, 0x00, 0x80, 0x00]);
        let mut opts = vec![0, 10, 0, 8];
        opts.extend([0x11; 8]);
        opts.extend([0, 8, 0, 7, 0, 1, 24, 0, 10, 1, 2]);
        m.extend((opts.len() as u16).to_be_bytes());
        m.extend(&opts);
        let v = DnsView::new(&m).unwrap();
        assert_eq!(text(&v, Field::SoaMname), "ns1.x");
        assert_eq!(text(&v, Field::SoaRname), "h.x");
        assert_eq!(text(&v, Field::SoaSerialNumber), "1");
        assert_eq!(text(&v, Field::SoaMinimumTtl), "5");
        assert_eq!(text(&v, Field::SrvService), "_sip");
        assert_eq!(text(&v, Field::SrvProto), "_udp");
        assert_eq!(text(&v, Field::SrvName), "x.com");
        assert_eq!(text(&v, Field::SrvPriority), "1");
        assert_eq!(text(&v, Field::SrvWeight), "2");
        assert_eq!(text(&v, Field::SrvPort), "3");
        assert_eq!(text(&v, Field::SrvTarget), "t.x");
        // tshark stops a string at its first NUL.
        assert_eq!(text(&v, Field::Txt), "DNSC,abc");
        assert_eq!(text(&v, Field::TxtLength), "5,3");
        assert_eq!(text(&v, Field::Null), "0102");
        assert_eq!(text(&v, Field::HinfoCpu), "CPU");
        assert_eq!(text(&v, Field::HinfoOs), "OS");
        assert_eq!(text(&v, Field::Data), "dead");
        assert_eq!(text(&v, Field::Cname), "c.x");
        assert_eq!(text(&v, Field::Aaaa), "2001:db8::1");
        assert_eq!(text(&v, Field::CaaFlags), "0x80");
        assert_eq!(text(&v, Field::CaaIssuerCritical), "1");
        assert_eq!(text(&v, Field::CaaTag), "issue");
        assert_eq!(text(&v, Field::CaaValue), "ca.example");
        assert_eq!(text(&v, Field::RrUdpPayloadSize), "1232");
        assert_eq!(text(&v, Field::RespExtRcode), "0x01");
        assert_eq!(text(&v, Field::RespZDo), "1");
        assert_eq!(text(&v, Field::RespZ), "0x8000");
        assert_eq!(text(&v, Field::OptCode), "10,8");
        assert_eq!(text(&v, Field::OptLen), "8,7");
        assert_eq!(text(&v, Field::OptData), "1111111111111111,000118000a0102");
        assert_eq!(text(&v, Field::OptCookieClient), "1111111111111111");
        assert_eq!(text(&v, Field::OptClientFamily), "1");
        assert_eq!(text(&v, Field::OptClientNetmask), "24");
        assert_eq!(text(&v, Field::OptClientAddr4), "10.1.2.0");
        // The OPT record has no class or TTL of its own in tshark's fields.
        assert_eq!(text(&v, Field::RespTtl), "1,1,1,1,1,1,1,1,1");
        assert_eq!(
            summary(&v),
            "Standard query response 0x1234 ANY _sip._udp.x.com SOA ns1.x SRV 1 2 3 t.x TXT \
             NULL _sip._udp.x.com HINFO CPU OS Unknown (1234) CNAME c.x AAAA 2001:db8::1 CAA OPT"
        );
        let e = v.edns().unwrap();
        assert_eq!(
            (e.udp_payload_size(), e.ext_rcode(), e.dnssec_ok()),
            (1232, 1, true)
        );
        touch_all(&v);
    }

    #[test]
    fn heuristic_like_tshark() {
        let q = |flags: u16, counts: [u16; 4]| {
            let mut m = header(flags, counts);
            m.extend(labels(&[b"x", b"com"]));
            m.extend([0, 1, 0, 1]);
            m
        };
        assert!(looks_like(&MX_QUERY));
        assert!(looks_like(&MX_RESPONSE));
        assert!(looks_like(&q(0x0100, [1, 0, 0, 10])));
        assert!(!looks_like(&q(0x0100, [1, 0, 0, 11])));
        assert!(!looks_like(&q(0x0100, [2, 0, 0, 0])));
        assert!(!looks_like(&q(0x0100, [1, 1, 0, 0])));
        assert!(!looks_like(&q(0x0800, [1, 0, 0, 0])));
        assert!(looks_like(&q(0x8180, [1, 100, 10, 10])));
        assert!(!looks_like(&q(0x8180, [1, 101, 0, 0])));
        assert!(!looks_like(&q(0x8180, [1, 0, 11, 0])));
        assert!(looks_like(&q(0x8180, [0, 0, 0, 0])));
        assert!(!looks_like(&header(0x8180, [0, 0, 0, 0])));
    }

    fn label_strategy() -> impl Strategy<Value = String> {
        "[a-z0-9_-]{1,12}"
    }

    fn name_strategy() -> impl Strategy<Value = String> {
        proptest::collection::vec(label_strategy(), 0..5).prop_map(|l| l.join("."))
    }

    fn record_strategy() -> impl Strategy<Value = RecordRepr> {
        (
            name_strategy(),
            any::<u16>(),
            any::<u16>(),
            any::<u32>(),
            proptest::collection::vec(any::<u8>(), 0..40),
        )
            .prop_map(|(name, rtype, class, ttl, rdata)| RecordRepr {
                name,
                rtype,
                class,
                ttl,
                rdata,
            })
    }

    fn repr_strategy() -> impl Strategy<Value = DnsRepr> {
        (
            any::<u16>(),
            any::<u16>(),
            proptest::collection::vec(
                (name_strategy(), any::<u16>(), any::<u16>()).prop_map(|(name, qtype, qclass)| {
                    QuestionRepr {
                        name,
                        qtype,
                        qclass,
                    }
                }),
                0..3,
            ),
            proptest::collection::vec(record_strategy(), 0..4),
            proptest::collection::vec(record_strategy(), 0..3),
            proptest::collection::vec(record_strategy(), 0..3),
        )
            .prop_map(
                |(id, flags, questions, answers, authority, additional)| DnsRepr {
                    id,
                    flags,
                    questions,
                    answers,
                    authority,
                    additional,
                },
            )
    }

    proptest! {
        #[test]
        fn build_then_parse(r in repr_strategy()) {
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let v = DnsView::new(&buf).unwrap();
            prop_assert_eq!(DnsRepr::parse(&v), r.clone());
            prop_assert_eq!(v.malformed_at(), None);
            touch_all(&v);
            let mut tcp = Vec::new();
            r.emit_tcp(&mut tcp);
            prop_assert_eq!(pdu_len_tcp(&tcp), Pdu::Whole(tcp.len()));
            let t = DnsView::new_tcp(&tcp).unwrap();
            prop_assert_eq!(DnsRepr::parse(&t), r);
            prop_assert_eq!(t.message(), &buf[..]);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 12..300), flavor in 0u8..3) {
            let flavor = [Flavor::Dns, Flavor::Mdns, Flavor::Llmnr][usize::from(flavor)];
            let v = DnsView::new(&bytes).unwrap().with_flavor(flavor);
            touch_all(&v);
            let _ = looks_like(&bytes);
            let _ = pdu_len_tcp(&bytes);
            if let Ok(t) = DnsView::new_tcp(&bytes) {
                touch_all(&t);
            }
            for at in 0..bytes.len() {
                let mut s = String::new();
                write_name(&bytes, at, &mut s);
            }
        }

        /// Mutations of real messages reach deeper than random bytes.
        #[test]
        fn mutated_real_messages(i in 0usize..4, flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6)) {
            let base: &[u8] = [&MX_RESPONSE[..], &HTTPS_RESPONSE, &MDNS_RESPONSE, &LLMNR_RESPONSE][i];
            let mut m = base.to_vec();
            for (at, b) in flips {
                let n = m.len();
                m[at % n] = b;
            }
            let v = DnsView::new(&m).unwrap();
            touch_all(&v);
            touch_all(&v.with_flavor(Flavor::Mdns));
        }
    }
}
