//! The one integration-test binary (it links once). Each area has its own module.

mod ansible;
mod apply;
mod bootstrap;
mod chpst;
mod cookbook;
#[cfg(feature = "fault-injection")]
mod crash;
mod deploy;
mod golden;
mod hostile;
mod logs;
mod only;
mod plan;
mod procfile;
mod render_live;
mod runsv;
mod runsvdir;
mod shutdown;
mod spec;
mod status;
mod supervise_compat;
mod support;
mod sv;
mod svlogd;
