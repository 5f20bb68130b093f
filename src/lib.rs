//! runitctl: declarative runit service trees (spec → model → render → plan → apply) and an
//! embedded, byte-compatible runit supervisor (runsvdir, runsv, svlogd, chpst, sv).
//!
//! The two halves meet only in [`runit`], the leaf module of runit's on-disk formats.

pub mod apply;
pub mod bootstrap;
pub mod chpst;
pub mod cli;
pub mod drive;
pub mod import;
pub mod model;
pub mod multicall;
pub mod par;
pub mod plan;
pub mod render;
pub mod replace;
pub mod runit;
pub mod spec;
pub mod status;
pub mod supervise;
pub mod sv;
pub mod svlogd;
pub mod sys;
pub mod timings;
pub mod users;
