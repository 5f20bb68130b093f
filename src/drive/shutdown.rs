//! `runitctl shutdown`: stop every service, logger and runsvdir that runitctl started for some
//! service dirs, and leave no process behind.
//!
//! 1. Read the pid files ([`super::runtime`]) and one snapshot of /proc. A recorded runsvdir is
//!    ours only if pid > 1, the start time matches and its argv names the recorded dir. Victims
//!    are that runsvdir and every process below it (runsvs, services, loggers, a user's nested
//!    runsvdir and everything below that), plus any runsv left orphaned whose cwd is a service
//!    linked from that dir or from a user's dir recorded as nested below it; each is remembered as (pid, start time), never by pid alone.
//! 2. TERM the runsvdir (runit's runsvdir exits on TERM without touching its runsvs, so nothing
//!    is restarted from here on).
//! 3. `x` to every runsv through its control FIFO (sv exit: the service is stopped with TERM and
//!    CONT, then the logger, then runsv exits). A user's runsvdir, being a service, gets TERM
//!    from its runsv; its runsvs got their own `x`.
//! 4. Wait, bounded, until every victim is gone; then SIGKILL what is left, services before
//!    runsvs, each only if it is still the same process.
//!
//! Never signals ourselves or an ancestor of ours.

use super::console::Console;
use super::procs::{self, Proc};
use super::runtime::{self, Record};
use crate::sv::remote;
use nix::sys::signal::Signal;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a shutdown did.
#[derive(Debug, Default)]
pub struct Stopped {
    /// Scan dirs whose runsvdir (or orphans) were stopped.
    pub dirs: Vec<PathBuf>,
    /// Processes stopped (including those that needed SIGKILL).
    pub processes: usize,
    /// Processes that needed SIGKILL.
    pub killed: usize,
    /// Processes still alive at the end (should be none).
    pub left: Vec<String>,
}

/// Stops what runitctl started for logical `dirs` (None: every pid file under `root`).
pub fn shutdown(root: Option<&Path>, dirs: Option<&[PathBuf]>, timeout: Duration) -> Stopped {
    let mut console = Console::new();
    let records: Vec<(PathBuf, Record)> = match dirs {
        None => runtime::all(root),
        Some(ds) => ds
            .iter()
            .filter_map(|d| {
                let f = runtime::pid_file(root, d);
                Record::load(&f).map(|r| (f, r))
            })
            .collect(),
    };
    let snapshot = procs::all();
    let spare = ancestors(&snapshot);
    let mut children: BTreeMap<i32, Vec<&Proc>> = BTreeMap::new();
    for p in &snapshot {
        children.entry(p.ppid).or_default().push(p);
    }
    let mut victims: BTreeMap<i32, Proc> = BTreeMap::new();
    let mut tops = Vec::new();
    let mut out = Stopped::default();
    for (_, rec) in &records {
        let top = snapshot
            .iter()
            .find(|p| p.pid == rec.pid && p.start == rec.start && p.scans_dir(&rec.dir));
        if let Some(t) = top {
            tops.push(t.clone());
            subtree(t, &children, &mut victims);
        }
        for dir in std::iter::once(&rec.dir).chain(&rec.nested) {
            for p in orphans(dir, &snapshot) {
                subtree(p, &children, &mut victims);
            }
        }
        out.dirs.push(rec.dir.clone());
    }
    victims.retain(|pid, _| !spare.contains(pid));
    out.processes = victims.len();
    for t in &tops {
        signal(t, Signal::SIGTERM);
    }
    for p in victims.values().filter(|p| p.name() == "runsv") {
        let sent = p
            .cwd
            .as_deref()
            .is_some_and(|d| remote::send(d, b"x").is_ok());
        if !sent {
            signal(p, Signal::SIGTERM); // runsv takes TERM as `x`
        }
    }
    let since = Instant::now();
    // What has exited is dropped as it goes: each tick reads the `stat` of the rest once.
    victims.retain(|_, p| p.alive());
    while !victims.is_empty() && since.elapsed() < timeout {
        let n = victims.len();
        console.progress(since, || format!("stopping: {n} processes left"));
        std::thread::sleep(Duration::from_millis(20));
        victims.retain(|_, p| p.alive());
    }
    console.clear();
    // Stragglers: services first (a runsv waits for its service), then runsvs and runsvdirs.
    for round in [false, true] {
        for p in victims.values().filter(|p| p.alive()) {
            let supervisor = matches!(p.name(), "runsv" | "runsvdir");
            if supervisor == round && signal(p, Signal::SIGKILL) {
                out.killed += 1;
            }
        }
        let t = Instant::now();
        victims.retain(|_, p| p.alive());
        while !victims.is_empty() && t.elapsed() < Duration::from_secs(2) {
            std::thread::sleep(Duration::from_millis(10));
            victims.retain(|_, p| p.alive());
        }
    }
    out.left = victims
        .values()
        .filter(|p| p.alive())
        .map(|p| format!("{} {}", p.pid, p.name()))
        .collect();
    if out.left.is_empty() {
        for (f, _) in &records {
            let _ = std::fs::remove_file(f);
        }
    }
    out
}

/// Signals `p` only if it is still the same process (pid > 1, same start time); whether it did.
fn signal(p: &Proc, sig: Signal) -> bool {
    p.pid > 1 && p.alive() && nix::sys::signal::kill(nix::unistd::Pid::from_raw(p.pid), sig).is_ok()
}

/// `p` and everything below it.
fn subtree(p: &Proc, children: &BTreeMap<i32, Vec<&Proc>>, into: &mut BTreeMap<i32, Proc>) {
    let mut stack = vec![p];
    while let Some(q) = stack.pop() {
        if into.insert(q.pid, q.clone()).is_some() {
            continue;
        }
        if let Some(cs) = children.get(&q.pid) {
            stack.extend(cs.iter().copied());
        }
    }
}

/// runsv processes whose cwd is a service linked from `scan`, left behind by a runsvdir that
/// died: a runsv some runsvdir still runs (another supervisor that took the dir over) is that
/// supervisor's, not ours.
fn orphans<'a>(scan: &Path, snapshot: &'a [Proc]) -> Vec<&'a Proc> {
    let Ok(rd) = std::fs::read_dir(scan) else {
        return Vec::new();
    };
    let dirs: BTreeSet<PathBuf> = rd
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| std::fs::canonicalize(e.path()).ok())
        .collect();
    let by_pid: BTreeMap<i32, &Proc> = snapshot.iter().map(|p| (p.pid, p)).collect();
    let supervised = |p: &Proc| {
        by_pid
            .get(&p.ppid)
            .is_some_and(|pp| pp.name() == "runsvdir")
    };
    snapshot
        .iter()
        .filter(|p| p.name() == "runsv" && p.cwd.as_ref().is_some_and(|c| dirs.contains(c)))
        .filter(|p| !supervised(p))
        .collect()
}

/// This process and its ancestors: never victims.
fn ancestors(snapshot: &[Proc]) -> BTreeSet<i32> {
    let by_pid: BTreeMap<i32, &Proc> = snapshot.iter().map(|p| (p.pid, p)).collect();
    let mut out = BTreeSet::new();
    let mut pid = std::process::id() as i32;
    while pid > 1 && out.insert(pid) {
        pid = by_pid.get(&pid).map_or(0, |p| p.ppid);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proc(pid: i32, ppid: i32, name: &str, cwd: &Path) -> Proc {
        Proc {
            pid,
            ppid,
            start: 1,
            argv: vec![name.into()],
            cwd: Some(cwd.to_path_buf()),
        }
    }

    /// A runsv some runsvdir still runs is left to that runsvdir; only one nobody supervises
    /// is an orphan of ours.
    #[test]
    fn only_unsupervised_runsvs_are_orphans() {
        let t = tempfile::tempdir().unwrap();
        let svc = t.path().join("sv/web");
        std::fs::create_dir_all(&svc).unwrap();
        let scan = t.path().join("service");
        std::fs::create_dir(&scan).unwrap();
        std::os::unix::fs::symlink(&svc, scan.join("web")).unwrap();
        let svc = std::fs::canonicalize(&svc).unwrap();
        let snapshot = vec![
            proc(100, 1, "runsvdir", t.path()),
            proc(101, 100, "runsv", &svc),
            proc(102, 1, "runsv", &svc),
            proc(103, 1, "sleep", &svc),
        ];
        let found: Vec<i32> = orphans(&scan, &snapshot).iter().map(|p| p.pid).collect();
        assert_eq!(found, vec![102]);
    }
}
