//! Counts over the rows, and the exit code `runitctl status` returns:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | every service that should run is running (and its logger), and nothing drifted |
//! | 1 | error: bad spec, unreadable service directory, or the state of a service that should run could not be read (permissions, a bad status file) and none is known to be down |
//! | 2 | all running, but the tree on disk differs from the spec (`plan` would change something) |
//! | 3 | some service that should run (enabled, not `down`) is not running, or its logger is not |
//!
//! 3 wins over 1, and 1 over 2: a service that is down matters most, a file that differs least.

use super::row::{Health, Row};

pub const EXIT_OK: i32 = 0;
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_DRIFT: i32 = 2;
pub const EXIT_NOT_RUNNING: i32 = 3;

/// Totals shown under the table and in the JSON `summary`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub services: usize,
    /// State run.
    pub running: usize,
    /// Should run and does not (service or logger).
    pub not_running: usize,
    /// Should run, and its state could not be read.
    pub unknown: usize,
    /// Files differ from the spec, never applied, or would be pruned.
    pub drifted: usize,
}

impl Summary {
    pub fn of(rows: &[Row]) -> Summary {
        Summary {
            services: rows.len(),
            running: rows.iter().filter(|r| r.main.is_up()).count(),
            not_running: rows
                .iter()
                .filter(|r| r.health() == Health::NotRunning)
                .count(),
            unknown: rows
                .iter()
                .filter(|r| r.health() == Health::Unknown)
                .count(),
            drifted: rows.iter().filter(|r| r.drifted()).count(),
        }
    }

    /// The exit code for these totals.
    pub fn exit_code(&self) -> i32 {
        if self.not_running > 0 {
            EXIT_NOT_RUNNING
        } else if self.unknown > 0 {
            EXIT_ERROR
        } else if self.drifted > 0 {
            EXIT_DRIFT
        } else {
            EXIT_OK
        }
    }
}
