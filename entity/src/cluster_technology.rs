use sea_orm::entity::prelude::*;

/// A technology keyword of a cluster profile ("5G", "composites"), kept in its own table so both
/// databases can index and search it the same way.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cluster_technology")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cluster_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub keyword: String,
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
