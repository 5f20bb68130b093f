//! What one chpst invocation will do, whichever front end (chpst's options or a daemontools
//! name) filled it in. `exec::run` applies it in runit's fixed order.

use std::ffi::OsString;

/// A resource limit request: a value (clamped to the hard limit) or the hard limit itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Value(u64),
    Hard,
}

/// The resources chpst can limit, in the order they are applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Res {
    Data,
    Stack,
    Memlock,
    As,
    Nofile,
    Nproc,
    Fsize,
    Core,
    Rss,
    Cpu,
}

impl Res {
    pub const ALL: [Res; 10] = [
        Res::Data,
        Res::Stack,
        Res::Memlock,
        Res::As,
        Res::Nofile,
        Res::Nproc,
        Res::Fsize,
        Res::Core,
        Res::Rss,
        Res::Cpu,
    ];
}

/// Lock behaviour (`-l` waits, `-L` fails at once).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock {
    pub path: OsString,
    pub wait: bool,
    /// setlock `-x`: exit 0 quietly when the lock is busy.
    pub quiet: bool,
}

/// Every step chpst can take; None/false/empty means "leave alone".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub setsid: bool,
    pub envdir: Option<OsString>,
    /// envdir emulation: a subdirectory in the env dir is fatal (chpst skips it).
    pub envdir_strict: bool,
    pub root: Option<OsString>,
    pub nice: i32,
    /// `-U`: export `$UID`/`$GID` of this account.
    pub env_user: Option<OsString>,
    /// `-u`: become this account.
    pub set_user: Option<OsString>,
    pub lock: Option<Lock>,
    /// Close fds 0, 1, 2.
    pub close: [bool; 3],
    pub limits: [Option<Limit>; 10],
    pub verbose: bool,
    pub argv0: Option<OsString>,
    /// The program and its arguments (never empty once parsed).
    pub prog: Vec<OsString>,
}

impl Plan {
    pub fn limit(&mut self, r: Res, l: Limit) {
        self.limits[r as usize] = Some(l);
    }
}
