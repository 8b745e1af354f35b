//! A password check counted by the guessing throttle.

use sea_orm::entity::prelude::*;

/// One password check, counted against a subject (`account:<e-mail>`, `address:<ip>`,
/// `key:<prefix>`) for the guessing throttle. One attempt writes a row per subject it counts
/// against, under one id; rows older than the window are swept.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "password_attempt")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject: String,
    pub attempted_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
