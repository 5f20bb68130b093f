//! `runitctl apply SPEC`: write the plan atomically, then drive the supervisor.
//! Exit 0 ok, 1 error, 3 a service did not come up (with `--wait`).
//!
//! Order: load and validate, build the model, resolve owners (any error: nothing written);
//! lock every sv_dir; observe and diff under the lock; write. Driving the supervisor is not
//! built yet: apply writes files and says which actions are pending.

use super::plan::{make_plan, out, prepare, print_plan};
use super::{Format, Global};
use crate::apply::{self, ApplyOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

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

pub fn run(g: &Global, a: &ApplyArgs) -> i32 {
    let prepared = match prepare(g, &a.spec, g.root.clone()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let root = g.root.as_deref();
    if a.dry_run {
        let plan = match make_plan(&prepared, root, true) {
            Ok(p) => p,
            Err(code) => return code,
        };
        print_plan(&plan, Format::Text, false);
        out("dry run: nothing written\n");
        return 0;
    }
    let is_root = nix::unistd::geteuid().is_root();
    if !is_root {
        eprintln!("note: not root: files keep your ownership");
    }
    let timeout = Duration::from_secs(a.timeout);
    let sv_dirs: Vec<(&Path, Option<(u32, u32)>)> = prepared
        .model
        .trees
        .iter()
        .map(|t| (t.sv_dir.as_path(), prepared.ids.get(&t.owner).copied()))
        .collect();
    let _locks = match apply::lock_all(root, &sv_dirs, is_root, timeout) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("runitctl: apply: error: {e}");
            return 1;
        }
    };
    let plan = match make_plan(&prepared, root, true) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if !plan.in_sync() {
        print_plan(&plan, Format::Text, false);
    }
    let report = match apply::apply(&plan, &ApplyOptions { timeout }) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("runitctl: apply: error: {e}");
            return 1;
        }
    };
    for k in &report.kept {
        eprintln!("warning: {k}");
    }
    let pending = plan.services.iter().any(|s| !s.actions.is_empty());
    if pending && !a.no_supervise {
        eprintln!(
            "note: supervisor actions above are not driven yet; run them with `sv` (or pass --no-supervise)"
        );
    }
    if a.wait {
        eprintln!("note: --wait needs the supervisor driver, which is not built yet; not waiting");
    }
    out(&format!("{}\n", report.summary_line()));
    0
}
