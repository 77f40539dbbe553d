//! `wiresift logs`: Zeek-style logs of a capture. Being written.

use crate::args::LogsArgs;
use anyhow::{bail, Result};
use std::process::ExitCode;

pub fn run(a: &LogsArgs) -> Result<ExitCode> {
    bail!("logs {}: not written yet", a.log)
}
