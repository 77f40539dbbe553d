//! Code generation: a parsed capture filter to classic BPF, with the offsets
//! of the link type, as libpcap's `gencode.c` lays them out.

use super::op::*;
use super::parse::{ArOp, Arith, Dir, Expr, Net, Prim, Proto, RelOp, Span};
use super::{CompileError, SockFilter};
use crate::linktype;

/// How the link-layer header is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// Ethernet: type at 12, network layer at 14.
    Ether,
    /// Linux cooked v1: protocol at 14, network layer at 16.
    Sll,
    /// Raw IP, version in the first nibble (101).
    Raw,
    /// Raw IPv4 only (228).
    Ipv4,
    /// Raw IPv6 only (229).
    Ipv6,
    /// BSD loopback: 4-byte address family, in the file's byte order (0), or
    /// network order (108).
    Null { big_endian: bool },
}

/// A condition: straight-line code that ends in a conditional jump, or a
/// constant, or a combination.
#[derive(Debug, Clone)]
enum C {
    True,
    False,
    Test {
        pre: Vec<SockFilter>,
        code: u16,
        k: u32,
    },
    /// All of them, tested in order (n-ary, so that long chains do not
    /// make deep trees).
    And(Vec<C>),
    /// Any of them, tested in order.
    Or(Vec<C>),
    Not(Box<C>),
}

fn and(a: C, b: C) -> C {
    match (a, b) {
        (C::False, _) => C::False,
        (C::True, b) => b,
        (a, C::True) => a,
        (_, C::False) => C::False,
        (C::And(mut v), C::And(w)) => {
            v.extend(w);
            C::And(v)
        }
        (C::And(mut v), b) => {
            v.push(b);
            C::And(v)
        }
        (a, C::And(mut w)) => {
            w.insert(0, a);
            C::And(w)
        }
        (a, b) => C::And(vec![a, b]),
    }
}

fn or(a: C, b: C) -> C {
    match (a, b) {
        (C::True, _) => C::True,
        (C::False, b) => b,
        (a, C::False) => a,
        (_, C::True) => C::True,
        (C::Or(mut v), C::Or(w)) => {
            v.extend(w);
            C::Or(v)
        }
        (C::Or(mut v), b) => {
            v.push(b);
            C::Or(v)
        }
        (a, C::Or(mut w)) => {
            w.insert(0, a);
            C::Or(w)
        }
        (a, b) => C::Or(vec![a, b]),
    }
}

fn not(a: C) -> C {
    match a {
        C::True => C::False,
        C::False => C::True,
        C::Not(x) => *x,
        a => C::Not(Box::new(a)),
    }
}

fn ld(size: u8, k: u32) -> SockFilter {
    let sz = match size {
        1 => B,
        2 => H,
        _ => W,
    };
    SockFilter::stmt(LD | sz | ABS, k)
}

/// `[off] (& mask) == v`.
fn cmp(size: u8, off: u32, v: u32, mask: u32) -> C {
    let mut pre = vec![ld(size, off)];
    let full = match size {
        1 => 0xff,
        2 => 0xffff,
        _ => u32::MAX,
    };
    if mask & full != full {
        pre.push(SockFilter::stmt(ALU | AND | K, mask));
    }
    C::Test {
        pre,
        code: JMP | JEQ | K,
        k: v & mask,
    }
}

/// The code generator's state: link layout and the VLAN shift.
struct Gen {
    link: Link,
    link_type: u32,
    /// Bytes added to the link-type and network-layer offsets by each
    /// `vlan` seen so far (libpcap's behaviour: every primitive after a
    /// `vlan` looks inside the tag).
    shift: u32,
    /// Next free scratch memory slot.
    mem: u32,
    /// Whether the first `vlan` reads the kernel's metadata (live capture),
    /// and whether it has been used.
    vlan_meta: bool,
}

impl Gen {
    fn off_type(&self) -> u32 {
        match self.link {
            Link::Ether => 12 + self.shift,
            Link::Sll => 14,
            _ => 0,
        }
    }

    fn off_nl(&self) -> u32 {
        match self.link {
            Link::Ether => 14 + self.shift,
            Link::Sll => 16,
            Link::Null { .. } => 4,
            Link::Raw | Link::Ipv4 | Link::Ipv6 => 0,
        }
    }

    /// The packet carries ethertype `t` (libpcap's `gen_linktype`).
    fn ethertype(&self, t: u16) -> C {
        let t32 = u32::from(t);
        match self.link {
            Link::Ether | Link::Sll => cmp(2, self.off_type(), t32, 0xffff),
            Link::Raw => match t {
                0x0800 => cmp(1, 0, 0x40, 0xf0),
                0x86dd => cmp(1, 0, 0x60, 0xf0),
                _ => C::False,
            },
            Link::Ipv4 => {
                if t == 0x0800 {
                    C::True
                } else {
                    C::False
                }
            }
            Link::Ipv6 => {
                if t == 0x86dd {
                    C::True
                } else {
                    C::False
                }
            }
            Link::Null { big_endian } => {
                let fam = |af: u32| {
                    let v = if big_endian { af } else { af.swap_bytes() };
                    cmp(4, 0, v, u32::MAX)
                };
                match t {
                    0x0800 => fam(2),
                    // The BSDs' three values of AF_INET6, as libpcap tests.
                    0x86dd => or(or(fam(30), fam(24)), fam(28)),
                    _ => C::False,
                }
            }
        }
    }

    fn ip(&self) -> C {
        self.ethertype(0x0800)
    }

    fn ip6(&self) -> C {
        self.ethertype(0x86dd)
    }

    /// IPv4 protocol field == p.
    fn ip4_proto(&self, p: u8) -> C {
        and(self.ip(), cmp(1, self.off_nl() + 9, u32::from(p), 0xff))
    }

    /// IPv6 next header == p, or a fragment header followed by p
    /// (libpcap 1.10 follows one fragment header for `ip6 proto`, `tcp`, …;
    /// no other extension header).
    fn ip6_proto(&self, p: u8) -> C {
        let nl = self.off_nl();
        let direct = cmp(1, nl + 6, u32::from(p), 0xff);
        let frag = and(
            cmp(1, nl + 6, 44, 0xff),
            cmp(1, nl + 40, u32::from(p), 0xff),
        );
        and(self.ip6(), or(direct, frag))
    }

    /// IPv4, not a non-first fragment.
    fn ip4_first_frag(&self) -> C {
        not(C::Test {
            pre: vec![ld(2, self.off_nl() + 6)],
            code: JMP | JSET | K,
            k: 0x1fff,
        })
    }

    fn proto(&self, p: Proto) -> C {
        match p {
            Proto::Link => C::True,
            Proto::Ip => self.ip(),
            Proto::Ip6 => self.ip6(),
            Proto::Arp => self.ethertype(0x0806),
            Proto::Rarp => self.ethertype(0x8035),
            Proto::Tcp | Proto::Udp | Proto::Sctp => {
                let n = p.ip_proto().unwrap_or(0);
                or(self.ip4_proto(n), self.ip6_proto(n))
            }
            Proto::Ah | Proto::Esp | Proto::Pim => {
                let n = p.ip_proto().unwrap_or(0);
                or(self.ip4_proto(n), self.ip6_proto(n))
            }
            Proto::Icmp | Proto::Igmp | Proto::Vrrp | Proto::Carp | Proto::Igrp => {
                self.ip4_proto(p.ip_proto().unwrap_or(0))
            }
            Proto::Icmp6 => self.ip6_proto(58),
        }
    }

    fn dir(&self, dir: Dir, src: C, dst: C) -> C {
        match dir {
            Dir::Src => src,
            Dir::Dst => dst,
            Dir::Either => or(src, dst),
            Dir::Both => and(src, dst),
        }
    }

    fn net4(&self, proto: Proto, dir: Dir, addr: u32, mask: u32) -> C {
        let nl = self.off_nl();
        let (check, s, d) = match proto {
            Proto::Ip => (self.ip(), 12, 16),
            Proto::Arp => (self.ethertype(0x0806), 14, 24),
            _ => (self.ethertype(0x8035), 14, 24),
        };
        if matches!(check, C::False) {
            return C::False;
        }
        let s = cmp(4, nl + s, addr, mask);
        let d = cmp(4, nl + d, addr, mask);
        and(check, self.dir(dir, s, d))
    }

    fn net6(&self, dir: Dir, addr: [u8; 16], prefix: u32) -> C {
        let nl = self.off_nl();
        let side = |off: u32| {
            let mut c = C::True;
            for i in 0..4u32 {
                let bits = prefix.saturating_sub(32 * i).min(32);
                if bits == 0 {
                    break;
                }
                let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
                let j = (4 * i) as usize;
                let w = u32::from_be_bytes([addr[j], addr[j + 1], addr[j + 2], addr[j + 3]]);
                c = and(c, cmp(4, off + 4 * i, w, mask));
            }
            c
        };
        let ip6 = self.ip6();
        if matches!(ip6, C::False) {
            return C::False;
        }
        and(ip6, self.dir(dir, side(nl + 8), side(nl + 24)))
    }

    fn ether_host(&self, dir: Dir, mac: [u8; 6], span: Span) -> Result<C, CompileError> {
        if self.link != Link::Ether {
            return Err(self.unsupported("ethernet addresses", span));
        }
        let side = |off: u32| {
            let w = u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]);
            let h = u32::from(u16::from_be_bytes([mac[0], mac[1]]));
            and(cmp(4, off + 2, w, u32::MAX), cmp(2, off, h, 0xffff))
        };
        Ok(self.dir(dir, side(6), side(0)))
    }

    fn unsupported(&self, what: &str, span: Span) -> CompileError {
        CompileError::new(
            format!(
                "{what} are not supported on link type {} ({})",
                self.link_type,
                link_name(self.link_type)
            ),
            span,
        )
    }

    fn ports(&self, proto: Option<Proto>, dir: Dir, lo: u16, hi: u16) -> C {
        let protos: Vec<u8> = match proto {
            Some(p) => p.ip_proto().into_iter().collect(),
            None => vec![132, 6, 17],
        };
        let test = |pre: Vec<SockFilter>, off_code: SockFilter| -> C {
            let mut pre = pre;
            pre.push(off_code);
            if lo == hi {
                C::Test {
                    pre,
                    code: JMP | JEQ | K,
                    k: u32::from(lo),
                }
            } else {
                let ge = C::Test {
                    pre,
                    code: JMP | JGE | K,
                    k: u32::from(lo),
                };
                let gt = C::Test {
                    pre: vec![],
                    code: JMP | JGT | K,
                    k: u32::from(hi),
                };
                and(ge, not(gt))
            }
        };
        let nl = self.off_nl();
        // IPv4: protocol, first fragment only, ports after the header length.
        let any_of = |f: &dyn Fn(u8) -> C| protos.iter().fold(C::False, |acc, p| or(acc, f(*p)));
        let v4 = {
            let check = self.ip();
            if matches!(check, C::False) {
                C::False
            } else {
                let ps = any_of(&|p| cmp(1, nl + 9, u32::from(p), 0xff));
                let msh = SockFilter::stmt(LDX | B | MSH, nl);
                let s = test(vec![msh], SockFilter::stmt(LD | H | IND, nl));
                let d = test(vec![msh], SockFilter::stmt(LD | H | IND, nl + 2));
                and(
                    and(and(check, ps), self.ip4_first_frag()),
                    self.dir(dir, s, d),
                )
            }
        };
        // IPv6: the fixed next header only (libpcap follows no extension
        // header for ports).
        let v6 = {
            let check = self.ip6();
            if matches!(check, C::False) {
                C::False
            } else {
                let ps = any_of(&|p| cmp(1, nl + 6, u32::from(p), 0xff));
                let s = test(vec![], ld(2, nl + 40));
                let d = test(vec![], ld(2, nl + 42));
                and(and(check, ps), self.dir(dir, s, d))
            }
        };
        or(v4, v6)
    }

    fn vlan(&mut self, id: Option<u16>, span: Span) -> Result<C, CompileError> {
        if self.link != Link::Ether {
            return Err(self.unsupported("VLAN tags", span));
        }
        if self.vlan_meta {
            // Live capture: the tag is in the metadata, not in the packet.
            self.vlan_meta = false;
            let present = C::Test {
                pre: vec![ld(4, super::SKF_AD_OFF + super::SKF_AD_VLAN_TAG_PRESENT)],
                code: JMP | JEQ | K,
                k: 1,
            };
            return Ok(match id {
                Some(v) => and(
                    present,
                    C::Test {
                        pre: vec![
                            ld(4, super::SKF_AD_OFF + super::SKF_AD_VLAN_TAG),
                            SockFilter::stmt(ALU | AND | K, 0x0fff),
                        ],
                        code: JMP | JEQ | K,
                        k: u32::from(v),
                    },
                ),
                None => present,
            });
        }
        let t = self.off_type();
        let tpid = or(
            or(cmp(2, t, 0x8100, 0xffff), cmp(2, t, 0x88a8, 0xffff)),
            cmp(2, t, 0x9100, 0xffff),
        );
        let c = match id {
            Some(v) => and(tpid, cmp(2, t + 2, u32::from(v), 0x0fff)),
            None => tpid,
        };
        self.shift += 4;
        Ok(c)
    }

    fn prim(&mut self, p: &Prim, span: Span) -> Result<C, CompileError> {
        Ok(match p {
            Prim::Net { proto, dir, net } => match net {
                Net::V4 { addr, mask } => match proto {
                    Some(p) => self.net4(*p, *dir, *addr, *mask),
                    None => or(
                        self.net4(Proto::Ip, *dir, *addr, *mask),
                        or(
                            self.net4(Proto::Arp, *dir, *addr, *mask),
                            self.net4(Proto::Rarp, *dir, *addr, *mask),
                        ),
                    ),
                },
                Net::V6 { addr, prefix } => self.net6(*dir, *addr, *prefix),
            },
            Prim::EtherHost { dir, mac } => self.ether_host(*dir, *mac, span)?,
            Prim::Broadcast => self.ether_host(Dir::Dst, [0xff; 6], span)?,
            Prim::Multicast => {
                if self.link != Link::Ether {
                    return Err(self.unsupported("ethernet addresses", span));
                }
                C::Test {
                    pre: vec![ld(1, 0)],
                    code: JMP | JSET | K,
                    k: 1,
                }
            }
            Prim::IpMulticast { v6: false } => and(
                self.ip(),
                C::Test {
                    pre: vec![ld(1, self.off_nl() + 16)],
                    code: JMP | JGE | K,
                    k: 224,
                },
            ),
            Prim::IpMulticast { v6: true } => {
                and(self.ip6(), cmp(1, self.off_nl() + 24, 0xff, 0xff))
            }
            Prim::Port { proto, dir, lo, hi } => self.ports(*proto, *dir, *lo, *hi),
            Prim::Proto(p) => self.proto(*p),
            Prim::IpProto { ver, n } => match ver {
                Some(Proto::Ip) => self.ip4_proto(*n),
                Some(_) => self.ip6_proto(*n),
                None => or(self.ip4_proto(*n), self.ip6_proto(*n)),
            },
            Prim::EtherProto(t) => self.ethertype(*t),
            Prim::Vlan(id) => self.vlan(*id, span)?,
            Prim::Less(n) => not(C::Test {
                pre: vec![SockFilter::stmt(LD | W | LEN, 0)],
                code: JMP | JGT | K,
                k: *n,
            }),
            Prim::Greater(n) => C::Test {
                pre: vec![SockFilter::stmt(LD | W | LEN, 0)],
                code: JMP | JGE | K,
                k: *n,
            },
        })
    }

    fn expr(&mut self, e: &Expr) -> Result<C, CompileError> {
        Ok(match e {
            Expr::And(v) => {
                let mut c = C::True;
                for e in v {
                    let x = self.expr(e)?;
                    c = and(c, x);
                }
                c
            }
            Expr::Or(v) => {
                let mut c = C::False;
                for e in v {
                    let x = self.expr(e)?;
                    c = or(c, x);
                }
                c
            }
            Expr::Not(a) => not(self.expr(a)?),
            Expr::Prim(p, span) => self.prim(p, *span)?,
            Expr::Rel(op, l, r, span) => self.relation(*op, l, r, *span)?,
        })
    }

    /// The checks a load from `proto[…]` implies (libpcap: the protocol,
    /// and for tcp/udp/icmp/… IPv4 only and not a non-first fragment).
    fn load_check(&self, p: Proto) -> C {
        match p {
            Proto::Link => C::True,
            Proto::Ip => self.ip(),
            Proto::Ip6 => self.ip6(),
            Proto::Arp => self.ethertype(0x0806),
            Proto::Rarp => self.ethertype(0x8035),
            Proto::Icmp6 => and(self.ip6(), cmp(1, self.off_nl() + 6, 58, 0xff)),
            _ => and(
                self.ip4_proto(p.ip_proto().unwrap_or(0)),
                self.ip4_first_frag(),
            ),
        }
    }

    fn scratch(&mut self, span: Span) -> Result<u32, CompileError> {
        if self.mem >= 16 {
            return Err(CompileError::new(
                "expression too complex (more than 16 scratch values)",
                span,
            ));
        }
        self.mem += 1;
        Ok(self.mem - 1)
    }

    /// Code leaving the value of `a` in the accumulator; the checks of its
    /// loads are collected in `checks`.
    fn arith(
        &mut self,
        a: &Arith,
        out: &mut Vec<SockFilter>,
        checks: &mut Vec<(Proto, C)>,
        span: Span,
    ) -> Result<(), CompileError> {
        match a {
            Arith::Num(n) => out.push(SockFilter::stmt(LD | IMM, *n)),
            Arith::Len => out.push(SockFilter::stmt(LD | W | LEN, 0)),
            Arith::Neg(x) => {
                self.arith(x, out, checks, span)?;
                out.push(SockFilter::stmt(ALU | NEG, 0));
            }
            Arith::Load {
                proto,
                idx,
                size,
                span: lspan,
            } => {
                let sz = match size {
                    1 => B,
                    2 => H,
                    _ => W,
                };
                if !checks.iter().any(|(p, _)| p == proto) {
                    let c = self.load_check(*proto);
                    if matches!(c, C::False) {
                        return Err(CompileError::new(
                            format!(
                                "'{}' cannot occur on link type {} ({})",
                                proto.name(),
                                self.link_type,
                                link_name(self.link_type)
                            ),
                            *lspan,
                        ));
                    }
                    checks.push((*proto, c));
                }
                let nl = self.off_nl();
                let transport = !matches!(
                    proto,
                    Proto::Link | Proto::Ip | Proto::Ip6 | Proto::Arp | Proto::Rarp | Proto::Icmp6
                );
                let base = match proto {
                    Proto::Link => 0,
                    Proto::Icmp6 => nl + 40,
                    _ => nl,
                };
                let konst = match **idx {
                    Arith::Num(k) => Some(k),
                    _ => None,
                };
                match (konst, transport) {
                    (Some(k), false) => out.push(SockFilter::stmt(
                        LD | sz | ABS,
                        base.checked_add(k)
                            .ok_or_else(|| CompileError::new("offset too large", *lspan))?,
                    )),
                    (Some(k), true) => {
                        out.push(SockFilter::stmt(LDX | B | MSH, nl));
                        out.push(SockFilter::stmt(
                            LD | sz | IND,
                            base.checked_add(k)
                                .ok_or_else(|| CompileError::new("offset too large", *lspan))?,
                        ));
                    }
                    (None, false) => {
                        self.arith(idx, out, checks, span)?;
                        out.push(SockFilter::stmt(MISC | TAX, 0));
                        out.push(SockFilter::stmt(LD | sz | IND, base));
                    }
                    (None, true) => {
                        self.arith(idx, out, checks, span)?;
                        out.push(SockFilter::stmt(LDX | B | MSH, nl));
                        out.push(SockFilter::stmt(ALU | ADD | X, 0));
                        out.push(SockFilter::stmt(MISC | TAX, 0));
                        out.push(SockFilter::stmt(LD | sz | IND, base));
                    }
                }
            }
            Arith::Bin(..) => {
                // Walk the left spine without recursion, so that a long
                // chain (`a + b + c + …`) costs no stack; right operands are
                // nested only as deep as the parentheses.
                let mut spine = Vec::new();
                let mut cur = a;
                while let Arith::Bin(op, l, r) = cur {
                    spine.push((*op, &**r));
                    cur = l;
                }
                self.arith(cur, out, checks, span)?;
                for (op, r) in spine.into_iter().rev() {
                    self.apply(op, r, out, checks, span)?;
                }
            }
        }
        Ok(())
    }

    /// `A = A op r`.
    fn apply(
        &mut self,
        op: ArOp,
        r: &Arith,
        out: &mut Vec<SockFilter>,
        checks: &[(Proto, C)],
        span: Span,
    ) -> Result<(), CompileError> {
        let code = match op {
            ArOp::Add => ADD,
            ArOp::Sub => SUB,
            ArOp::Mul => MUL,
            ArOp::Div => DIV,
            ArOp::Mod => MOD,
            ArOp::And => AND,
            ArOp::Or => OR,
            ArOp::Xor => XOR,
            ArOp::Shl => LSH,
            ArOp::Shr => RSH,
        };
        if let Arith::Num(k) = *r {
            if k == 0 && matches!(op, ArOp::Div | ArOp::Mod) {
                return Err(CompileError::new(
                    if op == ArOp::Div {
                        "division by zero"
                    } else {
                        "modulus by zero"
                    },
                    span,
                ));
            }
            out.push(SockFilter::stmt(ALU | code | K, k));
            return Ok(());
        }
        // The left value (in A) into scratch memory, the right one into X
        // (its loads may use X), the left one back. libpcap (gencode.c
        // `gen_arth`) keeps only the protocol checks of the left operand:
        // `ip[8] - tcp[12]` tests ip, not tcp; we do the same, so that the
        // same packets pass.
        let m = self.scratch(span)?;
        out.push(SockFilter::stmt(ST, m));
        let mut dropped = checks.to_vec();
        self.arith(r, out, &mut dropped, span)?;
        out.push(SockFilter::stmt(MISC | TAX, 0));
        out.push(SockFilter::stmt(LD | MEM, m));
        out.push(SockFilter::stmt(ALU | code | X, 0));
        self.mem -= 1;
        Ok(())
    }

    fn relation(&mut self, op: RelOp, l: &Arith, r: &Arith, span: Span) -> Result<C, CompileError> {
        let mut pre = Vec::new();
        let mut checks = Vec::new();
        let (src, k) = if let Arith::Num(k) = r {
            self.arith(l, &mut pre, &mut checks, span)?;
            (K, *k)
        } else {
            self.arith(l, &mut pre, &mut checks, span)?;
            let m = self.scratch(span)?;
            pre.push(SockFilter::stmt(ST, m));
            self.arith(r, &mut pre, &mut checks, span)?;
            pre.push(SockFilter::stmt(MISC | TAX, 0));
            pre.push(SockFilter::stmt(LD | MEM, m));
            self.mem -= 1;
            (X, 0)
        };
        let test = |jop: u16| C::Test {
            pre: pre.clone(),
            code: JMP | jop | src,
            k,
        };
        let c = match op {
            RelOp::Gt => test(JGT),
            RelOp::Ge => test(JGE),
            RelOp::Eq => test(JEQ),
            RelOp::Ne => not(test(JEQ)),
            RelOp::Lt => not(test(JGE)),
            RelOp::Le => not(test(JGT)),
        };
        Ok(checks
            .into_iter()
            .rev()
            .fold(c, |acc, (_, chk)| and(chk, acc)))
    }
}

/// A name for a link type in messages.
pub fn link_name(lt: u32) -> &'static str {
    match lt {
        linktype::NULL => "BSD loopback",
        linktype::ETHERNET => "Ethernet",
        linktype::RAW => "raw IP",
        linktype::LOOP => "OpenBSD loopback",
        linktype::LINUX_SLL => "Linux cooked v1",
        linktype::LINUX_SLL2 => "Linux cooked v2",
        linktype::IPV4 => "raw IPv4",
        linktype::IPV6 => "raw IPv6",
        linktype::PPP => "PPP",
        linktype::IEEE802_11 => "802.11",
        linktype::IEEE802_11_RADIOTAP => "802.11 radiotap",
        linktype::USB_LINUX | linktype::USB_LINUX_MMAPPED => "Linux USB",
        linktype::NETLINK => "netlink",
        _ => "unknown",
    }
}

/// What the compiler needs to know about the packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The link type (`DLT_`/`LINKTYPE_` value).
    pub link_type: u32,
    /// What an accepting program returns (bytes to keep).
    pub snaplen: u32,
    /// For link type 0 (BSD loopback), whose 4-byte address family is in
    /// the byte order of the machine that wrote the file: whether that was
    /// big-endian (libpcap takes the file's byte order).
    pub null_big_endian: bool,
    /// Live capture on Linux: the kernel has taken the (outer) VLAN tag
    /// off the packet the filter sees and keeps it in the socket buffer's
    /// metadata. The first `vlan` then tests that metadata (the kernel's
    /// BPF extensions `vlan_avail` and `vlan_tci`, as libpcap does on live
    /// captures) and shifts no offsets. Programs compiled so are for the
    /// kernel only: our interpreter rejects packets at such loads.
    pub vlan_in_metadata: bool,
}

impl Target {
    /// A target of link type `link_type`, keeping 262144 bytes, little-endian.
    pub fn new(link_type: u32) -> Target {
        Target {
            link_type,
            snaplen: 262_144,
            null_big_endian: false,
            vlan_in_metadata: false,
        }
    }
}

fn link_of(t: &Target) -> Option<Link> {
    Some(match t.link_type {
        linktype::ETHERNET => Link::Ether,
        linktype::LINUX_SLL => Link::Sll,
        linktype::RAW => Link::Raw,
        // 14 is DLT_RAW on some BSDs, 12 on OpenBSD: both are raw IP.
        12 | 14 => Link::Raw,
        linktype::IPV4 => Link::Ipv4,
        linktype::IPV6 => Link::Ipv6,
        linktype::NULL => Link::Null {
            big_endian: t.null_big_endian,
        },
        linktype::LOOP => Link::Null { big_endian: true },
        _ => return None,
    })
}

/// The link types capture filters support.
pub const SUPPORTED_LINK_TYPES: &[u32] = &[0, 1, 101, 108, 113, 228, 229];

pub(crate) fn generate(
    e: Option<&Expr>,
    t: &Target,
    src: &str,
) -> Result<Vec<SockFilter>, CompileError> {
    let Some(link) = link_of(t) else {
        return Err(CompileError::new(
            format!(
                "capture filters are not supported on link type {} ({}); supported: Ethernet (1), raw IP (101, 228, 229), Linux cooked v1 (113), BSD loopback (0, 108)",
                t.link_type,
                link_name(t.link_type)
            ),
            (0, src.len()),
        ));
    };
    let Some(e) = e else {
        return Ok(super::accept_all(t.snaplen));
    };
    let mut g = Gen {
        link,
        link_type: t.link_type,
        shift: 0,
        mem: 0,
        vlan_meta: t.vlan_in_metadata,
    };
    let c = g.expr(e)?;
    if matches!(c, C::False) {
        return Err(CompileError::new(
            format!(
                "expression rejects all packets on link type {} ({})",
                t.link_type,
                link_name(t.link_type)
            ),
            (0, src.len()),
        ));
    }
    if matches!(c, C::True) {
        return Ok(super::accept_all(t.snaplen));
    }
    let prog = emit(&c, t.snaplen);
    if prog.len() > super::MAX_INSNS {
        return Err(CompileError::new(
            format!(
                "the program has {} instructions, more than the kernel's {}",
                prog.len(),
                super::MAX_INSNS
            ),
            (0, src.len()),
        ));
    }
    Ok(prog)
}

/// Instructions with symbolic jump targets.
#[derive(Debug, Clone, Copy)]
enum I {
    S(SockFilter),
    J {
        code: u16,
        k: u32,
        t: usize,
        f: usize,
    },
    Ja(usize),
    Label(usize),
}

struct Emitter {
    code: Vec<I>,
    labels: usize,
}

impl Emitter {
    fn label(&mut self) -> usize {
        self.labels += 1;
        self.labels - 1
    }

    fn cond(&mut self, c: &C, t: usize, f: usize) {
        match c {
            C::True => self.code.push(I::Ja(t)),
            C::False => self.code.push(I::Ja(f)),
            C::Test { pre, code, k } => {
                self.code.extend(pre.iter().map(|s| I::S(*s)));
                self.code.push(I::J {
                    code: *code,
                    k: *k,
                    t,
                    f,
                });
            }
            C::And(v) => {
                for (i, x) in v.iter().enumerate() {
                    if i + 1 == v.len() {
                        self.cond(x, t, f);
                    } else {
                        let m = self.label();
                        self.cond(x, m, f);
                        self.code.push(I::Label(m));
                    }
                }
            }
            C::Or(v) => {
                for (i, x) in v.iter().enumerate() {
                    if i + 1 == v.len() {
                        self.cond(x, t, f);
                    } else {
                        let m = self.label();
                        self.cond(x, t, m);
                        self.code.push(I::Label(m));
                    }
                }
            }
            C::Not(a) => self.cond(a, f, t),
        }
    }
}

/// Lay the program out: resolve labels, drop jumps to the next
/// instruction, and turn conditional jumps farther than 255 into a short
/// jump over two unconditional ones.
fn emit(c: &C, snaplen: u32) -> Vec<SockFilter> {
    let mut e = Emitter {
        code: Vec::new(),
        labels: 0,
    };
    let t = e.label();
    let f = e.label();
    e.cond(c, t, f);
    e.code.push(I::Label(t));
    e.code.push(I::S(SockFilter::stmt(RET | K, snaplen)));
    e.code.push(I::Label(f));
    e.code.push(I::S(SockFilter::stmt(RET | K, 0)));
    // Drop `ja L` when only labels stand between it and L.
    let mut code: Vec<I> = Vec::with_capacity(e.code.len());
    for (i, ins) in e.code.iter().enumerate() {
        if let I::Ja(l) = ins {
            let falls = e.code[i + 1..]
                .iter()
                .take_while(|x| matches!(x, I::Label(_)))
                .any(|x| matches!(x, I::Label(m) if m == l));
            if falls {
                continue;
            }
        }
        code.push(*ins);
    }
    let mut long = vec![false; code.len()];
    loop {
        // Positions of instructions and labels.
        let mut pos = vec![0usize; code.len()];
        let mut label_pos = vec![0usize; e.labels];
        let mut n = 0;
        for (i, ins) in code.iter().enumerate() {
            pos[i] = n;
            match ins {
                I::Label(l) => label_pos[*l] = n,
                I::J { .. } if long[i] => n += 3,
                _ => n += 1,
            }
        }
        let mut changed = false;
        for (i, ins) in code.iter().enumerate() {
            if let I::J { t, f, .. } = ins {
                if !long[i] {
                    let jt = label_pos[*t] - pos[i] - 1;
                    let jf = label_pos[*f] - pos[i] - 1;
                    if jt > 255 || jf > 255 {
                        long[i] = true;
                        changed = true;
                    }
                }
            }
        }
        if changed {
            continue;
        }
        let mut out = Vec::with_capacity(n);
        for (i, ins) in code.iter().enumerate() {
            let here = pos[i];
            match ins {
                I::Label(_) => {}
                I::S(s) => out.push(*s),
                I::Ja(l) => out.push(SockFilter::stmt(
                    JMP | JA,
                    (label_pos[*l] - here - 1) as u32,
                )),
                I::J { code, k, t, f } if long[i] => {
                    out.push(SockFilter::jump(*code, *k, 0, 1));
                    out.push(SockFilter::stmt(
                        JMP | JA,
                        (label_pos[*t] - here - 2) as u32,
                    ));
                    out.push(SockFilter::stmt(
                        JMP | JA,
                        (label_pos[*f] - here - 3) as u32,
                    ));
                }
                I::J { code, k, t, f } => out.push(SockFilter::jump(
                    *code,
                    *k,
                    (label_pos[*t] - here - 1) as u8,
                    (label_pos[*f] - here - 1) as u8,
                )),
            }
        }
        return out;
    }
}
