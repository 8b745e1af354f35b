use sea_orm::entity::prelude::*;

pub use crate::taxonomy::SuccessStoryOutcome;

/// A cooperation success story, told so that other clusters learn from it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "success_story")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    pub body: Option<String>,
    /// The language title, summary and body are written in (BCP 47 tag, canonical).
    pub language: String,
    pub outcome: SuccessStoryOutcome,
    /// Year the cooperation began, e.g. the matchmaking event where the clusters met.
    pub began_in: Option<i32>,
    pub partnership_id: Option<Uuid>,
    /// The matchmaking meeting the story began at, if it names one.
    pub meeting_id: Option<Uuid>,
    /// The matchmaking event the story began at, if it names one.
    pub matchmaking_event_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::partnership::Entity",
        from = "Column::PartnershipId",
        to = "super::partnership::Column::Id",
        on_delete = "SetNull"
    )]
    Partnership,
}

impl ActiveModelBehavior for ActiveModel {}
