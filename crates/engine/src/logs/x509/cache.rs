//! Certificates already read, by their bytes. A server sends the same
//! chain on every connection, and reading a certificate (its SHA-256, and
//! its fields when they are needed) costs far more than comparing its
//! bytes with one read before. Zeek keeps such a cache for the same reason
//! (`X509::certificate_cache`).
//!
//! The cache is direct-mapped: a certificate takes the entry its bytes
//! hash to, replacing the one there. A replaced certificate is only read
//! again when it comes back, so what the logs say never depends on what
//! the cache holds. Bounds: [`ENTRIES`] entries, each of a certificate of
//! at most [`MAX_DER`] bytes (a larger one is read each time).

use super::Cert;
use crate::logs::hex;
use sha2::{Digest, Sha256};
use std::hash::BuildHasher;

/// Entries in the cache.
pub const ENTRIES: usize = 256;
/// The largest certificate kept (real ones are a few KiB).
pub const MAX_DER: usize = 16 * 1024;

#[derive(Debug)]
struct Entry {
    der: Box<[u8]>,
    /// Lower-case hex SHA-256 of `der`.
    fp: String,
    /// Its fields (None inside when they do not parse), once asked for.
    fields: Option<Option<Cert>>,
}

/// Certificates read before ([`ENTRIES`] at most).
#[derive(Debug)]
pub struct Cache {
    entries: Vec<Option<Entry>>,
    hasher: foldhash::fast::FixedState,
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            entries: (0..ENTRIES).map(|_| None).collect(),
            hasher: foldhash::fast::FixedState::default(),
        }
    }
}

/// Lower-case hex SHA-256 of `der`.
fn fingerprint(der: &[u8]) -> String {
    hex(&Sha256::digest(der))
}

impl Cache {
    /// The fingerprint of the certificate `der`, and its fields when
    /// `fields` is asked and they parse: as read before when it is in the
    /// cache, else read now (and kept).
    pub fn read(&mut self, der: &[u8], fields: bool) -> (String, Option<Cert>) {
        let i = (self.hasher.hash_one(der) as usize) % ENTRIES;
        let slot = match self.entries.get_mut(i) {
            Some(slot) if der.len() <= MAX_DER => slot,
            _ => {
                let cert = if fields { Cert::parse(der) } else { None };
                return (fingerprint(der), cert);
            }
        };
        if slot.as_ref().is_some_and(|e| *e.der != *der) {
            *slot = None;
        }
        let e = slot.get_or_insert_with(|| Entry {
            der: der.into(),
            fp: fingerprint(der),
            fields: None,
        });
        let cert = if fields {
            e.fields.get_or_insert_with(|| Cert::parse(der)).clone()
        } else {
            None
        };
        (e.fp.clone(), cert)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FIPS 180-2's example: SHA-256 of "abc".
    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn the_fingerprint_is_the_sha256_each_time() {
        let mut c = Cache::default();
        for _ in 0..3 {
            assert_eq!(c.read(b"abc", false), (ABC.to_string(), None));
            // Not a certificate: no fields, but still its fingerprint.
            assert_eq!(c.read(b"abc", true), (ABC.to_string(), None));
        }
    }

    #[test]
    fn certificates_that_share_an_entry_each_keep_their_own_reading() {
        // More certificates than entries: many share one, replacing each
        // other; each reading must still be its own.
        let mut c = Cache::default();
        let ders: Vec<Vec<u8>> = (0..3 * ENTRIES as u32)
            .map(|i| i.to_be_bytes().to_vec())
            .collect();
        for round in 0..2 {
            for d in &ders {
                assert_eq!(c.read(d, round == 1).0, fingerprint(d));
            }
        }
        // Too large to keep: read each time, the same answer.
        let big = vec![7u8; MAX_DER + 1];
        assert_eq!(c.read(&big, false).0, fingerprint(&big));
        assert_eq!(c.read(&big, true).0, fingerprint(&big));
    }
}
