//! What organisers give for an event, new or patched, and how every field of it is checked.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::taxonomy::MeetingKind;
use uuid::Uuid;

use crate::{
    domain::validation::{Checker, NAME_MAX, TEXT_MAX},
    error::{AppError, AppResult},
};

use super::{slots, Session, MAX_SESSIONS, MAX_SLOTS, SLOT_MINUTES, TABLE_COUNT, TIME_ZONE_MAX, VENUE_MAX};

/// A new event, or an existing one with a patch applied, before it is checked.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub name: String,
    pub description: Option<String>,
    pub venue: Option<String>,
    pub online_url: Option<String>,
    pub time_zone: String,
    pub sessions: Vec<Session>,
    pub slot_minutes: i32,
    pub table_count: i32,
    pub registration_deadline: DateTime<Utc>,
    pub request_deadline: DateTime<Utc>,
    pub allowed_meeting_kinds: Vec<MeetingKind>,
    pub countries: Vec<String>,
    pub organiser_ids: Vec<Uuid>,
}

impl NewEvent {
    /// Checks every field and normalises it in place; every bad field is named.
    pub(super) fn validate(&mut self) -> AppResult<Tz> {
        let mut check = Checker::new();
        check.name("name", &mut self.name, NAME_MAX);
        check.optional_text("description", &mut self.description, TEXT_MAX);
        check.optional_name("venue", &mut self.venue, VENUE_MAX);
        check.optional_url("onlineUrl", &mut self.online_url);
        if self.venue.is_none() && self.online_url.is_none() {
            check.fail("venue", "give a venue, an online link or both");
        }
        self.time_zone = self.time_zone.trim().to_owned();
        let zone = match self.time_zone.parse::<Tz>() {
            Ok(zone) if self.time_zone.len() <= TIME_ZONE_MAX => Some(zone),
            _ => {
                check.fail(
                    "timeZone",
                    "must be an IANA time zone name such as Asia/Taipei or Europe/Brussels",
                );
                None
            }
        };
        if !SLOT_MINUTES.contains(&self.slot_minutes) {
            check.fail(
                "slotMinutes",
                format!(
                    "must be from {} to {} minutes",
                    SLOT_MINUTES.start(),
                    SLOT_MINUTES.end()
                ),
            );
        }
        if !TABLE_COUNT.contains(&self.table_count) {
            check.fail(
                "tableCount",
                format!("must be from {} to {}", TABLE_COUNT.start(), TABLE_COUNT.end()),
            );
        }
        self.sessions.sort_by_key(|s| (s.day, s.start_minute));
        if self.sessions.is_empty() || self.sessions.len() > MAX_SESSIONS {
            check.fail("sessions", format!("give from 1 to {MAX_SESSIONS} sessions"));
        }
        for (i, s) in self.sessions.iter().enumerate() {
            if !(0..1440).contains(&s.start_minute) || s.end_minute > 1440 || s.start_minute >= s.end_minute {
                check.fail(&format!("sessions[{i}]"), "must end after it starts, on the same day");
            } else if SLOT_MINUTES.contains(&self.slot_minutes) && s.end_minute - s.start_minute < self.slot_minutes {
                check.fail(&format!("sessions[{i}]"), "is shorter than one slot");
            }
        }
        for (i, pair) in self.sessions.windows(2).enumerate() {
            if pair[0].day == pair[1].day && pair[1].start_minute < pair[0].end_minute {
                check.fail(&format!("sessions[{}]", i + 1), "overlaps the session before it");
            }
        }
        self.allowed_meeting_kinds.sort();
        self.allowed_meeting_kinds.dedup();
        if self.allowed_meeting_kinds.is_empty() {
            check.fail("allowedMeetingKinds", "allow at least one of C2C, C2B and B2B");
        }
        check.countries("countries", &mut self.countries);
        if self.countries.is_empty() {
            check.fail("countries", "name the countries the event belongs to");
        }
        self.organiser_ids.sort();
        self.organiser_ids.dedup();
        if self.request_deadline < self.registration_deadline {
            check.fail("requestDeadline", "must not be before the registration deadline");
        }
        if let Some(zone) = zone {
            let slots = slots(zone, self.slot_minutes, &self.sessions);
            if slots.len() > MAX_SLOTS {
                check.fail(
                    "sessions",
                    format!("make at most {MAX_SLOTS} slots; these make {}", slots.len()),
                );
            }
            if let Some(first) = slots.first() {
                if self.request_deadline > first.starts_at {
                    check.fail("requestDeadline", "must not be after the first session starts");
                }
                if self.registration_deadline > first.starts_at {
                    check.fail("registrationDeadline", "must not be after the first session starts");
                }
            }
        }
        check.finish()?;
        zone.ok_or_else(|| AppError::internal("a time zone passed the check but did not parse"))
    }

    pub(super) fn allows(&self, kind: MeetingKind) -> bool {
        self.allowed_meeting_kinds.contains(&kind)
    }
}

/// The fields an update sends; each left out stays as it is.
#[derive(Debug, Clone, Default)]
pub struct EventPatch {
    pub name: Option<String>,
    /// `Some(None)` clears it.
    pub description: Option<Option<String>>,
    pub venue: Option<Option<String>>,
    pub online_url: Option<Option<String>>,
    pub time_zone: Option<String>,
    pub sessions: Option<Vec<Session>>,
    pub slot_minutes: Option<i32>,
    pub table_count: Option<i32>,
    pub registration_deadline: Option<DateTime<Utc>>,
    pub request_deadline: Option<DateTime<Utc>>,
    pub allowed_meeting_kinds: Option<Vec<MeetingKind>>,
    pub countries: Option<Vec<String>>,
    pub organiser_ids: Option<Vec<Uuid>>,
}

impl EventPatch {
    /// Whether it changes what the slots are: once participants can register, their
    /// availability is given in slot numbers, so these stay as they were.
    pub(super) fn moves_slots(&self) -> bool {
        self.time_zone.is_some() || self.sessions.is_some() || self.slot_minutes.is_some()
    }
}
