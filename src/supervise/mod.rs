//! The embedded supervisor: runsvdir (scan a directory, one runsv per service) and runsv (one
//! service and its logger, the `supervise/` protocol). The per-slot logic is a pure state
//! machine (`service`); `runsv` and `runsvdir` are thin poll loops around it.

mod exec;
pub mod extra;
pub mod files;
pub mod runsv;
pub mod runsvdir;
pub mod scan;
pub mod service;

pub use extra::{read_extra, Extra, LastExit};

/// `eprintln!` that never panics: a supervisor must not die because its stderr went away.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}
pub(crate) use say;
