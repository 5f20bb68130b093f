//! The one integration-test binary (it links once). Each area has its own module.

mod support;
mod sv;
