//! One issue of the weekly digest: an ISO week (`2026-W48`, unique), its bounds in UTC, what was
//! published in it (the items as JSON), and the general web view as HTML and plain text.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "digest_issue")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub week: String,
    /// Monday 00:00 UTC of the week.
    pub starts_at: DateTimeUtc,
    /// The next Monday 00:00 UTC: the week is `starts_at <= t < ends_at`.
    pub ends_at: DateTimeUtc,
    pub built_at: DateTimeUtc,
    pub item_count: i32,
    /// The items as JSON (`domain::digest::content::Item`), every language of each.
    pub items: String,
    pub html: String,
    pub text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
