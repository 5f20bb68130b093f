//! The validated services.yaml: what every later stage consumes.
//!
//! These types are produced only by [`crate::spec::load`] (YAML → raw nodes → validated `Spec`),
//! after defaults are merged, `instances` expanded, `~` expanded and users resolved. Nothing
//! downstream re-validates; nothing here does I/O.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Whose runit programs the generated scripts call and apply drives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Supervisor {
    /// runitctl's own runsvdir/runsv/svlogd/chpst (scripts call `<exe> chpst …`).
    Embedded,
    /// Debian's runit (scripts call `chpst`, `svlogd` from PATH).
    Runit,
}

/// A whole, valid spec.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Spec {
    /// The spec file: as given to [`crate::spec::load`]; the CLI replaces it with the canonical
    /// path (absolute, symlinks resolved), which owner markers record.
    pub path: PathBuf,
    /// Owner tag written into every managed dir's marker (default `"default"`).
    pub project: String,
    /// Logical (un-rooted) absolute paths.
    pub sv_dir: PathBuf,
    pub service_dir: PathBuf,
    pub supervisor: Supervisor,
    /// System services, expanded (`web-1`, `web-2`, …), in name order.
    pub services: Vec<Service>,
    /// Per-user runsvdir trees, in user-name order.
    pub users: Vec<UserTree>,
}

/// One `users:` entry: the per-user runsvdir pattern.
#[derive(Clone, Debug, serde::Serialize)]
pub struct UserTree {
    pub account: Account,
    pub sv_dir: PathBuf,
    pub service_dir: PathBuf,
    /// The user's apps, expanded, in name order; `user` defaults to this account.
    pub services: Vec<Service>,
}

/// A resolved account. `name` is what the spec says; `effective` is the name used on this
/// host (equal to `name`, unless `--root` mapped a missing user to the invoking user).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    pub name: String,
    pub effective: String,
    pub uid: u32,
    pub gid: u32,
    /// Primary group name first, then every supplementary group, as names.
    pub groups: Vec<String>,
    pub home: PathBuf,
}

/// How `./run` is produced.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunSource {
    /// `run:` — a command line, exec'ed through chpst by the default template.
    Command(String),
    /// `script:` — a whole run script body, written as given.
    Script(String),
    /// `template:` — a handlebars template (path relative to the spec file) and its text.
    Template { path: PathBuf, body: String },
}

/// svlogd timestamp flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Timestamps {
    None,
    T,
    Tt,
    Ttt,
}

/// `limits:` → chpst resource options.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Limits {
    pub memory: Option<u64>, // -m
    pub data: Option<u64>,   // -d
    pub nofile: Option<u64>, // -o
    pub nproc: Option<u64>,  // -p
    pub fsize: Option<u64>,  // -f
    pub core: Option<u64>,   // -c
    pub rss: Option<u64>,    // -r
    pub cpu: Option<u64>,    // -t
}

/// `log:` of a service (absent when `log: false`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Log {
    /// Logical absolute path of the svlogd directory (`config` lives here).
    pub dir: PathBuf,
    /// Runs svlogd as this user; owns `dir`.
    pub user: Option<String>,
    pub timestamps: Timestamps,
    pub size: Option<u64>,
    pub num: Option<u64>,
    pub min: Option<u64>,
    pub timeout: Option<u64>,
    pub processor: Option<String>,
    pub udp: Option<String>,
    pub prefix: Option<String>,
    /// `+ - e E` lines, verbatim.
    pub filters: Vec<String>,
}

/// One service after defaults, instance expansion and `~` expansion.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Service {
    pub name: String,
    pub run: RunSource,
    /// Effective host user name to run as (None: whoever runs runsv).
    pub user: Option<String>,
    pub group: Option<String>,
    pub cwd: Option<PathBuf>,
    /// Includes `PORT` for services with `port`.
    pub env: BTreeMap<String, String>,
    /// Octal text as written, e.g. `"022"`.
    pub umask: Option<String>,
    pub limits: Limits,
    pub finish: Option<String>,
    pub check: Option<String>,
    /// `control/<letter>` bodies (command or script).
    pub control: BTreeMap<char, String>,
    pub down: bool,
    pub enabled: bool,
    pub restart_on_update: bool,
    pub stop_timeout: u32,
    pub start_timeout: u32,
    /// 1-based instance number when `instances` > 1.
    pub instance: Option<u32>,
    pub port: Option<u16>,
    pub log: Option<Log>,
}
