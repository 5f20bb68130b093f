//! `runitctl render SPEC --out DIR`: write the generated tree under DIR without relocating
//! script contents or link targets (for image builds), with the same writer as apply. No
//! supervision, no lock; owners are set only when running as root.

use super::plan::{make_plan, out, prepare};
use super::Global;
use crate::apply::{self, ApplyOptions};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct RenderArgs {
    pub spec: PathBuf,
    /// Where to write the tree.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(g: &Global, a: &RenderArgs) -> i32 {
    let prepared = match prepare(g, &a.spec, None) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if !nix::unistd::geteuid().is_root() {
        eprintln!("note: not root: files keep your ownership");
    }
    let plan = match make_plan(&prepared, Some(&a.out), false) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match apply::apply(&plan, &ApplyOptions::default()) {
        Ok(report) => {
            out(&format!("{}\n", report.summary_line()));
            0
        }
        Err(e) => {
            eprintln!("runitctl: render: error: {e}");
            1
        }
    }
}
