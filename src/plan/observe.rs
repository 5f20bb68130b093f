//! Reads disk for a plan, never following a link: `lstat` of every desired path, a walk of each
//! managed service dir for entries the model does not ask for, a scan of each sv_dir for this
//! project's services that are no longer in the spec (including the tree of a user removed from
//! the spec, found through its pruned `runsvdir-<user>`), and the enable links of disabled
//! services.
//!
//! The walk never plans the removal of svlogd's logs: see [`ServiceWalk`].
//!
//! Below a desired directory that is missing, not a directory, or a symlink, nothing is looked
//! at (a path lookup there would go through the link): those paths are reported missing and the
//! plan re-creates them. The one exception is a container dir (`FileClass::Root`, e.g. `/var/log`)
//! or a log dir (`/var/log/web → /data/logs/web`, logs on a bigger disk) that is a symlink in a
//! root-owned, not group/world-writable dir: only root can have put it there, so it is trusted
//! and followed, and its target's mode and owner are left as root made them.

use super::disk::{read_nofollow, Disk};
use super::marker::{marker_project, marker_value};
use super::observed::{Extra, Found, Observed, PruneCandidate};
use super::owners::{resolve_owners, OwnerIds};
use super::paths::{disk_path, disk_target, is_temp_name, stage_name, temp_name, trash_name};
use super::statcache::{DirEntry, EntryKind, StatCache};
use super::KeptLog;
use crate::model::{FileClass, Model, Node, NodeKind, ServiceId, ServiceModel, MARKER_FILE};
use crate::svlogd::names::{is_svlogd_file, marks_log_dir, LOGS_DEPTH};
use crate::timings::phase;
use crate::users::{SystemUsers, UserDb};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

/// Observes the model's paths under `root` with the host's user database; owners are compared
/// only when running as root; link targets are relocated under `root`.
pub fn observe(root: Option<&Path>, model: &Model) -> Result<Observed, String> {
    let ids = resolve_owners(model, &SystemUsers)?;
    let is_root = nix::unistd::geteuid().is_root();
    observe_with(
        root,
        model,
        ids,
        is_root,
        true,
        &SystemUsers,
        CacheUse::None,
    )
}

/// How observe uses a [`StatCache`].
#[derive(Clone, Copy, Debug)]
pub enum CacheUse<'a> {
    /// Read every path (`render --out`, tests).
    None,
    /// Skip reading what the cache vouches for (`plan`, `status`).
    Read(&'a StatCache),
    /// The same, and leave what was read in `Observed::seen` for the next cache (`apply`).
    ReadAndRecord(&'a StatCache),
}

/// [`observe`] with every choice explicit.
pub fn observe_with(
    root: Option<&Path>,
    model: &Model,
    ids: OwnerIds,
    check_owners: bool,
    relocate_links: bool,
    users: &dyn UserDb,
    cache: CacheUse,
) -> Result<Observed, String> {
    let empty = StatCache::default();
    let (cache, record) = match cache {
        CacheUse::None => (&empty, false),
        CacheUse::Read(c) => (c, false),
        CacheUse::ReadAndRecord(c) => (c, true),
    };
    let mut disk = Disk::new(cache, record);
    let mut obs = Observed {
        root: root.map(Path::to_path_buf),
        check_owners,
        relocate_links,
        ids,
        ..Observed::default()
    };
    phase("observe: paths", || {
        observe_nodes(root, model, &mut disk, &mut obs)
    })?;
    phase("observe: service dirs", || {
        walk_service_dirs(root, model, &mut disk, &mut obs)
    })?;
    phase("observe: containers", || {
        scan_containers(root, model, &mut disk, &mut obs)
    })?;
    if !model.partial {
        phase("observe: prunes", || {
            scan_prunes(root, model, users, &mut disk, &mut obs)
        })?;
    }
    scan_disabled(root, model, &mut obs);
    name_owners(&mut obs, users);
    obs.seen = disk.into_seen();
    Ok(obs)
}

fn observe_nodes(
    root: Option<&Path>,
    model: &Model,
    disk_io: &mut Disk,
    obs: &mut Observed,
) -> Result<(), String> {
    // Desired dirs below which nothing may be looked at (missing, wrong type, or a link).
    let mut blocked: Vec<&Path> = Vec::new();
    // Collected in the model's (sorted) order, so building the map costs one comparison each.
    let mut nodes: Vec<(PathBuf, Found)> = Vec::with_capacity(model.tree.len());
    let mut ancestors = AncestorLinks::default();
    // Files and links below a real dir block nothing: their `lstat`s (three in four of a
    // plan's) are collected, by index into `nodes`, and made at the end, on every core.
    let mut leaves: Vec<usize> = Vec::new();
    let mut leaf_jobs: Vec<(PathBuf, Option<u64>)> = Vec::new();
    for (path, node) in &model.tree {
        while blocked.last().is_some_and(|b| !path.starts_with(b)) {
            blocked.pop();
        }
        let is_dir = matches!(node.kind, NodeKind::Dir);
        // Containers and log dirs sit below directories the model does not manage (`/home/u`,
        // `~/log`): a link planted there by a user would lead plan to read, and show in its
        // diffs, files outside the tree. What lies beyond such a link counts as missing.
        let top = matches!(node.class, FileClass::Root | FileClass::LogDir);
        if blocked.is_empty() && top && ancestors.untrusted_link_above(root, path) {
            nodes.push((path.clone(), Found::Missing));
            if is_dir {
                blocked.push(path);
            }
            continue;
        }
        if !blocked.is_empty() {
            nodes.push((path.clone(), Found::Missing));
            if is_dir {
                blocked.push(path);
            }
            continue;
        }
        let disk = disk_path(root, path);
        let want_len = match &node.kind {
            NodeKind::File { content } => Some(content.len() as u64),
            _ => None,
        };
        if !is_dir && !top {
            leaves.push(nodes.len());
            leaf_jobs.push((disk, want_len));
            nodes.push((path.clone(), Found::Missing));
            continue;
        }
        let mut found = disk_io.lstat(&disk, want_len)?;
        if let (true, Found::Symlink { .. }) = (is_dir && top, &found) {
            if trusted_parent(&disk) {
                if let Ok(m) = fs::metadata(&disk) {
                    if m.is_dir() {
                        found = Found::Dir {
                            mode: m.mode() & 0o7777,
                            uid: m.uid(),
                            gid: m.gid(),
                            linked: true,
                        };
                    }
                }
            }
        }
        if is_dir && !matches!(found, Found::Dir { .. }) {
            blocked.push(path);
        }
        nodes.push((path.clone(), found));
    }
    let leaf_found = phase("observe: files and links", || disk_io.lstat_all(&leaf_jobs))?;
    for (i, found) in leaves.into_iter().zip(leaf_found) {
        nodes[i].1 = found;
    }
    obs.nodes = nodes.into_iter().collect();
    Ok(())
}

/// Which unmanaged ancestors of the observed paths are symlinks planted where a non-root user
/// could have put them (in a directory that is not root-only); memoised per ancestor.
#[derive(Default)]
struct AncestorLinks {
    seen: HashMap<PathBuf, bool>,
}

impl AncestorLinks {
    /// Whether a directory between the root and `path` (exclusive) is such a link. The root
    /// itself (`--root DIR`, or `/`) is the operator's and is trusted.
    fn untrusted_link_above(&mut self, root: Option<&Path>, path: &Path) -> bool {
        // Below `/`, outermost first; most lookups hit the memo (log dirs share `/var/log`).
        let mut ancestors: Vec<&Path> = path
            .ancestors()
            .skip(1)
            .filter(|a| a.parent().is_some())
            .collect();
        ancestors.reverse();
        ancestors.into_iter().any(|a| {
            if let Some(bad) = self.seen.get(a) {
                return *bad;
            }
            let disk = disk_path(root, a);
            let bad = fs::symlink_metadata(&disk)
                .is_ok_and(|m| m.file_type().is_symlink() && !trusted_parent(&disk));
            self.seen.insert(a.to_path_buf(), bad);
            bad
        })
    }
}

/// A dir whose entries only root can change.
pub(crate) fn trusted_dir_meta(m: &fs::Metadata) -> bool {
    m.uid() == 0 && m.mode() & 0o022 == 0
}

fn trusted_parent(disk: &Path) -> bool {
    disk.parent()
        .and_then(|p| fs::symlink_metadata(p).ok())
        .is_some_and(|m| m.is_dir() && trusted_dir_meta(&m))
}

/// The class a path inside a service dir has, from its relative path.
pub(crate) fn class_of_rel(rel: &Path) -> Option<FileClass> {
    let parts: Vec<&str> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    Some(match parts.as_slice() {
        ["run"] => FileClass::Run,
        ["finish"] => FileClass::Finish,
        ["check"] => FileClass::Check,
        ["down"] => FileClass::Down,
        [".runitctl"] => FileClass::Marker,
        ["env"] => FileClass::EnvDir,
        ["env", ..] => FileClass::Env,
        ["control"] => FileClass::ControlDir,
        ["control", ..] => FileClass::Control,
        ["log"] => FileClass::LogServiceDir,
        ["log", "run"] => FileClass::LogRun,
        _ => return None,
    })
}

fn walk_service_dirs(
    root: Option<&Path>,
    model: &Model,
    disk: &mut Disk,
    obs: &mut Observed,
) -> Result<(), String> {
    let by_dir: HashMap<&[u8], &ServiceModel> = model
        .services
        .iter()
        .map(|s| (s.dir.as_os_str().as_bytes(), s))
        .collect();
    // One pass over the tree, in path order, where a service's entries directly follow its
    // dir; `obs.nodes` has the same paths in the same order. Each service's entries are keyed
    // by their path below the service dir, as bytes (hashing or comparing `Path`s walks their
    // components: a third of observe's time).
    debug_assert!(model.tree.keys().eq(obs.nodes.keys()));
    let mut walks: Vec<(&ServiceModel, HashMap<&[u8], &Node>)> = Vec::new();
    // The service whose entries are being collected: its dir, and whether that is a real dir.
    let mut current: Option<(&[u8], bool)> = None;
    for ((path, node), found) in model.tree.iter().zip(obs.nodes.values()) {
        let p = path.as_os_str().as_bytes();
        if let Some((dir, walk)) = current {
            if p.len() > dir.len() && p.starts_with(dir) && p[dir.len()] == b'/' {
                if let (true, Some((_, desired))) = (walk, walks.last_mut()) {
                    desired.insert(&p[dir.len() + 1..], node);
                }
                continue;
            }
            current = None;
        }
        if let Some(svc) = by_dir.get(p) {
            let walk = matches!(found, Found::Dir { .. });
            if walk {
                walks.push((svc, HashMap::new()));
            }
            current = Some((p, walk));
        }
    }
    for (svc, desired) in &walks {
        let base = disk_path(root, &svc.dir);
        let walk = ServiceWalk {
            base: &base,
            svc,
            desired,
        };
        let mut out = Walked {
            extras: &mut obs.extras,
            kept: &mut obs.kept,
        };
        walk.dir(disk, b"", &mut out)?;
    }
    Ok(())
}

/// One service dir's walk for entries the model does not ask for (never through a link, never
/// into `supervise/`). svlogd's logs are never among them: a dir not in the spec that holds
/// them (a hand-made or Chef-made service's `log/main`), at its top or a few levels down, is
/// kept whole (prune keeps it too: [`crate::apply`]'s `keep_logs`); in the spec's `log/`, when
/// svlogd writes there, svlogd's files are skipped.
struct ServiceWalk<'a> {
    base: &'a Path,
    svc: &'a ServiceModel,
    /// Desired entries by path below the service dir.
    desired: &'a HashMap<&'a [u8], &'a Node>,
}

/// Why an entry is kept (shown in the plan).
const HOLDS_LOGS: &str = "holds svlogd logs";

/// Where the walk puts what it finds.
struct Walked<'o> {
    extras: &'o mut Vec<Extra>,
    kept: &'o mut Vec<KeptLog>,
}

impl ServiceWalk<'_> {
    /// Subdir `rel` (`b""`: the service dir), depth first in name order.
    fn dir(&self, disk: &mut Disk, rel: &[u8], out: &mut Walked) -> Result<(), String> {
        // `base.join("")` would end in a slash, which is another key than the dir's `lstat`:
        // its listing would miss the stat cache.
        let dir = match rel {
            b"" => self.base.to_path_buf(),
            _ => self.base.join(OsStr::from_bytes(rel)),
        };
        let entries = disk.list_dir(&dir)?;
        // Only the spec's `log/` may be a dir svlogd writes (a hand-made `log/run` running
        // `svlogd .`): its svlogd files stay, anything else not in the spec goes. Marks count
        // only when the spec does not ask for them. The service dir, `env/` and `control/` are
        // never log dirs: a `lock` there keeps nothing.
        let log_dir = rel == b"log"
            && entries.iter().any(|e| {
                e.kind == EntryKind::File
                    && marks_log_dir(e.name.as_bytes())
                    && !self
                        .desired
                        .contains_key(child_rel(rel, &e.name).as_slice())
            });
        for e in entries {
            let child = child_rel(rel, &e.name);
            if child == b"supervise" || child == b"log/supervise" {
                continue;
            }
            if let Some(node) = self.desired.get(child.as_slice()) {
                if e.kind == EntryKind::Dir && matches!(node.kind, NodeKind::Dir) {
                    self.dir(disk, &child, out)?;
                }
                continue;
            }
            let rel = Path::new(OsStr::from_bytes(&child));
            if log_dir && is_svlogd_file(e.name.as_bytes()) {
                continue;
            }
            let disk_child = dir.join(&e.name);
            let found = disk.lstat(&disk_child, None)?;
            if matches!(found, Found::Dir { .. }) && logs_below(disk, &disk_child, LOGS_DEPTH)? {
                out.kept.push(self.kept(rel, HOLDS_LOGS));
                continue;
            }
            out.extras.push(Extra {
                temp: is_temp_name(&e.name),
                path: self.svc.dir.join(rel),
                found,
                service: Some(self.svc.id.clone()),
                class: class_of_rel(rel),
            });
        }
        Ok(())
    }

    fn kept(&self, rel: &Path, why: &'static str) -> KeptLog {
        KeptLog {
            path: self.svc.dir.join(rel),
            service: Some(self.svc.id.clone()),
            why,
        }
    }
}

/// `rel/name` (`name` when `rel` is the service dir itself).
fn child_rel(rel: &[u8], name: &OsStr) -> Vec<u8> {
    let mut child = rel.to_vec();
    if !child.is_empty() {
        child.push(b'/');
    }
    child.extend_from_slice(name.as_bytes());
    child
}

/// Whether a dir's listing shows svlogd writes there: a `current` or `lock` file, or a rotated
/// one.
fn holds_logs(entries: &[DirEntry]) -> bool {
    entries
        .iter()
        .any(|e| e.kind == EntryKind::File && marks_log_dir(e.name.as_bytes()))
}

/// Whether real dir `disk` (just `lstat`ed) holds svlogd's logs, itself or in a subdir up to
/// `depth` levels down (never through a link). A `supervise/` subdir is runsv's (its `lock` is
/// not svlogd's): a removed `log/` that runsv ran holds one.
fn logs_below(disk_io: &mut Disk, disk: &Path, depth: usize) -> Result<bool, String> {
    let entries = disk_io.list_dir(disk)?;
    if holds_logs(&entries) {
        return Ok(true);
    }
    if depth == 0 {
        return Ok(false);
    }
    let subdirs = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Dir && e.name != "supervise");
    for e in subdirs {
        let sub = disk.join(&e.name);
        let real_dir = matches!(disk_io.lstat(&sub, None)?, Found::Dir { .. });
        if real_dir && logs_below(disk_io, &sub, depth - 1)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Temporaries a killed apply left in container and log dirs.
fn scan_containers(
    root: Option<&Path>,
    model: &Model,
    disk_io: &mut Disk,
    obs: &mut Observed,
) -> Result<(), String> {
    // `obs.nodes` has the model's paths in the same order: walked alongside, not looked up
    // (a lookup compares paths component by component, 1,000 log dirs × 13 levels).
    debug_assert!(model.tree.keys().eq(obs.nodes.keys()));
    for ((path, node), found) in model.tree.iter().zip(obs.nodes.values()) {
        if !matches!(node.class, FileClass::Root | FileClass::LogDir)
            || !matches!(found, Found::Dir { .. })
        {
            continue;
        }
        let disk = disk_path(root, path);
        let temps = match (model.partial, node.class) {
            // Of some services only (`--only`): their own temporaries, not a listing of a
            // dir of 1,000 (the others' are the next full apply's).
            (true, FileClass::Root) => {
                let mut temps = Vec::new();
                for name in own_names(model, path) {
                    for temp in [temp_name(name), stage_name(name), trash_name(name)] {
                        match disk_io.lstat(&disk.join(&temp), None)? {
                            Found::Missing => {}
                            found => temps.push((temp, found)),
                        }
                    }
                }
                temps
            }
            _ => {
                let mut temps = Vec::new();
                for entry in disk_io.list_dir(&disk)? {
                    if is_temp_name(&entry.name) {
                        let found = disk_io.lstat(&disk.join(&entry.name), None)?;
                        temps.push((entry.name, found));
                    }
                }
                temps
            }
        };
        for (name, found) in temps {
            obs.extras.push(Extra {
                path: path.join(name),
                found,
                service: None,
                class: None,
                temp: true,
            });
        }
    }
    Ok(())
}

/// The names in container `dir` of the model's services: their dirs and enable links.
fn own_names<'m>(model: &'m Model, dir: &'m Path) -> impl Iterator<Item = &'m OsStr> {
    model
        .services
        .iter()
        .flat_map(|s| [&s.dir, &s.link])
        .filter(move |p| p.parent() == Some(dir))
        .filter_map(|p| p.file_name())
}

fn scan_prunes(
    root: Option<&Path>,
    model: &Model,
    users: &dyn UserDb,
    disk: &mut Disk,
    obs: &mut Observed,
) -> Result<(), String> {
    let wanted: HashSet<&[u8]> = model
        .services
        .iter()
        .map(|s| s.dir.as_os_str().as_bytes())
        .collect();
    let mut found = Vec::new();
    for tree in &model.trees {
        let sv_ok = match obs.nodes.get(&tree.sv_dir) {
            Some(f) => matches!(f, Found::Dir { .. }),
            None => fs::metadata(disk_path(root, &tree.sv_dir)).is_ok_and(|m| m.is_dir()),
        };
        if sv_ok {
            let dirs = (tree.sv_dir.as_path(), tree.service_dir.as_path());
            scan_tree(
                disk,
                root,
                model,
                dirs,
                tree.user.as_deref(),
                &wanted,
                &mut found,
            )?;
        }
    }
    // A user removed from the spec: its `runsvdir-<user>` is pruned above; its apps are too,
    // first (while that runsvdir still runs and stops each one whose link goes).
    let known: BTreeSet<&Path> = model.trees.iter().map(|t| t.sv_dir.as_path()).collect();
    let mut orphans = Vec::new();
    for c in found.iter().filter(|c| c.id.user.is_none()) {
        let Some(user) = c.id.name.strip_prefix("runsvdir-") else {
            continue;
        };
        let Some((sv_dir, service_dir)) = served_tree(root, &c.dir, user, users) else {
            continue;
        };
        // Only a real directory (a link the user planted is not followed).
        let real = fs::symlink_metadata(disk_path(root, &sv_dir)).is_ok_and(|m| m.is_dir());
        if real && !known.contains(sv_dir.as_path()) {
            let dirs = (sv_dir.as_path(), service_dir.as_path());
            scan_tree(disk, root, model, dirs, Some(user), &wanted, &mut orphans)?;
        }
    }
    obs.prunes.extend(orphans);
    obs.prunes.extend(found);
    Ok(())
}

/// The user tree a pruned `runsvdir-<user>` at logical `dir` served: from its marker, or (a
/// marker written before it named the tree) the spec's defaults `~user/sv`, `~user/service`.
fn served_tree(
    root: Option<&Path>,
    dir: &Path,
    user: &str,
    users: &dyn UserDb,
) -> Option<(PathBuf, PathBuf)> {
    let marker = disk_path(root, &dir.join(MARKER_FILE));
    let m = fs::symlink_metadata(&marker).ok().filter(|m| m.is_file())?;
    let bytes = read_nofollow(&marker, m.len()).ok()?;
    let key = |k: &str| marker_value(&bytes, k).map(PathBuf::from);
    if let (Some(sv), Some(service)) = (key("user_sv_dir"), key("user_service_dir")) {
        return (sv.is_absolute() && service.is_absolute()).then_some((sv, service));
    }
    // In a --root sandbox a user the host lacks stands for /home/<user>, as in the spec.
    let home = match users.user_by_name(user) {
        Some(u) => u.home,
        None if root.is_some() => Path::new("/home").join(user),
        None => return None,
    };
    (home.is_absolute() && home != Path::new("/")).then(|| (home.join("sv"), home.join("service")))
}

/// This project's service dirs in one tree's `sv_dir` that the model no longer wants.
fn scan_tree(
    disk_io: &mut Disk,
    root: Option<&Path>,
    model: &Model,
    (sv_dir, service_dir): (&Path, &Path),
    user: Option<&str>,
    wanted: &HashSet<&[u8]>,
    out: &mut Vec<PruneCandidate>,
) -> Result<(), String> {
    let disk = disk_path(root, sv_dir);
    for entry in disk_io.list_dir(&disk)? {
        let name = entry.name;
        if name.as_encoded_bytes().first() == Some(&b'.') {
            continue;
        }
        let logical = sv_dir.join(&name);
        if wanted.contains(logical.as_os_str().as_bytes()) {
            continue;
        }
        if entry.kind != EntryKind::Dir {
            continue;
        }
        let marker = disk.join(&name).join(MARKER_FILE);
        let is_ours = match fs::symlink_metadata(&marker) {
            Ok(m) if m.is_file() => read_nofollow(&marker, m.len())
                .ok()
                .and_then(|b| marker_project(&b))
                .is_some_and(|p| p == model.project),
            _ => false,
        };
        if !is_ours {
            continue;
        }
        let link = service_dir.join(&name);
        let link = points_at(root, &link, &logical).then_some(link);
        out.push(PruneCandidate {
            id: ServiceId {
                user: user.map(str::to_string),
                name: name.to_string_lossy().into_owned(),
            },
            dir: logical,
            link,
        });
    }
    Ok(())
}

/// Whether logical `link` is a symlink to logical `dir` (as written, relocated, or resolved).
fn points_at(root: Option<&Path>, link: &Path, dir: &Path) -> bool {
    let disk_link = disk_path(root, link);
    let Ok(target) = fs::read_link(&disk_link) else {
        return false;
    };
    if target == dir || target == disk_path(root, dir) || target == disk_target(root, true, dir) {
        return true;
    }
    match (fs::metadata(&disk_link), fs::metadata(disk_path(root, dir))) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

fn scan_disabled(root: Option<&Path>, model: &Model, obs: &mut Observed) {
    for svc in model.services.iter().filter(|s| !s.enabled) {
        if model.tree.contains_key(&svc.link) {
            continue;
        }
        if points_at(root, &svc.link, &svc.dir) {
            obs.disabled_links.push((svc.id.clone(), svc.link.clone()));
        }
    }
}

fn name_owners(obs: &mut Observed, users: &dyn UserDb) {
    let mut uids = BTreeMap::new();
    let mut gids = BTreeMap::new();
    let founds = obs
        .nodes
        .values()
        .chain(obs.extras.iter().map(|e| &e.found));
    for f in founds {
        if let Found::Dir { uid, gid, .. }
        | Found::File { uid, gid, .. }
        | Found::Symlink { uid, gid, .. } = f
        {
            uids.entry(*uid).or_insert(());
            gids.entry(*gid).or_insert(());
        }
    }
    for (owner, (u, g)) in &obs.ids {
        obs.user_names.insert(*u, owner.user.clone());
        obs.group_names.insert(*g, owner.group.clone());
    }
    for u in uids.keys() {
        if !obs.user_names.contains_key(u) {
            let n = users.user_by_uid(*u).map(|e| e.name);
            obs.user_names
                .insert(*u, n.unwrap_or_else(|| u.to_string()));
        }
    }
    for g in gids.keys() {
        if !obs.group_names.contains_key(g) {
            let n = users.group_name(*g);
            obs.group_names
                .insert(*g, n.unwrap_or_else(|| g.to_string()));
        }
    }
}
