//! IEEE 802.1ah Provider Backbone Bridges (mac-in-mac), EtherType 0x88e7.
//!
//! The I-TAG: a 32-bit TCI (3 bits of priority, the drop eligible bit, the
//! use-customer-addresses bit, 3 reserved bits and the 24-bit service
//! instance id, I-SID), then the customer's destination and source MAC
//! addresses and the customer frame's EtherType. tshark shows the customer
//! addresses as `ieee8021ah.cdst`/`csrc` (not as an `eth` layer) and
//! dispatches on the EtherType, so a customer VLAN tag follows as a `vlan`
//! layer. Bytes the upper layer leaves over are `ieee8021ah.trailer`.
//!
//! `ieee8021ah.etype` and `ieee8021ah.trailer` are declared in the VLAN
//! table (tshark's 802.1ad dissector borrows them, and registry names are
//! unique), so this layer does not emit them; [`PbbView::ethertype`] and
//! [`PbbView::trailer`] give their values.

use crate::bytes::{array, be16, be32, tail};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::fmt::Write as _;

/// Byte ranges of the I-TAG's fields.
mod at {
    use std::ops::Range;
    pub const TCI: Range<usize> = 0..4;
    pub const CDST: Range<usize> = 4..10;
    pub const CSRC: Range<usize> = 10..16;
    pub const TYPE: Range<usize> = 16..18;
    pub const HEADER_LEN: usize = 18;
}

/// The EtherType of an I-TAG.
pub const ETHERTYPE: u16 = 0x88e7;

field_table! {
    Priority: "ieee8021ah.priority", "Priority", Kind::Dec;
    Drop: "ieee8021ah.drop", "DROP", Kind::Dec;
    Nca: "ieee8021ah.nca", "NCA", Kind::Dec;
    Res1: "ieee8021ah.res1", "RES1", Kind::Dec;
    Res2: "ieee8021ah.res2", "RES2", Kind::Dec;
    Isid: "ieee8021ah.isid", "I-SID", Kind::Dec;
    Cdst: "ieee8021ah.cdst", "C-Destination", Kind::Ether;
    Csrc: "ieee8021ah.csrc", "C-Source", Kind::Ether;
    // Shared with the 802.1ad tag (vlan.rs), as in tshark.
    Etype: "ieee8021ah.etype", "Type", Kind::Hex(4);
    Trailer: "ieee8021ah.trailer", "Trailer", Kind::Bytes;
}

/// A view over an I-TAG and the customer frame's payload.
#[derive(Clone, Copy, Debug)]
pub struct PbbView<'a> {
    bytes: &'a [u8],
    /// Bytes at the end the upper layer did not use (set by the dissector).
    trailer: usize,
}

impl<'a> PbbView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold the 18-byte I-TAG.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(PbbView { bytes, trailer: 0 })
    }

    /// The 32-bit I-TAG TCI.
    pub fn tci(&self) -> u32 {
        be32(self.bytes, at::TCI.start).unwrap_or(0)
    }

    /// Priority code point (3 bits).
    pub fn priority(&self) -> u8 {
        (self.tci() >> 29) as u8
    }

    /// Drop eligible.
    pub fn drop_eligible(&self) -> bool {
        self.tci() & 0x1000_0000 != 0
    }

    /// "No customer addresses" / use-customer-addresses bit.
    pub fn nca(&self) -> bool {
        self.tci() & 0x0800_0000 != 0
    }

    /// The service instance id (24 bits).
    pub fn isid(&self) -> u32 {
        self.tci() & 0x00ff_ffff
    }

    pub fn customer_dst(&self) -> [u8; 6] {
        array(self.bytes, at::CDST.start).unwrap_or_default()
    }

    pub fn customer_src(&self) -> [u8; 6] {
        array(self.bytes, at::CSRC.start).unwrap_or_default()
    }

    /// The customer frame's EtherType.
    pub fn ethertype(&self) -> u16 {
        be16(self.bytes, at::TYPE.start).unwrap_or(0)
    }

    pub fn header_len(&self) -> usize {
        at::HEADER_LEN
    }

    /// The customer frame's payload.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, at::HEADER_LEN)
    }

    /// Dispatch on the customer EtherType (as tshark does: no `eth` layer
    /// for the customer addresses).
    pub fn next_layer(&self) -> NextLayer {
        NextLayer::EtherType(self.ethertype())
    }

    /// Record that the last `n` bytes are a trailer the upper layer left.
    pub fn set_trailer(&mut self, n: usize) {
        self.trailer = n.min(self.payload().len());
    }

    /// The trailer recorded by [`Self::set_trailer`] (tshark's
    /// `ieee8021ah.trailer`), with its offset from the layer start.
    pub fn trailer(&self) -> Option<(&'a [u8], usize)> {
        let start = self.bytes.len().saturating_sub(self.trailer);
        (self.trailer > 0).then(|| (tail(self.bytes, start), start))
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let tci = u64::from(self.tci());
        let uint = |v: u64| Value::UInt(v);
        match f {
            Field::Priority => out.value(uint(tci >> 29), at::TCI),
            Field::Drop => out.value(uint((tci >> 28) & 1), at::TCI),
            Field::Nca => out.value(uint((tci >> 27) & 1), at::TCI),
            Field::Res1 => out.value(uint((tci >> 26) & 1), at::TCI),
            Field::Res2 => out.value(uint((tci >> 24) & 3), at::TCI),
            Field::Isid => out.value(uint(tci & 0x00ff_ffff), at::TCI),
            Field::Cdst => out.value(Value::Ether(self.customer_dst()), at::CDST),
            Field::Csrc => out.value(Value::Ether(self.customer_src()), at::CSRC),
            Field::Etype => out.value(uint(self.ethertype().into()), at::TYPE),
            Field::Trailer => {
                if let Some((t, start)) = self.trailer() {
                    out.value(Value::Bytes(t), start..start + t.len())
                }
            }
        }
    }

    /// `IEEE 802.1ah, I-SID: 2014000, C-Src: 00:1c:eb:af:52:01, C-Dst: 01:1c:eb:af:50:00`.
    pub fn title(&self, out: &mut String) {
        let _ = write!(out, "IEEE 802.1ah, I-SID: {}, C-Src: ", self.isid());
        crate::field::write_mac(out, self.customer_src());
        out.push_str(", C-Dst: ");
        crate::field::write_mac(out, self.customer_dst());
    }
}

/// The plain values of an I-TAG, for building frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PbbRepr {
    /// The whole 32-bit TCI (priority, DEI, NCA, reserved bits, I-SID).
    pub tci: u32,
    pub customer_dst: [u8; 6],
    pub customer_src: [u8; 6],
    pub ethertype: u16,
}

impl PbbRepr {
    /// An I-TAG for service `isid` (24 bits) with priority 0.
    pub fn new(isid: u32, dst: [u8; 6], src: [u8; 6], ethertype: u16) -> Self {
        PbbRepr {
            tci: isid & 0x00ff_ffff,
            customer_dst: dst,
            customer_src: src,
            ethertype,
        }
    }

    pub fn parse(v: &PbbView) -> Self {
        PbbRepr {
            tci: v.tci(),
            customer_dst: v.customer_dst(),
            customer_src: v.customer_src(),
            ethertype: v.ethertype(),
        }
    }

    /// Append the 18-byte I-TAG.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.tci.to_be_bytes());
        buf.extend_from_slice(&self.customer_dst);
        buf.extend_from_slice(&self.customer_src);
        buf.extend_from_slice(&self.ethertype.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::each_field_text;
    use proptest::prelude::*;

    fn all<'a>(v: &PbbView<'a>) -> Vec<String> {
        each_field_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// zeek pbb.pcap frame 1, from byte 18 (after Ethernet and the
    /// backbone VLAN tag): I-SID 2014000, customer type 0x8102 (BOFL).
    const BOFL: [u8; 22] = [
        0x00, 0x1e, 0xbb, 0x30, 0x01, 0x1c, 0xeb, 0xaf, 0x50, 0x00, 0x00, 0x1c, 0xeb, 0xaf, 0x52,
        0x01, 0x81, 0x02, 0x01, 0x00, 0x0f, 0xa0,
    ];
    /// zeek pbb.pcap frame 5, from byte 18: a customer VLAN tag follows.
    const CVLAN: [u8; 24] = [
        0x00, 0x1e, 0xbb, 0x44, 0x10, 0x60, 0x4b, 0x7d, 0xba, 0x75, 0x10, 0x60, 0x4b, 0x7f, 0x2d,
        0x27, 0x81, 0x00, 0x0f, 0xb4, 0x08, 0x00, 0x45, 0x00,
    ];

    #[test]
    fn itag_as_tshark_shows_it() {
        let v = PbbView::new(&BOFL).unwrap();
        assert_eq!(
            all(&v),
            [
                "ieee8021ah.priority=0",
                "ieee8021ah.drop=0",
                "ieee8021ah.nca=0",
                "ieee8021ah.res1=0",
                "ieee8021ah.res2=0",
                "ieee8021ah.isid=2014000",
                "ieee8021ah.cdst=01:1c:eb:af:50:00",
                "ieee8021ah.csrc=00:1c:eb:af:52:01",
                "ieee8021ah.etype=0x8102",
            ]
        );
        assert_eq!(v.next_layer(), NextLayer::EtherType(0x8102));
        assert_eq!(v.payload(), &BOFL[18..]);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "IEEE 802.1ah, I-SID: 2014000, C-Src: 00:1c:eb:af:52:01, C-Dst: 01:1c:eb:af:50:00"
        );
        let v = PbbView::new(&CVLAN).unwrap();
        assert_eq!(v.isid(), 2014020);
        assert_eq!(v.next_layer(), NextLayer::EtherType(0x8100));
    }

    #[test]
    fn trailer_and_bits() {
        let mut v = PbbView::new(&BOFL).unwrap();
        assert_eq!(v.trailer(), None);
        v.set_trailer(2);
        assert_eq!(v.trailer(), Some((&[0x0f, 0xa0][..], 20)));
        v.set_trailer(100);
        assert_eq!(v.trailer(), Some((&BOFL[18..], 18)));
        let mut b = BOFL;
        b[0] = 0xff;
        let v = PbbView::new(&b).unwrap();
        assert_eq!((v.priority(), v.drop_eligible(), v.nca()), (7, true, true));
        assert!(all(&v).contains(&"ieee8021ah.res2=3".to_string()));
        assert!(PbbView::new(&BOFL[..17]).is_err());
    }

    proptest! {
        #[test]
        fn build_then_parse(tci: u32, customer_dst: [u8; 6], customer_src: [u8; 6], ethertype: u16,
                            payload in proptest::collection::vec(any::<u8>(), 0..32)) {
            let r = PbbRepr { tci, customer_dst, customer_src, ethertype };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&payload);
            let v = PbbView::new(&buf).unwrap();
            prop_assert_eq!(PbbRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &payload[..]);
            // The customer part reads like an Ethernet header to etherparse.
            let (e, _) = etherparse::Ethernet2Header::from_slice(&buf[4..]).unwrap();
            prop_assert_eq!(e.destination, customer_dst);
            prop_assert_eq!(e.source, customer_src);
            prop_assert_eq!(e.ether_type.0, ethertype);
        }
    }
}
