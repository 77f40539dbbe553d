//! HTTP/1.x fields against tshark 4.0, run now on the dev captures that
//! hold HTTP (the stored tables have only three HTTP fields). Messages come
//! from the reassembled streams, shown on the segment that completes them
//! as in tshark; a response to HEAD ends at its headers (the stream layer
//! pairs requests and responses in order).
//!
//! Measured over 66 captures (15 247 values, 98.7 % agree): method 99.4 %,
//! URI 99.0 %, Host and User-Agent 99.8 %, status code 96.4 % (347 of 360),
//! Content-Type 97.3 % (358 of 368). What differs, and why:
//! - Out-of-order segments (13 values, ndpi weibo 4 responses, zeek
//!   dce-rpc-mapi, suricata http-range-file-input): a response whose bytes
//!   come in out of order is put together here; tshark 4.0, with its
//!   default `tcp.reassemble_out_of_order: FALSE`, never completes it. With
//!   that preference on, tshark shows the same responses on the same frames.
//! - ndpi instagram frame 356: a FIN after a capture hole closes a body
//!   that runs to the close; tshark does not show the cut response.
//! - HTTP that tshark reaches through protocols not dissected here: SOCKS
//!   (arkime socks-http-example, socks-http-pass: a request and a response
//!   each) and sFlow flow samples (suricata filestore-5408: 5 requests, one
//!   response).
//! - A response cut by the snap length in a one-frame capture (pcpp
//!   SllPacket), one after a hole that a zero-length segment reports (zeek
//!   spicy-gap-recovery frame 17), and a fuzzed `HTTP/5.?2` status line at
//!   a FIN (zeek redis-oss-fuzz): tshark shows them, the stream layer not.
//! - Backslashes in 5 URIs (ndpi WebattackRCE): tshark 4.0 prints them
//!   unescaped, our `-T fields` output escapes them.

mod common;

use common::fieldcmp::{self, Reference, Spec};

const FIELDS: &[&str] = &[
    "http.request",
    "http.response",
    "http.request.method",
    "http.request.uri",
    "http.request.version",
    "http.request.uri.query",
    "http.host",
    "http.user_agent",
    "http.accept",
    "http.accept_encoding",
    "http.accept_language",
    "http.referer",
    "http.cookie",
    "http.connection",
    "http.request.line",
    "http.response.version",
    "http.response.code",
    "http.response.code.desc",
    "http.response.phrase",
    "http.response.line",
    "http.content_type",
    "http.content_length_header",
    "http.content_length",
    "http.content_encoding",
    "http.transfer_encoding",
    "http.server",
    "http.location",
    "http.set_cookie",
    "http.cache_control",
    "http.date",
    "http.last_modified",
    "http.upgrade",
    "http.chunk_size",
];

/// A little under what was measured (see above); fields not listed agree
/// fully.
const FLOORS: &[(&str, f64)] = &[
    ("http.request", 99.2),
    ("http.response", 96.2),
    ("http.request.method", 99.3),
    ("http.request.uri", 98.9),
    ("http.request.version", 99.7),
    ("http.request.uri.query", 95.3),
    ("http.host", 99.7),
    ("http.user_agent", 99.7),
    ("http.accept", 98.2),
    ("http.connection", 99.3),
    ("http.request.line", 99.6),
    ("http.response.version", 96.2),
    ("http.response.code", 96.2),
    ("http.response.code.desc", 96.2),
    ("http.response.phrase", 96.5),
    ("http.response.line", 96.3),
    ("http.content_type", 97.1),
    ("http.content_length_header", 97.5),
    ("http.content_length", 97.5),
    ("http.content_encoding", 83.2),
    ("http.transfer_encoding", 92.7),
    ("http.server", 97.3),
    ("http.set_cookie", 89.9),
    ("http.cache_control", 94.7),
    ("http.date", 95.7),
    ("http.last_modified", 93.4),
    ("http.chunk_size", 91.5),
];

#[test]
fn http_fields_agree_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: FIELDS,
        floors: FLOORS,
        default_floor: 99.9,
        protocols: &["http"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}
