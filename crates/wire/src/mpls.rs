//! One MPLS label stack entry (RFC 3032).
//!
//! Four bytes: a 20-bit label, 3 traffic-class bits (tshark 4.0 still calls
//! them "experimental", `mpls.exp`), the bottom-of-stack bit and a TTL. The
//! dissector makes one view per entry and, after the bottom one, guesses
//! the payload with [`guess_payload`] as tshark does: IPv4 or IPv6 by the
//! first nibble, else an Ethernet pseudowire with or without a control word.

use crate::bytes::{be16, be32, tail};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::fmt::Write as _;

/// Byte ranges of the entry.
mod at {
    use std::ops::Range;
    pub const ENTRY: Range<usize> = 0..4;
    pub const HEADER_LEN: usize = 4;
}

/// Reserved label values.
pub mod label {
    pub const IPV4_EXPLICIT_NULL: u32 = 0;
    pub const ROUTER_ALERT: u32 = 1;
    pub const IPV6_EXPLICIT_NULL: u32 = 2;
    pub const IMPLICIT_NULL: u32 = 3;
    pub const ENTROPY_LABEL_INDICATOR: u32 = 7;
    /// Generic Associated Channel Label: a PW associated channel header follows.
    pub const GAL: u32 = 13;
    pub const OAM_ALERT: u32 = 14;
    /// Labels up to this value are reserved.
    pub const MAX_RESERVED: u32 = 15;
}

field_table! {
    Label: "mpls.label", "MPLS Label", Kind::Dec;
    Exp: "mpls.exp", "MPLS Experimental Bits", Kind::Dec;
    Bottom: "mpls.bottom", "MPLS Bottom Of Label Stack", Kind::Dec;
    Ttl: "mpls.ttl", "MPLS TTL", Kind::Dec;
}

/// tshark 4.0's names for reserved labels (0..=15), as in the title.
fn special_label_name(l: u32) -> &'static str {
    match l {
        0 => "IPv4 Explicit-Null",
        1 => "Router Alert",
        2 => "IPv6 Explicit-Null",
        3 => "Implicit-Null",
        7 => "Entropy Label Indicator (ELI)",
        13 => "Generic Associated Channel Label (GAL)",
        14 => "OAM Alert",
        _ => "Reserved - Unknown",
    }
}

/// A view over one label stack entry and what follows it.
#[derive(Clone, Copy, Debug)]
pub struct MplsView<'a> {
    bytes: &'a [u8],
}

impl<'a> MplsView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold the 4-byte entry.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(MplsView { bytes })
    }

    fn entry(&self) -> u32 {
        be32(self.bytes, at::ENTRY.start).unwrap_or(0)
    }

    /// The 20-bit label.
    pub fn label(&self) -> u32 {
        self.entry() >> 12
    }

    /// The 3 traffic-class (formerly experimental) bits.
    pub fn tc(&self) -> u8 {
        ((self.entry() >> 9) & 7) as u8
    }

    /// This is the last entry of the stack: the payload follows.
    pub fn bottom_of_stack(&self) -> bool {
        self.entry() & 0x100 != 0
    }

    pub fn ttl(&self) -> u8 {
        (self.entry() & 0xff) as u8
    }

    pub fn header_len(&self) -> usize {
        at::HEADER_LEN
    }

    /// Everything after this entry (the next entry, or the payload).
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, at::HEADER_LEN)
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let v = match f {
            Field::Label => self.label(),
            Field::Exp => self.tc().into(),
            Field::Bottom => self.bottom_of_stack().into(),
            Field::Ttl => self.ttl().into(),
        };
        out.value(Value::UInt(v.into()), at::ENTRY)
    }

    /// `MultiProtocol Label Switching Header, Label: 29, Exp: 0, S: 1, TTL: 255`
    /// (reserved labels get their name: `Label: 0 (IPv4 Explicit-Null)`).
    pub fn title(&self, out: &mut String) {
        let l = self.label();
        let _ = write!(out, "MultiProtocol Label Switching Header, Label: {l}");
        if l <= label::MAX_RESERVED {
            let _ = write!(out, " ({})", special_label_name(l));
        }
        let _ = write!(
            out,
            ", Exp: {}, S: {}, TTL: {}",
            self.tc(),
            u8::from(self.bottom_of_stack()),
            self.ttl()
        );
    }
}

/// What follows the bottom of an MPLS label stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload {
    Ipv4,
    Ipv6,
    /// An Ethernet pseudowire: skip this many bytes (0, or 4 for the
    /// control word) to reach the Ethernet header.
    Ethernet(usize),
    /// Something else (tshark shows a PW associated channel for a first
    /// nibble of 1, else data).
    Unknown,
}

/// EtherTypes that make a pseudowire's Ethernet header believable.
fn plausible_ethertype(t: Option<u16>) -> bool {
    matches!(
        t,
        Some(0x0800 | 0x86dd | 0x0806 | 0x8100 | 0x88a8 | 0x9100 | 0x8847 | 0x8848)
    )
}

/// Guess what follows the bottom label, as tshark 4.0 does: a first nibble
/// of 4 or 6 is IP; 0 is an Ethernet pseudowire. tshark decides whether it
/// starts with a 4-byte control word (first nibble 0 as well) by looking
/// both MAC addresses up in its OUI database; lacking one, this looks for a
/// believable EtherType where a header without control word would have it
/// (and not where one with a control word would).
pub fn guess_payload(payload: &[u8]) -> Payload {
    match payload.first().map(|b| b >> 4) {
        Some(4) => Payload::Ipv4,
        Some(6) => Payload::Ipv6,
        Some(0) => {
            // No control word only when the EtherType sits where a bare
            // Ethernet header has it and not where one after a CW has it.
            let plain =
                plausible_ethertype(be16(payload, 12)) && !plausible_ethertype(be16(payload, 16));
            if payload.len() >= 18 && !plain {
                Payload::Ethernet(4)
            } else if payload.len() >= 14 {
                Payload::Ethernet(0)
            } else {
                Payload::Unknown
            }
        }
        _ => Payload::Unknown,
    }
}

/// The plain values of a label stack entry, for building packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MplsRepr {
    /// 20 bits (higher bits are dropped).
    pub label: u32,
    /// 3 bits (higher bits are dropped).
    pub tc: u8,
    pub bottom: bool,
    pub ttl: u8,
}

impl MplsRepr {
    pub fn parse(v: &MplsView) -> Self {
        MplsRepr {
            label: v.label(),
            tc: v.tc(),
            bottom: v.bottom_of_stack(),
            ttl: v.ttl(),
        }
    }

    /// Append the 4-byte entry to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let e = (self.label & 0xf_ffff) << 12
            | u32::from(self.tc & 7) << 9
            | u32::from(self.bottom) << 8
            | u32::from(self.ttl);
        buf.extend_from_slice(&e.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{each_field_text, string_of};
    use proptest::prelude::*;

    fn all(v: &MplsView) -> Vec<String> {
        each_field_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    fn title(v: &MplsView) -> String {
        string_of(|t| v.title(t))
    }

    /// arkime mpls-basic.pcap frame 9, bytes 14..20: label 29, then IPv4.
    const LABEL_29: [u8; 6] = [0x00, 0x01, 0xd1, 0xff, 0x45, 0x00];
    /// tcpdump lspping-fec-ldp.pcap frame 1, bytes 4..10: label 100656, exp 6.
    const LABEL_100656: [u8; 6] = [0x18, 0x93, 0x0d, 0x40, 0x45, 0xc0];

    #[test]
    fn real_entries() {
        let v = MplsView::new(&LABEL_29).unwrap();
        assert_eq!(
            title(&v),
            "MultiProtocol Label Switching Header, Label: 29, Exp: 0, S: 1, TTL: 255"
        );
        assert_eq!(
            all(&v),
            [
                "mpls.label=29",
                "mpls.exp=0",
                "mpls.bottom=1",
                "mpls.ttl=255"
            ]
        );
        assert!(v.bottom_of_stack());
        assert_eq!(guess_payload(v.payload()), Payload::Ipv4);
        let v = MplsView::new(&LABEL_100656).unwrap();
        assert_eq!(
            title(&v),
            "MultiProtocol Label Switching Header, Label: 100656, Exp: 6, S: 1, TTL: 64"
        );
        assert!(MplsView::new(&LABEL_29[..3]).is_err());
    }

    #[test]
    fn reserved_labels_are_named() {
        // Titles as tshark 4.0 prints them for crafted entries.
        for (l, name) in [
            (0, "IPv4 Explicit-Null"),
            (3, "Implicit-Null"),
            (7, "Entropy Label Indicator (ELI)"),
            (13, "Generic Associated Channel Label (GAL)"),
            (15, "Reserved - Unknown"),
        ] {
            let mut b = Vec::new();
            MplsRepr {
                label: l,
                tc: 0,
                bottom: true,
                ttl: 255,
            }
            .emit(&mut b);
            assert_eq!(
                title(&MplsView::new(&b).unwrap()),
                format!("MultiProtocol Label Switching Header, Label: {l} ({name}), Exp: 0, S: 1, TTL: 255")
            );
        }
    }

    /// suricata decode-too-many-layers-input.pcap frame 1, bytes 14..50: a
    /// label (16, bottom), a zero control word, then an Ethernet header
    /// (type 0x8847) and the next label.
    const PW_WITH_CW: [u8; 36] = [
        0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x01,
        0x02, 0x03, 0x04, 0x05, 0x07, 0x88, 0x47, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
    ];

    #[test]
    fn ethernet_pseudowires() {
        let v = MplsView::new(&PW_WITH_CW).unwrap();
        assert_eq!((v.label(), v.bottom_of_stack(), v.ttl()), (16, true, 0));
        assert_eq!(guess_payload(v.payload()), Payload::Ethernet(4));
        // Without a control word: a 00:1b:21 destination and IPv4 at byte 12.
        let mut plain = vec![
            0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc, 0x00, 0x1b, 0x21, 0xdd, 0xee, 0xff,
        ];
        plain.extend_from_slice(&[0x08, 0x00, 0x45, 0x00, 0x00, 0x14, 0x00, 0x00]);
        assert_eq!(guess_payload(&plain), Payload::Ethernet(0));
        assert_eq!(guess_payload(&[0x60, 0, 0, 0]), Payload::Ipv6);
        assert_eq!(guess_payload(&[0x10, 0, 0, 0x21]), Payload::Unknown);
        assert_eq!(guess_payload(&[0x5a, 1, 2]), Payload::Unknown);
        assert_eq!(guess_payload(&[0x00, 0, 0, 0]), Payload::Unknown);
        assert_eq!(guess_payload(&[]), Payload::Unknown);
    }

    proptest! {
        #[test]
        fn build_then_parse(label in 0u32..0x10_0000, tc in 0u8..8, bottom: bool, ttl: u8,
                            payload in proptest::collection::vec(any::<u8>(), 0..16)) {
            let r = MplsRepr { label, tc, bottom, ttl };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&payload);
            let v = MplsView::new(&buf).unwrap();
            prop_assert_eq!(MplsRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &payload[..]);
        }

        #[test]
        fn guess_never_panics(b in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Payload::Ethernet(skip) = guess_payload(&b) {
                prop_assert!(skip + 14 <= b.len());
            }
        }
    }
}
