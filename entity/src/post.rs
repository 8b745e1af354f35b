//! A post of a cluster: NEWS, an EVENT or a CALL for proposals, written in Markdown and stored
//! with the sanitised HTML rendered from it; DRAFT → PUBLISHED, or UNPUBLISHED by a moderator.

use sea_orm::entity::prelude::*;

pub use crate::taxonomy::{PostKind, PostStatus};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "post")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cluster_id: Uuid,
    /// The user who wrote it; null when it came from the demo data or the account is gone.
    pub author_id: Option<Uuid>,
    pub kind: PostKind,
    pub title: String,
    pub summary: Option<String>,
    pub body_markdown: String,
    /// Rendered from `body_markdown` and sanitised when it is written.
    pub body_html: String,
    /// Lower-cased plain text of title, summary and body, and of every translation, for the text
    /// filter.
    pub search_text: String,
    pub image_url: Option<String>,
    pub starts_at: Option<DateTimeUtc>,
    pub ends_at: Option<DateTimeUtc>,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub registration_url: Option<String>,
    pub deadline: Option<DateTimeUtc>,
    pub funding: Option<String>,
    pub eligibility: Option<String>,
    pub link: Option<String>,
    /// The language of title, summary and body: a BCP 47 tag in canonical form.
    pub language: String,
    pub status: PostStatus,
    pub published_at: Option<DateTimeUtc>,
    pub unpublish_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
