//! What came of a held meeting: recorded after the event (FINISHED) for an accepted meeting that
//! had a slot, by those who act for either side or the organisers; one per meeting, changed at
//! its version.

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use entity::{
    meeting_outcome as row,
    taxonomy::{MatchmakingEventStatus, MeetingOutcomeKind, MeetingState},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::{code, entry, meeting_context};
use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction},
        matchmaking::{event::zone_of, participant::status_code},
        policy,
        validation::Checker,
        version::{self, stale},
    },
    error::{AppError, AppResult, Refusal},
};

/// Longest note on an outcome.
pub const NOTE_MAX: usize = 2_000;

/// An outcome as a client records it.
#[derive(Debug, Clone)]
pub struct OutcomeRecord {
    pub meeting_id: Uuid,
    pub kind: MeetingOutcomeKind,
    pub note: Option<String>,
    pub date: NaiveDate,
    /// The version of the outcome being changed; `None` records the first.
    pub version: Option<i32>,
}

/// Records or changes what came of a meeting; returns the outcome as stored.
pub async fn record<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    mut input: OutcomeRecord,
) -> AppResult<row::Model> {
    let mut check = Checker::new();
    check.optional_text("note", &mut input.note, NOTE_MAX);
    check.finish()?;
    let txn = crate::db::begin_write(db).await?;
    let context = meeting_context(&txn, input.meeting_id).await?;
    policy::may_record_meeting_outcome(
        actor,
        context.from.acts_for(actor) || context.to.acts_for(actor),
        context.event.organised_by(actor),
    )?;
    let event = &context.event.event;
    if event.status != MatchmakingEventStatus::Finished {
        return Err(Refusal::EventNotFinished {
            status: status_code(event.status),
        }
        .into());
    }
    let meeting = &context.meeting;
    if meeting.state != MeetingState::Accepted || meeting.slot.is_none() {
        return Err(Refusal::MeetingNotHeld {
            state: code(meeting.state),
            unscheduled: if meeting.state == MeetingState::Accepted {
                " without a slot"
            } else {
                ""
            },
        }
        .into());
    }
    // The event's own calendar decides "today" and "before the event": 5 June in Taipei.
    let zone: Tz = zone_of(event);
    let today = Utc::now().with_timezone(&zone).date_naive();
    let first_day = context.event.sessions.iter().map(|s| s.day).min();
    let mut check = Checker::new();
    if input.date > today {
        check.fail(
            "date",
            format!("must not be in the future (today is {today} in {zone})"),
        );
    }
    if let Some(first) = first_day.filter(|&first| input.date < first) {
        check.fail("date", format!("must not be before the event, which began on {first}"));
    }
    check.finish()?;
    let existing = row::Entity::find()
        .filter(row::Column::MeetingId.eq(meeting.id))
        .one(&txn)
        .await?;
    let country = &context.from.participant.country;
    let model = match (existing, input.version) {
        (None, None) => {
            let now = Utc::now();
            let model = row::Entity::insert(row::ActiveModel {
                id: Set(Uuid::now_v7()),
                meeting_id: Set(meeting.id),
                event_id: Set(event.id),
                kind: Set(input.kind),
                note: Set(input.note),
                date: Set(input.date),
                recorded_by: Set(policy::user_of(actor)),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec_with_returning(&txn)
            .await?;
            audit::record(
                &txn,
                actor,
                entry(meeting.id, AuditAction::RecordOutcome, vec!["outcome"], country),
            )
            .await?;
            model
        }
        (None, Some(_)) => return Err(AppError::NotFound("outcome of this meeting".into())),
        (Some(current), None) => {
            return Err(AppError::Conflict(format!(
                "the meeting has an outcome already, at version {}: send that version to change it",
                current.version
            )))
        }
        (Some(current), Some(expected)) => {
            if current.version != expected {
                return Err(stale(current.version, expected));
            }
            let mut changed = Vec::new();
            if current.kind != input.kind {
                changed.push("outcome.kind");
            }
            if current.note != input.note {
                changed.push("outcome.note");
            }
            if current.date != input.date {
                changed.push("outcome.date");
            }
            let model = version::save::<row::Entity, _>(
                &txn,
                current.id,
                expected,
                row::ActiveModel {
                    kind: Set(input.kind),
                    note: Set(input.note),
                    date: Set(input.date),
                    recorded_by: Set(policy::user_of(actor)),
                    ..Default::default()
                },
            )
            .await?;
            audit::record(
                &txn,
                actor,
                entry(meeting.id, AuditAction::RecordOutcome, changed, country),
            )
            .await?;
            model
        }
    };
    txn.commit().await?;
    Ok(model)
}
