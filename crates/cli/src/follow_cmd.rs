//! `wiresift follow tcp|udp N -r FILE`: one stream's payload as tshark's
//! `-z follow` prints it (being written).

use crate::args::FollowArgs;
use anyhow::{bail, Result};
use std::process::ExitCode;

pub fn run(_a: &FollowArgs) -> Result<ExitCode> {
    bail!("follow: not implemented yet")
}
