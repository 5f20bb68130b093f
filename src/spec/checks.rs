//! Whole-spec checks, run once every service is resolved: names unique per tree after
//! `instances` expansion, no system service named after a user's runsvdir, no shared log
//! directory, no user tree sharing the system's or another user's directories.

use super::diag::Problems;
use super::fields::Sp;
use super::resolve::Resolved;
use super::types::Account;
use super::user_trees::RawUser;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// A resolved `users:` entry: its key, account, directories and apps.
pub struct BuiltTree {
    pub name: Sp<String>,
    pub account: Account,
    pub sv_dir: PathBuf,
    pub service_dir: PathBuf,
    pub apps: Vec<Resolved>,
}

/// Every whole-spec check.
pub fn check_all(
    sv_dir: &Path,
    service_dir: &Path,
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
    check_log_dirs(
        system
            .iter()
            .chain(trees.iter().flat_map(|t| t.apps.iter())),
        p,
    );
    check_tree_dirs(sv_dir, service_dir, trees, p);
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

/// svlogd locks its directory: two services cannot share a log dir.
fn check_log_dirs<'r>(all: impl Iterator<Item = &'r Resolved>, p: &mut Problems) {
    // Looked up once per service: a hash map (a `BTreeMap<PathBuf, _>` compared paths
    // component by component, a tenth of loading 1,000 services with loggers).
    let mut seen: HashMap<&Path, &Resolved> = HashMap::new();
    let mut all: Vec<&Resolved> = all.collect();
    all.sort_by_key(|r| (r.log_pos, r.service.instance));
    for r in all {
        let Some(log) = &r.service.log else { continue };
        match seen.get(log.dir.as_path()) {
            // Same name twice is reported as a duplicate name already.
            Some(first) if first.service.name == r.service.name => {}
            Some(first) => p.error_help(
                r.log_pos,
                format!(
                    "log dir `{}` of service `{}` is also the log dir of `{}`",
                    log.dir.display(),
                    r.service.name,
                    first.service.name
                ),
                "svlogd locks its directory, so each service needs its own (leave `dir` unset for /var/log/<name>)",
            ),
            None => {
                seen.insert(&log.dir, r);
            }
        }
    }
}

/// A user's sv_dir/service_dir must not be the system's or another user's.
fn check_tree_dirs(sv_dir: &Path, service_dir: &Path, trees: &[BuiltTree], p: &mut Problems) {
    let mut seen: Vec<(&Path, String)> = vec![
        (sv_dir, "the system sv_dir".into()),
        (service_dir, "the system service_dir".into()),
    ];
    for t in trees {
        let name = &t.name;
        for (dir, what) in [
            (t.sv_dir.as_path(), "sv_dir"),
            (t.service_dir.as_path(), "service_dir"),
        ] {
            if let Some((_, other)) = seen.iter().find(|(d, _)| *d == dir) {
                p.error(
                    name.pos,
                    format!(
                        "{what} `{}` of user `{}` is also {other}",
                        dir.display(),
                        name.v
                    ),
                );
            } else {
                seen.push((dir, format!("the {what} of user `{}`", name.v)));
            }
        }
    }
}
