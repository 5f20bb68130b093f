//! Writes the systemd unit atomically: temp file in the same directory, mode 0644, fsync,
//! rename over the target, fsync the directory. An identical unit is left untouched.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Where the unit went and whether it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub path: PathBuf,
    pub changed: bool,
}

/// Writes `text` to `logical` (an absolute path such as [`super::UNIT_PATH`]) under `root`
/// (`/` when None), creating missing parent directories (0755).
pub fn install_unit(root: Option<&Path>, logical: &str, text: &str) -> io::Result<Installed> {
    let path = match root {
        Some(r) => r.join(logical.trim_start_matches('/')),
        None => PathBuf::from(logical),
    };
    if fs::read(&path).ok().as_deref() == Some(text.as_bytes()) {
        return Ok(Installed {
            path,
            changed: false,
        });
    }
    let dir = path.parent().expect("an absolute unit path has a parent");
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o755)
        .create(dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.runitctl-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&tmp)?;
        f.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, &path)?;
        fs::File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map(|()| Installed {
        path,
        changed: true,
    })
}
