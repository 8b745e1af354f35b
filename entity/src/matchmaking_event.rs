//! A matchmaking event: where and when, how its sessions are cut into slots, which meeting kinds
//! it allows, and where it stands (DRAFT → OPEN → CLOSED → SCHEDULED → FINISHED, or CANCELLED).

use sea_orm::entity::prelude::*;

pub use crate::taxonomy::MatchmakingEventStatus;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "matchmaking_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub venue: Option<String>,
    pub online_url: Option<String>,
    /// An IANA name, e.g. `Asia/Taipei`: sessions are local times in it.
    pub time_zone: String,
    pub slot_minutes: i32,
    pub table_count: i32,
    pub registration_deadline: DateTimeUtc,
    pub request_deadline: DateTimeUtc,
    pub allows_c2c: bool,
    pub allows_c2b: bool,
    pub allows_b2b: bool,
    pub status: MatchmakingEventStatus,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
