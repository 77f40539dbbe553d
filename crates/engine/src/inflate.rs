//! A gzip- or deflate-coded HTTP body decoded the way Zeek's http.log reads
//! it, as the body passes: its decoded length and first decoded bytes,
//! with none of it held. Zeek counts a body after undoing that coding
//! (`request_body_len`, `response_body_len`) and sniffs its MIME type from
//! the decoded bytes.
//!
//! Zeek's rules (its HTTP analyzer and the ZIP support analyzer under it):
//! - the coding is the first token of a `Content-Encoding` header:
//!   `gzip` or `x-gzip`, or `deflate`, in any case (when several headers
//!   name one, the last); no other coding is undone;
//! - either coding is read with a gzip or a zlib header, whichever the
//!   data has; when the first read of a delivery fails (no such header:
//!   some servers send raw deflate), that delivery is read again as raw
//!   deflate;
//! - decoding stops at the end of the compressed stream (bytes after it do
//!   not count) or at an error (what decoded before it counts).
//!
//! The decoders are flate2's. What differs from zlib's reading: where
//! exactly in a corrupt stream decoding stops, so how many of the bytes
//! decoded just before an error count.

use flate2::write::{DeflateDecoder, GzDecoder, ZlibDecoder};
use std::io::{self, Write};

/// Memory one decoder takes: the 32 KiB window, its tables and the
/// decoder's 32 KiB output buffer. A reader that holds decoders charges
/// this to its budget.
pub const COST: usize = 80 << 10;

/// Zeek decodes into a 4 KiB buffer: an error in a delivery's first read
/// (before that much came out) makes it try raw deflate.
const RESTART_WITHIN: u64 = 4096;

/// Decoded bytes kept from the start of a body (MIME types are sniffed
/// from no more: enough for the signatures of `logs::magic`).
pub const HEAD: usize = 256;

/// Whether a `Content-Encoding` value names a coding Zeek undoes: its
/// first token is `gzip`, `x-gzip` or `deflate`.
pub fn zeek_coding(value: &[u8]) -> bool {
    let t = first_token(value);
    t.eq_ignore_ascii_case(b"gzip")
        || t.eq_ignore_ascii_case(b"x-gzip")
        || t.eq_ignore_ascii_case(b"deflate")
}

/// A MIME header value's first token (RFC 2045: up to a space, a control
/// byte or one of `()<>@,;:\"/[]?=`).
fn first_token(value: &[u8]) -> &[u8] {
    let v = value.trim_ascii_start();
    let end = v
        .iter()
        .position(|&c| c <= b' ' || c == 0x7f || b"()<>@,;:\\\"/[]?=".contains(&c))
        .unwrap_or(v.len());
    v.get(..end).unwrap_or_default()
}

/// Where decoded bytes go: counted, the first [`HEAD`] kept.
#[derive(Debug, Default)]
struct Tally {
    len: u64,
    head: Vec<u8>,
}

impl Write for Tally {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.len = self.len.saturating_add(b.len() as u64);
        let room = HEAD.saturating_sub(self.head.len()).min(b.len());
        self.head
            .extend_from_slice(b.get(..room).unwrap_or_default());
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum Decoder {
    /// No byte yet, or the first of the two that tell gzip from zlib.
    Start(Option<u8>),
    Gzip(GzDecoder<Tally>),
    Zlib(ZlibDecoder<Tally>),
    Raw(DeflateDecoder<Tally>),
    /// The stream ended or failed: later bytes do not count.
    Done(Tally),
}

impl Decoder {
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Decoder::Gzip(d) => d.flush(),
            Decoder::Zlib(d) => d.flush(),
            Decoder::Raw(d) => d.flush(),
            Decoder::Start(_) | Decoder::Done(_) => Ok(()),
        }
    }

    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        match self {
            Decoder::Gzip(d) => d.write(data),
            Decoder::Zlib(d) => d.write(data),
            Decoder::Raw(d) => d.write(data),
            Decoder::Start(_) | Decoder::Done(_) => Ok(0),
        }
    }

    /// Decode what is buffered; the tally.
    fn finish(&mut self) -> &Tally {
        let _ = match self {
            Decoder::Gzip(d) => d.try_finish(),
            Decoder::Zlib(d) => d.try_finish(),
            Decoder::Raw(d) => d.try_finish(),
            Decoder::Start(_) | Decoder::Done(_) => Ok(()),
        };
        self.tally()
    }

    fn tally(&mut self) -> &Tally {
        match self {
            Decoder::Gzip(d) => d.get_ref(),
            Decoder::Zlib(d) => d.get_ref(),
            Decoder::Raw(d) => d.get_ref(),
            Decoder::Done(t) => t,
            Decoder::Start(_) => {
                *self = Decoder::Done(Tally::default());
                self.tally()
            }
        }
    }

    /// The tally, taken out (the decoder is then spent).
    fn take_tally(&mut self) -> Tally {
        match self {
            Decoder::Gzip(d) => std::mem::take(d.get_mut()),
            Decoder::Zlib(d) => std::mem::take(d.get_mut()),
            Decoder::Raw(d) => std::mem::take(d.get_mut()),
            Decoder::Done(t) => std::mem::take(t),
            Decoder::Start(_) => Tally::default(),
        }
    }
}

/// One body being decoded ([`Inflate::feed`] each delivery of its bytes
/// in order, then [`Inflate::finish`]).
pub struct Inflate {
    dec: Decoder,
    /// Coded bytes the decoder took.
    coded: u64,
}

impl Default for Inflate {
    fn default() -> Self {
        Inflate {
            dec: Decoder::Start(None),
            coded: 0,
        }
    }
}

/// Decoding stops (the count with it) past the ratio the export allows
/// ([`crate::export::Limits`]): decoding costs time in proportion to its
/// output, and a decompression bomb gives a thousand times its size. No
/// real body comes near.
fn over_ratio(decoded: u64, coded: u64) -> bool {
    let l = crate::export::Limits::default();
    let cap = coded
        .saturating_mul(l.max_ratio as u64)
        .max(l.ratio_floor as u64);
    decoded > cap
}

impl std::fmt::Debug for Inflate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Inflate")
    }
}

impl Inflate {
    /// The next bytes of the body, as one delivery.
    pub fn feed(&mut self, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        if let Decoder::Start(first) = self.dec {
            // gzip's magic number, else a zlib header (zlib's "detect"
            // mode decides on the first two bytes).
            let mut two = first.into_iter().chain(data.iter().copied());
            let (Some(a), Some(b)) = (two.next(), two.next()) else {
                self.dec = Decoder::Start(data.first().copied());
                return;
            };
            self.dec = if [a, b] == [0x1f, 0x8b] {
                Decoder::Gzip(GzDecoder::new(Tally::default()))
            } else {
                Decoder::Zlib(ZlibDecoder::new(Tally::default()))
            };
            if let Some(a) = first {
                self.write_delivery(&[a]);
            }
        }
        self.write_delivery(data);
    }

    /// One delivery: written, then flushed, so that an error in it shows
    /// in it (zlib decodes a delivery as it comes).
    fn write_delivery(&mut self, data: &[u8]) {
        let from = self.dec.tally().len;
        let mut restarted = false;
        let mut rest = data;
        loop {
            let step = if rest.is_empty() {
                self.dec.flush().map(|()| None)
            } else {
                self.dec.write(rest).map(Some)
            };
            match step {
                Ok(None) => return,
                Ok(Some(0)) => {
                    // The stream ended: nothing after it counts.
                    let t = self.dec.take_tally();
                    self.dec = Decoder::Done(t);
                    return;
                }
                Ok(Some(n)) => {
                    rest = rest.get(n..).unwrap_or_default();
                    self.coded = self.coded.saturating_add(n as u64);
                    if over_ratio(self.dec.tally().len, self.coded) {
                        let t = self.dec.take_tally();
                        self.dec = Decoder::Done(t);
                        return;
                    }
                }
                // Zeek's first read of a delivery decodes up to 4 KiB: an
                // error in it (no header where one should be) starts raw
                // deflate over the delivery.
                Err(_)
                    if !restarted && self.dec.tally().len.saturating_sub(from) < RESTART_WITHIN =>
                {
                    restarted = true;
                    let t = self.dec.take_tally();
                    self.dec = Decoder::Raw(DeflateDecoder::new(t));
                    rest = data;
                }
                Err(_) => {
                    let t = self.dec.take_tally();
                    self.dec = Decoder::Done(t);
                    return;
                }
            }
        }
    }

    /// The body ended: its decoded length and first decoded bytes.
    pub fn finish(mut self) -> (u64, Vec<u8>) {
        let t = self.dec.finish();
        (t.len, t.head.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
    use flate2::Compression;

    /// Text that compresses, of `n` bytes.
    fn text(n: usize) -> Vec<u8> {
        (0..n)
            .map(|i| b"<html>hello, world</html>\n"[i % 26])
            .collect()
    }

    fn gzip(b: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    }

    fn zlib(b: &[u8]) -> Vec<u8> {
        let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    }

    fn raw(b: &[u8]) -> Vec<u8> {
        let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    }

    /// Decode `coded` fed in pieces of `piece` bytes.
    fn decode(coded: &[u8], piece: usize) -> (u64, Vec<u8>) {
        let mut inf = Inflate::default();
        for p in coded.chunks(piece) {
            inf.feed(p);
        }
        inf.finish()
    }

    #[test]
    fn each_header_and_raw_deflate_decode_to_the_original_length() {
        let plain = text(200_000);
        // (Raw deflate is found when a delivery fails to start a zlib
        // header: one-byte deliveries lose the first byte to that, in Zeek
        // as here.)
        for (coded, smallest) in [(gzip(&plain), 1), (zlib(&plain), 1), (raw(&plain), 2)] {
            for piece in [smallest, 2, 3, 1460, 65_536, coded.len()] {
                let (len, head) = decode(&coded, piece);
                assert_eq!(len, plain.len() as u64, "pieces of {piece}");
                assert_eq!(head, plain[..HEAD], "pieces of {piece}");
            }
        }
    }

    #[test]
    fn bytes_after_the_stream_do_not_count() {
        let plain = text(5000);
        let mut coded = gzip(&plain);
        coded.extend(gzip(&text(300)));
        assert_eq!(decode(&coded, 1000).0, 5000);
        let mut coded = zlib(&plain);
        coded.extend_from_slice(b"trailing garbage");
        assert_eq!(decode(&coded, 100).0, 5000);
    }

    #[test]
    fn a_cut_or_broken_stream_counts_what_decoded_before() {
        let plain = text(100_000);
        let coded = gzip(&plain);
        let (cut, _) = decode(&coded[..coded.len() / 2], 1460);
        assert!(cut > 0 && cut < 100_000, "{cut}");
        // A zlib header, then a block of the reserved type: the delivery
        // is read again as raw deflate, a stored block whose length check
        // fails. Decoding has failed: a good stream after it is not read.
        let mut inf = Inflate::default();
        inf.feed(&[0x78, 0x9c, 0x07, 0x00, 0x00, 0x00]);
        inf.feed(&gzip(&plain));
        assert_eq!(inf.finish().0, 0);
        assert_eq!(decode(b"", 1), (0, Vec::new()));
    }

    /// A decompression bomb stops at the export's ratio: its count, and
    /// the work, stay bounded.
    #[test]
    fn a_bomb_stops_at_the_ratio() {
        let bomb = gzip(&vec![0u8; 50 << 20]);
        assert!(bomb.len() < 100 << 10, "{}", bomb.len());
        let (len, _) = decode(&bomb, 1460);
        let l = crate::export::Limits::default();
        let cap = (bomb.len() * l.max_ratio).max(l.ratio_floor) as u64;
        assert!(len > 0 && len <= cap + (64 << 10), "{len} against {cap}");
    }

    #[test]
    fn the_coding_is_the_first_token_of_content_encoding() {
        let coded = |value: &str| zeek_coding(value.as_bytes());
        assert!(coded("gzip"));
        assert!(coded("X-GZIP"));
        assert!(coded(" deflate, br"));
        assert!(coded("gzip;q=1"));
        assert!(!coded("br"));
        assert!(!coded("identity"));
        assert!(!coded("gzipped"));
        assert!(!coded(""));
    }
}
