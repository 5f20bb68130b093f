//! Pruning a service dir that holds svlogd's logs (an adopted hand-made or Chef service logging
//! to `log/main`): everything goes but the logs, since log directories are never deleted.
//! Plan keeps the same dirs while the service is in the spec (`kept`): a subdir of the service
//! dir is kept whole when svlogd's marks (`current`, `lock`, a rotated `@….s`/`@….u` file) are
//! at its top or up to [`LOGS_DEPTH`] + 1 levels below it (plan counts [`LOGS_DEPTH`] from the
//! first dir the spec does not ask for, at most one level further down), never through a link
//! and never into a `supervise/` (runsv's `lock` is not svlogd's).

use super::at;
use crate::svlogd::names::{marks_log_dir, LOGS_DEPTH};
use nix::sys::stat::SFlag;
use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Service dir `name` in `dir` (shown as `path`): the subdirs of it that hold logs.
pub(super) fn log_holders(dir: BorrowedFd, name: &OsStr, path: &Path) -> io::Result<Vec<OsString>> {
    let fd = at::open_dir(dir, name, path)?;
    let mut out = Vec::new();
    for child in at::list(fd.as_fd())? {
        if child.as_bytes() != b"supervise"
            && holds_logs(fd.as_fd(), &child, &path.join(&child), LOGS_DEPTH + 1)?
        {
            out.push(child);
        }
    }
    Ok(out)
}

/// Whether `name` in `dir` is a real dir holding svlogd's marks, at most `depth` levels down.
fn holds_logs(dir: BorrowedFd, name: &OsStr, path: &Path, depth: usize) -> io::Result<bool> {
    if at::kind_at(dir, name)? != Some(SFlag::S_IFDIR) {
        return Ok(false);
    }
    let fd = at::open_dir(dir, name, path)?;
    let children = at::list(fd.as_fd())?;
    for child in &children {
        if marks_log_dir(child.as_bytes())
            && at::kind_at(fd.as_fd(), child)? == Some(SFlag::S_IFREG)
        {
            return Ok(true);
        }
    }
    if depth == 0 {
        return Ok(false);
    }
    for child in children.iter().filter(|c| c.as_bytes() != b"supervise") {
        if holds_logs(fd.as_fd(), child, &path.join(child), depth - 1)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Removes everything in service dir `name` of `dir` but `keep` (subdirs holding logs),
/// `marker` last: a prune killed half-way leaves the service marked, so the next run prunes it
/// again. The service dir stays, unmarked: runitctl leaves it alone from then on.
pub(super) fn prune_but(
    dir: BorrowedFd,
    name: &OsStr,
    path: &Path,
    keep: &[OsString],
    marker: &OsStr,
) -> io::Result<()> {
    let fd = at::open_dir(dir, name, path)?;
    for child in at::list(fd.as_fd())? {
        if child != marker && !keep.contains(&child) {
            at::remove(fd.as_fd(), &child)?;
        }
    }
    at::remove(fd.as_fd(), marker)
}
