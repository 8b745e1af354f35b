//! The change feed (issue 18.4): every committed write of a cluster, partnership, success story
//! or matchmaking event, in the order the writes became visible, so partner systems synchronise
//! incrementally with a cursor that never skips a change.
//!
//! A write adds a `record_change` row in its own transaction, with `seq` NULL; the hook is the
//! audit entry every write records ([`followed`], called by `audit::record_by`), so no write
//! path can forget it. A number is given only after commit: before reading, a reader runs
//! [`number`], one UPDATE that gives the rows committed so far (`seq IS NULL`) the numbers
//! after the highest one given, under a lock (PostgreSQL: a transaction-level advisory lock;
//! SQLite: its one writer). A transaction still in flight is numbered by a later run, above every
//! number handed out by then, so a reader holding cursor N never misses it. (A sequence taken at
//! INSERT would: a transaction that draws 7 and commits after one that drew 8 appears behind a
//! reader who already holds 8.)
//!
//! Numbers are contiguous, and [`prune`] deletes only the oldest ones (never the highest), so a
//! cursor below the lowest number kept has lost changes: CURSOR_EXPIRED.

use chrono::{DateTime, Utc};
use entity::{
    audit_log::{AuditAction, AuditEntityType},
    record_change::{self, ChangeKind, ChangedRecordType},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, Statement, TransactionSession, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::pagination::{decode_cursor, encode_cursor};
use crate::error::{AppError, AppResult, Refusal};

/// The key of PostgreSQL's advisory lock that serialises numbering runs ("CBFEED" in ASCII).
const NUMBERING_LOCK: i64 = 0x4342_4645_4544;

/// The record type a write's audit entry is about, when the feed follows it.
pub(crate) fn followed(entity_type: AuditEntityType) -> Option<ChangedRecordType> {
    match entity_type {
        AuditEntityType::Cluster => Some(ChangedRecordType::Cluster),
        AuditEntityType::Partnership => Some(ChangedRecordType::Partnership),
        AuditEntityType::SuccessStory => Some(ChangedRecordType::SuccessStory),
        AuditEntityType::MatchmakingEvent => Some(ChangedRecordType::MatchmakingEvent),
        _ => None,
    }
}

/// Records changes of followed records in the caller's (the write's) transaction, in the order
/// given (one multi-row INSERT a chunk; ids, and so the numbers given later, follow that order).
pub(crate) async fn record_many<C: ConnectionTrait>(
    db: &C,
    changes: Vec<(ChangedRecordType, Uuid, AuditAction)>,
) -> AppResult<()> {
    let now = Utc::now();
    let rows: Vec<record_change::ActiveModel> = changes
        .into_iter()
        .map(|(record_type, record_id, action)| record_change::ActiveModel {
            seq: Set(None),
            record_type: Set(record_type),
            record_id: Set(record_id),
            kind: Set(if action == AuditAction::Delete {
                ChangeKind::Deleted
            } else {
                ChangeKind::Upserted
            }),
            changed_at: Set(now),
            ..Default::default()
        })
        .collect();
    super::bulk::insert_chunks(db, rows).await
}

/// Numbers the changes committed so far and not yet numbered, after the highest number given,
/// in the order they were written. Readers call it before they read; it writes only when there
/// is something to number.
pub async fn number<C: ConnectionTrait + TransactionTrait>(db: &C) -> AppResult<()> {
    let pending = record_change::Entity::find()
        .select_only()
        .column(record_change::Column::Id)
        .filter(record_change::Column::Seq.is_null())
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    if pending.is_none() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let txn = crate::db::begin_write(db).await?;
    if backend == DatabaseBackend::Postgres {
        // Released at commit. The UPDATE below takes its snapshot after the lock is held, so it
        // sees the numbers of the run before it and every change committed by then.
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "SELECT pg_advisory_xact_lock($1)",
            [NUMBERING_LOCK.into()],
        ))
        .await?;
    }
    txn.execute_unprepared(
        "WITH top AS (SELECT COALESCE(MAX(seq), 0) AS n FROM record_change), \
         pending AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS r FROM record_change WHERE seq IS NULL) \
         UPDATE record_change SET seq = top.n + pending.r FROM top, pending WHERE record_change.id = pending.id",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[derive(Serialize, Deserialize)]
struct Position {
    /// The last change seen.
    s: i64,
}

/// A feed position as the client holds it: an opaque cursor.
pub fn cursor_of(seq: i64) -> String {
    encode_cursor(&Position { s: seq })
}

/// The position a client's cursor names.
pub fn position_of(field: &str, cursor: &str) -> AppResult<i64> {
    let Position { s } = decode_cursor(field, cursor)?;
    if s < 0 {
        return Err(AppError::bad_field(field, "not a cursor of this feed"));
    }
    Ok(s)
}

#[derive(FromQueryResult)]
struct Bounds {
    low: Option<i64>,
    high: Option<i64>,
}

async fn bounds<C: ConnectionTrait>(db: &C) -> AppResult<(Option<i64>, Option<i64>)> {
    let bounds = record_change::Entity::find()
        .select_only()
        .column_as(record_change::Column::Seq.min(), "low")
        .column_as(record_change::Column::Seq.max(), "high")
        .into_model::<Bounds>()
        .one(db)
        .await?;
    Ok(bounds.map_or((None, None), |b| (b.low, b.high)))
}

/// The feed's current position: a cursor after every change committed so far, for a client
/// that starts synchronising now.
pub async fn head<C: ConnectionTrait + TransactionTrait>(db: &C) -> AppResult<i64> {
    number(db).await?;
    Ok(bounds(db).await?.1.unwrap_or(0))
}

/// One page of a feed: the changes after the position asked for, and whether more follow.
#[derive(Debug)]
pub struct ChangePage {
    pub changes: Vec<record_change::Model>,
    pub has_next_page: bool,
}

/// The changes of `record_type` after position `after` (from the oldest kept when `None`), at
/// most `size` of them, in feed order.
pub async fn changes<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    record_type: ChangedRecordType,
    after: Option<i64>,
    size: u64,
) -> AppResult<ChangePage> {
    number(db).await?;
    let mut changes = record_change::Entity::find()
        .filter(record_change::Column::RecordType.eq(record_type))
        .filter(record_change::Column::Seq.gt(after.unwrap_or(0)))
        .order_by_asc(record_change::Column::Seq)
        .limit(size + 1)
        .all(db)
        .await?;
    if let Some(after) = after {
        // Read after the page: a prune between the two shows here, so a page read after changes
        // were lost is never answered as complete (one read before a prune is, rightly).
        let (low, high) = bounds(db).await?;
        if after > high.unwrap_or(0) {
            return Err(AppError::bad_field("after", "not a cursor of this feed"));
        }
        if low.is_some_and(|low| after < low - 1) {
            return Err(Refusal::CursorExpired.into());
        }
    }
    let has_next_page = changes.len() as u64 > size;
    changes.truncate(size as usize);
    Ok(ChangePage { changes, has_next_page })
}

/// Deletes the changes numbered before the oldest one within `retention` of `now`, keeping the
/// highest number so that numbering goes on from it. Returns how many went.
pub async fn prune<C: ConnectionTrait>(db: &C, retention: chrono::Duration, now: DateTime<Utc>) -> AppResult<u64> {
    let cutoff = now - retention;
    let oldest_recent = record_change::Entity::find()
        .select_only()
        .column_as(record_change::Column::Seq.min(), "seq")
        .filter(record_change::Column::Seq.is_not_null())
        .filter(record_change::Column::ChangedAt.gte(cutoff))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    let keep_from = match oldest_recent {
        Some(seq) => seq,
        None => match bounds(db).await?.1 {
            Some(high) => high,
            None => return Ok(0),
        },
    };
    let result = record_change::Entity::delete_many()
        .filter(record_change::Column::Seq.lt(keep_from))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// The records among `ids` the caller sees, by id, through the same conditions as the lists: a
/// change of a record missing here reads as a deletion to this caller.
pub mod visible {
    use std::collections::HashMap;

    use entity::{cluster, matchmaking_event, partnership, success_story};
    use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
    use uuid::Uuid;

    use crate::{
        domain::policy::{MatchmakingVisibility, StoryVisibility, Visibility},
        error::AppResult,
    };

    pub async fn clusters<C: ConnectionTrait>(
        db: &C,
        visibility: &Visibility,
        ids: &[Uuid],
    ) -> AppResult<HashMap<Uuid, cluster::Model>> {
        let rows = cluster::Entity::find()
            .filter(visibility.condition())
            .filter(cluster::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?;
        Ok(rows.into_iter().map(|m| (m.id, m)).collect())
    }

    /// Partnerships are public records: `partnerships` lists them all.
    pub async fn partnerships<C: ConnectionTrait>(
        db: &C,
        ids: &[Uuid],
    ) -> AppResult<HashMap<Uuid, partnership::Model>> {
        let rows = partnership::Entity::find()
            .filter(partnership::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?;
        Ok(rows.into_iter().map(|m| (m.id, m)).collect())
    }

    pub async fn success_stories<C: ConnectionTrait>(
        db: &C,
        visibility: &StoryVisibility,
        ids: &[Uuid],
    ) -> AppResult<HashMap<Uuid, success_story::Model>> {
        let rows = success_story::Entity::find()
            .filter(visibility.condition())
            .filter(success_story::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?;
        Ok(rows.into_iter().map(|m| (m.id, m)).collect())
    }

    pub async fn matchmaking_events<C: ConnectionTrait>(
        db: &C,
        visibility: &MatchmakingVisibility,
        ids: &[Uuid],
    ) -> AppResult<HashMap<Uuid, matchmaking_event::Model>> {
        let rows = matchmaking_event::Entity::find()
            .filter(visibility.events())
            .filter(matchmaking_event::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?;
        Ok(rows.into_iter().map(|m| (m.id, m)).collect())
    }
}
