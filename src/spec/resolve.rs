//! A merged [`RawService`] → the [`Service`]s it declares: exactly one run source (reading a
//! template), users and groups resolved, `~` expanded, log settings defaulted, and `instances`
//! expanded to `web-1 … web-N` with `PORT`.

use super::accounts::Accounts;
use super::diag::Problems;
use super::fields::{Place, Sp};
use super::log::{LogFields, RawLog};
use super::names::{name_problem, NAME_HELP};
use super::node::Pos;
use super::raw::RawService;
use super::types::{Account, Limits, Log, RunSource, Service, Timestamps};
use std::path::{Component, Path, PathBuf};

/// Which tree a service belongs to.
pub enum Tree<'t> {
    System,
    /// A `users.<name>.services` app: runs as this account.
    User(&'t Account),
}

/// A resolved service and where it was declared (for whole-spec checks).
pub struct Resolved {
    pub service: Service,
    /// The service's name key.
    pub pos: Pos,
    /// The `log.dir` value if given, else the name key.
    pub log_pos: Pos,
    /// Set when the name came from `instances` expansion.
    pub expanded_from: Option<String>,
}

/// Everything resolution needs besides the service itself.
pub struct Context<'c, 'a> {
    pub accounts: &'c mut Accounts<'a>,
    /// The spec file's directory (templates are relative to it).
    pub spec_dir: &'c Path,
    pub problems: &'c mut Problems,
}

/// Resolves one declared service (already merged over `defaults`).
pub fn resolve(
    name: &Sp<String>,
    raw: &RawService,
    place: &Place,
    tree: &Tree,
    cx: &mut Context,
) -> Vec<Resolved> {
    let run = run_source(name, raw, place, cx.spec_dir, cx.problems);
    let account = account(raw, place, tree, cx);
    let group = group(raw, place, tree, cx);
    let home = account
        .as_ref()
        .map(|a| a.home.clone())
        .unwrap_or_else(|| cx.accounts.supervisor_home());
    let default_fields = LogFields::default();
    let fields: Option<&LogFields> = match &raw.log {
        Some(RawLog::Off) => None,
        Some(RawLog::On(f)) => Some(f),
        None => Some(&default_fields),
    };
    let log_user = log_user(fields, place, tree, cx);
    check_port(raw, place, cx.problems);
    let Some(run) = run else {
        return Vec::new();
    };
    let base = Service {
        name: name.v.clone(),
        run,
        user: account.as_ref().map(|a| a.effective.clone()),
        group,
        cwd: raw.cwd.as_ref().map(|c| expand_home(&c.v, &home)),
        env: raw
            .env
            .iter()
            .map(|(k, v)| (k.clone(), v.v.clone()))
            .collect(),
        umask: raw.umask.clone(),
        limits: limits(raw),
        finish: raw.finish.clone(),
        check: raw.check.clone(),
        control: raw.control.clone(),
        down: raw.down.unwrap_or(false),
        enabled: raw.enabled.unwrap_or(true),
        restart_on_update: raw.restart_on_update.unwrap_or(true),
        stop_timeout: raw.stop_timeout.unwrap_or(7),
        start_timeout: raw.start_timeout.unwrap_or(30),
        instance: None,
        port: None,
        log: None,
    };
    let log_dir = fields
        .and_then(|f| f.dir.as_ref())
        .map(|d| expand_home(&d.v, &home));
    let log_pos = fields
        .and_then(|f| f.dir.as_ref())
        .map_or(name.pos, |d| d.pos);
    expand(name, raw, base, cx.problems)
        .into_iter()
        .map(|mut s| {
            s.log = fields.map(|f| log(&s.name, f, log_dir.clone(), log_user.clone(), tree, &home));
            Resolved {
                expanded_from: s.instance.map(|_| name.v.clone()),
                service: s,
                pos: name.pos,
                log_pos,
            }
        })
        .collect()
}

/// The account a service runs as: its `user` (system tree) or the tree's user.
fn account(raw: &RawService, place: &Place, tree: &Tree, cx: &mut Context) -> Option<Account> {
    match tree {
        Tree::System => raw
            .user
            .as_ref()
            .and_then(|u| cx.accounts.user(u, cx.problems)),
        Tree::User(owner) => {
            if let Some(u) = raw.user.as_ref().filter(|u| u.v != owner.name) {
                cx.problems.error_help(
                    u.pos,
                    format!("{} cannot run as `{}`", place.0, u.v),
                    format!(
                        "user `{}`'s runsvdir runs as `{}`, so its services do too",
                        owner.name, owner.name
                    ),
                );
            }
            Some((*owner).clone())
        }
    }
}

/// The effective `group`. A system service's `group` needs its `user`: chpst switches groups
/// only with a user (`-u user:group`), so a lone `group` would be silently ignored. In a user's
/// tree only the user's primary group is accepted (a no-op): the runsvdir runs unprivileged and
/// cannot switch groups, and its apps already have every group of the user.
fn group(raw: &RawService, place: &Place, tree: &Tree, cx: &mut Context) -> Option<String> {
    let given = raw.group.as_ref()?;
    if matches!(tree, Tree::System) && raw.user.is_none() {
        cx.problems.error_help(
            given.pos,
            format!("{} has `group: {}` but no `user`", place.0, given.v),
            "`group` is the group `user` runs with (chpst -u user:group); add `user:` \
             (`user: root` keeps root, with this group)",
        );
        return None;
    }
    let group = cx.accounts.group(given, cx.problems)?;
    if let Tree::User(owner) = tree {
        if owner.groups.first() != Some(&group) {
            cx.problems.error_help(
                given.pos,
                format!("{} cannot switch to group `{}`", place.0, given.v),
                format!(
                    "user `{}`'s runsvdir runs as `{}`, which cannot switch groups; its apps \
                     already run with all of its groups ({}): leave `group` out",
                    owner.name,
                    owner.effective,
                    owner.groups.join(", ")
                ),
            );
        }
    }
    Some(group)
}

/// Who runs svlogd: `log.user` (system tree), or the tree's user.
fn log_user(
    fields: Option<&LogFields>,
    place: &Place,
    tree: &Tree,
    cx: &mut Context,
) -> Option<String> {
    match (fields.and_then(|f| f.user.as_ref()), tree) {
        (Some(u), Tree::User(owner)) => {
            if u.v != owner.name {
                cx.problems.error_help(
                    u.pos,
                    format!("`log.user` in {} cannot be `{}`", place.0, u.v),
                    format!(
                        "user `{}`'s runsvdir runs its loggers as `{}`",
                        owner.name, owner.name
                    ),
                );
            }
            Some(owner.effective.clone())
        }
        (Some(u), Tree::System) => cx.accounts.user(u, cx.problems).map(|a| a.effective),
        (None, Tree::User(owner)) => Some(owner.effective.clone()),
        (None, Tree::System) => None,
    }
}

/// `port` sets `PORT`, so `env: PORT` beside it is a conflict; every instance's port must fit.
fn check_port(raw: &RawService, place: &Place, p: &mut Problems) {
    let Some(port) = &raw.port else { return };
    if let Some(env_port) = raw.env.get("PORT") {
        p.error_help(
            env_port.pos,
            format!("env `PORT` in {} conflicts with `port`", place.0),
            "`port` sets PORT (per instance); drop one of them",
        );
    }
    let instances = raw.instances.as_ref().map_or(1, |i| i.v);
    if u32::from(port.v) + instances - 1 > 65535 {
        p.error(
            port.pos,
            format!(
                "`port` {} with {instances} instances in {} runs past 65535",
                port.v, place.0
            ),
        );
    }
}

/// `instances` N > 1 → `name-1 … name-N` (checked as names); `PORT` = port + i − 1.
fn expand(name: &Sp<String>, raw: &RawService, base: Service, p: &mut Problems) -> Vec<Service> {
    let instances = raw.instances.as_ref().map_or(1, |i| i.v);
    // The last instance has the longest name.
    if instances > 1 {
        if let Some(problem) = name_problem(&format!("{}-{instances}", name.v)) {
            p.error_help(
                name.pos,
                format!("{problem} (instance {instances} of `{}`)", name.v),
                NAME_HELP,
            );
            return Vec::new();
        }
    }
    (1..=instances)
        .map(|i| {
            let mut s = base.clone();
            if instances > 1 {
                s.name = format!("{}-{i}", name.v);
                s.instance = Some(i);
            }
            if let Some(port) = &raw.port {
                if let Ok(n) = u16::try_from(u32::from(port.v) + i - 1) {
                    s.port = Some(n);
                    s.env.insert("PORT".into(), n.to_string());
                }
            }
            s
        })
        .collect()
}

/// Exactly one of `run`, `script`, `template`; a template is read now.
fn run_source(
    name: &Sp<String>,
    raw: &RawService,
    place: &Place,
    spec_dir: &Path,
    p: &mut Problems,
) -> Option<RunSource> {
    let mut given = raw.sources.clone();
    given.sort_by_key(|(_, pos)| *pos);
    match given.as_slice() {
        [] if raw.source_attempted => None,
        [] => {
            p.error_help(
                name.pos,
                format!("{} has none of `run`, `script` or `template`", place.0),
                "add `run: <command>` (or `script:` with a whole run script, or `template:`)",
            );
            None
        }
        [(first, _), rest @ ..] if !rest.is_empty() => {
            for (k, pos) in rest {
                p.error_help(
                    *pos,
                    format!("{} has both `{first}` and `{k}`", place.0),
                    "give exactly one of `run`, `script` or `template`",
                );
            }
            None
        }
        // One key written; its value may still have been invalid (already reported).
        _ => {
            if let Some(v) = &raw.run {
                Some(RunSource::Command(v.v.clone()))
            } else if let Some(v) = &raw.script {
                Some(RunSource::Script(v.v.clone()))
            } else {
                let v = raw.template.as_ref()?;
                let path = spec_dir.join(&v.v);
                match std::fs::read_to_string(&path) {
                    Ok(body) => Some(RunSource::Template { path, body }),
                    Err(e) => {
                        p.error(
                            v.pos,
                            format!("cannot read template `{}`: {}", path.display(), io_text(&e)),
                        );
                        None
                    }
                }
            }
        }
    }
}

/// An io error as text without the `(os error N)` suffix.
fn io_text(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Expands a path already checked by [`super::fields::path`]: `~` and `~/x` against `home`.
pub fn expand_home(s: &str, home: &Path) -> PathBuf {
    let path = if s == "~" {
        home.to_path_buf()
    } else if let Some(rest) = s.strip_prefix("~/") {
        home.join(rest)
    } else {
        PathBuf::from(s)
    };
    normalize(&path)
}

/// Drops `.` components and a trailing slash (`~/` is the home itself).
fn normalize(p: &Path) -> PathBuf {
    p.components().filter(|c| *c != Component::CurDir).collect()
}

fn limits(raw: &RawService) -> Limits {
    let l = |k: &str| raw.limits.get(k).copied();
    Limits {
        memory: l("memory"),
        data: l("data"),
        nofile: l("nofile"),
        nproc: l("nproc"),
        fsize: l("fsize"),
        core: l("core"),
        rss: l("rss"),
        cpu: l("cpu"),
    }
}

/// The service's log with defaults: dir `/var/log/<name>` (system) or `~/log/<name>` (a user's
/// app), timestamps `tt`.
fn log(
    name: &str,
    f: &LogFields,
    dir: Option<PathBuf>,
    user: Option<String>,
    tree: &Tree,
    home: &Path,
) -> Log {
    let dir = dir.unwrap_or_else(|| match tree {
        Tree::System => Path::new("/var/log").join(name),
        Tree::User(_) => home.join("log").join(name),
    });
    Log {
        dir,
        user,
        timestamps: f.timestamps.unwrap_or(Timestamps::Tt),
        size: f.size,
        num: f.num,
        min: f.min,
        timeout: f.timeout,
        processor: f.processor.clone(),
        udp: f.udp.clone(),
        prefix: f.prefix.clone(),
        filters: f.filters.clone().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_expands_against_the_home() {
        let home = Path::new("/home/d");
        assert_eq!(expand_home("~", home), PathBuf::from("/home/d"));
        assert_eq!(expand_home("~/", home), PathBuf::from("/home/d"));
        assert_eq!(
            expand_home("~/app/./x", home),
            PathBuf::from("/home/d/app/x")
        );
        assert_eq!(expand_home("/srv/", home), PathBuf::from("/srv"));
    }

    #[test]
    fn io_text_drops_the_os_error_number() {
        let e = std::io::Error::from_raw_os_error(2);
        assert_eq!(io_text(&e), "No such file or directory");
    }
}
