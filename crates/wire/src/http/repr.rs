//! Building HTTP/1.x messages.

use super::{HttpView, MessageKind};

/// The start line of a message being built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartLine {
    Request {
        method: Vec<u8>,
        uri: Vec<u8>,
        version: Vec<u8>,
    },
    Response {
        version: Vec<u8>,
        code: u16,
        reason: Vec<u8>,
    },
}

/// How a built message carries its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// With a `Content-Length` header.
    Length(Vec<u8>),
    /// In chunked coding, one chunk per piece (empty pieces are left out:
    /// a chunk of size 0 is the last).
    Chunked(Vec<Vec<u8>>),
    /// No framing header: the bytes follow the header block as they are
    /// (nothing for a request; until the connection closes for a response).
    Raw(Vec<u8>),
}

/// The plain values of an HTTP message, for building one. `Content-Length`
/// and `Transfer-Encoding` are not in `headers`: [`emit`](Self::emit) writes
/// them from `body`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRepr {
    pub start: StartLine,
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
    pub body: Body,
}

impl HttpRepr {
    pub fn parse(v: &HttpView) -> Self {
        let start = match v.kind {
            MessageKind::Response => StartLine::Response {
                version: v.version().unwrap_or_default().to_vec(),
                code: v.status().unwrap_or(0),
                reason: v.reason().unwrap_or_default().to_vec(),
            },
            _ => StartLine::Request {
                method: v.method().unwrap_or_default().to_vec(),
                uri: v.uri().unwrap_or_default().to_vec(),
                version: v.version().unwrap_or_default().to_vec(),
            },
        };
        let framing = |n: &[u8]| {
            n.eq_ignore_ascii_case(b"content-length")
                || n.eq_ignore_ascii_case(b"transfer-encoding")
        };
        let headers = v
            .headers()
            .filter(|h| !framing(h.name))
            .map(|h| (h.name.to_vec(), h.value.to_vec()))
            .collect();
        let body = if v.chunked {
            Body::Chunked(
                v.chunks()
                    .filter(|c| !c.last)
                    .map(|c| v.bytes.get(c.data).unwrap_or_default().to_vec())
                    .collect(),
            )
        } else if v.length.is_some() {
            Body::Length(v.body().to_vec())
        } else {
            Body::Raw(v.body().to_vec())
        };
        HttpRepr {
            start,
            headers,
            body,
        }
    }

    /// Append the message to `buf`, with a correct `Content-Length` or
    /// chunked framing.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        match &self.start {
            StartLine::Request {
                method,
                uri,
                version,
            } => {
                buf.extend_from_slice(method);
                buf.push(b' ');
                buf.extend_from_slice(uri);
                buf.push(b' ');
                buf.extend_from_slice(version);
            }
            StartLine::Response {
                version,
                code,
                reason,
            } => {
                buf.extend_from_slice(version);
                buf.extend_from_slice(format!(" {:03} ", code % 1000).as_bytes());
                buf.extend_from_slice(reason);
            }
        }
        buf.extend_from_slice(b"\r\n");
        for (name, value) in &self.headers {
            buf.extend_from_slice(name);
            buf.extend_from_slice(b": ");
            buf.extend_from_slice(value);
            buf.extend_from_slice(b"\r\n");
        }
        match &self.body {
            Body::Length(data) => {
                buf.extend_from_slice(format!("Content-Length: {}\r\n\r\n", data.len()).as_bytes());
                buf.extend_from_slice(data);
            }
            Body::Chunked(pieces) => {
                buf.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
                for p in pieces.iter().filter(|p| !p.is_empty()) {
                    buf.extend_from_slice(format!("{:x}\r\n", p.len()).as_bytes());
                    buf.extend_from_slice(p);
                    buf.extend_from_slice(b"\r\n");
                }
                buf.extend_from_slice(b"0\r\n\r\n");
            }
            Body::Raw(data) => {
                buf.extend_from_slice(b"\r\n");
                buf.extend_from_slice(data);
            }
        }
    }
}
