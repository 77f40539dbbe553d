//! Fiber Distributed Data Interface (FDDI) MAC header (link type 10).
//!
//! Thirteen bytes: a frame control byte, then the destination and source
//! addresses. Asynchronous LLC frames (FC 0x50..=0x5f) carry an 802.2 LLC
//! header; everything else (tokens, SMT, MAC, synchronous and implementor
//! frames) is shown as data.
//!
//! Some capture sources store the addresses in FDDI's native bit order
//! (least significant bit first within each byte, "bit-swapped"). tshark
//! reads pcap link type 10 that way (`WTAP_ENCAP_FDDI_BITSWAPPED`) and
//! reverses the bits of every address byte before showing it; it also adds
//! a hidden second copy of each address in the other bit order, which shows
//! up in `-T fields` as a repeated `fddi.dst`, `fddi.src` and `fddi.addr`.
//! [`FddiView::field`] emits the same occurrences in the same order.

use crate::bytes::{array, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::fmt::Write as _;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const FC: Range<usize> = 0..1;
    pub const DST: Range<usize> = 1..7;
    pub const SRC: Range<usize> = 7..13;
    pub const HEADER_LEN: usize = 13;
}

/// Frame control values and masks.
pub mod fc {
    /// Class/length/format bits.
    pub const CLFF: u8 = 0xf0;
    /// Control bits.
    pub const ZZZZ: u8 = 0x0f;
    pub const VOID: u8 = 0x40;
    pub const NONRESTRICTED_TOKEN: u8 = 0x80;
    pub const RESTRICTED_TOKEN: u8 = 0xc0;
    /// Class of MAC frames.
    pub const MAC: u8 = 0xc0;
    /// Class of SMT frames.
    pub const SMT: u8 = 0x40;
    pub const SMT_INFO: u8 = 0x41;
    pub const SMT_NSA: u8 = 0x4f;
    pub const MAC_BEACON: u8 = 0xc2;
    pub const MAC_CLAIM: u8 = 0xc3;
    /// Class of asynchronous LLC frames (the ones that carry IP).
    pub const LLC_ASYNC: u8 = 0x50;
    /// Asynchronous LLC at the default priority 4 (what hosts send).
    pub const LLC_ASYNC_DEFAULT: u8 = 0x54;
    /// In an async LLC frame: the low bits are control bits, not a priority.
    pub const ASYNC_R: u8 = 0x08;
    /// In an async LLC frame: the priority.
    pub const ASYNC_PRIO: u8 = 0x07;
    /// Class of synchronous LLC frames.
    pub const LLC_SYNC: u8 = 0xd0;
    pub const IMP_ASYNC: u8 = 0x60;
    pub const IMP_SYNC: u8 = 0xe0;
}

/// pcap's link-layer header type for FDDI (tshark reads it bit-swapped).
pub const LINKTYPE_FDDI: u32 = 10;

field_table! {
    Fc: "fddi.fc", "Frame Control", Kind::Hex(2);
    FcClf: "fddi.fc.clf", "Class/Length/Format", Kind::Hex(2);
    FcPrio: "fddi.fc.prio", "Priority", Kind::Dec;
    FcSmtSubtype: "fddi.fc.smt_subtype", "SMT Subtype", Kind::Dec;
    FcMacSubtype: "fddi.fc.mac_subtype", "MAC Subtype", Kind::Dec;
    Dst: "fddi.dst", "Destination", Kind::Ether;
    Src: "fddi.src", "Source", Kind::Ether;
    Addr: "fddi.addr", "Source or Destination Address", Kind::Ether;
}

/// Reverse the bits of each byte of an address (FDDI's native order to
/// canonical order and back).
pub fn bitswap(mut a: [u8; 6]) -> [u8; 6] {
    for b in a.iter_mut() {
        *b = b.reverse_bits();
    }
    a
}

/// A view over an FDDI frame (header and payload).
#[derive(Clone, Copy, Debug)]
pub struct FddiView<'a> {
    bytes: &'a [u8],
    bitswapped: bool,
}

impl<'a> FddiView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold the 13-byte header. With
    /// `bitswapped`, the addresses on the wire are in FDDI bit order and the
    /// accessors return them in canonical order (what tshark does for pcap
    /// link type 10).
    pub fn new(bytes: &'a [u8], bitswapped: bool) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(FddiView { bytes, bitswapped })
    }

    /// Whether the addresses are read bit-swapped.
    pub fn bitswapped(&self) -> bool {
        self.bitswapped
    }

    /// The frame control byte.
    pub fn fc(&self) -> u8 {
        u8_at(self.bytes, at::FC.start).unwrap_or(0)
    }

    /// The destination address as stored in the frame.
    pub fn raw_dst(&self) -> [u8; 6] {
        array(self.bytes, at::DST.start).unwrap_or_default()
    }

    /// The source address as stored in the frame.
    pub fn raw_src(&self) -> [u8; 6] {
        array(self.bytes, at::SRC.start).unwrap_or_default()
    }

    /// The destination address in canonical bit order.
    pub fn dst(&self) -> [u8; 6] {
        self.canonical(self.raw_dst())
    }

    /// The source address in canonical bit order.
    pub fn src(&self) -> [u8; 6] {
        self.canonical(self.raw_src())
    }

    fn canonical(&self, a: [u8; 6]) -> [u8; 6] {
        if self.bitswapped {
            bitswap(a)
        } else {
            a
        }
    }

    /// Whether the frame is an asynchronous LLC frame (carries 802.2 LLC).
    pub fn is_llc(&self) -> bool {
        self.fc() & fc::CLFF == fc::LLC_ASYNC
    }

    pub fn header_len(&self) -> usize {
        at::HEADER_LEN
    }

    /// Everything after the header.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, at::HEADER_LEN)
    }

    /// What the payload holds: LLC for asynchronous LLC frames, else data.
    pub fn next_layer(&self) -> NextLayer {
        if self.is_llc() {
            NextLayer::Llc
        } else {
            NextLayer::Data
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let fcv = self.fc();
        match f {
            Field::Fc => out.value(Value::UInt(fcv.into()), at::FC),
            Field::FcClf => out.value(Value::UInt((fcv >> 4).into()), at::FC),
            Field::FcPrio => {
                if fcv & fc::CLFF == fc::LLC_ASYNC && fcv & fc::ASYNC_R == 0 {
                    out.value(Value::UInt((fcv & fc::ASYNC_PRIO).into()), at::FC)
                }
            }
            Field::FcSmtSubtype => {
                if fcv & fc::CLFF == fc::SMT {
                    out.value(Value::UInt((fcv & fc::ZZZZ).into()), at::FC)
                }
            }
            Field::FcMacSubtype => {
                if fcv & fc::CLFF == fc::MAC && fcv != fc::RESTRICTED_TOKEN {
                    out.value(Value::UInt((fcv & fc::ZZZZ).into()), at::FC)
                }
            }
            Field::Dst => {
                out.value(Value::Ether(self.dst()), at::DST);
                out.value(Value::Ether(bitswap(self.raw_dst())), at::DST);
            }
            Field::Src => {
                out.value(Value::Ether(self.src()), at::SRC);
                out.value(Value::Ether(bitswap(self.raw_src())), at::SRC);
            }
            Field::Addr => {
                out.value(Value::Ether(self.dst()), at::DST);
                out.value(Value::Ether(bitswap(self.raw_dst())), at::DST);
                out.value(Value::Ether(self.src()), at::SRC);
                out.value(Value::Ether(bitswap(self.raw_src())), at::SRC);
            }
        }
    }

    /// `Fiber Distributed Data Interface, Async LLC frame, priority 0`.
    pub fn title(&self, out: &mut String) {
        out.push_str("Fiber Distributed Data Interface, ");
        write_fc(out, self.fc());
    }
}

/// tshark's description of a frame control value.
fn write_fc(out: &mut String, v: u8) {
    let ctl = v & fc::ZZZZ;
    let _ = match v {
        fc::VOID => write!(out, "Void frame"),
        fc::NONRESTRICTED_TOKEN => write!(out, "Nonrestricted token"),
        fc::RESTRICTED_TOKEN => write!(out, "Restricted token"),
        fc::SMT_INFO => write!(out, "SMT info"),
        fc::SMT_NSA => write!(out, "SMT Next station address"),
        fc::MAC_BEACON => write!(out, "MAC beacon"),
        fc::MAC_CLAIM => write!(out, "MAC claim token"),
        _ => match v & fc::CLFF {
            fc::MAC => write!(out, "MAC frame, control {ctl:x}"),
            fc::SMT => write!(out, "SMT frame, control {ctl:x}"),
            fc::LLC_ASYNC if v & fc::ASYNC_R != 0 => {
                write!(out, "Async LLC frame, control {ctl:x}")
            }
            fc::LLC_ASYNC => write!(out, "Async LLC frame, priority {}", v & fc::ASYNC_PRIO),
            fc::LLC_SYNC if ctl != 0 => write!(out, "Sync LLC frame, control {ctl:x}"),
            fc::LLC_SYNC => write!(out, "Sync LLC frame"),
            fc::IMP_ASYNC => write!(out, "Implementor async frame, control {ctl:x}"),
            fc::IMP_SYNC => write!(out, "Implementor sync frame, control {ctl:x}"),
            _ => write!(out, "Unknown frame type"),
        },
    };
}

/// The plain values of an FDDI header, for building frames. Addresses are
/// in canonical bit order; `emit` swaps them when `bitswapped` is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FddiRepr {
    pub fc: u8,
    pub dst: [u8; 6],
    pub src: [u8; 6],
    pub bitswapped: bool,
}

impl FddiRepr {
    pub fn parse(v: &FddiView) -> Self {
        FddiRepr {
            fc: v.fc(),
            dst: v.dst(),
            src: v.src(),
            bitswapped: v.bitswapped(),
        }
    }

    /// Append the 13-byte header to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let conv = |a: [u8; 6]| if self.bitswapped { bitswap(a) } else { a };
        buf.push(self.fc);
        buf.extend_from_slice(&conv(self.dst));
        buf.extend_from_slice(&conv(self.src));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, values};
    use proptest::prelude::*;

    /// Frame 1 of zeek__llc.pcap (link type 10, bit-swapped addresses): an
    /// async LLC frame, SNAP, IPv4 TCP RST 128.3.140.132:2035 -> :80.
    const LLC_IP_TCP: [u8; 68] = [
        0x50, 0xaa, 0x00, 0x04, 0x00, 0x82, 0xa7, 0xaa, 0x00, 0x04, 0x00, 0x83, 0xa7, 0xaa, 0xaa,
        0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x28, 0x12, 0x52, 0x00, 0x00, 0x08,
        0x06, 0x49, 0x48, 0x80, 0x03, 0x8c, 0x84, 0xc2, 0x8c, 0x88, 0x22, 0x07, 0xf3, 0x00, 0x50,
        0x52, 0xc7, 0x3e, 0x0d, 0x52, 0xc7, 0x3e, 0x0d, 0x50, 0x04, 0x20, 0x00, 0x0e, 0xbe, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x01,
    ];

    fn collect(v: &FddiView, f: Field) -> Vec<String> {
        values(FIELDS[f as usize].kind, |out| v.field(f, out))
    }

    #[test]
    fn reads_a_real_bitswapped_frame_as_tshark() {
        let v = FddiView::new(&LLC_IP_TCP, true).unwrap();
        assert_eq!(v.fc(), 0x50);
        assert!(v.is_llc());
        assert_eq!(v.next_layer(), NextLayer::Llc);
        assert_eq!(v.dst(), [0x55, 0x00, 0x20, 0x00, 0x41, 0xe5]);
        assert_eq!(v.src(), [0x55, 0x00, 0x20, 0x00, 0xc1, 0xe5]);
        assert_eq!(v.header_len(), 13);
        assert_eq!(&v.payload()[..3], &[0xaa, 0xaa, 0x03]);
        // tshark -T fields prints these, hidden copies included.
        assert_eq!(collect(&v, Field::Fc), ["0x50"]);
        assert_eq!(collect(&v, Field::FcClf), ["0x05"]);
        assert_eq!(collect(&v, Field::FcPrio), ["0"]);
        assert!(collect(&v, Field::FcSmtSubtype).is_empty());
        assert_eq!(
            collect(&v, Field::Dst),
            ["55:00:20:00:41:e5", "55:00:20:00:41:e5"]
        );
        assert_eq!(
            collect(&v, Field::Addr),
            [
                "55:00:20:00:41:e5",
                "55:00:20:00:41:e5",
                "55:00:20:00:c1:e5",
                "55:00:20:00:c1:e5"
            ]
        );
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "Fiber Distributed Data Interface, Async LLC frame, priority 0"
        );
    }

    #[test]
    fn unswapped_shows_both_orders() {
        let v = FddiView::new(&LLC_IP_TCP, false).unwrap();
        assert_eq!(v.dst(), [0xaa, 0x00, 0x04, 0x00, 0x82, 0xa7]);
        assert_eq!(
            collect(&v, Field::Dst),
            ["aa:00:04:00:82:a7", "55:00:20:00:41:e5"]
        );
    }

    #[test]
    fn frame_control_classes() {
        let mut f = LLC_IP_TCP;
        let cases: &[(u8, &str, NextLayer)] = &[
            (0x80, "Nonrestricted token", NextLayer::Data),
            (0x41, "SMT info", NextLayer::Data),
            (0x43, "SMT frame, control 3", NextLayer::Data),
            (0xc5, "MAC frame, control 5", NextLayer::Data),
            (0x5c, "Async LLC frame, control c", NextLayer::Llc),
            (0xd0, "Sync LLC frame", NextLayer::Data),
            (0x61, "Implementor async frame, control 1", NextLayer::Data),
            (0x10, "Unknown frame type", NextLayer::Data),
        ];
        for &(fcv, name, next) in cases {
            f[0] = fcv;
            let v = FddiView::new(&f, true).unwrap();
            let mut t = String::new();
            v.title(&mut t);
            assert_eq!(t, format!("Fiber Distributed Data Interface, {name}"));
            assert_eq!(v.next_layer(), next);
        }
        f[0] = 0x43;
        let v = FddiView::new(&f, true).unwrap();
        assert_eq!(collect(&v, Field::FcSmtSubtype), ["3"]);
        f[0] = 0xc0;
        let v = FddiView::new(&f, true).unwrap();
        assert!(collect(&v, Field::FcMacSubtype).is_empty());
    }

    #[test]
    fn short_input_is_refused() {
        for n in 0..13 {
            assert!(FddiView::new(&LLC_IP_TCP[..n], true).is_err());
        }
        let v = FddiView::new(&LLC_IP_TCP[..13], true).unwrap();
        assert!(v.payload().is_empty());
    }

    proptest! {
        #[test]
        fn round_trip(fcv: u8, dst: [u8; 6], src: [u8; 6], swapped: bool,
                      body in proptest::collection::vec(any::<u8>(), 0..32)) {
            let r = FddiRepr { fc: fcv, dst, src, bitswapped: swapped };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&body);
            let v = FddiView::new(&buf, swapped).unwrap();
            prop_assert_eq!(FddiRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &body[..]);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40), swapped: bool) {
            if let Ok(v) = FddiView::new(&bytes, swapped) {
                assert_ranges_within(FIELDS, bytes.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                let mut t = String::new();
                v.title(&mut t);
            }
        }
    }
}
