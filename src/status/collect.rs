//! Builds the rows: from a spec's model (every service it declares, system and per-user, plus
//! this project's services it would prune), or from a directory runsvdir scans (`$SVDIR`).

use super::drift::{drift_by_service, prunes};
use super::row::{Drift, Row};
use super::slot::Slot;
use crate::model::{Model, ServiceId};
use crate::plan::{disk_path, Plan};
use crate::runit::tai64n::Tai64n;
use std::io;
use std::path::{Path, PathBuf};

/// One row per service of `model` (in model order: system services, then each user's
/// `runsvdir-<user>` and apps), then one per service `plan` would prune. Drift is filled in
/// when a plan is given.
pub fn rows_from_model(
    model: &Model,
    root: Option<&Path>,
    plan: Option<&Plan>,
    now: Tai64n,
) -> Vec<Row> {
    let drift = plan.map(drift_by_service);
    let mut rows: Vec<Row> = model
        .services
        .iter()
        .map(|s| {
            let d = drift
                .as_ref()
                .map(|m| m.get(&s.id).cloned().unwrap_or(Drift::InSync));
            let mut row = read_row(
                &s.id,
                disk_path(root, &s.dir),
                Some(disk_path(root, &s.link)),
                now,
            );
            row.expect_up = s.enabled && !s.down;
            row.drift = d;
            row
        })
        .collect();
    for p in plan.map(prunes).unwrap_or_default() {
        let link = p.link.as_deref().map(|l| disk_path(root, l));
        let mut row = read_row(&p.id, disk_path(root, &p.dir), link, now);
        row.expect_up = false;
        row.drift = Some(Drift::Prune);
        rows.push(row);
    }
    rows
}

/// One row per service in `scan` (what runsvdir would run: entries not starting with a dot
/// that are directories or links to them), in name order. A dangling link gives a `missing`
/// row. Enabled by definition; expected up unless `./down` exists.
pub fn rows_from_dir(scan: &Path, now: Tai64n) -> io::Result<Vec<Row>> {
    let mut names: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(scan)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let is_link = entry.file_type()?.is_symlink();
        if path.is_dir() || is_link {
            names.push((name, path));
        }
    }
    names.sort();
    Ok(names
        .into_iter()
        .map(|(name, path)| {
            let id = ServiceId { user: None, name };
            let mut row = read_row(&id, path.clone(), Some(path), now);
            row.expect_up = !row.main.normally_down;
            row
        })
        .collect())
}

fn read_row(id: &ServiceId, dir: PathBuf, link: Option<PathBuf>, now: Tai64n) -> Row {
    let main = Slot::read(&dir, now);
    let log_dir = dir.join("log");
    let log = log_dir.is_dir().then(|| Slot::read(&log_dir, now));
    let enabled = link
        .as_deref()
        .is_some_and(|l| std::fs::symlink_metadata(l).is_ok());
    Row {
        service: id.to_string(),
        user: id.user.clone(),
        name: id.name.clone(),
        dir,
        link,
        enabled,
        expect_up: enabled,
        main,
        log,
        drift: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::row::Health;
    use crate::status::slot::SlotState;

    #[test]
    fn scans_like_runsvdir() {
        let t = tempfile::tempdir().unwrap();
        let sv = t.path().join("sv");
        let scan = t.path().join("service");
        for d in ["sv/a/log", "sv/b", "service/plain", "service/.hidden"] {
            std::fs::create_dir_all(t.path().join(d)).unwrap();
        }
        std::fs::write(sv.join("b/down"), "").unwrap();
        std::fs::write(scan.join("file"), "").unwrap();
        std::os::unix::fs::symlink(sv.join("a"), scan.join("a")).unwrap();
        std::os::unix::fs::symlink(sv.join("b"), scan.join("b")).unwrap();
        std::os::unix::fs::symlink(sv.join("gone"), scan.join("gone")).unwrap();
        let rows = rows_from_dir(&scan, Tai64n::now()).unwrap();
        let names: Vec<&str> = rows.iter().map(|r| r.service.as_str()).collect();
        assert_eq!(names, ["a", "b", "gone", "plain"]);
        assert!(rows[0].log.is_some() && rows[1].log.is_none());
        assert_eq!(rows[0].main.state, SlotState::Unsupervised);
        assert!(rows[0].expect_up && !rows[1].expect_up);
        assert_eq!(rows[2].main.state, SlotState::Missing);
        assert!(rows.iter().all(|r| r.enabled && r.drift.is_none()));
        assert_eq!(rows[0].health(), Health::NotRunning);
        assert_eq!(rows[1].health(), Health::Ok);
    }
}
