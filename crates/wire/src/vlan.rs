//! One IEEE 802.1Q VLAN tag or IEEE 802.1ad service tag.
//!
//! The view starts after the tag protocol identifier (TPID) that announced it
//! (EtherType 0x8100, 0x88a8 or the pre-standard 0x9100): two bytes of tag
//! control information (priority, drop eligibility, VLAN id), then the inner
//! type, which like Ethernet's is an EtherType when at least 0x0600 and an
//! 802.3 length (an LLC header follows) when at most 1500.
//!
//! tshark 4.0 names a 0x8100 (and 0x9100) tag `vlan` and a 0x88a8 tag
//! `ieee8021ad`, whose inner type and trailer fields belong to the 802.1ah
//! dissector (`ieee8021ah.etype`, `ieee8021ah.trailer`). Both sets are
//! declared here; the view emits the set its TPID calls for.

use crate::bytes::{be16, tail};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::fmt::Write as _;

/// Byte ranges of the tag's fields (after the TPID).
mod at {
    use std::ops::Range;
    pub const TCI: Range<usize> = 0..2;
    pub const TYPE: Range<usize> = 2..4;
    pub const HEADER_LEN: usize = 4;
}

/// Tag protocol identifiers.
pub mod tpid {
    /// IEEE 802.1Q customer tag.
    pub const DOT1Q: u16 = 0x8100;
    /// IEEE 802.1ad service tag (QinQ outer tag).
    pub const DOT1AD: u16 = 0x88a8;
    /// Pre-standard stacked tag; tshark dissects it as 802.1Q.
    pub const QINQ_OLD: u16 = 0x9100;
}

field_table! {
    Priority: "vlan.priority", "Priority", Kind::Dec;
    Dei: "vlan.dei", "DEI", Kind::Bool;
    Id: "vlan.id", "ID", Kind::Dec;
    Etype: "vlan.etype", "Type", Kind::Hex(4);
    Len: "vlan.len", "Length", Kind::Dec;
    Trailer: "vlan.trailer", "Trailer", Kind::Bytes;
    AdPriority: "ieee8021ad.priority", "Priority", Kind::Dec;
    AdDei: "ieee8021ad.dei", "DEI", Kind::Dec;
    AdId: "ieee8021ad.id", "ID", Kind::Dec;
    AhEtype: "ieee8021ah.etype", "Type", Kind::Hex(4);
    AhTrailer: "ieee8021ah.trailer", "Trailer", Kind::Bytes;
}

/// A view over one VLAN tag (after its TPID) and what follows it.
#[derive(Clone, Copy, Debug)]
pub struct VlanView<'a> {
    bytes: &'a [u8],
    tpid: u16,
    /// Bytes at the end of the view that the upper layer did not use (set
    /// by the dissector; tshark shows them as the tag's trailer).
    trailer: usize,
}

impl<'a> VlanView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes` (which must hold the 4-byte tag), announced by
    /// the EtherType `tpid`.
    pub fn new(bytes: &'a [u8], tpid: u16) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(VlanView {
            bytes,
            tpid,
            trailer: 0,
        })
    }

    /// The TPID this tag was announced with.
    pub fn tpid(&self) -> u16 {
        self.tpid
    }

    /// An 802.1ad service tag (tshark's `ieee8021ad`) rather than 802.1Q.
    pub fn is_service_tag(&self) -> bool {
        self.tpid == tpid::DOT1AD
    }

    /// The tag control information: priority, DEI and id together.
    pub fn tci(&self) -> u16 {
        be16(self.bytes, at::TCI.start).unwrap_or(0)
    }

    /// Priority code point (802.1p class of service), 0..=7.
    pub fn pcp(&self) -> u8 {
        (self.tci() >> 13) as u8
    }

    /// Drop eligible indicator (the former CFI bit).
    pub fn dei(&self) -> bool {
        self.tci() & 0x1000 != 0
    }

    /// The 12-bit VLAN identifier.
    pub fn id(&self) -> u16 {
        self.tci() & 0x0fff
    }

    /// The raw inner type/length field.
    pub fn type_or_len(&self) -> u16 {
        be16(self.bytes, at::TYPE.start).unwrap_or(0)
    }

    /// The inner EtherType, or `None` when the field is an 802.3 length
    /// (then an LLC header follows).
    pub fn ethertype(&self) -> Option<u16> {
        let t = self.type_or_len();
        (t >= 0x0600).then_some(t)
    }

    pub fn header_len(&self) -> usize {
        at::HEADER_LEN
    }

    /// Everything after the tag; for an 802.3 length, clamped to it.
    pub fn payload(&self) -> &'a [u8] {
        let p = tail(self.bytes, at::HEADER_LEN);
        match self.ethertype() {
            Some(_) => p,
            None => p.get(..usize::from(self.type_or_len())).unwrap_or(p),
        }
    }

    /// Record that the last `n` bytes of the view are a trailer (bytes after
    /// what the upper layer says it used and after any Ethernet padding).
    pub fn set_trailer(&mut self, n: usize) {
        self.trailer = n.min(self.bytes.len().saturating_sub(at::HEADER_LEN));
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let ad = self.is_service_tag();
        let tci = self.tci();
        let pcp = Value::UInt(u64::from(tci >> 13));
        let id = Value::UInt(u64::from(tci & 0x0fff));
        let dei = tci & 0x1000 != 0;
        match f {
            Field::Priority if !ad => out.value(pcp, at::TCI),
            Field::Dei if !ad => out.value(Value::Bool(dei), at::TCI),
            Field::Id if !ad => out.value(id, at::TCI),
            Field::Etype if !ad => {
                if let Some(t) = self.ethertype() {
                    out.value(Value::UInt(t.into()), at::TYPE)
                }
            }
            Field::Len if !ad && self.ethertype().is_none() => {
                out.value(Value::UInt(self.type_or_len().into()), at::TYPE)
            }
            Field::Trailer if !ad => self.emit_trailer(out),
            Field::AdPriority if ad => out.value(pcp, at::TCI),
            Field::AdDei if ad => out.value(Value::UInt(u64::from(dei)), at::TCI),
            Field::AdId if ad => out.value(id, at::TCI),
            Field::AhEtype if ad => out.value(Value::UInt(self.type_or_len().into()), at::TYPE),
            Field::AhTrailer if ad => self.emit_trailer(out),
            _ => {}
        }
    }

    fn emit_trailer(&self, out: &mut dyn FieldSink<'a>) {
        if self.trailer > 0 {
            let start = self.bytes.len().saturating_sub(self.trailer);
            out.value(
                Value::Bytes(tail(self.bytes, start)),
                start..self.bytes.len(),
            )
        }
    }

    /// `802.1Q Virtual LAN, PRI: 5, DEI: 1, ID: 666` or `IEEE 802.1ad, ID: 30`.
    pub fn title(&self, out: &mut String) {
        if self.is_service_tag() {
            let _ = write!(out, "IEEE 802.1ad, ID: {}", self.id());
        } else {
            let _ = write!(
                out,
                "802.1Q Virtual LAN, PRI: {}, DEI: {}, ID: {}",
                self.pcp(),
                u8::from(self.dei()),
                self.id()
            );
        }
    }
}

/// The plain values of a VLAN tag, for building frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VlanRepr {
    /// Priority code point, 0..=7 (higher bits are dropped).
    pub pcp: u8,
    pub dei: bool,
    /// VLAN id, 0..=4095 (higher bits are dropped).
    pub id: u16,
    /// Inner EtherType (>= 0x0600) or 802.3 length.
    pub ethertype: u16,
}

impl VlanRepr {
    pub fn parse(v: &VlanView) -> Self {
        VlanRepr {
            pcp: v.pcp(),
            dei: v.dei(),
            id: v.id(),
            ethertype: v.type_or_len(),
        }
    }

    /// Append the 4-byte tag (without the TPID) to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let tci =
            (u16::from(self.pcp & 7) << 13) | (u16::from(self.dei) << 12) | (self.id & 0x0fff);
        buf.extend_from_slice(&tci.to_be_bytes());
        buf.extend_from_slice(&self.ethertype.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, values};
    use proptest::prelude::*;

    fn collect(v: &VlanView, f: Field) -> Vec<String> {
        values(FIELDS[f as usize].kind, |out| v.field(f, out))
    }

    /// pcpp ArpRequestWithVlan.pcap frame 1: two 802.1Q tags, the bytes
    /// after the outer TPID (the outer tag, the inner TPID, the inner tag).
    const DOUBLE_TAG: [u8; 8] = [0xb2, 0x9a, 0x81, 0x00, 0x40, 0xc8, 0x08, 0x06];

    #[test]
    fn reads_real_stacked_tags() {
        let outer = VlanView::new(&DOUBLE_TAG, tpid::DOT1Q).unwrap();
        assert_eq!((outer.pcp(), outer.dei(), outer.id()), (5, true, 666));
        assert_eq!(outer.ethertype(), Some(tpid::DOT1Q));
        let mut t = String::new();
        outer.title(&mut t);
        assert_eq!(t, "802.1Q Virtual LAN, PRI: 5, DEI: 1, ID: 666");
        assert_eq!(collect(&outer, Field::Etype), ["0x8100"]);
        assert_eq!(collect(&outer, Field::Dei), ["1"]);
        assert!(collect(&outer, Field::AdId).is_empty());

        let inner = VlanView::new(outer.payload(), tpid::DOT1Q).unwrap();
        assert_eq!((inner.pcp(), inner.dei(), inner.id()), (2, false, 200));
        assert_eq!(inner.ethertype(), Some(0x0806));
        assert!(inner.payload().is_empty());
    }

    /// pcpp QinQ_802.1_AD.pcapng frame 1 (bytes 14..22): an 802.1ad tag
    /// (id 30) then an 802.1Q tag (id 100) carrying IPv4.
    const QINQ: [u8; 10] = [0x00, 0x1e, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00, 0x45, 0x00];

    #[test]
    fn service_tag_uses_ieee8021ad_names() {
        let v = VlanView::new(&QINQ, tpid::DOT1AD).unwrap();
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "IEEE 802.1ad, ID: 30");
        assert_eq!(collect(&v, Field::AdId), ["30"]);
        assert_eq!(collect(&v, Field::AdDei), ["0"]);
        assert_eq!(collect(&v, Field::AhEtype), ["0x8100"]);
        assert!(collect(&v, Field::Id).is_empty());
        assert!(collect(&v, Field::Etype).is_empty());
        let inner = VlanView::new(v.payload(), tpid::DOT1Q).unwrap();
        let mut t = String::new();
        inner.title(&mut t);
        assert_eq!(t, "802.1Q Virtual LAN, PRI: 0, DEI: 0, ID: 100");
        assert_eq!(inner.ethertype(), Some(0x0800));
    }

    /// pcpp llc_vlan.pcap frame 1 (bytes 14..24): a tag whose inner field is
    /// an 802.3 length (357), followed by an LLC/SNAP header (CDP).
    const LLC_VLAN: [u8; 10] = [0xa0, 0x76, 0x01, 0x65, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c];

    #[test]
    fn length_field_and_clamped_payload() {
        let v = VlanView::new(&LLC_VLAN, tpid::DOT1Q).unwrap();
        assert_eq!(v.ethertype(), None);
        assert_eq!(collect(&v, Field::Len), ["357"]);
        assert!(collect(&v, Field::Etype).is_empty());
        assert_eq!(collect(&v, Field::Priority), ["5"]);
        assert_eq!(v.payload().len(), 6);
        // A length shorter than what is there clamps the payload.
        let mut b = LLC_VLAN;
        b[2..4].copy_from_slice(&3u16.to_be_bytes());
        let v = VlanView::new(&b, tpid::DOT1Q).unwrap();
        assert_eq!(v.payload(), &[0xaa, 0xaa, 0x03]);
    }

    #[test]
    fn trailer_is_named_per_tpid() {
        // tcpdump arp-too-long-tha.pcap: an 802.1ad tag whose ARP leaves 2
        // bytes unused, shown as ieee8021ah.trailer "3030".
        let b = [0x30, 0x30, 0x08, 0x06, 0x00, 0x01, 0x30, 0x30];
        let mut v = VlanView::new(&b, tpid::DOT1AD).unwrap();
        v.set_trailer(2);
        assert_eq!(collect(&v, Field::AhTrailer), ["3030"]);
        assert!(collect(&v, Field::Trailer).is_empty());
        let mut v = VlanView::new(&b, tpid::QINQ_OLD).unwrap();
        v.set_trailer(99);
        assert_eq!(collect(&v, Field::Trailer), ["00013030"]);
    }

    #[test]
    fn short_input_is_an_error() {
        assert!(VlanView::new(&QINQ[..3], tpid::DOT1Q).is_err());
    }

    proptest! {
        #[test]
        fn build_then_parse(pcp in 0u8..8, dei: bool, id in 0u16..4096, ethertype: u16,
                            payload in proptest::collection::vec(any::<u8>(), 0..32)) {
            let r = VlanRepr { pcp, dei, id, ethertype };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&payload);
            let v = VlanView::new(&buf, tpid::DOT1Q).unwrap();
            prop_assert_eq!(VlanRepr::parse(&v), r);
            // etherparse reads the same tag.
            let (e, _) = etherparse::SingleVlanHeader::from_slice(&buf).unwrap();
            prop_assert_eq!(e.pcp.value(), pcp);
            prop_assert_eq!(e.drop_eligible_indicator, dei);
            prop_assert_eq!(e.vlan_id.value(), id);
            prop_assert_eq!(e.ether_type.0, ethertype);
        }

        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..16), tpid: u16, n: usize) {
            if let Ok(mut v) = VlanView::new(&b, tpid) {
                v.set_trailer(n);
                assert_ranges_within(FIELDS, b.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                let _ = v.payload();
                v.title(&mut String::new());
            }
        }
    }
}
