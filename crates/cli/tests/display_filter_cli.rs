//! `-Y` and `wiresift filter --explain` through the command line: which
//! frames are kept (with their numbers in the file), `-w` and `-c` with a
//! filter, and the error a user sees for a mistyped field or operator.

mod common;

use common::{arg, run, stderr_lines, stdout_of, TempDir};

/// The built-in sample capture in a fresh directory.
fn sample(dir: &TempDir) -> String {
    let path = dir.path("sample.pcap");
    let out = run(&["sample", arg(&path)]);
    assert!(out.status.success(), "sample: {:?}", stderr_lines(&out));
    arg(&path).to_string()
}

/// Frame numbers kept by `-Y expr`.
fn kept(file: &str, expr: &str) -> Vec<u64> {
    let out = run(&["-r", file, "-Y", expr, "-T", "fields", "-e", "frame.number"]);
    assert!(out.status.success(), "{expr}: {:?}", stderr_lines(&out));
    stdout_of(&out)
        .lines()
        .map(|l| l.parse().expect("frame number"))
        .collect()
}

#[test]
fn keeps_matching_frames_with_their_file_numbers() {
    let dir = TempDir::new("dfilter-cli");
    let f = sample(&dir);
    assert_eq!(kept(&f, "arp"), vec![1, 2]);
    assert_eq!(kept(&f, "udp.port == 53"), vec![3, 4]);
    assert_eq!(kept(&f, "tcp.port == 443"), vec![21, 22]);
    assert_eq!(kept(&f, "ipv6 || vlan"), vec![21, 22, 25]);
    assert_eq!(kept(&f, "icmp && udp"), vec![20]);
    assert_eq!(
        kept(&f, "ip.src == 198.51.100.0/24 and tcp"),
        vec![6, 9, 10, 13]
    );
    assert_eq!(kept(&f, "-ip.ttl < -200"), Vec::<u64>::new());
    assert_eq!(kept(&f, "frame.number in {2, 24..26}"), vec![2, 24, 25, 26]);
    // nothing matches: no output at all, success
    assert_eq!(kept(&f, "tcp.port == 1"), Vec::<u64>::new());
    // the one-line form prints only the kept packets
    let out = run(&["-r", &f, "-Y", "udp.port == 123"]);
    assert!(out.status.success());
    let text = stdout_of(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains(".123 > "), "{text}");
}

#[test]
fn write_and_count_with_a_filter() {
    let dir = TempDir::new("dfilter-cli");
    let f = sample(&dir);
    let w = dir.path("tcp.pcap");
    let out = run(&["-r", &f, "-Y", "tcp.flags.syn == 1", "-w", arg(&w)]);
    assert!(out.status.success(), "{:?}", stderr_lines(&out));
    // the written file holds the matching packets only
    let back = run(&["-r", arg(&w), "-T", "fields", "-e", "tcp.flags"]);
    assert_eq!(stdout_of(&back), "0x0002\n0x0012\n0x0002\n");
    // -c counts packets read, as tshark's -c: of the first 6, 2 are TCP
    assert_eq!(kept(&f, "tcp").len(), 13);
    let out = run(&[
        "-r",
        &f,
        "-c",
        "6",
        "-Y",
        "tcp",
        "-T",
        "fields",
        "-e",
        "frame.number",
    ]);
    assert_eq!(stdout_of(&out), "5\n6\n");
}

#[test]
fn a_mistyped_field_gets_a_caret_and_a_suggestion() {
    let dir = TempDir::new("dfilter-cli");
    let f = sample(&dir);
    let out = run(&["-r", &f, "-Y", "ip.src == 1.1.1.1 and tcp.prot == 80"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing is printed for a bad filter");
    assert_eq!(
        stderr_lines(&out),
        vec![
            "wiresift: unknown field 'tcp.prot'",
            "    ip.src == 1.1.1.1 and tcp.prot == 80",
            "                          ^~~~~~~~",
            "    did you mean tcp.port?",
        ]
    );
    // a bad filter is reported before the file is even opened
    let out = run(&["-r", "/nonexistent.pcap", "-Y", "tcp.dstprt == 80"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_lines(&out).join("\n");
    assert!(
        err.contains("unknown field 'tcp.dstprt'") && err.contains("did you mean tcp.dstport?"),
        "{err}"
    );
}

#[test]
fn a_mistyped_operator_gets_a_caret_and_a_suggestion() {
    for (expr, first, caret, hint) in [
        (
            "tcp.port = 80",
            "wiresift: unknown operator '='",
            "             ^",
            "    did you mean '=='?",
        ),
        (
            "tcp.port == 80 andd udp",
            "wiresift: 'andd' was unexpected here: expected 'and', 'or' or the end of the filter",
            "                   ^~~~",
            "    did you mean 'and'?",
        ),
        (
            "tcp.port <> 80",
            "wiresift: unknown operator '<>'",
            "             ^~",
            "    did you mean '!='?",
        ),
    ] {
        let out = run(&["filter", "--explain", expr]);
        assert_eq!(out.status.code(), Some(1), "{expr}");
        assert_eq!(
            stderr_lines(&out),
            vec![
                first.to_string(),
                format!("    {expr}"),
                caret.to_string(),
                hint.to_string()
            ]
        );
    }
    // a type mismatch
    let out = run(&["filter", "--explain", "ip.src == \"10.0.0.1\""]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_lines(&out);
    assert_eq!(err[0], "wiresift: a quoted string cannot be an ipv4 value");
    assert_eq!(err[2], "              ^~~~~~~~~~");
}

#[test]
fn explain_prints_the_typed_tree() {
    let out = run(&[
        "filter",
        "--explain",
        "tcp.port in {80, 443} && !(ip.addr == 10.0.0.0/8)",
    ]);
    assert!(out.status.success(), "{:?}", stderr_lines(&out));
    assert_eq!(
        stdout_of(&out),
        "and\n  in (any occurrence)\n    field tcp.port (uint, in tcp)\n    set\n      uint 80\n      uint 443\n  not\n    == (any occurrence)\n      field ip.addr (ipv4, in ip)\n      ipv4 10.0.0.0/8\n"
    );
    // without --explain there is nothing to do
    let out = run(&["filter"]);
    assert_eq!(out.status.code(), Some(2));
}
