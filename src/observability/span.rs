//! The root span of every HTTP request: its request id, its place in the caller's trace, and the
//! request line as logs may show it.

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::HeaderMap,
    Error, HttpMessage,
};
use opentelemetry::propagation::Extractor;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::request_id::{Origin, RequestId};

/// The header a request id travels in, both ways.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Builds the request's span for `tracing_actix_web::TracingLogger`, and leaves the request's
/// [`RequestId`] in its extensions for the handlers.
///
/// Not tracing-actix-web's `root_span!`: that records the whole target, query and all, and a
/// query may hold a link token; this span carries the path only.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let (id, origin) = RequestId::from_header(request.headers().get(REQUEST_ID_HEADER));
        let route = request.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
        let span = tracing::info_span!(
            "request",
            request_id = %id,
            http.request.method = %request.method(),
            url.path = %request.path(),
            http.route = %route,
            http.status_code = tracing::field::Empty,
            otel.name = %format!("{} {}", request.method(), route),
            otel.kind = "server",
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        );
        // With no OpenTelemetry layer installed this does nothing; with one, a caller's
        // `traceparent` makes this span its child.
        let parent = opentelemetry::global::get_text_map_propagator(|p| p.extract(&Headers(request.headers())));
        let _ = span.set_parent(parent);
        if origin == Origin::Replaced {
            tracing::info!(parent: &span, "X-Request-Id was not 1–64 characters of [A-Za-z0-9._-]; a new id replaces it");
        }
        request.extensions_mut().insert(id);
        span
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// The request's id, as [`RequestSpan`] left it (a new one outside the middleware).
pub fn request_id(request: &actix_web::HttpRequest) -> RequestId {
    request.extensions().get::<RequestId>().cloned().unwrap_or_default()
}

/// Request headers as OpenTelemetry's propagators read them.
struct Headers<'a>(&'a HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// The request line as the log shows it: a `token` in the query (agenda links, mailed links) is
/// a credential, so its value never reaches the log.
pub fn request_line(method: &str, path: &str, query: &str, version: actix_web::http::Version) -> String {
    let query = if query.is_empty() {
        String::new()
    } else {
        let pairs: Vec<&str> = query
            .split('&')
            .map(|pair| {
                if pair.starts_with("token=") {
                    "token=[redacted]"
                } else {
                    pair
                }
            })
            .collect();
        format!("?{}", pairs.join("&"))
    };
    format!("{method} {path}{query} {version:?}")
}

#[cfg(test)]
mod tests {
    use actix_web::http::Version;

    #[test]
    fn a_link_token_never_reaches_the_log() {
        let line = super::request_line("GET", "/events/E/agenda/P.ics", "token=s3cret&x=1", Version::HTTP_11);
        assert_eq!(line, "GET /events/E/agenda/P.ics?token=[redacted]&x=1 HTTP/1.1");
        let mailed = super::request_line("GET", "/subscription/confirm", "a=1&token=s3cret", Version::HTTP_11);
        assert_eq!(mailed, "GET /subscription/confirm?a=1&token=[redacted] HTTP/1.1");
        let plain = super::request_line("GET", "/graphql", "query=%7Bx%7D", Version::HTTP_11);
        assert_eq!(plain, "GET /graphql?query=%7Bx%7D HTTP/1.1");
    }
}
