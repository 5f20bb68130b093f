//! Accounts for `-u`/`-U`: `user[:group[:group…]]` by name, or `:uid:gid[:gid…]` numerically.
//!
//! Deliberate difference from runit (COMPATIBILITY.md): `-u user` without groups keeps *all*
//! the user's supplementary groups (as login does), not just the passwd primary group. Named
//! groups still replace the list exactly, the first becoming the gid. And each step that would
//! change nothing is skipped, so a non-root user can `-u` to itself (setgroups needs root even
//! for an identical list).

use super::Fatal;
use nix::unistd::{Gid, Uid};
use std::ffi::{CString, OsStr};
use std::os::unix::ffi::OsStrExt;

/// Most groups accepted in a numeric spec, as runit.
const MAX_GROUPS: usize = 60;

/// A resolved account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub uid: u32,
    /// The gid (the first named group, or the passwd primary group).
    pub gid: u32,
    /// The complete supplementary group list to install.
    pub groups: Vec<u32>,
}

/// Resolves a spec.
pub fn resolve(spec: &OsStr) -> Result<Account, Fatal> {
    let unknown = || Fatal(format!("unknown user/group: {}", spec.to_string_lossy()));
    let s = spec.as_bytes();
    if let Some(numeric) = s.strip_prefix(b":") {
        let unknown = || {
            Fatal(format!(
                "invalid uid/gids: {}",
                String::from_utf8_lossy(numeric)
            ))
        };
        let mut parts = numeric.split(|&c| c == b':');
        let uid = number(parts.next().unwrap_or_default()).ok_or_else(unknown)?;
        let groups: Vec<u32> = parts
            .take(MAX_GROUPS)
            .map(number)
            .collect::<Option<_>>()
            .ok_or_else(unknown)?;
        let gid = *groups.first().ok_or_else(unknown)?;
        return Ok(Account { uid, gid, groups });
    }
    let mut parts = s.split(|&c| c == b':');
    let name = std::str::from_utf8(parts.next().unwrap_or_default()).map_err(|_| unknown())?;
    let user = nix::unistd::User::from_name(name)
        .ok()
        .flatten()
        .ok_or_else(unknown)?;
    let named: Vec<u32> = parts
        .take(MAX_GROUPS)
        .map(|g| {
            let g = std::str::from_utf8(g).ok()?;
            nix::unistd::Group::from_name(g)
                .ok()
                .flatten()
                .map(|g| g.gid.as_raw())
        })
        .collect::<Option<_>>()
        .ok_or_else(unknown)?;
    if let Some(&gid) = named.first() {
        return Ok(Account {
            uid: user.uid.as_raw(),
            gid,
            groups: named,
        });
    }
    let gid = user.gid.as_raw();
    let cname = CString::new(name).map_err(|_| unknown())?;
    let mut groups: Vec<u32> = nix::unistd::getgrouplist(&cname, user.gid)
        .unwrap_or_else(|_| vec![user.gid])
        .into_iter()
        .map(Gid::as_raw)
        .collect();
    // The primary group first, each group once.
    groups.retain(|&g| g != gid);
    groups.insert(0, gid);
    Ok(Account {
        uid: user.uid.as_raw(),
        gid,
        groups,
    })
}

fn number(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// Becomes `acct`: setgroups, setgid, setuid — each skipped if already so.
pub fn become_user(acct: &Account) -> Result<(), Fatal> {
    let sys = |what: &str, e: nix::errno::Errno| {
        Fatal(format!(
            "unable to {what}: {}",
            crate::runit::errstr::errstr(e)
        ))
    };
    let want: Vec<Gid> = acct.groups.iter().map(|&g| Gid::from_raw(g)).collect();
    let mut have: Vec<u32> = nix::unistd::getgroups()
        .unwrap_or_default()
        .into_iter()
        .map(Gid::as_raw)
        .collect();
    let mut sorted = acct.groups.clone();
    have.sort_unstable();
    have.dedup();
    sorted.sort_unstable();
    sorted.dedup();
    if have != sorted {
        nix::unistd::setgroups(&want).map_err(|e| sys("setgroups", e))?;
    }
    let gid = Gid::from_raw(acct.gid);
    if nix::unistd::getgid() != gid || nix::unistd::getegid() != gid {
        nix::unistd::setgid(gid).map_err(|e| sys("setgid", e))?;
    }
    let uid = Uid::from_raw(acct.uid);
    if nix::unistd::getuid() != uid || nix::unistd::geteuid() != uid {
        nix::unistd::setuid(uid).map_err(|e| sys("setuid", e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_specs() {
        let a = resolve(OsStr::new(":65534:1:3")).unwrap();
        assert_eq!((a.uid, a.gid, a.groups), (65534, 1, vec![1, 3]));
        assert!(resolve(OsStr::new(":65534")).is_err());
        assert!(resolve(OsStr::new(":x:1")).is_err());
    }

    #[test]
    fn names() {
        let root = resolve(OsStr::new("root")).unwrap();
        assert_eq!((root.uid, root.gid, root.groups[0]), (0, 0, 0));
        assert!(resolve(OsStr::new("no-such-user-here")).is_err());
        assert!(resolve(OsStr::new("root:no-such-group-here")).is_err());
    }
}
