//! Rate limits in cost points per minute, as leaky buckets (GCRA). The buckets live in the
//! database the API already uses, so every replica sharing a PostgreSQL sees the same buckets
//! without new infrastructure; one small row per key and one short transaction per check.

use std::time::Duration;

use entity::rate_limit_bucket;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};

use crate::error::{AppError, AppResult};

/// Points per minute for each kind of caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    pub anonymous: u64,
    pub user: u64,
    pub api_key: u64,
    /// Per client address, whoever the caller is.
    pub per_address: u64,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            anonymous: 50_000,
            user: 250_000,
            api_key: 1_000_000,
            per_address: 1_000_000,
        }
    }
}

const WINDOW_MS: i64 = 60_000;

/// Charges `cost` to the bucket `key` that refills `per_minute` points a minute and holds at
/// most a minute's worth. Over the limit: RATE_LIMITED with the wait until it would fit.
pub async fn charge(db: &DatabaseConnection, key: &str, per_minute: u64, cost: u64) -> AppResult<()> {
    let per_minute = per_minute.max(1);
    if cost > per_minute {
        // It would never fit; waiting does not help.
        return Err(AppError::RateLimited {
            retry_after: Duration::from_secs(60),
        });
    }
    let now = chrono::Utc::now().timestamp_millis();
    let increment = (cost as i64).saturating_mul(WINDOW_MS) / per_minute as i64;
    let txn = db.begin().await?;
    rate_limit_bucket::Entity::insert(rate_limit_bucket::ActiveModel {
        key: Set(key.to_owned()),
        theoretical_arrival_ms: Set(now),
    })
    .on_conflict_do_nothing()
    .exec(&txn)
    .await?;
    let bucket = rate_limit_bucket::Entity::find()
        .filter(rate_limit_bucket::Column::Key.eq(key))
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("the rate-limit bucket is missing after its insert"))?;
    let next = bucket.theoretical_arrival_ms.max(now) + increment;
    let wait_ms = next - WINDOW_MS - now;
    if wait_ms > 0 {
        txn.commit().await?;
        return Err(AppError::RateLimited {
            retry_after: Duration::from_millis(wait_ms as u64),
        });
    }
    rate_limit_bucket::Entity::update_many()
        .set(rate_limit_bucket::ActiveModel {
            theoretical_arrival_ms: Set(next),
            ..Default::default()
        })
        .filter(rate_limit_bucket::Column::Key.eq(key))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
