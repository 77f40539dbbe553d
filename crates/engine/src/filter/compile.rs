//! The type checker: resolves every field once against the registry,
//! converts literals to the kind of the field they are compared with, and
//! builds the program that [`super::eval`] runs per packet.
//!
//! A word is a field if the registry knows it and a literal otherwise, as
//! in Wireshark; a literal gets its meaning from the other side of the
//! relation (`10.0.0.0/8` is a network next to `ip.addr`, `00:11:22` three
//! bytes next to a slice).

use super::literal;
use super::parse::{ArithOp, CmpOp, Operand, Quant, RangeNode, Rel, SetElem, Test};
use super::{FilterError, Span};
use crate::fields;
use std::fmt::Write as _;
use wiresift_wire::field::{self, Kind};
use wiresift_wire::{frame, registry, Proto};

/// The type of a value in a filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    UInt,
    Int,
    Bool,
    Ipv4,
    Ipv6,
    Ether,
    Bytes,
    Str,
    AbsTime,
    RelTime,
    Float,
    /// A protocol: the bytes it spans.
    Proto,
    /// A field with no value of its own (presence only).
    Label,
}

impl Ty {
    pub fn name(self) -> &'static str {
        match self {
            Ty::UInt => "uint",
            Ty::Int => "int",
            Ty::Bool => "bool",
            Ty::Ipv4 => "ipv4",
            Ty::Ipv6 => "ipv6",
            Ty::Ether => "ether",
            Ty::Bytes => "bytes",
            Ty::Str => "string",
            Ty::AbsTime => "abs_time",
            Ty::RelTime => "rel_time",
            Ty::Float => "float",
            Ty::Proto => "protocol",
            Ty::Label => "label",
        }
    }

    fn of_kind(k: Kind) -> Ty {
        match k {
            Kind::Dec | Kind::Hex(_) => Ty::UInt,
            Kind::Signed => Ty::Int,
            Kind::Bool => Ty::Bool,
            Kind::Ipv4 => Ty::Ipv4,
            Kind::Ipv6 => Ty::Ipv6,
            Kind::Ether => Ty::Ether,
            Kind::Bytes => Ty::Bytes,
            Kind::Str => Ty::Str,
            Kind::AbsTime => Ty::AbsTime,
            Kind::RelTime => Ty::RelTime,
            Kind::Float => Ty::Float,
            Kind::None => Ty::Label,
        }
    }

    fn is_int(self) -> bool {
        matches!(self, Ty::UInt | Ty::Int)
    }

    /// Types whose values compare with each other.
    fn class(self) -> u8 {
        match self {
            Ty::UInt | Ty::Int => 0,
            Ty::Bytes | Ty::Ether | Ty::Proto => 1,
            Ty::Bool => 2,
            Ty::Ipv4 => 3,
            Ty::Ipv6 => 4,
            Ty::Str => 5,
            Ty::AbsTime => 6,
            Ty::RelTime => 7,
            Ty::Float => 8,
            Ty::Label => 9,
        }
    }

    /// Can be sliced and searched: a sequence of bytes.
    fn sliceable(self) -> bool {
        matches!(
            self,
            Ty::Bytes | Ty::Str | Ty::Ether | Ty::Ipv4 | Ty::Ipv6 | Ty::Proto
        )
    }
}

/// A field (or protocol) resolved once: where to find it per packet.
#[derive(Debug)]
pub(crate) struct FieldSel {
    /// The registry's resolution (name and declaration).
    pub field: fields::Field,
    /// Every declaration: the protocol and the field's position in its
    /// table (`None`: the protocol itself).
    pub refs: Vec<(Proto, Option<usize>)>,
    pub ty: Ty,
    /// `#2`, `#[1-2]`: only these layers of the field's protocol.
    pub layers: Option<Vec<RangeNode>>,
    /// `frame.protocols`, which the dissection answers itself.
    pub protocols: bool,
}

/// A literal converted to the type it is compared with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Const {
    Int(i128),
    Bool(bool),
    /// Address and mask.
    Ipv4(u32, u32),
    /// Address and prefix length.
    Ipv6([u8; 16], u8),
    Ether([u8; 6]),
    Bytes(Vec<u8>),
    Str(Vec<u8>),
    /// Nanoseconds.
    Time(i128),
    Float(f64),
    /// A value the field can never have (a negative number for an unsigned
    /// field): equal to nothing, different from everything.
    Never,
}

/// A value-producing expression.
#[derive(Debug)]
pub(crate) enum Expr {
    Field(FieldSel),
    Proto(FieldSel),
    Const(Const),
    Slice(Box<Expr>, Vec<RangeNode>),
    Len(FieldSel),
    Count(FieldSel),
    Lower(Box<Expr>),
    Upper(Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
}

/// The relation between two single values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pred {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Pred {
    fn symbol(self) -> &'static str {
        match self {
            Pred::Eq => "==",
            Pred::Ne => "!=",
            Pred::Lt => "<",
            Pred::Le => "<=",
            Pred::Gt => ">",
            Pred::Ge => ">=",
        }
    }
}

/// The compiled program. `all`: every pair of values must satisfy the
/// relation (and there is at least one); otherwise one pair is enough.
#[derive(Debug)]
pub(crate) enum Node {
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Xor(Box<Node>, Box<Node>),
    Not(Box<Node>),
    /// The expression has a value (a field or protocol is present).
    Exists(Expr),
    /// The expression has a non-zero value.
    Truthy(Expr),
    /// A field against a constant: the common case, kept apart so that it
    /// runs with no indirection.
    FieldCmp {
        pred: Pred,
        all: bool,
        field: FieldSel,
        k: Const,
    },
    Cmp {
        pred: Pred,
        all: bool,
        lhs: Expr,
        rhs: Expr,
    },
    Contains {
        all: bool,
        lhs: Expr,
        rhs: Expr,
    },
    Matches {
        all: bool,
        lhs: Expr,
        re: regex::bytes::Regex,
        pattern: String,
    },
    In {
        all: bool,
        lhs: Expr,
        set: Vec<(Expr, Option<Expr>)>,
    },
}

impl Node {
    /// Whether `is` holds for a field or protocol the program reads.
    pub(crate) fn any_field(&self, is: &impl Fn(&fields::Field) -> bool) -> bool {
        match self {
            Node::And(a, b) | Node::Or(a, b) | Node::Xor(a, b) => {
                a.any_field(is) || b.any_field(is)
            }
            Node::Not(a) => a.any_field(is),
            Node::Exists(e) | Node::Truthy(e) => e.any_field(is),
            Node::FieldCmp { field, .. } => is(&field.field),
            Node::Cmp { lhs, rhs, .. } | Node::Contains { lhs, rhs, .. } => {
                lhs.any_field(is) || rhs.any_field(is)
            }
            Node::Matches { lhs, .. } => lhs.any_field(is),
            Node::In { lhs, set, .. } => {
                lhs.any_field(is)
                    || set.iter().any(|(a, b)| {
                        a.any_field(is) || b.as_ref().is_some_and(|b| b.any_field(is))
                    })
            }
        }
    }
}

impl Expr {
    fn any_field(&self, is: &impl Fn(&fields::Field) -> bool) -> bool {
        match self {
            Expr::Field(s) | Expr::Proto(s) | Expr::Len(s) | Expr::Count(s) => is(&s.field),
            Expr::Const(_) => false,
            Expr::Slice(e, _) | Expr::Lower(e) | Expr::Upper(e) | Expr::Neg(e) => e.any_field(is),
            Expr::Arith(_, a, b) => a.any_field(is) || b.any_field(is),
        }
    }
}

/// Type-check a parsed filter.
pub(crate) fn compile(t: &Test) -> Result<Node, FilterError> {
    Ok(match t {
        Test::Or(a, b) => Node::Or(Box::new(compile(a)?), Box::new(compile(b)?)),
        Test::Xor(a, b) => Node::Xor(Box::new(compile(a)?), Box::new(compile(b)?)),
        Test::And(a, b) => Node::And(Box::new(compile(a)?), Box::new(compile(b)?)),
        Test::Not(a) => Node::Not(Box::new(compile(a)?)),
        Test::Value(v) => alone(v)?,
        Test::Rel {
            quant,
            rel,
            op_span,
        } => relation(*quant, rel, *op_span)?,
    })
}

/// A value on its own: a field or protocol is there, a slice exists,
/// arithmetic is non-zero.
fn alone(v: &Operand) -> Result<Node, FilterError> {
    if let Operand::Word { text, span, .. } = v {
        if fields::find(text).is_none() {
            return Err(unknown_field(text, *span));
        }
    }
    match typed(v)? {
        Some((e @ Expr::Arith(..), _)) => Ok(Node::Truthy(e)),
        Some((e, ty)) if ty.is_int() && matches!(e, Expr::Len(_) | Expr::Count(_)) => {
            Ok(Node::Truthy(e))
        }
        Some((e, _)) => Ok(Node::Exists(e)),
        None => Err(FilterError::new(
            "a value alone is not a test: compare it with a field, or name a field or protocol",
            v.span(),
        )),
    }
}

fn unknown_field(name: &str, span: Span) -> FilterError {
    let e = FilterError::new(format!("unknown field '{name}'"), span);
    if let Some(near) = suggest(name) {
        return e.with_help(format!("did you mean {near}?"));
    }
    // Far from every known name: a protocol wiresift does not dissect, or
    // a field it does not have.
    let proto = name.split('.').next().unwrap_or(name);
    if fields::find(proto).is_none() {
        e.with_help(format!(
            "wiresift does not dissect '{proto}' (yet): `wiresift fields --protocols` lists the protocols it knows"
        ))
    } else {
        e.with_help(format!(
            "`wiresift fields | grep '^{proto}\\.'` lists the fields of {proto}"
        ))
    }
}

/// The registry's nearest names to `name`, if one is near enough to be a
/// typo (one edit, or one per four characters): the best one and the others
/// that are as near (`tcp.prot` → `tcp.port`).
fn suggest(name: &str) -> Option<String> {
    let near = registry::suggest(name, 3);
    let best = near.first().map(|n| super::edit_distance(name, n))?;
    if best > (name.chars().count() / 4).max(1) {
        return None;
    }
    let same: Vec<&str> = near
        .into_iter()
        .filter(|n| super::edit_distance(name, n) == best)
        .collect();
    Some(same.join(", "))
}

/// "a uint", "an ipv4".
fn a_ty(ty: Ty) -> String {
    let n = ty.name();
    let article = if n.starts_with(['a', 'e', 'i', 'o']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {n}")
}

/// A word that could be a mistyped field name (rather than an address or
/// byte string that did not parse).
fn looks_like_field(t: &str) -> bool {
    t.starts_with(|c: char| c.is_ascii_alphabetic())
        && t.contains('.')
        && t.chars()
            .any(|c| c.is_ascii_alphabetic() && !c.is_ascii_hexdigit())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn resolve(
    name: &str,
    span: Span,
    layer: Option<&(Vec<RangeNode>, Span)>,
) -> Result<FieldSel, FilterError> {
    let field = fields::find(name).ok_or_else(|| unknown_field(name, span))?;
    let refs: Vec<(Proto, Option<usize>)> = registry::lookup_all(name)
        .map(|r| (r.proto, r.idx))
        .collect();
    let ty = match field.def() {
        None => Ty::Proto,
        Some(d) => Ty::of_kind(d.kind),
    };
    let protocols = refs
        .first()
        .is_some_and(|&(p, i)| p == Proto::Frame && i == Some(frame::Field::Protocols as usize));
    if let Some((ranges, lspan)) = layer {
        if ranges.iter().any(|r| match *r {
            RangeNode::StartLen { start, .. } => start < 1,
            RangeNode::StartEnd { start, end } => start < 1 || end < start,
        }) {
            return Err(FilterError::new(
                "layers are numbered from 1: write ip.src#1 for the outermost, #[1-2] for a range",
                *lspan,
            ));
        }
    }
    Ok(FieldSel {
        field,
        refs,
        ty,
        layers: layer.map(|(r, _)| r.clone()),
        protocols,
    })
}

/// What an operand is when it does not depend on the other side: `Some`
/// for fields, protocols, slices, functions and arithmetic over them;
/// `None` for literals, which take the type of what they are compared with.
fn typed(op: &Operand) -> Result<Option<(Expr, Ty)>, FilterError> {
    match op {
        Operand::Word { text, span, layer } => {
            if layer.is_none() && fields::find(text).is_none() {
                return Ok(None);
            }
            let sel = resolve(text, *span, layer.as_ref())?;
            let ty = sel.ty;
            Ok(Some(if ty == Ty::Proto {
                (Expr::Proto(sel), ty)
            } else {
                (Expr::Field(sel), ty)
            }))
        }
        Operand::Str { .. } | Operand::Char { .. } => Ok(None),
        Operand::Slice { base, ranges, .. } => {
            let Some((e, ty)) = typed(base)? else {
                return Err(FilterError::new(
                    "only fields, protocols and functions can be sliced",
                    base.span(),
                ));
            };
            if !ty.sliceable() {
                return Err(FilterError::new(
                    format!(
                        "{} is {} and cannot be sliced: slices take bytes, strings, addresses and protocols",
                        describe(&e),
                        a_ty(ty)
                    ),
                    base.span(),
                ));
            }
            Ok(Some((Expr::Slice(Box::new(e), ranges.clone()), Ty::Bytes)))
        }
        Operand::Call { name, args, span } => call(name, args, *span).map(Some),
        Operand::Arith {
            op,
            lhs,
            rhs,
            op_span,
        } => {
            let (l, r) = (typed(lhs)?, typed(rhs)?);
            // The type comes from the side that has one; check the
            // operator fits it before converting the other side.
            let ty = match (&l, &r) {
                (None, None) => return Ok(None),
                (Some((_, t)), _) | (None, Some((_, t))) => *t,
            };
            let ok = match op {
                ArithOp::BitAnd => ty.is_int() || matches!(ty, Ty::Bytes | Ty::Ether | Ty::Proto),
                ArithOp::Add | ArithOp::Sub => {
                    ty.is_int() || matches!(ty, Ty::RelTime | Ty::AbsTime | Ty::Float)
                }
                ArithOp::Mul | ArithOp::Div | ArithOp::Mod => ty.is_int() || ty == Ty::Float,
            };
            if !ok {
                return Err(FilterError::new(
                    format!("{} value cannot be used with '{}'", a_ty(ty), op.symbol()),
                    *op_span,
                ));
            }
            let (le, re) = match (l, r) {
                (Some((le, _)), None) => (le, value(rhs, arith_operand_ty(ty))?),
                (None, Some((re, _))) => (value(lhs, arith_operand_ty(ty))?, re),
                (Some((le, lt)), Some((re, rt))) => {
                    if lt.class() != rt.class() {
                        return Err(FilterError::new(
                            format!(
                                "{} ({}) and {} ({}) cannot be combined with '{}'",
                                describe(&le),
                                lt.name(),
                                describe(&re),
                                rt.name(),
                                op.symbol()
                            ),
                            *op_span,
                        ));
                    }
                    (le, re)
                }
                (None, None) => return Ok(None),
            };
            let rty = match ty {
                Ty::Ether | Ty::Proto => Ty::Bytes,
                t => t,
            };
            Ok(Some((Expr::Arith(*op, Box::new(le), Box::new(re)), rty)))
        }
        Operand::Neg { inner, span } => {
            let Some((e, ty)) = typed(inner)? else {
                return Ok(None);
            };
            let rty = match ty {
                Ty::UInt | Ty::Int => Ty::Int,
                Ty::RelTime | Ty::Float => ty,
                _ => {
                    return Err(FilterError::new(
                        format!("{} value cannot be negated", a_ty(ty)),
                        *span,
                    ))
                }
            };
            Ok(Some((Expr::Neg(Box::new(e)), rty)))
        }
    }
}

/// The type a literal takes next to an operand of type `t` in arithmetic.
fn arith_operand_ty(t: Ty) -> Ty {
    match t {
        Ty::Ether | Ty::Proto => Ty::Bytes,
        t => t,
    }
}

fn call(name: &str, args: &[Operand], span: Span) -> Result<(Expr, Ty), FilterError> {
    let one = || -> Result<&Operand, FilterError> {
        match args {
            [a] => Ok(a),
            _ => Err(FilterError::new(
                format!("{name}() takes one argument, not {}", args.len()),
                span,
            )),
        }
    };
    match name {
        "len" | "count" => {
            let a = one()?;
            let only = || {
                FilterError::new(
                    format!("only fields and protocols can be used as the argument of {name}()"),
                    a.span(),
                )
            };
            let Operand::Word { text, span, layer } = a else {
                return Err(only());
            };
            if layer.is_none() && fields::find(text).is_none() && !looks_like_field(text) {
                return Err(only());
            }
            let sel = resolve(text, *span, layer.as_ref())?;
            if name == "len" {
                Ok((Expr::Len(sel), Ty::UInt))
            } else {
                Ok((Expr::Count(sel), Ty::UInt))
            }
        }
        "lower" | "upper" => {
            let a = one()?;
            let Some((e, ty)) = typed(a)? else {
                return Err(FilterError::new(
                    format!("only string fields can be used as the argument of {name}()"),
                    a.span(),
                ));
            };
            if ty != Ty::Str {
                return Err(FilterError::new(
                    format!(
                        "only string fields can be used as the argument of {name}(); {} is {}",
                        describe(&e),
                        a_ty(ty)
                    ),
                    a.span(),
                ));
            }
            let e = Box::new(e);
            Ok((
                if name == "lower" {
                    Expr::Lower(e)
                } else {
                    Expr::Upper(e)
                },
                Ty::Str,
            ))
        }
        _ => Err(
            FilterError::new(format!("function '{name}' does not exist"), span)
                .with_help("the functions are len(), count(), lower() and upper()"),
        ),
    }
}

/// How an expression reads in a message.
fn describe(e: &Expr) -> String {
    match e {
        Expr::Field(s) | Expr::Proto(s) => s.field.name().to_string(),
        Expr::Slice(b, _) => format!("a slice of {}", describe(b)),
        Expr::Len(s) => format!("len({})", s.field.name()),
        Expr::Count(s) => format!("count({})", s.field.name()),
        Expr::Lower(b) => format!("lower({})", describe(b)),
        Expr::Upper(b) => format!("upper({})", describe(b)),
        Expr::Arith(..) | Expr::Neg(..) => "the arithmetic".into(),
        Expr::Const(_) => "the value".into(),
    }
}

/// `op` as a value of type `want`: a typed operand must be of a compatible
/// type; a literal is converted.
fn value(op: &Operand, want: Ty) -> Result<Expr, FilterError> {
    if let Some((e, ty)) = typed(op)? {
        if ty.class() != want.class() {
            return Err(FilterError::new(
                format!(
                    "{} is {} and cannot be compared with {}",
                    describe(&e),
                    a_ty(ty),
                    a_ty(want)
                ),
                op.span(),
            ));
        }
        return Ok(e);
    }
    if let Operand::Arith {
        op: aop, lhs, rhs, ..
    } = op
    {
        return Ok(Expr::Arith(
            *aop,
            Box::new(value(lhs, want)?),
            Box::new(value(rhs, want)?),
        ));
    }
    literal(op, want).map(Expr::Const)
}

/// Convert a literal operand to a constant of type `want`.
fn literal(op: &Operand, want: Ty) -> Result<Const, FilterError> {
    let span = op.span();
    match op {
        Operand::Word { text, .. } => word(text, want).map_err(|msg| {
            if looks_like_field(text) {
                if let Some(near) = suggest(text) {
                    return FilterError::new(
                        format!("'{text}' is neither a field nor {} value", a_ty(want)),
                        span,
                    )
                    .with_help(format!("did you mean {near}?"));
                }
            }
            FilterError::new(msg, span)
        }),
        Operand::Str { bytes, .. } => match want {
            Ty::Str => Ok(Const::Str(bytes.clone())),
            Ty::Bytes | Ty::Proto => Ok(Const::Bytes(bytes.clone())),
            _ => {
                let mut e = FilterError::new(
                    format!("a quoted string cannot be {} value", a_ty(want)),
                    span,
                );
                if matches!(
                    want,
                    Ty::Ipv4 | Ty::Ipv6 | Ty::Ether | Ty::UInt | Ty::Int | Ty::Bool
                ) {
                    e = e.with_help("write addresses, numbers and booleans without quotes, like 10.0.0.1, 00:11:22:33:44:55, 80 or True");
                }
                Err(e)
            }
        },
        Operand::Char { value, .. } => match want {
            Ty::UInt | Ty::Int => Ok(Const::Int(i128::from(*value))),
            Ty::Str => Ok(Const::Str(vec![*value])),
            Ty::Bytes | Ty::Proto => Ok(Const::Bytes(vec![*value])),
            _ => Err(FilterError::new(
                format!("a character constant cannot be {} value", a_ty(want)),
                span,
            )),
        },
        Operand::Neg { inner, .. } => match literal(inner, want)? {
            Const::Int(n) if want == Ty::UInt && n != 0 => Ok(Const::Never),
            Const::Int(n) => Ok(Const::Int(-n)),
            Const::Time(n) => Ok(Const::Time(-n)),
            Const::Float(f) => Ok(Const::Float(-f)),
            Const::Never => Ok(Const::Never),
            _ => Err(FilterError::new(
                format!("{} value cannot be negative", a_ty(want)),
                span,
            )),
        },
        Operand::Arith { .. } | Operand::Slice { .. } | Operand::Call { .. } => {
            Err(FilterError::new("a literal was expected here", span))
        }
    }
}

/// An unquoted literal as a value of type `want`, or what is wrong with it.
fn word(t: &str, want: Ty) -> Result<Const, String> {
    match want {
        Ty::UInt | Ty::Int => match literal::int(t) {
            Some(n) => Ok(Const::Int(n)),
            None if t.chars().all(|c| c.is_ascii_digit()) => {
                Err(format!("'{t}' is too large: the largest integer is {}", u64::MAX))
            }
            None => Err(format!("'{t}' is not a valid integer")),
        },
        Ty::Bool => match t {
            "True" | "TRUE" => Ok(Const::Bool(true)),
            "False" | "FALSE" => Ok(Const::Bool(false)),
            _ => match literal::int(t) {
                Some(n) => Ok(Const::Bool(n != 0)),
                None => Err(format!(
                    "'{t}' is not a boolean: write True, False, 1 or 0"
                )),
            },
        },
        Ty::Ipv4 => literal::ipv4(t)
            .map(|(a, m)| Const::Ipv4(a, m))
            .map_err(|e| format!("{e} (wiresift does not resolve host names)")),
        Ty::Ipv6 => literal::ipv6(t).map(|(a, p)| Const::Ipv6(a, p)),
        Ty::Ether => match literal::bytes(t) {
            Some(b) => <[u8; 6]>::try_from(b.as_slice())
                .map(Const::Ether)
                .map_err(|_| {
                    format!(
                        "'{t}' has {} bytes: an Ethernet address has 6 (compare a slice, like eth.src[0:3] == {t})",
                        b.len()
                    )
                }),
            None => Err(format!("'{t}' is not a valid Ethernet address")),
        },
        Ty::Bytes | Ty::Proto => match literal::bytes(t) {
            Some(b) => Ok(Const::Bytes(b)),
            // A hex number up to 0xff is one byte.
            None => match literal::int(t) {
                Some(n) if (t.starts_with("0x") || t.starts_with("0X")) && n <= 0xff => {
                    Ok(Const::Bytes(vec![n as u8]))
                }
                _ => Err(format!(
                    "'{t}' is not a valid byte string (write bytes as aa:bb:cc, or text in double quotes)"
                )),
            },
        },
        Ty::Str => Ok(Const::Str(t.as_bytes().to_vec())),
        Ty::AbsTime | Ty::RelTime => literal::seconds(t)
            .map(Const::Time)
            .ok_or_else(|| format!("'{t}' is not a valid time in seconds (like 1.5)")),
        Ty::Float => t
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Const::Float)
            .ok_or_else(|| format!("'{t}' is not a valid number")),
        Ty::Label => Err("a label has no value to compare".into()),
    }
}

fn label_error(e: &Expr, span: Span, what: &str) -> FilterError {
    FilterError::new(
        format!(
            "{} is a label with no value: it cannot be used with {what}",
            describe(e)
        ),
        span,
    )
    .with_help(format!("test its presence alone: {}", describe(e)))
}

/// The left side of a relation and its type, which must not be a bare
/// literal.
fn subject(op: &Operand, rel: &str, op_span: Span) -> Result<(Expr, Ty), FilterError> {
    match typed(op)? {
        Some(x) => Ok(x),
        None => {
            if let Operand::Word { text, span, .. } = op {
                if looks_like_field(text)
                    || text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    return Err(unknown_field(text, *span));
                }
            }
            Err(FilterError::new(
                format!("the left side of {rel} must be a field, protocol, slice or function"),
                op.span().to(op_span),
            ))
        }
    }
}

fn relation(quant: Option<Quant>, rel: &Rel, op_span: Span) -> Result<Node, FilterError> {
    let forced_all = quant.map(|q| q == Quant::All);
    match rel {
        Rel::Cmp(op, lhs, rhs) => {
            let (pred, all) = match op {
                CmpOp::AnyEq => (Pred::Eq, false),
                CmpOp::AllNe => (Pred::Ne, true),
                CmpOp::AllEq => (Pred::Eq, true),
                CmpOp::AnyNe => (Pred::Ne, false),
                CmpOp::Lt => (Pred::Lt, false),
                CmpOp::Le => (Pred::Le, false),
                CmpOp::Gt => (Pred::Gt, false),
                CmpOp::Ge => (Pred::Ge, false),
            };
            let all = forced_all.unwrap_or(all);
            let what = format!("'{}'", op.symbol());
            let (l, r) = (typed(lhs)?, typed(rhs)?);
            let (le, re) = match (l, r) {
                (None, None) => {
                    // Report the word that should have been a field.
                    for side in [lhs, rhs] {
                        if let Operand::Word { text, span, .. } = side {
                            if looks_like_field(text)
                                || text.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
                            {
                                return Err(unknown_field(text, *span));
                            }
                        }
                    }
                    return Err(FilterError::new(
                        format!("neither side of {what} is a field: compare a field with a value"),
                        lhs.span().to(rhs.span()),
                    ));
                }
                (Some((le, lt)), None) => {
                    if lt == Ty::Label {
                        return Err(label_error(&le, lhs.span(), &what));
                    }
                    (le, value(rhs, lt)?)
                }
                (None, Some(_)) => {
                    // As in Wireshark: the field comes first.
                    if let Operand::Word { text, span, .. } = lhs {
                        if looks_like_field(text) {
                            return Err(unknown_field(text, *span));
                        }
                    }
                    return Err(FilterError::new(
                        format!(
                            "the left side of {what} must be a field, protocol, slice or function"
                        ),
                        lhs.span(),
                    )
                    .with_help("write the field first, like frame.len > 60"));
                }
                (Some((le, lt)), Some((re, rt))) => {
                    if lt == Ty::Label {
                        return Err(label_error(&le, lhs.span(), &what));
                    }
                    if rt == Ty::Label {
                        return Err(label_error(&re, rhs.span(), &what));
                    }
                    if lt.class() != rt.class() {
                        return Err(FilterError::new(
                            format!(
                                "{} ({}) and {} ({}) cannot be compared",
                                describe(&le),
                                lt.name(),
                                describe(&re),
                                rt.name()
                            ),
                            lhs.span().to(rhs.span()),
                        ));
                    }
                    (le, re)
                }
            };
            Ok(match (le, re) {
                (Expr::Field(field), Expr::Const(k)) => Node::FieldCmp {
                    pred,
                    all,
                    field,
                    k,
                },
                (lhs, rhs) => Node::Cmp {
                    pred,
                    all,
                    lhs,
                    rhs,
                },
            })
        }
        Rel::Contains(lhs, rhs) => {
            let (le, lt) = subject(lhs, "'contains'", op_span)?;
            if !matches!(lt, Ty::Str | Ty::Bytes | Ty::Proto) {
                return Err(FilterError::new(
                    format!(
                        "{} is {} and cannot be used with 'contains': it searches strings, byte strings and protocols",
                        describe(&le),
                        a_ty(lt)
                    ),
                    lhs.span(),
                ));
            }
            let want = if lt == Ty::Str { Ty::Str } else { Ty::Bytes };
            let re = match typed(rhs)? {
                Some((re, rt)) => {
                    if !matches!(rt, Ty::Str | Ty::Bytes | Ty::Proto | Ty::Ether) {
                        return Err(FilterError::new(
                            format!(
                                "{} is {}: 'contains' looks for strings or bytes",
                                describe(&re),
                                a_ty(rt)
                            ),
                            rhs.span(),
                        ));
                    }
                    re
                }
                None => value(rhs, want)?,
            };
            Ok(Node::Contains {
                all: forced_all.unwrap_or(false),
                lhs: le,
                rhs: re,
            })
        }
        Rel::Matches(lhs, rhs) => {
            let (le, lt) = subject(lhs, "'matches'", op_span)?;
            if !matches!(lt, Ty::Str | Ty::Bytes | Ty::Proto) {
                return Err(FilterError::new(
                    format!(
                        "{} is {} and cannot be used with 'matches': it applies to strings, byte strings and protocols",
                        describe(&le),
                        a_ty(lt)
                    ),
                    lhs.span(),
                ));
            }
            let Operand::Str { bytes, span } = rhs else {
                return Err(FilterError::new(
                    "'matches' needs a regular expression in double quotes on its right",
                    rhs.span(),
                ));
            };
            let pattern = String::from_utf8(bytes.clone()).map_err(|_| {
                FilterError::new("the regular expression is not valid UTF-8", *span)
            })?;
            // PCRE2 as Wireshark 4.0 runs it: on bytes, not UTF-8, so a
            // non-ASCII character is its bytes (`·+` repeats the last one).
            let re = regex::bytes::RegexBuilder::new(&bytes_pattern(&pattern))
                .case_insensitive(true)
                .unicode(false)
                .build()
                .map_err(|e| {
                    let msg = e.to_string();
                    let last = msg
                        .lines()
                        .rev()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or("")
                        .trim()
                        .trim_start_matches("error: ")
                        .to_string();
                    FilterError::new(format!("invalid regular expression: {last}"), *span)
                })?;
            Ok(Node::Matches {
                all: forced_all.unwrap_or(false),
                lhs: le,
                re,
                pattern,
            })
        }
        Rel::In(lhs, set) => {
            let (le, lt) = subject(lhs, "'in'", op_span)?;
            if lt == Ty::Label {
                return Err(label_error(&le, lhs.span(), "'in'"));
            }
            let set = set
                .iter()
                .map(|SetElem { lo, hi }| {
                    Ok((
                        value(lo, lt)?,
                        match hi {
                            Some(h) => Some(value(h, lt)?),
                            None => None,
                        },
                    ))
                })
                .collect::<Result<Vec<_>, FilterError>>()?;
            Ok(Node::In {
                all: forced_all.unwrap_or(false),
                lhs: le,
                set,
            })
        }
    }
}

/// A regular expression with each non-ASCII character written as its
/// UTF-8 bytes (`\xC2\xB7`), for a byte-oriented, non-Unicode regex.
fn bytes_pattern(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                // `\·`: an escaped literal, written as its bytes below
                Some(n) if !n.is_ascii() => continue,
                Some(&n) => {
                    out.push('\\');
                    out.push(n);
                    chars.next();
                }
                None => out.push('\\'),
            }
            continue;
        }
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "\\x{b:02X}");
            }
        }
    }
    out
}

// ---- explain ----

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// Write the program as an indented tree.
pub(crate) fn explain(n: &Node, depth: usize, out: &mut String) {
    indent(out, depth);
    let quant = |all: bool| {
        if all {
            "every occurrence"
        } else {
            "any occurrence"
        }
    };
    match n {
        Node::And(a, b) | Node::Or(a, b) | Node::Xor(a, b) => {
            out.push_str(match n {
                Node::And(..) => "and\n",
                Node::Or(..) => "or\n",
                _ => "xor\n",
            });
            explain(a, depth + 1, out);
            explain(b, depth + 1, out);
        }
        Node::Not(a) => {
            out.push_str("not\n");
            explain(a, depth + 1, out);
        }
        Node::Exists(e) => {
            out.push_str("exists\n");
            expr(e, depth + 1, out);
        }
        Node::Truthy(e) => {
            out.push_str("is non-zero\n");
            expr(e, depth + 1, out);
        }
        Node::FieldCmp {
            pred,
            all,
            field,
            k,
        } => {
            let _ = writeln!(out, "{} ({})", pred.symbol(), quant(*all));
            indent(out, depth + 1);
            sel(field, out);
            constant(k, field.ty, depth + 1, out);
        }
        Node::Cmp {
            pred,
            all,
            lhs,
            rhs,
        } => {
            let _ = writeln!(out, "{} ({})", pred.symbol(), quant(*all));
            expr(lhs, depth + 1, out);
            expr(rhs, depth + 1, out);
        }
        Node::Contains { all, lhs, rhs } => {
            let _ = writeln!(out, "contains ({})", quant(*all));
            expr(lhs, depth + 1, out);
            expr(rhs, depth + 1, out);
        }
        Node::Matches {
            all, lhs, pattern, ..
        } => {
            let _ = writeln!(out, "matches ({}, case-insensitive)", quant(*all));
            expr(lhs, depth + 1, out);
            indent(out, depth + 1);
            let _ = writeln!(out, "regex {pattern:?}");
        }
        Node::In { all, lhs, set } => {
            let _ = writeln!(out, "in ({})", quant(*all));
            expr(lhs, depth + 1, out);
            indent(out, depth + 1);
            out.push_str("set\n");
            for (lo, hi) in set {
                match hi {
                    None => expr(lo, depth + 2, out),
                    Some(hi) => {
                        indent(out, depth + 2);
                        out.push_str("range (inclusive)\n");
                        expr(lo, depth + 3, out);
                        expr(hi, depth + 3, out);
                    }
                }
            }
        }
    }
}

fn sel(s: &FieldSel, out: &mut String) {
    let protos: Vec<&str> = s.refs.iter().map(|(p, _)| p.name()).collect();
    if s.ty == Ty::Proto {
        let _ = write!(out, "protocol {}", s.field.name());
    } else {
        let _ = write!(
            out,
            "field {} ({}, in {})",
            s.field.name(),
            s.ty.name(),
            protos.join(", ")
        );
    }
    if let Some(l) = &s.layers {
        let _ = write!(out, " layers {}", ranges_text(l));
    }
    out.push('\n');
}

fn ranges_text(r: &[RangeNode]) -> String {
    let parts: Vec<String> = r
        .iter()
        .map(|n| match *n {
            RangeNode::StartLen {
                start,
                len: Some(l),
            } => format!("{start}:{l}"),
            RangeNode::StartLen { start, len: None } => format!("{start}:"),
            RangeNode::StartEnd { start, end } => format!("{start}-{end}"),
        })
        .collect();
    format!("[{}]", parts.join(","))
}

fn expr(e: &Expr, depth: usize, out: &mut String) {
    if let Expr::Const(k) = e {
        return constant(k, Ty::Bytes, depth, out);
    }
    indent(out, depth);
    match e {
        Expr::Field(s) | Expr::Proto(s) => sel(s, out),
        Expr::Const(_) => {}
        Expr::Slice(b, r) => {
            let _ = writeln!(out, "slice {} (bytes)", ranges_text(r));
            expr(b, depth + 1, out);
        }
        Expr::Len(s) => {
            out.push_str("len (uint)\n");
            indent(out, depth + 1);
            sel(s, out);
        }
        Expr::Count(s) => {
            out.push_str("count (uint)\n");
            indent(out, depth + 1);
            sel(s, out);
        }
        Expr::Lower(b) | Expr::Upper(b) => {
            out.push_str(if matches!(e, Expr::Lower(_)) {
                "lower (string)\n"
            } else {
                "upper (string)\n"
            });
            expr(b, depth + 1, out);
        }
        Expr::Arith(op, a, b) => {
            let _ = writeln!(out, "{}", op.symbol());
            expr(a, depth + 1, out);
            expr(b, depth + 1, out);
        }
        Expr::Neg(a) => {
            out.push_str("negate\n");
            expr(a, depth + 1, out);
        }
    }
}

fn constant(k: &Const, field_ty: Ty, depth: usize, out: &mut String) {
    indent(out, depth);
    match k {
        Const::Int(n) => {
            let _ = writeln!(out, "{} {n}", if *n < 0 { "int" } else { "uint" });
        }
        Const::Bool(b) => {
            let _ = writeln!(out, "bool {}", if *b { "True" } else { "False" });
        }
        Const::Ipv4(a, m) => {
            let mut s = String::new();
            field::write_ipv4(&mut s, a.to_be_bytes());
            let _ = if *m == u32::MAX {
                writeln!(out, "ipv4 {s}")
            } else {
                writeln!(out, "ipv4 {s}/{}", m.count_ones())
            };
        }
        Const::Ipv6(a, p) => {
            let mut s = String::new();
            field::write_ipv6(&mut s, a);
            let _ = if *p == 128 {
                writeln!(out, "ipv6 {s}")
            } else {
                writeln!(out, "ipv6 {s}/{p}")
            };
        }
        Const::Ether(m) => {
            let mut s = String::new();
            field::write_mac(&mut s, *m);
            let _ = writeln!(out, "ether {s}");
        }
        Const::Bytes(b) => {
            let mut s = String::new();
            field::write_hex_bytes(&mut s, b, Some(':'));
            let _ = writeln!(out, "bytes {s}");
        }
        Const::Str(b) => {
            // A string literal: its backslashes doubled, as filters read them.
            let mut s = String::new();
            for piece in b.split_inclusive(|&c| c == b'\\') {
                field::write_escaped(&mut s, piece);
                if piece.last() == Some(&b'\\') {
                    s.push('\\');
                }
            }
            let _ = writeln!(out, "string \"{s}\"");
        }
        Const::Time(n) => {
            let secs = n.div_euclid(1_000_000_000) as i64;
            let nanos = n.rem_euclid(1_000_000_000) as u32;
            let mut s = String::new();
            field::write_time(&mut s, secs, nanos);
            let name = if field_ty == Ty::AbsTime {
                "abs_time"
            } else {
                "seconds"
            };
            let _ = writeln!(out, "{name} {s}");
        }
        Const::Float(f) => {
            let _ = writeln!(out, "float {f}");
        }
        Const::Never => {
            out.push_str("nothing (a negative number is never an unsigned field's value)\n");
        }
    }
}
