//! Per-service drift from a plan: which services' files differ from the spec, which were never
//! applied, and which this project's services the spec no longer has (apply would prune them).

use super::row::Drift;
use crate::model::{FileClass, ServiceId};
use crate::plan::{ChangeKind, Plan, PruneCandidate};
use std::collections::BTreeMap;

/// Drift of every service a plan touches; a service it does not mention is in sync.
pub fn drift_by_service(plan: &Plan) -> BTreeMap<ServiceId, Drift> {
    let mut out: BTreeMap<ServiceId, Drift> = BTreeMap::new();
    for c in &plan.changes {
        let Some(id) = &c.service else { continue };
        let new_dir = c.class == Some(FileClass::ServiceDir) && c.kind == ChangeKind::Create;
        let entry = out
            .entry(id.clone())
            .or_insert_with(|| Drift::Changed(Vec::new()));
        match (&c.kind, &mut *entry) {
            (ChangeKind::Prune { .. }, e) => *e = Drift::Prune,
            (_, e) if new_dir => *e = Drift::Missing,
            (_, Drift::Changed(paths)) if paths.last() != Some(&c.path) => {
                paths.push(c.path.clone());
            }
            _ => {}
        }
    }
    out
}

/// The services a plan would prune (in the plan's order).
pub fn prunes(plan: &Plan) -> Vec<PruneCandidate> {
    plan.changes
        .iter()
        .filter_map(|c| match (&c.kind, &c.service) {
            (ChangeKind::Prune { link }, Some(id)) => Some(PruneCandidate {
                id: id.clone(),
                dir: c.path.clone(),
                link: link.clone(),
            }),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Change;
    use std::path::PathBuf;

    fn change(path: &str, kind: ChangeKind, class: FileClass, name: &str) -> Change {
        Change {
            path: PathBuf::from(path),
            kind,
            node: None,
            class: Some(class),
            service: Some(ServiceId {
                user: None,
                name: name.into(),
            }),
        }
    }

    #[test]
    fn classifies_changes_per_service() {
        let plan = Plan {
            changes: vec![
                change(
                    "/etc/sv/new",
                    ChangeKind::Create,
                    FileClass::ServiceDir,
                    "new",
                ),
                change("/etc/sv/new/run", ChangeKind::Create, FileClass::Run, "new"),
                change(
                    "/etc/sv/web/run",
                    ChangeKind::Mode {
                        old: 0o700,
                        new: 0o755,
                    },
                    FileClass::Run,
                    "web",
                ),
                change(
                    "/etc/sv/web/run",
                    ChangeKind::Update {
                        old_size: 1,
                        old: None,
                    },
                    FileClass::Run,
                    "web",
                ),
                change(
                    "/etc/sv/old",
                    ChangeKind::Prune {
                        link: Some("/etc/service/old".into()),
                    },
                    FileClass::ServiceDir,
                    "old",
                ),
            ],
            ..Plan::default()
        };
        let d = drift_by_service(&plan);
        let id = |n: &str| ServiceId {
            user: None,
            name: n.into(),
        };
        assert_eq!(d[&id("new")], Drift::Missing);
        assert_eq!(
            d[&id("web")],
            Drift::Changed(vec![PathBuf::from("/etc/sv/web/run")])
        );
        assert_eq!(d[&id("old")], Drift::Prune);
        let p = prunes(&plan);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].link, Some(PathBuf::from("/etc/service/old")));
    }
}
