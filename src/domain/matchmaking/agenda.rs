//! A participant's agenda: its scheduled meetings in time order, each with the other side, its
//! table and its slot's times; as RFC 5545 iCalendar for calendar programs; and the revocable
//! per-participant link that opens the iCalendar feed without signing in.

use chrono::{DateTime, Utc};
use entity::{agenda_link, event_participant, meeting, taxonomy::MeetingState};
use icalendar::{Calendar, Component, EventLike};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::{
    event::{self, EventContext, Slot},
    participant::{self, ParticipantContext},
};
use crate::{
    auth::{secret, Principal},
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        policy,
    },
    error::AppResult,
};

/// A token longer than this is no token of ours; it is refused before it is hashed.
const TOKEN_MAX: usize = 128;

/// One scheduled meeting of a participant.
#[derive(Debug, Clone)]
pub struct AgendaItem {
    pub meeting: meeting::Model,
    /// The other side.
    pub other: event_participant::Model,
    pub slot: Slot,
}

impl AgendaItem {
    /// The table as people count: from 1.
    pub fn table(&self) -> i32 {
        self.meeting.table_number.unwrap_or(0) + 1
    }
}

/// A participant, its event, and its scheduled meetings in time order.
#[derive(Debug, Clone)]
pub struct Agenda {
    pub event: EventContext,
    pub participant: ParticipantContext,
    pub items: Vec<AgendaItem>,
}

impl Agenda {
    pub fn seen_by(&self, p: &Principal) -> bool {
        sees(p, &self.participant, &self.event)
    }
}

fn sees(p: &Principal, participant: &ParticipantContext, event: &EventContext) -> bool {
    policy::sees_agenda(
        p,
        participant.cluster.as_ref(),
        &participant.users,
        &event.countries,
        &event.organisers,
    )
}

/// The items of one participant's agenda from its scheduled meetings, the other sides and the
/// event's slots: in time order, a meeting whose slot no longer exists left out.
pub fn items_of(
    participant: Uuid,
    meetings: impl IntoIterator<Item = meeting::Model>,
    others: impl Fn(Uuid) -> Option<event_participant::Model>,
    slots: &[Slot],
) -> Vec<AgendaItem> {
    let mut items: Vec<AgendaItem> = meetings
        .into_iter()
        .filter_map(|m| {
            let slot = *slots.get(usize::try_from(m.slot?).ok()?)?;
            let other_id = if m.from_participant_id == participant {
                m.to_participant_id
            } else {
                m.from_participant_id
            };
            Some(AgendaItem {
                other: others(other_id)?,
                meeting: m,
                slot,
            })
        })
        .collect();
    items.sort_by_key(|i| (i.slot.number, i.meeting.id));
    items
}

/// The agenda of a participant of `event_id`, whoever asks: callers check [`Agenda::seen_by`]
/// or a link's token. None when there is no such participant of that event.
pub async fn agenda<C: ConnectionTrait>(db: &C, event_id: Uuid, participant_id: Uuid) -> AppResult<Option<Agenda>> {
    let Some(found) = event_participant::Entity::find_by_id(participant_id).one(db).await? else {
        return Ok(None);
    };
    if found.event_id != event_id {
        return Ok(None);
    }
    let participant = participant::context(db, participant_id).await?;
    let event = event::context(db, event_id).await?;
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::State.eq(MeetingState::Accepted))
        .filter(meeting::Column::Slot.is_not_null())
        .filter(
            Condition::any()
                .add(meeting::Column::FromParticipantId.eq(participant_id))
                .add(meeting::Column::ToParticipantId.eq(participant_id)),
        )
        .order_by_asc(meeting::Column::Slot)
        .all(db)
        .await?;
    let other_ids: Vec<Uuid> = meetings
        .iter()
        .flat_map(|m| [m.from_participant_id, m.to_participant_id])
        .filter(|&id| id != participant_id)
        .collect();
    let others = event_participant::Entity::find()
        .filter(event_participant::Column::Id.is_in(other_ids))
        .all(db)
        .await?;
    let items = items_of(
        participant_id,
        meetings,
        |id| others.iter().find(|o| o.id == id).cloned(),
        &event.slots(),
    );
    Ok(Some(Agenda {
        event,
        participant,
        items,
    }))
}

/// The UID of a meeting's calendar entry: the meeting's own id, so that a calendar that
/// imported it updates the entry when the meeting moves instead of adding a second one.
pub fn uid_of(meeting: Uuid) -> String {
    format!("{meeting}@clusterbridge")
}

/// The agenda as an RFC 5545 calendar: one VEVENT per meeting, in UTC.
pub fn to_icalendar(agenda: &Agenda) -> String {
    let event = &agenda.event.event;
    let mut calendar = Calendar::new();
    calendar.name(&format!("{} — {}", event.name, agenda.participant.participant.name));
    for item in &agenda.items {
        let table = item.table();
        let location = match &event.venue {
            Some(venue) => format!("Table {table}, {venue}"),
            None => format!("Table {table}"),
        };
        let entry = icalendar::Event::new()
            .uid(&uid_of(item.meeting.id))
            .sequence(u32::try_from(item.meeting.sequence).unwrap_or(0))
            // The meeting's last change, not the time of the download: a feed fetched twice
            // reads the same.
            .timestamp(item.meeting.updated_at)
            .starts(item.slot.starts_at)
            .ends(item.slot.ends_at)
            .summary(&format!("Meeting with {}", item.other.name))
            .location(&location)
            .description(&format!("{}: one-to-one meeting at table {table}.", event.name))
            .done();
        calendar.push(entry);
    }
    calendar.done().to_string()
}

fn link_entry(participant: &ParticipantContext, action: AuditAction) -> Entry {
    Entry {
        entity_type: AuditEntityType::EventParticipant,
        entity_id: participant.participant.id,
        action,
        changed_fields: vec!["agendaLink"],
        country: Some(participant.participant.country.clone()),
    }
}

async fn share_context<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    participant_id: Uuid,
) -> AppResult<(ParticipantContext, EventContext)> {
    let participant = participant::context(db, participant_id).await?;
    let event = event::context(db, participant.participant.event_id).await?;
    policy::may_share_agenda(
        actor,
        participant.cluster.as_ref(),
        &participant.users,
        &event.countries,
        &event.organisers,
    )?;
    Ok((participant, event))
}

/// A new link to a participant's iCalendar feed, replacing any earlier one: the participant,
/// its event and the token, which is shown this once and stored only as its hash.
pub async fn create_link<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    participant_id: Uuid,
) -> AppResult<(ParticipantContext, EventContext, String)> {
    let txn = crate::db::begin_write(db).await?;
    let (participant, event) = share_context(&txn, actor, participant_id).await?;
    agenda_link::Entity::delete_by_id(participant_id).exec(&txn).await?;
    let token = secret::generate();
    agenda_link::Entity::insert(agenda_link::ActiveModel {
        participant_id: Set(participant_id),
        token_hash: Set(secret::digest(&token)),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(&txn, actor, link_entry(&participant, AuditAction::Create)).await?;
    txn.commit().await?;
    Ok((participant, event, token))
}

/// Removes a participant's link, so its token opens nothing any more: whether there was one.
pub async fn revoke_link<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    participant_id: Uuid,
) -> AppResult<(ParticipantContext, bool)> {
    let txn = crate::db::begin_write(db).await?;
    let (participant, _) = share_context(&txn, actor, participant_id).await?;
    let removed = agenda_link::Entity::delete_by_id(participant_id).exec(&txn).await?;
    let revoked = removed.rows_affected > 0;
    if revoked {
        audit::record(&txn, actor, link_entry(&participant, AuditAction::Revoke)).await?;
    }
    txn.commit().await?;
    Ok((participant, revoked))
}

/// When the participant's link was made, if it has one.
pub async fn link_created_at<C: ConnectionTrait>(db: &C, participant_id: Uuid) -> AppResult<Option<DateTime<Utc>>> {
    Ok(agenda_link::Entity::find_by_id(participant_id)
        .one(db)
        .await?
        .map(|l| l.created_at))
}

/// Whether `token` is the participant's link token.
pub async fn token_opens<C: ConnectionTrait>(db: &C, participant_id: Uuid, token: &str) -> AppResult<bool> {
    if token.is_empty() || token.len() > TOKEN_MAX {
        return Ok(false);
    }
    let link = agenda_link::Entity::find_by_id(participant_id).one(db).await?;
    // The hash is compared, not the token: equal hashes take no secret-dependent time to find.
    Ok(link.is_some_and(|l| l.token_hash == secret::digest(token)))
}
