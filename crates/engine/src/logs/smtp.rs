//! Zeek's smtp.log (Zeek 6, `base/protocols/smtp/main.zeek`): one record
//! per mail transaction of an SMTP connection.
//!
//! As Zeek does:
//! - `helo` is the last HELO/EHLO argument of the connection; `mailfrom`
//!   the `MAIL FROM:` address (up to the first blank), `rcptto` the set of
//!   `RCPT TO:` arguments; `last_reply` the last reply's code and text;
//!   `path` starts as the server then the client; `tls` is set by
//!   STARTTLS; `trans_depth` counts the transactions of the connection.
//! - A transaction is written when the server answers the end of its
//!   content (the reply after `354`), when a new `MAIL FROM` comes while
//!   the client was active, or when the connection ends — only if the
//!   client did something (MAIL, RCPT, STARTTLS).
//!
//! - The mail's headers (the `imf` layer on the frame of the `.` line) fill
//!   `date`, `from`, `to` and `cc` (sets split at commas), `reply_to`,
//!   `msg_id`, `in_reply_to`, `subject`, `x_originating_ip` (the first
//!   address in the header), `first_received` (the last `Received` read)
//!   and `second_received` (the one before it), `user_agent` (User-Agent,
//!   X-Mailer or X-User-Agent), as Zeek's `mime_one_header` handler does,
//!   with folded values unfolded.
//!
//! - `fuids` lists the mail's files ([`super::mime`]), each written to
//!   files.log on the frame of the `.` line: `ts` when the line that first
//!   gave it content came, `duration` to the last such line, `depth` the
//!   entity's count among the connection's mails (Zeek's `mime_depth`).
//!   The content is read as it comes ([`mime::MailReader`]), so a mail's
//!   files are whole whatever its length.
//!
//! - `path` adds to the server and the client the address each `Received`
//!   header names ([`received_hop`]) unless it repeats the one before; with
//!   Zeek's default `mail_path_capture` (all hosts) every header counts.
//!
//! Bounds: at most [`MAX_CONNS`] connections with SMTP state (past that
//! the oldest is written early, [`Stats::overflow`]); at most
//! [`MAX_RCPT`] recipients per transaction ([`Stats::rcpt_dropped`]);
//! the MIME reader's ([`mime`]), each counted.

use super::apps::{ids_in_order, to_evict, ConnId, ConnRef, Frame, Map};
use super::{emit, field, files, magic, mime, weird, Record, Schema, Sink, Type, Value};
use std::borrow::Cow;
use std::collections::HashSet;
use std::io;
use std::net::IpAddr;
use wire::imf::ImfView;
use wire::smtp::{Part, SmtpView};
use wiresift_wire as wire;

pub static SCHEMA: Schema = Schema {
    path: "smtp",
    fields: conn_fields![
        field("trans_depth", Type::Count),
        field("helo", Type::String),
        field("mailfrom", Type::String),
        field("rcptto", Type::StringSet),
        field("date", Type::String),
        field("from", Type::String),
        field("to", Type::StringSet),
        field("cc", Type::StringSet),
        field("reply_to", Type::String),
        field("msg_id", Type::String),
        field("in_reply_to", Type::String),
        field("subject", Type::String),
        field("x_originating_ip", Type::Addr),
        field("first_received", Type::String),
        field("second_received", Type::String),
        field("last_reply", Type::String),
        field("path", Type::AddrVector),
        field("user_agent", Type::String),
        field("tls", Type::Bool),
        field("fuids", Type::StringVector),
        field("is_webmail", Type::Bool),
    ],
};

/// Connections with SMTP state at once.
pub const MAX_CONNS: usize = 50_000;
/// Recipients kept per transaction.
pub const MAX_RCPT: usize = 1000;
/// Longest command argument or reply text kept.
const MAX_TEXT: usize = 4096;
/// `Received` hops kept of a mail.
const MAX_HOPS: usize = 100;

/// What smtp.log needs of one SMTP message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    Command {
        /// Upper case.
        cmd: Vec<u8>,
        arg: Vec<u8>,
    },
    Reply {
        code: u16,
        /// The last line's text.
        msg: Vec<u8>,
    },
    /// Mail content the client sent before the `.` line, as sent;
    /// `gap`: the bytes of the mail's first gap before it (0: none).
    Content { bytes: Vec<u8>, gap: u64 },
    /// The mail the client sent, on the frame of its `.` line.
    Mail(Box<Mail>),
}

/// What the logs take of a mail.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mail {
    pub headers: Headers,
    /// An empty last line was left out of the mail's content
    /// ([`SmtpView::eom_after_blank_line`]).
    pub blank_line: bool,
}

impl Mail {
    pub fn read(v: &ImfView<'_>, blank_line: bool) -> Mail {
        Mail {
            headers: Headers::read(v),
            blank_line,
        }
    }
}

/// What smtp.log takes from a mail's headers (Zeek's `mime_one_header`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers {
    pub date: Option<Vec<u8>>,
    pub from: Option<Vec<u8>>,
    pub to: Option<Vec<Vec<u8>>>,
    pub cc: Option<Vec<Vec<u8>>>,
    pub reply_to: Option<Vec<u8>>,
    pub msg_id: Option<Vec<u8>>,
    pub in_reply_to: Option<Vec<u8>>,
    pub subject: Option<Vec<u8>>,
    pub x_originating_ip: Option<IpAddr>,
    pub first_received: Option<Vec<u8>>,
    pub second_received: Option<Vec<u8>>,
    pub user_agent: Option<Vec<u8>>,
    /// The hops of the `Received` headers, in order ([`MAX_HOPS`]).
    pub hops: Vec<IpAddr>,
}

/// A header's value unfolded (its CR LFs taken out), bounded.
fn unfold(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len().min(MAX_TEXT));
    for &c in v {
        if out.len() >= MAX_TEXT {
            break;
        }
        if c != b'\r' && c != b'\n' {
            out.push(c);
        }
    }
    out
}

/// Add the comma-separated items of `v` to a set (Zeek splits at
/// `[[:blank:]]*,[[:blank:]]*`).
fn add_items(set: &mut Option<Vec<Vec<u8>>>, v: &[u8]) {
    let set = set.get_or_insert_with(Vec::new);
    // Looked up by hash: a header of a million repeated addresses would
    // otherwise compare each with all the set holds.
    let mut seen: HashSet<&[u8]> = set.iter().map(Vec::as_slice).collect();
    let mut added = Vec::new();
    for item in v.split(|&c| c == b',') {
        if set.len().saturating_add(added.len()) >= MAX_RCPT {
            break;
        }
        let item = item.trim_ascii();
        if seen.insert(item) {
            added.push(item);
        }
    }
    set.extend(added.into_iter().map(<[u8]>::to_vec));
}

/// The IP addresses written in `v` (Zeek's `extract_ip_addresses`), each
/// with the bytes just before and after it.
fn addresses(v: &[u8]) -> impl Iterator<Item = (IpAddr, Option<u8>, Option<u8>)> + '_ {
    let addr_byte = |c: &u8| c.is_ascii_hexdigit() || *c == b'.' || *c == b':';
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < v.len() {
            let rest = v.get(at..).unwrap_or_default();
            let start = at + rest.iter().position(addr_byte)?;
            let len = v
                .get(start..)
                .unwrap_or_default()
                .iter()
                .position(|c| !addr_byte(c))
                .unwrap_or(v.len() - start);
            at = start + len;
            let token = v.get(start..at).unwrap_or_default();
            let ip = (token.len() >= 2)
                .then(|| std::str::from_utf8(token).ok()?.parse().ok())
                .flatten();
            if let Some(ip) = ip {
                let before = start.checked_sub(1).and_then(|i| v.get(i)).copied();
                return Some((ip, before, v.get(at).copied()));
            }
        }
        None
    })
}

/// The first IP address written in `v`.
fn first_address(v: &[u8]) -> Option<IpAddr> {
    addresses(v).next().map(|a| a.0)
}

/// The hop a `Received` header names (Zeek's
/// `find_address_in_smtp_header`): of the addresses standing alone or
/// wrapped in brackets, parentheses, braces or blanks, the second if there
/// are more, else the first.
fn received_hop(v: &[u8]) -> Option<IpAddr> {
    let mut wrapped = addresses(v).filter(|(_, b, a)| {
        matches!(
            (b, a),
            (None, None)
                | (Some(b'['), Some(b']'))
                | (Some(b'('), Some(b')'))
                | (Some(b'{'), Some(b'}'))
                | (Some(b' '), Some(b' '))
        )
    });
    let first = wrapped.next()?;
    Some(wrapped.next().unwrap_or(first).0)
}

impl Headers {
    /// The headers of a mail.
    pub fn read(v: &ImfView<'_>) -> Headers {
        let mut h = Headers::default();
        for hd in v.headers() {
            let name = v.text(hd.name.clone()).trim_ascii();
            let value = unfold(v.text(hd.value.clone()));
            let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
            if is("message-id") {
                h.msg_id = Some(value);
            } else if is("received") {
                if let Some(hop) = received_hop(&value) {
                    if h.hops.len() < MAX_HOPS {
                        h.hops.push(hop);
                    }
                }
                h.second_received = h.first_received.take();
                h.first_received = Some(value);
            } else if is("in-reply-to") {
                h.in_reply_to = Some(value);
            } else if is("subject") {
                h.subject = Some(value);
            } else if is("from") {
                h.from = Some(value);
            } else if is("reply-to") {
                h.reply_to = Some(value);
            } else if is("date") {
                h.date = Some(value);
            } else if is("to") {
                add_items(&mut h.to, &value);
            } else if is("cc") {
                add_items(&mut h.cc, &value);
            } else if is("x-originating-ip") {
                h.x_originating_ip = first_address(&value).or(h.x_originating_ip);
            } else if is("x-mailer") || is("user-agent") || is("x-user-agent") {
                h.user_agent = Some(value);
            }
        }
        h
    }
}

fn cut(b: &[u8]) -> Vec<u8> {
    b.get(..b.len().min(MAX_TEXT)).unwrap_or_default().to_vec()
}

impl Msg {
    /// None for a reply without a code, and for what the client sends
    /// that is neither commands nor mail content (AUTH credentials).
    pub fn read(v: &SmtpView<'_>) -> Option<Msg> {
        if v.is_request() {
            match v.part() {
                Part::Commands => {}
                Part::DataFragment | Part::Eom { .. } => {
                    // (Of the `.` line's message, the mail's last content.)
                    let bytes = match v.part() {
                        Part::Eom { content, .. } => v.bytes().get(..content),
                        _ => None,
                    };
                    return Some(Msg::Content {
                        bytes: bytes.unwrap_or(v.bytes()).to_vec(),
                        gap: v.gap_before(),
                    });
                }
                _ => return None,
            }
            let mut cmd = cut(v.command().unwrap_or_default());
            cmd.make_ascii_uppercase();
            return Some(Msg::Command {
                cmd,
                arg: cut(v.argument().unwrap_or_default()),
            });
        }
        Some(Msg::Reply {
            code: v.reply_code()?,
            msg: cut(v.reply_lines().last().unwrap_or_default()),
        })
    }
}

/// One smtp.log record (Zeek's `SMTP::Info`, the fields filled here).
#[derive(Clone, Debug, PartialEq)]
pub struct Smtp {
    pub ts_ns: i64,
    pub conn: ConnRef,
    pub trans_depth: u64,
    pub helo: Option<Vec<u8>>,
    pub mailfrom: Option<Vec<u8>>,
    pub rcptto: Option<Vec<Vec<u8>>>,
    pub last_reply: Option<Vec<u8>>,
    pub headers: Headers,
    pub tls: bool,
    /// The files of its mail, in the order they started.
    pub fuids: Vec<String>,
    /// Not logged: MAIL, RCPT or STARTTLS seen (Zeek writes only then).
    has_client_activity: bool,
}

impl Record for Smtp {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        out.extend(self.conn.head_values(self.ts_ns));
        out.extend([
            Value::Count(self.trans_depth),
            Value::bytes(self.helo.as_deref()),
            Value::bytes(self.mailfrom.as_deref()),
            self.rcptto.as_ref().map_or(Value::Unset, |r| {
                Value::Strings(r.iter().map(|x| Cow::Borrowed(x.as_slice())).collect())
            }),
        ]);
        let h = &self.headers;
        let set = |s: &'s Option<Vec<Vec<u8>>>| {
            s.as_ref().map_or(Value::Unset, |r| {
                Value::Strings(r.iter().map(|x| Cow::Borrowed(x.as_slice())).collect())
            })
        };
        out.extend([
            Value::bytes(h.date.as_deref()),
            Value::bytes(h.from.as_deref()),
            set(&h.to),
            set(&h.cc),
            Value::bytes(h.reply_to.as_deref()),
            Value::bytes(h.msg_id.as_deref()),
            Value::bytes(h.in_reply_to.as_deref()),
            Value::bytes(h.subject.as_deref()),
            h.x_originating_ip.map_or(Value::Unset, Value::Addr),
            Value::bytes(h.first_received.as_deref()),
            Value::bytes(h.second_received.as_deref()),
            Value::bytes(self.last_reply.as_deref()),
            Value::Addrs(self.path()),
            Value::bytes(h.user_agent.as_deref()),
            Value::Bool(self.tls),
            Value::Strings(
                self.fuids
                    .iter()
                    .map(|f| Cow::Borrowed(f.as_bytes()))
                    .collect(),
            ),
            Value::Bool(false),
        ]);
    }
}

/// What the SMTP analyzer counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub records: u64,
    /// Connections written early because [`MAX_CONNS`] had state.
    pub overflow: u64,
    pub rcpt_dropped: u64,
    /// Entities of mails not made files: past [`mime::MAX_FILES`] a mail,
    /// or nested past [`mime::MAX_NESTING`].
    pub entities_dropped: u64,
    /// Mail lines longer than [`mime::MAX_LINE`], read in pieces.
    pub long_lines: u64,
}

/// One connection's state (Zeek's `SMTP::State` and the current record).
#[derive(Debug)]
struct ConnState {
    rec: Smtp,
    messages: u64,
    helo: Option<Vec<u8>>,
    /// The last command sent.
    last_cmd: Vec<u8>,
    /// `354` came to DATA: the next reply ends the content.
    in_data: bool,
    since_ns: i64,
    /// Zeek's `mime_depth`: the MIME entities of the connection's mails.
    mime_depth: u64,
    /// The mail being sent, read as it comes (made at its first content).
    mail: Option<Box<mime::MailReader>>,
    /// Its reading ended at a gap in its content.
    mail_cut: bool,
    /// It is the originator's.
    mail_orig: bool,
}

impl Smtp {
    /// Zeek's `path`: the server, the client, then each `Received` hop
    /// that is not the one before it.
    fn path(&self) -> Vec<IpAddr> {
        let mut path = vec![self.conn.resp_h, self.conn.orig_h];
        for &hop in &self.headers.hops {
            if path.last() != Some(&hop) {
                path.push(hop);
            }
        }
        path
    }

    /// Zeek's `new_smtp_log`.
    fn new(f: &Frame<'_>, trans_depth: u64, helo: Option<Vec<u8>>) -> Smtp {
        Smtp {
            ts_ns: f.ts_ns,
            conn: f.conn.clone(),
            trans_depth,
            helo,
            mailfrom: None,
            rcptto: None,
            last_reply: None,
            headers: Headers::default(),
            tls: false,
            fuids: Vec::new(),
            has_client_activity: false,
        }
    }
}

impl ConnState {
    fn fresh(&mut self, f: &Frame<'_>) {
        self.rec = Smtp::new(f, self.messages + 1, self.helo.clone());
    }
}

/// SMTP transactions in progress, per connection.
#[derive(Debug, Default)]
pub struct Tracker {
    conns: Map<ConnId, ConnState>,
    pub stats: Stats,
}

/// The address of `FROM:<a@b> SIZE=1`: after the colon and blanks, up to
/// the next blank.
fn after_colon(arg: &[u8]) -> Vec<u8> {
    let Some(c) = arg.iter().position(|&x| x == b':') else {
        return Vec::new();
    };
    let rest = arg.get(c + 1..).unwrap_or_default();
    let start = rest
        .iter()
        .position(|x| !matches!(x, b' ' | b'\t'))
        .unwrap_or(rest.len());
    rest.get(start..).unwrap_or_default().to_vec()
}

fn starts_ci(b: &[u8], p: &[u8]) -> bool {
    b.get(..p.len()).is_some_and(|x| x.eq_ignore_ascii_case(p))
}

/// The files of a mail whose reading ended, sent by the originator or
/// not (`is_orig`): each written to files.log and listed in the
/// transaction's `fuids`, and the mail's weirds.
fn mail_files(
    stats: &mut Stats,
    st: &mut ConnState,
    mime: mime::Mail,
    is_orig: bool,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let conn = &st.rec.conn;
    stats.entities_dropped = stats
        .entities_dropped
        .saturating_add(mime.files_dropped)
        .saturating_add(mime.too_deep);
    stats.long_lines = stats.long_lines.saturating_add(mime.long_lines);
    for (at, text) in mime.weirds {
        let w = weird::Weird {
            addl: Some(text),
            ..weird::Weird::of_conn(at, conn, "base64_illegal_encoding", "")
        };
        emit(&w, sink)?;
    }
    let mut fuids = Vec::with_capacity(mime.files.len());
    for m in &mime.files {
        let depth = st.mime_depth.saturating_add(m.entity);
        let fuid = files::fuid("SMTP", conn.uid.as_str(), depth, true, 0);
        let file = files::File {
            ts_ns: m.first_at,
            fuid: &fuid,
            conn,
            source: "SMTP",
            depth,
            mime_type: magic::mime_type(&m.head),
            filename: m.filename.as_deref(),
            duration_ns: m.last_at.saturating_sub(m.first_at),
            is_orig,
            seen_bytes: m.seen,
            total_bytes: None,
            missing_bytes: m.missing,
        };
        emit(&file, sink)?;
        fuids.push(fuid);
    }
    // (Zeek lists no file of a mail sent after STARTTLS.)
    if !st.rec.tls {
        st.rec.fuids.extend(fuids);
    }
    st.mime_depth = st.mime_depth.saturating_add(mime.entities);
    Ok(())
}

/// A mail whose `.` line was not seen ends: at the server's reply to its
/// content, or with its connection (as Zeek ends a mail when its
/// connection is done).
fn mail_unended(stats: &mut Stats, st: &mut ConnState, sink: &mut dyn Sink) -> io::Result<()> {
    let Some(mail) = st.mail.take() else {
        return Ok(());
    };
    let at = mail.last_mark();
    let mime = mail.finish(false, at);
    mail_files(stats, st, mime, st.mail_orig, sink)
}

impl Tracker {
    fn write(&mut self, r: &Smtp, sink: &mut dyn Sink) -> io::Result<()> {
        if !r.has_client_activity {
            return Ok(());
        }
        self.stats.records += 1;
        emit(r, sink)
    }

    /// One SMTP message of a connection.
    pub fn message(&mut self, f: &Frame<'_>, m: Msg, sink: &mut dyn Sink) -> io::Result<()> {
        if let Some(id) = to_evict(&self.conns, f.conn.id, MAX_CONNS, |s| s.since_ns) {
            self.stats.overflow += 1;
            self.conn_ended(id, sink)?;
        }
        let st = self.conns.entry(f.conn.id).or_insert_with(|| ConnState {
            rec: Smtp::new(f, 1, None),
            messages: 0,
            helo: None,
            last_cmd: Vec::new(),
            in_data: false,
            since_ns: f.ts_ns,
            mime_depth: 0,
            mail: None,
            mail_cut: false,
            mail_orig: true,
        });
        let mut out: Option<Smtp> = None;
        let mut dropped = 0;
        match m {
            Msg::Command { cmd, arg } => {
                match cmd.as_slice() {
                    b"HELO" | b"EHLO" => {
                        st.helo = Some(arg.clone());
                        st.rec.helo = Some(arg);
                    }
                    b"RCPT" if starts_ci(&arg, b"TO:") => {
                        let r = st.rec.rcptto.get_or_insert_with(Vec::new);
                        let to = after_colon(&arg);
                        if !r.contains(&to) {
                            if r.len() < MAX_RCPT {
                                r.push(to);
                            } else {
                                dropped += 1;
                            }
                        }
                        st.rec.has_client_activity = true;
                    }
                    b"MAIL" if starts_ci(&arg, b"FROM:") => {
                        // The last transaction, if its end was not seen.
                        if st.rec.has_client_activity {
                            out = Some(st.rec.clone());
                            st.fresh(f);
                        }
                        let from = after_colon(&arg);
                        let end = from
                            .iter()
                            .position(|x| matches!(x, b' ' | b'\t'))
                            .unwrap_or(from.len());
                        st.rec.mailfrom = Some(from.get(..end).unwrap_or_default().to_vec());
                        st.rec.has_client_activity = true;
                    }
                    b"STARTTLS" => {
                        st.rec.tls = true;
                        st.rec.has_client_activity = true;
                    }
                    _ => {}
                }
                st.last_cmd = cmd;
            }
            Msg::Content { bytes, gap } => {
                if gap > 0 && !st.mail_cut {
                    // Zeek ends a mail's reading at a gap in its content:
                    // what came before is the mail, what follows is not.
                    st.mail_cut = true;
                    let mime = st.mail.take().unwrap_or_default().cut(gap);
                    mail_files(&mut self.stats, st, mime, f.from_orig, sink)?;
                }
                if !st.mail_cut {
                    st.mail.get_or_insert_default().feed(&bytes, f.ts_ns);
                    st.mail_orig = f.from_orig;
                }
            }
            Msg::Mail(m) => {
                let Mail {
                    headers,
                    blank_line,
                } = *m;
                st.rec.headers = headers;
                if !std::mem::take(&mut st.mail_cut) {
                    // (Lines are marked with the time their end came.)
                    let mail = st.mail.take().unwrap_or_default();
                    let mime = mail.finish(blank_line, f.ts_ns);
                    mail_files(&mut self.stats, st, mime, f.from_orig, sink)?;
                }
            }
            Msg::Reply { code, msg } => {
                let mut text = code.to_string().into_bytes();
                text.push(b' ');
                text.extend_from_slice(&msg);
                st.rec.last_reply = Some(text);
                if st.in_data {
                    // The reply to the content's end (Zeek's ".").
                    st.in_data = false;
                    st.mail_cut = false;
                    mail_unended(&mut self.stats, st, sink)?;
                    st.messages += 1;
                    out = Some(st.rec.clone());
                    st.fresh(f);
                } else if code == 354 && st.last_cmd == b"DATA" {
                    st.in_data = true;
                    st.mail = None;
                    st.mail_cut = false;
                }
            }
        }
        self.stats.rcpt_dropped += dropped;
        if let Some(r) = out {
            self.write(&r, sink)?;
        }
        Ok(())
    }

    /// A connection ended: its open transaction is written.
    pub fn conn_ended(&mut self, id: ConnId, sink: &mut dyn Sink) -> io::Result<()> {
        if let Some(mut st) = self.conns.remove(&id) {
            mail_unended(&mut self.stats, &mut st, sink)?;
            self.write(&st.rec, sink)?;
        }
        Ok(())
    }

    /// The capture ended: whatever is still open.
    pub fn finish(&mut self, sink: &mut dyn Sink) -> io::Result<()> {
        for id in ids_in_order(&self.conns) {
            self.conn_ended(id, sink)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
