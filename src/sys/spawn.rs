//! Child set-up between fork and exec: an empty signal mask and default dispositions, so a
//! supervisor that blocks signals never passes that on to the services it starts.

use std::os::unix::process::CommandExt;
use std::process::Command;

use super::process::RESET;

/// Makes `cmd`'s child start with an empty signal mask and default dispositions; with `setsid`
/// the child also becomes a session (and process group) leader.
pub fn clean_child(cmd: &mut Command, setsid: bool) -> &mut Command {
    // SAFETY: the closure runs in the forked child before exec and only calls async-signal-safe
    // functions (sigemptyset, sigprocmask, signal, setsid) on stack data; it allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
            for s in RESET {
                libc::signal(s, libc::SIG_DFL);
            }
            if setsid {
                libc::setsid();
            }
            Ok(())
        })
    }
}
