//! How a user's `run:`/`finish:`/`check:` command line becomes an `exec` line.
//!
//! A command is shell text the user wrote. When it is a plain list of words (only characters
//! that need no quoting, the first word a program rather than a shell builtin or a `VAR=value`
//! assignment) it is exec'ed directly: `exec chpst -u app:app bundle exec puma`, as a person
//! writes it. Anything else — quotes, `$VAR`, pipes, `;`, `&&`, globs, `~`, builtins such as
//! `cd` or `while` — runs through `/bin/sh -c 'CMD'` *after* chpst, so variables from `env/`
//! (e.g. `$PORT`) are expanded by a shell that already has them, and the shell syntax works.
//! When that text is one simple command (no `;`, `&`, `|`, parentheses or newline outside
//! quotes, not starting with a builtin or an assignment) the shell is told to `exec` it: Debian's
//! dash does not replace itself with the last command of `-c`, and runsv must signal the
//! service, not a shell waiting for it (`sv restart` would orphan the program otherwise).

/// Words that are shell syntax or builtins: a command starting with one needs a shell.
const SHELL_WORDS: &[&str] = &[
    "!", ".", ":", "{", "alias", "case", "cd", "command", "eval", "exec", "exit", "export", "for",
    "if", "read", "readonly", "set", "shift", "source", "trap", "ulimit", "umask", "unset",
    "until", "wait", "while",
];

fn is_plain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_./:=@%+,- \t".contains(c)
}

/// The program and arguments of a plain command, or None when the text needs a shell.
pub fn plain_words(cmd: &str) -> Option<Vec<String>> {
    if !cmd.chars().all(is_plain_char) {
        return None;
    }
    let words: Vec<String> = cmd.split_whitespace().map(str::to_string).collect();
    let first = words.first()?;
    if first.contains('=') || first.starts_with('-') || SHELL_WORDS.contains(&first.as_str()) {
        return None;
    }
    Some(words)
}

/// The argv that runs `cmd`: its words when plain, else `/bin/sh -c CMD` (`exec CMD` when it
/// is one simple command).
pub fn command_argv(cmd: &str) -> Vec<String> {
    plain_words(cmd).unwrap_or_else(|| {
        let cmd = cmd.trim();
        let text = if is_simple_command(cmd) {
            format!("exec {cmd}")
        } else {
            cmd.to_string()
        };
        // A text starting with `-` would be read as sh's options (`sh -c -x`: "-c requires an
        // argument"): `--` ends them.
        let end = text.starts_with('-').then(|| "--".to_string());
        ["/bin/sh".to_string(), "-c".to_string()]
            .into_iter()
            .chain(end)
            .chain([text])
            .collect()
    })
}

/// Whether `cmd` is one simple command the shell can `exec`: no control operator, subshell or
/// newline outside quotes, and a first word that is neither a builtin, an assignment nor a
/// redirection. False negatives are harmless (the shell then waits for the command).
fn is_simple_command(cmd: &str) -> bool {
    let first = cmd.split_whitespace().next().unwrap_or("");
    if first.is_empty()
        || first.contains('=')
        || first.starts_with(['<', '>', '-'])
        || first.chars().next().is_some_and(|c| c.is_ascii_digit()) && first.contains(['<', '>'])
        || SHELL_WORDS.contains(&first)
    {
        return false;
    }
    let (mut single, mut double, mut escaped) = (false, false, false);
    for c in cmd.chars() {
        if escaped {
            escaped = false;
        } else if single {
            single = c != '\'';
        } else if c == '\\' {
            escaped = true;
        } else if double {
            double = c != '"';
        } else if c == '\'' {
            single = true;
        } else if c == '"' {
            double = true;
        } else if ";&|()\n`".contains(c) {
            return false;
        }
    }
    !(single || double || escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_commands_are_split_into_words() {
        assert_eq!(
            command_argv("bundle exec puma -C config/puma.rb"),
            ["bundle", "exec", "puma", "-C", "config/puma.rb"]
        );
        assert_eq!(command_argv("  ./bin/api  "), ["./bin/api"]);
    }

    #[test]
    fn one_simple_command_is_execed_by_the_shell() {
        for cmd in [
            "puma -p $PORT",
            "echo 'hi; there'",
            "ls *.log",
            "sleep 1 > /dev/null",
            "node \"$APP_DIR/server.js\" --port=$PORT",
        ] {
            assert_eq!(
                command_argv(cmd),
                ["/bin/sh", "-c", &format!("exec {cmd}")],
                "{cmd:?} must be exec'ed by the shell"
            );
        }
    }

    #[test]
    fn shell_syntax_goes_through_sh() {
        for cmd in [
            "while :; do date; sleep 5; done",
            "a | b",
            "a && b",
            "echo `id`",
            "cd ~/app",
            "exec puma",
            "cd /srv && puma",
            "RAILS_ENV=production puma",
            "worker &",
            "(cd /srv; puma)",
            "2>&1 puma",
            "echo 'unterminated",
        ] {
            assert_eq!(
                command_argv(cmd),
                ["/bin/sh", "-c", cmd],
                "{cmd:?} must run through a shell"
            );
        }
    }

    /// A command that starts with `-` is not taken for sh's options, and runs as written.
    #[test]
    fn a_command_starting_with_a_dash_is_not_an_option_of_sh() {
        for cmd in ["-x", "-x foo bar"] {
            let argv = command_argv(cmd);
            assert_eq!(argv, ["/bin/sh", "-c", "--", cmd]);
            let out = std::process::Command::new(&argv[0])
                .args(&argv[1..])
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("-x") && err.contains("not found"), "{err}");
        }
    }
}
