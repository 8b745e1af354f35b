//! Step 2, authenticate: who calls, from the `Authorization` header (an access token or an API
//! key). GraphiQL's page asks the same question.

use actix_web::{http::header, HttpRequest};

use super::{refusal::Refusal, state::AppState};
use crate::{auth::Caller, domain::api_key, error::AppError};

/// The caller, and whether its API key may run trusted documents only.
pub struct Authenticated {
    pub caller: Caller,
    pub trusted_only: bool,
}

/// Reads the credential of the `Authorization` header; none is an anonymous caller.
pub async fn authenticate(state: &AppState, http: &HttpRequest) -> Result<Authenticated, AppError> {
    let Some(value) = http.headers().get(header::AUTHORIZATION) else {
        return Ok(Authenticated {
            caller: Caller::Anonymous,
            trusted_only: false,
        });
    };
    let value = value
        .to_str()
        .map_err(|_| AppError::Unauthenticated("malformed Authorization header".into()))?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| AppError::Unauthenticated("use Authorization: Bearer <token>".into()))?
        .trim();
    authenticate_credential(state, token).await
}

/// Who holds `token`, an access token or an API key: the same check for the `Authorization`
/// header and a WebSocket's `connection_init`.
pub async fn authenticate_credential(state: &AppState, token: &str) -> Result<Authenticated, AppError> {
    if api_key::looks_like_key(token) {
        let holder = api_key::authenticate(&state.db, token).await?;
        Ok(Authenticated {
            caller: Caller::Signed(holder.principal),
            trusted_only: holder.trusted_documents_only,
        })
    } else {
        let (principal, stamp) = state.tokens.verify_stamped(token)?;
        // A genuine token may still have been revoked: signed out, password changed, role or key taken away.
        state.revocations.check(&state.db, &principal, stamp).await?;
        Ok(Authenticated {
            caller: Caller::Signed(principal),
            trusted_only: false,
        })
    }
}

/// The endpoint's step: a bad credential refuses the whole request, as Bearer auth prescribes.
pub async fn authenticate_request(state: &AppState, http: &HttpRequest) -> Result<Authenticated, Refusal> {
    authenticate(state, http).await.map_err(|err| {
        let unauthenticated = err.code() == crate::error::ErrorCode::Unauthenticated;
        let refusal = Refusal::from(err);
        if unauthenticated {
            refusal.with_header(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
        } else {
            refusal
        }
    })
}
