//! Owner names (as the model gives them) → numeric ids, resolved once before anything is
//! observed or written, so an unknown user fails the run before any change.

use crate::model::{Model, Owner};
use crate::users::UserDb;
use std::collections::BTreeMap;

/// uid/gid for every owner the model uses.
pub type OwnerIds = BTreeMap<Owner, (u32, u32)>;

/// Resolves every owner in the model's tree; names that are all digits are taken as ids.
/// Errors name each owner that does not resolve.
pub fn resolve_owners(model: &Model, users: &dyn UserDb) -> Result<OwnerIds, String> {
    let mut ids = OwnerIds::new();
    let mut errors = Vec::new();
    let owners = model
        .tree
        .values()
        .map(|n| &n.owner)
        .chain(model.trees.iter().map(|t| &t.owner));
    for owner in owners {
        if ids.contains_key(owner) {
            continue;
        }
        let uid = owner
            .user
            .parse::<u32>()
            .ok()
            .or_else(|| users.user_by_name(&owner.user).map(|u| u.uid));
        let gid = owner
            .group
            .parse::<u32>()
            .ok()
            .or_else(|| users.group_gid(&owner.group));
        match (uid, gid) {
            (Some(u), Some(g)) => {
                ids.insert(owner.clone(), (u, g));
            }
            (None, _) => errors.push(format!("unknown user `{}`", owner.user)),
            (_, None) => errors.push(format!("unknown group `{}`", owner.group)),
        }
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        errors.sort();
        errors.dedup();
        Err(errors.join("; "))
    }
}
