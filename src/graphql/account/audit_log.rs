//! The audit log in GraphQL: every successful change, for administrators and, within their
//! countries, partners.

use async_graphql::{Context, InputObject, Object, ID};
use chrono::{DateTime, Utc};
use entity::audit_log;

use super::TYPE_NAME as USER;
use crate::{
    domain::{
        audit::{self, AuditFilter},
        pagination::PageRequest,
        policy,
    },
    error::AppResult,
    graphql::{
        connection::{total_count_if_selected, AuditEntryConnection, Connection},
        context::{caller, db},
        node,
    },
};

#[derive(Clone)]
pub struct AuditEntry(pub audit_log::Model);

#[Object]
/// One successful change.
impl AuditEntry {
    /// Opaque global identifier.
    async fn id(&self) -> ID {
        node::encode("AuditEntry", self.0.id)
    }
    /// USER, API_KEY, EXTERNAL or OPERATOR.
    async fn actor_kind(&self) -> &str {
        &self.0.actor_kind
    }
    /// The token subject of whoever made the change.
    async fn actor(&self) -> &str {
        &self.0.actor_label
    }
    /// The kind of record changed: Cluster, Member, Partnership, SuccessStory, User, Invitation or ApiKey.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// The global ID of the changed record.
    async fn entity_id(&self) -> ID {
        node::encode(&self.0.entity_type, self.0.entity_id)
    }
    /// What was done: CREATE, UPDATE, DELETE, PUBLISH, GRANT_ROLE, …
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The fields a change touched, as named in the schema; empty for creations and deletions.
    async fn changed_fields(&self) -> Vec<String> {
        serde_json::from_str(&self.0.changed_fields).unwrap_or_default()
    }
    /// ISO 3166-1 alpha-2 code of the changed record's country, when it has one.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }
    /// When the change was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Narrows the audit log; fields combine (AND).
#[derive(InputObject, Default)]
pub struct AuditLogFilter {
    /// Cluster, Member, Partnership, SuccessStory, User, Invitation, ApiKey.
    pub entity_type: Option<String>,
    /// Changes to this record only: its global ID.
    pub entity_id: Option<ID>,
    /// CREATE, UPDATE, DELETE, PUBLISH, GRANT_ROLE, …
    pub action: Option<String>,
    /// A user's ID.
    pub actor_id: Option<ID>,
}

#[derive(Default)]
pub struct AuditLogQuery;

#[Object]
impl AuditLogQuery {
    /// Changes to the directory, newest first: all of them for administrators, those of their
    /// countries for partners.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the changes that match.")] filter: Option<AuditLogFilter>,
        #[graphql(desc = "The first n items, 1–100; 20 when neither `first` nor `last` is given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "The last n items, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Items before this cursor: an edge's `cursor` or `pageInfo.startCursor`.")] before: Option<
            String,
        >,
    ) -> AppResult<AuditEntryConnection> {
        let actor = policy::signed_in(caller(ctx))?;
        let scope = policy::audit_scope(actor)?;
        let window = PageRequest::new(first, after, last, before).window()?;
        let filter = filter.unwrap_or_default();
        let filter = AuditFilter {
            entity_type: filter.entity_type,
            entity_id: filter
                .entity_id
                .map(|id| node::decode_any("filter.entityId", &id).map(|(_, id)| id))
                .transpose()?,
            action: filter.action,
            actor_id: filter
                .actor_id
                .map(|id| node::decode("filter.actorId", &id, USER))
                .transpose()?,
        };
        let page = audit::list(db(ctx), &scope, &filter, &window).await?;
        let total = total_count_if_selected(ctx, audit::count(db(ctx), &scope, &filter)).await?;
        Ok(AuditEntryConnection::new(page.map(AuditEntry), total))
    }
}
