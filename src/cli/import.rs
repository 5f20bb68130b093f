//! `runitctl import procfile PROCFILE`: write services.yaml from a Procfile (foreman semantics).
//! The work is in [`crate::import`]; this file maps flags and writes the result.

use super::Global;
use crate::import::{import_procfile, ProcfileImport};
use crate::replace::{replace_file, Durability};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Subcommand, Debug)]
pub enum ImportCommand {
    /// From a Procfile, as `foreman export runit` would.
    Procfile(ProcfileArgs),
}

#[derive(clap::Args, Debug)]
pub struct ProcfileArgs {
    pub procfile: PathBuf,
    /// An env file (KEY=VALUE lines) applied to every process; repeatable, later wins
    /// [default: .env beside the Procfile, if it exists].
    #[arg(long, value_name = "FILE")]
    pub env: Vec<PathBuf>,
    /// Put every process in USER's tree (the per-user runsvdir pattern), running as USER.
    #[arg(long)]
    pub user: Option<String>,
    /// How many of each process, e.g. `web=2,worker=1` or `all=1,web=3`. Without it, one of
    /// each; with it, a process not named gets `all`'s count, else 0 (as foreman).
    #[arg(short = 'm', long)]
    pub formation: Option<String>,
    /// Base port: PORT = base + 100 × position + instance − 1
    /// [default: PORT from the env files, else 5000].
    #[arg(short, long)]
    pub port: Option<u16>,
    /// App name: the project tag and the service-name prefix [default: the app dir's name].
    #[arg(short, long)]
    pub app: Option<String>,
    /// The app directory, used as every service's cwd [default: the Procfile's directory].
    #[arg(short, long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Write here (atomically) instead of standard output.
    #[arg(short, long)]
    pub out: Option<PathBuf>,
}

pub fn run(_g: &Global, a: &ImportCommand) -> i32 {
    let ImportCommand::Procfile(a) = a;
    let opts = ProcfileImport {
        procfile: a.procfile.clone(),
        env_files: a.env.clone(),
        user: a.user.clone(),
        formation: a.formation.clone(),
        port: a.port,
        app: a.app.clone(),
        dir: a.dir.clone(),
    };
    let imported = match import_procfile(&opts) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    for w in &imported.warnings {
        eprintln!("{w}");
    }
    let written = match &a.out {
        // Mode 0666 less the umask, as for any file the operator writes; fsynced.
        Some(path) => replace_file(path, imported.yaml.as_bytes(), 0o666, Durability::Synced),
        None => std::io::stdout().write_all(imported.yaml.as_bytes()),
    };
    match written {
        Ok(()) => 0,
        Err(e) => {
            let target = a.out.as_deref().unwrap_or(Path::new("standard output"));
            eprintln!("error: cannot write {}: {e}", target.display());
            1
        }
    }
}
