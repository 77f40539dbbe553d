use super::*;
use crate::logs::{Format, Writer};
use std::net::Ipv4Addr;

const SEC: i64 = 1_000_000_000;

fn line(w: &Weird) -> String {
    let mut out = Vec::new();
    let mut writer = Writer::new(&mut out, &SCHEMA, Format::Tsv, 0).expect("header");
    let mut values = Vec::new();
    w.values(&mut values);
    writer.write(&values).expect("write");
    drop(writer);
    let text = String::from_utf8(out).expect("UTF-8");
    text.lines()
        .find(|l| !l.starts_with('#'))
        .expect("a record")
        .to_owned()
}

#[test]
fn header_is_zeeks() {
    let mut out = Vec::new();
    Writer::new(&mut out, &SCHEMA, Format::Tsv, 0).expect("header");
    let text = String::from_utf8(out).expect("UTF-8");
    // Zeek 6's weird.log columns and types.
    assert!(text.contains(
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tname\taddl\tnotice\tpeer\tsource\n"
    ));
    assert!(text.contains(
        "#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tbool\tstring\tstring\n"
    ));
}

#[test]
fn a_bad_ip_header_is_a_flow_weird_with_ports_zero() {
    let bad = crate::dissect::BadIpv4 {
        src: Ipv4Addr::new(10, 0, 0, 1),
        dst: Ipv4Addr::new(10, 0, 0, 2),
        in_tunnel: false,
    };
    let w = Weird::bad_ip_checksum(1_332_784_981_078_396_000, &bad);
    assert_eq!(
        line(&w),
        "1332784981.078396\t-\t10.0.0.1\t0\t10.0.0.2\t0\tbad_IP_checksum\t-\tF\tzeek\tIP"
    );
    let inner = Weird::bad_ip_checksum(
        0,
        &crate::dissect::BadIpv4 {
            in_tunnel: true,
            ..bad
        },
    );
    assert_eq!(inner.name, "bad_IP_checksum_in_tunnel");
}

#[test]
fn the_rule_keys_checksum_weirds_by_originator_and_others_by_pair() {
    let w = |name: &'static str, orig: [u8; 4], resp: [u8; 4]| Weird {
        ts_ns: SEC,
        uid: None,
        orig_h: IpAddr::from(orig),
        orig_p: 1,
        resp_h: IpAddr::from(resp),
        resp_p: 2,
        name,
        addl: None,
        source: "TCP",
    };
    let key_of = |w: &Weird| {
        let mut values = Vec::new();
        w.values(&mut values);
        key(&values).expect("a key")
    };
    let a = key_of(&w("bad_TCP_checksum", [1, 1, 1, 1], [2, 2, 2, 2]));
    let b = key_of(&w("bad_TCP_checksum", [1, 1, 1, 1], [3, 3, 3, 3]));
    let c = key_of(&w("bad_UDP_checksum", [1, 1, 1, 1], [2, 2, 2, 2]));
    assert_eq!((a.0, a.1), (SEC, Rule::PerOrig));
    // Per originator: another responder is the same weird, another name not.
    assert_eq!(a.2, b.2);
    assert_ne!(a.2, c.2);
    let d = key_of(&w("bad_IP_checksum_in_tunnel", [1, 1, 1, 1], [2, 2, 2, 2]));
    let e = key_of(&w("bad_IP_checksum_in_tunnel", [1, 1, 1, 1], [3, 3, 3, 3]));
    // A weird without a connection: per address pair.
    assert_eq!(d.1, Rule::PerPair);
    assert_ne!(d.2, e.2);
    // A connection's other weirds: per connection, its ports included.
    let conn = |orig_p: u16| Weird {
        uid: Some(crate::logs::conn::uid(
            &crate::flow::key::FlowKey::new(6, false, [1; 16], orig_p, [2; 16], 80).0,
            1,
        )),
        orig_p,
        ..w("possible_split_routing", [1, 1, 1, 1], [2, 2, 2, 2])
    };
    let (f, g) = (key_of(&conn(1)), key_of(&conn(7)));
    assert_eq!(f.1, Rule::PerConn);
    assert_ne!(f.2, g.2);
    assert_eq!(key_of(&conn(1)).2, f.2);
    assert_eq!(Rule::PerOrig.period_ns(), 86_400 * SEC);
    assert_eq!(Rule::PerPair.period_ns(), 600 * SEC);
    assert_eq!(Rule::PerConn.period_ns(), 600 * SEC);
    // As Zeek's `Weird::actions` names them.
    assert_eq!(
        Weird::rule("connection_originator_SYN_ack", true),
        Rule::PerOrig
    );
    assert_eq!(Weird::rule("simultaneous_open", true), Rule::PerConnDaily);
    assert_eq!(Rule::PerConnDaily.period_ns(), 86_400 * SEC);
    assert_eq!(Weird::rule("data_before_established", true), Rule::PerConn);
}

/// An analyzer's weird with Zeek's text: `addl` written, an empty source
/// unset (Zeek's `Connection::Weird` without one).
#[test]
fn addl_and_an_empty_source() {
    let w = Weird {
        ts_ns: SEC,
        uid: None,
        orig_h: IpAddr::from([1, 1, 1, 1]),
        orig_p: 1,
        resp_h: IpAddr::from([2, 2, 2, 2]),
        resp_p: 25,
        name: "base64_illegal_encoding",
        addl: Some("character 42 ignored by Base64 decoding".to_owned()),
        source: "",
    };
    assert_eq!(
        line(&w),
        "1.000000\t-\t1.1.1.1\t1\t2.2.2.2\t25\tbase64_illegal_encoding\tcharacter 42 ignored by Base64 decoding\tF\tzeek\t-"
    );
}
