use sea_orm::entity::prelude::*;

pub use crate::taxonomy::{PartnershipKind, PartnershipStatus};

/// A strategic partnership between clusters (ESCP, Eurocluster, cooperation agreement, MoU).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "partnership")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub acronym: Option<String>,
    pub kind: PartnershipKind,
    pub description: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    /// Funding programme, e.g. "COSME" or "Single Market Programme".
    pub funding_programme: Option<String>,
    pub funding_eur: Option<i64>,
    pub status: PartnershipStatus,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
