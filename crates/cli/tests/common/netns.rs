//! Two network namespaces joined by a veth pair (vethA in A, vethB in B),
//! with static neighbours and no IPv6 chatter, for the live-capture tests.

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

pub const MAC_A: &str = "02:00:00:00:00:0a";
pub const MAC_B: &str = "02:00:00:00:00:0b";
/// Host numbers in the test's /24.
pub const A: u8 = 1;
pub const B: u8 = 2;
pub const SINK: u8 = 9;

// ---- the namespaces -------------------------------------------------------

/// Two namespaces made for one test; deleted on drop (the veth pair goes
/// with them).
pub struct Net {
    pub a: String,
    pub b: String,
    pub subnet: u8,
    /// Second octet of the test's addresses (10.N.subnet.host), one per
    /// test file so that files running at once never share a subnet.
    octet: u8,
}

impl Drop for Net {
    fn drop(&mut self) {
        for ns in [&self.a, &self.b] {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

impl Net {
    pub fn addr(&self, host: u8) -> String {
        format!("10.{}.{}.{host}", self.octet, self.subnet)
    }
}

pub fn ip(args: &[&str]) -> Result<(), String> {
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

fn tool_works(cmd: &str, arg: &str) -> bool {
    Command::new(cmd)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn setup(tag: &str, prefix: &str, octet: u8) -> Result<Net, String> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    let net = Net {
        a: format!("{prefix}{pid}{tag}{n}a"),
        b: format!("{prefix}{pid}{tag}{n}b"),
        subnet: ((pid + n) % 250) as u8,
        octet,
    };
    ip(&["netns", "add", &net.a])?;
    ip(&["netns", "add", &net.b])?;
    for ns in [&net.a, &net.b] {
        // No IPv6 chatter (where the kernel has IPv6 at all).
        let _ = Command::new("ip")
            .args(["netns", "exec", ns, "sh", "-c"])
            .arg(
                "for f in /proc/sys/net/ipv6/conf/default/disable_ipv6 \
                 /proc/sys/net/ipv6/conf/all/disable_ipv6; \
                 do [ -w $f ] && echo 1 > $f; done; true",
            )
            .status();
    }
    ip(&[
        "-n", &net.a, "link", "add", "vethA", "address", MAC_A, "type", "veth", "peer", "name",
        "vethB", "address", MAC_B, "netns", &net.b,
    ])?;
    let (a, b, sink) = (net.addr(A), net.addr(B), net.addr(SINK));
    ip(&[
        "-n",
        &net.a,
        "addr",
        "add",
        &format!("{a}/24"),
        "dev",
        "vethA",
    ])?;
    ip(&[
        "-n",
        &net.b,
        "addr",
        "add",
        &format!("{b}/24"),
        "dev",
        "vethB",
    ])?;
    for (ns, dev, to, mac) in [
        (&net.a, "vethA", &b, MAC_B),
        (&net.b, "vethB", &a, MAC_A),
        (&net.b, "vethB", &sink, MAC_A),
    ] {
        ip(&[
            "-n",
            ns,
            "neigh",
            "add",
            to,
            "lladdr",
            mac,
            "dev",
            dev,
            "nud",
            "permanent",
        ])?;
    }
    for (ns, dev) in [(&net.a, "vethA"), (&net.b, "vethB")] {
        ip(&["-n", ns, "link", "set", "lo", "up"])?;
        ip(&["-n", ns, "link", "set", dev, "up"])?;
    }
    Ok(net)
}

/// The namespaces, named `{prefix}{pid}{tag}{n}a`/`b` with addresses in
/// 10.`octet`.S.0/24, or `None` (after saying why) where they cannot be made
/// (a failure instead under WIRESIFT_REQUIRE_LIVE=1).
pub fn net(tag: &str, prefix: &str, octet: u8, what: &str) -> Option<Net> {
    let required = std::env::var("WIRESIFT_REQUIRE_LIVE").as_deref() == Ok("1");
    let missing: Vec<&str> = [("python3", "--version"), ("ping", "-V")]
        .into_iter()
        .filter(|(c, a)| !tool_works(c, a))
        .map(|(c, _)| c)
        .collect();
    let why = if !missing.is_empty() {
        format!("{} not installed", missing.join(" and "))
    } else {
        match setup(tag, prefix, octet) {
            Ok(net) => return Some(net),
            Err(e) => format!("cannot create network namespaces (needs root and iproute2): {e}"),
        }
    };
    assert!(!required, "WIRESIFT_REQUIRE_LIVE=1 but {why}");
    println!("skipping {what} {tag}: {why}");
    None
}
