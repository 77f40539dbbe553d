//! Two network namespaces joined by a veth pair (vethA in A, vethB in B),
//! with static neighbours and no IPv6 chatter, for the live-capture tests.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

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

// ---- the capture process ------------------------------------------------------

/// `ip netns exec A wiresift -i vethA …`, running.
pub struct Capture {
    pub child: Child,
    out: Receiver<String>,
    err: Receiver<String>,
    out_lines: Vec<String>,
    err_lines: Vec<String>,
}

fn lines_of(r: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(r).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

impl Capture {
    /// Starts the capture and waits until it says it is capturing.
    pub fn start(net: &Net, args: &[&str]) -> Capture {
        let mut child = Command::new("ip")
            .args(["netns", "exec", &net.a])
            .arg(super::bin())
            .args(["-i", "vethA"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start wiresift");
        let out = lines_of(child.stdout.take().unwrap());
        let err = lines_of(child.stderr.take().unwrap());
        let mut c = Capture {
            child,
            out,
            err,
            out_lines: vec![],
            err_lines: vec![],
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            match c.err.recv_timeout(Duration::from_millis(100)) {
                Ok(l) => {
                    let ready = l == "wiresift: capturing on vethA";
                    c.err_lines.push(l);
                    if ready {
                        break;
                    }
                }
                Err(_) if Instant::now() > deadline => {
                    panic!("{args:?}: wiresift never started: {:?}", c.err_lines)
                }
                Err(_) => {
                    if let Ok(Some(s)) = c.child.try_wait() {
                        while let Ok(l) = c.err.recv_timeout(Duration::from_millis(200)) {
                            c.err_lines.push(l);
                        }
                        panic!("{args:?}: wiresift exited ({s}): {:?}", c.err_lines);
                    }
                }
            }
        }
        c
    }

    /// The process id of wiresift itself (`ip netns exec` execs it).
    pub fn pid(&self) -> u32 {
        let pid = self.child.id();
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        assert_eq!(
            comm.trim(),
            "wiresift",
            "ip netns exec ran wiresift in place"
        );
        pid
    }

    /// Waits until `n` lines have been printed (or fails).
    pub fn wait_for_lines(&mut self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.out_lines.len() < n {
            match self.out.recv_timeout(Duration::from_millis(100)) {
                Ok(l) => self.out_lines.push(l),
                Err(_) if Instant::now() > deadline => panic!(
                    "waited for {n} lines, got {:?}; stderr {:?}",
                    self.out_lines, self.err_lines
                ),
                Err(_) => {}
            }
        }
    }

    /// Waits for the process to end by itself (or fails): status, stdout
    /// lines, stderr lines.
    pub fn finish(mut self) -> (ExitStatus, Vec<String>, Vec<String>) {
        let deadline = Instant::now() + Duration::from_secs(15);
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("wait for wiresift") {
                break s;
            }
            assert!(
                Instant::now() < deadline,
                "wiresift did not finish; printed {:?}, stderr {:?}",
                self.out_lines,
                self.err_lines
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        // The pipes close with the process: read them to the end.
        self.out_lines.extend(self.out.iter());
        self.err_lines.extend(self.err.iter());
        (
            status,
            std::mem::take(&mut self.out_lines),
            std::mem::take(&mut self.err_lines),
        )
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
