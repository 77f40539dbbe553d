//! Wireshark display filters (`-Y`): compiled once against the field
//! registry, then evaluated per packet with no string look-ups.
//!
//! ```text
//! source ──lex──► tokens ──parse──► syntax tree ──compile──► program ──eval──► bool
//!                                       (words)   (fields resolved, literals
//!                                                  converted to the field's kind)
//! ```
//!
//! The language is Wireshark 4.0's: fields and protocols by name, the
//! comparison operators in both spellings with 4.0's meaning for fields that
//! occur more than once (`==` any occurrence equals, `!=` none does,
//! `===` all do, `!==`/`~=` some does not), `contains`, `matches`
//! (case-insensitive), `in {…}` with ranges, slices, the layer operator
//! `#`, arithmetic, `any`/`all`, the functions `len`, `count`, `lower` and
//! `upper`, and (from Wireshark 4.2) `xor`/`^^`.
//!
//! ```
//! use wiresift_engine::filter::Filter;
//! let f = Filter::compile("tcp.port in {80, 443} && !(ip.src == 10.0.0.0/8)").unwrap();
//! assert!(f.explain().contains("tcp.port"));
//! let e = Filter::compile("tcp.prot == 80").unwrap_err();
//! assert_eq!(e.to_string(), "unknown field 'tcp.prot'\n    tcp.prot == 80\n    ^~~~~~~~\n    did you mean tcp.port?");
//! ```

mod compile;
mod eval;
mod lex;
mod literal;
mod parse;

use crate::dissect::Dissection;

pub use compile::Ty;

/// A place in the filter's source text: byte offsets, end excluded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// From the start of `self` to the end of `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A filter that does not compile: what is wrong, where, and a hint.
/// Its `Display` shows the filter with a caret under the place:
///
/// ```text
/// unknown field 'tcp.prot'
///     tcp.prot == 80
///     ^~~~~~~~
///     did you mean tcp.port?
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    pub msg: String,
    pub span: Span,
    /// A suggestion (`did you mean tcp.port?`), if there is one.
    pub help: Option<String>,
    /// The filter's text (filled in by [`Filter::compile`]).
    pub src: String,
}

impl FilterError {
    pub(crate) fn new(msg: impl Into<String>, span: Span) -> FilterError {
        FilterError {
            msg: msg.into(),
            span,
            help: None,
            src: String::new(),
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> FilterError {
        self.help = Some(help.into());
        self
    }

    /// The column (in characters) where the caret starts, and how many
    /// characters it underlines.
    pub fn caret(&self) -> (usize, usize) {
        let (start, end) = (self.span.start, self.span.end);
        wiresift_wire::diag::caret(&self.src, start, end)
    }
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        wiresift_wire::diag::write_error(
            f,
            &self.msg,
            &self.src,
            (self.span.start, self.span.end),
            self.help.as_deref(),
        )
    }
}

impl std::error::Error for FilterError {}

pub(crate) use wiresift_wire::diag::edit_distance;

/// A compiled display filter.
#[derive(Debug)]
pub struct Filter {
    src: String,
    prog: compile::Node,
}

impl Filter {
    /// Parse and type-check `src` against the field registry.
    pub fn compile(src: &str) -> Result<Filter, FilterError> {
        let fill = |mut e: FilterError| {
            e.src = src.to_string();
            e
        };
        let tree = parse::parse(src).map_err(fill)?;
        let prog = compile::compile(&tree).map_err(fill)?;
        Ok(Filter {
            src: src.to_string(),
            prog,
        })
    }

    /// Does the dissected packet `d` pass the filter?
    pub fn matches(&self, d: &Dissection) -> bool {
        eval::test(&self.prog, d)
    }

    /// Whether the filter tests a conversation number (`tcp.stream`,
    /// `udp.stream`) anywhere.
    pub fn tests_stream_numbers(&self) -> bool {
        self.prog.any_field(&|f| f.is_stream_number())
    }

    /// The filter as written.
    pub fn source(&self) -> &str {
        &self.src
    }

    /// The parsed and type-checked program as an indented tree: fields with
    /// their types, literals converted.
    pub fn explain(&self) -> String {
        let mut out = String::new();
        compile::explain(&self.prog, 0, &mut out);
        out
    }
}
