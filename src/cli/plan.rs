//! `runitctl plan SPEC`: what apply would change; exit 0 in sync, 2 changes pending, 1 error.

use super::{Format, Global};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    pub spec: PathBuf,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Show env values in diffs (masked by default).
    #[arg(long)]
    pub show_secrets: bool,
}

pub fn run(_g: &Global, _a: &PlanArgs) -> i32 {
    eprintln!("runitctl: plan: not implemented yet");
    1
}
