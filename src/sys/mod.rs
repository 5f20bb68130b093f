//! The few places that talk to the kernel below std: blocking signals into a signalfd,
//! fork/exec with a clean signal mask and default dispositions, reaping, signalling only
//! verified pids, and rewriting our own process title. All `unsafe` of the supervision half
//! lives under this module.

pub mod process;
pub mod proctitle;
pub mod signals;
pub mod spawn;
