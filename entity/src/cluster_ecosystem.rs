use sea_orm::entity::prelude::*;

pub use crate::taxonomy::Ecosystem;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cluster_ecosystem")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cluster_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ecosystem: Ecosystem,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::cluster::Entity",
        from = "Column::ClusterId",
        to = "super::cluster::Column::Id",
        on_delete = "Cascade"
    )]
    Cluster,
}

impl ActiveModelBehavior for ActiveModel {}
