//! Output formats. Each sink turns dissections into bytes appended to a
//! buffer that the caller flushes; sinks never parse packet bytes themselves.

pub mod fields;
pub mod hex;
pub mod json;
pub mod line;
pub mod tree;

use wiresift_engine::fields::is_stream_number;
use wiresift_engine::Dissection;
use wiresift_wire::field::Value;

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
    /// From now on, write conversation numbers as the dissection has them
    /// (a worker's own) and note where in [`Sink::marks`], for the caller
    /// to write the whole file's over them. False when the sink cannot: the
    /// dissection must then hold the whole file's numbers.
    fn mark_streams(&mut self) -> bool {
        false
    }
    /// Where the last packet's text holds conversation numbers.
    fn marks(&self) -> &[StreamMark] {
        &[]
    }
}

/// A conversation number in a packet's text: its bytes `at..at + len`,
/// and which conversation of the worker (`udp.stream` or `tcp.stream`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamMark {
    pub at: usize,
    pub len: usize,
    pub udp: bool,
    pub local: u32,
}

impl StreamMark {
    /// The mark of value `v` of field `name`, written at `at..end`, if the
    /// field is a conversation number.
    pub fn of(name: &str, v: &Value, at: usize, end: usize) -> Option<StreamMark> {
        let Value::UInt(n) = v else {
            return None;
        };
        is_stream_number(name).then_some(StreamMark {
            at,
            len: end.saturating_sub(at),
            udp: name == "udp.stream",
            local: u32::try_from(*n).ok()?,
        })
    }
}
