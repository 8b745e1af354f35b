//! What one HTTP request may spend: a budget of cost points per request (a batch shares one),
//! and the caller's rate limits. The schema prices the document (`graphql::cost`); the
//! [`Meter`] here decides whether that price is affordable.

use std::sync::{Arc, Mutex};

use sea_orm::DatabaseConnection;

use super::rate_limit::{self, RateLimits};
use crate::{
    auth::{Actor, Caller},
    error::AppError,
    graphql::cost::CostMeter,
};

/// Limits on one request.
#[derive(Debug, Clone)]
pub struct Budgets {
    pub anonymous: usize,
    pub signed_in: usize,
    pub rate_limits: Option<RateLimits>,
}

impl Default for Budgets {
    fn default() -> Self {
        Self {
            anonymous: 10_000,
            signed_in: 50_000,
            rate_limits: Some(RateLimits::default()),
        }
    }
}

/// Request data: what is left of this HTTP request's budget (a batch shares it) and whom to
/// charge for it.
pub struct Meter {
    left: Mutex<usize>,
    budget: usize,
    caller: Caller,
    address: String,
    db: DatabaseConnection,
    rate_limits: Option<RateLimits>,
}

impl Meter {
    /// The meter of one HTTP request, as the schema's cost guard reads it.
    pub fn for_request(
        budgets: &Budgets,
        caller: &Caller,
        address: String,
        db: DatabaseConnection,
    ) -> Arc<dyn CostMeter> {
        let budget = if caller.principal().is_some() {
            budgets.signed_in
        } else {
            budgets.anonymous
        };
        Arc::new(Self {
            left: Mutex::new(budget),
            budget,
            caller: caller.clone(),
            address,
            db,
            rate_limits: budgets.rate_limits,
        })
    }
}

#[async_graphql::async_trait::async_trait]
impl CostMeter for Meter {
    async fn charge(&self, cost: usize) -> Result<(), AppError> {
        {
            let mut left = self
                .left
                .lock()
                .map_err(|_| AppError::internal("the cost meter's lock is poisoned"))?;
            if cost > *left {
                return Err(AppError::CostLimitExceeded {
                    cost,
                    budget: self.budget,
                });
            }
            *left -= cost;
        }
        let Some(limits) = self.rate_limits else { return Ok(()) };
        let (key, per_minute) = match self.caller.principal() {
            None => (format!("anonymous:{}", self.address), limits.anonymous),
            Some(p) => match p.actor {
                Actor::ApiKey(_) => (format!("principal:{}", p.subject), limits.api_key),
                _ => (format!("principal:{}", p.subject), limits.user),
            },
        };
        let cost = cost as u64;
        rate_limit::charge(&self.db, &key, per_minute, cost).await?;
        if self.caller.principal().is_some() {
            rate_limit::charge(&self.db, &format!("address:{}", self.address), limits.per_address, cost).await?;
        }
        Ok(())
    }
}
