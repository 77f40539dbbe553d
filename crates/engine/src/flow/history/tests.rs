//! Zeek's history letters and conn_state on real packet sequences: header
//! values copied from dev captures (named on each test), replayed through
//! [`History`] as the flow engine would.

use super::*;

/// Flag bits as in the TCP header.
const F: u8 = 0x01;
const S: u8 = 0x02;
const R: u8 = 0x04;
const P: u8 = 0x08;
const A: u8 = 0x10;

/// One segment: sent by the flow's first sender?, ports, seq, ack, flags,
/// payload length, window.
#[derive(Clone, Copy)]
struct Seg {
    first: bool,
    sport: u16,
    dport: u16,
    seq: u32,
    ack: u32,
    flags: u8,
    len: usize,
    win: u16,
}

fn header(s: &Seg) -> Vec<u8> {
    let mut b = Vec::with_capacity(20 + s.len);
    b.extend_from_slice(&s.sport.to_be_bytes());
    b.extend_from_slice(&s.dport.to_be_bytes());
    b.extend_from_slice(&s.seq.to_be_bytes());
    b.extend_from_slice(&s.ack.to_be_bytes());
    b.push(5 << 4);
    b.push(s.flags);
    b.extend_from_slice(&s.win.to_be_bytes());
    b.extend_from_slice(&[0, 0, 0, 0]);
    b.resize(20 + s.len, b'x');
    b
}

/// Replay segments (one microsecond apart unless `times` says otherwise).
fn replay(segs: &[Seg]) -> History {
    let mut h = History::default();
    for (i, s) in segs.iter().enumerate() {
        let bytes = header(s);
        let v = TcpView::new(&bytes).expect("a whole header");
        h.at(i as i64 * 1000, 40 + s.len as u64);
        h.tcp(s.first, &v);
    }
    h
}

fn seg(first: bool, seq: u32, ack: u32, flags: u8, len: usize) -> Seg {
    let (sport, dport) = if first { (55120, 80) } else { (80, 55120) };
    Seg {
        first,
        sport,
        dport,
        seq,
        ack,
        flags,
        len,
        win: 14600,
    }
}

fn verdict(h: &History) -> (String, &'static str, u64, u64) {
    let s = h.summary("tcp", false);
    (h.letters(false), s.conn_state, s.orig_bytes, s.resp_bytes)
}

/// zeek__http-bro.org.pcap, frames 690-723 (10.0.2.15:55120 ->
/// 192.150.187.43:80): handshake, a request and two responses' worth of
/// data, FIN from the server, FIN from the client, the last ACK.
fn bro_org_55120() -> Vec<Seg> {
    let c = 2_159_797_363u32;
    let s = 1_121_280_001u32;
    vec![
        seg(true, c, 0, S, 0),
        seg(false, s, c + 1, S | A, 0),
        seg(true, c + 1, s + 1, A, 0),
        seg(true, c + 1, s + 1, P | A, 364),
        seg(false, s + 1, c + 365, A, 0),
        seg(false, s + 1, c + 365, P | A, 1136),
        seg(true, c + 365, s + 1137, A, 0),
        seg(true, c + 365, s + 1137, P | A, 290),
        seg(false, s + 1137, c + 655, A, 0),
        seg(false, s + 1137, c + 655, A, 1420),
        seg(true, c + 655, s + 2557, A, 0),
        seg(false, s + 2557, c + 655, P | A, 29),
        seg(true, c + 655, s + 2586, A, 0),
        seg(false, s + 2586, c + 655, F | A, 0),
        seg(true, c + 655, s + 2587, F | A, 0),
        seg(false, s + 2587, c + 656, A, 0),
    ]
}

#[test]
fn full_connection_is_sf() {
    let h = replay(&bro_org_55120());
    // Client: 364 + 290 bytes; server: 1136 + 1420 + 29.
    assert_eq!(verdict(&h), ("ShADadfF".to_string(), "SF", 654, 2585));
    assert!(!h.flipped());
    assert_eq!(h.packets, [8, 8]);
    assert_eq!(h.missed_bytes, 0);
    // The last ACK, after both FINs, does not extend the duration.
    assert_eq!(h.last_ns, Some(14 * 1000));
}

#[test]
fn mid_stream_start_is_oth() {
    // The same connection seen from its fourth frame on: no SYN, no FIN.
    let segs = bro_org_55120();
    let h = replay(&segs[3..12]);
    let (letters, state, ..) = verdict(&h);
    assert_eq!(state, "OTH");
    assert_eq!(letters, "DadA");
    // Partial connections report no gaps.
    assert_eq!(h.missed_bytes, 0);
}

#[test]
fn unanswered_syn_is_s0() {
    // ndpi__synscan.pcap frame 1: 172.16.0.8:36050 -> 64.13.134.52:443.
    let syn = Seg {
        first: true,
        sport: 36050,
        dport: 443,
        seq: 3_713_172_248,
        ack: 0,
        flags: S,
        len: 0,
        win: 3072,
    };
    let h = replay(&[syn]);
    assert_eq!(verdict(&h), ("S".to_string(), "S0", 0, 0));
}

#[test]
fn syn_then_rst_ack_is_rej() {
    // ndpi__synscan.pcap frames 13-14: port 113 answers with RST-ACK.
    let syn = Seg {
        first: true,
        sport: 36050,
        dport: 113,
        seq: 3_713_172_248,
        ack: 0,
        flags: S,
        len: 0,
        win: 4096,
    };
    let rst = Seg {
        first: false,
        sport: 113,
        dport: 36050,
        seq: 2_462_244_745,
        ack: 3_713_172_249,
        flags: R | A,
        len: 0,
        win: 0,
    };
    let h = replay(&[syn, rst]);
    assert_eq!(verdict(&h), ("Sr".to_string(), "REJ", 0, 0));
}

#[test]
fn syn_ack_retransmitted_is_recorded_once() {
    // ndpi__synscan.pcap, port 53: a SYN, then the same SYN-ACK four times.
    let syn = Seg {
        first: true,
        sport: 36050,
        dport: 53,
        seq: 3_713_172_248,
        ack: 0,
        flags: S,
        len: 0,
        win: 3072,
    };
    let sa = Seg {
        first: false,
        sport: 53,
        dport: 36050,
        seq: 1_117_405_124,
        ack: 3_713_172_249,
        flags: S | A,
        len: 0,
        win: 5840,
    };
    let h = replay(&[syn, sa, sa, sa, sa]);
    assert_eq!(verdict(&h), ("Sh".to_string(), "S1", 0, 0));
}

/// pcpp__Pcap++Test-PcapExamples-one_tcp_stream_fin_rst_close_packet.pcap:
/// 192.168.221.130:43766 -> 172.16.0.112:3306.
fn mysql_fin_rst() -> Vec<Seg> {
    let c = 731_770_038u32;
    let s = 2_139_895_015u32;
    let m = |first: bool, seq: u32, ack: u32, flags: u8, len: usize| {
        let (sport, dport) = if first { (43766, 3306) } else { (3306, 43766) };
        Seg {
            first,
            sport,
            dport,
            seq,
            ack,
            flags,
            len,
            win: 29200,
        }
    };
    vec![
        m(true, c, 0, S, 0),
        m(false, s, c + 1, S | A, 0),
        m(true, c + 1, s + 1, A, 0),
        m(true, c + 1, s + 1, P | A, 53),
        m(false, s + 1, c + 54, A, 0),
        m(false, s + 1, c + 54, P | A, 78),
        m(true, c + 54, s + 79, A, 0),
        m(true, c + 54, s + 79, P | A, 182),
        m(false, s + 79, c + 236, A, 0),
        m(true, c + 236, s + 79, F | A, 0),
        m(false, s + 79, c + 237, A, 0),
        m(true, c + 237, s + 79, R | A, 0),
        m(true, c + 237, 0, R, 0),
    ]
}

#[test]
fn rst_from_originator_is_rsto() {
    let h = replay(&mysql_fin_rst());
    assert_eq!(verdict(&h), ("ShADadFR".to_string(), "RSTO", 235, 78));
}

#[test]
fn rst_from_responder_is_rstr() {
    // The same connection with the roles of the closing packets swapped:
    // the server resets it.
    let mut segs = mysql_fin_rst();
    segs.truncate(9);
    let s = 2_139_895_015u32 + 79;
    segs.push(Seg {
        first: false,
        sport: 3306,
        dport: 43766,
        seq: s,
        ack: 731_770_038 + 236,
        flags: R | A,
        len: 0,
        win: 0,
    });
    let h = replay(&segs);
    assert_eq!(verdict(&h), ("ShADadr".to_string(), "RSTR", 235, 78));
}

#[test]
fn syn_then_fin_without_answer_is_sh() {
    // Half open: the originator's SYN and FIN, nothing from the responder
    // (ndpi__synscan.pcap's first SYN, then a FIN on its number).
    let syn = Seg {
        first: true,
        sport: 36050,
        dport: 443,
        seq: 3_713_172_248,
        ack: 0,
        flags: S,
        len: 0,
        win: 3072,
    };
    let fin = Seg {
        seq: 3_713_172_249,
        flags: F,
        ..syn
    };
    let h = replay(&[syn, fin]);
    assert_eq!(verdict(&h).0, "SF");
    assert_eq!(verdict(&h).1, "SH");
}

#[test]
fn syn_ack_then_syn_flips() {
    // The SYN-ACK of ndpi__synscan.pcap's port 53 seen before its SYN
    // (both ports high-numbered here so that the ports decide nothing):
    // Zeek flips the roles when the SYN comes.
    let sa = Seg {
        first: true,
        sport: 50053,
        dport: 36050,
        seq: 1_117_405_124,
        ack: 3_713_172_249,
        flags: S | A,
        len: 0,
        win: 5840,
    };
    let syn = Seg {
        first: false,
        sport: 36050,
        dport: 50053,
        seq: 3_713_172_248,
        ack: 0,
        flags: S,
        len: 0,
        win: 3072,
    };
    let ack = Seg {
        first: false,
        seq: 3_713_172_249,
        ack: 1_117_405_125,
        flags: A,
        ..syn
    };
    let h = replay(&[sa, syn, ack]);
    assert!(h.flipped());
    assert_eq!(verdict(&h), ("Hs^A".to_string(), "S1", 0, 0));
}

#[test]
fn syn_ack_from_server_port_flips_at_once() {
    // A SYN-ACK from port 53 (a likely server port) to a high port opens
    // the connection: its receiver is the originator ("^h").
    let sa = Seg {
        first: true,
        sport: 53,
        dport: 36050,
        seq: 1_117_405_124,
        ack: 3_713_172_249,
        flags: S | A,
        len: 0,
        win: 5840,
    };
    let h = replay(&[sa]);
    assert!(h.flipped());
    assert_eq!(h.letters(false), "^h");
}

#[test]
fn syn_ack_then_rst_from_originator() {
    // Zeek's conn_state-RST-behavior cases, on synscan's numbers: SYN,
    // ACK without SYN-ACK, RST → "SaR" RSTOS0.
    let syn = Seg {
        first: true,
        sport: 36050,
        dport: 443,
        seq: 3_713_172_248,
        ack: 0,
        flags: S,
        len: 0,
        win: 3072,
    };
    let ack = Seg {
        first: false,
        sport: 443,
        dport: 36050,
        seq: 1_117_405_125,
        ack: 3_713_172_249,
        flags: A,
        len: 0,
        win: 5840,
    };
    let rst = Seg {
        seq: 3_713_172_249,
        flags: R,
        ..syn
    };
    let h = replay(&[syn, ack, rst]);
    assert_eq!(verdict(&h).0, "SaR");
    assert_eq!(verdict(&h).1, "RSTOS0");
    // "SR": RSTOS0 too; a lone RST: OTH.
    assert_eq!(verdict(&replay(&[syn, rst])).1, "RSTOS0");
    let lone = replay(&[rst]);
    assert_eq!(
        (lone.letters(false).as_str(), verdict(&lone).1),
        ("R", "OTH")
    );
}

#[test]
fn retransmission_and_gap() {
    // bro_org_55120 with the server's 1136-byte segment lost (acked by the
    // client but never seen) and the client's request sent twice.
    let mut segs = bro_org_55120();
    segs.remove(5);
    let again = segs[3];
    segs.insert(4, again);
    let h = replay(&segs);
    assert_eq!(h.letters(false), "ShADTagdfF");
    assert_eq!(h.missed_bytes, 1136);
    // Sizes come from sequence numbers: the lost bytes count.
    assert_eq!(h.summary("tcp", false).resp_bytes, 2585);
}

#[test]
fn zero_window_and_bad_checksum() {
    let mut segs = bro_org_55120();
    segs[6].win = 0;
    let mut h = History::default();
    for (i, s) in segs.iter().enumerate() {
        let bytes = header(s);
        let mut v = TcpView::new(&bytes).expect("a whole header");
        if i == 10 {
            v.set_checksum_status(Status::Bad { expected: 1 });
        }
        h.at(i as i64, 40);
        h.tcp(s.first, &v);
    }
    // W: the client's zero window; C: its ACK with a bad checksum, which
    // is otherwise ignored (not counted).
    assert_eq!(h.letters(false), "ShADadWCfF");
    assert_eq!(h.packets, [7, 8]);
}

#[test]
fn scaled_letters() {
    let mut s = Scaled::default();
    let hits: Vec<u32> = (1..=1000).filter(|_| s.hit()).collect();
    assert_eq!(hits.len(), 4); // 1st, 10th, 100th, 1000th
}

#[test]
fn udp_both_ways_is_sf_and_flips_from_server_port() {
    // gopacket__pcap-test_dns.pcap-style exchange: query from a high port
    // to 53, then the answer.
    let q = [0xc3u8, 0x50, 0, 53, 0, 36, 0, 0];
    let a = [0u8, 53, 0xc3, 0x50, 0, 52, 0, 0];
    let mut h = History::default();
    let mut qb = q.to_vec();
    qb.resize(36, 0);
    let mut ab = a.to_vec();
    ab.resize(52, 0);
    h.at(0, 56);
    h.udp(true, &UdpView::new(&qb).expect("udp"));
    h.at(1000, 72);
    h.udp(false, &UdpView::new(&ab).expect("udp"));
    let s = h.summary("udp", false);
    assert_eq!((h.letters(false).as_str(), s.conn_state), ("Dd", "SF"));
    assert_eq!((s.orig_bytes, s.resp_bytes), (28, 44));
    // Only the answer seen: Zeek flips it to the querier ("^d", SHR).
    let mut h = History::default();
    h.at(0, 72);
    h.udp(true, &UdpView::new(&ab).expect("udp"));
    let s = h.summary("udp", true);
    assert_eq!((h.letters(true).as_str(), s.conn_state), ("^d", "SHR"));
    assert_eq!((s.orig_bytes, s.resp_bytes), (0, 44));
    // One way from the client: S0.
    let mut h = History::default();
    h.udp(true, &UdpView::new(&qb).expect("udp"));
    assert_eq!(h.summary("udp", false).conn_state, "S0");
}

#[test]
fn rstos0_pattern() {
    assert!(rstos0_history(b"SR"));
    assert!(rstos0_history(b"^SaR"));
    assert!(rstos0_history(b"ScR"));
    assert!(!rstos0_history(b"SaFR"));
    assert!(!rstos0_history(b"R"));
    // Zeek's pattern is case-sensitive: only the originator's letters stop it.
    assert!(!rstos0_history(b"SAR"));
    assert!(rstos0_history(b"ShR"));
}

#[test]
fn held_pieces_stay_bounded() {
    let mut s = TcpSide::new();
    for i in 0..100u64 {
        s.hold(10 + i * 10, 15 + i * 10);
    }
    assert!(s.held.len() <= MAX_HELD);
    let pieces = &s.held[..];
    assert!(pieces.windows(2).all(|w| w[0].1 < w[1].0));
}
