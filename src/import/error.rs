//! The importer's error: every problem found, already rendered for a human
//! (`FILE:LINE:COL: error: …` for file contents, `error: --flag: …` for arguments).

use std::fmt;

/// One or more rendered diagnostics, one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError(pub Vec<String>);

impl ImportError {
    /// A single diagnostic.
    pub fn one(msg: impl Into<String>) -> Self {
        ImportError(vec![msg.into()])
    }

    /// A diagnostic about a position in a file.
    pub fn at(file: &str, line: usize, col: usize, msg: impl fmt::Display) -> String {
        format!("{file}:{line}:{col}: error: {msg}")
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            f.write_str(d)?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}
