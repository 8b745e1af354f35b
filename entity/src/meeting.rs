//! A one-to-one meeting at a matchmaking event: requested by one participant of another (or
//! added by an organiser), REQUESTED → ACCEPTED, DECLINED or CANCELLED; scheduled once it has a
//! slot and a table.

use sea_orm::entity::prelude::*;

pub use crate::taxonomy::{MeetingKind, MeetingState};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub event_id: Uuid,
    /// The requester.
    pub from_participant_id: Uuid,
    /// The invited side, which accepts or declines.
    pub to_participant_id: Uuid,
    pub kind: MeetingKind,
    pub state: MeetingState,
    pub message: Option<String>,
    /// Why it was declined or cancelled.
    pub reason: Option<String>,
    /// The pair's two ids in order while the meeting is REQUESTED or ACCEPTED, else null: a
    /// unique index keeps one live meeting per pair.
    pub live_pair: Option<String>,
    pub slot: Option<i32>,
    pub table_number: Option<i32>,
    /// An organiser's placement, which scheduling keeps.
    pub pinned: bool,
    /// Raised each time scheduling moves the meeting: iCalendar's SEQUENCE.
    pub sequence: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
