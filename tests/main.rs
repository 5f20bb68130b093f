//! The one integration-test binary (it links once). Each area has its own module.

mod golden;
mod spec;
mod support;
