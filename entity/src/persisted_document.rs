use sea_orm::entity::prelude::*;

/// A GraphQL document known by its SHA-256: registered automatically (APQ) or trusted by an
/// administrator for allow-list clients.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "persisted_document")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub hash: String,
    pub document: String,
    pub name: Option<String>,
    pub trusted: bool,
    pub created_at: DateTimeUtc,
    /// Automatic ones are evicted least recently used first; trusted ones never.
    pub last_used_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
