//! `runitctl render SPEC --out DIR`: write the generated tree under DIR without relocating
//! script contents (for image builds).

use super::Global;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct RenderArgs {
    pub spec: PathBuf,
    /// Where to write the tree.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(_g: &Global, _a: &RenderArgs) -> i32 {
    eprintln!("runitctl: render: not implemented yet");
    1
}
