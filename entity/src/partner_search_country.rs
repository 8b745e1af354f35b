use sea_orm::entity::prelude::*;

/// A country a partner search is aimed at.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_search_country")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_search_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub country: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
