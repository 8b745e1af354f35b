//! What came of a held meeting: one per meeting, recorded after its event by either side or an
//! organiser, and changed at its version.

use sea_orm::entity::prelude::*;

pub use crate::taxonomy::MeetingOutcomeKind;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_outcome")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub meeting_id: Uuid,
    /// The meeting's event, repeated so that statistics group outcomes without a join.
    pub event_id: Uuid,
    pub kind: MeetingOutcomeKind,
    pub note: Option<String>,
    /// When the outcome came about (a letter signed, a follow-up held).
    pub date: Date,
    /// The person who recorded it last; null for a service credential.
    pub recorded_by: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
