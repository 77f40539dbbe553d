//! Live capture for real: two network namespaces made for this test, joined
//! by a veth pair; a capture on one end (inside its namespace) must see the
//! UDP datagrams sent from the other namespace, byte for byte, and the ICMP
//! errors its own kernel sends back; then the same with a kernel BPF filter
//! attached; then through a VLAN on the same veth (the tag the kernel takes
//! off must be put back); then loopback inside a namespace (each packet seen
//! once).
//!
//! The capture runs in a child process started under `ip netns exec`: this
//! test binary re-executed to run only `live_child_process`, which does
//! nothing unless `WIRESIFT_LIVE_CHILD` says what to do. All traffic stays
//! inside the two namespaces (addresses 10.213.N.1 and .2, and 10.214.N.1
//! and .2 on VLAN 7), which are deleted
//! afterwards, also when the test fails.
//!
//! Without root or `ip` (iproute2), the test says so and passes; with
//! `WIRESIFT_REQUIRE_LIVE=1` it fails instead.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, UdpSocket};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wiresift_capture::bpf::{op, SockFilter};
use wiresift_capture::{linktype, LiveCapture, LiveError, LiveOptions};

const CHILD: &str = "WIRESIFT_LIVE_CHILD";
const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
const MAC_B: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];
const PORT: u16 = 47_000;
const DATAGRAMS: usize = 3;
const VLAN: u16 = 7;

/// The two namespaces; deleted on drop.
struct Namespaces {
    a: String,
    b: String,
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        for ns in [&self.a, &self.b] {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn subnet() -> u8 {
    (std::process::id() % 250) as u8
}

fn addr(host: u8) -> Ipv4Addr {
    Ipv4Addr::new(10, 213, subnet(), host)
}

fn mac(m: [u8; 6]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn setup() -> Result<Namespaces, String> {
    let pid = std::process::id();
    let ns = Namespaces {
        a: format!("wscap{pid}a"),
        b: format!("wscap{pid}b"),
    };
    ip(&["netns", "add", &ns.a])?;
    ip(&["netns", "add", &ns.b])?;
    ip(&[
        "-n",
        &ns.a,
        "link",
        "add",
        "va",
        "address",
        &mac(MAC_A),
        "type",
        "veth",
        "peer",
        "name",
        "vb",
        "address",
        &mac(MAC_B),
        "netns",
        &ns.b,
    ])?;
    for (n, dev, host) in [(&ns.a, "va", 1), (&ns.b, "vb", 2)] {
        ip(&[
            "-n",
            n,
            "addr",
            "add",
            &format!("{}/24", addr(host)),
            "dev",
            dev,
        ])?;
        ip(&["-n", n, "link", "set", dev, "up"])?;
        ip(&["-n", n, "link", "set", "lo", "up"])?;
    }
    Ok(ns)
}

/// A VLAN on each end of the veth (needs the kernel's 8021q support).
fn setup_vlan(ns: &Namespaces) -> Result<(), String> {
    for (n, dev, host) in [(&ns.a, "va", 1), (&ns.b, "vb", 2)] {
        let vdev = format!("{dev}.{VLAN}");
        ip(&[
            "-n",
            n,
            "link",
            "add",
            "link",
            dev,
            "name",
            &vdev,
            "type",
            "vlan",
            "id",
            &VLAN.to_string(),
        ])?;
        let vaddr = Ipv4Addr::new(10, 214, subnet(), host);
        ip(&["-n", n, "addr", "add", &format!("{vaddr}/24"), "dev", &vdev])?;
        ip(&["-n", n, "link", "set", &vdev, "up"])?;
    }
    Ok(())
}

fn python3() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Sends the VLAN round's datagrams from namespace b as raw 802.1Q frames.
fn inject_tagged(ns: &Namespaces) {
    const SCRIPT: &str = r#"
import socket, struct, sys
sub, vlan, port, n = (int(x) for x in sys.argv[1:5])
a, b = bytes([10, 214, sub, 1]), bytes([10, 214, sub, 2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("vb", 0))
for i in range(n):
    data = ("wiresift live test datagram %d" % i).encode() + b"\xa5" * (10 * i)
    udp = struct.pack("!HHHH", 40000, port, 8 + len(data), 0) + data
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0, b, a))
    c = sum(struct.unpack("!10H", ip))
    c = (c & 0xffff) + (c >> 16); c = (c & 0xffff) + (c >> 16)
    ip[10:12] = struct.pack("!H", ~c & 0xffff)
    eth = bytes.fromhex("02000000000a02000000000b") + struct.pack("!HHH", 0x8100, vlan, 0x0800)
    s.send(eth + bytes(ip) + udp)
"#;
    let out = Command::new("ip")
        .args(["netns", "exec", &ns.b, "python3", "-c", SCRIPT])
        .args([
            subnet().to_string(),
            VLAN.to_string(),
            PORT.to_string(),
            DATAGRAMS.to_string(),
        ])
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "injecting tagged frames: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs this test binary's `live_child_process` inside namespace `ns`.
fn child(ns: &str, mode: &str) -> Command {
    let exe = std::env::current_exe().expect("test binary path");
    let mut c = Command::new("ip");
    c.args(["netns", "exec", ns])
        .arg(exe)
        .args([
            "--exact",
            "live_child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, mode)
        .env("WIRESIFT_LIVE_SUBNET", subnet().to_string())
        .stdin(Stdio::null());
    c
}

/// Starts a capture child, waits for it to say it is ready, runs `traffic`,
/// and returns its output once it has finished (or fails the test).
fn capture_round(ns: &Namespaces, mode: &str, traffic: impl FnOnce()) {
    let mut cap = child(&ns.a, mode)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start capture child");
    let out = cap.stdout.take().expect("child stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut log = vec![];
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(l) if l.contains("WIRESIFT-READY") => break,
            Ok(l) => log.push(l),
            Err(_) => {
                let _ = cap.kill();
                panic!("{mode}: capture child never got ready:\n{}", log.join("\n"));
            }
        }
    }
    traffic();
    let status = loop {
        if let Some(s) = cap.try_wait().expect("wait for child") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = cap.kill();
            panic!("{mode}: capture child did not finish");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    while let Ok(l) = rx.recv_timeout(Duration::from_millis(500)) {
        log.push(l);
    }
    let report: Vec<&String> = log.iter().filter(|l| l.starts_with("live:")).collect();
    for l in &report {
        println!("  {l}");
    }
    assert!(
        status.success(),
        "{mode}: capture child failed:\n{}",
        log.join("\n")
    );
}

fn send_from_b(ns: &Namespaces, mode: &str) {
    let out = child(&ns.b, mode).output().expect("run sender");
    assert!(
        out.status.success(),
        "sender failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn live_capture_on_veth_between_namespaces() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let required = std::env::var("WIRESIFT_REQUIRE_LIVE").as_deref() == Ok("1");
    let ns = match setup() {
        Ok(ns) => ns,
        Err(e) => {
            assert!(!required, "cannot create network namespaces: {e}");
            println!(
                "skipping live capture test: cannot create network namespaces \
                 (needs root and iproute2): {e}"
            );
            return;
        }
    };
    println!("live: namespaces {} and {}", ns.a, ns.b);
    capture_round(&ns, "plain", || send_from_b(&ns, "send"));
    capture_round(&ns, "filtered", || send_from_b(&ns, "send"));
    match setup_vlan(&ns) {
        Ok(()) => capture_round(&ns, "vlan", || send_from_b(&ns, "send-vlan")),
        Err(e) if python3() => {
            // No 8021q module: inject tagged frames from a raw socket in b
            // instead (the receive path still takes the tag off).
            println!("live: no VLAN devices here ({e}); injecting tagged frames");
            capture_round(&ns, "vlan", || inject_tagged(&ns));
        }
        Err(e) => println!("live: VLAN round skipped, no VLAN devices nor python3: {e}"),
    }
    capture_round(&ns, "loopback", || {});
}

#[test]
fn open_errors_say_what_is_wrong() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    match LiveCapture::open("wsnosuch0", &LiveOptions::default()) {
        Err(e @ LiveError::NoSuchInterface(_)) => {
            assert_eq!(e.to_string(), "no such interface: wsnosuch0")
        }
        other => panic!("{other:?}"),
    }
    match LiveCapture::open("name-far-too-long-for-linux", &LiveOptions::default()) {
        Err(LiveError::NoSuchInterface(_)) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        LiveError::PermissionDenied.to_string(),
        "permission denied: live capture needs root or CAP_NET_RAW"
    );
}

// ---- the child process ------------------------------------------------

/// Entry point of the re-executed test binary; a no-op in a normal run.
#[test]
fn live_child_process() {
    let Ok(mode) = std::env::var(CHILD) else {
        return;
    };
    let subnet: u8 = std::env::var("WIRESIFT_LIVE_SUBNET")
        .expect("subnet")
        .parse()
        .expect("subnet number");
    let net = if mode.contains("vlan") { 214 } else { 213 };
    let a = Ipv4Addr::new(10, net, subnet, 1);
    let b = Ipv4Addr::new(10, net, subnet, 2);
    match mode.as_str() {
        "send" | "send-vlan" => {
            let s = UdpSocket::bind((b, 0)).expect("bind in namespace b");
            for i in 0..DATAGRAMS {
                s.send_to(&payload(i), (a, PORT)).expect("send");
                std::thread::sleep(Duration::from_millis(30));
            }
        }
        "plain" | "filtered" | "vlan" => capture_veth(&mode, a, b),
        "loopback" => capture_loopback(),
        other => panic!("unknown child mode {other}"),
    }
}

fn payload(i: usize) -> Vec<u8> {
    format!("wiresift live test datagram {i}")
        .into_bytes()
        .into_iter()
        .chain(std::iter::repeat_n(0xa5, 10 * i))
        .collect()
}

fn ready() {
    println!("WIRESIFT-READY");
    std::io::stdout().flush().unwrap();
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Checks an IPv4 header checksum.
fn ipv4_checksum_ok(h: &[u8]) -> bool {
    let mut sum = 0u32;
    for c in h.chunks(2) {
        sum += u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]));
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum == 0xffff
}

/// Classic BPF: IPv4 UDP to PORT, whole packet; everything else dropped.
fn udp_port_filter() -> Vec<SockFilter> {
    vec![
        SockFilter::stmt(op::LD | op::H | op::ABS, 12),
        SockFilter::jump(op::JMP | op::JEQ | op::K, 0x0800, 0, 5),
        SockFilter::stmt(op::LD | op::B | op::ABS, 23),
        SockFilter::jump(op::JMP | op::JEQ | op::K, 17, 0, 3),
        // UDP destination port, assuming a 20-byte IPv4 header.
        SockFilter::stmt(op::LD | op::H | op::ABS, 36),
        SockFilter::jump(op::JMP | op::JEQ | op::K, u32::from(PORT), 0, 1),
        SockFilter::stmt(op::RET | op::K, 262_144),
        SockFilter::stmt(op::RET | op::K, 0),
    ]
}

fn capture_veth(mode: &str, a: Ipv4Addr, b: Ipv4Addr) {
    let filtered = mode == "filtered";
    // Our kernel answers with "port unreachable" (not with injected frames).
    let wants_icmp = mode == "plain";
    let opts = LiveOptions {
        promiscuous: !filtered,
        block_timeout: Duration::from_millis(20),
        ..LiveOptions::default()
    };
    let mut cap = LiveCapture::open("va", &opts).expect("open va");
    assert_eq!(cap.link_type(), linktype::ETHERNET);
    assert_eq!(cap.interface(), "va");
    if filtered {
        cap.attach_filter(&udp_port_filter())
            .expect("attach filter");
        // Packets queued before the filter still come: drain them.
        let quiet = Instant::now() + Duration::from_millis(300);
        while Instant::now() < quiet {
            let _ = cap.next_packet(Duration::from_millis(50)).expect("drain");
        }
    }
    let start = now_secs();
    ready();

    let mut udp_seen = vec![false; DATAGRAMS];
    let (mut icmp_seen, mut others, mut total) = (0, 0, 0);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let Some(p) = cap
            .next_packet(Duration::from_millis(100))
            .expect("capture")
        else {
            if udp_seen.iter().all(|&s| s) && (!wants_icmp || icmp_seen > 0) {
                break;
            }
            continue;
        };
        total += 1;
        assert_eq!(p.cap_len as usize, p.data.len());
        let untagged;
        let d = if mode == "vlan" {
            // Everything on va is ours in this round, tagged or not (IPv6
            // neighbour discovery comes untagged).
            if p.data.get(12..14) != Some(&[0x81, 0x00]) {
                others += 1;
                continue;
            }
            let tci = u16::from_be_bytes([p.data[14], p.data[15]]);
            assert_eq!(tci & 0xfff, VLAN, "VLAN id put back");
            untagged = [&p.data[..12], &p.data[16..]].concat();
            &untagged[..]
        } else {
            p.data
        };
        let tag = p.data.len() - d.len();
        assert!(p.has_timestamp && p.ts_nanos < 1_000_000_000);
        assert!(
            (start - 2..=now_secs() + 2).contains(&p.ts_secs),
            "timestamp {} not near now",
            p.ts_secs
        );
        let is_ipv4 = d.len() >= 34 && d[12..14] == [0x08, 0x00];
        let proto = if is_ipv4 { d[23] } else { 0 };
        if is_ipv4 && proto == 17 && d.len() >= 42 && d[36..38] == PORT.to_be_bytes() {
            // One of our datagrams: check every byte we can predict.
            let body = &d[42..];
            let i = (0..DATAGRAMS)
                .find(|&i| body == payload(i).as_slice())
                .unwrap_or_else(|| panic!("unexpected UDP payload {body:02x?}"));
            assert_eq!(&d[0..6], &MAC_A, "destination MAC");
            assert_eq!(&d[6..12], &MAC_B, "source MAC");
            assert_eq!(d[14], 0x45, "IPv4, 20-byte header");
            assert_eq!(
                usize::from(u16::from_be_bytes([d[16], d[17]])),
                d.len() - 14,
                "IPv4 total length"
            );
            assert!(ipv4_checksum_ok(&d[14..34]), "IPv4 header checksum");
            assert_eq!(&d[26..30], &b.octets(), "source address");
            assert_eq!(&d[30..34], &a.octets(), "destination address");
            assert_eq!(
                usize::from(u16::from_be_bytes([d[38], d[39]])),
                8 + body.len(),
                "UDP length"
            );
            assert_eq!(p.orig_len as usize, d.len() + tag, "whole packet captured");
            udp_seen[i] = true;
            println!(
                "live: {mode}: datagram {i} seen, {} bytes, correct",
                d.len()
            );
        } else if is_ipv4 && proto == 1 && d.len() >= 34 + 8 + 28 {
            // Our kernel's "port unreachable", quoting the datagram.
            assert!(!filtered, "the filter let ICMP through");
            let icmp = &d[34..];
            assert_eq!((icmp[0], icmp[1]), (3, 3), "ICMP port unreachable");
            assert_eq!(&d[26..30], &a.octets());
            assert_eq!(&d[30..34], &b.octets());
            assert_eq!(
                &icmp[8 + 20 + 2..8 + 20 + 4],
                &PORT.to_be_bytes(),
                "quoted port"
            );
            icmp_seen += 1;
        } else {
            assert!(!filtered, "the filter let through {d:02x?}");
            others += 1;
        }
    }
    let (received, dropped) = cap.stats().expect("stats");
    println!(
        "live: {mode}: {total} packets ({} datagrams, {icmp_seen} ICMP errors, {others} others), \
         kernel: {received} received, {dropped} dropped",
        udp_seen.iter().filter(|&&s| s).count()
    );
    assert!(udp_seen.iter().all(|&s| s), "datagrams seen: {udp_seen:?}");
    if wants_icmp {
        assert!(icmp_seen > 0, "no ICMP port unreachable seen");
    }
    assert!(received >= DATAGRAMS as u64);
    assert_eq!(dropped, 0);
}

fn capture_loopback() {
    let opts = LiveOptions {
        block_timeout: Duration::from_millis(20),
        ..LiveOptions::default()
    };
    let mut cap = LiveCapture::open("lo", &opts).expect("open lo");
    assert_eq!(cap.link_type(), linktype::ETHERNET);
    ready();
    let s = UdpSocket::bind("127.0.0.1:0").expect("bind loopback");
    let msg = b"wiresift loopback test";
    s.send_to(msg, ("127.0.0.1", PORT)).expect("send on lo");
    let mut copies = 0;
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        if let Some(p) = cap
            .next_packet(Duration::from_millis(100))
            .expect("capture lo")
        {
            // The UDP datagram (not the ICMP error that quotes it).
            if p.data.ends_with(msg) && p.data.get(23) == Some(&17) {
                // Loopback frames carry a zeroed Ethernet header.
                assert_eq!(&p.data[0..12], &[0u8; 12]);
                assert_eq!(&p.data[12..14], &[0x08, 0x00]);
                copies += 1;
            }
        }
    }
    println!("live: loopback: datagram seen {copies} time(s)");
    assert_eq!(copies, 1, "each loopback packet once");
}
