//! The sample capture: a short, varied conversation built with our own
//! builders, so that a new user sees every output mode at work without a
//! capture of their own (`wiresift sample samples/sample.pcap`).
//!
//! A client on a VLAN-free LAN resolves a name, fetches a page over HTTP,
//! pings, gets a port-unreachable, talks IPv6, sends a fragmented datagram
//! and a tagged frame, and one segment carries a wrong checksum on purpose.

use crate::craft::{self, ipproto, Link};
use wiresift_wire::arp::ArpRepr;
use wiresift_wire::ethernet::ethertype;
use wiresift_wire::icmp::IcmpRepr;
use wiresift_wire::tcp::{flag, TcpRepr};

/// One frame of the sample and when it was "captured".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub ts_secs: i64,
    pub ts_nanos: u32,
    pub data: Vec<u8>,
}

const CLIENT_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
const GATEWAY_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const CLIENT: [u8; 4] = [192, 168, 1, 10];
const GATEWAY: [u8; 4] = [192, 168, 1, 1];
/// Documentation address (RFC 5737).
const SERVER: [u8; 4] = [198, 51, 100, 80];
/// Documentation prefix (RFC 3849).
const CLIENT6: [u8; 16] = [
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];
const SERVER6: [u8; 16] = [
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80,
];
/// 2026-01-01 10:00:00 UTC.
const START: i64 = 1_767_261_600;

/// Builds the frames in time order.
struct Script {
    frames: Vec<Frame>,
    micros: u64,
    ident: u16,
}

impl Script {
    fn at(&mut self, after_us: u64, data: Vec<u8>) {
        self.micros += after_us;
        self.frames.push(Frame {
            ts_secs: START + (self.micros / 1_000_000) as i64,
            ts_nanos: (self.micros % 1_000_000) as u32 * 1000,
            data,
        });
    }

    fn ident(&mut self) -> u16 {
        self.ident = self.ident.wrapping_add(1);
        self.ident
    }

    /// An IPv4 frame between the client's LAN and `dst`.
    fn v4(&mut self, link: Link, src: [u8; 4], dst: [u8; 4], proto: u8, upper: &[u8]) -> Vec<u8> {
        let ip = craft::ipv4(src, dst, self.ident(), 64);
        link.frame(ethertype::IPV4, &craft::ipv4_packet(ip, proto, upper))
    }

    fn tcp4(
        &mut self,
        link: Link,
        src: [u8; 4],
        dst: [u8; 4],
        t: &TcpRepr,
        payload: &[u8],
    ) -> Vec<u8> {
        let seg = craft::tcp_segment(t, payload, &src, &dst);
        self.v4(link, src, dst, ipproto::TCP, &seg)
    }
}

/// A DNS query for `name` (type A).
fn dns_query(id: u16, name: &str) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&id.to_be_bytes());
    b.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    for label in name.split('.') {
        b.push(label.len() as u8);
        b.extend_from_slice(label.as_bytes());
    }
    b.extend_from_slice(&[0, 0, 1, 0, 1]);
    b
}

/// The answer to [`dns_query`]: one A record, the name compressed.
fn dns_answer(id: u16, name: &str, addr: [u8; 4]) -> Vec<u8> {
    let mut b = dns_query(id, name);
    b[2..4].copy_from_slice(&[0x81, 0x80]);
    b[6..8].copy_from_slice(&[0, 1]);
    b.extend_from_slice(&[0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4]);
    b.extend_from_slice(&addr);
    b
}

/// The sample's frames, in time order.
pub fn frames() -> Vec<Frame> {
    let lan = Link {
        src: CLIENT_MAC,
        dst: GATEWAY_MAC,
        vlan: None,
    };
    let back = lan.reply();
    let mut s = Script {
        frames: Vec::new(),
        micros: 0,
        ident: 0x1c40,
    };

    // ARP for the gateway.
    let who_has = ArpRepr {
        opcode: 1,
        sender_mac: CLIENT_MAC,
        sender_ip: CLIENT,
        target_mac: [0; 6],
        target_ip: GATEWAY,
    };
    let mut arp = Vec::new();
    who_has.emit(&mut arp);
    let bcast = Link {
        src: CLIENT_MAC,
        dst: [0xff; 6],
        vlan: None,
    };
    s.at(0, pad60(bcast.frame(ethertype::ARP, &arp)));
    let is_at = ArpRepr {
        opcode: 2,
        sender_mac: GATEWAY_MAC,
        sender_ip: GATEWAY,
        target_mac: CLIENT_MAC,
        target_ip: CLIENT,
    };
    arp.clear();
    is_at.emit(&mut arp);
    s.at(420, pad60(back.frame(ethertype::ARP, &arp)));

    // DNS: example.com A?
    let q = craft::udp_datagram(
        53_211,
        53,
        &dns_query(0x4a21, "example.com"),
        &CLIENT,
        &GATEWAY,
    );
    let f = s.v4(lan, CLIENT, GATEWAY, ipproto::UDP, &q);
    s.at(1_000, f);
    let a = craft::udp_datagram(
        53,
        53_211,
        &dns_answer(0x4a21, "example.com", SERVER),
        &GATEWAY,
        &CLIENT,
    );
    let f = s.v4(back, GATEWAY, CLIENT, ipproto::UDP, &a);
    s.at(8_300, f);

    // HTTP over TCP: handshake, request, response, close.
    let (cp, c0, s0) = (49_152u16, 0x1f2e_3d4cu32, 0x7a6b_5c4du32);
    let mut syn = craft::tcp(cp, 80, c0, 0, flag::SYN);
    syn.mss = Some(1460);
    syn.window_scale = Some(7);
    syn.sack_permitted = true;
    syn.timestamp = Some((100_000, 0));
    let f = s.tcp4(lan, CLIENT, SERVER, &syn, &[]);
    s.at(2_000, f);
    let mut syn_ack = craft::tcp(80, cp, s0, c0 + 1, flag::SYN | flag::ACK);
    syn_ack.mss = Some(1400);
    syn_ack.window_scale = Some(9);
    syn_ack.sack_permitted = true;
    syn_ack.timestamp = Some((9_000, 100_000));
    let f = s.tcp4(back, SERVER, CLIENT, &syn_ack, &[]);
    s.at(21_500, f);
    let f = s.tcp4(
        lan,
        CLIENT,
        SERVER,
        &craft::tcp(cp, 80, c0 + 1, s0 + 1, flag::ACK),
        &[],
    );
    s.at(90, f);
    let get = b"GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: wiresift-sample/1\r\nAccept: */*\r\n\r\n";
    let f = s.tcp4(
        lan,
        CLIENT,
        SERVER,
        &craft::tcp(cp, 80, c0 + 1, s0 + 1, flag::PSH | flag::ACK),
        get,
    );
    s.at(150, f);
    let body =
        b"<!doctype html><title>sample</title><p>Hello from the wiresift sample capture.</p>\n";
    let mut resp = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nServer: sample\r\n\r\n",
        body.len()
    )
    .into_bytes();
    resp.extend_from_slice(body);
    let c1 = c0 + 1 + get.len() as u32;
    let f = s.tcp4(
        back,
        SERVER,
        CLIENT,
        &craft::tcp(80, cp, s0 + 1, c1, flag::ACK),
        &[],
    );
    s.at(21_000, f);
    let f = s.tcp4(
        back,
        SERVER,
        CLIENT,
        &craft::tcp(80, cp, s0 + 1, c1, flag::PSH | flag::ACK),
        &resp,
    );
    s.at(4_000, f);
    let s1 = s0 + 1 + resp.len() as u32;
    let f = s.tcp4(
        lan,
        CLIENT,
        SERVER,
        &craft::tcp(cp, 80, c1, s1, flag::ACK),
        &[],
    );
    s.at(120, f);
    let f = s.tcp4(
        lan,
        CLIENT,
        SERVER,
        &craft::tcp(cp, 80, c1, s1, flag::FIN | flag::ACK),
        &[],
    );
    s.at(50_000, f);
    let f = s.tcp4(
        back,
        SERVER,
        CLIENT,
        &craft::tcp(80, cp, s1, c1 + 1, flag::FIN | flag::ACK),
        &[],
    );
    s.at(21_000, f);
    let f = s.tcp4(
        lan,
        CLIENT,
        SERVER,
        &craft::tcp(cp, 80, c1 + 1, s1 + 1, flag::ACK),
        &[],
    );
    s.at(100, f);

    // Ping, answered.
    let payload: Vec<u8> = (0u8..56).collect();
    for seq in 1..=2u16 {
        let mut icmp = Vec::new();
        IcmpRepr::echo_request(0x0b0b, seq).emit(&mut icmp, &payload);
        let f = s.v4(lan, CLIENT, SERVER, ipproto::ICMP, &icmp);
        s.at(200_000, f);
        icmp.clear();
        IcmpRepr::echo_reply(0x0b0b, seq).emit(&mut icmp, &payload);
        let f = s.v4(back, SERVER, CLIENT, ipproto::ICMP, &icmp);
        s.at(21_000, f);
    }

    // A datagram to a closed port, and the ICMP error quoting it.
    let probe = craft::udp_datagram(40_000, 33_434, b"probe", &CLIENT, &SERVER);
    let probe_frame = s.v4(lan, CLIENT, SERVER, ipproto::UDP, &probe);
    let quoted = probe_frame.get(14..).unwrap_or_default().to_vec();
    s.at(100_000, probe_frame);
    let mut unreach = Vec::new();
    IcmpRepr {
        kind: 3,
        code: 3,
        rest: 0,
    }
    .emit(&mut unreach, &quoted);
    let f = s.v4(back, SERVER, CLIENT, ipproto::ICMP, &unreach);
    s.at(21_000, f);

    // IPv6: a connection attempt refused with a reset.
    let syn6 = craft::tcp(49_153, 443, 0x0102_0304, 0, flag::SYN);
    let seg = craft::tcp_segment(&syn6, &[], &CLIENT6, &SERVER6);
    s.at(
        50_000,
        lan.frame(
            ethertype::IPV6,
            &craft::ipv6_packet(CLIENT6, SERVER6, ipproto::TCP, &seg),
        ),
    );
    let rst6 = craft::tcp(443, 49_153, 0, 0x0102_0305, flag::RST | flag::ACK);
    let seg = craft::tcp_segment(&rst6, &[], &SERVER6, &CLIENT6);
    s.at(
        21_000,
        back.frame(
            ethertype::IPV6,
            &craft::ipv6_packet(SERVER6, CLIENT6, ipproto::TCP, &seg),
        ),
    );

    // A UDP datagram too big for one frame, sent in two fragments.
    let big: Vec<u8> = (0..2000u32).map(|i| (i % 251) as u8).collect();
    let dgram = craft::udp_datagram(5_000, 5_001, &big, &CLIENT, &SERVER);
    let ident = s.ident();
    let (first, second) = dgram.split_at(1480);
    let mut ip = craft::ipv4(CLIENT, SERVER, ident, 64);
    ip.df = false;
    ip.mf = true;
    s.at(
        30_000,
        lan.frame(
            ethertype::IPV4,
            &craft::ipv4_packet(ip.clone(), ipproto::UDP, first),
        ),
    );
    ip.mf = false;
    ip.frag_offset = (1480 / 8) as u16;
    s.at(
        40,
        lan.frame(
            ethertype::IPV4,
            &craft::ipv4_packet(ip, ipproto::UDP, second),
        ),
    );

    // A frame on VLAN 100.
    let tagged = Link {
        vlan: Some(100),
        ..lan
    };
    let d = craft::udp_datagram(123, 123, &[0x23; 48], &CLIENT, &GATEWAY);
    let f = s.v4(tagged, CLIENT, GATEWAY, ipproto::UDP, &d);
    s.at(10_000, f);

    // A segment whose checksum is wrong on purpose: the analyzer flags it.
    let mut bad = s.tcp4(
        lan,
        CLIENT,
        SERVER,
        &craft::tcp(cp, 80, c1 + 1, s1 + 1, flag::ACK),
        &[],
    );
    if let Some(b) = bad.get_mut(14 + 20 + 16) {
        *b ^= 0x5a;
    }
    s.at(5_000, bad);

    s.frames
}

/// Ethernet frames shorter than 60 bytes are padded on the wire.
fn pad60(mut f: Vec<u8>) -> Vec<u8> {
    if f.len() < 60 {
        f.resize(60, 0);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{dissect, Dissection, Options};
    use wiresift_wire::anomaly::AnomalyKind;
    use wiresift_wire::frame::FrameMeta;
    use wiresift_wire::Proto;

    #[test]
    fn sample_dissects_cleanly_but_for_the_planted_checksum() {
        let frames = frames();
        assert!(frames.len() >= 25);
        let mut bad = Vec::new();
        for (i, f) in frames.iter().enumerate() {
            let meta = FrameMeta {
                number: i as u64 + 1,
                len: f.data.len() as u32,
                cap_len: f.data.len() as u32,
                link_type: 1,
                ..FrameMeta::default()
            };
            let mut d = Dissection::default();
            dissect(meta, &f.data, Options::default(), &mut d);
            for a in &d.anomalies {
                bad.push((i + 1, a.proto, a.kind));
            }
        }
        let last = frames.len();
        assert_eq!(bad, vec![(last, Proto::Tcp, AnomalyKind::BadChecksum)]);
    }

    #[test]
    fn timestamps_increase() {
        let f = frames();
        assert!(f
            .windows(2)
            .all(|w| (w[0].ts_secs, w[0].ts_nanos) < (w[1].ts_secs, w[1].ts_nanos)));
    }
}
