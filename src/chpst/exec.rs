//! Applies a [`Plan`] in runit's fixed order — setsid, envdir, chroot, nice, `-U`, `-u`, lock,
//! close 0/1/2, limits — then replaces the process with the program (PATH search with the
//! changed environment; `-b` sets argv[0]) with execve(2), never through `/bin/sh`.

use super::plan::Plan;
use super::{envdir, ids, limits, Fatal};
use crate::runit::errstr::{errstr, io_errstr};
use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg, OFlag};
use nix::sys::signal::{SigHandler, Signal};
use nix::sys::stat::Mode;
use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

/// Runs the plan; returns only on failure (Ok(0) for setlock `-x`: the lock cannot be opened
/// or taken, or the program cannot be run).
pub fn run(plan: Plan) -> Result<i32, Fatal> {
    let sys = |what: &str, e: Errno| Fatal(format!("{what}: {}", errstr(e)));
    if plan.setsid {
        let _ = nix::unistd::setsid();
    }
    let mut env: Vec<envdir::EnvChange> = Vec::new();
    if let Some(dir) = &plan.envdir {
        env = envdir::read(dir, plan.envdir_strict, plan.verbose)?;
    }
    if let Some(root) = &plan.root {
        nix::unistd::chdir(root.as_os_str()).map_err(|e| {
            sys(
                &format!("unable to change directory: {}", root.to_string_lossy()),
                e,
            )
        })?;
        nix::unistd::chroot(".").map_err(|e| sys("unable to change root directory", e))?;
    }
    if plan.nice != 0 {
        Errno::clear();
        // SAFETY: nice(2) only adjusts this process's scheduling priority; no memory involved.
        let r = unsafe { libc::nice(plan.nice) };
        if r == -1 && Errno::last_raw() != 0 {
            return Err(sys("unable to set nice level", Errno::last()));
        }
    }
    if let Some(spec) = &plan.env_user {
        let acct = ids::resolve(spec)?;
        env.push(("UID".into(), Some(acct.uid.to_string().into())));
        env.push(("GID".into(), Some(acct.gid.to_string().into())));
    }
    if let Some(spec) = &plan.set_user {
        ids::become_user(&ids::resolve(spec)?)?;
    }
    if let Some(lock) = &plan.lock {
        // runit's open_append: O_NONBLOCK too, which the program inherits with the fd.
        let flags = OFlag::O_WRONLY | OFlag::O_APPEND | OFlag::O_CREAT | OFlag::O_NONBLOCK;
        let shown = lock.path.to_string_lossy();
        // Not close-on-exec: the program holds the lock for as long as it runs.
        let fd = nix::fcntl::open(
            lock.path.as_os_str(),
            flags,
            Mode::from_bits_truncate(0o600),
        );
        let fd = match fd {
            Ok(fd) => fd,
            Err(_) if lock.quiet => return Ok(0),
            Err(e) => return Err(sys(&format!("unable to open lock: {shown}"), e)),
        };
        let how = if lock.wait {
            FlockArg::LockExclusive
        } else {
            FlockArg::LockExclusiveNonblock
        };
        match Flock::lock(fd, how) {
            Ok(held) => std::mem::forget(held),
            Err((_, _)) if lock.quiet => return Ok(0),
            Err((_, e)) => return Err(sys(&format!("unable to lock: {shown}"), e)),
        }
    }
    for (fd, what) in [(0, "stdin"), (1, "stdout"), (2, "stderr")] {
        if plan.close[fd as usize] {
            nix::unistd::close(fd).map_err(|e| sys(&format!("unable to close {what}"), e))?;
        }
    }
    limits::apply(&plan.limits)?;
    let (prog, args) = plan.prog.split_first().expect("parsers require a program");
    let argv0 = plan.argv0.as_ref().unwrap_or(prog);
    let e = exec_path(prog, argv0, args, &environment(&env));
    if plan.lock.as_ref().is_some_and(|l| l.quiet) {
        // setlock -x: any failure to lock or to run exits 0 quietly, as runit's (and djb's).
        return Ok(0);
    }
    // runit names argv[0] here: the `-b` name when one is given.
    Err(Fatal(format!(
        "unable to run: {}: {}",
        argv0.to_string_lossy(),
        io_errstr(&e)
    )))
}

/// The program's environment: chpst's own with the env-dir changes applied, as `NAME=value`,
/// in runit's order (its `pathexec`): for each change in turn, the variable's first entry is
/// removed by moving the last entry into its place, and a set one is appended.
fn environment(changes: &[envdir::EnvChange]) -> Vec<CString> {
    let mut vars: Vec<(OsString, OsString)> = std::env::vars_os().collect();
    for (k, v) in changes {
        if let Some(i) = vars.iter().position(|(name, _)| name == k) {
            vars.swap_remove(i);
        }
        if let Some(v) = v {
            vars.push((k.clone(), v.clone()));
        }
    }
    vars.into_iter()
        .filter_map(|(k, v)| {
            let mut kv = k.into_vec();
            kv.push(b'=');
            kv.extend(v.into_vec());
            CString::new(kv).ok()
        })
        .collect()
}

/// Replaces the process with `path` by a plain execve(2): unlike Rust's `Command::exec` (libc's
/// execvp), a file the kernel cannot run (ENOEXEC: no `#!` line, garbage) is an error, not
/// handed to `/bin/sh`, as runit's `pathexec_run`. SIGPIPE is reset to its default first (the
/// Rust runtime ignores it). Returns the error when the exec fails.
fn execve(path: &Path, argv: &[CString], envp: &[CString]) -> std::io::Error {
    let Ok(path) = CString::new(path.as_os_str().as_bytes()) else {
        return std::io::Error::from_raw_os_error(libc::ENOENT);
    };
    // SAFETY: resetting a disposition to SIG_DFL installs no handler; the process is about to
    // exec and runs no other code meanwhile.
    let _ = unsafe { nix::sys::signal::signal(Signal::SIGPIPE, SigHandler::SigDfl) };
    match nix::unistd::execve(&path, argv, envp) {
        Ok(never) => match never {},
        Err(e) => std::io::Error::from_raw_os_error(e as i32),
    }
}

/// djb's `pathexec_run`: a name with a `/` is exec'ed as is; otherwise each `$PATH` entry is
/// tried — the PATH chpst was started with, not one from the env dir — (empty entry = `.`;
/// default `/bin:/usr/bin`), going on past ENOENT, EACCES, EPERM and EISDIR and reporting
/// the most telling error. Returns only when every attempt failed.
fn exec_path(prog: &OsStr, argv0: &OsStr, args: &[OsString], envp: &[CString]) -> std::io::Error {
    let argv: Vec<CString> = std::iter::once(argv0)
        .chain(args.iter().map(OsString::as_os_str))
        .filter_map(|a| CString::new(a.as_bytes()).ok())
        .collect();
    let exec = |path: &Path| execve(path, &argv, envp);
    if prog.as_bytes().contains(&b'/') {
        return exec(Path::new(prog));
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/bin:/usr/bin".into());
    let mut saved: Option<std::io::Error> = None;
    let mut last = std::io::Error::from_raw_os_error(libc::ENOENT);
    for dir in path.as_bytes().split(|&c| c == b':') {
        let dir = if dir.is_empty() { b"." as &[u8] } else { dir };
        let e = exec(&Path::new(OsStr::from_bytes(dir)).join(prog));
        let code = e.raw_os_error();
        if code != Some(libc::ENOENT) {
            if !matches!(code, Some(libc::EACCES | libc::EPERM | libc::EISDIR)) {
                return e;
            }
            saved = Some(e);
        } else {
            last = e;
        }
    }
    saved.unwrap_or(last)
}
