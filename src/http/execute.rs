//! Step 6, execute: runs one prepared operation against the schema, as the caller, within the
//! request's budget and time limit.

use std::sync::Arc;

use async_graphql::{parser::types::OperationType, Response};

use super::{prepare::Prepared, state::AppState};
use crate::{
    auth::Caller,
    db::replicas::ClientKey,
    domain::{locale::Preference, throttle::PasswordGuard},
    error::{AppError, ErrorCode},
    graphql::{self, cost::CostMeter},
};

pub async fn execute(
    state: &AppState,
    prepared: Prepared,
    caller: &Caller,
    address: &str,
    meter: Arc<dyn CostMeter>,
    languages: &Preference,
) -> Response {
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
    let (request, batches) = graphql::request_data(prepared.request, &db, caller.clone());
    // Request data comes before the schema's: resolvers that read `db` read this one.
    let mut request = request.data(db).data(meter).data(guard).data(languages.clone());
    if state.settings.production && !caller.is_admin() {
        if prepared.introspects {
            let error = ErrorCode::Forbidden.server_error("introspection is for administrators");
            return Response::from_errors(vec![error]);
        }
        request = request.disable_introspection();
    }
    match tokio::time::timeout(
        state.settings.request_timeout,
        batches.run(state.schema.execute(request)),
    )
    .await
    {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!("request timed out");
            Response::from_errors(vec![AppError::Timeout.to_server_error()])
        }
    }
}
