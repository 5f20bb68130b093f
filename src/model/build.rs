//! Spec → [`Model`]: the system tree, each user's tree and its `runsvdir-<user>` service, every
//! service's entries, then each service's marker (which hashes the rest).

use super::builder::TreeBuilder;
use super::context::{Ctx, Place};
use super::error::BuildError;
use super::marker::{marker_text, service_hash, MARKER_FILE};
use super::options::ModelOptions;
use super::service::add_service;
use super::types::{FileClass, ManagedTree, Model, Node, Owner, ServiceId, ServiceModel};
use super::user_runsvdir::add_user_runsvdir;
use crate::spec::{Service, Spec};
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
    let user_places: Vec<Place> = spec
        .users
        .iter()
        .map(|tree| Place {
            sv_dir: &tree.sv_dir,
            service_dir: &tree.service_dir,
            account: Some(&tree.account),
            owner: ctx.owner_of(&tree.account.effective),
        })
        .collect();
    // Every service's entries are rendered first (on every core: rendering is most of a
    // plan's CPU time), then added in spec order, so conflicts and errors come out as they
    // would one by one.
    let jobs: Vec<(&Place, &Service)> = spec
        .services
        .iter()
        .map(|svc| (&system, svc))
        .chain(
            spec.users
                .iter()
                .zip(&user_places)
                .flat_map(|(tree, place)| tree.services.iter().map(move |svc| (place, svc))),
        )
        .collect();
    let rendered = render_all(&ctx, &jobs);
    // Every service that failed to render is reported, not only the first.
    let failed: Vec<BuildError> = rendered
        .iter()
        .filter_map(|r| r.as_ref().err().cloned())
        .collect();
    if failed.len() > 1 {
        return Err(BuildError::Several(failed));
    }
    // Room for every entry at once: growing a map of 10,000 paths rehashes it a dozen times.
    b.reserve(
        rendered
            .iter()
            .flatten()
            .map(|(e, _, _)| e.len())
            .sum::<usize>()
            + 64,
    );
    let mut rendered = rendered.into_iter();
    // Each service's marker hash, in the order of `services`.
    let mut hashes: Vec<u64> = Vec::new();
    let mut next = |b: &mut TreeBuilder| -> Result<(ServiceModel, u64), BuildError> {
        let (entries, model, hash) = rendered.next().expect("one rendering per service")?;
        b.absorb_sorted(entries)?;
        Ok((model, hash))
    };
    for _ in &spec.services {
        let (model, hash) = next(&mut b)?;
        services.push(model);
        hashes.push(hash);
    }

    for (tree, place) in spec.users.iter().zip(user_places) {
        let mut own = TreeBuilder::default();
        let runsvdir = add_user_runsvdir(&mut own, &ctx, tree)?;
        let (entries, hash) = sorted_and_hashed(own, &runsvdir.id);
        b.absorb_sorted(entries)?;
        let dirs = (tree.sv_dir.clone(), tree.service_dir.clone());
        served.insert(runsvdir.id.clone(), dirs);
        services.push(runsvdir);
        hashes.push(hash);
        b.root_dir(&tree.sv_dir, &place.owner)?;
        b.root_dir(&tree.service_dir, &place.owner)?;
        trees.push(ManagedTree {
            user: Some(tree.account.name.clone()),
            sv_dir: tree.sv_dir.clone(),
            service_dir: tree.service_dir.clone(),
            owner: place.owner,
        });
        for _ in &tree.services {
            let (model, hash) = next(&mut b)?;
            services.push(model);
            hashes.push(hash);
        }
    }

    let owners: Vec<Owner> = services
        .iter()
        .map(|s| b.get(&s.dir).map_or_else(Owner::root, |n| n.owner.clone()))
        .collect();
    let entries = b.into_sorted();
    let mut markers = TreeBuilder::default();
    for ((s, owner), &hash) in services.iter().zip(&owners).zip(&hashes) {
        let user_tree = served
            .get(&s.id)
            .map(|(sv, service)| (sv.as_path(), service.as_path()));
        let text = marker_text(&spec.project, &spec.path, hash, user_tree);
        markers.service(&s.id, owner).file(
            &s.dir.join(MARKER_FILE),
            text,
            0o644,
            FileClass::Marker,
        )?;
    }
    // Merged as two sorted lists: inserting 1,000 markers one by one into the tree compared
    // paths component by component at every level.
    let tree = TreeBuilder::merge(entries, markers.into_sorted())?;

    Ok(Model {
        project: spec.project.clone(),
        tree,
        services,
        trees,
        partial: false,
    })
}

/// A service's entries in path order, its model and its marker hash.
type Rendered = Result<(Vec<(PathBuf, Node)>, ServiceModel, u64), BuildError>;

/// `own`'s entries in path order, and the marker hash of service `id` over them (the same as
/// over the whole tree: no other service has an entry of `id`'s).
fn sorted_and_hashed(own: TreeBuilder, id: &ServiceId) -> (Vec<(PathBuf, Node)>, u64) {
    let entries = own.into_sorted();
    let hash = service_hash(entries.iter().map(|(p, n)| (p, n)), id);
    (entries, hash)
}

/// Each job's entries, in job order; spread over the cores when there are enough jobs to pay
/// for the threads.
fn render_all(ctx: &Ctx, jobs: &[(&Place, &Service)]) -> Vec<Rendered> {
    render_on(ctx, jobs, crate::par::threads_for(jobs.len(), 64))
}

/// [`render_all`] on `threads` threads.
fn render_on(ctx: &Ctx, jobs: &[(&Place, &Service)], threads: usize) -> Vec<Rendered> {
    crate::par::map(jobs, threads, |(place, svc)| {
        let mut own = TreeBuilder::default();
        let model = add_service(&mut own, ctx, place, svc)?;
        let (entries, hash) = sorted_and_hashed(own, &model.id);
        Ok((entries, model, hash))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::{opts, service, spec};

    #[test]
    fn rendering_on_several_threads_gives_what_one_thread_gives() {
        let services = (0..100)
            .map(|i| service(&format!("s{i:03}"), "./run"))
            .collect();
        let spec = spec(services, vec![]);
        let opts = opts();
        let ctx = Ctx::new(&spec, &opts);
        let place = Place {
            sv_dir: &spec.sv_dir,
            service_dir: &spec.service_dir,
            account: None,
            owner: Owner::root(),
        };
        let jobs: Vec<(&Place, &Service)> = spec.services.iter().map(|s| (&place, s)).collect();
        let flat = |r: Vec<Rendered>| -> Vec<_> { r.into_iter().map(Result::unwrap).collect() };
        let one = flat(render_on(&ctx, &jobs, 1));
        assert_eq!(one.len(), 100);
        assert_eq!(flat(render_on(&ctx, &jobs, 3)), one);
    }
}
