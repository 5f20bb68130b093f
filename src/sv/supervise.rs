//! Talking to a runsv (§2, §5.2): the `supervise/ok` liveness probe, reading the 20-byte
//! `supervise/status`, and writing control bytes with send suppression. All paths are relative:
//! the caller has changed into the service (or its `log/`) directory.

use super::client::Client;
use nix::errno::Errno;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;

/// Result of a status read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Get {
    /// A warning was printed (no supervise dir, unreadable or bad status).
    Error,
    /// `ok` has no reader: no runsv (reported as `fail:`, or `ok:` for exit).
    NotRunning,
    /// `buf` holds a fresh 20-byte record.
    Ok,
}

fn errno(e: &std::io::Error) -> Errno {
    Errno::from_raw(e.raw_os_error().unwrap_or(0))
}

/// Opens a FIFO for writing without blocking (ENXIO when nobody reads it).
fn open_fifo(path: &str) -> std::io::Result<File> {
    OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Opens `supervise/status` for reading without blocking (runit's `open_read`): a FIFO in its
/// place must not hang sv.
fn open_status() -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open("supervise/status")
}

/// Reads the status record again without reporting anything: None if it cannot be read whole.
pub fn reread() -> Option<[u8; crate::runit::status::LEN]> {
    let mut buf = [0u8; crate::runit::status::LEN];
    let n = open_status().ok()?.read(&mut buf).ok()?;
    (n == buf.len()).then_some(buf)
}

impl Client {
    /// Probes `supervise/ok`, then reads `supervise/status` into `buf`. `name` labels messages.
    pub fn get(&mut self, name: &[u8]) -> Get {
        match open_fifo("supervise/ok") {
            Ok(fd) => drop(fd),
            Err(e) if errno(&e) == Errno::ENXIO => {
                self.not_running(name);
                return Get::NotRunning;
            }
            Err(e) => {
                self.out
                    .warn(name, "unable to open supervise/ok", Some(errno(&e)));
                return Get::Error;
            }
        }
        let mut f = match open_status() {
            Ok(f) => f,
            Err(e) => {
                self.out
                    .warn(name, "unable to open supervise/status", Some(errno(&e)));
                return Get::Error;
            }
        };
        match f.read(&mut self.buf) {
            Ok(20) => Get::Ok,
            Ok(_) => {
                self.out
                    .warn(name, "unable to read supervise/status: bad format", None);
                Get::Error
            }
            Err(e) => {
                self.out
                    .warn(name, "unable to read supervise/status", Some(errno(&e)));
                Get::Error
            }
        }
    }

    /// "runsv not running": success for exit, a failure otherwise.
    fn not_running(&mut self, name: &[u8]) {
        if self.first == b'x' {
            self.out.ok(name, "runsv not running");
        } else {
            self.out.fail(name, "runsv not running", None);
        }
    }

    /// Sends `bytes` unless suppressed (§5.2): nothing is written when the want byte already
    /// equals the first command byte, except that `d` is re-sent while TERM has not been sent.
    /// Returns false when the service is finished with (an error or runsv gone).
    pub fn send(&mut self, name: &[u8], bytes: &[u8]) -> bool {
        if self.get(name) != Get::Ok {
            return false;
        }
        if self.want() == bytes[0] && (bytes[0] != b'd' || self.buf[18] == 1) {
            return true;
        }
        let mut fd = match open_fifo("supervise/control") {
            Ok(fd) => fd,
            Err(e) if errno(&e) == Errno::ENXIO => {
                self.not_running(name);
                return false;
            }
            Err(e) => {
                self.out
                    .warn(name, "unable to open supervise/control", Some(errno(&e)));
                return false;
            }
        };
        match fd.write(bytes) {
            Ok(n) if n == bytes.len() => true,
            Ok(_) => {
                self.out
                    .warn(name, "unable to write to supervise/control", None);
                false
            }
            Err(e) => {
                self.out.warn(
                    name,
                    "unable to write to supervise/control",
                    Some(errno(&e)),
                );
                false
            }
        }
    }
}
