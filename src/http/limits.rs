//! What one HTTP request may spend: a budget of cost points per request (a batch shares one),
//! and the caller's rate limits. The schema prices the document (`graphql::cost`); the
//! [`Meter`] here decides whether that price is affordable.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc, Mutex,
};

use sea_orm::DatabaseConnection;

use super::rate_limit::{self, Bucket, BucketStanding, Clock, RateLimits};
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
    /// What the rate-limit buckets count time by; tests stop it to count to a boundary.
    pub clock: Clock,
}

impl Default for Budgets {
    fn default() -> Self {
        Self {
            anonymous: 10_000,
            signed_in: 50_000,
            rate_limits: Some(RateLimits::default()),
            clock: Clock::default(),
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
    clock: Clock,
    /// Rate-limit points the next operation adds for storing its document (APQ).
    storage_fee: AtomicU64,
    /// The buckets as the last charge left them.
    standing: Mutex<Vec<BucketStanding>>,
}

impl Meter {
    /// The meter of one HTTP request.
    pub fn for_request(budgets: &Budgets, caller: &Caller, address: String, db: DatabaseConnection) -> Arc<Self> {
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
            clock: budgets.clock.clone(),
            storage_fee: AtomicU64::new(0),
            standing: Mutex::new(Vec::new()),
        })
    }

    /// Adds `points` to the rate-limit charge of the next operation only: storing its document
    /// is work an anonymous caller could otherwise ask for without limit.
    pub fn set_storage_fee(&self, points: u64) {
        self.storage_fee.store(points, Ordering::SeqCst);
    }

    /// Takes `cost` out of what is left of the request's budget.
    fn spend(&self, cost: usize) -> Result<(), AppError> {
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
        Ok(())
    }

    /// A batch's operations, priced (cost, storage fee; `None` for one that did not validate):
    /// the budget is granted in order, and the rate limits are charged once for what was
    /// granted. The verdict of each, `None` where there was no price.
    pub async fn charge_batch(&self, prices: &[Option<(usize, u64)>]) -> Vec<Option<Result<(), AppError>>> {
        let mut verdicts: Vec<Option<Result<(), AppError>>> = Vec::with_capacity(prices.len());
        let mut points = 0u64;
        for price in prices {
            verdicts.push(price.map(|(cost, fee)| {
                self.spend(cost)?;
                points += cost as u64 + fee;
                Ok(())
            }));
        }
        if points > 0 {
            if let Err(err) = self.pay(points).await {
                for verdict in verdicts.iter_mut().flatten() {
                    if verdict.is_ok() {
                        *verdict = Err(err.clone());
                    }
                }
            }
        }
        verdicts
    }

    /// The caller's rate-limit buckets: its own, and its address's when it is signed in (an
    /// anonymous caller's own bucket is its address's); none when rate limits are off.
    fn buckets(&self) -> Vec<Bucket> {
        let Some(limits) = self.rate_limits else {
            return Vec::new();
        };
        match self.caller.principal() {
            None => vec![Bucket {
                key: format!("anonymous:{}", self.address),
                per_minute: limits.anonymous,
                policy: "anonymous",
            }],
            Some(p) => {
                let (per_minute, policy) = match p.actor {
                    Actor::ApiKey(_) => (limits.api_key, "api-key"),
                    _ => (limits.user, "user"),
                };
                vec![
                    Bucket {
                        key: format!("principal:{}", p.subject),
                        per_minute,
                        policy,
                    },
                    Bucket {
                        key: format!("address:{}", self.address),
                        per_minute: limits.per_address,
                        policy: "address",
                    },
                ]
            }
        }
    }

    /// Charges `points` to the caller's rate-limit buckets in one statement, and keeps their
    /// standing for the response.
    async fn pay(&self, points: u64) -> Result<(), AppError> {
        let buckets = self.buckets();
        if buckets.is_empty() {
            return Ok(());
        }
        let (verdict, standing) = rate_limit::charge(&self.db, &self.clock, &buckets, points).await;
        if !standing.is_empty() {
            if let Ok(mut kept) = self.standing.lock() {
                *kept = standing;
            }
        }
        verdict
    }

    /// The buckets' standing for the response's `RateLimit` field, as this request's charge left
    /// them; empty when nothing was charged (rate limits off, or a document refused before its
    /// charge), because a refused document runs no SQL at all, not even a read of its buckets.
    pub fn standing_now(&self) -> Vec<BucketStanding> {
        self.standing()
    }

    /// The policies the caller's buckets follow, for `RateLimit-Policy`: (name, points a minute).
    pub fn policies(&self) -> Vec<(&'static str, u64)> {
        self.buckets().iter().map(|b| (b.policy, b.per_minute)).collect()
    }
}

#[async_graphql::async_trait::async_trait]
impl CostMeter for Meter {
    async fn charge(&self, cost: usize) -> Result<(), AppError> {
        let fee = self.storage_fee.swap(0, Ordering::SeqCst);
        self.spend(cost)?;
        self.pay(cost as u64 + fee).await?;
        Ok(())
    }

    fn standing(&self) -> Vec<BucketStanding> {
        self.standing.lock().map(|kept| kept.clone()).unwrap_or_default()
    }
}
