//! One row of `runitctl status`: a service (system or a user's app), its slot and its logger's,
//! whether it is enabled, what it should be doing, and how its tree differs from the spec.

use super::slot::{Slot, SlotState};
use std::path::PathBuf;

/// How a service's files on disk compare with the spec (spec mode only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Drift {
    /// Every file, mode, owner and link is as the spec says.
    InSync,
    /// Some paths differ (logical paths, in apply order, one per path).
    Changed(Vec<PathBuf>),
    /// The service dir does not exist: never applied.
    Missing,
    /// A service of this project the spec no longer has: apply would prune it.
    Prune,
}

impl Drift {
    /// The DRIFT column word.
    pub fn as_str(&self) -> &'static str {
        match self {
            Drift::InSync => "in-sync",
            Drift::Changed(_) => "changed",
            Drift::Missing => "missing",
            Drift::Prune => "prune",
        }
    }

    pub fn is_drift(&self) -> bool {
        *self != Drift::InSync
    }
}

/// One service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// `name`, or `user/name` for a user's app.
    pub service: String,
    /// The `users:` key of the tree, None for system services.
    pub user: Option<String>,
    pub name: String,
    /// The service directory on disk (`--root` applied).
    pub dir: PathBuf,
    /// The enable link on disk, when known.
    pub link: Option<PathBuf>,
    /// The enable link exists.
    pub enabled: bool,
    /// Whether the service should be running: enabled and not `down` (from the spec, or from
    /// the link and the `down` file without one).
    pub expect_up: bool,
    pub main: Slot,
    /// The logger (`<dir>/log`), when the service has one.
    pub log: Option<Slot>,
    /// None without a spec.
    pub drift: Option<Drift>,
}

/// Whether a service is doing what it should.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// Should be down, or runs (with its logger).
    Ok,
    /// Should run, and it or its logger does not.
    NotRunning,
    /// Should run, and its state (or its logger's) could not be read.
    Unknown,
}

impl Row {
    /// Checks the service and, unless `log/down` exists, its logger (lines would be lost).
    pub fn health(&self) -> Health {
        if !self.expect_up {
            return Health::Ok;
        }
        let log = self.log.as_ref().filter(|l| !l.normally_down);
        let slots = std::iter::once(&self.main).chain(log);
        let mut unknown = false;
        for s in slots {
            match s.state {
                SlotState::Run => {}
                SlotState::Unknown => unknown = true,
                _ => return Health::NotRunning,
            }
        }
        if unknown {
            Health::Unknown
        } else {
            Health::Ok
        }
    }

    pub fn drifted(&self) -> bool {
        self.drift.as_ref().is_some_and(Drift::is_drift)
    }
}
