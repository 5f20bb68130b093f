//! What an apply did, for the summary line.

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
    /// Prunes left undone (a runsv still held the dir), with the reason.
    pub kept: Vec<String>,
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
