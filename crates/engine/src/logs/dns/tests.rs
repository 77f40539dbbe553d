use super::*;
use crate::logs::apps::testing::{conn, frame, hex, Rows, SEC};
use crate::logs::apps::ConnRef;

/// arkime dns-mx.pcap: a query for mx.com MX and its reply (two MX
/// answers, two NS in authority, two A in additional).
const MX_QUERY: &str = "4c1701000001000000000000026d7803636f6d00000f0001";
const MX_REPLY: &str = "4c1781800001000200020002026d7803636f6d00000f0001c00c000f000100000e10001c000a08636c7573746572350275730b6d6573736167656c616273c00fc00c000f000100000e10000e001409636c75737465723561c02fc00c0002000100000e10001504646e73320d737461626c657472616e736974c00fc00c0002000100000e10000704646e7331c06bc06600010001000005160004413dbc04c0870001000100000de7000445145f04";
/// arkime dns-error.pcap: no.such.host A, answered NXDOMAIN with an SOA in
/// the authority section.
const NX_QUERY: &str = "a9ba01000001000000000000026e6f047375636804686f73740000010001";
const NX_REPLY: &str = "a9ba85830001000000010000026e6f047375636804686f7374000001000100000600010000012c004001610c726f6f742d73657276657273036e657400056e73746c640c766572697369676e2d67727303636f6d00780bacfd000007080000038400093a8000015180";

fn udp() -> ConnRef {
    conn(false, 0, ("10.180.156.185", 51427), ("10.2.95.39", 53))
}

fn msg(h: &str) -> Msg {
    let b = hex(h);
    let v = DnsView::new(&b).expect("a DNS message");
    Msg::read(&v, true)
}

fn feed(t: &mut Tracker, rows: &mut Rows, c: &ConnRef, ts: i64, h: &str) {
    let f = frame(c, ts, true);
    t.message(&f, msg(h), rows).expect("vec sink");
}

#[test]
fn query_and_reply_make_one_record() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), udp());
    let t0 = 1_386_104_996_973_318_000;
    feed(&mut t, &mut rows, &c, t0, MX_QUERY);
    assert_eq!(rows.count("dns"), 0, "waits for the reply");
    feed(&mut t, &mut rows, &c, t0 + 82_653_000, MX_REPLY);
    assert_eq!(rows.count("dns"), 1);
    let g = |k: &str| rows.get("dns", 0, k);
    rows.check(
        "dns",
        0,
        &[
            ("ts", "1386104996.973318"),
            ("uid", "Ctest0"),
            ("id.orig_h", "10.180.156.185"),
            ("id.resp_p", "53"),
            ("proto", "udp"),
            ("trans_id", "19479"),
            ("rtt", "0.082653"),
            ("query", "mx.com"),
            ("qclass", "1"),
            ("qclass_name", "C_INTERNET"),
            ("qtype", "15"),
            ("qtype_name", "MX"),
            ("rcode", "0"),
            ("rcode_name", "NOERROR"),
        ],
    );
    assert_eq!(
        [g("AA"), g("TC"), g("RD"), g("RA"), g("Z")],
        ["F", "F", "T", "T", "0"]
    );
    // The answer section only (not the NS and A records after it).
    rows.check(
        "dns",
        0,
        &[
            (
                "answers",
                "cluster5.us.messagelabs.com,cluster5a.us.messagelabs.com",
            ),
            ("TTLs", "3600.000000,3600.000000"),
            ("rejected", "F"),
        ],
    );
    assert_eq!(t.pending(), 0);
    assert_eq!(t.stats.records, 1);
    // Nothing waits, so nothing of the connection is kept until it ends.
    assert!(t.conns.is_empty());
}

#[test]
fn nxdomain_has_no_answers_and_no_rtt() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), udp());
    feed(&mut t, &mut rows, &c, 10 * SEC, NX_QUERY);
    feed(&mut t, &mut rows, &c, 11 * SEC, NX_REPLY);
    rows.check(
        "dns",
        0,
        &[
            ("query", "no.such.host"),
            ("rcode", "3"),
            ("rcode_name", "NXDOMAIN"),
            // Zeek sets the rtt, AA and RA from answers only.
            ("rtt", "-"),
            ("AA", "F"),
            ("RA", "F"),
            ("answers", "-"),
            ("TTLs", "-"),
            ("rejected", "F"),
        ],
    );
}

#[test]
fn unanswered_query_is_written_when_the_connection_ends() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), udp());
    feed(&mut t, &mut rows, &c, SEC, MX_QUERY);
    assert_eq!(t.pending(), 1);
    t.conn_ended(c.id, &mut rows).expect("sink");
    assert_eq!(rows.count("dns"), 1);
    rows.check(
        "dns",
        0,
        &[("query", "mx.com"), ("rcode", "-"), ("answers", "-")],
    );
    assert_eq!(t.pending(), 0);
}

#[test]
fn a_pair_leaves_what_still_waits_on_its_connection() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), udp());
    feed(&mut t, &mut rows, &c, SEC, MX_QUERY);
    feed(&mut t, &mut rows, &c, SEC, NX_QUERY);
    feed(&mut t, &mut rows, &c, 2 * SEC, MX_REPLY);
    assert_eq!((rows.count("dns"), t.pending()), (1, 1));
    t.conn_ended(c.id, &mut rows).expect("sink");
    assert_eq!(rows.count("dns"), 2);
    rows.check("dns", 1, &[("query", "no.such.host"), ("rcode", "-")]);
    assert!(t.conns.is_empty());
}

#[test]
fn reply_before_query_waits_for_it() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), udp());
    feed(&mut t, &mut rows, &c, 5 * SEC, MX_REPLY);
    assert_eq!(rows.count("dns"), 0);
    feed(&mut t, &mut rows, &c, 6 * SEC, MX_QUERY);
    assert_eq!(rows.count("dns"), 1);
    // The record began with the reply: its time, and no round trip (the
    // reply came at the record's own start).
    rows.check(
        "dns",
        0,
        &[
            ("ts", "5.000000"),
            ("rtt", "-"),
            ("query", "mx.com"),
            ("qtype_name", "MX"),
            ("RD", "T"),
        ],
    );
}

#[test]
fn reply_alone_takes_its_query_name_from_the_first_answer() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), udp());
    feed(&mut t, &mut rows, &c, SEC, MX_REPLY);
    t.finish(&mut rows).expect("sink");
    assert_eq!(rows.count("dns"), 1);
    rows.check(
        "dns",
        0,
        &[
            ("query", "mx.com"),
            ("qtype", "-"),
            ("rcode_name", "NOERROR"),
        ],
    );
}

#[test]
fn same_id_pairs_first_come_first_served() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), udp());
    feed(&mut t, &mut rows, &c, SEC, MX_QUERY);
    feed(&mut t, &mut rows, &c, 2 * SEC, MX_QUERY);
    feed(&mut t, &mut rows, &c, 3 * SEC, MX_REPLY);
    assert_eq!(rows.count("dns"), 1);
    assert_eq!(rows.get("dns", 0, "ts"), "1.000000");
    assert_eq!(rows.get("dns", 0, "rtt"), "2.000000");
    feed(&mut t, &mut rows, &c, 4 * SEC, MX_REPLY);
    assert_eq!(rows.get("dns", 1, "ts"), "2.000000");
    assert_eq!(rows.get("dns", 1, "rtt"), "2.000000");
}

#[test]
fn names_are_lower_cased() {
    let q = MX_QUERY.replace("026d7803636f6d", "024d5803436f4d");
    let m = msg(&q);
    assert_eq!(m.question.expect("a question").name, b"mx.com");
}

#[test]
fn empty_reply_is_rejected() {
    // The query with QR set and REFUSED: a question, no records at all.
    let r = MX_QUERY.replacen("0100", "8105", 1);
    let m = msg(&r);
    assert!(m.rejected);
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), udp());
    feed(&mut t, &mut rows, &c, SEC, MX_QUERY);
    feed(&mut t, &mut rows, &c, 2 * SEC, &r);
    assert_eq!(rows.get("dns", 0, "rcode_name"), "REFUSED");
    assert_eq!(rows.get("dns", 0, "rejected"), "T");
}

#[test]
fn other_opcodes_are_not_followed() {
    // arkime dns-notify.pcap's NOTIFY (opcode 4).
    let notify = MX_QUERY.replacen("0100", "2000", 1);
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), udp());
    feed(&mut t, &mut rows, &c, SEC, &notify);
    t.finish(&mut rows).expect("sink");
    assert_eq!(rows.count("dns"), 0);
    assert_eq!(t.stats.other_opcode, 1);
}

#[test]
fn over_tcp_with_its_length_prefix() {
    let c = conn(true, 3, ("10.0.0.1", 40000), ("10.0.0.2", 53));
    let mut b = hex(MX_QUERY);
    b.splice(0..0, [0, b.len() as u8]);
    let v = DnsView::new_tcp(&b).expect("DNS over TCP");
    let (mut t, mut rows) = (Tracker::default(), Rows::default());
    let f = frame(&c, SEC, true);
    t.message(&f, Msg::read(&v, true), &mut rows).expect("sink");
    t.conn_ended(c.id, &mut rows).expect("sink");
    assert_eq!(rows.get("dns", 0, "proto"), "tcp");
    assert_eq!(rows.get("dns", 0, "query"), "mx.com");
}

#[test]
fn txt_and_unknown_types_are_summarised_as_zeek_does() {
    // A reply to "t" TXT with a TXT answer of two strings and a NULL one.
    let mut b = hex("000181800001000200000000");
    b.extend(hex("01740000100001"));
    b.extend(hex("c00c0010000100000e100006036162630178"));
    b.extend(hex("c00c000a0001000000050002beef"));
    let v = DnsView::new(&b).expect("DNS");
    let m = Msg::read(&v, true);
    assert!(m.confirmed);
    let replies: Vec<&[u8]> = m.answers.iter().collect();
    assert_eq!(replies, [&b"TXT 3 abc TXT 1 x"[..], b"<unknown type=10>"]);
    assert_eq!(m.ttls, [3_600_000_000_000, 5_000_000_000]);
}

#[test]
fn too_many_pending_ids_are_written_out() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), udp());
    for id in 0..52u16 {
        let q = format!("{id:04x}{}", &MX_QUERY[4..]);
        feed(&mut t, &mut rows, &c, SEC + i64::from(id), &q);
    }
    // Zeek gives up on all 51 waiting ids when a 52nd comes.
    assert_eq!(rows.count("dns"), 51);
    assert_eq!(t.pending(), 1);
    assert_eq!(t.stats.flushed, 51);
}

#[test]
fn hostile_messages_do_not_panic() {
    let mut next = crate::logs::apps::testing::xorshift(0x1234_5678_u32);
    let base = hex(MX_REPLY);
    for _ in 0..5000 {
        let mut b = base.clone();
        for _ in 0..(next() % 8) {
            let i = next() as usize % b.len();
            b[i] = next() as u8;
        }
        b.truncate(12 + next() as usize % (b.len() - 11));
        if let Ok(v) = DnsView::new(&b) {
            let _ = Msg::read(&v, true);
        }
    }
}
