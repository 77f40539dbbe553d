//! The DHCP/BOOTP view on any bytes (after one byte choosing the length as
//! sent): every field of the table formatted as the sinks do (each
//! occurrence's range inside the message), the summary, the title, the
//! typed accessors, and the builder's round trip of what was parsed. The
//! contract: no panic, bounded work.
#![no_main]

use wiresift_wire::dhcp::{DhcpRepr, DhcpView, Field, FIELDS};
use wiresift_wire::field::Value;

libfuzzer_sys::fuzz_target!(|input: &[u8]| {
    // The first byte, when odd, makes the message longer as sent than
    // captured (by that many bytes).
    let Some((&a, data)) = input.split_first() else {
        return;
    };
    let Ok(mut v) = DhcpView::new(data) else {
        return;
    };
    if a & 1 == 1 {
        v = v.with_wire_len(data.len() + usize::from(a));
    }
    let mut text = String::new();
    for (i, def) in FIELDS.iter().enumerate() {
        let Some(f) = Field::from_index(i) else {
            continue;
        };
        v.field(f, &mut |val: Value<'_>, r: std::ops::Range<usize>| {
            assert!(
                r.start <= r.end && r.end <= data.len(),
                "{}: {r:?}",
                def.name
            );
            val.write_tshark(def.kind, &mut text);
        });
    }
    v.summary(&mut text);
    v.title(&mut text);
    let _ = (
        v.message_type(),
        v.client_mac(),
        v.requested_addr(),
        v.assigned_addr(),
    );
    let _ = (
        v.server_id(),
        v.lease_time(),
        v.hostname(),
        v.client_id(),
        v.param_list(),
    );
    let _ = (
        v.domain_name(),
        v.routers().count(),
        v.dns_servers().count(),
    );
    assert!(v.options().count() <= data.len() + 1);
    let mut steps = 0usize;
    v.visit(&mut |_| steps += 1);
    // The main walk plus at most 4 walks of the 192 name bytes.
    assert!(steps <= data.len() + 2 + 4 * 192);
    // What was parsed builds back into a message that parses the same.
    let r = DhcpRepr::parse(&v);
    let mut buf = Vec::new();
    r.emit(&mut buf);
    let again = DhcpView::new(&buf).map(|w| DhcpRepr::parse(&w));
    assert_eq!(again.ok(), Some(r));
});
