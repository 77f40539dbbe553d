//! Capture filters on live capture, for real: `wiresift -i vethA -f EXPR`
//! compiles the filter for the interface's link type and attaches it to the
//! socket, so the kernel drops what it rejects (wiresift does not filter
//! again in user space on live capture: whatever arrives was let through by
//! the kernel).
//!
//! Two network namespaces joined by a veth pair, made as in `live_cli.rs`
//! (addresses 10.216.S.1 and .2, static neighbours, IPv6 off, so that only
//! our traffic is on the wire). B sends UDP datagrams to ports 47001 and
//! 47002 and pings A; with `-f 'udp dst port 47002'` only the datagrams to
//! 47002 may come through, and the kernel's own count of packets that passed
//! the filter ("received by filter") must be exactly those.
//!
//! Without root or iproute2 the test says so and passes; with
//! `WIRESIFT_REQUIRE_LIVE=1` it fails instead.

mod common;

use std::process::Command;

const SPORT: u16 = 40_001;
use common::netns::{ip, Capture, Net, A, B, MAC_A, MAC_B, SINK};

fn net(tag: &str) -> Option<Net> {
    common::netns::net(tag, "wscf", 216, "live capture filter test")
}

// ---- traffic from namespace B -----------------------------------------------

/// Sends one UDP datagram from B (port SPORT) to `dst` on each of `ports`,
/// in order.
fn send_udp(net: &Net, dst: u8, ports: &[u16]) {
    const SCRIPT: &str = r#"
import socket, sys, time
src, dst, sport = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, sport))
for p in sys.argv[4:]:
    s.sendto(b"wiresift capture filter test", (dst, int(p)))
    time.sleep(0.01)
"#;
    let out = Command::new("ip")
        .args(["netns", "exec", &net.b, "python3", "-c", SCRIPT])
        .args([net.addr(B), net.addr(dst), SPORT.to_string()])
        .args(ports.iter().map(u16::to_string))
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "sending datagrams: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `count` pings from B to A.
fn ping(net: &Net, count: u32) {
    let out = Command::new("ip")
        .args(["netns", "exec", &net.b, "ping", "-n", "-q", "-c"])
        .arg(count.to_string())
        .args(["-i", "0.2", "-W", "2", &net.addr(A)])
        .output()
        .expect("run ping");
    assert!(
        out.status.success(),
        "ping: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn stat(err: &[String], what: &str) -> u64 {
    err.iter()
        .find_map(|l| {
            l.strip_suffix(what)
                .or_else(|| l.strip_suffix(&what.replace("packets", "packet")))
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no '{what}' line in {err:?}"))
}

#[test]
fn live_capture_filter_runs_in_the_kernel() {
    let Some(net) = net("k") else { return };
    let cap = Capture::start(
        &net,
        &[
            "-f",
            "udp dst port 47002",
            "-c",
            "3",
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            "udp.dstport",
        ],
    );
    // Rejected: ICMP both ways, and the datagrams to 47001.
    ping(&net, 2);
    send_udp(
        &net,
        SINK,
        &[47_001, 47_002, 47_001, 47_002, 47_001, 47_002],
    );
    let (status, out, err) = cap.finish();
    assert!(status.success(), "{err:?}");
    assert_eq!(out, ["1\t47002", "2\t47002", "3\t47002"], "stderr {err:?}");
    assert_eq!(stat(&err, " packets captured"), 3, "{err:?}");
    // The kernel counts only what its filter let through.
    assert_eq!(stat(&err, " packets received by filter"), 3, "{err:?}");
}

/// Adds VLAN `id` on both ends (vethA.ID / vethB.ID, 10.217.S.0/24, static
/// neighbours).
fn add_vlan(net: &Net, id: u16) -> Result<(), String> {
    let addr = |h: u8| format!("10.217.{}.{h}", net.subnet);
    for (ns, dev, me, peer, peer_mac) in [
        (&net.a, "vethA", A, B, MAC_B),
        (&net.b, "vethB", B, A, MAC_A),
    ] {
        let v = format!("{dev}.{id}");
        ip(&[
            "-n",
            ns,
            "link",
            "add",
            "link",
            dev,
            "name",
            &v,
            "type",
            "vlan",
            "id",
            &id.to_string(),
        ])?;
        ip(&[
            "-n",
            ns,
            "addr",
            "add",
            &format!("{}/24", addr(me)),
            "dev",
            &v,
        ])?;
        ip(&[
            "-n",
            ns,
            "neigh",
            "add",
            &addr(peer),
            "lladdr",
            peer_mac,
            "dev",
            &v,
            "nud",
            "permanent",
        ])?;
        if ns == &net.b {
            ip(&[
                "-n",
                ns,
                "neigh",
                "add",
                &addr(SINK),
                "lladdr",
                MAC_A,
                "dev",
                &v,
                "nud",
                "permanent",
            ])?;
        }
        ip(&["-n", ns, "link", "set", &v, "up"])?;
    }
    Ok(())
}

/// Sends one UDP datagram from `src` to `dst` on each of `ports`.
fn send_udp_from(net: &Net, src: &str, dst: &str, ports: &[u16]) {
    let out = Command::new("ip")
        .args(["netns", "exec", &net.b, "python3", "-c"])
        .arg(
            "import socket, sys, time\n\
             s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
             s.bind((sys.argv[1], 0))\n\
             for p in sys.argv[3:]:\n    s.sendto(b'vlan test', (sys.argv[2], int(p)))\n    time.sleep(0.01)\n",
        )
        .args([src, dst])
        .args(ports.iter().map(u16::to_string))
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn live_vlan_filter_reads_the_tag_the_kernel_took_off() {
    let Some(net) = net("v") else { return };
    if let Err(e) = add_vlan(&net, 7) {
        // A kernel built without 802.1Q support cannot make the VLAN
        // device at all: that is the machine's limit, not a failure of
        // namespaces, so it skips even where live tests are required.
        let no_8021q = e.contains("Unknown device type");
        assert!(
            no_8021q || std::env::var("WIRESIFT_REQUIRE_LIVE").as_deref() != Ok("1"),
            "cannot add a VLAN: {e}"
        );
        println!("skipping: cannot add a VLAN interface: {e}");
        return;
    }
    let cap = Capture::start(
        &net,
        &[
            "-f",
            "vlan 7 and udp dst port 47002",
            "-c",
            "2",
            "-T",
            "fields",
            "-e",
            "vlan.id",
            "-e",
            "udp.dstport",
        ],
    );
    let plain = (net.addr(B), net.addr(SINK));
    let tagged = (
        format!("10.217.{}.{B}", net.subnet),
        format!("10.217.{}.{SINK}", net.subnet),
    );
    // Untagged to the right port, tagged to the wrong one: both rejected.
    send_udp_from(&net, &plain.0, &plain.1, &[47_002, 47_002]);
    send_udp_from(
        &net,
        &tagged.0,
        &tagged.1,
        &[47_001, 47_002, 47_001, 47_002],
    );
    let (status, out, err) = cap.finish();
    assert!(status.success(), "{err:?}");
    assert_eq!(out, ["7\t47002", "7\t47002"], "stderr {err:?}");
    assert_eq!(stat(&err, " packets received by filter"), 2, "{err:?}");
}

#[test]
fn live_capture_filter_errors_before_capturing() {
    let Some(net) = net("e") else { return };
    let o = Command::new("ip")
        .args(["netns", "exec", &net.a])
        .arg(common::bin())
        .args(["-i", "vethA", "-f", "udp prot 53", "-c", "1"])
        .output()
        .expect("run wiresift");
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("unknown keyword 'prot'") && err.contains('^'),
        "{err}"
    );
    assert!(!err.contains("capturing on"), "{err}");
}
