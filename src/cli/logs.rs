//! `runitctl logs SERVICE [-f] [-n N]`: the service's svlogd directory — rotated files, then
//! `current` — with TAI64N stamps shown as svlogd's `-tt` (UTC). SERVICE is a name from the spec
//! (`web`, `deploy/api`, or `api` when only one tree has it) or a log directory (a path with a
//! `/`). `-f` follows across rotations until SIGINT/SIGTERM or a closed pipe; it starts with
//! the last 10 lines unless `-n` says otherwise. Exit: 0, or 1 on an error.

use super::Global;
use crate::plan::disk_path;
use crate::status::logs::{self, Options};
use crate::sys::signals::Signals;
use nix::poll::{PollFd, PollFlags, PollTimeout};
use nix::sys::signal::Signal;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct LogsArgs {
    /// A service name from the spec (`web`, `deploy/api`), or a log directory.
    pub service: String,
    /// The spec that declares SERVICE.
    #[arg(long, default_value = "services.yaml")]
    pub spec: PathBuf,
    /// Follow, across rotations (until Ctrl-C).
    #[arg(short, long)]
    pub follow: bool,
    /// Show the last N lines (with -f: default 10).
    #[arg(short = 'n', long)]
    pub lines: Option<usize>,
}

/// Lines shown before following when `-n` is not given (as `tail -f`).
const FOLLOW_LINES: usize = 10;

pub fn run(g: &Global, a: &LogsArgs) -> i32 {
    let dir = match log_dir(g, a) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let opts = Options {
        lines: a.lines.or(a.follow.then_some(FOLLOW_LINES)),
        follow: a.follow,
        ..Options::default()
    };
    let mut signals = if a.follow {
        match Signals::new(&[Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP]) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("runitctl: logs: unable to block signals: {e}");
                return 1;
            }
        }
    } else {
        None
    };
    let mut wait = |d: Duration| match signals.as_mut() {
        Some(s) => wait_signal(s, d),
        None => true,
    };
    // Buffered: show() flushes after each batch (each poll when following).
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    match logs::show(&dir, &opts, &mut out, &mut wait) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("runitctl: logs: {}: {e}", dir.display());
            1
        }
    }
}

/// Waits up to `d` for a signal; true when one arrived.
fn wait_signal(s: &mut Signals, d: Duration) -> bool {
    let ms = u16::try_from(d.as_millis()).unwrap_or(u16::MAX);
    let mut fds = [PollFd::new(s.as_fd(), PollFlags::POLLIN)];
    let _ = nix::poll::poll(&mut fds, PollTimeout::from(ms));
    !s.drain().is_empty()
}

/// The log directory SERVICE names: a path given as such, or the spec's service's `log.dir`
/// under `--root`.
fn log_dir(g: &Global, a: &LogsArgs) -> Result<PathBuf, i32> {
    let as_path = Path::new(&a.service);
    if a.service.contains('/') && as_path.is_dir() {
        return Ok(as_path.to_path_buf());
    }
    let model = super::plan::prepare(g, &a.spec, g.root.clone())?.model;
    let found: Vec<_> = model
        .services
        .iter()
        .filter(|s| s.id.to_string() == a.service)
        .collect();
    let found = if found.is_empty() {
        model
            .services
            .iter()
            .filter(|s| s.id.name == a.service)
            .collect()
    } else {
        found
    };
    let svc = match found.as_slice() {
        [one] => *one,
        [] => {
            let all: Vec<String> = model.services.iter().map(|s| s.id.to_string()).collect();
            eprintln!(
                "runitctl: logs: no service '{}' in {} (services: {})",
                a.service,
                a.spec.display(),
                all.join(", ")
            );
            return Err(1);
        }
        many => {
            let which: Vec<String> = many.iter().map(|s| s.id.to_string()).collect();
            eprintln!(
                "runitctl: logs: '{}' is ambiguous in {}: {}",
                a.service,
                a.spec.display(),
                which.join(", ")
            );
            return Err(1);
        }
    };
    match &svc.log_dir {
        Some(dir) => Ok(disk_path(g.root.as_deref(), dir)),
        None => {
            eprintln!(
                "runitctl: logs: {} has no log service (log: false in {})",
                svc.id,
                a.spec.display()
            );
            Err(1)
        }
    }
}
