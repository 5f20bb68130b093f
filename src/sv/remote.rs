//! sv for other modules (apply's supervisor driver, `runitctl shutdown`): the same control
//! FIFO writes and `./check` runs as the sv command, but addressed by path (no chdir in the
//! caller) and silent (the caller words its own output).
//!
//! No send suppression: callers send only what they mean (`tcu`, `h`, `x`).

use super::supervise::open_fifo;
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
pub fn send(dir: &Path, bytes: &[u8]) -> Result<(), SendError> {
    let mut f = open_fifo(dir.join("supervise/control")).map_err(|e| match e.raw_os_error() {
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

/// Runs `DIR/check` the way `sv check` does; true when it passes (or there is none).
pub fn check_passes(dir: &Path, name: &str) -> bool {
    super::check::check_in(Some(dir), name.as_bytes())
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

    fn script(p: &Path, body: &str) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(p, body).unwrap();
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}
