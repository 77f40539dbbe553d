//! Zeek-style logs: one declared record schema per log (its `#path`, field
//! names and Zeek types), records filled as values in schema order, and two
//! writers for every log — Zeek's tab-separated form with its header lines,
//! and Zeek's JSON lines.
//!
//! Adding a log means declaring a [`Schema`] (field names and types as
//! Zeek's log has them), a record type implementing [`Record`] (its values
//! in schema order, [`Value::Unset`] where Zeek leaves a field unset),
//! listing the schema in [`ALL`], and handing records to a [`Sink`] where
//! the engine produces them. `wiresift logs all` then writes it along with
//! the others in the same pass.
//!
//! Value formats follow Zeek 6's ASCII and JSON writers: times and
//! intervals with six decimals in TSV and as numbers in JSON, `T`/`F` and
//! `true`/`false`, `-` for unset and `(empty)` for empty strings and sets
//! in TSV (unset fields are left out of JSON), non-printable bytes as
//! `\xNN`.

/// The columns of a log whose records name a connection: `ts`, `uid` and
/// the `id.*` fields ([`apps::ConnRef::head_values`]), then the others.
macro_rules! conn_fields {
    ($($rest:expr),* $(,)?) => {
        &[
            $crate::logs::field("ts", $crate::logs::Type::Time),
            $crate::logs::field("uid", $crate::logs::Type::String),
            $crate::logs::field("id.orig_h", $crate::logs::Type::Addr),
            $crate::logs::field("id.orig_p", $crate::logs::Type::Port),
            $crate::logs::field("id.resp_h", $crate::logs::Type::Addr),
            $crate::logs::field("id.resp_p", $crate::logs::Type::Port),
            $($rest),*
        ]
    };
}

// (Defined before the modules below, which use it.)
pub mod apps;
pub mod conn;
pub mod dhcp;
pub mod dns;
pub mod files;
pub mod ftp;
pub mod http;
pub mod magic;
pub mod mime;
pub mod mqtt;
pub mod once;
pub mod quic;
pub mod site;
pub mod smtp;
pub mod ssh;
pub mod ssl;
pub mod websocket;
pub mod weird;
pub mod x509;

use std::borrow::Cow;
use std::io::{self, Write};
use std::net::IpAddr;

/// A field's type, as Zeek's `#types` line names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Time,
    Interval,
    Addr,
    Port,
    Count,
    Int,
    Double,
    Bool,
    String,
    Enum,
    StringSet,
    StringVector,
    /// A set of enum names (http.log `tags`).
    EnumSet,
    /// A vector of intervals (dns.log `TTLs`).
    IntervalVector,
    /// A vector of addresses (smtp.log `path`).
    AddrVector,
    /// A vector of counts (mqtt_subscribe.log `qos_levels`).
    CountVector,
}

impl Type {
    pub fn zeek_name(self) -> &'static str {
        match self {
            Type::Time => "time",
            Type::Interval => "interval",
            Type::Addr => "addr",
            Type::Port => "port",
            Type::Count => "count",
            Type::Int => "int",
            Type::Double => "double",
            Type::Bool => "bool",
            Type::String => "string",
            Type::Enum => "enum",
            Type::StringSet => "set[string]",
            Type::StringVector => "vector[string]",
            Type::EnumSet => "set[enum]",
            Type::IntervalVector => "vector[interval]",
            Type::AddrVector => "vector[addr]",
            Type::CountVector => "vector[count]",
        }
    }
}

/// One column of a log.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Type,
}

/// A column (for schema tables).
pub const fn field(name: &'static str, ty: Type) -> Field {
    Field { name, ty }
}

/// A log's declaration: its name (Zeek's `#path`, the file is
/// `<path>.log`) and columns in order.
#[derive(Debug)]
pub struct Schema {
    pub path: &'static str,
    pub fields: &'static [Field],
}

/// Every log wiresift writes, in the order `logs all` opens them.
pub const ALL: &[&Schema] = &[
    &conn::SCHEMA,
    &dns::SCHEMA,
    &dhcp::SCHEMA,
    &http::SCHEMA,
    &files::SCHEMA,
    &ssl::SCHEMA,
    &x509::SCHEMA,
    &quic::SCHEMA,
    &ftp::SCHEMA,
    &smtp::SCHEMA,
    &mqtt::CONNECT,
    &mqtt::PUBLISH,
    &mqtt::SUBSCRIBE,
    &ssh::SCHEMA,
    &websocket::SCHEMA,
    &weird::SCHEMA,
];

/// The schema of the log called `name` (its path: "conn", …).
pub fn schema(name: &str) -> Option<&'static Schema> {
    ALL.iter().copied().find(|s| s.path == name)
}

/// One field's value in a record.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// Zeek's unset field (`-`, left out of JSON).
    Unset,
    /// Seconds since the epoch, in nanoseconds (written to the
    /// microsecond, as Zeek reads captures).
    Time(i64),
    /// Seconds since the epoch: a time that may lie centuries away (a
    /// certificate's validity), past what nanoseconds in an `i64` hold.
    Seconds(i64),
    /// A duration in nanoseconds.
    Interval(i64),
    Addr(IpAddr),
    Port(u16),
    Count(u64),
    Int(i64),
    Double(f64),
    Bool(bool),
    /// Bytes of a string (printed as UTF-8, other bytes escaped).
    Str(Cow<'a, [u8]>),
    /// An enum's name (`tcp`, …).
    Enum(&'static str),
    /// A set or vector of strings.
    Strings(Vec<Cow<'a, [u8]>>),
    /// A vector of durations in nanoseconds.
    Intervals(Cow<'a, [i64]>),
    /// A vector of addresses.
    Addrs(Vec<IpAddr>),
    /// A vector of counts.
    Counts(Cow<'a, [u64]>),
}

impl<'a> Value<'a> {
    pub fn str(s: &'a str) -> Self {
        Value::Str(Cow::Borrowed(s.as_bytes()))
    }

    pub fn string(s: String) -> Self {
        Value::Str(Cow::Owned(s.into_bytes()))
    }

    /// Bytes kept when seen, Zeek's unset field when not.
    pub fn bytes(v: Option<&'a [u8]>) -> Self {
        v.map_or(Value::Unset, |b| Value::Str(Cow::Borrowed(b)))
    }
}

/// A log record: its values in the order of its schema's fields.
pub trait Record {
    fn schema(&self) -> &'static Schema;
    /// Push one value per field of the schema, in order.
    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>);
}

/// Where records go.
pub trait Sink {
    /// Does this sink write the log? (Records of other logs need not be
    /// built.)
    fn wants(&self, schema: &'static Schema) -> bool;
    fn write(&mut self, schema: &'static Schema, values: &[Value<'_>]) -> io::Result<()>;
}

/// The two forms a log is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Zeek's tab-separated form with `#` header lines.
    Tsv,
    /// One JSON object per line.
    Json,
}

/// One log's writer.
pub struct Writer<W: Write> {
    out: W,
    schema: &'static Schema,
    format: Format,
    line: Vec<u8>,
    /// Records written.
    pub records: u64,
}

/// Zeek's header time: `%Y-%m-%d-%H-%M-%S`, here in UTC.
pub fn header_time(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(86_400);
    let rem = unix_secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}-{:02}-{:02}-{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (Howard
/// Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl<W: Write> Writer<W> {
    /// Start a log; TSV writes Zeek's header lines, with `open_secs` (Unix
    /// time) as `#open`.
    pub fn new(
        mut out: W,
        schema: &'static Schema,
        format: Format,
        open_secs: i64,
    ) -> io::Result<Self> {
        if format == Format::Tsv {
            let mut h = String::with_capacity(512);
            h.push_str(
                "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n",
            );
            h.push_str("#path\t");
            h.push_str(schema.path);
            h.push_str("\n#open\t");
            h.push_str(&header_time(open_secs));
            h.push_str("\n#fields");
            for f in schema.fields {
                h.push('\t');
                h.push_str(f.name);
            }
            h.push_str("\n#types");
            for f in schema.fields {
                h.push('\t');
                h.push_str(f.ty.zeek_name());
            }
            h.push('\n');
            out.write_all(h.as_bytes())?;
        }
        Ok(Writer {
            out,
            schema,
            format,
            line: Vec::with_capacity(512),
            records: 0,
        })
    }

    pub fn schema(&self) -> &'static Schema {
        self.schema
    }

    /// Write one record. A record with fewer values than fields is padded
    /// with unset ones; extra values are ignored (a schema and its record
    /// out of step is a bug, caught by the tests).
    pub fn write(&mut self, values: &[Value<'_>]) -> io::Result<()> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        self.format(values, &mut line);
        let written = self.out.write_all(&line);
        self.line = line;
        written
    }

    /// Append one record's line, as [`Writer::write`] writes it, to `line`
    /// (for a caller that gathers the lines itself).
    pub fn format(&mut self, values: &[Value<'_>], line: &mut Vec<u8>) {
        debug_assert_eq!(
            values.len(),
            self.schema.fields.len(),
            "{} record out of step with its schema",
            self.schema.path
        );
        let unset = Value::Unset;
        let vals = self
            .schema
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f, values.get(i).unwrap_or(&unset)));
        match self.format {
            Format::Tsv => {
                for (i, (_, v)) in vals.enumerate() {
                    if i > 0 {
                        line.push(b'\t');
                    }
                    tsv_value(v, line);
                }
            }
            Format::Json => {
                line.push(b'{');
                let mut first = true;
                for (f, v) in vals {
                    if matches!(v, Value::Unset) {
                        continue;
                    }
                    if !first {
                        line.push(b',');
                    }
                    first = false;
                    json_str(f.name.as_bytes(), line);
                    line.push(b':');
                    json_value(v, line);
                }
                line.push(b'}');
            }
        }
        line.push(b'\n');
        self.records += 1;
    }

    /// End the log (TSV: Zeek's `#close` line) and hand back the output.
    pub fn close(mut self, close_secs: i64) -> io::Result<W> {
        if self.format == Format::Tsv {
            writeln!(self.out, "#close\t{}", header_time(close_secs))?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Microseconds of a nanosecond time, rounded down (Zeek reads captures to
/// the microsecond).
pub fn micros(ns: i64) -> i64 {
    ns.div_euclid(1000)
}

/// `%.6f` of a microsecond count, in integers (no rounding surprises).
/// The six decimals are three pairs of digits from a table (a time or an
/// interval is in most records; digit by digit took twice as long).
fn fixed6(us: i64, out: &mut Vec<u8>) {
    if us < 0 {
        out.push(b'-');
    }
    let a = us.unsigned_abs();
    decimal(a / 1_000_000, out);
    let f = (a % 1_000_000) as usize;
    let pair = |n: usize| DIGIT_PAIRS.get(n).copied().unwrap_or(*b"00");
    let ([d1, d2], [d3, d4], [d5, d6]) = (pair(f / 10_000), pair(f / 100 % 100), pair(f % 100));
    out.extend_from_slice(&[b'.', d1, d2, d3, d4, d5, d6]);
}

/// The two digits of each number below 100.
static DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// A number in decimal (the formatting machinery of `write!` cost a tenth
/// of writing the logs).
fn decimal(n: impl itoa::Integer, out: &mut Vec<u8>) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// An address as Zeek writes it (IPv6 in RFC 5952 form).
/// Lowercase hex of `b` (hashes, connection ids).
pub(crate) fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(2 * b.len());
    wiresift_wire::field::write_hex_bytes(&mut s, b, None);
    s
}

fn addr(a: &IpAddr, out: &mut Vec<u8>) {
    let t = match a {
        IpAddr::V4(x) => wiresift_wire::field::ipv4_text(x.octets()),
        IpAddr::V6(x) => wiresift_wire::field::ipv6_text(&x.octets()),
    };
    out.extend_from_slice(t.as_bytes());
}

/// A number as Zeek's JSON writer (rapidjson) prints a double: the
/// shortest form that reads back the same, with `.0` on whole numbers.
fn json_double(v: f64, out: &mut Vec<u8>) {
    if !v.is_finite() {
        out.extend_from_slice(b"null");
    } else if v.fract() == 0.0 && v.abs() < 1e21 {
        let _ = write!(out, "{v:.1}");
    } else {
        let _ = write!(out, "{v}");
    }
}

/// A microsecond count as the double Zeek computes (`sec + usec / 1e6`).
fn us_as_f64(us: i64) -> f64 {
    let secs = us.div_euclid(1_000_000);
    let frac = us.rem_euclid(1_000_000);
    secs as f64 + frac as f64 / 1e6
}

fn tsv_value(v: &Value<'_>, out: &mut Vec<u8>) {
    match v {
        Value::Unset => out.push(b'-'),
        Value::Time(ns) | Value::Interval(ns) => fixed6(micros(*ns), out),
        Value::Seconds(s) => fixed6(s.saturating_mul(1_000_000), out),
        Value::Addr(a) => addr(a, out),
        Value::Port(p) => decimal(*p, out),
        Value::Count(n) => decimal(*n, out),
        Value::Int(n) => decimal(*n, out),
        Value::Double(d) => {
            // Zeek's ODesc: up to six decimals, trailing zeros dropped.
            let s = format!("{d:.6}");
            let s = if s.contains('.') {
                s.trim_end_matches('0').trim_end_matches('.')
            } else {
                &s
            };
            out.extend_from_slice(s.as_bytes());
        }
        Value::Bool(b) => out.push(if *b { b'T' } else { b'F' }),
        Value::Str(s) => tsv_str(s, false, out),
        Value::Enum(s) => tsv_str(s.as_bytes(), false, out),
        Value::Strings(items) => {
            if items.is_empty() {
                out.extend_from_slice(b"(empty)");
            }
            for (i, s) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                tsv_str(s, true, out);
            }
        }
        Value::Intervals(items) => {
            if items.is_empty() {
                out.extend_from_slice(b"(empty)");
            }
            for (i, ns) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                fixed6(micros(*ns), out);
            }
        }
        Value::Addrs(items) => tsv_list(items, out),
        Value::Counts(items) => tsv_list(items, out),
    }
}

/// A vector of plain items, comma-separated (`(empty)` when none).
fn tsv_list<T: std::fmt::Display>(items: &[T], out: &mut Vec<u8>) {
    if items.is_empty() {
        out.extend_from_slice(b"(empty)");
    }
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let _ = write!(out, "{x}");
    }
}

/// A string in Zeek's ASCII form: empty as `(empty)`, a value equal to
/// `-` or `(empty)` with its first byte escaped, tabs, control bytes,
/// backslashes and bytes that are not UTF-8 as `\xNN` (and `,` inside
/// sets).
fn tsv_str(s: &[u8], in_set: bool, out: &mut Vec<u8>) {
    if s.is_empty() {
        out.extend_from_slice(b"(empty)");
        return;
    }
    let mut rest = s;
    if s == b"-" || s == b"(empty)" {
        let _ = write!(out, "\\x{:02x}", s.first().copied().unwrap_or(0));
        rest = s.get(1..).unwrap_or_default();
    }
    // Most values are printable ASCII with nothing to escape: copied whole.
    if plain(rest, in_set) {
        out.extend_from_slice(rest);
        return;
    }
    for chunk in rest.utf8_chunks() {
        // Byte by byte: every byte to escape is ASCII, and the bytes of a
        // multi-byte character are all past 0x7f. Runs that need no
        // escape are copied whole.
        let valid = chunk.valid().as_bytes();
        let mut from = 0;
        for (i, &c) in valid.iter().enumerate() {
            // Zeek escapes the backslash too, so that every `\` starts an
            // escape.
            if c < 0x20 || c == 0x7f || c == b'\\' || (in_set && c == b',') {
                out.extend_from_slice(valid.get(from..i).unwrap_or_default());
                let _ = write!(out, "\\x{c:02x}");
                from = i + 1;
            }
        }
        out.extend_from_slice(valid.get(from..).unwrap_or_default());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
}

/// Whether no byte of `s` needs an escape (one that is printable ASCII
/// other than `\`, and `,` in a set), eight bytes at
/// a time: this check was most of the cost of writing a log's text. Each
/// test sets a byte's high bit when that byte is below 0x20, above 0x7e,
/// or equal to `\` or `,` (exact for "is there such a byte", which is all
/// that is asked). The last 1 to 7 bytes are one more word, of bytes read
/// again (most values are that short, and byte by byte they cost more
/// than the rest).
fn plain(s: &[u8], in_set: bool) -> bool {
    let mut words = s.chunks_exact(8);
    for w in &mut words {
        // (An 8-byte chunk always converts; 0 would take the careful path.)
        if !plain_word(<[u8; 8]>::try_from(w).map_or(0, u64::from_ne_bytes), in_set) {
            return false;
        }
    }
    let tail = words.remainder();
    if tail.is_empty() {
        return true;
    }
    // Eight bytes each of which is a byte of the tail: the last eight of
    // `s` when it is that long, else overlapping pieces of the tail.
    let x = if let Some(last) = s.last_chunk::<8>() {
        u64::from_ne_bytes(*last)
    } else if let (Some(a), Some(b)) = (tail.first_chunk::<4>(), tail.last_chunk::<4>()) {
        u64::from(u32::from_ne_bytes(*a)) | u64::from(u32::from_ne_bytes(*b)) << 32
    } else if let (Some(a), Some(b)) = (tail.first_chunk::<2>(), tail.last_chunk::<2>()) {
        let w = u32::from(u16::from_ne_bytes(*a)) | u32::from(u16::from_ne_bytes(*b)) << 16;
        u64::from(w) | u64::from(w) << 32
    } else {
        match tail.first() {
            Some(&c) => u64::from(c) * 0x0101_0101_0101_0101,
            None => return true,
        }
    };
    plain_word(x, in_set)
}

/// [`plain`] of eight bytes.
fn plain_word(x: u64, in_set: bool) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let comma = if in_set { b',' } else { b'\\' };
    let below = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    let above = (x.wrapping_add(ONES) | x) & HIGH;
    let backslash = has_zero(x ^ (ONES * u64::from(b'\\')));
    let sep = has_zero(x ^ (ONES * u64::from(comma)));
    below | above | backslash | sep == 0
}

fn json_value(v: &Value<'_>, out: &mut Vec<u8>) {
    match v {
        Value::Unset => out.extend_from_slice(b"null"),
        Value::Time(ns) | Value::Interval(ns) => json_double(us_as_f64(micros(*ns)), out),
        Value::Seconds(s) => json_double(us_as_f64(s.saturating_mul(1_000_000)), out),
        Value::Addr(a) => {
            let _ = write!(out, "\"{a}\"");
        }
        Value::Port(p) => {
            let _ = write!(out, "{p}");
        }
        Value::Count(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Double(d) => json_double(*d, out),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Str(s) => json_str(s, out),
        Value::Enum(s) => json_str(s.as_bytes(), out),
        Value::Strings(items) => json_array(items, out, |s, out| json_str(s, out)),
        Value::Intervals(items) => json_array(items, out, |ns, out| {
            json_double(us_as_f64(micros(*ns)), out)
        }),
        Value::Addrs(items) => json_array(items, out, |a, out| {
            let _ = write!(out, "\"{a}\"");
        }),
        Value::Counts(items) => json_array(items, out, |n, out| {
            let _ = write!(out, "{n}");
        }),
    }
}

/// A JSON array of `items`, each written by `item`.
fn json_array<T>(items: &[T], out: &mut Vec<u8>, mut item: impl FnMut(&T, &mut Vec<u8>)) {
    out.push(b'[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item(x, out);
    }
    out.push(b']');
}

/// A JSON string as Zeek writes it: UTF-8 kept, bytes that are not UTF-8
/// as the text `\xNN`, control characters escaped.
fn json_str(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for chunk in s.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.extend_from_slice(b"\\\""),
                '\\' => out.extend_from_slice(b"\\\\"),
                '\n' => out.extend_from_slice(b"\\n"),
                '\r' => out.extend_from_slice(b"\\r"),
                '\t' => out.extend_from_slice(b"\\t"),
                '\x08' => out.extend_from_slice(b"\\b"),
                '\x0c' => out.extend_from_slice(b"\\f"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(out, "\\u{:04X}", c as u32);
                }
                c => {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\\\x{b:02x}");
        }
    }
    out.push(b'"');
}

/// Writers for a set of logs (the ones selected), by schema.
pub struct Writers<W: Write> {
    writers: Vec<Writer<W>>,
}

impl<W: Write> Writers<W> {
    pub fn new(writers: Vec<Writer<W>>) -> Self {
        Writers { writers }
    }

    /// Close every log; the records each had.
    pub fn close(self, close_secs: i64) -> io::Result<Vec<(&'static str, u64)>> {
        let mut counts = Vec::with_capacity(self.writers.len());
        for w in self.writers {
            counts.push((w.schema.path, w.records));
            w.close(close_secs)?;
        }
        Ok(counts)
    }
}

impl<W: Write> Sink for Writers<W> {
    fn wants(&self, schema: &'static Schema) -> bool {
        self.writers.iter().any(|w| std::ptr::eq(w.schema, schema))
    }

    fn write(&mut self, schema: &'static Schema, values: &[Value<'_>]) -> io::Result<()> {
        match self
            .writers
            .iter_mut()
            .find(|w| std::ptr::eq(w.schema, schema))
        {
            Some(w) => w.write(values),
            None => Ok(()),
        }
    }
}

/// Hand a record to a sink (if it wants its log), reusing `buf`.
pub fn emit<R: Record>(rec: &R, sink: &mut dyn Sink) -> io::Result<()> {
    let schema = rec.schema();
    if !sink.wants(schema) {
        return Ok(());
    }
    let mut values = Vec::with_capacity(schema.fields.len());
    rec.values(&mut values);
    sink.write(schema, &values)
}

#[cfg(test)]
mod tests;
