//! Pruning a service dir that holds svlogd's logs (an adopted hand-made or Chef service logging
//! to `log/main`): everything goes but the logs, since log directories are never deleted.
//! Plan keeps such dirs while the service is in the spec (`kept`); this is the same rule when
//! it leaves the spec.
//!
//! A dir holds logs when svlogd's marks (`current`, `lock`, a rotated `@….s`/`@….u` file) are at
//! its top; dirs are looked into up to [`DEPTH`] levels below the service dir, never through a
//! link and never into a `supervise/` (runsv's `lock` is not svlogd's), as plan's walk does.

use super::at;
use crate::svlogd::names::marks_log_dir;
use nix::sys::stat::SFlag;
use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// How many levels below a service dir logs are looked for (`log/main/current` is at 2).
const DEPTH: usize = 3;

/// Whether dir `name` in `dir` (shown as `path`) holds svlogd's logs, at most [`DEPTH`] levels
/// down.
pub(super) fn holds_logs(dir: BorrowedFd, name: &OsStr, path: &Path) -> io::Result<bool> {
    below(dir, name, path, DEPTH)
}

fn below(dir: BorrowedFd, name: &OsStr, path: &Path, depth: usize) -> io::Result<bool> {
    if at::kind_at(dir, name)? != Some(SFlag::S_IFDIR) {
        return Ok(false);
    }
    let fd = at::open_dir(dir, name, path)?;
    let children = at::list(fd.as_fd())?;
    if logs_at_top(fd.as_fd(), &children)? {
        return Ok(true);
    }
    if depth == 0 {
        return Ok(false);
    }
    for child in children.iter().filter(|c| c.as_bytes() != b"supervise") {
        if below(fd.as_fd(), child, &path.join(child), depth - 1)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Removes everything in service dir `name` of `dir` but the dirs holding logs (and the dirs
/// above them), `marker` last: a prune killed half-way leaves the service marked, so the next
/// run prunes it again. The service dir stays, unmarked: runitctl leaves it alone from then on.
pub(super) fn prune_but_logs(
    dir: BorrowedFd,
    name: &OsStr,
    path: &Path,
    marker: &OsStr,
) -> io::Result<()> {
    let fd = at::open_dir(dir, name, path)?;
    for child in at::list(fd.as_fd())? {
        if child != marker {
            remove_but_logs(fd.as_fd(), &child, &path.join(&child), DEPTH - 1)?;
        }
    }
    at::remove(fd.as_fd(), marker)
}

/// Removes `name` in `dir` unless it holds logs; a dir without logs at its top is emptied of
/// everything but its subdirs that hold some, and removed when nothing was kept. Returns
/// whether something was kept.
fn remove_but_logs(dir: BorrowedFd, name: &OsStr, path: &Path, depth: usize) -> io::Result<bool> {
    if name.as_bytes() == b"supervise" || !below(dir, name, path, depth)? {
        at::remove(dir, name)?;
        return Ok(false);
    }
    let fd = at::open_dir(dir, name, path)?;
    let children = at::list(fd.as_fd())?;
    if !logs_at_top(fd.as_fd(), &children)? {
        for child in &children {
            remove_but_logs(
                fd.as_fd(),
                child,
                &path.join(child),
                depth.saturating_sub(1),
            )?;
        }
    }
    Ok(true)
}

/// Whether `children` of dir `fd` include a plain file that only svlogd writes.
fn logs_at_top(fd: BorrowedFd, children: &[OsString]) -> io::Result<bool> {
    for child in children {
        if marks_log_dir(child.as_bytes()) && at::kind_at(fd, child)? == Some(SFlag::S_IFREG) {
            return Ok(true);
        }
    }
    Ok(false)
}
