//! Display filters on real packets: every construct of the language, with
//! the answers tshark 4.0 gives for the same packets (checked by running
//! `tshark -r FILE -Y EXPR` on the captures the bytes come from).

use wiresift_engine::filter::Filter;
use wiresift_engine::{dissect, Dissection, Options};
use wiresift_wire::frame::FrameMeta;

/// arkime__socks-http-example.pcap frame 1: a TCP SYN with options,
/// 10.180.156.185:53533 → 10.180.156.249:1080, TTL 64.
const SYN: &str = "001372c4f1e1001f5bff51cb080045000040c40a4000400627930ab49cb90ab49cf9d11d0438aee92ef100000000b002ffff40390000020405b4010303040101080a161ede5b0000000004020000";

/// The same capture's frame 8: `GET / HTTP/1.1` with curl's headers.
const GET: &str = "001372c4f1e1001f5bff51cb0800450000c6ac43400040063ed40ab49cb90ab49cf9d11d0438aee92efba03c5d3e8018202b9ef300000101080a161ede5f625fed37474554202f20485454502f312e310d0a557365722d4167656e743a206375726c2f372e32342e3020287838365f36342d6170706c652d64617277696e31322e3029206c69626375726c2f372e32342e30204f70656e53534c2f302e392e3879207a6c69622f312e322e350d0a486f73743a207777772e6578616d706c652e636f6d0d0a4163636570743a202a2f2a0d0a0d0a";

/// arkime__6-4-gre-ppp-udp-4-dns.pcap frame 1: Ethernet, 802.1Q (VLAN 100),
/// IPv6, IPv4 16.0.0.200 → 192.52.166.154, GRE, PPP, IPv4 172.16.44.3 →
/// 8.8.8.8, UDP 40768 → 53 (a DNS query).
const TUNNEL: &str = "c500000082c400121ef2613d8100006486dd60000000008b04f62402f00000018e0100000000000055552607fcd00100230000000000b1082a6b4500008b8caf0000402f75fe100000c8c034a69a3081880b0067178000068fb100083a76ff03002145000063000040003c115667ac102c03080808089f400035004f2d23a62c01000001000000000000357871742d6465746563742d6d6f6465322d39373731326538382d313637612d343562392d393365652d39313331343065373636373800001c0001";

fn bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

fn meta(number: u64, len: usize, rel: (i64, u32)) -> FrameMeta {
    FrameMeta {
        number,
        ts_secs: 1_386_004_309,
        ts_nanos: 468_752_000,
        rel_secs: rel.0,
        rel_nanos: rel.1,
        delta_secs: 0,
        delta_nanos: 5_000,
        len: len as u32,
        cap_len: len as u32,
        interface_id: 0,
        link_type: 1,
        has_time: true,
        checksum_offloaded: false,
    }
}

/// Check each `(filter, expected)` on the packet `hex`.
fn on(hex: &str, rel: (i64, u32), cases: &[(&str, bool)]) {
    let data = bytes(hex);
    let mut d = Dissection::default();
    dissect(meta(1, data.len(), rel), &data, Options::default(), &mut d);
    let mut wrong = Vec::new();
    for (src, want) in cases {
        let f = Filter::compile(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        if f.matches(&d) != *want {
            wrong.push(format!("{src:?} should be {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn presence_and_comparisons() {
    on(
        SYN,
        (0, 0),
        &[
            ("tcp", true),
            ("ip", true),
            ("udp", false),
            ("!udp", true),
            ("not ip", false),
            ("tcp.options.mss_val", true),
            ("tcp.flags.syn", true),
            ("tcp.port == 1080", true),
            ("tcp.port eq 1080", true),
            ("tcp.port != 1080", false),
            ("tcp.port ne 80", true),
            ("tcp.port ~= 1080", true),
            ("tcp.port !== 1080", true),
            ("tcp.port any_ne 1080", true),
            ("tcp.port === 1080", false),
            ("tcp.port all_eq 1080", false),
            ("tcp.srcport == 53533", true),
            ("tcp.dstport > 1079 && tcp.dstport < 1081", true),
            ("tcp.dstport ge 1080 and tcp.dstport le 1080", true),
            ("tcp.dstport gt 1080 or tcp.dstport lt 1080", false),
            ("frame.len == 78", true),
            ("frame.number == 1", true),
            // an absent field: every relation is false, `not` of it true
            ("udp.port == 53", false),
            ("udp.port != 53", false),
            ("not udp.port == 53", true),
            ("udp.port not in {53}", true),
        ],
    );
}

#[test]
fn numbers_in_every_notation() {
    on(
        SYN,
        (0, 0),
        &[
            ("ip.ttl == 64", true),
            ("ip.ttl == 0100", true),
            ("ip.ttl == 0x40", true),
            ("ip.ttl == 0b1000000", true),
            ("ip.ttl == '@'", true),
            ("ip.proto == '\\x06'", true),
            ("eth.type == 0x0800", true),
            ("eth.type == 2048", true),
            ("tcp.flags == 0x002", true),
            ("tcp.flags == 2", true),
            // a negative literal is no unsigned value: equal to nothing
            ("frame.number == -1", false),
            ("frame.number > -1", false),
            ("frame.number != -1", true),
            ("tcp.flags.syn == 1", true),
            ("tcp.flags.syn == True", true),
            ("tcp.flags.syn == TRUE", true),
            ("tcp.flags.syn == 2", true),
            ("tcp.flags.ack == False", true),
            ("tcp.flags.ack == 0", true),
        ],
    );
}

#[test]
fn addresses() {
    on(
        SYN,
        (0, 0),
        &[
            ("ip.src == 10.180.156.185", true),
            ("ip.addr == 10.180.156.249", true),
            ("ip.addr == 10.180.156.0/24", true),
            ("ip.addr == 10.0.0.0/8", true),
            ("ip.addr == 11.0.0.0/8", false),
            ("ip.addr == 1.2.3.4/0", true),
            ("ip.src > 10.180.156.200", false),
            ("ip.dst > 10.180.156.200", true),
            ("ip.src < ip.dst", true),
            ("ip.src == ip.dst", false),
            ("ip.addr != 10.180.156.185", false),
            ("ip.addr ~= 10.180.156.185", true),
            ("ip.src in {10.180.156.0 .. 10.180.156.190}", true),
            ("ip.src in {10.180.156.0/24}", true),
            ("ip.dst in {10.180.156.0 .. 10.180.156.190}", false),
            ("eth.src == 00:1f:5b:ff:51:cb", true),
            ("eth.src == 00-1f-5b-ff-51-cb", true),
            ("eth.src == 001f.5bff.51cb", true),
            ("eth.src == 001f5bff51cb", true),
            ("eth.addr == 00:13:72:c4:f1:e1", true),
            ("eth.dst == ff:ff:ff:ff:ff:ff", false),
            ("eth.src > 00:1f:00:00:00:00", true),
            ("eth.src == eth.dst", false),
        ],
    );
}

#[test]
fn slices() {
    on(
        SYN,
        (0, 0),
        &[
            ("eth.src[0:3] == 00:1f:5b", true),
            ("eth.src[0:3] == 00-1f-5b", true),
            ("eth.src[0:3] == 001f5b", true),
            ("eth.src[1-2] == 1f:5b", true),
            ("eth.src[:2] == 00:1f", true),
            ("eth.src[-1] == cb", true),
            ("eth.src[-1:1] == cb", true),
            ("eth.src[5] == cb", true),
            ("eth.src[4:] == 51:cb", true),
            ("eth.src[0:3,5] == 00:1f:5b:cb", true),
            ("eth.src[10] == 00", false),
            ("not eth.src[10] == 00", true),
            ("eth.dst[0] & 1", false),
            ("ip.src[0:2] == 0a:b4", true),
            ("ip.dst[3] == 0xf9", true),
            ("frame[0:2] == 00:13", true),
            ("frame[12:2] == 08:00", true),
            ("frame[76:]", true),
            ("frame[78:]", false),
            ("frame[-78:1] == 00", true),
            ("frame[-79:1]", false),
            ("eth[12:2] == 08:00", true),
            ("ip[0] == 45", true),
            ("ip[0:1] & f0 == 40", true),
            ("ip[0:1] & 0xf0 == 0x40", true),
            ("tcp[13] == 02", true),
            ("tcp[13] & 02", true),
            ("tcp[0:2] == d1:1d", true),
        ],
    );
}

#[test]
fn functions_arithmetic_and_layers() {
    on(
        SYN,
        (0, 0),
        &[
            ("len(eth.src) == 6", true),
            ("len(ip.src) == 4", true),
            ("len(tcp.port) == 2", true),
            ("len(eth) == 14", true),
            ("len(ip) == 20", true),
            ("len(tcp) == 44", true),
            ("len(frame) == 78", true),
            ("count(ip.addr) == 2", true),
            ("count(tcp.port) == 2", true),
            ("count(udp.port) == 0", false),
            ("count(ip) == 1", true),
            ("lower(tcp.flags.str) contains \"s\"", true),
            ("upper(ip.src_host) == \"10.180.156.185\"", true),
            ("tcp.flags & 0x02", true),
            ("tcp.flags & 0x12 == 0x12", false),
            ("tcp.flags bitwise_and 0x10", false),
            ("tcp.srcport + 1 == 53534", true),
            ("tcp.srcport - 1 == 53532", true),
            ("{tcp.srcport + 1} * 2 == 107068", true),
            ("tcp.srcport + 1 * 2 == 53535", true),
            ("tcp.srcport % 7 == 4", true),
            ("tcp.srcport / 0 == 1", false),
            ("-tcp.srcport == -53533", true),
            ("tcp.srcport > tcp.dstport", true),
            ("ip.src#1 == 10.180.156.185", true),
            ("ip.src#2 == 10.180.156.185", false),
            ("ip#1", true),
            ("ip#2", false),
            ("all tcp.port > 1000", true),
            ("all tcp.port > 2000", false),
            ("any tcp.port > 2000", true),
            ("all udp.port > 0", false),
        ],
    );
}

#[test]
fn logic() {
    on(
        SYN,
        (0, 0),
        &[
            ("tcp and ip", true),
            ("tcp && udp", false),
            ("udp or tcp", true),
            ("udp || arp", false),
            ("tcp xor udp", true),
            ("tcp ^^ ip", false),
            ("!tcp ^^ !ip", false),
            ("not tcp or ip and udp", false),
            ("udp or tcp and ip", true),
            ("(udp or tcp) and ip", true),
            ("!(udp or tcp)", false),
            ("not not tcp", true),
            ("tcp and not tcp.flags.ack == 1 && frame.number < 8", true),
            ("tcp.port in {80, 443, 1000..1090}", true),
            ("tcp.port in {80, 443}", false),
            ("tcp.port not in {80, 443}", true),
            ("not tcp.port in {1080}", false),
            ("ip.proto in {1, 6, 17}", true),
        ],
    );
}

#[test]
fn times() {
    on(
        SYN,
        (1, 500_000_000),
        &[
            ("frame.time_relative > 1.5", false),
            ("frame.time_relative >= 1.5", true),
            ("frame.time_relative > 1", true),
            ("frame.time_relative < 2", true),
            ("frame.time_relative + 1 > 2", true),
            ("frame.time_delta == 0.000005", true),
            ("frame.time_delta in {0 .. 0.001}", true),
            ("frame.time_epoch > 1386004309.468", true),
            ("frame.time_epoch < 1386004309.4687", false),
            ("frame.time_epoch == 1386004309.468752", true),
        ],
    );
}

#[test]
fn strings_contains_and_matches() {
    on(
        GET,
        (0, 0),
        &[
            ("tcp.payload contains \"HTTP\"", true),
            ("tcp.payload contains \"http\"", false),
            ("tcp.payload contains 47:45:54", true),
            ("tcp.payload contains 47.45.54", true),
            ("tcp.payload contains 'G'", true),
            ("tcp.payload contains 0x47", true),
            ("tcp.payload contains \"\\x47ET\"", true),
            ("tcp.payload contains \"\\107ET\"", true),
            ("tcp.payload contains r\"\\r\\n\"", false),
            ("tcp.payload contains \"\\r\\n\\r\\n\"", true),
            ("tcp.payload matches \"^get /\"", true),
            ("tcp.payload matches \"(?-i)^get /\"", false),
            (
                "tcp.payload matches \"host: www\\\\.example\\\\.com\"",
                true,
            ),
            ("tcp.payload ~ \"curl/7\\\\.[0-9]+\"", true),
            ("tcp.payload[0:3] == \"GET\"", true),
            ("tcp.payload[0:3] == 47:45:54", true),
            ("tcp.payload[0] == 0x47", true),
            ("tcp.payload[0] == 47", true),
            ("len(tcp.payload) == 146", true),
            ("tcp.len == 146 && len(tcp.payload) == tcp.len", true),
            // byte strings order by length first
            ("tcp.payload > 05:01", true),
            ("tcp.payload[0:2] > 48:00", false),
            ("tcp.payload[0:2] > 47:00", true),
            ("frame contains \"curl\"", true),
            ("ip contains \"GET\"", true),
            ("tcp contains \"GET\"", true),
            ("eth contains \"Accept\"", true),
            ("udp contains \"GET\"", false),
            ("frame[100-199] contains \"curl\"", true),
            ("frame[200-299] contains \"curl\"", false),
            ("frame matches \"\\\\x0d\\\\x0a\\\\x0d\\\\x0a$\"", true),
            ("tcp.flags.str == \"·······AP···\"", true),
            ("tcp.flags.str contains \"P\"", true),
            ("tcp.flags.str matches \"p\"", true),
            ("tcp.flags.str matches \"(?-i)p\"", false),
            // PCRE without UTF: '.' is one byte, and '·' is two
            ("tcp.flags.str matches \"^.{14}AP\"", true),
            ("tcp.flags.str > \"·······A\"", true),
            ("ip.src_host == 10.180.156.185", true),
            ("ip.src_host contains \"180.156\"", true),
            ("all tcp.payload contains \"GET\"", true),
        ],
    );
}

#[test]
fn fields_that_occur_more_than_once() {
    on(
        TUNNEL,
        (0, 0),
        &[
            ("ip.src == 16.0.0.200", true),
            ("ip.src == 172.16.44.3", true),
            ("ip.src != 16.0.0.200", false),
            ("ip.src ~= 16.0.0.200", true),
            ("ip.src !== 16.0.0.200", true),
            ("ip.src === 16.0.0.200", false),
            ("any ip.src != 16.0.0.200", true),
            ("all ip.src != 16.0.0.200", false),
            ("all ip.src == 16.0.0.200", false),
            ("all ip.src in {16.0.0.0/8, 172.16.0.0/12}", true),
            ("ip.src#1 == 16.0.0.200", true),
            ("ip.src#2 == 16.0.0.200", false),
            ("ip.src#2 == 172.16.44.3", true),
            ("ip.addr#[2-3] == 172.16.44.3", true),
            ("ip.addr#[1] == 172.16.44.3", false),
            ("ip#2", true),
            ("ip#3", false),
            ("count(ip.src) == 2", true),
            ("count(ip) == 2", true),
            ("count(ip.addr) == 4", true),
            ("ip.src == ip.dst", false),
            ("ip.src < ip.dst", true),
            ("ip.src in {16.0.0.0 .. 16.0.0.255}", true),
            ("vlan.id == 100", true),
            ("eth.type == 0x8100", true),
            ("ipv6", true),
            ("ipv6.src == 2402:f000:1:8e01::5555", true),
            ("ipv6.addr == 2402:f000::/32", true),
            ("ipv6.addr == 2402:f001::/32", false),
            ("gre", true),
            ("ppp", true),
            ("udp.port == 53", true),
            ("udp.dstport == 53 && ip.dst#2 == 8.8.8.8", true),
            ("tcp or udp", true),
        ],
    );
}

#[test]
fn explain_and_source_round_trip() {
    let f = Filter::compile("tcp.port == 443").expect("compiles");
    assert_eq!(f.source(), "tcp.port == 443");
    assert!(f.explain().contains("field tcp.port (uint, in tcp)"));
}

#[test]
fn a_filter_says_whether_it_tests_stream_numbers() {
    let tests = |src: &str| {
        Filter::compile(src)
            .expect("compiles")
            .tests_stream_numbers()
    };
    for src in [
        "tcp.stream == 3",
        "udp.stream",
        "ip.src == 10.0.0.1 and not tcp.stream in {1, 2}",
        "tcp.port == 80 or tcp.stream + 1 > 4",
        "tcp.srcport == 80 xor udp.stream == 1",
    ] {
        assert!(tests(src), "{src}");
    }
    for src in ["tcp", "tcp.port == 80", "udp.srcport in {53, 5353}", "http"] {
        assert!(!tests(src), "{src}");
    }
}
