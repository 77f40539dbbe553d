//! One line a packet, in tcpdump's words: time, protocol, addresses and
//! ports, then what the top layer says (flags, sequence numbers, lengths).
//! Times are UTC: wiresift reads no time-zone database.

use super::Sink;
use std::fmt::Write as _;
use wiresift_engine::{Dissection, Entry};
use wiresift_wire::{field, Layer};

#[derive(Default)]
pub struct Line {
    s: String,
}

impl Sink for Line {
    fn packet(&mut self, d: &Dissection, out: &mut Vec<u8>) {
        let s = &mut self.s;
        s.clear();
        if let Some(f) = d.frame() {
            clock(s, f.meta.ts_secs, f.meta.ts_nanos);
        }
        describe(d, s);
        if !d.anomalies.is_empty() {
            s.push_str(" [");
            for (i, a) in d.anomalies.iter().enumerate() {
                if i > 0 {
                    s.push_str("; ");
                }
                s.push_str(a.proto.name());
                s.push(' ');
                s.push_str(a.kind.name());
                s.push_str(": ");
                s.push_str(a.msg);
            }
            s.push(']');
        }
        s.push('\n');
        out.extend_from_slice(s.as_bytes());
    }

    fn shows_streams(&self) -> bool {
        false
    }
}

/// `HH:MM:SS.uuuuuu ` of the time of day, UTC.
fn clock(s: &mut String, secs: i64, nanos: u32) {
    let day = secs.rem_euclid(86_400);
    let (h, m, sec) = (day / 3600, day / 60 % 60, day % 60);
    let us = nanos / 1000;
    let b = [
        b'0' + (h / 10) as u8,
        b'0' + (h % 10) as u8,
        b':',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b':',
        b'0' + (sec / 10) as u8,
        b'0' + (sec % 10) as u8,
        b'.',
    ];
    s.extend(b.iter().map(|&c| c as char));
    let mut digits = [b'0'; 6];
    let mut v = us;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (v % 10) as u8;
        v /= 10;
    }
    s.extend(digits.iter().map(|&c| c as char));
    s.push(' ');
}

fn num(s: &mut String, n: impl itoa::Integer) {
    s.push_str(itoa::Buffer::new().format(n));
}

/// Describe the packet from its innermost network layer outwards.
fn describe(d: &Dissection, s: &mut String) {
    // The last IP layer that is not inside an ICMP quote carries the traffic.
    let ip_idx = d
        .layers
        .iter()
        .rposition(|e| !e.quoted && matches!(e.layer, Layer::Ip(_) | Layer::Ipv6(_)));
    let Some(i) = ip_idx else {
        return link_only(d, s);
    };
    tunnel(d, i, s);
    let upper = d.layers.get(i + 1..).unwrap_or(&[]);
    let transport = upper
        .iter()
        .find(|e| !e.quoted && matches!(e.layer, Layer::Tcp(_) | Layer::Udp(_)));
    let ports = match transport.map(|e| &e.layer) {
        Some(Layer::Tcp(t)) => Some((t.src_port(), t.dst_port())),
        Some(Layer::Udp(u)) => Some((u.src_port(), u.dst_port())),
        _ => None,
    };
    match d.layers.get(i).map(|e| &e.layer) {
        Some(Layer::Ip(v)) => {
            s.push_str("IP ");
            field::write_ipv4(s, v.src());
            port(s, ports.map(|p| p.0));
            s.push_str(" > ");
            field::write_ipv4(s, v.dst());
            port(s, ports.map(|p| p.1));
            s.push_str(": ");
            if v.is_fragment() {
                s.push_str("frag id ");
                num(s, v.ident());
                s.push_str(", offset ");
                num(s, v.frag_byte_offset());
                s.push_str(if v.mf() { "+" } else { "" });
                s.push_str(", proto ");
                num(s, v.protocol());
                s.push_str(", length ");
                num(s, v.wire_payload_len());
                return;
            }
        }
        Some(Layer::Ipv6(v)) => {
            s.push_str("IP6 ");
            field::write_ipv6(s, &v.src());
            port(s, ports.map(|p| p.0));
            s.push_str(" > ");
            field::write_ipv6(s, &v.dst());
            port(s, ports.map(|p| p.1));
            s.push_str(": ");
        }
        _ => {}
    }
    upper_layer(upper, s);
    let apps_from = s.len();
    let mut mail: Option<usize> = None;
    // Several messages of one protocol in a frame make one summary, joined
    // as tshark's Info column joins them.
    let mut last: Option<(wiresift_wire::Proto, usize)> = None;
    for e in upper {
        let p = e.layer.proto();
        // A mail clears what the messages before it said; the next mail
        // clears only its words about the body, and IMAP lines after it say
        // nothing (tshark's IMF clears the Info column up to a fence it sets
        // after its headers' words; IMAP writes the column once, at the
        // start of a segment).
        if let Layer::Imf(v) = &e.layer {
            // Where the words of the mail before about its body start.
            s.truncate(mail.unwrap_or(apps_from));
            let before = s.len();
            if before == apps_from {
                s.push_str(": IMF ");
            }
            let words = s.len();
            let body = v.summary_parts(s);
            mail = Some(body);
            if s.len() == words {
                s.truncate(before);
                mail = Some(before);
            }
            last = Some((p, apps_from));
            continue;
        }
        if mail.is_some() && p == wiresift_wire::Proto::Imap {
            continue;
        }
        if let (wiresift_wire::Proto::Dns, Some((wiresift_wire::Proto::Http2, at))) = (p, last) {
            // DNS over HTTPS: tshark's DNS dissector sets the Info column
            // anew, and the HTTP/2 frames after it join it.
            s.truncate(at.saturating_sub(wiresift_wire::Proto::Http2.name().len() + 3));
            last = app_summary(&e.layer, s).map(|at| (wiresift_wire::Proto::Http2, at));
            continue;
        }
        match last.filter(|&(q, _)| q == p).map(|(_, at)| (join(p), at)) {
            Some((Join::With(sep), at)) => {
                let before = s.len();
                s.push_str(sep);
                let next = s.len();
                if !summary(&e.layer, s) {
                    s.truncate(before);
                } else if let Some(n) = same_side(s, at, next) {
                    // The side (`C: `, `Server: `) is said once.
                    s.replace_range(next..next + n, "");
                }
            }
            Some((Join::Last, at)) => {
                let before = s.len();
                s.truncate(at);
                if !summary(&e.layer, s) {
                    s.truncate(before);
                }
            }
            None => {
                let at = app_summary(&e.layer, s);
                last = at.map(|at| (p, at));
            }
        }
    }
}

/// The length of the side prefix (`C: `, `S: `, `Client: `, `Server: `)
/// of the summary at `first` when the summary at `next` repeats it.
fn same_side(s: &str, first: usize, next: usize) -> Option<usize> {
    let prefix = ["C: ", "S: ", "Client: ", "Server: "]
        .into_iter()
        .find(|p| s.get(first..).is_some_and(|t| t.starts_with(p)))?;
    s.get(next..)
        .is_some_and(|t| t.starts_with(prefix))
        .then_some(prefix.len())
}

/// How tshark's Info column shows a second message of a protocol in the
/// same frame.
enum Join {
    /// After the first, with this separator.
    With(&'static str),
    /// In its place (the dissector sets the column anew for each).
    Last,
}

fn join(p: wiresift_wire::Proto) -> Join {
    use wiresift_wire::Proto;
    match p {
        Proto::Smtp => Join::With(" | "),
        Proto::Imap => Join::Last,
        _ => Join::With(", "),
    }
}

/// What an application message says, after the transport's words, as
/// tshark's Info column puts it (`: DNS Standard query 0x1a2b A example.com`).
/// Returns where the summary text starts, when there is one.
fn app_summary(l: &Layer, s: &mut String) -> Option<usize> {
    let start = s.len();
    s.push_str(": ");
    // Upper-cased as it is written: no string made per message.
    s.extend(l.proto().name().chars().map(|c| c.to_ascii_uppercase()));
    s.push(' ');
    let at = s.len();
    if summary(l, s) {
        Some(at)
    } else {
        s.truncate(start);
        None
    }
}

/// The summary of an application layer; false when it has none.
fn summary(l: &Layer, s: &mut String) -> bool {
    let before = s.len();
    match l {
        Layer::Dns(v) | Layer::Mdns(v) | Layer::Llmnr(v) => v.summary(s),
        Layer::Dhcp(v) => v.summary(s),
        Layer::Http(v) | Layer::Ssdp(v) => v.summary(s),
        Layer::Ftp(v) => v.summary(s),
        Layer::Smtp(v) => v.summary(s),
        Layer::Imf(v) => v.summary(s),
        Layer::Pop(v) => v.summary(s),
        Layer::Imap(v) => v.summary(s),
        Layer::Ssh(v) => v.summary(s),
        Layer::Socks(v) => v.summary(s),
        Layer::Openvpn(v) => v.summary(s),
        Layer::Sflow(v) => v.summary(s),
        Layer::Mqtt(v) => v.summary(s),
        Layer::Websocket(v) => v.summary(s),
        Layer::Http2(v) => v.summary(s),
        Layer::Quic(v) => v.summary(s),
        Layer::Dtls(v) => v.summary(s),
        Layer::Tls(v) => {
            v.summary(s);
            // The server asked for, as newer Wiresharks show it.
            if let Some(name) = v.client_hello().and_then(|h| h.server_name()) {
                s.push_str(" (SNI=");
                field::write_escaped(s, name);
                s.push(')');
            }
        }
        _ => {}
    }
    s.len() > before
}

/// For tunnelled traffic (IP in GRE, VXLAN, GTP, …): the outer IP pair and
/// the encapsulations up to the inner IP layer at `inner`, as
/// `IP a > b: gre erspan eth: `.
fn tunnel(d: &Dissection, inner: usize, s: &mut String) {
    let outer = d
        .layers
        .iter()
        .position(|e| matches!(e.layer, Layer::Ip(_) | Layer::Ipv6(_)));
    let Some(o) = outer.filter(|&o| o < inner) else {
        return;
    };
    match d.layers.get(o).map(|e| &e.layer) {
        Some(Layer::Ip(v)) => {
            s.push_str("IP ");
            field::write_ipv4(s, v.src());
            s.push_str(" > ");
            field::write_ipv4(s, v.dst());
        }
        Some(Layer::Ipv6(v)) => {
            s.push_str("IP6 ");
            field::write_ipv6(s, &v.src());
            s.push_str(" > ");
            field::write_ipv6(s, &v.dst());
        }
        _ => return,
    }
    s.push(':');
    for e in d.layers.get(o + 1..inner).unwrap_or(&[]) {
        s.push(' ');
        s.push_str(e.layer.proto().name());
    }
    s.push_str(": ");
}

fn port(s: &mut String, p: Option<u16>) {
    if let Some(p) = p {
        s.push('.');
        num(s, p);
    }
}

fn upper_layer(upper: &[Entry], s: &mut String) {
    let Some(e) = upper
        .iter()
        .find(|e| !matches!(e.layer, Layer::Ipv6Ext(_) | Layer::Ah(_)))
    else {
        s.push_str("no next header");
        return;
    };
    match &e.layer {
        Layer::Tcp(t) => {
            s.push_str("Flags [");
            tcp_flags(s, t.flags());
            s.push_str("], seq ");
            num(s, t.seq());
            let len = t.segment_len().unwrap_or(0);
            if len > 0 {
                s.push(':');
                num(s, t.seq().wrapping_add(len as u32));
            }
            if t.ack_flag() {
                s.push_str(", ack ");
                num(s, t.ack());
            }
            s.push_str(", win ");
            num(s, t.window());
            s.push_str(", length ");
            num(s, len);
        }
        Layer::Udp(u) => {
            s.push_str("UDP, length ");
            num(s, u.length().saturating_sub(8));
        }
        Layer::Icmp(v) => {
            s.push_str("ICMP ");
            icmp_words(s, v.kind(), v.code());
            if matches!(v.kind(), 0 | 8 | 13 | 14) {
                s.push_str(", id ");
                num(s, v.ident());
                s.push_str(", seq ");
                num(s, v.seq());
            }
            if v.kind() == 3 && v.code() == 4 {
                s.push_str(", mtu ");
                num(s, v.mtu());
            }
            s.push_str(", length ");
            num(s, v.payload().len() + v.header_len());
        }
        Layer::Icmpv6(v) => {
            s.push_str("ICMP6, ");
            icmpv6_words(s, v.kind(), v.code());
            if let Some(t) = v.target() {
                s.push_str(", ");
                field::write_ipv6(s, &t);
            }
            if matches!(v.kind(), 128 | 129) {
                s.push_str(", id ");
                num(s, v.echo_ident());
                s.push_str(", seq ");
                num(s, v.echo_seq());
            }
            s.push_str(", length ");
            num(s, v.payload().len() + v.header_len());
        }
        Layer::Gre(g) => {
            s.push_str("GRE, proto 0x");
            let _ = write!(s, "{:04x}", g.protocol());
        }
        Layer::Esp(e) => {
            s.push_str("ESP(spi=0x");
            let _ = write!(s, "{:08x}", e.spi());
            s.push_str(",seq=");
            num(s, e.sequence());
            s.push(')');
        }
        Layer::Data(d) => {
            s.push_str("ip-proto, length ");
            num(s, d.bytes().len());
        }
        other => s.push_str(other.proto().name()),
    }
}

/// tcpdump's flag letters: S F P R U E W and `.` for ACK.
fn tcp_flags(s: &mut String, flags: u16) {
    const LETTERS: [(u16, char); 8] = [
        (0x002, 'S'),
        (0x001, 'F'),
        (0x008, 'P'),
        (0x004, 'R'),
        (0x020, 'U'),
        (0x040, 'E'),
        (0x080, 'W'),
        (0x010, '.'),
    ];
    let mut any = false;
    for (bit, c) in LETTERS {
        if flags & bit != 0 {
            s.push(c);
            any = true;
        }
    }
    if !any {
        s.push_str("none");
    }
}

/// Frames with no IP layer: ARP, or the link layer's own words.
fn link_only(d: &Dissection, s: &mut String) {
    for e in d.layers.iter().rev() {
        match &e.layer {
            Layer::Arp(a) => {
                arp_words(a, s);
                return;
            }
            Layer::Eth(v) => {
                match v.ethertype() {
                    Some(t) => {
                        let _ = write!(s, "ethertype 0x{t:04x}");
                    }
                    None => s.push_str("802.3"),
                }
                let _ = write!(s, ", length {}", v.payload().len() + 14);
                return;
            }
            Layer::Frame(f) => {
                let _ = write!(s, "link-type {}, length {}", f.meta.link_type, f.meta.len);
                return;
            }
            _ => {}
        }
    }
}

/// tcpdump's wording for the common ICMP types.
fn icmp_words(s: &mut String, kind: u8, code: u8) {
    let w = match (kind, code) {
        (0, _) => "echo reply",
        (8, _) => "echo request",
        (3, 0) => "net unreachable",
        (3, 1) => "host unreachable",
        (3, 2) => "protocol unreachable",
        (3, 3) => "port unreachable",
        (3, 4) => "unreachable - need to frag",
        (3, 13) => "unreachable - admin prohibited filter",
        (3, _) => "unreachable",
        (4, _) => "source quench",
        (5, _) => "redirect",
        (9, _) => "router advertisement",
        (10, _) => "router solicitation",
        (11, 0) => "time exceeded in-transit",
        (11, _) => "ip reassembly time exceeded",
        (12, _) => "parameter problem",
        (13, _) => "time stamp request",
        (14, _) => "time stamp reply",
        _ => {
            let _ = write!(s, "type {kind}, code {code}");
            return;
        }
    };
    s.push_str(w);
}

/// tcpdump's wording for the common ICMPv6 types.
fn icmpv6_words(s: &mut String, kind: u8, code: u8) {
    let w = match kind {
        1 => "destination unreachable",
        2 => "packet too big",
        3 => "time exceeded in-transit",
        4 => "parameter problem",
        128 => "echo request",
        129 => "echo reply",
        130 => "multicast listener query",
        131 => "multicast listener report",
        132 => "multicast listener done",
        133 => "router solicitation",
        134 => "router advertisement",
        135 => "neighbor solicitation, who has",
        136 => "neighbor advertisement, tgt is",
        137 => "redirect",
        143 => "multicast listener report v2",
        _ => {
            let _ = write!(s, "type {kind}, code {code}");
            return;
        }
    };
    s.push_str(w);
}

/// `ARP, Request who-has A tell B` / `ARP, Reply A is-at M`.
fn arp_words(a: &wiresift_wire::arp::ArpView, s: &mut String) {
    s.push_str("ARP, ");
    match (a.opcode(), a.target_ipv4(), a.sender_ipv4()) {
        (1, Some(t), Some(snd)) => {
            s.push_str("Request who-has ");
            field::write_ipv4(s, t);
            s.push_str(" tell ");
            field::write_ipv4(s, snd);
        }
        (2, _, Some(snd)) => {
            s.push_str("Reply ");
            field::write_ipv4(s, snd);
            s.push_str(" is-at ");
            match a.sender_mac() {
                Some(m) => field::write_mac(s, m),
                None => s.push('?'),
            }
        }
        (op, _, _) => {
            let _ = write!(s, "opcode {op}");
        }
    }
    s.push_str(", length ");
    num(s, a.wire_len());
}
