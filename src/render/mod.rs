//! Rendering: the bytes of every generated script. The built-in scripts are written by code
//! (`templates/*.hbs` are the same scripts as handlebars templates, held equal by a test). A
//! service's `template:` is rendered with strict mode, no HTML escaping and a `sh` helper that
//! shell-quotes every interpolated value, and gets [`RunData`].
//!
//! This stage is pure: data in, text out. The model decides *what* goes into a script (which
//! user, which paths, `--root`); render decides only how it is written.

mod chpst_argv;
mod command;
mod data;
mod engine;
mod error;
mod quote;
mod scripts;

pub use chpst_argv::{chpst_argv, env_dir_arg};
pub use command::{command_argv, plain_words};
pub use data::{LogRunData, Programs, RunData, RunsvdirData};
pub use error::TemplateError;
pub use quote::{shell_join, shell_quote};
pub use scripts::{as_script, hook_script, log_run_script, run_script, runsvdir_run_script};
