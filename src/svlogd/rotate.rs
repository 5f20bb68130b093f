//! Rotation of a log directory: seal `current` (fsync, mode 0744), rename it to `@<tai64n>.s`
//! (`.u` when a processor will turn it into `.s`), open a new `current`, delete processor
//! leftovers (`.t`) and the oldest rotated file beyond `n`, and start the processor. Debian's
//! counting ignores `.u` files, and so does this. A rotation inside a journalled batch (a line
//! cut at the size limit) records how much of the batch's output the renamed file holds, before
//! the rename.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use super::dir::{unique_stem, until_ok, LogDir};
use super::msg;
use super::processor::Processor;

impl LogDir {
    /// Rotates a non-empty `current` (an empty one is left alone).
    pub fn rotate(&mut self) {
        self.rotate_due = false;
        if self.cfg.timeout > 0 {
            self.deadline = Some(Instant::now() + Duration::from_secs(self.cfg.timeout));
        }
        if self.size == 0 {
            return;
        }
        self.flush();
        if let Some(mut p) = self.processor.take() {
            p.wait();
        }
        self.seal_current();
        self.journal_rotating();
        let suffix = if self.cfg.processor.is_some() {
            "u"
        } else {
            "s"
        };
        let what = || format!("unable to rename current: {}", self.name);
        let stem = until_ok(what, || {
            let stem = unique_stem(&self.path);
            let to = self.path.join(format!("{stem}.{suffix}"));
            fs::rename(self.path.join("current"), &to).map(|()| stem)
        });
        msg::info(&format!(
            "rename: {}/current {stem}.{suffix} {}",
            self.name, self.size
        ));
        self.reopen_current();
        self.journal_rotated();
        prune(&self.path, &self.name, self.cfg.num);
        if let Some(cmd) = self.cfg.processor.clone() {
            self.processor = Some(Processor::start(&self.path, &self.name, &stem, &cmd));
        }
    }

    /// The oldest rotated file when there are more than `keep` (`.u` and `.t` not counted).
    pub fn oldest_beyond(&self, keep: u64) -> Option<String> {
        oldest_beyond(&self.path, keep)
    }
}

/// runit's `rmoldest`, after a rotation and after an uncleanly closed `current` became `.u`:
/// deletes processor leftovers (`@….t`: no processor of this directory runs at that point),
/// then the oldest rotated file when there are more than `num` (0: keep all).
pub(super) fn prune(dir: &Path, name: &str, num: u64) {
    for t in stamped(dir).filter(|n| n.ends_with(".t")) {
        if let Err(e) = fs::remove_file(dir.join(&t)) {
            msg::warn(
                &format!("unable to unlink processor leftover: {t}"),
                Some(&e),
            );
        }
    }
    if num > 0 {
        if let Some(old) = oldest_beyond(dir, num) {
            msg::info(&format!("delete: {name}/{old}"));
            let _ = fs::remove_file(dir.join(old));
        }
    }
}

/// The oldest `.s` file when there are more than `keep`.
fn oldest_beyond(dir: &Path, keep: u64) -> Option<String> {
    let names: Vec<String> = stamped(dir)
        .filter(|n| !n.ends_with(".u") && !n.ends_with(".t"))
        .collect();
    if names.len() as u64 > keep {
        names.into_iter().min()
    } else {
        None
    }
}

/// Names in `dir` that look like rotated files: `@` and 27 bytes long (`.s`, `.u`, `.t`).
fn stamped(dir: &Path) -> impl Iterator<Item = String> {
    fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.len() == 27 && n.starts_with('@'))
}
