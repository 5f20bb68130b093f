//! `runitctl status [SPEC|DIR] [--json]`: one row per service with its state (read like `sv
//! status`), enabled, pid, uptime, restarts and last exit (embedded supervisor only), its
//! logger's state and, with a spec, whether its tree drifted. Exit codes: see
//! [`crate::status::Summary::exit_code`] (0 ok, 1 error, 2 drift, 3 not running).
//!
//! Without SPEC the services are those in `$SVDIR` (default `/etc/service`; with `--root`, under
//! the root). A directory instead of a spec is scanned the same way (`status ~deploy/service`).

use super::Global;
use crate::plan::disk_path;
use crate::runit::tai64n::Tai64n;
use crate::status::{self, Row, Source, EXIT_ERROR};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct StatusArgs {
    /// The spec whose services to show, or a service directory to scan (default: $SVDIR, else
    /// /etc/service).
    pub spec: Option<PathBuf>,
    /// Print the stable JSON form (see docs/status.md).
    #[arg(long)]
    pub json: bool,
}

pub fn run(g: &Global, a: &StatusArgs) -> i32 {
    let now = Tai64n::now();
    let (rows, source_path, from_spec) = match &a.spec {
        Some(p) if !p.is_dir() => match spec_rows(g, p, now) {
            Ok(rows) => (rows, p.clone(), true),
            Err(code) => return code,
        },
        given => {
            let dir = match given {
                Some(d) => d.clone(),
                None => default_scan_dir(g.root.as_deref()),
            };
            match status::rows_from_dir(&dir, now) {
                Ok(rows) => (rows, dir, false),
                Err(e) => {
                    let e = crate::runit::errstr::io_errstr(&e);
                    eprintln!("runitctl: status: {}: {e}", dir.display());
                    return EXIT_ERROR;
                }
            }
        }
    };
    let source = if from_spec {
        Source::Spec(&source_path)
    } else {
        Source::ServiceDir(&source_path)
    };
    let text = if a.json {
        let v = status::render_json(&source, &rows);
        serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
    } else if rows.is_empty() {
        format!("no services in {}\n", source_path.display())
    } else {
        status::render_table(&rows, colour_wanted())
    };
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes()).and_then(|_| o.flush());
    status::Summary::of(&rows).exit_code()
}

/// `$SVDIR` (sv's variable) or `/etc/service`, under `root`.
pub fn default_scan_dir(root: Option<&Path>) -> PathBuf {
    let dir = std::env::var_os("SVDIR")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from("/etc/service"), PathBuf::from);
    disk_path(root, &dir)
}

/// Colour on a terminal unless `NO_COLOR` is set to something.
fn colour_wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The spec's rows, with drift from the same plan `runitctl plan` makes (a plan that cannot be
/// made — its error printed — leaves the rows without drift).
fn spec_rows(g: &Global, spec: &Path, now: Tai64n) -> Result<Vec<Row>, i32> {
    let prepared = super::plan::prepare(g, spec, g.root.clone())?;
    let root = g.root.as_deref();
    let plan = super::plan::make_plan(&prepared, root, true).ok();
    if plan.is_none() {
        eprintln!("warning: drift unknown");
    }
    Ok(status::rows_from_model(
        &prepared.model,
        root,
        plan.as_ref(),
        now,
    ))
}
