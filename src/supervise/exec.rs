//! runsv's effect executor: runs what a slot's state machine decided — rewrite `supervise/`
//! files, signal the slot's child, run `control/<c>` (synchronously, as runit does), and fork
//! `./run`, `./finish` or `log/run` with runit's stdio and exec-failure semantics. It is also the
//! runtime side of the machine's [`Env`] seam.

use std::ffi::CString;
use std::io;
use std::os::fd::RawFd;
use std::os::unix::fs::PermissionsExt;

use super::extra::Extra;
use super::files::SuperviseDir;
use super::say;
use super::service::{Effect, Env, Role, Start};
use crate::runit::errstr::io_errstr;
use crate::sys::process::{self, ChildSetup};

/// Runs one slot's effects: the runtime side of the [`Env`] seam.
pub(crate) struct Exec<'a> {
    pub(crate) name: &'a str,
    pub(crate) role: Role,
    pub(crate) sup: &'a SuperviseDir,
    pub(crate) extra: &'a mut Option<Extra>,
    pub(crate) log_r: Option<RawFd>,
    pub(crate) log_w: Option<RawFd>,
}

impl Exec<'_> {
    pub(crate) fn apply(&mut self, e: Effect) {
        let res = match e {
            Effect::Write(r) => self.sup.write_record(&r),
            Effect::Extra(x) => {
                *self.extra = Some(x);
                Ok(())
            }
            Effect::Kill(pid, sig) => {
                process::signal_child(pid, sig);
                Ok(())
            }
            Effect::Hook(c) => {
                self.run_hook(c);
                Ok(())
            }
            Effect::Spawn(_) => Ok(()),
        };
        if let Err(msg) = res {
            say!("runsv {}: warning: {msg}", self.name);
        }
    }

    fn fail_prefix(&self, what: &str) -> Vec<u8> {
        format!("runsv {}: fatal: {what}: ", self.name).into_bytes()
    }

    pub(crate) fn spawn(&mut self, what: Start) -> io::Result<i32> {
        match (self.role, what) {
            (Role::Log, _) => {
                let cwd = CString::new("./log").unwrap_or_default();
                let prefix = self.fail_prefix("unable to start log/./run");
                let setup = ChildSetup {
                    cwd: Some(&cwd),
                    stdin: self.log_r,
                    fail_prefix: &prefix,
                    ..ChildSetup::default()
                };
                process::spawn(&process::Exec::new(b"./run", &[b"./run"]), &setup)
            }
            (Role::Main, Start::Run) => {
                let prefix = self.fail_prefix("unable to start ./run");
                let setup = ChildSetup {
                    stdout: self.log_w,
                    fail_prefix: &prefix,
                    ..ChildSetup::default()
                };
                process::spawn(&process::Exec::new(b"./run", &[b"./run"]), &setup)
            }
            (Role::Main, Start::Finish(a, b)) => {
                let prefix = self.fail_prefix("unable to start ./finish");
                let setup = ChildSetup {
                    stdout: self.log_w,
                    fail_prefix: &prefix,
                    ..ChildSetup::default()
                };
                let (a, b) = (a.to_string(), b.to_string());
                let exec =
                    process::Exec::new(b"./finish", &[b"./finish", a.as_bytes(), b.as_bytes()]);
                process::spawn(&exec, &setup)
            }
        }
    }

    /// Runs `control/<c>` when it exists with the owner-exec bit; true when it exited 0 (or,
    /// as in runit, was killed by a signal).
    fn run_hook(&mut self, c: u8) -> bool {
        let path = format!("control/{}", c as char);
        match std::fs::metadata(&path) {
            Ok(m) if m.permissions().mode() & 0o100 != 0 => {}
            Ok(_) => return false,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return false,
            Err(e) => {
                say!(
                    "runsv {}: warning: unable to stat {path}: {}",
                    self.name,
                    io_errstr(&e)
                );
                return false;
            }
        }
        let prefix = self.fail_prefix(&format!("unable to run {path}"));
        let setup = ChildSetup {
            stdout: self.log_w,
            fail_prefix: &prefix,
            ..ChildSetup::default()
        };
        let exec = process::Exec::new(path.as_bytes(), &[path.as_bytes()]);
        let pid = match process::spawn(&exec, &setup) {
            Ok(pid) => pid,
            Err(e) => {
                say!(
                    "runsv {}: warning: unable to fork for {path}: {}",
                    self.name,
                    io_errstr(&e)
                );
                return false;
            }
        };
        match process::wait_pid(pid) {
            Ok(ws) => (ws.0 >> 8) & 0xff == 0,
            Err(e) => {
                say!(
                    "runsv {}: warning: unable to wait for child {path}: {}",
                    self.name,
                    io_errstr(&e)
                );
                false
            }
        }
    }
}

impl Env for Exec<'_> {
    fn hook(&mut self, c: u8, pending: &mut Vec<Effect>) -> bool {
        for e in pending.drain(..) {
            self.apply(e);
        }
        self.run_hook(c)
    }

    /// runit's test: `./finish` can be opened for reading — without blocking, as runit opens
    /// it, so a FIFO named `finish` does not hang runsv (its exec then fails like any other).
    fn has_finish(&mut self) -> bool {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open("finish")
            .is_ok()
    }
}
