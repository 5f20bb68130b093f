//! The one integration-test binary (it links once). Each area has its own module.

mod supervise_compat;
mod support;
