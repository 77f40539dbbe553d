//! IP Encapsulating Security Payload (RFC 4303). tshark calls it `esp`.
//!
//! Only the SPI and the sequence number are in the clear; the rest (IV,
//! encrypted data, padding, next header, ICV) cannot be read without the
//! keys, so the dissector stops after this layer.

use crate::bytes::{be32, tail};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;

/// Byte ranges of the header's fields.
mod at {
    use std::ops::Range;
    pub const SPI: Range<usize> = 0..4;
    pub const SEQUENCE: Range<usize> = 4..8;
    pub const HEADER_LEN: usize = 8;
}

field_table! {
    Spi: "esp.spi", "ESP SPI", Kind::Hex(8);
    Sequence: "esp.sequence", "ESP Sequence", Kind::Dec;
}

/// A view over an ESP packet.
#[derive(Clone, Copy, Debug)]
pub struct EspView<'a> {
    bytes: &'a [u8],
}

impl<'a> EspView<'a> {
    pub const HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold the 8-byte SPI and sequence.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        Ok(EspView { bytes })
    }

    /// The security parameters index. 0 is reserved; in UDP-encapsulated
    /// traffic on port 4500 a zero first word marks IKE instead (RFC 3948),
    /// which the dissector checks before making this view.
    pub fn spi(&self) -> u32 {
        be32(self.bytes, at::SPI.start).unwrap_or(0)
    }

    pub fn sequence(&self) -> u32 {
        be32(self.bytes, at::SEQUENCE.start).unwrap_or(0)
    }

    pub fn header_len(&self) -> usize {
        at::HEADER_LEN
    }

    /// The encrypted rest of the packet (everything after SPI and sequence).
    pub fn payload(&self) -> &'a [u8] {
        tail(self.bytes, at::HEADER_LEN)
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        match f {
            Field::Spi => out.value(Value::UInt(self.spi().into()), at::SPI),
            Field::Sequence => out.value(Value::UInt(self.sequence().into()), at::SEQUENCE),
        }
    }

    pub fn title(&self, out: &mut String) {
        out.push_str("Encapsulating Security Payload");
    }
}

/// The clear-text header of an ESP packet, for building packets (the
/// encrypted payload follows it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct EspRepr {
    pub spi: u32,
    pub sequence: u32,
}

impl EspRepr {
    pub fn parse(v: &EspView) -> Self {
        EspRepr {
            spi: v.spi(),
            sequence: v.sequence(),
        }
    }

    /// Append the 8-byte header to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.spi.to_be_bytes());
        buf.extend_from_slice(&self.sequence.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::values;
    use proptest::prelude::*;

    fn text(v: &EspView, f: Field) -> String {
        values(FIELDS[f as usize].kind, |out| v.field(f, out)).concat()
    }

    /// ESP straight over IPv4, 8 bytes (suricata eve-flow-esp-input.pcap,
    /// frame 1, after the IPv4 header).
    const ESP_BARE: [u8; 8] = [0x00, 0x00, 0x00, 0x7b, 0x00, 0x00, 0x00, 0x01];

    /// ESP behind an AH (PcapPlusPlus ipsec.pcapng, frame 1, from the ESP
    /// header; first 16 bytes).
    const ESP_AFTER_AH: [u8; 16] = [
        0x48, 0xda, 0xc2, 0xe4, 0x00, 0x00, 0x00, 0x03, 0xc6, 0xb5, 0xcb, 0xef, 0x14, 0x00, 0x93,
        0x72,
    ];

    #[test]
    fn reads_real_headers() {
        let v = EspView::new(&ESP_BARE).unwrap();
        assert_eq!(v.spi(), 123);
        assert_eq!(v.sequence(), 1);
        assert_eq!(v.header_len(), 8);
        assert!(v.payload().is_empty());
        assert_eq!(text(&v, Field::Spi), "0x0000007b");
        assert_eq!(text(&v, Field::Sequence), "1");
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Encapsulating Security Payload");

        let v = EspView::new(&ESP_AFTER_AH).unwrap();
        assert_eq!(text(&v, Field::Spi), "0x48dac2e4");
        assert_eq!(text(&v, Field::Sequence), "3");
        assert_eq!(v.payload(), &ESP_AFTER_AH[8..]);
    }

    #[test]
    fn short_input_is_an_error() {
        assert_eq!(
            EspView::new(&ESP_BARE[..7]).unwrap_err(),
            Error::Truncated { needed: 8, got: 7 }
        );
    }

    proptest! {
        #[test]
        fn build_then_parse(spi: u32, sequence: u32, rest in proptest::collection::vec(any::<u8>(), 0..32)) {
            // etherparse does not parse ESP: the round trip stands alone.
            let r = EspRepr { spi, sequence };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            buf.extend_from_slice(&rest);
            let v = EspView::new(&buf).unwrap();
            prop_assert_eq!(EspRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &rest[..]);
            prop_assert_eq!(&buf[..4], &spi.to_be_bytes());
        }
    }
}
