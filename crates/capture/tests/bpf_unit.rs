//! Capture filters, piece by piece: the parser (each construct, and each
//! error with its caret and hint), the code generator's output in
//! `tcpdump -d` form for programs whose libpcap output we know, far jumps,
//! the validator, and the interpreter's robustness on random programs and
//! packets.

use wiresift_capture::bpf::{self, dump, interp, op, SockFilter, Target};

fn t(lt: u32) -> Target {
    Target {
        link_type: lt,
        snaplen: 65_535,
        null_big_endian: false,
        vlan_in_metadata: false,
    }
}

fn prog(expr: &str) -> Vec<SockFilter> {
    bpf::compile(expr, &t(1)).unwrap_or_else(|e| panic!("{expr}: {e}"))
}

fn err(expr: &str, lt: u32) -> bpf::CompileError {
    match bpf::compile(expr, &t(lt)) {
        Ok(p) => panic!("{expr} compiled:\n{}", dump::dump(&p)),
        Err(e) => e,
    }
}

// ---- programs, compared with libpcap 1.10's `tcpdump -d` ------------------------

#[test]
fn ether_host_is_exactly_libpcaps() {
    // tcpdump -d 'ether host 1:2:3:4:5:6' (libpcap 1.10.3)
    let want = "\
(000) ld       [8]
(001) jeq      #0x3040506       jt 2\tjf 4
(002) ldh      [6]
(003) jeq      #0x102           jt 8\tjf 4
(004) ld       [2]
(005) jeq      #0x3040506       jt 6\tjf 9
(006) ldh      [0]
(007) jeq      #0x102           jt 8\tjf 9
(008) ret      #65535
(009) ret      #0
";
    assert_eq!(dump::dump(&prog("ether host 1:2:3:4:5:6")), want);
}

#[test]
fn simple_programs_read_like_tcpdumps() {
    assert_eq!(
        dump::dump(&prog("ip")),
        "(000) ldh      [12]\n(001) jeq      #0x800           jt 2\tjf 3\n(002) ret      #65535\n(003) ret      #0\n"
    );
    assert_eq!(
        dump::dump(&prog("less 100")),
        "(000) ld       #pktlen\n(001) jgt      #0x64            jt 3\tjf 2\n(002) ret      #65535\n(003) ret      #0\n"
    );
    // Raw IP: the version nibble; Linux cooked: the protocol at 14; loopback
    // (link type 108): the family in network order.
    assert_eq!(
        dump::dump(&bpf::compile("ip6", &t(101)).unwrap()),
        "(000) ldb      [0]\n(001) and      #0xf0\n(002) jeq      #0x60            jt 3\tjf 4\n(003) ret      #65535\n(004) ret      #0\n"
    );
    assert!(dump::dump(&bpf::compile("arp", &t(113)).unwrap())
        .starts_with("(000) ldh      [14]\n(001) jeq      #0x806 "));
    assert!(dump::dump(&bpf::compile("ip", &t(108)).unwrap())
        .starts_with("(000) ld       [0]\n(001) jeq      #0x2 "));
    // Link type 0 in a little-endian file: the family byte-swapped.
    assert!(dump::dump(&bpf::compile("ip", &t(0)).unwrap()).contains("jeq      #0x2000000"));
    // … and in a big-endian one, as written.
    let be = Target {
        null_big_endian: true,
        ..t(0)
    };
    assert!(dump::dump(&bpf::compile("ip", &be).unwrap())
        .starts_with("(000) ld       [0]\n(001) jeq      #0x2 "));
    // Raw IPv4 (228): `ip` is always true.
    assert_eq!(
        dump::dump(&bpf::compile("ip", &t(228)).unwrap()),
        "(000) ret      #65535\n"
    );
    // An empty filter keeps everything.
    assert_eq!(
        dump::dump(&bpf::compile("  ", &t(1)).unwrap()),
        "(000) ret      #65535\n"
    );
}

#[test]
fn arithmetic_uses_scratch_memory_and_index_registers() {
    // Exactly libpcap's code, but for the scratch slot it numbers from 1.
    let d = dump::dump(&prog("len - 2 > ip[2:2] * 3"));
    assert_eq!(
        d,
        "(000) ldh      [12]\n(001) jeq      #0x800           jt 2\tjf 11\n(002) ld       #pktlen\n(003) sub      #2\n(004) st       M[0]\n(005) ldh      [16]\n(006) mul      #3\n(007) tax      \n(008) ld       M[0]\n(009) jgt      x                jt 10\tjf 11\n(010) ret      #65535\n(011) ret      #0\n"
    );
    // A long chain needs one scratch slot.
    let chain = format!("ip[0]{} = 1", " + ip[1]".repeat(500));
    assert!(bpf::compile(&chain, &t(1)).is_ok());
    // Too deep, too long: errors, not a blown stack.
    let deep = format!("{}tcp{}", "(".repeat(150), ")".repeat(150));
    assert_eq!(err(&deep, 1).msg, "nested more than 100 deep");
    let long = vec!["tcp"; 3000].join(" or ");
    assert!(err(&long, 1).msg.contains("too long"));
    let many = vec!["tcp"; 2000].join(" or ");
    assert!(err(&many, 1).msg.contains("more than the kernel's 4096"));
    let d = dump::dump(&prog("tcp[ip[0] & 1] = 5"));
    for want in [
        "ldxb     4*([14]&0xf)",
        "add      x",
        "tax",
        "ldb      [x + 14]",
        "jset     #0x1fff",
    ] {
        assert!(d.contains(want), "{want} in\n{d}");
    }
    let d = dump::dump(&prog("ip[8] % 3 = 1 and ip[1] ^ 0xff > 3 and ip[2] << 2 > 0 and ip[3] >> 1 > 0 and ip[4] | 1 > 0 and ip[5] / 2 > 0 and -ip[6] > 0"));
    for want in [
        "mod      #3",
        "xor      #0xff",
        "lsh      #2",
        "rsh      #1",
        "or       #0x1",
        "div      #2",
        "neg",
    ] {
        assert!(d.contains(want), "{want} in\n{d}");
    }
}

#[test]
fn live_vlan_reads_the_kernels_metadata() {
    let live = Target {
        vlan_in_metadata: true,
        ..t(1)
    };
    let d = dump::dump(&bpf::compile("vlan 7 and udp", &live).unwrap());
    assert!(
        d.starts_with("(000) ld       vlan_avail\n(001) jeq      #0x1 "),
        "{d}"
    );
    assert!(
        d.contains("ld       vlan_tci\n(003) and      #0xfff\n(004) jeq      #0x7 "),
        "{d}"
    );
    // No shift: the packet the kernel filters is untagged.
    assert!(
        d.contains("ldh      [12]") && !d.contains("ldh      [16]"),
        "{d}"
    );
    // A second vlan (QinQ) looks in the packet.
    let d = dump::dump(&bpf::compile("vlan and vlan 3", &live).unwrap());
    assert!(
        d.contains("jeq      #0x8100") && d.contains("ldh      [14]"),
        "{d}"
    );
    // Our interpreter knows no metadata: such a load rejects.
    let p = bpf::compile("vlan", &live).unwrap();
    assert_eq!(interp::run(&p, &[0u8; 64], 64), 0);
}

// ---- semantics on hand-made packets ----------------------------------------------

/// Ethernet + IPv4 (20-byte header) + TCP or UDP header, ports and flags given.
fn v4(proto: u8, src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, flags: u8) -> Vec<u8> {
    let mut p = vec![0u8; 14 + 20 + 20];
    p[0..6].copy_from_slice(&[0, 1, 2, 3, 4, 5]);
    p[6..12].copy_from_slice(&[0xa, 0xb, 0xc, 0xd, 0xe, 0xf]);
    p[12..14].copy_from_slice(&[0x08, 0x00]);
    p[14] = 0x45;
    p[16..18].copy_from_slice(&40u16.to_be_bytes());
    p[22] = 64;
    p[23] = proto;
    p[26..30].copy_from_slice(&src);
    p[30..34].copy_from_slice(&dst);
    p[34..36].copy_from_slice(&sport.to_be_bytes());
    p[36..38].copy_from_slice(&dport.to_be_bytes());
    p[47] = flags;
    p
}

fn keeps(expr: &str, pkt: &[u8]) -> bool {
    interp::run(&prog(expr), pkt, pkt.len() as u32) != 0
}

#[test]
fn primitives_on_packets() {
    let syn = v4(6, [10, 0, 0, 1], [192, 168, 1, 2], 40000, 80, 0x02);
    let dns = v4(17, [192, 168, 1, 2], [8, 8, 8, 8], 5353, 53, 0);
    let cases: &[(&str, bool, bool)] = &[
        ("tcp", true, false),
        ("udp", false, true),
        ("ip and not ip6", true, true),
        ("port 80", true, false),
        ("tcp dst port 80", true, false),
        ("tcp src port 80", false, false),
        ("port 53 or 80", true, true),
        ("portrange 50-60", false, true),
        ("host 10.0.0.1", true, false),
        ("src host 10.0.0.1", true, false),
        ("dst host 10.0.0.1", false, false),
        ("net 192.168.0.0/16", true, true),
        ("src net 192.168 and udp", false, true),
        ("net 10.0.0.0 mask 255.0.0.0", true, false),
        ("src and dst net 192.168.1.0/24", false, false),
        ("ether src 0a:0b:0c:0d:0e:0f", true, true),
        ("ether dst 0a:0b:0c:0d:0e:0f", false, false),
        ("tcp[tcpflags] & tcp-syn != 0", true, false),
        ("tcp[tcpflags] & tcp-ack != 0", false, false),
        ("ip[8] = 64", true, true),
        ("ip[0] & 0xf != 5", false, false),
        ("proto 17", false, true),
        ("ip proto \\tcp", true, false),
        ("less 54", true, true),
        ("greater 55", false, false),
        ("len = 54", true, true),
        ("ether[0] & 1 != 0", false, false),
        ("not (tcp or udp)", false, false),
        // and/or have one precedence, left to right: (udp or tcp) and port 53
        ("udp or tcp and port 53", false, true),
        ("udp or (tcp and port 80)", true, true),
    ];
    for (expr, a, b) in cases {
        assert_eq!(keeps(expr, &syn), *a, "{expr} on the SYN");
        assert_eq!(keeps(expr, &dns), *b, "{expr} on the DNS query");
    }
}

#[test]
fn fragments_have_no_ports() {
    let mut frag = v4(17, [1, 1, 1, 1], [2, 2, 2, 2], 53, 53, 0);
    frag[20] = 0x00;
    frag[21] = 0x10; // fragment offset 16 (x8)
    assert!(!keeps("port 53", &frag));
    assert!(keeps("udp", &frag));
    assert!(keeps("ip[6:2] & 0x1fff != 0", &frag));
}

#[test]
fn vlan_shifts_what_follows() {
    // Ethernet, 802.1Q id 7, IPv4/UDP.
    let inner = v4(17, [1, 1, 1, 1], [2, 2, 2, 2], 1000, 2000, 0);
    let mut p = inner[..12].to_vec();
    p.extend_from_slice(&[0x81, 0x00, 0x00, 0x07]);
    p.extend_from_slice(&inner[12..]);
    assert!(keeps("vlan", &p));
    assert!(keeps("vlan 7", &p));
    assert!(!keeps("vlan 8", &p));
    assert!(keeps("vlan and udp port 2000", &p));
    assert!(keeps("vlan 7 and host 2.2.2.2", &p));
    // Without the vlan keyword the offsets are the untagged ones.
    assert!(!keeps("udp", &p));
    assert!(!keeps("udp", &p) && keeps("vlan and udp", &p));
}

#[test]
fn ipv6_ports_and_fragment_header() {
    let mut p = vec![0u8; 14 + 40 + 8];
    p[12..14].copy_from_slice(&[0x86, 0xdd]);
    p[14] = 0x60;
    p[20] = 17;
    p[22 + 15] = 1; // src ::1
    p[54..56].copy_from_slice(&53u16.to_be_bytes());
    assert!(keeps("ip6 and udp port 53", &p));
    assert!(keeps("ip6 src host ::1", &p));
    assert!(!keeps("ip6 dst host ::1", &p));
    assert!(keeps("ip6 net ::/64", &p));
    assert!(keeps("host ::1", &p));
    // Next header 44 (fragment) then UDP: `udp` follows it, `port` does not
    // (as libpcap).
    p[20] = 44;
    let mut q = p.clone();
    q.extend_from_slice(&[0u8; 8]);
    q[54] = 17;
    assert!(keeps("udp", &q));
    assert!(!keeps("port 53", &q));
}

#[test]
fn short_packets_are_rejected_not_misread() {
    // The flags byte is the 48th: any cut before it.
    for n in 0..48 {
        let p = v4(6, [1, 1, 1, 1], [2, 2, 2, 2], 1, 80, 2);
        let cut = &p[..n];
        // Loads past the end stop the program with 0, as in the kernel.
        assert!(!keeps("tcp[tcpflags] & tcp-syn != 0", cut), "cut at {n}");
        let _ = keeps("not tcp[13] = 0", cut);
    }
}

// ---- errors ------------------------------------------------------------------

#[test]
fn syntax_errors_point_at_the_place() {
    let e = err("tcp prot 80", 1);
    assert_eq!(
        e.to_string(),
        "unknown keyword 'prot'\n    tcp prot 80\n        ^~~~\n    did you mean port, proto?"
    );
    let e = err("host 1.2.3.4 annd port 80", 1);
    assert_eq!(e.caret(), (13, 4));
    assert_eq!(e.help.as_deref(), Some("did you mean and?"));
    let e = err("port 80 and", 1);
    assert!(e.msg.contains("end of the filter"), "{e}");
    assert_eq!(e.caret().0, 11);
    let e = err("(tcp or udp", 1);
    assert!(e.msg.contains("')'"), "{e}");
    let e = err("port 99999", 1);
    assert_eq!(e.help.as_deref(), Some("ports are 0 to 65535"));
    let e = err("ip[0:3] = 1", 1);
    assert!(e.msg.contains("1, 2 or 4"), "{e}");
    assert_eq!(e.caret(), (5, 1));
    let e = err("net 10.0.0.1/8", 1);
    assert!(e.msg.contains("non-network bits"), "{e}");
    let e = err("net 10/8", 1);
    assert!(e.msg.contains("two parts"), "{e}");
    let e = err("ip[0] / 0 = 1", 1);
    assert!(e.msg.contains("division by zero"), "{e}");
    let e = err("vlan 5000", 1);
    assert!(e.msg.contains("4095"), "{e}");
    let e = err("udp port http", 1);
    assert_eq!(e.msg, "port 'http' is tcp");
    let e = err("ip port 80", 1);
    assert!(e.msg.starts_with("illegal qualifier of 'port'"), "{e}");
    let e = err("tcp-syn", 1);
    assert!(e.msg.contains("a value for comparisons"), "{e}");
    let e = err("tcp[13] & 2 !! 0", 1);
    assert_eq!(
        e.msg,
        "expected a comparison (>, <, >=, <=, =, !=), found '!'"
    );
    assert_eq!(e.caret(), (12, 1));
    let e = err("port 80 and (ip[0] = 4 or foo)", 1);
    assert!(e.msg.contains("'foo'"), "{e}");
    let e = err("icmpp", 1);
    assert_eq!(e.help.as_deref(), Some("did you mean icmp, icmp6?"));
    let e = err("port 80 $", 1);
    assert_eq!(e.msg, "unexpected character '$'");
    assert_eq!(e.caret(), (8, 1));
    let e = err("tcp and gateway 1.2.3.4", 1);
    assert_eq!(
        e.msg,
        "'gateway' is a libpcap keyword that wiresift does not support (yet)"
    );
    assert_eq!(e.caret(), (8, 7));
    let e = err("esp[0] = 1", 1);
    assert_eq!(e.caret(), (3, 1));
    let e = err("hots 10.0.0.1", 1);
    assert!(e.to_string().contains("did you mean host?"), "{e}");
}

#[test]
fn link_type_errors_say_which() {
    let e = err("ether host 1:2:3:4:5:6", 113);
    assert!(e.msg.contains("link type 113 (Linux cooked v1)"), "{e}");
    let e = err("vlan", 101);
    assert!(e.msg.contains("VLAN") && e.msg.contains("101"), "{e}");
    let e = err("tcp", 127);
    assert!(e.msg.contains("not supported on link type 127"), "{e}");
    let e = err("arp", 101);
    assert!(e.msg.contains("rejects all packets"), "{e}");
    let e = err("ip and ip6", 228);
    assert!(e.msg.contains("rejects all packets"), "{e}");
}

// ---- layout, validator, interpreter ------------------------------------------------

#[test]
fn far_jumps_are_laid_out_through_ja() {
    // Long enough that the final return is more than 255 instructions away.
    let expr = (1..=120)
        .map(|i| format!("host 10.0.{}.{}", i / 250, i % 250))
        .collect::<Vec<_>>()
        .join(" or ");
    let p = prog(&expr);
    assert!(p.len() > 300, "{}", p.len());
    bpf::validate(&p).unwrap();
    assert!(p.iter().any(|i| i.code == op::JMP | op::JA));
    let pkt = v4(6, [10, 0, 0, 119], [9, 9, 9, 9], 1, 2, 0);
    assert!(interp::run(&p, &pkt, 54) != 0);
    let pkt = v4(6, [10, 0, 0, 121], [9, 9, 9, 9], 1, 2, 0);
    assert_eq!(interp::run(&p, &pkt, 54), 0);
}

#[test]
fn validator_rejects_bad_programs() {
    use op::*;
    let ret = SockFilter::stmt(RET | K, 1);
    assert!(bpf::validate(&[]).is_err());
    assert!(bpf::validate(&[SockFilter::jump(JMP | JEQ | K, 0, 1, 0), ret]).is_err());
    assert!(bpf::validate(&[SockFilter::stmt(JMP | JA, 1), ret]).is_err());
    assert!(bpf::validate(&[SockFilter::stmt(ST, 16), ret]).is_err());
    assert!(bpf::validate(&[SockFilter::stmt(LD | MEM, 16), ret]).is_err());
    assert!(bpf::validate(&[SockFilter::stmt(ALU | DIV | K, 0), ret]).is_err());
    assert!(bpf::validate(&[SockFilter::stmt(0xffff, 0), ret]).is_err());
    assert!(bpf::validate(&[SockFilter::stmt(LD | IMM, 0)]).is_err());
    assert!(bpf::validate(&[SockFilter::jump(JMP | JEQ | K, 0, 0, 0), ret]).is_ok());
}

/// xorshift64*: deterministic randomness without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn interpreter_never_panics_on_random_programs() {
    const CODES: &[u16] = &[
        0x00, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x60, 0x80, 0x01, 0x61, 0x81, 0xb1, 0x02, 0x03,
        0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74,
        0x7c, 0x84, 0x94, 0x9c, 0xa4, 0xac, 0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d,
        0x06, 0x16, 0x07, 0x87, 0xffff, 0x99,
    ];
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let mut valid = 0;
    for _ in 0..20_000 {
        let n = 1 + (r.next() % 24) as usize;
        let mut prog: Vec<SockFilter> = (0..n)
            .map(|_| {
                let code = if r.next() % 8 == 0 {
                    r.next() as u16
                } else {
                    CODES[(r.next() % CODES.len() as u64) as usize]
                };
                let k = match r.next() % 4 {
                    0 => (r.next() % 64) as u32,
                    1 => r.next() as u32,
                    2 => u32::MAX - (r.next() % 8) as u32,
                    _ => (r.next() % 20) as u32,
                };
                SockFilter::jump(code, k, (r.next() % 8) as u8, (r.next() % 8) as u8)
            })
            .collect();
        if r.next() % 2 == 0 {
            prog.push(SockFilter::stmt(op::RET | op::A, 0));
        }
        let len = (r.next() % 80) as usize;
        let pkt: Vec<u8> = (0..len).map(|_| r.next() as u8).collect();
        let wire = if r.next() % 2 == 0 {
            len as u32
        } else {
            r.next() as u32
        };
        let _ = interp::run(&prog, &pkt, wire);
        if bpf::validate(&prog).is_ok() {
            valid += 1;
        }
        // The printer copes with anything too.
        let _ = dump::dump(&prog);
    }
    assert!(valid > 50, "only {valid} valid programs generated");
}

#[test]
fn compiled_programs_are_valid_and_total_on_random_packets() {
    let filters = [
        "tcp port 80",
        "udp or icmp",
        "vlan and vlan 3 and ip",
        "tcp[tcpflags] & tcp-syn != 0",
        "ip[2:2] - ((ip[0]&0xf)<<2) - ((tcp[12]&0xf0)>>2) != 0",
        "host ::1 or net 10.0.0.0/8",
        "ether multicast and not arp",
        "tcp[ip[0] & 0xf] != 0",
        "icmp6[0] = 128",
        "len < 100",
    ];
    let mut r = Rng(42);
    for lt in bpf::SUPPORTED_LINK_TYPES {
        for f in filters {
            let Ok(p) = bpf::compile(f, &t(*lt)) else {
                continue;
            };
            bpf::validate(&p).unwrap_or_else(|e| panic!("{f} on {lt}: {e}"));
            for _ in 0..500 {
                let len = (r.next() % 120) as usize;
                let mut pkt: Vec<u8> = (0..len).map(|_| r.next() as u8).collect();
                if len > 14 && r.next() % 2 == 0 {
                    pkt[12] = 0x08;
                    pkt[13] = 0x00;
                    pkt[14] = 0x45;
                }
                let v = interp::run(&p, &pkt, len as u32);
                assert!(v == 0 || v == 65_535);
            }
        }
    }
}

#[test]
fn compiler_never_panics_on_random_filters() {
    const WORDS: &[&str] = &[
        "host",
        "net",
        "mask",
        "port",
        "portrange",
        "src",
        "dst",
        "or",
        "and",
        "not",
        "ether",
        "ip",
        "ip6",
        "arp",
        "tcp",
        "udp",
        "icmp",
        "icmp6",
        "proto",
        "vlan",
        "less",
        "greater",
        "len",
        "tcpflags",
        "tcp-syn",
        "broadcast",
        "multicast",
        "(",
        ")",
        "[",
        "]",
        ":",
        "!",
        "&&",
        "||",
        "=",
        "!=",
        "<",
        ">=",
        "+",
        "-",
        "*",
        "/",
        "%",
        "&",
        "|",
        "^",
        "<<",
        ">>",
        "0",
        "1",
        "2",
        "4",
        "80",
        "65536",
        "4095",
        "4096",
        "0x1fff",
        "10.0.0.0",
        "10.1",
        "1.2.3.4/8",
        "fe80::",
        "::1",
        "ff02::1/16",
        "1:2:3:4:5:6",
        "1-2",
        "http",
        "domain",
        "\\tcp",
        "é",
        "4294967295",
        "99999999999",
        "-1",
        "ah",
        "esp",
        "gateway",
        "$",
    ];
    let mut r = Rng(7);
    for _ in 0..6_000 {
        let n = 1 + (r.next() % 12) as usize;
        let text: Vec<&str> = (0..n)
            .map(|_| WORDS[(r.next() % WORDS.len() as u64) as usize])
            .collect();
        let glue = if r.next() % 3 == 0 { "" } else { " " };
        let expr = text.join(glue);
        for lt in [1, 0, 101, 113, 228, 229, 127] {
            match bpf::compile(&expr, &t(lt)) {
                Ok(p) => {
                    bpf::validate(&p).unwrap_or_else(|e| panic!("{expr}: {e}"));
                    let _ = interp::run(&p, &[0x45; 60], 60);
                }
                Err(e) => {
                    // Every error renders, with its caret inside the text.
                    let (col, _) = e.caret();
                    assert!(col <= expr.chars().count(), "{expr}: {e}");
                    let _ = e.to_string();
                }
            }
        }
    }
}
