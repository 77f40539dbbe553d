//! `wiresift logs all` over the dev corpus: every capture gives well-formed
//! application logs (Zeek TSV header lines, as many columns per row as
//! `#fields` names, `#close` last; JSON lines that parse, the same records
//! in both), every record's uid names a connection of conn.log (every
//! x509.log certificate is in a chain of ssl.log, every HTTP file of
//! files.log is one http.log lists, once, the others are ftp-data
//! connections'), and what
//! the logs say agrees with tshark 4.0 run now on the same frames (query
//! names, transaction ids and reply codes of DNS; methods, URIs and status
//! codes of HTTP; DHCP message types and host names; TLS server names and
//! JA3/JA3S hashes; QUIC server names and versions; FTP commands, arguments
//! and data connections; SMTP senders and recipients; MQTT topics), plus a
//! few known records.

mod common;

use common::fieldcmp::tshark_present;
use common::{arg, dev_captures, par_map, run, shared, stderr_lines, TempDir};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The application logs and their column counts.
const LOGS: &[(&str, usize)] = &[
    ("dns", 24),
    ("dhcp", 15),
    ("http", 30),
    ("files", 27),
    ("ssl", 26),
    ("x509", 22),
    ("quic", 13),
    ("ftp", 19),
    ("smtp", 27),
    ("mqtt_connect", 12),
    ("mqtt_publish", 13),
    ("mqtt_subscribe", 11),
    ("ssh", 25),
    ("websocket", 13),
    ("weird", 11),
];

/// One TSV log: its field names and rows.
struct Log {
    fields: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Log {
    fn col(&self, name: &str) -> usize {
        self.fields
            .iter()
            .position(|f| f == name)
            .unwrap_or_else(|| panic!("no field {name}"))
    }

    /// The values of one column.
    fn column(&self, name: &str) -> Vec<String> {
        let k = self.col(name);
        self.rows.iter().map(|r| r[k].clone()).collect()
    }

    /// Each row's values of the columns `names`, in that order.
    fn columns(&self, names: &[&str]) -> Vec<Vec<&str>> {
        let ks: Vec<usize> = names.iter().map(|n| self.col(n)).collect();
        self.rows
            .iter()
            .map(|r| ks.iter().map(|&k| r[k].as_str()).collect())
            .collect()
    }

    /// Rows as field → value maps.
    fn records(&self) -> Vec<BTreeMap<String, String>> {
        self.rows
            .iter()
            .map(|r| self.fields.iter().cloned().zip(r.iter().cloned()).collect())
            .collect()
    }
}

/// Check a TSV log's shape; its rows.
fn parse_tsv(name: &str, path: &str, text: &str) -> Log {
    let lines: Vec<&str> = text.lines().collect();
    let heads = [
        "#separator \\x09",
        "#set_separator\t,",
        "#empty_field\t(empty)",
        "#unset_field\t-",
    ];
    for (i, want) in heads.iter().enumerate() {
        assert_eq!(lines.get(i), Some(want), "{name} {path}: header line {i}");
    }
    assert_eq!(
        lines.get(4).copied(),
        Some(format!("#path\t{path}").as_str())
    );
    assert!(lines.get(5).is_some_and(|l| l.starts_with("#open\t")));
    let fields: Vec<String> = lines
        .get(6)
        .and_then(|l| l.strip_prefix("#fields\t"))
        .expect("#fields")
        .split('\t')
        .map(str::to_owned)
        .collect();
    let types = lines
        .get(7)
        .and_then(|l| l.strip_prefix("#types\t"))
        .expect("#types")
        .split('\t')
        .count();
    assert_eq!(types, fields.len(), "{name} {path}");
    assert!(
        lines.last().is_some_and(|l| l.starts_with("#close\t")),
        "{name} {path}: no #close"
    );
    let mut rows = Vec::new();
    for l in &lines[8..lines.len() - 1] {
        let cols: Vec<String> = l.split('\t').map(str::to_owned).collect();
        assert_eq!(cols.len(), fields.len(), "{name} {path}: {l}");
        let ts = &cols[0];
        assert!(
            ts.parse::<f64>().is_ok() && ts.split('.').nth(1).is_some_and(|f| f.len() == 6),
            "{name} {path}: ts {ts}"
        );
        rows.push(cols);
    }
    Log { fields, rows }
}

/// `logs all` of a capture into `dir`: each log's text, or None when the
/// file is not a capture.
fn logs_all(f: &Path, dir: &Path, json: bool) -> Option<BTreeMap<String, String>> {
    let mut args = vec!["logs", "all", "-r", arg(f), "-o", arg(dir)];
    if json {
        args.push("--json");
    }
    let out = run(&args);
    let err = stderr_lines(&out).join("\n");
    assert!(!err.contains("panicked"), "{}: {err}", f.display());
    if !out.status.success() {
        return None;
    }
    let mut m = BTreeMap::new();
    for p in std::iter::once("conn").chain(LOGS.iter().map(|l| l.0)) {
        let text = std::fs::read_to_string(dir.join(format!("{p}.log")))
            .unwrap_or_else(|e| panic!("{}: {p}.log: {e}", f.display()));
        m.insert(p.to_owned(), text);
    }
    Some(m)
}

#[test]
fn every_dev_capture_gives_well_formed_app_logs() {
    let Some(shared) = shared() else { return };
    let files = dev_captures(&shared);
    let tmp = TempDir::new("logs-app");
    let results = par_map(&files, |f| {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let tsv_dir = tmp.path(&format!("{name}.tsv"));
        let Some(tsv) = logs_all(f, &tsv_dir, false) else {
            return (name, None);
        };
        let conn = parse_tsv(&name, "conn", &tsv["conn"]);
        let uids: BTreeSet<String> = conn.column("uid").into_iter().collect();
        let json = logs_all(f, &tmp.path(&format!("{name}.json")), true).expect("JSON logs");
        let mut counts = BTreeMap::new();
        for &(path, ncols) in LOGS {
            let log = parse_tsv(&name, path, &tsv[path]);
            assert_eq!(log.fields.len(), ncols, "{name} {path}");
            // Every record names connections of conn.log; x509.log's
            // certificates are in ssl.log's chains.
            let named = match path {
                "x509" => {
                    let ssl = parse_tsv(&name, "ssl", &tsv["ssl"]);
                    let chains: BTreeSet<String> = ["cert_chain_fps", "client_cert_chain_fps"]
                        .iter()
                        .flat_map(|c| ssl.column(c))
                        .flat_map(|v| v.split(',').map(str::to_owned).collect::<Vec<_>>())
                        .collect();
                    for fp in log.column("fingerprint") {
                        assert!(
                            chains.contains(&fp),
                            "{name} x509: {fp} in no ssl.log chain"
                        );
                    }
                    Vec::new()
                }
                "files" => {
                    // The files are http.log's, each once, on its connection.
                    let http = parse_tsv(&name, "http", &tsv["http"]);
                    let mut listed = BTreeMap::new();
                    for r in http.records() {
                        for c in ["orig_fuids", "resp_fuids"] {
                            for fuid in r[c].split(',').filter(|v| *v != "-") {
                                listed.insert(fuid.to_owned(), r["uid"].clone());
                            }
                        }
                    }
                    let recs = log.records();
                    let http_files = recs.iter().filter(|r| r["source"] == "HTTP");
                    let got: BTreeMap<String, String> = http_files
                        .map(|r| (r["fuid"].clone(), r["uid"].clone()))
                        .collect();
                    assert_eq!(got, listed, "{name}: files.log and http.log's fuids");
                    // The others are what ftp-data connections carried.
                    let ftp_data: BTreeSet<String> = conn
                        .records()
                        .into_iter()
                        .filter(|r| r["service"].split(',').any(|s| s == "ftp-data"))
                        .map(|r| r["uid"].clone())
                        .collect();
                    // And the mails' parts: each that smtp.log lists, and
                    // each of a connection smtp.log has a record of is
                    // listed there (a mail of a transaction Zeek does not
                    // log, with no MAIL nor RCPT seen, still has files).
                    let smtp = parse_tsv(&name, "smtp", &tsv["smtp"]);
                    let listed: BTreeSet<String> = smtp
                        .column("fuids")
                        .iter()
                        .flat_map(|v| v.split(',').filter(|f| *f != "(empty)"))
                        .map(str::to_owned)
                        .collect();
                    let smtp_uids: BTreeSet<String> = smtp.column("uid").into_iter().collect();
                    let mail_files: Vec<_> =
                        recs.iter().filter(|r| r["source"] == "SMTP").collect();
                    for fuid in &listed {
                        assert!(
                            mail_files.iter().any(|r| r["fuid"] == *fuid),
                            "{name}: smtp.log's {fuid} not in files.log"
                        );
                    }
                    for r in mail_files.iter().filter(|r| smtp_uids.contains(&r["uid"])) {
                        assert!(
                            listed.contains(&r["fuid"]),
                            "{name}: {} not in smtp.log",
                            r["fuid"]
                        );
                    }
                    for r in recs
                        .iter()
                        .filter(|r| r["source"] != "HTTP" && r["source"] != "SMTP")
                    {
                        assert_eq!(r["source"], "FTP_DATA", "{name}");
                        assert!(
                            ftp_data.contains(&r["uid"]),
                            "{name}: {} no ftp-data",
                            r["uid"]
                        );
                    }
                    let fuids: BTreeSet<&String> = recs.iter().map(|r| &r["fuid"]).collect();
                    assert_eq!(fuids.len(), recs.len(), "{name}: a fuid twice");
                    log.column("uid")
                }
                // A weird without a connection (a bad IP header) has none.
                "weird" => log.column("uid").into_iter().filter(|u| u != "-").collect(),
                "dhcp" => log
                    .column("uids")
                    .iter()
                    .flat_map(|v| v.split(',').map(str::to_owned).collect::<Vec<_>>())
                    .collect(),
                _ => log.column("uid"),
            };
            for u in named {
                assert!(uids.contains(&u), "{name} {path}: uid {u} not in conn.log");
            }
            // The same records in JSON, unset fields left out.
            let objs: Vec<serde_json::Value> = json[path]
                .lines()
                .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: {e}: {l}")))
                .collect();
            assert_eq!(objs.len(), log.rows.len(), "{name} {path}");
            for (o, rec) in objs.iter().zip(log.records()) {
                for (k, v) in &rec {
                    assert_eq!(o.get(k).is_none(), v == "-", "{name} {path}: {k}");
                }
                if let Some(uid) = rec.get("uid").filter(|u| *u != "-") {
                    assert_eq!(o["uid"].as_str(), Some(uid.as_str()));
                }
            }
            counts.insert(path, log.rows.len());
        }
        (name, Some(counts))
    });
    let mut total: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, c) in &results {
        for (k, n) in c.iter().flatten() {
            *total.entry(k).or_default() += n;
        }
    }
    eprintln!("{} captures; records: {total:?}", results.len());
    // Under what the dev captures give (dhcp 102, dns 1027, ftp 26, http
    // 397, quic 12, smtp 4, ssl 341, x509 135, mqtt_publish 8): read
    // without -C, packets with a bad checksum reach no log.
    assert!(total.get("dns").copied().unwrap_or(0) > 1000);
    assert!(total.get("dhcp").copied().unwrap_or(0) > 20);
    assert!(total.get("http").copied().unwrap_or(0) > 200);
    assert!(total.get("files").copied().unwrap_or(0) > 200);
    assert!(total.get("ssl").copied().unwrap_or(0) > 200);
    assert!(total.get("x509").copied().unwrap_or(0) > 120);
    assert!(total.get("quic").copied().unwrap_or(0) >= 5);
    assert!(total.get("ftp").copied().unwrap_or(0) >= 20);
    assert!(total.get("smtp").copied().unwrap_or(0) >= 3);
    assert!(total.get("mqtt_publish").copied().unwrap_or(0) >= 5);
    // 415 weirds: checksums, and TCP's (weird.log in the README).
    assert!(total.get("weird").copied().unwrap_or(0) >= 400);
}

/// One log of one capture, read with `-C`: the reference here is tshark,
/// which reads every packet, and many dev captures were taken on a host
/// whose network card fills in the checksums of what it sends (Zeek needs
/// `-C` for them too; without it, packets with a bad checksum reach no
/// log: `packets_with_bad_checksums_reach_no_log_unless_checksums_are_ignored`).
fn one_log(shared: &Path, file: &str, path: &str) -> Log {
    one_log_with(shared, file, path, &["-C"])
}

/// [`one_log`] with more arguments.
fn one_log_with(shared: &Path, file: &str, path: &str, more: &[&str]) -> Log {
    let p = shared.join("captures/dev").join(file);
    let mut args = vec!["logs", path, "-r", arg(&p)];
    args.extend_from_slice(more);
    let out = run(&args);
    assert!(out.status.success(), "{file}: {:?}", stderr_lines(&out));
    parse_tsv(file, path, &String::from_utf8_lossy(&out.stdout))
}

/// tshark's fields of the frames a display filter picks, one row a frame.
fn tshark(shared: &Path, file: &str, filter: &str, fields: &[&str]) -> Vec<Vec<String>> {
    let p = shared.join("captures/dev").join(file);
    let mut cmd = Command::new("tshark");
    cmd.args(["-n", "-r", arg(&p), "-Y", filter, "-T", "fields"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("run tshark");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

/// Items of `want` found in `got` (as multisets).
fn found(want: &[String], got: &[String]) -> usize {
    let mut left: BTreeMap<&String, usize> = BTreeMap::new();
    for g in got {
        *left.entry(g).or_default() += 1;
    }
    want.iter()
        .filter(|w| {
            left.get_mut(w)
                .filter(|n| **n > 0)
                .map(|n| *n -= 1)
                .is_some()
        })
        .count()
}

/// Captures of the corpus that hold a protocol, per its manifest.
fn with_protocol(shared: &Path, proto: &str, max_packets: u64) -> Vec<String> {
    let m = std::fs::read_to_string(shared.join("captures/MANIFEST.tsv")).expect("manifest");
    m.lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let packets: u64 = c.get(4)?.parse().ok()?;
            let protos = c.get(6)?;
            (protos.split(',').any(|p| p == proto) && packets <= max_packets)
                .then(|| c[0].to_owned())
        })
        .collect()
}

/// DNS where Zeek's analyzer looks for it (by port; tshark also finds it
/// elsewhere by content), outside ICMP quotes.
const ZEEK_DNS: &str = "(udp.port in {53, 5353, 5355} || tcp.port == 53) && !icmp && !icmpv6";

#[test]
fn dns_agrees_with_tshark() {
    let Some(shared) = shared() else { return };
    if !tshark_present() {
        return;
    }
    let files = with_protocol(&shared, "dns", 3000);
    let per = par_map(&files, |file| {
        let log = one_log(&shared, file, "dns");
        // Standard queries: transaction id, name (lower case) and type of
        // the last question — what Zeek keeps.
        let last = |s: &str| s.rsplit(',').next().unwrap_or("").to_owned();
        let want_q: Vec<String> = tshark(
            &shared,
            file,
            &format!("dns.flags.response == 0 && dns.flags.opcode == 0 && dns.count.queries > 0 && dns.count.queries <= 25 && {ZEEK_DNS}"),
            &["dns.id", "dns.qry.name", "dns.qry.type"],
        )
        .into_iter()
        .filter(|r| r.len() == 3 && !r[1].is_empty())
        .map(|r| {
            let id = u64::from_str_radix(r[0].trim_start_matches("0x"), 16).unwrap_or(0);
            format!("{id} {} {}", last(&r[1]).to_lowercase(), last(&r[2]))
        })
        .collect();
        let got_q: Vec<String> = log
            .records()
            .iter()
            .filter(|r| r["qtype"] != "-")
            .map(|r| {
                let q = if r["query"] == "(empty)" {
                    "<root>"
                } else {
                    &r["query"]
                };
                format!("{} {} {}", r["trans_id"], q, r["qtype"])
            })
            .collect();
        // Replies: transaction id and reply code.
        let want_r: Vec<String> = tshark(
            &shared,
            file,
            &format!("dns.flags.response == 1 && dns.flags.opcode == 0 && {ZEEK_DNS}"),
            &["dns.id", "dns.flags.rcode"],
        )
        .into_iter()
        .filter(|r| r.len() == 2)
        .map(|r| {
            let id = u64::from_str_radix(r[0].trim_start_matches("0x"), 16).unwrap_or(0);
            format!("{id} {}", r[1])
        })
        .collect();
        let got_r: Vec<String> = log
            .records()
            .iter()
            .filter(|r| r["rcode"] != "-")
            .map(|r| format!("{} {}", r["trans_id"], r["rcode"]))
            .collect();
        (
            file.clone(),
            found(&want_q, &got_q),
            want_q.len(),
            found(&want_r, &got_r),
            want_r.len(),
        )
    });
    let (mut fq, mut nq, mut fr, mut nr) = (0, 0, 0, 0);
    for (file, a, b, c, d) in &per {
        if a != b || c != d {
            eprintln!("{file}: queries {a}/{b}, replies {c}/{d}");
        }
        fq += a;
        nq += b;
        fr += c;
        nr += d;
    }
    eprintln!(
        "{} captures: queries {fq}/{nq} ({:.2}%), replies {fr}/{nr} ({:.2}%)",
        per.len(),
        100.0 * fq as f64 / nq.max(1) as f64,
        100.0 * fr as f64 / nr.max(1) as f64
    );
    assert!(nq > 500 && nr > 300, "too few DNS messages to compare");
    assert!(fq * 1000 >= nq * 990, "queries {fq}/{nq}");
    assert!(fr * 1000 >= nr * 990, "replies {fr}/{nr}");
}

#[test]
fn dns_known_records() {
    let Some(shared) = shared() else { return };
    let log = one_log(&shared, "arkime__dns-mx.pcap", "dns");
    let r = &log.records()[0];
    assert_eq!(r["query"], "mx.com");
    assert_eq!(r["qtype_name"], "MX");
    assert_eq!(r["rcode_name"], "NOERROR");
    assert_eq!(
        r["answers"],
        "cluster5.us.messagelabs.com,cluster5a.us.messagelabs.com"
    );
    assert_eq!(r["TTLs"], "3600.000000,3600.000000");
    assert_eq!(r["rtt"], "0.082653");
    let log = one_log(&shared, "arkime__dns-error.pcap", "dns");
    let r = &log.records()[0];
    assert_eq!(r["query"], "no.such.host");
    assert_eq!(r["rcode_name"], "NXDOMAIN");
    assert_eq!(r["answers"], "-");
    // The conn record of a DNS exchange says so.
    let conn = one_log(&shared, "arkime__dns-mx.pcap", "conn");
    assert_eq!(conn.column("service"), ["dns"]);
    assert_eq!(conn.column("uid"), log_uids(&shared, "arkime__dns-mx.pcap"));
}

fn log_uids(shared: &Path, file: &str) -> Vec<String> {
    one_log(shared, file, "dns").column("uid")
}

/// Zeek's unescaping of a URI's `%XX` (enough for tshark's raw URIs).
fn unescape(u: &str) -> String {
    let b = u.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let h = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
            if let Ok(x) = u8::from_str_radix(h, 16) {
                out.push(x);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    // As the TSV writer shows it: bytes that are not UTF-8 as \xNN, the
    // empty string as (empty).
    if out.is_empty() {
        return "(empty)".to_owned();
    }
    let mut text = String::new();
    for chunk in out.utf8_chunks() {
        text.push_str(chunk.valid());
        for x in chunk.invalid() {
            text.push_str(&format!("\\x{x:02x}"));
        }
    }
    text
}

#[test]
fn http_agrees_with_tshark() {
    let Some(shared) = shared() else { return };
    if !tshark_present() {
        return;
    }
    let files = with_protocol(&shared, "http", 3000);
    let per = par_map(&files, |file| {
        let log = one_log(&shared, file, "http");
        let want_q: Vec<String> = tshark(
            &shared,
            file,
            "http.request && tcp && !icmp && !icmpv6",
            &["http.request.method", "http.request.uri"],
        )
        .into_iter()
        .filter(|r| r.len() == 2)
        .map(|r| format!("{} {}", r[0], unescape(&r[1])))
        .collect();
        let got_q: Vec<String> = log
            .records()
            .iter()
            .filter(|r| r["method"] != "-")
            .map(|r| format!("{} {}", r["method"], r["uri"]))
            .collect();
        // Final status codes (a 1xx rides with the final response).
        let want_s: Vec<String> = tshark(
            &shared,
            file,
            "http.response && http.response.code >= 200 && tcp && !icmp && !icmpv6",
            &["http.response.code"],
        )
        .into_iter()
        .map(|r| r.join(""))
        .collect();
        let got_s: Vec<String> = log
            .column("status_code")
            .into_iter()
            .filter(|s| s != "-" && !s.starts_with('1'))
            .collect();
        (
            file.clone(),
            found(&want_q, &got_q),
            want_q.len(),
            found(&want_s, &got_s),
            want_s.len(),
        )
    });
    let (mut fq, mut nq, mut fs, mut ns) = (0, 0, 0, 0);
    for (file, a, b, c, d) in &per {
        if a != b || c != d {
            eprintln!("{file}: requests {a}/{b}, status codes {c}/{d}");
        }
        fq += a;
        nq += b;
        fs += c;
        ns += d;
    }
    eprintln!(
        "{} captures: requests {fq}/{nq} ({:.2}%), status codes {fs}/{ns} ({:.2}%)",
        per.len(),
        100.0 * fq as f64 / nq.max(1) as f64,
        100.0 * fs as f64 / ns.max(1) as f64
    );
    assert!(nq > 200 && ns > 150, "too few HTTP messages to compare");
    assert!(fq * 100 >= nq * 95, "requests {fq}/{nq}");
    assert!(fs * 100 >= ns * 95, "status codes {fs}/{ns}");
}

#[test]
fn http_known_records() {
    let Some(shared) = shared() else { return };
    let log = one_log(&shared, "ndpi__http_starting_with_reply.pcapng", "http");
    let recs = log.records();
    let r = recs
        .iter()
        .find(|r| r["uri"] == "/icons/ubuntu-logo.png")
        .expect("the logo request");
    assert_eq!(r["method"], "GET");
    assert_eq!(r["host"], "proxy.wiresharkfest.acropolis.local");
    assert_eq!(r["status_code"], "200");
    assert_eq!(r["resp_mime_types"], "image/png");
    let r = recs
        .iter()
        .find(|r| r["uri"] == "/favicon.ico")
        .expect("the favicon request");
    assert_eq!(r["status_code"], "404");
    assert_eq!(r["status_msg"], "Not Found");
    assert_eq!(r["response_body_len"], "297");
    // The capture starts inside a response: a transaction of its own
    // (without a request) comes first, as in Zeek.
    assert_eq!(r["trans_depth"], "3");
    assert_eq!(recs[0]["method"], "-");
    assert_eq!(recs[0]["status_code"], "200");
    assert_eq!(recs[0]["id.orig_h"], "192.168.1.103", "the client, flipped");
}

/// files.log against Zeek 6's baselines for traces of its own test suite
/// (`zeek-cut` of its files.log; the timestamps and ids are its test
/// run's): the three partial downloads of m57-long-download-windowsupdate
/// (206 responses in multipart/byteranges bodies: the whole file's length
/// from their first part's Content-Range, no type as the parts do not
/// start at byte 0), and the PNG of flip-content-line-resp. Zeek keeps a
/// 206 response's file open until it times out (`timedout` T, the bytes
/// it did not see as `missing_bytes`); wiresift ends it with its response
/// (README).
#[test]
fn files_known_records() {
    let Some(shared) = shared() else { return };
    let files = one_log(&shared, "zeek__http-m57-long-49583-80.pcap", "files");
    let http = one_log(&shared, "zeek__http-m57-long-49583-80.pcap", "http");
    let got: Vec<Vec<String>> = files
        .records()
        .iter()
        .map(|r| {
            [
                "id.orig_h",
                "id.orig_p",
                "id.resp_h",
                "id.resp_p",
                "source",
                "depth",
            ]
            .iter()
            .chain(&[
                "analyzers",
                "mime_type",
                "filename",
                "local_orig",
                "is_orig",
            ])
            .chain(&["total_bytes", "overflow_bytes", "parent_fuid"])
            .map(|c| r[*c].clone())
            .collect()
        })
        .collect();
    let zeek = |total: &str| -> Vec<String> {
        let row = [
            "192.168.1.105",
            "49583",
            "208.111.129.62",
            "80",
            "HTTP",
            "0",
        ];
        row.iter()
            .chain(&["(empty)", "-", "-", "F", "F", total, "0", "-"])
            .map(|s| s.to_string())
            .collect()
    };
    assert_eq!(got, ["649077", "27571639", "87913763"].map(zeek));
    // Each is the response body http.log lists, with its length.
    assert_eq!(files.column("fuid"), http.column("resp_fuids"));
    assert_eq!(files.column("seen_bytes"), http.column("response_body_len"));
    let png = one_log(&shared, "zeek__http-zeek-image-1080-80-x.pcapng", "files");
    let r = &png.records()[0];
    assert_eq!(
        (r["analyzers"].as_str(), r["mime_type"].as_str()),
        ("(empty)", "image/png")
    );
    assert_eq!(
        (r["local_orig"].as_str(), r["timedout"].as_str()),
        ("T", "F")
    );
}

/// Each part of an HTTP multipart body (not byteranges) is a file, as
/// Zeek's MIME entities make them: on every dev capture where tshark shows
/// one, the request's http.log record lists a fuid per part tshark shows,
/// the file names of their Content-Disposition in order, and each binary
/// part's file counts tshark's bytes of it with each lone CR or LF made a
/// CR LF (Zeek's HTTP analyzer reads a multipart body line by line, both
/// ending a line, and its MIME entity puts CR LF between lines).
#[test]
fn parts_of_multipart_bodies_are_files() {
    let Some(shared) = shared() else { return };
    if !tshark_present() {
        return;
    }
    let mut parts_seen = 0;
    for cap in common::fieldcmp::captures_with(&shared, &["mime_multipart"]) {
        let file = cap.file_name().unwrap().to_string_lossy().into_owned();
        let out = Command::new("tshark")
            .args([
                "-n",
                "-r",
                arg(&cap),
                "-Y",
                "http.request && mime_multipart",
            ])
            .args(["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"])
            .args(["-e", "http.request.uri", "-e", "mime_multipart.type"])
            .args(["-e", "mime_multipart.header.content-disposition"])
            .args(["-e", "data.data"])
            .output()
            .expect("run tshark");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let rows: Vec<Vec<&str>> = text
            .lines()
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .filter(|r| r[1] != "multipart/byteranges")
            .collect();
        if rows.is_empty() {
            continue;
        }
        let http = one_log(&shared, &file, "http");
        let files = one_log(&shared, &file, "files");
        let files = files.records();
        for r in rows {
            let rec = http
                .records()
                .into_iter()
                .find(|h| h["uri"] == r[0])
                .unwrap_or_else(|| panic!("{file}: no http.log record of {}", r[0]));
            let dispositions: Vec<&str> = r[2].split('|').collect();
            let fuids: Vec<&str> = rec["orig_fuids"].split(',').collect();
            assert_eq!(
                fuids.len(),
                dispositions.len(),
                "{file} {}: a fuid a part",
                r[0]
            );
            let names: Vec<String> = dispositions
                .iter()
                .filter_map(|d| d.split("filename=").nth(1))
                .map(|n| n.trim_matches('"').to_owned())
                .collect();
            let logged = match rec["orig_filenames"].as_str() {
                "-" => Vec::new(),
                s => s.split(',').map(str::to_owned).collect(),
            };
            assert_eq!(logged, names, "{file} {}: file names", r[0]);
            // The binary parts (tshark shows their bytes as data).
            let binary: Vec<Vec<u8>> = r[3]
                .split('|')
                .filter(|h| !h.is_empty())
                .map(|h| {
                    (0..h.len())
                        .step_by(2)
                        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                        .collect()
                })
                .collect();
            for data in &binary {
                let crlf = data.windows(2).filter(|w| w == b"\r\n").count();
                let cr = data.iter().filter(|&&c| c == b'\r').count() - crlf;
                let lf = data.iter().filter(|&&c| c == b'\n').count() - crlf;
                let want = (data.len() + cr + lf).to_string();
                let found = files
                    .iter()
                    .any(|f| fuids.contains(&f["fuid"].as_str()) && f["seen_bytes"] == want);
                assert!(found, "{file} {}: a part of {want} bytes", r[0]);
            }
            parts_seen += fuids.len();
        }
    }
    assert!(parts_seen >= 3, "parts: {parts_seen}");
}

/// The files of FTP data connections (zeek's ftp-with-numbers-in-filename:
/// three listings and a download): one per connection, from the server,
/// as many bytes as conn.log counts from sequence numbers, the download as
/// long as the server's `150` reply said (ftp.log's `file_size`), named
/// with its type on the RETR's ftp.log record.
#[test]
fn files_of_ftp_data_connections() {
    let Some(shared) = shared() else { return };
    let file = "zeek__ftp-ftp-with-numbers-in-filename.pcap";
    let files = one_log(&shared, file, "files");
    let conn = one_log(&shared, file, "conn").records();
    let data: Vec<_> = conn.iter().filter(|r| r["service"] == "ftp-data").collect();
    let recs = files.records();
    assert_eq!(recs.len(), data.len());
    assert_eq!(recs.len(), 4);
    for (f, c) in recs.iter().zip(&data) {
        assert_eq!(f["uid"], c["uid"]);
        assert_eq!(
            (f["source"].as_str(), f["is_orig"].as_str()),
            ("FTP_DATA", "F")
        );
        assert_eq!(f["seen_bytes"], c["resp_bytes"]);
        assert_eq!(
            (f["missing_bytes"].as_str(), f["total_bytes"].as_str()),
            ("0", "-")
        );
    }
    let ftp = one_log(&shared, file, "ftp").records();
    let retr = ftp.iter().find(|r| r["command"] == "RETR").expect("a RETR");
    assert_eq!(retr["file_size"], recs[3]["seen_bytes"]);
    // Zeek's baseline of this capture (its ftp-get-file-size test): the
    // download's type and file id on the RETR, none on the four PASV
    // records (the listings' files went with the LIST commands, which are
    // not logged). Zeek's file ids are random; ours are files.log's.
    let named: Vec<_> = ftp
        .iter()
        .map(|r| [&r["command"], &r["mime_type"], &r["fuid"]].map(String::as_str))
        .collect();
    let pasv = ["PASV", "-", "-"];
    assert_eq!(
        named,
        [
            pasv,
            pasv,
            pasv,
            pasv,
            ["RETR", "text/plain", recs[3]["fuid"].as_str()]
        ]
    );
}

/// The parts of mails (zeek smtp.pcap) as Zeek's baseline of its
/// smtp/attachment test lists them: each leaf MIME entity with content
/// is a file, at its entity's depth among the connection's, named by its
/// headers, typed by its decoded bytes, and as long as Zeek's decoding
/// makes it; smtp.log lists them in order.
#[test]
fn files_of_mails_match_zeek() {
    let Some(shared) = shared() else { return };
    let file = "zeek__smtp.pcap";
    let files = one_log(&shared, file, "files");
    let cols = [
        "id.orig_h",
        "id.resp_h",
        "source",
        "depth",
        "analyzers",
        "mime_type",
        "filename",
        "duration",
        "is_orig",
        "seen_bytes",
        "total_bytes",
        "missing_bytes",
        "overflow_bytes",
        "timedout",
        "parent_fuid",
    ];
    let got = files.columns(&cols);
    // (Zeek's baseline of 2.x-era columns: tx_hosts, rx_hosts, …; the
    // values that remain in Zeek 6's files.log.)
    let zeek = |o, r, depth, mime, name, dur, seen| {
        vec![
            o, r, "SMTP", depth, "(empty)", mime, name, dur, "T", seen, "-", "0", "0", "F", "-",
        ]
    };
    assert_eq!(
        got,
        vec![
            zeek(
                "10.10.1.4",
                "74.53.140.153",
                "3",
                "text/plain",
                "-",
                "0.000000",
                "77"
            ),
            zeek(
                "10.10.1.4",
                "74.53.140.153",
                "4",
                "text/html",
                "-",
                "0.000061",
                "1868"
            ),
            zeek(
                "10.10.1.4",
                "74.53.140.153",
                "5",
                "text/plain",
                "NEWS.txt",
                "1.165512",
                "10809"
            ),
            zeek(
                "192.168.133.100",
                "192.168.133.102",
                "1",
                "text/plain",
                "-",
                "0.000000",
                "204"
            ),
        ]
    );
    let smtp = one_log(&shared, file, "smtp").records();
    let listed: Vec<&str> = smtp.iter().map(|r| r["fuids"].as_str()).collect();
    let files = files.records();
    let fuid = |i: usize| files[i]["fuid"].as_str();
    assert_eq!(
        listed,
        vec![[fuid(0), fuid(1), fuid(2)].join(","), fuid(3).to_owned()]
    );
    for (f, s) in files.iter().zip([0, 0, 0, 1]) {
        assert_eq!(f["uid"], smtp[s]["uid"]);
    }
}

#[test]
fn dhcp_agrees_with_tshark() {
    let Some(shared) = shared() else { return };
    if !tshark_present() {
        return;
    }
    let names = |t: &str| match t {
        "1" => "DISCOVER",
        "2" => "OFFER",
        "3" => "REQUEST",
        "4" => "DECLINE",
        "5" => "ACK",
        "6" => "NAK",
        "7" => "RELEASE",
        "8" => "INFORM",
        _ => "other",
    };
    let (mut f, mut n) = (0, 0);
    for file in with_protocol(&shared, "dhcp", 3000) {
        let log = one_log(&shared, &file, "dhcp");
        // Messages with the magic cookie, not cut before their options.
        let want: Vec<String> = tshark(
            &shared,
            &file,
            "dhcp.option.dhcp && !icmp",
            &["dhcp.option.dhcp"],
        )
        .into_iter()
        .map(|r| names(r[0].as_str()).to_owned())
        .collect();
        let got: Vec<String> = log
            .column("msg_types")
            .iter()
            .flat_map(|t| t.split(',').map(str::to_owned).collect::<Vec<_>>())
            .collect();
        let k = found(&want, &got);
        if k != want.len() || got.len() != want.len() {
            eprintln!("{file}: {k}/{} (logged {})", want.len(), got.len());
        }
        f += k;
        n += want.len();
    }
    eprintln!("DHCP message types {f}/{n}");
    assert!(n > 500);
    assert!(f * 1000 >= n * 990, "{f}/{n}");
    // A DORA exchange with the client's host name.
    let log = one_log(&shared, "ndpi__android.pcap", "dhcp");
    let recs = log.records();
    let r = recs
        .iter()
        .find(|r| r["msg_types"] == "DISCOVER,OFFER,REQUEST,ACK")
        .expect("a DORA record");
    assert_eq!(r["assigned_addr"], "192.168.2.16");
    assert_eq!(r["server_addr"], "192.168.2.1");
    assert_eq!(r["mac"], "4c:6a:f6:9f:f6:27");
    assert_eq!(r["lease_time"], "85536.000000");
    assert!(r["uids"].contains(','), "two connections: {}", r["uids"]);
    let hosts = tshark(
        &shared,
        "ndpi__android.pcap",
        "dhcp",
        &["dhcp.option.hostname"],
    );
    assert!(hosts.iter().any(|h| h[0] == "Lucas-iMac"));
    assert!(recs.iter().any(|r| r["host_name"] == "Lucas-iMac"));
}

#[test]
fn ssl_agrees_with_tshark() {
    let Some(shared) = shared() else { return };
    if !tshark_present() {
        return;
    }
    let files = with_protocol(&shared, "tls", 3000);
    let per = par_map(&files, |file| {
        let log = one_log(&shared, file, "ssl");
        let recs = log.records();
        let whole = with_handshake(&shared, file);
        // Per connection: the first ClientHello's SNI and JA3, the first
        // ServerHello's JA3S (over TCP, outside ICMP quotes), of the
        // connections Zeek's SSL analyzer reads: those seen from their
        // handshake (it reads nothing of a partial one).
        let first = |ty: u8, f: &str| -> Vec<String> {
            let mut seen = BTreeSet::new();
            tshark(
                &shared,
                file,
                &format!("tls.handshake.type == {ty} && tcp && !icmp && !icmpv6"),
                &["tcp.stream", f],
            )
            .into_iter()
            .filter(|r| r.len() == 2 && !r[1].is_empty() && whole.contains(&r[0]))
            .filter(|r| seen.insert(r[0].clone()))
            .map(|r| r[1].split(',').next().unwrap_or("").to_owned())
            .collect()
        };
        let col = |k: &str| -> Vec<String> {
            recs.iter()
                .map(|r| r[k].clone())
                .filter(|v| v != "-")
                .collect()
        };
        let pairs = [
            (
                first(1, "tls.handshake.extensions_server_name"),
                col("server_name"),
            ),
            (first(1, "tls.handshake.ja3"), col("ja3")),
            (first(2, "tls.handshake.ja3s"), col("ja3s")),
        ];
        let counts: Vec<(usize, usize)> = pairs
            .iter()
            .map(|(want, got)| (found(want, got), want.len()))
            .collect();
        (file.clone(), counts)
    });
    let names = ["server_name", "ja3", "ja3s"];
    let mut tot = [(0usize, 0usize); 3];
    for (file, counts) in &per {
        for (i, (f, n)) in counts.iter().enumerate() {
            if f != n {
                eprintln!("{file}: {} {f}/{n}", names[i]);
            }
            tot[i].0 += f;
            tot[i].1 += n;
        }
    }
    for (i, (f, n)) in tot.iter().enumerate() {
        eprintln!(
            "{} captures: {} {f}/{n} ({:.2}%)",
            per.len(),
            names[i],
            100.0 * *f as f64 / (*n).max(1) as f64
        );
        assert!(*n > 100, "too few TLS hellos to compare");
        assert!(f * 100 >= n * 95, "{} {f}/{n}", names[i]);
    }
}

/// The TCP conversations (tshark's `tcp.stream`) of `file` that are not
/// partial in Zeek's sense ([`common::with_handshake`]).
fn with_handshake(shared: &Path, file: &str) -> BTreeSet<String> {
    common::with_handshake(&tshark(
        shared,
        file,
        "tcp && !icmp && !icmpv6",
        &common::HANDSHAKE_FIELDS,
    ))
}

#[test]
fn ssl_known_records() {
    let Some(shared) = shared() else { return };
    let log = one_log(&shared, "arkime__tls-alpn-h2.pcap", "ssl");
    let r = &log.records()[0];
    assert_eq!(r["server_name"], "www.cloudflare.com");
    assert_eq!(r["version"], "TLSv12");
    assert_eq!(r["cipher"], "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    assert_eq!(r["curve"], "x25519");
    assert_eq!(r["next_protocol"], "h2");
    // tshark's tls.handshake.ja3 / ja3s; openssl's subject and fingerprint.
    assert_eq!(r["ja3"], "3faa4ad39f690c4ef1c3160caa375465");
    assert_eq!(r["ja3s"], "7f76f3e952a1bc7d407366fafe1db7ed");
    assert!(r["subject"].starts_with("CN=cloudflare.com,O=Cloudflare\\x5c, Inc.,L=San Francisco"));
    assert!(r["cert_chain_fps"]
        .starts_with("84694645cbd183bf9be472ce702bd189246e1fcd1544ffead466d956a71690bf,"));
    assert_eq!(r["sni_matches_cert"], "T");
    let conn = one_log(&shared, "arkime__tls-alpn-h2.pcap", "conn");
    assert_eq!(conn.column("service"), ["ssl"]);
}

/// The first of the client's names the server also offers (Zeek's
/// `find_alg` over two comma-separated lists).
fn zeek_find_alg(client: &str, server: &str) -> String {
    let server: Vec<&str> = server.split(',').filter(|s| !s.is_empty()).collect();
    client
        .split(',')
        .find(|c| !c.is_empty() && server.contains(c))
        .unwrap_or("Algorithm negotiation failed")
        .to_owned()
}

/// ssh.log's version lines and negotiated algorithms against what tshark
/// shows of the same connections: the version line of each direction and
/// the name lists of each side's first KEXINIT, put together by Zeek's
/// rule (the client's first the server also offers). Checksums ignored
/// (`-C`): loopback captures carry unfilled ones, which tshark does not
/// check either. Left out, and why:
/// - connections picked up without their SYN (pcpp ssh_packets): Zeek's
///   SSH analyzer does not look at them, so there is no record;
/// - streams without the client's version line: an HTTP request sent to
///   an SSH server (zeek http-get-to-ssh-server) makes the stream HTTP,
///   the protocol of its first bytes, where Zeek runs its SSH analyzer by
///   the port too.
///
/// A version line with NUL bytes (suricata bug-4903) is compared up to
/// its first NUL: tshark's string ends there, Zeek logs the line to its
/// end, NULs escaped (`\x00`), as ssh.log does.
#[test]
fn ssh_agrees_with_tshark() {
    let Some(shared) = shared() else { return };
    if !tshark_present() {
        return;
    }
    let mut files = with_protocol(&shared, "ssh", 5000);
    files.push("arkime__arkime_synthetic.pcap".to_owned());
    const LISTS: [&str; 8] = [
        "ssh.kex_algorithms",
        "ssh.server_host_key_algorithms",
        "ssh.encryption_algorithms_client_to_server",
        "ssh.encryption_algorithms_server_to_client",
        "ssh.mac_algorithms_client_to_server",
        "ssh.mac_algorithms_server_to_client",
        "ssh.compression_algorithms_client_to_server",
        "ssh.compression_algorithms_server_to_client",
    ];
    let per = par_map(&files, |file| {
        let log = one_log(&shared, file, "ssh");
        let mut fields = vec!["tcp.stream", "ssh.direction", "ssh.protocol"];
        fields.extend(LISTS);
        fields.extend(["ssh.kex.hassh", "ssh.kex.hasshserver"]);
        // Per stream and direction (0: to the server): version line and
        // first KEXINIT lists.
        let mut lines: BTreeMap<(String, String), String> = BTreeMap::new();
        let mut kex: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for r in tshark(
            &shared,
            file,
            "ssh.protocol || ssh.message_code == 20",
            &fields,
        ) {
            if r.len() < 13 || r[1].is_empty() {
                continue;
            }
            let at = (r[0].clone(), r[1].clone());
            if !r[2].is_empty() {
                lines.entry(at.clone()).or_insert_with(|| r[2].clone());
            }
            if !r[3].is_empty() {
                kex.entry(at).or_insert_with(|| r[3..13].to_vec());
            }
        }
        let stream_set = |filter: &str| -> BTreeSet<String> {
            tshark(&shared, file, filter, &["tcp.stream"])
                .into_iter()
                .filter_map(|r| r.into_iter().next())
                .collect()
        };
        let syn = stream_set("tcp.flags.syn == 1 && tcp.flags.ack == 0");
        let streams: BTreeSet<&String> = lines
            .keys()
            .filter(|(st, dir)| dir == "0" && syn.contains(st))
            .map(|k| &k.0)
            .collect();
        let mut want = Vec::new();
        for st in streams {
            let get = |d: &str| lines.get(&(st.clone(), d.to_owned())).cloned();
            let mut rec = vec![
                get("0").unwrap_or_else(|| "-".into()),
                get("1").unwrap_or_else(|| "-".into()),
            ];
            let (c, s) = (
                kex.get(&(st.clone(), "0".into())),
                kex.get(&(st.clone(), "1".into())),
            );
            match (c, s) {
                (Some(c), Some(s)) => {
                    let both = |i: usize| {
                        let (to_s, to_c) = (
                            zeek_find_alg(&c[i], &s[i]),
                            zeek_find_alg(&c[i + 1], &s[i + 1]),
                        );
                        if to_s == to_c {
                            to_s
                        } else {
                            format!("To server: {to_s}, to client: {to_c}")
                        }
                    };
                    rec.extend([
                        both(2),
                        both(4),
                        both(6),
                        zeek_find_alg(&c[0], &s[0]),
                        zeek_find_alg(&c[1], &s[1]),
                    ]);
                }
                _ => rec.extend(["-"; 5].map(String::from)),
            }
            // The HASSH package's fingerprints of each side's KEXINIT.
            for (d, i) in [("0", 8), ("1", 9)] {
                let h = kex.get(&(st.clone(), d.to_owned())).map(|k| k[i].clone());
                rec.push(h.filter(|h| !h.is_empty()).unwrap_or_else(|| "-".into()));
            }
            want.push(rec.join("|"));
        }
        let recs = log.records();
        let got: Vec<String> = recs
            .iter()
            .map(|r| {
                [
                    "client",
                    "server",
                    "cipher_alg",
                    "mac_alg",
                    "compression_alg",
                    "kex_alg",
                    "host_key_alg",
                    "hassh",
                    "hasshServer",
                ]
                .map(|k| r[k].split("\\x00").next().unwrap_or_default().to_owned())
                .join("|")
            })
            .collect();
        let f = found(&want, &got);
        if f != want.len() {
            eprintln!("{file}: want {want:?}\n  got {got:?}");
        }
        (f, want.len())
    });
    floor(
        "ssh version lines and algorithms vs tshark",
        sum(&per),
        6,
        100,
    );
}

/// scapy's ssh_ed25519.pcap (loopback: checksums unfilled, so `-C`): after
/// NEWKEYS the client sends 44, 60 and 148 bytes, the server 44, 52 and
/// 52 (tshark's tcp.len): by Zeek's size rule the accept, a failure and a
/// second failure, one failed attempt. Its key exchange
/// (sntrup761x25519-sha512) is not one Zeek's parser reads a host key
/// from.
#[test]
fn ssh_known_record() {
    let Some(shared) = shared() else { return };
    let file = "scapy__ssh_ed25519.pcap";
    let log = one_log(&shared, file, "ssh");
    let r = &log.records()[0];
    assert_eq!(r["version"], "2");
    assert_eq!(r["auth_success"], "F");
    assert_eq!(r["auth_attempts"], "1");
    assert_eq!(r["kex_alg"], "sntrup761x25519-sha512@openssh.com");
    assert_eq!(r["host_key"], "-");
    let conn = one_log(&shared, file, "conn");
    assert_eq!(conn.column("service"), ["ssh"]);
    assert_eq!(conn.column("uid"), log.column("uid"));
}

/// Print `what f/n` and check the floor (percent).
fn floor(what: &str, (f, n): (usize, usize), min_n: usize, pct: usize) {
    eprintln!(
        "{what}: {f}/{n} ({:.1}%)",
        100.0 * f as f64 / n.max(1) as f64
    );
    assert!(n >= min_n, "{what}: too few to compare ({n})");
    assert!(f * 100 >= n * pct, "{what}: {f}/{n}");
}

/// Sum of per-capture (found, wanted) pairs.
fn sum(per: &[(usize, usize)]) -> (usize, usize) {
    per.iter().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
}

/// The first value of `field` per UDP/TCP stream among the frames `filter`
/// picks (the first of several occurrences).
fn first_per_stream(
    shared: &Path,
    file: &str,
    filter: &str,
    stream: &str,
    field: &str,
) -> Vec<String> {
    let mut seen = BTreeSet::new();
    tshark(shared, file, filter, &[stream, field])
        .into_iter()
        .filter(|r| r.len() == 2 && !r[1].is_empty() && seen.insert(r[0].clone()))
        .map(|r| r[1].split(',').next().unwrap_or("").to_owned())
        .collect()
}

/// Zeek's name of a QUIC version tshark prints as `0x…`.
fn zeek_quic_version(v: &str) -> String {
    let n = u32::from_str_radix(v.trim_start_matches("0x"), 16).unwrap_or(0);
    match n {
        1 => "1".into(),
        0x6b33_43cf => "quicv2".into(),
        0xff00_001e | 0xff00_001f => "draft-30".into(),
        0xff00_0016..=0xff00_0022 => format!("draft-{}", n & 0xff),
        0xface_b001..=0xface_b013 => format!("mvfst ({n:x})"),
        _ => format!("unknown-{n:x}"),
    }
}

#[test]
fn quic_agrees_with_tshark() {
    let Some(shared) = shared() else { return };
    if !tshark_present() {
        return;
    }
    let files = with_protocol(&shared, "quic", 3000);
    let per = par_map(&files, |file| {
        let log = one_log(&shared, file, "quic");
        let col =
            |k: &str| -> Vec<String> { log.column(k).into_iter().filter(|v| v != "-").collect() };
        // Per connection: the ClientHello's SNI, the client's first long
        // header's version.
        let sni = first_per_stream(
            &shared,
            file,
            "quic && tls.handshake.type == 1",
            "udp.stream",
            "tls.handshake.extensions_server_name",
        );
        let ver: Vec<String> = first_per_stream(
            &shared,
            file,
            "quic.long.packet_type == 0",
            "udp.stream",
            "quic.version",
        )
        .iter()
        .map(|v| zeek_quic_version(v))
        .collect();
        (
            (found(&sni, &col("server_name")), sni.len()),
            (found(&ver, &col("version")), ver.len()),
        )
    });
    let sni: Vec<_> = per.iter().map(|p| p.0).collect();
    let ver: Vec<_> = per.iter().map(|p| p.1).collect();
    floor("quic server_name vs tshark SNI", sum(&sni), 5, 95);
    floor("quic version vs tshark quic.version", sum(&ver), 5, 95);
}

#[test]
fn quic_known_record() {
    let Some(shared) = shared() else { return };
    let file = "zeek__quic-quic_win11_firefox_google.pcap";
    let r = &one_log(&shared, file, "quic").records()[0];
    assert_eq!(r["version"], "1");
    assert_eq!(r["client_initial_dcid"], "b409bae10c6b44e5cd");
    assert_eq!(r["server_name"], "www.google.com");
    assert_eq!(r["client_protocol"], "h3");
    // The zero bytes after the client's first Initial are discarded (`X`).
    assert!(r["history"].starts_with("ISXis"), "{}", r["history"]);
    let conn = one_log(&shared, file, "conn");
    let k = conn.col("service");
    // The TLS handshake in the Initial's CRYPTO frames goes to the ssl
    // analyzer too, as Zeek's QUIC analyzer hands it on (its QUIC tests
    // check ssl.log beside quic.log): both services.
    assert!(conn.rows.iter().any(|row| row[k] == "quic,ssl"));
    let ssl = one_log(&shared, file, "ssl");
    let s = ssl.col("server_name");
    assert!(ssl.rows.iter().any(|row| row[s] == "www.google.com"));
}

/// Zeek's baseline of its quic-go handshake test (interop/quic-go_quic-go/
/// handshake): the whole record, history with its coalesced packets and
/// short-header packets (`o` after the server's Handshakes, `OO` then `o`
/// as each side's count reaches 1 and 2). The baseline's time is the
/// capture's shifted by its test; uids differ (ours are deterministic).
#[test]
fn quic_handshake_matches_zeek() {
    let Some(shared) = shared() else { return };
    let file = "zeek__quic-interop-quic-go_quic-go-handshake.pcap";
    let quic = one_log(&shared, file, "quic");
    let cols = [
        "id.orig_h",
        "id.orig_p",
        "id.resp_h",
        "id.resp_p",
        "version",
        "client_initial_dcid",
        "client_scid",
        "server_scid",
        "server_name",
        "client_protocol",
        "history",
    ];
    let got = quic.columns(&cols);
    let zeek = "193.167.0.100 40084 193.167.100.100 443 1 a771f6161a4072c0bf10 (empty) 5911deff server4:443 hq-interop ISishhoIHOOo";
    assert_eq!(got, [zeek.split(' ').collect::<Vec<_>>()]);
}

/// Zeek's FTP::logged_commands, as a tshark filter.
const FTP_LOGGED: &str = "ftp.request.command in {\"APPE\", \"DELE\", \"RETR\", \"STOR\", \"STOU\", \"ACCT\", \"PORT\", \"PASV\", \"EPRT\", \"EPSV\"}";

#[test]
fn ftp_agrees_with_tshark() {
    let Some(shared) = shared() else { return };
    if !tshark_present() {
        return;
    }
    let files = with_protocol(&shared, "ftp", 3000);
    let per = par_map(&files, |file| {
        let log = one_log(&shared, file, "ftp");
        let recs = log.records();
        let rows = tshark(
            &shared,
            file,
            FTP_LOGGED,
            &["ftp.request.command", "ftp.request.arg"],
        );
        let want_cmd: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
        // Arguments: file commands' URLs end with tshark's argument.
        let want_arg: Vec<String> = rows
            .iter()
            .filter(|r| r.len() == 2 && !r[1].is_empty())
            .map(|r| format!("{} {}", r[0], r[1].rsplit('/').next().unwrap_or("")))
            .collect();
        let got_cmd: Vec<String> = recs.iter().map(|r| r["command"].clone()).collect();
        let got_arg: Vec<String> = recs
            .iter()
            .filter(|r| r["arg"] != "-")
            .map(|r| {
                format!(
                    "{} {}",
                    r["command"],
                    r["arg"].rsplit('/').next().unwrap_or("")
                )
            })
            .collect();
        // Replies of the data-channel commands (PASV's 227, EPSV's 229, …).
        let want_code: Vec<String> = tshark(
            &shared,
            file,
            "ftp.response.code in {227, 229}",
            &["ftp.response.code"],
        )
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
        let got_code: Vec<String> = recs.iter().map(|r| r["reply_code"].clone()).collect();
        // Data connections: tshark's ftp-data conversations (port pairs)
        // among conn.log's ftp-data ones.
        let pair = |a: &str, b: &str| {
            let (a, b) = (a.to_owned(), b.to_owned());
            if a < b {
                format!("{a}-{b}")
            } else {
                format!("{b}-{a}")
            }
        };
        let want_data: Vec<String> =
            first_per_stream(&shared, file, "ftp-data", "tcp.stream", "tcp.srcport")
                .len()
                .eq(&0)
                .then(Vec::new)
                .unwrap_or_else(|| {
                    let mut seen = BTreeSet::new();
                    tshark(
                        &shared,
                        file,
                        "ftp-data",
                        &["tcp.stream", "tcp.srcport", "tcp.dstport"],
                    )
                    .into_iter()
                    .filter(|r| r.len() == 3 && seen.insert(r[0].clone()))
                    .map(|r| pair(&r[1], &r[2]))
                    .collect()
                });
        let conn = one_log(&shared, file, "conn");
        let got_data: Vec<String> = conn
            .records()
            .into_iter()
            .filter(|r| r["service"].split(',').any(|s| s == "ftp-data"))
            .map(|r| pair(&r["id.orig_p"], &r["id.resp_p"]))
            .collect();
        [
            (found(&want_cmd, &got_cmd), want_cmd.len()),
            (found(&want_arg, &got_arg), want_arg.len()),
            (found(&want_code, &got_code), want_code.len()),
            (found(&want_data, &got_data), want_data.len()),
        ]
    });
    let col = |i: usize| sum(&per.iter().map(|p| p[i]).collect::<Vec<_>>());
    floor("ftp command vs ftp.request.command", col(0), 20, 95);
    floor("ftp arg vs ftp.request.arg", col(1), 10, 95);
    floor(
        "ftp reply_code vs ftp.response.code (227/229)",
        col(2),
        10,
        90,
    );
    floor(
        "conn ftp-data vs tshark ftp-data conversations",
        col(3),
        5,
        90,
    );
}

/// The address of an SMTP `FROM:`/`TO:` parameter, as Zeek keeps it.
fn smtp_addr(param: &str) -> String {
    let rest = param.split_once(':').map_or("", |p| p.1).trim_start();
    rest.split([' ', '\t']).next().unwrap_or("").to_owned()
}

#[test]
fn smtp_agrees_with_tshark() {
    let Some(shared) = shared() else { return };
    if !tshark_present() {
        return;
    }
    let files = with_protocol(&shared, "smtp", 3000);
    let per = par_map(&files, |file| {
        let recs = one_log(&shared, file, "smtp").records();
        let params = |cmd: &str| -> Vec<String> {
            tshark(
                &shared,
                file,
                &format!("smtp.req.command == \"{cmd}\""),
                &["smtp.req.parameter"],
            )
            .into_iter()
            .map(|r| smtp_addr(&r[0]))
            .collect()
        };
        let (from, to) = (params("MAIL"), params("RCPT"));
        let got_from: Vec<String> = recs.iter().map(|r| r["mailfrom"].clone()).collect();
        let got_to: Vec<String> = recs
            .iter()
            .filter(|r| r["rcptto"] != "-")
            .flat_map(|r| {
                r["rcptto"]
                    .split(',')
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        // The mail's headers, as tshark's IMF layer of the same mail shows
        // them (one-line values: tshark prints a folded one with its CR LF).
        let mail = tshark(
            &shared,
            file,
            "imf && smtp",
            &["imf.subject", "imf.date", "imf.from"],
        );
        let header = |i: usize, col: &str| {
            let want: Vec<String> = mail.iter().map(|r| r[i].clone()).collect();
            let got: Vec<String> = recs.iter().map(|r| r[col].clone()).collect();
            (found(&want, &got), want.len())
        };
        [
            (found(&from, &got_from), from.len()),
            (found(&to, &got_to), to.len()),
            header(0, "subject"),
            header(1, "date"),
            header(2, "from"),
        ]
    });
    let col = |i: usize| sum(&per.iter().map(|p| p[i]).collect::<Vec<_>>());
    floor("smtp mailfrom vs smtp.req.parameter (MAIL)", col(0), 5, 95);
    floor("smtp rcptto vs smtp.req.parameter (RCPT)", col(1), 5, 95);
    floor("smtp subject vs imf.subject", col(2), 5, 99);
    floor("smtp date vs imf.date", col(3), 5, 99);
    floor("smtp from vs imf.from", col(4), 5, 99);
}

#[test]
fn mqtt_agrees_with_tshark() {
    let Some(shared) = shared() else { return };
    if !tshark_present() {
        return;
    }
    let files = with_protocol(&shared, "mqtt", 3000);
    let per = par_map(&files, |file| {
        let topics = |ty: u8| -> Vec<String> {
            tshark(
                &shared,
                file,
                &format!("mqtt.msgtype == {ty}"),
                &["mqtt.topic"],
            )
            .into_iter()
            .flat_map(|r| r[0].split(',').map(str::to_owned).collect::<Vec<_>>())
            .filter(|t| !t.is_empty())
            .collect()
        };
        let (want_pub, want_sub) = (topics(3), topics(8));
        // Most MQTT captures here were taken on loopback, where the
        // checksums are left to the card and wrong: read with -C, as
        // `one_log` does.
        let got_pub = one_log(&shared, file, "mqtt_publish").column("topic");
        let got_sub: Vec<String> = one_log(&shared, file, "mqtt_subscribe")
            .column("topics")
            .iter()
            .flat_map(|t| t.split(',').map(str::to_owned).collect::<Vec<_>>())
            .collect();
        [
            (found(&want_pub, &got_pub), want_pub.len()),
            (found(&want_sub, &got_sub), want_sub.len()),
        ]
    });
    let col = |i: usize| sum(&per.iter().map(|p| p[i]).collect::<Vec<_>>());
    floor("mqtt_publish topic vs mqtt.topic (PUBLISH)", col(0), 5, 95);
    floor(
        "mqtt_subscribe topics vs mqtt.topic (SUBSCRIBE)",
        col(1),
        1,
        90,
    );
}

/// A DNS query: header, one question for `name`, type A, class IN.
fn dns_query(id: u16, name: &str) -> Vec<u8> {
    let mut q = id.to_be_bytes().to_vec();
    q.extend_from_slice(&[1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    for label in name.split('.') {
        q.push(label.len() as u8);
        q.extend_from_slice(label.as_bytes());
    }
    q.extend_from_slice(&[0, 0, 1, 0, 1]);
    q
}

/// Two DNS conversations to an endpoint an SDP body announced share its
/// stream number (as tshark numbers them); each dns.log row still carries
/// the uid of its own conversation's conn.log row, and a reply on one is
/// never paired with a query of the other.
#[test]
fn conversations_sharing_an_announced_stream_keep_their_own_uids() {
    use wiresift_capture::PcapWriter;
    let sdp = b"SIP/2.0 200 OK\r\nContent-Type: application/sdp\r\n\r\nv=0\r\nc=IN IP4 10.0.0.5\r\nm=audio 53 RTP/AVP 0\r\n";
    // A query from `port` of 10.0.0.9 to the announced 10.0.0.5:53.
    let query = |port, id, name| udp([10, 0, 0, 9], port, [10, 0, 0, 5], 53, &dns_query(id, name));
    let frames = [
        udp([10, 0, 0, 1], 5060, [10, 0, 0, 2], 5060, sdp),
        query(1111, 0x1111, "a.example"),
        query(2222, 0x2222, "b.example"),
        // A reply to the first query's id, on the second conversation.
        udp([10, 0, 0, 5], 53, [10, 0, 0, 9], 2222, &{
            let mut r = dns_query(0x1111, "a.example");
            r[2] = 0x81;
            r[3] = 0x80;
            r
        }),
    ];
    let tmp = TempDir::new("logs-sdp-uid");
    let file = tmp.path("sdp.pcap");
    let mut w = PcapWriter::new(std::fs::File::create(&file).unwrap(), 1, 65_535, false).unwrap();
    for (i, f) in frames.iter().enumerate() {
        w.write_record(1_700_000_000 + i as i64, 0, f.len() as u32, f)
            .unwrap();
    }
    w.flush().unwrap();
    drop(w);
    for threads in ["1", "2"] {
        let dir = tmp.path(&format!("logs-{threads}"));
        let out = run(&[
            "logs",
            "all",
            "-r",
            arg(&file),
            "-o",
            arg(&dir),
            "--threads",
            threads,
        ]);
        assert!(out.status.success(), "{}", stderr_lines(&out).join("\n"));
        let read = |p: &str| {
            let text = std::fs::read_to_string(dir.join(format!("{p}.log"))).unwrap();
            parse_tsv("sdp.pcap", p, &text)
        };
        let (conn, dns) = (read("conn"), read("dns"));
        let col = |l: &Log, f: &str| l.fields.iter().position(|x| x == f).unwrap();
        // conn.log: the uid of each origin port.
        let by_port: BTreeMap<String, String> = conn
            .rows
            .iter()
            .map(|r| {
                (
                    r[col(&conn, "id.orig_p")].clone(),
                    r[col(&conn, "uid")].clone(),
                )
            })
            .collect();
        // Each query unanswered, and the reply a record of its own (as
        // Zeek writes a reply it saw no query for: its query is the first
        // answer's name, and this reply has no answer).
        let rows: Vec<(&str, &str, &str)> = dns
            .rows
            .iter()
            .map(|r| {
                (
                    r[col(&dns, "id.orig_p")].as_str(),
                    r[col(&dns, "query")].as_str(),
                    r[col(&dns, "rcode")].as_str(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("1111", "a.example", "-"),
                ("2222", "b.example", "-"),
                ("2222", "-", "0")
            ],
            "{threads} workers"
        );
        for r in &dns.rows {
            let port = &r[col(&dns, "id.orig_p")];
            assert_eq!(
                by_port.get(port),
                Some(&r[col(&dns, "uid")]),
                "{threads} workers: the query from port {port}"
            );
        }
    }
}

/// Frames of one TCP connection from 10.1.0.5 port `port` to
/// 192.0.2.80 port 80 (see [`tcp_conversation_to`]).
fn tcp_conversation(port: u16, talk: &[(bool, &[u8])]) -> Vec<Vec<u8>> {
    tcp_conversation_to(port, 80, talk)
}

/// Frames of one TCP connection from 10.1.0.5 port `port` to 192.0.2.80
/// port `server`: handshake, then each message from the client (true) or
/// the server in turn, cut into segments of at most 1460 bytes, then FINs.
fn tcp_conversation_to(port: u16, server: u16, talk: &[(bool, &[u8])]) -> Vec<Vec<u8>> {
    use wiresift_engine::craft::{self, ipproto, Link};
    use wiresift_wire::ethernet::ethertype;
    use wiresift_wire::tcp::flag;
    const C: [u8; 4] = [10, 1, 0, 5];
    const S: [u8; 4] = [192, 0, 2, 80];
    let lan = Link {
        src: [2, 0, 0, 0, 0, 1],
        dst: [2, 0, 0, 0, 0, 2],
        vlan: None,
    };
    let (mut cseq, mut sseq) = (1000u32, 9000u32);
    let mut out = Vec::new();
    let mut seg = |client: bool, flags: u16, payload: &[u8], cseq: u32, sseq: u32| {
        let (src, dst, sp, dp, seq, ack) = if client {
            (C, S, port, server, cseq, sseq)
        } else {
            (S, C, server, port, sseq, cseq)
        };
        let ack = if flags & flag::ACK != 0 { ack } else { 0 };
        let t = craft::tcp(sp, dp, seq, ack, flags);
        let tcp = craft::tcp_segment(&t, payload, &src, &dst);
        let ip = craft::ipv4_packet(craft::ipv4(src, dst, 1, 64), ipproto::TCP, &tcp);
        let link = if client { lan } else { lan.reply() };
        out.push(link.frame(ethertype::IPV4, &ip));
    };
    seg(true, flag::SYN, b"", cseq, sseq);
    seg(false, flag::SYN | flag::ACK, b"", cseq + 1, sseq);
    cseq += 1;
    sseq += 1;
    seg(true, flag::ACK, b"", cseq, sseq);
    for (client, data) in talk {
        for piece in data.chunks(1460) {
            seg(*client, flag::PSH | flag::ACK, piece, cseq, sseq);
            if *client {
                cseq += piece.len() as u32;
            } else {
                sseq += piece.len() as u32;
            }
        }
    }
    seg(true, flag::FIN | flag::ACK, b"", cseq, sseq);
    seg(false, flag::FIN | flag::ACK, b"", cseq + 1, sseq);
    seg(true, flag::ACK, b"", cseq + 1, sseq + 1);
    out
}

/// An Ethernet frame of a UDP datagram over IPv4.
fn udp(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, payload: &[u8]) -> Vec<u8> {
    use wiresift_engine::craft::{self, ipproto, Link};
    use wiresift_wire::ethernet::ethertype;
    let lan = Link {
        src: [2, 0, 0, 0, 0, 1],
        dst: [2, 0, 0, 0, 0, 2],
        vlan: None,
    };
    let d = craft::udp_datagram(sport, dport, payload, &src, &dst);
    lan.frame(
        ethertype::IPV4,
        &craft::ipv4_packet(craft::ipv4(src, dst, 1, 64), ipproto::UDP, &d),
    )
}

/// `logs all` of `file` into `dir`, with more arguments: what it said on
/// standard error.
fn logs_all_into(file: &Path, dir: &Path, more: &[&str]) -> Vec<String> {
    let mut args = vec!["logs", "all", "-r", arg(file), "-o", arg(dir)];
    args.extend_from_slice(more);
    let out = run(&args);
    assert!(out.status.success(), "{:?}", stderr_lines(&out));
    stderr_lines(&out)
}

/// One log of those [`logs_all_into`] wrote into `dir`.
fn read_log(dir: &Path, path: &str) -> Log {
    let text = std::fs::read_to_string(dir.join(format!("{path}.log"))).unwrap();
    parse_tsv(&dir.display().to_string(), path, &text)
}

/// Write `frames` to `file` as a pcap, a millisecond apart.
/// `logs all` of a capture of `frames` written in `tmp`: the capture,
/// the log folder and the run, which succeeded.
fn logs_all_of(tmp: &TempDir, frames: &[Vec<u8>]) -> (PathBuf, PathBuf, std::process::Output) {
    let file = tmp.path("capture.pcap");
    write_pcap(&file, frames);
    let dir = tmp.path("logs");
    let out = run(&["logs", "all", "-r", arg(&file), "-o", arg(&dir)]);
    assert!(out.status.success(), "{:?}", stderr_lines(&out));
    (file, dir, out)
}

fn write_pcap(file: &Path, frames: &[Vec<u8>]) {
    use wiresift_capture::PcapWriter;
    let mut w = PcapWriter::new(std::fs::File::create(file).unwrap(), 1, 65_535, false).unwrap();
    for (i, f) in frames.iter().enumerate() {
        let (s, us) = (i as i64 / 1000, i as u32 % 1000 * 1000);
        w.write_record(1_700_000_000 + s, us, f.len() as u32, f)
            .unwrap();
    }
    w.flush().unwrap();
}

/// A TLS connection picked up without its handshake is not read, as
/// Zeek's SSL analyzer returns at once for a partial connection
/// (`TCP()->IsPartial()` in its `DeliverStream`): the same ClientHello
/// gives an ssl.log record and the service `ssl` after a handshake, and
/// neither when the capture starts after it.
#[test]
fn a_tls_connection_without_its_handshake_is_not_read() {
    use wiresift_wire::tls::{ClientHelloRepr, ExtensionRepr, RecordRepr};
    let hello = ClientHelloRepr {
        version: 0x0303,
        random: [7; 32],
        session_id: Vec::new(),
        cipher_suites: vec![0x1301, 0xc02f],
        compression_methods: vec![0],
        extensions: Some(vec![ExtensionRepr::server_name(b"partial.example")]),
    };
    let mut messages = Vec::new();
    hello.emit(&mut messages);
    let mut record = Vec::new();
    RecordRepr::handshake(0x0301, messages).emit(&mut record);
    let frames = tcp_conversation_to(50_443, 443, &[(true, &record)]);
    let logs = |frames: &[Vec<u8>]| {
        let tmp = TempDir::new("partial-tls");
        let (_, dir, _) = logs_all_of(&tmp, frames);
        let conn = read_log(&dir, "conn").records();
        let ssl = read_log(&dir, "ssl").records();
        let names: Vec<String> = ssl.iter().map(|r| r["server_name"].clone()).collect();
        (conn.first().map(|r| r["service"].clone()), names)
    };
    assert_eq!(
        logs(&frames),
        (Some("ssl".to_string()), vec!["partial.example".to_string()])
    );
    // Without the SYN, SYN-ACK and ACK.
    assert_eq!(logs(&frames[3..]), (Some("-".to_string()), vec![]));
}

/// `logs conn` alone stops reading an HTTP connection after its first
/// request that keeps to HTTP (no log reads more of it), but not after a
/// CONNECT or an Upgrade, whose tunnel may carry another protocol. Its
/// conn.log is still the one `logs all` writes, which reads every
/// connection to its end.
#[test]
fn conn_log_alone_matches_conn_log_of_all_logs() {
    let conn = tcp_conversation;
    let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi".as_slice();
    let opaque = [0x17u8, 0x03, 0x03, 0x00, 0x02, 0xab, 0xcd];
    let mut frames = conn(
        40001,
        &[
            (true, b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"),
            (false, ok),
            (true, b"GET /b HTTP/1.1\r\nHost: x\r\n\r\n"),
            (false, ok),
        ],
    );
    frames.extend(conn(
        40002,
        &[
            (true, b"CONNECT x:22 HTTP/1.1\r\nHost: x:22\r\n\r\n"),
            (false, b"HTTP/1.1 200 Connection established\r\n\r\n"),
            (true, &opaque),
            (false, &opaque),
        ],
    ));
    frames.extend(conn(
        40003,
        &[
            (
                true,
                b"GET /up HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
            ),
            (
                false,
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
            ),
            // A text frame "hi", unmasked.
            (false, &[0x81, 0x02, b'h', b'i']),
        ],
    ));
    let tmp = TempDir::new("logs-conn-alone");
    let file = tmp.path("http.pcap");
    write_pcap(&file, &frames);
    let conn_log = |log: &str| {
        let dir = tmp.path(&format!("logs-{log}"));
        let out = run(&["logs", log, "-r", arg(&file), "-o", arg(&dir)]);
        assert!(out.status.success(), "{}", stderr_lines(&out).join("\n"));
        let text = std::fs::read_to_string(dir.join("conn.log")).unwrap();
        parse_tsv("http.pcap", "conn", &text)
    };
    let (alone, all) = (conn_log("conn"), conn_log("all"));
    assert_eq!(alone.rows, all.rows);
    let service = |port: &str| {
        let r = all.records();
        let row = r.iter().find(|r| r["id.orig_p"] == port).cloned();
        row.map(|r| r["service"].clone())
    };
    assert_eq!(all.rows.len(), 3);
    assert_eq!(service("40001").as_deref(), Some("http"));
}

/// A table that fills up is told on standard error, with what it cost
/// (here: a mail to more recipients than smtp.log keeps).
#[test]
fn full_tables_are_told() {
    let rcpts: Vec<String> = (0..1001)
        .map(|i| format!("RCPT TO:<u{i}@example.com>\r\n"))
        .collect();
    let mut talk: Vec<(bool, &[u8])> = vec![
        (false, b"220 mail.example.com ESMTP\r\n"),
        (true, b"EHLO client.example.com\r\n"),
        (false, b"250 mail.example.com\r\n"),
        (true, b"MAIL FROM:<a@example.com>\r\n"),
        (false, b"250 OK\r\n"),
    ];
    for r in &rcpts {
        talk.extend([(true, r.as_bytes()), (false, b"250 OK\r\n".as_slice())]);
    }
    talk.extend([(true, b"QUIT\r\n".as_slice()), (false, b"221 Bye\r\n")]);
    let frames = tcp_conversation_to(40010, 25, &talk);
    let tmp = TempDir::new("logs-limits");
    let file = tmp.path("smtp.pcap");
    write_pcap(&file, &frames);
    let out = run(&["logs", "smtp", "-r", arg(&file)]);
    assert!(out.status.success());
    let err = stderr_lines(&out);
    assert_eq!(
        err,
        [format!(
            "wiresift: note: {}: 1 SMTP recipients left out (1000 kept a message)",
            file.display()
        )]
    );
    let log = parse_tsv("smtp.pcap", "smtp", &common::stdout_of(&out));
    assert_eq!(log.column("rcptto")[0].split(',').count(), 1000);
    // Nothing full, nothing told.
    let quiet = tmp.path("quiet.pcap");
    write_pcap(&quiet, &frames[..8]);
    let out = run(&[
        "logs",
        "all",
        "-r",
        arg(&quiet),
        "-o",
        arg(&tmp.path("all")),
    ]);
    assert!(out.status.success());
    assert!(stderr_lines(&out).is_empty(), "{:?}", stderr_lines(&out));
}

/// An SMTP session that sends `mail` (its content and `.` line): nine
/// messages before it, a frame each, and four after it.
fn mail_talk(mail: &[u8]) -> Vec<(bool, &[u8])> {
    vec![
        (false, b"220 mail.example.com ESMTP\r\n"),
        (true, b"HELO client.example.com\r\n"),
        (false, b"250 mail.example.com\r\n"),
        (true, b"MAIL FROM:<a@example.com>\r\n"),
        (false, b"250 OK\r\n"),
        (true, b"RCPT TO:<b@example.com>\r\n"),
        (false, b"250 OK\r\n"),
        (true, b"DATA\r\n"),
        (false, b"354 go ahead\r\n"),
        (true, mail),
        (false, b"250 OK\r\n"),
        (true, b"QUIT\r\n"),
        (false, b"221 Bye\r\n"),
    ]
}

/// A mail of more parts than a mail's files are kept for: the first are
/// files, listed in smtp.log, and the rest is told.
#[test]
fn a_mail_s_files_are_bounded_and_told() {
    let mut mail = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n".to_vec();
    for i in 0..1005 {
        mail.extend_from_slice(format!("--b\r\n\r\npart {i:04}\r\n").as_bytes());
    }
    mail.extend_from_slice(b"--b--\r\n.\r\n");
    let talk = mail_talk(&mail);
    let tmp = TempDir::new("logs-mail-files");
    let (file, dir, out) = logs_all_of(&tmp, &tcp_conversation_to(40011, 25, &talk));
    assert_eq!(
        stderr_lines(&out),
        [format!(
            "wiresift: note: {}: 5 MIME entities of mails made no file (at most 1000 files a mail, nested at most 100 deep)",
            file.display()
        )]
    );
    let files = read_log(&dir, "files").records();
    assert_eq!(files.len(), 1000);
    // The top entity is 1; the parts follow it.
    let depths: Vec<&str> = files.iter().map(|r| r["depth"].as_str()).collect();
    assert!(depths.contains(&"2") && depths.contains(&"1001") && !depths.contains(&"1002"));
    // Each part: "part NNNN" (its CR LF is the boundary's).
    assert!(files.iter().all(|r| r["seen_bytes"] == "9"));
    let smtp = read_log(&dir, "smtp").records();
    assert_eq!(smtp[0]["fuids"].split(',').count(), 1000);
}

/// A mail longer than the 4 MiB the `imf` layer keeps: its content is
/// read as it comes, so the attachment that crosses the 4 MiB mark is
/// counted whole and the one after it is a file too, timed by the frame
/// that brought its line.
#[test]
fn a_mail_past_4_mib_is_read_whole() {
    let mut mail = b"Subject: big\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\nContent-Transfer-Encoding: base64\r\n\
Content-Disposition: attachment; filename=\"zeros.bin\"\r\n\r\n"
        .to_vec();
    // 60,000 lines of 19 groups "AAAA": 57 zero bytes a line.
    let line = [&[b'A'; 76][..], b"\r\n"].concat();
    for _ in 0..60_000 {
        mail.extend_from_slice(&line);
    }
    mail.extend_from_slice(
        b"--b\r\nContent-Disposition: attachment; filename=\"after.txt\"\r\n\r\nbye\r\n",
    );
    let bye_end = mail.len();
    mail.extend_from_slice(b"--b--\r\n.\r\n");
    assert!(mail.len() > 4 << 20);
    let talk = mail_talk(&mail);
    let tmp = TempDir::new("logs-long-mail");
    let (_, dir, out) = logs_all_of(&tmp, &tcp_conversation_to(40013, 25, &talk));
    assert!(stderr_lines(&out).is_empty(), "{:?}", stderr_lines(&out));
    let files = read_log(&dir, "files").records();
    let names: Vec<&str> = files.iter().map(|r| r["filename"].as_str()).collect();
    assert_eq!(names, ["zeros.bin", "after.txt"]);
    assert_eq!(files[0]["seen_bytes"], (60_000 * 57).to_string());
    assert_eq!(files[1]["seen_bytes"], "3");
    // Frame i is at i / 1000 s and i % 1000 µs: three of the handshake
    // and nine of the exchange come before the mail's, 1460 bytes each.
    let frame = 12 + (bye_end - 1) / 1460;
    let ts = format!("{}.{:06}", 1_700_000_000 + frame / 1000, frame % 1000);
    assert_eq!(files[1]["ts"], ts);
    let smtp = read_log(&dir, "smtp").records();
    assert_eq!(smtp[0]["fuids"].split(',').count(), 2);
    assert_eq!(smtp[0]["subject"], "big");
}

/// A mail segment never captured, which the server acknowledges: as Zeek
/// does at a content gap, the mail's reading ends there; the part it
/// read whole is a file, the part the gap cut is one of what came before
/// the gap, and nothing after the gap is read as mail.
#[test]
fn a_gap_in_a_mail_ends_its_files() {
    use wiresift_engine::craft::{self, ipproto, Link};
    use wiresift_wire::ethernet::ethertype;
    use wiresift_wire::tcp::flag;
    let mut mail = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n".to_vec();
    mail.resize(mail.len() + 1000, b'a');
    mail.extend_from_slice(b"\r\n--b\r\n\r\n");
    let second = mail.len();
    // Lines of 98 bytes and a CR LF: the second part spans four segments.
    for _ in 0..50 {
        mail.extend_from_slice(&[b'b'; 98]);
        mail.extend_from_slice(b"\r\n");
    }
    mail.extend_from_slice(b"--b--\r\n.\r\n");
    let talk = mail_talk(&mail);
    let mut frames = tcp_conversation_to(40015, 25, &talk);
    // Frames: 3 of the handshake, 9 of the exchange, then the mail's
    // segments. The third is lost; the server acknowledges the fourth.
    let (c, s) = ([10, 1, 0, 5], [192, 0, 2, 80]);
    let sent = |client: bool| -> usize {
        let before = talk.iter().take_while(|(_, m)| m.as_ptr() != mail.as_ptr());
        before
            .filter(|(c, _)| *c == client)
            .map(|(_, m)| m.len())
            .sum()
    };
    let fourth_end = 1001 + sent(true) + 4 * 1460;
    let server_seq = 9001 + sent(false);
    let t = craft::tcp(25, 40015, server_seq as u32, fourth_end as u32, flag::ACK);
    let ack = craft::ipv4_packet(
        craft::ipv4(s, c, 1, 64),
        ipproto::TCP,
        &craft::tcp_segment(&t, b"", &s, &c),
    );
    let lan = Link {
        src: [2, 0, 0, 0, 0, 1],
        dst: [2, 0, 0, 0, 0, 2],
        vlan: None,
    };
    frames.insert(12 + 4, lan.reply().frame(ethertype::IPV4, &ack));
    frames.remove(12 + 2);
    let tmp = TempDir::new("logs-mail-gap");
    let (_, dir, _) = logs_all_of(&tmp, &frames);
    let files = read_log(&dir, "files").records();
    assert_eq!(files.len(), 2, "{files:?}");
    let part = |depth: &str| files.iter().find(|r| r["depth"] == depth).unwrap();
    assert_eq!(part("2")["seen_bytes"], "1000");
    assert_eq!(part("2")["missing_bytes"], "0");
    // The second part: its lines up to the gap, each with its CR LF but
    // the last (owed to a boundary that never came); the line the gap
    // cut is not read, and the gap's bytes are missing.
    let lines = (2 * 1460 - second) / 100;
    assert_eq!(part("3")["seen_bytes"], (lines * 100 - 2).to_string());
    assert_eq!(part("3")["missing_bytes"], "1460");
    let smtp = read_log(&dir, "smtp").records();
    assert_eq!(smtp[0]["fuids"].split(',').count(), 2);
}

/// A mail line longer than is held while its end has not come is read in
/// pieces, and the cut is told.
#[test]
fn a_mail_line_past_64_kib_is_cut_and_told() {
    let mut mail = b"Subject: long\r\n\r\n".to_vec();
    mail.resize(mail.len() + (80 << 10), b'x');
    mail.extend_from_slice(b"\r\n.\r\n");
    let talk = mail_talk(&mail);
    let tmp = TempDir::new("logs-long-line");
    let (file, dir, out) = logs_all_of(&tmp, &tcp_conversation_to(40014, 25, &talk));
    assert_eq!(
        stderr_lines(&out),
        [format!(
            "wiresift: note: {}: 1 cuts in MIME lines (of mails and HTTP multipart bodies) longer than 64 KiB (read in pieces of that length)",
            file.display()
        )]
    );
    // Two lines of the text, each with its CR LF.
    let files = read_log(&dir, "files").records();
    assert_eq!(files[0]["seen_bytes"], ((80 << 10) + 2 * 2).to_string());
}

/// The parts of a form upload that spans segments are timed as Zeek
/// times them: from when the line that first gave a part content came to
/// when its last such line did.
#[test]
fn an_upload_s_parts_are_timed_by_their_lines() {
    let mut body =
        b"--b\r\nContent-Disposition: form-data; name=\"a\"; filename=\"a.txt\"\r\n\r\n".to_vec();
    let a_start = body.len();
    for _ in 0..40 {
        body.extend_from_slice(&[b'a'; 98]);
        body.extend_from_slice(b"\r\n");
    }
    let a_end = body.len();
    body.extend_from_slice(
        b"--b\r\nContent-Disposition: form-data; name=\"b\"; filename=\"b.txt\"\r\n\r\nbbbb\r\n",
    );
    let b_end = body.len();
    body.extend_from_slice(b"--b--\r\n");
    let mut post = format!(
        "POST /up HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data; boundary=b\r\n\
Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    let head = post.len();
    post.extend_from_slice(&body);
    let ok: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    let talk: Vec<(bool, &[u8])> = vec![(true, &post), (false, ok)];
    let tmp = TempDir::new("logs-upload-times");
    let (_, dir, _) = logs_all_of(&tmp, &tcp_conversation_to(40016, 80, &talk));
    // Frame i is at i / 1000 s and i % 1000 µs; the request's segments
    // of 1460 bytes follow the three of the handshake. A line is whole on
    // the frame that brings its last byte.
    let frame_of = |end: usize| 3 + (head + end - 1) / 1460;
    let ts = |f: usize| format!("{}.{:06}", 1_700_000_000 + f / 1000, f % 1000);
    let files = read_log(&dir, "files").records();
    let part = |name: &str| files.iter().find(|r| r["filename"] == name).unwrap();
    let (first, last) = (frame_of(a_start + 100), frame_of(a_end));
    assert!(first < last);
    assert_eq!(part("a.txt")["ts"], ts(first));
    assert_eq!(part("a.txt")["duration"], format!("0.{:06}", last - first));
    assert_eq!(part("b.txt")["ts"], ts(frame_of(b_end)));
    assert_eq!(part("b.txt")["duration"], "0.000000");
}

/// A POST of a form of more parts than a body's files are kept for, one
/// of a form longer than any body kept, and one of a content-coded form:
/// the first makes the most files, lists 15 in http.log and tells the
/// rest; the second's parts are files, read as the body passed; the
/// third is one file, and told.
#[test]
fn an_upload_s_files_are_bounded_and_told() {
    let post = |body: &[u8], coding: &str| {
        let mut m = format!(
            "POST /up HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data; boundary=b\r\n\
{coding}Content-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        m.extend_from_slice(body);
        m
    };
    let mut many = Vec::new();
    for i in 0..1005 {
        many.extend_from_slice(
            format!("--b\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nv{i:04}\r\n")
                .as_bytes(),
        );
    }
    many.extend_from_slice(b"--b--\r\n");
    // 5 MiB in lines of 1024 bytes, then a small part.
    let mut long =
        b"--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big.bin\"\r\n\r\n".to_vec();
    for _ in 0..(5 << 10) {
        long.extend_from_slice(&[b'x'; 1022]);
        long.extend_from_slice(b"\r\n");
    }
    long.extend_from_slice(b"--b\r\nContent-Disposition: form-data; name=\"g\"; filename=\"after.txt\"\r\n\r\nbye\r\n--b--\r\n");
    let (first, second) = (post(&many, ""), post(&long, ""));
    let third = post(&many[..4000], "Content-Encoding: br\r\n");
    // (Each of the many parts is "vNNNN": its CR LF is the boundary's.)
    let ok: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    let talk: Vec<(bool, &[u8])> = vec![
        (true, &first),
        (false, ok),
        (true, &second),
        (false, ok),
        (true, &third),
        (false, ok),
    ];
    let tmp = TempDir::new("logs-upload-files");
    let (file, dir, out) = logs_all_of(&tmp, &tcp_conversation_to(40012, 80, &talk));
    let note = |what: &str| format!("wiresift: note: {}: {what}", file.display());
    assert_eq!(
        stderr_lines(&out),
        [
            note("5 parts of HTTP multipart bodies made no file (at most 1000 files a body, nested at most 100 deep)"),
            note("1 HTTP multipart bodies logged as one file (no room in the stream budget to read their parts, or content-coded)"),
        ]
    );
    let files = read_log(&dir, "files").records();
    assert_eq!(files.len(), 1003);
    assert!(files[..1000].iter().all(|r| r["seen_bytes"] == "5"));
    // The long one's parts: every line but the last with its CR LF.
    assert_eq!(files[1000]["filename"], "big.bin");
    assert_eq!(files[1000]["seen_bytes"], ((5 << 20) - 2).to_string());
    assert_eq!(files[1001]["filename"], "after.txt");
    assert_eq!(files[1001]["seen_bytes"], "3");
    // The coded one: its body, as one file.
    assert_eq!(files[1002]["seen_bytes"], "4000");
    let http = read_log(&dir, "http").records();
    assert_eq!(http[0]["orig_fuids"].split(',').count(), 15);
    assert_eq!(http[1]["orig_filenames"], "big.bin,after.txt");
    assert_eq!(http[2]["orig_fuids"], files[1002]["fuid"]);
}

/// An SSH 2 KEXINIT packet with these ten name lists, padded to a multiple
/// of 8 bytes (RFC 4253 §6, §7.1).
fn ssh_kexinit(lists: &[&[u8]; 10]) -> Vec<u8> {
    let mut m = vec![20u8];
    m.extend_from_slice(&[9; 16]);
    for l in lists {
        m.extend_from_slice(&(l.len() as u32).to_be_bytes());
        m.extend_from_slice(l);
    }
    m.extend_from_slice(&[0; 5]);
    let mut pad = 8 - (5 + m.len()) % 8;
    if pad < 4 {
        pad += 8;
    }
    let mut p = ((1 + m.len() + pad) as u32).to_be_bytes().to_vec();
    p.push(pad as u8);
    p.extend_from_slice(&m);
    p.extend(std::iter::repeat_n(0u8, pad));
    p
}

/// A KEXINIT name list longer than ssh.log keeps is cut, the algorithms
/// negotiated from what is kept, and the cut told on standard error.
#[test]
fn ssh_long_name_lists_are_cut_and_told() {
    let long: Vec<u8> = (0..400)
        .map(|i| format!("kex{i}@example.com"))
        .collect::<Vec<_>>()
        .join(",")
        .into_bytes();
    let mut client_kex = long.clone();
    client_kex.extend_from_slice(b",curve25519-sha256");
    let c = ssh_kexinit(&[
        &client_kex,
        b"ssh-ed25519",
        b"aes128-ctr",
        b"aes128-ctr",
        b"hmac-sha1",
        b"hmac-sha1",
        b"none",
        b"none",
        b"",
        b"",
    ]);
    let s = ssh_kexinit(&[
        b"curve25519-sha256,kex1@example.com",
        b"ssh-ed25519",
        b"aes128-ctr",
        b"aes128-ctr",
        b"hmac-sha1",
        b"hmac-sha1",
        b"none",
        b"none",
        b"",
        b"",
    ]);
    let talk: Vec<(bool, &[u8])> = vec![
        (false, b"SSH-2.0-OpenSSH_9.6\r\n"),
        (true, b"SSH-2.0-test\r\n"),
        (true, &c),
        (false, &s),
    ];
    let frames = tcp_conversation_to(40022, 22, &talk);
    let tmp = TempDir::new("logs-ssh-cut");
    let file = tmp.path("ssh.pcap");
    write_pcap(&file, &frames);
    let out = run(&["logs", "ssh", "-r", arg(&file)]);
    assert!(out.status.success());
    assert_eq!(
        stderr_lines(&out),
        [format!(
            "wiresift: note: {}: 1 SSH KEXINIT name lists cut at 2048 bytes",
            file.display()
        )]
    );
    let log = parse_tsv("ssh.pcap", "ssh", &common::stdout_of(&out));
    let r = &log.records()[0];
    // The client's kex list is cut before curve25519-sha256: of what is
    // kept, kex1@example.com is the first the server offers.
    assert_eq!(r["kex_alg"], "kex1@example.com");
    assert_eq!(r["cipher_alg"], "aes128-ctr");
    assert!(
        r["hasshAlgorithms"].len() <= 2048 + 40,
        "{}",
        r["hasshAlgorithms"].len()
    );
}

/// A DNS response to a query for `name`: `n` A records, 10.0.x.y.
fn dns_response(id: u16, name: &str, n: u16) -> Vec<u8> {
    let mut r = dns_query(id, name);
    // Flags: a response, recursion desired and available; n answers.
    r[2..4].copy_from_slice(&[0x81, 0x80]);
    r[6..8].copy_from_slice(&n.to_be_bytes());
    for i in 0..n {
        // The question's name (at offset 12), A, IN, TTL 60, 4 bytes.
        r.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0]);
        r.extend_from_slice(&i.to_be_bytes());
    }
    r
}

/// http.log reads a body's length and first bytes, not all of it: a
/// download larger than the most one message may hold whole (16 MiB) is
/// logged with its length and type, like a small page cut into many
/// segments, and a DNS message carried over HTTP (DoH), which dns.log
/// reads, still reaches it whole.
#[test]
fn bodies_are_measured_not_held() {
    let response = |ctype: &str, body: &[u8]| {
        let mut r = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r
    };
    let big = vec![b'z'; (16 << 20) + 5];
    let mut page = b"<html><body>".to_vec();
    page.resize(40_000, b'p');
    // A page of 2 MB, sent gzip-coded: counted and sniffed decoded.
    let rows: String = (0..200_000)
        .map(|i| format!("<p>{}</p>", i % 997))
        .collect();
    let coded_page = format!("<html><body>{rows}</body></html>").into_bytes();
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&coded_page).unwrap();
        e.finish().unwrap()
    };
    let answer = dns_response(0x4242, "doh.example", 100);
    assert!(answer.len() > 1600);
    let talk = [
        (true, b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()),
        (false, response("application/octet-stream", &big)),
        (true, b"GET /page HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()),
        (false, response("text/html", &page)),
        (true, b"GET /page.gz HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()),
        (false, response("text/html\r\nContent-Encoding: gzip", &gz)),
        (
            true,
            b"GET /dns-query?dns=AAAA HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        ),
        (false, response("application/dns-message", &answer)),
    ];
    let talk: Vec<(bool, &[u8])> = talk.iter().map(|(c, m)| (*c, m.as_slice())).collect();
    let tmp = TempDir::new("logs-big-bodies");
    let file = tmp.path("bodies.pcap");
    write_pcap(&file, &tcp_conversation(40100, &talk));
    let dir = tmp.path("logs");
    let out = run(&["logs", "all", "-r", arg(&file), "-o", arg(&dir)]);
    assert!(out.status.success(), "{}", stderr_lines(&out).join("\n"));
    let log = |name: &str| {
        let text = std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap();
        parse_tsv("bodies.pcap", name, &text).records()
    };
    let http = log("http");
    let got: Vec<(&str, &str, &str, &str)> = http
        .iter()
        .map(|r| {
            let f = |k: &str| r[k].as_str();
            (
                f("uri"),
                f("status_code"),
                f("response_body_len"),
                f("resp_mime_types"),
            )
        })
        .collect();
    let len = |b: &[u8]| b.len().to_string();
    let (big_len, page_len, answer_len) = (len(&big), len(&page), len(&answer));
    let coded_len = len(&coded_page);
    // (Ten printable bytes are Zeek's text/plain, its weakest type.)
    assert_eq!(
        got,
        [
            ("/big.bin", "200", big_len.as_str(), "text/plain"),
            ("/page", "200", page_len.as_str(), "text/html"),
            ("/page.gz", "200", coded_len.as_str(), "text/html"),
            ("/dns-query?dns=AAAA", "200", answer_len.as_str(), "-"),
        ]
    );
    let dns = log("dns");
    let doh = dns.iter().find(|r| r["query"] == "doh.example");
    let answers = doh.map(|r| r["answers"].split(',').count());
    assert_eq!(answers, Some(100), "{dns:?}");
}

/// http.log counts a gzip or deflate body decoded, as Zeek does, decoding
/// it as it passes when it is not kept; `export http` decodes whole bodies
/// as tshark does (checked against tshark in `export_http`). On the dev
/// captures with such bodies the two come to the same lengths: every body
/// http.log counts is an exported object of that size, and every object
/// is a body http.log counts.
#[test]
fn coded_bodies_count_what_the_export_decodes() {
    let Some(shared) = shared() else { return };
    let files = [
        "ndpi__http_starting_with_reply.pcapng",
        "ndpi__quickplay.pcap",
        "ndpi__weibo.pcap",
        "pcpp__Examples-Tutorials-Tutorial-PcapFiles-input.pcap",
        "scapy__http_compressed.pcap",
        "scapy__http_content_length.pcap",
        "suricata__base64-decode-5885-input.pcap",
        "suricata__decode-teredo-01-input.pcap",
        "suricata__http-post-data-decompression-input.pcap",
        "zeek__dce-rpc-mapi.pcap",
    ];
    let tmp = TempDir::new("logs-coded-bodies");
    for (k, file) in files.iter().enumerate() {
        let p = shared.join("captures/dev").join(file);
        let dir = tmp.path(&format!("objects-{k}"));
        let out = run(&["export", "http", arg(&dir), "-r", arg(&p)]);
        assert!(out.status.success(), "{file}: {:?}", stderr_lines(&out));
        let mut exported: Vec<u64> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .collect();
        exported.sort_unstable();
        let log = one_log(&shared, file, "http");
        let mut counted: Vec<u64> = ["request_body_len", "response_body_len"]
            .iter()
            .flat_map(|c| log.column(c))
            .map(|v| v.parse::<u64>().unwrap())
            .filter(|&n| n > 0)
            .collect();
        counted.sort_unstable();
        assert_eq!(counted, exported, "{file}");
    }
}

/// Zeek drops a packet whose TCP or UDP checksum is bad once its history
/// notes it: no analyzer reads it. Here the HTTP response and the DNS
/// reply have their checksums spoilt: the logs have the request and the
/// query unanswered (and `c` in the history); with `-C` (`zeek -C`) both
/// are answered.
#[test]
fn packets_with_bad_checksums_reach_no_log_unless_checksums_are_ignored() {
    let mut frames = tcp_conversation(
        40009,
        &[
            (true, b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n"),
            (false, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"),
        ],
    );
    // Ethernet, IPv4 (20 bytes), then the TCP checksum at 16.
    frames[4][14 + 20 + 16] ^= 0xff;
    let mut reply = dns_query(0x4242, "a.example");
    reply[2] = 0x81;
    reply[3] = 0x80;
    frames.push(udp(
        [10, 0, 0, 9],
        3333,
        [10, 0, 0, 5],
        53,
        &dns_query(0x4242, "a.example"),
    ));
    frames.push(udp([10, 0, 0, 5], 53, [10, 0, 0, 9], 3333, &reply));
    // The UDP checksum at 6.
    if let Some(f) = frames.last_mut() {
        f[14 + 20 + 6] ^= 0xff;
    }
    let tmp = TempDir::new("logs-bad-checksum");
    let file = tmp.path("bad.pcap");
    write_pcap(&file, &frames);
    let logs = |more: &[&str]| {
        let dir = tmp.path(&format!("logs{}", more.len()));
        let warned = logs_all_into(&file, &dir, more)
            .iter()
            .any(|l| l.contains("2 of 10 packets had bad IP, TCP or UDP checksums"));
        let read = |path| read_log(&dir, path);
        (read("http"), read("dns"), read("conn"), warned)
    };
    let (http, dns, conn, warned) = logs(&[]);
    // Over 5 % of the packets: Zeek's warning about checksum offloading.
    assert!(warned);
    assert_eq!(http.column("method"), ["GET"]);
    assert_eq!(http.column("status_code"), ["-"]);
    assert_eq!(dns.column("query"), ["a.example"]);
    assert_eq!(dns.column("rcode"), ["-"]);
    let history = conn.column("history");
    // Both spoilt packets came from the responder.
    assert_eq!(
        history.iter().filter(|h| h.contains('c')).count(),
        2,
        "{history:?}"
    );
    let (http, dns, _, warned) = logs(&["-C"]);
    assert!(!warned);
    assert_eq!(http.column("status_code"), ["200"]);
    assert_eq!(dns.column("rcode"), ["0"]);
}

/// One Ethernet frame of an IPv4 packet carrying a TCP segment from `src`
/// port `sport` to `dst` port `dport`: sequence and acknowledgement
/// numbers, flags, payload.
fn segment(
    (src, sport): ([u8; 4], u16),
    (dst, dport): ([u8; 4], u16),
    (seq, ack, flags): (u32, u32, u16),
    payload: &[u8],
) -> Vec<u8> {
    use wiresift_engine::craft::{self, ipproto, Link};
    use wiresift_wire::ethernet::ethertype;
    let lan = Link {
        src: [2, 0, 0, 0, 0, 1],
        dst: [2, 0, 0, 0, 0, 2],
        vlan: None,
    };
    let t = craft::tcp(sport, dport, seq, ack, flags);
    let tcp = craft::tcp_segment(&t, payload, &src, &dst);
    lan.frame(
        ethertype::IPV4,
        &craft::ipv4_packet(craft::ipv4(src, dst, 1, 64), ipproto::TCP, &tcp),
    )
}

/// A TCP SYN from `src` port `sport` to `dst` port 80.
fn syn(src: [u8; 4], sport: u16, dst: [u8; 4]) -> Vec<u8> {
    let flags = wiresift_wire::tcp::flag::SYN;
    segment((src, sport), (dst, 80), (1000, 0, flags), b"")
}

/// An Ethernet frame of an ICMP echo request whose checksum is 0 (wrong:
/// the message's is 0xf7fd).
fn bad_ping(src: [u8; 4], dst: [u8; 4]) -> Vec<u8> {
    use wiresift_engine::craft::{self, ipproto, Link};
    use wiresift_wire::ethernet::ethertype;
    let lan = Link {
        src: [2, 0, 0, 0, 0, 1],
        dst: [2, 0, 0, 0, 0, 2],
        vlan: None,
    };
    let echo = [8, 0, 0, 0, 0, 1, 0, 1];
    lan.frame(
        ethertype::IPV4,
        &craft::ipv4_packet(craft::ipv4(src, dst, 1, 64), ipproto::ICMP, &echo),
    )
}

/// weird.log's checksum weirds, by Zeek's rules (`Weird::actions` in
/// `base/frameworks/notice/weird.zeek`): `bad_TCP_checksum`,
/// `bad_UDP_checksum`, `bad_ICMP_checksum` and `bad_IP_checksum` are
/// logged once per
/// originator address (`ACTION_LOG_PER_ORIG`, and never ignored as
/// repeats); a bad IPv4 header makes no connection, and is Zeek's flow
/// weird: its addresses, ports 0. The same for any number of workers; none
/// with -C.
#[test]
fn checksum_weirds_are_logged_once_per_originator() {
    let (a, b, c, d) = ([10, 0, 0, 1], [10, 0, 0, 2], [10, 0, 0, 3], [10, 0, 0, 4]);
    // Ethernet, IPv4 (20 bytes), then the TCP checksum at 16, UDP's at 6;
    // the IPv4 header's at 10.
    let spoil = |mut f: Vec<u8>, at: usize| {
        f[14 + at] ^= 0xff;
        f
    };
    let frames = vec![
        // Logged: the first bad TCP checksum of originator a.
        spoil(syn(a, 40000, b), 20 + 16),
        // Not: the same originator, on the same and on another connection.
        spoil(syn(a, 40000, b), 20 + 16),
        spoil(syn(a, 40001, c), 20 + 16),
        // Logged: another originator.
        spoil(syn(d, 40002, c), 20 + 16),
        // Logged: other weirds of originator a.
        spoil(udp(a, 5000, b, 53, &dns_query(7, "x.example")), 20 + 6),
        bad_ping(a, b),
        // Logged once: a bad IPv4 header checksum.
        spoil(udp([10, 0, 0, 7], 5001, [10, 0, 0, 8], 53, b"x"), 10),
        spoil(udp([10, 0, 0, 7], 5001, [10, 0, 0, 8], 53, b"x"), 10),
        // Fine.
        syn(b, 40003, c),
    ];
    let tmp = TempDir::new("logs-weird");
    let file = tmp.path("weird.pcap");
    write_pcap(&file, &frames);
    let logs = |more: &[&str]| {
        let dir = tmp.path(&format!("logs-{}", more.join("")));
        logs_all_into(&file, &dir, more);
        (read_log(&dir, "weird"), read_log(&dir, "conn"))
    };
    let (weird, conn) = logs(&["--threads", "1"]);
    let fields = [
        "id.orig_h",
        "id.orig_p",
        "id.resp_h",
        "id.resp_p",
        "name",
        "addl",
        "notice",
        "peer",
        "source",
    ];
    let rows: Vec<String> = weird
        .records()
        .iter()
        .map(|r| fields.map(|k| r[k].as_str()).join(" "))
        .collect();
    assert_eq!(
        rows,
        [
            "10.0.0.1 40000 10.0.0.2 80 bad_TCP_checksum - F zeek TCP",
            "10.0.0.4 40002 10.0.0.3 80 bad_TCP_checksum - F zeek TCP",
            "10.0.0.1 5000 10.0.0.2 53 bad_UDP_checksum - F zeek UDP",
            // Zeek's ICMP ports: the type, and the code.
            "10.0.0.1 8 10.0.0.2 0 bad_ICMP_checksum - F zeek ICMP",
            "10.0.0.7 0 10.0.0.8 0 bad_IP_checksum - F zeek IP",
        ]
    );
    // A connection's weird carries its conn.log uid; the IP weird none.
    let uid_of = |orig_p: &str| {
        conn.records()
            .into_iter()
            .find(|r| r["id.orig_p"] == orig_p)
            .map(|r| r["uid"].clone())
    };
    assert_eq!(
        weird.column("uid"),
        [
            uid_of("40000"),
            uid_of("40002"),
            uid_of("5000"),
            uid_of("8"),
            Some("-".to_owned())
        ]
        .map(|u| u.expect("in conn.log"))
    );
    assert_eq!(logs(&["--threads", "3"]).0.rows, weird.rows);
    assert!(logs(&["-C"]).0.rows.is_empty());
}

/// Zeek's own test of a TCP segment with a bad checksum inside VXLAN
/// (its baseline `core.tunnels.vxlan-inner-tcp-bad-checksum/weird.log`:
/// one `bad_TCP_checksum`, `addl` unset, `source` TCP, on the inner
/// connection).
#[test]
fn weird_of_a_bad_checksum_inside_a_tunnel_is_zeeks() {
    let Some(shared) = shared() else { return };
    let file = "zeek__tunnels-vxlan-inner-tcp-bad-checksum.pcap";
    let weird = one_log_with(&shared, file, "weird", &[]);
    let conn = one_log_with(&shared, file, "conn", &[]);
    let r = weird.records();
    assert_eq!(r.len(), 1, "{:?}", weird.rows);
    assert_eq!(
        [&r[0]["name"], &r[0]["addl"], &r[0]["source"]],
        ["bad_TCP_checksum", "-", "TCP"]
    );
    let inner = conn
        .records()
        .into_iter()
        .find(|c| c["id.resp_p"] == "80")
        .expect("the inner connection");
    assert_eq!(r[0]["uid"], inner["uid"]);
}

/// The UDP connection that carries a tunnel has the tunnel's service, as
/// Zeek's baselines have it: `gtpv1` on port 2152
/// (`core.tunnels.gtp.inner_ipv6/conn.log`), `vxlan` on each of three
/// nested VXLAN tunnels (`core.tunnels.max-depth`), `geneve` (its
/// tunneled-ARP test's conn.log). One with a bad checksum is read no further
/// (`core.tunnels.vxlan-unknown-internal-packet`: `-`).
#[test]
fn a_tunnel_names_its_connection_s_service() {
    let Some(shared) = shared() else { return };
    for (file, want) in [
        ("zeek__tunnels-gtp-gtp7_ipv6.pcap", vec!["2152 gtpv1"]),
        (
            "zeek__tunnels-vxlan-triple-v2.pcap",
            vec!["4789 vxlan", "4789 vxlan", "4789 vxlan"],
        ),
        ("zeek__tunnels-geneve-arp.pcap", vec!["6081 geneve"]),
        ("zeek__tunnels-vxlan-encapsulated-igmp-v2.pcap", vec![]),
    ] {
        let conn = one_log_with(&shared, file, "conn", &[]);
        let got: Vec<String> = conn
            .records()
            .iter()
            .filter(|r| {
                r["proto"] == "udp" && ["2152", "4789", "6081"].contains(&r["id.resp_p"].as_str())
            })
            .filter(|r| r["service"] != "-")
            .map(|r| format!("{} {}", r["id.resp_p"], r["service"]))
            .collect();
        assert_eq!(got, want, "{file}");
    }
}

/// websocket.log and its weird as Zeek's baselines have them: its
/// wstunnel-http test (the protocols the client asked for, the one the
/// server chose; no user agent) and its key-accept-wrong test (the
/// request's user agent, the client's extensions, and the accept the
/// key called for); conn.log's service names both protocols.
#[test]
fn websocket_log_matches_zeek() {
    let Some(shared) = shared() else { return };
    let cols = [
        "id.orig_p",
        "id.resp_p",
        "host",
        "uri",
        "user_agent",
        "subprotocol",
        "client_protocols",
        "server_extensions",
        "client_extensions",
    ];
    let token = "authorization.bearer.eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpZCI6IjAxOGNmZWFiLWY5OWQtNzBmNy05NmFmLTBlOGJhNjk2YTFmNiIsInAiOiJUY3AiLCJyIjoiemVlay5vcmciLCJycCI6ODB9.FsquetBp_jsIDzBslWyyTPlS2hcMprVuWmbT2r57N0A";
    let wstunnel = format!("51102|8888|localhost:8888|/v1/events|-|v1|v1,{token}|-|-");
    for (file, want, weird) in [
        ("zeek__websocket-wstunnel-http.pcap", wstunnel.as_str(), None),
        (
            "zeek__websocket-wrong-accept-header.pcap",
            "53654|8080|localhost:8080|/|Python/3.10 websockets/12.0|v1|v1|-|permessage-deflate; client_max_window_bits",
            Some("expected=N8ntNYkX6Qerw4tK3s/CYzpSZNc=, found=N8ntNYkX6Qerw4tK3s/CYzpSZNc=-wrong"),
        ),
    ] {
        let ws = one_log_with(&shared, file, "websocket", &[]);
        let got: Vec<String> = ws.columns(&cols).iter().map(|r| r.join("|")).collect();
        assert_eq!(got, [want], "{file}");
        let weirds = one_log_with(&shared, file, "weird", &[]).records();
        let got: Vec<(&str, &str)> = weirds
            .iter()
            .map(|r| (r["name"].as_str(), r["addl"].as_str()))
            .collect();
        let want: Vec<(&str, &str)> = weird
            .map(|a| ("websocket_wrong_accept_header", a))
            .into_iter()
            .collect();
        assert_eq!(got, want, "{file}");
        let conn = one_log_with(&shared, file, "conn", &[]).records();
        assert_eq!(conn[0]["service"], "http,websocket", "{file}");
    }
}

/// conn.log's `tunnel_parents` names the tunnel connection right around
/// a connection, as Zeek's baselines link them: the LLMNR query and the
/// router solicitation inside GTP to the GTP connection
/// (`core.tunnels.gtp.inner_ipv6`), and three VXLAN tunnels nested in
/// each other each to the one around it (`core.tunnels.max-depth`).
#[test]
fn tunnel_parents_link_as_zeek_s() {
    let Some(shared) = shared() else { return };
    for (file, want) in [
        (
            "zeek__tunnels-gtp-gtp7_ipv6.pcap",
            vec![
                ("118.92.124.41", None),
                ("fe80::224c:4fff:fe43:414c", Some("118.92.124.41")),
                ("fe80::224c:4fff:fe43:414c", Some("118.92.124.41")),
            ],
        ),
        (
            "zeek__tunnels-vxlan-triple-v2.pcap",
            vec![
                ("1.1.1.1", None),
                ("2.2.2.2", Some("1.1.1.1")),
                ("3.3.3.3", Some("2.2.2.2")),
                ("4.4.4.4", Some("3.3.3.3")),
            ],
        ),
    ] {
        let conn = one_log_with(&shared, file, "conn", &[]);
        let records = conn.records();
        let by_uid: BTreeMap<&str, &str> = records
            .iter()
            .map(|r| (r["uid"].as_str(), r["id.orig_h"].as_str()))
            .collect();
        let mut got: Vec<(&str, Option<&str>)> = records
            .iter()
            .map(|r| {
                let parent = by_uid.get(r["tunnel_parents"].as_str()).copied();
                (r["id.orig_h"].as_str(), parent)
            })
            .collect();
        got.sort();
        let mut want = want;
        want.sort();
        assert_eq!(got, want, "{file}");
    }
}

/// Zeek's baseline of its VXLAN test with a bad UDP checksum outside
/// (`core.tunnels.vxlan-unknown-internal-packet/conn.log`): each of the
/// three datagrams is a connection whose history is `C` and which counts
/// no packet, since Zeek's UDP analyzer returns before the packet reaches
/// the analyzer that counts them.
#[test]
fn a_datagram_with_a_bad_checksum_is_not_counted() {
    let Some(shared) = shared() else { return };
    let file = "zeek__tunnels-vxlan-encapsulated-igmp-v2.pcap";
    let conn = one_log_with(&shared, file, "conn", &[]);
    let cols = [
        "id.orig_h",
        "id.resp_p",
        "conn_state",
        "local_orig",
        "local_resp",
        "history",
        "orig_pkts",
        "orig_ip_bytes",
        "resp_pkts",
        "resp_ip_bytes",
    ];
    let got = conn.columns(&cols);
    let zeek = "172.30.0.1 4789 OTH T T C 0 0 0 0"
        .split(' ')
        .collect::<Vec<_>>();
    assert_eq!(got, [zeek.clone(), zeek.clone(), zeek]);
}

/// Zeek's checksum test traces (its `core.checksums` test: no checksum
/// weird for the good ones): an IPv6 upper layer's checksum covers the
/// final destination a routing header names and the home address of a
/// destination option (RFC 8200 8.1, RFC 6275 6.3), not the header's
/// addresses. A packet with a bad checksum is noted in conn.log's history
/// (`C`), and left out of the logs. tshark, asked to check checksums,
/// judges each packet as the per-packet output does.
#[test]
fn ipv6_checksums_cover_the_final_destination_and_home_address() {
    let Some(shared) = shared() else { return };
    let fields = ["tcp.checksum.status", "udp.checksum.status"];
    for (file, bad) in [
        ("zeek__chksums-ip6-hoa-tcp-good-chksum.pcap", false),
        ("zeek__chksums-ip6-hoa-udp-good-chksum.pcap", false),
        ("zeek__chksums-ip6-route0-tcp-good-chksum.pcap", false),
        ("zeek__chksums-ip6-route0-udp-good-chksum.pcap", false),
        ("zeek__chksums-ip6-hoa-tcp-bad-chksum.pcap", true),
    ] {
        let conn = one_log_with(&shared, file, "conn", &[]);
        let history = conn.column("history");
        assert_eq!(history.len(), 1, "{file}");
        assert_eq!(history[0].contains('C'), bad, "{file}: {history:?}");
        if !tshark_present() {
            continue;
        }
        let p = shared.join("captures/dev").join(file);
        let mut ours = vec!["-r", arg(&p), "-T", "fields"];
        let mut theirs = Command::new("tshark");
        theirs.args(["-n", "-r", arg(&p), "-T", "fields"]);
        theirs.args([
            "-o",
            "tcp.check_checksum:TRUE",
            "-o",
            "udp.check_checksum:TRUE",
        ]);
        for f in fields {
            ours.extend(["-e", f]);
            theirs.args(["-e", f]);
        }
        let theirs = theirs.output().expect("run tshark");
        let ours = run(&ours);
        assert_eq!(
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&theirs.stdout),
            "{file}"
        );
    }
}

/// The weirds Zeek's TCP analyzer raises as it reads a segment
/// (`TCPAnalyzer::DeliverPacket` and its helpers in Zeek 6): a SYN with
/// data (`SYN_with_data`, once per originator), with RST
/// (`TCP_christmas`) or URG (`baroque_SYN`); an ACK from a side that sent
/// a SYN, for data of a peer never seen (`possible_split_routing`, unless
/// the connection had a weird before); a sequence number before the
/// side's first (`TCP_seq_underflow_or_misorder`, which here also keeps
/// the split routing weird of the same segment away), and an
/// acknowledgement before the peer's first
/// (`TCP_ack_underflow_or_misorder`); then those of its state machine
/// (`TCPSessionAdapter::UpdateStateMachine`). A weird the table of actions
/// does not limit is written once per connection every ten minutes
/// (`weird_ignore`).
#[test]
fn tcp_weirds_are_zeeks() {
    use wiresift_wire::tcp::flag::{ACK, FIN, PSH, RST, SYN, URG};
    let b = ([10, 0, 0, 2], 80);
    let (a, c, d) = ([10, 0, 0, 1], [10, 0, 0, 3], [10, 0, 0, 4]);
    let (e, f, g) = ([10, 0, 0, 5], [10, 0, 0, 6], [10, 0, 0, 7]);
    let frames = vec![
        segment((a, 41000), b, (1000, 0, SYN), b"x"),
        segment((a, 41001), b, (1000, 0, SYN | RST), b""),
        segment((a, 41002), b, (1000, 0, SYN | URG), b""),
        segment((c, 42000), b, (1000, 0, SYN), b""),
        segment((c, 42000), b, (1001, 5000, ACK), b""),
        segment((d, 43000), b, (1000, 0, SYN), b""),
        segment((d, 43000), b, (500, 5000, PSH | ACK), b"0123456789"),
        segment((e, 44000), b, (1000, 0, SYN), b""),
        segment(b, (e, 44000), (9000, 1001, SYN | ACK), b""),
        segment((e, 44000), b, (1001, 8000, ACK), b""),
        // The same weird again on its connection: not written.
        segment((e, 44000), b, (1001, 8000, ACK), b""),
        // Three weirds of one segment, in the order Zeek raises them.
        segment((f, 45000), b, (1000, 0, SYN | RST | URG), b"y"),
        // The state machine's: a first packet that is a SYN-ACK from the
        // originator; data, and a FIN, before the handshake; the
        // responder's SYN without ACK, or with an ACK of nothing sent.
        segment((g, 46000), b, (1000, 7, SYN | ACK), b""),
        segment((g, 46001), b, (1000, 0, SYN), b""),
        segment((g, 46001), b, (1001, 5000, PSH | ACK), b"early"),
        segment((g, 46002), b, (1000, 0, SYN), b""),
        segment((g, 46002), b, (1001, 0, FIN), b""),
        segment((g, 46003), b, (1000, 0, SYN), b""),
        segment(b, (g, 46003), (9000, 0, SYN), b""),
        segment((g, 46004), b, (1000, 0, SYN), b""),
        segment(b, (g, 46004), (9000, 7777, SYN | ACK), b""),
    ];
    let tmp = TempDir::new("logs-tcp-weird");
    let file = tmp.path("tcp-weird.pcap");
    write_pcap(&file, &frames);
    let dir = tmp.path("logs");
    logs_all_into(&file, &dir, &[]);
    let weird = read_log(&dir, "weird");
    let rows: Vec<String> = weird
        .records()
        .iter()
        .map(|r| {
            ["id.orig_h", "id.orig_p", "name", "source"]
                .map(|k| r[k].as_str())
                .join(" ")
        })
        .collect();
    assert_eq!(
        rows,
        [
            "10.0.0.1 41000 SYN_with_data TCP",
            "10.0.0.1 41001 TCP_christmas TCP",
            "10.0.0.1 41002 baroque_SYN TCP",
            "10.0.0.3 42000 possible_split_routing TCP",
            "10.0.0.4 43000 TCP_seq_underflow_or_misorder TCP",
            // (Data before the handshake, too.)
            "10.0.0.4 43000 data_before_established TCP",
            "10.0.0.5 44000 TCP_ack_underflow_or_misorder TCP",
            "10.0.0.6 45000 TCP_christmas TCP",
            "10.0.0.6 45000 baroque_SYN TCP",
            "10.0.0.6 45000 SYN_with_data TCP",
            "10.0.0.7 46000 connection_originator_SYN_ack TCP",
            "10.0.0.7 46001 possible_split_routing TCP",
            "10.0.0.7 46001 data_before_established TCP",
            "10.0.0.7 46002 inappropriate_FIN TCP",
            "10.0.0.7 46003 simultaneous_open TCP",
            "10.0.0.7 46004 bad_SYN_ack TCP",
        ]
    );
}
