//! Who is asking: access tokens and the principal they carry.

mod jwt;

pub use jwt::{Claims, TokenService};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    User,
    ClusterManager,
    Partner,
    Admin,
}

/// A signed-in caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub subject: String,
    pub role: Role,
}

/// The outcome of reading the `Authorization` header, put into every GraphQL request.
#[derive(Debug, Clone, Default)]
pub enum Caller {
    #[default]
    Anonymous,
    Signed(Principal),
}

impl Caller {
    pub fn principal(&self) -> Option<&Principal> {
        match self {
            Caller::Anonymous => None,
            Caller::Signed(p) => Some(p),
        }
    }

    pub fn is_admin(&self) -> bool {
        matches!(self.principal(), Some(Principal { role: Role::Admin, .. }))
    }
}
