//! YAML scalars for generated services.yaml: plain when that reads back as the same string,
//! double-quoted (JSON escaping, which YAML accepts) otherwise.

/// `s` as a YAML scalar that loads back as exactly the string `s`.
pub fn scalar(s: &str) -> String {
    if plain_is_safe(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string always serialises")
    }
}

fn plain_is_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let special_start = "-?:,[]{}#&*!|>'\"%@`~".contains(first)
        || first.is_ascii_digit()
        || first == '+'
        || (first == '.' && !s.starts_with("./") && !s.starts_with("../"));
    let lower = s.to_ascii_lowercase();
    let keyword = matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null"
    );
    !special_start
        && !keyword
        && s == s.trim()
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.chars().any(|c| c.is_control())
}

#[cfg(test)]
mod tests {
    use super::scalar;

    #[test]
    fn plain_when_unambiguous() {
        assert_eq!(
            scalar("bundle exec puma -C config/puma.rb"),
            "bundle exec puma -C config/puma.rb"
        );
        assert_eq!(
            scalar("node server.js --port=$PORT"),
            "node server.js --port=$PORT"
        );
        assert_eq!(scalar("sh -c 'a && b'"), "sh -c 'a && b'");
        assert_eq!(scalar("./bin/web"), "./bin/web");
        assert_eq!(scalar(".5"), "\".5\"");
    }

    #[test]
    fn quoted_when_yaml_would_read_something_else() {
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("5000"), "\"5000\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("x #y"), "\"x #y\"");
        assert_eq!(scalar("-v"), "\"-v\"");
        assert_eq!(scalar(" pad"), "\" pad\"");
        assert_eq!(scalar("'q'"), "\"'q'\"");
        assert_eq!(scalar("say \"hi\""), "say \"hi\"");
        assert_eq!(scalar("tab\there"), "\"tab\\there\"");
    }

    #[test]
    fn every_scalar_reads_back_as_the_same_string() {
        use saphyr::{LoadableYamlNode, Yaml};
        let tricky = [
            "plain words",
            "",
            "5000",
            "0x1F",
            "1e3",
            ".5",
            "./bin/web",
            "yes",
            "No",
            "null",
            "~",
            "true",
            "a: b",
            "a:b",
            "x #y",
            "x#y",
            "-v",
            "- item",
            "? q",
            "[a]",
            "{a}",
            "*ref",
            "&anchor",
            "!tag",
            "|",
            ">",
            "%x",
            "@x",
            "`x`",
            "'q'",
            "\"q\"",
            " lead",
            "trail ",
            "tab\tin",
            "say \"hi\"",
            "a, b",
            "ünïcödé",
            "$PORT",
            "kill -QUIT $(cat supervise/pid)",
            "a\\b",
            "end:",
        ];
        for s in tricky {
            let text = format!("k: {}\n", scalar(s));
            let docs = Yaml::load_from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(docs[0]["k"].as_str(), Some(s), "{text}");
        }
    }
}
