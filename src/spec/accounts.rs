//! Users and groups named in the spec, looked up in the [`UserDb`].
//!
//! Without `--root` a missing user or group is an error naming it. With `--root` (a sandbox), a
//! missing user maps to the invoking user (its uid, gid and groups; home from `users.<name>.home`
//! or `/home/<name>`) and a missing group to the invoking user's primary group; one warning
//! lists every name so mapped.

use super::diag::Problems;
use super::fields::Sp;
use super::types::Account;
use crate::users::{UserDb, UserEntry};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Resolves names once each and remembers what `--root` mapped.
pub struct Accounts<'a> {
    db: &'a dyn UserDb,
    sandbox: bool,
    current: UserEntry,
    /// `users.<name>.home` overrides.
    homes: BTreeMap<String, PathBuf>,
    mapped_users: BTreeSet<String>,
    mapped_groups: BTreeSet<String>,
}

impl<'a> Accounts<'a> {
    pub fn new(db: &'a dyn UserDb, sandbox: bool) -> Accounts<'a> {
        Accounts {
            db,
            sandbox,
            current: db.current(),
            homes: BTreeMap::new(),
            mapped_users: BTreeSet::new(),
            mapped_groups: BTreeSet::new(),
        }
    }

    /// Records `users.<name>.home`, which wins over the user database.
    pub fn set_home(&mut self, name: &str, home: PathBuf) {
        self.homes.insert(name.to_string(), home);
    }

    /// The account for `name`, or an error at its position (`None`).
    pub fn user(&mut self, name: &Sp<String>, p: &mut Problems) -> Option<Account> {
        let (entry, effective) = match self.db.user_by_name(&name.v) {
            Some(e) => {
                let n = e.name.clone();
                (e, n)
            }
            None if self.sandbox => {
                self.mapped_users.insert(name.v.clone());
                (self.current.clone(), self.current.name.clone())
            }
            None => {
                p.error_help(
                    name.pos,
                    format!("unknown user `{}`", name.v),
                    "create the user, or use --root DIR to try the spec in a sandbox as yourself",
                );
                return None;
            }
        };
        let home = match self.homes.get(&name.v) {
            Some(h) => h.clone(),
            None if effective != name.v => PathBuf::from("/home").join(&name.v),
            None => entry.home.clone(),
        };
        Some(Account {
            name: name.v.clone(),
            effective,
            uid: entry.uid,
            gid: entry.gid,
            groups: self.db.groups_of(&entry),
            home,
        })
    }

    /// The effective host name of group `name`, or an error at its position (`None`).
    pub fn group(&mut self, name: &Sp<String>, p: &mut Problems) -> Option<String> {
        if self.db.group_gid(&name.v).is_some() {
            return Some(name.v.clone());
        }
        if self.sandbox {
            self.mapped_groups.insert(name.v.clone());
            let gid = self.current.gid;
            return Some(self.db.group_name(gid).unwrap_or_else(|| gid.to_string()));
        }
        p.error_help(
            name.pos,
            format!("unknown group `{}`", name.v),
            "create the group, or use --root DIR to try the spec in a sandbox as yourself",
        );
        None
    }

    /// Whose home `~` means for a service that names no user: whoever runs runsv (root, or
    /// the invoking user in a sandbox).
    pub fn supervisor_home(&self) -> PathBuf {
        if self.sandbox {
            return self.current.home.clone();
        }
        self.db
            .user_by_uid(0)
            .map(|u| u.home)
            .unwrap_or_else(|| PathBuf::from("/root"))
    }

    /// The one warning about names `--root` mapped, if any.
    pub fn warning(&self) -> Option<String> {
        if self.mapped_users.is_empty() && self.mapped_groups.is_empty() {
            return None;
        }
        let names: Vec<String> = self
            .mapped_users
            .iter()
            .map(|u| format!("user `{u}`"))
            .chain(self.mapped_groups.iter().map(|g| format!("group `{g}`")))
            .collect();
        Some(format!(
            "not found on this host, mapped to the invoking user `{}` under --root: {}",
            self.current.name,
            names.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::node::Pos;
    use crate::users::FileUsers;

    fn db() -> FileUsers {
        FileUsers::parse(
            "root:x:0:0::/root:/bin/sh\nme:x:1000:1000::/home/me:/bin/sh\n",
            "root:x:0:\nme:x:1000:\ndocker:x:999:me\n",
            "me",
        )
    }

    fn sp(s: &str) -> Sp<String> {
        Sp {
            v: s.into(),
            pos: Pos::default(),
        }
    }

    #[test]
    fn known_users_resolve_with_their_groups() {
        let db = db();
        let mut a = Accounts::new(&db, false);
        let mut p = Problems::default();
        let me = a.user(&sp("me"), &mut p).unwrap();
        assert_eq!(me.groups, ["me", "docker"]);
        assert_eq!(me.home, PathBuf::from("/home/me"));
        assert!(a.user(&sp("ghost"), &mut p).is_none());
        assert!(a.group(&sp("nogroup"), &mut p).is_none());
        let msgs: Vec<String> = p.into_sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(msgs, ["unknown group `nogroup`", "unknown user `ghost`"]);
        assert!(a.warning().is_none());
    }

    #[test]
    fn sandbox_maps_missing_names_to_the_invoking_user_with_one_warning() {
        let db = db();
        let mut a = Accounts::new(&db, true);
        let mut p = Problems::default();
        a.set_home("deploy", "/srv/deploy".into());
        let d = a.user(&sp("deploy"), &mut p).unwrap();
        assert_eq!((d.effective.as_str(), d.uid), ("me", 1000));
        assert_eq!(d.home, PathBuf::from("/srv/deploy"));
        let w = a.user(&sp("www-data"), &mut p).unwrap();
        assert_eq!(w.home, PathBuf::from("/home/www-data"));
        assert_eq!(a.group(&sp("web"), &mut p).as_deref(), Some("me"));
        assert!(p.is_empty());
        assert_eq!(
            a.warning().unwrap(),
            "not found on this host, mapped to the invoking user `me` under --root: \
             user `deploy`, user `www-data`, group `web`"
        );
    }
}
