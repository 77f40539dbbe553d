//! The display filter parser: tokens to a syntax tree, with Wireshark's
//! precedence (lowest first):
//!
//! ```text
//! or ||   <   xor ^^   <   and &&   <   not !   <   relations
//! (== != === !== ~= < <= > >= eq ne all_eq any_ne lt le gt ge, contains,
//!  matches ~, in, not in; `any`/`all` before a relation)
//!   <   &   <   + -   <   * / %   <   unary -   <   slices [..], layers #n
//! ```
//!
//! Parentheses group tests; curly braces group arithmetic (`{a + 1} * 2`),
//! as in Wireshark. Names are not looked up here: a word stays a word until
//! the type checker decides whether it is a field or a literal.

use super::lex::{lex, Tok, Token};
use super::{FilterError, Span};

/// A comparison operator as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`, `eq`, `any_eq`: some occurrence equals.
    AnyEq,
    /// `!=`, `ne`, `all_ne`: no occurrence equals (and there is one).
    AllNe,
    /// `===`, `all_eq`: every occurrence equals.
    AllEq,
    /// `!==`, `~=`, `any_ne`: some occurrence differs.
    AnyNe,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::AnyEq => "==",
            CmpOp::AllNe => "!=",
            CmpOp::AllEq => "===",
            CmpOp::AnyNe => "!==",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// `any` or `all` before a relation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quant {
    Any,
    All,
}

/// An arithmetic operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    BitAnd,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl ArithOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::BitAnd => "&",
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Mod => "%",
        }
    }
}

/// One part of a slice or layer range, as written (`0:3`, `1-2`, `-1`,
/// `:2`, `4:`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeNode {
    /// `[i:j]`: start and length; `[i:]`: to the end (`len == None`).
    StartLen { start: i64, len: Option<i64> },
    /// `[i-j]`: first and last, both included.
    StartEnd { start: i64, end: i64 },
}

/// A value: a field or literal (still a word), a string, a function call,
/// a slice or arithmetic.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Word {
        text: String,
        span: Span,
        /// `#2` or `#[1-2]` after a field: which layers.
        layer: Option<(Vec<RangeNode>, Span)>,
    },
    Str {
        bytes: Vec<u8>,
        span: Span,
    },
    Char {
        value: u8,
        span: Span,
    },
    Slice {
        base: Box<Operand>,
        ranges: Vec<RangeNode>,
        span: Span,
    },
    Call {
        name: String,
        args: Vec<Operand>,
        span: Span,
    },
    Arith {
        op: ArithOp,
        lhs: Box<Operand>,
        rhs: Box<Operand>,
        op_span: Span,
    },
    Neg {
        inner: Box<Operand>,
        span: Span,
    },
}

impl Operand {
    /// Where the whole operand is in the source.
    pub fn span(&self) -> Span {
        match self {
            Operand::Word { span, layer, .. } => match layer {
                Some((_, l)) => span.to(*l),
                None => *span,
            },
            Operand::Str { span, .. }
            | Operand::Char { span, .. }
            | Operand::Call { span, .. }
            | Operand::Neg { span, .. } => *span,
            Operand::Slice { base, span, .. } => base.span().to(*span),
            Operand::Arith { lhs, rhs, .. } => lhs.span().to(rhs.span()),
        }
    }
}

/// One member of a set: a value or an inclusive range `lo..hi`.
#[derive(Clone, Debug, PartialEq)]
pub struct SetElem {
    pub lo: Operand,
    pub hi: Option<Operand>,
}

/// A relation between values.
#[derive(Clone, Debug, PartialEq)]
pub enum Rel {
    Cmp(CmpOp, Operand, Operand),
    Contains(Operand, Operand),
    Matches(Operand, Operand),
    In(Operand, Vec<SetElem>),
}

/// A test: what a filter is.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    Or(Box<Test>, Box<Test>),
    Xor(Box<Test>, Box<Test>),
    And(Box<Test>, Box<Test>),
    Not(Box<Test>),
    Rel {
        quant: Option<Quant>,
        rel: Rel,
        /// The operator's place (for type errors about the relation).
        op_span: Span,
    },
    /// A value alone: a field or protocol exists, a slice is there,
    /// arithmetic is non-zero.
    Value(Operand),
}

/// Parse a whole filter.
pub fn parse(src: &str) -> Result<Test, FilterError> {
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        end: src.len(),
    };
    if p.toks.is_empty() {
        return Err(FilterError::new(
            "the filter is empty",
            Span::new(0, src.len().max(1)),
        ));
    }
    let t = p.test()?;
    if let Some(tok) = p.peek() {
        let tok = tok.clone();
        return Err(p.unexpected(&tok, "expected 'and', 'or' or the end of the filter"));
    }
    Ok(t)
}

const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "xor",
    "not",
    "eq",
    "ne",
    "any_eq",
    "all_ne",
    "all_eq",
    "any_ne",
    "gt",
    "ge",
    "lt",
    "le",
    "contains",
    "matches",
    "in",
    "bitwise_and",
    "any",
    "all",
];

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn peek_tok(&self) -> Option<&Tok> {
        self.peek().map(|t| &t.tok)
    }

    fn peek_word(&self) -> Option<&str> {
        match self.peek_tok() {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn word_at(&self, i: usize) -> Option<&str> {
        match self.toks.get(i).map(|t| &t.tok) {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn bump(&mut self) -> Option<Token> {
        let t = self.toks.get(self.pos).cloned();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    fn eof(&self, what: &str) -> FilterError {
        FilterError::new(
            format!("unexpected end of filter: {what}"),
            Span::new(self.end, self.end + 1),
        )
    }

    fn unexpected(&self, t: &Token, what: &str) -> FilterError {
        let mut e = FilterError::new(
            format!("{} was unexpected here: {what}", t.tok.describe()),
            t.span,
        );
        if let Tok::Word(w) = &t.tok {
            if let Some(k) = nearest_keyword(w) {
                e.help = Some(format!("did you mean '{k}'?"));
            }
        }
        e
    }

    fn test(&mut self) -> Result<Test, FilterError> {
        let mut lhs = self.xor_test()?;
        while matches!(self.peek_tok(), Some(Tok::OrOr)) || self.peek_word() == Some("or") {
            self.bump();
            let rhs = self.xor_test()?;
            lhs = Test::Or(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn xor_test(&mut self) -> Result<Test, FilterError> {
        let mut lhs = self.and_test()?;
        while matches!(self.peek_tok(), Some(Tok::XorXor)) || self.peek_word() == Some("xor") {
            self.bump();
            let rhs = self.and_test()?;
            lhs = Test::Xor(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn and_test(&mut self) -> Result<Test, FilterError> {
        let mut lhs = self.not_test()?;
        while matches!(self.peek_tok(), Some(Tok::AndAnd)) || self.peek_word() == Some("and") {
            self.bump();
            let rhs = self.not_test()?;
            lhs = Test::And(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn not_test(&mut self) -> Result<Test, FilterError> {
        if matches!(self.peek_tok(), Some(Tok::Bang)) || self.peek_word() == Some("not") {
            self.bump();
            let inner = self.not_test()?;
            return Ok(Test::Not(Box::new(inner)));
        }
        if matches!(self.peek_tok(), Some(Tok::LParen)) {
            let open = self.bump().map(|t| t.span).unwrap_or_default();
            let inner = self.test()?;
            return match self.bump() {
                Some(Token {
                    tok: Tok::RParen, ..
                }) => Ok(inner),
                Some(t) => Err(self.unexpected(&t, "expected ')'")),
                None => {
                    let mut e = self.eof("a ')' is missing");
                    e.help = Some(format!("the '(' at offset {} is never closed", open.start));
                    Err(e)
                }
            };
        }
        self.relation()
    }

    fn relation(&mut self) -> Result<Test, FilterError> {
        let quant = match self.peek_word() {
            Some("any") => Some(Quant::Any),
            Some("all") => Some(Quant::All),
            _ => None,
        };
        if quant.is_some() {
            self.bump();
        }
        let lhs = self.arith()?;
        let Some(t) = self.peek().cloned() else {
            return match quant {
                Some(_) => Err(self.eof("a relation must follow 'any' or 'all'")),
                None => Ok(Test::Value(lhs)),
            };
        };
        if let Some(op) = cmp_op(&t.tok) {
            self.bump();
            // `<>` is no operator in this language.
            if op == CmpOp::Lt && matches!(self.peek_tok(), Some(Tok::Gt)) {
                let mut e =
                    FilterError::new("unknown operator '<>'", t.span.to(self.toks[self.pos].span));
                e.help = Some("did you mean '!='?".into());
                return Err(e);
            }
            let rhs = self.arith()?;
            let mut test = Test::Rel {
                quant,
                rel: Rel::Cmp(op, lhs, rhs.clone()),
                op_span: t.span,
            };
            // `a < b < c` is `a < b and b < c`.
            let mut prev = rhs;
            while let Some(t2) = self.peek().cloned() {
                let Some(op2) = cmp_op(&t2.tok) else { break };
                self.bump();
                let next = self.arith()?;
                test = Test::And(
                    Box::new(test),
                    Box::new(Test::Rel {
                        quant,
                        rel: Rel::Cmp(op2, prev, next.clone()),
                        op_span: t2.span,
                    }),
                );
                prev = next;
            }
            return Ok(test);
        }
        let word = match &t.tok {
            Tok::Word(w) => Some(w.as_str()),
            _ => None,
        };
        let rel = match (&t.tok, word) {
            (_, Some("contains")) => {
                self.bump();
                Rel::Contains(lhs, self.arith()?)
            }
            (Tok::Tilde, _) | (_, Some("matches")) => {
                self.bump();
                Rel::Matches(lhs, self.arith()?)
            }
            (_, Some("in")) => {
                self.bump();
                Rel::In(lhs, self.set()?)
            }
            (_, Some("not")) if self.word_at(self.pos + 1) == Some("in") => {
                self.bump();
                let in_span = self.bump().map(|t| t.span).unwrap_or(t.span);
                let set = self.set()?;
                return Ok(Test::Not(Box::new(Test::Rel {
                    quant,
                    rel: Rel::In(lhs, set),
                    op_span: t.span.to(in_span),
                })));
            }
            _ => {
                return match quant {
                    Some(_) => Err(self.unexpected(&t, "a relation must follow 'any' or 'all'")),
                    None => Ok(Test::Value(lhs)),
                };
            }
        };
        Ok(Test::Rel {
            quant,
            rel,
            op_span: t.span,
        })
    }

    fn set(&mut self) -> Result<Vec<SetElem>, FilterError> {
        match self.bump() {
            Some(Token {
                tok: Tok::LBrace, ..
            }) => {}
            Some(t) => {
                return Err(self.unexpected(&t, "a set in braces must follow 'in', like {80, 443}"))
            }
            None => return Err(self.eof("a set in braces must follow 'in', like {80, 443}")),
        }
        let mut elems = Vec::new();
        loop {
            let lo = self.arith()?;
            let hi = if matches!(self.peek_tok(), Some(Tok::DotDot)) {
                self.bump();
                Some(self.arith()?)
            } else {
                None
            };
            elems.push(SetElem { lo, hi });
            match self.bump() {
                Some(Token {
                    tok: Tok::Comma, ..
                }) => continue,
                Some(Token {
                    tok: Tok::RBrace, ..
                }) => return Ok(elems),
                Some(t) => {
                    let mut e = self.unexpected(&t, "expected ',' or '}' in the set");
                    e.help =
                        Some("set members are separated by commas: {80, 443, 8000..8080}".into());
                    return Err(e);
                }
                None => return Err(self.eof("the set is not closed with '}'")),
            }
        }
    }

    /// `&`, the loosest arithmetic operator.
    fn arith(&mut self) -> Result<Operand, FilterError> {
        let mut lhs = self.sum()?;
        loop {
            let is_and = matches!(self.peek_tok(), Some(Tok::Amp))
                || self.peek_word() == Some("bitwise_and");
            if !is_and {
                return Ok(lhs);
            }
            let op_span = self.bump().map(|t| t.span).unwrap_or_default();
            let rhs = self.sum()?;
            lhs = Operand::Arith {
                op: ArithOp::BitAnd,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
                op_span,
            };
        }
    }

    fn sum(&mut self) -> Result<Operand, FilterError> {
        let mut lhs = self.product()?;
        loop {
            let op = match self.peek_tok() {
                Some(Tok::Plus) => ArithOp::Add,
                Some(Tok::Minus) => ArithOp::Sub,
                _ => return Ok(lhs),
            };
            let op_span = self.bump().map(|t| t.span).unwrap_or_default();
            let rhs = self.product()?;
            lhs = Operand::Arith {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
                op_span,
            };
        }
    }

    fn product(&mut self) -> Result<Operand, FilterError> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek_tok() {
                Some(Tok::Star) => ArithOp::Mul,
                Some(Tok::Slash) => ArithOp::Div,
                Some(Tok::Percent) => ArithOp::Mod,
                _ => return Ok(lhs),
            };
            let op_span = self.bump().map(|t| t.span).unwrap_or_default();
            let rhs = self.unary()?;
            lhs = Operand::Arith {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
                op_span,
            };
        }
    }

    fn unary(&mut self) -> Result<Operand, FilterError> {
        match self.peek_tok() {
            Some(Tok::Minus) => {
                let m = self.bump().map(|t| t.span).unwrap_or_default();
                let inner = self.unary()?;
                let span = m.to(inner.span());
                Ok(Operand::Neg {
                    inner: Box::new(inner),
                    span,
                })
            }
            Some(Tok::Plus) => {
                self.bump();
                self.unary()
            }
            _ => self.postfix(),
        }
    }

    fn postfix(&mut self) -> Result<Operand, FilterError> {
        let mut v = self.primary()?;
        while let Some(Token {
            tok: Tok::Slice(s),
            span,
        }) = self.peek().cloned()
        {
            self.bump();
            let ranges = ranges(&s, span)?;
            v = Operand::Slice {
                base: Box::new(v),
                ranges,
                span,
            };
        }
        Ok(v)
    }

    fn primary(&mut self) -> Result<Operand, FilterError> {
        let Some(t) = self.bump() else {
            return Err(self.eof("a field or a value is missing"));
        };
        match t.tok {
            Tok::Str(bytes) => Ok(Operand::Str {
                bytes,
                span: t.span,
            }),
            Tok::Char(value) => Ok(Operand::Char {
                value,
                span: t.span,
            }),
            Tok::LBrace => {
                let inner = self.arith()?;
                match self.bump() {
                    Some(Token {
                        tok: Tok::RBrace, ..
                    }) => Ok(inner),
                    Some(t) => {
                        Err(self.unexpected(&t, "expected '}' to close the arithmetic group"))
                    }
                    None => Err(self.eof("the arithmetic group is not closed with '}'")),
                }
            }
            Tok::Word(w) => {
                if KEYWORDS.contains(&w.as_str()) {
                    let t = Token {
                        tok: Tok::Word(w),
                        span: t.span,
                    };
                    return Err(FilterError::new(
                        format!(
                            "{} was unexpected here: expected a field or a value",
                            t.tok.describe()
                        ),
                        t.span,
                    ));
                }
                if matches!(self.peek_tok(), Some(Tok::LParen)) {
                    return self.call(w, t.span);
                }
                let layer = if matches!(self.peek_tok(), Some(Tok::Hash)) {
                    let hash = self.bump().map(|t| t.span).unwrap_or_default();
                    match self.bump() {
                        Some(Token {
                            tok: Tok::Word(n),
                            span,
                        }) => Some((ranges(&n, span)?, hash.to(span))),
                        Some(Token {
                            tok: Tok::Slice(s),
                            span,
                        }) => Some((ranges(&s, span)?, hash.to(span))),
                        Some(t) => {
                            return Err(self
                                .unexpected(&t, "a layer number must follow '#', like ip.src#2"))
                        }
                        None => return Err(self.eof("a layer number must follow '#'")),
                    }
                } else {
                    None
                };
                Ok(Operand::Word {
                    text: w,
                    span: t.span,
                    layer,
                })
            }
            _ => Err(self.unexpected(&t, "expected a field or a value")),
        }
    }

    fn call(&mut self, name: String, name_span: Span) -> Result<Operand, FilterError> {
        self.bump(); // (
        let mut args = Vec::new();
        if matches!(self.peek_tok(), Some(Tok::RParen)) {
            let close = self.bump().map(|t| t.span).unwrap_or_default();
            return Ok(Operand::Call {
                name,
                args,
                span: name_span.to(close),
            });
        }
        loop {
            args.push(self.arith()?);
            match self.bump() {
                Some(Token {
                    tok: Tok::Comma, ..
                }) => continue,
                Some(Token {
                    tok: Tok::RParen,
                    span,
                }) => {
                    return Ok(Operand::Call {
                        name,
                        args,
                        span: name_span.to(span),
                    })
                }
                Some(t) => {
                    return Err(self.unexpected(&t, "expected ',' or ')' after a function argument"))
                }
                None => return Err(self.eof("the function call is not closed with ')'")),
            }
        }
    }
}

fn cmp_op(t: &Tok) -> Option<CmpOp> {
    Some(match t {
        Tok::Eq => CmpOp::AnyEq,
        Tok::Ne => CmpOp::AllNe,
        Tok::AllEq => CmpOp::AllEq,
        Tok::AnyNe => CmpOp::AnyNe,
        Tok::Lt => CmpOp::Lt,
        Tok::Le => CmpOp::Le,
        Tok::Gt => CmpOp::Gt,
        Tok::Ge => CmpOp::Ge,
        Tok::Word(w) => match w.as_str() {
            "eq" | "any_eq" => CmpOp::AnyEq,
            "ne" | "all_ne" => CmpOp::AllNe,
            "all_eq" => CmpOp::AllEq,
            "any_ne" => CmpOp::AnyNe,
            "lt" => CmpOp::Lt,
            "le" => CmpOp::Le,
            "gt" => CmpOp::Gt,
            "ge" => CmpOp::Ge,
            _ => return None,
        },
        _ => return None,
    })
}

/// The keyword nearest to a mistyped one (`andd` → `and`), if any is near.
fn nearest_keyword(w: &str) -> Option<&'static str> {
    let lw = w.to_ascii_lowercase();
    if lw != w && KEYWORDS.contains(&lw.as_str()) {
        return KEYWORDS.iter().copied().find(|k| *k == lw);
    }
    KEYWORDS
        .iter()
        .copied()
        .filter(|k| k.len() > 2)
        .map(|k| (super::edit_distance(&lw, k), k))
        .filter(|&(d, _)| d == 1)
        .min()
        .map(|(_, k)| k)
}

/// Parse the inside of a slice or layer range: `0:3`, `1-2`, `-1`, `:2`,
/// `4:`, and comma-separated lists of them.
fn ranges(s: &str, span: Span) -> Result<Vec<RangeNode>, FilterError> {
    let bad = |part: &str| {
        let mut e = FilterError::new(format!("'{part}' is not a valid range"), span);
        e.help = Some(
            "ranges are [i:len], [i-j] (j included), [i], [:len] or [i:], offsets may be negative"
                .into(),
        );
        e
    };
    let num = |t: &str| -> Option<i64> { t.trim().parse::<i64>().ok() };
    let mut out = Vec::new();
    for part in s.split(',') {
        let p = part.trim();
        if p.is_empty() {
            return Err(bad(p));
        }
        let node = if let Some((a, b)) = p.split_once(':') {
            let start = if a.trim().is_empty() {
                0
            } else {
                num(a).ok_or_else(|| bad(p))?
            };
            let len = if b.trim().is_empty() {
                if a.trim().is_empty() {
                    return Err(bad(p));
                }
                None
            } else {
                let l = num(b).ok_or_else(|| bad(p))?;
                if l <= 0 {
                    return Err(bad(p));
                }
                Some(l)
            };
            RangeNode::StartLen { start, len }
        } else if let Some(idx) = p[1..].find('-').map(|i| i + 1) {
            // `-3-5`: the first '-' may be the start's sign.
            let start = num(&p[..idx]).ok_or_else(|| bad(p))?;
            let end = num(&p[idx + 1..]).ok_or_else(|| bad(p))?;
            RangeNode::StartEnd { start, end }
        } else {
            RangeNode::StartLen {
                start: num(p).ok_or_else(|| bad(p))?,
                len: Some(1),
            }
        };
        out.push(node);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(t: &str, a: usize) -> Operand {
        Operand::Word {
            text: t.into(),
            span: Span::new(a, a + t.len()),
            layer: None,
        }
    }

    /// A compact rendering of the tree for the tests.
    fn show(t: &Test) -> String {
        match t {
            Test::Or(a, b) => format!("(or {} {})", show(a), show(b)),
            Test::Xor(a, b) => format!("(xor {} {})", show(a), show(b)),
            Test::And(a, b) => format!("(and {} {})", show(a), show(b)),
            Test::Not(a) => format!("(not {})", show(a)),
            Test::Value(v) => op(v),
            Test::Rel { quant, rel, .. } => {
                let q = match quant {
                    Some(Quant::Any) => "any ",
                    Some(Quant::All) => "all ",
                    None => "",
                };
                match rel {
                    Rel::Cmp(o, a, b) => format!("({q}{} {} {})", o.symbol(), op(a), op(b)),
                    Rel::Contains(a, b) => format!("({q}contains {} {})", op(a), op(b)),
                    Rel::Matches(a, b) => format!("({q}matches {} {})", op(a), op(b)),
                    Rel::In(a, s) => format!(
                        "({q}in {} {{{}}})",
                        op(a),
                        s.iter()
                            .map(|e| match &e.hi {
                                Some(h) => format!("{}..{}", op(&e.lo), op(h)),
                                None => op(&e.lo),
                            })
                            .collect::<Vec<_>>()
                            .join(",")
                    ),
                }
            }
        }
    }

    fn op(o: &Operand) -> String {
        match o {
            Operand::Word { text, layer, .. } => match layer {
                Some((r, _)) => format!("{text}#{r:?}"),
                None => text.clone(),
            },
            Operand::Str { bytes, .. } => format!("{:?}", String::from_utf8_lossy(bytes)),
            Operand::Char { value, .. } => format!("'{}'", *value as char),
            Operand::Slice { base, ranges, .. } => format!("{}{ranges:?}", op(base)),
            Operand::Call { name, args, .. } => {
                format!(
                    "{name}({})",
                    args.iter().map(op).collect::<Vec<_>>().join(",")
                )
            }
            Operand::Arith {
                op: o, lhs, rhs, ..
            } => format!("[{} {} {}]", o.symbol(), op(lhs), op(rhs)),
            Operand::Neg { inner, .. } => format!("-{}", op(inner)),
        }
    }

    fn p(s: &str) -> String {
        show(&parse(s).unwrap_or_else(|e| panic!("{s}: {e}")))
    }

    #[test]
    fn comparisons_in_both_spellings() {
        for (a, b) in [
            ("==", "eq"),
            ("!=", "ne"),
            ("===", "all_eq"),
            ("!==", "any_ne"),
            ("<", "lt"),
            ("<=", "le"),
            (">", "gt"),
            (">=", "ge"),
        ] {
            assert_eq!(p(&format!("x {a} 1")), p(&format!("x {b} 1")));
        }
        assert_eq!(p("x ~= 1"), "(!== x 1)");
        assert_eq!(p("x any_eq 1"), "(== x 1)");
        assert_eq!(p("x all_ne 1"), "(!= x 1)");
    }

    #[test]
    fn precedence_as_wireshark() {
        assert_eq!(p("a or b and c"), "(or a (and b c))");
        assert_eq!(p("a || b && c"), "(or a (and b c))");
        assert_eq!(p("a and b or c"), "(or (and a b) c)");
        assert_eq!(p("not a and b"), "(and (not a) b)");
        assert_eq!(p("! a == 1"), "(not (== a 1))");
        assert_eq!(p("a or b xor c and d"), "(or a (xor b (and c d)))");
        assert_eq!(p("a ^^ b"), "(xor a b)");
        assert_eq!(p("(a or b) and c"), "(and (or a b) c)");
        assert_eq!(p("not not a"), "(not (not a))");
        assert_eq!(p("a and b and c"), "(and (and a b) c)");
    }

    #[test]
    fn arithmetic_precedence() {
        assert_eq!(p("a & 0x12 == 0x12"), "(== [& a 0x12] 0x12)");
        assert_eq!(p("a + 1 * 2 == 5"), "(== [+ a [* 1 2]] 5)");
        assert_eq!(p("{a + 1} * 2 == 5"), "(== [* [+ a 1] 2] 5)");
        assert_eq!(p("a - 1 == b % 3"), "(== [- a 1] [% b 3])");
        assert_eq!(p("a == -1"), "(== a -1)");
        assert_eq!(p("a & 2"), "[& a 2]");
        assert_eq!(p("a bitwise_and 2"), "[& a 2]");
        // Wireshark: subtraction needs a space before '-'
        assert_eq!(p("a-1"), "a-1");
    }

    #[test]
    fn relations() {
        assert_eq!(p("a contains \"x\""), "(contains a \"x\")");
        assert_eq!(p("a matches \"x\""), "(matches a \"x\")");
        assert_eq!(p("a ~ \"x\""), "(matches a \"x\")");
        assert_eq!(p("a in {1, 2..3}"), "(in a {1,2..3})");
        assert_eq!(p("a not in {1}"), "(not (in a {1}))");
        assert_eq!(p("a in {-1 .. 5}"), "(in a {-1..5})");
        assert_eq!(p("all a > 1"), "(all > a 1)");
        assert_eq!(p("any a != 1"), "(any != a 1)");
        assert_eq!(p("1 < a < 3"), "(and (< 1 a) (< a 3))");
        assert_eq!(p("a contains 'x'"), "(contains a 'x')");
    }

    #[test]
    fn slices_layers_and_calls() {
        assert_eq!(
            p("eth.src[0:3] == 00:11:22"),
            "(== eth.src[StartLen { start: 0, len: Some(3) }] 00:11:22)"
        );
        assert_eq!(
            p("x[1-2,5,:2,4:,-1]"),
            "x[StartEnd { start: 1, end: 2 }, StartLen { start: 5, len: Some(1) }, StartLen { start: 0, len: Some(2) }, StartLen { start: 4, len: None }, StartLen { start: -1, len: Some(1) }]"
        );
        assert_eq!(
            p("ip.src#2"),
            "ip.src#[StartLen { start: 2, len: Some(1) }]"
        );
        assert_eq!(p("ip.src#[1-2]"), "ip.src#[StartEnd { start: 1, end: 2 }]");
        assert_eq!(p("len(a) > 1"), "(> len(a) 1)");
        assert_eq!(
            p("lower(a)[0:1] == \"x\""),
            "(== lower(a)[StartLen { start: 0, len: Some(1) }] \"x\")"
        );
        assert_eq!(p("f()"), "f()");
    }

    #[test]
    fn operand_spans() {
        let t = parse("eth.src[0:3] == 1").unwrap();
        let Test::Rel {
            rel: Rel::Cmp(_, a, b),
            op_span,
            ..
        } = t
        else {
            panic!()
        };
        assert_eq!(a.span(), Span::new(0, 12));
        assert_eq!(b, word("1", 16));
        assert_eq!(op_span, Span::new(13, 15));
    }

    fn err(s: &str) -> FilterError {
        parse(s).expect_err(s)
    }

    #[test]
    fn syntax_errors_point_at_the_place() {
        let e = err("tcp.port == 80 andd ip");
        assert_eq!(e.span, Span::new(15, 19));
        assert_eq!(e.help.as_deref(), Some("did you mean 'and'?"));
        let e = err("tcp.port ==");
        assert_eq!(e.span, Span::new(11, 12));
        assert!(e.msg.contains("end of filter"), "{}", e.msg);
        let e = err("(tcp.port == 80");
        assert_eq!(e.span, Span::new(15, 16));
        let e = err("tcp.port == 80)");
        assert_eq!(e.span, Span::new(14, 15));
        let e = err("tcp.port <> 80");
        assert_eq!(e.span, Span::new(9, 11));
        assert_eq!(e.help.as_deref(), Some("did you mean '!='?"));
        let e = err("tcp.port in {80 443}");
        assert_eq!(e.span, Span::new(16, 19));
        let e = err("x[1:0]");
        assert_eq!(e.span, Span::new(1, 6));
        let e = err("x[a]");
        assert_eq!(e.span, Span::new(1, 4));
        let e = err("tcp.port AND ip");
        assert_eq!(e.help.as_deref(), Some("did you mean 'and'?"));
        let e = err("");
        assert!(e.msg.contains("empty"));
        let e = err("a == and");
        assert_eq!(e.span, Span::new(5, 8));
        let e = err("all a");
        assert!(e.msg.contains("'any' or 'all'"));
    }
}
