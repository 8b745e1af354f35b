//! A mail in the outbox: queued by a producer inside its own transaction, claimed by a sender
//! under a lease, then SENT, or FAILED when the server refused it for good or retries ran out.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Why a mail is sent; producers name themselves here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum MailPurpose {
    #[sea_orm(string_value = "DIGEST")]
    Digest,
    /// The double opt-in mail of a digest subscription.
    #[sea_orm(string_value = "SUBSCRIPTION_CONFIRMATION")]
    SubscriptionConfirmation,
    #[sea_orm(string_value = "INVITATION")]
    Invitation,
    #[sea_orm(string_value = "PASSWORD_RESET")]
    PasswordReset,
    #[sea_orm(string_value = "VERIFICATION")]
    Verification,
    #[sea_orm(string_value = "INTEREST")]
    Interest,
    /// A partner organisation's webhook endpoint was disabled after failing too long.
    #[sea_orm(string_value = "WEBHOOK_DISABLED")]
    WebhookDisabled,
}

/// Where a mail stands: QUEUED → SENDING (leased) → SENT, or back to QUEUED after a temporary
/// failure, or FAILED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum MailStatus {
    #[sea_orm(string_value = "QUEUED")]
    Queued,
    #[sea_orm(string_value = "SENDING")]
    Sending,
    #[sea_orm(string_value = "SENT")]
    Sent,
    #[sea_orm(string_value = "FAILED")]
    Failed,
}

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_mail")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub purpose: MailPurpose,
    /// Unique: a second mail with the same key is not stored.
    pub dedupe_key: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    /// Extra headers as a JSON object of name → value (List-Unsubscribe and the like).
    pub headers: String,
    /// Fixed when queued, so a mail sent twice (at least once) carries the same Message-ID.
    pub message_id: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub lease_until: Option<DateTimeUtc>,
    pub lease_owner: Option<String>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
