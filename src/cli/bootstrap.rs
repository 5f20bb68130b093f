//! `runitctl bootstrap`: print or install what keeps the embedded runsvdir running at boot.
//! The texts and the installer are in [`crate::bootstrap`]; this file picks and prints.

use super::Global;
use crate::bootstrap::{
    inittab_line, install_unit, systemd_unit, Boot, DEFAULT_SERVICE_DIR, UNIT_NAME, UNIT_PATH,
};
use std::path::PathBuf;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Only {
    /// Just the systemd unit file.
    Systemd,
    /// Just the /etc/inittab line.
    Inittab,
}

#[derive(clap::Args, Debug)]
pub struct BootstrapArgs {
    /// Write the systemd unit to /etc/systemd/system (under --root when given) instead of
    /// printing, then print the systemctl command to run.
    #[arg(long)]
    pub install: bool,
    /// Print only one of the two.
    #[arg(long, value_enum)]
    pub only: Option<Only>,
    /// The runitctl binary the boot entry starts [default: this executable].
    #[arg(long, value_name = "PATH")]
    pub exe: Option<PathBuf>,
    /// The directory runsvdir scans.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_SERVICE_DIR)]
    pub service_dir: PathBuf,
}

pub fn run(g: &Global, a: &BootstrapArgs) -> i32 {
    let exe = match a.exe.clone().map_or_else(std::env::current_exe, Ok) {
        Ok(e) if e.is_absolute() => e,
        Ok(e) => {
            eprintln!("error: --exe: `{}` is not an absolute path", e.display());
            return 1;
        }
        Err(e) => {
            eprintln!("error: cannot find this executable ({e}); pass --exe PATH");
            return 1;
        }
    };
    if !a.service_dir.is_absolute() {
        eprintln!(
            "error: --service-dir: `{}` is not an absolute path",
            a.service_dir.display()
        );
        return 1;
    }
    let boot = Boot {
        exe,
        service_dir: a.service_dir.clone(),
    };
    let unit = systemd_unit(&boot);
    let line = inittab_line(&boot);
    if a.install {
        if a.only == Some(Only::Inittab) {
            eprintln!(
                "error: --install writes the systemd unit; for sysvinit add this line to /etc/inittab and run `telinit q`:\n{line}"
            );
            return 1;
        }
        return install(g, &unit);
    }
    match a.only {
        Some(Only::Systemd) => print!("{unit}"),
        Some(Only::Inittab) => println!("{line}"),
        None => {
            println!("# systemd: save as {UNIT_PATH}, then: systemctl daemon-reload && systemctl enable --now {UNIT_NAME}");
            println!("# (or let `runitctl bootstrap --install` do the first part)");
            print!("{unit}");
            println!();
            println!("# sysvinit: add this line to /etc/inittab, then run: telinit q");
            println!("{line}");
        }
    }
    0
}

fn install(g: &Global, unit: &str) -> i32 {
    match install_unit(g.root.as_deref(), UNIT_PATH, unit) {
        Ok(done) => {
            let verb = if done.changed { "wrote" } else { "unchanged:" };
            println!("{verb} {}", done.path.display());
            match &g.root {
                Some(root) => println!(
                    "next: systemctl --root={} enable {UNIT_NAME}   (it starts at the image's next boot)",
                    root.display()
                ),
                None => {
                    println!("next: systemctl daemon-reload && systemctl enable --now {UNIT_NAME}")
                }
            }
            0
        }
        Err(e) => {
            let target = g
                .root
                .as_ref()
                .map(|r| r.join(UNIT_PATH.trim_start_matches('/')))
                .unwrap_or_else(|| UNIT_PATH.into());
            eprintln!("error: cannot write {}: {e}", target.display());
            1
        }
    }
}
