//! The plan for people: text (per-file unified diffs, `+`/`-`/`~` markers, `=` for an entry
//! kept for its logs, colour only on a terminal) and markdown (for a PR comment). Env values are
//! masked unless asked for.

use super::change::{Action, Change, ChangeKind, KeptLog, Plan, Takeover};
use crate::model::NodeKind;
use similar::TextDiff;
use std::fmt::Write;

/// How to render text.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    pub color: bool,
    pub show_secrets: bool,
}

impl TextOptions {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset.
    pub fn for_stdout(show_secrets: bool) -> TextOptions {
        use std::io::IsTerminal;
        TextOptions {
            color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            show_secrets,
        }
    }
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn paint(o: TextOptions, code: &str, s: &str) -> String {
    if o.color {
        format!("{code}{s}{RESET}")
    } else {
        s.to_string()
    }
}

fn mode(m: u32) -> String {
    format!("{m:04o}")
}

fn what(c: &Change) -> String {
    match c.node.as_ref().map(|n| (&n.kind, n)) {
        Some((NodeKind::Dir, n)) => {
            format!("dir {} {}:{}", mode(n.mode), n.owner.user, n.owner.group)
        }
        Some((NodeKind::File { content }, n)) => format!(
            "file {} {}:{} ({} bytes)",
            mode(n.mode),
            n.owner.user,
            n.owner.group,
            content.len()
        ),
        Some((NodeKind::Symlink { target }, _)) => format!("link → {}", target.display()),
        None => String::new(),
    }
}

/// The one-line description of a change (no marker, no colour).
pub(crate) fn describe(c: &Change) -> String {
    let p = c.path.display();
    match &c.kind {
        ChangeKind::Create => format!("{p}: create {}", what(c)),
        ChangeKind::Update { old_size, .. } => {
            let new = match c.node.as_ref().map(|n| &n.kind) {
                Some(NodeKind::File { content }) => content.len(),
                _ => 0,
            };
            format!("{p}: changed ({old_size} → {new} bytes)")
        }
        ChangeKind::Mode { old, new } => format!("{p}: mode {} → {}", mode(*old), mode(*new)),
        ChangeKind::Owner { old, new } => {
            format!("{p}: owner {old} → {}:{}", new.user, new.group)
        }
        ChangeKind::Relink { old, new } => {
            format!("{p}: link → {} becomes → {}", old.display(), new.display())
        }
        ChangeKind::Replace { found } => format!("{p}: replace {found} with {}", what(c)),
        ChangeKind::Remove { found, temp: true } => {
            format!("{p}: remove {found} left by an interrupted apply")
        }
        ChangeKind::Remove { found, .. } => format!("{p}: remove {found} (not in the spec)"),
        ChangeKind::Unlink => format!("{p}: unlink (service disabled)"),
        ChangeKind::Prune { link } => match link {
            Some(l) => format!(
                "{p}: prune (not in the spec; unlink {}, remove the definition, keep its logs)",
                l.display()
            ),
            None => format!("{p}: prune (not in the spec; remove the definition, keep its logs)"),
        },
    }
}

/// The one-line warning for a service dir another project's marker names (no colour).
pub(crate) fn describe_takeover(t: &Takeover) -> String {
    format!(
        "{}: taken over from project `{}` (its marker names it; that project's next apply takes it back)",
        t.dir.display(),
        t.from
    )
}

/// The one-line description of an entry kept for its logs (no marker, no colour).
pub(crate) fn describe_kept(k: &KeptLog) -> String {
    format!("{}: kept ({}; not in the spec)", k.path.display(), k.why)
}

fn marker(k: &ChangeKind) -> char {
    match k {
        ChangeKind::Create => '+',
        ChangeKind::Remove { .. } | ChangeKind::Unlink | ChangeKind::Prune { .. } => '-',
        _ => '~',
    }
}

/// The unified diff of an update, or None when masked or not text.
pub(crate) fn unified(c: &Change, show_secrets: bool) -> Option<String> {
    let ChangeKind::Update { old: Some(old), .. } = &c.kind else {
        return None;
    };
    let Some(NodeKind::File { content }) = c.node.as_ref().map(|n| &n.kind) else {
        return None;
    };
    if c.is_secret() && !show_secrets {
        return None;
    }
    let (Ok(a), Ok(b)) = (std::str::from_utf8(old), std::str::from_utf8(content)) else {
        return None;
    };
    let name = c.path.display().to_string();
    let d = TextDiff::from_lines(a, b);
    Some(
        d.unified_diff()
            .context_radius(3)
            .header(&format!("a{name}"), &format!("b{name}"))
            .to_string(),
    )
}

fn action_text(a: Action) -> &'static str {
    match a {
        Action::Restart => "restart",
        Action::RestartLog => "restart the log service",
        Action::HupLog => "HUP the log service (reread config)",
        Action::RestartRunsv => "restart runsv itself (disruptive: log/ added or removed)",
        Action::Stop => "stop",
        Action::Unlink => "unlink",
        Action::Remove => "remove the definition",
    }
}

/// Per-service lines: `web: restart`, `deploy/api: new (runsv starts it)`.
pub(crate) fn service_lines(plan: &Plan) -> Vec<String> {
    plan.services
        .iter()
        .filter_map(|s| {
            if s.created {
                Some(format!("{}: new (runsv starts it)", s.id))
            } else if s.actions.is_empty() {
                None
            } else {
                let a: Vec<_> = s.actions.iter().map(|a| action_text(*a)).collect();
                Some(format!("{}: {}", s.id, a.join(", ")))
            }
        })
        .collect()
}

/// The summary line.
pub(crate) fn summary_line(plan: &Plan) -> String {
    let s = plan.summary;
    if plan.in_sync() {
        format!("no changes ({} paths in sync)", s.unchanged)
    } else {
        format!(
            "plan: {} to create, {} to update, {} to remove, {} to prune, {} unchanged",
            s.create, s.update, s.remove, s.prune, s.unchanged
        )
    }
}

/// The plan as terminal text.
pub fn render_text(plan: &Plan, o: TextOptions) -> String {
    let mut out = String::new();
    for c in &plan.changes {
        let m = marker(&c.kind);
        let colour = match m {
            '+' => GREEN,
            '-' => RED,
            _ => YELLOW,
        };
        let _ = writeln!(out, "{}", paint(o, colour, &format!("{m} {}", describe(c))));
        if let Some(d) = unified(c, o.show_secrets) {
            for line in d.lines() {
                let col = match line.as_bytes().first() {
                    Some(b'+') if !line.starts_with("+++") => GREEN,
                    Some(b'-') if !line.starts_with("---") => RED,
                    Some(b'@') => BOLD,
                    _ => "",
                };
                let line = format!("    {line}");
                let _ = writeln!(
                    out,
                    "{}",
                    if col.is_empty() {
                        line
                    } else {
                        paint(o, col, &line)
                    }
                );
            }
        }
    }
    for k in &plan.kept {
        let _ = writeln!(out, "= {}", describe_kept(k));
    }
    for t in &plan.takeovers {
        let _ = writeln!(
            out,
            "{}",
            paint(o, YELLOW, &format!("! {}", describe_takeover(t)))
        );
    }
    let lines = service_lines(plan);
    if !lines.is_empty() {
        let _ = writeln!(out, "\nsupervisor:");
        for l in lines {
            let _ = writeln!(out, "  {l}");
        }
    }
    if !plan.in_sync() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", paint(o, BOLD, &summary_line(plan)));
    out
}

/// The plan as GitHub-flavoured markdown (a PR comment).
pub fn render_markdown(plan: &Plan, show_secrets: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### runitctl plan: `{}`\n", plan.project);
    let _ = writeln!(out, "**{}**\n", summary_line(plan));
    if !plan.in_sync() {
        let _ = writeln!(out, "| | change |\n|---|---|");
        for c in &plan.changes {
            let _ = writeln!(
                out,
                "| `{}` | {} |",
                marker(&c.kind),
                describe(c).replace('|', "\\|")
            );
        }
        out.push('\n');
    }
    for k in &plan.kept {
        let _ = writeln!(out, "- {}", describe_kept(k));
    }
    for t in &plan.takeovers {
        let _ = writeln!(out, "- **warning**: {}", describe_takeover(t));
    }
    if !plan.kept.is_empty() || !plan.takeovers.is_empty() {
        out.push('\n');
    }
    for c in &plan.changes {
        if let Some(d) = unified(c, show_secrets) {
            let _ = writeln!(
                out,
                "<details><summary>{}</summary>\n\n```diff\n{}```\n</details>\n",
                c.path.display(),
                d
            );
        }
    }
    let lines = service_lines(plan);
    if !lines.is_empty() {
        let _ = writeln!(out, "Supervisor actions:\n");
        for l in lines {
            let _ = writeln!(out, "- {l}");
        }
    }
    out
}
