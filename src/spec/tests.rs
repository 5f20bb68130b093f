//! Whole-spec loading: good specs produce the expected [`Spec`]; each rule's failure is reported
//! with the other problems of the same file.

use super::*;
use crate::users::FileUsers;
use std::path::PathBuf;

fn users() -> FileUsers {
    FileUsers::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/users"),
        "root",
    )
    .unwrap()
}

fn load_text(src: &str, root: bool) -> Result<Loaded, Diagnostics> {
    let db = users();
    let opts = LoadOptions {
        root: root.then_some(Path::new("/sandbox")),
        users: &db,
        runit_installed: false,
    };
    load_str(Path::new("services.yaml"), src, &opts)
}

fn errors(src: &str) -> Vec<String> {
    match load_text(src, false) {
        Ok(_) => panic!("spec unexpectedly valid:\n{src}"),
        Err(d) => d.0,
    }
}

/// The first line (`services.yaml:L:C: error: …`) of each diagnostic.
fn heads(src: &str) -> Vec<String> {
    errors(src)
        .iter()
        .map(|d| d.lines().next().unwrap().to_string())
        .collect()
}

const FULL: &str = r#"
project: shop
sv_dir: /etc/sv
service_dir: /etc/service
supervisor: runit
defaults:
  log: { size: 1000000, num: 10, timestamps: t }
  stop_timeout: 9
  env: { LANG: C.UTF-8 }
services:
  web:
    run: bundle exec puma -C config/puma.rb
    user: www-data
    group: www-data
    cwd: /srv/shop/current
    env: { RAILS_ENV: production, WORKERS: 4, DEBUG: false, RATIO: 1.50 }
    umask: "022"
    limits: { nofile: 65536, nproc: 512, memory: 1073741824 }
    finish: /srv/shop/bin/on-exit
    check: curl -fsS http://127.0.0.1:3000/up
    control: { t: "kill -QUIT $(cat supervise/pid)", "1": "echo one" }
    down: false
    enabled: true
    restart_on_update: true
    start_timeout: 60
    instances: 2
    port: 5000
    log:
      user: www-data
      timestamps: tt
      min: 2
      timeout: 86400
      processor: gzip
      udp: 127.0.0.1:514
      prefix: "web: "
      filters: ["-*DEBUG*", "e*ERROR*"]
  worker:
    script: |
      #!/bin/sh
      exec 2>&1
      exec sidekiq
    cwd: ~/
    log: false
    down: true
    enabled: false
users:
  deploy:
    services:
      api: { run: ./bin/api, cwd: ~/app/current, port: 4000 }
  app:
    home: /srv/app
    sv_dir: ~/services
    service_dir: /srv/app/enabled
    services:
      jobs: { run: ./jobs, log: { dir: ~/logs/jobs } }
"#;

#[test]
fn a_fully_featured_spec_loads() {
    let l = load_text(FULL, false).unwrap_or_else(|d| panic!("{d}"));
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    let s = l.spec;
    assert_eq!(s.project, "shop");
    assert_eq!(s.supervisor, Supervisor::Runit);
    let names: Vec<&str> = s.services.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["web-1", "web-2", "worker"]);

    let web2 = &s.services[1];
    assert_eq!(web2.instance, Some(2));
    assert_eq!(web2.port, Some(5001));
    assert_eq!(web2.env["PORT"], "5001");
    assert_eq!(web2.env["WORKERS"], "4");
    assert_eq!(web2.env["DEBUG"], "false");
    assert_eq!(web2.env["RATIO"], "1.50");
    assert_eq!(web2.env["LANG"], "C.UTF-8");
    assert_eq!(web2.user.as_deref(), Some("www-data"));
    assert_eq!(web2.group.as_deref(), Some("www-data"));
    assert_eq!(web2.umask.as_deref(), Some("022"));
    assert_eq!(web2.limits.nofile, Some(65536));
    assert_eq!(web2.control.keys().collect::<String>(), "1t");
    assert_eq!((web2.stop_timeout, web2.start_timeout), (9, 60));
    let log = web2.log.as_ref().unwrap();
    assert_eq!(log.dir, PathBuf::from("/var/log/web-2"));
    assert_eq!(log.timestamps, Timestamps::Tt);
    assert_eq!(
        (log.size, log.num, log.min),
        (Some(1000000), Some(10), Some(2))
    );
    assert_eq!(log.prefix.as_deref(), Some("web: "));
    assert_eq!(log.filters, ["-*DEBUG*", "e*ERROR*"]);

    let worker = &s.services[2];
    assert!(matches!(worker.run, RunSource::Script(_)));
    assert_eq!(worker.cwd, Some(PathBuf::from("/root")));
    assert!(worker.log.is_none());
    assert!(worker.down && !worker.enabled && worker.restart_on_update);

    let names: Vec<&str> = s.users.iter().map(|u| u.account.name.as_str()).collect();
    assert_eq!(names, ["app", "deploy"]);
    let app = &s.users[0];
    assert_eq!(app.account.home, PathBuf::from("/srv/app"));
    assert_eq!(app.sv_dir, PathBuf::from("/srv/app/services"));
    assert_eq!(app.service_dir, PathBuf::from("/srv/app/enabled"));
    let jobs = &app.services[0];
    assert_eq!(jobs.user.as_deref(), Some("app"));
    assert_eq!(
        jobs.log.as_ref().unwrap().dir,
        PathBuf::from("/srv/app/logs/jobs")
    );
    let deploy = &s.users[1];
    assert_eq!(deploy.account.groups, ["deploy", "docker"]);
    assert_eq!(deploy.sv_dir, PathBuf::from("/home/deploy/sv"));
    assert_eq!(deploy.service_dir, PathBuf::from("/home/deploy/service"));
    let api = &deploy.services[0];
    assert_eq!(api.cwd, Some(PathBuf::from("/home/deploy/app/current")));
    assert_eq!(api.port, Some(4000));
    assert_eq!(api.instance, None);
    assert_eq!(api.env["PORT"], "4000");
    let alog = api.log.as_ref().unwrap();
    assert_eq!(alog.dir, PathBuf::from("/home/deploy/log/api"));
    assert_eq!(alog.user.as_deref(), Some("deploy"));
    assert_eq!(alog.timestamps, Timestamps::T);
}

#[test]
fn minimal_specs_take_every_default() {
    let s = load_text("services:\n  a: { run: x }\n", false)
        .unwrap()
        .spec;
    assert_eq!(s.project, "default");
    assert_eq!(s.sv_dir, PathBuf::from("/etc/sv"));
    assert_eq!(s.service_dir, PathBuf::from("/etc/service"));
    assert_eq!(s.supervisor, Supervisor::Embedded);
    let a = &s.services[0];
    assert_eq!((a.stop_timeout, a.start_timeout), (7, 30));
    assert!(a.enabled && !a.down && a.restart_on_update);
    assert_eq!(a.user, None);
    let log = a.log.as_ref().unwrap();
    assert_eq!(log.dir, PathBuf::from("/var/log/a"));
    assert_eq!(log.timestamps, Timestamps::Tt);
    assert_eq!(log.user, None);
    let empty = load_text("{}\n", false).unwrap().spec;
    assert!(empty.services.is_empty() && empty.users.is_empty());
}

#[test]
fn the_supervisor_defaults_to_runit_when_installed() {
    let db = users();
    let opts = LoadOptions {
        root: None,
        users: &db,
        runit_installed: true,
    };
    let l = load_str(Path::new("s.yaml"), "services: {}\n", &opts).unwrap();
    assert_eq!(l.spec.supervisor, Supervisor::Runit);
}

#[test]
fn the_quickstart_loads_with_root_mapping() {
    let db = FileUsers::parse("me:x:1234:1234::/home/me:/bin/sh\n", "me:x:1234:\n", "me");
    let opts = LoadOptions {
        root: Some(Path::new("/tmp/sandbox")),
        users: &db,
        runit_installed: true,
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/quickstart/services.yaml");
    let l = load(&path, &opts).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(
        l.warnings,
        ["not found on this host, mapped to the invoking user `me` under --root: user `deploy`"]
    );
    let s = l.spec;
    assert_eq!(s.supervisor, Supervisor::Embedded);
    assert_eq!(s.services.len(), 2);
    let d = &s.users[0];
    assert_eq!(d.account.name, "deploy");
    assert_eq!(d.account.effective, "me");
    assert_eq!((d.account.uid, d.account.gid), (1234, 1234));
    assert_eq!(d.account.home, PathBuf::from("/home/deploy"));
    assert_eq!(d.services[0].user.as_deref(), Some("me"));
    assert_eq!(d.services[0].cwd, Some(PathBuf::from("/home/deploy")));
    assert_eq!(s.services[0].log.as_ref().unwrap().size, Some(100000));
}

#[test]
fn every_problem_is_reported_at_once_in_position_order() {
    assert_eq!(
        heads("services:\n  web:\n    usr: x\n    stop_timeout: soon\n  ../x: { run: y }\n"),
        [
            "services.yaml:2:3: error: service `web` has none of `run`, `script` or `template`",
            "services.yaml:3:5: error: unknown key `usr` in service `web`",
            "services.yaml:4:19: error: `stop_timeout` in service `web` must be a non-negative integer, found string `soon`",
            "services.yaml:5:3: error: service name `../x` contains `/`",
        ]
    );
    assert_eq!(errors("services: {}\nusers: {nobody_here: {}}\n").len(), 1);
}

#[test]
fn instance_names_obey_the_length_limit() {
    let name = "x".repeat(62);
    let src = format!("services:\n  {name}:\n    run: r\n    instances: 10\n");
    let h = heads(&src);
    assert_eq!(h.len(), 1, "{h:?}");
    assert!(h[0].ends_with("is 65 bytes long (at most 64) (instance 10 of `xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`)"), "{h:?}");
    // 62 + "-9" fits.
    let ok = format!("services:\n  {name}:\n    run: r\n    instances: 9\n");
    assert_eq!(load_text(&ok, false).unwrap().spec.services.len(), 9);
}

#[test]
fn a_users_app_may_only_name_the_users_primary_group() {
    // deploy: primary group deploy, also in docker. Its runsvdir cannot switch groups.
    let src = "users:\n  deploy:\n    services:\n      a: { run: r, group: docker }\n      b: { run: r, group: www-data }\n      c: { run: r, group: deploy }\n";
    let e = errors(src);
    let heads: Vec<&str> = e.iter().map(|d| d.lines().next().unwrap()).collect();
    assert_eq!(
        heads,
        [
            "services.yaml:4:27: error: service `a` of user `deploy` cannot switch to group `docker`",
            "services.yaml:5:27: error: service `b` of user `deploy` cannot switch to group `www-data`",
        ]
    );
    assert!(e[0].ends_with(
        "= help: user `deploy`'s runsvdir runs as `deploy`, which cannot switch groups; its apps \
         already run with all of its groups (deploy, docker): leave `group` out"
    ));
    let ok = "users:\n  deploy:\n    services:\n      c: { run: r, group: deploy }\n";
    let s = load_text(ok, false).unwrap().spec;
    assert_eq!(s.users[0].services[0].group.as_deref(), Some("deploy"));
}

#[test]
fn defaults_group_applies_to_system_services_only() {
    let src = "defaults: { user: www-data, group: docker }\nservices:\n  web: { run: r }\nusers:\n  deploy:\n    services:\n      api: { run: r }\n";
    let s = load_text(src, false).unwrap_or_else(|d| panic!("{d}")).spec;
    assert_eq!(s.services[0].group.as_deref(), Some("docker"));
    assert_eq!(s.users[0].services[0].group, None);
}

#[test]
fn user_trees_may_not_share_directories() {
    let src =
        "users:\n  deploy:\n    sv_dir: /etc/sv\n  app:\n    service_dir: /home/deploy/service\n";
    assert_eq!(
        heads(src),
        [
            "services.yaml:3:13: error: sv_dir `/etc/sv` of user `deploy` is also the system sv_dir",
            "services.yaml:5:18: error: service_dir `/home/deploy/service` of user `app` is also the service_dir of user `deploy`",
        ]
    );
}

/// The spec fragments of the bug hunt's finding 4 that passed `check` and made `plan` fail
/// with "… is generated twice".
#[test]
fn tree_dirs_may_not_be_equal_or_nested() {
    let h =
        heads("sv_dir: /etc/service\nservice_dir: /etc/service\nservices:\n  web: { run: r }\n");
    assert_eq!(
        h,
        ["services.yaml:2:14: error: service_dir `/etc/service` is also the system sv_dir"]
    );
    let h = heads("service_dir: /etc/sv/enabled\nservices:\n  enabled: { run: r }\n");
    assert_eq!(
        h,
        ["services.yaml:1:14: error: service_dir `/etc/sv/enabled` is inside the system sv_dir `/etc/sv`"]
    );
    // A default is written nowhere: the one written is reported, the relation turned round.
    let h = heads("sv_dir: /etc/service/defs\n");
    assert_eq!(
        h,
        ["services.yaml:1:9: error: sv_dir `/etc/service/defs` is inside the system service_dir `/etc/service`"]
    );
    let h = heads("sv_dir: /etc\n");
    assert_eq!(
        h,
        ["services.yaml:1:9: error: sv_dir `/etc` contains the system service_dir `/etc/service`"]
    );
    // A user's dirs, against the system's and each other (a default is reported at the name).
    let src = "users:\n  deploy:\n    sv_dir: /etc/sv/deploy\n  app:\n    home: /srv/app\n    service_dir: ~/sv/enabled\n";
    assert_eq!(
        heads(src),
        [
            "services.yaml:3:13: error: sv_dir `/etc/sv/deploy` of user `deploy` is inside the system sv_dir `/etc/sv`",
            "services.yaml:6:18: error: service_dir `/srv/app/sv/enabled` of user `app` is inside the sv_dir of user `app` `/srv/app/sv`",
        ]
    );
    // Siblings are fine.
    let ok = "sv_dir: /etc/sv\nservice_dir: /etc/svc\nusers:\n  app:\n    home: /srv/app\n    sv_dir: ~/services\n    service_dir: ~/enabled\n";
    load_text(ok, false).unwrap_or_else(|d| panic!("{d}"));
}

#[test]
fn log_dirs_stay_out_of_tree_dirs() {
    let src = "services:\n  web: { run: r, log: { dir: /etc/sv/web } }\n  db: { run: r, log: { dir: /etc/sv/web/log/main } }\n  a: { run: r, log: { dir: /etc/service } }\n  b: { run: r, log: { dir: /etc } }\n  c: { run: r, log: { dir: /home/deploy/sv } }\n  d: { run: r, log: { dir: /var/log/runsvdir-deploy } }\nusers:\n  deploy:\n    services:\n      api: { run: r, log: { dir: /etc/sv/api } }\n";
    assert_eq!(
        heads(src),
        [
            // `b`'s `/etc` holds every other log dir here (and two of the tree dirs).
            "services.yaml:2:30: error: log dir `/etc/sv/web` of service `web` is inside `/etc`, the log dir of `b`",
            "services.yaml:2:30: error: log dir `/etc/sv/web` of service `web` is inside the system sv_dir `/etc/sv`",
            "services.yaml:3:29: error: log dir `/etc/sv/web/log/main` of service `db` is inside `/etc`, the log dir of `b`",
            "services.yaml:3:29: error: log dir `/etc/sv/web/log/main` of service `db` is inside the system sv_dir `/etc/sv`",
            "services.yaml:4:28: error: log dir `/etc/service` of service `a` is inside `/etc`, the log dir of `b`",
            "services.yaml:4:28: error: log dir `/etc/service` of service `a` is the system service_dir",
            "services.yaml:5:28: error: log dir `/etc` of service `b` contains the system sv_dir `/etc/sv`",
            "services.yaml:6:28: error: log dir `/home/deploy/sv` of service `c` is the sv_dir of user `deploy`",
            "services.yaml:7:28: error: log dir `/var/log/runsvdir-deploy` of service `d` is the log dir of user `deploy`'s runsvdir",
            "services.yaml:11:34: error: log dir `/etc/sv/api` of service `api` of user `deploy` is inside `/etc`, the log dir of `b`",
            "services.yaml:11:34: error: log dir `/etc/sv/api` of service `api` of user `deploy` is inside the system sv_dir `/etc/sv`",
        ]
    );
}

#[test]
fn a_log_dir_in_a_tree_dir_is_reported_once_per_declared_service() {
    assert_eq!(
        heads("sv_dir: /var/log\nservices:\n  e: { run: r, instances: 3 }\n"),
        ["services.yaml:3:3: error: log dir `/var/log/e-1` of service `e-1` is inside the system sv_dir `/var/log`"]
    );
}

#[test]
fn a_log_dir_is_not_shared_across_trees() {
    let src = "services:\n  api: { run: r, log: { dir: /home/deploy/log/api } }\nusers:\n  deploy:\n    services:\n      api: { run: r }\n";
    assert_eq!(
        heads(src),
        ["services.yaml:6:7: error: log dir `/home/deploy/log/api` of service `api` of user `deploy` is also the log dir of `api`"]
    );
}

#[test]
fn defaults_user_applies_to_system_services_only() {
    let src = "defaults: { user: www-data }\nservices:\n  web: { run: r }\nusers:\n  deploy:\n    services:\n      api: { run: r }\n";
    let s = load_text(src, false).unwrap().spec;
    assert_eq!(s.services[0].user.as_deref(), Some("www-data"));
    assert_eq!(s.users[0].services[0].user.as_deref(), Some("deploy"));
}

#[test]
fn defaults_log_merges_key_by_key_and_log_false_wins() {
    let src = "defaults:\n  log: { size: 5, num: 2, prefix: \"d \" }\nservices:\n  a: { run: r, log: { num: 7 } }\n  b: { run: r, log: false }\n  c: { run: r, log: true }\n";
    let s = load_text(src, false).unwrap().spec;
    let a = s.services[0].log.as_ref().unwrap();
    assert_eq!(
        (a.size, a.num, a.prefix.as_deref()),
        (Some(5), Some(7), Some("d "))
    );
    assert!(s.services[1].log.is_none());
    assert_eq!(s.services[2].log.as_ref().unwrap().size, Some(5));
}

#[test]
fn sandbox_maps_missing_groups_too_in_one_warning() {
    let src = "services:\n  web: { run: r, user: nginx, group: web, log: { user: nginxlog } }\n";
    let l = load_text(src, true).unwrap();
    assert_eq!(
        l.warnings,
        ["not found on this host, mapped to the invoking user `root` under --root: user `nginx`, user `nginxlog`, group `web`"]
    );
    let web = &l.spec.services[0];
    assert_eq!(web.user.as_deref(), Some("root"));
    assert_eq!(web.group.as_deref(), Some("root"));
    assert_eq!(web.log.as_ref().unwrap().user.as_deref(), Some("root"));
}

#[test]
fn templates_are_read_relative_to_the_spec() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("t")).unwrap();
    std::fs::write(dir.join("t/run.hbs"), "#!/bin/sh\nexec {{name}}\n").unwrap();
    let path = dir.join("services.yaml");
    std::fs::write(&path, "services:\n  web: { template: t/run.hbs }\n").unwrap();
    let db = users();
    let opts = LoadOptions {
        root: None,
        users: &db,
        runit_installed: false,
    };
    let s = load(&path, &opts).unwrap().spec;
    assert_eq!(
        s.services[0].run,
        RunSource::Template {
            path: dir.join("t/run.hbs"),
            body: "#!/bin/sh\nexec {{name}}\n".into()
        }
    );
}

#[test]
fn a_bad_path_in_defaults_is_reported_once() {
    let src = "defaults: { cwd: app }\nservices:\n  a: { run: r }\n  b: { run: r }\n";
    assert_eq!(
        heads(src),
        ["services.yaml:1:18: error: `cwd` in `defaults` must be an absolute path, found `app`"]
    );
}

#[test]
fn an_unknown_users_apps_are_still_checked() {
    let src = "users:\n  ghost:\n    services:\n      .x: { run: r }\n      a: { run: r, stop_timeout: x }\n";
    assert_eq!(
        heads(src),
        [
            "services.yaml:2:3: error: unknown user `ghost`",
            "services.yaml:4:7: error: service name `.x` must start with a letter or digit",
            "services.yaml:5:34: error: `stop_timeout` in service `a` of user `ghost` must be a non-negative integer, found string `x`",
        ]
    );
}

#[test]
fn defaults_log_user_is_for_system_services_only() {
    let src = "defaults: { log: { user: www-data } }\nservices:\n  web: { run: r }\nusers:\n  deploy:\n    services:\n      api: { run: r }\n";
    let s = load_text(src, false).unwrap().spec;
    assert_eq!(
        s.services[0].log.as_ref().unwrap().user.as_deref(),
        Some("www-data")
    );
    assert_eq!(
        s.users[0].services[0].log.as_ref().unwrap().user.as_deref(),
        Some("deploy")
    );
}

#[test]
fn user_home_must_be_absolute() {
    assert_eq!(
        heads("users:\n  deploy:\n    home: ~/x\n"),
        ["services.yaml:3:11: error: `home` in user `deploy` must be an absolute path, found `~/x`"]
    );
}

#[test]
fn a_service_outside_services_says_where_it_belongs() {
    let src = "web: { run: r }\nusers:\n  deploy:\n    api:\n      run: r\n";
    let e = errors(src);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(e[0].starts_with("services.yaml:1:1: error: unknown key `web` at the top level\n"));
    assert!(e[0].ends_with("= help: `web` looks like a service: put it under `services:`"));
    assert!(e[1].starts_with("services.yaml:4:5: error: unknown key `api` in user `deploy`\n"));
}

#[test]
fn a_spec_that_is_not_utf8_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("services.yaml");
    std::fs::write(&path, b"services:\n  web: { run: \"\xff\" }\n").unwrap();
    let db = users();
    let opts = LoadOptions {
        root: None,
        users: &db,
        runit_installed: false,
    };
    let Err(d) = load(&path, &opts) else {
        panic!("loaded")
    };
    assert_eq!(
        d.0,
        [format!(
            "{}:2:16: error: the spec is not UTF-8 text",
            path.display()
        )]
    );
}

#[test]
fn no_spec_path_may_have_dot_components() {
    let src = "sv_dir: /etc/sv/..\nservice_dir: /etc/./service\nservices:\n  web: { run: r, cwd: /srv/../x, log: { dir: /../escaped } }\nusers:\n  deploy:\n    home: /../nbhome\n    sv_dir: ~/../sv\n    service_dir: /home/deploy/service/.\n";
    let h = heads(src);
    let at: Vec<&str> = h
        .iter()
        .map(|d| d.split(": error").next().unwrap())
        .collect();
    assert_eq!(
        at,
        [
            "services.yaml:1:9",
            "services.yaml:2:14",
            "services.yaml:4:23",
            "services.yaml:4:46",
            "services.yaml:7:11",
            "services.yaml:8:13",
            "services.yaml:9:18",
        ],
        "{h:#?}"
    );
    assert!(h[0].ends_with("`sv_dir` must not have a `..` component, found `/etc/sv/..`"));
    // `//` and a trailing `/` are normalised away.
    let s = load_text(
        "sv_dir: //etc//sv/\nservices:\n  web: { run: r, log: { dir: /var/log//web/ } }\n",
        false,
    )
    .unwrap()
    .spec;
    assert_eq!(s.sv_dir, PathBuf::from("/etc/sv"));
    assert_eq!(
        s.services[0].log.as_ref().unwrap().dir,
        PathBuf::from("/var/log/web")
    );
}

#[test]
fn user_names_are_checked_for_shape_even_under_root() {
    let src = "users:\n  \"\": {}\n  -x: {}\n  \"a b\": {}\n  ok.name: {}\n";
    let Err(d) = load_text(src, true) else {
        panic!("loaded")
    };
    let heads: Vec<&str> = d.0.iter().map(|d| d.lines().next().unwrap()).collect();
    assert_eq!(
        heads,
        [
            "services.yaml:2:3: error: a user name must not be empty",
            "services.yaml:3:3: error: `-x` is not a user name",
            "services.yaml:4:3: error: `a b` is not a user name",
        ]
    );
}

#[test]
fn a_log_dir_may_not_be_inside_another() {
    let src = "services:\n  a: { run: x, log: { dir: /var/log } }\n  b: { run: x }\n  \
               c: { run: x, log: { dir: /srv/logs/c } }\n  d: { run: x, log: { dir: /srv/logs/c/d } }\n  \
               e: { run: x, log: { dir: /srv/logs/cd } }\n";
    assert_eq!(
        heads(src),
        [
            "services.yaml:3:3: error: log dir `/var/log/b` of service `b` is inside `/var/log`, the log dir of `a`",
            "services.yaml:5:28: error: log dir `/srv/logs/c/d` of service `d` is inside `/srv/logs/c`, the log dir of `c`",
        ]
    );
}
