//! HPACK (RFC 7541): the header compression of HTTP/2.
//!
//! A [`Decoder`] is the state of one direction of a connection: the
//! dynamic table every header block of that direction reads and changes,
//! in order. [`Decoder::decode`] appends a block's header list to a
//! [`HeaderList`] (one buffer and one entry list, reused frame after
//! frame); views borrow the result as [`Headers`].
//!
//! Bounds, whatever the peer says: the dynamic table holds at most
//! [`MAX_TABLE`] bytes (RFC size: name + value + 32 per entry), a block's
//! decoded list keeps at most [`MAX_HEADERS`] headers and [`MAX_LIST`]
//! bytes (the rest is still read, for the table, but not kept), and one
//! block may copy at most [`MAX_WORK`] bytes out of the table. A block
//! that cannot be decoded leaves the table in an unknown state: the
//! decoder says so for every later block ([`HpackError::Lost`]).

use super::huffman;
use std::collections::VecDeque;
use std::ops::Range;

/// The largest dynamic table kept, whatever SETTINGS_HEADER_TABLE_SIZE says.
pub const MAX_TABLE: usize = 64 << 10;
/// The table size before any update (RFC 7540 §6.5.2).
pub const DEFAULT_TABLE: usize = 4096;
/// Headers kept per block (tshark stops after 200 header lines too).
pub const MAX_HEADERS: usize = 200;
/// Decoded bytes kept per block.
pub const MAX_LIST: usize = 64 << 10;
/// Bytes one block may copy out of the dynamic table (an indexed field
/// repeated many times over a large entry would be quadratic otherwise).
pub const MAX_WORK: usize = 1 << 20;

/// Why a header block could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HpackError {
    /// The block ends inside a representation.
    Truncated,
    /// An integer longer than 28 bits.
    Integer,
    /// An index past the static and dynamic tables (or 0).
    Index,
    /// A Huffman string with bad padding or the EOS symbol.
    Huffman,
    /// A table size update above the limit, or after the first header.
    SizeUpdate,
    /// The block copies more than [`MAX_WORK`] bytes out of the table.
    Work,
    /// An earlier block failed: the table's content is not known.
    Lost,
}

impl HpackError {
    pub fn msg(self) -> &'static str {
        match self {
            HpackError::Truncated => "HPACK block ends inside a header",
            HpackError::Integer => "HPACK integer too large",
            HpackError::Index => "HPACK index not in the tables",
            HpackError::Huffman => "HPACK Huffman string with bad padding or EOS",
            HpackError::SizeUpdate => "HPACK table size update above the limit or misplaced",
            HpackError::Work => "HPACK block copies too much out of the table",
            HpackError::Lost => "HPACK state lost by an earlier error",
        }
    }
}

/// How a header was represented (tshark's `http2.header.repr`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repr {
    Indexed,
    IncrementalIndexedName,
    IncrementalNewName,
    WithoutIndexedName,
    WithoutNewName,
    NeverIndexedName,
    NeverNewName,
    /// A dynamic table size update (no name or value).
    SizeUpdate,
}

impl Repr {
    pub fn text(self) -> &'static str {
        match self {
            Repr::Indexed => "Indexed Header Field",
            Repr::IncrementalIndexedName => {
                "Literal Header Field with Incremental Indexing - Indexed Name"
            }
            Repr::IncrementalNewName => "Literal Header Field with Incremental Indexing - New Name",
            Repr::WithoutIndexedName => "Literal Header Field without Indexing - Indexed Name",
            Repr::WithoutNewName => "Literal Header Field without Indexing - New Name",
            Repr::NeverIndexedName => "Literal Header Field never Indexed - Indexed Name",
            Repr::NeverNewName => "Literal Header Field never Indexed - New Name",
            Repr::SizeUpdate => "Dynamic Table Size Update",
        }
    }

    /// Does the representation carry a table index (of the field or its
    /// name)?
    pub fn has_index(self) -> bool {
        matches!(
            self,
            Repr::Indexed
                | Repr::IncrementalIndexedName
                | Repr::WithoutIndexedName
                | Repr::NeverIndexedName
        )
    }
}

/// One decoded representation: a header (name and value in the list's
/// buffer) or a table size update (`index` is then the new size).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub repr: Repr,
    /// The table index (of the field or of its name), 0 for a new name;
    /// the new size for a size update.
    pub index: u32,
    name: Range<u32>,
    value: Range<u32>,
}

/// Decoded header lists of several blocks, one buffer for all.
#[derive(Debug, Default)]
pub struct HeaderList {
    buf: Vec<u8>,
    entries: Vec<Header>,
    /// A request block's full URI (`scheme://authority/path`, tshark's
    /// `http2.request.full_uri`) in `buf`, by the mark ending the block.
    uris: Vec<(usize, Range<u32>)>,
    /// Headers decoded but not kept (past a block's caps).
    pub dropped: u64,
}

/// Where a [`HeaderList`] ends at one time ([`HeaderList::truncate`] goes
/// back to it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    buf: usize,
    entries: usize,
    uris: usize,
}

impl HeaderList {
    pub fn clear(&mut self) {
        self.buf.clear();
        self.entries.clear();
        self.uris.clear();
    }

    /// Where the list ends now.
    pub fn mark(&self) -> Mark {
        Mark {
            buf: self.buf.len(),
            entries: self.entries.len(),
            uris: self.uris.len(),
        }
    }

    /// Forget what was added after `m` (a block read for its values and not
    /// shown).
    pub fn truncate(&mut self, m: Mark) {
        self.buf.truncate(m.buf);
        self.entries.truncate(m.entries);
        self.uris.truncate(m.uris);
    }

    /// How many entries there are (a mark for [`HeaderList::headers`]).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Decoded bytes held, all blocks together.
    pub fn bytes(&self) -> usize {
        self.buf.len()
    }

    /// The entries added from mark `from` to mark `to`.
    pub fn headers(&self, from: usize, to: usize) -> Headers<'_> {
        let uri = self
            .uris
            .iter()
            .rev()
            .find(|(end, _)| *end == to && from < to)
            .and_then(|(_, r)| self.buf.get(r.start as usize..r.end as usize));
        Headers {
            buf: &self.buf,
            list: self.entries.get(from..to).unwrap_or(&[]),
            uri,
        }
    }

    /// After a request block kept from mark `from`: its full URI, made of
    /// `:scheme`, `:authority` and `:path` (not for other blocks).
    fn add_uri(&mut self, from: usize) {
        let find = |name: &[u8]| {
            let e = self.entries.get(from..)?.iter().find(|e| {
                e.repr != Repr::SizeUpdate
                    && self.buf.get(e.name.start as usize..e.name.end as usize) == Some(name)
            })?;
            Some(e.value.start as usize..e.value.end as usize)
        };
        let (Some(_), Some(scheme), Some(auth), Some(path)) = (
            find(b":method"),
            find(b":scheme"),
            find(b":authority"),
            find(b":path"),
        ) else {
            return;
        };
        let start = self.buf.len();
        self.buf.extend_from_within(scheme);
        self.buf.extend_from_slice(b"://");
        self.buf.extend_from_within(auth);
        self.buf.extend_from_within(path);
        if let (Ok(s), Ok(e)) = (u32::try_from(start), u32::try_from(self.buf.len())) {
            self.uris.push((self.entries.len(), s..e));
        }
    }
}

/// One block's decoded header list, borrowed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Headers<'a> {
    buf: &'a [u8],
    list: &'a [Header],
    uri: Option<&'a [u8]>,
}

impl<'a> Headers<'a> {
    pub fn entries(&self) -> &'a [Header] {
        self.list
    }

    pub fn name(&self, h: &Header) -> &'a [u8] {
        self.buf
            .get(h.name.start as usize..h.name.end as usize)
            .unwrap_or(&[])
    }

    pub fn value(&self, h: &Header) -> &'a [u8] {
        self.buf
            .get(h.value.start as usize..h.value.end as usize)
            .unwrap_or(&[])
    }

    /// The headers (not size updates) as (name, value) pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&'a Header, &'a [u8], &'a [u8])> + 'a {
        let me = *self;
        self.list
            .iter()
            .filter(|h| h.repr != Repr::SizeUpdate)
            .map(move |h| (h, me.name(h), me.value(h)))
    }

    /// A request's full URI (tshark's `http2.request.full_uri`).
    pub fn full_uri(&self) -> Option<&'a [u8]> {
        self.uri
    }

    /// The value of the first header named `name`.
    pub fn get(&self, name: &[u8]) -> Option<&'a [u8]> {
        self.iter().find(|(_, n, _)| *n == name).map(|(_, _, v)| v)
    }
}

/// The static table (RFC 7541 Appendix A), index 1 first.
pub const STATIC: [(&[u8], &[u8]); 61] = [
    (b":authority", b""),
    (b":method", b"GET"),
    (b":method", b"POST"),
    (b":path", b"/"),
    (b":path", b"/index.html"),
    (b":scheme", b"http"),
    (b":scheme", b"https"),
    (b":status", b"200"),
    (b":status", b"204"),
    (b":status", b"206"),
    (b":status", b"304"),
    (b":status", b"400"),
    (b":status", b"404"),
    (b":status", b"500"),
    (b"accept-charset", b""),
    (b"accept-encoding", b"gzip, deflate"),
    (b"accept-language", b""),
    (b"accept-ranges", b""),
    (b"accept", b""),
    (b"access-control-allow-origin", b""),
    (b"age", b""),
    (b"allow", b""),
    (b"authorization", b""),
    (b"cache-control", b""),
    (b"content-disposition", b""),
    (b"content-encoding", b""),
    (b"content-language", b""),
    (b"content-length", b""),
    (b"content-location", b""),
    (b"content-range", b""),
    (b"content-type", b""),
    (b"cookie", b""),
    (b"date", b""),
    (b"etag", b""),
    (b"expect", b""),
    (b"expires", b""),
    (b"from", b""),
    (b"host", b""),
    (b"if-match", b""),
    (b"if-modified-since", b""),
    (b"if-none-match", b""),
    (b"if-range", b""),
    (b"if-unmodified-since", b""),
    (b"last-modified", b""),
    (b"link", b""),
    (b"location", b""),
    (b"max-forwards", b""),
    (b"proxy-authenticate", b""),
    (b"proxy-authorization", b""),
    (b"range", b""),
    (b"referer", b""),
    (b"refresh", b""),
    (b"retry-after", b""),
    (b"server", b""),
    (b"set-cookie", b""),
    (b"strict-transport-security", b""),
    (b"transfer-encoding", b""),
    (b"user-agent", b""),
    (b"vary", b""),
    (b"via", b""),
    (b"www-authenticate", b""),
];

#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Absolute position of the entry's first byte (see `DynTable::base`).
    at: u64,
    name: u32,
    value: u32,
}

/// The dynamic table: entries' bytes in one ring, oldest first.
#[derive(Debug, Default)]
struct DynTable {
    bytes: VecDeque<u8>,
    entries: VecDeque<Entry>,
    /// Absolute position of `bytes[0]`.
    base: u64,
    /// RFC size (name + value + 32 per entry).
    size: usize,
    max: usize,
}

impl DynTable {
    fn evict_to(&mut self, max: usize) {
        while self.size > max {
            let Some(e) = self.entries.pop_front() else {
                break;
            };
            let n = e.name as usize + e.value as usize;
            self.bytes.drain(..n.min(self.bytes.len()));
            self.base = self.base.wrapping_add(n as u64);
            self.size = self.size.saturating_sub(n + 32);
        }
    }

    /// Add `name` and `value` (RFC 7541 §4.4: an entry larger than the
    /// table empties it and is not added).
    fn insert(&mut self, name: &[u8], value: &[u8]) {
        let need = name.len() + value.len() + 32;
        if need > self.max {
            self.evict_to(0);
            return;
        }
        self.evict_to(self.max - need);
        let at = self.base.wrapping_add(self.bytes.len() as u64);
        self.bytes.extend(name);
        self.bytes.extend(value);
        self.entries.push_back(Entry {
            at,
            name: name.len() as u32,
            value: value.len() as u32,
        });
        self.size += need;
    }

    /// Entry `i` of the dynamic table (1 = newest): its name and value.
    fn get(&self, i: usize) -> Option<(impl Iterator<Item = &u8>, impl Iterator<Item = &u8>)> {
        let k = self.entries.len().checked_sub(i)?;
        let e = self.entries.get(k)?;
        let start = usize::try_from(e.at.wrapping_sub(self.base)).ok()?;
        let mid = start.checked_add(e.name as usize)?;
        let end = mid.checked_add(e.value as usize)?;
        if end > self.bytes.len() {
            return None;
        }
        Some((self.bytes.range(start..mid), self.bytes.range(mid..end)))
    }
}

/// The HPACK state of one direction of a connection.
#[derive(Debug)]
pub struct Decoder {
    table: DynTable,
    lost: bool,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

/// Reads a block's bytes front to back.
struct Reader<'b> {
    b: &'b [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, HpackError> {
        let x = self.b.get(self.at).copied().ok_or(HpackError::Truncated)?;
        self.at += 1;
        Ok(x)
    }

    /// An integer with an `n`-bit prefix (RFC 7541 §5.1) whose first byte
    /// is `first`; at most 28 bits.
    fn int(&mut self, first: u8, n: u32) -> Result<u32, HpackError> {
        let mask = (1u32 << n) - 1;
        let mut v = u32::from(first) & mask;
        if v < mask {
            return Ok(v);
        }
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            if shift > 21 {
                return Err(HpackError::Integer);
            }
            v = v
                .checked_add(u32::from(b & 0x7f) << shift)
                .ok_or(HpackError::Integer)?;
            shift += 7;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
    }

    /// A string literal (RFC 7541 §5.2), appended to `out`.
    fn string(&mut self, out: &mut Vec<u8>) -> Result<(), HpackError> {
        let first = self.byte()?;
        let len = self.int(first, 7)? as usize;
        let end = self.at.checked_add(len).ok_or(HpackError::Truncated)?;
        let s = self.b.get(self.at..end).ok_or(HpackError::Truncated)?;
        self.at = end;
        if first & 0x80 != 0 {
            huffman::decode(s, out).map_err(|_| HpackError::Huffman)
        } else {
            out.extend_from_slice(s);
            Ok(())
        }
    }
}

impl Decoder {
    pub fn new() -> Self {
        Decoder {
            table: DynTable {
                max: DEFAULT_TABLE,
                ..DynTable::default()
            },
            lost: false,
        }
    }

    /// The dynamic table's current RFC size and its entry count.
    pub fn table_size(&self) -> (usize, usize) {
        (self.table.size, self.table.entries.len())
    }

    /// Bytes the table keeps in memory now.
    pub fn held(&self) -> usize {
        self.table.bytes.capacity() + self.table.entries.capacity() * std::mem::size_of::<Entry>()
    }

    /// Give up on this direction (a block too large to gather): later
    /// blocks fail with [`HpackError::Lost`].
    pub fn give_up(&mut self) {
        self.lost = true;
    }

    /// Has an earlier block (or [`Decoder::give_up`]) lost the table?
    pub fn is_lost(&self) -> bool {
        self.lost
    }

    /// Decode one whole header block, appending its list to `out`. On an
    /// error what was decoded before it stays in `out`, and later blocks
    /// fail with [`HpackError::Lost`].
    pub fn decode(&mut self, block: &[u8], out: &mut HeaderList) -> Result<(), HpackError> {
        if self.lost {
            return Err(HpackError::Lost);
        }
        let from = out.entries.len();
        let r = self.decode_inner(block, out, true);
        if r.is_err() {
            self.lost = true;
        } else {
            out.add_uri(from);
        }
        r
    }

    /// Read a block for the table only (a block nobody will see): indexed
    /// fields are not copied out, nothing is added to `scratch` (its
    /// buffer holds a literal while it is read). Errors as [`decode`].
    ///
    /// [`decode`]: Decoder::decode
    pub fn follow(&mut self, block: &[u8], scratch: &mut HeaderList) -> Result<(), HpackError> {
        if self.lost {
            return Err(HpackError::Lost);
        }
        let mark = scratch.buf.len();
        let r = self.decode_inner(block, scratch, false);
        scratch.buf.truncate(mark);
        if r.is_err() {
            self.lost = true;
        }
        r
    }

    fn decode_inner(
        &mut self,
        block: &[u8],
        out: &mut HeaderList,
        keep: bool,
    ) -> Result<(), HpackError> {
        let mut rd = Reader { b: block, at: 0 };
        let mut work = 0usize;
        let from = (out.entries.len(), out.buf.len());
        let mut seen_header = false;
        while rd.at < block.len() {
            let b = rd.byte()?;
            let start = out.buf.len();
            if b & 0xe0 == 0x20 {
                // RFC 7541 §4.2: size updates come before the first header.
                let n = rd.int(b, 5)?;
                // The limit is [`MAX_TABLE`], not the receiver's
                // SETTINGS_HEADER_TABLE_SIZE: a capture may miss those
                // (an h2c upgrade sends them in base64 in an HTTP/1.1
                // header), and a wrong limit would lose the connection.
                if seen_header || n as usize > MAX_TABLE {
                    return Err(HpackError::SizeUpdate);
                }
                self.table.max = n as usize;
                self.table.evict_to(n as usize);
                if keep {
                    out.keep(from, Repr::SizeUpdate, n, start, start);
                }
                continue;
            }
            seen_header = true;
            let (repr, index, mid) = if b & 0x80 != 0 {
                let i = rd.int(b, 7)?;
                if !keep {
                    self.check_index(i)?;
                    continue;
                }
                let mid = self.copy(i, true, &mut out.buf, &mut work)?;
                (Repr::Indexed, i, mid)
            } else {
                let (bits, named, new, insert) = if b & 0x40 != 0 {
                    (
                        6,
                        Repr::IncrementalIndexedName,
                        Repr::IncrementalNewName,
                        true,
                    )
                } else if b & 0x10 != 0 {
                    (4, Repr::NeverIndexedName, Repr::NeverNewName, false)
                } else {
                    (4, Repr::WithoutIndexedName, Repr::WithoutNewName, false)
                };
                let i = rd.int(b, bits)?;
                let repr = if i == 0 {
                    rd.string(&mut out.buf)?;
                    new
                } else {
                    self.copy(i, false, &mut out.buf, &mut work)?;
                    named
                };
                let mid = out.buf.len();
                rd.string(&mut out.buf)?;
                if insert {
                    let name = out.buf.get(start..mid).unwrap_or(&[]);
                    let value = out.buf.get(mid..).unwrap_or(&[]);
                    self.table.insert(name, value);
                }
                (repr, i, mid)
            };
            if keep {
                out.keep(from, repr, index, start, mid);
            } else {
                out.buf.truncate(start);
            }
        }
        Ok(())
    }

    /// Is `i` an index of the tables?
    fn check_index(&self, i: u32) -> Result<(), HpackError> {
        let k = (i as usize).checked_sub(1).ok_or(HpackError::Index)?;
        if k < STATIC.len() || self.table.get(k - STATIC.len() + 1).is_some() {
            Ok(())
        } else {
            Err(HpackError::Index)
        }
    }

    /// Append entry `i` of the tables (its name, and its value when
    /// `both`) to `buf`; the position where the name ends.
    fn copy(
        &self,
        i: u32,
        both: bool,
        buf: &mut Vec<u8>,
        work: &mut usize,
    ) -> Result<usize, HpackError> {
        let before = buf.len();
        let mid = match (i as usize).checked_sub(1) {
            None => return Err(HpackError::Index),
            Some(k) if k < STATIC.len() => {
                let (n, v) = STATIC.get(k).copied().unwrap_or_default();
                buf.extend_from_slice(n);
                let mid = buf.len();
                if both {
                    buf.extend_from_slice(v);
                }
                mid
            }
            Some(k) => {
                let (n, v) = self
                    .table
                    .get(k - STATIC.len() + 1)
                    .ok_or(HpackError::Index)?;
                buf.extend(n);
                let mid = buf.len();
                if both {
                    buf.extend(v);
                }
                mid
            }
        };
        *work = work.saturating_add(buf.len() - before);
        if *work > MAX_WORK {
            return Err(HpackError::Work);
        }
        Ok(mid)
    }
}

impl HeaderList {
    /// Keep the representation just decoded (its bytes from `start`, the
    /// name up to `mid`), unless the block begun at mark `from` already
    /// keeps [`MAX_HEADERS`] entries or [`MAX_LIST`] bytes: then its bytes
    /// are dropped and counted.
    fn keep(&mut self, from: (usize, usize), repr: Repr, index: u32, start: usize, mid: usize) {
        let end = self.buf.len();
        let fits = self.entries.len() - from.0 < MAX_HEADERS && end - from.1 <= MAX_LIST;
        match (
            fits,
            u32::try_from(start),
            u32::try_from(mid),
            u32::try_from(end),
        ) {
            (true, Ok(s), Ok(m), Ok(e)) => self.entries.push(Header {
                repr,
                index,
                name: s..m,
                value: m..e,
            }),
            _ => {
                self.buf.truncate(start);
                self.dropped += 1;
            }
        }
    }
}

/// Append an integer with an `n`-bit prefix to `out`, `flags` in the bits
/// above the prefix (RFC 7541 §5.1).
pub fn encode_int(v: u32, n: u32, flags: u8, out: &mut Vec<u8>) {
    let mask = (1u32 << n) - 1;
    if v < mask {
        out.push(flags | v as u8);
        return;
    }
    out.push(flags | mask as u8);
    let mut rest = v - mask;
    while rest >= 0x80 {
        out.push(0x80 | (rest & 0x7f) as u8);
        rest >>= 7;
    }
    out.push(rest as u8);
}

/// Append a string literal, Huffman-coded when `huffman`.
pub fn encode_string(s: &[u8], huffman: bool, out: &mut Vec<u8>) {
    if huffman {
        encode_int(huffman::encoded_len(s) as u32, 7, 0x80, out);
        huffman::encode(s, out);
    } else {
        encode_int(s.len() as u32, 7, 0, out);
        out.extend_from_slice(s);
    }
}

/// Append a header as a literal without indexing, new name (it leaves the
/// decoder's table alone).
pub fn encode_literal(name: &[u8], value: &[u8], huffman: bool, out: &mut Vec<u8>) {
    out.push(0);
    encode_string(name, huffman, out);
    encode_string(value, huffman, out);
}

#[cfg(test)]
mod tests;
