//! `wiresift logs conn` over the dev corpus: every capture gives a
//! well-formed Zeek TSV log (header lines, as many columns per row as
//! `#fields` names, `#close` last) and JSON lines that parse, with the same
//! records in both; and known verdicts on a few captures (conn_state,
//! history, sizes and counts as Zeek 6 gives them for these packet
//! sequences).

mod common;

use common::{arg, dev_captures, par_map, run, shared, stderr_lines, stdout_of, TempDir};
use std::path::Path;

const STATES: &[&str] = &[
    "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH",
];

/// Check a TSV conn log; its records as field-name → value rows.
fn parse_tsv(name: &str, text: &str) -> Vec<Vec<(String, String)>> {
    let lines: Vec<&str> = text.lines().collect();
    let heads = [
        "#separator \\x09",
        "#set_separator\t,",
        "#empty_field\t(empty)",
        "#unset_field\t-",
        "#path\tconn",
    ];
    for (i, want) in heads.iter().enumerate() {
        assert_eq!(lines.get(i), Some(want), "{name}: header line {i}");
    }
    assert!(
        lines.get(5).is_some_and(|l| l.starts_with("#open\t")),
        "{name}"
    );
    let fields: Vec<&str> = lines
        .get(6)
        .and_then(|l| l.strip_prefix("#fields\t"))
        .expect("#fields")
        .split('\t')
        .collect();
    let types: Vec<&str> = lines
        .get(7)
        .and_then(|l| l.strip_prefix("#types\t"))
        .expect("#types")
        .split('\t')
        .collect();
    assert_eq!(fields.len(), 21, "{name}");
    assert_eq!(types.len(), fields.len(), "{name}");
    assert!(
        lines.last().is_some_and(|l| l.starts_with("#close\t")),
        "{name}: no #close"
    );
    let mut rows = Vec::new();
    for l in &lines[8..lines.len() - 1] {
        let cols: Vec<&str> = l.split('\t').collect();
        assert_eq!(cols.len(), fields.len(), "{name}: {l}");
        let row: Vec<(String, String)> = fields
            .iter()
            .zip(&cols)
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect();
        let get = |k: &str| row.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
        let ts = get("ts").expect("ts");
        assert!(
            ts.parse::<f64>().is_ok() && ts.split('.').nth(1).is_some_and(|f| f.len() == 6),
            "{name}: ts {ts}"
        );
        assert!(
            get("uid").is_some_and(|u| u.starts_with('C') && u.len() > 8),
            "{name}"
        );
        assert!(
            ["tcp", "udp", "icmp"].contains(&get("proto").unwrap_or("")),
            "{name}: {l}"
        );
        assert!(
            STATES.contains(&get("conn_state").unwrap_or("")),
            "{name}: {l}"
        );
        for k in [
            "orig_pkts",
            "orig_ip_bytes",
            "resp_pkts",
            "resp_ip_bytes",
            "missed_bytes",
        ] {
            assert!(
                get(k).is_some_and(|v| v.parse::<u64>().is_ok()),
                "{name}: {k} in {l}"
            );
        }
        rows.push(row);
    }
    rows
}

#[test]
fn every_dev_capture_gives_well_formed_logs() {
    let Some(shared) = shared() else { return };
    let files = dev_captures(&shared);
    let results = par_map(&files, |f| {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let tsv = run(&["logs", "conn", "-r", arg(f)]);
        let err = String::from_utf8_lossy(&tsv.stderr).to_string();
        assert!(!err.contains("panicked"), "{name}: {err}");
        if !tsv.status.success() {
            // Not a capture at all: an error, said once.
            return (name, None);
        }
        let rows = parse_tsv(&name, &stdout_of(&tsv));
        let json = run(&["logs", "conn", "--json", "-r", arg(f)]);
        assert!(json.status.success(), "{name}");
        let objs: Vec<serde_json::Value> = stdout_of(&json)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: {e}: {l}")))
            .collect();
        assert_eq!(objs.len(), rows.len(), "{name}");
        for (o, row) in objs.iter().zip(&rows) {
            // The same records, unset fields left out of JSON.
            for (k, v) in row {
                assert_eq!(o.get(k).is_none(), v == "-", "{name}: {k}");
            }
            let uid = row
                .iter()
                .find(|(k, _)| k == "uid")
                .map(|(_, v)| v.as_str());
            assert_eq!(o["uid"].as_str(), uid, "{name}: uids are deterministic");
        }
        (name, Some(rows.len()))
    });
    let records: usize = results.iter().filter_map(|(_, n)| *n).sum();
    let failed: Vec<&String> = results
        .iter()
        .filter(|(_, n)| n.is_none())
        .map(|(f, _)| f)
        .collect();
    eprintln!(
        "{} captures, {records} conn records; not read as captures: {failed:?}",
        results.len()
    );
    assert!(records > 1000);
}

/// The records of one dev capture.
fn conn(shared: &Path, file: &str, extra: &[&str]) -> Vec<Vec<(String, String)>> {
    let p = shared.join("captures/dev").join(file);
    let mut args = vec!["logs", "conn", "-r", arg(&p)];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert!(out.status.success(), "{file}: {:?}", stderr_lines(&out));
    parse_tsv(file, &stdout_of(&out))
}

fn pick<'a>(rows: &'a [Vec<(String, String)>], port: &str) -> &'a [(String, String)] {
    rows.iter()
        .find(|r| {
            r.iter()
                .any(|(k, v)| (k == "id.orig_p" || k == "id.resp_p") && v == port)
        })
        .unwrap_or_else(|| panic!("no connection on port {port}"))
}

fn cols(row: &[(String, String)], keys: &[&str]) -> Vec<String> {
    keys.iter()
        .map(|k| {
            row.iter()
                .find(|(f, _)| f == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn known_verdicts() {
    let Some(shared) = shared() else { return };
    let keys = [
        "id.orig_p",
        "id.resp_p",
        "proto",
        "orig_bytes",
        "resp_bytes",
        "conn_state",
        "history",
        "orig_pkts",
        "orig_ip_bytes",
        "resp_pkts",
        "resp_ip_bytes",
    ];
    // A full HTTP connection: handshake, data both ways, FINs.
    let rows = conn(&shared, "zeek__http-bro.org.pcap", &[]);
    assert_eq!(
        cols(pick(&rows, "55120"), &keys),
        ["55120", "80", "tcp", "654", "2585", "SF", "ShADadfF", "8", "994", "8", "2909"]
    );
    // Unanswered SYN, SYN answered by RST-ACK, SYN-ACK retransmitted.
    let rows = conn(&shared, "ndpi__synscan.pcap", &[]);
    assert_eq!(cols(pick(&rows, "443"), &keys[5..8]), ["S0", "S", "1"]);
    assert_eq!(cols(pick(&rows, "113"), &keys[5..7]), ["REJ", "Sr"]);
    assert_eq!(
        cols(pick(&rows, "53"), &keys[5..10]),
        ["S1", "Sh", "1", "44", "4"]
    );
    // The originator's FIN then RST.
    let rows = conn(
        &shared,
        "pcpp__Pcap++Test-PcapExamples-one_tcp_stream_fin_rst_close_packet.pcap",
        &[],
    );
    assert_eq!(
        cols(pick(&rows, "3306"), &keys),
        ["43766", "3306", "tcp", "235", "78", "RSTO", "ShADadFR", "8", "559", "5", "282"]
    );
    // ICMPv6 echo: type and counterpart as ports, no history.
    let rows = conn(
        &shared,
        "pcpp__Packet++Test-PacketExamples-IcmpV6_EchoMessages.pcap",
        &[],
    );
    assert_eq!(
        cols(&rows[0], &keys),
        ["128", "129", "icmp", "56", "56", "OTH", "-", "1", "104", "1", "104"]
    );
    // A lone RST every minute (1333 of them, nothing answers): Zeek ends
    // the connection 5 s after each (tcp_close_delay), so each RST is a
    // connection of its own, not one long-lived connection.
    let rows = conn(&shared, "zeek__llc.pcap", &[]);
    let tcp: Vec<_> = rows
        .iter()
        .filter(|r| cols(r, &["proto"]) == ["tcp"])
        .collect();
    assert_eq!(tcp.len(), 1333);
    for r in tcp {
        assert_eq!(
            cols(
                r,
                &["id.resp_p", "history", "orig_pkts", "resp_pkts", "duration"]
            ),
            ["80", "R", "1", "0", "-"]
        );
    }
    // DNS queries with no answer in the capture.
    let rows = conn(&shared, "gopacket__pcap-test_dns.pcap", &[]);
    assert_eq!(
        cols(pick(&rows, "57766"), &keys[2..8]),
        ["udp", "-", "-", "S0", "D", "1"]
    );
}

#[test]
fn output_directory_and_errors() {
    let Some(shared) = shared() else { return };
    let dir = TempDir::new("logs-conn");
    let f = shared.join("captures/dev/zeek__http-bro.org.pcap");
    let out = run(&["logs", "all", "-r", arg(&f), "-o", arg(&dir.path("out"))]);
    assert!(out.status.success(), "{:?}", stderr_lines(&out));
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(dir.path("out/conn.log")).expect("conn.log");
    assert_eq!(parse_tsv("conn.log", &text).len(), 13);
    // `all` needs a directory; an unknown log is named.
    let out = run(&["logs", "all", "-r", arg(&f)]);
    assert!(!out.status.success());
    let out = run(&["logs", "nosuch", "-r", arg(&f)]);
    assert!(!out.status.success());
    assert!(stderr_lines(&out).join("\n").contains("conn"));
    // -c and -f like the main command.
    let rows = conn(&shared, "zeek__http-bro.org.pcap", &["-c", "3"]);
    assert_eq!(rows.len(), 1);
    let rows = conn(
        &shared,
        "zeek__http-bro.org.pcap",
        &["-f", "tcp port 55120"],
    );
    assert_eq!(rows.len(), 1);
}
