use super::*;

static TEST: Schema = Schema {
    path: "test",
    fields: &[
        Field {
            name: "ts",
            ty: Type::Time,
        },
        Field {
            name: "s",
            ty: Type::String,
        },
        Field {
            name: "n",
            ty: Type::Count,
        },
        Field {
            name: "b",
            ty: Type::Bool,
        },
        Field {
            name: "d",
            ty: Type::Interval,
        },
        Field {
            name: "set",
            ty: Type::StringSet,
        },
    ],
};

fn row(format: Format, values: &[Value<'_>]) -> String {
    let mut w = Writer::new(Vec::new(), &TEST, format, 0).expect("vec");
    w.write(values).expect("vec");
    let out = w.close(86_400 + 3661).expect("vec");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn tsv_has_zeek_header_and_close() {
    let text = row(
        Format::Tsv,
        &[
            Value::Time(1_389_719_041_819_644_000),
            Value::str("GET"),
            Value::Count(7),
            Value::Bool(true),
            Value::Interval(8_303_572_000),
            Value::Strings(vec![]),
        ],
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "#separator \\x09");
    assert_eq!(lines[1], "#set_separator\t,");
    assert_eq!(lines[2], "#empty_field\t(empty)");
    assert_eq!(lines[3], "#unset_field\t-");
    assert_eq!(lines[4], "#path\ttest");
    assert_eq!(lines[5], "#open\t1970-01-01-00-00-00");
    assert_eq!(lines[6], "#fields\tts\ts\tn\tb\td\tset");
    assert_eq!(
        lines[7],
        "#types\ttime\tstring\tcount\tbool\tinterval\tset[string]"
    );
    assert_eq!(lines[8], "1389719041.819644\tGET\t7\tT\t8.303572\t(empty)");
    assert_eq!(lines[9], "#close\t1970-01-02-01-01-01");
    assert_eq!(lines.len(), 10);
}

#[test]
fn tsv_escapes_like_zeek() {
    let text = row(
        Format::Tsv,
        &[
            Value::Unset,
            Value::Str(Cow::Borrowed(b"a\tb\xffc\xc3\xa9")),
            Value::Unset,
            Value::Bool(false),
            Value::Unset,
            Value::Strings(vec![Cow::Borrowed(b"x,y"), Cow::Borrowed(b"-")]),
        ],
    );
    let line = text.lines().nth(8).expect("a record");
    assert_eq!(line, "-\ta\\x09b\\xffc\u{e9}\t-\tF\t-\tx\\x2cy,\\x2d");
    // Strings that look like the unset or empty markers are escaped.
    let mut out = Vec::new();
    tsv_str(b"-", false, &mut out);
    tsv_str(b"(empty)", false, &mut out);
    tsv_str(b"", false, &mut out);
    assert_eq!(out, b"\\x2d\\x28empty)(empty)");
}

#[test]
fn json_leaves_out_unset_fields() {
    let text = row(
        Format::Json,
        &[
            Value::Time(1_389_719_041_819_644_000),
            Value::Str(Cow::Borrowed(b"q\"\\\n\xff")),
            Value::Unset,
            Value::Bool(false),
            Value::Interval(1_000_000_000),
            Value::Strings(vec![Cow::Borrowed(b"a")]),
        ],
    );
    assert_eq!(
        text,
        "{\"ts\":1389719041.819644,\"s\":\"q\\\"\\\\\\n\\\\xff\",\"b\":false,\"d\":1.0,\"set\":[\"a\"]}\n"
    );
}

#[test]
fn times_are_microseconds() {
    let mut out = Vec::new();
    tsv_value(&Value::Time(1_999_999), &mut out);
    out.push(b' ');
    tsv_value(&Value::Interval(-1_500_000_000), &mut out);
    out.push(b' ');
    json_value(&Value::Interval(2_000), &mut out);
    assert_eq!(out, b"0.001999 -1.500000 0.000002");
}

/// Against the standard formatting, over every fraction digit pattern
/// and the signs and magnitudes around it.
#[test]
fn fixed6_is_the_standard_six_decimals() {
    let reference = |us: i64| {
        let a = us.unsigned_abs();
        let sign = if us < 0 { "-" } else { "" };
        format!("{sign}{}.{:06}", a / 1_000_000, a % 1_000_000)
    };
    let mut out = Vec::new();
    let mut check = |us: i64| {
        out.clear();
        fixed6(us, &mut out);
        assert_eq!(String::from_utf8_lossy(&out), reference(us), "{us}");
    };
    for f in (0..1_000_000)
        .step_by(7)
        .chain([1, 9, 10, 99, 100, 999_999])
    {
        for secs in [0i64, 1, 59, 1_389_719_041] {
            check(secs * 1_000_000 + f);
            check(-(secs * 1_000_000 + f));
        }
    }
    check(i64::MAX);
    check(i64::MIN);
}

#[test]
fn header_time_is_a_utc_date() {
    assert_eq!(header_time(0), "1970-01-01-00-00-00");
    assert_eq!(header_time(951_782_400), "2000-02-29-00-00-00");
    assert_eq!(header_time(1_700_000_000), "2023-11-14-22-13-20");
}

#[test]
fn every_schema_is_listed_once() {
    for (i, s) in ALL.iter().enumerate() {
        assert_eq!(schema(s.path).map(|x| x.path), Some(s.path));
        assert!(ALL.iter().skip(i + 1).all(|o| o.path != s.path));
    }
}

#[test]
fn json_vectors_are_arrays() {
    let mut out = Vec::new();
    let values = [
        Value::Strings(vec![Cow::Borrowed(b"a"), Cow::Borrowed(b"b\"")]),
        Value::Intervals(Cow::Borrowed(&[1_000_000_000, 2_000_000_000])),
        Value::Addrs(vec![
            [10, 0, 0, 1].into(),
            std::net::Ipv6Addr::LOCALHOST.into(),
        ]),
        Value::Counts(Cow::Borrowed(&[1, 22, 333])),
        Value::Counts(Cow::Borrowed(&[])),
    ];
    for v in &values {
        json_value(v, &mut out);
        out.push(b' ');
    }
    assert_eq!(
        String::from_utf8_lossy(&out),
        "[\"a\",\"b\\\"\"] [1.0,2.0] [\"10.0.0.1\",\"::1\"] [1,22,333] [] "
    );
}

/// A byte that needs no escape in a TSV field: printable ASCII other than
/// `\` (and `,` in a set).
fn plain_byte(c: u8, in_set: bool) -> bool {
    (0x20..0x7f).contains(&c) && c != b'\\' && !(in_set && c == b',')
}

#[test]
fn word_check_agrees_with_byte_by_byte() {
    // Every byte at every place of texts of 1 to 17 bytes (tails of every
    // length, alone and after words), among plain bytes at the edges of
    // the printable range.
    for in_set in [false, true] {
        for fill in [b'a', 0x20, 0x7e] {
            for len in 1..=17 {
                for b in 0..=255u8 {
                    for at in 0..len {
                        let mut s = vec![fill; len];
                        s[at] = b;
                        let each = s.iter().all(|&c| plain_byte(c, in_set));
                        assert_eq!(
                            plain(&s, in_set),
                            each,
                            "{b:#04x} at {at} of {len} in {fill:#04x}s"
                        );
                    }
                }
            }
        }
    }
    assert!(plain(b"", false));
}
