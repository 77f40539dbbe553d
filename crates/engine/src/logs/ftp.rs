//! Zeek's ftp.log (Zeek 6, `base/protocols/ftp/main.zeek`): one record per
//! command and its reply on an FTP control connection, for the commands
//! Zeek logs by default (`FTP::logged_commands`: file transfers and data
//! channel set-up), and the data connections those announce.
//!
//! As Zeek does:
//! - Commands queue (at most 20 unanswered; the server's greeting answers
//!   a `<init>` shim); a reply goes to the one it fits best. A command with its
//!   reply is written when the next command comes, at once when more
//!   commands wait, or when the connection ends.
//! - `user` is the last `USER` argument (`<unknown>` before), `password`
//!   the last `PASS` one, shown only for guest users (`anonymous`, `ftp`,
//!   `ftpuser`, `guest`), `<hidden>` otherwise.
//! - The argument of a file command is the file's URL
//!   (`ftp://<server>/<cwd>/<file>`), the working directory followed
//!   through CWD, CDUP and PWD replies.
//! - `file_size` comes from a `150` reply to RETR or a `213` to SIZE (its
//!   last number); `data_channel.*` from PORT/EPRT commands and from `227`
//!   and `229` replies to PASV/EPSV.
//! - Each announced data connection is expected for 5 minutes, keyed by
//!   its responder's address and port (and its originator's address); a TCP
//!   connection that matches gets the service `ftp-data` in conn.log.
//! - `fuid` and `mime_type` are those of the file a data connection
//!   carried (`base/protocols/ftp/files.zeek`): set on the control
//!   connection when the file's first bytes come and when its type is
//!   sniffed (at [`super::files::SNIFF_AT`] bytes or the end of its
//!   direction), and cleared, like `file_size`, by the next record the
//!   connection makes — written or not: most often the RETR or STOR the
//!   transfer answered.
//!
//! Known differences: Zeek's table of the reply codes each command may get
//! is reduced to the greeting's (see [`best_match`]); a multi-line
//! reply is one reply (its last line's text).
//!
//! Bounds: at most [`MAX_CONNS`] control connections with state (past that
//! the oldest is written early, [`Stats::overflow`]); at most
//! [`MAX_EXPECTED`] expected data connections ([`Stats::expected_dropped`]);
//! arguments and reply texts are cut at Zeek's 4096 bytes, user names and
//! passwords at 128.

use super::apps::{ids_in_order, to_evict, ConnId, ConnRef, Frame, Map};
use super::files::ToControl;
use super::{emit, field, Record, Schema, Sink, Type, Value};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::io;
use std::net::IpAddr;
use wire::ftp::{DataEndpoint, FtpView};
use wiresift_wire as wire;

pub static SCHEMA: Schema = Schema {
    path: "ftp",
    fields: conn_fields![
        field("user", Type::String),
        field("password", Type::String),
        field("command", Type::String),
        field("arg", Type::String),
        field("mime_type", Type::String),
        field("file_size", Type::Count),
        field("reply_code", Type::Count),
        field("reply_msg", Type::String),
        field("data_channel.passive", Type::Bool),
        field("data_channel.orig_h", Type::Addr),
        field("data_channel.resp_h", Type::Addr),
        field("data_channel.resp_p", Type::Port),
        field("fuid", Type::String),
    ],
};

/// Control connections with FTP state at once.
pub const MAX_CONNS: usize = 50_000;
/// Expected data connections at once.
pub const MAX_EXPECTED: usize = 10_000;
/// Zeek's `ftp_data_expected` expiry (5 minutes).
const EXPECT_NS: i64 = 300 * 1_000_000_000;
/// Zeek's `FTP::max_pending_commands`.
const MAX_PENDING: usize = 20;
/// Zeek's truncations (`max_arg_length`, `max_reply_msg_length`,
/// `max_user_length`, `max_password_length`).
const MAX_ARG: usize = 4096;
const MAX_USER: usize = 128;

/// Zeek's `FTP::logged_commands`.
const LOGGED: &[&[u8]] = &[
    b"APPE", b"DELE", b"RETR", b"STOR", b"STOU", b"ACCT", b"PORT", b"PASV", b"EPRT", b"EPSV",
];
/// Commands whose argument names a file or directory (`file_cmds`).
const FILE_CMDS: &[&[u8]] = &[
    b"APPE", b"CWD", b"DELE", b"MKD", b"RETR", b"RMD", b"RNFR", b"RNTO", b"STOR", b"STOU", b"REST",
    b"SIZE", b"MDTM",
];
/// Zeek's `FTP::guest_ids`.
const GUESTS: &[&str] = &["anonymous", "ftp", "ftpuser", "guest"];

/// What ftp.log needs of one control message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    Command {
        /// Upper case, as Zeek reports it.
        cmd: Vec<u8>,
        arg: Vec<u8>,
        data: Option<DataEndpoint>,
    },
    Reply {
        code: u16,
        /// The last line's text.
        msg: Vec<u8>,
        data: Option<DataEndpoint>,
    },
}

fn cut(b: &[u8], max: usize) -> Vec<u8> {
    b.get(..b.len().min(max)).unwrap_or_default().to_vec()
}

impl Msg {
    /// None for a reply without a code.
    pub fn read(v: &FtpView<'_>) -> Option<Msg> {
        let data = v.data_endpoint();
        if v.is_request() {
            let mut cmd = cut(v.command().unwrap_or_default(), MAX_ARG);
            cmd.make_ascii_uppercase();
            return Some(Msg::Command {
                cmd,
                arg: cut(v.argument().unwrap_or_default(), MAX_ARG),
                data,
            });
        }
        let code = v.reply_code()?;
        // A multi-line reply ends with its coded line: its text is the
        // reply's message.
        let coded = format!("{code:03}");
        let last = v
            .more_lines()
            .last()
            .filter(|l| l.get(..3) == Some(coded.as_bytes()))
            .map(|l| l.get(4..).unwrap_or_default());
        let msg = last.or_else(|| v.reply_text()).unwrap_or_default();
        Some(Msg::Reply {
            code,
            msg: cut(msg, MAX_ARG),
            data,
        })
    }
}

/// A data connection announced on the control connection (Zeek's
/// `ExpectedDataChannel`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataChannel {
    pub passive: bool,
    pub orig_h: IpAddr,
    pub resp_h: IpAddr,
    pub resp_p: u16,
}

/// One ftp.log record.
#[derive(Clone, Debug, PartialEq)]
pub struct Ftp {
    pub ts_ns: i64,
    pub conn: ConnRef,
    pub user: Vec<u8>,
    pub password: Option<Vec<u8>>,
    pub command: Vec<u8>,
    pub arg: Option<Vec<u8>>,
    pub file_size: Option<u64>,
    pub reply_code: Option<u16>,
    pub reply_msg: Option<Vec<u8>>,
    pub data_channel: Option<DataChannel>,
    /// The type and id of the file a data connection carried while the
    /// command waited ([`Tracker::told`]).
    pub mime_type: Option<&'static str>,
    pub fuid: Option<String>,
}

impl Record for Ftp {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        out.extend(self.conn.head_values(self.ts_ns));
        out.extend([
            Value::Str(Cow::Borrowed(&self.user)),
            Value::bytes(self.password.as_deref()),
            Value::Str(Cow::Borrowed(&self.command)),
            Value::bytes(self.arg.as_deref()),
            self.mime_type.map_or(Value::Unset, Value::str),
            self.file_size.map_or(Value::Unset, Value::Count),
            self.reply_code
                .map_or(Value::Unset, |c| Value::Count(u64::from(c))),
            Value::bytes(self.reply_msg.as_deref()),
        ]);
        match self.data_channel {
            Some(d) => out.extend([
                Value::Bool(d.passive),
                Value::Addr(d.orig_h),
                Value::Addr(d.resp_h),
                Value::Port(d.resp_p),
            ]),
            None => out.extend([Value::Unset, Value::Unset, Value::Unset, Value::Unset]),
        }
        out.push(self.fuid.as_deref().map_or(Value::Unset, Value::str));
    }
}

/// A command waiting for (or holding) its reply.
#[derive(Clone, Debug)]
struct Cmd {
    seq: u64,
    ts_ns: i64,
    cmd: Vec<u8>,
    arg: Vec<u8>,
    cwd_consumed: bool,
}

/// One control connection's state (Zeek's `FTP::Info` between records).
#[derive(Debug)]
struct ConnState {
    conn: ConnRef,
    user: Vec<u8>,
    password: Option<Vec<u8>>,
    cwd: Vec<u8>,
    pending: VecDeque<Cmd>,
    seq: u64,
    /// The command the last reply went to.
    current: Option<Cmd>,
    reply_code: Option<u16>,
    reply_msg: Option<Vec<u8>>,
    file_size: Option<u64>,
    data_channel: Option<DataChannel>,
    mime_type: Option<&'static str>,
    fuid: Option<String>,
    since_ns: i64,
}

/// What the FTP analyzer counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub records: u64,
    /// Control connections written early because [`MAX_CONNS`] had state.
    pub overflow: u64,
    /// Commands past Zeek's 20 unanswered ones.
    pub too_many_pending: u64,
    /// Data connections announced, seen, and expired unseen.
    pub expected: u64,
    pub data_conns: u64,
    pub expired: u64,
    /// Expectations dropped because [`MAX_EXPECTED`] were held.
    pub expected_dropped: u64,
}

/// An expected data connection: its originator's address and when the
/// expectation lapses.
#[derive(Clone, Copy, Debug)]
struct Expect {
    /// The control connection that announced it.
    control: ConnId,
    orig_h: IpAddr,
    until_ns: i64,
    /// A connection matched it.
    used: bool,
}

/// FTP control connections in progress, and the data connections they
/// announced.
#[derive(Debug, Default)]
pub struct Tracker {
    conns: Map<ConnId, ConnState>,
    expected: Map<(IpAddr, u16), Expect>,
    pub stats: Stats,
}

/// Zeek's `build_path_compressed`: `path` from `dir` (unless absolute),
/// with `.` and empty steps dropped and `..` taking the step before.
fn build_path(dir: &[u8], path: &[u8]) -> Vec<u8> {
    let full: Vec<u8> = if path.first() == Some(&b'/') {
        path.to_vec()
    } else {
        [dir, b"/", path].concat()
    };
    let absolute = full.first() == Some(&b'/');
    let mut steps: Vec<&[u8]> = Vec::new();
    for (i, s) in full.split(|&c| c == b'/').enumerate() {
        match s {
            b"" => {}
            // A leading `.` stays: the directory is not known.
            b"." if i > 0 || absolute => {}
            b".." if steps.last().is_some_and(|l| *l != b"..") => {
                steps.pop();
            }
            _ => steps.push(s),
        }
    }
    let mut out = Vec::with_capacity(full.len());
    if absolute {
        out.push(b'/');
    }
    out.extend_from_slice(&steps.join(&b'/'));
    out
}

/// The last run of digits in `s` (Zeek's `extract_count(s, F)`).
fn last_number(s: &[u8]) -> Option<u64> {
    let end = s.iter().rposition(u8::is_ascii_digit)? + 1;
    let start = s
        .get(..end)?
        .iter()
        .rposition(|c| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    std::str::from_utf8(s.get(start..end)?).ok()?.parse().ok()
}

/// The quoted path of a `257` reply (`"/home/ftp" is the current
/// directory`), `""` inside standing for `"`.
fn quoted_path(msg: &[u8]) -> Option<Vec<u8>> {
    let start = msg.iter().position(|&c| c == b'"')? + 1;
    let mut out = Vec::new();
    let mut i = start;
    while let Some(&c) = msg.get(i) {
        if c == b'"' {
            if msg.get(i + 1) == Some(&b'"') {
                out.push(b'"');
                i += 2;
                continue;
            }
            return Some(out);
        }
        out.push(c);
        i += 1;
    }
    None
}

/// Does `hay` contain `needle` (not empty)?
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Zeek's `get_pending_cmd`: the waiting command a reply fits best — one
/// the code suits (+100), named in the reply's text (+20), its argument
/// in it (+10); the oldest among equals. Zeek's table of codes per command
/// is reduced here to the greeting's: `<init>` takes 120, 220 and 421,
/// the other commands every other code (500 suits all).
fn best_match<'c>(pending: &'c VecDeque<Cmd>, code: u16, msg: &[u8]) -> Option<&'c Cmd> {
    let score = |c: &Cmd| {
        let greeting = matches!(code, 120 | 220 | 421);
        let fits = code == 500 || (c.cmd == b"<init>") == greeting;
        u32::from(fits) * 100
            + u32::from(contains(msg, &c.cmd)) * 20
            + u32::from(contains(msg, &c.arg)) * 10
    };
    // max_by_key keeps the last of equals: go newest first.
    pending.iter().rev().max_by_key(|c| score(c))
}

fn is_one_of(cmd: &[u8], set: &[&[u8]]) -> bool {
    set.contains(&cmd)
}

impl ConnState {
    /// A data connection announced to `to`, if any: by PORT or EPRT (not
    /// `passive`: the server connects back to the client) or by the reply
    /// to PASV or EPSV (`passive`: the client connects to the server).
    fn data_channel_to(&mut self, passive: bool, to: Option<(IpAddr, u16)>) -> Option<DataChannel> {
        let (resp_h, resp_p) = to?;
        let d = DataChannel {
            passive,
            orig_h: if passive {
                self.conn.orig_h
            } else {
                self.conn.resp_h
            },
            resp_h,
            resp_p,
        };
        self.data_channel = Some(d);
        Some(d)
    }

    fn new(f: &Frame<'_>) -> ConnState {
        let mut st = ConnState {
            conn: f.conn.clone(),
            user: b"<unknown>".to_vec(),
            password: None,
            cwd: b".".to_vec(),
            pending: VecDeque::new(),
            seq: 0,
            current: None,
            reply_code: None,
            reply_msg: None,
            file_size: None,
            data_channel: None,
            mime_type: None,
            fuid: None,
            since_ns: f.ts_ns,
        };
        // The shim the server's greeting answers.
        st.queue(f.ts_ns, b"<init>".to_vec(), Vec::new());
        st
    }

    fn queue(&mut self, ts_ns: i64, cmd: Vec<u8>, arg: Vec<u8>) {
        self.seq += 1;
        self.pending.push_back(Cmd {
            seq: self.seq,
            ts_ns,
            cmd,
            arg,
            cwd_consumed: false,
        });
    }

    fn remove_pending(&mut self, seq: u64) -> bool {
        match self.pending.iter().position(|c| c.seq == seq) {
            Some(i) => self.pending.remove(i).is_some(),
            None => false,
        }
    }

    fn guest(&self) -> bool {
        let u = String::from_utf8_lossy(&self.user).to_ascii_lowercase();
        GUESTS.contains(&u.as_str())
    }

    /// Zeek's `ftp_message`: the record of the current command (written
    /// when it is a logged one), then the transfer fields cleared.
    fn message(&mut self) -> Option<Ftp> {
        let cur = self.current.as_ref()?;
        let hidden = || b"<hidden>".to_vec();
        let mut arg = if is_one_of(&cur.cmd, FILE_CMDS) {
            let mut p = build_path(&self.cwd, &cur.arg);
            if p.first() != Some(&b'/') {
                p.insert(0, b'/');
            }
            let host = match self.conn.resp_h {
                IpAddr::V6(a) => format!("[{a}]"),
                a => a.to_string(),
            };
            [b"ftp://", host.as_bytes(), &p].concat()
        } else {
            cur.arg.clone()
        };
        arg.truncate(MAX_ARG);
        if cur.cmd == b"PASS" && !self.guest() {
            arg = hidden();
        }
        let password = match &self.password {
            Some(_) if !self.guest() => Some(hidden()),
            p => p.clone(),
        };
        // The transfer's fields go with this record, written or not.
        let file_size = self.file_size.take();
        let data_channel = self.data_channel.take();
        let mime_type = self.mime_type.take();
        let fuid = self.fuid.take();
        is_one_of(&cur.cmd, LOGGED).then(|| Ftp {
            ts_ns: cur.ts_ns,
            conn: self.conn.clone(),
            user: self.user.clone(),
            password,
            command: cur.cmd.clone(),
            arg: (!arg.is_empty()).then_some(arg),
            file_size,
            reply_code: self.reply_code,
            reply_msg: self.reply_msg.clone(),
            data_channel,
            mime_type,
            fuid,
        })
    }
}

impl Tracker {
    fn write(&mut self, r: &Ftp, sink: &mut dyn Sink) -> io::Result<()> {
        self.stats.records += 1;
        emit(r, sink)
    }

    fn expect(&mut self, now: i64, d: DataChannel, control: ConnId) {
        self.stats.expected += 1;
        let key = (d.resp_h, d.resp_p);
        if !self.expected.contains_key(&key) && self.expected.len() >= MAX_EXPECTED {
            let mut expired = 0u64;
            self.expected.retain(|_, e| {
                let keep = e.until_ns > now;
                expired += u64::from(!keep && !e.used);
                keep
            });
            self.stats.expired += expired;
            if self.expected.len() >= MAX_EXPECTED {
                self.stats.expected_dropped += 1;
                return;
            }
        }
        self.expected.insert(
            key,
            Expect {
                control,
                orig_h: d.orig_h,
                until_ns: now.saturating_add(EXPECT_NS),
                used: false,
            },
        );
    }

    /// Is a TCP connection from `orig_h` to `resp_h`:`resp_p` one an FTP
    /// control connection announced (the expectation stands until it
    /// lapses, as Zeek keeps it while the data connection lives)? Then
    /// the control connection's id.
    pub fn is_data_conn(
        &mut self,
        now: i64,
        orig_h: IpAddr,
        resp_h: IpAddr,
        resp_p: u16,
    ) -> Option<ConnId> {
        let e = self.expected.get_mut(&(resp_h, resp_p))?;
        if e.until_ns <= now {
            let used = e.used;
            self.expected.remove(&(resp_h, resp_p));
            self.stats.expired += u64::from(!used);
            return None;
        }
        if e.orig_h != orig_h {
            return None;
        }
        e.used = true;
        self.stats.data_conns += 1;
        Some(e.control)
    }

    /// What a data connection's file told the control connection that
    /// announced it (Zeek's `file_over_new_connection` and `file_sniff` in
    /// `ftp/files.zeek`): the next record the control connection makes
    /// carries the file's id and type, whichever command that is.
    pub fn told(&mut self, t: ToControl) {
        let (control, fuid, mime_type) = match t {
            ToControl::Opened(c, fuid) => (c, Some(fuid), None),
            ToControl::Typed(c, m) => (c, None, Some(m)),
        };
        let Some(st) = self.conns.get_mut(&control) else {
            return;
        };
        if fuid.is_some() {
            st.fuid = fuid;
        }
        if mime_type.is_some() {
            st.mime_type = mime_type;
        }
    }

    /// Whether any data connection is expected (cheap test per frame).
    pub fn expecting(&self) -> bool {
        !self.expected.is_empty()
    }

    /// One control message of a connection.
    pub fn message(&mut self, f: &Frame<'_>, m: Msg, sink: &mut dyn Sink) -> io::Result<()> {
        if let Some(id) = to_evict(&self.conns, f.conn.id, MAX_CONNS, |s| s.since_ns) {
            self.stats.overflow += 1;
            self.conn_ended(id, sink)?;
        }
        let mut out: Option<Ftp> = None;
        let mut announce: Option<DataChannel> = None;
        let st = self
            .conns
            .entry(f.conn.id)
            .or_insert_with(|| ConnState::new(f));
        match m {
            Msg::Command { cmd, arg, data } => {
                // ftp_request: the previous command is written once its
                // reply came.
                if let Some(seq) = st.current.as_ref().map(|c| c.seq) {
                    if st.reply_code.is_some() && st.remove_pending(seq) {
                        out = st.message();
                    }
                }
                if st.pending.len() < MAX_PENDING {
                    st.queue(f.ts_ns, cmd.clone(), arg.clone());
                } else {
                    self.stats.too_many_pending += 1;
                }
                match cmd.as_slice() {
                    b"USER" => st.user = cut(&arg, MAX_USER),
                    b"PASS" => st.password = Some(cut(&arg, MAX_USER)),
                    b"PORT" | b"EPRT" => {
                        let to = match data {
                            Some(DataEndpoint::Active { ip, port }) => Some((IpAddr::V4(ip), port)),
                            Some(DataEndpoint::ExtendedActive { ip, port }) => Some((ip, port)),
                            _ => None,
                        };
                        announce = st.data_channel_to(false, to);
                    }
                    _ => {}
                }
            }
            Msg::Reply { code, msg, data } => {
                // ftp_reply: the reply goes to the waiting command it fits
                // best.
                let mut cmd = best_match(&st.pending, code, &msg).cloned().unwrap_or(Cmd {
                    seq: 0,
                    ts_ns: f.ts_ns,
                    cmd: b"<unknown>".to_vec(),
                    arg: Vec::new(),
                    cwd_consumed: false,
                });
                st.reply_code = Some(code);
                st.reply_msg = Some(msg.clone());
                let name = cmd.cmd.clone();
                let name = name.as_slice();
                if (code == 150 && name == b"RETR") || (code == 213 && name == b"SIZE") {
                    st.file_size = last_number(&msg);
                } else if (code == 227 || code == 229) && (name == b"PASV" || name == b"EPSV") {
                    let to = match data {
                        Some(DataEndpoint::Passive { ip, port }) => Some((IpAddr::V4(ip), port)),
                        // EPSV names no address: the control connection's
                        // server.
                        Some(DataEndpoint::ExtendedPassive { port }) => {
                            Some((st.conn.resp_h, port))
                        }
                        _ => None,
                    };
                    announce = st.data_channel_to(true, to);
                }
                let dir = matches!(
                    (name, code),
                    (b"CWD", 250) | (b"CDUP", 200 | 250) | (b"PWD" | b"XPWD", 257)
                );
                if dir && !cmd.cwd_consumed {
                    cmd.cwd_consumed = true;
                    if let Some(p) = st.pending.iter_mut().find(|p| p.seq == cmd.seq) {
                        p.cwd_consumed = true;
                    }
                    match cmd.cmd.as_slice() {
                        b"CWD" => st.cwd = build_path(&st.cwd, &cmd.arg),
                        b"CDUP" => st.cwd = build_path(&st.cwd, b".."),
                        _ => {
                            if let Some(p) = quoted_path(&msg) {
                                st.cwd = p;
                            }
                        }
                    }
                }
                let seq = cmd.seq;
                st.current = Some(cmd);
                if st.pending.len() > 1 {
                    st.remove_pending(seq);
                    out = st.message();
                }
            }
        }
        if let Some(d) = announce {
            self.expect(f.ts_ns, d, f.conn.id);
        }
        if let Some(r) = out {
            self.write(&r, sink)?;
        }
        Ok(())
    }

    /// A control connection ended: its waiting commands are written (with
    /// the last reply seen, as Zeek's finalizer does).
    pub fn conn_ended(&mut self, id: ConnId, sink: &mut dyn Sink) -> io::Result<()> {
        let Some(mut st) = self.conns.remove(&id) else {
            return Ok(());
        };
        while let Some(c) = st.pending.pop_front() {
            st.current = Some(c);
            if let Some(r) = st.message() {
                self.write(&r, sink)?;
            }
        }
        Ok(())
    }

    /// The capture ended: whatever is still open; expectations never met
    /// count as expired.
    pub fn finish(&mut self, sink: &mut dyn Sink) -> io::Result<()> {
        for id in ids_in_order(&self.conns) {
            self.conn_ended(id, sink)?;
        }
        self.stats.expired += self.expected.values().filter(|e| !e.used).count() as u64;
        self.expected.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests;
