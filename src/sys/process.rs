//! Process primitives for the supervisors: fork + exec with exact control over the child's
//! stdio, working directory, session and signal state (runit's semantics: an exec failure is
//! reported by the child on stderr and it exits 111, so the parent sees a normal exit), reaping,
//! and sending signals only to pids that were checked first.
//!
//! The supervisors are single-threaded, so the child of `fork` may run ordinary code until exec;
//! the child here still restricts itself to async-signal-safe calls and touches no allocator.

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::RawFd;

use nix::sys::signal::Signal;

/// Signals whose disposition is reset to default in every child (runsv resets CHLD and TERM,
/// runsvdir HUP, TERM and ALRM; Rust's runtime ignores PIPE, which no service should inherit).
pub const RESET: [libc::c_int; 9] = [
    libc::SIGCHLD,
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGINT,
    libc::SIGQUIT,
    libc::SIGALRM,
    libc::SIGPIPE,
    libc::SIGUSR1,
    libc::SIGUSR2,
];

/// A program to exec: path and argv, prepared in the parent so the child allocates nothing.
pub struct Exec {
    path: CString,
    argv: Vec<CString>,
}

impl Exec {
    /// `path` is exec'd as given (no PATH search); `argv[0]` is the first element of `argv`.
    pub fn new(path: &[u8], argv: &[&[u8]]) -> Exec {
        let c = |b: &[u8]| CString::new(b.to_vec()).unwrap_or_default();
        Exec {
            path: c(path),
            argv: argv.iter().map(|a| c(a)).collect(),
        }
    }
}

/// How the child is set up before exec.
#[derive(Default)]
pub struct ChildSetup<'a> {
    /// Change into this directory first.
    pub cwd: Option<&'a CStr>,
    /// Becomes fd 0.
    pub stdin: Option<RawFd>,
    /// Becomes fd 1.
    pub stdout: Option<RawFd>,
    /// Become a session and process-group leader.
    pub setsid: bool,
    /// Printed to stderr, followed by the error text and a newline, when exec (or the chdir)
    /// fails; the child then exits 111.
    pub fail_prefix: &'a [u8],
}

/// Forks and execs `exec`; returns the child's pid.
pub fn spawn(exec: &Exec, setup: &ChildSetup) -> io::Result<i32> {
    let mut argv: Vec<*const libc::c_char> = exec.argv.iter().map(|a| a.as_ptr()).collect();
    argv.push(std::ptr::null());
    // SAFETY: the process is single-threaded where this is called (runsv, runsvdir), so the
    // child may run until exec; it only calls async-signal-safe libc functions on data prepared
    // before the fork and never returns into Rust code (exec or _exit).
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid == 0 {
        // SAFETY: we are the freshly forked child; see `child_exec`.
        unsafe { child_exec(exec.path.as_ptr(), argv.as_ptr(), setup) }
    }
    Ok(pid)
}

/// The child side of [`spawn`]: never returns.
///
/// # Safety
/// Must only be called in a freshly forked child; `path` and `argv` must be valid C strings
/// and a null-terminated pointer array.
unsafe fn child_exec(
    path: *const libc::c_char,
    argv: *const *const libc::c_char,
    setup: &ChildSetup,
) -> ! {
    // SAFETY: async-signal-safe calls on stack data and fds owned by this process.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
        for s in RESET {
            libc::signal(s, libc::SIG_DFL);
        }
        if setup.setsid {
            libc::setsid();
        }
        if let Some(dir) = setup.cwd {
            if libc::chdir(dir.as_ptr()) != 0 {
                fail(setup.fail_prefix);
            }
        }
        for (fd, target) in [(setup.stdin, 0), (setup.stdout, 1)] {
            if let Some(fd) = fd {
                if fd == target {
                    // dup2 onto itself keeps close-on-exec: clear it instead.
                    libc::fcntl(fd, libc::F_SETFD, 0);
                } else if libc::dup2(fd, target) < 0 {
                    fail(setup.fail_prefix);
                }
            }
        }
        extern "C" {
            static environ: *const *const libc::c_char;
        }
        libc::execve(path, argv, environ);
        fail(setup.fail_prefix)
    }
}

/// Writes `prefix` + the current errno's text + newline to stderr and exits 111.
fn fail(prefix: &[u8]) -> ! {
    let e = io::Error::last_os_error().raw_os_error().unwrap_or(0);
    let text = errtext(e);
    for part in [prefix, text.as_bytes(), b"\n"] {
        // SAFETY: write(2) on fd 2 with a valid buffer; async-signal-safe.
        unsafe { libc::write(2, part.as_ptr().cast(), part.len()) };
    }
    // SAFETY: _exit is async-signal-safe and skips Rust/atexit teardown, as a child must.
    unsafe { libc::_exit(111) }
}

/// djb-style texts for the errors exec and chdir give, without allocating.
fn errtext(e: i32) -> &'static str {
    match e {
        libc::ENOENT => "file does not exist",
        libc::EACCES => "access denied",
        libc::ENOEXEC => "exec format error",
        libc::ENOTDIR => "not a directory",
        libc::ELOOP => "symbolic link loop",
        libc::ETXTBSY => "text busy",
        libc::ENOMEM => "out of memory",
        libc::E2BIG => "argument list too long",
        libc::EPERM => "permission denied",
        libc::EIO => "input/output error",
        libc::ENAMETOOLONG => "file name too long",
        libc::EISDIR => "is a directory",
        libc::EBADF => "file descriptor not open",
        _ => "unknown error",
    }
}

/// How a reaped child ended: the raw wait status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitStatus(pub i32);

impl WaitStatus {
    /// Exit code for a normal exit.
    pub fn code(self) -> Option<i32> {
        libc::WIFEXITED(self.0).then(|| libc::WEXITSTATUS(self.0))
    }

    /// Terminating signal.
    pub fn signal(self) -> Option<i32> {
        libc::WIFSIGNALED(self.0).then(|| libc::WTERMSIG(self.0))
    }

    /// A status for a normal exit with `code` (tests and the state machine's seam).
    pub fn exited(code: i32) -> WaitStatus {
        WaitStatus((code & 0xff) << 8)
    }

    /// A status for death by `sig`.
    pub fn signaled(sig: i32) -> WaitStatus {
        WaitStatus(sig & 0x7f)
    }

    /// runit's two `./finish` arguments: exit code (or -1 when killed by a signal) and the low
    /// byte of the wait status (signal number, +128 with a core dump; 0 for a normal exit).
    pub fn finish_args(self) -> (i32, i32) {
        let first = self.code().unwrap_or(-1);
        (first, self.0 & 0xff)
    }
}

/// Reaps one exited child without blocking.
pub fn reap_any() -> Option<(i32, WaitStatus)> {
    let mut st = 0;
    // SAFETY: waitpid with a valid out pointer; WNOHANG never blocks.
    let pid = unsafe { libc::waitpid(-1, &mut st, libc::WNOHANG) };
    (pid > 0).then_some((pid, WaitStatus(st)))
}

/// Waits for one specific child (used for runit's synchronous `control/<c>` scripts).
pub fn wait_pid(pid: i32) -> io::Result<WaitStatus> {
    if pid <= 1 {
        return Err(io::Error::from(io::ErrorKind::InvalidInput));
    }
    let mut st = 0;
    loop {
        // SAFETY: waitpid on a pid > 1 with a valid out pointer.
        let r = unsafe { libc::waitpid(pid, &mut st, 0) };
        if r == pid {
            return Ok(WaitStatus(st));
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Sends `sig` to `pid`, refusing the sentinels: pid ≤ 1 would hit our own group (0), init (1)
/// or every process (-1). The caller passes only the pid of a child it started and has not yet
/// reaped (so the pid cannot have been reused).
pub fn signal_child(pid: i32, sig: Signal) -> bool {
    if pid <= 1 {
        return false;
    }
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_args_follow_runit() {
        assert_eq!(WaitStatus::exited(3).finish_args(), (3, 0));
        assert_eq!(WaitStatus::exited(111).finish_args(), (111, 0));
        assert_eq!(WaitStatus::signaled(9).finish_args(), (-1, 9));
        assert_eq!(WaitStatus(15 | 0x80).finish_args(), (-1, 143));
    }

    #[test]
    fn sentinel_pids_are_refused() {
        for pid in [0, 1, -1, -42] {
            assert!(!signal_child(pid, Signal::SIGCONT));
        }
    }
}
