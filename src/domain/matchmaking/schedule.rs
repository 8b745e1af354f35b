//! `scheduleEvent`: the scheduler's [`Instance`] built from an event in the database (its slots
//! and tables, the approved participants with their availability and maximum, the accepted
//! meetings with their pins and last placement), run, and its [`Schedule`] written back, all in
//! one transaction that holds the event's row.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use entity::{
    event_participant, matchmaking_event as event_row, meeting as row, participant_available_slot,
    taxonomy::{MeetingState, ParticipantStatus},
};
use sea_orm::{
    sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::event::{self, next_status, EventContext, StatusChange};
use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction},
        notification::MeetingChange,
        scheduler::{self, Instance, Meeting, Participant, Position, Schedule},
        version::{self, stale},
    },
    error::{AppError, AppResult},
};

/// What scheduling did: the event as it is now and the scheduler's answer (meetings named by
/// their uuids, participants in the reasons by their names).
#[derive(Debug)]
pub struct Scheduled {
    pub event: event_row::Model,
    pub schedule: Schedule,
    /// The meetings whose place changed (as they were read), each SCHEDULED when it had no
    /// place before, MOVED when it had one (to another place, or to none): what their two sides
    /// are told live.
    pub changed: Vec<(row::Model, MeetingChange)>,
}

/// A meeting's place as stored, if it has one.
fn position_of(m: &row::Model) -> Option<Position> {
    match (m.slot, m.table_number) {
        (Some(slot), Some(table)) => Some(Position {
            slot: u32::try_from(slot).ok()?,
            table: u32::try_from(table).ok()?,
        }),
        _ => None,
    }
}

/// The scheduler's input for this event, and the accepted meetings it was built from. A meeting
/// with a side that is not (or no longer) approved cannot take place: it is left out, and so
/// loses any place it had.
async fn instance<C: ConnectionTrait>(
    db: &C,
    context: &EventContext,
) -> AppResult<(Instance, Vec<row::Model>, HashMap<Uuid, String>)> {
    let id = context.event.id;
    let slot_count = context.slots().len() as u32;
    let participants = event_participant::Entity::find()
        .filter(event_participant::Column::EventId.eq(id))
        .filter(event_participant::Column::Status.eq(ParticipantStatus::Approved))
        .order_by_asc(event_participant::Column::Id)
        .all(db)
        .await?;
    let approved: HashSet<Uuid> = participants.iter().map(|p| p.id).collect();
    let mut availability: HashMap<Uuid, Vec<u32>> = HashMap::new();
    for a in participant_available_slot::Entity::find()
        .filter(participant_available_slot::Column::ParticipantId.is_in(approved.iter().copied()))
        .all(db)
        .await?
    {
        // Availability was checked against the slots on the way in; the slots are fixed
        // once the event is open.
        if let Ok(slot) = u32::try_from(a.slot) {
            if slot < slot_count {
                availability.entry(a.participant_id).or_default().push(slot);
            }
        }
    }
    let meetings = row::Entity::find()
        .filter(row::Column::EventId.eq(id))
        .filter(row::Column::State.eq(MeetingState::Accepted))
        .order_by_asc(row::Column::CreatedAt)
        .order_by_asc(row::Column::Id)
        .all(db)
        .await?;
    let instance = Instance {
        slot_count,
        table_count: u32::try_from(context.event.table_count).unwrap_or(0),
        participants: participants
            .iter()
            .map(|p| Participant {
                id: p.id.to_string(),
                available_slots: availability.remove(&p.id).unwrap_or_default(),
                max_meetings: u32::try_from(p.max_meetings).unwrap_or(0),
            })
            .collect(),
        meetings: meetings
            .iter()
            .filter(|m| approved.contains(&m.from_participant_id) && approved.contains(&m.to_participant_id))
            .map(|m| Meeting {
                id: m.id.to_string(),
                between: [m.from_participant_id.to_string(), m.to_participant_id.to_string()],
                pinned: if m.pinned { position_of(m) } else { None },
                previous: position_of(m),
            })
            .collect(),
    };
    let names = participants.into_iter().map(|p| (p.id, p.name)).collect();
    Ok((instance, meetings, names))
}

/// The event's row, taken for the rest of the transaction, so a second scheduling of the same
/// event waits and then finds the version moved on. SQLite has no row locks; it serialises
/// writers anyway.
async fn lock_event<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<event_row::Model> {
    event_row::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("matchmaking event".into()))
}

/// Schedules (or reschedules) an event's accepted meetings: an organiser, on a CLOSED or
/// SCHEDULED event, with the version read. Every meeting whose place changes gets a new
/// version; one that moves from an earlier place a raised `sequence` too.
pub async fn schedule_event<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    version: i32,
) -> AppResult<Scheduled> {
    let txn = crate::db::begin_write(db).await?;
    // Permission first, so a caller who may not schedule holds no lock; then the row as it is
    // once ours, for the version and the status.
    let mut context = event::context(&txn, id).await?;
    context.may_organise(actor)?;
    context.event = lock_event(&txn, id).await?;
    if context.event.version != version {
        return Err(stale(context.event.version, version));
    }
    let status = next_status(context.event.status, StatusChange::Schedule)?;
    let (instance, meetings, names) = instance(&txn, &context).await?;
    let started = std::time::Instant::now();
    let scheduled = scheduler::schedule(&instance);
    crate::observability::metrics::record_scheduler_run(scheduled.is_ok(), started.elapsed());
    let mut schedule = scheduled
        .map_err(|err| AppError::Conflict(format!("the event's meetings cannot be scheduled as they stand: {err}")))?;
    let placed: HashMap<String, Position> = schedule
        .placed
        .iter()
        .map(|p| {
            (
                p.meeting.clone(),
                Position {
                    slot: p.slot,
                    table: p.table,
                },
            )
        })
        .collect();
    let changes: Vec<(&row::Model, Option<Position>)> = meetings
        .iter()
        .map(|m| (m, placed.get(&m.id.to_string()).copied()))
        .filter(|(m, new)| position_of(m) != *new)
        .collect();
    // The unique index on (event, slot, table) is checked per statement on PostgreSQL: every
    // moving meeting leaves its place first, then each takes its new one.
    let now = Utc::now();
    for &(m, _) in &changes {
        let moved = position_of(m).is_some();
        let result = row::Entity::update_many()
            .col_expr(row::Column::Slot, Expr::value(Option::<i32>::None))
            .col_expr(row::Column::TableNumber, Expr::value(Option::<i32>::None))
            .col_expr(row::Column::Version, Expr::value(m.version + 1))
            .col_expr(row::Column::Sequence, Expr::value(m.sequence + i32::from(moved)))
            .col_expr(row::Column::UpdatedAt, Expr::value(now))
            .filter(row::Column::Id.eq(m.id))
            .filter(row::Column::Version.eq(m.version))
            .exec(&txn)
            .await?;
        // A meeting accepted, cancelled or pinned meanwhile: schedule again from what is now.
        if result.rows_affected != 1 {
            return Err(AppError::Conflict(
                "a meeting was cancelled or pinned while the event was being scheduled; nothing was written: schedule again"
                    .into(),
            ));
        }
    }
    for &(m, new) in &changes {
        let Some(new) = new else { continue };
        row::Entity::update_many()
            .col_expr(row::Column::Slot, Expr::value(new.slot as i32))
            .col_expr(row::Column::TableNumber, Expr::value(new.table as i32))
            .filter(row::Column::Id.eq(m.id))
            .exec(&txn)
            .await?;
    }
    let placed: Vec<(&row::Model, i32, i32)> = changes
        .iter()
        .filter_map(|&(m, new)| new.map(|p| (m, p.slot as i32, p.table as i32)))
        .collect();
    crate::webhook::event::meetings_scheduled(&txn, id, &placed).await?;
    let model = version::save::<event_row::Entity, _>(
        &txn,
        id,
        version,
        event_row::ActiveModel {
            status: sea_orm::ActiveValue::Set(status),
            ..Default::default()
        },
    )
    .await?;
    audit::record(
        &txn,
        actor,
        event::entry(
            id,
            AuditAction::Schedule,
            vec!["status", "meetings"],
            &context.countries,
        ),
    )
    .await?;
    txn.commit().await?;
    // The scheduler names participants by the ids it was given; people read names.
    for unplaced in &mut schedule.unplaced {
        for (id, name) in &names {
            let id = id.to_string();
            if unplaced.reason.contains(&id) {
                unplaced.reason = unplaced.reason.replace(&id, name);
            }
        }
    }
    let changed = changes
        .into_iter()
        .map(|(m, _)| {
            let change = if position_of(m).is_some() {
                MeetingChange::Moved
            } else {
                MeetingChange::Scheduled
            };
            (m.clone(), change)
        })
        .collect();
    Ok(Scheduled {
        event: model,
        schedule,
        changed,
    })
}
