//! Per-Packet Information header (link type 192), CACE's pseudo-header
//! that carries radio and capture metadata in front of a frame of another
//! link type.
//!
//! Eight little-endian bytes (version, flags, header length, the link type
//! of the frame that follows) and then fields up to the header length, each
//! a little-endian type and length and that many bytes of data (padded to 4
//! bytes when the header's alignment flag is set). The 802.11-common field
//! (type 2) says whether an 802.11 frame ends with its FCS; the 802.3
//! extension (type 9) says the same of an Ethernet frame.

use crate::bytes::{le16, le32, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::ops::Range;

/// Byte ranges of the fixed header's fields.
mod at {
    use std::ops::Range;
    pub const VERSION: Range<usize> = 0..1;
    pub const FLAGS: Range<usize> = 1..2;
    pub const LEN: Range<usize> = 2..4;
    pub const DLT: Range<usize> = 4..8;
    pub const HEADER_LEN: usize = 8;
}

/// pcap's link-layer header type for PPI.
pub const LINKTYPE_PPI: u32 = 192;

/// Link types of the frames PPI carries that [`PpiView::next_layer`] names.
pub mod dlt {
    pub const ETHERNET: u32 = 1;
    pub const IEEE802_11: u32 = 105;
}

/// Field types.
pub mod field_type {
    pub const COMMON_80211: u16 = 2;
    pub const MAC_80211N: u16 = 3;
    pub const MAC_PHY_80211N: u16 = 4;
    pub const SPECTRUM_MAP: u16 = 5;
    pub const PROCESS_INFO: u16 = 6;
    pub const CAPTURE_INFO: u16 = 7;
    pub const AGGREGATION: u16 = 8;
    pub const EXT_8023: u16 = 9;
}

/// Header flag: fields are aligned to 32 bits.
pub const FLAG_ALIGNED: u8 = 0x01;

field_table! {
    Version: "ppi.version", "Version", Kind::Dec;
    Flags: "ppi.flags", "Flags", Kind::Hex(2);
    FlagsAlignment: "ppi.flags.alignment", "Alignment", Kind::Bool;
    FlagsReserved: "ppi.flags.reserved", "Reserved", Kind::Hex(2);
    Length: "ppi.length", "Header length", Kind::Dec;
    Dlt: "ppi.dlt", "DLT", Kind::Dec;
    FieldType: "ppi.field_type", "Field type", Kind::Dec;
    FieldLen: "ppi.field_len", "Field length", Kind::Dec;
    CommonTsft: "ppi.80211-common.tsft", "TSFT", Kind::Dec;
    CommonFlags: "ppi.80211-common.flags", "Flags", Kind::Hex(4);
    CommonFlagsFcs: "ppi.80211-common.flags.fcs", "FCS present flag", Kind::Bool;
    CommonFlagsTsft: "ppi.80211-common.flags.tsft", "TSFT flag", Kind::Bool;
    CommonFlagsFcsInvalid: "ppi.80211-common.flags.fcs-invalid", "FCS validity", Kind::Bool;
    CommonFlagsPhyErr: "ppi.80211-common.flags.phy-err", "PHY error flag", Kind::Bool;
    CommonRate: "ppi.80211-common.rate", "Data rate", Kind::Dec;
    CommonChanFreq: "ppi.80211-common.chan.freq", "Channel frequency", Kind::Dec;
    CommonChanFlags: "ppi.80211-common.chan.flags", "Channel flags", Kind::Hex(4);
    CommonFhssHopset: "ppi.80211-common.fhss.hopset", "FHSS hopset", Kind::Hex(2);
    CommonFhssPattern: "ppi.80211-common.fhss.pattern", "FHSS pattern", Kind::Hex(2);
    CommonDbmAntsignal: "ppi.80211-common.dbm.antsignal", "dBm antenna signal", Kind::Signed;
    CommonDbmAntnoise: "ppi.80211-common.dbm.antnoise", "dBm antenna noise", Kind::Signed;
    MacFlags: "ppi.80211n-mac.flags", "MAC flags", Kind::Hex(8);
    MacAmpduId: "ppi.80211n-mac.ampdu_id", "AMPDU-ID", Kind::Hex(8);
    MacNumDelimiters: "ppi.80211n-mac.num_delimiters", "Num-Delimiters", Kind::Dec;
    AggregationInterfaceId: "ppi.aggregation_extension.interface_id", "Interface ID", Kind::Dec;
    Ext8023Flags: "ppi.8023_extension.flags", "Flags", Kind::Hex(8);
    Ext8023FlagsFcsPresent: "ppi.8023_extension.flags.fcs_present", "FCS Present Flag", Kind::Bool;
    Ext8023Errors: "ppi.8023_extension.errors", "Errors", Kind::Hex(8);
}

/// One PPI field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PpiField<'a> {
    /// Offset of the field's 4-byte header from the start of the PPI layer.
    pub offset: usize,
    pub typ: u16,
    /// The data (as long as the length field says, clamped to the header).
    pub data: &'a [u8],
}

impl PpiField<'_> {
    /// Where the data lies in the layer.
    pub fn data_range(&self) -> Range<usize> {
        self.offset + 4..self.offset + 4 + self.data.len()
    }
}

/// The fields of a PPI header, in order.
#[derive(Clone, Debug)]
pub struct PpiFields<'a> {
    /// The header (fields end at its end).
    hdr: &'a [u8],
    off: usize,
    aligned: bool,
}

impl<'a> Iterator for PpiFields<'a> {
    type Item = PpiField<'a>;

    fn next(&mut self) -> Option<PpiField<'a>> {
        let typ = le16(self.hdr, self.off)?;
        let len = usize::from(le16(self.hdr, self.off.checked_add(2)?)?);
        let start = self.off.checked_add(4)?;
        let end = start.checked_add(len)?;
        let data = self.hdr.get(start..end)?;
        let f = PpiField {
            offset: self.off,
            typ,
            data,
        };
        self.off = if self.aligned {
            end.checked_add(3).map_or(usize::MAX, |e| e & !3)
        } else {
            end
        };
        Some(f)
    }
}

/// A view over a PPI header and the frame it carries.
#[derive(Clone, Copy, Debug)]
pub struct PpiView<'a> {
    bytes: &'a [u8],
}

impl<'a> PpiView<'a> {
    /// A view over `bytes`, which must hold the 8-byte fixed header.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(PpiView { bytes })
    }

    pub fn version(&self) -> u8 {
        u8_at(self.bytes, at::VERSION.start).unwrap_or(0)
    }

    pub fn flags(&self) -> u8 {
        u8_at(self.bytes, at::FLAGS.start).unwrap_or(0)
    }

    /// The header length field (fixed header and fields).
    pub fn len(&self) -> u16 {
        le16(self.bytes, at::LEN.start).unwrap_or(0)
    }

    /// Whether the header length field is zero.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The link-layer header type of the frame that follows.
    pub fn dlt(&self) -> u32 {
        le32(self.bytes, at::DLT.start).unwrap_or(0)
    }

    /// Whether the header length runs past the captured bytes.
    pub fn is_truncated(&self) -> bool {
        usize::from(self.len()) > self.bytes.len()
    }

    /// The fields.
    pub fn fields(&self) -> PpiFields<'a> {
        let end = self.header_len();
        PpiFields {
            hdr: self.bytes.get(..end).unwrap_or(self.bytes),
            off: at::HEADER_LEN,
            aligned: self.flags() & FLAG_ALIGNED != 0,
        }
    }

    /// The first field of type `typ`.
    pub fn find(&self, typ: u16) -> Option<PpiField<'a>> {
        self.fields().find(|f| f.typ == typ)
    }

    /// Whether the carried frame ends with an FCS, when a field says so:
    /// bit 0 of the 802.11-common flags or of the 802.3 extension flags.
    /// For an 802.11 frame, `None` means no FCS (what tshark assumes).
    pub fn fcs_present(&self) -> Option<bool> {
        if let Some(f) = self.find(field_type::COMMON_80211) {
            if let Some(fl) = le16(f.data, 8) {
                return Some(fl & 1 != 0);
            }
        }
        let f = self.find(field_type::EXT_8023)?;
        le32(f.data, 0).map(|fl| fl & 1 != 0)
    }

    /// The header length: the length field, but at least the fixed 8 bytes
    /// (tshark starts the frame there when the field says less) and at most
    /// the captured bytes.
    pub fn header_len(&self) -> usize {
        usize::from(self.len())
            .max(at::HEADER_LEN)
            .min(self.bytes.len())
    }

    /// The carried frame.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.header_len())
    }

    /// Ethernet for link type 1, 802.11 for 105 (without an FCS unless
    /// [`PpiView::fcs_present`] says so), data for the others (the dissector
    /// should dissect the payload as a frame of link type [`PpiView::dlt`]
    /// then), `Done` when the header runs past the captured bytes.
    pub fn next_layer(&self) -> NextLayer {
        if self.is_truncated() {
            return NextLayer::Done;
        }
        match self.dlt() {
            dlt::ETHERNET => NextLayer::Ethernet,
            dlt::IEEE802_11 => NextLayer::Wlan,
            _ => NextLayer::Data,
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let fl = self.flags();
        match f {
            Field::Version => out.value(Value::UInt(self.version().into()), at::VERSION),
            Field::Flags => out.value(Value::UInt(fl.into()), at::FLAGS),
            Field::FlagsAlignment => out.value(Value::Bool(fl & FLAG_ALIGNED != 0), at::FLAGS),
            Field::FlagsReserved => out.value(Value::UInt((fl & 0xfe).into()), at::FLAGS),
            Field::Length => out.value(Value::UInt(self.len().into()), at::LEN),
            Field::Dlt => out.value(Value::UInt(self.dlt().into()), at::DLT),
            _ => {
                for pf in self.fields() {
                    ppi_field(f, &pf, out);
                }
            }
        }
    }

    /// `PPI version 0, 16 bytes`.
    pub fn title(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(out, "PPI version {}, {} bytes", self.version(), self.len());
    }
}

/// The occurrences of `f` in one PPI field.
fn ppi_field<'a>(f: Field, pf: &PpiField<'a>, out: &mut dyn FieldSink<'a>) {
    let o = pf.offset;
    let d = pf.data;
    let base = o + 4;
    let r = |off: usize, len: usize| base + off..base + off + len;
    let typ = pf.typ;
    let common = typ == field_type::COMMON_80211 && d.len() >= 20;
    let cflags = if common { le16(d, 8).unwrap_or(0) } else { 0 };
    let mac = typ == field_type::MAC_80211N && d.len() >= 12;
    let ext = typ == field_type::EXT_8023 && d.len() >= 8;
    let u = |v: Option<u64>| Value::UInt(v.unwrap_or(0));
    match f {
        Field::FieldType => out.value(Value::UInt(typ.into()), o..o + 2),
        Field::FieldLen => out.value(Value::UInt(d.len() as u64), o + 2..o + 4),
        Field::CommonTsft if common => out.value(u(le64(d, 0)), r(0, 8)),
        Field::CommonFlags if common => out.value(Value::UInt(cflags.into()), r(8, 2)),
        Field::CommonFlagsFcs if common => out.value(Value::Bool(cflags & 1 != 0), r(8, 2)),
        Field::CommonFlagsTsft if common => out.value(Value::Bool(cflags & 2 != 0), r(8, 2)),
        Field::CommonFlagsFcsInvalid if common => out.value(Value::Bool(cflags & 4 != 0), r(8, 2)),
        Field::CommonFlagsPhyErr if common => out.value(Value::Bool(cflags & 8 != 0), r(8, 2)),
        Field::CommonRate if common => {
            // In units of 500 kb/s; tshark shows kb/s.
            let rate = u64::from(le16(d, 10).unwrap_or(0)) * 500;
            out.value(Value::UInt(rate), r(10, 2))
        }
        Field::CommonChanFreq if common => out.value(u(le16(d, 12).map(u64::from)), r(12, 2)),
        Field::CommonChanFlags if common => out.value(u(le16(d, 14).map(u64::from)), r(14, 2)),
        Field::CommonFhssHopset if common => out.value(u(u8_at(d, 16).map(u64::from)), r(16, 1)),
        Field::CommonFhssPattern if common => out.value(u(u8_at(d, 17).map(u64::from)), r(17, 1)),
        Field::CommonDbmAntsignal if common => {
            let s = u8_at(d, 18).unwrap_or(0) as i8;
            out.value(Value::Int(s.into()), r(18, 1))
        }
        Field::CommonDbmAntnoise if common => {
            let s = u8_at(d, 19).unwrap_or(0) as i8;
            out.value(Value::Int(s.into()), r(19, 1))
        }
        Field::MacFlags if mac => out.value(u(le32(d, 0).map(u64::from)), r(0, 4)),
        Field::MacAmpduId if mac => out.value(u(le32(d, 4).map(u64::from)), r(4, 4)),
        Field::MacNumDelimiters if mac => out.value(u(u8_at(d, 8).map(u64::from)), r(8, 1)),
        Field::AggregationInterfaceId if typ == field_type::AGGREGATION && d.len() >= 4 => {
            out.value(u(le32(d, 0).map(u64::from)), r(0, 4))
        }
        Field::Ext8023Flags if ext => out.value(u(le32(d, 0).map(u64::from)), r(0, 4)),
        Field::Ext8023FlagsFcsPresent if ext => {
            out.value(Value::Bool(le32(d, 0).unwrap_or(0) & 1 != 0), r(0, 4))
        }
        Field::Ext8023Errors if ext => out.value(u(le32(d, 4).map(u64::from)), r(4, 4)),
        _ => {}
    }
}

fn le64(b: &[u8], off: usize) -> Option<u64> {
    let lo = le32(b, off)?;
    let hi = le32(b, off.checked_add(4)?)?;
    Some((u64::from(hi) << 32) | u64::from(lo))
}

/// The plain values of a PPI header, for building: the fixed header and the
/// fields (type, data). `emit` computes the header length and pads fields
/// to 4 bytes when the alignment flag is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PpiRepr {
    pub version: u8,
    pub flags: u8,
    pub dlt: u32,
    pub fields: Vec<(u16, Vec<u8>)>,
}

impl PpiRepr {
    /// An 802.11-common field's data: TSFT, flags (bit 0: FCS present),
    /// rate in 500 kb/s units, channel frequency and flags, FHSS, signal
    /// and noise.
    pub fn common_80211(
        tsft: u64,
        flags: u16,
        rate: u16,
        freq: u16,
        chan_flags: u16,
        signal: i8,
        noise: i8,
    ) -> Vec<u8> {
        let mut d = Vec::with_capacity(20);
        d.extend_from_slice(&tsft.to_le_bytes());
        d.extend_from_slice(&flags.to_le_bytes());
        d.extend_from_slice(&rate.to_le_bytes());
        d.extend_from_slice(&freq.to_le_bytes());
        d.extend_from_slice(&chan_flags.to_le_bytes());
        d.extend_from_slice(&[0, 0, signal as u8, noise as u8]);
        d
    }

    pub fn parse(v: &PpiView) -> Self {
        PpiRepr {
            version: v.version(),
            flags: v.flags(),
            dlt: v.dlt(),
            fields: v.fields().map(|f| (f.typ, f.data.to_vec())).collect(),
        }
    }

    /// Append the header to `buf`. Field data longer than 65535 bytes is cut
    /// to fit its 16-bit length (and the whole header to its own).
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let start = buf.len();
        buf.push(self.version);
        buf.push(self.flags);
        buf.extend_from_slice(&[0, 0]);
        buf.extend_from_slice(&self.dlt.to_le_bytes());
        for (typ, data) in &self.fields {
            let data = data.get(..0xffff).unwrap_or(data);
            buf.extend_from_slice(&typ.to_le_bytes());
            buf.extend_from_slice(&(data.len() as u16).to_le_bytes());
            buf.extend_from_slice(data);
            if self.flags & FLAG_ALIGNED != 0 {
                let n = buf.len() - start;
                buf.resize(buf.len() + ((4 - n % 4) % 4), 0);
            }
        }
        let len = u16::try_from(buf.len() - start).unwrap_or(u16::MAX);
        if let Some(l) = buf.get_mut(start + 2..start + 4) {
            l.copy_from_slice(&len.to_le_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, values_checked};
    use proptest::prelude::*;

    /// The PPI header of frame 1 of ndpi__someip_sd_sample.pcap, with the
    /// start of the Ethernet frame it carries: DLT 1, one aggregation
    /// extension field (interface 0).
    const SOMEIP_HEAD: [u8; 30] = [
        0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x5e, 0x02, 0x03, 0x05, 0x00, 0x54, 0xaf, 0xe7, 0x03, 0x40, 0x08, 0x00,
    ];

    fn fields(v: &PpiView, f: Field) -> String {
        values_checked(
            FIELDS[f as usize].kind,
            |out| v.field(f, out),
            |r| assert!(r.end <= v.header_len()),
        )
        .join(",")
    }

    #[test]
    fn reads_a_real_header_as_tshark() {
        let v = PpiView::new(&SOMEIP_HEAD).unwrap();
        let want = [
            (Field::Version, "0"),
            (Field::Flags, "0x00"),
            (Field::FlagsAlignment, "0"),
            (Field::FlagsReserved, "0x00"),
            (Field::Length, "16"),
            (Field::Dlt, "1"),
            (Field::FieldType, "8"),
            (Field::FieldLen, "4"),
            (Field::AggregationInterfaceId, "0"),
        ];
        for (f, s) in want {
            assert_eq!(fields(&v, f), s, "{f:?}");
        }
        assert_eq!(v.header_len(), 16);
        assert_eq!(v.next_layer(), NextLayer::Ethernet);
        assert_eq!(&v.payload()[..6], &[0x01, 0x00, 0x5e, 0x02, 0x03, 0x05]);
        assert_eq!(v.fcs_present(), None);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "PPI version 0, 16 bytes");
    }

    #[test]
    fn common_80211_as_tshark() {
        // Values checked against tshark 4.0 on the same crafted header.
        let r = PpiRepr {
            version: 0,
            flags: 0,
            dlt: 105,
            fields: vec![(
                field_type::COMMON_80211,
                PpiRepr::common_80211(1234, 1, 22, 2437, 0x00a0, -40, -90),
            )],
        };
        let mut buf = Vec::new();
        r.emit(&mut buf);
        buf.extend_from_slice(&[0x08, 0x02]);
        let v = PpiView::new(&buf).unwrap();
        assert_eq!(fields(&v, Field::Length), "32");
        assert_eq!(fields(&v, Field::CommonTsft), "1234");
        assert_eq!(fields(&v, Field::CommonFlags), "0x0001");
        assert_eq!(fields(&v, Field::CommonFlagsFcs), "1");
        assert_eq!(fields(&v, Field::CommonRate), "11000");
        assert_eq!(fields(&v, Field::CommonChanFreq), "2437");
        assert_eq!(fields(&v, Field::CommonChanFlags), "0x00a0");
        assert_eq!(fields(&v, Field::CommonDbmAntsignal), "-40");
        assert_eq!(fields(&v, Field::CommonDbmAntnoise), "-90");
        assert_eq!(v.fcs_present(), Some(true));
        assert_eq!(v.next_layer(), NextLayer::Wlan);
        assert_eq!(v.payload(), &[0x08, 0x02]);
    }

    #[test]
    fn aligned_fields_and_odd_lengths() {
        let r = PpiRepr {
            version: 0,
            flags: FLAG_ALIGNED,
            dlt: 105,
            fields: vec![
                (field_type::AGGREGATION, 3u32.to_le_bytes().to_vec()),
                (7, vec![1, 2, 3]),
                (
                    field_type::COMMON_80211,
                    PpiRepr::common_80211(0, 0, 2, 2412, 0, 0, 0),
                ),
            ],
        };
        let mut buf = Vec::new();
        r.emit(&mut buf);
        let v = PpiView::new(&buf).unwrap();
        assert_eq!(fields(&v, Field::FieldType), "8,7,2");
        assert_eq!(fields(&v, Field::AggregationInterfaceId), "3");
        assert_eq!(v.fcs_present(), Some(false));
        assert_eq!(PpiRepr::parse(&v), r);
        // Header length below 8: the frame starts after the fixed header.
        let mut b = SOMEIP_HEAD;
        b[2] = 4;
        let v = PpiView::new(&b).unwrap();
        assert_eq!(v.header_len(), 8);
        assert_eq!(v.next_layer(), NextLayer::Ethernet);
        // Header length past the end: nothing follows.
        b[2] = 200;
        let v = PpiView::new(&b).unwrap();
        assert_eq!(v.next_layer(), NextLayer::Done);
        assert!(v.payload().is_empty());
        // Other link types are for the dissector's link-type table.
        b[2] = 8;
        b[4] = 101;
        let v = PpiView::new(&b).unwrap();
        assert_eq!((v.dlt(), v.next_layer()), (101, NextLayer::Data));
        assert!(PpiView::new(&b[..7]).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(version: u8, aligned: bool, dlt: u32,
                      fields in proptest::collection::vec(
                          (any::<u16>(), proptest::collection::vec(any::<u8>(), 0..24)), 0..5),
                      body in proptest::collection::vec(any::<u8>(), 0..16)) {
            let r = PpiRepr { version, flags: u8::from(aligned), dlt, fields };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let hl = buf.len();
            buf.extend_from_slice(&body);
            let v = PpiView::new(&buf).unwrap();
            prop_assert_eq!(v.header_len(), hl);
            prop_assert_eq!(PpiRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &body[..]);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(v) = PpiView::new(&bytes) {
                assert_ranges_within(FIELDS, bytes.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                let _ = (v.next_layer(), v.payload(), v.fcs_present());
            }
        }
    }
}
