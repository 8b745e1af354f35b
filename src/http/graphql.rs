//! The GraphQL endpoint, following the GraphQL-over-HTTP specification: GET for queries, POST
//! with JSON for everything, `application/graphql-response+json` with meaningful status codes
//! for clients that ask for it, and refusals that carry an `extensions.code` like every error.
//!
//! A request passes its steps, one file each: negotiate, authenticate, read, prepare, charge a
//! batch once, claim the idempotency key, execute, respond. Any step may refuse the whole
//! request.

use actix_web::{
    http::{header, Method},
    web, HttpRequest, HttpResponse,
};
use std::sync::Arc;

use async_graphql::parser::types::DocumentOperations;

pub use super::state::EndpointSettings;
use super::{
    authenticate::authenticate_request,
    charge::grant_batch,
    claim::{claim_key, settle, Claimed},
    execute::execute,
    limits::Meter,
    negotiate::{negotiate, Media},
    prepare::{prepare, remember, Prepared},
    rate_limit_fields,
    read::read,
    refusal::Refusal,
    respond::{replay, Answers},
    state::AppState,
};
use crate::{
    db::replicas::ClientKey,
    domain::{locale::Preference, persisted_document},
    error::ErrorCode,
    graphql::cost::CostMeter,
    observability::{
        metrics::{self, OperationOutcome, Outcome},
        span::request_id,
        RequestId,
    },
};

/// Credential-checking fields (`login`, `register` …) one HTTP request may run.
pub const MAX_CREDENTIAL_CHECKS: u64 = 1;

pub async fn endpoint(state: web::Data<AppState>, http: HttpRequest, payload: web::Payload) -> HttpResponse {
    // The request's root span (crate::observability::span) carries this id into every log
    // line of the request, an internal error's cause among them; the response carries it too.
    let request_id = request_id(&http);
    let mut outcome = OperationOutcome {
        operation: metrics::UNNAMED,
        outcome: Outcome::Refused,
    };
    let media = negotiate(&http);
    let mut charged = None;
    let mut response = match media {
        Ok(media) => run(&state, &http, payload, media, request_id, &mut outcome, &mut charged)
            .await
            .unwrap_or_else(|refusal| refusal.into_response(media)),
        Err(refusal) => refusal.into_response(Media::Json),
    };
    // Once the caller is known, every answer says where its rate limits stand, 429s too.
    if let Some(meter) = charged {
        let headers = response.headers_mut();
        if let Some(value) = rate_limit_fields::policy_field(&meter.policies()) {
            headers.insert(rate_limit_fields::RATELIMIT_POLICY, value);
        }
        if let Some(value) = rate_limit_fields::standing_field(&meter.standing_now()) {
            headers.insert(rate_limit_fields::RATELIMIT, value);
        }
    }
    response.extensions_mut().insert(outcome);
    response
}

async fn run(
    state: &AppState,
    http: &HttpRequest,
    payload: web::Payload,
    media: Media,
    request_id: RequestId,
    outcome: &mut OperationOutcome,
    charged: &mut Option<Arc<Meter>>,
) -> Result<HttpResponse, Refusal> {
    let who = authenticate_request(state, http).await?;
    let uploads = super::read::UploadLimits {
        max_file_bytes: state.settings.upload_max_bytes,
        max_files: state.settings.upload_max_files,
    };
    let operations = read(http, payload, uploads).await?;
    let single = operations.single();
    outcome.operation = match operations.requests.as_slice() {
        [request] => metrics::operation_label(request.operation_name.as_deref()),
        _ => metrics::BATCH,
    };
    let address = state.settings.trusted_proxies.client_address(http);
    // Texts written in several languages answer in the one the client prefers.
    let languages = http
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Preference::from_accept_language)
        .unwrap_or_default();
    // One budget for the whole HTTP request, however many operations it holds.
    let meter = Meter::for_request(&state.settings.budgets, &who.caller, address.clone(), state.db.clone());
    *charged = Some(meter.clone());
    let mut prepared = Vec::with_capacity(operations.requests.len());
    for request in operations.requests {
        prepared.push(prepare(state, request, who.trusted_only).await?);
    }
    if let [Ok(one)] = prepared.as_mut_slice() {
        outcome.operation = metrics::operation_label(operation_name(&mut one.request).as_deref());
    }
    if http.method() == Method::GET && prepared.iter().flatten().any(Prepared::is_mutation) {
        let refusal = Refusal::new(ErrorCode::MethodNotAllowed, "mutations must be sent with POST");
        return Err(refusal.with_header(header::ALLOW, "POST"));
    }
    // A batch is priced and charged once; a single operation pays as it executes.
    let meters: Vec<Arc<dyn CostMeter>> = if prepared.len() > 1 {
        grant_batch(&meter, &prepared).await
    } else {
        vec![meter.clone(); prepared.len()]
    };
    let mut answers = Answers::new(media, state.settings.production, request_id);
    // Password and secret checks (argon2 for passwords) are what guessing costs: one per request.
    let mut credential_checks = 0;
    // What the request's metrics say: it ran when any operation ran, failed when any answer
    // holds an error.
    let (mut ran, mut failed) = (false, false);
    for (prepared, charged) in prepared.into_iter().zip(meters) {
        let prepared = match prepared {
            Ok(prepared) => prepared,
            Err(error) => {
                answers.push(async_graphql::Response::from_errors(vec![error]), false);
                continue;
            }
        };
        credential_checks += prepared.price.credential_checks;
        if credential_checks > MAX_CREDENTIAL_CHECKS && prepared.price.credential_checks > 0 {
            let message = "at most one login, register, changePassword, refreshToken, acceptInvitation, \
                           exchangeApiKey, requestPasswordReset, resetPassword, verifyEmail or \
                           requestEmailVerification per HTTP request, whatever the aliases, fragments or batch";
            answers.push(
                async_graphql::Response::from_errors(vec![ErrorCode::QueryTooLarge.server_error(message)]),
                false,
            );
            continue;
        }
        let claimed = claim_key(
            &state.db,
            http,
            &who.caller,
            &prepared.request,
            prepared.is_mutation(),
            single,
        )
        .await?;
        let key = match claimed {
            Claimed::Replay(body) => return Ok(replay(body, media)),
            Claimed::Fresh(key) => Some(key),
            Claimed::Unkeyed => None,
        };
        // Storing a new automatic persisted query is charged with the operation.
        let persist = prepared.persist.then(|| prepared.request.query.clone());
        meter.set_storage_fee(
            persist
                .as_deref()
                .map_or(0, |d| persisted_document::storage_fee(d.len())),
        );
        let mutation = prepared.is_mutation();
        let executed = execute(state, prepared, &who.caller, &address, charged, &languages).await;
        meter.set_storage_fee(0);
        let (response, executed) = (executed.response, executed.ran);
        if let Some(document) = persist.filter(|_| executed) {
            remember(state, &document).await;
        }
        if mutation && executed {
            // Before the answer leaves: the client's next read must find what it wrote.
            state.reads.wrote(&ClientKey::of(&who.caller, &address)).await;
        }
        ran |= executed;
        failed |= !response.errors.is_empty();
        let (response, body) = answers.push(response, executed);
        if let Some(key) = key {
            settle(&state.db, &key, response, body).await;
        }
    }
    outcome.outcome = match (ran, failed) {
        (false, _) => Outcome::Refused,
        (true, true) => Outcome::Error,
        (true, false) => Outcome::Ok,
    };
    Ok(answers.respond(&who.caller, single))
}

/// The operation's name: the one the request selects, else the document's only named operation
/// (from the document `prepare` parsed already).
fn operation_name(request: &mut async_graphql::Request) -> Option<String> {
    if let Some(name) = &request.operation_name {
        return Some(name.clone());
    }
    match &request.parsed_query().ok()?.operations {
        DocumentOperations::Multiple(operations) if operations.len() == 1 => {
            operations.keys().next().map(|name| name.to_string())
        }
        _ => None,
    }
}
