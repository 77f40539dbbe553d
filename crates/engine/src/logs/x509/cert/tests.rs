//! Certificates made with OpenSSL 3.0 (`openssl req -x509`); the expected
//! values are what `openssl x509 -noout -text -serial -dates -nameopt
//! RFC2253 -ext subjectAltName,basicConstraints` prints of each, the
//! functions Zeek's X.509 analyzer calls.

use super::*;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// RSA-1024 with exponent 3, serial -1234, SHA-384, valid to the year 9966,
/// every kind of subjectAltName and a CA with path length 3.
const RSA: &str = "308202a53082020ea0030201020202fb2e300d06092a864886f70d01010c05003037310b300906035504061302444531\
123010060355040a0c09546573742c204f72673114301206035504030c0b7273612e6578616d706c653020170d323631\
3132343035323732305a180f39393636313033303035323732305a3037310b3009060355040613024445311230100603\
55040a0c09546573742c204f72673114301206035504030c0b7273612e6578616d706c6530819d300d06092a864886f7\
0d010101050003818b0030818702818100cd138172755ef8bdb5bf26d2e7c2871cc2d4d48414b0e0689141877829ae9a\
4fe89096e8eb635238b9aa46f463091f5c63c8f1a3599cab3a694f5ecc04b228044099f3bd829b1acd39c45055790305\
3be5033f72d38795d89813d8d6442314249494fa8632fde3be6d465495f34c68300dee0c4a25f7fc56241dac2554a699\
79020103a381bf3081bc301d0603551d0e041604142256d6b8fd0e990fc81f5d90125166ed934757e9301f0603551d23\
0418301680142256d6b8fd0e990fc81f5d90125166ed934757e930660603551d11045f305d820b7273612e6578616d70\
6c65820d2a2e7273612e6578616d706c658704c0000207871020010db8000000000000000000000001810f6f70734072\
73612e6578616d706c65861668747470733a2f2f7273612e6578616d706c652f636130120603551d130101ff04083006\
0101ff020103300d06092a864886f70d01010c050003818100a146d292bc1675c214ccda5f0a7d36fa7534dde3d65d4b\
a859a8c4616e25a0a33f710ae0f2ed0490d09af6d2780638e705e46d8f4296e381c836ff4b3091571c7281b9f9a18ff5\
3ad0535856fdad2a99e4d5702be95dd07e47e535d3514f2cbd927bba0dcddebf0b47af494a0a0b3bbf1f445fec97449a\
edc9af05d4044dd536";

/// DSA-1024, SHA-256, a 20-byte serial with its top bit set.
const DSA: &str = "308202e330820291a003020102021500ff0102030405060708090a0b0c0d0e0f10111213300b06096086480165030403\
0230163114301206035504030c0b6473612e6578616d706c65301e170d3236313132343035323732355a170d32363132\
32343035323732355a30163114301206035504030c0b6473612e6578616d706c65308201bf3082013406072a8648ce38\
04013082012702818100e03ac3674a261de5adb4bb9d0acd183620f0b710c73fba199c1c84a5c1ba1056409405d50304\
09b72f8fad58d75a0850779e1aa64f790aaf58ffe0a56dfd08ddabd1ac1b385b7e6c7245b8f0339637a0e10ddd456456\
f4514685a7ec63a29d8bc74881e7be549135d7011b1c887afaa09c235f97d1019a23ca2235df1b49996d021d00822db1\
abf957183ed43895467f8f3a0d7dbb8afe55a072360a0b2c1f02818100c0bf21684324afbccc06e62484f7e544d1e2c0\
ff3d8292d4775b2259071c25ff4f12307db9313cac55632aab7e7aa7597668239942cae0b444d8e9c3cbb7396dbbbab1\
c9bba669035527e08a3d7436a4e6fb85f75f84d5dc54a824b0cef4621671f0d2a66609d8a94a5b752cbd8d4741f439e2\
43d5ec0b4d2a7120d9fbf710500381840002818009a8fdcb964f79b68f342dedba1fdd8c583367f952f74895c6161831\
9193abe4b6257f71deaad05b3465f4e1d8e8b6dfb4a4a78c5a709d2a0c4a83adccce4eb879da01665e75773f69edc9cd\
dcda6d5f373955cdb720779cdee95a84e5745dda34c3caa168b6e8d1bb73e4373ee87190fb4e3a7f53da3d1a2efa0a47\
2b141cb9a3533051301d0603551d0e04160414df40716c483092b03b650a3e1202666e3d75d972301f0603551d230418\
30168014df40716c483092b03b650a3e1202666e3d75d972300f0603551d130101ff040530030101ff300b0609608648\
016503040302033f00303c021c51d83c6986190b55c51b0eac22885ab3aedd5f19cf368322d7073f7c021c01877e9e4a\
896db9d66ae19a08af256366838a916315779bc60a0e65";

/// Ed25519, serial 0.
const ED25519: &str = "3082012b3081dea003020102020100300506032b657030153113301106035504030c0a65642e6578616d706c65301e17\
0d3236313132343035323732355a170d3236313232343035323732355a30153113301106035504030c0a65642e657861\
6d706c65302a300506032b65700321001564e40175aca815e55b35d4294954d232fa24b494166444023f1d43804a3fe5\
a3533051301d0603551d0e041604141728dd7796ef6075cb955a23215c61e8c763ca97301f0603551d23041830168014\
1728dd7796ef6075cb955a23215c61e8c763ca97300f0603551d130101ff040530030101ff300506032b657003410005\
a7f15f0160f5280b9511cb1d65b76ae625c8f1ae023266269472de7adeb9bf5bbdfa0ec3bcf03e79eff062fcbea57862\
f29af4fa080f493b2993dde8de8c0d";

#[test]
fn rsa_with_every_alternative_name() {
    let c = Cert::parse(&hex(RSA)).expect("parses");
    assert_eq!(c.version, 3);
    assert_eq!(c.serial, "-04D2");
    assert_eq!(c.subject, "CN=rsa.example,O=Test\\, Org,C=DE");
    assert_eq!(c.issuer, c.subject);
    // 2026-11-24 05:27:20Z and 9966-10-30 05:27:20Z.
    assert_eq!(
        (c.not_before, c.not_after),
        (1_795_498_040, 252_355_498_040)
    );
    assert_eq!(c.key_alg, "rsaEncryption");
    assert_eq!(c.sig_alg, "sha384WithRSAEncryption");
    assert_eq!(
        c.key,
        Some(Key {
            kind: "rsa",
            bits: Some(1024),
            exponent: Some("3".into()),
            curve: None
        })
    );
    let san = c.san.expect("subjectAltName");
    assert_eq!(san.dns, ["rsa.example", "*.rsa.example"]);
    assert_eq!(san.uri, ["https://rsa.example/ca"]);
    assert_eq!(san.email, ["ops@rsa.example"]);
    let ips: Vec<IpAddr> = ["192.0.2.7", "2001:db8::1"]
        .iter()
        .map(|a| a.parse().expect("address"))
        .collect();
    assert_eq!(san.ip, ips);
    assert_eq!(
        c.basic,
        Some(Basic {
            ca: true,
            path_len: Some(3)
        })
    );
    assert_eq!(c.host_names, ["rsa.example", "*.rsa.example"]);
}

#[test]
fn dsa_and_ed25519_keys() {
    let d = Cert::parse(&hex(DSA)).expect("parses");
    // The sign-padding zero is not printed.
    assert_eq!(d.serial, "FF0102030405060708090A0B0C0D0E0F10111213");
    assert_eq!(
        (d.key_alg.as_str(), d.sig_alg.as_str()),
        ("dsaEncryption", "dsa_with_SHA256")
    );
    assert_eq!(
        d.key,
        Some(Key {
            kind: "dsa",
            bits: Some(1024),
            exponent: None,
            curve: None
        })
    );
    // 2026-11-24 05:27:25Z to 2026-12-24 05:27:25Z.
    assert_eq!((d.not_before, d.not_after), (1_795_498_045, 1_798_090_045));
    assert_eq!(d.san, None);
    assert_eq!(
        d.basic,
        Some(Basic {
            ca: true,
            path_len: None
        })
    );
    // No subjectAltName: the SNI is matched against the CN.
    assert_eq!(d.host_names, ["dsa.example"]);

    let e = Cert::parse(&hex(ED25519)).expect("parses");
    assert_eq!(e.serial, "00");
    assert_eq!(
        (e.key_alg.as_str(), e.sig_alg.as_str()),
        ("ED25519", "ED25519")
    );
    // Zeek fills key_type and key_length only for RSA, DSA and EC keys.
    assert_eq!(e.key, None);
}

#[test]
fn serials_as_i2a_asn1_integer_prints_them() {
    assert_eq!(serial_text(&[0x26]), "26");
    assert_eq!(serial_text(&[0x00]), "00");
    assert_eq!(serial_text(&[]), "00");
    assert_eq!(serial_text(&[0x00, 0x8f]), "8F");
    // Negative: the magnitude of the two's complement.
    assert_eq!(serial_text(&[0x80]), "-80");
    assert_eq!(serial_text(&[0xff]), "-01");
    assert_eq!(serial_text(&[0xff, 0x00]), "-0100");
    // A line break (after a backslash) follows every 35th byte.
    let long: Vec<u8> = (1..=36).collect();
    let text = serial_text(&long);
    assert_eq!(text.len(), 36 * 2 + 2);
    assert!(text.starts_with("0102"));
    assert!(text.ends_with("23\\\n24"));
}

#[test]
fn integers_bits_and_elements() {
    assert_eq!(decimal(&[0x01, 0x00, 0x01]).as_deref(), Some("65537"));
    assert_eq!(decimal(&[0x00, 0x03]).as_deref(), Some("3"));
    assert_eq!(decimal(&[]).as_deref(), Some("0"));
    let two_64 = [1, 0, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(decimal(&two_64).as_deref(), Some("18446744073709551616"));
    assert_eq!(decimal(&[0xff; MAX_EXPONENT + 1]), None);
    assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
    assert_eq!(bit_length(&[0x01]), 1);
    assert_eq!(bit_length(&[0x00, 0x00]), 0);
    assert_eq!(
        der_element(&[0x02, 0x01, 0x05, 0xaa], 0x02),
        Some((&[0x05][..], &[0xaa][..]))
    );
    assert_eq!(
        der_element(&[0x02, 0x81, 0x02, 0x01, 0x02], 0x02),
        Some((&[0x01, 0x02][..], &[][..]))
    );
    // Wrong tag, lengths past the end, indefinite and oversized lengths.
    assert_eq!(der_element(&[0x30, 0x01, 0x00], 0x02), None);
    assert_eq!(der_element(&[0x02, 0x05, 0x00], 0x02), None);
    assert_eq!(der_element(&[0x02, 0x80, 0x00], 0x02), None);
    assert_eq!(der_element(&[0x02, 0x85, 1, 1, 1, 1, 1], 0x02), None);
    assert_eq!(
        der_element(&[0x02, 0x84, 0xff, 0xff, 0xff, 0xff], 0x02),
        None
    );
    assert_eq!(c_string("a\0b"), "a");
    assert_eq!(ip(&[1, 2, 3]), None);
}

#[test]
fn damaged_certificates_do_not_panic() {
    let mut next = crate::logs::apps::testing::xorshift(0x9e37_79b9_u32);
    let mut parsed = 0;
    for base in [hex(RSA), hex(DSA), hex(ED25519)] {
        for _ in 0..2000 {
            let mut b = base.clone();
            for _ in 0..(next() % 4) {
                let k = next() as usize % b.len();
                b[k] = next() as u8;
            }
            b.truncate(b.len() - next() as usize % 8);
            parsed += usize::from(Cert::parse(&b).is_some());
        }
    }
    // Some damage leaves a certificate that still parses (a changed byte in
    // a name or the signature): those went through every field.
    assert!(parsed > 100, "{parsed}");
}

#[test]
fn the_cache_gives_what_a_fresh_reading_gives() {
    use crate::logs::x509::Cache;
    let ders = [hex(RSA), hex(DSA), hex(ED25519)];
    let mut cache = Cache::default();
    for round in 0..3 {
        for der in ders.iter().rev().chain(&ders) {
            // Fields asked for only from the second round: a certificate
            // first read without them gets them later.
            let fields = round > 0;
            let (fp, cert) = cache.read(der, fields);
            assert_eq!(
                fp,
                crate::logs::hex(&<sha2::Sha256 as sha2::Digest>::digest(der))
            );
            assert_eq!(cert, if fields { Cert::parse(der) } else { None });
            assert!(!fields || cert.is_some());
        }
    }
}
