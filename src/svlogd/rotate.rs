//! Rotation of a log directory: seal `current` (fsync, mode 0744), rename it to
//! `@<tai64n>.s` (`.u` when a processor will turn it into `.s`), open a new `current`, delete
//! the oldest rotated file beyond `n`, and start the processor. Debian's counting ignores `.u`
//! files, and so does this. A rotation inside a journalled batch (a line cut at the size
//! limit) records how much of the batch's output the renamed file holds, before the rename.

use std::fs;
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
        if self.cfg.num > 0 {
            if let Some(old) = self.oldest_beyond(self.cfg.num) {
                msg::info(&format!("delete: {}/{old}", self.name));
                let _ = fs::remove_file(self.path.join(old));
            }
        }
        if let Some(cmd) = self.cfg.processor.clone() {
            self.processor = Some(Processor::start(&self.path, &self.name, &stem, &cmd));
        }
    }

    /// The oldest rotated file when there are more than `keep` (`.u` files not counted).
    pub fn oldest_beyond(&self, keep: u64) -> Option<String> {
        let names: Vec<String> = fs::read_dir(&self.path)
            .ok()?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.len() == 27 && n.starts_with('@') && !n.ends_with(".u"))
            .collect();
        if names.len() as u64 > keep {
            names.into_iter().min()
        } else {
            None
        }
    }
}
