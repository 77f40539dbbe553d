//! Zeek's files.log (Zeek 6, `base/frameworks/files/main.zeek`, with the
//! hash and extraction columns a default run has): one record per file a
//! connection carried. The files are the bodies of HTTP messages
//! (`base/protocols/http/files.zeek`), each under the fuid http.log lists
//! in `orig_fuids` / `resp_fuids`.
//!
//! As Zeek fills it for an HTTP body:
//! - the record is written when the body ends, with its message; a
//!   message without a body (or with an empty one) carries no file;
//! - `ts` is when the body's first 1500 bytes were whole (Zeek hands a
//!   body to file analysis in chunks of that size) or, for a shorter body,
//!   its end; `duration` runs from there to the body's end;
//! - `source` is `HTTP`, `depth` 0, `is_orig` T for a request's body, and
//!   `local_orig` whether the sender's address is local ([`super::site`]);
//! - `seen_bytes` is the body's length as http.log counts it (decoded for
//!   gzip and deflate); `total_bytes` its `Content-Length`, or for a 206
//!   response the length of the whole its `Content-Range` gives — unset
//!   for a chunked body, one that runs to the close, or one Zeek decodes;
//! - `mime_type` is http.log's, from the body's first bytes (unset for a
//!   part that does not start at byte 0: Zeek sniffs only a file seen from
//!   its start);
//! - `analyzers` names what base Zeek attaches by type: `PE` to a Windows
//!   executable. Hashes and extraction are policy scripts, not base Zeek:
//!   those columns stay unset, as in a default run; `missing_bytes` and
//!   `overflow_bytes` are 0, `timedout` F, `parent_fuid` unset.
//!
//! Known differences: Zeek keeps the file of a 206 response open across
//! responses and connections (one file per URL) until it times out,
//! `timedout` T; wiresift writes each part as its own file when it ends.
//! A multipart body is one file (Zeek makes one per part). A chunked or
//! content-coded body's first 1500 bytes are counted as sent, not as
//! Zeek's decoded chunks. Files of FTP data connections and of mail are not
//! written.

use super::apps::{ConnRef, Frame};
use super::{field, site, Record, Schema, Type, Value};
use std::borrow::Cow;

pub static SCHEMA: Schema = Schema {
    path: "files",
    fields: &[
        field("ts", Type::Time),
        field("fuid", Type::String),
        field("uid", Type::String),
        field("id.orig_h", Type::Addr),
        field("id.orig_p", Type::Port),
        field("id.resp_h", Type::Addr),
        field("id.resp_p", Type::Port),
        field("source", Type::String),
        field("depth", Type::Count),
        field("analyzers", Type::StringSet),
        field("mime_type", Type::String),
        field("filename", Type::String),
        field("duration", Type::Interval),
        field("local_orig", Type::Bool),
        field("is_orig", Type::Bool),
        field("seen_bytes", Type::Count),
        field("total_bytes", Type::Count),
        field("missing_bytes", Type::Count),
        field("overflow_bytes", Type::Count),
        field("timedout", Type::Bool),
        field("parent_fuid", Type::String),
        field("md5", Type::String),
        field("sha1", Type::String),
        field("sha256", Type::String),
        field("extracted", Type::String),
        field("extracted_cutoff", Type::Bool),
        field("extracted_size", Type::Count),
    ],
};

/// One files.log record.
#[derive(Clone, Debug, PartialEq)]
pub struct File<'a> {
    pub ts_ns: i64,
    pub fuid: &'a str,
    pub conn: &'a ConnRef,
    pub source: &'static str,
    pub mime_type: Option<&'static str>,
    pub filename: Option<&'a [u8]>,
    pub duration_ns: i64,
    pub is_orig: bool,
    pub seen_bytes: u64,
    pub total_bytes: Option<u64>,
}

impl<'a> File<'a> {
    /// The body of an HTTP message of `f`'s connection, which ended on
    /// `f`'s frame: its first chunk was whole at `chunk_at` (on an earlier
    /// frame), or on this one.
    pub fn http(f: &Frame<'a>, fuid: &'a str, chunk_at: Option<i64>) -> File<'a> {
        let ts_ns = chunk_at.unwrap_or(f.ts_ns).min(f.ts_ns);
        File {
            ts_ns,
            fuid,
            conn: f.conn,
            source: "HTTP",
            mime_type: None,
            filename: None,
            duration_ns: f.ts_ns.saturating_sub(ts_ns),
            is_orig: f.from_orig,
            seen_bytes: 0,
            total_bytes: None,
        }
    }

    /// What base Zeek attaches to a file of this type.
    fn analyzers(&self) -> Vec<Cow<'static, [u8]>> {
        match self.mime_type {
            Some("application/x-dosexec") => vec![Cow::Borrowed(b"PE".as_slice())],
            _ => Vec::new(),
        }
    }
}

impl Record for File<'_> {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        let c = self.conn;
        let sender = if self.is_orig { c.orig_h } else { c.resp_h };
        out.extend([
            Value::Time(self.ts_ns),
            Value::str(self.fuid),
            c.uid.value(),
            Value::Addr(c.orig_h),
            Value::Port(c.orig_p),
            Value::Addr(c.resp_h),
            Value::Port(c.resp_p),
            Value::str(self.source),
            Value::Count(0),
            Value::Strings(self.analyzers()),
            self.mime_type.map_or(Value::Unset, Value::str),
            Value::bytes(self.filename),
            Value::Interval(self.duration_ns),
            Value::Bool(site::is_local(sender)),
            Value::Bool(self.is_orig),
            Value::Count(self.seen_bytes),
            self.total_bytes.map_or(Value::Unset, Value::Count),
            Value::Count(0),
            Value::Count(0),
            Value::Bool(false),
        ]);
        // parent_fuid, the hashes, extraction: not base Zeek's.
        out.extend(std::iter::repeat_n(Value::Unset, 7));
    }
}
