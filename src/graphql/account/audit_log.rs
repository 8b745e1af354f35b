//! The audit log in GraphQL: every successful change, for administrators and, within their
//! countries, partners.

use async_graphql::{Context, Enum, InputObject, Object, ID};
use chrono::{DateTime, Utc};
use entity::{audit_log, taxonomy as t};
use sea_orm::ActiveEnum;

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

/// Who made a change.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::AuditActorKind")]
pub enum AuditActorKind {
    /// A person, signed in with an account.
    User,
    /// A partner system, with an API key.
    ApiKey,
    /// A person signed in at a partner's identity provider.
    External,
    /// A token minted by an operator with `issue-token`, or the server itself (demo data).
    Operator,
    /// Someone not signed in: a digest subscriber, or the holder of a mailed link.
    Anonymous,
}

/// The kind of record a change was made to.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::AuditEntityType")]
pub enum AuditEntityType {
    /// A cluster profile.
    Cluster,
    /// A member organisation of a cluster.
    Member,
    /// A strategic partnership.
    Partnership,
    /// A success story.
    SuccessStory,
    /// A partner search (an offer or a request).
    PartnerSearch,
    /// An account.
    User,
    /// An invitation to manage a cluster.
    Invitation,
    /// An API key of a partner system.
    ApiKey,
    /// A trusted (persisted) document.
    PersistedDocument,
    /// A matchmaking event.
    MatchmakingEvent,
    /// A participant of a matchmaking event.
    EventParticipant,
    /// A meeting at a matchmaking event.
    Meeting,
    /// A post of a cluster: news, an event or a call.
    Post,
    /// A mail in the outbox.
    OutboxMail,
    /// An issue of the weekly digest.
    DigestIssue,
    /// A subscriber of the weekly digest.
    DigestSubscriber,
    /// A webhook endpoint of a partner organisation.
    WebhookEndpoint,
    /// A delivery of an event to a webhook endpoint.
    WebhookDelivery,
}

/// What a change did.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "t::AuditAction")]
pub enum AuditAction {
    /// The record was made.
    Create,
    /// Some of its fields changed (see `changedFields`).
    Update,
    /// The record was deleted.
    Delete,
    /// A cluster profile was submitted for review.
    SubmitForReview,
    /// A cluster profile was published.
    Publish,
    /// A cluster profile was sent back to its editors, or an event's organisers turned a
    /// participant away.
    Reject,
    /// A cluster was added to a partnership.
    AddMember,
    /// A cluster left or was removed from a partnership.
    RemoveMember,
    /// A cluster accepted its invitation to a partnership.
    AcceptInvitation,
    /// A cluster declined its invitation to a partnership.
    DeclineInvitation,
    /// Someone expressed interest in a partner search.
    ExpressInterest,
    /// An account was given a role.
    GrantRole,
    /// A role was taken from an account.
    RevokeRole,
    /// Someone was invited to manage a cluster.
    Invite,
    /// An invitation to manage a cluster, or a meeting request, was accepted.
    Accept,
    /// An account's password was changed.
    ChangePassword,
    /// An account's e-mail address was verified through the mailed link.
    VerifyEmail,
    /// An account's password was set anew through a mailed reset link.
    ResetPassword,
    /// An API key was revoked.
    Revoke,
    /// A document was trusted for allow-list keys.
    Trust,
    /// A cluster named in a success story confirmed it.
    ConfirmCluster,
    /// A cluster named in a success story declined it and left the story.
    DeclineCluster,
    /// A matchmaking event opened for registration and meeting requests.
    Open,
    /// A matchmaking event closed its registration and requests.
    Close,
    /// A matchmaking event took place.
    Finish,
    /// A matchmaking event or a meeting was cancelled.
    Cancel,
    /// A participant registered for a matchmaking event.
    Register,
    /// An event's organisers approved a participant.
    Approve,
    /// A participant asked another for a meeting.
    Request,
    /// The invited side declined a meeting request.
    Decline,
    /// An organiser fixed a meeting's slot and table.
    Pin,
    /// An organiser let the scheduler move a meeting again.
    Unpin,
    /// An organiser scheduled (or rescheduled) a matchmaking event's accepted meetings.
    Schedule,
    /// What came of a held meeting was recorded or changed.
    RecordOutcome,
    /// A moderator took a published post down, with a reason.
    Unpublish,
    /// An administrator queued a FAILED mail again.
    Retry,
    /// A week's digest was built and its mails queued (or a rerun queued what was missing).
    Build,
    /// An address asked for the weekly digest (a confirmation mail was queued).
    Subscribe,
    /// A digest subscription was confirmed through its mailed link.
    Confirm,
    /// A digest subscription was ended.
    Unsubscribe,
    /// A webhook endpoint was given a new signing secret.
    RotateSecret,
    /// A webhook endpoint that kept failing was disabled.
    Disable,
}

/// The GraphQL type name in an audit entry's global ID.
pub const AUDIT_ENTRY: &str = "AuditEntry";

#[derive(Clone)]
pub struct AuditEntry(pub audit_log::Model);

#[Object]
/// One successful change.
impl AuditEntry {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        node::encode(AUDIT_ENTRY, self.0.id)
    }
    /// Who made the change: a person, a partner system, a partner's identity provider or an operator.
    async fn actor_kind(&self) -> AuditActorKind {
        self.0.actor_kind.into()
    }
    /// The token subject of whoever made the change.
    async fn actor(&self) -> &str {
        &self.0.actor_label
    }
    /// The kind of record changed.
    async fn entity_type(&self) -> AuditEntityType {
        self.0.entity_type.into()
    }
    /// The global ID of the changed record.
    async fn entity_id(&self) -> ID {
        // The stored entity type is the GraphQL type name the record's global ID is made of.
        node::encode(&self.0.entity_type.to_value(), self.0.entity_id)
    }
    /// What was done.
    async fn action(&self) -> AuditAction {
        self.0.action.into()
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
    /// Changes to records of this kind only.
    pub entity_type: Option<AuditEntityType>,
    /// Changes to this record only: its global ID.
    pub entity_id: Option<ID>,
    /// Changes that did this only.
    pub action: Option<AuditAction>,
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
            entity_type: filter.entity_type.map(Into::into),
            entity_id: filter
                .entity_id
                .map(|id| node::decode_any("filter.entityId", &id).map(|(_, id)| id))
                .transpose()?,
            action: filter.action.map(Into::into),
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
