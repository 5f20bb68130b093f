//! The `runsvdir-<user>` system service of the per-user pattern: runs runsvdir on the user's
//! service dir as that user (all its groups, `HOME` and `USER` set), logging to
//! `/var/log/runsvdir-<user>`.

use super::builder::TreeBuilder;
use super::context::{Ctx, Place};
use super::error::BuildError;
use super::log::add_log;
use super::types::{FileClass, Owner, ServiceId, ServiceModel};
use crate::render::{chpst_argv, runsvdir_run_script, RunsvdirData};
use crate::spec::{Limits, Log, Timestamps, UserTree};
use std::path::PathBuf;

/// Seconds apply waits for a user's runsvdir to stop and to come up.
const STOP_TIMEOUT: u32 = 7;
const START_TIMEOUT: u32 = 30;

/// The system service name for `tree`.
pub fn runsvdir_name(tree: &UserTree) -> String {
    format!("runsvdir-{}", tree.account.name)
}

/// Adds `<sv_dir>/runsvdir-<user>` and its link in the system tree.
pub fn add_user_runsvdir(
    b: &mut TreeBuilder,
    ctx: &Ctx,
    tree: &UserTree,
) -> Result<ServiceModel, BuildError> {
    let spec = ctx.spec;
    let account = &tree.account;
    let id = ServiceId {
        user: None,
        name: runsvdir_name(tree),
    };
    let system = Place {
        sv_dir: &spec.sv_dir,
        service_dir: &spec.service_dir,
        account: None,
        owner: Owner::root(),
    };
    let dir = spec.sv_dir.join(&id.name);
    let link = spec.service_dir.join(&id.name);

    let user = &account.effective;
    let ids = (!ctx.already_runs_as(user, &system)).then(|| ctx.chpst_ids(user, None));
    let service_dir = ctx.in_script(&tree.service_dir);
    let mut exec = chpst_argv(&ctx.programs, ids.as_deref(), None, &Limits::default());
    exec.extend(ctx.programs.argv("runsvdir"));
    exec.push(service_dir.clone());
    let run = runsvdir_run_script(&RunsvdirData {
        user: user.clone(),
        home: ctx.in_script(&account.home),
        service_dir,
        exec,
    });
    let log = Log {
        dir: PathBuf::from("/var/log").join(&id.name),
        user: None,
        timestamps: Timestamps::Tt,
        size: None,
        num: None,
        min: None,
        timeout: None,
        processor: None,
        udp: None,
        prefix: None,
        filters: Vec::new(),
    };

    let mut e = b.service(&id, &system.owner);
    e.dir(&dir, 0o755, FileClass::ServiceDir)?;
    e.file(&dir.join("run"), run, 0o755, FileClass::Run)?;
    add_log(&mut e, ctx, &system, &dir, &log)?;
    e.link(&link, &dir)?;

    Ok(ServiceModel {
        id,
        dir,
        link,
        scan_dir: spec.service_dir.clone(),
        enabled: true,
        down: false,
        restart_on_update: true,
        stop_timeout: STOP_TIMEOUT,
        start_timeout: START_TIMEOUT,
        log_dir: Some(log.dir),
        is_user_runsvdir: true,
    })
}
