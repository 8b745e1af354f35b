//! Matchmaking events: creation and changes, with every input checked (an IANA time zone,
//! sessions that do not overlap, deadlines before the event), the status life cycle, and the
//! slots an event's sessions are cut into.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use entity::{
    event_organiser, matchmaking_event as row, matchmaking_event_country, matchmaking_session,
    taxonomy::{MatchmakingEventStatus as Status, MeetingKind},
    user,
};
use sea_orm::{
    sea_query::Query, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        pagination::{keyset_page, Keyset, Page, SortKey, Window},
        policy::{self, MatchmakingVisibility},
        validation::{Checker, NAME_MAX, TEXT_MAX},
        version::{self, stale},
    },
    error::{AppError, AppResult, Refusal},
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
    fn validate(&mut self) -> AppResult<Tz> {
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

    fn allows(&self, kind: MeetingKind) -> bool {
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
    fn moves_slots(&self) -> bool {
        self.time_zone.is_some() || self.sessions.is_some() || self.slot_minutes.is_some()
    }
}

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
    matchmaking_event_country::Entity::delete_many()
        .filter(matchmaking_event_country::Column::EventId.eq(id))
        .exec(db)
        .await?;
    matchmaking_event_country::Entity::insert_many(new.countries.iter().map(|c| {
        matchmaking_event_country::ActiveModel {
            event_id: Set(id),
            country: Set(c.clone()),
        }
    }))
    .exec(db)
    .await?;
    event_organiser::Entity::delete_many()
        .filter(event_organiser::Column::EventId.eq(id))
        .exec(db)
        .await?;
    if !new.organiser_ids.is_empty() {
        event_organiser::Entity::insert_many(new.organiser_ids.iter().map(|&u| event_organiser::ActiveModel {
            event_id: Set(id),
            user_id: Set(u),
        }))
        .exec(db)
        .await?;
    }
    matchmaking_session::Entity::delete_many()
        .filter(matchmaking_session::Column::EventId.eq(id))
        .exec(db)
        .await?;
    matchmaking_session::Entity::insert_many(new.sessions.iter().map(|s| matchmaking_session::ActiveModel {
        id: Set(Uuid::now_v7()),
        event_id: Set(id),
        day: Set(s.day),
        start_minute: Set(s.start_minute),
        end_minute: Set(s.end_minute),
    }))
    .exec(db)
    .await?;
    Ok(())
}

pub async fn create<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    mut new: NewEvent,
) -> AppResult<row::Model> {
    new.validate()?;
    policy::may_create_event(actor, &new.countries)?;
    let txn = db.begin().await?;
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

fn entry(id: Uuid, action: AuditAction, changed_fields: Vec<&'static str>, countries: &[String]) -> Entry {
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
    let txn = db.begin().await?;
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

/// What an organiser asks of an event's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    Open,
    Close,
    Finish,
    Cancel,
}

fn status_code(status: Status) -> String {
    use sea_orm::ActiveEnum;
    status.to_value()
}

/// The status a change leads to from `from`, or why it may not: DRAFT → OPEN → CLOSED →
/// (scheduling) SCHEDULED → FINISHED; CANCELLED from any status before FINISHED.
pub fn next_status(from: Status, change: StatusChange) -> Result<Status, Refusal> {
    let refuse = |action, why| Refusal::TransitionNotAllowed {
        what: "matchmaking event",
        from: status_code(from),
        action,
        why,
    };
    match (change, from) {
        (StatusChange::Open, Status::Draft) => Ok(Status::Open),
        (StatusChange::Open, _) => Err(refuse("opened", "only a DRAFT event opens")),
        (StatusChange::Close, Status::Open) => Ok(Status::Closed),
        (StatusChange::Close, _) => Err(refuse("closed", "only an OPEN event closes")),
        (StatusChange::Finish, Status::Scheduled) => Ok(Status::Finished),
        (StatusChange::Finish, _) => Err(refuse("finished", "only a SCHEDULED event finishes")),
        (StatusChange::Cancel, Status::Finished | Status::Cancelled) => Err(refuse("cancelled", "it is over already")),
        (StatusChange::Cancel, _) => Ok(Status::Cancelled),
    }
}

pub async fn change_status<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    version: i32,
    change: StatusChange,
) -> AppResult<row::Model> {
    let txn = db.begin().await?;
    let context = locked(&txn, actor, id, Some(version)).await?;
    let status = next_status(context.event.status, change)?;
    let model = version::save::<row::Entity, _>(
        &txn,
        id,
        version,
        row::ActiveModel {
            status: Set(status),
            ..Default::default()
        },
    )
    .await?;
    let action = match change {
        StatusChange::Open => AuditAction::Open,
        StatusChange::Close => AuditAction::Close,
        StatusChange::Finish => AuditAction::Finish,
        StatusChange::Cancel => AuditAction::Cancel,
    };
    audit::record(&txn, actor, entry(id, action, vec!["status"], &context.countries)).await?;
    txn.commit().await?;
    Ok(model)
}

/// Narrows the list of events. Values within a field are alternatives; fields combine.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub statuses: Vec<Status>,
    pub countries: Vec<String>,
    /// Events with a session on or after this day.
    pub from: Option<NaiveDate>,
    /// Events with a session on or before this day.
    pub to: Option<NaiveDate>,
}

impl EventFilter {
    pub fn validate(&mut self) -> AppResult<()> {
        let mut check = Checker::new();
        check.countries("filter.countries", &mut self.countries);
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if to < from {
                check.fail("filter.to", "must not be before filter.from");
            }
        }
        check.finish()
    }

    fn condition(&self, visibility: &MatchmakingVisibility) -> Condition {
        let mut cond = Condition::all().add(visibility.events());
        if !self.statuses.is_empty() {
            cond = cond.add(row::Column::Status.is_in(self.statuses.clone()));
        }
        if !self.countries.is_empty() {
            cond = cond.add(
                row::Column::Id.in_subquery(
                    Query::select()
                        .column(matchmaking_event_country::Column::EventId)
                        .from(matchmaking_event_country::Entity)
                        .and_where(matchmaking_event_country::Column::Country.is_in(self.countries.clone()))
                        .to_owned(),
                ),
            );
        }
        if self.from.is_some() || self.to.is_some() {
            let mut sessions = Query::select()
                .column(matchmaking_session::Column::EventId)
                .from(matchmaking_session::Entity)
                .to_owned();
            if let Some(from) = self.from {
                sessions.and_where(matchmaking_session::Column::Day.gte(from));
            }
            if let Some(to) = self.to {
                sessions.and_where(matchmaking_session::Column::Day.lte(to));
            }
            cond = cond.add(row::Column::Id.in_subquery(sessions));
        }
        cond
    }
}

/// Events by registration deadline, soonest first: what someone browsing them wants to act on.
const BY_DEADLINE: Keyset<row::Entity> = Keyset {
    name: "REGISTRATION_DEADLINE",
    column: row::Column::RegistrationDeadline,
    id: row::Column::Id,
    ascending: true,
    key_of: |m| (SortKey::Time(m.registration_deadline), m.id),
};

pub async fn list<C: ConnectionTrait>(
    db: &C,
    visibility: &MatchmakingVisibility,
    filter: &EventFilter,
    window: &Window,
) -> AppResult<Page<row::Model>> {
    keyset_page(
        db,
        row::Entity::find().filter(filter.condition(visibility)),
        &BY_DEADLINE,
        window,
    )
    .await
}

pub async fn count<C: ConnectionTrait>(
    db: &C,
    visibility: &MatchmakingVisibility,
    filter: &EventFilter,
) -> AppResult<u64> {
    Ok(row::Entity::find()
        .filter(filter.condition(visibility))
        .count(db)
        .await?)
}

#[cfg(test)]
mod tests {
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
