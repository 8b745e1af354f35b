//! The status life cycle of an event: DRAFT → OPEN → CLOSED → SCHEDULED → FINISHED, or CANCELLED.

use entity::{matchmaking_event as row, taxonomy::MatchmakingEventStatus as Status};
use sea_orm::{ActiveValue::Set, ConnectionTrait, TransactionSession, TransactionTrait};
use uuid::Uuid;

use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction},
        version::{self},
    },
    error::{AppResult, Refusal},
};

use super::{entry, locked};

/// What an organiser asks of an event's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    Open,
    Close,
    Finish,
    Cancel,
    /// Give the accepted meetings slots and tables: from CLOSED, or again from SCHEDULED.
    Schedule,
}

pub(super) fn status_code(status: Status) -> String {
    use sea_orm::ActiveEnum;
    status.to_value()
}

/// The status a change leads to from `from`, or why it may not: DRAFT → OPEN → CLOSED →
/// SCHEDULED (again and again: a reschedule) → FINISHED; CANCELLED from any status before FINISHED.
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
        (StatusChange::Schedule, Status::Closed | Status::Scheduled) => Ok(Status::Scheduled),
        (StatusChange::Schedule, _) => Err(refuse(
            "scheduled",
            "only a CLOSED event is scheduled, or a SCHEDULED one again",
        )),
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
    let txn = crate::db::begin_write(db).await?;
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
        StatusChange::Schedule => AuditAction::Schedule,
    };
    audit::record(&txn, actor, entry(id, action, vec!["status"], &context.countries)).await?;
    txn.commit().await?;
    Ok(model)
}
