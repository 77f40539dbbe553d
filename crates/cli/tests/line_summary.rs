//! The one-line output's application summaries (`…: DNS Standard query …`,
//! `…: TLS Client Hello (SNI=…)`) against tshark 4.0's Info column, run now
//! on the dev captures that hold each protocol. A frame counts when we
//! print a summary for the protocol and tshark's Info is that text (our
//! ` (SNI=…)`, which tshark 4.0 does not show, and our anomaly list in
//! brackets are set aside). Agreement is printed per protocol and must
//! stay at or above its floor.

mod common;
use common::fieldcmp::{captures_with, tshark_present};
use common::{arg, par_map, run, shared};
use std::collections::BTreeMap;
use std::process::Command;

/// Protocols with a summary, as our line names them, and the floor (%)
/// of frames whose summary is tshark's Info, set just under what was
/// measured. What differs, by protocol:
/// - QUIC (15 %): most frames are short-header packets whose DCID tshark
///   shows from the connection's state (`Protected Payload (KP0),
///   DCID=…`); a decrypted Initial's summary is tshark's (the TLS layer its
///   CRYPTO frames carry, `: TLS Client Hello (SNI=…)` after it on our line,
///   is set aside: tshark's Info leaves it out).
/// - FTP (75 %), SSH (80 %), HTTP/2 (93 %): we find these by content on
///   any port (GridFTP on 2811, SSH after a capture's start), where tshark
///   shows plain TCP; tshark's SSH dissector reads some key exchanges as
///   "Unknown" where we name them; tshark adds the media type of an
///   HTTP/2 body it hands to a text dissector (`DATA[1] (text/plain)`).
/// - IMF (80 %), the mail of an SMTP DATA or an IMAP FETCH literal, whose
///   words replace the frame's SMTP or IMAP summary as in tshark: tshark
///   names the media type of a MIME part only when a dissector takes it
///   (not `application/octet-stream` or `application/ms-tnef`
///   attachments), nor of a fetched mail whose body it does not see.
/// - HTTP (92.7 %): tshark adds a body's media type only when the body is
///   in the frame.
/// - POP (92 %), SMTP (97 %): tshark takes lines it cannot place as
///   message text or a "DATA fragment".
/// - TLS (99.6 %), MQTT (97 %), WebSocket (93 %): frames tshark calls
///   out-of-order or continuation; a reserved MQTT type tshark names
///   "Reserved"; several WebSocket frames in one segment, of which tshark
///   shows the last.
const FLOORS: &[(&str, &str, f64)] = &[
    ("DNS", "dns", 99.5),
    ("DHCP", "dhcp", 99.5),
    ("TLS", "tls", 99.0),
    ("QUIC", "quic", 14.5),
    ("HTTP", "http", 91.0),
    ("FTP", "ftp", 74.0),
    ("SMTP", "smtp", 96.0),
    ("POP", "pop", 90.0),
    ("IMAP", "imap", 99.5),
    ("IMF", "imf", 79.0),
    ("SSH", "ssh", 79.0),
    ("MQTT", "mqtt", 96.0),
    ("WEBSOCKET", "websocket", 92.0),
    ("HTTP2", "http2", 93.0),
];

#[derive(Default)]
struct Tally {
    same: u64,
    total: u64,
    examples: Vec<String>,
}

/// Our summary of protocol `name` in a line, if the line has one. The
/// TLS handshake a QUIC Initial carries follows its QUIC summary; tshark's
/// Info shows only the QUIC part, so that is what is compared.
fn ours<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let tag = format!(": {name} ");
    let at = line.find(&tag)?;
    if name == "TLS" && line[..at].contains(": QUIC ") {
        return None;
    }
    let text = &line[at + tag.len()..];
    Some(match name {
        "QUIC" => text.split(": TLS ").next().unwrap_or(text),
        _ => text,
    })
}

/// tshark's Info for the application message alone: without the TCP
/// analysis notes in front (`[TCP Retransmission] `) and the expert notes
/// at the end (`[Malformed Packet]`), which our line shows in its own
/// bracketed list; WebSocket's Info names the protocol, our line puts it
/// before every summary.
fn info_of_message<'a>(info: &'a str, proto: &str) -> &'a str {
    let mut i = info;
    while let Some(rest) = i.strip_prefix("[TCP ") {
        i = rest.split_once("] ").map_or("", |(_, r)| r);
    }
    for note in ["[Malformed Packet]", "[Packet size limited during capture]"] {
        i = i.strip_suffix(note).unwrap_or(i);
    }
    if proto == "WEBSOCKET" {
        i = i.strip_prefix("WebSocket ").unwrap_or(i);
    }
    i.trim_end()
}

/// Does our summary say what tshark's Info says? Set aside what tshark 4.0
/// does not show: the SNI we append and our anomaly list at the end.
fn agrees(summary: &str, info: &str, proto: &str) -> bool {
    let Some(rest) = summary.strip_prefix(info_of_message(info, proto)) else {
        return false;
    };
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix("(SNI=")
        .and_then(|r| r.find(')').map(|i| r[i + 1..].trim_start()))
        .unwrap_or(rest);
    rest.is_empty() || rest.starts_with('[')
}

#[test]
fn summaries_agree_with_tshark_info() {
    let Some(shared) = shared() else { return };
    if !tshark_present() {
        return;
    }
    let protocols: Vec<&str> = FLOORS.iter().map(|f| f.1).collect();
    let caps = captures_with(&shared, &protocols);
    let per_file = par_map(&caps, |cap| {
        let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
        let o = run(&["-r", arg(cap), "--threads", "1", "--no-checksum"]);
        let lines = String::from_utf8_lossy(&o.stdout).into_owned();
        let t = Command::new("tshark")
            .args(["-n", "-r", arg(cap), "-T", "fields", "-e", "_ws.col.Info"])
            .output()
            .expect("run tshark");
        let infos = String::from_utf8_lossy(&t.stdout).into_owned();
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        for (frame, (line, info)) in lines.lines().zip(infos.lines()).enumerate() {
            for (proto, _, _) in FLOORS {
                let Some(s) = ours(line, proto) else { continue };
                let tally = tallies.entry(proto).or_default();
                tally.total += 1;
                if agrees(s, info, proto) {
                    tally.same += 1;
                } else if tally.examples.len() < 2 {
                    tally.examples.push(format!(
                        "{name} frame {}: ours {s:?}, tshark {info:?}",
                        frame + 1
                    ));
                }
            }
        }
        tallies
    });
    let mut all: BTreeMap<&str, Tally> = BTreeMap::new();
    for t in per_file {
        for (proto, x) in t {
            let a = all.entry(proto).or_default();
            a.same += x.same;
            a.total += x.total;
            a.examples
                .extend(x.examples.into_iter().take(4 - a.examples.len().min(4)));
        }
    }
    let mut failed = Vec::new();
    for (proto, _, floor) in FLOORS {
        let Some(t) = all.get(proto) else {
            failed.push(format!("{proto}: no summaries at all"));
            continue;
        };
        let pct = 100.0 * t.same as f64 / t.total.max(1) as f64;
        println!("{proto:10} {:>6}/{:<6} {pct:6.2}%", t.same, t.total);
        for e in &t.examples {
            println!("    {e}");
        }
        if pct < *floor {
            failed.push(format!("{proto}: {pct:.2}% < {floor}%"));
        }
    }
    assert!(failed.is_empty(), "below the floors: {failed:?}");
}
