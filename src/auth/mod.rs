//! Who is asking: access tokens, passwords, secrets and the principal they yield.

mod jwt;
pub mod link;
pub mod password;
pub mod secret;

pub use jwt::{Claims, PartnerIdp, PartnerIdpError, Stamp, TokenService, AUDIENCE, ISSUER};
pub use link::{LinkError, LinkPurpose, Links};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    User,
    ClusterManager,
    Partner,
    Admin,
}

impl From<entity::taxonomy::Role> for Role {
    fn from(r: entity::taxonomy::Role) -> Self {
        use entity::taxonomy::Role as R;
        match r {
            R::User => Role::User,
            R::ClusterManager => Role::ClusterManager,
            R::Partner => Role::Partner,
            R::Admin => Role::Admin,
        }
    }
}

impl From<Role> for entity::taxonomy::Role {
    fn from(r: Role) -> Self {
        use entity::taxonomy::Role as R;
        match r {
            Role::User => R::User,
            Role::ClusterManager => R::ClusterManager,
            Role::Partner => R::Partner,
            Role::Admin => R::Admin,
        }
    }
}

/// On whose behalf a principal acts; recorded in the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    User(Uuid),
    ApiKey(Uuid),
    /// A person signed in at a partner's identity provider.
    External,
    /// A token minted by an operator with `issue-token`, or the server itself (demo data).
    Operator,
}

/// A signed-in caller and the scopes of its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub subject: String,
    pub actor: Actor,
    pub role: Role,
    /// Countries a PARTNER acts for (ISO 3166-1 alpha-2).
    pub countries: Vec<String>,
    /// Clusters a CLUSTER_MANAGER manages.
    pub clusters: Vec<Uuid>,
    /// Partner organisations a PARTNER belongs to.
    pub partner_organisations: Vec<Uuid>,
    /// False only for a person whose account's e-mail address is not verified yet, as their
    /// access token says (set at sign-in and refresh); API keys and operators count as verified.
    pub email_verified: bool,
}

pub const API_KEY_SUBJECT_PREFIX: &str = "api-key:";

impl Principal {
    /// The server acting for itself, e.g. when it loads the demo data.
    pub fn operator() -> Self {
        Self {
            subject: "clusterbridge".into(),
            actor: Actor::Operator,
            role: Role::Admin,
            countries: vec![],
            clusters: vec![],
            partner_organisations: vec![],
            email_verified: true,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn covers_country(&self, country: &str) -> bool {
        self.countries.iter().any(|c| c == country)
    }

    pub fn manages(&self, cluster: Uuid) -> bool {
        self.clusters.contains(&cluster)
    }

    /// Reads the actor back from a token subject.
    pub fn actor_of(subject: &str) -> Actor {
        if let Some(id) = subject
            .strip_prefix(API_KEY_SUBJECT_PREFIX)
            .and_then(|s| Uuid::parse_str(s).ok())
        {
            Actor::ApiKey(id)
        } else if let Ok(id) = Uuid::parse_str(subject) {
            Actor::User(id)
        } else {
            Actor::Operator
        }
    }
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
        self.principal().is_some_and(Principal::is_admin)
    }
}
