//! Who may do what: the one place that decides. Resolvers ask here before they call the domain.
//!
//! Until accounts with scopes exist, the directory is written by administrators only, and
//! profiles that are not yet published are seen by administrators only.

use entity::taxonomy::ClusterStatus;

use crate::auth::Caller;
use crate::error::{AppError, AppResult};

/// Which cluster profiles a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    PublishedOnly,
    Everything,
}

impl Visibility {
    pub fn of(caller: &Caller) -> Self {
        if caller.is_admin() {
            Visibility::Everything
        } else {
            Visibility::PublishedOnly
        }
    }

    pub fn sees(self, status: ClusterStatus) -> bool {
        self == Visibility::Everything || status == ClusterStatus::Published
    }
}

/// Create, update or delete anything in the directory: clusters, members, partnerships, stories.
pub fn may_edit_directory(caller: &Caller) -> AppResult<()> {
    match caller.principal() {
        None => Err(AppError::Unauthenticated("sign in to change the directory".into())),
        Some(_) if caller.is_admin() => Ok(()),
        Some(_) => Err(AppError::Forbidden(
            "only administrators may change the directory".into(),
        )),
    }
}

/// Contact details of a cluster are for signed-in callers only.
pub fn may_see_contact(caller: &Caller) -> bool {
    caller.principal().is_some()
}
