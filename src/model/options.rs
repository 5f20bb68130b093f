//! What `build` needs besides the spec: the sandbox root, the runitctl binary, who invokes it,
//! and the group lists of the accounts the spec names (looked up before building, so the
//! model stays pure).

use crate::spec::Spec;
use crate::users::UserDb;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How to build the model.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModelOptions {
    /// `--root`: prefixed to every path written INSIDE scripts (cwd, svlogd dir, the user's
    /// service dir, HOME). Tree keys stay logical; observe/apply apply the root on disk.
    pub root: Option<PathBuf>,
    /// The runitctl binary, called as `<exe> chpst`/`<exe> svlogd`/`<exe> runsvdir` with
    /// `supervisor: embedded`.
    pub exe: PathBuf,
    /// The user running runitctl. In a sandbox (`root` set) scripts for this user already run
    /// as them, so they get no `chpst -u` (a non-root setgroups would fail).
    pub invoking_user: String,
    /// Host user name → every group name, primary first (see [`account_groups`]). Accounts of
    /// `users:` trees are known from the spec and need not be listed. A user missing here runs
    /// as `chpst -u USER` (chpst then takes the passwd gid and drops supplementary groups).
    pub groups: BTreeMap<String, Vec<String>>,
}

impl ModelOptions {
    /// Options for `root`, `exe` and the invoking user, with group lists looked up in `db` for
    /// every account `spec` names.
    pub fn new(
        spec: &Spec,
        db: &dyn UserDb,
        root: Option<PathBuf>,
        exe: PathBuf,
        invoking_user: String,
    ) -> ModelOptions {
        ModelOptions {
            root,
            exe,
            invoking_user,
            groups: account_groups(spec, db),
        }
    }

    /// `path` as written inside scripts: under `root` when set.
    pub fn in_script(&self, path: &Path) -> String {
        let p = match &self.root {
            Some(root) => root.join(path.strip_prefix("/").unwrap_or(path)),
            None => path.to_path_buf(),
        };
        p.to_string_lossy().into_owned()
    }
}

/// The group lists (primary first) of every user a service or logger of `spec` runs as.
pub fn account_groups(spec: &Spec, db: &dyn UserDb) -> BTreeMap<String, Vec<String>> {
    let services = spec
        .services
        .iter()
        .chain(spec.users.iter().flat_map(|u| u.services.iter()));
    let mut names: Vec<&str> = Vec::new();
    for s in services {
        names.extend(s.user.as_deref());
        names.extend(s.log.as_ref().and_then(|l| l.user.as_deref()));
    }
    let mut out = BTreeMap::new();
    for name in names {
        if out.contains_key(name) {
            continue;
        }
        if let Some(entry) = db.user_by_name(name) {
            out.insert(name.to_string(), db.groups_of(&entry));
        }
    }
    for tree in &spec.users {
        out.insert(tree.account.effective.clone(), tree.account.groups.clone());
    }
    out
}
