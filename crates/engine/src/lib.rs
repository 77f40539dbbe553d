//! The analysis engine of wiresift: dissection of frames into layer views,
//! and (as they come) flows, reassembly, application analyzers and filters.
#![deny(unsafe_code)]

pub mod app;
pub mod craft;
pub mod defrag;
pub mod dissect;
pub mod dtls_fragments;
pub mod export;
pub mod fields;
pub mod filter;
pub mod flow;
pub mod follow;
pub mod h2_streams;
pub mod inflate;
pub mod logs;
pub mod openvpn;
pub mod quic;
pub mod ranges;
pub mod sample;
pub mod shard;
pub mod smtp_session;
pub mod stats;
pub mod stream_apps;

pub use dissect::{dissect, Dissection, Dissector, Entry, Options};
