//! Linux netfilter NFLOG (link type 239): packets logged by iptables/nftables
//! `NFLOG` rules, as libpcap's nflog device delivers them.
//!
//! A four-byte header (address family, version, big-endian resource id, the
//! `nfgenmsg` of netlink) is followed by type-length-value attributes in the
//! host's byte order, each padded to four bytes. tshark 4.0 reads the
//! lengths and types little-endian (the byte order of the hosts that make
//! these captures); so does this view. The `NFULA_PAYLOAD` attribute
//! (type 9) holds the packet. The attributes' values themselves are
//! big-endian (network order), as the kernel writes them.
//!
//! Walking stops at an attribute shorter than its own 4-byte header or one
//! that runs past the end of the bytes (tshark flags the frame malformed
//! there and shows nothing of that attribute).

use crate::bytes::{be16, be32, le16, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::ops::Range;

/// Byte ranges of the fixed header's fields.
mod at {
    use std::ops::Range;
    pub const FAMILY: Range<usize> = 0..1;
    pub const VERSION: Range<usize> = 1..2;
    pub const RES_ID: Range<usize> = 2..4;
    pub const HEADER_LEN: usize = 4;
}

/// pcap's link-layer header type for NFLOG.
pub const LINKTYPE_NFLOG: u32 = 239;

/// Linux address families in the header.
pub mod family {
    pub const INET: u8 = 2;
    pub const INET6: u8 = 10;
}

/// Attribute types (`enum nfulnl_attr_type`).
pub mod tlv {
    pub const PACKET_HDR: u16 = 1;
    pub const MARK: u16 = 2;
    pub const TIMESTAMP: u16 = 3;
    pub const IFINDEX_INDEV: u16 = 4;
    pub const IFINDEX_OUTDEV: u16 = 5;
    pub const IFINDEX_PHYSINDEV: u16 = 6;
    pub const IFINDEX_PHYSOUTDEV: u16 = 7;
    pub const HWADDR: u16 = 8;
    pub const PAYLOAD: u16 = 9;
    pub const PREFIX: u16 = 10;
    pub const UID: u16 = 11;
    pub const SEQ: u16 = 12;
    pub const SEQ_GLOBAL: u16 = 13;
    pub const GID: u16 = 14;
    pub const HWTYPE: u16 = 15;
    pub const HWHEADER: u16 = 16;
    pub const HWLEN: u16 = 17;
    /// The type field's low 15 bits are the type (the top bit is netlink's
    /// "nested" flag).
    pub const TYPE_MASK: u16 = 0x7fff;
}

field_table! {
    Family: "nflog.family", "Family", Kind::Dec;
    Version: "nflog.version", "Version", Kind::Dec;
    ResId: "nflog.res_id", "Resource id", Kind::Dec;
    Tlv: "nflog.tlv", "TLV", Kind::Bytes;
    TlvLength: "nflog.tlv_length", "Length", Kind::Dec;
    TlvType: "nflog.tlv_type", "Type", Kind::Dec;
    Protocol: "nflog.protocol", "HW protocol", Kind::Hex(4);
    Hook: "nflog.hook", "Netfilter hook", Kind::Dec;
    IfindexIndev: "nflog.ifindex_indev", "IFINDEX_INDEV", Kind::Dec;
    IfindexOutdev: "nflog.ifindex_outdev", "IFINDEX_OUTDEV", Kind::Dec;
    IfindexPhysindev: "nflog.ifindex_physindev", "IFINDEX_PHYSINDEV", Kind::Dec;
    IfindexPhysoutdev: "nflog.ifindex_physoutdev", "IFINDEX_PHYSOUTDEV", Kind::Dec;
    Prefix: "nflog.prefix", "Prefix", Kind::Str;
    Uid: "nflog.uid", "UID", Kind::Signed;
    Gid: "nflog.gid", "GID", Kind::Signed;
    Timestamp: "nflog.timestamp", "Timestamp", Kind::AbsTime;
    TlvValue: "nflog.tlv_value", "Value", Kind::Bytes;
}

/// One attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// Offset of the attribute's header from the start of the NFLOG layer.
    pub offset: usize,
    /// The length field (header included, padding excluded).
    pub len: u16,
    /// The type, masked to 15 bits.
    pub typ: u16,
    /// The value (`len - 4` bytes).
    pub value: &'a [u8],
    /// The whole attribute: header and value, without padding.
    pub raw: &'a [u8],
}

impl Tlv<'_> {
    /// The byte range of the whole attribute (without padding).
    pub fn range(&self) -> Range<usize> {
        self.offset..self.offset + usize::from(self.len)
    }

    /// The byte range of the value.
    pub fn value_range(&self) -> Range<usize> {
        self.offset + 4..self.offset + usize::from(self.len)
    }

    /// Whether tshark shows this attribute's value with a field of its own
    /// (rather than as `nflog.tlv_value`).
    fn handled(&self) -> bool {
        let n = self.value.len();
        match self.typ {
            tlv::PAYLOAD => true,
            tlv::PACKET_HDR
            | tlv::UID
            | tlv::GID
            | tlv::IFINDEX_INDEV
            | tlv::IFINDEX_OUTDEV
            | tlv::IFINDEX_PHYSINDEV
            | tlv::IFINDEX_PHYSOUTDEV => n == 4,
            tlv::PREFIX => n >= 1,
            tlv::TIMESTAMP => n == 16,
            _ => false,
        }
    }
}

/// The attributes of an NFLOG record, in order.
#[derive(Clone, Debug)]
pub struct TlvIter<'a> {
    bytes: &'a [u8],
    off: usize,
}

impl<'a> Iterator for TlvIter<'a> {
    type Item = Tlv<'a>;

    fn next(&mut self) -> Option<Tlv<'a>> {
        let len = le16(self.bytes, self.off)?;
        let typ = le16(self.bytes, self.off.checked_add(2)?)? & tlv::TYPE_MASK;
        let end = self.off.checked_add(usize::from(len))?;
        if len < 4 || end > self.bytes.len() {
            // Malformed or cut short: stop here for good.
            self.off = self.bytes.len();
            return None;
        }
        let t = Tlv {
            offset: self.off,
            len,
            typ,
            value: self.bytes.get(self.off + 4..end)?,
            raw: self.bytes.get(self.off..end)?,
        };
        // The next attribute starts on a 4-byte boundary.
        let padded = (usize::from(len) + 3) & !3;
        self.off = self.off.checked_add(padded).unwrap_or(self.bytes.len());
        Some(t)
    }
}

/// A view over an NFLOG record.
#[derive(Clone, Copy, Debug)]
pub struct NflogView<'a> {
    bytes: &'a [u8],
}

impl<'a> NflogView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold the 4-byte header.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(NflogView { bytes })
    }

    /// Linux address family (2 IPv4, 10 IPv6, 7 bridge, ...).
    pub fn family(&self) -> u8 {
        u8_at(self.bytes, at::FAMILY.start).unwrap_or(0)
    }

    pub fn version(&self) -> u8 {
        u8_at(self.bytes, at::VERSION.start).unwrap_or(0)
    }

    pub fn res_id(&self) -> u16 {
        be16(self.bytes, at::RES_ID.start).unwrap_or(0)
    }

    /// The attributes, in order, up to the first malformed one.
    pub fn tlvs(&self) -> TlvIter<'a> {
        TlvIter {
            bytes: self.bytes,
            off: at::HEADER_LEN,
        }
    }

    /// The last `NFULA_PAYLOAD` attribute (tshark dissects the last one).
    pub fn payload_tlv(&self) -> Option<Tlv<'a>> {
        self.tlvs().filter(|t| t.typ == tlv::PAYLOAD).last()
    }

    /// The hardware protocol (an EtherType) of the last well-formed
    /// `NFULA_PACKET_HDR`.
    pub fn hw_protocol(&self) -> Option<u16> {
        self.tlvs()
            .filter(|t| t.typ == tlv::PACKET_HDR && t.value.len() == 4)
            .last()
            .and_then(|t| be16(t.value, 0))
    }

    /// The netfilter hook of the last well-formed `NFULA_PACKET_HDR`.
    pub fn hook(&self) -> Option<u8> {
        self.tlvs()
            .filter(|t| t.typ == tlv::PACKET_HDR && t.value.len() == 4)
            .last()
            .and_then(|t| u8_at(t.value, 2))
    }

    /// The log prefix (up to its NUL), if there is one.
    pub fn prefix(&self) -> Option<&'a [u8]> {
        self.tlvs()
            .find(|t| t.typ == tlv::PREFIX && !t.value.is_empty())
            .map(|t| until_nul(t.value))
    }

    /// The number of bytes before the packet: the offset of the payload
    /// attribute's value, or the whole record when there is none.
    pub fn header_len(&self) -> usize {
        self.payload_tlv()
            .map_or(self.bytes.len(), |t| t.value_range().start)
    }

    /// The logged packet: the value of the payload attribute (empty when
    /// there is none).
    pub fn payload(&self) -> &'a [u8] {
        self.payload_tlv().map_or(&[], |t| t.value)
    }

    /// The packet bytes together with the attributes after them, as
    /// `&bytes[header_len()..]` (for consumers that need a suffix).
    pub fn rest(&self) -> &'a [u8] {
        tail(self.bytes, self.header_len())
    }

    /// What the payload holds. As tshark 4.0: the EtherType of
    /// `NFULA_PACKET_HDR` when there is one and it is not zero, else IPv4 for
    /// family 2 and IPv6 for family 10, else data; `Done` when there is no
    /// payload attribute.
    pub fn next_layer(&self) -> NextLayer {
        if self.payload_tlv().is_none() {
            return NextLayer::Done;
        }
        match self.hw_protocol() {
            Some(p) if p != 0 => NextLayer::EtherType(p),
            _ => match self.family() {
                family::INET => NextLayer::Ipv4,
                family::INET6 => NextLayer::Ipv6,
                _ => NextLayer::Data,
            },
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        match f {
            Field::Family => out.value(Value::UInt(self.family().into()), at::FAMILY),
            Field::Version => out.value(Value::UInt(self.version().into()), at::VERSION),
            Field::ResId => out.value(Value::UInt(self.res_id().into()), at::RES_ID),
            _ => {
                for t in self.tlvs() {
                    tlv_field(f, &t, out);
                }
            }
        }
    }

    /// `Linux Netfilter NFLOG`.
    pub fn title(&self, out: &mut String) {
        out.push_str("Linux Netfilter NFLOG");
    }
}

/// The occurrences of `f` in one attribute.
fn tlv_field<'a>(f: Field, t: &Tlv<'a>, out: &mut dyn FieldSink<'a>) {
    let v = t.value;
    let vr = t.value_range();
    let o = t.offset;
    let be32_of = |typ: u16| (t.typ == typ && v.len() == 4).then(|| be32(v, 0)).flatten();
    match f {
        Field::Tlv => out.value(Value::Bytes(t.raw), t.range()),
        Field::TlvLength => out.value(Value::UInt(t.len.into()), o..o + 2),
        Field::TlvType => out.value(Value::UInt(t.typ.into()), o + 2..o + 4),
        Field::Protocol => {
            if t.typ == tlv::PACKET_HDR && v.len() == 4 {
                let p = be16(v, 0).unwrap_or(0);
                out.value(Value::UInt(p.into()), vr.start..vr.start + 2)
            }
        }
        Field::Hook => {
            if t.typ == tlv::PACKET_HDR && v.len() == 4 {
                let h = u8_at(v, 2).unwrap_or(0);
                out.value(Value::UInt(h.into()), vr.start + 2..vr.start + 3)
            }
        }
        Field::IfindexIndev
        | Field::IfindexOutdev
        | Field::IfindexPhysindev
        | Field::IfindexPhysoutdev => {
            let typ = match f {
                Field::IfindexIndev => tlv::IFINDEX_INDEV,
                Field::IfindexOutdev => tlv::IFINDEX_OUTDEV,
                Field::IfindexPhysindev => tlv::IFINDEX_PHYSINDEV,
                _ => tlv::IFINDEX_PHYSOUTDEV,
            };
            if let Some(n) = be32_of(typ) {
                out.value(Value::UInt(n.into()), vr)
            }
        }
        Field::Prefix => {
            if t.typ == tlv::PREFIX && !v.is_empty() {
                out.value(Value::Str(until_nul(v)), vr)
            }
        }
        Field::Uid | Field::Gid => {
            let typ = if f == Field::Uid { tlv::UID } else { tlv::GID };
            if let Some(n) = be32_of(typ) {
                out.value(Value::Int(i64::from(n as i32)), vr)
            }
        }
        Field::Timestamp => {
            if t.typ == tlv::TIMESTAMP && v.len() == 16 {
                let secs = be64(v, 0).unwrap_or(0);
                let usecs = be64(v, 8).unwrap_or(0);
                let nanos = usecs.saturating_mul(1000).min(999_999_999);
                out.value(
                    Value::Time {
                        secs: i64::try_from(secs).unwrap_or(i64::MAX),
                        nanos: u32::try_from(nanos).unwrap_or(0),
                    },
                    vr,
                )
            }
        }
        Field::TlvValue => {
            if !t.handled() {
                out.value(Value::Bytes(v), vr)
            }
        }
        Field::Family | Field::Version | Field::ResId => {}
    }
}

fn until_nul(v: &[u8]) -> &[u8] {
    match v.iter().position(|&c| c == 0) {
        Some(i) => v.get(..i).unwrap_or(v),
        None => v,
    }
}

fn be64(b: &[u8], off: usize) -> Option<u64> {
    let hi = be32(b, off)?;
    let lo = be32(b, off.checked_add(4)?)?;
    Some((u64::from(hi) << 32) | u64::from(lo))
}

/// The plain values of an NFLOG record, for building: the header and the
/// attributes in order (the payload is the value of a [`tlv::PAYLOAD`]
/// attribute). `emit` writes lengths little-endian and pads each attribute
/// to four bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NflogRepr {
    pub family: u8,
    pub version: u8,
    pub res_id: u16,
    pub tlvs: Vec<(u16, Vec<u8>)>,
}

impl NflogRepr {
    /// A record of `family` for `packet`, with a packet header attribute
    /// naming `hw_protocol` (an EtherType) and `hook`.
    pub fn new(family: u8, hw_protocol: u16, hook: u8, packet: &[u8]) -> Self {
        let mut hdr = hw_protocol.to_be_bytes().to_vec();
        hdr.extend_from_slice(&[hook, 0]);
        NflogRepr {
            family,
            version: 0,
            res_id: 0,
            tlvs: vec![(tlv::PACKET_HDR, hdr), (tlv::PAYLOAD, packet.to_vec())],
        }
    }

    pub fn parse(v: &NflogView) -> Self {
        NflogRepr {
            family: v.family(),
            version: v.version(),
            res_id: v.res_id(),
            tlvs: v.tlvs().map(|t| (t.typ, t.value.to_vec())).collect(),
        }
    }

    /// Append the record to `buf`. Values longer than 65531 bytes are cut
    /// to fit the 16-bit length.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.push(self.family);
        buf.push(self.version);
        buf.extend_from_slice(&self.res_id.to_be_bytes());
        for (typ, value) in &self.tlvs {
            let value = value.get(..0xfffb).unwrap_or(value);
            let len = value.len() + 4;
            buf.extend_from_slice(&(len as u16).to_le_bytes());
            buf.extend_from_slice(&(typ & tlv::TYPE_MASK).to_le_bytes());
            buf.extend_from_slice(value);
            buf.resize(buf.len() + ((4 - len % 4) % 4), 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, values};
    use proptest::prelude::*;

    /// Frame 1 of tcpdump__nflog.pcap: family IPv4, resource id 20, nine
    /// attributes, the last the payload (an IPv4/UDP DNS response).
    const NFLOG_DNS: [u8; 180] = [
        0x02, 0x00, 0x00, 0x14, 0x08, 0x00, 0x01, 0x00, 0x08, 0x00, 0x01, 0x27, 0x05, 0x00, 0x0a,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x02, 0x10, 0x00,
        0x08, 0x00, 0x00, 0x06, 0xff, 0xff, 0xb8, 0xa3, 0x86, 0xb9, 0xc3, 0xd6, 0x00, 0x00, 0x06,
        0x00, 0x0f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x06, 0x00, 0x11, 0x00, 0x00, 0x0e, 0x00, 0x00,
        0x12, 0x00, 0x10, 0x00, 0x08, 0x11, 0x96, 0x1c, 0x10, 0xc8, 0xb8, 0xa3, 0x86, 0xb9, 0xc3,
        0xd6, 0x08, 0x00, 0x00, 0x00, 0x14, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x52, 0x2a,
        0x1f, 0x9e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x60, 0xfc, 0x4d, 0x00, 0x09, 0x00, 0x45,
        0x00, 0x00, 0x49, 0x00, 0x00, 0x40, 0x00, 0x37, 0x11, 0xc5, 0x14, 0x4a, 0x52, 0x2a, 0x2a,
        0x0a, 0x00, 0x00, 0x14, 0x00, 0x35, 0xa6, 0x59, 0x00, 0x35, 0x6d, 0xdf, 0x43, 0x71, 0x81,
        0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70,
        0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x01,
        0x00, 0x01, 0x00, 0x00, 0x2f, 0x96, 0x00, 0x04, 0x5d, 0xb8, 0xd8, 0x77, 0x00, 0x00, 0x00,
    ];

    /// zeek__nflog-bad-tlv-len.pcap: an attribute of length 256 in 8 bytes.
    const BAD_TLV_LEN: [u8; 12] = [
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    fn fields(v: &NflogView, f: Field) -> String {
        values(FIELDS[f as usize].kind, |out| v.field(f, out)).join(",")
    }

    #[test]
    fn reads_a_real_record_as_tshark() {
        let v = NflogView::new(&NFLOG_DNS).unwrap();
        // Values as tshark -T fields prints them for this frame.
        assert_eq!(fields(&v, Field::Family), "2");
        assert_eq!(fields(&v, Field::Version), "0");
        assert_eq!(fields(&v, Field::ResId), "20");
        assert_eq!(fields(&v, Field::TlvLength), "8,5,8,16,6,6,18,20,77");
        assert_eq!(fields(&v, Field::TlvType), "1,10,4,8,15,17,16,3,9");
        assert_eq!(fields(&v, Field::Protocol), "0x0800");
        assert_eq!(fields(&v, Field::Hook), "1");
        assert_eq!(fields(&v, Field::IfindexIndev), "2");
        assert_eq!(fields(&v, Field::IfindexOutdev), "");
        assert_eq!(fields(&v, Field::Prefix), "");
        assert_eq!(
            fields(&v, Field::TlvValue),
            "0006ffffb8a386b9c3d60000,0001,000e,0811961c10c8b8a386b9c3d60800"
        );
        // tshark prints local time here; we print the same instant as epoch.
        assert_eq!(fields(&v, Field::Timestamp), "1378492318.614652000");
        assert!(fields(&v, Field::Tlv).starts_with("0800010008000127,05000a0000,"));
        assert_eq!(v.next_layer(), NextLayer::EtherType(0x0800));
        assert_eq!(v.header_len(), 104);
        let p = v.payload();
        assert_eq!(p.len(), 73);
        assert_eq!(&p[..2], &[0x45, 0x00]);
        assert_eq!(v.hook(), Some(1));
        assert_eq!(v.prefix(), Some(&b""[..]));
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Linux Netfilter NFLOG");
        // Each attribute's range covers its header and value.
        let ranges: Vec<_> = v.tlvs().map(|t| t.range()).collect();
        assert_eq!(ranges[0], 4..12);
        assert_eq!(ranges[1], 12..17);
        assert_eq!(ranges[8], 100..177);
    }

    #[test]
    fn bad_length_stops_the_walk() {
        let v = NflogView::new(&BAD_TLV_LEN).unwrap();
        assert_eq!(fields(&v, Field::Family), "2");
        assert_eq!(fields(&v, Field::TlvLength), "");
        assert_eq!(v.tlvs().count(), 0);
        assert_eq!(v.next_layer(), NextLayer::Done);
        assert!(v.payload().is_empty());
        assert_eq!(v.header_len(), 12);
        // A length below 4 stops too (and never loops).
        let b = [2, 0, 0, 0, 2, 0, 1, 0, 8, 0, 9, 0, 0, 0, 0, 0];
        assert_eq!(NflogView::new(&b).unwrap().tlvs().count(), 0);
        assert!(NflogView::new(&b[..3]).is_err());
    }

    #[test]
    fn dispatch_as_tshark() {
        let ip = [0x45u8, 0, 0, 20];
        // Checked with tshark 4.0 on crafted records.
        let cases: &[(u8, Option<u16>, NextLayer)] = &[
            (2, Some(0x0800), NextLayer::EtherType(0x0800)),
            (7, Some(0x0800), NextLayer::EtherType(0x0800)),
            (0, Some(0x0806), NextLayer::EtherType(0x0806)),
            (2, Some(0), NextLayer::Ipv4),
            (2, None, NextLayer::Ipv4),
            (10, None, NextLayer::Ipv6),
            (7, None, NextLayer::Data),
        ];
        for &(fam, hw, next) in cases {
            let mut r = NflogRepr::new(fam, hw.unwrap_or(0), 3, &ip);
            if hw.is_none() {
                r.tlvs.remove(0);
            }
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let v = NflogView::new(&buf).unwrap();
            assert_eq!(v.next_layer(), next, "family {fam} hw {hw:?}");
            assert_eq!(v.payload(), &ip);
        }
    }

    #[test]
    fn typed_values() {
        let r = NflogRepr {
            family: 2,
            version: 0,
            res_id: 7,
            tlvs: vec![
                (tlv::PREFIX, b"abc\0".to_vec()),
                (tlv::UID, (-5i32).to_be_bytes().to_vec()),
                (tlv::GID, 1000i32.to_be_bytes().to_vec()),
                (tlv::IFINDEX_OUTDEV, 7u32.to_be_bytes().to_vec()),
                (tlv::MARK, 9u32.to_be_bytes().to_vec()),
                (tlv::PACKET_HDR, vec![0x08, 0x00]),
            ],
        };
        let mut buf = Vec::new();
        r.emit(&mut buf);
        let v = NflogView::new(&buf).unwrap();
        assert_eq!(fields(&v, Field::Prefix), "abc");
        assert_eq!(fields(&v, Field::Uid), "-5");
        assert_eq!(fields(&v, Field::Gid), "1000");
        assert_eq!(fields(&v, Field::IfindexOutdev), "7");
        // A short packet header is shown as a plain value, as tshark does.
        assert_eq!(fields(&v, Field::TlvValue), "00000009,0800");
        assert_eq!(fields(&v, Field::Protocol), "");
        assert_eq!(v.next_layer(), NextLayer::Done);
    }

    proptest! {
        #[test]
        fn round_trip(family: u8, version: u8, res_id: u16,
                      tlvs in proptest::collection::vec(
                          (0u16..0x8000, proptest::collection::vec(any::<u8>(), 0..24)), 0..6)) {
            let r = NflogRepr { family, version, res_id, tlvs };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            prop_assert_eq!(buf.len() % 4, 0);
            let v = NflogView::new(&buf).unwrap();
            prop_assert_eq!(NflogRepr::parse(&v), r);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(v) = NflogView::new(&bytes) {
                assert_ranges_within(FIELDS, bytes.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                assert!(v.header_len() <= bytes.len());
                let _ = (v.next_layer(), v.payload(), v.rest());
            }
        }
    }
}
