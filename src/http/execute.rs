//! Step 6, execute: charges one prepared operation's price to its meter, then runs it against
//! the schema, as the caller, within the request's time limit.
//!
//! The charge comes before async-graphql validates the document, as a batch's does (see
//! `charge.rs`): an operation that then fails validation has paid its price. Charging here
//! rather than in a schema extension keeps the schema free of extensions, and async-graphql
//! resolves a field directly only in a schema without any (otherwise every field and list item
//! goes through a registry lookup and a boxed extension future).

use std::sync::Arc;

use async_graphql::{parser::types::OperationType, Response, Value};

use super::{prepare::Prepared, state::AppState};
use crate::{
    auth::Caller,
    db::replicas::ClientKey,
    domain::{locale::Preference, throttle::PasswordGuard},
    error::{AppError, ErrorCode},
    graphql::{self, cost::CostMeter},
};

/// One operation's answer, and whether it began to execute (its document validated and it was
/// paid for): one that did not answers without `data` and stores no persisted document.
pub struct Executed {
    pub response: Response,
    pub ran: bool,
}

pub async fn execute(
    state: &AppState,
    prepared: Prepared,
    caller: &Caller,
    address: &str,
    meter: Arc<dyn CostMeter>,
    languages: &Preference,
) -> Executed {
    let refused = |response| Executed { response, ran: false };
    if state.settings.production && !caller.is_admin() && prepared.introspects {
        let error = ErrorCode::Forbidden.server_error("introspection is for administrators");
        return refused(Response::from_errors(vec![error]));
    }
    // Password checks count against the client address as well as the account.
    let guard = PasswordGuard {
        limits: state.settings.password_throttle,
        address: address.to_owned(),
    };
    // A query reads where the router says (a replica, unless the caller has just written);
    // mutations and everything they read go to the primary.
    let db = if prepared.operation == Some(OperationType::Query) {
        state.reads.for_read(&ClientKey::of(caller, address))
    } else {
        state.db.clone()
    };
    let cost = usize::try_from(prepared.price.points).unwrap_or(usize::MAX);
    let (request, batches) = graphql::request_data(prepared.request, &db, caller.clone());
    // Request data comes before the schema's: resolvers that read `db` read this one.
    let mut request = request.data(db).data(meter.clone()).data(guard).data(languages.clone());
    if state.settings.production && !caller.is_admin() {
        request = request.disable_introspection();
    }
    let points = prepared.price.points;
    let deadline = tokio::time::Instant::now() + state.settings.request_timeout;
    let run = async {
        // What it cost goes on every answer that got past validation, or was refused by the
        // charge itself; not on one that failed validation.
        if let Err(err) = meter.charge(cost).await {
            return refused(with_cost(Response::from_errors(vec![err.to_server_error()]), points));
        }
        // A charge that used up the time limit (a slow bucket check) leaves none to run in; the
        // timer alone would let an operation finish that answers within its first tick.
        if tokio::time::Instant::now() >= deadline {
            return timed_out();
        }
        let response = batches.run(state.schema.execute(request)).await;
        match began(&response) {
            true => Executed {
                response: with_cost(response, points),
                ran: true,
            },
            false => refused(response),
        }
    };
    tokio::time::timeout_at(deadline, run)
        .await
        .unwrap_or_else(|_| timed_out())
}

fn timed_out() -> Executed {
    tracing::warn!("request timed out");
    Executed {
        response: Response::from_errors(vec![AppError::Timeout.to_server_error()]),
        ran: true,
    }
}

fn with_cost(mut response: Response, points: u64) -> Response {
    response.extensions.insert("cost".into(), Value::from(points));
    response
}

/// Whether async-graphql began to execute the operation: a document it refused (parse, depth,
/// directives, validation, variables) answers null `data` and errors without a path; an
/// execution answers an object, or null `data` when an error of a non-null root field (which
/// has that field's path) nulled it.
fn began(response: &Response) -> bool {
    response.data != Value::Null || response.errors.iter().any(|e| !e.path.is_empty())
}
