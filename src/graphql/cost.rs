//! What a document costs, charged: the transport prices each document with [`price`] (the
//! [`WORK`] table and its rules, in `graphql::price`), and [`CostGuard`] charges that price to
//! the request's [`CostMeter`] after validation and before any resolver runs. Every answer
//! reports its cost in `extensions.cost`.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};

use async_graphql::{
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest, NextValidation},
    Response, ServerError, ValidationResult,
};

pub use super::price::{price, Price, Types, Work, WORK};

use crate::error::AppResult;

/// Whoever pays for a request: the transport puts one in the request data (as
/// `Arc<dyn CostMeter>`), so the budget and the rate limits stay the transport's business.
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

/// The async-graphql extension that charges each document's cost to the request's [`CostMeter`].
pub struct CostGuard;

impl ExtensionFactory for CostGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostGuardExtension { cost: Mutex::new(None) })
    }
}

struct CostGuardExtension {
    cost: Mutex<Option<usize>>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for CostGuardExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        if let Some(cost) = self.cost.lock().ok().and_then(|c| *c) {
            response
                .extensions
                .insert("cost".into(), async_graphql::Value::from(cost as u64));
        }
        response
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        // The transport prices each document (`price`); a request that bypassed it pays
        // async-graphql's own count, one point a field, rather than nothing.
        let cost = ctx
            .data_opt::<Price>()
            .map_or(result.complexity, |price| price.points as usize);
        if let Ok(mut slot) = self.cost.lock() {
            *slot = Some(cost);
        }
        if let Some(meter) = ctx.data_opt::<Arc<dyn CostMeter>>() {
            meter.charge(cost).await.map_err(|err| {
                let err: async_graphql::Error = err.into();
                vec![err.into_server_error(async_graphql::Pos::default())]
            })?;
        }
        Ok(result)
    }
}
