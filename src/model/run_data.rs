//! The data a service's `run` template sees: who it runs as, the chpst prefix, and the
//! command's argv (see [`crate::render::RunData`] for every field).

use super::context::{Ctx, Place};
use crate::render::{chpst_argv, command_argv, env_dir_arg, RunData};
use crate::spec::{RunSource, Service};

/// Builds [`RunData`] for `svc` in `place`.
pub fn run_data(ctx: &Ctx, place: &Place, svc: &Service) -> RunData {
    let user = svc.user.as_deref();
    let group = user.map(|u| ctx.primary_group(u, svc.group.as_deref()));
    let ids = user.map(|u| ctx.chpst_ids(u, svc.group.as_deref()));
    let groups = match &ids {
        Some(i) if i.len() > 1 => i[1..].to_vec(),
        _ => group.iter().cloned().collect(),
    };
    // No `-u` when the script already runs as the user (see Ctx::already_runs_as).
    let switch = match user {
        Some(u) if !ctx.already_runs_as(u, place) => ids.as_deref(),
        _ => None,
    };
    // runsv starts `run` in the service dir; after `cd CWD`, `./env` would be the app's.
    let env_dir = (!svc.env.is_empty()).then(|| {
        let abs = ctx.in_script(&place.sv_dir.join(&svc.name).join("env"));
        env_dir_arg(&abs, svc.cwd.is_some())
    });
    let chpst = chpst_argv(&ctx.programs, switch, env_dir.as_deref(), &svc.limits);
    let command = match &svc.run {
        RunSource::Command(c) => Some(c.clone()),
        RunSource::Script(_) | RunSource::Template { .. } => None,
    };
    let mut exec = chpst.clone();
    exec.extend(command.as_deref().map(command_argv).unwrap_or_default());
    RunData {
        name: svc.name.clone(),
        user: svc.user.clone(),
        group,
        groups,
        cwd: svc.cwd.as_deref().map(|p| ctx.in_script(p)),
        umask: svc.umask.clone(),
        env: svc.env.clone(),
        port: svc.port,
        instance: svc.instance,
        command,
        chpst,
        exec,
    }
}
