//! The inputs and payloads of the mutations on matchmaking events.

use async_graphql::{InputObject, MaybeUndefined, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::{MatchmakingEvent, MeetingKind};
use crate::{
    domain::matchmaking::Session,
    graphql::scalars::{Date, TimeOfDay},
};

/// A session of an event, in its time zone.
#[derive(InputObject)]
pub struct MatchmakingSessionInput {
    /// The day.
    pub date: Date,
    /// When it starts, local time.
    pub start_time: TimeOfDay,
    /// When it ends, local time, the same day (`24:00` at the latest).
    pub end_time: TimeOfDay,
}

impl From<MatchmakingSessionInput> for Session {
    fn from(s: MatchmakingSessionInput) -> Self {
        Session {
            day: s.date.0,
            start_minute: s.start_time.0,
            end_minute: s.end_time.0,
        }
    }
}

/// A new matchmaking event, created as a DRAFT.
#[derive(InputObject)]
pub struct CreateMatchmakingEventInput {
    /// The event's name; trimmed, not empty, at most 200 characters.
    pub name: String,
    /// What it is about; plain text, at most 20,000 characters.
    pub description: Option<String>,
    /// Where it takes place; a venue, an online link or both.
    pub venue: Option<String>,
    /// Where to join online: an http(s) URL.
    pub online_url: Option<String>,
    /// The IANA time zone of its sessions, e.g. `Asia/Taipei`.
    pub time_zone: String,
    /// Its sessions, 1 to 20, not overlapping, each at least one slot long.
    pub sessions: Vec<MatchmakingSessionInput>,
    /// Minutes per meeting slot, 5 to 240.
    pub slot_minutes: i32,
    /// Tables, 1 to 1,000.
    pub table_count: i32,
    /// The last moment to register; not after the first session starts.
    pub registration_deadline: DateTime<Utc>,
    /// The last moment to request a meeting; not before the registration deadline, not after
    /// the first session starts.
    pub request_deadline: DateTime<Utc>,
    /// The meeting kinds it allows; at least one.
    pub allowed_meeting_kinds: Vec<MeetingKind>,
    /// ISO 3166-1 alpha-2 codes of the countries it belongs to; a partner creates events in its
    /// own countries only.
    pub countries: Vec<String>,
    /// Users (global IDs) who organise it besides administrators and its countries' partners.
    pub organiser_ids: Option<Vec<ID>>,
}

/// The result of `createMatchmakingEvent` and the other event mutations.
#[derive(SimpleObject)]
pub struct MatchmakingEventPayload {
    /// The event as it is now.
    pub matchmaking_event: MatchmakingEvent,
}

/// Changes to an event; a left-out field stays as it is, `null` clears an optional one. The time
/// zone, sessions and slot length change only while the event is a DRAFT.
#[derive(InputObject)]
pub struct UpdateMatchmakingEventInput {
    /// The event's global ID.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// The event's name.
    pub name: Option<String>,
    /// What it is about.
    pub description: MaybeUndefined<String>,
    /// Where it takes place.
    pub venue: MaybeUndefined<String>,
    /// Where to join online.
    pub online_url: MaybeUndefined<String>,
    /// The IANA time zone of its sessions.
    pub time_zone: Option<String>,
    /// Its sessions, replacing the old ones.
    pub sessions: Option<Vec<MatchmakingSessionInput>>,
    /// Minutes per meeting slot.
    pub slot_minutes: Option<i32>,
    /// Tables.
    pub table_count: Option<i32>,
    /// The last moment to register.
    pub registration_deadline: Option<DateTime<Utc>>,
    /// The last moment to request a meeting.
    pub request_deadline: Option<DateTime<Utc>>,
    /// The meeting kinds it allows.
    pub allowed_meeting_kinds: Option<Vec<MeetingKind>>,
    /// The countries it belongs to.
    pub countries: Option<Vec<String>>,
    /// The users who organise it, replacing the old list.
    pub organiser_ids: Option<Vec<ID>>,
}

/// An event whose status to move, at the version you read.
#[derive(InputObject)]
pub struct ChangeMatchmakingEventStatusInput {
    /// The event's global ID.
    pub id: ID,
    /// The version you read.
    pub version: i32,
}

pub(super) fn patch_of<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}
