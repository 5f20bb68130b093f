//! `runitctl <command>`: argument parsing (clap) and dispatch to one file per command.
//! Each command returns its exit code; nothing here does the work itself.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

mod apply;
mod bootstrap;
mod check;
pub mod common;
mod import;
mod logs;
mod plan;
mod render;
mod shutdown;
mod status;

/// Options every command takes.
#[derive(Args, Clone, Debug, Default)]
pub struct Global {
    /// Relocate every managed path, and every path inside generated scripts, under DIR
    /// (a self-contained sandbox).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

#[derive(Parser, Debug)]
#[command(
    name = "runitctl",
    version,
    about = "Declarative runit services and an embedded runit-compatible supervisor"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Parse and validate a spec; print every problem.
    Check(check::CheckArgs),
    /// Write the generated tree for another root (image builds).
    Render(render::RenderArgs),
    /// Show what apply would change (exit 0 in sync, 2 changes pending, 1 error).
    Plan(plan::PlanArgs),
    /// Write the plan, then drive the supervisor.
    Apply(apply::ApplyArgs),
    /// One row per service: state, pid, uptime, restarts, last exit, enabled, drift.
    Status(status::StatusArgs),
    /// Show a service's log (rotated files, then current).
    Logs(logs::LogsArgs),
    /// Stop every service, logger and runsvdir runitctl started for the spec's service dirs.
    Shutdown(shutdown::ShutdownArgs),
    /// Write services.yaml from another format.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Print or install what keeps the embedded runsvdir running at boot.
    Bootstrap(bootstrap::BootstrapArgs),
    /// runit's sv (also: runitctl runsv|runsvdir|svlogd|chpst …).
    #[command(disable_help_flag = true)]
    Sv {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<OsString>,
    },
}

/// Output format of plan and status.
#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Text,
    Json,
    Markdown,
}

/// Runs `runitctl …` (args include argv[0]); returns the exit code.
pub fn main(args: Vec<OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let mut global = cli.global;
    // A relative --root would end up, relative, inside scripts and links: anchor it here.
    if let Some(r) = global.root.take() {
        global.root = Some(std::path::absolute(&r).unwrap_or(r));
    }
    let g = &global;
    match cli.command {
        Command::Check(a) => check::run(g, &a),
        Command::Render(a) => render::run(g, &a),
        Command::Plan(a) => crate::timings::phase("plan total", || plan::run(g, &a)),
        Command::Apply(a) => crate::timings::phase("apply total", || apply::run(g, &a)),
        Command::Status(a) => status::run(g, &a),
        Command::Logs(a) => logs::run(g, &a),
        Command::Shutdown(a) => shutdown::run(g, &a),
        Command::Import(a) => import::run(g, &a),
        Command::Bootstrap(a) => bootstrap::run(g, &a),
        Command::Sv { mut args } => {
            args.insert(0, "sv".into());
            crate::sv::main(args)
        }
    }
}
