//! Writes the systemd unit atomically ([`crate::replace::replace_file`], fsynced), mode exactly
//! 0644. An identical unit is left untouched.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
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
    // The mode is exactly 0644 whatever the umask: init reads the unit as root, the operator
    // as anyone.
    let result = crate::replace::replace_file(
        &path,
        text.as_bytes(),
        0o644,
        crate::replace::Durability::Synced,
    )
    .and_then(|()| fs::set_permissions(&path, fs::Permissions::from_mode(0o644)));
    result.map(|()| Installed {
        path,
        changed: true,
    })
}
