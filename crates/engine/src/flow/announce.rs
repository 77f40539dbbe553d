//! Conversations announced before their first packet. SIP and MEGACO
//! carry SDP session descriptions whose `c=` and `m=` lines name the
//! address and port a media stream (RTP, its RTCP on the next port, T.38)
//! will use. tshark makes a conversation for each such endpoint when it
//! reads the description, open on the other side (any address, any port),
//! and a later UDP datagram from (else to) that endpoint belongs to the
//! newest of them instead of a conversation of its own 5-tuple — unless
//! that 5-tuple already had one. Each announcement is a new conversation,
//! so a stream announced again (a re-INVITE, a MEGACO Modify) starts a new
//! `udp.stream` at its next datagram, one per direction when each side was
//! announced.
//!
//! The table is filled from every frame in order, also by workers that do
//! not own the frame ([`FlowEngine::announce`](super::FlowEngine::announce)),
//! so all of them know the same announcements at the same frame.

use crate::dissect::Dissection;
use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use wire::Layer;
use wiresift_wire as wire;

/// One end of a conversation: address (IPv4 in the first 4 bytes) and port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub v6: bool,
    pub addr: [u8; 16],
    pub port: u16,
}

/// An announced conversation: its `udp.stream`, given at its first
/// datagram.
#[derive(Clone, Copy, Debug, Default)]
pub struct Announced {
    pub stream: Option<u32>,
}

/// Announced endpoints, newest announcement each, bounded.
#[derive(Debug)]
pub struct Announcements {
    map: HashMap<Endpoint, Announced>,
    cap: usize,
    /// Announcements not kept because the table was full.
    pub dropped: u64,
}

impl Announcements {
    pub fn new(cap: usize) -> Self {
        Announcements {
            map: HashMap::new(),
            cap,
            dropped: 0,
        }
    }

    /// The conversation announced for `e`, if any.
    pub fn get_mut(&mut self, e: &Endpoint) -> Option<&mut Announced> {
        if self.map.is_empty() {
            return None;
        }
        self.map.get_mut(e)
    }

    fn add(&mut self, e: Endpoint) {
        if self.map.len() >= self.cap && !self.map.contains_key(&e) {
            self.dropped += 1;
            return;
        }
        // A new conversation replaces the older one: the older is never
        // found again.
        self.map.insert(e, Announced::default());
    }

    /// Read the announcements a dissected frame makes: SDP bodies in its
    /// UDP payloads (not those quoted in ICMP errors, nor those of
    /// reassembled datagrams, which a worker that only glances at the frame
    /// cannot see).
    pub fn frame(&mut self, d: &Dissection) {
        for e in &d.layers {
            if let (Layer::Udp(u), false, false) = (&e.layer, e.quoted, e.reassembled) {
                // Most datagrams announce nothing: found at once, not line by line.
                if may_announce(u.payload()) {
                    sdp(u.payload(), &mut |ep| self.add(ep));
                }
            }
        }
    }
}

/// Whether a frame's bytes may hold an SDP media line (cheap: lets a
/// worker skip dissecting the frames of other workers that cannot announce
/// anything).
pub fn may_announce(data: &[u8]) -> bool {
    // Every media line holds `m=` (after the line's leading blanks).
    memchr::memmem::find(data, b"m=").is_some()
}

/// The media endpoints an SDP body announces: for each `m=` line of an RTP
/// profile its port and the next (RTCP), for T.38 (`udptl`) its port, at
/// the address of the media's own `c=` line or else the session's. A port
/// 0 (media refused) or one that is not a number (MEGACO's `$`: chosen by
/// the gateway) announces nothing. Text before the first `v=` line (SIP
/// or MEGACO headers) is skipped.
pub fn sdp(body: &[u8], out: &mut impl FnMut(Endpoint)) {
    let mut in_sdp = false;
    let mut session: Option<(bool, [u8; 16])> = None;
    let mut media: Option<Media> = None;
    for line in body.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = trim_start(line);
        if line.starts_with(b"v=") {
            flush(media.take(), session, out);
            in_sdp = true;
            session = None;
            continue;
        }
        if !in_sdp {
            continue;
        }
        if let Some(rest) = line.strip_prefix(b"c=") {
            let addr = connection(rest);
            match media.as_mut() {
                Some(m) => m.addr = m.addr.or(addr),
                None => session = session.or(addr),
            }
        } else if let Some(rest) = line.strip_prefix(b"m=") {
            flush(media.take(), session, out);
            media = Media::parse(rest);
        }
    }
    flush(media, session, out);
}

/// One `m=` line: its port, whether RTCP rides on the next one, and the
/// address of its own `c=` line.
struct Media {
    port: u16,
    rtcp: bool,
    addr: Option<(bool, [u8; 16])>,
}

impl Media {
    /// `audio 16756 RTP/AVP 8 102`, `image 16756 udptl t38`.
    fn parse(rest: &[u8]) -> Option<Media> {
        let mut words = rest.split(|&b| b == b' ').filter(|w| !w.is_empty());
        let _kind = words.next()?;
        let port = words.next()?;
        // `port/count`: the first port is the one a conversation is made
        // for.
        let port = port.split(|&b| b == b'/').next()?;
        let port: u16 = std::str::from_utf8(port).ok()?.parse().ok()?;
        let proto = words.next()?;
        let rtp = starts_with_ci(proto, b"RTP/") || starts_with_ci(proto, b"UDP/TLS/RTP/");
        let t38 = proto.eq_ignore_ascii_case(b"udptl");
        if port == 0 || !(rtp || t38) {
            return None;
        }
        Some(Media {
            port,
            rtcp: rtp,
            addr: None,
        })
    }
}

fn flush(m: Option<Media>, session: Option<(bool, [u8; 16])>, out: &mut impl FnMut(Endpoint)) {
    let Some(m) = m else { return };
    let Some((v6, addr)) = m.addr.or(session) else {
        return;
    };
    out(Endpoint {
        v6,
        addr,
        port: m.port,
    });
    if let Some(port) = m.port.checked_add(1).filter(|_| m.rtcp) {
        out(Endpoint { v6, addr, port });
    }
}

/// `IN IP4 10.23.1.52` (a multicast `/ttl` suffix dropped).
fn connection(rest: &[u8]) -> Option<(bool, [u8; 16])> {
    let mut words = rest.split(|&b| b == b' ').filter(|w| !w.is_empty());
    if words.next()? != b"IN" {
        return None;
    }
    let family = words.next()?;
    let text = words.next()?.split(|&b| b == b'/').next()?;
    let text = std::str::from_utf8(text).ok()?;
    let mut addr = [0u8; 16];
    match family {
        b"IP4" => {
            let a: Ipv4Addr = text.parse().ok()?;
            addr[..4].copy_from_slice(&a.octets());
            Some((false, addr))
        }
        b"IP6" => {
            let a: Ipv6Addr = text.parse().ok()?;
            Some((true, a.octets()))
        }
        _ => None,
    }
}

fn trim_start(mut s: &[u8]) -> &[u8] {
    while let Some((b' ' | b'\t', rest)) = s.split_first() {
        s = rest;
    }
    s
}

fn starts_with_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(a: [u8; 4], port: u16) -> Endpoint {
        let mut addr = [0u8; 16];
        addr[..4].copy_from_slice(&a);
        Endpoint {
            v6: false,
            addr,
            port,
        }
    }

    fn all(body: &[u8]) -> Vec<Endpoint> {
        let mut v = Vec::new();
        sdp(body, &mut |e| v.push(e));
        v
    }

    /// The SDP of a SIP INVITE (ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap,
    /// frame 23): RTP on 10.23.1.52:16756, RTCP on the next port.
    #[test]
    fn sip_invite_announces_rtp_and_rtcp() {
        let body =
            b"INVITE sip:061963177-ikhuuep5bi123@10.35.60.100:5060;transport=udp SIP/2.0\r\n\
Content-Type: application/sdp\r\n\r\n\
v=0\r\no=- 1 1 IN IP4 10.23.1.52\r\ns=-\r\nc=IN IP4 10.23.1.52\r\nt=0 0\r\n\
m=audio 16756 RTP/AVP 8 103 102\r\na=rtpmap:8 PCMA/8000\r\n";
        assert_eq!(
            all(body),
            vec![v4([10, 23, 1, 52], 16756), v4([10, 23, 1, 52], 16757)]
        );
    }

    /// MEGACO descriptors (same capture, frames 21 and 1392): `$` ports
    /// announce nothing, T.38 has no RTCP, port 0 is refused media, and a
    /// media's own `c=` line wins over the session's.
    #[test]
    fn megaco_descriptors() {
        let body = b"MEGACO/1 [10.35.40.22]:2944\r\nTransaction = 555282723 {\r\n\
Local {\r\nv=0\r\nc=IN IP4 $\r\nm=audio $ RTP/AVP 8 103 18 102\r\nm=image $ udptl t38\r\n}\r\n\
Remote {\r\nv=0\r\nc=IN IP4 10.23.1.52\r\nm=image 16756 UDPTL t38\r\nm=audio 0 RTP/AVP 8\r\n\
m=audio 4000 RTP/AVP 0\r\nc=IN IP4 10.0.0.9\r\n}\r\n";
        assert_eq!(
            all(body),
            vec![
                v4([10, 23, 1, 52], 16756),
                v4([10, 0, 0, 9], 4000),
                v4([10, 0, 0, 9], 4001)
            ]
        );
    }

    #[test]
    fn no_sdp_no_announcement() {
        assert!(all(b"OPTIONS sip:a@b SIP/2.0\r\nm=audio 5 RTP/AVP 0\r\n").is_empty());
        assert!(all(b"v=0\r\nm=audio 5 RTP/AVP 0\r\n").is_empty());
        assert!(all(b"v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 5 TCP/MSRP *\r\n").is_empty());
        assert!(all(b"v=0\r\nc=IN IP4 1.2.3.400\r\nm=audio 5 RTP/AVP 0\r\n").is_empty());
        assert!(!may_announce(b"v=0\r\nc=IN IP4 1.2.3.4\r\n"));
        assert!(may_announce(b"v=0\r\nm=audio 5 RTP/AVP 0\r\n"));
    }
}
