//! The sample capture, written by our own builders, checked by tshark: its
//! checksums are the ones tshark accepts (but for the one we break on
//! purpose), and tshark reads the same field values from it that we do.

mod common;
use std::process::Command;

fn tshark() -> Option<()> {
    if Command::new("tshark").arg("--version").output().is_ok() {
        return Some(());
    }
    if std::env::var("WIRESIFT_REQUIRE_CORPUS").as_deref() == Ok("1") {
        panic!("tshark is not installed and WIRESIFT_REQUIRE_CORPUS=1");
    }
    eprintln!("skipping: tshark is not installed");
    None
}

fn sample() -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!(
        "wiresift-sample-{}-{:?}.pcap",
        std::process::id(),
        std::thread::current().id()
    ));
    let out = common::run(&["sample", p.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    p
}

#[test]
fn tshark_accepts_our_checksums() {
    if tshark().is_none() {
        return;
    }
    let p = sample();
    let out = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(&p)
        .args(["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"])
        .args(["-Y", "ip.checksum.status==0 or tcp.checksum.status==0 or udp.checksum.status==0 or icmp.checksum.status==0 or _ws.malformed or _ws.expert.severity==error"])
        .args(["-T", "fields", "-e", "frame.number"])
        .output()
        .unwrap();
    let bad: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let total = common::run(&["-r", p.to_str().unwrap()])
        .stdout
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    // The last frame carries the checksum broken on purpose; nothing else may be flagged.
    assert_eq!(
        bad,
        vec![total.to_string()],
        "tshark flagged frames {bad:?}"
    );
    // And we flag the same one.
    let ours = common::run(&[
        "-r",
        p.to_str().unwrap(),
        "-T",
        "fields",
        "-e",
        "tcp.checksum.status",
        "-e",
        "ip.checksum.status",
        "-e",
        "udp.checksum.status",
    ]);
    let flagged: Vec<usize> = String::from_utf8_lossy(&ours.stdout)
        .lines()
        .enumerate()
        .filter(|(_, l)| l.split('\t').any(|c| c == "0"))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(flagged, vec![total]);
    let _ = std::fs::remove_file(p);
}

#[test]
fn tshark_reads_the_same_fields_from_the_sample() {
    if tshark().is_none() {
        return;
    }
    let Some(shared) = common::shared() else {
        return;
    };
    let p = sample();
    let fields = [
        "frame.number",
        "frame.time_epoch",
        "frame.len",
        "eth.src",
        "eth.dst",
        "eth.type",
        "vlan.id",
        "arp.opcode",
        "ip.src",
        "ip.dst",
        "ip.proto",
        "ip.ttl",
        "ip.len",
        "ip.id",
        "ip.flags",
        "ip.flags.mf",
        "ip.frag_offset",
        "ip.checksum",
        "ipv6.src",
        "ipv6.dst",
        "ipv6.nxt",
        "tcp.srcport",
        "tcp.dstport",
        "tcp.seq_raw",
        "tcp.ack_raw",
        "tcp.flags",
        "tcp.len",
        "tcp.hdr_len",
        "tcp.window_size_value",
        "tcp.options.mss_val",
        "tcp.options.wscale.shift",
        "tcp.options.timestamp.tsval",
        "udp.srcport",
        "udp.dstport",
        "udp.length",
        "udp.checksum",
        "icmp.type",
        "icmp.code",
        "icmp.ident",
        "icmp.seq",
    ];
    let mut args: Vec<String> = vec![
        "-n".into(),
        "-r".into(),
        p.display().to_string(),
        "-T".into(),
        "fields".into(),
        "-E".into(),
        "header=y".into(),
    ];
    for f in fields {
        args.push("-e".into());
        args.push(f.into());
    }
    let theirs = Command::new("tshark").args(&args[..]).output().unwrap();
    let ours = Command::new(common::bin())
        .args(&args[1..])
        .output()
        .unwrap();
    assert!(ours.status.success());
    let dir = std::env::temp_dir();
    let (a, b) = (
        dir.join(format!("ws-tshark-{}.tsv", std::process::id())),
        dir.join(format!("ws-ours-{}.tsv", std::process::id())),
    );
    std::fs::write(&a, &theirs.stdout).unwrap();
    std::fs::write(&b, &ours.stdout).unwrap();
    let cmp = Command::new("python3")
        .arg(shared.join("tools/fieldcmp.py"))
        .arg(&a)
        .arg(&b)
        .args(["--min", "100"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&cmp.stdout);
    println!("{report}");
    assert!(
        cmp.status.success(),
        "fields differ from tshark on the sample:\n{report}"
    );
    for f in [a, b, p] {
        let _ = std::fs::remove_file(f);
    }
}
