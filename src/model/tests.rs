//! Model unit tests on hand-built specs (the golden tests cover whole fixtures).

use super::*;
use crate::spec::{
    Account, Limits, Log, RunSource, Service, Spec, Supervisor, Timestamps, UserTree,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub(super) fn service(name: &str, run: &str) -> Service {
    Service {
        name: name.into(),
        run: RunSource::Command(run.into()),
        user: None,
        group: None,
        cwd: None,
        env: BTreeMap::new(),
        umask: None,
        limits: Limits::default(),
        finish: None,
        check: None,
        control: BTreeMap::new(),
        down: false,
        enabled: true,
        restart_on_update: true,
        stop_timeout: 7,
        start_timeout: 30,
        instance: None,
        port: None,
        log: Some(log(&format!("/var/log/{name}"))),
    }
}

pub(super) fn log(dir: &str) -> Log {
    Log {
        dir: dir.into(),
        user: None,
        timestamps: Timestamps::Tt,
        size: None,
        num: None,
        min: None,
        timeout: None,
        processor: None,
        udp: None,
        prefix: None,
        filters: vec![],
    }
}

pub(super) fn spec(services: Vec<Service>, users: Vec<UserTree>) -> Spec {
    Spec {
        path: "/srv/services.yaml".into(),
        project: "shop".into(),
        sv_dir: "/etc/sv".into(),
        service_dir: "/etc/service".into(),
        supervisor: Supervisor::Runit,
        services,
        users,
    }
}

pub(super) fn deploy_tree(services: Vec<Service>) -> UserTree {
    UserTree {
        account: Account {
            name: "deploy".into(),
            effective: "deploy".into(),
            uid: 1000,
            gid: 1000,
            groups: vec!["deploy".into(), "docker".into()],
            home: "/home/deploy".into(),
        },
        sv_dir: "/home/deploy/sv".into(),
        service_dir: "/home/deploy/service".into(),
        services,
    }
}

pub(super) fn opts() -> ModelOptions {
    let mut groups = BTreeMap::new();
    groups.insert("www-data".to_string(), vec!["www-data".to_string()]);
    groups.insert(
        "app".to_string(),
        vec!["app".to_string(), "ssl-cert".to_string(), "adm".to_string()],
    );
    ModelOptions {
        root: None,
        exe: "/usr/bin/runitctl".into(),
        invoking_user: "root".into(),
        groups,
    }
}

fn text(model: &Model, path: &str) -> String {
    match &model.tree[Path::new(path)].kind {
        NodeKind::File { content } => String::from_utf8(content.clone()).unwrap(),
        other => panic!("{path} is {other:?}"),
    }
}

fn owner(model: &Model, path: &str) -> String {
    let o = &model.tree[Path::new(path)].owner;
    format!("{}:{}", o.user, o.group)
}

fn paths(model: &Model) -> Vec<String> {
    model.tree.keys().map(|p| p.display().to_string()).collect()
}

#[test]
fn minimal_service_tree() {
    let m = build(&spec(vec![service("web", "./bin/web")], vec![]), &opts()).unwrap();
    assert_eq!(
        paths(&m),
        [
            "/etc/service",
            "/etc/service/web",
            "/etc/sv",
            "/etc/sv/web",
            "/etc/sv/web/.runitctl",
            "/etc/sv/web/log",
            "/etc/sv/web/log/run",
            "/etc/sv/web/run",
            "/var/log/web",
            "/var/log/web/config",
        ]
    );
    assert_eq!(
        text(&m, "/etc/sv/web/run"),
        "#!/bin/sh\nexec 2>&1\nexec ./bin/web\n"
    );
    assert_eq!(
        text(&m, "/etc/sv/web/log/run"),
        "#!/bin/sh\nexec svlogd -tt /var/log/web\n"
    );
    assert_eq!(text(&m, "/var/log/web/config"), "");
    let link = &m.tree[Path::new("/etc/service/web")];
    assert_eq!(
        link.kind,
        NodeKind::Symlink {
            target: "/etc/sv/web".into()
        }
    );
    assert_eq!(link.class, FileClass::EnableLink);
    let marker = text(&m, "/etc/sv/web/.runitctl");
    assert!(
        marker.starts_with("project=shop\nspec=/srv/services.yaml\nhash="),
        "{marker}"
    );
    assert_eq!(m.services.len(), 1);
    assert_eq!(m.services[0].log_dir, Some(PathBuf::from("/var/log/web")));
    assert_eq!(m.trees.len(), 1);
    assert_eq!(m.tree[Path::new("/etc/sv")].class, FileClass::Root);
}

#[test]
fn full_service_modes_owners_and_scripts() {
    let mut web = service("web", "bundle exec puma -C config/puma.rb");
    web.user = Some("app".into());
    web.cwd = Some("/srv/shop/current".into());
    web.umask = Some("022".into());
    web.env.insert("RAILS_ENV".into(), "production".into());
    web.limits.nofile = Some(65536);
    web.limits.memory = Some(1073741824);
    web.finish = Some("/srv/shop/bin/on-exit".into());
    web.check = Some("curl -fsS http://127.0.0.1:3000/up".into());
    web.control
        .insert('t', "kill -QUIT $(cat supervise/pid)".into());
    let mut l = log("/var/log/web");
    l.user = Some("www-data".into());
    l.size = Some(1000000);
    l.num = Some(10);
    web.log = Some(l);
    let m = build(&spec(vec![web], vec![]), &opts()).unwrap();
    assert_eq!(
        text(&m, "/etc/sv/web/run"),
        "#!/bin/sh\nexec 2>&1\ncd /srv/shop/current || exit 1\numask 022\n\
         exec chpst -u app:app:ssl-cert:adm -e /etc/sv/web/env -m 1073741824 -o 65536 \
         bundle exec puma -C config/puma.rb\n"
    );
    assert_eq!(text(&m, "/etc/sv/web/env/RAILS_ENV"), "production\n");
    assert_eq!(m.tree[Path::new("/etc/sv/web/env/RAILS_ENV")].mode, 0o640);
    assert_eq!(owner(&m, "/etc/sv/web/env/RAILS_ENV"), "root:app");
    assert_eq!(owner(&m, "/etc/sv/web/run"), "root:root");
    assert_eq!(m.tree[Path::new("/etc/sv/web/run")].mode, 0o755);
    assert_eq!(
        text(&m, "/etc/sv/web/finish"),
        "#!/bin/sh\nexec 2>&1\nexec /srv/shop/bin/on-exit \"$@\"\n"
    );
    assert_eq!(m.tree[Path::new("/etc/sv/web/control/t")].mode, 0o755);
    assert_eq!(
        m.tree[Path::new("/etc/sv/web/control")].class,
        FileClass::ControlDir
    );
    assert_eq!(
        text(&m, "/etc/sv/web/log/run"),
        "#!/bin/sh\nexec chpst -u www-data:www-data svlogd -tt /var/log/web\n"
    );
    assert_eq!(owner(&m, "/var/log/web"), "www-data:www-data");
    assert_eq!(owner(&m, "/var/log/web/config"), "root:root");
    assert_eq!(text(&m, "/var/log/web/config"), "s1000000\nn10\n");
}

#[test]
fn explicit_group_comes_first_and_keeps_supplementary_groups() {
    let mut web = service("web", "./web");
    web.user = Some("app".into());
    web.group = Some("adm".into());
    web.env.insert("A".into(), "1".into());
    let m = build(&spec(vec![web], vec![]), &opts()).unwrap();
    assert!(text(&m, "/etc/sv/web/run").contains("chpst -u app:adm:app:ssl-cert -e ./env ./web"));
    assert_eq!(owner(&m, "/etc/sv/web/env/A"), "root:adm");
}

#[test]
fn unknown_groups_fall_back_to_bare_user() {
    let mut web = service("web", "./web");
    web.user = Some("nobody".into());
    let m = build(&spec(vec![web], vec![]), &opts()).unwrap();
    assert!(text(&m, "/etc/sv/web/run").contains("exec chpst -u nobody ./web\n"));
}

#[test]
fn embedded_backend_calls_the_exe() {
    let mut s = spec(vec![service("web", "./web")], vec![]);
    s.supervisor = Supervisor::Embedded;
    s.services[0].env.insert("A".into(), "1".into());
    let mut o = opts();
    o.exe = "/opt/run itctl/bin/runitctl".into();
    let m = build(&s, &o).unwrap();
    assert_eq!(
        text(&m, "/etc/sv/web/run"),
        "#!/bin/sh\nexec 2>&1\nexec '/opt/run itctl/bin/runitctl' chpst -e ./env ./web\n"
    );
    assert_eq!(
        text(&m, "/etc/sv/web/log/run"),
        "#!/bin/sh\nexec '/opt/run itctl/bin/runitctl' svlogd -tt /var/log/web\n"
    );
}

#[test]
fn shell_commands_run_through_sh_after_chpst() {
    let mut web = service("web", "puma -p $PORT | tee x");
    web.env.insert("PORT".into(), "5000".into());
    let m = build(&spec(vec![web], vec![]), &opts()).unwrap();
    assert_eq!(
        text(&m, "/etc/sv/web/run"),
        "#!/bin/sh\nexec 2>&1\nexec chpst -e ./env /bin/sh -c 'puma -p $PORT | tee x'\n"
    );
}

#[test]
fn down_disabled_and_no_log() {
    let mut a = service("a", "./a");
    a.down = true;
    let mut b = service("b", "./b");
    b.enabled = false;
    b.log = None;
    let m = build(&spec(vec![a, b], vec![]), &opts()).unwrap();
    assert_eq!(text(&m, "/etc/sv/a/down"), "");
    assert_eq!(m.tree[Path::new("/etc/sv/a/down")].mode, 0o644);
    assert!(!m.tree.contains_key(Path::new("/etc/service/b")));
    assert!(!m.tree.contains_key(Path::new("/etc/sv/b/log")));
    let b = m.services.iter().find(|s| s.id.name == "b").unwrap();
    assert!(!b.enabled);
    assert_eq!(b.link, PathBuf::from("/etc/service/b"));
    assert_eq!(b.log_dir, None);
}

#[test]
fn per_user_tree_and_its_runsvdir() {
    let mut api = service("api", "./bin/api");
    api.user = Some("deploy".into());
    api.cwd = Some("/home/deploy/app/current".into());
    api.env.insert("APP_ENV".into(), "production".into());
    api.log = Some(log("/home/deploy/log/api"));
    let m = build(&spec(vec![], vec![deploy_tree(vec![api])]), &opts()).unwrap();
    // The user's scripts already run as deploy (under runsvdir-deploy): no chpst -u.
    assert_eq!(
        text(&m, "/home/deploy/sv/api/run"),
        "#!/bin/sh\nexec 2>&1\ncd /home/deploy/app/current || exit 1\n\
         exec chpst -e /home/deploy/sv/api/env ./bin/api\n"
    );
    assert_eq!(
        text(&m, "/home/deploy/sv/api/log/run"),
        "#!/bin/sh\nexec svlogd -tt /home/deploy/log/api\n"
    );
    for p in [
        "/home/deploy/sv",
        "/home/deploy/service",
        "/home/deploy/sv/api",
        "/home/deploy/sv/api/run",
        "/home/deploy/sv/api/env",
        "/home/deploy/sv/api/env/APP_ENV",
        "/home/deploy/sv/api/.runitctl",
        "/home/deploy/sv/api/log/run",
        "/home/deploy/log/api",
        "/home/deploy/log/api/config",
        "/home/deploy/service/api",
    ] {
        assert_eq!(owner(&m, p), "deploy:deploy", "{p}");
    }
    assert_eq!(
        text(&m, "/etc/sv/runsvdir-deploy/run"),
        "#!/bin/sh\nexec 2>&1\nexport HOME=/home/deploy USER=deploy\n\
         exec chpst -u deploy:deploy:docker runsvdir /home/deploy/service\n"
    );
    assert_eq!(
        text(&m, "/etc/sv/runsvdir-deploy/log/run"),
        "#!/bin/sh\nexec svlogd -tt /var/log/runsvdir-deploy\n"
    );
    assert_eq!(owner(&m, "/etc/sv/runsvdir-deploy/run"), "root:root");
    assert_eq!(owner(&m, "/var/log/runsvdir-deploy"), "root:root");
    assert!(m
        .tree
        .contains_key(Path::new("/etc/service/runsvdir-deploy")));
    let r = m.services.iter().find(|s| s.is_user_runsvdir).unwrap();
    assert_eq!(r.id.name, "runsvdir-deploy");
    assert_eq!(r.scan_dir, PathBuf::from("/etc/service"));
    let api = m.services.iter().find(|s| s.id.name == "api").unwrap();
    assert_eq!(api.id.user.as_deref(), Some("deploy"));
    assert_eq!(api.scan_dir, PathBuf::from("/home/deploy/service"));
    assert_eq!(m.trees.len(), 2);
    assert_eq!(m.trees[1].owner.user, "deploy");
}

#[test]
fn sandbox_roots_script_paths_and_skips_switching_to_the_invoker() {
    let mut web = service("web", "./web");
    web.user = Some("me".into());
    web.cwd = Some("/srv/web".into());
    let mut l = log("/var/log/web");
    l.user = Some("me".into());
    web.log = Some(l);
    let mut other = service("other", "./other");
    other.user = Some("app".into());
    let mut tree = deploy_tree(vec![]);
    tree.account.effective = "me".into();
    let mut o = opts();
    o.root = Some("/tmp/sb".into());
    o.invoking_user = "me".into();
    let m = build(&spec(vec![web, other], vec![tree]), &o).unwrap();
    assert_eq!(
        text(&m, "/etc/sv/web/run"),
        "#!/bin/sh\nexec 2>&1\ncd /tmp/sb/srv/web || exit 1\nexec ./web\n"
    );
    assert_eq!(
        text(&m, "/etc/sv/web/log/run"),
        "#!/bin/sh\nexec svlogd -tt /tmp/sb/var/log/web\n"
    );
    // Another user still gets chpst -u (the sandbox cannot switch to it; chpst says so).
    assert!(text(&m, "/etc/sv/other/run").contains("chpst -u app:app:ssl-cert:adm ./other"));
    assert_eq!(
        text(&m, "/etc/sv/runsvdir-deploy/run"),
        "#!/bin/sh\nexec 2>&1\nexport HOME=/tmp/sb/home/deploy USER=me\n\
         exec runsvdir /tmp/sb/home/deploy/service\n"
    );
    // Tree keys stay logical.
    assert!(m.tree.contains_key(Path::new("/etc/sv/web/run")));
}

#[test]
fn custom_template_gets_the_run_data() {
    let mut web = service("web", "");
    web.run = RunSource::Template {
        path: "templates/web.hbs".into(),
        body: "#!/bin/sh\n# {{name}} as {{user}} in group {{group}} on {{port}}\n\
               exec {{sh chpst}} ./web --port {{sh env.PORT}}\n"
            .into(),
    };
    web.user = Some("www-data".into());
    web.port = Some(5000);
    web.env.insert("PORT".into(), "5000".into());
    let m = build(&spec(vec![web], vec![]), &opts()).unwrap();
    assert_eq!(
        text(&m, "/etc/sv/web/run"),
        "#!/bin/sh\n# web as www-data in group www-data on 5000\n\
         exec chpst -u www-data:www-data -e ./env ./web --port 5000\n"
    );
}

#[test]
fn template_errors_are_reported() {
    let mut web = service("web", "");
    web.run = RunSource::Template {
        path: "t.hbs".into(),
        body: "exec {{sh missing}}\n".into(),
    };
    let e = build(&spec(vec![web], vec![]), &opts()).unwrap_err();
    assert!(matches!(e, BuildError::Template { .. }));
    assert_eq!(
        e.to_string(),
        "t.hbs:1:6: error: no such variable `missing` (strict mode) \
         (rendering the run script of service web)"
    );
}

/// The error building system `services` fails with.
fn build_error(services: Vec<Service>) -> String {
    build(&spec(services, vec![]), &opts())
        .unwrap_err()
        .to_string()
}

#[test]
fn two_services_sharing_a_log_dir_conflict() {
    let a = service("a", "./a");
    let mut b = service("b", "./b");
    b.log = Some(log("/var/log/a"));
    assert_eq!(
        build_error(vec![a, b]),
        "/var/log/a is generated twice, by service a and by service b"
    );
}

/// With enough services to be rendered on several threads, the conflict reported is still the
/// first in spec order.
#[test]
fn a_conflict_among_many_services_names_them_in_spec_order() {
    let mut services: Vec<Service> = (0..200)
        .map(|i| service(&format!("s{i:03}"), "./r"))
        .collect();
    services[150].log = Some(log("/var/log/s010"));
    services[190].log = Some(log("/var/log/s020"));
    assert_eq!(
        build_error(services),
        "/var/log/s010 is generated twice, by service s010 and by service s150"
    );
}

/// A log dir at another service's marker path is a conflict, not a marker silently lost.
#[test]
fn a_log_dir_on_a_marker_conflicts() {
    let web = service("web", "./web");
    let mut api = service("api", "./api");
    api.log = Some(log("/etc/sv/web/.runitctl"));
    assert_eq!(
        build_error(vec![api, web]),
        "/etc/sv/web/.runitctl is generated twice, by service api and by service web"
    );
}

#[test]
fn marker_hash_is_stable_and_follows_content() {
    let s = spec(vec![service("web", "./web")], vec![]);
    let m1 = build(&s, &opts()).unwrap();
    let m2 = build(&s, &opts()).unwrap();
    assert_eq!(m1, m2);
    let mut changed = s.clone();
    changed.services[0].run = RunSource::Command("./web2".into());
    let m3 = build(&changed, &opts()).unwrap();
    assert_ne!(
        text(&m1, "/etc/sv/web/.runitctl"),
        text(&m3, "/etc/sv/web/.runitctl")
    );
}

#[test]
fn manifest_lists_every_path_then_file_contents() {
    let m = build(&spec(vec![service("web", "./web")], vec![]), &opts()).unwrap();
    let text = manifest(&m);
    let first: Vec<&str> = text.lines().take(4).collect();
    assert_eq!(
        first,
        [
            "/etc/service/          dir   0755  root:root  root",
            "/etc/service/web       link  0777  root:root  enable-link -> /etc/sv/web",
            "/etc/sv/               dir   0755  root:root  root",
            "/etc/sv/web/           dir   0755  root:root  service-dir",
        ]
    );
    assert!(text.contains("\n==> /etc/sv/web/run <==\n#!/bin/sh\nexec 2>&1\nexec ./web\n"));
}

#[test]
#[ignore = "a measurement, not a test: cargo test --release -- --ignored --nocapture build_timing"]
fn build_timing() {
    let services: Vec<Service> = (0..1000)
        .map(|i| {
            let mut s = service(&format!("svc{i}"), "bundle exec puma -p $PORT");
            s.user = Some("app".into());
            s.env.insert("PORT".into(), (5000 + i).to_string());
            s.env.insert("RAILS_ENV".into(), "production".into());
            s
        })
        .collect();
    let s = spec(services, vec![]);
    let start = std::time::Instant::now();
    let runs = 20;
    let mut nodes = 0;
    for _ in 0..runs {
        nodes = build(&s, &opts()).unwrap().tree.len();
    }
    let per = start.elapsed() / runs;
    println!("build: 1000 services, {nodes} paths: {per:?} per build");
}
