//! `.env` files as foreman reads them: `KEY=VALUE` lines, later files and later lines winning.
//!
//! Accepted: blank lines, `#` comments, an optional `export ` prefix, blanks around `=`,
//! `'single quoted'` values (literal), `"double quoted"` values (`\n`, `\t`, `\"`, `\\`
//! escapes; any other `\x` is `x`, as in foreman), and unquoted values (trimmed; a ` #` starts a
//! comment). Unlike foreman, a line that is none of these is an error, not silently skipped, and
//! so is a value with a newline in it: chpst reads only the first line of an env file, so such
//! a value could not reach the service intact.

use super::error::ImportError;
use std::collections::BTreeMap;

fn valid_key(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses env-file text; `file` is how diagnostics name the file.
pub fn parse(text: &str, file: &str) -> Result<BTreeMap<String, String>, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut vars = BTreeMap::new();
    let mut errors = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let col = |rest: &str| line[..line.len() - rest.len()].chars().count() + 1;
        let body = body
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(body);
        let Some(eq) = body.find('=') else {
            errors.push(ImportError::at(
                file,
                line_no,
                col(body),
                format_args!("expected `KEY=VALUE`, found `{}`", body.trim_end()),
            ));
            continue;
        };
        let key = body[..eq].trim_end();
        if !valid_key(key) {
            errors.push(ImportError::at(
                file,
                line_no,
                col(body),
                format_args!("invalid variable name `{key}` (expected [A-Za-z_][A-Za-z0-9_]*)"),
            ));
            continue;
        }
        let rest = body[eq + 1..].trim_start();
        match value(rest) {
            Ok(v) if v.contains('\n') => errors.push(ImportError::at(
                file,
                line_no,
                col(rest),
                format_args!(
                    "value of `{key}` has a newline; chpst reads only the first line of an env file"
                ),
            )),
            Ok(v) => {
                vars.insert(key.to_string(), v);
            }
            Err(msg) => errors.push(ImportError::at(file, line_no, col(rest), msg)),
        }
    }
    if errors.is_empty() {
        Ok(vars)
    } else {
        Err(ImportError(errors))
    }
}

/// The value after `=`, quotes removed and escapes resolved.
fn value(rest: &str) -> Result<String, String> {
    let rest = rest.trim_end();
    if let Some(inner) = rest.strip_prefix('\'') {
        return match inner.strip_suffix('\'') {
            Some(v) if !inner.is_empty() => Ok(v.to_string()),
            _ => Err("unterminated single-quoted value".to_string()),
        };
    }
    if let Some(inner) = rest.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => break,
                },
                '"' => {
                    let tail = chars.as_str().trim();
                    return if tail.is_empty() || tail.starts_with('#') {
                        Ok(out)
                    } else {
                        Err(format!("unexpected `{tail}` after the closing quote"))
                    };
                }
                c => out.push(c),
            }
        }
        return Err("unterminated double-quoted value".to_string());
    }
    let v = match rest.find(" #").or_else(|| rest.find("\t#")) {
        Some(hash) => rest[..hash].trim_end(),
        None => rest,
    };
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> String {
        parse(line, "f").unwrap().into_values().next().unwrap()
    }

    #[test]
    fn plain_quoted_and_exported_values() {
        let text = "# comment\nRAILS_ENV=production\nexport A = 'x # y'\nB=\"a\\\"b\\\\c\"\n\nC=v # note\nD=\nE=http://h/#frag\n";
        let v = parse(text, ".env").unwrap();
        assert_eq!(v["RAILS_ENV"], "production");
        assert_eq!(v["A"], "x # y");
        assert_eq!(v["B"], "a\"b\\c");
        assert_eq!(v["C"], "v");
        assert_eq!(v["D"], "");
        assert_eq!(v["E"], "http://h/#frag");
    }

    #[test]
    fn later_lines_win() {
        assert_eq!(one("K=1\nK=2\n"), "2");
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let text = "GOOD=1\nnot a pair\n9BAD=x\nQ='open\nN=\"a\\nb\"\nT=\"x\" y\n";
        let e = parse(text, ".env").unwrap_err();
        assert_eq!(
            e.0,
            vec![
                ".env:2:1: error: expected `KEY=VALUE`, found `not a pair`",
                ".env:3:1: error: invalid variable name `9BAD` (expected [A-Za-z_][A-Za-z0-9_]*)",
                ".env:4:3: error: unterminated single-quoted value",
                ".env:5:3: error: value of `N` has a newline; chpst reads only the first line of an env file",
                ".env:6:3: error: unexpected `y` after the closing quote",
            ]
        );
    }
}
