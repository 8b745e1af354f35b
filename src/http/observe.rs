//! The middleware every request passes inside its root span: it puts the request id on the
//! response, counts and times the request, writes its one access-log line (with the client's
//! address as `TRUSTED_PROXIES` lets it be known), and tells the compression middleware which
//! responses to leave alone.

use std::time::Instant;

use actix_web::{
    body::{BodySize, BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{
        header::{self, HeaderValue},
        StatusCode,
    },
    middleware::Next,
    web, Error,
};

use super::AppState;

use crate::observability::{
    metrics::{self, OperationOutcome, Outcome},
    span::{request_id, request_line, REQUEST_ID_HEADER},
};

/// Smallest body worth compressing: below it, gzip's and brotli's framing eat the gain.
pub const MIN_COMPRESSED_BYTES: u64 = 1024;

pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let line = request_line(req.method().as_str(), req.path(), req.query_string(), req.version());
    // Not a clone of the request: the router needs it unshared.
    let id = request_id(req.request());
    let client = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.settings.trusted_proxies.client_address(req.request()))
        .unwrap_or_default();
    let mut res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    let (operation, outcome) = match res.response().extensions().get::<OperationOutcome>() {
        Some(graphql) => (graphql.operation, graphql.outcome),
        None => (metrics::NOT_GRAPHQL, Outcome::of_status(status)),
    };
    let elapsed = started.elapsed();
    metrics::record_request(&route, operation, outcome, elapsed.as_secs_f64());
    let size = res.response().body().size();
    let bytes = match size {
        BodySize::Sized(n) => n,
        _ => 0,
    };
    tracing::info!(
        status = status.as_u16(),
        bytes,
        ms = elapsed.as_secs_f64() * 1000.0,
        operation,
        outcome = outcome.label(),
        client,
        "{line}"
    );
    let headers = res.headers_mut();
    if let Ok(value) = HeaderValue::from_str(id.as_str()) {
        headers.insert(header::HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    if !worth_compressing(status, size, headers) && !headers.contains_key(header::CONTENT_ENCODING) {
        // actix-web's Compress leaves alone a response that names its encoding; `unmark`
        // takes the name off again outside it.
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("identity"));
    }
    Ok(res)
}

/// Whether a response is compressed when the client accepts it: a body of known size from
/// [`MIN_COMPRESSED_BYTES`] on; never a stream (an event stream must flow as it is written)
/// nor a socket's upgrade.
fn worth_compressing(status: StatusCode, size: BodySize, headers: &header::HeaderMap) -> bool {
    let event_stream = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    status != StatusCode::SWITCHING_PROTOCOLS
        && !event_stream
        && matches!(size, BodySize::Sized(n) if n >= MIN_COMPRESSED_BYTES)
}

/// Outside the compression middleware: takes off the `Content-Encoding: identity` that
/// [`observe`] set to keep a response uncompressed.
pub async fn unmark(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if headers.get(header::CONTENT_ENCODING).is_some_and(|v| v == "identity") {
        headers.remove(header::CONTENT_ENCODING);
    }
    Ok(res)
}
