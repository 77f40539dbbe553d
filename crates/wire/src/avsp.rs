//! Arista Vendor Specific Protocol, EtherType 0xd28b.
//!
//! A 16-bit subtype. Subtype 1 is a timestamp: a 16-bit version, then an
//! IEEE 1588 time of day, 64-bit (32-bit seconds and nanoseconds, versions
//! 0x0010 TAI and 0x0110 UTC) or 48-bit (16-bit seconds, versions 0x0020
//! and 0x0120). The EtherType of the original frame follows, dispatched as
//! tshark's ethertype dissector does; what the upper layer leaves is
//! `avsp.trailer` ([`AvspView::set_trailer`]). tshark 4.0 stops at a
//! timestamp version it does not know (no EtherType, no payload), and for
//! other subtypes reads the EtherType right after the subtype.

use crate::bytes::{be16, be32, tail};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::ops::Range;

/// Byte ranges of the fixed fields.
mod at {
    use std::ops::Range;
    pub const SUBTYPE: Range<usize> = 0..2;
    pub const VERSION: Range<usize> = 2..4;
    pub const TS: usize = 4;
    pub const ETHERTYPE_LEN: usize = 2;
}

/// The EtherType of AVSP.
pub const ETHERTYPE: u16 = 0xd28b;

/// The timestamp subtype.
pub const SUBTYPE_TIMESTAMP: u16 = 1;

/// Timestamp versions tshark 4.0 knows.
pub mod version {
    pub const TS64_TAI: u16 = 0x0010;
    pub const TS64_UTC: u16 = 0x0110;
    pub const TS48_TAI: u16 = 0x0020;
    pub const TS48_UTC: u16 = 0x0120;
}

field_table! {
    SubType: "avsp.sub_type", "Sub Type", Kind::Dec;
    Ver: "avsp.ver", "Version", Kind::Hex(4);
    Ts64: "avsp.64ts", "Timestamp (TAI)", Kind::None;
    Sec64: "avsp.64sec", "Seconds", Kind::Dec;
    Ns64: "avsp.64ns", "Nanoseconds", Kind::Dec;
    Ts48: "avsp.48ts", "Timestamp (TAI)", Kind::None;
    Sec48: "avsp.48sec", "Seconds", Kind::Dec;
    Ns48: "avsp.48ns", "Nanoseconds", Kind::Dec;
    Etype: "avsp.etype", "Type", Kind::Hex(4);
    Trailer: "avsp.trailer", "Trailer", Kind::Bytes;
}

/// A timestamp from a subtype 1 header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AvspTimestamp {
    pub seconds: u32,
    pub nanoseconds: u32,
    /// The 48-bit form (16-bit seconds).
    pub short: bool,
    /// UTC (versions 0x01xx) rather than TAI.
    pub utc: bool,
}

/// The shape of the header: where the timestamp and the EtherType are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Layout {
    /// Timestamp bytes (subtype 1 with a known version).
    ts: Option<(usize, usize)>,
    /// Where the EtherType is; `None` for an unknown timestamp version.
    etype: Option<usize>,
}

fn layout(b: &[u8]) -> Layout {
    if be16(b, at::SUBTYPE.start) != Some(SUBTYPE_TIMESTAMP) {
        return Layout {
            ts: None,
            etype: Some(at::SUBTYPE.end),
        };
    }
    let len = match be16(b, at::VERSION.start) {
        Some(version::TS64_TAI | version::TS64_UTC) => 8,
        Some(version::TS48_TAI | version::TS48_UTC) => 6,
        _ => {
            return Layout {
                ts: None,
                etype: None,
            }
        }
    };
    Layout {
        ts: Some((at::TS, at::TS + len)),
        etype: Some(at::TS + len),
    }
}

/// A view over an AVSP header and the original frame's payload.
#[derive(Clone, Copy, Debug)]
pub struct AvspView<'a> {
    bytes: &'a [u8],
    layout: Layout,
    /// Bytes at the end the upper layer did not use (set by the dissector).
    trailer: usize,
}

impl<'a> AvspView<'a> {
    /// A view over `bytes`, which must hold the header its subtype and
    /// version call for (4 bytes for an unknown timestamp version).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::SUBTYPE.end)?;
        let layout = layout(bytes);
        need(
            bytes,
            layout
                .etype
                .map_or(at::VERSION.end, |e| e + at::ETHERTYPE_LEN),
        )?;
        Ok(AvspView {
            bytes,
            layout,
            trailer: 0,
        })
    }

    pub fn subtype(&self) -> u16 {
        be16(self.bytes, at::SUBTYPE.start).unwrap_or(0)
    }

    /// The timestamp version (subtype 1).
    pub fn version(&self) -> Option<u16> {
        if self.subtype() != SUBTYPE_TIMESTAMP {
            return None;
        }
        be16(self.bytes, at::VERSION.start)
    }

    /// The timestamp (subtype 1 with a known version).
    pub fn timestamp(&self) -> Option<AvspTimestamp> {
        let (start, end) = self.layout.ts?;
        let short = end - start == 6;
        let seconds = if short {
            be16(self.bytes, start)?.into()
        } else {
            be32(self.bytes, start)?
        };
        Some(AvspTimestamp {
            seconds,
            nanoseconds: be32(self.bytes, end - 4)?,
            short,
            utc: self.version()? & 0x0100 != 0,
        })
    }

    /// The original frame's EtherType (none after an unknown timestamp
    /// version).
    pub fn ethertype(&self) -> Option<u16> {
        be16(self.bytes, self.layout.etype?)
    }

    pub fn header_len(&self) -> usize {
        self.layout
            .etype
            .map_or(at::VERSION.end, |e| e + at::ETHERTYPE_LEN)
    }

    /// The original frame's payload (empty after an unknown version).
    pub fn payload(&self) -> &'a [u8] {
        if self.layout.etype.is_none() {
            return &[];
        }
        tail(self.bytes, self.header_len())
    }

    /// Dispatch on the EtherType; nothing after an unknown version.
    pub fn next_layer(&self) -> NextLayer {
        match self.ethertype() {
            Some(t) => NextLayer::EtherType(t),
            None => NextLayer::Done,
        }
    }

    /// Record that the last `n` bytes are a trailer the upper layer left.
    pub fn set_trailer(&mut self, n: usize) {
        self.trailer = n.min(self.payload().len());
    }

    /// The trailer recorded by [`Self::set_trailer`], with its offset.
    pub fn trailer(&self) -> Option<(&'a [u8], usize)> {
        let start = self.bytes.len().saturating_sub(self.trailer);
        (self.trailer > 0).then(|| (tail(self.bytes, start), start))
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let ts = self.timestamp().zip(self.layout.ts);
        let ts_field = |short: bool, part: u8, out: &mut dyn FieldSink<'a>| {
            if let Some((t, (start, end))) = ts.filter(|(t, _)| t.short == short) {
                let (v, r): (Value, Range<usize>) = match part {
                    0 => (Value::Present, start..end),
                    1 => (Value::UInt(t.seconds.into()), start..end - 4),
                    _ => (Value::UInt(t.nanoseconds.into()), end - 4..end),
                };
                out.value(v, r)
            }
        };
        match f {
            Field::SubType => out.value(Value::UInt(self.subtype().into()), at::SUBTYPE),
            Field::Ver => {
                if let Some(v) = self.version() {
                    out.value(Value::UInt(v.into()), at::VERSION)
                }
            }
            Field::Ts64 => ts_field(false, 0, out),
            Field::Sec64 => ts_field(false, 1, out),
            Field::Ns64 => ts_field(false, 2, out),
            Field::Ts48 => ts_field(true, 0, out),
            Field::Sec48 => ts_field(true, 1, out),
            Field::Ns48 => ts_field(true, 2, out),
            Field::Etype => {
                if let (Some(t), Some(o)) = (self.ethertype(), self.layout.etype) {
                    out.value(Value::UInt(t.into()), o..o + at::ETHERTYPE_LEN)
                }
            }
            Field::Trailer => {
                if let Some((t, start)) = self.trailer() {
                    out.value(Value::Bytes(t), start..start + t.len())
                }
            }
        }
    }

    /// `Arista Vendor Specific Protocol`.
    pub fn title(&self, out: &mut String) {
        out.push_str("Arista Vendor Specific Protocol");
    }
}

/// The plain values of an AVSP header, for building frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AvspRepr {
    pub subtype: u16,
    /// Subtype 1 only.
    pub version: u16,
    /// Subtype 1 with a known version; 16 bits in the 48-bit forms.
    pub seconds: u32,
    pub nanoseconds: u32,
    /// Not written after an unknown timestamp version.
    pub ethertype: u16,
}

impl AvspRepr {
    /// A 64-bit TAI timestamp header.
    pub fn timestamp64(seconds: u32, nanoseconds: u32, ethertype: u16) -> Self {
        AvspRepr {
            subtype: SUBTYPE_TIMESTAMP,
            version: version::TS64_TAI,
            seconds,
            nanoseconds,
            ethertype,
        }
    }

    pub fn parse(v: &AvspView) -> Self {
        let ts = v.timestamp();
        AvspRepr {
            subtype: v.subtype(),
            version: v.version().unwrap_or(0),
            seconds: ts.map_or(0, |t| t.seconds),
            nanoseconds: ts.map_or(0, |t| t.nanoseconds),
            ethertype: v.ethertype().unwrap_or(0),
        }
    }

    /// Append the header.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.subtype.to_be_bytes());
        if self.subtype == SUBTYPE_TIMESTAMP {
            buf.extend_from_slice(&self.version.to_be_bytes());
            match self.version {
                version::TS64_TAI | version::TS64_UTC => {
                    buf.extend_from_slice(&self.seconds.to_be_bytes())
                }
                version::TS48_TAI | version::TS48_UTC => {
                    buf.extend_from_slice(&(self.seconds as u16).to_be_bytes())
                }
                _ => return,
            }
            buf.extend_from_slice(&self.nanoseconds.to_be_bytes());
        }
        buf.extend_from_slice(&self.ethertype.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::each_field_text;
    use proptest::prelude::*;

    fn all<'a>(v: &AvspView<'a>) -> Vec<String> {
        each_field_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// tcpdump arista_ether.pcap frame 1, bytes 14..40: 64-bit TAI, IPv4.
    const TS64: [u8; 26] = [
        0x00, 0x01, 0x00, 0x10, 0x5c, 0xee, 0xed, 0x57, 0x38, 0x4f, 0x59, 0xc8, 0x08, 0x00, 0x45,
        0x00, 0x00, 0x52, 0x00, 0x00, 0x00, 0x00, 0x40, 0x3f, 0x4d, 0xac,
    ];
    /// Frame 2: version 0x0011, unknown to tshark 4.0.
    const UNKNOWN: [u8; 26] = [
        0x00, 0x01, 0x00, 0x11, 0x5c, 0xee, 0xed, 0x58, 0x19, 0xc3, 0x8c, 0x2c, 0x81, 0x00, 0x00,
        0x64, 0x08, 0x00, 0x45, 0x00, 0x00, 0x4e, 0x00, 0x00, 0x00, 0x00,
    ];
    /// Frame 13: 48-bit UTC, IPv4.
    const TS48: [u8; 26] = [
        0x00, 0x01, 0x01, 0x20, 0xed, 0xa0, 0x38, 0xec, 0x11, 0xc8, 0x08, 0x00, 0x45, 0x00, 0x00,
        0x52, 0x00, 0x00, 0x00, 0x00, 0x40, 0x3f, 0x4d, 0xac, 0x0a, 0x88,
    ];
    /// Frame 5: 64-bit UTC.
    const TS64_UTC: [u8; 14] = [
        0x00, 0x01, 0x01, 0x10, 0x5c, 0xee, 0xed, 0x7c, 0x1a, 0xc2, 0x27, 0xa3, 0x08, 0x00,
    ];

    #[test]
    fn timestamps_as_tshark_shows_them() {
        let v = AvspView::new(&TS64).unwrap();
        assert_eq!(
            all(&v),
            [
                "avsp.sub_type=1",
                "avsp.ver=0x0010",
                "avsp.64ts=1",
                "avsp.64sec=1559162199",
                "avsp.64ns=944724424",
                "avsp.etype=0x0800",
            ]
        );
        assert_eq!(v.header_len(), 14);
        assert_eq!(v.payload(), &TS64[14..]);
        assert_eq!(v.next_layer(), NextLayer::EtherType(0x0800));
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Arista Vendor Specific Protocol");

        let v = AvspView::new(&TS48).unwrap();
        assert_eq!(
            all(&v),
            [
                "avsp.sub_type=1",
                "avsp.ver=0x0120",
                "avsp.48ts=1",
                "avsp.48sec=60832",
                "avsp.48ns=954995144",
                "avsp.etype=0x0800",
            ]
        );
        assert_eq!(v.header_len(), 12);
        assert!(v.timestamp().unwrap().utc);

        let v = AvspView::new(&TS64_UTC).unwrap();
        assert_eq!(v.timestamp().map(|t| t.seconds), Some(1559162236));
        assert_eq!(v.timestamp().map(|t| t.nanoseconds), Some(448931747));
    }

    #[test]
    fn unknown_version_stops() {
        let v = AvspView::new(&UNKNOWN).unwrap();
        assert_eq!(all(&v), ["avsp.sub_type=1", "avsp.ver=0x0011"]);
        assert_eq!(v.next_layer(), NextLayer::Done);
        assert!(v.payload().is_empty());
        assert_eq!(v.header_len(), 4);
    }

    #[test]
    fn other_subtypes_and_trailer() {
        // Crafted (checked with tshark 4.0): subtype 2, then the EtherType.
        let b = [0x00, 0x02, 0x08, 0x00, 0x45, 0x00, 0xca, 0xfe];
        let mut v = AvspView::new(&b).unwrap();
        v.set_trailer(2);
        assert_eq!(
            all(&v),
            ["avsp.sub_type=2", "avsp.etype=0x0800", "avsp.trailer=cafe"]
        );
        assert_eq!(v.payload(), &b[4..]);
        assert!(AvspView::new(&b[..3]).is_err());
        assert!(AvspView::new(&TS64[..13]).is_err());
        assert!(AvspView::new(&UNKNOWN[..4]).is_ok());
    }

    #[test]
    fn builder() {
        let r = AvspRepr::timestamp64(1559162199, 944724424, 0x0800);
        let mut b = Vec::new();
        r.emit(&mut b);
        assert_eq!(b, TS64[..14]);
    }

    proptest! {
        #[test]
        fn build_then_parse(subtype in 0u16..4, v in 0usize..4, seconds: u32, nanoseconds: u32,
                            ethertype: u16, payload in proptest::collection::vec(any::<u8>(), 0..16)) {
            let versions = [version::TS64_TAI, version::TS64_UTC, version::TS48_TAI, version::TS48_UTC];
            let ts = subtype == SUBTYPE_TIMESTAMP;
            let version = if ts { versions[v] } else { 0 };
            let seconds = match version {
                0 => 0,
                version::TS48_TAI | version::TS48_UTC => seconds & 0xffff,
                _ => seconds,
            };
            let r = AvspRepr { subtype, version, seconds,
                               nanoseconds: if ts { nanoseconds } else { 0 }, ethertype };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let hl = buf.len();
            buf.extend_from_slice(&payload);
            let view = AvspView::new(&buf).unwrap();
            prop_assert_eq!(AvspRepr::parse(&view), r);
            prop_assert_eq!(view.header_len(), hl);
            prop_assert_eq!(view.payload(), &payload[..]);
        }

        #[test]
        fn hostile_bytes_do_not_panic(b in proptest::collection::vec(any::<u8>(), 0..24), n: usize) {
            if let Ok(mut v) = AvspView::new(&b) {
                v.set_trailer(n);
                let _ = (v.payload(), v.next_layer(), v.trailer(), v.timestamp());
                let _ = all(&v);
                let mut t = String::new();
                v.title(&mut t);
            }
        }
    }
}
