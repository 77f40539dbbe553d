//! The Point-to-Point Protocol header (RFC 1661, RFC 1662) and, in
//! [`chdlc`], Cisco HDLC.
//!
//! On link types PPP (9) and PPP_SERIAL (50), inside GRE (PPTP) and after
//! PPPoE, a PPP frame may start with the HDLC address and control bytes
//! `ff 03` (absent when compressed away), then the protocol: two bytes, or
//! one when its value is odd (protocol-field compression). tshark calls the
//! layer `ppp`. A frame on those link types that starts `0f` or `8f` is
//! Cisco HDLC instead; tshark then shows an empty `ppp` layer followed by
//! `chdlc`.

use crate::bytes::{be16, tail, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use std::ops::Range;

/// Byte ranges of the address and control fields, when present.
mod at {
    use std::ops::Range;
    pub const ADDRESS: Range<usize> = 0..1;
    pub const CONTROL: Range<usize> = 1..2;
}

/// PPP protocol numbers of note.
pub mod protocol {
    pub const IPV4: u16 = 0x0021;
    pub const IPX: u16 = 0x002b;
    pub const MULTILINK: u16 = 0x003d;
    pub const IPV6: u16 = 0x0057;
    pub const MPLS_UNICAST: u16 = 0x0281;
    pub const MPLS_MULTICAST: u16 = 0x0283;
    pub const IPCP: u16 = 0x8021;
    pub const IPV6CP: u16 = 0x8057;
    pub const LCP: u16 = 0xc021;
    pub const PAP: u16 = 0xc023;
    pub const CHAP: u16 = 0xc223;
}

field_table! {
    Address: "ppp.address", "Address", Kind::Hex(2);
    Control: "ppp.control", "Control", Kind::Hex(2);
    Protocol: "ppp.protocol", "Protocol", Kind::Hex(4);
}

/// The EtherType of the payload a PPP protocol number announces, where
/// there is one: IPv4, IPv6, MPLS unicast and multicast, IPX.
pub fn ethertype_for(protocol: u16) -> Option<u16> {
    Some(match protocol {
        protocol::IPV4 => 0x0800,
        protocol::IPV6 => 0x86dd,
        protocol::MPLS_UNICAST => 0x8847,
        protocol::MPLS_MULTICAST => 0x8848,
        protocol::IPX => 0x8137,
        _ => return None,
    })
}

/// A frame on a PPP link type that is Cisco HDLC (first byte 0x0f unicast
/// or 0x8f multicast), as tshark decides.
pub fn is_chdlc(bytes: &[u8]) -> bool {
    matches!(bytes.first(), Some(0x0f | 0x8f))
}

/// A view over a PPP header and its payload.
#[derive(Clone, Copy, Debug)]
pub struct PppView<'a> {
    bytes: &'a [u8],
    /// Where the protocol field starts (2 after `ff 03`, else 0).
    proto_at: usize,
    /// 1 or 2 bytes; 0 when the frame is Cisco HDLC.
    proto_len: usize,
}

impl<'a> PppView<'a> {
    /// A view over a PPP frame as found on link types 9 and 50 and inside
    /// GRE: `ff 03` if present, then a 1- or 2-byte protocol. A Cisco HDLC
    /// frame gives an empty view ([`chdlc_follows`](Self::chdlc_follows)).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, 1)?;
        if is_chdlc(bytes) {
            return Ok(PppView {
                bytes,
                proto_at: 0,
                proto_len: 0,
            });
        }
        let proto_at = if bytes.first() == Some(&0xff) { 2 } else { 0 };
        Self::with_protocol_at(bytes, proto_at)
    }

    /// A view over a PPP frame with no address and control bytes, as PPPoE
    /// and L2TP carry it.
    pub fn new_without_hdlc(bytes: &'a [u8]) -> Result<Self, Error> {
        Self::with_protocol_at(bytes, 0)
    }

    fn with_protocol_at(bytes: &'a [u8], proto_at: usize) -> Result<Self, Error> {
        need(bytes, proto_at + 1)?;
        let first = u8_at(bytes, proto_at).unwrap_or(0);
        let proto_len = if first & 1 != 0 { 1 } else { 2 };
        need(bytes, proto_at + proto_len)?;
        Ok(PppView {
            bytes,
            proto_at,
            proto_len,
        })
    }

    /// The frame is Cisco HDLC: read it with [`chdlc::ChdlcView`].
    pub fn chdlc_follows(&self) -> bool {
        self.proto_len == 0
    }

    /// The address and control bytes are present.
    pub fn has_address_control(&self) -> bool {
        self.proto_at == 2
    }

    /// The address byte (0xff), when present.
    pub fn address(&self) -> Option<u8> {
        self.has_address_control()
            .then(|| u8_at(self.bytes, at::ADDRESS.start))?
    }

    /// The control byte (0x03), when present.
    pub fn control(&self) -> Option<u8> {
        self.has_address_control()
            .then(|| u8_at(self.bytes, at::CONTROL.start))?
    }

    fn protocol_range(&self) -> Range<usize> {
        self.proto_at..self.proto_at + self.proto_len
    }

    /// The PPP protocol number (0 for a Cisco HDLC frame); see
    /// [`ethertype_for`] for the EtherType it maps to.
    pub fn protocol(&self) -> u16 {
        match self.proto_len {
            1 => u8_at(self.bytes, self.proto_at).map_or(0, u16::from),
            2 => be16(self.bytes, self.proto_at).unwrap_or(0),
            _ => 0,
        }
    }

    /// The protocol field was compressed to one byte.
    pub fn protocol_compressed(&self) -> bool {
        self.proto_len == 1
    }

    pub fn header_len(&self) -> usize {
        self.proto_at + self.proto_len
    }

    /// Everything after the header.
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, self.header_len())
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        match f {
            Field::Address => {
                if let Some(a) = self.address() {
                    out.value(Value::UInt(a.into()), at::ADDRESS)
                }
            }
            Field::Control => {
                if let Some(c) = self.control() {
                    out.value(Value::UInt(c.into()), at::CONTROL)
                }
            }
            Field::Protocol => {
                if !self.chdlc_follows() {
                    out.value(Value::UInt(self.protocol().into()), self.protocol_range())
                }
            }
        }
    }

    /// `Point-to-Point Protocol`.
    pub fn title(&self, out: &mut String) {
        out.push_str("Point-to-Point Protocol");
    }
}

/// The plain values of a PPP header, for building frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PppRepr {
    /// Write the `ff 03` address and control bytes.
    pub address_control: bool,
    pub protocol: u16,
    /// Write the protocol as one byte (only done when it is below 0x100
    /// and odd, as RFC 1661 allows).
    pub compress_protocol: bool,
}

impl PppRepr {
    pub fn parse(v: &PppView) -> Self {
        PppRepr {
            address_control: v.has_address_control(),
            protocol: v.protocol(),
            compress_protocol: v.protocol_compressed(),
        }
    }

    /// Append the header to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        if self.address_control {
            buf.extend_from_slice(&[0xff, 0x03]);
        }
        if self.compress_protocol && self.protocol < 0x100 && self.protocol & 1 != 0 {
            buf.push(self.protocol as u8);
        } else {
            buf.extend_from_slice(&self.protocol.to_be_bytes());
        }
    }
}

/// Cisco HDLC (link type 104, and frames starting `0f`/`8f` on PPP link
/// types): address, control, and an EtherType. tshark calls it `chdlc`.
pub mod chdlc {
    use crate::bytes::{be16, tail, u8_at};
    use crate::error::{need, Error};
    use crate::field::{FieldSink, Kind, Value};
    use crate::field_table;

    /// Byte ranges of the header's fields.
    mod at {
        use std::ops::Range;
        pub const ADDRESS: Range<usize> = 0..1;
        pub const CONTROL: Range<usize> = 1..2;
        pub const PROTOCOL: Range<usize> = 2..4;
        pub const HEADER_LEN: usize = 4;
    }

    /// Address values.
    pub mod address {
        pub const UNICAST: u8 = 0x0f;
        pub const MULTICAST: u8 = 0x8f;
    }

    /// Protocol values that are not ordinary EtherTypes.
    pub mod protocol {
        /// Cisco Serial Line ARP (keepalives).
        pub const SLARP: u16 = 0x8035;
        pub const CDP: u16 = 0x2000;
    }

    field_table! {
        Address: "chdlc.address", "Address", Kind::Hex(2);
        Control: "chdlc.control", "Control", Kind::Hex(2);
        Protocol: "chdlc.protocol", "Protocol", Kind::Hex(4);
    }

    /// A view over a Cisco HDLC header and its payload.
    #[derive(Clone, Copy, Debug)]
    pub struct ChdlcView<'a> {
        bytes: &'a [u8],
    }

    impl<'a> ChdlcView<'a> {
        pub const HEADER_LEN: usize = at::HEADER_LEN;

        /// A view over `bytes`, which must hold the 4-byte header.
        pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
            need(bytes, at::HEADER_LEN)?;
            Ok(ChdlcView { bytes })
        }

        pub fn address(&self) -> u8 {
            u8_at(self.bytes, at::ADDRESS.start).unwrap_or(0)
        }

        pub fn control(&self) -> u8 {
            u8_at(self.bytes, at::CONTROL.start).unwrap_or(0)
        }

        /// The payload's protocol: an EtherType (or SLARP 0x8035, CDP 0x2000).
        pub fn protocol(&self) -> u16 {
            be16(self.bytes, at::PROTOCOL.start).unwrap_or(0)
        }

        pub fn header_len(&self) -> usize {
            at::HEADER_LEN
        }

        pub fn payload(&self) -> &'a [u8] {
            tail(self.bytes, at::HEADER_LEN)
        }

        pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
            match f {
                Field::Address => out.value(Value::UInt(self.address().into()), at::ADDRESS),
                Field::Control => out.value(Value::UInt(self.control().into()), at::CONTROL),
                Field::Protocol => out.value(Value::UInt(self.protocol().into()), at::PROTOCOL),
            }
        }

        /// `Cisco HDLC`.
        pub fn title(&self, out: &mut String) {
            out.push_str("Cisco HDLC");
        }
    }

    /// The plain values of a Cisco HDLC header, for building frames.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct ChdlcRepr {
        pub address: u8,
        pub control: u8,
        pub protocol: u16,
    }

    impl ChdlcRepr {
        pub fn parse(v: &ChdlcView) -> Self {
            ChdlcRepr {
                address: v.address(),
                control: v.control(),
                protocol: v.protocol(),
            }
        }

        /// Append the 4-byte header to `buf`.
        pub fn emit(&self, buf: &mut Vec<u8>) {
            buf.push(self.address);
            buf.push(self.control);
            buf.extend_from_slice(&self.protocol.to_be_bytes());
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::testing::each_field_text;
        use proptest::prelude::*;

        /// pcpp CiscoHDLC.pcap frames 1 and 3: IPv4 (unicast) and SLARP
        /// (multicast), first 6 bytes each.
        const IPV4: [u8; 6] = [0x0f, 0x00, 0x08, 0x00, 0x45, 0x00];
        const SLARP: [u8; 6] = [0x8f, 0x00, 0x80, 0x35, 0x00, 0x00];

        fn all(v: &ChdlcView) -> Vec<String> {
            each_field_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
        }

        #[test]
        fn real_headers() {
            let v = ChdlcView::new(&IPV4).unwrap();
            assert_eq!(
                all(&v),
                [
                    "chdlc.address=0x0f",
                    "chdlc.control=0x00",
                    "chdlc.protocol=0x0800"
                ]
            );
            assert_eq!(v.payload(), &[0x45, 0x00]);
            let mut t = String::new();
            v.title(&mut t);
            assert_eq!(t, "Cisco HDLC");
            let v = ChdlcView::new(&SLARP).unwrap();
            assert_eq!(v.address(), address::MULTICAST);
            assert_eq!(v.protocol(), protocol::SLARP);
            assert!(ChdlcView::new(&SLARP[..3]).is_err());
        }

        proptest! {
            #[test]
            fn build_then_parse(address: u8, control: u8, protocol: u16) {
                let r = ChdlcRepr { address, control, protocol };
                let mut buf = Vec::new();
                r.emit(&mut buf);
                prop_assert_eq!(ChdlcRepr::parse(&ChdlcView::new(&buf).unwrap()), r);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::each_field_text;
    use proptest::prelude::*;

    fn all(v: &PppView) -> Vec<String> {
        each_field_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// tcpdump bgp_vpn_attrset.pcap frame 1 (link type PPP), first 6 bytes.
    const HDLC_IPV4: [u8; 6] = [0xff, 0x03, 0x00, 0x21, 0x45, 0xc0];
    /// suricata defrag-bug-6887 ppp-ipv6 frame 1: a compressed protocol.
    const COMPRESSED_IPV6: [u8; 3] = [0x57, 0x60, 0x00];
    /// zeek quic-go handshake frame 1: no address/control, 2-byte protocol.
    const BARE_IPV6: [u8; 4] = [0x00, 0x57, 0x60, 0x00];
    /// tcpdump lspping-fec-ldp.pcap frame 1: MPLS unicast.
    const HDLC_MPLS: [u8; 6] = [0xff, 0x03, 0x02, 0x81, 0x18, 0x93];
    /// tcpdump mlppp-oobr.pcap frame 1: the whole (4-byte) frame, a
    /// compressed multilink protocol after ff 03.
    const MLPPP: [u8; 4] = [0xff, 0x03, 0x3d, 0x30];
    /// tcpdump ppp_error_hexdump.pcap frame 1: a control byte other than 03.
    const ODD_CONTROL: [u8; 5] = [0xff, 0x60, 0x7e, 0x80, 0x21];

    #[test]
    fn real_headers() {
        let v = PppView::new(&HDLC_IPV4).unwrap();
        assert_eq!(
            all(&v),
            [
                "ppp.address=0xff",
                "ppp.control=0x03",
                "ppp.protocol=0x0021"
            ]
        );
        assert_eq!(ethertype_for(v.protocol()), Some(0x0800));
        assert_eq!(v.payload(), &[0x45, 0xc0]);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Point-to-Point Protocol");

        let v = PppView::new(&COMPRESSED_IPV6).unwrap();
        assert_eq!(all(&v), ["ppp.protocol=0x0057"]);
        assert_eq!(
            (v.header_len(), ethertype_for(v.protocol())),
            (1, Some(0x86dd))
        );

        let v = PppView::new(&BARE_IPV6).unwrap();
        assert_eq!((v.header_len(), v.protocol()), (2, protocol::IPV6));

        let v = PppView::new(&HDLC_MPLS).unwrap();
        assert_eq!(ethertype_for(v.protocol()), Some(0x8847));

        let v = PppView::new(&MLPPP).unwrap();
        assert_eq!(
            all(&v),
            [
                "ppp.address=0xff",
                "ppp.control=0x03",
                "ppp.protocol=0x003d"
            ]
        );
        assert_eq!(v.payload(), &[0x30]);

        let v = PppView::new(&ODD_CONTROL).unwrap();
        assert_eq!(
            all(&v),
            [
                "ppp.address=0xff",
                "ppp.control=0x60",
                "ppp.protocol=0x7e80"
            ]
        );
        assert_eq!(ethertype_for(v.protocol()), None);
    }

    #[test]
    fn cisco_hdlc_on_a_ppp_link() {
        // pcpp CiscoHDLC.pcap frame 1's start, as tshark reads it on link type 9.
        let b = [0x0f, 0x00, 0x08, 0x00, 0x45];
        let v = PppView::new(&b).unwrap();
        assert!(v.chdlc_follows());
        assert_eq!(v.header_len(), 0);
        assert!(all(&v).is_empty());
        assert_eq!(
            chdlc::ChdlcView::new(v.payload()).unwrap().protocol(),
            0x0800
        );
    }

    #[test]
    fn truncation_and_no_hdlc() {
        assert!(PppView::new(&[]).is_err());
        assert!(PppView::new(&[0xff, 0x03]).is_err());
        assert!(PppView::new(&[0xff, 0x03, 0x00]).is_err());
        assert!(PppView::new(&[0x00]).is_err());
        // PPPoE carries no address/control: a leading ff would be a protocol byte.
        let v = PppView::new_without_hdlc(&[0xc0, 0x21, 0x01]).unwrap();
        assert_eq!(v.protocol(), protocol::LCP);
    }

    proptest! {
        #[test]
        fn build_then_parse(address_control: bool, hi in 0u8..=255, lo in 0u8..=255, compress: bool,
                            payload in proptest::collection::vec(any::<u8>(), 0..16)) {
            // Valid PPP protocol numbers: high byte even, low byte odd.
            let protocol = u16::from_be_bytes([hi & 0xfe, lo | 1]);
            let compress_protocol = compress && protocol < 0x100 && protocol != 0xff;
            let r = PppRepr { address_control, protocol, compress_protocol };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&payload);
            // Leading 0f/8f would be Cisco HDLC.
            prop_assume!(!is_chdlc(&buf));
            let v = PppView::new(&buf).unwrap();
            prop_assert_eq!(PppRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &payload[..]);
        }

        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..8)) {
            for v in [PppView::new(&b), PppView::new_without_hdlc(&b)].into_iter().flatten() {
                let _ = (all(&v), v.payload(), v.protocol());
                assert!(v.header_len() <= b.len());
            }
        }
    }
}
