//! The stat cache: what observe last read of each managed path, keyed by what `lstat` said of
//! it then, so the next plan can `lstat` a path and skip reading it (git's index does the same
//! for a work tree). A no-op plan of 1,000 services otherwise opens and reads every file and
//! lists every service dir.
//!
//! An entry is a path's fingerprint (device, inode, mode, owner, size, mtime, ctime) and what
//! was read: a file's bytes, a link's target, or a dir's names and entry types. It is trusted
//! only while the path's `lstat` is identical and its ctime lies more than [`SETTLE_NS`] before
//! the moment the cache was taken (the start of the observe that filled it). No process but the
//! kernel sets ctime: any write, rename, chmod or chown after that observe leaves a ctime at or
//! after that moment, less one timestamp tick, so it differs, and the path is read again. A path
//! changed within [`SETTLE_NS`] of being read is not cached at all: its ctime could repeat within
//! one tick, which is nanoseconds on ext4, xfs, btrfs and tmpfs, but 1 s on ext3 and 2 s on
//! FAT, hence two seconds.
//!
//! Only `apply` writes the cache (`plan` writes nothing): `<root>/var/cache/runitctl/<project>.stat`,
//! mode 0600 in a 0700 dir, since it holds env file contents. It is used only when it is the
//! invoking user's and private, and every dir on the way is a real dir that only root or that
//! user can change (apply as root never writes it through a link). Anything unreadable,
//! foreign or malformed counts as an empty cache: losing it costs time, never correctness.

use crate::replace::Durability;
use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where the cache lives (logical; one file per project).
pub const CACHE_DIR: &str = "/var/cache/runitctl";
/// How long before the cache was taken a path must have last changed to be cached: more than
/// the coarsest timestamp tick of a filesystem runit trees live on.
pub const SETTLE_NS: i128 = 2_000_000_000;
/// Files larger than this are read every time rather than cached.
const MAX_CACHED_FILE: u64 = 64 * 1024;
const MAGIC: &[u8] = b"runitctl stat cache 2\n";

/// What `lstat` says of a path; any change to the path changes one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    dev: u64,
    ino: u64,
    mode: u32,
    uid: u32,
    gid: u32,
    size: u64,
    mtime: i128,
    ctime: i128,
}

impl Fingerprint {
    pub fn of(m: &fs::Metadata) -> Fingerprint {
        Fingerprint {
            dev: m.dev(),
            ino: m.ino(),
            mode: m.mode(),
            uid: m.uid(),
            gid: m.gid(),
            size: m.size(),
            mtime: ns(m.mtime(), m.mtime_nsec()),
            ctime: ns(m.ctime(), m.ctime_nsec()),
        }
    }
}

fn ns(sec: i64, nsec: i64) -> i128 {
    i128::from(sec) * 1_000_000_000 + i128::from(nsec)
}

/// A directory entry as listed: its name and type (from the listing, not a stat).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    pub name: OsString,
    pub kind: EntryKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Dir,
    File,
    Symlink,
    Other,
}

impl EntryKind {
    pub fn of(t: fs::FileType) -> EntryKind {
        if t.is_dir() {
            EntryKind::Dir
        } else if t.is_file() {
            EntryKind::File
        } else if t.is_symlink() {
            EntryKind::Symlink
        } else {
            EntryKind::Other
        }
    }
    fn byte(self) -> u8 {
        match self {
            EntryKind::Dir => b'd',
            EntryKind::File => b'f',
            EntryKind::Symlink => b'l',
            EntryKind::Other => b'o',
        }
    }
    fn from_byte(b: u8) -> Option<EntryKind> {
        Some(match b {
            b'd' => EntryKind::Dir,
            b'f' => EntryKind::File,
            b'l' => EntryKind::Symlink,
            b'o' => EntryKind::Other,
            _ => return None,
        })
    }
}

/// What was read of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    File(Vec<u8>),
    Link(PathBuf),
    Dir(Vec<DirEntry>),
}

/// Path on disk → (fingerprint, what was read), as of `taken`.
#[derive(Clone, Debug, Default)]
pub struct StatCache {
    /// When the observe that filled it started (ns since the epoch).
    taken: i128,
    /// Keyed by the path's bytes (hashing a `Path` walks its components: 7% of a plan).
    entries: HashMap<Vec<u8>, (Fingerprint, Seen)>,
    /// How many entries were read from disk rather than found in the previous cache: when
    /// none were, saving would rewrite what is already there.
    learned: usize,
}

impl StatCache {
    /// An empty cache for about `n` entries, to be filled by an observe starting now.
    pub fn starting_now(n: usize) -> StatCache {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        StatCache {
            taken: now,
            entries: HashMap::with_capacity(n),
            learned: 0,
        }
    }

    /// A cache taken `secs` seconds from now: later than the settle time, files written just
    /// now count as settled.
    #[cfg(test)]
    pub(super) fn taken_in(secs: i128) -> StatCache {
        let mut c = StatCache::starting_now(0);
        c.taken += secs * 1_000_000_000;
        c
    }

    /// An empty cache taken at the same moment, filled by another thread of the same observe.
    pub fn sibling(&self) -> StatCache {
        StatCache {
            taken: self.taken,
            ..StatCache::default()
        }
    }

    /// Takes in what a [`StatCache::sibling`] recorded.
    pub fn absorb(&mut self, other: StatCache) {
        self.entries.extend(other.entries);
        self.learned += other.learned;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What was read of `disk` when its `lstat` was `m`, if that still holds.
    #[cfg(test)]
    pub fn get(&self, disk: &Path, m: &fs::Metadata) -> Option<&Seen> {
        self.hit(disk, m).map(|(_, seen)| seen)
    }

    /// What was read of `disk` when its `lstat` was `m`, if that still holds, with the entry's
    /// key (to [`StatCache::carry`] it later).
    pub fn hit(&self, disk: &Path, m: &fs::Metadata) -> Option<(&[u8], &Seen)> {
        let (key, (fp, seen)) = self.entries.get_key_value(disk.as_os_str().as_bytes())?;
        (*fp == Fingerprint::of(m) && fp.ctime < self.taken - SETTLE_NS).then_some((key, seen))
    }

    /// Whether this cache holds anything its predecessor did not.
    pub fn learned(&self) -> bool {
        self.learned > 0
    }

    /// Copies the entries at `keys` (hits of [`StatCache::hit`]) from the previous cache `old`:
    /// they still hold, so they are not learned.
    pub fn carry(&mut self, old: &StatCache, keys: &[&[u8]]) {
        self.entries.reserve(keys.len());
        for key in keys {
            if let Some((k, v)) = old.entries.get_key_value(*key) {
                self.entries.insert(k.clone(), v.clone());
            }
        }
    }

    /// Records what was read of `disk`, whose `lstat` (taken before the read) was `m`.
    pub fn learn(&mut self, disk: &Path, m: &fs::Metadata, seen: Seen) {
        if self.put(disk, m, seen) {
            self.learned += 1;
        }
    }

    /// Paths changed too recently, and large files, are left out (false).
    fn put(&mut self, disk: &Path, m: &fs::Metadata, seen: Seen) -> bool {
        let fp = Fingerprint::of(m);
        if fp.ctime >= self.taken - SETTLE_NS {
            return false;
        }
        if matches!(&seen, Seen::File(b) if b.len() as u64 > MAX_CACHED_FILE) {
            return false;
        }
        let key = disk.as_os_str().as_bytes().to_vec();
        self.entries.insert(key, (fp, seen));
        true
    }

    /// The cache file for `project` under `root`, if every dir on the way there is a real dir
    /// that only root or the invoking user can change (`create`: making the missing ones).
    /// `root` itself is the operator's choice and is not checked.
    pub fn file(root: Option<&Path>, project: &str, create: bool) -> Option<PathBuf> {
        let me = nix::unistd::geteuid().as_raw();
        let mut dir = root.map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
        let parts: Vec<&std::ffi::OsStr> = Path::new(CACHE_DIR).iter().skip(1).collect();
        for (i, part) in parts.iter().enumerate() {
            dir.push(part);
            let last = i + 1 == parts.len();
            let m = match fs::symlink_metadata(&dir) {
                Ok(m) => m,
                Err(e) if create && e.kind() == io::ErrorKind::NotFound => {
                    let mode = if last { 0o700 } else { 0o755 };
                    fs::DirBuilder::new().mode(mode).create(&dir).ok()?;
                    fs::symlink_metadata(&dir).ok()?
                }
                Err(_) => return None,
            };
            let owner_ok = m.uid() == me || (!last && m.uid() == 0);
            if !m.is_dir() || !owner_ok || m.mode() & 0o022 != 0 {
                return None;
            }
        }
        Some(dir.join(format!("{project}.stat")))
    }

    /// Reads `file`; empty when it is missing, malformed, or not private to the invoking user.
    pub fn load(file: &Path) -> StatCache {
        let read = || -> io::Result<Vec<u8>> {
            let f = fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                .open(file)?;
            let m = f.metadata()?;
            let mine = m.uid() == nix::unistd::geteuid().as_raw() && m.mode() & 0o077 == 0;
            if !m.is_file() || !mine {
                return Err(io::ErrorKind::PermissionDenied.into());
            }
            let mut buf = Vec::with_capacity(m.len() as usize);
            io::Read::read_to_end(&mut &f, &mut buf)?;
            Ok(buf)
        };
        read().ok().and_then(|b| decode(&b)).unwrap_or_default()
    }

    /// Writes the cache to `file` (from [`StatCache::file`]), mode 0600 (it holds env
    /// values). No fsync: a cache lost in a crash is only slower.
    pub fn save(&self, file: &Path) -> io::Result<()> {
        crate::replace::replace_file(file, &self.encode(), 0o600, Durability::Unsynced)
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MAGIC.len() + 16 + self.entries.len() * 160);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.taken.to_le_bytes());
        out.extend_from_slice(&(self.entries.len() as u32).to_le_bytes());
        for (path, (fp, seen)) in &self.entries {
            bytes(&mut out, path);
            for n in [fp.dev, fp.ino, fp.size] {
                out.extend_from_slice(&n.to_le_bytes());
            }
            for n in [fp.mode, fp.uid, fp.gid] {
                out.extend_from_slice(&n.to_le_bytes());
            }
            for n in [fp.mtime, fp.ctime] {
                out.extend_from_slice(&n.to_le_bytes());
            }
            match seen {
                Seen::File(b) => {
                    out.push(b'f');
                    bytes(&mut out, b);
                }
                Seen::Link(t) => {
                    out.push(b'l');
                    bytes(&mut out, t.as_os_str().as_bytes());
                }
                Seen::Dir(list) => {
                    out.push(b'd');
                    out.extend_from_slice(&(list.len() as u32).to_le_bytes());
                    for e in list {
                        out.push(e.kind.byte());
                        bytes(&mut out, e.name.as_bytes());
                    }
                }
            }
        }
        out
    }
}

/// A length-prefixed byte string.
fn bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

/// Reads fixed-size numbers and length-prefixed byte strings; None past the end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
    fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }
    fn i128(&mut self) -> Option<i128> {
        self.array().map(i128::from_le_bytes)
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
}

fn decode(buf: &[u8]) -> Option<StatCache> {
    let mut r = Reader(buf.strip_prefix(MAGIC)?);
    let taken = r.i128()?;
    // An entry takes at least 93 bytes: a garbled count cannot ask for more than the file holds.
    let n = (r.u32()? as usize).min(r.0.len() / 93);
    let mut entries = HashMap::with_capacity(n);
    while !r.0.is_empty() {
        let path = r.bytes()?.to_vec();
        let (dev, ino, size) = (r.u64()?, r.u64()?, r.u64()?);
        let (mode, uid, gid) = (r.u32()?, r.u32()?, r.u32()?);
        let (mtime, ctime) = (r.i128()?, r.i128()?);
        let seen = match r.take(1)?[0] {
            b'f' => Seen::File(r.bytes()?.to_vec()),
            b'l' => Seen::Link(PathBuf::from(OsString::from_vec(r.bytes()?.to_vec()))),
            b'd' => {
                let n = r.u32()? as usize;
                let mut list = Vec::with_capacity(n.min(r.0.len()));
                for _ in 0..n {
                    let kind = EntryKind::from_byte(r.take(1)?[0])?;
                    let name = OsString::from_vec(r.bytes()?.to_vec());
                    list.push(DirEntry { name, kind });
                }
                Seen::Dir(list)
            }
            _ => return None,
        };
        let fp = Fingerprint {
            dev,
            ino,
            mode,
            uid,
            gid,
            size,
            mtime,
            ctime,
        };
        entries.insert(path, (fp, seen));
    }
    Some(StatCache {
        taken,
        entries,
        learned: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A temp dir holding file `f` with content `a`, and that file's `lstat`.
    fn file_a() -> (tempfile::TempDir, PathBuf, fs::Metadata) {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("f");
        fs::write(&p, "a").unwrap();
        let m = fs::symlink_metadata(&p).unwrap();
        (t, p, m)
    }

    #[test]
    fn a_path_changed_just_before_the_cache_was_taken_is_not_cached() {
        let (_t, p, m) = file_a();
        let mut c = StatCache::starting_now(0);
        c.learn(&p, &m, Seen::File(b"a".to_vec()));
        assert!(c.is_empty());
        let mut later = StatCache::taken_in(3);
        later.learn(&p, &m, Seen::File(b"a".to_vec()));
        assert_eq!(later.get(&p, &m), Some(&Seen::File(b"a".to_vec())));
    }

    #[test]
    fn any_change_to_the_path_misses() {
        let (t, p, m) = file_a();
        let mut c = StatCache::taken_in(3);
        c.learn(&p, &m, Seen::File(b"a".to_vec()));
        // Longer: size.
        fs::write(&p, "ab").unwrap();
        assert!(c.get(&p, &fs::symlink_metadata(&p).unwrap()).is_none());
        // Same content, renamed over: another inode.
        let m = fs::symlink_metadata(&p).unwrap();
        c.learn(&p, &m, Seen::File(b"ab".to_vec()));
        assert!(c.get(&p, &m).is_some());
        fs::write(t.path().join("new"), "ab").unwrap();
        fs::rename(t.path().join("new"), &p).unwrap();
        assert!(c.get(&p, &fs::symlink_metadata(&p).unwrap()).is_none());
        let m = fs::symlink_metadata(&p).unwrap();
        c.learn(&p, &m, Seen::File(b"ab".to_vec()));
        // chmod changes mode and ctime.
        let mut perm = m.permissions();
        perm.set_mode(0o600);
        fs::set_permissions(&p, perm).unwrap();
        let m3 = fs::symlink_metadata(&p).unwrap();
        assert!(c.get(&p, &m3).is_none());
        // Another path with the same metadata is another entry.
        assert!(c.get(&t.path().join("g"), &m).is_none());
    }

    #[test]
    fn round_trips_through_its_file_and_refuses_a_foreign_one() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("f");
        fs::write(&f, "x").unwrap();
        let d = t.path().join("d");
        fs::create_dir(&d).unwrap();
        let l = t.path().join("l");
        std::os::unix::fs::symlink("/etc/sv/x", &l).unwrap();
        let mut c = StatCache::taken_in(3);
        c.learn(
            &f,
            &fs::symlink_metadata(&f).unwrap(),
            Seen::File(b"x".to_vec()),
        );
        let list = vec![DirEntry {
            name: "run".into(),
            kind: EntryKind::File,
        }];
        c.learn(
            &d,
            &fs::symlink_metadata(&d).unwrap(),
            Seen::Dir(list.clone()),
        );
        let target = Seen::Link("/etc/sv/x".into());
        c.learn(&l, &fs::symlink_metadata(&l).unwrap(), target.clone());
        assert_eq!(StatCache::file(Some(t.path()), "demo", false), None);
        let file = StatCache::file(Some(t.path()), "demo", true).unwrap();
        assert_eq!(file, t.path().join("var/cache/runitctl/demo.stat"));
        let dir_mode = fs::metadata(file.parent().unwrap()).unwrap().mode() & 0o777;
        assert_eq!(dir_mode, 0o700);
        c.save(&file).unwrap();
        let mode = fs::metadata(&file).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let back = StatCache::load(&file);
        assert_eq!(back.len(), 3);
        let m = fs::symlink_metadata(&d).unwrap();
        assert_eq!(back.get(&d, &m), Some(&Seen::Dir(list)));
        assert_eq!(
            back.get(&l, &fs::symlink_metadata(&l).unwrap()),
            Some(&target)
        );

        // Truncated: empty, not an error.
        let full = fs::read(&file).unwrap();
        fs::write(&file, &full[..full.len() - 3]).unwrap();
        assert!(StatCache::load(&file).is_empty());
        // Readable by others: ignored.
        c.save(&file).unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(StatCache::load(&file).is_empty());
        // A link in its place: not followed.
        fs::remove_file(&file).unwrap();
        let real = t.path().join("real.stat");
        c.save(&real).unwrap();
        std::os::unix::fs::symlink(&real, &file).unwrap();
        assert!(StatCache::load(&file).is_empty());
        assert_eq!(StatCache::load(&real).len(), 3);
    }

    #[test]
    fn no_cache_below_a_link_or_a_dir_others_can_write() {
        let t = tempfile::tempdir().unwrap();
        let elsewhere = t.path().join("elsewhere");
        fs::create_dir_all(elsewhere.join("cache")).unwrap();
        // Explicit modes: apply tests in this process run with umask 0 for a while.
        fs::DirBuilder::new()
            .mode(0o755)
            .create(t.path().join("var"))
            .unwrap();
        fs::set_permissions(t.path().join("var"), fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("cache"), t.path().join("var/cache")).unwrap();
        assert_eq!(StatCache::file(Some(t.path()), "demo", true), None);
        assert!(!elsewhere.join("cache/runitctl").exists());
        fs::remove_file(t.path().join("var/cache")).unwrap();
        fs::create_dir(t.path().join("var/cache")).unwrap();
        fs::set_permissions(
            t.path().join("var/cache"),
            fs::Permissions::from_mode(0o777),
        )
        .unwrap();
        assert_eq!(StatCache::file(Some(t.path()), "demo", true), None);
        fs::set_permissions(
            t.path().join("var/cache"),
            fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        assert!(StatCache::file(Some(t.path()), "demo", true).is_some());
    }
}
