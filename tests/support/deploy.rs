//! Helpers for the supervised-apply tests: the processes living inside a `--root` sandbox
//! (cwd or command line under it), a teardown guard that runs `runitctl shutdown` and then
//! kills whatever is still inside (each pid verified: > 1, not us), and slot pids.

use super::apply::Sandbox;
use super::wait_for;
use runitctl::runit::status::{State, Status};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// (pid, command line) of every live process whose cwd or command line is inside `root`.
pub fn inside(root: &Path) -> Vec<(i32, String)> {
    let me = std::process::id() as i32;
    let needle = root.to_string_lossy().into_owned();
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in rd.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        if pid <= 1 || pid == me {
            continue;
        }
        let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        if cmd.is_empty() {
            continue; // a zombie or a kernel thread
        }
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        let cwd = std::fs::read_link(e.path().join("cwd")).unwrap_or_default();
        if cwd.starts_with(root) || cmd.contains(&needle) {
            out.push((pid, cmd));
        }
    }
    out
}

/// SIGKILLs every process [`inside`] `root`.
pub fn kill_inside(root: &Path) {
    for (pid, _) in inside(root) {
        if pid > 1 {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

/// On drop: `runitctl --root R shutdown`, then SIGKILL to anything still inside R.
pub struct Teardown<'a>(pub &'a Path);

impl Drop for Teardown<'_> {
    fn drop(&mut self) {
        let _ = Command::new(super::bin())
            .arg("--root")
            .arg(self.0)
            .arg("shutdown")
            .args(["--timeout", "3"])
            .output();
        kill_inside(self.0);
    }
}

/// The decoded status of the slot at root-relative `rel` (`etc/sv/web`, `etc/sv/web/log`).
pub fn slot(s: &Sandbox, rel: &str) -> Option<Status> {
    Status::unpack(&std::fs::read(s.p(rel).join("supervise/status")).ok()?)
}

/// The pid running in slot `rel` (None when down or unsupervised).
pub fn pid(s: &Sandbox, rel: &str) -> Option<u32> {
    slot(s, rel)
        .filter(|st| st.state == State::Run && st.pid != 0)
        .map(|st| st.pid)
}

/// Waits (bounded) until slot `rel` runs; its pid.
pub fn running(s: &Sandbox, rel: &str) -> u32 {
    wait_for(Duration::from_secs(20), || pid(s, rel))
        .unwrap_or_else(|| panic!("{rel} is not running: {:?}", slot(s, rel)))
}

/// Whether a process with this pid is alive (and not a zombie).
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let after = &s[s.rfind(')')? + 1..];
            after
                .split_whitespace()
                .next()
                .map(|st| st != "Z" && st != "X")
        })
        .unwrap_or(false)
}

/// The runsvdir processes scanning `dir` (by command line).
pub fn runsvdirs_on(dir: &Path) -> usize {
    let d = dir.to_string_lossy().into_owned();
    inside(dir.parent().unwrap_or(dir))
        .iter()
        .filter(|(_, c)| {
            let mut w = c.split_whitespace();
            let a0 = w.next().unwrap_or("");
            a0.rsplit('/').next() == Some("runsvdir") && w.any(|x| x == d)
        })
        .count()
}

/// Runs the binary in the sandbox with `args` after `--root R`; (stdout, stderr, code).
pub fn run(s: &Sandbox, args: &[&str]) -> (String, String, i32) {
    let o = Command::new(super::bin())
        .arg("--root")
        .arg(&s.root)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code().unwrap_or(-1),
    )
}
