//! `runitctl status` and `runitctl logs`, as a library: read every service's state the way
//! `sv status` does (the `supervise/ok` probe, then the 20-byte `supervise/status`), add the
//! embedded supervisor's extra record (restarts, last exit) and the drift of its tree from the
//! spec, and render a table or a stable JSON document; read a service's svlogd directory
//! (rotated files, then `current`) with human-readable timestamps, and follow it across
//! rotations ([`logs`]).
//!
//! Read-only: nothing here writes to a service tree or signals a process.

mod collect;
mod drift;
mod json;
pub mod logs;
mod probe;
mod row;
mod slot;
mod summary;
mod table;

pub use collect::{rows_from_dir, rows_from_model};
pub use drift::{drift_by_service, prunes};
pub use json::{render_json, Source, VERSION};
pub use probe::{probe, Liveness};
pub use row::{Drift, Health, Row};
pub use slot::{Slot, SlotState};
pub use summary::{Summary, EXIT_DRIFT, EXIT_ERROR, EXIT_NOT_RUNNING, EXIT_OK};
pub use table::{human_secs, last_exit, render_table};
