//! `runitctl status [SPEC]`: one row per service.

use super::Global;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct StatusArgs {
    pub spec: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(_g: &Global, _a: &StatusArgs) -> i32 {
    eprintln!("runitctl: status: not implemented yet");
    1
}
