//! Zero-copy views over packet bytes, builders that emit them, checksums, and
//! the field registry that names every field the way Wireshark does.
//!
//! Each protocol module has the same anatomy (after smoltcp's `wire`): a
//! byte-range map `at`, a `field_table!`, a view type whose constructor checks
//! the fixed header length once and whose accessors are each bounds-checked,
//! a `…Repr` of plain values that builds the bytes back, and tests with bytes
//! from real captures. No function here panics on any input.
#![deny(unsafe_code)]

pub mod anomaly;
pub mod bytes;
pub mod checksum;
pub mod diag;
pub mod error;
pub mod field;
pub mod layer;
pub mod next;
pub mod proto;
pub mod registry;
pub mod stream;
#[cfg(test)]
pub(crate) mod testing;

pub mod ah;
pub mod arcnet;
pub mod arp;
pub mod capwap;
pub mod data;
pub mod dhcp;
pub mod dns;
pub mod dtls;
pub mod esp;
pub mod ethernet;
pub mod frame;
pub mod ftp;
pub mod gre;
pub mod http;
pub mod http2;
pub mod icmp;
pub mod icmpv6;
pub mod imap;
pub mod imf;
pub mod ipv4;
pub mod ipv6;
pub mod ipv6_ext;
pub mod llc;
pub mod mime;
pub mod mpls;
pub mod mqtt;
pub mod null;
pub mod openvpn;
pub mod pop;
pub mod ppp;
pub mod proxy;
pub mod quic;
pub mod sflow;
pub mod sll;
pub mod smtp;
pub mod socks;
pub mod ssh;
pub mod tcp;
pub(crate) mod text;
pub mod udp;
pub mod vlan;
pub mod vxlan;
pub mod websocket;
pub use ppp::chdlc;
pub mod avsp;
pub mod cfp;
pub mod erspan;
pub mod etag;
pub mod fddi;
pub mod frame_relay;
pub mod geneve;
pub mod gtp;
pub mod ipnet;
pub mod macsec;
pub mod nflog;
pub mod nsh;
pub mod pbb;
pub mod ppi;
pub mod pppoe;
pub mod radiotap;
pub mod teredo;
pub mod tls;
pub mod vntag;
pub mod vxlan_gpe;
pub mod wlan;

pub use anomaly::{Anomaly, AnomalyKind};
pub use error::Error;
pub use field::{FieldDef, FieldSink, Kind, Value};
pub use layer::Layer;
pub use proto::Proto;
