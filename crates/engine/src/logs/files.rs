//! Zeek's files.log (Zeek 6, `base/frameworks/files/main.zeek`, with the
//! hash and extraction columns a default run has): one record per file a
//! connection carried: the bodies of HTTP messages
//! (`base/protocols/http/files.zeek`), each under the fuid http.log lists
//! in `orig_fuids` / `resp_fuids`, the parts of mails sent over SMTP
//! (`base/protocols/smtp/files.zeek`), under smtp.log's `fuids`, and what
//! FTP data connections carried (`base/protocols/ftp/files.zeek`).
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
//! - `mime_type` is http.log's, from the body's first bytes by Zeek's
//!   signatures ([`super::magic`]; unset for a part that does not start at
//!   byte 0: Zeek sniffs only a file seen from its start);
//! - `analyzers` names what base Zeek attaches by type: `PE` to a Windows
//!   executable, `OCSP_REPLY` to an OCSP response. Hashes and extraction are policy scripts, not base Zeek:
//!   those columns stay unset, as in a default run; `missing_bytes` and
//!   `overflow_bytes` are 0, `timedout` F, `parent_fuid` unset.
//!
//! A data connection an FTP control connection announced (conn.log's
//! `ftp-data`) is a file a direction, as Zeek's FTP_DATA analyzer hands
//! each segment to file analysis: `ts` at its first bytes, `duration` to
//! its last, `seen_bytes` the bytes in order and `missing_bytes` the holes
//! before them, `source` `FTP_DATA`, no `filename` nor `total_bytes`;
//! written when the connection ends. At most [`MAX_DATA_CONNS`] data
//! connections are followed at once ([`DataConns::dropped`]).
//!
//! A mail's files are its MIME entities with content ([`super::mime`]):
//! `source` `SMTP`, `depth` the entity's count among the connection's,
//! `filename` from its headers, `seen_bytes` its decoded length, no
//! `total_bytes`; `ts` and `duration` from the lines that gave it content
//! ([`super::smtp`]). The parts of an HTTP multipart body are files the
//! same way ([`super::mime`]), with HTTP's `source` and depth (no
//! `total_bytes`), timed by when their lines came as the stream reader
//! read them ([`wiresift_wire::http::HttpView::parts`]); a body read
//! whole, by its end.
//!
//! Known differences: Zeek keeps the file of a 206 response open across
//! responses and connections (one file per URL) until it times out,
//! `timedout` T; wiresift writes each part as its own file when it ends.
//! A multipart body too long to keep whole is one file (Zeek makes one
//! per part). A chunked or
//! content-coded body's first 1500 bytes are counted as sent, not as
//! Zeek's decoded chunks.

use super::apps::{ConnId, ConnRef, Frame, Map};
use super::{emit, field, magic, site, Record, Schema, Sink, Type, Value};
use crate::flow::key::FlowKey;
use crate::flow::key::Side;
use crate::flow::Delivered;
use std::borrow::Cow;
use std::io;

/// FTP data connections followed at once; past that a new one is not
/// ([`DataConns::dropped`]).
pub const MAX_DATA_CONNS: usize = 10_000;

/// Bytes of a file kept from its start for its type ([`magic`]).
const HEAD: usize = crate::inflate::HEAD;

/// Bytes of a file after which Zeek sniffs its type, if its end has not
/// come first (`default_file_bof_buffer_size`).
pub const SNIFF_AT: u64 = 4096;

/// A deterministic file id: `F` and base-62 digits of a hash of where the
/// file came from (`source`), the connection's uid, the transaction
/// (`depth`), the direction and the file's place among the transaction's
/// (Zeek's ids are random).
pub fn fuid(source: &str, uid: &str, depth: u64, orig: bool, n: usize) -> String {
    // FNV-1a over each part.
    let fnv = |h: u64, bytes: &[u8]| {
        bytes.iter().fold(h, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let mut h = fnv(0xcbf2_9ce4_8422_2325, source.as_bytes());
    h = fnv(h, uid.as_bytes());
    h = fnv(h, &depth.to_be_bytes());
    h = fnv(h, &[u8::from(orig)]);
    h = fnv(h, &(n as u64).to_be_bytes());
    const B62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut s = String::with_capacity(18);
    s.push('F');
    let mut x = h;
    for _ in 0..17 {
        s.push(B62.get((x % 62) as usize).copied().unwrap_or(b'0') as char);
        x /= 62;
        if x == 0 {
            x = h.rotate_left(17) ^ 0x9e37_79b9_7f4a_7c15;
        }
    }
    s
}

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
    /// Zeek's `depth`: an SMTP file's MIME entity (HTTP's and FTP's: 0).
    pub depth: u64,
    pub mime_type: Option<&'static str>,
    pub filename: Option<&'a [u8]>,
    pub duration_ns: i64,
    pub is_orig: bool,
    pub seen_bytes: u64,
    pub total_bytes: Option<u64>,
    pub missing_bytes: u64,
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
            depth: 0,
            mime_type: None,
            filename: None,
            duration_ns: f.ts_ns.saturating_sub(ts_ns),
            is_orig: f.from_orig,
            seen_bytes: 0,
            total_bytes: None,
            missing_bytes: 0,
        }
    }

    /// What base Zeek attaches to a file of this type.
    fn analyzers(&self) -> Vec<Cow<'static, [u8]>> {
        let name: &'static [u8] = match self.mime_type {
            Some("application/x-dosexec") => b"PE",
            // (base/files/x509/log-ocsp.zeek)
            Some("application/ocsp-response") => b"OCSP_REPLY",
            _ => return Vec::new(),
        };
        vec![Cow::Borrowed(name)]
    }
}

impl Record for File<'_> {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        let c = self.conn;
        let sender = if self.is_orig { c.orig_h } else { c.resp_h };
        // The connection's columns, with the fuid after `ts`.
        let [ts, uid, orig_h, orig_p, resp_h, resp_p] = c.head_values(self.ts_ns);
        out.extend([
            ts,
            Value::str(self.fuid),
            uid,
            orig_h,
            orig_p,
            resp_h,
            resp_p,
        ]);
        out.extend([
            Value::str(self.source),
            Value::Count(self.depth),
            Value::Strings(self.analyzers()),
            self.mime_type.map_or(Value::Unset, Value::str),
            Value::bytes(self.filename),
            Value::Interval(self.duration_ns),
            Value::Bool(site::is_local(sender)),
            Value::Bool(self.is_orig),
            Value::Count(self.seen_bytes),
            self.total_bytes.map_or(Value::Unset, Value::Count),
            Value::Count(self.missing_bytes),
            Value::Count(0),
            Value::Bool(false),
        ]);
        // parent_fuid, the hashes, extraction: not base Zeek's.
        out.extend(std::iter::repeat_n(Value::Unset, 7));
    }
}

/// What one direction of a data connection carried so far.
#[derive(Debug, Default)]
struct Carried {
    first_ns: i64,
    last_ns: i64,
    seen: u64,
    missing: u64,
    head: Vec<u8>,
    /// Its type was sniffed (and told to the control connection).
    sniffed: bool,
}

/// A data connection followed: the connection, the control connection
/// that announced it, and its two directions (the originator's first).
#[derive(Debug)]
struct DataConn {
    conn: ConnRef,
    control: ConnId,
    orig: Side,
    sides: [Option<Carried>; 2],
}

/// What a data connection's file tells the control connection that
/// announced it, for its ftp.log record ([`super::ftp::Tracker`]).
#[derive(Debug, PartialEq, Eq)]
pub enum ToControl {
    /// A file began: its id.
    Opened(ConnId, String),
    /// Its type was sniffed.
    Typed(ConnId, &'static str),
}

impl DataConn {
    /// The id of the file of direction `i` (0: the originator's).
    fn fuid(&self, i: usize) -> String {
        fuid("FTP_DATA", self.conn.uid.as_str(), 0, i == 0, 0)
    }

    /// Sniff direction `i`'s file if it was not yet: its type, if known,
    /// goes to the control connection.
    fn sniff(&mut self, i: usize, tell: &mut impl FnMut(ToControl)) {
        let control = self.control;
        let Some(s) = self.sides.get_mut(i).and_then(Option::as_mut) else {
            return;
        };
        if std::mem::replace(&mut s.sniffed, true) {
            return;
        }
        if let Some(m) = magic::mime_type(&s.head) {
            tell(ToControl::Typed(control, m));
        }
    }
}

/// The FTP data connections followed, by conversation and stream number.
#[derive(Debug, Default)]
pub struct DataConns {
    conns: Map<(FlowKey, u32), DataConn>,
    /// Data connections not followed: [`MAX_DATA_CONNS`] were already.
    pub dropped: u64,
}

impl DataConns {
    /// Any connection followed?
    pub fn any(&self) -> bool {
        !self.conns.is_empty()
    }

    /// Follow conversation `key` numbered `stream` (`conn`, whose
    /// originator is `orig`, announced by `control`) from now on.
    pub fn follow(
        &mut self,
        key: FlowKey,
        stream: u32,
        conn: ConnRef,
        orig: Side,
        control: ConnId,
    ) {
        if self.conns.len() >= MAX_DATA_CONNS && !self.conns.contains_key(&(key, stream)) {
            self.dropped += 1;
            return;
        }
        self.conns.entry((key, stream)).or_insert(DataConn {
            conn,
            control,
            orig,
            sides: [None, None],
        });
    }

    /// The bytes of one delivery (`bytes`, read from the frame of
    /// `dl`), if its connection is followed; what its file tells the
    /// control connection goes to `tell`.
    pub fn delivered(&mut self, dl: &Delivered, bytes: &[u8], tell: &mut impl FnMut(ToControl)) {
        let Some(c) = self.conns.get_mut(&(dl.key, dl.stream)) else {
            return;
        };
        let i = usize::from(dl.side != c.orig);
        let Some(side) = c.sides.get_mut(i) else {
            return;
        };
        let s = side.get_or_insert_with(|| Carried {
            first_ns: dl.ts_ns,
            ..Carried::default()
        });
        let opened = s.seen == 0 && !bytes.is_empty();
        s.last_ns = s.last_ns.max(dl.ts_ns);
        s.seen = s.seen.saturating_add(bytes.len() as u64);
        s.missing = s.missing.saturating_add(u64::from(dl.gap_before));
        let room = HEAD.saturating_sub(s.head.len()).min(bytes.len());
        // Zeek sniffs a file only while nothing of its start is missing.
        if s.missing == 0 {
            s.head
                .extend_from_slice(bytes.get(..room).unwrap_or_default());
        }
        let full = s.seen >= SNIFF_AT;
        if opened {
            tell(ToControl::Opened(c.control, c.fuid(i)));
        }
        if full {
            c.sniff(i, tell);
        }
    }

    /// Side `side` of conversation `key` numbered `stream` closed in
    /// order: its file ends, and is sniffed if it was not.
    pub fn closed(
        &mut self,
        key: &FlowKey,
        stream: u32,
        side: Side,
        tell: &mut impl FnMut(ToControl),
    ) {
        if let Some(c) = self.conns.get_mut(&(*key, stream)) {
            let i = usize::from(side != c.orig);
            c.sniff(i, tell);
        }
    }

    /// Conversation `key` numbered `stream` ended: the files it carried
    /// (each sniffed first if it was not).
    pub fn ended(
        &mut self,
        key: &FlowKey,
        stream: u32,
        sink: &mut dyn Sink,
        tell: &mut impl FnMut(ToControl),
    ) -> io::Result<()> {
        let Some(mut c) = self.conns.remove(&(*key, stream)) else {
            return Ok(());
        };
        for i in 0..c.sides.len() {
            c.sniff(i, tell);
        }
        for (i, s) in c.sides.iter().enumerate() {
            let Some(s) = s.as_ref().filter(|s| s.seen > 0) else {
                continue;
            };
            let is_orig = i == 0;
            let fuid = c.fuid(i);
            let file = File {
                ts_ns: s.first_ns,
                fuid: &fuid,
                conn: &c.conn,
                source: "FTP_DATA",
                depth: 0,
                mime_type: magic::mime_type(&s.head),
                filename: None,
                duration_ns: s.last_ns.saturating_sub(s.first_ns),
                is_orig,
                seen_bytes: s.seen,
                total_bytes: None,
                missing_bytes: s.missing,
            };
            emit(&file, sink)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_ids_are_deterministic() {
        let id = |source, depth, orig| fuid(source, "Cabc", depth, orig, 0);
        assert_eq!(id("HTTP", 1, false), id("HTTP", 1, false));
        assert_ne!(id("HTTP", 1, false), id("HTTP", 2, false));
        assert_ne!(id("HTTP", 1, false), id("HTTP", 1, true));
        assert_ne!(id("HTTP", 0, false), id("FTP_DATA", 0, false));
        assert_eq!(id("HTTP", 1, false).len(), 18);
    }
}
