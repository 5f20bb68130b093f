//! What the driver looks at: each enabled service of the model with its directory on disk,
//! grouped by the service dir that a runsvdir scans. The system group comes first; each user's
//! group is gated by its `runsvdir-<user>` system service, which scans that user's dir.

use crate::model::{Model, ServiceId, ServiceModel};
use crate::plan::disk_path;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One supervised service (its runsv, and its logger when `log` is set).
#[derive(Clone, Debug)]
pub struct Target<'a> {
    pub svc: &'a ServiceModel,
    /// The service dir on disk.
    pub dir: PathBuf,
    /// It has a `log/` service (so a logger slot to wait for).
    pub log: bool,
}

impl Target<'_> {
    pub fn label(&self) -> String {
        self.svc.id.to_string()
    }
}

/// The services one runsvdir scans.
#[derive(Clone, Debug)]
pub struct Group<'a> {
    /// The scanned dir, logical.
    pub scan: &'a Path,
    /// For a user's dir: the `runsvdir-<user>` service that scans it.
    pub gate: Option<Target<'a>>,
    pub targets: Vec<Target<'a>>,
}

pub fn target<'a>(root: Option<&Path>, svc: &'a ServiceModel) -> Target<'a> {
    Target {
        svc,
        dir: disk_path(root, &svc.dir),
        log: svc.log_dir.is_some(),
    }
}

/// The groups of `model` (system first), with only enabled services.
pub fn groups<'a>(root: Option<&Path>, model: &'a Model) -> Vec<Group<'a>> {
    model
        .trees
        .iter()
        .map(|tree| {
            let gate = tree.user.as_ref().and_then(|u| {
                let name = format!("runsvdir-{u}");
                model
                    .services
                    .iter()
                    .find(|s| s.is_user_runsvdir && s.id.user.is_none() && s.id.name == name)
                    .map(|s| target(root, s))
            });
            let targets = model
                .services
                .iter()
                .filter(|s| s.enabled && s.id.user == tree.user)
                .map(|s| target(root, s))
                .collect();
            Group {
                scan: &tree.service_dir,
                gate,
                targets,
            }
        })
        .collect()
}

/// Every service dir (on disk) by id: the model's, and those a plan prunes.
pub fn dirs_by_id(
    root: Option<&Path>,
    model: &Model,
    plan: &crate::plan::Plan,
) -> BTreeMap<ServiceId, PathBuf> {
    let mut m: BTreeMap<ServiceId, PathBuf> = model
        .services
        .iter()
        .map(|s| (s.id.clone(), disk_path(root, &s.dir)))
        .collect();
    for c in &plan.changes {
        if let (crate::plan::ChangeKind::Prune { .. }, Some(id)) = (&c.kind, &c.service) {
            m.insert(id.clone(), disk_path(root, &c.path));
        }
    }
    m
}
