//! Stage two of loading: walk the node tree, check every rule of SPEC §2 and build the
//! [`Spec`] — or collect every problem found. Nothing stops at the first error.

use super::accounts::Accounts;
use super::diag::Problems;
use super::fields::{key_text, known, line, map, path, Place, Sp};
use super::names::{name_problem, NAME_HELP};
use super::node::{Node, Value};
use super::raw::{parse_service, RawService};
use super::resolve::{expand_home, resolve, Context, Resolved, Tree};
use super::suggest::did_you_mean;
use super::types::{Spec, Supervisor, UserTree};
use super::LoadOptions;
use std::collections::BTreeMap;
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

/// Keys of a `users.<name>` entry.
pub const USER_KEYS: &[&str] = &["home", "sv_dir", "service_dir", "services"];

/// A `users.<name>` entry as written.
struct RawUser<'n> {
    name: Sp<String>,
    home: Option<Sp<String>>,
    sv_dir: Option<Sp<String>>,
    service_dir: Option<Sp<String>>,
    services: Option<&'n Node>,
}

/// Builds the spec from the root node, or returns with problems recorded.
pub fn validate(
    root: &Node,
    path: &Path,
    opts: &LoadOptions,
    accounts: &mut Accounts,
    p: &mut Problems,
) -> Option<Spec> {
    let top = Place::top();
    let super::node::Value::Map(entries) = &root.value else {
        p.error_help(
            root.pos,
            format!(
                "a spec must be a mapping of keys, found {}",
                root.describe()
            ),
            "start with `services:` (see SPEC §2 for every key)",
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
    // `defaults.user` and `defaults.log.user` are for system services: a user's apps and
    // their loggers run as that user.
    let mut user_defaults = RawService {
        user: None,
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
        trees.push((u.name.clone(), account, sv, svc, apps));
    }
    let p = cx.problems;

    let sv_dir = sv_dir.unwrap_or_else(|| PathBuf::from("/etc/sv"));
    let service_dir = service_dir.unwrap_or_else(|| PathBuf::from("/etc/service"));
    check_system_names(&system, &users, p);
    check_unique(&system, p);
    for t in &trees {
        check_unique(&t.4, p);
    }
    check_log_dirs(
        system.iter().chain(trees.iter().flat_map(|t| t.4.iter())),
        p,
    );
    check_tree_dirs(&sv_dir, &service_dir, &trees, p);

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
        .map(|(_, account, sv_dir, service_dir, apps)| UserTree {
            account,
            sv_dir,
            service_dir,
            services: sorted(apps),
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

fn parse_users<'n>(node: &'n Node, p: &mut Problems) -> Vec<RawUser<'n>> {
    let mut out = Vec::new();
    let Some(entries) = map(node, "users", &Place::top(), p) else {
        return out;
    };
    for (k, v) in entries {
        let Some(name) = key_text(k, p) else { continue };
        let name = Sp {
            v: name,
            pos: k.pos,
        };
        let runsvdir = format!("runsvdir-{}", name.v);
        if name_problem(&runsvdir).is_some() {
            p.error_help(
                name.pos,
                format!(
                    "user name `{}` cannot name the service `{runsvdir}`",
                    name.v
                ),
                NAME_HELP,
            );
            continue;
        }
        let place = Place(format!("user `{}`", name.v));
        let mut u = RawUser {
            name,
            home: None,
            sv_dir: None,
            service_dir: None,
            services: None,
        };
        // `deploy:` with nothing under it is a user with no apps yet.
        if !v.is_null() {
            let Some(fields) = map(v, &u.name.v, &Place("`users`".into()), p) else {
                continue;
            };
            for (fk, fv) in fields {
                let Some(key) = key_text(fk, p) else { continue };
                let key = Sp {
                    v: key,
                    pos: fk.pos,
                };
                if misplaced_service(&key, fv, USER_KEYS, "services:", &place, p)
                    || !known(&key, USER_KEYS, &place, p)
                {
                    continue;
                }
                match key.v.as_str() {
                    "home" => u.home = path(fv, "home", false, &place, p),
                    "sv_dir" => u.sv_dir = path(fv, "sv_dir", true, &place, p),
                    "service_dir" => u.service_dir = path(fv, "service_dir", true, &place, p),
                    "services" => u.services = Some(fv),
                    _ => unreachable!("every key of USER_KEYS is handled"),
                }
            }
        }
        out.push(u);
    }
    out
}

/// An unknown key holding what looks like a service (`api: { run: … }` right under a user or at
/// the top): reported with the fix, instead of a bare "unknown key".
fn misplaced_service(
    key: &Sp<String>,
    v: &Node,
    valid: &[&str],
    parent: &str,
    place: &Place,
    p: &mut Problems,
) -> bool {
    let Value::Map(entries) = &v.value else {
        return false;
    };
    let has_run = entries
        .iter()
        .any(|(k, _)| matches!(k.text(), Some("run" | "script" | "template")));
    if valid.contains(&key.v.as_str()) || did_you_mean(&key.v, valid).is_some() || !has_run {
        return false;
    }
    p.error_help(
        key.pos,
        format!("unknown key `{}` {}", key.v, place.within()),
        format!("`{}` looks like a service: put it under `{parent}`", key.v),
    );
    true
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

/// `sv_dir` / `service_dir` at the top: absolute paths.
fn top_dir(v: &Node, what: &str, p: &mut Problems) -> Option<PathBuf> {
    let s = line(v, what, &Place::top(), p)?;
    if !s.v.starts_with('/') {
        p.error(
            s.pos,
            format!("`{what}` must be an absolute path, found `{}`", s.v),
        );
        return None;
    }
    Some(Path::new(&s.v).components().collect())
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
    let mut seen: BTreeMap<PathBuf, &Resolved> = BTreeMap::new();
    let mut all: Vec<&Resolved> = all.collect();
    all.sort_by_key(|r| (r.log_pos, r.service.instance));
    for r in all {
        let Some(log) = &r.service.log else { continue };
        match seen.get(&log.dir) {
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
                seen.insert(log.dir.clone(), r);
            }
        }
    }
}

/// A user's sv_dir/service_dir must not be the system's or another user's.
type TreeRow = (
    Sp<String>,
    super::types::Account,
    PathBuf,
    PathBuf,
    Vec<Resolved>,
);

fn check_tree_dirs(sv_dir: &Path, service_dir: &Path, trees: &[TreeRow], p: &mut Problems) {
    let mut seen: Vec<(&Path, String)> = vec![
        (sv_dir, "the system sv_dir".into()),
        (service_dir, "the system service_dir".into()),
    ];
    for (name, _, sv, svc, _) in trees {
        for (dir, what) in [(sv.as_path(), "sv_dir"), (svc.as_path(), "service_dir")] {
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
