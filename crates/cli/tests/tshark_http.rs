//! HTTP/1.x fields against tshark 4.0, run now on the dev captures that
//! hold HTTP (the stored tables have only three HTTP fields).
//!
//! tshark reassembles a message that TCP segments cut and shows its fields
//! on the segment that completes it; until the flow engine hands us
//! reassembled streams, the dissector shows only messages that fit in one
//! segment, so the others count as missing here (most responses: 183 of
//! 353). The floors are what the per-segment dissector reaches; raise them
//! when reassembly lands.
//!
//! On the frames where tshark's message fits one segment, the key fields
//! agree at 98.1–99.0% for requests (method, URI, Host, User-Agent) and
//! 94.8–96.5% for responses (status code, Content-Type). What differs there
//! is not the HTTP view's reading: TCP retransmissions (14 frames: tshark
//! does not dissect a retransmitted payload again), HTTP in TCP quoted by
//! ICMP errors (6), responses to HEAD (3: the request's method says there is
//! no body), a response ended by FIN in its own segment and two cut by the
//! snap length or an sFlow sample (tshark stops waiting for the body there:
//! `pdu_len_at_end`), and backslashes in 5 URIs (tshark 4.0 prints them
//! unescaped). Without the
//! retransmitted and ICMP-quoted frames: method, Host, User-Agent 100%,
//! URI 99.6%, status code 96.5%, Content-Type 98.5%.

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

/// Agreement per field must not fall below what it reached when these floors
/// were set (per-segment dissection, before TCP reassembly).
const FLOORS: &[(&str, f64)] = &[
    ("http.request", 96.2),
    ("http.response", 46.0),
    ("http.request.method", 96.4),
    ("http.request.uri", 96.0),
    ("http.request.version", 96.8),
    ("http.request.uri.query", 90.4),
    ("http.host", 96.8),
    ("http.user_agent", 96.6),
    ("http.accept", 85.1),
    ("http.accept_encoding", 87.2),
    ("http.accept_language", 90.4),
    ("http.referer", 92.1),
    ("http.cookie", 75.0),
    ("http.connection", 90.6),
    ("http.request.line", 96.5),
    ("http.response.version", 46.0),
    ("http.response.code", 46.0),
    ("http.response.code.desc", 46.0),
    ("http.response.phrase", 46.1),
    ("http.response.line", 48.0),
    ("http.content_type", 53.4),
    ("http.content_length_header", 59.2),
    ("http.content_length", 59.2),
    ("http.content_encoding", 46.6),
    ("http.transfer_encoding", 23.0),
    ("http.server", 48.5),
    ("http.location", 89.6),
    ("http.set_cookie", 22.2),
    ("http.cache_control", 62.6),
    ("http.date", 44.4),
    ("http.last_modified", 12.7),
    ("http.upgrade", 94.4),
    ("http.chunk_size", 27.2),
];

#[test]
fn http_fields_agree_with_tshark() {
    fieldcmp::compare(&Spec {
        fields: FIELDS,
        floors: FLOORS,
        default_floor: 0.0,
        protocols: &["http"],
        reference: Reference::Tshark,
        tshark_args: &[],
    });
}
