//! The one integration-test binary (it links once). Each area has its own module.

mod apply;
#[cfg(feature = "fault-injection")]
mod crash;
mod hostile;
mod plan;
mod runsv;
mod runsvdir;
mod spec;
mod supervise_compat;
mod support;
