//! services.yaml → validated [`Spec`]: YAML with positions → raw nodes → every rule checked,
//! every problem collected as a `FILE:LINE:COL: error: …` diagnostic.
//!
//! Two stages, as in ripgrep's low/high args: [`node`] turns the text into a small tree that
//! keeps the line and column of every key and value; [`validate`] walks it by hand (serde derive
//! would stop at the first error) and collects every problem, sorted by position.

mod accounts;
mod checks;
mod diag;
mod env;
mod fields;
mod log;
mod names;
mod node;
mod raw;
mod resolve;
mod select;
mod suggest;
mod types;
mod user_trees;
mod validate;

pub use select::select;
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
    /// Every diagnostic, a blank line between two.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Reads and validates `path`: every problem at once, sorted by position, each rendered as
/// `FILE:LINE:COL: error: …` with a source excerpt (FILE is `path` as given).
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Loaded, Diagnostics> {
    load_as(path, path, opts)
}

/// [`load`] reading the text from `read` (`-`: standard input) for the spec known as `name`:
/// diagnostics, owner markers and relative template paths use `name`. Lets a tool plan or
/// check new content for a spec path without writing it there first.
pub fn load_as(read: &Path, name: &Path, opts: &LoadOptions) -> Result<Loaded, Diagnostics> {
    let bytes = if read == Path::new("-") {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf).map(|_| buf)
    } else {
        std::fs::read(read)
    };
    let src = match bytes {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let text = String::from_utf8_lossy(good);
                let line = text.matches('\n').count() + 1;
                let col = text.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                return Err(Diagnostics(vec![format!(
                    "{}:{line}:{col}: error: the spec is not UTF-8 text",
                    name.display()
                )]));
            }
        },
        Err(e) => {
            let text = e.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            return Err(Diagnostics(vec![format!(
                "{}: error: cannot read the spec: {text}",
                read.display()
            )]));
        }
    };
    load_str(name, &src, opts)
}

/// [`load`] for text already in memory; `path` names it in diagnostics and anchors templates.
pub fn load_str(path: &Path, src: &str, opts: &LoadOptions) -> Result<Loaded, Diagnostics> {
    let file = path.display().to_string();
    let mut problems = diag::Problems::default();
    let mut accounts = accounts::Accounts::new(opts.users, opts.root.is_some());
    let spec = match node::parse(src) {
        Ok(root) => validate::validate(&root, path, opts, &mut accounts, &mut problems),
        Err(e) => {
            problems.error(e.pos, e.message);
            None
        }
    };
    match spec {
        Some(spec) if problems.is_empty() => Ok(Loaded {
            spec,
            warnings: accounts.warning().into_iter().collect(),
        }),
        _ => Err(Diagnostics(
            problems
                .into_sorted()
                .iter()
                .map(|d| diag::render(&file, src, d))
                .collect(),
        )),
    }
}

#[cfg(test)]
mod tests;
