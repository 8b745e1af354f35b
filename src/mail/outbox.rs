//! The outbox table's rules: producers queue mails inside their own transaction; senders claim
//! due mails under a lease and record how each attempt went.

use std::{collections::BTreeMap, time::Duration};

use chrono::{DateTime, Utc};
use entity::outbox_mail::{self, MailPurpose, MailStatus};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseBackend, EntityTrait, Statement, TryInsertResult};
use uuid::Uuid;

use super::settings::Backoff;
use crate::error::{AppError, AppResult};

/// A mail a producer wants sent.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub purpose: MailPurpose,
    /// Unique per mail, e.g. `digest:2026-W48:<subscriber>`: a second mail with the same key is
    /// not queued.
    pub dedupe_key: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    /// Extra headers, e.g. `List-Unsubscribe`.
    pub headers: BTreeMap<String, String>,
}

/// The outbox row of a new mail, due at once.
fn row(mail: NewMail, now: DateTime<Utc>) -> AppResult<outbox_mail::ActiveModel> {
    let id = Uuid::now_v7();
    let headers = serde_json::to_string(&mail.headers).map_err(AppError::internal)?;
    Ok(outbox_mail::ActiveModel {
        id: Set(id),
        purpose: Set(mail.purpose),
        dedupe_key: Set(mail.dedupe_key),
        recipient: Set(mail.recipient),
        subject: Set(mail.subject),
        text_body: Set(mail.text_body),
        html_body: Set(mail.html_body),
        headers: Set(headers),
        message_id: Set(format!("<{}@outbox.clusterbridge>", id.simple())),
        status: Set(MailStatus::Queued),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        lease_owner: Set(None),
        last_error: Set(None),
        sent_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
}

/// Queues `mail` in the caller's transaction, so it is sent if and only if the caller commits.
/// Returns false when a mail with the same dedupe key is queued already (then nothing changes).
pub async fn enqueue(txn: &impl ConnectionTrait, mail: NewMail) -> AppResult<bool> {
    Ok(enqueue_many(txn, vec![mail]).await? == 1)
}

/// Queues `mails` in one statement in the caller's transaction, as [`enqueue`] does each (a
/// producer of many mails, the digest, saves a round trip per mail); returns how many were
/// queued, those with a dedupe key in use left out.
pub async fn enqueue_many(txn: &impl ConnectionTrait, mails: Vec<NewMail>) -> AppResult<u64> {
    if mails.is_empty() {
        return Ok(0);
    }
    let now = Utc::now();
    let rows = mails
        .into_iter()
        .map(|mail| row(mail, now))
        .collect::<AppResult<Vec<_>>>()?;
    // ON CONFLICT DO NOTHING rather than a lookup first: two producers racing over one key
    // both succeed and one row results, without aborting either transaction.
    let result = outbox_mail::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([outbox_mail::Column::DedupeKey])
        .exec_without_returning(txn)
        .await?;
    Ok(match result {
        TryInsertResult::Inserted(n) => n,
        TryInsertResult::Empty | TryInsertResult::Conflicted => 0,
    })
}

/// The extra headers of a stored mail.
pub fn headers_of(mail: &outbox_mail::Model) -> BTreeMap<String, String> {
    serde_json::from_str(&mail.headers).unwrap_or_default()
}

/// Takes up to `limit` due mails for `owner` until `now + lease`: QUEUED ones whose time has
/// come, and SENDING ones whose sender's lease ran out (it died mid-batch). One statement, so
/// two senders never hold the same mail: PostgreSQL skips the rows another sender is claiming,
/// SQLite runs one writer at a time.
pub async fn claim(
    db: &impl ConnectionTrait,
    owner: &str,
    limit: u32,
    lease: Duration,
    now: DateTime<Utc>,
) -> AppResult<Vec<outbox_mail::Model>> {
    let until = now + chrono::Duration::from_std(lease).map_err(AppError::internal)?;
    let backend = db.get_database_backend();
    let (sql, values): (&str, Vec<sea_orm::Value>) = match backend {
        DatabaseBackend::Postgres => (
            "UPDATE outbox_mail SET status = 'SENDING', lease_owner = $1, lease_until = $2, \
             updated_at = $3, version = version + 1 \
             WHERE id IN (SELECT id FROM outbox_mail \
               WHERE (status = 'QUEUED' AND next_attempt_at <= $3) \
                  OR (status = 'SENDING' AND lease_until < $3) \
               ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
             RETURNING *",
            vec![owner.into(), until.into(), now.into(), i64::from(limit).into()],
        ),
        _ => (
            "UPDATE outbox_mail SET status = 'SENDING', lease_owner = ?, lease_until = ?, \
             updated_at = ?, version = version + 1 \
             WHERE id IN (SELECT id FROM outbox_mail \
               WHERE (status = 'QUEUED' AND next_attempt_at <= ?) \
                  OR (status = 'SENDING' AND lease_until < ?) \
               ORDER BY next_attempt_at LIMIT ?) \
             RETURNING *",
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
    Ok(outbox_mail::Entity::find().from_raw_sql(statement).all(db).await?)
}

/// Gives back the mails `owner` claimed and has not sent (a sender stopping mid-batch), so
/// that the next sender takes them at once rather than after the lease.
pub async fn release(db: &impl ConnectionTrait, owner: &str, now: DateTime<Utc>) -> AppResult<u64> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "UPDATE outbox_mail SET status = 'QUEUED', lease_owner = NULL, lease_until = NULL, \
             updated_at = $1, version = version + 1 WHERE status = 'SENDING' AND lease_owner = $2"
        }
        _ => {
            "UPDATE outbox_mail SET status = 'QUEUED', lease_owner = NULL, lease_until = NULL, \
             updated_at = ?, version = version + 1 WHERE status = 'SENDING' AND lease_owner = ?"
        }
    };
    let values: Vec<sea_orm::Value> = vec![now.into(), owner.into()];
    let result = db
        .execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(result.rows_affected())
}

/// How one attempt to send a mail ended.
#[derive(Debug)]
pub enum Outcome {
    Sent,
    /// Worth trying again later: a 4xx answer, a dropped or refused connection.
    Temporary(String),
    /// The server refused the mail for good (5xx), or it cannot be built at all.
    Permanent(String),
}

/// Records how `owner`'s attempt at `mail` went. Only while `owner` still holds the lease: a
/// sender whose lease ran out and was taken over leaves the mail to its new sender; then the
/// answer is None.
pub async fn record(
    db: &impl ConnectionTrait,
    mail: &outbox_mail::Model,
    owner: &str,
    outcome: &Outcome,
    backoff: &Backoff,
    now: DateTime<Utc>,
) -> AppResult<Option<MailStatus>> {
    let attempts = mail.attempts + 1;
    let (status, next_attempt_at, error, sent_at) = match outcome {
        Outcome::Sent => (MailStatus::Sent, mail.next_attempt_at, None, Some(now)),
        Outcome::Permanent(error) => (MailStatus::Failed, mail.next_attempt_at, Some(error.clone()), None),
        Outcome::Temporary(error) if u32::try_from(attempts).unwrap_or(u32::MAX) >= backoff.max_attempts => {
            (MailStatus::Failed, mail.next_attempt_at, Some(error.clone()), None)
        }
        Outcome::Temporary(error) => {
            let delay = backoff.delay(u32::try_from(attempts).unwrap_or(u32::MAX));
            let next = now + chrono::Duration::from_std(delay).map_err(AppError::internal)?;
            (MailStatus::Queued, next, Some(error.clone()), None)
        }
    };
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "UPDATE outbox_mail SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4, \
             sent_at = $5, lease_owner = NULL, lease_until = NULL, updated_at = $6, version = version + 1 \
             WHERE id = $7 AND status = 'SENDING' AND lease_owner = $8"
        }
        _ => {
            "UPDATE outbox_mail SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, \
             sent_at = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?, version = version + 1 \
             WHERE id = ? AND status = 'SENDING' AND lease_owner = ?"
        }
    };
    let status_text = super::admin::status_code(status);
    let values: Vec<sea_orm::Value> = vec![
        status_text.into(),
        attempts.into(),
        next_attempt_at.into(),
        error.map(|e| e.chars().take(2000).collect::<String>()).into(),
        sent_at.into(),
        now.into(),
        mail.id.into(),
        owner.into(),
    ];
    let result = db
        .execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok((result.rows_affected() == 1).then_some(status))
}
