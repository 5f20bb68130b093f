//! The embedded runsv: supervises one service directory and its optional `log/` service with
//! runit's `supervise/` protocol, so Debian's `sv` drives it exactly as it drives runit's runsv.
//!
//! # Theory of operation
//!
//! runsv is one thread around one `poll`. It owns two slots — the main service and, when `log/`
//! is a directory, the logger — each a pure state machine ([`Service`]) plus its open
//! `supervise/` files ([`SuperviseDir`]). The loop, like runit's:
//!
//! 1. *start step*: a slot with no process that wants one (want up, a pending `./finish`, or a
//!    `u`/`o` that arrived during the restart floor) is started, logger first;
//! 2. `poll` on the signalfd (SIGCHLD, SIGTERM blocked and read as events), the main control
//!    FIFO and the log control FIFO, with a timeout only while a slot waits out its restart
//!    floor — an idle runsv sleeps in poll forever and wakes zero times;
//! 3. reap every exited child (SIGCHLD) and feed it to its slot (a pid that is not a slot's
//!    current process is ignored);
//! 4. read at most one byte from each control FIFO and feed it to its slot; SIGTERM counts as
//!    `x` on the main FIFO;
//! 5. exit check: main want = exit and down → close the log pipe, wait for the logger, exit 0.
//!
//! Each slot returns effects (write status, signal, run a control script, spawn) that
//! [`Exec`] runs in order. Signals only ever go to a slot's current, unreaped child (pid > 1),
//! so a down service's pid 0 can never be signalled. The one-second restart floor is a poll
//! timeout, not runit's blocking `sleep(1)`: control commands are answered during it.
//! `control/<c>` scripts run synchronously (runsv waits for them, as runit does).
//!
//! The log pipe is created once; runsv keeps both ends (close-on-exec) for its whole life, so
//! a restarting logger costs the service no output and the service never gets EPIPE.

use std::ffi::OsString;
use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout};
use nix::sys::signal::Signal;

use super::exec::Exec;
use super::extra::Extra;
use super::files::SuperviseDir;
use super::say;
use super::service::{Effect, Now, Role, Service};
use crate::runit::errstr::io_errstr;
use crate::runit::status::{State, Want};
use crate::runit::tai64n::Tai64n;
use crate::sys::process;
use crate::sys::signals::Signals;

/// `runsv` personality entry point; returns the exit code.
pub fn main(args: Vec<OsString>) -> i32 {
    if args.len() != 2 {
        // runit names itself as called (argv[0]), and ends with a blank line.
        let prog = args.first().map_or("runsv".into(), |a| a.to_string_lossy());
        say!("usage: {prog} dir\n");
        return 1;
    }
    let name = args[1].to_string_lossy().into_owned();
    match Runsv::start(&args[1], &name) {
        Ok(mut r) => r.run(),
        Err(msg) => {
            say!("runsv {name}: fatal: {msg}");
            111
        }
    }
}

/// One supervised slot: its state machine and its `supervise/` files.
struct Slot {
    svc: Service,
    sup: SuperviseDir,
    /// The extra record to write before the next poll (kept off the restart path).
    extra: Option<Extra>,
}

struct Runsv {
    name: String,
    base: Instant,
    signals: Signals,
    main: Slot,
    log: Option<Slot>,
    /// The log pipe (read end, write end), held for runsv's whole life.
    pipe: Option<(OwnedFd, OwnedFd)>,
    sigterm: bool,
}

impl Runsv {
    fn start(dir: &OsString, name: &str) -> Result<Runsv, String> {
        let signals = Signals::new(&[Signal::SIGCHLD, Signal::SIGTERM])
            .map_err(|e| format!("unable to create selfpipe: {}", io_errstr(&e.into())))?;
        std::env::set_current_dir(dir)
            .map_err(|e| format!("unable to change to directory: {}", io_errstr(&e)))?;
        let base = Instant::now();
        let now = Now {
            mono: Duration::ZERO,
            wall: Tai64n::now(),
        };
        let main = Service::new(Role::Main, std::fs::metadata("down").is_ok(), now);
        let log = match std::fs::metadata("log") {
            Ok(m) if m.is_dir() => Some(Service::new(
                Role::Log,
                std::fs::metadata("log/down").is_ok(),
                now,
            )),
            Ok(_) => {
                say!("runsv {name}: warning: ./log: not a directory.");
                None
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => {
                say!(
                    "runsv {name}: warning: unable to stat() ./log: {}",
                    io_errstr(&e)
                );
                None
            }
        };
        let pipe = match log {
            Some(_) => Some(
                nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
                    .map_err(|e| format!("unable to create log pipe: {}", io_errstr(&e.into())))?,
            ),
            None => None,
        };
        let mut main_sup = SuperviseDir::lock(false)?;
        let mut log_sup = match log {
            Some(_) => Some(SuperviseDir::lock(true)?),
            None => None,
        };
        let mut r = Runsv {
            name: name.to_string(),
            base,
            signals,
            main: Slot {
                svc: main,
                sup: {
                    main_sup.open_control()?;
                    main_sup
                },
                extra: None,
            },
            log: None,
            pipe,
            sigterm: false,
        };
        r.write_initial(false);
        if let (Some(svc), Some(mut sup)) = (log, log_sup.take()) {
            sup.open_control()?;
            r.log = Some(Slot {
                svc,
                sup,
                extra: None,
            });
            r.write_initial(true);
        }
        r.main.sup.open_ok()?;
        if let Some(l) = r.log.as_mut() {
            l.sup.open_ok()?;
        }
        Ok(r)
    }

    fn write_initial(&mut self, log: bool) {
        let slot = if log {
            self.log.as_mut()
        } else {
            Some(&mut self.main)
        };
        if let Some(s) = slot {
            let rec = s.svc.record();
            if let Err(e) = s.sup.write_record(&rec) {
                say!("runsv {}: warning: {e}", self.name);
            }
        }
    }

    fn now(&self) -> Now {
        Now {
            mono: self.base.elapsed(),
            wall: Tai64n::now(),
        }
    }

    /// Runs `f` on a slot's machine and executes the effects it returns, including the
    /// spawn → `spawned` round trips.
    fn drive(
        &mut self,
        log: bool,
        automatic: bool,
        f: impl FnOnce(&mut Service, &mut Exec, Now) -> Vec<Effect>,
    ) {
        let now = self.now();
        let (log_r, log_w) = match &self.pipe {
            Some((r, w)) => (Some(r.as_raw_fd()), Some(w.as_raw_fd())),
            None => (None, None),
        };
        let slot = if log {
            match self.log.as_mut() {
                Some(s) => s,
                None => return,
            }
        } else {
            &mut self.main
        };
        let mut ex = Exec {
            name: &self.name,
            role: slot.svc.role,
            sup: &slot.sup,
            extra: &mut slot.extra,
            log_r,
            log_w,
        };
        let mut fx = f(&mut slot.svc, &mut ex, now);
        loop {
            let mut spawn = None;
            for e in fx.drain(..) {
                match e {
                    Effect::Spawn(s) => spawn = Some(s),
                    other => ex.apply(other),
                }
            }
            let Some(what) = spawn else { break };
            let now = Now {
                mono: self.base.elapsed(),
                wall: Tai64n::now(),
            };
            match ex.spawn(what) {
                Ok(pid) => fx = slot.svc.spawned(pid, what, now, automatic),
                Err(e) => {
                    say!(
                        "runsv {}: warning: unable to fork, sleeping: {}",
                        self.name,
                        io_errstr(&e)
                    );
                    slot.svc.spawn_failed(now);
                    break;
                }
            }
        }
    }

    /// The poll timeout: until the earliest restart floor of a slot that wants to start.
    fn timeout(&self) -> PollTimeout {
        let now = self.base.elapsed();
        let holds = std::iter::once(&self.main)
            .chain(self.log.as_ref())
            .filter(|s| s.svc.wants_start())
            .filter_map(|s| s.svc.hold_until());
        match holds.min() {
            None => PollTimeout::NONE,
            Some(t) => {
                let ms = t.saturating_sub(now).as_micros().div_ceil(1000) as u64;
                PollTimeout::try_from(ms.max(1)).unwrap_or(PollTimeout::MAX)
            }
        }
    }

    fn run(&mut self) -> i32 {
        let mut log_closed = false;
        loop {
            self.drive(true, true, |s, _, now| s.tick(now));
            self.drive(false, true, |s, _, now| s.tick(now));

            self.flush_extra();
            let (sig_ready, main_ready, log_ready) = self.wait();
            if sig_ready {
                let mut chld = false;
                for s in self.signals.drain() {
                    match s {
                        Signal::SIGTERM => self.sigterm = true,
                        _ => chld = true,
                    }
                }
                if chld {
                    self.reap_all();
                }
            }
            if main_ready {
                if let Some(c) = self.main.sup.read_command() {
                    self.drive(false, false, |s, ex, now| s.command(c, now, ex));
                }
            }
            if log_ready {
                if let Some(c) = self.log.as_mut().and_then(|l| l.sup.read_command()) {
                    self.drive(true, false, |s, ex, now| s.command(c, now, ex));
                }
            }
            if std::mem::take(&mut self.sigterm) {
                self.drive(false, false, |s, ex, now| s.command(b'x', now, ex));
            }
            // Exit check.
            if self.main.svc.want == Want::Exit && self.main.svc.state == State::Down {
                match &self.log {
                    Some(l) if l.svc.pid > 1 => {
                        if !log_closed {
                            log_closed = true;
                            self.drive(true, false, |s, _, _| s.want_exit());
                            // Both ends: the logger sees EOF once every writer is gone.
                            self.pipe = None;
                        }
                    }
                    _ => {
                        self.flush_extra();
                        return 0;
                    }
                }
            }
        }
    }

    /// Writes the pending extra records (off the restart path: after the spawns).
    fn flush_extra(&mut self) {
        for slot in std::iter::once(&mut self.main).chain(self.log.as_mut()) {
            if let Some(x) = slot.extra.take() {
                if let Err(e) = slot.sup.write_extra(&x) {
                    say!("runsv {}: warning: {e}", self.name);
                }
            }
        }
    }

    /// Polls; returns which of (signals, main control, log control) are readable.
    fn wait(&self) -> (bool, bool, bool) {
        let flags = PollFlags::POLLIN;
        let mut fds = Vec::with_capacity(3);
        fds.push(PollFd::new(self.signals.as_fd(), flags));
        if let Some(fd) = self.main.sup.control_fd() {
            fds.push(PollFd::new(fd, flags));
        }
        let log_idx = fds.len();
        if let Some(fd) = self.log.as_ref().and_then(|l| l.sup.control_fd()) {
            fds.push(PollFd::new(fd, flags));
        }
        match nix::poll::poll(&mut fds, self.timeout()) {
            Ok(n) if n > 0 => {
                let ready = |i: usize| {
                    fds.get(i)
                        .and_then(|f| f.revents())
                        .is_some_and(|r| !r.is_empty())
                };
                (ready(0), ready(1), log_idx < fds.len() && ready(log_idx))
            }
            _ => (false, false, false),
        }
    }

    fn reap_all(&mut self) {
        while let Some((pid, ws)) = process::reap_any() {
            if pid == self.main.svc.pid {
                self.drive(false, true, |s, ex, now| s.exited(pid, ws, now, ex));
            } else if self.log.as_ref().is_some_and(|l| l.svc.pid == pid) {
                self.drive(true, true, |s, ex, now| s.exited(pid, ws, now, ex));
            }
        }
    }
}
