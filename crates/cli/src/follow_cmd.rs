//! `wiresift follow tcp|udp N -r FILE`: one stream's payload as tshark's
//! `-q -z follow,tcp|udp,ascii|hex|raw|yaml,N` prints it, byte for byte.
//! What to print comes from `engine::follow`; this file only formats it,
//! record by record as the capture is read (nothing is kept but counters).

use crate::args::{FollowArgs, FollowFormat, FollowProto};
use crate::run::report_read_error;
use anyhow::{bail, Result};
use std::io::Write;
use std::net::IpAddr;
use std::process::ExitCode;
use wiresift_capture::clock::FrameClock;
use wiresift_capture::FileReader;
use wiresift_engine::defrag::Limits;
use wiresift_engine::flow::{FlowOptions, StreamProto};
use wiresift_engine::follow::{Address, Event, Follow, FrameEnds, Node};
use wiresift_engine::{Dissection, Dissector, Options};

const SEPARATOR: &str = "===================================================================\n";

pub fn run(a: &FollowArgs) -> Result<ExitCode> {
    let proto = match a.proto {
        FollowProto::Tcp => StreamProto::Tcp,
        FollowProto::Udp => StreamProto::Udp,
    };
    let name = a.read.display().to_string();
    let mut reader = match FileReader::open(&a.read) {
        Ok(r) => r,
        Err(e) => {
            report_read_error(&name, &e, 0)?;
            bail!("{name}: {e}");
        }
    };
    let mut follow = Follow::new(proto, a.stream);
    // Checksums do not change what is followed: do not spend time on them.
    let opts = Options {
        verify_checksums: false,
    };
    let mut dissector = Dissector::new(opts, Limits::default())
        .with_flows(follow.flow_options(FlowOptions::default()));
    let mut clock = FrameClock::default();
    let stdout = std::io::stdout().lock();
    let mut p = Printer::new(std::io::BufWriter::with_capacity(1 << 16, stdout), a);
    let mut res = Ok(());
    loop {
        let pkt = match reader.next_packet() {
            Ok(Some(pkt)) => pkt,
            Ok(None) => break,
            Err(e) => {
                // What came before a damaged tail is still followed.
                report_read_error(&name, &e, clock.count())?;
                break;
            }
        };
        let meta = clock.meta(&pkt);
        let mut d = Dissection::default();
        let engine = dissector.dissect(meta, pkt.data, &mut d);
        let ends = FrameEnds::of(&d);
        if let Some(engine) = engine {
            follow.frame((engine, &d), &ends, meta.number, &mut |ev| {
                if res.is_ok() {
                    res = p.event(ev);
                }
            });
        }
        res?;
        res = Ok(());
    }
    if let Some(engine) = dissector.flows.as_mut() {
        engine.finish();
        let none = Dissection::default();
        follow.frame(
            (engine, &none),
            &FrameEnds::default(),
            clock.count(),
            &mut |ev| {
                if res.is_ok() {
                    res = p.event(ev);
                }
            },
        );
    }
    res?;
    p.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// Writes tshark's follow text as events come.
struct Printer<W: Write> {
    w: W,
    format: FollowFormat,
    proto: &'static str,
    stream: u32,
    header: bool,
    /// Bytes printed so far from each node (the hex format's offsets).
    pos: [u32; 2],
    line: Vec<u8>,
}

impl<W: Write> Printer<W> {
    fn new(w: W, a: &FollowArgs) -> Self {
        Printer {
            w,
            format: a.format,
            proto: match a.proto {
                FollowProto::Tcp => "tcp",
                FollowProto::Udp => "udp",
            },
            stream: a.stream,
            header: false,
            pos: [0; 2],
            line: Vec::with_capacity(128),
        }
    }

    fn event(&mut self, ev: Event<'_>) -> std::io::Result<()> {
        match ev {
            Event::Nodes(n) => self.header(Some(n)),
            Event::Record {
                node,
                frame,
                ts_ns,
                bytes,
            } => {
                if !self.header {
                    self.header(None)?;
                }
                self.record(node, frame, ts_ns, bytes)
            }
        }
    }

    /// The header; tshark prints an empty address and port 0 for a stream
    /// that is not in the capture.
    fn header(&mut self, nodes: Option<[Node; 2]>) -> std::io::Result<()> {
        self.header = true;
        let ends = |i: usize| -> (String, bool, u16) {
            let Some(node) = nodes.map(|n| n[i]) else {
                return (String::new(), false, 0);
            };
            let v6 = matches!(node.addr, Some(Address::Ip(IpAddr::V6(_))));
            let addr = node.addr.map(|a| a.to_string()).unwrap_or_default();
            (addr, v6, node.port)
        };
        let w = &mut self.w;
        if self.format == FollowFormat::Yaml {
            writeln!(w, "peers:")?;
            for i in 0..2 {
                let (addr, _, port) = ends(i);
                writeln!(w, "  - peer: {i}\n    host: {addr}\n    port: {port}")?;
            }
            return writeln!(w, "packets:");
        }
        let mode = match self.format {
            FollowFormat::Ascii => "ascii",
            FollowFormat::Hex => "hex",
            FollowFormat::Raw => "raw",
            FollowFormat::Yaml => "yaml",
        };
        write!(w, "\n{SEPARATOR}")?;
        writeln!(w, "Follow: {},{mode}", self.proto)?;
        writeln!(w, "Filter: {}.stream eq {}", self.proto, self.stream)?;
        for i in 0..2 {
            match ends(i) {
                (addr, true, port) => writeln!(w, "Node {i}: [{addr}]:{port}")?,
                (addr, false, port) => writeln!(w, "Node {i}: {addr}:{port}")?,
            }
        }
        Ok(())
    }

    fn record(&mut self, node: u8, frame: u64, ts_ns: i64, bytes: &[u8]) -> std::io::Result<()> {
        let tab = if node == 1 { "\t" } else { "" };
        let w = &mut self.w;
        match self.format {
            FollowFormat::Ascii => {
                writeln!(w, "{tab}{}", bytes.len())?;
                self.line.clear();
                self.line.extend(bytes.iter().map(|&b| match b {
                    b'\r' | b'\n' | 0x20..=0x7e => b,
                    _ => b'.',
                }));
                self.line.push(b'\n');
                w.write_all(&self.line)?;
            }
            FollowFormat::Raw => {
                self.line.clear();
                self.line.extend_from_slice(tab.as_bytes());
                for &b in bytes {
                    self.line.extend_from_slice(&hex2(b));
                }
                self.line.push(b'\n');
                w.write_all(&self.line)?;
            }
            FollowFormat::Hex => {
                let pos = &mut self.pos[usize::from(node & 1)];
                hex_dump(w, &mut self.line, tab, *pos, bytes)?;
                *pos = pos.wrapping_add(bytes.len() as u32);
            }
            FollowFormat::Yaml => {
                // tshark prints the time through a double, rounding and all.
                let secs = ts_ns.div_euclid(1_000_000_000) as f64
                    + ts_ns.rem_euclid(1_000_000_000) as f64 / 1e9;
                writeln!(w, "  - packet: {frame}\n    peer: {node}\n    timestamp: {secs:.9}\n    data: !!binary |")?;
                for part in bytes.chunks(57) {
                    self.line.clear();
                    self.line.extend_from_slice(b"      ");
                    base64(part, &mut self.line);
                    self.line.push(b'\n');
                    w.write_all(&self.line)?;
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        if !self.header {
            self.header(None)?;
        }
        if self.format != FollowFormat::Yaml {
            self.w.write_all(SEPARATOR.as_bytes())?;
        }
        self.w.flush()
    }
}

fn hex2(b: u8) -> [u8; 2] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]
}

/// tshark's follow hex dump: the node's running offset in 8 upper-case hex
/// digits, two spaces, 16 bytes in hex with an extra space after the
/// eighth, two spaces, the bytes as text (an extra space after the eighth;
/// no trailing space).
fn hex_dump(
    w: &mut impl Write,
    line: &mut Vec<u8>,
    tab: &str,
    mut offset: u32,
    bytes: &[u8],
) -> std::io::Result<()> {
    const ASCII_START: usize = 60;
    for row in bytes.chunks(16) {
        line.clear();
        line.extend_from_slice(tab.as_bytes());
        let base = line.len();
        line.extend_from_slice(format!("{offset:08X}").as_bytes());
        line.resize(base + ASCII_START, b' ');
        let mut text = Vec::with_capacity(17);
        for (i, &b) in row.iter().enumerate() {
            let at = base + 10 + i * 3 + usize::from(i >= 8);
            if let Some(slot) = line.get_mut(at..at + 2) {
                slot.copy_from_slice(&hex2(b));
            }
            text.push(if (0x20..0x7f).contains(&b) { b } else { b'.' });
            if i == 7 {
                text.push(b' ');
            }
        }
        if text.last() == Some(&b' ') {
            text.pop();
        }
        line.extend_from_slice(&text);
        line.push(b'\n');
        w.write_all(line)?;
        offset = offset.wrapping_add(16);
    }
    Ok(())
}

/// Standard base64 with padding (what g_base64_encode writes).
fn base64(bytes: &[u8], out: &mut Vec<u8>) {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for c in bytes.chunks(3) {
        let b = [
            c.first().copied().unwrap_or(0),
            c.get(1).copied().unwrap_or(0),
            c.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        let sym = |k: u32| A[((n >> k) & 63) as usize];
        out.push(sym(18));
        out.push(sym(12));
        out.push(if c.len() > 1 { sym(6) } else { b'=' });
        out.push(if c.len() > 2 { sym(0) } else { b'=' });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads() {
        let mut v = Vec::new();
        base64(b"USER anonymous\r\n", &mut v);
        assert_eq!(v, b"VVNFUiBhbm9ueW1vdXMNCg==");
    }

    #[test]
    fn hex_dump_lines() {
        let mut out = Vec::new();
        let mut line = Vec::new();
        hex_dump(
            &mut out,
            &mut line,
            "\t",
            0x21,
            b"331 Please specify the password.\r\n",
        )
        .unwrap();
        let want = "\t00000021  33 33 31 20 50 6c 65 61  73 65 20 73 70 65 63 69  331 Plea se speci\n\
                    \t00000031  66 79 20 74 68 65 20 70  61 73 73 77 6f 72 64 2e  fy the p assword.\n\
                    \t00000041  0d 0a                                             ..\n";
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }
}
