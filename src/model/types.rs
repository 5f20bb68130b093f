//! The desired state as data: a tree of directories, files and links with modes and owners,
//! plus the per-service facts that plan and apply need to drive the supervisor.
//!
//! Paths are logical absolute paths (`/etc/sv/web/run`); `--root` is applied only where disk is
//! touched (observe, apply). Owners are effective host names; apply resolves them to ids.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a path should be.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum NodeKind {
    Dir,
    File { content: Vec<u8> },
    Symlink { target: PathBuf },
}

/// Owner by name (user, group).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Owner {
    pub user: String,
    pub group: String,
}

/// What role a path plays; plan derives supervisor actions from the classes that changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileClass {
    /// A container that must exist (`/etc/sv`, `~deploy/service`, `/var/log`); never pruned.
    Root,
    /// `<sv_dir>/<name>/`
    ServiceDir,
    Run,
    Env,
    /// `env/` directory itself.
    EnvDir,
    Finish,
    Check,
    Control,
    ControlDir,
    Down,
    Marker,
    /// `<sv_dir>/<name>/log/`
    LogServiceDir,
    LogRun,
    /// The svlogd directory (`/var/log/<name>/`); never deleted.
    LogDir,
    LogConfig,
    /// `<service_dir>/<name>` → `<sv_dir>/<name>`
    EnableLink,
}

/// One desired path.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Node {
    #[serde(flatten)]
    pub kind: NodeKind,
    /// Permission bits (e.g. 0o755); ignored for symlinks.
    pub mode: u32,
    pub owner: Owner,
    pub class: FileClass,
    /// The service this path belongs to, if any.
    pub service: Option<ServiceId>,
}

/// The desired tree, ordered so parents come before children.
pub type Tree = BTreeMap<PathBuf, Node>;

/// Which service: a system one (`user` None) or a user's app.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ServiceId {
    /// The spec's user-tree key (declared name), None for system services.
    pub user: Option<String>,
    pub name: String,
}

impl std::fmt::Display for ServiceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.user {
            Some(u) => write!(f, "{u}/{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// What apply and the supervisor driver need to know about one service.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ServiceModel {
    pub id: ServiceId,
    /// `<sv_dir>/<name>`
    pub dir: PathBuf,
    /// `<service_dir>/<name>`
    pub link: PathBuf,
    /// The directory runsvdir scans for this service (`service_dir`).
    pub scan_dir: PathBuf,
    pub enabled: bool,
    pub down: bool,
    pub restart_on_update: bool,
    pub stop_timeout: u32,
    pub start_timeout: u32,
    /// svlogd directory, when the service logs.
    pub log_dir: Option<PathBuf>,
    /// True for the generated `runsvdir-<user>` system service.
    pub is_user_runsvdir: bool,
}

/// A directory tree runitctl manages: where it may prune and where a runsvdir must scan.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ManagedTree {
    /// None for the system tree, the declared user name for a user tree.
    pub user: Option<String>,
    pub sv_dir: PathBuf,
    pub service_dir: PathBuf,
    pub owner: Owner,
}

/// Everything the spec asks for.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Model {
    pub project: String,
    pub tree: Tree,
    pub services: Vec<ServiceModel>,
    /// The system tree first, then one per user.
    pub trees: Vec<ManagedTree>,
    /// Built from a spec narrowed by `--only` ([`crate::spec::select`]): the services it lacks
    /// are not removed ones, so observe looks for no prunes.
    #[serde(skip)]
    pub partial: bool,
}
