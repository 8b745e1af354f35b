//! Matchmaking events: creation and changes, with every input checked (an IANA time zone,
//! sessions that do not overlap, deadlines before the event), the status life cycle, and the
//! slots an event's sessions are cut into.

use chrono::Utc;
use entity::{
    event_organiser, matchmaking_event as row, matchmaking_event_country, matchmaking_session,
    taxonomy::{MatchmakingEventStatus as Status, MeetingKind},
    user,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        child_rows,
        policy::{self},
        version::{self, stale},
    },
    error::{AppError, AppResult, Refusal},
};

mod input;
mod list;
mod slots;
mod status;

use self::status::status_code;

pub use self::{
    input::{EventPatch, NewEvent},
    list::{count, list, EventFilter},
    slots::{slots, zone_of, Session, Slot},
    status::{change_status, next_status, StatusChange},
};

/// Shortest and longest slot: a handshake, a long lunch.
pub const SLOT_MINUTES: std::ops::RangeInclusive<i32> = 5..=240;
/// Most tables: the largest ECCP events seat a few hundred pairs at once.
pub const TABLE_COUNT: std::ops::RangeInclusive<i32> = 1..=1000;
pub const MAX_SESSIONS: usize = 20;
/// Most slots over all sessions, so a participant's availability stays a short list.
pub const MAX_SLOTS: usize = 200;
const VENUE_MAX: usize = 300;
const TIME_ZONE_MAX: usize = 64;

/// An event with what its organisers, countries and sessions are: what the policy and the
/// rules of meetings read.
#[derive(Debug, Clone)]
pub struct EventContext {
    pub event: row::Model,
    pub countries: Vec<String>,
    pub organisers: Vec<Uuid>,
    pub sessions: Vec<Session>,
}

impl EventContext {
    pub fn organised_by(&self, p: &Principal) -> bool {
        policy::organises_event(p, &self.countries, &self.organisers)
    }

    pub fn may_organise(&self, p: &Principal) -> AppResult<()> {
        policy::may_organise_event(p, &self.countries, &self.organisers)
    }

    pub fn slots(&self) -> Vec<Slot> {
        slots(zone_of(&self.event), self.event.slot_minutes, &self.sessions)
    }

    pub fn allows(&self, kind: MeetingKind) -> bool {
        match kind {
            MeetingKind::C2c => self.event.allows_c2c,
            MeetingKind::C2b => self.event.allows_c2b,
            MeetingKind::B2b => self.event.allows_b2b,
        }
    }

    fn as_new(&self) -> NewEvent {
        let e = &self.event;
        NewEvent {
            name: e.name.clone(),
            description: e.description.clone(),
            venue: e.venue.clone(),
            online_url: e.online_url.clone(),
            time_zone: e.time_zone.clone(),
            sessions: self.sessions.clone(),
            slot_minutes: e.slot_minutes,
            table_count: e.table_count,
            registration_deadline: e.registration_deadline,
            request_deadline: e.request_deadline,
            allowed_meeting_kinds: [MeetingKind::C2c, MeetingKind::C2b, MeetingKind::B2b]
                .into_iter()
                .filter(|&k| self.allows(k))
                .collect(),
            countries: self.countries.clone(),
            organiser_ids: self.organisers.clone(),
        }
    }
}

/// Allowed meeting kinds, as the event row keeps them.
pub fn allowed_kinds(event: &row::Model) -> Vec<MeetingKind> {
    [
        (MeetingKind::C2c, event.allows_c2c),
        (MeetingKind::C2b, event.allows_c2b),
        (MeetingKind::B2b, event.allows_b2b),
    ]
    .into_iter()
    .filter_map(|(k, allowed)| allowed.then_some(k))
    .collect()
}

/// An event with its countries, organisers and sessions; NOT_FOUND when it is missing.
pub async fn context<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<EventContext> {
    let event = row::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("matchmaking event".into()))?;
    let countries = matchmaking_event_country::Entity::find()
        .filter(matchmaking_event_country::Column::EventId.eq(id))
        .order_by_asc(matchmaking_event_country::Column::Country)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.country)
        .collect();
    let organisers = event_organiser::Entity::find()
        .filter(event_organiser::Column::EventId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.user_id)
        .collect();
    let sessions = matchmaking_session::Entity::find()
        .filter(matchmaking_session::Column::EventId.eq(id))
        .order_by_asc(matchmaking_session::Column::Day)
        .order_by_asc(matchmaking_session::Column::StartMinute)
        .all(db)
        .await?
        .iter()
        .map(Session::from)
        .collect();
    Ok(EventContext {
        event,
        countries,
        organisers,
        sessions,
    })
}

/// An event the caller may see, with its context; NOT_FOUND otherwise (a draft is not shown to
/// those who do not organise it).
pub async fn visible_context<C: ConnectionTrait>(
    db: &C,
    actor: Option<&Principal>,
    id: Uuid,
) -> AppResult<EventContext> {
    let context = context(db, id).await?;
    let organiser = actor.is_some_and(|p| context.organised_by(p));
    if context.event.status == Status::Draft && !organiser {
        return Err(AppError::NotFound("matchmaking event".into()));
    }
    Ok(context)
}

async fn check_organisers<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let found = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.to_vec()))
        .count(db)
        .await?;
    if found != ids.len() as u64 {
        return Err(AppError::bad_field("organiserIds", "names a user that does not exist"));
    }
    Ok(())
}

/// Writes an event's lists (countries, organisers, sessions) afresh.
async fn write_lists<C: ConnectionTrait>(db: &C, id: Uuid, new: &NewEvent) -> AppResult<()> {
    child_rows::replace::<matchmaking_event_country::Entity, _>(
        db,
        matchmaking_event_country::Column::EventId,
        id,
        new.countries.iter().map(|c| matchmaking_event_country::ActiveModel {
            event_id: Set(id),
            country: Set(c.clone()),
        }),
    )
    .await?;
    child_rows::replace::<event_organiser::Entity, _>(
        db,
        event_organiser::Column::EventId,
        id,
        new.organiser_ids.iter().map(|&u| event_organiser::ActiveModel {
            event_id: Set(id),
            user_id: Set(u),
        }),
    )
    .await?;
    child_rows::replace::<matchmaking_session::Entity, _>(
        db,
        matchmaking_session::Column::EventId,
        id,
        new.sessions.iter().map(|s| matchmaking_session::ActiveModel {
            id: Set(Uuid::now_v7()),
            event_id: Set(id),
            day: Set(s.day),
            start_minute: Set(s.start_minute),
            end_minute: Set(s.end_minute),
        }),
    )
    .await
}

pub async fn create<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    mut new: NewEvent,
) -> AppResult<row::Model> {
    new.validate()?;
    policy::may_create_event(actor, &new.countries)?;
    let txn = crate::db::begin_write(db).await?;
    check_organisers(&txn, &new.organiser_ids).await?;
    let id = Uuid::now_v7();
    let now = Utc::now();
    let model = row::Entity::insert(row::ActiveModel {
        id: Set(id),
        name: Set(new.name.clone()),
        description: Set(new.description.clone()),
        venue: Set(new.venue.clone()),
        online_url: Set(new.online_url.clone()),
        time_zone: Set(new.time_zone.clone()),
        slot_minutes: Set(new.slot_minutes),
        table_count: Set(new.table_count),
        registration_deadline: Set(new.registration_deadline),
        request_deadline: Set(new.request_deadline),
        allows_c2c: Set(new.allows(MeetingKind::C2c)),
        allows_c2b: Set(new.allows(MeetingKind::C2b)),
        allows_b2b: Set(new.allows(MeetingKind::B2b)),
        status: Set(Status::Draft),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(&txn)
    .await?;
    write_lists(&txn, id, &new).await?;
    audit::record(
        &txn,
        actor,
        entry(
            id,
            AuditAction::Create,
            vec!["name", "sessions", "status"],
            &new.countries,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

pub(super) fn entry(id: Uuid, action: AuditAction, changed_fields: Vec<&'static str>, countries: &[String]) -> Entry {
    Entry {
        entity_type: AuditEntityType::MatchmakingEvent,
        entity_id: id,
        action,
        changed_fields,
        country: countries.first().cloned(),
    }
}

/// Reads an event for a write by an organiser: NOT_FOUND, then FORBIDDEN, then CONFLICT on a
/// stale version.
pub(super) async fn locked<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    version: Option<i32>,
) -> AppResult<EventContext> {
    let context = context(db, id).await?;
    context.may_organise(actor)?;
    match version {
        Some(v) if v != context.event.version => Err(stale(context.event.version, v)),
        _ => Ok(context),
    }
}

pub async fn update<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    version: i32,
    patch: EventPatch,
) -> AppResult<row::Model> {
    let txn = crate::db::begin_write(db).await?;
    let context = locked(&txn, actor, id, Some(version)).await?;
    if matches!(context.event.status, Status::Finished | Status::Cancelled) {
        return Err(Refusal::TransitionNotAllowed {
            what: "matchmaking event",
            from: status_code(context.event.status),
            action: "changed",
            why: "it is over",
        }
        .into());
    }
    if patch.moves_slots() && context.event.status != Status::Draft {
        return Err(AppError::Conflict(
            "timeZone, sessions and slotMinutes are fixed once the event is open: participants' availability is given in its slots".into(),
        ));
    }
    let old = context.as_new();
    let mut new = old.clone();
    let mut changed = Vec::new();
    macro_rules! apply {
        ($($field:ident => $name:literal),+ $(,)?) => {
            $(if let Some(value) = patch.$field { new.$field = value; changed.push($name); })+
        };
    }
    apply!(
        name => "name", description => "description", venue => "venue", online_url => "onlineUrl",
        time_zone => "timeZone", sessions => "sessions", slot_minutes => "slotMinutes",
        table_count => "tableCount", registration_deadline => "registrationDeadline",
        request_deadline => "requestDeadline", allowed_meeting_kinds => "allowedMeetingKinds",
        countries => "countries", organiser_ids => "organiserIds",
    );
    new.validate()?;
    // Moving an event into other countries needs the right to organise there too.
    if new.countries != old.countries {
        policy::may_create_event(actor, &new.countries)?;
    }
    check_organisers(&txn, &new.organiser_ids).await?;
    let model = version::save::<row::Entity, _>(
        &txn,
        id,
        version,
        row::ActiveModel {
            name: Set(new.name.clone()),
            description: Set(new.description.clone()),
            venue: Set(new.venue.clone()),
            online_url: Set(new.online_url.clone()),
            time_zone: Set(new.time_zone.clone()),
            slot_minutes: Set(new.slot_minutes),
            table_count: Set(new.table_count),
            registration_deadline: Set(new.registration_deadline),
            request_deadline: Set(new.request_deadline),
            allows_c2c: Set(new.allows(MeetingKind::C2c)),
            allows_c2b: Set(new.allows(MeetingKind::C2b)),
            allows_b2b: Set(new.allows(MeetingKind::B2b)),
            ..Default::default()
        },
    )
    .await?;
    write_lists(&txn, id, &new).await?;
    audit::record(&txn, actor, entry(id, AuditAction::Update, changed, &new.countries)).await?;
    txn.commit().await?;
    Ok(model)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use chrono_tz::Tz;

    use super::*;

    fn session(day: &str, start: (i32, i32), end: (i32, i32)) -> Session {
        Session {
            day: NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("a date"),
            start_minute: start.0 * 60 + start.1,
            end_minute: end.0 * 60 + end.1,
        }
    }

    #[test]
    fn slots_are_numbered_in_time_order_in_utc() {
        let zone: Tz = "Asia/Taipei".parse().expect("a zone");
        // Given out of order: the afternoon of 5 June 2018 comes after the morning.
        let sessions = [
            session("2018-06-05", (14, 0), (15, 0)),
            session("2018-06-05", (9, 0), (9, 50)),
        ];
        let slots = slots(zone, 20, &sessions);
        let starts: Vec<String> = slots.iter().map(|s| s.starts_at.format("%H:%M").to_string()).collect();
        // Taipei is UTC+8; the morning's last 10 minutes make no slot.
        assert_eq!(starts, ["01:00", "01:20", "06:00", "06:20", "06:40"]);
        assert_eq!(slots.iter().map(|s| s.number).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn the_status_moves_only_forward() {
        use Status as S;
        use StatusChange as C;
        assert_eq!(next_status(S::Draft, C::Open), Ok(S::Open));
        assert_eq!(next_status(S::Open, C::Close), Ok(S::Closed));
        assert_eq!(next_status(S::Scheduled, C::Finish), Ok(S::Finished));
        // Scheduling, and scheduling again after changes.
        assert_eq!(next_status(S::Closed, C::Schedule), Ok(S::Scheduled));
        assert_eq!(next_status(S::Scheduled, C::Schedule), Ok(S::Scheduled));
        for from in [S::Draft, S::Open, S::Closed, S::Scheduled] {
            assert_eq!(next_status(from, C::Cancel), Ok(S::Cancelled));
        }
        let refused = [
            (S::Open, C::Open),
            (S::Closed, C::Open),
            (S::Finished, C::Open),
            (S::Cancelled, C::Open),
            (S::Draft, C::Close),
            (S::Closed, C::Close),
            (S::Scheduled, C::Close),
            (S::Draft, C::Finish),
            (S::Open, C::Finish),
            (S::Closed, C::Finish),
            (S::Finished, C::Finish),
            (S::Finished, C::Cancel),
            (S::Cancelled, C::Cancel),
            (S::Draft, C::Schedule),
            (S::Open, C::Schedule),
            (S::Finished, C::Schedule),
            (S::Cancelled, C::Schedule),
        ];
        for (from, change) in refused {
            let refusal = next_status(from, change).expect_err("refused");
            assert_eq!(
                refusal.code(),
                crate::error::ErrorCode::TransitionNotAllowed,
                "{from:?} {change:?}"
            );
        }
    }
}
