//! `runitctl plan SPEC`: what apply would change; exit 0 in sync, 2 changes pending, 1 error.
//! Also home of the load → model → observe → diff pipeline that apply and render share.

use super::{Format, Global};
use crate::model::{self, Model, ModelOptions};
use crate::plan::{self, CacheUse, OwnerIds, Plan, StatCache, TextOptions};
use crate::timings::phase;
use crate::users::{SystemUsers, UserDb};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    /// The services.yaml (`-`: standard input).
    pub spec: PathBuf,
    /// Plan SPEC's text as the spec at PATH (owner markers, diagnostics and relative template
    /// paths use PATH): what applying new content there would change, without writing it.
    #[arg(long = "as", value_name = "PATH")]
    pub as_path: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Show env values in diffs (masked by default).
    #[arg(long)]
    pub show_secrets: bool,
    #[command(flatten)]
    pub only: Only,
}

/// `--only`, shared by plan and apply.
#[derive(clap::Args, Debug, Default)]
pub struct Only {
    /// Look at these services alone (repeat it, or separate with commas): `web`, `deploy/api`;
    /// an `instances` service's base name picks every instance. The whole spec is still
    /// validated (the other services' templates are not rendered); the other services are not
    /// read, changed or pruned.
    #[arg(long = "only", value_name = "SERVICE", value_delimiter = ',')]
    pub names: Vec<String>,
}

/// A loaded spec's model, its owners' ids and whose supervisor it uses.
pub(super) struct Prepared {
    pub model: Model,
    pub ids: OwnerIds,
    pub supervisor: crate::spec::Supervisor,
}

/// Loads and validates the spec and builds the model, with `script_root` written into scripts.
/// Prints diagnostics; Err is the exit code.
pub(super) fn prepare(
    g: &Global,
    spec: &Path,
    script_root: Option<PathBuf>,
) -> Result<Prepared, i32> {
    prepare_as(g, spec, None, script_root, &Only::default())
}

/// [`prepare`] for the text of `read` known as `known_as` (`--as`), narrowed to `only`'s
/// services when it names any.
pub(super) fn prepare_as(
    g: &Global,
    read: &Path,
    known_as: Option<&Path>,
    script_root: Option<PathBuf>,
    only: &Only,
) -> Result<Prepared, i32> {
    let mut loaded = phase("load", || super::common::load_spec_as(g, read, known_as))?;
    let spec = &super::common::spec_name(read, known_as);
    if !only.names.is_empty() {
        narrow(&mut loaded.spec, &only.names, spec)?;
    }
    let users = SystemUsers;
    let mut model = build_model(&loaded.spec, spec, script_root)?;
    model.partial = !only.names.is_empty();
    let ids = phase("owners", || plan::resolve_owners(&model, &users)).map_err(|e| {
        eprintln!("{}: error: {e}", spec.display());
        1
    })?;
    Ok(Prepared {
        model,
        ids,
        supervisor: loaded.spec.supervisor,
    })
}

/// Renders `spec` (known as `name`) into its model, with `script_root` written into scripts;
/// prints every error (each failed template).
pub(super) fn build_model(
    spec: &crate::spec::Spec,
    name: &Path,
    script_root: Option<PathBuf>,
) -> Result<Model, i32> {
    let users = SystemUsers;
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("runitctl"));
    let opts = phase("model options", || {
        ModelOptions::new(spec, &users, script_root, exe, users.current().name)
    });
    phase("model", || model::build(spec, &opts)).map_err(|e| {
        for one in e.each() {
            eprintln!("{}: error: {one}", name.display());
        }
        1
    })
}

/// Narrows `spec` (known as `name`) to the services `names` pick, saying so on stderr.
fn narrow(spec: &mut crate::spec::Spec, names: &[String], name: &Path) -> Result<(), i32> {
    let count = |s: &crate::spec::Spec| {
        s.services.len() + s.users.iter().map(|t| t.services.len()).sum::<usize>()
    };
    let all = count(spec);
    if let Err(problems) = crate::spec::select(spec, names) {
        for p in problems {
            eprintln!("{}: error: {p}", name.display());
        }
        return Err(1);
    }
    eprintln!(
        "note: --only: {} of {all} services; the others are not looked at, and nothing is pruned",
        count(spec)
    );
    Ok(())
}

/// Observes `root` and diffs. `relocate_links`: `--root` (not `render --out`, which reads
/// everything); otherwise through the project's stat cache.
pub(super) fn make_plan(
    p: &Prepared,
    root: Option<&Path>,
    relocate_links: bool,
) -> Result<Plan, i32> {
    observe_and_diff(p, root, relocate_links, false).map(|(plan, _)| plan)
}

/// [`make_plan`] for apply: also returns what observe read, to be saved as the next cache.
pub(super) fn make_plan_cached(
    p: &Prepared,
    root: Option<&Path>,
) -> Result<(Plan, StatCache), i32> {
    observe_and_diff(p, root, true, true)
}

fn observe_and_diff(
    p: &Prepared,
    root: Option<&Path>,
    relocate_links: bool,
    record: bool,
) -> Result<(Plan, StatCache), i32> {
    // A model of some services (`--only`) reads their few files directly: loading and saving
    // the cache of every service would cost more. Its entries for what this apply changes are
    // then stale, which only makes the next full plan read those files again.
    let cached = relocate_links && !p.model.partial;
    let cache = phase("cache load", || match cached {
        true => StatCache::file(root, &p.model.project, false)
            .map(|f| StatCache::load(&f))
            .unwrap_or_default(),
        false => StatCache::default(),
    });
    let cache_use = match (cached, record) {
        (false, _) => CacheUse::None,
        (true, false) => CacheUse::Read(&cache),
        (true, true) => CacheUse::ReadAndRecord(&cache),
    };
    let is_root = nix::unistd::geteuid().is_root();
    let mut obs = phase("observe", || {
        plan::observe_with(
            root,
            &p.model,
            p.ids.clone(),
            is_root,
            relocate_links,
            &SystemUsers,
            cache_use,
        )
    })
    .map_err(|e| {
        eprintln!("runitctl: error: {e}");
        1
    })?;
    let plan = phase("diff", || plan::diff(&p.model, &obs));
    Ok((plan, std::mem::take(&mut obs.seen)))
}

/// Prints the plan in `format` to stdout (a closed pipe, as with `| head`, is not an error).
pub(super) fn print_plan(plan: &Plan, format: Format, show_secrets: bool) {
    let text = match format {
        Format::Text => plan::render_text(plan, TextOptions::for_stdout(show_secrets)),
        Format::Markdown => plan::render_markdown(plan, show_secrets),
        Format::Json => {
            let v = plan::render_json(plan, show_secrets);
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
    };
    out(&text);
}

/// Writes to stdout, ignoring a closed pipe.
pub(super) fn out(text: &str) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes()).and_then(|_| o.flush());
}

pub fn run(g: &Global, a: &PlanArgs) -> i32 {
    let root = g.root.clone();
    let prepared = match prepare_as(g, &a.spec, a.as_path.as_deref(), root, &a.only) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let plan = match make_plan(&prepared, g.root.as_deref(), true) {
        Ok(p) => p,
        Err(code) => return code,
    };
    print_plan(&plan, a.format, a.show_secrets);
    let code = if plan.in_sync() { 0 } else { 2 };
    exiting((prepared, plan));
    code
}

/// Hands the model and plan of a command that is about to exit to the kernel instead of
/// freeing their ~10,000 nodes one by one (5% of a no-op plan of 1,000 services). Only for a
/// command's last step: the process exits right after.
pub(super) fn exiting<T>(big: T) {
    std::mem::forget(big);
}
