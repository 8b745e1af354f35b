//! `rateLimit`, after GitHub's: what this request cost and where the caller's rate limits stand
//! after it, so a client can pace itself. The same numbers travel in the `RateLimit-Policy` and
//! `RateLimit` header fields of every answer (`http::rate_limit_fields`).

use std::sync::Arc;

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::cost::{BucketStanding, CostMeter, Price};

/// One rate limit of the caller: a bucket of cost points refilled continuously over a minute.
#[derive(SimpleObject)]
pub struct RateLimitBucket {
    /// The policy, as the `RateLimit-Policy` header names it: `anonymous`, `user` or `api-key`
    /// for the caller's own bucket, `address` for its client address's (signed-in callers).
    pub policy: String,
    /// Points a minute.
    pub limit: u64,
    /// Points you may spend now, after this request.
    pub remaining: u64,
    /// Points in use: `limit` − `remaining`; they leak out at `limit` a minute.
    pub used: u64,
    /// When the bucket is whole again, if you send nothing more.
    pub reset_at: DateTime<Utc>,
}

impl From<&BucketStanding> for RateLimitBucket {
    fn from(s: &BucketStanding) -> Self {
        let reset = chrono::Duration::from_std(s.reset_after).unwrap_or(chrono::Duration::zero());
        Self {
            policy: s.policy.to_owned(),
            limit: s.limit,
            remaining: s.remaining,
            used: s.limit - s.remaining,
            reset_at: s.at + reset,
        }
    }
}

pub struct RateLimit {
    cost: u64,
    buckets: Vec<BucketStanding>,
}

#[Object]
/// What this request cost and where your rate limits stand after it. `limit`, `remaining`,
/// `used` and `resetAt` are those of your own bucket; `buckets` lists every bucket the request
/// was charged to.
impl RateLimit {
    /// Points this operation cost (as `extensions.cost` says); a batch is charged once for the
    /// sum of its operations.
    async fn cost(&self) -> u64 {
        self.cost
    }
    /// Your own bucket's points a minute.
    async fn limit(&self) -> u64 {
        self.own().limit
    }
    /// Points you may spend now, after this request.
    async fn remaining(&self) -> u64 {
        self.own().remaining
    }
    /// Points in use: `limit` − `remaining`.
    async fn used(&self) -> u64 {
        self.own().used
    }
    /// When your own bucket is whole again, if you send nothing more.
    async fn reset_at(&self) -> DateTime<Utc> {
        self.own().reset_at
    }
    /// Every bucket this request was charged to, yours first.
    async fn buckets(&self) -> Vec<RateLimitBucket> {
        self.buckets.iter().map(RateLimitBucket::from).collect()
    }
}

impl RateLimit {
    fn own(&self) -> RateLimitBucket {
        // Never empty: `rateLimit` answers null rather than build one without buckets.
        self.buckets
            .first()
            .map(RateLimitBucket::from)
            .unwrap_or(RateLimitBucket {
                policy: String::new(),
                limit: 0,
                remaining: 0,
                used: 0,
                reset_at: Utc::now(),
            })
    }
}

#[derive(Default)]
pub struct RateLimitQuery;

#[Object]
impl RateLimitQuery {
    /// What this request cost and where your rate limits stand after it; null when the server
    /// runs without rate limits (`RATE_LIMIT=off`). Asked alone it costs 1 point.
    async fn rate_limit(&self, ctx: &Context<'_>) -> Option<RateLimit> {
        let buckets = ctx.data_opt::<Arc<dyn CostMeter>>()?.standing();
        if buckets.is_empty() {
            return None;
        }
        let cost = ctx.data_opt::<Price>().map_or(0, |price| price.points);
        Some(RateLimit { cost, buckets })
    }
}
