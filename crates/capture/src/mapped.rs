//! [`MappedFile`]: a whole capture file mapped into memory, read-only.
//!
//! For a regular file, [`crate::FileReader::open`] parses the records over
//! the mapped bytes instead of `read(2)`-ing them into its buffer: the copy
//! out of the page cache (a fifth to a third of a single-threaded `stats`)
//! goes, and a reader on several cores hands workers the offsets of packets
//! in the shared map instead of copies of their bytes.
//!
//! # The one risk: a file cut while it is mapped
//!
//! The length is taken once, when the file is mapped, and no byte past it is
//! ever read (records are checked against it as against the end of a read
//! buffer), so a file that grows meanwhile is read up to its length at open,
//! and one already cut short is reported as cut, as with `read(2)`. But if
//! another process truncates the file *while* it is being read, touching a
//! page past the new end raises `SIGBUS`, which kills the process: a signal
//! handler cannot safely turn it back into an error of the read that caused
//! it. We accept that, as other tools that map the files they search do
//! (ripgrep among them): capture files are normally written once, and
//! rewriting one in place while reading it gives wrong results with
//! `read(2)` too. Standard input, pipes and other files that are not
//! regular are never mapped, and when mapping fails the reader falls back to
//! `read(2)`.

use std::fs::File;
use std::io;
use std::ops::Deref;

/// A file's bytes, mapped read-only. Shared (`Arc`) between a reader and
/// the threads that read packets out of it.
pub struct MappedFile {
    map: memmap2::Mmap,
}

impl MappedFile {
    /// Maps all of `file`, advising the kernel that it is read from start to
    /// end (larger read-ahead, pages dropped behind).
    pub(crate) fn map(file: &File) -> io::Result<MappedFile> {
        // SAFETY: the map is read-only and private. memmap2 cannot promise
        // that no other process changes the file while it is mapped; if one
        // does, the bytes behind our `&[u8]` change (wrong packets; strictly
        // undefined behaviour in Rust's model) or, when it truncates the
        // file, touching a page past the new end raises SIGBUS. That is the
        // risk the module documentation accepts, as ripgrep does.
        #[allow(unsafe_code)]
        let map = unsafe { memmap2::Mmap::map(file)? };
        // Only advice: reading works the same without it.
        let _ = map.advise(memmap2::Advice::Sequential);
        Ok(MappedFile { map })
    }

    /// Where `data` (a packet lent by a reader over this file) starts in
    /// the file, or `None` when it is not inside it.
    pub fn offset_of(&self, data: &[u8]) -> Option<usize> {
        let start = (data.as_ptr() as usize).checked_sub(self.map.as_ptr() as usize)?;
        (start.checked_add(data.len())? <= self.map.len()).then_some(start)
    }
}

impl Deref for MappedFile {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.map
    }
}

impl std::fmt::Debug for MappedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MappedFile")
            .field("len", &self.map.len())
            .finish()
    }
}
