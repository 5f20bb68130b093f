//! Directory-fd primitives: every write happens relative to a directory fd, with `O_NOFOLLOW`
//! and `O_EXCL` where a name is created, so a symlink planted in a user-owned directory is
//! replaced (unlinked or renamed over), never followed. Each mutation is counted by
//! [`super::fault::op`].

use super::fault::op;
use nix::errno::Errno;
use nix::fcntl::{openat, renameat, OFlag};
use nix::sys::stat::{fchmod, fstat, fstatat, mkdirat, Mode, SFlag};
use nix::unistd::{fchown, fchownat, symlinkat, unlinkat, Gid, Uid, UnlinkatFlags};
use std::ffi::{OsStr, OsString};
use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;

use crate::plan::temp_name;

pub(crate) type Ids = Option<(u32, u32)>;

fn e(err: Errno) -> io::Error {
    io::Error::from(err)
}

fn nofollow_at() -> nix::fcntl::AtFlags {
    nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW
}

/// What is at `name` in `dir` (not following a link); None when nothing.
pub(crate) fn kind_at(dir: BorrowedFd, name: &OsStr) -> io::Result<Option<SFlag>> {
    match fstatat(dir, name, nofollow_at()) {
        Ok(st) => Ok(Some(SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT)),
        Err(Errno::ENOENT) => Ok(None),
        Err(err) => Err(e(err)),
    }
}

/// A dir whose entries only root can change (`uid 0`, not group/world-writable).
pub(crate) fn trusted(dir: BorrowedFd) -> io::Result<bool> {
    let st = fstat(dir).map_err(e)?;
    Ok(st.st_uid == 0 && st.st_mode & 0o022 == 0)
}

/// Opens directory `name` in `dir` without following a link, unless the link sits in a
/// root-only dir (then root put it there and it is followed).
pub(crate) fn open_dir(dir: BorrowedFd, name: &OsStr, path: &Path) -> io::Result<OwnedFd> {
    let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
    match openat(dir, name, flags | OFlag::O_NOFOLLOW, Mode::empty()) {
        Ok(fd) => Ok(fd),
        Err(Errno::ELOOP) | Err(Errno::ENOTDIR) if kind_at(dir, name)? == Some(SFlag::S_IFLNK) => {
            if trusted(dir)? {
                openat(dir, name, flags, Mode::empty()).map_err(e)
            } else {
                Err(io::Error::other(format!(
                    "{}: refusing to follow a symlink in a directory a non-root user can write",
                    path.display()
                )))
            }
        }
        Err(err) => Err(e(err)),
    }
}

/// Sets owner (when given) then mode on an open fd: two counted mutations.
pub(crate) fn set_meta(fd: BorrowedFd, mode: u32, ids: Ids) -> io::Result<()> {
    if let Some((u, g)) = ids {
        fchown(fd, Some(Uid::from_raw(u)), Some(Gid::from_raw(g))).map_err(e)?;
        op("fchown");
    }
    fchmod(fd, Mode::from_bits_truncate(mode & 0o7777)).map_err(e)?;
    op("fchmod");
    Ok(())
}

/// Creates directory `name` with its final mode in one step (apply runs with umask 0, see
/// [`super::dirs::Dirs`]), sets its owner, and returns it open.
pub(crate) fn mkdir(
    dir: BorrowedFd,
    name: &OsStr,
    mode: u32,
    ids: Ids,
    path: &Path,
) -> io::Result<OwnedFd> {
    mkdirat(dir, name, Mode::from_bits_truncate(mode & 0o777)).map_err(e)?;
    op("mkdir");
    let fd = open_dir(dir, name, path)?;
    if let Some((u, g)) = ids {
        fchown(fd.as_fd(), Some(Uid::from_raw(u)), Some(Gid::from_raw(g))).map_err(e)?;
        op("fchown");
    }
    if mode & !0o777 != 0 {
        fchmod(fd.as_fd(), Mode::from_bits_truncate(mode & 0o7777)).map_err(e)?;
        op("fchmod");
    }
    Ok(fd)
}

/// [`mkdir`] for a dir made before the apply lock is held (the sv_dir and its parents), where a
/// concurrent apply may make it first: then (EEXIST) the dir is opened as it is, never through
/// a link it is not allowed to follow. The flag says whether this call made it.
pub(crate) fn mkdir_or_open(
    dir: BorrowedFd,
    name: &OsStr,
    mode: u32,
    ids: Ids,
    path: &Path,
) -> io::Result<(OwnedFd, bool)> {
    match mkdir(dir, name, mode, ids, path) {
        Ok(fd) => Ok((fd, true)),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
            Ok((open_dir(dir, name, path)?, false))
        }
        Err(err) => Err(err),
    }
}

/// Creates `name` exclusively (never through a link), writes `content`, sets owner and mode.
fn create_file(
    dir: BorrowedFd,
    name: &OsStr,
    content: &[u8],
    mode: u32,
    ids: Ids,
    sync: bool,
) -> io::Result<()> {
    let flags =
        OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    let fd = openat(dir, name, flags, Mode::from_bits_truncate(0o600)).map_err(e)?;
    op("create");
    let mut f = std::fs::File::from(fd);
    f.write_all(content)?;
    op("write");
    set_meta(f.as_fd(), mode, ids)?;
    if sync {
        f.sync_all()?;
    }
    Ok(())
}

/// Removes a leftover temp entry of ours, if any.
fn clear(dir: BorrowedFd, name: &OsStr) -> io::Result<()> {
    if kind_at(dir, name)?.is_some() {
        remove(dir, name)?;
    }
    Ok(())
}

/// Writes `name` atomically: temp file in the same dir, owner, mode, fsync, rename over
/// whatever was there (a file or a planted link: replaced, not followed). The caller fsyncs
/// the dir.
pub(crate) fn write_atomic(
    dir: BorrowedFd,
    name: &OsStr,
    content: &[u8],
    mode: u32,
    ids: Ids,
) -> io::Result<()> {
    let tmp = temp_name(name);
    clear(dir, &tmp)?;
    create_file(dir, &tmp, content, mode, ids, true)?;
    renameat(dir, tmp.as_os_str(), dir, name).map_err(e)?;
    op("rename");
    Ok(())
}

/// Writes `name` in a fresh staging dir nobody else can enter (no temp, no fsync: the caller
/// syncs the filesystem before the staged dir is renamed into place).
pub(crate) fn write_staged(
    dir: BorrowedFd,
    name: &OsStr,
    content: &[u8],
    mode: u32,
    ids: Ids,
) -> io::Result<()> {
    create_file(dir, name, content, mode, ids, false)
}

/// Points `name` at `target` atomically (temp link, owner, rename over).
pub(crate) fn symlink_atomic(
    dir: BorrowedFd,
    name: &OsStr,
    target: &Path,
    ids: Ids,
) -> io::Result<()> {
    let tmp = temp_name(name);
    clear(dir, &tmp)?;
    symlinkat(target, dir, tmp.as_os_str()).map_err(e)?;
    op("symlink");
    if let Some((u, g)) = ids {
        fchownat(
            dir,
            tmp.as_os_str(),
            Some(Uid::from_raw(u)),
            Some(Gid::from_raw(g)),
            nofollow_at(),
        )
        .map_err(e)?;
        op("lchown");
    }
    renameat(dir, tmp.as_os_str(), dir, name).map_err(e)?;
    op("rename");
    Ok(())
}

/// Renames `from` to `to` in one dir.
pub(crate) fn rename(dir: BorrowedFd, from: &OsStr, to: &OsStr) -> io::Result<()> {
    renameat(dir, from, dir, to).map_err(e)?;
    op("rename");
    Ok(())
}

/// Removes `name` and, for a directory, everything in it, never following a link.
pub(crate) fn remove(dir: BorrowedFd, name: &OsStr) -> io::Result<()> {
    match kind_at(dir, name)? {
        None => Ok(()),
        Some(SFlag::S_IFDIR) => {
            let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
            let sub = openat(dir, name, flags, Mode::empty()).map_err(e)?;
            for child in list(sub.as_fd())? {
                remove(sub.as_fd(), &child)?;
            }
            unlinkat(dir, name, UnlinkatFlags::RemoveDir).map_err(e)?;
            op("rmdir");
            Ok(())
        }
        Some(_) => {
            unlinkat(dir, name, UnlinkatFlags::NoRemoveDir).map_err(e)?;
            op("unlink");
            Ok(())
        }
    }
}

/// Unlinks `name` only if it is a symlink; returns whether it did.
pub(crate) fn unlink_link(dir: BorrowedFd, name: &OsStr) -> io::Result<bool> {
    if kind_at(dir, name)? != Some(SFlag::S_IFLNK) {
        return Ok(false);
    }
    unlinkat(dir, name, UnlinkatFlags::NoRemoveDir).map_err(e)?;
    op("unlink");
    Ok(true)
}

/// Names in a directory (without `.` and `..`).
pub(crate) fn list(dir: BorrowedFd) -> io::Result<Vec<OsString>> {
    use std::os::unix::ffi::OsStrExt;
    let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
    let mut d = nix::dir::Dir::openat(dir, ".", flags, Mode::empty()).map_err(e)?;
    let mut out = Vec::new();
    for ent in d.iter() {
        let ent = ent.map_err(e)?;
        let n = ent.file_name().to_bytes();
        if n != b"." && n != b".." {
            out.push(OsStr::from_bytes(n).to_os_string());
        }
    }
    Ok(out)
}

/// Changes the mode of `name` (file or dir), never through a link.
pub(crate) fn chmod(dir: BorrowedFd, name: &OsStr, mode: u32) -> io::Result<()> {
    let fd = open_entry(dir, name)?;
    fchmod(fd.as_fd(), Mode::from_bits_truncate(mode & 0o7777)).map_err(e)?;
    op("fchmod");
    Ok(())
}

/// Changes the owner of `name`; a symlink itself is changed, not its target.
pub(crate) fn chown(dir: BorrowedFd, name: &OsStr, (u, g): (u32, u32)) -> io::Result<()> {
    fchownat(
        dir,
        name,
        Some(Uid::from_raw(u)),
        Some(Gid::from_raw(g)),
        nofollow_at(),
    )
    .map_err(e)?;
    op("lchown");
    Ok(())
}

/// Gives svlogd's files at the top of log dir `name` (in `dir`) the owner `ids` its dir just
/// got, so an svlogd running as the new log user can still lock and write them. `config` is
/// not svlogd's (it stays root's).
pub(crate) fn chown_svlogd_files(
    dir: BorrowedFd,
    name: &OsStr,
    ids: (u32, u32),
    path: &Path,
) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let log = open_dir(dir, name, path)?;
    for file in list(log.as_fd())? {
        if crate::svlogd::names::is_svlogd_file(file.as_bytes()) {
            chown_plain_file(log.as_fd(), &file, ids)?;
        }
    }
    Ok(())
}

/// Changes the owner of `name` in `dir` only if it is a regular file with one link (a hard
/// link a user made to another file is left alone): looked at without following a link,
/// opened without following one or blocking, checked again on the fd, changed through it.
/// Anything else, or nothing (renamed meanwhile), is skipped.
fn chown_plain_file(dir: BorrowedFd, name: &OsStr, (u, g): (u32, u32)) -> io::Result<()> {
    if kind_at(dir, name)? != Some(SFlag::S_IFREG) {
        return Ok(());
    }
    let fd = match open_entry(dir, name) {
        Ok(fd) => fd,
        Err(err) if matches!(err.raw_os_error(), Some(libc::ENOENT | libc::ELOOP)) => return Ok(()),
        Err(err) => return Err(err),
    };
    let st = fstat(fd.as_fd()).map_err(e)?;
    let regular = SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == SFlag::S_IFREG;
    if regular && st.st_nlink == 1 && (st.st_uid, st.st_gid) != (u, g) {
        fchown(fd.as_fd(), Some(Uid::from_raw(u)), Some(Gid::from_raw(g))).map_err(e)?;
        op("fchown");
    }
    Ok(())
}

fn open_entry(dir: BorrowedFd, name: &OsStr) -> io::Result<OwnedFd> {
    let flags = OFlag::O_RDONLY
        | OFlag::O_NOFOLLOW
        | OFlag::O_NONBLOCK
        | OFlag::O_CLOEXEC
        | OFlag::O_NOCTTY;
    openat(dir, name, flags, Mode::empty()).map_err(e)
}

/// Whether a runsv holds `supervise/ok` (in `dir`) open: opening it for writing without
/// blocking succeeds only then.
pub(crate) fn runsv_alive(dir: BorrowedFd) -> bool {
    let flags = OFlag::O_WRONLY | OFlag::O_NONBLOCK | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    openat(dir, "supervise/ok", flags, Mode::empty()).is_ok()
}
