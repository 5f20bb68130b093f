//! `plan --format json`: a stable, versioned document described by `docs/plan-schema.json`.
//! Every key is always present (null when it does not apply), so consumers need no guessing.

use super::change::{Change, ChangeKind, Plan};
use super::text::{describe, describe_kept, describe_takeover, unified};
use crate::model::NodeKind;
use serde_json::{json, Value};

/// Version of the JSON document; bumped only on an incompatible change.
pub const PLAN_JSON_VERSION: u32 = 1;

fn op(k: &ChangeKind) -> &'static str {
    match k {
        ChangeKind::Create => "create",
        ChangeKind::Update { .. } => "update",
        ChangeKind::Mode { .. } => "mode",
        ChangeKind::Owner { .. } => "owner",
        ChangeKind::Relink { .. } => "relink",
        ChangeKind::Replace { .. } => "replace",
        ChangeKind::Remove { .. } => "remove",
        ChangeKind::Unlink => "unlink",
        ChangeKind::Prune { .. } => "prune",
    }
}

fn pair(old: Value, new: Value) -> Value {
    json!({ "old": old, "new": new })
}

fn change_json(c: &Change, show_secrets: bool) -> Value {
    let node = c.node.as_ref();
    let kind = node.map(|n| match n.kind {
        NodeKind::Dir => "dir",
        NodeKind::File { .. } => "file",
        NodeKind::Symlink { .. } => "symlink",
    });
    let new_mode = node
        .filter(|n| !matches!(n.kind, NodeKind::Symlink { .. }))
        .map(|n| format!("{:04o}", n.mode & 0o7777));
    let new_owner = node.map(|n| format!("{}:{}", n.owner.user, n.owner.group));
    let new_size = node.and_then(|n| match &n.kind {
        NodeKind::File { content } => Some(content.len() as u64),
        _ => None,
    });
    let new_target = node.and_then(|n| match &n.kind {
        NodeKind::Symlink { target } => Some(target.display().to_string()),
        _ => None,
    });
    let mut mode = Value::Null;
    let mut owner = Value::Null;
    let mut target = Value::Null;
    let mut size = Value::Null;
    let mut found = Value::Null;
    match &c.kind {
        ChangeKind::Create | ChangeKind::Replace { .. } => {
            if let Some(m) = &new_mode {
                mode = pair(Value::Null, json!(m));
            }
            if let Some(o) = &new_owner {
                owner = pair(Value::Null, json!(o));
            }
            if let Some(s) = new_size {
                size = pair(Value::Null, json!(s));
            }
            if let Some(t) = &new_target {
                target = pair(Value::Null, json!(t));
            }
            if let ChangeKind::Replace { found: f } = &c.kind {
                found = json!(f);
            }
        }
        ChangeKind::Update { old_size, .. } => size = pair(json!(old_size), json!(new_size)),
        ChangeKind::Mode { old, new } => {
            mode = pair(json!(format!("{old:04o}")), json!(format!("{new:04o}")))
        }
        ChangeKind::Owner { old, new } => {
            owner = pair(json!(old), json!(format!("{}:{}", new.user, new.group)))
        }
        ChangeKind::Relink { old, new } => {
            target = pair(
                json!(old.display().to_string()),
                json!(new.display().to_string()),
            )
        }
        ChangeKind::Remove { found: f, .. } => found = json!(f),
        ChangeKind::Unlink | ChangeKind::Prune { .. } => {}
    }
    let link = match &c.kind {
        ChangeKind::Prune { link } => json!(link.as_ref().map(|l| l.display().to_string())),
        ChangeKind::Unlink => json!(c.path.display().to_string()),
        _ => Value::Null,
    };
    let masked = matches!(c.kind, ChangeKind::Update { .. }) && c.is_secret() && !show_secrets;
    json!({
        "op": op(&c.kind),
        "path": c.path.display().to_string(),
        "kind": kind,
        "class": c.class,
        "service": c.service.as_ref().map(|s| s.name.clone()),
        "user": c.service.as_ref().and_then(|s| s.user.clone()),
        "mode": mode,
        "owner": owner,
        "target": target,
        "size": size,
        "found": found,
        "link": link,
        "diff": unified(c, show_secrets),
        "masked": masked,
        "temp": matches!(c.kind, ChangeKind::Remove { temp: true, .. }),
        "description": describe(c),
    })
}

/// The plan as a JSON value (see `docs/plan-schema.json`).
pub fn render_json(plan: &Plan, show_secrets: bool) -> Value {
    let services: Vec<Value> = plan
        .services
        .iter()
        .map(|s| {
            json!({
                "name": s.id.name,
                "user": s.id.user,
                "created": s.created,
                "actions": s.actions.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "version": PLAN_JSON_VERSION,
        "project": plan.project,
        "root": plan.root.as_ref().map(|r| r.display().to_string()),
        "in_sync": plan.in_sync(),
        "changes": plan.changes.iter().map(|c| change_json(c, show_secrets)).collect::<Vec<_>>(),
        "services": services,
        "summary": plan.summary,
        "kept": plan.kept.iter().map(|k| json!({
            "path": k.path.display().to_string(),
            "service": k.service.as_ref().map(|s| s.name.clone()),
            "user": k.service.as_ref().and_then(|s| s.user.clone()),
            "why": k.why,
            "description": describe_kept(k),
        })).collect::<Vec<_>>(),
        "takeovers": plan.takeovers.iter().map(|t| json!({
            "path": t.dir.display().to_string(),
            "service": t.service.as_ref().map(|s| s.name.clone()),
            "user": t.service.as_ref().and_then(|s| s.user.clone()),
            "from": t.from,
            "description": describe_takeover(t),
        })).collect::<Vec<_>>(),
    })
}
