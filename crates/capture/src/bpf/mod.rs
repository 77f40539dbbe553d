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
        let (start, end) = self.span;
        wiresift_wire::diag::caret(&self.src, start, end)
    }
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        wiresift_wire::diag::write_error(f, &self.msg, &self.src, self.span, self.help.as_deref())
    }
}

impl std::error::Error for CompileError {}

pub(crate) use wiresift_wire::diag::edit_distance;

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
