//! DNS, mDNS and LLMNR fields against tshark 4.0, run now on the dev
//! captures whose stored tshark table shows `dns`, `mdns` or `llmnr` in
//! frame.protocols (2026 messages in 62 files: resolvers, mDNS service
//! discovery with NSEC and OPT records, LLMNR, DNS over TCP and HTTP/2, HTTPS
//! records,
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

/// A little under the agreement measured (see below); fields not listed
/// must reach the default 99.9 %.
const FLOORS: &[(&str, f64)] = &[("dns.rr.udp_payload_size", 10.0)];

// What differs, and why (measured against tshark 4.0.17 over 62 captures,
// 47 684 values, 99.47 % agree; every DNS field but one at 100 %):
//
// - `dns.rr.udp_payload_size` of mDNS: tshark prints it in hex (0x05a0),
//   its mDNS variant of the field being BASE_HEX; we print decimal (the
//   field is one field here, declared decimal as in plain DNS).
//
// DNS over HTTP/2 (DoH: 4 responses in suricata app-layer-protocol-exact,
// one 128 KiB body in dns-over-http2-limit) is read from the stream's body
// on the frame that ends it, as tshark does. DNS in UDP quoted by ICMP
// errors is read (as tshark does), and DNS that also reads as a QUIC short
// header on 443 (DNSCrypt) is DNS.

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
