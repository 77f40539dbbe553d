//! Which application protocol a UDP datagram or a TCP stream carries: by
//! well-known port where the port is the protocol's, by content where ports
//! lie (HTTP on 8081, TLS on 8443). And how to frame and view its messages.

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
    Http,
    Tls,
}

mod port {
    pub const DNS: u16 = 53;
    pub const MDNS: u16 = 5353;
    pub const LLMNR: u16 = 5355;
    pub const BOOTPS: u16 = 67;
    pub const BOOTPC: u16 = 68;
    /// tshark's default HTTP ports.
    pub const HTTP: &[u16] = &[80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710];
    /// tshark's default TLS ports (https, smtps, ldaps, ftps, telnets,
    /// imaps, ircs, pop3s, sip-tls, …).
    pub const TLS: &[u16] = &[443, 465, 636, 853, 989, 990, 992, 993, 994, 995, 5061];
}

/// The protocol of a UDP datagram between ports `src` and `dst`.
pub fn udp(src: u16, dst: u16, _payload: &[u8]) -> Option<App> {
    let either = |p: u16| src == p || dst == p;
    if either(port::DNS) {
        Some(App::Dns)
    } else if either(port::MDNS) {
        Some(App::Mdns)
    } else if either(port::LLMNR) {
        Some(App::Llmnr)
    } else if either(port::BOOTPS) || either(port::BOOTPC) {
        Some(App::Dhcp)
    } else {
        None
    }
}

/// The protocol of a TCP stream between ports `src` and `dst` whose bytes
/// (in this direction) begin with `first`.
pub fn tcp(src: u16, dst: u16, first: &[u8]) -> Option<App> {
    let either = |p: u16| src == p || dst == p;
    let any = |ps: &[u16]| ps.iter().any(|&p| either(p));
    if either(port::DNS) {
        return Some(App::Dns);
    }
    if any(port::TLS) && wire::tls::looks_like(first) {
        return Some(App::Tls);
    }
    if any(port::HTTP) && wire::http::looks_like(first) {
        return Some(App::Http);
    }
    // By content, whatever the port.
    if wire::tls::looks_like(first) {
        Some(App::Tls)
    } else if wire::http::looks_like(first) {
        Some(App::Http)
    } else {
        None
    }
}

/// How many bytes the next message of `app` at the start of a stream takes.
pub fn pdu_len(app: App, bytes: &[u8]) -> Pdu {
    match app {
        App::Dns | App::Mdns | App::Llmnr => wire::dns::pdu_len_tcp(bytes),
        App::Http => wire::http::pdu_len(bytes),
        App::Tls => wire::tls::pdu_len(bytes),
        App::Dhcp => Pdu::NotMine,
    }
}

/// Does the last message of `app` run to the end of the stream when no
/// length says otherwise (an HTTP/1.0 body)?
pub fn ends_at_close(app: App) -> bool {
    app == App::Http
}

/// The layer of one datagram of `app`.
pub fn datagram(app: App, bytes: &[u8]) -> Result<Layer<'_>, Error> {
    Ok(match app {
        App::Dns => Layer::Dns(wire::dns::DnsView::new(bytes)?),
        App::Mdns => Layer::Mdns(wire::dns::DnsView::new(bytes)?),
        App::Llmnr => Layer::Llmnr(wire::dns::DnsView::new(bytes)?),
        App::Dhcp => Layer::Dhcp(wire::dhcp::DhcpView::new(bytes)?),
        App::Http => Layer::Http(wire::http::HttpView::new(bytes)?),
        App::Tls => Layer::Tls(wire::tls::TlsView::new(bytes)?),
    })
}

/// The layer of one whole message of `app` taken from a stream.
pub fn message(app: App, bytes: &[u8]) -> Result<Layer<'_>, Error> {
    match app {
        App::Dns => Ok(Layer::Dns(wire::dns::DnsView::new_tcp(bytes)?)),
        App::Mdns => Ok(Layer::Mdns(wire::dns::DnsView::new_tcp(bytes)?)),
        App::Llmnr => Ok(Layer::Llmnr(wire::dns::DnsView::new_tcp(bytes)?)),
        _ => datagram(app, bytes),
    }
}

/// The protocol a layer of `app` is.
pub fn proto(app: App) -> wire::Proto {
    use wire::Proto;
    match app {
        App::Dns => Proto::Dns,
        App::Mdns => Proto::Mdns,
        App::Llmnr => Proto::Llmnr,
        App::Dhcp => Proto::Dhcp,
        App::Http => Proto::Http,
        App::Tls => Proto::Tls,
    }
}
