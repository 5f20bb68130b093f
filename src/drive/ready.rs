//! `apply --wait`: every enabled, not-down service (and its logger) must be running for at
//! least a second with its `./check` passing (run as `sv check` runs it) within its `start_timeout`. Each that is
//! not is reported with its state, restart count and last exit (the embedded supervisor's
//! extra record), and the last lines of its log.

use super::targets::{groups, Target};
use super::Driver;
use crate::runit::status::State;
use crate::runit::tai64n::Tai64n;
use crate::status::{last_exit, logs, Slot};
use crate::sv::remote;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

/// How long a service must have been running.
const UP_FOR: Duration = Duration::from_secs(1);
/// Log lines shown for a service that did not come up.
const LOG_LINES: usize = 20;
/// Poll interval (a `./check` may be run this often).
const TICK: Duration = Duration::from_millis(100);

impl Driver<'_> {
    /// Waits until every enabled, not-down service is up; prints a report for each that is not
    /// within its `start_timeout`. Returns how many failed.
    pub fn ready(&mut self) -> usize {
        let since = Instant::now();
        let all = groups(self.root, self.model);
        let mut pending: Vec<&Target> = all
            .iter()
            .flat_map(|g| g.targets.iter())
            .filter(|t| !t.svc.down)
            .collect();
        let total = pending.len();
        let mut failed = Vec::new();
        while !pending.is_empty() {
            let now = SystemTime::now();
            pending.retain(|t| {
                if is_up(t, now) {
                    return false;
                }
                if since.elapsed() >= Duration::from_secs(u64::from(t.svc.start_timeout)) {
                    failed.push(*t);
                    return false;
                }
                true
            });
            let n = total - pending.len();
            self.console.progress(since, || {
                format!("waiting for services to be up: {n} of {total}")
            });
            if !pending.is_empty() {
                std::thread::sleep(TICK);
            }
        }
        self.console.clear();
        for t in &failed {
            let text = self.failure(t);
            self.console.line(&text);
        }
        failed.len()
    }

    /// The report for a service that did not come up.
    fn failure(&self, t: &Target) -> String {
        let slot = Slot::read(&t.dir, Tai64n::now());
        let mut state = slot.state.as_str().to_string();
        for f in slot.flags() {
            state.push_str(", ");
            state.push_str(f);
        }
        let (restarts, exit) = match &slot.extra {
            Some(e) => (
                e.restarts.to_string(),
                e.last_exit.map_or("none".to_string(), last_exit),
            ),
            None => ("?".to_string(), "?".to_string()),
        };
        let mut out = format!(
            "{}: not up within {}s: state {state}, restarts {restarts}, last exit {exit}",
            t.label(),
            t.svc.start_timeout
        );
        if t.log && !running_for(&t.dir.join("log"), SystemTime::now()) {
            let log = Slot::read(&t.dir.join("log"), Tai64n::now());
            let exit = log
                .extra
                .as_ref()
                .map(|e| e.last_exit.map_or("none".to_string(), last_exit));
            out.push_str(&format!(
                "\n  its logger is not up: state {}{}",
                log.state.as_str(),
                exit.map(|e| format!(", last exit {e}")).unwrap_or_default()
            ));
        }
        match &t.svc.log_dir {
            Some(d) => {
                let dir = crate::plan::disk_path(self.root, d);
                out.push_str(&format!(
                    "\n  last {LOG_LINES} log lines ({}):",
                    dir.display()
                ));
                out.push_str(&last_log_lines(&dir));
            }
            None => out.push_str("\n  (no log service: its output goes to runsvdir's output)"),
        }
        out
    }
}

/// The service and its logger running for [`UP_FOR`], not being stopped, wanted up, and
/// `./check` passes. (A logger that crash-loops loses the service's output, or blocks it once
/// the pipe fills.)
fn is_up(t: &Target, now: SystemTime) -> bool {
    running_for(&t.dir, now)
        && (!t.log || running_for(&t.dir.join("log"), now))
        && remote::check_passes(&t.dir, &t.label())
}

/// Slot `dir` runs one process for [`UP_FOR`], wanted up and not being stopped.
fn running_for(dir: &Path, now: SystemTime) -> bool {
    let Some(s) = Slot::read(dir, Tai64n::now()).status else {
        return false;
    };
    let long_enough = now
        .duration_since(s.stamp.to_system())
        .is_ok_and(|d| d >= UP_FOR);
    s.state == State::Run && s.pid != 0 && s.want == b'u' && !s.term && long_enough
}

/// The last lines of the svlogd dir `dir`, indented; a note when there are none.
fn last_log_lines(dir: &Path) -> String {
    let opts = logs::Options {
        lines: Some(LOG_LINES),
        ..logs::Options::default()
    };
    let mut buf = Vec::new();
    let r = logs::show(dir, &opts, &mut buf, &mut |_| true);
    let text = String::from_utf8_lossy(&buf);
    let mut out = String::new();
    for l in text.lines() {
        out.push_str("\n    ");
        out.push_str(l);
    }
    match r {
        Err(e) if out.is_empty() => out.push_str(&format!("\n    ({e})")),
        _ if out.is_empty() => out.push_str("\n    (empty)"),
        _ => {}
    }
    out
}
