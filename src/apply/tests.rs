//! Unit tests of the lock and the fault counter (round trips live in `plan::tests`).

use super::{lock_all, LOCK_NAME};
use std::path::Path;
use std::time::{Duration, Instant};

#[test]
fn second_lock_waits_then_fails_clearly() {
    let t = tempfile::tempdir().unwrap();
    let sv = [(Path::new("/etc/sv"), None)];
    let held = lock_all(Some(t.path()), &sv, false, Duration::from_secs(1)).unwrap();
    assert!(t.path().join("etc/sv").join(LOCK_NAME).exists());
    let start = Instant::now();
    let err = match lock_all(Some(t.path()), &sv, false, Duration::from_millis(300)) {
        Err(e) => e,
        Ok(_) => panic!("second lock taken while the first is held"),
    };
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert!(err.contains("another apply holds this lock"), "{err}");
    drop(held);
    lock_all(Some(t.path()), &sv, false, Duration::from_secs(1)).unwrap();
}

#[test]
fn planted_sv_dir_link_is_replaced_by_a_dir() {
    let t = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let home = t.path().join("home/deploy");
    std::fs::create_dir_all(&home).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::os::unix::fs::symlink(outside.path(), home.join("sv")).unwrap();
    let sv = [(Path::new("/home/deploy/sv"), None)];
    let _l = lock_all(Some(t.path()), &sv, false, Duration::from_secs(1)).unwrap();
    assert!(std::fs::symlink_metadata(home.join("sv")).unwrap().is_dir());
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

/// Applies racing on a fresh root all get the lock in turn: the one that does not make the
/// sv_dir (or a parent) uses the dir the other made (it failed with EEXIST in a CI run).
#[test]
fn racing_locks_on_a_fresh_root_all_succeed() {
    for _ in 0..20 {
        let t = tempfile::tempdir().unwrap();
        let sv = [(Path::new("/etc/sv"), None)];
        std::thread::scope(|s| {
            let racers: Vec<_> = (0..4)
                .map(|_| {
                    // Each releases the lock at once, so the others need not wait.
                    s.spawn(|| {
                        lock_all(Some(t.path()), &sv, false, Duration::from_secs(10)).map(drop)
                    })
                })
                .collect();
            for r in racers {
                if let Err(e) = r.join().unwrap() {
                    panic!("a racing apply failed: {e}");
                }
            }
        });
    }
}
