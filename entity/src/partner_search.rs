use sea_orm::entity::prelude::*;

pub use crate::taxonomy::PartnerSearchKind;

/// A cluster's offer of, or request for, cooperation, open until it expires.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_search")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cluster_id: Uuid,
    pub kind: PartnerSearchKind,
    pub title: String,
    pub description: String,
    pub expires_on: Date,
    pub created_at: DateTimeUtc,
    /// The account that posted the search, mailed when someone expresses interest; null when an
    /// API key, an operator or the demo data posted it.
    pub posted_by_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
