//! The HTTP face of the service; built the same way by `main` and by the tests.

use std::net::TcpListener;

use crate::http::{authenticate, graphql::endpoint, live, AppState};
use actix_web::{guard, http::header, middleware, web, App, HttpRequest, HttpResponse, HttpServer};
use async_graphql::http::GraphiQLSource;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(web::post().to(endpoint))
            // A GET that asks to become a WebSocket runs subscriptions; any other GET is a query.
            .route(web::get().guard(guard::fn_guard(live::is_upgrade)).to(live::endpoint))
            .route(web::get().to(endpoint)),
    )
    .route("/", web::get().to(graphiql))
    .route("/healthz", web::get().to(healthz))
    .route("/readyz", web::get().to(readyz))
    .route(
        "/events/{event_id}/agenda/{participant_file}",
        web::get().to(crate::http::agenda::agenda_ics),
    )
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

/// The HTTP server on `listener`; it runs when awaited, until told to stop.
pub fn server(
    listener: TcpListener,
    state: AppState,
    workers: usize,
    cors_origins: Vec<String>,
) -> std::io::Result<actix_web::dev::Server> {
    let state = web::Data::new(state);
    Ok(HttpServer::new(move || {
        let mut cors = actix_cors::Cors::default()
            .allowed_methods(["GET", "POST"])
            .allowed_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::ACCEPT,
                header::HeaderName::from_static("graphql-require-preflight"),
                header::HeaderName::from_static("idempotency-key"),
            ])
            .expose_headers([header::RETRY_AFTER, header::HeaderName::from_static("x-request-id")])
            .max_age(600);
        for origin in &cors_origins {
            cors = cors.allowed_origin(origin);
        }
        App::new()
            .app_data(state.clone())
            .wrap(cors)
            .wrap(middleware::Logger::new("%{request}xi %s %b %Dms").custom_request_replace("request", request_line))
            .configure(routes)
    })
    .workers(workers)
    .listen(listener)?
    .run())
}

/// The request line as the log shows it: an agenda link's `token` is a credential, so its value
/// never reaches the log.
fn request_line(req: &actix_web::dev::ServiceRequest) -> String {
    let query = req.query_string();
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
    format!("{} {}{query} {:?}", req.method(), req.path(), req.version())
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

async fn graphiql(state: web::Data<AppState>, http: HttpRequest) -> HttpResponse {
    if state.settings.production {
        // In production GraphiQL is an administrators' tool; others get nothing to explore.
        let admin = authenticate(&state, &http).await.is_ok_and(|who| who.caller.is_admin());
        if !admin {
            return HttpResponse::NotFound().finish();
        }
    }
    let page = GraphiQLSource::build()
        .endpoint("/graphql")
        .title("clusterbridge")
        .finish();
    // GraphiQLSource has no option for a default query; GraphiQL itself takes `defaultQuery`.
    let example = serde_json::to_string(EXAMPLE_QUERY).unwrap_or_default();
    let page = page.replacen(
        "defaultEditorToolsVisibility: true,",
        &format!("defaultEditorToolsVisibility: true, defaultQuery: {example},"),
        1,
    );
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page)
}

/// The process serves.
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// The process can do its work: the database answers.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let ping = tokio::time::timeout(std::time::Duration::from_secs(2), state.db.ping()).await;
    match ping {
        Ok(Ok(())) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        _ => HttpResponse::ServiceUnavailable()
            .insert_header((header::RETRY_AFTER, "5"))
            .content_type("text/plain")
            .body("database unavailable"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_agenda_token_never_reaches_the_log() {
        let req = actix_web::test::TestRequest::with_uri("/events/E/agenda/P.ics?token=s3cret&x=1").to_srv_request();
        let line = super::request_line(&req);
        assert_eq!(line, "GET /events/E/agenda/P.ics?token=[redacted]&x=1 HTTP/1.1");
        let plain = actix_web::test::TestRequest::with_uri("/graphql?query=%7Bx%7D").to_srv_request();
        assert_eq!(super::request_line(&plain), "GET /graphql?query=%7Bx%7D HTTP/1.1");
    }
}
