//! The claiming and retrying every outbox table shares (mail in `outbox_mail`, webhooks in
//! `webhook_delivery`): producers queue rows inside their own transaction; senders claim due
//! rows under a lease, try each, and record how the attempt went with exponential back-off.
//!
//! A table qualifies by its columns: `id`, `status` (QUEUED, SENDING, SENT, FAILED),
//! `attempts`, `next_attempt_at`, `lease_until`, `lease_owner`, `last_error`, `sent_at`,
//! `version` and `updated_at`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::{ConnectionTrait, DatabaseBackend, EntityTrait, Statement};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// Longest last error kept on a row.
const ERROR_MAX: usize = 2000;

/// How long to wait before the next attempt, after `attempts` failed ones.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub factor: u32,
    pub cap: Duration,
    pub max_attempts: u32,
    /// Wait a random time between half the delay and the whole of it ("equal jitter"), so that
    /// many deliveries failing together (one receiver down) do not all come back at once.
    pub jitter: bool,
}

impl Backoff {
    /// base × factor^(attempts−1), at most the cap; with jitter, somewhere in its upper half.
    pub fn delay(&self, attempts: u32) -> Duration {
        let exponent = attempts.saturating_sub(1).min(30);
        let factor = u64::from(self.factor.max(1)).saturating_pow(exponent);
        let millis = u64::try_from(self.base.as_millis())
            .unwrap_or(u64::MAX)
            .saturating_mul(factor);
        let full = Duration::from_millis(millis).min(self.cap);
        if self.jitter && !full.is_zero() {
            let half = full / 2;
            half + rand::thread_rng().gen_range(Duration::ZERO..=full - half)
        } else {
            full
        }
    }
}

/// How one attempt ended.
#[derive(Debug)]
pub enum Outcome {
    Sent,
    /// Worth trying again later: a refused or dropped connection, an answer that may change.
    Temporary(String),
    /// Refused for good, or it cannot be built at all.
    Permanent(String),
}

/// Where an attempt left its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Sent,
    /// Due again later.
    Queued,
    Failed,
}

impl Mark {
    fn code(self) -> &'static str {
        match self {
            Mark::Sent => "SENT",
            Mark::Queued => "QUEUED",
            Mark::Failed => "FAILED",
        }
    }
}

fn table<E: EntityTrait>() -> &'static str {
    sea_orm::EntityName::table_name(&E::default())
}

/// Numbered placeholders on PostgreSQL, `?` elsewhere: `$1 … $n` or `? … ?`.
fn placeholder(backend: DatabaseBackend, n: usize) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
}

/// A sender's name for its leases: the process and a fresh id, so two senders in one process
/// (mail and webhooks, or a test's second) never take each other's claimed rows for their own.
pub fn lease_owner() -> String {
    format!("{}-{}", std::process::id(), Uuid::now_v7().simple())
}

/// Takes up to `limit` due rows of `E` for `owner` until `now + lease`: QUEUED ones whose time
/// has come, and SENDING ones whose sender's lease ran out (it died mid-batch). One statement,
/// so two senders never hold the same row: PostgreSQL skips the rows another sender is
/// claiming, SQLite runs one writer at a time.
pub async fn claim<E: EntityTrait>(
    db: &impl ConnectionTrait,
    owner: &str,
    limit: u32,
    lease: Duration,
    now: DateTime<Utc>,
) -> AppResult<Vec<E::Model>> {
    let until = now + chrono::Duration::from_std(lease).map_err(AppError::internal)?;
    let backend = db.get_database_backend();
    let table = table::<E>();
    let (sql, values): (String, Vec<sea_orm::Value>) = match backend {
        DatabaseBackend::Postgres => (
            format!(
                "UPDATE {table} SET status = 'SENDING', lease_owner = $1, lease_until = $2, \
                 updated_at = $3, version = version + 1 \
                 WHERE id IN (SELECT id FROM {table} \
                   WHERE (status = 'QUEUED' AND next_attempt_at <= $3) \
                      OR (status = 'SENDING' AND lease_until < $3) \
                   ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
                 RETURNING *"
            ),
            vec![owner.into(), until.into(), now.into(), i64::from(limit).into()],
        ),
        _ => (
            format!(
                "UPDATE {table} SET status = 'SENDING', lease_owner = ?, lease_until = ?, \
                 updated_at = ?, version = version + 1 \
                 WHERE id IN (SELECT id FROM {table} \
                   WHERE (status = 'QUEUED' AND next_attempt_at <= ?) \
                      OR (status = 'SENDING' AND lease_until < ?) \
                   ORDER BY next_attempt_at LIMIT ?) \
                 RETURNING *"
            ),
            vec![
                owner.into(),
                until.into(),
                now.into(),
                now.into(),
                now.into(),
                i64::from(limit).into(),
            ],
        ),
    };
    let statement = Statement::from_sql_and_values(backend, sql, values);
    Ok(E::find().from_raw_sql(statement).all(db).await?)
}

/// Gives back the rows `owner` claimed and has not tried (a sender stopping mid-batch), so that
/// the next sender takes them at once rather than after the lease.
pub async fn release<E: EntityTrait>(db: &impl ConnectionTrait, owner: &str, now: DateTime<Utc>) -> AppResult<u64> {
    let backend = db.get_database_backend();
    let (p1, p2) = (placeholder(backend, 1), placeholder(backend, 2));
    let sql = format!(
        "UPDATE {} SET status = 'QUEUED', lease_owner = NULL, lease_until = NULL, \
         updated_at = {p1}, version = version + 1 WHERE status = 'SENDING' AND lease_owner = {p2}",
        table::<E>()
    );
    let values: Vec<sea_orm::Value> = vec![now.into(), owner.into()];
    let result = db
        .execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(result.rows_affected())
}

/// One claimed row's attempt, as [`record`] stores it.
pub struct Attempt<'a> {
    pub id: Uuid,
    /// Attempts before this one.
    pub attempts: i32,
    /// The row's due time, kept when it is done.
    pub next_attempt_at: DateTime<Utc>,
    pub owner: &'a str,
    pub outcome: &'a Outcome,
}

/// Records `attempt` on its row of `E`, with `extra` columns set beside (a webhook's response
/// code). Only while the attempt's owner still holds the lease: a sender whose lease ran out and
/// was taken over leaves the row to its new sender; then the answer is None.
pub async fn record<E: EntityTrait>(
    db: &impl ConnectionTrait,
    attempt: Attempt<'_>,
    backoff: &Backoff,
    extra: Vec<(&'static str, sea_orm::Value)>,
    now: DateTime<Utc>,
) -> AppResult<Option<Mark>> {
    let attempts = attempt.attempts.saturating_add(1);
    let tried = u32::try_from(attempts).unwrap_or(u32::MAX);
    let (mark, next_attempt_at, error, sent_at) = match attempt.outcome {
        Outcome::Sent => (Mark::Sent, attempt.next_attempt_at, None, Some(now)),
        Outcome::Permanent(error) => (Mark::Failed, attempt.next_attempt_at, Some(error), None),
        Outcome::Temporary(error) if tried >= backoff.max_attempts => {
            (Mark::Failed, attempt.next_attempt_at, Some(error), None)
        }
        Outcome::Temporary(error) => {
            let delay = chrono::Duration::from_std(backoff.delay(tried)).map_err(AppError::internal)?;
            (Mark::Queued, now + delay, Some(error), None)
        }
    };
    let backend = db.get_database_backend();
    let mut columns = vec![
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "updated_at",
    ];
    let mut values: Vec<sea_orm::Value> = vec![
        mark.code().into(),
        attempts.into(),
        next_attempt_at.into(),
        error.map(|e| e.chars().take(ERROR_MAX).collect::<String>()).into(),
        sent_at.into(),
        now.into(),
    ];
    for (column, value) in extra {
        columns.push(column);
        values.push(value);
    }
    let sets: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, column)| format!("{column} = {}", placeholder(backend, i + 1)))
        .collect();
    let n = columns.len();
    let sql = format!(
        "UPDATE {} SET {}, lease_owner = NULL, lease_until = NULL, version = version + 1 \
         WHERE id = {} AND status = 'SENDING' AND lease_owner = {}",
        table::<E>(),
        sets.join(", "),
        placeholder(backend, n + 1),
        placeholder(backend, n + 2),
    );
    values.push(attempt.id.into());
    values.push(attempt.owner.into());
    let result = db
        .execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok((result.rows_affected() == 1).then_some(mark))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backoff(jitter: bool) -> Backoff {
        Backoff {
            base: Duration::from_secs(60),
            factor: 2,
            cap: Duration::from_secs(300),
            max_attempts: 8,
            jitter,
        }
    }

    #[test]
    fn the_delay_grows_by_the_factor_up_to_the_cap() {
        let delays: Vec<u64> = (1..=5).map(|n| backoff(false).delay(n).as_secs()).collect();
        assert_eq!(delays, [60, 120, 240, 300, 300]);
    }

    #[test]
    fn jitter_keeps_the_delay_in_its_upper_half() {
        for attempts in 1..=5 {
            let full = backoff(false).delay(attempts);
            for _ in 0..50 {
                let delay = backoff(true).delay(attempts);
                assert!(delay >= full / 2 && delay <= full, "{delay:?} outside {full:?}");
            }
        }
    }
}
