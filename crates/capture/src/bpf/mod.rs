//! Classic BPF: instructions as the kernel's `SO_ATTACH_FILTER` takes them,
//! a compiler of tcpdump/libpcap capture filters (`pcap-filter(7)`) to them,
//! an interpreter of ours, and a printer in `tcpdump -d`'s format.
//!
//! [`compile`] produces a `Vec<SockFilter>`; live capture attaches it with
//! `LiveCapture::attach_filter` (the kernel runs it), files run it through
//! [`interp::run`]. The program's return value is the number of bytes of
//! the packet to keep (0 = drop it).
//!
//! ```
//! use wiresift_capture::bpf::{self, Target};
//! let prog = bpf::compile("tcp port 80 and not host 10.0.0.1", &Target::new(1)).unwrap();
//! bpf::validate(&prog).unwrap();
//! assert_eq!(bpf::interp::run(&prog, &[0u8; 60], 60), 0);
//! println!("{}", bpf::dump::dump(&prog));
//! ```

mod compile;
pub mod dump;
pub mod interp;
mod parse;

pub use compile::{link_name, Target, SUPPORTED_LINK_TYPES};
pub use interp::validate;

/// Where the Linux kernel's BPF extensions start (`SKF_AD_OFF`, -0x1000):
/// loads from offsets at or above it read socket-buffer metadata.
pub const SKF_AD_OFF: u32 = 0xffff_f000;
/// `SKF_AD_VLAN_TAG`: the VLAN TCI the kernel took off the packet.
pub const SKF_AD_VLAN_TAG: u32 = 44;
/// `SKF_AD_VLAN_TAG_PRESENT`: 1 if there was a tag.
pub const SKF_AD_VLAN_TAG_PRESENT: u32 = 48;

/// The kernel's limit on the length of a classic BPF program.
pub const MAX_INSNS: usize = 4096;

/// Compile a capture filter in libpcap's syntax for packets of `target`'s
/// link type. An empty (or all-blank) filter accepts every packet.
pub fn compile(expr: &str, target: &Target) -> Result<Vec<SockFilter>, CompileError> {
    let with_src = |mut e: CompileError| {
        e.src = expr.to_string();
        e
    };
    let ast = parse::Parser::new(expr)
        .and_then(parse::Parser::parse)
        .map_err(with_src)?;
    compile::generate(ast.as_ref(), target, expr).map_err(with_src)
}

/// A capture filter that does not compile: what is wrong, where, and a hint.
/// Its `Display` shows the filter with a caret under the place:
///
/// ```text
/// expected an address, a number or a keyword, found 'prot'
///     tcp prot 80
///         ^~~~
///     did you mean port?
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// What is wrong.
    pub msg: String,
    /// The byte range of the filter text it is about.
    pub span: (usize, usize),
    /// A suggestion, if there is one.
    pub help: Option<String>,
    /// The filter's text.
    pub src: String,
}

impl CompileError {
    pub(crate) fn new(msg: impl Into<String>, span: (usize, usize)) -> CompileError {
        CompileError {
            msg: msg.into(),
            span,
            help: None,
            src: String::new(),
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> CompileError {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn with_help_if_none(self, help: &str) -> CompileError {
        if self.help.is_some() {
            self
        } else {
            self.with_help(help)
        }
    }

    /// The column (in characters) where the caret starts, and how many
    /// characters it underlines.
    pub fn caret(&self) -> (usize, usize) {
        let clamp = |i: usize| {
            let mut i = i.min(self.src.len());
            while !self.src.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = clamp(self.span.0);
        let end = clamp(self.span.1.max(self.span.0));
        let col = self.src[..start].chars().count();
        let width = self.src[start..end].chars().count().max(1);
        (col, width)
    }
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.msg)?;
        if !self.src.is_empty() {
            let (col, width) = self.caret();
            let src: String = self
                .src
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            write!(
                f,
                "\n    {src}\n    {}^{}",
                " ".repeat(col),
                "~".repeat(width - 1)
            )?;
        }
        if let Some(h) = &self.help {
            write!(f, "\n    {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CompileError {}

/// Edit distance counting a swap of two neighbours as one edit (optimal
/// string alignment), for suggestions: `prot` is one edit from `port`.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, x) in d.iter_mut().enumerate().take(w) {
        *x = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// One classic BPF instruction (`struct sock_filter` of `<linux/filter.h>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(C)]
pub struct SockFilter {
    /// Operation: class | size | mode, or class | op | source.
    pub code: u16,
    /// Jump offset when the condition is true.
    pub jt: u8,
    /// Jump offset when the condition is false.
    pub jf: u8,
    /// Constant operand.
    pub k: u32,
}

/// Instruction classes and fields (`<linux/bpf_common.h>`).
#[allow(missing_docs)]
pub mod op {
    pub const LD: u16 = 0x00;
    pub const LDX: u16 = 0x01;
    pub const ST: u16 = 0x02;
    pub const STX: u16 = 0x03;
    pub const ALU: u16 = 0x04;
    pub const JMP: u16 = 0x05;
    pub const RET: u16 = 0x06;
    pub const MISC: u16 = 0x07;
    pub const W: u16 = 0x00;
    pub const H: u16 = 0x08;
    pub const B: u16 = 0x10;
    pub const IMM: u16 = 0x00;
    pub const ABS: u16 = 0x20;
    pub const IND: u16 = 0x40;
    pub const MEM: u16 = 0x60;
    pub const LEN: u16 = 0x80;
    pub const MSH: u16 = 0xa0;
    pub const ADD: u16 = 0x00;
    pub const SUB: u16 = 0x10;
    pub const MUL: u16 = 0x20;
    pub const DIV: u16 = 0x30;
    pub const OR: u16 = 0x40;
    pub const AND: u16 = 0x50;
    pub const LSH: u16 = 0x60;
    pub const RSH: u16 = 0x70;
    pub const NEG: u16 = 0x80;
    pub const MOD: u16 = 0x90;
    pub const XOR: u16 = 0xa0;
    pub const JA: u16 = 0x00;
    pub const JEQ: u16 = 0x10;
    pub const JGT: u16 = 0x20;
    pub const JGE: u16 = 0x30;
    pub const JSET: u16 = 0x40;
    pub const K: u16 = 0x00;
    pub const X: u16 = 0x08;
    pub const A: u16 = 0x10;
    pub const TAX: u16 = 0x00;
    pub const TXA: u16 = 0x80;
}

impl SockFilter {
    /// A non-jump instruction (`BPF_STMT`).
    pub const fn stmt(code: u16, k: u32) -> SockFilter {
        SockFilter {
            code,
            jt: 0,
            jf: 0,
            k,
        }
    }

    /// A conditional jump (`BPF_JUMP`).
    pub const fn jump(code: u16, k: u32, jt: u8, jf: u8) -> SockFilter {
        SockFilter { code, jt, jf, k }
    }
}

/// A one-instruction program that keeps the first `snaplen` bytes of every
/// packet.
pub fn accept_all(snaplen: u32) -> Vec<SockFilter> {
    vec![SockFilter::stmt(op::RET | op::K, snaplen)]
}
