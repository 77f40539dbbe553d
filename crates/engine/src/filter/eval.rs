//! Running a compiled filter on one dissected packet.
//!
//! Values are produced by callbacks (`each`), so a field that occurs several
//! times is walked without collecting it, and a relation stops at the first
//! occurrence that decides it. Fields are found by protocol and position
//! (resolved at compile time); nothing is allocated for integer, address,
//! byte and string comparisons. Only `lower()`/`upper()`, slices that join
//! several ranges and `frame.protocols` build values of their own.

use super::compile::{Const, Expr, FieldSel, Node, Pred, Ty};
use super::parse::{ArithOp, RangeNode};
use crate::dissect::Dissection;
use std::cmp::Ordering;
use std::ops::Range;
use wiresift_wire::field::Value;
use wiresift_wire::Layer;

/// One value during evaluation.
#[derive(Clone, Debug)]
pub(crate) enum Val<'e> {
    Int(i128),
    Bool(bool),
    Ipv4(u32, u32),
    Ipv6([u8; 16], u8),
    Ether([u8; 6]),
    /// Byte strings and protocol bytes (ordered by length, then bytes).
    Bytes(&'e [u8]),
    /// Text (ordered byte by byte).
    Str(&'e [u8]),
    /// A few bytes of our own (a slice of an address).
    Small([u8; 16], u8),
    /// Bytes of our own; `true` for text.
    Owned(Vec<u8>, bool),
    /// Nanoseconds.
    Time(i128),
    Float(f64),
    Never,
    Present,
}

impl Val<'_> {
    fn bytes(&self) -> Option<&[u8]> {
        match self {
            Val::Bytes(b) | Val::Str(b) => Some(b),
            Val::Small(b, n) => Some(&b[..usize::from(*n)]),
            Val::Owned(v, _) => Some(v),
            Val::Ether(m) => Some(m),
            _ => None,
        }
    }

    fn is_text(&self) -> bool {
        matches!(self, Val::Str(_) | Val::Owned(_, true))
    }

    /// Bytes an address is made of, for slicing.
    fn address_bytes(&self) -> Option<([u8; 16], usize)> {
        let mut b = [0u8; 16];
        match self {
            Val::Ipv4(a, _) => {
                b[..4].copy_from_slice(&a.to_be_bytes());
                Some((b, 4))
            }
            Val::Ipv6(a, _) => Some((*a, 16)),
            _ => None,
        }
    }
}

impl Const {
    fn val(&self) -> Val<'_> {
        match self {
            Const::Int(n) => Val::Int(*n),
            Const::Bool(b) => Val::Bool(*b),
            Const::Ipv4(a, m) => Val::Ipv4(*a, *m),
            Const::Ipv6(a, p) => Val::Ipv6(*a, *p),
            Const::Ether(m) => Val::Ether(*m),
            Const::Bytes(b) => Val::Bytes(b),
            Const::Str(b) => Val::Str(b),
            Const::Time(t) => Val::Time(*t),
            Const::Float(f) => Val::Float(*f),
            Const::Never => Val::Never,
        }
    }
}

/// A field's value as a filter value, by the field's type.
#[inline]
fn to_val(v: Value<'_>, ty: Ty) -> Val<'_> {
    match v {
        // A text field whose value is not text (`ip.src_host` holds the
        // address): compare its text form, as tshark shows it.
        Value::UInt(_)
        | Value::Int(_)
        | Value::Bool(_)
        | Value::Ipv4(_)
        | Value::Ipv6(_)
        | Value::Ether(_)
        | Value::Time { .. }
        | Value::Float(_)
            if ty == Ty::Str =>
        {
            let mut s = String::new();
            v.write_tshark(wiresift_wire::field::Kind::Str, &mut s);
            Val::Owned(s.into_bytes(), true)
        }
        Value::UInt(n) if ty == Ty::Bool => Val::Bool(n != 0),
        Value::UInt(n) => Val::Int(i128::from(n)),
        Value::Int(n) => Val::Int(i128::from(n)),
        Value::Bool(b) if ty == Ty::Bool => Val::Bool(b),
        Value::Bool(b) => Val::Int(i128::from(b)),
        Value::Ipv4(a) => Val::Ipv4(u32::from_be_bytes(a), u32::MAX),
        Value::Ipv6(a) => Val::Ipv6(a, 128),
        Value::Ether(m) => Val::Ether(m),
        Value::Bytes(b) if ty == Ty::Str => Val::Str(b),
        Value::Bytes(b) => Val::Bytes(b),
        Value::Str(s) if ty == Ty::Bytes => Val::Bytes(s),
        Value::Str(s) => Val::Str(s),
        Value::Static(s) => Val::Str(s.as_bytes()),
        Value::Time { secs, nanos } => {
            Val::Time(i128::from(secs) * 1_000_000_000 + i128::from(nanos))
        }
        Value::Float(f) => Val::Float(f),
        Value::Present => Val::Present,
        // A compressed name has no contiguous bytes: compare its text.
        Value::DnsName { .. } => {
            let mut s = String::new();
            v.write_tshark(wiresift_wire::field::Kind::Str, &mut s);
            Val::Owned(s.into_bytes(), true)
        }
    }
}

/// Evaluate a test.
pub(crate) fn test(n: &Node, d: &Dissection) -> bool {
    match n {
        Node::And(a, b) => test(a, d) && test(b, d),
        Node::Or(a, b) => test(a, d) || test(b, d),
        Node::Xor(a, b) => test(a, d) != test(b, d),
        Node::Not(a) => !test(a, d),
        Node::FieldCmp {
            pred,
            all,
            field,
            k,
        } => {
            let k = k.val();
            let (mut seen, mut hit, mut miss) = (false, false, false);
            each_field(field, d, &mut |v, _| {
                seen = true;
                if holds(*pred, &to_val(v, field.ty), &k) {
                    hit = true;
                    *all
                } else {
                    miss = true;
                    !*all
                }
            });
            if *all {
                seen && !miss
            } else {
                hit
            }
        }
        Node::Cmp {
            pred,
            all,
            lhs,
            rhs,
        } => quantify(*all, lhs, d, &mut |a| {
            // Against every value of the other side: any pair, or all pairs.
            let (mut seen, mut hit, mut miss) = (false, false, false);
            each(rhs, d, &mut |b| {
                seen = true;
                if holds(*pred, &a, &b) {
                    hit = true;
                    *all
                } else {
                    miss = true;
                    !*all
                }
            });
            if *all {
                seen && !miss
            } else {
                hit
            }
        }),
        Node::Exists(e) => exists(e, d),
        Node::Truthy(e) => {
            let mut yes = false;
            each(e, d, &mut |v| {
                yes = truthy(&v);
                !yes
            });
            yes
        }
        Node::Contains { all, lhs, rhs } => quantify(*all, lhs, d, &mut |a| {
            let Some(hay) = a.bytes() else { return false };
            let mut found = false;
            each(rhs, d, &mut |b| {
                if let Some(needle) = b.bytes() {
                    found = contains(hay, needle);
                }
                !found
            });
            found
        }),
        Node::Matches { all, lhs, re, .. } => quantify(*all, lhs, d, &mut |a| {
            a.bytes().is_some_and(|b| re.is_match(b))
        }),
        Node::In { all, lhs, set } => quantify(*all, lhs, d, &mut |a| {
            set.iter().any(|(lo, hi)| match hi {
                None => some(lo, d, |b| holds(Pred::Eq, &a, b)),
                Some(hi) => {
                    some(lo, d, |b| holds(Pred::Ge, &a, b))
                        && some(hi, d, |b| holds(Pred::Le, &a, b))
                }
            })
        }),
    }
}

/// Does some value of `e` satisfy `f`?
fn some(e: &Expr, d: &Dissection, f: impl Fn(&Val) -> bool) -> bool {
    let mut yes = false;
    each(e, d, &mut |v| {
        yes = f(&v);
        !yes
    });
    yes
}

/// `f` holds for some value of `e` (`all == false`), or for every value
/// and there is at least one (`all == true`).
fn quantify(all: bool, e: &Expr, d: &Dissection, f: &mut dyn FnMut(Val) -> bool) -> bool {
    let (mut seen, mut hit, mut miss) = (false, false, false);
    each(e, d, &mut |v| {
        seen = true;
        if f(v) {
            hit = true;
            all
        } else {
            miss = true;
            !all
        }
    });
    if all {
        seen && !miss
    } else {
        hit
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    if needle.is_empty() {
        return true;
    }
    if needle.len() > hay.len() {
        return false;
    }
    let first = needle[0];
    hay.windows(needle.len())
        .any(|w| w[0] == first && w == needle)
}

fn truthy(v: &Val) -> bool {
    match v {
        Val::Int(n) => *n != 0,
        Val::Bool(b) => *b,
        Val::Time(t) => *t != 0,
        Val::Float(f) => *f != 0.0,
        Val::Never => false,
        v => v.bytes().is_none_or(|b| b.iter().any(|&x| x != 0)),
    }
}

/// Is `pred(a, b)` true?
fn holds(pred: Pred, a: &Val, b: &Val) -> bool {
    if matches!(a, Val::Never) || matches!(b, Val::Never) {
        return pred == Pred::Ne;
    }
    let o = order(a, b);
    match pred {
        Pred::Eq => o == Some(Ordering::Equal),
        Pred::Ne => o != Some(Ordering::Equal),
        Pred::Lt => o == Some(Ordering::Less),
        Pred::Le => matches!(o, Some(Ordering::Less | Ordering::Equal)),
        Pred::Gt => o == Some(Ordering::Greater),
        Pred::Ge => matches!(o, Some(Ordering::Greater | Ordering::Equal)),
    }
}

fn order(a: &Val, b: &Val) -> Option<Ordering> {
    Some(match (a, b) {
        (Val::Int(x), Val::Int(y)) => x.cmp(y),
        (Val::Bool(x), Val::Bool(y)) => x.cmp(y),
        (Val::Int(x), Val::Bool(y)) => x.cmp(&i128::from(*y)),
        (Val::Bool(x), Val::Int(y)) => i128::from(*x).cmp(y),
        (Val::Ipv4(x, mx), Val::Ipv4(y, my)) => {
            let m = mx & my;
            (x & m).cmp(&(y & m))
        }
        (Val::Ipv6(x, px), Val::Ipv6(y, py)) => {
            let p = (*px).min(*py);
            let mask = |a: &[u8; 16]| {
                let mut out = *a;
                for (i, byte) in out.iter_mut().enumerate() {
                    let bits = (usize::from(p)).saturating_sub(i * 8).min(8);
                    *byte &= if bits == 0 { 0 } else { 0xffu8 << (8 - bits) };
                }
                out
            };
            mask(x).cmp(&mask(y))
        }
        (Val::Time(x), Val::Time(y)) => x.cmp(y),
        (Val::Float(x), Val::Float(y)) => x.partial_cmp(y)?,
        (Val::Int(x), Val::Float(y)) => (*x as f64).partial_cmp(y)?,
        (Val::Float(x), Val::Int(y)) => x.partial_cmp(&(*y as f64))?,
        (Val::Present, Val::Present) => Ordering::Equal,
        _ => {
            let (x, y) = (a.bytes()?, b.bytes()?);
            if a.is_text() && b.is_text() {
                x.cmp(y)
            } else {
                // Wireshark orders byte strings by length first.
                x.len().cmp(&y.len()).then_with(|| x.cmp(y))
            }
        }
    })
}

/// Is the expression there at all?
fn exists(e: &Expr, d: &Dissection) -> bool {
    match e {
        Expr::Field(sel) if sel.protocols => d.frame().is_some(),
        Expr::Field(sel) => {
            let mut yes = false;
            each_field(sel, d, &mut |_, _| {
                yes = true;
                false
            });
            yes
        }
        Expr::Proto(sel) => {
            let mut yes = false;
            each_layer(sel, d, &mut |_, _| {
                yes = true;
                false
            });
            yes
        }
        e => {
            let mut yes = false;
            each(e, d, &mut |_| {
                yes = true;
                false
            });
            yes
        }
    }
}

/// Call `f` for each layer of the selection's protocol(s) (respecting `#`
/// layer ranges), with its index in the dissection and the field's
/// position in that protocol's table. Stops when `f` says `false`.
#[inline]
fn each_layer(sel: &FieldSel, d: &Dissection, f: &mut dyn FnMut(usize, Option<usize>) -> bool) {
    let mut nth = 0i64;
    for (i, e) in d.layers.iter().enumerate() {
        let p = e.layer.proto();
        let Some(&(_, idx)) = sel.refs.iter().find(|(q, _)| *q == p) else {
            continue;
        };
        if let Some(layers) = &sel.layers {
            nth += 1;
            if !in_layers(nth, layers) {
                continue;
            }
        }
        if !f(i, idx) {
            return;
        }
    }
}

fn in_layers(n: i64, layers: &[RangeNode]) -> bool {
    layers.iter().any(|r| match *r {
        RangeNode::StartLen {
            start,
            len: Some(l),
        } => n >= start && n < start + l,
        RangeNode::StartLen { start, len: None } => n >= start,
        RangeNode::StartEnd { start, end } => n >= start && n <= end,
    })
}

/// Call `f` for each occurrence of a field, with its byte range in its
/// layer. Stops when `f` says `false`.
#[inline]
fn each_field<'p>(
    sel: &FieldSel,
    d: &Dissection<'p>,
    f: &mut dyn FnMut(Value<'p>, Range<usize>) -> bool,
) {
    each_layer(sel, d, &mut |i, idx| {
        let Some(idx) = idx else { return true };
        let mut go = true;
        d.layers[i]
            .layer
            .field(idx, &mut |v: Value<'p>, r: Range<usize>| {
                if go {
                    go = f(v, r);
                }
            });
        go
    });
}

/// The bytes a protocol layer spans, as Wireshark sees them: from its
/// start to the end of the enclosing IP datagram (or of the frame). `None`
/// for layers dissected from a reassembled datagram, which are not in the
/// frame's bytes.
fn proto_bytes<'p>(d: &Dissection<'p>, i: usize) -> Option<&'p [u8]> {
    let frame = d.frame()?.bytes;
    let e = d.layers.get(i)?;
    if e.reassembled {
        return None;
    }
    let mut end = frame.len();
    for prior in d.layers.iter().take(i + 1).filter(|p| !p.reassembled) {
        let len = match &prior.layer {
            Layer::Ip(v) => v.total_len(),
            Layer::Ipv6(v) if v.wire_payload_len() > 0 => 40 + v.wire_payload_len(),
            _ => continue,
        };
        end = end.min(prior.offset.saturating_add(len));
    }
    let start = if matches!(e.layer, Layer::Frame(_)) {
        0
    } else {
        e.offset
    };
    frame.get(start..end.max(start))
}

/// The bytes of slice `r` of a value `len` bytes long; `None` when the
/// range is not inside the value.
fn range(r: &RangeNode, len: usize) -> Option<Range<usize>> {
    let len_i = i64::try_from(len).ok()?;
    let at = |i: i64| if i < 0 { len_i + i } else { i };
    let (s, e) = match *r {
        RangeNode::StartLen {
            start,
            len: Some(l),
        } => {
            let s = at(start);
            (s, s.checked_add(l)?)
        }
        RangeNode::StartLen { start, len: None } => (at(start), len_i),
        RangeNode::StartEnd { start, end } => (at(start), at(end).checked_add(1)?),
    };
    if s < 0 || s >= len_i || e > len_i || e <= s {
        return None;
    }
    Some(s as usize..e as usize)
}

/// Call `f` for every value of `e`; stops when `f` says `false`.
pub(crate) fn each<'e>(e: &'e Expr, d: &'e Dissection<'_>, f: &mut dyn FnMut(Val<'e>) -> bool) {
    match e {
        Expr::Const(k) => {
            f(k.val());
        }
        Expr::Field(sel) if sel.protocols => {
            if d.frame().is_some() {
                let mut s = String::new();
                d.protocols(&mut s);
                f(Val::Owned(s.into_bytes(), true));
            }
        }
        Expr::Field(sel) => each_field(sel, d, &mut |v, _| f(to_val(v, sel.ty))),
        Expr::Proto(sel) => each_layer(sel, d, &mut |i, _| match proto_bytes(d, i) {
            Some(b) => f(Val::Bytes(b)),
            None => true,
        }),
        Expr::Len(sel) if sel.ty == Ty::Proto => each_layer(sel, d, &mut |i, _| {
            let e = &d.layers[i];
            let n = match &e.layer {
                Layer::Frame(fv) => fv.bytes.len(),
                l => l.header_len(),
            };
            f(Val::Int(n as i128))
        }),
        Expr::Len(sel) => each_field(sel, d, &mut |v, r| {
            let n = match v {
                // a text field holding an address: the length of its text
                Value::Ipv4(_) | Value::Ipv6(_) | Value::Ether(_) if sel.ty == Ty::Str => {
                    to_val(v, Ty::Str).bytes().map_or(0, <[u8]>::len)
                }
                Value::Bytes(b) | Value::Str(b) => b.len(),
                Value::Static(s) => s.len(),
                Value::Ether(_) => 6,
                Value::Ipv4(_) => 4,
                Value::Ipv6(_) => 16,
                _ => r.len(),
            };
            f(Val::Int(n as i128))
        }),
        Expr::Count(sel) => {
            let mut n = 0i128;
            if sel.ty == Ty::Proto {
                each_layer(sel, d, &mut |_, _| {
                    n += 1;
                    true
                });
            } else {
                each_field(sel, d, &mut |_, _| {
                    n += 1;
                    true
                });
            }
            // A function's argument must exist (Wireshark's implicit test).
            if n > 0 {
                f(Val::Int(n));
            }
        }
        Expr::Slice(base, ranges) => each(base, d, &mut |v| slice(v, ranges, f)),
        Expr::Lower(b) | Expr::Upper(b) => {
            let lower = matches!(e, Expr::Lower(_));
            each(b, d, &mut |v| match v.bytes() {
                Some(s) => f(Val::Owned(
                    if lower {
                        s.to_ascii_lowercase()
                    } else {
                        s.to_ascii_uppercase()
                    },
                    true,
                )),
                None => true,
            })
        }
        Expr::Arith(op, a, b) => each(a, d, &mut |x| {
            let mut go = true;
            each(b, d, &mut |y| {
                if let Some(r) = arith(*op, &x, &y) {
                    go = f(r);
                }
                go
            });
            go
        }),
        Expr::Neg(a) => each(a, d, &mut |x| match x {
            Val::Int(n) => f(Val::Int(-n)),
            Val::Time(t) => f(Val::Time(-t)),
            Val::Float(v) => f(Val::Float(-v)),
            _ => true,
        }),
    }
}

/// Apply slice ranges to one value and pass the result on.
fn slice<'e>(v: Val<'e>, ranges: &[RangeNode], f: &mut dyn FnMut(Val<'e>) -> bool) -> bool {
    // Borrowed bytes slice without copying when there is one range.
    if let [r] = ranges {
        if let Val::Bytes(b) | Val::Str(b) = v {
            return match range(r, b.len()) {
                Some(r) => f(Val::Bytes(&b[r])),
                None => true,
            };
        }
    }
    let addr = v.address_bytes();
    let src: &[u8] = match (&addr, v.bytes()) {
        (Some((a, n)), _) => &a[..*n],
        (None, Some(b)) => b,
        (None, None) => return true,
    };
    let mut out = Vec::new();
    for r in ranges {
        match range(r, src.len()) {
            Some(r) => out.extend_from_slice(&src[r]),
            None => return true,
        }
    }
    if out.len() <= 16 {
        let mut small = [0u8; 16];
        small[..out.len()].copy_from_slice(&out);
        f(Val::Small(small, out.len() as u8))
    } else {
        f(Val::Owned(out, false))
    }
}

fn arith<'e>(op: ArithOp, a: &Val, b: &Val) -> Option<Val<'e>> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Some(Val::Int(match op {
            ArithOp::BitAnd => x & y,
            ArithOp::Add => x.checked_add(*y)?,
            ArithOp::Sub => x.checked_sub(*y)?,
            ArithOp::Mul => x.checked_mul(*y)?,
            ArithOp::Div => x.checked_div(*y)?,
            ArithOp::Mod => x.checked_rem(*y)?,
        })),
        (Val::Time(x), Val::Time(y)) => Some(Val::Time(match op {
            ArithOp::Add => x.checked_add(*y)?,
            ArithOp::Sub => x.checked_sub(*y)?,
            _ => return None,
        })),
        (Val::Float(x), Val::Float(y)) => Some(Val::Float(match op {
            ArithOp::Add => x + y,
            ArithOp::Sub => x - y,
            ArithOp::Mul => x * y,
            ArithOp::Div if *y != 0.0 => x / y,
            _ => return None,
        })),
        _ if op == ArithOp::BitAnd => {
            let (x, y) = (a.bytes()?, b.bytes()?);
            let r: Vec<u8> = x.iter().zip(y).map(|(p, q)| p & q).collect();
            if r.len() <= 16 {
                let mut small = [0u8; 16];
                small[..r.len()].copy_from_slice(&r);
                Some(Val::Small(small, r.len() as u8))
            } else {
                Some(Val::Owned(r, false))
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_ranges() {
        let r = |n: RangeNode, len| range(&n, len);
        let sl = |start, len| RangeNode::StartLen { start, len };
        let se = |start, end| RangeNode::StartEnd { start, end };
        assert_eq!(r(sl(0, Some(3)), 6), Some(0..3));
        assert_eq!(r(sl(4, None), 6), Some(4..6));
        assert_eq!(r(sl(6, None), 6), None);
        assert_eq!(r(sl(-1, Some(1)), 6), Some(5..6));
        assert_eq!(r(sl(-7, Some(1)), 6), None);
        assert_eq!(r(sl(5, Some(2)), 6), None);
        assert_eq!(r(se(1, 2), 6), Some(1..3));
        assert_eq!(r(se(-2, -1), 6), Some(4..6));
        assert_eq!(r(se(3, 1), 6), None);
    }

    #[test]
    fn orders_as_wireshark() {
        // byte strings: by length first
        assert_eq!(
            order(&Val::Bytes(&[9]), &Val::Bytes(&[1, 0])),
            Some(Ordering::Less)
        );
        // text: byte by byte
        assert_eq!(
            order(&Val::Str(b"b"), &Val::Str(b"ab")),
            Some(Ordering::Greater)
        );
        // networks
        let net = Val::Ipv4(0x0a00_0000, 0xff00_0000);
        assert!(holds(Pred::Eq, &Val::Ipv4(0x0a01_0203, u32::MAX), &net));
        assert!(!holds(Pred::Eq, &Val::Ipv4(0x0b01_0203, u32::MAX), &net));
        let mut a = [0u8; 16];
        a[0] = 0x20;
        a[1] = 0x01;
        let mut b = a;
        b[15] = 1;
        assert!(holds(Pred::Eq, &Val::Ipv6(b, 128), &Val::Ipv6(a, 16)));
        assert!(!holds(Pred::Eq, &Val::Ipv6(b, 128), &Val::Ipv6(a, 128)));
        // a negative literal for an unsigned field equals nothing
        assert!(!holds(Pred::Eq, &Val::Int(1), &Val::Never));
        assert!(!holds(Pred::Gt, &Val::Int(1), &Val::Never));
        assert!(holds(Pred::Ne, &Val::Int(1), &Val::Never));
    }

    #[test]
    fn searches() {
        assert!(contains(b"GET / HTTP/1.1", b"HTTP"));
        assert!(!contains(b"GET", b"GETS"));
        assert!(contains(b"x", b""));
    }
}
