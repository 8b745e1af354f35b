//! Step 5b, charge a batch once: its operations are priced first (from their documents, as
//! prepared; nothing validated or run), the request's budget is granted in order, and the
//! caller's rate limits are charged once, for the sum; each operation then runs on what it was
//! granted. A single operation needs none of this: `execute` charges the [`Meter`] its price
//! directly, before it runs.

use std::sync::{Arc, Mutex};

use async_graphql::ServerError;

use super::{limits::Meter, prepare::Prepared};
use crate::{
    domain::persisted_document,
    error::{AppError, AppResult},
    graphql::cost::CostMeter,
};

/// The meters the operations of a batch run on, one each, in order.
pub async fn grant_batch(meter: &Arc<Meter>, operations: &[Result<Prepared, ServerError>]) -> Vec<Arc<dyn CostMeter>> {
    let prices: Vec<Option<(usize, u64)>> = operations
        .iter()
        .map(|operation| operation.as_ref().ok().map(price))
        .collect();
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

/// What an operation costs, points for the request's budget and for storing its document: the
/// price read from the document as prepared. An operation that then fails validation has paid
/// it, as a single operation does.
fn price(prepared: &Prepared) -> (usize, u64) {
    let fee = if prepared.persist {
        persisted_document::storage_fee(prepared.request.query.len())
    } else {
        0
    };
    (usize::try_from(prepared.price.points).unwrap_or(usize::MAX), fee)
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
            Some(Ok(())) => Ok(()),
            Some(Err(err)) => Err(err),
            // Not priced: the operation did not prepare, so it never gets here; were it to, it
            // would pay on its own.
            None => self.meter.charge(cost).await,
        }
    }

    fn standing(&self) -> Vec<crate::graphql::cost::BucketStanding> {
        self.meter.standing()
    }
}
