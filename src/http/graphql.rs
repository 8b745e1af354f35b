//! The GraphQL endpoint, following the GraphQL-over-HTTP specification: GET for queries, POST
//! with JSON for everything, `application/graphql-response+json` with meaningful status codes
//! for clients that ask for it, and refusals that carry an `extensions.code` like every error.

use std::time::Duration;

use actix_web::{
    http::{header, Method, StatusCode},
    web, HttpMessage, HttpRequest, HttpResponse,
};
use async_graphql::{
    parser::types::{ExecutableDocument, OperationType},
    BatchRequest, Request, Response, ServerError, Value,
};
use futures_util::StreamExt;
use serde_json::json;
use sha2::{Digest, Sha256};
use tracing::Instrument;
use uuid::Uuid;

use super::{idempotency, limits::Meter};
use crate::{
    app::AppState,
    auth::Caller,
    domain::{api_key, persisted_document},
    error::AppError,
    graphql::{
        self,
        shape::{self, nesting_depth, MAX_NESTING},
    },
};

pub const MAX_BODY_BYTES: usize = 1024 * 1024;
pub const MAX_BATCH: usize = 10;
pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
/// Any of these headers makes a request "non-simple", so a browser must ask CORS first.
const PREFLIGHT_HEADERS: [&str; 3] = [
    "graphql-require-preflight",
    "x-apollo-operation-name",
    "apollo-require-preflight",
];

/// The response media type the client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    Json,
    GraphqlResponse,
}

impl Media {
    fn content_type(self) -> &'static str {
        match self {
            Media::Json => "application/json",
            Media::GraphqlResponse => GRAPHQL_RESPONSE_JSON,
        }
    }
}

fn negotiate(http: &HttpRequest) -> Option<Media> {
    let Some(accept) = http.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(Media::Json);
    };
    let types: Vec<&str> = accept
        .split(',')
        .map(|t| t.split(';').next().unwrap_or("").trim())
        .collect();
    if types.contains(&GRAPHQL_RESPONSE_JSON) {
        Some(Media::GraphqlResponse)
    } else if types
        .iter()
        .any(|t| matches!(*t, "application/json" | "application/*" | "*/*" | ""))
    {
        Some(Media::Json)
    } else {
        None
    }
}

fn error_body(message: &str, code: &str) -> serde_json::Value {
    json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })
}

fn refuse(status: StatusCode, media: Media, message: &str, code: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(media.content_type())
        .json(error_body(message, code))
}

/// A request-level GraphQL error with a code.
fn server_error(message: impl Into<String>, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    error.extensions.get_or_insert_with(Default::default).set("code", code);
    error
}

fn code_of(error: &ServerError) -> Option<String> {
    match error.extensions.as_ref()?.get("code")? {
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

async fn read_body(mut payload: web::Payload) -> Result<web::Bytes, StatusCode> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| StatusCode::BAD_REQUEST)?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(StatusCode::PAYLOAD_TOO_LARGE);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

pub async fn endpoint(state: web::Data<AppState>, http: HttpRequest, payload: web::Payload) -> HttpResponse {
    let request_id = Uuid::now_v7();
    let span = tracing::info_span!("graphql", %request_id);
    let mut response = handle(state, http, payload, request_id).instrument(span).await;
    if let Ok(value) = header::HeaderValue::from_str(&request_id.to_string()) {
        response
            .headers_mut()
            .insert(header::HeaderName::from_static("x-request-id"), value);
    }
    response
}

async fn handle(
    state: web::Data<AppState>,
    http: HttpRequest,
    payload: web::Payload,
    request_id: Uuid,
) -> HttpResponse {
    let Some(media) = negotiate(&http) else {
        return refuse(
            StatusCode::NOT_ACCEPTABLE,
            Media::Json,
            "this endpoint answers application/graphql-response+json or application/json",
            "NOT_ACCEPTABLE",
        );
    };
    let (caller, trusted_only) = match authenticate(&state, &http).await {
        Ok(found) => found,
        Err(err) => {
            let mut response = refuse(StatusCode::UNAUTHORIZED, media, &err.to_string(), err.code());
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            return response;
        }
    };
    let batch = match read_request(&http, payload, media).await {
        Ok(batch) => batch,
        Err(response) => return response,
    };
    let requests = match batch {
        BatchRequest::Single(request) => vec![request],
        BatchRequest::Batch(requests) if requests.len() > MAX_BATCH => {
            let message = format!("a batch holds at most {MAX_BATCH} operations");
            return refuse(StatusCode::BAD_REQUEST, media, &message, "BAD_USER_INPUT");
        }
        BatchRequest::Batch(requests) => requests,
    };
    let single = requests.len() == 1 && !http_is_batch(&http);
    let address = http
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    // One budget for the whole HTTP request, however many operations it holds.
    let meter = Meter::new(&state.settings.budgets, &caller, address, state.db.clone());

    let mut responses = Vec::with_capacity(requests.len());
    let mut status = StatusCode::OK;
    let mut retry_after: Option<u64> = None;
    for request in requests {
        let prepared = prepare(&state, request, trusted_only).await;
        let (request, document) = match prepared {
            Ok(ok) => ok,
            Err(Prepared::Refused(response)) => return response.with_media(media),
            Err(Prepared::Error(error, request_status)) => {
                status = worst(status, request_status(media));
                responses.push(Response::from_errors(vec![error]));
                continue;
            }
        };
        let is_mutation = operation_type(&document, request.operation_name.as_deref()) == Some(OperationType::Mutation);
        if http.method() == Method::GET && is_mutation {
            let mut response = refuse(
                StatusCode::METHOD_NOT_ALLOWED,
                media,
                "mutations must be sent with POST",
                "METHOD_NOT_ALLOWED",
            );
            response
                .headers_mut()
                .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
            return response;
        }
        let idempotency_key = http
            .headers()
            .get("idempotency-key")
            .map(|v| v.to_str().unwrap_or("\u{0}").to_owned());
        let claim = match (&idempotency_key, single && is_mutation) {
            (Some(key), true) => {
                let principal = caller
                    .principal()
                    .map_or("anonymous", |p| p.subject.as_str())
                    .to_owned();
                match idempotency::claim(&state.db, &principal, key, &fingerprint(&request)).await {
                    Ok(idempotency::Claim::Fresh) => Some((principal, key.clone())),
                    Ok(idempotency::Claim::Replay(body)) => {
                        return HttpResponse::Ok()
                            .content_type(media.content_type())
                            .insert_header(("Idempotent-Replayed", "true"))
                            .body(body);
                    }
                    Ok(idempotency::Claim::Mismatch) => {
                        let message = "this Idempotency-Key was used for a different request";
                        return refuse(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            media,
                            message,
                            "IDEMPOTENCY_KEY_REUSED",
                        );
                    }
                    Ok(idempotency::Claim::InProgress) => {
                        let message = "a request with this Idempotency-Key is still running";
                        return refuse(StatusCode::CONFLICT, media, message, "CONFLICT");
                    }
                    Err(err) => return refuse(StatusCode::BAD_REQUEST, media, &err.to_string(), err.code()),
                }
            }
            (Some(_), false) if is_mutation => {
                let message = "Idempotency-Key applies to a request of one mutation, not to a batch";
                return refuse(StatusCode::BAD_REQUEST, media, message, "BAD_USER_INPUT");
            }
            // Reads are safe to repeat; a key on them changes nothing.
            _ => None,
        };

        let mut request = graphql::request_data(request, &state.db, caller.clone()).data(meter.clone());
        if state.settings.production && !caller.is_admin() {
            if introspects(&document) {
                let error = server_error("introspection is for administrators", "FORBIDDEN");
                responses.push(Response::from_errors(vec![error]));
                continue;
            }
            request = request.disable_introspection();
        }
        let mut response =
            match tokio::time::timeout(state.settings.request_timeout, state.schema.execute(request)).await {
                Ok(response) => response,
                Err(_) => {
                    tracing::warn!("request timed out");
                    Response::from_errors(vec![server_error(AppError::Timeout.to_string(), "TIMEOUT")])
                }
            };
        finish_errors(&mut response, state.settings.production, request_id);
        let codes: Vec<String> = response.errors.iter().filter_map(code_of).collect();
        for code in &codes {
            match code.as_str() {
                "RATE_LIMITED" => {
                    status = worst(status, StatusCode::TOO_MANY_REQUESTS);
                    let wait = response
                        .errors
                        .iter()
                        .find_map(|e| match e.extensions.as_ref()?.get("retryAfter")? {
                            Value::Number(n) => n.as_u64(),
                            _ => None,
                        });
                    retry_after = retry_after.max(wait.or(Some(60)));
                }
                "TIMEOUT" | "UNAVAILABLE" => status = worst(status, StatusCode::SERVICE_UNAVAILABLE),
                _ => {}
            }
        }
        if media == Media::GraphqlResponse && response.data == Value::Null && !response.errors.is_empty() {
            // Nothing was executed: the document or its variables are at fault.
            status = worst(status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        if let Some((principal, key)) = claim {
            let passing = codes
                .iter()
                .any(|c| matches!(c.as_str(), "INTERNAL" | "RATE_LIMITED" | "TIMEOUT" | "UNAVAILABLE"));
            let stored = if passing {
                idempotency::release(&state.db, &principal, &key).await
            } else {
                let body = serde_json::to_string(&response).unwrap_or_default();
                idempotency::finish(&state.db, &principal, &key, &body).await
            };
            if let Err(err) = stored {
                tracing::error!(%err, "idempotency record not updated");
            }
        }
        responses.push(response);
    }

    let mut builder = HttpResponse::build(status);
    builder.content_type(media.content_type());
    if caller.principal().is_some() {
        builder.insert_header((header::CACHE_CONTROL, "private, no-store"));
    }
    if let Some(seconds) = retry_after.filter(|_| status == StatusCode::TOO_MANY_REQUESTS) {
        builder.insert_header((header::RETRY_AFTER, seconds.to_string()));
    }
    if single {
        builder.json(&responses[0])
    } else {
        builder.json(&responses)
    }
}

fn http_is_batch(http: &HttpRequest) -> bool {
    http.extensions().get::<IsBatch>().is_some()
}

/// Marks a request whose body was a JSON array, so a batch of one still answers with an array.
#[derive(Clone, Copy)]
struct IsBatch;

fn worst(a: StatusCode, b: StatusCode) -> StatusCode {
    if b.as_u16() > a.as_u16() {
        b
    } else {
        a
    }
}

trait WithMedia {
    fn with_media(self, media: Media) -> HttpResponse;
}

impl WithMedia for HttpResponse {
    fn with_media(mut self, media: Media) -> HttpResponse {
        if let Ok(value) = header::HeaderValue::from_str(media.content_type()) {
            self.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        self
    }
}

/// Reads the credential of the `Authorization` header: an access token or an API key.
pub(crate) async fn authenticate(state: &AppState, http: &HttpRequest) -> Result<(Caller, bool), AppError> {
    let Some(value) = http.headers().get(header::AUTHORIZATION) else {
        return Ok((Caller::Anonymous, false));
    };
    let value = value
        .to_str()
        .map_err(|_| AppError::Unauthenticated("malformed Authorization header".into()))?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| AppError::Unauthenticated("use Authorization: Bearer <token>".into()))?
        .trim();
    if api_key::looks_like_key(token) {
        let holder = api_key::authenticate(&state.db, token).await?;
        Ok((Caller::Signed(holder.principal), holder.trusted_documents_only))
    } else {
        Ok((Caller::Signed(state.tokens.verify(token)?), false))
    }
}

/// Reads GET parameters or a POST body into GraphQL requests, refusing what is not one.
async fn read_request(http: &HttpRequest, payload: web::Payload, media: Media) -> Result<BatchRequest, HttpResponse> {
    if http.method() == Method::GET {
        return async_graphql::http::parse_query_string(http.query_string())
            .map(BatchRequest::Single)
            .map_err(|_| {
                refuse(
                    StatusCode::BAD_REQUEST,
                    media,
                    "give the query as ?query=…",
                    "BAD_USER_INPUT",
                )
            });
    }
    let content_type = http
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    let simple = matches!(
        content_type.as_str(),
        "text/plain" | "application/x-www-form-urlencoded" | "multipart/form-data"
    );
    if simple && !PREFLIGHT_HEADERS.iter().any(|h| http.headers().contains_key(*h)) {
        // A browser sends these cross-site without asking first: refuse them (CSRF).
        let message = "send application/json, or add a GraphQL-Require-Preflight header";
        return Err(refuse(StatusCode::BAD_REQUEST, media, message, "PREFLIGHT_REQUIRED"));
    }
    if !matches!(content_type.as_str(), "application/json" | "text/plain") {
        let message = "send the request as application/json";
        return Err(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            message,
            "UNSUPPORTED_MEDIA_TYPE",
        ));
    }
    let too_long = http
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES);
    let body = if too_long {
        Err(StatusCode::PAYLOAD_TOO_LARGE)
    } else {
        read_body(payload).await
    };
    let body = body.map_err(|status| {
        let message = format!("request bodies are limited to {MAX_BODY_BYTES} bytes");
        refuse(
            status,
            media,
            &message,
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                "PAYLOAD_TOO_LARGE"
            } else {
                "BAD_USER_INPUT"
            },
        )
    })?;
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        http.extensions_mut().insert(IsBatch);
    }
    serde_json::from_slice::<BatchRequest>(&body).map_err(|_| {
        let message = "the request is not a GraphQL request: send JSON with a `query` string";
        refuse(StatusCode::BAD_REQUEST, media, message, "BAD_USER_INPUT")
    })
}

enum Prepared {
    /// The whole HTTP request is refused.
    Refused(HttpResponse),
    /// This operation fails with a GraphQL error; the status depends on the media type.
    Error(ServerError, fn(Media) -> StatusCode),
}

fn bad_request_for_graphql_response(media: Media) -> StatusCode {
    if media == Media::GraphqlResponse {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

fn ok_status(_: Media) -> StatusCode {
    StatusCode::OK
}

/// Resolves persisted documents, applies the allow-list, parses and checks the document's shape.
async fn prepare(
    state: &AppState,
    mut request: Request,
    trusted_only: bool,
) -> Result<(Request, ExecutableDocument), Prepared> {
    let persisted = request.extensions.get("persistedQuery").and_then(|v| match v {
        Value::Object(o) => o.get("sha256Hash").and_then(|h| match h {
            Value::String(s) => Some(s.to_ascii_lowercase()),
            _ => None,
        }),
        _ => None,
    });
    let db_error = |err: AppError| Prepared::Error(server_error(err.to_string(), err.code()), ok_status);
    let client_error = |message: &str| {
        Prepared::Error(
            server_error(message, "BAD_USER_INPUT"),
            bad_request_for_graphql_response,
        )
    };
    if let Some(hash) = &persisted {
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(client_error("sha256Hash must be 64 hexadecimal characters"));
        }
    }
    // PostgreSQL cannot store NUL in text; no field of this API has a use for it.
    let variables = serde_json::to_string(&request.variables).unwrap_or_default();
    if request.query.contains('\0') || has_nul_escape(&request.query) || variables.contains("\\u0000") {
        return Err(client_error("strings must not contain the NUL character"));
    }
    let mut trusted = false;
    match (&persisted, request.query.trim().is_empty()) {
        (Some(hash), true) => match persisted_document::find(&state.db, hash).await.map_err(db_error)? {
            Some(doc) => {
                trusted = doc.trusted;
                request.query = doc.document;
            }
            None => {
                return Err(Prepared::Error(
                    server_error("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"),
                    ok_status,
                ))
            }
        },
        (Some(hash), false) => {
            if *hash != persisted_document::hash(&request.query) {
                let error = server_error("the query does not match its sha256Hash", "BAD_USER_INPUT");
                return Err(Prepared::Error(error, bad_request_for_graphql_response));
            }
            if !trusted_only {
                persisted_document::remember(&state.db, &request.query)
                    .await
                    .map_err(db_error)?;
            }
        }
        (None, _) => {}
    }
    if trusted_only && !trusted {
        let known = persisted_document::find(&state.db, &persisted_document::hash(&request.query))
            .await
            .map_err(db_error)?;
        if !known.is_some_and(|d| d.trusted) {
            let message = "this API key may only run trusted documents, sent by their sha256Hash";
            return Err(Prepared::Refused(refuse(
                StatusCode::FORBIDDEN,
                Media::Json,
                message,
                "FORBIDDEN",
            )));
        }
    }
    // The parser recurses into nested values without a limit: refuse deep nesting before it.
    if nesting_depth(&request.query) > MAX_NESTING {
        let message = format!("the query nests brackets deeper than {MAX_NESTING} levels");
        return Err(Prepared::Error(
            server_error(message, "QUERY_TOO_LARGE"),
            bad_request_for_graphql_response,
        ));
    }
    let document = match async_graphql::parser::parse_query(&request.query) {
        Ok(document) => document,
        Err(err) => {
            return Err(Prepared::Error(
                server_error(err.to_string(), "GRAPHQL_PARSE_FAILED"),
                bad_request_for_graphql_response,
            ));
        }
    };
    if let Some(problem) = shape::problem(&document) {
        return Err(Prepared::Error(
            server_error(format!("the query is too large: {problem}"), "QUERY_TOO_LARGE"),
            |m| {
                if m == Media::GraphqlResponse {
                    StatusCode::UNPROCESSABLE_ENTITY
                } else {
                    StatusCode::OK
                }
            },
        ));
    }
    Ok((request, document))
}

/// Whether any operation asks for the schema itself at its root.
fn introspects(document: &ExecutableDocument) -> bool {
    use async_graphql::parser::types::Selection;
    document.operations.iter().any(|(_, op)| {
        op.node.selection_set.node.items.iter().any(|s| match &s.node {
            Selection::Field(f) => matches!(f.node.name.node.as_str(), "__schema" | "__type"),
            // Fragments may hide it; disable_introspection() still empties those answers.
            _ => false,
        })
    })
}

/// Whether a GraphQL string escape in the document stands for NUL (`\u0000`, `\u{0}`).
fn has_nul_escape(query: &str) -> bool {
    let lower = query.to_ascii_lowercase();
    lower.contains("\\u0000") || lower.contains("\\u{0}") || lower.contains("\\u{00}") || lower.contains("\\u{000}")
}

fn operation_type(document: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    document
        .operations
        .iter()
        .find(|(op_name, _)| name.is_none() || op_name.map(|n| n.as_str()) == name)
        .map(|(_, op)| op.node.ty)
}

/// What makes two requests the same for an idempotency key.
pub fn fingerprint(request: &Request) -> String {
    let variables = serde_json::to_string(&request.variables).unwrap_or_default();
    let mut hasher = Sha256::new();
    for part in [
        request.query.as_str(),
        request.operation_name.as_deref().unwrap_or(""),
        &variables,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

/// Gives every error a code, and masks what a client must not see.
fn finish_errors(response: &mut Response, production: bool, request_id: Uuid) {
    let executed = response.data != Value::Null;
    for error in &mut response.errors {
        // Every error of our own carries a code; one without comes from async-graphql checking
        // the client's document or input values (a wrong type, a missing variable, a bad scalar).
        let code = code_of(error).unwrap_or_else(|| {
            if error.path.is_empty() && !executed {
                "GRAPHQL_VALIDATION_FAILED".into()
            } else {
                "BAD_USER_INPUT".into()
            }
        });
        let extensions = error.extensions.get_or_insert_with(Default::default);
        extensions.set("code", code.as_str());
        if code == "INTERNAL" {
            extensions.set("requestId", request_id.to_string());
            if production {
                error.message = "internal error".into();
            }
        }
    }
}

/// The GraphQL endpoint's share of the app's settings.
#[derive(Debug, Clone)]
pub struct EndpointSettings {
    pub budgets: super::limits::Budgets,
    pub request_timeout: Duration,
    pub production: bool,
}

impl Default for EndpointSettings {
    fn default() -> Self {
        Self {
            budgets: Default::default(),
            request_timeout: Duration::from_secs(10),
            production: false,
        }
    }
}
