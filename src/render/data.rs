//! What templates see: the data handed to `run` (built-in or the user's own template), `log/run`
//! and the `runsvdir-<user>` run script. Built by the model; every field is documented because
//! custom templates depend on these names.

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Whose chpst, svlogd and runsvdir the generated scripts call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Programs {
    /// Debian's runit, from PATH: `chpst`, `svlogd`, `runsvdir`.
    Runit,
    /// runitctl's embedded programs: `<exe> chpst`, `<exe> svlogd`, `<exe> runsvdir`.
    Embedded(PathBuf),
}

impl Programs {
    /// The argv prefix that runs `prog` (`chpst`, `svlogd`, `runsvdir`).
    pub fn argv(&self, prog: &str) -> Vec<String> {
        match self {
            Programs::Runit => vec![prog.to_string()],
            Programs::Embedded(exe) => vec![exe.to_string_lossy().into_owned(), prog.to_string()],
        }
    }
}

/// Data for a service's `run` script (`templates/run.hbs` or the service's `template:`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunData {
    /// Service name (`web-2` for an instance).
    pub name: String,
    /// The user the service runs as, or null.
    pub user: Option<String>,
    /// The group it runs as (the spec's `group:` or the user's primary group), or null.
    pub group: Option<String>,
    /// Every group of the process: `group` first, then the user's supplementary groups.
    pub groups: Vec<String>,
    /// Working directory, with `--root` applied; null when not set.
    pub cwd: Option<String>,
    /// umask as written in the spec (e.g. `"022"`), or null.
    pub umask: Option<String>,
    /// The environment `env/` holds (including `PORT`).
    pub env: BTreeMap<String, String>,
    pub port: Option<u16>,
    /// 1-based instance number, or null.
    pub instance: Option<u32>,
    /// The `run:` command as written, or null for `script:`/`template:`.
    pub command: Option<String>,
    /// The chpst argv prefix (user, `-e ./env`, limits); empty when none is needed.
    pub chpst: Vec<String>,
    /// The whole argv after `exec`: `chpst` followed by the command (its words, or
    /// `/bin/sh -c CMD` when it uses shell syntax). For templates: `chpst` alone.
    pub exec: Vec<String>,
}

/// Data for `log/run` (`templates/log-run.hbs`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LogRunData {
    /// The svlogd directory, with `--root` applied.
    pub dir: String,
    /// The whole argv after `exec`: `[chpst -u …] svlogd [-t|-tt|-ttt] DIR`.
    pub exec: Vec<String>,
}

/// Data for the `runsvdir-<user>` system service's run script (`templates/runsvdir-run.hbs`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunsvdirData {
    /// The account's host name (exported as `USER`).
    pub user: String,
    /// Its home, with `--root` applied (exported as `HOME`).
    pub home: String,
    /// The user's service directory, with `--root` applied.
    pub service_dir: String,
    /// The whole argv after `exec`: `[chpst -u user:groups…] runsvdir DIR`.
    pub exec: Vec<String>,
}
