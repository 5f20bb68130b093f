//! Shared test helpers: the built binary, temp sandboxes, polling with deadlines, and a guard
//! that kills what a test started, by process group, if the test fails.

#![allow(dead_code)]

pub mod ansible;
pub mod apply;
pub mod deploy;
pub mod integrations;
pub mod runit;
pub mod schema;
pub mod status;
pub mod svlogd;

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Path of the `runitctl` binary cargo built for these tests.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_runitctl"))
}

/// Polls `f` every few milliseconds until it returns Some or `limit` passes.
pub fn wait_for<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Kills a process group on drop (a test that panics leaves nothing behind).
/// Only ever signals a verified group id > 1.
pub struct GroupGuard(pub i32);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if self.0 > 1 {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(self.0),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

pub mod proc;
