//! One log directory: opening it runit's way (`lock`, `config`, recovering an uncleanly closed
//! `current` as `@….u`), appending lines under runit's size rules, and closing it (`current`
//! mode 0744 = closed cleanly). Writes are batched: lines collect in `pending` and go out in
//! one write(2) per read batch, but every size decision is taken per line exactly as runit
//! takes it per write, so files rotate at the same byte offsets.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::config::Config;
use super::journal::{self, Pending};
use super::msg;
use super::processor::Processor;
use super::udp::Udp;
use crate::runit::tai64n::Tai64n;

/// runit's pause after a failed write, rename or open.
pub const PAUSE: Duration = Duration::from_secs(3);

/// `op` until it succeeds; after each failure runit's `pausing: WHAT` warning and a [`PAUSE`].
pub(super) fn until_ok<T>(what: impl Fn() -> String, mut op: impl FnMut() -> io::Result<T>) -> T {
    loop {
        match op() {
            Ok(v) => return v,
            Err(e) => {
                msg::pause(&what(), Some(&e));
                std::thread::sleep(PAUSE);
            }
        }
    }
}

/// An open log directory.
pub struct LogDir {
    /// The name as given on the command line (used in messages).
    pub name: String,
    pub(super) path: PathBuf,
    pub cfg: Config,
    pub(super) lock: File,
    cur: File,
    /// Bytes in `current`, including `pending`.
    pub(super) size: u64,
    pending: Vec<u8>,
    linemax: u64,
    /// The last line brought `current` within `linemax` of the size limit: rotate next.
    pub rotate_due: bool,
    pub(super) processor: Option<Processor>,
    /// When the `t` directive next rotates.
    pub deadline: Option<Instant>,
    pub udp: Option<Udp>,
    /// The batch in flight: (input length, fingerprint), journalled in `lock`.
    batch: Option<(u64, u64)>,
}

impl LogDir {
    /// Opens `name`; warns and returns None when it cannot be used. `unconsumed` answers
    /// whether the input a killed predecessor journalled is still unread.
    pub fn open(
        name: &str,
        linemax: usize,
        unconsumed: &mut dyn FnMut(&Pending) -> bool,
    ) -> Option<LogDir> {
        let path = PathBuf::from(name);
        if let Err(e) = File::open(&path) {
            msg::warn(&format!("unable to open log directory: {name}"), Some(&e));
            return None;
        }
        if !path.is_dir() {
            let e = io::Error::from_raw_os_error(libc::ENOTDIR);
            msg::warn(&format!("unable to change directory: {name}"), Some(&e));
            return None;
        }
        let lock = match lock(&path) {
            Ok(l) => l,
            Err(e) => {
                msg::warn(&format!("unable to lock directory: {name}"), Some(&e));
                return None;
            }
        };
        let cfg = match fs::read(path.join("config")) {
            Ok(text) => {
                msg::info(&format!("read: {name}/config"));
                Config::parse(&text)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Config::default(),
            Err(e) => {
                msg::warn(&format!("unable to read config: {name}/config"), Some(&e));
                Config::default()
            }
        };
        let current = path.join("current");
        if let Some(p) = journal::read(&lock) {
            if unconsumed(&p) {
                if let Ok(f) = OpenOptions::new().write(true).open(&current) {
                    if f.metadata().is_ok_and(|m| m.len() > p.size_before) {
                        let _ = f.set_len(p.size_before);
                    }
                }
            }
            let _ = journal::clear(&lock);
        }
        if let Ok(m) = fs::metadata(&current) {
            if m.len() > 0 && m.mode() & 0o100 == 0 {
                let stem = unique_stem(&path);
                if let Err(e) = fs::rename(&current, path.join(format!("{stem}.u"))) {
                    msg::warn(&format!("unable to rename: {name}/current"), Some(&e));
                    return None;
                }
            }
        }
        let cur = match open_current(&path) {
            Ok(f) => f,
            Err(e) => {
                msg::warn(&format!("unable to open current: {name}/current"), Some(&e));
                return None;
            }
        };
        let size = cur.metadata().map(|m| m.len()).unwrap_or(0);
        let word = if size == 0 { "new" } else { "append" };
        msg::info(&format!("{word}: {name}/current"));
        let udp = cfg.udp.and_then(|(to, _)| match Udp::open(to) {
            Ok(u) => Some(u),
            Err(e) => {
                msg::warn(&format!("unable to open udp socket: {name}"), Some(&e));
                None
            }
        });
        let deadline = (cfg.timeout > 0).then(|| Instant::now() + Duration::from_secs(cfg.timeout));
        Some(LogDir {
            name: name.into(),
            path,
            cfg,
            lock,
            cur,
            size,
            pending: Vec::new(),
            linemax: linemax as u64,
            rotate_due: false,
            processor: None,
            deadline,
            udp,
            batch: None,
        })
    }

    /// True for `U`: lines go only to UDP, never to `current`.
    pub fn udp_only(&self) -> bool {
        matches!(self.cfg.udp, Some((_, true)))
    }

    /// Appends `stamp`, the `p` prefix (if `prefixed`), `body` and `tail` as one runit write.
    pub fn put(&mut self, stamp: &[u8], prefixed: bool, body: &[u8], tail: &[u8]) {
        if self.rotate_due {
            self.rotate();
        }
        let prefix = if prefixed {
            std::mem::take(&mut self.cfg.prefix)
        } else {
            Vec::new()
        };
        let parts = [stamp, &prefix[..], body, tail];
        let total: u64 = parts.iter().map(|p| p.len() as u64).sum();
        let ends_line = parts
            .iter()
            .rev()
            .find(|p| !p.is_empty())
            .and_then(|p| p.last())
            == Some(&b'\n');
        let max = self.cfg.size;
        if max == 0 || (self.size < max && self.size + total <= max) {
            for p in parts {
                self.pending.extend_from_slice(p);
            }
            self.size += total;
        } else {
            // runit caps each write at the room left and rotates when `current` is full.
            let joined = parts.concat();
            let mut rest = &joined[..];
            while !rest.is_empty() {
                if self.size >= max {
                    self.rotate();
                }
                let n = (rest.len() as u64).min(max - self.size) as usize;
                self.pending.extend_from_slice(&rest[..n]);
                self.size += n as u64;
                rest = &rest[n..];
            }
        }
        if prefixed {
            self.cfg.prefix = prefix;
        }
        // After a chunk ending a line: rotate once within linemax of the limit (runit's
        // unsigned arithmetic: a limit below linemax never triggers this).
        if ends_line
            && max > 0
            && max
                .checked_sub(self.linemax)
                .is_some_and(|t| self.size >= t)
        {
            self.rotate_due = true;
        }
    }

    /// Writes `pending` to `current`, pausing (or deleting old files) on errors as runit does.
    pub fn flush(&mut self) {
        let data = std::mem::take(&mut self.pending);
        let mut off = 0;
        while off < data.len() {
            match (&self.cur).write(&data[off..]) {
                Ok(n) => off += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    if e.raw_os_error() == Some(libc::ENOSPC) && self.cfg.min < self.cfg.num {
                        if let Some(old) = self.oldest_beyond(self.cfg.min) {
                            msg::warn(
                                &format!("out of disk space, delete: {}/{old}", self.name),
                                None,
                            );
                            let _ = fs::remove_file(self.path.join(&old));
                            continue;
                        }
                    }
                    msg::pause(
                        &format!("unable to write to current: {}/current", self.name),
                        Some(&e),
                    );
                    std::thread::sleep(PAUSE);
                }
            }
        }
        self.pending = data;
        self.pending.clear();
    }

    /// Journals the batch about to be written (see [`journal`]).
    pub fn begin_batch(&mut self, input_len: u64, fingerprint: u64) {
        self.batch = Some((input_len, fingerprint));
        self.journal(self.size);
    }

    /// The batch's input is consumed: empty the journal.
    pub fn end_batch(&mut self) {
        if self.batch.take().is_some() {
            let _ = journal::clear(&self.lock);
        }
    }

    pub(super) fn journal(&self, size_before: u64) {
        if let Some((input_len, fingerprint)) = self.batch {
            let p = Pending {
                size_before,
                input_len,
                fingerprint,
            };
            let _ = journal::begin(&self.lock, &p);
        }
    }

    /// Replaces `current` with a fresh file after a rotation.
    pub(super) fn reopen_current(&mut self) {
        let what = || format!("unable to create new current: {}/current", self.name);
        self.cur = until_ok(what, || open_current(&self.path));
        self.size = 0;
    }

    /// fsync + mode 0744 on `current` (runit's "closed cleanly").
    pub(super) fn seal_current(&self) {
        let _ = self.cur.sync_all();
        let _ = self.cur.set_permissions(fs::Permissions::from_mode(0o744));
    }

    /// Flushes, waits for the processor and marks `current` closed cleanly.
    pub fn close(mut self) {
        self.flush();
        if let Some(mut p) = self.processor.take() {
            p.wait();
        }
        self.seal_current();
        self.end_batch();
        msg::info(&format!("close: {}", self.name));
    }

    /// Reaps a finished processor (after SIGCHLD).
    pub fn reap(&mut self) {
        if self.processor.as_mut().is_some_and(|p| p.poll()) {
            self.processor = None;
        }
    }
}

/// `lock`, mode 0600, held with a non-blocking exclusive flock (kept empty except while a
/// batch is journalled).
fn lock(dir: &std::path::Path) -> io::Result<File> {
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(dir.join("lock"))?;
    // SAFETY: flock(2) on a descriptor this function owns; no memory is passed.
    let r = unsafe {
        libc::flock(
            std::os::fd::AsRawFd::as_raw_fd(&f),
            libc::LOCK_EX | libc::LOCK_NB,
        )
    };
    if r != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(f)
}

/// `current` for appending; mode 0644 while svlogd writes to it.
fn open_current(dir: &std::path::Path) -> io::Result<File> {
    let f = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(dir.join("current"))?;
    f.set_permissions(fs::Permissions::from_mode(0o644))?;
    Ok(f)
}

/// `@` + TAI64N of now, re-reading the clock until no `.s`, `.u` or `.t` has that name.
pub fn unique_stem(dir: &std::path::Path) -> String {
    loop {
        let stem = Tai64n::now().label();
        if [".s", ".u", ".t"]
            .iter()
            .all(|s| !dir.join(format!("{stem}{s}")).exists())
        {
            return stem;
        }
    }
}
