//! IEEE 802.1AE MACsec, EtherType 0x88e5.
//!
//! The SecTAG: the TCI/AN byte (version, ES, SC, SCB, E, C and the 2-bit
//! association number), the short length (SL), a 32-bit packet number and,
//! when SC is set, the 8-byte secure channel identifier (a MAC address and
//! a port). Then the secure data and a 16-byte ICV.
//!
//! As tshark 4.0 reads it: a SecTAG with the version bit set, or with no
//! more than the SecTAG and an ICV behind it, is not MACsec (the
//! constructor refuses it and tshark shows the bytes as data). With E or C
//! set the data between SecTAG and ICV is opaque. Otherwise (integrity
//! only) the data starts with the user frame's EtherType, and tshark hands
//! everything after it, ICV included, to that EtherType's dissector: SL is
//! shown but not used, and the bytes the upper layer leaves over are shown
//! as `macsec.ICV` (usually the 16 ICV bytes; none when the upper layer
//! claims them all). The dissector reports them with
//! [`MacsecView::set_trailer`]; until it does, the last 16 bytes are taken.

use crate::bytes::{array, be16, be32, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::ops::Range;

/// Byte ranges of the SecTAG's fields.
mod at {
    use std::ops::Range;
    pub const TCI_AN: Range<usize> = 0..1;
    pub const SL: Range<usize> = 1..2;
    pub const PN: Range<usize> = 2..6;
    pub const SCI_SYSTEM: Range<usize> = 6..12;
    pub const SCI_PORT: Range<usize> = 12..14;
    pub const SECTAG_LEN: usize = 6;
    pub const SECTAG_WITH_SCI_LEN: usize = 14;
    pub const ETHERTYPE_LEN: usize = 2;
    pub const ICV_LEN: usize = 16;
}

/// The EtherType of MACsec.
pub const ETHERTYPE: u16 = 0x88e5;

/// The length of the integrity check value.
pub const ICV_LEN: usize = at::ICV_LEN;

/// Bits of the TCI/AN byte.
pub mod tci {
    pub const VERSION: u8 = 0x80;
    /// End station.
    pub const ES: u8 = 0x40;
    /// Secure channel identifier present.
    pub const SC: u8 = 0x20;
    /// Single copy broadcast.
    pub const SCB: u8 = 0x10;
    /// Encrypted.
    pub const E: u8 = 0x08;
    /// Changed text.
    pub const C: u8 = 0x04;
    /// Association number.
    pub const AN: u8 = 0x03;
}

field_table! {
    Tci: "macsec.TCI", "TCI", Kind::Hex(2);
    TciV: "macsec.TCI.V", "VER", Kind::Hex(2);
    TciEs: "macsec.TCI.ES", "ES", Kind::Bool;
    TciSc: "macsec.TCI.SC", "SC", Kind::Bool;
    TciScb: "macsec.TCI.SCB", "SCB", Kind::Bool;
    TciE: "macsec.TCI.E", "E", Kind::Bool;
    TciC: "macsec.TCI.C", "C", Kind::Bool;
    An: "macsec.AN", "AN", Kind::Hex(2);
    Sl: "macsec.SL", "Short length", Kind::Dec;
    Pn: "macsec.PN", "Packet number", Kind::Dec;
    SciSystemIdentifier: "macsec.SCI.system_identifier", "System Identifier", Kind::Ether;
    SciPortIdentifier: "macsec.SCI.port_identifier", "Port Identifier", Kind::Dec;
    Etype: "macsec.etype", "Ethertype", Kind::Hex(4);
    Icv: "macsec.ICV", "ICV", Kind::Bytes;
}

/// A view over a SecTAG, the secure data and the ICV.
#[derive(Clone, Copy, Debug)]
pub struct MacsecView<'a> {
    bytes: &'a [u8],
    /// Integrity only: how many bytes at the end the upper layer left
    /// (shown as the ICV); `None` until the dissector says.
    trailer: Option<usize>,
}

impl<'a> MacsecView<'a> {
    /// A view over `bytes`: the version bit must be clear and the bytes
    /// must hold more than the SecTAG and an ICV (tshark's test).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, 1)?;
        let first = u8_at(bytes, 0).unwrap_or(0);
        if first & tci::VERSION != 0 {
            return Err(Error::Malformed("MACsec version is not 0"));
        }
        need(bytes, sectag_len(first) + at::ICV_LEN + 1)?;
        Ok(MacsecView {
            bytes,
            trailer: None,
        })
    }

    /// The TCI/AN byte.
    pub fn tci_an(&self) -> u8 {
        u8_at(self.bytes, at::TCI_AN.start).unwrap_or(0)
    }

    pub fn end_station(&self) -> bool {
        self.tci_an() & tci::ES != 0
    }

    /// Whether the SecTAG carries an SCI.
    pub fn has_sci(&self) -> bool {
        self.tci_an() & tci::SC != 0
    }

    pub fn single_copy_broadcast(&self) -> bool {
        self.tci_an() & tci::SCB != 0
    }

    /// The E bit.
    pub fn encrypted(&self) -> bool {
        self.tci_an() & tci::E != 0
    }

    /// The C bit.
    pub fn changed(&self) -> bool {
        self.tci_an() & tci::C != 0
    }

    /// Integrity only: neither E nor C, so the user frame is readable.
    pub fn is_plaintext(&self) -> bool {
        self.tci_an() & (tci::E | tci::C) == 0
    }

    /// The association number (2 bits).
    pub fn an(&self) -> u8 {
        self.tci_an() & tci::AN
    }

    /// The short length byte, as sent (tshark shows it whole).
    pub fn short_len(&self) -> u8 {
        u8_at(self.bytes, at::SL.start).unwrap_or(0)
    }

    pub fn packet_number(&self) -> u32 {
        be32(self.bytes, at::PN.start).unwrap_or(0)
    }

    /// The SCI: system identifier (a MAC address) and port identifier.
    pub fn sci(&self) -> Option<([u8; 6], u16)> {
        if !self.has_sci() {
            return None;
        }
        Some((
            array(self.bytes, at::SCI_SYSTEM.start)?,
            be16(self.bytes, at::SCI_PORT.start)?,
        ))
    }

    /// 14 bytes with an SCI, 6 without.
    pub fn sectag_len(&self) -> usize {
        sectag_len(self.tci_an())
    }

    /// The user frame's EtherType (integrity only).
    pub fn ethertype(&self) -> Option<u16> {
        if !self.is_plaintext() {
            return None;
        }
        be16(self.bytes, self.sectag_len())
    }

    /// The SecTAG, and the EtherType when the data is plaintext.
    pub fn header_len(&self) -> usize {
        self.sectag_len()
            + if self.is_plaintext() {
                at::ETHERTYPE_LEN
            } else {
                0
            }
    }

    /// Where the ICV starts (16 bytes before the end).
    fn icv_start(&self) -> usize {
        self.bytes.len().saturating_sub(at::ICV_LEN)
    }

    /// Integrity only: everything after the EtherType, ICV included (what
    /// tshark gives the EtherType's dissector). Otherwise the opaque data
    /// between the SecTAG and the ICV.
    pub fn payload(&self) -> &'a [u8] {
        if self.is_plaintext() {
            tail(self.bytes, self.header_len())
        } else {
            self.bytes
                .get(self.sectag_len()..self.icv_start())
                .unwrap_or(&[])
        }
    }

    /// Dispatch on the user frame's EtherType, or data when encrypted or
    /// changed.
    pub fn next_layer(&self) -> NextLayer {
        match self.ethertype() {
            Some(t) => NextLayer::EtherType(t),
            None => NextLayer::Data,
        }
    }

    /// Integrity only: record that the upper layer left the last `n` bytes
    /// (tshark shows them as the ICV, whatever their number).
    pub fn set_trailer(&mut self, n: usize) {
        self.trailer = Some(n.min(self.payload().len()));
    }

    /// The bytes shown as `macsec.ICV`, with their offset: the last 16
    /// bytes when encrypted or changed; integrity only, the trailer the
    /// dissector recorded (the last 16 bytes until it does).
    pub fn icv(&self) -> Option<(&'a [u8], usize)> {
        let n = if self.is_plaintext() {
            self.trailer
                .unwrap_or(at::ICV_LEN)
                .min(self.payload().len())
        } else {
            at::ICV_LEN
        };
        let start = self.bytes.len().saturating_sub(n);
        (n > 0).then(|| (tail(self.bytes, start), start))
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.tci_an();
        let uint = |v: u8| Value::UInt(v.into());
        let flag = |m: u8| Value::Bool(b & m != 0);
        match f {
            Field::Tci => out.value(uint((b & 0xfc) >> 2), at::TCI_AN),
            Field::TciV => out.value(uint(b >> 7), at::TCI_AN),
            Field::TciEs => out.value(flag(tci::ES), at::TCI_AN),
            Field::TciSc => out.value(flag(tci::SC), at::TCI_AN),
            Field::TciScb => out.value(flag(tci::SCB), at::TCI_AN),
            Field::TciE => out.value(flag(tci::E), at::TCI_AN),
            Field::TciC => out.value(flag(tci::C), at::TCI_AN),
            Field::An => out.value(uint(self.an()), at::TCI_AN),
            Field::Sl => out.value(uint(self.short_len()), at::SL),
            Field::Pn => out.value(Value::UInt(self.packet_number().into()), at::PN),
            Field::SciSystemIdentifier => {
                if let Some((system, _)) = self.sci() {
                    out.value(Value::Ether(system), at::SCI_SYSTEM)
                }
            }
            Field::SciPortIdentifier => {
                if let Some((_, port)) = self.sci() {
                    out.value(Value::UInt(port.into()), at::SCI_PORT)
                }
            }
            Field::Etype => {
                if let Some(t) = self.ethertype() {
                    let s = self.sectag_len();
                    out.value(Value::UInt(t.into()), s..s + at::ETHERTYPE_LEN)
                }
            }
            Field::Icv => {
                if let Some((icv, start)) = self.icv() {
                    out.value(Value::Bytes(icv), icv_range(start, icv))
                }
            }
        }
    }

    /// `802.1AE Security tag`.
    pub fn title(&self, out: &mut String) {
        out.push_str("802.1AE Security tag");
    }
}

fn icv_range(start: usize, icv: &[u8]) -> Range<usize> {
    start..start + icv.len()
}

fn sectag_len(tci_an: u8) -> usize {
    if tci_an & tci::SC != 0 {
        at::SECTAG_WITH_SCI_LEN
    } else {
        at::SECTAG_LEN
    }
}

/// The plain values of a SecTAG (and the EtherType when integrity only),
/// for building frames. The secure data and the ICV are the caller's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MacsecRepr {
    /// The TCI/AN byte; [`Self::emit`] sets SC to match `sci`.
    pub tci_an: u8,
    pub short_len: u8,
    pub packet_number: u32,
    pub sci: Option<([u8; 6], u16)>,
    /// Written after the SecTAG when neither E nor C is set.
    pub ethertype: u16,
}

impl MacsecRepr {
    /// An integrity-only SecTAG with an SCI for a user frame of
    /// `ethertype` whose payload is `payload_len` bytes: SL is set as
    /// 802.1AE says (the secure data's length when below 48, else 0).
    pub fn integrity_only(
        packet_number: u32,
        sci: ([u8; 6], u16),
        ethertype: u16,
        payload_len: usize,
    ) -> Self {
        let secure_data = payload_len.saturating_add(at::ETHERTYPE_LEN);
        MacsecRepr {
            tci_an: tci::SC,
            short_len: if secure_data < 48 {
                secure_data as u8
            } else {
                0
            },
            packet_number,
            sci: Some(sci),
            ethertype,
        }
    }

    pub fn parse(v: &MacsecView) -> Self {
        MacsecRepr {
            tci_an: v.tci_an(),
            short_len: v.short_len(),
            packet_number: v.packet_number(),
            sci: v.sci(),
            ethertype: v.ethertype().unwrap_or(0),
        }
    }

    /// Append the SecTAG, and the EtherType when integrity only.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let tci_an = match self.sci {
            Some(_) => self.tci_an | tci::SC,
            None => self.tci_an & !tci::SC,
        };
        buf.push(tci_an);
        buf.push(self.short_len);
        buf.extend_from_slice(&self.packet_number.to_be_bytes());
        if let Some((system, port)) = self.sci {
            buf.extend_from_slice(&system);
            buf.extend_from_slice(&port.to_be_bytes());
        }
        if tci_an & (tci::E | tci::C) == 0 {
            buf.extend_from_slice(&self.ethertype.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::each_field_text;
    use proptest::prelude::*;

    fn all<'a>(v: &MacsecView<'a>) -> Vec<String> {
        each_field_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// tcpdump macsec-short-valid.pcap frame 1, from byte 14: integrity
    /// only, SL 34, IPv4 + UDP (32 bytes) and the ICV.
    const SHORT_VALID: [u8; 64] = [
        0x20, 0x22, 0x00, 0x00, 0x00, 0x42, 0xca, 0xf9, 0xdf, 0x4f, 0x50, 0x9a, 0x00, 0x64, 0x08,
        0x00, 0x45, 0x00, 0x00, 0x20, 0x2d, 0xf1, 0x40, 0x00, 0x40, 0x11, 0xa7, 0x87, 0xc0, 0xa8,
        0x72, 0x01, 0xc0, 0xa8, 0x72, 0x02, 0x92, 0x53, 0x1a, 0x0a, 0x00, 0x0c, 0x89, 0xe7, 0x31,
        0x32, 0x33, 0x0a, 0x07, 0x9d, 0x15, 0x05, 0xdb, 0x57, 0x17, 0x83, 0xce, 0xb1, 0xae, 0xc1,
        0x43, 0xe4, 0xe3, 0x74,
    ];

    /// tcpdump macsec-changed.pcap frame 1, from byte 14: C set, so the 78
    /// bytes between SecTAG and ICV are data.
    const CHANGED: [u8; 108] = [
        0x24, 0x00, 0x00, 0x00, 0x00, 0x06, 0x2e, 0xb7, 0x3f, 0x39, 0x95, 0xc3, 0x00, 0x6f, 0x08,
        0x00, 0x45, 0x00, 0x00, 0x54, 0xab, 0x6b, 0x40, 0x00, 0x40, 0x01, 0x27, 0xe9, 0xc0, 0xa8,
        0x73, 0x01, 0xc0, 0xa8, 0x73, 0x02, 0x08, 0x00, 0xc5, 0xfd, 0x07, 0x84, 0x00, 0x01, 0xa6,
        0x36, 0x1a, 0x57, 0x00, 0x00, 0x00, 0x00, 0xa5, 0x1c, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e,
        0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d,
        0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x72, 0xf1, 0xe9, 0x18, 0x85,
        0xfa, 0xca, 0x0b,
    ];

    /// tcpdump icmp-rfc8335-missing-bytes.pcap frame 1, from byte 14: the
    /// IPv4 header claims 84 bytes, more than the frame has, so tshark
    /// shows no ICV at all.
    const RFC8335: [u8; 67] = [
        0x20, 0x00, 0x00, 0x00, 0x00, 0x44, 0x2e, 0xb7, 0x3f, 0x39, 0x95, 0xc3, 0x00, 0x01, 0x08,
        0x00, 0x45, 0x00, 0x00, 0x54, 0xd1, 0x20, 0x40, 0x00, 0x40, 0x01, 0x00, 0x22, 0x23, 0x24,
        0x2a, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x2d,
        0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0xde, 0xba, 0x93, 0x24, 0x0f,
        0xad, 0x9a, 0x4c, 0x3b, 0x26, 0x74, 0x2b,
    ];

    #[test]
    fn integrity_only_as_tshark_shows_it() {
        let mut v = MacsecView::new(&SHORT_VALID).unwrap();
        // IPv4 uses 32 of the 48 bytes after the EtherType.
        v.set_trailer(16);
        assert_eq!(
            all(&v),
            [
                "macsec.TCI=0x08",
                "macsec.TCI.V=0x00",
                "macsec.TCI.ES=0",
                "macsec.TCI.SC=1",
                "macsec.TCI.SCB=0",
                "macsec.TCI.E=0",
                "macsec.TCI.C=0",
                "macsec.AN=0x00",
                "macsec.SL=34",
                "macsec.PN=66",
                "macsec.SCI.system_identifier=ca:f9:df:4f:50:9a",
                "macsec.SCI.port_identifier=100",
                "macsec.etype=0x0800",
                "macsec.ICV=079d1505db571783ceb1aec143e4e374",
            ]
        );
        assert_eq!(v.header_len(), 16);
        assert_eq!(v.next_layer(), NextLayer::EtherType(0x0800));
        // tshark hands the ICV to IPv4 too.
        assert_eq!(v.payload(), &SHORT_VALID[16..]);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "802.1AE Security tag");
    }

    #[test]
    fn changed_text_is_data() {
        let v = MacsecView::new(&CHANGED).unwrap();
        let got = all(&v);
        assert!(got.contains(&"macsec.TCI=0x09".to_string()));
        assert!(got.contains(&"macsec.TCI.C=1".to_string()));
        assert!(got.contains(&"macsec.PN=6".to_string()));
        assert!(got.contains(&"macsec.SCI.port_identifier=111".to_string()));
        assert!(got.contains(&"macsec.ICV=303132333435363772f1e91885faca0b".to_string()));
        assert!(!got.iter().any(|s| s.starts_with("macsec.etype")));
        assert_eq!(v.next_layer(), NextLayer::Data);
        assert_eq!(v.header_len(), 14);
        assert_eq!(v.payload(), &CHANGED[14..92]);
    }

    #[test]
    fn no_icv_when_the_upper_layer_claims_everything() {
        let mut v = MacsecView::new(&RFC8335).unwrap();
        assert_eq!(v.icv().map(|(b, o)| (b.len(), o)), Some((16, 51)));
        v.set_trailer(0);
        assert_eq!(v.icv(), None);
        assert_eq!(v.payload().len(), 51);
        // 0x08 0x00: neither E nor C; an 18-byte "ICV" after the upper layer.
        v.set_trailer(18);
        assert_eq!(v.icv().map(|(b, o)| (b.len(), o)), Some((18, 49)));
    }

    #[test]
    fn not_macsec() {
        // Crafted (tshark 4.0 shows each as data after the EtherType).
        let mut b = SHORT_VALID;
        b[0] |= tci::VERSION;
        assert_eq!(
            MacsecView::new(&b).unwrap_err(),
            Error::Malformed("MACsec version is not 0")
        );
        // Only the SecTAG and an ICV.
        assert!(MacsecView::new(&SHORT_VALID[..30]).is_err());
        assert!(MacsecView::new(&SHORT_VALID[..31]).is_ok());
        assert!(MacsecView::new(&[]).is_err());
        // No SCI, E set: data and ICV.
        let mut b = vec![0x4b, 0x05, 0, 0, 0, 7, 0xaa, 0xbb];
        b.extend_from_slice(&[0x11; 16]);
        let v = MacsecView::new(&b).unwrap();
        assert_eq!((v.sci(), v.an(), v.end_station()), (None, 3, true));
        assert_eq!(v.payload(), &[0xaa, 0xbb]);
        assert!(all(&v).contains(&"macsec.TCI=0x12".to_string()));
    }

    #[test]
    fn builder_sets_the_short_length() {
        let sci = ([0xca, 0xf9, 0xdf, 0x4f, 0x50, 0x9a], 100);
        let r = MacsecRepr::integrity_only(66, sci, 0x0800, 32);
        let mut b = Vec::new();
        r.emit(&mut b);
        assert_eq!(b, SHORT_VALID[..16]);
        assert_eq!(MacsecRepr::integrity_only(1, sci, 0x0800, 46).short_len, 0);
    }

    proptest! {
        #[test]
        fn build_then_parse(tci_an in 0u8..0x80, short_len: u8, packet_number: u32,
                            sci in proptest::option::of(any::<([u8; 6], u16)>()), ethertype: u16,
                            payload in proptest::collection::vec(any::<u8>(), 17..40)) {
            let plain = tci_an & (tci::E | tci::C) == 0;
            prop_assume!(!(plain && short_len & 0x3f == 1));
            let tci_an = if sci.is_some() { tci_an | tci::SC } else { tci_an & !tci::SC };
            let r = MacsecRepr { tci_an, short_len, packet_number, sci,
                                 ethertype: if plain { ethertype } else { 0 } };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&payload);
            let v = MacsecView::new(&buf).unwrap();
            prop_assert_eq!(MacsecRepr::parse(&v), r);
            // etherparse, an independent parser, reads the same SecTAG.
            let e = etherparse::MacsecHeader::from_slice(&buf).unwrap();
            prop_assert_eq!(e.packet_nr, packet_number);
            prop_assert_eq!(e.an.value(), tci_an & tci::AN);
            prop_assert_eq!(e.endstation_id, v.end_station());
            prop_assert_eq!(e.scb, v.single_copy_broadcast());
            prop_assert_eq!(e.encrypted(), v.encrypted());
            prop_assert_eq!(e.userdata_changed(), v.changed());
            prop_assert_eq!(e.sci, sci.map(|(s, p)| {
                s.iter().fold(0u64, |acc, x| acc << 8 | u64::from(*x)) << 16 | u64::from(p)
            }));
            prop_assert_eq!(e.next_ether_type().map(|t| t.0), v.ethertype());
            prop_assert_eq!(e.header_len(), v.header_len());
        }

        #[test]
        fn hostile_bytes_do_not_panic(b in proptest::collection::vec(any::<u8>(), 0..48), n: usize) {
            if let Ok(mut v) = MacsecView::new(&b) {
                let _ = (v.payload(), v.next_layer(), v.icv(), v.header_len());
                v.set_trailer(n);
                let _ = (v.payload(), v.icv());
                let _ = all(&v);
                let mut t = String::new();
                v.title(&mut t);
            }
        }
    }
}
