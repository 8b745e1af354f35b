use sea_orm::entity::prelude::*;

/// One of a cluster's target countries: a country it says it seeks partners in.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cluster_target_country")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cluster_id: Uuid,
    /// ISO 3166-1 alpha-2.
    #[sea_orm(primary_key, auto_increment = false)]
    pub country: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
