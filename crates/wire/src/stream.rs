//! Framing of application messages carried over a byte stream (TCP): how
//! many bytes the next message takes, so the flow engine can hand a parser
//! whole messages however the segments cut them.

/// How much of a stream the message at its start takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pdu {
    /// One whole message of this many bytes (at least 1) starts here.
    Whole(usize),
    /// A message of this protocol starts here but needs at least this many
    /// bytes in all (more than are at hand) before its length is known or
    /// it is complete. `Need(usize::MAX)`: the message runs to the end of
    /// the stream (an HTTP body without a length).
    Need(usize),
    /// These bytes do not start a message of this protocol.
    NotMine,
}
