//! One service's entries: its dir, `run`, `env/`, hooks, `down`, the log service and the
//! enable link (the marker is added once the rest is known).

use super::builder::TreeBuilder;
use super::context::{Ctx, Place};
use super::error::BuildError;
use super::log::add_log;
use super::run_data::run_data;
use super::types::{FileClass, Owner, ServiceId, ServiceModel};
use crate::render::{hook_script, run_script};
use crate::spec::Service;

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
    let link = place.service_dir.join(&svc.name);
    let data = run_data(ctx, place, svc);
    let run = run_script(&svc.run, &data).map_err(|error| BuildError::Template {
        service: id.to_string(),
        error,
    })?;

    let mut e = b.service(&id, &place.owner);
    e.dir(&dir, 0o755, FileClass::ServiceDir)?;
    e.file(&dir.join("run"), run, 0o755, FileClass::Run)?;
    if !svc.env.is_empty() {
        // Secrets: readable by root and the service's group only (user trees: the user).
        let env_owner = match place.account {
            Some(_) => place.owner.clone(),
            None => Owner {
                user: "root".into(),
                group: data.group.clone().unwrap_or_else(|| "root".into()),
            },
        };
        let env = dir.join("env");
        e.dir_as(&env, 0o750, &env_owner, FileClass::EnvDir)?;
        for (key, value) in &svc.env {
            let content = format!("{value}\n");
            e.file_as(&env.join(key), content, 0o640, &env_owner, FileClass::Env)?;
        }
    }
    if let Some(finish) = &svc.finish {
        e.file(
            &dir.join("finish"),
            hook_script(finish, true),
            0o755,
            FileClass::Finish,
        )?;
    }
    if let Some(check) = &svc.check {
        e.file(
            &dir.join("check"),
            hook_script(check, false),
            0o755,
            FileClass::Check,
        )?;
    }
    if !svc.control.is_empty() {
        let control = dir.join("control");
        e.dir(&control, 0o755, FileClass::ControlDir)?;
        for (letter, body) in &svc.control {
            let path = control.join(letter.to_string());
            e.file(&path, hook_script(body, false), 0o755, FileClass::Control)?;
        }
    }
    if svc.down {
        e.file(&dir.join("down"), "", 0o644, FileClass::Down)?;
    }
    if let Some(log) = &svc.log {
        add_log(&mut e, ctx, place, &dir, log)?;
    }
    if svc.enabled {
        e.link(&link, &dir)?;
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
