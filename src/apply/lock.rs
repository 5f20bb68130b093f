//! One apply at a time per sv_dir: an exclusive `flock` on `<sv_dir>/.runitctl.lock`, waited
//! for up to a deadline, then a clear failure. The lock file is opened through directory fds
//! with `O_NOFOLLOW` (a link planted there is removed, never followed) and never written.

use super::at;
use super::dirs::Dirs;
use nix::fcntl::{openat, Flock, FlockArg, OFlag};
use nix::sys::stat::Mode;
use std::ffi::OsStr;
use std::io;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::time::{Duration, Instant};

/// Name of the lock file in each sv_dir.
pub const LOCK_NAME: &str = ".runitctl.lock";

/// A held lock; released on drop.
pub struct ApplyLock {
    _held: Flock<OwnedFd>,
}

/// Takes the lock of logical sv_dir `sv_dir`, creating the dir if needed.
pub(crate) fn lock(
    dirs: &mut Dirs,
    sv_dir: &Path,
    owner: Option<(u32, u32)>,
    timeout: Duration,
) -> Result<ApplyLock, String> {
    let shown = dirs.shown(sv_dir).join(LOCK_NAME);
    let msg = |e: io::Error| format!("{}: {e}", shown.display());
    // Create the sv_dir (owned by its tree's owner) or replace a planted link or file there.
    let parent = sv_dir.parent().unwrap_or(Path::new("/"));
    let name = sv_dir.file_name().unwrap_or(OsStr::new(""));
    let shown_dir = dirs.shown(sv_dir);
    let p = dirs.dir(parent, true).map_err(msg)?;
    let kind = at::kind_at(p, name).map_err(msg)?;
    if kind.is_some() && kind != Some(nix::sys::stat::SFlag::S_IFDIR) {
        let follow = kind == Some(nix::sys::stat::SFlag::S_IFLNK) && at::trusted(p).map_err(msg)?;
        if !follow {
            at::remove(p, name).map_err(msg)?;
            eprintln!(
                "note: {}: replaced a {} with a directory",
                shown_dir.display(),
                if kind == Some(nix::sys::stat::SFlag::S_IFLNK) {
                    "symlink"
                } else {
                    "non-directory"
                }
            );
        }
    }
    if at::kind_at(p, name).map_err(msg)?.is_none() {
        // A concurrent apply may make it first: then it is used as it is.
        let (_, made) = at::mkdir_or_open(p, name, 0o755, owner, &shown_dir).map_err(msg)?;
        if made {
            dirs.touch(parent);
        }
    }
    dirs.forget(sv_dir);
    let dir = dirs.dir(sv_dir, true).map_err(msg)?;
    let flags = OFlag::O_RDONLY | OFlag::O_CREAT | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    let fd = match openat(dir, LOCK_NAME, flags, Mode::from_bits_truncate(0o600)) {
        Ok(fd) => fd,
        Err(nix::errno::Errno::ELOOP) => {
            at::remove(dir, OsStr::new(LOCK_NAME)).map_err(msg)?;
            openat(dir, LOCK_NAME, flags, Mode::from_bits_truncate(0o600))
                .map_err(|e| msg(e.into()))?
        }
        Err(e) => return Err(msg(e.into())),
    };
    super::fault::op("open lock");
    let deadline = Instant::now() + timeout;
    let mut fd = fd;
    loop {
        match Flock::lock(fd, FlockArg::LockExclusiveNonblock) {
            Ok(held) => return Ok(ApplyLock { _held: held }),
            Err((back, nix::errno::Errno::EWOULDBLOCK)) => {
                if Instant::now() >= deadline {
                    return Err(format!(
                        "{}: another apply holds this lock (waited {}s); try again later",
                        shown.display(),
                        timeout.as_secs()
                    ));
                }
                fd = back;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err((_, e)) => return Err(msg(e.into())),
        }
    }
}
