//! The sweep: what anonymous clients can make the service store expires and is deleted, so the
//! tables stay bounded whatever they send. Idempotency keys live 24 hours; a rate-limit bucket
//! that has drained (its theoretical arrival time is past) says nothing a fresh one would not;
//! automatic persisted queries beyond their limit go least recently used first; changes older
//! than CHANGE_FEED_RETENTION leave the change feed.
//!
//! Every replica sweeps; the deletes are idempotent, so replicas sweeping at once only repeat
//! each other's work.

use std::time::Duration;

use chrono::Utc;
use entity::{idempotency_key, rate_limit_bucket};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{rate_limit::Clock, state::EndpointSettings};
use crate::{domain::persisted_document, error::AppResult};

/// How long an `Idempotency-Key` is remembered.
pub const IDEMPOTENCY_KEY_LIFETIME: chrono::Duration = chrono::Duration::hours(24);
/// How often each replica sweeps.
pub const INTERVAL: Duration = Duration::from_secs(300);

/// Rows one sweep deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub idempotency_keys: u64,
    pub rate_limit_buckets: u64,
    pub persisted_documents: u64,
}

/// Deletes what has expired, now.
pub async fn sweep(db: &DatabaseConnection, clock: &Clock, persisted_query_limit: u64) -> AppResult<Swept> {
    let idempotency_keys = idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(Utc::now() - IDEMPOTENCY_KEY_LIFETIME))
        .exec(db)
        .await?
        .rows_affected;
    let rate_limit_buckets = rate_limit_bucket::Entity::delete_many()
        .filter(rate_limit_bucket::Column::TheoreticalArrivalNs.lt(clock.now_ns()))
        .exec(db)
        .await?
        .rows_affected;
    let persisted_documents = persisted_document::evict(db, persisted_query_limit).await?;
    Ok(Swept {
        idempotency_keys,
        rate_limit_buckets,
        persisted_documents,
    })
}

/// Sweeps every [`INTERVAL`] until shutdown begins.
pub async fn run(db: DatabaseConnection, settings: EndpointSettings, shutdown: crate::shutdown::Shutdown) {
    let mut ticks = tokio::time::interval(INTERVAL);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = shutdown.begun() => break,
        }
        match sweep(&db, &settings.budgets.clock, settings.persisted_query_limit).await {
            Ok(swept) => tracing::debug!(?swept, "swept expired rows"),
            // A database away now is likely back at the next tick.
            Err(err) => tracing::warn!(%err, "sweep failed"),
        }
        match crate::domain::change_feed::prune(&db, settings.change_feed_retention, Utc::now()).await {
            Ok(pruned) => tracing::debug!(pruned, "pruned the change feed"),
            Err(err) => tracing::warn!(%err, "change feed prune failed"),
        }
    }
    tracing::info!("shutdown: sweep stopped");
}
