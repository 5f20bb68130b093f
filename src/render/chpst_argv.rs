//! The chpst prefix of an `exec` line: `chpst [-u user:g1:g2…] [-e ENVDIR] [limits]`.

use super::data::Programs;
use crate::spec::Limits;

/// The argv prefix that sets up the process, or an empty vector when there is nothing to set.
///
/// `user` is `[user, group, supplementary…]`: Debian's chpst makes the listed groups the only
/// ones, so every group the user should keep must be named. `envdir` adds `-e ENVDIR`: `./env`
/// when the script stays in the service dir runsv starts it in, the env dir's absolute path
/// when the script has `cd`'d to the service's `cwd` first (see [`env_dir_arg`]).
/// Limits come in chpst's option order `-m -d -o -p -f -c -r -t`.
pub fn chpst_argv(
    programs: &Programs,
    user: Option<&[String]>,
    envdir: Option<&str>,
    limits: &Limits,
) -> Vec<String> {
    let mut opts: Vec<String> = Vec::new();
    if let Some(ids) = user.filter(|ids| !ids.is_empty()) {
        opts.push("-u".into());
        opts.push(ids.join(":"));
    }
    if let Some(dir) = envdir {
        opts.push("-e".into());
        opts.push(dir.into());
    }
    let limit_opts = [
        ("-m", limits.memory),
        ("-d", limits.data),
        ("-o", limits.nofile),
        ("-p", limits.nproc),
        ("-f", limits.fsize),
        ("-c", limits.core),
        ("-r", limits.rss),
        ("-t", limits.cpu),
    ];
    for (flag, value) in limit_opts {
        if let Some(v) = value {
            opts.push(flag.into());
            opts.push(v.to_string());
        }
    }
    if opts.is_empty() {
        return opts;
    }
    let mut argv = programs.argv("chpst");
    argv.extend(opts);
    argv
}

/// The `-e` argument for a service whose env dir is `abs` (as written in scripts): `./env`
/// (relative, so it reads the same under `--root` and `render`) unless the run script changes
/// to a `cwd` first, where `./env` would name a directory of the app's.
pub fn env_dir_arg(abs: &str, has_cwd: bool) -> String {
    if has_cwd {
        abs.to_string()
    } else {
        "./env".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn nothing_to_set_means_no_chpst() {
        assert!(chpst_argv(&Programs::Runit, None, None, &Limits::default()).is_empty());
    }

    #[test]
    fn user_env_and_limits_in_order() {
        let limits = Limits {
            memory: Some(1024),
            nofile: Some(65536),
            cpu: Some(60),
            nproc: Some(512),
            ..Limits::default()
        };
        let ids = s(&["deploy", "deploy", "docker"]);
        assert_eq!(
            chpst_argv(&Programs::Runit, Some(&ids), Some("./env"), &limits),
            s(&[
                "chpst",
                "-u",
                "deploy:deploy:docker",
                "-e",
                "./env",
                "-m",
                "1024",
                "-o",
                "65536",
                "-p",
                "512",
                "-t",
                "60"
            ])
        );
    }

    #[test]
    fn embedded_calls_the_exe() {
        let p = Programs::Embedded("/usr/bin/runitctl".into());
        assert_eq!(
            chpst_argv(&p, None, Some("./env"), &Limits::default()),
            s(&["/usr/bin/runitctl", "chpst", "-e", "./env"])
        );
    }

    #[test]
    fn env_dir_is_absolute_only_after_a_cd() {
        assert_eq!(env_dir_arg("/etc/sv/web/env", false), "./env");
        assert_eq!(env_dir_arg("/etc/sv/web/env", true), "/etc/sv/web/env");
    }
}
