use sea_orm::entity::prelude::*;

/// One successful change: who, what, which action, when, which fields.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// USER, API_KEY or OPERATOR.
    pub actor_kind: String,
    pub actor_id: Option<Uuid>,
    /// The token subject, for people reading the log.
    pub actor_label: String,
    pub entity_type: String,
    pub entity_id: Uuid,
    pub action: String,
    /// JSON array of field names.
    pub changed_fields: String,
    /// Country of the cluster concerned, so partners see the entries of their countries.
    pub country: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
