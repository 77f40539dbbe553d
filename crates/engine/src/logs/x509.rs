//! Zeek's x509.log: one record per certificate of a TLS handshake in
//! clear (so up to TLS 1.2), as Zeek 6's `base/files/x509/main.zeek` writes
//! it. The fields are those of [`Cert`]; `fingerprint` is the SHA-256 of
//! the certificate (the one ssl.log's `cert_chain_fps` lists),
//! `host_cert` is set on the first certificate of a Certificate message
//! (the sender's own; the rest are its chain), `client_cert` on those the
//! TLS client sent, and `ts` is the time of the frame that completed the
//! message. A certificate that does not parse is not logged.
//!
//! The TLS analyzer writes a record for every certificate it reads; Zeek
//! logs a certificate once, and again only a day (of capture time) after
//! it was, for the same fingerprint, `host_cert` and `client_cert`. That
//! rule ([`Known`]) is applied where the records of every conversation
//! meet in frame order (with several workers, where their outputs are
//! merged), so that the log is the same for any number of workers;
//! [`key`] reads what it needs from a record's values.
//!
//! Bounds: at most [`MAX_KNOWN`] certificates are remembered (see
//! [`super::once`]).

mod cache;
mod cert;
pub(crate) mod names;

pub use cache::Cache;
pub use cert::{Basic, Cert, Key, San};

use super::once::Once;
use super::{field, Record, Schema, Type, Value};
use std::borrow::Cow;

pub static SCHEMA: Schema = Schema {
    path: "x509",
    fields: &[
        field("ts", Type::Time),
        field("fingerprint", Type::String),
        field("certificate.version", Type::Count),
        field("certificate.serial", Type::String),
        field("certificate.subject", Type::String),
        field("certificate.issuer", Type::String),
        field("certificate.not_valid_before", Type::Time),
        field("certificate.not_valid_after", Type::Time),
        field("certificate.key_alg", Type::String),
        field("certificate.sig_alg", Type::String),
        field("certificate.key_type", Type::String),
        field("certificate.key_length", Type::Count),
        field("certificate.exponent", Type::String),
        field("certificate.curve", Type::String),
        field("san.dns", Type::StringVector),
        field("san.uri", Type::StringVector),
        field("san.email", Type::StringVector),
        field("san.ip", Type::AddrVector),
        field("basic_constraints.ca", Type::Bool),
        field("basic_constraints.path_len", Type::Count),
        field("host_cert", Type::Bool),
        field("client_cert", Type::Bool),
    ],
};

/// Certificates remembered as logged.
pub const MAX_KNOWN: usize = 100_000;

/// One x509.log record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct X509 {
    pub ts_ns: i64,
    pub fingerprint: String,
    pub cert: Cert,
    pub host_cert: bool,
    pub client_cert: bool,
}

/// A list of names, unset when empty (Zeek makes the vector on the first
/// name).
fn list(v: &[String]) -> Value<'_> {
    if v.is_empty() {
        Value::Unset
    } else {
        Value::Strings(v.iter().map(|s| Cow::Borrowed(s.as_bytes())).collect())
    }
}

impl Record for X509 {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn values<'s>(&'s self, out: &mut Vec<Value<'s>>) {
        let c = &self.cert;
        let key = c.key.as_ref();
        let san = c.san.as_ref();
        out.extend([
            Value::Time(self.ts_ns),
            Value::str(&self.fingerprint),
            Value::Count(c.version),
            Value::str(&c.serial),
            Value::str(&c.subject),
            Value::str(&c.issuer),
            Value::Seconds(c.not_before),
            Value::Seconds(c.not_after),
            Value::str(&c.key_alg),
            Value::str(&c.sig_alg),
            key.map_or(Value::Unset, |k| Value::str(k.kind)),
            key.and_then(|k| k.bits).map_or(Value::Unset, Value::Count),
            key.and_then(|k| k.exponent.as_deref())
                .map_or(Value::Unset, Value::str),
            key.and_then(|k| k.curve).map_or(Value::Unset, Value::str),
            san.map_or(Value::Unset, |s| list(&s.dns)),
            san.map_or(Value::Unset, |s| list(&s.uri)),
            san.map_or(Value::Unset, |s| list(&s.email)),
            san.filter(|s| !s.ip.is_empty())
                .map_or(Value::Unset, |s| Value::Addrs(s.ip.clone())),
            c.basic.map_or(Value::Unset, |b| Value::Bool(b.ca)),
            c.basic
                .and_then(|b| b.path_len)
                .map_or(Value::Unset, Value::Count),
            Value::Bool(self.host_cert),
            Value::Bool(self.client_cert),
        ]);
    }
}

/// What the once-a-day rule reads of an x509.log record's values (in
/// [`SCHEMA`]'s order): its time, fingerprint, `host_cert` and
/// `client_cert`.
pub fn key<'v>(values: &'v [Value<'_>]) -> Option<(i64, &'v [u8], bool, bool)> {
    match (
        values.first()?,
        values.get(1)?,
        values.get(20)?,
        values.get(21)?,
    ) {
        (Value::Time(ts), Value::Str(fp), Value::Bool(host), Value::Bool(client)) => {
            Some((*ts, fp.as_ref(), *host, *client))
        }
        _ => None,
    }
}

/// The certificates logged, for Zeek's once-a-day rule: by fingerprint,
/// `host_cert` and `client_cert`.
#[derive(Debug)]
pub struct Known(pub Once<(Vec<u8>, bool, bool)>);

impl Default for Known {
    fn default() -> Self {
        // Zeek's `X509::relog_known_certificates_after`.
        Known(Once::new(MAX_KNOWN, 86_400 * 1_000_000_000))
    }
}

impl Known {
    /// Whether a certificate seen at `ts_ns` is logged: not if it was
    /// within the day before.
    pub fn admit(
        &mut self,
        ts_ns: i64,
        fingerprint: &[u8],
        host_cert: bool,
        client_cert: bool,
    ) -> bool {
        self.0
            .admit(ts_ns, (fingerprint.to_vec(), host_cert, client_cert))
    }
}

#[cfg(test)]
mod tests;
