//! Subscriptions over WebSocket on `/graphql`, in the graphql-transport-ws protocol (what the
//! `graphql-ws` client speaks). The socket authenticates with the same credentials as HTTP,
//! given in `connection_init`; each `subscribe` passes the same preparation, depth and cost
//! limits as a query. Caps: open sockets per process, active subscriptions per socket.

mod connection;
mod init;
mod socket;

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use actix_web::{guard::GuardContext, http::header, web, HttpRequest, HttpResponse};

use super::{negotiate::Media, refusal::Refusal, state::AppState};
use crate::error::ErrorCode;

/// The subprotocol spoken; the legacy `graphql-ws` (subscriptions-transport-ws) is not.
pub const PROTOCOL: &str = "graphql-transport-ws";

/// The limits of subscription sockets.
#[derive(Debug, Clone)]
pub struct LiveSettings {
    /// Sockets one process keeps open at most; more are refused with 503.
    pub max_sockets: usize,
    /// Subscriptions one socket runs at once at most.
    pub max_subscriptions: usize,
    /// How long a socket may stay open without `connection_init` (then closed with 4408).
    pub init_timeout: Duration,
}

impl Default for LiveSettings {
    fn default() -> Self {
        Self {
            max_sockets: 1_000,
            max_subscriptions: 10,
            init_timeout: Duration::from_secs(10),
        }
    }
}

/// The count of this process's open subscription sockets.
#[derive(Clone, Default)]
pub struct Sockets(Arc<AtomicUsize>);

impl Sockets {
    /// Sockets open now.
    pub fn open(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    /// A place for one more socket, unless `max` are open.
    fn claim(&self, max: usize) -> Option<Held> {
        self.0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |open| {
                (open < max).then_some(open + 1)
            })
            .ok()
            .map(|_| Held(self.0.clone()))
    }
}

/// One place in a count, given back when dropped: with the socket's actor or the subscription's
/// stream, however they end.
pub struct Held(Arc<AtomicUsize>);

impl Drop for Held {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Whether a request asks to become a WebSocket: GET `/graphql` without it is the HTTP endpoint.
pub fn is_upgrade(ctx: &GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// The WebSocket upgrade of `/graphql`.
pub async fn endpoint(state: web::Data<AppState>, http: HttpRequest, payload: web::Payload) -> HttpResponse {
    let offered = http
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|protocols| protocols.split(',').any(|p| p.trim() == PROTOCOL));
    if !offered {
        let message = format!("ask for the WebSocket subprotocol {PROTOCOL}");
        return Refusal::new(ErrorCode::BadUserInput, message).into_response(Media::Json);
    }
    let Some(held) = state.sockets.claim(state.settings.live.max_sockets) else {
        let message = "too many open subscription sockets on this server; try again later";
        return Refusal::new(ErrorCode::ConnectionLimitReached, message)
            .with_header(header::RETRY_AFTER, "5")
            .into_response(Media::Json);
    };
    let address = state.settings.trusted_proxies.client_address(&http);
    socket::start(state, address, held, &http, payload).unwrap_or_else(|err| err.error_response())
}
