//! The plan as data: ordered changes, per-service supervisor actions, and a summary.

use crate::model::{FileClass, Node, Owner, ServiceId};
use crate::plan::OwnerIds;
use std::path::PathBuf;

/// What happens to one path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// The path is missing; `Change::node` says what to create.
    Create,
    /// A file whose content differs (old content when it was read).
    Update {
        old_size: u64,
        old: Option<Vec<u8>>,
    },
    Mode {
        old: u32,
        new: u32,
    },
    Owner {
        /// `user:group` as found.
        old: String,
        new: Owner,
    },
    /// A symlink pointing elsewhere (targets as on disk).
    Relink {
        old: PathBuf,
        new: PathBuf,
    },
    /// Something of the wrong type (a planted symlink, a file where a dir belongs): removed
    /// without following it, then created as `Change::node` says.
    Replace {
        found: String,
    },
    /// An entry the model does not ask for in a managed service dir, or a killed apply's temp.
    Remove {
        found: String,
        temp: bool,
    },
    /// The enable link of a service with `enabled: false`.
    Unlink,
    /// A service of this project no longer in the spec: its link, then its definition (never
    /// its log directory).
    Prune {
        link: Option<PathBuf>,
    },
}

/// One change, in apply order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Logical path.
    pub path: PathBuf,
    pub kind: ChangeKind,
    /// The desired node (Create, Update, Mode, Owner, Relink, Replace).
    pub node: Option<Node>,
    pub class: Option<FileClass>,
    pub service: Option<ServiceId>,
}

impl Change {
    /// Whether the desired content of this path is a secret (an env value).
    pub fn is_secret(&self) -> bool {
        self.class == Some(FileClass::Env)
    }
}

/// A supervisor action one service needs after the files are written (SPEC §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// run/env/user/cwd changed and the service is wanted up.
    Restart,
    /// `log/run` changed.
    RestartLog,
    /// The log `config` changed: svlogd rereads it on HUP.
    HupLog,
    /// `log/` was added or removed: runsv decides that only at start-up (disruptive).
    RestartRunsv,
    /// Disabled or pruned: stop the service.
    Stop,
    /// Disabled: remove the enable link.
    Unlink,
    /// Pruned: remove the definition once its runsv is gone.
    Remove,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Restart => "restart",
            Action::RestartLog => "restart-log",
            Action::HupLog => "hup-log",
            Action::RestartRunsv => "restart-runsv",
            Action::Stop => "stop",
            Action::Unlink => "unlink",
            Action::Remove => "remove",
        }
    }
}

/// One service the plan touches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePlan {
    pub id: ServiceId,
    /// New service: runsv starts it, nothing to restart.
    pub created: bool,
    pub actions: Vec<Action>,
}

/// Counts for the summary line and the JSON `summary`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub remove: usize,
    pub prune: usize,
    pub unchanged: usize,
}

/// An entry in a managed service dir that the spec does not ask for but plan leaves alone, since
/// svlogd's logs are in it (SPEC §3, §5: svlogd's files are runtime state, log directories are
/// never deleted). Shown in the plan; not a change (a plan with only these is in sync).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptLog {
    /// Logical path.
    pub path: PathBuf,
    pub service: Option<ServiceId>,
    /// Why, for the plan: `holds svlogd logs`.
    pub why: &'static str,
}

/// A service dir whose marker names another project: apply takes it over (that project's next
/// apply takes it back, so two specs declaring one service undo each other).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Takeover {
    /// The service dir (logical path).
    pub dir: PathBuf,
    pub service: Option<ServiceId>,
    /// The project its marker names now.
    pub from: String,
}

/// Everything apply needs to do, self-contained.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub project: String,
    pub root: Option<PathBuf>,
    pub relocate_links: bool,
    /// Whether apply sets owners (running as root).
    pub chown: bool,
    pub ids: OwnerIds,
    pub changes: Vec<Change>,
    pub services: Vec<ServicePlan>,
    pub summary: Summary,
    /// Entries not in the spec kept for their logs (never removed).
    pub kept: Vec<KeptLog>,
    /// Service dirs another project's marker names (warned about; the changes take them).
    pub takeovers: Vec<Takeover>,
}

impl Plan {
    pub fn in_sync(&self) -> bool {
        self.changes.is_empty()
    }
}
