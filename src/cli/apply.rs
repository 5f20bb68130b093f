//! `runitctl apply SPEC`: write the plan atomically, then drive the supervisor.
//! Exit 0 ok, 1 error, 3 a service did not come up (with `--wait`).

use super::Global;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct ApplyArgs {
    pub spec: PathBuf,
    /// Show the plan and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write files only; do not touch the supervisor.
    #[arg(long)]
    pub no_supervise: bool,
    /// Fail (exit 3) unless every enabled, not-down service is up and its check passes.
    #[arg(long)]
    pub wait: bool,
    /// Seconds to wait for runsv to pick services up.
    #[arg(long, default_value_t = 15)]
    pub timeout: u64,
}

pub fn run(_g: &Global, _a: &ApplyArgs) -> i32 {
    eprintln!("runitctl: apply: not implemented yet");
    1
}
