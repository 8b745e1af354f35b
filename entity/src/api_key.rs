use sea_orm::entity::prelude::*;

/// A partner system's credential. Only the prefix (for lookup) and a SHA-256 hash of the secret
/// are stored; the key itself is shown once.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "api_key")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub partner_organisation_id: Uuid,
    pub created_by_id: Option<Uuid>,
    #[sea_orm(unique)]
    pub prefix: String,
    pub secret_hash: String,
    pub expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
    /// The key may run only documents an administrator registered as trusted.
    pub trusted_documents_only: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
