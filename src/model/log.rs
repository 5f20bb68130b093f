//! A service's logging: `log/` and `log/run` in the service dir, the svlogd directory and the
//! `config` inside it (svlogd reads its config from the directory it writes).

use super::builder::Entries;
use super::context::{Ctx, Place};
use super::error::BuildError;
use super::log_config::log_config;
use super::types::{FileClass, Owner};
use crate::render::{chpst_argv, log_run_script, LogRunData};
use crate::spec::{Limits, Log, Timestamps};
use std::path::Path;

/// Adds `<dir>/log/`, `<dir>/log/run`, the svlogd dir and its `config`.
///
/// svlogd runs as the log user (default: the account of a user tree, root for system
/// services), who owns the svlogd dir; `config` belongs to root (the user in a user tree).
pub fn add_log(
    e: &mut Entries,
    ctx: &Ctx,
    place: &Place,
    dir: &Path,
    log: &Log,
) -> Result<(), BuildError> {
    let log_service = dir.join("log");
    e.dir(&log_service, 0o755, FileClass::LogServiceDir)?;

    let account = place.account.map(|a| a.effective.as_str());
    let log_user = log.user.as_deref().or(account);
    let ids = log_user
        .filter(|u| !ctx.already_runs_as(u, place))
        .map(|u| ctx.chpst_ids(u, None));
    let svlogd_dir = ctx.in_script(&log.dir);
    let mut exec = chpst_argv(&ctx.programs, ids.as_deref(), None, &Limits::default());
    exec.extend(ctx.programs.argv("svlogd"));
    exec.extend(timestamps_flag(log.timestamps).map(str::to_string));
    exec.push(svlogd_dir.clone());
    let script = log_run_script(&LogRunData {
        dir: svlogd_dir,
        exec,
    });
    e.file(&log_service.join("run"), script, 0o755, FileClass::LogRun)?;

    let dir_owner = log_user.map_or_else(Owner::root, |u| ctx.owner_of(u));
    let config_owner = match place.account {
        Some(_) => e.owner.clone(),
        None => Owner::root(),
    };
    e.dir_as(&log.dir, 0o755, &dir_owner, FileClass::LogDir)?;
    let config = log_config(log);
    e.file_as(
        &log.dir.join("config"),
        config,
        0o644,
        &config_owner,
        FileClass::LogConfig,
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
