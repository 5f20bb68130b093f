//! Service resolution (§5.1): a name that does not start with `/` or `.` (and, on the first
//! pass, does not end in `/` and is not empty) is looked up as `$SVDIR/NAME` with two chdirs;
//! anything else is taken relative to the cwd. sv works *inside* the service directory (so
//! `down`, `log` and `./check` are relative), then returns to where it started.
//!
//! Quirk kept from runit: while waiting, the trailing-slash test is skipped, so `foo/` is
//! re-resolved under `$SVDIR`.

use nix::errno::Errno;
use nix::fcntl::{open, OFlag};
use nix::sys::stat::Mode;
use nix::unistd::{chdir, fchdir};
use std::ffi::OsStr;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;

/// Debian's default `SVDIR`.
pub const DEFAULT_SVDIR: &str = "/etc/service/";

/// Which resolution pass is running.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Sending: names ending in `/` are cwd-relative.
    Send,
    /// Waiting: only the first character decides.
    Wait,
}

/// Whether `name` is looked up under `$SVDIR`.
pub fn under_svdir(name: &[u8], pass: Pass) -> bool {
    match name.first() {
        None => pass == Pass::Wait,
        Some(b'/' | b'.') => false,
        Some(_) => pass == Pass::Wait || !name.ends_with(b"/"),
    }
}

/// The directory sv started in, to come back to after each service.
pub struct Home(OwnedFd);

impl Home {
    /// Opens the current directory (runit: fatal "unable to open current directory").
    pub fn open() -> Result<Home, Errno> {
        open(
            ".",
            OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
            Mode::empty(),
        )
        .map(Home)
    }

    /// Changes into the service directory.
    pub fn enter(&self, svdir: &OsStr, name: &OsStr, pass: Pass) -> Result<(), Errno> {
        if under_svdir(name.as_bytes(), pass) {
            chdir(svdir)?;
        }
        chdir(name)
    }

    /// Returns to the start directory (runit: fatal "unable to change to original directory").
    pub fn back(&self) -> Result<(), Errno> {
        fchdir(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svdir_lookup_rules() {
        assert!(under_svdir(b"web", Pass::Send));
        assert!(!under_svdir(b"./web", Pass::Send));
        assert!(!under_svdir(b"/etc/sv/web", Pass::Send));
        assert!(!under_svdir(b"web/", Pass::Send));
        assert!(under_svdir(b"web/", Pass::Wait));
        assert!(!under_svdir(b"", Pass::Send));
    }
}
