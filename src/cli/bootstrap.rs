//! `runitctl bootstrap`: print or install what keeps the embedded runsvdir running at boot.

use super::Global;

#[derive(clap::Args, Debug)]
pub struct BootstrapArgs {
    /// Write the unit/inittab line instead of printing it.
    #[arg(long)]
    pub install: bool,
}

pub fn run(_g: &Global, _a: &BootstrapArgs) -> i32 {
    eprintln!("runitctl: bootstrap: not implemented yet");
    1
}
