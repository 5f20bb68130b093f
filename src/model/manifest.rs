//! A plain-text view of a model: one line per path (kind, mode, owner, class), then the content
//! of every file. Used by golden snapshots and by anyone who wants to eyeball a tree.

use super::types::{Model, NodeKind};
use std::fmt::Write;

/// The manifest of `model`.
///
/// ```text
/// /etc/sv/web/        dir   0755 root:root service-dir
/// /etc/sv/web/run     file  0755 root:root run
/// /etc/service/web    link  0777 root:root enable-link -> /etc/sv/web
///
/// ==> /etc/sv/web/run <==
/// #!/bin/sh
/// …
/// ```
pub fn manifest(model: &Model) -> String {
    let rows: Vec<(String, &str, String, String, String)> = model
        .tree
        .iter()
        .map(|(path, node)| {
            let (kind, name, link) = match &node.kind {
                NodeKind::Dir => ("dir", format!("{}/", path.display()), String::new()),
                NodeKind::File { .. } => ("file", path.display().to_string(), String::new()),
                NodeKind::Symlink { target } => (
                    "link",
                    path.display().to_string(),
                    format!(" -> {}", target.display()),
                ),
            };
            let owner = format!("{}:{}", node.owner.user, node.owner.group);
            let class = serde_json::to_value(node.class)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            (name, kind, owner, class, link)
        })
        .collect();
    let path_w = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let owner_w = rows.iter().map(|r| r.2.len()).max().unwrap_or(0);
    let mut out = String::new();
    for ((name, kind, owner, class, link), node) in rows.iter().zip(model.tree.values()) {
        let _ = writeln!(
            out,
            "{name:<path_w$}  {kind:<4}  {:04o}  {owner:<owner_w$}  {class}{link}",
            node.mode
        );
    }
    for (path, node) in &model.tree {
        if let NodeKind::File { content } = &node.kind {
            let _ = write!(out, "\n==> {} <==\n", path.display());
            out.push_str(&String::from_utf8_lossy(content));
        }
    }
    out
}
