//! Unit tests: observe + diff + apply round trips on hand-built models in temp dirs, and the
//! supervisor-action table.

use crate::apply::{apply, ApplyOptions};
use crate::model::{FileClass, ManagedTree, Model, Node, NodeKind, Owner, ServiceId, ServiceModel};
use crate::plan::{diff, observe_with, resolve_owners, Action, ChangeKind, Plan};
use crate::users::SystemUsers;
use std::path::{Path, PathBuf};

fn me() -> Owner {
    let u = nix::unistd::User::from_uid(nix::unistd::geteuid())
        .unwrap()
        .unwrap();
    let g = nix::unistd::Group::from_gid(nix::unistd::getegid())
        .unwrap()
        .unwrap();
    Owner {
        user: u.name,
        group: g.name,
    }
}

fn node(kind: NodeKind, mode: u32, class: FileClass, svc: Option<&ServiceId>) -> Node {
    Node {
        kind,
        mode,
        owner: me(),
        class,
        service: svc.cloned(),
    }
}

fn file(s: &str) -> NodeKind {
    NodeKind::File {
        content: s.as_bytes().to_vec(),
    }
}

/// A system tree with the given services: `(name, run body, env, log?)`.
/// `(name, run body, env, has a log)`.
type Svc<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], bool);

pub(crate) fn model(project: &str, svcs: &[Svc]) -> Model {
    let mut tree = crate::model::Tree::new();
    let sv = PathBuf::from("/etc/sv");
    let service = PathBuf::from("/etc/service");
    tree.insert(
        sv.clone(),
        node(NodeKind::Dir, 0o755, FileClass::Root, None),
    );
    tree.insert(
        service.clone(),
        node(NodeKind::Dir, 0o755, FileClass::Root, None),
    );
    let mut services = Vec::new();
    for (name, run, env, log) in svcs {
        let id = ServiceId {
            user: None,
            name: name.to_string(),
        };
        let dir = sv.join(name);
        let i = Some(&id);
        tree.insert(
            dir.clone(),
            node(NodeKind::Dir, 0o755, FileClass::ServiceDir, i),
        );
        tree.insert(dir.join("run"), node(file(run), 0o755, FileClass::Run, i));
        tree.insert(
            dir.join(".runitctl"),
            node(
                file(&format!("project={project}\n")),
                0o644,
                FileClass::Marker,
                i,
            ),
        );
        if !env.is_empty() {
            tree.insert(
                dir.join("env"),
                node(NodeKind::Dir, 0o755, FileClass::EnvDir, i),
            );
            for (k, v) in *env {
                let c = format!("{v}\n");
                tree.insert(
                    dir.join("env").join(k),
                    node(file(&c), 0o640, FileClass::Env, i),
                );
            }
        }
        let mut log_dir = None;
        if *log {
            tree.insert(
                dir.join("log"),
                node(NodeKind::Dir, 0o755, FileClass::LogServiceDir, i),
            );
            let lr = "#!/bin/sh\nexec svlogd -tt /var/log/x\n";
            tree.insert(
                dir.join("log/run"),
                node(file(lr), 0o755, FileClass::LogRun, i),
            );
            let ld = PathBuf::from("/var/log").join(name);
            tree.insert(ld.clone(), node(NodeKind::Dir, 0o755, FileClass::LogDir, i));
            tree.insert(
                ld.join("config"),
                node(file("s1000\nn3\n"), 0o644, FileClass::LogConfig, i),
            );
            log_dir = Some(ld);
        }
        let link = service.join(name);
        tree.insert(
            link.clone(),
            node(
                NodeKind::Symlink {
                    target: dir.clone(),
                },
                0o777,
                FileClass::EnableLink,
                i,
            ),
        );
        services.push(ServiceModel {
            id,
            dir,
            link,
            scan_dir: service.clone(),
            enabled: true,
            down: false,
            restart_on_update: true,
            stop_timeout: 7,
            start_timeout: 30,
            log_dir,
            is_user_runsvdir: false,
        });
    }
    Model {
        project: project.to_string(),
        tree,
        services,
        trees: vec![ManagedTree {
            user: None,
            sv_dir: sv,
            service_dir: service,
            owner: me(),
        }],
        partial: false,
    }
}

pub(crate) fn plan_for(root: &Path, m: &Model) -> Plan {
    let ids = resolve_owners(m, &SystemUsers).unwrap();
    let obs = observe_with(
        Some(root),
        m,
        ids,
        false,
        true,
        &SystemUsers,
        crate::plan::CacheUse::None,
    )
    .unwrap();
    diff(m, &obs)
}

fn converge(root: &Path, m: &Model) -> Plan {
    let p = plan_for(root, m);
    apply(&p, &ApplyOptions::default()).unwrap();
    p
}

fn web() -> Model {
    model(
        "shop",
        &[(
            "web",
            "#!/bin/sh\nexec web\n",
            &[("A", "1"), ("DB", "secret")],
            true,
        )],
    )
}

#[test]
fn apply_then_in_sync_and_links_relocated() {
    let t = tempfile::tempdir().unwrap();
    let m = web();
    let p = converge(t.path(), &m);
    assert_eq!(p.services.len(), 1);
    assert!(p.services[0].created && p.services[0].actions.is_empty());
    assert!(plan_for(t.path(), &m).in_sync());
    let link = std::fs::read_link(t.path().join("etc/service/web")).unwrap();
    assert_eq!(link, t.path().join("etc/sv/web"));
    assert_eq!(
        std::fs::read(t.path().join("etc/sv/web/env/DB")).unwrap(),
        b"secret\n"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(t.path().join("etc/sv/web/env/DB"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o7777, 0o640);
    // No staging or temp entries left.
    for e in walkdir::WalkDir::new(t.path()) {
        let e = e.unwrap();
        assert!(
            !crate::plan::is_temp_name(e.file_name()),
            "{}",
            e.path().display()
        );
    }
}

#[test]
fn run_change_restarts_env_masked_config_hups() {
    let t = tempfile::tempdir().unwrap();
    converge(t.path(), &web());
    let mut m = model(
        "shop",
        &[(
            "web",
            "#!/bin/sh\nexec web2\n",
            &[("A", "1"), ("DB", "longer secret")],
            true,
        )],
    );
    let cfg = PathBuf::from("/var/log/web/config");
    if let Some(NodeKind::File { content }) = m.tree.get_mut(&cfg).map(|n| &mut n.kind) {
        *content = b"s2000\n".to_vec();
    }
    let p = plan_for(t.path(), &m);
    let svc = &p.services[0];
    assert_eq!(svc.actions, vec![Action::Restart, Action::HupLog]);
    let text = crate::plan::render_text(&p, Default::default());
    assert!(
        text.contains("/etc/sv/web/env/DB: changed (7 → 14 bytes)"),
        "{text}"
    );
    assert!(!text.contains("longer secret"), "{text}");
    assert!(text.contains("+exec web2"), "{text}");
    let shown = crate::plan::render_text(
        &p,
        crate::plan::TextOptions {
            color: false,
            show_secrets: true,
        },
    );
    assert!(shown.contains("+longer secret"), "{shown}");
    apply(&p, &ApplyOptions::default()).unwrap();
    assert!(plan_for(t.path(), &m).in_sync());
}

#[test]
fn down_service_is_not_restarted_and_log_added_restarts_runsv() {
    let t = tempfile::tempdir().unwrap();
    converge(
        t.path(),
        &model("shop", &[("w", "#!/bin/sh\n", &[], false)]),
    );
    let mut m = model("shop", &[("w", "#!/bin/sh\nx\n", &[], true)]);
    m.services[0].down = true;
    let p = plan_for(t.path(), &m);
    assert_eq!(p.services[0].actions, vec![Action::RestartRunsv]);
}

#[test]
fn drift_is_repaired_and_extras_removed() {
    let t = tempfile::tempdir().unwrap();
    let m = web();
    converge(t.path(), &m);
    let r = t.path();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        r.join("etc/sv/web/run"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    std::fs::write(r.join("etc/sv/web/env/EXTRA"), "x\n").unwrap();
    std::fs::remove_file(r.join("etc/service/web")).unwrap();
    std::fs::remove_file(r.join("var/log/web/config")).unwrap();
    std::fs::create_dir_all(r.join("etc/sv/web/supervise")).unwrap();
    std::fs::write(r.join("etc/sv/web/supervise/stat"), "run\n").unwrap();
    std::fs::write(r.join("var/log/web/current"), "log line\n").unwrap();
    let p = plan_for(r, &m);
    let kinds: Vec<_> = p
        .changes
        .iter()
        .map(|c| (c.path.clone(), c.kind.clone()))
        .collect();
    assert!(kinds.contains(&(
        PathBuf::from("/etc/sv/web/run"),
        ChangeKind::Mode {
            old: 0o644,
            new: 0o755
        }
    )));
    assert!(kinds
        .iter()
        .any(|(p, k)| p == Path::new("/etc/sv/web/env/EXTRA")
            && matches!(k, ChangeKind::Remove { .. })));
    assert!(kinds.contains(&(PathBuf::from("/etc/service/web"), ChangeKind::Create)));
    assert!(kinds.contains(&(PathBuf::from("/var/log/web/config"), ChangeKind::Create)));
    assert_eq!(p.changes.len(), 4, "{kinds:?}");
    assert_eq!(p.services[0].actions, vec![Action::Restart, Action::HupLog]);
    apply(&p, &ApplyOptions::default()).unwrap();
    assert!(plan_for(r, &m).in_sync());
    assert_eq!(
        std::fs::read(r.join("etc/sv/web/supervise/stat")).unwrap(),
        b"run\n"
    );
    assert_eq!(
        std::fs::read(r.join("var/log/web/current")).unwrap(),
        b"log line\n"
    );
}

#[test]
fn prune_only_own_marked_services_and_keep_logs() {
    let t = tempfile::tempdir().unwrap();
    let r = t.path();
    converge(
        r,
        &model(
            "shop",
            &[
                ("a", "#!/bin/sh\n", &[], true),
                ("b", "#!/bin/sh\n", &[], false),
            ],
        ),
    );
    // A hand-made service and another project's service.
    std::fs::create_dir_all(r.join("etc/sv/hand")).unwrap();
    std::fs::write(r.join("etc/sv/hand/run"), "#!/bin/sh\n").unwrap();
    std::fs::create_dir_all(r.join("etc/sv/other")).unwrap();
    std::fs::write(r.join("etc/sv/other/.runitctl"), "project=blog\n").unwrap();
    let m = model("shop", &[("b", "#!/bin/sh\n", &[], false)]);
    let p = plan_for(r, &m);
    let prunes: Vec<_> = p
        .changes
        .iter()
        .filter(|c| matches!(c.kind, ChangeKind::Prune { .. }))
        .map(|c| c.path.clone())
        .collect();
    assert_eq!(prunes, vec![PathBuf::from("/etc/sv/a")]);
    assert_eq!(p.services[0].actions, vec![Action::Stop, Action::Remove]);
    apply(&p, &ApplyOptions::default()).unwrap();
    assert!(!r.join("etc/sv/a").exists());
    assert!(std::fs::symlink_metadata(r.join("etc/service/a")).is_err());
    assert!(r.join("var/log/a/config").exists(), "log dir kept");
    assert!(r.join("etc/sv/hand/run").exists());
    assert!(r.join("etc/sv/other/.runitctl").exists());
    assert!(plan_for(r, &m).in_sync());
}

#[test]
fn disabled_service_is_unlinked() {
    let t = tempfile::tempdir().unwrap();
    let r = t.path();
    converge(r, &web());
    let mut m = web();
    m.services[0].enabled = false;
    m.tree.remove(Path::new("/etc/service/web"));
    let p = plan_for(r, &m);
    assert_eq!(p.changes.len(), 1);
    assert_eq!(p.changes[0].kind, ChangeKind::Unlink);
    assert_eq!(p.services[0].actions, vec![Action::Stop, Action::Unlink]);
    apply(&p, &ApplyOptions::default()).unwrap();
    assert!(std::fs::symlink_metadata(r.join("etc/service/web")).is_err());
    assert!(r.join("etc/sv/web/run").exists());
    assert!(plan_for(r, &m).in_sync());
}

/// A disabled service has no runsv: a changed run or log config of one restarts nothing.
#[test]
fn a_disabled_service_is_not_restarted_for_its_changes() {
    let t = tempfile::tempdir().unwrap();
    let r = t.path();
    let mut m = web();
    m.services[0].enabled = false;
    m.tree.remove(Path::new("/etc/service/web"));
    converge(r, &m);
    let mut changed = model("shop", &[("web", "#!/bin/sh\nexec web2\n", &[], true)]);
    changed.services[0].enabled = false;
    changed.tree.remove(Path::new("/etc/service/web"));
    let cfg = PathBuf::from("/var/log/web/config");
    if let Some(NodeKind::File { content }) = changed.tree.get_mut(&cfg).map(|n| &mut n.kind) {
        *content = b"s2000\n".to_vec();
    }
    let p = plan_for(r, &changed);
    assert!(!p.in_sync());
    assert!(
        p.services.iter().all(|s| s.actions.is_empty()),
        "{:?}",
        p.services
    );
}

#[test]
fn leftover_temps_are_removed() {
    let t = tempfile::tempdir().unwrap();
    let r = t.path();
    let m = web();
    converge(r, &m);
    std::fs::write(r.join("etc/sv/web/.run.runitctl-tmp"), "partial").unwrap();
    std::fs::create_dir_all(r.join("etc/sv/.db.runitctl-new/env")).unwrap();
    std::fs::write(r.join("var/log/web/.config.runitctl-tmp"), "s").unwrap();
    let p = plan_for(r, &m);
    assert_eq!(p.changes.len(), 3, "{:?}", p.changes);
    assert!(p.services.iter().all(|s| s.actions.is_empty()));
    apply(&p, &ApplyOptions::default()).unwrap();
    assert!(plan_for(r, &m).in_sync());
    assert!(!r.join("etc/sv/.db.runitctl-new").exists());
}

#[test]
fn planted_links_in_untrusted_dirs_are_replaced_not_followed() {
    let t = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let r = t.path();
    let m = web();
    converge(r, &m);
    let secret = outside.path().join("secret");
    std::fs::write(&secret, "keep me\n").unwrap();
    std::fs::remove_file(r.join("etc/sv/web/run")).unwrap();
    std::os::unix::fs::symlink(&secret, r.join("etc/sv/web/run")).unwrap();
    // Make the sandbox dirs non-root-only so the link is not trusted even when run as root.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(r.join("etc/sv/web"), std::fs::Permissions::from_mode(0o777)).unwrap();
    let p = plan_for(r, &m);
    assert!(
        p.changes
            .iter()
            .any(|c| matches!(c.kind, ChangeKind::Replace { .. })),
        "{:?}",
        p.changes
    );
    apply(&p, &ApplyOptions::default()).unwrap();
    assert_eq!(std::fs::read(&secret).unwrap(), b"keep me\n");
    assert!(std::fs::symlink_metadata(r.join("etc/sv/web/run"))
        .unwrap()
        .is_file());
}

/// Entries not in the spec that hold svlogd's logs are kept, shown, and not changes; other
/// extras are still removed.
#[test]
fn svlogd_logs_in_a_service_dir_are_kept_not_removed() {
    let t = tempfile::tempdir().unwrap();
    let m = web();
    converge(t.path(), &m);
    let sv = t.path().join("etc/sv/web");
    let write = |rel: &str, text: &str| {
        let p = sv.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    // An adopted service's `log/main`, logs two levels down, svlogd run in `log/` itself.
    write("log/main/current", "important\n");
    write("log/main/@400000006b048aed3818503c.s", "old\n");
    write("old/a/b/lock", "");
    write("log/lock", "");
    write("log/@400000.u", "crashed\n");
    write("log/stray", "x\n");
    write("junk/file", "x\n");
    // A `log/` of old that runsv ran: runsv's `supervise/lock` is not svlogd's.
    write("oldlog/run", "#!/bin/sh\n");
    write("oldlog/supervise/lock", "");
    let p = plan_for(t.path(), &m);
    let kept: Vec<_> = p.kept.iter().map(|k| (k.path.clone(), k.why)).collect();
    assert_eq!(
        kept,
        [
            (PathBuf::from("/etc/sv/web/log/main"), "holds svlogd logs"),
            (PathBuf::from("/etc/sv/web/old"), "holds svlogd logs"),
        ]
    );
    // svlogd's own files in the spec's `log/` stay; a stray there goes like any other.
    let removed: Vec<_> = p.changes.iter().map(|c| c.path.clone()).collect();
    let want = [
        PathBuf::from("/etc/sv/web/junk"),
        PathBuf::from("/etc/sv/web/log/stray"),
        PathBuf::from("/etc/sv/web/oldlog"),
    ];
    assert_eq!(removed, want, "{p:?}");
    apply(&p, &ApplyOptions::default()).unwrap();
    let p = plan_for(t.path(), &m);
    assert!(p.in_sync(), "{:?}", p.changes);
    assert_eq!(p.kept.len(), 2);
    assert_eq!(
        std::fs::read(sv.join("log/main/current")).unwrap(),
        b"important\n"
    );
    assert!(sv.join("old/a/b/lock").is_file() && sv.join("log/@400000.u").is_file());
}

/// Only the spec's `log/` can be a dir svlogd writes: a `lock` at the service dir's top (a run
/// script's `chpst -l lock`) or an env var named `current` keeps nothing the spec dropped.
#[test]
fn svlogd_names_elsewhere_in_a_service_dir_keep_nothing() {
    let t = tempfile::tempdir().unwrap();
    let m = web();
    converge(t.path(), &m);
    let sv = t.path().join("etc/sv/web");
    std::fs::write(sv.join("lock"), "").unwrap();
    std::fs::write(sv.join("finish"), "#!/bin/sh\n").unwrap();
    std::fs::write(sv.join("env/current"), "1\n").unwrap();
    std::fs::write(sv.join("env/OLD"), "x\n").unwrap();
    let p = plan_for(t.path(), &m);
    assert!(p.kept.is_empty(), "{:?}", p.kept);
    let removed: Vec<_> = p.changes.iter().map(|c| c.path.clone()).collect();
    for gone in ["env/OLD", "env/current", "finish", "lock"] {
        assert!(
            removed.contains(&PathBuf::from("/etc/sv/web").join(gone)),
            "{gone}: {removed:?}"
        );
    }
}
