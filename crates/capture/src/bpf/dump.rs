//! Print a program as `tcpdump -d` does (libpcap's `bpf_image`).

use super::op::*;
use super::SockFilter;
use std::fmt::Write;

/// One instruction, numbered `n`, in `tcpdump -d`'s format:
/// `(001) jeq      #0x800           jt 2\tjf 5`.
pub fn image(ins: &SockFilter, n: usize) -> String {
    let k = ins.k;
    let (op, operand): (&str, String) = match ins.code {
        c if c == RET | K => ("ret", format!("#{k}")),
        c if c == RET | A => ("ret", String::new()),
        c if c == LD | W | ABS && k == super::SKF_AD_OFF + super::SKF_AD_VLAN_TAG => {
            ("ld", "vlan_tci".into())
        }
        c if c == LD | W | ABS && k == super::SKF_AD_OFF + super::SKF_AD_VLAN_TAG_PRESENT => {
            ("ld", "vlan_avail".into())
        }
        c if c == LD | W | ABS => ("ld", format!("[{k}]")),
        c if c == LD | H | ABS => ("ldh", format!("[{k}]")),
        c if c == LD | B | ABS => ("ldb", format!("[{k}]")),
        c if c == LD | W | LEN => ("ld", "#pktlen".into()),
        c if c == LD | W | IND => ("ld", format!("[x + {k}]")),
        c if c == LD | H | IND => ("ldh", format!("[x + {k}]")),
        c if c == LD | B | IND => ("ldb", format!("[x + {k}]")),
        c if c == LD | IMM => ("ld", format!("#0x{k:x}")),
        c if c == LDX | IMM => ("ldx", format!("#0x{k:x}")),
        c if c == LDX | W | LEN => ("ldx", "#pktlen".into()),
        c if c == LDX | B | MSH => ("ldxb", format!("4*([{k}]&0xf)")),
        c if c == LD | MEM => ("ld", format!("M[{k}]")),
        c if c == LDX | MEM => ("ldx", format!("M[{k}]")),
        c if c == ST => ("st", format!("M[{k}]")),
        c if c == STX => ("stx", format!("M[{k}]")),
        c if c == JMP | JA => ("ja", format!("{}", (n as u64) + 1 + u64::from(k))),
        c if c == MISC | TAX => ("tax", String::new()),
        c if c == MISC | TXA => ("txa", String::new()),
        c if c == ALU | NEG => ("neg", String::new()),
        c if c & 0x07 == JMP => {
            let op = match c & 0xf0 {
                JGT => "jgt",
                JGE => "jge",
                JEQ => "jeq",
                JSET => "jset",
                _ => "unimp",
            };
            let operand = if c & X != 0 {
                "x".to_string()
            } else {
                format!("#0x{k:x}")
            };
            return format!(
                "({n:03}) {op:<8} {operand:<16} jt {}\tjf {}",
                n + 1 + usize::from(ins.jt),
                n + 1 + usize::from(ins.jf)
            );
        }
        c if c & 0x07 == ALU => {
            let (op, hex) = match c & 0xf0 {
                ADD => ("add", false),
                SUB => ("sub", false),
                MUL => ("mul", false),
                DIV => ("div", false),
                MOD => ("mod", false),
                AND => ("and", true),
                OR => ("or", true),
                XOR => ("xor", true),
                LSH => ("lsh", false),
                RSH => ("rsh", false),
                _ => ("unimp", false),
            };
            let operand = if c & X != 0 {
                "x".to_string()
            } else if hex {
                format!("#0x{k:x}")
            } else {
                format!("#{k}")
            };
            (op, operand)
        }
        c => ("unimp", format!("0x{c:x}")),
    };
    format!("({n:03}) {op:<8} {operand}")
}

/// The whole program, one instruction a line.
pub fn dump(prog: &[SockFilter]) -> String {
    let mut s = String::new();
    for (i, ins) in prog.iter().enumerate() {
        let _ = writeln!(s, "{}", image(ins, i));
    }
    s
}
