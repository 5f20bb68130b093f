//! The one integration-test binary (it links once). Each area has its own module.

mod chpst;
mod support;
mod sv;
