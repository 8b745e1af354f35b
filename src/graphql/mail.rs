//! The mail outbox in GraphQL, for administrators: the FAILED mails and `retryMail`.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::outbox_mail;

use crate::{
    domain::{pagination::PageRequest, policy},
    error::AppResult,
    graphql::{
        connection::{total_count_if_selected, Connection, OutboxMailConnection},
        context::{caller, db},
        node,
    },
    mail::admin,
};

pub const TYPE_NAME: &str = "OutboxMail";

/// Why a mail is sent.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "outbox_mail::MailPurpose")]
pub enum MailPurpose {
    /// The weekly digest of a subscriber.
    Digest,
    /// The link that confirms a digest subscription (double opt-in).
    SubscriptionConfirmation,
    /// An invitation to manage a cluster.
    Invitation,
    /// A link to reset a password.
    PasswordReset,
    /// A link to confirm an e-mail address.
    Verification,
    /// Someone's interest in a partner search.
    Interest,
    /// A webhook endpoint was disabled after failing too long.
    WebhookDisabled,
}

/// Where a mail stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "outbox_mail::MailStatus")]
pub enum MailStatus {
    /// Waiting for its next attempt.
    Queued,
    /// Claimed by a sender, until its lease runs out.
    Sending,
    /// Accepted by the SMTP server.
    Sent,
    /// Refused for good, or out of attempts; sent again only by `retryMail`.
    Failed,
}

#[derive(Clone)]
pub struct OutboxMail(pub outbox_mail::Model);

#[Object]
/// A mail in the outbox.
impl OutboxMail {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    /// Why it is sent.
    async fn purpose(&self) -> MailPurpose {
        self.0.purpose.into()
    }
    /// The recipient's address.
    async fn recipient(&self) -> &str {
        &self.0.recipient
    }
    /// Its subject line.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// Where it stands.
    async fn status(&self) -> MailStatus {
        self.0.status.into()
    }
    /// Attempts to send it so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// What the SMTP server (or the connection) answered at the last failed attempt.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// Its Message-ID header, the same on every attempt.
    async fn message_id(&self) -> &str {
        &self.0.message_id
    }
    /// When it was queued.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed (for a FAILED mail: when it failed).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The version to name in `retryMail`.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

#[derive(Default)]
pub struct MailQuery;

#[Object]
impl MailQuery {
    /// The FAILED mails, the most recently failed first (administrators only).
    async fn failed_mails(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items, 1–100; 20 when not given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
    ) -> AppResult<OutboxMailConnection> {
        let actor = policy::signed_in(caller(ctx))?;
        let window = PageRequest::new(first, after, None, None).window()?;
        let page = admin::failed(db(ctx), actor, &window).await?;
        let total = total_count_if_selected(ctx, admin::count_failed(db(ctx))).await?;
        Ok(OutboxMailConnection::new(page.map(OutboxMail), total))
    }
}

/// A FAILED mail to queue again.
#[derive(InputObject)]
pub struct RetryMailInput {
    /// The mail's global ID.
    pub id: ID,
    /// The version you read.
    pub version: i32,
}

/// The mail, queued again.
#[derive(SimpleObject)]
pub struct RetryMailPayload {
    /// The mail, QUEUED with no attempts and due at once.
    pub mail: OutboxMail,
}

#[derive(Default)]
pub struct MailMutation;

#[Object]
impl MailMutation {
    /// Queues a FAILED mail again, due at once with a fresh count of attempts (administrators
    /// only; audited). It keeps its Message-ID.
    async fn retry_mail(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mail and the version you read.")] input: RetryMailInput,
    ) -> AppResult<RetryMailPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let model = admin::retry(db(ctx), actor, id, input.version).await?;
        Ok(RetryMailPayload {
            mail: OutboxMail(model),
        })
    }
}
