//! The one integration-test binary (it links once). Each area has its own module.

mod runsv;
mod runsvdir;
mod spec;
mod supervise_compat;
mod support;
