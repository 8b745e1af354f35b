//! A subscriber of the weekly digest: an address (lower case), the language its digest is
//! written in, and where its double opt-in stands.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// PENDING until the confirmation link is followed, then CONFIRMED until unsubscribed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum SubscriberStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "CONFIRMED")]
    Confirmed,
    #[sea_orm(string_value = "UNSUBSCRIBED")]
    Unsubscribed,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "digest_subscriber")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub email: String,
    /// BCP 47 tag in canonical form: the language the digest is written in.
    pub language: String,
    pub status: SubscriberStatus,
    pub confirmed_at: Option<DateTimeUtc>,
    pub unsubscribed_at: Option<DateTimeUtc>,
    /// When a confirmation mail was last queued: the per-address limit on subscribing.
    pub last_confirmation_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
