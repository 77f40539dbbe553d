use super::*;
use crate::flow::key::FlowKey;

fn key() -> FlowKey {
    let mut a = [0u8; 16];
    a[..4].copy_from_slice(&[10, 0, 2, 15]);
    let mut b = [0u8; 16];
    b[..4].copy_from_slice(&[192, 150, 187, 43]);
    FlowKey::new(transport::TCP, false, a, 55120, b, 80).0
}

#[test]
fn uid_is_deterministic_base62() {
    let k = key();
    let u = uid(&k, 690);
    assert_eq!(u, uid(&k, 690));
    assert_ne!(u, uid(&k, 691));
    let u = u.as_str();
    assert!(u.starts_with('C'));
    assert!((12..=18).contains(&u.len()), "{u}");
    assert!(u[1..].bytes().all(|c| c.is_ascii_alphanumeric()));
}

#[test]
fn base62_digits() {
    let mut s = Uid::from_text("");
    base62(0, &mut s);
    s.push(b' ');
    base62(61, &mut s);
    s.push(b' ');
    base62(62, &mut s);
    s.push(b' ');
    base62(u64::MAX, &mut s);
    assert_eq!(s.as_bytes(), b"0 z 10 LygHa16AHYF");
}

#[test]
fn icmp_ports_are_type_and_counterpart() {
    assert_eq!(icmp_counterpart(false, 8, 0), 0);
    assert_eq!(icmp_counterpart(false, 0, 0), 8);
    assert_eq!(icmp_counterpart(false, 3, 3), 3);
    assert_eq!(icmp_counterpart(true, 128, 0), 129);
    assert_eq!(icmp_counterpart(true, 135, 0), 136);
    assert_eq!(icmp_counterpart(true, 1, 4), 4);
}

#[test]
fn record_fills_every_field() {
    let c = Conn {
        ts_ns: 1_389_719_050_348_896_000,
        uid: Uid::from_text("CX"),
        orig_h: "10.0.2.15".parse().expect("addr"),
        orig_p: 55120,
        resp_h: "192.150.187.43".parse().expect("addr"),
        resp_p: 80,
        proto: "tcp",
        service: None,
        duration_ns: Some(5_411_318_000),
        orig_bytes: Some(654),
        resp_bytes: Some(2585),
        conn_state: "SF",
        missed_bytes: 0,
        history: Some("ShADadfF".into()),
        orig_pkts: 8,
        orig_ip_bytes: 994,
        resp_pkts: 8,
        resp_ip_bytes: 2909,
        tunnel_parents: vec![Uid::from_text("CP1"), Uid::from_text("CP2")],
    };
    let mut v = Vec::new();
    c.values(&mut v);
    assert_eq!(v.len(), SCHEMA.fields.len());
    let mut w =
        super::super::Writer::new(Vec::new(), &SCHEMA, super::super::Format::Tsv, 0).expect("vec");
    w.write(&v).expect("vec");
    let text = String::from_utf8(w.close(0).expect("vec")).expect("utf-8");
    let line = text.lines().nth(8).expect("a record");
    assert_eq!(
        line,
        "1389719050.348896\tCX\t10.0.2.15\t55120\t192.150.187.43\t80\ttcp\t-\t5.411318\t654\t2585\tSF\tT\tF\t0\tShADadfF\t8\t994\t8\t2909\tCP1,CP2"
    );
}
