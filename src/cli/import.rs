//! `runitctl import procfile PROCFILE`: write services.yaml from a Procfile (foreman semantics).

use super::Global;
use std::path::PathBuf;

#[derive(clap::Subcommand, Debug)]
pub enum ImportCommand {
    /// From a Procfile, as `foreman export runit` would.
    Procfile(ProcfileArgs),
}

#[derive(clap::Args, Debug)]
pub struct ProcfileArgs {
    pub procfile: PathBuf,
    /// An env file (KEY=VALUE lines) applied to every process.
    #[arg(long)]
    pub env: Vec<PathBuf>,
    /// Run every process as USER (and put them in USER's tree).
    #[arg(long)]
    pub user: Option<String>,
    /// How many of each process, e.g. `web=2,worker=1` (default 1 each).
    #[arg(long)]
    pub formation: Option<String>,
    /// Base port (foreman: 5000).
    #[arg(long, default_value_t = 5000)]
    pub port: u16,
    /// Write here instead of standard output.
    #[arg(short, long)]
    pub out: Option<PathBuf>,
}

pub fn run(_g: &Global, _a: &ImportCommand) -> i32 {
    eprintln!("runitctl: import: not implemented yet");
    1
}
