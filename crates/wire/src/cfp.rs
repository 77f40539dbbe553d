//! Cisco FabricPath (MAC-in-MAC), found by tshark's heuristic on Ethernet.
//!
//! The frame starts with a 16-byte header in place of the Ethernet header:
//! the outer destination and source hierarchical MAC addresses (each: end
//! node id bits, U/L, I/G, OOO/DL, a 12-bit switch id, an 8-bit sub-switch
//! id and a 16-bit local id; a destination with the I/G bit set is a plain
//! multicast MAC address), EtherType 0x8903 and a 16-bit FTag (10 bits) /
//! TTL (6 bits). With an 802.1ad or 802.1Q tag before the 0x8903 the header
//! is 20 bytes. The inner Ethernet frame follows, without FCS; the last 4
//! bytes of the frame are FabricPath's own FCS.
//!
//! tshark 4.0 tries this before reading any Ethernet header
//! ([`header_len_of`] is its test), so the frame shows `eth:cfp:eth` with
//! no fields from the outer `eth`. It does not check the FCS by default
//! (`cfp.fcs.status` 2), and always shows `cfp.eid` as 0 (it masks a value
//! it already shifted).

use crate::bytes::{array, be16, be32, tail};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::fmt::Write as _;
use std::ops::Range;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const DST: Range<usize> = 0..6;
    pub const SRC: Range<usize> = 6..12;
    pub const TYPE: Range<usize> = 12..14;
    pub const HEADER_LEN: usize = 16;
    pub const HEADER_WITH_TAG_LEN: usize = 20;
    pub const FCS_LEN: usize = 4;
}

/// Length of the FCS that ends a FabricPath frame.
pub const FCS_LEN: usize = at::FCS_LEN;

/// The EtherType FabricPath uses (Cisco DCE).
pub const ETHERTYPE_DCE: u16 = 0x8903;

field_table! {
    DHmacMc: "cfp.d_hmac_mc", "MC Destination", Kind::Ether;
    DHmac: "cfp.d_hmac", "Destination HMAC", Kind::None;
    SHmac: "cfp.s_hmac", "Source HMAC", Kind::None;
    Eid: "cfp.eid", "End Node ID", Kind::Dec;
    Ul: "cfp.ul", "U/L bit", Kind::Bool;
    Ig: "cfp.ig", "I/G bit", Kind::Bool;
    Ooodl: "cfp.ooodl", "OOO/DL Bit", Kind::Bool;
    Swid: "cfp.swid", "switch-id", Kind::Dec;
    Sswid: "cfp.sswid", "sub-switch-id", Kind::Dec;
    Lid: "cfp.lid", "Source LID", Kind::Dec;
    Etype: "cfp.etype", "FP Ethertype", Kind::Hex(4);
    AdEtype: "cfp.1ad.etype", "IEEE 802.1ad Ethertype", Kind::Hex(4);
    AdPriority: "cfp.1ad.priority", "Priority", Kind::Dec;
    AdDei: "cfp.1ad.dei", "DEI", Kind::Dec;
    AdId: "cfp.1ad.id", "ID", Kind::Dec;
    Ftag: "cfp.ftag", "FTAG", Kind::Dec;
    Ttl: "cfp.ttl", "TTL", Kind::Dec;
    Fcs: "cfp.fcs", "Frame check sequence", Kind::Hex(8);
    FcsStatus: "cfp.fcs.status", "FCS status", Kind::Dec;
}

/// tshark's heuristic: the FabricPath header's length when `frame` (from
/// its first byte, where an Ethernet header would be) is FabricPath:
/// EtherType 0x8903 at bytes 12..14 (16 bytes), or 0x8100/0x88a8 there and
/// 0x8903 at bytes 16..18 (20 bytes).
pub fn header_len_of(frame: &[u8]) -> Option<usize> {
    match be16(frame, at::TYPE.start)? {
        ETHERTYPE_DCE => Some(at::HEADER_LEN),
        0x8100 | 0x88a8 if be16(frame, 16) == Some(ETHERTYPE_DCE) => Some(at::HEADER_WITH_TAG_LEN),
        _ => None,
    }
}

/// A hierarchical MAC address's parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hmac {
    /// Switch id (12 bits).
    pub switch_id: u16,
    pub sub_switch_id: u8,
    /// Local id (port index).
    pub local_id: u16,
    /// U/L: locally administered.
    pub local: bool,
    /// I/G: a group address.
    pub group: bool,
    /// Out of order delivery (destination) / do not learn (source).
    pub ooo_dl: bool,
}

impl Hmac {
    fn from_bytes(b: [u8; 6]) -> Self {
        let [b0, b1, b2, b3, b4, b5] = b;
        Hmac {
            switch_id: u16::from(b1 & 0x0f) << 8 | u16::from(b2),
            sub_switch_id: b3,
            local_id: u16::from_be_bytes([b4, b5]),
            local: b0 & 0x02 != 0,
            group: b0 & 0x01 != 0,
            ooo_dl: b1 & 0x10 != 0,
        }
    }

    /// `abc.00.0000`, as tshark writes it.
    pub fn write(&self, out: &mut String) {
        let _ = write!(
            out,
            "{:03x}.{:02x}.{:04x}",
            self.switch_id, self.sub_switch_id, self.local_id
        );
    }
}

/// A view over a FabricPath frame: header, inner Ethernet frame and FCS.
#[derive(Clone, Copy, Debug)]
pub struct CfpView<'a> {
    bytes: &'a [u8],
    header_len: usize,
    /// The frame's length on the wire (the FCS is its last 4 bytes).
    wire_len: usize,
}

impl<'a> CfpView<'a> {
    /// A view over a whole frame that passes [`header_len_of`] and holds
    /// the header it calls for.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        let header_len = header_len_of(bytes).ok_or(Error::Malformed("not a FabricPath header"))?;
        need(bytes, header_len)?;
        Ok(CfpView {
            bytes,
            header_len,
            wire_len: bytes.len(),
        })
    }

    /// Record the frame's length on the wire: when the capture is cut
    /// short, the FCS is not there to show.
    pub fn with_wire_len(mut self, len: usize) -> Self {
        self.wire_len = len;
        self
    }

    /// The outer destination as a MAC address.
    pub fn dst(&self) -> [u8; 6] {
        array(self.bytes, at::DST.start).unwrap_or_default()
    }

    /// The outer source as a MAC address.
    pub fn src(&self) -> [u8; 6] {
        array(self.bytes, at::SRC.start).unwrap_or_default()
    }

    /// Whether the destination is a multicast/broadcast MAC address rather
    /// than a hierarchical one.
    pub fn dst_is_multicast(&self) -> bool {
        self.dst()[0] & 0x01 != 0
    }

    /// The destination's parts (unicast destinations only).
    pub fn dst_hmac(&self) -> Option<Hmac> {
        (!self.dst_is_multicast()).then(|| Hmac::from_bytes(self.dst()))
    }

    pub fn src_hmac(&self) -> Hmac {
        Hmac::from_bytes(self.src())
    }

    /// The 802.1ad/802.1Q tag before the FabricPath EtherType: its
    /// EtherType and TCI.
    pub fn vlan_tag(&self) -> Option<(u16, u16)> {
        if self.header_len != at::HEADER_WITH_TAG_LEN {
            return None;
        }
        Some((be16(self.bytes, 12)?, be16(self.bytes, 14)?))
    }

    fn ftag_ttl_at(&self) -> usize {
        self.header_len - 2
    }

    fn ftag_ttl(&self) -> u16 {
        be16(self.bytes, self.ftag_ttl_at()).unwrap_or(0)
    }

    /// The forwarding tag (10 bits).
    pub fn ftag(&self) -> u16 {
        self.ftag_ttl() >> 6
    }

    /// The remaining hop count (6 bits).
    pub fn ttl(&self) -> u8 {
        (self.ftag_ttl() & 0x3f) as u8
    }

    /// 16 bytes, or 20 with a VLAN tag.
    pub fn header_len(&self) -> usize {
        self.header_len
    }

    /// Where the FCS is, when the whole frame was captured.
    fn fcs_at(&self) -> Option<usize> {
        let at = self.wire_len.checked_sub(at::FCS_LEN)?;
        (self.wire_len <= self.bytes.len()).then_some(at)
    }

    /// The FCS as tshark shows it (big-endian).
    pub fn fcs(&self) -> Option<u32> {
        be32(self.bytes, self.fcs_at()?)
    }

    /// Check the FCS (a CRC-32 over everything before it, sent
    /// little-endian as Ethernet's); `None` when it was not captured.
    pub fn fcs_ok(&self) -> Option<bool> {
        let at = self.fcs_at()?;
        let fcs = u32::from_le_bytes(array(self.bytes, at)?);
        Some(crate::wlan::crc32(self.bytes.get(..at)?) == fcs)
    }

    /// The inner Ethernet frame: after the header, up to the FCS (clamped
    /// to what was captured).
    pub fn payload(&self) -> &'a [u8] {
        let end = self
            .wire_len
            .saturating_sub(at::FCS_LEN)
            .min(self.bytes.len());
        self.bytes.get(self.header_len..end).unwrap_or(&[])
    }

    /// An Ethernet frame without FCS (nothing when it is empty).
    pub fn next_layer(&self) -> NextLayer {
        if self.payload().is_empty() {
            NextLayer::Done
        } else {
            NextLayer::Ethernet
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let uint = Value::UInt;
        let dst = self.dst_hmac().map(|h| (h, at::DST));
        let hmacs = dst.clone().into_iter().chain([(self.src_hmac(), at::SRC)]);
        let sub = |r: &Range<usize>, a: usize, b: usize| r.start + a..r.start + b;
        match f {
            Field::DHmacMc => {
                if self.dst_is_multicast() {
                    out.value(Value::Ether(self.dst()), at::DST)
                }
            }
            Field::DHmac => {
                if dst.is_some() {
                    out.value(Value::Present, at::DST)
                }
            }
            Field::SHmac => out.value(Value::Present, at::SRC),
            Field::Eid => {
                for (_, r) in hmacs {
                    // tshark 4.0 computes the id, then masks it with the
                    // field's 3-byte mask: always 0.
                    out.value(uint(0), sub(&r, 0, 3))
                }
            }
            Field::Ul => hmacs.for_each(|(h, r)| out.value(Value::Bool(h.local), sub(&r, 0, 3))),
            Field::Ig => hmacs.for_each(|(h, r)| out.value(Value::Bool(h.group), sub(&r, 0, 3))),
            Field::Ooodl => {
                hmacs.for_each(|(h, r)| out.value(Value::Bool(h.ooo_dl), sub(&r, 0, 3)))
            }
            Field::Swid => {
                hmacs.for_each(|(h, r)| out.value(uint(h.switch_id.into()), sub(&r, 0, 3)))
            }
            Field::Sswid => {
                hmacs.for_each(|(h, r)| out.value(uint(h.sub_switch_id.into()), sub(&r, 3, 4)))
            }
            Field::Lid => {
                hmacs.for_each(|(h, r)| out.value(uint(h.local_id.into()), sub(&r, 4, 6)))
            }
            Field::Etype => {
                let o = self.ftag_ttl_at() - 2;
                out.value(uint(ETHERTYPE_DCE.into()), o..o + 2)
            }
            Field::AdEtype => {
                if let Some((t, _)) = self.vlan_tag() {
                    out.value(uint(t.into()), 12..14)
                }
            }
            Field::AdPriority => {
                if let Some((_, tci)) = self.vlan_tag() {
                    out.value(uint((tci >> 13).into()), 14..16)
                }
            }
            Field::AdDei => {
                if let Some((_, tci)) = self.vlan_tag() {
                    out.value(uint(((tci >> 12) & 1).into()), 14..16)
                }
            }
            Field::AdId => {
                if let Some((_, tci)) = self.vlan_tag() {
                    out.value(uint((tci & 0x0fff).into()), 14..16)
                }
            }
            Field::Ftag => {
                let o = self.ftag_ttl_at();
                out.value(uint(self.ftag().into()), o..o + 2)
            }
            Field::Ttl => {
                let o = self.ftag_ttl_at();
                out.value(uint(self.ttl().into()), o..o + 2)
            }
            Field::Fcs => {
                if let (Some(fcs), Some(o)) = (self.fcs(), self.fcs_at()) {
                    out.value(uint(fcs.into()), o..o + at::FCS_LEN)
                }
            }
            Field::FcsStatus => {
                if let (Some(_), Some(o)) = (self.fcs(), self.fcs_at()) {
                    // Not checked, as in tshark's default.
                    let st = crate::checksum::Status::Unverified;
                    out.value(uint(st.code()), o..o + at::FCS_LEN)
                }
            }
        }
    }

    /// `Cisco FabricPath, Src: abc.00.0000, Dst: abd.00.0000` (a multicast
    /// destination as a MAC address).
    pub fn title(&self, out: &mut String) {
        out.push_str("Cisco FabricPath, Src: ");
        self.src_hmac().write(out);
        out.push_str(", Dst: ");
        match self.dst_hmac() {
            Some(h) => h.write(out),
            None => crate::field::write_mac(out, self.dst()),
        }
    }
}

/// The plain values of a FabricPath header, for building frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CfpRepr {
    /// Outer destination (a hierarchical address, or a multicast MAC).
    pub dst: [u8; 6],
    /// Outer source (a hierarchical address).
    pub src: [u8; 6],
    /// An 802.1ad/802.1Q tag before the FabricPath EtherType: its
    /// EtherType (0x88a8 or 0x8100) and TCI.
    pub vlan: Option<(u16, u16)>,
    /// 10 bits.
    pub ftag: u16,
    /// 6 bits.
    pub ttl: u8,
}

impl CfpRepr {
    /// A unicast hierarchical address (locally administered, as FabricPath
    /// sends them).
    pub fn hmac(switch_id: u16, sub_switch_id: u8, local_id: u16) -> [u8; 6] {
        let [l0, l1] = local_id.to_be_bytes();
        [
            0x02,
            (switch_id >> 8) as u8 & 0x0f,
            switch_id as u8,
            sub_switch_id,
            l0,
            l1,
        ]
    }

    pub fn parse(v: &CfpView) -> Self {
        CfpRepr {
            dst: v.dst(),
            src: v.src(),
            vlan: v.vlan_tag(),
            ftag: v.ftag(),
            ttl: v.ttl(),
        }
    }

    /// Append the 16-byte (20 with a tag) header.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.dst);
        buf.extend_from_slice(&self.src);
        if let Some((t, tci)) = self.vlan {
            buf.extend_from_slice(&t.to_be_bytes());
            buf.extend_from_slice(&tci.to_be_bytes());
        }
        buf.extend_from_slice(&ETHERTYPE_DCE.to_be_bytes());
        buf.extend_from_slice(
            &((self.ftag & 0x3ff) << 6 | u16::from(self.ttl & 0x3f)).to_be_bytes(),
        );
    }

    /// Append a whole frame: the header, `inner` (an Ethernet frame
    /// without FCS) and the FabricPath FCS.
    pub fn emit_frame(&self, inner: &[u8], buf: &mut Vec<u8>) {
        let start = buf.len();
        self.emit(buf);
        buf.extend_from_slice(inner);
        let fcs = crate::wlan::crc32(tail(buf, start));
        buf.extend_from_slice(&fcs.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::each_field_text;
    use proptest::prelude::*;

    fn all<'a>(v: &CfpView<'a>) -> Vec<String> {
        each_field_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// ndpi ajp.pcap frame 3 (whole): FabricPath from switch 0xabc to
    /// 0xabd, FTag 256, TTL 32, then Ethernet + 802.1Q + IPv4 + TCP, FCS.
    const NDPI: [u8; 94] = [
        0x02, 0x0a, 0xbd, 0x00, 0x00, 0x00, 0x02, 0x0a, 0xbc, 0x00, 0x00, 0x00, 0x89, 0x03, 0x40,
        0x20, 0x00, 0x50, 0x56, 0x83, 0x5d, 0x58, 0x00, 0x50, 0x56, 0x83, 0x8e, 0xf3, 0x81, 0x00,
        0x00, 0x07, 0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0xcf,
        0x5c, 0xac, 0x1d, 0x09, 0x93, 0xac, 0x1d, 0x09, 0x92, 0x1f, 0x49, 0x97, 0xc8, 0x93, 0xa0,
        0x2e, 0xb8, 0x72, 0xc5, 0xdb, 0x30, 0xa0, 0x12, 0x38, 0x90, 0x15, 0xec, 0x00, 0x00, 0x02,
        0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x1e, 0x57, 0xef, 0xd8, 0x4e, 0x9c, 0x69, 0xe7,
        0x01, 0x03, 0x03, 0x07,
    ];

    #[test]
    fn ndpi_frame_as_tshark_shows_it() {
        assert_eq!(header_len_of(&NDPI), Some(16));
        let v = CfpView::new(&NDPI).unwrap();
        assert_eq!(
            all(&v),
            [
                "cfp.d_hmac=1",
                "cfp.s_hmac=1",
                "cfp.eid=0",
                "cfp.eid=0",
                "cfp.ul=1",
                "cfp.ul=1",
                "cfp.ig=0",
                "cfp.ig=0",
                "cfp.ooodl=0",
                "cfp.ooodl=0",
                "cfp.swid=2749",
                "cfp.swid=2748",
                "cfp.sswid=0",
                "cfp.sswid=0",
                "cfp.lid=0",
                "cfp.lid=0",
                "cfp.etype=0x8903",
                "cfp.ftag=256",
                "cfp.ttl=32",
                "cfp.fcs=0x01030307",
                "cfp.fcs.status=2",
            ]
        );
        assert_eq!(v.payload(), &NDPI[16..90]);
        assert_eq!(v.next_layer(), NextLayer::Ethernet);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Cisco FabricPath, Src: abc.00.0000, Dst: abd.00.0000");
        // The FCS in this capture was not kept right.
        assert_eq!(v.fcs_ok(), Some(false));
    }

    #[test]
    fn multicast_tagged_and_cut() {
        // Crafted (each checked with tshark 4.0).
        let mut f = vec![
            0x01, 0x0f, 0xff, 0xc1, 0x01, 0xc0, 0xfd, 0x1a, 0xbc, 0x01, 0x02, 0x03,
        ];
        f.extend_from_slice(&[0x89, 0x03, 0xff, 0xff, 0xaa, 0xbb, 0xcc, 0xdd]);
        let v = CfpView::new(&f).unwrap();
        let got = all(&v);
        assert_eq!(
            got[..9],
            [
                "cfp.d_hmac_mc=01:0f:ff:c1:01:c0",
                "cfp.s_hmac=1",
                "cfp.eid=0",
                "cfp.ul=0",
                "cfp.ig=1",
                "cfp.ooodl=1",
                "cfp.swid=2748",
                "cfp.sswid=1",
                "cfp.lid=515",
            ]
        );
        assert!(got.contains(&"cfp.ftag=1023".to_string()));
        assert!(got.contains(&"cfp.ttl=63".to_string()));
        assert!(got.contains(&"cfp.fcs=0xaabbccdd".to_string()));
        assert_eq!(v.next_layer(), NextLayer::Done);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "Cisco FabricPath, Src: abc.01.0203, Dst: 01:0f:ff:c1:01:c0"
        );

        // An 802.1ad tag first.
        let mut f = NDPI[..12].to_vec();
        f.extend_from_slice(&[0x88, 0xa8, 0xa0, 0x0a]);
        f.extend_from_slice(&NDPI[12..]);
        assert_eq!(header_len_of(&f), Some(20));
        let v = CfpView::new(&f).unwrap();
        let got = all(&v);
        for want in [
            "cfp.1ad.etype=0x88a8",
            "cfp.1ad.priority=5",
            "cfp.1ad.dei=0",
            "cfp.1ad.id=10",
            "cfp.ftag=256",
        ] {
            assert!(got.contains(&want.to_string()), "{want}");
        }
        assert_eq!(v.payload(), &NDPI[16..90]);

        // Cut by the snap length: no FCS, the inner frame to the end.
        let v = CfpView::new(&NDPI[..70]).unwrap().with_wire_len(94);
        assert_eq!(v.fcs(), None);
        assert_eq!(v.payload(), &NDPI[16..70]);
        assert!(!all(&v).iter().any(|s| s.starts_with("cfp.fcs")));
    }

    #[test]
    fn not_fabricpath() {
        assert_eq!(header_len_of(&NDPI[..13]), None);
        let mut f = NDPI;
        f[12] = 0x08;
        f[13] = 0x00;
        assert_eq!(header_len_of(&f), None);
        assert!(CfpView::new(&f).is_err());
        f[12] = 0x81;
        assert_eq!(header_len_of(&f), None);
        assert!(CfpView::new(&NDPI[..15]).is_err());
    }

    #[test]
    fn builder_writes_a_good_fcs() {
        let r = CfpRepr {
            dst: CfpRepr::hmac(0xabd, 0, 0),
            src: CfpRepr::hmac(0xabc, 0, 0),
            vlan: None,
            ftag: 256,
            ttl: 32,
        };
        let mut b = Vec::new();
        r.emit_frame(&NDPI[16..90], &mut b);
        assert_eq!(b[..90], NDPI[..90]);
        let v = CfpView::new(&b).unwrap();
        assert_eq!(v.fcs_ok(), Some(true));
    }

    proptest! {
        #[test]
        fn build_then_parse(dst: [u8; 6], src: [u8; 6], tag in proptest::option::of((any::<bool>(), any::<u16>())),
                            ftag in 0u16..1024, ttl in 0u8..64,
                            inner in proptest::collection::vec(any::<u8>(), 0..40)) {
            let vlan = tag.map(|(ad, tci)| (if ad { 0x88a8 } else { 0x8100 }, tci));
            let r = CfpRepr { dst, src, vlan, ftag, ttl };
            let mut buf = Vec::new();
            r.emit_frame(&inner, &mut buf);
            let v = CfpView::new(&buf).unwrap();
            prop_assert_eq!(CfpRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &inner[..]);
            prop_assert_eq!(v.fcs_ok(), Some(true));
            prop_assert_eq!(v.dst_hmac().is_none(), dst[0] & 1 != 0);
        }

        #[test]
        fn hostile_bytes_do_not_panic(b in proptest::collection::vec(any::<u8>(), 0..40), wire in 0usize..64) {
            let _ = header_len_of(&b);
            if let Ok(v) = CfpView::new(&b) {
                for v in [v, v.with_wire_len(wire)] {
                    let _ = (v.payload(), v.next_layer(), v.fcs(), v.fcs_ok(), v.vlan_tag());
                    let _ = all(&v);
                    let mut t = String::new();
                    v.title(&mut t);
                }
            }
        }
    }
}
