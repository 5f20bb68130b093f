//! Script bodies: `run` (built-in, `script:` or the user's `template:`), `log/run`, the
//! `runsvdir-<user>` run script, and the `finish`/`check`/`control/<c>` hooks.
//!
//! The built-in scripts are written by code, not by handlebars: rendering them through a
//! template serialised each service's data to JSON first, which was a third of a 1,000-service
//! model build. `templates/*.hbs` are the same scripts as templates (the starting point for a
//! `template:`); a test holds the two to the same output.

use super::command::plain_words;
use super::data::{LogRunData, RunData, RunsvdirData};
use super::engine::new_registry;
use super::error::TemplateError;
use super::quote::{shell_join, shell_quote};
use crate::spec::RunSource;

/// The `run` script of a service.
pub fn run_script(source: &RunSource, data: &RunData) -> Result<String, TemplateError> {
    match source {
        RunSource::Command(_) => Ok(builtin_run(data)),
        RunSource::Script(body) => Ok(as_script(body)),
        RunSource::Template { path, body } => new_registry()
            .render_template(body, data)
            .map_err(|e| TemplateError::from_handlebars(path.clone(), &e)),
    }
}

/// `templates/run.hbs`: `cd` and `umask` only when set and not empty, then `exec`.
fn builtin_run(data: &RunData) -> String {
    let mut out = String::from("#!/bin/sh\nexec 2>&1\n");
    // Handlebars' `{{#if}}`: null and "" are both false.
    let set = |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).map(shell_quote);
    if let Some(cwd) = set(&data.cwd) {
        out += &format!("cd {cwd} || exit 1\n");
    }
    if let Some(umask) = set(&data.umask) {
        out += &format!("umask {umask}\n");
    }
    out + &format!("exec {}\n", shell_join(&data.exec))
}

/// `log/run` (`templates/log-run.hbs`): `exec [chpst -u …] svlogd [-tt] DIR`.
pub fn log_run_script(data: &LogRunData) -> String {
    format!("#!/bin/sh\nexec {}\n", shell_join(&data.exec))
}

/// The run script of the `runsvdir-<user>` system service (`templates/runsvdir-run.hbs`).
pub fn runsvdir_run_script(data: &RunsvdirData) -> String {
    format!(
        "#!/bin/sh\nexec 2>&1\nexport HOME={} USER={}\nexec {}\n",
        shell_quote(&data.home),
        shell_quote(&data.user),
        shell_join(&data.exec)
    )
}

/// A body written as given when it starts with `#!`; otherwise `#!/bin/sh` is put on top.
/// A missing final newline is added.
pub fn as_script(body: &str) -> String {
    let mut s = if body.starts_with("#!") {
        body.to_string()
    } else {
        format!("#!/bin/sh\n{body}")
    };
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// `finish`, `check` or `control/<c>` from the spec's text.
///
/// A body starting with `#!` is a script, written as given. Otherwise it is a command: a plain
/// one is exec'ed (`exec CMD "$@"` when `pass_args`, for finish's exit code and signal); one
/// that uses shell syntax is written as its own line, where `$1`/`$2` are runit's arguments.
pub fn hook_script(body: &str, pass_args: bool) -> String {
    if body.starts_with("#!") {
        return as_script(body);
    }
    let line = match plain_words(body) {
        Some(words) if pass_args => format!("exec {} \"$@\"", shell_join(&words)),
        Some(words) => format!("exec {}", shell_join(&words)),
        None => body.trim().to_string(),
    };
    format!("#!/bin/sh\nexec 2>&1\n{line}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn default_run_template_reads_like_a_person_wrote_it() {
        let data = RunData {
            name: "web".into(),
            cwd: Some("/srv/shop/current".into()),
            umask: Some("022".into()),
            exec: s(&[
                "chpst",
                "-u",
                "www-data:www-data",
                "-e",
                "./env",
                "bundle",
                "exec",
                "puma",
            ]),
            ..RunData::default()
        };
        let out = run_script(&RunSource::Command("bundle exec puma".into()), &data).unwrap();
        assert_eq!(
            out,
            "#!/bin/sh\nexec 2>&1\ncd /srv/shop/current || exit 1\numask 022\n\
             exec chpst -u www-data:www-data -e ./env bundle exec puma\n"
        );
    }

    #[test]
    fn default_run_template_without_cwd_or_umask_has_no_blank_lines() {
        let data = RunData {
            exec: s(&["/bin/sh", "-c", "while :; do date; done"]),
            ..RunData::default()
        };
        let out = run_script(&RunSource::Command(String::new()), &data).unwrap();
        assert_eq!(
            out,
            "#!/bin/sh\nexec 2>&1\nexec /bin/sh -c 'while :; do date; done'\n"
        );
    }

    #[test]
    fn values_are_quoted_and_never_html_escaped() {
        let data = RunData {
            cwd: Some("/srv/it's & <mine>".into()),
            exec: s(&["/bin/sh", "-c", "a && b > c"]),
            ..RunData::default()
        };
        let out = run_script(&RunSource::Command(String::new()), &data).unwrap();
        assert!(
            out.contains("cd '/srv/it'\\''s & <mine>' || exit 1\n"),
            "{out}"
        );
        assert!(out.contains("exec /bin/sh -c 'a && b > c'\n"), "{out}");
    }

    /// `templates/*.hbs`, rendered by handlebars with the settings a `template:` gets, write
    /// what the built-in code writes.
    #[test]
    fn builtin_scripts_equal_their_templates() {
        let words = [
            s(&[]),
            s(&["sleep", "1"]),
            s(&["/bin/sh", "-c", "a 'b' && $C"]),
        ];
        let opts = [
            None,
            Some(String::new()),
            Some("/srv/it's & <x>".to_string()),
        ];
        for exec in &words {
            for cwd in &opts {
                for umask in [None, Some(String::new()), Some("022".to_string())] {
                    let data = RunData {
                        cwd: cwd.clone(),
                        umask,
                        exec: exec.clone(),
                        env: [("PORT".to_string(), "1".to_string())].into(),
                        ..RunData::default()
                    };
                    let tpl = include_str!("../../templates/run.hbs");
                    assert_eq!(builtin_run(&data), hb(tpl, &data), "{data:?}");
                }
            }
            let log = LogRunData {
                dir: "/var/log/x".into(),
                exec: exec.clone(),
            };
            let tpl = include_str!("../../templates/log-run.hbs");
            assert_eq!(log_run_script(&log), hb(tpl, &log));
            let runsvdir = RunsvdirData {
                user: "de ploy".into(),
                home: "/home/it's".into(),
                service_dir: "/home/x/service".into(),
                exec: exec.clone(),
            };
            let tpl = include_str!("../../templates/runsvdir-run.hbs");
            assert_eq!(runsvdir_run_script(&runsvdir), hb(tpl, &runsvdir));
        }
    }

    /// `data` rendered through handlebars with the settings a `template:` gets.
    fn hb<T: serde::Serialize>(body: &str, data: &T) -> String {
        new_registry()
            .render_template(body, data)
            .expect("template renders")
    }

    #[test]
    fn user_template_errors_name_file_line_col() {
        let src = RunSource::Template {
            path: PathBuf::from("templates/web.hbs"),
            body: "#!/bin/sh\nexec {{sh nosuch}}\n".into(),
        };
        let e = run_script(&src, &RunData::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "templates/web.hbs:2:6: error: no such variable `nosuch` (strict mode)"
        );
        let src = RunSource::Template {
            path: PathBuf::from("t.hbs"),
            body: "#!/bin/sh\n{{#if x}}\n".into(),
        };
        let e = run_script(&src, &RunData::default()).unwrap_err();
        assert!(e.to_string().starts_with("t.hbs:"), "{e}");
    }

    #[test]
    fn sh_helper_refuses_null() {
        let src = RunSource::Template {
            path: PathBuf::from("t.hbs"),
            body: "cd {{sh cwd}}\n".into(),
        };
        let e = run_script(&src, &RunData::default()).unwrap_err();
        assert!(e.message.contains("cannot quote null"), "{e}");
    }

    #[test]
    fn scripts_get_a_shebang_when_missing() {
        assert_eq!(
            as_script("#!/bin/bash\necho hi\n"),
            "#!/bin/bash\necho hi\n"
        );
        assert_eq!(as_script("echo hi"), "#!/bin/sh\necho hi\n");
    }

    #[test]
    fn hooks() {
        assert_eq!(
            hook_script("/srv/shop/bin/on-exit", true),
            "#!/bin/sh\nexec 2>&1\nexec /srv/shop/bin/on-exit \"$@\"\n"
        );
        assert_eq!(
            hook_script("curl -fsS http://127.0.0.1:3000/up", false),
            "#!/bin/sh\nexec 2>&1\nexec curl -fsS http://127.0.0.1:3000/up\n"
        );
        assert_eq!(
            hook_script("kill -QUIT $(cat supervise/pid)", false),
            "#!/bin/sh\nexec 2>&1\nkill -QUIT $(cat supervise/pid)\n"
        );
        assert_eq!(hook_script("#!/bin/sh\ntrue\n", true), "#!/bin/sh\ntrue\n");
    }
}
