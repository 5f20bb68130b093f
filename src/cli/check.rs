//! `runitctl check SPEC`: parse, validate and render (templates), print every diagnostic; exit
//! 0 valid, 1 invalid.

use super::common::{load_spec_as, spec_name};
use super::Global;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The services.yaml to check (`-`: standard input).
    pub spec: PathBuf,
    /// Check SPEC's text as the spec at PATH (diagnostics and relative template paths use
    /// PATH), e.g. a temp file before it is moved into place.
    #[arg(long = "as", value_name = "PATH")]
    pub as_path: Option<PathBuf>,
}

/// Prints `ok: FILE (N services, M users)` for a valid spec (instances counted one by one).
/// Valid means plan could use it: its templates render too.
pub fn run(g: &Global, a: &CheckArgs) -> i32 {
    let Ok(loaded) = load_spec_as(g, &a.spec, a.as_path.as_deref()) else {
        return 1;
    };
    let name = spec_name(&a.spec, a.as_path.as_deref());
    if super::plan::build_model(&loaded.spec, &name, g.root.clone()).is_err() {
        return 1;
    }
    let s = &loaded.spec;
    let services = s.services.len() + s.users.iter().map(|u| u.services.len()).sum::<usize>();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    println!(
        "ok: {} ({}, {})",
        name.display(),
        plural(services, "service", "services"),
        plural(s.users.len(), "user", "users")
    );
    0
}
