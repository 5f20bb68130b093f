//! The embedded supervisor: runsvdir (scan a directory, one runsv per service) and runsv (one
//! service and its logger, the `supervise/` protocol).

pub mod runsv;
pub mod runsvdir;
