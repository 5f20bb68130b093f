//! Whole-spec checks, run once every service is resolved: names unique per tree after
//! `instances` expansion, no system service named after a user's runsvdir, no shared log
//! directory (across the system tree and users' trees), no tree directory equal to or inside
//! another (the system's and every user's sv_dir and service_dir), no log directory equal to,
//! inside or holding one of those. Each of these would make the model generate a path twice, or
//! have apply manage (and remove) what another part of the spec owns.

use super::diag::Problems;
use super::fields::Sp;
use super::node::Pos;
use super::resolve::Resolved;
use super::types::Account;
use super::user_trees::RawUser;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// A resolved `users:` entry: its key, account, directories (with where each is reported: its
/// value, or the user's name for a default) and apps.
pub struct BuiltTree {
    pub name: Sp<String>,
    pub account: Account,
    pub sv_dir: Sp<PathBuf>,
    pub service_dir: Sp<PathBuf>,
    pub apps: Vec<Resolved>,
}

/// The system tree's directories, each with the position of its value (None: the default).
pub struct SystemDirs<'a> {
    pub sv_dir: (&'a Path, Option<Pos>),
    pub service_dir: (&'a Path, Option<Pos>),
}

/// A service with the user whose tree it is in (None: the system tree).
type Owned<'r> = (Option<&'r str>, &'r Resolved);

/// Every whole-spec check.
pub fn check_all(
    system_dirs: &SystemDirs,
    system: &[Resolved],
    trees: &[BuiltTree],
    users: &[RawUser],
    p: &mut Problems,
) {
    check_system_names(system, users, p);
    check_unique(system, p);
    for t in trees {
        check_unique(&t.apps, p);
    }
    let all: Vec<Owned> = system
        .iter()
        .map(|r| (None, r))
        .chain(
            trees
                .iter()
                .flat_map(|t| t.apps.iter().map(|r| (Some(t.name.v.as_str()), r))),
        )
        .collect();
    check_log_dirs(&all, p);
    let dirs = tree_dirs(system_dirs, trees);
    check_tree_dirs(&dirs, p);
    check_log_places(&all, &dirs, trees, p);
}

/// System services may not take the name of a declared user's runsvdir service.
fn check_system_names(system: &[Resolved], users: &[RawUser], p: &mut Problems) {
    for r in system {
        if let Some(u) = users
            .iter()
            .find(|u| r.service.name == format!("runsvdir-{}", u.name.v))
        {
            p.error_help(
                r.pos,
                format!(
                    "service name `{}` is taken by user `{}`'s runsvdir",
                    r.service.name, u.name.v
                ),
                "each entry under `users:` adds the system service runsvdir-<user>",
            );
        }
    }
}

/// Names are unique within a tree after `instances` expansion.
fn check_unique(tree: &[Resolved], p: &mut Problems) {
    let mut seen: BTreeMap<&str, &Resolved> = BTreeMap::new();
    for r in tree {
        if let Some(first) = seen.get(r.service.name.as_str()) {
            let (later, earlier) = if first.pos <= r.pos {
                (r, *first)
            } else {
                (*first, r)
            };
            let origin = |x: &Resolved| match &x.expanded_from {
                Some(base) => format!("`{base}` with `instances`"),
                None => format!("`{}`", x.service.name),
            };
            p.error_help(
                later.pos,
                format!(
                    "duplicate service name `{}` after `instances` expansion",
                    r.service.name
                ),
                format!(
                    "{} at line {} also yields `{}`; rename one of them",
                    origin(earlier),
                    earlier.pos.line,
                    r.service.name
                ),
            );
        } else {
            seen.insert(&r.service.name, r);
        }
    }
}

/// How `service \`name\`` is named in messages: `` `web` ``, or `` `api` of user `deploy` ``.
fn label((owner, r): Owned) -> String {
    match owner {
        None => format!("`{}`", r.service.name),
        Some(u) => format!("`{}` of user `{u}`", r.service.name),
    }
}

/// svlogd locks its directory: two services cannot share a log dir, in one tree or across trees.
fn check_log_dirs(all: &[Owned], p: &mut Problems) {
    // Looked up once per service: a hash map (a `BTreeMap<PathBuf, _>` compared paths
    // component by component, a tenth of loading 1,000 services with loggers).
    let mut seen: HashMap<&Path, Owned> = HashMap::new();
    let mut all = all.to_vec();
    all.sort_by_key(|(_, r)| (r.log_pos, r.service.instance));
    for (owner, r) in all {
        let Some(log) = &r.service.log else { continue };
        match seen.get(log.dir.as_path()) {
            // Same name twice in one tree is reported as a duplicate name already.
            Some((o, first)) if *o == owner && first.service.name == r.service.name => {}
            Some(&first) => p.error_help(
                r.log_pos,
                format!(
                    "log dir `{}` of service {} is also the log dir of {}",
                    log.dir.display(),
                    label((owner, r)),
                    label(first)
                ),
                "svlogd locks its directory, so each service needs its own (leave `dir` unset for /var/log/<name>)",
            ),
            None => {
                seen.insert(&log.dir, (owner, r));
            }
        }
    }
    check_nested_log_dirs(seen, p);
}

/// No log dir inside another: the outer one's owner (its `user`) would own the inner one's
/// parent, and svlogd's files of the two would mix. Sorted by path, a dir's descendants follow
/// it at once.
fn check_nested_log_dirs(dirs: HashMap<&Path, Owned>, p: &mut Problems) {
    let mut sorted: Vec<(&Path, Owned)> = dirs.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut outer: Option<(&Path, Owned)> = None;
    for (dir, inner) in sorted {
        match outer {
            Some((o, first)) if dir.starts_with(o) => p.error_help(
                inner.1.log_pos,
                format!(
                    "log dir `{}` of service {} is inside `{}`, the log dir of {}",
                    dir.display(),
                    label(inner),
                    o.display(),
                    label(first)
                ),
                "give each service a log dir of its own, side by side (e.g. /var/log/<name>)",
            ),
            _ => outer = Some((dir, inner)),
        }
    }
}

/// A directory a tree manages (an sv_dir or a service_dir), as the overlap checks see it.
struct TreeDir<'a> {
    path: &'a Path,
    /// Where a problem with it is reported (None: a system default, written nowhere).
    pos: Option<Pos>,
    /// `sv_dir` or `service_dir`.
    key: &'static str,
    /// The user whose tree it is (None: the system tree).
    user: Option<&'a str>,
}

impl TreeDir<'_> {
    /// `` sv_dir `/x` of user `deploy` ``, `` service_dir `/etc/service` ``.
    fn subject(&self) -> String {
        let of = self
            .user
            .map(|u| format!(" of user `{u}`"))
            .unwrap_or_default();
        format!("{} `{}`{of}", self.key, self.path.display())
    }

    /// `the system sv_dir`, `` the service_dir of user `deploy` ``.
    fn the(&self) -> String {
        match self.user {
            None => format!("the system {}", self.key),
            Some(u) => format!("the {} of user `{u}`", self.key),
        }
    }
}

/// The system's sv_dir and service_dir, then each user's.
fn tree_dirs<'a>(system: &SystemDirs<'a>, trees: &'a [BuiltTree]) -> Vec<TreeDir<'a>> {
    let mut dirs = Vec::new();
    for (key, (path, pos)) in [
        ("sv_dir", system.sv_dir),
        ("service_dir", system.service_dir),
    ] {
        dirs.push(TreeDir {
            path,
            pos,
            key,
            user: None,
        });
    }
    for t in trees {
        for (key, dir) in [("sv_dir", &t.sv_dir), ("service_dir", &t.service_dir)] {
            dirs.push(TreeDir {
                path: &dir.v,
                pos: Some(dir.pos),
                key,
                user: Some(&t.name.v),
            });
        }
    }
    dirs
}

/// How `a` stands to `b`: "is", "is inside" or "contains"; None when apart.
fn overlap(a: &Path, b: &Path) -> Option<&'static str> {
    if a == b {
        Some("is")
    } else if a.starts_with(b) {
        Some("is inside")
    } else if b.starts_with(a) {
        Some("contains")
    } else {
        None
    }
}

/// No tree directory is another, or inside another: runitctl manages every entry of an sv_dir
/// (service dirs) and of a service_dir (links, each started by runsvdir), so one inside the
/// other (`service_dir: /etc/sv/enabled`) or equal (`/etc/service` twice) makes entries
/// collide. Each directory is reported once, against the first it overlaps.
fn check_tree_dirs(dirs: &[TreeDir], p: &mut Problems) {
    for (j, later) in dirs.iter().enumerate() {
        let Some((earlier, how)) = dirs[..j]
            .iter()
            .find_map(|d| overlap(later.path, d.path).map(|how| (d, how)))
        else {
            continue;
        };
        // Said of the one written in the spec (a system default is written nowhere).
        let (subject, object, how) = match (later.pos, earlier.pos) {
            (Some(pos), _) => ((later, pos), earlier, how),
            (None, Some(pos)) => ((earlier, pos), later, reverse(how)),
            (None, None) => continue,
        };
        let ((s, pos), o) = (subject, object);
        let object = match how {
            "is" => format!("is also {}", o.the()),
            _ => format!("{how} {} `{}`", o.the(), o.path.display()),
        };
        p.error_help(
            pos,
            format!("{} {object}", s.subject()),
            "runitctl manages every entry of an sv_dir and of a service_dir: keep each tree's \
             sv_dir and service_dir apart from every other, neither inside another",
        );
    }
}

/// The relation seen from the other side.
fn reverse(how: &'static str) -> &'static str {
    match how {
        "is inside" => "contains",
        "contains" => "is inside",
        same => same,
    }
}

/// A log dir is svlogd's: it may not be a tree directory, inside one (a service's own dir is
/// rewritten by apply, which would remove svlogd's files: `/etc/sv/web/log/main`) or hold one;
/// nor the log dir of a user's runsvdir (`/var/log/runsvdir-<user>`). One problem per declared
/// service (the instances of `web` share its `log.dir`; the first one is reported).
fn check_log_places(all: &[Owned], dirs: &[TreeDir], trees: &[BuiltTree], p: &mut Problems) {
    let runsvdir_logs: Vec<(PathBuf, &str)> = trees
        .iter()
        .map(|t| {
            let dir = Path::new("/var/log").join(format!("runsvdir-{}", t.name.v));
            (dir, t.name.v.as_str())
        })
        .collect();
    let first_instances = all
        .iter()
        .filter(|(_, r)| r.service.instance.unwrap_or(1) == 1);
    for &(owner, r) in first_instances {
        let Some(log) = &r.service.log else { continue };
        let of = format!(
            "log dir `{}` of service {}",
            log.dir.display(),
            label((owner, r))
        );
        let in_tree = dirs.iter().find_map(|d| {
            overlap(&log.dir, d.path).map(|how| match how {
                "is" => format!("{of} is {}", d.the()),
                _ => format!("{of} {how} {} `{}`", d.the(), d.path.display()),
            })
        });
        if let Some(msg) = in_tree {
            p.error_help(
                r.log_pos,
                msg,
                "apply manages every entry of an sv_dir and a service_dir (it would remove \
                 svlogd's files), and a log dir is svlogd's: give the log a directory apart from \
                 them (leave `dir` unset for /var/log/<name>)",
            );
        } else if let Some((_, user)) = runsvdir_logs
            .iter()
            // A system service named runsvdir-<user> is reported as such already.
            .find(|(dir, _)| *dir == log.dir && !taken_name(owner, r, dir))
        {
            p.error_help(
                r.log_pos,
                format!("{of} is the log dir of user `{user}`'s runsvdir"),
                "svlogd locks its directory, so each service needs its own (leave `dir` unset \
                 for /var/log/<name>)",
            );
        }
    }
}

/// Whether `r` is a system service named after the runsvdir whose log dir is `dir`.
fn taken_name(owner: Option<&str>, r: &Resolved, dir: &Path) -> bool {
    owner.is_none() && dir.file_name() == Some(r.service.name.as_ref())
}
