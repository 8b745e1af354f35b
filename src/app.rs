//! The HTTP face of the service; built the same way by `main` and by the tests.

use std::net::TcpListener;

use crate::{
    http::{graphql::endpoint, live, observe, AppState},
    observability::span::RequestSpan,
};
use actix_web::{guard, http::header, middleware, web, App, HttpResponse, HttpServer};
use tracing_actix_web::TracingLogger;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(web::post().to(endpoint))
            // A GET that asks to become a WebSocket runs subscriptions; any other GET is a query.
            .route(web::get().guard(guard::fn_guard(live::is_upgrade)).to(live::endpoint))
            .route(web::get().to(endpoint)),
    )
    .route("/", web::get().to(crate::http::graphiql::page))
    .route(
        &format!("{}/{{name}}", crate::http::graphiql::ASSETS_PATH),
        web::get().to(crate::http::graphiql::file),
    )
    .route("/healthz", web::get().to(healthz))
    .route("/readyz", web::get().to(readyz))
    .route("/metrics", web::get().to(crate::http::metrics::metrics))
    .route(
        "/events/{event_id}/agenda/{participant_file}",
        web::get().to(crate::http::agenda::agenda_ics),
    )
    .route("/export/{file}", web::get().to(crate::http::export::export))
    .route("/digest/latest", web::get().to(crate::http::digest_view::latest))
    // Only what looks like a week, so the other pages under /digest/ (unsubscribing) stay theirs.
    .route(
        r"/digest/{week:\d{4}-[Ww]\d{2}}",
        web::get().to(crate::http::digest_view::of_week),
    )
    .service(
        web::resource("/digest/confirm")
            .route(web::get().to(crate::http::digest_links::confirm_page))
            .route(web::post().to(crate::http::digest_links::confirm)),
    )
    .service(
        web::resource("/digest/unsubscribe")
            .route(web::get().to(crate::http::digest_links::unsubscribe_page))
            .route(web::post().to(crate::http::digest_links::unsubscribe)),
    );
}

/// The HTTP server on `listener`; it runs when awaited, until stopped through its handle (it
/// does not watch for signals itself: `serve` does, see `crate::shutdown`). Stopped gracefully,
/// it waits `shutdown_timeout` for requests in flight, then cuts them.
pub fn server(
    listener: TcpListener,
    state: AppState,
    workers: usize,
    cors_origins: Vec<String>,
    shutdown_timeout: std::time::Duration,
) -> std::io::Result<actix_web::dev::Server> {
    let state = web::Data::new(state);
    // Installed before the first request so that none goes uncounted.
    crate::observability::metrics::handle();
    Ok(HttpServer::new(move || {
        let mut cors = actix_cors::Cors::default()
            .allowed_methods(["GET", "POST"])
            .allowed_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::ACCEPT,
                header::HeaderName::from_static("graphql-require-preflight"),
                header::HeaderName::from_static("idempotency-key"),
                header::HeaderName::from_static("x-request-id"),
                header::HeaderName::from_static("traceparent"),
                header::HeaderName::from_static("tracestate"),
            ])
            .expose_headers([header::RETRY_AFTER, header::HeaderName::from_static("x-request-id")])
            .max_age(600);
        for origin in &cors_origins {
            cors = cors.allowed_origin(origin);
        }
        App::new()
            .app_data(state.clone())
            .wrap(cors)
            // Inside out: the request's own span (outermost, so that every line of the request
            // has its id), compression for what `observe` found worth it, and `observe` with
            // the access log, the metrics and the X-Request-Id header.
            .wrap(middleware::from_fn(observe::observe))
            .wrap(middleware::Compress::default())
            .wrap(middleware::from_fn(observe::unmark))
            .wrap(TracingLogger::<RequestSpan>::new())
            .configure(routes)
    })
    .workers(workers)
    .disable_signals()
    .shutdown_timeout(shutdown_timeout.as_secs())
    .listen(listener)?
    .run())
}

/// The query GraphiQL opens with, so a first visitor sees the demo data at once.
pub const EXAMPLE_QUERY: &str = r#"# Taiwanese cluster organisations registered by CNFI, with their partnerships
query TaiwaneseClusters {
  clusters(filter: {countries: ["TW"]}, first: 5) {
    totalCount
    nodes {
      name
      localName
      acronym
      ecosystems
      representedBy { acronym }
      partnerships(first: 3) {
        nodes { name kind }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"#;

/// The process serves.
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// The process can do its work: it is not shutting down and the database answers.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    // First, so that a proxy stops sending here while the listener still accepts.
    if state.shutdown.has_begun() {
        return HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("shutting down");
    }
    let ping = tokio::time::timeout(std::time::Duration::from_secs(2), state.db.ping()).await;
    match ping {
        Ok(Ok(())) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        _ => HttpResponse::ServiceUnavailable()
            .insert_header((header::RETRY_AFTER, "5"))
            .content_type("text/plain")
            .body("database unavailable"),
    }
}
