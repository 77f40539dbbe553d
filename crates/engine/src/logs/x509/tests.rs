use super::*;
use crate::logs::apps::testing::{Rows, SEC};
use crate::logs::{emit, Format, Writer};

fn cert() -> Cert {
    Cert {
        version: 3,
        serial: "01".into(),
        subject: "CN=a".into(),
        issuer: "CN=b".into(),
        // 9999-12-31 23:59:59Z: past what nanoseconds in an i64 hold.
        not_before: -1,
        not_after: 253_402_300_799,
        key_alg: "rsaEncryption".into(),
        sig_alg: "sha256WithRSAEncryption".into(),
        key: None,
        san: Some(San {
            dns: vec!["a".into()],
            ..San::default()
        }),
        basic: None,
        host_names: vec!["a".into()],
    }
}

fn rec(ts_ns: i64, fingerprint: &str, host_cert: bool, client_cert: bool) -> X509 {
    X509 {
        ts_ns,
        fingerprint: fingerprint.into(),
        cert: cert(),
        host_cert,
        client_cert,
    }
}

#[test]
fn times_far_away_and_empty_lists() {
    let mut rows = Rows::default();
    emit(&rec(SEC, "aa", true, false), &mut rows).expect("sink");
    rows.check(
        "x509",
        0,
        &[
            ("certificate.not_valid_before", "-1.000000"),
            ("certificate.not_valid_after", "253402300799.000000"),
            ("certificate.key_type", "-"),
            ("san.dns", "a"),
            // A subjectAltName without such names: unset, not empty.
            ("san.uri", "-"),
            ("san.ip", "-"),
            ("basic_constraints.ca", "-"),
        ],
    );
    // JSON: times are numbers, unset fields are left out.
    let mut w = Writer::new(Vec::new(), &SCHEMA, Format::Json, 0).expect("writer");
    let (r, mut values) = (rec(SEC, "aa", true, false), Vec::new());
    r.values(&mut values);
    let mut line = Vec::new();
    w.format(&values, &mut line);
    let line = String::from_utf8(line).expect("UTF-8");
    assert!(
        line.contains("\"certificate.not_valid_after\":253402300799.0"),
        "{line}"
    );
    assert!(
        line.contains("\"certificate.not_valid_before\":-1.0"),
        "{line}"
    );
    assert!(!line.contains("san.uri"), "{line}");
    // What the once-a-day rule reads of the values.
    assert_eq!(key(&values), Some((SEC, &b"aa"[..], true, false)));
    assert_eq!(key(&values[..5]), None);
}

#[test]
fn logged_once_a_day_per_fingerprint_and_role() {
    let mut k = Known::default();
    let day = 86_400 * SEC;
    let admitted: Vec<bool> = [
        (SEC, "aa", true, false),
        // The same certificate again: not logged.
        (2 * SEC, "aa", true, false),
        // In another role, or another certificate: logged.
        (3 * SEC, "aa", false, false),
        (4 * SEC, "aa", true, true),
        (5 * SEC, "bb", true, false),
        // A day after it was logged: logged again, and a day from then.
        (SEC + day, "aa", true, false),
        (SEC + day + 1, "aa", true, false),
    ]
    .iter()
    .map(|&(ts, fp, host, client)| k.admit(ts, fp.as_bytes(), host, client))
    .collect();
    assert_eq!(admitted, [true, false, true, true, true, true, false]);
    assert_eq!(k.0.stats.repeated, 2);
}
