//! Who takes part in a matchmaking event: a cluster, or a business or other organisation, with
//! what it offers and seeks, its most meetings, and whether the organisers approved it.

use sea_orm::entity::prelude::*;

pub use crate::taxonomy::{MemberKind, ParticipantKind, ParticipantStatus};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "event_participant")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub event_id: Uuid,
    pub kind: ParticipantKind,
    /// The cluster that takes part; null for a business.
    pub cluster_id: Option<Uuid>,
    /// A cluster's name as it registered; a business's own.
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// What sort of organisation a business is; null for a cluster.
    pub organisation_kind: Option<MemberKind>,
    pub description: Option<String>,
    pub website: Option<String>,
    pub offers: Option<String>,
    pub seeks: Option<String>,
    pub max_meetings: i32,
    pub status: ParticipantStatus,
    /// Why the organisers rejected it.
    pub review_note: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
