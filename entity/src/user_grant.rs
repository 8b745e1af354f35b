use sea_orm::entity::prelude::*;

pub use crate::taxonomy::Role;

/// One role a user holds: ADMIN; PARTNER for a partner organisation (and so its countries);
/// CLUSTER_MANAGER for one cluster.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "user_grant")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
    pub partner_organisation_id: Option<Uuid>,
    pub cluster_id: Option<Uuid>,
    pub granted_by_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl ActiveModelBehavior for ActiveModel {}
