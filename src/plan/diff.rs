//! Model + observed disk → [`Plan`] (pure).
//!
//! Order (apply follows it): temporaries left by a killed apply are removed first; then every
//! desired path in tree order (parents before children), except enable links; then extra entries
//! in service dirs; then enable links (so a service dir is complete before runsvdir sees it);
//! then links of disabled services; then prunes.

use super::change::{Action, Change, ChangeKind, Plan, ServicePlan, Summary, Takeover};
use super::marker::marker_project;
use super::observed::{Found, Observed};
use super::paths::disk_target;
use crate::model::{FileClass, Model, Node, NodeKind, ServiceId};
use std::collections::{BTreeMap, BTreeSet};

/// Compares the model with what was observed.
pub fn diff(model: &Model, obs: &Observed) -> Plan {
    let mut temps = Vec::new();
    let mut nodes = Vec::new();
    let mut extras = Vec::new();
    let mut links = Vec::new();
    let mut tail = Vec::new();
    let mut unchanged = 0;
    let mut takeovers = Vec::new();

    // `obs.nodes` holds the model's paths in the same order: walk both together rather than
    // look each path up (a BTreeMap<PathBuf> lookup compares components at every level).
    let mut observed = obs.nodes.iter().peekable();
    for (path, node) in &model.tree {
        let found = match observed.next_if(|(p, _)| *p == path) {
            Some((_, f)) => f,
            None => obs.nodes.get(path).unwrap_or(&Found::Missing),
        };
        let changes = node_changes(path, node, found, obs);
        // Only a marker that changed can name another project (a no-op plan parses none).
        let other = match changes.is_empty() {
            true => None,
            false => other_project(node, found, &model.project),
        };
        if let Some(from) = other {
            takeovers.push(Takeover {
                dir: path.parent().unwrap_or(path).to_path_buf(),
                service: node.service.clone(),
                from,
            });
        }
        if changes.is_empty() {
            unchanged += 1;
        }
        if node.class == FileClass::EnableLink {
            links.extend(changes);
        } else {
            nodes.extend(changes);
        }
    }
    for e in &obs.extras {
        let c = Change {
            path: e.path.clone(),
            kind: ChangeKind::Remove {
                found: e.found.noun().to_string(),
                temp: e.temp,
            },
            node: None,
            class: e.class,
            service: e.service.clone(),
        };
        if e.temp {
            temps.push(c);
        } else {
            extras.push(c);
        }
    }
    for (id, link) in &obs.disabled_links {
        tail.push(Change {
            path: link.clone(),
            kind: ChangeKind::Unlink,
            node: None,
            class: Some(FileClass::EnableLink),
            service: Some(id.clone()),
        });
    }
    for p in &obs.prunes {
        tail.push(Change {
            path: p.dir.clone(),
            kind: ChangeKind::Prune {
                link: p.link.clone(),
            },
            node: None,
            class: Some(FileClass::ServiceDir),
            service: Some(p.id.clone()),
        });
    }
    let changes: Vec<Change> = temps
        .into_iter()
        .chain(nodes)
        .chain(extras)
        .chain(links)
        .chain(tail)
        .collect();
    let services = service_plans(model, &changes);
    let summary = summarize(&changes, unchanged);
    Plan {
        project: model.project.clone(),
        root: obs.root.clone(),
        relocate_links: obs.relocate_links,
        chown: obs.check_owners,
        ids: obs.ids.clone(),
        changes,
        services,
        summary,
        kept: obs.kept.clone(),
        takeovers,
    }
}

/// The project a marker on disk names, when `node` is a marker and that is not `project`.
fn other_project(node: &Node, found: &Found, project: &str) -> Option<String> {
    let Found::File {
        content: Some(bytes),
        ..
    } = found
    else {
        return None;
    };
    (node.class == FileClass::Marker)
        .then(|| marker_project(bytes))
        .flatten()
        .filter(|p| p != project)
}

fn change(path: &std::path::Path, node: &Node, kind: ChangeKind) -> Change {
    Change {
        path: path.to_path_buf(),
        kind,
        node: Some(node.clone()),
        class: Some(node.class),
        service: node.service.clone(),
    }
}

fn node_changes(path: &std::path::Path, node: &Node, found: &Found, obs: &Observed) -> Vec<Change> {
    let mut out = Vec::new();
    let (uid, gid) = match (found, &node.kind) {
        (Found::Missing, _) => return vec![change(path, node, ChangeKind::Create)],
        (
            Found::Dir {
                uid,
                gid,
                mode,
                linked,
            },
            NodeKind::Dir,
        ) => {
            if *linked {
                return out;
            }
            push_mode(&mut out, path, node, *mode);
            (*uid, *gid)
        }
        (
            Found::File {
                uid,
                gid,
                mode,
                size,
                content,
            },
            NodeKind::File { content: want },
        ) => {
            let same = *size == want.len() as u64 && content.as_deref() == Some(want.as_slice());
            if !same {
                let kind = ChangeKind::Update {
                    old_size: *size,
                    old: content.clone(),
                };
                out.push(change(path, node, kind));
            }
            push_mode(&mut out, path, node, *mode);
            (*uid, *gid)
        }
        (Found::Symlink { target, uid, gid }, NodeKind::Symlink { target: want }) => {
            let want = disk_target(obs.root.as_deref(), obs.relocate_links, want);
            if *target != want {
                let kind = ChangeKind::Relink {
                    old: target.clone(),
                    new: want,
                };
                out.push(change(path, node, kind));
            }
            (*uid, *gid)
        }
        (found, _) => {
            let noun = match found {
                Found::Symlink { target, .. } => format!("symlink → {}", target.display()),
                f => f.noun().to_string(),
            };
            return vec![change(path, node, ChangeKind::Replace { found: noun })];
        }
    };
    if obs.check_owners {
        if let Some(&(wu, wg)) = obs.ids.get(&node.owner) {
            if (wu, wg) != (uid, gid) {
                let old = format!(
                    "{}:{}",
                    obs.user_names.get(&uid).cloned().unwrap_or(uid.to_string()),
                    obs.group_names
                        .get(&gid)
                        .cloned()
                        .unwrap_or(gid.to_string())
                );
                let kind = ChangeKind::Owner {
                    old,
                    new: node.owner.clone(),
                };
                out.push(change(path, node, kind));
            }
        }
    }
    out
}

fn push_mode(out: &mut Vec<Change>, path: &std::path::Path, node: &Node, mode: u32) {
    if mode != node.mode & 0o7777 {
        let kind = ChangeKind::Mode {
            old: mode,
            new: node.mode & 0o7777,
        };
        out.push(change(path, node, kind));
    }
}

/// Whether a change alters what a file holds or whether it exists (mode/owner do not matter to
/// a running service).
fn alters_content(k: &ChangeKind) -> bool {
    matches!(
        k,
        ChangeKind::Create
            | ChangeKind::Update { .. }
            | ChangeKind::Replace { .. }
            | ChangeKind::Remove { temp: false, .. }
    )
}

fn service_plans(model: &Model, changes: &[Change]) -> Vec<ServicePlan> {
    let mut touched: BTreeMap<ServiceId, (BTreeSet<FileClass>, BTreeSet<Action>, bool)> =
        BTreeMap::new();
    for c in changes {
        let Some(id) = &c.service else { continue };
        let entry = touched.entry(id.clone()).or_default();
        match &c.kind {
            ChangeKind::Unlink => {
                entry.1.extend([Action::Stop, Action::Unlink]);
            }
            ChangeKind::Prune { .. } => {
                entry.1.extend([Action::Stop, Action::Remove]);
            }
            k if alters_content(k) => {
                if let Some(class) = c.class {
                    if class == FileClass::ServiceDir
                        && matches!(k, ChangeKind::Create | ChangeKind::Replace { .. })
                    {
                        entry.2 = true;
                    }
                    entry.0.insert(class);
                }
            }
            _ => {}
        }
    }
    let by_id: BTreeMap<&ServiceId, _> = model.services.iter().map(|s| (&s.id, s)).collect();
    touched
        .into_iter()
        .map(|(id, (classes, mut actions, created))| {
            if !created {
                // A disabled service has no runsv (its link is gone): nothing to restart.
                if let Some(svc) = by_id.get(&id).filter(|s| s.enabled) {
                    let wanted_up = !svc.down && svc.restart_on_update;
                    let run_changed = classes
                        .iter()
                        .any(|c| matches!(c, FileClass::Run | FileClass::Env | FileClass::EnvDir));
                    if run_changed && wanted_up {
                        actions.insert(Action::Restart);
                    }
                    if classes.contains(&FileClass::LogServiceDir) {
                        actions.insert(Action::RestartRunsv);
                    } else if classes.contains(&FileClass::LogRun) {
                        actions.insert(Action::RestartLog);
                    } else if classes.contains(&FileClass::LogConfig) {
                        actions.insert(Action::HupLog);
                    }
                }
            }
            ServicePlan {
                id,
                created,
                actions: actions.into_iter().collect(),
            }
        })
        .collect()
}

fn summarize(changes: &[Change], unchanged: usize) -> Summary {
    let mut s = Summary {
        unchanged,
        ..Summary::default()
    };
    let mut updated = BTreeSet::new();
    for c in changes {
        match &c.kind {
            ChangeKind::Create => s.create += 1,
            ChangeKind::Remove { .. } | ChangeKind::Unlink => s.remove += 1,
            ChangeKind::Prune { .. } => s.prune += 1,
            _ => {
                updated.insert(&c.path);
            }
        }
    }
    s.update = updated.len();
    s
}
