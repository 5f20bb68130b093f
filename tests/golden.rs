//! Golden tests: every `fixtures/golden/<case>/services.yaml` is loaded (`spec::load`, users
//! from `fixtures/users`), built into a model (exe `/usr/bin/runitctl`, no `--root`) and
//! snapshotted as its manifest — one line per path, then every file's content — followed by
//! the plan text against an empty disk; or as the error text when the case is meant to fail.

use runitctl::model::{build, manifest, Model, ModelOptions};
use runitctl::plan::{diff, observe_with, render_text, resolve_owners, CacheUse, TextOptions};
use runitctl::spec::{load, LoadOptions};
use runitctl::users::FileUsers;
use std::path::Path;

/// The fixture path relative to the package root, so markers and messages are the same on
/// every machine.
fn relative(path: &Path) -> &Path {
    let here = std::env::current_dir().expect("cwd");
    path.strip_prefix(&here).unwrap_or(path)
}

fn render_case(path: &Path, users: &FileUsers) -> String {
    let opts = LoadOptions {
        root: None,
        users,
        runit_installed: false,
    };
    let loaded = match load(path, &opts) {
        Ok(l) => l,
        Err(diags) => return format!("spec error:\n{diags}"),
    };
    let mut out = String::new();
    for w in &loaded.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    let model_opts = ModelOptions::new(
        &loaded.spec,
        users,
        None,
        "/usr/bin/runitctl".into(),
        "root".into(),
    );
    match build(&loaded.spec, &model_opts) {
        Ok(model) => {
            out.push_str(&manifest(&model));
            out.push_str("\n==> plan against an empty disk <==\n");
            out.push_str(&plan_from_scratch(&model, users));
        }
        Err(e) => out.push_str(&format!("build error:\n{e}\n")),
    }
    out
}

/// What `plan` says for `model` when nothing exists yet (observed in an empty sandbox).
fn plan_from_scratch(model: &Model, users: &FileUsers) -> String {
    let empty = tempfile::tempdir().expect("tempdir");
    let ids = resolve_owners(model, users).expect("fixture owners resolve");
    let observed = observe_with(
        Some(empty.path()),
        model,
        ids,
        true,
        true,
        users,
        CacheUse::None,
    )
    .expect("observe an empty dir");
    let plan = diff(model, &observed);
    render_text(&plan, TextOptions::default())
}

#[test]
fn golden() {
    let users = FileUsers::load(Path::new("fixtures/users"), "root").expect("fixtures/users");
    insta::glob!("../fixtures/golden", "*/services.yaml", |path| {
        insta::assert_snapshot!(render_case(relative(path), &users));
    });
}
