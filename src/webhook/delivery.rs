//! The deliveries of a webhook endpoint as its owner sees them: the history, newest first, and
//! a manual redelivery of a finished one.

use chrono::Utc;
use entity::{
    webhook_delivery::{self, DeliveryStatus},
    webhook_endpoint::EndpointStatus,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

use super::endpoint::managed;
use crate::{
    auth::Principal,
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        pagination::{keyset_page, Keyset, Page, SortKey, Window},
        version::{self, Versioned},
    },
    error::{AppError, AppResult, Refusal},
};

impl Versioned for webhook_delivery::Entity {
    const NAME: &'static str = "webhook delivery";
    const ID: webhook_delivery::Column = webhook_delivery::Column::Id;
    const VERSION: webhook_delivery::Column = webhook_delivery::Column::Version;
    const UPDATED_AT: webhook_delivery::Column = webhook_delivery::Column::UpdatedAt;
    fn version_of(model: &webhook_delivery::Model) -> i32 {
        model.version
    }
}

const NEWEST_FIRST: Keyset<webhook_delivery::Entity> = Keyset {
    name: "CREATED_AT",
    column: webhook_delivery::Column::CreatedAt,
    id: webhook_delivery::Column::Id,
    ascending: false,
    key_of: |m| (SortKey::Time(m.created_at), m.id),
};

/// One page of an endpoint's deliveries, newest first. The endpoint was read, and its owner
/// checked, by the caller (the resolver of `WebhookEndpoint.deliveries`).
pub async fn deliveries<C: ConnectionTrait>(
    db: &C,
    endpoint: Uuid,
    window: &Window,
) -> AppResult<Page<webhook_delivery::Model>> {
    keyset_page(
        db,
        webhook_delivery::Entity::find().filter(webhook_delivery::Column::EndpointId.eq(endpoint)),
        &NEWEST_FIRST,
        window,
    )
    .await
}

pub async fn count_deliveries<C: ConnectionTrait>(db: &C, endpoint: Uuid) -> AppResult<u64> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint))
        .count(db)
        .await?)
}

/// The deliveries among `ids` whose endpoint the caller may manage (a delivery is visible when
/// its endpoint is); the others are left out as if they did not exist. Two statements a batch.
pub async fn visible<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    ids: &[Uuid],
) -> AppResult<Vec<webhook_delivery::Model>> {
    let found = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    if found.is_empty() {
        return Ok(found);
    }
    let mut endpoint_ids: Vec<Uuid> = found.iter().map(|d| d.endpoint_id).collect();
    endpoint_ids.sort_unstable();
    endpoint_ids.dedup();
    let managed: Vec<Uuid> = super::endpoint::visible(db, actor, &endpoint_ids)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    Ok(found.into_iter().filter(|d| managed.contains(&d.endpoint_id)).collect())
}

/// Queues a finished delivery (SENT or FAILED) again, due at once with a fresh count of
/// attempts. It keeps its `webhook-id`, so a receiver that has it already can drop it.
pub async fn redeliver<C: TransactionTrait>(db: &C, actor: &Principal, id: Uuid) -> AppResult<webhook_delivery::Model> {
    let txn = crate::db::begin_write(db).await?;
    let delivery = webhook_delivery::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("webhook delivery".into()))?;
    let endpoint = managed(&txn, actor, delivery.endpoint_id).await?;
    let from = match delivery.status {
        DeliveryStatus::Queued => Some("QUEUED"),
        DeliveryStatus::Sending => Some("SENDING"),
        DeliveryStatus::Sent | DeliveryStatus::Failed => None,
    };
    if let Some(from) = from {
        return Err(Refusal::TransitionNotAllowed {
            what: "webhook delivery",
            from: from.to_owned(),
            action: "redelivered",
            why: "it is on its way already",
        }
        .into());
    }
    if endpoint.status == EndpointStatus::Disabled {
        return Err(Refusal::TransitionNotAllowed {
            what: "webhook endpoint",
            from: "DISABLED".to_owned(),
            action: "sent a redelivery",
            why: "enable it first (updateWebhookEndpoint with enabled: true)",
        }
        .into());
    }
    let model = version::save::<webhook_delivery::Entity, _>(
        &txn,
        id,
        delivery.version,
        webhook_delivery::ActiveModel {
            status: Set(DeliveryStatus::Queued),
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
            entity_type: AuditEntityType::WebhookDelivery,
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
