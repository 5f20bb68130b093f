//! Runs a plan's changes in order, in three phases: (1) temps, files, dirs, extras — new
//! service dirs, and `log/` dirs added to live ones, staged complete; (2) one filesystem sync, then every staged dir renamed into
//! place; (3) enable links, disabled links, prunes. Directories whose entries changed are
//! fsynced at the end of each phase.

use super::at::{self, Ids};
use super::dirs::Dirs;
use super::keep_logs;
use super::report::{Kept, Report};
use crate::model::{FileClass, Node, NodeKind, ServiceId, MARKER_FILE};
use crate::plan::{disk_target, stage_name, trash_name, Change, ChangeKind, Plan};
use nix::sys::stat::SFlag;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Called right after the enable link of a service is removed (disable or prune), before
/// prune waits for its runsv to go: the supervisor driver stops the runsv here.
pub type UnlinkHook = std::sync::Arc<dyn Fn(&ServiceId) + Send + Sync>;

/// How apply behaves beyond the plan.
#[derive(Clone)]
pub struct ApplyOptions {
    /// Bound on waiting for a pruned service's runsv to go away.
    pub timeout: Duration,
    pub on_unlink: Option<UnlinkHook>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            timeout: Duration::from_secs(15),
            on_unlink: None,
        }
    }
}

impl std::fmt::Debug for ApplyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApplyOptions")
            .field("timeout", &self.timeout)
            .field("on_unlink", &self.on_unlink.is_some())
            .finish()
    }
}

/// Writes `plan` to disk. Hold the sv_dir locks ([`super::lock_all`]) around observe + apply.
pub fn apply(plan: &Plan, opts: &ApplyOptions) -> Result<Report, String> {
    let start = Instant::now();
    let ops = super::fault::count();
    let dirs = Dirs::open(plan.root.as_deref(), plan.chown.then_some((0, 0))).map_err(|e| {
        let r = plan.root.as_deref().unwrap_or(Path::new("/"));
        format!("{}: {e}", r.display())
    })?;
    let mut x = Exec {
        plan,
        d: dirs,
        staged: Vec::new(),
        rewritten: HashSet::new(),
        kept: Vec::new(),
    };
    let late = |c: &Change| {
        c.class == Some(FileClass::EnableLink) || matches!(c.kind, ChangeKind::Prune { .. })
    };
    let (late_changes, main): (Vec<&Change>, Vec<&Change>) =
        plan.changes.iter().partition(|c| late(c));
    if let Err(e) = x.write(&main) {
        x.discard_staged();
        return Err(e);
    }
    x.sync()?;
    x.commit_staged()?;
    for c in late_changes {
        x.run_late(c, opts)?;
    }
    x.sync()?;
    let s = plan.summary;
    Ok(Report {
        created: s.create,
        updated: s.update,
        removed: s.remove,
        pruned: s.prune - x.kept.len(),
        unchanged: s.unchanged,
        elapsed: start.elapsed(),
        operations: super::fault::count() - ops,
        kept: x.kept,
    })
}

/// Runs the unlink hook for the service of `c`, if any.
fn unlinked(c: &Change, opts: &ApplyOptions) {
    if let (Some(hook), Some(id)) = (&opts.on_unlink, &c.service) {
        hook(id);
    }
}

struct Exec<'a> {
    plan: &'a Plan,
    d: Dirs,
    /// (logical parent, staging name, final name)
    staged: Vec<(PathBuf, OsString, OsString)>,
    /// Paths whose content was rewritten (mode and owner came with it).
    rewritten: HashSet<PathBuf>,
    kept: Vec<Kept>,
}

fn split(p: &Path) -> (&Path, &OsStr) {
    (
        p.parent().unwrap_or(Path::new("/")),
        p.file_name().unwrap_or(OsStr::new("")),
    )
}

impl Exec<'_> {
    fn ids(&self, node: &Node) -> Ids {
        if self.plan.chown {
            self.plan.ids.get(&node.owner).copied()
        } else {
            None
        }
    }

    fn err(&self, p: &Path, e: io::Error) -> String {
        format!("{}: {e}", self.d.shown(p).display())
    }

    fn target(&self, t: &Path) -> PathBuf {
        disk_target(self.plan.root.as_deref(), self.plan.relocate_links, t)
    }

    /// Creates (or re-creates over whatever is there) the node at `p`.
    fn put(&mut self, p: &Path, node: &Node, replace: bool) -> Result<(), String> {
        let ids = self.ids(node);
        let target = match &node.kind {
            NodeKind::Symlink { target } => Some(self.target(target)),
            _ => None,
        };
        let (parent, name) = split(p);
        let r = (|| -> io::Result<bool> {
            let pfd = self.d.dir(parent, true)?;
            let existing = at::kind_at(pfd, name)?;
            let mut removed_dir = false;
            let is_dir = matches!(node.kind, NodeKind::Dir);
            if existing.is_some()
                && (replace || is_dir)
                && (is_dir || existing == Some(SFlag::S_IFDIR))
            {
                removed_dir = existing == Some(SFlag::S_IFDIR);
                at::remove(pfd, name)?;
            }
            match &node.kind {
                NodeKind::Dir => {
                    at::mkdir(pfd, name, node.mode, ids, p)?;
                }
                NodeKind::File { content } => at::write_atomic(pfd, name, content, node.mode, ids)?,
                NodeKind::Symlink { .. } => {
                    at::symlink_atomic(pfd, name, target.as_deref().unwrap_or(Path::new("")), ids)?
                }
            }
            Ok(removed_dir)
        })();
        let removed_dir = r.map_err(|e| self.err(p, e))?;
        if removed_dir || matches!(node.kind, NodeKind::Dir) {
            self.d.forget(p);
        }
        self.d.touch(parent);
        self.rewritten.insert(p.to_path_buf());
        Ok(())
    }

    fn run(&mut self, c: &Change) -> Result<(), String> {
        let p = c.path.as_path();
        let (parent, name) = split(p);
        match (&c.kind, &c.node) {
            (ChangeKind::Create, Some(n)) => self.put(p, n, false),
            (ChangeKind::Replace { .. }, Some(n)) => self.put(p, n, true),
            (ChangeKind::Update { .. }, Some(n)) | (ChangeKind::Relink { .. }, Some(n)) => {
                self.put(p, n, true)
            }
            (ChangeKind::Mode { new, .. }, Some(_)) => {
                if self.rewritten.contains(p) {
                    return Ok(());
                }
                let r = self
                    .d
                    .dir(parent, false)
                    .and_then(|fd| at::chmod(fd, name, *new));
                r.map_err(|e| self.err(p, e))
            }
            (ChangeKind::Owner { .. }, Some(n)) => {
                let Some(ids) = self.ids(n) else {
                    return Ok(());
                };
                if self.rewritten.contains(p) {
                    return Ok(());
                }
                let log_dir = n.class == FileClass::LogDir;
                let shown = self.d.shown(p);
                let r = self.d.dir(parent, false).and_then(|fd| {
                    // svlogd's files must follow, or svlogd as the new user cannot lock the dir.
                    // They go first: an apply killed between the two leaves the dir's owner
                    // unchanged, so the next plan does both again.
                    if log_dir {
                        at::chown_svlogd_files(fd, name, ids, &shown)?;
                    }
                    at::chown(fd, name, ids)
                });
                r.map_err(|e| self.err(p, e))
            }
            (ChangeKind::Remove { .. }, _) => {
                let r = self
                    .d
                    .dir(parent, false)
                    .and_then(|fd| at::remove(fd, name));
                match r {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(self.err(p, e)),
                }
                self.d.forget(p);
                self.d.touch(parent);
                Ok(())
            }
            (ChangeKind::Unlink, _) => {
                let r = self
                    .d
                    .dir(parent, false)
                    .and_then(|fd| at::unlink_link(fd, name));
                r.map_err(|e| self.err(p, e))?;
                self.d.touch(parent);
                Ok(())
            }
            (kind, _) => Err(format!("{}: cannot apply {kind:?} here", p.display())),
        }
    }

    /// Builds a new service dir (or `log/` dir) complete under a staging name (renamed in by
    /// commit_staged).
    fn stage(&mut self, top: &Change, inner: &[&Change]) -> Result<(), String> {
        let Some(node) = &top.node else {
            return Err(format!("{}: no node to stage", top.path.display()));
        };
        let top_ids = self.ids(node);
        let items: Vec<(PathBuf, Node, Ids)> = inner
            .iter()
            .filter_map(|c| {
                let n = c.node.as_ref()?;
                let rel = c.path.strip_prefix(&top.path).ok()?.to_path_buf();
                Some((rel, n.clone(), self.ids(n)))
            })
            .collect();
        let (parent, name) = split(&top.path);
        let stage = stage_name(name);
        let replace = matches!(top.kind, ChangeKind::Replace { .. });
        let relocate = |t: &Path| self.target(t);
        let targets: BTreeMap<PathBuf, PathBuf> = items
            .iter()
            .filter_map(|(rel, n, _)| match &n.kind {
                NodeKind::Symlink { target } => Some((rel.clone(), relocate(target))),
                _ => None,
            })
            .collect();
        let shown = self.d.shown(&top.path);
        let r = (|| -> io::Result<()> {
            let pfd = self.d.dir(parent, true)?;
            if at::kind_at(pfd, &stage)?.is_some() {
                at::remove(pfd, &stage)?;
            }
            if replace && at::kind_at(pfd, name)?.is_some() {
                at::remove(pfd, name)?;
            }
            let sfd = at::mkdir(pfd, &stage, 0o700, None, &shown)?;
            let mut fds: BTreeMap<PathBuf, OwnedFd> = BTreeMap::new();
            for (rel, n, ids) in &items {
                let (rp, rn) = split(rel);
                let dfd = match fds.get(rp) {
                    Some(fd) => fd.as_fd(),
                    None => sfd.as_fd(),
                };
                match &n.kind {
                    NodeKind::Dir => {
                        let fd = at::mkdir(dfd, rn, n.mode, *ids, &shown.join(rel))?;
                        fds.insert(rel.clone(), fd);
                    }
                    NodeKind::File { content } => at::write_staged(dfd, rn, content, n.mode, *ids)?,
                    NodeKind::Symlink { .. } => {
                        let t = targets
                            .get(rel)
                            .map(PathBuf::as_path)
                            .unwrap_or(Path::new(""));
                        at::symlink_atomic(dfd, rn, t, *ids)?
                    }
                }
            }
            at::set_meta(sfd.as_fd(), node.mode, top_ids)
        })();
        r.map_err(|e| format!("{}: {e}", shown.display()))?;
        self.d.forget(&top.path);
        self.staged
            .push((parent.to_path_buf(), stage, name.to_os_string()));
        Ok(())
    }

    /// Phase 1: every change but links and prunes, in order; new service dirs (and `log/`
    /// dirs added to live ones) staged.
    fn write(&mut self, main: &[&Change]) -> Result<(), String> {
        let mut i = 0;
        while i < main.len() {
            let c = main[i];
            // A new service dir, or a `log/` added to a live one (runsv looks for `log/` only
            // when it starts, but a runsv started meanwhile must not find it half-written).
            let staging = matches!(c.kind, ChangeKind::Create | ChangeKind::Replace { .. })
                && matches!(
                    c.class,
                    Some(FileClass::ServiceDir | FileClass::LogServiceDir)
                );
            if staging {
                let n = main[i + 1..]
                    .iter()
                    .take_while(|d| d.path.starts_with(&c.path))
                    .count();
                self.stage(c, &main[i + 1..i + 1 + n])?;
                i += 1 + n;
            } else {
                self.run(c)?;
                i += 1;
            }
        }
        Ok(())
    }

    /// After a failed phase 1: removes the dirs staged so far (best effort; the next plan
    /// removes any left as temporaries), so a failed apply leaves no half-made service behind.
    fn discard_staged(&mut self) {
        for (parent, stage, _) in std::mem::take(&mut self.staged) {
            if let Ok(fd) = self.d.dir(&parent, false) {
                if at::remove(fd, &stage).is_ok() {
                    self.d.touch(&parent);
                }
            }
        }
        let _ = self.sync();
    }

    /// One filesystem sync for everything staged, then each staged dir renamed into place.
    fn commit_staged(&mut self) -> Result<(), String> {
        let parents: BTreeSet<PathBuf> = self.staged.iter().map(|s| s.0.clone()).collect();
        for p in &parents {
            self.d.syncfs(p).map_err(|e| self.err(p, e))?;
        }
        for (parent, stage, name) in std::mem::take(&mut self.staged) {
            let r = self
                .d
                .dir(&parent, false)
                .and_then(|fd| at::rename(fd, &stage, &name));
            r.map_err(|e| self.err(&parent.join(&name), e))?;
            self.d.touch(&parent);
        }
        self.sync()
    }

    fn sync(&mut self) -> Result<(), String> {
        self.d.sync_dirty().map_err(|e| e.to_string())
    }

    fn run_late(&mut self, c: &Change, opts: &ApplyOptions) -> Result<(), String> {
        let ChangeKind::Prune { link } = &c.kind else {
            self.run(c)?;
            if c.kind == ChangeKind::Unlink {
                unlinked(c, opts);
            }
            return Ok(());
        };
        if let Some(l) = link {
            let (lp, ln) = split(l);
            let r = self.d.dir(lp, false).and_then(|fd| at::unlink_link(fd, ln));
            r.map_err(|e| self.err(l, e))?;
            self.d.touch(lp);
            self.sync()?;
        }
        unlinked(c, opts);
        let dir = c.path.as_path();
        let deadline = Instant::now() + opts.timeout;
        loop {
            if !self.runsv_alive(dir) {
                break;
            }
            if Instant::now() >= deadline {
                self.kept.push(Kept {
                    dir: self.d.shown(dir),
                    after: opts.timeout,
                });
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Renamed out of the way first: a prune killed half-way leaves a temporary that the
        // next run removes, never a half-removed service without its marker. A dir holding
        // svlogd's logs (an adopted `log/main`) keeps them, in place.
        let (parent, name) = split(dir);
        let trash = trash_name(name);
        let shown = self.d.shown(dir);
        let r = self.d.dir(parent, false).and_then(|fd| {
            let keep = keep_logs::log_holders(fd, name, &shown)?;
            if !keep.is_empty() {
                return keep_logs::prune_but(fd, name, &shown, &keep, OsStr::new(MARKER_FILE));
            }
            at::remove(fd, &trash)?;
            at::rename(fd, name, &trash)?;
            at::remove(fd, &trash)
        });
        r.map_err(|e| self.err(dir, e))?;
        self.d.forget(dir);
        self.d.touch(parent);
        Ok(())
    }

    fn runsv_alive(&mut self, dir: &Path) -> bool {
        let main = self.d.dir(dir, false).map(at::runsv_alive).unwrap_or(false);
        main || self
            .d
            .dir(&dir.join("log"), false)
            .map(at::runsv_alive)
            .unwrap_or(false)
    }
}
