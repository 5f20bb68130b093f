//! Reads the project tag out of a service dir's `.runitctl` marker, so prune touches only this
//! project's services, and the other keys (a `runsvdir-<user>`'s user tree). Accepts
//! `project: X`, `project=X` and JSON `"project": "X"` lines.

/// The project named by marker bytes, if any.
pub fn marker_project(bytes: &[u8]) -> Option<String> {
    marker_value(bytes, "project")
}

/// The value of `key` in marker bytes (`key=V`, `key: V` or a JSON member), if any.
pub fn marker_value(bytes: &[u8], key: &str) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        if let Some(p) = v.get(key).and_then(|p| p.as_str()) {
            return Some(p.to_string());
        }
    }
    for line in text.lines() {
        let line = line.trim();
        let rest = line
            .strip_prefix(key)
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix(':').or_else(|| r.strip_prefix('=')));
        if let Some(v) = rest {
            let v = v.trim().trim_matches('"').trim_matches('\'');
            if !v.is_empty() {
                return Some(v.to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_form() {
        assert_eq!(
            marker_project(b"# runitctl\nproject: shop\nspec: /x.yaml\n").as_deref(),
            Some("shop")
        );
        assert_eq!(marker_project(b"project=shop\n").as_deref(), Some("shop"));
        assert_eq!(
            marker_project(br#"{"project":"shop","hash":"ab"}"#).as_deref(),
            Some("shop")
        );
        assert_eq!(marker_project(b"projects: x\n"), None);
        assert_eq!(marker_project(b"hand made\n"), None);
        assert_eq!(marker_project(&[0xff, 0xfe]), None);
        let runsvdir = b"project=shop\nuser_sv_dir=/home/d/sv\nuser_service_dir=/home/d/service\n";
        assert_eq!(
            marker_value(runsvdir, "user_sv_dir").as_deref(),
            Some("/home/d/sv")
        );
        assert_eq!(
            marker_value(runsvdir, "user_service_dir").as_deref(),
            Some("/home/d/service")
        );
    }
}
