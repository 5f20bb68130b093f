//! sv for other modules (apply's supervisor driver, `runitctl shutdown`): the same control
//! FIFO writes and `./check` runs as the sv command, but addressed by path (no chdir in the
//! caller) and silent (the caller words its own output).
//!
//! No send suppression: callers send only what they mean (`tcu`, `h`, `x`).

use std::io::Write;
use std::path::Path;

/// Why control bytes could not be delivered.
#[derive(Debug)]
pub enum SendError {
    /// `supervise/control` has no reader (ENXIO): no runsv.
    NotRunning,
    /// No `supervise/control` (ENOENT): never supervised.
    NotSupervised,
    Io(std::io::Error),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::NotRunning => f.write_str("runsv not running"),
            SendError::NotSupervised => f.write_str("not supervised (no supervise/control)"),
            SendError::Io(e) => write!(
                f,
                "unable to write to supervise/control: {}",
                crate::runit::errstr::io_errstr(e)
            ),
        }
    }
}

/// Writes `bytes` to `DIR/supervise/control` in one write (`DIR/log` for the logger).
///
/// The driver runs as root over trees users own, so the control file must be a FIFO that is
/// not a link, owned by whoever owns `DIR` (runsv creates it as the user it runs as): a user
/// cannot point root's `tcu` at a file, or at another service's runsv.
pub fn send(dir: &Path, bytes: &[u8]) -> Result<(), SendError> {
    let mut f = open_control(dir).map_err(|e| match e.raw_os_error() {
        Some(libc::ENXIO) => SendError::NotRunning,
        Some(libc::ENOENT) => SendError::NotSupervised,
        _ => SendError::Io(e),
    })?;
    match f.write(bytes) {
        Ok(n) if n == bytes.len() => Ok(()),
        Ok(_) => Err(SendError::Io(std::io::ErrorKind::WriteZero.into())),
        Err(e) => Err(SendError::Io(e)),
    }
}

/// Opens `DIR/supervise/control` as [`send`] requires it.
fn open_control(dir: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
    let f = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(dir.join("supervise/control"))?;
    let m = f.metadata()?;
    let owner = std::fs::metadata(dir)?.uid();
    if !m.file_type().is_fifo() || m.uid() != owner {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "not a FIFO owned by the service directory's owner",
        ));
    }
    Ok(f)
}

/// Runs `DIR/check` the way `sv check` does; true when it passes (or there is none). As root,
/// a check in a directory another user owns runs as that user.
pub fn check_passes(dir: &Path, name: &str) -> bool {
    use std::os::unix::fs::MetadataExt;
    let ids = std::fs::metadata(dir)
        .ok()
        .filter(|m| nix::unistd::geteuid().is_root() && m.uid() != 0)
        .map(|m| (m.uid(), m.gid()));
    super::check::check_in_as(Some(dir), name.as_bytes(), ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupervised_and_unread_control() {
        let t = tempfile::tempdir().unwrap();
        assert!(matches!(
            send(t.path(), b"x"),
            Err(SendError::NotSupervised)
        ));
        std::fs::create_dir(t.path().join("supervise")).unwrap();
        let fifo = t.path().join("supervise/control");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        assert!(matches!(send(t.path(), b"x"), Err(SendError::NotRunning)));
        assert!(check_passes(t.path(), "svc"), "no check script passes");
        script(&t.path().join("check"), "#!/bin/sh\nexit 1\n");
        assert!(!check_passes(t.path(), "svc"));
    }

    /// A reader on `fifo`, as runsv keeps one, so that opening it for writing succeeds.
    fn reader(fifo: &Path) -> std::fs::File {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(fifo)
            .unwrap()
    }

    #[test]
    fn control_must_be_the_dirs_own_fifo_not_a_link_or_a_file() {
        let t = tempfile::tempdir().unwrap();
        let mode = nix::sys::stat::Mode::from_bits_truncate(0o600);
        let other = t.path().join("other-control");
        nix::unistd::mkfifo(&other, mode).unwrap();
        let _r = reader(&other);
        let svc = t.path().join("svc");
        std::fs::create_dir_all(svc.join("supervise")).unwrap();
        // A link to another service's control FIFO is not followed.
        std::os::unix::fs::symlink(&other, svc.join("supervise/control")).unwrap();
        assert!(matches!(send(&svc, b"t"), Err(SendError::Io(_))));
        // A regular file is never written to.
        std::fs::remove_file(svc.join("supervise/control")).unwrap();
        std::fs::write(svc.join("supervise/control"), "keep").unwrap();
        assert!(matches!(send(&svc, b"t"), Err(SendError::Io(_))));
        assert_eq!(
            std::fs::read_to_string(svc.join("supervise/control")).unwrap(),
            "keep"
        );
        // The service's own FIFO, with a reader: delivered.
        std::fs::remove_file(svc.join("supervise/control")).unwrap();
        nix::unistd::mkfifo(&svc.join("supervise/control"), mode).unwrap();
        let _own = reader(&svc.join("supervise/control"));
        assert!(send(&svc, b"t").is_ok());
    }

    #[test]
    fn as_root_a_users_check_runs_as_that_user() {
        if !nix::unistd::geteuid().is_root() {
            eprintln!("note: not root: skipped (it needs to own a dir as another user)");
            return;
        }
        let t = tempfile::tempdir().unwrap();
        let svc = t.path().join("svc");
        std::fs::create_dir(&svc).unwrap();
        script(&svc.join("check"), "#!/bin/sh\nid -u > uid\n");
        std::os::unix::fs::chown(&svc, Some(65534), Some(65534)).unwrap();
        assert!(check_passes(&svc, "svc"));
        assert_eq!(std::fs::read_to_string(svc.join("uid")).unwrap(), "65534\n");
    }

    fn script(p: &Path, body: &str) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(p, body).unwrap();
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}
