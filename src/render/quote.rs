//! Shell quoting: every value that lands in a generated script goes through [`shell_quote`].

/// Characters that never need quoting in a POSIX shell word.
fn is_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c)
}

/// Quotes `s` as one POSIX shell word: bare when every character is in `[A-Za-z0-9_./:=@%+,-]`,
/// otherwise in single quotes, with each `'` written as `'\''`. The empty string becomes `''`.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(is_safe) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// Quotes every word and joins them with single spaces.
pub fn shell_join<S: AsRef<str>>(words: &[S]) -> String {
    words
        .iter()
        .map(|w| shell_quote(w.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// What `/bin/sh` makes of `echo -n <quoted>`: proves the quoting round-trips.
    fn through_sh(s: &str) -> String {
        let out = Command::new("/bin/sh")
            .arg("-c")
            .arg(format!("printf '%s' {}", shell_quote(s)))
            .output()
            .expect("run /bin/sh");
        String::from_utf8(out.stdout).expect("utf-8")
    }

    #[test]
    fn safe_words_stay_bare() {
        assert_eq!(shell_quote("www-data:www-data"), "www-data:www-data");
        assert_eq!(shell_quote("/usr/bin/runitctl"), "/usr/bin/runitctl");
        assert_eq!(shell_quote("PORT=5000"), "PORT=5000");
        assert_eq!(shell_quote("a+b,c@d%e"), "a+b,c@d%e");
    }

    #[test]
    fn empty_is_two_quotes() {
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn spaces_dollars_backticks_are_quoted() {
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
        assert_eq!(shell_quote("`id`"), "'`id`'");
        assert_eq!(shell_quote("a;b|c&d"), "'a;b|c&d'");
        assert_eq!(shell_quote("~/x"), "'~/x'");
        assert_eq!(shell_quote("*"), "'*'");
    }

    #[test]
    fn single_quote_is_closed_escaped_reopened() {
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("'"), "''\\'''");
    }

    #[test]
    fn quoted_values_round_trip_through_sh() {
        for s in [
            "plain",
            "two words",
            "it's",
            "$HOME and ${PATH}",
            "`id` $(id)",
            "\"double\" 'single' \\back",
            "tab\there",
            "!history*?[glob]",
            "",
            "naïve ünïcode",
            // Validation rejects newlines in values; quoting would still be exact.
            "two\nlines",
        ] {
            assert_eq!(through_sh(s), s, "round trip of {s:?}");
        }
    }

    #[test]
    fn join_quotes_each_word() {
        assert_eq!(
            shell_join(&["chpst", "-u", "a b", "it's"]),
            "chpst -u 'a b' 'it'\\''s'"
        );
        assert_eq!(shell_join::<&str>(&[]), "");
    }
}
