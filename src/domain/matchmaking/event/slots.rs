//! Sessions and the slots they are cut into, in the event's IANA zone, numbered from 0 in time order.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use entity::{matchmaking_event as row, matchmaking_session};

/// A session as the organiser gives it: a day, and start and end as local times of the event's
/// zone, in minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    pub day: NaiveDate,
    pub start_minute: i32,
    pub end_minute: i32,
}

impl From<&matchmaking_session::Model> for Session {
    fn from(s: &matchmaking_session::Model) -> Self {
        Session {
            day: s.day,
            start_minute: s.start_minute,
            end_minute: s.end_minute,
        }
    }
}

/// One slot of an event: its number, and when it starts and ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub number: i32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// The instant of a local time in `zone`; in a gap of a clock change, the first instant after it.
fn instant(zone: Tz, day: NaiveDate, minute: i32) -> Option<DateTime<Utc>> {
    let local = day.and_hms_opt(0, 0, 0)? + Duration::minutes(i64::from(minute));
    let mut probe = local;
    // A gap is at most a few hours; step over it a quarter of an hour at a time.
    for _ in 0..16 {
        if let Some(t) = zone.from_local_datetime(&probe).earliest() {
            return Some(t.with_timezone(&Utc));
        }
        probe += Duration::minutes(15);
    }
    None
}

/// The slots of these sessions, in time order and numbered from 0: each session cut into
/// `slot_minutes` pieces from its start, a remainder too short for a slot left over.
pub fn slots(zone: Tz, slot_minutes: i32, sessions: &[Session]) -> Vec<Slot> {
    let mut sessions = sessions.to_vec();
    sessions.sort_by_key(|s| (s.day, s.start_minute));
    let mut out = Vec::new();
    for s in sessions {
        let mut start = s.start_minute;
        while slot_minutes > 0 && start + slot_minutes <= s.end_minute {
            if let (Some(starts_at), Some(ends_at)) =
                (instant(zone, s.day, start), instant(zone, s.day, start + slot_minutes))
            {
                out.push(Slot {
                    number: out.len() as i32,
                    starts_at,
                    ends_at,
                });
            }
            start += slot_minutes;
        }
    }
    out
}

/// The stored zone of an event; UTC if it no longer parses (it was checked on the way in).
pub fn zone_of(event: &row::Model) -> Tz {
    event.time_zone.parse().unwrap_or(Tz::UTC)
}
