//! Whole frames from layer builders: Ethernet (with optional 802.1Q tag)
//! around IPv4 or IPv6 around TCP, UDP or ICMP, every length and checksum
//! right. The sample capture and the tests build their traffic with these.

use wiresift_wire::ethernet::{ethertype, EthernetRepr};
use wiresift_wire::ipv4::Ipv4Repr;
use wiresift_wire::ipv6::Ipv6Repr;
use wiresift_wire::tcp::TcpRepr;
use wiresift_wire::udp::UdpRepr;
use wiresift_wire::vlan::VlanRepr;

/// IP protocol numbers used by the builders.
pub mod ipproto {
    pub const ICMP: u8 = 1;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const ICMPV6: u8 = 58;
}

/// The link-layer part of a frame: addresses and an optional VLAN id.
#[derive(Clone, Copy, Debug)]
pub struct Link {
    pub src: [u8; 6],
    pub dst: [u8; 6],
    pub vlan: Option<u16>,
}

impl Link {
    /// The same link in the other direction.
    pub fn reply(&self) -> Link {
        Link {
            src: self.dst,
            dst: self.src,
            vlan: self.vlan,
        }
    }

    /// Ethernet (and VLAN tag) carrying `payload` of EtherType `ty`.
    pub fn frame(&self, ty: u16, payload: &[u8]) -> Vec<u8> {
        let mut f = Vec::with_capacity(18 + payload.len());
        match self.vlan {
            Some(id) => {
                EthernetRepr {
                    dst: self.dst,
                    src: self.src,
                    ethertype: ethertype::VLAN,
                }
                .emit(&mut f);
                VlanRepr {
                    pcp: 0,
                    dei: false,
                    id,
                    ethertype: ty,
                }
                .emit(&mut f);
            }
            None => EthernetRepr {
                dst: self.dst,
                src: self.src,
                ethertype: ty,
            }
            .emit(&mut f),
        }
        f.extend_from_slice(payload);
        f
    }
}

/// An IPv4 header template: `payload_len` and `protocol` are filled in.
pub fn ipv4(src: [u8; 4], dst: [u8; 4], ident: u16, ttl: u8) -> Ipv4Repr {
    Ipv4Repr {
        dscp: 0,
        ecn: 0,
        ident,
        df: true,
        mf: false,
        frag_offset: 0,
        ttl,
        protocol: 0,
        src,
        dst,
        options: Vec::new(),
        payload_len: 0,
    }
}

/// An IPv4 datagram around an upper-layer packet.
pub fn ipv4_packet(mut ip: Ipv4Repr, protocol: u8, upper: &[u8]) -> Vec<u8> {
    ip.protocol = protocol;
    ip.payload_len = upper.len();
    let mut b = Vec::with_capacity(ip.header_len() + upper.len());
    ip.emit(&mut b);
    b.extend_from_slice(upper);
    b
}

/// An IPv6 packet around an upper-layer packet.
pub fn ipv6_packet(src: [u8; 16], dst: [u8; 16], next_header: u8, upper: &[u8]) -> Vec<u8> {
    let mut b = Vec::with_capacity(40 + upper.len());
    Ipv6Repr {
        traffic_class: 0,
        flow_label: 0,
        payload_len: u16::try_from(upper.len()).unwrap_or(u16::MAX),
        next_header,
        hop_limit: 64,
        src,
        dst,
    }
    .emit(&mut b);
    b.extend_from_slice(upper);
    b
}

/// A TCP header without options and with an open window (64 240).
pub fn tcp(src_port: u16, dst_port: u16, seq: u32, ack: u32, flags: u16) -> TcpRepr {
    TcpRepr {
        src_port,
        dst_port,
        seq,
        ack,
        flags,
        window: 64_240,
        ..TcpRepr::default()
    }
}

/// A TCP segment with its checksum over the pseudo-header of `src`/`dst`
/// (4 or 16 bytes each).
pub fn tcp_segment(t: &TcpRepr, payload: &[u8], src: &[u8], dst: &[u8]) -> Vec<u8> {
    let mut b = Vec::with_capacity(60 + payload.len());
    t.emit(&mut b, payload, src, dst);
    b
}

/// A UDP datagram with its checksum over the pseudo-header of `src`/`dst`.
pub fn udp_datagram(
    src_port: u16,
    dst_port: u16,
    payload: &[u8],
    src: &[u8],
    dst: &[u8],
) -> Vec<u8> {
    let mut b = Vec::with_capacity(8 + payload.len());
    UdpRepr { src_port, dst_port }.emit(&mut b, payload, src, dst);
    b
}

/// For tests: a TCP segment of one connection on Ethernet, between a client
/// 10.0.0.1:40000 and a server 10.0.0.2:`server_port`, sent by the client
/// when `up` (window 1000).
#[cfg(test)]
pub(crate) fn client_server_segment(
    up: bool,
    server_port: u16,
    seq: u32,
    ack: u32,
    flags: u16,
    data: &[u8],
) -> Vec<u8> {
    const C: [u8; 4] = [10, 0, 0, 1];
    const S: [u8; 4] = [10, 0, 0, 2];
    let (src, dst, sp, dp) = if up {
        (C, S, 40000, server_port)
    } else {
        (S, C, server_port, 40000)
    };
    let t = TcpRepr {
        src_port: sp,
        dst_port: dp,
        seq,
        ack,
        flags,
        window: 1000,
        ..TcpRepr::default()
    };
    let tcp = tcp_segment(&t, data, &src, &dst);
    let ip = ipv4_packet(ipv4(src, dst, 1, 64), ipproto::TCP, &tcp);
    let link = Link {
        src: [2, 0, 0, 0, 0, u8::from(up)],
        dst: [2, 0, 0, 0, 0, u8::from(!up)],
        vlan: None,
    };
    link.frame(ethertype::IPV4, &ip)
}

/// For tests: a whole TCP connection of `client_server_segment`s to
/// `server_port`: the handshake, then a segment for each `(from the
/// client?, bytes)`, each acknowledging all the peer has sent.
#[cfg(test)]
pub(crate) fn connection(server_port: u16, segs: &[(bool, &[u8])]) -> Vec<Vec<u8>> {
    use wiresift_wire::tcp::flag;
    let (mut c, mut s) = (1000u32, 5000u32);
    let mut frames = vec![
        client_server_segment(true, server_port, c, 0, flag::SYN, &[]),
        client_server_segment(false, server_port, s, c + 1, flag::SYN | flag::ACK, &[]),
    ];
    (c, s) = (c + 1, s + 1);
    for &(up, data) in segs {
        let (seq, ack) = if up { (c, s) } else { (s, c) };
        let f = flag::ACK | flag::PSH;
        frames.push(client_server_segment(up, server_port, seq, ack, f, data));
        let sent = if up { &mut c } else { &mut s };
        *sent = sent.wrapping_add(data.len() as u32);
    }
    frames
}

/// For tests: the capture's record of Ethernet frame `data`, the `i`th
/// (from 0) of the capture, a second after the one before it.
#[cfg(test)]
pub(crate) fn nth_frame_meta(i: usize, data: &[u8]) -> wiresift_wire::frame::FrameMeta {
    wiresift_wire::frame::FrameMeta {
        number: i as u64 + 1,
        ts_secs: i as i64,
        len: data.len() as u32,
        cap_len: data.len() as u32,
        link_type: 1,
        ..Default::default()
    }
}

#[cfg(test)]
/// Bytes from hex text (anything but hex digits ignored): the tests'
/// captured bytes.
pub(crate) fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}
