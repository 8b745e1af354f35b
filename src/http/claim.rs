//! Step 5, claim the idempotency key: a mutation sent alone with an `Idempotency-Key` runs once;
//! a retry gets the first answer, and [`settle`] keeps that answer or forgets the key.

use actix_web::HttpRequest;
use async_graphql::{Request, Response};
use sea_orm::DatabaseConnection;

use super::{
    idempotency::{claim, fingerprint, finish, release, Claim},
    refusal::Refusal,
};
use crate::{auth::Caller, error::ErrorCode};

/// A claimed key: whose, and which.
pub struct Key {
    principal: String,
    key: String,
}

/// What the endpoint does about an operation's `Idempotency-Key`.
pub enum Claimed {
    /// No key, or a read: reads are safe to repeat, and a key on them changes nothing.
    Unkeyed,
    /// Run the mutation, then [`settle`] the key.
    Fresh(Key),
    /// Answer with the first response, without running anything.
    Replay(String),
}

/// Claims the request's `Idempotency-Key` for a mutation sent alone (not in a batch).
pub async fn claim_key(
    db: &DatabaseConnection,
    http: &HttpRequest,
    caller: &Caller,
    request: &Request,
    mutation: bool,
    alone: bool,
) -> Result<Claimed, Refusal> {
    let Some(header) = http.headers().get("idempotency-key") else {
        return Ok(Claimed::Unkeyed);
    };
    if !mutation {
        return Ok(Claimed::Unkeyed);
    }
    if !alone {
        let message = "Idempotency-Key applies to a request of one mutation, not to a batch";
        return Err(Refusal::new(ErrorCode::BadUserInput, message));
    }
    // An unreadable header fails the key's own check.
    let key = header.to_str().unwrap_or("\u{0}").to_owned();
    let principal = caller
        .principal()
        .map_or("anonymous", |p| p.subject.as_str())
        .to_owned();
    Ok(match claim(db, &principal, &key, &fingerprint(request)).await? {
        Claim::Fresh => Claimed::Fresh(Key { principal, key }),
        Claim::Replay(body) => Claimed::Replay(body),
        Claim::Mismatch => {
            let message = "this Idempotency-Key was used for a different request";
            return Err(Refusal::new(ErrorCode::IdempotencyKeyReused, message));
        }
        Claim::InProgress => {
            let message = "a request with this Idempotency-Key is still running";
            return Err(Refusal::new(ErrorCode::Conflict, message));
        }
    })
}

/// Keeps the answer for replays, or forgets the key when the failure may pass, so the client
/// may retry with it.
pub async fn settle(db: &DatabaseConnection, key: &Key, response: &Response, body: &str) {
    let transient = response
        .errors
        .iter()
        .any(|e| ErrorCode::of(e).is_some_and(ErrorCode::transient));
    let stored = if transient {
        release(db, &key.principal, &key.key).await
    } else {
        finish(db, &key.principal, &key.key, body).await
    };
    if let Err(err) = stored {
        tracing::error!(%err, "idempotency record not updated");
    }
}
