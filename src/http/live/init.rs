//! `connection_init`: the socket's credential, the same access token or API key as HTTP's
//! `Authorization` header, given as `{"authorization": "Bearer …"}` or `{"token": "…"}`. None
//! signs in no one (subscriptions then refuse with UNAUTHENTICATED); a bad one closes the socket
//! with 4403.

use std::{
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use actix_web::web;
use async_graphql::Data;
use futures_util::future::BoxFuture;
use serde_json::Value;

use super::connection::Connection;
use crate::{
    auth::Caller,
    error::AppError,
    http::{authenticate_credential, state::AppState},
};

/// How long an acknowledgement waits for this process to hear other processes' notifications,
/// so that a subscriber acknowledged misses nothing raised after.
const LISTEN_WAIT: Duration = Duration::from_secs(5);

/// The credential in a `connection_init` payload, if any.
fn credential(payload: &Value) -> Result<Option<&str>, AppError> {
    let bad = || {
        AppError::Unauthenticated(
            "connection_init: give {\"authorization\": \"Bearer <token>\"} or {\"token\": \"<token>\"}".into(),
        )
    };
    let field = |name: &str| payload.get(name).filter(|v| !v.is_null());
    if let Some(value) = field("authorization").or_else(|| field("Authorization")) {
        let value = value.as_str().ok_or_else(bad)?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or_else(bad)?;
        return Ok(Some(token.trim()));
    }
    match field("token") {
        Some(value) => Ok(Some(value.as_str().ok_or_else(bad)?.trim())),
        None => Ok(None),
    }
}

/// The socket's `connection_init` handler.
pub fn on_connection_init(
    state: web::Data<AppState>,
    connection: Arc<Connection>,
) -> impl FnOnce(Value) -> BoxFuture<'static, async_graphql::Result<Data>> + Unpin + Send + 'static {
    move |payload| {
        Box::pin(async move {
            let token = credential(&payload).map(|t| t.map(str::to_owned));
            let who = match &token {
                Ok(Some(token)) => authenticate_credential(&state, token)
                    .await
                    .map(|who| (who.caller, who.trusted_only)),
                Ok(None) => Ok((Caller::Anonymous, false)),
                Err(err) => Err(err.clone()),
            };
            match who {
                Ok(who) => {
                    let _ = connection.credential.set(token.ok().flatten());
                    let _ = connection.caller.set(who);
                    if tokio::time::timeout(LISTEN_WAIT, state.hub.ready()).await.is_err() {
                        tracing::warn!(
                            "socket acknowledged before this process listens for other processes' notifications"
                        );
                    }
                    Ok(Data::default())
                }
                Err(err) => {
                    connection.refused.store(true, Ordering::SeqCst);
                    Err(async_graphql::Error::new(err.to_string()))
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::credential;
    use serde_json::json;

    #[test]
    fn reads_both_forms_of_the_credential() {
        assert_eq!(
            credential(&json!({"authorization": "Bearer abc"})).unwrap(),
            Some("abc")
        );
        assert_eq!(
            credential(&json!({"Authorization": "bearer abc"})).unwrap(),
            Some("abc")
        );
        assert_eq!(credential(&json!({"token": " abc "})).unwrap(), Some("abc"));
        assert_eq!(credential(&json!({})).unwrap(), None);
        assert_eq!(credential(&Value::Null).unwrap(), None);
        assert!(credential(&json!({"authorization": "abc"})).is_err());
        assert!(credential(&json!({"token": 7})).is_err());
    }

    use serde_json::Value;
}
