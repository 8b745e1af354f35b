use sea_orm::entity::prelude::*;

pub use crate::taxonomy::{SuccessStoryOutcome, SuccessStoryStatus};

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
    pub status: SuccessStoryStatus,
    /// The account that wrote it; null for the stories written before the workflow.
    pub author_id: Option<Uuid>,
    /// When it was last submitted for publication.
    pub submitted_at: Option<DateTimeUtc>,
    /// When it was first published; kept when a moderator returns it, so a story put back up
    /// keeps its place.
    pub published_at: Option<DateTimeUtc>,
    /// The account that last published it.
    pub published_by: Option<Uuid>,
    /// Why a moderator returned it to DRAFT, for its author; cleared when it is published.
    pub moderation_note: Option<String>,
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
