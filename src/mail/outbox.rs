//! The outbox table's rules: producers queue mails inside their own transaction; senders claim
//! due mails under a lease and record how each attempt went.

use std::{collections::BTreeMap, time::Duration};

use chrono::{DateTime, Utc};
use entity::outbox_mail::{self, MailPurpose, MailStatus};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, TryInsertResult};
use uuid::Uuid;

use crate::error::{AppError, AppResult};
pub use crate::outbox::Outcome;
use crate::outbox::{Attempt, Backoff, Mark};

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

/// Takes up to `limit` due mails for `owner` until `now + lease` (see [`crate::outbox::claim`]).
pub async fn claim(
    db: &impl ConnectionTrait,
    owner: &str,
    limit: u32,
    lease: Duration,
    now: DateTime<Utc>,
) -> AppResult<Vec<outbox_mail::Model>> {
    crate::outbox::claim::<outbox_mail::Entity>(db, owner, limit, lease, now).await
}

/// Gives back the mails `owner` claimed and has not sent (a sender stopping mid-batch), so
/// that the next sender takes them at once rather than after the lease.
pub async fn release(db: &impl ConnectionTrait, owner: &str, now: DateTime<Utc>) -> AppResult<u64> {
    crate::outbox::release::<outbox_mail::Entity>(db, owner, now).await
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
    let attempt = Attempt {
        id: mail.id,
        attempts: mail.attempts,
        next_attempt_at: mail.next_attempt_at,
        owner,
        outcome,
    };
    let mark = crate::outbox::record::<outbox_mail::Entity>(db, attempt, backoff, vec![], now).await?;
    Ok(mark.map(|mark| match mark {
        Mark::Sent => MailStatus::Sent,
        Mark::Queued => MailStatus::Queued,
        Mark::Failed => MailStatus::Failed,
    }))
}
