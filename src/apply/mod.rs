//! apply: the only writer of service trees. Executes a [`crate::plan::Plan`] atomically:
//!
//! - every path below the root is reached through directory fds opened with `O_NOFOLLOW`
//!   ([`at`], [`dirs`]): a symlink planted in a user-owned dir is replaced, never followed;
//! - each file is written to a temp file in its own dir, owner and mode set, fsynced, renamed
//!   over the old one, and the dir fsynced;
//! - a new service dir is staged complete as `<sv_dir>/.<name>.runitctl-new`, the filesystem
//!   synced once for all staged dirs, then renamed into place, and only then linked;
//! - a live service dir is never removed and recreated: its files are replaced in place;
//! - prune unlinks first, waits (bounded) until no runsv holds the dir, then removes the
//!   definition (never a log dir);
//! - [`lock`] serialises applies per sv_dir;
//! - right after an enable link is removed (disable, prune), [`ApplyOptions::on_unlink`] runs:
//!   the supervisor driver stops that service's runsv there.
//!
//! Every mutation goes through [`fault::op`], which the crash test uses to stop apply after
//! each single step.

mod at;
mod dirs;
mod execute;
pub mod fault;
mod keep_logs;
mod lock;
mod report;

pub use execute::{apply, ApplyOptions, UnlinkHook};
pub use lock::{ApplyLock, LOCK_NAME};
pub use report::{Kept, Report};

use std::path::Path;
use std::time::Duration;

/// Takes the apply lock of every sv_dir (in order), creating them as needed (owned by the
/// given ids when running as root). Hold the returned locks while observing and applying.
pub fn lock_all(
    root: Option<&Path>,
    sv_dirs: &[(&Path, Option<(u32, u32)>)],
    chown_root: bool,
    timeout: Duration,
) -> Result<Vec<ApplyLock>, String> {
    let ids = chown_root.then_some((0, 0));
    let mut d = dirs::Dirs::open(root, ids)
        .map_err(|e| format!("{}: {e}", root.unwrap_or(Path::new("/")).display()))?;
    let mut out = Vec::new();
    for (sv, owner) in sv_dirs {
        let owner = if chown_root { *owner } else { None };
        out.push(lock::lock(&mut d, sv, owner, timeout)?);
    }
    d.sync_dirty().map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests;
