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
    /// When the user opened a verification link (or proved the address otherwise: an accepted
    /// invitation, a password reset); null for a self-registered account until then.
    pub email_verified_at: Option<DateTimeUtc>,
    /// BCP 47 tag of the language the user's mails are written in; null for English.
    pub language: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
