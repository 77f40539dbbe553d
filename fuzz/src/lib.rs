//! The bodies of wiresift's fuzz targets, one public function per parser
//! entry point. Each `fuzz_targets/<name>.rs` is one line calling
//! `wiresift_fuzz::<name>`, and the stable test
//! `crates/engine/tests/replay.rs` includes this very file (`#[path]`) to run
//! the same bodies over the shared corpus, the regressions in
//! `fuzz/regressions/` and deterministic mutations, so a crash found by the
//! fuzzer replays under plain `cargo test`.
//!
//! The contract checked is the one the crates promise: no function panics
//! on any input (out-of-bounds index, arithmetic overflow in debug builds,
//! `unwrap` on `None`, ...). A body also walks every field of every layer
//! and formats each value as the output sinks do, because that is where a
//! view reads the bytes it claimed.
//!
//! Input formats (what the seed script writes, see `fuzz/README.md`):
//! * `file_reader`: a whole pcap or pcapng file.
//! * `file_parts`: a byte setting the number of parts, then a whole pcap
//!   file.
//! * `dissect`: 2 bytes big-endian `v` then one frame. `v & 0x3ff` is the
//!   link type (a value outside [`LINK_TYPES`] picks `LINK_TYPES[lt % n]`);
//!   `v >> 10` sets the frame's length on the wire against the bytes
//!   captured ([`wire_len`]).
//! * `dissector_defrag`: the same 2-byte prefix, a byte of defragmenter
//!   limits ([`limits`]), a byte choosing the first timestamp, then records
//!   of `[len: u16 BE][time step: i8][len bytes]` (the last record takes what
//!   is left).
//! * `conversations`: as `dissector_defrag`, the third byte giving the
//!   conversation limits ([`flow_options`]) and the fourth, beside the
//!   first timestamp, whether checksums are verified.
//! * `inflate`: a byte of piece size, then a content-coded HTTP body.
//! * `filter`: a display filter, a 0 byte, then a `dissect` input.
//! * `bpf_compile`: a link-type byte, a capture filter, a 0 byte, a packet.
//! * `bpf_interp`: an instruction count, 8 bytes per instruction, a packet.
//! * `view_<module>`: one byte of extra arguments (VLAN TPID, extension
//!   header kind, quoted or not, wire length, ...) then the header bytes.
//! * `views`: one byte choosing the view in [`VIEW_TARGETS`], then the input
//!   of that view's target.

// This file is also a module of the engine's integration test.
#![allow(dead_code)]

use std::io;
use std::ops::Range;

use wire::checksum::{self, Status};
use wire::field::{FieldDef, Value};
use wire::frame::{FrameMeta, FrameView};
use wire::{Error, Layer, Proto};
use wiresift_capture::bpf::{self, SockFilter};
use wiresift_capture::{FileReader, ReadError};
use wiresift_engine::defrag::Limits;
use wiresift_engine::dissect::{self, Dissection, Dissector, Options};
use wiresift_engine::fields;
use wiresift_engine::filter::Filter;
use wiresift_engine::flow::{self, reassembly, FlowOptions, Timeouts};
use wiresift_engine::logs;
use wiresift_engine::logs::apps::{AppLogs, Wants};
use wiresift_wire as wire;

/// Link types a `dissect` input can pick: those `engine::dissect::linktype`
/// names and those the wire crate has views for (one the dissector does not
/// know yet dissects as data until it does). Add new ones here.
pub const LINK_TYPES: &[u32] = &[
    0,   // NULL
    1,   // ETHERNET
    7,   // ARCNET_BSD
    9,   // PPP
    10,  // FDDI
    12,  // RAW (BSD)
    14,  // RAW (BSD)
    50,  // PPP_HDLC
    101, // RAW
    104, // C_HDLC
    105, // IEEE802_11
    107, // FRELAY
    108, // LOOP
    113, // LINUX_SLL
    119, // IEEE802_11_PRISM
    127, // IEEE802_11_RADIOTAP
    129, // ARCNET_LINUX
    192, // PPI
    226, // IPNET
    228, // IPV4
    229, // IPV6
    239, // NFLOG
    276, // LINUX_SLL2
];

/// The link type a 2-byte prefix names.
pub fn link_type(prefix: u16) -> u32 {
    let lt = u32::from(prefix & 0x3ff);
    if LINK_TYPES.contains(&lt) {
        lt
    } else {
        LINK_TYPES[lt as usize % LINK_TYPES.len()]
    }
}

/// The frame's length on the wire for `cap` bytes captured, per the top 6
/// bits of the prefix: 0 the same, 1 to 31 cut by a snap length (longer on
/// the wire), 32 to 63 a damaged record (shorter on the wire than captured).
pub fn wire_len(prefix: u16, cap: usize) -> u32 {
    let adj = u32::from(prefix >> 10);
    let cap = u32::try_from(cap).unwrap_or(u32::MAX);
    match adj {
        0 => cap,
        1..=31 => cap.saturating_add(adj * 97),
        _ => cap.saturating_sub(adj - 31),
    }
}

/// The 2-byte prefix that `dissect` reads back as link type `lt` with `orig`
/// bytes on the wire for `cap` captured (for the seed extractor).
pub fn prefix_for(lt: u32, cap: usize, orig: u32) -> [u8; 2] {
    let adj: u16 = if orig as usize > cap { 1 } else { 0 };
    ((adj << 10) | (lt & 0x3ff) as u16).to_be_bytes()
}

fn meta(number: u64, ts_secs: i64, link_type: u32, cap: usize, len: u32) -> FrameMeta {
    FrameMeta {
        number,
        ts_secs,
        ts_nanos: 123_456_789,
        rel_secs: ts_secs.wrapping_sub(1_700_000_000),
        rel_nanos: 0,
        delta_secs: 0,
        delta_nanos: 5,
        len,
        cap_len: u32::try_from(cap).unwrap_or(u32::MAX),
        interface_id: 0,
        link_type,
        has_time: true,
        ..FrameMeta::default()
    }
}

// ---------------------------------------------------------------- capture

/// What `drain` keeps of a packet.
type Kept = (u32, u32, i64, u32, Vec<u8>);

fn kept(p: &wiresift_capture::Packet<'_>) -> Kept {
    (
        p.link_type,
        p.orig_len,
        p.ts_secs,
        p.ts_nanos,
        p.data.to_vec(),
    )
}

/// Every packet, then how reading ended (`None`: cleanly).
fn drain<R: std::io::Read>(mut r: FileReader<R>) -> (Vec<Kept>, Option<String>) {
    let mut out = Vec::new();
    loop {
        match r.next_packet() {
            Ok(Some(p)) => {
                assert_eq!(p.cap_len as usize, p.data.len(), "cap_len is data.len()");
                assert!(p.ts_nanos < 1_000_000_000, "nanoseconds below 1e9");
                out.push(kept(&p));
            }
            Ok(None) => break,
            Err(e) => {
                let done = r.next_packet();
                assert!(matches!(done, Ok(None)), "after an error, Ok(None)");
                return (out, Some(describe(&e)));
            }
        }
    }
    let _ = (
        r.packets_read(),
        r.bytes_offset(),
        r.format(),
        r.link_type(),
    );
    let _ = (r.snaplen(), r.interfaces().len(), r.sections());
    (out, None)
}

fn describe(e: &ReadError) -> String {
    let s = e.to_string();
    assert!(!s.is_empty());
    s
}

/// `file_reader`: a whole capture file through `FileReader::new`, drained;
/// then again with a 64-byte buffer (every refill, compaction and growth
/// path), which must yield the same packets and end the same way.
pub fn file_reader(data: &[u8]) {
    let Ok(big) = FileReader::new(data) else {
        assert!(
            FileReader::with_buffer_len(data, 64).is_err(),
            "header read depends on the buffer"
        );
        return;
    };
    let small = FileReader::with_buffer_len(data, 64).expect("header read depends on the buffer");
    let (a, ea) = drain(big);
    let (b, eb) = drain(small);
    assert_eq!(a.len(), b.len(), "packet count depends on the buffer size");
    assert!(a == b, "packets depend on the buffer size");
    assert_eq!(
        ea.is_some(),
        eb.is_some(),
        "the end depends on the buffer size: {ea:?} / {eb:?}"
    );
}

/// `file_parts`: a classic pcap file cut into parts as `wiresift stats`
/// reads it on several cores (`FileReader::parts`, then `resume_at`). The
/// first byte sets the number of parts (2 to 9, each at least 64 bytes);
/// the rest is the file, written to a file of its own (parts are found in
/// mapped files only). Each part is read from its start until the next
/// one's; where a part's reader does not land on the next start it reads on
/// to the end, and the parts after are not read. Together the parts read
/// must give the packets of one reader of the whole file, and end as it
/// does (an error or not).
#[cfg(target_os = "linux")]
pub fn file_parts(data: &[u8]) {
    let Some((&n, file)) = data.split_first() else {
        return;
    };
    let path = std::env::temp_dir().join(format!(
        "wiresift-fuzz-parts-{}-{:?}.pcap",
        std::process::id(),
        std::thread::current().id()
    ));
    if std::fs::write(&path, file).is_err() {
        return;
    }
    let parts = FileReader::open(&path)
        .ok()
        .and_then(|r| r.parts(2 + usize::from(n % 8), 64));
    if let Some(parts) = parts {
        let whole = drain(FileReader::open(&path).expect("opened once"));
        let mut got = Vec::new();
        let mut error = None;
        for i in 0..=parts.starts.len() {
            let mut r = FileReader::open(&path).expect("opened once");
            if let Some(&start) = i.checked_sub(1).and_then(|p| parts.starts.get(p)) {
                assert!(r.resume_at(start), "a start of a mapped pcap file");
            }
            let mut stop = parts.starts.get(i).copied().unwrap_or(u64::MAX);
            loop {
                while r.bytes_offset() < stop {
                    match r.next_packet() {
                        Ok(Some(p)) => got.push(kept(&p)),
                        Ok(None) => break,
                        Err(e) => {
                            error = Some(describe(&e));
                            break;
                        }
                    }
                }
                // Past the next start: it was no start; read on.
                if error.is_none() && stop != u64::MAX && r.bytes_offset() > stop {
                    stop = u64::MAX;
                    continue;
                }
                break;
            }
            if error.is_some() || r.bytes_offset() != stop {
                break;
            }
        }
        assert!(
            got == whole.0,
            "the parts read other packets than the whole file"
        );
        assert_eq!(
            error.is_some(),
            whole.1.is_some(),
            "the parts end otherwise than the whole file: {error:?} / {:?}",
            whole.1
        );
    }
    let _ = std::fs::remove_file(&path);
}

/// `bpf_compile`: a libpcap capture filter through
/// `capture::bpf::compile`. Input: one byte choosing the link type from
/// `bpf::SUPPORTED_LINK_TYPES` (bit 7: loopback headers big-endian), the
/// filter (UTF-8, up to the first 0 byte), then a packet. A program that
/// compiles must pass `bpf::validate` (the kernel would refuse it
/// otherwise), prints with `bpf::dump`, and runs on the packet; an error is
/// formatted with its caret.
pub fn bpf_compile(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let (text, packet) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let Ok(src) = std::str::from_utf8(text) else {
        return;
    };
    let lts = bpf::SUPPORTED_LINK_TYPES;
    let mut target = bpf::Target::new(lts[usize::from(sel & 0x7f) % lts.len()]);
    target.null_big_endian = sel & 0x80 != 0;
    let _ = bpf::link_name(target.link_type);
    match bpf::compile(src, &target) {
        Ok(prog) => {
            if let Err(e) = bpf::validate(&prog) {
                panic!("compiled program does not validate: {e:?}");
            }
            let _ = bpf::dump::dump(&prog);
            let _ = bpf::interp::run(&prog, packet, packet.len() as u32);
        }
        Err(e) => {
            let _ = (e.to_string(), e.caret());
        }
    }
}

/// `bpf_interp`: a classic BPF program from the input (one byte with the
/// number of instructions, then 8 bytes each: code u16, jt, jf, k u32, all
/// little-endian), then a packet. A program that `bpf::validate` accepts
/// is printed with `bpf::dump` and run by `bpf::interp::run` on the packet.
pub fn bpf_interp(data: &[u8]) {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = usize::from(n).min(rest.len() / 8);
    let (code, packet) = rest.split_at(n * 8);
    let prog: Vec<SockFilter> = code
        .chunks_exact(8)
        .map(|c| SockFilter {
            code: u16::from_le_bytes([c[0], c[1]]),
            jt: c[2],
            jf: c[3],
            k: u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
        })
        .collect();
    if bpf::validate(&prog).is_ok() {
        let _ = bpf::dump::dump(&prog);
        let wire = (packet.len() as u32).saturating_add(u32::from(n as u8 & 0x0f));
        let _ = bpf::interp::run(&prog, packet, wire);
    }
}

/// Capture filters that seed `bpf_compile` and `bpf_interp` (compiled) and
/// that the replay test compiles: each primitive kind once at least, and
/// some errors.
pub const BPF_SEEDS: &[&str] = &[
    "",
    "tcp",
    "udp or icmp",
    "not arp",
    "tcp port 80",
    "udp dst port 53",
    "src host 10.0.0.1",
    "host 10.1",
    "net 192.168.0.0/16",
    "dst net 10.0.0.0 mask 255.0.0.0",
    "portrange 1000-2000",
    "ip6 and udp",
    "ip6 proto 58",
    "ip proto 47",
    "ether host 00:11:22:33:44:55",
    "ether broadcast",
    "ether multicast",
    "ip multicast",
    "ether proto 0x88cc",
    "vlan 10 and tcp",
    "vlan and vlan",
    "mpls 100",
    "pppoes and ip",
    "len > 100",
    "greater 1000",
    "less 64",
    "icmp[icmptype] == icmp-echo",
    "tcp[tcpflags] & (tcp-syn|tcp-ack) != 0",
    "ip[2:2] > 576",
    "ip[0] & 0xf != 5",
    "tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420",
    "ip[6:2] & 0x1fff = 0",
    "arp and host 10.0.0.1",
    "(tcp or udp) and not port 22",
    "ip6[6] == 17 and ip6[40:2] + 1 > 1024",
    "udp[8] * 2 - 1 / 3 % 5 ^ 7 << 1 >> 2 | 3 & 1 == 0",
    "tcp src port 22 && !(dst host 10.0.0.2 || src net 10/8)",
    "tcp prot 80",
    "host",
    "port 99999",
    "ip[",
    "and",
    "ether host 00:11",
    "net 10.0.0.1/40",
    "ip[0:3] == 1",
];

// ---------------------------------------------------------------- engine

/// Everything a sink reads from one layer: its title, header length, and
/// every field value in tshark's text form; `first` for every index too
/// (one past the table included).
pub fn emit_layer(layer: &Layer<'_>, s: &mut String) {
    s.clear();
    layer.title(s);
    let _ = layer.header_len();
    let proto = layer.proto();
    let _ = (proto.name(), proto.title());
    fields::layer_fields(
        layer,
        &mut |def: &'static FieldDef, v: Value<'_>, r: Range<usize>| {
            v.write_tshark(def.kind, s);
            let _ = (v.as_u64(), r.len());
            s.push('\t');
        },
    );
    for idx in 0..=proto.fields().len() {
        if let Some(v) = layer.first(idx) {
            let kind = proto.fields().get(idx).map_or(wire::Kind::None, |d| d.kind);
            v.write_tshark(kind, s);
        }
    }
}

/// Every field of a view made on `len` bytes, as the sinks write it, each
/// value's byte range checked to lie within them (what the fuzz targets of
/// single views walk).
pub fn walk_fields(layer: &Layer<'_>, len: usize) {
    let mut s = String::new();
    fields::layer_fields(
        layer,
        &mut |def: &'static FieldDef, v: Value<'_>, r: Range<usize>| {
            assert!(r.start <= r.end && r.end <= len, "{} {r:?}", def.name);
            s.clear();
            v.write_tshark(def.kind, &mut s);
        },
    );
}

/// Everything a sink reads from a dissection.
pub fn emit(d: &Dissection<'_>) {
    let mut s = String::new();
    for e in &d.layers {
        emit_layer(&e.layer, &mut s);
        let _ = (e.offset, e.quoted, e.reassembled);
    }
    s.clear();
    d.protocols(&mut s);
    for a in &d.anomalies {
        let _ = (a.proto.name(), a.kind, a.range.clone(), a.msg);
    }
    let _ = d.frame();
    for &p in Proto::ALL {
        let _ = d.first(p);
    }
}

/// `dissect`: one frame through `engine::dissect`, with and without
/// checksum verification, and every field of every layer formatted.
pub fn dissect(data: &[u8]) {
    let Some((pre, frame)) = data.split_first_chunk::<2>() else {
        return;
    };
    let prefix = u16::from_be_bytes(*pre);
    let m = meta(
        1,
        1_700_000_000,
        link_type(prefix),
        frame.len(),
        wire_len(prefix, frame.len()),
    );
    let mut d = Dissection::default();
    dissect::dissect(m, frame, Options::default(), &mut d);
    emit(&d);
    let mut no_sums = Options::default();
    no_sums.verify_checksums = false;
    dissect::dissect(m, frame, no_sums, &mut d);
    emit(&d);
}

/// Defragmenter limits from one byte: 0 the defaults, otherwise small ones
/// so that eviction and timeouts happen within a short input.
pub fn limits(b: u8) -> Limits {
    if b == 0 {
        return Limits::default();
    }
    let mut l = Limits::default();
    l.max_datagrams = 1 + usize::from(b & 7);
    l.max_bytes = 64 << ((b >> 3) & 15);
    l.timeout_secs = [0, 2, 60, 3600][usize::from(b >> 7) * 2 + usize::from(b & 1)];
    l
}

/// The first timestamp of a `dissector_defrag` input.
pub const START_TIMES: &[i64] = &[
    1_700_000_000,
    0,
    -1,
    i64::MAX - 200,
    i64::MIN + 200,
    4_294_967_295,
];

/// The frames of a `dissector_defrag` input after its 4-byte header:
/// `(frame, time step)`.
pub fn split_frames(mut rest: &[u8]) -> Vec<(&[u8], i8)> {
    let mut out = Vec::new();
    while rest.len() >= 3 {
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        let dt = rest[2] as i8;
        rest = &rest[3..];
        let (frame, r) = rest.split_at(len.min(rest.len()));
        out.push((frame, dt));
        rest = r;
    }
    out
}

/// The frames of a run of records ([`split_frames`]) with their metadata:
/// numbered from 1, the first at `ts` plus its step, each next one step on.
fn timed_frames(prefix: u16, mut ts: i64, rest: &[u8]) -> impl Iterator<Item = (FrameMeta, &[u8])> {
    let lt = link_type(prefix);
    let frames = split_frames(rest).into_iter().enumerate();
    frames.map(move |(n, (frame, dt))| {
        ts = ts.saturating_add(i64::from(dt));
        let len = wire_len(prefix, frame.len());
        (meta(n as u64 + 1, ts, lt, frame.len(), len), frame)
    })
}

/// `dissector_defrag`: a sequence of frames through one stateful
/// `engine::Dissector`, which collects IP fragments and dissects the
/// datagrams they complete; every dissection is walked as the sinks do.
pub fn dissector_defrag(data: &[u8]) {
    let Some((hdr, rest)) = data.split_first_chunk::<4>() else {
        return;
    };
    let prefix = u16::from_be_bytes([hdr[0], hdr[1]]);
    let mut dis = Dissector::new(Options::default(), limits(hdr[2]));
    let first = START_TIMES[usize::from(hdr[3]) % START_TIMES.len()];
    for (m, frame) in timed_frames(prefix, first, rest) {
        let mut d = Dissection::default();
        dis.dissect(m, frame, &mut d);
        emit(&d);
    }
}

/// Conversation limits from one byte: 0 what `wiresift logs` uses,
/// otherwise small tables and budgets so that eviction, idle ends and
/// given-up messages happen within a short input.
pub fn flow_options(b: u8) -> FlowOptions {
    let mut o = FlowOptions::logs();
    if b != 0 {
        o.max_flows = 1 + usize::from(b & 3);
        o.all_quotes = b & 4 != 0;
        o.idle = Some(Timeouts {
            tcp: i64::from(b >> 7) * 30,
            udp: 1,
            icmp: 1,
        });
        o.reassembly = reassembly::Limits {
            max_held: 64 << ((b >> 3) & 7),
            retain: u64::from(b & 8) << 6,
            budget: 256 << ((b >> 4) & 7),
        };
    }
    o
}

/// A log sink that formats every record of every log as TSV and as JSON.
struct AllLogs {
    tsv: Vec<logs::Writer<io::Sink>>,
    json: Vec<logs::Writer<io::Sink>>,
    line: Vec<u8>,
}

impl logs::Sink for AllLogs {
    fn wants(&self, _: &'static logs::Schema) -> bool {
        true
    }

    fn write(
        &mut self,
        schema: &'static logs::Schema,
        values: &[logs::Value<'_>],
    ) -> io::Result<()> {
        let same = |w: &&mut logs::Writer<io::Sink>| std::ptr::eq(w.schema(), schema);
        for w in self.tsv.iter_mut().chain(self.json.iter_mut()).filter(same) {
            self.line.clear();
            w.format(values, &mut self.line);
        }
        Ok(())
    }
}

/// `conversations`: a sequence of frames through what `wiresift logs`
/// runs: a `Dissector` following conversations (TCP reassembly,
/// application framing, HTTP/2, SMTP sessions, …) and every log's
/// analyzer, each record formatted as TSV and as JSON, every dissection
/// walked as the sinks do, and the ends of the capture written. Input as
/// `dissector_defrag`'s, the third byte giving the conversation limits
/// ([`flow_options`]); bit 1 of the fourth keeps HTTP bodies whole, as
/// per-packet output does, instead of their heads, as the logs do.
pub fn conversations(data: &[u8]) {
    let Some((hdr, rest)) = data.split_first_chunk::<4>() else {
        return;
    };
    let prefix = u16::from_be_bytes([hdr[0], hdr[1]]);
    let opts = Options {
        verify_checksums: hdr[3] & 1 == 0,
    };
    let mut dis = Dissector::new(opts, Limits::default()).with_streams(flow_options(hdr[2]));
    if hdr[3] & 2 == 0 {
        dis = dis.with_body_heads();
    }
    let writers = |format| {
        logs::ALL
            .iter()
            .filter_map(|s| logs::Writer::new(io::sink(), s, format, 0).ok())
            .collect()
    };
    let mut sink = AllLogs {
        tsv: writers(logs::Format::Tsv),
        json: writers(logs::Format::Json),
        line: Vec::new(),
    };
    let mut apps = AppLogs::new(Wants::of(logs::ALL));
    let first = START_TIMES[usize::from(hdr[3] >> 2) % START_TIMES.len()];
    for (m, frame) in timed_frames(prefix, first, rest) {
        if let Some(flows) = dis.flows.as_mut() {
            flows.tick(&m);
        }
        {
            let mut d = Dissection::default();
            let flows = dis.dissect(m, frame, &mut d);
            let innermost = flows.and_then(|f| f.innermost_transport());
            apps.collect(&d, innermost, flow::time_ns(&m));
            if let Some(f) = flows {
                apps.delivered(f, &d);
            }
            emit(&d);
        }
        if let Some(flows) = dis.flows.as_mut() {
            let _ = apps.frame(flows, &mut sink);
        }
        for key in apps.take_stopped() {
            dis.stop_streams(&key);
        }
    }
    if let Some(flows) = dis.flows.as_mut() {
        let _ = apps.finish(flows, &mut sink);
    }
}

/// `inflate`: an HTTP body decoded as Zeek's http.log reads a gzip or
/// deflate one (`engine::inflate`), fed in pieces of the first byte's size
/// plus one: the decoded length and head within their bounds.
pub fn inflate(data: &[u8]) {
    let Some((&a, body)) = data.split_first() else {
        return;
    };
    let mut d = wiresift_engine::inflate::Inflate::default();
    for piece in body.chunks(usize::from(a) + 1) {
        d.feed(piece);
    }
    let (len, head) = d.finish();
    assert!(head.len() <= wiresift_engine::inflate::HEAD);
    assert!(head.len() as u64 <= len);
}

/// `x509`: a certificate read as x509.log reads it
/// (`engine::logs::x509::Cert::parse`: x509-parser, then the key, serial
/// and names as OpenSSL gives them), its record written as TSV and JSON.
pub fn x509(data: &[u8]) {
    use wiresift_engine::logs::{x509, Format, Record, Writer};
    let Some(cert) = x509::Cert::parse(data) else {
        return;
    };
    let rec = x509::X509 {
        ts_ns: 0,
        fingerprint: String::new(),
        cert,
        host_cert: true,
        client_cert: false,
    };
    let mut values = Vec::new();
    rec.values(&mut values);
    for format in [Format::Tsv, Format::Json] {
        if let Ok(mut w) = Writer::new(std::io::sink(), &x509::SCHEMA, format, 0) {
            let mut line = Vec::new();
            w.format(&values, &mut line);
            assert!(line.ends_with(b"\n"));
        }
    }
}

/// `filter`: a display filter (the input up to its first 0 byte, as
/// UTF-8) through `engine::filter::Filter::compile`; a filter that compiles
/// is explained and evaluated against the rest of the input as a `dissect`
/// input, an error is formatted with its caret.
pub fn filter(data: &[u8]) {
    let (text, packet) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(src) = std::str::from_utf8(text) else {
        return;
    };
    match Filter::compile(src) {
        Ok(f) => {
            let _ = (f.explain(), f.source());
            let Some((pre, frame)) = packet.split_first_chunk::<2>() else {
                return;
            };
            let prefix = u16::from_be_bytes(*pre);
            let m = meta(
                1,
                1_700_000_000,
                link_type(prefix),
                frame.len(),
                wire_len(prefix, frame.len()),
            );
            let mut d = Dissection::default();
            dissect::dissect(m, frame, Options::default(), &mut d);
            let _ = f.matches(&d);
        }
        Err(e) => {
            let _ = (e.to_string(), e.caret());
        }
    }
}

/// Display filters that seed `filter` (each followed by a `dissect` input)
/// and that the replay test evaluates: each construct of the language once
/// at least, and some errors.
pub const FILTER_SEEDS: &[&str] = &[
    "tcp",
    "!udp",
    "not ip",
    "tcp.port == 80",
    "tcp.port eq 443 or udp.port eq 53",
    "tcp.port != 80",
    "tcp.port ~= 80",
    "tcp.port !== 80",
    "tcp.port === 80",
    "tcp.dstport > 1023 && tcp.dstport <= 65535",
    "ip.ttl >= 0x40",
    "ip.ttl lt 0100",
    "frame.len == 60",
    "frame.number == -1",
    "ip.src == 10.0.0.0/8",
    "ip.addr != 192.168.1.1",
    "ip.src < ip.dst",
    "ip.src in {10.0.0.0 .. 10.255.255.255, 192.168.0.0/16}",
    "tcp.port in {80, 443, 8000..8080}",
    "udp.port not in {53}",
    "ipv6.addr == 2001:db8::1",
    "ipv6.src == fe80::/10",
    "eth.src == 00:1f:5b:ff:51:cb",
    "eth.dst == ff-ff-ff-ff-ff-ff",
    "eth.src == 001f.5bff.51cb",
    "eth.src[0:3] == 00:1f:5b",
    "eth.src[-1] == cb",
    "eth.src[1-2] == 1f:5b",
    "eth.src[:2] == 00:1f",
    "eth.src[4:] == 51:cb",
    "eth.src[0:3,5] == 00:1f:5b:cb",
    "frame[12:2] == 08:00",
    "ip[0] & f0 == 40",
    "eth.dst[0] & 1",
    "tcp.flags.syn == 1 && tcp.flags.ack == False",
    "tcp.flags == 0x002",
    "ip.proto == '\\x06'",
    "ip.ttl == '@'",
    "frame contains \"GET\"",
    "frame matches \"(?i)http/1\\.[01]\"",
    "http contains 47:45:54",
    "ip#2",
    "ip.src#1 == 10.0.0.1",
    "ip.addr#-1 != 0.0.0.0",
    "tcp.len + 20 == ip.len - 20",
    "tcp.srcport * 2 > tcp.dstport % 7",
    "-tcp.port < 0",
    "any ip.addr == 10.0.0.1",
    "all ip.addr == 10.0.0.1",
    "len(frame) > 100",
    "count(ip.addr) == 4",
    "lower(dns.qry.name) contains \"example\"",
    "upper(http.host) == \"WWW\"",
    "tcp xor udp",
    "tcp ^^ (udp || icmp)",
    "(tcp || udp) && !(ip.src == ip.dst)",
    "vlan.id == 10",
    "mpls.label >= 16",
    "gre && ip.proto == 47",
    "icmp.type == 8 or icmpv6.type == 128",
    "tcp.prot == 80",
    "ip.src == 1.2.3",
    "tcp.port == ",
    "((tcp)",
    "eth.src[1:",
    "\"unterminated",
    "frame[0:2] == zz",
    "ip.addr in {}",
    "1 == 1",
    "tcp.port == 80 &&",
    "tcp.flags.syn == 2",
];

// ---------------------------------------------------------------- wire views

/// A wire length for a view of `n` captured bytes, from two bits of `a`:
/// as captured, shorter, longer, or a small absolute value.
fn wire_len_arg(a: u8, n: usize) -> usize {
    let k = usize::from(a >> 2);
    match a & 3 {
        0 => n,
        1 => n.saturating_sub(k),
        2 => n + k * 33,
        _ => k,
    }
}

/// A frame time for ICMP's `data_time`, including the extremes a pcapng
/// timestamp offset can give.
fn frame_time(a: u8) -> (i64, u32) {
    const SECS: [i64; 4] = [1_700_000_000, 0, i64::MAX, i64::MIN];
    (SECS[usize::from(a >> 6)], u32::from(a) * 3_000_000)
}

fn pseudo(v6: bool, proto: u8, len: usize) -> u32 {
    let (s, d) = ([0x20u8; 16], [0xfeu8; 16]);
    let n = if v6 { 16 } else { 4 };
    checksum::pseudo_header(&s[..n], &d[..n], proto, len as u32)
}

/// Declares one fuzz body per wire view: `name(Proto): |arg, bytes| Layer`,
/// where `arg` is the input's first byte and `bytes` the rest; the body may
/// use `?` on the view's constructor. A view that cannot be made is fine;
/// one that can is walked by [`emit_layer`].
macro_rules! views {
    ($( $name:ident($proto:ident): |$a:ident, $b:ident| $build:block )*) => {
        $(
            #[doc = concat!("`", stringify!($name), "`: the first byte gives the extra arguments, the rest is the header.")]
            pub fn $name(data: &[u8]) {
                let Some((&$a, $b)) = data.split_first() else { return };
                let _ = $a;
                let built = (|| -> Result<Layer<'_>, Error> { Ok($build) })();
                if let Ok(layer) = built {
                    emit_layer(&layer, &mut String::new());
                }
            }
        )*

        /// Every view body by name, in the order `views` dispatches on.
        pub const VIEW_TARGETS: &[(&str, fn(&[u8]))] = &[$((stringify!($name), $name as fn(&[u8]))),*];

        /// The protocol each of [`VIEW_TARGETS`] builds, in the same order.
        pub const VIEW_PROTOS: &[Proto] = &[$(Proto::$proto),*];
    };
}

views! {
    view_frame(Frame): |a, b| {
        let secs = i64::from_be_bytes(b.get(..8).and_then(|s| s.try_into().ok()).unwrap_or([0; 8]));
        let mut m = meta(u64::from(a), secs, u32::from(a), b.len(), wire_len(u16::from(a) << 8, b.len()));
        m.ts_nanos = u32::from(a) * 3_900_000;
        m.interface_id = u32::from(a & 3);
        m.has_time = a & 4 == 0;
        Layer::Frame(FrameView { meta: m, bytes: b })
    }
    view_ethernet(Eth): |a, b| {
        let mut v = wire::ethernet::EthernetView::new(b)?;
        v.set_padding(usize::from(a) % (v.payload().len() + 1));
        Layer::Eth(v)
    }
    view_llc(Llc): |a, b| { Layer::Llc(wire::llc::LlcView::new(b)?) }
    view_vlan(Vlan): |a, b| {
        const TPIDS: [u16; 4] = [0x8100, 0x88a8, 0x9100, 0x9200];
        let mut v = wire::vlan::VlanView::new(b, TPIDS[usize::from(a & 3)])?;
        v.set_trailer(usize::from(a >> 2));
        Layer::Vlan(v)
    }
    view_sll(Sll): |a, b| {
        let mut v = if a & 1 == 0 { wire::sll::SllView::new_v1(b)? } else { wire::sll::SllView::new_v2(b)? };
        v.set_trailer(usize::from(a >> 1));
        Layer::Sll(v)
    }
    view_null(Null): |a, b| { Layer::Null(wire::null::NullView::new(b, a & 1 == 1)?) }
    view_arp(Arp): |a, b| { Layer::Arp(wire::arp::ArpView::new(b)?) }
    view_ipv4(Ip): |a, b| {
        let mut v = wire::ipv4::Ipv4View::new(b)?;
        if a & 1 == 1 {
            v.set_reported_len(wire_len_arg(a >> 1, b.len()));
        }
        let st = v.verify_checksum();
        v.set_checksum_status(st);
        Layer::Ip(v)
    }
    view_ipv6(Ipv6): |a, b| { Layer::Ipv6(wire::ipv6::Ipv6View::new(b)?) }
    view_ipv6_ext(Ipv6Ext): |a, b| {
        const KINDS: [u8; 6] = [0, 43, 44, 60, 135, 59];
        Layer::Ipv6Ext(wire::ipv6_ext::Ipv6ExtView::new(b, KINDS[usize::from(a) % KINDS.len()])?)
    }
    view_ah(Ah): |a, b| { Layer::Ah(wire::ah::AhView::new(b)?) }
    view_esp(Esp): |a, b| { Layer::Esp(wire::esp::EspView::new(b)?) }
    view_icmp(Icmp): |a, b| {
        let (secs, nanos) = frame_time(a);
        let mut v = wire::icmp::IcmpView::new(b)?
            .with_wire_len(wire_len_arg(a, b.len()))
            .with_frame_time(secs, nanos);
        let st = v.verify_checksum();
        v.set_checksum_status(st);
        Layer::Icmp(v)
    }
    view_icmpv6(Icmpv6): |a, b| {
        let n = wire_len_arg(a, b.len());
        let mut v = wire::icmpv6::Icmpv6View::new(b)?.with_wire_len(n);
        let st = v.verify_checksum(pseudo(true, 58, n));
        v.set_checksum_status(st);
        Layer::Icmpv6(v)
    }
    view_tcp(Tcp): |a, b| {
        let mut v = match a & 3 {
            0 | 3 => wire::tcp::TcpView::new(b)?,
            1 => wire::tcp::TcpView::new_quoted(b)?,
            _ => wire::tcp::TcpView::new_quoted_v6(b)?,
        };
        let n = wire_len_arg(a >> 2, b.len());
        v = v.with_wire_len(n);
        let st = v.verify_checksum(pseudo(a & 0x40 != 0, 6, n));
        v.set_checksum_status(st);
        if a & 0x80 != 0 {
            v.set_relative(u32::from(a).wrapping_mul(0x9e37_79b9), (a & 0x20 != 0).then_some(7));
            v.set_window_shift(Some(a));
        }
        Layer::Tcp(v)
    }
    view_udp(Udp): |a, b| {
        let v = if a & 1 == 0 { wire::udp::UdpView::new(b)? } else { wire::udp::UdpView::new_quoted(b)? };
        let n = wire_len_arg(a >> 2, b.len());
        let v6 = a & 2 != 0;
        let mut v = v.with_wire_len(n).with_ipv6(v6);
        let st = v.verify_checksum(pseudo(v6, 17, n));
        v.set_checksum_status(st);
        Layer::Udp(v)
    }
    view_gre(Gre): |a, b| {
        let mut v = wire::gre::GreView::new(b)?;
        if a & 1 == 1 {
            v = v.with_wire_len(wire_len_arg(a >> 1, b.len()));
        }
        let st: Status = v.verify_checksum();
        v.set_checksum_status(st);
        Layer::Gre(v)
    }
    view_ppp(Ppp): |a, b| {
        Layer::Ppp(if a & 1 == 0 { wire::ppp::PppView::new(b)? } else { wire::ppp::PppView::new_without_hdlc(b)? })
    }
    view_chdlc(Chdlc): |a, b| { Layer::Chdlc(wire::chdlc::ChdlcView::new(b)?) }
    view_mpls(Mpls): |a, b| { Layer::Mpls(wire::mpls::MplsView::new(b)?) }
    view_vxlan(Vxlan): |a, b| { Layer::Vxlan(wire::vxlan::VxlanView::new(b)?) }
    view_fddi(Fddi): |a, b| { Layer::Fddi(wire::fddi::FddiView::new(b, a & 1 == 1)?) }
    view_wlan(Wlan): |a, b| {
        let mut v = wire::wlan::WlanView::new(b, a & 1 == 1)?
            .with_data_pad(a & 2 != 0)
            .with_swapped_fc(a & 4 != 0);
        v.set_fcs_status([None, Some(true), Some(false), None][usize::from(a >> 3 & 3)]);
        Layer::Wlan(v)
    }
    view_radiotap(Radiotap): |a, b| { Layer::Radiotap(wire::radiotap::RadiotapView::new(b)?) }
    view_ppi(Ppi): |a, b| { Layer::Ppi(wire::ppi::PpiView::new(b)?) }
    view_capwap(Capwap): |a, b| {
        Layer::Capwap(match a & 3 {
            0 => wire::capwap::CapwapView::new(b)?,
            1 => wire::capwap::CapwapView::new_control(b)?,
            2 => wire::capwap::CapwapView::for_udp(b, 5246, 40000)?,
            _ => wire::capwap::CapwapView::for_udp(b, 40000, 5247)?,
        })
    }
    view_nflog(Nflog): |a, b| { Layer::Nflog(wire::nflog::NflogView::new(b)?) }
    view_ipnet(Ipnet): |a, b| { Layer::Ipnet(wire::ipnet::IpnetView::new(b)?) }
    view_arcnet(Arcnet): |a, b| { Layer::Arcnet(wire::arcnet::ArcnetView::new(b, a & 1 == 1)?) }
    view_erspan(Erspan): |a, b| {
        use wire::erspan::gre_proto::{ERSPAN, ERSPAN_III};
        let proto = [ERSPAN, ERSPAN_III, 0x6558, u16::from(a)][usize::from(a & 3)];
        Layer::Erspan(wire::erspan::ErspanView::new(b, proto, a & 4 != 0)?)
    }
    view_geneve(Geneve): |a, b| { Layer::Geneve(wire::geneve::GeneveView::new(b)?) }
    view_gtp(Gtp): |a, b| {
        Layer::Gtp(if a & 1 == 0 { wire::gtp::GtpView::new(b)? } else { wire::gtp::GtpView::new_prime(b)? })
    }
    view_pppoe(Pppoe): |a, b| { Layer::Pppoe(wire::pppoe::PppoeView::new(b, a & 1 == 1)?) }
    view_frame_relay(Fr): |a, b| { Layer::Fr(wire::frame_relay::FrameRelayView::new(b)?) }
    view_teredo(Teredo): |a, b| { Layer::Teredo(wire::teredo::TeredoView::new(b)?) }
    view_pbb(Pbb): |a, b| { Layer::Pbb(wire::pbb::PbbView::new(b)?) }
    view_vntag(Vntag): |a, b| { Layer::Vntag(wire::vntag::VntagView::new(b)?) }
    view_etag(Etag): |a, b| { Layer::Etag(wire::etag::EtagView::new(b)?) }
    view_macsec(Macsec): |a, b| { Layer::Macsec(wire::macsec::MacsecView::new(b)?) }
    view_nsh(Nsh): |a, b| { Layer::Nsh(wire::nsh::NshView::new(b)?) }
    view_avsp(Avsp): |a, b| { Layer::Avsp(wire::avsp::AvspView::new(b)?) }
    view_cfp(Cfp): |a, b| { Layer::Cfp(wire::cfp::CfpView::new(b)?) }
    view_vxlan_gpe(VxlanGpe): |a, b| { Layer::VxlanGpe(wire::vxlan_gpe::VxlanGpeView::new(b)?) }
    view_data(Data): |a, b| { Layer::Data(wire::data::DataView::new(b)) }
    view_socks(Socks): |a, b| {
        use wire::socks::Msg;
        const MSGS: [Msg; 8] = [Msg::V4Request, Msg::V4Reply, Msg::Greeting, Msg::MethodChoice,
            Msg::UserPass, Msg::UserPassReply, Msg::Request, Msg::Reply];
        let m = MSGS[usize::from(a) % MSGS.len()];
        let _ = (wire::socks::pdu_len(m, b), m.after(b));
        Layer::Socks(wire::socks::SocksView::new(b, m)?)
    }
    view_sflow(Sflow): |a, b| {
        let v = wire::sflow::SflowView::new(b)?;
        v.sampled_headers(&mut |_, _, _| {});
        Layer::Sflow(v)
    }
}

/// `views`: the first byte picks a view body from [`VIEW_TARGETS`], which
/// gets the rest of the input.
pub fn views(data: &[u8]) {
    if let Some((&sel, rest)) = data.split_first() {
        (VIEW_TARGETS[usize::from(sel) % VIEW_TARGETS.len()].1)(rest);
    }
}

/// The protocols of `wire::Proto::ALL` that no view body builds: a new
/// protocol whose view should be added to `views!`.
pub fn protos_without_view() -> Vec<Proto> {
    Proto::ALL
        .iter()
        .copied()
        .filter(|p| !VIEW_PROTOS.contains(p))
        .collect()
}

/// All target bodies by name (what `fuzz_targets/` has, and what the replay
/// test runs a regression file through when its name starts with one).
pub const TARGETS: &[(&str, fn(&[u8]))] = &[
    ("file_reader", file_reader),
    #[cfg(target_os = "linux")]
    ("file_parts", file_parts),
    ("dissect", dissect),
    ("dissector_defrag", dissector_defrag),
    ("inflate", inflate),
    ("x509", x509),
    ("filter", filter),
    ("bpf_compile", bpf_compile),
    ("bpf_interp", bpf_interp),
    ("views", views),
];

/// The body of target `name`.
pub fn target(name: &str) -> Option<fn(&[u8])> {
    TARGETS
        .iter()
        .chain(VIEW_TARGETS)
        .find(|(n, _)| *n == name)
        .map(|&(_, f)| f)
}
