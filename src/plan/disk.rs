//! Reading one path for observe, never through a link: `lstat`, then a file's bytes, a link's
//! target or a dir's listing only when the [`StatCache`] cannot vouch for them; what was read
//! is recorded for the next cache when asked.

use super::observed::Found;
use super::statcache::{DirEntry, EntryKind, Seen, StatCache};
use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Files larger than this are read only when their size equals the desired size.
const DIFF_READ_LIMIT: u64 = 256 * 1024;

fn io_err(p: &Path, e: io::Error) -> String {
    format!("{}: {e}", p.display())
}

/// Reads disk through the stat cache and records what it read for the next one.
pub(super) struct Disk<'a> {
    cache: &'a StatCache,
    /// Whether what is read goes into `seen`.
    record: bool,
    seen: StatCache,
    /// Keys of the previous cache's entries that still hold (recording only): copied into
    /// `seen` only when it learned something, since only then is it saved.
    kept: Vec<&'a [u8]>,
    /// The `lstat` of each real dir looked at, for listing it (keyed by the path's bytes).
    dirs: HashMap<OsString, fs::Metadata>,
    /// Dirs listed in this run (sv_dir is listed for temporaries and for prunes).
    listed: HashMap<OsString, Vec<DirEntry>>,
}

impl<'a> Disk<'a> {
    /// Reads through `cache`; with `record`, keeps what it read.
    pub(super) fn new(cache: &'a StatCache, record: bool) -> Disk<'a> {
        Disk {
            cache,
            record,
            // Empty until something is learned: a no-op apply learns nothing and saves nothing.
            seen: match record {
                true => StatCache::starting_now(0),
                false => StatCache::default(),
            },
            kept: Vec::new(),
            dirs: HashMap::new(),
            listed: HashMap::new(),
        }
    }

    /// `lstat`s every `(path, want_len)` of `jobs` (see [`Disk::lstat`]), on every core when
    /// there are enough; results in job order.
    pub(super) fn lstat_all(
        &mut self,
        jobs: &[(PathBuf, Option<u64>)],
    ) -> Result<Vec<Found>, String> {
        self.lstat_on(jobs, crate::par::threads_for(jobs.len(), 512))
    }

    /// [`Disk::lstat_all`] on `threads` threads.
    fn lstat_on(
        &mut self,
        jobs: &[(PathBuf, Option<u64>)],
        threads: usize,
    ) -> Result<Vec<Found>, String> {
        let parts = crate::par::chunks(
            jobs,
            threads,
            || self.sibling(),
            |disk, (path, want_len)| disk.lstat(path, *want_len),
        );
        let mut found = Vec::with_capacity(jobs.len());
        for (out, disk) in parts {
            self.absorb(disk);
            for f in out {
                found.push(f?);
            }
        }
        Ok(found)
    }

    /// An empty reader of the same cache, recording into a sibling of `seen`.
    fn sibling(&self) -> Disk<'a> {
        Disk {
            cache: self.cache,
            record: self.record,
            seen: self.seen.sibling(),
            kept: Vec::new(),
            dirs: HashMap::new(),
            listed: HashMap::new(),
        }
    }

    /// Takes in what a [`Disk::sibling`] read.
    fn absorb(&mut self, other: Disk<'a>) {
        self.seen.absorb(other.seen);
        self.kept.extend(other.kept);
        self.dirs.extend(other.dirs);
        debug_assert!(other.listed.is_empty(), "siblings only lstat");
    }

    /// What was read, as the next cache (empty unless recording).
    pub(super) fn into_seen(mut self) -> StatCache {
        if self.seen.learned() {
            self.seen.carry(self.cache, &self.kept);
        }
        self.seen
    }

    /// `lstat` one path; reads a file's content when `want_len` matches or it is small.
    pub(super) fn lstat(&mut self, disk: &Path, want_len: Option<u64>) -> Result<Found, String> {
        let m = match fs::symlink_metadata(disk) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Found::Missing),
            Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => return Ok(Found::Missing),
            Err(e) => return Err(io_err(disk, e)),
        };
        let ft = m.file_type();
        let (mode, uid, gid) = (m.mode() & 0o7777, m.uid(), m.gid());
        Ok(if ft.is_symlink() {
            let target = self.through_cache(disk, &m, LINK, || {
                fs::read_link(disk).map_err(|e| io_err(disk, e))
            })?;
            Found::Symlink { target, uid, gid }
        } else if ft.is_dir() {
            self.dirs.insert(disk.as_os_str().to_owned(), m);
            Found::Dir {
                mode,
                uid,
                gid,
                linked: false,
            }
        } else if ft.is_file() {
            let size = m.len();
            let content = match want_len {
                Some(l) if l == size || size <= DIFF_READ_LIMIT => {
                    Some(self.through_cache(disk, &m, FILE, || read_nofollow(disk, size))?)
                }
                _ => None,
            };
            Found::File {
                mode,
                uid,
                gid,
                size,
                content,
            }
        } else {
            Found::Other
        })
    }

    /// The entries of dir `disk` in name order, listed once per run. Cached only for a real
    /// dir [`Disk::lstat`] looked at (its `lstat` came before the listing).
    pub(super) fn list_dir(&mut self, disk: &Path) -> Result<Vec<DirEntry>, String> {
        // Keys are the path's bytes: `dir/` would be another key than the `lstat`'s `dir`.
        debug_assert!(
            disk == Path::new("/") || !disk.as_os_str().as_bytes().ends_with(b"/"),
            "{} ends in a slash",
            disk.display()
        );
        if let Some(list) = self.listed.get(disk.as_os_str()) {
            return Ok(list.clone());
        }
        let read = || {
            let mut list = fs::read_dir(disk)
                .and_then(|rd| {
                    rd.map(|e| {
                        let e = e?;
                        Ok(DirEntry {
                            kind: EntryKind::of(e.file_type()?),
                            name: e.file_name(),
                        })
                    })
                    .collect::<io::Result<Vec<_>>>()
                })
                .map_err(|e| io_err(disk, e))?;
            list.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(list)
        };
        let list = match self.dirs.get(disk.as_os_str()).cloned() {
            Some(m) => self.through_cache(disk, &m, DIR, read)?,
            None => read()?,
        };
        self.listed
            .insert(disk.as_os_str().to_owned(), list.clone());
        Ok(list)
    }

    /// What the cache holds for `disk` (whose `lstat` is `m`) as `kind`, or else `read()`;
    /// either way recorded for the next cache when recording.
    fn through_cache<T: Clone>(
        &mut self,
        disk: &Path,
        m: &fs::Metadata,
        (unwrap, wrap): Kind<T>,
        read: impl FnOnce() -> Result<T, String>,
    ) -> Result<T, String> {
        let cache = self.cache;
        if let Some((key, v)) = cache.hit(disk, m).and_then(|(k, s)| Some((k, unwrap(s)?))) {
            if self.record {
                self.kept.push(key);
            }
            return Ok(v.clone());
        }
        let v = read()?;
        if self.record {
            self.seen.learn(disk, m, wrap(v.clone()));
        }
        Ok(v)
    }
}

/// How one kind of [`Seen`] is taken out of and put into a cache entry.
type Kind<T> = (fn(&Seen) -> Option<&T>, fn(T) -> Seen);

const FILE: Kind<Vec<u8>> = (
    |s| match s {
        Seen::File(b) => Some(b),
        _ => None,
    },
    Seen::File,
);
const LINK: Kind<PathBuf> = (
    |s| match s {
        Seen::Link(t) => Some(t),
        _ => None,
    },
    Seen::Link,
);
const DIR: Kind<Vec<DirEntry>> = (
    |s| match s {
        Seen::Dir(l) => Some(l),
        _ => None,
    },
    Seen::Dir,
);

pub(super) fn read_nofollow(disk: &Path, size: u64) -> Result<Vec<u8>, String> {
    let mut f = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(disk)
        .map_err(|e| io_err(disk, e))?;
    // Read into a buffer of the lstat'ed size plus one byte, by hand: `read_to_end` on a `File`
    // asks for its size and position first (a statx and an lseek per file, 40% of a no-op
    // plan's syscalls), which the lstat already answered.
    let mut buf = vec![0u8; size as usize + 1];
    let mut len = 0;
    loop {
        if len == buf.len() {
            buf.resize(len * 2, 0);
        }
        match f.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_err(disk, e)),
        }
    }
    buf.truncate(len);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A recording reader of `cache` whose next cache counts files written just now as settled.
    fn recording(cache: &StatCache) -> Disk<'_> {
        let mut d = Disk::new(cache, true);
        d.seen = StatCache::taken_in(3);
        d
    }

    /// Files, links, dirs and missing paths, `lstat`ed on one thread and on three: the same
    /// results in the same order, and what each thread recorded ends up in one cache.
    #[test]
    fn lstat_on_several_threads_gives_what_one_thread_gives() {
        let tmp = tempfile::tempdir().unwrap();
        let mut jobs = Vec::new();
        for i in 0..300 {
            let p = tmp.path().join(format!("f{i}"));
            match i % 4 {
                0 => fs::write(&p, format!("{i}\n")).unwrap(),
                1 => symlink(format!("/nowhere/{i}"), &p).unwrap(),
                2 => fs::create_dir(&p).unwrap(),
                _ => {}
            }
            jobs.push((p, Some(format!("{i}\n").len() as u64)));
        }
        let cache = StatCache::default();
        let mut one = recording(&cache);
        let want = one.lstat_on(&jobs, 1).unwrap();
        assert!(want.iter().any(|f| matches!(
            f,
            Found::File {
                content: Some(_),
                ..
            }
        )));
        assert!(want.iter().any(|f| matches!(f, Found::Symlink { .. })));
        assert!(want.iter().any(|f| matches!(f, Found::Missing)));
        let mut three = recording(&cache);
        assert_eq!(three.lstat_on(&jobs, 3).unwrap(), want);
        // Each dir's lstat is kept for listing it, whichever thread took it.
        assert_eq!(three.dirs.len(), 75);
        // 75 files' contents and 75 links' targets were read and recorded.
        assert_eq!((one.seen.len(), three.seen.len()), (150, 150));
        assert!(three.seen.learned());
    }

    /// A cache that learned something is saved whole: the previous cache's entries that still
    /// hold are carried into it; one that learned nothing is not saved, and carries nothing.
    #[test]
    fn entries_that_still_hold_are_carried_only_into_a_cache_that_learned() {
        let tmp = tempfile::tempdir().unwrap();
        let [a, b, c] = ["a", "b", "c"].map(|n| {
            let p = tmp.path().join(n);
            fs::write(&p, n).unwrap();
            p
        });
        let empty = StatCache::default();
        let mut first = recording(&empty);
        for p in [&a, &b] {
            first.lstat(p, Some(1)).unwrap();
        }
        let old = first.into_seen();
        assert_eq!(old.len(), 2);
        // Only hits: nothing learned, nothing to save.
        let mut again = recording(&old);
        again.lstat(&a, Some(1)).unwrap();
        let next = again.into_seen();
        assert!(!next.learned());
        assert!(next.is_empty());
        // A hit and a new path: the hit is carried, the new path learned.
        let mut more = recording(&old);
        more.lstat(&a, Some(1)).unwrap();
        more.lstat(&c, Some(1)).unwrap();
        let next = more.into_seen();
        assert!(next.learned());
        assert_eq!(next.len(), 2);
        let m = fs::symlink_metadata(&a).unwrap();
        assert_eq!(next.get(&a, &m), Some(&Seen::File(b"a".to_vec())));
    }
}
