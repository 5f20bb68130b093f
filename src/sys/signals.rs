//! Signals as readable events: block a set, read it from a signalfd in the poll loop. No handler
//! runs asynchronously, so there is no static flag and nothing to get wrong in a handler.

use nix::sys::signal::{SigSet, SigmaskHow, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use std::os::fd::{AsFd, BorrowedFd};

/// A blocked signal set delivered through a non-blocking, close-on-exec signalfd.
pub struct Signals {
    fd: SignalFd,
}

impl Signals {
    /// Blocks `sigs` for the calling thread (call before spawning threads) and opens the fd.
    pub fn new(sigs: &[Signal]) -> nix::Result<Signals> {
        let mut set = SigSet::empty();
        for s in sigs {
            set.add(*s);
        }
        nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), None)?;
        let fd = SignalFd::with_flags(&set, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC)?;
        Ok(Signals { fd })
    }

    /// The next pending signal, or None when none is pending.
    pub fn pop(&mut self) -> Option<Signal> {
        match self.fd.read_signal() {
            Ok(Some(info)) => Signal::try_from(info.ssi_signo as i32).ok(),
            _ => None,
        }
    }

    /// Drains every pending signal.
    pub fn drain(&mut self) -> Vec<Signal> {
        std::iter::from_fn(|| self.pop()).collect()
    }
}

impl AsFd for Signals {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
