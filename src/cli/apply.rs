//! `runitctl apply SPEC`: write the plan atomically, then drive the supervisor.
//! Exit 0 ok, 1 error (including a runsv that did not pick a service up in time), 3 a service
//! did not come up (with `--wait`).
//!
//! Order: load and validate, build the model, resolve owners (any error: nothing written);
//! lock every sv_dir; observe and diff under the lock; write (disabled and pruned services'
//! runsvs get `x` right after their links go); then, unless `--no-supervise`, with the sv_dir
//! locks still held (so two applies never start two runsvdirs): start a runsvdir on the system
//! service dir if nothing scans it, wait until every service and logger has a runsv, run the
//! restarts/HUPs the plan derived, and with `--wait` wait for every service to be up
//! ([`crate::drive`]). Ends with one summary line.

use super::plan::{exiting, make_plan, make_plan_cached, out, prepare_as, print_plan, Only};
use super::{Format, Global};
use crate::apply::{self, ApplyOptions};
use crate::drive::{summary_line, Backend, Driver};
use crate::plan::StatCache;
use crate::spec::Supervisor;
use crate::timings::phase;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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
    #[command(flatten)]
    pub only: Only,
}

pub fn run(g: &Global, a: &ApplyArgs) -> i32 {
    let started = Instant::now();
    let prepared = match prepare_as(g, &a.spec, None, g.root.clone(), &a.only) {
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
    let _locks = match phase("lock", || apply::lock_all(root, &sv_dirs, is_root, timeout)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("runitctl: apply: error: {e}");
            return 1;
        }
    };
    let (plan, seen) = match make_plan_cached(&prepared, root) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if !plan.in_sync() {
        print_plan(&plan, Format::Text, false);
    }
    let backend = match prepared.supervisor {
        Supervisor::Runit => Backend::Runit,
        Supervisor::Embedded => Backend::Embedded(
            std::env::current_exe().unwrap_or_else(|_| PathBuf::from("/proc/self/exe")),
        ),
    };
    let mut driver =
        (!a.no_supervise).then(|| Driver::new(root, &prepared.model, &plan, backend, timeout));
    let opts = ApplyOptions {
        timeout,
        on_unlink: driver.as_ref().map(Driver::unlink_hook),
    };
    let report = match phase("write", || apply::apply(&plan, &opts)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("runitctl: apply: error: {e}");
            return 1;
        }
    };
    for k in &report.kept {
        eprintln!("warning: {k}");
    }
    // What this apply changed no longer matches its entry (new inode or ctime), so the cache
    // is saved as observed, when observe read something it did not have. Failing to save only
    // makes the next plan read more.
    if seen.learned() {
        if let Some(f) = StatCache::file(root, &prepared.model.project, true) {
            let _ = phase("cache save", || seen.save(&f));
        }
    }
    let Some(d) = driver.as_mut() else {
        if a.wait {
            eprintln!("note: --wait has no effect with --no-supervise");
        }
        out(&format!("{}\n", report.summary_line()));
        exiting((prepared, plan));
        return 0;
    };
    if let Err(e) = phase("scanners", || d.start_scanners()) {
        eprintln!("runitctl: apply: error: {e}");
        return 1;
    }
    // Restarts go to runsvs that ran before anything was written: sent before the pick-up
    // wait, they overlap it.
    let early = d
        .sends_before_pickup()
        .then(|| phase("send", || d.send(&report.kept)));
    if let Err(e) = phase("pickup", || d.pickup()) {
        d.release_warnings();
        eprintln!("runitctl: apply: error: {e}");
        return 1;
    }
    let sent = early.unwrap_or_else(|| phase("send", || d.send(&report.kept)));
    let restarted = phase("act", || d.finish(sent));
    let failed = if a.wait {
        phase("ready", || d.ready())
    } else {
        0
    };
    let changed = plan.services.len();
    let in_model: std::collections::BTreeSet<_> =
        prepared.model.services.iter().map(|m| &m.id).collect();
    let unchanged = prepared.model.services.len().saturating_sub(
        plan.services
            .iter()
            .filter(|s| in_model.contains(&s.id))
            .count(),
    );
    out(&format!(
        "{}\n",
        summary_line(changed, restarted, unchanged, started.elapsed())
    ));
    drop(driver);
    exiting((prepared, plan));
    if failed > 0 {
        eprintln!("runitctl: apply: {failed} service(s) did not come up");
        return 3;
    }
    0
}
