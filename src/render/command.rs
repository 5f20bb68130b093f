//! How a user's `run:`/`finish:`/`check:` command line becomes an `exec` line.
//!
//! A command is shell text the user wrote. When it is a plain list of words (only characters
//! that need no quoting, the first word a program rather than a shell builtin or a `VAR=value`
//! assignment) it is exec'ed directly: `exec chpst -u app:app bundle exec puma`, as a person
//! writes it. Anything else — quotes, `$VAR`, pipes, `;`, `&&`, globs, `~`, builtins such as
//! `cd` or `while` — runs through `/bin/sh -c 'CMD'` *after* chpst, so variables from `env/`
//! (e.g. `$PORT`) are expanded by a shell that already has them, and the shell syntax works.

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

/// The argv that runs `cmd`: its words when plain, else `/bin/sh -c CMD`.
pub fn command_argv(cmd: &str) -> Vec<String> {
    plain_words(cmd).unwrap_or_else(|| vec!["/bin/sh".into(), "-c".into(), cmd.trim().into()])
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
    fn shell_syntax_goes_through_sh() {
        for cmd in [
            "while :; do date; sleep 5; done",
            "a | b",
            "a && b",
            "puma -p $PORT",
            "echo 'hi there'",
            "echo `id`",
            "ls *.log",
            "cd ~/app",
            "exec puma",
            "cd /srv && puma",
            "RAILS_ENV=production puma",
            "sleep 1 > /dev/null",
        ] {
            assert_eq!(
                command_argv(cmd),
                ["/bin/sh", "-c", cmd],
                "{cmd:?} must run through a shell"
            );
        }
    }
}
