//! `users:` as written: one entry per user of the per-user runsvdir pattern, each with its
//! optional `home`, `sv_dir`, `service_dir` and its `services` (resolved later, once the
//! account is known).

use super::diag::Problems;
use super::fields::{key_text, known, map, misplaced_service, path, Place, Sp};
use super::names::{name_problem, NAME_HELP};
use super::node::Node;
use crate::users::is_user_name;

/// Keys of a `users.<name>` entry.
pub const USER_KEYS: &[&str] = &["home", "sv_dir", "service_dir", "services"];

/// A `users.<name>` entry as written.
pub struct RawUser<'n> {
    pub name: Sp<String>,
    pub home: Option<Sp<String>>,
    pub sv_dir: Option<Sp<String>>,
    pub service_dir: Option<Sp<String>>,
    pub services: Option<&'n Node>,
}

/// What a user name may be (checked under `--root` too, where any name maps to the invoking user:
/// the name still makes paths and the service `runsvdir-<user>`).
const USER_NAME_HELP: &str =
    "user names are letters, digits, `_`, `-`, `.` and `$`, not starting with `-`";

/// Parses `users:`; a user whose name is not a user name, or cannot name `runsvdir-<user>`, is
/// reported and skipped.
pub fn parse_users<'n>(node: &'n Node, p: &mut Problems) -> Vec<RawUser<'n>> {
    let mut out = Vec::new();
    let Some(entries) = map(node, "users", &Place::top(), p) else {
        return out;
    };
    for (k, v) in entries {
        let Some(name) = key_text(k, p) else { continue };
        let name = Sp {
            v: name,
            pos: k.pos,
        };
        if !is_user_name(&name.v) {
            let msg = match name.v.is_empty() {
                true => "a user name must not be empty".to_string(),
                false => format!("`{}` is not a user name", name.v),
            };
            p.error_help(name.pos, msg, USER_NAME_HELP);
            continue;
        }
        let runsvdir = format!("runsvdir-{}", name.v);
        if name_problem(&runsvdir).is_some() {
            p.error_help(
                name.pos,
                format!(
                    "user name `{}` cannot name the service `{runsvdir}`",
                    name.v
                ),
                NAME_HELP,
            );
            continue;
        }
        let place = Place(format!("user `{}`", name.v));
        let mut u = RawUser {
            name,
            home: None,
            sv_dir: None,
            service_dir: None,
            services: None,
        };
        // `deploy:` with nothing under it is a user with no apps yet.
        if !v.is_null() {
            let Some(fields) = map(v, &u.name.v, &Place("`users`".into()), p) else {
                continue;
            };
            for (fk, fv) in fields {
                let Some(key) = key_text(fk, p) else { continue };
                let key = Sp {
                    v: key,
                    pos: fk.pos,
                };
                if misplaced_service(&key, fv, USER_KEYS, "services:", &place, p)
                    || !known(&key, USER_KEYS, &place, p)
                {
                    continue;
                }
                match key.v.as_str() {
                    "home" => u.home = path(fv, "home", false, &place, p),
                    "sv_dir" => u.sv_dir = path(fv, "sv_dir", true, &place, p),
                    "service_dir" => u.service_dir = path(fv, "service_dir", true, &place, p),
                    "services" => u.services = Some(fv),
                    _ => unreachable!("every key of USER_KEYS is handled"),
                }
            }
        }
        out.push(u);
    }
    out
}
