//! What one request may cost, checked after validation and before any resolver runs: a budget of
//! cost points per request (a batch shares one), and the caller's rate limits. The cost of every
//! answer is reported in `extensions.cost`.

use std::sync::{Arc, Mutex};

use async_graphql::{
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest, NextValidation},
    Response, ServerError, ValidationResult,
};
use sea_orm::DatabaseConnection;

use super::rate_limit::{self, RateLimits};
use crate::{
    auth::{Actor, Caller},
    error::AppError,
};

/// Cost of one connection field: its page size (default 20, at most 100) times what each item costs.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let page = first
        .or(last)
        .unwrap_or(crate::domain::pagination::DEFAULT_PAGE_SIZE)
        .clamp(1, 100) as usize;
    page.saturating_mul(child_complexity.max(1))
}

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
    pub fn new(budgets: &Budgets, caller: &Caller, address: String, db: DatabaseConnection) -> Arc<Self> {
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

    async fn charge(&self, cost: usize) -> Result<(), AppError> {
        {
            let mut left = self.left.lock().map_err(|_| AppError::Internal)?;
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

/// The async-graphql extension that applies the [`Meter`].
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
        if let Ok(mut cost) = self.cost.lock() {
            *cost = Some(result.complexity);
        }
        if let Some(meter) = ctx.data_opt::<Arc<Meter>>() {
            meter.charge(result.complexity).await.map_err(|err| {
                let err: async_graphql::Error = err.into();
                vec![err.into_server_error(async_graphql::Pos::default())]
            })?;
        }
        Ok(result)
    }
}
