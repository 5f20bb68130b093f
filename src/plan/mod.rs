//! plan: what apply would change. [`observe`] reads disk (lstat, dir listings, never following
//! links, contents only where a comparison needs them and the [`StatCache`] cannot vouch for
//! them); [`diff`] is pure and turns the model and
//! what was observed into an ordered list of [`Change`]s plus the supervisor [`Action`]s each
//! service needs (SPEC §5). [`render_text`], [`render_markdown`] and [`render_json`] display it.
//!
//! Runtime state is never planned: `supervise/`, `log/supervise/`, and everything in a log
//! directory but `config`.

mod change;
mod diff;
mod disk;
mod json;
mod marker;
mod observe;
mod observed;
mod owners;
mod paths;
mod statcache;
mod text;

pub use change::{Action, Change, ChangeKind, KeptLog, Plan, ServicePlan, Summary, Takeover};
pub use diff::diff;
pub use json::render_json;
pub use marker::marker_project;
pub use observe::{observe, observe_with, CacheUse};
pub use observed::{Extra, Found, Observed, PruneCandidate};
pub use owners::{resolve_owners, OwnerIds};
pub use paths::{disk_path, disk_target, is_temp_name, stage_name, temp_name, trash_name};
pub use statcache::StatCache;
pub use text::{render_markdown, render_text, TextOptions};

#[cfg(test)]
mod tests;
