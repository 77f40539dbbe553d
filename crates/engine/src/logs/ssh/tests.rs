use super::*;
use crate::logs::apps::testing::{conn, frame, Rows, SEC};
use crate::logs::apps::ConnRef;
use wire::ssh::SshRepr;

fn bytes(r: &SshRepr) -> Vec<u8> {
    let mut b = Vec::new();
    r.emit(&mut b);
    b
}

/// What ssh.log reads of a message built with the project's builder.
fn msg(r: &SshRepr, to_server: bool) -> Msg {
    let b = bytes(r);
    let v = SshView::new(&b, to_server).expect("view");
    Msg::read(&v)
}

fn kexinit(kex: &str, hostkey: &str, cipher: &str, mac: &str, comp: &str) -> SshRepr {
    let l = [kex, hostkey, cipher, cipher, mac, mac, comp, comp, "", ""].map(str::as_bytes);
    SshRepr::kexinit([7; 16], &l, false)
}

/// A key exchange reply: code, then the host key blob and two more
/// strings.
fn reply(code: u8, key: &[u8]) -> SshRepr {
    let mut m = vec![code];
    for s in [key, &[1u8; 32][..], &[2u8; 8][..]] {
        m.extend_from_slice(&(s.len() as u32).to_be_bytes());
        m.extend_from_slice(s);
    }
    SshRepr::packet(m)
}

struct Session {
    t: Tracker,
    rows: Rows,
    c: ConnRef,
    frame: u64,
}

impl Session {
    fn new() -> Self {
        Session {
            t: Tracker::default(),
            rows: Rows::default(),
            c: conn(true, 1, ("10.0.0.1", 50000), ("10.0.0.2", 22)),
            frame: 0,
        }
    }

    /// One frame of the client (or server) with these messages and then
    /// these delivered segment lengths.
    fn frame(&mut self, orig: bool, msgs: Vec<Msg>, segs: &[usize]) {
        self.frame += 1;
        let ts = SEC * 100 + self.frame as i64;
        for m in msgs {
            self.t
                .message(
                    &frame(&self.c, ts, orig),
                    self.frame,
                    false,
                    m,
                    &mut self.rows,
                )
                .expect("message");
        }
        let segs: Vec<Segment> = segs
            .iter()
            .map(|&len| Segment {
                from_orig: orig,
                len,
                gap: false,
            })
            .collect();
        self.t
            .segments(self.c.id, self.frame, &segs, &mut self.rows)
            .expect("segments");
    }

    /// Banners and KEXINITs of an OpenSSH-like session, the server's
    /// ECDH reply with NEWKEYS in one segment, the client's NEWKEYS.
    fn handshake(&mut self, comp: &str) {
        self.frame(
            true,
            vec![msg(&SshRepr::Banner(b"SSH-2.0-OpenSSH_9.2".to_vec()), true)],
            &[21],
        );
        self.frame(
            false,
            vec![msg(
                &SshRepr::Banner(b"SSH-2.0-OpenSSH_8.9".to_vec()),
                false,
            )],
            &[21],
        );
        let ck = kexinit(
            "curve25519-sha256,ecdh-sha2-nistp256",
            "ssh-ed25519,rsa-sha2-512",
            "chacha20-poly1305@openssh.com,aes128-ctr",
            "umac-64-etm@openssh.com,hmac-sha2-256",
            comp,
        );
        let sk = kexinit(
            "ecdh-sha2-nistp256,curve25519-sha256",
            "rsa-sha2-512,ssh-ed25519",
            "aes128-ctr,chacha20-poly1305@openssh.com",
            "hmac-sha2-256,umac-64-etm@openssh.com",
            comp,
        );
        self.frame(true, vec![msg(&ck, true)], &[bytes(&ck).len()]);
        self.frame(false, vec![msg(&sk, false)], &[bytes(&sk).len()]);
        let r = reply(REPLY_31, b"abc");
        let nk = SshRepr::packet(vec![NEWKEYS]);
        let both = bytes(&r).len() + bytes(&nk).len();
        self.frame(false, vec![msg(&r, false), msg(&nk, false)], &[both]);
        self.frame(true, vec![msg(&nk, true)], &[bytes(&nk).len()]);
    }
}

#[test]
fn name_lists_split_as_zeek_does() {
    assert_eq!(normalize(b",,a,,b,"), (b"a,b".to_vec(), false));
    assert_eq!(normalize(b""), (Vec::new(), false));
    let long = vec![b'x'; MAX_LIST + 1];
    let mut l = b"a,".to_vec();
    l.extend_from_slice(&long);
    assert_eq!(normalize(&l), (b"a".to_vec(), true), "cut at a name");
}

#[test]
fn negotiation_takes_the_clients_first_the_server_offers() {
    let (c, s): (&[u8], &[u8]) = (b"x,b,a", b"a,b");
    assert_eq!(find_alg(c, s), Some(&b"b"[..]));
    assert_eq!(find_alg(c, b"bb,aa"), None, "whole names only");
    assert_eq!(negotiated(c, b"z"), FAILED.to_vec());
    let got = bidirectional((c, b"a"), (s, b"a"));
    assert_eq!(got, b"To server: b, to client: a".to_vec());
    assert_eq!(bidirectional((c, c), (s, s)), b"b".to_vec());
}

#[test]
fn hassh_of_each_side() {
    // The HASSH paper's construction: MD5 of `kex;enc;mac;comp` in the
    // sender's direction. MD5("a;c;e;g") and MD5("a;d;f;h") by Python's
    // hashlib.
    let l = [b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"h"].map(|x| x.to_vec());
    let c = Hassh::of(&l, true);
    assert_eq!(c.algorithms, b"a;c;e;g".to_vec());
    assert_eq!(c.md5, "1dcec95d22563622775f87b354bc5ccc");
    assert_eq!(c.host_key_algorithms, b"b".to_vec());
    let s = Hassh::of(&l, false);
    assert_eq!(s.algorithms, b"a;d;f;h".to_vec());
    assert_eq!(s.md5, "8a4b343520dc5c88e17701acb23cc2e0");
}

#[test]
fn host_key_fingerprint_is_colon_separated_md5() {
    // RFC 1321's test vector: MD5("abc") = 900150983cd24fb0d6963f7d28e17f72.
    assert_eq!(
        fingerprint(b"abc"),
        "90:01:50:98:3c:d2:4f:b0:d6:96:3f:7d:28:e1:7f:72"
    );
}

#[test]
fn versions_as_the_script_and_the_parser_settle_them() {
    let rec = |c: &str, s: &str| Ssh {
        client: Some(c.as_bytes().to_vec()),
        server: Some(s.as_bytes().to_vec()),
        ..Ssh::new(0, Session::new().c)
    };
    assert_eq!(script_version(&rec("SSH-2.0-a", "SSH-2.0-b")), Some(2));
    assert_eq!(script_version(&rec("SSH-1.99-a", "SSH-2.0-b")), Some(2));
    assert_eq!(script_version(&rec("SSH-1.5-a", "SSH-2.0-b")), Some(0));
    assert_eq!(script_version(&rec("SSH-1.5-a", "SSH-1.99-b")), Some(1));
    assert_eq!(script_version(&rec("SSH-1.99-a", "SSH-1.99-b")), Some(2));
    assert_eq!(script_version(&rec("SSH-", "SSH-2.0-b")), None);
    use Major::*;
    assert_eq!(
        binpac_version([major(b"SSH-1.99-a"), major(b"SSH-2.0-b")]),
        V2
    );
    assert_eq!(
        binpac_version([major(b"SSH-1.5-a"), major(b"SSH-1.99-b")]),
        V1
    );
    assert_eq!(
        binpac_version([major(b"SSH-1.5-a"), major(b"SSH-2.0-b")]),
        Unknown
    );
    assert_eq!(binpac_version([V2, Unknown]), Unknown);
}

#[test]
fn a_failed_login_is_logged_at_the_end() {
    // The sizes of scapy's ssh_ed25519.pcap after NEWKEYS: service request
    // and accept 44, a request 60, the failure 52, another request 148 and
    // a second failure 52.
    let mut s = Session::new();
    s.handshake("none");
    for (orig, len) in [
        (true, 44),
        (false, 44),
        (true, 60),
        (false, 52),
        (true, 148),
        (false, 52),
    ] {
        s.frame(orig, vec![Msg::Encrypted], &[len]);
    }
    assert_eq!(
        s.rows.count("ssh"),
        0,
        "a failure waits for the connection's end"
    );
    assert!(s.t.following(s.c.id));
    s.t.conn_ended(s.c.id, &mut s.rows).expect("end");
    assert!(!s.t.is_live(), "an ended connection is followed no more");
    s.rows.check(
        "ssh",
        0,
        &[
            ("ts", "100.000000"),
            ("version", "2"),
            ("auth_success", "F"),
            ("auth_attempts", "1"),
            ("direction", "-"),
            ("client", "SSH-2.0-OpenSSH_9.2"),
            ("server", "SSH-2.0-OpenSSH_8.9"),
            ("cipher_alg", "chacha20-poly1305@openssh.com"),
            ("mac_alg", "umac-64-etm@openssh.com"),
            ("compression_alg", "none"),
            ("kex_alg", "curve25519-sha256"),
            ("host_key_alg", "ssh-ed25519"),
            (
                "host_key",
                "90:01:50:98:3c:d2:4f:b0:d6:96:3f:7d:28:e1:7f:72",
            ),
        ],
    );
}

#[test]
fn a_success_is_logged_at_once_and_ends_the_following() {
    let mut s = Session::new();
    s.handshake("none");
    // Accept 44; a failure 52 (one attempt); then 28, 16 under the accept:
    // a success.
    for (orig, len) in [
        (true, 44),
        (false, 44),
        (true, 60),
        (false, 52),
        (true, 148),
        (false, 52),
    ] {
        s.frame(orig, vec![Msg::Encrypted], &[len]);
    }
    s.frame(true, vec![Msg::Encrypted], &[200]);
    s.frame(false, vec![Msg::Encrypted], &[28]);
    assert_eq!(s.rows.count("ssh"), 1);
    s.rows
        .check("ssh", 0, &[("auth_success", "T"), ("auth_attempts", "2")]);
    assert!(!s.t.following(s.c.id));
    assert!(s.t.is_live());
    assert!(s.t.take_stop(s.c.id), "the stream is let go once");
    assert!(!s.t.take_stop(s.c.id));
    assert!(
        !s.t.is_live(),
        "no stream followed: frames are not looked at"
    );
    s.t.conn_ended(s.c.id, &mut s.rows).expect("end");
    assert_eq!(s.rows.count("ssh"), 1, "not written twice");
}

#[test]
fn a_success_before_any_failure_and_a_banner_skipped() {
    let mut s = Session::new();
    s.handshake("none");
    // Accept 44, a login banner 500 (over 256 more: skipped once), then 28.
    for (orig, len) in [
        (true, 44),
        (false, 44),
        (true, 60),
        (false, 500),
        (false, 28),
    ] {
        s.frame(orig, vec![Msg::Encrypted], &[len]);
    }
    s.rows
        .check("ssh", 0, &[("auth_success", "T"), ("auth_attempts", "1")]);
}

#[test]
fn the_server_before_the_client_encrypts_and_compression_say_nothing() {
    let mut s = Session::new();
    s.handshake("zlib@openssh.com");
    // The server's first encrypted segment comes before the client's: not
    // the accept. Then accept 44, failure 52, failure 52: not counted
    // under compression.
    for (orig, len) in [
        (false, 99),
        (true, 44),
        (false, 44),
        (false, 52),
        (false, 52),
    ] {
        s.frame(orig, vec![Msg::Encrypted], &[len]);
    }
    s.t.finish(&mut s.rows).expect("finish");
    s.rows.check(
        "ssh",
        0,
        &[
            ("auth_success", "-"),
            ("auth_attempts", "0"),
            ("compression_alg", "zlib@openssh.com"),
        ],
    );
}

#[test]
fn the_clear_bytes_before_newkeys_are_not_a_segment() {
    // The server's reply and NEWKEYS share a segment with its first
    // encrypted bytes (60): those alone count, and before the client's
    // encrypted data they are not the accept.
    let mut s = Session::new();
    s.frame(
        true,
        vec![msg(&SshRepr::Banner(b"SSH-2.0-a".to_vec()), true)],
        &[11],
    );
    s.frame(
        false,
        vec![msg(&SshRepr::Banner(b"SSH-2.0-b".to_vec()), false)],
        &[11],
    );
    let nk = SshRepr::packet(vec![NEWKEYS]);
    s.frame(true, vec![msg(&nk, true)], &[bytes(&nk).len() + 40]);
    s.frame(false, vec![msg(&nk, false)], &[bytes(&nk).len() + 44]);
    for (orig, len) in [(true, 60), (false, 52), (false, 52)] {
        s.frame(orig, vec![Msg::Encrypted], &[len]);
    }
    s.t.finish(&mut s.rows).expect("finish");
    // 44 was the accept (the client's 40 came first), 52 the failure size
    // and the next 52 a failed attempt.
    s.rows
        .check("ssh", 0, &[("auth_success", "F"), ("auth_attempts", "1")]);
}

#[test]
fn a_gap_ends_the_analysis() {
    let mut s = Session::new();
    s.handshake("none");
    s.frame(true, vec![Msg::Encrypted], &[44]);
    s.frame(false, vec![Msg::Encrypted], &[44]);
    let gap = [Segment {
        from_orig: true,
        len: 60,
        gap: true,
    }];
    s.t.segments(s.c.id, 99, &gap, &mut s.rows).expect("gap");
    assert!(!s.t.following(s.c.id));
    s.frame(false, vec![Msg::Encrypted], &[28]);
    s.t.finish(&mut s.rows).expect("finish");
    s.rows.check(
        "ssh",
        0,
        &[("auth_success", "-"), ("kex_alg", "curve25519-sha256")],
    );
}

#[test]
fn a_connection_without_handshake_is_not_logged() {
    let mut s = Session::new();
    let m = msg(&SshRepr::Banner(b"SSH-2.0-x".to_vec()), true);
    s.t.message(&frame(&s.c, SEC, true), 1, true, m, &mut s.rows)
        .expect("message");
    assert!(s.t.take_stop(s.c.id));
    s.t.finish(&mut s.rows).expect("finish");
    assert_eq!(s.rows.count("ssh"), 0);
}

#[test]
fn host_keys_where_the_key_exchange_puts_them() {
    for (kex, code, key) in [
        ("diffie-hellman-group14-sha1", REPLY_31, true),
        ("diffie-hellman-group-exchange-sha256", REPLY_31, false),
        ("diffie-hellman-group-exchange-sha256", REPLY_33, true),
        ("gss-group14-sha1-toWM5Slw5Ew8Mqkay+al2g==", REPLY_33, true),
        ("ecdh-sha2-nistp256", REPLY_33, false),
        // Not one Zeek's parser knows: no key.
        ("sntrup761x25519-sha512@openssh.com", REPLY_31, false),
    ] {
        let mut s = Session::new();
        s.frame(
            true,
            vec![msg(&SshRepr::Banner(b"SSH-2.0-a".to_vec()), true)],
            &[11],
        );
        s.frame(
            false,
            vec![msg(&SshRepr::Banner(b"SSH-2.0-b".to_vec()), false)],
            &[11],
        );
        let k = kexinit(kex, "ssh-rsa", "aes128-ctr", "hmac-sha1", "none");
        s.frame(false, vec![msg(&k, false)], &[1]);
        s.frame(true, vec![msg(&k, true)], &[1]);
        s.frame(false, vec![msg(&reply(code, b"abc"), false)], &[1]);
        s.t.finish(&mut s.rows).expect("finish");
        let want = if key {
            "90:01:50:98:3c:d2:4f:b0:d6:96:3f:7d:28:e1:7f:72"
        } else {
            "-"
        };
        s.rows
            .check("ssh", 0, &[("kex_alg", kex), ("host_key", want)]);
    }
}

#[test]
fn hostile_messages_read_without_panic() {
    // Truncated and damaged packets: a KEXINIT whose lists run past its
    // end, a reply whose string length is past the packet.
    let mut k = bytes(&kexinit("a", "b", "c", "d", "e"));
    if let Some(b) = k.get_mut(26) {
        *b = 0xff;
    }
    for b in [k, bytes(&reply(REPLY_31, b"abc"))] {
        for cut in 1..b.len() {
            let Ok(v) = SshView::new(b.get(..cut).unwrap_or_default(), true) else {
                continue;
            };
            let _ = Msg::read(&v);
        }
    }
    let mut r = bytes(&reply(REPLY_31, b"abc"));
    if let Some(b) = r.get_mut(6) {
        *b = 0x7f;
    }
    let v = SshView::new(&r, false).expect("view");
    assert!(matches!(Msg::read(&v), Msg::Other { .. }));
}

#[test]
fn ssh_1_is_let_go_once_both_lines_are_known() {
    // Sizes say nothing of SSH 1, and it has no KEXINIT.
    let mut s = Session::new();
    s.frame(
        true,
        vec![msg(&SshRepr::Banner(b"SSH-1.5-a".to_vec()), true)],
        &[11],
    );
    assert!(!s.t.take_stop(s.c.id));
    s.frame(
        false,
        vec![msg(&SshRepr::Banner(b"SSH-1.5-b".to_vec()), false)],
        &[11],
    );
    assert!(s.t.take_stop(s.c.id));
    s.t.finish(&mut s.rows).expect("finish");
    s.rows
        .check("ssh", 0, &[("version", "1"), ("auth_attempts", "0")]);
}
