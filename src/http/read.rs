//! Step 3, read: GET parameters or a POST body into GraphQL requests, refusing what is not one
//! (a simple cross-site body without a preflight header, another media type, a body over the
//! limit, an empty batch or one too long). A multipart body (the GraphQL multipart request
//! specification, for `importClusters`) carries files up to `UPLOAD_MAX_BYTES` each and at most
//! `UPLOAD_MAX_FILES` of them; its operations meet the same checks as a JSON body's.

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

/// What a multipart body may carry.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    pub max_file_bytes: usize,
    pub max_files: usize,
}

pub async fn read(http: &HttpRequest, payload: web::Payload, uploads: UploadLimits) -> Result<Operations, Refusal> {
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
    if content_type == "multipart/form-data" {
        let (requests, batch) = read_multipart(http, payload, uploads).await?;
        return checked(requests, batch);
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
    checked(requests, batch)
}

/// The checks every body's operations meet, however they came.
fn checked(requests: Vec<Request>, batch: bool) -> Result<Operations, Refusal> {
    let bad_input = |message: &str| Refusal::new(ErrorCode::BadUserInput, message);
    if requests.is_empty() {
        return Err(bad_input("the batch is empty: send at least one operation"));
    }
    if requests.len() > MAX_BATCH {
        return Err(bad_input(&format!("a batch holds at most {MAX_BATCH} operations")));
    }
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

/// A multipart body as async-graphql reads it (operations, map, files), fed from the payload
/// with its length counted: a body over the operations' limit plus the files' is cut off there.
async fn read_multipart(
    http: &HttpRequest,
    mut payload: web::Payload,
    limits: UploadLimits,
) -> Result<(Vec<Request>, bool), Refusal> {
    use async_graphql::{http::MultipartOptions, BatchRequest, ParseRequestError};
    use futures_util::TryStreamExt;

    let limit = MAX_BODY_BYTES.saturating_add(limits.max_file_bytes.saturating_mul(limits.max_files));
    let too_large = || {
        Refusal::new(
            ErrorCode::PayloadTooLarge,
            format!(
                "an upload is limited to {} bytes a file and {} files",
                limits.max_file_bytes, limits.max_files
            ),
        )
    };
    let declared = http
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let content_type = http
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // The payload is bound to this thread; async-graphql's reader wants a `Send` body. A channel
    // between them, fed here, keeps at most a few chunks in flight.
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<web::Bytes>>(4);
    let over = std::cell::Cell::new(false);
    let feed = async {
        let mut total = 0usize;
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(std::io::Error::other);
            if let Ok(bytes) = &chunk {
                total += bytes.len();
                if total > limit {
                    over.set(true);
                    let _ = tx.send(Err(std::io::Error::other("body too large"))).await;
                    break;
                }
            }
            if tx.send(chunk).await.is_err() {
                break;
            }
        }
        drop(tx);
    };
    let options = MultipartOptions::default()
        .max_file_size(limits.max_file_bytes)
        .max_num_files(limits.max_files);
    let body = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) })
        .into_async_read();
    let receive = async_graphql::http::receive_batch_body(content_type, body, options);
    let ((), received) = futures_util::join!(feed, receive);
    let requests = match received {
        Ok(BatchRequest::Single(request)) => (vec![request], false),
        Ok(BatchRequest::Batch(requests)) => (requests, true),
        Err(ParseRequestError::PayloadTooLarge) => return Err(too_large()),
        Err(_) if over.get() => return Err(too_large()),
        Err(_) => {
            let message = "the body is not a GraphQL multipart request (operations, map, files)";
            return Err(Refusal::new(ErrorCode::BadUserInput, message));
        }
    };
    let files: usize = requests.0.iter().map(|r| r.uploads.len()).sum();
    if files > limits.max_files {
        let message = format!("a request uploads at most {} files", limits.max_files);
        return Err(Refusal::new(ErrorCode::TooManyFiles, message));
    }
    Ok(requests)
}
