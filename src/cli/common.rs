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
    load_spec_as(g, path, None)
}

/// [`load_spec`] reading `read` (`-`: standard input) as the spec known as `known_as` (`--as`):
/// diagnostics, owner markers and relative template paths use that name.
pub fn load_spec_as(g: &Global, read: &Path, known_as: Option<&Path>) -> Result<Loaded, i32> {
    let users = SystemUsers;
    let opts = LoadOptions {
        root: g.root.as_deref(),
        users: &users,
        runit_installed: runit_installed(),
    };
    let name = spec_name(read, known_as);
    // Markers record the spec's path on a line of their own (`spec=PATH`).
    if name
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .any(u8::is_ascii_control)
    {
        eprintln!(
            "{}: error: the spec's path holds a control character (owner markers record it on one line): rename it",
            name.display()
        );
        return Err(1);
    }
    match spec::load_as(read, &name, &opts) {
        Ok(mut loaded) => {
            // Markers name the spec: the same file must read the same from any cwd or link.
            if read != Path::new("-") || known_as.is_some() {
                loaded.spec.path = canonical(&name);
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
            eprintln!("\nerror: {n} {noun} in {}", name.display());
            Err(1)
        }
    }
}

/// The path a spec is known by: `--as PATH`, else the path read (`<stdin>` for `-`).
pub fn spec_name(read: &Path, known_as: Option<&Path>) -> PathBuf {
    match known_as {
        Some(p) => p.to_path_buf(),
        None if read == Path::new("-") => PathBuf::from("<stdin>"),
        None => read.to_path_buf(),
    }
}

/// `path` absolute with symlinks resolved; for a file that does not exist yet (a spec Ansible
/// has not written), its resolved directory joined with its name.
fn canonical(path: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(path) {
        return c;
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (std::fs::canonicalize(dir), path.file_name()) {
        (Ok(d), Some(name)) => d.join(name),
        _ => path.to_path_buf(),
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
