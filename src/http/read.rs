//! Step 3, read: GET parameters or a POST body into GraphQL requests, refusing what is not one
//! (a simple cross-site body without a preflight header, another media type, a body over the
//! limit, an empty batch or one too long).

use actix_web::{
    http::{header, Method},
    web, HttpRequest,
};
use async_graphql::Request;
use futures_util::StreamExt;

use super::refusal::Refusal;
use crate::error::ErrorCode;

pub const MAX_BODY_BYTES: usize = 1024 * 1024;
pub const MAX_BATCH: usize = 10;
/// Any of these headers makes a request "non-simple", so a browser must ask CORS first.
const PREFLIGHT_HEADERS: [&str; 3] = [
    "graphql-require-preflight",
    "x-apollo-operation-name",
    "apollo-require-preflight",
];

/// The operations of one HTTP request.
pub struct Operations {
    pub requests: Vec<Request>,
    /// The body was a JSON array, so even a batch of one answers with an array.
    pub batch: bool,
}

impl Operations {
    /// One operation, answered as one object.
    pub fn single(&self) -> bool {
        self.requests.len() == 1 && !self.batch
    }
}

pub async fn read(http: &HttpRequest, payload: web::Payload) -> Result<Operations, Refusal> {
    let bad_input = |message: &str| Refusal::new(ErrorCode::BadUserInput, message);
    if http.method() == Method::GET {
        let request = async_graphql::http::parse_query_string(http.query_string())
            .map_err(|_| bad_input("give the query as ?query=…"))?;
        return Ok(Operations {
            requests: vec![request],
            batch: false,
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
        return Err(Refusal::new(ErrorCode::PreflightRequired, message));
    }
    if !matches!(content_type.as_str(), "application/json" | "text/plain") {
        let message = "send the request as application/json";
        return Err(Refusal::new(ErrorCode::UnsupportedMediaType, message));
    }
    let body = read_body(http, payload)
        .await
        .map_err(|code| Refusal::new(code, format!("request bodies are limited to {MAX_BODY_BYTES} bytes")))?;
    let batch = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let not_graphql = || bad_input("the request is not a GraphQL request: send JSON with a `query` string");
    // Parsed by shape, not as async-graphql's BatchRequest: that reads `[]` as one request
    // without a query, answered with a parse error instead of saying what is wrong.
    let requests = if batch {
        match serde_json::from_slice::<Vec<Request>>(&body) {
            Ok(requests) if requests.is_empty() => {
                return Err(bad_input("the batch is empty: send at least one operation"));
            }
            Ok(requests) if requests.len() > MAX_BATCH => {
                return Err(bad_input(&format!("a batch holds at most {MAX_BATCH} operations")));
            }
            Ok(requests) => requests,
            Err(_) => return Err(not_graphql()),
        }
    } else {
        vec![serde_json::from_slice::<Request>(&body).map_err(|_| not_graphql())?]
    };
    // `{"qeury": …}` is no GraphQL-over-HTTP request at all, rather than an empty document.
    let without_document = |r: &Request| r.query.trim().is_empty() && !r.extensions.contains_key("persistedQuery");
    if requests.iter().any(without_document) {
        return Err(bad_input(
            "give the GraphQL document as `query` (or a persistedQuery hash)",
        ));
    }
    Ok(Operations { requests, batch })
}

/// The body, up to [`MAX_BODY_BYTES`]; a declared length over it is refused unread.
async fn read_body(http: &HttpRequest, mut payload: web::Payload) -> Result<web::Bytes, ErrorCode> {
    let too_long = http
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES);
    if too_long {
        return Err(ErrorCode::PayloadTooLarge);
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ErrorCode::BadUserInput)?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ErrorCode::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
