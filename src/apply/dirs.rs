//! Directory fds for logical paths: the root (`--root`, or `/`) is opened by path; every
//! component below it with `openat(O_NOFOLLOW|O_DIRECTORY)`, creating missing parents 0755.
//! The chain of open fds for the last path is kept, so sorted work reuses them.

use super::at::{self, Ids};
use nix::sys::stat::Mode;
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Component, Path, PathBuf};

/// Open directories under one root.
pub(crate) struct Dirs {
    root: OwnedFd,
    root_path: Option<PathBuf>,
    stack: Vec<(OsString, OwnedFd)>,
    /// Logical dirs whose entries changed; fsynced by [`Dirs::sync_dirty`].
    dirty: BTreeSet<PathBuf>,
    /// Owner for parents apply creates (root when running as root, else none).
    parent_ids: Ids,
    /// The umask before [`Dirs::open`] set it to 0 (restored on drop): every mode apply
    /// creates is exact from the first syscall, so a crash never leaves a wrong mode.
    old_umask: Mode,
}

impl Drop for Dirs {
    fn drop(&mut self) {
        nix::sys::stat::umask(self.old_umask);
    }
}

fn parts(p: &Path) -> Vec<OsString> {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_os_string()),
            _ => None,
        })
        .collect()
}

/// An OS error on component `shown` of a longer path, with that component named: the caller
/// names the path it wanted, and the culprit may be above it (a FIFO planted at `~user/log`
/// fails `~user/log/api` with "Not a directory"). The kind is kept; a message that already
/// names its path (a refused link) is left as it is.
fn named(shown: &Path, err: io::Error) -> io::Error {
    match err.raw_os_error() {
        Some(_) => io::Error::new(err.kind(), format!("{}: {err}", shown.display())),
        None => err,
    }
}

impl Dirs {
    /// Opens the root, creating it (and its parents) when missing.
    pub(crate) fn open(root: Option<&Path>, parent_ids: Ids) -> io::Result<Dirs> {
        let path = root.unwrap_or(Path::new("/"));
        if !path.exists() {
            std::fs::create_dir_all(path)?;
            super::fault::op("mkdir root");
        }
        let root_fd = std::fs::File::open(path)?;
        let old_umask = nix::sys::stat::umask(Mode::empty());
        Ok(Dirs {
            root: OwnedFd::from(root_fd),
            root_path: root.map(Path::to_path_buf),
            stack: Vec::new(),
            dirty: BTreeSet::new(),
            parent_ids,
            old_umask,
        })
    }

    /// The on-disk path of a logical one (for messages).
    pub(crate) fn shown(&self, p: &Path) -> PathBuf {
        crate::plan::disk_path(self.root_path.as_deref(), p)
    }

    /// The fd of logical dir `p`, creating missing components (0755) when `create`.
    pub(crate) fn dir(&mut self, p: &Path, create: bool) -> io::Result<BorrowedFd<'_>> {
        let want = parts(p);
        let keep = self
            .stack
            .iter()
            .zip(&want)
            .take_while(|((a, _), b)| a == *b)
            .count();
        self.stack.truncate(keep);
        for i in keep..want.len() {
            let name = &want[i];
            let parent = match self.stack.last() {
                Some((_, fd)) => fd.as_fd(),
                None => self.root.as_fd(),
            };
            let shown = self.shown(&want[..=i].iter().collect::<PathBuf>());
            let named = |err| named(&shown, err);
            let fd = match at::kind_at(parent, name).map_err(named)? {
                None if create => {
                    let (fd, made) =
                        at::mkdir_or_open(parent, name, 0o755, self.parent_ids, &shown)
                            .map_err(named)?;
                    if made {
                        let logical: PathBuf = std::iter::once(OsString::from("/"))
                            .chain(want[..i].iter().cloned())
                            .collect();
                        self.dirty.insert(logical);
                    }
                    fd
                }
                _ => at::open_dir(parent, name, &shown).map_err(named)?,
            };
            self.stack.push((name.clone(), fd));
        }
        Ok(match self.stack.last() {
            Some((_, fd)) => fd.as_fd(),
            None => self.root.as_fd(),
        })
    }

    /// Forgets open fds at or below logical dir `p` (after it was replaced or removed).
    pub(crate) fn forget(&mut self, p: &Path) {
        let n = parts(p).len();
        if self.stack.len() >= n {
            self.stack.truncate(n.saturating_sub(1));
        }
    }

    /// Marks logical dir `p` as needing an fsync.
    pub(crate) fn touch(&mut self, p: &Path) {
        self.dirty.insert(p.to_path_buf());
    }

    /// fsyncs every directory whose entries changed.
    pub(crate) fn sync_dirty(&mut self) -> io::Result<()> {
        let dirty = std::mem::take(&mut self.dirty);
        for d in dirty {
            match self.dir(&d, false) {
                Ok(fd) => nix::unistd::fsync(fd).map_err(io::Error::from)?,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Flushes the whole filesystem holding logical dir `p` (one call for many staged files).
    pub(crate) fn syncfs(&mut self, p: &Path) -> io::Result<()> {
        let fd = self.dir(p, false)?;
        nix::unistd::syncfs(fd).map_err(io::Error::from)
    }
}
