use sea_orm::entity::prelude::*;

/// A person who signs in. What they may do comes from their grants.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Stored in lower case, so uniqueness is case-insensitive on every database.
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    /// argon2id, PHC string format.
    pub password_hash: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Moved on when every outstanding access token of the user must stop working (a password
    /// change, a role taken away); tokens carry the generation they were issued at.
    pub token_generation: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
