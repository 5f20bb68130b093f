//! The supervisor actions a plan derived (SPEC §5), carried out in two passes so that many
//! restarts overlap: first every control byte is sent ([`Driver::send`]), then one loop waits
//! for all of them ([`Driver::finish`]). apply sends before the pick-up wait, so that wait and
//! the restarts overlap ([`Driver::sends_before_pickup`]): an action only ever goes to a runsv
//! that answered before apply wrote anything, the outcome lines are held until the pick-up
//! succeeded, and each action's bound starts when the wait for it does.
//!
//! | action | sent | done when |
//! |---|---|---|
//! | restart (wanted up, was running) | `tcu` to the service | a new pid runs |
//! | restart-log | `tcu` to `log/` | the logger has a new pid |
//! | hup-log | `h` to `log/` | at once (svlogd rereads `config`) |
//! | restart-runsv | `x` to the service | its runsv is gone, then a new one answers |
//! | stop (disabled) | `x` at unlink (apply's hook) | no runsv answers |
//!
//! A service whose runsv started during this apply already runs the new files: no restart.

use super::console::Console;
use super::targets::target;
use super::Driver;
use crate::apply::Kept;
use crate::model::{ServiceId, ServiceModel};
use crate::plan::{Action, ServicePlan};
use crate::runit::status::State;
use crate::runit::tai64n::Tai64n;
use crate::status::{probe, Liveness, Slot};
use crate::sv::remote;
use crate::sv::wait::{self, Waiter};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Extra time beyond `stop_timeout` for runsv's one-second restart floor.
const SLACK: Duration = Duration::from_secs(2);

/// What one pending action waits for.
#[derive(Debug)]
enum Until {
    /// A pid other than `old` runs in slot `dir`.
    NewPid { dir: PathBuf, old: u32 },
    /// No runsv answers on `dir` any more (then, with `back`, one answers again).
    RunsvGone { dir: PathBuf, back: bool },
    /// A runsv answers on `dir` (and on `dir/log` when `log`); the scanner was last nudged at
    /// `nudged`.
    RunsvBack {
        dir: PathBuf,
        log: bool,
        nudged: Instant,
    },
}

/// How often the scanner is nudged again while a restarted runsv has not come back: a nudge
/// that reaches runsvdir before it reaped the old runsv waits for its next tick (a second).
const RENUDGE: Duration = Duration::from_millis(200);

/// The actions sent, to be waited for by [`Driver::finish`].
#[derive(Debug)]
pub struct Sent {
    pending: Vec<Pending>,
    since: Instant,
}

#[derive(Debug)]
struct Pending {
    label: String,
    until: Until,
    done: &'static str,
    deadline: Instant,
    restart: bool,
    /// The logical dir its runsvdir scans (to nudge it).
    scan: PathBuf,
}

impl Driver<'_> {
    /// Sends every service's actions; one line per service is held until
    /// [`Driver::finish`]. `kept`: prunes apply left undone.
    pub fn send(&mut self, kept: &[Kept]) -> Sent {
        let since = Instant::now();
        self.console.hold();
        let mut pending = Vec::new();
        let plans: Vec<&ServicePlan> = self.plan.services.iter().collect();
        let by_id: BTreeMap<&ServiceId, &ServiceModel> =
            self.model.services.iter().map(|s| (&s.id, s)).collect();
        for sp in plans {
            let svc = by_id.get(&sp.id).copied();
            let label = sp.id.to_string();
            match svc {
                None => {
                    let kept = kept.iter().any(|k| self.dirs.get(&sp.id) == Some(&k.dir));
                    if sp.actions.contains(&Action::Remove) && !kept {
                        self.console.line(&format!("{label}: stopped and removed"));
                    }
                }
                Some(svc) => {
                    if let Some(p) = self.start(sp, svc, &label) {
                        pending.extend(p);
                    }
                }
            }
        }
        Sent { pending, since }
    }

    /// Sends what `sp` needs; returns what to wait for (None: nothing, line already printed).
    fn start(&mut self, sp: &ServicePlan, svc: &ServiceModel, label: &str) -> Option<Vec<Pending>> {
        let t = target(self.root, svc);
        let dir = t.dir.clone();
        let c = &mut self.console;
        if sp.created {
            let word = match (svc.enabled, svc.down) {
                (false, _) => "defined (disabled)",
                (true, true) => "supervised (down)",
                (true, false) => "started",
            };
            c.line(&format!("{label}: {word}"));
            return None;
        }
        if sp.actions.contains(&Action::Stop) {
            let deadline = Instant::now() + secs(svc.stop_timeout) + SLACK;
            return Some(vec![Pending {
                label: label.to_string(),
                until: Until::RunsvGone { dir, back: false },
                done: "stopped",
                deadline,
                restart: false,
                scan: svc.scan_dir.clone(),
            }]);
        }
        if sp.actions.is_empty() {
            c.line(&format!("{label}: updated (no restart needed)"));
            return None;
        }
        if !self.was_running.contains(&sp.id) {
            c.line(&format!("{label}: started with the new definition"));
            return None;
        }
        let stop = Instant::now() + secs(svc.stop_timeout) + SLACK;
        let mut out = Vec::new();
        for a in &sp.actions {
            match a {
                Action::Restart => {
                    let slot = Slot::read(&dir, Tai64n::now());
                    let Some(st) = slot.status.filter(|s| s.want == b'u') else {
                        c.line(&format!("{label}: not restarted (it is down)"));
                        continue;
                    };
                    match remote::send(&dir, b"tcu") {
                        Ok(()) => out.push(Pending {
                            label: label.to_string(),
                            until: Until::NewPid {
                                dir: dir.clone(),
                                old: st.pid,
                            },
                            done: "restarted",
                            deadline: stop,
                            restart: true,
                            scan: svc.scan_dir.clone(),
                        }),
                        Err(e) => c.warn(&format!("{label}: restart: {e}")),
                    }
                }
                Action::RestartLog => {
                    let log = dir.join("log");
                    let old = Slot::read(&log, Tai64n::now()).pid().unwrap_or(0);
                    match remote::send(&log, b"tcu") {
                        Ok(()) => out.push(Pending {
                            label: label.to_string(),
                            until: Until::NewPid { dir: log, old },
                            done: "logger restarted",
                            deadline: stop,
                            restart: true,
                            scan: svc.scan_dir.clone(),
                        }),
                        Err(e) => c.warn(&format!("{label}: restart logger: {e}")),
                    }
                }
                Action::HupLog => match remote::send(&dir.join("log"), b"h") {
                    Ok(()) => c.line(&format!("{label}: logger HUPed (config reread)")),
                    Err(e) => c.warn(&format!("{label}: HUP logger: {e}")),
                },
                Action::RestartRunsv => match remote::send(&dir, b"x") {
                    Ok(()) => out.push(Pending {
                        label: label.to_string(),
                        until: Until::RunsvGone {
                            dir: dir.clone(),
                            back: true,
                        },
                        done: "runsv restarted (log/ added or removed)",
                        deadline: stop,
                        restart: true,
                        scan: svc.scan_dir.clone(),
                    }),
                    Err(e) => c.warn(&format!("{label}: restart runsv: {e}")),
                },
                Action::Stop | Action::Unlink | Action::Remove => {}
            }
        }
        Some(out)
    }

    /// Prints the lines [`Driver::send`] held, waits for every action it sent and prints each
    /// outcome. Returns the restarts done.
    pub fn finish(&mut self, sent: Sent) -> usize {
        self.console.release(true);
        let Sent { mut pending, since } = sent;
        // Each bound runs from now: the pick-up wait since the send is not the action's time.
        let waited = since.elapsed();
        for p in &mut pending {
            p.deadline += waited;
        }
        let mut restarted = 0;
        // runsv renames `status` into place on every change and closes `ok` when it exits:
        // the loop wakes on those, and polls every TICK only for a slot it could not watch
        // (a runsv that has yet to make its `supervise/`).
        let mut waiter = Waiter::new();
        let mut watched = true;
        for p in &pending {
            watched &= match &p.until {
                Until::NewPid { dir, .. } | Until::RunsvGone { dir, .. } => waiter.watch_dir(dir),
                Until::RunsvBack { .. } => false,
            };
        }
        while !pending.is_empty() {
            let mut i = 0;
            while i < pending.len() {
                let p = &mut pending[i];
                let reached = match &p.until {
                    Until::NewPid { dir, old } => new_pid(dir, *old),
                    Until::RunsvGone { dir, back } => {
                        let gone = probe(dir) != Liveness::Running;
                        if gone && *back {
                            watched = false;
                            p.until = Until::RunsvBack {
                                dir: dir.clone(),
                                log: dir.join("log").is_dir(),
                                nudged: Instant::now(),
                            };
                            p.deadline = Instant::now() + self.timeout;
                            let scan = p.scan.clone();
                            self.nudge_dir(&scan);
                            i += 1;
                            continue;
                        }
                        gone
                    }
                    Until::RunsvBack { dir, log, nudged } => {
                        let back = probe(dir) == Liveness::Running
                            && (!log || probe(&dir.join("log")) == Liveness::Running);
                        if !back && nudged.elapsed() >= RENUDGE {
                            p.until = Until::RunsvBack {
                                dir: dir.clone(),
                                log: *log,
                                nudged: Instant::now(),
                            };
                            let scan = p.scan.clone();
                            self.nudge_dir(&scan);
                        }
                        back
                    }
                };
                if reached {
                    let p = pending.remove(i);
                    restarted += usize::from(p.restart);
                    self.console.line(&format!("{}: {}", p.label, p.done));
                } else if Instant::now() >= p.deadline {
                    let p = pending.remove(i);
                    report_late(&mut self.console, &p);
                } else {
                    i += 1;
                }
            }
            let n = pending.len();
            self.console
                .progress(since, || format!("waiting for {n} restarts/stops"));
            match (pending.is_empty(), watched) {
                (true, _) => {}
                (false, true) => waiter.wait(wait::FALLBACK),
                (false, false) => std::thread::sleep(super::pickup::TICK),
            }
        }
        self.console.clear();
        restarted
    }

    /// Asks the runsvdir(s) scanning logical `scan` to rescan now (so a runsv that exited is
    /// restarted at once, not at Debian's runsvdir's next tick).
    fn nudge_dir(&self, scan: &Path) {
        match self.scanners.iter().find(|s| s.0 == scan) {
            Some((_, s)) => s.nudge(),
            None => {
                let disk = crate::plan::disk_path(self.root, scan);
                for p in super::procs::scanners_of(&disk) {
                    super::scanner::nudge(&p);
                }
            }
        }
    }
}

fn secs(s: u32) -> Duration {
    Duration::from_secs(u64::from(s))
}

/// A process other than `old` runs in slot `dir`.
fn new_pid(dir: &Path, old: u32) -> bool {
    let slot = Slot::read(dir, Tai64n::now());
    slot.status
        .is_some_and(|s| s.state == State::Run && s.pid != 0 && s.pid != old && !s.term)
}

fn report_late(c: &mut Console, p: &Pending) {
    let what = match &p.until {
        Until::NewPid { .. } => "still not running a new process",
        Until::RunsvGone { .. } => "its runsv is still running",
        Until::RunsvBack { .. } => "no runsv came back for it",
    };
    c.warn(&format!("{}: {what} at the deadline", p.label));
}
