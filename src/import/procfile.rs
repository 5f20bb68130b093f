//! Procfile parsing, as foreman reads it: one `name: command` per line, in file order.
//!
//! Blank lines and `#` comments are skipped. Where foreman silently ignores a line it cannot
//! read, this parser reports it (`FILE:LINE:COL: error: …`), because a silently dropped process
//! is a service that never runs. Every problem in the file is reported, not just the first.

use super::error::ImportError;

/// One process type, in Procfile order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// The process type as written (`web`, `worker`, `release_worker`).
    pub name: String,
    /// The command line, verbatim after the colon (leading and trailing blanks removed).
    pub command: String,
    /// 1-based line number in the Procfile.
    pub line: usize,
}

fn valid_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Parses Procfile text; `file` is how diagnostics name the file.
pub fn parse(text: &str, file: &str) -> Result<Vec<Process>, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut procs: Vec<Process> = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let col = |byte: usize| line[..byte].chars().count() + 1;
        let Some(colon) = trimmed.find(':') else {
            errors.push(ImportError::at(
                file,
                line_no,
                col(indent),
                format_args!("expected `name: command`, found `{}`", trimmed.trim_end()),
            ));
            continue;
        };
        let name = &trimmed[..colon];
        if name.is_empty() {
            errors.push(ImportError::at(
                file,
                line_no,
                col(indent),
                "missing process name before `:`",
            ));
            continue;
        }
        if let Some((off, bad)) = name.char_indices().find(|(_, c)| !valid_name_char(*c)) {
            errors.push(ImportError::at(
                file,
                line_no,
                col(indent + off),
                format_args!(
                    "invalid character {bad:?} in process name `{name}` (letters, digits, `_` and `-` only)"
                ),
            ));
            continue;
        }
        let command = trimmed[colon + 1..].trim();
        if command.is_empty() {
            errors.push(ImportError::at(
                file,
                line_no,
                col(indent + colon + 1),
                format_args!("process `{name}` has no command"),
            ));
            continue;
        }
        if let Some(first) = procs.iter().find(|p| p.name == name) {
            errors.push(ImportError::at(
                file,
                line_no,
                col(indent),
                format_args!(
                    "duplicate process `{name}` (first defined on line {})",
                    first.line
                ),
            ));
            continue;
        }
        procs.push(Process {
            name: name.to_string(),
            command: command.to_string(),
            line: line_no,
        });
    }
    if errors.is_empty() && procs.is_empty() {
        errors.push(format!(
            "{file}: error: no processes (expected `name: command` lines)"
        ));
    }
    if errors.is_empty() {
        Ok(procs)
    } else {
        Err(ImportError(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_processes_in_order_skipping_comments_and_blanks() {
        let text =
            "# app\nweb: bundle exec puma -C config/puma.rb\n\n  \nworker:bundle exec sidekiq\r\n";
        let p = parse(text, "Procfile").unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].name, "web");
        assert_eq!(p[0].command, "bundle exec puma -C config/puma.rb");
        assert_eq!(p[0].line, 2);
        assert_eq!(p[1].command, "bundle exec sidekiq");
        assert_eq!(p[1].line, 5);
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_name() {
        let p = parse("\u{feff}web: a\n", "Procfile").unwrap();
        assert_eq!(p[0].name, "web");
    }

    #[test]
    fn command_keeps_colons_and_shell_syntax() {
        let p = parse("release: rake db:migrate && echo ok: done\n", "P").unwrap();
        assert_eq!(p[0].command, "rake db:migrate && echo ok: done");
    }

    #[test]
    fn reports_every_bad_line_with_position() {
        let text = "web: a\nthis is not a process\nbad name: x\nempty:\nweb: b\n";
        let e = parse(text, "Procfile").unwrap_err();
        assert_eq!(
            e.0,
            vec![
                "Procfile:2:1: error: expected `name: command`, found `this is not a process`",
                "Procfile:3:4: error: invalid character ' ' in process name `bad name` (letters, digits, `_` and `-` only)",
                "Procfile:4:7: error: process `empty` has no command",
                "Procfile:5:1: error: duplicate process `web` (first defined on line 1)",
            ]
        );
    }

    #[test]
    fn empty_procfile_is_an_error() {
        let e = parse("# nothing\n\n", "Procfile").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Procfile: error: no processes (expected `name: command` lines)"
        );
    }
}
