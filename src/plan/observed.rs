//! What [`super::observe`] found on disk: one [`Found`] per desired path, the extra entries in
//! managed service dirs, links of disabled services, and prune candidates.

use crate::model::{FileClass, ServiceId};
use crate::plan::{KeptLog, OwnerIds, StatCache};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One path as found on disk (never through a link, except a trusted one; see observe).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    Missing,
    Dir {
        mode: u32,
        uid: u32,
        gid: u32,
        /// Reached through a trusted symlink (a container or log dir root put elsewhere): its
        /// mode and owner are left alone.
        linked: bool,
    },
    File {
        mode: u32,
        uid: u32,
        gid: u32,
        size: u64,
        /// Read only when the size matches (to compare) or the file is small (to diff).
        content: Option<Vec<u8>>,
    },
    Symlink {
        target: PathBuf,
        uid: u32,
        gid: u32,
    },
    /// FIFO, socket, device.
    Other,
}

impl Found {
    /// Short noun for messages.
    pub fn noun(&self) -> &'static str {
        match self {
            Found::Missing => "nothing",
            Found::Dir { .. } => "dir",
            Found::File { .. } => "file",
            Found::Symlink { .. } => "symlink",
            Found::Other => "special file",
        }
    }
}

/// An entry nothing in the model asks for, inside a managed service dir, or a temporary left
/// by a killed apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extra {
    /// Logical path.
    pub path: PathBuf,
    pub found: Found,
    pub service: Option<ServiceId>,
    /// The class the path would have (from its place in the service dir).
    pub class: Option<FileClass>,
    pub temp: bool,
}

/// A service dir carrying this project's marker that the spec no longer has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PruneCandidate {
    pub id: ServiceId,
    /// Logical path of the definition.
    pub dir: PathBuf,
    /// Its enable link, when one points at it.
    pub link: Option<PathBuf>,
}

/// Everything observe learnt.
#[derive(Clone, Debug, Default)]
pub struct Observed {
    pub root: Option<PathBuf>,
    /// Whether owners are compared (only when running as root: nobody else can chown).
    pub check_owners: bool,
    /// Whether absolute link targets are relocated under `root` (`--root`, not `render --out`).
    pub relocate_links: bool,
    pub ids: OwnerIds,
    /// uid → name and gid → name for display.
    pub user_names: BTreeMap<u32, String>,
    pub group_names: BTreeMap<u32, String>,
    pub nodes: BTreeMap<PathBuf, Found>,
    pub extras: Vec<Extra>,
    /// Entries not in the spec that hold svlogd's logs: kept, not extras.
    pub kept: Vec<KeptLog>,
    /// Enable links of services with `enabled: false` that still exist (logical paths).
    pub disabled_links: Vec<(ServiceId, PathBuf)>,
    pub prunes: Vec<PruneCandidate>,
    /// What was read, as the stat cache for the next observe (apply saves it).
    pub seen: StatCache,
}
