//! Replacing a whole file by path, for runitctl's own files (the stat cache, runsvdir pid
//! records, `import --out`): a temp file beside it, created fresh (never through a link) with
//! its mode, written, optionally fsynced, then renamed over, so a reader sees the old file or
//! the new one. The managed trees are written by `apply::at` instead (dir fds, owners).

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Whether the new file must survive a crash once this returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// fsync the file, then its dir after the rename.
    Synced,
    /// A file whose loss costs only time (a cache, a record rebuilt from /proc).
    Unsynced,
}

/// Replaces `path` with `bytes` (mode `mode`); the temp file is removed on failure.
pub fn replace_file(
    path: &Path,
    bytes: &[u8],
    mode: u32,
    durability: Durability,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tmp = temp_beside(dir, path);
    let _ = fs::remove_file(&tmp);
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&tmp)?;
        f.write_all(bytes)?;
        if durability == Durability::Synced {
            f.sync_all()?;
        }
        fs::rename(&tmp, path)?;
        match durability {
            Durability::Synced => fs::File::open(dir)?.sync_all(),
            Durability::Unsynced => Ok(()),
        }
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// `.NAME.runitctl-PID.tmp` in `dir`: hidden, ours, one per process.
fn temp_beside(dir: &Path, path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    dir.join(format!(".{name}.runitctl-{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, PermissionsExt};

    /// A temp dir holding `f` = "old".
    fn dir_with_old_f() -> (tempfile::TempDir, PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("f");
        fs::write(&p, "old").unwrap();
        (t, p)
    }

    #[test]
    fn replaces_with_mode_and_never_writes_through_a_planted_temp_link() {
        let (t, p) = dir_with_old_f();
        // A link planted at the temp name is removed, not followed.
        let victim = t.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        symlink(&victim, temp_beside(t.path(), &p)).unwrap();
        for d in [Durability::Synced, Durability::Unsynced] {
            replace_file(&p, b"new", 0o600, d).unwrap();
            assert_eq!(fs::read(&p).unwrap(), b"new");
            let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(fs::read(&victim).unwrap(), b"keep");
        assert_eq!(fs::read_dir(t.path()).unwrap().count(), 2, "no temp left");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temp() {
        let (t, p) = dir_with_old_f();
        // Renaming a file over a non-empty dir fails.
        let d = t.path().join("d");
        fs::create_dir(&d).unwrap();
        fs::write(d.join("x"), "").unwrap();
        assert!(replace_file(&d, b"new", 0o644, Durability::Unsynced).is_err());
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(t.path()).unwrap().count(), 2, "no temp left");
    }
}
