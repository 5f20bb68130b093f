//! The `runitctl` multi-call binary: the personality comes from argv[0] or the first argument.
//!
//! `#![no_main]`: the C `main` below replaces std's runtime start-up. Of its work, runitctl
//! keeps what matters (below: standard fds 0–2 open, SIGPIPE ignored so a closed pipe is an
//! EPIPE error, not a silent death) and drops finding the main thread's stack bounds for the
//! stack-overflow message — glibc does that by parsing `/proc/self/maps`, a quarter of the
//! instructions of a whole `sv status` (bench/sv.sh: 1.64× Debian's sv before, 1.25–1.30×
//! after). `std::env::args_os` still works (glibc hands argv to std's init hook). A stack
//! overflow ends in SIGSEGV without std's message.
#![no_main]

use std::ffi::{c_char, c_int};

/// What std's start-up does that runitctl relies on.
fn init() {
    for fd in 0..3 {
        // SAFETY: F_GETFD only queries the descriptor table; no memory is passed.
        let closed = unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF);
        if closed {
            // SAFETY: a NUL-terminated literal path; open returns the lowest free fd, which is
            // `fd` since 0..fd are open. It is meant to stay open for the process's life.
            unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
        }
    }
    // SAFETY: setting a signal's disposition to SIG_IGN installs no handler code. Children get
    // default dispositions back where they are spawned (sys::spawn, std::process::Command).
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
}

#[unsafe(no_mangle)]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    init();
    std::process::exit(runitctl::multicall::main(std::env::args_os().collect()));
}
