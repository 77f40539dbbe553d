//! Teredo: IPv6 over UDP through NATs (RFC 4380), UDP port 3544.
//!
//! An IPv6 packet, possibly after two indicators, in this order: the
//! authentication indicator (0x0001, client id length, authentication
//! value length, the client id, the authentication value, an 8-byte nonce
//! and a confirmation byte) and the origin indication (0x0000, then the
//! origin UDP port and IPv4 address, each bit-inverted). tshark shows the
//! port and address with the inversion undone.
//!
//! tshark 4.0 decodes UDP port 3544 as Teredo unconditionally and hands
//! what follows the indicators to its IPv6 dissector (which shows bytes
//! that are not IPv6 as data). Its heuristic for other ports, which
//! [`looks_like_teredo`] mirrors, is disabled by default.

use crate::bytes::{array, be16, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::ops::Range;

/// The IANA UDP port.
pub const PORT: u16 = 3544;

/// Indicator types.
pub mod indicator {
    pub const ORIGIN: u16 = 0x0000;
    pub const AUTHENTICATION: u16 = 0x0001;
}

/// Lengths of the indicators' fixed parts.
mod at {
    /// Type, client id length, authentication value length.
    pub const AUTH_HEAD: usize = 4;
    /// Nonce and confirmation byte.
    pub const AUTH_TAIL: usize = 9;
    pub const ORIGIN_LEN: usize = 8;
    pub const IPV6_HEADER: usize = 40;
}

field_table! {
    Auth: "teredo.auth", "Teredo Authentication header", Kind::None;
    AuthIdlen: "teredo.auth.idlen", "Client identifier length", Kind::Dec;
    AuthAulen: "teredo.auth.aulen", "Authentication value length", Kind::Dec;
    AuthId: "teredo.auth.id", "Client identifier", Kind::Bytes;
    AuthValue: "teredo.auth.value", "Authentication value", Kind::Bytes;
    AuthNonce: "teredo.auth.nonce", "Nonce value", Kind::Bytes;
    AuthConf: "teredo.auth.conf", "Confirmation byte", Kind::Bytes;
    Orig: "teredo.orig", "Teredo Origin Indication header", Kind::None;
    OrigPort: "teredo.orig.port", "Origin UDP port", Kind::Dec;
    OrigAddr: "teredo.orig.addr", "Origin IPv4 address", Kind::Ipv4;
}

/// tshark's Teredo heuristic (for UDP ports other than 3544; off by
/// default in tshark): after the optional indicators, an IPv6 header whose
/// payload length is at most 65467 and exactly accounts for the rest of
/// `udp_payload`, with at least 40 bytes left at each step.
pub fn looks_like_teredo(udp_payload: &[u8]) -> bool {
    let b = udp_payload;
    if b.len() < at::IPV6_HEADER {
        return false;
    }
    let mut off = 0usize;
    let mut val = be16(b, 0).unwrap_or(0);
    if val == indicator::AUTHENTICATION {
        let idlen = usize::from(u8_at(b, 2).unwrap_or(0));
        let aulen = usize::from(u8_at(b, 3).unwrap_or(0));
        off = at::AUTH_HEAD + at::AUTH_TAIL;
        if b.len().saturating_sub(off) < idlen + aulen + at::IPV6_HEADER {
            return false;
        }
        off += idlen + aulen;
        val = be16(b, off).unwrap_or(0xffff);
    }
    if val == indicator::ORIGIN {
        off += at::ORIGIN_LEN;
        if b.len().saturating_sub(off) < at::IPV6_HEADER {
            return false;
        }
        val = be16(b, off).unwrap_or(0xffff);
    }
    if val >> 12 != 6 {
        return false;
    }
    let Some(plen) = be16(b, off + 4) else {
        return false;
    };
    off += at::IPV6_HEADER;
    plen <= 65467 && b.len().checked_sub(off) == Some(usize::from(plen))
}

/// Where the authentication indicator's parts are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Auth {
    idlen: usize,
    aulen: usize,
}

impl Auth {
    fn len(&self) -> usize {
        at::AUTH_HEAD + self.idlen + self.aulen + at::AUTH_TAIL
    }
}

/// A view over Teredo's indicators and the IPv6 packet after them.
#[derive(Clone, Copy, Debug)]
pub struct TeredoView<'a> {
    bytes: &'a [u8],
    auth: Option<Auth>,
    /// Offset of the origin indication.
    origin: Option<usize>,
    /// Where the indicators end (may be past the bytes when cut short).
    end: usize,
}

impl<'a> TeredoView<'a> {
    /// A view over the UDP payload `bytes` (2 bytes at least). Indicators
    /// cut short are allowed: their fields show as far as they go, and
    /// nothing follows.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, 2)?;
        let mut v = TeredoView {
            bytes,
            auth: None,
            origin: None,
            end: 0,
        };
        let mut ind = be16(bytes, 0);
        if ind == Some(indicator::AUTHENTICATION) {
            let a = Auth {
                idlen: usize::from(u8_at(bytes, 2).unwrap_or(0)),
                aulen: usize::from(u8_at(bytes, 3).unwrap_or(0)),
            };
            v.auth = Some(a);
            v.end = a.len();
            ind = be16(bytes, v.end);
        }
        if ind == Some(indicator::ORIGIN) {
            v.origin = Some(v.end);
            v.end += at::ORIGIN_LEN;
        }
        Ok(v)
    }

    /// Whether the indicators are whole and something follows them (tshark
    /// stops with a malformed packet otherwise).
    pub fn complete(&self) -> bool {
        self.end < self.bytes.len()
    }

    pub fn has_auth(&self) -> bool {
        self.auth.is_some()
    }

    /// The client identifier.
    pub fn client_id(&self) -> Option<&'a [u8]> {
        let a = self.auth?;
        self.bytes.get(at::AUTH_HEAD..at::AUTH_HEAD + a.idlen)
    }

    /// The authentication value.
    pub fn auth_value(&self) -> Option<&'a [u8]> {
        let a = self.auth?;
        let s = at::AUTH_HEAD + a.idlen;
        self.bytes.get(s..s + a.aulen)
    }

    fn nonce_range(&self) -> Option<Range<usize>> {
        let a = self.auth?;
        let s = at::AUTH_HEAD + a.idlen + a.aulen;
        Some(s..s + 8)
    }

    pub fn nonce(&self) -> Option<[u8; 8]> {
        array(self.bytes, self.nonce_range()?.start)
    }

    pub fn confirmation(&self) -> Option<u8> {
        u8_at(self.bytes, self.nonce_range()?.end)
    }

    /// The origin UDP port, de-obfuscated.
    pub fn origin_port(&self) -> Option<u16> {
        be16(self.bytes, self.origin? + 2).map(|p| !p)
    }

    /// The origin IPv4 address, de-obfuscated.
    pub fn origin_addr(&self) -> Option<[u8; 4]> {
        array::<4>(self.bytes, self.origin? + 4).map(|a| a.map(|x| !x))
    }

    /// The indicators' length, clamped to the bytes.
    pub fn header_len(&self) -> usize {
        self.end.min(self.bytes.len())
    }

    /// The encapsulated IPv6 packet.
    pub fn payload(&self) -> &'a [u8] {
        self.bytes.get(self.header_len()..).unwrap_or(&[])
    }

    /// [`NextLayer::Ipv6`] when the payload starts with version 6;
    /// [`NextLayer::Data`] for other bytes (tshark's IPv6 dissector
    /// declines them); [`NextLayer::Done`] when the indicators are cut.
    pub fn next_layer(&self) -> NextLayer {
        if !self.complete() {
            return NextLayer::Done;
        }
        match self.payload().first() {
            Some(b) if b >> 4 == 6 => NextLayer::Ipv6,
            _ => NextLayer::Data,
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        let uint = |v: u64| Value::UInt(v);
        let byte_at = |i: usize| u8_at(b, i).map(|x| (uint(x.into()), i..i + 1));
        let got: Option<(Value<'a>, Range<usize>)> = match f {
            Field::Auth => self.auth.map(|a| (Value::Present, 0..a.len().min(b.len()))),
            Field::AuthIdlen => self.auth.and_then(|_| byte_at(2)),
            Field::AuthAulen => self.auth.and_then(|_| byte_at(3)),
            Field::AuthId => self.auth.filter(|a| a.idlen > 0).and_then(|a| {
                let r = at::AUTH_HEAD..at::AUTH_HEAD + a.idlen;
                Some((Value::Bytes(b.get(r.clone())?), r))
            }),
            Field::AuthValue => self.auth.filter(|a| a.aulen > 0).and_then(|a| {
                let s = at::AUTH_HEAD + a.idlen;
                let r = s..s + a.aulen;
                Some((Value::Bytes(b.get(r.clone())?), r))
            }),
            Field::AuthNonce => self
                .nonce_range()
                .and_then(|r| Some((Value::Bytes(b.get(r.clone())?), r))),
            Field::AuthConf => self.nonce_range().and_then(|r| {
                let r = r.end..r.end + 1;
                Some((Value::Bytes(b.get(r.clone())?), r))
            }),
            Field::Orig => self
                .origin
                .map(|o| (Value::Present, o..(o + at::ORIGIN_LEN).min(b.len()))),
            Field::OrigPort => self.origin.and_then(|o| {
                let p = self.origin_port()?;
                Some((uint(p.into()), o + 2..o + 4))
            }),
            Field::OrigAddr => self.origin.and_then(|o| {
                let a = self.origin_addr()?;
                Some((Value::Ipv4(a), o + 4..o + 8))
            }),
        };
        if let Some((v, r)) = got {
            out.value(v, r)
        }
    }

    /// `Teredo IPv6 over UDP tunneling`.
    pub fn title(&self, out: &mut String) {
        out.push_str("Teredo IPv6 over UDP tunneling");
    }
}

/// The authentication indicator's values.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TeredoAuthRepr {
    /// At most 255 bytes.
    pub client_id: Vec<u8>,
    /// At most 255 bytes.
    pub value: Vec<u8>,
    pub nonce: [u8; 8],
    pub confirmation: u8,
}

/// The plain values of Teredo's indicators, for building packets.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TeredoRepr {
    pub auth: Option<TeredoAuthRepr>,
    /// Origin port and IPv4 address, in the clear (emit inverts them).
    pub origin: Option<(u16, [u8; 4])>,
}

impl TeredoRepr {
    pub fn parse(v: &TeredoView) -> Self {
        TeredoRepr {
            auth: v.has_auth().then(|| TeredoAuthRepr {
                client_id: v.client_id().unwrap_or_default().to_vec(),
                value: v.auth_value().unwrap_or_default().to_vec(),
                nonce: v.nonce().unwrap_or_default(),
                confirmation: v.confirmation().unwrap_or(0),
            }),
            origin: v.origin_port().zip(v.origin_addr()),
        }
    }

    /// Append the indicators (the IPv6 packet goes after them).
    pub fn emit(&self, buf: &mut Vec<u8>) {
        if let Some(a) = &self.auth {
            let id = a.client_id.get(..255).unwrap_or(&a.client_id);
            let val = a.value.get(..255).unwrap_or(&a.value);
            buf.extend_from_slice(&indicator::AUTHENTICATION.to_be_bytes());
            buf.push(id.len() as u8);
            buf.push(val.len() as u8);
            buf.extend_from_slice(id);
            buf.extend_from_slice(val);
            buf.extend_from_slice(&a.nonce);
            buf.push(a.confirmation);
        }
        if let Some((port, addr)) = self.origin {
            buf.extend_from_slice(&indicator::ORIGIN.to_be_bytes());
            buf.extend_from_slice(&(!port).to_be_bytes());
            buf.extend_from_slice(&addr.map(|x| !x));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::each_field_text;
    use proptest::prelude::*;

    fn all<'a>(v: &TeredoView<'a>) -> Vec<String> {
        each_field_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
    }

    /// ndpi teredo.pcap frame 2, from byte 42: authentication and origin
    /// indicators, then the start of an IPv6 header.
    const AUTH_ORIGIN: [u8; 34] = [
        0x00, 0x01, 0x00, 0x00, 0xb1, 0x1b, 0x3f, 0xea, 0x46, 0xa9, 0xaf, 0xe9, 0x00, 0x00, 0x00,
        0x32, 0xde, 0x46, 0xf9, 0x3f, 0x46, 0x60, 0x00, 0x00, 0x00, 0x00, 0x30, 0x3a, 0xff, 0xfe,
        0x80, 0x00, 0x00, 0x00,
    ];

    #[test]
    fn indicators_as_tshark_shows_them() {
        let v = TeredoView::new(&AUTH_ORIGIN).unwrap();
        assert_eq!(
            all(&v),
            [
                "teredo.auth=1",
                "teredo.auth.idlen=0",
                "teredo.auth.aulen=0",
                "teredo.auth.nonce=b11b3fea46a9afe9",
                "teredo.auth.conf=00",
                "teredo.orig=1",
                "teredo.orig.port=52513",
                "teredo.orig.addr=185.6.192.185",
            ]
        );
        assert_eq!(v.header_len(), 21);
        assert_eq!(v.payload(), &AUTH_ORIGIN[21..]);
        assert_eq!(v.next_layer(), NextLayer::Ipv6);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Teredo IPv6 over UDP tunneling");
        // Only the authentication indicator (frame 1 of the same capture).
        let mut b = AUTH_ORIGIN[..13].to_vec();
        b.extend_from_slice(&AUTH_ORIGIN[21..]);
        let v = TeredoView::new(&b).unwrap();
        assert_eq!(v.origin_port(), None);
        assert_eq!(v.header_len(), 13);
        assert_eq!(v.next_layer(), NextLayer::Ipv6);
    }

    #[test]
    fn bare_ipv6_and_other_bytes() {
        let v = TeredoView::new(&AUTH_ORIGIN[21..]).unwrap();
        assert_eq!(v.header_len(), 0);
        assert!(all(&v).is_empty());
        assert_eq!(v.next_layer(), NextLayer::Ipv6);
        let v = TeredoView::new(&[0x45, 0, 0, 0]).unwrap();
        assert_eq!(v.next_layer(), NextLayer::Data);
        // An origin indication cut after the port (tshark shows the port).
        let v = TeredoView::new(&[0x00, 0x00, 0x12, 0x34]).unwrap();
        assert_eq!(all(&v), ["teredo.orig=1", "teredo.orig.port=60875"]);
        assert!(!v.complete());
        assert_eq!(v.next_layer(), NextLayer::Done);
        assert_eq!(v.header_len(), 4);
        // Client id and authentication value.
        let mut b = vec![0, 1, 2, 3, 0x11, 0x11, 0x11, 0x11, 0x11];
        b.extend_from_slice(&[0x11, 0x11, 0x11, 0x00, 0x61, 0x62, 0x78, 0x79, 0x7a, 0x60]);
        let got = all(&TeredoView::new(&b).unwrap());
        for want in [
            "teredo.auth.idlen=2",
            "teredo.auth.aulen=3",
            "teredo.auth.id=1111",
            "teredo.auth.value=111111",
            "teredo.auth.nonce=1111110061627879",
            "teredo.auth.conf=7a",
        ] {
            assert!(got.contains(&want.to_string()), "{want} in {got:?}");
        }
        assert!(TeredoView::new(&[0]).is_err());
    }

    fn ipv6(payload_len: u16) -> Vec<u8> {
        let mut h = vec![0x60, 0, 0, 0];
        h.extend_from_slice(&payload_len.to_be_bytes());
        h.extend_from_slice(&[59, 64]);
        h.extend_from_slice(&[0; 32]);
        h.resize(40 + usize::from(payload_len), 0xab);
        h
    }

    #[test]
    fn heuristic() {
        assert!(looks_like_teredo(&ipv6(0)));
        assert!(looks_like_teredo(&ipv6(8)));
        let mut b = AUTH_ORIGIN[..21].to_vec();
        b.extend_from_slice(&ipv6(8));
        assert!(looks_like_teredo(&b));
        // Length mismatch, trailing bytes, short, not IPv6.
        let mut x = ipv6(8);
        x.pop();
        assert!(!looks_like_teredo(&x));
        let mut x = ipv6(8);
        x.push(0);
        assert!(!looks_like_teredo(&x));
        assert!(!looks_like_teredo(&ipv6(0)[..39]));
        let mut x = ipv6(0);
        x[0] = 0x45;
        assert!(!looks_like_teredo(&x));
        // An authentication indicator whose lengths leave too little.
        let mut x = vec![0, 1, 200, 200];
        x.extend_from_slice(&[0; 9]);
        x.extend_from_slice(&ipv6(0));
        assert!(!looks_like_teredo(&x));
    }

    proptest! {
        #[test]
        fn build_then_parse(auth in proptest::option::of((proptest::collection::vec(any::<u8>(), 0..6),
                                                          proptest::collection::vec(any::<u8>(), 0..6),
                                                          any::<[u8; 8]>(), any::<u8>())),
                            origin: Option<(u16, [u8; 4])>, plen in 0u16..16) {
            let r = TeredoRepr {
                auth: auth.map(|(client_id, value, nonce, confirmation)| TeredoAuthRepr { client_id, value, nonce, confirmation }),
                origin,
            };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let hl = buf.len();
            let inner = ipv6(plen);
            buf.extend_from_slice(&inner);
            let v = TeredoView::new(&buf).unwrap();
            prop_assert_eq!(TeredoRepr::parse(&v), r);
            prop_assert_eq!(v.header_len(), hl);
            prop_assert_eq!(v.payload(), &inner[..]);
            prop_assert_eq!(v.next_layer(), NextLayer::Ipv6);
            prop_assert!(looks_like_teredo(&buf));
        }

        #[test]
        fn hostile_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = looks_like_teredo(&b);
            if let Ok(v) = TeredoView::new(&b) {
                let _ = all(&v);
                prop_assert!(v.header_len() <= b.len());
                let _ = (v.payload(), v.next_layer(), TeredoRepr::parse(&v));
            }
        }
    }
}
