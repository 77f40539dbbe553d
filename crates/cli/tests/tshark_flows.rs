//! Conversation numbers and TCP sequence analysis against tshark 4.0 on the
//! dev captures (default preferences: relative sequence numbers, sequence
//! analysis, conversation timestamps, window scaling from the handshake):
//! `tcp.stream` against the stored tables, the rest against tshark run now.
//! Agreement is printed per field; each must stay at or above its floor.

mod common;
use common::fieldcmp::{self, Reference, Spec};

/// `tcp.stream` against the stored tables: 99.88% (98.84% while TCP
/// headers quoted in a router's ICMP error were not followed; per-packet
/// workers now get an ICMP error by the pair it quotes). What differs (61
/// of 49,615 values):
/// - SOCKS (arkime__socks-http-example.pcap, 32): tshark's SOCKS dissector
///   makes a TCP conversation for the proxied connection, which takes a
///   stream number; later streams are one higher.
/// - sFlow samples (suricata__filestore-5408-input.pcap, 27): tshark gives
///   a sampled TCP header the stream of its conversation, making one when
///   there is none; wiresift gives sampled headers none (an sFlow datagram
///   goes to the worker of the agent and collector, not of the sampled
///   hosts).
/// - Several TCP layers in one frame, from protocols wiresift does not
///   dissect (802.11 A-MSDU subframes in
///   zeek__tunnels-gre-aruba-amsdu.pcap), and reserved flag bits
///   (tcpdump__rpki-rtr-oobr.pcap: that TCP header is not dissected).
#[test]
fn tcp_stream_agrees_with_the_stored_tables() {
    fieldcmp::compare(&Spec {
        fields: &["tcp.stream"],
        floors: &[("tcp.stream", 99.8)],
        default_floor: 99.0,
        protocols: &["tcp"],
        reference: Reference::Stored,
        tshark_args: &[],
    });
}

/// `udp.stream` against tshark: 99.78% (91.6% before SDP announcements and
/// quoted headers were followed; ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap
/// agrees on all 1552 values). What differs (41 of 18815 values):
/// - Conversations other tshark dissectors make: SNMP (zeek__snmp-*,
///   arkime__SNMPv2c_get_requests.pcap: the agent's answer from another
///   port), HART-IP (ndpi__hart_ip.pcap), ONC RPC portmap
///   (zeek__rpc-portmap-sadmind.pcap), GTP (arkime__gtp-iphone.pcap).
/// - Several UDP layers in one frame: sFlow samples
///   (suricata__filestore-5408-input.pcap, see `tcp.stream` above), and
///   protocols not dissected (OpenFlow packet-ins in
///   tcpdump__of13_ericsson.pcapng, AYIYA).
#[test]
fn udp_stream_agrees_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: &["udp.stream"],
        floors: &[("udp.stream", 99.7)],
        default_floor: 99.0,
        protocols: &["udp"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}

/// The fields compared.
const ANALYSIS: &[&str] = &[
    "frame.number",
    "tcp.stream",
    "tcp.seq",
    "tcp.ack",
    "tcp.nxtseq",
    "tcp.time_relative",
    "tcp.time_delta",
    "tcp.window_size",
    "tcp.analysis",
    "tcp.analysis.flags",
    "tcp.analysis.retransmission",
    "tcp.analysis.fast_retransmission",
    "tcp.analysis.spurious_retransmission",
    "tcp.analysis.out_of_order",
    "tcp.analysis.lost_segment",
    "tcp.analysis.ack_lost_segment",
    "tcp.analysis.duplicate_ack",
    "tcp.analysis.duplicate_ack_num",
    "tcp.analysis.duplicate_ack_frame",
    "tcp.analysis.zero_window",
    "tcp.analysis.zero_window_probe",
    "tcp.analysis.zero_window_probe_ack",
    "tcp.analysis.window_full",
    "tcp.analysis.window_update",
    "tcp.analysis.keep_alive",
    "tcp.analysis.keep_alive_ack",
    "tcp.analysis.reused_ports",
    "tcp.analysis.acks_frame",
    "tcp.analysis.ack_rtt",
    "tcp.analysis.initial_rtt",
    "tcp.analysis.bytes_in_flight",
    "tcp.analysis.push_bytes_sent",
];

/// Agreement per field must not fall below what it reached when these floors
/// were set (percent, at or a little under the measured value). Fields the
/// dev captures never show (zero-window probes and their ACKs) count as
/// 100%; the unit tests in `engine/src/flow/tcp.rs` cover them.
const FLOORS: &[(&str, f64)] = &[
    ("tcp.stream", 99.85),
    ("tcp.seq", 99.98),
    ("tcp.ack", 99.99),
    ("tcp.nxtseq", 99.99),
    ("tcp.time_relative", 99.91),
    ("tcp.time_delta", 99.88),
    ("tcp.window_size", 99.99),
    ("tcp.analysis", 99.98),
    ("tcp.analysis.flags", 100.0),
    ("tcp.analysis.retransmission", 100.0),
    ("tcp.analysis.fast_retransmission", 100.0),
    ("tcp.analysis.spurious_retransmission", 100.0),
    ("tcp.analysis.out_of_order", 100.0),
    ("tcp.analysis.lost_segment", 100.0),
    ("tcp.analysis.ack_lost_segment", 100.0),
    ("tcp.analysis.duplicate_ack", 100.0),
    ("tcp.analysis.duplicate_ack_num", 100.0),
    ("tcp.analysis.duplicate_ack_frame", 100.0),
    ("tcp.analysis.zero_window", 100.0),
    ("tcp.analysis.zero_window_probe", 100.0),
    ("tcp.analysis.zero_window_probe_ack", 100.0),
    ("tcp.analysis.window_full", 100.0),
    ("tcp.analysis.window_update", 100.0),
    ("tcp.analysis.keep_alive", 100.0),
    ("tcp.analysis.keep_alive_ack", 100.0),
    ("tcp.analysis.reused_ports", 100.0),
    ("tcp.analysis.acks_frame", 100.0),
    ("tcp.analysis.ack_rtt", 99.99),
    ("tcp.analysis.initial_rtt", 99.99),
    ("tcp.analysis.bytes_in_flight", 99.98),
    ("tcp.analysis.push_bytes_sent", 99.98),
];

// The differences that remain (about 130 of 527 000 values; 720 while TCP headers quoted in a
// router's ICMP error were not followed), and why:
// - sFlow samples (suricata__filestore-5408-input.pcap): tshark numbers a sampled TCP header's
//   conversation; wiresift does not (see `tcp.stream` above).
// - SOCKS (arkime__socks-http-example.pcap): tshark's SOCKS dissector makes a TCP conversation
//   for the proxied connection, which takes a stream number; later streams are one higher.
// - Several TCP layers in one frame, from a protocol wiresift does not dissect (802.11 A-MSDU
//   subframes in zeek__tunnels-gre-aruba-amsdu.pcap): tshark shows one value per layer.
// - Time going backwards (ndpi__tls-appdata.pcap, arkime__imap.pcap,
//   suricata__bug-1450-05-tls_DER-incomplete-content.pcap, arkime__y2038-bgp.pcap): tshark prints
//   negative tcp.time_delta, tcp.time_relative and ack RTTs; wiresift prints 0 (or no RTT).
// - TCP in the first fragment of an IP datagram that is never completed
//   (tcpdump__bgp_pmsi_tunnel-oobr.pcap, tcpdump__beep-oobr.pcap): tshark shows raw numbers and
//   no analysis for a segment whose length it cannot know; wiresift analyses it.
// - Reserved flag bits (tcpdump__rpki-rtr-oobr.pcap): wiresift does not dissect that TCP header.

#[test]
fn tcp_analysis_agrees_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: ANALYSIS,
        floors: FLOORS,
        default_floor: 99.0,
        protocols: &["tcp"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}
