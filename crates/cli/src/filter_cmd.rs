//! `wiresift filter --explain EXPR`: how a display filter is understood;
//! `wiresift filter --bpf EXPR [--linktype N]`: a capture filter's BPF
//! program, printed like `tcpdump -d`.

use crate::args::FilterArgs;
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;
use wiresift_capture::bpf;
use wiresift_engine::filter::Filter;

pub fn run(a: &FilterArgs) -> Result<ExitCode> {
    if a.linktype.is_some() && a.bpf.is_none() {
        anyhow::bail!("--linktype goes with --bpf (display filters do not depend on it)");
    }
    if let Some(expr) = &a.bpf {
        let target = bpf::Target::new(a.linktype.unwrap_or(1));
        return match bpf::compile(expr, &target) {
            Ok(prog) => {
                let mut out = std::io::stdout().lock();
                out.write_all(bpf::dump::dump(&prog).as_bytes())?;
                out.flush()?;
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("wiresift: {e}");
                Ok(ExitCode::FAILURE)
            }
        };
    }
    let Some(expr) = &a.explain else {
        anyhow::bail!("nothing to do: give --explain EXPR");
    };
    match Filter::compile(expr) {
        Ok(f) => {
            let mut out = std::io::stdout().lock();
            out.write_all(f.explain().as_bytes())?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("wiresift: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
