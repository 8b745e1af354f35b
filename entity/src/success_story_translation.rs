//! A success story's title, summary and body in another language than its primary one (a BCP
//! 47 tag in canonical form).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "success_story_translation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub success_story_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub language: String,
    pub title: String,
    pub summary: String,
    pub body: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
