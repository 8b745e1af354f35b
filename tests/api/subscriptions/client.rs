//! A graphql-transport-ws client spoken by hand over tungstenite: what the subscription tests
//! send and read, with a deadline on every read.

use std::{net::TcpStream, time::Duration};

use serde_json::{json, Value};
use tungstenite::{client::IntoClientRequest, stream::MaybeTlsStream, Message, WebSocket};

use crate::support::TestApp;

/// What the server sent: a protocol message, or the close code it ended the socket with.
#[derive(Debug)]
pub enum Incoming {
    Message(Value),
    Closed(u16),
}

pub struct Client {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
}

/// The request that opens a socket on the `/graphql` of the server at `base`.
fn upgrade(base: &str) -> tungstenite::handshake::client::Request {
    let url = format!("{}/graphql", base.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().expect("a WebSocket URL");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("a header value"),
    );
    request
}

impl Client {
    pub fn connect(app: &TestApp) -> Self {
        Self::try_connect(app).expect("the WebSocket opens")
    }

    /// The socket, or the HTTP status the upgrade was refused with.
    pub fn try_connect(app: &TestApp) -> Result<Self, u16> {
        Self::try_connect_to(&app.base)
    }

    /// The socket on the server at `base` (a `serve` process of its own), or the HTTP status
    /// the upgrade was refused with.
    pub fn try_connect_to(base: &str) -> Result<Self, u16> {
        match tungstenite::connect(upgrade(base)) {
            Ok((socket, response)) => {
                assert_eq!(
                    response.headers()["sec-websocket-protocol"],
                    "graphql-transport-ws",
                    "the server speaks the subprotocol asked for"
                );
                if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
                    stream
                        .set_read_timeout(Some(Duration::from_secs(15)))
                        .expect("a read timeout");
                }
                Ok(Self { socket })
            }
            Err(tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
            Err(err) => panic!("WebSocket handshake failed: {err}"),
        }
    }

    /// A socket signed in with `payload` in `connection_init`, acknowledged.
    pub fn signed_in(app: &TestApp, payload: Value) -> Self {
        let mut client = Self::connect(app);
        client.send(json!({ "type": "connection_init", "payload": payload }));
        match client.next() {
            Incoming::Message(m) if m["type"] == "connection_ack" => client,
            other => panic!("expected connection_ack, got {other:?}"),
        }
    }

    pub fn bearer(app: &TestApp, token: &str) -> Self {
        Self::signed_in(app, json!({ "authorization": format!("Bearer {token}") }))
    }

    pub fn send(&mut self, message: Value) {
        self.socket
            .send(Message::text(message.to_string()))
            .expect("a message sent");
    }

    pub fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }));
    }

    /// The next protocol message (answering the protocol's pings), or the close code.
    pub fn next(&mut self) -> Incoming {
        // The server's WebSocket pings count as traffic for the read timeout: a deadline too.
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            assert!(
                std::time::Instant::now() < deadline,
                "no protocol message from the server in time"
            );
            match self.socket.read() {
                Ok(Message::Text(text)) => {
                    let message: Value = serde_json::from_str(text.as_str()).expect("JSON from the server");
                    if message["type"] == "ping" {
                        self.send(json!({ "type": "pong" }));
                        continue;
                    }
                    return Incoming::Message(message);
                }
                Ok(Message::Close(frame)) => return Incoming::Closed(frame.map_or(1005, |f| u16::from(f.code))),
                Ok(_) => continue,
                Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                    return Incoming::Closed(1006)
                }
                Err(err) => panic!("nothing from the server in time: {err}"),
            }
        }
    }

    /// The next message, which must be `next` for subscription `id`: its payload.
    pub fn next_for(&mut self, id: &str) -> Value {
        match self.next() {
            Incoming::Message(m) if m["type"] == "next" && m["id"] == id => m["payload"].clone(),
            other => panic!("expected next for {id}, got {other:?}"),
        }
    }

    /// The first error of the next payload for `id`, which is followed by `complete`.
    pub fn refused(&mut self, id: &str) -> Value {
        let payload = self.next_for(id);
        let error = payload["errors"][0].clone();
        assert!(error.is_object(), "expected an error, got {payload}");
        match self.next() {
            Incoming::Message(m) if m["type"] == "complete" && m["id"] == id => {}
            other => panic!("expected complete for {id}, got {other:?}"),
        }
        error
    }

    /// Completes subscription `id`, as the server acknowledges.
    pub fn complete(&mut self, id: &str) {
        self.send(json!({ "id": id, "type": "complete" }));
        match self.next() {
            Incoming::Message(m) if m["type"] == "complete" && m["id"] == id => {}
            other => panic!("expected complete for {id}, got {other:?}"),
        }
    }

    pub fn close(mut self) {
        let _ = self.socket.close(None);
        while let Ok(message) = self.socket.read() {
            if message.is_close() {
                break;
            }
        }
    }
}
