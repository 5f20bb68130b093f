//! `--only`: a loaded spec narrowed to some of its services, for a plan or apply that looks at
//! those alone (a deploy that changes one service of a thousand need not re-read the others).
//!
//! A name picks, as `runitctl logs` does: `deploy/api` that user's app; `web` the system
//! service `web`, or else the one user app of that name (two users' apps of one name are
//! ambiguous). The base name of an `instances` service picks every instance (`web` →
//! `web-1` … `web-N`). A user tree stays only if one of its apps is picked; its
//! `runsvdir-<user>` service then comes with it, since nothing runs the app without it.
//!
//! The whole spec was validated before, so narrowing hides no rule's error; only the other
//! services' templates go unrendered (a full plan renders them). What a narrowed spec cannot
//! show is a prune (every other service would look removed), so a narrowed model
//! is marked [`crate::model::Model::partial`] and observe looks for none.

use super::suggest::did_you_mean;
use super::types::{Service, Spec};
use std::collections::BTreeSet;

/// Keeps only the services `names` pick (see the module doc). Err: one line per name that
/// picks nothing or is ambiguous, every such name at once.
pub fn select(spec: &mut Spec, names: &[String]) -> Result<(), Vec<String>> {
    // Picked services, as (tree index: None for the system tree, position in that tree).
    let mut picked: BTreeSet<(Option<usize>, usize)> = BTreeSet::new();
    let mut problems = Vec::new();
    for name in names {
        match pick(spec, name) {
            Ok(found) => picked.extend(found),
            Err(e) => problems.push(e),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let keep = |tree: Option<usize>, services: &mut Vec<Service>| {
        let mut i = 0;
        services.retain(|_| {
            i += 1;
            picked.contains(&(tree, i - 1))
        });
    };
    keep(None, &mut spec.services);
    for (t, tree) in spec.users.iter_mut().enumerate() {
        keep(Some(t), &mut tree.services);
    }
    spec.users.retain(|t| !t.services.is_empty());
    Ok(())
}

/// What one name picks, or why it picks nothing.
fn pick(spec: &Spec, name: &str) -> Result<Vec<(Option<usize>, usize)>, String> {
    let in_tree = |tree: Option<usize>, services: &[Service], wanted: &str| {
        services
            .iter()
            .enumerate()
            .filter(|(_, s)| names(s, wanted))
            .map(|(i, _)| (tree, i))
            .collect::<Vec<_>>()
    };
    if let Some((user, app)) = name.split_once('/') {
        let Some(t) = spec.users.iter().position(|t| t.account.name == user) else {
            let users: Vec<&str> = spec.users.iter().map(|t| t.account.name.as_str()).collect();
            return Err(format!(
                "--only {name}: no user `{user}` in the spec{}",
                hint(user, &users)
            ));
        };
        let found = in_tree(Some(t), &spec.users[t].services, app);
        return match found.is_empty() {
            false => Ok(found),
            true => {
                let apps: Vec<&str> = spec.users[t]
                    .services
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect();
                Err(format!(
                    "--only {name}: user `{user}` has no app `{app}`{}",
                    hint(app, &apps)
                ))
            }
        };
    }
    let system = in_tree(None, &spec.services, name);
    if !system.is_empty() {
        return Ok(system);
    }
    let mut owners = Vec::new();
    let mut found = Vec::new();
    for (t, tree) in spec.users.iter().enumerate() {
        let here = in_tree(Some(t), &tree.services, name);
        if !here.is_empty() {
            owners.push(format!("{}/{name}", tree.account.name));
            found.extend(here);
        }
    }
    match owners.len() {
        0 => {
            let all: Vec<&str> = spec
                .services
                .iter()
                .chain(spec.users.iter().flat_map(|t| t.services.iter()))
                .map(|s| s.name.as_str())
                .collect();
            Err(format!(
                "--only {name}: no service `{name}` in the spec{}",
                hint(name, &all)
            ))
        }
        1 => Ok(found),
        _ => Err(format!(
            "--only {name}: ambiguous, name one of {}",
            owners.join(", ")
        )),
    }
}

/// Whether `wanted` names `svc`: its name, or the base name of its instances.
fn names(svc: &Service, wanted: &str) -> bool {
    if svc.name == wanted {
        return true;
    }
    svc.instance.is_some_and(|i| {
        svc.name
            .strip_suffix(&format!("-{i}"))
            .is_some_and(|base| base == wanted)
    })
}

/// ` (did you mean `x`?)` when one of `valid` is close to `typed`.
fn hint(typed: &str, valid: &[&str]) -> String {
    did_you_mean(typed, valid)
        .map(|v| format!(" (did you mean `{v}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{load_str, LoadOptions};
    use crate::users::FileUsers;
    use std::path::Path;

    const SPEC: &str = "\
services:
  web: { run: a, instances: 2 }
  api: { run: a }
  worker: { run: a }
users:
  deploy:
    services:
      api: { run: a }
      cron: { run: a }
  ops:
    services:
      cron: { run: a }
      shell: { run: a }
";

    fn spec() -> Spec {
        // Users the host lacks map to `me` under --root.
        let users = FileUsers::parse("me:x:1234:1234::/home/me:/bin/sh\n", "me:x:1234:\n", "me");
        let opts = LoadOptions {
            root: Some(Path::new("/tmp/sandbox")),
            users: &users,
            runit_installed: false,
        };
        load_str(Path::new("s.yaml"), SPEC, &opts).unwrap().spec
    }

    /// The services left: system names, then `user/name` per tree.
    fn left(names: &[&str]) -> Result<Vec<String>, Vec<String>> {
        let mut s = spec();
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        select(&mut s, &names)?;
        let mut out: Vec<String> = s.services.iter().map(|s| s.name.clone()).collect();
        for t in &s.users {
            out.extend(
                t.services
                    .iter()
                    .map(|s| format!("{}/{}", t.account.name, s.name)),
            );
        }
        Ok(out)
    }

    #[test]
    fn a_name_picks_the_system_service_first_then_the_one_user_app() {
        assert_eq!(left(&["api"]).unwrap(), ["api"]);
        assert_eq!(left(&["deploy/api"]).unwrap(), ["deploy/api"]);
        assert_eq!(left(&["shell"]).unwrap(), ["ops/shell"]);
        // User trees none of whose apps is picked are gone (their runsvdir is not planned).
        assert_eq!(
            left(&["worker", "ops/cron"]).unwrap(),
            ["worker", "ops/cron"]
        );
    }

    #[test]
    fn a_base_name_picks_every_instance_and_an_instance_picks_itself() {
        assert_eq!(left(&["web"]).unwrap(), ["web-1", "web-2"]);
        assert_eq!(left(&["web-2"]).unwrap(), ["web-2"]);
        assert_eq!(left(&["web-2", "web"]).unwrap(), ["web-1", "web-2"]);
    }

    #[test]
    fn every_name_that_picks_nothing_is_reported_at_once() {
        let e = left(&["cron", "wrker", "deploy/shell", "nobody/x", "api"]).unwrap_err();
        assert_eq!(
            e,
            [
                "--only cron: ambiguous, name one of deploy/cron, ops/cron",
                "--only wrker: no service `wrker` in the spec (did you mean `worker`?)",
                "--only deploy/shell: user `deploy` has no app `shell`",
                "--only nobody/x: no user `nobody` in the spec",
            ]
        );
        // A bare instance name does not stand for an instance-less service's prefix.
        assert!(left(&["web-3"]).is_err());
    }
}
