//! `runitctl check SPEC`: parse and validate, print every diagnostic; exit 0 valid, 1 invalid.

use super::Global;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The services.yaml to check.
    pub spec: PathBuf,
}

pub fn run(_g: &Global, _a: &CheckArgs) -> i32 {
    eprintln!("runitctl: check: not implemented yet");
    1
}
