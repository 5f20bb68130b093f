//! The bounded wait after linking: every enabled service's `supervise/ok` (and its logger's)
//! must open for writing without blocking, i.e. a runsv reads it. System services first; a
//! user's apps only once that user's `runsvdir-<user>` service runs (it is what scans the
//! user's dir). While something is pending the scanner is nudged (SIGALRM, if it handles it)
//! once a second, so Debian's runsvdir does not take its 5-second tick.
//!
//! A timeout names the missing piece: "nothing scans DIR", "runsvdir-deploy is not running",
//! "runsv for web did not start".

use super::procs::{self, Proc};
use super::scanner::nudge;
use super::targets::{groups, Group, Target};
use super::Driver;
use crate::plan::disk_path;
use crate::runit::tai64n::Tai64n;
use crate::status::{probe, Liveness, Slot, SlotState};
use std::time::{Duration, Instant};

/// Poll interval while waiting.
pub const TICK: Duration = Duration::from_millis(10);

impl Driver<'_> {
    /// Waits until every enabled service (and logger) has a runsv, bounded by the timeout.
    pub fn pickup(&mut self) -> Result<(), String> {
        let since = Instant::now();
        let deadline = since + self.timeout;
        for g in groups(self.root, self.model) {
            if g.targets.is_empty() {
                continue;
            }
            let mut scanner = match &g.gate {
                None => self.scanner_of(&g),
                Some(gate) => Some(self.gate_open(&g, gate, since, deadline)?),
            };
            let mut pending: Vec<(&Target, bool)> = Vec::new();
            for t in &g.targets {
                pending.push((t, false));
                // A runsv about to be restarted for a new log/ only sees it after the restart
                // (the action waits for its logger then).
                if t.log && !self.log_changes.contains(&t.svc.id) {
                    pending.push((t, true));
                }
            }
            let total = pending.len();
            let mut nudged: Option<Instant> = None;
            loop {
                // Each probe opens a FIFO: 1,000 of them are spread over the cores.
                let threads = crate::par::threads_for(pending.len(), 256);
                let waiting = crate::par::map(&pending, threads, |(t, log)| {
                    let dir = match log {
                        true => t.dir.join("log"),
                        false => t.dir.clone(),
                    };
                    probe(&dir) != Liveness::Running
                });
                let mut waiting = waiting.into_iter();
                pending.retain(|_| waiting.next().unwrap_or(true));
                if pending.is_empty() {
                    break;
                }
                if Instant::now() >= deadline {
                    return Err(self.missing(&g, &pending, scanner.as_ref()));
                }
                if nudged.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
                    if scanner.as_ref().is_none_or(|p| !p.alive()) {
                        scanner = self.scanner_of(&g);
                    }
                    if let Some(p) = &scanner {
                        nudge(p);
                    }
                    nudged = Some(Instant::now());
                }
                let done = total - pending.len();
                self.console.progress(since, || {
                    format!("waiting for runsv: {done} of {total} slots picked up")
                });
                std::thread::sleep(TICK);
            }
        }
        self.console.clear();
        Ok(())
    }

    /// The runsvdir scanning group `g`'s dir, if any.
    fn scanner_of(&self, g: &Group) -> Option<Proc> {
        let disk = disk_path(self.root, g.scan);
        if let Some(gate) = &g.gate {
            let pid = Slot::read(&gate.dir, Tai64n::now()).pid()?;
            if let Some(p) = Proc::read(pid as i32).filter(|p| p.scans_dir(&disk)) {
                return Some(p);
            }
        } else if let Some(s) = self.scanners.iter().find(|s| s.0 == g.scan) {
            if s.1.proc.alive() {
                return Some(s.1.proc.clone());
            }
        }
        procs::scanners_of(&disk).into_iter().next()
    }

    /// Waits until the user's `runsvdir-<user>` service runs; returns its runsvdir process.
    fn gate_open(
        &mut self,
        g: &Group,
        gate: &Target,
        since: Instant,
        deadline: Instant,
    ) -> Result<Proc, String> {
        loop {
            let slot = Slot::read(&gate.dir, Tai64n::now());
            if slot.state == SlotState::Run {
                if let Some(p) = self.scanner_of(g) {
                    return Ok(p);
                }
            }
            if Instant::now() >= deadline {
                let disk = disk_path(self.root, g.scan);
                return Err(format!(
                    "nothing scans {}: {} is {}",
                    disk.display(),
                    gate.label(),
                    if slot.state == SlotState::Run {
                        "running but is not a runsvdir on that dir".to_string()
                    } else {
                        format!("not running ({})", slot.state.as_str())
                    }
                ));
            }
            self.console
                .progress(since, || format!("waiting for {} to run", gate.label()));
            std::thread::sleep(TICK);
        }
    }

    /// The timeout message for `pending` slots of group `g`.
    fn missing(
        &mut self,
        g: &Group,
        pending: &[(&Target, bool)],
        scanner: Option<&Proc>,
    ) -> String {
        self.console.clear();
        let disk = disk_path(self.root, g.scan);
        let secs = self.timeout.as_secs();
        let ours = self.scanners.iter_mut().find(|s| s.0 == g.scan);
        let log_hint = ours
            .as_ref()
            .and_then(|s| s.1.log.as_ref())
            .map(|l| format!("; see {}", l.display()))
            .unwrap_or_default();
        if scanner.is_none_or(|p| !p.alive()) {
            let why = match ours {
                Some(s) => match s.1.exited() {
                    Some(st) => format!(" (the runsvdir apply started ended: {st})"),
                    None => String::new(),
                },
                None => String::new(),
            };
            return format!(
                "after {secs}s: nothing scans {}{why}{log_hint}",
                disk.display()
            );
        }
        let (t, log) = pending[0];
        let what = if log {
            format!("runsv for {} did not start its logger", t.label())
        } else {
            format!("runsv for {} did not start", t.label())
        };
        let more = match pending.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        format!("after {secs}s: {what}{more}{log_hint}")
    }
}
