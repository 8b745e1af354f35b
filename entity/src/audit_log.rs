use sea_orm::entity::prelude::*;

pub use crate::taxonomy::{AuditAction, AuditActorKind, AuditEntityType};

/// One successful change: who, what, which action, when, which fields.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub actor_kind: AuditActorKind,
    pub actor_id: Option<Uuid>,
    /// The token subject, for people reading the log.
    pub actor_label: String,
    pub entity_type: AuditEntityType,
    pub entity_id: Uuid,
    pub action: AuditAction,
    /// JSON array of field names.
    pub changed_fields: String,
    /// Country of the cluster concerned, so partners see the entries of their countries.
    pub country: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
