//! One apply at a time per sv_dir: an exclusive `flock` on `<sv_dir>/.runitctl.lock`, waited
//! for up to a deadline, then a clear failure. The lock file is opened through directory fds
//! with `O_NOFOLLOW|O_NONBLOCK` and never written: anything there but a regular file with one
//! link (a symlink, a FIFO whose open would block, a socket, a dir, a hard link to another
//! file) is removed and the lock file made anew, so a user who owns the sv_dir can neither
//! redirect the lock nor make apply wait longer than its timeout.

use super::at;
use super::dirs::Dirs;
use nix::errno::Errno;
use nix::fcntl::{openat, Flock, FlockArg, OFlag};
use nix::sys::stat::{fstat, Mode, SFlag};
use std::ffi::OsStr;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
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
    let fd = open_lock(dir, &shown)?;
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

/// How many times a lock file that is not a plain file is replaced before apply gives up (the
/// user owning the sv_dir may keep planting one).
const REPLACE_TRIES: usize = 3;

/// Opens (creating it if missing) the lock file in `dir`: a regular file with one link. Never
/// blocks and never follows a link; anything else found there is removed and the open retried.
fn open_lock(dir: BorrowedFd, shown: &Path) -> Result<OwnedFd, String> {
    let msg = |e: io::Error| format!("{}: {e}", shown.display());
    let flags = OFlag::O_RDONLY
        | OFlag::O_CREAT
        | OFlag::O_NOFOLLOW
        | OFlag::O_NONBLOCK
        | OFlag::O_NOCTTY
        | OFlag::O_CLOEXEC;
    for _ in 0..REPLACE_TRIES {
        let found = match openat(dir, LOCK_NAME, flags, Mode::from_bits_truncate(0o600)) {
            Ok(fd) => match fstat(fd.as_fd()).map_err(|e| msg(e.into()))? {
                st if plain_file(&st) => return Ok(fd),
                st if st.st_nlink > 1 => "hard link".to_string(),
                st => kind_name(st.st_mode).to_string(),
            },
            // A symlink (O_NOFOLLOW), a dir (O_CREAT on a dir), a socket (no open at all).
            Err(Errno::ELOOP | Errno::EISDIR | Errno::ENXIO | Errno::EOPNOTSUPP) => {
                let kind = at::kind_at(dir, OsStr::new(LOCK_NAME)).map_err(msg)?;
                kind.map_or("vanished entry", |k| kind_name(k.bits()))
                    .to_string()
            }
            Err(e) => return Err(msg(e.into())),
        };
        at::remove(dir, OsStr::new(LOCK_NAME)).map_err(msg)?;
        eprintln!(
            "note: {}: replaced a {found} with a lock file",
            shown.display()
        );
    }
    Err(format!(
        "{}: still not a plain file after {REPLACE_TRIES} replacements; \
         someone keeps planting one there",
        shown.display()
    ))
}

/// A regular file with a single link: the only thing used as the lock.
fn plain_file(st: &nix::sys::stat::FileStat) -> bool {
    st.st_mode & SFlag::S_IFMT.bits() == SFlag::S_IFREG.bits() && st.st_nlink == 1
}

/// The kind of a file from its `st_mode`, for messages.
fn kind_name(mode: u32) -> &'static str {
    match SFlag::from_bits_truncate(mode) & SFlag::S_IFMT {
        SFlag::S_IFREG => "file",
        SFlag::S_IFDIR => "directory",
        SFlag::S_IFLNK => "symlink",
        SFlag::S_IFIFO => "fifo",
        SFlag::S_IFSOCK => "socket",
        SFlag::S_IFCHR | SFlag::S_IFBLK => "device",
        _ => "special file",
    }
}
