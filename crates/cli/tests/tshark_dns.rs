//! DNS, mDNS and LLMNR fields against tshark 4.0, run now on the dev
//! captures whose stored tshark table shows `dns`, `mdns` or `llmnr` in
//! frame.protocols (2026 messages in 62 files: resolvers, mDNS service
//! discovery with NSEC and OPT records, LLMNR, DNS over TCP, HTTPS records,
//! DNSCrypt certificates, messages cut by the snap length). Prints the
//! agreement per field and fails below the floors.

mod common;
use common::fieldcmp::{self, Reference, Spec};

const FIELDS: &[&str] = &[
    "dns.length",
    "dns.id",
    "dns.flags",
    "dns.flags.response",
    "dns.flags.opcode",
    "dns.flags.authoritative",
    "dns.flags.conflict",
    "dns.flags.truncated",
    "dns.flags.recdesired",
    "dns.flags.tentative",
    "dns.flags.recavail",
    "dns.flags.z",
    "dns.flags.authenticated",
    "dns.flags.checkdisable",
    "dns.flags.rcode",
    "dns.count.queries",
    "dns.count.answers",
    "dns.count.auth_rr",
    "dns.count.add_rr",
    "dns.qry.name",
    "dns.qry.name.len",
    "dns.count.labels",
    "dns.qry.type",
    "dns.qry.class",
    "dns.qry.qu",
    "dns.resp.name",
    "dns.resp.type",
    "dns.resp.class",
    "dns.resp.cache_flush",
    "dns.resp.ttl",
    "dns.resp.len",
    "dns.a",
    "dns.aaaa",
    "dns.cname",
    "dns.ns",
    "dns.ptr.domain_name",
    "dns.mx.preference",
    "dns.mx.mail_exchange",
    "dns.txt.length",
    "dns.txt",
    "dns.soa.mname",
    "dns.soa.rname",
    "dns.soa.serial_number",
    "dns.soa.minimum_ttl",
    "dns.srv.service",
    "dns.srv.proto",
    "dns.srv.name",
    "dns.srv.priority",
    "dns.srv.weight",
    "dns.srv.port",
    "dns.srv.target",
    "dns.nsec.next_domain_name",
    "dns.rr.udp_payload_size",
    "dns.resp.ext_rcode",
    "dns.resp.edns0_version",
    "dns.resp.z.do",
    "dns.opt.code",
    "dns.opt.len",
    "dns.opt.data",
    "dns.svcb.svcpriority",
    "dns.svcb.targetname",
    "dns.svcb.svcparam.key",
    "dns.svcb.svcparam.alpn",
    "dns.svcb.svcparam.ipv4hint.ip",
    "dns.svcb.svcparam.ipv6hint.ip",
    "dns.data",
];

/// A little under the agreement measured with the engine as it is (it
/// picks DNS by port only and does not tell the view mDNS or LLMNR; see
/// below). Fields not listed agree fully.
const FLOORS: &[(&str, f64)] = &[
    ("dns.length", 85.0),
    ("dns.id", 75.5),
    ("dns.flags", 75.5),
    ("dns.flags.response", 75.5),
    ("dns.flags.opcode", 75.5),
    ("dns.flags.authoritative", 67.0),
    ("dns.flags.conflict", 0.0),
    ("dns.flags.truncated", 75.5),
    ("dns.flags.recdesired", 65.5),
    ("dns.flags.tentative", 0.0),
    ("dns.flags.recavail", 67.0),
    ("dns.flags.z", 65.5),
    ("dns.flags.authenticated", 67.0),
    ("dns.flags.checkdisable", 65.5),
    ("dns.flags.rcode", 68.0),
    ("dns.count.queries", 75.5),
    ("dns.count.answers", 75.5),
    ("dns.count.auth_rr", 75.5),
    ("dns.count.add_rr", 75.5),
    ("dns.qry.name", 74.0),
    ("dns.qry.name.len", 74.0),
    ("dns.count.labels", 74.0),
    ("dns.qry.type", 74.0),
    ("dns.qry.class", 71.0),
    ("dns.qry.qu", 0.0),
    ("dns.resp.name", 58.5),
    ("dns.resp.type", 58.5),
    ("dns.resp.class", 47.0),
    ("dns.resp.cache_flush", 0.0),
    ("dns.resp.ttl", 57.8),
    ("dns.resp.len", 58.5),
    ("dns.a", 97.6),
    ("dns.aaaa", 98.7),
    ("dns.cname", 97.7),
    ("dns.ns", 97.5),
    ("dns.txt.length", 34.0),
    ("dns.txt", 25.4),
    ("dns.soa.mname", 96.9),
    ("dns.soa.rname", 96.9),
    ("dns.soa.serial_number", 96.9),
    ("dns.soa.minimum_ttl", 96.9),
    ("dns.rr.udp_payload_size", 8.6),
    ("dns.resp.ext_rcode", 98.0),
    ("dns.resp.edns0_version", 98.0),
    ("dns.resp.z.do", 98.0),
    ("dns.opt.code", 97.9),
    ("dns.opt.len", 97.9),
    ("dns.opt.data", 97.9),
    ("dns.data", 0.0),
];

// What differs, and why (measured against tshark 4.0.17). The view itself
// agrees wherever the engine hands it the message tshark dissects: with
// the flavor passed and the heuristic called for UDP (tried on a copy of
// the engine), dns.id, dns.qry.name/type, dns.resp.* reach 99.3-99.6% of
// the values tshark shows (the rest: the dissector cases below), every
// decoded rdata field 97.4-100%, and only dns.rr.udp_payload_size of mDNS
// stays apart.
//
// - Messages tshark finds by its DNS heuristic on other ports (DNSCrypt
//   certificate queries to 443 and 8443, 466 messages in
//   ndpi__dnscrypt-v1-and-resolver-pings.pcap; SOME/IP-SD on 30490 that
//   happens to pass it): the engine picks DNS by port only until it calls
//   `wire::dns::looks_like` for UDP payloads no port claims. (Over all 717
//   dev captures that heuristic also passes NBNS on port 137, 126
//   datagrams, and one RPC portmapper reply on 111, which tshark gives to
//   their own dissectors: those ports need excluding.)
// - LLMNR and mDNS read as plain DNS until the engine tells the view its
//   flavor (`DnsView::with_flavor`): LLMNR's conflict/tentative bits are
//   named authoritative/recdesired, and mDNS's class top bit is not split
//   into `dns.qry.qu` / `dns.resp.cache_flush`.
// - DNS inside ICMP errors (3 frames) and DNS over HTTP/2 (5 frames) are
//   not dissected.
// - `dns.rr.udp_payload_size` of mDNS: tshark prints it in hex (0x05a0),
//   its mDNS variant of the field being BASE_HEX; we print decimal.
// - `dns.opt.data` of an empty option and `dns.opt.cookie.server` of a
//   cookie without a server part: tshark prints `<MISSING>`.

#[test]
fn dns_fields_agree_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: FIELDS,
        floors: FLOORS,
        default_floor: 99.9,
        protocols: &["dns", "mdns", "llmnr"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}
