//! Which application protocol a UDP datagram or a TCP stream carries: by
//! well-known port where the port is the protocol's, by content where ports
//! lie (HTTP on 8081, TLS on 8443). And how to frame and view its messages.

use wire::dns::Flavor;
use wire::stream::Pdu;
use wire::{Error, Layer};
use wiresift_wire as wire;

/// An application protocol we dissect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum App {
    Dns,
    Mdns,
    Llmnr,
    Dhcp,
    Quic,
    Http,
    /// HTTP messages in UDP datagrams (port 1900).
    Ssdp,
    Http2,
    Websocket,
    Tls,
    Mqtt,
    Smtp,
    Pop,
    Imap,
    Ftp,
    Ssh,
    /// A SOCKS handshake, expecting this message next.
    Socks(wire::socks::Msg),
    /// OpenVPN (port 1194): its control channel carries a TLS session.
    Openvpn,
    /// DTLS over UDP, found by content (tshark's heuristic).
    Dtls,
    /// A PROXY protocol header (v1 or v2) before a stream's own protocol:
    /// the app of the message, never of a stream.
    Proxy,
}

mod port {
    pub const DNS: u16 = 53;
    pub const MDNS: u16 = 5353;
    pub const LLMNR: u16 = 5355;
    pub const BOOTPS: u16 = 67;
    pub const BOOTPC: u16 = 68;
    pub const QUIC: u16 = 443;
    pub const SSDP: u16 = 1900;
    pub const NETBIOS_NS: u16 = 137;
    pub const SUNRPC: u16 = 111;
    /// tshark's default HTTP ports.
    pub const HTTP: &[u16] = &[80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710];
    /// tshark's default TLS ports (https, smtps, ldaps, ftps, telnets,
    /// imaps, ircs, pop3s, sip-tls, …).
    pub const TLS: &[u16] = &[443, 465, 636, 853, 989, 990, 992, 993, 994, 995, 5061];
    pub const MQTT: &[u16] = &[1883];
    pub const SMTP: &[u16] = &[25, 587];
    pub const POP: &[u16] = &[110];
    pub const IMAP: &[u16] = &[143];
    pub const FTP: &[u16] = &[21];
    pub const SSH: &[u16] = &[22];
    /// tshark's BitTorrent ports.
    pub const BITTORRENT: std::ops::RangeInclusive<u16> = 6881..=6889;
}

/// The well-known ports of a stream protocol (empty: found by content only).
fn ports(app: App) -> &'static [u16] {
    match app {
        App::Http => port::HTTP,
        App::Tls => port::TLS,
        App::Mqtt => port::MQTT,
        App::Smtp => port::SMTP,
        App::Pop => port::POP,
        App::Imap => port::IMAP,
        App::Ftp => port::FTP,
        App::Ssh => port::SSH,
        App::Socks(_) => &[wire::socks::PORT],
        App::Openvpn => &[wire::openvpn::PORT],
        App::Dns => &[port::DNS],
        App::Mdns => &[port::MDNS],
        App::Llmnr => &[port::LLMNR],
        App::Dhcp => &[port::BOOTPS, port::BOOTPC],
        App::Quic => &[port::QUIC],
        App::Ssdp => &[port::SSDP],
        App::Dtls => &[],
        App::Http2 | App::Websocket | App::Proxy => &[],
    }
}

/// The protocol of a UDP datagram between ports `src` and `dst`, whose
/// payload is `wire_len` bytes on the wire (`payload` those at hand).
pub fn udp(src: u16, dst: u16, payload: &[u8], wire_len: usize) -> Option<App> {
    let either = |p: u16| src == p || dst == p;
    if either(port::DNS) {
        Some(App::Dns)
    } else if either(port::MDNS) {
        Some(App::Mdns)
    } else if either(port::LLMNR) {
        Some(App::Llmnr)
    } else if either(port::BOOTPS) || either(port::BOOTPC) {
        Some(App::Dhcp)
    } else if either(port::SSDP) {
        Some(App::Ssdp)
    } else if either(wire::openvpn::PORT) {
        Some(App::Openvpn)
    } else if quic_heuristic(payload) {
        Some(App::Quic)
    } else if wire::dtls::looks_like(payload, wire_len) {
        // tshark's DTLS heuristic, on any port where no port-based protocol
        // claims the datagram (DTLS on 443 is not QUIC: its first byte, a
        // content type, has the long-header bit clear).
        Some(App::Dtls)
    } else if either(port::QUIC)
        && wire::quic::QuicView::new(payload).is_ok()
        && !wire::dns::looks_like(payload)
    {
        // Past a long header of a known version QUIC has few marks: DNS
        // (DNSCrypt on 443) that reads as QUIC is left to the DNS
        // heuristic, as in tshark.
        Some(App::Quic)
    } else if !either(port::NETBIOS_NS) && !either(port::SUNRPC) && wire::dns::looks_like(payload) {
        // tshark's DNS heuristic (DNSCrypt on 443, DNS on odd ports); NBNS
        // and portmapper replies look like DNS but are theirs.
        Some(App::Dns)
    } else {
        None
    }
}

/// tshark's QUIC heuristic on any port: a long header packet (at least 13
/// bytes) of a version it knows (v1, v2, drafts, mvfst), not Version
/// Negotiation.
fn quic_heuristic(payload: &[u8]) -> bool {
    payload.len() >= 13
        && wire::quic::QuicView::new(payload)
            .is_ok_and(|v| v.is_long() && wire::quic::is_known_version(v.version()))
}

/// Stream protocols in the order their content is tried.
const BY_CONTENT: &[App] = &[
    App::Tls,
    // HTTP/2 with prior knowledge: the client's preface (`PRI * HTTP/2.0`).
    App::Http2,
    App::Http,
    App::Ssh,
    App::Mqtt,
    App::Smtp,
    App::Ftp,
    App::Pop,
    App::Imap,
];

/// The protocol of a TCP stream between ports `src` and `dst` whose bytes
/// (in this direction) begin with `first`.
pub fn tcp(src: u16, dst: u16, first: &[u8]) -> Option<App> {
    let either = |p: u16| src == p || dst == p;
    if either(port::DNS) {
        return Some(App::Dns);
    }
    // A load balancer's PROXY header: the protocol is the one after it
    // (its messages frame the header, see `pdu_len`).
    let first = first
        .get(wire::proxy::header_len(first).unwrap_or(0)..)
        .unwrap_or(first);
    if either(wire::socks::PORT) && wire::socks::looks_like(first) {
        return wire::socks::Msg::first(first).map(App::Socks);
    }
    if either(wire::openvpn::PORT) && wire::openvpn::looks_like_tcp(first) {
        return Some(App::Openvpn);
    }
    let may = may_start(first);
    if may == 0 {
        return None;
    }
    // The protocol of a well-known port, when the bytes agree; then any
    // protocol the bytes show, whatever the port.
    // (A protocol of the port whose bytes disagree is not asked twice.)
    // tshark gives BitTorrent's ports to its BitTorrent dissector whatever
    // the bytes (TLS there is not read), which is not here: nothing by
    // content on them.
    let on = on_ports(may, src, dst);
    first_looking_like(on, first).or_else(|| {
        if port::BITTORRENT.contains(&src) || port::BITTORRENT.contains(&dst) {
            return None;
        }
        first_looking_like(may & !on, first)
    })
}

/// A set of [`BY_CONTENT`]'s protocols: bit `i` is `BY_CONTENT[i]`.
type Apps = u16;

/// The protocols of `set` whose well-known ports include `src` or `dst`.
fn on_ports(set: Apps, src: u16, dst: u16) -> Apps {
    members(set)
        .filter(|&(_, a)| ports(a).iter().any(|&p| src == p || dst == p))
        .fold(0, |on, (i, _)| on | 1 << i)
}

/// The first protocol of `set`, in [`BY_CONTENT`]'s order, whose content
/// `first` looks like.
fn first_looking_like(set: Apps, first: &[u8]) -> Option<App> {
    members(set).map(|(_, a)| a).find(|&a| looks_like(a, first))
}

/// The protocols of `set` with their bits, in [`BY_CONTENT`]'s order (the
/// set bits only: the sets are small).
fn members(mut set: Apps) -> impl Iterator<Item = (u32, App)> {
    std::iter::from_fn(move || {
        let i = set.trailing_zeros();
        set &= set.wrapping_sub(1);
        Some((i, *BY_CONTENT.get(i as usize)?))
    })
}

/// The protocol of a well-known port of a TCP segment, when its bytes
/// agree (what tshark finds in a packet header an sFlow agent sampled:
/// ports only).
pub fn tcp_on_port(src: u16, dst: u16, first: &[u8]) -> Option<App> {
    let may = may_start(first);
    if may == 0 {
        return None;
    }
    first_looking_like(on_ports(may, src, dst), first)
}

/// The protocol whose content a stream's first bytes show, whatever the
/// ports (also the protocol a SOCKS proxy tunnels, once it granted the
/// connection).
pub fn by_content(first: &[u8]) -> Option<App> {
    first_looking_like(may_start(first), first)
}

/// The protocols of [`BY_CONTENT`] whose content check can take bytes that
/// start with `first[0]`. Every TCP segment's payload is asked for its
/// protocol, and most (encrypted records and bodies that segments cut) are
/// ruled out by their first byte: one table look-up instead of each
/// protocol's check.
fn may_start(first: &[u8]) -> Apps {
    first.first().map_or(0, |&b| MAY_START[usize::from(b)])
}

/// [`may_start`] for each byte.
static MAY_START: [Apps; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        let mut i = 0;
        while i < BY_CONTENT.len() {
            if can_start(BY_CONTENT[i], b as u8) {
                t[b] |= 1 << i;
            }
            i += 1;
        }
        b += 1;
    }
    t
};

/// Can [`looks_like`] take `app`'s bytes when they start with `b`? (What
/// each protocol's check requires of the first byte; a unit test holds
/// them to it.)
const fn can_start(app: App, b: u8) -> bool {
    match app {
        // A record's content type (20 to 24).
        App::Tls => 20 <= b && b <= 24,
        // The client's preface, `PRI * HTTP/2.0`.
        App::Http2 => b == b'P',
        // A method (all in capitals, `M-` before one too), `HTTP/1.` or
        // `ICY`; a leading CRLF fails the text test of `looks_like`.
        App::Http => b.is_ascii_uppercase(),
        // `SSH-` in either case, or a binary packet whose 32-bit length is
        // at most 256 KiB.
        App::Ssh => matches!(b, b'S' | b's' | 0),
        // CONNECT.
        App::Mqtt => b == 0x10,
        // A reply code or a command (in capitals).
        App::Smtp | App::Ftp => b.is_ascii_digit() || b.is_ascii_uppercase(),
        // `+OK`, `-ERR` or a command (in capitals).
        App::Pop => matches!(b, b'+' | b'-') || b.is_ascii_uppercase(),
        // `*`, `+` or a tag: any text first byte.
        App::Imap => is_text_start(b),
        App::Dns
        | App::Mdns
        | App::Llmnr
        | App::Dhcp
        | App::Quic
        | App::Ssdp
        | App::Websocket
        | App::Socks(_)
        | App::Openvpn
        | App::Dtls
        | App::Proxy => false,
    }
}

/// The text protocols start with a letter, a digit or `+`/`*`/`-`.
const fn is_text_start(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'*' | b'-')
}

fn looks_like(app: App, bytes: &[u8]) -> bool {
    // The text protocols start with a letter, a digit or `+`/`*`/`-`: most
    // binary payloads need not be scanned by each of them. (SSH is looked
    // for in binary too: SSH 1 and key exchange packets, when a capture
    // starts after the banners; its check reads a few header bytes.)
    let text = bytes.first().is_some_and(|&b| is_text_start(b));
    match app {
        App::Smtp | App::Pop | App::Imap | App::Ftp | App::Http | App::Http2 if !text => false,
        App::Tls => wire::tls::looks_like(bytes),
        App::Http => wire::http::looks_like(bytes),
        App::Http2 => wire::http2::looks_like(bytes),
        App::Websocket => wire::websocket::looks_like(bytes),
        App::Mqtt => wire::mqtt::looks_like(bytes),
        App::Smtp => wire::smtp::looks_like(bytes),
        App::Pop => wire::pop::looks_like(bytes),
        App::Imap => wire::imap::looks_like(bytes),
        App::Ftp => wire::ftp::looks_like(bytes),
        App::Ssh => wire::ssh::looks_like(bytes),
        App::Dns
        | App::Mdns
        | App::Llmnr
        | App::Dhcp
        | App::Quic
        | App::Ssdp
        | App::Socks(_)
        | App::Openvpn
        | App::Dtls
        | App::Proxy => false,
    }
}

/// Is a packet from port `src` to port `dst` of `app` going to the server?
/// (The side on the protocol's port is the server; failing that, the
/// client sends first.)
pub fn to_server(app: App, src: u16, dst: u16) -> bool {
    let ps = ports(app);
    if ps.contains(&dst) {
        true
    } else if ps.contains(&src) {
        false
    } else {
        dst < src
    }
}

/// How many bytes the next message of `app` at the start of a stream takes
/// (a PROXY header before the stream's protocol is a message of its own).
pub fn pdu_len(app: App, bytes: &[u8]) -> Pdu {
    if let p @ (Pdu::Whole(_) | Pdu::Need(_)) = wire::proxy::pdu_len(bytes) {
        return p;
    }
    match app {
        App::Dns | App::Mdns | App::Llmnr => wire::dns::pdu_len_tcp(bytes),
        App::Http => wire::http::pdu_len(bytes),
        App::Http2 => wire::http2::pdu_len(bytes),
        App::Websocket => wire::websocket::pdu_len(bytes),
        App::Tls => wire::tls::pdu_len(bytes),
        App::Mqtt => wire::mqtt::pdu_len(bytes),
        App::Smtp => wire::smtp::pdu_len(bytes),
        App::Pop => wire::pop::pdu_len(bytes),
        App::Imap => wire::imap::pdu_len(bytes),
        App::Ftp => wire::ftp::pdu_len(bytes),
        App::Ssh => wire::ssh::pdu_len(bytes),
        App::Socks(m) => wire::socks::pdu_len(m, bytes),
        App::Proxy => wire::proxy::pdu_len(bytes),
        App::Openvpn => wire::openvpn::pdu_len(bytes),
        App::Dhcp | App::Quic | App::Ssdp | App::Dtls => Pdu::NotMine,
    }
}

/// Does the last message of `app` run to the end of the stream when no
/// length says otherwise (an HTTP/1.0 body)?
pub fn ends_at_close(app: App) -> bool {
    app == App::Http
}

/// The protocol a stream of `app` turns into after message `l` (an HTTP
/// `101 Switching Protocols` to WebSocket or to HTTP/2), if it does.
pub fn upgrade(app: App, l: &Layer) -> Option<App> {
    let (App::Http, Layer::Http(h)) = (app, l) else {
        return None;
    };
    if h.status() != Some(101) {
        return None;
    }
    let to = h.header(b"upgrade")?;
    if to.eq_ignore_ascii_case(b"websocket") {
        Some(App::Websocket)
    } else if to.eq_ignore_ascii_case(b"h2c") {
        Some(App::Http2)
    } else {
        None
    }
}

/// The layer of one datagram of `app`; `wire_len` is the datagram's
/// payload length as sent (more than `bytes` when the capture cut it).
pub fn datagram(app: App, bytes: &[u8], wire_len: usize) -> Result<Layer<'_>, Error> {
    Ok(match app {
        App::Dns => Layer::Dns(wire::dns::DnsView::new(bytes)?),
        App::Mdns => Layer::Mdns(wire::dns::DnsView::new(bytes)?.with_flavor(Flavor::Mdns)),
        App::Llmnr => Layer::Llmnr(wire::dns::DnsView::new(bytes)?.with_flavor(Flavor::Llmnr)),
        App::Dhcp => Layer::Dhcp(wire::dhcp::DhcpView::new(bytes)?.with_wire_len(wire_len)),
        App::Quic => Layer::Quic(wire::quic::QuicView::new(bytes)?),
        App::Ssdp => Layer::Ssdp(wire::http::HttpView::new(bytes)?),
        App::Openvpn => Layer::Openvpn(wire::openvpn::OpenvpnView::new(bytes)?),
        App::Dtls => Layer::Dtls(wire::dtls::DtlsView::new(bytes)?),
        _ => message(app, bytes, true)?,
    })
}

/// The layer of one whole message of `app` taken from a stream, sent to the
/// server or (`to_server` false) from it.
pub fn message(app: App, bytes: &[u8], to_server: bool) -> Result<Layer<'_>, Error> {
    Ok(match app {
        App::Dns => Layer::Dns(wire::dns::DnsView::new_tcp(bytes)?),
        App::Mdns => Layer::Mdns(wire::dns::DnsView::new_tcp(bytes)?.with_flavor(Flavor::Mdns)),
        App::Llmnr => Layer::Llmnr(wire::dns::DnsView::new_tcp(bytes)?.with_flavor(Flavor::Llmnr)),
        App::Http => Layer::Http(wire::http::HttpView::new(bytes)?),
        App::Http2 => Layer::Http2(wire::http2::Http2View::new(bytes)?),
        App::Websocket => Layer::Websocket(wire::websocket::WebsocketView::new(bytes)?),
        App::Tls => Layer::Tls(wire::tls::TlsView::new(bytes)?),
        App::Mqtt => Layer::Mqtt(wire::mqtt::MqttView::new(bytes)?),
        App::Smtp => Layer::Smtp(wire::smtp::SmtpView::new(bytes, to_server)?),
        App::Pop => Layer::Pop(wire::pop::PopView::new(bytes, to_server)?),
        App::Imap => Layer::Imap(wire::imap::ImapView::new(bytes, to_server)?),
        App::Ftp => Layer::Ftp(wire::ftp::FtpView::new(bytes, to_server)?),
        App::Ssh => Layer::Ssh(wire::ssh::SshView::new(bytes, to_server)?),
        App::Socks(m) => Layer::Socks(wire::socks::SocksView::new(bytes, m)?),
        App::Proxy => Layer::Proxy(wire::proxy::ProxyView::new(bytes)?),
        App::Openvpn => Layer::Openvpn(wire::openvpn::OpenvpnView::new_tcp(bytes)?),
        App::Dhcp => Layer::Dhcp(wire::dhcp::DhcpView::new(bytes)?),
        App::Quic => Layer::Quic(wire::quic::QuicView::new(bytes)?),
        App::Ssdp => Layer::Ssdp(wire::http::HttpView::new(bytes)?),
        App::Dtls => Layer::Dtls(wire::dtls::DtlsView::new(bytes)?),
    })
}

/// The protocol a layer of `app` is.
pub fn proto(app: App) -> wire::Proto {
    use wire::Proto;
    match app {
        App::Dns => Proto::Dns,
        App::Mdns => Proto::Mdns,
        App::Llmnr => Proto::Llmnr,
        App::Dhcp => Proto::Dhcp,
        App::Quic => Proto::Quic,
        App::Ssdp => Proto::Ssdp,
        App::Http => Proto::Http,
        App::Http2 => Proto::Http2,
        App::Websocket => Proto::Websocket,
        App::Tls => Proto::Tls,
        App::Mqtt => Proto::Mqtt,
        App::Smtp => Proto::Smtp,
        App::Pop => Proto::Pop,
        App::Imap => Proto::Imap,
        App::Ftp => Proto::Ftp,
        App::Ssh => Proto::Ssh,
        App::Socks(_) => Proto::Socks,
        App::Proxy => Proto::Proxy,
        App::Openvpn => Proto::Openvpn,
        App::Dtls => Proto::Dtls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first bytes of real messages, the capture and frame each is from.
    const SAMPLES: &[(App, &[u8])] = &[
        // arkime__tls-alpn-h2.pcap, frame 4 (ClientHello).
        (
            App::Tls,
            b"\x16\x03\x01\x00\xe8\x01\x00\x00\xe4\x03\x03\x85\x82\x26\xc0\x4f",
        ),
        // suricata__http2-deflate-http2_deflate.pcap, frames 9, 5 and 7.
        (App::Http2, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        (App::Http, b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"),
        (App::Http, b"HTTP/1.1 101 Switching Protocols\r\n"),
        // scapy__ssh_ed25519.pcap, frame 4.
        (App::Ssh, b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u1\r\n"),
        // suricata__mqtt-limit-2-input.pcap, frame 4 (CONNECT).
        (App::Mqtt, b"\x10\x0e\x00\x04MQTT\x04\x02\x00\x3c\x00\x02P1"),
        // arkime__smtp-html.pcap, frame 1 (its first line).
        (App::Smtp, b"HELO\n"),
        // arkime__ftp.pcap, frames 4 and 6.
        (App::Ftp, b"220 Welcome to mirrors.rit.edu.\r\n"),
        (App::Ftp, b"USER anonymous\r\n"),
        // arkime__pop3-tag.pcap, frame 4.
        (App::Pop, b"+OK POP3 ready\r\n"),
        // arkime__imap.pcap, frames 4 and 6.
        (
            App::Imap,
            b"* OK Microsoft Exchange IMAP4rev1 server version 5.5.2650.23 (umr-mail02) ready\r\n",
        ),
        (App::Imap, b"a0000 CAPABILITY\r\n"),
    ];

    #[test]
    fn each_sample_is_found_by_content() {
        for &(app, bytes) in SAMPLES {
            assert!(looks_like(app, bytes), "{app:?}: {bytes:?}");
            assert!(by_content(bytes).is_some(), "{app:?}: {bytes:?}");
        }
    }

    /// The first-byte table rules out no bytes a protocol's check takes:
    /// each sample with each first byte in turn.
    #[test]
    fn the_first_byte_table_rules_out_only_what_no_check_takes() {
        for &(_, bytes) in SAMPLES {
            let mut m = bytes.to_vec();
            for b in 0..=u8::MAX {
                m[0] = b;
                for (i, &app) in BY_CONTENT.iter().enumerate() {
                    if looks_like(app, &m) {
                        assert!(MAY_START[usize::from(b)] & 1 << i != 0, "{app:?}: {m:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_protocols_of_the_ports_are_tried_first() {
        // `tcp` tries the protocols of the ports first, in the table's order.
        assert_eq!(on_ports(Apps::MAX, 80, 443), 0b101);
        assert_eq!(tcp_on_port(50000, 443, SAMPLES[0].1), Some(App::Tls));
        assert_eq!(tcp_on_port(50000, 80, SAMPLES[0].1), None);
        assert_eq!(tcp(50000, 80, SAMPLES[0].1), Some(App::Tls));
    }
}
