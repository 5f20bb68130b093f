//! The user database: who an account is (uid, gid, groups, home).
//!
//! [`SystemUsers`] asks the host (NSS through `getpwnam`/`getgrnam`/`getgrouplist`), once per
//! question per process.
//! [`FileUsers`] reads passwd/group files, so golden tests render the same tree on every machine.
//! Everything that needs a uid, a gid, a group list or a home directory goes through [`UserDb`].

use std::collections::{BTreeMap, HashMap};
use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Whether `name` has the shape of a Unix user name: not empty, not starting with `-`, only
/// letters, digits, `_`, `-`, `.` and `$` (shadow's useradd rules, loosely).
pub fn is_user_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$'))
}

/// One passwd entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserEntry {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: PathBuf,
}

/// Where account facts come from.
pub trait UserDb {
    fn user_by_name(&self, name: &str) -> Option<UserEntry>;
    fn user_by_uid(&self, uid: u32) -> Option<UserEntry>;
    fn group_gid(&self, name: &str) -> Option<u32>;
    fn group_name(&self, gid: u32) -> Option<String>;
    /// The primary group's name first, then every supplementary group the user belongs to.
    fn groups_of(&self, user: &UserEntry) -> Vec<String>;
    /// The invoking user (the effective uid of this process).
    fn current(&self) -> UserEntry;
}

/// The host's user database.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemUsers;

fn from_nix(u: nix::unistd::User) -> UserEntry {
    UserEntry {
        name: u.name,
        uid: u.uid.as_raw(),
        gid: u.gid.as_raw(),
        home: u.dir,
    }
}

/// What this process has asked the host so far. A run asks for the same few accounts once per
/// service (1,000 services read /etc/passwd 1,000 times without it); the database is taken as
/// fixed for the life of one command.
#[derive(Default)]
struct Memo {
    by_name: HashMap<String, Option<UserEntry>>,
    by_uid: HashMap<u32, Option<UserEntry>>,
    gid_of: HashMap<String, Option<u32>>,
    group_of: HashMap<u32, Option<String>>,
    groups_of: HashMap<(String, u32), Vec<String>>,
}

/// The answer for `key` in the memo's `map`, asking `ask` once.
fn memo<K: Eq + std::hash::Hash, V: Clone>(
    map: impl Fn(&mut Memo) -> &mut HashMap<K, V>,
    key: K,
    ask: impl FnOnce() -> V,
) -> V {
    static MEMO: OnceLock<Mutex<Memo>> = OnceLock::new();
    let lock = MEMO.get_or_init(Mutex::default);
    if let Some(v) = map(&mut lock.lock().unwrap_or_else(|e| e.into_inner())).get(&key) {
        return v.clone();
    }
    // Asked without the lock held: `groups_of` asks `group_name` inside.
    let v = ask();
    let mut guard = lock.lock().unwrap_or_else(|e| e.into_inner());
    map(&mut guard).entry(key).or_insert(v).clone()
}

impl UserDb for SystemUsers {
    fn user_by_name(&self, name: &str) -> Option<UserEntry> {
        memo(
            |m| &mut m.by_name,
            name.to_string(),
            || {
                nix::unistd::User::from_name(name)
                    .ok()
                    .flatten()
                    .map(from_nix)
            },
        )
    }
    fn user_by_uid(&self, uid: u32) -> Option<UserEntry> {
        memo(
            |m| &mut m.by_uid,
            uid,
            || {
                nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
                    .ok()
                    .flatten()
                    .map(from_nix)
            },
        )
    }
    fn group_gid(&self, name: &str) -> Option<u32> {
        memo(
            |m| &mut m.gid_of,
            name.to_string(),
            || {
                nix::unistd::Group::from_name(name)
                    .ok()
                    .flatten()
                    .map(|g| g.gid.as_raw())
            },
        )
    }
    fn group_name(&self, gid: u32) -> Option<String> {
        memo(
            |m| &mut m.group_of,
            gid,
            || {
                nix::unistd::Group::from_gid(nix::unistd::Gid::from_raw(gid))
                    .ok()
                    .flatten()
                    .map(|g| g.name)
            },
        )
    }
    fn groups_of(&self, user: &UserEntry) -> Vec<String> {
        let key = (user.name.clone(), user.gid);
        memo(|m| &mut m.groups_of, key, || self.ask_groups_of(user))
    }
    fn current(&self) -> UserEntry {
        let uid = nix::unistd::geteuid().as_raw();
        self.user_by_uid(uid).unwrap_or_else(|| UserEntry {
            name: uid.to_string(),
            uid,
            gid: nix::unistd::getegid().as_raw(),
            home: std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("/")),
        })
    }
}

impl SystemUsers {
    fn ask_groups_of(&self, user: &UserEntry) -> Vec<String> {
        let mut names = vec![self
            .group_name(user.gid)
            .unwrap_or_else(|| user.gid.to_string())];
        let Ok(cname) = CString::new(user.name.as_str()) else {
            return names;
        };
        let gids = nix::unistd::getgrouplist(&cname, nix::unistd::Gid::from_raw(user.gid))
            .unwrap_or_default();
        for gid in gids {
            let n = self
                .group_name(gid.as_raw())
                .unwrap_or_else(|| gid.as_raw().to_string());
            if !names.contains(&n) {
                names.push(n);
            }
        }
        names
    }
}

/// A user database read from passwd(5)- and group(5)-format files.
#[derive(Clone, Debug, Default)]
pub struct FileUsers {
    users: Vec<UserEntry>,
    /// group name → (gid, members)
    groups: BTreeMap<String, (u32, Vec<String>)>,
    current: Option<String>,
}

impl FileUsers {
    /// Parses `passwd` and `group` text; `current` names the invoking user.
    pub fn parse(passwd: &str, group: &str, current: &str) -> FileUsers {
        let users = passwd
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let f: Vec<&str> = l.split(':').collect();
                (f.len() >= 6).then(|| UserEntry {
                    name: f[0].to_string(),
                    uid: f[2].parse().unwrap_or(0),
                    gid: f[3].parse().unwrap_or(0),
                    home: PathBuf::from(f[5]),
                })
            })
            .collect();
        let groups = group
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let f: Vec<&str> = l.split(':').collect();
                (f.len() >= 3).then(|| {
                    let members = f
                        .get(3)
                        .map(|m| {
                            m.split(',')
                                .filter(|s| !s.is_empty())
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default();
                    (f[0].to_string(), (f[2].parse().unwrap_or(0), members))
                })
            })
            .collect();
        FileUsers {
            users,
            groups,
            current: Some(current.to_string()),
        }
    }

    /// Reads `dir/passwd` and `dir/group`.
    pub fn load(dir: &Path, current: &str) -> std::io::Result<FileUsers> {
        let p = std::fs::read_to_string(dir.join("passwd"))?;
        let g = std::fs::read_to_string(dir.join("group"))?;
        Ok(FileUsers::parse(&p, &g, current))
    }
}

impl UserDb for FileUsers {
    fn user_by_name(&self, name: &str) -> Option<UserEntry> {
        self.users.iter().find(|u| u.name == name).cloned()
    }
    fn user_by_uid(&self, uid: u32) -> Option<UserEntry> {
        self.users.iter().find(|u| u.uid == uid).cloned()
    }
    fn group_gid(&self, name: &str) -> Option<u32> {
        self.groups.get(name).map(|g| g.0)
    }
    fn group_name(&self, gid: u32) -> Option<String> {
        self.groups
            .iter()
            .find(|(_, g)| g.0 == gid)
            .map(|(n, _)| n.clone())
    }
    fn groups_of(&self, user: &UserEntry) -> Vec<String> {
        let mut names = vec![self
            .group_name(user.gid)
            .unwrap_or_else(|| user.gid.to_string())];
        for (n, (_, members)) in &self.groups {
            if members.contains(&user.name) && !names.contains(n) {
                names.push(n.clone());
            }
        }
        names
    }
    fn current(&self) -> UserEntry {
        self.current
            .as_deref()
            .and_then(|c| self.user_by_name(c))
            .unwrap_or(UserEntry {
                name: "root".into(),
                uid: 0,
                gid: 0,
                home: "/root".into(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_have_a_shape() {
        for ok in [
            "deploy",
            "www-data",
            "_apt",
            "a.b",
            "machine$",
            "Debian-exim",
        ] {
            assert!(is_user_name(ok), "{ok}");
        }
        for bad in ["", "-x", "a b", "a/b", "é", "a:b", ".", ".."] {
            assert!(!is_user_name(bad), "{bad}");
        }
    }
}
