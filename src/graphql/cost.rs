//! What a document costs, and who pays: the transport prices each document with [`price`] (the
//! [`WORK`] table and its rules, in `graphql::price`) and charges that price to the request's
//! [`CostMeter`] before the schema runs it (`http::execute`); every answer reports its cost in
//! `extensions.cost`. The schema itself has no extension, so async-graphql resolves each field
//! directly.

use std::time::Duration;

use chrono::{DateTime, Utc};

pub use super::price::{price, Price, Types, Work, WORK};

use crate::error::AppResult;

/// Whoever pays for a request: the transport charges it before running the operation and puts
/// it in the request data (as `Arc<dyn CostMeter>`, for `rateLimit`), so the budget and the
/// rate limits stay the transport's business.
#[async_graphql::async_trait::async_trait]
pub trait CostMeter: Send + Sync {
    /// Charges `cost` points, or refuses the request.
    async fn charge(&self, cost: usize) -> AppResult<()>;

    /// The caller's rate-limit buckets as the charge left them, the caller's own first; empty
    /// when rate limits are off or nothing was charged.
    fn standing(&self) -> Vec<BucketStanding> {
        Vec::new()
    }
}

/// One rate-limit bucket of the caller, as a request's charge left it (`rateLimit`, and the
/// `RateLimit` header fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketStanding {
    /// The policy's name: `anonymous`, `user`, `api-key` or `address`.
    pub policy: &'static str,
    /// Points a minute.
    pub limit: u64,
    /// Points that fit now.
    pub remaining: u64,
    /// How long until the bucket is empty again, with all of `limit` to spend.
    pub reset_after: Duration,
    /// When this was read.
    pub at: DateTime<Utc>,
}
