//! Process helpers for supervisor tests: start a runsv/runsvdir (embedded or Debian's) in its
//! own process group with a [`GroupGuard`], probe `supervise/ok`, read `supervise/status`, run
//! Debian's `sv`, and the "Debian's runit is required" rule.

use std::fs::OpenOptions;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::{bin, wait_for, GroupGuard};
use runitctl::runit::status::Status;
use runitctl::supervise::{read_extra, Extra};

/// Which supervisor implementation a test runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Imp {
    /// The embedded one (`runitctl` with argv[0] = runsv/runsvdir).
    Embedded,
    /// Debian's `/usr/bin/runsv`, `/usr/bin/runsvdir`.
    Debian,
}

/// Debian's runit must be installed: see [`super::runit::require_debian_runit`].
pub fn debian_runit(test: &str) -> bool {
    super::runit::require_debian_runit(test)
}

/// A command for personality `name` (`runsv`, `runsvdir`, …) of the given implementation,
/// started in its own process group.
pub fn command(imp: Imp, name: &str) -> Command {
    let mut c = match imp {
        Imp::Embedded => {
            let mut c = Command::new(bin());
            c.arg0(name);
            c
        }
        Imp::Debian => Command::new(Path::new("/usr/bin").join(name)),
    };
    c.process_group(0);
    c
}

/// A started supervisor, killed with its whole process group when dropped.
pub struct Running {
    pub child: Child,
    pub guard: GroupGuard,
}

impl Running {
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Waits (bounded) for the process to exit; its exit code, or None on timeout. Once it
    /// is reaped, the guard is disarmed as [`Running::reaped`] says.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<i32> {
        let code = wait_for(limit, || {
            self.child
                .try_wait()
                .ok()
                .flatten()
                .map(|s| s.code().unwrap_or(-1))
        });
        if code.is_some() {
            self.reaped();
        }
        code
    }

    /// Call once the leader is reaped: with no process left in its group, the group id is free
    /// to be reused by anyone, so the guard must not signal it any more. A group that still
    /// has members (a processor, an orphaned service) keeps its id, and the guard kills them.
    pub fn reaped(&mut self) {
        let pgid = nix::unistd::Pid::from_raw(self.guard.0);
        if self.guard.0 > 1 && nix::sys::signal::killpg(pgid, None).is_err() {
            self.guard.0 = 0;
        }
    }
}

/// Spawns `cmd` (which must have `process_group(0)`) with stdio discarded unless set.
pub fn spawn(mut cmd: Command) -> Running {
    let child = cmd.stdin(Stdio::null()).spawn().expect("spawn supervisor");
    let pgid = child.id() as i32;
    Running {
        child,
        guard: GroupGuard(pgid),
    }
}

/// Runs `cmd` in its own process group with stdout and stderr captured, waiting at most
/// `limit`: its output, or None when it did not exit in time (its group is then killed). For a
/// command that might hang; its output must fit the pipes (it is read once the command exits).
pub fn output_bounded(mut cmd: Command, limit: Duration) -> Option<std::process::Output> {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut running = spawn(cmd);
    running.wait_exit(limit)?;
    let Running { child, guard } = running;
    let out = child.wait_with_output().ok();
    drop(guard);
    out
}

/// Starts `runsv DIR` of `imp` and waits until it answers on `supervise/ok`.
pub fn start_runsv(imp: Imp, dir: &Path) -> Running {
    let mut c = command(imp, "runsv");
    c.arg(dir).stdout(Stdio::null());
    let r = spawn(c);
    assert!(
        wait_for(Duration::from_secs(20), || ok_alive(dir).then_some(())).is_some(),
        "{imp:?} runsv did not open {}/supervise/ok",
        dir.display()
    );
    r
}

/// Starts `runsvdir [ARGS…] SCAN` of `imp` in its own process group (stderr discarded;
/// Debian's finds Debian's runsv on PATH). Stop it with SIGHUP (it TERMs every runsv) or let
/// the guard kill the group.
pub fn start_runsvdir(imp: Imp, scan: &Path, args: &[&str]) -> Running {
    let mut c = command(imp, "runsvdir");
    c.args(args).arg(scan).stderr(Stdio::null());
    if imp == Imp::Debian {
        c.env("PATH", "/usr/bin:/bin");
    }
    spawn(c)
}

/// True when some runsv holds `DIR/supervise/ok` open for reading (sv's liveness probe).
pub fn ok_alive(dir: &Path) -> bool {
    OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(dir.join("supervise/ok"))
        .is_ok()
}

/// Decodes `DIR/supervise/status` (exactly 20 bytes), or None.
pub fn status(dir: &Path) -> Option<Status> {
    Status::unpack(&std::fs::read(dir.join("supervise/status")).ok()?)
}

/// Polls until `pred` holds on the decoded status.
pub fn wait_status(dir: &Path, limit: Duration, pred: impl Fn(&Status) -> bool) -> Option<Status> {
    wait_for(limit, || status(dir).filter(|s| pred(s)))
}

/// Polls until the extra record (`DIR/supervise/runitctl`, pass `DIR/log` for the logger)
/// satisfies `pred`. runsv writes it after the spawns of a step, a moment after `status`.
pub fn wait_extra(dir: &Path, limit: Duration, pred: impl Fn(&Extra) -> bool) -> Option<Extra> {
    wait_for(limit, || read_extra(dir).filter(|e| pred(e)))
}

/// Writes control bytes the way sv does (O_WRONLY|O_NONBLOCK, one write).
pub fn control(dir: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(dir.join("supervise/control"))?;
    f.write_all(bytes)
}

/// Runs Debian's `sv ARGS` in `cwd`; (stdout, exit code).
pub fn sv(cwd: &Path, args: &[&str]) -> (String, i32) {
    let out = Command::new("/usr/bin/sv")
        .args(args)
        .current_dir(cwd)
        .env_remove("SVWAIT")
        .stdin(Stdio::null())
        .output()
        .expect("run sv");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Writes an executable script.
pub fn script(path: &Path, body: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, body).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Masks what differs between runs: `(pid N)` numbers and `Ns` second counts.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let pid = text[..start].ends_with("pid ");
            let secs =
                b.get(i) == Some(&b's') && !b.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric());
            if pid {
                out.push('P');
            } else if secs {
                out.push('S');
            } else {
                out.push_str(&text[start..i]);
            }
            continue;
        }
        out.push(b[i] as char);
        i += 1;
    }
    out
}

/// A fresh directory holding one service dir `svc` (returned as (tempdir, svc path)).
pub fn service_dir() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let svc = t.path().join("svc");
    std::fs::create_dir(&svc).unwrap();
    (t, svc)
}
