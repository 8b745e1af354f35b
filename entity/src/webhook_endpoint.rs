//! A URL a partner organisation registered to be told of events, with the secret deliveries are
//! signed with (and, for a grace period after a rotation, the one before it).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Whether deliveries go out: an endpoint failing for too long is DISABLED until its owner
/// enables it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum EndpointStatus {
    #[sea_orm(string_value = "ENABLED")]
    Enabled,
    #[sea_orm(string_value = "DISABLED")]
    Disabled,
}

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoint")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partner_organisation_id: Uuid,
    pub url: String,
    pub description: Option<String>,
    /// `whsec_` + base64 of the key.
    pub secret: String,
    /// The secret before the last rotation, still signed with until `previous_secret_until`.
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<DateTimeUtc>,
    pub status: EndpointStatus,
    /// When the current run of failures began; null after a success.
    pub failing_since: Option<DateTimeUtc>,
    pub disabled_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
