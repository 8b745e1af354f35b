//! One event for one webhook endpoint: queued in the transaction of the write that raised it,
//! claimed by a sender under a lease like a mail of the outbox, then SENT, or FAILED when its
//! attempts ran out or its endpoint was disabled.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a delivery stands: QUEUED → SENDING (leased) → SENT, or back to QUEUED after a failed
/// attempt, or FAILED. The same codes as a mail's, since the same code claims both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum DeliveryStatus {
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
#[sea_orm(table_name = "webhook_delivery")]
pub struct Model {
    /// Also the message's `webhook-id` (`msg_` + the id), the same on every attempt.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_type: String,
    /// The JSON body, fixed when queued so every attempt sends the same bytes.
    pub payload: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub lease_until: Option<DateTimeUtc>,
    pub lease_owner: Option<String>,
    pub last_error: Option<String>,
    /// The HTTP status of the last answer; null when none came (refused, timed out).
    pub response_code: Option<i32>,
    pub sent_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
