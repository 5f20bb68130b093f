//! What every command that reads a spec shares: load it against the host's user database,
//! print warnings and diagnostics to stderr, and turn an invalid spec into exit code 1.

use super::Global;
use crate::spec::{self, LoadOptions, Loaded};
use crate::users::SystemUsers;
use std::path::{Path, PathBuf};

/// Loads and validates `path` for a command; the spec's `path` (written into owner markers) is
/// made canonical: absolute, symlinks resolved. Prints `warning: …` lines and, when the spec is
/// invalid, every diagnostic, a blank line and `error: N problems in FILE`; then `Err(1)`.
pub fn load_spec(g: &Global, path: &Path) -> Result<Loaded, i32> {
    let users = SystemUsers;
    let opts = LoadOptions {
        root: g.root.as_deref(),
        users: &users,
        runit_installed: runit_installed(),
    };
    match spec::load(path, &opts) {
        Ok(mut loaded) => {
            // Markers name the spec: the same file must read the same from any cwd or link.
            if let Ok(canonical) = std::fs::canonicalize(path) {
                loaded.spec.path = canonical;
            }
            for w in &loaded.warnings {
                eprintln!("warning: {w}");
            }
            Ok(loaded)
        }
        Err(diags) => {
            eprint!("{diags}");
            let n = diags.0.len();
            let noun = if n == 1 { "problem" } else { "problems" };
            eprintln!("\nerror: {n} {noun} in {}", path.display());
            Err(1)
        }
    }
}

/// Whether Debian's runit is installed: a `runsv` on `$PATH` that is not runitctl itself
/// (a multi-call symlink named `runsv` does not count).
pub fn runit_installed() -> bool {
    let me = std::env::current_exe().and_then(std::fs::canonicalize).ok();
    on_path("runsv")
        .into_iter()
        .any(|p| std::fs::canonicalize(p).ok() != me)
}

/// Every executable file named `prog` in the directories of `$PATH`, in order.
pub fn on_path(prog: &str) -> Vec<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let Some(path) = std::env::var_os("PATH") else {
        return Vec::new();
    };
    std::env::split_paths(&path)
        .map(|dir| dir.join(prog))
        .filter(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_path_finds_sh_and_not_nonsense() {
        assert!(!on_path("sh").is_empty());
        assert!(on_path("runitctl-surely-not-a-program").is_empty());
    }
}
