#![no_main]
//! The DNS view (also mDNS and LLMNR). Input: one byte of arguments (bit 0:
//! DNS over TCP with its length prefix, else a UDP message; the rest picks
//! the flavor), then the message. Walks what the sinks read (through
//! `wiresift_fuzz::emit_layer`) and what the log writer will: the summary,
//! every record and its decoded data, EDNS, and names at every offset.

use wiresift_wire::dns::{self, DnsView, Flavor, Rdata};
use wiresift_wire::Layer;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&a, b)) = data.split_first() else {
        return;
    };
    let _ = dns::pdu_len_tcp(b);
    let _ = dns::looks_like(b);
    let made = if a & 1 == 0 {
        DnsView::new(b)
    } else {
        DnsView::new_tcp(b)
    };
    let Ok(v) = made else {
        return;
    };
    let flavor = [Flavor::Dns, Flavor::Mdns, Flavor::Llmnr][usize::from(a >> 1) % 3];
    let v = v.with_flavor(flavor);
    let layer = match flavor {
        Flavor::Dns => Layer::Dns(v),
        Flavor::Mdns => Layer::Mdns(v),
        Flavor::Llmnr => Layer::Llmnr(v),
    };
    let mut s = String::new();
    wiresift_fuzz::emit_layer(&layer, &mut s);
    s.clear();
    v.summary(&mut s);
    let _ = v.malformed_at();
    for r in v.records() {
        s.clear();
        let _ = r.name().write_to(&mut s);
        let _ = (r.name().status(), r.name().labels().count());
        let _ = (
            r.rtype(),
            r.class(),
            r.ttl(),
            r.rdlen(),
            r.rdata(),
            r.is_whole(),
        );
        let d = r.rdata_view();
        let _ = (d.strings().count(), d.svc_params().count());
        if let Rdata::Soa { mname, rname, .. } = d {
            s.clear();
            let _ = (mname.write_to(&mut s), rname.write_to(&mut s));
        }
    }
    if let Some(e) = v.edns() {
        let _ = (
            e.udp_payload_size(),
            e.ext_rcode(),
            e.version(),
            e.dnssec_ok(),
        );
        let _ = e.options().count();
    }
    let msg = v.message();
    for at in 0..msg.len().min(512) {
        s.clear();
        dns::write_name(msg, at, &mut s);
    }
});
