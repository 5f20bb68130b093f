//! The one integration-test binary (it links once). Each area has its own module.

mod bootstrap;
mod procfile;
mod support;
