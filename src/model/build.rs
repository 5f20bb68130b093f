//! Spec → [`Model`]: the system tree, each user's tree and its `runsvdir-<user>` service, every
//! service's entries, then each service's marker (which hashes the rest).

use super::builder::TreeBuilder;
use super::context::{Ctx, Place};
use super::error::BuildError;
use super::marker::{marker_text, service_hashes};
use super::options::ModelOptions;
use super::service::add_service;
use super::types::{FileClass, ManagedTree, Model, Owner, ServiceId, ServiceModel};
use super::user_runsvdir::add_user_runsvdir;
use crate::spec::Spec;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Builds the desired tree of `spec`. Pure: no I/O. Fails only on a user template that does
/// not render, or two entries wanting one path.
pub fn build(spec: &Spec, opts: &ModelOptions) -> Result<Model, BuildError> {
    let ctx = Ctx::new(spec, opts);
    let mut b = TreeBuilder::default();
    let mut services: Vec<ServiceModel> = Vec::new();
    let mut trees: Vec<ManagedTree> = Vec::new();
    // runsvdir-<user> → the user tree it serves (named in its marker).
    let mut served: BTreeMap<ServiceId, (PathBuf, PathBuf)> = BTreeMap::new();

    let root = Owner::root();
    b.root_dir(&spec.sv_dir, &root)?;
    b.root_dir(&spec.service_dir, &root)?;
    trees.push(ManagedTree {
        user: None,
        sv_dir: spec.sv_dir.clone(),
        service_dir: spec.service_dir.clone(),
        owner: root.clone(),
    });
    let system = Place {
        sv_dir: &spec.sv_dir,
        service_dir: &spec.service_dir,
        account: None,
        owner: root,
    };
    for svc in &spec.services {
        services.push(add_service(&mut b, &ctx, &system, svc)?);
    }

    for tree in &spec.users {
        let runsvdir = add_user_runsvdir(&mut b, &ctx, tree)?;
        let dirs = (tree.sv_dir.clone(), tree.service_dir.clone());
        served.insert(runsvdir.id.clone(), dirs);
        services.push(runsvdir);
        let owner = ctx.owner_of(&tree.account.effective);
        b.root_dir(&tree.sv_dir, &owner)?;
        b.root_dir(&tree.service_dir, &owner)?;
        trees.push(ManagedTree {
            user: Some(tree.account.name.clone()),
            sv_dir: tree.sv_dir.clone(),
            service_dir: tree.service_dir.clone(),
            owner: owner.clone(),
        });
        let place = Place {
            sv_dir: &tree.sv_dir,
            service_dir: &tree.service_dir,
            account: Some(&tree.account),
            owner,
        };
        for svc in &tree.services {
            services.push(add_service(&mut b, &ctx, &place, svc)?);
        }
    }

    let owners: Vec<Owner> = services
        .iter()
        .map(|s| b.get(&s.dir).map_or_else(Owner::root, |n| n.owner.clone()))
        .collect();
    let entries = b.into_sorted();
    let hashes = service_hashes(entries.iter().map(|(p, n)| (p, n)));
    let mut markers = TreeBuilder::default();
    for (s, owner) in services.iter().zip(&owners) {
        let hash = hashes.get(&s.id).copied().unwrap_or_default();
        let user_tree = served
            .get(&s.id)
            .map(|(sv, service)| (sv.as_path(), service.as_path()));
        let text = marker_text(&spec.project, &spec.path, hash, user_tree);
        markers.service(&s.id, owner).file(
            &s.dir.join(".runitctl"),
            text,
            0o644,
            FileClass::Marker,
        )?;
    }
    // Merged as two sorted lists: inserting 1,000 markers one by one into the tree compared
    // paths component by component at every level.
    let tree = TreeBuilder::merge(entries, markers.into_sorted());

    Ok(Model {
        project: spec.project.clone(),
        tree,
        services,
        trees,
    })
}
