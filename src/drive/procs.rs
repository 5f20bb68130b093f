//! Reading /proc: who a process is (argv, start time, parent, cwd), whether it is a runsvdir
//! and which directory it scans, and whether it catches SIGALRM (Debian's and the embedded
//! runsvdir rescan on ALRM; upstream runit's would die of it).
//!
//! A process is identified by (pid, start time): a pid alone may have been reused. Nothing
//! here signals anything.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

/// What /proc says about one process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proc {
    pub pid: i32,
    pub ppid: i32,
    /// Start time in clock ticks since boot (field 22 of `stat`): with the pid, an identity.
    pub start: u64,
    pub argv: Vec<OsString>,
    pub cwd: Option<PathBuf>,
}

impl Proc {
    /// Reads `/proc/PID`; None when it is gone, a zombie or a kernel thread (no argv).
    pub fn read(pid: i32) -> Option<Proc> {
        if pid <= 1 {
            return None;
        }
        let base = PathBuf::from(format!("/proc/{pid}"));
        let (ppid, start) = live_stat(pid)?;
        let raw = std::fs::read(base.join("cmdline")).ok()?;
        if raw.is_empty() {
            return None;
        }
        let argv = raw
            .split(|&b| b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| OsString::from_vec(a.to_vec()))
            .collect();
        Some(Proc {
            pid,
            ppid,
            start,
            argv,
            cwd: std::fs::read_link(base.join("cwd")).ok(),
        })
    }

    /// argv[0]'s basename.
    pub fn name(&self) -> &str {
        self.argv
            .first()
            .and_then(|a| Path::new(a).file_name())
            .and_then(|n| n.to_str())
            .unwrap_or("")
    }

    /// For a runsvdir (`runsvdir [-P|--] DIR [LOG]`), DIR resolved against its cwd.
    pub fn scans(&self) -> Option<PathBuf> {
        if self.name() != "runsvdir" {
            return None;
        }
        let mut rest = self.argv.get(1..)?;
        if matches!(rest.first().and_then(|a| a.to_str()), Some("-P" | "--")) {
            rest = &rest[1..];
        }
        let dir = Path::new(rest.first()?);
        Some(match &self.cwd {
            Some(cwd) if dir.is_relative() => cwd.join(dir),
            _ => dir.to_path_buf(),
        })
    }

    /// Whether this is a runsvdir scanning `dir` (compared after resolving symlinks).
    pub fn scans_dir(&self, dir: &Path) -> bool {
        self.scans().is_some_and(|d| same_dir(&d, dir))
    }

    /// Still the same process (same pid and start time, not a zombie)? Reads `stat` only.
    pub fn alive(&self) -> bool {
        live_stat(self.pid).is_some_and(|(_, start)| start == self.start)
    }
}

/// (ppid, start time) of a live process (not a zombie).
fn live_stat(pid: i32) -> Option<(i32, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (ppid, state, start) = parse_stat(&stat)?;
    (state != 'Z' && state != 'X').then_some((ppid, start))
}

/// (ppid, state, start time) from `/proc/PID/stat` (the name may hold spaces and parens).
fn parse_stat(stat: &str) -> Option<(i32, char, u64)> {
    let after = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = after.split_whitespace().collect();
    // after the name: state(3) ppid(4) … starttime(22) → indices 0, 1, 19
    let state = f.first()?.chars().next()?;
    let ppid = f.get(1)?.parse().ok()?;
    let start = f.get(19)?.parse().ok()?;
    Some((ppid, state, start))
}

/// Two paths naming the same directory (symlinks resolved; plain comparison if either is gone).
pub fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Every process now running (kernel threads and zombies left out).
pub fn all() -> Vec<Proc> {
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    rd.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(Proc::read)
        .collect()
}

/// Every runsvdir now scanning `dir`.
pub fn scanners_of(dir: &Path) -> Vec<Proc> {
    all().into_iter().filter(|p| p.scans_dir(dir)).collect()
}

/// Whether `pid` has a handler for SIGALRM (`SigCgt` in `/proc/PID/status`).
pub fn catches_alarm(pid: i32) -> bool {
    let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return false;
    };
    s.lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|h| u64::from_str_radix(h.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (libc::SIGALRM - 1)) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_with_a_hostile_name() {
        let s = "42 (a) b (c) S 7 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 98765 1 1";
        assert_eq!(parse_stat(s), Some((7, 'S', 98765)));
    }

    #[test]
    fn reads_itself_and_refuses_sentinels() {
        let me = Proc::read(std::process::id() as i32).unwrap();
        assert!(me.alive());
        assert!(me.scans().is_none());
        assert!(Proc::read(0).is_none() && Proc::read(1).is_none() && Proc::read(-1).is_none());
    }

    #[test]
    fn runsvdir_argv_forms() {
        let p = |argv: &[&str]| Proc {
            pid: 2,
            ppid: 1,
            start: 0,
            argv: argv.iter().map(OsString::from).collect(),
            cwd: Some("/srv".into()),
        };
        assert_eq!(
            p(&["runsvdir", "/etc/service"]).scans(),
            Some("/etc/service".into())
        );
        assert_eq!(
            p(&["/usr/bin/runsvdir", "-P", "/etc/service", "log: ..."]).scans(),
            Some("/etc/service".into())
        );
        assert_eq!(p(&["runsvdir", "svc"]).scans(), Some("/srv/svc".into()));
        assert_eq!(p(&["runsv", "web"]).scans(), None);
        assert_eq!(p(&["runsvdir"]).scans(), None);
    }
}
