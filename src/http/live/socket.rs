//! The socket's actor: WebSocket frames in, graphql-transport-ws (async-graphql's protocol
//! machine) in the middle, frames out. Written here rather than taken from
//! async-graphql-actix-web because the protocol's close codes are the client's only answer:
//! 4403 for a refused `connection_init` (the library sends 1002) and 4408 when none comes in
//! time (the library has no such timer).

use std::{
    sync::{atomic::Ordering, Arc},
    time::{Duration, Instant},
};

use actix::{
    Actor, ActorContext, ActorFutureExt, ActorStreamExt, AsyncContext, ContextFutureSpawner, StreamHandler, WrapFuture,
    WrapStream,
};
use actix_web::{web, Error, HttpRequest, HttpResponse};
use actix_web_actors::ws::{self, CloseCode, CloseReason, Message, ProtocolError, WebsocketContext};
use async_graphql::http::{WebSocket, WebSocketProtocols, WsMessage};
use futures_util::stream;
use tokio::sync::mpsc;

use super::{
    connection::{Connection, LiveExecutor},
    init::on_connection_init,
    Held, PROTOCOL,
};
use crate::http::state::AppState;

/// How often the server pings, and how long a silent client is kept.
const HEARTBEAT: Duration = Duration::from_secs(5);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(30);

/// Frames longer than this (a document with its variables) close the socket.
const MAX_FRAME: usize = 256 * 1024;

struct LiveSocket {
    executor: LiveExecutor,
    init_timeout: Duration,
    messages: Option<mpsc::UnboundedSender<Vec<u8>>>,
    last_heartbeat: Instant,
    /// This socket's place in the process's count of open sockets.
    _held: Held,
}

/// Upgrades the request and runs the socket.
pub fn start(
    state: web::Data<AppState>,
    address: String,
    held: Held,
    http: &HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, Error> {
    let init_timeout = state.settings.live.init_timeout;
    let actor = LiveSocket {
        executor: LiveExecutor {
            state,
            connection: Arc::new(Connection::default()),
            address,
        },
        init_timeout,
        messages: None,
        last_heartbeat: Instant::now(),
        _held: held,
    };
    ws::WsResponseBuilder::new(actor, http, payload)
        .protocols(&[PROTOCOL])
        .frame_size(MAX_FRAME)
        .start()
}

/// How long a closed socket waits for the client's close frame before it goes anyway.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// Sends the close frame; the socket stops when the client answers it, or after a grace time
/// (stopping at once could drop the frame, and with it the code).
fn close(ctx: &mut WebsocketContext<LiveSocket>, code: u16, reason: &str) {
    tracing::debug!(code, reason, "closing a subscription socket");
    ctx.close(Some(CloseReason {
        code: CloseCode::from(code),
        description: Some(reason.to_owned()),
    }));
    ctx.run_later(CLOSE_GRACE, |_, ctx| ctx.stop());
}

impl Actor for LiveSocket {
    type Context = WebsocketContext<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.run_interval(HEARTBEAT, |act, ctx| {
            if act.last_heartbeat.elapsed() > CLIENT_TIMEOUT {
                ctx.stop();
            }
            ctx.ping(b"");
        });
        ctx.run_later(self.init_timeout, |act, ctx| {
            if act.executor.connection.caller.get().is_none() {
                close(ctx, 4408, "Connection initialisation timeout");
            }
        });
        // Going Away: the client may reconnect at once, to another replica.
        let shutdown = self.executor.state.shutdown.clone();
        async move { shutdown.begun().await }
            .into_actor(self)
            .map(|(), _act, ctx| close(ctx, 1001, "server shutting down"))
            .spawn(ctx);
        let (sender, receiver) = mpsc::unbounded_channel::<Vec<u8>>();
        let incoming = stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|message| (message, receiver))
        });
        let connection = self.executor.connection.clone();
        let init = on_connection_init(self.executor.state.clone(), connection.clone());
        WebSocket::new(self.executor.clone(), incoming, WebSocketProtocols::GraphQLWS)
            .on_connection_init(init)
            .into_actor(self)
            .map(move |message, _act, ctx| match message {
                WsMessage::Text(text) => ctx.text(text),
                // The protocol machine closes a refused init with 1002; the protocol says 4403.
                WsMessage::Close(_, reason) if connection.refused.load(Ordering::SeqCst) => close(ctx, 4403, &reason),
                WsMessage::Close(code, reason) => close(ctx, code, &reason),
            })
            .finish()
            .spawn(ctx);
        self.messages = Some(sender);
    }
}

impl StreamHandler<Result<Message, ProtocolError>> for LiveSocket {
    fn handle(&mut self, message: Result<Message, ProtocolError>, ctx: &mut Self::Context) {
        let Ok(message) = message else {
            ctx.stop();
            return;
        };
        let text = match message {
            Message::Ping(bytes) => {
                self.last_heartbeat = Instant::now();
                ctx.pong(&bytes);
                None
            }
            Message::Pong(_) => {
                self.last_heartbeat = Instant::now();
                None
            }
            // Clients send each protocol message in one frame; fragments are not reassembled.
            Message::Continuation(_) => {
                close(ctx, 1003, "fragmented messages are not supported");
                None
            }
            Message::Text(text) => Some(text.into_bytes().to_vec()),
            Message::Binary(bytes) => Some(bytes.to_vec()),
            Message::Close(_) => {
                ctx.stop();
                None
            }
            Message::Nop => None,
        };
        if let Some(text) = text {
            self.last_heartbeat = Instant::now();
            let sent = self.messages.as_ref().is_some_and(|m| m.send(text).is_ok());
            if !sent {
                ctx.stop();
            }
        }
    }
}
