//! Reads the project tag out of a service dir's `.runitctl` marker, so prune touches only this
//! project's services. Accepts `project: X`, `project=X` and JSON `"project": "X"` lines.

/// The project named by marker bytes, if any.
pub fn marker_project(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        if let Some(p) = v.get("project").and_then(|p| p.as_str()) {
            return Some(p.to_string());
        }
    }
    for line in text.lines() {
        let line = line.trim();
        let rest = line
            .strip_prefix("project")
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
    }
}
