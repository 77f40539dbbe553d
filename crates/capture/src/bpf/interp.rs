//! A classic BPF interpreter, for running capture filters on packets read
//! from files. It follows the kernel's semantics: a load past the end of
//! the captured bytes, or a division by zero, ends the program with 0 (drop);
//! `len` is the packet's length on the wire. It never panics, whatever the
//! program: a jump out of the program or an unknown instruction also
//! returns 0. [`validate`] rejects such programs up front, as the kernel does.

use super::op::*;
use super::SockFilter;

/// Number of scratch memory words.
pub const MEMWORDS: usize = 16;

/// Why a program is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidProgram {
    /// The instruction at fault.
    pub at: usize,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl std::fmt::Display for InvalidProgram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid BPF program: instruction {}: {}",
            self.at, self.reason
        )
    }
}

impl std::error::Error for InvalidProgram {}

fn known(code: u16) -> bool {
    let class = code & 0x07;
    match class {
        LD => matches!(
            code,
            0x00 | 0x20 | 0x28 | 0x30 | 0x40 | 0x48 | 0x50 | 0x60 | 0x80
        ),
        LDX => matches!(code, 0x01 | 0x61 | 0x81 | 0xb1),
        ST | STX => code == class,
        ALU => {
            let op = code & 0xf0;
            op <= XOR
                && (op != NEG || code == ALU | NEG)
                && code & 0x07 == ALU
                && code & !0xf8 == ALU
        }
        JMP => matches!(
            code,
            0x05 | 0x15 | 0x1d | 0x25 | 0x2d | 0x35 | 0x3d | 0x45 | 0x4d
        ),
        RET => matches!(code, 0x06 | 0x16),
        MISC => matches!(code, 0x07 | 0x87),
        _ => false,
    }
}

/// Check a program as the kernel's `sk_chk_filter` does: not empty, at most
/// [`super::MAX_INSNS`] instructions, every instruction known, every jump
/// inside the program, scratch memory indices below 16, no division by a
/// constant zero, and a return as the last instruction.
pub fn validate(prog: &[SockFilter]) -> Result<(), InvalidProgram> {
    let bad = |at, reason| Err(InvalidProgram { at, reason });
    if prog.is_empty() {
        return bad(0, "empty program");
    }
    if prog.len() > super::MAX_INSNS {
        return bad(super::MAX_INSNS, "more than 4096 instructions");
    }
    let n = prog.len();
    for (i, ins) in prog.iter().enumerate() {
        if !known(ins.code) {
            return bad(i, "unknown instruction");
        }
        let class = ins.code & 0x07;
        match class {
            JMP => {
                let rest = n - i - 1;
                if ins.code == JMP | JA {
                    if ins.k as usize >= rest {
                        return bad(i, "jump out of the program");
                    }
                } else if usize::from(ins.jt) >= rest || usize::from(ins.jf) >= rest {
                    return bad(i, "jump out of the program");
                }
            }
            ST | STX if ins.k as usize >= MEMWORDS => {
                return bad(i, "scratch memory index out of range");
            }
            LD | LDX if ins.code & 0xe0 == MEM && ins.k as usize >= MEMWORDS => {
                return bad(i, "scratch memory index out of range");
            }
            ALU => {
                let op = ins.code & 0xf0;
                if (op == DIV || op == MOD) && ins.code & X == 0 && ins.k == 0 {
                    return bad(i, "division by zero");
                }
            }
            _ => {}
        }
    }
    if prog[n - 1].code & 0x07 != RET {
        return bad(n - 1, "the last instruction is not a return");
    }
    Ok(())
}

fn load(p: &[u8], off: u32, size: u16) -> Option<u32> {
    let o = off as usize;
    match size {
        B => p.get(o).map(|b| u32::from(*b)),
        H => p
            .get(o..o.checked_add(2)?)
            .map(|b| u32::from(u16::from_be_bytes([b[0], b[1]]))),
        _ => p
            .get(o..o.checked_add(4)?)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])),
    }
}

/// Run `prog` on a packet: `data` is the captured bytes, `wire_len` its
/// length on the wire. Returns the number of bytes to keep (0 = reject).
pub fn run(prog: &[SockFilter], data: &[u8], wire_len: u32) -> u32 {
    run_inner(prog, data, wire_len).unwrap_or(0)
}

fn run_inner(prog: &[SockFilter], p: &[u8], wire_len: u32) -> Option<u32> {
    let mut a: u32 = 0;
    let mut x: u32 = 0;
    let mut mem = [0u32; MEMWORDS];
    let mut pc: usize = 0;
    // Every jump is forward, so a program ends within len steps; the bound
    // is a guard all the same.
    for _ in 0..=prog.len() {
        let ins = *prog.get(pc)?;
        pc += 1;
        let k = ins.k;
        match ins.code & 0x07 {
            LD => {
                let size = ins.code & 0x18;
                a = match ins.code & 0xe0 {
                    IMM => k,
                    ABS => load(p, k, size)?,
                    IND => load(p, x.checked_add(k)?, size)?,
                    MEM => *mem.get(k as usize)?,
                    LEN => wire_len,
                    _ => return None,
                };
            }
            LDX => {
                x = match ins.code & 0xe0 {
                    IMM => k,
                    MEM => *mem.get(k as usize)?,
                    LEN => wire_len,
                    MSH => (load(p, k, B)? & 0xf) << 2,
                    _ => return None,
                };
            }
            ST => *mem.get_mut(k as usize)? = a,
            STX => *mem.get_mut(k as usize)? = x,
            ALU => {
                let v = if ins.code & X != 0 { x } else { k };
                a = match ins.code & 0xf0 {
                    ADD => a.wrapping_add(v),
                    SUB => a.wrapping_sub(v),
                    MUL => a.wrapping_mul(v),
                    DIV => a.checked_div(v)?,
                    MOD => a.checked_rem(v)?,
                    OR => a | v,
                    AND => a & v,
                    XOR => a ^ v,
                    LSH => a.checked_shl(v).unwrap_or(0),
                    RSH => a.checked_shr(v).unwrap_or(0),
                    NEG => a.wrapping_neg(),
                    _ => return None,
                };
            }
            JMP => {
                let v = if ins.code & X != 0 { x } else { k };
                let op = ins.code & 0xf0;
                if op == JA {
                    pc = pc.checked_add(k as usize)?;
                    continue;
                }
                let taken = match op {
                    JEQ => a == v,
                    JGT => a > v,
                    JGE => a >= v,
                    JSET => a & v != 0,
                    _ => return None,
                };
                pc += usize::from(if taken { ins.jt } else { ins.jf });
            }
            RET => {
                return Some(if ins.code & 0x18 == A { a } else { k });
            }
            MISC => {
                if ins.code & 0xf8 == TXA {
                    a = x;
                } else {
                    x = a;
                }
            }
            _ => return None,
        }
    }
    None
}
