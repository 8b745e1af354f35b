use sea_orm::entity::prelude::*;

/// A national partner of the platform, such as CNFI for Taiwan, which registers and looks after
/// the clusters of the countries it represents.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_organisation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub local_name: Option<String>,
    pub acronym: Option<String>,
    pub website: Option<String>,
    /// The partner's own cluster profile, if it has one.
    pub cluster_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
