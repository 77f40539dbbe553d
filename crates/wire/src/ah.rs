//! IP Authentication Header (RFC 4302). tshark calls it `ah`.
//!
//! The length field counts 32-bit words minus 2, so the header is
//! `(length + 2) * 4` bytes: 12 fixed bytes and the integrity check value.
//! A length below 1 makes the header shorter than its fixed part; tshark
//! then still reads SPI and sequence number from the fixed 12 bytes, and
//! hands the upper layer the bytes from `(length + 2) * 4` on, which is
//! what this view does too.

use crate::bytes::{be32, clamp, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const NEXT_HEADER: Range<usize> = 0..1;
    pub const LENGTH: Range<usize> = 1..2;
    pub const RESERVED: Range<usize> = 2..4;
    pub const SPI: Range<usize> = 4..8;
    pub const SEQUENCE: Range<usize> = 8..12;
    pub const ICV: usize = 12;
    pub const FIXED_LEN: usize = 12;
}

field_table! {
    NextHeader: "ah.next_header", "Next header", Kind::Dec;
    Length: "ah.length", "Length", Kind::Dec;
    Reserved: "ah.reserved", "Reserved", Kind::Bytes;
    Spi: "ah.spi", "AH SPI", Kind::Hex(8);
    Sequence: "ah.sequence", "AH Sequence", Kind::Dec;
    Icv: "ah.icv", "AH ICV", Kind::Bytes;
}

/// A view over an Authentication Header and what follows it.
#[derive(Clone, Copy, Debug)]
pub struct AhView<'a> {
    bytes: &'a [u8],
}

impl<'a> AhView<'a> {
    pub const FIXED_LEN: usize = at::FIXED_LEN;

    /// A view over `bytes`, which must hold the 12 fixed bytes.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::FIXED_LEN)?;
        Ok(AhView { bytes })
    }

    /// The protocol after this header (see [`crate::ipv4::protocol`]).
    pub fn next_header(&self) -> u8 {
        u8_at(self.bytes, at::NEXT_HEADER.start).unwrap_or(0)
    }

    /// The raw length field (32-bit words, minus 2).
    pub fn length(&self) -> u8 {
        u8_at(self.bytes, at::LENGTH.start).unwrap_or(0)
    }

    /// The header's length as the packet says: `(length + 2) * 4`.
    pub fn header_len_field(&self) -> usize {
        (usize::from(self.length()) + 2) * 4
    }

    /// The header's length, clamped to what was captured.
    pub fn header_len(&self) -> usize {
        self.header_len_field().min(self.bytes.len())
    }

    /// True when the length field runs past the captured bytes.
    pub fn is_truncated(&self) -> bool {
        self.header_len_field() > self.bytes.len()
    }

    /// True when the length field makes the header shorter than its 12
    /// fixed bytes (length 0).
    pub fn is_short(&self) -> bool {
        self.header_len_field() < at::FIXED_LEN
    }

    pub fn spi(&self) -> u32 {
        be32(self.bytes, at::SPI.start).unwrap_or(0)
    }

    pub fn sequence(&self) -> u32 {
        be32(self.bytes, at::SEQUENCE.start).unwrap_or(0)
    }

    /// The integrity check value: the header after its fixed part (empty if
    /// the length field leaves no room; cut short if the capture is).
    pub fn icv(&self) -> &'a [u8] {
        let n = self.header_len().saturating_sub(at::ICV);
        clamp(self.bytes, at::ICV, n)
    }

    /// Everything after the header.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.header_len())
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        match f {
            Field::NextHeader => out.value(Value::UInt(self.next_header().into()), at::NEXT_HEADER),
            Field::Length => out.value(Value::UInt(self.length().into()), at::LENGTH),
            Field::Reserved => out.value(
                Value::Bytes(clamp(self.bytes, at::RESERVED.start, 2)),
                at::RESERVED,
            ),
            Field::Spi => out.value(Value::UInt(self.spi().into()), at::SPI),
            Field::Sequence => out.value(Value::UInt(self.sequence().into()), at::SEQUENCE),
            // tshark 4.0 prints "<MISSING>" when the length leaves no ICV.
            Field::Icv => {
                let icv = self.icv();
                let v = if icv.is_empty() {
                    Value::Static("<MISSING>")
                } else {
                    Value::Bytes(icv)
                };
                out.value(v, at::ICV..at::ICV + icv.len())
            }
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("Authentication Header");
    }
}

/// The plain values of an Authentication Header, for building packets.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct AhRepr {
    pub next_header: u8,
    pub spi: u32,
    pub sequence: u32,
    /// The ICV; `emit` zero-pads it to a multiple of 4 bytes and cuts it at
    /// the 1012 bytes the length field can describe.
    pub icv: Vec<u8>,
}

impl AhRepr {
    pub fn parse(v: &AhView) -> Self {
        AhRepr {
            next_header: v.next_header(),
            spi: v.spi(),
            sequence: v.sequence(),
            icv: v.icv().to_vec(),
        }
    }

    /// The header length `emit` writes.
    pub fn header_len(&self) -> usize {
        const MAX_ICV: usize = (255 + 2) * 4 - at::FIXED_LEN;
        at::FIXED_LEN + self.icv.len().min(MAX_ICV).next_multiple_of(4)
    }

    /// Append the header to `buf`, with its length field filled in.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let start = buf.len();
        let hl = self.header_len();
        buf.push(self.next_header);
        buf.push((hl / 4 - 2) as u8);
        buf.extend_from_slice(&[0, 0]);
        buf.extend_from_slice(&self.spi.to_be_bytes());
        buf.extend_from_slice(&self.sequence.to_be_bytes());
        buf.extend_from_slice(clamp(&self.icv, 0, hl - at::FIXED_LEN));
        buf.resize(start + hl, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, values};
    use proptest::prelude::*;

    fn text(v: &AhView, f: Field) -> String {
        values(FIELDS[f as usize].kind, |out| v.field(f, out)).join(",")
    }

    /// AH over IPv4 carrying an ICMP echo request (nDPI ah.pcapng, frame 5,
    /// after the IPv4 header; first 8 bytes of ICMP).
    const AH_ICMP: [u8; 32] = [
        0x01, 0x04, 0x00, 0x00, 0x60, 0x48, 0x16, 0xf6, 0x00, 0x00, 0x00, 0x01, 0xe7, 0x32, 0xab,
        0xac, 0xe1, 0xc6, 0x00, 0x46, 0xee, 0xc6, 0x41, 0xed, 0x08, 0x00, 0x67, 0x04, 0x00, 0x05,
        0x00, 0x01,
    ];

    /// AH with length 0 over IPv6 (zeek ipv6_zero_len_ah.pcap, frame 5):
    /// the ICMPv6 header starts 8 bytes in, inside the sequence number.
    const AH_ZERO_LEN: [u8; 20] = [
        0x3a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0xfa, 0xe6, 0x00, 0x00, 0x00,
        0x1f, 0x1f, 0x1f, 0x1f, 0x1f,
    ];

    #[test]
    fn reads_a_real_header() {
        let v = AhView::new(&AH_ICMP).unwrap();
        assert_eq!(v.next_header(), 1);
        assert_eq!(v.length(), 4);
        assert_eq!(v.header_len(), 24);
        assert_eq!(v.spi(), 0x604816f6);
        assert_eq!(v.sequence(), 1);
        assert_eq!(v.icv(), &AH_ICMP[12..24]);
        assert_eq!(v.payload(), &AH_ICMP[24..]);
        assert!(!v.is_truncated() && !v.is_short());
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Authentication Header");
        // As tshark 4.0 prints them.
        assert_eq!(text(&v, Field::NextHeader), "1");
        assert_eq!(text(&v, Field::Length), "4");
        assert_eq!(text(&v, Field::Reserved), "0000");
        assert_eq!(text(&v, Field::Spi), "0x604816f6");
        assert_eq!(text(&v, Field::Sequence), "1");
        assert_eq!(text(&v, Field::Icv), "e732abace1c60046eec641ed");
    }

    #[test]
    fn zero_length_as_tshark() {
        let v = AhView::new(&AH_ZERO_LEN).unwrap();
        assert!(v.is_short());
        assert_eq!(v.header_len(), 8);
        assert_eq!(v.next_header(), 58);
        assert_eq!(text(&v, Field::Spi), "0x00000000");
        assert_eq!(text(&v, Field::Sequence), "2147547878");
        assert_eq!(text(&v, Field::Icv), "<MISSING>");
        assert!(v.icv().is_empty());
        assert_eq!(&v.payload()[..4], &[0x80, 0x00, 0xfa, 0xe6]);
    }

    #[test]
    fn bad_inputs() {
        assert_eq!(
            AhView::new(&AH_ICMP[..11]).unwrap_err(),
            Error::Truncated {
                needed: 12,
                got: 11
            }
        );
        // Length 255 (1028 bytes) on 32: clamped.
        let mut b = AH_ICMP;
        b[1] = 255;
        let v = AhView::new(&b).unwrap();
        assert!(v.is_truncated());
        assert_eq!(v.header_len_field(), 1028);
        assert_eq!(v.header_len(), 32);
        assert!(v.payload().is_empty());
        assert_eq!(v.icv(), &b[12..]);
        // Cut inside the ICV.
        let v = AhView::new(&AH_ICMP[..16]).unwrap();
        assert_eq!(v.icv(), &AH_ICMP[12..16]);
        assert!(v.payload().is_empty());
    }

    #[test]
    fn real_header_round_trips() {
        let v = AhView::new(&AH_ICMP).unwrap();
        let mut out = Vec::new();
        AhRepr::parse(&v).emit(&mut out);
        assert_eq!(&out[..], &AH_ICMP[..24]);
    }

    proptest! {
        #[test]
        fn build_then_parse(
            next_header: u8, spi: u32, sequence: u32, words in 0usize..16,
            fill in proptest::collection::vec(any::<u8>(), 64),
        ) {
            let r = AhRepr { next_header, spi, sequence, icv: fill[..words * 4].to_vec() };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(b"next");
            let v = AhView::new(&buf).unwrap();
            prop_assert_eq!(AhRepr::parse(&v), r.clone());
            prop_assert_eq!(v.payload(), b"next");
            // etherparse, an independent parser, reads the same header.
            let (e, rest) = etherparse::IpAuthHeader::from_slice(&buf).unwrap();
            prop_assert_eq!(e.next_header.0, next_header);
            prop_assert_eq!(e.spi, spi);
            prop_assert_eq!(e.sequence_number, sequence);
            prop_assert_eq!(e.raw_icv(), &r.icv[..]);
            prop_assert_eq!(rest, b"next");
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(v) = AhView::new(&bytes) {
                assert_ranges_within(FIELDS, bytes.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                let _ = (v.payload(), v.icv());
            }
        }
    }
}
