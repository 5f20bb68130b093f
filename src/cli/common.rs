//! What every command that reads a spec shares: load it against the host's user database,
//! print warnings and diagnostics to stderr, and turn an invalid spec into exit code 1.

use super::Global;
use crate::spec::{self, LoadOptions, Loaded};
use crate::users::SystemUsers;
use std::path::Path;

/// Loads and validates `path` for a command. Prints `warning: …` lines and, when the spec is
/// invalid, every diagnostic, a blank line and `error: N problems in FILE`; then `Err(1)`.
pub fn load_spec(g: &Global, path: &Path) -> Result<Loaded, i32> {
    let users = SystemUsers;
    let opts = LoadOptions {
        root: g.root.as_deref(),
        users: &users,
        runit_installed: on_path("runsv"),
    };
    match spec::load(path, &opts) {
        Ok(loaded) => {
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

/// Whether an executable file `prog` is in a directory of `$PATH`.
pub fn on_path(prog: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        std::fs::metadata(dir.join(prog))
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}
