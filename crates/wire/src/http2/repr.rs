//! Building HTTP/2 frames (for tests, fuzzing and crafted traffic).

use super::{Http2View, FRAME_HEADER, PREFACE};

/// One frame as plain values: the payload as it goes on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameRepr {
    pub frame_type: u8,
    pub flags: u8,
    /// 31 bits (the reserved bit is written as 0).
    pub stream_id: u32,
    /// At most 2^24 - 1 bytes (longer payloads are cut there).
    pub payload: Vec<u8>,
}

/// What an [`Http2View`] shows: the preface or a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Http2Repr {
    Magic,
    Frame(FrameRepr),
}

impl Http2Repr {
    pub fn parse(v: &Http2View) -> Self {
        if v.is_magic() {
            return Http2Repr::Magic;
        }
        Http2Repr::Frame(FrameRepr {
            frame_type: v.frame_type(),
            flags: v.flags(),
            stream_id: v.stream_id(),
            payload: v.payload().to_vec(),
        })
    }

    pub fn emit(&self, buf: &mut Vec<u8>) {
        match self {
            Http2Repr::Magic => buf.extend_from_slice(PREFACE),
            Http2Repr::Frame(f) => f.emit(buf),
        }
    }
}

impl FrameRepr {
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let payload = self.payload.get(..0xff_ffff).unwrap_or(&self.payload);
        let len = payload.len() as u32;
        buf.reserve(FRAME_HEADER + payload.len());
        buf.extend_from_slice(&len.to_be_bytes()[1..]);
        buf.push(self.frame_type);
        buf.push(self.flags);
        buf.extend_from_slice(&(self.stream_id & 0x7fff_ffff).to_be_bytes());
        buf.extend_from_slice(payload);
    }

    /// A SETTINGS frame with these parameters.
    pub fn settings(params: &[(u16, u32)]) -> Self {
        let mut payload = Vec::with_capacity(params.len() * 6);
        for &(id, v) in params {
            payload.extend_from_slice(&id.to_be_bytes());
            payload.extend_from_slice(&v.to_be_bytes());
        }
        FrameRepr {
            frame_type: super::frame_type::SETTINGS,
            flags: 0,
            stream_id: 0,
            payload,
        }
    }

    /// A HEADERS frame carrying a whole header block.
    pub fn headers(stream_id: u32, block: Vec<u8>, end_stream: bool) -> Self {
        let mut flags = super::flag::END_HEADERS;
        if end_stream {
            flags |= super::flag::END_STREAM;
        }
        FrameRepr {
            frame_type: super::frame_type::HEADERS,
            flags,
            stream_id,
            payload: block,
        }
    }
}
