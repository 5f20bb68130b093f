//! `runitctl shutdown [SPEC]`: stop everything runitctl started for the spec's service dirs.

use super::Global;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct ShutdownArgs {
    pub spec: Option<PathBuf>,
}

pub fn run(_g: &Global, _a: &ShutdownArgs) -> i32 {
    eprintln!("runitctl: shutdown: not implemented yet");
    1
}
