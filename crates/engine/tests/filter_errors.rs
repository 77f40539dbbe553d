//! Display filters that do not compile: each error names the problem, puts
//! the caret under the right place and suggests a fix where there is one.
//! And `explain` shows the type-checked program.

use wiresift_engine::filter::{Filter, FilterError, Span};

fn err(src: &str) -> FilterError {
    match Filter::compile(src) {
        Ok(f) => panic!("{src:?} compiled:\n{}", f.explain()),
        Err(e) => e,
    }
}

/// The error's message contains `msg`, its place is `at` (the text under
/// the caret), and its hint contains `help` (if given).
fn check(src: &str, msg: &str, at: &str, help: Option<&str>) {
    let e = err(src);
    assert!(
        e.msg.contains(msg),
        "{src:?}: message {:?} lacks {msg:?}",
        e.msg
    );
    let under = &src[e.span.start.min(src.len())..e.span.end.min(src.len())];
    assert_eq!(
        under, at,
        "{src:?}: caret under {under:?}, message {:?}",
        e.msg
    );
    if let Some(h) = help {
        assert!(
            e.help.as_deref().is_some_and(|x| x.contains(h)),
            "{src:?}: hint {:?} lacks {h:?}",
            e.help
        );
    }
}

#[test]
fn unknown_fields_suggest_the_nearest() {
    check(
        "tcp.prot == 80",
        "unknown field 'tcp.prot'",
        "tcp.prot",
        Some("did you mean tcp.port?"),
    );
    check(
        "ip.src == 1.1.1.1 and tcp.prot == 80",
        "unknown field 'tcp.prot'",
        "tcp.prot",
        Some("tcp.port"),
    );
    check(
        "tcp.dstprt",
        "unknown field 'tcp.dstprt'",
        "tcp.dstprt",
        Some("tcp.dstport"),
    );
    check(
        "ip.sr in {1.2.3.4}",
        "unknown field 'ip.sr'",
        "ip.sr",
        Some("ip.src"),
    );
    check(
        "ip.src == ip.dts",
        "'ip.dts' is neither a field nor an ipv4 value",
        "ip.dts",
        Some("ip.dst"),
    );
    check(
        "len(tcp.paylod) > 1",
        "unknown field 'tcp.paylod'",
        "tcp.paylod",
        Some("tcp.payload"),
    );
    check(
        "ip.sorce#2 == 1.2.3.4",
        "unknown field 'ip.sorce'",
        "ip.sorce",
        Some("did you mean"),
    );
    check("Tcp", "unknown field 'Tcp'", "Tcp", Some("tcp"));
    // far from every name: a protocol wiresift does not dissect, or a
    // field of a known protocol that it does not have
    check(
        "radius",
        "unknown field 'radius'",
        "radius",
        Some("wiresift does not dissect 'radius' (yet)"),
    );
    check(
        "sip.Method == \"INVITE\"",
        "unknown field 'sip.Method'",
        "sip.Method",
        Some("does not dissect 'sip'"),
    );
    check(
        "tcp.options.mptcp.subtype",
        "unknown field 'tcp.options.mptcp.subtype'",
        "tcp.options.mptcp.subtype",
        Some("`wiresift fields | grep '^tcp\\.'` lists the fields of tcp"),
    );
}

#[test]
fn the_whole_message_has_the_filter_and_a_caret() {
    let e = err("ip.src == 1.1.1.1 and tcp.prot == 80");
    assert_eq!(
        e.to_string(),
        "unknown field 'tcp.prot'\n    ip.src == 1.1.1.1 and tcp.prot == 80\n                          ^~~~~~~~\n    did you mean tcp.port?"
    );
    // A missing token: the caret stands just past the end.
    let e = err("tcp.port ==");
    assert_eq!(
        e.to_string(),
        format!("{}\n    tcp.port ==\n               ^", e.msg)
    );
    // Columns count characters, not bytes.
    let e = err("tcp.flags.str == \"·S\" and x.y");
    assert_eq!(e.caret(), (26, 3));
}

#[test]
fn type_mismatches() {
    check(
        "ip.src == \"abc\"",
        "a quoted string cannot be an ipv4 value",
        "\"abc\"",
        Some("without quotes"),
    );
    check(
        "ip.src == abc",
        "'abc' is not a valid IPv4 address",
        "abc",
        None,
    );
    check(
        "ip.src == 10.180.256.1",
        "not a valid IPv4 address",
        "10.180.256.1",
        None,
    );
    check("ip.addr == 10.0.0.0/33", "at most 32", "10.0.0.0/33", None);
    check("ipv6.addr == fe80::/129", "at most 128", "fe80::/129", None);
    check("eth.src == 00:1f:5b", "has 3 bytes", "00:1f:5b", None);
    check(
        "eth.src == \"abc\"",
        "cannot be an ether value",
        "\"abc\"",
        None,
    );
    check(
        "tcp.port contains 3",
        "tcp.port is a uint and cannot be used with 'contains'",
        "tcp.port",
        None,
    );
    check(
        "ip.src contains 0a",
        "cannot be used with 'contains'",
        "ip.src",
        None,
    );
    check(
        "tcp.port matches \"3\"",
        "cannot be used with 'matches'",
        "tcp.port",
        None,
    );
    check(
        "tcp.payload matches foo",
        "needs a regular expression in double quotes",
        "foo",
        None,
    );
    check(
        "tcp.payload matches \"(\"",
        "invalid regular expression",
        "\"(\"",
        None,
    );
    check(
        "tcp.payload contains foo",
        "not a valid byte string",
        "foo",
        None,
    );
    check(
        "tcp.port == 1.5",
        "'1.5' is not a valid integer",
        "1.5",
        None,
    );
    check(
        "frame.len == 18446744073709551616",
        "too large",
        "18446744073709551616",
        None,
    );
    check(
        "tcp.flags.syn == true",
        "not a boolean: write True, False, 1 or 0",
        "true",
        None,
    );
    check(
        "ip.src == eth.src",
        "ip.src (ipv4) and eth.src (ether) cannot be compared",
        "ip.src == eth.src",
        None,
    );
    check(
        "udp.length.bad == 1",
        "label with no value",
        "udp.length.bad",
        Some("test its presence alone"),
    );
    check(
        "tcp.port[0:1] == 04",
        "tcp.port is a uint and cannot be sliced",
        "tcp.port",
        None,
    );
    check(
        "tcp.flags.syn & 1",
        "a bool value cannot be used with '&'",
        "&",
        None,
    );
    check(
        "ip.src + 1 == 2",
        "an ipv4 value cannot be used with '+'",
        "+",
        None,
    );
    check(
        "frame.time_relative > \"x\"",
        "cannot be a rel_time value",
        "\"x\"",
        None,
    );
    check("frame.time_relative > 1e3", "not a valid time", "1e3", None);
    check(
        "80 == tcp.port",
        "left side of '==' must be a field",
        "80",
        Some("write the field first"),
    );
    check("1 == 2", "neither side of '==' is a field", "1 == 2", None);
    check("\"abc\"", "a value alone is not a test", "\"abc\"", None);
    check(
        "tcp.port in {80, \"x\"}",
        "cannot be a uint value",
        "\"x\"",
        None,
    );
    check("ip.src#0 == 1.2.3.4", "numbered from 1", "#0", None);
}

#[test]
fn functions() {
    check(
        "lower(tcp.port) == \"a\"",
        "only string fields",
        "tcp.port",
        None,
    );
    check("len(80) > 1", "only fields and protocols", "80", None);
    check(
        "count(\"x\") > 1",
        "only fields and protocols",
        "\"x\"",
        None,
    );
    check(
        "len(tcp.port, ip.src) > 1",
        "takes one argument, not 2",
        "len(tcp.port, ip.src)",
        None,
    );
    check(
        "foo(tcp.port)",
        "function 'foo' does not exist",
        "foo(tcp.port)",
        Some("len(), count(), lower() and upper()"),
    );
}

#[test]
fn syntax_errors() {
    check("tcp.port = 80", "unknown operator '='", "=", Some("'=='"));
    check(
        "tcp.port =! 80",
        "unknown operator '=!'",
        "=!",
        Some("'!='"),
    );
    check(
        "tcp.port <> 80",
        "unknown operator '<>'",
        "<>",
        Some("'!='"),
    );
    check("tcp | udp", "unknown operator '|'", "|", Some("'||'"));
    check(
        "tcp.port == 80 andd ip",
        "'andd' was unexpected",
        "andd",
        Some("did you mean 'and'?"),
    );
    check(
        "tcp.port == 80 AND ip",
        "'AND' was unexpected",
        "AND",
        Some("did you mean 'and'?"),
    );
    check("tcp.port EQ 80", "'EQ' was unexpected", "EQ", Some("'eq'"));
    check("tcp.port == 80)", "')' was unexpected", ")", None);
    check(
        "tcp.port in {80 443}",
        "'443' was unexpected",
        "443",
        Some("separated by commas"),
    );
    check("tcp.port in 80", "'80' was unexpected", "80", None);
    check("tcp.port == and", "'and' was unexpected", "and", None);
    check("eth.src[0:3 == 1", "never closed", "[", None);
    check("eth.src[1:0] == 00", "not a valid range", "[1:0]", None);
    check("x == \"abc", "never closed", "\"abc", None);
    check("x == \"\\q\"", "unknown escape", "\\q", None);
    check("tcp.port == $", "unexpected character '$'", "$", None);
    check("all tcp.port", "'any' or 'all'", "", None);
    let e = err("(tcp.port == 80");
    assert!(e.msg.contains("unexpected end of filter"), "{}", e.msg);
    assert_eq!(e.span, Span::new(15, 16));
    assert!(e
        .help
        .as_deref()
        .is_some_and(|h| h.contains("never closed")));
    let e = err("");
    assert!(e.msg.contains("empty"));
}

fn explain(src: &str) -> String {
    Filter::compile(src)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .explain()
}

#[test]
fn explain_shows_types_and_converted_literals() {
    assert_eq!(
        explain("tcp.port == 443"),
        "== (any occurrence)\n  field tcp.port (uint, in tcp)\n  uint 443\n"
    );
    assert_eq!(
        explain("ip.addr != 10.0.0.0/8"),
        "!= (every occurrence)\n  field ip.addr (ipv4, in ip)\n  ipv4 10.0.0.0/8\n"
    );
    assert_eq!(
        explain("eth.type == 2048 && !arp"),
        "and\n  == (any occurrence)\n    field eth.type (uint, in eth)\n    uint 2048\n  not\n    exists\n      protocol arp\n"
    );
    assert_eq!(
        explain("eth.src[0:3] == 00-1f-5b"),
        "== (any occurrence)\n  slice [0:3] (bytes)\n    field eth.src (ether, in eth)\n  bytes 00:1f:5b\n"
    );
    assert_eq!(
        explain("frame.time_relative > 1.5"),
        "> (any occurrence)\n  field frame.time_relative (rel_time, in frame)\n  seconds 1.500000000\n"
    );
    assert_eq!(
        explain("tcp.flags.syn == True"),
        "== (any occurrence)\n  field tcp.flags.syn (bool, in tcp)\n  bool True\n"
    );
    assert_eq!(
        explain("ip.proto == '\\x11'"),
        "== (any occurrence)\n  field ip.proto (uint, in ip)\n  uint 17\n"
    );
    assert_eq!(
        explain("frame.len > -1"),
        "> (any occurrence)\n  field frame.len (uint, in frame)\n  nothing (a negative number is never an unsigned field's value)\n"
    );
    let x = explain(
        "tcp.port in {80, 8000..8080} or tcp.payload matches \"^GET\" xor ip.src#2 == 1.2.3.4",
    );
    for want in [
        "or\n",
        "in (any occurrence)",
        "range (inclusive)",
        "uint 8000",
        "matches (any occurrence, case-insensitive)",
        "regex \"^GET\"",
        "xor\n",
        "field ip.src (ipv4, in ip) layers [2:1]",
    ] {
        assert!(x.contains(want), "{want:?} not in\n{x}");
    }
    let x = explain("all tcp.port > 1024 and len(tcp.payload) > 3 and lower(ip.src_host) contains \"x\" and {tcp.srcport + 1} * 2 == 4");
    for want in [
        "> (every occurrence)",
        "len (uint)",
        "lower (string)",
        "string \"x\"",
        "*\n",
        "+\n",
    ] {
        assert!(x.contains(want), "{want:?} not in\n{x}");
    }
}

#[test]
fn every_literal_form_compiles() {
    for src in [
        "frame.len > 10",
        "frame.len > 012",
        "frame.len > 0xa",
        "frame.len > 0b1010",
        "frame.len > '\\n'",
        "frame.len > '\\x0a'",
        "frame.len > '\\012'",
        "eth.dst == ff:ff:ff:ff:ff:ff",
        "eth.dst == ff-ff-ff-ff-ff-ff",
        "eth.dst == ff.ff.ff.ff.ff.ff",
        "eth.dst == ffff.ffff.ffff",
        "eth.dst == ffffffffffff",
        "tcp.payload contains 47.45.54",
        "tcp.payload contains \"GET\"",
        "tcp.payload contains r\"\\d\"",
        "tcp.payload[0] == 0xff",
        "tcp.payload[0] == 5",
        "ipv6.addr == 2001:db8::1",
        "ipv6.addr == ::ffff:1.2.3.4",
        "ip.addr == 192.168.0.0/16",
        "tcp.flags.str == \"\\u00b7\"",
        "tcp.flags.syn == FALSE",
        "tcp.flags.syn == 0",
        "radiotap.dbm_antsignal < -70",
        "radiotap.datarate > 5.5",
        "frame.time_epoch > 1500000000.25",
        "frame.time_delta in {0 .. 0.001}",
    ] {
        if let Err(e) = Filter::compile(src) {
            panic!("{src}: {e}");
        }
    }
}
