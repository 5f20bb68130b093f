//! What an apply did, for the summary line.

use std::path::PathBuf;
use std::time::Duration;

/// Counts of what apply did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub created: usize,
    pub updated: usize,
    pub removed: usize,
    pub pruned: usize,
    pub unchanged: usize,
    pub elapsed: Duration,
    /// Filesystem mutations performed.
    pub operations: u64,
    /// Prunes left undone.
    pub kept: Vec<Kept>,
}

/// A prune apply left undone: a runsv still supervised the dir when the timeout ran out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kept {
    /// The service dir, on disk.
    pub dir: PathBuf,
    pub after: Duration,
}

impl std::fmt::Display for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: a runsv still supervises it after {}s; definition kept",
            self.dir.display(),
            self.after.as_secs()
        )
    }
}

impl Report {
    /// `applied: N created, M updated, K removed, L unchanged in Ss` or `no changes`.
    pub fn summary_line(&self) -> String {
        if self.created + self.updated + self.removed + self.pruned == 0 {
            return "no changes".to_string();
        }
        let pruned = if self.pruned > 0 {
            format!(", {} pruned", self.pruned)
        } else {
            String::new()
        };
        format!(
            "applied: {} created, {} updated, {} removed{pruned}, {} unchanged in {:.2}s",
            self.created,
            self.updated,
            self.removed,
            self.unchanged,
            self.elapsed.as_secs_f64()
        )
    }
}
