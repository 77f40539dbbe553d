//! Diagnostics for text the user typed (filters, field names): how far a
//! word is from a known one, and an error line with a caret under the place.

use std::fmt;

/// Edits between `a` and `b`, counting a swap of two neighbours as one edit
/// (optimal string alignment), so that `prot` is one edit from `port`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (i, row) in d.chunks_mut(w).enumerate() {
        if let Some(first) = row.first_mut() {
            *first = i;
        }
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

/// The column (in characters) where a caret under bytes `start..end` of
/// `src` starts, and how many characters it underlines (at least one; a
/// place past the end, such as a missing token, gets one caret there).
pub fn caret(src: &str, start: usize, end: usize) -> (usize, usize) {
    let clamp = |i: usize| {
        let mut i = i.min(src.len());
        while !src.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (s, e) = (clamp(start), clamp(end.max(start)));
    let width = src[s..e].chars().count().max(1);
    let col = if start >= src.len() {
        src.chars().count()
    } else {
        src[..s].chars().count()
    };
    (col, width)
}

/// Write `msg`, then (when `src` is not empty) the text with a caret line
/// under bytes `start..end`, then `help` on a line of its own:
///
/// ```text
/// unknown field 'tcp.prot'
///     tcp.prot == 80
///     ^~~~~~~~
///     did you mean tcp.port?
/// ```
pub fn write_error(
    f: &mut fmt::Formatter<'_>,
    msg: &str,
    src: &str,
    (start, end): (usize, usize),
    help: Option<&str>,
) -> fmt::Result {
    f.write_str(msg)?;
    if !src.is_empty() {
        let (col, width) = caret(src, start, end);
        let shown: String = src
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        write!(
            f,
            "\n    {shown}\n    {}^{}",
            " ".repeat(col),
            "~".repeat(width - 1)
        )?;
    }
    if let Some(h) = help {
        write!(f, "\n    {h}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("tcp.prot", "tcp.port"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("ab", "ab"), 0);
    }

    #[test]
    fn carets() {
        assert_eq!(caret("tcp.prot == 80", 0, 8), (0, 8));
        assert_eq!(caret("ab", 5, 5), (2, 1));
        // Multi-byte characters count as one column.
        assert_eq!(caret("é x", 3, 4), (2, 1));
    }
}
