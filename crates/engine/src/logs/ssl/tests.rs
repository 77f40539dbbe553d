use super::*;
use crate::logs::apps::testing::{conn, frame, hex, Rows, SEC};
use crate::logs::apps::ConnRef;

/// arkime tls-alpn-h2.pcap frame 4: a ClientHello for www.cloudflare.com
/// (ALPN h2 and http/1.1).
const CLIENT_HELLO: &str = "16030100e8010000e40303858226c04fbaeddef4246093b4cfdab38f9dcfef145360e417686575cac49c7000005cc030\
c02cc028c024c014c00a009f006b0039cca9cca8ccaaff8500c400880081009d003d003500c00084c02fc02bc027c023\
c013c009009e0067003300be0045009c003c002f00ba0041c011c00700050004c012c0080016000a00ff0100005f0000\
001700150000127777772e636c6f7564666c6172652e636f6d000b00020100000a00080006001d00170018000d001c00\
1a06010603efef0501050304010403eeeeeded03010303020102030010000e000c02683208687474702f312e31";

/// Frame 6's first record: the ServerHello (ECDHE-ECDSA-CHACHA20, h2).
const SERVER_HELLO: &str = "16030300640200006003035f0236c07f47bfb12dc2da706ecb3fe7f9eeac9968cc2ddf444f574e4752440120b89ff1ab\
695278c69b8a73f76242ef755e0b13dc6d459aaaa784fec9c2dfce34cca900001800000000ff01000100000b00020100\
001000050003026832";

/// The server's first certificate (frame 7).
const CERT: &str = "3082060f30820595a00302010202100a68bb984a507399f4716e809a44a7b0300a06082a8648ce3d0403023074310b30\
0906035504061302555331153013060355040a130c446967694365727420496e6331193017060355040b13107777772e\
64696769636572742e636f6d313330310603550403132a44696769436572742045434320457874656e6465642056616c\
69646174696f6e20536572766572204341301e170d3138313033303030303030305a170d323031313033313230303030\
5a3081cf311d301b060355040f0c1450726976617465204f7267616e697a6174696f6e31133011060b2b060104018237\
3c0201031302555331193017060b2b0601040182373c020102130844656c61776172653110300e060355040513073437\
3130383735310b3009060355040613025553311330110603550408130a43616c69666f726e6961311630140603550407\
130d53616e204672616e636973636f31193017060355040a1310436c6f7564666c6172652c20496e632e311730150603\
550403130e636c6f7564666c6172652e636f6d3059301306072a8648ce3d020106082a8648ce3d03010703420004ced7\
614949fd4b358b1b86bca3c5bcd8206e31172d928ab734f4db11704e491661fcaefa7fba6f0c055374c6797f81128af7\
e25e6cf5fa10696b67d9d59651b0a38203ab308203a7301f0603551d23041830168014f825d9a639c7c38187253e3054\
911821409b179d301d0603551d0e04160414de7f7fe67ceded61436047675d862f84fda678ad302d0603551d11042630\
24820e636c6f7564666c6172652e636f6d82127777772e636c6f7564666c6172652e636f6d300e0603551d0f0101ff04\
0403020780301d0603551d250416301406082b0601050507030106082b0601050507030230819f0603551d1f04819730\
81943048a046a0448642687474703a2f2f63726c332e64696769636572742e636f6d2f44696769436572744543434578\
74656e64656456616c69646174696f6e53657276657243412e63726c3048a046a0448642687474703a2f2f63726c342e\
64696769636572742e636f6d2f4469676943657274454343457874656e64656456616c69646174696f6e536572766572\
43412e63726c304b0603551d2004443042303706096086480186fd6c0201302a302806082b06010505070201161c6874\
7470733a2f2f7777772e64696769636572742e636f6d2f4350533007060567810c010130818706082b06010505070101\
047b3079302406082b060105050730018618687474703a2f2f6f6373702e64696769636572742e636f6d305106082b06\
0105050730028645687474703a2f2f636163657274732e64696769636572742e636f6d2f446967694365727445434345\
7874656e64656456616c69646174696f6e53657276657243412e637274300c0603551d130101ff040230003082017e06\
0a2b06010401d6790204020482016e0482016a0168007600a4b90990b418581487bb13a2cc67700a3c359804f91bdfb8\
e377cd0ec80ddc1000000166c688750c0000040300473045022100cde9cc16c03d9f50ff27e1ff5e668bde11b32b77bc\
4052ad02c88fd0583a8f84022071b9528b6a7988a2d5ba556836db2c56ab59778966d854ae801d85ca3f1b3051007600\
8775bfe7597cf88c43995fbdf36eff568d475636ff4ab560c1b4eaff5ea0830f00000166c68876cb0000040300473045\
0220306cdddcfe03c82c72d162e51bdd7c933bab0109e4a7a573bc5769751c3a8105022100f6d8282b0742d085b0255a\
f1818e95f73a7667f759324a9e7731225344d541db007600bbd9dfbc1f8a71b593942397aa927b473857950aab52e81a\
909664368e1ed18500000166c68875110000040300473045022079e3f579c2f6106a9c1e2ab8a16b5721d408b04123cb\
6399f054151cca3808b6022100c5508c255e327f5806b49d5f0b0d7bfee832f84d6502be56c0327e8fabd52eda300a06\
082a8648ce3d040302036800306502301e1b3d109a50232ee686111346a81de863f82f609643490a49307355f825631d\
4659daa94b9868993d50a8c4fc520fe3023100d264ccadf892b66bfeb7a94e8c063bfbd3089fd9041080b952970a1424\
a45a8ad7273c1e86cbb7a8bec3c098fa4a91ae";

fn tcp() -> ConnRef {
    conn(
        true,
        2,
        ("2001:4998:ef83:14:8000::100d", 64034),
        ("2606:4700::6811:d209", 443),
    )
}

fn msg(h: &str) -> Msg {
    let b = hex(h);
    Msg::read(
        &TlsView::new(&b).expect("TLS"),
        true,
        &mut CertCache::default(),
    )
}

/// Whether the tracker wants no more of the connection.
fn feed(t: &mut Tracker, rows: &mut Rows, c: &ConnRef, from_orig: bool, ts: i64, m: Msg) -> bool {
    let f = frame(c, ts, from_orig);
    t.message(&f, m, rows).expect("sink")
}

/// Events of a record of `content_type` followed by `evs`.
fn rec(content_type: u8, evs: Vec<Ev>) -> Msg {
    let mut all = vec![Ev::Record(content_type)];
    all.extend(evs);
    Msg {
        evs: all,
        dtls: false,
    }
}

#[test]
fn hellos_as_zeek_logs_them() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    feed(&mut t, &mut rows, &c, true, 10 * SEC, msg(CLIENT_HELLO));
    feed(&mut t, &mut rows, &c, false, 11 * SEC, msg(SERVER_HELLO));
    t.conn_ended(c.id, &mut rows).expect("sink");
    assert_eq!(rows.count("ssl"), 1);
    let g = |k: &str| rows.get("ssl", 0, k);
    rows.check(
        "ssl",
        0,
        &[
            ("ts", "10.000000"),
            ("version", "TLSv12"),
            ("cipher", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            ("server_name", "www.cloudflare.com"),
            ("next_protocol", "h2"),
            ("resumed", "F"),
            ("established", "F"),
            ("ssl_history", "Cs"),
            ("cert_chain_fps", "-"),
            ("client_cert_chain_fps", "-"),
            ("sni_matches_cert", "-"),
            // tshark 4.0's tls.handshake.ja3 and ja3s for frames 4 and 6.
            ("ja3", "3faa4ad39f690c4ef1c3160caa375465"),
            ("ja3s", "7f76f3e952a1bc7d407366fafe1db7ed"),
        ],
    );
    let ja4 = g("ja4");
    assert!(ja4.starts_with("t12d4605h2_"), "{ja4}");
    assert_eq!(ja4.len(), 36);
}

/// After a gap in either direction Zeek's SSL analyzer reads nothing
/// more (`had_gap`): the ServerHello that follows one is not in the
/// record, which is still written with what came before.
#[test]
fn nothing_is_read_after_a_gap() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    feed(&mut t, &mut rows, &c, true, 10 * SEC, msg(CLIENT_HELLO));
    t.gap(c.id);
    assert!(
        feed(&mut t, &mut rows, &c, false, 11 * SEC, msg(SERVER_HELLO)),
        "done"
    );
    t.conn_ended(c.id, &mut rows).expect("sink");
    rows.check(
        "ssl",
        0,
        &[
            ("server_name", "www.cloudflare.com"),
            ("version", "-"),
            ("cipher", "-"),
            ("ssl_history", "C"),
        ],
    );
    // A gap on a connection with no TLS state changes nothing.
    let mut other = Tracker::default();
    other.gap(c.id);
    assert!(!other.any());
}

#[test]
fn established_once_both_sides_changed_cipher() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    feed(&mut t, &mut rows, &c, true, SEC, msg(CLIENT_HELLO));
    feed(&mut t, &mut rows, &c, false, SEC, msg(SERVER_HELLO));
    let hs_ = |ty: u8| rec(ct::HANDSHAKE, vec![Ev::Handshake(ty)]);
    feed(
        &mut t,
        &mut rows,
        &c,
        false,
        SEC,
        hs_(hs::SERVER_HELLO_DONE),
    );
    feed(
        &mut t,
        &mut rows,
        &c,
        true,
        SEC,
        hs_(hs::CLIENT_KEY_EXCHANGE),
    );
    feed(
        &mut t,
        &mut rows,
        &c,
        true,
        SEC,
        rec(ct::CHANGE_CIPHER_SPEC, vec![Ev::ChangeCipherSpec]),
    );
    // The client's Finished is ciphertext; the server has not changed yet.
    let done = feed(
        &mut t,
        &mut rows,
        &c,
        true,
        SEC,
        rec(ct::HANDSHAKE, vec![Ev::Handshake(99)]),
    );
    assert_eq!(rows.count("ssl"), 0);
    assert!(!done, "the connection's later records still matter");
    feed(
        &mut t,
        &mut rows,
        &c,
        false,
        SEC,
        rec(ct::CHANGE_CIPHER_SPEC, vec![Ev::ChangeCipherSpec]),
    );
    let done = feed(
        &mut t,
        &mut rows,
        &c,
        false,
        2 * SEC,
        rec(ct::HANDSHAKE, vec![]),
    );
    assert_eq!(rows.count("ssl"), 1, "written when established");
    assert!(done, "nothing more wanted once written");
    assert_eq!(rows.get("ssl", 0, "established"), "T");
    assert_eq!(rows.get("ssl", 0, "ssl_history"), "CsnGIi");
    // Nothing more for this connection.
    assert!(feed(
        &mut t,
        &mut rows,
        &c,
        false,
        3 * SEC,
        rec(ct::ALERT, vec![Ev::Alert(0)]),
    ));
    t.conn_ended(c.id, &mut rows).expect("sink");
    assert_eq!(rows.count("ssl"), 1);
}

#[test]
fn resumption_by_session_id_and_by_ticket() {
    let sid = vec![7u8; 32];
    let ch = |ticket: bool, session_id: Vec<u8>| {
        rec(
            ct::HANDSHAKE,
            vec![Ev::ClientHello(Box::new(ClientHello {
                session_id,
                ticket,
                ..ClientHello::default()
            }))],
        )
    };
    let sh = |session_id: Vec<u8>| {
        rec(
            ct::HANDSHAKE,
            vec![Ev::ServerHello(Box::new(ServerHello {
                version: 0x0303,
                session_id,
                cipher: Some(0xc02f),
                ..ServerHello::default()
            }))],
        )
    };
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    feed(&mut t, &mut rows, &c, true, SEC, ch(false, sid.clone()));
    feed(&mut t, &mut rows, &c, false, SEC, sh(sid.clone()));
    t.conn_ended(c.id, &mut rows).expect("sink");
    assert_eq!(rows.get("ssl", 0, "resumed"), "T");
    assert_eq!(
        rows.get("ssl", 0, "cipher"),
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    );
    // A ticket with an empty session id, and a ChangeCipherSpec from the
    // client with no key exchange before it.
    feed(&mut t, &mut rows, &c, true, SEC, ch(true, Vec::new()));
    feed(&mut t, &mut rows, &c, false, SEC, sh(sid));
    feed(
        &mut t,
        &mut rows,
        &c,
        true,
        SEC,
        rec(ct::CHANGE_CIPHER_SPEC, vec![Ev::ChangeCipherSpec]),
    );
    t.conn_ended(c.id, &mut rows).expect("sink");
    assert_eq!(rows.get("ssl", 1, "resumed"), "T");
    assert_eq!(rows.get("ssl", 1, "ssl_history"), "CsI");
}

#[test]
fn client_hello_from_the_responder_flips() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    feed(&mut t, &mut rows, &c, false, SEC, msg(CLIENT_HELLO));
    feed(&mut t, &mut rows, &c, true, SEC, msg(SERVER_HELLO));
    feed(
        &mut t,
        &mut rows,
        &c,
        true,
        SEC,
        rec(ct::ALERT, vec![Ev::Alert(40)]),
    );
    t.finish(&mut rows).expect("sink");
    assert_eq!(rows.get("ssl", 0, "ssl_history"), "^Csl");
    assert_eq!(rows.get("ssl", 0, "last_alert"), "handshake_failure");
}

#[test]
fn certificate_names_as_openssl_prints_them() {
    let der = hex(CERT);
    let n = Cert::parse(&der).expect("a certificate");
    // `openssl x509 -noout -subject -issuer -nameopt RFC2253`.
    assert_eq!(
        n.subject,
        "CN=cloudflare.com,O=Cloudflare\\, Inc.,L=San Francisco,ST=California,C=US,\
serialNumber=4710875,jurisdictionST=Delaware,jurisdictionC=US,businessCategory=Private Organization"
    );
    assert_eq!(
        n.issuer,
        "CN=DigiCert ECC Extended Validation Server CA,OU=www.digicert.com,O=DigiCert Inc,C=US"
    );
    assert!(n
        .host_names
        .iter()
        .any(|d| d == "www.cloudflare.com" || d == "*.cloudflare.com"));
    // `openssl x509 -noout -fingerprint -sha256`.
    let c = certs(
        [(0usize, der.as_slice())].into_iter(),
        true,
        &mut CertCache::default(),
    );
    assert_eq!(
        c.fps,
        ["84694645cbd183bf9be472ce702bd189246e1fcd1544ffead466d956a71690bf"]
    );
    let (mut t, mut rows, conn_) = (Tracker::default(), Rows::default(), tcp());
    feed(&mut t, &mut rows, &conn_, true, SEC, msg(CLIENT_HELLO));
    feed(
        &mut t,
        &mut rows,
        &conn_,
        false,
        SEC,
        rec(ct::HANDSHAKE, vec![Ev::Certificate(Box::new(c))]),
    );
    t.finish(&mut rows).expect("sink");
    assert_eq!(rows.get("ssl", 0, "sni_matches_cert"), "T");
    // The client sent no certificate: its list is empty once the
    // server's certificate started both (Zeek's rdp-to-ssl and
    // ssl fragment baselines: `(empty)`); with no certificate at all
    // both stay unset.
    assert_eq!(
        rows.get("ssl", 0, "cert_chain_fps"),
        "84694645cbd183bf9be472ce702bd189246e1fcd1544ffead466d956a71690bf"
    );
    assert_eq!(rows.get("ssl", 0, "client_cert_chain_fps"), "(empty)");
    assert!(rows
        .get("ssl", 0, "subject")
        .starts_with("CN=cloudflare.com,O=Cloudflare\\x5c, Inc."));
    // The server's own certificate in x509.log; the values are those of
    // `openssl x509 -noout -text -serial -dates -ext subjectAltName,basicConstraints`.
    assert_eq!(rows.count("x509"), 1);
    rows.check(
        "x509",
        0,
        &[
            ("ts", "1.000000"),
            (
                "fingerprint",
                "84694645cbd183bf9be472ce702bd189246e1fcd1544ffead466d956a71690bf",
            ),
            ("certificate.version", "3"),
            ("certificate.serial", "0A68BB984A507399F4716E809A44A7B0"),
            // 2018-10-30 00:00:00Z and 2020-11-03 12:00:00Z.
            ("certificate.not_valid_before", "1540857600.000000"),
            ("certificate.not_valid_after", "1604404800.000000"),
            ("certificate.key_alg", "id-ecPublicKey"),
            ("certificate.sig_alg", "ecdsa-with-SHA256"),
            ("certificate.key_type", "ec"),
            ("certificate.key_length", "256"),
            ("certificate.exponent", "-"),
            ("certificate.curve", "prime256v1"),
            ("san.dns", "cloudflare.com,www.cloudflare.com"),
            ("san.uri", "-"),
            ("san.email", "-"),
            ("san.ip", "-"),
            ("basic_constraints.ca", "F"),
            ("basic_constraints.path_len", "-"),
            ("host_cert", "T"),
            ("client_cert", "F"),
        ],
    );
    assert!(rows
        .get("x509", 0, "certificate.issuer")
        .starts_with("CN=DigiCert ECC Extended Validation Server CA,"));
}

#[test]
fn names_and_matches() {
    assert!(host_matches("*.example.com", "www.example.com"));
    assert!(host_matches("WWW.example.com", "www.EXAMPLE.com."));
    assert!(!host_matches("*.example.com", "example.com"));
    assert!(!host_matches("*.example.com", "a.b.example.com"));
    assert_eq!(version_name(0x0303), "TLSv12");
    assert_eq!(version_name(0x7f1c), "TLSv13-draft28");
    assert_eq!(version_name(0x1234), "unknown-4660");
    assert_eq!(cipher_name(0x1301), "TLS_AES_128_GCM_SHA256");
    assert_eq!(cipher_name(0x1234), "unknown-4660");
    assert_eq!(curve_name(29), "x25519");
    assert_eq!(curve_name(0x0a0a), "grease_0x0A0A");
    assert_eq!(alert_name(112), "unrecognized_name");
    let mut s = String::new();
    crate::logs::x509::names::escape(" a,b+\"#", &mut s);
    assert_eq!(s, "\\ a\\,b\\+\\\"#");
}

#[test]
fn hostile_layers_do_not_panic() {
    let mut next = crate::logs::apps::testing::xorshift(0x2545_f491_u32);
    let base = [hex(CLIENT_HELLO), hex(SERVER_HELLO)].concat();
    let c = tcp();
    let (mut t, mut rows) = (Tracker::default(), Rows::default());
    for i in 0..3000 {
        let mut b = base.clone();
        for _ in 0..(next() % 8) {
            let k = next() as usize % b.len();
            b[k] = next() as u8;
        }
        b.truncate(next() as usize % (b.len() + 1));
        if let Ok(v) = TlsView::new(&b) {
            let m = Msg::read(&v, i % 3 == 0, &mut CertCache::default());
            feed(&mut t, &mut rows, &c, i % 2 == 0, SEC, m);
        }
        let _ = Cert::parse(&b);
    }
}

/// zeek__tls-dtls-sequence-number-jumps.pcap frames 1-3: a DTLS 1.2
/// ClientHello in three fragments of 27 bytes, in records whose sequence
/// numbers are 0, 128 and 256.
const DTLS_FRAGMENTS: [&str; 3] = [
    "16fefd0000000000000000002701000051000000000000001bfefdf2d120880f75811062381f06abf371f75899aea4af864c6383",
    "16fefd0000000000000080002701000051000000001b00001b0b9b3ac7a09a710000000a130113021303c02bc02f0100001d002b",
    "16fefd0000000000000100002701000051000000003600001b000504fefcfefd000a00060004001d0017000d0006000408040403",
];

fn dtls_msg(b: &[u8]) -> Msg {
    let v = wire::dtls::DtlsView::new(b).expect("DTLS");
    Msg::read_dtls(&v, true, &mut CertCache::default())
}

fn udp() -> ConnRef {
    conn(false, 0, ("10.0.0.1", 50000), ("10.0.0.2", 4433))
}

#[test]
fn dtls_fragments_are_put_together() {
    let c = udp();
    let mut t = Tracker::default();
    let mut rows = Rows::default();
    // The same fragments in records numbered 2, 0, 1 (out of order).
    for (i, seq) in [(2, 2u8), (0, 0), (1, 1)] {
        let mut b = hex(DTLS_FRAGMENTS[i]);
        b[9] = 0;
        b[10] = seq;
        let m = dtls_msg(&b);
        assert!(matches!(m.evs.get(1), Some(Ev::DtlsFragment(_))));
        assert!(!feed(&mut t, &mut rows, &c, true, i as i64 * SEC, m));
        // Whole once the last piece is in.
        assert_eq!(t.confirmed(c.id), seq == 1, "after record {seq}");
    }
    assert_eq!(t.dtls_buffered, 0);
    assert_eq!(t.stats.dtls_violations, 0);
    t.finish(&mut rows).expect("sink");
    assert_eq!(rows.get("ssl", 0, "ssl_history"), "C");
    assert_eq!(rows.get("ssl", 0, "ja4").get(..4), Some("dd3i"));
}

#[test]
fn dtls_fragments_outside_the_window_are_a_violation() {
    let c = udp();
    let mut t = Tracker::default();
    let mut rows = Rows::default();
    let m = dtls_msg(&hex(DTLS_FRAGMENTS[0]));
    assert!(!feed(&mut t, &mut rows, &c, true, 0, m));
    // Record 128: past Zeek's window.
    let m = dtls_msg(&hex(DTLS_FRAGMENTS[1]));
    assert!(feed(&mut t, &mut rows, &c, true, SEC, m));
    assert_eq!(t.stats.dtls_violations, 1);
    assert!(!t.confirmed(c.id));
    assert_eq!(t.dtls_buffered, 0);
    t.finish(&mut rows).expect("sink");
    assert!(rows.rows.is_empty());
}

#[test]
fn dtls_fragments_are_bounded() {
    let c = udp();
    let mut t = Tracker::default();
    let mut rows = Rows::default();
    // A fragment of a message claiming more than the cap: dropped, counted.
    let mut b = hex(DTLS_FRAGMENTS[0]);
    b[14] = 0x10; // length 0x100051
    let m = dtls_msg(&b);
    assert!(!feed(&mut t, &mut rows, &c, true, 0, m));
    assert_eq!(t.stats.dtls_dropped, 1);
    assert_eq!(t.dtls_buffered, 0);
}
