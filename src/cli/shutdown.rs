//! `runitctl shutdown [SPEC]`: stop every service, logger and runsvdir runitctl started for the
//! spec's service dirs (without SPEC: every one recorded under `--root`), leaving no process
//! behind ([`crate::drive::shutdown`]). Exit 0 when nothing is left, 1 otherwise.

use super::Global;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct ShutdownArgs {
    pub spec: Option<PathBuf>,
    /// Seconds to wait for services to stop before killing them.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

pub fn run(g: &Global, a: &ShutdownArgs) -> i32 {
    let root = g.root.as_deref();
    let dirs: Option<Vec<PathBuf>> = match &a.spec {
        None => None,
        Some(spec) => match super::plan::prepare(g, spec, g.root.clone()) {
            Ok(p) => Some(
                p.model
                    .trees
                    .iter()
                    .map(|t| t.service_dir.clone())
                    .collect(),
            ),
            Err(code) => return code,
        },
    };
    let timeout = Duration::from_secs(a.timeout);
    let s = crate::drive::shutdown::shutdown(root, dirs.as_deref(), timeout);
    if s.dirs.is_empty() {
        println!("nothing to stop: no runsvdir started by runitctl is recorded");
        return 0;
    }
    for d in &s.dirs {
        println!("stopped: {}", d.display());
    }
    let killed = if s.killed > 0 {
        format!(" ({} needed SIGKILL)", s.killed)
    } else {
        String::new()
    };
    println!("shutdown: {} processes stopped{killed}", s.processes);
    if s.left.is_empty() {
        0
    } else {
        eprintln!("runitctl: shutdown: still running: {}", s.left.join(", "));
        1
    }
}
