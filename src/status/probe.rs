//! The liveness probe `sv` runs before every status read: open `supervise/ok` for writing
//! without blocking. It opens only while some runsv holds the FIFO open for reading; ENXIO means
//! no runsv reads it, ENOENT that the service was never supervised.

use crate::runit::errstr::io_errstr;
use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// What the `ok` FIFO of one slot says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Liveness {
    /// A runsv is reading `supervise/ok`.
    Running,
    /// `supervise/ok` exists but nobody reads it (ENXIO): runsv is not running.
    NoRunsv,
    /// No `supervise/ok` (ENOENT): not picked up by a runsv yet.
    NotSupervised,
    /// Anything else, as sv words it (`unable to open supervise/ok: access denied`).
    Error(String),
}

/// Probes the slot whose service directory is `dir` (pass `dir/log` for the logger). An `ok`
/// that is a symlink is not followed: apply probes, as root, trees that users own.
pub fn probe(dir: &Path) -> Liveness {
    let r = OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOFOLLOW)
        .open(dir.join("supervise/ok"));
    match r {
        Ok(_) => Liveness::Running,
        Err(e) => match e.raw_os_error() {
            Some(libc::ENXIO) => Liveness::NoRunsv,
            Some(libc::ENOENT) => Liveness::NotSupervised,
            _ => Liveness::Error(format!("unable to open supervise/ok: {}", io_errstr(&e))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_unread_fifos() {
        let t = tempfile::tempdir().unwrap();
        assert_eq!(probe(t.path()), Liveness::NotSupervised);
        std::fs::create_dir(t.path().join("supervise")).unwrap();
        nix::unistd::mkfifo(
            &t.path().join("supervise/ok"),
            nix::sys::stat::Mode::from_bits_truncate(0o600),
        )
        .unwrap();
        assert_eq!(probe(t.path()), Liveness::NoRunsv);
        // A reader (as runsv keeps one) makes the probe succeed.
        let _reader = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(t.path().join("supervise/ok"))
            .unwrap();
        assert_eq!(probe(t.path()), Liveness::Running);
    }

    #[test]
    fn a_planted_ok_link_is_not_followed() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir(t.path().join("supervise")).unwrap();
        std::os::unix::fs::symlink("/dev/null", t.path().join("supervise/ok")).unwrap();
        assert!(matches!(probe(t.path()), Liveness::Error(_)));
    }
}
