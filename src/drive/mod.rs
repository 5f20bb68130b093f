//! Driving the supervisor after apply has written the files (SPEC §5), and `shutdown`.
//!
//! Theory of operation, for one apply:
//!
//! 1. [`Driver::new`] notes which services with pending restarts have a runsv right now (a
//!    runsv started later runs the new files already: no restart).
//! 2. While apply writes, its unlink hook ([`Driver::unlink_hook`]) sends `x` to the runsv of
//!    every service it disables or prunes, right after removing the enable link, so prune's
//!    "wait until the runsv is gone" is short and nothing is restarted behind it.
//! 3. [`Driver::start_scanners`]: the system service dir gets a runsvdir if nothing scans it
//!    ([`scanner`]: found by our pid file, or in /proc; else started detached and recorded in
//!    [`runtime`]). Users' dirs are scanned by their `runsvdir-<user>` services.
//! 4. [`Driver::send`]: the per-service actions of the plan are sent ([`actions`]) to the
//!    runsvs noted in 1, their outcome lines held; before 5 unless a runsv must be restarted
//!    ([`Driver::sends_before_pickup`]).
//! 5. [`Driver::pickup`]: bounded wait until every enabled service's and logger's
//!    `supervise/ok` has a reader; a timeout names the missing piece ([`pickup`]). It overlaps
//!    the restarts sent in 4.
//! 6. [`Driver::finish`]: the held lines, then a wait for each action sent to take effect.
//! 7. With `--wait`, [`Driver::ready`]: up for a second with `./check` passing ([`ready`]).
//!
//! [`shutdown`] stops what runitctl started, leaving no process behind.

mod actions;
mod console;
mod pickup;
pub mod procs;
mod ready;
pub mod runtime;
pub mod scanner;
pub mod shutdown;
mod summary;
mod targets;

pub use scanner::Backend;
pub use summary::summary_line;

use crate::apply::UnlinkHook;
use crate::model::{Model, ServiceId};
use crate::plan::{Action, Plan};
use crate::status::{probe, Liveness};
use console::Console;
use scanner::Scanner;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The supervisor driver for one apply.
pub struct Driver<'a> {
    root: Option<&'a Path>,
    model: &'a Model,
    plan: &'a Plan,
    backend: Backend,
    /// `--timeout`: bound of the pick-up wait (and of a runsv coming back).
    timeout: Duration,
    console: Console,
    /// Scanners of system service dirs (logical dir, scanner).
    scanners: Vec<(PathBuf, Scanner)>,
    /// Services (with actions) whose runsv answered before anything was driven.
    was_running: BTreeSet<ServiceId>,
    /// Every service dir on disk, by id (model and prunes).
    dirs: BTreeMap<ServiceId, PathBuf>,
    /// Services whose `log/` was added or removed (their runsv is restarted by an action).
    log_changes: BTreeSet<ServiceId>,
}

impl<'a> Driver<'a> {
    pub fn new(
        root: Option<&'a Path>,
        model: &'a Model,
        plan: &'a Plan,
        backend: Backend,
        timeout: Duration,
    ) -> Driver<'a> {
        let dirs = targets::dirs_by_id(root, model, plan);
        let was_running = plan
            .services
            .iter()
            .filter(|s| !s.created && s.actions.iter().any(|a| *a != Action::Remove))
            .filter(|s| {
                dirs.get(&s.id)
                    .is_some_and(|d| probe(d) == Liveness::Running)
            })
            .map(|s| s.id.clone())
            .collect();
        let log_changes = plan
            .services
            .iter()
            .filter(|s| s.actions.contains(&Action::RestartRunsv))
            .map(|s| s.id.clone())
            .collect();
        Driver {
            root,
            model,
            plan,
            backend,
            timeout,
            console: Console::new(),
            scanners: Vec::new(),
            was_running,
            dirs,
            log_changes,
        }
    }

    /// For [`crate::apply::ApplyOptions::on_unlink`]: `x` to the runsv of a service whose
    /// enable link apply just removed (disable, prune). runsvdir does not restart it: the
    /// entry is gone from its dir.
    pub fn unlink_hook(&self) -> UnlinkHook {
        let dirs = self.dirs.clone();
        Arc::new(move |id: &ServiceId| {
            if let Some(d) = dirs.get(id) {
                let _ = crate::sv::remote::send(d, b"x");
            }
        })
    }

    /// Whether [`Driver::send`] may go before [`Driver::pickup`], overlapping it. Not when a
    /// runsv is to be restarted (`log/` added or removed): its `x` would make the pick-up wait
    /// for runsvdir to start the new one, and the action could then no longer see the old one
    /// go.
    pub fn sends_before_pickup(&self) -> bool {
        self.log_changes.is_empty()
    }

    /// Prints the warnings [`Driver::send`] held, and not its result lines (the pick-up wait
    /// failed: what they say may not have happened).
    pub fn release_warnings(&mut self) {
        self.console.release(false);
    }

    /// Starts a runsvdir on each system service dir nothing scans yet (when it has enabled
    /// services). Prints what it started.
    pub fn start_scanners(&mut self) -> Result<(), String> {
        let groups = targets::groups(self.root, self.model);
        let nested: Vec<PathBuf> = groups
            .iter()
            .filter(|g| g.gate.is_some())
            .map(|g| crate::plan::disk_path(self.root, g.scan))
            .collect();
        for g in &groups {
            if g.gate.is_some() || g.targets.is_empty() {
                continue;
            }
            let (s, started) = scanner::ensure(self.root, g.scan, &self.backend, &nested)?;
            let disk = crate::plan::disk_path(self.root, g.scan);
            if started {
                self.console.line(&format!(
                    "runsvdir started on {} (pid {}, {} backend)",
                    disk.display(),
                    s.proc.pid,
                    self.backend.name()
                ));
            }
            self.scanners.push((g.scan.to_path_buf(), s));
        }
        Ok(())
    }
}
