//! `wiresift fields`: the registry as a table, like `tshark -G fields`.

use crate::args::FieldsArgs;
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;
use wiresift_wire::field::Kind;
use wiresift_wire::{registry, Proto};

pub fn run(a: &FieldsArgs) -> Result<ExitCode> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if a.protocols {
        for p in Proto::ALL {
            writeln!(out, "{}\t{}", p.name(), p.title())?;
        }
    } else {
        let mut listed = std::collections::HashSet::new();
        // A name two protocols share is listed once, under its first owner.
        for (p, d) in registry::all().filter(|(_, d)| listed.insert(d.name)) {
            writeln!(
                out,
                "{}\t{}\t{}\t{}",
                d.name,
                kind_name(d.kind),
                p.name(),
                d.desc
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Dec => "uint",
        Kind::Hex(_) => "uint(hex)",
        Kind::Signed => "int",
        Kind::Bool => "bool",
        Kind::Ipv4 => "ipv4",
        Kind::Ipv6 => "ipv6",
        Kind::Ether => "ether",
        Kind::Bytes => "bytes",
        Kind::Str => "string",
        Kind::AbsTime => "abs_time",
        Kind::RelTime => "rel_time",
        Kind::Float => "float",
        Kind::None => "label",
    }
}
