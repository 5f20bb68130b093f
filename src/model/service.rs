//! One service's entries: its dir, `run`, `env/`, hooks, `down`, the log service, the svlogd
//! dir with its `config`, and the enable link (the marker is added once the rest is known).

use super::builder::TreeBuilder;
use super::context::{Ctx, Place};
use super::error::BuildError;
use super::log_config::log_config;
use super::types::{FileClass, Owner, ServiceId, ServiceModel};
use crate::render::{
    chpst_argv, command_argv, hook_script, log_run_script, run_script, LogRunData, RunData,
};
use crate::spec::{Limits, Log, RunSource, Service, Timestamps};

/// Adds every entry of `svc` (except the marker) and returns what apply needs to know.
pub fn add_service(
    b: &mut TreeBuilder,
    ctx: &Ctx,
    place: &Place,
    svc: &Service,
) -> Result<ServiceModel, BuildError> {
    let id = ServiceId {
        user: place.account.map(|a| a.name.clone()),
        name: svc.name.clone(),
    };
    let dir = place.sv_dir.join(&svc.name);
    let owner = &place.owner;
    b.dir(&dir, 0o755, owner, FileClass::ServiceDir, Some(&id))?;

    let data = run_data(ctx, place, svc);
    let run = run_script(&svc.run, &data)?;
    b.file(&dir.join("run"), run, 0o755, owner, FileClass::Run, &id)?;

    if !svc.env.is_empty() {
        let env_owner = match place.account {
            Some(_) => owner.clone(),
            None => Owner {
                user: "root".into(),
                group: data.group.clone().unwrap_or_else(|| "root".into()),
            },
        };
        let env = dir.join("env");
        b.dir(&env, 0o750, &env_owner, FileClass::EnvDir, Some(&id))?;
        for (key, value) in &svc.env {
            let content = format!("{value}\n");
            b.file(
                &env.join(key),
                content,
                0o640,
                &env_owner,
                FileClass::Env,
                &id,
            )?;
        }
    }

    if let Some(finish) = &svc.finish {
        let body = hook_script(finish, true);
        b.file(
            &dir.join("finish"),
            body,
            0o755,
            owner,
            FileClass::Finish,
            &id,
        )?;
    }
    if let Some(check) = &svc.check {
        let body = hook_script(check, false);
        b.file(
            &dir.join("check"),
            body,
            0o755,
            owner,
            FileClass::Check,
            &id,
        )?;
    }
    if !svc.control.is_empty() {
        let control = dir.join("control");
        b.dir(&control, 0o755, owner, FileClass::ControlDir, Some(&id))?;
        for (letter, body) in &svc.control {
            let path = control.join(letter.to_string());
            b.file(
                &path,
                hook_script(body, false),
                0o755,
                owner,
                FileClass::Control,
                &id,
            )?;
        }
    }
    if svc.down {
        b.file(&dir.join("down"), "", 0o644, owner, FileClass::Down, &id)?;
    }
    if let Some(log) = &svc.log {
        add_log(b, ctx, place, &id, log)?;
    }

    let link = place.service_dir.join(&svc.name);
    if svc.enabled {
        b.symlink(&link, &dir, owner, FileClass::EnableLink, &id)?;
    }
    Ok(ServiceModel {
        id,
        dir,
        link,
        scan_dir: place.service_dir.to_path_buf(),
        enabled: svc.enabled,
        down: svc.down,
        restart_on_update: svc.restart_on_update,
        stop_timeout: svc.stop_timeout,
        start_timeout: svc.start_timeout,
        log_dir: svc.log.as_ref().map(|l| l.dir.clone()),
        is_user_runsvdir: false,
    })
}

/// The data `run` templates see.
fn run_data(ctx: &Ctx, place: &Place, svc: &Service) -> RunData {
    let user = svc.user.as_deref();
    let ids = user.map(|u| ctx.chpst_ids(u, svc.group.as_deref()));
    let switch = ids
        .as_deref()
        .filter(|_| user.is_some_and(|u| !ctx.already_runs_as(u, place)));
    let chpst = chpst_argv(&ctx.programs, switch, !svc.env.is_empty(), &svc.limits);
    let command = match &svc.run {
        RunSource::Command(c) => Some(c.clone()),
        _ => None,
    };
    let mut exec = chpst.clone();
    if let Some(c) = &command {
        exec.extend(command_argv(c));
    }
    let group = user.map(|u| ctx.primary_group(u, svc.group.as_deref()));
    let groups = match &ids {
        Some(i) if i.len() > 1 => i[1..].to_vec(),
        _ => group.iter().cloned().collect(),
    };
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

/// `log/`, `log/run`, the svlogd dir and its `config`.
pub fn add_log(
    b: &mut TreeBuilder,
    ctx: &Ctx,
    place: &Place,
    id: &ServiceId,
    log: &Log,
) -> Result<(), BuildError> {
    let owner = &place.owner;
    let log_service = place.sv_dir.join(&id.name).join("log");
    b.dir(
        &log_service,
        0o755,
        owner,
        FileClass::LogServiceDir,
        Some(id),
    )?;

    let log_user = log
        .user
        .as_deref()
        .or(place.account.map(|a| a.effective.as_str()));
    let ids = log_user
        .filter(|u| !ctx.already_runs_as(u, place))
        .map(|u| ctx.chpst_ids(u, None));
    let dir = ctx.in_script(&log.dir);
    let mut exec = chpst_argv(&ctx.programs, ids.as_deref(), false, &Limits::default());
    exec.extend(ctx.programs.argv("svlogd"));
    exec.extend(timestamps_flag(log.timestamps).map(str::to_string));
    exec.push(dir.clone());
    let script = log_run_script(&LogRunData { dir, exec });
    b.file(
        &log_service.join("run"),
        script,
        0o755,
        owner,
        FileClass::LogRun,
        id,
    )?;

    let dir_owner = match (log.user.as_deref(), place.account) {
        (Some(u), _) => ctx.owner_of(u),
        (None, Some(_)) => owner.clone(),
        (None, None) => Owner::root(),
    };
    let config_owner = match place.account {
        Some(_) => owner.clone(),
        None => Owner::root(),
    };
    b.dir(&log.dir, 0o755, &dir_owner, FileClass::LogDir, Some(id))?;
    let config = log_config(log);
    b.file(
        &log.dir.join("config"),
        config,
        0o644,
        &config_owner,
        FileClass::LogConfig,
        id,
    )
}

fn timestamps_flag(t: Timestamps) -> Option<&'static str> {
    match t {
        Timestamps::None => None,
        Timestamps::T => Some("-t"),
        Timestamps::Tt => Some("-tt"),
        Timestamps::Ttt => Some("-ttt"),
    }
}
