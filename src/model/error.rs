//! Why a spec could not be turned into a tree (the spec itself was valid).

use crate::render::TemplateError;
use std::path::PathBuf;

/// A model that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// A service's `template:` does not compile or render.
    Template {
        service: String,
        error: TemplateError,
    },
    /// Two entries want the same path differently (e.g. two services sharing a log dir).
    Conflict {
        path: PathBuf,
        first: String,
        second: String,
    },
    /// More than one service's template failed (every one is reported, in spec order).
    Several(Vec<BuildError>),
}

impl BuildError {
    /// Each single error, in order (one, or those of [`BuildError::Several`]).
    pub fn each(&self) -> Vec<&BuildError> {
        match self {
            BuildError::Several(all) => all.iter().flat_map(BuildError::each).collect(),
            one => vec![one],
        }
    }
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Template { service, error } => {
                write!(f, "{error} (rendering the run script of service {service})")
            }
            BuildError::Conflict {
                path,
                first,
                second,
            } => write!(
                f,
                "{} is generated twice, by {first} and by {second}",
                path.display()
            ),
            BuildError::Several(all) => {
                for (i, e) in all.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for BuildError {}
