//! The display filter lexer: source text to tokens with their byte spans.
//!
//! Words (`ip.src`, `10.0.0.0/8`, `00:11:22`, `2001:db8::1`, `and`) are one
//! token kind: whether a word is a field, a keyword or a literal is decided
//! by the parser and the type checker, as Wireshark does with its
//! "unparsed" tokens. The contents of a slice (`[0:3]`, `[-1]`, `[1-2,5]`)
//! are scanned as one token, since `-` and `:` mean something else there.

use super::{FilterError, Span};

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A field name, keyword or unquoted literal.
    Word(String),
    /// A double-quoted string, escapes resolved (bytes: `\xff` is one byte).
    Str(Vec<u8>),
    /// A character constant `'a'`, `'\n'`, `'\x41'`.
    Char(u8),
    /// The inside of `[...]`.
    Slice(String),
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    /// `..` in sets.
    DotDot,
    /// `#` before a layer number.
    Hash,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `===`
    AllEq,
    /// `!==` or `~=`
    AnyNe,
    Lt,
    Le,
    Gt,
    Ge,
    /// `~` (matches)
    Tilde,
    /// `!`
    Bang,
    /// `&&`
    AndAnd,
    /// `||`
    OrOr,
    /// `^^`
    XorXor,
    /// `&` (bitwise and)
    Amp,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
}

impl Tok {
    /// How the token reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("'{w}'"),
            Tok::Str(_) => "a string".into(),
            Tok::Char(_) => "a character constant".into(),
            Tok::Slice(s) => format!("'[{s}]'"),
            t => format!("'{}'", t.symbol()),
        }
    }

    fn symbol(&self) -> &'static str {
        match self {
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Comma => ",",
            Tok::DotDot => "..",
            Tok::Hash => "#",
            Tok::Eq => "==",
            Tok::Ne => "!=",
            Tok::AllEq => "===",
            Tok::AnyNe => "!==",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::Tilde => "~",
            Tok::Bang => "!",
            Tok::AndAnd => "&&",
            Tok::OrOr => "||",
            Tok::XorXor => "^^",
            Tok::Amp => "&",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::Word(_) | Tok::Str(_) | Tok::Char(_) | Tok::Slice(_) => "",
        }
    }
}

/// A token and where it is in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

fn is_word_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'-')
}

/// Split `src` into tokens.
pub fn lex(src: &str) -> Result<Vec<Token>, FilterError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let next = b.get(i + 1).copied();
        let next2 = b.get(i + 2).copied();
        let (tok, len) = match c {
            b'(' => (Tok::LParen, 1),
            b')' => (Tok::RParen, 1),
            b'{' => (Tok::LBrace, 1),
            b'}' => (Tok::RBrace, 1),
            b',' => (Tok::Comma, 1),
            b'#' => (Tok::Hash, 1),
            b'+' => (Tok::Plus, 1),
            b'-' => (Tok::Minus, 1),
            b'*' => (Tok::Star, 1),
            b'/' => (Tok::Slash, 1),
            b'%' => (Tok::Percent, 1),
            b'=' if next == Some(b'=') && next2 == Some(b'=') => (Tok::AllEq, 3),
            b'=' if next == Some(b'=') => (Tok::Eq, 2),
            b'!' if next == Some(b'=') && next2 == Some(b'=') => (Tok::AnyNe, 3),
            b'!' if next == Some(b'=') => (Tok::Ne, 2),
            b'!' => (Tok::Bang, 1),
            b'~' if next == Some(b'=') => (Tok::AnyNe, 2),
            b'~' => (Tok::Tilde, 1),
            b'<' if next == Some(b'=') => (Tok::Le, 2),
            b'<' => (Tok::Lt, 1),
            b'>' if next == Some(b'=') => (Tok::Ge, 2),
            b'>' => (Tok::Gt, 1),
            b'&' if next == Some(b'&') => (Tok::AndAnd, 2),
            b'&' => (Tok::Amp, 1),
            b'|' if next == Some(b'|') => (Tok::OrOr, 2),
            b'^' if next == Some(b'^') => (Tok::XorXor, 2),
            b'.' if next == Some(b'.') => (Tok::DotDot, 2),
            b'"' => {
                let (s, len) = string(src, i, false)?;
                (Tok::Str(s), len)
            }
            b'r' if next == Some(b'"') => {
                let (s, len) = string(src, i + 1, true)?;
                (Tok::Str(s), len + 1)
            }
            b'\'' => {
                let (ch, len) = char_const(src, i)?;
                (Tok::Char(ch), len)
            }
            b'[' => {
                let Some(close) = src[i..].find(']') else {
                    return Err(FilterError::new(
                        "this '[' is never closed",
                        Span::new(i, i + 1),
                    ));
                };
                let inner = src[i + 1..i + close].trim().to_string();
                (Tok::Slice(inner), close + 1)
            }
            c if is_word_char(c) => (Tok::Word(String::new()), word_len(b, i)),
            b'=' | b'|' | b'^' => {
                let (op, want) = match (c, next) {
                    (b'=', Some(b'!')) => ("=!", "!="),
                    (b'=', _) => ("=", "=="),
                    (b'|', _) => ("|", "||"),
                    _ => ("^", "^^"),
                };
                let mut e = FilterError::new(
                    format!("unknown operator '{op}'"),
                    Span::new(i, i + op.len()),
                );
                e.help = Some(format!("did you mean '{want}'?"));
                return Err(e);
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(FilterError::new(
                    format!("unexpected character '{ch}'"),
                    Span::new(i, i + ch.len_utf8()),
                ));
            }
        };
        let tok = match tok {
            Tok::Word(_) => Tok::Word(src[start..start + len].to_string()),
            t => t,
        };
        out.push(Token {
            tok,
            span: Span::new(start, start + len),
        });
        i = start + len;
    }
    Ok(out)
}

/// Length of the word at `start`: field-name and literal characters, not
/// crossing `..` (a range in a set), and taking `/bits` after an address.
fn word_len(b: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < b.len() {
        let c = b[i];
        if c == b'.' && b.get(i + 1) == Some(&b'.') {
            break;
        }
        if is_word_char(c) {
            i += 1;
            continue;
        }
        // CIDR: `10.0.0.0/8`, `2001:db8::/32` (the word so far is an
        // address: hex digits, dots and colons only).
        if c == b'/'
            && b.get(i + 1).is_some_and(u8::is_ascii_digit)
            && b[start..i]
                .iter()
                .all(|&x| x.is_ascii_hexdigit() || x == b'.' || x == b':')
        {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            break;
        }
        break;
    }
    i - start
}

/// A string starting with the `"` at `quote`; returns its bytes and the
/// length consumed (quotes included). Raw strings keep backslashes (but a
/// `\"` still does not end them).
fn string(src: &str, quote: usize, raw: bool) -> Result<(Vec<u8>, usize), FilterError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = quote + 1;
    while i < b.len() {
        match b[i] {
            b'"' => return Ok((out, i + 1 - quote)),
            b'\\' if raw => {
                out.push(b'\\');
                if let Some(&n) = b.get(i + 1) {
                    out.push(n);
                    i += 2;
                } else {
                    i += 1;
                }
            }
            b'\\' => {
                let (v, len) = escape(src, i)?;
                out.extend_from_slice(&v);
                i += len;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err(FilterError::new(
        "this string is never closed (a '\"' is missing)",
        Span::new(quote, b.len()),
    ))
}

/// `'x'` at `quote`.
fn char_const(src: &str, quote: usize) -> Result<(u8, usize), FilterError> {
    let b = src.as_bytes();
    let bad = |end: usize| {
        FilterError::new(
            "a character constant is one character in single quotes, like 'a' or '\\x41'",
            Span::new(quote, end.min(b.len()).max(quote + 1)),
        )
    };
    let (v, len) = match b.get(quote + 1) {
        Some(b'\\') => escape(src, quote + 1)?,
        Some(&c) if c != b'\'' => (vec![c], 1),
        _ => return Err(bad(quote + 2)),
    };
    let close = quote + 1 + len;
    if v.len() != 1 || b.get(close) != Some(&b'\'') {
        return Err(bad(close + 1));
    }
    Ok((v[0], close + 1 - quote))
}

/// The escape sequence starting with the backslash at `at`: its bytes and
/// its length in the source.
fn escape(src: &str, at: usize) -> Result<(Vec<u8>, usize), FilterError> {
    let b = src.as_bytes();
    let bad = |len: usize, what: &str| {
        FilterError::new(
            format!("invalid escape sequence: {what}"),
            Span::new(at, (at + len).min(b.len())),
        )
    };
    let Some(&c) = b.get(at + 1) else {
        return Err(bad(1, "a '\\' ends the filter"));
    };
    let simple = match c {
        b'\'' => Some(b'\''),
        b'"' => Some(b'"'),
        b'\\' => Some(b'\\'),
        b'a' => Some(7),
        b'b' => Some(8),
        b'f' => Some(12),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(11),
        _ => None,
    };
    if let Some(v) = simple {
        return Ok((vec![v], 2));
    }
    match c {
        b'x' => {
            let digits: Vec<u8> = b[at + 2..]
                .iter()
                .take(2)
                .take_while(|x| x.is_ascii_hexdigit())
                .copied()
                .collect();
            if digits.is_empty() {
                return Err(bad(2, "\\x needs one or two hex digits"));
            }
            let v = hex_value(&digits) as u8;
            Ok((vec![v], 2 + digits.len()))
        }
        b'0'..=b'7' => {
            let digits: Vec<u8> = b[at + 1..]
                .iter()
                .take(3)
                .take_while(|x| (b'0'..=b'7').contains(x))
                .copied()
                .collect();
            let v = digits.iter().fold(0u32, |n, d| n * 8 + u32::from(d - b'0'));
            if v > 255 {
                return Err(bad(1 + digits.len(), "octal value above \\377"));
            }
            Ok((vec![v as u8], 1 + digits.len()))
        }
        b'u' | b'U' => {
            let n = if c == b'u' { 4 } else { 8 };
            let digits = b.get(at + 2..at + 2 + n);
            let cp = digits
                .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
                .and_then(|d| char::from_u32(hex_value(d)));
            match cp {
                Some(ch) => {
                    let mut buf = [0u8; 4];
                    Ok((ch.encode_utf8(&mut buf).as_bytes().to_vec(), 2 + n))
                }
                None => Err(bad(
                    2 + n,
                    "\\u needs 4 and \\U 8 hex digits of a code point",
                )),
            }
        }
        _ => {
            let len = src[at + 1..].chars().next().map_or(1, char::len_utf8);
            Err(bad(1 + len, "unknown escape"))
        }
    }
}

fn hex_value(d: &[u8]) -> u32 {
    d.iter().fold(0u32, |n, &x| {
        n.wrapping_mul(16)
            .wrapping_add(char::from(x).to_digit(16).unwrap_or(0))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).expect("lexes").into_iter().map(|t| t.tok).collect()
    }

    fn w(s: &str) -> Tok {
        Tok::Word(s.into())
    }

    #[test]
    fn words_and_operators() {
        assert_eq!(
            toks("tcp.port==80&&!ip"),
            vec![
                w("tcp.port"),
                Tok::Eq,
                w("80"),
                Tok::AndAnd,
                Tok::Bang,
                w("ip")
            ]
        );
        assert_eq!(
            toks("a === b !== c ~= d != e ~ f <= g >= h < i > j"),
            vec![
                w("a"),
                Tok::AllEq,
                w("b"),
                Tok::AnyNe,
                w("c"),
                Tok::AnyNe,
                w("d"),
                Tok::Ne,
                w("e"),
                Tok::Tilde,
                w("f"),
                Tok::Le,
                w("g"),
                Tok::Ge,
                w("h"),
                Tok::Lt,
                w("i"),
                Tok::Gt,
                w("j")
            ]
        );
        assert_eq!(
            toks("a || b ^^ c & 0x2 + 1 - 2 * 3 / 4 % 5"),
            vec![
                w("a"),
                Tok::OrOr,
                w("b"),
                Tok::XorXor,
                w("c"),
                Tok::Amp,
                w("0x2"),
                Tok::Plus,
                w("1"),
                Tok::Minus,
                w("2"),
                Tok::Star,
                w("3"),
                Tok::Slash,
                w("4"),
                Tok::Percent,
                w("5")
            ]
        );
    }

    #[test]
    fn addresses_are_words() {
        assert_eq!(toks("10.0.0.0/8"), vec![w("10.0.0.0/8")]);
        assert_eq!(toks("2001:db8::/32"), vec![w("2001:db8::/32")]);
        assert_eq!(toks("00:11:22"), vec![w("00:11:22")]);
        assert_eq!(toks("aa-bb-cc"), vec![w("aa-bb-cc")]);
        // a field name is not an address: `/` divides
        assert_eq!(toks("tcp.len/2"), vec![w("tcp.len"), Tok::Slash, w("2")]);
    }

    #[test]
    fn sets_and_ranges() {
        assert_eq!(
            toks("{80, 8000..8080}"),
            vec![
                Tok::LBrace,
                w("80"),
                Tok::Comma,
                w("8000"),
                Tok::DotDot,
                w("8080"),
                Tok::RBrace
            ]
        );
        assert_eq!(
            toks("{1.1.1.1 .. 1.1.1.9}"),
            vec![
                Tok::LBrace,
                w("1.1.1.1"),
                Tok::DotDot,
                w("1.1.1.9"),
                Tok::RBrace
            ]
        );
    }

    #[test]
    fn slices_are_one_token() {
        assert_eq!(
            toks("eth.src[0:3] == 00:11:22"),
            vec![
                w("eth.src"),
                Tok::Slice("0:3".into()),
                Tok::Eq,
                w("00:11:22")
            ]
        );
        assert_eq!(toks("x[-1]"), vec![w("x"), Tok::Slice("-1".into())]);
        assert_eq!(
            toks("x#[1-2]"),
            vec![w("x"), Tok::Hash, Tok::Slice("1-2".into())]
        );
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(toks(r#""a\"b""#), vec![Tok::Str(b"a\"b".to_vec())]);
        assert_eq!(
            toks(r#""\x48EAD\110\n\t\\""#),
            vec![Tok::Str(b"HEADH\n\t\\".to_vec())]
        );
        assert_eq!(toks(r#""\u00e9""#), vec![Tok::Str("é".as_bytes().to_vec())]);
        assert_eq!(toks(r#"r"\d+\"""#), vec![Tok::Str(br#"\d+\""#.to_vec())]);
        assert_eq!(
            toks(r"'a' '\n' '\x41' '\101'"),
            vec![
                Tok::Char(b'a'),
                Tok::Char(b'\n'),
                Tok::Char(b'A'),
                Tok::Char(b'A')
            ]
        );
    }

    #[test]
    fn spans_are_byte_offsets() {
        let t = lex("ip.src == 1.2.3.4").unwrap();
        assert_eq!(t[0].span, Span::new(0, 6));
        assert_eq!(t[1].span, Span::new(7, 9));
        assert_eq!(t[2].span, Span::new(10, 17));
    }

    #[test]
    fn errors_point_at_the_place() {
        let e = lex("a == \"abc").unwrap_err();
        assert_eq!(e.span, Span::new(5, 9));
        assert!(e.msg.contains("never closed"));
        let e = lex("a == \"\\q\"").unwrap_err();
        assert_eq!(e.span, Span::new(6, 8));
        let e = lex("a == $").unwrap_err();
        assert_eq!(e.span, Span::new(5, 6));
        let e = lex("eth.src[0:3").unwrap_err();
        assert_eq!(e.span, Span::new(7, 8));
        let e = lex("x == 'ab'").unwrap_err();
        assert_eq!(e.span.start, 5);
        let e = lex("tcp.port = 80").unwrap_err();
        assert_eq!(
            (e.span, e.help.as_deref()),
            (Span::new(9, 10), Some("did you mean '=='?"))
        );
        let e = lex("tcp.port =! 80").unwrap_err();
        assert_eq!(
            (e.span, e.help.as_deref()),
            (Span::new(9, 11), Some("did you mean '!='?"))
        );
        let e = lex("a | b").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean '||'?"));
    }
}
