//! Why a view could not be made over some bytes.

use std::fmt;

/// A view's constructor refuses bytes that cannot hold the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the fixed header needs.
    Truncated { needed: usize, got: usize },
    /// A length or version field that cannot be right.
    Malformed(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated { needed, got } => {
                write!(f, "truncated: needed {needed} bytes, got {got}")
            }
            Error::Malformed(why) => write!(f, "malformed: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// Fail with [`Error::Truncated`] unless `bytes` holds at least `needed`.
#[inline]
pub fn need(bytes: &[u8], needed: usize) -> Result<(), Error> {
    if bytes.len() < needed {
        Err(Error::Truncated {
            needed,
            got: bytes.len(),
        })
    } else {
        Ok(())
    }
}
