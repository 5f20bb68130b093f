//! Importers that write a services.yaml from another tool's description of an app.
//!
//! Today: [`procfile`], a Procfile (plus env files and a formation) with foreman's semantics,
//! so an app exported with `foreman export runit` moves over in one command. The pieces are
//! small and pure: [`procfile`] parses the Procfile, [`envfile`] the `.env` files,
//! [`formation`] the `--formation` flag, [`yaml`] quotes scalars, and [`foreman`] puts them
//! together into services.yaml text. Nothing here writes files; the CLI does.

pub mod envfile;
pub mod error;
pub mod foreman;
pub mod formation;
pub mod names;
pub mod procfile;
pub mod yaml;

pub use error::ImportError;
pub use foreman::{import_procfile, Imported, ProcfileImport};
