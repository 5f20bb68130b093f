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

/// The binary at a path every user can reach, for tests that run it as another user (`nobody`):
/// the checkout may sit in a directory only its owner can enter (`mktemp -d` makes them 0700).
/// A hard link (a copy across filesystems) in a 0755 directory named after the build, made once
/// and reused; `chpst` beside it is a link to it.
pub fn bin_for_anyone() -> PathBuf {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let m = std::fs::metadata(bin()).expect("built binary");
        let dir = std::env::temp_dir().join(format!(
            "runitctl-test-bin-{}-{}-{}",
            m.ino(),
            m.mtime(),
            m.mtime_nsec()
        ));
        let exe = dir.join("runitctl");
        if !exe.exists() {
            let tmp =
                std::env::temp_dir().join(format!("runitctl-test-bin.{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&tmp);
            std::fs::create_dir(&tmp).unwrap();
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755)).unwrap();
            let t = tmp.join("runitctl");
            if std::fs::hard_link(bin(), &t).is_err() {
                std::fs::copy(bin(), &t).unwrap();
            }
            std::os::unix::fs::symlink("runitctl", tmp.join("chpst")).unwrap();
            // Another test binary may have won the race; either copy is the same build.
            if std::fs::rename(&tmp, &dir).is_err() {
                let _ = std::fs::remove_dir_all(&tmp);
            }
        }
        dir
    })
    .join("runitctl")
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

/// Whether process `pid` catches or ignores `sig` (its SigCgt or SigIgn mask in
/// /proc/PID/status): a test waits for this before signalling a script that sets a trap, since
/// a signal that arrives before the trap kills the shell.
pub fn traps(pid: u32, sig: nix::sys::signal::Signal) -> bool {
    let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return false;
    };
    let bit = 1u64 << (sig as i32 - 1);
    text.lines()
        .filter_map(|l| {
            l.strip_prefix("SigCgt:")
                .or_else(|| l.strip_prefix("SigIgn:"))
        })
        .filter_map(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .any(|mask| mask & bit != 0)
}

/// Bytes waiting unread in the pipe or FIFO `fd` (FIONREAD only peeks; it takes nothing), or
/// None when the ioctl fails.
pub fn unread(fd: std::os::fd::BorrowedFd) -> Option<usize> {
    use std::os::fd::AsRawFd;
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one c_int through the valid pointer; the fd is borrowed, so open.
    let rc = unsafe { libc::ioctl(fd.as_raw_fd(), libc::FIONREAD, &mut n) };
    (rc == 0).then_some(n as usize)
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
