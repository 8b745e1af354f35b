//! The EU industrial ecosystems a participant says it offersoffered partners in.

use sea_orm::entity::prelude::*;

pub use crate::taxonomy::Ecosystem;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "participant_offered_ecosystem")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub participant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ecosystem: Ecosystem,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
