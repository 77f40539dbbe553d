//! GPRS Tunneling Protocol headers: GTPv1-U (UDP 2152) and GTPv1-C (UDP
//! 2123), the original GTP v0 and the charging protocol GTP' (UDP 3386).
//!
//! The first byte holds a 3-bit version, the protocol type bit (PT: 1 for
//! GTP, 0 for GTP') and flags; the second the message type (255 is a T-PDU,
//! a user packet); then a 16-bit length. tshark 4.0 reads on from there:
//! - **GTP' (PT = 0)**: a sequence number, and for version 0 with the low
//!   flag bit clear 14 more octets (a 20-byte header; else 6 bytes).
//! - **GTP v0 (PT = 1, version 0)**: sequence number, flow label, SNDCP
//!   N-PDU number (and 3 spare octets), 8-octet TID: 20 bytes.
//! - **GTPv1 (PT = 1, version 1)**: the TEID (8 bytes so far), then when
//!   any of E, S or PN is set a sequence number, an N-PDU number and the
//!   type of the first extension header; each extension header is a length
//!   in 4-octet units, its content and the next type (0 ends the chain).
//!
//! Version 2 on the GTPv1 ports is GTPv2-C, which tshark hands to another
//! dissector; a version above 2, or a message type tshark does not know,
//! is not GTP at all (the constructor refuses it, so the payload stays
//! data). The length counts the bytes after the first 8 (v1), 20 (v0) or
//! 6/20 (GTP') octets; the payload is clamped to it.
//!
//! For a T-PDU tshark guesses the payload's protocol: IPv4 when the first
//! byte is 0x45 to 0x4e, IPv6 when its high nibble is 6, else Ethernet when
//! more than 14 bytes follow and bytes 12-13 are 0x0800, 0x0806 or 0x86dd;
//! 14 bytes or fewer are shown as `gtp.tpdu_data`. Signalling messages
//! carry information elements, which tshark shows inside the GTP layer.

use crate::bytes::{be16, be24, be32, clamp, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const FLAGS: Range<usize> = 0..1;
    pub const MESSAGE: Range<usize> = 1..2;
    pub const LENGTH: Range<usize> = 2..4;
    /// GTPv1.
    pub const TEID: Range<usize> = 4..8;
    pub const V1_SEQ: Range<usize> = 8..10;
    pub const V1_NPDU: Range<usize> = 10..11;
    pub const V1_NEXT: Range<usize> = 11..12;
    pub const V1_LEN: usize = 8;
    pub const V1_OPT_LEN: usize = 12;
    /// GTP v0 and GTP' (the sequence number is in the same place).
    pub const V0_SEQ: Range<usize> = 4..6;
    pub const V0_FLOW_LABEL: Range<usize> = 6..8;
    pub const V0_SNDCP: Range<usize> = 8..9;
    pub const V0_TID: Range<usize> = 12..20;
    pub const V0_LEN: usize = 20;
    pub const PRIME_DUMMY: Range<usize> = 6..20;
    pub const PRIME_SHORT_LEN: usize = 6;
}

/// The UDP ports.
pub mod port {
    /// GTPv1-C (and GTPv2-C).
    pub const GTPV1_C: u16 = 2123;
    /// GTPv1-U.
    pub const GTPV1_U: u16 = 2152;
    /// GTP v0 and GTP' (tshark names the layer `gtpprime` on this port).
    pub const GTP_PRIME: u16 = 3386;
}

/// GTPv1 flag bits.
pub mod flag {
    pub const PT: u8 = 0x10;
    /// A next extension header type is present.
    pub const E: u8 = 0x04;
    /// A sequence number is present.
    pub const S: u8 = 0x02;
    /// An N-PDU number is present.
    pub const PN: u8 = 0x01;
}

/// Message types.
pub mod message {
    pub const ECHO_REQUEST: u8 = 0x01;
    pub const ECHO_RESPONSE: u8 = 0x02;
    pub const CREATE_PDP_REQUEST: u8 = 0x10;
    pub const ERROR_INDICATION: u8 = 0x1a;
    pub const END_MARKER: u8 = 0xfe;
    /// A user packet.
    pub const TPDU: u8 = 0xff;
}

/// Extension header types that tshark decodes.
pub mod ext {
    pub const UDP_PORT: u8 = 0x40;
    pub const RAN_CONTAINER: u8 = 0x81;
    pub const LONG_PDCP_PDU: u8 = 0x82;
    pub const XW_RAN_CONTAINER: u8 = 0x83;
    pub const PDU_SESSION_CONTAINER: u8 = 0x85;
    pub const PDCP_PDU: u8 = 0xc0;
}

/// Whether tshark knows message type `m` (it refuses the packet otherwise).
pub fn is_known_message(m: u8) -> bool {
    matches!(m,
        1..=7 | 16..=37 | 48..=62 | 70 | 96..=105 | 112..=121 | 128 | 129 | 240 | 241 | 254 | 255)
}

field_table! {
    Flags: "gtp.flags", "Flags", Kind::Hex(2);
    FlagsVersion: "gtp.flags.version", "Version", Kind::Dec;
    PrimFlagsVersion: "gtp.prim.flags.version", "Version", Kind::Dec;
    FlagsPayload: "gtp.flags.payload", "Protocol type", Kind::Dec;
    FlagsReserved: "gtp.flags.reserved", "Reserved", Kind::Dec;
    FlagsHdrLength: "gtp.flags.hdr_length", "Header length", Kind::Bool;
    FlagsSnn: "gtp.flags.snn", "Is SNDCP N-PDU included?", Kind::Bool;
    FlagsE: "gtp.flags.e", "Is Next Extension Header present?", Kind::Bool;
    FlagsS: "gtp.flags.s", "Is Sequence Number present?", Kind::Bool;
    FlagsPn: "gtp.flags.pn", "Is N-PDU number present?", Kind::Bool;
    Message: "gtp.message", "Message Type", Kind::Hex(2);
    Length: "gtp.length", "Length", Kind::Dec;
    Teid: "gtp.teid", "TEID", Kind::Hex(8);
    SeqNumber: "gtp.seq_number", "Sequence number", Kind::Hex(4);
    FlowLabel: "gtp.flow_label", "Flow label", Kind::Hex(4);
    SndcpNumber: "gtp.sndcp_number", "SNDCP N-PDU LLC Number", Kind::Hex(2);
    DummyOctets: "gtp.dummy_octets", "Dummy octets", Kind::Bytes;
    NpduNumber: "gtp.npdu_number", "N-PDU Number", Kind::Hex(2);
    ExtHdrNext: "gtp.ext_hdr.next", "Next extension header type", Kind::Hex(2);
    ExtHdr: "gtp.ext_hdr", "Extension header", Kind::None;
    ExtHdrLength: "gtp.ext_hdr.length", "Extension Header Length", Kind::Dec;
    ExtHdrUdpPort: "gtp.ext_hdr.udp_port", "UDP Port", Kind::Dec;
    ExtHdrPdcpSn: "gtp.ext_hdr.pdcp_sn", "PDCP Sequence Number", Kind::Dec;
    ExtHdrSpareBits: "gtp.ext_hdr.spare_bits", "Spare", Kind::Hex(2);
    ExtHdrLongPdcpSn: "gtp.ext_hdr.long_pdcp_sn", "Long PDCP Sequence Number", Kind::Dec;
    ExtHdrSpareBytes: "gtp.ext_hdr.spare_bytes", "Spare", Kind::Bytes;
    ExtHdrRanCont: "gtp.ext_hdr.ran_cont", "RAN Container", Kind::Bytes;
    ExtHdrXwRanCont: "gtp.ext_hdr.xw_ran_cont", "Xw RAN Container", Kind::Bytes;
    PduType: "gtp.ext_hdr.pdu_ses_con.pdu_type", "PDU Type", Kind::Dec;
    SpareH1: "gtp.spare.h1", "Spare", Kind::Hex(2);
    Ppp: "gtp.ext_hdr.pdu_ses_cont.ppp", "Paging Policy Presence (PPP)", Kind::Bool;
    Rqi: "gtp.ext_hdr.pdu_ses_cont.rqi", "Reflective QoS Indicator (RQI)", Kind::Bool;
    QosFlowId: "gtp.ext_hdr.pdu_ses_con.qos_flow_id", "QoS Flow Identifier (QFI)", Kind::Dec;
    Ppi: "gtp.ext_hdr.pdu_ses_cont.ppi", "Paging Policy Indicator (PPI)", Kind::Dec;
    SpareB4b0: "gtp.spare.b4b0", "Spare", Kind::Hex(2);
    SpareB7b6: "gtp.spare.b7b6", "Spare", Kind::Hex(2);
    TpduData: "gtp.tpdu_data", "T-PDU Data", Kind::Bytes;
}

/// Which header layout a view holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GtpKind {
    /// GTP v0 (release 97/98), 20-byte header.
    V0,
    /// GTPv1, 8 to 12 bytes plus extension headers.
    V1,
    /// GTP' (PT bit clear), 6 or 20 bytes.
    Prime,
    /// GTPv2-C: tshark's `gtp` layer shows nothing of its own and hands
    /// the message to its GTPv2 dissector.
    V2,
}

/// One extension header. Offsets are from the start of the GTP header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GtpExtension<'a> {
    /// The type (named by the previous header's next-type field).
    pub typ: u8,
    /// The length field, in 4-octet units (0 is malformed and ends the chain).
    pub length: u8,
    /// Where the length octet is.
    pub offset: usize,
    /// The bytes between the length octet and the next-type octet (clamped
    /// to what was captured).
    pub content: &'a [u8],
    /// The next extension's type, when captured (0: none follows).
    pub next: Option<u8>,
}

impl GtpExtension<'_> {
    fn end(&self) -> usize {
        self.offset + usize::from(self.length) * 4
    }
}

/// The extension headers in order; stops after a zero length or where the
/// capture ends.
#[derive(Clone, Debug)]
pub struct GtpExtensions<'a> {
    bytes: &'a [u8],
    /// Offset of the next extension's length octet, and its type.
    pos: usize,
    typ: u8,
    done: bool,
}

impl<'a> Iterator for GtpExtensions<'a> {
    type Item = GtpExtension<'a>;

    fn next(&mut self) -> Option<GtpExtension<'a>> {
        if self.done || self.typ == 0 {
            return None;
        }
        let length = u8_at(self.bytes, self.pos)?;
        let total = usize::from(length) * 4;
        let e = GtpExtension {
            typ: self.typ,
            length,
            offset: self.pos,
            content: clamp(self.bytes, self.pos + 1, total.saturating_sub(2)),
            next: if length == 0 {
                None
            } else {
                u8_at(self.bytes, self.pos + total - 1)
            },
        };
        match e.next {
            Some(n) => {
                self.typ = n;
                self.pos += total;
            }
            None => self.done = true,
        }
        Some(e)
    }
}

/// A view over a GTP header and what it carries.
#[derive(Clone, Copy, Debug)]
pub struct GtpView<'a> {
    bytes: &'a [u8],
    kind: GtpKind,
    /// Where the header ends (clamped to the bytes).
    hdr_len: usize,
    /// The extension chain ended with type 0 within the bytes.
    chain_ok: bool,
}

impl<'a> GtpView<'a> {
    /// A view as tshark reads UDP ports 2123 and 2152: version 2 is GTPv2
    /// (an empty GTP layer). Fails on a version above 2, on a message type
    /// tshark does not know, and when the fixed header (with GTPv1's
    /// optional 4 octets when E, S or PN is set) is cut short.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        Self::parse(bytes, false)
    }

    /// A view as tshark reads UDP port 3386 (GTP'): version 2 is read like
    /// version 1.
    pub fn new_prime(bytes: &'a [u8]) -> Result<Self, Error> {
        Self::parse(bytes, true)
    }

    fn parse(bytes: &'a [u8], prime_port: bool) -> Result<Self, Error> {
        need(bytes, 1)?;
        let fl = u8_at(bytes, 0).unwrap_or(0);
        let version = fl >> 5;
        if version > 2 {
            return Err(Error::Malformed("GTP version above 2"));
        }
        if version == 2 && !prime_port {
            return Ok(GtpView {
                bytes,
                kind: GtpKind::V2,
                hdr_len: 0,
                chain_ok: true,
            });
        }
        need(bytes, 2)?;
        if !is_known_message(u8_at(bytes, 1).unwrap_or(0)) {
            return Err(Error::Malformed("unknown GTP message type"));
        }
        let kind = if fl & flag::PT == 0 {
            GtpKind::Prime
        } else if version == 0 {
            GtpKind::V0
        } else {
            GtpKind::V1
        };
        let mut v = GtpView {
            bytes,
            kind,
            hdr_len: 0,
            chain_ok: true,
        };
        v.hdr_len = v.fixed_len();
        need(bytes, v.hdr_len)?;
        if kind == GtpKind::V1 && fl & flag::E != 0 {
            let mut end = v.hdr_len;
            let mut ok = false;
            for e in v.extensions() {
                if e.length == 0 {
                    end = e.offset + 1;
                    break;
                }
                end = e.end();
                if e.next == Some(0) {
                    ok = true;
                }
            }
            v.hdr_len = end.min(bytes.len());
            v.chain_ok = ok;
        }
        Ok(v)
    }

    /// The fixed part: through the optional octets for GTPv1.
    fn fixed_len(&self) -> usize {
        let fl = self.flags();
        match self.kind {
            GtpKind::V2 => 0,
            GtpKind::V0 => at::V0_LEN,
            GtpKind::Prime if self.version() == 0 && fl & 1 == 0 => at::V0_LEN,
            GtpKind::Prime => at::PRIME_SHORT_LEN,
            GtpKind::V1 if fl & (flag::E | flag::S | flag::PN) != 0 => at::V1_OPT_LEN,
            GtpKind::V1 => at::V1_LEN,
        }
    }

    /// Where the length field starts counting.
    fn base_len(&self) -> usize {
        match self.kind {
            GtpKind::V1 => at::V1_LEN,
            _ => self.fixed_len(),
        }
    }

    pub fn kind(&self) -> GtpKind {
        self.kind
    }

    pub fn flags(&self) -> u8 {
        u8_at(self.bytes, at::FLAGS.start).unwrap_or(0)
    }

    /// The 3-bit version.
    pub fn version(&self) -> u8 {
        self.flags() >> 5
    }

    pub fn message_type(&self) -> u8 {
        u8_at(self.bytes, at::MESSAGE.start).unwrap_or(0)
    }

    /// The length field: bytes after the first 8 (v1), 20 (v0) or 6/20 (GTP').
    pub fn length(&self) -> u16 {
        be16(self.bytes, at::LENGTH.start).unwrap_or(0)
    }

    /// GTPv1's tunnel endpoint identifier.
    pub fn teid(&self) -> Option<u32> {
        (self.kind == GtpKind::V1).then(|| be32(self.bytes, at::TEID.start).unwrap_or(0))
    }

    /// The sequence number, where the header has one (GTPv1 with S, v0, GTP').
    pub fn seq(&self) -> Option<u16> {
        match self.kind {
            GtpKind::V1 if self.flags() & flag::S != 0 => be16(self.bytes, at::V1_SEQ.start),
            GtpKind::V0 | GtpKind::Prime => be16(self.bytes, at::V0_SEQ.start),
            _ => None,
        }
    }

    /// GTPv1's N-PDU number (when PN is set).
    pub fn npdu(&self) -> Option<u8> {
        match self.kind {
            GtpKind::V1 if self.flags() & flag::PN != 0 => u8_at(self.bytes, at::V1_NPDU.start),
            _ => None,
        }
    }

    /// GTP v0's tunnel identifier, as tshark prints it: each octet's low
    /// then high nibble as a digit (a space for nibbles above 9).
    pub fn write_tid(&self, out: &mut String) {
        if self.kind != GtpKind::V0 {
            return;
        }
        let digit = |n: u8| if n <= 9 { char::from(b'0' + n) } else { ' ' };
        for b in clamp(self.bytes, at::V0_TID.start, 8) {
            out.push(digit(b & 0xf));
            out.push(digit(b >> 4));
        }
    }

    /// GTPv1's extension headers (none unless E is set).
    pub fn extensions(&self) -> GtpExtensions<'a> {
        let on = self.kind == GtpKind::V1 && self.flags() & flag::E != 0;
        GtpExtensions {
            bytes: self.bytes,
            pos: at::V1_OPT_LEN,
            typ: if on {
                u8_at(self.bytes, at::V1_NEXT.start).unwrap_or(0)
            } else {
                0
            },
            done: !on,
        }
    }

    /// Whether the extension chain is whole (false when a length is zero or
    /// the capture ends inside it; tshark then dissects nothing further).
    pub fn extensions_ok(&self) -> bool {
        self.chain_ok
    }

    /// The header with its extension headers, clamped to the bytes.
    pub fn header_len(&self) -> usize {
        self.hdr_len
    }

    /// What follows the header, clamped to the length field: the user
    /// packet of a T-PDU, the information elements of a signalling message,
    /// the whole message for GTPv2.
    pub fn payload(&self) -> &'a [u8] {
        if self.kind == GtpKind::V2 {
            return self.bytes;
        }
        let end = self.base_len().saturating_add(self.length().into());
        let end = end.min(self.bytes.len());
        self.bytes.get(self.hdr_len..end).unwrap_or(&[])
    }

    /// What [`Self::payload`] holds, by tshark's guess for T-PDUs (see the
    /// module docs); [`NextLayer::Done`] for signalling messages (their
    /// information elements belong to the GTP layer) and after a broken
    /// extension chain; [`NextLayer::Data`] for GTPv2.
    pub fn next_layer(&self) -> NextLayer {
        if self.kind == GtpKind::V2 {
            return NextLayer::Data;
        }
        if self.message_type() != message::TPDU || !self.chain_ok {
            return NextLayer::Done;
        }
        let p = self.payload();
        match p.first() {
            None => NextLayer::Done,
            Some(0x45..=0x4e) => NextLayer::Ipv4,
            Some(b) if b >> 4 == 6 => NextLayer::Ipv6,
            Some(_) if p.len() > 14 => match be16(p, 12) {
                Some(0x0800 | 0x0806 | 0x86dd) => NextLayer::Ethernet,
                _ => NextLayer::Done,
            },
            Some(_) => NextLayer::Done,
        }
    }

    /// A short T-PDU tshark shows as `gtp.tpdu_data` (14 bytes or fewer
    /// that do not look like IP).
    fn tpdu_data(&self) -> Option<&'a [u8]> {
        if self.kind == GtpKind::V2 || self.message_type() != message::TPDU || !self.chain_ok {
            return None;
        }
        let p = self.payload();
        match p.first() {
            Some(0x45..=0x4e) => None,
            Some(b) if b >> 4 == 6 => None,
            Some(_) if p.len() <= 14 => Some(p),
            _ => None,
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let kind = self.kind;
        if kind == GtpKind::V2 {
            return;
        }
        let fl = self.flags();
        let (v1, v0, prime) = (
            kind == GtpKind::V1,
            kind == GtpKind::V0,
            kind == GtpKind::Prime,
        );
        let uint = |v: u64| Value::UInt(v);
        let b = self.bytes;
        match f {
            Field::Flags => out.value(uint(fl.into()), at::FLAGS),
            Field::FlagsVersion if !prime => out.value(uint(self.version().into()), at::FLAGS),
            Field::PrimFlagsVersion if prime => out.value(uint(self.version().into()), at::FLAGS),
            Field::FlagsPayload => out.value(uint(((fl >> 4) & 1).into()), at::FLAGS),
            Field::FlagsReserved => {
                let r = if v1 { (fl >> 3) & 1 } else { (fl >> 1) & 7 };
                out.value(uint(r.into()), at::FLAGS)
            }
            Field::FlagsHdrLength if prime && self.version() == 0 => {
                out.value(Value::Bool(fl & 1 != 0), at::FLAGS)
            }
            Field::FlagsSnn if v0 => out.value(Value::Bool(fl & 1 != 0), at::FLAGS),
            Field::FlagsE if v1 => out.value(Value::Bool(fl & flag::E != 0), at::FLAGS),
            Field::FlagsS if v1 => out.value(Value::Bool(fl & flag::S != 0), at::FLAGS),
            Field::FlagsPn if v1 => out.value(Value::Bool(fl & flag::PN != 0), at::FLAGS),
            Field::Message => out.value(uint(self.message_type().into()), at::MESSAGE),
            Field::Length => out.value(uint(self.length().into()), at::LENGTH),
            Field::Teid => {
                if let Some(t) = self.teid() {
                    out.value(uint(t.into()), at::TEID)
                }
            }
            Field::SeqNumber => {
                if let Some(s) = self.seq() {
                    let r = if v1 { at::V1_SEQ } else { at::V0_SEQ };
                    out.value(uint(s.into()), r)
                }
            }
            Field::FlowLabel if v0 => {
                if let Some(x) = be16(b, at::V0_FLOW_LABEL.start) {
                    out.value(uint(x.into()), at::V0_FLOW_LABEL)
                }
            }
            Field::SndcpNumber if v0 => {
                if let Some(x) = u8_at(b, at::V0_SNDCP.start) {
                    out.value(uint(x.into()), at::V0_SNDCP)
                }
            }
            Field::DummyOctets if prime && self.fixed_len() == at::V0_LEN => {
                if let Some(d) = b.get(at::PRIME_DUMMY) {
                    out.value(Value::Bytes(d), at::PRIME_DUMMY)
                }
            }
            Field::NpduNumber => {
                if let Some(n) = self.npdu() {
                    out.value(uint(n.into()), at::V1_NPDU)
                }
            }
            Field::ExtHdrNext => {
                if v1 && fl & flag::E != 0 {
                    if let Some(n) = u8_at(b, at::V1_NEXT.start) {
                        out.value(uint(n.into()), at::V1_NEXT)
                    }
                }
                for e in self.extensions() {
                    if let Some(n) = e.next {
                        let o = e.end() - 1;
                        out.value(uint(n.into()), o..o + 1)
                    }
                }
            }
            Field::TpduData => {
                if let Some(d) = self.tpdu_data() {
                    out.value(Value::Bytes(d), self.hdr_len..self.hdr_len + d.len())
                }
            }
            _ => {
                for e in self.extensions() {
                    ext_field(b, &e, f, out);
                }
            }
        }
    }

    /// `GPRS Tunneling Protocol` (`… Prime` for GTP', `… V2` for GTPv2).
    pub fn title(&self, out: &mut String) {
        out.push_str("GPRS Tunneling Protocol");
        match self.kind {
            GtpKind::Prime => out.push_str(" Prime"),
            GtpKind::V2 => out.push_str(" V2"),
            _ => {}
        }
    }
}

/// The occurrence of extension-header field `f` in extension `e`.
fn ext_field<'a>(b: &'a [u8], e: &GtpExtension<'a>, f: Field, out: &mut dyn FieldSink<'a>) {
    let uint = |v: u64| Value::UInt(v);
    // Offsets from the start of the content (after the length octet).
    let c = e.offset + 1;
    let r = |from: usize, n: usize| c + from..c + from + n;
    let byte = |i: usize| u8_at(b, c + i);
    let len = e.length;
    match f {
        Field::ExtHdr => out.value(
            Value::Present,
            e.offset..(e.offset + usize::from(len) * 4).min(b.len()),
        ),
        Field::ExtHdrLength => out.value(uint(len.into()), e.offset..c),
        Field::ExtHdrUdpPort if e.typ == ext::UDP_PORT && len == 1 => {
            if let Some(p) = be16(b, c) {
                out.value(uint(p.into()), r(0, 2))
            }
        }
        Field::ExtHdrPdcpSn if e.typ == ext::PDCP_PDU && len == 1 => {
            if let Some(p) = be16(b, c) {
                out.value(uint(p.into()), r(0, 2))
            }
        }
        Field::ExtHdrSpareBits if e.typ == ext::LONG_PDCP_PDU && len == 2 => {
            if let Some(x) = byte(0) {
                out.value(uint((x >> 2).into()), r(0, 1))
            }
        }
        Field::ExtHdrLongPdcpSn if e.typ == ext::LONG_PDCP_PDU && len == 2 => {
            if let Some(x) = be24(b, c) {
                out.value(uint(x.into()), r(0, 3))
            }
        }
        Field::ExtHdrSpareBytes if e.typ == ext::LONG_PDCP_PDU && len == 2 => {
            if let Some(x) = b.get(r(3, 3)) {
                out.value(Value::Bytes(x), r(3, 3))
            }
        }
        Field::ExtHdrRanCont | Field::ExtHdrXwRanCont if len > 0 => {
            let want = match f {
                Field::ExtHdrRanCont => ext::RAN_CONTAINER,
                _ => ext::XW_RAN_CONTAINER,
            };
            // tshark takes 4 * length - 1 octets, the next-type octet included.
            let n = usize::from(len) * 4 - 1;
            if e.typ == want {
                if let Some(x) = b.get(r(0, n)) {
                    out.value(Value::Bytes(x), r(0, n))
                }
            }
        }
        _ if e.typ == ext::PDU_SESSION_CONTAINER && len > 0 => {
            let (Some(b0), b1, b2) = (byte(0), byte(1), byte(2)) else {
                return;
            };
            let pdu_type = b0 >> 4;
            match (f, pdu_type, b1) {
                (Field::PduType, _, _) => out.value(uint(pdu_type.into()), r(0, 1)),
                (Field::SpareH1, _, _) => out.value(uint((b0 & 0xf).into()), r(0, 1)),
                (Field::Ppp, 0, Some(x)) => out.value(Value::Bool(x & 0x80 != 0), r(1, 1)),
                (Field::Rqi, 0, Some(x)) => out.value(Value::Bool(x & 0x40 != 0), r(1, 1)),
                (Field::QosFlowId, 0 | 1, Some(x)) => out.value(uint((x & 0x3f).into()), r(1, 1)),
                (Field::SpareB7b6, 1, Some(x)) => out.value(uint((x >> 6).into()), r(1, 1)),
                (Field::Ppi, 0, Some(x)) if x & 0x80 != 0 => {
                    if let Some(y) = b2 {
                        out.value(uint((y >> 5).into()), r(2, 1))
                    }
                }
                (Field::SpareB4b0, 0, Some(x)) if x & 0x80 != 0 => {
                    if let Some(y) = b2 {
                        out.value(uint((y & 0x1f).into()), r(2, 1))
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
}

/// One GTPv1 extension header's plain values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GtpExtensionRepr {
    pub typ: u8,
    /// The bytes between the length and next-type octets: 4n + 2 long
    /// (padded with zeros when not).
    pub content: Vec<u8>,
}

/// The plain values of a GTPv1 header, for building packets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GtpRepr {
    pub message: u8,
    pub teid: u32,
    /// Sets S.
    pub seq: Option<u16>,
    /// Sets PN.
    pub npdu: Option<u8>,
    /// Sets E when not empty.
    pub extensions: Vec<GtpExtensionRepr>,
}

impl GtpRepr {
    /// A T-PDU header on tunnel `teid`.
    pub fn tpdu(teid: u32) -> Self {
        GtpRepr {
            message: message::TPDU,
            teid,
            seq: None,
            npdu: None,
            extensions: Vec::new(),
        }
    }

    /// The GTPv1 header's values (`None` for other versions).
    pub fn parse(v: &GtpView) -> Option<Self> {
        if v.kind() != GtpKind::V1 {
            return None;
        }
        Some(GtpRepr {
            message: v.message_type(),
            teid: v.teid().unwrap_or(0),
            seq: v.seq(),
            npdu: v.npdu(),
            extensions: v
                .extensions()
                .map(|e| GtpExtensionRepr {
                    typ: e.typ,
                    content: e.content.to_vec(),
                })
                .collect(),
        })
    }

    /// Append the header, the extension headers and `payload`, with the
    /// length field counting everything after the first 8 bytes.
    pub fn emit(&self, buf: &mut Vec<u8>, payload: &[u8]) {
        let start = buf.len();
        let mut fl = 0x20 | flag::PT;
        if self.seq.is_some() {
            fl |= flag::S;
        }
        if self.npdu.is_some() {
            fl |= flag::PN;
        }
        if !self.extensions.is_empty() {
            fl |= flag::E;
        }
        buf.push(fl);
        buf.push(self.message);
        buf.extend_from_slice(&[0, 0]);
        buf.extend_from_slice(&self.teid.to_be_bytes());
        if fl & (flag::E | flag::S | flag::PN) != 0 {
            buf.extend_from_slice(&self.seq.unwrap_or(0).to_be_bytes());
            buf.push(self.npdu.unwrap_or(0));
            buf.push(self.extensions.first().map_or(0, |e| e.typ));
        }
        for (i, e) in self.extensions.iter().enumerate() {
            // Length octet + content + next octet, in whole words.
            let words = (e.content.len() + 2).div_ceil(4).clamp(1, 255);
            let n = words * 4 - 2;
            buf.push(words as u8);
            let c = e.content.get(..n).unwrap_or(&e.content);
            buf.extend_from_slice(c);
            buf.resize(buf.len() + (n - c.len()), 0);
            buf.push(self.extensions.get(i + 1).map_or(0, |x| x.typ));
        }
        buf.extend_from_slice(payload);
        let len = (buf.len() - start - at::V1_LEN).min(usize::from(u16::MAX)) as u16;
        buf[start + 2..start + 4].copy_from_slice(&len.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fields_text;
    use proptest::prelude::*;

    fn all<'a>(v: &GtpView<'a>) -> Vec<String> {
        fields_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// zeek tunnels/gtp/gtp_ext_header.pcap frame 1 (first fragment), from
    /// byte 42: GTPv1-U with S and E, a PDCP PDU number extension, then IPv4.
    const EXT_HEADER: [u8; 32] = [
        0x36, 0xff, 0x05, 0xe4, 0x00, 0x10, 0x06, 0x57, 0x00, 0x05, 0x00, 0xc0, 0x01, 0x09, 0x04,
        0x00, 0x45, 0x00, 0x05, 0xdc, 0xdc, 0xfa, 0x40, 0x00, 0x3f, 0x06, 0xd2, 0xe7, 0x0a, 0x9b,
        0xb6, 0xca,
    ];
    /// arkime gtp-iphone.pcap frame 1, from byte 44 (after SLL, IPv4, UDP):
    /// a plain T-PDU carrying IPv4.
    const IPHONE: [u8; 22] = [
        0x30, 0xff, 0x00, 0x49, 0x7e, 0x10, 0xb5, 0x68, 0x45, 0x00, 0x00, 0x49, 0x49, 0x06, 0x00,
        0x00, 0x40, 0x11, 0x04, 0xcb, 0xc0, 0xa8,
    ];
    /// zeek tunnels/gtp/pdp_ctx_messages.pcapng frame 2, from byte 42: a
    /// GTPv1-C Create PDP context request (S set), then its IEs.
    const CREATE_PDP: [u8; 18] = [
        0x32, 0x10, 0x00, 0x89, 0x00, 0x00, 0x00, 0x00, 0x13, 0x0b, 0x00, 0x00, 0x02, 0x64, 0x00,
        0x40, 0x01, 0x00,
    ];
    /// Same capture, frame 13 (UDP 3386), from byte 42: a GTP v0 T-PDU.
    const V0_TPDU: [u8; 24] = [
        0x1e, 0xff, 0x00, 0x54, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0x42, 0x00, 0x01,
        0x21, 0x43, 0x65, 0x87, 0x09, 0x45, 0x00, 0x00, 0x54,
    ];
    /// ndpi fuzz-2021-06-07-c6c72a0a56.pcap frame 1, from byte 42: a
    /// 6-byte GTP' header (PT clear) on port 2152, nothing after.
    const PRIME: [u8; 6] = [0x2d, 0xff, 0x20, 0x7b, 0x0b, 0x72];

    #[test]
    fn v1_with_extension_header() {
        let v = GtpView::new(&EXT_HEADER).unwrap();
        assert_eq!(v.kind(), GtpKind::V1);
        assert_eq!(
            all(&v),
            [
                "gtp.flags=0x36",
                "gtp.flags.version=1",
                "gtp.flags.payload=1",
                "gtp.flags.reserved=0",
                "gtp.flags.e=1",
                "gtp.flags.s=1",
                "gtp.flags.pn=0",
                "gtp.message=0xff",
                "gtp.length=1508",
                "gtp.teid=0x00100657",
                "gtp.seq_number=0x0005",
                "gtp.ext_hdr.next=0xc0,0x00",
                "gtp.ext_hdr=1",
                "gtp.ext_hdr.length=1",
                "gtp.ext_hdr.pdcp_sn=2308",
            ]
        );
        assert_eq!(v.header_len(), 16);
        assert_eq!(v.payload(), &EXT_HEADER[16..]);
        assert_eq!(v.next_layer(), NextLayer::Ipv4);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "GPRS Tunneling Protocol");
    }

    #[test]
    fn plain_tpdu_and_signalling() {
        let v = GtpView::new(&IPHONE).unwrap();
        assert_eq!(v.teid(), Some(0x7e10b568));
        assert_eq!(v.header_len(), 8);
        assert_eq!(v.next_layer(), NextLayer::Ipv4);
        let v = GtpView::new(&CREATE_PDP).unwrap();
        assert_eq!(v.seq(), Some(0x130b));
        assert_eq!(v.npdu(), None);
        assert_eq!(v.header_len(), 12);
        assert_eq!(v.payload(), &CREATE_PDP[12..]);
        assert_eq!(v.next_layer(), NextLayer::Done);
        assert!(all(&v).contains(&"gtp.seq_number=0x130b".to_string()));
    }

    #[test]
    fn v0_and_prime_headers() {
        let v = GtpView::new_prime(&V0_TPDU).unwrap();
        assert_eq!(v.kind(), GtpKind::V0);
        assert_eq!(
            all(&v),
            [
                "gtp.flags=0x1e",
                "gtp.flags.version=0",
                "gtp.flags.payload=1",
                "gtp.flags.reserved=7",
                "gtp.flags.snn=0",
                "gtp.message=0xff",
                "gtp.length=84",
                "gtp.seq_number=0x0000",
                "gtp.flow_label=0x0001",
                "gtp.sndcp_number=0xff",
            ]
        );
        let mut tid = String::new();
        v.write_tid(&mut tid);
        assert_eq!(tid, "2400101234567890");
        assert_eq!(v.header_len(), 20);
        assert_eq!(v.next_layer(), NextLayer::Ipv4);

        let v = GtpView::new(&PRIME).unwrap();
        assert_eq!(v.kind(), GtpKind::Prime);
        assert_eq!(
            all(&v),
            [
                "gtp.flags=0x2d",
                "gtp.prim.flags.version=1",
                "gtp.flags.payload=0",
                "gtp.flags.reserved=6",
                "gtp.message=0xff",
                "gtp.length=8315",
                "gtp.seq_number=0x0b72",
            ]
        );
        assert!(v.payload().is_empty());
        assert_eq!(v.next_layer(), NextLayer::Done);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "GPRS Tunneling Protocol Prime");
    }

    #[test]
    fn version_and_message_checks() {
        // Version 2 on the GTPv1 ports: GTPv2, shown as data after an empty layer.
        let v2 = [0x48, 0x20, 0x00, 0x08, 0, 0, 0, 1, 0, 0, 0, 0];
        let v = GtpView::new(&v2).unwrap();
        assert_eq!(v.kind(), GtpKind::V2);
        assert!(all(&v).is_empty());
        assert_eq!(v.payload(), &v2);
        assert_eq!(v.next_layer(), NextLayer::Data);
        // Version 3 and unknown message types are not GTP.
        assert!(GtpView::new(&[0x70, 0xff, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(GtpView::new(&[0x30, 0x08, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(GtpView::new(&[0x30, 0x00, 0, 0, 0, 0, 0, 0]).is_err());
        let known: Vec<u8> = (0..=255u8).filter(|m| is_known_message(*m)).collect();
        assert_eq!(known.len(), 71);
        assert!(GtpView::new(&IPHONE[..7]).is_err());
        assert!(GtpView::new(&EXT_HEADER[..11]).is_err());
    }

    /// A T-PDU around `payload`, with optional extension bytes.
    fn tpdu(flags: u8, opt: &[u8], payload: &[u8]) -> Vec<u8> {
        let mut b = vec![flags, 0xff];
        b.extend_from_slice(&((opt.len() + payload.len()) as u16).to_be_bytes());
        b.extend_from_slice(&[0xab, 0xcd, 0xef, 0x01]);
        b.extend_from_slice(opt);
        b.extend_from_slice(payload);
        b
    }

    #[test]
    fn tpdu_guesses() {
        let eth_ip = {
            let mut e = vec![2; 12];
            e.extend_from_slice(&[0x08, 0x00, 0x45, 0]);
            e
        };
        // As tshark decided for crafted packets.
        let cases: &[(&[u8], NextLayer, bool)] = &[
            (&[0x44; 20], NextLayer::Done, false),
            (&[0x4f; 20], NextLayer::Done, false),
            (&[0x4e; 3], NextLayer::Ipv4, false),
            (&[0x60; 11], NextLayer::Ipv6, false),
            (&eth_ip, NextLayer::Ethernet, false),
            (&[1, 2, 3], NextLayer::Done, true),
            (&[1; 14], NextLayer::Done, true),
            (&[1; 20], NextLayer::Done, false),
            (&[], NextLayer::Done, false),
        ];
        for (p, want, data) in cases {
            let b = tpdu(0x30, &[], p);
            let v = GtpView::new(&b).unwrap();
            assert_eq!(v.next_layer(), *want, "{p:?}");
            assert_eq!(
                all(&v).iter().any(|s| s.starts_with("gtp.tpdu_data")),
                *data,
                "{p:?}"
            );
        }
        // The length field clamps the payload; bytes past it are not GTP's.
        let mut b = tpdu(0x30, &[], &[0x45; 10]);
        b[3] = 4;
        assert_eq!(GtpView::new(&b).unwrap().payload(), &[0x45; 4]);
    }

    #[test]
    fn extension_chains() {
        // 0x85 PDU session (DL, PPP and RQI, QFI 9; PPI read from the next
        // octet as tshark does), 0x85 (UL, QFI 7), 0x40 UDP port, 0x82 long
        // PDCP, 0x81 RAN container, 0x83 Xw, 0xc0 with a bad length: as
        // tshark 4.0 showed this crafted chain.
        let chain = [
            0, 0, 0, 0x85, 1, 0x00, 0xc9, 0x85, 1, 0x10, 0x07, 0x40, 1, 0x12, 0x34, 0x82, 2, 0x01,
            0x23, 0x45, 0x66, 0x77, 0x88, 0x81, 1, 0xaa, 0xbb, 0x83, 1, 0xcc, 0xdd, 0xc0, 2, 0x11,
            0x22, 0x33, 0x44, 0x55, 0x66, 0x00,
        ];
        let b = tpdu(0x37, &chain, &[0x45, 0, 0, 0]);
        let v = GtpView::new(&b).unwrap();
        let got = all(&v);
        for want in [
            "gtp.npdu_number=0x00",
            "gtp.ext_hdr.next=0x85,0x85,0x40,0x82,0x81,0x83,0xc0,0x00",
            "gtp.ext_hdr.length=1,1,1,2,1,1,2",
            "gtp.ext_hdr.udp_port=4660",
            "gtp.ext_hdr.spare_bits=0x00",
            "gtp.ext_hdr.long_pdcp_sn=74565",
            "gtp.ext_hdr.spare_bytes=667788",
            "gtp.ext_hdr.ran_cont=aabb83",
            "gtp.ext_hdr.xw_ran_cont=ccddc0",
            "gtp.ext_hdr.pdu_ses_con.pdu_type=0,1",
            "gtp.spare.h1=0x00,0x00",
            "gtp.ext_hdr.pdu_ses_cont.ppp=1",
            "gtp.ext_hdr.pdu_ses_cont.rqi=1",
            "gtp.ext_hdr.pdu_ses_con.qos_flow_id=9,7",
            "gtp.ext_hdr.pdu_ses_cont.ppi=4",
            "gtp.spare.b4b0=0x05",
            "gtp.spare.b7b6=0x00",
        ] {
            assert!(got.contains(&want.to_string()), "{want} in {got:?}");
        }
        assert!(!got.iter().any(|s| s.starts_with("gtp.ext_hdr.pdcp_sn")));
        assert!(v.extensions_ok());
        assert_eq!(v.payload(), &[0x45, 0, 0, 0]);
        assert_eq!(v.next_layer(), NextLayer::Ipv4);

        // A zero length ends everything.
        let b = tpdu(0x34, &[0, 0, 0, 0x85, 0], &[0x45; 28]);
        let v = GtpView::new(&b).unwrap();
        assert!(!v.extensions_ok());
        assert_eq!(v.header_len(), 13);
        assert_eq!(v.next_layer(), NextLayer::Done);
        assert!(all(&v).contains(&"gtp.ext_hdr.length=0".to_string()));
        // A chain past the end of the capture.
        let b = tpdu(0x34, &[0, 0, 0, 0x85, 9, 0x11, 0x22], &[]);
        let v = GtpView::new(&b).unwrap();
        assert!(!v.extensions_ok());
        assert_eq!(v.header_len(), b.len());
        assert_eq!(v.next_layer(), NextLayer::Done);
    }

    fn any_ext() -> impl Strategy<Value = GtpExtensionRepr> {
        (1u8..=255, 0usize..4).prop_flat_map(|(typ, words)| {
            proptest::collection::vec(any::<u8>(), words * 4 + 2)
                .prop_map(move |content| GtpExtensionRepr { typ, content })
        })
    }

    proptest! {
        #[test]
        fn build_then_parse(message in prop::sample::select(vec![1u8, 2, 0x10, 0x1a, 0xfe, 0xff]),
                            teid: u32, seq: Option<u16>, npdu: Option<u8>,
                            extensions in proptest::collection::vec(any_ext(), 0..4),
                            payload in proptest::collection::vec(any::<u8>(), 0..32)) {
            let r = GtpRepr { message, teid, seq, npdu, extensions };
            let mut buf = Vec::new();
            r.emit(&mut buf, &payload);
            let v = GtpView::new(&buf).unwrap();
            prop_assert_eq!(GtpRepr::parse(&v), Some(r));
            prop_assert!(v.extensions_ok());
            prop_assert_eq!(v.payload(), &payload[..]);
        }

        #[test]
        fn hostile_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..64), prime: bool) {
            let v = if prime { GtpView::new_prime(&b) } else { GtpView::new(&b) };
            if let Ok(v) = v {
                let _ = all(&v);
                prop_assert!(v.header_len() <= b.len());
                let _ = (v.payload(), v.next_layer(), v.extensions().count());
                let mut s = String::new();
                v.title(&mut s);
                v.write_tid(&mut s);
            }
        }

        #[test]
        fn hostile_chains_never_panic(chain in proptest::collection::vec(any::<u8>(), 0..48), flags in 0u8..8) {
            let b = tpdu(0x30 | flags, &chain, &[]);
            if let Ok(v) = GtpView::new(&b) {
                let _ = all(&v);
                prop_assert!(v.header_len() <= b.len());
                let _ = (v.payload(), v.next_layer());
            }
        }
    }
}
