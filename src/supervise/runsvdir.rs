//! The embedded runsvdir: starts one runsv per service directory in DIR, with runit's scanning
//! rules (dotfiles skipped, symlinks followed, services identified by device and inode, removed
//! entries' runsv TERMed, a dead runsv restarted, `-P`, the LOG argument as a process title).
//!
//! Beyond runit: DIR is watched with inotify, so a new entry is picked up within a few
//! milliseconds (a 15 ms debounce lets a burst of links settle into one scan). A dead runsv is
//! reaped on SIGCHLD and restarted at runit's next tick, a second later (so Debian's `sv exit`
//! sees it gone), or at once on SIGALRM unless it lived less than a second (the floor). There is no periodic wakeup while idle: a fallback rescan every 5 s runs only while
//! something is pending (a dangling entry, a missing or unwatchable DIR, a read error); with a
//! LOG argument, runit's 15-minute `.` keepalive is kept.
//!
//! runsv is started by exec'ing our own binary (`/proc/self/exe`) with argv `runsv NAME`, so
//! `pstree` shows `runsvdir` → `runsv NAME` exactly as under runit.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout};
use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify, WatchDescriptor};
use nix::sys::signal::Signal;

use super::say;
use super::scan::{Action, Entry, Table};
use crate::runit::errstr::io_errstr;
use crate::runit::tai64n::Tai64n;
use crate::sys::process::{self, ChildSetup};
use crate::sys::proctitle::ProcTitle;
use crate::sys::signals::Signals;

/// Fallback rescan period while something is pending (runit's tick).
const FALLBACK: Duration = Duration::from_secs(5);
/// Quiet time after an inotify event before scanning.
const DEBOUNCE: Duration = Duration::from_millis(15);
/// runit's proctitle keepalive.
const KEEPALIVE: Duration = Duration::from_secs(900);

/// `runsvdir` personality entry point; returns the exit code.
pub fn main(args: Vec<OsString>) -> i32 {
    let mut rest = &args[args.len().min(1)..];
    let mut setsid = false;
    match rest.first().map(|a| a.as_bytes()) {
        Some(b"-P") => {
            setsid = true;
            rest = &rest[1..];
        }
        Some(b"--") => rest = &rest[1..],
        _ => {}
    }
    let Some(dir) = rest.first() else {
        // As runit's: named as called (argv[0]), then a blank line.
        let prog = args
            .first()
            .map_or("runsvdir".into(), |a| a.to_string_lossy());
        say!("usage: {prog} [-P] dir\n");
        return 1;
    };
    let name = dir.to_string_lossy().into_owned();
    let log_index = args.len() - rest.len() + 1;
    let title = match rest.get(1) {
        Some(log) if log.len() >= 7 => ProcTitle::locate(log_index),
        Some(_) => {
            say!("runsvdir {name}: warning: log must have at least seven characters.");
            say!("runsvdir {name}: warning: log service disabled.");
            None
        }
        None => None,
    };
    let mut r = match Runsvdir::new(dir, &name, setsid) {
        Ok(r) => r,
        Err(msg) => {
            say!("runsvdir {name}: fatal: {msg}");
            return 100;
        }
    };
    if let Some(t) = title {
        r.attach_title(t);
    }
    r.run()
}

struct Title {
    title: ProcTitle,
    read: File,
    next_keepalive: Instant,
}

struct Runsvdir {
    name: String,
    dir: PathBuf,
    setsid: bool,
    base: Instant,
    signals: Signals,
    inotify: Option<Inotify>,
    watching: bool,
    /// The watch on DIR itself, and on its parent (for DIR being replaced or, as a symlink,
    /// repointed — Debian's runsvchdir — which DIR's own watch cannot see).
    dir_wd: Option<WatchDescriptor>,
    parent_wd: Option<WatchDescriptor>,
    table: Table,
    /// Scan at this time (debounced event, or a restart due).
    scan_at: Option<Instant>,
    /// Something needs the fallback rescan.
    pending: bool,
    /// The last scan could not read DIR: only the fallback tick retries (an expired restart
    /// hold would otherwise rescan, and warn, in a tight loop).
    failed: bool,
    last_scan: Instant,
    title: Option<Title>,
}

impl Runsvdir {
    fn new(dir: &OsStr, name: &str, setsid: bool) -> Result<Runsvdir, String> {
        let signals = Signals::new(&[
            Signal::SIGCHLD,
            Signal::SIGTERM,
            Signal::SIGHUP,
            Signal::SIGALRM,
        ])
        .map_err(|e| format!("unable to block signals: {}", io_errstr(&e.into())))?;
        let cwd = std::env::current_dir()
            .map_err(|e| format!("unable to open current directory: {}", io_errstr(&e)))?;
        let inotify = Inotify::init(InitFlags::IN_NONBLOCK | InitFlags::IN_CLOEXEC).ok();
        Ok(Runsvdir {
            name: name.to_string(),
            dir: cwd.join(dir),
            setsid,
            base: Instant::now(),
            signals,
            inotify,
            watching: false,
            dir_wd: None,
            parent_wd: None,
            table: Table::default(),
            scan_at: Some(Instant::now()),
            pending: false,
            failed: false,
            last_scan: Instant::now(),
            title: None,
        })
    }

    /// Redirects our stderr (inherited by every runsv and log-less service) into a pipe whose
    /// bytes are shown in the LOG argument.
    fn attach_title(&mut self, title: ProcTitle) {
        let Ok((r, w)) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC) else {
            self.warn("unable to create pipe for log.");
            return;
        };
        let _ = nix::fcntl::fcntl(
            &r,
            nix::fcntl::FcntlArg::F_SETFL(nix::fcntl::OFlag::O_NONBLOCK),
        );
        if nix::unistd::dup2_stderr(&w).is_err() {
            self.warn("unable to set filedescriptor for log.");
            return;
        }
        drop::<OwnedFd>(w);
        self.title = Some(Title {
            title,
            read: File::from(r),
            next_keepalive: Instant::now() + KEEPALIVE,
        });
    }

    fn warn(&self, msg: &str) {
        say!("runsvdir {}: warning: {msg}", self.name);
    }

    fn mono(&self) -> Duration {
        self.base.elapsed()
    }

    fn watch(&mut self) {
        if self.watching {
            return;
        }
        let Some(ino) = &self.inotify else { return };
        if let Some(old) = self.dir_wd.take() {
            let _ = ino.rm_watch(old);
        }
        let flags = AddWatchFlags::IN_CREATE
            | AddWatchFlags::IN_DELETE
            | AddWatchFlags::IN_MOVED_FROM
            | AddWatchFlags::IN_MOVED_TO
            | AddWatchFlags::IN_ATTRIB
            | AddWatchFlags::IN_DELETE_SELF
            | AddWatchFlags::IN_MOVE_SELF
            | AddWatchFlags::IN_ONLYDIR;
        self.dir_wd = ino.add_watch(&self.dir, flags).ok();
        self.watching = self.dir_wd.is_some();
        if self.parent_wd.is_none() {
            if let Some(parent) = self.dir.parent() {
                let flags = AddWatchFlags::IN_CREATE
                    | AddWatchFlags::IN_DELETE
                    | AddWatchFlags::IN_MOVED_FROM
                    | AddWatchFlags::IN_MOVED_TO
                    | AddWatchFlags::IN_ONLYDIR;
                self.parent_wd = ino.add_watch(parent, flags).ok();
            }
        }
    }

    fn scan(&mut self) {
        self.scan_with(false);
    }

    /// A scan; `forced` (SIGALRM) restarts dead runsvs without waiting for the tick.
    fn scan_with(&mut self, forced: bool) {
        self.scan_at = None;
        self.pending = false;
        self.failed = true;
        self.last_scan = Instant::now();
        self.watch();
        if !self.watching {
            self.pending = true;
        }
        if let Err(e) = std::env::set_current_dir(&self.dir) {
            self.warn(&format!("unable to stat {}: {}", self.name, io_errstr(&e)));
            self.pending = true;
            return;
        }
        let rd = match std::fs::read_dir(".") {
            Ok(rd) => rd,
            Err(e) => {
                self.warn(&format!(
                    "unable to open directory {}: {}",
                    self.name,
                    io_errstr(&e)
                ));
                self.pending = true;
                return;
            }
        };
        let mut entries = Vec::new();
        for de in rd {
            let de = match de {
                Ok(de) => de,
                Err(e) => {
                    self.warn(&format!(
                        "unable to read directory {}: {}",
                        self.name,
                        io_errstr(&e)
                    ));
                    self.pending = true;
                    return;
                }
            };
            let name = de.file_name();
            if name.as_bytes().first() == Some(&b'.') {
                continue;
            }
            match std::fs::metadata(&name) {
                Ok(m) if m.is_dir() => entries.push(Entry {
                    name,
                    dev: m.dev(),
                    ino: m.ino(),
                }),
                Ok(_) => {}
                Err(e) => {
                    self.warn(&format!(
                        "unable to stat {}: {}",
                        name.to_string_lossy(),
                        io_errstr(&e)
                    ));
                    self.pending = true;
                }
            }
        }
        self.failed = false;
        let now = self.mono();
        for a in self.table.reconcile(&entries, now, forced) {
            match a {
                Action::Start { dev, ino, name } => self.start(dev, ino, &name),
                Action::Term(pid) => {
                    process::signal_child(pid, Signal::SIGTERM);
                }
            }
        }
    }

    fn start(&mut self, dev: u64, ino: u64, name: &OsStr) {
        let prefix = format!(
            "runsvdir {}: warning: unable to start runsv {}: ",
            self.name,
            name.to_string_lossy()
        );
        let exec = process::Exec::new(b"/proc/self/exe", &[b"runsv", name.as_bytes()]);
        let setup = ChildSetup {
            setsid: self.setsid,
            fail_prefix: prefix.as_bytes(),
            ..ChildSetup::default()
        };
        let now = self.mono();
        match process::spawn(&exec, &setup) {
            Ok(pid) => self.table.started(dev, ino, pid, now),
            Err(e) => {
                self.warn(&format!(
                    "unable to fork for {}: {}",
                    name.to_string_lossy(),
                    io_errstr(&e)
                ));
                self.table.start_failed(dev, ino, now);
            }
        }
    }

    /// The next time the loop must wake without an event, if any.
    fn deadline(&self) -> Option<Instant> {
        let hold = self
            .table
            .next_hold()
            .filter(|_| !self.failed)
            .map(|t| self.base + t);
        let fallback = self.pending.then(|| self.last_scan + FALLBACK);
        let keepalive = self.title.as_ref().map(|t| t.next_keepalive);
        [self.scan_at, hold, fallback, keepalive]
            .into_iter()
            .flatten()
            .min()
    }

    fn run(&mut self) -> i32 {
        loop {
            let now = Instant::now();
            if self.scan_at.is_some_and(|t| now >= t)
                || (!self.failed && self.table.next_hold().is_some_and(|t| self.base + t <= now))
                || (self.pending && now >= self.last_scan + FALLBACK)
            {
                self.scan();
            }
            if let Some(t) = self.title.as_mut() {
                if now >= t.next_keepalive {
                    t.next_keepalive = now + KEEPALIVE;
                    let _ = std::io::stderr().write_all(b".");
                }
            }
            let timeout = match self.deadline() {
                None => PollTimeout::NONE,
                Some(t) => {
                    let ms = t.saturating_duration_since(Instant::now()).as_micros();
                    PollTimeout::try_from(ms.div_ceil(1000).max(1) as u64)
                        .unwrap_or(PollTimeout::MAX)
                }
            };
            let (sig, ino, log) = {
                let mut fds = vec![PollFd::new(self.signals.as_fd(), PollFlags::POLLIN)];
                let ino_i = self.inotify.as_ref().map(|i| {
                    fds.push(PollFd::new(i.as_fd(), PollFlags::POLLIN));
                    fds.len() - 1
                });
                let log_i = self.title.as_ref().map(|t| {
                    fds.push(PollFd::new(t.read.as_fd(), PollFlags::POLLIN));
                    fds.len() - 1
                });
                let n = nix::poll::poll(&mut fds, timeout).unwrap_or(0);
                let ready = |i: Option<usize>| {
                    n > 0
                        && i.and_then(|i| fds[i].revents())
                            .is_some_and(|r| !r.is_empty())
                };
                (ready(Some(0)), ready(ino_i), ready(log_i))
            };
            if sig {
                let mut sigs = self.signals.drain();
                // Reap first: an ALRM sent once a runsv has gone must find its slot free.
                sigs.sort_by_key(|s| *s != Signal::SIGCHLD);
                for s in sigs {
                    match s {
                        Signal::SIGTERM => return 0,
                        Signal::SIGHUP => {
                            for pid in self.table.pids() {
                                process::signal_child(pid, Signal::SIGTERM);
                            }
                            return 111;
                        }
                        Signal::SIGALRM => {
                            self.scan_with(true);
                            self.forced_rescan();
                        }
                        _ => self.reap(),
                    }
                }
            }
            if ino {
                self.inotify_events();
            }
            if log {
                self.read_log();
            }
        }
    }

    fn reap(&mut self) {
        let now = self.mono();
        // The scan that restarts it runs when its hold ends (see `deadline`).
        while let Some((pid, _)) = process::reap_any() {
            self.table.exited(pid, now);
        }
    }

    fn inotify_events(&mut self) {
        let Some(ino) = &self.inotify else { return };
        let mut relevant = false;
        let mut lost_watch = false;
        while let Ok(events) = ino.read_events() {
            if events.is_empty() {
                break;
            }
            for ev in events {
                if ev.mask.contains(AddWatchFlags::IN_Q_OVERFLOW) {
                    relevant = true; // events were lost: rescan
                    continue;
                }
                if Some(ev.wd) == self.parent_wd {
                    // Only DIR's own name matters in its parent.
                    if ev.name.as_deref() == self.dir.file_name() {
                        lost_watch = true;
                    }
                    continue;
                }
                if Some(ev.wd) != self.dir_wd {
                    continue; // a stale watch's last events
                }
                if ev.mask.intersects(
                    AddWatchFlags::IN_DELETE_SELF
                        | AddWatchFlags::IN_MOVE_SELF
                        | AddWatchFlags::IN_IGNORED,
                ) {
                    lost_watch = true;
                }
                let dot = ev
                    .name
                    .as_ref()
                    .is_some_and(|n| n.as_bytes().first() == Some(&b'.'));
                if !dot {
                    relevant = true;
                }
            }
        }
        if lost_watch {
            // The kernel drops the watch with the directory; the scan re-adds one on whatever
            // directory now has DIR's name (or keeps retrying on the fallback timer).
            self.watching = false;
            relevant = true;
        }
        if relevant && self.scan_at.is_none() {
            self.scan_at = Some(Instant::now() + DEBOUNCE);
        }
    }

    fn read_log(&mut self) {
        let Some(t) = self.title.as_mut() else { return };
        let mut buf = [0u8; 256];
        while let Ok(n) = t.read.read(&mut buf) {
            if n == 0 {
                break;
            }
            for b in &buf[..n] {
                t.title.push(*b);
            }
        }
    }

    /// Debian's SIGALRM: after the forced scan, `DIR/.forced-rescan` holds its TAI64N label.
    fn forced_rescan(&self) {
        let path: &Path = &self.dir.join(".forced-rescan");
        let res = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o644)
            .open(path)
            .and_then(|mut f| f.write_all(Tai64n::now().label().as_bytes()));
        if let Err(e) = res {
            self.warn(&format!(
                "failed to write {}: {}",
                path.display(),
                io_errstr(&e)
            ));
        }
    }
}
