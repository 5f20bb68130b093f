//! Procfile + env files + formation → services.yaml text, with foreman's semantics.
//!
//! - One service per process type, named `<app>-<process>` (`_` in a process name becomes
//!   `-`). A process with formation N > 1 becomes `instances: N`, which runitctl expands to
//!   `<app>-<process>-1 … -N`: exactly the names `foreman export runit` gives.
//! - `port: base + 100 × position` with `instances` reproduces foreman's
//!   `PORT = base + 100 × position + instance − 1` for every instance (position is the
//!   zero-based index in the Procfile, counting processes that the formation leaves out).
//!   The base is `--port`, else `PORT` from the env files, else 5000.
//! - Every env-file variable goes into each service's `env:` (except `PORT`, which `port` sets).
//!   Without `--env`, a `.env` beside the Procfile is read when it exists, as foreman does.
//! - `cwd` is the app directory (`--dir`, else the Procfile's directory), absolute but with
//!   symlinks kept, so a Capistrano `current` link keeps working after the next deploy.
//! - Commands are copied verbatim. One that uses `$PORT` or an env-file variable
//!   (`web: rails s -p $PORT`) needs no wrapping: render runs any command with shell syntax as
//!   `chpst … /bin/sh -c CMD`, so the shell expands `$PORT` after `chpst -e` has set it
//!   (foreman's runit export expands it too early, in the run script's own shell).
//! - `--user USER` puts the services in USER's tree (`users: {USER: {services: …}}`).
//! - `project:` is the app name, so a later `apply` prunes only this app's services.

use super::envfile;
use super::error::ImportError;
use super::formation::Formation;
use super::names::{dashed, is_service_name, MAX_NAME};
use super::procfile::{self, Process};
use super::yaml::scalar;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

/// What to import; mirrors `runitctl import procfile`'s flags.
#[derive(Debug, Clone, Default)]
pub struct ProcfileImport {
    pub procfile: PathBuf,
    /// Env files in order (later wins); empty: `.env` beside the Procfile if it exists.
    pub env_files: Vec<PathBuf>,
    pub user: Option<String>,
    pub formation: Option<String>,
    /// Base port; None: `PORT` from the env files, else 5000.
    pub port: Option<u16>,
    /// App name (project and name prefix); None: the app directory's name.
    pub app: Option<String>,
    /// App directory (the services' cwd); None: the Procfile's directory.
    pub dir: Option<PathBuf>,
}

/// A generated services.yaml and the notes worth telling the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub yaml: String,
    pub warnings: Vec<String>,
}

/// foreman's default base port.
pub const DEFAULT_PORT: u16 = 5000;

/// Reads the Procfile and env files and writes services.yaml text. Reads files; writes none.
pub fn import_procfile(opts: &ProcfileImport) -> Result<Imported, ImportError> {
    let shown = opts.procfile.display().to_string();
    let text = read(&opts.procfile)?;
    let procs = procfile::parse(&text, &shown)?;
    let procfile_dir = opts
        .procfile
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();

    let env_files: Vec<PathBuf> = if opts.env_files.is_empty() {
        let dotenv = procfile_dir.join(".env");
        if dotenv.is_file() {
            vec![dotenv]
        } else {
            Vec::new()
        }
    } else {
        opts.env_files.clone()
    };
    let mut env = BTreeMap::new();
    let mut errors = Vec::new();
    for f in &env_files {
        match envfile::parse(&read(f)?, &f.display().to_string()) {
            Ok(vars) => env.extend(vars),
            Err(e) => errors.extend(e.0),
        }
    }
    if !errors.is_empty() {
        return Err(ImportError(errors));
    }
    let base = match (opts.port, env.remove("PORT")) {
        (Some(p), _) => p,
        (None, Some(p)) => p.trim().parse::<u16>().map_err(|_| {
            ImportError::one(format!(
                "error: PORT={p:?} from the env files is not a port number (use --port)"
            ))
        })?,
        (None, None) => DEFAULT_PORT,
    };

    let formation = match &opts.formation {
        Some(f) => Formation::parse(f)?,
        None => Formation::default(),
    };
    let known: Vec<&str> = procs.iter().map(|p| p.name.as_str()).collect();
    formation.check_names(&known)?;

    let dir = absolute(opts.dir.as_deref().unwrap_or(&procfile_dir))?;
    let mut warnings = Vec::new();
    let app = app_name(opts.app.as_deref(), &dir, &mut warnings)?;
    if let Some(u) = &opts.user {
        check_user(u)?;
    }

    let plan = plan_services(&procs, &formation, &app, base, &shown, &mut warnings)?;
    let yaml = emit(opts, &shown, &env_files, base, &app, &dir, &env, &plan);
    Ok(Imported { yaml, warnings })
}

/// One process's place in the output.
struct Planned<'a> {
    process: &'a Process,
    name: String,
    count: u32,
    port: u16,
}

fn plan_services<'a>(
    procs: &'a [Process],
    formation: &Formation,
    app: &str,
    base: u16,
    shown: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<Planned<'a>>, ImportError> {
    let mut out = Vec::new();
    let mut taken: BTreeMap<String, &str> = BTreeMap::new();
    let mut errors = Vec::new();
    for (pos, p) in procs.iter().enumerate() {
        let count = formation.count(&p.name);
        let name = format!("{app}-{}", dashed(&p.name));
        if p.name.contains('_') {
            warnings.push(format!(
                "warning: {shown}:{}: process `{}` becomes service `{name}` (runitctl service names have no `_`)",
                p.line, p.name
            ));
        }
        let port = u32::from(base) + 100 * pos as u32;
        let top = port + count.max(1) - 1;
        if top > u32::from(u16::MAX) {
            errors.push(format!(
                "error: process `{}` would get PORT {top}, above 65535 (lower --port)",
                p.name
            ));
            continue;
        }
        let expanded: Vec<String> = if count > 1 {
            (1..=count).map(|i| format!("{name}-{i}")).collect()
        } else {
            vec![name.clone()]
        };
        if count > 0 {
            for n in &expanded {
                if n.len() > MAX_NAME || !is_service_name(n) {
                    errors.push(format!(
                        "error: process `{}` gives the service name `{n}`, which is not valid (at most {MAX_NAME} bytes of letters, digits, `.`, `@`, `-`; try a shorter --app)",
                        p.name
                    ));
                } else if let Some(other) = taken.insert(n.clone(), &p.name) {
                    errors.push(format!(
                        "error: processes `{other}` and `{}` both give the service name `{n}`",
                        p.name
                    ));
                }
            }
        }
        out.push(Planned {
            process: p,
            name,
            count,
            port: port as u16,
        });
    }
    if !errors.is_empty() {
        return Err(ImportError(errors));
    }
    if out.iter().all(|p| p.count == 0) {
        return Err(ImportError::one(
            "error: --formation leaves no process to run",
        ));
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn emit(
    opts: &ProcfileImport,
    shown: &str,
    env_files: &[PathBuf],
    base: u16,
    app: &str,
    dir: &Path,
    env: &BTreeMap<String, String>,
    plan: &[Planned],
) -> String {
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# services.yaml imported from {shown} by `runitctl import procfile` (foreman semantics)."
    );
    if !env_files.is_empty() {
        let names: Vec<String> = env_files.iter().map(|f| f.display().to_string()).collect();
        let _ = writeln!(y, "# Env files: {}.", names.join(", "));
    }
    let _ = writeln!(
        y,
        "# PORT = {base} + 100 x position in the Procfile + instance - 1."
    );
    let _ = writeln!(y, "project: {}", scalar(app));
    let indent = match &opts.user {
        Some(u) => {
            let _ = writeln!(y, "users:\n  {}:\n    services:", scalar(u));
            "      "
        }
        None => {
            let _ = writeln!(y, "services:");
            "  "
        }
    };
    let cwd = dir.display().to_string();
    for p in plan {
        if p.count == 0 {
            let _ = writeln!(
                y,
                "{indent}# {} (line {}): formation 0, not imported",
                p.process.name, p.process.line
            );
            continue;
        }
        let _ = writeln!(y, "{indent}{}:", scalar(&p.name));
        let _ = writeln!(y, "{indent}  run: {}", scalar(&p.process.command));
        let _ = writeln!(y, "{indent}  cwd: {}", scalar(&cwd));
        if p.count > 1 {
            let _ = writeln!(y, "{indent}  instances: {}", p.count);
        }
        let _ = writeln!(y, "{indent}  port: {}", p.port);
        if !env.is_empty() {
            let _ = writeln!(y, "{indent}  env:");
            for (k, v) in env {
                let _ = writeln!(y, "{indent}    {}: {}", scalar(k), scalar(v));
            }
        }
    }
    y
}

fn read(path: &Path) -> Result<String, ImportError> {
    std::fs::read_to_string(path)
        .map_err(|e| ImportError::one(format!("error: cannot read {}: {e}", path.display())))
}

/// `path` made absolute against the current directory, `.` and `..` resolved lexically
/// (symlinks are kept: `/srv/app/current` stays `current`).
fn absolute(path: &Path) -> Result<PathBuf, ImportError> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| ImportError::one(format!("error: current directory: {e}")))?
            .join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

fn app_name(
    given: Option<&str>,
    dir: &Path,
    warnings: &mut Vec<String>,
) -> Result<String, ImportError> {
    let (raw, from) = match given {
        Some(a) => (a.to_string(), "--app"),
        None => (
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            "the app directory's name",
        ),
    };
    let app = dashed(&raw);
    // The app is also the spec's `project` ([A-Za-z0-9._-]+), so no `@` here.
    if !is_service_name(&app) || app.contains('@') {
        return Err(ImportError::one(format!(
            "error: app name `{raw}` (from {from}) cannot prefix service names; pass --app NAME (letters, digits, `.`, `-`)"
        )));
    }
    if app != raw {
        warnings.push(format!("warning: app name `{raw}` becomes `{app}`"));
    }
    Ok(app)
}

fn check_user(user: &str) -> Result<(), ImportError> {
    if crate::users::is_user_name(user) {
        Ok(())
    } else {
        Err(ImportError::one(format!(
            "error: --user: `{user}` is not a user name"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn ports_follow_foreman_for_every_instance() {
        let t = tempfile::tempdir().unwrap();
        let procfile = write(t.path(), "Procfile", "web: a\nworker: b\nclock: c\n");
        let out = import_procfile(&ProcfileImport {
            procfile,
            formation: Some("web=2,clock=1".into()),
            app: Some("shop".into()),
            dir: Some("/srv/shop".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(out.yaml.contains(
            "  shop-web:\n    run: a\n    cwd: /srv/shop\n    instances: 2\n    port: 5000\n"
        ));
        assert!(out
            .yaml
            .contains("# worker (line 2): formation 0, not imported"));
        assert!(out
            .yaml
            .contains("  shop-clock:\n    run: c\n    cwd: /srv/shop\n    port: 5200\n"));
    }

    #[test]
    fn base_port_from_env_file_and_dotenv_default() {
        let t = tempfile::tempdir().unwrap();
        let procfile = write(t.path(), "Procfile", "web: a\n");
        write(t.path(), ".env", "PORT=3000\nRACK_ENV=production\n");
        let out = import_procfile(&ProcfileImport {
            procfile,
            app: Some("x".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(out
            .yaml
            .contains("    port: 3000\n    env:\n      RACK_ENV: production\n"));
        assert!(!out.yaml.contains("PORT:"));
    }

    #[test]
    fn later_env_files_win_and_flag_port_beats_env_port() {
        let t = tempfile::tempdir().unwrap();
        let procfile = write(t.path(), "Procfile", "web: a\n");
        write(t.path(), ".env", "IGNORED=1\n");
        let a = write(t.path(), "a.env", "K=a\nPORT=4000\n");
        let b = write(t.path(), "b.env", "K=b\n");
        let out = import_procfile(&ProcfileImport {
            procfile,
            env_files: vec![a, b],
            port: Some(9000),
            app: Some("x".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(
            out.yaml.contains("    port: 9000\n    env:\n      K: b\n"),
            "{}",
            out.yaml
        );
        assert!(
            !out.yaml.contains("IGNORED"),
            "an explicit --env replaces the .env default"
        );
    }

    #[test]
    fn underscores_become_dashes_with_a_warning() {
        let t = tempfile::tempdir().unwrap();
        let procfile = write(t.path(), "Procfile", "release_worker: a\n");
        let out = import_procfile(&ProcfileImport {
            procfile: procfile.clone(),
            app: Some("my_app".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(out.yaml.contains("  my-app-release-worker:\n"));
        assert_eq!(out.warnings.len(), 2);
    }

    #[test]
    fn colliding_names_are_errors() {
        let t = tempfile::tempdir().unwrap();
        let procfile = write(t.path(), "Procfile", "web: a\nweb-2: b\n");
        let e = import_procfile(&ProcfileImport {
            procfile,
            app: Some("a".into()),
            formation: Some("web=2,web-2=1".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "error: processes `web` and `web-2` both give the service name `a-web-2`"
        );
    }

    #[test]
    fn app_names_must_suit_project_and_service_names() {
        let t = tempfile::tempdir().unwrap();
        let procfile = write(t.path(), "Procfile", "web: a\n");
        for bad in ["a@b", "-x", "a b", ""] {
            let e = import_procfile(&ProcfileImport {
                procfile: procfile.clone(),
                app: Some(bad.into()),
                ..Default::default()
            })
            .unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("error: app name `{bad}` (from --app) cannot prefix service names; pass --app NAME (letters, digits, `.`, `-`)")
            );
        }
    }

    #[test]
    fn commands_are_copied_verbatim_for_render_to_wrap() {
        let t = tempfile::tempdir().unwrap();
        let procfile = write(
            t.path(),
            "Procfile",
            "web: bundle exec puma -p $PORT\nworker: exec run ${RAILS_ENV} it's\n",
        );
        write(t.path(), ".env", "RAILS_ENV=production\n");
        let out = import_procfile(&ProcfileImport {
            procfile,
            app: Some("x".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(
            out.yaml.contains("    run: bundle exec puma -p $PORT\n"),
            "{}",
            out.yaml
        );
        assert!(
            out.yaml.contains("    run: exec run ${RAILS_ENV} it's\n"),
            "{}",
            out.yaml
        );
        assert!(!out.yaml.contains("sh -c"), "{}", out.yaml);
    }

    #[test]
    fn relative_dirs_become_absolute_lexically() {
        let p = absolute(Path::new("/a/b/../c/./d")).unwrap();
        assert_eq!(p, PathBuf::from("/a/c/d"));
        assert!(absolute(Path::new("x")).unwrap().is_absolute());
    }
}
