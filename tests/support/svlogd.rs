//! Helpers for the svlogd tests: run Debian's or the embedded svlogd over an input, read a log
//! directory back (rotated files in order, then `current`), mask timestamps, and find a
//! runsv's logger pid safely (verified: > 1, comm `svlogd`, child of that runsv).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use super::proc::{command, Imp};

/// Runs `svlogd ARGS DIR` of `imp` with `input` on a pipe; waits for it to end at EOF.
pub fn run(imp: Imp, args: &[&str], dir: &Path, input: &[u8]) -> Output {
    let mut c = command(imp, "svlogd");
    c.args(args)
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn svlogd");
    let _guard = super::GroupGuard(child.id() as i32);
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.write_all(input); // it may refuse the dir and exit first
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// The rotated file names of `dir`, oldest first.
pub fn rotated(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<String> = entries
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter(|n| n.starts_with('@'))
        .collect();
    v.sort();
    v
}

/// True for `@` + 24 lowercase hex + `.s` or `.u`.
pub use runitctl::status::logs::files::is_rotated as rotated_name;

/// Everything logged: rotated files oldest first, then `current`.
pub fn content(dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for n in rotated(dir) {
        all.extend(std::fs::read(dir.join(n)).unwrap());
    }
    all.extend(std::fs::read(dir.join("current")).unwrap_or_default());
    all
}

/// Replaces each line's leading timestamp of `width` bytes (26 for -tt/-ttt, 26 for -t) by
/// `TS `; `width` 0 leaves the text alone.
pub fn mask(text: &[u8], width: usize) -> String {
    let text = String::from_utf8_lossy(text);
    if width == 0 {
        return text.into_owned();
    }
    text.split_inclusive('\n')
        .map(|l| match l.get(width..) {
            Some(rest) => format!("TS {rest}"),
            None => l.to_string(),
        })
        .collect()
}

/// The logger pid of the runsv `runsv_pid` serving `svc`, verified: > 1, named `svlogd` in
/// /proc, and a child of that runsv. None otherwise.
pub fn logger_pid(svc: &Path, runsv_pid: i32) -> Option<i32> {
    let pid: i32 = std::fs::read_to_string(svc.join("log/supervise/pid"))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    if pid <= 1 {
        return None;
    }
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let ppid: i32 = stat
        .rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    (comm.trim() == "svlogd" && ppid == runsv_pid).then_some(pid)
}

/// A log/run that execs the embedded svlogd with `args` into `./main`, creating it first.
pub fn log_run(args: &str, config: &str) -> String {
    format!(
        "#!/bin/sh\nmkdir -p main\nprintf '{config}' > main/config\nexec {} svlogd {args} ./main\n",
        super::bin().display()
    )
}

/// Runs a shell command; its output.
pub fn sh(cmd: &str) -> Output {
    Command::new("/bin/sh").arg("-c").arg(cmd).output().unwrap()
}
