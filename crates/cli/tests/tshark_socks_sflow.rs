//! SOCKS and sFlow fields against tshark 4.0, run now on the dev captures
//! whose stored tshark table shows `socks` or `sflow` in frame.protocols.
//! Prints the agreement per field and fails below the floors. sFlow: every
//! field listed agrees (864 values over 3 captures: flow samples with raw
//! headers and switch records, counters samples with interface and
//! Ethernet counters, IPv4 and IPv6 agents).

mod common;
use common::fieldcmp::{self, Reference, Spec};

const SOCKS_FIELDS: &[&str] = &[
    "socks.version",
    "socks.command",
    "socks.results",
    "socks.dstport",
    "socks.dst",
    "socks.dstV6",
    "socks.auth_method_count",
    "socks.auth_method",
    "socks.auth_accepted_method",
    "socks.subnegotiation_version",
    "socks.username",
    "socks.password",
    "socks.auth_status",
    "socks.v4a_dns_name",
    "socks.reserved",
    "socks.address_type",
    "socks.remote_name",
    "socks.port",
];

/// Measured over 4 captures (182 values): every handshake field agrees.
/// What differs: on each segment of the tunnelled data (12 frames of arkime
/// socks-http-example and socks-http-pass) tshark shows a SOCKS layer of
/// its own with the connection's version, command, remote port and address
/// (for SOCKS 4 the request's first four bytes read as the address:
/// 4.1.0.80); the tunnelled data is shown here as its own protocol only.
const SOCKS_FLOORS: &[(&str, f64)] = &[
    ("socks.version", 74.4),
    ("socks.command", 36.8),
    ("socks.dstport", 25.0),
    ("socks.dst", 50.0),
];

#[test]
fn socks_fields_agree_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: SOCKS_FIELDS,
        floors: SOCKS_FLOORS,
        default_floor: 99.9,
        protocols: &["socks"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}

const SFLOW_FIELDS: &[&str] = &[
    "sflow_245.version",
    "sflow_245.agenttype",
    "sflow_245.agent",
    "sflow_245.agent.v6",
    "sflow_245.sub_agent_id",
    "sflow_245.sequence_number",
    "sflow_245.sysuptime",
    "sflow_245.numsamples",
    "sflow.enterprise",
    "sflow_245.sampletype",
    "sflow_5.sample_length",
    "sflow.flow_sample.sequence_number",
    "sflow.flow_sample.source_id_class",
    "sflow.flow_sample.index",
    "sflow.flow_sample.sampling_rate",
    "sflow.flow_sample.sample_pool",
    "sflow.flow_sample.dropped_packets",
    "sflow.flow_sample.input_interface",
    "sflow.flow_sample.output_interface",
    "sflow.flow_sample.output_interface_format",
    "sflow.flow_sample.output_interface_value",
    "sflow.flow_sample.flow_record",
    "sflow.counters_sample.sequence_number",
    "sflow.counters_sample.source_id_type",
    "sflow.counters_sample.source_id_index",
    "sflow.counters_sample.counters_records",
    "sflow_245.flow_record_format",
    "sflow_245.counters_record_format",
    "sflow_5.flow_data_length",
    "sflow_245.header_protocol",
    "sflow_245.header.frame_length",
    "sflow_245.header.payload_stripped",
    "sflow_245.header.sampled_header_length",
    "sflow_245.header",
    "sflow_245.vlan.in",
    "sflow_245.pri.in",
    "sflow_245.vlan.out",
    "sflow_245.pri.out",
    "sflow_245.ifindex",
    "sflow_245.iftype",
    "sflow_245.ifspeed",
    "sflow_245.ifdirection",
    "sflow_245.ifadmin_status",
    "sflow_245.ifoper_status",
    "sflow_245.ifinoct",
    "sflow_245.ifinpkt",
    "sflow_245.ifoutoct",
    "sflow_245.ifoutpkt",
    "sflow_245.ifpromisc",
    "sflow_245.dot3StatsFCSErrors",
    "sflow_245.dot3StatsSymbolErrors",
];

const SFLOW_FLOORS: &[(&str, f64)] = &[];

#[test]
fn sflow_fields_agree_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: SFLOW_FIELDS,
        floors: SFLOW_FLOORS,
        default_floor: 99.9,
        protocols: &["sflow"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}
