use super::*;
use crate::logs::apps::testing::{conn, frame, hex, Rows, SEC};
use crate::logs::apps::ConnRef;

/// zeek quic-quic_win11_firefox_google.pcap, frame 1: the client's Initial
/// (ClientHello for www.google.com, ALPN h3).
const CLIENT_INITIAL: &str = "
    c60000000109b409bae10c6b44e5cd032133c400421574571eb27696554cafe00800a917b9e7092930a333eb8fd2e13a
    b894d25e92def84d466c41d555c86cec3fe55c402bfd8a7c033a6e3ad67e47d3204010cba7387494dc89d10a42ef793a
    db746e3da466cfa634010dcd6112c06f4844402288b57caaacf0a19fafc09a46bbbf2ba6eba900e8697b7c6c59cdf1c8
    d3dc4e8c06ba962d0fcce0e701ab0216b8b05b3a3e1a91fc30496bd53f95f8527f7914d5a767051a9256441925901e54
    b7a8282c431fb95b61f236fb9708c6a11743ff866e96e552906a13d17eb218486d2c6cc784edc373b58274aa8b55a6a6
    d8c8597321becff09552a29c3781ade11f91e359a33261270c3f7561fa9879f1e442b7746d8cbda0b7666eebaae0bba8
    bc1096dcda65a44d9e467d431bfc3418e519395af37844cce365d96dc4643734cf3827a47654e7beb21e5bb219a0f360
    dc0ccec33ba23638cfec6fcecb3c8050314c5bac854584f647cc658851d782a5460aea180f82a575738880c7c10a98ca
    5cbbde7d60fe4bc50c9a137dabd61b5163a3712936e9cc0c8b52fbc7424eef4e8c88085c00f8bb8b014b53216223211a
    09b7f4cb71bc073aec068df9e77ff1e8f9d13403c1484244ca6abcb9df79c529ae650ea074443909bb9b7d25dd08f8fe
    6ffb3f0ef18799a8e3257640d9a26c0d8a9e78249e5ae1a72fc3193af05ed4f05ac5cfb6dc4f8fb665d8329db0115f8a
    3bf1dcf1e29e5863e1acafdbbc02c0b57f88ce698030260957b380000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    00000000000000000000000000";

/// The same capture, frame 2: the server's Initial (ServerHello).
const SERVER_INITIAL: &str = "
    cc00000001032133c408b409bae10c6b44e5004538bb6cd32339574b6b7080e392a1d5eb0e6f1ea626ad21c8ee6a1986
    de9e4925ad8db2dcb379dd8496577505766868b025184c6356d734aa7b66a2b343cf578561d442f673d9056bfe8b9b49
    51a87ead43dce27884ed5dd250a4b0c695d44d0906d190be5414e2763aaf7ce0cfb12d1d8ec4c8d49b8cf46f5c51b2fe
    69d26e0292249ced524b7096e25283b26e125c6a28ebd6ec7603da03e12fd40cf7d879cd157b87643531118659840ee5
    f55b518c298d24bcfc9c0895bea110b8ce696d1c30b9fdf7342e1111d0883235969d229d9df8e26f7fdb9ee94646cdd4
    2f32b548834b6e5fc277d6b8b2a4e8c1c5d37ce0928393ad2d1538a70a13c296a268c8badd5890af36a6ac5c1ddc03cd
    acc8c47f50ca28efbfe7313dcb85178c85f5176c26deabeea25c52f8bc5122706fc005b2f7fa7d076933b3c56f804312
    7a6ab7f007ea37365f0159bea0d9a34b7582ebd4567370ada0d1dd6e4388d4cedfee7d3eb86d06095468fd3f30f2c976
    d651b5c18856f93beb2543258c17957d24a69f02e9d95968fecd52fc77333438867957fb0832605c3935fb25cf79f64b
    c4707d381c1ccfe7d97caaf19e0f4402e37280d6257f918ad9783bcc28a51a3ae4503ba13f90e7d675991821ff49b6de
    a14b60df83f4c116669739a1b5baa7ed36d8519b00f48d69155289a1142fc212dfa46d050798ab7017280fc76b8dcd99
    f1792391953abebc85b384f486aa41655329f0004f79e90011324e636452b00edbf5270bd6c1e9f02248ae684268534e
    818d7a5417f7b956b279924833bf25304ca7db68b5f193a1007a2e1da48c61e3b73b9bc477124cc245d59986c6154523
    af122e7ba62fb6b66d391af41839000811073ca12bab7e909de120b8c0650d3076c7bf3ff8ec7930cc619d3df562d770
    cdc99cc6cc3c3f83c1d3a4c3235145ba5efe16bdcf6dba2c96f59da4ab8aa81bd7e2690f8b310396ae2f28ba8bec0dbd
    554132e88e9ed8d7ffc17b7957c68f6e4b0ee518b8f7d34f545a8385a59b4836c988edb579637a915b9c31620941e1b0
    6f2fa43e30583d50d8459a051eeb232303e22c65a4225d4569f2a198baf5d1becf6c512be18ecf14b590a85b859f904a
    f19157c27324b83e2c368ba7930ef6913098acc45a061cbf2a4102f4f569bfce177c8468a26a656f947d6c98f7083a69
    620be04553d232649c060f4904c76c9e8e23977d6de4b2339088d42915933cbdf6fb592e5ec0d66b69549491ee98e595
    2b545fa23b84deab4119677ca37d0512f905bd6ebfb37339b8c6aea811575efce63a484c0b381b6e5222be366cf1f63a
    852999e12cba8c67a20bfe6fe67ed1db6db613ec52da9874ce7e63e7f48b0f1e535fbb9543719a92e432fb256b43dae7
    53b9172f601ef5406ab948eb3a5675fd1cc1e38cfb2344f9224b03556b3bc764ff2af46ed7f7c811c13e7ed504a7ff86
    968e8ccb37e9ea89a0dfcd1c84b86f9ce24adf0adb40bf3d7344745bacadda8d6b50279f53f69f3ccb80d210f3688e03
    6087cd65346b222bd8c92a9e7025ac9c1e8e473e66ea569e84c37b9188dbed7301ac15f94ae850665b8476c0c4302386
    ddf2b280786d06b44fc12da37950e0f1dbb5eaa9596f2d7cf54c301e03fa25a5158b74e6824af3728c8eded5f03236a8
    757077ab743adcaca387ba03d03e40400625ab44b6d52dd5354bdff5b3ff521e2cea3c9db8e9f6316d98eefc4666c84f
    5a2f55d592a32a0c2f1c5686c7a841a2cb254b77ca8da8c6427d06cff12d90b147893b34284a01fb524d3f9f42cba36b
    f6ade4bf6b97134725bc51c6b558ef7d2da078743760a87464173111cddc17e8838a7886852adb1c61e0e2d160c689cf
    2d802ade1d2bbc75a98ad52c7f";

fn udp() -> ConnRef {
    conn(false, 0, ("1.2.3.4", 49369), ("4.3.2.1", 443))
}

fn feed(t: &mut Tracker, rows: &mut Rows, c: &ConnRef, ts: i64, orig: bool, h: &str) -> bool {
    let b = hex(h);
    let m = Msg::read(&QuicView::new(&b).expect("QUIC")).expect("long header");
    let f = frame(c, ts, orig);
    t.message(&f, m, rows).expect("sink")
}

#[test]
fn initials_give_sni_alpn_ids_and_history() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), udp());
    assert!(feed(&mut t, &mut rows, &c, 10 * SEC, true, CLIENT_INITIAL));
    assert!(feed(&mut t, &mut rows, &c, 11 * SEC, false, SERVER_INITIAL));
    assert_eq!(rows.count("quic"), 0, "written when the connection ends");
    t.conn_ended(c.id, &mut rows).expect("sink");
    rows.check(
        "quic",
        0,
        &[
            ("ts", "10.000000"),
            ("uid", "Ctest0"),
            ("version", "1"),
            // As tshark reads them: quic.dcid / quic.scid of frames 1 and 2.
            ("client_initial_dcid", "b409bae10c6b44e5cd"),
            ("client_scid", "2133c4"),
            ("server_scid", "b409bae10c6b44e5"),
            ("server_name", "www.google.com"),
            ("client_protocol", "h3"),
            // The client's datagram holds 802 zero bytes after its
            // Initial: Zeek's parser reads them as a packet whose fixed
            // bit is clear and discards it, once an Initial was opened.
            ("history", "ISXis"),
        ],
    );
}

/// Short-header packets: Zeek counts them per side and writes `O` (`o`
/// from the server) into the history at counts 1, 2, 4, 8, … (its
/// `short_packet_threshold_crossed`); they start no record.
#[test]
fn short_packets_are_noted_at_powers_of_two() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), udp());
    // A 1-RTT packet: short header, the client's connection ID, payload.
    let short = "4b2133c4aabbccddeeff00112233445566778899";
    let b = hex(short);
    let m = Msg::read(&QuicView::new(&b).expect("QUIC")).expect("a short packet");
    assert!(m.short && !m.discarded && m.packets.is_empty());
    // Before any long-header packet there is no record to note it in.
    t.message(&frame(&c, SEC, true), m, &mut rows)
        .expect("sink");
    assert!(feed(&mut t, &mut rows, &c, 10 * SEC, true, CLIENT_INITIAL));
    assert!(feed(&mut t, &mut rows, &c, 11 * SEC, false, SERVER_INITIAL));
    for (i, orig) in [
        true, true, true, false, false, false, true, true, true, true,
    ]
    .into_iter()
    .enumerate()
    {
        let m = Msg::read(&QuicView::new(&b).expect("QUIC")).expect("a short packet");
        let f = frame(&c, (12 + i as i64) * SEC, orig);
        t.message(&f, m, &mut rows).expect("sink");
    }
    t.conn_ended(c.id, &mut rows).expect("sink");
    // The client's short packets 2, 4 and 8 are noted (1 came before the
    // record), the server's 1 and 2.
    rows.check("quic", 0, &[("history", "ISXisOOooO")]);
}

#[test]
fn server_alone_is_not_confirmed() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), udp());
    assert!(!feed(&mut t, &mut rows, &c, SEC, false, SERVER_INITIAL));
    t.finish(&mut rows).expect("sink");
    rows.check(
        "quic",
        0,
        &[
            ("server_name", "-"),
            ("client_initial_dcid", "-"),
            ("history", "i"),
        ],
    );
}

#[test]
fn cut_initial_is_harmless() {
    let b = hex(CLIENT_INITIAL);
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), udp());
    // Cut inside the Initial packet (555 bytes; padding follows it in the
    // datagram).
    for n in [1, 7, 30, 200, 554] {
        let Ok(v) = QuicView::new(&b[..n]) else {
            continue;
        };
        if let Some(m) = Msg::read(&v) {
            let f = frame(&c, 0, true);
            assert!(!t.message(&f, m, &mut rows).expect("sink"));
        }
    }
}

#[test]
fn version_names_follow_zeek() {
    assert_eq!(version_string(1), "1");
    assert_eq!(version_string(0x6b33_43cf), "quicv2");
    assert_eq!(version_string(0xff00_001d), "draft-29");
    assert_eq!(version_string(0xface_b002), "mvfst (faceb002)");
    assert_eq!(version_string(0x5130_3433), "unknown-51303433");
}

#[test]
fn hellos_gathered_at_once_are_bounded() {
    // A client Initial cut inside its packet never completes: each
    // connection keeps gathering until the cap.
    let b = hex(CLIENT_INITIAL);
    let cut = &b[..554];
    let (mut t, mut rows) = (Tracker::default(), Rows::default());
    for i in 0..MAX_GATHERING as u32 + 5 {
        let c = conn(false, i, ("1.2.3.4", 49369), ("4.3.2.1", 443));
        let m = Msg::read(&QuicView::new(cut).expect("QUIC")).expect("long header");
        let f = frame(&c, 0, true);
        t.message(&f, m, &mut rows).expect("sink");
    }
    assert_eq!(t.gathering, MAX_GATHERING);
    assert_eq!(t.stats.hello_dropped, 5);
    t.finish(&mut rows).expect("sink");
    assert_eq!(t.gathering, 0);
    assert_eq!(rows.count("quic"), MAX_GATHERING + 5);
}
