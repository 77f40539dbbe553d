//! OpenVPN's control channel: the TLS records its P_CONTROL_V1 messages
//! carry, gathered per direction as tshark 4.0 gathers them — in the order
//! the messages come, a message ending at a piece that is not
//! [`wire::openvpn::FRAGMENT_LEN`] bytes. Over TCP the records show on the
//! packet after which the gathered bytes end on a whole record (TLS waits
//! for the rest of a record cut between messages, as tshark's does in a
//! stream); over UDP each message's whole records show on the packet
//! that ends it and a record it cuts is lost (tshark's TLS cannot wait
//! for more over datagrams). Over TCP the stream application layer
//! keeps one [`Gathered`] per side; over UDP [`Datagrams`] keeps them per
//! direction and session.

use crate::dissect::Dissection;
use crate::quic::{ends, Ends};
use std::collections::HashMap;
use std::ops::Range;

use wire::tls::TlsView;
use wire::Layer;
use wiresift_wire as wire;

/// Control channel bytes held for one direction until they end a message
/// on a whole TLS record; past this they are dropped (counted).
pub const MAX_GATHERED: usize = 256 << 10;

/// UDP: directions in the middle of a message at once; a new one past
/// this is not followed (counted).
pub const MAX_DIRECTIONS: usize = 4096;

/// UDP: bytes held over all directions; a piece past this is dropped
/// (counted).
pub const MAX_HELD_TOTAL: usize = 16 << 20;

/// One direction's gathered pieces.
#[derive(Debug, Default)]
pub struct Gathered(Vec<u8>);

impl Gathered {
    pub fn held(&self) -> usize {
        self.0.len()
    }

    /// Add one control message's `piece` (`ends`: it ends its message); the
    /// range in `shown` of the records it completes (appended there), if it
    /// does. `datagram`: a message's bytes after its whole records are
    /// dropped, not kept for the next. A direction past [`MAX_GATHERED`]
    /// drops what it holds (`dropped` counts it).
    pub fn push(
        &mut self,
        piece: &[u8],
        ends: bool,
        datagram: bool,
        shown: &mut Vec<u8>,
        dropped: &mut u64,
    ) -> Option<Range<usize>> {
        let p = &mut self.0;
        if p.len().saturating_add(piece.len()) > MAX_GATHERED {
            *p = Vec::new();
            *dropped += 1;
            return None;
        }
        p.extend_from_slice(piece);
        if !ends {
            return None;
        }
        let whole = wire::tls::whole_records_len(p);
        if !datagram && whole != p.len() {
            return None;
        }
        let start = shown.len();
        shown.extend_from_slice(p.get(..whole).unwrap_or(&[]));
        p.clear();
        (whole > 0).then_some(start..shown.len())
    }
}

/// OpenVPN over UDP: each direction's control channel (by endpoints and
/// session), and the records the current frame completes.
#[derive(Debug, Default)]
pub struct Datagrams {
    /// The directions holding part of a message (one whose message ended
    /// holds nothing and is let go).
    dirs: HashMap<(Ends, u64), Gathered>,
    held: usize,
    shown: Vec<u8>,
    /// Pieces dropped: their direction past [`MAX_GATHERED`], or all past
    /// [`MAX_HELD_TOTAL`].
    pub dropped: u64,
    /// Directions not followed: [`MAX_DIRECTIONS`] were.
    pub refused: u64,
}

impl Datagrams {
    /// After the frame's OpenVPN-over-UDP packet, a TLS layer with the
    /// records its control message completes.
    pub fn frame<'a>(&'a mut self, d: &mut Dissection<'a>) {
        self.shown.clear();
        let found = d
            .layers
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, e)| match e.layer {
                Layer::Openvpn(v) if !e.quoted => Some((i, v)),
                _ => None,
            });
        let Some((i, v)) = found else {
            return;
        };
        let (Some(at), Some(session)) = (ends(d, i), v.session_id()) else {
            return;
        };
        if !v.is_control() {
            return;
        }
        let piece = v.payload();
        if self.held.saturating_add(piece.len()) > MAX_HELD_TOTAL {
            self.dropped += 1;
            return;
        }
        let key = (at, session);
        let full = self.dirs.len() >= MAX_DIRECTIONS;
        let g = match self.dirs.get_mut(&key) {
            Some(g) => g,
            None if full => {
                self.refused += 1;
                return;
            }
            None => self.dirs.entry(key).or_default(),
        };
        let was = g.held();
        let r = g.push(
            piece,
            v.ends_message(),
            true,
            &mut self.shown,
            &mut self.dropped,
        );
        let now = g.held();
        self.held = self.held.saturating_sub(was).saturating_add(now);
        if now == 0 {
            self.dirs.remove(&key);
        }
        let me: &'a Self = self;
        if let Some(recs) = r.and_then(|r| me.shown.get(r)) {
            if let Ok(t) = TlsView::new(recs) {
                d.push_reassembled(Layer::Tls(t));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::openvpn::OpenvpnView;

    use crate::craft::hex;

    /// ndpi openvpn.pcap frame 31: one TCP segment with three P_CONTROL_V1
    /// packets (100, 100 and 26 bytes of the ClientHello).
    const FRAME31: &str = "007220507a28a78275788d000000000116030100dd010000d9030150f473e80bb6be8b086186246df225b6737aadedef2dcced3025507f97c390f5000066c014c00ac022c0210039003800880087c00fc00500350084c012c008c01cc01b00160013c00dc003000ac013c009c01fc01e00330032007220507a28a78275788d0000000002009a009900450044c00ec004002f00960041c011c007c00cc002000500040015001200090014001100080006000300ff0201000049000b000403000102000a00340032000e000d0019000b000c00180009000a0016001700080006000700140015000400002820507a28a78275788d00000000030500120013000100020003000f0010001100230000000f000101";

    fn packets(b: &[u8]) -> Vec<OpenvpnView<'_>> {
        let mut at = 0;
        let mut out = Vec::new();
        while let Ok(v) = OpenvpnView::new_tcp(&b[at..]) {
            at += v.header_len() + v.payload().len();
            out.push(v);
        }
        out
    }

    #[test]
    fn client_hello_over_three_messages() {
        let b = hex(FRAME31);
        let ps = packets(&b);
        assert_eq!(ps.len(), 3);
        for datagram in [false, true] {
            let (mut g, mut shown, mut dropped) = (Gathered::default(), Vec::new(), 0);
            let got: Vec<_> = ps
                .iter()
                .map(|v| {
                    g.push(
                        v.payload(),
                        v.ends_message(),
                        datagram,
                        &mut shown,
                        &mut dropped,
                    )
                })
                .collect();
            assert_eq!(got, [None, None, Some(0..226)]);
            let t = TlsView::new(&shown).unwrap();
            assert_eq!(t.handshake_types().collect::<Vec<_>>(), [1]);
            assert_eq!(g.held(), 0);
        }
    }

    /// A record cut between messages: over TCP it waits for the rest, over
    /// UDP the cut record is lost and the next message starts afresh.
    #[test]
    fn cut_record() {
        let b = hex(FRAME31);
        let ps = packets(&b);
        let hello = [ps[0].payload(), ps[1].payload(), ps[2].payload()].concat();
        let (head, tail) = hello.split_at(150);
        let (mut g, mut shown, mut dropped) = (Gathered::default(), Vec::new(), 0);
        assert_eq!(g.push(head, true, false, &mut shown, &mut dropped), None);
        assert_eq!(
            g.push(tail, true, false, &mut shown, &mut dropped),
            Some(0..226)
        );
        let mut g = Gathered::default();
        shown.clear();
        assert_eq!(g.push(head, true, true, &mut shown, &mut dropped), None);
        assert_eq!(g.push(tail, true, true, &mut shown, &mut dropped), None);
        assert_eq!(g.held(), 0);
    }

    /// Garbage that never ends on a record is dropped at the cap, counted.
    #[test]
    fn bounded() {
        let (mut g, mut shown, mut dropped) = (Gathered::default(), Vec::new(), 0);
        let junk = [0x16u8; 1000];
        for _ in 0..(MAX_GATHERED / junk.len() + 2) {
            assert_eq!(g.push(&junk, true, false, &mut shown, &mut dropped), None);
            assert!(g.held() <= MAX_GATHERED);
        }
        assert_eq!(dropped, 1);
    }
}
