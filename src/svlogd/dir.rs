//! One log directory: opening it runit's way (`lock`, `config`, recovering an uncleanly closed
//! `current` as `@….u`), appending lines under runit's size rules, and closing it (`current`
//! mode 0744 = closed cleanly). Writes are batched: lines collect in `pending` and go out in
//! one write(2) per read batch, but every size decision is taken per line exactly as runit
//! takes it per write, so files rotate at the same byte offsets. Each batch is journalled in
//! `lock` (see [`journal`]). Opening the directory after a SIGKILL cuts `current` back to where
//! the killed batch's output in it began; when that batch had rotated `current`, the replay of
//! the batch drops the output bytes already in rotated files.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::config::Config;
use super::journal::{self, Pending};
use super::msg;
use super::processor::Processor;
use super::rotate::prune;
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
    /// The batch in flight, as journalled in `lock`. Its output so far, dropped bytes
    /// included, is `skip - self.skip + size - size_before`.
    batch: Option<Pending>,
    /// Output bytes of the batch in flight still to drop: a replay's killed predecessor had
    /// already put them in rotated files.
    skip: u64,
    /// The killed predecessor's batch to replay (its input is still unread), if any, until the
    /// replay's [`LogDir::begin_batch`] takes it.
    pub recovered: Option<Pending>,
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
                let (cfg, warnings) = Config::parse(&text);
                for w in warnings {
                    msg::warn(&w, None);
                }
                cfg
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Config::default(),
            Err(e) => {
                msg::warn(&format!("unable to read config: {name}"), Some(&e));
                Config::default()
            }
        };
        let current = path.join("current");
        let mut recovered = None;
        if let Some(p) = journal::read(&lock) {
            if unconsumed(&p) {
                let empty = fs::metadata(&current).map_or(true, |m| m.len() == 0);
                let (skip, keep) = p.resolve(empty);
                let was_rotating = p.rotating.is_some();
                let resolved = Pending {
                    size_before: keep,
                    skip,
                    rotating: None,
                    ..p
                };
                // The resolved record goes down before `current` is cut: a kill in between
                // must not leave a `rotating` record beside a `current` this cut emptied.
                if was_rotating {
                    let _ = journal::begin(&lock, &resolved);
                }
                if killed_here() {
                    return None;
                }
                if let Ok(f) = OpenOptions::new().write(true).open(&current) {
                    if f.metadata().is_ok_and(|m| m.len() > keep) {
                        let _ = f.set_len(keep);
                    }
                }
                if killed_here() {
                    return None;
                }
                recovered = Some(resolved);
            }
            match &recovered {
                // Part of the batch is in rotated files: keep the record until it is replayed.
                Some(r) if r.skip > 0 => {
                    let _ = journal::begin(&lock, r);
                }
                _ => {
                    let _ = journal::clear(&lock);
                }
            }
            if killed_here() {
                return None;
            }
        }
        if let Ok(m) = fs::metadata(&current) {
            if m.len() > 0 && m.mode() & 0o100 == 0 {
                let stem = unique_stem(&path);
                if let Err(e) = fs::rename(&current, path.join(format!("{stem}.u"))) {
                    msg::warn(&format!("unable to rename: {name}/current"), Some(&e));
                    return None;
                }
                prune(&path, name, cfg.num);
            }
        }
        // As runit: a `current` that cannot be opened (a directory, no permission) is retried
        // every 3 s with a `pausing:` warning; input waits in the pipe meanwhile.
        let cur = until_ok(
            || format!("unable to open current: {name}"),
            || open_current(&path),
        );
        let size = cur.metadata().map(|m| m.len()).unwrap_or(0);
        let word = if size == 0 { "new" } else { "append" };
        msg::info(&format!("{word}: {name}/current"));
        let udp = cfg.udp.and_then(|to| match Udp::open(to) {
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
            skip: 0,
            recovered,
        })
    }

    /// True for `U`: lines go only to UDP, never to `current`.
    pub fn udp_only(&self) -> bool {
        self.cfg.udp_only
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
        // A replay drops what its killed predecessor already put in rotated files.
        let skip = self.skip.min(total);
        self.skip -= skip;
        if skip == 0 && (max == 0 || (self.size < max && self.size + total <= max)) {
            for p in parts {
                self.pending.extend_from_slice(p);
            }
            self.size += total;
        } else {
            // runit caps each write at the room left and rotates when `current` is full.
            let joined = parts.concat();
            let mut rest = &joined[skip as usize..];
            while !rest.is_empty() {
                if max > 0 && self.size >= max {
                    self.rotate();
                }
                let room = if max == 0 { u64::MAX } else { max - self.size };
                let n = (rest.len() as u64).min(room) as usize;
                self.pending.extend_from_slice(&rest[..n]);
                self.size += n as u64;
                rest = &rest[n..];
            }
        }
        if prefixed {
            self.cfg.prefix = prefix;
        }
        if skip > 0 && skip == total {
            return; // wholly in rotated files already: its size decisions were taken
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

    /// Journals the batch about to be written (see [`journal`]). A replay's batch takes the
    /// recovered record: its first `skip` output bytes are dropped.
    pub fn begin_batch(&mut self, input_len: u64, fingerprint: u64, stamp: &[u8]) {
        self.skip = self.recovered.take().map_or(0, |r| r.skip);
        self.batch = Some(Pending {
            size_before: self.size,
            input_len,
            fingerprint,
            skip: self.skip,
            rotating: None,
            stamp: stamp.to_vec(),
        });
        self.journal();
    }

    /// The batch's input is consumed: empty the journal.
    pub fn end_batch(&mut self) {
        if self.batch.take().is_some() {
            let _ = journal::clear(&self.lock);
        }
        self.skip = 0;
    }

    /// Rewrites the record of the batch in flight, if any.
    fn journal(&self) {
        if let Some(p) = &self.batch {
            let _ = journal::begin(&self.lock, p);
        }
    }

    /// Before `current` (flushed) is renamed by a rotation inside the batch: the batch's
    /// output so far stays in the renamed file, and the record must hold whether or not the
    /// rename and the new `current` happen before a kill.
    pub(super) fn journal_rotating(&mut self) {
        if let Some(p) = &mut self.batch {
            p.rotating = Some(p.skip - self.skip + self.size - p.size_before);
        }
        self.journal();
    }

    /// After that rotation: the new, empty `current` holds the batch's output after what the
    /// renamed file holds.
    pub(super) fn journal_rotated(&mut self) {
        // A batch writes (and so rotates) only once its drop is done: `skip` stays its output.
        debug_assert_eq!(self.skip, 0);
        if let Some(p) = &mut self.batch {
            if let Some(out) = p.rotating.take() {
                (p.size_before, p.skip) = (0, out);
            }
        }
        self.journal();
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

/// A simulated SIGKILL between two disk steps of the recovery in [`LogDir::open`]: never
/// outside the unit tests, which pick the step (see `tests::CRASH_AT`).
#[cfg(not(test))]
fn killed_here() -> bool {
    false
}

#[cfg(test)]
fn killed_here() -> bool {
    tests::CRASH_AT.with(|c| match c.get() {
        Some(0) => {
            c.set(None);
            true
        }
        n => {
            c.set(n.map(|n| n - 1));
            false
        }
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    const STAMP: &[u8] = b"@400000006b048aed383ad238 ";

    thread_local! {
        /// `Some(k)`: the next [`LogDir::open`] on this thread is killed at its recovery's
        /// k-th step boundary (0 = after its first disk step); cleared when it fires.
        pub(super) static CRASH_AT: std::cell::Cell<Option<u32>> = const { std::cell::Cell::new(None) };
    }

    /// Rotated files oldest first, then `current`.
    fn logged(dir: &std::path::Path) -> Vec<u8> {
        crate::status::logs::files::log_files(dir)
            .unwrap()
            .iter()
            .flat_map(|f| fs::read(f).unwrap())
            .collect()
    }

    /// Opens `dir`, polling (5 s at most) while its lock is taken: a child another test's
    /// thread forks shares the dropped predecessor's locked descriptor until it execs.
    fn open(dir: &std::path::Path, unread: bool) -> LogDir {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(d) = LogDir::open(dir.to_str().unwrap(), 1000, &mut |_| unread) {
                return d;
            }
            assert!(
                Instant::now() < deadline,
                "{}: lock never free",
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn lines() -> Vec<Vec<u8>> {
        (0..6).map(|i| vec![b'a' + i as u8; 3 + i * 7]).collect()
    }

    fn put_all(d: &mut LogDir, lines: &[Vec<u8>]) {
        for l in lines {
            d.put(STAMP, true, l, b"\n");
        }
    }

    /// A dir with `config` and one line logged before the batch, and the text expected once
    /// the batch is in.
    fn setup(config: &str) -> (tempfile::TempDir, std::path::PathBuf, Vec<u8>) {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("d");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("config"), config).unwrap();
        let mut d = open(&dir, false);
        d.put(b"", false, b"before", b"\n");
        d.flush();
        let mut want = b"before\n".to_vec();
        for l in lines() {
            want.extend([STAMP, b"p ", &l, b"\n"].concat());
        }
        (t, dir, want)
    }

    /// The successor: recovers, replays the whole batch with the recorded stamp, commits.
    /// `recorded`: whether a record of the batch must be left (a recovery that found none of
    /// the batch in rotated files clears it; the unread input is then simply logged).
    fn replay(dir: &std::path::Path, recorded: bool) {
        let mut d = open(dir, true);
        let r = d.recovered.as_ref();
        assert_eq!(r.is_some(), recorded, "a record of the unread batch");
        if let Some(r) = r {
            assert_eq!(r.stamp, STAMP);
        }
        d.begin_batch(1, 2, STAMP);
        put_all(&mut d, &lines());
        d.flush();
        d.end_batch();
        d.close();
        assert_eq!(
            fs::metadata(dir.join("lock")).unwrap().len(),
            0,
            "lock empty"
        );
    }

    /// Killed after each line of a batch that rotates inside lines (`s30`, lines up to 64
    /// bytes), twice in a row: every line once, whole, in order.
    #[test]
    fn kill_after_rotations_inside_a_batch_neither_loses_nor_duplicates() {
        for k in 0..=lines().len() {
            for twice in [false, true] {
                let (_t, dir, want) = setup("s30\nn0\npp \n");
                let mut d = open(&dir, false);
                d.begin_batch(1, 2, STAMP);
                put_all(&mut d, &lines()[..k]);
                drop(d); // SIGKILL: pending output is lost, the record stays
                if twice {
                    let mut d = open(&dir, true);
                    let r = d.recovered.clone().unwrap();
                    d.begin_batch(r.input_len, r.fingerprint, &r.stamp);
                    put_all(&mut d, &lines()[..k / 2]);
                    drop(d);
                }
                replay(&dir, true);
                assert_eq!(logged(&dir), want, "killed after line {k}, twice {twice}");
            }
        }
    }

    /// A logger of `setup("s1000…")`'s dir killed inside a rotation of its batch: after the
    /// record says so but before the rename, or (`renamed`) after the rename but before the
    /// new `current` exists. (`s1000` with `linemax` 1000 rotates after every line, so the
    /// batch's earlier lines are in rotated files and its output in `current` starts at 0.)
    fn kill_inside_a_rotation(dir: &std::path::Path, renamed: bool) {
        let mut d = open(dir, false);
        // setup's logger left `current` unsealed: it became a `.u`, this one is empty.
        assert_eq!(d.size, 0);
        d.begin_batch(1, 2, STAMP);
        put_all(&mut d, &lines()[..3]);
        d.flush();
        d.seal_current();
        d.journal_rotating();
        if renamed {
            let to = dir.join(format!("{}.s", unique_stem(dir)));
            fs::rename(dir.join("current"), to).unwrap();
        }
        drop(d);
    }

    /// Killed inside a rotation, before and after the rename.
    #[test]
    fn kill_around_the_rename_of_a_rotation() {
        for renamed in [false, true] {
            let (_t, dir, want) = setup("s1000\nn0\npp \n");
            kill_inside_a_rotation(&dir, renamed);
            replay(&dir, true);
            assert_eq!(logged(&dir), want, "renamed {renamed}");
        }
    }

    /// A successor opens `dir` (the batch's input unread) and is killed at step boundary `k`
    /// of its recovery, or, when the recovery has fewer, once open (before its replay).
    fn open_killed_at(dir: &std::path::Path, k: u32) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            CRASH_AT.with(|c| c.set(Some(k)));
            let opened = LogDir::open(dir.to_str().unwrap(), 1000, &mut |_| true);
            let fired = CRASH_AT.with(|c| c.replace(None)).is_none();
            if fired || opened.is_some() {
                return;
            }
            // Not opened and not killed: the lock was still taken (see `open`).
            assert!(
                Instant::now() < deadline,
                "{}: lock never free",
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// A batch killed inside a rotation (before and after the rename), its successor killed
    /// after each disk step of the recovery. The batch's output in `current` starts at 0, so
    /// the cut empties `current`, which a `rotating` record reads as "renamed": the record
    /// must be resolved before the cut, or the next logger drops output bytes no rotated file
    /// holds.
    #[test]
    fn kill_inside_the_recovery_of_a_rotating_batch() {
        for renamed in [false, true] {
            for k in 0..4 {
                let (_t, dir, want) = setup("s1000\nn0\npp \n");
                kill_inside_a_rotation(&dir, renamed);
                open_killed_at(&dir, k);
                let recorded = fs::metadata(dir.join("lock")).unwrap().len() > 0;
                replay(&dir, recorded);
                assert_eq!(logged(&dir), want, "renamed {renamed}, killed at step {k}");
            }
        }
    }
}
