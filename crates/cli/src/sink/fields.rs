//! `-T fields`: one row a packet of the `-e` fields' values, in exactly
//! tshark's form, with tshark's `-E` options.

use super::{Sink, StreamMark};
use anyhow::{bail, Result};
use wiresift_engine::fields::{each, write_text, Field};
use wiresift_engine::Dissection;

/// Which occurrences of a field that occurs more than once are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Occurrence {
    All,
    First,
    Last,
}

pub struct Fields {
    refs: Vec<Field>,
    header: bool,
    separator: String,
    aggregator: String,
    occurrence: Occurrence,
    quote: Option<char>,
    s: String,
    cell: String,
    /// Where the row holds conversation numbers, when the caller asked
    /// ([`Sink::mark_streams`]); and the current cell's.
    marks: Option<Vec<StreamMark>>,
    cell_marks: Vec<StreamMark>,
}

impl Fields {
    /// Build from resolved fields and the user's `-E` options.
    pub fn new(refs: Vec<Field>, opts: &[String]) -> Result<Self> {
        let mut f = Fields {
            refs,
            header: false,
            separator: "\t".into(),
            aggregator: ",".into(),
            occurrence: Occurrence::All,
            quote: None,
            s: String::new(),
            cell: String::new(),
            marks: None,
            cell_marks: Vec::new(),
        };
        for o in opts {
            let Some((k, v)) = o.split_once('=') else {
                bail!("-E {o}: expected OPTION=VALUE (header, separator, occurrence, aggregator, quote)");
            };
            match (k, v) {
                ("header", "y") => f.header = true,
                ("header", "n") => f.header = false,
                ("separator", v) => f.separator = special(v),
                ("aggregator", v) => f.aggregator = special(v),
                ("occurrence", "a") => f.occurrence = Occurrence::All,
                ("occurrence", "f") => f.occurrence = Occurrence::First,
                ("occurrence", "l") => f.occurrence = Occurrence::Last,
                ("quote", "d") => f.quote = Some('"'),
                ("quote", "s") => f.quote = Some('\''),
                ("quote", "n") => f.quote = None,
                _ => bail!("-E {o}: unknown option or value (header=y|n, separator=/t|/s|C, occurrence=a|f|l, aggregator=/s|C, quote=d|s|n)"),
            }
        }
        Ok(f)
    }
}

/// tshark's escapes for separators: `/t` tab, `/s` space.
fn special(v: &str) -> String {
    match v {
        "/t" => "\t".into(),
        "/s" => " ".into(),
        other => other.into(),
    }
}

impl Sink for Fields {
    fn start(&mut self, out: &mut Vec<u8>) {
        if self.header {
            let names: Vec<&str> = self.refs.iter().map(|r| r.name()).collect();
            out.extend_from_slice(names.join(&self.separator).as_bytes());
            out.push(b'\n');
        }
    }

    fn shows_streams(&self) -> bool {
        self.refs.iter().any(Field::is_stream_number)
    }

    fn mark_streams(&mut self) -> bool {
        self.marks = Some(Vec::new());
        true
    }

    fn marks(&self) -> &[StreamMark] {
        self.marks.as_deref().unwrap_or_default()
    }

    fn packet(&mut self, d: &Dissection, out: &mut Vec<u8>) {
        let s = &mut self.s;
        s.clear();
        if let Some(m) = self.marks.as_mut() {
            m.clear();
        }
        for (i, r) in self.refs.iter().enumerate() {
            if i > 0 {
                s.push_str(&self.separator);
            }
            let cell = &mut self.cell;
            cell.clear();
            let cell_marks = &mut self.cell_marks;
            cell_marks.clear();
            let marking = self.marks.is_some() && r.is_stream_number();
            match self.occurrence {
                Occurrence::All if !marking => {
                    write_text(d, r, &self.aggregator, cell);
                }
                occurrence => {
                    let last = occurrence == Occurrence::Last;
                    let all = occurrence == Occurrence::All;
                    each(d, r, &mut |def, v, _| {
                        if !(all || last || cell.is_empty()) {
                            return;
                        }
                        if last {
                            cell.clear();
                            cell_marks.clear();
                        } else if !cell.is_empty() {
                            cell.push_str(&self.aggregator);
                        }
                        let at = cell.len();
                        v.write_tshark(def.kind, cell);
                        if marking {
                            cell_marks.extend(StreamMark::of(def.name, &v, at, cell.len()));
                        }
                    });
                }
            }
            let quoted = self.quote.filter(|_| !cell.is_empty());
            // Where the cell's text starts in the row.
            let shift = s.len() + quoted.map_or(0, char::len_utf8);
            if let Some(m) = self.marks.as_mut() {
                m.extend(cell_marks.iter().map(|c| StreamMark {
                    at: c.at + shift,
                    ..*c
                }));
            }
            match quoted {
                Some(q) => {
                    s.push(q);
                    s.push_str(cell);
                    s.push(q);
                }
                None => s.push_str(cell),
            }
        }
        s.push('\n');
        out.extend_from_slice(s.as_bytes());
    }
}
