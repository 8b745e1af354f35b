use sea_orm::entity::prelude::*;

/// A cluster involved in a success story.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "success_story_cluster")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub success_story_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub cluster_id: Uuid,
    /// Whether the cluster's editors agreed to appear in the story; a link made by the editors
    /// of the cluster itself is confirmed at once.
    pub confirmed: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::success_story::Entity",
        from = "Column::SuccessStoryId",
        to = "super::success_story::Column::Id",
        on_delete = "Cascade"
    )]
    SuccessStory,
    #[sea_orm(
        belongs_to = "super::cluster::Entity",
        from = "Column::ClusterId",
        to = "super::cluster::Column::Id",
        on_delete = "Cascade"
    )]
    Cluster,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::success_story::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SuccessStory.def()
    }
}

impl Related<super::cluster::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Cluster.def()
    }
}
