//! The `supervise/` directory of one slot, as runit's runsv keeps it: the directory (or the
//! directory a `supervise` symlink points at), `lock` held with flock, the `control` FIFO open
//! for reading and writing, the `ok` FIFO open for reading, and `pid`, `stat`, `status` (and our
//! extra `runitctl`) rewritten as `NAME.new` + rename.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use nix::sys::stat::Mode;

use super::extra::{Extra, FILE as EXTRA_FILE};
use super::service::Record;
use crate::runit::errstr::io_errstr;
use crate::runit::status::stat_line;

/// A startup failure: the message after `runsv DIR: fatal: `.
pub type Fatal = String;

fn fatal(what: &str, e: &io::Error) -> Fatal {
    format!("{what}: {}", io_errstr(e))
}

/// One slot's open `supervise/` files.
pub struct SuperviseDir {
    /// `supervise/` or `log/supervise/`, relative to the service dir (runsv's cwd).
    prefix: &'static str,
    _lock: File,
    control_r: Option<File>,
    _control_w: Option<File>,
    _ok: Option<File>,
}

impl SuperviseDir {
    /// Creates the directory (following a `supervise` symlink one level, as runit does) and
    /// takes the lock: non-blocking for the main service (a second runsv fails), blocking for
    /// the log.
    pub fn lock(log: bool) -> Result<SuperviseDir, Fatal> {
        let (base, prefix) = if log {
            ("log/", "log/supervise/")
        } else {
            ("", "supervise/")
        };
        let dir = format!("{base}supervise");
        if std::fs::DirBuilder::new().mode(0o700).create(&dir).is_err() {
            if let Ok(target) = std::fs::read_link(&dir) {
                let target = Path::new(base).join(target);
                let _ = std::fs::DirBuilder::new().mode(0o700).create(target);
            }
        }
        let lockname = format!("{prefix}lock");
        let lock = OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .custom_flags(libc::O_NONBLOCK)
            .open(&lockname)
            .map_err(|e| fatal(&format!("unable to open {lockname}"), &e))?;
        let arg = if log {
            nix::fcntl::FlockArg::LockExclusive
        } else {
            nix::fcntl::FlockArg::LockExclusiveNonblock
        };
        #[allow(deprecated)]
        nix::fcntl::flock(lock.as_raw_fd(), arg)
            .map_err(|e| fatal(&format!("unable to lock {lockname}"), &io::Error::from(e)))?;
        Ok(SuperviseDir {
            prefix,
            _lock: lock,
            control_r: None,
            _control_w: None,
            _ok: None,
        })
    }

    /// Creates `control` (a FIFO; anything else is fatal) and opens it for reading and writing.
    pub fn open_control(&mut self) -> Result<(), Fatal> {
        let path = format!("{}control", self.prefix);
        let _ = nix::unistd::mkfifo(path.as_str(), Mode::from_bits_truncate(0o600));
        let meta =
            std::fs::metadata(&path).map_err(|e| fatal(&format!("unable to stat {path}"), &e))?;
        if !meta.file_type().is_fifo() {
            return Err(format!("{path} exists but is not a fifo"));
        }
        let open = |write: bool| {
            OpenOptions::new()
                .read(!write)
                .write(write)
                .custom_flags(libc::O_NONBLOCK)
                .open(&path)
                .map_err(|e| fatal(&format!("unable to open {path}"), &e))
        };
        self.control_r = Some(open(false)?);
        self._control_w = Some(open(true)?);
        Ok(())
    }

    /// Creates `ok` and keeps it open for reading: `sv`'s "is runsv alive" probe.
    pub fn open_ok(&mut self) -> Result<(), Fatal> {
        let path = format!("{}ok", self.prefix);
        let _ = nix::unistd::mkfifo(path.as_str(), Mode::from_bits_truncate(0o600));
        let ok = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&path)
            .map_err(|e| fatal(&format!("unable to read {path}"), &e))?;
        self._ok = Some(ok);
        Ok(())
    }

    /// The control FIFO's read end, for poll.
    pub fn control_fd(&self) -> Option<BorrowedFd<'_>> {
        self.control_r.as_ref().map(|f| f.as_fd())
    }

    /// Reads at most one command byte (runit handles one per loop iteration).
    pub fn read_command(&mut self) -> Option<u8> {
        let f = self.control_r.as_mut()?;
        let mut b = [0u8; 1];
        match f.read(&mut b) {
            Ok(1) => Some(b[0]),
            _ => None,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        PathBuf::from(format!("{}{name}", self.prefix))
    }

    /// Writes `NAME.new` (mode 0644) and renames it over `NAME`; the error names the step.
    fn replace(&self, name: &str, data: &[u8]) -> Result<(), String> {
        let new = self.path(&format!("{name}.new"));
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o644)
            .custom_flags(libc::O_NONBLOCK)
            .open(&new)
            .map_err(|e| format!("unable to open {}: {}", new.display(), io_errstr(&e)))?;
        f.write_all(data)
            .map_err(|e| format!("unable to write {}: {}", new.display(), io_errstr(&e)))?;
        drop(f);
        std::fs::rename(&new, self.path(name)).map_err(|e| {
            format!(
                "unable to rename {name}.new to {}: {}",
                self.path(name).display(),
                io_errstr(&e)
            )
        })
    }

    /// Rewrites `pid` (when given), `stat` and `status`, in that order.
    pub fn write_record(&self, r: &Record) -> Result<(), String> {
        if let Some(pid) = r.pid_file {
            let text = if pid == 0 {
                String::new()
            } else {
                format!("{pid}\n")
            };
            self.replace("pid", text.as_bytes())?;
        }
        let stat = stat_line(r.status.state, r.status.paused, r.status.term, r.want);
        self.replace("stat", stat.as_bytes())?;
        let mut status = r.status;
        // runsv writes microseconds: 1000 * usec + 500.
        status.stamp.nanos = status.stamp.nanos / 1000 * 1000 + 500;
        self.replace("status", &status.pack())
    }

    /// Rewrites the extra record.
    pub fn write_extra(&self, e: &Extra) -> Result<(), String> {
        self.replace(EXTRA_FILE, e.render().as_bytes())
    }
}
