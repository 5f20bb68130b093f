//! services.yaml → validated [`Spec`]: YAML with positions → raw nodes → every rule checked,
//! every problem collected as a `FILE:LINE:COL: error: …` diagnostic.

mod types;

pub use types::*;

use crate::users::UserDb;
use std::path::Path;

/// What loading needs from outside the file.
pub struct LoadOptions<'a> {
    /// `--root`: users missing on the host map to the invoking user (one warning).
    pub root: Option<&'a Path>,
    pub users: &'a dyn UserDb,
    /// Whether Debian's runit is installed (the default supervisor is `runit` then).
    pub runit_installed: bool,
}

/// A valid spec and the warnings found on the way.
pub struct Loaded {
    pub spec: Spec,
    pub warnings: Vec<String>,
}

/// Every problem found, rendered.
#[derive(Debug)]
pub struct Diagnostics(pub Vec<String>);

impl std::fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Reads and validates `path`.
pub fn load(path: &Path, _opts: &LoadOptions) -> Result<Loaded, Diagnostics> {
    Err(Diagnostics(vec![format!(
        "{}: error: spec loading not implemented yet",
        path.display()
    )]))
}
