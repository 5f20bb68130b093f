//! The one integration-test binary (it links once). Each area has its own module.

mod bootstrap;
mod cookbook;
mod procfile;
mod spec;
mod support;
