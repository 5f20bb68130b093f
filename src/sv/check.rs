//! Wait conditions (§5.4) and the `./check` script (§5.6).
//!
//! One condition per command byte; all must pass. Unlike runit's sv, the `t`/`k`/`o`
//! comparisons of the status stamp against sv's start use the full TAI64N (runsv writes
//! microseconds), so a restart is not reported done, with the old pid, merely because the
//! service last started within the same second (runit-protocol.md §5.4, §11). And since the
//! first evaluation runs at once (runit's sv sleeps 420 ms first), `u`, `d` and `o` also need
//! the want byte to show that runsv has taken the command: a service that is merely down at
//! the moment (say, in runsv's 1-second restart sleep with the `d` still queued) is not yet
//! "down" for `sv -v down`.

use super::client::Client;
use super::supervise::Get;
use nix::errno::Errno;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::Command;

/// Outcome of one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Not yet: keep waiting.
    Pending,
    /// Done (reported with `ok:`).
    Done,
    /// Finished with an error (already reported).
    Failed,
}

impl Client {
    /// Reads the status and evaluates every condition in `conds` (cwd: the service dir).
    pub fn check(&mut self, name: &[u8], conds: &[u8]) -> Verdict {
        match self.get(name) {
            Get::Error => return Verdict::Failed,
            Get::NotRunning if conds.first() == Some(&b'x') => return Verdict::Done,
            Get::NotRunning => return Verdict::Failed,
            Get::Ok => {}
        }
        for &c in conds {
            if !self.condition(name, c) {
                return Verdict::Pending;
            }
        }
        if self.wants_running(conds) && !self.still_running() {
            return Verdict::Pending;
        }
        self.out.put(b"ok: ");
        self.print(name, name);
        self.out.flush(b"\n");
        Verdict::Done
    }

    /// Whether passing `conds` relied on the process in `buf` running (`u`, or `t`/`k` with a
    /// pid).
    fn wants_running(&self, conds: &[u8]) -> bool {
        self.pid() != 0 && conds.iter().any(|c| matches!(c, b'u' | b't' | b'k'))
    }

    /// Confirms, just before `ok:`, that the process the record shows is still alive: not a
    /// zombie in /proc, and the status still names it in state run. An immediate check sees a
    /// crashing `./run` during the milliseconds it lives; runit's sv, polling every 420 ms,
    /// almost never does. This narrows that window at no cost; it cannot close it.
    fn still_running(&self) -> bool {
        let pid = self.pid();
        !exited(pid)
            && super::supervise::reread()
                .is_some_and(|b| b[12..16] == self.buf[12..16] && b[19] == 1)
    }

    fn condition(&mut self, name: &[u8], c: u8) -> bool {
        let pid = self.pid();
        let running = pid != 0;
        match c {
            // runsv must be gone; it is still answering.
            b'x' => false,
            b'u' => running && self.state() == 1 && self.want() == b'u' && check_script(name),
            b'd' => !running && self.state() == 0 && self.want() == b'd',
            b'C' => !running || check_script(name),
            b't' | b'k' => {
                (!running && self.want() == b'd')
                    || (self.stamp() >= self.tstart
                        && running
                        && !self.term()
                        && check_script(name))
            }
            b'o' => !((!running && self.stamp() < self.tstart) || (running && self.want() != b'd')),
            b'p' => !running || self.paused(),
            b'c' => !running || !self.paused(),
            _ => true,
        }
    }
}

/// Whether /proc shows `pid` as exited but not yet reaped (zombie or dead). A pid /proc does
/// not show (no /proc, another pid namespace) is not known to have exited.
fn exited(pid: u32) -> bool {
    let Ok(stat) = std::fs::read(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // "PID (COMM) STATE ...": COMM may hold spaces and parentheses; STATE follows the last ')'.
    let state = stat
        .iter()
        .rposition(|&c| c == b')')
        .and_then(|i| stat.get(i + 2));
    matches!(state, Some(b'Z' | b'X' | b'x'))
}

extern "C" {
    /// The C library's environment (what runit's sv passes to `./check`).
    static environ: *const *const libc::c_char;
}

/// Runs `./check` with stdout closed; true when it is missing, exits 0, dies by a signal, or
/// cannot be executed at all (runit's quirks: the failed exec still counts as available).
pub fn check_script(name: &[u8]) -> bool {
    check_in(None, name)
}

/// [`check_script`] for the service directory `dir` (None: the cwd), without changing the
/// caller's cwd (the child changes into `dir` before exec).
pub fn check_in(dir: Option<&std::path::Path>, name: &[u8]) -> bool {
    check_in_as(dir, name, None)
}

/// [`check_in`], running `./check` as `ids` (uid, gid) when given: runitctl's driver, as root,
/// runs a user's check script as that user, never as root.
pub fn check_in_as(dir: Option<&std::path::Path>, name: &[u8], ids: Option<(u32, u32)>) -> bool {
    let path = dir.map_or_else(|| "check".into(), |d| d.join("check"));
    match std::fs::metadata(&path) {
        Ok(_) => {}
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return true,
        Err(e) => {
            warn_stderr("unable to stat ", name, &e);
            return false;
        }
    }
    let mut cmd = Command::new("./check");
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    if let Some((uid, gid)) = ids {
        // std drops supplementary groups (setgroups(0)) before setgid/setuid when root.
        cmd.gid(gid).uid(uid);
    }
    // SAFETY: runs in the forked child (after std's chdir) before exec and only calls close and
    // execve, which are async-signal-safe, on static C strings and the process's own `environ`; nothing is
    // allocated. If execve fails, std reports its errno to the parent and the child exits.
    unsafe {
        cmd.pre_exec(|| {
            libc::close(1);
            let argv = [c"./check".as_ptr(), std::ptr::null()];
            libc::execve(c"check".as_ptr(), argv.as_ptr(), environ);
            Err(std::io::Error::last_os_error())
        });
    }
    match cmd.status() {
        Ok(st) => st.code() == Some(0) || st.signal().is_some(),
        Err(e) => {
            warn_stderr("unable to run ", name, &e);
            true
        }
    }
}

fn warn_stderr(what: &str, name: &[u8], e: &std::io::Error) {
    let err = Errno::from_raw(e.raw_os_error().unwrap_or(0));
    super::report::warn_stderr(what, name, "/check", err);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runit::status::{State, Status};
    use crate::runit::tai64n::Tai64n;

    /// A client whose buffer holds `st` (evaluated in the crate root: no `./check` there).
    fn client(st: Status, tstart: Tai64n) -> Client {
        let mut c = Client::new(b'u', false);
        c.buf = st.pack();
        c.tstart = tstart;
        c
    }

    fn status(pid: u32, state: State, want: u8, term: bool, paused: bool, at: Tai64n) -> Status {
        Status {
            stamp: at,
            pid,
            paused,
            want,
            term,
            state,
        }
    }

    #[test]
    fn conditions_follow_the_table() {
        let t0 = Tai64n {
            secs: 1 << 62,
            nanos: 500_000_000,
        };
        let before = Tai64n {
            nanos: 100_000_000,
            ..t0
        };
        let after = Tai64n {
            nanos: 900_000_000,
            ..t0
        };
        let run = |want, term, paused, at| status(42, State::Run, want, term, paused, at);
        let down = |want, at| status(0, State::Down, want, false, false, at);
        let mut c = client(run(b'u', false, false, before), t0);
        assert!(c.condition(b"x", b'u'));
        assert!(!c.condition(b"x", b'd'));
        assert!(c.condition(b"x", b'c') && !c.condition(b"x", b'p'));
        assert!(c.condition(b"x", b'h') && !c.condition(b"x", b'x'));
        // Same second, but started before sv: not restarted yet (runit would pass it).
        assert!(!c.condition(b"x", b't'));
        c.buf = run(b'u', false, false, after).pack();
        assert!(c.condition(b"x", b't') && c.condition(b"x", b'k'));
        c.buf = run(b'u', true, false, after).pack();
        assert!(!c.condition(b"x", b't'), "TERM still pending");
        c.buf = run(b'u', false, true, after).pack();
        assert!(c.condition(b"x", b'p') && !c.condition(b"x", b'c'));
        // Down: `d` needs runsv to want down; `t` passes when down and wanted down.
        c.buf = down(b'u', before).pack();
        assert!(!c.condition(b"x", b'd') && !c.condition(b"x", b'u'));
        c.buf = down(b'd', before).pack();
        assert!(c.condition(b"x", b'd') && c.condition(b"x", b't'));
        assert!(c.condition(b"x", b'C'));
        // once: ran and went down since sv started, or running with want down.
        assert!(!c.condition(b"x", b'o'));
        c.buf = down(b'd', after).pack();
        assert!(c.condition(b"x", b'o'));
        c.buf = run(b'd', false, false, before).pack();
        assert!(c.condition(b"x", b'o'));
        c.buf = run(b'u', false, false, after).pack();
        assert!(!c.condition(b"x", b'o'));
    }
}
