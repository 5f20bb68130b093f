//! The few places that talk to the kernel below std: blocking signals into a signalfd, and
//! giving spawned children a clean signal mask and default dispositions. All `unsafe` of the
//! supervision half lives under this module.

pub mod signals;
pub mod spawn;
