//! What keeps the embedded runsvdir running at boot: a systemd unit ([`unit`]), an inittab
//! line ([`inittab`]), and the atomic installer for the unit ([`install`]).
//!
//! runit's model is that one process, runsvdir, is always running and scanning the service
//! directory; everything else (runsv per service, the services, their loggers) hangs off it.
//! On a host whose init is not runit, something must start runsvdir at boot and restart it if
//! it dies. `runitctl bootstrap` prints that something; `--install` writes the unit.

pub mod inittab;
pub mod install;
pub mod unit;

use std::path::PathBuf;

/// What the boot entry runs: `<exe> runsvdir -P <service_dir>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Boot {
    /// The runitctl binary the entry starts (absolute).
    pub exe: PathBuf,
    /// The directory runsvdir scans (default `/etc/service`).
    pub service_dir: PathBuf,
}

/// The service directory runsvdir scans unless told otherwise.
pub const DEFAULT_SERVICE_DIR: &str = "/etc/service";

pub use inittab::inittab_line;
pub use install::{install_unit, Installed};
pub use unit::{systemd_unit, UNIT_NAME, UNIT_PATH};
