//! One socket's state and the executor its subscriptions run through: who signed in with
//! `connection_init`, how many subscriptions are active, and the steps every `subscribe` passes
//! (the HTTP endpoint's preparation, cost and depth limits, the per-socket cap).

use std::sync::{
    atomic::{AtomicBool, AtomicUsize, Ordering},
    Arc, OnceLock,
};

use actix_web::web;
use async_graphql::{parser::types::OperationType, Data, Executor, Request, Response, ServerError};
use futures_util::{
    future,
    stream::{self, BoxStream},
    StreamExt,
};

use super::{super::prepare::prepare, Held};
use crate::{
    auth::Caller,
    error::ErrorCode,
    graphql::{self, cost::CostMeter},
    http::{authenticate_credential, limits::Meter, state::AppState},
};

/// What one socket knows of itself.
#[derive(Default)]
pub struct Connection {
    /// Who signed in with `connection_init`; set once.
    pub caller: OnceLock<(Caller, bool)>,
    /// The credential it signed in with, checked again before each notification goes out.
    pub credential: OnceLock<Option<String>>,
    /// Set when `connection_init` was refused, so the socket closes with 4403.
    pub refused: AtomicBool,
    active: Arc<AtomicUsize>,
}

impl Connection {
    fn claim(&self, max: usize) -> Option<Held> {
        self.active
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < max).then_some(n + 1))
            .ok()
            .map(|_| Held(self.active.clone()))
    }
}

/// Runs a socket's subscriptions against the schema, as the caller it signed in as.
#[derive(Clone)]
pub struct LiveExecutor {
    pub state: web::Data<AppState>,
    pub connection: Arc<Connection>,
    /// The client's address, charged like an HTTP request's.
    pub address: String,
}

impl Executor for LiveExecutor {
    async fn execute(&self, _request: Request) -> Response {
        // graphql-transport-ws runs every operation as a stream; nothing calls this.
        Response::from_errors(vec![over_http()])
    }

    fn execute_stream(&self, request: Request, _session: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        // The place is claimed here, in the order the subscribes came, not when the protocol
        // machine first polls the streams (in no set order).
        let max = self.state.settings.live.max_subscriptions;
        let Some(held) = self.connection.claim(max) else {
            let message = format!("at most {max} active subscriptions per socket: complete one first");
            return refuse(ErrorCode::SubscriptionLimitReached.server_error(message));
        };
        let this = self.clone();
        stream::once(async move { this.subscribe(request, held).await })
            .flatten()
            .boxed()
    }
}

fn over_http() -> ServerError {
    ErrorCode::MethodNotAllowed
        .server_error("queries and mutations go to POST /graphql; the WebSocket runs subscriptions")
}

fn refuse(error: ServerError) -> BoxStream<'static, Response> {
    stream::once(future::ready(Response::from_errors(vec![error]))).boxed()
}

impl LiveExecutor {
    async fn subscribe(self, request: Request, held: Held) -> BoxStream<'static, Response> {
        let state = self.state;
        let Some((caller, trusted_only)) = self.connection.caller.get().cloned() else {
            return refuse(ErrorCode::Unauthenticated.server_error("send connection_init first"));
        };
        let prepared = match prepare(&state, request, trusted_only).await {
            Ok(Ok(prepared)) => prepared,
            Ok(Err(error)) => return refuse(error),
            Err(refusal) => return refuse(refusal.into_server_error()),
        };
        if prepared.operation != Some(OperationType::Subscription) {
            return refuse(over_http());
        }
        // The subscribe is charged once, like a query of the same document: before it
        // validates, as a query is.
        let meter: Arc<dyn CostMeter> =
            Meter::for_request(&state.settings.budgets, &caller, self.address, state.db.clone());
        let cost = usize::try_from(prepared.price.points).unwrap_or(usize::MAX);
        if let Err(err) = meter.charge(cost).await {
            return refuse(err.to_server_error());
        }
        let request = graphql::subscription_data(prepared.request, &state.db, caller).data(meter);
        let request = if state.settings.production {
            request.disable_introspection()
        } else {
            request
        };
        let credential = self.connection.credential.get().cloned().flatten();
        state
            .schema
            .execute_stream(request)
            .then(move |response| {
                let (state, credential) = (state.clone(), credential.clone());
                async move {
                    // A token that expired or was revoked (sign-out, password change, role taken
                    // away) since connection_init ends the subscription, as it would a query.
                    let valid = match &credential {
                        Some(token) => authenticate_credential(&state, token).await.is_ok(),
                        None => true,
                    };
                    valid.then_some(response)
                }
            })
            .take_while(|response| future::ready(response.is_some()))
            .filter_map(move |response| {
                // The place in the socket's count is given back when the stream goes.
                let _held = &held;
                future::ready(response)
            })
            .boxed()
    }
}
