//! What Zeek's conn.log says of a connection's course: the history letters
//! and the final state (conn_state).
//!
//! STUB: being written.

use wire::tcp::TcpView;
use wiresift_wire as wire;

/// The course of one connection, from its originator's point of view.
#[derive(Clone, Debug, Default)]
pub struct History {}

impl History {
    /// A TCP segment; `orig` if the originator sent it.
    pub fn tcp(&mut self, orig: bool, t: &TcpView) {
        let _ = (orig, t);
    }

    /// A packet of another transport carrying `payload` bytes.
    pub fn datagram(&mut self, orig: bool, payload: usize) {
        let _ = (orig, payload);
    }
}
