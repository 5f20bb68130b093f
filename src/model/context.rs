//! What every service's nodes are built from: the options, the backend's programs, the known
//! group lists, and where a service lives (system tree or a user's tree).

use super::options::ModelOptions;
use super::types::Owner;
use crate::render::Programs;
use crate::spec::{Account, Spec, Supervisor};
use std::collections::BTreeMap;
use std::path::Path;

/// Shared by every service of one build.
pub struct Ctx<'a> {
    pub opts: &'a ModelOptions,
    pub spec: &'a Spec,
    pub programs: Programs,
    groups: BTreeMap<String, Vec<String>>,
}

impl<'a> Ctx<'a> {
    pub fn new(spec: &'a Spec, opts: &'a ModelOptions) -> Ctx<'a> {
        let mut groups = opts.groups.clone();
        for tree in &spec.users {
            groups.insert(tree.account.effective.clone(), tree.account.groups.clone());
        }
        let programs = match spec.supervisor {
            Supervisor::Runit => Programs::Runit,
            Supervisor::Embedded => Programs::Embedded(opts.exe.clone()),
        };
        Ctx {
            opts,
            spec,
            programs,
            groups,
        }
    }

    /// The group `user` runs with: `group` when given, else the user's primary group (the
    /// user's own name when its groups are unknown).
    pub fn primary_group(&self, user: &str, group: Option<&str>) -> String {
        group
            .or_else(|| {
                self.groups
                    .get(user)
                    .and_then(|g| g.first())
                    .map(String::as_str)
            })
            .unwrap_or(user)
            .to_string()
    }

    /// `[user, group, supplementary…]` for `chpst -u`: the primary (or given) group first, then
    /// every other group of the user. Just `[user]` when nothing is known about the user, so
    /// chpst falls back to the passwd gid.
    pub fn chpst_ids(&self, user: &str, group: Option<&str>) -> Vec<String> {
        let known = self.groups.get(user);
        if known.is_none() && group.is_none() {
            return vec![user.to_string()];
        }
        let primary = self.primary_group(user, group);
        let mut ids = vec![user.to_string(), primary.clone()];
        for g in known.into_iter().flatten() {
            if *g != primary && !ids[1..].contains(g) {
                ids.push(g.clone());
            }
        }
        ids
    }

    /// `user:primary group`.
    pub fn owner_of(&self, user: &str) -> Owner {
        Owner {
            user: user.to_string(),
            group: self.primary_group(user, None),
        }
    }

    /// Whether a script in `place` already runs as `user`: a user tree's own account (its
    /// runsvdir was started as that user), or the invoking user inside a `--root` sandbox.
    /// Such scripts get no `chpst -u`: a non-root setgroups fails.
    pub fn already_runs_as(&self, user: &str, place: &Place) -> bool {
        place.account.is_some_and(|a| a.effective == user)
            || (self.opts.root.is_some() && user == self.opts.invoking_user)
    }

    /// `path` as written inside scripts (under `--root` when set).
    pub fn in_script(&self, path: &Path) -> String {
        self.opts.in_script(path)
    }
}

/// Where a service lives and who owns its files.
pub struct Place<'a> {
    pub sv_dir: &'a Path,
    pub service_dir: &'a Path,
    /// The account of a `users:` tree; None for system services.
    pub account: Option<&'a Account>,
    /// Owner of the service's dirs and files (root:root, or the user for a user tree).
    pub owner: Owner,
}
