//! What the MIME entities of a mail or of an HTTP multipart body made, as
//! the logs' MIME reader (Zeek's MIME analyzer) describes them: the files
//! and what was not made one. (The stream reader reads a long multipart
//! body as it passes, and its view carries this.)

/// One file of a mail or of an HTTP multipart body: a MIME entity that
/// gave content.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct File {
    /// Its entity's place among the mail's entities, from 1.
    pub entity: u64,
    pub filename: Option<Vec<u8>>,
    /// Bytes of decoded content.
    pub seen: u64,
    /// Bytes lost to a gap that ended the mail while the file was read.
    pub missing: u64,
    /// Its first decoded bytes (enough for its type).
    pub head: Vec<u8>,
    /// The marks (times or offsets, as the caller gave them) of the ends
    /// of the first and the last lines that gave it content.
    pub first_at: i64,
    pub last_at: i64,
}

/// What the MIME entities of a mail or of an HTTP multipart body made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mail {
    /// Entities begun.
    pub entities: u64,
    /// In the order each started.
    pub files: Vec<File>,
    pub files_dropped: u64,
    /// Entities not begun: they would have nested too deep.
    pub too_deep: u64,
    /// Zeek's `base64_illegal_encoding` weirds: the mark of the end of
    /// the line being decoded, and Zeek's text.
    pub weirds: Vec<(i64, String)>,
    /// Lines longer than the reader holds, read in pieces: the cuts made.
    pub long_lines: u64,
}
