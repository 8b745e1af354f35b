//! Meetings between participants: the request state machine (REQUESTED → ACCEPTED, DECLINED or
//! CANCELLED; ACCEPTED → CANCELLED), every refusal with its own code, and what organisers do
//! besides: add meetings, cancel them, pin them to a slot and table.
//!
//! Long because every write to a meeting is here, each one transaction with its checks, so one
//! reading shows every way a meeting's state, slot and table can change. The rules themselves
//! (who may, which transition) are in `rules.rs`, the lists in `list.rs`, outcomes in `outcome.rs`.

use chrono::Utc;
use entity::{
    meeting as row, participant_available_slot,
    taxonomy::{MatchmakingEventStatus, MeetingKind, MeetingState, ParticipantStatus},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::{
    event::{self, EventContext},
    participant::{self, status_code, ParticipantContext},
};
use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        validation::Checker,
        version,
    },
    error::{AppError, AppResult, Refusal},
};

pub const MESSAGE_MAX: usize = 2_000;

mod list;
mod outcome;
mod rules;

use self::rules::code;
pub use self::{
    list::{count, list, paired_with, MeetingFilter, Owner},
    outcome::{record as record_outcome, OutcomeRecord},
    rules::{kind_of, live_pair, next_state, Action, Side},
};

/// A meeting with its event and both sides.
struct MeetingContext {
    meeting: row::Model,
    event: EventContext,
    from: ParticipantContext,
    to: ParticipantContext,
}

impl MeetingContext {
    /// On whose behalf the caller acts, the invited side first (an administrator acts for both).
    fn side_of(&self, p: &Principal) -> Option<Side> {
        if self.to.acts_for(p) {
            Some(Side::Invitee)
        } else if self.from.acts_for(p) {
            Some(Side::Requester)
        } else if self.event.organised_by(p) {
            Some(Side::Organiser)
        } else {
            None
        }
    }
}

async fn meeting_context<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<MeetingContext> {
    let meeting = row::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("meeting".into()))?;
    let event = event::context(db, meeting.event_id).await?;
    let from = participant::context(db, meeting.from_participant_id).await?;
    let to = participant::context(db, meeting.to_participant_id).await?;
    Ok(MeetingContext {
        meeting,
        event,
        from,
        to,
    })
}

fn entry(id: Uuid, action: AuditAction, changed_fields: Vec<&'static str>, country: &str) -> Entry {
    Entry {
        entity_type: AuditEntityType::Meeting,
        entity_id: id,
        action,
        changed_fields,
        country: Some(country.to_owned()),
    }
}

/// Live (requested or accepted) meetings of a participant, or accepted ones only.
async fn meetings_of<C: ConnectionTrait>(db: &C, participant: Uuid, accepted_only: bool) -> AppResult<u64> {
    let states = if accepted_only {
        vec![MeetingState::Accepted]
    } else {
        vec![MeetingState::Requested, MeetingState::Accepted]
    };
    Ok(row::Entity::find()
        .filter(
            Condition::any()
                .add(row::Column::FromParticipantId.eq(participant))
                .add(row::Column::ToParticipantId.eq(participant)),
        )
        .filter(row::Column::State.is_in(states))
        .count(db)
        .await?)
}

/// Refuses a pair that may not meet: the same participant twice, an unapproved side, a kind
/// the event does not allow, a pair with a live meeting, a side at its maximum.
async fn check_pair<C: ConnectionTrait>(
    db: &C,
    event: &EventContext,
    from: &ParticipantContext,
    to: &ParticipantContext,
    accepted_only: bool,
) -> AppResult<MeetingKind> {
    if from.participant.id == to.participant.id {
        return Err(Refusal::MeetingWithOneself.into());
    }
    for side in [from, to] {
        if side.participant.status != ParticipantStatus::Approved {
            return Err(Refusal::ParticipantNotApproved {
                participant: side.participant.name.clone(),
            }
            .into());
        }
    }
    let kind = kind_of(from.participant.kind, to.participant.kind);
    if !event.allows(kind) {
        return Err(Refusal::MeetingKindNotAllowed {
            kind: match kind {
                MeetingKind::C2c => "C2C",
                MeetingKind::C2b => "C2B",
                MeetingKind::B2b => "B2B",
            },
        }
        .into());
    }
    let live = row::Entity::find()
        .filter(row::Column::EventId.eq(event.event.id))
        .filter(row::Column::LivePair.eq(live_pair(from.participant.id, to.participant.id)))
        .count(db)
        .await?;
    if live > 0 {
        return Err(Refusal::MeetingAlreadyRequested {
            from: from.participant.name.clone(),
            to: to.participant.name.clone(),
        }
        .into());
    }
    check_limits(db, [from, to], accepted_only).await?;
    Ok(kind)
}

async fn check_limits<C: ConnectionTrait>(
    db: &C,
    sides: [&ParticipantContext; 2],
    accepted_only: bool,
) -> AppResult<()> {
    for side in sides {
        let p = &side.participant;
        if meetings_of(db, p.id, accepted_only).await? >= p.max_meetings as u64 {
            return Err(Refusal::MeetingLimitReached {
                participant: p.name.clone(),
                max: p.max_meetings,
            }
            .into());
        }
    }
    Ok(())
}

fn check_message(field: &str, value: &mut Option<String>) -> AppResult<()> {
    let mut check = Checker::new();
    check.optional_text(field, value, MESSAGE_MAX);
    check.finish()
}

/// Both participants, of this event; NOT_FOUND for one of another event.
async fn pair<C: ConnectionTrait>(
    db: &C,
    event: &EventContext,
    from_id: Uuid,
    to_id: Uuid,
) -> AppResult<(ParticipantContext, ParticipantContext)> {
    let from = participant::context(db, from_id).await?;
    let to = participant::context(db, to_id).await?;
    for side in [&from, &to] {
        if side.participant.event_id != event.event.id {
            return Err(AppError::NotFound("participant of this event".into()));
        }
    }
    Ok((from, to))
}

async fn insert<C: ConnectionTrait>(
    db: &C,
    event: &EventContext,
    from: &ParticipantContext,
    to: &ParticipantContext,
    kind: MeetingKind,
    state: MeetingState,
    message: Option<String>,
) -> AppResult<row::Model> {
    let now = Utc::now();
    Ok(row::Entity::insert(row::ActiveModel {
        id: Set(Uuid::now_v7()),
        event_id: Set(event.event.id),
        from_participant_id: Set(from.participant.id),
        to_participant_id: Set(to.participant.id),
        kind: Set(kind),
        state: Set(state),
        message: Set(message),
        reason: Set(None),
        live_pair: Set(Some(live_pair(from.participant.id, to.participant.id))),
        slot: Set(None),
        table_number: Set(None),
        pinned: Set(false),
        sequence: Set(0),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(db)
    .await?)
}

/// A participant the caller acts for asks another approved participant of the same OPEN event
/// for a meeting, before the request deadline.
pub async fn request<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    event_id: Uuid,
    from_id: Uuid,
    to_id: Uuid,
    mut message: Option<String>,
) -> AppResult<row::Model> {
    check_message("message", &mut message)?;
    let txn = crate::db::begin_write(db).await?;
    let event = event::visible_context(&txn, Some(actor), event_id).await?;
    let (from, to) = pair(&txn, &event, from_id, to_id).await?;
    from.may_act_for(actor)?;
    if event.event.status != MatchmakingEventStatus::Open {
        return Err(Refusal::EventNotOpen {
            status: status_code(event.event.status),
        }
        .into());
    }
    if Utc::now() > event.event.request_deadline {
        return Err(Refusal::RequestDeadlinePassed {
            deadline: event.event.request_deadline.to_rfc3339(),
        }
        .into());
    }
    let kind = check_pair(&txn, &event, &from, &to, false).await?;
    let model = insert(&txn, &event, &from, &to, kind, MeetingState::Requested, message).await?;
    let fields = vec!["state", "kind", "message"];
    audit::record(
        &txn,
        actor,
        entry(model.id, AuditAction::Request, fields, &from.participant.country),
    )
    .await?;
    let gid = crate::webhook::event::global_id;
    let mut data = serde_json::Map::new();
    data.insert("matchmakingEventId".into(), gid("MatchmakingEvent", event_id).into());
    data.insert("fromParticipantId".into(), gid("EventParticipant", from_id).into());
    data.insert("toParticipantId".into(), gid("EventParticipant", to_id).into());
    let event = crate::webhook::Event {
        event_type: crate::webhook::EventType::MeetingRequested,
        id: gid("Meeting", model.id),
        data,
        // A meeting is private to its sides: told to the partners of a side's cluster only.
        audience: crate::webhook::Audience::LooksAfter(from.cluster.iter().chain(to.cluster.iter()).collect()),
    };
    crate::webhook::event::raise(&txn, event).await?;
    txn.commit().await?;
    Ok(model)
}

/// An organiser adds an accepted meeting between two approved participants.
pub async fn add<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    event_id: Uuid,
    from_id: Uuid,
    to_id: Uuid,
    mut message: Option<String>,
) -> AppResult<row::Model> {
    check_message("message", &mut message)?;
    let txn = crate::db::begin_write(db).await?;
    let event = event::context(&txn, event_id).await?;
    event.may_organise(actor)?;
    if !matches!(
        event.event.status,
        MatchmakingEventStatus::Open | MatchmakingEventStatus::Closed | MatchmakingEventStatus::Scheduled
    ) {
        return Err(Refusal::EventNotOpen {
            status: status_code(event.event.status),
        }
        .into());
    }
    let (from, to) = pair(&txn, &event, from_id, to_id).await?;
    let kind = check_pair(&txn, &event, &from, &to, true).await?;
    let model = insert(&txn, &event, &from, &to, kind, MeetingState::Accepted, message).await?;
    let fields = vec!["state", "kind", "message"];
    audit::record(
        &txn,
        actor,
        entry(model.id, AuditAction::Create, fields, &from.participant.country),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Accepts, declines or cancels a meeting, as the state machine allows the caller's side.
pub async fn respond<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    action: Action,
    mut reason: Option<String>,
) -> AppResult<row::Model> {
    check_message("reason", &mut reason)?;
    let txn = crate::db::begin_write(db).await?;
    let context = meeting_context(&txn, id).await?;
    let side = context
        .side_of(actor)
        .ok_or_else(|| AppError::Forbidden("you may not act on this meeting".into()))?;
    // Organisers add and cancel meetings; answering a request is for the invited side.
    if side == Side::Organiser && action != Action::Cancel {
        return Err(AppError::Forbidden(
            "only the invited side accepts or declines a request".into(),
        ));
    }
    let state = next_state(context.meeting.state, action, side)?;
    if matches!(
        context.event.event.status,
        MatchmakingEventStatus::Finished | MatchmakingEventStatus::Cancelled
    ) {
        return Err(Refusal::TransitionNotAllowed {
            what: "meeting",
            from: code(context.meeting.state),
            action: "changed",
            why: "its event is over",
        }
        .into());
    }
    if action == Action::Accept {
        check_limits(&txn, [&context.from, &context.to], true).await?;
    }
    let live = state == MeetingState::Accepted;
    let mut change = row::ActiveModel {
        state: Set(state),
        ..Default::default()
    };
    if !live {
        change.live_pair = Set(None);
        change.reason = Set(reason);
        change.slot = Set(None);
        change.table_number = Set(None);
        change.pinned = Set(false);
    }
    let model = version::save::<row::Entity, _>(&txn, context.meeting.id, context.meeting.version, change).await?;
    let audit_action = match action {
        Action::Accept => AuditAction::Accept,
        Action::Decline => AuditAction::Decline,
        Action::Cancel => AuditAction::Cancel,
    };
    let fields = if live { vec!["state"] } else { vec!["state", "reason"] };
    audit::record(
        &txn,
        actor,
        entry(id, audit_action, fields, &context.from.participant.country),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// An organiser fixes an accepted meeting at a slot both sides are available in and a table
/// free then; the scheduler keeps it there. `None` lets the scheduler move it again. Returns
/// the meeting and the place (slot, table) it had before, which tells a move from a first place.
pub async fn pin<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    place: Option<(i32, i32)>,
) -> AppResult<(row::Model, Option<(i32, i32)>)> {
    let txn = crate::db::begin_write(db).await?;
    let context = meeting_context(&txn, id).await?;
    context.event.may_organise(actor)?;
    if context.meeting.state != MeetingState::Accepted {
        return Err(Refusal::TransitionNotAllowed {
            what: "meeting",
            from: code(context.meeting.state),
            action: if place.is_some() { "pinned" } else { "unpinned" },
            why: "only an ACCEPTED meeting has a place",
        }
        .into());
    }
    let change = match place {
        None => row::ActiveModel {
            pinned: Set(false),
            ..Default::default()
        },
        Some((slot, table)) => {
            let mut check = Checker::new();
            let slots = context.event.slots().len() as i32;
            if !(0..slots).contains(&slot) {
                check.fail("slot", format!("slots are numbered from 0 to {}", slots - 1));
            }
            if !(0..context.event.event.table_count).contains(&table) {
                check.fail(
                    "tableNumber",
                    format!("tables are numbered from 0 to {}", context.event.event.table_count - 1),
                );
            }
            check.finish()?;
            let available = participant_available_slot::Entity::find()
                .filter(
                    participant_available_slot::Column::ParticipantId
                        .is_in([context.meeting.from_participant_id, context.meeting.to_participant_id]),
                )
                .filter(participant_available_slot::Column::Slot.eq(slot))
                .count(&txn)
                .await?;
            if available != 2 {
                return Err(AppError::bad_field("slot", "both sides must be available in it"));
            }
            let sides = [context.meeting.from_participant_id, context.meeting.to_participant_id];
            let clash = row::Entity::find()
                .filter(row::Column::EventId.eq(context.event.event.id))
                .filter(row::Column::Id.ne(id))
                .filter(row::Column::Slot.eq(slot))
                .filter(
                    Condition::any()
                        .add(row::Column::TableNumber.eq(table))
                        .add(row::Column::FromParticipantId.is_in(sides))
                        .add(row::Column::ToParticipantId.is_in(sides)),
                )
                .count(&txn)
                .await?;
            if clash > 0 {
                return Err(AppError::Conflict(
                    "the table is taken in that slot, or one side has another meeting then".into(),
                ));
            }
            row::ActiveModel {
                slot: Set(Some(slot)),
                table_number: Set(Some(table)),
                pinned: Set(true),
                ..Default::default()
            }
        }
    };
    let model = version::save::<row::Entity, _>(&txn, context.meeting.id, context.meeting.version, change).await?;
    let (action, fields) = match place {
        Some(_) => (AuditAction::Pin, vec!["slot", "tableNumber", "pinned"]),
        None => (AuditAction::Unpin, vec!["pinned"]),
    };
    audit::record(
        &txn,
        actor,
        entry(id, action, fields, &context.from.participant.country),
    )
    .await?;
    txn.commit().await?;
    let before = context.meeting.slot.zip(context.meeting.table_number);
    Ok((model, before))
}
