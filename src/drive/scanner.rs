//! The runsvdir that scans a service dir: find it (our pid file, verified; else any runsvdir
//! in /proc naming that dir, such as the host's runit), or start one, detached, for the
//! backend; and nudge it to rescan now.
//!
//! A started runsvdir is its own session leader (setsid), with stdin `/dev/null` and stdout and
//! stderr appended to its log file ([`super::runtime`]); it survives apply. It is never started
//! twice: the pid file is checked (pid > 1, same start time, argv names that dir) and /proc is
//! searched before starting.

use super::procs::{self, Proc};
use super::runtime::{self, Record};
use crate::sys::spawn::clean_child;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Whose runsvdir apply starts (the spec's `supervisor:`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `<exe>` with argv[0] = `runsvdir`.
    Embedded(PathBuf),
    /// `runsvdir` from PATH (Debian's runit).
    Runit,
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Embedded(_) => "embedded",
            Backend::Runit => "runit",
        }
    }

    fn command(&self, dir: &Path) -> Command {
        let mut c = match self {
            Backend::Embedded(exe) => {
                let mut c = Command::new(exe);
                c.arg0("runsvdir");
                c
            }
            Backend::Runit => Command::new("runsvdir"),
        };
        c.arg(dir);
        c
    }
}

/// A runsvdir scanning one dir.
#[derive(Debug)]
pub struct Scanner {
    pub proc: Proc,
    /// Started by this apply (its child until apply exits).
    pub child: Option<Child>,
    /// Recorded in our pid file (ours to stop at shutdown).
    pub ours: bool,
    pub log: Option<PathBuf>,
}

impl Scanner {
    /// Whether it is still running; for one we started, its exit status if it ended.
    pub fn exited(&mut self) -> Option<String> {
        if let Some(c) = &mut self.child {
            if let Ok(Some(st)) = c.try_wait() {
                return Some(st.to_string());
            }
        }
        (!self.proc.alive()).then(|| "gone".to_string())
    }

    /// Asks it to rescan now (SIGALRM), only if it catches ALRM (Debian's and the embedded
    /// runsvdir do; upstream runit's would die of it) and is still the process we verified.
    pub fn nudge(&self) {
        nudge(&self.proc);
    }
}

/// SIGALRM to a verified runsvdir that handles it.
pub fn nudge(p: &Proc) {
    if p.pid > 1 && p.alive() && procs::catches_alarm(p.pid) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(p.pid),
            nix::sys::signal::Signal::SIGALRM,
        );
    }
}

/// The runsvdir recorded for logical `dir`, if the record is still true.
pub fn recorded(root: Option<&Path>, dir: &Path) -> Option<Proc> {
    let disk = crate::plan::disk_path(root, dir);
    let rec = Record::load(&runtime::pid_file(root, dir))?;
    let p = Proc::read(rec.pid)?;
    (p.start == rec.start && p.scans_dir(&disk)).then_some(p)
}

/// Finds whoever scans logical `dir`: our recorded runsvdir, else any in /proc.
pub fn find(root: Option<&Path>, dir: &Path) -> Option<Scanner> {
    if let Some(p) = recorded(root, dir) {
        return Some(Scanner {
            proc: p,
            child: None,
            ours: true,
            log: Some(runtime::log_file(root, dir)),
        });
    }
    let disk = crate::plan::disk_path(root, dir);
    procs::scanners_of(&disk)
        .into_iter()
        .next()
        .map(|p| Scanner {
            proc: p,
            child: None,
            ours: false,
            log: None,
        })
}

/// Finds the scanner of logical `dir` or starts one for `backend`; true when started.
/// `nested`: the users' service dirs (on disk) scanned below it, kept in our record.
pub fn ensure(
    root: Option<&Path>,
    dir: &Path,
    backend: &Backend,
    nested: &[PathBuf],
) -> Result<(Scanner, bool), String> {
    if let Some(s) = find(root, dir) {
        let pidf = runtime::pid_file(root, dir);
        if let Some(mut rec) = s.ours.then(|| Record::load(&pidf)).flatten() {
            if rec.nested != nested {
                rec.nested = nested.to_vec();
                rec.save(&pidf)
                    .map_err(|e| format!("{}: {e}", pidf.display()))?;
            }
        }
        return Ok((s, false));
    }
    let disk = crate::plan::disk_path(root, dir);
    let log = runtime::log_file(root, dir);
    let pidf = runtime::pid_file(root, dir);
    let _ = std::fs::remove_file(&pidf);
    let open_log = || -> std::io::Result<std::fs::File> {
        if let Some(d) = log.parent() {
            std::fs::create_dir_all(d)?;
        }
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
    };
    let out = open_log().map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("{}: {e}", log.display()))?;
    let mut cmd = backend.command(&disk);
    cmd.current_dir("/")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    clean_child(&mut cmd, true);
    let child = cmd.spawn().map_err(|e| match backend {
        Backend::Runit if e.kind() == std::io::ErrorKind::NotFound => "cannot start runsvdir \
            (supervisor: runit): no runsvdir on PATH; install runit, or set `supervisor: embedded`"
            .to_string(),
        Backend::Runit => format!("cannot start runsvdir (supervisor: runit) from PATH: {e}"),
        Backend::Embedded(exe) => format!("cannot start {} runsvdir: {e}", exe.display()),
    })?;
    let pid = child.id() as i32;
    // The start time does not change across exec, so it identifies the process already.
    let Some(mut p) = Proc::read(pid) else {
        return Err(format!(
            "runsvdir on {} exited at once; see {}",
            disk.display(),
            log.display()
        ));
    };
    p.argv = vec!["runsvdir".into(), disk.clone().into()];
    let rec = Record {
        pid,
        start: p.start,
        dir: disk,
        backend: backend.name().to_string(),
        nested: nested.to_vec(),
    };
    rec.save(&pidf)
        .map_err(|e| format!("{}: {e}", pidf.display()))?;
    Ok((
        Scanner {
            proc: p,
            child: Some(child),
            ours: true,
            log: Some(log),
        },
        true,
    ))
}
