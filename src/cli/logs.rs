//! `runitctl logs SERVICE`: rotated files and `current`, in order.

use super::Global;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct LogsArgs {
    /// A service name from the spec, or a log directory.
    pub service: String,
    /// The spec that declares SERVICE.
    #[arg(long, default_value = "services.yaml")]
    pub spec: PathBuf,
    /// Follow, across rotations.
    #[arg(short, long)]
    pub follow: bool,
    /// Show the last N lines.
    #[arg(short = 'n', long)]
    pub lines: Option<usize>,
}

pub fn run(_g: &Global, _a: &LogsArgs) -> i32 {
    eprintln!("runitctl: logs: not implemented yet");
    1
}
