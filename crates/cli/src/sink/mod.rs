//! Output formats. Each sink turns dissections into bytes appended to a
//! buffer that the caller flushes; sinks never parse packet bytes themselves.

pub mod fields;
pub mod hex;
pub mod json;
pub mod line;
pub mod tree;

use wiresift_engine::Dissection;

/// One output format.
pub trait Sink {
    /// Append the output for one packet to `out`.
    fn packet(&mut self, d: &Dissection, out: &mut Vec<u8>);
    /// Append anything that comes once at the start (a header row).
    fn start(&mut self, _out: &mut Vec<u8>) {}
    /// Whether the output can show conversation numbers (`tcp.stream`,
    /// `udp.stream`). Numbering them as tshark does makes workers wait for
    /// each other at every new conversation; output that never shows them
    /// is spared that.
    fn shows_streams(&self) -> bool {
        true
    }
}
