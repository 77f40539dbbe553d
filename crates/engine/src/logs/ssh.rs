//! Zeek's ssh.log (`base/protocols/ssh/main.zeek` over Zeek's SSH
//! analyzer): one record per SSH connection.
//!
//! As Zeek does:
//! - The record starts at the first version line (`ts`); `client` and
//!   `server` are the two version lines, `version` 1 or 2 from them (1.99
//!   counts as either; SSH 1 against SSH 2 is 0).
//! - The two KEXINIT messages give the algorithms: for each list the first
//!   of the client's that the server also offers (`Algorithm negotiation
//!   failed` when none; `To server: …, to client: …` when the two
//!   directions differ). The key exchange chosen says which message holds
//!   the server's host key (DH and ECDH: 31; group exchange and GSS: 33;
//!   key exchanges Zeek's parser does not know give none): `host_key` is the
//!   MD5 of that key blob, as colon-separated hex.
//! - After NEWKEYS a side is encrypted. For SSH 2, the sizes of the
//!   server's encrypted segments once the client sent encrypted data tell
//!   the outcome of authentication (Zeek's size heuristic): the first is
//!   the service accept; one 16 bytes shorter before any failure size is
//!   known is a success; the next (skipping one more than 256 bytes larger,
//!   a login banner) is the size of a failure, and each one of that size
//!   another failed attempt; one 16 bytes shorter than the service accept
//!   is a success. `auth_attempts` counts what was seen, `auth_success` is
//!   the last outcome (neither with zlib compression, where sizes say
//!   nothing).
//! - A success writes the record at once; otherwise it is written when the
//!   connection ends.
//! - A connection picked up mid-stream (no handshake) is not analysed, and
//!   after a gap in either direction nothing more is read.
//!
//! The HASSH package's fields follow (`hasshVersion` 1.1, `hassh` and
//! `hasshServer`: the MD5 of a side's `kex;encryption;mac;compression`
//! lists in its sending direction, those lists as `hasshAlgorithms` and
//! `hasshServerAlgorithms`, and each side's host key algorithms as
//! `cshka` and `sshka`), from each KEXINIT, as the package writes them.
//!
//! Known differences: `direction` stays unset (no local networks are
//! configured); SSH 1 host keys are not read; only lines starting `SSH-`
//! are version lines, as in Zeek 7.2 (Zeek 6 takes a side's first line,
//! whatever it says).
//!
//! Bounds: at most [`MAX_CONNS`] connections with SSH state (past that the
//! oldest is written early, [`Stats::overflow`]); a name list is kept up to
//! [`MAX_LIST`] bytes (longer ones are cut at a name, [`Stats::cut_lists`]).
//!

use super::apps::{ids_in_order, to_evict, ConnId, ConnRef, Frame, Map};
use super::{emit, field, Record, Schema, Sink, Type, Value};
use md5::{Digest as _, Md5};
use std::io;
use wire::ssh::SshView;
use wiresift_wire as wire;

pub static SCHEMA: Schema = Schema {
    path: "ssh",
    fields: conn_fields![
        field("version", Type::Count),
        field("auth_success", Type::Bool),
        field("auth_attempts", Type::Count),
        field("direction", Type::Enum),
        field("client", Type::String),
        field("server", Type::String),
        field("cipher_alg", Type::String),
        field("mac_alg", Type::String),
        field("compression_alg", Type::String),
        field("kex_alg", Type::String),
        field("host_key_alg", Type::String),
        field("host_key", Type::String),
        field("hasshVersion", Type::String),
        field("hassh", Type::String),
        field("hasshServer", Type::String),
        field("cshka", Type::String),
        field("hasshAlgorithms", Type::String),
        field("sshka", Type::String),
        field("hasshServerAlgorithms", Type::String),
    ],
};

/// Connections with SSH state at once (each may hold a KEXINIT's lists).
pub const MAX_CONNS: usize = 10_000;
/// Bytes kept of one KEXINIT name list (OpenSSH's longest, its host key
/// algorithms with certificates, is under 1 KiB).
pub const MAX_LIST: usize = 2048;
/// The HASSH package's `hasshVersion`.
const HASSH_VERSION: &str = "1.1";

/// SSH 2 message codes (RFC 4253, 4419, 4462, 5656).
const KEXINIT: u8 = 20;
const NEWKEYS: u8 = 21;
/// KEXDH_REPLY, KEX_ECDH_REPLY.
const REPLY_31: u8 = 31;
/// KEX_DH_GEX_REPLY, KEXGSS_HOSTKEY.
const REPLY_33: u8 = 33;

/// Zeek's `SSH::compression_algorithms`: with these, sizes tell nothing.
const COMPRESSION: &[&[u8]] = &[b"zlib", b"zlib@openssh.com"];

/// The name lists of a KEXINIT, in their order: kex, host key, then each
/// of encryption, MAC and compression client to server and server to
/// client; each as its names joined by commas, empty names left out (Zeek's
/// `name_list_to_vector`, joined again as the HASSH package does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lists {
    pub lists: [Vec<u8>; 8],
    /// A list was longer than [`MAX_LIST`] and cut.
    pub cut: bool,
}

/// What ssh.log needs of one SSH message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A version line, without its line end.
    Version(Vec<u8>),
    KexInit(Box<Lists>),
    /// A key exchange reply (31 or 33), the first string of its body (the
    /// host key blob where the key exchange puts it there) and the bytes
    /// of its packet.
    Reply {
        code: u8,
        first: Vec<u8>,
        len: usize,
    },
    /// NEWKEYS and the bytes of its packet.
    NewKeys {
        len: usize,
    },
    /// Any other message in the clear (its bytes).
    Other {
        len: usize,
    },
    /// Bytes the message framing took for encrypted.
    Encrypted,
}

/// The names of a name list: split at commas, empty ones left out (as
/// Zeek's `name_list_to_vector`).
fn names(list: &[u8]) -> impl Iterator<Item = &[u8]> {
    list.split(|&c| c == b',').filter(|n| !n.is_empty())
}

/// A name list normalized ([`Lists`]), cut at a name past [`MAX_LIST`]
/// bytes; true when cut.
fn normalize(list: &[u8]) -> (Vec<u8>, bool) {
    let mut out = Vec::with_capacity(list.len().min(MAX_LIST));
    for n in names(list) {
        if out.len() + 1 + n.len() > MAX_LIST {
            return (out, true);
        }
        if !out.is_empty() {
            out.push(b',');
        }
        out.extend_from_slice(n);
    }
    (out, false)
}

/// The first SSH string (32-bit length, then bytes) of `body`.
fn first_string(body: &[u8]) -> Option<&[u8]> {
    let (len, rest) = body.split_first_chunk::<4>()?;
    rest.get(..u32::from_be_bytes(*len) as usize)
}

impl Msg {
    pub fn read(v: &SshView<'_>) -> Msg {
        if let Some(line) = v.protocol() {
            return Msg::Version(line.to_vec());
        }
        if v.is_encrypted() {
            return Msg::Encrypted;
        }
        let len = v.header_len();
        match (v.is_v2_packet(), v.message_code()) {
            (true, Some(KEXINIT)) => {
                let mut cut = false;
                let lists = std::array::from_fn(|i| {
                    let (l, c) = normalize(v.name_list(i).unwrap_or_default());
                    cut |= c;
                    l
                });
                Msg::KexInit(Box::new(Lists { lists, cut }))
            }
            (true, Some(NEWKEYS)) => Msg::NewKeys { len },
            (true, Some(code @ (REPLY_31 | REPLY_33))) => {
                let body = v.message().and_then(|m| m.get(1..)).unwrap_or_default();
                match first_string(body) {
                    Some(s) => Msg::Reply {
                        code,
                        first: s.to_vec(),
                        len,
                    },
                    None => Msg::Other { len },
                }
            }
            _ => Msg::Other { len },
        }
    }
}

/// One ssh.log record (Zeek's `SSH::Info`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ssh {
    pub ts_ns: i64,
    pub conn: ConnRef,
    pub version: Option<u64>,
    pub auth_success: Option<bool>,
    pub auth_attempts: u64,
    pub client: Option<Vec<u8>>,
    pub server: Option<Vec<u8>>,
    pub cipher_alg: Option<Vec<u8>>,
    pub mac_alg: Option<Vec<u8>>,
    pub compression_alg: Option<Vec<u8>>,
    pub kex_alg: Option<Vec<u8>>,
    pub host_key_alg: Option<Vec<u8>>,
    pub host_key: Option<String>,
    /// The HASSH package's fields of each side: the fingerprint, the
    /// lists it hashes and the host key algorithms offered.
    pub hassh: Option<Hassh>,
    pub hassh_server: Option<Hassh>,
}

/// One side's HASSH fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hassh {
    pub md5: String,
    pub algorithms: Vec<u8>,
    pub host_key_algorithms: Vec<u8>,
}

impl Hassh {
    /// From a KEXINIT: its kex list and its sender's own direction of
    /// encryption, MAC and compression (`to_server` for the client).
    fn of(l: &[Vec<u8>; 8], to_server: bool) -> Hassh {
        let d = usize::from(!to_server);
        let pick = |i: usize| l.get(i + d).map_or(&[][..], Vec::as_slice);
        let kex = l.first().map_or(&[][..], Vec::as_slice);
        let algorithms = [kex, pick(2), pick(4), pick(6)].join(&b';');
        Hassh {
            md5: super::hex(&Md5::digest(&algorithms)),
            algorithms,
            host_key_algorithms: l.get(1).cloned().unwrap_or_default(),
        }
    }
}

impl Ssh {
    /// A record started at `ts_ns` (its session's first message).
    fn new(ts_ns: i64, conn: ConnRef) -> Ssh {
        Ssh {
            ts_ns,
            conn,
            version: None,
            auth_success: None,
            auth_attempts: 0,
            client: None,
            server: None,
            cipher_alg: None,
            mac_alg: None,
            compression_alg: None,
            kex_alg: None,
            host_key_alg: None,
            host_key: None,
            hassh: None,
            hassh_server: None,
        }
    }
}

impl Record for Ssh {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        out.extend(self.conn.head_values(self.ts_ns));
        out.extend([
            self.version.map_or(Value::Unset, Value::Count),
            self.auth_success.map_or(Value::Unset, Value::Bool),
            Value::Count(self.auth_attempts),
            Value::Unset,
            Value::bytes(self.client.as_deref()),
            Value::bytes(self.server.as_deref()),
            Value::bytes(self.cipher_alg.as_deref()),
            Value::bytes(self.mac_alg.as_deref()),
            Value::bytes(self.compression_alg.as_deref()),
            Value::bytes(self.kex_alg.as_deref()),
            Value::bytes(self.host_key_alg.as_deref()),
            self.host_key.as_deref().map_or(Value::Unset, Value::str),
        ]);
        let (c, s) = (self.hassh.as_ref(), self.hassh_server.as_ref());
        let version = (c.is_some() || s.is_some()).then_some(HASSH_VERSION);
        out.extend([
            version.map_or(Value::Unset, Value::str),
            c.map_or(Value::Unset, |h| Value::str(&h.md5)),
            s.map_or(Value::Unset, |h| Value::str(&h.md5)),
            Value::bytes(c.map(|h| h.host_key_algorithms.as_slice())),
            Value::bytes(c.map(|h| h.algorithms.as_slice())),
            Value::bytes(s.map(|h| h.host_key_algorithms.as_slice())),
            Value::bytes(s.map(|h| h.algorithms.as_slice())),
        ]);
    }
}

/// What the SSH analyzer counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub records: u64,
    /// Connections written early because [`MAX_CONNS`] had SSH state.
    pub overflow: u64,
    /// KEXINITs with a name list longer than [`MAX_LIST`], cut.
    pub cut_lists: u64,
}

/// A side's protocol version, as Zeek's parser tells it from its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Major {
    Unknown,
    V1,
    V199,
    V2,
}

fn major(line: &[u8]) -> Major {
    match (line.get(4), line.get(6..8)) {
        (Some(b'2'), _) => Major::V2,
        (Some(b'1'), Some(b"99")) => Major::V199,
        (Some(b'1'), _) => Major::V1,
        _ => Major::Unknown,
    }
}

/// The key exchange Zeek's parser follows after the KEXINITs: it says which
/// reply holds the host key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kex {
    /// Not negotiated yet, or one the parser does not know.
    None,
    Dh,
    Gex,
    Gss,
    Ecc,
    Rsa,
}

fn kex_of(alg: &[u8]) -> Kex {
    match alg {
        b"rsa1024-sha1" | b"rsa2048-sha256" => Kex::Rsa,
        b"diffie-hellman-group1-sha1" | b"diffie-hellman-group14-sha1" => Kex::Dh,
        b"diffie-hellman-group-exchange-sha1" | b"diffie-hellman-group-exchange-sha256" => Kex::Gex,
        a if a.starts_with(b"gss-") => Kex::Gss,
        a if a.starts_with(b"ecdh-sha2-")
            || a == b"ecmqv-sha2"
            || a.starts_with(b"curve25519-sha256") =>
        {
            Kex::Ecc
        }
        _ => Kex::None,
    }
}

/// Zeek's `find_alg`: the first of the client's the server also offers.
fn find_alg<'a>(client: &'a [u8], server: &[u8]) -> Option<&'a [u8]> {
    names(client).find(|c| names(server).any(|s| s == *c))
}

const FAILED: &[u8] = b"Algorithm negotiation failed";

fn negotiated(client: &[u8], server: &[u8]) -> Vec<u8> {
    find_alg(client, server).unwrap_or(FAILED).to_vec()
}

/// Zeek's `find_bidirectional_alg`.
fn bidirectional(client: (&[u8], &[u8]), server: (&[u8], &[u8])) -> Vec<u8> {
    let c2s = negotiated(client.0, server.0);
    let s2c = negotiated(client.1, server.1);
    if c2s == s2c {
        c2s
    } else {
        let mut s = b"To server: ".to_vec();
        s.extend_from_slice(&c2s);
        s.extend_from_slice(b", to client: ");
        s.extend_from_slice(&s2c);
        s
    }
}

/// Zeek's host key fingerprint: MD5, colon-separated lower-case hex.
fn fingerprint(key: &[u8]) -> String {
    let mut s = String::with_capacity(47);
    wiresift_wire::field::write_hex_bytes(&mut s, &Md5::digest(key), Some(':'));
    s
}

/// Zeek's authentication size heuristic (SSH 2 only).
#[derive(Debug, Default)]
struct Sizes {
    decided: bool,
    skipped_banner: bool,
    client_encrypted: bool,
    service_accept: usize,
    failure: usize,
}

/// What a segment's size says of authentication.
enum Auth {
    Attempt(bool),
    Nothing,
}

impl Sizes {
    fn segment(&mut self, len: usize, orig: bool) -> Auth {
        if self.decided {
            return Auth::Nothing;
        }
        if orig {
            self.client_encrypted = true;
            return Auth::Nothing;
        }
        if !self.client_encrypted {
            return Auth::Nothing;
        }
        if self.service_accept == 0 {
            self.service_accept = len;
            return Auth::Nothing;
        }
        if self.failure == 0 && len + 16 == self.service_accept {
            self.decided = true;
            return Auth::Attempt(true);
        }
        if self.failure == 0 {
            if !self.skipped_banner && len > self.service_accept + 256 {
                self.skipped_banner = true;
                return Auth::Nothing;
            }
            self.failure = len;
            return Auth::Nothing;
        }
        if len == self.failure {
            return Auth::Attempt(false);
        }
        if len + 16 == self.service_accept {
            self.decided = true;
            return Auth::Attempt(true);
        }
        Auth::Nothing
    }
}

/// One connection's SSH state.
#[derive(Debug)]
struct ConnState {
    rec: Option<Ssh>,
    since_ns: i64,
    majors: [Major; 2],
    /// The first KEXINIT and whether the client sent it; cleared once the
    /// other side's arrived.
    first_kexinit: Option<(bool, Box<Lists>)>,
    kex: Kex,
    /// Sides (client, server) past their NEWKEYS, and the clear bytes
    /// that side sent in the current frame up to its NEWKEYS (not
    /// encrypted, though delivered with what is).
    encrypted: [bool; 2],
    clear_this_frame: [usize; 2],
    frame: u64,
    sizes: Sizes,
    /// A gap, a connection without handshake, or the record written:
    /// nothing more to read.
    done: bool,
    /// The caller was told the stream is needed no more.
    stop_told: bool,
}

/// SSH sessions in progress, per connection.
#[derive(Debug, Default)]
pub struct Tracker {
    conns: Map<ConnId, ConnState>,
    /// Connections whose stream the caller has not been told to let go:
    /// while there are none, frames need not be looked at.
    live: usize,
    pub stats: Stats,
}

/// One delivery of stream bytes of the frame's connection: its sender,
/// length and whether bytes were missing before it.
#[derive(Clone, Copy, Debug)]
pub struct Segment {
    pub from_orig: bool,
    pub len: usize,
    pub gap: bool,
}

impl Tracker {
    fn write(&mut self, s: &Ssh, sink: &mut dyn Sink) -> io::Result<()> {
        self.stats.records += 1;
        emit(s, sink)
    }

    /// Is some connection's stream still followed (its segments wanted by
    /// [`Tracker::segments`], or its end to be told by
    /// [`Tracker::take_stop`])?
    pub fn is_live(&self) -> bool {
        self.live > 0
    }

    /// Is the connection's outcome still open (its stream still needed)?
    pub fn following(&self, id: ConnId) -> bool {
        self.conns.get(&id).is_some_and(|s| !s.done)
    }

    /// True once for a connection whose stream ssh.log needs no more.
    pub fn take_stop(&mut self, id: ConnId) -> bool {
        match self.conns.get_mut(&id) {
            Some(st) if st.done && !st.stop_told => {
                st.stop_told = true;
                self.live = self.live.saturating_sub(1);
                true
            }
            _ => false,
        }
    }

    /// One SSH message of connection `f.conn` in frame `frame`; `partial`
    /// when the connection was picked up without its handshake.
    pub fn message(
        &mut self,
        f: &Frame<'_>,
        frame: u64,
        partial: bool,
        m: Msg,
        sink: &mut dyn Sink,
    ) -> io::Result<()> {
        if let Some(id) = to_evict(&self.conns, f.conn.id, MAX_CONNS, |s| s.since_ns) {
            self.stats.overflow += 1;
            self.conn_ended(id, sink)?;
        }
        if matches!(&m, Msg::KexInit(k) if k.cut) {
            self.stats.cut_lists += 1;
        }
        let live = &mut self.live;
        let st = self.conns.entry(f.conn.id).or_insert_with(|| {
            *live += 1;
            ConnState {
                rec: None,
                since_ns: f.ts_ns,
                majors: [Major::Unknown; 2],
                first_kexinit: None,
                kex: Kex::None,
                encrypted: [false; 2],
                clear_this_frame: [0; 2],
                frame,
                sizes: Sizes::default(),
                done: partial,
                stop_told: false,
            }
        });
        if st.done {
            return Ok(());
        }
        if st.frame != frame {
            st.frame = frame;
            st.clear_this_frame = [0; 2];
        }
        let side = usize::from(!f.from_orig);
        if st.encrypted.get(side) == Some(&true) {
            return Ok(());
        }
        let new_rec = || Ssh::new(f.ts_ns, f.conn.clone());
        match m {
            Msg::Version(line) => {
                let rec = st.rec.get_or_insert_with(new_rec);
                if let Some(m) = st.majors.get_mut(side) {
                    if *m == Major::Unknown {
                        *m = major(&line);
                    }
                }
                if f.from_orig {
                    rec.client.get_or_insert(line);
                } else {
                    rec.server.get_or_insert(line);
                }
                rec.version = script_version(rec).or(rec.version);
            }
            Msg::KexInit(k) => {
                let Some(rec) = st.rec.as_mut() else {
                    return Ok(());
                };
                let hassh = Hassh::of(&k.lists, f.from_orig);
                if f.from_orig {
                    rec.hassh = Some(hassh);
                } else {
                    rec.hassh_server = Some(hassh);
                }
                match st.first_kexinit.take() {
                    None => st.first_kexinit = Some((f.from_orig, k)),
                    Some((first_orig, first)) if first_orig == f.from_orig => {
                        st.first_kexinit = Some((first_orig, first));
                    }
                    Some((_, first)) => {
                        let (c, s) = if f.from_orig {
                            (&k.lists, &first.lists)
                        } else {
                            (&first.lists, &k.lists)
                        };
                        rec.cipher_alg = Some(bidirectional((&c[2], &c[3]), (&s[2], &s[3])));
                        rec.mac_alg = Some(bidirectional((&c[4], &c[5]), (&s[4], &s[5])));
                        rec.compression_alg = Some(bidirectional((&c[6], &c[7]), (&s[6], &s[7])));
                        let kex = find_alg(&c[0], &s[0]);
                        st.kex = kex.map_or(Kex::None, kex_of);
                        rec.kex_alg = Some(kex.unwrap_or(FAILED).to_vec());
                        rec.host_key_alg = Some(negotiated(&c[1], &s[1]));
                    }
                }
            }
            Msg::Reply { code, first, len } => {
                if let Some(c) = st.clear_this_frame.get_mut(side) {
                    *c = c.saturating_add(len);
                }
                let holds_key = match st.kex {
                    Kex::Dh | Kex::Ecc => code == REPLY_31,
                    Kex::Gex | Kex::Gss => code == REPLY_33,
                    Kex::Rsa | Kex::None => false,
                };
                if let (true, Some(rec)) = (holds_key, st.rec.as_mut()) {
                    rec.host_key = Some(fingerprint(&first));
                }
            }
            Msg::NewKeys { len } => {
                // Zeek's protocol confirmation starts the session too.
                st.rec.get_or_insert_with(new_rec);
                if let Some(e) = st.encrypted.get_mut(side) {
                    *e = true;
                }
                if let Some(c) = st.clear_this_frame.get_mut(side) {
                    *c = c.saturating_add(len);
                }
            }
            Msg::Other { len } => {
                if let Some(c) = st.clear_this_frame.get_mut(side) {
                    *c = c.saturating_add(len);
                }
            }
            Msg::Encrypted => {}
        }
        Ok(())
    }

    /// The stream bytes connection `id` delivered in frame `frame`: a gap
    /// ends the analysis; the sizes of encrypted segments tell the outcome
    /// of authentication (a success writes the record).
    pub fn segments(
        &mut self,
        id: ConnId,
        frame: u64,
        segments: &[Segment],
        sink: &mut dyn Sink,
    ) -> io::Result<()> {
        let Some(st) = self.conns.get_mut(&id) else {
            return Ok(());
        };
        if st.frame != frame {
            st.frame = frame;
            st.clear_this_frame = [0; 2];
        }
        // Both lines known and not SSH 2: sizes never tell anything, and
        // SSH 1 has nothing else ssh.log reads.
        if !st.majors.contains(&Major::Unknown) && binpac_version(st.majors) != Major::V2 {
            st.done = true;
        }
        let mut write = None;
        for s in segments {
            if st.done {
                break;
            }
            if s.gap {
                st.done = true;
                break;
            }
            let side = usize::from(!s.from_orig);
            if st.encrypted.get(side) != Some(&true) {
                continue;
            }
            // What came before NEWKEYS in this frame is not encrypted.
            let clear = st.clear_this_frame.get_mut(side).map_or(0, std::mem::take);
            let len = s.len.saturating_sub(clear);
            if len == 0 {
                continue;
            }
            let Some(rec) = st.rec.as_mut() else {
                continue;
            };
            if binpac_version(st.majors) != Major::V2 {
                continue;
            }
            if let Auth::Attempt(ok) = st.sizes.segment(len, s.from_orig) {
                attempted(rec, ok);
                if ok {
                    st.done = true;
                    write = st.rec.take();
                }
            }
        }
        if let Some(rec) = write {
            self.write(&rec, sink)?;
        }
        Ok(())
    }

    /// A connection ended: its record, if not written yet.
    pub fn conn_ended(&mut self, id: ConnId, sink: &mut dyn Sink) -> io::Result<()> {
        let Some(st) = self.conns.remove(&id) else {
            return Ok(());
        };
        if !st.stop_told {
            self.live = self.live.saturating_sub(1);
        }
        if let Some(rec) = st.rec {
            self.write(&rec, sink)?;
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

/// Zeek's `ssh_auth_attempted` handler: the outcome and one more attempt,
/// unless a success is already known or compression hides the sizes.
fn attempted(rec: &mut Ssh, ok: bool) {
    if rec.auth_success == Some(true) {
        return;
    }
    if rec
        .compression_alg
        .as_deref()
        .is_some_and(|c| COMPRESSION.contains(&c))
    {
        return;
    }
    rec.auth_success = Some(ok);
    rec.auth_attempts += 1;
}

/// The script's `set_version`: once both lines are longer than 4 bytes.
fn script_version(rec: &Ssh) -> Option<u64> {
    let (c, s) = (rec.client.as_deref()?, rec.server.as_deref()?);
    if c.len() <= 4 || s.len() <= 4 {
        return None;
    }
    let nines = |l: &[u8]| l.len() > 7 && l.get(6..8) == Some(b"99");
    match (c.get(4), s.get(4)) {
        (Some(b'1'), Some(b'2')) => Some(if nines(c) { 2 } else { 0 }),
        (Some(b'2'), Some(b'1')) => Some(if nines(s) { 2 } else { 0 }),
        (Some(b'1'), Some(b'1')) => Some(if nines(s) && nines(c) { 2 } else { 1 }),
        (Some(b'2'), Some(b'2')) => Some(2),
        _ => None,
    }
}

/// The version Zeek's parser settles on from both sides' lines (which
/// decides whether the size heuristic runs).
fn binpac_version([client, server]: [Major; 2]) -> Major {
    use Major::*;
    match (client, server) {
        (V199, V199) => V2,
        (c, s) if c == s => s,
        (V199, V2) | (V2, V199) => V2,
        (V1, V199) | (V199, V1) => V1,
        _ => Unknown,
    }
}

#[cfg(test)]
mod tests;
