use super::*;
use crate::logs::apps::testing::{conn, frame, hex, Rows, SEC};
use crate::logs::apps::ConnRef;

/// gopacket le-test001.pcapng: DISCOVER and OFFER of xid 0x3d1d (BOOTP
/// header, 192 zero bytes of sname/file, cookie, options).
fn discover() -> Vec<u8> {
    dhcp(
        "0101060000003d1d0000000000000000000000000000000000000000000b8201fc42",
        "3501013d0701000b8201fc4232040000000037040103062aff",
    )
}

fn offer() -> Vec<u8> {
    dhcp(
        "0201060000003d1d0000000000000000c0a8000ac0a8000100000000000b8201fc42",
        "3501020104ffffff003a04000007083b0400000c4e330400000e103604c0a80001ff",
    )
}

/// A message from its first 34 header bytes and its options.
fn dhcp(head: &str, options: &str) -> Vec<u8> {
    let mut b = hex(head);
    b.resize(236, 0);
    b.extend([99, 130, 83, 99]);
    b.extend(hex(options));
    b
}

fn msg(b: &[u8]) -> Msg {
    Msg::read(&DhcpView::new(b).expect("DHCP")).expect("with a cookie")
}

/// The client's broadcast, and the server's unicast answer (Zeek flips it:
/// the client's port 68 side is the originator).
fn client_bcast() -> ConnRef {
    conn(false, 0, ("0.0.0.0", 68), ("255.255.255.255", 67))
}

fn server_unicast() -> ConnRef {
    conn(false, 1, ("192.168.0.10", 68), ("192.168.0.1", 67))
}

fn feed(t: &mut Tracker, rows: &mut Rows, c: &ConnRef, from_orig: bool, ts: i64, b: &[u8]) {
    let f = frame(c, ts, from_orig);
    t.message(&f, msg(b), rows).expect("sink");
}

#[test]
fn discover_and_offer_make_one_record() {
    let (mut t, mut rows) = (Tracker::default(), Rows::default());
    feed(
        &mut t,
        &mut rows,
        &client_bcast(),
        true,
        100 * SEC,
        &discover(),
    );
    feed(
        &mut t,
        &mut rows,
        &server_unicast(),
        false,
        100 * SEC + 250_000_000,
        &offer(),
    );
    t.finish(&mut rows).expect("sink");
    assert_eq!(rows.count("dhcp"), 1);
    rows.check(
        "dhcp",
        0,
        &[
            ("ts", "100.000000"),
            ("uids", "Ctest0,Ctest1"),
            // The client sent from 0.0.0.0: its address is the one assigned.
            ("client_addr", "192.168.0.10"),
            ("server_addr", "192.168.0.1"),
            // From the client identifier (hardware type 1).
            ("mac", "00:0b:82:01:fc:42"),
            ("host_name", "-"),
            ("requested_addr", "0.0.0.0"),
            ("assigned_addr", "192.168.0.10"),
            ("lease_time", "3600.000000"),
            ("msg_types", "DISCOVER,OFFER"),
            ("duration", "0.250000"),
        ],
    );
}

#[test]
fn quiet_exchange_is_written_at_zeeks_expiry_check() {
    let (mut t, mut rows) = (Tracker::default(), Rows::default());
    feed(
        &mut t,
        &mut rows,
        &client_bcast(),
        true,
        100 * SEC,
        &discover(),
    );
    // Quiet for 6 s, but Zeek first looks 10 s after the start.
    t.tick(106 * SEC, &mut rows).expect("sink");
    assert_eq!(rows.count("dhcp"), 0);
    t.tick(110 * SEC, &mut rows).expect("sink");
    assert_eq!(rows.count("dhcp"), 1);
    assert_eq!(rows.get("dhcp", 0, "msg_types"), "DISCOVER");
}

#[test]
fn busy_exchange_is_looked_at_again_five_seconds_later() {
    let (mut t, mut rows) = (Tracker::default(), Rows::default());
    let c = client_bcast();
    feed(&mut t, &mut rows, &c, true, 100 * SEC, &discover());
    feed(&mut t, &mut rows, &c, true, 108 * SEC, &discover());
    t.tick(110 * SEC, &mut rows).expect("sink");
    assert_eq!(rows.count("dhcp"), 0, "a message 2 s ago");
    t.tick(114 * SEC, &mut rows).expect("sink");
    assert_eq!(rows.count("dhcp"), 0, "not due before 115 s");
    t.tick(115 * SEC, &mut rows).expect("sink");
    assert_eq!(rows.count("dhcp"), 1);
    assert_eq!(rows.get("dhcp", 0, "msg_types"), "DISCOVER,DISCOVER");
}

#[test]
fn ten_connections_write_the_record_at_once() {
    let (mut t, mut rows) = (Tracker::default(), Rows::default());
    for i in 0..10u32 {
        let c = conn(false, i, ("10.0.0.1", 68), ("10.0.0.2", 67));
        feed(&mut t, &mut rows, &c, true, SEC + i64::from(i), &discover());
    }
    assert_eq!(rows.count("dhcp"), 1);
    assert_eq!(rows.get("dhcp", 0, "client_addr"), "10.0.0.1");
}

#[test]
fn mac_falls_back_to_the_clients_chaddr() {
    // The DISCOVER without its client identifier.
    let b = dhcp(
        "0101060000003d1d0000000000000000000000000000000000000000000b8201fc42",
        "35010132040000000037040103062aff",
    );
    let (mut t, mut rows) = (Tracker::default(), Rows::default());
    feed(&mut t, &mut rows, &client_bcast(), true, SEC, &b);
    t.finish(&mut rows).expect("sink");
    assert_eq!(rows.get("dhcp", 0, "mac"), "00:0b:82:01:fc:42");
}

#[test]
fn options_as_zeek_reads_them() {
    // Host name, domain, FQDN and a message, from the server and client.
    let b = dhcp(
        "01010600000000010000000000000000000000000000000000000000000b8201fc42",
        "350103 0c0568656c6c6f 0f04612e620000 5106000000782e79 3803627965 ff",
    );
    let m = msg(&b);
    assert_eq!(m.m_type, 3);
    assert_eq!(m.host_name.as_deref(), Some(&b"hello"[..]));
    assert_eq!(m.domain_name.as_deref(), Some(&b"a.b"[..]));
    assert_eq!(m.client_fqdn.as_deref(), Some(&b"x.y"[..]));
    assert_eq!(m.message.as_deref(), Some(&b"bye"[..]));
    // Zeek's off-by-one: a one-letter domain reads as empty.
    assert_eq!(domain_value(b"a\0"), b"");
    assert_eq!(domain_value(b"ab\0\0"), b"ab");
}

#[test]
fn macs_and_names() {
    assert_eq!(fmt_mac(&[1, 2, 3, 4, 5, 6]), "01:02:03:04:05:06");
    assert_eq!(fmt_mac(&[1, 2, 3, 4, 5, 6, 0, 0, 9]), "01:02:03:04:05:06");
    assert_eq!(
        fmt_mac(&[1, 2, 3, 4, 5, 6, 7, 8]),
        "01:02:03:04:05:06:07:08"
    );
    assert_eq!(fmt_mac(&[1, 2, 3]), "");
    assert_eq!(type_name(1), "DISCOVER");
    assert_eq!(type_name(18), "TLS");
    assert_eq!(type_name(0), "unknown-message-type-0");
    assert_eq!(type_name(200), "unknown-message-type-200");
}

#[test]
fn bootp_without_cookie_is_not_dhcp() {
    let mut b = discover();
    b[236] = 0;
    assert!(Msg::read(&DhcpView::new(&b).expect("BOOTP")).is_none());
}

#[test]
fn hostile_messages_do_not_panic() {
    let mut next = crate::logs::apps::testing::xorshift(0x9e37_79b9_u32);
    let base = offer();
    for _ in 0..5000 {
        let mut b = base.clone();
        for _ in 0..(next() % 6) {
            let i = 236 + next() as usize % (b.len() - 236);
            b[i] = next() as u8;
        }
        b.truncate(next() as usize % (b.len() + 1));
        if let Ok(v) = DhcpView::new(&b) {
            let _ = Msg::read(&v);
        }
    }
}
