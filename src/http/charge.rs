//! Step 5b, charge a batch once: its operations are priced first (validated, nothing run), the
//! request's budget is granted in order, and the caller's rate limits are charged once, for the
//! sum; each operation then runs on what it was granted. A single operation needs none of this:
//! its cost guard charges the [`Meter`] directly.

use std::sync::{Arc, Mutex};

use async_graphql::ServerError;

use super::{limits::Meter, prepare::Prepared, state::AppState};
use crate::{
    auth::Caller,
    domain::persisted_document,
    error::{AppError, AppResult},
    graphql::{self, cost::CostMeter},
};

/// The meters the operations of a batch run on, one each, in order.
pub async fn grant_batch(
    state: &AppState,
    caller: &Caller,
    meter: &Arc<Meter>,
    operations: &mut [Result<Prepared, ServerError>],
) -> Vec<Arc<dyn CostMeter>> {
    let mut prices = Vec::with_capacity(operations.len());
    for operation in operations.iter_mut() {
        prices.push(match operation {
            Ok(prepared) => price(state, caller, prepared).await,
            Err(_) => None,
        });
    }
    let verdicts = meter.charge_batch(&prices).await;
    verdicts
        .into_iter()
        .map(|verdict| {
            Arc::new(Granted {
                meter: meter.clone(),
                verdict: Mutex::new(verdict),
            }) as Arc<dyn CostMeter>
        })
        .collect()
}

/// What an operation costs, points for the request's budget and for storing its document, as
/// its cost guard computes it; `None` if it does not validate (it will fail again, unpaid).
async fn price(state: &AppState, caller: &Caller, prepared: &mut Prepared) -> Option<(usize, u64)> {
    let document = prepared.request.parsed_query().ok()?.clone();
    let mut copy =
        async_graphql::Request::new(prepared.request.query.clone()).variables(prepared.request.variables.clone());
    copy.operation_name = prepared.request.operation_name.clone();
    copy.set_parsed_query(document);
    let pricing = Arc::new(Pricing::default());
    let meter: Arc<dyn CostMeter> = pricing.clone();
    // The copy carries the operation's price, so its guard notes the points the real run pays.
    let (copy, batches) = graphql::request_data(copy, &state.db, caller.clone());
    let copy = copy.data(prepared.price).data(meter);
    // The guard refuses after pricing, so nothing of the copy runs.
    let _ = batches.run(state.schema.execute(copy)).await;
    let cost = pricing.cost.lock().ok().and_then(|cost| *cost)?;
    let fee = if prepared.persist {
        persisted_document::storage_fee(prepared.request.query.len())
    } else {
        0
    };
    Some((cost, fee))
}

/// Notes the cost and stops the operation before it runs.
#[derive(Default)]
struct Pricing {
    cost: Mutex<Option<usize>>,
}

#[async_graphql::async_trait::async_trait]
impl CostMeter for Pricing {
    async fn charge(&self, cost: usize) -> AppResult<()> {
        if let Ok(mut priced) = self.cost.lock() {
            *priced = Some(cost);
        }
        Err(AppError::Conflict("priced, not run".into()))
    }
}

/// An operation's share of a batch, decided before it runs.
struct Granted {
    meter: Arc<Meter>,
    verdict: Mutex<Option<AppResult<()>>>,
}

#[async_graphql::async_trait::async_trait]
impl CostMeter for Granted {
    async fn charge(&self, cost: usize) -> AppResult<()> {
        let verdict = self
            .verdict
            .lock()
            .map_err(|_| AppError::internal("a batch grant's lock is poisoned"))?
            .take();
        match verdict {
            Some(Ok(())) => {
                self.meter.note_paid();
                Ok(())
            }
            Some(Err(err)) => Err(err),
            // Not priced, yet it validated now: charge it on its own.
            None => self.meter.charge(cost).await,
        }
    }
}
