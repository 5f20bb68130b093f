//! Service names: `[A-Za-z0-9][A-Za-z0-9._@-]*`, at most 64 bytes — never `.`, `..`, hidden or
//! containing `/`, since a name becomes a directory under sv_dir and a link under service_dir.

/// Longest allowed service name, in bytes.
pub const MAX_NAME: usize = 64;

/// Why `name` is not a valid service name, or `None` when it is.
pub fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("a service name must not be empty".into());
    }
    if name == "." || name == ".." {
        return Some(format!("`{name}` is not a service name"));
    }
    if name.contains('/') {
        return Some(format!("service name `{name}` contains `/`"));
    }
    let first = name.chars().next().unwrap_or(' ');
    if !first.is_ascii_alphanumeric() {
        return Some(format!(
            "service name `{name}` must start with a letter or digit"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-')))
    {
        return Some(format!(
            "service name `{name}` contains {}",
            describe_char(bad)
        ));
    }
    if name.len() > MAX_NAME {
        return Some(format!(
            "service name `{name}` is {} bytes long (at most {MAX_NAME})",
            name.len()
        ));
    }
    None
}

/// The help line that goes with every name problem.
pub const NAME_HELP: &str =
    "names are letters, digits, `.`, `_`, `@` and `-`, starting with a letter or digit";

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '\t' => "a tab".into(),
        c if c.is_control() => format!("the control character {:?}", c),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names() {
        for n in ["web", "web-1", "a.b_c@d-e", "9lives", &"x".repeat(64)] {
            assert_eq!(name_problem(n), None, "{n}");
        }
    }

    #[test]
    fn invalid_names_say_why() {
        assert_eq!(name_problem("..").unwrap(), "`..` is not a service name");
        assert_eq!(
            name_problem("../x").unwrap(),
            "service name `../x` contains `/`"
        );
        assert_eq!(
            name_problem(".hidden").unwrap(),
            "service name `.hidden` must start with a letter or digit"
        );
        assert_eq!(
            name_problem("a b").unwrap(),
            "service name `a b` contains a space"
        );
        assert!(name_problem(&"x".repeat(65)).unwrap().contains("65 bytes"));
        assert!(name_problem("").is_some());
        assert!(name_problem("é").is_some());
    }
}
