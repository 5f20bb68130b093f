//! `runitctl check SPEC`: parse and validate, print every diagnostic; exit 0 valid, 1 invalid.

use super::common::load_spec;
use super::Global;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The services.yaml to check.
    pub spec: PathBuf,
}

/// Prints `ok: FILE (N services, M users)` for a valid spec (instances counted one by one).
pub fn run(g: &Global, a: &CheckArgs) -> i32 {
    let Ok(loaded) = load_spec(g, &a.spec) else {
        return 1;
    };
    let s = &loaded.spec;
    let services = s.services.len() + s.users.iter().map(|u| u.services.len()).sum::<usize>();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    println!(
        "ok: {} ({}, {})",
        a.spec.display(),
        plural(services, "service", "services"),
        plural(s.users.len(), "user", "users")
    );
    0
}
