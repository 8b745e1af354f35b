//! What administrators do with the outbox: list the FAILED mails and queue one again.

use chrono::Utc;
use entity::outbox_mail::{self, MailStatus};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        pagination::{keyset_page, Keyset, Page, SortKey, Window},
        policy, version,
    },
    error::{AppResult, Refusal},
};

/// The most recently failed first: what an administrator looks at after an incident.
const LAST_FAILED_FIRST: Keyset<outbox_mail::Entity> = Keyset {
    name: "UPDATED_AT",
    column: outbox_mail::Column::UpdatedAt,
    id: outbox_mail::Column::Id,
    ascending: false,
    key_of: |m| (SortKey::Time(m.updated_at), m.id),
};

pub async fn failed<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    window: &Window,
) -> AppResult<Page<outbox_mail::Model>> {
    policy::may_manage_mail(actor)?;
    keyset_page(
        db,
        outbox_mail::Entity::find().filter(outbox_mail::Column::Status.eq(MailStatus::Failed)),
        &LAST_FAILED_FIRST,
        window,
    )
    .await
}

pub async fn count_failed<C: ConnectionTrait>(db: &C) -> AppResult<u64> {
    Ok(outbox_mail::Entity::find()
        .filter(outbox_mail::Column::Status.eq(MailStatus::Failed))
        .count(db)
        .await?)
}

/// Queues a FAILED mail again with a fresh count of attempts, due at once; its last error stays
/// until the next attempt says otherwise. The Message-ID stays, so it is the same mail.
pub async fn retry<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
) -> AppResult<outbox_mail::Model> {
    let txn = crate::db::begin_write(db).await?;
    let mail =
        version::locked::<outbox_mail::Entity, _>(&txn, id, Some(expected_version), |_| policy::may_manage_mail(actor))
            .await?;
    if mail.status != MailStatus::Failed {
        return Err(Refusal::TransitionNotAllowed {
            what: "mail",
            from: status_code(mail.status).to_owned(),
            action: "retried",
            why: "only a FAILED mail is queued again",
        }
        .into());
    }
    let model = version::save::<outbox_mail::Entity, _>(
        &txn,
        id,
        expected_version,
        outbox_mail::ActiveModel {
            status: Set(MailStatus::Queued),
            attempts: Set(0),
            next_attempt_at: Set(Utc::now()),
            lease_owner: Set(None),
            lease_until: Set(None),
            ..Default::default()
        },
    )
    .await?;
    audit::record(
        &txn,
        actor,
        Entry {
            entity_type: AuditEntityType::OutboxMail,
            entity_id: id,
            action: AuditAction::Retry,
            changed_fields: vec!["status", "attempts", "nextAttemptAt"],
            country: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

pub fn status_code(status: MailStatus) -> &'static str {
    match status {
        MailStatus::Queued => "QUEUED",
        MailStatus::Sending => "SENDING",
        MailStatus::Sent => "SENT",
        MailStatus::Failed => "FAILED",
    }
}

/// The mails of `ids`, for those who manage the outbox (`node`); none for anyone else.
pub async fn visible<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    ids: &[Uuid],
) -> AppResult<Vec<outbox_mail::Model>> {
    if policy::may_manage_mail(actor).is_err() {
        return Ok(Vec::new());
    }
    Ok(outbox_mail::Entity::find()
        .filter(outbox_mail::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}
