//! Stage two of loading: walk the node tree, check every rule of SPEC §2 and build the
//! [`Spec`] — or collect every problem found. Nothing stops at the first error.

use super::accounts::Accounts;
use super::checks::{check_all, BuiltTree, SystemDirs};
use super::diag::Problems;
use super::fields::{key_text, known, line, map, misplaced_service, path, Place, Sp};
use super::names::{name_problem, NAME_HELP};
use super::node::{Node, Value};
use super::raw::{parse_service, RawService};
use super::resolve::{expand_home, resolve, Context, Resolved, Tree};
use super::types::{Spec, Supervisor, UserTree};
use super::user_trees::{parse_users, RawUser};
use super::LoadOptions;
use std::path::{Path, PathBuf};

/// Keys of the top-level mapping.
pub const TOP_KEYS: &[&str] = &[
    "project",
    "sv_dir",
    "service_dir",
    "supervisor",
    "defaults",
    "services",
    "users",
];

/// Builds the spec from the root node, or returns with problems recorded.
pub fn validate(
    root: &Node,
    path: &Path,
    opts: &LoadOptions,
    accounts: &mut Accounts,
    p: &mut Problems,
) -> Option<Spec> {
    let top = Place::top();
    let Value::Map(entries) = &root.value else {
        p.error_help(
            root.pos,
            format!(
                "a spec must be a mapping of keys, found {}",
                root.describe()
            ),
            "a spec is a mapping with keys such as `services:`, `users:` and `defaults:`",
        );
        return None;
    };
    let mut project = None;
    let (mut sv_dir, mut service_dir, mut supervisor) = (None, None, None);
    let mut defaults = RawService::default();
    let mut services: Option<&Node> = None;
    let mut users: Vec<RawUser> = Vec::new();
    for (k, v) in entries {
        let Some(key) = key_text(k, p) else { continue };
        let key = Sp { v: key, pos: k.pos };
        if misplaced_service(&key, v, TOP_KEYS, "services:", &top, p)
            || !known(&key, TOP_KEYS, &top, p)
        {
            continue;
        }
        match key.v.as_str() {
            "project" => project = project_name(v, p),
            "sv_dir" => sv_dir = top_dir(v, "sv_dir", p),
            "service_dir" => service_dir = top_dir(v, "service_dir", p),
            "supervisor" => supervisor = supervisor_kind(v, p),
            "defaults" => defaults = parse_service(v, &Place("`defaults`".into()), true, p),
            "services" => services = Some(v),
            "users" => users = parse_users(v, p),
            _ => unreachable!("every key of TOP_KEYS is handled"),
        }
    }
    let spec_dir = path.parent().unwrap_or(Path::new(""));

    // Declared users first: their homes are what `~` means for any service running as them.
    let mut accounts_of = Vec::new();
    for u in &users {
        if let Some(h) = &u.home {
            accounts.set_home(&u.name.v, PathBuf::from(&h.v));
        }
    }
    for u in &users {
        accounts_of.push(accounts.user(&u.name, p));
    }

    let mut cx = Context {
        accounts,
        spec_dir,
        problems: p,
    };
    let system = services
        .map(|n| resolve_tree(n, &Place::top(), &defaults, &Tree::System, &mut cx))
        .unwrap_or_default();
    // `defaults.user`, `defaults.group` and `defaults.log.user` are for system services: a
    // user's apps and their loggers run as that user, with its groups.
    let mut user_defaults = RawService {
        user: None,
        group: None,
        ..defaults.clone()
    };
    if let Some(super::log::RawLog::On(f)) = &mut user_defaults.log {
        f.user = None;
    }
    let mut trees = Vec::new();
    for (u, account) in users.iter().zip(accounts_of) {
        let place = Place(format!("user `{}`", u.name.v));
        let Some(account) = account else {
            // Still report every shape problem of the user's apps.
            if let Some(n) = u.services {
                check_shapes(n, &place, &user_defaults, cx.problems);
            }
            continue;
        };
        let dir = |d: &Option<Sp<String>>, default: &str| match d {
            Some(d) => expand_home(&d.v, &account.home),
            None => account.home.join(default),
        };
        let (sv, svc) = (dir(&u.sv_dir, "sv"), dir(&u.service_dir, "service"));
        let apps = u
            .services
            .map(|n| resolve_tree(n, &place, &user_defaults, &Tree::User(&account), &mut cx))
            .unwrap_or_default();
        // Where a tree dir is reported: its value, or the user's name for a default.
        let at = |d: &Option<Sp<String>>| d.as_ref().map_or(u.name.pos, |d| d.pos);
        trees.push(BuiltTree {
            name: u.name.clone(),
            account,
            sv_dir: Sp {
                v: sv,
                pos: at(&u.sv_dir),
            },
            service_dir: Sp {
                v: svc,
                pos: at(&u.service_dir),
            },
            apps,
        });
    }
    let p = cx.problems;

    let system_dir = |d: Option<Sp<PathBuf>>, default: &str| match d {
        Some(d) => (d.v, Some(d.pos)),
        None => (PathBuf::from(default), None),
    };
    let (sv_dir, sv_dir_pos) = system_dir(sv_dir, "/etc/sv");
    let (service_dir, service_dir_pos) = system_dir(service_dir, "/etc/service");
    let dirs = SystemDirs {
        sv_dir: (&sv_dir, sv_dir_pos),
        service_dir: (&service_dir, service_dir_pos),
    };
    check_all(&dirs, &system, &trees, &users, p);

    if !p.is_empty() {
        return None;
    }
    let sorted = |v: Vec<Resolved>| {
        let mut s: Vec<_> = v.into_iter().map(|r| r.service).collect();
        s.sort_by(|a, b| a.name.cmp(&b.name));
        s
    };
    let mut users: Vec<UserTree> = trees
        .into_iter()
        .map(|t| UserTree {
            account: t.account,
            sv_dir: t.sv_dir.v,
            service_dir: t.service_dir.v,
            services: sorted(t.apps),
        })
        .collect();
    users.sort_by(|a, b| a.account.name.cmp(&b.account.name));
    Some(Spec {
        path: path.to_path_buf(),
        project: project.unwrap_or_else(|| "default".into()),
        sv_dir,
        service_dir,
        supervisor: supervisor.unwrap_or(if opts.runit_installed {
            Supervisor::Runit
        } else {
            Supervisor::Embedded
        }),
        services: sorted(system),
        users,
    })
}

/// `services:` of the spec or of a user: name → service, each merged over `defaults`.
fn resolve_tree(
    node: &Node,
    owner: &Place,
    defaults: &RawService,
    tree: &Tree,
    cx: &mut Context,
) -> Vec<Resolved> {
    let Some(entries) = map(node, "services", owner, cx.problems) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in entries {
        let Some(name) = key_text(k, cx.problems) else {
            continue;
        };
        let name = Sp {
            v: name,
            pos: k.pos,
        };
        if let Some(problem) = name_problem(&name.v) {
            cx.problems.error_help(name.pos, problem, NAME_HELP);
            continue;
        }
        let place = match tree {
            Tree::System => Place(format!("service `{}`", name.v)),
            Tree::User(a) => Place(format!("service `{}` of user `{}`", name.v, a.name)),
        };
        let raw = parse_service(v, &place, false, cx.problems).merged_over(defaults);
        out.extend(resolve(&name, &raw, &place, tree, cx));
    }
    out
}

/// The apps of a user that could not be resolved: names and keys are still checked.
fn check_shapes(node: &Node, owner: &Place, defaults: &RawService, p: &mut Problems) {
    let Some(entries) = map(node, "services", owner, p) else {
        return;
    };
    for (k, v) in entries {
        let Some(name) = key_text(k, p) else { continue };
        if let Some(problem) = name_problem(&name) {
            p.error_help(k.pos, problem, NAME_HELP);
            continue;
        }
        let place = Place(format!("service `{name}` of {}", owner.0));
        let _ = parse_service(v, &place, false, p).merged_over(defaults);
    }
}

/// `project`: `[A-Za-z0-9._-]+`.
fn project_name(v: &Node, p: &mut Problems) -> Option<String> {
    let s = line(v, "project", &Place::top(), p)?;
    if !s
        .v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        p.error_help(
            s.pos,
            format!("`project` must be a plain name, found `{}`", s.v),
            "use letters, digits, `.`, `_` and `-`",
        );
        return None;
    }
    Some(s.v)
}

/// `sv_dir` / `service_dir` at the top: absolute paths, with where they were written.
fn top_dir(v: &Node, what: &str, p: &mut Problems) -> Option<Sp<PathBuf>> {
    let s = path(v, what, false, &Place::top(), p)?;
    Some(Sp {
        v: Path::new(&s.v).components().collect(),
        pos: s.pos,
    })
}

fn supervisor_kind(v: &Node, p: &mut Problems) -> Option<Supervisor> {
    match v.text() {
        Some("embedded") => Some(Supervisor::Embedded),
        Some("runit") => Some(Supervisor::Runit),
        _ => {
            p.error_help(
                v.pos,
                format!(
                    "`supervisor` must be embedded or runit, found {}",
                    v.describe()
                ),
                "embedded: runitctl's own runsv/svlogd/chpst; runit: Debian's runit programs",
            );
            None
        }
    }
}
