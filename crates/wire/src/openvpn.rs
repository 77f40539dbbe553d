//! OpenVPN packets (its own protocol, port 1194): an opcode/key id byte,
//! then for control and ACK packets a session id, an optional tls-auth
//! HMAC with a replay packet-id and time, the array of message packet-ids
//! acknowledged (and the peer's session id), and for control packets the
//! message's packet-id and a piece of the control channel — a TLS session
//! the engine puts together and reads. Over TCP each packet follows a
//! 16-bit length ([`pdu_len`]); over UDP a datagram is one packet.
//!
//! Whether a tls-auth HMAC is there is not written in the packet: as tshark
//! 4.0 does, it is taken to be (20 bytes, SHA-1, then a 4-byte packet-id
//! and a 4-byte time) when the byte after the session id is not zero and
//! at most one of those four bytes is zero — an ACK array length is small,
//! so its following bytes would hold zeros.

use crate::bytes::{be16, be32, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::stream::Pdu;
use std::ops::Range;

/// OpenVPN's port (TCP and UDP).
pub const PORT: u16 = 1194;

/// tshark's tls-auth HMAC size (SHA-1).
const HMAC_LEN: usize = 20;

/// A control message of exactly this many payload bytes is a piece of a
/// longer one (OpenVPN cuts its control channel so); any other length ends
/// the message. tshark 4.0 puts messages together by this rule.
pub const FRAGMENT_LEN: usize = 100;

/// Opcodes (high five bits of the first byte).
pub mod opcode {
    pub const CONTROL_HARD_RESET_CLIENT_V1: u8 = 1;
    pub const CONTROL_HARD_RESET_SERVER_V1: u8 = 2;
    pub const CONTROL_SOFT_RESET_V1: u8 = 3;
    pub const CONTROL_V1: u8 = 4;
    pub const ACK_V1: u8 = 5;
    pub const DATA_V1: u8 = 6;
    pub const CONTROL_HARD_RESET_CLIENT_V2: u8 = 7;
    pub const CONTROL_HARD_RESET_SERVER_V2: u8 = 8;
    pub const DATA_V2: u8 = 9;
    pub const CONTROL_HARD_RESET_CLIENT_V3: u8 = 10;
    pub const CONTROL_WKC_V1: u8 = 11;
}

/// The name tshark gives an opcode.
pub fn opcode_name(op: u8) -> Option<&'static str> {
    Some(match op {
        opcode::CONTROL_HARD_RESET_CLIENT_V1 => "P_CONTROL_HARD_RESET_CLIENT_V1",
        opcode::CONTROL_HARD_RESET_SERVER_V1 => "P_CONTROL_HARD_RESET_SERVER_V1",
        opcode::CONTROL_SOFT_RESET_V1 => "P_CONTROL_SOFT_RESET_V1",
        opcode::CONTROL_V1 => "P_CONTROL_V1",
        opcode::ACK_V1 => "P_ACK_V1",
        opcode::DATA_V1 => "P_DATA_V1",
        opcode::CONTROL_HARD_RESET_CLIENT_V2 => "P_CONTROL_HARD_RESET_CLIENT_V2",
        opcode::CONTROL_HARD_RESET_SERVER_V2 => "P_CONTROL_HARD_RESET_SERVER_V2",
        opcode::DATA_V2 => "P_DATA_V2",
        opcode::CONTROL_HARD_RESET_CLIENT_V3 => "P_CONTROL_HARD_RESET_CLIENT_V3",
        opcode::CONTROL_WKC_V1 => "P_CONTROL_WKC_V1",
        _ => return None,
    })
}

field_table! {
    Plen: "openvpn.plen", "Packet Length", Kind::Dec;
    Type: "openvpn.type", "Type", Kind::Hex(2);
    Opcode: "openvpn.opcode", "Opcode", Kind::Hex(2);
    Keyid: "openvpn.keyid", "Key ID", Kind::Dec;
    Peerid: "openvpn.peerid", "Peer ID", Kind::Dec;
    Sessionid: "openvpn.sessionid", "Session ID", Kind::Dec;
    Hmac: "openvpn.hmac", "HMAC", Kind::Bytes;
    Pid: "openvpn.pid", "Packet-ID", Kind::Dec;
    Mpidarraylength: "openvpn.mpidarraylength", "Message Packet-ID Array Length", Kind::Dec;
    Mpidarrayelement: "openvpn.mpidarrayelement", "Message Packet-ID Array Element", Kind::Dec;
    Rsessionid: "openvpn.rsessionid", "Remote Session ID", Kind::Dec;
    Mpid: "openvpn.mpid", "Message Packet-ID", Kind::Dec;
    Data: "openvpn.data", "Data", Kind::Bytes;
    FragmentBytes: "openvpn.fragment_bytes", "Fragment bytes", Kind::Bytes;
}

/// How many bytes the OpenVPN packet at the start of a TCP stream takes
/// (its 16-bit length and the packet).
pub fn pdu_len(bytes: &[u8]) -> Pdu {
    match be16(bytes, 0) {
        None => Pdu::Need(2),
        Some(0) => Pdu::NotMine,
        Some(n) => {
            let total = usize::from(n) + 2;
            if total <= bytes.len() {
                Pdu::Whole(total)
            } else {
                Pdu::Need(total)
            }
        }
    }
}

/// Do a TCP stream's first bytes look like an OpenVPN packet (a length
/// then a known opcode)?
pub fn looks_like_tcp(bytes: &[u8]) -> bool {
    be16(bytes, 0).is_some_and(|n| n > 0)
        && u8_at(bytes, 2).is_some_and(|b| opcode_name(b >> 3).is_some())
}

/// Where the parts of one packet are (offsets in the view's bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Layout {
    session: Option<usize>,
    hmac: Option<usize>,
    pid: Option<usize>,
    /// The ACK array's length byte.
    acks: Option<usize>,
    rsession: Option<usize>,
    mpid: Option<usize>,
    /// Where the payload starts.
    payload: usize,
}

/// A view over one OpenVPN packet (over TCP, with its length before it).
#[derive(Clone, Copy, Debug)]
pub struct OpenvpnView<'a> {
    bytes: &'a [u8],
    /// Where the packet starts: 2 over TCP (after the length), else 0.
    start: usize,
    layout: Layout,
}

impl<'a> OpenvpnView<'a> {
    /// A view over one UDP datagram's packet.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        Self::at(bytes, 0)
    }

    /// A view over one TCP message: the 16-bit length, then the packet
    /// (the view covers what the length says).
    pub fn new_tcp(bytes: &'a [u8]) -> Result<Self, Error> {
        let n = be16(bytes, 0).ok_or(Error::Truncated {
            needed: 2,
            got: bytes.len(),
        })?;
        let end = usize::from(n) + 2;
        need(bytes, end)?;
        Self::at(bytes.get(..end).unwrap_or(bytes), 2)
    }

    fn at(bytes: &'a [u8], start: usize) -> Result<Self, Error> {
        need(bytes, start + 1)?;
        let mut v = OpenvpnView {
            bytes,
            start,
            layout: Layout::default(),
        };
        v.layout = v.walk();
        Ok(v)
    }

    /// Find the parts as tshark does: each optional part only when enough
    /// bytes are left for it.
    fn walk(&self) -> Layout {
        let b = self.bytes;
        let left = |o: usize| b.len().saturating_sub(o);
        let mut o = self.start + 1;
        let mut l = Layout::default();
        match self.opcode() {
            opcode::DATA_V2 => o += 3,
            opcode::DATA_V1 => {}
            op => {
                if left(o) < 8 {
                    l.payload = b.len();
                    return l;
                }
                l.session = Some(o);
                o += 8;
                let tls_auth = u8_at(b, o).is_some_and(|n| n > 0)
                    && be32(b, o)
                        .is_some_and(|w| w.to_be_bytes().iter().filter(|&&x| x == 0).count() <= 1);
                if tls_auth {
                    l.hmac = Some(o);
                    o = o.saturating_add(HMAC_LEN).min(b.len());
                    if left(o) >= 8 {
                        l.pid = Some(o);
                        o += 8;
                    }
                }
                if let Some(n) = u8_at(b, o) {
                    l.acks = Some(o);
                    let end = (o + 1).saturating_add(usize::from(n) * 4);
                    o = end.min(b.len());
                    if n > 0 && left(o) >= 8 {
                        l.rsession = Some(o);
                        o += 8;
                    }
                }
                if op != opcode::ACK_V1 && left(o) >= 4 {
                    l.mpid = Some(o);
                    o += 4;
                }
            }
        }
        l.payload = o.min(b.len());
        l
    }

    /// The opcode (high five bits of the first byte).
    pub fn opcode(&self) -> u8 {
        u8_at(self.bytes, self.start).unwrap_or(0) >> 3
    }

    pub fn key_id(&self) -> u8 {
        u8_at(self.bytes, self.start).unwrap_or(0) & 0x07
    }

    pub fn session_id(&self) -> Option<u64> {
        self.u64_at(self.layout.session?)
    }

    /// The message packet-id of a control packet.
    pub fn message_id(&self) -> Option<u32> {
        be32(self.bytes, self.layout.mpid?)
    }

    /// The message packet-ids the packet acknowledges.
    pub fn acks(&self) -> impl Iterator<Item = (u32, Range<usize>)> + 'a {
        let b = self.bytes;
        let (n, o) = match self.layout.acks {
            Some(o) => (u8_at(b, o).unwrap_or(0), o + 1),
            None => (0, 0),
        };
        (0..usize::from(n)).map_while(move |i| {
            let at = o + i * 4;
            be32(b, at).map(|id| (id, at..at + 4))
        })
    }

    fn u64_at(&self, o: usize) -> Option<u64> {
        let hi = be32(self.bytes, o)?;
        let lo = be32(self.bytes, o + 4)?;
        Some(u64::from(hi) << 32 | u64::from(lo))
    }

    /// Is this a control packet carrying part of the control channel?
    pub fn is_control(&self) -> bool {
        self.opcode() == opcode::CONTROL_V1
    }

    pub fn header_len(&self) -> usize {
        self.layout.payload
    }

    /// The control channel's bytes (P_CONTROL_V1) or the data.
    pub fn payload(&self) -> &'a [u8] {
        self.bytes.get(self.layout.payload..).unwrap_or(&[])
    }

    /// Does this control packet end its message (see [`FRAGMENT_LEN`])?
    pub fn ends_message(&self) -> bool {
        self.payload().len() != FRAGMENT_LEN
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let b = self.bytes;
        let l = self.layout;
        let s = self.start;
        let uint =
            |out: &mut dyn FieldSink<'a>, n: u64, r: Range<usize>| out.value(Value::UInt(n), r);
        match f {
            Field::Plen if s == 2 => {
                if let Some(n) = be16(b, 0) {
                    uint(out, u64::from(n), 0..2);
                }
            }
            Field::Type | Field::Opcode | Field::Keyid => {
                let n = match f {
                    Field::Type => u8_at(b, s).unwrap_or(0),
                    Field::Opcode => self.opcode(),
                    _ => self.key_id(),
                };
                uint(out, u64::from(n), s..s + 1);
            }
            Field::Peerid if self.opcode() == opcode::DATA_V2 => {
                if let (Some(hi), Some(lo)) = (u8_at(b, s + 1), be16(b, s + 2)) {
                    uint(out, u64::from(hi) << 16 | u64::from(lo), s + 1..s + 4);
                }
            }
            Field::Sessionid | Field::Rsessionid => {
                let o = if f == Field::Sessionid {
                    l.session
                } else {
                    l.rsession
                };
                if let Some((o, n)) = o.and_then(|o| Some((o, self.u64_at(o)?))) {
                    uint(out, n, o..o + 8);
                }
            }
            Field::Hmac => {
                if let Some(o) = l.hmac {
                    let end = (o + HMAC_LEN).min(b.len());
                    out.value(Value::Bytes(b.get(o..end).unwrap_or(&[])), o..end);
                }
            }
            Field::Pid | Field::Mpid => {
                let o = if f == Field::Pid { l.pid } else { l.mpid };
                if let Some((o, n)) = o.and_then(|o| Some((o, be32(b, o)?))) {
                    uint(out, u64::from(n), o..o + 4);
                }
            }
            Field::Mpidarraylength => {
                if let Some((o, n)) = l.acks.and_then(|o| Some((o, u8_at(b, o)?))) {
                    uint(out, u64::from(n), o..o + 1);
                }
            }
            Field::Mpidarrayelement => {
                for (id, r) in self.acks() {
                    uint(out, u64::from(id), r);
                }
            }
            Field::Data | Field::FragmentBytes => {
                let p = self.payload();
                if !p.is_empty() && (f == Field::FragmentBytes) == self.is_control() {
                    out.value(Value::Bytes(p), l.payload..b.len());
                }
            }
            _ => {}
        }
    }

    /// `OpenVPN Protocol, Opcode: P_CONTROL_V1, Key ID: 0`, as tshark's.
    pub fn title(&self, out: &mut String) {
        use std::fmt::Write as _;
        out.push_str("OpenVPN Protocol, Opcode: ");
        match opcode_name(self.opcode()) {
            Some(n) => out.push_str(n),
            None => {
                let _ = write!(out, "Unknown (0x{:02x})", self.opcode());
            }
        }
        let _ = write!(out, ", Key ID: {}", self.key_id());
    }

    /// tshark's Info: `MessageType: P_ACK_V1`.
    pub fn summary(&self, out: &mut String) {
        out.push_str("MessageType: ");
        out.push_str(opcode_name(self.opcode()).unwrap_or("Unknown Messagetype"));
    }
}

/// A control or ACK packet (no tls-auth) to build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenvpnRepr {
    pub opcode: u8,
    pub key_id: u8,
    pub session_id: u64,
    /// Message packet-ids acknowledged, and the peer's session id (sent
    /// when there are any).
    pub acks: Vec<u32>,
    pub remote_session_id: u64,
    /// The message packet-id (not in ACK packets).
    pub message_id: Option<u32>,
    pub payload: Vec<u8>,
}

impl OpenvpnRepr {
    /// The packet a view shows, when it is a control or ACK packet.
    pub fn parse(v: &OpenvpnView) -> Option<Self> {
        let acks: Vec<u32> = v.acks().map(|a| a.0).collect();
        Some(OpenvpnRepr {
            opcode: v.opcode(),
            key_id: v.key_id(),
            session_id: v.session_id()?,
            remote_session_id: match v.layout.rsession {
                Some(o) => v.u64_at(o)?,
                None => 0,
            },
            acks,
            message_id: v.message_id(),
            payload: v.payload().to_vec(),
        })
    }

    /// Append the packet, with its 16-bit length when `tcp`.
    pub fn emit(&self, buf: &mut Vec<u8>, tcp: bool) {
        let mut p = vec![self.opcode << 3 | (self.key_id & 7)];
        p.extend_from_slice(&self.session_id.to_be_bytes());
        p.push(self.acks.len() as u8);
        for a in &self.acks {
            p.extend_from_slice(&a.to_be_bytes());
        }
        if !self.acks.is_empty() {
            p.extend_from_slice(&self.remote_session_id.to_be_bytes());
        }
        if let Some(id) = self.message_id {
            p.extend_from_slice(&id.to_be_bytes());
        }
        p.extend_from_slice(&self.payload);
        if tcp {
            buf.extend_from_slice(&(p.len() as u16).to_be_bytes());
        }
        buf.extend_from_slice(&p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::hex;

    fn fields<'a>(v: &OpenvpnView<'a>, f: Field) -> Vec<String> {
        crate::testing::values(FIELDS[f as usize].kind, |out| v.field(f, out))
    }

    /// ndpi openvpn.pcap frame 27: the server's P_CONTROL_HARD_RESET_SERVER_V2
    /// over TCP, acknowledging the client's message 0 (no tls-auth: zeros
    /// after the array length).
    #[test]
    fn hard_reset_with_ack() {
        let b = hex("001a409ad747beb24d8a1b0100000000507a28a78275788d00000000");
        let v = OpenvpnView::new_tcp(&b).unwrap();
        assert_eq!(v.opcode(), opcode::CONTROL_HARD_RESET_SERVER_V2);
        assert_eq!(fields(&v, Field::Plen), ["26"]);
        assert_eq!(fields(&v, Field::Type), ["0x40"]);
        assert_eq!(fields(&v, Field::Opcode), ["0x08"]);
        assert_eq!(fields(&v, Field::Sessionid), ["11157465486194477595"]);
        assert_eq!(fields(&v, Field::Mpidarraylength), ["1"]);
        assert_eq!(fields(&v, Field::Mpidarrayelement), ["0"]);
        assert_eq!(fields(&v, Field::Rsessionid), ["5798992170106321037"]);
        assert_eq!(fields(&v, Field::Mpid), ["0"]);
        assert!(fields(&v, Field::Hmac).is_empty());
        assert!(v.payload().is_empty());
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "OpenVPN Protocol, Opcode: P_CONTROL_HARD_RESET_SERVER_V2, Key ID: 0"
        );
        let r = OpenvpnRepr::parse(&v).unwrap();
        let mut out = Vec::new();
        r.emit(&mut out, true);
        assert_eq!(out, b);
    }

    /// ndpi openvpn.pcap frame 29: a P_ACK_V1 (no message packet-id).
    #[test]
    fn ack() {
        let b = hex("001628507a28a78275788d01000000009ad747beb24d8a1b");
        let v = OpenvpnView::new_tcp(&b).unwrap();
        assert_eq!(v.opcode(), opcode::ACK_V1);
        assert_eq!(v.message_id(), None);
        assert_eq!(fields(&v, Field::Rsessionid), ["11157465486194477595"]);
        let mut s = String::new();
        v.summary(&mut s);
        assert_eq!(s, "MessageType: P_ACK_V1");
    }

    /// ndpi openvpn.pcap frame 31, first packet: a P_CONTROL_V1 with the
    /// first 100 bytes of the ClientHello (a piece, not the message's end).
    #[test]
    fn control_piece() {
        let mut b = hex("007220507a28a78275788d0000000001");
        b.extend_from_slice(&hex("16030100dd010000d9030150f473e80bb6be8b086186246df225b6737aadedef2dcced3025507f97c390f5000066c014c00ac022c0210039003800880087c00fc00500350084c012c008c01cc01b00160013c00dc003000ac013c009c01fc01e00330032"));
        let v = OpenvpnView::new_tcp(&b).unwrap();
        assert!(v.is_control());
        assert_eq!(v.message_id(), Some(1));
        assert_eq!(v.payload().len(), FRAGMENT_LEN);
        assert!(!v.ends_message());
        assert_eq!(v.payload().first(), Some(&0x16));
        assert_eq!(fields(&v, Field::FragmentBytes).len(), 1);
        assert!(fields(&v, Field::Data).is_empty());
        assert_eq!(pdu_len(&b), Pdu::Whole(b.len()));
        assert!(looks_like_tcp(&b));
    }

    /// A tls-auth packet: an HMAC (few zeros), replay packet-id and time.
    #[test]
    fn tls_auth_heuristic() {
        let mut b = vec![0x38];
        b.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
        b.extend_from_slice(&[0xaa; HMAC_LEN]);
        b.extend_from_slice(&[0, 0, 0, 1, 0x50, 0, 0, 0]);
        b.extend_from_slice(&[0, 0, 0, 0, 0]);
        let v = OpenvpnView::new(&b).unwrap();
        assert_eq!(fields(&v, Field::Hmac).len(), 1);
        assert_eq!(fields(&v, Field::Pid), ["1"]);
        assert_eq!(fields(&v, Field::Mpidarraylength), ["0"]);
        assert_eq!(fields(&v, Field::Mpid), ["0"]);
    }

    /// Hostile inputs: cut anywhere, huge ACK arrays, lengths past the
    /// end — no panic, ranges within the bytes.
    #[test]
    fn hostile() {
        let b = hex("001a409ad747beb24d8a1b0100000000507a28a78275788d00000000");
        for n in 0..b.len() {
            let _ = OpenvpnView::new_tcp(&b[..n]);
            for cut in [&b[..n], b.get(2..n).unwrap_or(&[])] {
                if let Ok(v) = OpenvpnView::new(cut) {
                    for i in 0..FIELDS.len() {
                        let f = Field::from_index(i).unwrap();
                        v.field(f, &mut |_v: Value, r: Range<usize>| {
                            assert!(r.end <= cut.len())
                        });
                    }
                }
            }
        }
        let mut huge = vec![0x28, 1, 2, 3, 4, 5, 6, 7, 8, 0xff];
        huge.extend_from_slice(&[0; 9]);
        let v = OpenvpnView::new(&huge).unwrap();
        assert_eq!(v.acks().count(), 2);
        assert_eq!(pdu_len(&[0xff, 0xff, 0]), Pdu::Need(0x1_0001));
        assert_eq!(pdu_len(&[0, 0]), Pdu::NotMine);
        assert!(OpenvpnView::new_tcp(&[0, 5, 0x20]).is_err());
    }
}
