//! ssl.log, x509.log and conn.log's service for DTLS, on Zeek's own DTLS
//! test captures, against what Zeek's baselines say.

mod common;
use common::{arg, run, shared, stderr_lines, stdout_of};
use std::path::Path;

/// The rows of one log of `file` as field → value maps.
fn log(shared: &Path, file: &str, path: &str) -> Vec<Vec<(String, String)>> {
    let p = shared.join("captures/dev").join(file);
    let out = run(&["logs", path, "-r", arg(&p)]);
    assert!(out.status.success(), "{file}: {:?}", stderr_lines(&out));
    let text = stdout_of(&out);
    let fields: Vec<String> = text
        .lines()
        .find_map(|l| l.strip_prefix("#fields\t"))
        .unwrap_or_else(|| panic!("{file} {path}: no #fields"))
        .split('\t')
        .map(str::to_owned)
        .collect();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            fields
                .iter()
                .cloned()
                .zip(l.split('\t').map(str::to_owned))
                .collect()
        })
        .collect()
}

fn get<'a>(row: &'a [(String, String)], name: &str) -> &'a str {
    row.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no field {name}"))
}

/// zeek__tls-webrtc-stun.pcap: STUN, then a DTLS 1.0 handshake whose
/// ClientHello comes from the responder. Expected values from Zeek's
/// baseline testing/btest/Baseline/scripts.base.protocols.ssl.dtls-stun-dpd/ssl.log
/// (zeek/zeek), whose `ts` is masked there; the ClientHello's time here.
#[test]
fn webrtc_stun_ssl_log_is_zeeks() {
    let Some(shared) = shared() else {
        return;
    };
    let file = "zeek__tls-webrtc-stun.pcap";
    let rows = log(&shared, file, "ssl");
    assert_eq!(rows.len(), 1, "{rows:?}");
    let r = &rows[0];
    let want = [
        ("ts", "1463527314.688817"),
        ("id.orig_h", "192.168.6.82"),
        ("id.orig_p", "51462"),
        ("id.resp_h", "74.201.205.9"),
        ("id.resp_p", "43044"),
        ("version", "DTLSv10"),
        ("cipher", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
        ("curve", "secp256r1"),
        ("server_name", "-"),
        ("resumed", "F"),
        ("last_alert", "-"),
        ("next_protocol", "-"),
        ("established", "T"),
        (
            "cert_chain_fps",
            "d0f7ee6396c98da4e74888006af667bfeaecc8cd1babb67e900558a9bd649b9f",
        ),
        (
            "client_cert_chain_fps",
            "968126882d68eb80b03392edb9cce7260eec15a04b206ddfb5231449b5aaaa2f",
        ),
        (
            "subject",
            "CN=mantis.tokbox.com,O=Tokbox,L=San Francisco,ST=California,C=US",
        ),
        (
            "issuer",
            "CN=mantis.tokbox.com,O=Tokbox,L=San Francisco,ST=California,C=US",
        ),
        ("client_subject", "CN=a"),
        ("client_issuer", "CN=a"),
    ];
    for (k, v) in want {
        assert_eq!(get(r, k), v, "{file}: {k}");
    }
    // Not in that baseline (Zeek's ssl_history and the JA3/JA4 packages'
    // columns): what the messages give, the ClientHello from the
    // responder marked `^`.
    assert_eq!(get(r, "ssl_history"), "^CsxkrnXGYIi");
    assert!(get(r, "ja4").starts_with("dd1i"), "{}", get(r, "ja4"));
    // x509.log: both certificates, the originator's as the client's.
    let certs = log(&shared, file, "x509");
    assert_eq!(certs.len(), 2, "{certs:?}");
    let conn = log(&shared, file, "conn");
    assert_eq!(conn.len(), 1);
    assert_eq!(get(&conn[0], "service"), "dtls");
}

/// zeek__tls-dtls-sequence-number-jumps.pcap: a ClientHello in three
/// fragments whose records' sequence numbers jump by 128. Zeek's baseline
/// testing/btest/Baseline/scripts.base.protocols.ssl.dtls-sequence-number-jumps/analyzer_debug.log
/// (zeek/zeek) shows a protocol violation ("DTLS handshake fragment
/// sequence number outside reassembly window.") and the DTLS analyzer
/// disabled: no hello is ever read, so no ssl.log record and no service.
#[test]
fn sequence_number_jumps_are_a_violation() {
    let Some(shared) = shared() else {
        return;
    };
    let file = "zeek__tls-dtls-sequence-number-jumps.pcap";
    assert!(log(&shared, file, "ssl").is_empty());
    let conn = log(&shared, file, "conn");
    assert_eq!(conn.len(), 1);
    assert_eq!(get(&conn[0], "service"), "-");
}
